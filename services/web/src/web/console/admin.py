"""For national administrators: chapters, granting and revoking the coordinator role, and the audit trail of the four
services merged, newest first, with names joined. (Programs, national ones and any chapter's: program_settings.)"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from urllib.parse import urlencode
from uuid import UUID

from email_validator import EmailNotValidError, validate_email
from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import FormData

from ..adapters.services import ServiceError
from ..entrypoints.account import TIME_ZONES, zones_with
from ..entrypoints.web import Form
from . import labels
from .api import AUDITED
from .core import Console, ConsoleRoute, Desk, event_titles, not_found, text, uuid_or_none
from .labels import C_
from .people import person_page

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
AUDIT_PAGE = 50


def _admin_only(desk: Desk) -> Response | None:
    """A page every console user knows of (the audit trail, the chapters) refused as such to a coordinator: told it
    is not theirs, not that it is missing."""
    return None if desk.staff.administrator else desk.render("console/administrators_only.html", 403)


def _refused(error: ServiceError) -> bool:
    return error.status not in (403, 404) and error.status < 500


@router.get("/chapters")
async def chapters(desk: Console, done: str | None = None) -> Response:
    if refused := _admin_only(desk):
        return refused
    listed, coordinators = await asyncio.gather(desk.chapters(), _coordinators(desk))
    return desk.render("console/chapters.html", chapters=listed, time_zones=TIME_ZONES, done=done,
                       values={"timezone": "America/New_York"}, coordinators=coordinators)


async def _coordinators(desk: Desk) -> dict[str, list[dict]] | None:
    """Each chapter's coordinators by name (`name`, `person_id`, `suspended`), for an administrator to find and revoke
    one who left on their page; None where profiles cannot say (the page works without it)."""
    try:
        found = await desk.api.call("profiles", "GET", "/v1/coordinators", desk.staff)
    except ServiceError as error:
        if error.status < 500:
            raise
        return None
    names = await desk.names({c["person_id"] for c in found})
    by_chapter: dict[str, list[dict]] = {}
    for c in found:
        by_chapter.setdefault(c["chapter_id"], []).append({**c, "name": names.get(c["person_id"], "")})
    return {chapter: sorted(people, key=lambda p: p["name"].casefold()) for chapter, people in by_chapter.items()}


def _chapter_form(desk: Desk, posted: FormData, zones: tuple[str, ...] = TIME_ZONES
                  ) -> tuple[dict[str, str | None], dict[str, str]]:
    """A chapter's form as typed, and what it lacks (profiles says the rest: a name another chapter has, an address
    that is none). The contact address is optional: left empty, there is none. Every field is checked at once, in
    the form's order (its summary lists them so)."""
    values: dict[str, str | None] = {"name": text(posted, "name", 200), "timezone": text(posted, "timezone", 100),
                                     "contact_email": text(posted, "contact_email", 254) or None}
    problems = {}
    if not values["name"]:
        problems["name"] = desk._(labels.CHAPTER_PROBLEMS["name"])
    if values["timezone"] not in zones:
        problems["timezone"] = desk._(labels.CHAPTER_PROBLEMS["timezone"])
    if values["contact_email"] and not _an_address(values["contact_email"]):
        problems["contact_email"] = desk._(labels.CHAPTER_PROBLEMS["contact_email"])
    return values, problems


def _an_address(typed: str) -> bool:
    """Whether it is one email address as profiles takes it (its EmailStr is this same check): said with the other
    fields' problems at once, not only after they are mended and profiles refuses it."""
    try:
        validate_email(typed, check_deliverability=False, allow_display_name=False)
        return True
    except EmailNotValidError:
        return False


async def _save_chapter(desk: Desk, method: str, path: str, body: Mapping[str, str | None],
                        problems: dict[str, str]) -> bool:
    """Asks profiles to save it; a refusal is worded next to the field profiles names (else the name)."""
    try:
        await desk.api.call("profiles", method, path, desk.staff, json=body)
        return True
    except ServiceError as error:
        if not _refused(error):
            raise
        if error.field == "contact_email":
            problems["contact_email"] = desk._(labels.CHAPTER_PROBLEMS["contact_email"])
        else:
            problems["name"] = desk.error_words(error)
        return False


@router.post("/chapters")
async def add_chapter(desk: Console, posted: Form) -> Response:
    if refused := _admin_only(desk):
        return refused
    values, problems = _chapter_form(desk, posted)
    made = {k: v for k, v in values.items() if v is not None}  # no contact address: none given
    if not problems and await _save_chapter(desk, "POST", "/v1/chapters", made, problems):
        return desk.redirect("/console/chapters?done=chapter_saved")
    listed, coordinators = await asyncio.gather(desk.chapters(), _coordinators(desk))
    return desk.render("console/chapters.html", 422, chapters=listed, time_zones=TIME_ZONES, values=values,
                       problems=problems, coordinators=coordinators)


async def _chapter(desk: Desk, chapter_id: UUID) -> dict | None:
    return next((c for c in await desk.chapters() if c["id"] == str(chapter_id)), None)


@router.get("/chapters/{chapter_id}")
async def chapter_page(chapter_id: UUID, desk: Console) -> Response:
    if (refused := _admin_only(desk)) or (chapter := await _chapter(desk, chapter_id)) is None:
        return refused or not_found(desk)
    return desk.render("console/chapter.html", chapter=chapter, values=chapter, time_zones=zones_with(chapter))


@router.post("/chapters/{chapter_id}")
async def change_chapter(chapter_id: UUID, desk: Console, posted: Form) -> Response:
    """Renamed (a name of its own: the duplicates a migration numbered need one) or moved to another time zone."""
    if (refused := _admin_only(desk)) or (chapter := await _chapter(desk, chapter_id)) is None:
        return refused or not_found(desk)
    values, problems = _chapter_form(desk, posted, zones_with(chapter))
    changed = {k: v for k, v in values.items() if v != chapter.get(k)}
    if not problems and (not changed or await _save_chapter(desk, "PATCH", f"/v1/chapters/{chapter_id}", changed,
                                                             problems)):
        return desk.redirect("/console/chapters?done=chapter_saved")
    return desk.render("console/chapter.html", 422, chapter=chapter, values=values, problems=problems,
                       time_zones=zones_with(chapter))


@router.post("/people/{person_id}/roles/coordinator")
async def grant_or_revoke(person_id: UUID, desk: Console, posted: Form) -> Response:
    if refused := _admin_only(desk):
        return refused
    chapter = uuid_or_none(posted.get("chapter_id"))
    revoke = posted.get("revoke") == "1"
    if chapter is None and revoke:  # a revoke names its chapter: a page from elsewhere, nothing to do
        return desk.redirect(f"/console/people/{person_id}#roles")
    if chapter is None:  # "Make coordinator" with no chapter chosen: asked next to the list (the page only reloaded)
        return await person_page(desk, person_id, 422,
                                 problems={"coordinator-chapter": desk._(C_("Choose the chapter they will coordinate."))})
    if posted.get("confirm") != "yes":  # asked first, on the person's page: a chapter's people are at stake either way
        if revoke:
            return await person_page(desk, person_id, asking_revoke=str(chapter))
        return await person_page(desk, person_id, asking_grant=str(chapter))
    await desk.api.call("profiles", "DELETE" if revoke else "PUT",
                        f"/v1/people/{person_id}/roles/coordinator/{chapter}", desk.staff)
    return desk.redirect(f"/console/people/{person_id}?done={'revoked' if revoke else 'granted'}#roles")


@router.get("/audit")
async def audit(desk: Console, action: str = "", chapter_id: str = "", before: str = "", after: str = "") -> Response:
    """A page of the trail, newest first: the newest, or the page older than `before` or newer than `after`."""
    if refused := _admin_only(desk):
        return refused
    chapter = uuid_or_none(chapter_id)
    action = action if action.replace(".", "").replace("_", "").isalpha() else ""
    filters = {"action": action, "chapter_id": str(chapter or "")}
    newer_than = _ids(after, least=0)
    found, chapters, programs = await asyncio.gather(
        desk.api.audit(desk.staff, AUDIT_PAGE, chapter_id=filters["chapter_id"] or None, action=action or None,
                       before=None if newer_than else _ids(before, least=1), after=newer_than),
        desk.chapters(), desk.programs())
    shown = found.entries
    people = ({e["actor"] for e in shown} | {e["subject_id"] for e in shown if e["subject_kind"] == "person"}
              | {e["detail"].get("person_id") for e in shown
                 if e["subject_kind"] in ("notification", "enrollment", "registration")}
              | {e["detail"].get("host_id") for e in shown if e["subject_kind"] == "office_hour_slot"})
    names, events = await asyncio.gather(desk.names(p for p in people if uuid_or_none(p)),
                                         event_titles(desk, {i for e in shown if (i := _event_of(e))}))

    def page(side: str, ids: tuple[int, ...] | None) -> str | None:
        if ids is None:
            return None
        return "/console/audit?" + urlencode({**{k: v for k, v in filters.items() if v}, side: ",".join(map(str, ids))})

    return desk.render("console/audit.html", entries=shown, names=names, newer=page("after", found.newer),
                       older=page("before", found.older), action=action, chapter_id=filters["chapter_id"],
                       chapters={c["id"]: c for c in chapters}, chapter_list=chapters,
                       programs={p["id"]: p for p in programs}, events=events,
                       tokens={e["actor"] for e in shown if not uuid_or_none(e["actor"])})


def _event_of(entry: dict) -> UUID | None:
    """The event an audit entry is about: its subject, or the event of the registration it is about."""
    if entry["subject_kind"] == "scheduled_event":
        return uuid_or_none(entry["subject_id"])
    # A registration's event, or the event whose registrants' addresses were read (`people.contacts_read`).
    return uuid_or_none(entry["detail"].get("scheduled_event_id")) \
        if entry["subject_kind"] in ("registration", "person") else None


def _ids(value: str, least: int) -> tuple[int, ...] | None:
    """An id per audited service, as a page's link gives them (None: not such a list)."""
    try:
        ids = tuple(int(part) for part in value.split(","))
    except ValueError:
        return None
    return ids if len(ids) == len(AUDITED) and all(least <= i <= 2**62 for i in ids) else None
