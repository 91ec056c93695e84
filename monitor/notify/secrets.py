"""Secrets: filled into channel URLs from the environment or a secrets file, and never shown.

URLs carry `${NAME}` placeholders; values come from the environment or from
DTN_MONITOR_SECRETS_FILE (KEY=VALUE lines; the environment wins). Everything shown to people
goes through `mask_url`, and every secret value is masked in every log line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from monitor.config import ConfigError
from monitor.lazy_re import lazy

if TYPE_CHECKING:
    from monitor.notify.channels import Channel

PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SECRET_QUERY_KEYS = {"pass", "password", "token", "key", "apikey", "api_key", "secret", "access_token", "webhook", "auth"}
_DUMMY_VALUE = lazy(r"^(?:change[-_ ]?me|changeme|replace[-_ ]?me|your[-_a-z]*|xxx+|todo|dummy|example|secret|password|"
                    r"test|placeholder|<[^>]*>)", re.I)
_DUMMY_HOST = lazy(r"(?:^|\.)(?:example\.(?:org|com|net)|example|localhost\.localdomain)$", re.I)


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


def _unquoted(value: str) -> str:
    """KEY="a b" or KEY='a b' as in an env file; a quote that only ends a value (p@ss') is part of it."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


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
                    secrets[k.strip()] = _unquoted(v.strip())
        except OSError as exc:
            raise ConfigError([f"{path}: cannot read secrets file (DTN_MONITOR_SECRETS_FILE): {exc.strerror}"]) from None
    secrets.update(os.environ)
    return secrets


def literal_password(url: str) -> bool:
    """Does this URL hold a password written out instead of a ${NAME} placeholder?"""
    try:
        password = urlsplit(url).password
    except ValueError:
        return False
    return bool(password) and not PLACEHOLDER.fullmatch(password or "")


def placeholder_warnings(channel: Channel, secrets: dict[str, str]) -> list[str]:
    """Values that look like a forgotten example: 'change-me…', one-character tokens, example.org hosts."""
    warnings = []
    for var in PLACEHOLDER.findall(channel.url_template):
        value = secrets.get(var)
        if value is None:
            continue
        if len(value) <= 1 or _DUMMY_VALUE.match(value):
            warnings.append(f"channel {channel.name!r}: {var} looks like a placeholder, not a real value")
    try:
        host = urlsplit(channel.url(secrets)).hostname or ""
    except (KeyError, ValueError):
        host = ""
    # tokens written into the URL itself ("slack://change-me/…", "ntfy://ntfy.sh/x", "?token=todo")
    written = urlsplit(PLACEHOLDER.sub("", channel.url_template))
    literal = [p for p in re.split(r"[/?&=:]+", f"{written.path}?{written.query}") if p]
    if any(_DUMMY_VALUE.fullmatch(p) or (len(p) == 1 and p.isalnum()) for p in literal):
        warnings.append(f"channel {channel.name!r}: its URL holds a placeholder-like token; fill in the real one")
    if host and _DUMMY_HOST.search(host):
        warnings.append(f"channel {channel.name!r}: the host {host} is an example domain; no alert will arrive there")
    return warnings


def protect_channels(channels: list[Channel], secrets: dict[str, str]) -> None:
    """Every placeholder value and every filled URL becomes a value the log filter masks."""
    from monitor.logs import protect

    values: list[str] = []
    for c in channels:
        values += [secrets[v] for v in PLACEHOLDER.findall(c.url_template) if v in secrets]
        try:
            values.append(c.url(secrets))
        except KeyError:
            pass
        parts = urlsplit(c.url_template)
        if parts.password and not PLACEHOLDER.fullmatch(parts.password):
            values.append(parts.password)
        if not PLACEHOLDER.search(c.url_template):
            # a literal URL (e.g. DTN_NOTIFY_URLS): its token-like path parts are secrets too
            values += [seg for seg in parts.path.split("/") if len(seg) >= 8]
            values += [parts.netloc] if parts.scheme not in ("http", "https", "json", "jsons", "log") else []
    protect([v for v in values if v and v != "log://"])
