"""Everything a check or the daemon needs, opened once: config, state, fetcher, channels, metrics."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from monitor.config import Config, db_path, load_config
from monitor.diff import Differ
from monitor.fetch import Fetcher
from monitor.metrics import Metrics
from monitor.notify.channels import Channels, load_channels
from monitor.notify.dispatcher import Dispatcher
from monitor.store import Store


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
