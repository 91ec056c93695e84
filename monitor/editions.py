"""DTN editions and the one parser of their names, for titles, URLs and prose alike.

Editions were numbered until 2022 ("DTN 51", "het 38e Dreigingsbeeld", "dreigingsbeeld-terrorisme-
nederland-51", "Terrorist Threat Assessment Netherlands 42") and are named by month since
December 2023 ("Dreigingsbeeld Terrorisme Nederland december 2023", "DTN – november 2026",
"Terrorist Threat Assessment for the Netherlands (DTN) - November 2026"). A number followed by
a month is a day ("… Nederland 12 november 2026" is the November 2026 edition), and a range in
a history table ("DTN 1 -7", "DTN 32 - heden") names no edition.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from monitor.dates import MONTH_ALT, MONTHS
from monitor.lazy_re import lazy

MONTH_NAMES_NL = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                  "oktober", "november", "december"]
MAX_NUMBER = 150


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
        return f"DTN {MONTH_NAMES_NL[int(m) - 1]} {y}" if 1 <= int(m) <= 12 else f"DTN {self.year_month}"


@dataclass(frozen=True)
class EditionMention:
    edition: Edition
    start: int
    end: int


_FULL = (
    r"(?:dreigingsbeeld\s+terrorisme\s+nederland"
    r"|terror(?:ist|ism)\s+threat\s+assessment\s+(?:for\s+|of\s+)?(?:the\s+)?netherlands)"
)
_ABBR = r"(?:dtn|ttan)"
_MARK = r"(?:(?:nr|no|nummer|number)\s*\.?\s*|#\s*)"
_NOT_RANGE_OR_DAY = rf"(?![.,]?\d)(?!\s*[-–]\s*(?:\d|heden|now))(?!\s*(?:{MONTH_ALT})\b)"
_NUM = rf"(?P<n>\d{{1,3}})\b{_NOT_RANGE_OR_DAY}"

_NUMBERED = [
    # Dreigingsbeeld Terrorisme Nederland (DTN) nr. 51 · … van NCTV nr. 51 · Terrorist Threat Assessment Netherlands 42
    lazy(
        rf"\b{_FULL}\s*(?:\(?\s*{_ABBR}\s*\)?\s*)?(?:van\s+(?:de\s+)?nctv\s+)?[-–:]?\s*{_MARK}?{_NUM}", re.I
    ),
    # DTN 51 · DTN-51 · DTN nr48 · DTN51 · dtn8
    lazy(rf"\b{_ABBR}\s*[-–]?\s*{_MARK}?{_NUM}", re.I),
    # het 38e Dreigingsbeeld · de 57e editie (uitgave) van het Dreigingsbeeld · het 45e rapport over het DTN · 48ste DTN ·
    # the 51st Terrorist Threat Assessment
    lazy(
        r"\b(?P<n>\d{1,3})\s*(?:e|ste|de|st|nd|rd|th)\s+(?:(?:editie|uitgave)\s+van\s+het\s+|rapport\s+over\s+het\s+|"
        r"(?:edition|issue|report)\s+(?:of|on)\s+the\s+)?"
        r"(?:dreigingsbeeld|dtn\b|terror(?:ist|ism)\s+threat\s+assessment)",
        re.I,
    ),
    # Dreigingsbeeld nr. 51
    lazy(rf"\bdreigingsbeeld\s+{_MARK}(?P<n>\d{{1,3}})\b", re.I),
    # nummer 53 van het Dreigingsbeeld Terrorisme Nederland · editie 44 van het DTN · number 40 of the Threat Assessment
    lazy(rf"\b(?:nummer|nr\.?|editie|uitgave|number|no\.|edition|issue)\s*(?P<n>\d{{1,3}})\s+(?:van|of)\s+"
         rf"(?:het\s+|de\s+|the\s+)?(?:{_FULL}|dreigingsbeeld|{_ABBR}\b|terror(?:ist|ism)\s+threat\s+assessment)", re.I),
]
_ORDINAL_BEFORE = [_NUMBERED[2]]
# after a small ordinal, a year makes it a count within that year ("de 2e editie van het DTN van 2024"), not a number
_WITHIN_A_YEAR = lazy(r"(?:\s+terrorisme\s+nederland)?\s+(?:van|of)\s+(?:dit\s+jaar|this\s+year|(?:19|20)\d\d)\b", re.I)
_MONTHLY = lazy(
    rf"(?:\b{_FULL}|\b{_ABBR}\b)\s*(?:\(\s*{_ABBR}\s*\)\s*)?[-–:,]?\s*(?:van\s+|of\s+)?(?:\d{{1,2}}\s+)?"
    rf"(?P<month>{MONTH_ALT})\.?\s+(?P<year>(?:19|20)\d\d)\b",
    re.I,
)
_NAMES = lazy(rf"dreigingsbeeld\s+terrorisme|\b{_ABBR}(?:\b|\d)|terror(?:ist|ism)\s+threat\s+assessment", re.I)
_DIGIT = re.compile(r"\d")
_SLUG_JOINERS = lazy(r"(?<=\w)[-_+/]+(?=\w)|(?<=\.)-(?=\d)")


def _plain(text: str) -> str:
    """URL slugs and titles read alike: 'dreigingsbeeld-terrorisme-nederland-51' → '… nederland 51'."""
    return _SLUG_JOINERS.sub(" ", text)


@functools.lru_cache(maxsize=8192)
def names_edition(text: str) -> bool:
    """Does this title, link text or URL name a Dreigingsbeeld Terrorisme Nederland / DTN?"""
    return bool(_NAMES.search(text) or _NAMES.search(_plain(text)))


def _may_name(text: str) -> bool:
    """Every form above needs a digit and one of these words: a cheap test that rules out most links and
    addresses before the patterns run. Slug joiners (_plain) cannot make one appear. Text beyond ASCII goes
    to the patterns, whose case-insensitive matching is wider than str.lower()."""
    if not _DIGIT.search(text):
        return False
    if not text.isascii():
        return True
    low = text.lower()
    return "dreigingsbeeld" in low or "dtn" in low or "ttan" in low or "threat" in low


def find_editions(text: str) -> list[EditionMention]:
    """Every edition named in `text`, in order of position (overlapping forms counted once)."""
    if not _may_name(text):
        return []
    found: list[EditionMention] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for m in _MONTHLY.finditer(text):
        if any(rx.search(text, max(0, m.start() - 8), m.end()) for rx in _ORDINAL_BEFORE):
            continue  # "the 23rd Terrorist Threat Assessment Netherlands of December 2010": the number names it
        month = MONTHS[m.group("month").lower().rstrip(".")]
        found.append(EditionMention(Edition(year_month=f"{int(m.group('year')):04d}-{month:02d}"), m.start(), m.end()))
        taken.append((m.start(), m.end()))
    for rx in _NUMBERED:
        for m in rx.finditer(text):
            n = int(m.group("n"))
            if not 1 <= n <= MAX_NUMBER or not free(m.start(), m.end()):
                continue
            if rx is _NUMBERED[2] and n <= 4 and _WITHIN_A_YEAR.match(text, m.end()):
                continue
            found.append(EditionMention(Edition(number=n), m.start(), m.end()))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda e: e.start)


@functools.lru_cache(maxsize=8192)
def edition_from_text(*texts: str | None) -> Edition | None:
    """The edition a title or URL names, from the first text that names one."""
    for text in texts:
        if not text or not _may_name(text):
            continue
        for candidate in (text, _plain(text)):
            mentions = find_editions(candidate)
            if mentions:
                return mentions[0].edition
    return None
