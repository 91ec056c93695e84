"""Delivery: never a repeat to a healthy channel, one bad channel never blocks another, every event arrives.

Two senders share one real SQLite outbox. A hang of 120 s is not waited for: the clock is a
ManualClock and the hanging channel's send moves it on (and lets the other sender run in the
meantime), which is exactly the interleaving that used to repeat a message.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.clock import ManualClock
from monitor.notify.channels import Channel, Channels, DeliveryPolicy
from monitor.notify.dispatcher import Dispatcher, send_apprise
from monitor.notify.messages import LIMITS, Message, render
from monitor.store import Store
from tests.support.fixture_server import WebhookReceiver


def store_with(db: Path | str, clock: ManualClock, channels: list[str], n: int = 1) -> Store:
    store = Store(db, clock=clock)
    with store.transaction():
        for i in range(n):
            store.insert_event(f"edition:dtn-{70 + i}", "new_edition",
                               {"edition": f"DTN {70 + i}", "title": f"Dreigingsbeeld Terrorisme Nederland {70 + i}",
                                "links": []}, channels)
    return store


def test_a_hanging_channel_never_makes_another_process_repeat_a_healthy_one(state_db: Path | str, tmp_path: Path, webhook: WebhookReceiver) -> None:
    clock = ManualClock(datetime.now(UTC))
    channels = Channels((Channel("a-slow", "json://127.0.0.1:9/never"), Channel("b-hook", f"json://127.0.0.1:{webhook.port}/a")),
                        DeliveryPolicy())
    store_a = store_with(state_db, clock, ["a-slow", "b-hook"])
    store_b = Store(state_db, clock=clock)
    second = Dispatcher(store_b, channels, clock=clock, owner="host:2:bbbb")

    async def send(url: str, message: Message) -> tuple[bool, str | None]:
        if "9/never" in url:
            clock.advance(130)  # the slow service holds us past the send timeout …
            await second.dispatch_due()  # … while `dtn-monitor check` runs beside us
            return False, "the send did not finish within 120s (killed)"
        return await send_apprise(url, message)

    first = Dispatcher(store_a, channels, clock=clock, owner="host:1:aaaa", send=send)

    async def go() -> None:
        await first.dispatch_due()
        clock.advance(600)
        await first.dispatch_due()
        await second.dispatch_due()

    asyncio.run(go())
    assert len(webhook.bodies) == 1  # the healthy channel got it once
    statuses = {d.channel: d.status for d in store_a.deliveries()}
    assert statuses == {"a-slow": "failed", "b-hook": "sent"}


def test_a_sender_whose_lease_ran_out_does_not_send(state_db: Path | str, tmp_path: Path) -> None:
    clock = ManualClock(datetime.now(UTC))
    store = store_with(state_db, clock, ["hook"])
    [row] = store.deliveries()
    assert store.claim_ids([row.id], clock.time(), 180, "host:1:aaaa") == [row.id]
    clock.advance(200)  # the first owner stalled past its lease; another takes the row over
    assert store.claim_ids([row.id], clock.time(), 180, "host:2:bbbb") == [row.id]
    assert store.still_own([row.id], "host:1:aaaa", clock.time()) == []
    assert not store.mark_sent(row.id, "host:1:aaaa")  # the stale owner cannot overwrite the new owner's result
    assert store.mark_sent(row.id, "host:2:bbbb")


def test_a_broken_template_fails_only_its_own_channel(state_db: Path | str,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, webhook: WebhookReceiver
) -> None:
    templates = tmp_path / "templates"
    (templates / "nl").mkdir(parents=True)
    (templates / "nl" / "new_edition.txt").write_text("Nieuw: {edition\n{title}\n", encoding="utf-8")
    monkeypatch.setenv("DTN_MONITOR_TEMPLATES", str(templates))
    clock = ManualClock(datetime.now(UTC))
    channels = Channels((Channel("dutch", f"json://127.0.0.1:{webhook.port}/nl", language="nl"),
                         Channel("english", f"json://127.0.0.1:{webhook.port}/en", language="en")),
                        DeliveryPolicy(max_age=3600))
    store = store_with(state_db, clock, ["dutch", "english"])
    dispatcher = Dispatcher(store, channels, clock=clock)
    results = asyncio.run(dispatcher.dispatch_due())
    assert {r.channel: r.ok for r in results} == {"dutch": False, "english": True}
    assert len(webhook.bodies) == 1 and json.loads(webhook.bodies[0])["title"].startswith("New Terrorist Threat")
    dutch = next(d for d in store.deliveries() if d.channel == "dutch")
    assert dutch.status == "failed" and "new_edition.txt" in (dutch.last_error or "")
    clock.advance(7200)
    asyncio.run(dispatcher.dispatch_due())
    assert next(d for d in store.deliveries() if d.channel == "dutch").status == "dead"  # after max_age, as any failure


def test_validate_checks_every_template(tmp_path: Path) -> None:
    templates = tmp_path / "templates" / "en"
    templates.mkdir(parents=True)
    (templates / "level_changed.txt").write_text("Level {to_level}\nBody {0}\n", encoding="utf-8")
    (templates / "new_edition.txt").write_text("Fine {edition}\n{title}\n", encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "DTN_MONITOR_TEMPLATES": str(tmp_path / "templates"), "PYTHONPATH": str(Path.cwd())}
    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-m", "monitor", "--config", str(repo / "sources.toml"), "--notifiers",
                          str(repo / "notifiers" / "channels.toml"), "validate"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "level_changed.txt" in out.stderr and "positional field" in out.stderr
    assert "new_edition.txt" not in out.stderr


def test_a_digest_over_the_length_limit_is_split_and_every_event_arrives(state_db: Path | str, tmp_path: Path) -> None:
    clock = ManualClock(datetime.now(UTC))
    channels = Channels((Channel("discord", "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js"),), DeliveryPolicy())
    store = store_with(state_db, clock, ["discord"], n=25)
    sent: list[Message] = []

    async def send(url: str, message: Message) -> tuple[bool, str | None]:
        sent.append(message)
        return True, None

    asyncio.run(Dispatcher(store, channels, clock=clock, send=send).dispatch_due())
    assert len(sent) > 1
    assert all(len(m.body) <= LIMITS["discord"] for m in sent)
    arrived = [line.split(": ", 1)[1] for m in sent for line in m.body.splitlines() if line.startswith("Kenmerk: ")]
    assert sorted(arrived) == sorted(f"edition:dtn-{70 + i}" for i in range(25))
    assert {d.status for d in store.deliveries()} == {"sent"}


def test_one_event_longer_than_the_limit_keeps_its_key() -> None:
    from monitor.store import EventRow

    long = EventRow(1, "level:4-5:2026-12-09:7", "level_changed", "2026-12-09T10:00:00+00:00",
                    {"from_level": 4, "to_level": 5, "evidence": "x" * 5000, "links": []})
    [message] = render([long], lang="nl", scheme="discord")
    assert len(message.body) <= LIMITS["discord"] and message.body.endswith("Kenmerk: level:4-5:2026-12-09:7")


def test_retry_gives_a_dead_delivery_its_whole_budget_again(state_db: Path | str, tmp_path: Path) -> None:
    clock = ManualClock(datetime.now(UTC))
    channels = Channels((Channel("down", "json://127.0.0.1:9/x"),), DeliveryPolicy(retry_base=60, max_age=3600))
    store = store_with(state_db, clock, ["down"])

    async def refuse(url: str, message: Message) -> tuple[bool, str | None]:
        return False, "connection refused"

    dispatcher = Dispatcher(store, channels, clock=clock, send=refuse)
    while store.deliveries()[0].status != "dead":
        clock.advance(600)
        asyncio.run(dispatcher.dispatch_due())
    assert store.retry_dead() == 1
    asyncio.run(dispatcher.dispatch_due())
    row = store.deliveries()[0]
    assert row.status == "failed" and row.attempts == 1  # retried, not dead after one more failure
    clock.advance(1800)
    asyncio.run(dispatcher.dispatch_due())
    assert store.deliveries()[0].status == "failed"  # still within the renewed max_age


def test_channels_without_a_language_follow_the_monitor_language(state_db: Path | str, tmp_path: Path, webhook: WebhookReceiver) -> None:
    clock = ManualClock(datetime.now(UTC))
    channels = Channels((Channel("hook", f"json://127.0.0.1:{webhook.port}/a"),), DeliveryPolicy())
    store = store_with(state_db, clock, ["hook"])
    asyncio.run(Dispatcher(store, channels, clock=clock, default_language="en").dispatch_due())
    assert json.loads(webhook.bodies[0])["title"].startswith("New Terrorist Threat Assessment Netherlands")
