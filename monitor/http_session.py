"""How one request reaches a server: the parts of an httpx client we need, without the ones we do not.

A request goes straight to our asyncio transport (http_transport.py). Going round httpx.AsyncClient's
layers (auth flow, redirect loop, URL merging, event hooks) is about a fifth of the CPU of a 304, and
the fetcher follows redirects by hand anyway. What a client did that a site may rely on is kept here:
the default headers, the cookies a site sets (sent back on later requests to it, for the life of the
process), and credentials written in the URL (HTTP Basic). Where the environment sets a proxy
(HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, with NO_PROXY), an httpx client with its own transports routes
the requests, as httpx does by default.
"""

from __future__ import annotations

from base64 import b64encode
from urllib.request import getproxies

import httpx

from monitor.http_transport import AsyncioTransport

Sender = httpx.AsyncBaseTransport | httpx.AsyncClient


class Session:
    """One per fetcher: a sender for https and one for plain http, one cookie jar, the default headers."""

    def __init__(self, *, user_agent: str, max_concurrency: int, transport: httpx.AsyncBaseTransport | None = None):
        self._transport = transport  # tests give a transport of their own: it takes every request
        self._limits = httpx.Limits(max_connections=max_concurrency * 2, max_keepalive_connections=max_concurrency)
        self._headers = {"User-Agent": user_agent, "Accept": "*/*", "Accept-Encoding": "gzip, deflate"}
        self._cookies = httpx.Cookies()
        proxies = getproxies()
        self._proxied = transport is None and any(scheme in proxies for scheme in ("http", "https", "all"))
        self._senders: dict[bool, Sender] = {}

    async def send(self, url: str, headers: dict[str, str], timeout: float) -> httpx.Response:
        """The response with its body not yet read: the caller reads it and closes it."""
        request = httpx.Request("GET", url, headers={**self._headers, **headers},
                                extensions={"timeout": httpx.Timeout(timeout).as_dict()})
        if request.url.username or request.url.password:
            userpass = f"{request.url.username}:{request.url.password}".encode()
            request.headers["Authorization"] = "Basic " + b64encode(userpass).decode()
        if len(self._cookies.jar):
            self._cookies.set_cookie_header(request)
        sender = self._sender(url[:6].lower() == "https:")
        if isinstance(sender, httpx.AsyncClient):
            response = await sender.send(request, stream=True)
        else:
            response = await sender.handle_async_request(request)
            response.request = request
        if "set-cookie" in response.headers:
            self._cookies.extract_cookies(response)
        return response

    def _sender(self, tls: bool) -> Sender:
        """Made on first use: loading the trust store for https costs ~50 ms, and a run that only reads
        plain-http pages never needs it."""
        if self._transport is not None:
            return self._transport
        sender = self._senders.get(tls)
        if sender is None:
            if self._proxied:
                try:
                    sender = httpx.AsyncClient(follow_redirects=False, limits=self._limits)
                except (ImportError, ValueError) as exc:  # a SOCKS proxy without socksio, an unknown scheme
                    # (the proxy's URL is left out of the message: it may hold a password)
                    reason = str(exc) if isinstance(exc, ImportError) else "its scheme is not one httpx supports"
                    raise httpx.ProxyError(f"the proxy set in the environment cannot be used: {reason}") from None
            else:
                sender = AsyncioTransport(verify=tls, limits=self._limits)
            self._senders[tls] = sender
        return sender

    async def aclose(self) -> None:
        for sender in self._senders.values():
            await sender.aclose()
        self._senders.clear()
        if self._transport is not None:
            await self._transport.aclose()
