"""The facts a source yields: publications of a DTN edition and threat-level readings.

Facts are what gets compared between checks, never page text, so a redesigned menu or a
cookie banner cannot alert.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from monitor.editions import Edition, edition_from_text, names_edition

__all__ = ["Edition", "LevelReading", "Publication", "SourceResult", "edition_from_text", "names_edition"]


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
    role: str | None = None  # letter, report, summary, attachment, page: which document of the edition


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

    def add(self, publication: Publication | None) -> None:
        if publication is not None:
            self.publications.append(publication)

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
