"""Everything a check or the daemon needs, opened once: config, state, fetcher, channels, metrics."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import httpx

from monitor.config import Config, db_path, load_config
from monitor.diff import Differ
from monitor.fetch import Fetcher
from monitor.metrics import Metrics
from monitor.notify.channels import Channels, load_channels, load_secrets
from monitor.notify.dispatcher import Dispatcher, deliver
from monitor.store import EventRow, Store, utcnow

log = logging.getLogger("dtn_monitor.runtime")


class Runtime:
    def __init__(
        self,
        config: Config,
        store: Store,
        channels: Channels,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.config = config
        self.store = store
        self.channels = channels
        self.fetcher = Fetcher(config.settings, transport=transport)
        self.metrics = Metrics()
        self.dispatcher = Dispatcher(store, channels, metrics=self.metrics)
        self.source_locks: dict[str, asyncio.Lock] = {}
        self.state_error: str | None = None
        self.force_baseline = False

    @classmethod
    def open(
        cls,
        config_path: str | Path | None = None,
        database: str | Path | None = None,
        notifiers: str | Path | None = None,
    ) -> Runtime:
        """Load and validate everything; raises ConfigError or StateError before any work starts."""
        config = load_config(config_path)
        channels = load_channels(notifiers)
        store = Store(database or db_path())
        return cls(config, store, channels)

    async def state_failed(self, error: str) -> None:
        """The state cannot be written: say so once per episode, straight to the ops channels."""
        first = self.state_error is None
        self.state_error = error
        self.metrics.state_writable.set(0)
        log.error("state database %s not writable: %s; events found now are not stored", self.store.path, error)
        if not first:
            return
        now = utcnow()
        event = EventRow(0, f"state-unwritable:{now}", "state_unwritable", now,
                         {"path": str(self.store.path), "error": error[:200]})
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
                self.store.insert_event(f"state-recovered:{utcnow()}", "state_recovered", {"path": str(self.store.path)},
                                        self.channels.route("state_recovered"))
            log.info("state database %s is writable again", self.store.path)
        except sqlite3.Error as exc:
            self.state_error = str(exc)

    def differ(self) -> Differ:
        authoritative = {s.id for s in self.config.sources if s.authoritative}
        return Differ(
            store=self.store,
            settings=self.config.settings,
            route=self.channels.route,
            authoritative=lambda sid: sid in authoritative,
            force_baseline=self.force_baseline,
        )

    async def aclose(self) -> None:
        await self.fetcher.aclose()
        self.store.close()
