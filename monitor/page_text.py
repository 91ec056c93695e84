"""The words of the status page in Dutch and English, and times as people read them.

Times are shown in Europe/Amsterdam and relative ("3 min geleden"); the exact time is in the
element's `title` and `datetime` (hover, screen readers, machines).
"""

from __future__ import annotations

import html
from datetime import datetime

from monitor.clock import amsterdam, parse

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Dreigingsniveau terrorisme Nederland", "level": "Nationaal dreigingsniveau", "since": "sinds",
        "no_level": "Nog onbekend: nog geen bron heeft een dreigingsniveau laten zien.",
        "live": "Bevestigd door {sources}, laatst {when}.",
        "history": "Uit de ingebouwde geschiedenis (tot {until}), nog niet live bevestigd door een bron.",
        "edition": "Nieuwste Dreigingsbeeld Terrorisme Nederland", "edition_history": "uit de ingebouwde geschiedenis",
        "sources": "Bronnen", "timeline": "Verloop sinds 2005", "events": "Recente meldingen", "source": "bron",
        "last_check": "laatste controle", "last_success": "laatste succes", "state": "toestand",
        "never": "nooit", "none": "geen", "published": "gepubliceerd", "error": "fout",
        "feed": "Atom-feed van meldingen", "other": "English", "other_lang": "en", "deliveries": "Bezorging",
        "pending": "wachtend", "dead": "mislukt", "sent": "verzonden", "of5": "van 5",
        "never_checked": "nog niet gecontroleerd", "never_succeeded": "nog nooit gelukt", "ok": "in orde",
        "failing": "faalt sinds {since}", "lagging": "loopt achter sinds {since}",
        "changed_shape": "vorm veranderd sinds {since}", "disabled": "uitgeschakeld", "alerted": "gemeld",
        "history_note": "De ingebouwde geschiedenis loopt tot {until}; later is alleen live bekend.",
        "now": "zojuist", "minutes": "{n} min geleden", "hours": "{n} uur geleden", "days": "{n} dagen geleden",
        "day": "1 dag geleden", "in_future": "over {n} min",
    },
    "en": {
        "title": "Terrorist threat level, the Netherlands", "level": "National threat level", "since": "since",
        "no_level": "Not known yet: no source has shown a threat level.",
        "live": "Confirmed by {sources}, last {when}.",
        "history": "From the built-in history (up to {until}), not yet confirmed live by any source.",
        "edition": "Newest Terrorist Threat Assessment Netherlands", "edition_history": "from the built-in history",
        "sources": "Sources", "timeline": "Since 2005", "events": "Recent alerts", "source": "source",
        "last_check": "last check", "last_success": "last success", "state": "state",
        "never": "never", "none": "none", "published": "published", "error": "error",
        "feed": "Atom feed of alerts", "other": "Nederlands", "other_lang": "nl", "deliveries": "Deliveries",
        "pending": "pending", "dead": "dead", "sent": "sent", "of5": "of 5",
        "never_checked": "not checked yet", "never_succeeded": "never succeeded", "ok": "ok",
        "failing": "failing since {since}", "lagging": "lagging since {since}",
        "changed_shape": "shape changed since {since}", "disabled": "disabled", "alerted": "alerted",
        "history_note": "The built-in history ends at {until}; anything later is only known live.",
        "now": "just now", "minutes": "{n} min ago", "hours": "{n} h ago", "days": "{n} days ago",
        "day": "1 day ago", "in_future": "in {n} min",
    },
}
EVENT_LABELS = {
    "nl": {"level_changed": "Dreigingsniveau gewijzigd", "new_edition": "Nieuw DTN", "source_failing": "Bron faalt",
           "source_recovered": "Bron hersteld", "source_degraded": "Bron veranderd", "level_unclear": "Niveau onduidelijk",
           "sources_disagree": "Bronnen oneens", "state_unwritable": "Opslag weigert"},
    "en": {"level_changed": "Threat level changed", "new_edition": "New DTN", "source_failing": "Source failing",
           "source_recovered": "Source recovered", "source_degraded": "Source changed", "level_unclear": "Level unclear",
           "sources_disagree": "Sources disagree", "state_unwritable": "State unwritable"},
}


def ago(stamp: str, now: datetime, lang: str) -> str:
    """'3 min geleden', '2 uur geleden', '4 dagen geleden' (or a date beyond a week)."""
    t = TEXT[lang]
    seconds = (now - parse(stamp)).total_seconds()
    if seconds < -60:
        return t["in_future"].format(n=round(-seconds / 60))
    if seconds < 60:
        return t["now"]
    if seconds < 3600:
        return t["minutes"].format(n=int(seconds // 60))
    if seconds < 86400:
        return t["hours"].format(n=int(seconds // 3600))
    days = int(seconds // 86400)
    if days == 1:
        return t["day"]
    if days < 8:
        return t["days"].format(n=days)
    return parse(stamp).astimezone(amsterdam()).strftime("%Y-%m-%d")


def when(stamp: str | None, now: datetime, lang: str) -> str:
    """A <time> element: relative text, the exact Amsterdam time on hover. Dates alone stay dates."""
    if not stamp:
        return html.escape(TEXT[lang]["never"])
    if len(stamp) <= 10:  # a date ('2023-12-12') or a month
        return f'<time datetime="{html.escape(stamp)}">{html.escape(stamp)}</time>'
    try:
        local = parse(stamp).astimezone(amsterdam())
    except ValueError:
        return html.escape(stamp)
    exact = local.strftime("%Y-%m-%d %H:%M %Z")
    return (f'<time datetime="{html.escape(local.isoformat())}" title="{html.escape(exact)}">'
            f"{html.escape(ago(stamp, now, lang))}</time>")


def plain_when(stamp: str | None, now: datetime, lang: str) -> str:
    """The same without markup (for text inside a sentence's format string, escaped by the caller)."""
    if not stamp:
        return TEXT[lang]["never"]
    if len(stamp) <= 10:
        return stamp
    local = parse(stamp).astimezone(amsterdam())
    return f"{ago(stamp, now, lang)} ({local.strftime('%Y-%m-%d %H:%M')})"
