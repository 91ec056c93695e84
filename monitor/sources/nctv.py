"""NCTV pages: the DTN topic page (current level), document lists and news items.

Written to survive a redesign: the current level is read from the text that follows its
label ("Actueel dreigingsniveau"), never from the first level word on the page (the topic page
also carries the history table); DTN publications are links whose text or target names a
Dreigingsbeeld/DTN, whatever their CSS classes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from monitor import dates
from monitor.editions import edition_from_text
from monitor.extract.text import element_text, html_document
from monitor.facts import SourceResult
from monitor.sources.base import ParseError, Source, SourceContext, compile_option, html_text, looks_like_error_page
from monitor.sources.links import edition_links
from monitor.sources.registry import register

if TYPE_CHECKING:
    from lxml import etree

_SKIP = {"script", "style", "title", "meta", "noscript", "template", "a", "nav", "option"}
_BLOCKS = {"p", "div", "section", "article", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "aside", "header",
           "main", "dd", "dt", "blockquote", "body"}
LOOKAHEAD_BLOCKS = 4  # blocks read after the label's own block, at most
LOOKAHEAD_CHARS = 1500
DEFAULT_LABEL = r"actue(?:e|le)l?\s+dreigingsniveau|huidige?\s+dreigingsniveau|current\s+threat\s+level|dreigingsniveau\s+is\s+op\s+dit\s+moment"


@register
class NctvSource(Source):
    kind = "nctv"
    description = "NCTV topic page / document list / news (HTML)"
    authoritative_default = True
    reports = frozenset({"level", "edition"})
    options: ClassVar[dict[str, tuple[type | tuple[type, ...], Any]]] = {
        "level_label": (str, DEFAULT_LABEL),
        "read_level": (bool, True),
        "find_publications": (bool, True),
        "follow_links": (bool, True),
        "link_pattern": (str, ""),
    }

    async def check(self, ctx: SourceContext) -> SourceResult:
        result = self.result()
        resp = await ctx.get(self.config.url, timeout=self.config.timeout, accept="text/html,application/xhtml+xml")
        if resp.not_modified:
            result.not_modified = True
            return result
        html = html_text(resp, self.config.url)
        doc = _parse(html)
        if doc is None:
            raise ParseError(f"{self.config.url}: empty or unparseable HTML")
        base_url = resp.url
        missing: list[str] = []
        if self.opts["read_level"]:
            problem = await self._read_level(ctx, doc, result, base_url)
            if problem:
                missing.append(problem)
        links: list[tuple[str, str]] = []
        if self.opts["find_publications"]:
            links = self._publication_links(doc, base_url)
            follow = self.opts["follow_links"] and not ctx.first_check
            budget = self.settings.detail_fetch_limit
            for title, url in links:
                edition = edition_from_text(title, url)
                if edition is None:
                    continue
                text = None
                if follow and budget > 0 and not ctx.is_known(url):
                    budget -= 1
                    text = await self._detail_text(ctx, url)
                result.add(
                    self.publication(edition, title, url, doc_id=url, published=dates.date_from_url(url), text=text)
                )
            if not self.opts["read_level"] and not links and not self._dated_links(doc):
                missing.append("no DTN links and no dated document links: this is not the document list it was")
        if missing and not (result.levels or result.unclear or result.publications):
            title = " ".join(" ".join(doc.xpath("//title//text()|//h1//text()")).split())
            full = html_document(html)
            error = looks_like_error_page(title, element_text(full) if full is not None else "")
            if error:
                raise ParseError(f"{self.config.url}: HTTP 200 with an error page ({error!r})")
        if missing:
            result.drift = "; ".join(missing)
        return result

    async def _read_level(self, ctx: SourceContext, doc: etree._Element, result: SourceResult, url: str) -> str | None:
        """File a reading (or an unclear statement) from the text after the label; a problem text if none."""
        blocks = self._label_blocks(doc)
        if blocks is None:
            meta = self._meta_statement(doc)
            if meta and await self.reading_from_text(ctx, result, meta, url):
                return None
            return "no current-level label on the page"
        text = ""
        for block in blocks:
            # the label's block first, then one more block at a time: a date line or a teaser
            # between the label and the sentence must not blind the reader
            text = f"{text}\n\n{block}" if text else block
            if await self.reading_from_text(ctx, result, text, url, quiet=True):
                return None
        if await self.reading_from_text(ctx, result, text, url):
            return None
        if result.unclear:
            return None
        return "the current-level label is there, but no level can be read after it"

    def _label_blocks(self, doc: etree._Element) -> list[str] | None:
        """The text of the label's block and of the few blocks after it (None: no label)."""
        label = compile_option(self.opts["level_label"])
        for el in _labelled(doc, label):
            block = el
            while block.tag not in _BLOCKS and block.getparent() is not None:
                block = block.getparent()
            out = [" ".join("".join(block.itertext()).split())]
            size = len(out[0])
            node = block
            while len(out) <= LOOKAHEAD_BLOCKS and size < LOOKAHEAD_CHARS:
                node = _next_block(node)
                if node is None:
                    break
                text = " ".join("".join(node.itertext()).split())
                if text:
                    out.append(text)
                    size += len(text)
            return [t for t in out if t]
        return None

    def _meta_statement(self, doc: etree._Element) -> str | None:
        for meta in doc.xpath("//meta[@property='og:description' or @name='description']/@content"):
            if re.search(r"dreigingsniveau|threat level", meta, re.I):
                return str(meta)
        return None

    @staticmethod
    def _dated_links(doc: etree._Element) -> bool:
        return any(dates.PATH_DATE.search(a.get("href") or "") for a in doc.iter("a"))

    def _publication_links(self, doc: etree._Element, base_url: str) -> list[tuple[str, str]]:
        pattern = compile_option(self.opts["link_pattern"]) if self.opts["link_pattern"] else None
        return edition_links(doc, base_url, pattern)

    async def _detail_text(self, ctx: SourceContext, url: str) -> str | None:
        """Read a new publication's own page once; a failure here does not fail the source."""
        try:
            resp = await ctx.get(url, timeout=self.config.timeout, conditional=False)
        except Exception:
            return None
        if "html" not in resp.content_type and "text" not in resp.content_type:
            return None
        doc = html_document(resp.text)
        return element_text(doc) if doc is not None else None


def _next_block(node: etree._Element) -> etree._Element | None:
    """The next element in document order after `node`'s subtree (climbing out of wrappers), skipping non-content."""
    while node is not None:
        sibling = node.getnext()
        while sibling is not None and (not isinstance(sibling.tag, str) or sibling.tag in _SKIP):
            sibling = sibling.getnext()
        if sibling is not None:
            return sibling
        node = node.getparent()
    return None


def _labelled(doc: etree._Element, label: re.Pattern[str]) -> Iterator[etree._Element]:
    """Elements whose own text matches the label, in document order."""
    for el in doc.iter():
        if isinstance(el.tag, str) and el.text and el.tag not in _SKIP and label.search(el.text):
            yield el


@functools.cache
def _parser() -> etree.HTMLParser:
    from lxml import etree

    return etree.HTMLParser(remove_comments=True, remove_pis=True)


def _parse(html: str) -> etree._Element | None:
    """The page as a plain lxml tree (no lxml.html element classes: ~1 ms less per page)."""
    from lxml import etree

    try:
        root = etree.fromstring(html, _parser())
    except (etree.ParserError, ValueError):
        return None
    return root if root is not None and len(root) else None
