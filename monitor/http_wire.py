"""HTTP/1.1 on the wire: the request head we write, and a response read strictly from an asyncio stream.

Why our own: the client (http_client.py) exists so that a `check` starts without importing httpx and
httpcore (~80 ms of a ~200 ms start on the reference machine). What it must get right is small and
fixed: one GET, a status line, headers, and a body framed by Content-Length, chunks or the close of
the connection, decoded from gzip or deflate. Anything malformed is a `ProtocolError`, never a guess:
a page we cannot read is a failed fetch (retried next cycle), not a different page.
"""

from __future__ import annotations

import asyncio
import re
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from itertools import chain

from monitor.http_errors import DecodeFailed, NoAnswer, ProtocolError

MAX_HEAD_LINES = 200  # a response head with more lines than this is not a web server's
MAX_HEAD_BYTES = 100 * 1024  # as httpcore allowed
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f]")
_DIGITS = re.compile(r"[0-9]+")
_STATUS = re.compile(rb"HTTP/(\d)\.(\d) (\d{3})(?: [^\r\n]*)?\r?\n")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_PIECE = 65536  # bytes read from the socket, or produced by a decoder, at a time
_NO_BODY = {204, 304}
_CANNOT_UNDO = {"br", "zstd", "compress", "x-compress"}  # compressions; we ask for gzip and deflate only


class Head:
    """A response's status line and headers; `headers` joins repeated fields with ", " as httpx did,
    `fields` keeps every field in order (Set-Cookie must be read one by one)."""

    __slots__ = ("fields", "headers", "http10", "status")

    def __init__(self, status: int, http10: bool, fields: list[tuple[str, str]]):
        self.status, self.http10, self.fields = status, http10, fields
        headers: dict[str, str] = {}
        for name, value in fields:
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        self.headers = headers

    def get_list(self, name: str) -> list[str]:
        key = name.lower()
        return [v for n, v in self.fields if n.lower() == key]


def request_head(target: str, host: str, headers: dict[str, str]) -> bytes:
    """The bytes of `GET target HTTP/1.1`; a header value with a line break is refused (no injection)."""
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}"]
    for name, value in headers.items():
        if not _TOKEN.fullmatch(name) or "\r" in value or "\n" in value:
            raise ProtocolError(f"refused to send the header {name!r}: it is not a valid header")
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


async def _line(reader: asyncio.StreamReader, *, nothing_yet: bool = False) -> bytes:
    try:
        line = await reader.readline()
    except ValueError:  # longer than the stream's limit (64 KiB)
        raise ProtocolError("a response line longer than 64 KiB") from None
    except OSError as exc:  # reset, or a TLS error
        raise (NoAnswer if nothing_yet else ProtocolError)(f"the connection broke: {exc}") from None
    if not line and nothing_yet:
        raise NoAnswer("the server closed the connection without answering")
    if not line.endswith(b"\n"):
        raise ProtocolError("the connection closed in the middle of the response head")
    return line


async def read_head(reader: asyncio.StreamReader) -> Head:
    """Status line and headers; interim 1xx answers are skipped. A head over 200 lines or 64 KiB,
    a control character in a field, or an answer we never ask for (101 Switching Protocols) is refused."""
    first_line = True
    while True:
        first = await _line(reader, nothing_yet=first_line)
        first_line = False
        m = _STATUS.fullmatch(first)
        if not m:
            raise ProtocolError(f"not an HTTP/1.x status line: {first[:60]!r}")
        status = int(m.group(3))
        if not 100 <= status <= 599 or status == 101:
            raise ProtocolError(f"an answer with status {status}, which a GET is never given")
        fields: list[tuple[str, str]] = []
        lines, size = 0, len(first)
        while True:
            raw = await _line(reader)
            if raw in (b"\r\n", b"\n"):
                break
            lines, size = lines + 1, size + len(raw)  # folded lines count too
            if lines > MAX_HEAD_LINES or size > MAX_HEAD_BYTES:
                raise ProtocolError(f"a response head over {MAX_HEAD_LINES} lines or {MAX_HEAD_BYTES} bytes")
            text = raw.decode("latin-1").rstrip("\r\n")
            if _CONTROL.search(text):
                raise ProtocolError(f"a control character in a header line: {text[:60]!r}")
            if text[:1] in (" ", "\t"):  # an obsolete folded continuation of the previous field
                if not fields:
                    raise ProtocolError("a response head that starts with a folded line")
                name, value = fields[-1]
                fields[-1] = (name, f"{value} {text.strip()}")
                continue
            name, colon, value = text.partition(":")
            if not colon or not _TOKEN.fullmatch(name):
                raise ProtocolError(f"not a header line: {text[:60]!r}")
            fields.append((name, value.strip(" \t")))
        if status < 200:
            continue
        return Head(status, m.group(1, 2) == (b"1", b"0"), fields)


def framing(head: Head) -> tuple[str, int]:
    """How the body ends: ("none", 0), ("length", n), ("chunked", 0) or ("close", 0)."""
    if head.status in _NO_BODY or head.status < 200:
        return "none", 0
    coding = head.headers.get("transfer-encoding")
    if coding is not None:
        if coding.strip().lower() != "chunked":  # nothing else is ever sent unasked; guessing would read garbage
            raise ProtocolError(f"a Transfer-Encoding other than chunked: {coding[:40]!r}")
        return "chunked", 0
    length = head.headers.get("content-length")
    if length is not None:
        values = {v.strip() for v in length.split(",")}
        if len(values) != 1 or not _DIGITS.fullmatch(next(iter(values))):
            raise ProtocolError(f"an unusable Content-Length: {length[:40]!r}")
        return "length", int(values.pop())
    return "close", 0


def keeps_alive(head: Head) -> bool:
    """Whether the connection may carry another request once this body is read to its end."""
    tokens = {t.strip().lower() for t in head.headers.get("connection", "").split(",")}
    if "close" in tokens:
        return False
    return "keep-alive" in tokens if head.http10 else True


async def body_bytes(reader: asyncio.StreamReader, how: str, length: int) -> AsyncIterator[bytes]:
    """The body as sent (still encoded), in pieces; a body cut short is a ProtocolError."""
    try:
        if how == "length":
            left = length
            while left:
                piece = await reader.read(min(left, _PIECE))
                if not piece:
                    raise ProtocolError(f"the connection closed {left} bytes before the body's end")
                left -= len(piece)
                yield piece
        elif how == "chunked":
            while True:
                line = await _line(reader)
                size_text = line.split(b";", 1)[0].strip()
                if not size_text or len(size_text) > 16 or not re.fullmatch(rb"[0-9A-Fa-f]+", size_text):
                    raise ProtocolError(f"not a chunk size: {line[:40]!r}")
                left = int(size_text, 16)
                if left == 0:
                    while (await _line(reader)) not in (b"\r\n", b"\n"):  # trailer fields, unused
                        pass
                    return
                while left:
                    piece = await reader.read(min(left, _PIECE))
                    if not piece:
                        raise ProtocolError("the connection closed in the middle of a chunk")
                    left -= len(piece)
                    yield piece
                if (await _line(reader)) not in (b"\r\n", b"\n"):
                    raise ProtocolError("a chunk longer than its size")
        elif how == "close":
            while piece := await reader.read(_PIECE):
                yield piece
    except OSError as exc:
        raise ProtocolError(f"the connection broke during the body: {exc}") from None


class Decoder:
    """Undoes Content-Encoding (gzip, deflate, identity), a bounded piece at a time: a small compressed
    chunk that would inflate to gigabytes comes out lazily, in pieces the caller can stop taking."""

    def __init__(self, content_encoding: str):
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        # a compression we cannot undo is refused at the first body byte (a 304 carries none); any other
        # unknown value ("utf-8", "none": real server mistakes) is ignored, as httpx and browsers do
        self._refused = next((c for c in codings if c in _CANNOT_UNDO), None)
        self._codings = [c for c in codings if c in ("gzip", "x-gzip", "deflate")][::-1]  # the last applied first
        self._stages: list[zlib._Decompress | None] = [None] * len(self._codings)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._refused and data:
            raise DecodeFailed(f"a body in an encoding we did not ask for: {self._refused!r}")
        pieces: Iterable[bytes] = (data,)
        for i in range(len(self._codings)):
            pieces = self._through(i, pieces)
        return iter(pieces)

    def flush(self) -> Iterator[bytes]:
        pieces: Iterable[bytes] = ()
        for i in range(len(self._codings)):
            pieces = chain(self._through(i, pieces), self._flushed(i))
        return iter(pieces)

    def _stage(self, i: int, first: bytes) -> zlib._Decompress:
        stage = self._stages[i]
        if stage is None:
            if self._codings[i] == "deflate":  # zlib-wrapped as the RFC says, or raw as some servers send it
                wbits = zlib.MAX_WBITS if (first[0] & 0x0F) == 8 else -zlib.MAX_WBITS
            else:
                wbits = 16 + zlib.MAX_WBITS
            stage = self._stages[i] = zlib.decompressobj(wbits)
        return stage

    def _through(self, i: int, pieces: Iterable[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            if not piece:
                continue
            stage = self._stage(i, piece)
            while piece:
                try:
                    out = stage.decompress(piece, _PIECE)
                except zlib.error as exc:
                    raise DecodeFailed(f"a {self._codings[i]} body that does not decode: {exc}") from None
                if out:
                    yield out
                piece = stage.unconsumed_tail

    def _flushed(self, i: int) -> Iterator[bytes]:
        stage = self._stages[i]
        if stage is not None and (rest := stage.flush()):
            yield rest
