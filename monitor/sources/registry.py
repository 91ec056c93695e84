"""Adapters by the `kind` name used in sources.toml.

An adapter's module is imported when its kind is first asked for: a configuration of `nctv` sources
never loads the feed, Tweede Kamer or Staatscourant adapters. `names()` loads them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from monitor.sources.base import Source

# kind → the module that registers it (tests/sources check that each module registers exactly its kind)
MODULES = {"nctv": "nctv", "page": "page", "feed": "feed", "tk-odata": "tk_odata", "ob-sru": "ob_sru"}
_ADAPTERS: dict[str, type[Source]] = {}
S = TypeVar("S", bound="type[Source]")


def register(cls: S) -> S:
    """Class decorator: make an adapter available under its `kind`."""
    if cls.kind in _ADAPTERS:
        raise ValueError(f"source kind {cls.kind!r} registered twice")
    _ADAPTERS[cls.kind] = cls
    return cls


def get(kind: str) -> type[Source] | None:
    if kind not in _ADAPTERS and kind in MODULES:
        importlib.import_module(f"monitor.sources.{MODULES[kind]}")
    return _ADAPTERS.get(kind)


def names() -> list[str]:
    for kind in MODULES:
        get(kind)
    return sorted(_ADAPTERS)
