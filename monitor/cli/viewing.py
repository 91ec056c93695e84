"""Verbs that show what is known: `status`, `history`, `outbox` and `extract` (one text, no state)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from monitor.cli.main import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, UsageError
from monitor.config import ConfigError, load_config


def _store(args: argparse.Namespace) -> Any:
    """The state, with the built-in history loaded on first use (as the daemon does): never an empty timeline."""
    from monitor.config import state_target
    from monitor.history import ensure_history
    from monitor.store import Store

    store = Store(args.db or state_target())
    ensure_history(store)
    return store


def cmd_status(args: argparse.Namespace) -> int:
    from monitor.clock import local_text
    from monitor.status import TROUBLE, status

    try:
        config = load_config(args.config)
    except ConfigError:
        config = None
    store = _store(args)
    try:
        data = status(store, config)
    finally:
        store.close()
    trouble = [s["id"] for s in data["sources"] if s["enabled"] and s["state"] in TROUBLE]
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_FAILED if trouble else EXIT_OK
    lv = data["level"]
    if lv:
        origin = (f"live, confirmed by {', '.join(lv['confirmed_by'])} at {local_text(lv['confirmed_at'])}"
                  if lv["provenance"] == "live" else f"built-in history up to {lv['history_until']}, not yet confirmed live")
        print(f"Threat level: {lv['level']} ({lv['name']}) since {lv['since']} ({origin})")
    else:
        print("Threat level: unknown (no source has shown one)")
    ed = data["newest_edition"]
    print(f"Newest DTN:   {ed['label']} ({ed['published'] or 'date unknown'})" if ed else "Newest DTN:   unknown")
    print(f"\n{'source':<22} {'state':<16} {'since':<17} {'last check':<17} {'last success':<17}")
    for s in data["sources"]:
        print(f"{s['id']:<22} {s['state']:<16} {local_text(s['since']) or '-':<17} {local_text(s['last_check']) or '-':<17} "
              f"{local_text(s['last_success']) or 'never':<17}")
        if s["last_error"] and s["state"] in (*TROUBLE, "lagging"):
            lines = textwrap.wrap(f"last error ({local_text(s['last_error_at'])}): {s['last_error']}", width=96)
            print("\n".join(f"{'':<4}{line}" for line in lines))
    ob = data["outbox"]
    print(f"\nOutbox: {ob['pending']} pending, {ob['failed']} failed (retrying), {ob['dead']} dead, {ob['sent']} sent")
    if trouble:
        print(f"\nin trouble: {', '.join(trouble)}", file=sys.stderr)
    return EXIT_FAILED if trouble else EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    from monitor.extract import extract
    from monitor.response import decode_body

    if args.file == "-":
        text = sys.stdin.read()
    else:
        try:
            text = decode_body(Path(args.file).read_bytes())
        except OSError as exc:
            raise UsageError(f"cannot read {args.file}: {exc.strerror}", EXIT_CONFIG) from None
    print(json.dumps(extract(text).as_dict(), ensure_ascii=False, indent=2))
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    from monitor.history import timeline
    from monitor.levels import LEVELS

    store = _store(args)
    try:
        rows = timeline(store)
    finally:
        store.close()
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if args.format == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["since", "until", "level", "name", "change_from", "edition", "editions", "origin"])
        for r in rows:
            w.writerow([r["since"], r["until"] or "", r["level"], LEVELS[int(str(r["level"]))].name,
                        r["change_from"] or "", r["edition"] or "", " ".join(map(str, r["editions"])), r["origin"]])  # type: ignore[call-overload]
        print(buf.getvalue(), end="")
        return EXIT_OK
    if not rows:
        print("no history yet: run `dtn-monitor backfill` or a check")
    print(f"{'since':<11} {'until':<11} {'level':<17} {'editions'}")
    for r in rows:
        lv = LEVELS[int(str(r["level"]))]
        eds = [str(k).removeprefix("dtn-") for k in r["editions"]]  # type: ignore[attr-defined]
        shown = f"{eds[0]} … {eds[-1]} ({len(eds)})" if len(eds) > 4 else ", ".join(eds)
        print(f"{r['since']:<11} {r['until'] or 'now'!s:<11} {lv.number} {lv.name:<15} {shown}")
    return EXIT_OK


def cmd_outbox(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        if args.retry:
            return _retry(store, args.retry)
        rows = store.deliveries(None if args.all else ("pending", "failed", "dead"))
        events = {r.event_id: store.event(r.event_id) for r in rows}
        if args.json:
            print(json.dumps([
                {"id": r.id, "channel": r.channel, "status": r.status, "attempts": r.attempts,
                 "event": events[r.event_id].key if events[r.event_id] else None, "last_error": r.last_error,
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


def _retry(store: Any, which: str) -> int:
    if which == "all":
        n = store.retry_dead(None)
        print(f"{n} dead deliver{'y' if n == 1 else 'ies'} queued again")
        return EXIT_OK if n else EXIT_FAILED
    try:
        delivery_id = int(which.lstrip("#"))
    except ValueError:
        raise UsageError(f"--retry takes a delivery number (see `dtn-monitor outbox`) or 'all', not {which!r}",
                         EXIT_CONFIG) from None
    row = store.delivery(delivery_id)
    if row is None:
        raise UsageError(f"there is no delivery #{delivery_id} (see `dtn-monitor outbox --all`)")
    if row.status != "dead":
        raise UsageError(f"delivery #{delivery_id} is {row.status}, not dead: nothing to retry")
    store.retry_dead(delivery_id)
    print(f"delivery #{delivery_id} ({row.channel}) queued again with a fresh retry budget")
    return EXIT_OK
