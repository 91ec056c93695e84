"""One check cycle: fetch → extract → diff → events and outbox, for one or many sources.

Each source is checked on its own: one failing source never stops the others. Fetching
runs concurrently (bounded and polite per host, see fetch.py); every source's diff runs in
its own IMMEDIATE transaction, so its facts, events, outbox rows and HTTP validators are
committed together or not at all.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from monitor.config import SourceConfig
from monitor.facts import SourceResult
from monitor.fetch import FetchError
from monitor.sources import registry
from monitor.sources.base import ParseError, SourceContext
from monitor.store import EventRow, utcnow

if TYPE_CHECKING:
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
    duration: float = 0.0
    skipped: bool = False

    def as_dict(self) -> dict[str, Any]:
        r = self.result
        return {
            "source": self.source_id,
            "ok": self.ok,
            "skipped": self.skipped,
            "error": self.error,
            "not_modified": bool(r and r.not_modified),
            "drift": r.drift if r else None,
            "publications": [
                {"edition": p.edition.label, "title": p.title, "url": p.url, "published": p.published}
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

    def as_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "sources": [o.as_dict() for o in self.outcomes],
                "events": [{"key": e.key, "kind": e.kind} for e in self.events]}


async def run_check(runtime: Runtime, source_ids: list[str] | None = None, *, dry_run: bool = False) -> CycleReport:
    """Check the given (default: all enabled) sources once, now."""
    chosen = [runtime.config.source(s) for s in source_ids] if source_ids else None
    sources = chosen if chosen is not None else list(runtime.config.enabled_sources)
    outcomes = await asyncio.gather(*(check_source(runtime, s, dry_run=dry_run) for s in sources))
    return CycleReport(list(outcomes), dry_run)


async def check_source(runtime: Runtime, source: SourceConfig, *, dry_run: bool = False) -> SourceOutcome:
    lock = runtime.source_locks.setdefault(source.id, asyncio.Lock())
    if lock.locked():
        log.info("source %s: a check is already running; skipped", source.id)
        return SourceOutcome(source.id, ok=True, skipped=True)
    async with lock:
        return await _check(runtime, source, dry_run)


def _steady_304(
    runtime: Runtime, source: SourceConfig, row: sqlite3.Row, result: SourceResult, ctx: SourceContext, duration: float
) -> bool:
    """The common case — 304, nothing failing or degraded, the level read is the current one — in one UPDATE.

    It records exactly what the full diff would record for it (the check, the success, the streak),
    without a transaction per source: most cycles of a healthy daemon are this.
    """
    if not result.not_modified:
        return False
    if row["failing_since"] or row["degraded_since"] or not row["baseline_done"]:
        return False
    levels = {r.level for r in result.levels}
    if levels:
        current = runtime.store.current_level()
        if current is None or levels != {current["level"]} or row["observed_level"] != current["level"]:
            return False
    now = utcnow()
    try:
        runtime.store.conn.execute(
            "UPDATE sources SET last_check = ?, last_success = ?, last_result = 'not-modified', last_error = NULL, "
            "consecutive_failures = 0, checks = checks + 1, not_modified = not_modified + ?, bytes = bytes + ?, "
            "last_duration_ms = ?, observed_streak = observed_streak + ?, observed_at = COALESCE(?, observed_at) "
            "WHERE id = ?",
            (now, now, ctx.not_modified, ctx.bytes, round(duration * 1000), 1 if levels else 0,
             now if levels else None, source.id),
        )
    except sqlite3.Error:
        return False  # the full path reports it
    return True


async def _check(runtime: Runtime, source: SourceConfig, dry_run: bool) -> SourceOutcome:
    store = runtime.store
    adapter_cls = registry.get(source.kind)
    assert adapter_cls is not None  # validated with the config
    adapter = adapter_cls(source, runtime.config.settings)
    row = store.source_row(source.id)
    ctx = SourceContext(
        fetcher=runtime.fetcher,
        validators_of=store.validators,
        is_known=lambda doc: store.document_seen(source.id, doc),
        first_check=not row["baseline_done"],
    )
    started = time.monotonic()
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
        # 304: the facts are those of the last check. Publications and unclear statements were
        # recorded then; only the level reading counts again (a change is confirmed by repetition).
        # `row` was read before the fetch: its facts belong to the validators the request sent
        stored = row["last_facts"]
        if stored:
            result = SourceResult.from_facts_json(source.id, json.loads(stored))
            result.publications, result.unclear = [], []
    if result is not None and not dry_run and _steady_304(runtime, source, row, result, ctx, duration):
        runtime.metrics.observe_check(source.id, ctx, None, duration, [])
        runtime.state_ok()
        return SourceOutcome(source.id, ok=True, result=result, duration=duration)
    differ = runtime.differ()
    events: list[EventRow] = []
    try:
        with store.transaction():
            if result is not None:
                events = differ.success(source, result)
                if not dry_run:
                    for url, (etag, last_modified) in ctx.new_validators.items():
                        store.save_validators(url, etag, last_modified)
            else:
                events = differ.failure(source, error or "unknown error")
            store.update_source(source.id, last_duration_ms=round(duration * 1000))
            store.bump_source(source.id, not_modified=ctx.not_modified, bytes=ctx.bytes)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except sqlite3.Error as exc:
        log.error("source %s: state not written (%s); the check will be repeated", source.id, exc)
        await runtime.state_failed(str(exc))
        return SourceOutcome(source.id, ok=False, error=f"state not writable: {exc}", result=result, duration=duration)
    else:
        if not dry_run:
            runtime.state_ok()
    runtime.metrics.observe_check(source.id, ctx, error, duration, events)
    if error:
        log.warning("source %s: check failed: %s", source.id, error)
    else:
        assert result is not None
        log.info(
            "source %s: %s, %d publication(s), %d level reading(s), %d event(s) in %.0f ms",
            source.id, "not modified" if result.not_modified else "ok", len(result.publications),
            len(result.levels), len(events), duration * 1000,
        )
    return SourceOutcome(source.id, ok=error is None, error=error, result=result, events=events, duration=duration)
