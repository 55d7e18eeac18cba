"""What every console page shares: who the staff member is (profiles says, at each request), the console's API
client and renderer (the participants' catalogue merged with the console's own), rendering with the page's
language, and a service's "not found" or "not yours" shown as this site's not-found page.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterable, Mapping
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID
from zoneinfo import ZoneInfo

from babel.dates import format_time
from babel.support import Translations
from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from starlette.datastructures import FormData

from ..adapters.rendering import LANGUAGES, REGIONAL, Renderer, install, load_translations
from ..adapters.service_tokens import ServiceTokens
from ..adapters.services import PooledHttp, ServiceError
from ..entrypoints import labels as participant_labels
from ..entrypoints.web import Person, Visit, here, htmx, redirect, set_cookies
from . import labels
from .api import SERVICES, ConsoleApi, Staff

WEB = Path(__file__).parent.parent
TEMPLATES = WEB / "templates"
TRANSLATIONS = WEB / "translations"
DOMAIN = "console"


class ConsoleRenderer(Renderer):
    """The web's renderer with the console's catalogue merged into each language's (`Translations.merge`), and
    `t` for the console's messages (the same gettext as `_`; `t` keeps them out of `messages.po`)."""

    def __init__(self, templates: Path = TEMPLATES, translations: Path = TRANSLATIONS) -> None:
        super().__init__(templates, translations)
        for language in LANGUAGES:
            own = load_translations(TRANSLATIONS, language, DOMAIN)
            catalogue = self._translations[language]
            if isinstance(own, Translations):
                if isinstance(catalogue, Translations):
                    catalogue.merge(own)
                else:
                    self._translations[language] = own
                    install(self._environments[language], own)
            environment = self._environments[language]
            environment.globals["t"] = environment.globals["gettext"]
            environment.globals["tn"] = environment.globals["ngettext"]
            environment.globals["console"] = labels
            environment.filters["number"] = _number
            environment.filters["clock"] = partial(_clock, language=language)


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _clock(value: str, timezone: str, language: str) -> str:
    """The time of day of an instant in a zone (an event's), as "1:39 PM": said at the door, where the day is today."""
    return format_time(datetime.fromisoformat(value), "short", tzinfo=ZoneInfo(timezone), locale=REGIONAL[language])


def renderer(request: Request) -> ConsoleRenderer:
    state = request.app.state
    if getattr(state, "console_renderer", None) is None:
        state.console_renderer = ConsoleRenderer()
    return state.console_renderer


def api(request: Request) -> ConsoleApi:
    """The console's client: its own connection pool, the web's signing key (made at first use)."""
    state = request.app.state
    if getattr(state, "console_api", None) is None:
        settings = state.settings
        tokens = ServiceTokens(settings.jwt_private_key.get_secret_value(), settings.service_token_seconds)
        urls = {name: getattr(settings, f"{name}_url") for name in SERVICES}
        http = PooledHttp(settings.service_timeout_seconds, connections=50)
        state.console_api = ConsoleApi(http, urls, tokens)
    return state.console_api


class NotStaff(Exception):
    """Not a coordinator nor an administrator: the console is not there for them (shown as not found)."""


class Desk:
    """One console request: the visit, the staff member, and helpers to render and to word errors."""

    def __init__(self, visitor: Visit, staff: Staff) -> None:
        self.visitor, self.staff = visitor, staff
        self.request = visitor.request
        self.api = api(visitor.request)
        self.renderer = renderer(visitor.request)

    @property
    def language(self) -> str:
        return self.visitor.language

    def _(self, message: str, **values: Any) -> str:
        said = self.renderer.gettext(self.language, message)
        return said % values if values else said

    def tn(self, singular: str, plural: str, num: int) -> str:
        """The form for `num` (`%(num)s` in it), as templates' `tn`."""
        return self.renderer.ngettext(self.language, singular, plural, num) % {"num": num}

    def error_words(self, error: ServiceError | str) -> str:
        code = error if isinstance(error, str) else error.code
        if code in labels.ERRORS:
            return self._(labels.ERRORS[code])
        if code in participant_labels.ERRORS:
            return self._(participant_labels.ERRORS[code])
        return self._(labels.GENERIC_ERROR)

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        visitor = self.visitor
        base = {
            "lang": visitor.language, "csrf": visitor.csrf, "session": visitor.session, "tz": visitor.timezone,
            "path": visitor.request.url.path, "labels": participant_labels, "signed_in": True,
            "htmx": htmx(visitor.request), "staff": self.staff, "query": visitor.request.url.query,
            "here": here(visitor.request),
        }
        html = self.renderer.render(visitor.language, template, {**base, **context})
        return set_cookies(HTMLResponse(html, status_code=status), visitor)

    def redirect(self, to: str) -> Response:
        return redirect(self.visitor, to)

    def not_theirs(self) -> HTMLResponse:
        """A chapter's thing the staff member does not coordinate: not found, to a page opened (never a hint that it
        exists); to a button pressed on a page that showed it, that they no longer coordinate its chapter (a role
        taken back since the page opened)."""
        if self.request.method != "POST":
            return self.render("console/not_found.html", 404)
        return self.render("console/no_longer_staff.html", 403, of_this_chapter=True)

    async def names(self, ids) -> dict[str, str]:
        return await self.api.names(self.staff, ids)

    async def every_program(self) -> list[dict]:
        """Every program profiles lists, national ones included: to name (and say the mentees' stages of) a program
        its answers hold that the staff member does not run, as a national program whose mentors of their chapter
        await their approval."""
        return await self.api.call("profiles", "GET", "/v1/programs", self.staff)

    async def programs(self) -> list[dict]:
        """The programs this staff member runs: their chapters' (a coordinator), every one (an administrator)."""
        return self.runs(await self.every_program())

    def runs(self, programs: list[dict]) -> list[dict]:
        """Of these programs, those this staff member runs."""
        return [p for p in programs if self.staff.coordinates(p.get("chapter_id"))]

    async def chapters(self) -> list[dict]:
        found = await self.api.call("profiles", "GET", "/v1/chapters", self.staff)
        return [c for c in found if self.staff.coordinates(c["id"])]

    def chapter_listed(self, chapter_id: str) -> str:
        """The chapter a list is of: the one chosen, if the staff member's; else a coordinator's first (the services
        list a coordinator's things one chapter at a time, unless they have only one), an administrator's none
        (every chapter)."""
        chosen = uuid_or_none(chapter_id) if chapter_id else None
        if chosen is not None and self.staff.coordinates(chosen):
            return str(chosen)
        return "" if self.staff.administrator else str(self.staff.coordinator_of[0])


async def event_titles(desk: Desk, event_ids: Iterable[UUID]) -> dict[str, str]:
    """The titles of these events, by id, each asked of events once: those it shows the staff member (an
    administrator sees every event), the others (gone, or another chapter's draft) left unnamed."""
    async def title(event_id: UUID) -> tuple[str, str | None]:
        try:
            return str(event_id), (await desk.api.call("events", "GET", f"/v1/events/{event_id}", desk.staff))["title"]
        except ServiceError as error:
            if error.status not in (403, 404):
                raise
            return str(event_id), None
    return {event_id: found for event_id, found in await asyncio.gather(*map(title, set(event_ids))) if found}


async def desk(visitor: Person) -> Desk:
    visitor.request.state.console_visit = visitor
    staff = await api(visitor.request).staff(visitor.person_id)
    if staff is None:
        raise NotStaff()
    return Desk(visitor, staff)


Console = Annotated[Desk, Depends(desk)]


def not_found(visitor_or_desk: Visit | Desk) -> HTMLResponse:
    if isinstance(visitor_or_desk, Desk):
        return visitor_or_desk.render("console/not_found.html", 404)
    return _without_console(visitor_or_desk, "console/not_found.html", 404)


def no_longer_staff(visitor: Visit) -> HTMLResponse:
    """A button pressed on a console page by someone profiles no longer calls staff: the page was open when their
    role was taken back (no console page is shown to anyone else), so that is what they are told, with a link home."""
    return _without_console(visitor, "console/no_longer_staff.html", 403)


def _without_console(visitor: Visit, template: str, status: int) -> HTMLResponse:
    html = renderer(visitor.request).render(visitor.language, template, {
        "lang": visitor.language, "csrf": visitor.csrf, "session": visitor.session, "tz": visitor.timezone,
        "path": visitor.request.url.path, "labels": participant_labels, "signed_in": visitor.session is not None,
        "htmx": False, "staff": None})
    return set_cookies(HTMLResponse(html, status_code=status), visitor)


class ConsoleRoute(APIRoute):
    """A console page answers "not found" for what is not the staff member's to see: not staff at all, or a
    service's 403/404 (another chapter's thing: never a hint that it exists)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except NotStaff:
                if request.method == "POST":
                    return no_longer_staff(request.state.console_visit)
                return not_found(request.state.console_visit)
            except ServiceError as error:
                if error.status in (403, 404) and getattr(request.state, "console_visit", None) is not None:
                    return not_found(request.state.console_visit)
                raise
            except RequestValidationError:
                # A malformed id in the path: nothing here (a form's fields are read by the pages themselves).
                if getattr(request.state, "console_visit", None) is not None:
                    return not_found(request.state.console_visit)
                raise

        return guarded


def text(posted: FormData, name: str, limit: int = 500) -> str:
    return str(posted.get(name) or "").strip()[:limit]


def spreadsheet_file(text: str, filename: str) -> Response:
    """CSV to download, marked as UTF-8 by its byte order mark: without it a spreadsheet reads "José Núñez" or
    "Inscripción" as another encoding, mangled."""
    return Response("\ufeff" + text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def uuid_or_none(value: Any) -> UUID | None:
    try:
        return UUID(str(value))
    except (TypeError, ValueError):
        return None


def pages(path: str, filters: Mapping[str, str], offset: int, size: int, more: bool,
          anchor: str = "") -> dict[str, str | None]:
    """The addresses of a list's previous and next pages of `size` (None: there is none), its filters kept."""
    def at(start: int) -> str:
        query = urlencode({k: v for k, v in {**filters, "offset": str(start) if start else ""}.items() if v})
        return f"{path}?{query}{anchor}" if query else path + anchor

    return {"previous": at(max(offset - size, 0)) if offset > 0 else None, "next": at(offset + size) if more else None}
