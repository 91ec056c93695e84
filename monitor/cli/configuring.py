"""Verbs about the configuration: `validate` and `notify-test`."""

from __future__ import annotations

import argparse
import sys

from monitor.cli.main import EXIT_FAILED, EXIT_OK, run_async
from monitor.config import ConfigError, load_config


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


def cmd_notify_test(args: argparse.Namespace) -> int:
    from monitor.notify.channels import load_channels
    from monitor.notify.dispatcher import send_test

    channels = load_channels(args.notifiers)
    results = run_async(send_test(channels, args.tag))
    if not results:
        print("no channel matches" + (f" tag {args.tag!r}" if args.tag else ""))
        return EXIT_FAILED
    for r in results:
        ch = channels.get(r.channel)
        print(f"{r.channel:<20} {ch.masked if ch else '':<50} {'ok' if r.ok else 'FAILED: ' + str(r.error)}")
    return EXIT_OK if all(r.ok for r in results) else EXIT_FAILED
