"""A generic page: a CSS selector picks the part to read, the extractor reads it.

For a news outlet or a new government URL, without code. The page is parsed once with lxml;
the selector is translated to XPath once per source (cssselect) and kept. A list of selectors is a
preference order: "main, article, body" reads the <main>, else an <article>, else the body.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, ClassVar

from monitor import dates
from monitor.editions import edition_from_text
from monitor.extract.text import html_document
from monitor.facts import SourceResult
from monitor.sources.base import ParseError, Source, SourceContext, compile_option, html_text, looks_like_error_page
from monitor.sources.links import edition_links
from monitor.sources.registry import register

if TYPE_CHECKING:
    from lxml import etree

_DROP = ("script", "style", "noscript", "nav", "footer", "form", "template", "svg", "iframe")


@functools.lru_cache(maxsize=256)
def _css_problem(css: str) -> str | None:
    """Why cssselect cannot translate `css`: checked with the configuration, without loading lxml (whose
    translator accepts the same selectors; it only makes :contains() ignore case)."""
    from cssselect import HTMLTranslator

    try:
        HTMLTranslator().css_to_xpath(css)
    except Exception as exc:  # cssselect raises its own SelectorSyntaxError / ExpressionError
        return str(exc)
    return None


@functools.lru_cache(maxsize=256)
def _selector(css: str) -> tuple[etree.XPath, ...]:
    """One XPath per selector of the list, in the order written."""
    from cssselect import parse
    from lxml import etree
    from lxml.cssselect import LxmlHTMLTranslator  # also registers the functions its XPath calls

    translator = LxmlHTMLTranslator()
    return tuple(etree.XPath(translator.selector_to_xpath(one, "descendant-or-self::", translate_pseudo_elements=True))
                 for one in parse(css))


def _pick(doc: etree._Element, css: str) -> etree._Element | None:
    """The first element of the first selector in the list that matches: a selector list matches in document
    order, where <body> comes before the <main> inside it, so "main, …, body" would always give the body."""
    for xpath in _selector(css):
        found = xpath(doc)
        if found:
            return found[0]  # type: ignore[no-any-return]
    return None


@register
class PageSource(Source):
    kind = "page"
    description = "any HTML page: CSS selector + extractor"
    reports = frozenset({"level", "edition"})
    options: ClassVar[dict[str, tuple[type | tuple[type, ...], Any]]] = {
        "selector": (str, "main, article, [role=main], body"),
        "read_level": (bool, True),
        "find_publications": (bool, True),
        "link_pattern": (str, ""),
    }

    @classmethod
    def validate_options(cls, options: dict[str, Any]) -> list[str]:
        problems = super().validate_options(options)
        css = options.get("selector")
        if isinstance(css, str):
            problem = _css_problem(css)
            if problem:
                problems.append(f"options.selector: not a CSS selector this tool can use ({problem})")
        return problems

    async def check(self, ctx: SourceContext) -> SourceResult:
        result = self.result()
        resp = await ctx.get(self.config.url, timeout=self.config.timeout, accept="text/html")
        if resp.not_modified:
            result.not_modified = True
            return result
        doc = html_document(html_text(resp, self.config.url))
        if doc is None or len(doc) == 0:
            raise ParseError(f"{self.config.url}: empty or unparseable HTML")
        for bad in list(doc.iter(*_DROP)):
            if bad.getparent() is not None:
                bad.drop_tree()
        part = _pick(doc, self.opts["selector"])
        if part is None:
            title = " ".join(" ".join(doc.xpath("//title//text()")).split())
            error = looks_like_error_page(title, " ".join(doc.text_content().split())[:400])
            if error:
                raise ParseError(f"{self.config.url}: HTTP 200 with an error page ({error!r})")
            result.drift = f"selector {self.opts['selector']!r} matches nothing (redesign?)"
            return result
        if self.opts["read_level"]:
            from lxml.html import tostring

            # the part's own markup: the extractor finds its blocks and reads only those about the level
            await self.reading_from_text(ctx, result, tostring(part, encoding="unicode"), resp.url)
        if self.opts["find_publications"]:
            pattern = compile_option(self.opts["link_pattern"]) if self.opts["link_pattern"] else None
            for title, url in edition_links(part, resp.url, pattern):
                edition = edition_from_text(title, url)
                if edition is not None:
                    result.add(self.publication(edition, title or url, url, doc_id=url,
                                                published=dates.date_from_url(url)))
        return result
