"""Recorded shapes of the real sources, generated with the facts a test wants.

The NCTV markup follows the Rijksoverheid platform (header/nav/breadcrumb, `div.article.content`,
`a.news` list items with `p.meta`); the 'redesign' variant changes every class name and the
layout, keeping the facts. OData, SRU and RSS follow the shapes in shared/sources-notes.md.
"""

from __future__ import annotations

import json
from html import escape

NAMES = {1: "minimaal", 2: "beperkt", 3: "aanzienlijk", 4: "substantieel", 5: "kritiek"}
MEANINGS = {1: "niet waarschijnlijk", 2: "kleine kans", 3: "voorstelbaar", 4: "reëel", 5: "op handen"}
HISTORY_TABLE = """
<table class="table"><thead><tr><th>DTN-nummer</th><th>Publicatiedatum verandering</th><th>Niveau</th></tr></thead>
<tbody><tr><td>DTN 1 -7</td><td>Mei 2005</td><td>Substantieel</td></tr>
<tr><td>DTN 8 - 11</td><td>Maart 2007</td><td>Beperkt</td></tr>
<tr><td>DTN 12 - 18</td><td>Maart 2008</td><td>Substantieel</td></tr>
<tr><td>DTN 19 - 31</td><td>November 2009</td><td>Beperkt</td></tr>
<tr><td>DTN 32 - heden</td><td>Maart 2013 - heden</td><td>Substantieel</td></tr></tbody></table>
"""


def nctv_topic(level: int, editions: list[tuple[str, str]], *, redesign: bool = False, banner: str = "") -> str:
    """The DTN topic page: the level after its label, five level meanings, history table, DTN links.

    `editions` are (path, title) pairs such as ('/onderwerpen/dtn/documenten/publicaties/2019/12/09/dreigingsbeeld-terrorisme-nederland-51', 'Dreigingsbeeld Terrorisme Nederland 51').
    """
    meanings = "".join(f"<li><strong>{n}. {NAMES[n].capitalize()}</strong>: {MEANINGS[n]}</li>" for n in range(1, 6))
    links = "".join(
        (f'<li class="doc-item"><a class="publication" href="{escape(p)}"><h3>{escape(t)}</h3>'
         f'<p class="meta">Rapport | 09-12-2019</p></a></li>')
        if not redesign else
        f'<div class="x7-card"><span class="x7-k">Document</span><a href="{escape(p)}" class="x7-link">{escape(t)}</a></div>'
        for p, t in editions
    )
    if not redesign:
        return f"""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Dreigingsbeeld Terrorisme Nederland | NCTV</title>
<meta property="og:description" content="Het actuele dreigingsniveau is {NAMES[level]}."></head>
<body>{banner}<header class="header"><nav class="menu"><ul><li><a href="/onderwerpen">Onderwerpen</a></li>
<li><a href="/onderwerpen/dtn">Dreigingsniveau</a></li><li><a href="/actueel/nieuws">Nieuws</a></li></ul></nav></header>
<div id="content" class="article content"><h1>Dreigingsbeeld Terrorisme Nederland</h1>
<p>De NCTV publiceert tweemaal per jaar het Dreigingsbeeld Terrorisme Nederland (DTN).</p>
<h2>Dreigingsniveaus</h2><ol class="levels">{meanings}</ol>
<div class="intro-block"><h2 class="threat">Actueel dreigingsniveau: {NAMES[level]}</h2>
<p>Het actuele dreigingsniveau is {NAMES[level]} (niveau {level} van 5).</p></div>
{HISTORY_TABLE}
<h2>Documenten</h2><ul class="common results">{links}</ul></div>
<footer><p>Kritiek of vragen? Neem contact op. Niveau 5 is het hoogste niveau.</p></footer></body></html>"""
    return f"""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>DTN - NCTV</title></head>
<body>{banner}<div class="q1-top"><a href="/">NCTV</a> <a href="/onderwerpen/d/dtn">Dreiging</a></div>
<main class="q1-main"><section class="q1-hero"><h1 class="q1-h">Dreigingsbeeld Terrorisme Nederland</h1></section>
<aside class="q1-side"><div class="q1-badge"><span class="q1-label">Actueel dreigingsniveau</span>
<p class="q1-val">Het dreigingsniveau staat op {level}: {NAMES[level]}.</p></div></aside>
<section class="q1-body"><h2>Over de niveaus</h2><p>Er zijn vijf niveaus, van 1 (minimaal) tot 5 (kritiek).</p>
{HISTORY_TABLE}<div class="q1-docs">{links}</div></section></main></body></html>"""


def nctv_publication(number: int | None, text: str, title: str | None = None) -> str:
    title = title or (f"Dreigingsbeeld Terrorisme Nederland {number}" if number else "Dreigingsbeeld Terrorisme Nederland")
    return f"""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{escape(title)} | NCTV</title></head>
<body><nav><a href="/">Home</a></nav><div id="content" class="article content"><h1>{escape(title)}</h1>
<p class="meta">Publicatie | 09-12-2019</p>{"".join(f"<p>{escape(p)}</p>" for p in text.split(chr(10) + chr(10)))}</div></body></html>"""


def odata_documents(docs: list[dict[str, object]], next_link: str | None = None) -> str:
    data: dict[str, object] = {
        "@odata.context": "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/$metadata#Document",
        "value": docs,
    }
    if next_link:
        data["@odata.nextLink"] = next_link
    return json.dumps(data)


def odata_doc(guid: str, onderwerp: str, datum: str, number: str = "2019D50342", zaak: str = "2019Z24128") -> dict[str, object]:
    return {
        "Id": guid, "Soort": "Brief regering", "DocumentNummer": number, "Titel": "Terrorismebestrijding",
        "Onderwerp": onderwerp, "Datum": f"{datum}T00:00:00+01:00", "Vergaderjaar": "2019-2020", "Volgnummer": 536,
        "GewijzigdOp": f"{datum}T09:50:06.79+01:00", "ApiGewijzigdOp": f"{datum}T08:50:06.1234567Z",
        "ContentType": "application/pdf", "Verwijderd": False, "Zaak": [{"Nummer": zaak}],
    }


def sru_response(records: list[tuple[str, str, str]]) -> str:
    """records: (identifier, title, available-date)."""
    recs = "".join(
        f"""<sru:record><sru:recordSchema>http://standaarden.overheid.nl/sru/</sru:recordSchema><sru:recordData><gzd:gzd>
<gzd:originalData><overheidwetgeving:meta><overheidwetgeving:owmskern><dcterms:identifier>{ident}</dcterms:identifier>
<dcterms:title>{escape(title)}</dcterms:title><dcterms:type>Kamerstuk</dcterms:type>
<dcterms:creator>Tweede Kamer der Staten-Generaal</dcterms:creator><dcterms:modified>{day}</dcterms:modified></overheidwetgeving:owmskern>
<overheidwetgeving:owmsmantel><dcterms:available>{day}</dcterms:available><dcterms:date>{day}</dcterms:date></overheidwetgeving:owmsmantel>
<overheidwetgeving:tpmeta><c:product-area>officielepublicaties</c:product-area><overheidwetgeving:dossiernummer>29754</overheidwetgeving:dossiernummer>
</overheidwetgeving:tpmeta></overheidwetgeving:meta></gzd:originalData>
<gzd:enrichedData><gzd:preferredUrl>https://zoek.officielebekendmakingen.nl/{ident}.html</gzd:preferredUrl></gzd:enrichedData>
</gzd:gzd></sru:recordData></sru:record>"""
        for ident, title, day in records
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<sru:searchRetrieveResponse xmlns:sru="http://docs.oasis-open.org/ns/search-ws/sruResponse"
 xmlns:gzd="http://standaarden.overheid.nl/sru" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:overheidwetgeving="http://standaarden.overheid.nl/wetgeving/" xmlns:c="http://standaarden.overheid.nl/collectie/">
<sru:version>2.0</sru:version><sru:numberOfRecords>{len(records)}</sru:numberOfRecords><sru:records>{recs}</sru:records>
</sru:searchRetrieveResponse>"""


SRU_DIAGNOSTIC = """<?xml version="1.0" encoding="UTF-8"?>
<sru:searchRetrieveResponse xmlns:sru="http://docs.oasis-open.org/ns/search-ws/sruResponse">
<sru:version>2.0</sru:version><sru:diagnostics><diag:diagnostic xmlns:diag="http://docs.oasis-open.org/ns/search-ws/diagnostic">
<diag:uri>info:srw/diagnostic/1/10</diag:uri><diag:message>Query syntax error</diag:message></diag:diagnostic></sru:diagnostics>
</sru:searchRetrieveResponse>"""


def rss(items: list[tuple[str, str, str, str]]) -> str:
    """items: (guid/link, title, description, RFC-822 date)."""
    body = "".join(
        f"<item><link>{escape(link)}</link><guid>{escape(link)}</guid><category>Kamerstuk</category><title>{escape(title)}</title>"
        f"<description>{escape(desc)}</description><pubDate>{date}</pubDate></item>"
        for link, title, desc, date in items
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Officiële bekendmakingen - RSS feed</title>'
            f"<link>https://zoek.officielebekendmakingen.nl/</link><description>feed</description>{body}</channel></rss>")
