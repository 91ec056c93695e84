"""The known history of DTN editions and national threat levels since 2005.

From shared/sources-notes.md §5 (each row's source is named there). Dates given only by
month are stored as 'YYYY-MM'; editions whose date is unknown carry the year only in the
timeline and are left without a date. `backfill` loads this without alerting on the past.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from monitor.editions import MONTH_NAMES_NL, Edition
from monitor.store import HISTORY, Store
from monitor.store.db import Row

HISTORY_SOURCE = "history"


@dataclass(frozen=True)
class KnownEdition:
    number: int | None
    date: str | None  # YYYY-MM-DD or YYYY-MM
    level: int
    year_month: str | None = None


# (number, date, level); month-named editions have number None and a year_month.
EDITIONS: list[KnownEdition] = [
    KnownEdition(1, "2005-05", 4), KnownEdition(3, "2005-12-05", 4), KnownEdition(4, "2006-03-02", 4),
    KnownEdition(5, "2006-06-07", 4), KnownEdition(6, "2006-10-13", 4), KnownEdition(8, "2007-04-25", 2),
    KnownEdition(12, "2008-03", 4), KnownEdition(14, "2008-09-09", 4), KnownEdition(16, "2009-04-06", 4),
    KnownEdition(19, "2009-12-15", 2), KnownEdition(20, "2010-04-07", 2), KnownEdition(21, "2010-06-18", 2),
    KnownEdition(24, "2011-03-18", 2), KnownEdition(28, "2012-03-26", 2), KnownEdition(30, "2012-10-08", 2),
    KnownEdition(31, "2012-12-17", 2), KnownEdition(32, "2013-03-13", 4), KnownEdition(34, "2013-11-07", 4),
    KnownEdition(35, "2014-02-24", 4), KnownEdition(36, "2014-06-30", 4), KnownEdition(37, "2014-11-12", 4),
    KnownEdition(38, "2015-04-07", 4), KnownEdition(39, "2015-06-29", 4), KnownEdition(40, "2015-11-09", 4),
    KnownEdition(42, "2016-07-11", 4), KnownEdition(44, "2017-04-06", 4), KnownEdition(45, "2017-06", 4),
    KnownEdition(47, "2018-03-26", 4), KnownEdition(48, "2018-09-10", 4), KnownEdition(49, "2019-02-26", 4),
    KnownEdition(50, "2019-06-24", 4), KnownEdition(51, "2019-12-09", 3), KnownEdition(52, "2020-05-07", 3),
    KnownEdition(53, "2020-10-15", 3), KnownEdition(54, "2021-04-14", 3), KnownEdition(55, "2021-10-26", 3),
    KnownEdition(56, "2022-04-25", 3), KnownEdition(57, "2022-11-07", 3),
    KnownEdition(None, "2023-05-30", 3, "2023-05"), KnownEdition(None, "2023-12-12", 4, "2023-12"),
    KnownEdition(None, "2024-06-11", 4, "2024-06"), KnownEdition(None, "2024-12-17", 4, "2024-12"),
    KnownEdition(None, "2025-06-17", 4, "2025-06"), KnownEdition(None, "2025-12-09", 4, "2025-12"),
]

# (since, level, from, edition key)
LEVEL_CHANGES: list[tuple[str, int, int | None, str]] = [
    ("2005-05", 4, None, "dtn-1"),
    ("2007-04-25", 2, 4, "dtn-8"),
    ("2008-03", 4, 2, "dtn-12"),
    ("2009-12-15", 2, 4, "dtn-19"),
    ("2013-03-13", 4, 2, "dtn-32"),
    ("2019-12-09", 3, 4, "dtn-51"),
    ("2023-12-12", 4, 3, "dtn-2023-12"),
]

HISTORY_ENDS = "2025-12-09"  # the newest edition in the built-in list: anything later is only known live


def backfill_known(store: Store) -> tuple[int, int]:
    """Insert the known editions (and, on a state without live readings, the level changes); no alerts.

    Returns (editions, levels) added. Level rows from history are added only before any live
    reading exists: the newest level row is the current level, and history must never stand
    in front of what a source has shown."""
    added_editions = added_levels = 0
    with store.transaction():
        known = {r["key"] for r in store.editions()}
        for ed in EDITIONS:
            edition = Edition(number=ed.number, year_month=ed.year_month if ed.number is None else None)
            if edition.key in known:
                continue
            published = ed.date if ed.date and len(ed.date) == 10 else None
            store.insert_edition(edition, title=_title(ed), published=published, baseline=2, level=ed.level,
                                 year_month=ed.date[:7] if ed.date else None)
            added_editions += 1
        rows = store.level_history()
        if any(r["origin"] != HISTORY for r in rows):
            return added_editions, added_levels
        have = {(r["since"], int(r["level"])) for r in rows}
        for since, level, change_from, edition_key in LEVEL_CHANGES:
            if (since, level) in have:
                continue
            store.insert_level(level, since=since, origin=HISTORY, change_from=change_from, sources=[HISTORY_SOURCE],
                               evidence="shared/sources-notes.md §5", edition_key=edition_key)
            added_levels += 1
    return added_editions, added_levels


def ensure_history(store: Store) -> None:
    """On a new state, the built-in history (no alert): the timeline is never empty."""
    if store.get_meta("history_loaded") == HISTORY_ENDS:
        return
    backfill_known(store)
    with store.transaction():
        store.set_meta("history_loaded", HISTORY_ENDS)


def _title(ed: KnownEdition) -> str:
    if ed.number is not None:
        return f"Dreigingsbeeld Terrorisme Nederland {ed.number}"
    y, m = (ed.year_month or "0000-01").split("-")
    return f"Dreigingsbeeld Terrorisme Nederland {MONTH_NAMES_NL[int(m) - 1]} {y}"


def timeline(store: Store) -> list[dict[str, object]]:
    """Level periods with the editions published in each, oldest first."""
    levels: list[Row] = []
    for row in store.level_history():
        if levels and levels[-1]["level"] == row["level"]:
            continue  # a later reading of the same level (a live baseline after the history) is no new period
        levels.append(row)
    editions = store.editions()
    rows: list[dict[str, object]] = []
    for i, lv in enumerate(levels):
        start = lv["since"]
        end = levels[i + 1]["since"] if i + 1 < len(levels) else None
        in_period = [
            e["key"] for e in editions
            if (e["published"] or e["year_month"] or "") >= start and (end is None or (e["published"] or e["year_month"] or "") < end)
        ]
        rows.append({
            "since": start, "until": end, "level": lv["level"], "change_from": lv["change_from"],
            "edition": lv["edition_key"], "sources": json.loads(lv["sources"]),
            "origin": lv["origin"],
            "editions": in_period,
        })
    return rows
