"""Fault injection: every way a source can misbehave gives no crash, no false alert, no lost fact,
a clear log line, a counted failure, one "source failing" alert after N failures and one "recovered".
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from monitor.status import status
from tests.conftest import Harness
from tests.support.fixture_server import FixtureServer, Reply, WebhookReceiver
from tests.support.pages import nctv_topic

OLD = [("/p/2019/06/24/dreigingsbeeld-terrorisme-nederland-50", "Dreigingsbeeld Terrorisme Nederland 50")]
GOOD = nctv_topic(4, OLD)

FAULTS: dict[str, tuple[Reply | str, str]] = {
    "http-500": (Reply("boom", status=500), "HTTP 500"),
    "http-503-retry-after": (Reply("busy", status=503, headers={"Retry-After": "1"}), "HTTP 503"),
    "http-429-retry-after": (Reply("slow down", status=429, headers={"Retry-After": "1"}), "HTTP 429"),
    "timeout": (Reply(GOOD, fault="hang", validators=False), "no complete answer"),
    "slow-drip": (Reply(GOOD, fault="drip", validators=False), "no complete answer"),
    "connection-reset": (Reply(GOOD, fault="reset", validators=False), "connection problem"),
    "truncated-body": (Reply(GOOD, fault="truncate", validators=False), "connection problem|truncated"),
    "empty-body": (Reply("", validators=False), "empty or unparseable"),
    "error-page-200": (Reply("<html><head><title>Pagina niet gevonden</title></head><body><h1>404</h1></body></html>"),
                       "error page"),
    "50MB-body": (Reply("", fault="big"), "over the cap|more than"),
    "gzip-bomb": (Reply("", fault="gzip-bomb"), "more than .* bytes"),
    "redirect-loop": (Reply("", status=302, headers={"Location": "/dtn"}, validators=False), "redirect loop"),
    "redirect-other-host": (Reply("", status=301, headers={"Location": "https://evil.example.com/dtn"}, validators=False),
                            "another site"),
    "binary-garbage": (Reply(bytes(range(256)) * 40, content_type="application/octet-stream", validators=False),
                       "expected an HTML page"),
}


def harness(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> Harness:
    return Harness(tmp_path, f"""
        [[source]]
        id = "nctv"
        kind = "nctv"
        url = "{server.url('/dtn')}"
        timeout = "1.5s"
        """, f'[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:{webhook.port}/a"\n', monitor="""
        [monitor]
        host_min_gap = "0s"
        failure_threshold = 3
        max_body_bytes = 2000000
        """)


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_fault(fault: str, tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver,
               caplog: pytest.LogCaptureFixture) -> None:
    reply, error_text = FAULTS[fault]
    server.set("/dtn", GOOD)
    h = harness(tmp_path, server, webhook)
    h.check()
    assert h.store().current_level()["level"] == 4
    server.set("/dtn", reply)
    caplog.set_level(logging.WARNING, logger="dtn_monitor")
    for i in range(4):
        report = h.check()  # each check is a new runtime, as after a restart; Retry-After is per process
        out = report.outcomes[0]
        assert not out.ok, f"check {i} of {fault} did not fail"
        import re

        assert re.search(error_text, out.error or ""), out.error
    assert "check failed" in caplog.text
    titles = [json.loads(b)["title"] for b in webhook.bodies]
    assert titles == ["Bron faalt: nctv"]  # exactly one, after the third failure; no level/edition alert
    src = status(h.store(), None)["sources"][0]
    assert src["failing"] and src["consecutive_failures"] == 4 and src["failures"] == 4
    store = h.store()
    assert store.current_level()["level"] == 4  # no fact forgotten
    assert {e["key"] for e in store.editions()} == {"dtn-50"}
    server.set("/dtn", GOOD)
    h.check()
    h.check()
    titles = [json.loads(b)["title"] for b in webhook.bodies]
    assert titles == ["Bron faalt: nctv", "Bron hersteld: nctv"]
    assert not status(h.store(), None)["sources"][0]["failing"]


def test_retry_after_is_honoured_within_a_process(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    import asyncio

    from monitor.cycle import run_check

    server.set("/dtn", Reply("slow down", status=429, headers={"Retry-After": "120"}))
    h = harness(tmp_path, server, webhook)

    async def go() -> list[str]:
        rt = h.runtime()
        try:
            errors = []
            for _ in range(3):
                report = await run_check(rt)
                errors.append(report.outcomes[0].error or "")
            return errors
        finally:
            await rt.aclose()

    errors = asyncio.run(go())
    assert server.count("/dtn") == 1  # the later checks did not knock again
    assert "HTTP 429" in errors[0] and all("asked us to wait" in e for e in errors[1:])


def test_malformed_html_still_reads_the_facts(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    server.set("/dtn", "<html><body><div><p>Actueel dreigingsniveau: substantieel<p>Het dreigingsniveau is "
                       "substantieel (niveau 4)<table><tr><td>DTN 1 -7<td>Substantieel</div></span></body>")
    h = harness(tmp_path, server, webhook)
    out = h.check().outcomes[0]
    assert out.ok and [r.level for r in out.result.levels] == [4]


def test_invalid_json_and_xml_fail_cleanly(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    server.set("/odata/Document", Reply("{not json", content_type="application/json"))
    server.set("/sru", Reply("<sru:searchRetrieveResponse><unclosed>", content_type="application/xml"))
    h = Harness(tmp_path, f"""
        [[source]]
        id = "tk"
        kind = "tk-odata"
        url = "{server.url('/odata/Document')}"
        [[source]]
        id = "ob"
        kind = "ob-sru"
        url = "{server.url('/sru')}"
        """, f'[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:{webhook.port}/a"\n')
    report = h.check()
    errors = {o.source_id: o.error for o in report.outcomes}
    assert "not JSON" in (errors["tk"] or "") and "not valid XML" in (errors["ob"] or "")
    assert webhook.bodies == []


def test_flapping_page_never_alerts_each_flip(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    """Rule: a level change needs two consecutive readings (or an explicit change sentence, or two sources)."""
    server.set("/dtn", GOOD)
    h = harness(tmp_path, server, webhook)
    h.check()
    for i in range(10):
        server.set("/dtn", nctv_topic(3 if i % 2 == 0 else 4, OLD))
        h.check()
    assert webhook.bodies == []
    assert h.store().current_level()["level"] == 4


def test_flapping_explicit_change_text_is_bounded(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    """Even a page whose text says 'van 4 naar 3' then 'van 3 naar 4' alerts the first change only;
    the reversal within 24 hours needs two consecutive readings."""
    server.set("/dtn", GOOD)
    h = harness(tmp_path, server, webhook)
    h.check()
    down = GOOD.replace("Actueel dreigingsniveau: substantieel", "Actueel dreigingsniveau: het niveau gaat van 4 naar 3")
    up = GOOD.replace("Actueel dreigingsniveau: substantieel", "Actueel dreigingsniveau: het niveau gaat van 3 naar 4")
    for i in range(8):
        server.set("/dtn", down if i % 2 == 0 else up)
        h.check()
    assert len(webhook.bodies) == 1
