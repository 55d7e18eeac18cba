"""Events: those a person may attend (national ones and their chapter's, open to their stage), one event with
the person's seat or waitlist place and, once confirmed, its join link; register and cancel."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from ..adapters.services import ServiceError
from . import labels
from .web import (
    Form,
    Person,
    Visit,
    Visiting,
    app_state,
    chapter_of,
    clients,
    go_to,
    htmx,
    office_hour_names,
    redirect,
    render,
    set_cookies,
)

router = APIRouter(include_in_schema=False)


async def _registrations(visitor: Visit, removed_too: bool = False) -> dict[str, dict]:
    """The visitor's registrations held, by event; `removed_too`: one an organizer took them off, where they hold none
    (an event's page says so, with why)."""
    if visitor.session is None or visitor.session.person_id is None:
        return {}
    found = await clients(visitor.request).my_registrations(visitor.who)
    held = {r["scheduled_event_id"]: r for r in found if removed_too and r.get("removed")}
    return held | {r["scheduled_event_id"]: r for r in found if r["status"] != "cancelled"}


@router.get("/events")
async def events(visitor: Visiting) -> Response:
    api = clients(visitor.request)
    session = visitor.session
    stage = session.stage if session else None
    chapter = session.chapter_id if session else None
    listed, mine = await asyncio.gather(api.events_for(visitor.who, stage, chapter), _registrations(visitor))
    return render(visitor, "events.html", events=listed, mine=mine, stage=stage, chapter=chapter)


def _over(event: dict, now: datetime) -> bool:
    """Held (marked so, possibly before its end), or past its end: its registrations stay as they were, as events
    keeps them."""
    return event["state"] == "completed" or datetime.fromisoformat(event["ends_at"]) <= now


async def _registrations_page(visitor: Visit, status: int = 200, **context) -> Response:
    found = await clients(visitor.request).my_registrations(visitor.who)  # by when each event starts
    held = [r for r in found if r["status"] != "cancelled"]
    now = datetime.now(UTC)
    # Called off, an event is not coming up either: it is listed with what is over, saying so.
    done_with = [{**r, "over": _over(r["event"], now) or r["event"]["state"] == "cancelled"} for r in held]
    coming = [r for r in done_with if not r["over"]]
    past = [r for r in reversed(done_with) if r["over"]]
    return render(visitor, "registrations.html", status, coming=coming, past=past, **context)


# What the events service makes a feed's secret of (URL-safe base64): anything else is no link of ours.
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,100}")
# A link just made waits here for the page the form redirects to, which shows it once: so reloading that page does
# not post the form again, which would stop the link just copied. Only this browser holds it, for a few minutes.
NEW_CALENDAR_LINK_COOKIE, NEW_CALENDAR_LINK_SECONDS = "__Host-calendar-link", 600


@router.get("/registrations")
async def registrations(visitor: Person) -> Response:
    token = visitor.request.cookies.get(NEW_CALENDAR_LINK_COOKIE)
    if token is None:
        return await _registrations_page(visitor)
    visitor.cookies.append((NEW_CALENDAR_LINK_COOKIE, "", None))
    if not FEED_TOKEN.fullmatch(token):
        return await _registrations_page(visitor)
    # The events service is not reachable from outside: calendar apps fetch the feed from the web app.
    base = app_state(visitor.request).settings.public_base_url.rstrip("/")
    return await _registrations_page(visitor, calendar_link=f"{base}/calendar/{token}.ics")


@router.post("/registrations/calendar-link")
async def make_calendar_link(visitor: Person, posted: Form) -> Response:
    """A new secret link to the person's events for their calendar app; the old one stops. Shown once, on the page
    the form redirects to: events keeps only its digest."""
    try:
        token = await clients(visitor.request).issue_calendar_feed(visitor.who, visitor.language)
    except ServiceError as error:
        if error.status >= 500:
            raise
        return await _registrations_page(visitor, 422, calendar_error=visitor.error_words(error))
    visitor.cookies.append((NEW_CALENDAR_LINK_COOKIE, token, NEW_CALENDAR_LINK_SECONDS))
    return redirect(visitor, "/registrations#calendar")


@router.get("/calendar/{token}.ics")
async def calendar_feed(token: str, visitor: Visiting) -> Response:
    """A person's calendar feed, for their calendar app, which signs in to nothing: the secret link is enough."""
    if not FEED_TOKEN.fullmatch(token):
        return render(visitor, "not_found.html", 404)
    try:
        feed = await clients(visitor.request).calendar_feed(token)
    except ServiceError as error:
        if error.status == 404:
            return render(visitor, "not_found.html", 404)
        raise
    return Response(feed, media_type="text/calendar; charset=utf-8")


async def _event_page(visitor: Visit, event_id: UUID, status: int = 200, **context) -> Response:
    api = clients(visitor.request)
    try:
        event, mine = await asyncio.gather(api.event(visitor.who, event_id), _registrations(visitor, removed_too=True))
    except ServiceError as error:
        if error.status in (403, 404, 422):
            return render(visitor, "not_found.html", 404)
        raise
    registration = mine.get(str(event_id))
    removed = registration if registration and registration["status"] == "cancelled" else None
    registration = None if removed else registration
    link = None
    if registration and registration["status"] == "confirmed" and event["is_virtual"]:
        link = await api.join_link(visitor.who, event_id)
    template = "_event_actions.html" if htmx(visitor.request) else "event.html"
    if template == "event.html" and event["kind"] == "conference":
        context["sessions"] = await api.sessions_of(visitor.who, event_id)
        # Where the person has a seat or waits, said by each session: from the registrations read above.
        context["mine"] = {held: r for held, r in mine.items() if r["status"] in ("confirmed", "waitlisted")}
    elif template == "event.html" and event.get("parent_event_id"):
        context["conference"] = await _conference_of(visitor, event)
    chapter = await chapter_of(visitor, event.get("chapter_id"))
    context["organizers"] = (chapter or {}).get("contact_email")
    now = datetime.now(UTC)
    over = _over(event, now)
    started = datetime.fromisoformat(event["starts_at"]) <= now
    ended = datetime.fromisoformat(event["ends_at"]) <= now  # marked held, it may still be running
    closed = datetime.fromisoformat(event["registration_deadline"]) <= now
    session = visitor.session
    # events would refuse the registration (not_in_chapter): say so rather than offer it
    another_chapters = bool(event.get("chapter_id") and session and session.person_id
                            and str(session.chapter_id) != event["chapter_id"])
    # Also the answer to its forms: switching language goes back to the event, not to where the form posted.
    return render(visitor, template, status, event=event, registration=registration, join_link=link, over=over,
                  started=started, ended=ended, removed=removed, registration_closed=closed,
                  here=f"/events/{event_id}", chapter=chapter,
                  another_chapters=another_chapters, **context)


async def _conference_of(visitor: Visit, session: dict) -> dict | None:
    """The session's conference, to link to; None when events shows it not (another chapter's, or gone): the
    session's page is shown without the link."""
    try:
        return await clients(visitor.request).event(visitor.who, UUID(session["parent_event_id"]))
    except ServiceError as error:
        if error.status not in (403, 404):
            raise
        return None


@router.get("/events/{event_id}")
async def event(event_id: UUID, visitor: Visiting, done: str | None = None) -> Response:
    return await _event_page(visitor, event_id, done=done)


# A person who registers right after signing up may reach events before their profile does (it travels by Kafka, in
# a second or two): their one tap is tried again after these pauses before they are asked to try again themselves.
NOT_YET_KNOWN_WAITS = (0.5, 1.0, 2.0)
NOT_YET_KNOWN = ("chapter_not_yet_known", "stage_not_yet_known")


@router.post("/events/{event_id}/register")
async def register(event_id: UUID, visitor: Person, posted: Form) -> Response:
    try:
        for wait in (*NOT_YET_KNOWN_WAITS, None):
            try:
                registration = await clients(visitor.request).register_for(visitor.who, event_id, visitor.person_id)
                break
            except ServiceError as error:
                if error.code not in NOT_YET_KNOWN or wait is None:
                    raise
                await asyncio.sleep(wait)
    except ServiceError as error:
        return await _event_page(visitor, event_id, 200 if htmx(visitor.request) else 422,
                                 error=visitor.error_words(error, labels.EVENT_ERRORS))
    # A full event puts the person on its waitlist: the page says so, with their place in line.
    done = "waitlisted" if registration.get("status") == "waitlisted" else "registered"
    if htmx(visitor.request):
        return await _event_page(visitor, event_id, done=done)
    return redirect(visitor, f"/events/{event_id}?done={done}")


@router.post("/events/{event_id}/cancel")
async def cancel(event_id: UUID, visitor: Person, posted: Form) -> Response:
    if posted.get("confirm") != "yes":  # asked first, on the event's page: a seat given up may not come back
        return await _event_page(visitor, event_id, confirming_cancel=True)
    try:
        await clients(visitor.request).cancel_registration(visitor.who, event_id, visitor.person_id)
    except ServiceError as error:
        return await _event_page(visitor, event_id, 200 if htmx(visitor.request) else 422,
                                 error=visitor.error_words(error))
    if htmx(visitor.request):
        return await _event_page(visitor, event_id, done="cancelled")
    return redirect(visitor, f"/events/{event_id}?done=cancelled")


# --- office hours -----------------------------------------------------------------------------------------------

@router.get("/office-hours")
async def office_hours(visitor: Person, done: str | None = None, error: str | None = None,
                       slot: str | None = None) -> Response:
    return await _office_hours_page(visitor, done, error, slot)


async def _office_hours_page(visitor: Visit, done: str | None = None, error: str | None = None,
                             slot: str | None = None, **context: Any) -> Response:
    """The free slots and the person's bookings; a refused booking is said on the slot refused (`slot`), or at the
    top when that slot is no longer listed; `confirming`: the booking asked whether to cancel."""
    api = clients(visitor.request)
    slots, mine, names = await asyncio.gather(api.open_slots(visitor.who, visitor.session.chapter_id if visitor.session
                                                             else None), api.my_bookings(visitor.who),
                                              office_hour_names(visitor))
    booked = {s["id"] for s in mine}
    # A host's own are on the office hours they offer, not among those to book (events refuses that booking).
    free = [s for s in slots if s["id"] not in booked and s.get("host_id") != str(visitor.person_id)]
    words = visitor.error_words(error) if error else None
    on_slot = words if words and any(s["id"] == slot for s in free) else None
    return render(visitor, "office_hours.html", slots=free, mine=mine, names=names, done=done,
                  error=None if on_slot else words, refused_slot=slot if on_slot else None, slot_error=on_slot,
                  **context)


@router.get("/office-hours/{slot_id}")
async def office_hour(slot_id: UUID, visitor: Person) -> Response:
    """Where a message about one office hour links: to its host, the office hours they offer; to the one who booked
    it, the office-hours page, which lists it with its cancel, or says it is no longer theirs (cancelled, withdrawn or
    over: an old email's link)."""
    api = clients(visitor.request)
    mine, offered = await asyncio.gather(api.my_bookings(visitor.who), api.my_slots(visitor.who, visitor.person_id))
    if any(s["id"] == str(slot_id) for s in offered):
        return redirect(visitor, "/my-office-hours")
    if any(s["id"] == str(slot_id) for s in mine):
        # Opened at it, among the others (the page lists every booking), with its cancel and its link to join.
        return redirect(visitor, f"/office-hours#booking-{slot_id}")
    return await _office_hours_page(visitor, gone=True)


@router.post("/office-hours/{slot_id}/book")
async def book(slot_id: UUID, visitor: Person, posted: Form) -> Response:
    try:
        await clients(visitor.request).book_slot(visitor.who, slot_id, visitor.person_id)
    except ServiceError as error:
        code = error.code if error.code.isidentifier() else "failed"
        # The page opens on the words by the slot (when it is still listed), without JavaScript.
        return redirect(visitor, f"/office-hours?error={code}&slot={slot_id}#slot-{slot_id}-error")
    return redirect(visitor, "/office-hours?done=booked")


@router.post("/office-hours/{slot_id}/cancel")
async def cancel_booking(slot_id: UUID, visitor: Person, posted: Form) -> Response:
    if posted.get("confirm") != "yes":  # asked first, as an event's seat is: both are emailed, the slot may go
        return await _asking_to_cancel_booking(visitor, str(slot_id))
    try:
        await clients(visitor.request).cancel_booking(visitor.who, slot_id)
    except ServiceError as error:
        return _whole_page(visitor, f"/office-hours?error={error.code if error.code.isidentifier() else 'failed'}")
    # The whole page again, also from HTMX: the booking is gone, and its slot may be free to book.
    return _whole_page(visitor, "/office-hours?done=booking_cancelled")


async def _asking_to_cancel_booking(visitor: Visit, slot_id: str) -> Response:
    """The booking with the question whether to cancel it: its card (HTMX), or the office-hours page with it."""
    if not htmx(visitor.request):
        return await _office_hours_page(visitor, confirming=slot_id, here="/office-hours")
    mine, names = await asyncio.gather(clients(visitor.request).my_bookings(visitor.who), office_hour_names(visitor))
    booking = next((b for b in mine if b["id"] == slot_id), None)
    if booking is None:  # cancelled already, or not theirs: the page says where things stand
        return _whole_page(visitor, "/office-hours")
    return render(visitor, "_booking_card.html", s=booking, names=names, confirming=slot_id, here="/office-hours")


def _whole_page(visitor: Visit, to: str) -> Response:
    return set_cookies(go_to(visitor.request, to), visitor)
