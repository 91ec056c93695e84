"""Checks asked for in the state: an earlier request stands, a check carries out the requests before it,
and a request repeated after that is written again — whoever carried it out, and whatever was undone.

On a real SQLite file and a real PostgreSQL server (both engines must agree; SQLite's connection also
remembers what it asked for, and these are the cases where that memory must not be trusted)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.store import Store


@pytest.fixture
def store(state_db: Path | str) -> Iterator[Store]:
    opened = Store(state_db)
    yield opened
    opened.close()


def _due(store: Store) -> list[tuple[str, float]]:
    return store.rechecks_due(10_000.0)


def test_an_earlier_request_stands_and_an_earlier_one_still_moves_it_forward(store: Store) -> None:
    with store.transaction():
        store.request_rechecks(["a", "b"], 100.0)
    with store.transaction():
        store.request_rechecks(["a", "b"], 200.0)  # later: the request at 100 stands
        store.request_rechecks(["b"], 50.0)  # earlier: it moves b forward
    assert _due(store) == [("b", 50.0), ("a", 100.0)]


def test_a_request_repeated_after_our_own_check_carried_it_out_is_written_again(store: Store) -> None:
    with store.transaction():
        store.request_rechecks(["a", "b"], 100.0)
    with store.transaction():
        store.recheck_done("a", 150.0)
    assert _due(store) == [("b", 100.0)]
    with store.transaction():
        store.request_rechecks(["a", "b"], 200.0)
    assert _due(store) == [("b", 100.0), ("a", 200.0)]


def test_a_request_repeated_after_another_process_carried_it_out_is_written_again(
        store: Store, state_db: Path | str) -> None:
    other = Store(state_db)
    try:
        with store.transaction():
            store.request_rechecks(["a", "b"], 100.0)
        with other.transaction():  # a replica, or a `dtn-monitor check` beside the daemon, checks a
            other.recheck_done("a", 150.0)
        with store.transaction():
            store.request_rechecks(["a", "b"], 200.0)
        assert _due(store) == [("b", 100.0), ("a", 200.0)]
    finally:
        other.close()


def test_a_request_in_a_transaction_that_was_undone_is_written_when_asked_again(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.request_rechecks(["a"], 100.0)
        raise RuntimeError("the check's decision failed after asking")
    assert _due(store) == []
    with store.transaction():
        store.request_rechecks(["a"], 200.0)
    assert _due(store) == [("a", 200.0)]


def test_a_request_cleared_by_hand_is_written_when_asked_again(store: Store) -> None:
    with store.transaction():
        store.request_rechecks(["a"], 100.0)
    store.update_source("a", recheck_at=None)
    with store.transaction():
        store.request_rechecks(["a"], 200.0)
    assert _due(store) == [("a", 200.0)]
