"""Where a key is written in a TOML file: configuration messages say 'sources.toml:12', not only what is wrong."""

from __future__ import annotations

import re


class Locator:
    """Finds the line of a key in the raw TOML so messages can say 'line 12'."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def _table_start(self, header: str, index: int) -> int | None:
        seen = -1
        pattern = re.compile(rf"^\s*\[\[?\s*{re.escape(header)}\s*\]\]?\s*(#.*)?$")
        for i, line in enumerate(self.lines):
            if pattern.match(line):
                seen += 1
                if seen == index:
                    return i
        return None

    def line_of(self, header: str, key: str | None, index: int = 0) -> int | None:
        start = self._table_start(header, index)
        if start is None:
            return None
        if key is None:
            return start + 1
        key_re = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for i in range(start + 1, len(self.lines)):
            line = self.lines[i]
            if re.match(r"^\s*\[", line) and not re.match(rf"^\s*\[\s*{re.escape(header)}\.", line):
                break
            if key_re.match(line):
                return i + 1
        return start + 1
