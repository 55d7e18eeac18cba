"""The HTTP face every service shares: health, readiness, metrics, and errors as JSON naming the field."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from .runtime import Service

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error the client can act on: its status, a stable code, and the field at fault if any."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def error_body(code: str, message: str, field: str | None = None, errors: list | None = None) -> dict:
    body = {"error": {"code": code, "message": message}}
    if field:
        body["error"]["field"] = field
    if errors:
        body["error"]["errors"] = errors
    return body


def _field_name(location: Iterable) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _mapped(mapper: Callable[[Exception], ApiError]):
    async def handle(_: Request, exc: Exception) -> JSONResponse:
        error = mapper(exc)
        return JSONResponse(error_body(error.code, error.message, error.field), error.status)

    return handle


class RequestMetrics:
    """Counts and times each request by its route's template (never the raw path, which holds ids).

    A plain ASGI middleware: Starlette's `@app.middleware("http")` runs every request through an extra task and
    stream, which cost about 1 ms of CPU a request, the largest single cost of a registration (bench/README.md).
    """

    def __init__(self, app, metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500  # an error no handler answered ends as a 500

        async def send_noting_status(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            path = getattr(scope.get("route"), "path", "unmatched")  # set by the router on this same scope
            self.metrics.requests.labels(scope["method"], path, status).inc()
            self.metrics.request_seconds.labels(scope["method"], path).observe(time.perf_counter() - started)


def create_app(
    service: Service,
    routers: Iterable[APIRouter] = (),
    *,
    title: str,
    version: str = "1.0.0",
    error_mappers: dict[type[Exception], Callable[[Exception], ApiError]] | None = None,
) -> FastAPI:
    """A FastAPI app whose lifespan starts and stops the service (database, broker, relay)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    app = FastAPI(title=title, version=version, lifespan=lifespan)
    app.state.service = service
    for router in routers:
        app.include_router(router)

    app.add_middleware(RequestMetrics, metrics=service.metrics)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        checks = await service.readiness()
        ready = all(checks.values())
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(service.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": _field_name(e["loc"]), "message": e["msg"]} for e in exc.errors()]
        first = errors[0]
        return JSONResponse(
            error_body("invalid_request", f"{first['field']}: {first['message']}", first["field"], errors), 422
        )

    app.add_exception_handler(ApiError, _mapped(lambda error: error))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(error_body("http_error", str(exc.detail)), exc.status_code, headers=exc.headers)

    for exception_type, mapper in (error_mappers or {}).items():
        app.add_exception_handler(exception_type, _mapped(mapper))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        # The trace goes to our logs; the client gets no internals.
        log.exception("unhandled error")
        return JSONResponse(error_body("internal_error", "something went wrong on our side"), 500)

    return app
