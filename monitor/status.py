"""What `dtn-monitor status`, GET /api/status and the status page show: one truth, public facts only.

A contract others build on. Per source a `state`: `never_checked`, `never_succeeded`, `ok`,
`failing` (its last check failed; `alerted` once the streak reached `failure_threshold`),
`lagging` (its last reading is not the accepted level), `changed_shape` (it answers but its facts
can no longer be read) or `disabled`, with `since`, `last_error`, `last_error_at` and
`last_success`. The level carries its `provenance`: `live` (the live sources that confirmed it,
and when last) or `history` (the built-in list, not yet confirmed by any live source).
"""

from __future__ import annotations

import json
from typing import Any

from monitor.config import Config, SourceConfig
from monitor.editions import Edition
from monitor.history import HISTORY_ENDS
from monitor.levels import LEVELS
from monitor.store import Store
from monitor.store.db import Row

NEVER_CHECKED, NEVER_SUCCEEDED, OK, FAILING = "never_checked", "never_succeeded", "ok", "failing"
LAGGING, CHANGED_SHAPE, DISABLED = "lagging", "changed_shape", "disabled"
STATES = (NEVER_CHECKED, NEVER_SUCCEEDED, OK, FAILING, LAGGING, CHANGED_SHAPE, DISABLED)
TROUBLE = frozenset({NEVER_SUCCEEDED, FAILING, CHANGED_SHAPE})  # `status` exits 1 when an enabled source is in one


def level_info(store: Store) -> dict[str, Any] | None:
    row = store.current_level()
    if row is None:
        return None
    # 'since' is when the level became what it is: walk back over rows with the same level
    since = row["since"]
    for r in reversed(store.level_history()):
        if r["level"] != row["level"]:
            break
        since = r["since"]
    lv = LEVELS[row["level"]]
    confirmed_by = [s for s in json.loads(row["sources"] or "[]") if s != "history"]
    live = bool(confirmed_by and row["confirmed_at"])
    return {
        "level": lv.number, "name": lv.name, "meaning": lv.meaning, "name_en": lv.name_en,
        "meaning_en": lv.meaning_en, "since": since, "sources": confirmed_by,
        "provenance": "live" if live else "history",
        "confirmed_by": confirmed_by if live else [],
        "confirmed_at": row["confirmed_at"] if live else None,
        "history_until": None if live else HISTORY_ENDS,
        "evidence": row["evidence"],
    }


def edition_info(store: Store) -> dict[str, Any] | None:
    row = store.newest_edition()
    if row is None:
        return None
    edition = Edition(number=row["number"], year_month=row["year_month"])
    links = store.edition_links(row["key"])
    return {
        "key": row["key"], "label": edition.label if (row["number"] or row["year_month"]) else row["key"],
        "number": row["number"], "title": row["title"], "published": row["published"] or row["year_month"],
        "first_seen": row["first_seen"],
        "provenance": "history" if int(row["baseline"]) == 2 and not any(ln["source_id"] != "history" for ln in links)
        else "live",
        "links": [{"source": ln["source_id"], "url": ln["url"], "title": ln["title"], "role": ln["role"]}
                  for ln in links if ln["source_id"] != "history"],
    }


def source_state(row: Row | None, cfg: SourceConfig | None, current_level: int | None) -> tuple[str, str | None]:
    """(state, since) of one source: the one rule for what the page, the API and the CLI call it."""
    if cfg is not None and not cfg.enabled:
        return DISABLED, None
    if row is None or not row["last_check"]:
        return NEVER_CHECKED, None
    if not row["last_success"]:
        return NEVER_SUCCEEDED, row["failed_since"] or row["last_check"]
    if int(row["consecutive_failures"]) > 0:
        return FAILING, row["failed_since"] or row["failing_since"] or row["last_error_at"]
    if row["degraded_since"]:
        return CHANGED_SHAPE, row["degraded_since"]
    if row["observed_level"] is not None and current_level is not None and int(row["observed_level"]) != current_level:
        return LAGGING, row["observed_since"] or row["observed_at"]
    return OK, row["last_success"]


def sources_info(store: Store, config: Config | None) -> list[dict[str, Any]]:
    rows = {r["id"]: r for r in store.sources()}
    configured = {s.id: s for s in config.sources} if config else {}
    current = store.current_level()
    level = int(current["level"]) if current else None
    out = []
    for sid in [*configured, *(i for i in rows if i not in configured)]:
        r, cfg = rows.get(sid), configured.get(sid)
        state, since = source_state(r, cfg, level)
        out.append({
            "id": sid,
            "kind": cfg.kind if cfg else None,
            "url": cfg.url if cfg else None,
            "enabled": cfg.enabled if cfg else False,
            "authoritative": cfg.authoritative if cfg else False,
            "interval_seconds": cfg.interval if cfg else None,
            "state": state,
            "since": since,
            "alerted": bool(r and (r["failing_since"] or r["degraded_since"])),
            "last_check": r["last_check"] if r else None,
            "checked_by": r["checked_by"] if r else None,  # the replica that did the last check
            "last_success": r["last_success"] if r else None,
            "last_result": r["last_result"] if r else "never checked",
            "last_error": r["last_error"] if r else None,
            "last_error_at": r["last_error_at"] if r else None,
            "consecutive_failures": r["consecutive_failures"] if r else 0,
            "failing": state == FAILING,
            "degraded": state == CHANGED_SHAPE,
            "observed_level": r["observed_level"] if r else None,
            "checks": r["checks"] if r else 0,
            "failures": r["failures"] if r else 0,
            "not_modified": r["not_modified"] if r else 0,
            "bytes": r["bytes"] if r else 0,
        })
    return out


def status(store: Store, config: Config | None, *, events: int = 10) -> dict[str, Any]:
    counts = store.delivery_counts()
    return {
        "level": level_info(store),
        "newest_edition": edition_info(store),
        "sources": sources_info(store, config),
        "recent_events": [
            {"id": e.id, "key": e.key, "kind": e.kind, "created_at": e.created_at, "payload": _public(e.payload)}
            for e in store.recent_events(events)
        ],
        "outbox": {s: counts.get(s, 0) for s in ("pending", "failed", "sent", "dead")},
        "outbox_oldest_pending_seconds": round(store.oldest_pending_age()),
    }


def _public(payload: dict[str, Any]) -> dict[str, Any]:
    """Event payloads are public facts; only an error text is shortened."""
    out = dict(payload)
    if "error" in out:
        out["error"] = str(out["error"])[:200]
    return out


__all__ = ["STATES", "TROUBLE", "edition_info", "level_info", "source_state", "sources_info", "status"]
