"""Performance, measured the same way for both tools: `dtn-monitor check` and `urlwatch`, each a whole process.

    python bench/perf.py                          # N = 100, 500, 2000; kinds nctv and page; 3 repetitions
    python bench/perf.py --sizes 100 --repeat 2   # quicker
    python bench/perf.py --no-urlwatch            # ours only (no PyPI access)

Pages: N realistic ~50 KB government pages (navigation, ~450 links, a document list, a history of
levels, footer) from bench/gen_pages.py, served with ETag/Last-Modified and 304s by 8 loopback
servers (bench/serve_pages.py, one port each; page i on server i mod 8), so neither tool waits
on one server's backlog. Both tools have a real channel configured: ours an apprise json:// URL,
urlwatch its webhook reporter, both posting to a loopback sink.

For each N and kind, each repetition runs, in turn and on the same page versions:
  cold       a fresh state: every page downloaded and parsed
  unchanged  the same pages again (conditional requests: 304s)
  changed    10% of the pages changed (gen_pages.py mutate)
Both run as a user installs them, each in its own virtualenv under bench/out/ (never committed):
urlwatch from PyPI, dtn-monitor as a wheel of this working tree (`pip install .`, not the editable
development install), byte-compiled (PYTHONDONTWRITEBYTECODE is cleared for both).
Each cell is the wall and CPU time of the whole process (spawn to exit; CPU from getrusage of the
child). The ratio is taken pair by pair (ours and urlwatch of the same repetition and cycle) and
the median of the pairs is printed with its spread. Which tool runs first alternates per repetition.

Also measured: start-up (process spawn to the first request the servers see), CPU per parsed page
of each adapter (in process, the page from memory: adapter + extractor, no network), and the
daemon's RSS at 500 sources, idle after its first cycle, sampled over a soak.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out" / "perf"
SERVERS = 8
URLWATCH_VENV = BENCH / "out" / "urlwatch-venv"
OURS_VENV = BENCH / "out" / "dtn-venv"  # dtn-monitor as a user installs it (pip install ., not editable)
OURS = OURS_VENV / "bin" / "dtn-monitor"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Pages:
    """N generated pages behind 8 loopback servers, and a POST sink for the channels."""

    def __init__(self, n: int, work: Path):
        self.n, self.dir, self.logs = n, work / "pages", work / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.procs: list[subprocess.Popen[bytes]] = []
        self.ports: list[int] = []
        self.sink = 0

    def generate(self) -> None:
        subprocess.run([sys.executable, str(BENCH / "gen_pages.py"), "generate", str(self.dir), str(self.n)], check=True)

    def mutate(self, rnd: int) -> None:
        subprocess.run([sys.executable, str(BENCH / "gen_pages.py"), "mutate", str(self.dir), "0.1", str(rnd)],
                       check=True, capture_output=True)

    def start(self) -> None:
        for k in range(SERVERS + 1):
            port = free_port()
            log = self.logs / f"server-{k}.tsv"
            self.procs.append(subprocess.Popen([sys.executable, str(BENCH / "serve_pages.py"), str(self.dir), str(port),
                                                str(log)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            self.ports.append(port)
        self.sink = self.ports.pop()
        for port in [*self.ports, self.sink]:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)

    def stop(self) -> None:
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.wait(10)

    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.ports[i % SERVERS]}/page-{i:04d}.html" for i in range(1, self.n + 1)]

    def requests_since(self, t0: float) -> tuple[int, int, float | None]:
        """(requests, 304 answers, time of the first request) logged by the page servers since t0."""
        count = not_modified = 0
        first: float | None = None
        for log in self.logs.glob("server-*.tsv"):
            for line in log.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                when = float(parts[0])
                if when < t0 or parts[1] != "GET":
                    continue
                count += 1
                not_modified += parts[3] == "304"
                first = when if first is None else min(first, when)
        return count, not_modified, first


def _timed(cmd: list[str], env: dict[str, str], cwd: Path) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd[0]} exited {proc.returncode}: {proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "t0": t0, "rss_mb": after.ru_maxrss / 1024}


class Ours:
    name = "dtn-monitor"

    def __init__(self, work: Path, pages: Pages, kind: str):
        self.work = work
        work.mkdir(parents=True, exist_ok=True)
        sources = ['[monitor]\nhost_min_gap = "0s"\nhost_concurrency = 8\nmax_concurrency = 16\n']
        for i, url in enumerate(pages.urls(), 1):
            sources.append(f'[[source]]\nid = "p{i}"\nkind = "{kind}"\nurl = "{url}"\n')
            if kind == "nctv":
                sources.append('[source.options]\nlevel_label = "^Dreigingsniveau$"\n')
        (work / "sources.toml").write_text("".join(sources), encoding="utf-8")
        (work / "channels.toml").write_text(
            f'[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:{pages.sink}/notify"\n', encoding="utf-8")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("DTN_") and k != "PYTHONDONTWRITEBYTECODE"}
        self.env.update({"DTN_MONITOR_DB": str(work / "state" / "dtn-monitor.sqlite3"),
                         "DTN_MONITOR_CONFIG": str(work / "sources.toml"),
                         "DTN_MONITOR_NOTIFIERS": str(work / "channels.toml")})

    def reset(self) -> None:
        shutil.rmtree(self.work / "state", ignore_errors=True)

    def run(self) -> dict[str, float]:
        return _timed([str(OURS), "check"], self.env, self.work)


class Urlwatch:
    name = "urlwatch"

    def __init__(self, work: Path, pages: Pages):
        self.work = work
        work.mkdir(parents=True, exist_ok=True)
        jobs = "".join(f"---\nname: p{i}\nurl: {url}\n" for i, url in enumerate(pages.urls(), 1))
        (work / "urls.yaml").write_text(jobs.removeprefix("---\n"), encoding="utf-8")
        config = {
            "display": {"new": True, "error": True, "unchanged": False, "empty-diff": False},
            "report": {"text": {"line_length": 75, "details": True, "footer": False, "minimal": False},
                       "stdout": {"enabled": False, "color": False},
                       "webhook": {"enabled": True, "webhook_url": f"http://127.0.0.1:{pages.sink}/hook",
                                   "max_message_length": None}},
            "job_defaults": {"all": {}, "url": {}},
        }
        (work / "urlwatch.yaml").write_text(json.dumps(config), encoding="utf-8")  # JSON is YAML
        self.env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "HOME": str(work)}
        self.exe = URLWATCH_VENV / "bin" / "urlwatch"

    def reset(self) -> None:
        (self.work / "cache.db").unlink(missing_ok=True)

    def run(self) -> dict[str, float]:
        return _timed([str(self.exe), "--urls", str(self.work / "urls.yaml"), "--config", str(self.work / "urlwatch.yaml"),
                       "--cache", str(self.work / "cache.db")], self.env, self.work)


def ensure_ours() -> None:
    """Install this working tree into its own virtualenv as a user would (a wheel, byte-compiled), like urlwatch:
    an editable install's import hook alone costs tens of milliseconds at every start."""
    pip = str(OURS_VENV / "bin" / "pip")
    if not (OURS_VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(OURS_VENV)], check=True)
        subprocess.run([pip, "install", "-q", str(ROOT)], check=True)
    else:  # pip installs a local tree again even at the same version, with any dependency it has gained since
        subprocess.run([pip, "install", "-q", str(ROOT)], check=True)


def ensure_urlwatch() -> bool:
    if (URLWATCH_VENV / "bin" / "urlwatch").exists():
        return True
    subprocess.run([sys.executable, "-m", "venv", str(URLWATCH_VENV)], check=True)
    pip = subprocess.run([str(URLWATCH_VENV / "bin" / "pip"), "install", "-q", "urlwatch"], capture_output=True, text=True)
    return pip.returncode == 0


def one_size(n: int, kind: str, repeat: int, with_urlwatch: bool) -> list[dict[str, object]]:
    work = OUT / f"n{n}-{kind}"
    shutil.rmtree(work, ignore_errors=True)
    pages = Pages(n, work)
    pages.generate()
    pages.start()
    tools: list[Ours | Urlwatch] = [Ours(work / "ours", pages, kind)]
    if with_urlwatch:
        tools.append(Urlwatch(work / "urlwatch", pages))
    cells: list[dict[str, object]] = []
    try:
        for rep in range(repeat):
            pages.generate()  # every repetition starts from the same first version of every page
            order = tools if rep % 2 == 0 else list(reversed(tools))
            for tool in order:
                tool.reset()
            for cycle in ("cold", "unchanged", "changed"):
                if cycle == "changed":
                    pages.mutate(rep + 1)
                for tool in order:
                    r = tool.run()
                    requests, not_modified, first = pages.requests_since(r["t0"])
                    cells.append({"n": n, "kind": kind, "rep": rep, "cycle": cycle, "tool": tool.name, **r,
                                  "requests": requests, "not_modified": not_modified,
                                  "startup": (first - r["t0"]) if first else None})
                    time.sleep(0.2)  # the servers' log lines of this run are written before the next one starts
    finally:
        pages.stop()
    return cells


def cpu_per_page(kind: str, repeats: int = 200) -> float:
    """Median CPU ms of one adapter check on a realistic page held in memory (adapter + extractor, no network).
    Each page is a different one, read once (as in a cycle): a page seen again would find the caches warm."""
    code = f"""
import asyncio, statistics, sys, time
sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(BENCH)!r})
import gen_pages
from monitor.config import MonitorSettings, SourceConfig
from monitor.response import Response
from monitor.sources.base import SourceContext
from monitor.sources import registry
pages = [gen_pages.render(i, 0).encode() for i in range(1, {repeats} + 21)]
class Fetcher:
    page = pages[0]
    async def get(self, url, *, timeout, validators, accept=None):
        return Response(url=url, status=200, content=self.page, headers={{"content-type": "text/html; charset=utf-8"}})
options = {{"level_label": "^Dreigingsniveau$"}} if {kind!r} == "nctv" else {{}}
cfg = SourceConfig(id="p", kind={kind!r}, url="http://127.0.0.1:1/page.html", options=options)
source = registry.get({kind!r})(cfg, MonitorSettings())
fetcher = Fetcher()
async def measure():
    times = []
    for i in range({repeats} + 20):
        fetcher.page = pages[i % len(pages)]
        ctx = SourceContext(fetcher=fetcher, validators_of=lambda u: (None, None), is_known=lambda d: True, first_check=True)
        t = time.process_time_ns()
        await source.check(ctx)
        if i >= 20:
            times.append((time.process_time_ns() - t) / 1e6)
    return times
times = asyncio.run(measure())
print(statistics.median(times))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def daemon_rss(n: int = 500, soak: float = 60.0) -> dict[str, float]:
    """RSS of `dtn-monitor run` with n sources: after its first cycle, sampled every second over `soak`."""
    work = OUT / f"daemon-n{n}"
    shutil.rmtree(work, ignore_errors=True)
    pages = Pages(n, work)
    pages.generate()
    pages.start()
    ours = Ours(work / "ours", pages, "nctv")
    port = free_port()
    env = {**ours.env, "DTN_MONITOR_HTTP_PORT": str(port)}
    proc = subprocess.Popen([str(OURS), "run"], env=env, cwd=ours.work,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples: list[float] = []
    try:
        import urllib.request

        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            time.sleep(1)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=5) as r:
                    data = json.load(r)
                if all(s["last_check"] for s in data["sources"]):
                    break
            except OSError:
                continue
        end = time.monotonic() + soak
        while time.monotonic() < end:
            for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    samples.append(int(line.split()[1]) / 1024)
            time.sleep(1)
    finally:
        proc.terminate()
        proc.wait(30)
        pages.stop()
    return {"first": samples[0], "last": samples[-1], "max": max(samples), "min": min(samples)}


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(cells: list[dict[str, object]]) -> None:
    print("| N | kind | cycle | ours wall s | urlwatch wall s | ours / urlwatch (median of pairs, range) | "
          "ours CPU s | urlwatch CPU s | requests ours / urlwatch |")
    print("|---|---|---|---|---|---|---|---|---|")
    keys = sorted({(int(str(c["n"])), str(c["kind"]), str(c["cycle"])) for c in cells},
                  key=lambda k: (k[0], k[1], ["cold", "unchanged", "changed"].index(k[2])))
    for n, kind, cycle in keys:
        mine = [c for c in cells if (c["n"], c["kind"], c["cycle"], c["tool"]) == (n, kind, cycle, "dtn-monitor")]
        theirs = [c for c in cells if (c["n"], c["kind"], c["cycle"], c["tool"]) == (n, kind, cycle, "urlwatch")]
        ratios = [float(str(a["wall"])) / float(str(b["wall"])) for a in mine for b in theirs if a["rep"] == b["rep"]]
        uw = f"{_median([float(str(c['wall'])) for c in theirs]):.2f}" if theirs else "-"
        ratio = f"**{_median(ratios):.2f}** ({min(ratios):.2f}–{max(ratios):.2f})" if ratios else "-"
        print(f"| {n} | {kind} | {cycle} | {_median([float(str(c['wall'])) for c in mine]):.2f} | {uw} | {ratio} | "
              f"{_median([float(str(c['cpu'])) for c in mine]):.2f} | "
              f"{_median([float(str(c['cpu'])) for c in theirs]):.2f} | "
              f"{mine[0]['requests']} / {theirs[0]['requests'] if theirs else '-'} |")
    starts: dict[int, list[float]] = {}  # N → the start-up (ms) of each dtn-monitor run
    for c in cells:
        if c["tool"] == "dtn-monitor" and c["startup"]:
            starts.setdefault(int(str(c["n"])), []).append(float(str(c["startup"])) * 1000)
    every = [ms for runs in starts.values() for ms in runs]
    if every:
        print(f"\nStart-up, `dtn-monitor check` spawn to first request: median {_median(every):.0f} ms "
              f"(min {min(every):.0f}, max {max(every):.0f}; {len(every)} runs)")
        print("  by N (it grows with the sources: each check begins before the first request leaves): "
              + ", ".join(f"{n}: {_median(runs):.0f} ms" for n, runs in sorted(starts.items())))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100,500,2000")
    ap.add_argument("--kinds", default="nctv,page")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-urlwatch", action="store_true")
    ap.add_argument("--no-daemon", action="store_true", help="skip the daemon RSS soak")
    ap.add_argument("--soak", type=float, default=60.0, help="seconds of the daemon RSS soak")
    args = ap.parse_args()
    with_urlwatch = not args.no_urlwatch and ensure_urlwatch()
    ensure_ours()  # both tools as installed from PyPI/a wheel, byte-compiled, each in its own virtualenv
    cells: list[dict[str, object]] = []
    for n in (int(s) for s in args.sizes.split(",")):
        for kind in args.kinds.split(","):
            cells += one_size(n, kind, args.repeat, with_urlwatch)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "cells.json").write_text(json.dumps(cells, indent=1), encoding="utf-8")
    report(cells)
    for kind in args.kinds.split(","):
        print(f"CPU per realistic page, kind {kind} (adapter + extractor, in process): {cpu_per_page(kind):.2f} ms (median)")
    if not args.no_daemon:
        rss = daemon_rss(soak=args.soak)
        print(f"Daemon RSS at 500 sources after its first cycle, {args.soak:.0f} s soak: first {rss['first']:.0f} MB, "
              f"max {rss['max']:.0f} MB, last {rss['last']:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
