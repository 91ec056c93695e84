"""Turn HTML or PDF-ish text into clean paragraphs and sentences.

The extractor reads sentences, so this module decides what a sentence is: hard-wrapped
PDF lines are joined, hyphenated words are mended, quotes are unified and headings stay
on their own.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from monitor.lazy_re import lazy

if TYPE_CHECKING:  # lxml is imported when a page is parsed: a cycle of 304s never needs it
    import lxml.html
    from lxml import etree

_BLOCK_TAGS = {
    "p", "div", "section", "article", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "br", "tr", "table", "header", "footer", "main", "title", "dd", "dt", "blockquote", "figcaption",
}
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "nav", "form", "button", "iframe")

QUOTES = "'\"‘’‚‛“”„«»‹›`´"
_QUOTE_RE = lazy(f"[{re.escape(QUOTES)}]")
_HYPHEN_BREAK = re.compile(r"(\w)-\s*\n\s*([a-zà-ÿ])")
_ABBREVIATIONS = {
    "nr", "jl", "o.a", "bijv", "dhr", "mr", "drs", "ca", "resp", "st", "e.d", "mw", "prof", "dr",
    "vs", "etc", "blz", "art", "i.p.v", "m.b.t", "t.a.v", "d.w.z", "z.g.a.n", "jr", "vgl", "no",
    "mrs", "inc", "e.g", "i.e", "kamerstukken", "ii", "i",
}


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return bool(re.search(r"<(html|body|div|p|article|main|head|meta|h1|h2|span|a)\b", head))


def html_document(html: str | bytes) -> lxml.html.HtmlElement | None:
    import lxml.html
    from lxml import etree

    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def html_to_text(html: str | bytes, *, main_only: bool = True) -> str:
    """Visible text of a page, one block element per paragraph.

    With `main_only`, the <main>/<article> element is preferred when present so that menus,
    cookie banners and footers never feed the extractor.
    """
    doc = html_document(html)
    if doc is None:
        return ""
    return element_text(doc, main_only=main_only)


def element_text(doc: lxml.html.HtmlElement, *, main_only: bool = True) -> str:
    for bad in doc.iter(*_DROP_TAGS):
        bad.drop_tree() if bad.getparent() is not None else None
    root = doc
    if main_only:
        for xpath in ("//main", "//article", "//*[@role='main']", "//body"):
            found = doc.xpath(xpath)
            if found:
                root = found[0]
                break
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag.lower() in _BLOCK_TAGS
        if block:
            parts.append("\n\n")
        if el.text and tag.lower() not in _DROP_TAGS:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n\n")

    walk(root)
    text = "".join(parts)
    text = re.sub(r"[ \t\r\f\v\xa0]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def normalise(text: str) -> str:
    """Mend what PDF conversion and markup do to prose, keeping paragraph breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").replace("\u00ad", "")
    text = re.sub(r"</?sup>\s*\d*\s*(</sup>)?", " ", text)  # footnote markers
    text = re.sub(r"\*\*|__", "", text)
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    text = re.sub(r"[ \t]+", " ", text)
    return text


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks, each with its hard wraps joined."""
    blocks = re.split(r"\n\s*\n", normalise(text))
    out = []
    for block in blocks:
        joined = " ".join(line.strip() for line in block.split("\n") if line.strip())
        if joined:
            out.append(joined)
    return out


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph; abbreviations such as 'nr.' and 'jl.' do not end one."""
    sentences: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?]+(?=\s+[\"'‘“«(A-Z0-9À-Ý])", paragraph):
        before = paragraph[start : m.start()]
        word = re.search(r"([\w.]+)$", before)
        if m.group(0) == "." and word:
            w = word.group(1).lower().rstrip(".")
            if w in _ABBREVIATIONS or (len(w) == 1 and w.isalpha()) or re.fullmatch(r"(\w\.)+\w", w):
                continue
        sentences.append(paragraph[start : m.end()].strip())
        start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def sentences(text: str) -> list[tuple[int, str]]:
    """(paragraph index, sentence) for the whole text, in order."""
    out: list[tuple[int, str]] = []
    for i, para in enumerate(paragraphs(text)):
        out.extend((i, s) for s in split_sentences(para))
    return out


def unquote(sentence: str) -> str:
    """Quotes and guillemets become spaces: «substantieel» and 'substantieel' read the same."""
    return re.sub(r"\s+", " ", _QUOTE_RE.sub(" ", sentence))
