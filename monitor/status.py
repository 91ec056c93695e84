"""What `dtn-monitor status`, GET /api/status and the status page show. Public facts only."""

from __future__ import annotations

import json
from typing import Any

from monitor.config import Config
from monitor.levels import LEVELS
from monitor.store import Store


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
    return {
        "level": lv.number, "name": lv.name, "meaning": lv.meaning, "name_en": lv.name_en,
        "meaning_en": lv.meaning_en, "since": since, "sources": json.loads(row["sources"]),
        "evidence": row["evidence"],
    }


def edition_info(store: Store) -> dict[str, Any] | None:
    row = store.newest_edition()
    if row is None:
        return None
    from monitor.facts import Edition

    edition = Edition(number=row["number"], year_month=row["year_month"])
    return {
        "key": row["key"], "label": edition.label if (row["number"] or row["year_month"]) else row["key"],
        "number": row["number"], "title": row["title"], "published": row["published"] or row["year_month"],
        "first_seen": row["first_seen"],
        "links": [{"source": ln["source_id"], "url": ln["url"], "title": ln["title"]} for ln in store.edition_links(row["key"])],
    }


def sources_info(store: Store, config: Config | None) -> list[dict[str, Any]]:
    rows = {r["id"]: r for r in store.sources()}
    configured = list(config.sources) if config else []
    out = []
    ids = [s.id for s in configured] + [i for i in rows if i not in {s.id for s in configured}]
    for sid in ids:
        r = rows.get(sid)
        cfg = next((s for s in configured if s.id == sid), None)
        out.append({
            "id": sid,
            "kind": cfg.kind if cfg else None,
            "url": cfg.url if cfg else None,
            "enabled": cfg.enabled if cfg else False,
            "authoritative": cfg.authoritative if cfg else False,
            "interval_seconds": cfg.interval if cfg else None,
            "last_check": r["last_check"] if r else None,
            "last_success": r["last_success"] if r else None,
            "last_result": r["last_result"] if r else "never checked",
            "last_error": r["last_error"] if r else None,
            "consecutive_failures": r["consecutive_failures"] if r else 0,
            "failing": bool(r and r["failing_since"]),
            "degraded": bool(r and r["degraded_since"]),
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
