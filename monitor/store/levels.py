"""The national threat level over time: one row per accepted level, newest last.

`origin` says where a row comes from: `history` (the built-in list, never observed live),
`baseline` (a first live reading, not alerted) or `alert` (an accepted change that was alerted).
`sources` and `confirmed_at` say which live sources confirmed the row and when last.
"""

from __future__ import annotations

import json

from monitor.store.db import Database, Row

HISTORY, BASELINE, ALERT = "history", "baseline", "alert"


class LevelRows:
    db: Database

    def _stamp(self) -> str:
        raise NotImplementedError

    def current_level(self) -> Row | None:
        return self.db.one("SELECT * FROM levels ORDER BY id DESC LIMIT 1")

    def level_history(self) -> list[Row]:
        return self.db.all("SELECT * FROM levels ORDER BY since, id")

    def insert_level(
        self, level: int, *, since: str, origin: str, change_from: int | None = None, sources: list[str] | None = None,
        evidence: str | None = None, edition_key: str | None = None, event_id: int | None = None,
        recorded_at: str | None = None,
    ) -> int:
        now = recorded_at or self._stamp()
        confirmed = now if origin != HISTORY else None
        new_id = self.db.insert(
            "INSERT INTO levels(level, change_from, since, recorded_at, edition_key, sources, evidence, origin, "
            "confirmed_at, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (level, change_from, since, now, edition_key, json.dumps(sources or []), evidence, origin, confirmed, event_id),
        )
        assert new_id is not None
        return new_id

    def confirm_level(self, level_id: int, source_id: str) -> None:
        """A live source shows the current level: remember who and when."""
        row = self.db.one("SELECT sources FROM levels WHERE id = ?", (level_id,))
        if row is None:
            return
        sources = json.loads(row["sources"] or "[]")
        if source_id not in sources:
            sources.append(source_id)
        self.db.execute(
            "UPDATE levels SET sources = ?, confirmed_at = ? WHERE id = ?", (json.dumps(sources), self._stamp(), level_id)
        )

    def has_history_levels(self) -> bool:
        return self.db.one("SELECT 1 AS x FROM levels WHERE origin = ? LIMIT 1", (HISTORY,)) is not None

    def history_level_keys(self) -> set[tuple[str, int]]:
        return {(r["since"], int(r["level"])) for r in self.db.all("SELECT since, level FROM levels")}
