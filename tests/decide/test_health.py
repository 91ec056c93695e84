"""Failing, changed shape and recovery: each said once (issue: right decisions, scenario 3)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Harness
from tests.support.fixture_server import FixtureServer, WebhookReceiver
from tests.support.pages import HISTORY_TABLE, nctv_topic

OLD = [("/p/2019/06/24/dreigingsbeeld-terrorisme-nederland-50", "Dreigingsbeeld Terrorisme Nederland 50")]
LINKS = '<ul><li><a href="/p/2019/06/24/dreigingsbeeld-terrorisme-nederland-50">Dreigingsbeeld Terrorisme Nederland 50</a></li></ul>'


def page(between: str, statement: str) -> str:
    return (f"<html><body><main><h1>Dreigingsbeeld Terrorisme Nederland</h1><h2>Actueel dreigingsniveau</h2>{between}"
            f"{statement}{HISTORY_TABLE}{LINKS}</main></body></html>")


def harness(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> Harness:
    return Harness(tmp_path, f'[[source]]\nid = "nctv-dtn"\nkind = "nctv"\nurl = "{server.url("/dtn")}"\n',
                   f'[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:{webhook.port}/a"\ntags = ["ops"]\n')


def test_a_date_line_or_teaser_between_label_and_sentence_is_read_through(
    tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    server.set("/dtn", page("<p class='meta'>Laatst gewijzigd: 17-06-2025</p><p>Lees hier wat het niveau betekent "
                            "voor u.</p>", "<p>Het dreigingsniveau is 4 (substantieel).</p>"))
    h = harness(tmp_path, server, webhook)
    out = h.check().outcomes[0]
    assert out.ok and not out.result.drift
    assert [r.level for r in out.result.levels] == [4]


def test_a_redesign_that_blinds_the_level_is_reported_once_then_its_recovery_once(
    tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    server.set("/dtn", nctv_topic(4, OLD))
    h = harness(tmp_path, server, webhook)
    h.check()
    # the label is still there, the DTN links too, but the level is now only in an image
    server.set("/dtn", page("<p>Bekijk de infographic.</p><p><img src='/niveau.png' alt=''></p>", ""))
    kinds = [[e.kind for e in h.check().events] for _ in range(5)]
    assert kinds == [[], [], ["source_degraded"], [], []]  # after failure_threshold (3) such checks, once
    degraded = h.store().recent_events(1)[0]
    assert "no level can be read" in degraded.payload["reason"]
    server.set("/dtn", nctv_topic(4, OLD))
    kinds = [[e.kind for e in h.check().events] for _ in range(3)]
    assert kinds == [["source_recovered"], [], []]
    assert len(webhook.bodies) == 2


def test_a_short_glitch_in_shape_says_nothing(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    server.set("/dtn", nctv_topic(4, OLD))
    h = harness(tmp_path, server, webhook)
    h.check()
    server.set("/dtn", page("<p>Even geen tekst.</p>", ""))
    assert [h.check().events for _ in range(2)] == [[], []]
    server.set("/dtn", nctv_topic(4, OLD))
    assert h.check().events == []
    assert webhook.bodies == []


def test_failures_are_reported_once_and_recovery_once(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    server.set("/dtn", nctv_topic(4, OLD))
    h = harness(tmp_path, server, webhook)
    h.check()
    server.set("/dtn", "", status=500)
    kinds = [[e.kind for e in h.check().events] for _ in range(5)]
    assert kinds == [[], [], ["source_failing"], [], []]
    server.set("/dtn", nctv_topic(4, OLD))
    assert [e.kind for e in h.check().events] == ["source_recovered"]
    assert h.check().events == []
