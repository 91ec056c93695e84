"""The dtn-monitor command as a user runs it: a real process, real files, real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.support.fixture_server import FixtureServer
from tests.support.pages import nctv_topic

ROOT = Path(__file__).resolve().parents[1]


def run(tmp_path: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DTN_")}
    full_env.update({"DTN_MONITOR_DB": str(tmp_path / "state.sqlite3"), **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args], cwd=tmp_path, input=stdin, capture_output=True, text=True,
        env=full_env, timeout=120,
    )


def config(tmp_path: Path, server: FixtureServer) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(textwrap.dedent(f"""
        [monitor]
        host_min_gap = "0s"
        [[source]]
        id = "nctv-dtn"
        kind = "nctv"
        url = "{server.url('/dtn')}"
        """), encoding="utf-8")
    return path


def test_check_prints_findings_and_status_shows_them(tmp_path: Path, server: FixtureServer) -> None:
    server.set("/dtn", nctv_topic(4, [("/p/2019/06/24/dreigingsbeeld-terrorisme-nederland-50", "Dreigingsbeeld Terrorisme Nederland 50")]))
    cfg = config(tmp_path, server)
    out = run(tmp_path, "--config", str(cfg), "check")
    assert out.returncode == 0, out.stderr
    assert "nctv-dtn: ok" in out.stdout
    assert "level 4 (high" in out.stdout
    assert "nothing new to alert" in out.stdout
    status = run(tmp_path, "--config", str(cfg), "status", "--json")
    data = json.loads(status.stdout)
    assert data["level"]["level"] == 4 and data["level"]["name"] == "substantieel"
    assert data["newest_edition"]["label"] == "DTN december 2025"  # the built-in history, loaded on first start
    assert data["sources"][0]["id"] == "nctv-dtn" and data["sources"][0]["last_result"] == "ok"
    human = run(tmp_path, "--config", str(cfg), "status")
    assert "Threat level: 4 (substantieel)" in human.stdout


def test_check_json_and_failing_source_exit_code(tmp_path: Path, server: FixtureServer) -> None:
    cfg = config(tmp_path, server)  # /dtn is not served: 404
    out = run(tmp_path, "--config", str(cfg), "check", "--json")
    assert out.returncode == 1
    report = json.loads(out.stdout)
    assert report["sources"][0]["ok"] is False and "HTTP 404" in report["sources"][0]["error"]


def test_invalid_config_exits_2_with_place_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "sources.toml"
    bad.write_text('[[source]]\nid = "x"\nkind = "nctv"\nurl = "https://www.nctv.nl/"\ntimeout = "fast"\n', encoding="utf-8")
    for verb in ("check", "validate", "run"):
        out = run(tmp_path, "--config", str(bad), verb)
        assert out.returncode == 2, verb
        assert f"{bad}:5" in out.stderr and "timeout" in out.stderr
        assert "will not start" in out.stderr


def test_unknown_source_id(tmp_path: Path, server: FixtureServer) -> None:
    cfg = config(tmp_path, server)
    out = run(tmp_path, "--config", str(cfg), "check", "--source", "nope")
    assert out.returncode == 2 and "no source with id 'nope'" in out.stderr


def test_extract_from_stdin_and_file(tmp_path: Path) -> None:
    out = run(tmp_path, "extract", "-", stdin="Het dreigingsniveau gaat van niveau 4 naar 3, op een schaal van 5.")
    data = json.loads(out.stdout)
    assert data["level"] == 3 and data["change_from"] == 4 and data["change_to"] == 3
    assert set(data) == {"dtn", "level", "level_name", "change_from", "change_to", "published", "confidence", "evidence"}
    page = tmp_path / "p.html"
    page.write_bytes("<html><body><main><p>Het dreigingsniveau blijft substantieel; de kans is reëel.</p></main></body></html>".encode("latin-1"))
    data = json.loads(run(tmp_path, "extract", str(page)).stdout)
    assert data["level"] == 4


def test_validate_lists_sources_and_masks_channels(tmp_path: Path, server: FixtureServer) -> None:
    cfg = config(tmp_path, server)
    out = run(tmp_path, "--config", str(cfg), "validate",
              env={"DTN_NOTIFY_URLS": "tgram://123456789:AAsecretTOKENvalue/987654"})
    assert out.returncode == 0, out.stderr
    assert "configuration OK" in out.stdout
    assert "AAsecretTOKENvalue" not in out.stdout + out.stderr


def test_backfill_and_history_formats(tmp_path: Path, server: FixtureServer) -> None:
    cfg = config(tmp_path, server)
    out = run(tmp_path, "--config", str(cfg), "backfill", "--no-fetch")
    assert out.returncode == 0 and "edition(s)" in out.stdout
    table = run(tmp_path, "history").stdout
    assert "2005-05" in table and "substantieel" in table and "2019-12-09" in table and "aanzienlijk" in table
    rows = json.loads(run(tmp_path, "history", "--format", "json").stdout)
    assert [r["level"] for r in rows] == [4, 2, 4, 2, 4, 3, 4]
    assert "dtn-51" in rows[5]["editions"]
    csv_text = run(tmp_path, "history", "--format", "csv").stdout
    assert csv_text.splitlines()[0].startswith("since,until,level,name")
    # backfill twice adds nothing
    again = run(tmp_path, "--config", str(cfg), "backfill", "--no-fetch")
    assert "0 edition(s), 0 level change(s)" in again.stdout


def test_notify_test_reports_each_channel(tmp_path: Path) -> None:
    from tests.support.fixture_server import WebhookReceiver

    good, bad = WebhookReceiver().start(), WebhookReceiver().start()
    bad.fail_with = 500
    try:
        channels = tmp_path / "channels.toml"
        channels.write_text(textwrap.dedent(f"""
            [[channel]]
            name = "good"
            url = "json://127.0.0.1:{good.port}/x"
            tags = ["level"]
            [[channel]]
            name = "bad"
            url = "json://127.0.0.1:{bad.port}/x"
            tags = ["ops"]
            """), encoding="utf-8")
        out = run(tmp_path, "--notifiers", str(channels), "notify-test")
        assert out.returncode == 1
        assert "good" in out.stdout and "ok" in out.stdout and "bad" in out.stdout and "FAILED" in out.stdout
        assert len(good.bodies) == 1 and "Testbericht" in json.loads(good.bodies[0])["title"]
        only = run(tmp_path, "--notifiers", str(channels), "notify-test", "--tag", "level")
        assert only.returncode == 0 and "bad" not in only.stdout
    finally:
        good.stop()
        bad.stop()


def test_outbox_lists_and_retries_dead(tmp_path: Path) -> None:
    from monitor.store import Store

    store = Store(tmp_path / "state.sqlite3")
    with store.transaction():
        ev = store.insert_event("edition:dtn-60", "new_edition", {"edition": "DTN 60"}, ["mail"])
    assert ev is not None
    [row] = store.deliveries()
    [row] = store.claim("mail", row.next_attempt_at, 180, "test")
    store.mark_failed(row.id, "test", "SMTP 550 mailbox unavailable", 0, dead=True)
    listing = run(tmp_path, "outbox")
    assert "dead" in listing.stdout and "edition:dtn-60" in listing.stdout and "550" in listing.stdout
    data = json.loads(run(tmp_path, "outbox", "--json").stdout)
    assert data[0]["status"] == "dead"
    retry = run(tmp_path, "outbox", "--retry", str(row.id))
    assert retry.returncode == 0 and "1 dead delivery queued again" in retry.stdout
    assert store.deliveries()[0].status == "pending"
