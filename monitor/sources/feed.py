"""RSS 2.0 and Atom feeds: items that name a DTN become publications.

Parsed with lxml (no network, no entity expansion). New items that report a level change are
filed as readings from this source; a news outlet alone never confirms a change (see diff).
The officiële bekendmakingen feed titles an item by its identifier ("kst-1027276 : Tweede Kamer
der Staten-Generaal") and puts the subject in <description> ("Terrorismebestrijding; Brief
regering; Dreigingsbeeld Terrorisme Nederland 56"): such an item is titled by its subject.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from monitor import dates
from monitor.editions import edition_from_text
from monitor.extract import HIGH, extract
from monitor.extract.text import html_to_text, looks_like_html
from monitor.facts import LevelReading, SourceResult
from monitor.sources.base import ParseError, Source, SourceContext, compile_option, xml_root
from monitor.sources.registry import register
from monitor.sources.roles import is_publication, official_subject, role_of

ATOM = "{http://www.w3.org/2005/Atom}"


def parse_feed(content: bytes) -> list[dict[str, str]]:
    """Items of an RSS or Atom document as dicts: id, title, link, summary, date."""
    root = xml_root(content, "feed")
    items: list[dict[str, str]] = []
    if root.tag == f"{ATOM}feed":
        for e in root.iter(f"{ATOM}entry"):
            link = ""
            for ln in e.iter(f"{ATOM}link"):
                if ln.get("rel", "alternate") == "alternate":
                    link = ln.get("href", "")
                    break
            items.append({
                "id": e.findtext(f"{ATOM}id") or link,
                "title": e.findtext(f"{ATOM}title") or "",
                "link": link,
                "summary": e.findtext(f"{ATOM}summary") or e.findtext(f"{ATOM}content") or "",
                "date": e.findtext(f"{ATOM}published") or e.findtext(f"{ATOM}updated") or "",
            })
        return items
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise ParseError(f"not an RSS or Atom feed (root element <{root.tag}>)")
    for it in channel.iter("item"):
        link = (it.findtext("link") or "").strip()
        items.append({
            "id": (it.findtext("guid") or link).strip(),
            "title": it.findtext("title") or "",
            "link": link,
            "summary": it.findtext("description") or "",
            "date": it.findtext("pubDate") or "",
        })
    return items


_IDENTIFIER_TITLE = re.compile(r"^\s*(?P<id>(?:kst|blg|stcrt|stb|trb|ah-tk|ah-ek|h-tk|gmb|prb|wsb|bgr|kv)-[\w.-]+)"
                               r"\s*:\s*(?P<by>.*)$", re.I)


def readable(title: str, description: str) -> tuple[str, str | None, str | None]:
    """(title a person can read, document kind, identifier) of a feed item: an officiële bekendmakingen item
    titled "kst-… : Tweede Kamer der Staten-Generaal" is titled by its subject; any other keeps its title."""
    m = _IDENTIFIER_TITLE.match(title)
    if not m:
        return title, None, None
    ident = m.group("id").lower()
    readable_title, kind = official_subject(ident, description)
    return readable_title or title, kind, ident


@register
class FeedSource(Source):
    kind = "feed"
    description = "RSS 2.0 or Atom feed"
    reports = frozenset({"level", "edition"})
    options: ClassVar[dict[str, tuple[type | tuple[type, ...], Any]]] = {
        "match": (str, r"dreigingsbeeld|\bDTN\b|dreigingsniveau|terrorist threat (?:assessment|level)"),
        "read_level": (bool, True),
    }

    async def check(self, ctx: SourceContext) -> SourceResult:
        result = self.result()
        resp = await ctx.get(
            self.config.url, timeout=self.config.timeout,
            accept="application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
        )
        if resp.not_modified:
            result.not_modified = True
            return result
        items = parse_feed(resp.content)
        match = compile_option(self.opts["match"])
        for item in items:
            summary = html_to_text(item["summary"]) if looks_like_html(item["summary"]) else item["summary"]
            text = f"{item['title']}\n\n{summary}"
            if not match.search(text):
                continue
            doc_id = item["id"] or item["link"]
            published = dates.parse_any(item["date"]) or dates.date_from_url(item["link"])
            title, kind, ident = readable(item["title"], summary)
            if ident and not is_publication(kind, title):
                continue  # a cover note ("Beslisnota …") or a motion that names the DTN
            edition = edition_from_text(title if ident else item["title"], summary, item["link"])
            if edition is not None:
                result.add(self.publication(edition, title, item["link"] or doc_id, doc_id, published, text=text,
                                            role=role_of(kind, title) if ident else None))
            if self.opts["read_level"] and not ctx.first_check and not ctx.is_known(doc_id):
                result.documents.append(doc_id)
                found = extract(text, edition=False)
                if found.level is not None and found.confidence == HIGH and found.change_to is not None:
                    result.levels.append(LevelReading(
                        level=found.level, confidence=HIGH, source_id=self.config.id, url=item["link"] or doc_id,
                        evidence=(found.evidence.get("change") or "")[:500],
                        change_from=found.change_from, change_to=found.change_to,
                    ))
        return result
