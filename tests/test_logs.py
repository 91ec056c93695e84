"""Log lines never carry a secret: the message, and the traceback that repeats the exception's text."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SCRIPT = """
import logging
from monitor.logs import setup_logging
setup_logging({fmt!r})
try:
    raise RuntimeError("could not post to https://hooks.example/xoxb-very-secret-123")
except RuntimeError as exc:
    logging.getLogger("dtn_monitor.check").error("a check failed: %s", exc, exc_info=True)
    logging.getLogger("dtn_monitor.check").error("once more", exc_info=exc, stack_info=True)
"""


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_traceback_in_the_log_is_masked_like_the_message(fmt: str) -> None:
    env = {**os.environ, "SLACK_TOKEN": "xoxb-very-secret-123"}
    out = subprocess.run([sys.executable, "-c", SCRIPT.format(fmt=fmt)], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "xoxb-very-secret-123" not in out.stderr
    assert out.stderr.count("https://hooks.example/***") >= 3  # the message and both tracebacks
    assert "Traceback (most recent call last)" in out.stderr
    if fmt == "text":
        assert "Stack (most recent call last)" in out.stderr
    else:
        first, second = (json.loads(line) for line in out.stderr.splitlines())
        assert first["exception"].endswith("RuntimeError: could not post to https://hooks.example/***")
        assert second["message"] == "once more"
