"""Send the outbox: due deliveries, one digest per channel, retried until they arrive or age out.

A delivery row is leased before sending (so a second process does not send it too), marked
'sent' after the channel accepted it, or 'failed' with the next attempt time (exponential
backoff with jitter). Past the policy's max age it is 'dead' and shows in status, logs and
metrics. One channel's failure never touches another channel's rows.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from monitor.notify import sender
from monitor.notify.channels import Channel, Channels, load_secrets
from monitor.notify.messages import render
from monitor.store import DeliveryRow, EventRow, Store

log = logging.getLogger("dtn_monitor.notify")


@dataclass
class SendResult:
    channel: str
    ok: bool
    error: str | None = None
    events: list[str] = field(default_factory=list)


async def deliver(channel: Channel, events: list[EventRow], secrets: dict[str, str]) -> tuple[bool, str | None]:
    """Render and send one message with these events to one channel."""
    try:
        url = channel.url(secrets)
    except KeyError as exc:
        return False, f"environment variable {exc.args[0]} is not set"
    scheme = url.split("://", 1)[0].lower()
    message = render(events, lang=channel.language, scheme=scheme, channel=channel.name)
    if scheme == "log":
        logging.getLogger("dtn_monitor.alert").warning("%s\n%s", message.title, message.body)
        return True, None
    return await sender.send(url, message.title, message.body, message.body_format)


class Dispatcher:
    def __init__(self, store: Store, channels: Channels, *, metrics: Any = None):
        self.store = store
        self.channels = channels
        self.metrics = metrics
        self._lock = asyncio.Lock()

    async def dispatch_due(self, now: float | None = None) -> list[SendResult]:
        """Send everything due now. Safe to call from several places; runs one at a time."""
        async with self._lock:
            return await self._dispatch(now if now is not None else time.time())

    async def _dispatch(self, now: float) -> list[SendResult]:
        policy = self.channels.policy
        due = self.store.claim_due(now, policy.lease)
        if not due:
            return []
        by_channel: dict[str, list[DeliveryRow]] = {}
        for d in due:
            by_channel.setdefault(d.channel, []).append(d)
        secrets = load_secrets()
        results = []
        for name, rows in by_channel.items():
            results.append(await self._send_channel(name, rows, secrets, now))
        return results

    async def _send_channel(
        self, name: str, rows: list[DeliveryRow], secrets: dict[str, str], now: float
    ) -> SendResult:
        channel = self.channels.get(name)
        events = [e for e in (self.store.event(r.event_id) for r in rows) if e is not None]
        keys = [e.key for e in events]
        if channel is None or not channel.enabled:
            reason = "channel no longer configured" if channel is None else "channel disabled"
            for r in rows:
                self._fail(r, reason, now, force_dead=True)
            return SendResult(name, False, reason, keys)
        ok, error = await deliver(channel, events, secrets)
        for r in rows:
            if ok:
                self.store.mark_sent(r.id)
                self._count("sent")
            else:
                self._fail(r, error or "send failed", now)
        if ok:
            log.info("delivered %d event(s) to channel %s: %s", len(events), name, ", ".join(keys))
        return SendResult(name, ok, error, keys)

    def _fail(self, row: DeliveryRow, error: str, now: float, *, force_dead: bool = False) -> None:
        policy = self.channels.policy
        created = _ts(row.created_at)
        attempts = row.attempts + 1
        delay = min(policy.retry_max, policy.retry_base * (2 ** (attempts - 1)))
        delay *= random.uniform(0.75, 1.25)
        dead = force_dead or (now + delay - created) > policy.max_age
        self.store.mark_failed(row.id, error, now + delay, dead)
        self._count("dead" if dead else "failed")
        if dead:
            log.error("delivery %d to %s is dead after %d attempts: %s", row.id, row.channel, attempts, error)
        else:
            log.warning(
                "delivery %d to %s failed (attempt %d), retry in %.0fs: %s", row.id, row.channel, attempts, delay, error
            )

    def _count(self, status: str) -> None:
        if self.metrics is not None:
            self.metrics.deliveries.labels(status=status).inc()


def _ts(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


async def send_test(channels: Channels, tag: str | None = None) -> list[SendResult]:
    """notify-test: one test message to each enabled channel (that has `tag`), results per channel."""
    secrets = load_secrets()
    results = []
    now_iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for ch in channels.channels:
        if not ch.enabled or (tag and tag not in ch.tags and "*" not in ch.tags):
            continue
        event = EventRow(0, f"test:{now_iso}", "test", now_iso, {})
        ok, error = await deliver(ch, [event], secrets)
        results.append(SendResult(ch.name, ok, error, [event.key]))
    return results
