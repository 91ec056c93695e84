"""Two replicas, one alert: real daemon processes "a" and "b" on one real PostgreSQL database.

Everything is real and on 127.0.0.1: the PostgreSQL server (Debian's package, started by the
tests), the NCTV pages, the webhook receiving the alerts, the daemons. The database restart and
the network cut act on that server (a fast shutdown; pg_terminate_backend of one replica's
connections, which is what the server sees of a cut).
"""

from __future__ import annotations

import collections
import time
from datetime import date
from pathlib import Path

import httpx

from bench.faults import fast_files, received_keys
from bench.ha import ha_kill_loop, replica
from monitor.store import Store
from tests.support.daemon import DaemonProcess
from tests.support.fixture_server import FixtureServer, WebhookReceiver
from tests.support.pages import nctv_publication, nctv_topic
from tests.support.postgres import shared_server

OLD = [("/p/2019/06/24/dreigingsbeeld-terrorisme-nederland-50", "Dreigingsbeeld Terrorisme Nederland 50")]
TOKEN = "ha-test-token-123"


def edition(number: int) -> tuple[str, str]:
    return (f"/p/{date.today():%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-{number}",
            f"Dreigingsbeeld Terrorisme Nederland {number}")


def publish(server: FixtureServer, shown: list[tuple[str, str]], number: int, text: str, level: int = 4) -> str:
    """A new DTN page and the topic page listing it; returns its event key."""
    path, title = edition(number)
    server.set(path, nctv_publication(number, text))
    shown.append((path, title))
    server.set("/dtn", nctv_topic(level, shown))
    return f"edition:dtn-{number}"


def two_replicas(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver,
                 database: str) -> dict[str, DaemonProcess]:
    config, channels = fast_files(tmp_path, server, webhook)
    replicas = {n: replica(tmp_path, n, config, channels, database, DTN_MONITOR_TOKEN=TOKEN).start() for n in "ab"}
    store = Store(database)
    try:
        assert replicas["a"].wait_for(lambda: (store.current_level() or {}).get("origin") not in (None, "history"))
    finally:
        store.close()
    return replicas


def counts(webhook: WebhookReceiver) -> collections.Counter[str]:
    return collections.Counter(received_keys(webhook))


def levels_alerted(webhook: WebhookReceiver) -> list[str]:
    return [k for k in received_keys(webhook) if k.startswith("level:")]


def status_of(store: Store, key: str) -> list[str]:
    return [d.status for d in store.deliveries() if (e := store.event(d.event_id)) is not None and e.key == key]


def test_two_replicas_send_one_alert_per_edition_and_per_level_change(
    state_db: str, tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    shown = list(OLD)
    server.set("/dtn", nctv_topic(4, shown))
    replicas = two_replicas(tmp_path, server, webhook, state_db)
    try:
        key = publish(server, shown, 61, "Het dreigingsniveau blijft 4.")
        assert replicas["a"].wait_for(lambda: key in counts(webhook))
        time.sleep(4)  # both replicas go on checking every second
        key2 = publish(server, shown, 62, "Het dreigingsniveau wordt verhoogd van 4 naar 5.", level=5)
        assert replicas["a"].wait_for(lambda: key2 in counts(webhook) and levels_alerted(webhook))
        time.sleep(4)
        got = counts(webhook)
        assert set(got.values()) == {1}, got  # never twice
        assert {k for k in got if k.startswith("edition:")} == {key, key2}
        assert [k.split(":")[1] for k in levels_alerted(webhook)] == ["4-5"]  # one level alert, 4 → 5

        # the manual trigger works on either replica, and each says who it is
        for name, d in replicas.items():
            answer = httpx.post(d.base + "/api/check", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
            assert answer.status_code == 200 and answer.json()["events"] == []
            ready = httpx.get(d.base + "/readyz").json()
            assert ready["ready"] and ready["checks"]["replica"] == name
            assert ready["checks"]["database"].startswith("postgresql://") and "dtn_test" in ready["checks"]["database"]
            assert f'dtn_replica_info{{replica="{name}"}} 1.0' in httpx.get(d.base + "/metrics").text
        status = httpx.get(replicas["b"].base + "/api/status").json()
        assert status["level"]["level"] == 5
        assert {s["checked_by"] for s in status["sources"]} <= {"a", "b"}
    finally:
        for d in replicas.values():
            assert d.stop() == 0
    assert set(counts(webhook).values()) == {1}


def test_kill_9_of_either_replica_mid_check_or_mid_send_loses_nothing(state_db: str, tmp_path: Path) -> None:
    """A replica killed at a random moment (checking, or holding a slow channel's request) and started again
    a second later, four times over: every edition arrives; a repeat only for a kill landing between the
    service's acceptance and our record of it (each recognisable by its key)."""
    report = ha_kill_loop(4, state_db, seed=11, workdir=tmp_path, restart_after=1.0)
    assert report.published == 4 and report.received == 4, report
    assert report.lost == [] and report.undelivered == 0, report
    assert report.repeats <= report.mid_send, report


def test_database_restart_under_two_replicas_loses_and_repeats_nothing(
    state_db: str, tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    pg = shared_server()
    shown = list(OLD)
    server.set("/dtn", nctv_topic(4, shown))
    replicas = two_replicas(tmp_path, server, webhook, state_db)
    try:
        # an edition published while the database is down is alerted once it is back
        pg.stop()
        key = publish(server, shown, 61, "Het dreigingsniveau blijft 4.")
        time.sleep(3)
        for d in replicas.values():  # said, not a traceback per request
            assert httpx.get(d.base + "/readyz").status_code == 503
            for path in ("/api/status", "/metrics"):
                answer = httpx.get(d.base + path, timeout=20)
                assert answer.status_code == 503 and "state database unavailable" in answer.json()["error"]
        pg.start()
        assert replicas["a"].wait_for(lambda: key in counts(webhook), timeout=30)
        for d in replicas.values():
            assert d.wait_for(lambda d=d: httpx.get(d.base + "/readyz").status_code == 200, timeout=20)

        # the database goes away while a slow channel holds our request: the send is recorded when it is back
        webhook.hold = 2.0  # well under apprise's 4 s read timeout: slow, but an answer within it
        arrived = webhook.arrived
        key2 = publish(server, shown, 62, "Het dreigingsniveau blijft 4.")
        assert replicas["a"].wait_for(lambda: webhook.arrived > arrived, timeout=20)
        pg.stop()
        time.sleep(4)  # the send completes meanwhile; nothing can be written
        pg.start()
        webhook.hold = 0.0
        store = Store(state_db)
        try:
            assert replicas["a"].wait_for(lambda: status_of(store, key2) == ["sent"], timeout=30)
        finally:
            store.close()
        time.sleep(5)  # more cycles and dispatch rounds on both replicas
    finally:
        for d in replicas.values():
            d.kill()
    got = counts(webhook)
    assert got[key] == 1 and got[key2] == 1, got
    assert "state database" in (tmp_path / "a" / "daemon.log").read_text()  # the outage was said


def test_a_network_cut_of_the_sending_replica_never_doubles_a_send(
    state_db: str, tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    pg = shared_server()
    shown = list(OLD)
    server.set("/dtn", nctv_topic(4, shown))
    replicas = two_replicas(tmp_path, server, webhook, state_db)
    store = Store(state_db)
    try:
        webhook.hold = 2.0  # (at 4 s apprise's own read timeout gives up on the answer: a send it must repeat)
        key = publish(server, shown, 61, "Het dreigingsniveau blijft 4.")
        assert replicas["a"].wait_for(lambda: webhook.arrived >= 1, timeout=20)
        owner = str(store.db.scalar("SELECT lease_owner FROM deliveries WHERE lease_owner IS NOT NULL"))
        sender = "a" if "/a:" in owner else "b"
        cut_until = time.monotonic() + 6  # the sender cannot reach the database for 6 s, mid-send
        cuts = 0
        while time.monotonic() < cut_until:
            cuts += pg.cut(f"dtn-monitor/{sender}")
            time.sleep(0.2)
        assert cuts >= 1
        webhook.hold = 0.0
        assert replicas["a"].wait_for(lambda: status_of(store, key) == ["sent"], timeout=30)
        time.sleep(5)  # the other replica's dispatch rounds go on
    finally:
        store.close()
        for d in replicas.values():
            d.kill()
    assert counts(webhook)[key] == 1, counts(webhook)
