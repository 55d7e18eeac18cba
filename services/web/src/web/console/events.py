"""Events in the console: a chapter's (or, for administrators, national) events with their drafts; create, edit,
publish, cancel; the roster with names and the waitlist; removing a registrant with a reason; a check-in page made
for a phone at the door; the attendance as CSV (the web joins the names)."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter
from fastapi.responses import Response

from ..adapters.services import ServiceError
from ..entrypoints import labels as participant_labels
from ..entrypoints.account import TIME_ZONES
from ..entrypoints.web import Form
from .core import Console, ConsoleRoute, Desk, text, uuid_or_none

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)

STATES = ("draft", "published", "cancelled", "completed")
MOMENTS = ("starts_at", "ends_at", "registration_deadline")


def _refused(error: ServiceError) -> bool:
    return error.status not in (403, 404) and error.status < 500


@router.get("/events")
async def events(desk: Console, status: str = "", done: str | None = None) -> Response:
    status = status if status in STATES else ""
    chapters = await desk.chapters()
    states = [status] if status else ["draft", "published"]  # "any": what is being prepared and what is open
    chapters_asked: list[str | None] = [None] if desk.staff.administrator else [
        str(c) for c in desk.staff.coordinator_of]
    asked = [desk.api.call("events", "GET", "/v1/events", desk.staff,
                           params={"chapter_id": chapter, "status": state, "limit": 200})
             for chapter in chapters_asked for state in states]
    found = [e for listed in await asyncio.gather(*asked) for e in (listed.get("items", listed)
                                                                   if isinstance(listed, dict) else listed)]
    unique = {e["id"]: e for e in found}
    return desk.render("console/events.html", events=sorted(unique.values(), key=lambda e: e["starts_at"]),
                       state_filter=status, chapters={c["id"]: c for c in chapters}, done=done)


def _local(value: str, zone: str) -> str | None:
    """A `datetime-local` value read in the event's time zone, as ISO 8601 with its offset."""
    try:
        moment = datetime.fromisoformat(value)
        return moment.replace(tzinfo=ZoneInfo(zone)).isoformat()
    except (ValueError, ZoneInfoNotFoundError):
        return None


def _as_local(value: str | None, zone: str) -> str:
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value).astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")
    except (ValueError, ZoneInfoNotFoundError):
        return ""


def _event_form(posted, desk: Desk, creating: bool) -> tuple[dict, dict, dict]:
    values: dict[str, Any] = {k: text(posted, k, 4000) for k in ("title", "description", "kind", "timezone", "capacity",
                                                 "location", "virtual_link", "chapter_id", *MOMENTS)}
    values["is_virtual"] = posted.get("is_virtual") == "on"
    values["audience_stages"] = [s for s in posted.getlist("audience_stages") if s in participant_labels.STAGES]
    problems: dict[str, str] = {}
    required = desk.error_words("invalid_request")
    if not values["title"]:
        problems["title"] = required
    if values["kind"] not in participant_labels.EVENT_KINDS:
        problems["kind"] = required
    zone = values["timezone"] if values["timezone"] in TIME_ZONES else None
    if zone is None:
        problems["timezone"] = required
    body: dict[str, Any] = {"title": values["title"][:200], "description": values["description"],
                            "timezone": zone, "is_virtual": values["is_virtual"],
                            "audience_stages": values["audience_stages"],
                            "location": values["location"] or None, "virtual_link": values["virtual_link"] or None}
    for name in MOMENTS:
        moment = _local(values[name], zone) if zone else None
        if moment is None:
            problems[name] = required
        body[name] = moment
    try:
        body["capacity"] = int(values["capacity"])
    except ValueError:
        problems["capacity"] = required
    if creating:
        body["kind"] = values["kind"]
        chapter = uuid_or_none(values["chapter_id"])
        if chapter is None and not desk.staff.administrator:
            problems["chapter_id"] = required
        body["chapter_id"] = str(chapter) if chapter else None
    return values, body, problems


async def _form_page(desk: Desk, event: dict | None, values: dict, status: int = 200, **context: Any) -> Response:
    chapters = await desk.chapters()
    return desk.render("console/event_form.html", status, event=event, values=values, chapters=chapters,
                       time_zones=TIME_ZONES, **context)


@router.get("/events/new")
async def new_event(desk: Console) -> Response:
    chapters = desk.staff.coordinator_of
    return await _form_page(desk, None, {"timezone": "America/New_York", "capacity": "30",
                                         "chapter_id": str(chapters[0]) if chapters else "",
                                         "kind": "chapter_session", "audience_stages": []})


@router.post("/events/new")
async def create_event(desk: Console, posted: Form) -> Response:
    values, body, problems = _event_form(posted, desk, creating=True)
    if not problems:
        try:
            made = await desk.api.call("events", "POST", "/v1/events", desk.staff, json=body)
            return desk.redirect(f"/console/events/{made['id']}?done=event_saved")
        except ServiceError as error:
            if not _refused(error):
                raise
            problems[error.field if error.field in values else "form"] = desk.error_words(error)
    return await _form_page(desk, None, values, 422, problems=problems)


@router.get("/events/{event_id}/edit")
async def edit_event(event_id: UUID, desk: Console) -> Response:
    event = await desk.api.call("events", "GET", f"/v1/events/{event_id}", desk.staff)
    values = {**event, **{m: _as_local(event.get(m), event["timezone"]) for m in MOMENTS},
              "capacity": str(event["capacity"])}
    return await _form_page(desk, event, values)


@router.post("/events/{event_id}/edit")
async def save_event(event_id: UUID, desk: Console, posted: Form) -> Response:
    event = await desk.api.call("events", "GET", f"/v1/events/{event_id}", desk.staff)
    values, body, problems = _event_form(posted, desk, creating=False)
    if not problems:
        try:
            await desk.api.call("events", "PATCH", f"/v1/events/{event_id}", desk.staff, json=body)
            return desk.redirect(f"/console/events/{event_id}?done=event_saved")
        except ServiceError as error:
            if not _refused(error):
                raise
            problems[error.field if error.field in values else "form"] = desk.error_words(error)
    return await _form_page(desk, event, values, 422, problems=problems)


async def _event_page(desk: Desk, event_id: UUID, status: int = 200, **context: Any) -> Response:
    event, roster = await asyncio.gather(
        desk.api.call("events", "GET", f"/v1/events/{event_id}", desk.staff),
        desk.api.call("events", "GET", f"/v1/events/{event_id}/registrations", desk.staff))
    entries = roster.get("registrations", []) if isinstance(roster, dict) else roster
    names = await desk.names(r["person_id"] for r in entries)
    seated = [r for r in entries if r["status"] == "confirmed"]
    waiting = sorted((r for r in entries if r["status"] == "waitlisted"),
                     key=lambda r: r.get("waitlist_position") or 0)
    others = [r for r in entries if r["status"] not in ("confirmed", "waitlisted")]
    return desk.render("console/event.html", status, event=event, seated=seated, waiting=waiting, others=others,
                       counts=roster.get("counts", {}) if isinstance(roster, dict) else {}, names=names, **context)


@router.get("/events/{event_id}")
async def event(event_id: UUID, desk: Console, done: str | None = None) -> Response:
    return await _event_page(desk, event_id, done=done)


@router.post("/events/{event_id}/{action}")
async def publish_or_cancel(event_id: UUID, action: str, desk: Console, posted: Form) -> Response:
    if action not in ("publish", "cancel", "complete"):
        return desk.render("console/not_found.html", 404)
    body = {"reason_code": "organiser_cancelled"} if action == "cancel" else None
    try:
        await desk.api.call("events", "POST", f"/v1/events/{event_id}/{action}", desk.staff, json=body)
    except ServiceError as error:
        if not _refused(error):
            raise
        return await _event_page(desk, event_id, 422, error=desk.error_words(error))
    done = {"publish": "event_published", "cancel": "event_cancelled", "complete": "event_completed"}[action]
    return desk.redirect(f"/console/events/{event_id}?done={done}")


@router.post("/events/{event_id}/registrations/{person_id}/remove")
async def remove_registrant(event_id: UUID, person_id: UUID, desk: Console, posted: Form) -> Response:
    reason = text(posted, "reason")
    if not reason:
        return await _event_page(desk, event_id, 422, problems={str(person_id): desk.error_words("reason_required")})
    try:
        await desk.api.call("events", "POST", f"/v1/events/{event_id}/registrations/{person_id}/remove",
                            desk.staff, json={"reason": reason})
    except ServiceError as error:
        if not _refused(error):
            raise
        return await _event_page(desk, event_id, 422, problems={str(person_id): desk.error_words(error)})
    return desk.redirect(f"/console/events/{event_id}?done=registrant_removed")


# --- check-in at the door -------------------------------------------------------------------------------------

async def _check_in_page(desk: Desk, event_id: UUID, q: str = "", **context: Any) -> Response:
    event, roster = await asyncio.gather(
        desk.api.call("events", "GET", f"/v1/events/{event_id}", desk.staff),
        desk.api.call("events", "GET", f"/v1/events/{event_id}/registrations", desk.staff))
    entries = [r for r in (roster.get("registrations", []) if isinstance(roster, dict) else roster)
               if r["status"] == "confirmed"]
    names = await desk.names(r["person_id"] for r in entries)
    wanted = q.strip().casefold()
    shown = [r for r in entries if not wanted or wanted in names.get(r["person_id"], "").casefold()]
    shown.sort(key=lambda r: names.get(r["person_id"], "").casefold())
    arrived = sum(1 for r in entries if r.get("checked_in_at"))
    return desk.render("console/check_in.html", event=event, entries=shown, names=names, q=q, arrived=arrived,
                       expected=len(entries), **context)


@router.get("/events/{event_id}/check-in")
async def check_in_page(event_id: UUID, desk: Console, q: str = "") -> Response:
    return await _check_in_page(desk, event_id, q[:100])


@router.post("/events/{event_id}/check-in/{person_id}")
async def check_in(event_id: UUID, person_id: UUID, desk: Console, posted: Form) -> Response:
    undo = posted.get("undo") == "1"
    error = None
    answer: dict | None = None
    try:
        if undo:
            await desk.api.call("events", "DELETE", f"/v1/events/{event_id}/check-ins/{person_id}", desk.staff)
        else:
            answer = await desk.api.call("events", "POST", f"/v1/events/{event_id}/check-ins", desk.staff,
                                         json={"person_id": str(person_id)})
    except ServiceError as failed:
        if not _refused(failed):
            raise
        error = desk.error_words(failed)
    if desk.request.headers.get("hx-request") == "true":
        roster, names = await asyncio.gather(
            desk.api.call("events", "GET", f"/v1/events/{event_id}/registrations", desk.staff),
            desk.names([person_id]))
        seated = [r for r in (roster.get("registrations", []) if isinstance(roster, dict) else roster)
                  if r["status"] == "confirmed"]
        entry = next((r for r in seated if r["person_id"] == str(person_id)),
                     {"person_id": str(person_id), "checked_in_at": (answer or {}).get("checked_in_at")})
        return desk.render("console/_check_in_answer.html", event={"id": str(event_id)}, r=entry, names=names,
                           error=error, changed=True, arrived=sum(1 for r in seated if r.get("checked_in_at")),
                           expected=len(seated), q=text(posted, "q", 100))
    q = text(posted, "q", 100)
    return desk.redirect(f"/console/events/{event_id}/check-in" + (f"?q={q}" if q else "") + f"#p-{person_id}")


@router.get("/events/{event_id}/attendance.csv")
async def attendance_csv(event_id: UUID, desk: Console) -> Response:
    event, attendance = await asyncio.gather(
        desk.api.call("events", "GET", f"/v1/events/{event_id}", desk.staff),
        desk.api.call("events", "GET", f"/v1/events/{event_id}/attendance", desk.staff))
    listed = attendance.get("items", attendance.get("attendance")) if isinstance(attendance, dict) else attendance
    rows: list[dict] = list(listed or [])
    names = await desk.names(r["person_id"] for r in rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "person_id", "status", "checked_in_at"])
    for r in sorted(rows, key=lambda r: names.get(r["person_id"], "").casefold()):
        writer.writerow([_safe(names.get(r["person_id"], "")), r["person_id"], r.get("status", ""),
                         r.get("checked_in_at") or ""])
    filename = f"attendance-{event['id']}.csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
