"""Alert texts, in Dutch or English, shaped for the channel they go to.

Several events for one channel become a digest. A digest that would pass a service's length
limit is split into several messages, never cut: every event (and its key, 'Kenmerk'/'Ref',
which makes the one possible repeat — a send the channel accepted just before a crash —
recognisable) arrives. Only a single event longer than the limit is shortened, keeping its key.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from monitor.clock import local_text
from monitor.levels import LEVELS
from monitor.notify.templates import TEMPLATES, TemplateError, template, template_dir
from monitor.store import EventRow

# body length limits per apprise scheme (characters), kept under each service's own cap
LIMITS: dict[str, int] = {
    "discord": 1900, "tgram": 4000, "slack": 3500, "ntfy": 3900, "ntfys": 3900, "msteams": 20000,
    "workflows": 20000, "matrix": 15000, "matrixs": 15000, "mmost": 3800, "mmosts": 3800, "rocket": 3800,
    "signal": 2000, "json": 60000, "jsons": 60000,
}
DEFAULT_LIMIT = 10000
EMAIL_SCHEMES = {"mailto", "mailtos", "email", "ses", "sendgrid", "mailgun", "sparkpost"}
IMPORTANCE = {"level_changed": 0, "new_edition": 1}


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    body_format: str  # "text" | "html" | "markdown"
    keys: tuple[str, ...] = ()  # the events this message carries


class _Safe(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def _desc(level: Any, lang: str) -> str:
    if level not in LEVELS:
        return "?"
    lv = LEVELS[level]
    if lang == "en":
        return f"{lv.number} ({lv.name_en}: {lv.meaning_en})"
    return f"{lv.number} ({lv.name}: {lv.meaning})"


def fields(event: EventRow, lang: str, channel: str = "") -> dict[str, Any]:
    p = dict(event.payload)
    en = lang == "en"
    links = p.get("links") or []
    p["links"] = "\n".join(f"- {ln.get('title') or ln.get('source', '')}: {ln.get('url', '')}" for ln in links) if links else ""
    p["evidence"] = f"«{p['evidence']}»" if p.get("evidence") else ""
    p["sources"] = ", ".join(p.get("sources") or []) or "-"
    p["others"] = ", ".join(p.get("others") or []) or "-"
    for key, name in (("from_level", "from_desc"), ("to_level", "to_desc"), ("level", "level_desc"),
                      ("reported", "reported_desc"), ("current", "current_desc")):
        if p.get(key) is not None:
            p[name] = _desc(p[key], lang)
    if p.get("to_level") in LEVELS:
        p["to_name"] = LEVELS[p["to_level"]].name
        p["to_name_en"] = LEVELS[p["to_level"]].name_en
    if p.get("from_level") in LEVELS and p.get("to_level") in LEVELS:
        up = p["to_level"] > p["from_level"]
        p["direction_nl"] = "verhoogd" if up else "verlaagd"
        p["direction_en"] = "raised" if up else "lowered"
    if p.get("edition"):
        p["edition_line"] = ("Edition: " if en else "Editie: ") + str(p["edition"]) + "\n"
    if p.get("level") in LEVELS:
        change = ""
        if p.get("change_from") in LEVELS and p.get("change_to") in LEVELS:
            change = f" ({p['change_from']} → {p['change_to']})"
        p["level_line"] = ("Threat level: " if en else "Dreigingsniveau: ") + _desc(p["level"], lang) + change + "\n"
    p["published"] = p.get("published") or ("unknown" if en else "onbekend")
    p["channel"] = channel
    p["created"] = local_text(event.created_at)
    return p


def render_one(event: EventRow, lang: str, channel: str = "") -> tuple[str, str]:
    """(title, body) of one event; the body ends with the event's key."""
    title_t, body_t, origin = template(lang, event.kind)
    values = _Safe(fields(event, lang, channel))
    values["kind"] = event.kind
    values["payload"] = str(event.payload)
    try:
        title = title_t.format_map(values)
        body = "\n".join(line for line in body_t.format_map(values).splitlines() if line.strip())
    except (ValueError, AttributeError, IndexError, KeyError, TypeError) as exc:
        raise TemplateError(f"{origin}: cannot fill the {event.kind} template: {type(exc).__name__}: {exc}") from None
    ref = "Ref" if lang == "en" else "Kenmerk"
    return title, f"{body}\n{ref}: {event.key}"


def render(events: list[EventRow], *, lang: str, scheme: str, channel: str = "") -> list[Message]:
    """Messages for all `events`, in the channel's language, each within the service's length limit."""
    ranked = sorted(events, key=lambda e: IMPORTANCE.get(e.kind, 2))
    parts = [(e, *render_one(e, lang, channel)) for e in ranked]
    limit = LIMITS.get(scheme, DEFAULT_LIMIT) if scheme not in EMAIL_SCHEMES else 200_000
    groups: list[list[tuple[EventRow, str, str]]] = [[]]
    size = 0
    for part in parts:
        cost = len(part[1]) + len(part[2]) + 8
        if groups[-1] and size + cost > limit:
            groups.append([])
            size = 0
        groups[-1].append(part)
        size += cost
    messages = [_message(group, lang, scheme, limit) for group in groups if group]
    if len(messages) > 1:
        n = len(messages)
        messages = [Message(f"{m.title} [{i}/{n}]", m.body, m.body_format, m.keys) for i, m in enumerate(messages, 1)]
    return messages


def _message(group: list[tuple[EventRow, str, str]], lang: str, scheme: str, limit: int) -> Message:
    keys = tuple(e.key for e, _t, _b in group)
    if len(group) == 1:
        _e, title, body = group[0]
        body = _fit(body, limit)
    else:
        title = f"{group[0][1]} (+{len(group) - 1})"
        body = "\n\n".join(f"■ {t}\n{b}" for _e, t, b in group)
    if scheme in EMAIL_SCHEMES:
        return Message(title, _as_html(body), "html", keys)
    return Message(title[:250], body, "text", keys)


def _fit(body: str, limit: int) -> str:
    """Shorten one event's text to the limit, keeping its last line (the key)."""
    if len(body) <= limit:
        return body
    head, _, key_line = body.rpartition("\n")
    return head[: max(0, limit - len(key_line) - 4)].rstrip() + "\n…\n" + key_line


def _as_html(body: str) -> str:
    lines = []
    for line in body.splitlines():
        esc = html.escape(line)
        if line.startswith("- ") and "http" in line:
            label, _, url = line[2:].rpartition(": ")
            esc = f'• {html.escape(label)}: <a href="{html.escape(url)}">{html.escape(url)}</a>'
        elif line.startswith("■ "):
            esc = f"<h3>{html.escape(line[2:])}</h3>"
        lines.append(esc)
    return "<html><body style=\"font-family:sans-serif\">" + "<br>\n".join(lines) + "</body></html>"


SAMPLE_PAYLOADS: dict[str, dict[str, Any]] = {
    "level_changed": {"from_level": 4, "to_level": 3, "sources": ["nctv-dtn"], "evidence": "…", "links": [],
                      "edition": "DTN 51", "since": "2019-12-09"},
    "new_edition": {"edition": "DTN 51", "title": "Dreigingsbeeld Terrorisme Nederland 51", "published": "2019-12-09",
                    "links": [], "level": 3, "change_from": 4, "change_to": 3, "evidence": "…"},
    "sources_disagree": {"source": "a", "reported": 4, "current": 3, "others": ["b"], "links": []},
}


def check_templates() -> list[str]:
    """Render every override with a sample event of its kind: one problem per broken file (for `validate`)."""
    problems = []
    root = template_dir()
    if not root.is_dir():
        return []
    for path in sorted(root.glob("*/*.txt")):
        lang, kind = path.parent.name, path.stem
        if lang not in TEMPLATES:
            problems.append(f"{path}: unknown language folder {lang!r}; use nl/ or en/")
            continue
        if kind not in TEMPLATES["nl"]:
            problems.append(f"{path}: unknown event kind {kind!r}; known: {', '.join(sorted(TEMPLATES['nl']))}")
            continue
        sample = EventRow(0, f"sample:{kind}", kind, "2026-01-01T00:00:00+00:00",
                          SAMPLE_PAYLOADS.get(kind, {"source": "nctv-dtn", "error": "…", "reason": "…", "path": "…"}))
        try:
            render_one(sample, lang, "validate")
        except TemplateError as exc:
            problems.append(str(exc))
    return problems
