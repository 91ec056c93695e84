"""How one request reaches a server: the default headers, cookies, credentials and the route.

A request goes to our asyncio HTTP/1.1 client (http_client.py). What a browser-like client does that
a site may rely on is kept here: the default headers, the cookies a site sets (sent back on later
requests to it, for the life of the process), and credentials written in the URL (HTTP Basic). Where
the environment sets a proxy (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, with NO_PROXY), httpx routes the
requests (http_proxied.py), as it did before we had a client of our own.
"""

from __future__ import annotations

import os
from base64 import b64encode
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote, urlsplit

from monitor.http_client import Client, origin_of
from monitor.http_errors import ConnectFailed

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable

    import httpx

    from monitor.http_cookies import Cookies
    from monitor.http_proxied import ProxiedSender


class Answer(Protocol):
    """A response whose body is still to be read (http_client.StreamedResponse, http_proxied.ProxiedResponse)."""

    url: str
    status_code: int
    headers: dict[str, str]

    def get_list(self, name: str) -> list[str]: ...
    def aiter_bytes(self) -> AsyncIterator[bytes]: ...
    async def aclose(self) -> None: ...


def proxies_in_environment() -> bool:
    """Whether a proxy is set for http, https or all, as urllib reads the environment (lower case wins;
    under CGI an upper-case HTTP_PROXY is ignored, since a client's "Proxy:" header can set it)."""
    found: dict[str, str] = {}
    for name, value in os.environ.items():
        if name.lower().endswith("_proxy") and value:
            found[name.lower()[:-6]] = value
    if "REQUEST_METHOD" in os.environ:
        found.pop("http", None)
    for name, value in os.environ.items():
        if name.endswith("_proxy"):  # the names that end in lower case have the last word, as in urllib
            if value:
                found[name.lower()[:-6]] = value
            else:
                found.pop(name.lower()[:-6], None)
    return any(scheme in found for scheme in ("http", "https", "all"))


def _basic(url: str) -> str | None:
    parts = urlsplit(url)
    if not (parts.username or parts.password):
        return None
    return "Basic " + b64encode(f"{unquote(parts.username or '')}:{unquote(parts.password or '')}".encode()).decode()


class Session:
    """One per fetcher: one client (or httpx behind a proxy), one cookie jar, the default headers.

    Credentials come only from the configured URLs (`credentials`): they go with every request to that
    origin (a redirect, an edition's page). Credentials in any other URL (a link on a page, a redirect's
    Location) are dropped: a page must not choose what we send to another of its site's hosts."""

    def __init__(self, *, user_agent: str, max_concurrency: int, transport: httpx.AsyncBaseTransport | None = None,
                 credentials: Iterable[str] = ()):
        self._transport = transport  # a caller's own httpx transport takes every request
        self._max_concurrency = max_concurrency
        self._headers = {"User-Agent": user_agent, "Accept": "*/*", "Accept-Encoding": "gzip, deflate"}
        self._cookies: Cookies | None = None
        self._credentials = {origin_of(urlsplit(u)): b for u in credentials if "@" in u and (b := _basic(u))}
        self._proxied = transport is not None or proxies_in_environment()
        self._client = Client(max_idle=max_concurrency)
        self._httpx: ProxiedSender | None = None

    async def send(self, url: str, headers: dict[str, str], timeout: float) -> Answer:
        """The response with its body not yet read: the caller reads it and closes it."""
        headers = {**self._headers, **headers}
        try:
            parts = urlsplit(url)
            origin = origin_of(parts)
        except ValueError as exc:  # "http://[::1/", a port that is not a number
            raise ConnectFailed(f"not a usable address: {exc}") from None
        if "@" in parts.netloc:
            url = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()  # no password in stored links
        credentials = self._credentials.get(origin) if self._credentials else None
        if credentials and not any(name.lower() == "authorization" for name in headers):
            headers["Authorization"] = credentials
        if self._cookies is not None and (cookie := self._cookies.header_for(url)):
            headers["Cookie"] = cookie
        response: Answer
        if self._proxied:
            response = await self._proxy().send(url, headers, timeout)
        else:
            response = await self._client.send(url, headers)
        if "set-cookie" in response.headers:
            if self._cookies is None:
                from monitor.http_cookies import Cookies

                self._cookies = Cookies()
            self._cookies.keep(url, response.get_list("set-cookie"))
        return response

    def _proxy(self) -> ProxiedSender:
        if self._httpx is None:
            from monitor.http_proxied import ProxiedSender

            self._httpx = ProxiedSender(max_concurrency=self._max_concurrency, transport=self._transport)
        return self._httpx

    async def aclose(self) -> None:
        await self._client.aclose()
        if self._httpx is not None:
            await self._httpx.aclose()
            self._httpx = None
