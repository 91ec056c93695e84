"""Time: one clock for every decision, stored timestamps in UTC, dates people see in Amsterdam.

Every part that decides by time (the decision engine, the store's timestamps, the outbox's
backoff, the scheduler's follow-up checks) asks a `Clock`, so the scenario simulator can run
weeks of checks in seconds with a `ManualClock`. Stored timestamps are UTC ISO strings; a date
that a user reads (a level's "since", a per-day event key, a message) is the Dutch calendar
date, because "12 december" in Den Haag is what the NCTV and the user mean.
"""

from __future__ import annotations

import functools
import time
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


@functools.cache
def amsterdam() -> ZoneInfo:
    """The Dutch time zone, loaded when a date is first shown or keyed (zoneinfo and the tz file are no
    part of a check's start)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Amsterdam")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    def time(self) -> float:
        """The current time as a POSIX timestamp (seconds)."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def time(self) -> float:
        return time.time()


class ManualClock:
    """A clock that only moves when told to: for the simulator and for tests."""

    def __init__(self, start: datetime | None = None):
        self._now = (start or datetime(2026, 1, 1, 12, tzinfo=UTC)).astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def time(self) -> float:
        return self._now.timestamp()

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)


SYSTEM = SystemClock()


def iso(when: datetime) -> str:
    """A stored timestamp: UTC, seconds, ISO 8601 ('2026-11-23T04:40:15+00:00')."""
    return when.astimezone(UTC).isoformat(timespec="seconds")


def parse(stamp: str) -> datetime:
    """A stored timestamp back to an aware datetime (naive legacy values are taken as UTC)."""
    when = datetime.fromisoformat(stamp)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def local_date(when: datetime) -> date:
    """The calendar date in the Netherlands at `when`."""
    return when.astimezone(amsterdam()).date()


def local_text(stamp: str | None, *, with_time: bool = True) -> str | None:
    """'2026-11-23 05:40' (Amsterdam) for a stored UTC timestamp; None stays None."""
    if not stamp:
        return None
    try:
        when = parse(stamp).astimezone(amsterdam())
    except ValueError:
        return stamp
    return when.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
