"""The text's own date: a date line, a labelled date, a dateline, a 'Nieuwsbericht | 12-12-2023' line.

Only a date that the text gives as its own counts; a date inside a sentence about something
else does not. Order: a labelled or dateline date anywhere ("Datum 9 december 2019", "Den Haag,
24 juni 2019", "Vastgesteld 24 september 2025"), then a bare date line near the top ("4 March
2024", "donderdag, 7. november 2013 - 11:34"), then the stored-page marker (" date 2019-11";
a date line of the same month gives its day), then the page's metadata.
"""

from __future__ import annotations

import re

from monitor import dates
from monitor.extract.document import Document

_LABEL = re.compile(
    r"^\s*(?:[•·*-]\s*|\()?(?:datum(?:\s+laatste\s+aanpassing)?|date|voorgesteld|gepubliceerd(?:\s+op)?|publicatiedatum|documentdatum|datum\s+publicatie|"
    r"published(?:\s+on)?|publication\s+date|verschenen(?:\s+op)?|geplaatst(?:\s+op)?|laatst\s+gewijzigd|"
    r"vastgesteld|beantwoord|actueel\s+dreigingsniveau|posted(?:\s+on)?|updated(?:\s+on)?|reviewed|"
    r"bijgewerkt(?:\s+op)?|created)\s*[:|]?\s*(?P<d>.{4,40})",
    re.I,
)
# a letter's label column: "Datum" on its own line, the date on the next ("Datum\n5 februari 2015")
_LABEL_ALONE = re.compile(r"^\s*(?:datum|date|created|gepubliceerd|published|publicatiedatum)\s*:?\s*$", re.I)
# the outlet before a date line: "- The Washington Times - Wednesday, March 13, 2013"
_OUTLET = re.compile(r"^\s*[-–]?\s*(?:[A-Z][\w.&']*\s+){0,4}[A-Z][\w.&']*\s+[-–|]\s+")
# a letterhead's date in the middle of its line: "Division NCTb Date 9 September 2008 Our ref. …"
_LETTERHEAD = re.compile(r"\b(?:Datum|Date)\s*:?\s+(?P<d>\d{1,2}\s+[A-Za-z]+\s+(?:19|20)\d\d)\b")
_BYLINE = re.compile(
    r"^\s*(?:[\w ]{1,20}\|\s*)?(?:door|by)\s+[^-–|,]{2,40}?\s*(?:[-–|,]\s*(?P<d>\d.{5,30})"
    rf"|\s(?P<md>(?:{dates.MONTH_ALT})\.?\s+\d{{1,2}},?\s+(?:19|20)\d\d)\s*$)"  # "Local | By Correspondent December 5, 2025"
    r"|^\s*redactie\s+(?P<rd>\d{1,2}\s+[a-z]+\.?\s+(?:19|20)\d\d)",  # "Redactie 13 juni 2014, 00:00"
    re.I,
)
_LAST_UPDATED = re.compile(r"^\s*(?:last\s+updated|laatst\s+bijgewerkt)\s*(?:on|op)?\s*[:|]?\s*(?P<d>.{4,40})", re.I)
_META_LINE = re.compile(
    r"\b(?:nieuwsbericht|news\s+item|kamerstuk|publicatie|brief|rapport|toespraak|document|persbericht|press\s+release|"
    r"publication)\s*\|\s*(?P<d>\d{1,2}-\d{1,2}-\d{4})",
    re.I,
)
_DATELINE = re.compile(
    r"^\s*(?:den\s+haag|'s-gravenhage|’s-gravenhage|the\s+hague|amsterdam|brussel|brussels|xinhua|reuters|anp|afp|ap|"
    r"belga|dpa|sputnik|novum)\s*,\s*(?P<d>.{6,30})",
    re.I,
)
_WEEKDAY = (r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|monday|tuesday|wednesday|thursday|friday|"
            r"saturday|sunday|ma|di|wo|do|vr|za|zo|maa|din|woe|don|vri|zat|zon|mon|tue|wed|thu|fri|sat|sun)\.?")
_TIME = (r"(?:om\s+|at\s+)?\d{1,2}[:.h]\d{2}(?::\d{2})?(?:\s*(?:uur|u|am|pm))?"
         r"(?:\s*(?:gmt|utc|cet|cest|bst|[a-z]{1,3}t))?")
_BARE = re.compile(
    rf"^(?:{_WEEKDAY},?\s+)?(?:{_TIME}\s+)?(?P<d>\d{{1,2}}\.?\s+[a-z]+\.?\s+(?:19|20)\d\d|[a-z]+\.?\s+\d{{1,2}},?\s+(?:19|20)\d\d|"
    rf"\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:19|20)\d\d)(?:\s*[-|,]?\s*(?:{_TIME}))?"
    # then the line ends, goes on after a separator ("– Announced …", ", Comments"), or glues a page label on
    # ("27 oktober 2021Leestijd: 3 minuten")
    rf"(?:\s*(?:[-–—|,•·]|update:?).*|(?<=\d)[a-z].*)?$",
    re.I,
)


_ORDINAL_DAY = re.compile(r"^((?:\w+,?\s+)?\d{1,2})(?:st|nd|rd|th)\b", re.I)  # "9th December 2008"
_TITLE_DATE = re.compile(r"\((?P<d>\d{1,2}\s+[a-z]+\.?\s+(?:19|20)\d\d|[a-z]+\.?\s+\d{1,2},?\s+(?:19|20)\d\d)\)\s*$", re.I)
_ISO_DAY = re.compile(r"\b(?:19|20)\d\d-\d\d-\d\d(?=\b|T)")
_SHORT_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d\d)\b")


def _full(fragment: str, *, dateline: bool = False) -> str | None:
    fragment = fragment.strip().replace(". ", " ")
    m = re.match(r"((?:19|20)\d\d)-(\d{2})(?:-(\d{2}))?\b", fragment) or _ISO_DAY.search(fragment)
    if m:
        return dates.parse_date(m.group(0))  # an ISO date beside "3/6/2008" settles which is the month
    short = _SHORT_DMY.match(fragment) if dateline else None
    if short:  # "THE HAGUE, 27/04/07 –": a dateline's two-digit year
        day, month, year = (int(g) for g in short.groups())
        return dates.parse_date(f"{day}-{month}-{2000 + year if year < 70 else 1900 + year}")
    for rx in (dates.LONG_DATE, dates.EN_LONG_DATE, dates.NUMERIC_DMY):
        m2 = rx.search(fragment)
        if m2 and m2.start() < 15:
            return dates.parse_date(m2.group(0))
    m3 = dates.MONTH_YEAR.match(fragment)
    return dates.parse_date(m3.group(0)) if m3 else None


def published(doc: Document) -> tuple[str | None, str | None]:
    """(date, evidence): 'YYYY-MM-DD', or 'YYYY-MM' where only the month is given."""
    lines = doc.lines
    for ln in lines:
        label = _LABEL.match(ln) or _BYLINE.match(ln)
        m = label or _DATELINE.match(ln)
        if m:
            found = m.group("d") or m.groupdict().get("md") or m.groupdict().get("rd") or ""
            d = _full(found, dateline=label is None)
            if d:
                return d, ln[:200]
    for ln in lines:
        m = _META_LINE.search(ln)
        if m:
            d = dates.parse_date(m.group("d"))
            if d:
                return d, ln[:200]
    marker = doc.date_marker
    for i, ln in enumerate(lines[:8]):
        line = _ORDINAL_DAY.sub(r"\1", _OUTLET.sub("", ln)) if len(ln) <= 120 else ""
        m = _BARE.match(line.replace("7.", "7").strip()) or _BARE.match(re.sub(r"(\d)\.\s", r"\1 ", line))
        if m is None and i < 2:  # a title that ends with its date: "Security Alert – … (December 15, 2023)"
            m = _TITLE_DATE.search(line)
        if m:
            d = dates.parse_date(m.group("d").replace("/", "-"))
            if d and len(d) == 10 and (marker is None or d.startswith(marker[:7])):
                return d, ln
    # a letterhead's label column, after a bare date line; a "Datum" column lower down, or twice, dates a table
    labels = [i for i, ln in enumerate(lines[:25]) if _LABEL_ALONE.match(ln)]
    if len(labels) == 1 and labels[0] + 1 < len(lines):
        column, after = lines[labels[0]], lines[labels[0] + 1]
        d = _full(after[:40])
        if d:
            return d, f"{column} {after}"[:200]
    for ln in lines[:15]:
        m = _LETTERHEAD.search(ln)
        d = _full(m.group("d")) if m else None
        if d:
            return d, ln[:200]
    for ln in lines[:8]:  # "Last updated: 13 March, 2013": the site's stamp, when the text gives no other date
        m = _LAST_UPDATED.match(ln)
        d = _full(m.group("d").replace(",", " ")) if m else None
        if d and (marker is None or d.startswith(marker[:7])):
            return d, ln[:200]
    if marker and len(marker) == 7:  # a stored page's month: a date of that month in its first lines gives the day
        for ln in (ln for ln in lines[:3] if len(ln) <= 120):
            for rx in (dates.LONG_DATE, dates.EN_LONG_DATE, dates.NUMERIC_DMY):
                found = rx.search(ln)
                d = dates.parse_date(found.group(0)) if found else None
                if d and d.startswith(marker):
                    return d, ln[:200]
    if marker:
        return marker, f"date {marker}"
    if doc.html_date:
        return doc.html_date, "HTML metadata"
    return None, None
