"""The Atom feed (GET /feed.atom) of new editions and level changes, with stable tag: ids."""

from __future__ import annotations

from xml.sax.saxutils import escape

from monitor.levels import LEVELS
from monitor.store import Store


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
