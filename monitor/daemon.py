"""`dtn-monitor run`: the scheduler, the outbox dispatcher and the HTTP server on one event loop.

apscheduler 3.x runs one job per source (coalescing, never two runs of a source at once,
jitter so several daemons do not hit a site together), plus one-off checks that a decision asks
for (a change seen by one source is confirmed by the others at once, and by the same source a
minute later). The outbox sender wakes when a check stored new events, and every few seconds
for retries. SIGTERM/SIGINT stop it cleanly: no new checks start, a running check gets a few seconds to
finish (its transaction is all-or-nothing anyway), then the state is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import signal
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.config import SourceConfig
from monitor.cycle import CycleReport, SourceOutcome, check_source, run_check
from monitor.planner import FollowupPlanner
from monitor.runtime import Runtime
from monitor.store import StateError
from monitor.web import create_app

log = logging.getLogger("dtn_monitor.daemon")

DISPATCH_INTERVAL = 5.0  # seconds between outbox sweeps for retries (new events wake it at once)
TRIM_INTERVAL = 60.0
STOP_GRACE = 5.0


class _Server(uvicorn.Server):
    """uvicorn without its own signal handlers: the daemon owns SIGTERM/SIGINT."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class Daemon:
    def __init__(self, runtime: Runtime, *, host: str, port: int, sock: socket.socket | None = None):
        self.runtime = runtime
        self.host = host
        self.port = port
        self.sock = sock  # bound by the caller before anything starts (a busy port is a clear error, not a crash)
        self.scheduler: AsyncIOScheduler | None = None
        self.stop_event = asyncio.Event()
        self._outbox_wake = asyncio.Event()
        self.planner = FollowupPlanner()
        self._enabled = {s.id: s for s in runtime.config.enabled_sources}  # a followup names its source by id
        self._tasks: set[asyncio.Task[object]] = set()

    @property
    def scheduler_running(self) -> bool:
        return bool(self.scheduler and self.scheduler.running)

    async def _tracked(self, coro: object) -> object:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            return await coro  # type: ignore[misc]
        finally:
            self._tasks.discard(task)

    async def _source_job(self, source: SourceConfig, asked: bool = False) -> None:
        """A scheduled check (skipped when another replica checked the source within half its interval), or one
        asked for by a decision (skipped when another process has done it since)."""
        if self.stop_event.is_set():
            return
        outcome: SourceOutcome = await self._tracked(  # type: ignore[assignment]
            check_source(self.runtime, source, asked=True) if asked else
            check_source(self.runtime, source, fresh_within=source.interval / 2))
        self.planner.done(source.id, datetime.now(UTC))
        self._after([outcome])

    def _after(self, outcomes: list[SourceOutcome]) -> None:
        """New events wake the outbox sender; follow-up requests become one-off checks."""
        if any(o.events for o in outcomes):
            self._outbox_wake.set()
        for followup in (f for o in outcomes for f in o.followups):
            for source_id in followup.source_ids:
                self._follow_up(source_id, followup.delay, followup.reason)

    def _follow_up(self, source_id: str, delay: float, reason: str) -> None:
        """Check a source soon (politely: see planner.py; the per-host gap of fetch.py still holds)."""
        if self.scheduler is None or self.stop_event.is_set():
            return
        source = self._enabled.get(source_id)
        if source is None:
            return
        when = self.planner.plan(source_id, delay, datetime.now(UTC))
        if when is None:
            return
        log.info("source %s: extra check %s (%s)", source.id, "now" if delay == 0 else f"in {delay:.0f}s", reason)
        self.scheduler.add_job(self._source_job, DateTrigger(run_date=when), args=[source, True],
                               id=f"followup:{source.id}",
                               replace_existing=True, misfire_grace_time=300)

    async def _outbox_loop(self) -> None:
        """Send the outbox when something new is in it, and every few seconds for retries."""
        last_trim = 0.0
        while not self.stop_event.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._outbox_wake.wait(), timeout=DISPATCH_INTERVAL)
            self._outbox_wake.clear()
            if self.stop_event.is_set():
                break
            self._stored_rechecks()
            await self._dispatch()
            if time.monotonic() - last_trim > TRIM_INTERVAL:
                _trim_heap()
                last_trim = time.monotonic()

    def _stored_rechecks(self) -> None:
        """Confirmation checks asked for by any process — a `dtn-monitor check` beside us, another replica, our own
        previous life — are carried out here too (the planner drops those already planned)."""
        now = self.runtime.clock.time()
        try:
            due = self.runtime.store.rechecks_due(now + DISPATCH_INTERVAL)
        except StateError:
            return  # said by the checks and the outbox
        for source_id, at in due:
            self._follow_up(source_id, max(0.0, at - now), "asked for by an earlier check")

    async def _dispatch(self) -> None:
        if self.stop_event.is_set():
            return
        try:
            await self._tracked(self.runtime.dispatcher.dispatch_due())
        except StateError as exc:  # said once per episode …
            await self.runtime.state_failed(str(exc))
        except Exception:
            log.exception("outbox dispatch failed; will retry")
        else:  # … and its end once, as soon as a real write works again (not an interval later)
            if self.runtime.state_error is not None and self.runtime.store.writable():
                self.runtime.state_ok()

    async def check_now(self, source_ids: list[str] | None = None) -> CycleReport:
        report: CycleReport = await self._tracked(run_check(self.runtime, source_ids))  # type: ignore[assignment]
        self._after(report.outcomes)
        await self._dispatch()
        return report

    def _schedule(self) -> AsyncIOScheduler:
        scheduler = AsyncIOScheduler(timezone=UTC)
        now = datetime.now(UTC)
        for source in self.runtime.config.enabled_sources:
            scheduler.add_job(
                self._source_job, IntervalTrigger(seconds=source.interval, jitter=source.jitter or None),
                args=[source], id=f"source:{source.id}", name=source.id, max_instances=1, coalesce=True,
                misfire_grace_time=max(1, int(source.interval)), next_run_time=now,
            )
        return scheduler

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop_event.set)
        server = _Server(
            uvicorn.Config(create_app(self), host=self.host, port=self.port, log_level="warning", lifespan="off",
                           access_log=False, log_config=None)  # its lines go through our handler: format, secret mask
        )
        self.scheduler = self._schedule()
        self.scheduler.start()
        server_task = asyncio.create_task(server.serve(sockets=[self.sock] if self.sock else None))
        outbox_task = asyncio.create_task(self._outbox_loop())
        log.info(
            "dtn-monitor running: %d source(s), state %s, HTTP on %s:%d",
            len(self.runtime.config.enabled_sources), self.runtime.store.label, self.host, self.port,
        )
        stop_wait = asyncio.create_task(self.stop_event.wait())
        done, _ = await asyncio.wait({server_task, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
        if server_task in done and not self.stop_event.is_set():
            exc = server_task.exception()
            log.error("HTTP server stopped: %s", exc or "bind failed")
        log.info("stopping")
        self.stop_event.set()
        self.scheduler.shutdown(wait=False)
        server.should_exit = True
        running = [t for t in self._tasks if not t.done()]
        if running:
            _, pending = await asyncio.wait(running, timeout=STOP_GRACE)
            for t in pending:
                t.cancel()
            if pending:
                await asyncio.wait(pending, timeout=1.0)
        try:
            await asyncio.wait_for(server_task, timeout=STOP_GRACE)
        except (TimeoutError, asyncio.CancelledError, SystemExit):
            pass
        stop_wait.cancel()
        self._outbox_wake.set()
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(outbox_task, timeout=STOP_GRACE)
        self.runtime.dispatcher.record_sent()  # a last try for sends the database could not record yet
        await self.runtime.aclose()
        log.info("stopped cleanly")
        if server_task.done() and not server_task.cancelled() and server_task.exception() and not self.stop_event.is_set():
            raise SystemExit(1)


def _trim_heap() -> None:
    """Give freed heap back to the OS (glibc keeps it otherwise), so idle RSS stays flat and low."""
    global _LIBC
    if _LIBC is None:
        try:
            import ctypes

            _LIBC = ctypes.CDLL("libc.so.6")
        except OSError:
            _LIBC = False
    if _LIBC:
        _LIBC.malloc_trim(0)  # type: ignore[attr-defined]


_LIBC: object = None


class CannotServe(Exception):
    """The HTTP address cannot be used (a busy port, a bad address): nothing was started."""


def default_bind(port: int | None = None) -> tuple[str, int]:
    """127.0.0.1 outside a container, 0.0.0.0 inside (the Dockerfile sets DTN_MONITOR_HTTP_HOST); a `port`
    given on the command line wins over DTN_MONITOR_HTTP_PORT."""
    from monitor.config import ConfigError

    host = os.environ.get("DTN_MONITOR_HTTP_HOST", "127.0.0.1")
    if port is not None:
        return host, port
    raw = os.environ.get("DTN_MONITOR_HTTP_PORT", "8080")
    try:
        port = int(raw)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise ConfigError([f"DTN_MONITOR_HTTP_PORT: expected a port number 1-65535, got {raw!r}"])
    return host, port


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before the scheduler or the state start; CannotServe says why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        hint = ("another dtn-monitor or another program is listening there; choose another port with --port or "
                "DTN_MONITOR_HTTP_PORT") if exc.errno == errno.EADDRINUSE else "check --host / DTN_MONITOR_HTTP_HOST"
        raise CannotServe(f"cannot listen on {host}:{port}: {exc.strerror or exc} ({hint})") from None
    sock.listen(128)
    sock.setblocking(False)
    return sock
