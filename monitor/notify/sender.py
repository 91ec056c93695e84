"""apprise in a child process: `python -m monitor.notify.sender` reads one JSON request on stdin.

Why a child process: apprise loads all of its ~130 service plugins (about 15 MB) and a plugin
can hang in a network call that no thread can cancel. Alerts are rare, so the daemon stays
lean and starts a short-lived sender per message, with a hard time limit. The URL (with its
secrets) travels over stdin, never on the command line where `ps` would show it.

Requests:  {"op": "send", "url": …, "title": …, "body": …, "format": "text|html|markdown"}
           {"op": "check", "urls": {"name": url, …}}
Answers:   {"ok": bool, "error": str|null}      {"bad": {"name": reason, …}}
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from typing import Any
from urllib.parse import urlsplit

SEND_TIMEOUT = 120.0


def _scrub(text: str, url: str) -> str:
    """Remove any part of the secret URL from an error text."""
    parts = urlsplit(url)
    secrets = [url, parts.password or "", parts.username or "", parts.netloc]
    secrets += [seg for seg in parts.path.split("/") if len(seg) >= 8]
    for s in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(s, "***")
    return text[:300]


def _send(url: str, title: str, body: str, fmt: str) -> dict[str, Any]:
    import apprise

    obj = apprise.Apprise()
    if not obj.add(url):
        return {"ok": False, "error": "apprise rejected the URL (check its syntax and required parts)"}
    body_format = {"html": apprise.NotifyFormat.HTML, "markdown": apprise.NotifyFormat.MARKDOWN}.get(
        fmt, apprise.NotifyFormat.TEXT
    )
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as output:  # type: ignore[no-untyped-call]
        ok = bool(obj.notify(body=body, title=title, body_format=body_format))
        captured = output.getvalue() if hasattr(output, "getvalue") else ""
    if ok:
        return {"ok": True, "error": None}
    lines = [ln.strip() for ln in str(captured).splitlines() if ln.strip()]
    return {"ok": False, "error": _scrub(lines[-1] if lines else "the service did not accept the message", url)}


def _check(urls: dict[str, str]) -> dict[str, Any]:
    import apprise

    bad = {}
    for name, url in urls.items():
        if not apprise.Apprise().add(url):
            scheme = url.split("://", 1)[0] if "://" in url else url[:10]
            bad[name] = f"apprise cannot use this URL (scheme {scheme!r}://): check the service's URL format"
    return {"bad": bad}


def main() -> int:
    if not _die_with_parent():
        return 1
    logging.basicConfig(level=logging.CRITICAL)
    request = json.loads(sys.stdin.read())
    if request.get("op") == "check":
        answer = _check(request["urls"])
    else:
        answer = _send(request["url"], request["title"], request["body"], request.get("format", "text"))
    sys.stdout.write(json.dumps(answer))
    return 0


def _die_with_parent() -> bool:
    """In the child, first thing: be killed when the daemon dies (kill -9 included), so a dead replica sends
    nothing more and its next life can free its leases without a late duplicate (Linux; elsewhere a no-op).
    False when the daemon is already gone (it died before this ran): then nothing is sent."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    parent = os.environ.get("DTN_SENDER_PARENT")
    return not parent or os.getppid() == int(parent)


async def send(url: str, title: str, body: str, fmt: str, timeout: float = SEND_TIMEOUT) -> tuple[bool, str | None]:
    """Send through a child process; a hang past `timeout` is killed and counts as a failed send."""
    payload = json.dumps({"op": "send", "url": url, "title": title, "body": body, "format": fmt}).encode()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "monitor.notify.sender",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONWARNINGS": "ignore", "DTN_SENDER_PARENT": str(os.getpid())},
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(payload), timeout=timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return False, f"the send did not finish within {timeout:g}s (killed)"
    except asyncio.CancelledError:
        proc.kill()
        raise
    if proc.returncode != 0:
        return False, _scrub(f"sender crashed: {err.decode(errors='replace').strip().splitlines()[-1:] or '?'}", url)
    answer = json.loads(out.decode() or "{}")
    return bool(answer.get("ok")), answer.get("error")


def check_urls(urls: dict[str, str]) -> dict[str, str]:
    """name → reason for every URL apprise cannot use (run once at start-up, in a child process)."""
    import subprocess

    if not urls:
        return {}
    proc = subprocess.run(
        [sys.executable, "-m", "monitor.notify.sender"], input=json.dumps({"op": "check", "urls": urls}),
        capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    if proc.returncode != 0:
        return {name: "could not start apprise to check this URL" for name in urls}
    bad: dict[str, str] = json.loads(proc.stdout or "{}").get("bad", {})
    return bad


if __name__ == "__main__":
    raise SystemExit(main())
