"""The state: sources, HTTP validators, editions, levels, events and the outbox.

One `Store` over one database: a SQLite file under state/ (the embedded default) or a
PostgreSQL database shared by several replicas (`DTN_MONITOR_DB=postgresql://…`). Writes that
belong together — a check's facts, the events they cause and those events' delivery rows —
go in one transaction (`store.transaction(lock=True)` for a diff), so a crash leaves all or
none of them, and two processes never alert the same change twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from monitor.clock import SYSTEM, Clock, iso
from monitor.store.db import Database, StateError, StateWriteError, connect
from monitor.store.editions import EditionRows
from monitor.store.events import DeliveryRow, EventRow, EventRows
from monitor.store.levels import ALERT, BASELINE, HISTORY, LevelRows
from monitor.store.schema import VERSION, migrate
from monitor.store.sources import SourceRows

__all__ = [
    "ALERT", "BASELINE", "HISTORY", "DeliveryRow", "EventRow", "StateError", "StateWriteError", "Store",
]


class Store(SourceRows, EditionRows, LevelRows, EventRows):
    def __init__(self, target: str | Path, *, clock: Clock = SYSTEM):
        self.clock = clock
        self._asked = {}
        self.db: Database = connect(target)
        self.label = self.db.label
        try:
            migrate(self.db)
        except StateError:
            self.db.close()
            raise

    def _stamp(self) -> str:
        return iso(self.clock.now())

    def _time(self) -> float:
        return self.clock.time()

    @property
    def dialect(self) -> str:
        return self.db.dialect

    @property
    def schema_version(self) -> int:
        return VERSION

    @contextmanager
    def transaction(self, *, lock: bool = True) -> Iterator[Database]:
        with self.db.transaction(lock=lock) as db:
            yield db

    def close(self) -> None:
        self.db.close()

    def integrity_ok(self) -> bool:
        """SQLite's own page check; on PostgreSQL (which checks its pages itself) the schema is the one we know."""
        if self.db.dialect != "sqlite":
            return bool(self.db.scalar("SELECT MAX(version) AS v FROM dtn_schema") == VERSION)
        return bool(self.db.scalar("PRAGMA integrity_check") == "ok")

    def writable(self) -> bool:
        """A real write probe, for /readyz: a full disk, a read-only file or a lost server shows here."""
        try:
            with self.db.transaction():
                self.set_meta("write_probe", self._stamp())
            return True
        except StateError:
            return False

    def get_meta(self, key: str) -> str | None:
        value = self.db.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return str(value) if value is not None else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value)
        )
