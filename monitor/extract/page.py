"""The visible text of an HTML page as blocks, and the publication date its metadata gives.

Regular expressions, not a tree: the extractor only needs block-level text, and this is several
times faster than building a DOM for a 50 KB page (source adapters that need structure use lxml).
"""

from __future__ import annotations

import html
import re

from monitor import dates

_HTML_DATE = re.compile(
    r"<meta[^>]+(?:property|name)=[\"'](?:article:published_time|dcterms\.(?:issued|available|date)|DC\.date|date|"
    r"og:published_time)[\"'][^>]*content=[\"']([^\"']+)",
    re.I,
)


def html_date(page: str) -> str | None:
    """The date in the page's publication metadata (article:published_time, DC.date …), if any."""
    m = _HTML_DATE.search(page[:20000])
    return dates.parse_any(m.group(1)) if m else None


_DROP_SRC = (r"<(script|style|noscript|template|svg|nav|footer|form|button|iframe|aside|select|head)\b.*?</\1\s*>|"
             r"<!--.*?-->")
_BLOCK_SRC = (r"</?(?:p|div|section|article|li|h[1-6]|td|th|tr|dd|dt|blockquote|figcaption|header|main|title|br|ul|ol|"
              r"table|caption|hr)\b[^>]*>")
# lower-case tags (nearly every page) get the faster case-sensitive patterns
_DROP, _DROP_ANY_CASE = re.compile(_DROP_SRC, re.S), re.compile(_DROP_SRC, re.I | re.S)
_BLOCK, _BLOCK_ANY_CASE = re.compile(_BLOCK_SRC), re.compile(_BLOCK_SRC, re.I)
_UPPER_TAG = re.compile(r"</?[A-Z]")
_TAG = re.compile(r"<[^>]*>")
_MAIN = re.compile(r"<(main|article)\b[^>]*>(.*)</\1\s*>", re.I | re.S)
_ROLE_MAIN = re.compile(r"<(\w+)\b[^>]*role=[\"']main[\"'][^>]*>", re.I)
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.I | re.S)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.I | re.S)


def html_blocks(page: str) -> list[str]:
    """The visible text of a page as blocks, <main>/<article> preferred, menus and footers dropped."""
    any_case = bool(_UPPER_TAG.search(page))
    title = _TITLE.search(page[:20000])
    body = (_DROP_ANY_CASE if any_case else _DROP).sub(" ", page)
    main = _MAIN.search(body)
    if main:
        h1 = _H1.search(body)
        inner = main.group(2)
        if h1 and h1.group(0) not in inner:
            inner = h1.group(0) + inner  # the page's headline sits outside <main> on some templates
        body = inner
    else:
        role = _ROLE_MAIN.search(body)
        if role:
            body = body[role.start():]
    text = html.unescape(_TAG.sub("", (_BLOCK_ANY_CASE if any_case else _BLOCK).sub("\x00", body)))
    # whitespace collapsed once for the whole page (NUL, the block mark, is not whitespace), then cut into blocks
    out = [b for b in (b.strip() for b in " ".join(text.replace("\x00", " \x00 ").split()).split("\x00")) if b]
    if not out and title:
        out = [" ".join(html.unescape(_TAG.sub("", title.group(1))).split())]
    return out
