"""DTN editions, the links each source found for them, and the documents each source has seen."""

from __future__ import annotations

from monitor.editions import Edition
from monitor.store.db import Database, Row


class EditionRows:
    db: Database

    def _stamp(self) -> str:
        raise NotImplementedError

    def edition(self, key: str) -> Row | None:
        return self.db.one("SELECT * FROM editions WHERE key = ?", (key,))

    def editions(self) -> list[Row]:
        return self.db.all("SELECT * FROM editions ORDER BY COALESCE(published, year_month, first_seen), number")

    def newest_edition(self, *, live_only: bool = False) -> Row | None:
        where = "WHERE baseline < 2 " if live_only else ""
        return self.db.one(
            f"SELECT * FROM editions {where}ORDER BY COALESCE(published, year_month || '-31', first_seen) DESC, "
            "COALESCE(number, 0) DESC LIMIT 1"
        )

    def edition_links(self, key: str) -> list[Row]:
        return self.db.all("SELECT * FROM edition_links WHERE edition_key = ? ORDER BY first_seen, url", (key,))

    def max_edition_number(self) -> int | None:
        value = self.db.scalar("SELECT MAX(number) AS n FROM editions")
        return int(value) if value is not None else None

    def find_edition_key(self, edition: Edition, published: str | None) -> str | None:
        """The stored key of this edition, also when one source numbers it and another names its month."""
        if self.edition(edition.key):
            return edition.key
        ym = edition.year_month or (published[:7] if published else None)
        if edition.number is not None and ym:
            row = self.db.one("SELECT key FROM editions WHERE number IS NULL AND year_month = ?", (ym,))
            return str(row["key"]) if row else None
        if edition.year_month:
            row = self.db.one(
                "SELECT key FROM editions WHERE number IS NOT NULL AND substr(published, 1, 7) = ?", (edition.year_month,)
            )
            return str(row["key"]) if row else None
        return None

    def insert_edition(
        self, edition: Edition, *, title: str, published: str | None, baseline: int, level: int | None,
        year_month: str | None = None,
    ) -> None:
        """baseline: 0 alerted as new, 1 recorded without alert, 2 from the built-in history."""
        month = edition.year_month or year_month or (published or "")[:7] or None
        self.db.execute(
            "INSERT INTO editions(key, number, year_month, title, published, first_seen, baseline, level) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
            (edition.key, edition.number, month, title, published, self._stamp(), baseline, level),
        )

    def add_edition_link(
        self, key: str, *, source_id: str, url: str, title: str, doc_id: str, role: str | None = None
    ) -> bool:
        """True when this link is new for the edition."""
        row = self.db.one(
            "INSERT INTO edition_links(edition_key, source_id, url, title, doc_id, role, first_seen) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (edition_key, url) DO NOTHING RETURNING url",
            (key, source_id, url, title, doc_id, role, self._stamp()),
        )
        return row is not None

    def set_edition_published(self, key: str, published: str) -> None:
        self.db.execute("UPDATE editions SET published = ? WHERE key = ? AND published IS NULL", (published, key))

    def set_edition_event(self, key: str, event_id: int) -> None:
        self.db.execute("UPDATE editions SET event_id = ? WHERE key = ?", (event_id, key))

    def edition_alerted_since(self, since: str) -> str | None:
        """The newest edition alerted as new since `since` (the edition a level change belongs to)."""
        row = self.db.one(
            "SELECT key FROM editions WHERE baseline = 0 AND first_seen >= ? ORDER BY first_seen DESC LIMIT 1", (since,)
        )
        return str(row["key"]) if row else None

    # -- documents a source has seen (a re-published document is never new) --------------

    def document_seen(self, source_id: str, doc_id: str) -> bool:
        row = self.db.one("SELECT 1 AS x FROM seen_documents WHERE source_id = ? AND doc_id = ?", (source_id, doc_id))
        return row is not None

    def mark_document(self, source_id: str, doc_id: str) -> None:
        self.db.execute(
            "INSERT INTO seen_documents(source_id, doc_id, first_seen) VALUES (?, ?, ?) "
            "ON CONFLICT (source_id, doc_id) DO NOTHING",
            (source_id, doc_id, self._stamp()),
        )
