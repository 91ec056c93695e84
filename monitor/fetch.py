"""One shared, polite HTTP client for every source.

- conditional requests with the server's own ETag / Last-Modified (saved by the cycle only
  after the response was processed, so a failed parse is retried rather than hidden by 304);
- a body size cap counted on decoded bytes (a gzip bomb stops at the cap);
- redirects followed by hand: limited in number, loops and other hosts refused;
- per host: `host_concurrency` requests at a time (one by default), a minimum gap between their starts,
  and Retry-After honoured on 429/503;
- cookies, credentials in the URL and a proxy set in the environment: see monitor/http_session.py;
- the body is decoded as a browser would (monitor/response.py): a missing or wrong charset must
  not turn 'reëel' into 'reÃ«el'.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from monitor.clock import SYSTEM, Clock
from monitor.config import MonitorSettings
from monitor.http_errors import ConnectFailed, DecodeFailed, HTTPProblem, ProtocolError, ProxyUnusable, TimedOut
from monitor.http_session import Session
from monitor.response import Response

if TYPE_CHECKING:
    from collections.abc import Iterable

    import httpx


_USERINFO = re.compile(r"(\bhttps?://)[^/@\s]+@", re.I)


class FetchError(Exception):
    """A fetch that produced no usable response; `reason` is a short machine word."""

    reason = "error"

    def __init__(self, message: str, *, url: str = ""):
        # credentials written in a source's URL never reach a log line, the state or a "source failing" alert
        super().__init__(_USERINFO.sub(r"\1***@", message))
        self.url = url


class HTTPStatusError(FetchError):
    reason = "http-status"

    def __init__(self, message: str, *, url: str, status: int, retry_after: float | None = None):
        super().__init__(message, url=url)
        self.status = status
        self.retry_after = retry_after


class TooLarge(FetchError):
    reason = "too-large"


class RedirectRefused(FetchError):
    reason = "redirect"


class Timeout(FetchError):
    reason = "timeout"


class ConnectError(FetchError):
    reason = "connect"


class BackingOff(FetchError):
    reason = "backoff"


def _same_site(a: str, b: str) -> bool:
    def base(host: str) -> str:
        parts = host.lower().rstrip(".").split(".")
        return ".".join(parts[-2:])

    return bool(a) and bool(b) and base(a) == base(b)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime  # rare (the seconds form is usual): not at every start

    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


@dataclass
class _HostState:
    """Politeness towards one host: `slots` bounds its requests in flight (host_concurrency, 1 by
    default); `lock` orders their starts, each `host_min_gap` after the last request began or ended."""

    slots: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_request: float = 0.0
    not_before: float = 0.0


@dataclass
class FetchStats:
    requests: int = 0
    not_modified: int = 0
    bytes: int = 0
    latency_total: float = 0.0


class Fetcher:
    """Every source's requests (monitor/http_session.py), with politeness per host and a global bound."""

    def __init__(
        self, settings: MonitorSettings, *, transport: httpx.AsyncBaseTransport | None = None, clock: Clock = SYSTEM,
        credentials: Iterable[str] = (),
    ):
        """`credentials`: the configured URLs; those with user:password@ lend it to their origin's requests."""
        self.clock = clock
        self.settings = settings
        self._session = Session(user_agent=settings.user_agent, max_concurrency=settings.max_concurrency,
                                transport=transport, credentials=credentials)
        self._hosts: dict[str, _HostState] = {}
        self._slots = asyncio.Semaphore(settings.max_concurrency)
        self.stats = FetchStats()

    async def aclose(self) -> None:
        await self._session.aclose()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _host(self, url: str) -> _HostState:
        name = urlsplit(url).hostname or ""
        host = self._hosts.get(name)
        if host is None:
            host = self._hosts[name] = _HostState(asyncio.Semaphore(self.settings.host_concurrency))
        return host

    async def get(
        self,
        url: str,
        *,
        timeout: float = 20.0,
        validators: tuple[str | None, str | None] = (None, None),
        accept: str | None = None,
        max_bytes: int | None = None,
    ) -> Response:
        """GET with redirects checked hop by hop; 304 gives `not_modified` and no body."""
        origin = urlsplit(url).hostname or ""
        seen = {url}
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            resp = await self._one(current, timeout=timeout, validators=validators, accept=accept, max_bytes=max_bytes)
            if resp.status in (301, 302, 303, 307, 308):
                location = resp.headers.get("location")
                if not location:
                    raise FetchError(f"redirect {resp.status} without Location from {current}", url=url)
                target = location
                try:
                    target = urljoin(current, location)
                    target_parts = urlsplit(target)
                    target_host = target_parts.hostname or ""
                except ValueError:  # "http://[::1/"
                    raise RedirectRefused(f"redirect to an unusable URL {target!r} refused", url=url) from None
                if target_parts.scheme not in ("http", "https"):
                    raise RedirectRefused(f"redirect to non-HTTP URL {target!r} refused", url=url)
                if not _same_site(origin, target_host):
                    raise RedirectRefused(
                        f"redirect from {origin} to another site ({target_host}) refused; "
                        "update the source URL if the site really moved",
                        url=url,
                    )
                if target in seen:
                    raise RedirectRefused(f"redirect loop at {target}", url=url)
                seen.add(target)
                current = target
                validators = (None, None)
                continue
            return resp
        raise RedirectRefused(f"more than {self.settings.max_redirects} redirects from {url}", url=url)

    async def _one(
        self,
        url: str,
        *,
        timeout: float,
        validators: tuple[str | None, str | None],
        accept: str | None,
        max_bytes: int | None,
    ) -> Response:
        host = self._host(url)
        cap = max_bytes or self.settings.max_body_bytes
        headers: dict[str, str] = {}
        etag, last_modified = validators
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        async with host.slots:
            async with host.lock:
                if host.not_before > self.clock.time():
                    raise BackingOff(
                        f"{urlsplit(url).hostname} asked us to wait (Retry-After); next request in "
                        f"{host.not_before - self.clock.time():.0f}s",
                        url=url,
                    )
                gap = self.settings.host_min_gap - (time.monotonic() - host.last_request)
                if gap > 0:
                    await asyncio.sleep(gap)
                host.last_request = time.monotonic()
            async with self._slots:
                started = time.monotonic()
                try:
                    async with asyncio.timeout(timeout):  # the whole answer, body included (no task of its own)
                        resp = await self._request(url, headers, cap, timeout)
                except TimeoutError:
                    raise Timeout(f"no complete answer from {url} within {timeout:g}s", url=url) from None
                except TimedOut:
                    raise Timeout(f"timed out fetching {url} (limit {timeout:g}s)", url=url) from None
                except (ConnectFailed, ProtocolError) as exc:
                    raise ConnectError(f"connection problem with {url}: {type(exc).__name__}: {exc}", url=url) from None
                except DecodeFailed as exc:
                    raise FetchError(f"undecodable body from {url}: {exc}", url=url) from None
                except ProxyUnusable as exc:
                    raise FetchError(str(exc), url=url) from None
                except HTTPProblem as exc:
                    raise FetchError(f"HTTP error fetching {url}: {exc}", url=url) from None
                finally:
                    host.last_request = time.monotonic()
                resp.elapsed = time.monotonic() - started
        self.stats.requests += 1
        self.stats.bytes += len(resp.content)
        self.stats.latency_total += resp.elapsed
        if resp.status == 304:
            self.stats.not_modified += 1
            resp.not_modified = True
            return resp
        if resp.status in (429, 503):
            wait = _retry_after(resp.headers.get("retry-after"))
            wait = min(wait if wait is not None else 60.0, 3600.0)
            host.not_before = self.clock.time() + wait
            raise HTTPStatusError(
                f"HTTP {resp.status} from {url}; backing off {wait:.0f}s as asked", url=url, status=resp.status, retry_after=wait
            )
        if resp.status >= 400:
            raise HTTPStatusError(f"HTTP {resp.status} from {url}", url=url, status=resp.status)
        return resp

    async def _request(self, url: str, headers: dict[str, str], cap: int, timeout: float) -> Response:
        r = await self._session.send(url, headers, timeout)
        try:
            chunks: list[bytes] = []
            size = 0
            # a 304's or 204's Content-Length may give the size of the page itself (RFC 9110 8.6): no body follows
            declared = r.headers.get("content-length") if r.status_code not in (204, 304) else None
            if declared is not None and not (declared.isascii() and declared.isdigit()):
                declared = None  # unusable ("²"): the client has already refused a body framed by it
            if declared and int(declared) > cap and "content-encoding" not in r.headers:
                raise TooLarge(f"{url} announces {int(declared)} bytes, over the cap of {cap}", url=url)
            # read every body to its end (also a 304's or a redirect's): only then can the
            # connection be kept alive for the next request
            async for chunk in r.aiter_bytes():
                size += len(chunk)
                if size > cap:
                    raise TooLarge(f"{url} sent more than {cap} bytes (after decompression); stopped reading", url=url)
                chunks.append(chunk)
            if declared and "content-encoding" not in r.headers and size < int(declared):
                raise FetchError(f"truncated body from {url}: {size} of {declared} bytes", url=url)
            return Response(url=r.url, status=r.status_code, content=b"".join(chunks), headers=r.headers)
        finally:
            await r.aclose()  # the connection goes back to the pool (or is closed, if the body was not read)
