"""Runs the real daemon code over a simulated timeline: checks, follow-ups, sends, crashes, a CLI beside it.

The parts are the product's own — `check_source`, the decision engine, the SQLite store, the
outbox dispatcher, the follow-up planner — on real HTTP to loopback, with a `ManualClock`
instead of the wall clock, and a scheduler that walks simulated time instead of apscheduler
(which waits for real time). Only the last step of a send is replaced: the channel is a
function that records each message at its simulated arrival time (apprise in a child process
costs half a second per message; thousands of timelines could not be run through it).

A crash is a `Crash` (a BaseException, like the SystemExit of a kill): raised inside a check's
transaction it rolls the check back; raised after a channel accepted a message it leaves the
rows unmarked — exactly what `kill -9` does. The runtime is then thrown away and a new one
opened on the same file, as a restarted daemon would.
"""

from __future__ import annotations

import asyncio
import random
import textwrap
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from monitor.clock import ManualClock
from monitor.config import load_config
from monitor.cycle import SourceOutcome, check_source, run_check
from monitor.history import ensure_history
from monitor.notify.channels import load_channels
from monitor.notify.messages import Message
from monitor.planner import FollowupPlanner
from monitor.runtime import Runtime
from monitor.store import Store
from tests.sim import pages
from tests.sim.world import SimSource, Window, World
from tests.support.fixture_server import FixtureServer, Reply

DISPATCH_EVERY = timedelta(minutes=5)


class Crash(BaseException):
    """kill -9 of the daemon at this point."""


@dataclass
class CheckRecord:
    at: datetime
    source: str
    served: str  # ok | blind | reset | http-503 | error-page | cookie-wall
    not_modified: bool
    shown: int  # world version shown


@dataclass
class Received:
    at: datetime
    keys: tuple[str, ...]
    after_kill: bool = False  # accepted, then the sender was killed before marking it


SOURCES = {
    # id: (kind, path, interval, lag range in hours, reports level, reports editions, extra toml)
    "nctv-dtn": ("topic", "/dtn", timedelta(minutes=30), (0.1, 3.0), True, True, ""),
    "nctv-publicaties": ("list", "/docs", timedelta(hours=1), (0.1, 1.0), False, True,
                         "[source.options]\nread_level = false\n"),
    "nctv-english": ("english", "/en", timedelta(hours=2), (1.0, 40.0), True, False,
                     '[source.options]\nlevel_label = "current threat level"\nfind_publications = false\n'),
    "tk-odata": ("tk", "/OData/v4/2.0/Document", timedelta(hours=2), (2.0, 30.0), False, True, ""),
    "nieuws": ("feed", "/rss", timedelta(hours=1), (0.2, 4.0), True, True, ""),
}
AUTHORITATIVE = {"nctv-dtn", "nctv-publicaties", "nctv-english"}


@dataclass
class Sim:
    workdir: Path
    seed: int
    start: datetime
    level: int
    rng: random.Random = field(init=False)
    clock: ManualClock = field(init=False)
    world: World = field(init=False)
    records: list[CheckRecord] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    outages: list[Window] = field(default_factory=list)
    outage_history: list[Window] = field(default_factory=list)  # every channel outage of the run (the oracle's)
    kill_next: str | None = None
    kills: dict[str, int] = field(default_factory=lambda: {"check": 0, "send": 0})
    manual_checks: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.clock = ManualClock(self.start)
        self.world = World(self.start, self.level, self.rng)
        self.loop = asyncio.new_event_loop()
        # every source on its own loopback address, as on its own site: one host's Retry-After is its own
        self.servers = {sid: FixtureServer(f"127.0.0.{i + 2}").start() for i, sid in enumerate(SOURCES)}
        self.db = self.workdir / "state" / "sim.sqlite3"
        self.config = self.workdir / "sources.toml"
        self.channels = self.workdir / "channels.toml"
        toml = '[monitor]\nhost_min_gap = "0s"\nfailure_threshold = 3\nlevel_confirmations = 2\n'
        for sid, (_kind, path, interval, lags, level, edition, extra) in SOURCES.items():
            kind = {"tk": "tk-odata", "feed": "feed"}.get(_kind, "nctv")
            toml += textwrap.dedent(f"""
                [[source]]
                id = "{sid}"
                kind = "{kind}"
                url = "{self.servers[sid].url(path)}"
                interval = "{int(interval.total_seconds())}s"
                jitter = "0s"
                authoritative = {"true" if sid in AUTHORITATIVE else "false"}
                """) + extra
            self.world.add_source(SimSource(sid, _kind, interval, lags, level, edition))
        self.config.write_text(toml, encoding="utf-8")
        self.channels.write_text('[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:9/sim"\n', encoding="utf-8")
        for e in self.world.now_version.editions:
            self.publish_page(e)
        self.runtime = self._open()
        self.due = {s.id: self.start for s in self.world.sources}  # a new daemon checks every source at once
        self.followups: dict[str, datetime] = {}
        self.next_dispatch = self.start
        self.planner = FollowupPlanner()

    def publish_page(self, edition: Any) -> None:
        """An edition's own page, on the NCTV sites (the topic page and the list link to it)."""
        for sid in ("nctv-dtn", "nctv-publicaties"):
            self.servers[sid].set(pages.edition_path(edition), pages.edition_page(edition))

    # -- the daemon ---------------------------------------------------------------------------

    def _open(self) -> Runtime:
        store = Store(self.db, clock=self.clock)
        ensure_history(store)
        runtime = Runtime(load_config(self.config), store, load_channels(self.channels), clock=self.clock)
        runtime.dispatcher.send = self._send
        return runtime

    def restart(self) -> None:
        """The daemon died: its memory goes; a new one checks every source at once."""
        self.loop.run_until_complete(self.runtime.fetcher.aclose())
        self.runtime.store.close()
        self.runtime = self._open()
        now = self.clock.now()
        self.due = {sid: now for sid in self.due}
        self.followups.clear()
        self.planner = FollowupPlanner()

    async def _send(self, url: str, message: Message) -> tuple[bool, str | None]:
        now = self.clock.now()
        if any(o.holds(now) for o in self.outages):
            return False, "503 Service Unavailable (outage)"
        killed = self.kill_next == "send"
        self.received.append(Received(now, message.keys, killed))
        if killed:
            self.kill_next = None
            self.kills["send"] += 1
            raise Crash
        return True, None

    def _serve(self, source: SimSource) -> tuple[str, int]:
        now = self.clock.now()
        shown = source.visible(self.world, now, self.rng)
        fault = source.fault(now)
        blinded = source.kind in ("topic", "english") and source.redesigned(now)
        reply: Reply = pages.reply(source.kind, self.world.versions, shown, fault=fault, blinded=blinded)
        self.servers[source.id].set(SOURCES[source.id][1], reply)
        return fault or ("blind" if blinded else "ok"), shown

    async def _check(self, runtime: Runtime, source: SimSource) -> SourceOutcome | None:
        served, shown = self._serve(source)
        cfg = runtime.config.source(source.id)
        outcome = await check_source(runtime, cfg)
        if not outcome.skipped:
            self.records.append(CheckRecord(self.clock.now(), source.id, served,
                                            bool(outcome.result and outcome.result.not_modified), shown))
        return outcome

    def _arm_crash(self) -> None:
        runtime = self.runtime
        make = runtime.differ

        class Crashing:
            def __init__(self, inner: Any):
                self.inner = inner

            def success(self, *args: Any) -> Any:
                self.inner.success(*args)
                raise Crash

            def failure(self, *args: Any) -> Any:
                self.inner.failure(*args)
                raise Crash

        runtime.differ = lambda **kw: Crashing(make(**kw))  # type: ignore[method-assign]

    async def _daemon_check(self, source: SimSource) -> None:
        if self.kill_next == "check":
            self.kill_next = None
            self.kills["check"] += 1
            self._arm_crash()
        outcome = await self._check(self.runtime, source)
        assert outcome is not None
        self.planner.done(source.id, self.clock.now())
        for f in outcome.followups:
            for source_id in f.source_ids:
                when = self.planner.plan(source_id, f.delay, self.clock.now())
                if when is not None:
                    self.followups[source_id] = min(when, self.followups.get(source_id, when))
        if outcome.events:
            await self.runtime.dispatcher.dispatch_due()

    async def _manual_check(self) -> None:
        """`dtn-monitor check` beside the daemon: its own runtime on the same file, all sources, then its sends."""
        other = self._open()
        try:
            for source in self.world.sources:
                await self._check(other, source)
            await other.dispatcher.dispatch_due()
        except Crash:
            pass  # the CLI was killed mid-send: only it dies
        finally:
            await other.fetcher.aclose()
            other.store.close()

    def run_until(self, end: datetime, *, manual: bool = False) -> None:
        """Walk simulated time to `end`: every due check and outbox sweep in order; a crash restarts the daemon."""
        while True:
            self._stored_rechecks()
            source_id, when = min([*self.due.items(), *self.followups.items()], key=lambda kv: kv[1])
            if when > end and self.next_dispatch > end:
                break
            if self.next_dispatch <= when:
                self.clock.set(max(self.next_dispatch, self.clock.now()))
                self.next_dispatch = self.clock.now() + DISPATCH_EVERY
                self._step(self.runtime.dispatcher.dispatch_due())
                continue
            self.clock.set(max(when, self.clock.now()))
            if self.followups.get(source_id) == when:
                del self.followups[source_id]
            else:
                self.due[source_id] = when + self.world_source(source_id).interval * self.rng.uniform(0.95, 1.05)
            step = self._daemon_check(self.world_source(source_id))
            if manual:
                manual = False
                self.manual_checks += 1
                self._step(_both(step, self._manual_check()))
            else:
                self._step(step)
        self.clock.set(max(end, self.clock.now()))
        for server in self.servers.values():
            if len(server.requests) > 10_000:
                server.clear()

    def _stored_rechecks(self) -> None:
        """As the daemon's outbox loop does every few seconds: plan the checks asked for in the state (by a
        `dtn-monitor check` beside it, or by its own previous life)."""
        now = self.clock.now()
        for source_id, at in self.runtime.store.rechecks_due(float("inf")):
            when = self.planner.plan(source_id, max(0.0, at - now.timestamp()), now)
            if when is not None:
                self.followups[source_id] = min(when, self.followups.get(source_id, when))

    def _step(self, coro: Any) -> None:
        try:
            self.loop.run_until_complete(coro)
        except Crash:
            self.restart()

    def world_source(self, source_id: str) -> SimSource:
        return next(s for s in self.world.sources if s.id == source_id)

    def close(self) -> None:
        self.loop.run_until_complete(self.runtime.fetcher.aclose())
        self.runtime.store.close()
        self.loop.close()
        for server in self.servers.values():
            server.stop()


async def _both(daemon: Any, beside: Any) -> None:
    results = await asyncio.gather(daemon, beside, return_exceptions=True)
    for r in results:
        if isinstance(r, BaseException):
            raise r


def open_store(sim: Sim) -> Store:
    return Store(sim.db, clock=sim.clock)


__all__ = ["Crash", "Received", "Sim", "open_store", "run_check"]
