"""The status page (GET /), rendered on the server: what an operator must be able to trust at a glance.

No JavaScript, no build step: plain HTML with inline SVG. It says where the level comes from
(live sources and when, or the built-in history not yet confirmed), each source's state with its
last error, times in Amsterdam time, and it fits a 390 px phone. Only public facts are shown:
levels, editions, public source URLs and health; never channel URLs or secrets.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from monitor.chart import COLOURS, timeline_svgs
from monitor.clock import SYSTEM, Clock
from monitor.config import Config
from monitor.page_text import EVENT_LABELS, TEXT, plain_when, when
from monitor.status import status
from monitor.store import Store

STATE_CLASS = {"ok": "good", "lagging": "warn", "changed_shape": "warn", "never_checked": "quiet",
               "disabled": "quiet", "never_succeeded": "bad", "failing": "bad"}
STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#111;line-height:1.4}
h1{font-size:1.5rem} h2{font-size:1.2rem;margin-top:1.5rem}
.level{border-left:.6rem solid;padding:.5rem 1rem;margin:1rem 0}
.level .num{font-size:4rem;font-weight:700} .level .name{font-size:2rem}
.provenance{margin:.25rem 0;font-size:.95rem} .provenance.history{color:#8a5300;font-weight:600}
.sources{list-style:none;padding:0;margin:0}
.sources li{display:grid;grid-template-columns:12rem 1fr 10rem 10rem;gap:.5rem;border-bottom:1px solid #ddd;padding:.4rem 0}
.sources li.head{font-weight:600} .sources .err{grid-column:2/5;color:#555;font-size:.9rem;overflow-wrap:anywhere}
.good{color:#1b5e20} .warn{color:#8a5300;font-weight:600} .bad{color:#b71c1c;font-weight:700} .quiet{color:#555}
svg.timeline{width:100%;height:auto} .tl-narrow{display:none} a{color:#0b57d0;overflow-wrap:anywhere}
.note{color:#555;font-size:.9rem}
@media (max-width:40rem){
 body{padding:0 .75rem} .level .num{font-size:3rem} .level .name{font-size:1.5rem}
 .sources li{grid-template-columns:1fr 1fr} .sources li.head{display:none}
 .sources .id{grid-column:1/3;font-weight:600} .sources .err{grid-column:1/3}
 .sources li>span:first-child+span{grid-column:1/3} .sources [data-label]::before{content:attr(data-label);color:#555}
 .tl-wide{display:none} .tl-narrow{display:block}
}
"""


def _e(value: object) -> str:
    return html.escape(str(value)) if value is not None else ""


def _level(data: dict[str, Any] | None, t: dict[str, str], lang: str, now: datetime) -> str:
    if not data:
        return f'<p class="level unknown">{_e(t["no_level"])}</p>'
    name = data["name"] if lang == "nl" else data["name_en"]
    meaning = data["meaning"] if lang == "nl" else data["meaning_en"]
    if data["provenance"] == "live":
        origin = t["live"].format(sources=", ".join(data["confirmed_by"]), when=plain_when(data["confirmed_at"], now, lang))
        provenance = f'<p class="provenance live">{_e(origin)}</p>'
    else:
        provenance = f'<p class="provenance history">{_e(t["history"].format(until=data["history_until"]))}</p>'
    return (f'<div class="level" style="border-color:{COLOURS[data["level"]]}">'
            f'<span class="num" data-level="{data["level"]}">{data["level"]}</span> '
            f'<span class="of">{_e(t["of5"])}</span> <strong class="name">{_e(name)}</strong>'
            f'<p>{_e(meaning)} · {_e(t["since"])} {when(data["since"], now, lang)}</p>{provenance}</div>')


def _edition(data: dict[str, Any] | None, t: dict[str, str]) -> str:
    if not data:
        return f"<p>{_e(t['none'])}</p>"
    links = "".join(f'<li><a href="{_e(ln["url"])}">{_e(ln["title"] or ln["url"])}</a> ({_e(ln["source"])})</li>'
                    for ln in data["links"])
    origin = f' <span class="note">({_e(t["edition_history"])})</span>' if data["provenance"] == "history" else ""
    return (f'<p class="edition"><strong>{_e(data["label"])}</strong> — {_e(data["title"])}'
            f' · {_e(t["published"])} {_e(data["published"] or "?")}{origin}</p>' + (f"<ul>{links}</ul>" if links else ""))


def _sources(rows: list[dict[str, Any]], t: dict[str, str], lang: str, now: datetime) -> str:
    items = [f'<li class="head"><span>{_e(t["source"])}</span><span>{_e(t["state"])}</span>'
             f'<span>{_e(t["last_check"])}</span><span>{_e(t["last_success"])}</span></li>']
    for s in rows:
        state = s["state"]
        label = t[state].format(since=plain_when(s["since"], now, lang)) if "{since}" in t[state] else t[state]
        if s["alerted"]:
            label += f" ({t['alerted']})"
        error = ""
        if s["last_error"] and state in ("never_succeeded", "failing", "changed_shape", "lagging"):
            error = (f'<span class="err">{_e(t["error"])} {when(s["last_error_at"], now, lang)}: '
                     f'{_e(s["last_error"])}</span>')
        items.append(f'<li data-state="{_e(state)}"><span class="id">{_e(s["id"])}</span>'
                     f'<span class="{STATE_CLASS[state]}">{_e(label)}</span>'
                     f'<span data-label="{_e(t["last_check"])}: ">{when(s["last_check"], now, lang)}</span>'
                     f'<span data-label="{_e(t["last_success"])}: ">{when(s["last_success"], now, lang)}</span>'
                     f"{error}</li>")
    return f'<ul class="sources">{"".join(items)}</ul>'


def _events(events: list[dict[str, Any]], lang: str, now: datetime) -> str:
    out = []
    for ev in events:
        p = ev["payload"]
        detail = ""
        if ev["kind"] == "level_changed" and p.get("from_level"):
            detail = f'{p["from_level"]} → {p["to_level"]}'
        elif ev["kind"] == "new_edition":
            detail = str(p.get("edition") or "")
        elif "source" in p:
            detail = str(p["source"])
        out.append(f'<li>{when(ev["created_at"], now, lang)} {_e(EVENT_LABELS[lang].get(ev["kind"], ev["kind"]))}: '
                   f"{_e(detail)}</li>")
    return "".join(out) or f"<li>{_e(TEXT[lang]['none'])}</li>"


def render_page(store: Store, config: Config | None, lang: str = "nl", clock: Clock = SYSTEM) -> str:
    lang = lang if lang in TEXT else "nl"
    t = TEXT[lang]
    now = clock.now()
    data = status(store, config)
    ob = data["outbox"]
    history_note = ""
    if data["level"] and data["level"]["provenance"] == "history":
        history_note = f'<p class="note">{_e(t["history_note"].format(until=data["level"]["history_until"]))}</p>'
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="300">
<title>{_e(t["title"])}</title>
<link rel="alternate" type="application/atom+xml" href="/feed.atom" title="{_e(t["feed"])}">
<style>{STYLE}</style></head><body>
<header><h1>{_e(t["title"])}</h1><p><a href="/?lang={t["other_lang"]}" hreflang="{t["other_lang"]}">{_e(t["other"])}</a> ·
<a href="/feed.atom">{_e(t["feed"])}</a></p></header>
<main>
<section aria-labelledby="h-level"><h2 id="h-level">{_e(t["level"])}</h2>{_level(data["level"], t, lang, now)}</section>
<section aria-labelledby="h-src"><h2 id="h-src">{_e(t["sources"])}</h2>{_sources(data["sources"], t, lang, now)}</section>
<section aria-labelledby="h-ed"><h2 id="h-ed">{_e(t["edition"])}</h2>{_edition(data["newest_edition"], t)}</section>
<section aria-labelledby="h-tl"><h2 id="h-tl">{_e(t["timeline"])}</h2>{timeline_svgs(store, t["timeline"], now)}{history_note}</section>
<section aria-labelledby="h-ev"><h2 id="h-ev">{_e(t["events"])}</h2><ul>{_events(data["recent_events"], lang, now)}</ul>
<p>{_e(t["deliveries"])}: {ob["sent"]} {_e(t["sent"])}, {ob["pending"] + ob["failed"]} {_e(t["pending"])}, {ob["dead"]} {_e(t["dead"])}</p></section>
</main></body></html>
"""
