"""A generic page: a CSS selector picks the part to read, the extractor reads it.

For a news outlet or a new government URL, without code. bs4 is used here for its CSS
selectors; pages of this kind are few, so its convenience is worth its cost.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urldefrag, urljoin

from monitor import dates
from monitor.editions import edition_from_text, names_edition
from monitor.extract.text import normalise
from monitor.facts import SourceResult
from monitor.sources.base import ParseError, Source, SourceContext, compile_option, html_text, looks_like_error_page
from monitor.sources.registry import register


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

    async def check(self, ctx: SourceContext) -> SourceResult:
        result = self.result()
        resp = await ctx.get(self.config.url, timeout=self.config.timeout, accept="text/html")
        if resp.not_modified:
            result.not_modified = True
            return result
        from bs4 import BeautifulSoup  # imported on use: daemons without page sources stay ~6 MB smaller

        soup = BeautifulSoup(html_text(resp, self.config.url), "lxml")
        if soup.find() is None:
            raise ParseError(f"{self.config.url}: empty or unparseable HTML")
        for bad in soup(["script", "style", "noscript", "nav", "footer", "form"]):
            bad.decompose()
        parts = soup.select(self.opts["selector"])
        if not parts:
            title = soup.title.get_text(" ", strip=True) if soup.title else ""
            error = looks_like_error_page(title, soup.get_text(" ", strip=True))
            if error:
                raise ParseError(f"{self.config.url}: HTTP 200 with an error page ({error!r})")
            result.drift = f"selector {self.opts['selector']!r} matches nothing (redesign?)"
            return result
        part = parts[0]
        if self.opts["read_level"]:
            text = normalise(part.get_text("\n\n", strip=True))
            self.reading_from_text(result, text, resp.url)
        if self.opts["find_publications"]:
            pattern = compile_option(self.opts["link_pattern"]) if self.opts["link_pattern"] else None
            seen = set()
            for a in part.find_all("a", href=True):
                url = urldefrag(urljoin(resp.url, str(a["href"])))[0]
                title = " ".join(a.get_text(" ").split())
                ok = (pattern.search(url) or pattern.search(title)) if pattern else (names_edition(title) or names_edition(url))
                edition = edition_from_text(title, url) if ok else None
                if edition is None or url in seen:
                    continue
                seen.add(url)
                result.add(
                    self.publication(edition, title or url, url, doc_id=url, published=dates.date_from_url(url))
                )
        return result
