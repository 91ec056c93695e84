"""Adapters on real recorded responses (tests/sources/recorded, PROVENANCE.md), run as a user runs them:
`dtn-monitor check --json` in its own process against the recorded bytes served on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Harness
from tests.support.fixture_server import FixtureServer, Reply, WebhookReceiver
from tests.support.platform import RECORDED, brick, paragraphs, platform_page

CORPUS = Path(__file__).resolve().parents[1] / "extract" / "corpus"


def check(tmp_path: Path, sources: str) -> dict[str, Any]:
    """`dtn-monitor check --json` on this config, in a new process, with a fresh state file."""
    cfg = tmp_path / "sources.toml"
    cfg.write_text('[monitor]\nhost_min_gap = "0s"\n' + textwrap.dedent(sources), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DTN_")}
    env["DTN_MONITOR_DB"] = str(tmp_path / "state.sqlite3")
    out = subprocess.run([sys.executable, "-m", "monitor", "--config", str(cfg), "check", "--json"], cwd=tmp_path,
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout, out.stderr
    report: dict[str, Any] = json.loads(out.stdout)
    report["exit"] = out.returncode
    return report


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


# -- officiële bekendmakingen RSS (recorded 2 May 2022) --------------------------------------------


def test_ob_rss_items_are_titled_by_their_subject_with_letter_report_and_infographic(
        tmp_path: Path, server: FixtureServer) -> None:
    server.set("/rss", Reply(recorded("ob-rss/zoek-officielebekendmakingen-rss-2022-05-02-dtn56.xml"),
                             content_type="application/rss+xml"))
    report = check(tmp_path, f'[[source]]\nid = "ob-rss"\nkind = "feed"\nurl = "{server.url("/rss")}"\n')
    [source] = report["sources"]
    assert source["ok"] and report["exit"] == 0
    pubs = {p["url"].rsplit("/", 1)[-1]: p for p in source["publications"]}
    # 25 items, three of them the DTN 56: nothing else in the feed is taken for an edition
    assert set(pubs) == {"kst-1027276.html", "blg-1027277.html", "blg-1027278.html"}
    assert {p["edition"] for p in pubs.values()} == {"DTN 56"}
    assert pubs["kst-1027276.html"]["title"] == "Brief regering: Dreigingsbeeld Terrorisme Nederland 56"
    assert pubs["kst-1027276.html"]["role"] == "letter"
    assert pubs["blg-1027277.html"]["title"] == "Dreigingsbeeld Terrorisme Nederland 56"
    assert pubs["blg-1027277.html"]["role"] == "report"
    assert pubs["blg-1027278.html"]["role"] == "attachment"
    assert all(p["published"] == "2022-04-25" for p in pubs.values())
    assert not any("Tweede Kamer der Staten-Generaal" in p["title"] for p in pubs.values())


# -- NCTV pages: NCTV's own texts in the recorded Rijksoverheid-platform markup ----------------------


NCTV_LIST = [
    brick("/onderwerpen/dtn/documenten/publicaties/2024/06/11/dreigingsbeeld-terrorisme-nederland-juni-2024",
          "Dreigingsbeeld Terrorisme Nederland juni 2024", "11-06-2024 | 10:00",
          "Het jihadisme blijft de belangrijkste terroristische dreiging tegen Nederland."),
    brick("/documenten/publicaties/2022/11/29/dreigingsbeeld-statelijke-actoren-2", "Dreigingsbeeld Statelijke Actoren 2",
          "29-11-2022 | 10:00", "Het tweede Dreigingsbeeld Statelijke Actoren."),
    brick("/documenten/publicaties/2020/05/07/dreigingsbeeld-terrorisme-nederland-52",
          "Dreigingsbeeld Terrorisme Nederland 52", "07-05-2020 | 10:00", "DTN 52"),
    brick("/documenten/publicaties/2019/6/24/samenvatting-dreigingsbeeld-terrorisme-nederland-50",
          "Samenvatting Dreigingsbeeld Terrorisme Nederland 50", "24-06-2019 | 10:00", "Samenvatting DTN 50"),
]


def test_nctv_topic_page_on_the_real_platform_markup(tmp_path: Path, server: FixtureServer) -> None:
    text = (CORPUS / "137_nctv-dtn-topicpage-actueel-juni-2024.txt").read_text(encoding="utf-8")
    page = platform_page(paragraphs("Dreigingsbeeld Terrorisme Nederland (DTN)\n" + text), NCTV_LIST)
    server.set("/onderwerpen/d/dtn", Reply(page, content_type="text/html; charset=UTF-8"))
    report = check(tmp_path, f'[[source]]\nid = "nctv-dtn"\nkind = "nctv"\nurl = "{server.url("/onderwerpen/d/dtn")}"\n')
    [source] = report["sources"]
    assert source["ok"], source["error"]
    # the level after "Actueel dreigingsniveau", not "verhoogd naar substantieel" of the previous DTN
    assert [(lv["level"], lv["change_to"]) for lv in source["levels"]] == [(4, None)]
    assert "blijft op 4" in source["levels"][0]["evidence"]
    editions = {p["edition"]: p for p in source["publications"]}
    assert set(editions) == {"DTN juni 2024", "DTN 52", "DTN 50"}  # not the Dreigingsbeeld Statelijke Actoren
    assert editions["DTN 50"]["published"] == "2019-06-24"  # the unpadded month in the URL
    assert not source["drift"]


def test_a_real_rijksoverheid_news_list_without_a_dtn_gives_no_publication_and_no_level(
        tmp_path: Path, server: FixtureServer) -> None:
    for name in ("rijksoverheid-nl-homepage-2018-03-17-nieuws.html", "defensie-nl-homepage-2018-03-21-nieuws.html"):
        server.set(f"/{name}", Reply(recorded(f"rijksoverheid-html/{name}"), content_type="text/html; charset=UTF-8"))
    report = check(tmp_path, f"""
        [[source]]
        id = "news-ro"
        kind = "nctv"
        url = "{server.url('/rijksoverheid-nl-homepage-2018-03-17-nieuws.html')}"
        [source.options]
        read_level = false
        [[source]]
        id = "news-mindef"
        kind = "nctv"
        url = "{server.url('/defensie-nl-homepage-2018-03-21-nieuws.html')}"
        [source.options]
        read_level = false
        """)
    for source in report["sources"]:
        assert source["ok"], source["error"]
        assert source["publications"] == [] and source["levels"] == [] and not source["drift"]


def test_a_topic_source_pointed_at_a_page_without_its_label_says_so(tmp_path: Path, server: FixtureServer) -> None:
    name = "rijksoverheid-nl-homepage-2018-03-17-nieuws.html"
    server.set("/home", Reply(recorded(f"rijksoverheid-html/{name}"), content_type="text/html; charset=UTF-8"))
    report = check(tmp_path, f'[[source]]\nid = "nctv-dtn"\nkind = "nctv"\nurl = "{server.url("/home")}"\n')
    [source] = report["sources"]
    assert report["exit"] == 1 and not source["ok"]
    assert source["levels"] == [] and "current-level label" in (source["error"] or "")


# -- Tweede Kamer OData: real Document rows ---------------------------------------------------------

TK_ROWS = json.loads((RECORDED / "tk-odata" / "document-rows-from-besluit-page-2022-10.json").read_text(encoding="utf-8"))


def test_tk_reads_real_document_rows_and_takes_no_motion_for_an_edition(tmp_path: Path, server: FixtureServer) -> None:
    server.set("/OData/v4/2.0/Document", Reply(json.dumps(TK_ROWS), content_type="application/json"))
    # a match that the real motions' subjects meet: only their Soort keeps them out
    report = check(tmp_path, f"""
        [[source]]
        id = "tk"
        kind = "tk-odata"
        url = "{server.url('/OData/v4/2.0/Document')}"
        [source.options]
        match = "woningwaarderingsstelsel|dreigingsbeeld"
        """)
    [source] = report["sources"]
    assert source["ok"] and not source["drift"], source
    assert source["publications"] == []
    query = server.requests[0].path
    assert "%24orderby=Datum%20desc,Id%20desc" in query or "$orderby=Datum%20desc,Id%20desc" in query
    assert "tolower(Onderwerp)" in query and "dreigingsbeeld" in query


_MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"]


def _edition_rows(day: date) -> list[dict[str, Any]]:
    """One edition as the Kamer publishes it, in the shape of the real rows: letter, report, cover note."""
    real = TK_ROWS["value"][0]
    subject = f"Dreigingsbeeld Terrorisme Nederland {_MONTHS[day.month - 1]} {day.year}"
    stamp = f"{day.isoformat()}T00:00:00+01:00"

    def row(guid: str, number: str, soort: str, onderwerp: str, titel: str) -> dict[str, Any]:
        return {**real, "Id": guid, "DocumentNummer": number, "Soort": soort, "Onderwerp": onderwerp, "Titel": titel,
                "Datum": stamp, "Volgnummer": -1, "Zaak": [{**real["Zaak"][0], "Nummer": "2026Z21000", "Soort": soort}]}

    return [
        row("0b1c0e2a-1111-4c4c-9a9a-000000000001", "2026D51001", "Bijlage", f"Rapport {subject}", subject),
        row("0b1c0e2a-1111-4c4c-9a9a-000000000002", "2026D51002", "Bijlage",
            f"Beslisnota bij Kamerbrief over dreigingsbeeld terrorisme nederland {_MONTHS[day.month - 1]} {day.year}",
            "Beslisnota"),
        row("0b1c0e2a-1111-4c4c-9a9a-000000000003", "2026D51000", "Brief regering", subject, "Terrorismebestrijding"),
    ]


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 1, 0], [1, 0, 2]])
def test_tk_edition_letter_titles_the_alert_report_is_a_link_cover_note_is_neither(
        tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver, order: list[int]) -> None:
    rows = _edition_rows(date.today())
    server.set("/OData/v4/2.0/Document", Reply(json.dumps({**TK_ROWS, "value": [rows[i] for i in order]}),
                                               content_type="application/json"))
    h = Harness(tmp_path, f'[[source]]\nid = "tk"\nkind = "tk-odata"\nurl = "{server.url("/OData/v4/2.0/Document")}"\n',
                f'[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:{webhook.port}/a"\n')
    report = h.check()
    [new] = report.events
    event = h.store().event(new.id)  # as stored after every document of the check joined it
    assert event is not None and event.kind == "new_edition"
    assert event.payload["title"] == rows[2]["Onderwerp"]  # the letter's subject
    urls = [link["url"] for link in event.payload["links"]]
    assert urls == ["https://www.tweedekamer.nl/kamerstukken/brieven_regering/detail?id=2026Z21000&did=2026D51000",
                    "https://www.tweedekamer.nl/kamerstukken/brieven_regering/detail?id=2026Z21000&did=2026D51001"]
    assert not any("2026D51002" in u for u in urls)  # the cover note
    [sent] = [json.loads(b) for b in webhook.bodies]
    assert rows[2]["Onderwerp"] in sent["title"] + sent["message"] and "2026D51001" in sent["message"]
