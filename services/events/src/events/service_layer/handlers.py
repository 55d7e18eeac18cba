"""Use cases of the events service: plain functions of a command (or event) and a unit of work."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Literal
from uuid import UUID

from mentorship_contracts import IntegrationEvent
from mentorship_contracts import events as contract
from mentorship_contracts import profiles as source
from mentorship_contracts.envelope import as_private
from mentorship_contracts.profiles import PreferredLanguage
from mentorship_contracts.vocabulary import Role, TrainingStage
from plumbing import restating
from plumbing.auth import Principal
from plumbing.auth import Role as PrincipalRole
from plumbing.disclosure import Published, publish_grouped
from plumbing.errors import DomainError, Forbidden, NotFound

from ..domain import commands
from ..domain.model import (
    ATTENDANCE_COLUMNS,
    REMINDER_LEAD,
    Booking,
    EventState,
    OfficeHourSlot,
    Participant,
    Registration,
    ScheduledEvent,
    SlotOverlaps,
    Status,
    as_they_stand,
    waitlist_positions,
)
from .ports import EventsUnitOfWorkPort, RestatingUnitOfWorkPort


def _now() -> datetime:
    return datetime.now(UTC)


# --- events -------------------------------------------------------------------------------------------------------

async def create_event(
    command: commands.CreateEvent, organiser: Principal, uow: EventsUnitOfWorkPort,
) -> ScheduledEvent:
    """Draft an event; audited, as every organiser's action on an event is (`_audit_event`). A session's conference
    is locked while it is checked against it, so that the conference is not moved meanwhile."""
    async with uow:
        attributes = {k: v for k, v in asdict(command).items() if k not in ("parent_event_id", "exhibitors")}
        parent = await _existing(command.parent_event_id, uow, lock=True) if command.parent_event_id else None
        event = ScheduledEvent.draft(parent=parent, now=_now(), exhibitors=list(command.exhibitors), **attributes)
        await uow.events.add(event)
        _audit_event(uow, organiser, "event.created", event, kind=event.kind, title=event.title)
        await uow.commit()
        return event


async def restate_catalogue(uow: RestatingUnitOfWorkPort, page: int = restating.PAGE,
                            progress: Callable[[int], None] = lambda _: None) -> int:
    """Every event but drafts as it is now (`event_restated`), for a consumer whose read model lacks history the
    catalogue no longer keeps (`plumbing.restating`); how many were staged. `progress` hears the count so far."""
    async def read(unit: RestatingUnitOfWorkPort, after: UUID | None, limit: int) -> restating.Page:
        events = await unit.events.restatable(after, limit)
        return ([contract.EventRestated(**_details(e), revision=e.revision, state=str(e.state)) for e in events],
                restating.after(events, limit, lambda e: e.id))

    return await restating.restate(read, uow, page, progress)


async def restate_registrations(uow: RestatingUnitOfWorkPort, page: int = restating.PAGE,
                                progress: Callable[[int], None] = lambda _: None) -> int:
    """Every registration as it is now (`registration_restated`; a private event's as its twin, as its changes are),
    `page` events at a time, each event's in the order they were made: a reader counts a registration's cancelled
    predecessors as it did. The events' rows are locked (`restatable`), as a change to their registrations locks them.
    How many were staged; `progress` hears the count so far."""
    async def read(unit: RestatingUnitOfWorkPort, after: UUID | None, limit: int) -> restating.Page:
        events = await unit.events.restatable(after, limit)
        restated = [_told(event, registration, contract.RegistrationRestated, status=str(registration.status),
                          registered_at=registration.created_at)
                    for event in events for registration in await unit.registrations.of_event(event.id)]
        return restated, restating.after(events, limit, lambda e: e.id)

    return await restating.restate(read, uow, page, progress)


async def restate_office_hours(uow: RestatingUnitOfWorkPort, page: int = restating.PAGE,
                               progress: Callable[[int], None] = lambda _: None) -> int:
    """Every booking held now (`office_hours_booking_restated`), on the restricted topic its changes take; how many
    were staged. `progress` hears the count so far."""
    async def read(unit: RestatingUnitOfWorkPort, after: UUID | None, limit: int) -> restating.Page:
        slots = await unit.slots.restatable(after, limit)
        return ([contract.OfficeHoursBookingRestated(**_booking(slot, slot.booked_by), booking_id=slot.booking_id)
                 for slot in slots if slot.booked_by is not None and slot.booking_id is not None],
                restating.after(slots, limit, lambda s: s.id))

    return await restating.restate(read, uow, page, progress)


async def publish_event(
    command: commands.PublishEvent, organiser: Principal, uow: EventsUnitOfWorkPort,
) -> ScheduledEvent:
    """Publish the event; a conference session only while its conference is published (409
    `conference_not_published`)."""
    async with uow:
        event, conference = await _locked_with_conference(command.scheduled_event_id, uow)
        event.publish(conference)
        await uow.events.save(event)
        _audit_event(uow, organiser, "event.published", event)
        uow.emit(contract.EventPublishedV3(**_details(event)))
        await uow.commit()
        return event


async def update_event(
    command: commands.UpdateEvent, organiser: Principal, uow: EventsUnitOfWorkPort,
) -> ScheduledEvent:
    """Revise the event; an edit that changed something is audited, with the names of what changed. A session is
    kept during its conference, and a conference around its sessions not cancelled (422
    `sessions_outside_conference`, naming them)."""
    async with uow:
        event, parent = await _locked_with_conference(command.scheduled_event_id, uow)
        # Not locked: a change to a session locks its conference first, which this transaction holds.
        sessions = await uow.events.sessions_of(event.id) if event.kind == "conference" else []
        confirmed = await uow.registrations.count(event.id, Status.CONFIRMED)
        registered = len(await uow.registrations.of_event(event.id, active_only=False))
        changed = event.revise(command.changes, confirmed=confirmed, registered=registered, parent=parent, now=_now(),
                               sessions=sessions)
        await uow.events.save(event)
        if changed:
            _audit_event(uow, organiser, "event.edited", event, changed=changed)
        if changed and event.state == EventState.PUBLISHED:
            uow.emit(contract.EventUpdatedV4(**_details(event), changed_fields=changed, revision=event.revision))
            if "virtual_link" in changed and event.virtual_link:
                confirmed_now = [r for r in await uow.registrations.of_event(event.id, active_only=True)
                                 if r.status == Status.CONFIRMED]
                people = await uow.participants.known([r.person_id for r in confirmed_now])
                for registration in confirmed_now:
                    _grant_access(event, registration, uow, people.get(registration.person_id))
            await _fill_free_seats(event, uow)
        await uow.commit()
        return event


async def cancel_event(
    command: commands.CancelEvent, organiser: Principal, uow: EventsUnitOfWorkPort,
) -> ScheduledEvent:
    """Cancel the event and every registration; each registrant hears of it, with the organisers' note if any.

    A conference's sessions published and not over yet are cancelled with it, in the same transaction, each as if
    cancelled by itself (the same reason and note, its registrants told, audited); those cancelled, completed or
    ended already stay as they are, and drafts stay drafts (never published while it is not: `publish_event`)."""
    async with uow:
        event = await _existing(command.scheduled_event_id, uow, lock=True)
        await _cancel(event, command, organiser, uow)
        if event.kind == "conference":
            now = _now()
            for session in await uow.events.sessions_of(event.id, lock=True):
                if session.state == EventState.PUBLISHED and session.ends_at > now:
                    await _cancel(session, command, organiser, uow)
        await uow.commit()
        return event


async def _cancel(event: ScheduledEvent, command: commands.CancelEvent, organiser: Principal,
                  uow: EventsUnitOfWorkPort) -> None:
    """Cancel the event (its row locked) and its registrations, each registrant told; audited."""
    event.cancel(command.note)
    await uow.events.save(event)
    uow.emit(contract.EventCancelledV4(scheduled_event_id=event.id, chapter_id=event.chapter_id,
                                       reason_code=command.reason_code, revision=event.revision,
                                       note=event.cancellation_note))
    registrations = await uow.registrations.of_event(event.id, active_only=True)
    for registration in registrations:
        registration.cancel(by="event_cancelled")
        await uow.registrations.save(registration)
        uow.emit(_told(event, registration, contract.RegistrationCancelledV3, cancelled_by="event_cancelled",
                       removed_by_organiser=False))
    _audit_event(uow, organiser, "event.cancelled", event, reason_code=command.reason_code,
                 registrations_cancelled=len(registrations))


async def complete_event(
    command: commands.CompleteEvent, organiser: Principal, uow: EventsUnitOfWorkPort,
) -> ScheduledEvent:
    """Close the event; confirmed registrants whose attendance nobody recorded are recorded as attended if they were
    checked in, as no-shows if not; those still on the waitlist hear that no place will come. Audited, with how many
    it recorded either way and how many waited in vain."""
    async with uow:
        event = await _existing(command.scheduled_event_id, uow, lock=True)
        event.complete(_now())
        await uow.events.save(event)
        uow.emit(contract.EventCompleted(scheduled_event_id=event.id, chapter_id=event.chapter_id))
        recorded = {True: 0, False: 0}
        waitlist_closed = 0
        for registration in await uow.registrations.of_event(event.id, active_only=True):
            if registration.status == Status.CONFIRMED and registration.attended is None:
                attended = registration.checked_in_at is not None
                await _record_attendance(event, registration, attended, uow)
                recorded[attended] += 1
            elif registration.status == Status.WAITLISTED:
                uow.emit(_told(event, registration, contract.WaitlistClosed))
                waitlist_closed += 1
        _audit_event(uow, organiser, "event.completed", event, recorded_attended=recorded[True],
                     recorded_absent=recorded[False], waitlist_closed=waitlist_closed)
        await uow.commit()
        return event


async def get_event(event_id: UUID, uow: EventsUnitOfWorkPort) -> ScheduledEvent:
    async with uow:
        return await _existing(event_id, uow)


async def is_full(event_id: UUID, uow: EventsUnitOfWorkPort) -> bool:
    """Whether every seat is taken: a registration now would wait on the waitlist."""
    async with uow:
        event = await _existing(event_id, uow)
        return await uow.registrations.count(event_id, Status.CONFIRMED) >= event.capacity


async def list_events(
    query: commands.EventFilter, viewer: Principal, uow: EventsUnitOfWorkPort,
) -> list[ScheduledEvent]:
    """The events `query` asks for; drafts are listed for their organisers only: a coordinator's chapter's to them,
    national ones to administrators. A filter reaching beyond that is refused, never quietly narrowed. A session
    published while its conference was a draft is listed to the conference's organisers alone, as the draft is."""
    organised = None if viewer.is_admin else (
        viewer.chapter_ids if viewer.role == PrincipalRole.COORDINATOR else frozenset())
    query = replace(query, sessions_of_drafts_in=organised)
    if query.state == EventState.DRAFT and not viewer.is_admin:
        chapter_id = viewer.chapter_scope(query.chapter_id)
        if chapter_id is None:
            raise Forbidden("drafts are listed for their organisers only")
        # Either adds national events (no chapter) to the chapter's, whose drafts are administrators'.
        if query.national or query.with_national:
            raise Forbidden("drafts of national events are listed for administrators only",
                            field="national" if query.national else "with_national")
        query = replace(query, chapter_id=chapter_id)
    async with uow:
        return await uow.events.find(query)


# --- registrations ------------------------------------------------------------------------------------------------

async def register_arrivals(
    arrivals: list[commands.Register], uow: EventsUnitOfWorkPort,
) -> list[tuple[Registration, bool] | DomainError]:
    """Admit registrations for one event in arrival order, all in one turn of the event's row lock.

    Each arrival gets its registration (and whether it is new: registering again returns the same one),
    or the reason it was refused. Taking the lock once per batch rather than once per person is what lets
    a popular event absorb a rush (see RegistrationDesk).
    """
    async with uow:
        people = [arrival.person_id for arrival in arrivals]
        # Read before taking the lock: the lock is the bottleneck.
        known = await uow.participants.known(people)
        event = await _existing(arrivals[0].scheduled_event_id, uow, lock=True)
        parent = await uow.events.get(event.parent_event_id) if event.parent_event_id is not None else None
        confirmed, waitlisted, active = await uow.registrations.standing(event.id, people)
        outcomes: list[tuple[Registration, bool] | DomainError] = []
        new: list[Registration] = []
        now = _now()
        for arrival in arrivals:
            if arrival.person_id in active:
                outcomes.append((active[arrival.person_id], False))
                continue
            try:
                event.check_conference_open(parent)
                status = event.admit(known.get(arrival.person_id), now, confirmed)
            except DomainError as refusal:
                outcomes.append(refusal)
                continue
            registration = active[arrival.person_id] = Registration.new(event.id, arrival.person_id, status)
            new.append(registration)
            outcomes.append((registration, True))
            if status == Status.CONFIRMED:
                confirmed += 1
                uow.emit(_told(event, registration, contract.RegistrationConfirmedV2))
                _grant_access(event, registration, uow, known.get(arrival.person_id))
            else:
                waitlisted += 1
                uow.emit(_told(event, registration, contract.RegistrationWaitlistedV2, position=waitlisted))
        await uow.registrations.add_all(new)
        await uow.commit()
        return outcomes


async def cancel_registration(command: commands.CancelRegistration, uow: EventsUnitOfWorkPort) -> Registration:
    """The registrant cancels, unless checked in (`Registration.cancel_own`); a freed seat goes to the first on the
    waitlist."""
    async with uow:
        event = await _existing(command.scheduled_event_id, uow, lock=True)
        event.keep_registrations_as_they_were(_now())
        registration = await _registration(event, command.person_id, uow)
        seat_freed = registration.cancel_own()
        await uow.registrations.save(registration)
        uow.emit(_told(event, registration, contract.RegistrationCancelledV3, cancelled_by=command.cancelled_by,
                       removed_by_organiser=False))
        if seat_freed:
            await _fill_free_seats(event, uow)
        await uow.commit()
        return registration


async def remove_registrant(
    command: commands.RemoveRegistrant, remover: Principal, uow: EventsUnitOfWorkPort,
) -> Registration:
    """An organiser takes a registrant off the roster: a freed seat goes to the first on the waitlist, and the
    registrant is told, with the reason if one is given (which travels to notifications alone, on the restricted
    topic). One removed at the door, not come, is recorded absent (`Registration.remove`) but not published as
    attendance: the registration is cancelled, as `RegistrationCancelled` says."""
    async with uow:
        event = await _existing(command.scheduled_event_id, uow, lock=True)
        now = _now()
        event.keep_registrations_as_they_were(now)
        registration = await _registration(event, command.person_id, uow)
        seat_freed = registration.remove(command.reason, event, now)
        await uow.registrations.save(registration)
        uow.emit(_told(event, registration, contract.RegistrationCancelledV3, cancelled_by="organiser",
                       removed_by_organiser=True),
                 contract.RegistrantRemoved(**_about(event, registration), reason=command.reason,
                                            held_seat=seat_freed))
        uow.audit(remover, "registrant.removed", "registration", registration.id, chapter_id=event.chapter_id,
                  detail={"scheduled_event_id": str(event.id), "person_id": str(registration.person_id),
                          "reason": command.reason})
        if seat_freed:
            await _fill_free_seats(event, uow)
        await uow.commit()
        return registration


async def check_in(command: commands.CheckIn, organiser: Principal, uow: EventsUnitOfWorkPort) -> Registration:
    """Check a confirmed registrant in at the door, audited; checking them in again keeps the first time (and the
    first entry)."""
    async with uow:
        # The event's lock orders a check-in with a removal or a completion of the same event.
        event = await _existing(command.scheduled_event_id, uow, lock=True)
        registration = await _registration(event, command.person_id, uow)
        if registration.check_in(event, _now()):
            await uow.registrations.save(registration)
            _audit_registration(uow, organiser, "registrant.checked_in", event, registration)
        await uow.commit()
        return registration


async def give_seat_at_the_door(
    command: commands.GiveSeatAtTheDoor, organiser: Principal, uow: EventsUnitOfWorkPort,
) -> Registration:
    """Give a free seat to someone waiting who has come to the door, out of the waitlist's order, and check them in:
    once the event has begun a freed seat goes to nobody by itself (`ScheduledEvent.has_free_seat`). They are told as
    a promotion is (a virtual event's link too); audited, with the place they had. Again, nothing changes."""
    async with uow:
        # The event's lock, as `_fill_free_seats` holds it: two phones giving the last seat take turns, and the
        # second finds none free.
        event = await _existing(command.scheduled_event_id, uow, lock=True)
        registration = await _registration(event, command.person_id, uow)
        place = waitlist_positions(await uow.registrations.of_event(event.id, active_only=True)).get(registration.id)
        confirmed = await uow.registrations.count(event.id, Status.CONFIRMED)
        if registration.seat_at_the_door(event, confirmed, _now()):
            await uow.registrations.save(registration)
            await _tell_promoted(event, registration, uow)
            _audit_registration(uow, organiser, "registrant.given_a_seat_at_the_door", event, registration,
                                waitlist_position=place)
        await uow.commit()
        return registration


async def undo_check_in(
    command: commands.UndoCheckIn, organiser: Principal, uow: EventsUnitOfWorkPort,
) -> Registration:
    """Take a check-in back (a registrant checked in by mistake), audited."""
    async with uow:
        event = await _existing(command.scheduled_event_id, uow, lock=True)
        registration = await _registration(event, command.person_id, uow)
        registration.undo_check_in(event)
        await uow.registrations.save(registration)
        _audit_registration(uow, organiser, "registrant.check_in_undone", event, registration)
        await uow.commit()
        return registration


async def roster(event_id: UUID, viewer: Principal, uow: EventsUnitOfWorkPort) -> list[Registration]:
    """The event's registrations in arrival order, cancelled and removed ones included; the viewing is audited."""
    async with uow:
        event = await _existing(event_id, uow)
        registrations = await uow.registrations.of_event(event_id)
        uow.audit(viewer, "roster.viewed", "scheduled_event", event.id, chapter_id=event.chapter_id,
                  detail={"registrations": len(registrations)})
        await uow.commit()
        return registrations


async def attendance(event_id: UUID, exporter: Principal, uow: EventsUnitOfWorkPort) -> list[Registration]:
    """Each person's registration of the event as it stands (`as_they_stand`: one who cancelled and registered again
    is listed once, as they are now), with its status and check-in, for an attendance export; audited."""
    async with uow:
        event = await _existing(event_id, uow)
        registrations = as_they_stand(await uow.registrations.of_event(event_id))
        uow.audit(exporter, "attendance.exported", "scheduled_event", event.id, chapter_id=event.chapter_id,
                  detail={"registrations": len(registrations)})
        await uow.commit()
        return registrations


NATIONAL = "national"


async def attendance_report(
    command: commands.AttendanceReport, uow: EventsUnitOfWorkPort, *, exported_by: Principal | None = None,
) -> Published:
    """Registered, attended, no-shows and cancelled (`ATTENDANCE_COLUMNS`): for a chapter, a row per event (its id,
    drafts left out, soonest first); nationally, a row per chapter (its id) and one for national events
    ("national"); no row totals (the columns do not add up to anything). Counts are published through
    `plumbing.disclosure`, every event in the country as one publication, so that no small group is shown and a
    chapter's report cannot be set against the national one. An export (CSV) is audited."""
    async with uow:
        lines = await uow.registrations.attendance(None)
        if exported_by is not None:
            uow.audit(exported_by, "report.exported", "report", "attendance", chapter_id=command.chapter_id,
                      detail={"rows": sum(1 for _, chapter_id, _ in lines
                                          if command.chapter_id in (None, chapter_id))})
            await uow.commit()
    groups: dict[str, list[str]] = {}
    for event_id, chapter_id, _ in lines:
        groups.setdefault(str(chapter_id) if chapter_id else NATIONAL, []).append(str(event_id))
    groups = dict(sorted(groups.items(), key=lambda item: (item[0] == NATIONAL, item[0])))
    grouped = publish_grouped(groups, ATTENDANCE_COLUMNS, {str(event_id): list(counts) for event_id, _, counts in lines},
                              row_totals=False)
    return grouped.across if command.chapter_id is None else grouped.within(str(command.chapter_id))


async def record_attendance(
    command: commands.RecordAttendance, organiser: Principal, uow: EventsUnitOfWorkPort,
) -> Registration:
    """An organiser records whether a registrant came; audited."""
    async with uow:
        event = await _existing(command.scheduled_event_id, uow)
        registration = await _registration(event, command.person_id, uow)
        await _record_attendance(event, registration, command.attended, uow)
        _audit_registration(uow, organiser, "attendance.recorded", event, registration, attended=command.attended)
        await uow.commit()
        return registration


async def registrations_of(event_id: UUID, uow: EventsUnitOfWorkPort) -> list[Registration]:
    """An event's registrations in arrival order, cancelled ones included."""
    async with uow:
        await _existing(event_id, uow)
        return await uow.registrations.of_event(event_id)


async def registrations_of_person(
    person_id: UUID, uow: EventsUnitOfWorkPort,
) -> list[tuple[Registration, ScheduledEvent, int | None]]:
    """The person's registrations with their events, and for each one on a waitlist, their place in it."""
    async with uow:
        places = await uow.registrations.waitlist_places_of(person_id)
        return [(r, e, places.get(r.id)) for r, e in await uow.registrations.of_person(person_id)]


async def registered_for(event_id: UUID, caller: Principal, uow: EventsUnitOfWorkPort) -> bool:
    """Whether the caller holds a registration for the event (a seat, or a place on its waitlist)."""
    if caller.person_id is None:
        return False
    async with uow:
        return await uow.registrations.active(event_id, caller.person_id) is not None


async def join_link(event_id: UUID, person_id: UUID, uow: EventsUnitOfWorkPort) -> str:
    """The virtual link, for a confirmed registrant whose account is not suspended."""
    async with uow:
        event = await _existing(event_id, uow)
        person = await uow.participants.get(person_id)
        # A suspended registrant is answered exactly as someone without a seat (403 `not_confirmed`), not with 409
        # `person_suspended` nor a 404 of its own: that answer says nothing they could not learn without a seat,
        # neither that their seat is kept, nor whether the event has a link yet (the 404 a confirmed registrant
        # gets), nor that their account is suspended (a safeguarding matter, for a coordinator to tell them).
        suspended = person is not None and person.suspended
        return event.join_link(None if suspended else await uow.registrations.active(event_id, person_id))


async def send_due_reminders(now: datetime, uow: EventsUnitOfWorkPort) -> int:
    """Emit ReminderDue for each confirmed registrant of an event starting within the lead time, once.

    Every instance runs this: the advisory lock lets one instance do a pass, and the unique key on the
    reminder makes a reminder that another pass already sent a no-op, whoever runs.
    """
    async with uow:
        if not await uow.registrations.claim_reminder_pass():
            return 0
        sent = 0
        for registration, event in await uow.registrations.awaiting_reminder(now, now + REMINDER_LEAD):
            if event.reminder_due(now) and await uow.registrations.mark_reminded(registration.id):
                uow.emit(contract.ReminderDueV2(**_about(event, registration), starts_at=event.starts_at))
                sent += 1
        await uow.commit()
        return sent


# --- calendar -----------------------------------------------------------------------------------------------------

async def issue_calendar_feed(command: commands.IssueCalendarFeed, uow: EventsUnitOfWorkPort) -> str:
    """A new secret for the person's feed URL (calendar apps send no credentials but the URL); the old one stops
    working."""
    token = secrets.token_urlsafe(32)
    async with uow:
        await uow.participants.save_feed_token(command.person_id, _digest(token), command.language)
        await uow.commit()
    return token


async def change_calendar_feed_language(command: commands.ChangeCalendarFeedLanguage, uow: EventsUnitOfWorkPort
                                        ) -> None:
    """The person's feed says its words in another language from now on, at the same link (they switched the site's:
    their emails' calendar entries follow it too). NotFound when they never made a link."""
    async with uow:
        if not await uow.participants.set_feed_language(command.person_id, command.language):
            raise NotFound("no calendar feed to change", field="person_id")
        await uow.commit()


async def calendar_feed(token: str, uow: EventsUnitOfWorkPort) -> CalendarFeed:
    """What the feed's owner has in their calendar: the events they hold a seat at (with the join link of a virtual
    one), those cancelled while they held one (to show as cancelled), and their office-hour bookings, as participant
    or host. Not found while the owner's account is suspended."""
    async with uow:
        found = await uow.participants.owner_of_feed(_digest(token))
        owner = await uow.participants.get(found[0]) if found is not None else None
        # A suspended owner's feed answers as an unknown token; it is kept, and serves again once they are reinstated.
        if found is None or (owner is not None and owner.suspended):
            raise NotFound("no such calendar feed", field="token")
        person_id, language = found
        seats = [Seat(event, registration.status == Status.CONFIRMED)
                 for registration, event in await uow.registrations.in_calendar_of(person_id)]
        return CalendarFeed(seats, await uow.slots.booked_involving(person_id), language)


@dataclass(frozen=True)
class Seat:
    """An event in a person's calendar: held (with its join link, if virtual) or cancelled while held."""

    event: ScheduledEvent
    held: bool

    @property
    def join_url(self) -> str | None:
        return self.event.virtual_link if self.held and self.event.is_virtual else None


@dataclass(frozen=True)
class CalendarFeed:
    seats: list[Seat]
    bookings: list[OfficeHourSlot]
    language: PreferredLanguage  # the one it was made in


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


# --- office hours -------------------------------------------------------------------------------------------------

async def offer_slot(command: commands.OfferSlot, offerer: Principal, uow: EventsUnitOfWorkPort) -> OfficeHourSlot:
    """Open a slot in its host's chapter; only a mentor a program has approved (as profiles tells us of their
    enrollments) whose account is not suspended hosts one. The host offers it, or on their behalf an administrator or
    a coordinator of the host's chapter."""
    async with uow:
        # Locked: a suspension applied meanwhile waits, then finds this slot and withdraws it (or is seen here).
        host = await uow.participants.get(command.host_id, lock=True)
        # A host profiles has not told us of yet has no chapter we know: no coordinator acts for them.
        if not (offerer.is_person(command.host_id) or offerer.is_admin
                or (host is not None and offerer.coordinates(host.chapter_id))):
            raise Forbidden("mentors offer their own slots; a coordinator offers them for the hosts of their "
                            "chapter", field="host_id")
        slot = OfficeHourSlot.offer(host, now=_now(), **asdict(command))
        # Under the host's lock, taken above: two offers of one host (a form sent twice) take turns.
        if await uow.slots.overlapping(slot.host_id, slot.starts_at, slot.ends_at):
            raise SlotOverlaps("the host offers a slot at that time already", field="starts_at")
        await uow.slots.add(slot)
        _audit_for_host(uow, offerer, "slot.offered", slot)
        await uow.commit()
        return slot


async def withdraw_slot(command: commands.WithdrawSlot, caller: Principal, uow: EventsUnitOfWorkPort) -> OfficeHourSlot:
    """The host (or an organiser, on their behalf: audited) takes a slot back; whoever had booked it is told their
    booking is cancelled."""
    async with uow:
        slot = await _slot(command.slot_id, uow, lock=True)
        await _withdraw(slot, uow)
        _audit_for_host(uow, caller, "slot.withdrawn", slot)
        await uow.commit()
        return slot


async def set_slot_link(command: commands.SetSlotLink, caller: Principal, uow: EventsUnitOfWorkPort) -> OfficeHourSlot:
    """The host (or an organiser of the host's chapter, on their behalf) gives the link to join an online slot."""
    async with uow:
        slot = await _slot(command.slot_id, uow, lock=True)
        if not (caller.is_person(slot.host_id) or caller.is_admin or caller.coordinates(slot.chapter_id)):
            raise Forbidden("only the slot's host (or an organiser on their behalf) gives its link", field="slot_id")
        changed = slot.give_link(command.join_url)
        await uow.slots.save(slot)
        if changed is not None and slot.ends_at > _now():
            # Told where to find it: the link itself never travels.
            uow.emit(contract.OfficeHoursLinkGiven(
                slot_id=slot.id, host_id=slot.host_id, person_id=changed.booking.person_id, chapter_id=slot.chapter_id,
                starts_at=slot.starts_at, ends_at=slot.ends_at, booking_id=changed.booking.id,
                replaces_earlier=changed.replaces_earlier))
        _audit_for_host(uow, caller, "slot.link_given", slot)
        await uow.commit()
        return slot


async def book_slot(
    command: commands.BookSlot, booker: Principal, uow: EventsUnitOfWorkPort,
) -> tuple[OfficeHourSlot, bool]:
    """Book, if the slot is open to the person (`OfficeHourSlot.open_to`: a national slot to anyone, a chapter's to
    its members; to a high-school student only if a coordinator vetted its host) and their account is not
    suspended; booking again returns the same booking (and False). Booking for someone else (an administrator) is
    audited."""
    async with uow:
        # Locked, as the host is when a slot is offered: a suspension applied meanwhile waits, then cancels this.
        booker_known = await uow.participants.get(command.person_id, lock=True)
        slot = await _slot(command.slot_id, uow, lock=True)
        host = await uow.participants.get(slot.host_id)
        booked_now = slot.book(command.person_id, _now(), booker_known, host)
        if booked_now:
            await uow.slots.save(slot)
            uow.emit(contract.OfficeHoursBookedV3(**_booking(slot, command.person_id), booking_id=slot.booking_id))
            if not booker.is_person(command.person_id):
                _audit_slot(uow, booker, "slot.booked", slot, person_id=command.person_id)
        await uow.commit()
        return slot, booked_now


async def cancel_booking(command: commands.CancelBooking, caller: Principal, uow: EventsUnitOfWorkPort) -> OfficeHourSlot:
    """The host or the participant who booked cancels the booking; anyone else (an organiser, on the host's behalf)
    is audited."""
    async with uow:
        slot = await _slot(command.slot_id, uow, lock=True)
        booking = await _cancel_booking(slot, command.cancelled_by, uow)
        if not (caller.is_person(slot.host_id) or caller.is_person(booking.person_id)):
            _audit_slot(uow, caller, "slot.booking_cancelled", slot, person_id=booking.person_id)
        await uow.commit()
        return slot


async def _withdraw(slot: OfficeHourSlot, uow: EventsUnitOfWorkPort) -> None:
    """The slot (locked) goes, as its host withdraws it; whoever had booked it is told (`slot_withdrawn`)."""
    booking = slot.withdraw()
    if booking is not None:
        uow.emit(_booking_cancelled(slot, booking, "host", "slot_withdrawn"))
    await uow.slots.remove(slot.id)


async def _cancel_booking(slot: OfficeHourSlot, cancelled_by: Literal["host", "participant"],
                          uow: EventsUnitOfWorkPort) -> Booking:
    """The slot (locked) reopens; the other side is told its booking is cancelled (`cancelled`)."""
    booking = slot.cancel_booking()
    await uow.slots.save(slot)
    uow.emit(_booking_cancelled(slot, booking, cancelled_by, "cancelled"))
    return booking


async def get_slot(slot_id: UUID, uow: EventsUnitOfWorkPort) -> OfficeHourSlot:
    async with uow:
        return await _slot(slot_id, uow)


async def stages_of(people: list[UUID], uow: EventsUnitOfWorkPort) -> dict[UUID, TrainingStage]:
    """The stage of training of each of these people profiles has told us about (public, on profiles.people)."""
    async with uow:
        return {person: p.stage for person, p in (await uow.participants.known(people)).items()}


async def list_slots(
    viewer: Principal, uow: EventsUnitOfWorkPort, *, host_id: UUID | None, chapter_id: UUID | None, open_only: bool,
    ended_too: bool = False,
) -> list[OfficeHourSlot]:
    """The slots still to come (of `host_id`, if given; open ones only, if `open_only`), soonest first, that the
    viewer may book or organises. `ended_too`, for a host's own data: every slot of theirs, those ended included
    (refused for anyone else's, 403).

    An administrator sees every slot (of `chapter_id`, if given); a coordinator naming a chapter they coordinate,
    that chapter's slots (which they organise); a host, all their own. Anyone else sees the slots open to them
    (`OfficeHourSlot.open_to`): the national ones (of hosts without a chapter) and their chapter's, as profiles told
    us; a coordinator, the chapters' they coordinate too. Their `chapter_id` is read as their own chapter (the web
    sends the person's): it opens no other chapter's slots. A high-school student is listed only the slots of hosts a
    coordinator vetted.
    """
    # Slots the viewer organises, or hosts: none kept from them.
    own = host_id is not None and viewer.is_person(host_id)
    sees_all = viewer.is_admin or (chapter_id is not None and viewer.coordinates(chapter_id)) or own
    if ended_too and not own:
        raise Forbidden("only a host lists their own slots that ended", field="ended_too")
    async with uow:
        if sees_all:
            return await uow.slots.find(host_id=host_id, chapter_id=chapter_id, open_only=open_only,
                                        starts_from=None if ended_too else _now())
        known = await uow.participants.get(viewer.person_id) if viewer.person_id is not None else None
        return await uow.slots.find(host_id=host_id, chapter_id=None, open_only=open_only,
                                    starts_from=None if ended_too else _now(),
                                    chapters=_chapters_open_to(viewer, known),
                                    vetted_hosts_only=known is not None and known.is_high_school)


def _chapters_open_to(viewer: Principal, own: Participant | None) -> frozenset[UUID]:
    """The chapters whose slots the viewer is listed besides the national ones: their own, as profiles told us (none
    while it has not), and those they coordinate."""
    coordinated = viewer.chapter_ids if viewer.role == PrincipalRole.COORDINATOR else frozenset()
    return coordinated | ({own.chapter_id} if own is not None and own.chapter_id is not None else frozenset())


async def bookings_of(person_id: UUID, uow: EventsUnitOfWorkPort, ended_too: bool = False) -> list[OfficeHourSlot]:
    """The slots a person has booked that have not ended yet, soonest first; `ended_too`, every one they booked
    (the events service keeps them: the person's data holds them)."""
    async with uow:
        return await uow.slots.booked_by(person_id, ending_after=None if ended_too else _now())


# --- profiles' events ---------------------------------------------------------------------------------------------

async def remember_participant(
    event: source.PersonRegistered | source.PersonUpdated | source.PersonRestated, uow: EventsUnitOfWorkPort,
) -> None:
    """What profiles says of the person; a restatement says whether they are suspended too, applied as a
    suspension or a reinstatement (`person_suspended`) unless a newer one was."""
    async with uow:
        await uow.participants.save(Participant(event.person_id, event.stage, event.chapter_id, event.is_alumni))
        if isinstance(event, source.PersonRestated):
            await _apply_suspension(event.person_id, event.suspended, event.occurred_at, uow)
        await uow.commit()


async def person_suspended(event: source.PersonSuspended, uow: EventsUnitOfWorkPort) -> None:
    """Profiles suspended the person's account. Until it is reinstated they offer and book no office hours (409
    `person_suspended`), are granted no join link (`/access` answers them as someone without a seat) and their
    calendar feed is not found. Each slot of theirs still to start is withdrawn as its host withdrawing it is (its
    booker told), and each booking of theirs of a slot still to start cancelled as their cancelling it is (its host
    told); slots that have begun stay as they were, and their registrations are kept.

    Not audited here: profiles audits the suspension (who suspended them, when), and what a consumer does of
    profiles' events is not audited in this service (an erasure's neither). Applied again (a repeat, or a
    restatement saying the same), it finds nothing more to do; older than the suspension fact applied last (read
    late), nothing at all."""
    async with uow:
        await _apply_suspension(event.person_id, True, event.occurred_at, uow)
        await uow.commit()


async def person_reinstated(event: source.PersonReinstated, uow: EventsUnitOfWorkPort) -> None:
    """The person's account is theirs again: they offer and book office hours, and `/access` and their calendar feed
    answer them. Each seat of theirs in a virtual event still to end is granted its link as it is now, since one
    an organiser changed during the suspension was not granted to them. What was withdrawn or cancelled stays so."""
    async with uow:
        await _apply_suspension(event.person_id, False, event.occurred_at, uow)
        await uow.commit()


async def _apply_suspension(person_id: UUID, suspended: bool, as_of: datetime, uow: EventsUnitOfWorkPort) -> None:
    before = await uow.participants.get(person_id)
    now_suspended = await uow.participants.suspension(person_id, suspended, as_of)
    if before is not None and before.suspended and now_suspended is False:
        await _grant_access_again(before, uow)
    # Someone we do not know (None) may still hold a booking (a national slot): cancelled all the same.
    if suspended and now_suspended is not False:
        now = _now()
        for slot in await uow.slots.involving(person_id):
            if slot.starts_at <= now:
                continue  # begun or past: what took place stays as it was
            if slot.host_id == person_id:
                await _withdraw(slot, uow)
            else:
                await _cancel_booking(slot, "participant", uow)


async def _grant_access_again(reinstated: Participant, uow: EventsUnitOfWorkPort) -> None:
    now = _now()
    for registration, seen in await uow.registrations.of_person(reinstated.person_id):
        if registration.status != Status.CONFIRMED or seen.ends_at <= now:
            continue
        # Locked, so that a link an organiser changes meanwhile is granted by one of us after the other (as of this
        # reinstatement, their change grants it too).
        event = await uow.events.get(seen.id, lock=True)
        if event is not None and event.state == EventState.PUBLISHED:
            _grant_access(event, registration, uow, replace(reinstated, suspended=False))


async def mentor_enrollment_changed(
    event: source.EnrollmentCreated | source.EnrollmentChanged | source.MentorApproved | source.MentorSuspended
    | source.EnrollmentWithdrawn | source.EnrollmentRestated, uow: EventsUnitOfWorkPort,
) -> None:
    """Mentors approved in a program offer office hours, near-peer students and clinicians alike: remember each of a
    person's enrollments as a mentor and whether it is approved now (one awaiting approval, or suspended, is not).
    Someone approved in no program any more (suspended as a mentor, withdrawn, turned mentee) offers no new slot, and
    each of theirs still to start is withdrawn as their withdrawing it is (its booker told): only approved mentors
    host, and a mentor suspended for their conduct met students nonetheless.

    Whether a coordinator vetted it too: `mentor_approved` says so (a program that reviews no mentors approves them
    automatically, and says nothing); it lasts while the enrollment stays approved, so high-school students are
    offered the mentor's slots (`OfficeHourSlot.open_to`)."""
    approved: bool | None
    match event:
        case source.MentorApproved() | source.MentorSuspended():
            approved = isinstance(event, source.MentorApproved)
        case source.EnrollmentWithdrawn():
            approved = None
        case source.EnrollmentRestated(active=False):
            approved = None
        case _:
            approved = event.approval == "approved" if event.role == Role.MENTOR else None
    async with uow:
        # Locked, as a host is when offering a slot: an offer made meanwhile is seen here, or sees this.
        before = await uow.participants.get(event.person_id, lock=True)
        await uow.participants.mentor_enrollment(event.enrollment_id, event.person_id, approved,
                                                 vetted=isinstance(event, source.MentorApproved))
        after = await uow.participants.get(event.person_id)
        if before is not None and before.may_host_office_hours and not (after and after.may_host_office_hours):
            now = _now()
            for slot in await uow.slots.involving(event.person_id):
                if slot.host_id == event.person_id and slot.starts_at > now:
                    await _withdraw(slot, uow)
        await uow.commit()


async def person_erased(event: source.PersonErased, uow: EventsUnitOfWorkPort) -> None:
    """Forget the person. Their seats and slots go to others; the other side of their office-hour bookings is told
    the booking is cancelled (`person_erased`: without naming them); nothing more is said about them."""
    async with uow:
        for registration, scheduled in await uow.registrations.of_person(event.person_id):
            if registration.is_active:
                locked = await _existing(scheduled.id, uow, lock=True)
                registration.cancel()
                await uow.registrations.save(registration)
                await _fill_free_seats(locked, uow)
        for slot in await uow.slots.involving(event.person_id):
            if slot.host_id != event.person_id:
                uow.emit(_booking_cancelled(slot, slot.cancel_booking(), "participant", "person_erased"))
                await uow.slots.save(slot)
                continue
            if (booking := slot.withdraw()) is not None:
                uow.emit(_booking_cancelled(slot, booking, "host", "person_erased"))
            await uow.slots.remove(slot.id)
        await uow.registrations.forget(event.person_id)
        await uow.participants.forget(event.person_id)
        await uow.commit()


# --- helpers ------------------------------------------------------------------------------------------------------

def _audit_event(uow: EventsUnitOfWorkPort, organiser: Principal, action: str, event: ScheduledEvent,
                 **detail: object) -> None:
    """An organiser's action on an event, in the audit trail: who, which event, its chapter."""
    uow.audit(organiser, action, "scheduled_event", event.id, chapter_id=event.chapter_id, detail=detail)


def _audit_registration(uow: EventsUnitOfWorkPort, organiser: Principal, action: str, event: ScheduledEvent,
                        registration: Registration, **detail: object) -> None:
    """An organiser's action on a registration (as `registrant.removed`): who, whose, at which event."""
    uow.audit(organiser, action, "registration", registration.id, chapter_id=event.chapter_id,
              detail={"scheduled_event_id": str(event.id), "person_id": str(registration.person_id), **detail})


def _audit_slot(uow: EventsUnitOfWorkPort, caller: Principal, action: str, slot: OfficeHourSlot,
                person_id: UUID | None = None) -> None:
    """An action on an office-hour slot by someone other than its host (or the participant concerned), in the audit
    trail: who, which slot, its host and chapter, and the participant whose booking it is, if any."""
    detail = {"host_id": str(slot.host_id)} | ({"person_id": str(person_id)} if person_id is not None else {})
    uow.audit(caller, action, "office_hour_slot", slot.id, chapter_id=slot.chapter_id, detail=detail)


def _audit_for_host(uow: EventsUnitOfWorkPort, caller: Principal, action: str, slot: OfficeHourSlot) -> None:
    """Audited when done on the host's behalf (a coordinator, an administrator); the host's own is not."""
    if not caller.is_person(slot.host_id):
        _audit_slot(uow, caller, action, slot)


async def _existing(event_id: UUID, uow: EventsUnitOfWorkPort, lock: bool = False) -> ScheduledEvent:
    event = await uow.events.get(event_id, lock=lock)
    if event is None:
        raise NotFound("no such event", field="scheduled_event_id")
    return event


async def _locked_with_conference(
    event_id: UUID, uow: EventsUnitOfWorkPort,
) -> tuple[ScheduledEvent, ScheduledEvent | None]:
    """The event and, for a session, its conference, both locked: the conference first, as cancelling it locks it
    then its sessions, so that neither waits for the other."""
    event = await _existing(event_id, uow)
    if event.parent_event_id is None:
        return await _existing(event_id, uow, lock=True), None
    conference = await _existing(event.parent_event_id, uow, lock=True)
    return await _existing(event_id, uow, lock=True), conference


async def _registration(event: ScheduledEvent, person_id: UUID, uow: EventsUnitOfWorkPort) -> Registration:
    registration = await uow.registrations.active(event.id, person_id)
    if registration is None:
        raise NotFound("no registration of this person for this event", field="person_id")
    return registration


async def _slot(slot_id: UUID, uow: EventsUnitOfWorkPort, lock: bool = False) -> OfficeHourSlot:
    slot = await uow.slots.get(slot_id, lock=lock)
    if slot is None:
        raise NotFound("no such office-hour slot", field="slot_id")
    return slot


async def _fill_free_seats(event: ScheduledEvent, uow: EventsUnitOfWorkPort) -> None:
    """Promote from the waitlist, first come first served, while seats are free. The event row is locked."""
    confirmed = await uow.registrations.count(event.id, Status.CONFIRMED)
    while event.has_free_seat(confirmed, _now()):
        first = await uow.registrations.first_waitlisted(event.id)
        if first is None:
            return
        first.promote()
        await uow.registrations.save(first)
        await _tell_promoted(event, first, uow)
        confirmed += 1


async def _tell_promoted(event: ScheduledEvent, registration: Registration, uow: EventsUnitOfWorkPort) -> None:
    """The registrant has a seat now: told so, and granted a virtual event's link."""
    uow.emit(_told(event, registration, contract.RegistrationPromotedV2))
    _grant_access(event, registration, uow, await uow.participants.get(registration.person_id))


async def _record_attendance(
    event: ScheduledEvent, registration: Registration, attended: bool, uow: EventsUnitOfWorkPort,
) -> None:
    registration.record_attendance(event, attended, _now())
    await uow.registrations.save(registration)
    if event.attendees_public:  # else nobody is told: it is the organisers' record alone
        uow.emit(contract.AttendanceRecordedV2(**_about(event, registration), attended=attended))


def _grant_access(event: ScheduledEvent, registration: Registration, uow: EventsUnitOfWorkPort,
                  registrant: Participant | None) -> None:
    """Tell notifications (on the restricted topic) the join link of a virtual event, once a seat is confirmed; never
    a suspended registrant (`registrant`: what profiles told us of them), who keeps the seat and is granted the link
    an organiser gives after they are reinstated (`/access` answers them again then)."""
    if event.virtual_link and not (registrant is not None and registrant.suspended):
        uow.emit(contract.VirtualAccessGrantedV3(registration_id=registration.id, scheduled_event_id=event.id,
                                               person_id=registration.person_id, join_url=event.virtual_link,
                                               revision=event.revision))


def _details(event: ScheduledEvent) -> dict:
    return dict(
        scheduled_event_id=event.id, chapter_id=event.chapter_id, kind=event.kind, title=event.title,
        starts_at=event.starts_at, ends_at=event.ends_at, timezone=event.timezone, capacity=event.capacity,
        audience_stages=event.audience_stages, registration_deadline=event.registration_deadline,
        is_virtual=event.is_virtual, location=event.location, parent_event_id=event.parent_event_id,
        attendees_public=event.attendees_public,
    )


def _told(event: ScheduledEvent, registration: Registration, public: type[IntegrationEvent],
          **fields: object) -> IntegrationEvent:
    """What became of a registration: on the public topic if the organiser lets other teams see who registers, else
    its private twin, for notifications alone (attending some events says something about someone)."""
    told = public(**_about(event, registration), **fields)
    return told if event.attendees_public else as_private(told)


def _about(event: ScheduledEvent, registration: Registration) -> dict:
    return dict(registration_id=registration.id, scheduled_event_id=event.id, chapter_id=event.chapter_id,
                person_id=registration.person_id)


def _booking(slot: OfficeHourSlot, person_id: UUID) -> dict:
    return dict(slot_id=slot.id, host_id=slot.host_id, person_id=person_id, chapter_id=slot.chapter_id,
                starts_at=slot.starts_at, ends_at=slot.ends_at, is_virtual=slot.is_virtual, location=slot.location)


def _booking_cancelled(slot: OfficeHourSlot, booking: Booking, cancelled_by: Literal["host", "participant"],
                       reason_code: Literal["cancelled", "slot_withdrawn", "person_erased"],
                       ) -> contract.OfficeHoursBookingCancelledV3:
    return contract.OfficeHoursBookingCancelledV3(**_booking(slot, booking.person_id), booking_id=booking.id,
                                                  cancelled_by=cancelled_by, reason_code=reason_code)
