"""Events in the console: a chapter's (or, for administrators, national) events with their drafts; create, edit,
publish, cancel; the roster with names and the waitlist; removing a registrant with a reason; a check-in page made
for a phone at the door; the attendance as CSV (the web joins the names)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import unicodedata
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Query
from fastapi.responses import Response

from ..adapters.rendering import zone_name
from ..adapters.services import ServiceError
from ..domain.clock import SkippedTime, on_the_clock
from ..entrypoints import labels as participant_labels
from ..entrypoints.account import TIME_ZONES, zones_with
from ..entrypoints.web import Form
from . import labels
from .core import Console, ConsoleRoute, Desk, pages, spreadsheet_file, spreadsheet_safe, text, uuid_or_none
from .labels import C_

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)

MOMENTS = ("starts_at", "ends_at", "registration_deadline")
PAGE = 50
DESCRIPTION_LIMIT = 5000  # events' own (EventIn.description)
TITLE_LIMIT, LOCATION_LIMIT, LINK_LIMIT = 200, 300, 500  # events' own too (Title, Line300, VirtualLink)


def _refused(error: ServiceError) -> bool:
    return error.status not in (403, 404) and error.status < 500


@router.get("/events")
async def events(desk: Console, status: str = "", chapter_id: str = "", offset: int = 0,
                 done: str | None = None) -> Response:
    """One list at a time, by start, a page at a time: by default the published events not over yet (events
    lists from the earliest: those over would crowd out those to come)."""
    status = status if status in labels.EVENT_LISTS else ""
    listed, chapter, offset = status or "published", desk.chapter_listed(chapter_id), max(0, offset)
    now = datetime.now(UTC).isoformat()
    params: dict[str, Any] = {"chapter_id": chapter, "status": "published" if listed == "over" else listed,
                              "offset": offset, "limit": PAGE + 1}  # one more: whether there is a next page
    if listed == "published":
        params["ends_after"] = now
    elif listed == "over":
        params["starts_before"] = now
    chapters, found = await asyncio.gather(desk.chapters(),
                                           desk.api.call("events", "GET", "/v1/events", desk.staff, params=params))
    # The chapter stays in the pages' addresses only when one was chosen.
    pager = pages("/console/events", {"chapter_id": chapter_id and chapter, "status": status}, offset, PAGE,
                  len(found) > PAGE)
    return desk.render("console/events.html", events=found[:PAGE], state_filter=listed, chapter_id=chapter,
                       chapter_list=chapters, chapters={c["id"]: c for c in chapters}, pager=pager, done=done)


def _local(value: str, zone: str, shown: str | None = None) -> str:
    """A `datetime-local` value read in the event's time zone, as ISO 8601 with its offset. A wall time that happens
    twice (the clocks go back) reads as its first, unless it is still the one the form showed for `shown`, the
    instant stored: that is given back, so an unchanged form moves nothing (nor drops the seconds of a time set
    through the API). Raises SkippedTime for a wall time that does not happen, ValueError for what is not a time or
    a zone."""
    try:
        wall, where = datetime.fromisoformat(value), ZoneInfo(zone)
    except ZoneInfoNotFoundError as unknown:
        raise ValueError(zone) from unknown
    if shown and _as_local(shown, zone) == value:
        return shown
    return on_the_clock(wall, where).isoformat()


def _as_local(value: str | None, zone: str, pattern: str = "%Y-%m-%dT%H:%M") -> str:
    """An instant as a wall time in the zone: by default as a `datetime-local` field shows it."""
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value).astimezone(ZoneInfo(zone)).strftime(pattern)
    except (ValueError, ZoneInfoNotFoundError):
        return ""


def _event_form(posted, desk: Desk, zones: tuple[str, ...], event: dict | None,
                conference: dict | None = None) -> tuple[dict, dict, dict]:
    """The form's values, the body for events and the problems found; `event` is the one edited (None: a new one),
    `conference` the one a new session belongs to (its kind and chapter are then the session's)."""
    values: dict[str, Any] = {k: text(posted, k, 4000) for k in ("title", "kind", "timezone", "capacity", "location",
                                                                 "virtual_link", "chapter_id", *MOMENTS)}
    values["description"] = text(posted, "description", 4 * DESCRIPTION_LIMIT)  # whole: one too long is refused
    values["is_virtual"] = posted.get("is_virtual") == "on"
    values["attendees_public"] = posted.get("attendees_public") == "on"
    values["audience_stages"] = [s for s in posted.getlist("audience_stages") if s in participant_labels.STAGES]
    problems: dict[str, str] = {}

    def needs(field: str) -> str:
        return desk._(labels.EVENT_PROBLEMS[field])

    if not values["title"]:
        problems["title"] = needs("title")
    elif len(values["title"]) > TITLE_LIMIT:  # asked shorter rather than cut where the coordinator cannot see
        problems["title"] = desk._(C_("Keep the title to %(limit)s characters or fewer: this one has %(count)s."),
                                   limit=TITLE_LIMIT, count=len(values["title"]))
    if len(values["description"]) > DESCRIPTION_LIMIT:
        problems["description"] = desk._(C_("Keep the description to %(limit)s characters or fewer: this one has "
                                            "%(count)s."), limit=DESCRIPTION_LIMIT, count=len(values["description"]))
    zone = values["timezone"] if values["timezone"] in zones else None
    if zone is None:
        problems["timezone"] = needs("timezone")
    body: dict[str, Any] = {"title": values["title"], "description": values["description"],
                            "timezone": zone, "is_virtual": values["is_virtual"],
                            "audience_stages": values["audience_stages"],
                            "location": values["location"] or None, "virtual_link": values["virtual_link"] or None}
    for name in MOMENTS:
        body[name] = None
        if zone is None:
            continue
        try:
            body[name] = _local(values[name], zone, shown=event.get(name) if event else None)
        except SkippedTime:
            problems[name] = desk._(C_("That time does not exist on that day in this time zone: the clocks change. "
                                       "Choose another."))
        except ValueError:
            problems[name] = needs(name)
    try:
        body["capacity"] = int(values["capacity"])
        if not 1 <= body["capacity"] <= 100_000:  # events' range: said with the rest, not after them
            problems["capacity"] = needs("capacity")
    except ValueError:
        problems["capacity"] = needs("capacity")
    if len(values["location"]) > LOCATION_LIMIT:
        problems["location"] = needs("location")
    elif not (values["location"] or values["is_virtual"]):
        problems["location"] = desk._(labels.NO_PLACE)
    link = values["virtual_link"]
    if link and (len(link) > LINK_LIMIT or not link.startswith("https://")):
        problems["virtual_link"] = needs("virtual_link")
    elif link and not values["is_virtual"]:
        problems["virtual_link"] = desk._(labels.LINK_NOT_ONLINE)
    problems |= _times_that_do_not_fit(desk, body, event)
    if event is None and conference is not None:  # a session: of its conference's scope
        values |= {"kind": "conference_session", "chapter_id": conference.get("chapter_id") or ""}
        body |= {"kind": "conference_session", "chapter_id": conference.get("chapter_id"),
                 "parent_event_id": conference["id"], "attendees_public": values["attendees_public"]}
    elif event is None:  # an event's kind and chapter are chosen once, when it is made
        if values["kind"] not in participant_labels.EVENT_KINDS:
            problems["kind"] = needs("kind")
        elif values["kind"] == "conference_session":  # only a conference's page knows which conference
            problems["kind"] = desk._(labels.SESSION_FROM_ITS_CONFERENCE)
        body["kind"] = values["kind"]
        chapter = uuid_or_none(values["chapter_id"])
        if chapter is None and not desk.staff.administrator:
            problems["chapter_id"] = needs("chapter_id")
        body["chapter_id"] = str(chapter) if chapter else None
        body["attendees_public"] = values["attendees_public"]
    elif posted.get("attendees_public_offered") and values["attendees_public"] != event["attendees_public"]:
        # Sent only when changed: a save of other fields after someone registered leaves it be, as events requires.
        body["attendees_public"] = values["attendees_public"]
    return values, body, problems


def _times_that_do_not_fit(desk: Desk, body: dict[str, Any], event: dict | None) -> dict[str, str]:
    """Events' rules of an event's times, each broken one worded next to its field: a start to come (for an event
    edited, only when it moves, and not once it has started), an end after the start (and, when it moves, to come),
    registration closing by the start."""
    starts, ends, closes = (datetime.fromisoformat(body[m]) if body.get(m) else None for m in MOMENTS)
    problems: dict[str, str] = {}
    if starts is None:
        return problems
    now = datetime.now(UTC)
    was = {m: datetime.fromisoformat(event[m]) for m in ("starts_at", "ends_at")} if event else {}
    if event is not None and starts != was["starts_at"] and was["starts_at"] <= now:
        problems["starts_at"] = desk._(labels.STARTED)
    elif starts != was.get("starts_at") and starts <= now:
        problems["starts_at"] = desk._(labels.START_PAST)
    if ends is not None and ends <= starts:
        problems["ends_at"] = desk._(labels.END_BEFORE_START)
    elif ends is not None and event is not None and ends != was["ends_at"] and ends <= now:
        problems["ends_at"] = desk._(labels.END_PAST)
    if closes is not None and closes > starts:
        problems["registration_deadline"] = desk._(labels.REGISTRATION_AFTER_START)
    return problems


def _event_refusals(desk: Desk, error: ServiceError, values: dict, event: dict | None) -> dict[str, str]:
    """Events' refusal of an event's form, as problems by field: a malformed request's next to every field it names
    that the form words, else where `_event_refusal` puts it."""
    if error.code == "invalid_request" and len(error.fields) > 1:
        if known := {f: desk._(labels.EVENT_PROBLEMS[f]) for f in error.fields if f in labels.EVENT_PROBLEMS}:
            return known
    field, words = _event_refusal(desk, error, values, event)
    return {field: words}


def _event_refusal(desk: Desk, error: ServiceError, values: dict, event: dict | None) -> tuple[str, str]:
    """Where events' refusal of an event's form goes (the field it names, else the form's top) and its words: the
    rule broken when events names one we know, else the words for its code."""
    field = error.field if error.field is not None and error.field in values else "form"
    if error.code == "invalid_request" and field in labels.EVENT_PROBLEMS:
        return field, desk._(labels.EVENT_PROBLEMS[field])
    if error.code == "invalid" and error.field == "capacity" and (
            taken := re.match(r"(\d+) registrants are confirmed", error.message or "")):
        return field, desk.tn("%(num)s person already has a seat: keep at least %(num)s seat, or cancel their "
                              "registration first.",
                              "%(num)s people already have a seat: keep at least %(num)s seats, or cancel some "
                              "registrations first.", int(taken[1]))
    if error.code == "sessions_outside_conference":
        return field, _sessions_outside(desk, error)
    if error.code == "invalid":
        message = (error.message or "").lower()
        for named, begins, words in labels.EVENT_INVALID:
            if named == error.field and message.startswith(begins):
                return field, desk._(words)
    return field, _refusal_words(desk, error, event)


def _sessions_outside(desk: Desk, error: ServiceError) -> str:
    """Events' refusal to move a conference so that some of its sessions fall outside it, naming them: by the titles
    its message quotes (it words the rule in English, for developers), else without."""
    listed = (error.message or "").partition(": ")[2].partition(". Move")[0]
    titles = re.findall(r'"(.*?)"(?:, |$)', listed)
    if not titles:
        return desk._(labels.SESSIONS_OUTSIDE_UNNAMED)
    return desk._(labels.SESSIONS_OUTSIDE, titles=", ".join(f"«{title}»" for title in titles))


def _refusal_words(desk: Desk, error: ServiceError, event: dict | None) -> str:
    """Events' refusal in words: one because the event has been held says so, rather than that things moved on."""
    if error.code == "wrong_state" and event and event.get("state") == "completed":
        return desk._(labels.EVENT_HELD)
    return desk.error_words(error)


async def _refusal(desk: Desk, error: ServiceError, event_id: UUID) -> str:
    """`_refusal_words`, the event asked for only when its state may be why."""
    event = (await desk.api.call("events", "GET", f"/v1/events/{event_id}", desk.staff)
             if error.code == "wrong_state" else None)
    return _refusal_words(desk, error, event)


def _new_event_zones(desk: Desk, chapters: list[dict], chapter_id: str) -> tuple[str, tuple[str, ...]]:
    """The zone a new event's times are first read in, and the zones offered (with it, if the list lacks it): its
    chapter's, else the staff member's own, else the list's first. Someone typing 18:00 means their 18:00."""
    chapter_zone = next((c.get("timezone") for c in chapters if c["id"] == chapter_id), None)
    session = desk.visitor.session
    zone = chapter_zone or (session.timezone if session else None) or TIME_ZONES[0]
    return zone, zones_with({"timezone": zone})


# The event form's fields as the page shows them: its summary of problems lists them in that order.
FORM_ORDER = ("form", "title", "description", "kind", "chapter_id", "attendees_public", "timezone", *MOMENTS,
              "capacity", "is_virtual", "virtual_link", "location", "audience_stages")


async def _form_page(desk: Desk, event: dict | None, values: dict, zones: tuple[str, ...], chapters: list[dict],
                     status: int = 200, **context: Any) -> Response:
    if problems := context.get("problems"):
        context["problems"] = dict(sorted(problems.items(), key=lambda found: (
            FORM_ORDER.index(found[0]) if found[0] in FORM_ORDER else len(FORM_ORDER))))
    return desk.render("console/event_form.html", status, event=event, values=values, chapters=chapters,
                       time_zones=zones, description_limit=DESCRIPTION_LIMIT, title_limit=TITLE_LIMIT,
                       location_limit=LOCATION_LIMIT, link_limit=LINK_LIMIT, **context)


# What a copy of an event keeps: all but its dates, which the organizer chooses again (a copy dated as the event it
# came from would be a second event at the same time, saved by one click too many).
COPIED = ("title", "description", "kind", "chapter_id", "timezone", "location", "virtual_link", "is_virtual",
          "audience_stages", "attendees_public")


async def _event_to_copy(desk: Desk, event_id: str | None) -> dict | None:
    """The event to start a new one from: one the staff member organizes, else none (an empty form)."""
    chosen = uuid_or_none(event_id)
    if chosen is None:
        return None
    try:
        return await _event_to_edit(desk, chosen)
    except ServiceError as error:
        if error.status in (403, 404):
            return None
        raise


async def _conference(desk: Desk, event_id: Any) -> dict | None:
    """The conference a new session is added to: one the staff member organizes and that still changes, else none."""
    chosen = uuid_or_none(event_id)
    found = await _event_to_copy(desk, str(chosen)) if chosen else None
    return found if found and found["kind"] == "conference" and found["state"] in ("draft", "published") else None


@router.get("/events/new")
async def new_event(desk: Console, from_: str | None = Query(None, alias="from"),
                    conference_id: str | None = Query(None, alias="conference")) -> Response:
    chapters, copied = await asyncio.gather(desk.chapters(), _event_to_copy(desk, from_))
    # A session is added from its conference's page, or copied from another of its sessions.
    conference = await _conference(desk, conference_id or (copied or {}).get("parent_event_id"))
    if (conference_id or (copied or {}).get("kind") == "conference_session") and conference is None:
        return desk.render("console/not_found.html", 404)
    coordinated = desk.staff.coordinator_of
    chapter_id = str(coordinated[0]) if coordinated else ""
    zone, zones = _new_event_zones(desk, chapters, chapter_id)
    values: dict[str, Any] = {"timezone": zone, "capacity": "30", "chapter_id": chapter_id, "audience_stages": []}
    if conference:
        values |= {k: conference.get(k) for k in ("timezone", "location", "is_virtual", "audience_stages",
                                                   "attendees_public")}
        zones = zones_with(conference)
    if copied:
        values |= {k: copied.get(k) for k in COPIED} | {"capacity": str(copied["capacity"]),
                                                       "chapter_id": copied.get("chapter_id") or ""}
        zones = zones_with(copied)
    return await _form_page(desk, None, values, zones, chapters, copied_from=copied, conference=conference)


@router.post("/events/new")
async def create_event(desk: Console, posted: Form) -> Response:
    conference = None
    if posted.get("parent_event_id"):
        conference = await _conference(desk, posted.get("parent_event_id"))
        if conference is None:
            return desk.render("console/not_found.html", 404)
    chapters = await desk.chapters()
    zones = zones_with(conference) if conference else _new_event_zones(desk, chapters, text(posted, "chapter_id"))[1]
    values, body, problems = _event_form(posted, desk, zones, None, conference)
    if not problems:
        try:
            made = await desk.api.call("events", "POST", "/v1/events", desk.staff, json=body)
            return desk.redirect(f"/console/events/{made['id']}?done=event_saved")
        except ServiceError as error:
            if not _refused(error):
                raise
            problems |= _event_refusals(desk, error, values, None)
    return await _form_page(desk, None, values, zones, chapters, 422, problems=problems, conference=conference)


async def _event_to_edit(desk: Desk, event_id: UUID) -> dict | None:
    """The event, if the console offers to edit it: events shows any published event, and its form is no page for
    another chapter's coordinator (events would refuse their change)."""
    event = await desk.api.call("events", "GET", f"/v1/events/{event_id}", desk.staff)
    return event if desk.staff.coordinates(event.get("chapter_id")) else None


async def _anyone_registered(desk: Desk, event_id: UUID) -> bool:
    """Whether anyone has registered (who may see it is fixed from then on)."""
    roster = await desk.api.call("events", "GET", f"/v1/events/{event_id}/registrations", desk.staff)
    return bool(roster.get("registrations") if isinstance(roster, dict) else roster)


# What registrants are emailed a change of (notifications says so of the events it reads); the rest (seats, deadline,
# audience) changes nothing for someone who holds a place.
TOLD_TO_REGISTRANTS = ("title", "location", "is_virtual", "description", "exhibitors")


def _registrants_hear_of(event: dict, body: dict) -> bool:
    """Whether saving `body` changes what the event's registrants are emailed about."""
    moved = any(name in body and datetime.fromisoformat(body[name]) != datetime.fromisoformat(event[name])
                for name in ("starts_at", "ends_at"))
    return moved or any(name in body and body[name] != event.get(name) for name in TOLD_TO_REGISTRANTS)


def _new_link(event: dict, body: dict) -> bool:
    """Whether saving `body` gives a link to join other than the event's: those with a seat are emailed it."""
    return bool(body.get("virtual_link")) and body["virtual_link"] != event.get("virtual_link")


@router.get("/events/{event_id}/edit")
async def edit_event(event_id: UUID, desk: Console) -> Response:
    event = await _event_to_edit(desk, event_id)
    if event is None:
        return desk.render("console/not_found.html", 404)
    values = {**event, **{m: _as_local(event.get(m), event["timezone"]) for m in MOMENTS},
              "capacity": str(event["capacity"])}
    # Its own zone offered even when the list lacks it (set through the events API): a select without it would
    # show, and save, the list's first zone, moving the event.
    return await _form_page(desk, event, values, zones_with(event), [],
                            registered=await _anyone_registered(desk, event_id))


@router.post("/events/{event_id}/edit")
async def save_event(event_id: UUID, desk: Console, posted: Form) -> Response:
    event = await _event_to_edit(desk, event_id)
    if event is None:
        return desk.not_theirs()
    values, body, problems = _event_form(posted, desk, zones_with(event), event)
    if not problems:
        try:
            await desk.api.call("events", "PATCH", f"/v1/events/{event_id}", desk.staff, json=body)
            told, link_sent = _registrants_hear_of(event, body), _new_link(event, body)
            done = "event_saved"
            if event["state"] == "published" and (told or link_sent) and await _anyone_registered(desk, event_id):
                done = "event_saved_told" if told else "event_saved_link_sent"
            return desk.redirect(f"/console/events/{event_id}?done={done}")
        except ServiceError as error:
            if not _refused(error):
                raise
            problems |= _event_refusals(desk, error, values, event)
    return await _form_page(desk, event, values, zones_with(event), [], 422, problems=problems,
                            registered=await _anyone_registered(desk, event_id))


async def _event_and_roster(desk: Desk, event_id: UUID) -> tuple[dict, dict | list, list[dict]]:
    event, roster = await asyncio.gather(
        desk.api.call("events", "GET", f"/v1/events/{event_id}", desk.staff),
        desk.api.call("events", "GET", f"/v1/events/{event_id}/registrations", desk.staff))
    return event, roster, roster.get("registrations", []) if isinstance(roster, dict) else roster


def _seated_and_waiting(entries: list[dict]) -> tuple[list[dict], list[dict]]:
    seated = [r for r in entries if r["status"] == "confirmed"]
    waiting = sorted((r for r in entries if r["status"] == "waitlisted"),
                     key=lambda r: r.get("waitlist_position") or 0)
    return seated, waiting


def _started(event: dict) -> bool:
    """Whether it has begun: events completes (marks held) an event only from then."""
    try:
        return datetime.fromisoformat(event["starts_at"]) <= datetime.now(UTC)
    except (KeyError, TypeError, ValueError):
        return False


def _check_in_opens_later(event: dict) -> str | None:
    """When check-in opens, while it has not (events checks registrants in from the day of the event); else None."""
    opens = event.get("check_in_opens_at")
    try:
        return opens if opens and datetime.fromisoformat(opens) > datetime.now(UTC) else None
    except (TypeError, ValueError):
        return None


def _registration_open(event: dict) -> bool:
    try:
        return datetime.fromisoformat(event["registration_deadline"]) > datetime.now(UTC)
    except (KeyError, TypeError, ValueError):
        return False


def _came(entry: dict) -> bool:
    """Whether a registrant came: as events recorded it when the event was held (from the check-ins, unless an
    organizer recorded otherwise), else whether they were checked in."""
    if entry.get("attended") is not None:
        return bool(entry["attended"])
    return bool(entry.get("checked_in_at"))


def _no_longer_registered(entries: list[dict]) -> list[dict]:
    """Those who cancelled or were removed and hold no seat or place now, each once, by their newest registration:
    one who cancelled and registered again is listed with their seat alone."""
    still = {r["person_id"] for r in entries if r["status"] in ("confirmed", "waitlisted")}
    newest: dict[str, dict] = {}
    for entry in sorted(entries, key=lambda r: r.get("created_at") or ""):
        if entry["person_id"] not in still:
            newest[entry["person_id"]] = entry
    return list(newest.values())


SESSION_STATES = ("draft", "published", "completed", "cancelled")


async def _sessions(desk: Desk, conference: dict) -> list[dict]:
    """A conference's sessions, by start: each state is its own list at events, drafts only for their organisers."""
    organizes = desk.staff.coordinates(conference.get("chapter_id"))

    async def listed(state: str) -> list[dict]:
        params = {"parent_event_id": conference["id"], "status": state, "limit": 100,
                  "chapter_id": conference.get("chapter_id"), "national": None if conference.get("chapter_id") else True}
        return await desk.api.call("events", "GET", "/v1/events", desk.staff, params=params)

    found = await asyncio.gather(*(listed(state) for state in SESSION_STATES if organizes or state != "draft"))
    return sorted((e for states in found for e in states), key=lambda e: e["starts_at"])


async def _seats_of(desk: Desk, sessions: list[dict]) -> dict[str, dict[str, int]]:
    """Seats taken and people waiting, by session, of those published (events lists no counts: a roster each, asked
    at once)."""
    published = [s for s in sessions if s["state"] == "published"]
    rosters = await asyncio.gather(*(_roster(desk, s["id"]) for s in published))
    return {s["id"]: {"taken": sum(r["status"] == "confirmed" for r in roster),
                      "waiting": sum(r["status"] == "waitlisted" for r in roster)}
            for s, roster in zip(published, rosters, strict=True)}


async def _event_page(desk: Desk, event_id: UUID, status: int = 200, **context: Any) -> Response:
    event, roster, entries = await _event_and_roster(desk, event_id)
    if event["kind"] == "conference":
        context["sessions"] = await _sessions(desk, event)
        context["session_seats"] = await _seats_of(desk, context["sessions"])
    elif event.get("parent_event_id"):
        context["conference"] = await desk.api.call("events", "GET", f"/v1/events/{event['parent_event_id']}",
                                                    desk.staff)
    names = await desk.names(r["person_id"] for r in entries)
    seated, waiting = _seated_and_waiting(entries)
    others = _no_longer_registered(entries)
    return desk.render("console/event.html", status, event=event, seated=seated, waiting=waiting, others=others,
                       registered=len({r["person_id"] for r in entries}),
                       counts=roster.get("counts", {}) if isinstance(roster, dict) else {}, names=names,
                       started=_started(event), came={r["person_id"] for r in seated if _came(r)},
                       registration_open=_registration_open(event), check_in_opens_later=_check_in_opens_later(event),
                       **context)


@router.get("/events/{event_id}")
async def event(event_id: UUID, desk: Console, done: str | None = None) -> Response:
    return await _event_page(desk, event_id, done=done)


@router.post("/events/{event_id}/close-registration")
async def close_registration(event_id: UUID, desk: Console, posted: Form) -> Response:
    """Registration closes now (its deadline becomes this moment): the room is full enough, the list is printed.
    Those registered keep their places; moving the deadline on again reopens it (Edit)."""
    if await _event_to_edit(desk, event_id) is None:
        return desk.not_theirs()
    try:
        await desk.api.call("events", "PATCH", f"/v1/events/{event_id}", desk.staff,
                            json={"registration_deadline": datetime.now(UTC).isoformat()})
    except ServiceError as error:
        if not _refused(error):
            raise
        return await _event_page(desk, event_id, 422, error=await _refusal(desk, error, event_id))
    return desk.redirect(f"/console/events/{event_id}?done=registration_closed")


# --- an organizer's message to those registered (notifications sends it: email and inbox) ------------------------

MESSAGE_LIMIT = 2000  # notifications' own
RECIPIENTS = ("seated", "seated_and_waitlisted")


async def _sent_messages(desk: Desk, event_id: UUID) -> list[dict]:
    """The messages sent to the event's registrants, newest first: none while notifications has heard of nobody
    registering for it (it knows an event from its registrations)."""
    try:
        return await desk.api.call("notifications", "GET", f"/v1/events/{event_id}/messages", desk.staff)
    except ServiceError as error:
        if error.code == "unknown_event":
            return []
        raise


async def _message_page(desk: Desk, event: dict, values: dict, status: int = 200, **context: Any) -> Response:
    entries = await desk.api.call("events", "GET", f"/v1/events/{event['id']}/registrations", desk.staff)
    seated, waiting = _seated_and_waiting(entries.get("registrations", []) if isinstance(entries, dict) else entries)
    sent = await _sent_messages(desk, UUID(event["id"]))
    return desk.render("console/event_message.html", status, event=event, values=values, seated=len(seated),
                       waiting=len(waiting), sent=sent,
                       names=await desk.names(m["sent_by"] for m in sent if m["sent_by"]),  # None: erased since
                       message_limit=MESSAGE_LIMIT, problems=context.pop("problems", {}), **context)


async def _event_to_message(desk: Desk, event_id: UUID) -> dict | None:
    """The event, if its organizer may write to those registered: published, or held (to thank them, say)."""
    event = await _event_to_edit(desk, event_id)
    return event if event and event["state"] in ("published", "completed") else None


@router.get("/events/{event_id}/message")
async def message_page(event_id: UUID, desk: Console, done: str | None = None) -> Response:
    event = await _event_to_message(desk, event_id)
    if event is None:
        return desk.render("console/not_found.html", 404)
    # A new id each time the form is shown: sending the same form twice (a double tap) sends the message once.
    return await _message_page(desk, event, {"message_id": str(uuid4()), "to": "seated"}, done=done)


def _the_same_sent_before(sent: list[dict], values: dict) -> dict | None:
    """An earlier message of the same words to the same people, as another copy of the form would send it again (the
    browser's Back, which brings the words back into a new form, or a second tab): asked before it goes twice. The
    same form sent again (a double tap) is the same message, which notifications sends once."""
    words = " ".join(values["body"].split())
    return next((m for m in sent if m["message_id"] != values["message_id"] and m["to"] == values["to"]
                 and " ".join(m["body"].split()) == words), None)


@router.post("/events/{event_id}/message")
async def send_message(event_id: UUID, desk: Console, posted: Form) -> Response:
    event = await _event_to_message(desk, event_id)
    if event is None:
        return desk.render("console/not_found.html", 404)
    values = {"message_id": str(uuid_or_none(posted.get("message_id")) or uuid4()),
              "to": text(posted, "to"), "body": text(posted, "body", 2 * MESSAGE_LIMIT)}
    problems = {}
    if values["to"] not in RECIPIENTS:
        problems["to"] = desk.error_words("choose_recipients")
    if not values["body"] or len(values["body"]) > MESSAGE_LIMIT:
        problems["body"] = desk.error_words("write_message" if not values["body"] else "message_too_long")
    if problems:
        return await _message_page(desk, event, values, 422, problems=problems)
    if posted.get("again") != "yes":
        sent_before = _the_same_sent_before(await _sent_messages(desk, event_id), values)
        if sent_before is not None:
            return await _message_page(desk, event, values, 409, sent_before=sent_before)
    try:
        await desk.api.call("notifications", "POST", f"/v1/events/{event_id}/messages", desk.staff, json=values)
    except ServiceError as error:
        if not _refused(error) and error.status != 404:
            raise
        status = error.status if error.status in (409, 429) else 422
        if error.field == "body":  # nothing readable left once notifications took out what is not text
            return await _message_page(desk, event, values, status, problems={"body": desk.error_words("write_message")})
        return await _message_page(desk, event, values, status, error=desk.error_words(error))
    return desk.redirect(f"/console/events/{event_id}/message?done=message_sent")


async def _cancelled_with(desk: Desk, conference: dict) -> list[dict]:
    """The sessions events cancels with a conference: those published and not over yet, by start, each with those
    registered (a seat or a place on the waitlist: each is emailed), from one list call and a roster each."""
    if conference["kind"] != "conference":
        return []
    params = {"parent_event_id": conference["id"], "status": "published", "ends_after": datetime.now(UTC).isoformat(),
              "limit": 100, "chapter_id": conference.get("chapter_id"),
              "national": None if conference.get("chapter_id") else True}
    sessions = await desk.api.call("events", "GET", "/v1/events", desk.staff, params=params)
    rosters = await asyncio.gather(*(_roster(desk, s["id"]) for s in sessions))
    return [{**s, "registered": {r["person_id"] for r in roster if r["status"] in ("confirmed", "waitlisted")}}
            for s, roster in zip(sessions, rosters, strict=True)]


async def _roster(desk: Desk, event_id: str) -> list[dict]:
    """An event's registrations, or none when events shows them no more (another chapter's since, gone)."""
    try:
        roster = await desk.api.call("events", "GET", f"/v1/events/{event_id}/registrations", desk.staff)
    except ServiceError as error:
        if error.status not in (403, 404):
            raise
        return []
    return roster.get("registrations", []) if isinstance(roster, dict) else roster


async def _cancel_question(desk: Desk, event_id: UUID, status: int = 200, **context: Any) -> Response:
    """What cancelling will do, said before it is done: who is emailed, and a conference's sessions cancelled with
    it (each emails those registered for it)."""
    event, _, entries = await _event_and_roster(desk, event_id)
    if event["state"] != "published":  # events cancels a published event only
        return desk.redirect(f"/console/events/{event_id}")
    seated, waiting = _seated_and_waiting(entries)
    sessions = await _cancelled_with(desk, event)
    return desk.render("console/event_cancel.html", status, event=event, seated=len(seated), waiting=len(waiting),
                       sessions=sessions, emailed_in_sessions=len(set().union(*(s["registered"] for s in sessions))),
                       **context)


@router.get("/events/{event_id}/cancel")
async def cancel_event_page(event_id: UUID, desk: Console) -> Response:
    """Cancelling cannot be undone and emails every registrant: what it will do is said first (the POST does it)."""
    return await _cancel_question(desk, event_id)


def _ends_later(event: dict) -> tuple[bool, bool]:
    """Whether it has not ended yet, and whether it ends today where it takes place (its time of day then says
    when)."""
    try:
        ends, zone = datetime.fromisoformat(event["ends_at"]), ZoneInfo(event["timezone"])
    except (KeyError, TypeError, ValueError, ZoneInfoNotFoundError):
        return False, False
    now = datetime.now(UTC)
    return ends > now, ends.astimezone(zone).date() == now.astimezone(zone).date()


@router.get("/events/{event_id}/complete")
async def complete_event_page(event_id: UUID, desk: Console) -> Response:
    """Marking it held cannot be undone and records everyone with a seat not checked in as not attending (events
    then takes no check-in): how many, the seats that stay empty, those still waiting (events tells them they got no
    seat) and whether it is still going on are said first (the POST does it)."""
    event, _, entries = await _event_and_roster(desk, event_id)
    if event["state"] != "published" or not _started(event):
        return desk.redirect(f"/console/events/{event_id}")
    seated, waiting = _seated_and_waiting(entries)
    ends_later, ends_today = _ends_later(event)
    return desk.render("console/event_complete.html", event=event, absent=sum(1 for r in seated if not _came(r)),
                       empty=max(0, int(event["capacity"]) - len(seated)), waiting=len(waiting),
                       ends_later=ends_later, ends_today=ends_today)


@router.post("/events/{event_id}/attendance")
async def record_attendance(event_id: UUID, desk: Console, posted: Form) -> Response:
    """Whether someone with a seat came, put right once the event is held (which recorded everyone not checked in as
    not coming, and takes no check-in since): one who arrived late, or was checked in by mistake."""
    person_id = uuid_or_none(posted.get("person_id"))
    if person_id is None or posted.get("attended") not in ("true", "false"):
        return await _event_page(desk, event_id, 422, error=desk._(labels.GENERIC_ERROR))
    try:
        await desk.api.call("events", "POST", f"/v1/events/{event_id}/attendance", desk.staff,
                            json={"person_id": str(person_id), "attended": posted.get("attended") == "true"})
    except ServiceError as error:
        if not _refused(error):
            raise
        return await _event_page(desk, event_id, 422, problems={str(person_id): await _refusal(desk, error, event_id)})
    return desk.redirect(f"/console/events/{event_id}?done=attendance_recorded#r-seated-{person_id}")


# As events takes it: what the organizers say to those registered when they cancel, quoted in the email.
CANCELLATION_NOTE_LIMIT = 1000


@router.post("/events/{event_id}/{action}")
async def publish_or_cancel(event_id: UUID, action: str, desk: Console, posted: Form) -> Response:
    if action not in ("publish", "cancel", "complete"):
        return desk.render("console/not_found.html", 404)
    # Line ends as the browser sends them (CRLF) count once, as its maxlength counts them.
    note = text(posted, "note", 2 * CANCELLATION_NOTE_LIMIT).replace("\r\n", "\n")

    async def asked_again(problem: str) -> Response:
        """The question before cancelling, the message kept and what is wrong with it said next to it."""
        return await _cancel_question(desk, event_id, 422, values={"note": note}, problems={"note": problem})

    body = None
    if action == "cancel":
        if len(note) > CANCELLATION_NOTE_LIMIT:  # asked shorter rather than cut where the coordinator cannot see
            return await asked_again(desk._(C_("Keep the message to %(limit)s characters or fewer: this one has "
                                               "%(count)s."), limit=CANCELLATION_NOTE_LIMIT, count=len(note)))
        body = {"reason_code": "organiser_cancelled", **({"note": note} if note else {})}
    try:
        await desk.api.call("events", "POST", f"/v1/events/{event_id}/{action}", desk.staff, json=body)
    except ServiceError as error:
        if not _refused(error):
            raise
        if error.field == "note":
            return await asked_again(desk.error_words(error))
        if action == "publish" and error.code == "conference_not_published":
            return await _event_page(desk, event_id, 422, publish_error=desk.error_words(error))
        return await _event_page(desk, event_id, 422, error=await _refusal(desk, error, event_id))
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
        # A removal events could not seal the reason of just now is said next to it too: the reason typed is kept.
        if not _refused(error) and error.code != "profiles_unavailable":
            raise
        return await _event_page(desk, event_id, 503 if error.status == 503 else 422,
                                 problems={str(person_id): await _refusal(desk, error, event_id)},
                                 values={str(person_id): reason})
    return desk.redirect(f"/console/events/{event_id}?done=registrant_removed")


# --- check-in at the door -------------------------------------------------------------------------------------

def _folded(name: str) -> str:
    """A name as typed at the door, to find and sort by: its accents (combining marks once decomposed), punctuation
    and case dropped, its words kept apart: "María O'Brien" is "maria obrien"."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if c.isalnum() or c.isspace()).casefold()


async def _check_in_page(desk: Desk, event_id: UUID, q: str = "", status: int = 200, **context: Any) -> Response:
    return desk.render("console/check_in.html", status, **await _check_in_list(desk, event_id, q), **context)


async def _check_in_list(desk: Desk, event_id: UUID, q: str) -> dict[str, Any]:
    """What the check-in page lists, found by `q` if searched, and its counts."""
    event, roster = await asyncio.gather(
        desk.api.call("events", "GET", f"/v1/events/{event_id}", desk.staff),
        desk.api.call("events", "GET", f"/v1/events/{event_id}/registrations", desk.staff))
    registrations = roster.get("registrations", []) if isinstance(roster, dict) else roster
    entries, queue = _seated_and_waiting(registrations)
    searched = bool(q.strip())
    # Someone who cancelled or was removed is found by name too: "nobody matches" would send the door looking for a
    # typo.
    cancelled = _no_longer_registered(registrations) if searched else []
    names = await desk.names(r["person_id"] for r in entries + queue + cancelled)
    wanted = _folded(q).split()

    def found(among: list[dict]) -> list[dict]:
        return [r for r in among if all(word in _folded(names.get(r["person_id"], "")) for word in wanted)]

    shown = sorted(found(entries), key=lambda r: _folded(names.get(r["person_id"], "")))
    arrived = sum(1 for r in entries if r.get("checked_in_at"))
    # Said before anyone is turned away: events checks registrants in from the day of the event.
    opens_later = _check_in_opens_later(event)
    door = _door(event, len(entries))
    # Someone waiting who comes to the door is found by name, to be given a seat or told why not. Unsearched, the
    # whole waitlist is listed only while a seat can be given to whoever of them came: before the event begins a
    # seat freed goes to the first waiting by itself, and the count of those waiting says enough.
    waiting = found(queue) if searched else (queue if door == "give" and _started(event) else [])
    return {"event": event, "entries": shown, "names": names, "q": q, "waiting": waiting, "cancelled": found(cancelled),
            "arrived": arrived, "expected": len(entries), "opens_later": opens_later, "door": door,
            **_seats(event, entries, queue)}


def _seats(event: dict, seated: list[dict], queue: list[dict]) -> dict[str, Any]:
    """What the check-in page says of the seats: how many are free and how many wait (`free`, `queued`), and the
    first in line (`first_waiting`), whom a seat given to anyone else passes over."""
    try:
        free = max(0, int(event["capacity"]) - len(seated))
    except (KeyError, TypeError, ValueError):
        free = 0
    return {"free": free, "queued": len(queue), "first_waiting": queue[0]["person_id"] if queue else None}


def _door(event: dict, seated: int) -> str:
    """What the door can do for someone waiting who has come, as events decides it (`give_seat_at_the_door`): "give"
    them a free seat (check-in open, the event not over, a seat free), or say why not: "queue" before it begins (a
    seat freed goes to the first waiting by itself), "full" once begun (a seat freed goes to nobody by itself),
    "over" once it has ended."""
    try:
        ended = datetime.fromisoformat(event["ends_at"]) <= datetime.now(UTC)
        free = seated < int(event["capacity"])
    except (KeyError, TypeError, ValueError):
        return "queue"
    if ended:
        return "over"
    if free and _check_in_opens_later(event) is None:
        return "give"
    return "full" if _started(event) else "queue"


@router.get("/events/{event_id}/check-in")
async def check_in_page(event_id: UUID, desk: Console, q: str = "", done: str | None = None) -> Response:
    return await _check_in_page(desk, event_id, q[:100], done=done)


@router.post("/events/{event_id}/check-in/{person_id}")
async def check_in(event_id: UUID, person_id: UUID, desk: Console, posted: Form) -> Response:
    """Check someone in, undo it (`undo`), or give someone waiting who came a free seat, checking them in (`seat`)."""
    undo, seat = posted.get("undo") == "1", posted.get("seat") == "1"
    error = None
    answer: dict | None = None
    try:
        if undo:
            await desk.api.call("events", "DELETE", f"/v1/events/{event_id}/check-ins/{person_id}", desk.staff)
        elif seat:
            answer = await desk.api.call(
                "events", "POST", f"/v1/events/{event_id}/registrations/{person_id}/seat-at-the-door", desk.staff)
        else:
            answer = await desk.api.call("events", "POST", f"/v1/events/{event_id}/check-ins", desk.staff,
                                         json={"person_id": str(person_id)})
    except ServiceError as failed:
        if not _refused(failed):
            raise
        error = await _refusal(desk, failed, event_id)
    if seat and desk.request.headers.get("hx-request") == "true":
        # A seat given (or refused) changes every row waiting: whether a seat is left to give them, who is ahead.
        listed = desk.render("console/_check_in_list_answer.html", focused=str(person_id),
                             errors={str(person_id): error} if error else {},
                             **await _check_in_list(desk, event_id, text(posted, "q", 100)))
        listed.headers.update({"HX-Retarget": "#check-in-list", "HX-Reswap": "outerHTML"})
        return listed
    if desk.request.headers.get("hx-request") == "true":
        event, roster = await asyncio.gather(
            desk.api.call("events", "GET", f"/v1/events/{event_id}", desk.staff),
            desk.api.call("events", "GET", f"/v1/events/{event_id}/registrations", desk.staff))
        registrations = roster.get("registrations", []) if isinstance(roster, dict) else roster
        seated, queue = _seated_and_waiting(registrations)
        names = await desk.names([str(person_id), *(r["person_id"] for r in queue[:1])])
        # Their row as it is now: seated, or still waiting (a seat refused them: another phone gave the last).
        entry = next((r for r in registrations
                      if r["person_id"] == str(person_id) and r["status"] in ("confirmed", "waitlisted")),
                     {"person_id": str(person_id), "checked_in_at": (answer or {}).get("checked_in_at")})
        return desk.render("console/_check_in_answer.html", event=event, r=entry, names=names,
                           error=error, changed=True, arrived=sum(1 for r in seated if r.get("checked_in_at")),
                           expected=len(seated), q=text(posted, "q", 100), door=_door(event, len(seated)),
                           **_seats(event, seated, queue))
    q = text(posted, "q", 100)
    if error:
        return await _check_in_page(desk, event_id, q, 409, errors={str(person_id): error})
    return desk.redirect(f"/console/events/{event_id}/check-in" + (f"?{urlencode({'q': q})}" if q else "")
                         + f"#p-{person_id}")


@router.post("/events/{event_id}/check-in/{person_id}/release")
async def release_seat(event_id: UUID, person_id: UUID, desk: Console, posted: Form) -> Response:
    """Once the event has begun, full, with people waiting: a seated registrant who has not come is taken off the
    roster (told why, in the words given), so that the seat can be given to someone waiting who has. Answered with the
    whole list, as a seat given is: every row waiting may now be given it."""
    q = text(posted, "q", 100)
    reason = text(posted, "reason")
    if not reason:  # said next to the reason, emptied as it was sent
        asked = {str(person_id): desk.error_words("reason_required")}
        if desk.request.headers.get("hx-request") == "true":  # swapped in (HTMX swaps no 4xx), focus on the words
            listed = desk.render("console/_check_in_list_answer.html", focused=None, release_errors=asked,
                                 **await _check_in_list(desk, event_id, q))
            listed.headers.update({"HX-Retarget": "#check-in-list", "HX-Reswap": "outerHTML"})
            return listed
        return await _check_in_page(desk, event_id, q, 422, release_errors=asked)
    error = None
    try:
        await desk.api.call("events", "POST", f"/v1/events/{event_id}/registrations/{person_id}/remove", desk.staff,
                            json={"reason": reason})
    except ServiceError as failed:
        if not _refused(failed) and failed.code != "profiles_unavailable":
            raise
        error = await _refusal(desk, failed, event_id)
    if desk.request.headers.get("hx-request") == "true":
        listing, names = await asyncio.gather(_check_in_list(desk, event_id, q), desk.names([str(person_id)]))
        # Released, their row is gone: focus goes to the first waiting, whose row now offers the seat; what was done
        # is said, as the page without JavaScript says it.
        focused = str(person_id) if error or not listing["first_waiting"] else listing["first_waiting"]
        announce = None if error else desk._(labels.SEAT_RELEASED, name=names.get(str(person_id), ""))
        listed = desk.render("console/_check_in_list_answer.html", focused=focused, announce=announce,
                             errors={str(person_id): error} if error else {}, **listing)
        listed.headers.update({"HX-Retarget": "#check-in-list", "HX-Reswap": "outerHTML"})
        return listed
    if error:
        return await _check_in_page(desk, event_id, q, 422, errors={str(person_id): error})
    return desk.redirect(f"/console/events/{event_id}/check-in?" + urlencode({"q": q, "done": "seat_released"}))


@router.get("/events/{event_id}/attendance.csv")
async def attendance_csv(event_id: UUID, desk: Console) -> Response:
    event, attendance = await asyncio.gather(
        desk.api.call("events", "GET", f"/v1/events/{event_id}", desk.staff),
        desk.api.call("events", "GET", f"/v1/events/{event_id}/attendance", desk.staff))
    listed = attendance.get("items", attendance.get("attendance")) if isinstance(attendance, dict) else attendance
    rows: list[dict] = list(listed or [])
    # Each registrant's name and address as profiles shows them to the staff member (a coordinator: the people of
    # their chapters), in one call, audited once.
    people = await desk.api.contacts(desk.staff, {r["person_id"] for r in rows}, event)
    names = {i: p["display_name"] for i, p in people.items()}
    emails = {i: p["email"] for i, p in people.items()}
    out = io.StringIO()
    writer = csv.writer(out)
    # The times as the day's wall clock where the event takes place, which a spreadsheet reads as a date and time;
    # the header names that zone.
    writer.writerow([desk._(C_("Name")), desk._(C_("Email")), desk._(C_("Person's id")), desk._(C_("Registration")),
                     desk._(C_("Place on the waitlist")),
                     desk._(C_("Checked in (%(zone)s)"), zone=zone_name(event["timezone"], desk.language)),
                     desk._(C_("Attendance"))])
    # Attendance as recorded when the event was marked held (events' `attended`), empty until then.
    attendance_words = {True: desk._(C_("Came")), False: desk._(C_("Did not come")), None: ""}

    def in_order(r: dict) -> tuple:
        """Those seated by name, then those waiting in their order (a seat freed goes to the first), then the rest."""
        group = {"confirmed": 0, "waitlisted": 1}.get(r.get("status", ""), 2)
        return group, r.get("waitlist_position") or 0, _folded(names.get(r["person_id"], ""))

    for r in sorted(rows, key=in_order):
        writer.writerow([spreadsheet_safe(names.get(r["person_id"], "")),
                         spreadsheet_safe(emails.get(r["person_id"], "")), r["person_id"],
                         desk._(labels.roster_status(event["state"], r.get("status", ""))),
                         r.get("waitlist_position") or "",
                         _as_local(r.get("checked_in_at"), event["timezone"], "%Y-%m-%d %H:%M"),
                         attendance_words[r.get("attended")]])
    # Named after the event, in the few characters every system and header takes.
    named = re.sub(r"[^a-z0-9]+", "-", _folded(event["title"])[:80]).strip("-") or "event"
    return spreadsheet_file(out.getvalue(), f"{named}-attendance.csv")
