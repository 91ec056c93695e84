"""Alert channels: named apprise URLs with tags, from notifiers/channels.toml or the environment.

Secrets never live in the file: URLs carry `${ENV}` placeholders filled from the environment
or from a secrets file (DTN_MONITOR_SECRETS_FILE, KEY=VALUE lines). Everything shown to
people goes through `mask_url`.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from monitor.config import DEFAULT_NOTIFIERS, ConfigError, _Locator, parse_duration

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
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SECRET_QUERY_KEYS = {"pass", "password", "token", "key", "apikey", "api_key", "secret", "access_token", "webhook", "auth"}
_CHANNEL_KEYS = {"name", "url", "tags", "language", "enabled"}


@dataclass(frozen=True)
class Channel:
    name: str
    url_template: str
    tags: frozenset[str] = frozenset({"*"})
    language: str = "nl"
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

        return _PLACEHOLDER.sub(fill, self.url_template)

    @property
    def masked(self) -> str:
        return mask_url(self.url_template)


@dataclass(frozen=True)
class DeliveryPolicy:
    retry_base: float = 30.0
    retry_max: float = 1800.0
    max_age: float = 48 * 3600.0
    lease: float = 120.0


@dataclass(frozen=True)
class Channels:
    channels: tuple[Channel, ...]
    policy: DeliveryPolicy = field(default_factory=DeliveryPolicy)
    source: str = "default"

    def route(self, kind: str) -> list[str]:
        return [c.name for c in self.channels if c.enabled and c.accepts(kind)]

    def get(self, name: str) -> Channel | None:
        for c in self.channels:
            if c.name == name:
                return c
        return None


def mask_url(url: str) -> str:
    """'slack://T000/B000/XXXX' → 'slack://T***/B***/X***'; passwords and token-like parts hidden."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "***"
    netloc = parts.netloc
    if "@" in netloc:
        creds, host = netloc.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        netloc = f"{_mask_token(user)}:***@{host}" if ":" in creds else f"{_mask_token(user)}@{host}"
    elif parts.scheme not in ("http", "https", "mailto", "mailtos", "json", "jsons", "log", "ntfy", "ntfys"):
        netloc = _mask_token(netloc)
    path = "/".join(_mask_token(seg) for seg in parts.path.split("/"))
    query = "&".join(
        f"{k}={'***' if k.lower() in _SECRET_QUERY_KEYS else v}" for k, v in parse_qsl(parts.query, keep_blank_values=True)
    )
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def _mask_token(seg: str) -> str:
    if not seg or seg.startswith("${"):
        return seg
    if len(seg) >= 8 or any(ch.isdigit() for ch in seg):
        return seg[:1] + "***"
    return seg


def load_secrets() -> dict[str, str]:
    """Environment, plus KEY=VALUE lines of DTN_MONITOR_SECRETS_FILE (environment wins)."""
    secrets: dict[str, str] = {}
    path = os.environ.get("DTN_MONITOR_SECRETS_FILE")
    if path:
        try:
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                line = line.strip()
                if line and not line.startswith("#") and "=" in line:
                    k, v = line.split("=", 1)
                    secrets[k.strip()] = v.strip().strip("'\"")
        except OSError as exc:
            raise ConfigError([f"{path}: cannot read secrets file (DTN_MONITOR_SECRETS_FILE): {exc.strerror}"]) from None
    secrets.update(os.environ)
    return secrets


def load_channels(path: str | Path | None = None, *, check_secrets: bool = True) -> Channels:
    """Channels from the file (if present) plus DTN_NOTIFY_URLS; the console when there are none."""
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
        channels, policy, problems = _parse(data, file_path, _Locator(text))
    env_urls = os.environ.get("DTN_NOTIFY_URLS", "").strip()
    if env_urls:
        source = f"{source} + DTN_NOTIFY_URLS" if source != "default" else "DTN_NOTIFY_URLS"
        for i, url in enumerate(u for u in re.split(r"[\s,]+", env_urls) if u):
            channels.append(Channel(name=f"env-{i + 1}", url_template=url))
    secrets = load_secrets()
    _protect(channels, secrets)
    if check_secrets:
        for c in channels:
            if not c.enabled:
                continue
            for var in _PLACEHOLDER.findall(c.url_template):
                if var not in secrets:
                    problems.append(
                        f"{source}: channel {c.name!r} needs the environment variable {var} "
                        "(set it, or put it in DTN_MONITOR_SECRETS_FILE)"
                    )
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
    for dup in {n for n in names if names.count(n) > 1}:
        problems.append(f"{source}: channel name {dup!r} is used twice")
    if problems:
        raise ConfigError(problems)
    if not channels:
        channels = [Channel(name="console", url_template="log://")]
    return Channels(tuple(channels), policy, source)


def _protect(channels: list[Channel], secrets: dict[str, str]) -> None:
    """Every placeholder value and every filled URL becomes a value the log filter masks."""
    from monitor.logs import protect

    values: list[str] = []
    for c in channels:
        values += [secrets[v] for v in _PLACEHOLDER.findall(c.url_template) if v in secrets]
        try:
            values.append(c.url(secrets))
        except KeyError:
            pass
        parts = urlsplit(c.url_template)
        if parts.password and not _PLACEHOLDER.fullmatch(parts.password):
            values.append(parts.password)
        if not _PLACEHOLDER.search(c.url_template):
            # a literal URL (e.g. DTN_NOTIFY_URLS): its token-like path parts are secrets too
            values += [seg for seg in parts.path.split("/") if len(seg) >= 8]
            values += [parts.netloc] if parts.scheme not in ("http", "https", "json", "jsons", "log") else []
    protect([v for v in values if v and v != "log://"])


def _parse(data: dict[str, Any], path: Path, loc: _Locator) -> tuple[list[Channel], DeliveryPolicy, list[str]]:
    problems: list[str] = []
    for key in data:
        if key not in ("channel", "delivery"):
            problems.append(f"{path}: unknown table {key!r}; expected [delivery] and [[channel]]")
    policy_raw = data.get("delivery", {})
    policy_kwargs: dict[str, float] = {}
    for key, value in policy_raw.items():
        if key not in ("retry_base", "retry_max", "max_age", "lease"):
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
        try:
            password = urlsplit(url).password
        except ValueError:
            password = None
        if password and not _PLACEHOLDER.fullmatch(password):
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
        language = raw.get("language", "nl")
        if language not in ("nl", "en"):
            problems.append(f"{at('language')}: {label}: language must be 'nl' or 'en'")
        enabled = raw.get("enabled", True)
        if not isinstance(enabled, bool):
            problems.append(f"{at('enabled')}: {label}: enabled must be true or false")
            enabled = True
        channels.append(Channel(name, url, frozenset(tags), str(language), enabled))
    return channels, DeliveryPolicy(**policy_kwargs), problems


@functools.lru_cache(maxsize=64)
def _check_cached(urls: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """apprise's own verdict on each URL, asked once per set of URLs (in a child process, see sender)."""
    from monitor.notify.sender import check_urls

    return check_urls(dict(urls))
