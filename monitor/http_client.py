"""Our HTTP/1.1 client on asyncio streams: kept-alive connections per origin, and TLS that trusts what
httpx trusted ($SSL_CERT_FILE, else $SSL_CERT_DIR, else certifi's authorities).

Why not httpx here: importing httpx and httpcore was ~80 ms of every `check` on the reference machine,
more than the rest of our start. The wire format is in http_wire.py; cookies, credentials and proxies
are the session's (http_session.py). Time limits are the caller's: the fetcher bounds each request
as a whole, and a cancelled request closes its connection instead of returning it to the pool.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from collections.abc import AsyncIterator
from urllib.parse import SplitResult, quote, urlsplit

from monitor.http_errors import ConnectFailed, NoAnswer, ProtocolError
from monitor.http_wire import Decoder, Head, body_bytes, framing, keeps_alive, read_head, request_head

Origin = tuple[str, str, int]
_DEFAULT_PORT = {"http": 80, "https": 443}
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?[]"


def trust() -> ssl.SSLContext:
    """The authorities httpx trusted by default, and the same environment overrides."""
    if os.environ.get("SSL_CERT_FILE"):
        ctx = ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    elif os.environ.get("SSL_CERT_DIR"):
        ctx = ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    else:
        import certifi

        ctx = ssl.create_default_context(cafile=certifi.where())
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def origin_of(parts: SplitResult) -> Origin:
    """(scheme, host in ASCII, port) of a URL: the unit of a kept-alive connection and of credentials.
    Raises ValueError (UnicodeError among them) for a port that is no number or a host that cannot be encoded."""
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port if parts.port is not None else _DEFAULT_PORT.get(scheme, 0)
    return scheme, host if host.isascii() else host.encode("idna").decode("ascii"), port


def target_of(parts: SplitResult) -> str:
    """The request target: path and query, with spaces and non-ASCII percent-encoded and dot segments
    ("/a/../b") resolved, as httpx did."""
    path = _without_dot_segments(quote(parts.path or "/", safe=_PATH_SAFE))
    return f"{path}?{quote(parts.query, safe=_QUERY_SAFE)}" if parts.query else path


def _without_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4 as httpx applies it: "/a/./b/../c" → "/a/c" (a path that begins "//" stays one)."""
    segments = path.split("/")
    if "." not in segments and ".." not in segments:
        return path
    out: list[str] = []
    for segment in segments:
        if segment == "..":
            if out and out != [""]:
                out.pop()
        elif segment != ".":
            out.append(segment)
    return "/".join(out) or "/"  # "/.." is the root, not an empty target


class Connection:
    __slots__ = ("idle_since", "origin", "reader", "writer")

    def __init__(self, origin: Origin, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.origin, self.reader, self.writer = origin, reader, writer
        self.idle_since = 0.0

    def still_usable(self, expiry: float) -> bool:
        """An idle connection the server has closed (EOF) or written to unasked is not sent a request."""
        if time.monotonic() - self.idle_since > expiry or self.writer.is_closing():
            return False
        return not (self.reader.at_eof() or bool(getattr(self.reader, "_buffer", b"")))

    def close(self) -> None:
        # no wait for the peer's close_notify: a server that never sends one must not hold a check
        self.writer.close()


class StreamedResponse:
    """Status and headers; the body is read once with aiter_bytes(), then aclose() returns the connection."""

    def __init__(self, url: str, head: Head, conn: Connection, client: Client):
        self.url, self.status_code, self.headers = url, head.status, head.headers
        self._head, self._client = head, client
        self._conn: Connection | None = conn
        self._complete = False

    def get_list(self, name: str) -> list[str]:
        return self._head.get_list(name)

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        """The body, decoded, in pieces of at most 64 KiB."""
        decoder = Decoder(self.headers.get("content-encoding", ""))
        how, length = framing(self._head)
        if self._conn is None:
            raise ProtocolError("the response was closed before its body was read")
        async for raw in body_bytes(self._conn.reader, how, length):
            for piece in decoder.feed(raw):
                yield piece
        for piece in decoder.flush():
            yield piece
        self._complete = how != "close" and keeps_alive(self._head)

    async def aclose(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            if self._complete:
                self._client.release(conn)
            else:
                conn.close()


class Client:
    """One per session. `max_idle` kept-alive connections per origin, each dropped after `expiry` idle seconds."""

    def __init__(self, *, max_idle: int, expiry: float = 5.0, tls: ssl.SSLContext | None = None):
        self._max_idle, self._expiry, self._tls = max_idle, expiry, tls
        self._idle: dict[Origin, list[Connection]] = {}
        self._swept = time.monotonic()
        self._timer: asyncio.TimerHandle | None = None
        self._closed = False

    async def send(self, url: str, headers: dict[str, str]) -> StreamedResponse:
        parts = urlsplit(url)
        try:
            origin = scheme, host_ascii, port = origin_of(parts)
        except ValueError as exc:
            raise ConnectFailed(f"not a usable address in {url!r}: {exc}") from None
        if not host_ascii or scheme not in _DEFAULT_PORT:
            raise ConnectFailed(f"not an http(s) URL with a host: {url!r}")
        shown = f"[{host_ascii}]" if ":" in host_ascii else host_ascii
        authority = shown if port == _DEFAULT_PORT[scheme] else f"{shown}:{port}"
        target = target_of(parts)
        head_bytes = request_head(target, authority, headers)
        # as the server was asked, as httpx gave it (links on the page resolve against it)
        url = f"{scheme}://{authority}{target}" + (f"#{parts.fragment}" if parts.fragment else "")
        if time.monotonic() - self._swept > self._expiry:
            self._sweep()
        while True:
            conn = self._take_idle(origin)
            reused = conn is not None
            if conn is None:
                conn = await self._connect(origin)
            try:
                conn.writer.write(head_bytes)
                await conn.writer.drain()
                head = await read_head(conn.reader)
            except (NoAnswer, ConnectionError) as exc:
                conn.close()
                if reused:
                    continue  # the server dropped a kept-alive connection: a new one gets the request
                raise ProtocolError(str(exc) or type(exc).__name__) from None
            except OSError as exc:
                conn.close()
                raise ProtocolError(str(exc) or type(exc).__name__) from None
            except BaseException:
                conn.close()
                raise
            return StreamedResponse(url, head, conn, self)

    async def _connect(self, origin: Origin) -> Connection:
        scheme, host, port = origin
        if scheme == "https" and self._tls is None:
            try:  # made at the first https request: loading the authorities takes tens of ms
                self._tls = trust()
            except OSError as exc:  # $SSL_CERT_FILE names no file, or not one of certificates
                raise ConnectFailed(f"the certificate authorities cannot be loaded: {exc}") from None
        tls = self._tls if scheme == "https" else None
        try:
            reader, writer = await asyncio.open_connection(
                host, port, ssl=tls, server_hostname=host if tls else None, happy_eyeballs_delay=0.25)
        except (OSError, ValueError) as exc:  # refused, unreachable, no such name, a certificate not trusted,
            # a name the resolver cannot encode ("www..nctv.nl", a label over 63 characters: UnicodeError)
            raise ConnectFailed(str(exc) or type(exc).__name__) from None
        return Connection(origin, reader, writer)

    def _take_idle(self, origin: Origin) -> Connection | None:
        idle = self._idle.get(origin)
        while idle:
            conn = idle.pop()
            if conn.still_usable(self._expiry):
                return conn
            conn.close()
        return None

    def release(self, conn: Connection) -> None:
        idle = self._idle.setdefault(conn.origin, [])
        if self._closed or len(idle) >= self._max_idle:
            conn.close()
            return
        conn.idle_since = time.monotonic()
        idle.append(conn)
        if self._timer is None:  # between two cycles of the daemon, nothing else would sweep
            self._timer = asyncio.get_running_loop().call_later(self._expiry + 0.5, self._timed_sweep)

    def _timed_sweep(self) -> None:
        self._timer = None
        self._sweep()
        if self._idle and not self._closed:
            self._timer = asyncio.get_running_loop().call_later(self._expiry + 0.5, self._timed_sweep)

    def _sweep(self) -> None:
        """Close the idle connections of every host that are expired or closed by their server, not only
        those of the host asked next (a host asked once an hour must not hold a socket all that time)."""
        self._swept = time.monotonic()
        for origin, idle in list(self._idle.items()):
            keep = []
            for conn in idle:
                if conn.still_usable(self._expiry):
                    keep.append(conn)
                else:
                    conn.close()
            if keep:
                self._idle[origin] = keep
            else:
                del self._idle[origin]

    async def aclose(self) -> None:
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for idle in self._idle.values():
            for conn in idle:
                conn.close()
        self._idle.clear()
