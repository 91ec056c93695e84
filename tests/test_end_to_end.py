"""The whole path on real parts: fixture HTTP server → fetch → extract → diff → SQLite → webhook receiver."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import Harness
from tests.support.fixture_server import FixtureServer, WebhookReceiver
from tests.support.pages import nctv_topic

TODAY = date.today()


def pub_path(number: int, day: date = TODAY) -> str:
    return f"/onderwerpen/dtn/documenten/publicaties/{day:%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-{number}"


OLD = [(pub_path(n, date(2019, 6, 24)), f"Dreigingsbeeld Terrorisme Nederland {n}") for n in (49, 50)]


def harness(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> Harness:
    return Harness(
        tmp_path,
        f"""
        [[source]]
        id = "nctv-dtn"
        kind = "nctv"
        url = "{server.url('/onderwerpen/dtn')}"
        authoritative = true
        """,
        f"""
        [[channel]]
        name = "hook"
        url = "json://127.0.0.1:{webhook.port}/alerts"
        """,
    )


def titles(webhook: WebhookReceiver) -> list[str]:
    return [json.loads(b)["title"] for b in webhook.bodies]


def messages(webhook: WebhookReceiver) -> list[str]:
    return [json.loads(b)["message"] for b in webhook.bodies]


@pytest.fixture
def h(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> Harness:
    server.set("/onderwerpen/dtn", nctv_topic(4, OLD))
    return harness(tmp_path, server, webhook)


def test_first_run_records_a_baseline_and_alerts_nothing(h: Harness, webhook: WebhookReceiver) -> None:
    report = h.check()
    assert report.events == []
    assert webhook.bodies == []
    store = h.store()
    assert store.current_level()["level"] == 4
    assert {e["key"] for e in store.editions()} == {"dtn-49", "dtn-50"}


def test_new_edition_gives_exactly_one_alert(h: Harness, server: FixtureServer, webhook: WebhookReceiver) -> None:
    h.check()
    new = (pub_path(51), "Dreigingsbeeld Terrorisme Nederland 61")
    server.set(new[0], "<html><body><main><p>Het dreigingsniveau blijft 4 (substantieel).</p></main></body></html>")
    server.set("/onderwerpen/dtn", nctv_topic(4, [*OLD, new]))
    report = h.check()
    assert [e.kind for e in report.events] == ["new_edition"]
    assert titles(webhook) == ["Nieuw Dreigingsbeeld Terrorisme Nederland: DTN 61"]
    assert server.url(new[0]) in messages(webhook)[0]
    assert "Kenmerk: edition:dtn-61" in messages(webhook)[0]
    # the same page again: nothing new
    h.check()
    h.check()
    assert len(webhook.bodies) == 1


def test_level_change_alerts_once_naming_from_and_to(h: Harness, server: FixtureServer, webhook: WebhookReceiver) -> None:
    h.check()
    new = (pub_path(51), "Dreigingsbeeld Terrorisme Nederland 61")
    server.set(new[0], "<html><body><main><p>Het dreigingsniveau gaat van niveau 4 naar 3, op een schaal van 5.</p></main></body></html>")
    server.set("/onderwerpen/dtn", nctv_topic(3, [*OLD, new]))
    report = h.check()
    kinds = sorted(e.kind for e in report.events)
    assert kinds == ["level_changed", "new_edition"]
    # both events of one cycle reach the channel as one digest message
    assert len(webhook.bodies) == 1
    assert titles(webhook)[0].startswith("Dreigingsniveau verlaagd: 4 → 3 (aanzienlijk)")
    body = messages(webhook)[0]
    assert "van 4 (substantieel" in body and "naar 3 (aanzienlijk" in body
    for _ in range(3):
        h.check()
    assert len(webhook.bodies) == 1
    assert h.store().current_level()["level"] == 3


def test_topic_page_change_without_explicit_wording_needs_two_readings(
    h: Harness, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    h.check()
    server.set("/onderwerpen/dtn", nctv_topic(5, OLD))
    assert h.check().events == []  # one reading is not enough: could be a glitch
    report = h.check()  # second consecutive reading (the page answers 304: the stored facts count)
    assert [e.kind for e in report.events] == ["level_changed"]
    assert titles(webhook) == ["Dreigingsniveau verhoogd: 4 → 5 (kritiek)"]


def test_nothing_changed_means_no_alert_and_conditional_requests(
    h: Harness, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    h.check()
    server.clear()
    for _ in range(3):
        assert h.check().events == []
    assert webhook.bodies == []
    assert server.count("/onderwerpen/dtn") == 3
    assert server.count("/onderwerpen/dtn", status=304) == 3
    etags = {r.headers.get("if-none-match") for r in server.requests}
    assert len(etags) == 1 and None not in etags  # the server's own validator, sent back


def test_redesign_with_the_same_facts_does_not_alert(h: Harness, server: FixtureServer, webhook: WebhookReceiver) -> None:
    h.check()
    server.set("/onderwerpen/dtn", nctv_topic(4, OLD, redesign=True, banner="<div class='cookie'>Wij gebruiken cookies</div>"))
    for _ in range(3):
        report = h.check()
        assert report.outcomes[0].ok
        assert report.events == []
    assert webhook.bodies == []
    assert report.outcomes[0].result.levels[0].level == 4


def test_restart_does_not_repeat_alerts(h: Harness, server: FixtureServer, webhook: WebhookReceiver) -> None:
    h.check()
    new = (pub_path(51), "Dreigingsbeeld Terrorisme Nederland 61")
    server.set(new[0], "<html><body><main><p>Tekst.</p></main></body></html>")
    server.set("/onderwerpen/dtn", nctv_topic(4, [*OLD, new]))
    h.check()
    assert len(webhook.bodies) == 1
    # every Harness.check opens a new runtime on the same file, as a restarted daemon does;
    # also a restart that finds the page changed in markup only
    server.set("/onderwerpen/dtn", nctv_topic(4, [*OLD, new], redesign=True))
    for _ in range(2):
        assert h.check().events == []
    assert len(webhook.bodies) == 1


def test_dry_run_changes_nothing(h: Harness, server: FixtureServer, webhook: WebhookReceiver) -> None:
    h.check()
    new = (pub_path(51), "Dreigingsbeeld Terrorisme Nederland 61")
    server.set(new[0], "<html><body><main><p>Tekst.</p></main></body></html>")
    server.set("/onderwerpen/dtn", nctv_topic(4, [*OLD, new]))
    dry = h.check(dry_run=True)
    assert [e.kind for e in dry.events] == ["new_edition"]
    assert webhook.bodies == []
    real = h.check()
    assert [e.kind for e in real.events] == ["new_edition"]
    assert len(webhook.bodies) == 1
