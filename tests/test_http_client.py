"""Our HTTP client through the fetcher, against real loopback servers: keep-alive, TLS, closed and silent peers."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from monitor.config import MonitorSettings
from monitor.fetch import ConnectError, Fetcher, RedirectRefused, Timeout
from monitor.http_client import Client
from tests.support.raw_server import BODY, RawServer


def _tls(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    """A self-signed certificate for the address 127.0.0.1 (as a subjectAltName: that is what is checked)."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    return server, cert


def test_plain_http_keeps_one_connection_alive_and_sends_validators() -> None:
    async def go() -> None:
        server = RawServer()
        async with server.running() as base, Fetcher(MonitorSettings()) as fetcher:
            first = await fetcher.get(f"{base}/dtn")
            again = await fetcher.get(f"{base}/dtn", validators=('"v1"', None))
            assert (first.status, first.content) == (200, BODY)
            assert again.not_modified and again.content == b""
            assert (server.requests, server.connections) == (2, 1)
            head = server.heads[0].lower()
            assert b"user-agent: dtn-monitor/" in head and b"accept-encoding: gzip, deflate" in head

    asyncio.run(go())


def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    async def go() -> None:
        server = RawServer("close-when-idle")
        async with server.running() as base, Fetcher(MonitorSettings()) as fetcher:
            for _ in range(3):
                assert (await fetcher.get(f"{base}/dtn")).content == BODY
                await asyncio.sleep(0.2)  # the server has closed its side by now
            assert (server.requests, server.connections) == (3, 3)

    asyncio.run(go())


def test_a_silent_server_is_a_timeout_and_a_closed_port_a_connect_error() -> None:
    async def go() -> None:
        server = RawServer("silent")
        async with server.running() as base, Fetcher(MonitorSettings()) as fetcher:
            with pytest.raises(Timeout):
                await fetcher.get(f"{base}/dtn", timeout=0.5)
            with pytest.raises(ConnectError):
                await fetcher.get("http://127.0.0.1:9/dtn", timeout=2)

    asyncio.run(go())


def test_tls_certificate_is_verified_and_ssl_cert_file_adds_an_authority(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server_ctx, cert = _tls(tmp_path)
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)

    async def go() -> None:
        server = RawServer(tls=server_ctx)
        async with server.running() as base:
            # by default the fetcher trusts certifi's authorities only: a self-signed certificate is refused
            async with Fetcher(MonitorSettings()) as fetcher:
                with pytest.raises(ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                    await fetcher.get(f"{base}/dtn", timeout=5)
            # an authority named in $SSL_CERT_FILE is trusted (as httpx did); one connection for two requests
            monkeypatch.setenv("SSL_CERT_FILE", str(cert))
            async with Fetcher(MonitorSettings()) as fetcher:
                for _ in range(2):
                    r = await fetcher.get(f"{base}/dtn", timeout=5)
                    assert (r.status, r.content) == (200, BODY)
            # the refused handshake never reached the server's handler; one connection carried both requests
            assert (server.connections, server.requests) == (1, 2)

    asyncio.run(go())


def test_an_unusable_host_name_or_authority_file_is_a_connect_error_not_a_crash(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async def go() -> None:
        async with Fetcher(MonitorSettings()) as fetcher:
            with pytest.raises(ConnectError):  # the resolver cannot encode an empty label (UnicodeError)
                await fetcher.get("http://www..nctv.nl/dtn", timeout=5)
            monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
            with pytest.raises(ConnectError, match="certificate authorities cannot be loaded"):
                await fetcher.get("https://127.0.0.1:9/dtn", timeout=5)

    asyncio.run(go())


def test_a_redirect_to_a_malformed_address_is_refused() -> None:
    async def go() -> None:
        server = RawServer(headers=b"Location: http://[::1/dtn\r\n")
        server.status = b"302 Found"
        async with server.running() as base, Fetcher(MonitorSettings()) as fetcher:
            with pytest.raises(RedirectRefused, match="unusable URL"):
                await fetcher.get(f"{base}/dtn", timeout=5)

    asyncio.run(go())


def test_idle_connections_to_every_host_are_closed_once_expired_not_only_the_next_hosts() -> None:
    async def go() -> None:
        first, second = RawServer(), RawServer()
        async with first.running() as a, second.running() as b:
            client = Client(max_idle=2, expiry=0.2)
            for base in (a, b):
                response = await client.send(f"{base}/dtn", {})
                async for _ in response.aiter_bytes():
                    pass
                await response.aclose()
                await asyncio.sleep(0.3)
            await asyncio.sleep(0.05)
            # the first host's connection was closed when the second's was released: its server saw the end
            assert first.ended == 1 and second.ended == 0
            await client.aclose()

    asyncio.run(go())


def test_an_idle_connection_is_closed_once_expired_even_when_no_request_follows() -> None:
    async def go() -> None:
        server = RawServer()
        async with server.running() as base:
            client = Client(max_idle=2, expiry=0.2)
            response = await client.send(f"{base}/dtn", {})
            async for _ in response.aiter_bytes():
                pass
            await response.aclose()
            await asyncio.sleep(1.0)  # the daemon between two cycles: no request, no release
            assert server.ended == 1
            await client.aclose()

    asyncio.run(go())
