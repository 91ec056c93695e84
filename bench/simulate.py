"""The scenario simulator at scale: thousands of generated timelines, one table.

    python bench/simulate.py                    # 5,000 timelines on every core
    python bench/simulate.py --timelines 500 --workers 2

Each timeline is one run of the Hypothesis state machine in tests/sim/machine.py (the real
decision engine, store and outbox against simulated sources on 127.0.0.1, with a simulated
clock); here no timeline stops the run: each one's verdict is counted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


BATCH = 25  # timelines per task: progress is visible and one broken batch loses only itself


def _worker(count: int) -> list[object]:
    import logging

    from hypothesis import HealthCheck, Phase, settings
    from hypothesis.stateful import run_state_machine_as_test

    from tests.sim import machine

    logging.disable(logging.CRITICAL)
    machine.STRICT = False
    machine.VERDICTS.clear()
    run_state_machine_as_test(
        machine.Timeline,
        settings=settings(max_examples=count, stateful_step_count=20, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck), phases=[Phase.generate]),
    )
    return list(machine.VERDICTS)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timelines", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    started = time.monotonic()
    share = [BATCH] * (args.timelines // BATCH) + ([args.timelines % BATCH] if args.timelines % BATCH else [])
    verdicts: list[object] = []
    broken: list[str] = []
    with ProcessPoolExecutor(args.workers) as pool:
        futures = [pool.submit(_worker, n) for n in share]
        for future in as_completed(futures):
            part: list[object] = []
            try:
                part = future.result()
            except Exception as exc:  # a batch that raised is a finding, not the end of the run
                broken.append(f"a batch raised {type(exc).__name__}: {exc}")
            verdicts.extend(part)
            for v in part:
                if v.problems:  # type: ignore[attr-defined]
                    print("PROBLEM:", "; ".join(v.problems), "\n  steps:", "; ".join(v.trace),  # type: ignore[attr-defined]
                          file=sys.stderr, flush=True)
            bad_so_far = sum(1 for v in verdicts if v.problems)  # type: ignore[attr-defined]
            print(f"[{time.monotonic() - started:5.0f} s] {len(verdicts)}/{args.timelines} timelines, "
                  f"{bad_so_far} with problems, {len(broken)} broken batches", file=sys.stderr, flush=True)
    seconds = time.monotonic() - started
    lat = sorted(x for v in verdicts for x in v.latencies)  # type: ignore[attr-defined]
    lat_level = sorted(x for v in verdicts for x in v.level_latencies)  # type: ignore[attr-defined]
    lat_arrival = sorted(x for v in verdicts for x in v.arrival_latencies)  # type: ignore[attr-defined]
    total = {name: sum(getattr(v, name) for v in verdicts) for name in
             ("editions", "changes", "events", "expected", "sent", "repeats_after_kill", "ops_expected", "lost", "kills",
              "manual_checks", "checks")}
    false = sum(len(v.false) for v in verdicts)  # type: ignore[attr-defined]
    missed = sum(len(v.missed) for v in verdicts)  # type: ignore[attr-defined]
    repeated = sum(len(v.repeated) for v in verdicts)  # type: ignore[attr-defined]
    ops_false = sum(len(v.ops_false) for v in verdicts)  # type: ignore[attr-defined]
    ops_missed = sum(len(v.ops_missed) for v in verdicts)  # type: ignore[attr-defined]
    print(f"{len(verdicts)} timelines in {seconds:.0f} s ({args.workers} worker(s)); "
          f"{total['checks']} checks, {total['kills']} kills, {total['manual_checks']} manual checks beside the daemon")
    print()
    print("| timelines | editions | level changes | events | alerts expected | alerts sent | false | missed "
          "| repeated | repeats after a kill | ops expected | ops false | ops missed | lost "
          "| first sighting → alert decided, median | max |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print(f"| {len(verdicts)} | {total['editions']} | {total['changes']} | {total['events']} | {total['expected']} "
          f"| {total['sent']} | {false} | {missed} | {repeated} | {total['repeats_after_kill']} | {total['ops_expected']} "
          f"| {ops_false} | {ops_missed} | {total['lost']} "
          f"| {_minutes(statistics.median(lat)) if lat else '-'} | {_minutes(lat[-1]) if lat else '-'} |")
    print()
    for label, values in (("alert decided, every alert", lat), ("alert decided, level changes", lat_level),
                          ("alert arrived, no channel outage in between", lat_arrival)):
        if values:
            q = statistics.quantiles(values, n=10, method="inclusive") if len(values) >= 2 else [values[0]] * 9
            print(f"first sighting → {label}: median {_minutes(statistics.median(values))}, "
                  f"90th percentile {_minutes(q[8])}, max {_minutes(values[-1])} (n = {len(values)})")
    bad = [v for v in verdicts if v.problems]  # type: ignore[attr-defined]
    for v in bad[:10]:
        print("problem:", "; ".join(v.problems))  # type: ignore[attr-defined]
    for line in broken[:10]:
        print("problem:", line)
    return 1 if bad or broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
