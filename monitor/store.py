"""SQLite state: sources, HTTP validators, editions, levels, events and the outbox.

One file under state/ (WAL mode, versioned schema). Writes that belong together — the facts
of a check, the events they cause and those events' delivery rows — go in one
`BEGIN IMMEDIATE` transaction, so a crash leaves either all or none of them, and two
processes on the same file (the daemon and a manual `dtn-monitor check`) cannot both
alert the same change.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

MIGRATIONS: list[str] = [
    # 1: initial schema
    """
    CREATE TABLE sources (
        id TEXT PRIMARY KEY,
        last_check TEXT, last_success TEXT, last_result TEXT, last_error TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        failing_since TEXT,
        degraded_since TEXT,
        baseline_done INTEGER NOT NULL DEFAULT 0,
        facts_seen_ever INTEGER NOT NULL DEFAULT 0,
        last_facts TEXT,
        observed_level INTEGER, observed_streak INTEGER NOT NULL DEFAULT 0, observed_at TEXT,
        checks INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0,
        not_modified INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,
        last_duration_ms INTEGER
    );
    CREATE TABLE http_cache (
        url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, updated_at TEXT NOT NULL
    );
    CREATE TABLE editions (
        key TEXT PRIMARY KEY, number INTEGER, year_month TEXT, title TEXT, published TEXT,
        first_seen TEXT NOT NULL, baseline INTEGER NOT NULL DEFAULT 0, event_id INTEGER,
        level INTEGER
    );
    CREATE TABLE edition_links (
        edition_key TEXT NOT NULL, source_id TEXT NOT NULL, url TEXT NOT NULL, title TEXT,
        doc_id TEXT, first_seen TEXT NOT NULL, PRIMARY KEY (edition_key, url)
    );
    CREATE TABLE seen_documents (
        source_id TEXT NOT NULL, doc_id TEXT NOT NULL, first_seen TEXT NOT NULL,
        PRIMARY KEY (source_id, doc_id)
    );
    CREATE TABLE levels (
        id INTEGER PRIMARY KEY AUTOINCREMENT, level INTEGER NOT NULL, change_from INTEGER,
        since TEXT NOT NULL, recorded_at TEXT NOT NULL, edition_key TEXT, sources TEXT NOT NULL DEFAULT '[]',
        evidence TEXT, baseline INTEGER NOT NULL DEFAULT 0, event_id INTEGER
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
        created_at TEXT NOT NULL, payload TEXT NOT NULL
    );
    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT, event_id INTEGER NOT NULL REFERENCES events(id),
        channel TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL,
        lease_until REAL, last_error TEXT, created_at TEXT NOT NULL, sent_at TEXT,
        UNIQUE (event_id, channel)
    );
    CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    """,
]


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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


class StateError(Exception):
    """The state file cannot be opened, migrated or written."""


class Store:
    def __init__(self, path: str | Path, *, timeout: float = 30.0):
        self.path = Path(path)
        try:
            if str(self.path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"cannot open state database {self.path}: {exc}") from exc
        self.conn.row_factory = sqlite3.Row
        try:
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            self._migrate()
        except sqlite3.Error as exc:
            raise StateError(f"cannot prepare state database {self.path}: {exc}") from exc

    # -- plumbing -------------------------------------------------------------------------

    def _migrate(self) -> None:
        with self.transaction():
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise StateError(
                    f"{self.path} has schema version {version}, newer than this dtn-monitor knows ({len(MIGRATIONS)}); upgrade"
                )
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version={number}")

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception. Not re-entrant."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            # SQLite rolls back by itself on some errors (SQLITE_FULL): keep the original error
            if self.conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error:
            if self.conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.conn.close()

    def integrity_ok(self) -> bool:
        return bool(self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    def writable(self) -> bool:
        """A real write probe, for /readyz: disk full or read-only state shows here."""
        try:
            with self.transaction() as c:
                c.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('write_probe', ?)", (utcnow(),))
            return True
        except sqlite3.Error:
            return False

    # -- sources --------------------------------------------------------------------------

    def source_row(self, source_id: str) -> sqlite3.Row:
        self.conn.execute("INSERT OR IGNORE INTO sources(id) VALUES (?)", (source_id,))
        row: sqlite3.Row | None = self.conn.execute("SELECT * FROM sources WHERE id = ?", (source_id,)).fetchone()
        assert row is not None
        return row

    def update_source(self, source_id: str, **fields: Any) -> None:
        self.conn.execute("INSERT OR IGNORE INTO sources(id) VALUES (?)", (source_id,))
        cols = ", ".join(f"{k} = ?" for k in fields)
        self.conn.execute(f"UPDATE sources SET {cols} WHERE id = ?", (*fields.values(), source_id))

    def bump_source(self, source_id: str, **increments: int) -> None:
        self.conn.execute("INSERT OR IGNORE INTO sources(id) VALUES (?)", (source_id,))
        cols = ", ".join(f"{k} = {k} + ?" for k in increments)
        self.conn.execute(f"UPDATE sources SET {cols} WHERE id = ?", (*increments.values(), source_id))

    def sources(self) -> list[sqlite3.Row]:
        return list(self.conn.execute("SELECT * FROM sources ORDER BY id"))

    # -- HTTP validators ------------------------------------------------------------------

    def validators(self, url: str) -> tuple[str | None, str | None]:
        row = self.conn.execute("SELECT etag, last_modified FROM http_cache WHERE url = ?", (url,)).fetchone()
        return (row["etag"], row["last_modified"]) if row else (None, None)

    def save_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        if not etag and not last_modified:
            self.conn.execute("DELETE FROM http_cache WHERE url = ?", (url,))
            return
        self.conn.execute(
            "INSERT INTO http_cache(url, etag, last_modified, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
            "updated_at = excluded.updated_at",
            (url, etag, last_modified, utcnow()),
        )

    # -- editions -------------------------------------------------------------------------

    def edition(self, key: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute("SELECT * FROM editions WHERE key = ?", (key,)).fetchone()
        return row

    def editions(self) -> list[sqlite3.Row]:
        return list(
            self.conn.execute(
                "SELECT * FROM editions ORDER BY COALESCE(published, year_month, first_seen), number"
            )
        )

    def newest_edition(self) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT * FROM editions ORDER BY COALESCE(published, year_month || '-31', first_seen) DESC, "
            "COALESCE(number, 0) DESC LIMIT 1"
        ).fetchone()
        return row

    def edition_links(self, key: str) -> list[sqlite3.Row]:
        return list(
            self.conn.execute("SELECT * FROM edition_links WHERE edition_key = ? ORDER BY first_seen, url", (key,))
        )

    def document_seen(self, source_id: str, doc_id: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM seen_documents WHERE source_id = ? AND doc_id = ?", (source_id, doc_id)
        ).fetchone()
        return row is not None

    def mark_document(self, source_id: str, doc_id: str) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO seen_documents(source_id, doc_id, first_seen) VALUES (?, ?, ?)",
            (source_id, doc_id, utcnow()),
        )

    # -- levels ---------------------------------------------------------------------------

    def current_level(self) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT * FROM levels ORDER BY since DESC, id DESC LIMIT 1"
        ).fetchone()
        return row

    def level_history(self) -> list[sqlite3.Row]:
        return list(self.conn.execute("SELECT * FROM levels ORDER BY since, id"))

    # -- events and outbox ----------------------------------------------------------------

    def event_by_key(self, key: str) -> EventRow | None:
        row = self.conn.execute("SELECT * FROM events WHERE key = ?", (key,)).fetchone()
        return _event(row) if row else None

    def insert_event(self, key: str, kind: str, payload: dict[str, Any], channels: list[str]) -> EventRow | None:
        """Add an event and one pending delivery per channel; None when the key already exists."""
        now = utcnow()
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO events(key, kind, created_at, payload) VALUES (?, ?, ?, ?)",
            (key, kind, now, json.dumps(payload, ensure_ascii=False, sort_keys=True)),
        )
        if cur.rowcount == 0:
            return None
        event_id = int(cur.lastrowid or 0)
        for channel in channels:
            self.conn.execute(
                "INSERT OR IGNORE INTO deliveries(event_id, channel, status, next_attempt_at, created_at) "
                "VALUES (?, ?, 'pending', ?, ?)",
                (event_id, channel, time.time(), now),
            )
        return EventRow(event_id, key, kind, now, payload)

    def update_event_payload(self, event_id: int, payload: dict[str, Any]) -> None:
        self.conn.execute(
            "UPDATE events SET payload = ? WHERE id = ?",
            (json.dumps(payload, ensure_ascii=False, sort_keys=True), event_id),
        )

    def event(self, event_id: int) -> EventRow | None:
        row = self.conn.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
        return _event(row) if row else None

    def recent_events(self, limit: int = 20, kinds: tuple[str, ...] | None = None) -> list[EventRow]:
        if kinds:
            marks = ",".join("?" for _ in kinds)
            rows = self.conn.execute(
                f"SELECT * FROM events WHERE kind IN ({marks}) ORDER BY id DESC LIMIT ?", (*kinds, limit)
            )
        else:
            rows = self.conn.execute("SELECT * FROM events ORDER BY id DESC LIMIT ?", (limit,))
        return [_event(r) for r in rows]

    def claim_due(self, now: float, lease_seconds: float, limit: int = 200) -> list[DeliveryRow]:
        """Lease due pending deliveries so that no other process sends them meanwhile."""
        with self.transaction() as c:
            rows = list(
                c.execute(
                    "SELECT * FROM deliveries WHERE status IN ('pending', 'failed') AND next_attempt_at <= ? "
                    "AND (lease_until IS NULL OR lease_until < ?) ORDER BY id LIMIT ?",
                    (now, now, limit),
                )
            )
            for r in rows:
                c.execute("UPDATE deliveries SET lease_until = ? WHERE id = ?", (now + lease_seconds, r["id"]))
        return [_delivery(r) for r in rows]

    def mark_sent(self, delivery_id: int) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE deliveries SET status = 'sent', sent_at = ?, attempts = attempts + 1, lease_until = NULL, "
                "last_error = NULL WHERE id = ?",
                (utcnow(), delivery_id),
            )

    def mark_failed(self, delivery_id: int, error: str, next_attempt_at: float, dead: bool) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, lease_until = NULL, "
                "last_error = ? WHERE id = ?",
                ("dead" if dead else "failed", next_attempt_at, error[:500], delivery_id),
            )

    def release(self, delivery_ids: list[int]) -> None:
        with self.transaction() as c:
            for d in delivery_ids:
                c.execute("UPDATE deliveries SET lease_until = NULL WHERE id = ?", (d,))

    def deliveries(self, statuses: tuple[str, ...] | None = None, limit: int = 200) -> list[DeliveryRow]:
        if statuses:
            marks = ",".join("?" for _ in statuses)
            rows = self.conn.execute(
                f"SELECT * FROM deliveries WHERE status IN ({marks}) ORDER BY id DESC LIMIT ?", (*statuses, limit)
            )
        else:
            rows = self.conn.execute("SELECT * FROM deliveries ORDER BY id DESC LIMIT ?", (limit,))
        return [_delivery(r) for r in rows]

    def delivery_counts(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.conn.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status")}

    def oldest_pending_age(self, now: float | None = None) -> float:
        row = self.conn.execute(
            "SELECT MIN(created_at) FROM deliveries WHERE status IN ('pending', 'failed')"
        ).fetchone()
        if not row or not row[0]:
            return 0.0
        created = datetime.fromisoformat(row[0]).timestamp()
        return max(0.0, (now or time.time()) - created)

    def retry_dead(self, delivery_id: int | None = None) -> int:
        with self.transaction() as c:
            if delivery_id is None:
                cur = c.execute(
                    "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, attempts = 0 WHERE status = 'dead'",
                    (time.time(),),
                )
            else:
                cur = c.execute(
                    "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, attempts = 0 "
                    "WHERE id = ? AND status = 'dead'",
                    (time.time(), delivery_id),
                )
            return cur.rowcount

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))


def _event(row: sqlite3.Row) -> EventRow:
    return EventRow(row["id"], row["key"], row["kind"], row["created_at"], json.loads(row["payload"]))


def _delivery(row: sqlite3.Row) -> DeliveryRow:
    return DeliveryRow(
        row["id"], row["event_id"], row["channel"], row["status"], row["attempts"], row["next_attempt_at"],
        row["last_error"], row["created_at"], row["sent_at"],
    )
