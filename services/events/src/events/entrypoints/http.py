"""REST API of the events service under /v1: parse, authorise, call a handler, answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from mentorship_contracts.events import EventKind
from mentorship_contracts.profiles import PreferredLanguage
from mentorship_contracts.vocabulary import TrainingStage
from plumbing.auth import Principal, Role, current_principal, forbidden
from plumbing.calendar import CalendarEntry, to_ics
from plumbing.disclosure import PublishedOut, as_csv
from plumbing.errors import NotFound
from plumbing.http import answers, unit_of_work
from plumbing.validation import Limit, Moment, MultilineText, Offset, Text
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..adapters.calendar import FEED_WORDS, booking_entry, calendar_entry
from ..domain import commands
from ..domain.model import (
    CancelledBy,
    EventState,
    Exhibitor,
    ExhibitorKind,
    NotConfirmed,
    OfficeHourSlot,
    Registration,
    RosterStatus,
    ScheduledEvent,
    Status,
    tally,
    waitlist_positions,
)
from ..service_layer import handlers
from ..service_layer.registration_desk import RegistrationDesk
from ..service_layer.unit_of_work import EventsUnitOfWork

router = APIRouter(prefix="/v1")
Caller = Annotated[Principal, Depends(current_principal)]


def registration_desk(request: Request) -> RegistrationDesk:
    return request.app.state.registration_desk


UnitOfWork = Annotated[EventsUnitOfWork, Depends(unit_of_work)]
Desk = Annotated[RegistrationDesk, Depends(registration_desk)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


Title = Annotated[str, Text(200), Field(min_length=1)]
Line50 = Annotated[str, Text(50), Field(min_length=1)]
Line300 = Annotated[str, Text(300)]
TimeZone = Annotated[str, Text(64), Field(description="An IANA time zone, e.g. America/Chicago")]
# The pattern said again for the document: after Text's check, pydantic enforces it but leaves it out of the schema.
# https to a named host (no credentials before it, no spaces anywhere): "https://javascript:alert(1)" is no link.
VIRTUAL_LINK = r"^https://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:[0-9]{1,5})?([/?#][^\s]*)?$"
VirtualLink = Annotated[str, Text(500), Field(pattern=VIRTUAL_LINK, json_schema_extra={"pattern": VIRTUAL_LINK})]
Prose2000 = Annotated[str, MultilineText(2000)]
Prose5000 = Annotated[str, MultilineText(5000)]
Capacity = Annotated[int, Field(ge=1, le=100_000)]
AudienceStages = Annotated[list[TrainingStage], Field(max_length=len(TrainingStage))]  # each stage at most once


class ExhibitorIn(Strict):
    name: Title
    kind: ExhibitorKind
    booth: Line50
    description: Prose2000 = ""


# What a change may leave out but not set to null: only a location and a virtual link can be removed.
_NOT_NULL = ("title", "description", "starts_at", "ends_at", "timezone", "capacity", "registration_deadline",
             "audience_stages", "is_virtual", "exhibitors", "attendees_public")


def _say_null_is_refused(schema: dict) -> None:
    for name in _NOT_NULL:
        prop = schema["properties"][name]
        if "anyOf" in prop:
            [kept] = [s for s in prop.pop("anyOf") if s != {"type": "null"}]
            prop.update(kept)
        prop.pop("default", None)


class EventChanges(Strict):
    """What an organiser may change; every field optional (PATCH): a field left out stays as it is."""

    model_config = ConfigDict(json_schema_extra=_say_null_is_refused)

    title: Title | None = None
    description: Prose5000 | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    timezone: TimeZone | None = None
    capacity: Capacity | None = None
    registration_deadline: Moment | None = None
    audience_stages: AudienceStages | None = None
    is_virtual: bool | None = None
    location: Line300 | None = None
    virtual_link: VirtualLink | None = None
    exhibitors: Annotated[list[ExhibitorIn], Field(max_length=500)] | None = None
    attendees_public: bool | None = Field(
        default=None, description="Whether other teams may see who registers: changes only while nobody has "
                                  "registered (422 naming it otherwise); changing it alone publishes no update")

    @field_validator(*_NOT_NULL)
    @classmethod
    def _given_if_present(cls, value):
        if value is None:
            raise ValueError("cannot be null: leave the field out to keep it as it is")
        return value

    def domain_values(self) -> dict:
        values = self.model_dump(exclude_unset=True, exclude={"exhibitors"})
        if "exhibitors" in self.model_fields_set:
            values["exhibitors"] = [Exhibitor(**x.model_dump()) for x in self.exhibitors or []]
        return values


class EventIn(EventChanges):
    model_config = ConfigDict(json_schema_extra=None)

    chapter_id: UUID | None = None
    kind: EventKind
    title: Title
    description: Prose5000 = ""
    starts_at: Moment
    ends_at: Moment
    timezone: TimeZone = "UTC"
    capacity: Capacity
    registration_deadline: Moment
    audience_stages: AudienceStages = Field(default_factory=list)
    is_virtual: bool = False
    parent_event_id: UUID | None = None
    exhibitors: Annotated[list[ExhibitorIn], Field(max_length=500)] = Field(default_factory=list)
    attendees_public: bool = Field(
        default=False, description="Whether other teams may see who registers (events.registrations); else only "
                                   "notifications learns it (events.attendees). Fixed once anyone has registered")

    def command(self) -> commands.CreateEvent:
        return commands.CreateEvent(**{**self.model_dump(exclude={"exhibitors"}), **self.domain_values()})


class ExhibitorOut(BaseModel):
    name: str
    kind: ExhibitorKind
    booth: str
    description: str


class EventOut(BaseModel):
    id: UUID
    chapter_id: UUID | None
    kind: EventKind
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    capacity: int
    audience_stages: list[TrainingStage]
    registration_deadline: datetime
    is_virtual: bool
    location: str | None
    parent_event_id: UUID | None
    exhibitors: list[ExhibitorOut]
    attendees_public: bool
    state: EventState
    cancellation_note: str | None = Field(default=None, description="What the organisers said to those registered "
                                                                    "when they cancelled it (null: nothing)")
    virtual_link: str | None = Field(default=None, description="Shown to the organisers only; registrants use /access")
    full: bool | None = Field(default=None, description="One event's answer only (null in lists): every seat is "
                                                        "taken, so a registration now waits on the waitlist")
    check_in_opens_at: datetime = Field(description="From when registrants are checked in and attendance recorded: "
                                                    "midnight of its first day in its time zone, or 3 hours before "
                                                    "it starts if that is earlier")

    @classmethod
    def of(cls, e: ScheduledEvent, *, organiser: bool = False, full: bool | None = None) -> EventOut:
        computed = ("exhibitors", "full", "check_in_opens_at")
        values = {name: getattr(e, name) for name in cls.model_fields if name not in computed}
        values["exhibitors"] = [ExhibitorOut(**vars(x)) for x in e.exhibitors]
        values["virtual_link"] = e.virtual_link if organiser else None
        return cls(**values, full=full, check_in_opens_at=e.check_in_opens_at())


class PersonIn(Strict):
    person_id: UUID


class RegistrationOut(BaseModel):
    id: UUID
    scheduled_event_id: UUID
    person_id: UUID
    status: Status
    attended: bool | None
    created_at: datetime | None
    checked_in_at: datetime | None = Field(description="When they were checked in at the door (null: not, or undone): "
                                                      "from then they no longer cancel it themselves")

    @classmethod
    def of(cls, r: Registration) -> RegistrationOut:
        return cls(**{name: getattr(r, name) for name in cls.model_fields})


class MyRegistrationOut(RegistrationOut):
    event: EventOut
    waitlist_position: int | None = Field(description="The place on the event's waitlist (from 1), while on it")
    removed: bool = Field(default=False, description="An organiser took the registrant off the roster (its status: "
                                                     "cancelled)")
    removal_reason: str | None = Field(default=None, description="Why, as the organiser told the registrant")


class RosterEntry(BaseModel):
    id: UUID
    scheduled_event_id: UUID
    person_id: UUID
    status: RosterStatus = Field(description="removed: an organiser took the registrant off the roster")
    attended: bool | None = Field(description="Recorded attendance (null: none); false for someone removed at the "
                                              "door, once the event had begun, without having come")
    created_at: datetime | None
    waitlist_position: int | None = Field(description="The place on the waitlist (from 1), while on it")
    checked_in_at: datetime | None
    removal_reason: str | None = Field(description="Why an organiser removed the registrant, in their words (null: "
                                                   "not removed, or removed without a reason)")
    cancelled_by: CancelledBy | None = Field(
        description="Who cancelled it: the registrant, an organiser (a removal; its status says removed), or the "
                    "event's cancellation; null while not cancelled (and for a registration cancelled before the "
                    "service kept who did)")

    @classmethod
    def of(cls, r: Registration, position: int | None = None) -> RosterEntry:
        return cls(id=r.id, scheduled_event_id=r.scheduled_event_id, person_id=r.person_id, status=r.roster_status,
                   attended=r.attended, created_at=r.created_at, waitlist_position=position,
                   checked_in_at=r.checked_in_at, removal_reason=r.removal_reason, cancelled_by=r.cancelled_by)


class RosterOut(BaseModel):
    counts: dict[str, int]
    registrations: list[RosterEntry]


class JoinLinkOut(BaseModel):
    join_url: str


class CalendarFeedIn(Strict):
    language: PreferredLanguage = Field(default="en", description="Of the feed's own words (its name, a private "
                                                                  "event's title, an office hour's): a calendar app "
                                                                  "fetches it with no reader's language")


class CalendarFeedOut(BaseModel):
    url: str = Field(description="The feed's secret URL, for calendar apps; it needs no token")
    token: str = Field(description="The secret in `url`, for a front end that serves the feed at its own address")


class CancelIn(Strict):
    reason_code: str = Field(default="organiser_cancelled", pattern=r"^[a-z_]{1,50}$")
    # The text's rules on the text alone: an explicit null is no note (the fuzzer's null reached them, a 500).
    note: Annotated[str, MultilineText(1000)] | None = Field(
        default=None, description="The organisers' words to those registered, quoted in the message that tells them "
                                  "(the weather, a speaker taken ill, a new date); said of the event to all of them, "
                                  "as its title is")


class AttendanceIn(PersonIn):
    attended: bool = True


class RemovalIn(Strict):
    reason: Annotated[str, Text(500), Field(min_length=1, description="Why, for the registrant: they are told")]


class CheckInOut(BaseModel):
    person_id: UUID
    checked_in_at: datetime


class AttendanceLine(BaseModel):
    person_id: UUID
    status: RosterStatus
    checked_in_at: datetime | None
    attended: bool | None = Field(description="Recorded attendance: final once the event is completed; false for "
                                              "someone removed at the door, once it had begun, without having come")
    waitlist_position: int | None = Field(description="The place on the waitlist (from 1), while on it")


class SlotIn(Strict):
    host_id: UUID
    # Still accepted, so that no request valid before is refused now; the host's chapter decides.
    chapter_id: UUID | None = Field(default=None, deprecated=True, description=(
        "Ignored: a slot is in its host's chapter (as profiles has told the events service), which the answer gives"))
    starts_at: Moment
    ends_at: Moment
    is_virtual: bool = True
    location: Line300 | None = None
    join_url: VirtualLink | None = Field(default=None, description="Online only: the link to join, which the host and "
                                                                   "whoever books the slot alone are shown")


class SlotLinkIn(Strict):
    join_url: VirtualLink


class SlotOut(BaseModel):
    id: UUID
    host_id: UUID
    chapter_id: UUID | None
    starts_at: datetime
    ends_at: datetime
    is_virtual: bool
    location: str | None
    booked_by: UUID | None
    booking_id: UUID | None = Field(description="The booking, for the host and the booker: its calendar entry's UID "
                                                "is booking-<booking_id>@mentorship-platform, in every email too")
    join_url: str | None = Field(description="Online: the link to join, for the host and the booker only (null for "
                                             "others, and until the host gives it)")
    host_stage: TrainingStage | None = Field(
        default=None, description="In the list of slots: the host's stage of training, as profiles.people says it of "
                                  "them, what one choosing a slot learns of a host they are not named; null elsewhere, "
                                  "or while profiles has not told the events service")

    @classmethod
    def of(cls, s: OfficeHourSlot, caller: Principal, host_stage: TrainingStage | None = None) -> SlotOut:
        values = {name: getattr(s, name) for name in cls.model_fields if name != "host_stage"}
        values["host_stage"] = host_stage
        # Who booked a slot is the host's and the booker's business.
        booker = s.booked_by is not None and caller.is_person(s.booked_by)
        if not (caller.is_admin or caller.is_person(s.host_id) or booker):
            values["booked_by"] = values["booking_id"] = values["join_url"] = None
        return cls(**values)


def _may_organise(caller: Principal, chapter_id: UUID | None) -> bool:
    return caller.is_admin or caller.coordinates(chapter_id)


async def _visible_event(event_id: UUID, caller: Principal, unit: EventsUnitOfWork) -> ScheduledEvent:
    event = await handlers.get_event(event_id, unit)
    if _may_organise(caller, event.chapter_id):
        return event
    # A draft is not there for others yet, nor a session published while its conference was a draft (before that
    # was refused): its page shows its conference, which is not there either.
    if event.state == EventState.DRAFT or (
            event.parent_event_id is not None
            and (await handlers.get_event(event.parent_event_id, unit)).state == EventState.DRAFT):
        raise NotFound("no such event", field="scheduled_event_id")
    return event


async def _organised_event(event_id: UUID, caller: Principal, unit: EventsUnitOfWork) -> ScheduledEvent:
    event = await handlers.get_event(event_id, unit)
    if not _may_organise(caller, event.chapter_id):
        if caller.role == Role.COORDINATOR and event.chapter_id is not None:
            # Another chapter's event: never a hint that it exists.
            raise NotFound("no such event", field="scheduled_event_id")
        raise forbidden("only the event's organisers (its chapter's coordinators, national administrators) may")
    return event


def _report_scope(caller: Principal, chapter_id: UUID | None) -> UUID | None:
    """The chapter a report is about: a coordinator's own (the one asked for, or their only one); for an
    administrator, the one asked for, or None for the national view."""
    if caller.is_admin:
        return chapter_id
    scope = caller.chapter_scope(chapter_id)
    if scope is None:
        raise forbidden("coordinators read the reports of their chapters; the national view is administrators'")
    return scope


class CalendarResponse(Response):
    media_type = "text/calendar"  # charset=utf-8 is added to text types


def _calendar(entries: list[CalendarEntry], name: str, filename: str) -> CalendarResponse:
    return CalendarResponse(to_ics(entries, name=name),
                            headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- events -------------------------------------------------------------------------------------------------------

@router.post("/events", status_code=201, responses=answers(404))
async def create_event(body: EventIn, caller: Caller, unit: UnitOfWork) -> EventOut:
    if not _may_organise(caller, body.chapter_id):
        raise forbidden("coordinators create events for their chapter; national administrators for everyone")
    return EventOut.of(await handlers.create_event(body.command(), caller, unit), organiser=True)


@router.get("/events")
async def list_events(
    caller: Caller,
    unit: UnitOfWork,
    chapter_id: UUID | None = None,
    national: Annotated[bool | None, Query(description="true: national events only; false: chapters' only")] = None,
    kind: EventKind | None = None,
    starts_from: Moment | None = None,
    starts_before: Moment | None = None,
    ends_after: Annotated[Moment | None, Query(description="Events not over by then (now: those still to come or "
                                                            "going on)")] = None,
    audience: Annotated[TrainingStage | None, Query(description="Events open to this training stage")] = None,
    state: EventState = EventState.PUBLISHED,
    status: Annotated[EventState | None, Query(description="The same as `state` (which it overrides); drafts are "
                                                           "listed for their organisers only: national ones (with "
                                                           "`national` or `with_national`) for administrators")] = None,
    parent_event_id: Annotated[UUID | None, Query(description="The sessions of this conference")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    with_national: Annotated[bool, Query(description="With chapter_id: the chapter's events and the national ones, "
                                                     "in one list (a person's events, one call)")] = False,
) -> list[EventOut]:
    query = commands.EventFilter(chapter_id=chapter_id, national=national, kind=kind, starts_from=starts_from,
                                 starts_before=starts_before, ends_after=ends_after, audience=audience,
                                 state=status or state,
                                 parent_event_id=parent_event_id, limit=limit, offset=offset,
                                 with_national=with_national)
    events = await handlers.list_events(query, caller, unit)
    return [EventOut.of(e, organiser=_may_organise(caller, e.chapter_id)) for e in events]


@router.get("/events/{event_id}")
async def get_event(event_id: UUID, caller: Caller, unit: UnitOfWork) -> EventOut:
    event = await _visible_event(event_id, caller, unit)
    return EventOut.of(event, organiser=_may_organise(caller, event.chapter_id),
                       full=await handlers.is_full(event_id, unit))


@router.patch("/events/{event_id}", responses=answers(409))
async def update_event(event_id: UUID, body: EventChanges, caller: Caller, unit: UnitOfWork) -> EventOut:
    """Change what may change. A conference is moved only where its sessions not cancelled still take place
    during it (422 `sessions_outside_conference`, naming `starts_at` or `ends_at`, the message their titles)."""
    await _organised_event(event_id, caller, unit)
    event = await handlers.update_event(commands.UpdateEvent(event_id, body.domain_values()), caller, unit)
    return EventOut.of(event, organiser=True)


@router.post("/events/{event_id}/publish", responses=answers(409))
async def publish_event(event_id: UUID, caller: Caller, unit: UnitOfWork) -> EventOut:
    """Publish a draft. A conference session is published once its conference is (409 `conference_not_published`,
    naming `parent_event_id`, while it is a draft, cancelled or completed)."""
    await _organised_event(event_id, caller, unit)
    return EventOut.of(await handlers.publish_event(commands.PublishEvent(event_id), caller, unit), organiser=True)


@router.post("/events/{event_id}/cancel", responses=answers(409))
async def cancel_event(event_id: UUID, caller: Caller, unit: UnitOfWork, body: CancelIn | None = None) -> EventOut:
    """Cancel the event: its registrants are told, with the note. A conference's sessions still to end are cancelled
    with it, each as if cancelled by itself (the same reason and note, its registrants told): those listed by
    `GET /v1/events?parent_event_id={event_id}&ends_after={now}`. Sessions cancelled, completed or over already stay
    as they are; drafts stay drafts."""
    await _organised_event(event_id, caller, unit)
    cancelling = body or CancelIn()
    command = commands.CancelEvent(event_id, cancelling.reason_code, cancelling.note)
    return EventOut.of(await handlers.cancel_event(command, caller, unit), organiser=True)


@router.post("/events/{event_id}/complete", responses=answers(409))
async def complete_event(event_id: UUID, caller: Caller, unit: UnitOfWork) -> EventOut:
    await _organised_event(event_id, caller, unit)
    return EventOut.of(await handlers.complete_event(commands.CompleteEvent(event_id), caller, unit), organiser=True)


@router.get("/events/{event_id}/calendar.ics", response_class=CalendarResponse)
async def event_calendar(event_id: UUID, caller: Caller, unit: UnitOfWork,
                         language: PreferredLanguage = "en") -> CalendarResponse:
    """The event as an iCalendar file; a private event's (its attendees not public) titled without its name, in
    `language`, as its emails' attachments and the calendar feed title it: all three are one entry in a calendar, and
    a private event's is its registrants' alone (404 to anyone else). A confirmed registrant's holds the link to join,
    as their feed's entry does: the one they tap when it starts."""
    event = await _visible_event(event_id, caller, unit)
    if not event.attendees_public and not await handlers.registered_for(event_id, caller, unit):
        # Titled "An event you registered for", it is theirs alone (as its page offers it): to anyone else it said
        # what was not so.
        raise NotFound("a private event's calendar file is its registrants'", field="event_id")
    join_url = None
    if caller.person_id is not None and event.is_virtual:
        try:
            join_url = await handlers.join_link(event_id, caller.person_id, unit)
        except (NotConfirmed, NotFound):
            pass  # no seat (or no link yet): the event as anyone sees it
    entry = calendar_entry(event, join_url=join_url, words=FEED_WORDS[language])
    return _calendar([entry], entry.summary, f"{event.id}.ics")


@router.get("/events/{event_id}/access")
async def virtual_access(event_id: UUID, caller: Caller, unit: UnitOfWork) -> JoinLinkOut:
    """The virtual link, for a confirmed registrant: 403 `not_confirmed` for anyone else, a registrant whose account
    is suspended included (answered as someone without a seat); 404 while the event has no link."""
    if caller.person_id is None:
        raise forbidden("the virtual link is shown to confirmed registrants only")
    return JoinLinkOut(join_url=await handlers.join_link(event_id, caller.person_id, unit))


# --- registrations ------------------------------------------------------------------------------------------------

@router.post("/events/{event_id}/registrations", status_code=201, responses={
    200: {"model": RegistrationOut, "description": "Registered already: the same registration"}, **answers(409)})
async def register(event_id: UUID, body: PersonIn, caller: Caller, desk: Desk, response: Response) -> RegistrationOut:
    """Register the caller (an administrator, anyone): confirmed while seats are free, else waitlisted. 409 when
    they may not register, naming the field: closed, not in the chapter or audience, `person_suspended` while their
    account is suspended (the registrations they hold stay)."""
    if not (caller.is_person(body.person_id) or caller.is_admin):
        raise forbidden("you may register yourself only")
    registration, created = await desk.register(commands.Register(event_id, body.person_id))
    if not created:
        response.status_code = 200  # the same registration as before: a retry is harmless
    return RegistrationOut.of(registration)


@router.delete("/events/{event_id}/registrations/{person_id}", responses=answers(409))
async def cancel_registration(event_id: UUID, person_id: UUID, caller: Caller, unit: UnitOfWork) -> RegistrationOut:
    """The registrant cancels (409 `already_checked_in`, field `checked_in_at`, once they are checked in: they came);
    an organiser removes them (without a reason: `.../remove` takes one), audited."""
    if caller.is_person(person_id):
        return RegistrationOut.of(await handlers.cancel_registration(commands.CancelRegistration(event_id, person_id),
                                                                     unit))
    await _organised_event(event_id, caller, unit)
    command = commands.RemoveRegistrant(event_id, person_id, None)
    return RegistrationOut.of(await handlers.remove_registrant(command, caller, unit))


@router.get("/events/{event_id}/registrations")
async def roster(event_id: UUID, caller: Caller, unit: UnitOfWork) -> RosterOut:
    """The roster, in arrival order (person ids: the web adds names from profiles); the viewing is audited."""
    await _organised_event(event_id, caller, unit)
    registrations = await handlers.roster(event_id, caller, unit)
    positions = waitlist_positions(registrations)
    return RosterOut(counts=tally(registrations),
                     registrations=[RosterEntry.of(r, positions.get(r.id)) for r in registrations])


@router.post("/events/{event_id}/registrations/{person_id}/remove", responses=answers(409, seals=True))
async def remove_registrant(event_id: UUID, person_id: UUID, body: RemovalIn, caller: Caller,
                            unit: UnitOfWork) -> RosterEntry:
    """An organiser removes a registrant, who is told with the reason; a freed seat goes to the first waiting."""
    await _organised_event(event_id, caller, unit)
    command = commands.RemoveRegistrant(event_id, person_id, body.reason)
    return RosterEntry.of(await handlers.remove_registrant(command, caller, unit))


@router.post("/events/{event_id}/check-ins", status_code=201, responses=answers(409))
async def check_in(event_id: UUID, body: PersonIn, caller: Caller, unit: UnitOfWork) -> CheckInOut:
    """Check a confirmed registrant in at the door; again, the same check-in (the first time stays). Check-in opens
    on the day of the event, from midnight in its time zone (or 3 hours before it starts, if that is earlier): 409
    `check_in_not_open` before then."""
    await _organised_event(event_id, caller, unit)
    registration = await handlers.check_in(commands.CheckIn(event_id, body.person_id), caller, unit)
    assert registration.checked_in_at is not None
    return CheckInOut(person_id=registration.person_id, checked_in_at=registration.checked_in_at)


@router.post("/events/{event_id}/registrations/{person_id}/seat-at-the-door", responses=answers(409))
async def give_seat_at_the_door(event_id: UUID, person_id: UUID, caller: Caller, unit: UnitOfWork) -> RosterEntry:
    """Give a free seat to someone on the waitlist who has come to the door, out of the waitlist's order, and check
    them in; they are told as a promotion is. Once the event has begun no freed seat goes to the waitlist by itself:
    this is how it goes to someone here. From when check-in opens (409 `check_in_not_open` before) until the event
    ends (409 `wrong_state`, field `ends_at`), while a seat is free (409 `no_free_seat`, field `capacity`). Again,
    the same answer."""
    await _organised_event(event_id, caller, unit)
    command = commands.GiveSeatAtTheDoor(event_id, person_id)
    return RosterEntry.of(await handlers.give_seat_at_the_door(command, caller, unit))


@router.delete("/events/{event_id}/check-ins/{person_id}", status_code=204, responses=answers(409))
async def undo_check_in(event_id: UUID, person_id: UUID, caller: Caller, unit: UnitOfWork) -> None:
    await _organised_event(event_id, caller, unit)
    await handlers.undo_check_in(commands.UndoCheckIn(event_id, person_id), caller, unit)


@router.get("/events/{event_id}/attendance")
async def attendance(event_id: UUID, caller: Caller, unit: UnitOfWork) -> list[AttendanceLine]:
    """Each person's registration as it stands (one who cancelled and registered again: once, as they are now) with
    its status and check-in, for the attendance export (the web adds names and makes the CSV); audited as an
    export."""
    await _organised_event(event_id, caller, unit)
    registrations = await handlers.attendance(event_id, caller, unit)
    positions = waitlist_positions(registrations)
    return [AttendanceLine(person_id=r.person_id, status=r.roster_status, checked_in_at=r.checked_in_at,
                           attended=r.attended, waitlist_position=positions.get(r.id)) for r in registrations]


@router.post("/events/{event_id}/attendance", responses=answers(409))
async def record_attendance(event_id: UUID, body: AttendanceIn, caller: Caller, unit: UnitOfWork) -> RegistrationOut:
    await _organised_event(event_id, caller, unit)
    command = commands.RecordAttendance(event_id, body.person_id, body.attended)
    return RegistrationOut.of(await handlers.record_attendance(command, caller, unit))


@router.get("/registrations/mine")
async def my_registrations(caller: Caller, unit: UnitOfWork) -> list[MyRegistrationOut]:
    if caller.person_id is None:
        raise forbidden("only a person has registrations")
    # One's own removal, and why, as the email told it: the event's page says it too.
    return [MyRegistrationOut(**RegistrationOut.of(r).model_dump(), event=EventOut.of(e), waitlist_position=place,
                              removed=r.roster_status == "removed",
                              removal_reason=r.removal_reason if r.roster_status == "removed" else None)
            for r, e, place in await handlers.registrations_of_person(caller.person_id, unit)]


# --- reports ------------------------------------------------------------------------------------------------------

class CsvResponse(Response):
    media_type = "text/csv"  # charset=utf-8 is added to text types


@router.get("/reports/attendance")
async def attendance_report(caller: Caller, unit: UnitOfWork, chapter_id: UUID | None = None) -> PublishedOut:
    """Columns: registered (every registration, whatever became of it), attended, no_show (recorded absent),
    cancelled (removals included). For a chapter, a row per event but drafts (its id), soonest first; for an
    administrator without `chapter_id`, a row per chapter (its id) and "national" for national events."""
    scope = _report_scope(caller, chapter_id)
    return PublishedOut.of(await handlers.attendance_report(commands.AttendanceReport(scope), unit))


@router.get("/reports/attendance.csv", response_class=CsvResponse)
async def attendance_report_csv(caller: Caller, unit: UnitOfWork, chapter_id: UUID | None = None) -> CsvResponse:
    """The attendance report as CSV: "<5" for a count under the threshold, empty for one withheld; audited."""
    scope = _report_scope(caller, chapter_id)
    published = await handlers.attendance_report(commands.AttendanceReport(scope), unit, exported_by=caller)
    return CsvResponse(as_csv(published, "row"),
                       headers={"Content-Disposition": 'attachment; filename="attendance.csv"'})


# --- calendar feed ------------------------------------------------------------------------------------------------

@router.post("/calendar/feed", status_code=201)
async def issue_calendar_feed(caller: Caller, unit: UnitOfWork, request: Request,
                              body: CalendarFeedIn | None = None) -> CalendarFeedOut:
    """A secret feed URL for calendar apps, which cannot send a bearer token; issuing again revokes the old URL."""
    if caller.person_id is None:
        raise forbidden("only a person has a calendar feed")
    language = (body or CalendarFeedIn()).language
    token = await handlers.issue_calendar_feed(commands.IssueCalendarFeed(caller.person_id, language), unit)
    return CalendarFeedOut(url=str(request.url_for("calendar_feed", token=token)), token=token)


@router.patch("/calendar/feed", status_code=204, responses=answers(404))
async def change_calendar_feed_language(body: CalendarFeedIn, caller: Caller, unit: UnitOfWork) -> None:
    """The caller's feed says its own words in `language` from now on, at the same URL (they switched the site's
    language, and their emails' with it); 404 when they never made one."""
    if caller.person_id is None:
        raise forbidden("only a person has a calendar feed")
    await handlers.change_calendar_feed_language(
        commands.ChangeCalendarFeedLanguage(caller.person_id, body.language), unit)


# What `issue_calendar_feed` hands out: URL-safe base64 (of 32 random bytes, 43 characters).
FeedToken = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,100}$")]


@router.get("/calendar/feeds/{token}.ics", name="calendar_feed", response_class=CalendarResponse)
async def calendar_feed(token: FeedToken, unit: UnitOfWork) -> CalendarResponse:
    """The feed owner's calendar: the events they hold a confirmed seat at (with the join link of a virtual one; a
    private event titled without its name), those cancelled while they held one (as cancelled), and their booked
    office hours, as participant or host. 404 for an unknown token, and while the owner's account is suspended (the
    URL serves again once it is reinstated)."""
    feed = await handlers.calendar_feed(token, unit)
    words = FEED_WORDS[feed.language]
    entries = [calendar_entry(seat.event, join_url=seat.join_url, words=words) for seat in feed.seats]
    entries += [booking_entry(slot, words) for slot in feed.bookings]
    return _calendar(entries, words.calendar_name, "events.ics")


# --- office hours -------------------------------------------------------------------------------------------------

@router.post("/office-hours/slots", status_code=201, responses=answers(409))
async def offer_slot(body: SlotIn, caller: Caller, unit: UnitOfWork) -> SlotOut:
    """A mentor a program has approved offers a slot (or an administrator, or a coordinator of the host's chapter,
    does on their behalf), in the host's chapter; whether the host is one is what profiles has told the events service
    of their enrollments (a training stage or alumni standing makes no one a host): 403 `not_a_host` when not, 409
    while their profile has not arrived (`host_not_yet_known`), 409 `person_suspended` while their account is
    suspended (a suspension withdraws the slots they host still to start), and 409 `slot_overlaps` when the host
    offers a slot at that time already."""
    command = commands.OfferSlot(**body.model_dump(exclude={"chapter_id"}))
    return SlotOut.of(await handlers.offer_slot(command, caller, unit), caller)


@router.put("/office-hours/slots/{slot_id}/join-link")
async def set_slot_link(slot_id: UUID, body: SlotLinkIn, caller: Caller, unit: UnitOfWork) -> SlotOut:
    """The host gives, or changes, the link to join an online slot (an organiser may, on their behalf); only the
    host and whoever books the slot are shown it."""
    return SlotOut.of(await handlers.set_slot_link(commands.SetSlotLink(slot_id, body.join_url), caller, unit), caller)


@router.delete("/office-hours/slots/{slot_id}", status_code=204)
async def withdraw_slot(slot_id: UUID, caller: Caller, unit: UnitOfWork) -> None:
    """The host takes the slot back; a participant who had booked it is told their booking is cancelled."""
    slot = await handlers.get_slot(slot_id, unit)
    if not (caller.is_person(slot.host_id) or _may_organise(caller, slot.chapter_id)):
        raise forbidden("only the slot's host (or an organiser on their behalf) withdraws it")
    await handlers.withdraw_slot(commands.WithdrawSlot(slot_id), caller, unit)


@router.get("/office-hours/bookings/mine")
async def my_bookings(caller: Caller, unit: UnitOfWork, ended_too: Annotated[bool, Query(description=(
        "Every slot the caller booked, those that ended included (what their data download holds)"))] = False,
                      ) -> list[SlotOut]:
    """The slots the caller has booked that have not ended yet, soonest first."""
    if caller.person_id is None:
        raise forbidden("only a person has bookings")
    return [SlotOut.of(s, caller) for s in await handlers.bookings_of(caller.person_id, unit, ended_too)]


@router.get("/office-hours/slots")
async def list_slots(
    caller: Caller,
    unit: UnitOfWork,
    host_id: UUID | None = None,
    chapter_id: Annotated[UUID | None, Query(description=(
        "An administrator: that chapter's slots only. A coordinator naming a chapter they coordinate: its slots "
        "only (which they organise). Anyone else: read as their own chapter (the web sends the person's), which "
        "opens no other chapter's slots"))] = None,
    open_only: bool = True,
    ended_too: Annotated[bool, Query(description=(
        "With `host_id` your own: every slot of yours, those that ended included (what your data download holds); "
        "403 for anyone else's"))] = False,
) -> list[SlotOut]:
    """The slots still to come, soonest first, that the caller may book or organises. A slot of a host without a
    chapter is national, open to everyone; a chapter's slot is for its members: a person is listed the national
    slots and their chapter's (as profiles has told the events service), and may book those only (409
    `not_in_chapter` for another). A high-school student (most are minors) is listed, and may book, only the slots
    of hosts a program coordinator vetted (approved in a program that reviews its mentors; one that approves them
    automatically vets no one). A coordinator is listed their chapters' too; a host all their own (`host_id`:
    theirs); an administrator every slot."""
    slots = await handlers.list_slots(caller, unit, host_id=host_id, chapter_id=chapter_id, open_only=open_only,
                                      ended_too=ended_too)
    stages = await handlers.stages_of(list({s.host_id for s in slots}), unit)
    return [SlotOut.of(s, caller, stages.get(s.host_id)) for s in slots]


@router.post("/office-hours/slots/{slot_id}/booking", status_code=201, responses={
    200: {"model": SlotOut, "description": "Booked by this person already: the same booking"}, **answers(409)})
async def book_slot(slot_id: UUID, body: PersonIn, caller: Caller, unit: UnitOfWork, response: Response) -> SlotOut:
    """Book a slot open to the person: a national one (its host has no chapter), or one of their chapter's (409
    `not_in_chapter` for another chapter's; `chapter_not_yet_known` while their profile has not arrived). A
    high-school student (most are minors) books only the slot of a host a program coordinator vetted (approved in a
    program that reviews its mentors): 409 `host_not_vetted_for_minors` for another's. 409 `person_suspended` while
    the person's account is suspended (a suspension cancels their bookings still to start)."""
    if not (caller.is_person(body.person_id) or caller.is_admin):
        raise forbidden("you may book for yourself only")
    slot, booked_now = await handlers.book_slot(commands.BookSlot(slot_id, body.person_id), caller, unit)
    if not booked_now:
        response.status_code = 200  # booked by this person already: a retry is harmless
    return SlotOut.of(slot, caller)


@router.delete("/office-hours/slots/{slot_id}/booking", responses=answers(409))
async def cancel_booking(slot_id: UUID, caller: Caller, unit: UnitOfWork) -> SlotOut:
    slot = await handlers.get_slot(slot_id, unit)
    by_host = caller.is_person(slot.host_id)
    by_participant = not by_host and slot.booked_by is not None and caller.is_person(slot.booked_by)
    if not (by_host or by_participant or _may_organise(caller, slot.chapter_id)):
        raise forbidden("the host or the participant who booked may cancel")
    # An organiser cancels on the host's behalf.
    command = commands.CancelBooking(slot_id, "participant" if by_participant else "host")
    return SlotOut.of(await handlers.cancel_booking(command, caller, unit), caller)

