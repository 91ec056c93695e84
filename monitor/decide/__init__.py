"""The decision engine: a check's facts against what is stored → events and follow-up checks.

Called inside the check's transaction, so facts, events and outbox rows land together. One
module per kind of decision: `health` (failing, changed shape), `editions` (new DTN),
`levels` (threat-level changes). The rules are in their docstrings and in the README.
"""

from __future__ import annotations

import json

from monitor.config import SourceConfig
from monitor.decide import editions, health, levels
from monitor.decide.context import EDITION, LEVEL, Context, Decisions, Followup
from monitor.facts import SourceResult

__all__ = ["EDITION", "LEVEL", "Context", "Decisions", "Differ", "Followup"]


class Differ:
    """Decides what one check means. `accepted` on the result says whether its facts were taken."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def failure(self, source: SourceConfig, error: str) -> Decisions:
        decisions = Decisions()
        health.failure(self.ctx, source.id, error, decisions)
        return decisions

    def success(self, source: SourceConfig, result: SourceResult) -> Decisions:
        ctx, store = self.ctx, self.ctx.store
        row = store.source_row(source.id)
        decisions = Decisions()
        if result.drift and not row["facts_seen_ever"]:
            # never any facts, and none now (a cookie wall, a bot check, an unknown page): not a
            # baseline — the next real page must not look like news — but a failure to read
            health.failure(ctx, source.id, f"no facts found: {result.drift}", decisions)
            return decisions
        decisions.accepted = True
        first = not row["baseline_done"]
        health.answered(ctx, source.id, row, decisions)
        health.shape(ctx, source.id, row, result.drift, decisions)
        found = list(result.levels)
        found += editions.publications(ctx, source.id, result.publications, first, decisions)
        for doc in result.documents:
            store.mark_document(source.id, doc)
        levels.readings(ctx, source.id, found, first, decisions)
        for statement in result.unclear:
            levels.unclear(ctx, source.id, statement, first, decisions)
        now = ctx.stamp()
        fields: dict[str, object] = {
            "last_check": now, "last_success": now, "consecutive_failures": 0, "failing_since": None, "failed_since": None,
            "baseline_done": 1,
            "last_result": "not-modified" if result.not_modified else ("drift" if result.drift else "ok"),
        }
        if result.publications or result.levels or result.unclear:
            fields["facts_seen_ever"] = 1
        if not result.not_modified:
            fields["last_facts"] = json.dumps(result.facts_json(), ensure_ascii=False)
        store.update_source(source.id, **fields)
        store.bump_source(source.id, checks=1)
        return decisions
