"""The real daemon process: scheduled checks, HTTP endpoints, the manual trigger, clean SIGTERM."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from monitor.store import Store
from tests.support.daemon import DaemonProcess, one_source_files
from tests.support.fixture_server import FixtureServer, WebhookReceiver
from tests.support.pages import nctv_topic

TOKEN = "s3cret-trigger-token-value"
OLD = [("/p/2019/06/24/dreigingsbeeld-terrorisme-nederland-50", "Dreigingsbeeld Terrorisme Nederland 50")]


@pytest.fixture
def daemon(state_db: Path | str, tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> Iterator[DaemonProcess]:
    server.set("/dtn", nctv_topic(4, OLD))
    config, channels = one_source_files(tmp_path, server.url("/dtn"), webhook.port)
    d = DaemonProcess(tmp_path, config, channels, env={"DTN_MONITOR_TOKEN": TOKEN}, db=state_db).start()
    # the first scheduled check runs at start-up
    assert d.wait_for(lambda: server.count("/dtn") >= 1)
    assert d.wait_for(lambda: httpx.get(d.base + "/api/status").json()["level"] is not None)
    yield d
    d.kill()


def test_health_ready_metrics_status(daemon: DaemonProcess) -> None:
    assert httpx.get(daemon.base + "/healthz").text == "ok\n"
    ready = httpx.get(daemon.base + "/readyz")
    assert ready.status_code == 200 and ready.json()["ready"] is True
    metrics = httpx.get(daemon.base + "/metrics").text
    families = {f.name: f for f in text_string_to_metric_families(metrics)}
    assert {"dtn_checks", "dtn_http_requests", "dtn_http_not_modified", "dtn_events", "dtn_deliveries",
            "dtn_outbox_deliveries", "dtn_outbox_oldest_pending_seconds", "dtn_last_success_timestamp_seconds",
            "dtn_check_duration_seconds", "dtn_threat_level"} <= set(families)
    level = [s.value for s in families["dtn_threat_level"].samples]
    assert level == [4.0]
    status = httpx.get(daemon.base + "/api/status").json()
    assert status["level"]["name"] == "substantieel"
    assert status["sources"][0]["last_result"] == "ok"
    assert TOKEN not in metrics + json.dumps(status)


def test_manual_trigger_needs_the_token(daemon: DaemonProcess, server: FixtureServer, webhook: WebhookReceiver) -> None:
    before = server.count("/dtn")
    assert httpx.post(daemon.base + "/api/check").status_code == 401
    wrong = httpx.post(daemon.base + "/api/check", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert server.count("/dtn") == before  # nothing was triggered
    new = f"/p/{date.today():%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-61"
    server.set(new, "<html><body><main><p>Het dreigingsniveau blijft 4.</p></main></body></html>")
    server.set("/dtn", nctv_topic(4, [*OLD, (new, "Dreigingsbeeld Terrorisme Nederland 61")]))
    ok = httpx.post(daemon.base + "/api/check?source=nctv-dtn", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    assert ok.status_code == 200
    report = ok.json()
    assert [e["kind"] for e in report["events"]] == ["new_edition"]
    assert daemon.wait_for(lambda: len(webhook.bodies) == 1)
    assert json.loads(webhook.bodies[0])["title"].endswith("DTN 61")
    missing = httpx.post(daemon.base + "/api/check?source=nope", headers={"Authorization": f"Bearer {TOKEN}"})
    assert missing.status_code == 404


def test_sigterm_stops_cleanly_with_state_intact(daemon: DaemonProcess, state_db: Path | str) -> None:
    started = time.monotonic()
    assert daemon.stop() == 0
    assert time.monotonic() - started < 10
    assert "stopped cleanly" in daemon.log.read_text()
    store = Store(state_db)
    assert store.integrity_ok()
    assert store.current_level()["level"] == 4


def test_trigger_is_off_without_a_token(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    server.set("/dtn", nctv_topic(4, OLD))
    config, channels = one_source_files(tmp_path, server.url("/dtn"), webhook.port)
    d = DaemonProcess(tmp_path, config, channels).start()
    try:
        r = httpx.post(d.base + "/api/check", headers={"Authorization": "Bearer anything"})
        assert r.status_code == 403 and "off" in r.json()["error"]
    finally:
        assert d.stop() == 0


def test_cli_check_beside_a_running_daemon_alerts_once(state_db: Path | str, tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    import subprocess
    import sys

    server.set("/dtn", nctv_topic(4, OLD))
    config, channels = one_source_files(tmp_path, server.url("/dtn"), webhook.port, interval="1s")
    d = DaemonProcess(tmp_path, config, channels, env={"DTN_MONITOR_LOG_FORMAT": "json",
                                                       "SMTP_PASSWORD": "do-not-log-this-pw"}, db=state_db).start()
    try:
        assert d.wait_for(lambda: httpx.get(d.base + "/api/status").json()["level"] is not None)
        new = f"/p/{date.today():%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-61"
        server.set(new, "<html><body><main><p>Het dreigingsniveau blijft 4.</p></main></body></html>")
        server.set("/dtn", nctv_topic(4, [*OLD, (new, "Dreigingsbeeld Terrorisme Nederland 61")]))
        procs = [
            subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config), "--notifiers", str(channels), "check"],
                             cwd=tmp_path, env=d.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(3)
        ]
        for p in procs:
            assert p.wait(timeout=60) == 0
        assert d.wait_for(lambda: len(webhook.bodies) >= 1)
        time.sleep(3)  # several more daemon cycles
        assert len(webhook.bodies) == 1
    finally:
        assert d.stop() == 0
    store = Store(state_db)
    assert store.integrity_ok()
    assert [e.key for e in store.recent_events()] == ["edition:dtn-61"]
    lines = [ln for ln in d.log.read_text().splitlines() if ln.strip()]
    assert lines and all(json.loads(ln)["message"] for ln in lines)
    assert "do-not-log-this-pw" not in d.log.read_text()


def test_a_change_seen_once_is_confirmed_by_a_quick_recheck_not_an_interval_later(
    state_db: Path | str, tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    server.set("/dtn", nctv_topic(4, OLD))
    config, channels = one_source_files(tmp_path, server.url("/dtn"), webhook.port, monitor='recheck_after = "2s"')
    d = DaemonProcess(tmp_path, config, channels, env={"DTN_MONITOR_TOKEN": TOKEN}, db=state_db).start()
    try:
        assert d.wait_for(lambda: httpx.get(d.base + "/api/status").json()["level"] is not None)
        server.set("/dtn", nctv_topic(5, OLD))  # no "van 4 naar 5": one reading is not enough
        first = httpx.post(d.base + "/api/check", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30).json()
        assert first["events"] == []
        seen = time.monotonic()
        assert d.wait_for(lambda: len(webhook.bodies) == 1, timeout=20)
        assert time.monotonic() - seen < 15  # the re-check came after seconds, not after the 1 h interval
        assert json.loads(webhook.bodies[0])["title"] == "Dreigingsniveau verhoogd: 4 → 5 (kritiek)"
    finally:
        assert d.stop() == 0


def test_a_change_first_seen_by_a_cli_check_beside_the_daemon_is_confirmed_by_the_daemon_soon(
    state_db: Path | str, tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    """A user hears the news and runs `dtn-monitor check`: it sees the new level once (not enough); the
    confirmation it asks for is kept in the state, so the daemon re-checks within seconds, not an hour later."""
    import subprocess
    import sys

    server.set("/dtn", nctv_topic(4, OLD))
    config, channels = one_source_files(tmp_path, server.url("/dtn"), webhook.port, monitor='recheck_after = "3s"')
    d = DaemonProcess(tmp_path, config, channels, db=state_db).start()
    try:
        assert d.wait_for(lambda: httpx.get(d.base + "/api/status").json()["level"] is not None)
        before = server.count("/dtn")
        server.set("/dtn", nctv_topic(5, OLD))  # no "van 4 naar 5": one reading is not enough
        cli = subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), "--notifiers", str(channels),
                              "check", "--json"], cwd=tmp_path, env=d.env, capture_output=True, text=True, timeout=60)
        assert cli.returncode == 0, cli.stderr
        assert json.loads(cli.stdout)["events"] == []
        seen = time.monotonic()
        assert d.wait_for(lambda: len(webhook.bodies) == 1, timeout=30)
        assert time.monotonic() - seen < 20  # seconds after the CLI's sighting, not the 1 h interval
        assert server.count("/dtn") >= before + 2  # the CLI's check, then the daemon's confirmation
        assert json.loads(webhook.bodies[0])["title"] == "Dreigingsniveau verhoogd: 4 → 5 (kritiek)"
        time.sleep(2)
        assert len(webhook.bodies) == 1
    finally:
        assert d.stop() == 0


def test_a_manual_check_that_fails_inside_answers_500_without_its_text(
        tmp_path: Path, server: FixtureServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import asyncio

    from monitor.daemon import Daemon
    from monitor.web import create_app
    from tests.conftest import Harness

    server.set("/dtn", nctv_topic(4, OLD))
    h = Harness(tmp_path, f'[[source]]\nid = "nctv"\nkind = "nctv"\nurl = "{server.url("/dtn")}"\n',
                '[[channel]]\nname = "c"\nurl = "log://"\n')
    daemon = Daemon(h.runtime(), host="127.0.0.1", port=0)

    async def boom(source_ids: list[str] | None = None) -> None:
        raise RuntimeError("could not post to https://hooks.example/xoxb-very-secret-123")

    monkeypatch.setattr(daemon, "check_now", boom)
    monkeypatch.setenv("DTN_MONITOR_TOKEN", TOKEN)

    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(daemon))
        async with httpx.AsyncClient(transport=transport, base_url="http://dtn-monitor.test") as client:
            return await client.post("/api/check", headers={"Authorization": f"Bearer {TOKEN}"})

    answer = asyncio.run(ask())
    assert answer.status_code == 500 and "xoxb" not in answer.text and "internal error" in answer.json()["error"]
    [record] = [r for r in caplog.records if r.name == "dtn_monitor.web"]
    assert record.levelname == "ERROR" and record.exc_info is not None
    daemon.runtime.store.close()
