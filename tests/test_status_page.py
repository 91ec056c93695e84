"""The status page and the Atom feed, served by the real daemon from fixture state.

The page is loaded in headless Chromium (Debian's `chromium`, installed by .ci/run) and a
screenshot is taken; the feed is read with feedparser.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import feedparser
import httpx
import pytest

from monitor.history import backfill_known
from monitor.store import Store
from tests.conftest import Harness
from tests.support.daemon import DaemonProcess
from tests.support.fixture_server import FixtureServer, WebhookReceiver
from tests.support.pages import nctv_publication, nctv_topic

SECRET = "hooktoken-that-must-not-show-1234"
OLD = [("/p/2019/06/24/dreigingsbeeld-terrorisme-nederland-50", "Dreigingsbeeld Terrorisme Nederland 50")]
NEW = (f"/p/{date.today():%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-58", "Dreigingsbeeld Terrorisme Nederland 58")


@pytest.fixture
def daemon(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[DaemonProcess]:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    server.set("/dtn", nctv_topic(4, OLD))
    h = Harness(tmp_path, f'[[source]]\nid = "nctv-dtn"\nkind = "nctv"\nurl = "{server.url("/dtn")}"\ninterval = "1h"\n',
                f'[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:{webhook.port}/${{HOOK_SECRET}}"\n')
    backfill_known(Store(h.db))
    h.check()
    server.set(NEW[0], nctv_publication(58, "Het dreigingsniveau gaat van niveau 4 naar 3 (aanzienlijk)."))
    server.set("/dtn", nctv_topic(3, [*OLD, NEW]))
    h.check()
    assert Store(h.db).current_level()["level"] == 3
    d = DaemonProcess(tmp_path, h.config_path, h.channels_path, env={"HOOK_SECRET": SECRET}).start()
    yield d
    d.stop()


def test_page_shows_level_edition_timeline_and_health(daemon: DaemonProcess) -> None:
    page = httpx.get(daemon.base + "/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert 'data-level="3"' in html and "aanzienlijk" in html and "een aanslag is voorstelbaar" in html
    assert "DTN 58" in html and NEW[0] in html
    assert "<svg" in html and "Verloop sinds 2005" in html
    assert "nctv-dtn" in html and '<meta http-equiv="refresh"' in html
    assert "<script" not in html
    assert SECRET not in html and "json://" not in html
    en = httpx.get(daemon.base + "/?lang=en").text
    assert 'lang="en"' in en and "significant" in en and "an attack is conceivable" in en


def test_feed_is_valid_atom_with_stable_ids(daemon: DaemonProcess) -> None:
    first = httpx.get(daemon.base + "/feed.atom")
    assert first.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(first.text)
    assert not feed.bozo, feed.bozo_exception
    ids = [e.id for e in feed.entries]
    assert len(ids) == len(set(ids)) == 2
    assert all(i.startswith("tag:dtn-monitor,2005:") for i in ids)
    assert all(e.updated_parsed and e.published_parsed for e in feed.entries)
    titles = " ".join(e.title for e in feed.entries)
    assert "4 → 3" in titles and "DTN 58" in titles
    assert any(e.link.endswith(NEW[0]) for e in feed.entries)
    again = feedparser.parse(httpx.get(daemon.base + "/feed.atom").text)
    assert [e.id for e in again.entries] == ids
    assert SECRET not in first.text


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium not installed (apt-get install chromium; .ci/run does) [chromium not available here]")
def test_page_in_headless_chromium(daemon: DaemonProcess, tmp_path: Path) -> None:
    browser = _chromium()
    assert browser
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([browser, *flags, "--dump-dom", daemon.base + "/"], capture_output=True, text=True, timeout=90)
    assert dom.returncode == 0, dom.stderr[-1000:]
    assert 'data-level="3"' in dom.stdout and "DTN 58" in dom.stdout
    shot = tmp_path / "status-page.png"
    started = time.monotonic()
    out = subprocess.run([browser, *flags, "--window-size=1100,1500", f"--screenshot={shot}", daemon.base + "/"],
                         capture_output=True, text=True, timeout=90)
    assert out.returncode == 0, out.stderr[-1000:]
    assert shot.exists() and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert time.monotonic() - started < 90
    keep = Path(__file__).resolve().parents[1] / "bench" / "out"
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, keep / "status-page.png")
