"""The dtn-monitor command as a user runs it: a real process, real files, real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

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
    assert retry.returncode == 0 and f"delivery #{row.id} (mail) queued again" in retry.stdout
    assert store.deliveries()[0].status == "pending"
    again = run(tmp_path, "outbox", "--retry", str(row.id))  # now pending, not dead
    assert again.returncode == 1 and "is pending, not dead" in again.stderr and "Traceback" not in again.stderr
    missing = run(tmp_path, "outbox", "--retry", "99999")
    assert missing.returncode == 1 and "there is no delivery #99999" in missing.stderr
    bad = run(tmp_path, "outbox", "--retry", "abc")
    assert bad.returncode == 2 and "not 'abc'" in bad.stderr


# -- Unix behaviour: pipes, options after the verb, exit codes, no tracebacks -------------------------


def _reader_gone(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the command with its output pipe already closed by the reader (as `| head` does once it has enough)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DTN_")}
    env["DTN_MONITOR_DB"] = str(tmp_path / "state.sqlite3")
    proc = subprocess.Popen([sys.executable, "-m", "monitor", *args], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, "", err)


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    history = _reader_gone(tmp_path, "history", "--format", "json")
    assert history.returncode == 141, history.stderr  # what `set -o pipefail` sees from a tool stopped by its reader
    assert history.stderr == ""
    page = tmp_path / "page.txt"
    page.write_text("Het dreigingsniveau blijft 4 (substantieel).\n", encoding="utf-8")
    extract = _reader_gone(tmp_path, "extract", str(page))
    assert extract.returncode == 141 and extract.stderr == ""


def test_options_go_before_or_after_the_verb(tmp_path: Path, server: FixtureServer) -> None:
    cfg = config(tmp_path, server)
    after = run(tmp_path, "validate", "--config", str(cfg))
    before = run(tmp_path, "--config", str(cfg), "validate")
    assert after.returncode == before.returncode == 0
    assert "1 source(s)" in after.stdout and after.stdout == before.stdout


def test_run_with_the_port_in_use_says_so_in_one_line_and_exits_3(tmp_path: Path, server: FixtureServer) -> None:
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    try:
        out = run(tmp_path, "--config", str(config(tmp_path, server)), "run", "--port", str(port))
    finally:
        taken.close()
    assert out.returncode == 3
    assert f"cannot listen on 127.0.0.1:{port}" in out.stderr and "--port" in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.splitlines()) <= 2
    assert server.count() == 0  # nothing was checked: the port is tried first


def test_a_bad_port_variable_is_a_configuration_error(tmp_path: Path, server: FixtureServer) -> None:
    out = run(tmp_path, "--config", str(config(tmp_path, server)), "run", env={"DTN_MONITOR_HTTP_PORT": "abc"})
    assert out.returncode == 2 and "DTN_MONITOR_HTTP_PORT" in out.stderr and "'abc'" in out.stderr
    assert "Traceback" not in out.stderr


def test_status_exits_1_with_a_failing_source_and_shows_the_whole_error(tmp_path: Path, server: FixtureServer) -> None:
    cfg = config(tmp_path, server)  # /dtn is not served: 404
    run(tmp_path, "--config", str(cfg), "check")
    out = run(tmp_path, "--config", str(cfg), "status")
    assert out.returncode == 1, out.stdout
    assert "never_succeeded" in out.stdout and "HTTP 404" in out.stdout
    assert "in trouble: nctv-dtn" in out.stderr
    data = json.loads(run(tmp_path, "--config", str(cfg), "status", "--json").stdout)
    [source] = data["sources"]
    assert source["state"] == "never_succeeded" and source["last_error"] and source["last_success"] is None
    assert data["level"]["provenance"] == "history"  # the built-in history, not a live reading
    server.set("/dtn", nctv_topic(4, []))
    run(tmp_path, "--config", str(cfg), "check")
    ok = run(tmp_path, "--config", str(cfg), "status", "--json")
    assert ok.returncode == 0
    data = json.loads(ok.stdout)
    assert data["sources"][0]["state"] == "ok"
    assert data["level"]["provenance"] == "live" and data["level"]["confirmed_by"] == ["nctv-dtn"]


def test_dry_run_says_would_and_stores_nothing(tmp_path: Path, server: FixtureServer) -> None:
    cfg = config(tmp_path, server)  # failing: with failure_threshold 1 a real check would store "source failing"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('host_min_gap = "0s"', 'host_min_gap = "0s"\nfailure_threshold = 1'),
                   encoding="utf-8")
    out = run(tmp_path, "--config", str(cfg), "check", "--dry-run")
    assert "would alert: source_failing" in out.stdout
    assert "event source_failing" not in out.stderr
    status = json.loads(run(tmp_path, "--config", str(cfg), "status", "--json").stdout)
    assert status["recent_events"] == [] and status["sources"][0]["state"] == "never_checked"


def test_backfill_records_and_alerts_nothing_even_when_a_source_fails(tmp_path: Path, server: FixtureServer) -> None:
    cfg = tmp_path / "sources.toml"
    cfg.write_text(textwrap.dedent(f"""
        [monitor]
        host_min_gap = "0s"
        failure_threshold = 1
        [[source]]
        id = "tk"
        kind = "tk-odata"
        url = "{server.url('/OData/v4/2.0/Document')}"
        """), encoding="utf-8")  # not served: every request fails
    out = run(tmp_path, "--config", str(cfg), "backfill")
    assert out.returncode == 1 and "tk: FAILED" in out.stdout
    status = json.loads(run(tmp_path, "--config", str(cfg), "status", "--json").stdout)
    assert status["recent_events"] == [] and status["outbox"]["pending"] == 0


def _open_as(uid: int, path: str, conn: Any) -> None:
    from monitor.store import StateError, Store

    os.setgid(uid)
    os.setuid(uid)
    try:
        Store(path).close()
        conn.send("opened")
    except StateError as exc:
        conn.send(str(exc))


def test_an_unwritable_state_directory_names_its_owner_and_the_user(tmp_path: Path) -> None:
    """A volume owned by root, a process running as another uid (as in a container): the message says both.

    The process really switches user (a forked child of this test, as root can); running the command
    itself as that user is not possible here because the interpreter lives under /root."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to another uid")
    import multiprocessing
    import tempfile

    base = Path(tempfile.mkdtemp(dir="/tmp"))  # tmp_path's parents are private to root; this one is not
    os.chmod(base, 0o755)
    state = base / "state"
    state.mkdir()  # owned by root, mode 755
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_open_as, args=(65534, str(state / "dtn-monitor.sqlite3"), child))
    proc.start()
    try:
        message = parent.recv()
        proc.join(30)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    assert message != "opened"
    assert str(state) in message and "owned by uid 0" in message and "not writable by uid 65534" in message
    assert "chown" in message


def test_a_check_loads_neither_httpx_nor_httpcore(tmp_path: Path, server: FixtureServer) -> None:
    """Start-up weight: importing httpx and httpcore was ~80 ms of every check; our own client carries the
    requests unless the environment sets a proxy."""
    server.set("/dtn", nctv_topic(4, []))
    cfg = config(tmp_path, server)
    script = ("import sys\nfrom monitor.cli import entry\n"
              "try:\n    entry()\nfinally:\n"
              "    print('LOADED', sorted({m.split('.')[0] for m in sys.modules} & {'httpx', 'httpcore', 'anyio', 'h11'}))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DTN_") and not k.lower().endswith("_proxy")}
    env["DTN_MONITOR_DB"] = str(tmp_path / "state.sqlite3")
    out = subprocess.run([sys.executable, "-c", script, "--config", str(cfg), "check"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert "nctv-dtn: ok" in out.stdout, out.stdout + out.stderr
    assert "LOADED []" in out.stdout


def test_start_up_runs_without_the_cyclic_collector_and_the_work_with_it(tmp_path: Path, server: FixtureServer) -> None:
    """`entry()` turns the collector off while modules, configuration and state load; the cycle runs with it on
    (start-up's objects frozen out of its walks), so a long run never goes without it."""
    server.set("/dtn", nctv_topic(4, []))
    cfg = config(tmp_path, server)
    script = ("import gc, sys\nimport monitor.cycle as cycle\nfrom monitor.cli import entry\n"
              "run_check = cycle.run_check\n"
              "async def watched(*a, **k):\n"
              "    print('CYCLE', gc.isenabled(), gc.get_freeze_count() > 0, flush=True)\n"
              "    return await run_check(*a, **k)\n"
              "cycle.run_check = watched\n"
              "print('IMPORTED', gc.isenabled(), flush=True)\n"
              "entry()\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DTN_")}
    env["DTN_MONITOR_DB"] = str(tmp_path / "state.sqlite3")
    out = subprocess.run([sys.executable, "-c", script, "--config", str(cfg), "check"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert "nctv-dtn: ok" in out.stdout, out.stdout + out.stderr
    assert "IMPORTED True" in out.stdout  # importing the package changes nothing: only the console entry does
    assert "CYCLE True True" in out.stdout


def test_main_called_in_a_process_leaves_the_collector_as_it_was() -> None:
    import gc

    from monitor.cli.main import run_async

    async def enabled() -> bool:
        return gc.isenabled()

    frozen = gc.get_freeze_count()
    assert gc.isenabled()
    assert run_async(enabled()) is True  # a caller that never turned the collector off (a test, an embedder)
    assert gc.get_freeze_count() == frozen  # has nothing frozen behind its back


def test_the_daemon_serves_with_the_collector_on(tmp_path: Path, server: FixtureServer,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """`run` lives for months: whatever start-up did, its loop must run with the cyclic collector on."""
    import gc

    import monitor.daemon as daemon
    from monitor.cli.main import main

    seen: list[tuple[bool, bool]] = []

    async def serve(self: Any) -> None:
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))

    monkeypatch.setattr(daemon.Daemon, "serve", serve)
    monkeypatch.setenv("DTN_MONITOR_DB", str(tmp_path / "state.sqlite3"))
    channels = tmp_path / "channels.toml"
    channels.write_text('[[channel]]\nname = "c"\nurl = "log://"\n', encoding="utf-8")
    gc.disable()  # as the console entry leaves it
    try:
        code = main(["--config", str(config(tmp_path, server)), "--notifiers", str(channels), "run", "--port", "0"])
    finally:
        gc.enable()
        gc.unfreeze()
    assert code == 0
    assert seen == [(True, True)]


def test_help_fits_the_terminal_width_and_every_verb_has_a_command(tmp_path: Path) -> None:
    """The help is laid out at $COLUMNS (as argparse does), and each verb the parser offers runs its own command."""
    for columns in (70, 120):
        out = run(tmp_path, "check", "--help", env={"COLUMNS": str(columns)})
        assert out.returncode == 0 and "--dry-run" in out.stdout, out.stderr
        widths = [len(line) for line in out.stdout.splitlines()]
        assert max(widths) <= columns - 2
        assert (max(widths) > 70) == (columns == 120)  # wide enough: the usage line is not wrapped
    from monitor.cli import main as _  # noqa: F401  (the module, not the function the package exports)

    module = sys.modules["monitor.cli.main"]
    verbs = module.parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(verbs) == set(module._VERBS)
    for verb in verbs:
        assert callable(module._command(verb)), verb


def test_an_internal_error_ends_check_with_exit_1_and_its_traceback_masked(tmp_path: Path, server: FixtureServer) -> None:
    """A defect in a check is no user error: exit 1, its traceback in the log, with the secrets in its text masked."""
    server.set("/dtn", nctv_topic(4, []))
    cfg = config(tmp_path, server)
    script = ("import monitor.cycle as cycle\nfrom monitor.cli import entry\n"
              "async def boom(*a, **k):\n"
              "    raise RuntimeError('could not post to https://hooks.example/xoxb-very-secret-123')\n"
              "cycle._check = boom\nentry()\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DTN_")}
    env.update({"DTN_MONITOR_DB": str(tmp_path / "state.sqlite3"), "SLACK_TOKEN": "xoxb-very-secret-123"})
    out = subprocess.run([sys.executable, "-c", script, "--config", str(cfg), "check"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    assert "dtn-monitor check stopped on an internal error" in out.stderr
    assert "RuntimeError: could not post to https://hooks.example/***" in out.stderr
    assert "xoxb-very-secret-123" not in out.stdout + out.stderr
