"""Checks asked for in the state: an earlier request stands, a check carries out the requests before it,
and a request repeated after that is written again — whoever carried it out, and whatever was undone.

On a real SQLite file and a real PostgreSQL server (both engines must agree; SQLite's connection also
remembers what it asked for, and these are the cases where that memory must not be trusted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.store import Store


def _due(store: Store) -> list[tuple[str, float]]:
    return store.rechecks_due(10_000.0)


def test_an_earlier_request_stands_and_an_earlier_one_still_moves_it_forward(state_db: Path | str) -> None:
    store = Store(state_db)
    try:
        with store.transaction():
            store.request_rechecks(["a", "b"], 100.0)
        with store.transaction():
            store.request_rechecks(["a", "b"], 200.0)  # later: the request at 100 stands
            store.request_rechecks(["b"], 50.0)  # earlier: it moves b forward
        assert _due(store) == [("b", 50.0), ("a", 100.0)]
    finally:
        store.close()


def test_a_request_repeated_after_our_own_check_carried_it_out_is_written_again(state_db: Path | str) -> None:
    store = Store(state_db)
    try:
        with store.transaction():
            store.request_rechecks(["a", "b"], 100.0)
        with store.transaction():
            store.recheck_done("a", 150.0)
        assert _due(store) == [("b", 100.0)]
        with store.transaction():
            store.request_rechecks(["a", "b"], 200.0)
        assert _due(store) == [("b", 100.0), ("a", 200.0)]
    finally:
        store.close()


def test_a_request_repeated_after_another_process_carried_it_out_is_written_again(state_db: Path | str) -> None:
    ours, other = Store(state_db), Store(state_db)
    try:
        with ours.transaction():
            ours.request_rechecks(["a", "b"], 100.0)
        with other.transaction():  # a replica, or a `dtn-monitor check` beside the daemon, checks a
            other.recheck_done("a", 150.0)
        with ours.transaction():
            ours.request_rechecks(["a", "b"], 200.0)
        assert _due(ours) == [("b", 100.0), ("a", 200.0)]
    finally:
        ours.close()
        other.close()


def test_a_request_in_a_transaction_that_was_undone_is_written_when_asked_again(state_db: Path | str) -> None:
    store = Store(state_db)
    try:
        with pytest.raises(RuntimeError), store.transaction():
            store.request_rechecks(["a"], 100.0)
            raise RuntimeError("the check's decision failed after asking")
        assert _due(store) == []
        with store.transaction():
            store.request_rechecks(["a"], 200.0)
        assert _due(store) == [("a", 200.0)]
    finally:
        store.close()


def test_a_request_cleared_by_hand_is_written_when_asked_again(state_db: Path | str) -> None:
    store = Store(state_db)
    try:
        with store.transaction():
            store.request_rechecks(["a"], 100.0)
        store.update_source("a", recheck_at=None)
        with store.transaction():
            store.request_rechecks(["a"], 200.0)
        assert _due(store) == [("a", 200.0)]
    finally:
        store.close()
