"""Adapters by the `kind` name used in sources.toml."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from monitor.sources.base import Source

_ADAPTERS: dict[str, type[Source]] = {}
S = TypeVar("S", bound="type[Source]")


def register(cls: S) -> S:
    """Class decorator: make an adapter available under its `kind`."""
    if cls.kind in _ADAPTERS:
        raise ValueError(f"source kind {cls.kind!r} registered twice")
    _ADAPTERS[cls.kind] = cls
    return cls


def get(kind: str) -> type[Source] | None:
    _load()
    return _ADAPTERS.get(kind)


def names() -> list[str]:
    _load()
    return sorted(_ADAPTERS)


def _load() -> None:
    import monitor.sources  # noqa: F401  (imports every adapter module)
