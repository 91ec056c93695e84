"""A check that brought nothing new: the facts a 304 stands for, and whether the decision engine must see it.

Most checks of an ordinary cycle are such checks. Recognising them in one place lets the cycle record them
in one statement, and keeps the decision engine (and its import) out of the cycle's common path.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from monitor.facts import SourceResult
from monitor.store.db import Row

if TYPE_CHECKING:
    from monitor.runtime import Runtime


def replay(row: Row, source_id: str) -> SourceResult:
    """A 304: the facts are those of the last accepted check (they belong to the validators sent).

    Publications and unclear statements were recorded then; the level reading and the shape
    count again (a change is confirmed, and a redesign noticed, by repetition)."""
    stored = row["last_facts"]
    result = SourceResult.from_facts_json(source_id, json.loads(stored)) if stored else SourceResult(source_id)
    result.not_modified = True
    result.publications, result.unclear = [], []
    return result


def steady(runtime: Runtime, row: Row, result: SourceResult) -> bool:
    """The common case — a 304, nothing failing, no drift, the level read is the accepted one."""
    if not result.not_modified or result.drift:
        return False
    if row["failing_since"] or row["degraded_since"] or row["shape_misses"] or not row["baseline_done"]:
        return False
    levels = {r.level for r in result.levels}
    if levels:
        current = runtime.store.current_level()
        if current is None:
            return False
        if levels != {current["level"]} or row["observed_level"] != current["level"]:
            return _known_disagreement(runtime, row, result, current)
    return True


def _known_disagreement(runtime: Runtime, row: Row, result: SourceResult, current: Row) -> bool:
    """A page that keeps showing another level than the accepted one: nothing to decide when its run is
    already known, it was not seen changing (so it can confirm nothing), it states no change, and its
    lasting disagreement is already reported or not yet due (levels.py decides all the other cases)."""
    from monitor.clock import parse

    levels = {r.level for r in result.levels}
    if len(levels) != 1 or row["observed_level"] not in levels or row["observed_from"] == current["level"]:
        return False
    if any(r.change_to is not None for r in result.levels) or not row["observed_since"]:
        return False
    if parse(row["observed_since"]) < parse(current["recorded_at"]) and not row["observed_stale"]:
        return False  # a run older than the accepted level is marked lagging by the full path first
    if row["lag_reported_for"] == current["id"]:
        return True
    began = max(parse(row["observed_since"]), parse(current["recorded_at"]))
    return (runtime.clock.now() - began).total_seconds() < runtime.config.settings.lag_tolerance
