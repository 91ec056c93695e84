"""Replicas on one database do not both read a source every interval, and never leave it unread.

A scheduled check skips a source that another replica read successfully moments ago; a failing
replica never makes a healthy one skip, and a stamp from another host's clock that runs ahead of
ours proves nothing (it would otherwise keep the source unread for as long as the skew).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from monitor.clock import ManualClock, iso
from monitor.config import load_config
from monitor.cycle import SourceOutcome, check_source
from monitor.notify.channels import load_channels
from monitor.runtime import Runtime
from monitor.store import Store
from tests.conftest import Harness
from tests.support.fixture_server import FixtureServer, WebhookReceiver
from tests.support.pages import nctv_topic

HALF_INTERVAL = 450.0


def _check(h: Harness, replica: str, *, fresh_within: float | None = None) -> SourceOutcome:
    async def go() -> SourceOutcome:
        rt = Runtime(load_config(h.config_path), Store(h.db, clock=h.clock), load_channels(h.channels_path),
                     clock=h.clock, replica=replica)
        try:
            return await check_source(rt, rt.config.source("nctv-dtn"), fresh_within=fresh_within)
        finally:
            await rt.aclose()

    return asyncio.run(go())


def _harness(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> Harness:
    server.set("/dtn", nctv_topic(4, []))
    return Harness(tmp_path, f'[[source]]\nid = "nctv-dtn"\nkind = "nctv"\nurl = "{server.url("/dtn")}"\n',
                   f'[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:{webhook.port}/a"\n', clock=ManualClock())


def test_a_source_read_by_another_replica_moments_ago_is_skipped_then_read_again(
    tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    h = _harness(tmp_path, server, webhook)
    assert _check(h, "replica-a").ok
    skipped = _check(h, "replica-b", fresh_within=HALF_INTERVAL)
    assert skipped.skipped and skipped.note == "read by replica-a moments ago"
    assert isinstance(h.clock, ManualClock)
    h.clock.advance(HALF_INTERVAL + 1)
    again = _check(h, "replica-b", fresh_within=HALF_INTERVAL)
    assert again.ok and not again.skipped


def test_a_stamp_from_a_clock_running_ahead_does_not_make_a_replica_skip(
    tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    h = _harness(tmp_path, server, webhook)
    assert _check(h, "replica-a").ok
    ahead = iso(h.clock.now() + timedelta(minutes=10))  # replica-a's clock is ten minutes ahead of ours
    store = h.store()
    try:
        store.update_source("nctv-dtn", last_check=ahead, last_success=ahead)
    finally:
        store.close()
    out = _check(h, "replica-b", fresh_within=HALF_INTERVAL)
    assert out.ok and not out.skipped


def test_a_replica_whose_check_failed_never_makes_another_skip(
    tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    h = _harness(tmp_path, server, webhook)
    assert _check(h, "replica-a").ok
    server.set("/dtn", "oops", status=503)
    assert not _check(h, "replica-a").ok
    server.set("/dtn", nctv_topic(4, []))
    out = _check(h, "replica-b", fresh_within=HALF_INTERVAL)
    assert out.ok and not out.skipped
