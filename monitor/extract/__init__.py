"""Facts out of text: DTN edition, national threat level, level change, publication date.

A pipeline a newcomer can read, one small stage per module:
text → `document` (title, paragraphs, cleaned sentences) → `statements` (levels bound to an
anchor, changes, with their time) → `scope` (whose level: NL, another country, a region,
another scale) → `decide` (one answer with a confidence). `edition` and `published` read the
DTN number and the text's own date. Only sentences that hold a level word are parsed, so a
long page costs little.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from monitor.levels import level_name

if TYPE_CHECKING:
    from monitor.extract.document import Document
    from monitor.extract.statements import Statement

# The stages are imported on first use: compiling their patterns costs ~80 ms, and a cycle of
# unchanged pages (all 304s) never reads a text.
HIGH, MEDIUM, LOW = "high", "medium", "low"

__all__ = ["HIGH", "LOW", "MEDIUM", "Extraction", "extract"]


@dataclass
class Extraction:
    dtn: int | None = None
    level: int | None = None
    level_name: str | None = None
    change_from: int | None = None
    change_to: int | None = None
    published: str | None = None
    confidence: str = LOW
    evidence: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dtn": self.dtn,
            "level": self.level,
            "level_name": self.level_name,
            "change_from": self.change_from,
            "change_to": self.change_to,
            "published": self.published,
            "confidence": self.confidence,
            "evidence": dict(self.evidence),
        }


def analyse(text: str, published: str | None = None, doc: Document | None = None) -> tuple[Document, list[Statement]]:
    """The document and every statement in it, timed and scoped (what `extract` decides from; also for debugging)."""
    from monitor.extract import document, scope, tense, timeline
    from monitor.extract.published import published as find_published
    from monitor.extract.statements import find_statements
    from monitor.extract.vocab import ANCHOR_WORD, THREAT_WORD

    doc = doc or document.read(text)
    if published is None:
        published = find_published(doc)[0]
    found: list[Statement] = []
    context_in: int | None = None  # the paragraph in which a level anchor was last said
    past_frame: int | None = None  # the paragraph that is telling an earlier time ("in maart 2013 … Op dat moment …")
    previous = None
    printed_scale = tense.legend([(s.index, s.text) for s in doc.sentences if s.candidate])
    for sentence in doc.sentences:
        if not sentence.candidate or sentence.index in printed_scale:
            previous = sentence
            continue  # (a candidate's whole block is candidate: a past frame set in its paragraph is seen)
        if previous is not None and previous.paragraph == sentence.paragraph - 1 and context_in != previous.paragraph:
            low = previous.text.lower()  # a heading just before ("Dreigingsniveau") speaks of the level too
            if ANCHOR_WORD.search(low) or (THREAT_WORD.search(low) and "niveau" in low):
                context_in = previous.paragraph
        previous = sentence
        if tense.tells_the_past(sentence.text):
            past_frame = sentence.paragraph
        referent = next((st.level for st in reversed(found) if st.level and st.sentence.index >= sentence.index - 2), None)
        new = find_statements(sentence, context_in in (sentence.paragraph, sentence.paragraph - 1), referent)
        if past_frame == sentence.paragraph:
            timeline.in_the_past(new)
        found += new
        low = sentence.text.lower()
        if ANCHOR_WORD.search(low) or (THREAT_WORD.search(low) and "niveau" in low):
            context_in = sentence.paragraph
    timeline.old_scale(found)
    scope.assign(doc, found)
    return doc, found


def extract(text: str, *, edition: bool = True) -> Extraction:
    """Facts a careful reader finds in one text (plain text or HTML).

    `edition=False` leaves the DTN number unread (`dtn` None): the sources read a text for its level and date and
    name editions from titles and links, and the number is the costliest stage after reading the text."""
    from monitor.extract import document
    from monitor.extract.decide import answer
    from monitor.extract.published import published as find_published

    doc = document.read(text)
    result = Extraction()
    result.published, date_evidence = find_published(doc)
    doc, found = analyse(text, result.published or "", doc)
    if edition:
        from monitor.extract.edition import edition_number

        result.dtn, dtn_evidence = edition_number(doc)
        if dtn_evidence:
            result.evidence["dtn"] = dtn_evidence
    if date_evidence:
        result.evidence["published"] = date_evidence
    decided = answer(found, doc.sentences, result.published)
    result.level, result.change_from, result.change_to = decided.level, decided.change_from, decided.change_to
    result.level_name = level_name(decided.level)
    result.evidence.update(decided.evidence)
    result.confidence = decided.confidence if decided.level is not None else (MEDIUM if result.dtn else LOW)
    return result
