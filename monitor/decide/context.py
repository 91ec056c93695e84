"""What every part of the decision engine shares: the store, the settings, the clock, the routes.

A decision is made inside the check's transaction; its events (and their outbox rows) are
written with the facts that caused them. Besides events, a decision can ask for follow-up
checks: when a source sees something new that others should confirm, they are checked at once
and the source itself again a minute later, so confirmation takes minutes, not intervals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from monitor.clock import Clock, iso, local_date
from monitor.config import MonitorSettings, SourceConfig
from monitor.store import EventRow, Store

log = logging.getLogger("dtn_monitor.decide")

LEVEL, EDITION = "level", "edition"


class Followup(NamedTuple):
    """Check each of `source_ids` again `delay` seconds from now (0: at once), because of `reason`.

    One request names many sources: a change seen by one of N sources asks all the others, and at
    2,000 sources one request per source made millions of objects in a cold cycle."""

    source_ids: tuple[str, ...]
    delay: float
    reason: str


@dataclass
class Decisions:
    events: list[EventRow] = field(default_factory=list)
    followups: list[Followup] = field(default_factory=list)
    accepted: bool = False  # the check's facts were taken (its HTTP validators may be kept)

    def add(self, event: EventRow | None) -> None:
        if event is not None:
            self.events.append(event)


@dataclass
class Context:
    store: Store
    settings: MonitorSettings
    clock: Clock
    route: Callable[[str], list[str]]
    sources: dict[str, SourceConfig]
    fact_kinds: dict[str, frozenset[str]]  # source id → {"level", "edition"}: what it can report
    authorities: frozenset[str]  # the kinds of fact an enabled authoritative source reports
    reporters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # kind → the enabled sources reporting it
    dry_run: bool = False
    force_baseline: bool = False  # backfill: record everything, alert nothing

    def now(self) -> datetime:
        return self.clock.now()

    def stamp(self) -> str:
        return iso(self.clock.now())

    def today(self) -> str:
        """The date in the Netherlands, as users and the NCTV count days."""
        return local_date(self.clock.now()).isoformat()

    def authoritative(self, source_id: str) -> bool:
        cfg = self.sources.get(source_id)
        return bool(cfg and cfg.authoritative)

    def any_authoritative(self, kind: str = LEVEL) -> bool:
        return kind in self.authorities

    def emit(self, key: str, kind: str, payload: dict[str, object]) -> EventRow | None:
        if self.force_baseline:
            return None
        event = self.store.insert_event(key, kind, payload, self.route(kind))
        if event is not None:
            log.info("%s %s: %s", "would alert" if self.dry_run else "event", kind, key)
        return event

    def others(self, source_id: str, kind: str) -> tuple[str, ...]:
        """The other enabled sources that report this kind of fact."""
        return tuple(other for other in self.reporters.get(kind, ()) if other != source_id)

    def confirm_soon(self, decisions: Decisions, source_id: str, kind: str, reason: str, *, recheck: bool) -> None:
        """Ask the others that report `kind` to be checked now, and `source_id` again in a minute."""
        others = self.others(source_id, kind)
        if others:
            decisions.followups.append(Followup(others, 0.0, reason))
        if recheck:
            decisions.followups.append(Followup((source_id,), self.settings.recheck_after, reason))
