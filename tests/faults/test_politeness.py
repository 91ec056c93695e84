"""Politeness: one request at a time per host, a minimum gap between them; other hosts go in parallel."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

from monitor.cycle import run_check
from tests.conftest import Harness
from tests.support.fixture_server import FixtureServer, Reply
from tests.support.pages import nctv_topic


def _pages_on_one_host(tmp_path: Path, server: FixtureServer, count: int, delay: float, monitor: str) -> Harness:
    """`count` nctv sources on the one fixture server, each answered `delay` seconds after it is asked."""
    for i in range(count):
        server.set(f"/dtn{i}", Reply(nctv_topic(4, []), delay=delay))
    sources = "".join(
        f'[[source]]\nid = "s{i}"\nkind = "nctv"\nurl = "{server.url(f"/dtn{i}")}"\n' for i in range(count)
    )
    return Harness(tmp_path, sources, '[[channel]]\nname="c"\nurl="log://"\n', monitor=monitor)


def test_one_host_is_asked_one_at_a_time_with_a_gap(tmp_path: Path, server: FixtureServer) -> None:
    h = _pages_on_one_host(tmp_path, server, 4, 0.2, """
        [monitor]
        host_min_gap = "0.3s"
        max_concurrency = 8
        """)

    async def go() -> None:
        rt = h.runtime()
        try:
            await run_check(rt)
        finally:
            await rt.aclose()

    asyncio.run(go())
    times = sorted(r.at for r in server.requests)  # when each was answered
    assert len(times) == 4
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # each request waited for the previous answer plus the 0.3 s gap, then 0.2 s for its own
    assert all(g >= 0.45 for g in gaps), gaps


def test_host_concurrency_lets_that_many_requests_to_one_host_overlap(tmp_path: Path, server: FixtureServer) -> None:
    h = _pages_on_one_host(tmp_path, server, 6, 0.4, """
        [monitor]
        host_min_gap = "0s"
        host_concurrency = 2
        max_concurrency = 8
        """)
    report = h.check()
    assert all(o.ok for o in report.outcomes), [o.error for o in report.outcomes]
    answered = sorted(r.at for r in server.requests)  # the server notes each request as it answers, 0.4 s in
    assert len(answered) == 6
    # each request was at the server for (at least) the 0.4 s before its answer: the most of those spans that
    # overlap is the most requests in flight at once (one at a time: 1; no bound: all 6)
    events = sorted([(at - 0.4, 1) for at in answered] + [(at, -1) for at in answered])  # an end sorts first
    in_flight = peak = 0
    for _when, step in events:
        in_flight += step
        peak = max(peak, in_flight)
    assert peak == 2, answered


def test_different_hosts_run_concurrently(tmp_path: Path) -> None:
    servers = [FixtureServer(f"127.0.0.{i + 1}").start() for i in range(3)]
    try:
        for s in servers:
            s.set("/dtn", Reply(nctv_topic(4, []), delay=0.5))
        # 127.0.0.1, 127.0.0.2, 127.0.0.3 are different hosts on the loopback
        sources = "".join(
            f'[[source]]\nid = "s{i}"\nkind = "nctv"\nurl = "{s.url("/dtn")}"\n'
            for i, s in enumerate(servers)
        )
        h = Harness(tmp_path, sources, '[[channel]]\nname="c"\nurl="log://"\n')
        import time

        started = time.monotonic()
        report = h.check()
        elapsed = time.monotonic() - started
        assert all(o.ok for o in report.outcomes), [o.error for o in report.outcomes]
        assert elapsed < 1.4  # three 0.5 s answers in parallel, not 1.5 s in a row
    finally:
        for s in servers:
            s.stop()
