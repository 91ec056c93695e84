"""The scenario simulator as a Hypothesis state machine: timelines of news, trouble and crashes.

Each example is one timeline: a random start level, then steps that let time pass, publish
DTN editions (with or without a level change), change the level between editions, make a
source fail, redesign or flap, kill the daemon mid-check or mid-send, run `dtn-monitor check`
beside it, or take the channel down. At the end every source recovers, time runs on for a
two days (past the longest lag), and the oracle compares what arrived with the ground truth. Hypothesis shrinks a failing
timeline to its shortest form.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from tests.sim.driver import Sim
from tests.sim.oracle import Verdict, judge
from tests.sim.world import Window

START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
SETTLE = timedelta(hours=48)  # longer than the longest lag (the English page: 40 h)
MIN_EDITION_GAP = timedelta(days=1)
MIN_CHANGE_GAP = timedelta(days=3)  # a real change is rare; two within days is a reversal, and gets the window
MAX_CHANGES = 2
VERDICTS: list[Verdict] = []  # every judged timeline of this process (bench/simulate.py reads them)
STRICT = True  # assert on every timeline (the test); the bench counts instead

SOURCE_IDS = ["nctv-dtn", "nctv-publicaties", "nctv-english", "tk-odata", "nieuws"]
FAULTS = ["reset", "http-503", "error-page", "cookie-wall"]


def traced(step: Callable[..., None]) -> Callable[..., None]:
    """Keep each step of the timeline, so a timeline with a problem can be replayed (bench/simulate.py prints it)."""

    @functools.wraps(step)
    def run(self: Timeline, **kw: object) -> None:
        if step.__name__ == "begin":
            self.trace = []
        self.trace.append(f"{step.__name__}({', '.join(f'{k}={v!r}' for k, v in kw.items())})")
        step(self, **kw)

    return run


class Timeline(RuleBasedStateMachine):
    sim: Sim

    @initialize(seed=st.integers(0, 2**32 - 1), level=st.integers(2, 5))
    @traced
    def begin(self, seed: int, level: int) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="dtn-sim-"))
        self.sim = Sim(self.workdir, seed, START, level)
        self.sim.run_until(START + timedelta(hours=1))

    def _now(self) -> datetime:
        return self.sim.clock.now()

    def _can_change(self) -> bool:
        changes = self.sim.world.changes
        return len(changes) < MAX_CHANGES and (not changes or self._now() - changes[-1][0] >= MIN_CHANGE_GAP)

    def _can_publish(self) -> bool:
        published = self.sim.world.published
        return not published or self._now() - published[-1].published >= MIN_EDITION_GAP

    @rule(minutes=st.integers(5, 480))
    @traced
    def time_passes(self, minutes: int) -> None:
        self.sim.run_until(self._now() + timedelta(minutes=minutes))

    @precondition(lambda self: self._can_publish())
    @rule(delta=st.sampled_from([0, 0, 1, -1]))
    @traced
    def publish_edition(self, delta: int) -> None:
        level = self.sim.world.now_version.level
        to = level + delta if delta and self._can_change() and 1 <= level + delta <= 5 else None
        self.sim.publish_page(self.sim.world.publish(self._now(), to))

    @precondition(lambda self: self._can_change())
    @rule(delta=st.sampled_from([1, -1]))
    @traced
    def change_level_between_editions(self, delta: int) -> None:
        level = self.sim.world.now_version.level
        if 1 <= level + delta <= 5:
            self.sim.world.change_level(self._now(), level + delta)

    @rule(source=st.sampled_from(SOURCE_IDS), kind=st.sampled_from(FAULTS), hours=st.floats(0.25, 10))
    @traced
    def source_fails(self, source: str, kind: str, hours: float) -> None:
        self.sim.world_source(source).faults.append(Window(self._now(), self._now() + timedelta(hours=hours), kind))

    @rule(source=st.sampled_from(["nctv-dtn", "nctv-english"]), hours=st.floats(0.5, 12))
    @traced
    def redesign_blinds(self, source: str, hours: float) -> None:
        self.sim.world_source(source).redesigns.append(Window(self._now(), self._now() + timedelta(hours=hours)))

    @rule(source=st.sampled_from(["nctv-dtn", "nctv-publicaties", "nctv-english"]), hours=st.floats(0.25, 10))
    @traced
    def cache_flaps(self, source: str, hours: float) -> None:
        self.sim.world_source(source).flaps.append(Window(self._now(), self._now() + timedelta(hours=hours)))

    @rule(where=st.sampled_from(["check", "send"]))
    @traced
    def kill_daemon(self, where: str) -> None:
        self.sim.kill_next = where

    @rule()
    @traced
    def check_beside_the_daemon(self) -> None:
        self.sim.run_until(self._now() + timedelta(minutes=30), manual=True)

    @rule(hours=st.floats(0.25, 10))
    @traced
    def channel_outage(self, hours: float) -> None:
        window = Window(self._now(), self._now() + timedelta(hours=hours))
        self.sim.outages.append(window)
        self.sim.outage_history.append(window)

    def teardown(self) -> None:
        sim = getattr(self, "sim", None)
        if sim is None:
            return
        try:
            sim.world.settle()
            sim.outages.clear()
            sim.kill_next = None
            sim.run_until(self._now() + SETTLE)
            verdict = judge(sim)
            verdict.kills = sum(sim.kills.values())
            verdict.manual_checks = sim.manual_checks
            verdict.checks = len(sim.records)
            verdict.trace = list(getattr(self, "trace", []))
            VERDICTS.append(verdict)
            assert not STRICT or not verdict.problems, verdict.problems
        finally:
            sim.close()
            shutil.rmtree(self.workdir, ignore_errors=True)
