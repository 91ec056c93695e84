"""Events and their outbox: one delivery row per (event, channel), leased by one sender at a time.

A sender claims the due rows of one channel just before it sends them, under a lease that
outlasts the send's own time limit and names the sender (`lease_owner`); it marks them only
while it still owns them. So a second process cannot send a row that is being sent, and a
sender that stalled past its lease cannot overwrite another's result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from monitor.clock import parse
from monitor.store.db import Database, Row


@dataclass(frozen=True)
class EventRow:
    id: int
    key: str
    kind: str
    created_at: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    event_id: int
    channel: str
    status: str
    attempts: int
    next_attempt_at: float
    last_error: str | None
    created_at: str
    sent_at: str | None
    budget_from: float  # when the retry budget (max_age) started: creation, or the last `outbox --retry`


def _event(row: Row) -> EventRow:
    return EventRow(int(row["id"]), row["key"], row["kind"], row["created_at"], json.loads(row["payload"]))


def _delivery(row: Row) -> DeliveryRow:
    budget = row.get("budget_from")
    return DeliveryRow(
        int(row["id"]), int(row["event_id"]), row["channel"], row["status"], int(row["attempts"]),
        float(row["next_attempt_at"]), row["last_error"], row["created_at"], row["sent_at"],
        float(budget) if budget is not None else parse(row["created_at"]).timestamp(),
    )


class EventRows:
    db: Database

    def _stamp(self) -> str:
        raise NotImplementedError

    def _time(self) -> float:
        raise NotImplementedError

    def insert_event(self, key: str, kind: str, payload: dict[str, Any], channels: list[str]) -> EventRow | None:
        """Add an event and one pending delivery per channel; None when the key already exists."""
        now = self._stamp()
        event_id = self.db.insert(
            "INSERT INTO events(key, kind, created_at, payload) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
            (key, kind, now, json.dumps(payload, ensure_ascii=False, sort_keys=True)),
        )
        if event_id is None:
            return None
        t = self._time()
        for channel in channels:
            self.db.execute(
                "INSERT INTO deliveries(event_id, channel, status, next_attempt_at, created_at, budget_from) "
                "VALUES (?, ?, 'pending', ?, ?, ?) ON CONFLICT (event_id, channel) DO NOTHING",
                (event_id, channel, t, now, t),
            )
        return EventRow(event_id, key, kind, now, payload)

    def update_event_payload(self, event_id: int, payload: dict[str, Any]) -> None:
        self.db.execute(
            "UPDATE events SET payload = ? WHERE id = ?", (json.dumps(payload, ensure_ascii=False, sort_keys=True), event_id)
        )

    def event(self, event_id: int) -> EventRow | None:
        row = self.db.one("SELECT * FROM events WHERE id = ?", (event_id,))
        return _event(row) if row else None

    def event_by_key(self, key: str) -> EventRow | None:
        row = self.db.one("SELECT * FROM events WHERE key = ?", (key,))
        return _event(row) if row else None

    def recent_events(self, limit: int = 20, kinds: tuple[str, ...] | None = None) -> list[EventRow]:
        if kinds:
            marks = ",".join("?" for _ in kinds)
            rows = self.db.all(f"SELECT * FROM events WHERE kind IN ({marks}) ORDER BY id DESC LIMIT ?", (*kinds, limit))
        else:
            rows = self.db.all("SELECT * FROM events ORDER BY id DESC LIMIT ?", (limit,))
        return [_event(r) for r in rows]

    # -- the outbox -----------------------------------------------------------------------

    def due_channels(self, now: float) -> list[str]:
        rows = self.db.all(
            "SELECT DISTINCT channel FROM deliveries WHERE status IN ('pending', 'failed') AND next_attempt_at <= ? "
            "AND (lease_until IS NULL OR lease_until < ?) ORDER BY channel",
            (now, now),
        )
        return [str(r["channel"]) for r in rows]

    def claim(self, channel: str, now: float, lease_seconds: float, owner: str, limit: int = 100) -> list[DeliveryRow]:
        """Lease this channel's due rows to `owner`; rows leased by someone else are left alone."""
        skip_locked = " FOR UPDATE SKIP LOCKED" if self.db.dialect == "postgres" else ""
        with self.db.transaction():
            rows = self.db.all(
                "SELECT * FROM deliveries WHERE channel = ? AND status IN ('pending', 'failed') AND next_attempt_at <= ? "
                f"AND (lease_until IS NULL OR lease_until < ?) ORDER BY id LIMIT ?{skip_locked}",
                (channel, now, now, limit),
            )
            for r in rows:
                self.db.execute(
                    "UPDATE deliveries SET lease_until = ?, lease_owner = ? WHERE id = ?", (now + lease_seconds, owner, r["id"])
                )
        return [_delivery(r) for r in rows]

    def due_rows(self, channel: str, now: float, limit: int = 500) -> list[DeliveryRow]:
        rows = self.db.all(
            "SELECT * FROM deliveries WHERE channel = ? AND status IN ('pending', 'failed') AND next_attempt_at <= ? "
            "AND (lease_until IS NULL OR lease_until < ?) ORDER BY id LIMIT ?",
            (channel, now, now, limit),
        )
        return [_delivery(r) for r in rows]

    def claim_ids(self, ids: list[int], now: float, lease_seconds: float, owner: str) -> list[int]:
        """Lease these rows to `owner` if they are still due and free; returns the ids leased."""
        if not ids:
            return []
        marks = ",".join("?" for _ in ids)
        skip_locked = " FOR UPDATE SKIP LOCKED" if self.db.dialect == "postgres" else ""
        with self.db.transaction():
            free = self.db.all(
                f"SELECT id FROM deliveries WHERE id IN ({marks}) AND status IN ('pending', 'failed') "
                f"AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?){skip_locked}",
                (*ids, now, now),
            )
            taken = [int(r["id"]) for r in free]
            for d in taken:
                self.db.execute(
                    "UPDATE deliveries SET lease_until = ?, lease_owner = ? WHERE id = ?", (now + lease_seconds, owner, d)
                )
        return taken

    def still_own(self, ids: list[int], owner: str, now: float) -> list[int]:
        """Of these rows, the ones whose lease `owner` still holds (checked again right before a send)."""
        if not ids:
            return []
        marks = ",".join("?" for _ in ids)
        rows = self.db.all(
            f"SELECT id FROM deliveries WHERE id IN ({marks}) AND lease_owner = ? AND lease_until > ? "
            "AND status IN ('pending', 'failed')",
            (*ids, owner, now),
        )
        return [int(r["id"]) for r in rows]

    def mark_sent(self, delivery_id: int, owner: str) -> bool:
        with self.db.transaction():
            row = self.db.one(
                "UPDATE deliveries SET status = 'sent', sent_at = ?, attempts = attempts + 1, lease_until = NULL, "
                "lease_owner = NULL, last_error = NULL WHERE id = ? AND lease_owner = ? RETURNING id",
                (self._stamp(), delivery_id, owner),
            )
        return row is not None

    def mark_failed(self, delivery_id: int, owner: str, error: str, next_attempt_at: float, dead: bool) -> bool:
        with self.db.transaction():
            row = self.db.one(
                "UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, lease_until = NULL, "
                "lease_owner = NULL, last_error = ? WHERE id = ? AND lease_owner = ? RETURNING id",
                ("dead" if dead else "failed", next_attempt_at, error[:500], delivery_id, owner),
            )
        return row is not None

    def lease_owners(self, now: float) -> list[str]:
        rows = self.db.all("SELECT DISTINCT lease_owner FROM deliveries WHERE lease_until > ? AND lease_owner IS NOT NULL",
                           (now,))
        return [str(r["lease_owner"]) for r in rows]

    def release_owner(self, owner: str) -> int:
        """Free every lease `owner` holds (a sender that is known to be gone)."""
        with self.db.transaction():
            rows = self.db.all(
                "UPDATE deliveries SET lease_until = NULL, lease_owner = NULL WHERE lease_owner = ? RETURNING id", (owner,)
            )
        return len(rows)

    def release(self, delivery_ids: list[int], owner: str) -> None:
        with self.db.transaction():
            for d in delivery_ids:
                self.db.execute(
                    "UPDATE deliveries SET lease_until = NULL, lease_owner = NULL WHERE id = ? AND lease_owner = ?", (d, owner)
                )

    def deliveries(self, statuses: tuple[str, ...] | None = None, limit: int = 200) -> list[DeliveryRow]:
        if statuses:
            marks = ",".join("?" for _ in statuses)
            rows = self.db.all(
                f"SELECT * FROM deliveries WHERE status IN ({marks}) ORDER BY id DESC LIMIT ?", (*statuses, limit)
            )
        else:
            rows = self.db.all("SELECT * FROM deliveries ORDER BY id DESC LIMIT ?", (limit,))
        return [_delivery(r) for r in rows]

    def delivery(self, delivery_id: int) -> DeliveryRow | None:
        row = self.db.one("SELECT * FROM deliveries WHERE id = ?", (delivery_id,))
        return _delivery(row) if row else None

    def delivery_counts(self) -> dict[str, int]:
        rows = self.db.all("SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status")
        return {str(r["status"]): int(r["n"]) for r in rows}

    def oldest_pending_age(self, now: float | None = None) -> float:
        value = self.db.scalar("SELECT MIN(created_at) AS c FROM deliveries WHERE status IN ('pending', 'failed')")
        if not value:
            return 0.0
        return max(0.0, (now if now is not None else self._time()) - parse(value).timestamp())

    def retry_dead(self, delivery_id: int | None = None) -> int:
        """Dead deliveries back in the queue with their whole retry budget (attempts and max_age) renewed."""
        now = self._time()
        with self.db.transaction():
            if delivery_id is None:
                rows = self.db.all(
                    "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, attempts = 0, budget_from = ?, "
                    "lease_until = NULL, lease_owner = NULL WHERE status = 'dead' RETURNING id",
                    (now, now),
                )
            else:
                rows = self.db.all(
                    "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, attempts = 0, budget_from = ?, "
                    "lease_until = NULL, lease_owner = NULL WHERE id = ? AND status = 'dead' RETURNING id",
                    (now, now, delivery_id),
                )
        return len(rows)
