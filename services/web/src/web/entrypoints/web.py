"""What every page shares: the visit (session, language, CSRF token), security headers, rendering, redirects, and the
refusal of a state-changing request without its CSRF token."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from babel.numbers import format_decimal
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData
from starlette.routing import Match

from ..adapters.rendering import LANGUAGES, REGIONAL, Renderer, negotiate
from ..adapters.services import NEWCOMER, ServiceClients, ServiceError, Who
from ..domain.sign_in import Session, same
from ..service_layer import sign_in
from . import labels

SESSION_COOKIE = "__Host-session"
# Before sign-in, forms carry a token derived from this random cookie (signed double submit).
PRE_SESSION_COOKIE = "__Host-visit"
LANGUAGE_COOKIE = "__Host-lang"
LANGUAGE_KEPT_SECONDS = 365 * 24 * 3600

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]


class SecurityHeaders:
    """Every answer gets the security headers; pages (not static files) are never cached, as they are personal.
    (plumbing's access log names the route's template, never the path: a sign-in link's token is in its path).
    A site whose public address is https also tells browsers to use nothing else for a year (HSTS); not for its
    subdomains, which may be the organisation's other sites."""

    def __init__(self, app, public_base_url: str) -> None:
        self.app = app
        self.headers = [*SECURITY_HEADERS]
        if public_base_url.startswith("https://"):
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", ()), *self.headers]
                headers.append((b"cache-control", b"public, max-age=3600" if static else b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class CsrfRefused(Exception):
    """A state-changing request without the page's CSRF token, or sent from another site."""

    def __init__(self, from_elsewhere: bool = False) -> None:
        super().__init__()
        self.from_elsewhere = from_elsewhere


class SignInNeeded(Exception):
    def __init__(self, back_to: str) -> None:
        self.back_to = back_to


class SignUpNeeded(Exception):
    pass


@dataclass
class Visit:
    """One request's view of its browser: the session if signed in, the page's language, the CSRF token."""

    request: Request
    session: Session | None
    session_id: str | None
    language: str
    csrf: str
    cookies: list[tuple[str, str, int | None]] = field(default_factory=list)

    @property
    def who(self) -> Who:
        if self.session is None or self.session.person_id is None:
            return NEWCOMER
        chapters = (self.session.chapter_id,) if self.session.chapter_id else ()
        return Who(self.session.person_id, chapters)

    @property
    def person_id(self):
        assert self.session is not None and self.session.person_id is not None
        return self.session.person_id

    @property
    def timezone(self) -> str:
        return (self.session.timezone if self.session else None) or "UTC"

    def _(self, message: str) -> str:
        return app_state(self.request).renderer.gettext(self.language, message)

    def too_long(self, typed: str, limit: int, what: str) -> str | None:
        """Words for a field typed longer than it may be (the browser's maxlength is no guarantee), else None: it is
        refused next to the field, never cut without a word. `what` names the field, as the summary lists several."""
        if len(typed) <= limit:
            return None
        regional = REGIONAL.get(self.language, self.language)  # as the dates write numbers: 2,000 in es_US
        return self._("%(what)s: at most %(limit)s characters (now %(count)s).") % {
            "what": self._(what), "limit": format_decimal(limit, locale=regional),
            "count": format_decimal(len(typed), locale=regional)}

    def error_words(self, error: ServiceError | str, said_here: Mapping[str, str] | None = None) -> str:
        """Words for a refusal; `said_here`: those a page says of its own thing for some codes."""
        code = error if isinstance(error, str) else error.code
        return self._((said_here or {}).get(code) or labels.ERRORS.get(code, labels.GENERIC_ERROR))


def app_state(request: Request) -> Any:
    return request.app.state


def clients(request: Request) -> ServiceClients:
    return request.app.state.clients


def _pre_session_token(key: str, visit_id: str) -> str:
    return hmac.new(key.encode(), b"csrf:" + visit_id.encode(), hashlib.sha256).hexdigest()


async def visit(request: Request) -> Visit:
    state = app_state(request)
    session_id = request.cookies.get(SESSION_COOKIE)
    session, renewed = None, False
    now, idle = datetime.now(UTC), timedelta(hours=state.settings.session_idle_hours)
    if session_id:
        session = await sign_in.find_session(session_id, now, state.new_unit_of_work())
        renewed = session is not None and await sign_in.renew_session(session, now, idle, state.new_unit_of_work())
        if session is not None and session.roles_stale and session.person_id is not None:
            try:
                roles = await state.clients.roles(session.person_id)
            except ServiceError:  # not known now: no staff role until profiles answers (asked again next time)
                session.administrator, session.coordinator_of = False, ()
            else:
                await sign_in.refresh_roles(session, roles, state.new_unit_of_work())
    visitor = _visit_with(request, session, session_id)
    if renewed and session_id:  # its cookie lasts as long again
        visitor.cookies.append((SESSION_COOKIE, session_id, int(idle.total_seconds())))
    return visitor


def _visit_with(request: Request, session: Session | None, session_id: str | None) -> Visit:
    cookies: list[tuple[str, str, int | None]] = []
    if session is not None:
        csrf = session.csrf_token
    else:
        visit_id = request.cookies.get(PRE_SESSION_COOKIE) or ""
        if len(visit_id) < 32:
            visit_id = secrets.token_urlsafe(32)
            cookies.append((PRE_SESSION_COOKIE, visit_id, None))
        csrf = _pre_session_token(app_state(request).settings.form_key.get_secret_value(), visit_id)
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if session is None and chosen not in LANGUAGES and (linked := linked_language(request)):
        # A link from an email says its reader's language: a browser that chose none reads the page in it, and
        # the pages after it (signing in) too, whatever the browser's own language.
        chosen = linked
        cookies.append((LANGUAGE_COOKIE, linked, LANGUAGE_KEPT_SECONDS))
    language = (session.language if session else None) or (chosen if chosen in LANGUAGES else None) \
        or negotiate(request.headers.get("accept-language"))
    return Visit(request, session if session_id else None, session_id if session else None, language, csrf, cookies)


def linked_language(request: Request) -> str | None:
    """The language a link from an email was written in (its `lang`), when it is one of ours."""
    linked = request.query_params.get("lang")
    return linked if linked in LANGUAGES else None


def unavailable_page(scope: dict, code: str, message: str) -> Response:
    """What a person sees when the web's own database is away (plumbing's 503, which the services answer as JSON):
    a page in their language, rendered without the session, which lives in that database."""
    visitor = _visit_with(Request(scope), None, None)
    return render(visitor, "problem.html", 503, message=visitor.error_words("service_unavailable"))


Visiting = Annotated[Visit, Depends(visit)]


async def person(visitor: Visiting) -> Visit:
    """A signed-in person with a profile (else: to sign-in, or to finish signing up)."""
    if visitor.session is None:
        raise SignInNeeded(back_after_sign_in(visitor.request))
    if visitor.session.person_id is None:
        raise SignUpNeeded()
    return visitor


Person = Annotated[Visit, Depends(person)]


async def newcomer(visitor: Visiting) -> Visit:
    """Signed in by a confirmed address, with or without a profile yet (the sign-up wizard)."""
    if visitor.session is None:
        raise SignInNeeded(back_after_sign_in(visitor.request))
    return visitor


Newcomer = Annotated[Visit, Depends(newcomer)]


async def form(request: Request, visitor: Visiting) -> FormData:
    """The posted form, once its CSRF token (a field, or the header HTMX sends) is the page's, and the browser does
    not say it came from another site."""
    if sent_from_elsewhere(request):
        raise CsrfRefused(from_elsewhere=True)
    posted = await request.form()
    given = str(posted.get("csrf") or request.headers.get("x-csrf-token") or "")
    if not given or not same(given, visitor.csrf):
        raise CsrfRefused()
    return posted


Form = Annotated[FormData, Depends(form)]


def sent_from_elsewhere(request: Request) -> bool:
    """Whether the browser says another site sent this: a second guard besides the token, which a page of ours that
    leaked it would otherwise open to any site. Browsers say it in Sec-Fetch-Site; older ones in Origin only, which
    this site's Referrer-Policy (no-referrer) makes "null" even for its own forms. A request that says nothing (not a
    browser's) is left to the token."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site in ("cross-site", "same-site")
    origin = request.headers.get("origin")
    if origin in (None, "null"):
        return False
    # This site: as the request reached it, or as people reach it (a proxy may give the web another Host).
    ours = {f"{request.url.scheme}://{request.url.netloc}", _origin(app_state(request).settings.public_base_url)}
    return origin not in ours


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


async def office_hour_names(visitor: Visit) -> dict[str, str]:
    """The names an office-hours page may show this person, by person id: their partners' (profiles), and whoever is
    on the other side of an office hour of theirs (notifications, as its emails named them). Without either, the page
    goes on naming fewer."""
    api = clients(visitor.request)
    partners, booked_with = await asyncio.gather(unless_refused(api.partners(visitor.who, visitor.person_id)),
                                                 unless_refused(api.booked_with(visitor.who, visitor.person_id)))
    return {**{p["id"]: p["display_name"] for p in partners or ()},
            **{b["person_id"]: b["display_name"] for b in booked_with or ()}}


async def unless_refused(call: Awaitable[Any]) -> Any:
    """What a service answers, or None when it refuses or fails: for what is secondary to a page."""
    try:
        return await call
    except ServiceError:
        return None


async def chapter_of(visitor: Visit, chapter_id: object) -> dict | None:
    """The chapter (its name, the address it gave its people to write to its coordinators): secondary to any page, so
    a chapter list that cannot be read leaves it out rather than the page."""
    if not chapter_id:
        return None
    chapters = await unless_refused(clients(visitor.request).chapters(visitor.who)) or []
    return next((c for c in chapters if c["id"] == str(chapter_id)), None)


async def chapter_contact(visitor: Visit, chapter_id: object) -> str | None:
    """The address a chapter gave its people to write to its coordinators (who organize its events), if it gave one."""
    return (await chapter_of(visitor, chapter_id) or {}).get("contact_email")


def offers_office_hours(visitor: Visit, enrollments: list[dict]) -> bool:
    """Whether events lets this person offer office hours: a mentor a program has approved, whatever their stage or
    alumni standing (events decides; the pages only spare others a form that would be refused)."""
    if visitor.session is None:
        return False
    return any(e["active"] and e["role"] == "mentor" and e.get("approval", "approved") == "approved"
               for e in enrollments)


def htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def local(path: str | None, default: str = "/") -> str:
    """A path on this site only (never another site: an open redirect)."""
    if not path:
        return default
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return default
    return path


R = TypeVar("R", bound=Response)


def set_cookies(response: R, visitor: Visit) -> R:
    for name, value, max_age in visitor.cookies:
        if value:
            response.set_cookie(name, value, max_age=max_age, path="/", secure=True, httponly=True, samesite="lax")
        else:
            response.delete_cookie(name, path="/", secure=True, httponly=True, samesite="lax")
    return response


def here(request: Request) -> str:
    """The page to come back to (after switching language): this address with its query; for the answer to a form,
    its own address when that is also a page (the form was on it), else the page that address belongs to
    (`/mentorships/7/meetings` is the mentorship's), else the home page (a page that knows better passes `here`)."""
    url = request.url
    if request.method in ("GET", "HEAD"):
        return local(f"{url.path}?{url.query}" if url.query else url.path)
    path = url.path.rstrip("/")
    while path:
        as_page = {**request.scope, "method": "GET", "path": path}
        if any(route.matches(as_page)[0] is Match.FULL for route in request.app.router.routes):
            return local(path)
        path = path.rsplit("/", 1)[0]
    return "/"


def back_after_sign_in(request: Request) -> str:
    """Where signing in leads back to: this page; for a form sent once the session had ended, the page of this site
    the form was on (HTMX names it, a browser's Referer does), as the form's own address may take only forms: else, as
    `here`, the page that address belongs to, since this site's Referrer-Policy keeps browsers from naming it."""
    if request.method not in ("GET", "HEAD"):
        # This site: as the request reached it, or as people reach it (a proxy may give the web another Host).
        ours = {request.url.netloc, urlsplit(app_state(request).settings.public_base_url).netloc}
        for header in ("hx-current-url", "referer"):
            sent = urlsplit(request.headers.get(header, ""))
            if sent.netloc in ours and sent.path:
                return local(f"{sent.path}?{sent.query}" if sent.query else sent.path)
    return here(request)


def go_to(request: Request, to: str) -> Response:
    """To another page, whole: an HTMX request is told to load it (HX-Redirect), else it would follow a redirect
    and swap the whole page into the section that asked."""
    if htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": to})
    return RedirectResponse(to, status_code=303)


def render(visitor: Visit, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    state = app_state(visitor.request)
    base = {
        "lang": visitor.language, "csrf": visitor.csrf, "session": visitor.session, "tz": visitor.timezone,
        "path": visitor.request.url.path, "here": here(visitor.request), "labels": labels,
        "signed_in": visitor.session is not None, "htmx": htmx(visitor.request),
        "oidc_name": state.settings.oidc_name if state.oidc is not None else None,
    }
    html = state.renderer.render(visitor.language, template, {**base, **context})
    return set_cookies(HTMLResponse(html, status_code=status), visitor)


def redirect(visitor: Visit, to: str) -> Response:
    """After a form: see the result at `to` (303, so a reload does not post again)."""
    return set_cookies(RedirectResponse(local(to), status_code=303), visitor)


def make_renderer(templates, translations) -> Renderer:
    return Renderer(templates, translations)
