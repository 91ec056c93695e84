"""How answers are read off the wire, through the fetcher, from a loopback server that sends exact bytes:
framing (length, chunks, close), encodings, interim answers, and what must be refused rather than guessed."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import pytest

from monitor.config import MonitorSettings
from monitor.fetch import ConnectError, Fetcher, FetchError, HTTPStatusError, TooLarge
from monitor.http_client import target_of
from monitor.http_errors import ProtocolError
from monitor.http_wire import request_head

PAGE = "<html><body>Het dreigingsniveau is verhoogd naar 4 (substantieel) – reëel.</body></html>".encode()
DROP = b""  # in a script: read the request, then close the connection without a word


class ScriptedServer:
    """Answers the n-th request on 127.0.0.1 with the n-th bytes of `script` (then closes if `close`)."""

    def __init__(self, *script: bytes, close: bool = False):
        self.script, self.close = list(script), close
        self.connections = 0
        self.heads: list[bytes] = []

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while self.script:
                self.heads.append(await reader.readuntil(b"\r\n\r\n"))
                answer = self.script.pop(0)
                if answer == DROP:
                    break
                writer.write(answer)
                await writer.drain()
                if self.close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[str]:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        try:
            yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        finally:
            server.close()


def ok(body: bytes, *headers: bytes, length: bool = True) -> bytes:
    lines = [b"HTTP/1.1 200 OK", b"Content-Type: text/html; charset=utf-8", *headers]
    if length:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def fetch(server: ScriptedServer, *paths: str, max_bytes: int | None = None) -> list[bytes]:
    async def go() -> list[bytes]:
        async with server.running() as base, Fetcher(MonitorSettings()) as fetcher:
            return [(await fetcher.get(base + p, timeout=5, max_bytes=max_bytes)).content for p in paths]

    return asyncio.run(go())


def test_a_chunked_body_with_extensions_and_trailers_is_joined_and_the_connection_kept() -> None:
    chunked = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"1a;name=x\r\n" + PAGE[:26] + b"\r\n" + f"{len(PAGE) - 26:X}".encode() + b"\r\n" + PAGE[26:]
               + b"\r\n0\r\nX-Trailer: yes\r\n\r\n")
    server = ScriptedServer(chunked, ok(PAGE))
    assert fetch(server, "/a", "/b") == [PAGE, PAGE]
    assert server.connections == 1


def test_a_body_ended_by_the_close_is_read_whole_and_its_connection_not_reused() -> None:
    server = ScriptedServer(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE, ok(PAGE), close=True)
    assert fetch(server, "/a", "/b") == [PAGE, PAGE]
    assert server.connections == 2


def test_gzip_and_both_forms_of_deflate_are_undone() -> None:
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw = raw_deflate.compress(PAGE) + raw_deflate.flush()
    server = ScriptedServer(ok(gzip.compress(PAGE), b"Content-Encoding: gzip"),
                            ok(zlib.compress(PAGE), b"Content-Encoding: deflate"),
                            ok(raw, b"Content-Encoding: deflate"),
                            ok(PAGE, b"Content-Encoding: identity"))
    assert fetch(server, "/1", "/2", "/3", "/4") == [PAGE] * 4


def test_a_gzip_bomb_stops_at_the_cap_counted_after_decompression() -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)  # ~50 KB on the wire
    with pytest.raises(TooLarge, match="after decompression"):
        fetch(ScriptedServer(ok(bomb, b"Content-Encoding: gzip")), "/", max_bytes=1_000_000)


def test_interim_answers_and_folded_header_lines_are_read_as_http_allows() -> None:
    answer = (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
              b"HTTP/1.1 200 OK\r\nX-Long: part one\r\n\tpart two\r\nContent-Length: " + str(len(PAGE)).encode()
              + b"\r\n\r\n" + PAGE)

    async def go() -> None:
        server = ScriptedServer(answer)
        async with server.running() as base, Fetcher(MonitorSettings()) as fetcher:
            r = await fetcher.get(base + "/", timeout=5)
            assert (r.status, r.content, r.headers["x-long"]) == (200, PAGE, "part one part two")

    asyncio.run(go())


@pytest.mark.parametrize("answer, reason", [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n" + PAGE, "closed 4"),  # cut short
    (b"HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello", "Content-Length"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", "chunk size"),
    (b"ICY 200 OK\r\n\r\n" + PAGE, "status line"),
    (b"HTTP/1.1 200 OK\r\nBad Header\r\nContent-Length: 0\r\n\r\n", "header line"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: 9", "middle of the response head"),
    (DROP, "without answering"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "Transfer-Encoding"),
    (b"HTTP/1.1 200 OK\r\nContent-Length: \xb2\r\n\r\nhello", "Content-Length"),  # a digit, but not 0-9
    (b"HTTP/1.1 200 OK\r\nLocation: /a\x00b\r\nContent-Length: 0\r\n\r\n", "control character"),
    (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", "status 101"),
    (b"HTTP/1.1 200 OK\r\nX-Long: a\r\n" + b" a\r\n" * 5000 + b"Content-Length: 0\r\n\r\n", "response head over"),
    (b"HTTP/1.1 200 OK\r\n" + b"X-F: a\r\n" * 200 + b"Content-Length: 0\r\n\r\n", "response head over"),
])
def test_a_broken_answer_is_a_connection_problem_never_a_page(answer: bytes, reason: str) -> None:
    with pytest.raises(ConnectError, match=reason):
        fetch(ScriptedServer(answer), "/")


def test_a_head_of_200_fields_and_100_kib_is_read() -> None:
    many = b"HTTP/1.1 200 OK\r\n" + b"X-F: a\r\n" * 199 + b"Content-Length: " + str(len(PAGE)).encode() + b"\r\n\r\n" + PAGE
    cookies = b"".join(b"Set-Cookie: c%d=%s\r\n" % (i, b"v" * 3000) for i in range(33))  # ~99 KiB, a CSP or cookies
    large = ok(PAGE, cookies.rstrip(b"\r\n"), b"X-Ctl: a\x7fb")
    assert fetch(ScriptedServer(many, large), "/a", "/b") == [PAGE, PAGE]


def test_a_compression_we_did_not_ask_for_or_a_broken_gzip_is_a_fetch_error() -> None:
    with pytest.raises(FetchError, match=r"undecodable body.*'br'"):
        fetch(ScriptedServer(ok(b"\x1b\x00", b"Content-Encoding: br")), "/")
    with pytest.raises(FetchError, match="undecodable body"):
        fetch(ScriptedServer(ok(b"not gzip at all", b"Content-Encoding: gzip")), "/")


def test_a_content_encoding_that_names_no_compression_is_ignored_as_browsers_do() -> None:
    # "utf-8" and "none" are real server mistakes; a 304 may repeat the page's own (br) without a body
    not_modified = b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Encoding: br\r\n\r\n'
    server = ScriptedServer(ok(PAGE, b"Content-Encoding: utf-8"), ok(PAGE, b"Content-Encoding: none"), not_modified)
    assert fetch(server, "/a", "/b", "/c") == [PAGE, PAGE, b""]


def test_a_304_that_gives_the_length_of_the_page_itself_is_not_modified_not_truncated() -> None:
    # RFC 9110 8.6: a 304 may carry the Content-Length the 200 would have had; no body follows
    async def go() -> None:
        server = ScriptedServer(b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 123456789\r\n\r\n',
                                ok(PAGE))
        async with server.running() as base, Fetcher(MonitorSettings()) as fetcher:
            r = await fetcher.get(base + "/", timeout=5, validators=('"v1"', None), max_bytes=1000)
            assert r.not_modified and r.content == b""
            assert (await fetcher.get(base + "/", timeout=5)).content == PAGE  # the connection was kept
        assert server.connections == 1

    asyncio.run(go())


def test_a_kept_alive_connection_the_server_drops_after_the_request_is_retried_once_on_a_new_one() -> None:
    server = ScriptedServer(ok(PAGE), DROP, ok(PAGE))
    assert fetch(server, "/a", "/b") == [PAGE, PAGE]
    assert server.connections == 2 and len(server.heads) == 3


def test_spaces_and_non_ascii_in_the_url_are_percent_encoded_and_escapes_kept() -> None:
    server = ScriptedServer(ok(PAGE))
    fetch(server, "/zoek?q=dreigingsniveau 4&t=reëel&p=%2F")
    assert server.heads[0].startswith(b"GET /zoek?q=dreigingsniveau%204&t=re%C3%ABel&p=%2F HTTP/1.1\r\n")
    assert b"\r\nHost: 127.0.0.1:" in server.heads[0]


def test_the_response_url_is_the_one_asked_for_as_httpx_gave_it_so_links_resolve_the_same() -> None:
    # links on a page become document ids by urljoin(response.url, href): upper-case host, spaces and dot
    # segments must come out as before (httpx normalised them), or known documents would look new
    async def go() -> None:
        server = ScriptedServer(ok(PAGE))
        async with server.running() as base, Fetcher(MonitorSettings()) as fetcher:
            port = base.rsplit(":", 1)[1]
            r = await fetcher.get(f"HTTP://127.0.0.1:{port}/onderwerpen/dreigings beeld/../dtn/#actueel", timeout=5)
        assert r.url == f"http://127.0.0.1:{port}/onderwerpen/dtn/#actueel"
        assert server.heads[0].startswith(b"GET /onderwerpen/dtn/ HTTP/1.1\r\n")

    asyncio.run(go())


def test_a_header_value_with_a_line_break_is_never_sent() -> None:
    with pytest.raises(ProtocolError):
        request_head("/", "www.nctv.nl", {"If-None-Match": '"v1"\r\nX-Injected: 1'})
    assert request_head("/", "www.nctv.nl", {"If-None-Match": '"v1"'}).endswith(b'If-None-Match: "v1"\r\n\r\n')


def test_a_retry_after_that_is_no_number_nor_date_still_backs_off_with_the_default() -> None:
    answer = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: \xb2\r\nContent-Length: 0\r\n\r\n"
    with pytest.raises(HTTPStatusError) as exc:
        fetch(ScriptedServer(answer), "/")
    assert exc.value.retry_after == 60.0


@pytest.mark.parametrize("path, target", [
    ("/a/./b/../c", "/a/c"), ("/a/b/..", "/a"), ("/a/.", "/a"), ("/../a", "/a"), ("", "/"), ("/..", "/"), ("/.", "/"),
    ("/a/..", "/"),
    ("//onderwerpen/./dtn", "//onderwerpen/dtn"), ("//.well-known/x", "//.well-known/x"), ("/.well-known/x", "/.well-known/x"),
])
def test_dot_segments_are_resolved_as_httpx_resolved_them(path: str, target: str) -> None:
    assert target_of(urlsplit(f"https://www.nctv.nl{path}")) == target
