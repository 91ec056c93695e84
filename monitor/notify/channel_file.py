"""notifiers/channels.toml: the [delivery] policy and the [[channel]] list, checked key by key.

Every mistake names the file, the line and the key, like sources.toml.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from monitor.config import parse_duration
from monitor.locator import Locator
from monitor.notify.channels import ALL_TAGS, Channel, DeliveryPolicy
from monitor.notify.secrets import literal_password
from monitor.notify.sender import SEND_TIMEOUT

_CHANNEL_KEYS = {"name", "url", "tags", "language", "enabled"}
_POLICY_KEYS = ("retry_base", "retry_max", "max_age", "lease")
LEASE_MARGIN = 30.0


def parse_channels(data: dict[str, Any], path: Path, loc: Locator) -> tuple[list[Channel], DeliveryPolicy, list[str]]:
    problems: list[str] = []
    for key in data:
        if key not in ("channel", "delivery"):
            problems.append(f"{path}: unknown table {key!r}; expected [delivery] and [[channel]]")
    policy_raw = data.get("delivery", {})
    policy_kwargs: dict[str, float] = {}
    for key, value in policy_raw.items():
        if key not in _POLICY_KEYS:
            problems.append(f"{path}:{loc.line_of('delivery', key)}: [delivery] unknown key {key!r}")
            continue
        try:
            policy_kwargs[key] = parse_duration(value)
        except ValueError as exc:
            problems.append(f"{path}:{loc.line_of('delivery', key)}: [delivery] {key}: {exc}")
    channels: list[Channel] = []
    for i, raw in enumerate(data.get("channel", [])):

        def at(key: str | None, _i: int = i) -> str:
            return f"{path}:{loc.line_of('channel', key, _i)}"

        name = raw.get("name")
        label = f"[[channel]] {name!r}" if isinstance(name, str) else f"[[channel]] #{i + 1}"
        for key in raw:
            if key not in _CHANNEL_KEYS:
                problems.append(f"{at(key)}: {label}: unknown key {key!r}; allowed: {', '.join(sorted(_CHANNEL_KEYS))}")
        if not isinstance(name, str) or not re.match(r"^[A-Za-z0-9_.-]+$", name):
            problems.append(f"{at('name')}: {label}: 'name' is required: letters, digits, '-', '_' or '.'")
            continue
        url = raw.get("url")
        if not isinstance(url, str) or "://" not in url:
            problems.append(f"{at('url')}: {label}: 'url' must be an apprise URL such as 'mailtos://…' or 'slack://…'")
            continue
        if literal_password(url):
            problems.append(
                f"{at('url')}: {label}: the URL holds a literal password; write ${{SMTP_PASSWORD}} and set it in the environment"
            )
        tags = raw.get("tags", ["*"])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            problems.append(f"{at('tags')}: {label}: tags must be a list of strings")
            tags = ["*"]
        unknown = [t for t in tags if t not in ALL_TAGS]
        if unknown:
            problems.append(f"{at('tags')}: {label}: unknown tag(s) {unknown}; use {sorted(ALL_TAGS)}")
        language = raw.get("language")
        if language is not None and language not in ("nl", "en"):
            problems.append(f"{at('language')}: {label}: language must be 'nl' or 'en' (default: [monitor] language)")
            language = None
        enabled = raw.get("enabled", True)
        if not isinstance(enabled, bool):
            problems.append(f"{at('enabled')}: {label}: enabled must be true or false")
            enabled = True
        channels.append(Channel(name, url, frozenset(tags), language, enabled))
    policy = DeliveryPolicy(**policy_kwargs)
    if policy.lease < SEND_TIMEOUT + LEASE_MARGIN:
        problems.append(
            f"{path}:{loc.line_of('delivery', 'lease')}: [delivery] lease must be at least {SEND_TIMEOUT + LEASE_MARGIN:g}s "
            f"(a send may take up to {SEND_TIMEOUT:g}s, and a lease must outlast it), got {policy.lease:g}s"
        )
    return channels, policy, problems
