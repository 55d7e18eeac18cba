"""What the coordinator's console asks of events: removing a registrant (who is told why), checking people in at
the door, the audited roster and attendance export, and the attendance report without small groups."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from events.domain import commands
from events.domain.model import (
    AlreadyCheckedIn,
    CheckInNotOpen,
    EventState,
    NoFreeSeat,
    Participant,
    Registration,
    Status,
)
from events.entrypoints.http import RegistrationOut, RosterEntry
from events.service_layer import handlers
from mentorship_contracts import events as contract
from mentorship_contracts.topics import Classification, topic_of
from mentorship_contracts.vocabulary import TrainingStage
from plumbing.auth import Principal, Role
from plumbing.disclosure import Shown
from plumbing.errors import Conflict, Forbidden, Invalid

SOON = datetime.now(UTC) + timedelta(days=10)
CHAPTER = uuid4()
COORDINATOR = Principal(subject="c", role=Role.COORDINATOR, person_id=uuid4(), chapter_ids=frozenset({CHAPTER}))
ADMINISTRATOR = Principal(subject="a", role=Role.ADMIN, person_id=uuid4())


async def drafted(uow, **overrides):
    return await handlers.create_event(commands.CreateEvent(**{
        "chapter_id": CHAPTER, "kind": "workshop", "title": "Personal statements", "starts_at": SOON,
        "ends_at": SOON + timedelta(hours=1), "timezone": "America/Chicago", "capacity": 1,
        "registration_deadline": SOON - timedelta(days=1), "location": "Room 4", **overrides,
    }), COORDINATOR, uow)


async def published(uow, **overrides):
    event = await drafted(uow, **overrides)
    await handlers.publish_event(commands.PublishEvent(event.id), COORDINATOR, uow)
    return event


async def at_the_door(uow, **overrides):
    """A published event starting within the hour: its registrants are checked in as they arrive."""
    starts = datetime.now(UTC) + timedelta(minutes=30)
    return await published(uow, starts_at=starts, ends_at=starts + timedelta(hours=1),
                           registration_deadline=starts - timedelta(minutes=10), **overrides)


async def registered(uow, event, count):
    """`count` people of the event's chapter, registered in this order."""
    people = [uuid4() for _ in range(count)]
    for person in people:
        await uow.participants.save(Participant(person, TrainingStage.UNDERGRADUATE, event.chapter_id))
    outcomes = await handlers.register_arrivals([commands.Register(event.id, p) for p in people], uow)
    return [registration for registration, _ in outcomes]


def drafts(**asked) -> commands.EventFilter:
    return commands.EventFilter(state=EventState.DRAFT, **asked)


async def test_a_coordinator_lists_their_chapter_s_drafts_and_an_administrator_the_national_ones_too(uow):
    ours, national = await drafted(uow), await drafted(uow, chapter_id=None)
    await drafted(uow, chapter_id=uuid4())  # another chapter's

    assert [e.id for e in await handlers.list_events(drafts(), COORDINATOR, uow)] == [ours.id]
    listed = await handlers.list_events(drafts(chapter_id=CHAPTER, with_national=True), ADMINISTRATOR, uow)
    assert {e.id for e in listed} == {ours.id, national.id}


@pytest.mark.parametrize(("asked", "at_fault"), [({"chapter_id": CHAPTER, "with_national": True}, "with_national"),
                                                 ({"national": True}, "national")])
async def test_a_coordinator_asking_for_national_drafts_is_refused_naming_the_parameter(uow, asked, at_fault):
    await drafted(uow, chapter_id=None)
    with pytest.raises(Forbidden) as refused:
        await handlers.list_events(drafts(**asked), COORDINATOR, uow)
    assert refused.value.field == at_fault


async def test_removing_a_confirmed_registrant_gives_their_seat_to_the_first_waiting(uow, emitted):
    event = await published(uow)
    seated, waiting = await registered(uow, event, 2)

    removed = await handlers.remove_registrant(
        commands.RemoveRegistrant(event.id, seated.person_id, "Registered twice under two accounts"), COORDINATOR, uow)

    assert (removed.status, removed.roster_status) == (Status.CANCELLED, "removed")
    assert [p.person_id for p in emitted(contract.RegistrationPromoted)] == [waiting.person_id]
    [cancelled] = emitted(contract.RegistrationCancelled)
    assert (cancelled.person_id, cancelled.cancelled_by, cancelled.removed_by_organiser) == (
        seated.person_id, "organiser", True)


async def test_the_removed_registrant_is_told_why_on_the_restricted_topic_only(uow, emitted):
    event = await published(uow)
    [seated] = await registered(uow, event, 1)

    await handlers.remove_registrant(commands.RemoveRegistrant(event.id, seated.person_id, "Wrong chapter"),
                                     COORDINATOR, uow)

    [told] = emitted(contract.RegistrantRemoved)
    assert (told.person_id, told.reason, told.held_seat) == (seated.person_id, "Wrong chapter", True)
    assert topic_of(contract.RegistrantRemoved).classification is Classification.RESTRICTED
    assert topic_of(contract.RegistrantRemoved).consumers == ("notifications",)
    assert "Wrong chapter" not in emitted(contract.RegistrationCancelled)[0].to_json().decode()


async def test_a_removal_is_audited_with_who_removed_whom_and_why(uow):
    event = await published(uow)
    [seated] = await registered(uow, event, 1)

    removed = await handlers.remove_registrant(commands.RemoveRegistrant(event.id, seated.person_id, "No-show twice"),
                                               COORDINATOR, uow)

    [entry] = [e for e in uow.audited if e.action == "registrant.removed"]
    assert (entry.actor, entry.subject_id, entry.chapter_id) == (str(COORDINATOR.person_id), str(removed.id), CHAPTER)
    assert entry.detail == {"scheduled_event_id": str(event.id), "person_id": str(seated.person_id),
                            "reason": "No-show twice"}


async def test_the_roster_gives_its_organisers_the_reason_a_registrant_was_removed(uow):
    event = await published(uow, capacity=3)
    removed, silently, seated = await registered(uow, event, 3)
    await handlers.remove_registrant(commands.RemoveRegistrant(event.id, removed.person_id, "No-show twice"),
                                     COORDINATOR, uow)
    await handlers.remove_registrant(commands.RemoveRegistrant(event.id, silently.person_id, None), COORDINATOR, uow)

    roster = [RosterEntry.of(r) for r in await handlers.roster(event.id, COORDINATOR, uow)]

    assert [(e.person_id, e.status, e.removal_reason) for e in roster] == [
        (removed.person_id, "removed", "No-show twice"), (silently.person_id, "removed", None),
        (seated.person_id, "confirmed", None)]


async def test_a_removal_without_a_reason_is_refused_and_changes_nothing(uow, emitted):
    event = await published(uow)
    [seated] = await registered(uow, event, 1)

    with pytest.raises(Invalid):
        await handlers.remove_registrant(commands.RemoveRegistrant(event.id, seated.person_id, "  "), COORDINATOR, uow)

    assert (await uow.registrations.active(event.id, seated.person_id)).status == Status.CONFIRMED
    assert emitted(contract.RegistrationCancelled) == []
    assert [e for e in uow.audited if e.action == "registrant.removed"] == []


async def test_a_registrant_removed_without_a_reason_is_told_so_and_the_removal_is_audited(uow, emitted):
    event = await published(uow)
    [seated] = await registered(uow, event, 1)

    uow.audited.clear()  # the event's creation and publication
    await handlers.remove_registrant(commands.RemoveRegistrant(event.id, seated.person_id, None), COORDINATOR, uow)

    assert emitted(contract.RegistrationCancelled)[0].removed_by_organiser is True
    [told] = emitted(contract.RegistrantRemoved)
    assert (told.person_id, told.reason) == (seated.person_id, None)
    assert [e.action for e in uow.audited] == ["registrant.removed"]


async def test_a_registrant_who_cancels_is_not_removed(uow, emitted):
    event = await published(uow)
    [seated] = await registered(uow, event, 1)

    cancelled = await handlers.cancel_registration(commands.CancelRegistration(event.id, seated.person_id), uow)

    assert cancelled.roster_status == "cancelled"
    assert emitted(contract.RegistrationCancelled)[0].removed_by_organiser is False
    assert emitted(contract.RegistrantRemoved) == []


async def test_checking_a_registrant_in_twice_keeps_the_first_time(uow):
    event = await at_the_door(uow)
    [seated] = await registered(uow, event, 1)

    first = await handlers.check_in(commands.CheckIn(event.id, seated.person_id), COORDINATOR, uow)
    again = await handlers.check_in(commands.CheckIn(event.id, seated.person_id), COORDINATOR, uow)

    assert first.checked_in_at is not None and again.checked_in_at == first.checked_in_at


async def test_only_a_confirmed_registrant_of_a_published_event_is_checked_in(uow):
    event = await at_the_door(uow)
    _, waiting = await registered(uow, event, 2)

    with pytest.raises(Conflict, match="confirmed"):
        await handlers.check_in(commands.CheckIn(event.id, waiting.person_id), COORDINATOR, uow)
    await handlers.cancel_event(commands.CancelEvent(event.id, "organiser_cancelled"), COORDINATOR, uow)
    registration = Registration.new(event.id, uuid4(), Status.CONFIRMED)
    with pytest.raises(Conflict, match="published"):
        registration.check_in(uow.events.rows[event.id], datetime.now(UTC))


async def test_a_registrant_is_not_checked_in_days_before_the_event_and_the_refusal_names_the_rule(uow):
    event = await published(uow)  # in ten days
    [seated] = await registered(uow, event, 1)
    audited = len(uow.audited)

    with pytest.raises(CheckInNotOpen) as refused:
        await handlers.check_in(commands.CheckIn(event.id, seated.person_id), COORDINATOR, uow)

    assert (refused.value.status, refused.value.code, refused.value.field) == (409, "check_in_not_open", "starts_at")
    assert "day of the event" in refused.value.message and "America/Chicago" in refused.value.message
    assert (await uow.registrations.active(event.id, seated.person_id)).checked_in_at is None
    assert len(uow.audited) == audited


def begun(uow, event) -> None:
    """The event started five minutes ago: a seat freed now goes to nobody waiting by itself."""
    uow.events.rows[event.id].starts_at = datetime.now(UTC) - timedelta(minutes=5)


async def test_a_seat_freed_once_the_event_has_begun_goes_to_the_one_waiting_at_the_door_checked_in_and_told(
        uow, emitted):
    event = await at_the_door(uow, capacity=1, is_virtual=True, virtual_link="https://meet.example/door")
    seated, first, here = await registered(uow, event, 3)
    begun(uow, event)
    await handlers.cancel_registration(commands.CancelRegistration(event.id, seated.person_id), uow)  # late
    assert emitted(contract.RegistrationPromoted) == []

    given = await handlers.give_seat_at_the_door(commands.GiveSeatAtTheDoor(event.id, here.person_id), COORDINATOR,
                                                 uow)

    assert (given.status, given.checked_in_at is not None) == (Status.CONFIRMED, True)
    assert [p.person_id for p in emitted(contract.RegistrationPromoted)] == [here.person_id]
    assert [a.person_id for a in emitted(contract.VirtualAccessGranted)][-1] == here.person_id
    # Out of the waitlist's order: the first waiting did not come, and is still waiting.
    assert (await uow.registrations.active(event.id, first.person_id)).status == Status.WAITLISTED


async def test_giving_a_seat_at_the_door_is_audited_with_whom_and_the_place_they_had_on_the_waitlist(uow):
    event = await at_the_door(uow, capacity=1)
    seated, _, here = await registered(uow, event, 3)
    begun(uow, event)
    await handlers.cancel_registration(commands.CancelRegistration(event.id, seated.person_id), uow)
    uow.audited.clear()

    await handlers.give_seat_at_the_door(commands.GiveSeatAtTheDoor(event.id, here.person_id), ADMINISTRATOR, uow)
    await handlers.give_seat_at_the_door(commands.GiveSeatAtTheDoor(event.id, here.person_id), COORDINATOR, uow)

    [entry] = uow.audited  # the second tap changed nothing
    assert (entry.action, entry.actor, entry.subject_kind, entry.subject_id, entry.chapter_id) == (
        "registrant.given_a_seat_at_the_door", str(ADMINISTRATOR.person_id), "registration", str(here.id), CHAPTER)
    assert entry.detail == {"scheduled_event_id": str(event.id), "person_id": str(here.person_id),
                            "waitlist_position": 2}


async def test_the_last_free_seat_goes_to_one_at_the_door_and_the_next_is_refused_naming_the_capacity(uow, emitted):
    event = await at_the_door(uow, capacity=2)
    seated, _, first, second = await registered(uow, event, 4)
    begun(uow, event)
    await handlers.cancel_registration(commands.CancelRegistration(event.id, seated.person_id), uow)
    await handlers.give_seat_at_the_door(commands.GiveSeatAtTheDoor(event.id, first.person_id), COORDINATOR, uow)
    audited = len(uow.audited)

    with pytest.raises(NoFreeSeat) as refused:
        await handlers.give_seat_at_the_door(commands.GiveSeatAtTheDoor(event.id, second.person_id), COORDINATOR, uow)

    assert (refused.value.status, refused.value.code, refused.value.field) == (409, "no_free_seat", "capacity")
    assert await uow.registrations.count(event.id, Status.CONFIRMED) == 2
    assert (await uow.registrations.active(event.id, second.person_id)).status == Status.WAITLISTED
    assert [p.person_id for p in emitted(contract.RegistrationPromoted)] == [first.person_id]
    assert len(uow.audited) == audited


async def test_someone_given_a_seat_at_the_door_is_recorded_as_came_and_not_told_the_waitlist_closed(uow, emitted):
    event = await at_the_door(uow, capacity=1, attendees_public=True)
    seated, first, here = await registered(uow, event, 3)
    begun(uow, event)
    await handlers.remove_registrant(commands.RemoveRegistrant(event.id, seated.person_id, "Did not come"),
                                     COORDINATOR, uow)
    await handlers.give_seat_at_the_door(commands.GiveSeatAtTheDoor(event.id, here.person_id), COORDINATOR, uow)

    await handlers.complete_event(commands.CompleteEvent(event.id), COORDINATOR, uow)

    assert [w.person_id for w in emitted(contract.WaitlistClosed)] == [first.person_id]
    assert {a.person_id: a.attended for a in emitted(contract.AttendanceRecorded)} == {here.person_id: True}


async def test_a_registrant_checked_in_cannot_cancel_their_own_registration_and_keeps_their_seat_and_arrival(
        uow, emitted):
    event = await at_the_door(uow, capacity=1)
    seated, waiting = await registered(uow, event, 2)
    await handlers.check_in(commands.CheckIn(event.id, seated.person_id), COORDINATOR, uow)
    begun(uow, event)

    with pytest.raises(AlreadyCheckedIn) as refused:
        await handlers.cancel_registration(commands.CancelRegistration(event.id, seated.person_id), uow)

    assert (refused.value.status, refused.value.code, refused.value.field) == (409, "already_checked_in",
                                                                               "checked_in_at")
    kept = await uow.registrations.active(event.id, seated.person_id)
    assert (kept.status, kept.checked_in_at is not None) == (Status.CONFIRMED, True)
    assert RegistrationOut.of(kept).checked_in_at == kept.checked_in_at  # their page can say so before they try
    assert (await uow.registrations.active(event.id, waiting.person_id)).status == Status.WAITLISTED
    assert emitted(contract.RegistrationCancelled) == []


async def test_an_organiser_still_removes_a_registrant_checked_in_and_one_not_checked_in_still_cancels(uow):
    event = await at_the_door(uow, capacity=2)
    arrived, absent = await registered(uow, event, 2)
    await handlers.check_in(commands.CheckIn(event.id, arrived.person_id), COORDINATOR, uow)
    begun(uow, event)

    removed = await handlers.remove_registrant(
        commands.RemoveRegistrant(event.id, arrived.person_id, "Left before it began"), COORDINATOR, uow)
    cancelled = await handlers.cancel_registration(commands.CancelRegistration(event.id, absent.person_id), uow)

    assert (removed.roster_status, cancelled.roster_status) == ("removed", "cancelled")


async def test_a_seated_registrant_removed_at_the_door_without_having_come_is_recorded_absent_and_told_as_before(
        uow, emitted):
    event = await at_the_door(uow, capacity=1, attendees_public=True)
    seated, here = await registered(uow, event, 2)
    begun(uow, event)

    removed = await handlers.remove_registrant(
        commands.RemoveRegistrant(event.id, seated.person_id, "Did not come; the seat went to someone at the door"),
        COORDINATOR, uow)

    assert (removed.roster_status, removed.attended) == ("removed", False)
    assert [e.attended for e in await handlers.attendance(event.id, COORDINATOR, uow)] == [False, None]
    # Told as any removal is; no attendance is published of a registration that is cancelled.
    [cancelled] = emitted(contract.RegistrationCancelled)
    assert (cancelled.person_id, cancelled.cancelled_by, cancelled.removed_by_organiser) == (
        seated.person_id, "organiser", True)
    assert emitted(contract.AttendanceRecorded) == []
    assert (await uow.registrations.active(event.id, here.person_id)).status == Status.WAITLISTED


async def test_the_roster_of_a_cancelled_event_says_who_cancelled_each_registration(uow):
    event = await published(uow, capacity=3)
    left, removed, told = await registered(uow, event, 3)
    await handlers.cancel_registration(commands.CancelRegistration(event.id, left.person_id), uow)
    await handlers.remove_registrant(commands.RemoveRegistrant(event.id, removed.person_id, "Wrong chapter"),
                                     COORDINATOR, uow)
    before = [RosterEntry.of(r).cancelled_by for r in await handlers.roster(event.id, COORDINATOR, uow)]
    await handlers.cancel_event(commands.CancelEvent(event.id, "organiser_cancelled"), COORDINATOR, uow)

    roster = [RosterEntry.of(r) for r in await handlers.roster(event.id, COORDINATOR, uow)]

    assert before == ["registrant", "organiser", None]  # null while not cancelled
    assert [(e.person_id, e.status, e.cancelled_by) for e in roster] == [
        (left.person_id, "cancelled", "registrant"), (removed.person_id, "removed", "organiser"),
        (told.person_id, "cancelled", "event_cancelled")]


async def test_the_attendance_export_lists_each_person_once_by_the_registration_they_hold_now(uow):
    event = await published(uow, capacity=2)
    again, other = await registered(uow, event, 2)
    await handlers.cancel_registration(commands.CancelRegistration(event.id, again.person_id), uow)
    [current] = [r for r, _ in await handlers.register_arrivals([commands.Register(event.id, again.person_id)], uow)]

    exported = await handlers.attendance(event.id, COORDINATOR, uow)

    assert [(r.id, r.status) for r in exported] == [(other.id, Status.CONFIRMED), (current.id, Status.CONFIRMED)]


async def test_completing_an_event_records_those_checked_in_as_attended_and_the_others_as_no_shows(uow, emitted):
    event = await at_the_door(uow, capacity=3, attendees_public=True)
    came, undone, absent = await registered(uow, event, 3)
    await handlers.check_in(commands.CheckIn(event.id, came.person_id), COORDINATOR, uow)
    await handlers.check_in(commands.CheckIn(event.id, undone.person_id), COORDINATOR, uow)
    await handlers.undo_check_in(commands.UndoCheckIn(event.id, undone.person_id), COORDINATOR, uow)
    uow.events.rows[event.id].starts_at = datetime.now(UTC) - timedelta(minutes=5)  # it has begun

    await handlers.complete_event(commands.CompleteEvent(event.id), COORDINATOR, uow)

    recorded = {a.person_id: a.attended for a in emitted(contract.AttendanceRecorded)}
    assert recorded == {came.person_id: True, undone.person_id: False, absent.person_id: False}


async def test_viewing_the_roster_and_exporting_attendance_are_audited(uow):
    event = await published(uow)
    await registered(uow, event, 2)
    uow.audited.clear()  # the event's creation and publication

    roster = await handlers.roster(event.id, COORDINATOR, uow)
    await handlers.attendance(event.id, COORDINATOR, uow)

    assert len(roster) == 2
    assert [(e.action, e.subject_id, e.chapter_id) for e in uow.audited] == [
        ("roster.viewed", str(event.id), CHAPTER), ("attendance.exported", str(event.id), CHAPTER)]


async def test_creating_editing_publishing_and_cancelling_an_event_are_audited_with_who_and_which_event(uow):
    event = await drafted(uow)
    await handlers.update_event(commands.UpdateEvent(event.id, {"title": "Personal statements, part 1"}),
                                COORDINATOR, uow)
    await handlers.update_event(commands.UpdateEvent(event.id, {"title": "Personal statements, part 1"}),
                                COORDINATOR, uow)  # nothing changes: nothing done
    await handlers.publish_event(commands.PublishEvent(event.id), COORDINATOR, uow)
    [seated] = await registered(uow, event, 1)
    await handlers.cancel_event(commands.CancelEvent(event.id, "speaker_unavailable"), ADMINISTRATOR, uow)

    assert [(e.action, e.actor, e.actor_role, e.subject_kind, e.subject_id, e.chapter_id) for e in uow.audited] == [
        (action, str(who.person_id), who.role.value, "scheduled_event", str(event.id), CHAPTER)
        for action, who in (("event.created", COORDINATOR), ("event.edited", COORDINATOR),
                            ("event.published", COORDINATOR), ("event.cancelled", ADMINISTRATOR))]
    created, edited, _, cancelled = (e.detail for e in uow.audited)
    assert created == {"kind": "workshop", "title": "Personal statements"}
    assert edited == {"changed": ["title"]}
    assert cancelled == {"reason_code": "speaker_unavailable", "registrations_cancelled": 1}
    assert str(seated.person_id) not in str(uow.audited)


async def test_completing_an_event_is_audited_with_what_it_recorded(uow):
    event = await published(uow, capacity=2)
    came, absent, _ = await registered(uow, event, 3)
    uow.events.rows[event.id].starts_at = datetime.now(UTC) - timedelta(minutes=5)  # it has begun
    await handlers.record_attendance(commands.RecordAttendance(event.id, came.person_id, True), COORDINATOR, uow)
    uow.audited.clear()

    await handlers.complete_event(commands.CompleteEvent(event.id), COORDINATOR, uow)

    [entry] = uow.audited
    assert (entry.action, entry.actor, entry.subject_id, entry.chapter_id) == (
        "event.completed", str(COORDINATOR.person_id), str(event.id), CHAPTER)
    assert entry.detail == {"recorded_attended": 0, "recorded_absent": 1, "waitlist_closed": 1}


async def test_checking_in_undoing_it_and_recording_attendance_are_audited_with_whom_and_which_event(uow):
    event = await at_the_door(uow)
    [seated] = await registered(uow, event, 1)
    uow.audited.clear()

    await handlers.check_in(commands.CheckIn(event.id, seated.person_id), COORDINATOR, uow)
    await handlers.check_in(commands.CheckIn(event.id, seated.person_id), COORDINATOR, uow)  # again: nothing new
    await handlers.undo_check_in(commands.UndoCheckIn(event.id, seated.person_id), ADMINISTRATOR, uow)
    await handlers.record_attendance(commands.RecordAttendance(event.id, seated.person_id, False), COORDINATOR, uow)

    assert [(e.action, e.actor, e.subject_kind, e.subject_id, e.chapter_id) for e in uow.audited] == [
        (action, str(who.person_id), "registration", str(seated.id), CHAPTER)
        for action, who in (("registrant.checked_in", COORDINATOR), ("registrant.check_in_undone", ADMINISTRATOR),
                            ("attendance.recorded", COORDINATOR))]
    about = {"scheduled_event_id": str(event.id), "person_id": str(seated.person_id)}
    assert [e.detail for e in uow.audited] == [about, about, {**about, "attended": False}]


async def test_the_attendance_report_shows_no_group_under_five_and_no_total_that_gives_one_away(uow):
    big = await published(uow, capacity=20)
    later = SOON + timedelta(days=1)
    small = await published(uow, capacity=20, starts_at=later, ends_at=later + timedelta(hours=1))
    await registered(uow, big, 12)
    await registered(uow, small, 2)
    await published(uow, chapter_id=None, capacity=20)  # a national event: not the chapter's

    report = await handlers.attendance_report(commands.AttendanceReport(CHAPTER), uow)

    assert report.rows == (str(big.id), str(small.id))
    assert report.columns == ("registered", "attended", "no_show", "cancelled")
    assert report.cells[1][0].shown is Shown.FEWER_THAN_THRESHOLD and report.cells[1][0].value is None
    # The big event's 12 and the chapter's 14 together would give the small event's 2 away: not both are shown.
    assert None in (report.cells[0][0].value, report.column_totals[0].value)


async def test_the_national_report_rolls_events_up_by_chapter_with_national_events_in_a_row_of_their_own(uow):
    other = uuid4()
    for chapter in (CHAPTER, other, None):
        await registered(uow, await published(uow, chapter_id=chapter, capacity=20), 6)

    report = await handlers.attendance_report(commands.AttendanceReport(None), uow)

    assert set(report.rows) == {str(CHAPTER), str(other), "national"} and report.rows[-1] == "national"
    assert [row[0].value for row in report.cells] == [6, 6, 6]


async def test_an_exported_report_is_audited_and_a_report_read_on_screen_is_not(uow):
    await handlers.attendance_report(commands.AttendanceReport(CHAPTER), uow)
    await handlers.attendance_report(commands.AttendanceReport(CHAPTER), uow, exported_by=COORDINATOR)

    assert [(e.action, e.subject_id, e.chapter_id) for e in uow.audited] == [("report.exported", "attendance", CHAPTER)]


async def test_a_chapters_report_and_the_national_one_agree_so_neither_gives_away_what_the_other_hides(uow):
    other = uuid4()
    for chapter, people in ((CHAPTER, 12), (CHAPTER, 2), (other, 3), (other, 9)):
        await registered(uow, await published(uow, chapter_id=chapter, capacity=20), people)

    chapter = await handlers.attendance_report(commands.AttendanceReport(CHAPTER), uow)
    national = await handlers.attendance_report(commands.AttendanceReport(None), uow)

    assert chapter.column_totals == national.cells[national.rows.index(str(CHAPTER))]
    assert chapter.row_totals is None and national.row_totals is None  # the columns add up to nothing
