"""Requests through a proxy the environment sets, or through a transport a caller gives: httpx carries them.

httpx routes HTTP_PROXY, HTTPS_PROXY and ALL_PROXY (CONNECT tunnels, SOCKS with socksio) and honours
NO_PROXY; that is too much to redo for a rare set-up, so this module, and httpx with it, is imported
only when a proxy is set. Its answers and errors take the shape of our own client's (http_client.py,
http_errors.py), so the fetcher reads both the same way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import httpx

from monitor.http_errors import ConnectFailed, DecodeFailed, HTTPProblem, ProtocolError, ProxyUnusable, TimedOut


@contextmanager
def _as_ours() -> Iterator[None]:
    try:
        yield
    except httpx.TimeoutException as exc:
        raise TimedOut(str(exc) or type(exc).__name__) from None
    except httpx.ProxyError as exc:
        raise ProxyUnusable(str(exc)) from None
    except httpx.ConnectError as exc:
        raise ConnectFailed(str(exc) or type(exc).__name__) from None
    except httpx.DecodingError as exc:
        raise DecodeFailed(str(exc)) from None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
        raise ProtocolError(str(exc) or type(exc).__name__) from None
    except httpx.HTTPError as exc:
        raise HTTPProblem(f"{type(exc).__name__}: {exc}") from None


class ProxiedResponse:
    """An httpx response with the face of http_client.StreamedResponse."""

    def __init__(self, response: httpx.Response):
        self._response = response
        self.url, self.status_code = str(response.url), response.status_code
        self.headers = {k.lower(): v for k, v in response.headers.items()}

    def get_list(self, name: str) -> list[str]:
        return self._response.headers.get_list(name)

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        with _as_ours():
            async for piece in self._response.aiter_bytes():
                yield piece

    async def aclose(self) -> None:
        await self._response.aclose()


class ProxiedSender:
    def __init__(self, *, max_concurrency: int, transport: httpx.AsyncBaseTransport | None = None):
        limits = httpx.Limits(max_connections=max_concurrency * 2, max_keepalive_connections=max_concurrency)
        try:
            # the session sends its own cookies and credentials: this client keeps none of its own
            self._client = httpx.AsyncClient(follow_redirects=False, limits=limits, transport=transport,
                                             trust_env=transport is None)
        except (ImportError, ValueError) as exc:  # a SOCKS proxy without socksio, an unknown scheme
            # (the proxy's URL is left out of the message: it may hold a password)
            reason = str(exc) if isinstance(exc, ImportError) else "its scheme is not one httpx supports"
            raise ProxyUnusable(f"the proxy set in the environment cannot be used: {reason}") from None

    async def send(self, url: str, headers: dict[str, str], timeout: float) -> ProxiedResponse:
        request = self._client.build_request("GET", url, headers=headers, timeout=timeout)
        with _as_ours():
            response = await self._client.send(request, stream=True)
        self._client.cookies.clear()
        return ProxiedResponse(response)

    async def aclose(self) -> None:
        await self._client.aclose()
