"""Composition root of the web app: every adapter is built here and handed to what uses it."""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings
from pydantic import SecretStr
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from . import console
from .adapters.mailer import SmtpMailer
from .adapters.oidc import OidcProvider
from .adapters.rendering import Renderer
from .adapters.service_tokens import ServiceTokens
from .adapters.services import ServiceClients, ServiceError
from .config import WebSettings
from .entrypoints import account, catalogue, consumers, events, jobs, labels, mentorship, notices
from .entrypoints.web import (
    CsrfRefused,
    SecurityHeaders,
    SignInNeeded,
    SignUpNeeded,
    go_to,
    linked_language,
    redirect,
    render,
    unavailable_page,
    visit,
)
from .service_layer.unit_of_work import WebUnitOfWork

HERE = Path(__file__).parent
MIGRATIONS = HERE / "migrations"
_EXPLORER = ("/docs", "/docs/oauth2-redirect", "/redoc")
# Where a sign-in link is confirmed (POST): refused for its token after the same link signed in in another tab.
_CONFIRMING_SIGN_IN = re.compile(r"/sign-in/[^/]+")
_FOR_MACHINES = ("/healthz", "/readyz", "/metrics", "/openapi.json", "/static/")


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = WebSettings.of(settings)
    service = Service(settings, migrations=MIGRATIONS)
    new_unit_of_work = service.units_of_work(WebUnitOfWork)
    service.consume(consumers.HANDLERS, new_unit_of_work)
    service.run_in_background(jobs.forget_expired(new_unit_of_work))
    pages = [account.router, catalogue.router, mentorship.router, events.router, notices.router, *console.routers]
    # A sign-in link's path, and a calendar feed's, carry their credential.
    app = create_app(service, pages, title="Mentorship platform: web", unavailable=unavailable_page, documented=False,
                     credential_paths=("/sign-in/", "/calendar/"))
    # No API explorer: the web app has no API for people, and the explorer's scripts are not this site's (CSP).
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", None) not in _EXPLORER]
    # Static files only are compressed: a page holds a CSRF token beside what the person typed (BREACH).
    app.mount("/static", GZipMiddleware(StaticFiles(directory=HERE / "static"), minimum_size=512), name="static")
    app.add_middleware(SecurityHeaders, public_base_url=settings.public_base_url)

    clients = ServiceClients(
        {"profiles": settings.profiles_url, "matching": settings.matching_url, "events": settings.events_url,
         "notifications": settings.notifications_url},
        ServiceTokens(_secret(settings.jwt_private_key), settings.service_token_seconds),
        settings.service_timeout_seconds)
    app.state.settings = settings
    app.state.new_unit_of_work = new_unit_of_work
    app.state.clients = clients
    app.state.renderer = Renderer(HERE / "templates", HERE / "translations", labels.IDENTITY_SUGGESTIONS)
    app.state.oidc = None
    if settings.oidc_enabled:
        assert settings.oidc_discovery_url and settings.oidc_client_id  # the settings refuse to start otherwise
        app.state.oidc = OidcProvider(settings.oidc_discovery_url, settings.oidc_client_id,
                                      _secret(settings.oidc_client_secret),
                                      f"{settings.public_base_url.rstrip('/')}/oidc/callback",
                                      settings.service_timeout_seconds)
    renderer = app.state.renderer
    app.state.mailer = SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from,
                                  settings.smtp_timeout_seconds, service.metrics.registry, settings.smtp_credentials(),
                                  named=lambda language: renderer.gettext(language, "Mentorship in medicine"))

    starting_and_stopping = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with starting_and_stopping(app):
            try:
                yield
            finally:
                await clients.aclose()
                if (console_api := getattr(app.state, "console_api", None)) is not None:
                    await console_api.aclose()

    app.router.lifespan_context = lifespan

    @app.exception_handler(SignInNeeded)
    async def sign_in_first(request: Request, needed: SignInNeeded) -> Response:
        # The language of the email whose link led here goes on to signing in.
        linked = linked_language(request)
        return go_to(request, f"/sign-in?next={quote(needed.back_to)}" + (f"&lang={linked}" if linked else ""))

    @app.exception_handler(SignUpNeeded)
    async def sign_up_first(request: Request, __: SignUpNeeded) -> Response:
        return go_to(request, "/sign-up")

    @app.exception_handler(CsrfRefused)
    async def refused(request: Request, refusal: CsrfRefused) -> Response:
        visitor = await visit(request)
        if refusal.from_elsewhere:
            return render(visitor, "problem.html", 403, message=visitor.error_words("sent_from_elsewhere"))
        if visitor.session is not None and _CONFIRMING_SIGN_IN.fullmatch(request.url.path):
            # The same sign-in confirmed in another tab first: this person is signed in, so on they go (home).
            return redirect(visitor, "/")
        return render(visitor, "problem.html", 403, message=visitor.error_words("csrf"))

    @app.exception_handler(ServiceError)
    async def service_failed(request: Request, error: ServiceError) -> Response:
        visitor = await visit(request)
        return render(visitor, "problem.html", 503 if error.status >= 500 else 502,
                      message=visitor.error_words("service_unavailable"))

    for_machines = {exception: app.exception_handlers[exception]
                    for exception in (StarletteHTTPException, RequestValidationError)}

    @app.exception_handler(StarletteHTTPException)
    async def no_such_page(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code not in (404, 405) or request.url.path.startswith(_FOR_MACHINES):
            return await _answered(for_machines[StarletteHTTPException](request, error))
        visitor = await visit(request)
        if error.status_code == 404:
            return render(visitor, "not_found.html", 404)
        page = render(visitor, "problem.html", 405, message=visitor._(
            "This address only receives a form; it is not a page to open. Go back to the page you were on."))
        page.headers.update(error.headers or {})  # Allow: what the address does answer
        return page

    @app.exception_handler(RequestValidationError)
    async def mistyped_address(request: Request, error: RequestValidationError) -> Response:
        # A page's parameters are in its address (forms are read by the pages): a mistyped one names no page.
        if request.url.path.startswith(_FOR_MACHINES):
            return await _answered(for_machines[RequestValidationError](request, error))
        in_path = any(e["loc"][:1] == ("path",) for e in error.errors())
        return render(await visit(request), "not_found.html", 404 if in_path else 422)

    return app


async def _answered(answer: Response | Awaitable[Response]) -> Response:
    """What an exception handler answers (Starlette's may answer at once or be awaited)."""
    return await answer if inspect.isawaitable(answer) else answer


def _secret(value: SecretStr | None) -> str:
    assert value is not None, "the settings refuse to start without it"
    return value.get_secret_value()


def build_service(settings: ServiceSettings | None = None) -> Service:
    """The service as `build_app` wires it, without serving it (its AsyncAPI document)."""
    return build_app(settings).state.service
