"""The extractor's helper process: what it finds is what the cycle's own process finds, and no text is lost.

Real processes (the helper is `python -c …`, as a user's cycle starts it) and real texts from the corpus.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitor.extract import extract, helper
from monitor.extract.helper import Reader
from tests.conftest import Harness
from tests.extract.test_real_corpus import FLOORS, HERE, _cases
from tests.support.fixture_server import FixtureServer, Reply

TEXTS = [text for _, text, _ in _cases(HERE / "corpus")][:60]
# the real texts long enough to go to a helper with the real threshold (the corpus keeps 2,000 characters)
LONG = [text for folder in FLOORS for _, text, _ in _cases(HERE / folder) if len(text) >= helper.SHORT]


def _children() -> set[int]:
    """The pids of this process's helper children, live or not yet waited for (other children, such as a
    test PostgreSQL server, are not counted)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and (b"monitor.extract.helper" in command or fields[0] == "Z"):
            out.add(int(stat.parent.name))
    return out


async def _helping(reader: Reader, timeout: float = 30.0) -> bool:
    """Read one text (which starts the helper when help_after is 1) and wait until the helper reads."""
    await reader.extract(TEXTS[0])
    deadline = time.monotonic() + timeout
    while not reader.helping and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return reader.helping


@pytest.fixture
def eager(monkeypatch: pytest.MonkeyPatch) -> None:
    """A helper after the first text, for texts of any length."""
    monkeypatch.setattr(helper, "HELP_AFTER", 1)
    monkeypatch.setattr(helper, "SHORT", 0)


@pytest.mark.usefixtures("eager")
def test_the_helper_finds_in_every_real_text_what_this_process_finds() -> None:
    async def go() -> tuple[list[dict[str, object]], int, list[dict[str, object]], int]:
        reader = Reader(helper=True)
        try:
            assert await _helping(reader)
            one_by_one = [(await reader.extract(t, edition=e)).as_dict() for t in TEXTS for e in (True, False)]
            by_helper = reader.read_by_helper
            # all at once: four wait at the helper, the others are read here meanwhile
            together = await asyncio.gather(*(reader.extract(t, edition=e) for t in TEXTS for e in (True, False)))
            return one_by_one, by_helper, [f.as_dict() for f in together], reader.read_by_helper - by_helper
        finally:
            await reader.aclose()

    one_by_one, by_helper, together, together_by_helper = asyncio.run(go())
    expected = [extract(t, edition=e).as_dict() for t in TEXTS for e in (True, False)]
    assert by_helper == len(expected)
    assert together_by_helper == helper.IN_FLIGHT
    assert one_by_one == expected
    assert together == expected


@pytest.mark.usefixtures("eager")
def test_a_helper_that_dies_loses_no_text_and_is_reported_once(caplog: pytest.LogCaptureFixture) -> None:
    async def go() -> list[dict[str, object]]:
        reader = Reader(helper=True)
        try:
            assert await _helping(reader)
            for pid in _children():
                os.kill(pid, signal.SIGKILL)
            return [f.as_dict() for f in await asyncio.gather(*(reader.extract(t) for t in TEXTS[:20]))]
        finally:
            await reader.aclose()

    with caplog.at_level(logging.WARNING, logger="dtn_monitor.extract"):
        found = asyncio.run(go())
    assert found == [extract(t).as_dict() for t in TEXTS[:20]]
    stopped = [r for r in caplog.records if "helper process stopped" in r.getMessage()]
    assert len(stopped) == 1
    assert _children() == set()


@pytest.mark.usefixtures("eager")
def test_a_helper_that_cannot_start_leaves_every_text_read_here(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python-here"))

    async def go() -> tuple[list[dict[str, object]], int]:
        reader = Reader(helper=True)
        try:
            assert not await _helping(reader, timeout=1.0)
            found = [f.as_dict() for f in await asyncio.gather(*(reader.extract(t) for t in TEXTS[:10]))]
            return found, reader.read_by_helper
        finally:
            await reader.aclose()

    with caplog.at_level(logging.WARNING, logger="dtn_monitor.extract"):
        found, by_helper = asyncio.run(go())
    assert found == [extract(t).as_dict() for t in TEXTS[:10]]
    assert by_helper == 0
    assert len([r for r in caplog.records if "could not start" in r.getMessage()]) == 1


def test_a_cycle_that_reads_few_texts_starts_no_helper() -> None:
    async def go() -> tuple[bool, set[int]]:
        reader = Reader(helper=True)
        try:
            assert len(LONG) >= helper.HELP_AFTER - 1
            for t in LONG[: helper.HELP_AFTER - 1]:  # long texts: each counts toward a helper
                await reader.extract(t)
            await asyncio.sleep(0.5)
            return reader.helping, _children()
        finally:
            await reader.aclose()

    assert asyncio.run(go()) == (False, set())


def test_only_a_cycle_of_many_sources_starts_a_helper_after_a_few_long_texts() -> None:
    """With the real thresholds: a cycle of HELP_FROM sources starts one after HELP_AFTER long texts; a cycle
    of fewer never does, however many long texts it reads (they take less than a helper's start)."""

    async def go(sources: int) -> tuple[bool, int, list[dict[str, object]]]:
        reader = Reader.for_cycle(sources)
        try:
            found = [(await reader.extract(t)).as_dict() for t in LONG[: helper.HELP_AFTER]]
            deadline = time.monotonic() + (30 if sources >= helper.HELP_FROM else 0.5)
            while not reader.helping and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            found += [(await reader.extract(t)).as_dict() for t in LONG[helper.HELP_AFTER:]]
            return reader.helping, reader.read_by_helper, found
        finally:
            await reader.aclose()

    assert 1 < helper.HELP_AFTER < len(LONG) and helper.HELP_FROM > 1
    expected = [extract(t).as_dict() for t in LONG]
    helping, by_helper, found = asyncio.run(go(helper.HELP_FROM))
    assert helping and by_helper == len(LONG) - helper.HELP_AFTER and found == expected
    assert asyncio.run(go(helper.HELP_FROM - 1)) == (False, 0, expected)
    assert not Reader.for_cycle(helper.HELP_FROM - 1)._allowed and Reader.for_cycle(helper.HELP_FROM)._allowed
    assert _children() == set()


def test_with_the_real_threshold_long_texts_go_to_the_helper_and_short_ones_stay_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(helper, "HELP_AFTER", 1)
    short = [t[: helper.SHORT - 1] for t in LONG[:5]]

    async def go() -> tuple[int, int, list[dict[str, object]]]:
        reader = Reader(helper=True)
        try:
            await reader.extract(LONG[0])
            deadline = time.monotonic() + 30
            while not reader.helping and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            found = [(await reader.extract(t)).as_dict() for t in LONG[1:8]]
            long_by_helper = reader.read_by_helper
            found += [(await reader.extract(t)).as_dict() for t in short]
            return long_by_helper, reader.read_by_helper - long_by_helper, found
        finally:
            await reader.aclose()

    assert asyncio.run(go()) == (7, 0, [extract(t).as_dict() for t in [*LONG[1:8], *short]])


def test_short_texts_never_call_for_a_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    """An `nctv` page's label block is read here faster than it travels: however many a cycle reads."""
    monkeypatch.setattr(helper, "HELP_AFTER", 1)
    short = [t[: helper.SHORT - 1] for t in TEXTS[:20]]

    async def go() -> tuple[bool, set[int], list[dict[str, object]]]:
        reader = Reader(helper=True)
        try:
            found = [(await reader.extract(t)).as_dict() for t in short]
            await asyncio.sleep(0.3)
            return reader.helping, _children(), found
        finally:
            await reader.aclose()

    assert asyncio.run(go()) == (False, set(), [extract(t).as_dict() for t in short])


def test_a_reader_without_a_helper_never_starts_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(helper, "HELP_AFTER", 1)

    async def go() -> bool:
        reader = Reader()  # a single check (the daemon's jobs, an adapter's own test)
        for t in LONG[:5]:
            await reader.extract(t)
        await asyncio.sleep(0.3)
        helping = reader.helping or bool(_children())
        await reader.aclose()
        return helping

    assert asyncio.run(go()) is False


@pytest.mark.usefixtures("eager")
def test_no_helper_outlives_its_cycle() -> None:
    async def go() -> set[int]:
        reader = Reader(helper=True)
        assert await _helping(reader)
        during = _children()
        await reader.aclose()
        return during

    during = asyncio.run(go())
    assert len(during) == 1
    assert _children() == set()


def test_a_big_cycle_reads_its_pages_with_the_helper_and_finds_what_one_process_finds(
    tmp_path: Path, server: FixtureServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(helper, "HELP_AFTER", 1)
    monkeypatch.setattr(helper, "HELP_FROM", 9)  # nine sources: a cycle just big enough
    monkeypatch.setattr(helper, "SHORT", 0)
    names = {3: "aanzienlijk", 4: "substantieel"}

    def page(level: int) -> str:
        return (f"<html><head><title>Dreigingsniveau</title></head><body><nav>Home | Kritiek nieuws</nav><main>"
                f"<h1>Dreigingsniveau</h1><p>Het dreigingsniveau in Nederland is {level} ({names[level]}).</p>"
                "<p>De NCTV beoordeelt de dreiging meerdere keren per jaar.</p></main></body></html>")

    levels = {f"p{i}": 4 if i % 3 else 3 for i in range(9)}
    server.set("/p0", page(levels["p0"]))  # read here at once: the helper starts while the others are on the way
    for i in range(1, 9):
        server.set(f"/p{i}", Reply(body=page(levels[f"p{i}"]), delay=3.0))
    sources = "".join(f'[[source]]\nid = "{s}"\nkind = "page"\nurl = "{server.url("/" + s)}"\n' for s in levels)
    monitor = '[monitor]\nhost_min_gap = "0s"\nhost_concurrency = 10\nmax_concurrency = 10\n'
    h = Harness(tmp_path, sources, '[[channel]]\nname = "c"\nurl = "log://"\n', monitor)
    with caplog.at_level(logging.DEBUG, logger="dtn_monitor.extract"):
        report = h.check()
    assert {o.source_id: [r.level for r in o.result.levels] for o in report.outcomes if o.result} == {
        s: [level] for s, level in levels.items()}
    read = [r.getMessage() for r in caplog.records if "the helper process read" in r.getMessage()]
    assert len(read) == 1 and read[0].endswith(" of 9 texts")
    assert int(read[0].split()[4]) >= 4  # the answers arrive together: four go to the helper, the rest stay here
    assert _children() == set()


# a scripted helper (a real process) that says it is ready with this code, then answers as told
FAKE = """
# a scripted monitor.extract.helper (the words let _children() see it)
import json, sys, time
if sys.argv[2] == "hang":
    time.sleep(60)
sys.stdout.write(json.dumps({"ready": sys.argv[1]}) + "\\n"); sys.stdout.flush()
for line in sys.stdin:
    job = json.loads(line)
    answer = {"error": {"id": job["id"], "error": "ValueError: no"}, "garbage": "<html>oops",
              "shape": {"id": job["id"], "result": {"levels": 4}}}[sys.argv[2]]
    sys.stdout.write((answer if isinstance(answer, str) else json.dumps(answer)) + "\\n"); sys.stdout.flush()
"""


def _fake(monkeypatch: pytest.MonkeyPatch, how: str, ready: str | None = None) -> None:
    fingerprint = ready or helper.code_fingerprint()
    monkeypatch.setattr(helper, "_command", lambda: [sys.executable, "-c", FAKE, fingerprint, how])


def _read_with(texts: list[str]) -> tuple[list[dict[str, object]], int, bool]:
    async def go() -> tuple[list[dict[str, object]], int, bool]:
        reader = Reader(helper=True)
        try:
            started = await _helping(reader, timeout=10.0)
            found = [(await reader.extract(t)).as_dict() for t in texts]
            return found, reader.read_by_helper, started
        finally:
            await reader.aclose()

    return asyncio.run(go())


@pytest.mark.usefixtures("eager")
def test_a_text_the_helper_fails_on_is_read_here_and_the_helper_kept(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _fake(monkeypatch, "error")
    with caplog.at_level(logging.WARNING, logger="dtn_monitor.extract"):
        found, by_helper, started = _read_with(TEXTS[:5])
    assert started
    assert found == [extract(t).as_dict() for t in TEXTS[:5]]
    assert by_helper == 0
    assert not [r for r in caplog.records if "stopped" in r.getMessage()]


@pytest.mark.parametrize("how", ["garbage", "shape"])
@pytest.mark.usefixtures("eager")
def test_a_helper_that_answers_nonsense_is_dropped_once_and_nothing_is_lost(
    how: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _fake(monkeypatch, how)
    with caplog.at_level(logging.WARNING, logger="dtn_monitor.extract"):
        found, by_helper, started = _read_with(TEXTS[:5])
    assert started
    assert found == [extract(t).as_dict() for t in TEXTS[:5]]
    assert by_helper == 0
    assert len([r for r in caplog.records if "helper process stopped" in r.getMessage()]) == 1
    assert _children() == set()


@pytest.mark.usefixtures("eager")
def test_a_helper_with_other_code_is_not_used(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """An upgrade in place under a running daemon: the helper would read with the new extractor, this process
    with the old one; the fingerprints differ and the texts are read here."""
    _fake(monkeypatch, "garbage", ready="0" * 64)
    with caplog.at_level(logging.WARNING, logger="dtn_monitor.extract"):
        found, by_helper, started = _read_with(TEXTS[:3])
    assert not started
    assert found == [extract(t).as_dict() for t in TEXTS[:3]]
    assert by_helper == 0
    assert [r.getMessage() for r in caplog.records if "could not start" in r.getMessage()] == [
        "the extractor's helper process could not start (it runs other code than this process (was dtn-monitor "
        "upgraded meanwhile?)); every text is read here"]
    assert _children() == set()


@pytest.mark.usefixtures("eager")
def test_a_closed_reader_starts_no_helper() -> None:
    async def go() -> tuple[bool, set[int]]:
        reader = Reader(helper=True)
        await reader.aclose()
        for t in TEXTS[:3]:
            await reader.extract(t)
        await asyncio.sleep(0.5)
        return reader.helping, _children()

    assert asyncio.run(go()) == (False, set())


def test_a_cycle_whose_check_fails_ends_every_check_and_leaves_no_helper(
    tmp_path: Path, server: FixtureServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import monitor.cycle as cycle

    monkeypatch.setattr(helper, "HELP_AFTER", 1)
    monkeypatch.setattr(helper, "HELP_FROM", 1)
    monkeypatch.setattr(helper, "SHORT", 0)
    real = cycle._check
    finished: list[str] = []

    async def failing(runtime, source, dry_run, reader):  # type: ignore[no-untyped-def]
        if source.id in ("bad", "worse"):
            raise RuntimeError(f"a defect in one check ({source.id})")
        outcome = await real(runtime, source, dry_run, reader)
        finished.append(source.id)
        return outcome

    monkeypatch.setattr(cycle, "_check", failing)
    body = "<html><body><main><p>Het dreigingsniveau in Nederland is 4 (substantieel).</p></main></body></html>"
    server.set("/first", body)
    for i in range(4):
        server.set(f"/late{i}", Reply(body=body, delay=1.5))
    ids = ["first", "bad", "worse", *(f"late{i}" for i in range(4))]
    sources = "".join(f'[[source]]\nid = "{s}"\nkind = "page"\nurl = "{server.url("/" + s)}"\n' for s in ids)
    monitor = '[monitor]\nhost_min_gap = "0s"\nhost_concurrency = 10\nmax_concurrency = 10\n'
    h = Harness(tmp_path, sources, '[[channel]]\nname = "c"\nurl = "log://"\n', monitor)
    with pytest.raises(RuntimeError, match=r"a defect in one check \(bad\)"):
        h.check()
    assert sorted(finished) == sorted(i for i in ids if i not in ("bad", "worse"))  # they ended before the error
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        "1 more check(s) of this cycle failed with an internal error; the first of them: "
        "RuntimeError: a defect in one check (worse)"]
    time.sleep(0.5)
    assert _children() == set()


@pytest.mark.usefixtures("eager")
def test_a_helper_that_never_gets_ready_is_killed_with_its_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    """It missed its start time and is being stopped when the cycle ends: it must not live on."""
    _fake(monkeypatch, "hang")
    monkeypatch.setattr(helper, "START_TIMEOUT", 0.3)

    async def go() -> tuple[set[int], list[dict[str, object]]]:
        reader = Reader(helper=True)
        found = [(await reader.extract(t)).as_dict() for t in TEXTS[:3]]
        await asyncio.sleep(1.0)  # the start has timed out; the helper is being stopped
        await reader.aclose()
        return _children(), found

    children, found = asyncio.run(go())
    assert children == set()
    assert found == [extract(t).as_dict() for t in TEXTS[:3]]


@pytest.mark.usefixtures("eager")
def test_a_process_that_cannot_tell_its_code_starts_no_helper(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(helper, "code_fingerprint", lambda: None)  # imported from a zip, or bytecode only
    with caplog.at_level(logging.WARNING, logger="dtn_monitor.extract"):
        found, by_helper, started = _read_with(TEXTS[:2])
    assert (started, by_helper) == (False, 0)
    assert found == [extract(t).as_dict() for t in TEXTS[:2]]
    assert any("cannot tell which code" in r.getMessage() for r in caplog.records)
    assert _children() == set()


def test_the_fingerprint_is_taken_when_the_extractor_loads_and_names_this_code() -> None:
    """An upgrade after that (under a running daemon) cannot make a helper look like this process."""
    from monitor.extract.fingerprint import code_fingerprint

    code = ("import sys; from monitor.extract import fingerprint, document; "
            "print(fingerprint.code_fingerprint.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"  # loading the stages took it
    assert code_fingerprint() is not None and len(code_fingerprint() or "") == 64
