"""kill -9 at random moments during checks and sends (a short loop; bench/faults.py runs 50).

After each kill the state passes SQLite's integrity check; at the end every published edition
was alerted, nothing is left undelivered, and repeats stay within the documented window (at
most one per kill: a message accepted just before the kill).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.faults import kill_loop


@pytest.mark.timeout(240)
def test_kill_loop_loses_nothing(tmp_path: Path) -> None:
    report = kill_loop(4, seed=11, workdir=tmp_path)
    assert report.integrity_failures == 0
    assert report.lost == []
    assert report.events == report.published == 4
    assert report.undelivered == 0
    assert report.duplicates <= report.kills
