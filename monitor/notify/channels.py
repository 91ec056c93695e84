"""Alert channels: named apprise URLs with tags, from notifiers/channels.toml or DTN_NOTIFY_URLS.

A channel's name is what its outbox rows point at, so it must not move: a channel from
DTN_NOTIFY_URLS is named by its service and host (`ntfys-ntfy.sh`, `mailtos-smtp.host.nl`) or by
a hash of the URL where the host is a token, or explicitly with `name=url`. Reordering the
variable never routes a pending alert to another service.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from monitor.config import DEFAULT_NOTIFIERS, ConfigError, parse_toml
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


def load_channels(path: str | Path | None = None, *, check_secrets: bool = True, verify_urls: bool = True) -> Channels:
    """Channels from the file (if present) plus DTN_NOTIFY_URLS; the console when there are none.

    `verify_urls=False` leaves apprise's verdict on the URLs to `verify_urls(channels)`, which a one-off
    check runs beside its fetches instead of before them."""
    from monitor.notify.channel_file import parse_channels

    file_path = Path(path or os.environ.get("DTN_MONITOR_NOTIFIERS") or DEFAULT_NOTIFIERS)
    channels: list[Channel] = []
    policy = DeliveryPolicy()
    problems: list[str] = []
    source = "default"
    if file_path.exists():
        source = str(file_path)
        text = file_path.read_text(encoding="utf-8")
        data, locator = parse_toml(text, file_path)
        channels, policy, problems = parse_channels(data, file_path, locator)
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
    if not problems and verify_urls:
        problems += _url_problems(channels, secrets, source)
    names = [c.name for c in channels]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{source}: channel name {dup!r} is used twice")
    if problems:
        raise ConfigError(problems)
    if not channels:
        channels = [Channel(name="console", url_template="log://")]
    return Channels(tuple(channels), policy, source, tuple(warnings))


def verify_urls(channels: Channels) -> None:
    """apprise's verdict on every channel URL; ConfigError naming each one it cannot use."""
    problems = _url_problems(list(channels.channels), load_secrets(), channels.source)
    if problems:
        raise ConfigError(problems)


def _url_problems(channels: list[Channel], secrets: dict[str, str], source: str) -> list[str]:
    fillable = {}
    for c in channels:
        if c.enabled and not c.url_template.startswith("log://"):
            try:
                fillable[c.name] = c.url(secrets)
            except KeyError:
                pass
    return [f"{source}: channel {name!r}: {reason}" for name, reason in _check_cached(tuple(sorted(fillable.items()))).items()]


@functools.lru_cache(maxsize=64)
def _check_cached(urls: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """apprise's own verdict on each URL (sender.check_urls, in a child process: importing apprise costs ~0.4 s).

    Asked once per set of URLs and apprise version, and remembered on disk for the last eight sets (only a hash
    of the URLs and the verdict are written, never a URL), so a `dtn-monitor check` does not pay for it every run."""
    from monitor.notify.sender import check_urls

    key = hashlib.sha256(json.dumps([list(urls), _apprise_version()]).encode()).hexdigest()
    cache = _verdict_file()
    remembered: dict[str, dict[str, str]] = {}
    if cache is not None:
        try:
            remembered = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            remembered = {}
        if isinstance(remembered.get(key), dict):
            return dict(remembered[key])
    verdict = check_urls(dict(urls))
    if cache is not None:
        # the last few sets are kept: two configurations used in turn (a test and a live one) both stay known
        kept = {k: v for k, v in remembered.items() if k != key and isinstance(v, dict)}
        kept = dict(list(kept.items())[-7:]) | {key: verdict}
        try:
            cache.write_text(json.dumps(kept), encoding="utf-8")
        except OSError:
            pass  # an unwritable state directory is reported where the state is opened
    return verdict


def _apprise_version() -> str:
    """Which apprise answers: its installed file and time (no import of apprise, no package metadata scan)."""
    from importlib.util import find_spec

    spec = find_spec("apprise")
    if spec is None or not spec.origin:
        return "?"
    try:
        return f"{spec.origin}:{os.stat(spec.origin).st_mtime_ns}"
    except OSError:
        return spec.origin


def _verdict_file() -> Path | None:
    """channel-check.json in the user's cache directory, else beside a SQLite state file (a container whose
    home is read-only keeps it in its state volume); None when neither can be written."""
    from monitor.config import state_target

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    candidates = [Path(base) / "dtn-monitor"]
    target = str(state_target())
    if "://" not in target:
        candidates.append(Path(target).parent)
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder / "channel-check.json"
    return None
