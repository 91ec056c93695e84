"""The facts a source yields: publications of a DTN edition and threat-level readings.

Facts are what gets compared between checks, never page text, so a redesigned menu or a
cookie banner cannot alert.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from monitor.extract import dates

_EDITION_NAME = re.compile(r"dreigingsbeeld|\bdtn\b|\bdtn\d|terrorist\s+threat\s+assessment", re.I)
_NUMBERED = [
    re.compile(r"\b(?:dtn|ttan)\s*[-–]?\s*(?:nr\.?|nummer|no\.?)?\s*(\d{1,3})\b(?!\s*[-–]\s*\d)", re.I),
    re.compile(r"dreigingsbeeld\s+terrorisme\s+nederland\s*(?:\(\s*dtn\s*\)\s*)?(?:nr\.?|nummer)?\s*(\d{1,3})\b", re.I),
    re.compile(r"terrorist\s+threat\s+assessment\s+(?:for\s+)?(?:the\s+)?netherlands\s*(?:\(\s*dtn\s*\)\s*)?(\d{1,3})\b", re.I),
    re.compile(r"\b(\d{1,3})\s*(?:e|ste|de|st|nd|rd|th)\s+(?:dreigingsbeeld|dtn)", re.I),
    re.compile(r"dreigingsbeeld[- ]terrorisme[- ]nederland[- ](?:nr[.-]?)?(\d{1,3})(?:\b|$)", re.I),
    re.compile(r"\bdtn[- ]?(\d{1,3})(?:\b|$)", re.I),
]
_MONTH_EDITION = re.compile(
    rf"(?:dreigingsbeeld\s+terrorisme\s+nederland|\bdtn|terrorist\s+threat\s+assessment(?:\s+for)?(?:\s+the)?\s+netherlands)"
    rf"[\s,(-]*(?:van\s+|of\s+)?({dates._MONTH_ALT})[\s-]+((?:19|20)\d\d)",
    re.I,
)


@dataclass(frozen=True)
class Edition:
    """A DTN edition: numbered until about 2022, named by month and year since December 2023."""

    number: int | None = None
    year_month: str | None = None  # 'YYYY-MM'

    @property
    def key(self) -> str:
        if self.number is not None:
            return f"dtn-{self.number}"
        return f"dtn-{self.year_month}"

    @property
    def label(self) -> str:
        if self.number is not None:
            return f"DTN {self.number}"
        y, m = (self.year_month or "0000-00").split("-")
        names = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                 "oktober", "november", "december"]
        return f"DTN {names[int(m) - 1]} {y}" if 1 <= int(m) <= 12 else f"DTN {self.year_month}"


def names_edition(text: str) -> bool:
    """Does this title, link text or URL name a Dreigingsbeeld / DTN?"""
    return bool(_EDITION_NAME.search(text.replace("-", " ")) or _EDITION_NAME.search(text))


def edition_from_text(*texts: str | None) -> Edition | None:
    """The edition a title or URL names: 'Dreigingsbeeld Terrorisme Nederland 51' or '… december 2023'."""
    for text in texts:
        if not text:
            continue
        for rx in _NUMBERED:
            m = rx.search(text)
            if m and 1 <= int(m.group(1)) <= 150:
                return Edition(number=int(m.group(1)))
        spaced = text.replace("-", " ")
        m2 = _MONTH_EDITION.search(spaced)
        if m2:
            month = dates.MONTHS[m2.group(1).lower()]
            return Edition(year_month=f"{int(m2.group(2)):04d}-{month:02d}")
    return None


@dataclass(frozen=True)
class Publication:
    """One source's report that an edition exists, with its own link and identity."""

    edition: Edition
    title: str
    url: str
    source_id: str
    doc_id: str  # the source's own identity for the document (URL, TK GUID, OB identifier)
    published: str | None = None
    level: int | None = None
    change_from: int | None = None
    change_to: int | None = None
    level_confidence: str | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class LevelReading:
    """What one source states as the current national level."""

    level: int
    confidence: str
    source_id: str
    url: str
    evidence: str
    change_from: int | None = None
    change_to: int | None = None


@dataclass
class SourceResult:
    """Everything one check of one source found."""

    source_id: str
    publications: list[Publication] = field(default_factory=list)
    levels: list[LevelReading] = field(default_factory=list)
    unclear: list[str] = field(default_factory=list)  # level statements the extractor could not read
    documents: list[str] = field(default_factory=list)  # other document ids read (marked seen)
    not_modified: bool = False
    drift: str | None = None  # the page answered but no longer has the shape we read

    def facts_json(self) -> dict[str, Any]:
        return {
            "publications": [_pub_dict(p) for p in self.publications],
            "levels": [asdict(r) for r in self.levels],
            "unclear": list(self.unclear),
            "drift": self.drift,
        }

    @classmethod
    def from_facts_json(cls, source_id: str, data: dict[str, Any]) -> SourceResult:
        pubs = []
        for p in data.get("publications", []):
            ed = p.pop("edition")
            pubs.append(Publication(edition=Edition(**ed), **p))
        return cls(
            source_id=source_id,
            publications=pubs,
            levels=[LevelReading(**r) for r in data.get("levels", [])],
            unclear=list(data.get("unclear", [])),
            drift=data.get("drift"),
            not_modified=True,
        )


def _pub_dict(p: Publication) -> dict[str, Any]:
    d = asdict(p)
    d["edition"] = {"number": p.edition.number, "year_month": p.edition.year_month}
    return d
