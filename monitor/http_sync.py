"""asyncio's own lock and event for httpcore's connection pool, in place of anyio's.

Under asyncio, httpcore takes a lock per connection and an event per request from anyio. Loading
anyio's asyncio layer for them costs 20–30 ms at every start of `dtn-monitor check`, before the
first request, and the primitives cost CPU on every request (about a tenth of a cycle of 100
unchanged pages, in a sampling profile). httpcore has no setting for them, so `install()` rebinds
the names its async modules use to the equivalents below: only where a name is still httpcore's
own class, the layout this was written for. Anything else is left as it is (correct, slower).

anyio's shielded cancel scope guards against anyio's own scope cancellation only. This program
cancels natively (`asyncio.timeout`), which that scope lets through, so its stand-in does nothing.
"""

from __future__ import annotations

import asyncio
import importlib
from types import TracebackType

import httpcore
from httpcore import _synchronization as _httpcore_sync

# the async modules of httpcore 1.x and the names each takes from httpcore._synchronization (HTTP/2 stays as it is)
_USERS = {
    "httpcore._async.connection": ("AsyncLock",),
    "httpcore._async.http11": ("AsyncLock", "AsyncShieldCancellation"),
    "httpcore._async.connection_pool": ("AsyncEvent", "AsyncShieldCancellation"),
    "httpcore._async.http_proxy": ("AsyncLock",),
    "httpcore._async.socks_proxy": ("AsyncLock",),
}


class AsyncLock:
    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    def setup(self) -> None:
        """(httpcore's lock picks its library here; this one has nothing to pick)"""

    async def __aenter__(self) -> AsyncLock:
        await self._lock.acquire()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None = None, exc: BaseException | None = None, tb: TracebackType | None = None
    ) -> None:
        self._lock.release()


class AsyncEvent:
    def __init__(self) -> None:
        self._event = asyncio.Event()

    def setup(self) -> None:
        """(as AsyncLock.setup)"""

    def set(self) -> None:
        self._event.set()

    async def wait(self, timeout: float | None = None) -> None:
        """Wait until set; no connection within `timeout` is httpcore's PoolTimeout, as with anyio.

        A connection handed over in the same loop turn as the deadline is taken, as anyio does: asyncio's timeout
        would cancel the finished wait, and the pool would keep that connection, never opened, as active for good."""
        try:
            async with asyncio.timeout(timeout):
                await self._event.wait()
        except TimeoutError:
            if self._event.is_set():
                return
            raise httpcore.PoolTimeout(f"no connection from the pool within {timeout}s") from None


class AsyncShieldCancellation:
    def __enter__(self) -> AsyncShieldCancellation:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None = None, exc: BaseException | None = None, tb: TracebackType | None = None
    ) -> None:
        return None


_OURS = {"AsyncLock": AsyncLock, "AsyncEvent": AsyncEvent, "AsyncShieldCancellation": AsyncShieldCancellation}


def install() -> list[str]:
    """Rebind httpcore's async primitives where they are still its own; the names rebound, as "module.Name"."""
    done = []
    for module_name, names in _USERS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in names:
            current = getattr(module, name, None)
            if current is _OURS[name]:
                done.append(f"{module_name}.{name}")
            elif current is not None and current is getattr(_httpcore_sync, name, None):
                setattr(module, name, _OURS[name])
                done.append(f"{module_name}.{name}")
    return done
