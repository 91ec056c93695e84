"""Validators per (source, URL), charsets as browsers read them, and only web links (scenarios 8–10)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from monitor.response import decode_body
from tests.conftest import Harness
from tests.support.fixture_server import FixtureServer, Reply
from tests.support.pages import nctv_publication, nctv_topic, rss

TODAY = date.today()
OLD = [("/p/2019/06/24/dreigingsbeeld-terrorisme-nederland-50", "Dreigingsbeeld Terrorisme Nederland 50")]
LOG = '[[channel]]\nname = "c"\nurl = "log://"\n'


def test_two_sources_on_one_url_never_replay_each_others_validators(tmp_path: Path, server: FixtureServer) -> None:
    server.set("/dtn", nctv_topic(4, OLD))
    h = Harness(tmp_path, f"""
        [[source]]
        id = "level"
        kind = "nctv"
        url = "{server.url('/dtn')}"
        [source.options]
        find_publications = false
        [[source]]
        id = "docs"
        kind = "nctv"
        url = "{server.url('/dtn')}"
        [source.options]
        read_level = false
        """, LOG)
    h.check()
    new = (f"/p/{TODAY:%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-61", "Dreigingsbeeld Terrorisme Nederland 61")
    server.set(new[0], nctv_publication(61, "Het dreigingsniveau blijft 4."))
    server.set("/dtn", nctv_topic(4, [*OLD, new]))
    h.check(["level"])  # takes the new page (and its validators) for itself only
    report = h.check(["docs"])
    assert [e.key for e in report.events] == ["edition:dtn-61"]  # not a 304 replay of an old page


def test_a_latin1_label_is_read_as_windows_1252(tmp_path: Path, server: FixtureServer) -> None:
    page = ("<html><body><main><h2>Actueel dreigingsniveau</h2><p>Het dreigingsniveau is “substantieel”.</p>"
            "</main></body></html>").encode("cp1252")
    assert "“substantieel”" in decode_body(page, "text/html; charset=ISO-8859-1")
    server.set("/dtn", Reply(page, content_type="text/html; charset=ISO-8859-1"))
    h = Harness(tmp_path, f'[[source]]\nid = "n"\nkind = "nctv"\nurl = "{server.url("/dtn")}"\n', LOG)
    out = h.check().outcomes[0]
    assert [r.level for r in out.result.levels] == [4]


def test_only_web_links_are_facts(tmp_path: Path, server: FixtureServer) -> None:
    server.set("/dtn", nctv_topic(4, [*OLD, ("javascript:alert('Dreigingsbeeld Terrorisme Nederland 62')",
                                             "Dreigingsbeeld Terrorisme Nederland 62"),
                                      ("data:text/html,dreigingsbeeld-terrorisme-nederland-63",
                                       "Dreigingsbeeld Terrorisme Nederland 63")]))
    server.set("/rss", Reply(rss([("javascript:void(0)", "Dreigingsbeeld Terrorisme Nederland 64", "DTN 64",
                                   "Tue, 09 Dec 2025 10:00:00 +0100")]), content_type="application/rss+xml"))
    h = Harness(tmp_path, f"""
        [[source]]
        id = "n"
        kind = "nctv"
        url = "{server.url('/dtn')}"
        [[source]]
        id = "f"
        kind = "feed"
        url = "{server.url('/rss')}"
        """, LOG)
    report = h.check()
    urls = [p.url for o in report.outcomes for p in o.result.publications]
    assert urls and all(u.startswith("http://") for u in urls)
    store = h.store()
    assert store.edition("dtn-62") is None and store.edition("dtn-63") is None and store.edition("dtn-64") is None
