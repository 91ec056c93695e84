"""Source adapters, one module per kind of source, found by `registry.get(kind)`."""

from monitor.sources import feed, nctv, ob_sru, page, tk_odata  # noqa: F401  (registration)
from monitor.sources.base import Source, SourceContext
from monitor.sources.registry import get, names

__all__ = ["Source", "SourceContext", "get", "names"]
