"""A person whose account profiles suspends (`profiles.person_suspended`) hosts and books no office hours, is granted
no join link and has no calendar feed until reinstated (`profiles.person_reinstated`); their registrations are kept."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from events.domain import commands
from events.domain.model import AccountSuspended, NotConfirmed, OfficeHourSlot, Participant, Status
from events.entrypoints import consumers
from events.service_layer import handlers
from mentorship_contracts import events as contract
from mentorship_contracts import profiles as source
from mentorship_contracts.vocabulary import Role
from mentorship_contracts.vocabulary import TrainingStage as S
from plumbing.auth import Principal
from plumbing.auth import Role as PrincipalRole
from plumbing.errors import NotFound

TOMORROW = datetime.now(UTC) + timedelta(days=1)
YESTERDAY = datetime.now(UTC) - timedelta(days=1)
SOON = datetime.now(UTC) + timedelta(days=10)
ADMIN = Principal(subject="admin", role=PrincipalRole.ADMIN, person_id=uuid4())


def participant(person) -> Principal:
    return Principal(subject=str(person), role=PrincipalRole.PARTICIPANT, person_id=person)


async def known(uow, stage=S.ATTENDING, chapter=None):
    person = uuid4()
    await uow.participants.save(Participant(person, stage, chapter))
    return person


async def a_host(uow, chapter=None):
    """Someone a program has approved as a mentor: they offer office hours."""
    host = await known(uow, chapter=chapter)
    await handlers.mentor_enrollment_changed(source.EnrollmentCreatedV3(
        enrollment_id=uuid4(), person_id=host, program_id=uuid4(), chapter_id=None, role=Role.MENTOR, stage=S.ATTENDING,
        approval="approved"), uow)
    return host


async def offer(uow, host, starts=TOMORROW, by=None):
    return await handlers.offer_slot(commands.OfferSlot(host, starts, starts + timedelta(minutes=30),
                                                        join_url="https://meet.example.org/host"),
                                     by or participant(host), uow)


async def book(uow, slot_id, person):
    return await handlers.book_slot(commands.BookSlot(slot_id, person), participant(person), uow)


async def a_past_slot(uow, host, booked_by=None) -> OfficeHourSlot:
    """A slot that took place yesterday (no one offers one in the past: it is put in the repository)."""
    slot = OfficeHourSlot(uuid4(), host, None, YESTERDAY, YESTERDAY + timedelta(minutes=30), booked_by=booked_by,
                          booking_id=uuid4() if booked_by else None, join_url="https://meet.example.org/past")
    await uow.slots.add(slot)
    return slot


async def suspend(uow, person, at=None):
    await handlers.person_suspended(source.PersonSuspended(person_id=person, **_at(at)), uow)


async def reinstate(uow, person, at=None):
    await handlers.person_reinstated(source.PersonReinstated(person_id=person, **_at(at)), uow)


def _at(at):
    return {"occurred_at": at} if at is not None else {}


async def published(uow, capacity=2):
    event = await handlers.create_event(commands.CreateEvent(
        chapter_id=None, kind="virtual_session", title="Applying to residency", starts_at=SOON,
        ends_at=SOON + timedelta(hours=1), timezone="America/Chicago", capacity=capacity,
        registration_deadline=SOON - timedelta(days=1), is_virtual=True, virtual_link="https://meet.example/abc"),
        ADMIN, uow)
    await handlers.publish_event(commands.PublishEvent(event.id), ADMIN, uow)
    return event


async def register(uow, event, person):
    [outcome] = await handlers.register_arrivals([commands.Register(event.id, person)], uow)
    assert not isinstance(outcome, Exception), outcome
    return outcome[0]


def test_the_events_service_applies_suspensions_and_reinstatements_from_profiles_people():
    assert consumers.HANDLERS[source.PersonSuspended] is handlers.person_suspended
    assert consumers.HANDLERS[source.PersonReinstated] is handlers.person_reinstated


def test_a_suspended_person_is_refused_with_409_person_suspended():
    assert (AccountSuspended.status, AccountSuspended.code) == (409, "person_suspended")


async def test_a_suspended_hosts_future_slots_are_withdrawn_and_their_bookers_told(uow, emitted):
    host, student = await a_host(uow), await known(uow, S.UNDERGRADUATE)
    booked, still_open = await offer(uow, host), await offer(uow, host, TOMORROW + timedelta(hours=1))
    await book(uow, booked.id, student)
    past = await a_past_slot(uow, host, booked_by=student)

    await suspend(uow, host)

    assert set(uow.slots.rows) == {past.id}  # the past slot stays as it was, its booking too
    assert uow.slots.rows[past.id].booked_by == student
    # As the host withdrawing the slot tells its booker (`withdraw_slot`): the open one tells nobody.
    [cancelled] = emitted(contract.OfficeHoursBookingCancelledV3)
    assert (cancelled.slot_id, cancelled.person_id, cancelled.cancelled_by, cancelled.reason_code) == (
        booked.id, student, "host", "slot_withdrawn")
    assert still_open.id not in uow.slots.rows
    # Profiles audits the suspension; what the events service does of it, as of an erasure, is not audited again.
    assert uow.audited == []


async def test_a_suspended_person_s_bookings_of_others_future_slots_are_cancelled_and_the_hosts_told(uow, emitted):
    host, student = await a_host(uow), await known(uow, S.UNDERGRADUATE)
    upcoming = await offer(uow, host)
    await book(uow, upcoming.id, student)
    past = await a_past_slot(uow, host, booked_by=student)

    await suspend(uow, student)

    # As the participant cancelling their booking tells the host (`cancel_booking`); the slot is open again.
    [cancelled] = emitted(contract.OfficeHoursBookingCancelledV3)
    assert (cancelled.slot_id, cancelled.person_id, cancelled.cancelled_by, cancelled.reason_code) == (
        upcoming.id, student, "participant", "cancelled")
    assert uow.slots.rows[upcoming.id].booked_by is None
    assert uow.slots.rows[past.id].booked_by == student


async def test_a_suspended_person_cannot_book_or_offer(uow):
    chapter = uuid4()
    host, student = await a_host(uow, chapter), await known(uow, S.UNDERGRADUATE, chapter)
    slot = await offer(uow, await a_host(uow))
    for person in (host, student):
        await suspend(uow, person)

    coordinator = Principal(subject="c", role=PrincipalRole.COORDINATOR, person_id=uuid4(), chapter_ids=[chapter])
    for offerer in (participant(host), coordinator, ADMIN):
        with pytest.raises(AccountSuspended, match="suspended"):
            await offer(uow, host, by=offerer)
    with pytest.raises(AccountSuspended):
        await book(uow, slot.id, student)
    with pytest.raises(AccountSuspended):  # nor an administrator for them
        await handlers.book_slot(commands.BookSlot(slot.id, student), ADMIN, uow)
    assert uow.slots.rows[slot.id].booked_by is None


async def test_a_changed_link_is_not_granted_to_a_suspended_registrant(uow, emitted):
    event = await published(uow)
    suspended, other = await known(uow, S.UNDERGRADUATE), await known(uow, S.UNDERGRADUATE)
    for person in (suspended, other):
        await register(uow, event, person)
    await suspend(uow, suspended)

    await handlers.update_event(commands.UpdateEvent(event.id, {"virtual_link": "https://meet.example/new"}),
                                ADMIN, uow)

    new_links = [g.person_id for g in emitted(contract.VirtualAccessGrantedV3) if g.join_url.endswith("new")]
    assert new_links == [other]
    # Their seat is kept: reinstated, they are granted the link an organiser gives next.
    assert (await uow.registrations.active(event.id, suspended)).status == Status.CONFIRMED
    await reinstate(uow, suspended)
    await handlers.update_event(commands.UpdateEvent(event.id, {"virtual_link": "https://meet.example/newer"}),
                                ADMIN, uow)
    newer = [g.person_id for g in emitted(contract.VirtualAccessGrantedV3) if g.join_url.endswith("newer")]
    assert sorted(newer) == sorted([suspended, other])


async def test_a_suspended_registrant_promoted_from_the_waitlist_keeps_the_seat_but_is_not_granted_the_link(
        uow, emitted):
    event = await published(uow, capacity=1)
    first, waiting = await known(uow, S.UNDERGRADUATE), await known(uow, S.UNDERGRADUATE)
    for person in (first, waiting):
        await register(uow, event, person)
    await suspend(uow, waiting)

    await handlers.cancel_registration(commands.CancelRegistration(event.id, first, "registrant"), uow)

    assert [p.person_id for p in emitted(contract.RegistrationPromotedV2)] == [waiting]
    assert [g.person_id for g in emitted(contract.VirtualAccessGrantedV3)] == [first]


async def test_the_join_link_is_refused_to_a_suspended_registrant_as_to_anyone_not_confirmed(uow):
    event = await published(uow)
    person = await known(uow, S.UNDERGRADUATE)
    await register(uow, event, person)
    await suspend(uow, person)

    with pytest.raises(NotConfirmed):
        await handlers.join_link(event.id, person, uow)
    await reinstate(uow, person)
    assert await handlers.join_link(event.id, person, uow) == "https://meet.example/abc"


async def test_the_calendar_feed_of_a_suspended_owner_is_not_found(uow):
    event = await published(uow)
    person = await known(uow, S.UNDERGRADUATE)
    await register(uow, event, person)
    token = await handlers.issue_calendar_feed(commands.IssueCalendarFeed(person), uow)
    await suspend(uow, person)

    with pytest.raises(NotFound, match="no such calendar feed"):  # as an unknown token: it says nothing more
        await handlers.calendar_feed(token, uow)
    await reinstate(uow, person)  # the same URL serves again: the feed was kept
    assert [seat.join_url for seat in (await handlers.calendar_feed(token, uow)).seats] == ["https://meet.example/abc"]


async def test_reinstating_lets_them_book_again(uow, emitted):
    host, student = await a_host(uow), await known(uow, S.UNDERGRADUATE)
    slot = await offer(uow, await a_host(uow))
    for person in (host, student):
        await suspend(uow, person)
        await reinstate(uow, person)

    booked, _ = await book(uow, slot.id, student)
    assert booked.booked_by == student
    assert (await offer(uow, host)).host_id == host


async def test_a_suspension_applied_again_changes_nothing_more(uow, emitted):
    host, student = await a_host(uow), await known(uow, S.UNDERGRADUATE)
    slot = await offer(uow, host)
    await book(uow, slot.id, student)
    suspension = source.PersonSuspended(person_id=host)

    await handlers.person_suspended(suspension, uow)
    await handlers.person_suspended(suspension, uow)
    await handlers.person_suspended(source.PersonSuspended(person_id=host), uow)

    assert len(emitted(contract.OfficeHoursBookingCancelledV3)) == 1
    with pytest.raises(AccountSuspended):
        await offer(uow, host)


async def test_an_older_fact_read_late_does_not_undo_a_newer_one(uow, emitted):
    host, earlier = await a_host(uow), datetime.now(UTC) - timedelta(minutes=5)
    await reinstate(uow, host)
    await suspend(uow, host, at=earlier)  # suspended five minutes ago, reinstated since: read late, it is stale
    slot = await offer(uow, host)

    await suspend(uow, host)
    await reinstate(uow, host, at=earlier)  # a reinstatement older than the suspension lifts nothing

    assert slot.id not in uow.slots.rows
    with pytest.raises(AccountSuspended):
        await offer(uow, host)


async def test_a_restatement_says_whether_the_person_is_suspended(uow, emitted):
    host, student = await a_host(uow), await known(uow, S.UNDERGRADUATE)
    slot = await offer(uow, host)
    await book(uow, slot.id, student)

    def restated(suspended):
        return source.PersonRestated(person_id=host, chapter_id=None, stage=S.ATTENDING, is_alumni=False,
                                     suspended=suspended)

    await handlers.remember_participant(restated(True), uow)  # a suspension events missed: applied as one
    assert slot.id not in uow.slots.rows
    assert [c.person_id for c in emitted(contract.OfficeHoursBookingCancelledV3)] == [student]
    with pytest.raises(AccountSuspended):
        await offer(uow, host)

    await handlers.remember_participant(restated(False), uow)
    assert (await offer(uow, host)).host_id == host


async def test_a_suspended_person_s_profile_changes_keep_them_suspended(uow):
    host = await a_host(uow)
    await suspend(uow, host)
    await handlers.remember_participant(source.PersonUpdatedV2(person_id=host, chapter_id=None, stage=S.FELLOW,
                                                               is_alumni=False, changed_fields=["stage"]), uow)
    with pytest.raises(AccountSuspended):
        await offer(uow, host)


async def test_a_suspension_of_someone_the_service_does_not_know_or_erased_keeps_nothing(uow):
    stranger, erased = uuid4(), await known(uow)
    await handlers.person_erased(source.PersonErased(person_id=erased), uow)
    for person in (stranger, erased):
        await suspend(uow, person)
    assert await uow.participants.known([stranger, erased]) == {}


async def test_reinstated_a_registrant_is_granted_the_link_their_seats_have_now_once(uow, emitted):
    event, ended = await published(uow), await published(uow)
    person, waiting_for = await known(uow, S.UNDERGRADUATE), await published(uow, capacity=1)
    for seat in (event, ended):
        await register(uow, seat, person)
    await register(uow, waiting_for, await known(uow, S.UNDERGRADUATE))
    await register(uow, waiting_for, person)  # waitlisted: no seat, no link
    await suspend(uow, person)
    await handlers.update_event(commands.UpdateEvent(event.id, {"virtual_link": "https://meet.example/new"}),
                                ADMIN, uow)
    uow.events.rows[ended.id].ends_at = YESTERDAY  # took place while they were suspended
    granted_before = len(emitted(contract.VirtualAccessGrantedV3))

    await reinstate(uow, person)
    await reinstate(uow, person)  # applied again (a repeat, a restatement): nothing more
    await handlers.remember_participant(source.PersonRestated(
        person_id=person, stage=S.UNDERGRADUATE, chapter_id=None, is_alumni=False, suspended=False), uow)

    regranted = emitted(contract.VirtualAccessGrantedV3)[granted_before:]
    assert [(g.person_id, g.scheduled_event_id, g.join_url) for g in regranted] == [
        (person, event.id, "https://meet.example/new")]


async def test_a_suspended_person_is_registered_for_nothing_new_and_keeps_what_they_hold(uow):
    held, new = await published(uow), await published(uow)
    person = await known(uow, S.UNDERGRADUATE)
    registration = await register(uow, held, person)
    await suspend(uow, person)

    [refusal] = await handlers.register_arrivals([commands.Register(new.id, person)], uow)
    assert isinstance(refusal, AccountSuspended) and refusal.field == "person_id"
    assert (await uow.registrations.active(held.id, person)).id == registration.id
    [(again, is_new)] = await handlers.register_arrivals([commands.Register(held.id, person)], uow)
    assert (again.id, is_new) == (registration.id, False)  # a retried registration still answers what they hold
    await reinstate(uow, person)
    assert (await register(uow, new, person)).status == Status.CONFIRMED
