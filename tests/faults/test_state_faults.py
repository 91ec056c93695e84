"""Disk full / state not writable: said in /readyz, in the log and to the ops channels; nothing stored is lost.

The disk-full condition is real SQLite behaviour, produced with PRAGMA max_page_count on the
daemon's own connection (SQLITE_FULL, "database or disk is full"), since filling a real disk
is not something a test may do on a shared machine.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import httpx
import pytest

from monitor.cycle import run_check
from monitor.daemon import Daemon
from monitor.web import create_app
from tests.conftest import Harness
from tests.support.fixture_server import FixtureServer, WebhookReceiver
from tests.support.pages import nctv_topic

OLD = [("/p/2019/06/24/dreigingsbeeld-terrorisme-nederland-50", "Dreigingsbeeld Terrorisme Nederland 50")]
NEW = (f"/p/{date.today():%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-61", "Dreigingsbeeld Terrorisme Nederland 61")


def test_disk_full_is_reported_and_loses_nothing(state_backend: str, tmp_path: Path, server: FixtureServer,
                                                webhook: WebhookReceiver) -> None:
    if state_backend != "sqlite":
        pytest.skip("the disk-full condition is made with SQLite's own PRAGMA max_page_count")
    server.set("/dtn", nctv_topic(4, OLD))
    h = Harness(tmp_path, f'[[source]]\nid = "nctv"\nkind = "nctv"\nurl = "{server.url("/dtn")}"\n',
                f'[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:{webhook.port}/a"\n')
    h.check()
    webhook.fail_with = 500  # an alert is waiting in the outbox when the disk fills up
    server.set(NEW[0], "<html><body><main><p>Het dreigingsniveau blijft 4.</p></main></body></html>")
    server.set("/dtn", nctv_topic(4, [*OLD, NEW]))
    h.check()
    assert [d.status for d in h.store().deliveries()] == ["failed"]
    webhook.fail_with = None

    rt = h.runtime()
    pages = rt.store.db.scalar("PRAGMA page_count")
    rt.store.db.execute(f"PRAGMA max_page_count = {pages}")
    # the page now lists many (old) documents: the check needs new pages in the database
    many = [(f"/p/2015/01/{i % 28 + 1:02d}/samenvatting-dreigingsbeeld-terrorisme-nederland-{i}-bijlage-{i}",
             f"Dreigingsbeeld Terrorisme Nederland {i} " + "bijlage " * 30) for i in range(1, 50)]
    server.set("/dtn", nctv_topic(4, [*OLD, NEW, *many]))
    daemon = Daemon(rt, host="127.0.0.1", port=0)

    async def episode() -> list[str | None]:
        errors = []
        for _ in range(3):
            report = await run_check(rt)
            errors.append(report.outcomes[0].error)
        ops = [json.loads(b) for b in webhook.bodies]
        assert [m["title"] for m in ops] == ["dtn-monitor kan zijn toestand niet opslaan"]  # once per episode
        transport = httpx.ASGITransport(app=create_app(daemon))
        async with httpx.AsyncClient(transport=transport, base_url="http://dtn-monitor.test") as client:
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["checks"]["state_writable"] is False
            assert "disk is full" in ready.json()["checks"]["state_error"]
        # space again: the next check writes, says so once, and the waiting alert goes out
        rt.store.db.execute("PRAGMA max_page_count = 1073741823")
        await run_check(rt)
        await rt.dispatcher.dispatch_due(10**10)
        await rt.fetcher.aclose()
        return errors

    errors = asyncio.run(episode())
    assert all(e and "database or disk is full" in e for e in errors), errors
    titles = [json.loads(b)["title"] for b in webhook.bodies]
    assert titles[-1] == "Nieuw Dreigingsbeeld Terrorisme Nederland: DTN 61 (+1)"  # one digest: the alert and…
    assert "dtn-monitor slaat zijn toestand weer op" in json.loads(webhook.bodies[-1])["message"]  # …the recovery
    store = h.store()
    assert store.integrity_ok()
    assert {d.status for d in store.deliveries()} == {"sent"}
    assert store.edition("dtn-61") is not None and store.current_level()["level"] == 4
