"""Source health: failing and recovered, changed shape and restored, each said once.

Like a good update coordinator, a problem is reported once when it has lasted
`failure_threshold` checks, and its end once. Two kinds:
- *failing*: the check produced no usable answer (network, HTTP, parse error), or a source that
  has never yielded facts still yields none (a cookie wall, a bot check, an unknown page);
- *changed shape*: a source that used to yield facts now answers with a page whose facts can no
  longer be read (a redesign that blinds the reader). A failed check neither counts nor resets
  this streak: only pages that answered say something about their shape.
"""

from __future__ import annotations

from monitor.decide.context import Context, Decisions
from monitor.store.db import Row


def failure(ctx: Context, source_id: str, error: str, decisions: Decisions) -> None:
    """One failed check: count it, and say 'failing' once when the streak reaches the threshold."""
    if ctx.force_baseline:
        return
    row = ctx.store.source_row(source_id)
    now = ctx.stamp()
    failures = int(row["consecutive_failures"]) + 1
    fields: dict[str, object] = {
        "consecutive_failures": failures, "last_error": error[:500], "last_error_at": now, "last_check": now,
        "last_result": "error",
    }
    if failures == 1:
        fields["failed_since"] = now
    if failures >= ctx.settings.failure_threshold and not row["failing_since"]:
        fields["failing_since"] = now
        decisions.add(ctx.emit(
            f"source-failing:{source_id}:{now}", "source_failing",
            {"source": source_id, "error": error[:300], "failures": failures, "url": _url(ctx, source_id)},
        ))
    ctx.store.update_source(source_id, **fields)
    ctx.store.bump_source(source_id, failures=1, checks=1)


def answered(ctx: Context, source_id: str, row: Row, decisions: Decisions) -> None:
    """The source answered: a failing streak ends, said once."""
    if row["failing_since"] and not ctx.force_baseline:
        decisions.add(ctx.emit(
            f"source-recovered:{source_id}:{row['failing_since']}", "source_recovered",
            {"source": source_id, "reason": f"failing since {row['failing_since']}", "since": row["failing_since"],
             "url": _url(ctx, source_id)},
        ))


def shape(ctx: Context, source_id: str, row: Row, drift: str | None, decisions: Decisions) -> None:
    """Count pages whose facts cannot be read; after the threshold one 'changed shape', later one 'restored'."""
    if ctx.force_baseline:
        return
    if drift:
        misses = int(row["shape_misses"]) + 1
        fields: dict[str, object] = {"shape_misses": misses, "last_error": f"changed shape: {drift}"[:500],
                                     "last_error_at": ctx.stamp()}
        if misses >= ctx.settings.failure_threshold and not row["degraded_since"]:
            now = ctx.stamp()
            fields.update(degraded_since=now, degraded_reason=drift[:300])
            decisions.add(ctx.emit(
                f"source-degraded:{source_id}:{now}", "source_degraded",
                {"source": source_id, "reason": drift[:300], "checks": misses, "url": _url(ctx, source_id)},
            ))
        ctx.store.update_source(source_id, **fields)
        return
    if row["degraded_since"]:
        decisions.add(ctx.emit(
            f"source-restored:{source_id}:{row['degraded_since']}", "source_recovered",
            {"source": source_id, "reason": "the page has its expected shape again", "since": row["degraded_since"],
             "url": _url(ctx, source_id)},
        ))
    if row["shape_misses"] or row["degraded_since"]:
        ctx.store.update_source(source_id, shape_misses=0, degraded_since=None, degraded_reason=None)


def _url(ctx: Context, source_id: str) -> str | None:
    cfg = ctx.sources.get(source_id)
    return cfg.url if cfg else None
