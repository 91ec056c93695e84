"""The `dtn-monitor` command: check, run, status, validate, extract, history, backfill, notify-test, outbox.

Exit codes: 0 fine; 1 a source or a channel failed; 2 configuration or state problem.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

from monitor import __version__
from monitor.config import ConfigError, load_config
from monitor.logs import setup_logging
from monitor.store import StateError

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dtn-monitor",
        description="Alerts when the NCTV publishes a new DTN or changes the national threat level.",
    )
    p.add_argument("--version", action="version", version=f"dtn-monitor {__version__}")
    p.add_argument("--config", help="sources.toml (default: $DTN_MONITOR_CONFIG or ./sources.toml)")
    p.add_argument("--db", help="state database (default: $DTN_MONITOR_DB or state/dtn-monitor.sqlite3)")
    p.add_argument("--notifiers", help="channel config (default: $DTN_MONITOR_NOTIFIERS or notifiers/channels.toml)")
    p.add_argument("--log-format", choices=["text", "json"], help="log line format (default: $DTN_MONITOR_LOG_FORMAT or text)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser("check", help="run one check cycle now and print what was found and alerted")
    c.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    c.add_argument("--dry-run", action="store_true", help="change nothing: no state written, nothing sent")
    c.add_argument("--json", action="store_true", help="print the report as JSON")

    r = sub.add_parser("run", help="run the daemon (scheduler, outbox, HTTP server)")
    r.add_argument("--host", help="HTTP bind address (default: $DTN_MONITOR_HTTP_HOST or 127.0.0.1)")
    r.add_argument("--port", type=int, help="HTTP port (default: $DTN_MONITOR_HTTP_PORT or 8080)")

    s = sub.add_parser("status", help="each source's last check, the current level and newest edition")
    s.add_argument("--json", action="store_true")

    sub.add_parser("validate", help="check sources.toml and the channel config, then exit")

    e = sub.add_parser("extract", help="read one text (plain or HTML) and print the facts as JSON")
    e.add_argument("file", nargs="?", default="-", help="a file, or - for standard input")

    h = sub.add_parser("history", help="the timeline of levels and editions")
    h.add_argument("--format", choices=["table", "json", "csv"], default="table")

    b = sub.add_parser("backfill", help="load past editions and levels (known history + Tweede Kamer data), no alerts")
    b.add_argument("--no-fetch", action="store_true", help="only the built-in history, no Tweede Kamer requests")

    n = sub.add_parser("notify-test", help="send a test message to the configured channels")
    n.add_argument("--tag", help="only channels with this tag")

    o = sub.add_parser("outbox", help="list pending, failed and dead deliveries; retry dead ones")
    o.add_argument("--all", action="store_true", help="also list sent deliveries")
    o.add_argument("--retry", metavar="ID", help="put a dead delivery (or 'all') back in the queue")
    o.add_argument("--json", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    setup_logging(args.log_format)
    try:
        handler = COMMANDS[args.command]
        return handler(args)
    except ConfigError as exc:
        print("configuration error:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        print("dtn-monitor will not start with an invalid configuration.", file=sys.stderr)
        return EXIT_CONFIG
    except StateError as exc:
        print(f"state error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130


def _runtime(args: argparse.Namespace) -> Any:
    from monitor.runtime import Runtime

    return Runtime.open(args.config, args.db, args.notifiers)


def cmd_check(args: argparse.Namespace) -> int:
    from monitor.cycle import run_check

    runtime = _runtime(args)

    async def go() -> Any:
        try:
            report = await run_check(runtime, args.source, dry_run=args.dry_run)
            sent = [] if args.dry_run else await runtime.dispatcher.dispatch_due()
            return report, sent
        finally:
            await runtime.aclose()

    report, sent = asyncio.run(go())
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
            print(f"{o.source_id}: skipped (a check is already running)")
            continue
        if not o.ok:
            print(f"{o.source_id}: FAILED: {o.error}")
            continue
        r = o.result
        state = "not modified" if r.not_modified else "ok"
        print(f"{o.source_id}: {state} ({o.duration * 1000:.0f} ms)")
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
    if report.events:
        for e in report.events:
            print(f"{verb}: {e.kind} {e.key}")
    else:
        print("nothing new to alert" + (" (dry run)" if report.dry_run else ""))
    for s in sent:
        print(f"sent to {s.channel}: {'ok' if s.ok else 'FAILED: ' + str(s.error)}")


def cmd_run(args: argparse.Namespace) -> int:
    from monitor.daemon import Daemon, default_bind

    runtime = _runtime(args)
    host, port = default_bind()
    daemon = Daemon(runtime, host=args.host or host, port=args.port or port)
    asyncio.run(daemon.serve())
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from monitor.config import db_path
    from monitor.status import status
    from monitor.store import Store

    try:
        config = load_config(args.config)
    except ConfigError:
        config = None
    store = Store(args.db or db_path())
    data = status(store, config)
    store.close()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    lv = data["level"]
    print(f"Threat level: {lv['level']} ({lv['name']}) since {lv['since']}" if lv else "Threat level: unknown (no check yet)")
    ed = data["newest_edition"]
    print(f"Newest DTN:   {ed['label']} ({ed['published'] or 'date unknown'})" if ed else "Newest DTN:   unknown")
    print()
    print(f"{'source':<22} {'last check':<26} {'result':<13} {'fails':>5}  state")
    for s in data["sources"]:
        state = "FAILING" if s["failing"] else ("DEGRADED" if s["degraded"] else ("disabled" if not s["enabled"] else "ok"))
        print(f"{s['id']:<22} {s['last_check'] or '-':<26} {s['last_result'] or '-':<13} {s['consecutive_failures']:>5}  {state}")
        if s["last_error"]:
            print(f"{'':<22} last error: {s['last_error'][:100]}")
    ob = data["outbox"]
    print(f"\nOutbox: {ob['pending']} pending, {ob['failed']} failed (retrying), {ob['dead']} dead, {ob['sent']} sent")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from monitor.notify.channels import load_channels
    from monitor.notify.messages import check_templates

    config = load_config(args.config)
    channels = load_channels(args.notifiers)
    problems = check_templates()
    if problems:
        raise ConfigError(problems)
    print(f"{config.path}: {len(config.sources)} source(s), {len(config.enabled_sources)} enabled")
    for s in config.sources:
        print(f"  {s.id:<22} {s.kind:<9} every {s.interval:g}s{' (authoritative)' if s.authoritative else ''}"
              f"{'' if s.enabled else ' (disabled)'}")
    print(f"channels ({channels.source}):")
    for c in channels.channels:
        print(f"  {c.name:<22} {c.masked:<50} tags={','.join(sorted(c.tags))}{'' if c.enabled else ' (disabled)'}")
    for warning in channels.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print("configuration OK" + (f" ({len(channels.warnings)} warning(s))" if channels.warnings else ""))
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    from monitor.extract import extract

    if args.file == "-":
        text = sys.stdin.read()
    else:
        try:
            raw = Path(args.file).read_bytes()
        except OSError as exc:
            print(f"cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return EXIT_FAILED
        from monitor.fetch import decode_body

        text = decode_body(raw)
    print(json.dumps(extract(text).as_dict(), ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from monitor.config import db_path
    from monitor.history import timeline
    from monitor.levels import LEVELS
    from monitor.store import Store

    store = Store(args.db or db_path())
    rows = timeline(store)
    store.close()
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["since", "until", "level", "name", "change_from", "edition", "editions", "origin"])
        for r in rows:
            w.writerow([r["since"], r["until"] or "", r["level"], LEVELS[int(str(r["level"]))].name,
                        r["change_from"] or "", r["edition"] or "", " ".join(map(str, r["editions"])), r["origin"]])  # type: ignore[call-overload]
        print(buf.getvalue(), end="")
    else:
        if not rows:
            print("no history yet: run `dtn-monitor backfill` or a check")
        print(f"{'since':<11} {'until':<11} {'level':<17} {'editions'}")
        for r in rows:
            lv = LEVELS[int(str(r["level"]))]
            eds = [str(k).removeprefix("dtn-") for k in r["editions"]]  # type: ignore[attr-defined]
            shown = f"{eds[0]} … {eds[-1]} ({len(eds)})" if len(eds) > 4 else ", ".join(eds)
            print(f"{r['since']:<11} {r['until'] or 'now'!s:<11} {lv.number} {lv.name:<15} {shown}")
    return EXIT_OK


def cmd_backfill(args: argparse.Namespace) -> int:
    from monitor.cycle import run_check
    from monitor.history import backfill_known

    runtime = _runtime(args)
    editions, levels = backfill_known(runtime.store)
    print(f"known history: {editions} edition(s), {levels} level change(s) added")
    status = EXIT_OK
    tk = [s.id for s in runtime.config.sources if s.kind in ("tk-odata", "ob-sru") and s.enabled]
    if tk and not args.no_fetch:
        runtime.force_baseline = True

        async def go() -> Any:
            try:
                return await run_check(runtime, tk)
            finally:
                await runtime.aclose()

        report = asyncio.run(go())
        for o in report.outcomes:
            n = len(o.result.publications) if o.result else 0
            print(f"{o.source_id}: {'ok' if o.ok else 'FAILED: ' + str(o.error)}, {n} publication(s) recorded")
            if not o.ok:
                status = EXIT_FAILED
    else:
        runtime.store.close()
    return status


def cmd_notify_test(args: argparse.Namespace) -> int:
    from monitor.notify.channels import load_channels
    from monitor.notify.dispatcher import send_test

    channels = load_channels(args.notifiers)
    results = asyncio.run(send_test(channels, args.tag))
    if not results:
        print("no channel matches" + (f" tag {args.tag!r}" if args.tag else ""))
        return EXIT_FAILED
    for r in results:
        ch = channels.get(r.channel)
        print(f"{r.channel:<20} {ch.masked if ch else '':<50} {'ok' if r.ok else 'FAILED: ' + str(r.error)}")
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED


def cmd_outbox(args: argparse.Namespace) -> int:
    from monitor.config import db_path
    from monitor.store import Store

    store = Store(args.db or db_path())
    try:
        if args.retry:
            n = store.retry_dead(None if args.retry == "all" else int(args.retry))
            print(f"{n} dead deliver{'y' if n == 1 else 'ies'} queued again")
            return EXIT_OK if n else EXIT_FAILED
        statuses = None if args.all else ("pending", "failed", "dead")
        rows = store.deliveries(statuses)
        events = {r.event_id: store.event(r.event_id) for r in rows}
        if args.json:
            print(json.dumps([
                {"id": r.id, "channel": r.channel, "status": r.status, "attempts": r.attempts,
                 "event": _key(events[r.event_id]), "last_error": r.last_error,
                 "created_at": r.created_at, "sent_at": r.sent_at}
                for r in rows
            ], indent=2))
            return EXIT_OK
        if not rows:
            print("outbox empty: every alert was delivered")
        for r in rows:
            ev = events[r.event_id]
            print(f"#{r.id:<5} {r.status:<8} {r.channel:<16} attempts={r.attempts:<3} {ev.key if ev else '?'}"
                  + (f"\n       last error: {r.last_error}" if r.last_error else ""))
        return EXIT_OK
    finally:
        store.close()


def _key(event: Any) -> str | None:
    return event.key if event is not None else None


COMMANDS = {
    "check": cmd_check,
    "run": cmd_run,
    "status": cmd_status,
    "validate": cmd_validate,
    "extract": cmd_extract,
    "history": cmd_history,
    "backfill": cmd_backfill,
    "notify-test": cmd_notify_test,
    "outbox": cmd_outbox,
}

if __name__ == "__main__":
    raise SystemExit(main())
