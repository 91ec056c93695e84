"""The `dtn-monitor` command: check, run, status, validate, extract, history, backfill, notify-test, outbox.

Behaves like a Unix tool: options go before or after the verb, user errors are one clear message
on stderr (never a traceback), a closed output pipe (`| head`) ends it quietly. Exit codes:
0 fine; 1 a source or channel failed (also `status` with a failing, never-succeeded or changed
source; `outbox --retry` with nothing to retry); 2 configuration, state or usage problem;
3 the HTTP address cannot be used (`run` with the port in use); 130 interrupted; 141 output closed.
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import os
import sys
from collections.abc import Callable, Coroutine
from typing import Any, NoReturn, TypeVar

from monitor import __version__

T = TypeVar("T")

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_SERVE, EXIT_INTERRUPTED, EXIT_PIPE = 0, 1, 2, 3, 130, 141


def _common(parser: argparse.ArgumentParser, *, after_verb: bool) -> None:
    """The options every verb takes; after the verb they default to 'not given' so the ones before it stand."""
    default = argparse.SUPPRESS if after_verb else None
    parser.add_argument("--config", default=default, help="sources.toml (default: $DTN_MONITOR_CONFIG or ./sources.toml)")
    parser.add_argument("--db", default=default, help="state database (default: $DTN_MONITOR_DB or state/dtn-monitor.sqlite3)")
    parser.add_argument("--notifiers", default=default,
                        help="channel config (default: $DTN_MONITOR_NOTIFIERS or notifiers/channels.toml)")
    parser.add_argument("--log-format", default=default, choices=["text", "json"],
                        help="log line format (default: $DTN_MONITOR_LOG_FORMAT or text)")


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout at the terminal's width, asked once: argparse makes a formatter for every option it
    adds and asks `shutil` for the width each time (importing shutil and its compressors: ~3 ms of every start)."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_width())


@functools.cache
def _width() -> int:
    """What shutil.get_terminal_size gives: $COLUMNS, else the terminal of stdout, else 80; less 2, as argparse."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dtn-monitor",
        formatter_class=_Formatter,
        description="Alerts when the NCTV publishes a new DTN or changes the national threat level.",
        epilog="Exit codes: 0 ok, 1 a source or channel failed, 2 configuration/state/usage, 3 HTTP address in use, "
               "130 interrupted, 141 output closed.",
    )
    p.add_argument("--version", action="version", version=f"dtn-monitor {__version__}")
    _common(p, after_verb=False)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def verb(name: str, text: str) -> argparse.ArgumentParser:
        v = sub.add_parser(name, help=text, description=text, formatter_class=_Formatter)
        _common(v, after_verb=True)
        return v

    c = verb("check", "run one check cycle now and print what was found and alerted")
    c.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    c.add_argument("--dry-run", action="store_true", help="change nothing: no state written, nothing sent")
    c.add_argument("--json", action="store_true", help="print the report as JSON")
    r = verb("run", "run the daemon (scheduler, outbox, HTTP server)")
    r.add_argument("--host", help="HTTP bind address (default: $DTN_MONITOR_HTTP_HOST or 127.0.0.1)")
    r.add_argument("--port", type=int, help="HTTP port (default: $DTN_MONITOR_HTTP_PORT or 8080)")
    s = verb("status", "each source's state, the current level and newest edition (exit 1 when a source is in trouble)")
    s.add_argument("--json", action="store_true")
    verb("validate", "check sources.toml, the channel config and the templates, then exit")
    e = verb("extract", "read one text (plain or HTML) and print the facts as JSON")
    e.add_argument("file", nargs="?", default="-", help="a file, or - for standard input")
    h = verb("history", "the timeline of levels and editions")
    h.add_argument("--format", choices=["table", "json", "csv"], default="table")
    b = verb("backfill", "load past editions and levels (known history + Tweede Kamer data), no alerts")
    b.add_argument("--no-fetch", action="store_true", help="only the built-in history, no Tweede Kamer requests")
    n = verb("notify-test", "send a test message to the configured channels")
    n.add_argument("--tag", help="only channels with this tag")
    o = verb("outbox", "list pending, failed and dead deliveries; retry dead ones")
    o.add_argument("--all", action="store_true", help="also list sent deliveries")
    o.add_argument("--retry", metavar="ID", help="put a dead delivery (or 'all') back in the queue")
    o.add_argument("--json", action="store_true")
    return p


# each verb's module and function: a command imports only its own module
_VERBS = {
    "check": ("checking", "cmd_check"), "run": ("checking", "cmd_run"), "backfill": ("checking", "cmd_backfill"),
    "status": ("viewing", "cmd_status"), "history": ("viewing", "cmd_history"), "outbox": ("viewing", "cmd_outbox"),
    "extract": ("viewing", "cmd_extract"), "validate": ("configuring", "cmd_validate"),
    "notify-test": ("configuring", "cmd_notify_test"),
}


def _command(verb: str) -> Callable[[argparse.Namespace], int]:
    module, function = _VERBS[verb]
    found: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(f"monitor.cli.{module}"), function)
    return found


def main(argv: list[str] | None = None) -> int:
    from monitor.config import ConfigError
    from monitor.logs import setup_logging
    from monitor.store import StateError

    args = parser().parse_args(argv)
    try:
        setup_logging(args.log_format)
        code = _command(args.command)(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below
        return code
    except ConfigError as exc:
        print("configuration error:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        print("dtn-monitor will not start with an invalid configuration.", file=sys.stderr)
        return EXIT_CONFIG
    except StateError as exc:
        print(f"state error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except UsageError as exc:
        print(f"dtn-monitor {args.command}: {exc}", file=sys.stderr)
        return exc.code
    except BrokenPipeError:
        # the reader went away (`dtn-monitor history | head`): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PIPE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception:  # a defect: its traceback goes out through the log's secret mask, not Python's own print
        import logging

        logging.getLogger("dtn_monitor").exception("dtn-monitor %s stopped on an internal error", args.command)
        return EXIT_FAILED


def entry() -> NoReturn:
    """The `dtn-monitor` console script (and `python -m monitor`): main(), then a process that only has to end."""
    # Start-up (modules, configuration, state) makes objects that live as long as the process: the cyclic
    # collector would walk them again and again while they are made. It is off until `started()`.
    gc.disable()
    code = main()
    # Everything is written, flushed and closed by now. At teardown the cyclic collector would still walk
    # every object of the process again (60-100 ms of each `dtn-monitor check` on a small machine): frozen,
    # they are released by their reference counts alone, and atexit handlers still run.
    gc.freeze()
    sys.exit(code)


def started() -> None:
    """Start-up is over, the work begins: the collector is on again, and what start-up made is left out of
    its walks (frozen: still freed by reference counting). A no-op for a caller that never turned it off."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """asyncio.run, with the result kept out of the main task. On the way out, asyncio's runner looks up its
    SIGINT handler (a partial holding the task) in an enum; the failed lookup formats the repr of the task,
    result included: for the report of a 2,000-source cycle that string took seconds to build and throw away."""
    import asyncio

    started()
    box: list[T] = []

    async def main() -> None:
        box.append(await coro)

    asyncio.run(main())
    return box[0]


class UsageError(Exception):
    """A user's request that cannot be done, said in one line (with the exit code it deserves)."""

    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.code = code
