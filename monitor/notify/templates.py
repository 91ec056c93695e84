"""Alert templates: built-in Dutch and English texts per event kind, and the user's overrides.

An override is a file `notifiers/templates/<nl|en>/<kind>.txt` (or under
$DTN_MONITOR_TEMPLATES): first line the title, the rest the body, Python `{field}` names. A
broken override (an unmatched brace, a positional field) is a `TemplateError` that names the
file: it fails only the rows of the channels that use it, and `dtn-monitor validate` finds it
before any alert is due.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

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


class TemplateError(Exception):
    """A template override that cannot be used; the message names the file and the fault."""


def template_dir() -> Path:
    return Path(os.environ.get("DTN_MONITOR_TEMPLATES", "notifiers/templates"))


def template(lang: str, kind: str) -> tuple[str, str, str]:
    """(title, body, origin) for this language and kind: the override file if there is one."""
    path = template_dir() / lang / f"{kind}.txt"
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateError(f"{path}: cannot read the template: {exc}") from None
        title, _, body = text.partition("\n")
        _check_syntax(title, body, str(path))
        return title.strip(), body.strip(), str(path)
    table = TEMPLATES.get(lang, TEMPLATES["nl"])
    title, body = table.get(kind, ("{kind}", "{payload}"))
    return title, body, "built-in"


def _check_syntax(title: str, body: str, origin: str) -> None:
    for part in (title, body):
        try:
            fields = [f for _lit, f, _spec, _conv in string.Formatter().parse(part) if f is not None]
        except ValueError as exc:
            raise TemplateError(f"{origin}: {exc} (write a literal brace as {{{{ or }}}})") from None
        for f in fields:
            if f == "" or f.split(".")[0].split("[")[0].isdigit():
                raise TemplateError(f"{origin}: positional field {{{f}}} is not allowed; use names such as {{edition}}")
