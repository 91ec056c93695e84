"""httpx's own HTTP/1.1 transport on plain asyncio streams, without the anyio layer in between.

httpx picks httpcore's anyio backend under asyncio, and that layer runs on every request: typed-attribute
lookups on every pool check, a cancel scope per read and write. For a tool whose ordinary cycle is
hundreds of 304s, that was a visible share of a cycle's CPU in a sampling profile. httpcore documents
the network backend as the place to plug in another I/O layer: this is one, on the event loop we already
run. Everything above it (connection pool, HTTP/1.1 state machine, decoding, the exception tree) is
httpx's and httpcore's own; the pool's locks and events are asyncio's (http_sync.py). Proxies from the
environment keep httpx's default transports.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from monitor import http_sync

SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One TCP (or TLS) connection as httpcore wants it; OS errors become httpcore's exceptions."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self._reader, self._writer = reader, writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError:
            raise httpcore.ReadTimeout(f"no data within {timeout}s") from None
        except OSError as exc:
            raise httpcore.ReadError(str(exc) or type(exc).__name__) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            async with asyncio.timeout(timeout):
                self._writer.write(buffer)
                await self._writer.drain()
        except TimeoutError:
            raise httpcore.WriteTimeout(f"could not send within {timeout}s") from None
        except OSError as exc:
            raise httpcore.WriteError(str(exc) or type(exc).__name__) from exc

    async def aclose(self) -> None:
        # no wait for the peer's close_notify: a server that never sends one must not hold a check
        self._writer.close()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError:
            self._writer.close()
            raise httpcore.ConnectTimeout(f"no TLS handshake within {timeout}s") from None
        except OSError as exc:  # ssl.SSLError (a certificate refused) is an OSError
            self._writer.close()
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # httpcore asks this of an idle kept-alive connection: readable means the server closed it
            # (or sent something unasked), so the pool drops it instead of sending a request into it.
            # asyncio has already moved any such bytes into the reader's buffer.
            return self._reader.at_eof() or bool(getattr(self._reader, "_buffer", b""))
        key = {"client_addr": "sockname", "server_addr": "peername"}.get(info, info)
        if key in ("ssl_object", "sockname", "peername", "socket"):
            return self._writer.get_extra_info(key)
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Connections opened with asyncio.open_connection (happy eyeballs between IPv6 and IPv4)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, local_addr=(local_address, 0) if local_address else None, happy_eyeballs_delay=0.25
                )
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"no connection to {host}:{port} within {timeout}s") from None
        except OSError as exc:
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        sock = writer.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
        return AsyncioStream(reader, writer)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class AsyncioTransport(httpx.AsyncHTTPTransport):
    """httpx.AsyncHTTPTransport (its request/response mapping and exception tree) over AsyncioBackend."""

    def __init__(self, *, verify: bool | ssl.SSLContext = True, limits: httpx.Limits | None = None) -> None:
        limits = limits or httpx.Limits()
        http_sync.install()  # asyncio's lock and event in httpcore's pool, not anyio's
        # deliberately not super().__init__(): that builds an anyio pool (and a trust store) only to drop it;
        # the parent's methods use nothing but self._pool
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=AsyncioBackend(),
        )
