"""The send process: apprise in a child that dies with its daemon."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.support.fixture_server import WebhookReceiver

ROOT = Path(__file__).resolve().parents[2]


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its reaper is dead for our purpose
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_a_send_in_flight_dies_with_its_daemon(webhook: WebhookReceiver) -> None:
    """kill -9 of the daemon mid-send kills its send process too, so a dead replica sends nothing later
    (its next life may then free its leases at once without a late duplicate)."""
    webhook.hold = 30.0  # the service holds the request: the send is in flight when the daemon dies
    script = ("import asyncio; from monitor.notify.sender import send; "
              f"asyncio.run(send('json://127.0.0.1:{webhook.port}/a', 'title', 'body', 'text'))")
    daemon = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        deadline = time.monotonic() + 20
        while webhook.arrived < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert webhook.arrived == 1
        [sender] = _children(daemon.pid)
        assert _alive(sender)
        daemon.kill()
        daemon.wait()
        deadline = time.monotonic() + 1.0  # at once: not when apprise's own timeout (seconds later) ends the request
        while _alive(sender) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(sender)
    finally:
        daemon.kill()
        webhook.hold = 0.0
