"""The one exception tree of the HTTP layer, whichever sender carried the request (ours or httpx
behind a proxy); monitor/fetch.py turns each into the FetchError a source's failure shows."""

from __future__ import annotations


class HTTPProblem(Exception):
    """A request that got no usable response."""


class ConnectFailed(HTTPProblem):
    """No connection: refused, unreachable, name not found, or a TLS certificate not trusted."""


class ProtocolError(HTTPProblem):
    """The server broke HTTP/1.1, or the connection broke in the middle of the answer."""


class DecodeFailed(HTTPProblem):
    """A body whose Content-Encoding cannot be undone."""


class TimedOut(HTTPProblem):
    """A time limit of the sender itself passed (the fetcher's own limit is a TimeoutError)."""


class ProxyUnusable(HTTPProblem):
    """The proxy set in the environment cannot carry requests."""


class NoAnswer(ProtocolError):
    """The server closed the connection before the first byte of an answer: on a kept-alive
    connection the server dropped while idle, the request is sent again on a new one."""
