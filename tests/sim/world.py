"""The ground truth of a simulated timeline, and what each simulated source shows of it when.

The world is a list of versions: each new DTN edition or level change makes one. A source
shows a version only after its own lag (a CMS cache, a slow English translation, the Tweede
Kamer registering a letter a day later); while it flaps it shows the version before at random;
while it has a fault or a redesign it shows that instead. Everything random comes from one
seeded generator, so a timeline is reproduced exactly by its rule sequence and seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

FIRST_NUMBER = 61  # editions beyond the built-in history


@dataclass(frozen=True)
class SimEdition:
    number: int
    published: datetime
    level: int
    change: tuple[int, int] | None  # the change this DTN announces


@dataclass(frozen=True)
class Version:
    at: datetime
    level: int
    since: datetime  # when the level became what it is
    editions: tuple[SimEdition, ...]
    change: tuple[int, int] | None = None  # the level change this version makes
    edition: SimEdition | None = None  # the edition this version publishes


@dataclass
class Window:
    start: datetime
    end: datetime
    kind: str = ""

    def holds(self, t: datetime) -> bool:
        return self.start <= t < self.end


@dataclass
class SimSource:
    """One simulated source: what it reports, how it lags, and its trouble windows."""

    id: str
    kind: str  # topic | list | english | tk | feed
    interval: timedelta
    lag_hours: tuple[float, float]
    reports_level: bool
    reports_edition: bool
    lags: list[timedelta] = field(default_factory=list)  # per world version
    faults: list[Window] = field(default_factory=list)  # kind: reset | http-503 | error-page | cookie-wall
    redesigns: list[Window] = field(default_factory=list)
    flaps: list[Window] = field(default_factory=list)

    def visible(self, world: World, t: datetime, rng: random.Random) -> int:
        """The index of the world version this source shows at `t` (flapping back one at random)."""
        shown = 0
        for i, v in enumerate(world.versions):
            if v.at + self.lags[i] <= t:
                shown = i
        if shown > 0 and any(f.holds(t) for f in self.flaps) and rng.random() < 0.5:
            return shown - 1
        return shown

    def fault(self, t: datetime) -> str | None:
        return next((f.kind for f in self.faults if f.holds(t)), None)

    def redesigned(self, t: datetime) -> bool:
        return any(r.holds(t) for r in self.redesigns)


class World:
    def __init__(self, start: datetime, level: int, rng: random.Random):
        self.rng = rng
        old = tuple(
            SimEdition(FIRST_NUMBER - 3 + i, start - timedelta(days=200 - 60 * i), level, None) for i in range(3)
        )
        self.versions: list[Version] = [Version(start - timedelta(days=400), level, start - timedelta(days=400), old)]
        self.changes: list[tuple[datetime, int, int]] = []  # (when, from, to): the level alerts that must go out
        self.sources: list[SimSource] = []

    @property
    def now_version(self) -> Version:
        return self.versions[-1]

    @property
    def published(self) -> list[SimEdition]:
        first = {e.number for e in self.versions[0].editions}
        return [e for e in self.now_version.editions if e.number not in first]

    def add_source(self, source: SimSource) -> None:
        source.lags = [timedelta(0) for _ in self.versions]
        self.sources.append(source)

    def _new_version(self, version: Version) -> None:
        self.versions.append(version)
        for s in self.sources:
            low, high = s.lag_hours
            hours = 0.0 if self.rng.random() < 0.5 else self.rng.uniform(low, high)
            s.lags.append(timedelta(hours=hours))

    def publish(self, t: datetime, to_level: int | None) -> SimEdition:
        v = self.now_version
        number = max(e.number for e in v.editions) + 1
        change = (v.level, to_level) if to_level is not None and to_level != v.level else None
        edition = SimEdition(number, t, to_level if change else v.level, change)
        self._new_version(Version(t, edition.level, t if change else v.since, (*v.editions, edition), change, edition))
        if change:
            self.changes.append((t, *change))
        return edition

    def change_level(self, t: datetime, to_level: int) -> None:
        v = self.now_version
        self._new_version(Version(t, to_level, t, v.editions, (v.level, to_level)))
        self.changes.append((t, v.level, to_level))

    def settle(self) -> None:
        """No more trouble from now on (lags run their course: the settling time outlasts the longest)."""
        for s in self.sources:
            s.faults.clear()
            s.redesigns.clear()
            s.flaps.clear()
