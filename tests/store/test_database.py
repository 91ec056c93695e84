"""The state database on both engines: one schema, versioned; a PostgreSQL password never shown.

Run on a real SQLite file and on a real PostgreSQL server started on 127.0.0.1 (tests/conftest.py).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from monitor.store import StateError, Store
from monitor.store.db import connect
from monitor.store.schema import VERSION
from tests.support.postgres import shared_server


def _set_version(store: Store, version: int) -> None:
    if store.dialect == "sqlite":
        store.db.execute(f"PRAGMA user_version={version}")
    else:
        store.db.execute("UPDATE dtn_schema SET version = ?", (version,))


def test_an_older_database_is_upgraded_in_place_keeping_its_rows(state_db: Path | str) -> None:
    store = Store(state_db)
    store.update_source("nctv-dtn", observed_level=4, checks=7)
    with store.transaction():
        store.db.execute("ALTER TABLE sources DROP COLUMN recheck_at")  # as version 4 left it
        _set_version(store, 4)
    store.close()
    store = Store(state_db)
    try:
        row = store.source_row("nctv-dtn")
        assert (row["observed_level"], row["checks"], row["recheck_at"]) == (4, 7, None)
        store.request_rechecks(["nctv-dtn"], 100.0)
        assert store.rechecks_due(200.0) == [("nctv-dtn", 100.0)]
        assert store.integrity_ok()
    finally:
        store.close()


def test_a_newer_database_is_refused_and_left_alone(state_db: Path | str) -> None:
    store = Store(state_db)
    _set_version(store, VERSION + 1)
    store.close()
    with pytest.raises(StateError, match=f"newer than this dtn-monitor knows \\({VERSION}\\)"):
        Store(state_db)
    db = connect(state_db)  # the version is still the newer one: nothing was downgraded
    try:
        version = db.scalar("PRAGMA user_version") if db.dialect == "sqlite" else db.scalar(
            "SELECT MAX(version) AS v FROM dtn_schema")
        assert version == VERSION + 1
    finally:
        db.close()


def test_a_postgres_password_comes_from_the_environment_or_secrets_file_and_is_never_shown(
    state_backend: str, state_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    if state_backend != "postgres":
        pytest.skip("a password belongs to a PostgreSQL URL")
    pg = shared_server()
    database = state_db.rsplit("/", 1)[1]
    secret = "p@ss w/rd:1%'"  # every character a URL must escape
    pg.password_role(f"owner_{database}", secret, database)
    url = f"postgresql://owner_{database}:${{DTN_TEST_PGPASSWORD}}@127.0.0.1:{pg.port}/{database}"

    with pytest.raises(StateError) as missing:
        Store(url)
    assert "DTN_TEST_PGPASSWORD is not set" in str(missing.value)

    secrets = tmp_path / "secrets.env"
    secrets.write_text(f"DTN_TEST_PGPASSWORD={secret}\n", encoding="utf-8")
    monkeypatch.setenv("DTN_MONITOR_SECRETS_FILE", str(secrets))
    with caplog.at_level(logging.DEBUG):
        store = Store(url)  # the password really reaches the server: this role cannot log in without it
        try:
            assert store.writable()
            assert store.label == f"postgresql://owner_{database}:***@127.0.0.1:{pg.port}/{database}"
        finally:
            store.close()

    monkeypatch.delenv("DTN_MONITOR_SECRETS_FILE")
    monkeypatch.setenv("DTN_TEST_PGPASSWORD", "wrong-password-xyz")
    with pytest.raises(StateError) as refused:
        Store(url)
    assert "password authentication failed" in str(refused.value)
    for text in (str(missing.value), str(refused.value), caplog.text):
        assert secret not in text and "wrong-password-xyz" not in text and "p%40ss" not in text
