"""A real PostgreSQL server for the tests, on 127.0.0.1 only (Debian's `postgresql` package: initdb, pg_ctl).

One server per test session, one fresh database per test. PostgreSQL refuses to run as root:
under root the server runs as the `postgres` system user (the package creates it). The tests
can restart it (a database restart under running daemons) and cut one client's connections.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

_BIN_GLOBS = ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/usr/pgsql-*/bin")


def pg_bin() -> Path | None:
    """The directory holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    for pattern in _BIN_GLOBS:
        for candidate in sorted(glob.glob(pattern), reverse=True):
            if (Path(candidate) / "initdb").exists():
                return Path(candidate)
    return None


def postgres_missing() -> str | None:
    """Why a real PostgreSQL server cannot run here, or None when it can."""
    if pg_bin() is None:
        return "PostgreSQL is not installed (apt-get install postgresql; .ci/run installs it)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a 'postgres' user to run the server as"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    def __init__(self) -> None:
        binary = pg_bin()
        if binary is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql; .ci/run does)")
        self.bin = binary
        self.port = _free_port()
        self.base = Path(tempfile.mkdtemp(prefix="dtn-pg-"))
        self.data = self.base / "data"
        self.sockets = self.base / "run"
        self.sockets.mkdir()
        self.user: str | None = None
        if os.geteuid() == 0:
            self.user = "postgres"
            owner = pwd.getpwnam("postgres")
            os.chmod(self.base, 0o755)
            for path in (self.base, self.sockets):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self._names = itertools.count(1)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.bin / args[0]), *args[1:]], capture_output=True, text=True, check=check,
                              user=self.user, timeout=120, env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C"})

    def start(self) -> PostgresServer:
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-U", "dtn", "-A", "trust", "-E", "UTF8", "--no-locale")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.sockets} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.base / "server.log"), "-w", "-t", "60",
                  "start")
        return self

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def restart(self, down_for: float = 0.0) -> None:
        """Stop (dropping every connection), wait, start again on the same port."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        time.sleep(down_for)
        self.start()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://dtn@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)

    def new_database(self) -> str:
        name = f"dtn_test_{os.getpid()}_{next(self._names)}"
        self.admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def password_role(self, name: str, password: str, database: str) -> None:
        """A role that must give its password over TCP (scram-sha-256), owning `database`; other roles stay trusted."""
        escaped = password.replace("'", "''")
        self.admin(f"CREATE ROLE {name} LOGIN PASSWORD '{escaped}'")
        self.admin(f'ALTER DATABASE "{database}" OWNER TO {name}')
        self.admin(f'GRANT ALL ON SCHEMA public TO {name}')
        hba = self.data / "pg_hba.conf"  # rewritten in place: it keeps its owner
        hba.write_text(f"host all {name} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
        self._run("pg_ctl", "-D", str(self.data), "reload")
        time.sleep(0.5)  # the postmaster rereads pg_hba.conf on SIGHUP

    def cut(self, application_name: str) -> int:
        """Terminate every connection of one client (a network cut seen from the server); returns how many."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            rows = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                                (application_name,)).fetchall()
        return len(rows)

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


_SERVER: PostgresServer | None = None


def shared_server() -> PostgresServer:
    """The session's server, started on first use and stopped when the test process ends."""
    global _SERVER
    if _SERVER is None:
        _SERVER = PostgresServer().start()
        atexit.register(_SERVER.cleanup)
    return _SERVER
