"""The PostgreSQL engine of the state: one database shared by every replica (psycopg 3).

Autocommit outside transactions; `BEGIN` (plus, for a diff, a transaction-scoped advisory lock
every replica takes) inside them; a lost connection is reopened at the next statement. Bounded
timeouts and keepalives, because the driver is synchronous: a server that stops answering must
fail a statement in seconds, not freeze the daemon. The password may stay a `${NAME}` placeholder
in the URL, filled from the environment or the secrets file, and is masked in every label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from monitor.store.db import DIFF_LOCK, Database, StateError

_PLACEHOLDER = re.compile(r"\?")


# The driver is synchronous: a server that stops answering must fail a statement within seconds, not hang the
# daemon until TCP gives up (minutes). The server, too, drops a cut-off replica's session (and so its locks) soon.
_CONNECTION_LIMITS: dict[str, Any] = {
    "connect_timeout": 5,
    "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3,
    "tcp_user_timeout": 15000,  # ms: unacknowledged data (a cut network) fails the connection
    "options": "-c statement_timeout=30s -c idle_in_transaction_session_timeout=60s "
               "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3",
}


class PostgresDatabase(Database):
    """A PostgreSQL database shared by every replica (psycopg 3, autocommit outside transactions)."""

    dialect = "postgres"

    def __init__(self, url: str):
        super().__init__(url)
        self.label = mask_dsn(url)
        self.conn: Any = None
        self._in_tx = False
        self._connect()

    def _connect(self) -> None:
        import psycopg
        from psycopg.rows import dict_row

        try:
            self.conn = psycopg.connect(
                self.target, autocommit=True, row_factory=dict_row, application_name=application_name(),
                **_CONNECTION_LIMITS,
            )
        except psycopg.Error as exc:
            raise StateError(f"cannot connect to {self.label}: {str(exc).strip()}") from exc

    def _ensure(self) -> None:
        if self.conn is None or self.conn.closed or self.conn.broken:
            self._connect()

    def _run(self, sql: str, params: Sequence[Any]) -> Any:
        statement = _PLACEHOLDER.sub("%s", sql)
        if self._in_tx:
            return self.conn.execute(statement, tuple(params))
        return self._fresh(lambda: self.conn.execute(statement, tuple(params)))

    def _fresh(self, call: Any) -> Any:
        """Outside a transaction, a connection the server dropped while we were idle (a restart, a failover, an
        idle timeout) is noticed only by the next statement: reconnect once and try again before failing."""
        self._ensure()
        try:
            return call()
        except Exception:
            if not (self.conn.closed or self.conn.broken):
                raise
            self._connect()
            return call()

    def _begin(self, lock: bool) -> None:
        self._fresh(lambda: self.conn.execute("BEGIN"))
        self._in_tx = True
        if lock:
            try:
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (DIFF_LOCK,))
            except Exception:  # e.g. statement_timeout while a cut-off replica still holds the lock
                self._rollback()
                raise

    def _commit(self) -> None:
        self._in_tx = False
        self.conn.execute("COMMIT")

    def _rollback(self) -> None:
        self._in_tx = False
        if not (self.conn.closed or self.conn.broken):
            try:
                self.conn.execute("ROLLBACK")
            except Exception:
                self.conn.close()  # a connection we cannot roll back is not used again

    @property
    def in_transaction(self) -> bool:
        return self._in_tx

    def close(self) -> None:
        if self.conn is not None and not self.conn.closed:
            self.conn.close()


def application_name() -> str:
    """How this replica shows in pg_stat_activity: 'dtn-monitor/<replica>' ($DTN_MONITOR_REPLICA or host:pid)."""
    import os
    import socket

    replica = os.environ.get("DTN_MONITOR_REPLICA") or f"{socket.gethostname()}:{os.getpid()}"
    return f"dtn-monitor/{replica}"[:63]


def mask_dsn(url: str) -> str:
    """postgresql://user:secret@host/db → postgresql://user:***@host/db (never log a password)."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def filled(url: str) -> str:
    names = _VARIABLE.findall(url)
    if not names:
        return url
    from monitor.notify.secrets import load_secrets

    secrets = load_secrets()
    missing = [n for n in names if n not in secrets]
    if missing:
        raise StateError(f"{mask_dsn(url)}: the environment variable {missing[0]} is not set (set it, or put it "
                         "in DTN_MONITOR_SECRETS_FILE)")
    from urllib.parse import quote

    return _VARIABLE.sub(lambda m: quote(secrets[m.group(1)], safe=""), url)
