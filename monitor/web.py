"""The daemon's HTTP server: health, readiness, metrics, status, the manual trigger, page and feed.

The trigger (POST /api/check) needs `Authorization: Bearer <DTN_MONITOR_TOKEN>`, compared in
constant time; with no token configured the trigger is off (403), never open.
"""

from __future__ import annotations

import hmac
import logging
import os
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from monitor.config import ConfigError
from monitor.status import status
from monitor.store import StateError

if TYPE_CHECKING:
    from monitor.daemon import Daemon

log = logging.getLogger("dtn_monitor.web")


def create_app(daemon: Daemon) -> Starlette:
    runtime = daemon.runtime

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok\n")

    async def readyz(request: Request) -> Response:
        checks: dict[str, Any] = {
            "replica": runtime.replica,
            "database": runtime.store.label,  # a PostgreSQL URL with its password masked
            "config": True,
            "scheduler": daemon.scheduler_running,
            "state_writable": runtime.store.writable() and runtime.state_error is None,
        }
        if runtime.state_error:
            checks["state_error"] = runtime.state_error
        ok = bool(checks["config"] and checks["scheduler"] and checks["state_writable"])
        runtime.metrics.state_writable.set(1 if checks["state_writable"] else 0)
        return JSONResponse({"ready": ok, "checks": checks}, status_code=200 if ok else 503)

    async def metrics(request: Request) -> Response:
        body = runtime.metrics.render(runtime.store, runtime.config)
        return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")

    async def api_status(request: Request) -> Response:
        return JSONResponse(status(runtime.store, runtime.config))

    async def api_check(request: Request) -> Response:
        token = os.environ.get("DTN_MONITOR_TOKEN", "")
        if not token:
            return JSONResponse(
                {"error": "the manual trigger is off: set DTN_MONITOR_TOKEN to enable it"}, status_code=403
            )
        header = request.headers.get("authorization", "")
        given = header[7:] if header.lower().startswith("bearer ") else ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            return JSONResponse(
                {"error": "missing or wrong bearer token"}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        source = request.query_params.get("source")
        try:
            report = await daemon.check_now([source] if source else None)
        except ConfigError as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        except Exception:  # a defect: logged (masked) here, and the caller is not shown its text
            log.exception("the check asked for on /api/check stopped on an internal error")
            return JSONResponse({"error": "the check stopped on an internal error; see the daemon's log"},
                                status_code=500)
        return JSONResponse(report.as_dict())

    async def page(request: Request) -> Response:
        from monitor.page import render_page

        lang = request.query_params.get("lang") or _language(request)
        return Response(render_page(runtime.store, runtime.config, lang, runtime.clock),
                        media_type="text/html; charset=utf-8")

    async def feed(request: Request) -> Response:
        from monitor.atom import render_feed

        base = str(request.base_url).rstrip("/")
        return Response(render_feed(runtime.store, base), media_type="application/atom+xml; charset=utf-8")

    async def state_unavailable(request: Request, exc: Exception) -> Response:
        """The database is away (an outage, a cut): say so with a 503, never a traceback per request."""
        return JSONResponse({"error": f"state database unavailable: {exc}"}, status_code=503)

    return Starlette(
        exception_handlers={StateError: state_unavailable},
        routes=[
            Route("/", page),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            Route("/api/status", api_status),
            Route("/api/check", api_check, methods=["POST"]),
            Route("/feed.atom", feed),
        ]
    )


def _language(request: Request) -> str:
    accept = request.headers.get("accept-language", "")
    return "en" if accept.lower().startswith("en") else "nl"
