"""officiële bekendmakingen (SRU 2.0 at repository.overheid.nl): Kamerstukken in dossier 29754.

The dossier holds more than 750 documents, so the newest must come first: the order is asked
for in the query (CQL `sortBy dt.date/sort.descending`; the service ignores the SRU `sortKeys`
parameter) and checked on what comes back — an answer not sorted as asked is a changed shape,
never a silent miss. An SRU diagnostics block inside an HTTP 200 is an error, not an empty result.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlencode

from monitor import dates
from monitor.editions import edition_from_text
from monitor.facts import SourceResult
from monitor.sources.base import ParseError, Source, SourceContext, compile_option, xml_root
from monitor.sources.registry import register
from monitor.sources.roles import is_publication, official_subject, role_of

if TYPE_CHECKING:
    from lxml import etree

NS = {
    "sru": "http://docs.oasis-open.org/ns/search-ws/sruResponse",
    "dcterms": "http://purl.org/dc/terms/",
    "gzd": "http://standaarden.overheid.nl/sru",
    "ow": "http://standaarden.overheid.nl/wetgeving/",
}


@register
class OfficieleBekendmakingenSource(Source):
    kind = "ob-sru"
    description = "officiële bekendmakingen SRU search"
    options: ClassVar[dict[str, tuple[type | tuple[type, ...], Any]]] = {
        "dossier": (str, "29754"),
        "match": (str, r"dreigingsbeeld|\bDTN\b"),
        "maximum_records": (int, 100),
    }

    def query_url(self) -> str:
        query = (f"c.product-area==officielepublicaties and w.publicatienaam==Kamerstuk "
                 f"and w.dossiernummer=={self.opts['dossier']} sortBy dt.date/sort.descending")
        params = {
            "operation": "searchRetrieve", "version": "2.0", "query": query,
            "startRecord": "1", "maximumRecords": str(self.opts["maximum_records"]),
        }
        return f"{self.config.url.split('?')[0]}?{urlencode(params)}"

    async def check(self, ctx: SourceContext) -> SourceResult:
        result = self.result()
        resp = await ctx.get(self.query_url(), timeout=self.config.timeout, accept="application/xml")
        if resp.not_modified:
            result.not_modified = True
            return result
        records = self._parse(resp.content).findall(".//sru:record", NS)
        match = compile_option(self.opts["match"])
        days: list[str] = []
        for rec in records:
            ident = rec.findtext(".//dcterms:identifier", namespaces=NS) or ""
            raw_title = rec.findtext(".//dcterms:title", namespaces=NS) or rec.findtext(".//dcterms:description",
                                                                                    namespaces=NS) or ""
            day = dates.parse_any(rec.findtext(".//dcterms:date", namespaces=NS))
            if day:
                days.append(day)
            if not ident or not match.search(raw_title):
                continue
            title, kind = official_subject(ident, raw_title)
            if not is_publication(kind, title):
                continue  # a cover note, motion or debate report that names the DTN is not the DTN
            edition = edition_from_text(raw_title.split(";")[-1], raw_title)
            if edition is None:
                continue
            url = rec.findtext(".//gzd:preferredUrl", namespaces=NS) or f"https://zoek.officielebekendmakingen.nl/{ident}.html"
            published = dates.parse_any(rec.findtext(".//dcterms:available", namespaces=NS)) or day
            result.add(self.publication(edition, title, url, doc_id=f"ob:{ident}", published=published,
                                        role=role_of(kind, title)))
        if records and not any(r.findtext(".//dcterms:identifier", namespaces=NS) for r in records):
            result.drift = "SRU records carry no dcterms:identifier (format change?)"
        elif records and len(days) < len(records):
            result.drift = "SRU records carry no dcterms:date: the newest-first order cannot be checked (format change?)"
        elif any(later > earlier for earlier, later in pairwise(days)):
            result.drift = "SRU answer is not sorted newest first as asked (sortBy dt.date/sort.descending ignored?)"
        return result

    @staticmethod
    def _parse(content: bytes) -> etree._Element:
        root = xml_root(content, "SRU answer")
        diag = root.find(".//{*}diagnostics")
        if diag is not None:
            message = " ".join(t.strip() for t in diag.itertext() if t.strip())
            raise ParseError(f"SRU diagnostics (query refused): {message[:300]}")
        if root.find("sru:numberOfRecords", NS) is None:
            raise ParseError("SRU answer has no numberOfRecords (not a searchRetrieveResponse)")
        return root
