"""Channels as a user configures them: DTN_NOTIFY_URLS names that do not move, refused and suspicious values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.config import ConfigError
from monitor.notify.channels import load_channels


def _validate(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    cfg = tmp_path / "sources.toml"
    cfg.write_text('[[source]]\nid = "n"\nkind = "nctv"\nurl = "https://www.nctv.nl/onderwerpen/d/dtn"\n', encoding="utf-8")
    full = {k: v for k, v in os.environ.items() if not k.startswith("DTN_")}
    full.update({"DTN_MONITOR_DB": str(tmp_path / "state.sqlite3"), **env})
    return subprocess.run([sys.executable, "-m", "monitor", "--config", str(cfg), "--notifiers", str(tmp_path / "none.toml"),
                           "validate"], cwd=tmp_path, capture_output=True, text=True, env=full, timeout=120)


def test_env_channel_names_come_from_service_and_host_and_survive_reordering(monkeypatch: pytest.MonkeyPatch,
                                                                             tmp_path: Path) -> None:
    monkeypatch.setenv("DTN_MONITOR_NOTIFIERS", str(tmp_path / "none.toml"))
    monkeypatch.setenv("DTN_NOTIFY_URLS", "json://hooks.security.nl/dtn, ntfy://ntfy.sh/dtn-alerts")
    first = [c.name for c in load_channels(check_secrets=False).channels]
    monkeypatch.setenv("DTN_NOTIFY_URLS", "ntfy://ntfy.sh/dtn-alerts,json://hooks.security.nl/dtn")
    second = [c.name for c in load_channels(check_secrets=False).channels]
    assert sorted(first) == sorted(second) == ["json-hooks.security.nl", "ntfy-ntfy.sh"]
    monkeypatch.setenv("DTN_NOTIFY_URLS", "ops=json://hooks.security.nl/dtn,security=ntfy://ntfy.sh/dtn-alerts")
    assert [c.name for c in load_channels(check_secrets=False).channels] == ["ops", "security"]


def test_a_literal_password_in_dtn_notify_urls_is_refused_with_the_way_out(tmp_path: Path) -> None:
    out = _validate(tmp_path, {"DTN_NOTIFY_URLS": "mailtos://alerts:hunter2pass@smtp.security.nl:587?to=a@security.nl"})
    assert out.returncode == 2
    assert "literal password" in out.stderr and "${SMTP_PASSWORD}" in out.stderr
    assert "hunter2pass" not in out.stderr + out.stdout


@pytest.mark.parametrize(("env", "warning"), [
    ({"DTN_NOTIFY_URLS": "json://hooks.example.org/dtn"}, "example domain"),
    ({"DTN_NOTIFY_URLS": "ntfy://ntfy.sh/${NTFY_TOPIC}", "NTFY_TOPIC": "change-me-please"}, "NTFY_TOPIC looks like a placeholder"),
    ({"DTN_NOTIFY_URLS": "ntfy://ntfy.sh/${NTFY_TOPIC}", "NTFY_TOPIC": "x"}, "NTFY_TOPIC looks like a placeholder"),
    ({"DTN_NOTIFY_URLS": "ntfy://ntfy.sh/changeme"}, "placeholder-like token"),
])
def test_placeholder_values_pass_but_are_warned_about(tmp_path: Path, env: dict[str, str], warning: str) -> None:
    out = _validate(tmp_path, env)
    assert out.returncode == 0, out.stderr
    assert warning in out.stderr and "configuration OK (1 warning(s))" in out.stdout


def test_a_real_looking_channel_gives_no_warning(tmp_path: Path) -> None:
    out = _validate(tmp_path, {"DTN_NOTIFY_URLS": "ntfy://ntfy.sh/${NTFY_TOPIC}", "NTFY_TOPIC": "dtn-7f3a9c2e41"})
    assert out.returncode == 0 and "warning" not in out.stderr and "configuration OK" in out.stdout


def test_a_missing_variable_names_the_channel_and_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DTN_MONITOR_NOTIFIERS", str(tmp_path / "none.toml"))
    monkeypatch.setenv("DTN_NOTIFY_URLS", "ntfy://ntfy.sh/${NTFY_TOPIC_MISSING}")
    with pytest.raises(ConfigError, match="NTFY_TOPIC_MISSING"):
        load_channels()


def test_a_url_apprise_cannot_use_is_a_configuration_error_for_validate_and_check(tmp_path: Path) -> None:
    env = {"DTN_NOTIFY_URLS": "ops=nosuchservice://hooks.security.nl/x"}
    out = _validate(tmp_path, env)
    assert out.returncode == 2 and "'ops'" in out.stderr and "apprise cannot use this URL" in out.stderr
    cfg = tmp_path / "sources.toml"
    cfg.write_text('[[source]]\nid = "n"\nkind = "nctv"\nurl = "http://127.0.0.1:9/dtn"\n', encoding="utf-8")
    full = {k: v for k, v in os.environ.items() if not k.startswith("DTN_")}
    full.update({"DTN_MONITOR_DB": str(tmp_path / "state.sqlite3"), **env})
    check = subprocess.run([sys.executable, "-m", "monitor", "--config", str(cfg), "--notifiers", str(tmp_path / "none.toml"),
                            "check"], cwd=tmp_path, capture_output=True, text=True, env=full, timeout=120)
    assert check.returncode == 2 and "apprise cannot use this URL" in check.stderr and "sent to" not in check.stdout


def test_apprise_is_asked_once_per_set_of_urls_even_when_two_configurations_take_turns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.notify import channels, sender

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    asked: list[dict[str, str]] = []
    real = sender.check_urls

    def counting(urls: dict[str, str]) -> dict[str, str]:  # the real child process, counted
        asked.append(urls)
        return real(urls)

    monkeypatch.setattr(sender, "check_urls", counting)
    test = (("ops", "json://127.0.0.1:8001/test"),)
    live = (("ops", "json://127.0.0.1:8002/live"), ("bad", "nosuchservice://x/y"))
    for urls in (test, live, test, live, test):
        channels._check_cached.cache_clear()  # a new process each time: only the file remembers
        assert set(channels._check_cached(urls)) == (set() if urls is test else {"bad"})
    assert [list(a) for a in asked] == [["ops"], ["ops", "bad"]]


def test_a_syntax_error_in_channels_toml_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "channels.toml"
    path.write_text('[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:9/a\n', encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_channels(path)
    [problem] = exc.value.problems
    assert problem.startswith(f"{path}: TOML syntax error") and "line 3" in problem
