"""The national threat level: what each source has seen, and when a change is real.

The model is per source: the level it shows now, since when it has shown it (its *run*), how
many checks in a row, and which statements it has shown before. A reading is **stale** when
its run began before the current level was accepted (the page lags), or when the source showed
the very same statement before that (a cached copy flapping back). Stale readings confirm
nothing; the source is shown as lagging, and a lag that lasts `lag_tolerance` is one operations
message.

A fresh reading of another level is accepted as a change when
(a) an authoritative source states the change itself ("van 4 naar 3", "verhoogd naar 4"), or
(b) an authoritative source shows it on `level_confirmations` consecutive checks, or
(c) two sources show it (one authoritative, where any is configured);
and, for (b) and (c), the change was *seen happening*: one of those sources showed the accepted
level before. Pages that disagree from their first reading (a mirror that never updated, a page
with another scale) confirm nothing; a lasting disagreement is one operations message.
Within `REVERSAL_WINDOW` of an alerted change, going back needs (c): one page flipping between
two levels cannot cause an alert storm. Every accepted change alerts once, from the level the
users last heard of.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from monitor.clock import parse
from monitor.decide.context import LEVEL, Context, Decisions
from monitor.facts import LevelReading
from monitor.store import ALERT, BASELINE, HISTORY
from monitor.store.db import Row

REVERSAL_WINDOW = timedelta(hours=24)
STALE_CONTENT = timedelta(days=14)  # how long an old statement shown again is taken as a cached copy
AGREEMENT_WINDOW = timedelta(hours=24)


def statement_id(reading: LevelReading) -> str:
    return "statement:" + hashlib.sha1(" ".join(reading.evidence.split()).encode()).hexdigest()[:16]


def readings(ctx: Context, source_id: str, found: list[LevelReading], first: bool, decisions: Decisions) -> None:
    """File this check's readings, decide, and report a lasting disagreement once."""
    if found and not ctx.force_baseline:
        levels = {r.level for r in found}
        if len(levels) > 1:
            unclear(ctx, source_id, " | ".join(dict.fromkeys(r.evidence for r in found)), first, decisions)
        else:
            reading = max(found, key=lambda r: r.change_to is not None)
            _decide(ctx, source_id, reading, decisions)
    _report_lasting_disagreement(ctx, source_id, decisions)


def unclear(ctx: Context, source_id: str, statement: str, first: bool, decisions: Decisions) -> None:
    """A level statement the extractor cannot read with certainty: once per statement, to ops."""
    if first or not ctx.authoritative(source_id):
        return
    digest = hashlib.sha1(statement.encode()).hexdigest()[:12]
    url = ctx.sources[source_id].url if source_id in ctx.sources else None
    decisions.add(ctx.emit(
        f"level-unclear:{source_id}:{digest}", "level_unclear",
        {"source": source_id, "evidence": statement[:500], "links": [{"source": source_id, "url": url}] if url else []},
    ))


def _observe(ctx: Context, source_id: str, reading: LevelReading, stale: bool) -> Row:
    """Extend or start the source's run, and remember the statement; returns the updated row."""
    store = ctx.store
    row = store.source_row(source_id)
    now = ctx.stamp()
    if row["observed_level"] == reading.level:
        store.update_source(source_id, observed_streak=int(row["observed_streak"]) + 1, observed_at=now,
                            observed_stale=int(stale))
    else:
        store.update_source(source_id, observed_level=reading.level, observed_streak=1, observed_since=now,
                            observed_at=now, observed_stale=int(stale), lag_reported_for=None,
                            observed_from=row["observed_level"])
    store.mark_document(source_id, statement_id(reading))
    return store.source_row(source_id)


def _stale(ctx: Context, source_id: str, reading: LevelReading, current: Row) -> bool:
    """Judged before the reading joins the source's memory: a lagging run, or an old statement shown again."""
    accepted = parse(current["recorded_at"])
    row = ctx.store.source_row(source_id)
    if row["observed_level"] == reading.level and row["observed_since"] and parse(row["observed_since"]) < accepted:
        return True
    seen = ctx.store.db.one(
        "SELECT first_seen FROM seen_documents WHERE source_id = ? AND doc_id = ?", (source_id, statement_id(reading))
    )
    return bool(seen and parse(seen["first_seen"]) < accepted and ctx.now() - accepted < STALE_CONTENT)


def _decide(ctx: Context, source_id: str, reading: LevelReading, decisions: Decisions) -> None:
    store = ctx.store
    current = store.current_level()
    stale = current is not None and current["level"] != reading.level and _stale(ctx, source_id, reading, current)
    row = _observe(ctx, source_id, reading, stale)
    if current is None or current["origin"] == HISTORY:
        # the first live reading: it confirms the built-in history, or the change happened after it ended
        _baseline(ctx, source_id, reading, current, decisions)
        return
    if reading.level == current["level"]:
        store.confirm_level(int(current["id"]), source_id)
        return
    if stale:
        return  # a lagging or flapping page confirms nothing: shown as lagging, reported if it lasts
    accepted = parse(current["recorded_at"])
    authoritative = ctx.authoritative(source_id)
    explicit = authoritative and reading.change_to == reading.level and reading.change_from in (None, current["level"])
    streak_ok = authoritative and int(row["observed_streak"]) >= ctx.settings.level_confirmations
    if not explicit and row["observed_from"] != int(current["level"]) and not ctx.store.witness_showing(
            reading.level, int(current["level"]), source_id):
        agreeing = []  # nobody saw it happen, so nothing below can confirm it: the others need not be read
    else:
        agreeing = _agreeing(ctx, source_id, reading.level, current)
    together = bool(agreeing) and (
        authoritative or any(ctx.authoritative(str(a["id"])) for a in agreeing) or not ctx.any_authoritative()
    )
    reversal = (
        current["origin"] == ALERT and current["change_from"] == reading.level and ctx.now() - accepted < REVERSAL_WINDOW
    )
    # a change must be seen happening: a source that showed the accepted level and now shows this one. Pages
    # that have disagreed since they were first read (a stale mirror, another scale) confirm nothing alone.
    witnessed = any(r["observed_from"] == int(current["level"]) for r in [row, *agreeing])
    confirmed = (together and witnessed) if reversal else (explicit or (witnessed and (streak_ok or together)))
    if not confirmed:
        if int(row["observed_streak"]) == 1:  # a new run asks for confirmation once, not at every check of it
            ctx.confirm_soon(decisions, source_id, LEVEL, f"level {reading.level} seen by {source_id}",
                             recheck=authoritative and not reversal)
        return
    _change(ctx, source_id, reading, current, [source_id, *(str(a["id"]) for a in agreeing)], decisions)


def _agreeing(ctx: Context, source_id: str, level: int, current: Row) -> list[Row]:
    """The rows of other sources whose fresh runs show `level` (begun after the current level was accepted)."""
    accepted = parse(current["recorded_at"])
    now = ctx.now()
    out = []
    for r in ctx.store.sources_showing(level):
        if r["id"] == source_id:
            continue
        if not r["observed_since"] or not r["observed_at"]:
            continue
        if r["id"] in ctx.sources and not ctx.sources[r["id"]].enabled:
            continue
        if parse(r["observed_since"]) < accepted or now - parse(r["observed_at"]) > AGREEMENT_WINDOW:
            continue
        out.append(r)
    return out


def _baseline(ctx: Context, source_id: str, reading: LevelReading, history: Row | None, decisions: Decisions) -> None:
    store = ctx.store
    change_from = history["level"] if history is not None and history["level"] != reading.level else None
    store.insert_level(reading.level, since=ctx.today(), origin=BASELINE, change_from=change_from, sources=[source_id],
                       evidence=reading.evidence)
    if ctx.settings.alert_on_baseline:
        decisions.add(ctx.emit(f"level:baseline-{reading.level}", "level_changed", {
            "from_level": None, "to_level": reading.level, "sources": [source_id], "evidence": reading.evidence,
            "links": [{"source": source_id, "url": reading.url}], "since": ctx.today(),
        }))


def _change(ctx: Context, source_id: str, reading: LevelReading, current: Row, sources: list[str], decisions: Decisions) -> None:
    store = ctx.store
    edition_key = store.edition_alerted_since((ctx.now() - timedelta(days=3)).isoformat(timespec="seconds"))
    key = f"level:{current['level']}-{reading.level}:{ctx.today()}:{current['id']}"
    event = ctx.emit(key, "level_changed", {
        "from_level": current["level"], "to_level": reading.level, "sources": sources, "evidence": reading.evidence,
        "links": [{"source": source_id, "url": reading.url}], "edition": edition_key, "since": ctx.today(),
    })
    store.insert_level(reading.level, since=ctx.today(), origin=ALERT, change_from=int(current["level"]),
                       sources=sources, evidence=reading.evidence, edition_key=edition_key,
                       event_id=event.id if event else None)
    decisions.add(event)


def _report_lasting_disagreement(ctx: Context, source_id: str, decisions: Decisions) -> None:
    """A source that has shown another level than the accepted one for `lag_tolerance`: one ops message."""
    if ctx.force_baseline:
        return
    current = ctx.store.current_level()
    row = ctx.store.source_row(source_id)
    if current is None or current["origin"] == HISTORY or row["observed_level"] in (None, current["level"]):
        return
    if row["lag_reported_for"] == current["id"] or not row["observed_since"]:
        return
    began = max(parse(row["observed_since"]), parse(current["recorded_at"]))
    if ctx.now() - began < timedelta(seconds=ctx.settings.lag_tolerance):
        return
    ctx.store.update_source(source_id, lag_reported_for=current["id"])
    lagging = parse(row["observed_since"]) < parse(current["recorded_at"])
    url = ctx.sources[source_id].url if source_id in ctx.sources else None
    decisions.add(ctx.emit(
        f"disagree:{source_id}:{current['id']}:{row['observed_level']}", "sources_disagree",
        {"source": source_id, "reported": row["observed_level"], "current": current["level"],
         "others": list(dict.fromkeys(_confirming(current))), "lagging": lagging, "since": began.isoformat(timespec="seconds"),
         "evidence": None, "links": [{"source": source_id, "url": url}] if url else []},
    ))


def _confirming(current: Row) -> list[str]:
    import json

    return [str(s) for s in json.loads(current["sources"] or "[]")]
