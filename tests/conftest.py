"""Shared fixtures: real HTTP servers on 127.0.0.1, a real SQLite file in tmp_path, runtimes."""

from __future__ import annotations

import asyncio
import os
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from monitor.clock import SYSTEM, Clock
from monitor.config import load_config
from monitor.cycle import CycleReport, run_check
from monitor.notify.channels import load_channels
from monitor.runtime import Runtime
from monitor.store import Store
from tests.support.fixture_server import FixtureServer, WebhookReceiver
from tests.support.postgres import postgres_missing, shared_server

# These tests run twice, on SQLite and on a real PostgreSQL server (issue 17: one store, two backends).
BOTH_BACKENDS = ("tests/decide/", "tests/notify/", "tests/sources/", "tests/store/", "tests/test_daemon.py", "tests/ha/")


# CI sets DTN_TESTS_REQUIRE=postgresql,chromium: there a test skipped because one of them is missing fails the
# run (a green CI must have run the PostgreSQL and browser tests); on a developer's machine they only skip
_REQUIRED = {w.strip().lower() for w in os.environ.get("DTN_TESTS_REQUIRE", "").split(",") if w.strip()}
_MISSING_REQUIRED: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and _REQUIRED:
        reason = str(report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr).lower()
        if any(f"[{what} not available here]" in reason for what in _REQUIRED):
            _MISSING_REQUIRED.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _MISSING_REQUIRED:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        say = reporter.write_line if reporter is not None else print
        say("")
        say(f"FAILED: {len(_MISSING_REQUIRED)} test(s) skipped for want of what DTN_TESTS_REQUIRE requires:")
        for line in _MISSING_REQUIRED[:10]:
            say("  " + line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    where = metafunc.definition.path.as_posix()
    if "state_backend" in metafunc.fixturenames and any(f"/{part}" in where or where.endswith(part)
                                                        for part in BOTH_BACKENDS):
        params = ["postgres"] if "/tests/ha/" in where else ["sqlite", "postgres"]
        metafunc.parametrize("state_backend", params, indirect=True)


@pytest.fixture(autouse=True)
def state_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """"sqlite" or "postgres": where a Harness (and `state_db`) keeps this test's state."""
    backend = getattr(request, "param", None) or ("postgres" if os.environ.get("DTN_TEST_DB") == "postgres" else "sqlite")
    if backend == "postgres":
        reason = postgres_missing()
        if reason:
            pytest.skip(f"{reason} [postgresql not available here]")
        monkeypatch.setenv("DTN_TEST_DB", "postgres")
    else:
        monkeypatch.delenv("DTN_TEST_DB", raising=False)
    return str(backend)


@pytest.fixture
def state_db(tmp_path: Path, state_backend: str) -> Path | str:
    """This test's state: a SQLite file in tmp_path, or a fresh database on the session's PostgreSQL server."""
    if state_backend == "postgres":
        return shared_server().new_database()
    return tmp_path / "state" / "dtn-monitor.sqlite3"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in ("DTN_NOTIFY_URLS", "DTN_MONITOR_CONFIG", "DTN_MONITOR_DB", "DTN_MONITOR_NOTIFIERS",
                "DTN_MONITOR_TOKEN", "DTN_MONITOR_SECRETS_FILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DTN_MONITOR_TEMPLATES", str(tmp_path / "no-templates"))


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    srv = FixtureServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    srv = WebhookReceiver().start()
    yield srv
    srv.stop()


FAST = """
[monitor]
host_min_gap = "0s"
failure_threshold = 3
"""


def write_config(tmp_path: Path, sources: str, monitor: str = FAST) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(textwrap.dedent(monitor) + "\n" + textwrap.dedent(sources), encoding="utf-8")
    return path


def write_channels(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "channels.toml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


class Harness:
    """A config + state + channels on disk, opened into fresh runtimes like separate daemon runs.

    With a `clock` (a ManualClock), every runtime decides and stamps by that clock."""

    def __init__(self, tmp_path: Path, sources: str, channels: str, monitor: str = FAST, clock: Clock | None = None):
        self.tmp = tmp_path
        self.config_path = write_config(tmp_path, sources, monitor)
        self.channels_path = write_channels(tmp_path, channels)
        # DTN_TEST_DB=postgres: the same tests on a fresh database of a real PostgreSQL server
        self.db: Path | str = (shared_server().new_database() if os.environ.get("DTN_TEST_DB") == "postgres"
                               else tmp_path / "state" / "dtn-monitor.sqlite3")
        self.clock = clock or SYSTEM

    def runtime(self) -> Runtime:
        return Runtime(load_config(self.config_path), Store(self.db, clock=self.clock), load_channels(self.channels_path),
                       clock=self.clock)

    def check(self, source_ids: list[str] | None = None, *, dispatch: bool = True, **kw: Any) -> CycleReport:
        """One cycle in a fresh runtime (as a restarted daemon would), then send the outbox."""

        async def go() -> CycleReport:
            rt = self.runtime()
            try:
                report = await run_check(rt, source_ids, **kw)
                if dispatch:
                    await rt.dispatcher.dispatch_due()
                return report
            finally:
                await rt.aclose()

        return asyncio.run(go())

    def dispatch(self, now: float | None = None) -> list[Any]:
        """Send what is due (at `now`, to step over backoff without waiting) in a fresh runtime."""

        async def go() -> list[Any]:
            rt = self.runtime()
            try:
                return await rt.dispatcher.dispatch_due(now)
            finally:
                await rt.aclose()

        return asyncio.run(go())

    def store(self) -> Store:
        return Store(self.db, clock=self.clock)
