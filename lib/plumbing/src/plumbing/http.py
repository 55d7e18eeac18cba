"""The HTTP face every service shares: health, readiness, metrics, correlation ids, and errors as JSON naming the
field, all of them documented in the service's OpenAPI document."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import correlation
from .db import is_connection_lost, is_rolled_back_by_the_server
from .errors import DomainError
from .logs import redact_access_log
from .metrics import Metrics
from .person_keys import KeysUnavailable
from .runtime import Service
from .unit_of_work import Commits, recording_commits, stop_recording_commits
from .validation import NUL, nul_paths

log = logging.getLogger(__name__)
access_log = logging.getLogger("plumbing.access")


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
    503: "Not served now; try again after Retry-After seconds. `database_unavailable`: the database is away; "
         "`transaction_conflict`: the change lost a conflict with another; `commit_outcome_unknown`: the change may "
         "have been made (read before writing again)",
}
# What a 503 may also mean from a route whose change publishes something sealed under a person's data key, which a
# service other than profiles asks profiles for.
_SEALING = ("; `profiles_unavailable`: profiles could not give a person's data key to seal what the change publishes "
            "(nothing was changed)")


def answers(*statuses: int, seals: bool = False) -> dict[int | str, dict]:
    """The error answers a route can give beyond those every route documents (see `create_app`), for `responses=`;
    `seals`: its change publishes something sealed with a key asked of profiles, which may be unavailable."""
    found: dict[int | str, dict] = {status: {"model": ErrorBody, "description": _MEANING.get(status, "Error")}
                                    for status in statuses}
    if seals:
        found[503] = {"model": ErrorBody, "description": _MEANING[503] + _SEALING}
    return found


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


# The code of a refusal of text PostgreSQL cannot store (a NUL), whatever field holds it: clients may rely on it.
INVALID_CHARACTER = "invalid_character"


async def _refuse_unstorable_text(request: Request) -> None:
    """Every route's first dependency (`create_app`): a NUL in what the route reads is refused, 422
    `invalid_character` naming each field holding one, through the app's handler of bad input (the web answers a
    page). PostgreSQL's text and jsonb cannot hold one, so it would end as a 5xx wherever it reached the database,
    whatever type the route gave the field. Read: the path's parameters; the query, when the route reads one (a
    parameter it does not read is ignored, as any unknown one is); the JSON body, when it takes one (FastAPI has
    parsed it already; a form is the web's, which sends what it holds on to the services as JSON)."""
    route: APIRoute = request.scope["route"]
    found: list[tuple[str | int, ...]] = [("path", name) for name, value in request.path_params.items()
                                          if isinstance(value, str) and NUL in value]
    query = request.scope["query_string"]
    if (b"%00" in query or b"\x00" in query) and _reads_the_query(route.dependant):
        found += [("query", name) for name, value in request.query_params.multi_items() if NUL in value]
    if route.body_field is not None and _is_json(request.headers.get("content-type")):
        if b"\\u0000" in await request.body():  # the only way JSON writes a NUL: most bodies are not walked
            found += [("body", *at) for at in nul_paths(await request.json())]
    if found:
        raise RequestValidationError([
            {"type": INVALID_CHARACTER, "loc": at,
             "msg": f"the field {_field_name(at)} holds a character that cannot be stored (NUL)"}
            for at in dict.fromkeys(found)])


def _reads_the_query(dependant: Dependant) -> bool:
    return bool(dependant.query_params) or any(_reads_the_query(d) for d in dependant.dependencies)


def _is_json(content_type: str | None) -> bool:
    """Whether FastAPI reads a body of this type as JSON (it does one that says no type)."""
    media = (content_type or "application/json").partition(";")[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _mapped(mapper: Callable[[Any], ApiError]):
    async def handle(_: Request, exc: Exception) -> JSONResponse:
        error = mapper(exc)
        return JSONResponse(error_body(error.code, error.message, error.field), error.status)

    return handle


class BodyTooLarge(Exception):
    pass


# How a service answers a request it cannot serve for its database (503): given the request's scope, the error's
# code and message. The services answer the error body as JSON; the web a page a person can read.
Unavailable = Callable[[dict, str, str], "Response | Awaitable[Response]"]


class RequestContext:
    """Counts and times each request by its route's template (never the raw path, which holds ids), serves it
    under the caller's correlation id (`X-Correlation-Id`, else a new one), which the answer carries back, and
    refuses a body larger than `max_body_bytes` (413) before it is read whole.

    A request whose database connection was lost (PostgreSQL restarting or failing over, a cut connection) before
    anything of it committed is served again, with a short growing pause, for up to `database_retry_seconds`: its
    body is replayed, its units of work start afresh on new connections. It is never served again once one of its
    units of work has committed, nor when a COMMIT was sent and its answer lost: that is answered 503
    `commit_outcome_unknown` (the change may have been made), and a database still away at the deadline 503
    `database_unavailable`, both with Retry-After, never 500. A request whose transaction PostgreSQL rolled back to
    break a deadlock or a serialization conflict is served again the same way (503 `transaction_conflict` if it
    still loses at the deadline).

    A plain ASGI middleware: Starlette's `@app.middleware("http")` runs every request through an extra task and
    stream, which cost about 1 ms of CPU a request, the largest single cost of a registration (bench/README.md).
    """

    def __init__(self, app, metrics, max_body_bytes: int, database_retry_seconds: float = 0.0,
                 unavailable: Unavailable | None = None) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes
        self.database_retry_seconds = database_retry_seconds
        self.unavailable = unavailable or _unavailable_as_json

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
        served = [scope]
        try:
            await self._serve(scope, receive_within_limit, send_noting_status, served)
        except Exception:
            # Logged here, under the request's correlation id: the handler answering 500 runs outside this middleware.
            log.exception("unhandled error", extra={"method": scope["method"], "route": _route_path(served)})
            raise
        finally:
            path, seconds = _route_path(served), time.perf_counter() - started
            self.metrics.requests.labels(scope["method"], path, status).inc()
            self.metrics.request_seconds.labels(scope["method"], path).observe(seconds)
            # Under the request's correlation id, which every service's lines for the action share. The route's
            # template, never the path: the web's sign-in links carry their token in it.
            access_log.info("request", extra={"method": scope["method"], "route": path, "status": status,
                                              "ms": round(seconds * 1000, 1)})
            correlation.reset(token)

    async def _serve(self, scope, receive, send, served: list[dict]) -> None:
        """Serve the request, again while its database connection is lost before anything of it committed (see the
        class); `served` gets each attempt's scope."""
        deadline = time.monotonic() + self.database_retry_seconds
        pause = 0.05
        body: list[dict] = []  # the request's body messages read so far, replayed to a new attempt
        answered = False

        async def sending(message) -> None:
            nonlocal answered
            answered = True
            await send(message)

        commits = Commits()
        recording = recording_commits(commits)
        try:
            while True:
                attempt = {**scope, "state": dict(scope.get("state") or {})}
                served.append(attempt)
                try:
                    await self.app(attempt, _replaying(body, receive), sending)
                    return
                except Exception as error:
                    lost = is_connection_lost(error)
                    if answered or not (lost or is_rolled_back_by_the_server(error)):
                        raise
                    if commits.in_doubt:
                        log.warning("the database connection was lost while committing: outcome unknown",
                                    extra={"error_type": type(error).__name__})
                        await self._unavailable(scope, send, "commit_outcome_unknown",
                                                "the connection to the database was lost while committing: the "
                                                "change may or may not have been made; read it back before trying "
                                                "again")
                        return
                    if commits.committed or time.monotonic() + pause > deadline:
                        log.warning("the database is unavailable: answered 503",
                                    extra={"error_type": type(error).__name__, "committed": commits.committed})
                        if lost:
                            await self._unavailable(scope, send, "database_unavailable",
                                                    "the database is unavailable for a moment: try again shortly")
                        else:
                            await self._unavailable(scope, send, "transaction_conflict",
                                                    "the change clashed with others made at the same moment: try "
                                                    "again")
                        return
                    log.info("the database connection was lost, or the transaction rolled back by the server, before "
                             "commit: serving the request again",
                             extra={"error_type": type(error).__name__, "pause_seconds": pause})
                await asyncio.sleep(pause)
                pause = min(pause * 2, 1.0)
        finally:
            stop_recording_commits(recording)

    async def _unavailable(self, scope: dict, send, code: str, message: str) -> None:
        response = self.unavailable(scope, code, message)
        if inspect.isawaitable(response):
            response = await response
        response.status_code = 503
        response.headers["Retry-After"] = "1"
        await response({"type": "http"}, _nothing_to_receive, send)


def _route_path(served: list[dict]) -> str:
    """The template of the route that served the request (never its raw path, which holds ids). A mounted app (the
    web's static files) names no route: its prefix does, so that its files are not counted with paths nothing
    matched."""
    scope = served[-1]
    if (route := scope.get("route")) is not None:
        return getattr(route, "path", "unmatched")
    mounted = scope.get("root_path", "")[len(scope.get("app_root_path", "")):]
    return f"{mounted}/{{path}}" if mounted else "unmatched"


def _replaying(body: list[dict], receive):
    """A `receive` that gives the body messages read by earlier attempts again, then reads on (noting what it reads)."""
    replay = iter(list(body))

    async def receiving() -> dict:
        message = next(replay, None)
        if message is None:
            message = await receive()
            if message["type"] == "http.request":
                body.append(message)
        return message

    return receiving


def _unavailable_as_json(_scope: dict, code: str, message: str) -> Response:
    return JSONResponse(error_body(code, message), 503)


async def _nothing_to_receive() -> dict:
    return {"type": "http.disconnect"}


# The answers a server error takes here: an unhandled one, and the database (or a service) away.
SERVER_ERRORS = ("500", "503")


def _count_server_errors_from_zero(routers: Iterable[APIRouter], metrics: Metrics) -> None:
    """Each route's server-error series exists at 0 from the start: Prometheus' rate() sees no rise in a series
    that first appears at 1, so the first 5xx of a route would not count towards the alert on them. (The routers'
    own routes: an app's are included lazily, so it does not list them.)"""
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute):
                for method in route.methods or ():
                    for status in SERVER_ERRORS:
                        metrics.requests.labels(method, route.path, status)


def create_app(
    service: Service,
    routers: Iterable[APIRouter] = (),
    *,
    title: str,
    version: str = "1.0.0",
    error_mappers: dict[type[Exception], Callable[[Exception], ApiError]] | None = None,
    unavailable: Unavailable | None = None,
    documented: bool = True,
    credential_paths: tuple[str, ...] = (),
) -> FastAPI:
    """A FastAPI app whose lifespan starts and stops the service (database, broker, relay).

    Domain errors (`plumbing.errors`) answer with their kind's status and their code. The OpenAPI document shows
    the error body for every error answer, and for each operation: 422 when it takes input, 401 and 403 when it
    needs a token, 404 when its path names something; routes declare the rest with `responses=answers(...)`.
    `unavailable` answers a request its database could not serve (503, Retry-After added): JSON unless given.
    `documented`: whether it serves its OpenAPI document and its pages (/openapi.json, /docs, /redoc); an app of pages
    for people, with no API, does not. `credential_paths`: the paths whose next segment is a credential, redacted in
    uvicorn's access log as any `token` parameter is (`plumbing.logs.redact_access_log`).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    hidden: dict[str, Any] = {} if documented else {"openapi_url": None, "docs_url": None, "redoc_url": None}
    app = FastAPI(title=title, version=version, lifespan=lifespan, dependencies=[Depends(_refuse_unstorable_text)],
                  responses={422: {"model": ErrorBody, "description": _MEANING[422]}}, **hidden)
    app.state.service = service
    redact_access_log(credential_paths)
    routers = list(routers)
    for router in routers:
        app.include_router(router)
    _count_server_errors_from_zero(routers, service.metrics)

    app.add_middleware(RequestContext, metrics=service.metrics, max_body_bytes=service.settings.http_max_body_bytes,
                       database_retry_seconds=service.settings.database_retry_seconds, unavailable=unavailable)

    def outside(request: Request) -> JSONResponse | None:
        """404 for a request an ingress forwarded (it says whom for): probes and Prometheus reach an instance directly,
        and an instance's figures and state are no business of anyone outside."""
        if "x-forwarded-for" in request.headers:
            return JSONResponse(error_body("not_found", "no such page"), 404)
        return None

    @app.get("/healthz", include_in_schema=False)
    async def healthz(request: Request) -> JSONResponse:
        """Liveness: 503 once a part of the instance that should run until it stops has died for good (its Kafka side
        gave up on a fault of its own, its outbox relay ended): restarting it is then the cure. Kafka or PostgreSQL
        being away is not: a restart would not bring them back."""
        if refused := outside(request):
            return refused
        liveness = getattr(service, "liveness", None)
        failed = liveness() if liveness else {}
        if failed:
            return JSONResponse({"status": "failing", "failed": failed}, status_code=503)
        return JSONResponse({"status": "ok"})

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        """Readiness: 200 when the instance can serve requests, which needs its database alone (what a request
        commits waits in the outbox while Kafka is away); `kafka` says how far its Kafka side has come up."""
        if refused := outside(request):
            return refused
        checks = await service.readiness()
        ready = all(checks.values())
        body: dict[str, Any] = {"ready": ready, "checks": checks}
        if problems := getattr(service, "readiness_problems", None):
            body["problems"] = problems  # why, for the operator reading it
        if kafka_status := getattr(service, "kafka_status", None):
            body["kafka"] = kafka_status()
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if refused := outside(request):
            return refused
        return Response(generate_latest(service.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": "body" if e["type"] == "json_invalid" else _field_name(e["loc"]), "message": e["msg"]}
                  for e in exc.errors()]
        first = errors[0]
        if exc.errors()[0]["type"] == INVALID_CHARACTER:  # each message names its field already
            return JSONResponse(error_body(INVALID_CHARACTER, first["message"], first["field"], errors), 422)
        return JSONResponse(
            error_body("invalid_request", f"{first['field']}: {first['message']}", first["field"], errors), 422
        )

    app.add_exception_handler(ApiError, _mapped(lambda error: error))  # already what the client gets
    app.add_exception_handler(DomainError, _mapped(as_api_error))

    def body_too_large() -> JSONResponse:
        limit = service.settings.http_max_body_bytes
        return JSONResponse(error_body("body_too_large", f"the request body is over {limit} bytes", "body"), 413)

    app.add_exception_handler(BodyTooLarge, lambda _, __: body_too_large())

    @app.exception_handler(KeysUnavailable)
    async def keys_unavailable(_: Request, exc: KeysUnavailable) -> JSONResponse:
        # Raised before the commit, so nothing was changed: the same request may be sent again.
        log.warning("profiles gave no data key: answered 503", extra={"reason": str(exc)})
        return JSONResponse(error_body("profiles_unavailable", "profiles could not give the data key what this change "
                                       "publishes is sealed under; nothing was changed: try again shortly"), 503,
                            headers={"Retry-After": "5"})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc.__cause__, BodyTooLarge):  # FastAPI turns any failure to read a body into a 400
            return body_too_large()
        return JSONResponse(error_body("http_error", str(exc.detail)), exc.status_code, headers=exc.headers)

    for exception_type, mapper in (error_mappers or {}).items():
        app.add_exception_handler(exception_type, _mapped(mapper))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        # The client gets no internals; the trace is logged by `RequestContext`, with the route and correlation id.
        return JSONResponse(error_body("internal_error", "something went wrong on our side"), 500)

    app.openapi = lambda: _document_errors(app, FastAPI.openapi(app))  # type: ignore[method-assign]
    return app


def as_api_error(error: DomainError) -> ApiError:
    return ApiError(error.status, error.code, error.message, error.field)


_ERROR_REF = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
_RETRY_AFTER = {"headers": {"Retry-After": {"description": "Seconds to wait before trying again",
                                            "schema": {"type": "integer", "minimum": 1}}}}


def _document_errors(app: FastAPI, document: dict) -> dict:
    """Add to each operation the error answers it gives whatever it does, all with the real error body
    (FastAPI documents its own `{"detail": ...}` for 422, which no service answers): 413 when it takes a body, and
    503 everywhere, since every operation reads or writes the service's database (see `RequestContext`)."""
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
            statuses = {503}
            if operation.get("requestBody"):
                statuses.add(413)
            if operation.get("parameters") or operation.get("requestBody"):
                statuses.add(422)
            else:
                responses.pop("422", None)
            if operation.get("security"):
                statuses |= {401, 403}
            if "{" in path:
                statuses.add(404)
            for status in statuses | {int(s) for s in responses if s.startswith(("4", "5"))}:
                meaning = _MEANING.get(status, "Error")
                if status == 503 and responses.get("503", {}).get("description") == meaning + _SEALING:
                    meaning += _SEALING  # the route said so (`answers(seals=True)`)
                responses[str(status)] = {"description": meaning, **_ERROR_REF,
                                          **(_RETRY_AFTER if status == 503 else {})}
    app.state.openapi_documented = True
    app.openapi_schema = document
    return document
