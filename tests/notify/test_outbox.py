"""Alerts arrive once and are never lost: real SMTP (aiosmtpd) and a real webhook receiver on 127.0.0.1."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import Harness
from tests.support.fixture_server import FixtureServer, WebhookReceiver
from tests.support.pages import nctv_topic
from tests.support.smtp import PASSWORD, USER, SMTPServer

OLD = [("/p/2019/06/24/dreigingsbeeld-terrorisme-nederland-50", "Dreigingsbeeld Terrorisme Nederland 50")]
NEW = (f"/p/{date.today():%Y/%m/%d}/dreigingsbeeld-terrorisme-nederland-61", "Dreigingsbeeld Terrorisme Nederland 61")


def source(server: FixtureServer) -> str:
    return f"""
        [[source]]
        id = "nctv-dtn"
        kind = "nctv"
        url = "{server.url('/dtn')}"
        authoritative = true
        """


def publish_new_edition(server: FixtureServer, *, change: bool = True) -> None:
    """DTN 61 appears; with `change` it lowers the level 4 → 3 (two events), else one event."""
    text = "Het dreigingsniveau gaat van niveau 4 naar 3." if change else "Het dreigingsniveau blijft 4."
    server.set(NEW[0], f"<html><body><main><p>{text}</p></main></body></html>")
    server.set("/dtn", nctv_topic(3 if change else 4, [*OLD, NEW]))


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SMTPServer]:
    s = SMTPServer(tmp_path, "plain").start()
    yield s
    s.stop()


def test_alert_reaches_email_and_webhook(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver, smtp: SMTPServer) -> None:
    server.set("/dtn", nctv_topic(4, OLD))
    h = Harness(tmp_path, source(server), f"""
        [[channel]]
        name = "mail"
        url = "{smtp.apprise_url()}"
        tags = ["level", "docs"]
        [[channel]]
        name = "hook"
        url = "json://127.0.0.1:{webhook.port}/a"
        language = "en"
        """)
    h.check()
    publish_new_edition(server)
    h.check()
    assert len(smtp.inbox.messages) == 1
    mail = smtp.inbox.messages[0]
    assert mail["Subject"].startswith("Dreigingsniveau verlaagd: 4 → 3 (aanzienlijk)")
    html_part = next(p for p in mail.walk() if p.get_content_type() == "text/html")
    html = html_part.get_payload(decode=True).decode()
    assert "<a href=" in html and NEW[0] in html and "Kenmerk: level:4-3:" in html
    assert len(webhook.bodies) == 1
    hook = json.loads(webhook.bodies[0])
    assert hook["title"].startswith("Threat level lowered: 4 → 3 (significant)")
    assert "New Terrorist Threat Assessment Netherlands: DTN 61" in hook["message"]
    # nothing more, however often we look
    h.check()
    h.dispatch(time.time() + 10_000)
    assert len(smtp.inbox.messages) == 1 and len(webhook.bodies) == 1


@pytest.mark.parametrize("mode", ["starttls", "smtps"])
def test_email_over_starttls_and_smtps_with_password_from_env(
    tmp_path: Path, server: FixtureServer, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    smtp = SMTPServer(tmp_path, mode).start()
    try:
        monkeypatch.setenv("SMTP_USER", USER)
        monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
        server.set("/dtn", nctv_topic(4, OLD))
        h = Harness(tmp_path, source(server), f"""
            [[channel]]
            name = "mail"
            url = "{smtp.apprise_url()}"
            """)
        h.check()
        publish_new_edition(server)
        h.check()
        assert len(smtp.inbox.messages) == 1
        out = h.store().deliveries()
        assert [d.status for d in out] == ["sent", "sent"]  # two events, one digest message
    finally:
        smtp.stop()


def test_receiver_down_then_up_gets_the_alert_exactly_once(
    tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver
) -> None:
    server.set("/dtn", nctv_topic(4, OLD))
    h = Harness(tmp_path, source(server), f"""
        [delivery]
        retry_base = "10s"
        retry_max = "1m"
        max_age = "1d"
        [[channel]]
        name = "hook"
        url = "json://127.0.0.1:{webhook.port}/a"
        """)
    h.check()
    webhook.fail_with = 500
    publish_new_edition(server, change=False)
    h.check()
    assert webhook.bodies == [] and webhook.count(status=500) == 1
    [row] = h.store().deliveries()
    assert row.status == "failed" and row.attempts == 1 and row.last_error
    # not due yet: nothing is sent before the backoff has passed
    assert h.dispatch() == []
    clock = time.time()
    for _ in range(4):  # still failing, attempts keep backing off
        clock += 120
        h.dispatch(clock)
    attempts = h.store().deliveries()[0].attempts
    assert attempts == 5
    webhook.fail_with = None
    clock += 120
    h.dispatch(clock)
    assert len(webhook.bodies) == 1
    for _ in range(3):
        clock += 3600
        h.dispatch(clock)
        h.check()
    assert len(webhook.bodies) == 1
    assert [d.status for d in h.store().deliveries()] == ["sent"]


def test_one_failing_channel_never_repeats_another(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    broken = WebhookReceiver().start()
    broken.fail_with = 503
    try:
        server.set("/dtn", nctv_topic(4, OLD))
        h = Harness(tmp_path, source(server), f"""
            [[channel]]
            name = "good"
            url = "json://127.0.0.1:{webhook.port}/a"
            [[channel]]
            name = "bad"
            url = "json://127.0.0.1:{broken.port}/a"
            """)
        h.check()
        publish_new_edition(server)
        h.check()
        clock = time.time()
        for _ in range(5):
            clock += 3600
            h.dispatch(clock)
        assert len(webhook.bodies) == 1
        statuses = {d.channel: d.status for d in h.store().deliveries()}
        assert statuses == {"good": "sent", "bad": "failed"}
    finally:
        broken.stop()


def test_too_old_becomes_dead_is_shown_and_can_be_retried(tmp_path: Path, server: FixtureServer, webhook: WebhookReceiver) -> None:
    server.set("/dtn", nctv_topic(4, OLD))
    h = Harness(tmp_path, source(server), f"""
        [delivery]
        max_age = "1h"
        [[channel]]
        name = "hook"
        url = "json://127.0.0.1:{webhook.port}/a"
        """)
    h.check()
    webhook.fail_with = 500
    publish_new_edition(server, change=False)
    h.check()
    h.dispatch(time.time() + 7200)
    [row] = h.store().deliveries()
    assert row.status == "dead"
    from monitor.status import status

    assert status(h.store(), None)["outbox"]["dead"] == 1
    webhook.fail_with = None
    assert h.store().retry_dead(row.id) == 1
    h.dispatch()
    assert len(webhook.bodies) == 1
    assert h.store().deliveries()[0].status == "sent"


def test_secret_never_appears_in_errors_or_status(
    tmp_path: Path, server: FixtureServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Zx9-very-secret-token-4455"
    monkeypatch.setenv("HOOK_TOKEN", secret)
    server.set("/dtn", nctv_topic(4, OLD))
    h = Harness(tmp_path, source(server), """
        [[channel]]
        name = "hook"
        url = "json://127.0.0.1:9/${HOOK_TOKEN}"
        """)
    h.check()
    publish_new_edition(server, change=False)
    with caplog.at_level("DEBUG"):
        h.check()
    from monitor.status import status

    [row] = h.store().deliveries()
    assert row.status == "failed"
    assert secret not in (row.last_error or "")
    assert secret not in json.dumps(status(h.store(), None))
    assert secret not in caplog.text


def test_missing_secret_variable_is_a_config_error(tmp_path: Path, server: FixtureServer) -> None:
    from monitor.config import ConfigError

    h = Harness(tmp_path, source(server), """
        [[channel]]
        name = "slack"
        url = "slack://${SLACK_A}/${SLACK_B}/${SLACK_C}"
        """)
    with pytest.raises(ConfigError, match="needs the environment variable SLACK_A"):
        h.runtime()


def test_literal_password_in_channel_file_is_refused(tmp_path: Path, server: FixtureServer) -> None:
    from monitor.config import ConfigError

    h = Harness(tmp_path, source(server), """
        [[channel]]
        name = "mail"
        url = "mailtos://alerts:hunter2pass@smtp.example.org:587?to=a@example.org"
        """)
    with pytest.raises(ConfigError, match="literal password"):
        h.runtime()
