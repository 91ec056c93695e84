"""High availability: two replicas on one PostgreSQL database, one of them killed with SIGKILL again and again.

    python bench/ha.py                 # 30 kills
    python bench/ha.py --kills 10

Everything runs on 127.0.0.1: a real PostgreSQL server (Debian's package, started here), a fixture
server with the NCTV topic page, a webhook receiver (sometimes slow, so kills land mid-send) and two
real daemon processes, replicas "a" and "b". Each round publishes a new DTN and kills one replica at
a random moment (mid-check or mid-send), then starts it again. Printed: editions published, alerts
received, alerts lost, repeats, and how long the surviving replica took to deliver an edition that
was published while the other one was dead or dying (its "pick-up time").
"""

from __future__ import annotations

import argparse
import collections
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.faults import OLD, fast_files, received_keys  # noqa: E402
from monitor.store import Store  # noqa: E402
from tests.support.daemon import DaemonProcess  # noqa: E402
from tests.support.fixture_server import FixtureServer, WebhookReceiver  # noqa: E402
from tests.support.pages import nctv_publication, nctv_topic  # noqa: E402
from tests.support.postgres import PostgresServer  # noqa: E402


@dataclass
class HAReport:
    kills: int
    published: int
    received: int
    lost: list[str]
    repeats: int
    undelivered: int
    pickup: list[float] = field(default_factory=list)  # seconds from a kill to the survivor's delivery
    pickup_leased: list[float] = field(default_factory=list)  # the same, when the victim died holding the lease
    mid_send: int = 0  # kills that found the victim holding a delivery lease (mid-send)
    seconds: float = 0.0


def leases_of(database: str, name: str) -> int:
    """Delivery rows replica `name` holds a lease on (owners read 'host/name:pid:nonce')."""
    store = Store(database)
    try:
        return int(store.db.scalar("SELECT COUNT(*) AS n FROM deliveries WHERE lease_owner LIKE ? AND "
                                   "status IN ('pending', 'failed')", (f"%/{name}:%",)) or 0)
    finally:
        store.close()


def replica(workdir: Path, name: str, config: Path, channels: Path, database: str, **env: str) -> DaemonProcess:
    """Replica `name` (a daemon process of its own, in its own directory) on the shared database."""
    home = workdir / name
    home.mkdir(parents=True, exist_ok=True)
    return DaemonProcess(home, config, channels, env={"DTN_MONITOR_REPLICA": name, **env}, db=database)


def ha_kill_loop(kills: int, database: str, *, seed: int = 5, workdir: Path | None = None,
                 restart_after: float | None = None) -> HAReport:
    """`restart_after`: start the victim again after that many seconds (a container restart policy; its next
    life frees its own leases at once). None: only once the survivor alone has delivered the round's edition,
    which measures the survivor's pick-up time (a lease held mid-send by the dead replica ends after `lease`)."""
    rng = random.Random(seed)
    started = time.monotonic()
    tmp = workdir or Path(tempfile.mkdtemp(prefix="dtn-ha-"))
    server, hook = FixtureServer().start(), WebhookReceiver().start()
    editions = list(OLD)
    server.set("/dtn", nctv_topic(4, editions))
    config, channels = fast_files(tmp, server, hook)
    published: dict[str, float] = {}
    pickup: list[float] = []
    pickup_leased: list[float] = []
    mid_send = 0
    first_seen: dict[str, float] = {}
    replicas = {name: replica(tmp, name, config, channels, database).start() for name in ("a", "b")}

    def watch() -> None:
        now = time.monotonic()
        for key in received_keys(hook):
            first_seen.setdefault(key, now)

    try:
        store = Store(database)
        deadline = time.monotonic() + 30
        while store.current_level() is None or store.current_level()["origin"] == "history":
            if time.monotonic() > deadline:
                raise RuntimeError("the replicas did not take a first reading")
            time.sleep(0.2)
        store.close()
        today = date.today()
        for i in range(kills):
            victim = rng.choice(["a", "b"])
            hook.hold = rng.choice([0.0, 0.3, 1.0])  # sometimes a slow channel: the kill lands mid-send
            number = 100 + i  # DTN numbers above 150 are not editions (monitor/editions.py)
            path = f"/p/{today:%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-{number}"
            server.set(path, nctv_publication(number, "Het dreigingsniveau blijft 4."))
            editions.append((path, f"Dreigingsbeeld Terrorisme Nederland {number}"))
            server.set("/dtn", nctv_topic(4, editions))
            key = f"edition:dtn-{number}"
            published[key] = time.monotonic()
            time.sleep(rng.uniform(0.0, 1.5))
            replicas[victim].kill()
            dead_at = time.monotonic()
            held = leases_of(database, victim)
            mid_send += held > 0
            if restart_after is not None:
                time.sleep(restart_after)
            else:  # the survivor alone: how long until this edition is out (if the victim had not sent it yet)
                while key not in first_seen and time.monotonic() - dead_at < 200:
                    watch()
                    time.sleep(0.05)
                if key in first_seen and first_seen[key] > dead_at:
                    (pickup_leased if held else pickup).append(first_seen[key] - dead_at)
            replicas[victim] = replica(tmp, victim, config, channels, database).start()
        hook.hold = 0.0

        def drained() -> bool:
            s = Store(database)
            try:
                return set(published) <= set(received_keys(hook)) and not [
                    d for d in s.deliveries() if d.status != "sent"]
            finally:
                s.close()

        deadline = time.monotonic() + 200
        while not drained() and time.monotonic() < deadline:
            time.sleep(0.5)
        for d in replicas.values():
            d.stop()
        s = Store(database)
        undelivered = len([d for d in s.deliveries() if d.status != "sent"])
        s.close()
        got = received_keys(hook)
        counts = collections.Counter(got)
        return HAReport(kills, len(published), len(set(got) & set(published)), sorted(set(published) - set(got)),
                        sum(c - 1 for c in counts.values() if c > 1), undelivered, pickup, pickup_leased, mid_send,
                        time.monotonic() - started)
    finally:
        for d in replicas.values():
            d.kill()
        server.stop()
        hook.stop()


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} s / {max(values):.1f} s ({len(values)})" if values else "-"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kills", type=int, default=30, choices=range(1, 51), metavar="1..50")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--restart-after", type=float, default=None,
                    help="restart a killed replica after this many seconds (default: only after the survivor delivered)")
    args = ap.parse_args()
    pg = PostgresServer().start()
    try:
        r = ha_kill_loop(args.kills, pg.new_database(), seed=args.seed, restart_after=args.restart_after)
    finally:
        pg.cleanup()
    print("| kills (mid-send) | editions published | alerts received | lost | repeats | undelivered | "
          "survivor's pick-up, victim held no lease (median / max, n) | victim died holding the lease | run |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| {r.kills} ({r.mid_send}) | {r.published} | {r.received} | {len(r.lost)} | {r.repeats} | {r.undelivered} | "
          f"{_spread(r.pickup)} | {_spread(r.pickup_leased)} | {r.seconds:.0f} s |")
    return 0 if not r.lost and r.undelivered == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
