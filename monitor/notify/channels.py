"""Alert channels: named apprise URLs with tags, from notifiers/channels.toml or DTN_NOTIFY_URLS.

A channel's name is what its outbox rows point at, so it must not move: a channel from
DTN_NOTIFY_URLS is named by its service and host (`ntfys-ntfy.sh`, `mailtos-smtp.host.nl`) or by
a hash of the URL where the host is a token, or explicitly with `name=url`. Reordering the
variable never routes a pending alert to another service.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from monitor.config import DEFAULT_NOTIFIERS, ConfigError, _Locator
from monitor.notify.secrets import (
    PLACEHOLDER,
    literal_password,
    load_secrets,
    mask_url,
    placeholder_warnings,
    protect_channels,
)

EVENT_TAGS: dict[str, set[str]] = {
    "new_edition": {"docs", "edition"},
    "level_changed": {"level"},
    "level_unclear": {"ops"},
    "sources_disagree": {"ops"},
    "source_failing": {"ops"},
    "source_recovered": {"ops"},
    "source_degraded": {"ops"},
    "state_unwritable": {"ops"},
    "state_recovered": {"ops"},
    "test": {"test"},
}
ALL_TAGS = {"*", "level", "docs", "edition", "ops", "test"}
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")

__all__ = ["ALL_TAGS", "Channel", "Channels", "DeliveryPolicy", "load_channels", "load_secrets", "mask_url"]


@dataclass(frozen=True)
class Channel:
    name: str
    url_template: str
    tags: frozenset[str] = frozenset({"*"})
    language: str | None = None  # None: the [monitor] language
    enabled: bool = True

    def accepts(self, kind: str) -> bool:
        if kind == "test":
            return True
        return "*" in self.tags or bool(self.tags & EVENT_TAGS.get(kind, set()))

    def url(self, secrets: dict[str, str]) -> str:
        """The real URL, placeholders filled; raises KeyError naming a missing variable."""

        def fill(m: re.Match[str]) -> str:
            name = m.group(1)
            if name in secrets:
                return secrets[name]
            raise KeyError(name)

        return PLACEHOLDER.sub(fill, self.url_template)

    @property
    def masked(self) -> str:
        return mask_url(self.url_template)


@dataclass(frozen=True)
class DeliveryPolicy:
    retry_base: float = 30.0
    retry_max: float = 1800.0
    max_age: float = 48 * 3600.0
    lease: float = 180.0  # how long a claimed row is reserved for one send; must outlast SEND_TIMEOUT


@dataclass(frozen=True)
class Channels:
    channels: tuple[Channel, ...]
    policy: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    source: str = "default"
    warnings: tuple[str, ...] = ()

    def route(self, kind: str) -> list[str]:
        return [c.name for c in self.channels if c.enabled and c.accepts(kind)]

    def get(self, name: str) -> Channel | None:
        for c in self.channels:
            if c.name == name:
                return c
        return None


def env_channel_name(url: str) -> str:
    """A stable name for a DTN_NOTIFY_URLS entry: service and host, or service and a hash of the URL."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else "url"
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    digest = hashlib.sha256(url.encode()).hexdigest()[:8]
    readable = host and not PLACEHOLDER.search(host) and ("." in host or host == "localhost")
    return f"{scheme}-{host}" if readable else f"{scheme}-{digest}"


def _env_channels(value: str) -> tuple[list[Channel], list[str]]:
    channels: list[Channel] = []
    problems: list[str] = []
    for entry in (u for u in re.split(r"[\s,]+", value) if u):
        name, sep, url = entry.partition("=")
        if not sep or "://" in name:
            name, url = env_channel_name(entry), entry
        if not _NAME.match(name):
            problems.append(f"DTN_NOTIFY_URLS: {name!r} is not a channel name (letters, digits, '-', '_', '.')")
            continue
        if literal_password(url):
            problems.append(
                f"DTN_NOTIFY_URLS: channel {name!r}: the URL holds a literal password; write ${{SMTP_PASSWORD}} in the URL "
                "and set SMTP_PASSWORD in the environment or in DTN_MONITOR_SECRETS_FILE"
            )
            continue
        channels.append(Channel(name=name, url_template=url))
    taken = [c.name for c in channels]
    # two URLs of one service on one host (two ntfy topics): tell them apart by their hash
    return [Channel(f"{c.name}-{hashlib.sha256(c.url_template.encode()).hexdigest()[:8]}", c.url_template)
            if taken.count(c.name) > 1 else c for c in channels], problems


def load_channels(path: str | Path | None = None, *, check_secrets: bool = True) -> Channels:
    """Channels from the file (if present) plus DTN_NOTIFY_URLS; the console when there are none."""
    from monitor.notify.channel_file import parse_channels

    file_path = Path(path or os.environ.get("DTN_MONITOR_NOTIFIERS") or DEFAULT_NOTIFIERS)
    channels: list[Channel] = []
    policy = DeliveryPolicy()
    problems: list[str] = []
    source = "default"
    if file_path.exists():
        source = str(file_path)
        text = file_path.read_text(encoding="utf-8")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError([f"{file_path}: TOML syntax error: {exc}"]) from None
        channels, policy, problems = parse_channels(data, file_path, _Locator(text))
    env_urls = os.environ.get("DTN_NOTIFY_URLS", "").strip()
    if env_urls:
        source = f"{source} + DTN_NOTIFY_URLS" if source != "default" else "DTN_NOTIFY_URLS"
        extra, env_problems = _env_channels(env_urls)
        channels += extra
        problems += env_problems
    secrets = load_secrets()
    protect_channels(channels, secrets)
    warnings: list[str] = []
    if check_secrets:
        for c in channels:
            if not c.enabled:
                continue
            for var in PLACEHOLDER.findall(c.url_template):
                if var not in secrets:
                    problems.append(
                        f"{source}: channel {c.name!r} needs the environment variable {var} "
                        "(set it, or put it in DTN_MONITOR_SECRETS_FILE)"
                    )
            warnings += placeholder_warnings(c, secrets)
    if not problems:
        fillable = {}
        for c in channels:
            if c.enabled and not c.url_template.startswith("log://"):
                try:
                    fillable[c.name] = c.url(secrets)
                except KeyError:
                    pass
        for name, reason in _check_cached(tuple(sorted(fillable.items()))).items():
            problems.append(f"{source}: channel {name!r}: {reason}")
    names = [c.name for c in channels]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{source}: channel name {dup!r} is used twice")
    if problems:
        raise ConfigError(problems)
    if not channels:
        channels = [Channel(name="console", url_template="log://")]
    return Channels(tuple(channels), policy, source, tuple(warnings))


@functools.lru_cache(maxsize=64)
def _check_cached(urls: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """apprise's own verdict on each URL, asked once per set of URLs (see sender.check_urls)."""
    from monitor.notify.sender import check_urls

    return check_urls(dict(urls))
