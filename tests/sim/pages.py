"""What a simulated source serves: NCTV-platform HTML, OData JSON, RSS — in the shapes the adapters read."""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import format_datetime
from html import escape

from tests.sim.world import SimEdition, Version
from tests.support.fixture_server import Reply
from tests.support.pages import HISTORY_TABLE

NAMES = {1: "minimaal", 2: "beperkt", 3: "aanzienlijk", 4: "substantieel", 5: "kritiek"}
NAMES_EN = {1: "minimal", 2: "limited", 3: "significant", 4: "substantial", 5: "critical"}
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]
COOKIE_WALL = ("<html><head><title>Cookies</title></head><body><div class='consent'><h1>Wij gebruiken cookies</h1>"
               "<p>Kies of u cookies accepteert.</p><button>Accepteren</button></div></body></html>")
ERROR_PAGE = ("<html><head><title>Pagina niet gevonden | NCTV</title></head><body><main><h1>Pagina niet gevonden</h1>"
              "<p>De pagina die u zoekt bestaat niet (meer).</p></main></body></html>")


def day(t: datetime) -> str:
    return f"{t.day} {MONTHS[t.month - 1]} {t.year}"


def edition_path(e: SimEdition) -> str:
    return f"/documenten/publicaties/{e.published:%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-{e.number}"


def edition_page(e: SimEdition) -> str:
    if e.change:
        a, b = e.change
        verb = "verhoogd" if b > a else "verlaagd"
        statement = f"Het dreigingsniveau wordt {verb} van niveau {a} naar niveau {b} ({NAMES[b]})."
    else:
        statement = f"Het dreigingsniveau blijft {e.level} ({NAMES[e.level]})."
    return (f"<html><head><title>Dreigingsbeeld Terrorisme Nederland {e.number}</title></head><body><main>"
            f"<h1>Dreigingsbeeld Terrorisme Nederland {e.number}</h1><p class='meta'>Publicatie | {e.published:%d-%m-%Y}</p>"
            f"<p>De NCTV publiceert vandaag het {e.number}e Dreigingsbeeld Terrorisme Nederland.</p><p>{statement}</p>"
            "</main></body></html>")


def _links(v: Version) -> str:
    return "".join(f'<li><a href="{edition_path(e)}"><h3>Dreigingsbeeld Terrorisme Nederland {e.number}</h3></a></li>'
                   for e in reversed(v.editions))


def topic(v: Version, *, blinded: bool = False) -> str:
    if blinded:
        block = "<h2>Actueel dreigingsniveau</h2><p>Bekijk de infographic.</p><p><img src='/niveau.png' alt=''></p>"
    else:
        block = (f"<h2>Actueel dreigingsniveau</h2><p>Sinds {day(v.since)} is het dreigingsniveau {v.level} "
                 f"({NAMES[v.level]}).</p>")
    return (f"<html><head><title>Dreigingsbeeld Terrorisme Nederland | NCTV</title></head><body><nav><a href='/'>Home</a>"
            f"</nav><main><h1>Dreigingsbeeld Terrorisme Nederland</h1>{block}{HISTORY_TABLE}<h2>Documenten</h2>"
            f"<ul>{_links(v)}</ul></main></body></html>")


def publications(v: Version) -> str:
    return (f"<html><head><title>Publicaties | NCTV</title></head><body><main><h1>Publicaties</h1><ul>{_links(v)}</ul>"
            "</main></body></html>")


def english(v: Version, *, blinded: bool = False) -> str:
    statement = ("<p>See the infographic.</p>" if blinded else
                 f"<p>The current threat level is {NAMES_EN[v.level]} (level {v.level} of 5), since {v.since:%d %B %Y}.</p>")
    return (f"<html><body><main><h1>Terrorist Threat Assessment Netherlands</h1><h2>Current threat level</h2>{statement}"
            "</main></body></html>")


def odata(v: Version) -> str:
    rows = [{"Id": f"00000000-0000-0000-0000-{e.number:012d}", "Soort": "Brief regering", "DocumentNummer": f"2027D{e.number:05d}",
             "Titel": "Terrorismebestrijding", "Onderwerp": f"Dreigingsbeeld Terrorisme Nederland {e.number}",
             "Datum": e.published.strftime("%Y-%m-%dT00:00:00+01:00"), "Verwijderd": False}
            for e in reversed(v.editions)]
    return json.dumps({"@odata.context": "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/$metadata#Document",
                       "value": rows})


def feed(versions: list[Version]) -> str:
    items = []
    for i, v in enumerate(versions):
        if v.change:
            a, b = v.change
            verb = "verhoogd" if b > a else "verlaagd"
            items.append((f"https://nieuws.test/{i}", f"Dreigingsniveau {verb}",
                          f"De NCTV heeft het dreigingsniveau vandaag {verb} van {a} naar {b}.", v.at))
        elif v.edition:
            items.append((f"https://nieuws.test/{i}", f"Nieuw Dreigingsbeeld Terrorisme Nederland {v.edition.number}",
                          "De NCTV publiceerde vandaag een nieuw dreigingsbeeld.", v.at))
    body = "".join(f"<item><link>{link}</link><guid>{link}</guid><title>{escape(title)}</title>"
                   f"<description>{escape(text)}</description><pubDate>{format_datetime(at)}</pubDate></item>"
                   for link, title, text, at in reversed(items))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Nieuws</title>'
            f"<link>https://nieuws.test/</link><description>x</description>{body}</channel></rss>")


def reply(kind: str, versions: list[Version], shown: int, *, fault: str | None, blinded: bool) -> Reply:
    """The answer of a source of `kind` showing version `shown` (or its fault)."""
    if fault == "reset":
        return Reply("", fault="reset")
    if fault == "http-503":
        return Reply("busy", status=503, content_type="text/plain")
    if fault == "error-page":
        return Reply(ERROR_PAGE)
    if fault == "cookie-wall":
        return Reply(COOKIE_WALL)
    v = versions[shown]
    if kind == "topic":
        return Reply(topic(v, blinded=blinded))
    if kind == "list":
        return Reply(publications(v))
    if kind == "english":
        return Reply(english(v, blinded=blinded))
    if kind == "tk":
        return Reply(odata(v), content_type="application/json")
    return Reply(feed(versions[: shown + 1]), content_type="application/rss+xml")
