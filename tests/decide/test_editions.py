"""New editions are never swallowed as baseline, and a page without facts uses no baseline (scenario 4)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from tests.conftest import Harness
from tests.support.fixture_server import FixtureServer, WebhookReceiver
from tests.support.pages import nctv_publication, nctv_topic

TODAY = date.today()
OLD = [("/p/2019/06/24/dreigingsbeeld-terrorisme-nederland-50", "Dreigingsbeeld Terrorisme Nederland 50")]
COOKIE_WALL = ("<html><head><title>Cookies op nctv.nl</title></head><body><div class='consent'><h1>Wij gebruiken "
               "cookies</h1><p>Kies of u cookies accepteert.</p><button>Accepteren</button></div></body></html>")


def pub(number: int, day: date) -> tuple[str, str]:
    return (f"/p/{day:%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-{number}", f"Dreigingsbeeld Terrorisme Nederland {number}")


def source(sid: str, url: str) -> str:
    return f'[[source]]\nid = "{sid}"\nkind = "nctv"\nurl = "{url}"\n'


def hook(webhook: WebhookReceiver) -> str:
    return f'[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:{webhook.port}/a"\n'


def test_a_source_added_on_a_publication_day_alerts_the_new_edition(
    tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    server.set("/a", nctv_topic(4, OLD))
    Harness(tmp_path, source("a", server.url("/a")), hook(webhook)).check()
    new = pub(61, TODAY)
    server.set(new[0], nctv_publication(61, "Het dreigingsniveau blijft 4."))
    server.set("/b", nctv_topic(4, [*OLD, new]))
    # source b is configured later; its very first check shows today's edition that nobody knows
    h = Harness(tmp_path, source("a", server.url("/a")) + source("b", server.url("/b")), hook(webhook))
    report = h.check(["b"])
    assert [e.key for e in report.events] == ["edition:dtn-61"]
    # the edition a already had (and old ones b brings along) are no news
    assert h.check().events == []


def test_an_old_edition_on_a_first_check_stays_baseline(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    server.set("/b", nctv_topic(4, [*OLD, pub(58, TODAY - timedelta(days=48))]))
    h = Harness(tmp_path, source("b", server.url("/b")), hook(webhook))
    assert h.check().events == []
    assert h.store().edition("dtn-58")["baseline"] == 1


def test_a_cookie_wall_first_does_not_use_up_the_baseline(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    server.set("/b", COOKIE_WALL)
    h = Harness(tmp_path, source("b", server.url("/b")), hook(webhook))
    out = h.check().outcomes[0]
    assert not out.ok and "no facts" in (out.error or "")
    assert not h.store().source_row("b")["baseline_done"]
    # the real page next: a 48-day-old edition is part of the baseline, not news
    server.set("/b", nctv_topic(4, [*OLD, pub(58, TODAY - timedelta(days=48))]))
    assert h.check().events == []
    assert webhook.bodies == []
    assert h.store().source_row("b")["baseline_done"] == 1


def test_a_page_that_never_had_facts_is_failing_after_the_threshold(
    tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    server.set("/b", COOKIE_WALL)
    h = Harness(tmp_path, source("b", server.url("/b")), hook(webhook))
    kinds = [[e.kind for e in h.check().events] for _ in range(4)]
    assert kinds == [[], [], ["source_failing"], []]


def test_one_edition_is_one_alert_and_later_sources_add_their_links(
    tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    server.set("/a", nctv_topic(4, OLD))
    server.set("/b", nctv_topic(4, OLD))
    h = Harness(tmp_path, source("a", server.url("/a")) + source("b", server.url("/b")), hook(webhook))
    h.check()
    new = pub(61, TODAY)
    server.set(new[0], nctv_publication(61, "Het dreigingsniveau blijft 4."))
    server.set("/a", nctv_topic(4, [*OLD, new]))
    assert [e.key for e in h.check(["a"]).events] == ["edition:dtn-61"]
    server.set("/b", nctv_topic(4, [*OLD, (new[0] + "-samenvatting", "Samenvatting Dreigingsbeeld Terrorisme Nederland 61")]))
    assert h.check(["b"]).events == []
    event = h.store().event_by_key("edition:dtn-61")
    assert event is not None and {ln["source"] for ln in event.payload["links"]} == {"a", "b"}
