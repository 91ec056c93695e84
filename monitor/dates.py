"""Dates as government texts write them: '9 december 2019', '09-12-2019', '2019/6/24', RFC 822, ISO.

Every parser returns an ISO string: 'YYYY-MM-DD', or 'YYYY-MM' where only the month is known.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from monitor.lazy_re import lazy

MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "february": 2,
    "maart": 3, "mrt": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "augustus": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))

LONG_DATE = lazy(rf"\b(\d{{1,2}})\s+({MONTH_ALT})\.?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
EN_LONG_DATE = lazy(rf"\b({MONTH_ALT})\.?\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
MONTH_YEAR = lazy(rf"\b({MONTH_ALT})\s+((?:19|20)\d\d)\b", re.IGNORECASE)
NUMERIC_DMY = lazy(r"\b(\d{1,2})[-./](\d{1,2})[-./]((?:19|20)\d\d)\b")
ISO_DATE = lazy(r"\b((?:19|20)\d\d)-(\d{1,2})(?:-(\d{1,2}))?(?![\d-])")
PATH_DATE = lazy(r"/((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})/")


def _iso(year: int, month: int, day: int | None = None) -> str | None:
    try:
        if day is None:
            date(year, month, 1)
            return f"{year:04d}-{month:02d}"
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """The first date in `text` in any supported form, as ISO; None when there is none."""
    text = text.strip()
    candidates: list[tuple[int, str]] = []
    for m in LONG_DATE.finditer(text):
        iso = _iso(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if iso:
            candidates.append((m.start(), iso))
    for m in EN_LONG_DATE.finditer(text):
        iso = _iso(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))
        if iso:
            candidates.append((m.start(), iso))
    for m in NUMERIC_DMY.finditer(text):
        iso = _iso(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if iso:
            candidates.append((m.start(), iso))
    for m in ISO_DATE.finditer(text):
        iso = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
        if iso:
            candidates.append((m.start(), iso))
    if not candidates:
        for m in MONTH_YEAR.finditer(text):
            iso = _iso(int(m.group(2)), MONTHS[m.group(1).lower()])
            if iso:
                candidates.append((m.start(), iso))
    if not candidates:
        return None
    return min(candidates)[1]


def parse_rfc822(value: str) -> str | None:
    from email.utils import parsedate_to_datetime  # ~18 ms to import; only feeds and HTTP dates need it

    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def parse_any(value: str | None) -> str | None:
    """RSS, Atom, OData or free-text date → ISO date (or year-month)."""
    if not value:
        return None
    value = value.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    return parse_rfc822(value) or parse_date(value)


def date_from_url(url: str) -> str | None:
    """The CMS publication date in a Rijksoverheid-platform path: /2019/6/24/ (padding optional)."""
    m = PATH_DATE.search(url)
    if not m:
        return None
    return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
