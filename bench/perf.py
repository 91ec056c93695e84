"""Performance bench: our check cycle on N generated ~50 KB pages, beside urlwatch on the same pages.

    python bench/perf.py                     # N = 10, 100, 500, 2000
    python bench/perf.py --sizes 500 --no-urlwatch

A fixture server on 127.0.0.1 serves N NCTV-shaped pages (ETag/Last-Modified honoured). For each
N it measures, each in its own process as a daemon would see it:
  cold      first cycle: every page downloaded and parsed
  unchanged same pages again, in the same process (conditional requests: 304s)
  changed   10% of the pages changed
  restart   a new process on the same state file (validators persist: no re-download)
and the daemon's own RSS (idle after a cycle, peak during it). urlwatch, when installable from
PyPI, runs on the same pages in the same run (into bench/out/, never committed).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
HOSTS = 8  # pages spread over 127.0.0.1-8: per host one request at a time, hosts in parallel


def page(i: int, version: int = 0) -> str:
    from tests.support.pages import nctv_topic

    editions = [(f"/p/2019/06/24/dreigingsbeeld-terrorisme-nederland-{n}", f"Dreigingsbeeld Terrorisme Nederland {n}")
                for n in range(40, 51)]
    filler = "".join(
        f"<p>Paragraaf {k} van pagina {i} (versie {version}): de NCTV beschrijft de ontwikkelingen in het "
        f"dreigingsbeeld, de rol van online propaganda en de aanpak van radicalisering in gemeenten.</p>"
        for k in range(270)
    )
    html = nctv_topic(4, editions)
    return html.replace("<footer>", f"<section class='extra'>{filler}</section><footer>")


# -- the driver: runs cycles inside one process, like the daemon -------------------------------


def driver(config: str, db: str, cycles: int) -> None:
    import asyncio

    from monitor.config import load_config
    from monitor.cycle import run_check
    from monitor.notify.channels import Channel, Channels
    from monitor.runtime import Runtime
    from monitor.store import Store

    async def go() -> None:
        rt = Runtime(load_config(config), Store(db), Channels((Channel("console", "log://"),)))
        try:
            for n in range(cycles):
                if n:
                    sys.stdin.readline()  # the bench changes pages between cycles
                before_req, before_304, before_bytes = rt.fetcher.stats.requests, rt.fetcher.stats.not_modified, rt.fetcher.stats.bytes
                wall, cpu = time.perf_counter(), time.process_time()
                report = await run_check(rt)
                result = {
                    "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                    "requests": rt.fetcher.stats.requests - before_req,
                    "not_modified": rt.fetcher.stats.not_modified - before_304,
                    "bytes": rt.fetcher.stats.bytes - before_bytes,
                    "events": len(report.events), "failed": sum(1 for o in report.outcomes if not o.ok),
                    "rss_kb": _status("VmRSS"), "hwm_kb": _status("VmHWM"),
                }
                print(json.dumps(result), flush=True)
        finally:
            await rt.aclose()

    asyncio.run(go())


def _status(key: str, pid: int | str = "self") -> int:
    m = re.search(rf"{key}:\s+(\d+)", Path(f"/proc/{pid}/status").read_text())
    return int(m.group(1)) if m else 0


# -- the bench ----------------------------------------------------------------------------------


def start_servers(n: int) -> tuple[list, list[str]]:  # type: ignore[type-arg]
    from tests.support.fixture_server import FixtureServer

    servers = [FixtureServer(f"127.0.0.{h + 1}").start() for h in range(HOSTS)]
    urls = []
    for i in range(n):
        srv = servers[i % HOSTS]
        srv.set(f"/page/{i}", page(i))
        urls.append(srv.url(f"/page/{i}"))
    return servers, urls


def change(servers: list, n: int, share: float, version: int) -> None:  # type: ignore[type-arg]
    for i in range(0, n, max(1, int(1 / share))):
        servers[i % HOSTS].set(f"/page/{i}", page(i, version))


def ours(n: int, servers: list, urls: list[str], work: Path) -> dict[str, dict[str, float]]:  # type: ignore[type-arg]
    config = work / "sources.toml"
    config.write_text('[monitor]\nhost_min_gap = "0s"\nmax_concurrency = 16\n' + "".join(
        f'[[source]]\nid = "p{i}"\nkind = "nctv"\nurl = "{u}"\n[source.options]\nfollow_links = false\n'
        for i, u in enumerate(urls)), encoding="utf-8")
    db = work / "state.sqlite3"
    cmd = [sys.executable, __file__, "--driver", str(config), str(db)]
    results: dict[str, dict[str, float]] = {}
    proc = subprocess.Popen([*cmd, "3"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdin and proc.stdout
    results["cold"] = json.loads(proc.stdout.readline())
    proc.stdin.write("\n")
    proc.stdin.flush()
    results["unchanged"] = json.loads(proc.stdout.readline())
    change(servers, n, 0.1, 1)
    proc.stdin.write("\n")
    proc.stdin.flush()
    results["changed"] = json.loads(proc.stdout.readline())
    proc.wait()
    restart = subprocess.run([*cmd, "1"], capture_output=True, text=True, check=True)
    results["restart"] = json.loads(restart.stdout.splitlines()[-1])
    # the daemon itself: idle RSS after its first cycle (all 304) and its peak
    from tests.support.daemon import DaemonProcess

    channels = work / "channels.toml"
    channels.write_text('[[channel]]\nname = "c"\nurl = "log://"\n', encoding="utf-8")
    before = sum(s.count() for s in servers)
    d = DaemonProcess(work, config, channels).start()
    try:
        assert d.proc is not None
        if not d.wait_for(lambda: sum(s.count() for s in servers) >= before + n, timeout=300, interval=0.2):
            raise RuntimeError(f"daemon did not finish its first cycle: {sum(s.count() for s in servers) - before} of {n}")
        time.sleep(8)  # past the next outbox tick, where the daemon hands freed heap back
        results["daemon"] = {"rss_kb": _status("VmRSS", d.proc.pid), "hwm_kb": _status("VmHWM", d.proc.pid)}
    finally:
        d.stop()
    return results


def urlwatch(n: int, servers: list, urls: list[str], work: Path) -> dict[str, dict[str, float]] | None:  # type: ignore[type-arg]
    venv = OUT / "urlwatch-venv"
    exe = venv / "bin" / "urlwatch"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "urlwatch"], capture_output=True)
        if pip.returncode != 0 or not exe.exists():
            return None
    jobs = work / "urls.yaml"
    jobs.write_text("".join(f"name: p{i}\nurl: {u}\n---\n" for i, u in enumerate(urls)), encoding="utf-8")
    cfg = work / "urlwatch.yaml"
    cfg.write_text("report:\n  stdout:\n    enabled: false\n  text:\n    details: false\n  html:\n    diff: unified\n", encoding="utf-8")
    cache = work / "cache.db"
    cmd = [str(exe), "--urls", str(jobs), "--config", str(cfg), "--cache", str(cache)]
    env = {**os.environ, "HOME": str(work)}
    out: dict[str, dict[str, float]] = {}

    def timed(label: str) -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        requests_before = sum(s.count() for s in servers)
        not_mod_before = sum(s.count(status=304) for s in servers)
        started = time.perf_counter()
        subprocess.run(cmd, env=env, capture_output=True, check=False, timeout=3600)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out[label] = {
            "wall": time.perf_counter() - started,
            "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "requests": sum(s.count() for s in servers) - requests_before,
            "not_modified": sum(s.count(status=304) for s in servers) - not_mod_before,
            "hwm_kb": after.ru_maxrss,
        }

    timed("cold")
    timed("unchanged")
    change(servers, n, 0.1, 2)
    timed("changed")
    return out


def parse_cost() -> float:
    """CPU milliseconds to parse one 50 KB page fully (adapter parse + extractor), median of 200."""
    import asyncio

    from monitor.config import MonitorSettings, SourceConfig
    from monitor.fetch import Response
    from monitor.sources.base import SourceContext
    from monitor.sources.nctv import NctvSource

    html = page(1).encode()
    src = NctvSource(SourceConfig("p", "nctv", "http://127.0.0.1/x", options={"follow_links": False}), MonitorSettings())

    class OneFetch:
        async def get(self, url: str, **kw: object) -> Response:
            return Response(url, 200, html, {"content-type": "text/html; charset=utf-8"})

    ctx = SourceContext(OneFetch(), lambda u: (None, None), lambda d: False, first_check=True)  # type: ignore[arg-type]
    samples = []
    loop = asyncio.new_event_loop()
    for _ in range(200):
        t = time.process_time()
        loop.run_until_complete(src.check(ctx))
        samples.append((time.process_time() - t) * 1000)
    loop.close()
    return statistics.median(samples)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--driver":
        driver(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10,100,500,2000")
    ap.add_argument("--no-urlwatch", action="store_true")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"page size: {len(page(1).encode()) / 1024:.0f} KB; CPU per fully parsed page: {parse_cost():.2f} ms (median of 200)")
    print()
    print("| N | run | wall s | CPU s | requests | 304 share | MB down | events | peak RSS MB | urlwatch wall s | ours/urlwatch |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n in [int(x) for x in args.sizes.split(",")]:
        servers, urls = start_servers(n)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                work = Path(tmp)
                (work / "ours").mkdir()
                (work / "uw").mkdir()
                res = ours(n, servers, urls, work / "ours")
                # pages back to their first version for urlwatch
                for i in range(n):
                    servers[i % HOSTS].set(f"/page/{i}", page(i))
                uw = None if args.no_urlwatch else urlwatch(n, servers, urls, work / "uw")
        finally:
            for s in servers:
                s.stop()
        for run in ("cold", "unchanged", "changed", "restart"):
            r = res[run]
            share = r["not_modified"] / r["requests"] if r["requests"] else 0
            uw_run = uw.get(run) if uw else None
            ratio = f"{r['wall'] / uw_run['wall']:.2f}" if uw_run else "-"
            print(f"| {n} | {run} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['requests']} | {share:.0%} | "
                  f"{r['bytes'] / 1e6:.1f} | {r['events']} | {r['hwm_kb'] / 1024:.0f} | "
                  f"{uw_run['wall'] if uw_run else '-':{'.2f' if uw_run else ''}} | {ratio} |")
        d = res["daemon"]
        print(f"| {n} | daemon | | | | | | | idle {d['rss_kb'] / 1024:.0f} / peak {d['hwm_kb'] / 1024:.0f} | | |")
        if uw:
            for run, r in uw.items():
                share = r["not_modified"] / r["requests"] if r["requests"] else 0
                print(f"| {n} | urlwatch {run} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['requests']} | {share:.0%} | | | {r['hwm_kb'] / 1024:.0f} | | |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
