"""Each adapter against recorded shapes served on 127.0.0.1, and the merging of what they report."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import unquote_plus

import pytest

from tests.conftest import FAST, Harness
from tests.support.fixture_server import FixtureServer, Reply, WebhookReceiver
from tests.support.pages import (
    SRU_DIAGNOSTIC,
    nctv_publication,
    nctv_topic,
    odata_doc,
    odata_documents,
    rss,
    sru_response,
)

TODAY = date.today()
OLD = [("/onderwerpen/dtn/documenten/publicaties/2019/06/24/dreigingsbeeld-terrorisme-nederland-50",
        "Dreigingsbeeld Terrorisme Nederland 50")]
NEW = (f"/onderwerpen/dtn/documenten/publicaties/{TODAY:%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-51",
       "Dreigingsbeeld Terrorisme Nederland 51")


def hook_channel(webhook: WebhookReceiver) -> str:
    return f'[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:{webhook.port}/a"\n'


def bodies(webhook: WebhookReceiver) -> list[dict[str, str]]:
    return [json.loads(b) for b in webhook.bodies]


# -- NCTV ---------------------------------------------------------------------------------


def test_nctv_reads_the_level_after_its_label_not_the_first_level_word(tmp_path: Path, server: FixtureServer) -> None:
    # the page lists all five levels, a history table ("Beperkt") and a footer ("Kritiek", "Niveau 5")
    server.set("/dtn", nctv_topic(3, OLD))
    h = Harness(tmp_path, f'[[source]]\nid = "n"\nkind = "nctv"\nurl = "{server.url("/dtn")}"\n', '[[channel]]\nname="c"\nurl="log://"\n')
    result = h.check().outcomes[0].result
    assert [r.level for r in result.levels] == [3]
    assert "Actueel dreigingsniveau" in result.levels[0].evidence
    assert [p.edition.key for p in result.publications] == ["dtn-50"]
    assert result.publications[0].published == "2019-06-24"


def test_nctv_finds_links_after_class_names_change(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    server.set("/dtn", nctv_topic(4, OLD))
    h = Harness(tmp_path, f'[[source]]\nid = "n"\nkind = "nctv"\nurl = "{server.url("/dtn")}"\n', hook_channel(webhook))
    h.check()
    server.set(NEW[0], nctv_publication(51, "Het dreigingsniveau blijft substantieel."))
    server.set("/dtn", nctv_topic(4, [*OLD, NEW], redesign=True))
    report = h.check()
    assert [e.key for e in report.events] == ["edition:dtn-51"]
    assert report.outcomes[0].result.levels[0].level == 4


def test_nctv_follows_a_new_publication_once(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    server.set("/dtn", nctv_topic(4, OLD))
    h = Harness(tmp_path, f'[[source]]\nid = "n"\nkind = "nctv"\nurl = "{server.url("/dtn")}"\n', hook_channel(webhook))
    h.check()
    assert server.count(OLD[0][0]) == 0  # baseline: old publications are not fetched
    server.set(NEW[0], nctv_publication(51, "Het dreigingsniveau blijft 4 (substantieel)."))
    server.set("/dtn", nctv_topic(4, [*OLD, NEW]))
    h.check()
    server.set("/dtn", nctv_topic(4, [*OLD, NEW], banner="<p>nieuwe banner</p>"))  # page changes, links do not
    h.check()
    assert server.count(NEW[0]) == 1
    [msg] = bodies(webhook)
    assert "Dreigingsniveau: 4 (substantieel" in msg["message"]


# -- Tweede Kamer OData ---------------------------------------------------------------------


def odata_source(server: FixtureServer) -> str:
    return f"""
        [[source]]
        id = "tk"
        kind = "tk-odata"
        url = "{server.url('/OData/v4/2.0/Document')}"
        """


def test_odata_query_paging_and_identity(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    page2 = server.url("/OData/v4/2.0/Document?$skiptoken=250")
    server.set("/OData/v4/2.0/Document", odata_documents(
        [odata_doc("7a9b77f1-d230-4a00-9856-2f0f8e967e62", "Aanbieding Dreigingsbeeld Terrorisme Nederland 51", "2019-12-09"),
         {**odata_doc("0000aaaa-0000-0000-0000-000000000001", "Dreigingsbeeld Terrorisme Nederland 49", "2019-02-26"),
          "Verwijderd": True}],
        next_link=page2))
    server.set("/OData/v4/2.0/Document?$skiptoken=250", odata_documents(
        [odata_doc("1c889902-6ede-427c-8682-000f683fffaa", "Dreigingsbeeld Terrorisme Nederland 50", "2019-06-24")]))
    h = Harness(tmp_path, odata_source(server), hook_channel(webhook))
    result = h.check().outcomes[0].result
    assert sorted(p.edition.key for p in result.publications) == ["dtn-50", "dtn-51"]  # deleted one skipped, page 2 read
    first = server.requests[0].path
    assert ("Verwijderd%20eq%20false" in first and "29754" in first and "%24top=250" in first) or "$top=250" in first
    pub = next(p for p in result.publications if p.edition.number == 51)
    assert pub.url == "https://www.tweedekamer.nl/kamerstukken/brieven_regering/detail?id=2019Z24128&did=2019D50342"
    assert pub.doc_id == "tk:7a9b77f1-d230-4a00-9856-2f0f8e967e62" and pub.published == "2019-12-09"


def test_odata_bulk_republication_does_not_alert_but_a_new_letter_does(
    tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    old = odata_doc("7a9b77f1-d230-4a00-9856-2f0f8e967e62", "Aanbieding Dreigingsbeeld Terrorisme Nederland 51", "2019-12-09")
    server.set("/OData/v4/2.0/Document", odata_documents([old]))
    h = Harness(tmp_path, odata_source(server), hook_channel(webhook))
    h.check()
    # a data fix re-emits the same document with new change stamps, plus old documents never seen
    again = {**old, "GewijzigdOp": "2026-10-01T09:00:00+02:00", "ApiGewijzigdOp": "2026-10-01T07:00:00.1Z"}
    older = odata_doc("9999aaaa-0000-0000-0000-000000000009", "Dreigingsbeeld Terrorisme Nederland 44", "2017-04-06")
    server.set("/OData/v4/2.0/Document", odata_documents([again, older]))
    assert h.check().events == []
    letter = odata_doc("22222222-2222-2222-2222-222222222222",
                       f"Aanbieding Dreigingsbeeld Terrorisme Nederland {TODAY:%B} {TODAY.year}".replace(
                           TODAY.strftime("%B"), ["januari", "februari", "maart", "april", "mei", "juni", "juli",
                                                  "augustus", "september", "oktober", "november", "december"][TODAY.month - 1]),
                       TODAY.isoformat(), number="2026D50000", zaak="2026Z20000")
    server.set("/OData/v4/2.0/Document", odata_documents([letter, again, older]))
    report = h.check()
    assert [e.kind for e in report.events] == ["new_edition"]
    assert "tweedekamer.nl" in bodies(webhook)[0]["message"]


def test_odata_error_and_missing_fields(tmp_path: Path, server: FixtureServer) -> None:
    server.set("/OData/v4/2.0/Document", Reply('{"error": {"code": "400", "message": "Filter wijziging"}}', content_type="application/json"))
    h = Harness(tmp_path, odata_source(server), '[[channel]]\nname="c"\nurl="log://"\n')
    out = h.check().outcomes[0]
    assert not out.ok and "OData error" in (out.error or "")
    server.set("/OData/v4/2.0/Document", odata_documents([{"Id": "x", "Titel": "Terrorismebestrijding"}]))
    out = h.check().outcomes[0]
    # rows without the fields we read are no facts: a source that never gave any is failing, not a baseline
    assert not out.ok and out.result.drift and "Onderwerp" in out.result.drift and "Onderwerp" in (out.error or "")
    assert not h.store().source_row("tk")["baseline_done"]


# -- officiële bekendmakingen SRU -------------------------------------------------------------


def sru_source(server: FixtureServer) -> str:
    return f'[[source]]\nid = "ob"\nkind = "ob-sru"\nurl = "{server.url("/sru")}"\n'


def test_sru_records_become_publications(tmp_path: Path, server: FixtureServer) -> None:
    server.set("/sru", Reply(sru_response([
        ("blg-1027277", "Dreigingsbeeld Terrorisme Nederland 56", "2022-04-25"),
        ("blg-1027239", "Beslisnota bij Kamerbrief over dreigingsbeeld terrorisme nederland 56", "2022-04-25"),
        ("kst-29754-537", "Terrorismebestrijding; Motie; Motie van het lid X over het Dreigingsbeeld", "2019-12-12"),
        ("kst-29754-536", "Terrorismebestrijding; Brief regering; Dreigingsbeeld Terrorisme Nederland 51", "2019-12-10"),
    ]), content_type="application/xml"))
    h = Harness(tmp_path, sru_source(server), '[[channel]]\nname="c"\nurl="log://"\n')
    result = h.check().outcomes[0].result
    assert sorted(p.edition.key for p in result.publications) == ["dtn-51", "dtn-56"]  # no cover note, no motion
    pub = next(p for p in result.publications if p.edition.number == 51)
    assert pub.url == "https://zoek.officielebekendmakingen.nl/kst-29754-536.html" and pub.published == "2019-12-10"
    assert pub.title == "Brief regering: Dreigingsbeeld Terrorisme Nederland 51" and pub.role == "letter"
    assert result.drift is None
    query = unquote_plus(server.requests[0].path)
    assert "w.dossiernummer==29754" in query and "w.publicatienaam==Kamerstuk" in query
    assert "sortBy dt.date/sort.descending" in query and "operation=searchRetrieve" in query


def test_sru_answer_not_sorted_as_asked_is_a_changed_shape(tmp_path: Path, server: FixtureServer) -> None:
    # oldest first: the newest DTN would be on a page we never read
    server.set("/sru", Reply(sru_response([
        ("kst-29754-31", "Terrorismebestrijding; Brief regering; Voortgangsrapportage", "2005-09-29"),
        ("kst-29754-536", "Terrorismebestrijding; Brief regering; Dreigingsbeeld Terrorisme Nederland 51", "2019-12-10"),
    ]), content_type="application/xml"))
    h = Harness(tmp_path, sru_source(server), '[[channel]]\nname="c"\nurl="log://"\n')
    result = h.check().outcomes[0].result
    assert result.drift and "not sorted newest first" in result.drift


def test_sru_diagnostics_in_http_200_is_an_error_not_empty(tmp_path: Path, server: FixtureServer) -> None:
    server.set("/sru", Reply(SRU_DIAGNOSTIC, content_type="application/xml"))
    h = Harness(tmp_path, sru_source(server), '[[channel]]\nname="c"\nurl="log://"\n')
    out = h.check().outcomes[0]
    assert not out.ok and "SRU diagnostics" in (out.error or "") and "Query syntax error" in (out.error or "")


# -- feeds and generic pages --------------------------------------------------------------------


def test_rss_feed_items_become_publications(tmp_path: Path, server: FixtureServer) -> None:
    server.set("/rss", Reply(rss([
        ("https://zoek.officielebekendmakingen.nl/kst-1027276.html", "kst-1027276 : Tweede Kamer der Staten-Generaal",
         "Terrorismebestrijding; Brief regering; Dreigingsbeeld Terrorisme Nederland 56", "Mon, 25 Apr 2022 00:00:00 +0200"),
        ("https://zoek.officielebekendmakingen.nl/kst-1.html", "kst-1", "Wet op de zorg", "Mon, 25 Apr 2022 00:00:00 +0200"),
    ]), content_type="application/rss+xml"))
    h = Harness(tmp_path, f'[[source]]\nid = "ob-rss"\nkind = "feed"\nurl = "{server.url("/rss")}"\n',
                '[[channel]]\nname="c"\nurl="log://"\n')
    result = h.check().outcomes[0].result
    assert [(p.edition.key, p.published) for p in result.publications] == [("dtn-56", "2022-04-25")]


def test_atom_feed_and_invalid_xml(tmp_path: Path, server: FixtureServer) -> None:
    atom = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>
    <entry><id>tag:x,1</id><title>Dreigingsbeeld Terrorisme Nederland juni 2024</title>
    <link href="https://example.org/dtn-juni-2024"/><updated>2024-06-11T10:00:00Z</updated>
    <summary>Het dreigingsniveau blijft 4.</summary></entry></feed>"""
    server.set("/atom", Reply(atom, content_type="application/atom+xml"))
    h = Harness(tmp_path, f'[[source]]\nid = "a"\nkind = "feed"\nurl = "{server.url("/atom")}"\n',
                '[[channel]]\nname="c"\nurl="log://"\n')
    result = h.check().outcomes[0].result
    assert [p.edition.key for p in result.publications] == ["dtn-2024-06"]
    server.set("/atom", Reply("<feed><entry>", content_type="application/atom+xml", validators=False))
    out = h.check().outcomes[0]
    assert not out.ok and "not valid XML" in (out.error or "")


def test_generic_page_with_selector(tmp_path: Path, server: FixtureServer) -> None:
    server.set("/news", """<html><body><div class="menu">Dreigingsniveau kritiek? Lees meer</div>
        <div class="story"><h1>NCTV: dreiging blijft</h1><p>Het dreigingsniveau blijft op 4 van de 5.</p>
        <a href="/a/dreigingsbeeld-terrorisme-nederland-december-2025">Dreigingsbeeld Terrorisme Nederland december 2025</a></div>
        </body></html>""")
    h = Harness(tmp_path, f"""
        [[source]]
        id = "news"
        kind = "page"
        url = "{server.url('/news')}"
        [source.options]
        selector = "div.story"
        """, '[[channel]]\nname="c"\nurl="log://"\n')
    result = h.check().outcomes[0].result
    assert [r.level for r in result.levels] == [4]
    assert [p.edition.key for p in result.publications] == ["dtn-2025-12"]



def test_generic_page_reads_the_first_selector_that_matches_not_the_body_around_it(tmp_path: Path,
                                                                                  server: FixtureServer) -> None:
    # the default "main, article, [role=main], body": the <main>, though <body> comes first in the page
    server.set("/news", """<html><body><aside class="teaser">Archief: <a href="/a/dtn-40">DTN 40</a></aside>
        <main><h1>Dreigingsbeeld gepubliceerd</h1><p>Het dreigingsniveau blijft op 4 van de 5.</p>
        <a href="/a/dreigingsbeeld-terrorisme-nederland-december-2025">Dreigingsbeeld Terrorisme Nederland december 2025</a>
        </main></body></html>""")
    url = server.url("/news")
    sources = f'[[source]]\nid = "news"\nkind = "page"\nurl = "{url}"\n'
    h = Harness(tmp_path, sources, '[[channel]]\nname="c"\nurl="log://"\n')
    result = h.check().outcomes[0].result
    assert [r.level for r in result.levels] == [4]
    assert [p.edition.key for p in result.publications] == ["dtn-2025-12"]  # not the teaser's DTN 40 beside <main>


# -- merging, agreement, drift ----------------------------------------------------------------


def three_sources(server: FixtureServer) -> str:
    return f"""
        [[source]]
        id = "nctv"
        kind = "nctv"
        url = "{server.url('/dtn')}"
        [[source]]
        id = "tk"
        kind = "tk-odata"
        url = "{server.url('/OData/v4/2.0/Document')}"
        [[source]]
        id = "ob"
        kind = "ob-sru"
        url = "{server.url('/sru')}"
        """


def test_same_edition_from_three_sources_is_one_alert_with_every_link(
    tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    server.set("/dtn", nctv_topic(4, OLD))
    server.set("/OData/v4/2.0/Document", odata_documents([]))
    server.set("/sru", Reply(sru_response([]), content_type="application/xml"))
    h = Harness(tmp_path, three_sources(server), hook_channel(webhook))
    h.check()
    server.set(NEW[0], nctv_publication(51, "Het dreigingsniveau blijft 4."))
    server.set("/dtn", nctv_topic(4, [*OLD, NEW]))
    h.check(["nctv"])
    server.set("/OData/v4/2.0/Document", odata_documents(
        [odata_doc("33333333-3333-3333-3333-333333333333", "Aanbieding Dreigingsbeeld Terrorisme Nederland 51", TODAY.isoformat())]))
    server.set("/sru", Reply(sru_response(
        [("kst-29754-900", "Terrorismebestrijding; Brief regering; Dreigingsbeeld Terrorisme Nederland 51", TODAY.isoformat())]),
        content_type="application/xml"))
    h.check()
    h.check()
    assert len(webhook.bodies) == 1
    from monitor.status import status

    data = status(h.store(), None)
    assert data["newest_edition"]["label"] == "DTN 51"
    assert {ln["source"] for ln in data["newest_edition"]["links"]} == {"nctv", "tk", "ob"}
    [event] = [e for e in data["recent_events"] if e["kind"] == "new_edition"]
    assert {ln["source"] for ln in event["payload"]["links"]} == {"nctv", "tk", "ob"}


def test_non_authoritative_source_alone_raises_an_ops_warning(
    tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    server.set("/dtn", nctv_topic(4, OLD))
    server.set("/rss", Reply(rss([]), content_type="application/rss+xml"))
    h = Harness(tmp_path, f"""
        [[source]]
        id = "nctv"
        kind = "nctv"
        url = "{server.url('/dtn')}"
        [[source]]
        id = "krant"
        kind = "feed"
        url = "{server.url('/rss')}"
        """, hook_channel(webhook), monitor=FAST + 'lag_tolerance = "0s"\n')  # report a disagreement at once
    h.check()
    server.set("/rss", Reply(rss([("https://krant.example/1", "Dreigingsniveau omlaag",
                                   "De NCTV heeft het dreigingsniveau vandaag verlaagd van 4 naar 3.",
                                   "Tue, 09 Dec 2025 10:00:00 +0100")]), content_type="application/rss+xml"))
    report = h.check()
    assert [e.kind for e in report.events] == ["sources_disagree"]
    assert h.store().current_level()["level"] == 4
    assert h.check(["krant"]).events == []  # a disagreement is said once
    # the NCTV then shows the new level: one level alert naming both sources
    server.set("/dtn", nctv_topic(3, OLD))
    report = h.check(["nctv"])
    [change] = [e for e in report.events if e.kind == "level_changed"]
    assert change.payload["sources"] == ["nctv", "krant"]


def test_drift_gives_one_degraded_alert_and_recovery_one_more(
    tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    server.set("/dtn", nctv_topic(4, OLD))
    h = Harness(tmp_path, f'[[source]]\nid = "nctv"\nkind = "nctv"\nurl = "{server.url("/dtn")}"\n', hook_channel(webhook))
    h.check()
    server.set("/dtn", "<html><body><main><h1>Nieuwe website</h1><p>Welkom op onze vernieuwde site.</p></main></body></html>")
    for _ in range(3):
        h.check()
    assert [m["title"] for m in bodies(webhook)] == ["Bron veranderd van vorm: nctv"]
    server.set("/dtn", nctv_topic(4, OLD))
    for _ in range(2):
        h.check()
    assert [m["title"] for m in bodies(webhook)] == ["Bron veranderd van vorm: nctv", "Bron hersteld: nctv"]


def test_backfill_loads_history_without_alerting(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    import asyncio

    from monitor.cycle import run_check
    from monitor.history import backfill_known, timeline

    recent = (TODAY - timedelta(days=10)).isoformat()
    server.set("/OData/v4/2.0/Document", odata_documents([
        odata_doc("44444444-4444-4444-4444-444444444444", "Dreigingsbeeld Terrorisme Nederland 52", "2020-05-07"),
        odata_doc("55555555-5555-5555-5555-555555555555", "Aanbieding Dreigingsbeeld Terrorisme Nederland 99", recent),
    ]))
    h = Harness(tmp_path, odata_source(server), hook_channel(webhook))
    rt = h.runtime()
    backfill_known(rt.store)
    rt.force_baseline = True

    async def go() -> object:
        report = await run_check(rt, ["tk"])
        await rt.dispatcher.dispatch_due()
        return report

    report = asyncio.run(go())
    assert report.events == [] and webhook.bodies == []  # type: ignore[attr-defined]
    rows = timeline(rt.store)
    assert rows[0]["since"] == "2005-05" and rows[0]["level"] == 4
    assert rows[-1]["level"] == 4 and rows[-1]["since"] == "2023-12-12"
    assert rt.store.edition("dtn-99") is not None
    rt.store.close()
    # afterwards, a normal check of the same data alerts nothing
    assert h.check().events == []


@pytest.mark.parametrize("kind", ["nctv", "page"])
def test_html_with_wrong_charset_keeps_dutch_letters(tmp_path: Path, server: FixtureServer, kind: str) -> None:
    page = "<html><body><main><p>Het dreigingsniveau is vastgesteld op niveau 4 (‘substantieel’): de kans is reëel.</p>" \
           "<p>Actueel dreigingsniveau: substantieel</p></main></body></html>"
    server.set("/p", Reply(page.encode("utf-8"), content_type="text/html; charset=iso-8859-1"))
    h = Harness(tmp_path, f'[[source]]\nid = "x"\nkind = "{kind}"\nurl = "{server.url("/p")}"\n', '[[channel]]\nname="c"\nurl="log://"\n')
    result = h.check().outcomes[0].result
    assert result.levels[0].level == 4
    assert "Ã" not in result.levels[0].evidence


def test_each_kind_is_registered_by_the_module_the_registry_imports_for_it() -> None:
    import ast
    import subprocess
    import sys

    from monitor.sources import registry

    for kind, module in registry.MODULES.items():
        adapter = registry.get(kind)
        assert adapter is not None and adapter.kind == kind and adapter.__module__ == f"monitor.sources.{module}"
    assert registry.names() == sorted(registry.MODULES)
    assert registry.get("no-such-kind") is None
    # a configuration of one kind loads that adapter only
    code = ("import sys; from monitor.sources import registry; registry.get('nctv'); "
            "print(sorted(m for m in sys.modules if m.startswith('monitor.sources.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "monitor.sources.nctv" in out
    assert not {"monitor.sources.feed", "monitor.sources.tk_odata", "monitor.sources.ob_sru"} & set(ast.literal_eval(out))


def test_every_adapter_module_is_named_in_the_registry() -> None:
    """A new adapter module that registers a kind must be findable by that kind (else `validate` calls it unknown)."""
    from monitor.sources import registry

    folder = Path(registry.__file__).parent
    registering = {p.stem for p in folder.glob("*.py") if "@register" in p.read_text(encoding="utf-8")}
    assert registering == set(registry.MODULES.values())
