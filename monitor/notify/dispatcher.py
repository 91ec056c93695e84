"""Send the outbox: due deliveries, a digest per channel, retried until they arrive or age out.

Channel after channel, the rows of one message are leased to this sender right before that
message is sent, for `[delivery] lease` (longer than a send may take: the sender is killed at
`SEND_TIMEOUT`), and ownership is checked again just before sending. Rows are marked 'sent'
after the channel accepted them, or 'failed' with the next attempt time (exponential backoff
with jitter), and 'dead' once their retry budget (`max_age` from creation or from the last
`outbox --retry`) is spent. So a message is never sent twice to a healthy channel outside a
crash, and one channel's failure — a hang, a refusal, a broken template — never touches
another channel's rows.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from monitor.clock import SYSTEM, Clock, iso
from monitor.notify import sender
from monitor.notify.channels import Channel, Channels, load_secrets
from monitor.notify.messages import Message, render
from monitor.notify.templates import TemplateError
from monitor.store import DeliveryRow, EventRow, StateError, Store

log = logging.getLogger("dtn_monitor.notify")

SendFunction = Callable[[str, Message], Awaitable[tuple[bool, str | None]]]


@dataclass
class SendResult:
    channel: str
    ok: bool
    error: str | None = None
    events: list[str] = field(default_factory=list)


async def send_apprise(url: str, message: Message) -> tuple[bool, str | None]:
    """The real transport: apprise in a short-lived child process (see sender.py)."""
    scheme = url.split("://", 1)[0].lower()
    if scheme == "log":
        logging.getLogger("dtn_monitor.alert").warning("%s\n%s", message.title, message.body)
        return True, None
    return await sender.send(url, message.title, message.body, message.body_format)


async def deliver(
    channel: Channel, events: list[EventRow], secrets: dict[str, str], *, language: str = "nl",
    send: SendFunction = send_apprise,
) -> tuple[bool, str | None]:
    """Render and send these events to one channel outside the outbox (state alarms, notify-test)."""
    try:
        url = channel.url(secrets)
        messages = render(events, lang=channel.language or language, scheme=_scheme(url), channel=channel.name)
    except KeyError as exc:
        return False, f"environment variable {exc.args[0]} is not set"
    except TemplateError as exc:
        return False, str(exc)
    for message in messages:
        ok, error = await send(url, message)
        if not ok:
            return False, error
    return True, None


def sender_id() -> str:
    """This process as a lease owner: host (and replica name), pid and a nonce (a restarted container may reuse its
    pid). Replicas with different names count as different hosts: only a replica's own next life frees its leases
    at once; another replica waits for the lease to end, since it cannot know whether a send is still under way."""
    host = socket.gethostname().replace(":", "_")
    replica = os.environ.get("DTN_MONITOR_REPLICA", "").replace(":", "_")
    return f"{host}/{replica}:{os.getpid()}:{os.urandom(4).hex()}" if replica else f"{host}:{os.getpid()}:{os.urandom(4).hex()}"


def owner_is_gone(owner: str) -> bool:
    """True only when `owner` ran on this host and its process is certainly not running any more."""
    host, _, rest = owner.partition(":")
    pid_text, _, nonce = rest.partition(":")
    if host != sender_id().partition(":")[0] or not pid_text.isdigit() or not nonce:
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True  # our pid, another nonce: an earlier life of this process id (a restarted container)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _scheme(url: str) -> str:
    return url.split("://", 1)[0].lower()


class Dispatcher:
    def __init__(
        self, store: Store, channels: Channels, *, metrics: Any = None, clock: Clock = SYSTEM, owner: str | None = None,
        default_language: str = "nl", send: SendFunction = send_apprise,
    ):
        self.store = store
        self.channels = channels
        self.metrics = metrics
        self.clock = clock
        self.owner = owner or sender_id()
        self.default_language = default_language
        self.send = send
        self._lock = asyncio.Lock()
        self._unmarked: dict[int, str] = {}  # sent, but the database was unreachable to record it: id → channel

    async def dispatch_due(self, now: float | None = None) -> list[SendResult]:
        """Send everything due now (`now` lets a caller step over backoff). One dispatch at a time."""
        async with self._lock:
            at = now if now is not None else self.clock.time()
            self._record_marks()
            self._release_orphans(at)
            results: list[SendResult] = []
            for name in self.store.due_channels(at):
                results += await self._send_channel(name, at, now)
            return results

    def _now(self, pinned: float | None) -> float:
        return pinned if pinned is not None else self.clock.time()

    async def _send_channel(self, name: str, at: float, pinned: float | None) -> list[SendResult]:
        policy = self.channels.policy
        channel = self.channels.get(name)
        if channel is None or not channel.enabled:
            reason = "channel no longer configured" if channel is None else "channel disabled"
            for r in self.store.claim(name, at, policy.lease, self.owner):
                self._fail(r, reason, at, force_dead=True)
            return [SendResult(name, False, reason, [])]
        due = self.store.due_rows(name, at)
        events = {e.key: (e, d) for d in due if (e := self.store.event(d.event_id)) is not None}
        if not events:
            return []
        language = channel.language or self.default_language
        try:
            url = channel.url(load_secrets())
            messages = render([e for e, _d in events.values()], lang=language, scheme=_scheme(url), channel=name)
        except (KeyError, TemplateError) as exc:
            error = f"environment variable {exc.args[0]} is not set" if isinstance(exc, KeyError) else str(exc)
            log.error("channel %s: cannot prepare the message: %s", name, error)
            for r in self.store.claim(name, at, policy.lease, self.owner):
                self._fail(r, error, at)
            return [SendResult(name, False, error, list(events))]
        results = []
        for message in messages:
            rows = [events[k][1] for k in message.keys]
            # lease the rows of this message now, just before it goes out
            claimed = set(self.store.claim_ids([r.id for r in rows], self._now(pinned), policy.lease, self.owner))
            mine = [r for r in rows if r.id in claimed]
            if not mine:
                continue  # another sender has them
            if len(mine) < len(rows):
                kept = [events[k][0] for k in message.keys if events[k][1].id in claimed]
                message = render(kept, lang=language, scheme=_scheme(url), channel=name)[0]
            results.append(await self._send(name, url, message, mine, pinned))
        return results

    async def _send(self, name: str, url: str, message: Message, rows: list[DeliveryRow], pinned: float | None) -> SendResult:
        if len(self.store.still_own([r.id for r in rows], self.owner, self._now(pinned))) < len(rows):
            return SendResult(name, False, "lease lost before sending; left to its new owner", list(message.keys))
        ok, error = await self.send(url, message)
        if ok:
            log.info("delivered %d event(s) to channel %s: %s", len(rows), name, ", ".join(message.keys))
            self._unmarked.update((r.id, name) for r in rows)
            self._record_marks()
        else:
            for r in rows:
                self._fail(r, error or "send failed", self._now(pinned))
        return SendResult(name, ok, error, list(message.keys))

    def _record_marks(self) -> None:
        """Mark what was sent as sent. A database that cannot be reached keeps the marks here (our leases keep
        the rows from everyone else) and they are written first thing in the next round: a send is never repeated
        for a database outage shorter than the lease. Raises StateError while the database is away."""
        for delivery_id in sorted(self._unmarked):
            if self.store.mark_sent(delivery_id, self.owner):
                self._count("sent")
            else:
                log.warning("delivery %d to %s was sent, but another sender holds it now", delivery_id,
                            self._unmarked[delivery_id])
            del self._unmarked[delivery_id]

    def record_sent(self) -> None:
        """At shutdown: record the sends still unrecorded if the database is back; else say what may repeat."""
        try:
            self._record_marks()
        except StateError as exc:
            log.warning("%d sent delivery(ies) could not be recorded (%s); they may be sent again after their lease",
                        len(self._unmarked), exc)

    def _release_orphans(self, now: float) -> None:
        """Leases of a sender on this host that is gone (killed mid-send) are freed at once, not at expiry."""
        for owner in self.store.lease_owners(now):
            if owner != self.owner and owner_is_gone(owner):
                n = self.store.release_owner(owner)
                log.warning("released %d delivery lease(s) of %s, a sender on this host that is no longer running", n, owner)

    def _fail(self, row: DeliveryRow, error: str, now: float, *, force_dead: bool = False) -> None:
        policy = self.channels.policy
        attempts = row.attempts + 1
        delay = min(policy.retry_max, policy.retry_base * (2 ** (attempts - 1))) * random.uniform(0.75, 1.25)
        dead = force_dead or (now + delay - row.budget_from) > policy.max_age
        if not self.store.mark_failed(row.id, self.owner, error, now + delay, dead):
            return
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


async def send_test(channels: Channels, tag: str | None = None, *, language: str = "nl") -> list[SendResult]:
    """notify-test: one test message to each enabled channel (that has `tag`), results per channel."""
    secrets = load_secrets()
    results = []
    now_iso = iso(SYSTEM.now())
    for ch in channels.channels:
        if not ch.enabled or (tag and tag not in ch.tags and "*" not in ch.tags):
            continue
        event = EventRow(0, f"test:{now_iso}", "test", now_iso, {})
        ok, error = await deliver(ch, [event], secrets, language=language)
        results.append(SendResult(ch.name, ok, error, [event.key]))
    return results
