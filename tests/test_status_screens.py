"""The status page in the four states an operator meets, in Dutch and English, at 1280 and 390 px,
in headless Chromium (Debian's `chromium`, installed by .ci/run): screenshots in bench/out/screens/.

States: *fresh* (just installed, nothing checked), *failing* (checks ran and failed), *history*
(only the built-in history, no live source has succeeded), *live* (a live level, a new DTN, a lagging
and a disabled source). Each page is checked for what it must say, and its layout is measured in the
browser: at 390 px nothing may be wider than the screen.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from monitor.config import load_config
from monitor.history import ensure_history
from monitor.page import render_page
from monitor.store import Store
from tests.conftest import Harness
from tests.support.fixture_server import FixtureServer, Reply
from tests.support.pages import nctv_publication, nctv_topic

OUT = Path(__file__).resolve().parents[1] / "bench" / "out" / "screens"
NEW = (f"/p/{date.today():%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-58", "Dreigingsbeeld Terrorisme Nederland 58")


def _sources(server: FixtureServer) -> str:
    return f"""
        [[source]]
        id = "nctv-dtn"
        kind = "nctv"
        url = "{server.url('/dtn')}"
        [[source]]
        id = "nctv-nieuws"
        kind = "nctv"
        url = "{server.url('/nieuws')}"
        [[source]]
        id = "nctv-english"
        kind = "nctv"
        url = "{server.url('/en')}"
        enabled = false
        """


def _state(name: str, tmp_path: Path, server: FixtureServer) -> Harness:
    (tmp_path / name).mkdir()
    h = Harness(tmp_path / name, _sources(server), '[[channel]]\nname = "log"\nurl = "log://"\n')
    ensure_history(Store(h.db))  # what the daemon does on its first start
    if name == "fresh":
        return h
    if name in ("failing", "history"):
        server.set("/dtn", Reply("<h1>Service Unavailable</h1>", status=503))
        server.set("/nieuws", Reply("<h1>Service Unavailable</h1>", status=503))
        h.check()
        if name == "failing":
            server.set("/dtn", nctv_topic(4, []))
            server.set("/nieuws", nctv_topic(4, []))
            h.check()
            server.set("/dtn", Reply("<h1>Bad Gateway</h1>", status=502))
            server.set("/nieuws", Reply("timeout", status=504))
            h.check()
        return h
    server.set("/dtn", nctv_topic(4, []))
    server.set("/nieuws", nctv_topic(4, []))
    h.check()
    server.set(NEW[0], nctv_publication(58, "Het dreigingsniveau blijft 4 (substantieel)."))
    server.set("/dtn", nctv_topic(4, [NEW]))
    server.set("/nieuws", nctv_topic(3, []))  # a page whose CMS cache still shows an older level: lagging
    h.check()
    return h


EXPECT = {
    "fresh": {"nl": ["nog niet gecontroleerd", "ingebouwde geschiedenis"],
              "en": ["not checked yet", "built-in history"]},
    "failing": {"nl": ["faalt sinds", "HTTP 502"], "en": ["failing since", "HTTP 502"]},
    "history": {"nl": ["nog nooit gelukt", "nog niet live bevestigd", "HTTP 503"],
                "en": ["never succeeded", "not yet confirmed live", "HTTP 503"]},
    "live": {"nl": ["Bevestigd door nctv-dtn", "DTN 58", "uitgeschakeld", "loopt achter sinds"],
             "en": ["Confirmed by nctv-dtn", "DTN 58", "disabled", "lagging since"]},
}


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _measure(html: str) -> str:
    """The page plus a measuring script run by the test's browser (the page itself has no JavaScript)."""
    probe = ("<script>document.body.setAttribute('data-scroll-width', document.documentElement.scrollWidth);"
             "document.body.setAttribute('data-client-width', document.documentElement.clientWidth);</script>")
    return html.replace("</body>", probe + "</body>")


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium not installed (apt-get install chromium; .ci/run does) [chromium not available here]")
@pytest.mark.parametrize("state", ["fresh", "failing", "history", "live"])
def test_status_page_screens(state: str, tmp_path: Path, server: FixtureServer) -> None:
    browser = _chromium()
    assert browser
    h = _state(state, tmp_path, server)
    store = Store(h.db)
    OUT.mkdir(parents=True, exist_ok=True)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    for lang in ("nl", "en"):
        html = render_page(store, load_config(h.config_path), lang)
        assert "<script" not in html
        for text in EXPECT[state][lang]:
            assert text in html, (state, lang, text)
        if state != "live":
            assert 'data-state="ok"' not in html  # nothing is shown green that never worked
        server.set(f"/screen-{state}-{lang}", Reply(_measure(html), content_type="text/html; charset=utf-8"))
        for width in (1280, 390):
            url = server.url(f"/screen-{state}-{lang}")
            dom = subprocess.run([browser, *flags, f"--window-size={width},2400", "--dump-dom", url],
                                 capture_output=True, text=True, timeout=90)
            assert dom.returncode == 0, dom.stderr[-800:]
            scroll = int(re.search(r'data-scroll-width="(\d+)"', dom.stdout).group(1))  # type: ignore[union-attr]
            client = int(re.search(r'data-client-width="(\d+)"', dom.stdout).group(1))  # type: ignore[union-attr]
            assert scroll <= client, f"{state}/{lang} at {width}px is {scroll}px wide for a {client}px screen"
            shot = OUT / f"{state}-{lang}-{width}.png"
            out = subprocess.run([browser, *flags, f"--window-size={width},1800", f"--screenshot={shot}",
                                  server.url(f"/screen-{state}-{lang}")], capture_output=True, text=True, timeout=90)
            assert out.returncode == 0, out.stderr[-800:]
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    store.close()
