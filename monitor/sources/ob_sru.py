"""officiële bekendmakingen (SRU 2.0 at repository.overheid.nl): Kamerstukken in dossier 29754.

An SRU diagnostics block inside an HTTP 200 is an error, not an empty result.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlencode

from lxml import etree

from monitor import dates
from monitor.editions import edition_from_text
from monitor.facts import SourceResult
from monitor.sources.base import ParseError, Source, SourceContext, compile_option
from monitor.sources.registry import register

NS = {
    "sru": "http://docs.oasis-open.org/ns/search-ws/sruResponse",
    "dcterms": "http://purl.org/dc/terms/",
    "gzd": "http://standaarden.overheid.nl/sru",
    "ow": "http://standaarden.overheid.nl/wetgeving/",
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@register
class OfficieleBekendmakingenSource(Source):
    kind = "ob-sru"
    description = "officiële bekendmakingen SRU search"
    options: ClassVar[dict[str, tuple[type | tuple[type, ...], Any]]] = {
        "dossier": (str, "29754"),
        "match": (str, r"dreigingsbeeld|\bDTN\b"),
        "maximum_records": (int, 100),
    }

    def query_url(self, start: int = 1) -> str:
        query = f"(c.product-area==officielepublicaties) and (w.dossiernummer=={self.opts['dossier']})"
        params = {
            "operation": "searchRetrieve", "version": "2.0", "query": query,
            "startRecord": str(start), "maximumRecords": str(self.opts["maximum_records"]),
        }
        return f"{self.config.url.split('?')[0]}?{urlencode(params)}"

    async def check(self, ctx: SourceContext) -> SourceResult:
        result = self.result()
        resp = await ctx.get(self.query_url(), timeout=self.config.timeout, accept="application/xml")
        if resp.not_modified:
            result.not_modified = True
            return result
        root = self._parse(resp.content)
        total = int(root.findtext("sru:numberOfRecords", default="0", namespaces=NS) or 0)
        records = root.findall(".//sru:record", NS)
        size = int(self.opts["maximum_records"])
        if total > len(records) and total > size:
            # records come oldest first: read the newest page too
            tail = await ctx.get(self.query_url(start=max(1, total - size + 1)), timeout=self.config.timeout, conditional=False)
            records += self._parse(tail.content).findall(".//sru:record", NS)
        match = compile_option(self.opts["match"])
        for rec in records:
            ident = rec.findtext(".//dcterms:identifier", namespaces=NS) or ""
            title = rec.findtext(".//dcterms:title", namespaces=NS) or rec.findtext(".//dcterms:description", namespaces=NS) or ""
            if not ident or not match.search(title):
                continue
            edition = edition_from_text(title.split(";")[-1], title)
            if edition is None:
                continue
            url = rec.findtext(".//gzd:preferredUrl", namespaces=NS) or f"https://zoek.officielebekendmakingen.nl/{ident}.html"
            published = dates.parse_any(
                rec.findtext(".//dcterms:available", namespaces=NS) or rec.findtext(".//dcterms:date", namespaces=NS)
            )
            result.add(self.publication(edition, title, url, doc_id=f"ob:{ident}", published=published))
        if records and not any(r.findtext(".//dcterms:identifier", namespaces=NS) for r in records):
            result.drift = "SRU records carry no dcterms:identifier (format change?)"
        return result

    @staticmethod
    def _parse(content: bytes) -> etree._Element:
        try:
            root = etree.fromstring(content, parser=_PARSER)
        except etree.XMLSyntaxError as exc:
            raise ParseError(f"SRU answer is not valid XML: {exc}") from None
        diag = root.find(".//{*}diagnostics")
        if diag is not None:
            message = " ".join(t.strip() for t in diag.itertext() if t.strip())
            raise ParseError(f"SRU diagnostics (query refused): {message[:300]}")
        if root.find("sru:numberOfRecords", NS) is None:
            raise ParseError("SRU answer has no numberOfRecords (not a searchRetrieveResponse)")
        return root
