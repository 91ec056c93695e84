"""Level decisions under lag, disagreement, flapping and the calendar (issue: right decisions)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from monitor.clock import ManualClock
from tests.conftest import FAST, Harness
from tests.support.fixture_server import FixtureServer, WebhookReceiver
from tests.support.pages import nctv_publication, nctv_topic

TODAY = date.today()
OLD = [("/p/2019/06/24/dreigingsbeeld-terrorisme-nederland-50", "Dreigingsbeeld Terrorisme Nederland 50")]
NEW = (f"/p/{TODAY:%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-61", "Dreigingsbeeld Terrorisme Nederland 61")
QUARTER = 900.0


def english_topic(level: int) -> str:
    names = {3: "significant", 4: "substantial", 5: "critical"}
    return (f"<html><body><main><h1>Terrorist Threat Assessment Netherlands</h1><h2>Current threat level</h2>"
            f"<p>The current threat level is {names[level]} (level {level} of 5).</p></main></body></html>")


def hook(webhook: WebhookReceiver) -> str:
    return f'[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:{webhook.port}/a"\n'


def level_titles(webhook: WebhookReceiver) -> list[str]:
    """The titles of the level alerts that arrived, also those inside a digest."""
    titles = []
    for body in webhook.bodies:
        data = json.loads(body)
        parts = [line[2:] for line in data["message"].splitlines() if line.startswith("■ ")] or [data["title"]]
        titles += [t for t in parts if t.startswith(("Dreigingsniveau verhoogd", "Dreigingsniveau verlaagd"))]
    return titles


def test_a_lagging_topic_page_is_not_a_reversal(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    """The new DTN's own page says 'van 4 naar 3'; the topic page still shows 4 for a while: one alert, 4 → 3."""
    clock = ManualClock(datetime.now(UTC))
    server.set("/dtn", nctv_topic(4, OLD))
    server.set("/docs", nctv_topic(4, OLD))
    h = Harness(tmp_path, f"""
        [[source]]
        id = "nctv-dtn"
        kind = "nctv"
        url = "{server.url('/dtn')}"
        [[source]]
        id = "nctv-publicaties"
        kind = "nctv"
        url = "{server.url('/docs')}"
        [source.options]
        read_level = false
        """, hook(webhook), clock=clock)
    h.check()
    server.set(NEW[0], nctv_publication(61, "Het dreigingsniveau wordt verlaagd van niveau 4 naar niveau 3."))
    server.set("/docs", nctv_topic(4, [*OLD, NEW]))
    clock.advance(QUARTER)
    report = h.check()
    assert sorted(e.kind for e in report.events) == ["level_changed", "new_edition"]
    for _ in range(6):  # the topic page lags (CMS cache): it still shows 4
        clock.advance(QUARTER)
        assert h.check().events == []
    row = h.store().source_row("nctv-dtn")
    assert row["observed_level"] == 4 and row["observed_stale"] == 1  # shown as lagging, not believed
    server.set("/dtn", nctv_topic(3, [*OLD, NEW]))
    clock.advance(QUARTER)
    assert h.check().events == []
    assert level_titles(webhook) == ["Dreigingsniveau verlaagd: 4 → 3 (aanzienlijk)"]
    assert h.store().current_level()["level"] == 3


def test_dutch_and_english_pages_disagreeing_during_a_lag_alert_once_and_report_once(
    tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    clock = ManualClock(datetime.now(UTC))
    server.set("/nl", nctv_topic(4, OLD))
    server.set("/en", english_topic(4))
    h = Harness(tmp_path, f"""
        [[source]]
        id = "nctv-nl"
        kind = "nctv"
        url = "{server.url('/nl')}"
        [[source]]
        id = "nctv-en"
        kind = "nctv"
        url = "{server.url('/en')}"
        [source.options]
        level_label = "current threat level"
        """, hook(webhook), clock=clock)
    h.check()
    server.set("/nl", nctv_topic(3, OLD))  # the Dutch page changes; the English one lags for a day
    events: list[str] = []
    for _ in range(12):
        clock.advance(QUARTER)
        events += [e.kind for e in h.check().events]
    assert events == ["level_changed"]  # the Dutch page's second reading confirms; no flip-flop after
    clock.advance(6 * 3600)
    events = [e.kind for e in h.check().events]
    for _ in range(4):
        clock.advance(QUARTER)
        events += [e.kind for e in h.check().events]
    assert events == ["sources_disagree"]  # a disagreement that lasts: one operations message
    disagree = next(e for e in h.store().recent_events() if e.kind == "sources_disagree")
    assert disagree.payload["source"] == "nctv-en" and disagree.payload["lagging"] is True
    server.set("/en", english_topic(3))
    clock.advance(QUARTER)
    assert h.check().events == []
    assert level_titles(webhook) == ["Dreigingsniveau verlaagd: 4 → 3 (aanzienlijk)"]


def test_a_page_flapping_back_to_its_old_text_after_a_change_alerts_nothing(
    tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    clock = ManualClock(datetime.now(UTC))
    server.set("/dtn", nctv_topic(4, OLD))
    h = Harness(tmp_path, f'[[source]]\nid = "nctv-dtn"\nkind = "nctv"\nurl = "{server.url("/dtn")}"\n', hook(webhook),
                clock=clock)
    h.check()
    clock.advance(40 * 86400)  # weeks of the same page
    h.check()
    for level in (3, 3, 4, 4, 4, 3, 4, 4, 3, 3):  # two cache nodes: the new page and the old one
        server.set("/dtn", nctv_topic(level, OLD))
        clock.advance(QUARTER)
        h.check()
    clock.advance(30 * 3600)  # past the reversal window: the old text is still only a cached copy
    server.set("/dtn", nctv_topic(4, OLD))
    for _ in range(3):
        clock.advance(QUARTER)
        h.check()
    assert level_titles(webhook) == ["Dreigingsniveau verlaagd: 4 → 3 (aanzienlijk)"]


def test_a_reversal_within_a_day_needs_a_second_source(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    clock = ManualClock(datetime.now(UTC))
    server.set("/dtn", nctv_topic(4, OLD))
    h = Harness(tmp_path, f'[[source]]\nid = "nctv-dtn"\nkind = "nctv"\nurl = "{server.url("/dtn")}"\n', hook(webhook),
                clock=clock)
    h.check()
    server.set("/dtn", nctv_topic(5, OLD))
    for _ in range(2):
        clock.advance(QUARTER)
        h.check()
    server.set("/dtn", "<html><body><main><h2>Actueel dreigingsniveau</h2><p>Het actuele dreigingsniveau is "
                       "substantieel (niveau 4 van 5).</p><p>Bijgewerkt na nieuwe informatie.</p></main></body></html>")
    for _ in range(4):  # a new text, but one page alone cannot undo an alert within 24 hours
        clock.advance(QUARTER)
        h.check()
    assert level_titles(webhook) == ["Dreigingsniveau verhoogd: 4 → 5 (kritiek)"]
    clock.advance(24 * 3600)
    h.check()
    h.check()
    assert level_titles(webhook)[-1] == "Dreigingsniveau verlaagd: 5 → 4 (substantieel)"


def test_days_that_users_see_are_dutch_days(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    """23:30 UTC on 8 December is 00:30 on 9 December in Den Haag: 'since' and the event key say the 9th."""
    clock = ManualClock(datetime(2026, 12, 8, 20, 0, tzinfo=UTC))
    server.set("/dtn", nctv_topic(4, OLD))
    h = Harness(tmp_path, f'[[source]]\nid = "nctv-dtn"\nkind = "nctv"\nurl = "{server.url("/dtn")}"\n', hook(webhook),
                clock=clock)
    h.check()
    clock.set(datetime(2026, 12, 8, 23, 30, tzinfo=UTC))
    server.set("/dtn", "<html><body><main><h2>Actueel dreigingsniveau</h2><p>Het dreigingsniveau is vandaag verhoogd "
                       "van 4 naar 5 (kritiek).</p></main></body></html>")
    [event] = h.check().events
    assert ":2026-12-09:" in event.key and event.payload["since"] == "2026-12-09"
    assert h.store().current_level()["since"] == "2026-12-09"


def test_an_unconfirmed_change_asks_for_quick_confirmation(tmp_path: Path, server: FixtureServer) -> None:
    server.set("/nl", nctv_topic(4, OLD))
    server.set("/en", english_topic(4))
    h = Harness(tmp_path, f"""
        [[source]]
        id = "nctv-nl"
        kind = "nctv"
        url = "{server.url('/nl')}"
        [[source]]
        id = "nctv-en"
        kind = "nctv"
        url = "{server.url('/en')}"
        [source.options]
        level_label = "current threat level"
        """, '[[channel]]\nname = "c"\nurl = "log://"\n', monitor=FAST + 'recheck_after = "45s"\n')
    h.check()
    server.set("/nl", nctv_topic(5, OLD))
    report = h.check(["nctv-nl"])
    assert report.events == []
    asked = {(source_id, f.delay) for f in report.followups for source_id in f.source_ids}
    assert asked == {("nctv-en", 0.0), ("nctv-nl", 45.0)}


def test_pages_that_disagree_from_their_first_reading_cause_no_level_alerts(
        tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    """Six authoritative pages, three showing 4 and three 3 from the start (a mirror that never updated, a
    misconfigured page): no page was seen changing, so no level alert, however often they are read."""
    clock = ManualClock(datetime.now(UTC))
    sources = ""
    for i in range(6):
        server.set(f"/p{i}", nctv_topic(4 if i % 2 == 0 else 3, OLD))
        sources += f'[[source]]\nid = "p{i}"\nkind = "nctv"\nurl = "{server.url(f"/p{i}")}"\n'
    h = Harness(tmp_path, sources, hook(webhook), clock=clock)
    for _ in range(4):
        h.check()
        clock.advance(QUARTER)
    assert level_titles(webhook) == []
    # one of the pages showing 4 now really changes to 3: seen happening, and others agree
    server.set("/p0", nctv_topic(3, OLD))
    h.check()
    clock.advance(QUARTER)
    h.check()
    assert level_titles(webhook) == ["Dreigingsniveau verlaagd: 4 → 3 (aanzienlijk)"]


def test_a_change_seen_happening_by_one_page_is_confirmed_by_another_that_shows_it_from_its_first_reading(
        tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    """Page a goes from 4 to 3 (seen happening, but alone); page c, unreadable until now, shows 3 at its first
    reading: c's own reading confirms the change, with a as the witness. One alert, from c's check."""
    clock = ManualClock(datetime.now(UTC))
    server.set("/a", nctv_topic(4, OLD))
    server.set("/b", nctv_topic(4, OLD))
    sources = "".join(f'[[source]]\nid = "{s}"\nkind = "nctv"\nurl = "{server.url("/" + s)}"\n' for s in "abc")
    h = Harness(tmp_path, sources, hook(webhook), clock=clock)
    h.check()  # a and b show 4; c does not answer yet
    assert h.store().current_level()["level"] == 4
    clock.advance(QUARTER)
    server.set("/a", nctv_topic(3, OLD))
    assert h.check(["a"]).events == []  # one page, one reading: not yet
    clock.advance(60)
    server.set("/c", nctv_topic(3, OLD))
    assert [e.kind for e in h.check(["c"]).events] == ["level_changed"]
    assert level_titles(webhook) == ["Dreigingsniveau verlaagd: 4 → 3 (aanzienlijk)"]
    assert set(json.loads(h.store().current_level()["sources"])) == {"a", "c"}
