"""The extractor beside the cycle, in a helper process on another core, for cycles that read many texts.

A cold (or much changed) cycle of hundreds of pages is bound by one core: fetching, parsing, storing and
deciding here, and the extractor, about 40 % of that work, in the same thread. `Reader` reads a cycle's
texts here until a cycle of `HELP_FROM` sources or more has read `HELP_AFTER` long ones; then it starts
one helper process (this interpreter and this package, `python -I -c … main()`, used only if its code is
the code this process read with) and sends it the long texts while this process goes on with the rest. A
small or quiet cycle never starts it; it stops with the cycle. The extractor is a pure function of the
text, so where a text is read changes nothing in what is found. Whatever goes wrong with the helper (it cannot start, dies,
answers nonsense), the texts are read here instead, and that is said once in the log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from monitor.extract import Extraction, extract
from monitor.extract.fingerprint import code_fingerprint

log = logging.getLogger("dtn_monitor.extract")

HELP_FROM = 75  # sources: below, a helper costs more than it saves (cold bench pages: 1.04x wall at 50, 0.94x at 75)
HELP_AFTER = 4  # long texts read here before a helper starts: this cycle's pages are long, the rest likely too
SHORT = 2_000  # characters: a shorter text is read here faster than it travels to the helper and back
IN_FLIGHT = 4  # texts at the helper unanswered; while it is that busy, the next one is read here
START_TIMEOUT = 20.0  # seconds for the helper to load the extractor and say it is ready


class _HelperGone(Exception):
    """The helper cannot read this text (it is gone, or it failed on it): read it here."""


class Reader:
    """Runs the extractor for one cycle: here, and in a helper process once the cycle has shown it is big."""

    def __init__(self, *, helper: bool = False) -> None:
        self._allowed = helper and bool(sys.executable)
        self._read_here = 0
        self._long_here = 0
        self._starting: asyncio.Task[None] | None = None
        self._child: asyncio.subprocess.Process | None = None  # the helper, from its start to its end
        self._proc: asyncio.subprocess.Process | None = None  # the helper while it is of use
        self._answers: asyncio.Task[None] | None = None
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._next_id = 0
        self._closed = False
        self.read_by_helper = 0

    @classmethod
    def for_cycle(cls, sources: int) -> Reader:
        """The reader of a cycle of `sources` checks: with a helper when the cycle is big enough to pay for one."""
        return cls(helper=sources >= HELP_FROM)

    @property
    def helping(self) -> bool:
        """A helper process is reading texts for this cycle now."""
        return self._proc is not None

    async def extract(self, text: str, *, edition: bool = True) -> Extraction:
        """What `monitor.extract.extract` finds in `text`, wherever it is read."""
        if self._proc is not None and len(text) >= SHORT and len(self._waiting) < IN_FLIGHT:
            try:
                found = await self._ask(self._proc, text, edition)
            except _HelperGone:
                pass
            else:
                self.read_by_helper += 1
                return found
        self._read_here += 1
        if self._allowed and len(text) >= SHORT:
            self._long_here += 1  # short texts (an `nctv` page's label block) never call for a helper
            if not self._closed and self._starting is None and self._long_here >= HELP_AFTER:
                self._starting = asyncio.create_task(self._start())
        return extract(text, edition=edition)

    async def aclose(self) -> None:
        """Stop the helper (it ends when its input closes) and wait for it: no process outlives the cycle, and
        none is started after this."""
        self._closed = True
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
            await asyncio.gather(self._starting, return_exceptions=True)
        child, self._child, self._proc = self._child, None, None
        if child is not None:
            await _stop(child)
        if self._answers is not None:
            await asyncio.gather(self._answers, return_exceptions=True)
        if self.read_by_helper:
            log.debug("the helper process read %d of %d texts", self.read_by_helper,
                      self.read_by_helper + self._read_here)

    async def _start(self) -> None:
        proc = None
        try:
            if code_fingerprint() is None:
                raise ValueError("this process cannot tell which code it reads with (a zip or bytecode install)")
            proc = self._child = await asyncio.create_subprocess_exec(
                *_command(), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=1 << 24)
            assert proc.stdout is not None
            try:
                line = await asyncio.wait_for(proc.stdout.readline(), START_TIMEOUT)
            except TimeoutError:
                raise ValueError(f"no word from it within {START_TIMEOUT:g} s") from None
            hello = json.loads(line or b"null")
            if not isinstance(hello, dict) or hello.get("ready") != code_fingerprint():
                raise ValueError("it runs other code than this process (was dtn-monitor upgraded meanwhile?)"
                                 if isinstance(hello, dict) and "ready" in hello else
                                 f"it did not say it was ready ({hello!r:.200})")
        except asyncio.CancelledError:  # the cycle ended first: the helper has done nothing for it yet
            if proc is not None:
                self._child = None
                await _stop(proc, kill=True)
            raise
        except Exception as exc:  # cannot be started (no interpreter, no threads, no pipes), or not ready
            log.warning("the extractor's helper process could not start (%s); every text is read here", exc)
            if proc is not None:
                self._child = None
                await _stop(proc, kill=True)
            return
        self._proc = proc
        self._answers = asyncio.create_task(self._read_answers(proc))

    async def _ask(self, proc: asyncio.subprocess.Process, text: str, edition: bool) -> Extraction:
        assert proc.stdin is not None
        job = self._next_id
        self._next_id += 1
        answer = asyncio.get_running_loop().create_future()
        self._waiting[job] = answer
        try:
            proc.stdin.write(json.dumps({"id": job, "text": text, "edition": edition}).encode() + b"\n")
            await proc.stdin.drain()
            found = await answer
            return Extraction(**found)
        except _HelperGone:
            raise
        except Exception as exc:  # a broken pipe; an answer of another shape
            self._lost(proc, f"{type(exc).__name__}: {exc}")
            raise _HelperGone from exc
        finally:
            self._waiting.pop(job, None)

    async def _read_answers(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        reason = "it ended"
        try:
            while line := await proc.stdout.readline():
                answer = json.loads(line)
                waiting = self._waiting.get(answer["id"])
                if waiting is None or waiting.done():
                    continue
                if "result" in answer:
                    waiting.set_result(answer["result"])
                else:  # read here again: the extractor's own exception, with its traceback, comes from there
                    waiting.set_exception(_HelperGone(answer.get("error")))
        except Exception as exc:  # not JSON, not an answer, a line over the limit
            reason = f"it answered what cannot be read ({type(exc).__name__}: {exc})"
        finally:  # whatever ended the reading, nothing may wait for an answer that will not come
            self._lost(proc, reason)

    def _lost(self, proc: asyncio.subprocess.Process, reason: str) -> None:
        """The helper is of no more use: said once; every text it still holds is read here."""
        if self._proc is proc:
            self._proc = None
            if proc.returncode is None and reason != "it ended":
                proc.kill()
            log.warning("the extractor's helper process stopped (%s); the texts are read here", reason)
        for waiting in list(self._waiting.values()):
            if not waiting.done():
                waiting.set_exception(_HelperGone(reason))


def _command() -> list[str]:
    """The helper's command: this interpreter, isolated (no working directory or user site on its path,
    no PYTHON* variables), this package first on its path, Ctrl-C ignored from its first line."""
    root = str(Path(__file__).resolve().parents[2])  # the directory that holds this `monitor` package
    code = ("import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); import sys; "
            f"sys.path.insert(0, {root!r}); from monitor.extract.helper import main; main()")
    return [sys.executable, "-I", "-c", code]


async def _stop(proc: asyncio.subprocess.Process, *, kill: bool = False) -> None:
    """End the helper: its input closed (it ends when it has answered), or killed; waited for either way. However
    this wait ends (a timeout, a cancelled cycle), the process does not live on."""
    if kill and proc.returncode is None:
        proc.kill()
    if proc.stdin is not None and not proc.stdin.is_closing():
        proc.stdin.close()
    try:
        await asyncio.wait_for(proc.wait(), 5.0)
    except TimeoutError:
        pass
    finally:
        if proc.returncode is None:
            proc.kill()
    if proc.returncode is None:
        await proc.wait()


def main() -> None:
    """The helper: one JSON job a line in, one JSON answer a line out, until its input closes."""
    extract("Het dreigingsniveau is 4 (substantieel).")  # every stage loaded and compiled before it says ready
    out = sys.stdout.buffer
    out.write(json.dumps({"ready": code_fingerprint()}).encode() + b"\n")
    out.flush()
    for line in sys.stdin.buffer:
        job = json.loads(line)
        try:
            answer = {"id": job["id"], "result": extract(job["text"], edition=job["edition"]).as_dict()}
        except Exception as exc:  # answered, not raised: the text is read again in the cycle's process
            answer = {"id": job["id"], "error": f"{type(exc).__name__}: {exc}"}
        try:
            out.write(json.dumps(answer).encode() + b"\n")
            out.flush()
        except BrokenPipeError:  # the cycle's process is gone: so is the reason to go on (quietly, at exit too)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
