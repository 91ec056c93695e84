"""Source adapters, one module per kind of source, found by `registry.get(kind)` (imported on first use)."""

from monitor.sources.base import Source, SourceContext
from monitor.sources.registry import get, names

__all__ = ["Source", "SourceContext", "get", "names"]
