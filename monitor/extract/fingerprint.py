"""Which code this process reads texts with: taken once, when it loads the extractor's stages.

The extractor's helper process (helper.py) is used only if its fingerprint is this process's: after an
upgrade in place under a running daemon, a helper would read with newer code than the cycle's own process.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path


@functools.cache
def code_fingerprint() -> str | None:
    """A hash of each module file's path, size and time under this `monitor` package; None when that
    cannot be told (a package imported from a zip, or shipped as bytecode only)."""
    package = Path(__file__).resolve().parents[1]
    files = []
    for folder, dirs, names in os.walk(package):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                stat = os.stat(path)
                files.append(f"{os.path.relpath(path, package)}|{stat.st_size}|{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(sorted(files)).encode()).hexdigest() if files else None
