"""Compare a check's facts with stored state and decide which events they make.

Called inside the check's transaction, so facts, events and outbox rows land together.

The rules a user can rely on:
- A source's first successful check is its baseline: nothing it shows then alerts
  (unless `alert_on_baseline`). Old editions (lower number than the newest known, or
  published more than `OLD_EDITION_DAYS` ago) never alert either.
- One edition is one event, whatever the number of sources: later sources add their links.
- A level change alerts when an authoritative source (NCTV) states it explicitly
  ("van 4 naar 3") or shows the new level on `level_confirmations` consecutive checks, or
  when two sources agree. A non-authoritative source alone never changes the level; when
  it contradicts the authoritative ones that is an operations warning. A reversal within
  24 hours of an alerted change always needs the consecutive-checks confirmation, so a
  flapping page cannot produce an alert storm.
- A source failing `failure_threshold` times in a row alerts once; its recovery once.
  A source whose page stops yielding facts (shape drift) alerts once as degraded.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from monitor.config import MonitorSettings, SourceConfig
from monitor.extract import HIGH
from monitor.facts import Edition, LevelReading, Publication, SourceResult
from monitor.history import HISTORY_BASELINE
from monitor.store import EventRow, Store, utcnow

log = logging.getLogger("dtn_monitor.diff")

OLD_EDITION_DAYS = 120
REVERSAL_WINDOW = timedelta(hours=24)
AGREEMENT_WINDOW = timedelta(hours=24)


@dataclass
class Differ:
    store: Store
    settings: MonitorSettings
    route: Callable[[str], list[str]]
    authoritative: Callable[[str], bool]
    now: datetime | None = None
    force_baseline: bool = False  # backfill: record everything, alert nothing

    def _now(self) -> datetime:
        return self.now or datetime.now(UTC)

    def _emit(self, key: str, kind: str, payload: dict[str, object]) -> EventRow | None:
        event = self.store.insert_event(key, kind, payload, self.route(kind))
        if event:
            log.info("event %s: %s", kind, key)
        return event

    # -- failures -------------------------------------------------------------------------

    def failure(self, source: SourceConfig, error: str) -> list[EventRow]:
        row = self.store.source_row(source.id)
        now = utcnow()
        failures = row["consecutive_failures"] + 1
        fields: dict[str, object] = {"consecutive_failures": failures, "last_error": error[:500], "last_check": now,
                                     "last_result": "error"}
        events = []
        if failures >= self.settings.failure_threshold and not row["failing_since"]:
            fields["failing_since"] = now
            ev = self._emit(
                f"source-failing:{source.id}:{now}", "source_failing",
                {"source": source.id, "error": error[:300], "failures": failures, "url": source.url},
            )
            events += [ev] if ev else []
        self.store.update_source(source.id, **fields)
        self.store.bump_source(source.id, failures=1, checks=1)
        return events

    # -- successes ------------------------------------------------------------------------

    def success(self, source: SourceConfig, result: SourceResult) -> list[EventRow]:
        row = self.store.source_row(source.id)
        first = not row["baseline_done"]
        now = utcnow()
        events: list[EventRow | None] = []
        if row["failing_since"]:
            events.append(self._emit(
                f"source-recovered:{source.id}:{row['failing_since']}", "source_recovered",
                {"source": source.id, "reason": f"failing since {row['failing_since']}", "url": source.url},
            ))
        has_facts = bool(result.publications or result.levels or result.unclear)
        if result.drift and not result.not_modified:
            if not row["degraded_since"]:
                self.store.update_source(source.id, degraded_since=now)
                if row["facts_seen_ever"]:
                    events.append(self._emit(
                        f"source-degraded:{source.id}:{now}", "source_degraded",
                        {"source": source.id, "reason": result.drift, "url": source.url},
                    ))
        elif row["degraded_since"] and has_facts:
            self.store.update_source(source.id, degraded_since=None)
            if row["facts_seen_ever"]:
                events.append(self._emit(
                    f"source-restored:{source.id}:{row['degraded_since']}", "source_recovered",
                    {"source": source.id, "reason": "the page has its expected shape again", "url": source.url},
                ))

        readings = list(result.levels)
        for pub in result.publications:
            ev, reading = self._publication(pub, first)
            events.append(ev)
            if reading:
                readings.append(reading)
        for doc in result.documents:
            self.store.mark_document(source.id, doc)
        events += self._levels(source, readings, first)
        if self.authoritative(source.id) and not first:
            for statement in result.unclear:
                digest = hashlib.sha1(statement.encode()).hexdigest()[:12]
                events.append(self._emit(
                    f"level-unclear:{source.id}:{digest}", "level_unclear",
                    {"source": source.id, "evidence": statement[:500], "links": [{"source": source.id, "url": source.url}]},
                ))
        fields: dict[str, object] = {
            "last_check": now, "last_success": now, "consecutive_failures": 0, "failing_since": None,
            "baseline_done": 1, "last_error": None,
            "last_result": "not-modified" if result.not_modified else ("drift" if result.drift else "ok"),
        }
        if has_facts:
            fields["facts_seen_ever"] = 1
        if not result.not_modified:
            fields["last_facts"] = json.dumps(result.facts_json(), ensure_ascii=False)
        self.store.update_source(source.id, **fields)
        self.store.bump_source(source.id, checks=1)
        return [e for e in events if e is not None]

    # -- editions -------------------------------------------------------------------------

    def _resolve(self, edition: Edition, published: str | None) -> str | None:
        """The stored key of this edition, also when one source numbers it and another names its month."""
        if self.store.edition(edition.key):
            return edition.key
        ym = edition.year_month or (published[:7] if published else None)
        if edition.number is not None and ym:
            row = self.store.conn.execute(
                "SELECT key FROM editions WHERE number IS NULL AND year_month = ?", (ym,)
            ).fetchone()
            return str(row["key"]) if row else None
        if edition.year_month:
            row = self.store.conn.execute(
                "SELECT key FROM editions WHERE number IS NOT NULL AND substr(published, 1, 7) = ?", (edition.year_month,)
            ).fetchone()
            return str(row["key"]) if row else None
        return None

    def _is_old(self, pub: Publication) -> bool:
        """An edition first seen now that is not news: published long ago, or (undated) numbered below the newest."""
        when = pub.published or (f"{pub.edition.year_month}-28" if pub.edition.year_month else None)
        if when:
            try:
                d = date.fromisoformat(when if len(when) == 10 else f"{when}-28")
            except ValueError:
                return False
            return (self._now().date() - d).days > OLD_EDITION_DAYS
        newest = self.store.conn.execute("SELECT MAX(number) FROM editions").fetchone()[0]
        return pub.edition.number is not None and newest is not None and pub.edition.number < newest

    def _publication(self, pub: Publication, first: bool) -> tuple[EventRow | None, LevelReading | None]:
        known_doc = self.store.document_seen(pub.source_id, pub.doc_id)
        self.store.mark_document(pub.source_id, pub.doc_id)
        key = self._resolve(pub.edition, pub.published)
        now = utcnow()
        link = {"source": pub.source_id, "url": pub.url, "title": pub.title}
        if key is not None:
            cur = self.store.conn.execute(
                "INSERT OR IGNORE INTO edition_links(edition_key, source_id, url, title, doc_id, first_seen) "
                "VALUES (?, ?, ?, ?, ?, ?)", (key, pub.source_id, pub.url, pub.title, pub.doc_id, now),
            )
            row = self.store.edition(key)
            if row is not None and cur.rowcount and row["event_id"]:
                event = self.store.event(row["event_id"])
                if event is not None and link not in event.payload.get("links", []):
                    payload = dict(event.payload)
                    payload["links"] = [*payload.get("links", []), link]
                    self.store.update_event_payload(event.id, payload)
            if row is not None and pub.published and not row["published"]:
                self.store.conn.execute("UPDATE editions SET published = ? WHERE key = ?", (pub.published, key))
            return None, None
        baseline = self.force_baseline or first or known_doc or self._is_old(pub)
        key = pub.edition.key
        self.store.conn.execute(
            "INSERT INTO editions(key, number, year_month, title, published, first_seen, baseline, level) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (key, pub.edition.number, pub.edition.year_month or (pub.published or "")[:7] or None, pub.title,
             pub.published, now, 1 if baseline else 0, pub.level if pub.level_confidence == HIGH else None),
        )
        self.store.conn.execute(
            "INSERT OR IGNORE INTO edition_links(edition_key, source_id, url, title, doc_id, first_seen) "
            "VALUES (?, ?, ?, ?, ?, ?)", (key, pub.source_id, pub.url, pub.title, pub.doc_id, now),
        )
        if baseline and not self.settings.alert_on_baseline:
            return None, None
        new_payload: dict[str, object] = {
            "edition_key": key, "edition": pub.edition.label, "number": pub.edition.number,
            "year_month": pub.edition.year_month, "title": pub.title, "published": pub.published,
            "links": [link], "level": pub.level if pub.level_confidence == HIGH else None,
            "change_from": pub.change_from if pub.level_confidence == HIGH else None,
            "change_to": pub.change_to if pub.level_confidence == HIGH else None,
            "evidence": pub.evidence if pub.level_confidence == HIGH else None,
        }
        event = self._emit(f"edition:{key}", "new_edition", new_payload)
        if event:
            self.store.conn.execute("UPDATE editions SET event_id = ? WHERE key = ?", (event.id, key))
        reading = None
        if pub.level is not None and pub.level_confidence == HIGH and not baseline:
            reading = LevelReading(
                level=pub.level, confidence=HIGH, source_id=pub.source_id, url=pub.url, evidence=pub.evidence or "",
                change_from=pub.change_from, change_to=pub.change_to,
            )
        return event, reading

    # -- levels ---------------------------------------------------------------------------

    def _levels(self, source: SourceConfig, readings: list[LevelReading], first: bool) -> list[EventRow | None]:
        if not readings or self.force_baseline:
            return []
        levels = {r.level for r in readings}
        if len(levels) > 1:
            evidence = " | ".join(r.evidence for r in readings)[:500]
            if self.authoritative(source.id) and not first:
                digest = hashlib.sha1(evidence.encode()).hexdigest()[:12]
                return [self._emit(
                    f"level-unclear:{source.id}:{digest}", "level_unclear",
                    {"source": source.id, "evidence": evidence, "links": [{"source": source.id, "url": source.url}]},
                )]
            return []
        reading = max(readings, key=lambda r: r.change_to is not None)
        return self._level(source, reading)

    def _level(self, source: SourceConfig, reading: LevelReading) -> list[EventRow | None]:
        now = self._now()
        now_iso = now.isoformat(timespec="seconds")
        row = self.store.source_row(source.id)
        streak = row["observed_streak"] + 1 if row["observed_level"] == reading.level else 1
        self.store.update_source(source.id, observed_level=reading.level, observed_streak=streak, observed_at=now_iso)
        current = self.store.current_level()
        authoritative = self.authoritative(source.id)
        if current is None or (current["baseline"] == HISTORY_BASELINE and current["level"] != reading.level):
            # first live reading: a baseline, also when it differs from the loaded history (the change may be old)
            self.store.conn.execute(
                "INSERT INTO levels(level, change_from, since, recorded_at, sources, evidence, baseline) "
                "VALUES (?, ?, ?, ?, ?, ?, 1)",
                (reading.level, current["level"] if current else None, now.date().isoformat(), now_iso,
                 json.dumps([source.id]), reading.evidence),
            )
            if self.settings.alert_on_baseline:
                return [self._emit(f"level:baseline-{reading.level}", "level_changed", {
                    "from_level": None, "to_level": reading.level, "sources": [source.id], "evidence": reading.evidence,
                    "links": [{"source": source.id, "url": reading.url}],
                })]
            return []
        if reading.level == current["level"] and current["baseline"] == HISTORY_BASELINE:
            # the first live reading confirms the loaded history: from now on the level is observed, not assumed
            self.store.conn.execute(
                "INSERT INTO levels(level, since, recorded_at, sources, evidence, baseline) VALUES (?, ?, ?, ?, ?, 1)",
                (reading.level, now.date().isoformat(), now_iso, json.dumps([source.id]), reading.evidence),
            )
            return []
        if reading.level == current["level"]:
            sources = json.loads(current["sources"])
            if source.id not in sources:
                sources.append(source.id)
                self.store.conn.execute("UPDATE levels SET sources = ? WHERE id = ?", (json.dumps(sources), current["id"]))
            return []

        agreeing = self._agreeing(source.id, reading.level, now)
        explicit = (
            reading.change_to == reading.level and reading.change_from in (None, current["level"])
        )
        reversal = (
            current["change_from"] == reading.level
            and now - datetime.fromisoformat(current["recorded_at"]) < REVERSAL_WINDOW
        )
        confirmed_alone = authoritative and (
            (explicit and not reversal) or streak >= self.settings.level_confirmations
        )
        confirmed_together = bool(agreeing) and (authoritative or any(self.authoritative(a) for a in agreeing)
                                                 or not self._has_authoritative())
        if not (confirmed_alone or confirmed_together):
            log.info("level %s from %s not confirmed yet (streak %d)", reading.level, source.id, streak)
            if not authoritative and self._has_authoritative():
                others = self._observing(current["level"], now, exclude=source.id, authoritative_only=True)
                if others:
                    return [self._emit(
                        f"disagree:{source.id}:{current['level']}-{reading.level}:{now.date().isoformat()}",
                        "sources_disagree",
                        {"source": source.id, "reported": reading.level, "current": current["level"], "others": others,
                         "evidence": reading.evidence, "links": [{"source": source.id, "url": reading.url}]},
                    )]
            return []
        sources = [source.id, *[a for a in agreeing if a != source.id]]
        links = [{"source": source.id, "url": reading.url}]
        edition_key = self._edition_for_change()
        event = self._emit(
            f"level:{current['level']}-{reading.level}:{now.date().isoformat()}", "level_changed",
            {"from_level": current["level"], "to_level": reading.level, "sources": sources,
             "evidence": reading.evidence, "links": links, "edition": edition_key},
        )
        self.store.conn.execute(
            "INSERT INTO levels(level, change_from, since, recorded_at, edition_key, sources, evidence, event_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (reading.level, current["level"], now.date().isoformat(), now_iso, edition_key, json.dumps(sources),
             reading.evidence, event.id if event else None),
        )
        return [event]

    def _edition_for_change(self) -> str | None:
        row = self.store.conn.execute(
            "SELECT key FROM editions WHERE baseline = 0 AND first_seen >= ? ORDER BY first_seen DESC LIMIT 1",
            ((self._now() - timedelta(days=3)).isoformat(timespec="seconds"),),
        ).fetchone()
        return str(row["key"]) if row else None

    def _has_authoritative(self) -> bool:
        return any(self.authoritative(r["id"]) for r in self.store.sources())

    def _observing(self, level: int, now: datetime, *, exclude: str, authoritative_only: bool = False) -> list[str]:
        out = []
        for r in self.store.sources():
            if r["id"] == exclude or r["observed_level"] != level or not r["observed_at"]:
                continue
            if now - datetime.fromisoformat(r["observed_at"]) > AGREEMENT_WINDOW:
                continue
            if authoritative_only and not self.authoritative(r["id"]):
                continue
            out.append(str(r["id"]))
        return out

    def _agreeing(self, source_id: str, level: int, now: datetime) -> list[str]:
        return self._observing(level, now, exclude=source_id)
