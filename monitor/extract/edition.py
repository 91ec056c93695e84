"""Which numbered DTN edition a text is about (the one parser of names is monitor.editions).

A text names its own edition in its title or lead, beside words of publishing ("bied ik u aan",
"verschenen", "vandaag", "the latest"); editions named as background ("het vorige DTN (50)",
"sinds DTN 32", an agenda item "de brief … over de Samenvatting DTN 35") count against.
An edition named by month ("DTN december 2023") has no number: `dtn` stays empty.
"""

from __future__ import annotations

import re

from monitor.editions import find_editions
from monitor.extract.document import Document

_PUBLISHING = re.compile(
    r"aanbied|bied\w*\s+ik|biedt|bijgaand|verschenen|verschijnt|gepubliceerd|publiceer\w*|presenteer\w*|nieuwe?|"
    r"nieuwste|laatste|recente|jongste|samenvatting|summary|new|latest|published|publishes|present\w*|today|vandaag|"
    r"dit\s+(?:dreigingsbeeld|dtn)|this\s+(?:threat\s+)?assessment|this\s+dtn|onderwerp|subject|betreft|op\s+basis\s+van|"
    r"on\s+the\s+basis\s+of|based\s+on",
    re.I,
)
_BACKGROUND = re.compile(r"(?:vorige?|eerdere|voorgaande|previous|sinds|since|na|after|tot|ook\s+in|zoals\s+in|"
                         r"met\s+ingang\s+van|vanaf|as\s+of)\s+"
                         r"(?:het\s+|de\s+|the\s+)?$", re.I)
_CONTENTS = re.compile(r"^\s*(?:\d+(?:\.\d+)*|[ivx]+|appendix|bijlage)\b.{3,90}\s\d{1,3}\s*$", re.I)
_AGENDA = re.compile(r"^\s*[•\-–*]|\bd\.d\.|\bbrief\s+van\s+de\s+minister|\(kamerstuk", re.I)


def edition_number(doc: Document) -> tuple[int | None, str | None]:
    scores: dict[int, float] = {}
    evidence: dict[int, str] = {}
    for s in doc.sentences:
        low = s.text.lower()
        if "dtn" not in low and "dreigingsbeeld" not in low and "assessment" not in low and "ttan" not in low:
            continue
        for m in find_editions(s.text):
            n = m.edition.number
            if n is None:
                continue
            score = 1.0
            before = s.text[max(0, m.start - 30) : m.start]
            if _BACKGROUND.search(before):
                score -= 2.0
            if _PUBLISHING.search(s.text[max(0, m.start - 80) : m.end + 80]):
                score += 2.0
            if s.paragraph == 0 or s.in_title:
                score += 3.0
            if _AGENDA.search(s.text):
                score -= 3.0
            if _CONTENTS.match(s.text) and not s.text[m.end:].strip():
                score -= 3.0  # "5 Developments surrounding the DTN 24": a contents line and its page
            scores[n] = scores.get(n, 0.0) + score
            evidence.setdefault(n, s.text[:400])
    if not scores:
        return None, None
    best = max(scores, key=lambda n: (scores[n], n))
    return (best, evidence[best]) if scores[best] > 0 else (None, None)
