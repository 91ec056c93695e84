"""The extractor against the five real seed texts and our own fixture cases (each a file + its answer)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from monitor.extract import extract

FIELDS = ("dtn", "level", "level_name", "change_from", "change_to", "published")
_SHARED = Path(__file__).resolve().parents[3] / "shared" / "seeds"
# the project's copy of shared/seeds is used where shared/ is not beside the checkout
SEEDS = Path(os.environ.get("DTN_SEEDS") or (_SHARED if _SHARED.exists() else Path(__file__).parent / "seeds"))
CASES = Path(__file__).parent / "cases"


def _seed_cases() -> list[tuple[str, dict[str, object]]]:
    expected = SEEDS / "expected.json"
    if not expected.exists():
        return []
    return [(c["file"], c["expected"]) for c in json.loads(expected.read_text(encoding="utf-8"))["cases"]]


def _own_cases() -> list[Path]:
    return sorted(CASES.glob("*.json"))


def test_all_five_seeds_are_read() -> None:
    assert len(_seed_cases()) == 5


@pytest.mark.parametrize(("name", "expected"), _seed_cases())
def test_seed_text_gives_the_expected_facts(name: str, expected: dict[str, object]) -> None:
    got = extract((SEEDS / name).read_text(encoding="utf-8")).as_dict()
    assert {k: got[k] for k in FIELDS} == {k: expected[k] for k in FIELDS}


@pytest.mark.parametrize("answer", _own_cases(), ids=lambda p: p.stem)
def test_fixture_case(answer: Path) -> None:
    text_file = next(p for p in (answer.with_suffix(".txt"), answer.with_suffix(".html")) if p.exists())
    expected = json.loads(answer.read_text(encoding="utf-8"))
    got = extract(text_file.read_text(encoding="utf-8")).as_dict()
    assert {k: got[k] for k in FIELDS} == expected


def test_there_are_many_cases() -> None:
    assert len(_own_cases()) >= 40


def test_output_has_exactly_the_contract_fields() -> None:
    got = extract("Het dreigingsniveau blijft 4 (substantieel).").as_dict()
    assert set(got) == {*FIELDS, "confidence", "evidence"}
    assert got["confidence"] == "high"
    assert "blijft 4" in got["evidence"]["level"]


def test_conflicting_statements_give_low_confidence_and_no_level() -> None:
    got = extract("Het dreigingsniveau is 4 (substantieel). Het dreigingsniveau is 2 (beperkt).").as_dict()
    assert got["level"] is None
    assert got["confidence"] == "low"
