"""Start the real daemon process (`python -m monitor run`) on 127.0.0.1 for a test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class DaemonProcess:
    def __init__(self, workdir: Path, config: Path, channels: Path, *, env: dict[str, str] | None = None,
                 db: Path | str | None = None):
        self.port = free_port()
        self.workdir = workdir
        self.log = workdir / "daemon.log"
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("DTN_")}
        full_env.update({
            "DTN_MONITOR_DB": str(db if db is not None else workdir / "state" / "dtn-monitor.sqlite3"),
            "DTN_MONITOR_HTTP_HOST": "127.0.0.1",
            "DTN_MONITOR_HTTP_PORT": str(self.port),
            **(env or {}),
        })
        self.cmd = [sys.executable, "-m", "monitor", "--config", str(config), "--notifiers", str(channels), "run"]
        self.env = full_env
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: float = 20.0) -> DaemonProcess:
        self.proc = subprocess.Popen(self.cmd, cwd=self.workdir, env=self.env, stdout=self.log.open("ab"),
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"daemon exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("daemon did not come up: " + self.log.read_text()[-2000:])

    def stop(self, timeout: float = 15.0) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise
        return int(self.proc.returncode)

    def kill(self) -> None:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def wait_for(self, predicate, timeout: float = 20.0, interval: float = 0.1) -> bool:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(interval)
        return False


def one_source_files(workdir: Path, page_url: str, hook_port: int, *, source_id: str = "nctv-dtn",
                     interval: str = "1h", monitor: str = "", delivery: str = "") -> tuple[Path, Path]:
    """sources.toml watching one NCTV topic page, and channels.toml with one webhook channel: the set-up of every
    daemon test and bench (`monitor` and `delivery` add lines to those sections)."""
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "sources.toml"
    config.write_text(f'[monitor]\nhost_min_gap = "0s"\n{monitor}\n'
                      f'[[source]]\nid = "{source_id}"\nkind = "nctv"\nurl = "{page_url}"\n'
                      f'interval = "{interval}"\njitter = "0s"\n', encoding="utf-8")
    channels = workdir / "channels.toml"
    channels.write_text(f"[delivery]\n{delivery}\n"
                        f'[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:{hook_port}/a"\n', encoding="utf-8")
    return config, channels
