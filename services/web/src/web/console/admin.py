"""For national administrators: chapters, granting and revoking the coordinator role, and the audit trail of the four
services merged, newest first, with names joined. (Programs, national ones and any chapter's: program_settings.)"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from ..adapters.services import ServiceError
from ..entrypoints.account import TIME_ZONES
from ..entrypoints.web import Form
from . import labels
from .api import AUDITED
from .core import Console, ConsoleRoute, Desk, text, uuid_or_none

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
AUDIT_PAGE = 50


def _admin_only(desk: Desk) -> Response | None:
    return None if desk.staff.administrator else desk.render("console/not_found.html", 404)


def _refused(error: ServiceError) -> bool:
    return error.status not in (403, 404) and error.status < 500


@router.get("/chapters")
async def chapters(desk: Console, done: str | None = None) -> Response:
    if refused := _admin_only(desk):
        return refused
    return desk.render("console/chapters.html", chapters=await desk.chapters(), time_zones=TIME_ZONES, done=done,
                       values={"timezone": "America/New_York"})


@router.post("/chapters")
async def add_chapter(desk: Console, posted: Form) -> Response:
    if refused := _admin_only(desk):
        return refused
    values = {"name": text(posted, "name", 200), "timezone": text(posted, "timezone", 100)}
    problems = {}
    if not values["name"]:
        problems["name"] = desk._(labels.CHAPTER_PROBLEMS["name"])
    if values["timezone"] not in TIME_ZONES:
        problems["timezone"] = desk._(labels.CHAPTER_PROBLEMS["timezone"])
    if not problems:
        try:
            await desk.api.call("profiles", "POST", "/v1/chapters", desk.staff, json=values)
            return desk.redirect("/console/chapters?done=chapter_saved")
        except ServiceError as error:
            if not _refused(error):
                raise
            problems["name"] = desk.error_words(error)
    return desk.render("console/chapters.html", 422, chapters=await desk.chapters(), time_zones=TIME_ZONES,
                       values=values, problems=problems)


@router.post("/people/{person_id}/roles/coordinator")
async def grant_or_revoke(person_id: UUID, desk: Console, posted: Form) -> Response:
    if refused := _admin_only(desk):
        return refused
    chapter = uuid_or_none(posted.get("chapter_id"))
    revoke = posted.get("revoke") == "1"
    if chapter is None:  # none chosen: nothing granted, nothing to say
        return desk.redirect(f"/console/people/{person_id}#roles")
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
              | {e["detail"].get("person_id") for e in shown if e["subject_kind"] == "notification"})
    names = await desk.names(p for p in people if uuid_or_none(p))

    def page(side: str, ids: tuple[int, ...] | None) -> str | None:
        if ids is None:
            return None
        return "/console/audit?" + urlencode({**{k: v for k, v in filters.items() if v}, side: ",".join(map(str, ids))})

    return desk.render("console/audit.html", entries=shown, names=names, newer=page("after", found.newer),
                       older=page("before", found.older), action=action, chapter_id=filters["chapter_id"],
                       chapters={c["id"]: c for c in chapters}, chapter_list=chapters,
                       programs={p["id"]: p for p in programs})


def _ids(value: str, least: int) -> tuple[int, ...] | None:
    """An id per audited service, as a page's link gives them (None: not such a list)."""
    try:
        ids = tuple(int(part) for part in value.split(","))
    except ValueError:
        return None
    return ids if len(ids) == len(AUDITED) and all(least <= i <= 2**62 for i in ids) else None
