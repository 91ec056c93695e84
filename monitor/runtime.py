"""Everything a check or the daemon needs, opened once: config, state, fetcher, channels, metrics, clock."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.clock import SYSTEM, Clock, iso
from monitor.config import Config, load_config, state_target
from monitor.fetch import Fetcher
from monitor.metrics import Metrics, NoMetrics
from monitor.notify.channels import Channels, load_channels, load_secrets
from monitor.sources import registry
from monitor.store import EventRow, StateError, Store

if TYPE_CHECKING:
    import httpx

    from monitor.decide import Differ
    from monitor.notify.dispatcher import Dispatcher

log = logging.getLogger("dtn_monitor.runtime")


def replica_name() -> str:
    """Who did what, when several replicas share one database: $DTN_MONITOR_REPLICA or host:pid."""
    return os.environ.get("DTN_MONITOR_REPLICA") or f"{socket.gethostname()}:{os.getpid()}"


class Runtime:
    def __init__(
        self,
        config: Config,
        store: Store,
        channels: Channels,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock = SYSTEM,
        replica: str | None = None,
        metrics: bool = True,
    ):
        self.config = config
        self.store = store
        self.channels = channels
        self.clock = clock
        self.replica = replica or replica_name()
        self.fetcher = Fetcher(config.settings, transport=transport, clock=clock,
                               credentials=[s.url for s in config.sources])
        self.metrics = Metrics(self.replica) if metrics else NoMetrics()
        self.source_locks: dict[str, asyncio.Lock] = {}
        self.state_error: str | None = None
        self.force_baseline = False
        self._sources = {s.id: s for s in config.sources}
        self._fact_kinds = {}
        for s in config.sources:
            adapter = registry.get(s.kind)
            self._fact_kinds[s.id] = adapter.fact_kinds(s.options) if adapter else frozenset()
        self._reporters = {kind: tuple(s.id for s in config.sources if s.enabled and kind in self._fact_kinds[s.id])
                           for kind in {k for kinds in self._fact_kinds.values() for k in kinds}}
        # asked at every reading that disagrees: known once, not by a walk over every source each time
        self._authorities = frozenset(kind for kind, ids in self._reporters.items()
                                      if any(self._sources[i].authoritative for i in ids))

    @classmethod
    def open(
        cls,
        config_path: str | Path | None = None,
        database: str | Path | None = None,
        notifiers: str | Path | None = None,
        *,
        load_history: bool = True,
        metrics: bool = True,
        verify_urls: bool = True,
    ) -> Runtime:
        """Load and validate everything; raises ConfigError or StateError before any work starts.

        On a new state the built-in history is loaded (no alert), so the timeline is never empty."""
        config = load_config(config_path)
        channels = load_channels(notifiers, verify_urls=verify_urls)
        store = Store(database or state_target())
        if os.environ.get("DTN_MONITOR_REPLICA") and store.dialect == "sqlite":
            store.close()
            raise StateError(
                f"DTN_MONITOR_REPLICA={os.environ['DTN_MONITOR_REPLICA']} names a replica, but the state is the SQLite "
                f"file {store.label}: replicas must share one PostgreSQL database (DTN_MONITOR_DB=postgresql://…), "
                "or each would alert on its own; unset DTN_MONITOR_REPLICA for a single daemon")
        if load_history:
            from monitor.history import ensure_history

            ensure_history(store)
        return cls(config, store, channels, metrics=metrics)

    def fact_kinds(self, source_id: str) -> frozenset[str]:
        return self._fact_kinds.get(source_id, frozenset())

    @functools.cached_property
    def dispatcher(self) -> Dispatcher:
        """Made when first used, after a check's requests have left (the decision engine and the
        message templates are imported only then: they are no part of the time to the first request)."""
        from monitor.notify.dispatcher import Dispatcher

        return Dispatcher(self.store, self.channels, metrics=self.metrics, clock=self.clock,
                          default_language=self.config.settings.language)

    def differ(self, *, dry_run: bool = False) -> Differ:
        from monitor.decide import Context, Differ

        return Differ(Context(
            store=self.store, settings=self.config.settings, clock=self.clock, route=self.channels.route,
            sources=self._sources, fact_kinds=self._fact_kinds, authorities=self._authorities,
            reporters=self._reporters, dry_run=dry_run,
            force_baseline=self.force_baseline,
        ))

    async def state_failed(self, error: str) -> None:
        """The state cannot be written: say so once per episode, straight to the ops channels."""
        first = self.state_error is None
        self.state_error = error
        self.metrics.state_writable.set(0)
        if not first:
            log.debug("state database %s still not writable: %s", self.store.label, error)
            return
        log.error("state database %s not writable: %s; events found now are not stored", self.store.label, error)
        now = iso(self.clock.now())
        event = EventRow(0, f"state-unwritable:{now}", "state_unwritable", now,
                         {"path": self.store.label, "error": error[:200]})
        from monitor.notify.dispatcher import deliver

        secrets = load_secrets()
        for name in self.channels.route("state_unwritable"):
            channel = self.channels.get(name)
            if channel is not None:
                ok, err = await deliver(channel, [event], secrets)
                if not ok:
                    log.error("could not tell channel %s that the state is not writable: %s", name, err)

    def state_ok(self) -> None:
        """Writes work (again): after an episode, one outbox event says so."""
        if self.state_error is None:
            return
        self.state_error = None
        self.metrics.state_writable.set(1)
        try:
            with self.store.transaction():
                self.store.insert_event(f"state-recovered:{iso(self.clock.now())}", "state_recovered",
                                        {"path": self.store.label}, self.channels.route("state_recovered"))
            log.info("state database %s is writable again", self.store.label)
        except StateError as exc:
            self.state_error = str(exc)

    async def aclose(self) -> None:
        await self.fetcher.aclose()
        self.store.close()
