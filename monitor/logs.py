"""Logging: one line per event, human-readable or JSON, with secrets masked on the way out."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from datetime import UTC, datetime

_SECRET_ENV = re.compile(r"(PASS|PASSWORD|TOKEN|SECRET|KEY|WEBHOOK|AUTH)", re.I)


class SecretFilter(logging.Filter):
    """Replace every known secret value (env vars that look secret, channel URLs) with ***."""

    def __init__(self, extra: list[str] | None = None):
        super().__init__()
        self.secrets: list[str] = []
        self.refresh(extra)

    def refresh(self, extra: list[str] | None = None) -> None:
        values = [v for k, v in os.environ.items() if _SECRET_ENV.search(k) and len(v) >= 4 and not k.startswith("DTN_MONITOR_LOG")]
        values += [v for v in (extra or []) if v and len(v) >= 4]
        self.secrets = sorted(set(values), key=len, reverse=True)

    def mask(self, text: str) -> str:
        for s in self.secrets:
            if s in text:
                text = text.replace(s, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            masked = self.mask(message)
            if masked != message:
                record.msg, record.args = masked, None
            # a traceback repeats the exception's text: it is written out masked too (formatters use exc_text)
            if record.exc_info and not record.exc_text:
                record.exc_text = _PLAIN.formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = self.mask(record.exc_text)
            if record.stack_info:
                record.stack_info = self.mask(record.stack_info)
        return True


_PLAIN = logging.Formatter()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info or record.exc_text:
            data["exception"] = record.exc_text or self.formatException(record.exc_info)  # type: ignore[arg-type]
        return json.dumps(data, ensure_ascii=False)


SECRET_FILTER = SecretFilter()
# loggers that may print URLs: apprise logs the full target URL at debug level, urllib3 the path
_URL_LOGGERS = ("apprise", "urllib3", "urllib3.connectionpool", "httpx", "httpcore", "dtn_monitor")


def protect(values: list[str]) -> None:
    """Mask these secret values (channel URLs, their placeholder values) in every log line."""
    SECRET_FILTER.refresh([*SECRET_FILTER.secrets, *values])
    for name in _URL_LOGGERS:
        logger = logging.getLogger(name)
        if SECRET_FILTER not in logger.filters:
            logger.addFilter(SECRET_FILTER)


def setup_logging(fmt: str | None = None, level: str | None = None) -> None:
    fmt = (fmt or os.environ.get("DTN_MONITOR_LOG_FORMAT") or "text").lower()
    level = (level or os.environ.get("DTN_MONITOR_LOG_LEVEL") or "INFO").upper()
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S"))
    SECRET_FILTER.refresh()
    handler.addFilter(SECRET_FILTER)
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "uvicorn.access", "apprise"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
