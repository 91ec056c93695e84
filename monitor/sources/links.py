"""Links that name a DTN edition, found fast on a page of ~450 links.

One rule for the `nctv` and `page` adapters. A cheap test on the raw text and address comes
first (a few substring checks); only the few links that pass are resolved and read in full.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin

from monitor.editions import names_edition

if TYPE_CHECKING:
    from lxml import etree


@functools.cache
def _title_xpath() -> etree.XPath:
    from lxml import etree

    return etree.XPath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6|.//*[contains(@class, 'title')]")

_SKIP = ("mailto:", "javascript:", "#", "tel:")
_IMAGE = (".jpg", ".jpeg", ".png", ".svg", ".gif", ".webp")


def edition_links(root: etree._Element, base_url: str, pattern: re.Pattern[str] | None = None) -> list[tuple[str, str]]:
    """(title, absolute URL) of every link under `root` whose text or address names a DTN (or matches
    `pattern`), once per URL with its longest text; a heading inside the link is its title."""
    seen: dict[str, str] = {}
    for a in root.iter("a"):
        href = a.get("href")
        if not href or href.startswith(_SKIP):
            continue
        raw = (a.text or "") if len(a) == 0 else "".join(a.itertext())
        if pattern is None and not _hinted(f"{raw}\x00{href}".lower()):
            continue
        heading = _title_xpath()(a) if len(a) else None
        text = " ".join(" ".join(heading[0].itertext()).split()) if heading else " ".join(raw.split())
        url = urldefrag(urljoin(base_url, href))[0]
        if pattern is not None:
            if not pattern.search(url) and not pattern.search(text):
                continue
        elif not (names_edition(text) or names_edition(url.rsplit("/", 1)[-1])):
            continue
        if url.lower().endswith(_IMAGE):
            continue
        if url not in seen or len(text) > len(seen[url]):
            seen[url] = text or url.rsplit("/", 1)[-1].replace("-", " ")
    return [(title, url) for url, title in seen.items()]


def _hinted(probe: str) -> bool:
    """The cheap first test (plain substring checks on the lower-cased text and address, no regex): only
    links that pass are read in full by names_edition, the one rule of what names a DTN."""
    return ("dreigingsbeeld" in probe or "dtn" in probe or "ttan" in probe
            or ("threat" in probe and "assessment" in probe))
