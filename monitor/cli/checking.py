"""Verbs that check sources: `check` (one cycle now), `run` (the daemon), `backfill` (history, no alerts)."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from monitor.cli.main import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, EXIT_SERVE, UsageError, run_async, started


def runtime(args: argparse.Namespace, *, serving: bool = False, verify_urls: bool = True) -> Any:
    from monitor.runtime import Runtime

    return Runtime.open(args.config, args.db, args.notifiers, metrics=serving, verify_urls=verify_urls)


def cmd_check(args: argparse.Namespace) -> int:
    from monitor.cycle import run_check
    from monitor.notify.channels import verify_urls

    rt = runtime(args, verify_urls=False)

    async def go() -> Any:
        cycle = asyncio.create_task(run_check(rt, args.source, dry_run=args.dry_run))
        verdict: asyncio.Task[None] | None = None
        try:
            # apprise's verdict on the channel URLs (a child process the first time) is asked beside the fetches,
            # from the loop's next turn (its thread does not hold up the first requests); a URL it refuses stops
            # the command before anything is sent (what was found stays in the outbox)
            await asyncio.sleep(0)
            verdict = asyncio.create_task(asyncio.to_thread(verify_urls, rt.channels))
            report = await cycle
            await verdict
            sent = [] if args.dry_run else await rt.dispatcher.dispatch_due()
            return report, sent
        finally:
            pending = [task for task in (cycle, verdict) if task is not None and not task.done()]
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)  # the cycle has ended before the state closes
            await rt.aclose()

    report, sent = run_async(go())
    if args.json:
        data = report.as_dict()
        data["deliveries"] = [{"channel": s.channel, "ok": s.ok, "error": s.error, "events": s.events} for s in sent]
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_report(report, sent)
    return EXIT_OK if all(o.ok for o in report.outcomes) else EXIT_FAILED


def _print_report(report: Any, sent: list[Any]) -> None:
    for o in report.outcomes:
        if o.skipped:
            print(f"{o.source_id}: skipped ({o.note or 'a check is already running'})")
            continue
        if not o.ok:
            print(f"{o.source_id}: FAILED: {o.error}")
            continue
        r = o.result
        print(f"{o.source_id}: {'not modified' if r.not_modified else 'ok'} ({o.duration * 1000:.0f} ms)")
        for lv in r.levels:
            change = f", change {lv.change_from}→{lv.change_to}" if lv.change_to else ""
            print(f"  level {lv.level} ({lv.confidence}{change}): {lv.evidence[:120]}")
        for text in r.unclear:
            print(f"  level statement unclear: {text[:120]}")
        if r.publications:
            labels = sorted({p.edition.label for p in r.publications})
            print(f"  {len(r.publications)} DTN publication(s): {', '.join(labels[-6:])}{' …' if len(labels) > 6 else ''}")
        if r.drift:
            print(f"  shape drift: {r.drift}")
    verb = "would alert" if report.dry_run else "alert"
    for e in report.events:
        print(f"{verb}: {e.kind} {e.key}")
    if not report.events:
        print("nothing new to alert" + (" (dry run)" if report.dry_run else ""))
    for s in sent:
        print(f"sent to {s.channel}: {'ok' if s.ok else 'FAILED: ' + str(s.error)}")


def cmd_run(args: argparse.Namespace) -> int:
    from monitor.daemon import CannotServe, Daemon, bind, default_bind

    host, port = default_bind(args.port)
    host = args.host or host
    try:
        sock = bind(host, port)  # before the state and the scheduler: a busy port is one clear line
    except CannotServe as exc:
        raise UsageError(str(exc), EXIT_SERVE) from None
    try:  # loaded when first used by a check; the daemon makes sure at start that the system has it
        from monitor.clock import amsterdam

        amsterdam()
    except Exception as exc:  # zoneinfo.ZoneInfoNotFoundError: no tz database and no `tzdata` package
        raise UsageError(f"the time zone Europe/Amsterdam cannot be loaded ({exc}); install the system's "
                         "tzdata package or `pip install tzdata`", EXIT_CONFIG) from None
    rt = runtime(args, serving=True)
    started()
    asyncio.run(Daemon(rt, host=host, port=port, sock=sock).serve())
    return EXIT_OK


def cmd_backfill(args: argparse.Namespace) -> int:
    from monitor.cycle import run_check
    from monitor.history import backfill_known

    rt = runtime(args)
    editions, levels = backfill_known(rt.store)
    print(f"known history: {editions} edition(s), {levels} level change(s) added")
    status = EXIT_OK
    tk = [s.id for s in rt.config.sources if s.kind in ("tk-odata", "ob-sru") and s.enabled]
    if not tk or args.no_fetch:
        rt.store.close()
        return status
    rt.force_baseline = True  # records what it finds; no event of any kind (no "source failing" either)

    async def go() -> Any:
        try:
            return await run_check(rt, tk)
        finally:
            await rt.aclose()

    report = run_async(go())
    for o in report.outcomes:
        n = len(o.result.publications) if o.result else 0
        print(f"{o.source_id}: {'ok' if o.ok else 'FAILED: ' + str(o.error)}, {n} publication(s) recorded")
        if not o.ok:
            status = EXIT_FAILED
    return status
