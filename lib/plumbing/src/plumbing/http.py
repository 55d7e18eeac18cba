"""The HTTP face every service shares: health, readiness, metrics, correlation ids, and errors as JSON naming the
field, all of them documented in the service's OpenAPI document."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import correlation
from .errors import DomainError
from .runtime import Service

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error the client can act on: its status, a stable code, and the field at fault if any."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


class FieldProblem(BaseModel):
    field: str
    message: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None
    errors: list[FieldProblem] | None = None


class ErrorBody(BaseModel):
    """What every error answer carries: a stable snake_case code, a message, and the field at fault if any."""

    error: ErrorDetail


_MEANING = {
    400: "The request cannot be read", 401: "No valid bearer token", 403: "The caller may not do this",
    404: "Not found", 409: "The current state does not allow this", 413: "The request body is too large",
    422: "The input breaks a rule; `field` names it",
}


def answers(*statuses: int) -> dict[int | str, dict]:
    """The error answers a route can give beyond those every route documents (see `create_app`), for `responses=`."""
    return {status: {"model": ErrorBody, "description": _MEANING.get(status, "Error")} for status in statuses}


async def unit_of_work(request: Request) -> Any:
    """A FastAPI dependency: a new unit of work from the maker `bootstrap` put on the app. A service types it:
    `UnitOfWork = Annotated[ProfilesUnitOfWorkPort, Depends(unit_of_work)]`. Async, so FastAPI calls it on the event
    loop: a plain function it sends to a worker thread, a fifth of a service's CPU for a read (events, measured)."""
    return request.app.state.new_unit_of_work()


def error_body(code: str, message: str, field: str | None = None, errors: list | None = None) -> dict:
    error: dict[str, object] = {"code": code, "message": message}
    if field:
        error["field"] = field
    if errors:
        error["errors"] = errors
    return {"error": error}


def _field_name(location: Iterable) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _mapped(mapper: Callable[[Any], ApiError]):
    async def handle(_: Request, exc: Exception) -> JSONResponse:
        error = mapper(exc)
        return JSONResponse(error_body(error.code, error.message, error.field), error.status)

    return handle


class BodyTooLarge(Exception):
    pass


class RequestContext:
    """Counts and times each request by its route's template (never the raw path, which holds ids), serves it
    under the caller's correlation id (`X-Correlation-Id`, else a new one), which the answer carries back, and
    refuses a body larger than `max_body_bytes` (413) before it is read whole.

    A plain ASGI middleware: Starlette's `@app.middleware("http")` runs every request through an extra task and
    stream, which cost about 1 ms of CPU a request, the largest single cost of a registration (bench/README.md).
    """

    def __init__(self, app, metrics, max_body_bytes: int) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500  # an error no handler answered ends as a 500
        given = next((v for k, v in scope["headers"] if k == b"x-correlation-id"), b"")
        correlation_id = correlation.from_header(given.decode("latin-1"))

        async def send_noting_status(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-correlation-id", correlation_id.encode())]
            await send(message)

        received = 0

        async def receive_within_limit():
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                raise BodyTooLarge
            return message

        token = correlation.use(correlation_id)
        try:
            await self.app(scope, receive_within_limit, send_noting_status)
        finally:
            correlation.reset(token)
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
    """A FastAPI app whose lifespan starts and stops the service (database, broker, relay).

    Domain errors (`plumbing.errors`) answer with their kind's status and their code. The OpenAPI document shows
    the error body for every error answer, and for each operation: 422 when it takes input, 401 and 403 when it
    needs a token, 404 when its path names something; routes declare the rest with `responses=answers(...)`.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    app = FastAPI(title=title, version=version, lifespan=lifespan,
                  responses={422: {"model": ErrorBody, "description": _MEANING[422]}})
    app.state.service = service
    for router in routers:
        app.include_router(router)

    app.add_middleware(RequestContext, metrics=service.metrics, max_body_bytes=service.settings.http_max_body_bytes)

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
        errors = [{"field": "body" if e["type"] == "json_invalid" else _field_name(e["loc"]), "message": e["msg"]}
                  for e in exc.errors()]
        first = errors[0]
        return JSONResponse(
            error_body("invalid_request", f"{first['field']}: {first['message']}", first["field"], errors), 422
        )

    app.add_exception_handler(ApiError, _mapped(lambda error: error))  # already what the client gets
    app.add_exception_handler(DomainError, _mapped(as_api_error))

    def body_too_large() -> JSONResponse:
        limit = service.settings.http_max_body_bytes
        return JSONResponse(error_body("body_too_large", f"the request body is over {limit} bytes", "body"), 413)

    app.add_exception_handler(BodyTooLarge, lambda _, __: body_too_large())

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc.__cause__, BodyTooLarge):  # FastAPI turns any failure to read a body into a 400
            return body_too_large()
        return JSONResponse(error_body("http_error", str(exc.detail)), exc.status_code, headers=exc.headers)

    for exception_type, mapper in (error_mappers or {}).items():
        app.add_exception_handler(exception_type, _mapped(mapper))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        # The trace goes to our logs; the client gets no internals.
        log.exception("unhandled error")
        return JSONResponse(error_body("internal_error", "something went wrong on our side"), 500)

    app.openapi = lambda: _document_errors(app, FastAPI.openapi(app))  # type: ignore[method-assign]
    return app


def as_api_error(error: DomainError) -> ApiError:
    return ApiError(error.status, error.code, error.message, error.field)


_ERROR_REF = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}


def _document_errors(app: FastAPI, document: dict) -> dict:
    """Add to each operation the error answers it gives whatever it does, all with the real error body
    (FastAPI documents its own `{"detail": ...}` for 422, which no service answers)."""
    if getattr(app.state, "openapi_documented", False):
        return document
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for model in (ErrorBody, ErrorDetail, FieldProblem):
        schemas.setdefault(model.__name__, model.model_json_schema(ref_template="#/components/schemas/{model}"))
        schemas[model.__name__].pop("$defs", None)
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            statuses = set()
            if operation.get("parameters") or operation.get("requestBody"):
                statuses.add(422)
            else:
                responses.pop("422", None)
            if operation.get("security"):
                statuses |= {401, 403}
            if "{" in path:
                statuses.add(404)
            for status in statuses | {int(s) for s in responses if s.startswith(("4", "5"))}:
                responses[str(status)] = {"description": _MEANING.get(status, "Error"), **_ERROR_REF}
    app.state.openapi_documented = True
    app.openapi_schema = document
    return document
