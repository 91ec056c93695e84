"""Which document of an edition a record is: the letter, the report, an attachment, or a cover note.

A DTN reaches the Tweede Kamer and officiële bekendmakingen as several documents on one day:
the minister's letter ("Brief regering"), the report itself (a "Bijlage"), often an infographic,
and an internal cover note ("Beslisnota bij Kamerbrief over Dreigingsbeeld …"). The letter
titles the alert, the report and attachments are its links, and a cover note is neither: it is
not a publication, and its subject must never name the edition. One place for this rule, used
by every adapter that reads parliamentary records.
"""

from __future__ import annotations

import re

LETTER, REPORT, ATTACHMENT = "letter", "report", "attachment"
COVER_NOTE = "cover-note"  # not a publication: skipped

_COVER = re.compile(r"\bbeslisnota\b|\bnota\s+aan\s+de\s+minister\b", re.I)
_LETTER = re.compile(r"\bbrief\s+regering\b|\bkamerbrief\b|\baanbieding\b|\baanbiedingsbrief\b", re.I)
_ATTACHMENT = re.compile(r"\binfographic\b|\bfactsheet\b|\bsamenvatting\b|\bsummary\b|\bvisual\b", re.I)
_NOT_A_PUBLICATION = re.compile(
    r"\b(?:motie|amendement|verslag|stenogram|lijst\s+van\s+vragen|schriftelijke\s+vragen|antwoord\s+op|"
    r"agenda|convocatie|inbreng|nota\s+naar\s+aanleiding)\b", re.I)
LETTER_KINDS = frozenset({"brief regering", "brief", "kamerbrief"})
ATTACHMENT_KINDS = frozenset({"bijlage"})


def role_of(kind: str | None, *titles: str | None) -> str | None:
    """The role of a record from its kind (TK "Soort", OB document type) and titles; None when unsure.

    COVER_NOTE, or None-with-`is_publication` False, means: not a publication of the edition."""
    text = " ".join(t for t in titles if t)
    kind_low = (kind or "").strip().lower()
    if _COVER.search(text) or "beslisnota" in kind_low:
        return COVER_NOTE
    if kind_low in LETTER_KINDS:
        return LETTER
    if kind_low in ATTACHMENT_KINDS:
        return ATTACHMENT if _ATTACHMENT.search(text) else REPORT
    if kind_low:
        return None
    if _LETTER.search(text):
        return LETTER
    if _ATTACHMENT.search(text):
        return ATTACHMENT
    return None


def is_publication(kind: str | None, *titles: str | None) -> bool:
    """Is this record part of an edition's publication (letter, report, attachment), not a cover note,
    a motion, a debate report or a list of questions that only mentions the DTN?"""
    if role_of(kind, *titles) == COVER_NOTE:
        return False
    kind_low = (kind or "").strip().lower()
    if kind_low and kind_low not in LETTER_KINDS | ATTACHMENT_KINDS:
        return False
    return not (not kind_low and _NOT_A_PUBLICATION.search(" ".join(t for t in titles if t)))


def official_subject(identifier: str, subject: str) -> tuple[str, str | None]:
    """(title, kind) of an officiële bekendmakingen record from its identifier and subject line.

    A Kamerstuk's subject is "dossier; kind; subject" ("Terrorismebestrijding; Brief regering;
    Dreigingsbeeld Terrorisme Nederland 56" → "Brief regering: Dreigingsbeeld Terrorisme Nederland 56");
    a "blg-…" record is a Bijlage titled by its subject."""
    subject = " ".join(subject.split())
    parts = [p.strip() for p in subject.split(";") if p.strip()]
    if identifier.lower().startswith("blg-"):
        return subject, "Bijlage"
    if len(parts) >= 3:
        return f"{parts[-2]}: {parts[-1]}", parts[-2]
    return subject, None
