"""sources.toml: what to watch, validated before anything runs.

Every mistake is reported with the file, the line and the key, and how to fix it; unknown keys
are errors (a typo such as `intervall` must not silently fall back to a default). The daemon
refuses to start on any error rather than run half-configured.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tomli

from monitor.locator import Locator

DEFAULT_CONFIG = "sources.toml"
DEFAULT_DB = "state/dtn-monitor.sqlite3"
DEFAULT_NOTIFIERS = "notifiers/channels.toml"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class ConfigError(Exception):
    """One or more configuration mistakes; `problems` holds one message per mistake."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def parse_duration(value: Any) -> float:
    """'15m' → 900.0; plain numbers are seconds."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as '30s', '15m' or '1h'")
    if isinstance(value, int | float):
        return float(value)
    m = _DURATION.match(str(value))
    if not m:
        raise ValueError(f"{value!r} is not a duration; write e.g. '30s', '15m', '1h'")
    return float(m.group(1)) * _UNITS[m.group(2)]


@dataclass(frozen=True)
class SourceConfig:
    id: str
    kind: str
    url: str
    interval: float = 900.0
    jitter: float = 60.0
    timeout: float = 20.0
    enabled: bool = True
    authoritative: bool = False
    options: dict[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


@dataclass(frozen=True)
class MonitorSettings:
    failure_threshold: int = 3
    user_agent: str = "dtn-monitor/0.1 (+https://github.com/dtn-monitor/dtn-monitor; threat-level change monitor)"
    max_body_bytes: int = 5_000_000
    max_redirects: int = 5
    host_min_gap: float = 1.0
    host_concurrency: int = 1  # requests in flight to one host
    max_concurrency: int = 8
    alert_on_baseline: bool = False
    language: str = "nl"
    level_confirmations: int = 2
    detail_fetch_limit: int = 3
    lag_tolerance: float = 6 * 3600.0  # a source showing another level this long: one ops message
    recheck_after: float = 60.0  # a source that saw an unconfirmed change is checked again this soon


@dataclass(frozen=True)
class Config:
    path: Path
    settings: MonitorSettings
    sources: tuple[SourceConfig, ...]

    def source(self, source_id: str) -> SourceConfig:
        for s in self.sources:
            if s.id == source_id:
                return s
        known = ", ".join(s.id for s in self.sources) or "none"
        raise ConfigError([f"{self.path}: no source with id {source_id!r} (known: {known})"])

    @property
    def enabled_sources(self) -> tuple[SourceConfig, ...]:
        return tuple(s for s in self.sources if s.enabled)


_SOURCE_KEYS = {"id", "kind", "url", "interval", "jitter", "timeout", "enabled", "authoritative", "options"}
_SETTING_TYPES: dict[str, type | tuple[type, ...]] = {
    "failure_threshold": int,
    "user_agent": str,
    "max_body_bytes": int,
    "max_redirects": int,
    "host_min_gap": (str, int, float),
    "lag_tolerance": (str, int, float),
    "recheck_after": (str, int, float),
    "max_concurrency": int,
    "host_concurrency": int,
    "alert_on_baseline": bool,
    "language": str,
    "level_confirmations": int,
    "detail_fetch_limit": int,
}


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate sources.toml; raise ConfigError listing every problem found."""
    path = Path(path or os.environ.get("DTN_MONITOR_CONFIG") or DEFAULT_CONFIG)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            [f"{path}: file not found; copy the sources.toml from the repository or set DTN_MONITOR_CONFIG"]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot read: {exc}"]) from None
    data, locator = parse_toml(text, path)
    return parse_config(data, path, locator)


def parse_toml(text: str, path: Path) -> tuple[dict[str, Any], Locator]:
    """The data of a TOML file (sources.toml, channels.toml) and where its keys are written; a syntax error is a
    ConfigError naming the file, line and column. tomli is the one TOML decoder (see pyproject.toml)."""
    try:
        return tomli.loads(text), Locator(text)
    except tomli.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: TOML syntax error: {exc}"]) from None


def parse_config(data: dict[str, Any], path: Path, locator: Locator | None = None) -> Config:
    from monitor.sources import registry  # late import: adapters import config types

    loc = locator or Locator("")
    problems: list[str] = []

    def where(header: str, key: str | None, index: int = 0) -> str:
        line = loc.line_of(header, key, index)
        return f"{path}:{line}" if line else str(path)

    for key in data:
        if key not in ("monitor", "source"):
            problems.append(
                f"{where(key, None)}: unknown top-level table or key {key!r}; expected [monitor] and [[source]] tables"
            )

    settings_raw = data.get("monitor", {})
    settings_kwargs: dict[str, Any] = {}
    if not isinstance(settings_raw, dict):
        problems.append(f"{path}: 'monitor' must be a table: [monitor]")
        settings_raw = {}
    for key, value in settings_raw.items():
        expected = _SETTING_TYPES.get(key)
        if expected is None:
            problems.append(
                f"{where('monitor', key)}: [monitor] unknown key {key!r}; allowed: {', '.join(sorted(_SETTING_TYPES))}"
            )
            continue
        if key in ("host_min_gap", "lag_tolerance", "recheck_after"):
            try:
                settings_kwargs[key] = parse_duration(value)
            except ValueError as exc:
                problems.append(f"{where('monitor', key)}: [monitor] {key}: {exc}")
            continue
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            problems.append(f"{where('monitor', key)}: [monitor] {key} must be {_type_name(expected)}, got {value!r}")
            continue
        settings_kwargs[key] = value
    if settings_kwargs.get("language", "nl") not in ("nl", "en"):
        problems.append(f"{where('monitor', 'language')}: [monitor] language must be 'nl' or 'en'")
    for key in ("failure_threshold", "max_concurrency", "host_concurrency", "max_body_bytes", "level_confirmations"):
        if key in settings_kwargs and settings_kwargs[key] < 1:
            problems.append(f"{where('monitor', key)}: [monitor] {key} must be at least 1")
    settings = MonitorSettings(**settings_kwargs) if not problems else MonitorSettings()

    raw_sources = data.get("source", [])
    if not isinstance(raw_sources, list):
        problems.append(f"{path}: sources are written as [[source]] tables (an array of tables)")
        raw_sources = []
    sources: list[SourceConfig] = []
    seen_ids: set[str] = set()
    for index, raw in enumerate(raw_sources):
        label = f"[[source]] #{index + 1}"
        sid = raw.get("id") if isinstance(raw.get("id"), str) else None
        if sid:
            label = f"[[source]] {sid!r}"

        def at(key: str | None, _index: int = index) -> str:
            return where("source", key, _index)

        for key in raw:
            if key not in _SOURCE_KEYS:
                hint = _closest(key, _SOURCE_KEYS)
                problems.append(
                    f"{at(key)}: {label}: unknown key {key!r}"
                    + (f"; did you mean {hint!r}?" if hint else f"; allowed: {', '.join(sorted(_SOURCE_KEYS))}")
                )
        for key in ("id", "kind", "url"):
            if not isinstance(raw.get(key), str) or not raw.get(key):
                problems.append(f"{at(None)}: {label}: missing required key {key!r} (a string)")
        if sid is not None:
            if not _ID.match(sid):
                problems.append(f"{at('id')}: {label}: id must be lower-case letters, digits, '-', '_' or '.'")
            if sid in seen_ids:
                problems.append(f"{at('id')}: {label}: duplicate id {sid!r}; every source needs its own id")
            seen_ids.add(sid)
        kind = raw.get("kind")
        adapter = registry.get(kind) if isinstance(kind, str) else None
        if isinstance(kind, str) and adapter is None:
            problems.append(
                f"{at('kind')}: {label}: unknown kind {kind!r}; available: {', '.join(sorted(registry.names()))}"
            )
        url = raw.get("url")
        if isinstance(url, str):
            try:
                parts = urlsplit(url)
                host = parts.hostname
                usable = parts.scheme in ("http", "https") and bool(host) and parts.port != 0
            except ValueError:  # "http://[::1/", a port that is not a number
                usable = False
            if not usable:
                problems.append(f"{at('url')}: {label}: url must be an absolute http(s) URL, got {url!r}")
        durations: dict[str, float] = {}
        for key, default, minimum in (("interval", 900.0, 1.0), ("jitter", 60.0, 0.0), ("timeout", 20.0, 0.1)):
            if key in raw:
                try:
                    durations[key] = parse_duration(raw[key])
                    if durations[key] < minimum:
                        problems.append(f"{at(key)}: {label}: {key} must be at least {minimum:g}s")
                except ValueError as exc:
                    problems.append(f"{at(key)}: {label}: {key}: {exc}")
            else:
                durations[key] = default
        for key in ("enabled", "authoritative"):
            if key in raw and not isinstance(raw[key], bool):
                problems.append(f"{at(key)}: {label}: {key} must be true or false, got {raw[key]!r}")
        options = raw.get("options", {})
        if not isinstance(options, dict):
            problems.append(f"{at('options')}: {label}: options must be a table ([source.options])")
            options = {}
        if adapter is not None:
            for msg in adapter.validate_options(options):
                problems.append(f"{where('source.options', None, index) if options else at(None)}: {label}: {msg}")
        if problems:
            continue
        source = SourceConfig(
            id=str(raw["id"]),
            kind=str(raw["kind"]),
            url=str(raw["url"]),
            interval=durations["interval"],
            jitter=durations["jitter"],
            timeout=durations["timeout"],
            enabled=bool(raw.get("enabled", True)),
            authoritative=bool(raw.get("authoritative", adapter.authoritative_default if adapter else False)),
            options=dict(options),
        )
        source.__dict__["host"] = host or ""  # the cached `host`, from the split just made (not once more)
        sources.append(source)
    if problems:
        raise ConfigError(problems)
    return Config(path=path, settings=settings, sources=tuple(sources))


def _type_name(t: type | tuple[type, ...]) -> str:
    if isinstance(t, tuple):
        return " or ".join(x.__name__ for x in t)
    return {"int": "a whole number", "str": "a string", "bool": "true or false"}.get(t.__name__, t.__name__)


def _closest(word: str, choices: set[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.7)
    return found[0] if found else None


def state_target() -> str | Path:
    """$DTN_MONITOR_DB or the embedded default: a SQLite path, or a postgresql:// URL kept as written."""
    value = os.environ.get("DTN_MONITOR_DB") or DEFAULT_DB
    return value if "://" in value else Path(value)
