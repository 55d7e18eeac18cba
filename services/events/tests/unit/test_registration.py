"""Registering, cancelling and the waitlist, through the handlers with an in-memory unit of work."""

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from events.domain import commands
from events.domain.model import (
    NotConfirmed,
    NotInAudience,
    NotInChapter,
    Participant,
    StageNotYetKnown,
    Status,
    WrongState,
)
from events.service_layer import handlers
from events.service_layer.registration_desk import RegistrationDesk
from mentorship_contracts import events as contract
from mentorship_contracts.profiles import PersonErased
from mentorship_contracts.vocabulary import TrainingStage as S
from plumbing.auth import Principal, Role
from plumbing.errors import Invalid, NotFound

SOON = datetime.now(UTC) + timedelta(days=10)
# The national events' organiser.
ORGANISER = Principal(subject="a", role=Role.ADMIN, person_id=uuid4())


async def published(uow, **overrides):
    event = await handlers.create_event(commands.CreateEvent(**{
        "chapter_id": None, "kind": "virtual_session", "title": "Applying to medical school", "starts_at": SOON,
        "ends_at": SOON + timedelta(hours=1), "timezone": "America/Chicago", "capacity": 1,
        "registration_deadline": SOON - timedelta(days=1), "is_virtual": True,
        "virtual_link": "https://meet.example/abc", **overrides,
    }), ORGANISER, uow)
    await handlers.publish_event(commands.PublishEvent(event.id), ORGANISER, uow)
    return event


async def register(uow, event, person=None):
    [outcome] = await handlers.register_arrivals([commands.Register(event.id, person or uuid4())], uow)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome[0]


async def test_a_cancellation_gives_the_seat_to_the_first_on_the_waitlist(uow, emitted):
    event = await published(uow)
    first, second, third = [await register(uow, event) for _ in range(3)]
    assert [first.status, second.status, third.status] == [Status.CONFIRMED, Status.WAITLISTED, Status.WAITLISTED]

    await handlers.cancel_registration(commands.CancelRegistration(event.id, first.person_id, "registrant"), uow)

    promoted = emitted(contract.RegistrationPromoted)
    assert [p.person_id for p in promoted] == [second.person_id]
    assert (await uow.registrations.active(event.id, third.person_id)).status == Status.WAITLISTED
    assert [w.position for w in emitted(contract.RegistrationWaitlisted)] == [1, 2]


async def test_registering_twice_is_the_same_registration_and_says_so_once(uow, emitted):
    event = await published(uow)
    person, refused = uuid4(), uuid4()
    uow.events.rows[event.id].audience_stages = [S.RESIDENT]
    await uow.participants.save(Participant(person, S.RESIDENT))
    arrivals = [commands.Register(event.id, p) for p in (person, refused, person)]

    (first, created), refusal, (again, created_again) = await handlers.register_arrivals(arrivals, uow)
    [(later, created_later)] = await handlers.register_arrivals(arrivals[:1], uow)

    assert {again.id, later.id} == {first.id} and (created, created_again, created_later) == (True, False, False)
    assert isinstance(refusal, StageNotYetKnown)
    assert len(emitted(contract.RegistrationConfirmed)) == 1


async def test_someone_whose_stage_has_not_reached_the_service_is_asked_to_try_again(uow):
    event = await published(uow, audience_stages=[S.UNDERGRADUATE])
    person = uuid4()
    with pytest.raises(StageNotYetKnown, match="try again"):
        await register(uow, event, person)
    await uow.participants.save(Participant(person, S.ATTENDING))
    with pytest.raises(NotInAudience, match="undergraduate"):
        await register(uow, event, person)


async def test_a_chapter_event_confirms_its_chapter_s_students_and_not_another_chapter_s(uow, emitted):
    chapter = uuid4()
    event = await published(uow, chapter_id=chapter, capacity=5)
    member, outsider = Participant(uuid4(), S.UNDERGRADUATE, chapter), Participant(uuid4(), S.UNDERGRADUATE, uuid4())
    for person in (member, outsider):
        await uow.participants.save(person)

    admitted, refused = await handlers.register_arrivals(
        [commands.Register(event.id, member.person_id), commands.Register(event.id, outsider.person_id)], uow)

    assert isinstance(refused, NotInChapter) and refused.field == "chapter_id"
    assert [c.person_id for c in emitted(contract.RegistrationConfirmed)] == [member.person_id]


async def test_the_virtual_link_goes_to_confirmed_registrants_only(uow, emitted):
    event = await published(uow)
    confirmed, waitlisted = await register(uow, event), await register(uow, event)

    granted = emitted(contract.VirtualAccessGranted)
    assert [(g.person_id, g.join_url) for g in granted] == [(confirmed.person_id, "https://meet.example/abc")]
    assert await handlers.join_link(event.id, confirmed.person_id, uow) == "https://meet.example/abc"
    with pytest.raises(NotConfirmed):
        await handlers.join_link(event.id, waitlisted.person_id, uow)


async def test_a_new_link_reaches_everyone_confirmed_and_more_seats_promote_the_waitlist(uow, emitted):
    event = await published(uow)
    confirmed, waitlisted = await register(uow, event), await register(uow, event)

    await handlers.update_event(commands.UpdateEvent(
        event.id, {"capacity": 2, "virtual_link": "https://meet.example/new"}), ORGANISER, uow)

    updated = emitted(contract.EventUpdated)
    assert sorted(updated[0].changed_fields) == ["capacity", "virtual_link"]
    assert [p.person_id for p in emitted(contract.RegistrationPromoted)] == [waitlisted.person_id]
    new_links = [g for g in emitted(contract.VirtualAccessGranted) if g.join_url.endswith("new")]
    assert sorted(g.person_id for g in new_links) == sorted([confirmed.person_id, waitlisted.person_id])
    # At the revision of the change, for the calendar copy carrying the link to outrank the earlier ones.
    assert {g.revision for g in new_links} == {updated[0].revision}


async def test_cancelling_an_event_cancels_every_registration_and_tells_each_registrant(uow, emitted):
    event = await published(uow)
    people = [(await register(uow, event)).person_id for _ in range(3)]

    await handlers.cancel_event(commands.CancelEvent(event.id, "speaker_unavailable"), ORGANISER, uow)

    cancelled = emitted(contract.RegistrationCancelled)
    assert sorted(c.person_id for c in cancelled) == sorted(people)
    assert {c.cancelled_by for c in cancelled} == {"event_cancelled"}
    assert emitted(contract.EventCancelled)[0].reason_code == "speaker_unavailable"
    assert not emitted(contract.RegistrationPromoted)


async def test_the_organisers_note_on_cancelling_is_kept_with_the_event_and_travels_with_its_cancellation(uow, emitted):
    event = await published(uow)
    await register(uow, event)
    note = "Our speaker is ill.\nThe session moves to 3 March: register again there."

    cancelled = await handlers.cancel_event(commands.CancelEvent(event.id, "organiser_cancelled", note), ORGANISER, uow)

    assert cancelled.cancellation_note == note
    assert (await uow.events.get(event.id)).cancellation_note == note
    assert [c.note for c in emitted(contract.EventCancelledV4)] == [note]


async def test_an_event_cancelled_without_a_note_or_with_a_blank_one_carries_none(uow, emitted):
    quiet, blank = await published(uow), await published(uow)

    await handlers.cancel_event(commands.CancelEvent(quiet.id, "organiser_cancelled"), ORGANISER, uow)
    await handlers.cancel_event(commands.CancelEvent(blank.id, "organiser_cancelled", " \n "), ORGANISER, uow)

    assert [c.note for c in emitted(contract.EventCancelledV4)] == [None, None]
    assert (await uow.events.get(blank.id)).cancellation_note is None


async def test_completing_an_event_records_those_not_checked_in_as_no_shows(uow, emitted):
    event = await published(uow, capacity=3, attendees_public=True)
    came, stayed_away = await register(uow, event), await register(uow, event)
    uow.events.rows[event.id].starts_at = datetime.now(UTC) - timedelta(minutes=5)  # the event has begun
    await handlers.record_attendance(commands.RecordAttendance(event.id, came.person_id, True), ORGANISER, uow)

    await handlers.complete_event(commands.CompleteEvent(event.id), ORGANISER, uow)

    recorded = {(a.person_id, a.attended) for a in emitted(contract.AttendanceRecorded)}
    assert recorded == {(came.person_id, True), (stayed_away.person_id, False)}


async def test_a_reminder_is_due_once_per_confirmed_registrant_a_day_before(uow, emitted):
    event = await published(uow, capacity=2)
    confirmed = [await register(uow, event) for _ in range(2)]
    await register(uow, event)  # waitlisted: no reminder
    a_day_before = event.starts_at - timedelta(hours=23)

    assert await handlers.send_due_reminders(event.starts_at - timedelta(hours=25), uow) == 0
    assert await handlers.send_due_reminders(a_day_before, uow) == 2
    assert await handlers.send_due_reminders(a_day_before + timedelta(minutes=1), uow) == 0
    assert sorted(r.person_id for r in emitted(contract.ReminderDue)) == sorted(c.person_id for c in confirmed)


async def test_an_erased_person_gives_up_their_seat_and_is_forgotten(uow, emitted):
    event = await published(uow)
    erased, waiting = await register(uow, event), await register(uow, event)
    await uow.participants.save(Participant(erased.person_id, S.UNDERGRADUATE))

    await handlers.person_erased(PersonErased(person_id=erased.person_id), uow)

    assert [p.person_id for p in emitted(contract.RegistrationPromoted)] == [waiting.person_id]
    assert await uow.registrations.of_person(erased.person_id) == []
    assert await uow.participants.known([erased.person_id]) == {}
    assert not [e for e in emitted(contract.RegistrationCancelled) if e.person_id == erased.person_id]


async def test_my_calendar_feed_lists_the_events_i_hold_a_seat_at_and_a_new_url_revokes_the_old(uow):
    event = await published(uow)
    me, waiting = await register(uow, event), await register(uow, event)
    old = await handlers.issue_calendar_feed(commands.IssueCalendarFeed(me.person_id), uow)
    theirs = await handlers.issue_calendar_feed(commands.IssueCalendarFeed(waiting.person_id), uow)

    assert [s.event.id for s in (await handlers.calendar_feed(old, uow)).seats] == [event.id]
    assert (await handlers.calendar_feed(theirs, uow)).seats == []  # a place on the waitlist is not in the calendar
    new = await handlers.issue_calendar_feed(commands.IssueCalendarFeed(me.person_id), uow)
    assert [s.event.id for s in (await handlers.calendar_feed(new, uow)).seats] == [event.id]
    with pytest.raises(NotFound):
        await handlers.calendar_feed(old, uow)


async def test_a_calendar_feed_keeps_the_language_it_was_made_in_for_the_calendar_app_that_sends_none(uow):
    me = uuid4()
    spanish = await handlers.issue_calendar_feed(commands.IssueCalendarFeed(me, language="es"), uow)
    assert (await handlers.calendar_feed(spanish, uow)).language == "es"
    english = await handlers.issue_calendar_feed(commands.IssueCalendarFeed(me), uow)
    assert (await handlers.calendar_feed(english, uow)).language == "en"


async def test_a_calendar_feed_follows_its_owner_into_another_language_at_the_same_link(uow):
    me = uuid4()
    link = await handlers.issue_calendar_feed(commands.IssueCalendarFeed(me), uow)
    await handlers.change_calendar_feed_language(commands.ChangeCalendarFeedLanguage(me, "es"), uow)
    assert (await handlers.calendar_feed(link, uow)).language == "es"
    with pytest.raises(NotFound):  # someone who never made a link has none to change
        await handlers.change_calendar_feed_language(commands.ChangeCalendarFeedLanguage(uuid4(), "es"), uow)


async def test_a_rush_at_the_desk_is_admitted_in_arrival_order_and_each_caller_hears_their_own_outcome(uow):
    event = await published(uow, capacity=3)
    desk = RegistrationDesk(lambda: uow)
    people = [uuid4() for _ in range(10)]

    outcomes = await asyncio.gather(*(desk.register(commands.Register(event.id, p)) for p in people))

    assert [(r.person_id, r.status) for r, _ in outcomes] == [
        (p, Status.CONFIRMED if i < 3 else Status.WAITLISTED) for i, p in enumerate(people)]
    assert [r.person_id for r in uow.registrations.rows] == people


async def test_everyone_at_the_desk_hears_why_their_batch_failed(uow):
    desk = RegistrationDesk(lambda: uow)
    no_such_event = uuid4()
    outcomes = await asyncio.gather(*(desk.register(commands.Register(no_such_event, uuid4())) for _ in range(3)),
                                    return_exceptions=True)
    assert [type(o) for o in outcomes] == [NotFound] * 3


class GatedUnitOfWork:
    """The fake unit of work, held at the door until `opened` is set (a batch in flight, as on a slow database)."""

    def __init__(self, uow, entered: asyncio.Event, opened: asyncio.Event) -> None:
        self._uow, self._entered, self._opened = uow, entered, opened

    def __getattr__(self, name):
        return getattr(self._uow, name)

    async def __aenter__(self):
        self._entered.set()
        await self._opened.wait()
        return await self._uow.__aenter__()

    async def __aexit__(self, *exc_info):
        return await self._uow.__aexit__(*exc_info)


async def test_a_caller_who_gives_up_while_their_batch_is_admitted_stalls_nobody_else(uow):
    event = await published(uow, capacity=2)
    entered, opened = asyncio.Event(), asyncio.Event()
    desk = RegistrationDesk(lambda: GatedUnitOfWork(uow, entered, opened))
    people = [uuid4() for _ in range(4)]
    callers = [asyncio.create_task(desk.register(commands.Register(event.id, p))) for p in people]
    await asyncio.wait_for(entered.wait(), timeout=5)

    callers[0].cancel()  # e.g. the client hung up; their registration still goes through
    opened.set()
    outcomes = await asyncio.wait_for(asyncio.gather(*callers, return_exceptions=True), timeout=5)

    assert isinstance(outcomes[0], asyncio.CancelledError)
    assert [r.status for r, _ in outcomes[1:]] == [Status.CONFIRMED, Status.WAITLISTED, Status.WAITLISTED]
    later, created = await asyncio.wait_for(desk.register(commands.Register(event.id, uuid4())), timeout=5)
    assert (later.status, created) == (Status.WAITLISTED, True)
    assert [r.person_id for r in uow.registrations.rows] == people + [later.person_id]


async def test_completing_an_event_closes_its_waitlist_and_says_so_to_each_still_waiting(uow, emitted):
    event = await published(uow, capacity=1)
    seated, waiting = await register(uow, event), await register(uow, event)
    uow.events.rows[event.id].starts_at = datetime.now(UTC) - timedelta(minutes=5)  # the event has begun

    await handlers.complete_event(commands.CompleteEvent(event.id), ORGANISER, uow)

    assert [c.person_id for c in emitted(contract.WaitlistClosed)] == [waiting.person_id]
    assert [c.scheduled_event_id for c in emitted(contract.EventCompleted)] == [event.id]
    assert seated.person_id not in {c.person_id for c in emitted(contract.WaitlistClosed)}


async def test_each_change_to_a_published_event_and_its_cancellation_raise_its_revision(uow, emitted):
    event = await published(uow)
    await handlers.update_event(commands.UpdateEvent(event.id, {"title": "Applying, part 1"}), ORGANISER, uow)
    await handlers.update_event(commands.UpdateEvent(event.id, {"location": "Room 2"}), ORGANISER, uow)
    await handlers.cancel_event(commands.CancelEvent(event.id, "speaker_unavailable"), ORGANISER, uow)

    assert [u.revision for u in emitted(contract.EventUpdatedV4)] == [1, 2]
    assert [c.revision for c in emitted(contract.EventCancelledV4)] == [3]


async def test_my_registrations_say_my_place_on_the_waitlist(uow):
    event = await published(uow)
    await register(uow, event)
    first, second = await register(uow, event), await register(uow, event)

    places = {r.person_id: place for r, _, place in await handlers.registrations_of_person(second.person_id, uow)}
    assert places == {second.person_id: 2}
    await handlers.cancel_registration(commands.CancelRegistration(event.id, first.person_id, "registrant"), uow)
    [(_, _, place)] = await handlers.registrations_of_person(second.person_id, uow)
    assert place == 1


async def test_my_calendar_feed_keeps_a_cancelled_event_i_held_a_seat_at_as_cancelled_with_its_join_link_before(uow):
    event = await published(uow, capacity=1)
    me, waiting = await register(uow, event), await register(uow, event)
    mine = await handlers.issue_calendar_feed(commands.IssueCalendarFeed(me.person_id), uow)
    theirs = await handlers.issue_calendar_feed(commands.IssueCalendarFeed(waiting.person_id), uow)
    [seat] = (await handlers.calendar_feed(mine, uow)).seats
    assert seat.join_url == "https://meet.example/abc"

    await handlers.cancel_event(commands.CancelEvent(event.id, "speaker_unavailable"), ORGANISER, uow)

    [seat] = (await handlers.calendar_feed(mine, uow)).seats
    assert (seat.event.id, seat.event.state, seat.join_url) == (event.id, "cancelled", None)
    assert (await handlers.calendar_feed(theirs, uow)).seats == []


async def test_an_event_is_full_once_every_seat_is_taken_and_not_once_one_is_given_back(uow):
    event = await published(uow, capacity=1)
    assert await handlers.is_full(event.id, uow) is False
    first = await register(uow, event)
    assert await handlers.is_full(event.id, uow) is True
    await handlers.cancel_registration(commands.CancelRegistration(event.id, first.person_id, "registrant"), uow)
    assert await handlers.is_full(event.id, uow) is False


def registrations_told(uow, event) -> list:
    """What the unit of work published of the event's registrations, on either topic."""
    return [e for e in uow.published if e.topic in (contract.ATTENDEES, contract.REGISTRATIONS)
            and e.scheduled_event_id == event.id]


async def test_who_registers_for_an_event_goes_to_notifications_alone_unless_its_organiser_lets_other_teams_see(
        uow, emitted):
    # Attending an "applying while LGBTQ+" session says something about someone that is theirs to tell.
    private = await published(uow, capacity=1)
    seated, waiting = await register(uow, private), await register(uow, private)
    await handlers.cancel_registration(commands.CancelRegistration(private.id, seated.person_id, "registrant"), uow)
    uow.events.rows[private.id].starts_at = datetime.now(UTC) - timedelta(minutes=5)  # the event has begun
    await handlers.complete_event(commands.CompleteEvent(private.id), ORGANISER, uow)

    told = registrations_told(uow, private)
    assert [type(e) for e in told] == [contract.PrivateRegistrationConfirmed, contract.PrivateRegistrationWaitlisted,
                                       contract.PrivateRegistrationCancelled, contract.PrivateRegistrationPromoted]
    assert [e.person_id for e in told if isinstance(e, contract.RegistrationPromoted)] == [waiting.person_id]

    public = await published(uow, capacity=1, attendees_public=True)
    await register(uow, public)
    await register(uow, public)
    told = registrations_told(uow, public)
    assert [type(e) for e in told] == [contract.RegistrationConfirmedV2, contract.RegistrationWaitlistedV2]


async def test_the_catalogue_says_whether_an_events_attendees_are_public_from_its_publication_on(uow, emitted):
    private, public = await published(uow, capacity=5), await published(uow, capacity=5, attendees_public=True)
    assert [(type(e), e.scheduled_event_id, e.attendees_public) for e in emitted(contract.EventPublished)] == [
        (contract.EventPublishedV3, private.id, False), (contract.EventPublishedV3, public.id, True)]


async def test_who_may_see_the_registrants_changes_only_while_nobody_has_registered_and_the_catalogue_says_so(
        uow, emitted):
    event = await published(uow, capacity=5)
    before = uow.events.rows[event.id].revision

    await handlers.update_event(commands.UpdateEvent(event.id, {"attendees_public": True}), ORGANISER, uow)

    assert uow.events.rows[event.id].attendees_public
    [update] = emitted(contract.EventUpdated)
    assert (type(update), update.changed_fields, update.attendees_public) == (
        contract.EventUpdatedV4, ["attendees_public"], True)
    assert update.revision == uow.events.rows[event.id].revision == before + 1
    await register(uow, event)
    with pytest.raises(Invalid) as refused:
        await handlers.update_event(commands.UpdateEvent(event.id, {"attendees_public": False}), ORGANISER, uow)
    assert refused.value.field == "attendees_public" and "registered" in str(refused.value)
    assert uow.events.rows[event.id].attendees_public  # people registered under it: it stays


async def test_an_event_whose_attendees_are_private_closes_its_waitlist_privately_and_publishes_no_attendance(
        uow, emitted):
    event = await published(uow, capacity=1)
    await register(uow, event)
    waiting = await register(uow, event)
    uow.events.rows[event.id].starts_at = datetime.now(UTC) - timedelta(minutes=5)  # the event has begun

    await handlers.complete_event(commands.CompleteEvent(event.id), ORGANISER, uow)

    assert [(type(c), c.person_id) for c in emitted(contract.WaitlistClosed)] == [
        (contract.PrivateWaitlistClosed, waiting.person_id)]
    assert not emitted(contract.AttendanceRecorded)
    assert [e for e in uow.published if e.topic == contract.REGISTRATIONS] == []


async def test_once_an_event_is_over_its_registrations_stay_as_they_were_for_registrants_and_organisers(uow, emitted):
    """A no-show cancelling, or an organiser removing them, after the event would rewrite who came and who did not,
    and tell them of a calendar entry long past."""
    event = await published(uow, capacity=2)
    came, stayed_away = await register(uow, event), await register(uow, event)
    uow.events.rows[event.id].starts_at = datetime.now(UTC) - timedelta(hours=2)
    uow.events.rows[event.id].ends_at = datetime.now(UTC) - timedelta(hours=1)  # over, not yet marked held
    told = len(uow.published)

    with pytest.raises(WrongState) as too_late:
        await handlers.cancel_registration(commands.CancelRegistration(event.id, stayed_away.person_id,
                                                                       "registrant"), uow)
    await handlers.complete_event(commands.CompleteEvent(event.id), ORGANISER, uow)
    with pytest.raises(WrongState) as held:
        await handlers.remove_registrant(commands.RemoveRegistrant(event.id, came.person_id, "test"), ORGANISER, uow)

    assert too_late.value.field == held.value.field == "state" and "over" in str(too_late.value)
    assert {r.status for r in uow.registrations.rows if r.scheduled_event_id == event.id} == {
        Status.CONFIRMED}
    assert not [e for e in uow.published[told:] if isinstance(e, contract.RegistrationCancelled)]
