"""What Slack, Teams (Power Automate workflows) and Discord receive.

These services cannot run on 127.0.0.1, so here — and only here — the HTTP call apprise makes
(requests.post) is replaced by a recorder; the message and apprise's own payload building
are real.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from monitor.notify import sender
from monitor.notify.messages import render
from monitor.store import EventRow

EVENT = EventRow(
    7, "level:4-3:2019-12-09", "level_changed", "2019-12-09T10:00:00+00:00",
    {"from_level": 4, "to_level": 3, "sources": ["nctv-dtn", "tk-odata"], "edition": "dtn-51",
     "evidence": "Het dreigingsniveau gaat van niveau 4 naar 3, op een schaal van 5. " * 3,
     "links": [{"source": "nctv-dtn", "url": "https://www.nctv.nl/onderwerpen/dtn/documenten/publicaties/2019/12/09/dtn-51"}]},
)


class Recorder:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def post(self, url: str, data: Any = None, headers: Any = None, **kw: Any) -> requests.Response:
        self.calls.append({"url": url, "data": data, "headers": headers})
        r = requests.Response()
        r.status_code = 200
        r._content = b"ok"
        return r

    def request(self, method: str, url: str, data: Any = None, headers: Any = None, **kw: Any) -> requests.Response:
        return self.post(url, data=data, headers=headers)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    rec = Recorder()
    monkeypatch.setattr(requests, "post", rec.post)
    monkeypatch.setattr(requests, "request", rec.request)
    return rec


async def send(url: str, language: str = "nl", events: list[EventRow] | None = None) -> tuple[bool, str | None]:
    """What deliver() does, with the sender's apprise call made in this process so requests can be recorded."""
    for message in render(events or [EVENT], lang=language, scheme=url.split("://")[0], channel="c"):
        answer = sender._send(url, message.title, message.body, message.body_format)
        if not answer["ok"]:
            return False, answer["error"]
    return True, None


def test_slack_payload(recorder: Recorder) -> None:
    import asyncio

    ok, err = asyncio.run(send("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#dtn-alerts"))
    assert ok, err
    [call] = recorder.calls
    assert call["url"].startswith("https://hooks.slack.com/services/")
    payload = json.loads(call["data"])
    text = json.dumps(payload, ensure_ascii=False)
    assert "Dreigingsniveau verlaagd: 4 → 3 (aanzienlijk)" in text
    assert "https://www.nctv.nl/onderwerpen/dtn/documenten/publicaties/2019/12/09/dtn-51" in text
    assert "Kenmerk: level:4-3:2019-12-09" in text
    assert payload.get("channel") == "#dtn-alerts"


def test_teams_workflow_payload_in_english(recorder: Recorder) -> None:
    import asyncio

    ok, err = asyncio.run(send("workflows://prod-01.westeurope.logic.azure.com/abc123def/sigXYZ", language="en"))
    assert ok, err
    [call] = recorder.calls
    assert "logic.azure.com" in call["url"]
    body = json.dumps(json.loads(call["data"]), ensure_ascii=False)
    assert "Threat level lowered: 4 → 3 (significant)" in body
    assert "an attack is conceivable" in body


def test_discord_message_fits_its_limit(recorder: Recorder) -> None:
    import asyncio

    many = [EventRow(i, f"edition:dtn-{i}", "new_edition", "2026-01-01T00:00:00+00:00",
                     {"edition": f"DTN {i}", "title": "Dreigingsbeeld " * 40, "links": [], "evidence": "x" * 400})
            for i in range(20)]
    ok, err = asyncio.run(send("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", events=many))
    assert ok, err
    for call in recorder.calls:
        payload = json.loads(call["data"])
        assert len(payload.get("content", "")) <= 2000
