"""The timeline of levels and editions since 2005 as inline SVG: one drawing for wide screens, one for phones.

A 800-unit drawing shrunk to a 390 px phone has 5 px labels; the narrow drawing is laid out for
~360 px (labels every ten years, larger type) and CSS shows one or the other — no JavaScript.
"""

from __future__ import annotations

import html
from datetime import date, datetime

from monitor.history import timeline
from monitor.levels import LEVELS
from monitor.store import Store

COLOURS = {1: "#2e7d32", 2: "#7cb342", 3: "#f9a825", 4: "#ef6c00", 5: "#c62828"}
WIDE = {"width": 800, "height": 180, "left": 40, "right": 10, "font": 11, "years": 5, "bar": 10}
NARROW = {"width": 360, "height": 190, "left": 26, "right": 8, "font": 14, "years": 10, "bar": 12}


def _e(value: object) -> str:
    return html.escape(str(value))


def _year_fraction(iso: str) -> float:
    y, m, d = (iso + "-01-01")[:10].split("-")[:3]
    try:
        day = date(int(y), int(m or 1), int(d or 1))
    except ValueError:
        day = date(int(y), 1, 1)
    return day.year + (day.timetuple().tm_yday - 1) / 366


def timeline_svgs(store: Store, title: str, now: datetime) -> str:
    """Both drawings (CSS classes tl-wide and tl-narrow), or '' when there is no history at all."""
    rows = timeline(store)
    if not rows:
        return ""
    editions = [(e["published"] or e["year_month"], e["number"]) for e in store.editions()]
    return _svg(rows, editions, title, now, WIDE, "tl-wide") + _svg(rows, editions, title, now, NARROW, "tl-narrow")


def _svg(rows: list[dict[str, object]], editions: list[tuple[str | None, int | None]], title: str, now: datetime,
         layout: dict[str, int], cls: str) -> str:
    width, height, left, font = layout["width"], layout["height"], layout["left"], layout["font"]
    top, plot_h = 10, height - 60
    plot_w = width - left - layout["right"]
    start, end = 2005.0, now.year + 1.0
    current = now.year + (now.timetuple().tm_yday - 1) / 366

    def x(year: float) -> float:
        return left + (year - start) / (end - start) * plot_w

    def y(level: int) -> float:
        return top + plot_h - (level - 1) / 4 * plot_h

    ident = f"{cls}-title"
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="{ident}" class="timeline {cls}">',
             f'<title id="{ident}">{_e(title)}</title>']
    for lv in LEVELS.values():
        parts.append(f'<line x1="{left}" x2="{width - layout["right"]}" y1="{y(lv.number):.1f}" y2="{y(lv.number):.1f}" '
                     f'stroke="#ddd"/>')
        parts.append(f'<text x="{left - 5}" y="{y(lv.number) + font / 3:.1f}" text-anchor="end" '
                     f'font-size="{font}">{lv.number}</text>')
    for year in range(2005, int(end) + 1, layout["years"]):
        parts.append(f'<text x="{x(year):.1f}" y="{top + plot_h + font + 10}" text-anchor="middle" '
                     f'font-size="{font}">{year}</text>')
    bar = layout["bar"]
    for r in rows:
        x0 = x(_year_fraction(str(r["since"])))
        x1 = x(_year_fraction(str(r["until"]))) if r["until"] else x(current)
        level = int(str(r["level"]))
        parts.append(
            f'<rect x="{x0:.1f}" y="{y(level) - bar / 2:.1f}" width="{max(1.0, x1 - x0):.1f}" height="{bar}" '
            f'fill="{COLOURS[level]}"><title>{_e(r["since"])}: {level} ({LEVELS[level].name})</title></rect>'
        )
    for when, number in editions:
        if not when:
            continue
        ex = x(_year_fraction(when))
        label = f"DTN {number}" if number else f"DTN {when}"
        parts.append(f'<line x1="{ex:.1f}" x2="{ex:.1f}" y1="{top + plot_h + 2}" y2="{top + plot_h + 8}" stroke="#555">'
                     f"<title>{_e(label)} ({_e(when)})</title></line>")
    parts.append("</svg>")
    return "".join(parts)
