"""A real HTTP server on 127.0.0.1 whose answers tests set per path, including misbehaviour.

Used by the tests, the fault suite and the benchmark. It honours If-None-Match and
If-Modified-Since for replies that carry validators, and records every request it gets.
"""

from __future__ import annotations

import gzip
import hashlib
import socket
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_BOMB: bytes | None = None


def gzip_bomb(size: int = 50_000_000) -> bytes:
    """~50 MB of zeros, gzip-compressed to ~50 KB."""
    global _BOMB
    if _BOMB is None:
        _BOMB = gzip.compress(b"\0" * size, compresslevel=9)
    return _BOMB


@dataclass
class Reply:
    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    validators: bool = True  # send ETag and Last-Modified derived from the body
    fault: str | None = None  # reset | truncate | drip | hang | gzip-bomb | big | no-length
    delay: float = 0.0

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.payload()).hexdigest()[:16] + '"'


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    status: int
    at: float


class FixtureServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        assert host.startswith("127."), "fixture servers listen on the loopback only"
        self.host = host
        self.routes: dict[str, Reply | list[Reply]] = {}
        self.requests: list[Seen] = []
        self.lock = threading.Lock()
        self.last_modified = formatdate(time.time() - 3600, usegmt=True)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server._handle(self)

            def do_POST(self) -> None:
                server._handle(self)

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> FixtureServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def set(self, path: str, reply: Reply | list[Reply] | str, **kwargs: Any) -> None:
        """Serve `reply` at `path`; a list is served in turn (the last one repeats)."""
        if isinstance(reply, str):
            reply = Reply(reply, **kwargs)
        with self.lock:
            self.routes[path] = reply
            self.last_modified = formatdate(time.time(), usegmt=True)

    def count(self, path: str | None = None, status: int | None = None) -> int:
        with self.lock:
            return sum(
                1 for r in self.requests
                if (path is None or r.path.split("?")[0] == path) and (status is None or r.status == status)
            )

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()

    def _reply_for(self, path: str) -> Reply | None:
        with self.lock:
            reply = self.routes.get(path) or self.routes.get(path.split("?")[0])
            if isinstance(reply, list):
                current = reply[0]
                if len(reply) > 1:
                    reply.pop(0)
                return current
            return reply

    def _record(self, h: BaseHTTPRequestHandler, status: int) -> None:
        with self.lock:
            self.requests.append(Seen(h.path, {k.lower(): v for k, v in h.headers.items()}, status, time.time()))

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        reply = self._reply_for(h.path)
        if reply is None:
            self._record(h, 404)
            self._send(h, 404, b"not found", {"Content-Type": "text/plain"})
            return
        if reply.delay:
            time.sleep(reply.delay)
        body = reply.payload()
        headers = {"Content-Type": reply.content_type, **reply.headers}
        if reply.validators and reply.status == 200:
            headers["ETag"] = reply.etag
            headers["Last-Modified"] = self.last_modified
            if h.headers.get("If-None-Match") == reply.etag:
                self._record(h, 304)
                self._send(h, 304, b"", {"ETag": reply.etag})
                return
        fault = reply.fault
        self._record(h, reply.status)
        try:
            if fault == "reset":  # RST: linger 0, then close the last reference to the socket
                h.close_connection = True
                h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                h.rfile.close()
                h.connection.close()
                return
            if fault == "hang":
                time.sleep(30)
                return
            if fault == "gzip-bomb":
                bomb = gzip_bomb()
                self._send(h, 200, bomb, {**headers, "Content-Encoding": "gzip"})
                return
            if fault == "big":
                size = 50_000_000
                h.send_response(reply.status)
                for k, v in headers.items():
                    h.send_header(k, v)
                h.send_header("Content-Length", str(size))
                h.end_headers()
                chunk = b"x" * 65536
                sent = 0
                while sent < size:
                    h.wfile.write(chunk)
                    sent += len(chunk)
                return
            if fault == "truncate":
                h.send_response(reply.status)
                for k, v in headers.items():
                    h.send_header(k, v)
                h.send_header("Content-Length", str(len(body) + 1000))
                h.end_headers()
                h.wfile.write(body[: len(body) // 2])
                h.wfile.flush()
                h.close_connection = True  # the server closes the socket: the client sees a short body
                return
            if fault == "drip":
                h.send_response(reply.status)
                for k, v in headers.items():
                    h.send_header(k, v)
                h.send_header("Content-Length", str(len(body)))
                h.end_headers()
                for i in range(0, len(body), 10):
                    h.wfile.write(body[i : i + 10])
                    h.wfile.flush()
                    time.sleep(0.5)
                return
            self._send(h, reply.status, body, headers)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]) -> None:
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if body and h.command != "HEAD":
            h.wfile.write(body)


class WebhookReceiver(FixtureServer):
    """Collects POSTed bodies; answers with the status set by `fail_with` (None = 200)."""

    def __init__(self) -> None:
        super().__init__()
        self.bodies: list[bytes] = []
        self.fail_with: int | None = None
        self.hold: float = 0.0  # seconds to hold each request before answering (a slow service)
        self.arrived = 0

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        with self.lock:
            self.arrived += 1
        if self.hold:
            time.sleep(self.hold)
        status = self.fail_with or 200
        with self.lock:
            if status == 200:
                self.bodies.append(body)
        self._record(h, status)
        self._send(h, status, b"{}", {"Content-Type": "application/json"})
