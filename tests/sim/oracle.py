"""What must have happened in a simulated timeline, from its ground truth alone, and what did.

Expected, from the world and from what each source served at each completed check:
- every published edition: alerted (at least once; more only for a message the channel
  accepted just before a kill), and no other edition;
- every level change: one alert with the right from/to, in order, and no other level alert;
- every run of `failure_threshold` failed checks of a source: one "failing" and one
  "recovered"; every run of that many pages whose facts cannot be read: one "changed shape"
  and one "restored";
- nothing left undelivered.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from monitor.clock import parse
from tests.sim.driver import AUTHORITATIVE, CheckRecord, Sim, open_store

THRESHOLD = 3
FAILED = {"reset", "http-503", "error-page"}
DRIFT = {"blind", "cookie-wall"}


@dataclass
class Verdict:
    editions: int = 0
    changes: int = 0
    expected: int = 0  # edition and level alerts that must arrive
    sent: int = 0  # distinct edition and level alerts that arrived
    false: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)  # beyond the documented kill window
    repeats_after_kill: int = 0
    ops_expected: int = 0
    ops_false: list[str] = field(default_factory=list)
    ops_missed: list[str] = field(default_factory=list)
    lost: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds from first sighting to the alert decided
    level_latencies: list[float] = field(default_factory=list)  # the same, level changes only
    arrival_latencies: list[float] = field(default_factory=list)  # first sighting → arrival, no channel outage between
    events: int = 0  # events stored, of every kind
    kills: int = 0
    manual_checks: int = 0
    checks: int = 0
    timing: list[str] = field(default_factory=list)  # a decision timed before any sighting of its change
    trace: list[str] = field(default_factory=list)  # the timeline's steps (to replay one with a problem)

    @property
    def problems(self) -> list[str]:
        out = [f"false alert {k}" for k in self.false] + [f"missed alert {k}" for k in self.missed]
        out += [f"repeated alert {k}" for k in self.repeated] + [f"unexpected ops event {k}" for k in self.ops_false]
        out += [f"missing ops event {k}" for k in self.ops_missed]
        if self.lost:
            out.append(f"{self.lost} delivery row(s) never sent")
        return out + self.timing


def _episodes(sim: Sim) -> Counter[str]:
    """Expected ops events per (kind, source), by walking each source's completed checks in order."""
    expected: Counter[str] = Counter()
    by_source: dict[str, list[CheckRecord]] = {}
    for r in sim.records:
        by_source.setdefault(r.source, []).append(r)
    for sid, records in by_source.items():
        kind = sim.world_source(sid).kind
        fails = misses = 0
        failing = degraded = had_facts = False
        accepted = "ok"
        for r in records:
            served = accepted if r.not_modified else r.served
            failed = served in FAILED or (served == "cookie-wall" and kind in ("tk", "feed"))
            # a page without readable facts from a source that never had any is no baseline, but a failure
            failed = failed or (served in DRIFT and not had_facts and not (served == "blind" and kind == "topic"))
            if failed:
                fails += 1
                if fails >= THRESHOLD and not failing:
                    failing = True
                    expected[f"source_failing:{sid}"] += 1
                continue
            if failing:
                expected[f"source_recovered:{sid}"] += 1
                failing = False
            fails = 0
            accepted = served
            had_facts = True
            if served in DRIFT:
                misses += 1
                if misses >= THRESHOLD and not degraded:
                    degraded = True
                    expected[f"source_degraded:{sid}"] += 1
            else:
                if degraded:
                    expected[f"source_restored:{sid}"] += 1
                degraded = False
                misses = 0
    return expected


def _sighting(sim: Sim, *, number: int | None = None, version: int | None = None) -> datetime | None:
    """When a completed check first showed this edition (by number) or this level change (by world version).

    A level change counts from the first NCTV page showing it: a news item alone is no ground for a level
    alert (by design), so the time a lagging NCTV page takes to catch up is the publisher's, not ours."""
    versions = sim.world.versions
    times = []
    for r in sim.records:
        if r.served in FAILED or r.served == "cookie-wall":
            continue
        src = sim.world_source(r.source)
        shown = versions[r.shown]
        if number is not None and src.reports_edition and any(e.number == number for e in shown.editions):
            # the news feed tells of a DTN that changes the level by the change alone (tests/sim/pages.py)
            told = src.kind != "feed" or not any(v.edition and v.edition.number == number and v.change
                                                 for v in versions)
            if told:
                times.append(r.at)
        if version is not None and r.shown >= version and r.source in AUTHORITATIVE:
            via_page = src.reports_level and r.served != "blind"
            # a topic page or list that shows a new DTN stating the level (this change's, or a later one's that
            # still states it) is read through that DTN's own page, even while the page's level line is blind
            via_edition = src.kind in ("topic", "list") and any(
                versions[k].edition is not None and versions[k].level == versions[version].level
                for k in range(version, r.shown + 1))
            if via_page or via_edition:
                times.append(r.at)
    return min(times) if times else None


def _timed(v: Verdict, sim: Sim, seen: datetime, decided: str, arrived: datetime) -> None:
    """The decision's delay (sighting → event stored) and, when no channel outage came between, the arrival's."""
    delay = (parse(decided) - seen).total_seconds()
    if delay < -1.0:  # the stored time has whole seconds; a decision earlier than that came before any sighting
        v.timing.append(f"an alert decided {-delay:.0f} s before the oracle's first sighting of its change")
    v.latencies.append(max(0.0, delay))
    if not any(o.start < arrived and o.end > seen for o in sim.outage_history):
        v.arrival_latencies.append((arrived - seen).total_seconds())


def judge(sim: Sim) -> Verdict:
    v = Verdict()
    store = open_store(sim)
    try:
        events = store.recent_events(100_000)[::-1]
        deliveries = store.deliveries(limit=100_000)
    finally:
        store.close()
    arrived: Counter[str] = Counter(k for r in sim.received for k in r.keys)
    after_kill: Counter[str] = Counter(k for r in sim.received if r.after_kill for k in r.keys)
    first_arrival: dict[str, datetime] = {}
    for r in sim.received:
        for k in r.keys:
            first_arrival.setdefault(k, r.at)
    by_key = {e.key: e for e in events}
    v.lost = sum(1 for d in deliveries if d.status != "sent")
    v.events = len(events)
    for key, n in arrived.items():
        if n - 1 > after_kill[key]:
            v.repeated.append(key)
        v.repeats_after_kill += min(n - 1, after_kill[key])

    published = sim.world.published
    v.editions, v.changes = len(published), len(sim.world.changes)
    v.expected = v.editions + v.changes
    expected_editions = {f"edition:dtn-{e.number}" for e in published}
    edition_events = [e for e in events if e.kind == "new_edition"]
    for e in edition_events:
        if e.key not in expected_editions:
            v.false.append(e.key)
    for e in published:
        key = f"edition:dtn-{e.number}"
        if key not in arrived:
            v.missed.append(key)
            continue
        seen = _sighting(sim, number=e.number)
        if seen is not None:
            _timed(v, sim, seen, by_key[key].created_at, first_arrival[key])

    level_events = [e for e in events if e.kind == "level_changed"]
    got = [(e.payload["from_level"], e.payload["to_level"]) for e in level_events]
    want = [(a, b) for _t, a, b in sim.world.changes]
    version_of = [i for i, ver in enumerate(sim.world.versions) if ver.change]
    for i, (a, b) in enumerate(want):
        if i < len(got) and got[i] == (a, b) and level_events[i].key in arrived:
            seen = _sighting(sim, version=version_of[i])
            if seen is not None:
                _timed(v, sim, seen, level_events[i].created_at, first_arrival[level_events[i].key])
                v.level_latencies.append(v.latencies[-1])
        else:
            v.missed.append(f"level {a}→{b}")
    for i, e in enumerate(level_events):
        if i >= len(want) or got[i] != want[i]:
            v.false.append(f"{e.key} ({got[i][0]}→{got[i][1]})")
    v.sent = len({e.key for e in edition_events + level_events} & set(arrived))

    expected_ops = _episodes(sim)
    actual_ops: Counter[str] = Counter()
    for e in events:
        sid = e.payload.get("source")
        if e.kind in ("source_failing", "source_degraded"):
            actual_ops[f"{e.kind}:{sid}"] += 1
        elif e.kind == "source_recovered":
            kind = "source_restored" if e.key.startswith("source-restored:") else "source_recovered"
            actual_ops[f"{kind}:{sid}"] += 1
    v.ops_expected = sum(expected_ops.values())
    for key in expected_ops | actual_ops:
        if actual_ops[key] > expected_ops[key]:
            v.ops_false.append(f"{key} ×{actual_ops[key] - expected_ops[key]}")
        elif actual_ops[key] < expected_ops[key]:
            v.ops_missed.append(f"{key} ×{expected_ops[key] - actual_ops[key]}")
    return v
