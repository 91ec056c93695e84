"""Per-source state: health, what the source last showed, and its HTTP validators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from monitor.store.db import Database, Row, StateError

_SOURCE_COLUMNS = {
    "last_check", "last_success", "last_result", "last_error", "last_error_at", "consecutive_failures",
    "failing_since", "shape_misses", "degraded_since", "degraded_reason", "baseline_done", "facts_seen_ever",
    "last_facts", "observed_level", "observed_streak", "observed_since", "observed_at", "observed_stale", "lag_reported_for",
    "checks", "failures", "not_modified", "bytes", "last_duration_ms", "checked_by", "failed_since", "observed_from", "recheck_at",
}


_CHUNK = 500  # ids per statement: far below either engine's limit on parameters
SOURCE_LOCKS = 0x44544E  # the advisory-lock namespace of per-source locks ('DTN')


def _key(source_id: str) -> int:
    """A stable 31-bit key for a source id (the second half of a two-part advisory lock)."""
    import zlib

    return zlib.crc32(source_id.encode()) & 0x7FFFFFFF


class SourceRows:
    db: Database
    _asked: dict[str, float]  # see _asked_here
    _asked_as_of: tuple[Any, int] | None = None

    def _stamp(self) -> str:
        raise NotImplementedError

    def source_row(self, source_id: str) -> Row:
        row = self.db.one("SELECT * FROM sources WHERE id = ?", (source_id,))
        if row is None:  # a read first: the usual case writes nothing
            self.db.execute("INSERT INTO sources(id) VALUES (?) ON CONFLICT (id) DO NOTHING", (source_id,))
            row = self.db.one("SELECT * FROM sources WHERE id = ?", (source_id,))
        assert row is not None
        return row

    def update_source(self, source_id: str, **fields: Any) -> None:
        unknown = set(fields) - _SOURCE_COLUMNS
        if unknown:
            raise ValueError(f"unknown source column(s) {sorted(unknown)}")
        self.db.execute("INSERT INTO sources(id) VALUES (?) ON CONFLICT (id) DO NOTHING", (source_id,))
        if "recheck_at" in fields:
            self._asked.pop(source_id, None)
        cols = ", ".join(f"{k} = ?" for k in fields)
        self.db.execute(f"UPDATE sources SET {cols} WHERE id = ?", (*fields.values(), source_id))

    def bump_source(self, source_id: str, **increments: int) -> None:
        unknown = set(increments) - _SOURCE_COLUMNS
        if unknown:
            raise ValueError(f"unknown source column(s) {sorted(unknown)}")
        if "recheck_at" in increments:
            self._asked.pop(source_id, None)
        cols = ", ".join(f"{k} = {k} + ?" for k in increments)
        self.db.execute(f"UPDATE sources SET {cols} WHERE id = ?", (*increments.values(), source_id))

    def sources(self) -> list[Row]:
        return self.db.all("SELECT * FROM sources ORDER BY id")

    def try_source_lock(self, source_id: str) -> bool:
        """Claim this source for one check among all replicas (PostgreSQL: a session advisory lock, released
        with the connection if the replica dies); always granted on SQLite (one host)."""
        if self.db.dialect != "postgres":
            return True
        return bool(self.db.scalar("SELECT pg_try_advisory_lock(?, ?) AS ok", (SOURCE_LOCKS, _key(source_id))))

    def release_source_lock(self, source_id: str) -> None:
        if self.db.dialect != "postgres":
            return
        try:
            self.db.execute("SELECT pg_advisory_unlock(?, ?)", (SOURCE_LOCKS, _key(source_id)))
        except StateError:
            pass  # a lost connection took the lock with it

    def request_rechecks(self, source_ids: Sequence[str], at: float) -> None:
        """Ask for a check of each of `source_ids` at `at` (epoch seconds); an earlier request stands.

        A few statements for any number of sources: a change seen by one of 2,000 pages asks all the others.
        A source this connection already asked for at `at` or earlier is left out (see `_asked_here`)."""
        ids = list(dict.fromkeys(source_ids))
        asked = self._asked_here()
        if asked is not None:
            ids = [i for i in ids if i not in asked or asked[i] > at]
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i:i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            self.db.execute(f"INSERT INTO sources(id) VALUES {','.join(['(?)'] * len(chunk))} "
                            "ON CONFLICT (id) DO NOTHING", chunk)
            self.db.execute(f"UPDATE sources SET recheck_at = ? WHERE id IN ({marks}) "
                            "AND (recheck_at IS NULL OR recheck_at > ?)", [at, *chunk, at])
        if asked is not None:
            asked.update(dict.fromkeys(ids, at))  # each now has a request at `at` or earlier

    def _asked_here(self) -> dict[str, float] | None:
        """Source → a time its pending request is due by, for requests this connection wrote, while that is
        all that was written: inside a SQLite write transaction (BEGIN IMMEDIATE holds the lock), with no
        other connection's commit since (SQLite's data_version tells) and no transaction of ours undone.
        Otherwise None, and every request is written. In a cold cycle of 2,000 pages, hundreds of new runs
        each ask the same 1,999 others: without this, each ask rewrote 1,999 rows to no effect.
        It holds only while every write of `recheck_at` on this connection goes through this class's methods
        (request_rechecks, recheck_done, update_source, bump_source): each of them keeps it true."""
        if self.db.dialect != "sqlite" or not self.db.in_transaction:
            return None
        as_of = (self.db.scalar("PRAGMA data_version"), self.db.rollbacks)
        if as_of != self._asked_as_of:
            self._asked.clear()
            self._asked_as_of = as_of
        return self._asked

    def rechecks_due(self, until: float) -> list[tuple[str, float]]:
        """The checks asked for by `until` (epoch seconds), earliest first."""
        rows = self.db.all("SELECT id, recheck_at FROM sources WHERE recheck_at IS NOT NULL AND recheck_at <= ? "
                           "ORDER BY recheck_at", (until,))
        return [(str(r["id"]), float(r["recheck_at"])) for r in rows]

    def recheck_done(self, source_id: str, started: float) -> None:
        """A check that began at `started` fulfils every request for that moment or before."""
        self.db.execute("UPDATE sources SET recheck_at = NULL WHERE id = ? AND recheck_at <= ?", (source_id, started))
        self._asked.pop(source_id, None)  # fulfilled, or not: either way no longer known

    def sources_showing(self, level: int) -> list[Row]:
        """The sources whose current run shows `level` and is not stale (the candidates to agree on a change)."""
        return self.db.all(
            "SELECT id, observed_since, observed_at, observed_from FROM sources "
            "WHERE observed_level = ? AND observed_stale = 0 ORDER BY id", (level,))

    def witness_showing(self, level: int, before: int, other_than: str) -> bool:
        """Whether any source but `other_than` shows `level` in a run that is not stale and began on `before`:
        without one, no other source can have seen a change from `before` to `level` happen."""
        return self.db.one(
            "SELECT 1 AS x FROM sources WHERE observed_level = ? AND observed_stale = 0 AND observed_from = ? "
            "AND id <> ? LIMIT 1", (level, before, other_than)) is not None

    def record_unchanged(self, source_id: str, *, not_modified: int, nbytes: int, duration_ms: int, reading: bool,
                         checked_by: str | None = None) -> None:
        """A steady 304 (nothing failing, nothing new) in one statement: the check, the success, the streak."""
        now = self._stamp()
        self.db.execute(
            "UPDATE sources SET last_check = ?, last_success = ?, last_result = 'not-modified', last_error = NULL, "
            "consecutive_failures = 0, checks = checks + 1, not_modified = not_modified + ?, bytes = bytes + ?, "
            "last_duration_ms = ?, observed_streak = observed_streak + ?, observed_at = COALESCE(?, observed_at), "
            "checked_by = COALESCE(?, checked_by) WHERE id = ?",
            (now, now, not_modified, nbytes, duration_ms, 1 if reading else 0, now if reading else None, checked_by,
             source_id),
        )

    # -- HTTP validators: they belong to the (source, URL) pair --------------------------

    def validators(self, source_id: str, url: str) -> tuple[str | None, str | None]:
        row = self.db.one("SELECT etag, last_modified FROM http_cache WHERE source_id = ? AND url = ?", (source_id, url))
        return (row["etag"], row["last_modified"]) if row else (None, None)

    def save_validators(self, source_id: str, url: str, etag: str | None, last_modified: str | None) -> None:
        if not etag and not last_modified:
            self.db.execute("DELETE FROM http_cache WHERE source_id = ? AND url = ?", (source_id, url))
            return
        self.db.execute(
            "INSERT INTO http_cache(source_id, url, etag, last_modified, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (source_id, url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
            "updated_at = excluded.updated_at",
            (source_id, url, etag, last_modified, self._stamp()),
        )

