"""Fault bench: the HTTP fault catalogue, a kill -9 loop and a soak run, with one table of figures.

    python bench/faults.py                      # catalogue + 50 kills + 10-minute soak
    python bench/faults.py --kills 10 --soak 60 # shorter

Everything runs on 127.0.0.1: a fixture server, a webhook receiver and the real daemon process.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import re
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.store import Store  # noqa: E402
from tests.support.daemon import DaemonProcess, one_source_files  # noqa: E402
from tests.support.fixture_server import FixtureServer, Reply, WebhookReceiver  # noqa: E402
from tests.support.pages import nctv_publication, nctv_topic  # noqa: E402

OLD = [("/p/2019/06/24/dreigingsbeeld-terrorisme-nederland-50", "Dreigingsbeeld Terrorisme Nederland 50")]
KEY_RE = re.compile(r"(?:Kenmerk|Ref): (\S+)")


def write(workdir: Path, name: str, text: str) -> Path:
    path = workdir / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def fast_files(workdir: Path, server: FixtureServer, hook: WebhookReceiver) -> tuple[Path, Path]:
    """The one-source set-up of the kill benches: checked every second, sends retried within seconds, a lease long
    enough that only a daemon's next life (or its end) frees a killed sender's rows."""
    return one_source_files(workdir, server.url("/dtn"), hook.port, source_id="nctv", interval="1s",
                            delivery='lease = "150s"\nretry_base = "1s"\nretry_max = "2s"')


def received_keys(hook: WebhookReceiver) -> list[str]:
    keys: list[str] = []
    for body in hook.bodies:
        keys += KEY_RE.findall(json.loads(body)["message"])
    return keys


# -- fault catalogue ----------------------------------------------------------------------------


@dataclass
class FaultRow:
    name: str
    expected_alerts: int
    sent_alerts: int
    false_alerts: int
    facts_kept: bool


def fault_catalogue() -> list[FaultRow]:
    from tests.conftest import Harness
    from tests.faults.test_http_faults import FAULTS, GOOD

    rows = []
    for name, (reply, _msg) in sorted(FAULTS.items()):
        server, hook = FixtureServer().start(), WebhookReceiver().start()
        try:
            with tempfile.TemporaryDirectory() as tmp:
                server.set("/dtn", GOOD)
                h = Harness(Path(tmp), f'[[source]]\nid = "nctv"\nkind = "nctv"\nurl = "{server.url("/dtn")}"\ntimeout = "1.5s"\n',
                            f'[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:{hook.port}/a"\n',
                            monitor='[monitor]\nhost_min_gap = "0s"\nmax_body_bytes = 2000000\n')
                h.check()
                server.set("/dtn", reply)
                for _ in range(4):
                    h.check()
                server.set("/dtn", GOOD)
                h.check()
                keys = received_keys(hook)
                kinds = [k.split(":")[0] for k in keys]
                store = h.store()
                kept = store.current_level()["level"] == 4 and store.edition("dtn-50") is not None
                false = sum(1 for k in kinds if k not in ("source-failing", "source-recovered"))
                rows.append(FaultRow(name, 2, len(keys), false, kept))
        finally:
            server.stop()
            hook.stop()
    return rows


# -- kill -9 loop -------------------------------------------------------------------------------


@dataclass
class KillReport:
    kills: int
    published: int
    events: int
    received: int
    lost: list[str]
    duplicates: int
    integrity_failures: int
    undelivered: int
    seconds: float


def kill_loop(kills: int, seed: int = 7, workdir: Path | None = None) -> KillReport:
    """Publish one new edition per round and kill -9 the daemon at a random moment, `kills` times."""
    rng = random.Random(seed)
    started = time.monotonic()
    tmp = workdir or Path(tempfile.mkdtemp(prefix="dtn-kill-"))
    server, hook = FixtureServer().start(), WebhookReceiver().start()
    editions = list(OLD)
    server.set("/dtn", nctv_topic(4, editions))
    config, channels = fast_files(tmp, server, hook)
    db = tmp / "state" / "dtn-monitor.sqlite3"
    published: list[str] = []
    integrity_failures = 0
    try:
        first = DaemonProcess(tmp, config, channels).start()
        first.wait_for(lambda: db.exists() and Store(db).current_level() is not None, timeout=30)
        first.kill()
        today = date.today()
        for i in range(kills):
            d = DaemonProcess(tmp, config, channels).start()
            hook.hold = rng.choice([0.0, 0.0, 0.3, 1.0])  # sometimes a slow channel: kills land mid-send
            time.sleep(rng.uniform(0.0, 0.6))
            number = 100 + i
            path = f"/p/{today:%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-{number}"
            server.set(path, nctv_publication(number, "Het dreigingsniveau blijft 4."))
            editions.append((path, f"Dreigingsbeeld Terrorisme Nederland {number}"))
            server.set("/dtn", nctv_topic(4, editions))
            published.append(f"edition:dtn-{number}")
            time.sleep(rng.uniform(0.1, 2.5))
            d.kill()
            store = Store(db)
            if not store.integrity_ok():
                integrity_failures += 1
            store.close()
        hook.hold = 0.0
        final = DaemonProcess(tmp, config, channels).start()

        def drained() -> bool:
            s = Store(db)
            try:
                keys = {e.key for e in s.recent_events(10_000)}
                pending = [d for d in s.deliveries() if d.status != "sent"]
                return set(published) <= keys and not pending
            finally:
                s.close()

        final.wait_for(drained, timeout=90, interval=0.5)
        final.stop()
        store = Store(db)
        events = [e.key for e in store.recent_events(10_000) if e.kind == "new_edition"]
        undelivered = len([d for d in store.deliveries() if d.status != "sent"])
        if not store.integrity_ok():
            integrity_failures += 1
        store.close()
        got = received_keys(hook)
        counts = collections.Counter(got)
        lost = sorted(set(published) - set(got))
        return KillReport(kills, len(published), len(events), len(set(got) & set(published)), lost,
                          sum(c - 1 for c in counts.values() if c > 1), integrity_failures, undelivered,
                          time.monotonic() - started)
    finally:
        server.stop()
        hook.stop()


# -- soak ---------------------------------------------------------------------------------------


@dataclass
class SoakReport:
    seconds: float
    checks: int
    samples: list[tuple[float, int, int, int]] = field(default_factory=list)  # (t, rss_kb, fds, threads)
    alerts_expected: int = 0
    alerts_received: int = 0


def _proc(pid: int) -> tuple[int, int, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    threads = int(re.search(r"Threads:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss, fds, threads


def soak(seconds: float, sources: int = 5, sample_every: float = 10.0) -> SoakReport:
    tmp = Path(tempfile.mkdtemp(prefix="dtn-soak-"))
    server, hook = FixtureServer().start(), WebhookReceiver().start()
    pages = {i: list(OLD) for i in range(sources)}
    for i in range(sources):
        server.set(f"/dtn{i}", nctv_topic(4, pages[i]))
    server.set("/rss", Reply('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
                             content_type="application/rss+xml"))
    body = "[monitor]\nhost_min_gap = \"0s\"\n" + "".join(
        f'[[source]]\nid = "s{i}"\nkind = "nctv"\nurl = "{server.url(f"/dtn{i}")}"\ninterval = "1s"\njitter = "0s"\n'
        for i in range(sources)
    )
    config = write(tmp, "sources.toml", body)
    channels = write(tmp, "channels.toml", f'[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:{hook.port}/a"\n')
    report = SoakReport(seconds, 0)
    d = DaemonProcess(tmp, config, channels).start()
    try:
        assert d.proc is not None
        start = time.monotonic()
        next_sample = start
        next_edition = start + 60
        number = 60  # editions are numbered up to ~150
        while (now := time.monotonic()) - start < seconds:
            if now >= next_sample:
                report.samples.append((now - start, *_proc(d.proc.pid)))
                next_sample += sample_every
            if now >= next_edition:  # now and then a real change, so the alert path runs too
                number += 1
                path = f"/p/{date.today():%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-{number}"
                server.set(path, nctv_publication(number, "Het dreigingsniveau blijft 4."))
                pages[0].append((path, f"Dreigingsbeeld Terrorisme Nederland {number}"))
                server.set("/dtn0", nctv_topic(4, pages[0]))
                report.alerts_expected += 1
                next_edition += 60
            time.sleep(0.2)
        report.samples.append((time.monotonic() - start, *_proc(d.proc.pid)))
        time.sleep(2)
        report.checks = server.count()
        report.alerts_received = len(set(received_keys(hook)))
    finally:
        d.stop()
        server.stop()
        hook.stop()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--soak", type=float, default=600.0, help="soak seconds (default 600)")
    parser.add_argument("--skip-catalogue", action="store_true")
    args = parser.parse_args()

    if not args.skip_catalogue:
        rows = fault_catalogue()
        print("\nHTTP fault catalogue (each: baseline, 4 faulty checks, recovery)\n")
        print(f"| {'fault':<22} | alerts expected | alerts sent | false alerts | facts kept |")
        print(f"|{'-' * 24}|-----------------|-------------|--------------|------------|")
        for r in rows:
            print(f"| {r.name:<22} | {r.expected_alerts:>15} | {r.sent_alerts:>11} | {r.false_alerts:>12} | {'yes' if r.facts_kept else 'NO':>10} |")
        print(f"\nfaults tried: {len(rows)}, alerts expected: {sum(r.expected_alerts for r in rows)}, "
              f"alerts sent: {sum(r.sent_alerts for r in rows)}, false alerts: {sum(r.false_alerts for r in rows)}")
    if args.kills:
        k = kill_loop(args.kills)
        print(f"\nkill -9 loop: {k.kills} kills in {k.seconds:.0f} s")
        print("| editions published | events stored | alerts received | events lost | duplicates | integrity failures | undelivered |")
        print("|---|---|---|---|---|---|---|")
        print(f"| {k.published} | {k.events} | {k.received} | {len(k.lost)} | {k.duplicates} | {k.integrity_failures} | {k.undelivered} |")
        if k.lost:
            print("lost:", ", ".join(k.lost))
    if args.soak:
        s = soak(args.soak)
        first, last = s.samples[0], s.samples[-1]
        peak = max(x[1] for x in s.samples)
        print(f"\nsoak: {s.seconds:.0f} s, 5 sources every 1 s, {s.checks} requests served")
        print("| RSS start | RSS end | RSS peak | fds start | fds end | threads start | threads end | alerts expected | alerts received |")
        print("|---|---|---|---|---|---|---|---|---|")
        print(f"| {first[1] / 1024:.1f} MB | {last[1] / 1024:.1f} MB | {peak / 1024:.1f} MB | {first[2]} | {last[2]} | "
              f"{first[3]} | {last[3]} | {s.alerts_expected} | {s.alerts_received} |")
        print("\nsamples (t s, RSS MB, fds, threads):", ", ".join(f"({t:.0f}, {r / 1024:.1f}, {f}, {th})" for t, r, f, th in s.samples))


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
