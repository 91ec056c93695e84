"""Tweede Kamer open data (OData v4): DTN letters in Kamerstukdossier 29754.

Keyed on the document's own Id (GUID): the SyncFeed/OData re-publish old documents in bulk
after data fixes, and a re-published document must never look new. An edition arrives as the
letter ("Brief regering"), the report ("Bijlage") and a cover note ("Beslisnota bij Kamerbrief
over Dreigingsbeeld …") with one `Datum`: the letter titles the alert, the report is a link, the
cover note is neither (see roles.py), whatever the order of the rows.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar
from urllib.parse import quote

from monitor import dates
from monitor.editions import edition_from_text
from monitor.facts import SourceResult
from monitor.sources.base import ParseError, Source, SourceContext, compile_option
from monitor.sources.registry import register
from monitor.sources.roles import is_publication, role_of

REQUIRED_FIELDS = ("Id", "Onderwerp", "Datum")


@register
class TweedeKamerODataSource(Source):
    kind = "tk-odata"
    description = "Tweede Kamer OData v4 Document entity set"
    options: ClassVar[dict[str, tuple[type | tuple[type, ...], Any]]] = {
        "dossier": (int, 29754),
        "match": (str, r"dreigingsbeeld|\bDTN\b"),
        "page_size": (int, 250),
        "max_pages": (int, 4),
        "subject_filter": (str, "Dreigingsbeeld"),
    }

    def query_url(self) -> str:
        base = self.config.url.split("?")[0].rstrip("/")
        if not base.endswith("/Document"):
            base += "/Document"
        flt = f"Verwijderd eq false and Kamerstukdossier/any(d: d/Nummer eq {int(self.opts['dossier'])})"
        if self.opts["subject_filter"]:
            # case-insensitive: a real cover note writes "dreigingsbeeld" in lower case
            term = str(self.opts["subject_filter"]).lower().replace("'", "''")
            flt += f" and (contains(tolower(Onderwerp),'{term}') or contains(tolower(Titel),'{term}'))"
        # Id breaks the tie between the letter, the report and the cover note of one day
        return (
            f"{base}?$filter={quote(flt, safe='(),:/ ').replace(' ', '%20')}"
            f"&$orderby=Datum%20desc,Id%20desc&$top={int(self.opts['page_size'])}&$expand=Zaak($select=Nummer)"
        )

    async def check(self, ctx: SourceContext) -> SourceResult:
        result = self.result()
        url: str | None = self.query_url()
        match = compile_option(self.opts["match"])
        pages = 0
        seen_fields: set[str] = set()
        rows = 0
        while url and pages < int(self.opts["max_pages"]):
            resp = await ctx.get(url, timeout=self.config.timeout, accept="application/json", conditional=pages == 0)
            pages += 1
            if resp.not_modified:
                result.not_modified = True
                return result
            try:
                data: Any = json.loads(resp.text)
            except ValueError as exc:
                raise ParseError(f"OData answer is not JSON: {exc}") from None
            if not isinstance(data, dict) or not isinstance(data.get("value"), list):
                if isinstance(data, dict) and "error" in data:
                    raise ParseError(f"OData error: {str(data['error'])[:300]}")
                raise ParseError("OData answer has no 'value' list")
            for doc in data["value"]:
                if not isinstance(doc, dict):
                    continue
                rows += 1
                seen_fields.update(doc)
                if doc.get("Verwijderd") is True:
                    continue
                subject = str(doc.get("Onderwerp") or "")
                title = str(doc.get("Titel") or "")
                kind = str(doc.get("Soort") or "") or None
                if not match.search(subject) and not match.search(title):
                    continue
                if not is_publication(kind, subject, title):
                    continue  # a cover note, motion or debate report that names the DTN is not the DTN
                edition = edition_from_text(subject, title)
                if edition is None:
                    continue
                doc_id = str(doc.get("Id") or "")
                if not doc_id:
                    continue
                result.add(
                    self.publication(
                        edition, subject or title, self._link(doc), doc_id=f"tk:{doc_id}",
                        published=dates.parse_any(doc.get("Datum")), role=role_of(kind, subject, title),
                    )
                )
            next_link = data.get("@odata.nextLink")
            url = str(next_link) if next_link else None
        missing = [f for f in REQUIRED_FIELDS if rows and f not in seen_fields]
        if missing:
            result.drift = f"OData documents lack field(s) {', '.join(missing)} (API change?)"
        return result

    @staticmethod
    def _link(doc: dict[str, Any]) -> str:
        number = doc.get("DocumentNummer")
        zaken = doc.get("Zaak") or []
        zaak = zaken[0].get("Nummer") if isinstance(zaken, list) and zaken and isinstance(zaken[0], dict) else None
        if number and zaak:
            return f"https://www.tweedekamer.nl/kamerstukken/brieven_regering/detail?id={zaak}&did={number}"
        if number:
            return f"https://www.tweedekamer.nl/downloads/document?id={number}"
        return f"https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Document({doc.get('Id')})"
