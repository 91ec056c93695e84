"""Prometheus metrics, in a registry of our own (several runtimes may live in one test process)."""

from __future__ import annotations

from typing import Any

from monitor.clock import parse
from monitor.config import Config
from monitor.store import EventRow, Store


class Metrics:
    def __init__(self, replica: str = "") -> None:
        self.replica_name = replica
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram  # only a serving process needs it

        self.registry = CollectorRegistry()
        r = self.registry
        self.checks = Counter("dtn_checks_total", "Checks run", ["source", "result"], registry=r)
        self.failures = Counter("dtn_check_failures_total", "Checks that failed", ["source"], registry=r)
        self.last_success = Gauge("dtn_last_success_timestamp_seconds",
                                  "Last successful check (0: never succeeded)", ["source"], registry=r)
        self.source_state = Gauge("dtn_source_state", "1 for the state each source is in (see /api/status)",
                                  ["source", "state"], registry=r)
        self.latency = Histogram(
            "dtn_check_duration_seconds", "Duration of a source check", ["source"], registry=r,
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
        )
        self.requests = Counter("dtn_http_requests_total", "HTTP requests", ["source"], registry=r)
        self.not_modified = Counter("dtn_http_not_modified_total", "HTTP 304 answers", ["source"], registry=r)
        self.bytes = Counter("dtn_http_bytes_total", "Bytes downloaded (decoded)", ["source"], registry=r)
        self.events = Counter("dtn_events_total", "Events created", ["kind"], registry=r)
        self.deliveries = Counter("dtn_deliveries_total", "Delivery attempts by outcome", ["status"], registry=r)
        self.outbox = Gauge("dtn_outbox_deliveries", "Deliveries in the outbox by status", ["status"], registry=r)
        self.outbox_age = Gauge("dtn_outbox_oldest_pending_seconds", "Age of the oldest undelivered alert", registry=r)
        self.level = Gauge("dtn_threat_level", "Current national threat level (0 = unknown)", registry=r)
        self.state_writable = Gauge("dtn_state_writable", "1 when the state database accepts writes", registry=r)
        self.replica = Gauge("dtn_replica_info", "This replica's name (host:pid or $DTN_MONITOR_REPLICA)",
                             ["replica"], registry=r)
        self.checked_by = Gauge("dtn_source_checked_by", "1 for the replica that did each source's last check",
                                ["source", "replica"], registry=r)

    def observe_check(self, source: str, ctx: Any, error: str | None, duration: float, events: list[EventRow]) -> None:
        self.checks.labels(source=source, result="error" if error else "ok").inc()
        if error:
            self.failures.labels(source=source).inc()
        self.latency.labels(source=source).observe(duration)
        self.requests.labels(source=source).inc(ctx.requests)
        self.not_modified.labels(source=source).inc(ctx.not_modified)
        self.bytes.labels(source=source).inc(ctx.bytes)
        for e in events:
            self.events.labels(kind=e.kind).inc()

    def render(self, store: Store, config: Config | None = None) -> bytes:
        from monitor.status import STATES, sources_info

        self.replica.labels(replica=self.replica_name).set(1)
        self.checked_by.clear()
        for s in sources_info(store, config):  # every configured source has samples, also before its first success
            if s["checked_by"]:
                self.checked_by.labels(source=s["id"], replica=s["checked_by"]).set(1)
            self.last_success.labels(source=s["id"]).set(parse(s["last_success"]).timestamp() if s["last_success"] else 0)
            for state in STATES:
                self.source_state.labels(source=s["id"], state=state).set(1 if s["state"] == state else 0)
        counts = store.delivery_counts()
        for status in ("pending", "failed", "sent", "dead"):
            self.outbox.labels(status=status).set(counts.get(status, 0))
        self.outbox_age.set(store.oldest_pending_age())
        current = store.current_level()
        self.level.set(current["level"] if current else 0)
        from prometheus_client import generate_latest

        return generate_latest(self.registry)


class _Quiet:
    def labels(self, **_: str) -> _Quiet:
        return self

    def inc(self, _: float = 1) -> None:
        pass

    def set(self, _: float) -> None:
        pass


class NoMetrics(Metrics):
    """For a one-off `dtn-monitor check` or `backfill`: nothing scrapes it, so nothing is counted (and
    prometheus_client is not even imported)."""

    def __init__(self) -> None:
        self.deliveries = self.state_writable = _Quiet()  # type: ignore[assignment]

    def observe_check(self, source: str, ctx: Any, error: str | None, duration: float, events: list[EventRow]) -> None:
        pass

    def render(self, store: Store, config: Config | None = None) -> bytes:
        return b""
