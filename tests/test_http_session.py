"""What a request carries besides its URL, against real loopback servers: cookies, credentials, a proxy."""

from __future__ import annotations

import asyncio
import base64

import pytest

from monitor.config import MonitorSettings
from monitor.fetch import Fetcher, FetchError
from monitor.http_session import proxies_in_environment
from tests.support.raw_server import BODY, RawServer


@pytest.fixture(autouse=True)
def no_proxy_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def test_a_cookie_the_site_sets_is_sent_back_on_the_next_requests() -> None:
    async def go() -> None:
        server = RawServer(headers=b"Set-Cookie: consent=yes; Path=/\r\n")
        async with server.running() as base, Fetcher(MonitorSettings()) as fetcher:
            for path in ("/dtn", "/dtn", "/nieuws"):
                assert (await fetcher.get(f"{base}{path}")).content == BODY
        first, *later = (h.lower() for h in server.heads)
        assert b"cookie:" not in first
        assert all(b"\r\ncookie: consent=yes\r\n" in h for h in later)

    asyncio.run(go())


def test_credentials_in_the_url_are_sent_as_basic_auth() -> None:
    async def go() -> None:
        server = RawServer()
        async with server.running() as base:
            configured = base.replace("http://", "http://monitor:s%40cret@") + "/dtn"
            async with Fetcher(MonitorSettings(), credentials=[configured]) as fetcher:
                await fetcher.get(configured)
        token = base64.b64encode(b"monitor:s@cret").decode().encode()
        assert b"\r\nauthorization: basic " + token.lower() + b"\r\n" in server.heads[0].lower()

    asyncio.run(go())


def test_a_proxy_set_in_the_environment_carries_the_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    async def go() -> None:
        proxy = RawServer()
        async with proxy.running() as base:
            monkeypatch.setenv("HTTP_PROXY", base)
            async with Fetcher(MonitorSettings()) as fetcher:
                r = await fetcher.get("http://www.nctv.nl/dtn")  # not resolvable here: only the proxy can answer
            assert (r.status, r.content) == (200, BODY)
            assert proxy.heads[0].startswith(b"GET http://www.nctv.nl/dtn HTTP/1.1\r\n")
            assert b"user-agent: dtn-monitor/" in proxy.heads[0].lower()

    asyncio.run(go())


def test_a_proxy_that_cannot_be_used_is_a_fetch_error_that_says_why_without_its_password(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "gopher://user:hunter2@127.0.0.1:9")

    async def go() -> None:
        async with Fetcher(MonitorSettings()) as fetcher:
            with pytest.raises(FetchError, match="the proxy set in the environment cannot be used") as exc:
                await fetcher.get("https://www.nctv.nl/dtn", timeout=5)
            assert "hunter2" not in str(exc.value)

    asyncio.run(go())


def test_every_cookie_of_several_set_cookie_fields_is_kept_and_one_for_another_path_is_not_sent() -> None:
    async def go() -> None:
        server = RawServer(headers=b"Set-Cookie: consent=yes; Path=/\r\nSet-Cookie: lb=node2; Path=/\r\n"
                                   b"Set-Cookie: admin=1; Path=/beheer\r\n")
        async with server.running() as base, Fetcher(MonitorSettings()) as fetcher:
            await fetcher.get(f"{base}/dtn")
            await fetcher.get(f"{base}/dtn")
        later = server.heads[1].lower()
        assert b"\r\ncookie: " in later and b"consent=yes" in later and b"lb=node2" in later
        assert b"admin=1" not in later

    asyncio.run(go())


def test_credentials_from_a_url_go_with_later_requests_to_that_origin_only_and_never_into_links() -> None:
    async def go() -> None:
        site, other = RawServer(), RawServer()
        async with site.running() as base, other.running() as elsewhere:
            configured = base.replace("http://", "http://monitor:s%40cret@") + "/dtn"
            async with Fetcher(MonitorSettings(), credentials=[configured, f"{elsewhere}/dtn"]) as fetcher:
                r = await fetcher.get(configured)
                await fetcher.get(f"{base}/dtn-62.html")  # an edition's page, linked from the first
                await fetcher.get(f"{elsewhere}/dtn")
                # a link (or a redirect) that carries credentials of its own chooses nothing
                await fetcher.get(elsewhere.replace("http://", "http://planted:x@") + "/p")
                await fetcher.get(base.replace("http://", "http://planted:x@") + "/p")
        assert "s%40cret" not in r.url and "monitor" not in r.url  # stored links and alerts hold no password
        token = b"basic " + base64.b64encode(b"monitor:s@cret").lower()
        assert all(b"\r\nauthorization: " + token + b"\r\n" in h.lower() for h in site.heads)
        assert not any(b"authorization" in h.lower() for h in other.heads)

    asyncio.run(go())


def test_an_empty_user_in_the_url_sends_no_credentials() -> None:
    async def go() -> None:
        server = RawServer()
        async with server.running() as base, Fetcher(MonitorSettings()) as fetcher:
            await fetcher.get(base.replace("http://", "http://@") + "/dtn")
        assert b"authorization" not in server.heads[0].lower()

    asyncio.run(go())


@pytest.mark.parametrize("name, value, proxied", [
    ("HTTPS_PROXY", "http://proxy:3128", True), ("https_proxy", "http://proxy:3128", True),
    ("HTTPS_proxy", "http://proxy:3128", True), ("ALL_PROXY", "socks5://proxy:1080", True),
    ("NO_PROXY", "nctv.nl", False), ("FTP_PROXY", "http://proxy:3128", False), ("HTTP_PROXY", "", False),
])
def test_a_proxy_is_found_in_the_environment_as_urllib_finds_it(
        monkeypatch: pytest.MonkeyPatch, name: str, value: str, proxied: bool) -> None:
    monkeypatch.setenv(name, value)
    assert proxies_in_environment() is proxied


def test_a_failed_fetch_never_shows_the_password_of_its_url() -> None:
    async def go() -> None:
        url = "http://monitor:s3cret@127.0.0.1:9/dtn"  # nothing listens on port 9
        async with Fetcher(MonitorSettings(), credentials=[url]) as fetcher:
            with pytest.raises(FetchError) as exc:
                await fetcher.get(url, timeout=5)
        assert "s3cret" not in str(exc.value) and "127.0.0.1:9/dtn" in str(exc.value)

    asyncio.run(go())
