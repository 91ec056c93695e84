"""A raw HTTP/1.1 server on 127.0.0.1 for transport tests: it counts connections and keeps each request's head."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

BODY = b"<html><body>Het dreigingsniveau blijft 4.</body></html>"


class RawServer:
    """An HTTP/1.1 server on 127.0.0.1 that counts connections; `mode` shapes how it answers."""

    def __init__(self, mode: str = "keep-alive", tls: ssl.SSLContext | None = None, headers: bytes = b""):
        self.mode, self.tls, self.headers = mode, tls, headers  # headers: extra header lines for every answer
        self.connections = 0
        self.ended = 0  # connections the client closed
        self.status = b"200 OK"
        self.requests = 0
        self.heads: list[bytes] = []

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.requests += 1
                self.heads.append(head)
                if self.mode == "silent":
                    await asyncio.sleep(30)
                etag_asked = b'if-none-match: "v1"' in head.lower()
                status = b"304 Not Modified" if etag_asked else self.status
                body = b"" if etag_asked else BODY
                writer.write(b"HTTP/1.1 " + status + b'\r\nETag: "v1"\r\nContent-Type: text/html; charset=utf-8\r\n'
                             + self.headers + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
                await writer.drain()
                if self.mode == "close-when-idle":
                    await asyncio.sleep(0.05)
                    break  # the server drops the kept-alive connection without a word
        except asyncio.IncompleteReadError:
            self.ended += 1
        except ConnectionError:
            pass
        finally:
            writer.close()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[str]:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.tls)
        port = server.sockets[0].getsockname()[1]
        try:
            yield f"{'https' if self.tls else 'http'}://127.0.0.1:{port}"
        finally:
            server.close()
