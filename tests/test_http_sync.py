"""httpcore's pool on asyncio's lock and event (monitor/http_sync.py), against real loopback servers."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time
from typing import Any

import httpcore
import httpx
import pytest

from monitor import http_sync
from monitor.http_transport import AsyncioTransport
from tests.support.raw_server import BODY, RawServer


def test_the_pool_takes_its_lock_and_event_from_asyncio() -> None:
    AsyncioTransport()
    from httpcore._async import connection, connection_pool, http11

    assert connection.AsyncLock is http_sync.AsyncLock
    assert http11.AsyncLock is http_sync.AsyncLock and http11.AsyncShieldCancellation is http_sync.AsyncShieldCancellation
    assert connection_pool.AsyncEvent is http_sync.AsyncEvent
    assert "httpcore._async.connection.AsyncLock" in http_sync.install()  # installing again changes nothing


def test_a_name_httpcore_no_longer_takes_from_its_own_module_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from httpcore._async import connection

    class SomethingNew:
        pass

    monkeypatch.setattr(connection, "AsyncLock", SomethingNew)
    assert "httpcore._async.connection.AsyncLock" not in http_sync.install()
    assert connection.AsyncLock is SomethingNew


def test_requests_queued_for_one_connection_all_get_answers_and_share_it() -> None:
    async def go() -> None:
        server = RawServer()
        transport = AsyncioTransport(limits=httpx.Limits(max_connections=1, max_keepalive_connections=1))
        async with server.running() as base, httpx.AsyncClient(transport=transport) as client:
            answers = await asyncio.gather(*(client.get(f"{base}/dtn") for _ in range(20)))
        assert [a.content for a in answers] == [BODY] * 20
        assert (server.requests, server.connections) == (20, 1)

    asyncio.run(go())


def test_waiting_too_long_for_a_connection_is_httpx_pool_timeout_and_the_pool_recovers() -> None:
    async def go() -> None:
        silent, good = RawServer("silent"), RawServer()
        transport = AsyncioTransport(limits=httpx.Limits(max_connections=1, max_keepalive_connections=1))
        timeout = httpx.Timeout(5.0, pool=0.3)
        async with silent.running() as stuck, good.running() as base, \
                httpx.AsyncClient(transport=transport, timeout=timeout) as client:
            hanging = asyncio.create_task(client.get(f"{stuck}/dtn"))
            await asyncio.sleep(0.2)  # it holds the only connection
            with pytest.raises(httpx.PoolTimeout):
                await client.get(f"{base}/dtn")
            hanging.cancel()  # as a check's own deadline cancels it
            with pytest.raises(asyncio.CancelledError):
                await hanging
            answer = await client.get(f"{base}/dtn")  # the cancelled request gave its connection back
            assert answer.content == BODY

    asyncio.run(go())


def test_a_check_loads_no_anyio_event_loop_layer() -> None:
    script = textwrap.dedent("""
        import asyncio, sys
        from monitor.config import MonitorSettings
        from monitor.fetch import Fetcher
        from tests.support.raw_server import RawServer

        async def go():
            server = RawServer()
            async with server.running() as base, Fetcher(MonitorSettings()) as fetcher:
                await fetcher.get(f"{base}/dtn")
                await fetcher.get(f"{base}/dtn", validators=('"v1"', None))

        asyncio.run(go())
        print(sorted(m for m in sys.modules if m.startswith(("anyio._backends", "anyio._core._sockets", "sniffio"))))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_the_stand_ins_keep_httpcores_own_exception() -> None:
    async def go() -> None:
        event = http_sync.AsyncEvent()
        with pytest.raises(httpcore.PoolTimeout):
            await event.wait(timeout=0.05)
        event.set()
        await event.wait(timeout=0.05)

    asyncio.run(go())


def test_the_lock_lets_one_holder_in_at_a_time() -> None:
    async def go() -> None:
        lock, inside, most = http_sync.AsyncLock(), [0], [0]

        async def hold() -> None:
            async with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
                await asyncio.sleep(0.01)
                inside[0] -= 1

        await asyncio.gather(*(hold() for _ in range(5)))
        assert most[0] == 1

    asyncio.run(go())


def test_a_connection_handed_over_as_the_pool_deadline_passes_is_used_and_not_kept_for_good() -> None:
    """(found in review: asyncio's timeout cancelled a wait that had just been granted)"""

    async def go() -> None:
        server = RawServer(headers=b"Connection: close\r\n")  # each answer ends its connection
        transport = AsyncioTransport(limits=httpx.Limits(max_connections=1, max_keepalive_connections=1))

        async def trace(name: str, info: dict[str, Any]) -> None:
            if name == "http11.response_closed.complete":
                time.sleep(0.15)  # the waiting request's pool deadline passes while the first one finishes
                await asyncio.sleep(0)

        def request(path: str, timeout: httpx.Timeout, **extensions: Any) -> httpx.Request:
            return httpx.Request("GET", f"{base}{path}", extensions={"timeout": timeout.as_dict(), **extensions})

        async with server.running() as base:
            first = await transport.handle_async_request(request("/a", httpx.Timeout(5.0), trace=trace))
            waiting = asyncio.create_task(transport.handle_async_request(request("/b", httpx.Timeout(5.0, pool=0.1))))
            await asyncio.sleep(0.01)  # it waits for the only connection
            await first.aread()
            await first.aclose()  # the connection is given back (closed: the pool opens a new one for the waiting)
            answer = await waiting
            assert await answer.aread() == BODY
            await answer.aclose()
            later = await transport.handle_async_request(request("/c", httpx.Timeout(5.0, pool=1.0)))
            assert await later.aread() == BODY
            await later.aclose()
        await transport.aclose()

    asyncio.run(go())
