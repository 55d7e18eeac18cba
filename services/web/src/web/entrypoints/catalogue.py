"""Pages anyone may read (the programs of a chapter and the national ones), calendar files, a mentor's own
office-hour slots, and a mentee's suggestions and requests in programs where mentees choose their mentor."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, time
from urllib.parse import urlsplit
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter
from fastapi.responses import Response
from plumbing.calendar import CalendarEntry, booking_uid, to_ics
from plumbing.validation import EARLIEST_YEAR, LATEST_YEAR

from ..adapters.services import ServiceError
from ..domain.clock import BeyondTheCalendar, SkippedTime, happens_twice, later, on_the_clock
from . import labels
from .web import Form, Person, Visit, Visiting, clients, offers_office_hours, office_hour_names, redirect, render

router = APIRouter(include_in_schema=False)

SLOT_MINUTES = (15, 20, 30, 45, 60)
SLOT_PLACE_LENGTH = 300  # events' bound on an office hour's place


# --- the catalogue of programs: a chapter's and the national ones -----------------------------------------------

@router.get("/programs")
async def programs(visitor: Visiting, chapter: str | None = None) -> Response:
    api = clients(visitor.request)
    found, chapters = await asyncio.gather(api.programs(visitor.who), api.chapters(visitor.who))
    chosen = next((c for c in chapters if c["id"] == chapter), None)
    if chosen is None and visitor.session and visitor.session.chapter_id:
        chosen = next((c for c in chapters if c["id"] == str(visitor.session.chapter_id)), None)
    national = [p for p in found if p["chapter_id"] is None]
    local_ones = [p for p in found if chosen and p["chapter_id"] == chosen["id"]]
    return render(visitor, "programs.html", national=national, chapter_programs=local_ones, chapters=chapters,
                  chosen=chosen)


@router.get("/events/{event_id}/calendar.ics")
async def event_calendar(event_id: UUID, visitor: Visiting) -> Response:
    """The event's calendar file, as the events service makes it: in the reader's language, which titles a private
    event as its emails and the calendar feed do."""
    try:
        body = await clients(visitor.request).call("events", "GET", f"/v1/events/{event_id}/calendar.ics",
                                                   visitor.who, params={"language": visitor.language})
    except ServiceError as error:
        if error.status in (403, 404, 422):
            return render(visitor, "not_found.html", 404)
        raise
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{event_id}.ics"'})


@router.get("/office-hours/{slot_id}/calendar.ics")
async def booking_calendar(slot_id: UUID, visitor: Person) -> Response:
    """One of my office hours (booked, or offered by me) as a calendar file."""
    api = clients(visitor.request)
    booked, offered, names = await asyncio.gather(api.my_bookings(visitor.who),
                                                  api.my_slots(visitor.who, visitor.person_id),
                                                  office_hour_names(visitor))
    slot = next((s for s in [*booked, *offered] if s["id"] == str(slot_id)), None)
    if slot is None:
        return render(visitor, "not_found.html", 404)
    other = slot.get("booked_by") if slot.get("host_id") == str(visitor.person_id) else slot.get("host_id")
    # Titled as its email's attachment is, the same entry in a calendar: with whom, once known.
    summary = (visitor._("Office hour with %(name)s") % {"name": names[other]} if other in names
               else visitor._("Office hour"))
    where = visitor._("Online") if slot["is_virtual"] else (slot.get("location") or "")
    # A booking is the entry its emails carry (one UID), so their update or cancellation reaches this copy too.
    uid = booking_uid(slot["booking_id"]) if slot.get("booking_id") else f"office-hour-{slot['id']}@mentorship"
    entry = CalendarEntry(uid=uid, starts_at=datetime.fromisoformat(slot["starts_at"]),
                          ends_at=datetime.fromisoformat(slot["ends_at"]), summary=summary,
                          location=slot.get("join_url") or where or None, url=slot.get("join_url"))
    return Response(to_ics([entry]), media_type="text/calendar; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="office-hour-{slot["id"]}.ics"'})


# --- a mentor's office-hour slots ---------------------------------------------------------------------------------

async def _slots_page(visitor: Visit, status: int = 200, **context) -> Response:
    api = clients(visitor.request)
    slots, names, enrollments = await asyncio.gather(api.my_slots(visitor.who, visitor.person_id),
                                                     office_hour_names(visitor),
                                                     api.enrollments(visitor.who, visitor.person_id))
    context.setdefault("values", {"minutes": "30", "where": "online"})
    # Events opens a slot to its host's chapter; one of a host of no chapter, to everyone.
    of_a_chapter = visitor.session is not None and visitor.session.chapter_id is not None
    return render(visitor, "my_office_hours.html", status, slots=slots, names=names, durations=SLOT_MINUTES,
                  of_a_chapter=of_a_chapter, offers=offers_office_hours(visitor, enrollments),
                  here="/my-office-hours", today=datetime.now(_zone(visitor.timezone)).date().isoformat(), **context)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@router.get("/my-office-hours")
async def my_office_hours(visitor: Person, done: str | None = None) -> Response:
    return await _slots_page(visitor, done=done)


@router.post("/my-office-hours")
async def offer_slot(visitor: Person, posted: Form) -> Response:
    values = {name: str(posted.get(name) or "").strip() for name in ("day", "time", "minutes", "where", "location",
                                                                      "join_url")}
    values["where"] = "in_person" if values["where"] == "in_person" else "online"
    problems: dict[str, str] = {}
    day = at = None
    try:
        day = date.fromisoformat(values["day"])
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:  # the services' range
            raise ValueError(day)
    except ValueError:
        problems["day"] = visitor._("Give the day of the slot.")
    try:
        at = time.fromisoformat(values["time"])
    except ValueError:
        problems["time"] = visitor._("Give the time it starts.")
    minutes = int(values["minutes"]) if values["minutes"].isdigit() else 0
    if minutes not in SLOT_MINUTES:
        problems["minutes"] = visitor._("Choose how long it is.")
    zone = _zone(visitor.timezone)
    if day and day < datetime.now(zone).date():
        problems["day"] = visitor._("Choose a day that has not passed yet.")
    starts = ends = None
    if day and at:
        try:
            starts = on_the_clock(datetime.combine(day, at), zone)
            ends = later(starts, minutes)
        except SkippedTime:
            problems["time"] = visitor._("That time does not exist that night in your time zone: the clocks go "
                                         "forward past it. Choose another time.")
        except BeyondTheCalendar:
            problems["day"] = visitor._("Give the day of the slot.")
    if starts and happens_twice(starts):  # which of the two, the form cannot say: asked for another
        problems["time"] = visitor._("That time happens twice that night in your time zone: the clocks go back over "
                                     "it. Choose a time before or after the change.")
    elif starts and starts <= datetime.now(UTC) and "day" not in problems:
        problems["time"] = visitor._("Choose a time that has not passed yet.")
    virtual = values["where"] == "online"
    location = values["location"] or None
    if not virtual and not location:
        problems["location"] = visitor._("Say where you meet in person.")
    elif not virtual and (too_long := visitor.too_long(values["location"], SLOT_PLACE_LENGTH, labels.N_("The place"))):
        problems["location"] = too_long
    join_url = _as_a_link(values["join_url"]) or None
    if virtual and join_url and (wrong := _join_link_problem(visitor, join_url)):
        problems["join_url"] = wrong
    if problems or starts is None or ends is None:
        return await _slots_page(visitor, 422, values=values, problems=problems)
    body = {"host_id": str(visitor.person_id), "starts_at": starts.isoformat(),
            "ends_at": ends.isoformat(), "is_virtual": virtual,
            "location": None if virtual else location, "join_url": join_url if virtual else None}
    if visitor.session and visitor.session.chapter_id:
        body["chapter_id"] = str(visitor.session.chapter_id)
    try:
        await clients(visitor.request).call("events", "POST", "/v1/office-hours/slots", visitor.who, json=body)
    except ServiceError as error:
        if error.code in ("slot_too_far_ahead", "slot_overlaps"):
            field = "day" if error.code == "slot_too_far_ahead" else "time"
            return await _slots_page(visitor, 422, values=values, problems={field: visitor.error_words(error)})
        message = (visitor._("Office hours are offered by mentors a program has approved. If you signed up to "
                             "mentor, you can offer slots here once your program approves you: we email you when it "
                             "does.")
                   if error.status == 403 else visitor.error_words(error))
        return await _slots_page(visitor, 422, values=values, offer_error=message)
    return redirect(visitor, "/my-office-hours?done=slot_offered")


JOIN_LINK_LENGTH = 500  # events' bound on a link to join
# A scheme before a colon ("javascript:", "mailto:"), not a host before its port ("zoom.us:443").
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?![0-9])")


def _as_a_link(typed: str) -> str:
    """A link to join as typed, given https:// when it starts with none ("zoom.us/j/123", as a call's app shows
    it); one typed with another scheme (http://, javascript:) is kept, to be refused."""
    typed = typed.strip()
    if typed[:8].lower() == "https://":
        return "https://" + typed[8:]  # as events takes it
    return typed if not typed or "://" in typed or _SCHEME.match(typed) else "https://" + typed


def _join_link_problem(visitor: Visit, link: str) -> str | None:
    """What is wrong with a link to join (as `_as_a_link` made it), in words for the field, else None: an https
    address of a real host (a name with a dot), without spaces, a name or a password, of at most 500 characters. The
    browser's check of the field is no guarantee (a form may be sent as it is), and events asks only for https://."""
    if not link.lower().startswith("https://"):
        return visitor._("A link to join starts with https://, a secure link. Copy the link from your video call's "
                         "invitation.")
    if any(c.isspace() for c in link):
        return visitor._("The link has a space in it. Copy the link again from your video call's invitation, with "
                         "no spaces.")
    if too_long := visitor.too_long(link, JOIN_LINK_LENGTH, labels.N_("Link to join")):
        return too_long
    parts = urlsplit(link)
    if "@" in parts.netloc:
        return visitor._("Give the link without a name or password in it (the part before an @).")
    try:
        parts.port  # noqa: B018 - read to check it: "https://javascript:alert(1)" has no port, but words after a colon
    except ValueError:
        return _no_host(visitor)
    labels_of_host = (parts.hostname or "").split(".")
    if len(labels_of_host) < 2 or not all(
            part and not part.startswith("-") and not part.endswith("-")
            and all(c.isalnum() or c == "-" for c in part) for part in labels_of_host):
        return _no_host(visitor)
    return None


def _no_host(visitor: Visit) -> str:
    return visitor._("Give the whole link, with the call's address after https://, like https://zoom.us/j/123.")


@router.post("/my-office-hours/{slot_id}/link")
async def give_slot_link(slot_id: UUID, visitor: Person, posted: Form) -> Response:
    """The host gives (or changes) the link to join an online slot; whoever books it is shown it."""
    typed = str(posted.get("join_url") or "").strip()
    join_url = _as_a_link(typed)

    async def refused(words: str) -> Response:  # next to that slot's field, which keeps what was typed
        problem = {"slot_id": str(slot_id), "typed": typed, "words": words}
        return await _slots_page(visitor, 422, link_problem=problem)

    if not join_url:
        return await refused(visitor._("Give the link to join: your video call's link, starting with https://."))
    if wrong := _join_link_problem(visitor, join_url):
        return await refused(wrong)
    try:
        await clients(visitor.request).call("events", "PUT", f"/v1/office-hours/slots/{slot_id}/join-link",
                                            visitor.who, json={"join_url": join_url})
    except ServiceError as error:
        if error.field == "join_url":
            return await refused(visitor.error_words(error))
        return await _slots_page(visitor, 422, error=visitor.error_words(error))
    return redirect(visitor, "/my-office-hours?done=slot_link_given")


@router.post("/my-office-hours/{slot_id}/withdraw")
async def withdraw_slot(slot_id: UUID, visitor: Person, posted: Form) -> Response:
    if posted.get("confirm") != "yes":  # a booked slot is asked about first: someone counts on it
        mine = await clients(visitor.request).my_slots(visitor.who, visitor.person_id)
        if any(s["id"] == str(slot_id) and s.get("booked_by") for s in mine):
            return await _slots_page(visitor, confirming=str(slot_id))
    try:
        await clients(visitor.request).call("events", "DELETE", f"/v1/office-hours/slots/{slot_id}", visitor.who)
    except ServiceError as error:
        return await _slots_page(visitor, 422, error=visitor.error_words(error))
    return redirect(visitor, "/my-office-hours?done=slot_withdrawn")


# --- suggestions and requests (programs where mentees choose) -----------------------------------------------------

REQUEST_NOTE_LIMIT = 500  # matching's own (RequestIn.note)
# Said of an ask matching refused, where the words differ from those said of the same code elsewhere.
ASK_REFUSED = {
    "not_enrolled": labels.N_("This mentor no longer mentors in this program. Choose another one."),
}


async def _pairings_if_matching_answers(visitor: Visit) -> list[dict]:
    """The visitor's pairings, to tell whether they have a mentor here already; secondary (should matching not
    answer, the suggestions are shown, and matching refuses an ask of one paired, said in its words)."""
    try:
        return await clients(visitor.request).pairings(visitor.who, visitor.person_id)
    except ServiceError:
        return []


async def _days_to_answer(visitor: Visit, program: dict) -> int | None:
    """How many days a mentor has to answer a request: the program's, else the platform's (matching's default);
    None when matching does not say (the page then says "a few days")."""
    if program.get("answer_within_days"):
        return int(program["answer_within_days"])
    try:
        defaults = await clients(visitor.request).call("matching", "GET", "/v1/defaults", visitor.who)
    except ServiceError:
        return None
    return defaults.get("answer_within_days") if isinstance(defaults, dict) else None


async def _suggestions_page(visitor: Visit, program_id: UUID, status: int = 200, **context) -> Response:
    api = clients(visitor.request)
    try:
        program, enrollments, pairings = await asyncio.gather(api.program(visitor.who, program_id),
                                                              api.enrollments(visitor.who, visitor.person_id),
                                                              _pairings_if_matching_answers(visitor))
    except ServiceError as error:
        if error.status in (403, 404, 422):
            return render(visitor, "not_found.html", 404)
        raise
    mine = [e for e in enrollments if e["program_id"] == str(program_id) and e["active"] and e["role"] == "mentee"]
    if program.get("pairing_mode") != "mentee_choice" or not mine:
        return render(visitor, "not_found.html", 404)
    kind = mine[0]["pairing_kind"]
    if mine[0].get("paused"):  # matching suggests nobody to a paused mentee: say why, and the way back
        return render(visitor, "suggestions.html", status, program=program, suggestions=[], kind=kind, paused=True,
                      **context)
    # Paired here already (or proposed a mentor): matching takes no request of her, so none is offered; her
    # mentorship is where to go.
    paired = next((p for p in pairings if p["program_id"] == str(program_id) and p.get("pairing_kind") == kind
                   and p["mentee_id"] == str(visitor.person_id) and p["status"] in ("active", "proposed")), None)
    if paired is not None:
        return render(visitor, "suggestions.html", status, program=program, suggestions=[], kind=kind,
                      paired=paired, **context)
    try:
        found, days = await asyncio.gather(
            api.call("matching", "GET", f"/v1/programs/{program_id}/suggestions", visitor.who,
                     params={"mentee_id": str(visitor.person_id), "pairing_kind": kind}),
            _days_to_answer(visitor, program))
    except ServiceError as error:
        found, days, context["error"] = [], None, visitor.error_words(error)
    suggestions = [{**s, "reasons": [r for r in s["reason_codes"] if r in labels.REASONS]} for s in found]
    return render(visitor, "suggestions.html", status, program=program, suggestions=suggestions, kind=kind,
                  days_to_answer=days, **context)


@router.get("/programs/{program_id}/suggestions")
async def suggestions(program_id: UUID, visitor: Person, done: str | None = None) -> Response:
    return await _suggestions_page(visitor, program_id, done=done)


@router.post("/programs/{program_id}/requests")
async def request_mentor(program_id: UUID, visitor: Person, posted: Form) -> Response:
    try:
        mentor_id = UUID(str(posted.get("mentor_id") or ""))
    except ValueError:
        return await _suggestions_page(visitor, program_id, 422, error=visitor._("Choose a mentor to ask."))
    body = {"mentee_id": str(visitor.person_id), "mentor_id": str(mentor_id)}
    if posted.get("pairing_kind"):
        body["pairing_kind"] = str(posted.get("pairing_kind"))
    note = "\n".join(str(posted.get("note") or "").strip().splitlines())
    if note:
        body["note"] = note

    async def note_refused(words: str) -> Response:  # next to the note, which is kept as typed
        return await _suggestions_page(visitor, program_id, 422, notes={str(mentor_id): note},
                                 note_problems={str(mentor_id): words})

    if len(note) > REQUEST_NOTE_LIMIT:
        return await note_refused(visitor._("Your note is too long: at most 500 characters."))
    try:
        await clients(visitor.request).call("matching", "POST", f"/v1/programs/{program_id}/requests",
                                            visitor.who, json=body)
    except ServiceError as error:
        if error.field == "note":
            return await note_refused(visitor._("Your note has characters that cannot be sent. Remove them."))
        return await _suggestions_page(visitor, program_id, 422, error=visitor.error_words(
            error, ASK_REFUSED if error.field == "mentor_id" else None))
    return redirect(visitor, f"/programs/{program_id}/suggestions?done=requested")
