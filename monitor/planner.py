"""When to check a source out of turn: the follow-ups a decision asks for, made polite.

A change seen by one source is confirmed fastest by checking the others at once and the same
source a minute later. This planner keeps that from turning into a storm: a source is checked
out of turn at most once per `min_gap`, and an earlier planned check is never postponed. The
daemon feeds its answers to apscheduler; the scenario simulator to its simulated clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

MIN_GAP = 60.0  # seconds: a source is not checked out of turn twice within this time


class FollowupPlanner:
    def __init__(self, min_gap: float = MIN_GAP):
        self.min_gap = timedelta(seconds=min_gap)
        self._asked: dict[str, datetime] = {}  # source → when it was last asked for "at once"
        self._planned: dict[str, datetime] = {}  # source → its next out-of-turn check

    def plan(self, source_id: str, delay: float, now: datetime) -> datetime | None:
        """The time to check `source_id` `delay` seconds from now, or None when an equal or earlier check is
        planned already."""
        when = now + timedelta(seconds=delay)
        if delay == 0:
            last = self._asked.get(source_id)
            if last is not None and now - last < self.min_gap:
                return None
        planned = self._planned.get(source_id)
        if planned is not None and now <= planned <= when:
            return None
        if delay == 0:
            self._asked[source_id] = now
        self._planned[source_id] = when
        return when

    def done(self, source_id: str, when: datetime) -> None:
        """A check of `source_id` ran at `when`: a plan for that time or before is used up."""
        planned = self._planned.get(source_id)
        if planned is not None and planned <= when:
            del self._planned[source_id]
