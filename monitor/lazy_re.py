"""Regular expressions compiled on first use.

Some patterns (month names in every spelling, edition names) take milliseconds to compile;
compiled at import they would delay every `dtn-monitor check` before its first request, also
runs in which nothing is parsed (all pages unchanged).
"""

from __future__ import annotations

import re
from typing import Any, cast


class _Lazy:
    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    @property
    def pattern(self) -> str:
        return self._args[0]

    @property
    def flags(self) -> int:
        return int(self._args[1]) | re.UNICODE

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(*self._args)
        return getattr(compiled, name)


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Like re.compile, but compiled when first used (`.pattern` works before that too)."""
    return cast("re.Pattern[str]", _Lazy(pattern, flags))
