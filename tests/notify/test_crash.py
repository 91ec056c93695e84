"""kill -9 of the daemon in the middle of a send: after a restart nothing is lost.

The only possible repeat is the message the channel accepted just before the kill; it
carries the same event key ('Kenmerk'), so a reader can recognise it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import httpx

from monitor.store import Store
from tests.support.daemon import DaemonProcess, one_source_files
from tests.support.fixture_server import FixtureServer, WebhookReceiver
from tests.support.pages import nctv_topic

OLD = [("/p/2019/06/24/dreigingsbeeld-terrorisme-nederland-50", "Dreigingsbeeld Terrorisme Nederland 50")]
NEW = (f"/p/{date.today():%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-61", "Dreigingsbeeld Terrorisme Nederland 61")
TOKEN = "crash-test-token-123"


def test_kill_during_send_loses_nothing(state_db: Path | str, tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    server.set("/dtn", nctv_topic(4, OLD))
    # a lease of 150 s: only the restarted daemon (which frees a killed sender's leases at once) sends again
    config, channels = one_source_files(tmp_path, server.url("/dtn"), webhook.port,
                                        delivery='lease = "150s"\nretry_base = "1s"')
    env = {"DTN_MONITOR_TOKEN": TOKEN}
    first = DaemonProcess(tmp_path, config, channels, env=env, db=state_db).start()
    assert first.wait_for(lambda: httpx.get(first.base + "/api/status").json()["level"] is not None)
    webhook.hold = 5.0  # the service is slow: the kill lands while it holds our request
    server.set(NEW[0], "<html><body><main><p>Het dreigingsniveau blijft 4.</p></main></body></html>")
    server.set("/dtn", nctv_topic(4, [*OLD, NEW]))
    try:
        httpx.post(first.base + "/api/check", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=1)
    except httpx.TimeoutException:
        pass  # the trigger waits for the send; we do not
    assert first.wait_for(lambda: webhook.arrived >= 1, timeout=15)
    first.kill()  # SIGKILL mid-send
    db = state_db
    store = Store(db)
    assert store.integrity_ok()
    [row] = store.deliveries()
    assert row.status in ("pending", "failed")  # not marked sent: the send never completed for us
    store.close()
    webhook.hold = 0.0
    second = DaemonProcess(tmp_path, config, channels, env=env, db=state_db).start()
    try:
        assert second.wait_for(lambda: Store(db).deliveries()[0].status == "sent", timeout=30)
    finally:
        assert second.stop() == 0
    keys = {json.loads(b)["message"].rsplit("Kenmerk: ", 1)[1].strip() for b in webhook.bodies}
    assert keys == {"edition:dtn-61"}
    assert 1 <= len(webhook.bodies) <= 2  # at most the one accepted just before the kill, recognisable by key
    store = Store(db)
    assert [e.key for e in store.recent_events()] == ["edition:dtn-61"]
