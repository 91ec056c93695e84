"""The cookies sites set, kept for the life of the process and sent back as a browser would.

The standard library's cookie jar decides domain, path, expiry and Secure; this module only hands it
the two objects it reads (a request, a response's Set-Cookie fields). It is imported at the first
Set-Cookie, so a run against sites that set none never loads it.
"""

from __future__ import annotations

import http.cookiejar
import urllib.request


class _Fields:
    def __init__(self, set_cookies: list[str]):
        self._set_cookies = set_cookies

    def get_all(self, name: str, default: list[str] | None = None) -> list[str]:
        return self._set_cookies if name.lower() == "set-cookie" else (default or [])


class _Answer:
    """What CookieJar.extract_cookies asks of a response: its header fields."""

    def __init__(self, set_cookies: list[str]):
        self._fields = _Fields(set_cookies)

    def info(self) -> _Fields:
        return self._fields


class Cookies:
    def __init__(self) -> None:
        self._jar = http.cookiejar.CookieJar()

    def header_for(self, url: str) -> str | None:
        """The Cookie header for a request to `url`, or None when no cookie applies."""
        request = urllib.request.Request(url)
        self._jar.add_cookie_header(request)
        return request.get_header("Cookie")

    def keep(self, url: str, set_cookies: list[str]) -> None:
        """Store the cookies a response to `url` set (the jar refuses ones for other domains)."""
        self._jar.extract_cookies(_Answer(set_cookies), urllib.request.Request(url))  # type: ignore[arg-type]
