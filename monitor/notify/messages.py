"""Alert texts, in Dutch or English, shaped for the channel they go to.

Several events for one channel become one digest message. Every message names each event's
key ('Kenmerk'/'Ref'), so the one possible repeat (a send the channel accepted just before a
crash) is recognisable. Templates can be overridden per language and kind with files in
notifiers/templates/<lang>/<kind>.txt (Python str.format fields, see the README).
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.levels import LEVELS
from monitor.store import EventRow

# body length limits per apprise scheme (characters), kept under each service's own cap
LIMITS: dict[str, int] = {
    "discord": 1900, "tgram": 4000, "slack": 3500, "ntfy": 3900, "ntfys": 3900, "msteams": 20000,
    "matrix": 15000, "matrixs": 15000, "mmost": 3800, "mmosts": 3800, "rocket": 3800, "signal": 2000,
    "json": 60000, "jsons": 60000,
}
EMAIL_SCHEMES = {"mailto", "mailtos", "email", "ses", "sendgrid", "mailgun", "sparkpost"}

TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "nl": {
        "level_changed": (
            "Dreigingsniveau {direction_nl}: {from_level} → {to_level} ({to_name})",
            "De NCTV heeft het nationale dreigingsniveau {direction_nl} van {from_desc} naar {to_desc}.\n"
            "{edition_line}Bevestigd door: {sources}\n{links}\n{evidence}",
        ),
        "new_edition": (
            "Nieuw Dreigingsbeeld Terrorisme Nederland: {edition}",
            "{title}\nGepubliceerd: {published}\n{level_line}{links}\n{evidence}",
        ),
        "level_unclear": ("Dreigingsniveau onduidelijk bij {source}", "De tekst noemt geen eenduidig niveau:\n{evidence}\n{links}"),
        "sources_disagree": (
            "Bronnen zijn het oneens over het dreigingsniveau",
            "{source} meldt {reported_desc}, terwijl {others} {current_desc} meld(t/en).\n{evidence}\n{links}",
        ),
        "source_failing": ("Bron faalt: {source}", "{source} faalde {failures} keer op rij. Laatste fout: {error}"),
        "source_recovered": ("Bron hersteld: {source}", "{source} werkt weer ({reason})."),
        "source_degraded": ("Bron veranderd van vorm: {source}", "{source}: {reason}. Controleer de pagina en de instellingen."),
        "state_unwritable": (
            "dtn-monitor kan zijn toestand niet opslaan",
            "De database {path} weigert te schrijven ({error}). Controles gaan door maar nieuwe meldingen wachten tot "
            "er weer geschreven kan worden. Controleer schijfruimte en rechten.",
        ),
        "state_recovered": ("dtn-monitor slaat zijn toestand weer op", "De database {path} werkt weer."),
        "test": ("Testbericht van dtn-monitor", "Dit is een test van kanaal {channel}. Verzonden {created}."),
    },
    "en": {
        "level_changed": (
            "Threat level {direction_en}: {from_level} → {to_level} ({to_name_en})",
            "The NCTV has {direction_en} the national threat level from {from_desc} to {to_desc}.\n"
            "{edition_line}Confirmed by: {sources}\n{links}\n{evidence}",
        ),
        "new_edition": (
            "New Terrorist Threat Assessment Netherlands: {edition}",
            "{title}\nPublished: {published}\n{level_line}{links}\n{evidence}",
        ),
        "level_unclear": ("Threat level statement unclear at {source}", "The text states no clear level:\n{evidence}\n{links}"),
        "sources_disagree": (
            "Sources disagree on the threat level",
            "{source} reports {reported_desc}, while {others} report(s) {current_desc}.\n{evidence}\n{links}",
        ),
        "source_failing": ("Source failing: {source}", "{source} failed {failures} times in a row. Last error: {error}"),
        "source_recovered": ("Source recovered: {source}", "{source} works again ({reason})."),
        "source_degraded": ("Source changed shape: {source}", "{source}: {reason}. Check the page and the settings."),
        "state_unwritable": (
            "dtn-monitor cannot save its state",
            "The database {path} refuses writes ({error}). Checks go on, but new alerts wait until it can be written. "
            "Check disk space and permissions.",
        ),
        "state_recovered": ("dtn-monitor saves its state again", "The database {path} works again."),
        "test": ("dtn-monitor test message", "This is a test of channel {channel}. Sent {created}."),
    },
}


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    body_format: str  # "text" | "html" | "markdown"


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
    p["links"] = "\n".join(f"- {ln.get('source', '')}: {ln.get('url', '')}" for ln in links) if links else ""
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
    p["created"] = event.created_at
    return p


def _template(lang: str, kind: str) -> tuple[str, str]:
    override_dir = Path(os.environ.get("DTN_MONITOR_TEMPLATES", "notifiers/templates"))
    path = override_dir / lang / f"{kind}.txt"
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        title, _, body = text.partition("\n")
        return title.strip(), body.strip()
    table = TEMPLATES.get(lang, TEMPLATES["nl"])
    return table.get(kind, ("{kind}", "{payload}"))


def render_one(event: EventRow, lang: str, channel: str = "") -> tuple[str, str]:
    title_t, body_t = _template(lang, event.kind)
    values = _Safe(fields(event, lang, channel))
    values["kind"] = event.kind
    values["payload"] = str(event.payload)
    title = title_t.format_map(values)
    body = "\n".join(line for line in body_t.format_map(values).splitlines() if line.strip())
    ref = "Ref" if lang == "en" else "Kenmerk"
    return title, f"{body}\n{ref}: {event.key}"


def render(events: list[EventRow], *, lang: str, scheme: str, channel: str = "") -> Message:
    """One message for all `events`, in the channel's language and within its length limit."""
    parts = [render_one(e, lang, channel) for e in events]
    if len(parts) == 1:
        title, body = parts[0]
    else:
        title = (f"dtn-monitor: {len(parts)} alerts" if lang == "en" else f"dtn-monitor: {len(parts)} meldingen")
        # most important first: level changes, then editions, then operations
        order = {"level_changed": 0, "new_edition": 1}
        ranked = sorted(zip(events, parts, strict=True), key=lambda ep: order.get(ep[0].kind, 2))
        title = f"{ranked[0][1][0]} (+{len(parts) - 1})"
        body = "\n\n".join(f"■ {t}\n{b}" for _e, (t, b) in ranked)
    if scheme in EMAIL_SCHEMES:
        return Message(title, _as_html(body), "html")
    limit = LIMITS.get(scheme, 10000)
    if len(body) > limit:
        body = body[: limit - 20].rstrip() + "\n…"
    return Message(title[:250], body, "text")


def _as_html(body: str) -> str:
    lines = []
    for line in body.splitlines():
        esc = html.escape(line)
        if line.startswith("- ") and "http" in line:
            label, _, url = line[2:].partition(": ")
            esc = f'• {html.escape(label)}: <a href="{html.escape(url)}">{html.escape(url)}</a>'
        elif line.startswith("■ "):
            esc = f"<h3>{html.escape(line[2:])}</h3>"
        lines.append(esc)
    return "<html><body style=\"font-family:sans-serif\">" + "<br>\n".join(lines) + "</body></html>"
