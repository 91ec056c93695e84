"""One check cycle: fetch → extract → decide → events and outbox, for one or many sources.

Each source is checked on its own: one failing source never stops the others. Fetching runs
concurrently (bounded and polite per host, see fetch.py); every source's decision runs in its
own locked transaction, so its facts, events, outbox rows and HTTP validators are committed
together or not at all. A dry run decides inside a transaction that is rolled back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from monitor.config import SourceConfig
from monitor.extract.helper import Reader
from monitor.facts import SourceResult
from monitor.fetch import FetchError
from monitor.sources import registry
from monitor.sources.base import ParseError, SourceContext
from monitor.store import EventRow, StateError
from monitor.unchanged import replay, steady

if TYPE_CHECKING:
    from monitor.decide import Followup
    from monitor.runtime import Runtime

log = logging.getLogger("dtn_monitor.check")


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


@dataclass
class SourceOutcome:
    source_id: str
    ok: bool
    error: str | None = None
    result: SourceResult | None = None
    events: list[EventRow] = field(default_factory=list)
    followups: list[Followup] = field(default_factory=list)
    duration: float = 0.0
    skipped: bool = False
    note: str | None = None  # why it was skipped

    def as_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "source": self.source_id,
            "ok": self.ok,
            "skipped": self.skipped,
            "note": self.note,
            "error": self.error,
            "not_modified": bool(r and r.not_modified),
            "drift": r.drift if r else None,
            "publications": [
                {"edition": p.edition.label, "title": p.title, "url": p.url, "published": p.published, "role": p.role}
                for p in (r.publications if r else [])
            ],
            "levels": [
                {"level": lv.level, "confidence": lv.confidence, "change_from": lv.change_from,
                 "change_to": lv.change_to, "evidence": lv.evidence}
                for lv in (r.levels if r else [])
            ],
            "unclear": list(r.unclear) if r else [],
            "events": [{"key": e.key, "kind": e.kind, "payload": e.payload} for e in self.events],
            "duration_ms": round(self.duration * 1000),
        }


@dataclass
class CycleReport:
    outcomes: list[SourceOutcome]
    dry_run: bool = False

    @property
    def events(self) -> list[EventRow]:
        return [e for o in self.outcomes for e in o.events]

    @property
    def followups(self) -> list[Followup]:
        return [f for o in self.outcomes for f in o.followups]

    def as_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "sources": [o.as_dict() for o in self.outcomes],
                "events": [{"key": e.key, "kind": e.kind} for e in self.events]}


async def run_check(runtime: Runtime, source_ids: list[str] | None = None, *, dry_run: bool = False) -> CycleReport:
    """Check the given (default: all enabled) sources once, now."""
    chosen = [runtime.config.source(s) for s in source_ids] if source_ids else None
    sources = chosen if chosen is not None else list(runtime.config.enabled_sources)
    # per host, one worker more than its requests in flight: the next check prepares (reads its state) while
    # the last one waits on the network. Started all at once, hundreds of checks read their state before the
    # loop turned once, and the first request left only after all of them (40 ms at 500 sources).
    queues: dict[str, deque[tuple[int, SourceConfig]]] = {}
    for i, source in enumerate(sources):
        queues.setdefault(source.host, deque()).append((i, source))
    outcomes: list[SourceOutcome | None] = [None] * len(sources)
    reader = Reader.for_cycle(len(sources))  # a big cycle that reads many texts reads them on two cores

    async def worker(queue: deque[tuple[int, SourceConfig]]) -> None:
        while queue:
            i, source = queue.popleft()
            outcomes[i] = await check_source(runtime, source, dry_run=dry_run, reader=reader)

    room = runtime.config.settings.host_concurrency + 1
    try:  # every worker ends before the reader closes (an error in one leaves the others running under gather)
        ended = await asyncio.gather(*(worker(q) for q in queues.values() for _ in range(min(room, len(q)))),
                                     return_exceptions=True)
    finally:
        await reader.aclose()
    failures = [failed for failed in ended if isinstance(failed, BaseException)]
    others = [failed for failed in failures[1:] if isinstance(failed, Exception)]
    if others:  # the first is raised; the others would be lost without a word (one line: a defect can hit them all)
        log.error("%d more check(s) of this cycle failed with an internal error; the first of them: %s: %s",
                  len(others), type(others[0]).__name__, others[0], exc_info=others[0])
    if failures:
        raise failures[0]
    return CycleReport([o for o in outcomes if o is not None], dry_run)


async def check_source(runtime: Runtime, source: SourceConfig, *, dry_run: bool = False,
                       fresh_within: float | None = None, asked: bool = False, reader: Reader | None = None
                       ) -> SourceOutcome:
    """One check of one source. Several replicas on one database check a source one at a time (a lock that
    goes with a dead replica's connection); `fresh_within` (scheduled checks) also skips a source another
    replica checked that recently, so two replicas do not both fetch it every interval; `asked` (a check a
    decision asked for, kept in the state) skips one that another process has carried out since."""
    lock = runtime.source_locks.setdefault(source.id, asyncio.Lock())
    if lock.locked():
        log.info("source %s: a check is already running; skipped", source.id)
        return SourceOutcome(source.id, ok=True, skipped=True, note="a check is already running")
    async with lock:
        store = runtime.store
        try:
            locked = store.try_source_lock(source.id)
        except StateError:
            locked = True  # the check itself reports an unreachable database
        if not locked:
            log.info("source %s: being checked by another replica; skipped", source.id)
            return SourceOutcome(source.id, ok=True, skipped=True, note="being checked by another replica")
        try:  # decided under the lock: what another replica did is final by now
            if fresh_within is not None and (by := _checked_elsewhere(runtime, source.id, fresh_within)):
                return SourceOutcome(source.id, ok=True, skipped=True, note=f"read by {by} moments ago")
            if asked and not _still_asked(runtime, source.id):
                return SourceOutcome(source.id, ok=True, skipped=True,
                                     note="the check asked for was done by another process")
            return await _check(runtime, source, dry_run, reader or Reader())
        except StateError as exc:  # the database went away before the check could start or finish
            return await _state_lost(runtime, source.id, exc)
        finally:
            store.release_source_lock(source.id)


async def _state_lost(runtime: Runtime, source_id: str, exc: StateError) -> SourceOutcome:
    """Nothing was written; the next check repeats this one. Said once per episode, not once per check."""
    (log.debug if runtime.state_error else log.error)(
        "source %s: state not written (%s); the check will be repeated", source_id, exc)
    await runtime.state_failed(str(exc))
    return SourceOutcome(source_id, ok=False, error=f"state not writable: {exc}")


def _still_asked(runtime: Runtime, source_id: str) -> bool:
    """Is a check of this source still asked for (none has begun since the request)?"""
    try:
        at = runtime.store.source_row(source_id)["recheck_at"]
    except StateError:
        return True
    return at is not None and float(at) <= runtime.clock.time() + 2.0


def _checked_elsewhere(runtime: Runtime, source_id: str, within: float) -> str | None:
    """The replica that read this source successfully less than `within` seconds ago, if it is not this one.
    A replica whose checks fail (it cannot reach the site) never makes a healthy one skip."""
    from monitor.clock import parse

    try:
        row = runtime.store.source_row(source_id)
    except StateError:
        return None
    by, when = row["checked_by"], row["last_success"]
    if not by or by == runtime.replica or not when or row["last_check"] != when or row["consecutive_failures"]:
        return None  # (the stamps have whole seconds: a failure in the second of a success shows in the count)
    age = (runtime.clock.now() - parse(when)).total_seconds()
    # the other replica's clock stamped `when`: a stamp from our future (its clock ahead of ours) proves nothing,
    # so a skew can never make a source go unread for longer than `within` plus that skew
    return str(by) if 0.0 <= age < within else None


def _by_delay(followups: list[Followup]) -> dict[float, list[str]]:
    out: dict[float, list[str]] = {}
    for f in followups:
        out.setdefault(f.delay, []).extend(f.source_ids)
    return out


async def _check(runtime: Runtime, source: SourceConfig, dry_run: bool, reader: Reader) -> SourceOutcome:
    store = runtime.store
    adapter_cls = registry.get(source.kind)
    assert adapter_cls is not None  # validated with the config
    adapter = adapter_cls(source, runtime.config.settings)
    row = store.source_row(source.id)
    ctx = SourceContext(
        fetcher=runtime.fetcher,
        validators_of=lambda url: store.validators(source.id, url),
        is_known=lambda doc: store.document_seen(source.id, doc),
        first_check=not row["baseline_done"],
        reader=reader,
    )
    started = time.monotonic()
    began = runtime.clock.time()
    result: SourceResult | None = None
    error: str | None = None
    try:
        result = await adapter.check(ctx)
    except (FetchError, ParseError) as exc:
        error = str(exc)
    except Exception as exc:
        log.exception("source %s: unexpected error in adapter %s", source.id, source.kind)
        error = f"internal error in adapter {source.kind}: {type(exc).__name__}: {exc}"
    duration = time.monotonic() - started
    if result is not None and result.not_modified:
        result = replay(row, source.id)
    if result is not None and not dry_run and steady(runtime, row, result):
        try:
            store.record_unchanged(source.id, not_modified=ctx.not_modified, nbytes=ctx.bytes,
                                   duration_ms=round(duration * 1000), reading=bool(result.levels),
                                   checked_by=runtime.replica)
            store.recheck_done(source.id, began)
        except StateError:
            pass  # the full path below reports it
        else:
            runtime.metrics.observe_check(source.id, ctx, None, duration, [])
            runtime.state_ok()
            return SourceOutcome(source.id, ok=True, result=result, duration=duration)
    from monitor.decide import Decisions  # not before: a steady source (most of an ordinary cycle) never decides

    differ = runtime.differ(dry_run=dry_run)
    decisions = Decisions()
    try:
        with store.transaction(lock=True):
            if result is not None:
                decisions = differ.success(source, result)
                if decisions.accepted:
                    for url, (etag, last_modified) in ctx.new_validators.items():
                        store.save_validators(source.id, url, etag, last_modified)
                else:
                    error = store.source_row(source.id)["last_error"]
            else:
                decisions = differ.failure(source, error or "unknown error")
            store.update_source(source.id, last_duration_ms=round(duration * 1000), checked_by=runtime.replica)
            store.bump_source(source.id, not_modified=ctx.not_modified, bytes=ctx.bytes)
            if result is not None:  # a failed fetch carries out no confirmation another process asked for
                store.recheck_done(source.id, began)
            for delay, ids in _by_delay(decisions.followups).items():  # kept in the state: whichever
                store.request_rechecks(ids, began + delay)  # process runs next carries them out
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except StateError as exc:
        lost = await _state_lost(runtime, source.id, exc)
        lost.result, lost.duration = result, duration
        return lost
    else:
        if not dry_run:
            runtime.state_ok()
    events = decisions.events
    runtime.metrics.observe_check(source.id, ctx, error, duration, [] if dry_run else events)
    if error:
        log.warning("source %s: check failed: %s", source.id, error)
    else:
        assert result is not None
        log.info(
            "source %s: %s, %d publication(s), %d level reading(s), %d event(s) in %.0f ms",
            source.id, "not modified" if result.not_modified else ("drift" if result.drift else "ok"),
            len(result.publications), len(result.levels), len(events), duration * 1000,
        )
    return SourceOutcome(source.id, ok=error is None, error=error, result=result, events=events,
                         followups=[] if dry_run else decisions.followups, duration=duration)
