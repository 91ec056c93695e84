"""The status page (GET /) and the Atom feed (GET /feed.atom), rendered on the server.

No JavaScript, no build step: plain HTML with an inline SVG timeline. Only public facts are
shown: levels, editions, public source URLs, source health; never channel URLs or secrets.
"""

from __future__ import annotations

import html
from datetime import UTC, date, datetime
from xml.sax.saxutils import escape

from monitor.config import Config
from monitor.history import timeline
from monitor.levels import LEVELS
from monitor.status import edition_info, level_info, sources_info
from monitor.store import Store

COLOURS = {1: "#2e7d32", 2: "#7cb342", 3: "#f9a825", 4: "#ef6c00", 5: "#c62828"}
TEXT = {
    "nl": {
        "title": "Dreigingsniveau terrorisme Nederland", "level": "Nationaal dreigingsniveau", "since": "sinds",
        "unknown": "nog onbekend: er is nog niet gecontroleerd", "edition": "Nieuwste Dreigingsbeeld Terrorisme Nederland",
        "sources": "Bronnen", "timeline": "Verloop sinds 2005", "events": "Recente meldingen", "source": "bron",
        "last_check": "laatste controle", "last_success": "laatste succes", "state": "toestand", "ok": "in orde",
        "failing": "faalt", "degraded": "vorm veranderd", "never": "nooit", "none": "geen", "published": "gepubliceerd",
        "feed": "Atom-feed van meldingen", "other": "English", "other_lang": "en", "deliveries": "Bezorging",
        "pending": "wachtend", "dead": "mislukt", "sent": "verzonden", "of5": "van 5",
    },
    "en": {
        "title": "Terrorist threat level, the Netherlands", "level": "National threat level", "since": "since",
        "unknown": "not known yet: no check has run", "edition": "Newest Terrorist Threat Assessment Netherlands",
        "sources": "Sources", "timeline": "Since 2005", "events": "Recent alerts", "source": "source",
        "last_check": "last check", "last_success": "last success", "state": "state", "ok": "ok",
        "failing": "failing", "degraded": "shape changed", "never": "never", "none": "none", "published": "published",
        "feed": "Atom feed of alerts", "other": "Nederlands", "other_lang": "nl", "deliveries": "Deliveries",
        "pending": "pending", "dead": "dead", "sent": "sent", "of5": "of 5",
    },
}
EVENT_LABELS = {
    "nl": {"level_changed": "Dreigingsniveau gewijzigd", "new_edition": "Nieuw DTN", "source_failing": "Bron faalt",
           "source_recovered": "Bron hersteld", "source_degraded": "Bron veranderd", "level_unclear": "Niveau onduidelijk",
           "sources_disagree": "Bronnen oneens"},
    "en": {"level_changed": "Threat level changed", "new_edition": "New DTN", "source_failing": "Source failing",
           "source_recovered": "Source recovered", "source_degraded": "Source changed", "level_unclear": "Level unclear",
           "sources_disagree": "Sources disagree"},
}


def _e(value: object) -> str:
    return html.escape(str(value)) if value is not None else ""


def _year_fraction(iso: str) -> float:
    y, m, d = (iso + "-01-01")[:10].split("-")[:3]
    try:
        day = date(int(y), int(m or 1), int(d or 1))
    except ValueError:
        day = date(int(y), 1, 1)
    return day.year + (day.timetuple().tm_yday - 1) / 366


def timeline_svg(store: Store, lang: str) -> str:
    rows = timeline(store)
    if not rows:
        return ""
    start, end = 2005.0, datetime.now(UTC).year + 1.0
    width, height, left, top = 800, 180, 40, 10
    plot_w, plot_h = width - left - 10, 120

    def x(year: float) -> float:
        return left + (year - start) / (end - start) * plot_w

    def y(level: int) -> float:
        return top + plot_h - (level - 1) / 4 * plot_h

    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="tl-title" class="timeline">',
             f'<title id="tl-title">{_e(TEXT[lang]["timeline"])}</title>']
    for lv in LEVELS.values():
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y(lv.number):.1f}" y2="{y(lv.number):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y(lv.number) + 4:.1f}" text-anchor="end" font-size="11">{lv.number}</text>')
    for year in range(2005, int(end) + 1, 5):
        parts.append(f'<text x="{x(year):.1f}" y="{top + plot_h + 18}" text-anchor="middle" font-size="11">{year}</text>')
    now = datetime.now(UTC)
    current_year = now.year + (now.timetuple().tm_yday - 1) / 366
    for r in rows:
        x0 = x(_year_fraction(str(r["since"])))
        x1 = x(_year_fraction(str(r["until"]))) if r["until"] else x(current_year)
        level = int(str(r["level"]))
        parts.append(
            f'<rect x="{x0:.1f}" y="{y(level) - 5:.1f}" width="{max(1.0, x1 - x0):.1f}" height="10" '
            f'fill="{COLOURS[level]}"><title>{_e(r["since"])}: {level} ({LEVELS[level].name})</title></rect>'
        )
    for e in store.editions():
        when = e["published"] or e["year_month"]
        if not when:
            continue
        ex = x(_year_fraction(when))
        label = f"DTN {e['number']}" if e["number"] else f"DTN {when}"
        parts.append(f'<line x1="{ex:.1f}" x2="{ex:.1f}" y1="{top + plot_h + 2}" y2="{top + plot_h + 8}" stroke="#555">'
                     f'<title>{_e(label)} ({_e(when)})</title></line>')
    parts.append("</svg>")
    return "".join(parts)


def render_page(store: Store, config: Config | None, lang: str = "nl") -> str:
    lang = lang if lang in TEXT else "nl"
    t = TEXT[lang]
    level = level_info(store)
    edition = edition_info(store)
    sources = sources_info(store, config)
    counts = store.delivery_counts()
    if level:
        name = level["name"] if lang == "nl" else level["name_en"]
        meaning = level["meaning"] if lang == "nl" else level["meaning_en"]
        level_html = (
            f'<div class="level" style="border-color:{COLOURS[level["level"]]}">'
            f'<span class="num" data-level="{level["level"]}">{level["level"]}</span>'
            f'<span class="of">{_e(t["of5"])}</span> <strong class="name">{_e(name)}</strong>'
            f'<p>{_e(meaning)} · {_e(t["since"])} {_e(level["since"])}</p></div>'
        )
    else:
        level_html = f'<p class="level unknown">{_e(t["unknown"])}</p>'
    if edition:
        links = "".join(f'<li><a href="{_e(ln["url"])}">{_e(ln["title"] or ln["url"])}</a> ({_e(ln["source"])})</li>'
                        for ln in edition["links"])
        edition_html = (f'<p class="edition"><strong>{_e(edition["label"])}</strong> — {_e(edition["title"])}'
                        f' · {_e(t["published"])} {_e(edition["published"] or "?")}</p><ul>{links}</ul>')
    else:
        edition_html = f"<p>{_e(t['none'])}</p>"
    rows = []
    for s in sources:
        state = t["failing"] if s["failing"] else (t["degraded"] if s["degraded"] else t["ok"])
        cls = "bad" if s["failing"] else ("warn" if s["degraded"] else "good")
        rows.append(f'<tr><td>{_e(s["id"])}</td><td>{_e(s["last_check"] or t["never"])}</td>'
                    f'<td>{_e(s["last_success"] or t["never"])}</td><td class="{cls}">{_e(state)}</td></tr>')
    events = []
    for ev in store.recent_events(10):
        label = EVENT_LABELS[lang].get(ev.kind, ev.kind)
        detail = ""
        p = ev.payload
        if ev.kind == "level_changed" and p.get("from_level"):
            detail = f'{p["from_level"]} → {p["to_level"]}'
        elif ev.kind == "new_edition":
            detail = str(p.get("edition") or "")
        elif "source" in p:
            detail = str(p["source"])
        events.append(f"<li><time>{_e(ev.created_at)}</time> {_e(label)}: {_e(detail)}</li>")
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="300">
<title>{_e(t["title"])}</title>
<link rel="alternate" type="application/atom+xml" href="/feed.atom" title="{_e(t["feed"])}">
<style>
body{{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#111;line-height:1.4}}
.level{{border-left:.6rem solid;padding:.5rem 1rem;margin:1rem 0}}
.level .num{{font-size:4rem;font-weight:700}} .level .name{{font-size:2rem}}
table{{border-collapse:collapse;width:100%}} td,th{{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}}
.good{{color:#1b5e20}} .warn{{color:#8a5300}} .bad{{color:#b71c1c;font-weight:700}}
svg.timeline{{width:100%;height:auto}} a{{color:#0b57d0}}
</style></head><body>
<header><h1>{_e(t["title"])}</h1><p><a href="/?lang={t["other_lang"]}" hreflang="{t["other_lang"]}">{_e(t["other"])}</a> ·
<a href="/feed.atom">{_e(t["feed"])}</a></p></header>
<main>
<section aria-labelledby="h-level"><h2 id="h-level">{_e(t["level"])}</h2>{level_html}</section>
<section aria-labelledby="h-ed"><h2 id="h-ed">{_e(t["edition"])}</h2>{edition_html}</section>
<section aria-labelledby="h-tl"><h2 id="h-tl">{_e(t["timeline"])}</h2>{timeline_svg(store, lang)}</section>
<section aria-labelledby="h-src"><h2 id="h-src">{_e(t["sources"])}</h2>
<table><thead><tr><th>{_e(t["source"])}</th><th>{_e(t["last_check"])}</th><th>{_e(t["last_success"])}</th><th>{_e(t["state"])}</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table></section>
<section aria-labelledby="h-ev"><h2 id="h-ev">{_e(t["events"])}</h2><ul>{"".join(events) or "<li>" + _e(t["none"]) + "</li>"}</ul>
<p>{_e(t["deliveries"])}: {counts.get("sent", 0)} {_e(t["sent"])}, {counts.get("pending", 0) + counts.get("failed", 0)} {_e(t["pending"])}, {counts.get("dead", 0)} {_e(t["dead"])}</p></section>
</main></body></html>
"""


def render_feed(store: Store, base_url: str) -> str:
    """Atom 1.0 feed of new editions and level changes, with stable tag: ids."""
    events = store.recent_events(50, kinds=("new_edition", "level_changed"))
    updated = events[0].created_at if events else "2005-05-01T00:00:00+00:00"
    entries = []
    for ev in events:
        p = ev.payload
        if ev.kind == "level_changed":
            to = p.get("to_level")
            title = f"Dreigingsniveau: {p.get('from_level')} → {to} ({LEVELS[to].name if to in LEVELS else '?'})"
        else:
            title = f"Nieuw Dreigingsbeeld Terrorisme Nederland: {p.get('edition')}"
        links = p.get("links") or []
        href = links[0]["url"] if links else base_url + "/"
        summary = str(p.get("evidence") or p.get("title") or title)
        entries.append(
            "<entry>"
            f"<id>tag:dtn-monitor,2005:{escape(ev.key)}</id>"
            f"<title>{escape(title)}</title>"
            f"<updated>{escape(ev.created_at)}</updated><published>{escape(ev.created_at)}</published>"
            f'<link rel="alternate" href="{escape(href, {chr(34): "&quot;"})}"/>'
            f"<summary>{escape(summary)}</summary>"
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        "<id>tag:dtn-monitor,2005:feed</id>"
        "<title>dtn-monitor: Dreigingsbeeld Terrorisme Nederland en dreigingsniveau</title>"
        f"<updated>{escape(updated)}</updated>"
        f'<link rel="self" href="{escape(base_url)}/feed.atom"/><link rel="alternate" href="{escape(base_url)}/"/>'
        "<author><name>dtn-monitor</name></author>"
        + "".join(entries)
        + "</feed>\n"
    )
