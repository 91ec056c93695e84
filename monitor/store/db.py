"""One connection to the state database, SQLite or PostgreSQL, behind one small API.

The SQL is written once, in the subset both engines share (`?` placeholders, `ON CONFLICT`,
`RETURNING`); this module adapts the placeholders, returns rows as dicts, and turns every
driver error into a `StateError`, so callers never import a driver.

Transactions:
- SQLite: `BEGIN IMMEDIATE` takes the file's write lock at once, so two processes on one
  file (the daemon and a manual `dtn-monitor check`) never interleave a diff.
- PostgreSQL: `BEGIN`, and for a diff a transaction-scoped advisory lock that every replica
  takes, so diffs of several replicas run one after the other; a dead replica's lock goes
  with its connection. A lost connection is reopened at the next transaction.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Row = dict[str, Any]
DIFF_LOCK = 0x44544E  # 'DTN': the advisory lock every replica's diff transaction takes


class StateError(Exception):
    """The state database cannot be opened, migrated or written."""


class StateWriteError(StateError):
    """A statement failed (disk full, read-only file, lost connection): the transaction was rolled back."""


def is_postgres(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def _sqlite_row(cursor: sqlite3.Cursor, values: tuple[Any, ...]) -> Row:
    return {d[0]: v for d, v in zip(cursor.description, values, strict=True)}


class Database:
    """A connection with `execute`, `one`, `all`, `scalar` and `transaction`."""

    dialect = "sqlite"

    def __init__(self, target: str):
        self.target = target
        self.label = target
        self.rollbacks = 0  # transactions undone so far: what was remembered of their writes is void

    # -- overridden per engine ------------------------------------------------------------

    def _run(self, sql: str, params: Sequence[Any]) -> Any:
        raise NotImplementedError

    def _begin(self, lock: bool) -> None:
        raise NotImplementedError

    def _commit(self) -> None:
        raise NotImplementedError

    def _rollback(self) -> None:
        raise NotImplementedError

    @property
    def in_transaction(self) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # -- shared ---------------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; rows (if any) as dicts from the returned cursor."""
        try:
            return self._run(sql, params)
        except StateError:
            raise
        except Exception as exc:  # the drivers' own error trees
            if _is_driver_error(exc):
                raise StateWriteError(f"{self.label}: {exc}".strip()) from exc
            raise

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = self.execute(sql, params).fetchall()  # fetch all: a RETURNING statement completes only then
        return rows[0] if rows else None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self.execute(sql, params).fetchall())

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return next(iter(row.values())) if row else None

    def insert(self, sql: str, params: Sequence[Any] = ()) -> int | None:
        """An INSERT … RETURNING id; None when ON CONFLICT DO NOTHING skipped it."""
        row = self.one(sql + " RETURNING id", params)
        return int(row["id"]) if row else None

    @contextmanager
    def transaction(self, *, lock: bool = False) -> Iterator[Database]:
        """All or nothing. `lock`: serialise with every other writer's locked transactions. Not re-entrant."""
        try:
            self._begin(lock)
        except StateError:
            raise
        except Exception as exc:
            if _is_driver_error(exc):
                raise StateWriteError(f"{self.label}: {exc}") from exc
            raise
        try:
            yield self
        except BaseException:
            self.rollbacks += 1
            # SQLite rolls back by itself on some errors (SQLITE_FULL): keep the original error
            if self.in_transaction:
                with contextlib.suppress(Exception):
                    self._rollback()
            raise
        try:
            self._commit()
        except Exception as exc:
            self.rollbacks += 1
            if self.in_transaction:
                with contextlib.suppress(Exception):
                    self._rollback()
            if _is_driver_error(exc):
                raise StateWriteError(f"{self.label}: {exc}") from exc
            raise


class SQLiteDatabase(Database):
    """A file under state/ (WAL mode), or ':memory:'."""

    dialect = "sqlite"

    def __init__(self, path: str | Path, *, timeout: float = 30.0):
        super().__init__(str(path))
        self.path = Path(path)
        try:
            if str(self.path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = _sqlite_row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        except (OSError, sqlite3.Error) as exc:
            raise StateError(_open_hint(self.path, exc)) from exc

    def _run(self, sql: str, params: Sequence[Any]) -> Any:
        return self.conn.execute(sql, tuple(params))

    def _begin(self, lock: bool) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def _commit(self) -> None:
        self.conn.execute("COMMIT")

    def _rollback(self) -> None:
        self.conn.execute("ROLLBACK")

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def close(self) -> None:
        self.conn.close()


def _is_driver_error(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.Error):
        return True
    module = type(exc).__module__
    return module.startswith("psycopg")


def _open_hint(path: Path, exc: BaseException) -> str:
    """Why a state file cannot be opened, naming the directory's owner and the user we run as."""
    import os

    message = f"cannot open state database {path}: {exc}"
    directory = path.parent if str(path) != ":memory:" else None
    if directory is None:
        return message
    try:
        st = directory.stat()
    except OSError:
        return f"{message} (the directory {directory} does not exist and cannot be created)"
    if not os.access(directory, os.W_OK):
        return (
            f"{message}: the directory {directory} is owned by uid {st.st_uid} and not writable by uid {os.getuid()}; "
            f"fix with e.g. `chown -R {os.getuid()} {directory}` (in a container: a volume owned by the image's user)"
        )
    return message


def connect(target: str | Path) -> Database:
    """SQLite for a path (the embedded default), PostgreSQL for a postgresql:// URL.

    A URL may name its password as ${NAME}: it is filled from the environment or the secrets file
    (DTN_MONITOR_SECRETS_FILE) and never written into a log or an error."""
    text = str(target)
    if is_postgres(text):
        from monitor.store.postgres import PostgresDatabase, filled

        return PostgresDatabase(filled(text))
    return SQLiteDatabase(text)
