"""Our HTTP client through the fetcher, against real loopback servers: keep-alive, TLS, closed and silent peers."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from monitor.config import MonitorSettings
from monitor.fetch import ConnectError, Fetcher, Timeout
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
