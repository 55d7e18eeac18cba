"""Office hours: a host offers a slot, one participant books it, either side cancels and it reopens."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from events.adapters.calendar import booking_entry
from events.domain import commands
from events.domain.model import (
    AlreadyBooked,
    ChapterNotYetKnown,
    HostNotVettedForMinors,
    HostNotYetKnown,
    NotAHost,
    NotInChapter,
    Participant,
    SlotOverlaps,
    SlotTooFarAhead,
)
from events.entrypoints.http import SlotLinkIn
from events.service_layer import handlers
from mentorship_contracts import events as contract
from mentorship_contracts import profiles as source
from mentorship_contracts.profiles import PersonErased
from mentorship_contracts.vocabulary import Role
from mentorship_contracts.vocabulary import TrainingStage as S
from plumbing.auth import Principal
from plumbing.auth import Role as PrincipalRole
from plumbing.errors import Forbidden, Invalid, NotFound
from pydantic import ValidationError

TOMORROW = datetime.now(UTC) + timedelta(days=1)


def participant(person) -> Principal:
    return Principal(subject=str(person), role=PrincipalRole.PARTICIPANT, person_id=person)


async def book(uow, slot_id, person):
    """`person` books the slot for themselves."""
    return await handlers.book_slot(commands.BookSlot(slot_id, person), participant(person), uow)


async def approved_mentor(uow, host, stage=S.ATTENDING, chapter=None):
    """`host`, known to events, approved as a mentor in a program: as profiles tells us of someone who hosts."""
    await uow.participants.save(Participant(host, stage, chapter))
    await handlers.mentor_enrollment_changed(enrolled(host), uow)
    return host


async def offered(uow, host=None, stage=S.ATTENDING, is_alumni=False, starts=TOMORROW, approve=True):
    """A slot `host` offers; unless `approve` is False, they are first approved as a mentor in a program."""
    host = host or uuid4()
    if stage is not None:
        await uow.participants.save(Participant(host, stage, is_alumni=is_alumni))
    if approve:
        await handlers.mentor_enrollment_changed(enrolled(host), uow)
    return await handlers.offer_slot(commands.OfferSlot(host, starts, starts + timedelta(minutes=30)),
                                     participant(host), uow)


async def test_a_slot_is_offered_at_most_a_year_ahead_not_years_ahead_by_a_slip_of_the_year(uow):
    # A typo of the year ("2031" for "2026") opened a slot no one would look for.
    assert (await offered(uow, starts=datetime.now(UTC) + timedelta(days=360))).booked_by is None
    with pytest.raises(SlotTooFarAhead) as refused:
        await offered(uow, starts=datetime.now(UTC) + timedelta(days=5 * 365))
    assert refused.value.field == "starts_at" and refused.value.status == 422


@pytest.mark.parametrize("stage", [S.RESIDENT, S.FELLOW, S.ATTENDING, S.NURSE, S.PHYSICIAN_ASSISTANT, S.PHARMACIST])
async def test_a_clinician_approved_as_a_mentor_in_a_program_offers_office_hours(uow, stage):
    assert (await offered(uow, stage=stage)).booked_by is None


@pytest.mark.parametrize("stage", [S.RESIDENT, S.FELLOW, S.ATTENDING, S.NURSE, S.PHYSICIAN_ASSISTANT, S.PHARMACIST])
async def test_a_clinician_no_program_approved_as_a_mentor_offers_no_office_hours_whatever_stage_they_declared(
        uow, stage):
    # A stage is what someone declares at sign-up: no one has vetted it.
    with pytest.raises(NotAHost) as refused:
        await offered(uow, stage=stage, approve=False)
    assert refused.value.field == "host_id" and uow.slots.rows == {}


async def test_an_alum_no_program_approved_as_a_mentor_offers_no_office_hours(uow):
    with pytest.raises(NotAHost):
        await offered(uow, stage=S.ATTENDING, is_alumni=True, approve=False)
    assert uow.slots.rows == {}


async def test_a_clinician_who_signed_up_to_mentor_offers_no_office_hours_while_awaiting_approval(uow):
    host = uuid4()
    await handlers.mentor_enrollment_changed(enrolled(host, approval="pending"), uow)
    with pytest.raises(NotAHost):
        await offered(uow, host, stage=S.PHYSICIAN_ASSISTANT, is_alumni=True, approve=False)


async def test_a_host_refused_is_told_office_hours_are_offered_by_approved_mentors_not_by_clinicians_or_alumni(uow):
    with pytest.raises(NotAHost) as refused:
        await offered(uow, stage=S.RESIDENT, approve=False)
    assert "approved" in str(refused.value)
    assert "clinician" not in str(refused.value) and "alumni" not in str(refused.value)


def enrolled(person, role=Role.MENTOR, approval="approved", enrollment=None, changed=False):
    kind = source.EnrollmentChangedV4 if changed else source.EnrollmentCreatedV3
    return kind(enrollment_id=enrollment or uuid4(), person_id=person, program_id=uuid4(), chapter_id=None, role=role,
                stage=S.MEDICAL_STUDENT_3, approval=approval)


async def test_a_near_peer_mentor_approved_in_a_program_offers_office_hours(uow):
    mentor = uuid4()
    await handlers.mentor_enrollment_changed(enrolled(mentor), uow)
    assert (await offered(uow, mentor, stage=S.MEDICAL_STUDENT_3, approve=False)).host_id == mentor


async def test_a_mentor_awaiting_approval_or_suspended_offers_no_office_hours_until_approved(uow):
    mentor = uuid4()
    enrollment = enrolled(mentor, approval="pending")
    await handlers.mentor_enrollment_changed(enrollment, uow)
    with pytest.raises(NotAHost):
        await offered(uow, mentor, stage=S.MEDICAL_STUDENT_3, approve=False)

    approved = source.MentorApprovedV2(enrollment_id=enrollment.enrollment_id, person_id=mentor,
                                       program_id=enrollment.program_id, chapter_id=None)
    await handlers.mentor_enrollment_changed(approved, uow)
    assert await offered(uow, mentor, stage=S.MEDICAL_STUDENT_3, approve=False)

    await handlers.mentor_enrollment_changed(source.MentorSuspendedV2(**approved.model_dump(
        include={"enrollment_id", "person_id", "program_id", "chapter_id"})), uow)
    with pytest.raises(NotAHost):
        await offered(uow, mentor, stage=S.MEDICAL_STUDENT_3, approve=False)


async def test_a_mentor_offers_office_hours_while_enrolled_as_a_mentor_in_any_program(uow):
    mentor, first, second = uuid4(), enrolled(uuid4()), enrolled(uuid4())
    first, second = (e.model_copy(update={"person_id": mentor}) for e in (first, second))
    for enrollment in (first, second):
        await handlers.mentor_enrollment_changed(enrollment, uow)

    await handlers.mentor_enrollment_changed(source.EnrollmentWithdrawnV2(**first.model_dump(
        include={"enrollment_id", "person_id", "program_id", "chapter_id", "role"})), uow)
    assert await offered(uow, mentor, stage=S.MEDICAL_STUDENT_3, approve=False)

    # The other enrollment turned into a mentee's: a mentor in no program now.
    await handlers.mentor_enrollment_changed(
        enrolled(mentor, Role.MENTEE, enrollment=second.enrollment_id, changed=True), uow)
    with pytest.raises(NotAHost):
        await offered(uow, mentor, stage=S.MEDICAL_STUDENT_3, approve=False)


async def test_a_mentor_suspended_in_their_program_has_their_slots_still_to_come_withdrawn_and_bookers_told(uow):
    # A mentor suspended as such (a report of their conduct) kept offering office hours already booked by students.
    mentor, student = uuid4(), uuid4()
    enrollment = enrolled(mentor)
    await uow.participants.save(Participant(mentor, S.RESIDENT))
    await handlers.mentor_enrollment_changed(enrollment, uow)
    slot = await offered(uow, mentor, stage=None, approve=False)
    await uow.participants.save(Participant(student, S.UNDERGRADUATE))
    await book(uow, slot.id, student)

    await handlers.mentor_enrollment_changed(source.MentorSuspendedV2(**enrollment.model_dump(
        include={"enrollment_id", "person_id", "program_id", "chapter_id"})), uow)

    assert await handlers.list_slots(participant(student), uow, host_id=None, chapter_id=None, open_only=False) == []
    [told] = [e for e in uow.published if isinstance(e, contract.OfficeHoursBookingCancelled)]
    assert (told.person_id, told.reason_code) == (student, "slot_withdrawn")


async def test_a_mentor_still_approved_in_another_program_keeps_their_slots(uow):
    mentor, first, second = uuid4(), enrolled(uuid4()), enrolled(uuid4())
    first, second = (e.model_copy(update={"person_id": mentor}) for e in (first, second))
    await uow.participants.save(Participant(mentor, S.RESIDENT))
    for enrollment in (first, second):
        await handlers.mentor_enrollment_changed(enrollment, uow)
    slot = await offered(uow, mentor, stage=None, approve=False)

    await handlers.mentor_enrollment_changed(source.EnrollmentWithdrawnV2(**first.model_dump(
        include={"enrollment_id", "person_id", "program_id", "chapter_id", "role"})), uow)

    assert [s.id for s in await handlers.list_slots(participant(uuid4()), uow, host_id=None, chapter_id=None,
                                                          open_only=False)] == [slot.id]


async def test_a_mentee_s_enrollment_makes_no_one_a_host(uow):
    mentee = uuid4()
    await handlers.mentor_enrollment_changed(enrolled(mentee, Role.MENTEE), uow)
    with pytest.raises(NotAHost):
        await offered(uow, mentee, stage=S.MEDICAL_STUDENT_3, approve=False)


async def test_an_erased_mentor_s_enrollments_are_forgotten_with_them(uow):
    mentor = uuid4()
    await handlers.mentor_enrollment_changed(enrolled(mentor), uow)
    await handlers.person_erased(PersonErased(person_id=mentor), uow)
    assert uow.participants.mentor_enrollments == {}


def restated(person, active=True, approval="approved", enrollment=None):
    return source.EnrollmentRestated(
        enrollment_id=enrollment or uuid4(), person_id=person, program_id=uuid4(), chapter_id=None, role=Role.MENTOR,
        stage=S.MEDICAL_STUDENT_3, capacity=2, mentee_stages_welcome=[], approval=approval, pairing_kind="general",
        paused=False, active=active)


async def test_a_mentor_approved_before_events_kept_enrollments_hosts_once_profiles_restates_them(uow):
    mentor = uuid4()
    await handlers.remember_participant(source.PersonRestated(person_id=mentor, chapter_id=None,
                                                              stage=S.MEDICAL_STUDENT_3, is_alumni=False,
                                                              suspended=False), uow)
    with pytest.raises(NotAHost):  # what events knew before the restatement: a student
        await offered(uow, mentor, stage=None, approve=False)
    enrollment = restated(mentor)
    await handlers.mentor_enrollment_changed(enrollment, uow)
    assert (await offered(uow, mentor, stage=None, approve=False)).host_id == mentor


@pytest.mark.parametrize("what", [{"active": False}, {"approval": "pending"}, {"approval": "suspended"}])
async def test_a_restated_enrollment_withdrawn_pending_or_suspended_makes_no_host_and_replaces_what_was_kept(uow, what):
    mentor, enrollment = uuid4(), uuid4()
    await handlers.mentor_enrollment_changed(restated(mentor, enrollment=enrollment), uow)
    await handlers.mentor_enrollment_changed(restated(mentor, enrollment=enrollment, **what), uow)
    with pytest.raises(NotAHost):
        await offered(uow, mentor, stage=S.MEDICAL_STUDENT_3, approve=False)


def approval_of(enrollment):
    """What profiles publishes when a coordinator approves the mentor of `enrollment` (a program that reviews them)."""
    return source.MentorApprovedV2(enrollment_id=enrollment.enrollment_id, person_id=enrollment.person_id,
                                   program_id=enrollment.program_id, chapter_id=None)


async def vetted_mentor(uow, host, stage=S.ATTENDING):
    """`host`, approved as a mentor by a coordinator of a program that reviews its mentors."""
    await uow.participants.save(Participant(host, stage))
    enrollment = enrolled(host, approval="pending")
    await handlers.mentor_enrollment_changed(enrollment, uow)
    await handlers.mentor_enrollment_changed(approval_of(enrollment), uow)
    return host


async def slot_of(uow, host):
    return await handlers.offer_slot(commands.OfferSlot(host, TOMORROW, TOMORROW + timedelta(minutes=30)),
                                     participant(host), uow)


async def test_a_high_school_student_is_refused_the_slot_of_a_mentor_no_coordinator_vetted_and_told_why(uow):
    # Found walking the product: an adult enrolled in a program that approves its mentors automatically offered an
    # office hour in their apartment, and a high-school student (most are minors) booked it.
    unvetted = await slot_of(uow, await approved_mentor(uow, uuid4()))
    student = uuid4()
    await uow.participants.save(Participant(student, S.HIGH_SCHOOL))
    with pytest.raises(HostNotVettedForMinors) as refused:
        await book(uow, unvetted.id, student)
    assert (refused.value.code, refused.value.status, refused.value.field) == (
        "host_not_vetted_for_minors", 409, "slot_id")
    assert "high-school" in str(refused.value) and "coordinator" in str(refused.value)
    assert uow.slots.rows[unvetted.id].booked_by is None
    assert await handlers.list_slots(participant(student), uow, host_id=None, chapter_id=None, open_only=True) == []


async def test_a_high_school_student_books_the_slot_of_a_mentor_a_coordinator_approved(uow):
    vetted = await slot_of(uow, await vetted_mentor(uow, uuid4()))
    await slot_of(uow, await approved_mentor(uow, uuid4()))
    student = uuid4()
    await uow.participants.save(Participant(student, S.HIGH_SCHOOL))
    listed = await handlers.list_slots(participant(student), uow, host_id=None, chapter_id=None, open_only=True)
    assert [s.id for s in listed] == [vetted.id]
    assert (await book(uow, vetted.id, student))[0].booked_by == student


async def test_an_undergraduate_books_and_is_listed_the_slot_of_a_vetted_mentor_or_of_one_approved_automatically(
    uow,
):
    slots = [await slot_of(uow, await vetted_mentor(uow, uuid4())),
             await slot_of(uow, await approved_mentor(uow, uuid4()))]
    student = uuid4()
    await uow.participants.save(Participant(student, S.UNDERGRADUATE))
    listed = await handlers.list_slots(participant(student), uow, host_id=None, chapter_id=None, open_only=True)
    assert {s.id for s in listed} == {s.id for s in slots}
    for slot in slots:
        assert (await book(uow, slot.id, student))[0].booked_by == student


async def test_a_mentor_is_vetted_by_a_coordinator_s_approval_until_suspended_held_for_review_or_withdrawn(uow):
    mentor = uuid4()
    await uow.participants.save(Participant(mentor, S.RESIDENT))
    enrollment = enrolled(mentor, approval="pending")

    async def vetted() -> bool:
        return (await uow.participants.get(mentor)).vetted_host

    await handlers.mentor_enrollment_changed(enrollment, uow)
    assert not await vetted()
    await handlers.mentor_enrollment_changed(approval_of(enrollment), uow)
    assert await vetted()
    # A later change of their settings (still approved) keeps it; a return to the vetting queue does not.
    again = enrolled(mentor, enrollment=enrollment.enrollment_id, changed=True)
    await handlers.mentor_enrollment_changed(again, uow)
    assert await vetted()
    await handlers.mentor_enrollment_changed(
        enrolled(mentor, approval="pending", enrollment=enrollment.enrollment_id, changed=True), uow)
    assert not await vetted()
    await handlers.mentor_enrollment_changed(again, uow)
    assert not await vetted()  # approved again without a coordinator's word: not vetted
    await handlers.mentor_enrollment_changed(approval_of(enrollment), uow)
    await handlers.mentor_enrollment_changed(source.MentorSuspendedV2(**approval_of(enrollment).model_dump(
        include={"enrollment_id", "person_id", "program_id", "chapter_id"})), uow)
    assert not await vetted()
    await handlers.mentor_enrollment_changed(approval_of(enrollment), uow)
    await handlers.mentor_enrollment_changed(source.EnrollmentWithdrawnV2(**approval_of(enrollment).model_dump(
        include={"enrollment_id", "person_id", "program_id", "chapter_id"}), role=Role.MENTOR), uow)
    assert not await vetted()


async def test_a_coordinator_s_approval_vets_the_mentor_whether_or_not_events_knew_the_enrollment_before(uow):
    mentor, known_first = uuid4(), enrolled(uuid4(), approval="pending")
    await uow.participants.save(Participant(mentor, S.RESIDENT))
    # Profiles' history reaching events only from the approval on (its enrollment older than the topic keeps).
    await handlers.mentor_enrollment_changed(approval_of(known_first.model_copy(update={"person_id": mentor})), uow)
    assert (await uow.participants.get(mentor)).vetted_host
    # Its creation restated afterwards, approved as it is now, leaves it vetted.
    await handlers.mentor_enrollment_changed(
        enrolled(mentor, enrollment=known_first.enrollment_id), uow)
    assert (await uow.participants.get(mentor)).vetted_host


@pytest.mark.parametrize("stage", [S.HIGH_SCHOOL, S.UNDERGRADUATE, S.MEDICAL_STUDENT_2, S.NURSING_STUDENT])
async def test_a_student_who_is_neither_mentor_nor_clinician_does_not_offer_office_hours(uow, stage):
    with pytest.raises(NotAHost) as refused:
        await offered(uow, stage=stage, approve=False)
    assert refused.value.field == "host_id" and str(stage) in str(refused.value)
    assert uow.slots.rows == {}


async def test_a_slot_is_offered_to_start_in_the_future(uow):
    with pytest.raises(Invalid, match="past") as refused:
        await offered(uow, starts=datetime.now(UTC) - timedelta(minutes=1))
    assert refused.value.field == "starts_at" and uow.slots.rows == {}


async def test_a_host_profiles_has_not_told_us_about_yet_is_asked_to_try_again(uow):
    with pytest.raises(HostNotYetKnown) as refused:
        await offered(uow, stage=None, approve=False)
    assert refused.value.field == "host_id"


async def test_a_slot_is_in_its_host_s_chapter(uow):
    host, chapter = uuid4(), uuid4()
    await approved_mentor(uow, host, chapter=chapter)

    slot = await handlers.offer_slot(commands.OfferSlot(host, TOMORROW, TOMORROW + timedelta(minutes=30)),
                                     participant(host), uow)

    assert slot.chapter_id == chapter


async def test_a_coordinator_offers_slots_for_the_hosts_of_their_own_chapter_only(uow):
    chapter, ours, theirs = uuid4(), uuid4(), uuid4()
    coordinator = Principal(subject="c", role=PrincipalRole.COORDINATOR, chapter_ids=frozenset({chapter}))
    await approved_mentor(uow, ours, chapter=chapter)
    await approved_mentor(uow, theirs, chapter=uuid4())

    def on_behalf_of(host):
        return commands.OfferSlot(host, TOMORROW, TOMORROW + timedelta(minutes=30))

    with pytest.raises(Forbidden) as refused:
        await handlers.offer_slot(on_behalf_of(theirs), coordinator, uow)
    assert refused.value.field == "host_id" and uow.slots.rows == {}
    assert (await handlers.offer_slot(on_behalf_of(ours), coordinator, uow)).chapter_id == chapter


async def test_a_withdrawn_slot_is_gone_and_its_booker_is_told(uow, emitted):
    slot, student = await offered(uow), uuid4()
    await book(uow, slot.id, student)

    await handlers.withdraw_slot(commands.WithdrawSlot(slot.id), participant(slot.host_id), uow)

    assert uow.slots.rows == {}
    cancelled = emitted(contract.OfficeHoursBookingCancelled)
    assert [(c.slot_id, c.person_id, c.cancelled_by) for c in cancelled] == [(slot.id, student, "host")]
    with pytest.raises(NotFound):
        await book(uow, slot.id, uuid4())


async def test_withdrawing_an_open_slot_tells_nobody(uow, emitted):
    slot = await offered(uow)
    await handlers.withdraw_slot(commands.WithdrawSlot(slot.id), participant(slot.host_id), uow)
    assert uow.slots.rows == {} and emitted(contract.OfficeHoursBookingCancelled) == []


async def test_a_host_cannot_offer_a_slot_overlapping_one_they_offer_already_but_may_offer_the_next_one(uow):
    first = await offered(uow)
    host = first.host_id
    for starts in (TOMORROW, TOMORROW + timedelta(minutes=15), TOMORROW - timedelta(minutes=15)):
        with pytest.raises(SlotOverlaps) as refused:
            await handlers.offer_slot(commands.OfferSlot(host, starts, starts + timedelta(minutes=30)),
                                      participant(host), uow)
        assert refused.value.field == "starts_at"
    after = await handlers.offer_slot(commands.OfferSlot(host, first.ends_at, first.ends_at + timedelta(minutes=30)),
                                      participant(host), uow)
    others = await offered(uow)  # another host at the same time
    assert {after.starts_at, others.starts_at} == {first.ends_at, TOMORROW}


async def test_my_bookings_are_the_slots_i_booked_soonest_first(uow):
    student = uuid4()
    later = await offered(uow, starts=TOMORROW + timedelta(hours=2))
    sooner, someone_elses = await offered(uow), await offered(uow)
    for slot, person in ((later, student), (sooner, student), (someone_elses, uuid4())):
        await book(uow, slot.id, person)

    assert [s.id for s in await handlers.bookings_of(student, uow)] == [sooner.id, later.id]


async def test_my_data_holds_every_slot_i_booked_and_every_one_i_offered_those_that_ended_too(uow, monkeypatch):
    student = uuid4()
    sooner, later = await offered(uow), await offered(uow, starts=TOMORROW + timedelta(days=1))
    host = sooner.host_id
    for slot in (sooner, later):
        await book(uow, slot.id, student)
    # The day after tomorrow: the sooner slot has ended (the events service keeps it).
    monkeypatch.setattr(handlers, "_now", lambda: TOMORROW + timedelta(hours=12))

    assert [s.id for s in await handlers.bookings_of(student, uow)] == [later.id]
    assert [s.id for s in await handlers.bookings_of(student, uow, ended_too=True)] == [sooner.id, later.id]
    hosts_own = await handlers.list_slots(participant(host), uow, host_id=host, chapter_id=None, open_only=False,
                                          ended_too=True)
    assert [s.id for s in hosts_own] == [sooner.id]
    assert await handlers.list_slots(participant(host), uow, host_id=host, chapter_id=None, open_only=False) == []


async def test_only_a_host_lists_their_slots_that_ended(uow):
    slot = await offered(uow)
    for viewer, host_id in ((participant(uuid4()), slot.host_id), (participant(slot.host_id), None)):
        with pytest.raises(Forbidden) as refused:
            await handlers.list_slots(viewer, uow, host_id=host_id, chapter_id=None, open_only=False, ended_too=True)
        assert refused.value.field == "ended_too"


async def test_a_booked_slot_is_not_booked_by_anyone_else_but_a_retry_is_harmless(uow, emitted):
    slot, student, other = await offered(uow), uuid4(), uuid4()
    _, booked = await book(uow, slot.id, student)
    _, booked_again = await book(uow, slot.id, student)
    with pytest.raises(AlreadyBooked):
        await book(uow, slot.id, other)
    assert (booked, booked_again) == (True, False)
    assert len(emitted(contract.OfficeHoursBooked)) == 1


async def test_a_cancelled_booking_reopens_the_slot_for_someone_else(uow, emitted):
    slot, student, other = await offered(uow), uuid4(), uuid4()
    await book(uow, slot.id, student)

    await handlers.cancel_booking(commands.CancelBooking(slot.id, "host"), participant(slot.host_id), uow)
    rebooked, _ = await book(uow, slot.id, other)

    cancelled = emitted(contract.OfficeHoursBookingCancelled)
    assert [(c.person_id, c.cancelled_by) for c in cancelled] == [(student, "host")]
    assert rebooked.booked_by == other


async def test_a_host_does_not_book_their_own_slot(uow):
    host = uuid4()
    slot = await offered(uow, host)
    with pytest.raises(Invalid):
        await book(uow, slot.id, host)


async def test_an_erased_host_s_slots_go_and_their_booker_is_told(uow, emitted):
    host, student = uuid4(), uuid4()
    slot = await offered(uow, host)
    await book(uow, slot.id, student)

    await handlers.person_erased(PersonErased(person_id=host), uow)

    assert uow.slots.rows == {}
    assert [c.person_id for c in emitted(contract.OfficeHoursBookingCancelled)] == [student]


async def test_a_booking_and_its_cancellation_name_one_booking_and_where_it_takes_place(uow, emitted):
    slot, student = await offered(uow), uuid4()
    await book(uow, slot.id, student)
    await handlers.cancel_booking(commands.CancelBooking(slot.id, "participant"), participant(student), uow)
    await book(uow, slot.id, student)

    first, second = emitted(contract.OfficeHoursBookedV3)
    [cancelled] = emitted(contract.OfficeHoursBookingCancelledV3)
    assert cancelled.booking_id == first.booking_id != second.booking_id
    assert (cancelled.reason_code, cancelled.is_virtual, cancelled.location) == ("cancelled", True, None)


async def test_a_withdrawn_slot_tells_its_booker_it_was_withdrawn(uow, emitted):
    slot, student = await offered(uow), uuid4()
    await book(uow, slot.id, student)
    await handlers.withdraw_slot(commands.WithdrawSlot(slot.id), participant(slot.host_id), uow)
    [cancelled] = emitted(contract.OfficeHoursBookingCancelledV3)
    assert (cancelled.cancelled_by, cancelled.reason_code) == ("host", "slot_withdrawn")


async def test_an_erased_participant_s_booking_reopens_and_the_host_is_told_without_them_being_named(uow, emitted):
    slot, student = await offered(uow), uuid4()
    await book(uow, slot.id, student)

    await handlers.person_erased(PersonErased(person_id=student), uow)

    [cancelled] = emitted(contract.OfficeHoursBookingCancelledV3)
    assert (cancelled.cancelled_by, cancelled.reason_code) == ("participant", "person_erased")
    assert uow.slots.rows[slot.id].booked_by is None


async def test_my_calendar_feed_holds_my_bookings_as_participant_and_as_host(uow):
    host, student = uuid4(), uuid4()
    slot = await offered(uow, host)
    await book(uow, slot.id, student)
    for person in (host, student):
        token = await handlers.issue_calendar_feed(commands.IssueCalendarFeed(person), uow)
        assert [s.id for s in (await handlers.calendar_feed(token, uow)).bookings] == [slot.id]


async def test_an_online_slot_carries_its_link_to_join_which_the_host_may_give_or_change_later(uow):
    host = uuid4()
    await approved_mentor(uow, host)
    given = await handlers.offer_slot(commands.OfferSlot(host, TOMORROW, TOMORROW + timedelta(minutes=30),
                                                         join_url="https://meet.example.org/dr-lee"),
                                      participant(host), uow)
    later = await offered(uow, host, starts=TOMORROW + timedelta(hours=1))

    changed = await handlers.set_slot_link(commands.SetSlotLink(later.id, "https://meet.example.org/later"),
                                           participant(host), uow)

    assert given.join_url == "https://meet.example.org/dr-lee"
    assert changed.join_url == (await handlers.get_slot(later.id, uow)).join_url == "https://meet.example.org/later"


async def test_a_link_given_or_changed_after_booking_is_announced_to_the_participant_without_the_link(uow, emitted):
    slot = await offered(uow)
    host = participant(slot.host_id)
    await handlers.set_slot_link(commands.SetSlotLink(slot.id, "https://meet.example.org/a"), host, uow)  # unbooked
    student = uuid4()
    await book(uow, slot.id, student)
    booking = uow.slots.rows[slot.id].booking_id

    for link in ("https://meet.example.org/a", "https://meet.example.org/b", "https://meet.example.org/b"):
        await handlers.set_slot_link(commands.SetSlotLink(slot.id, link), host, uow)

    [told] = emitted(contract.OfficeHoursLinkGiven)  # only the change: the same link again, or unbooked, says nothing
    assert (told.slot_id, told.booking_id, told.person_id, told.host_id, told.replaces_earlier) == (
        slot.id, booking, student, slot.host_id, True)
    assert "meet.example.org" not in told.model_dump_json()


async def test_a_first_link_given_to_a_booked_slot_is_announced_as_such(uow, emitted):
    slot = await offered(uow)
    await book(uow, slot.id, uuid4())

    await handlers.set_slot_link(commands.SetSlotLink(slot.id, "https://meet.example.org/a"),
                                 participant(slot.host_id), uow)

    [told] = emitted(contract.OfficeHoursLinkGiven)
    assert not told.replaces_earlier


async def test_only_an_online_slot_has_a_link_to_join_and_only_its_host_or_an_organiser_sets_it(uow):
    host = uuid4()
    await approved_mentor(uow, host)
    with pytest.raises(Invalid) as refused:
        await handlers.offer_slot(commands.OfferSlot(host, TOMORROW, TOMORROW + timedelta(minutes=30),
                                                     is_virtual=False, location="Room 4",
                                                     join_url="https://meet.example.org/x"), participant(host), uow)
    assert refused.value.field == "join_url"
    slot = await offered(uow, host)
    with pytest.raises(Forbidden):
        await handlers.set_slot_link(commands.SetSlotLink(slot.id, "https://evil.example.org"),
                                     participant(uuid4()), uow)
    assert (await handlers.get_slot(slot.id, uow)).join_url is None


async def test_a_booked_online_slots_calendar_entry_holds_its_link_to_join(uow):
    slot = await offered(uow)
    slot = await handlers.set_slot_link(commands.SetSlotLink(slot.id, "https://meet.example.org/dr-lee"),
                                        participant(slot.host_id), uow)
    slot, _ = await book(uow, slot.id, uuid4())

    entry = booking_entry(slot)

    assert (entry.url, entry.location) == ("https://meet.example.org/dr-lee", "https://meet.example.org/dr-lee")
    assert "https://meet.example.org/dr-lee" in (entry.description or "")


async def test_a_coordinator_or_administrator_acting_on_a_host_s_slot_is_audited_and_the_host_on_their_own_is_not(uow):
    chapter, host, student = uuid4(), uuid4(), uuid4()
    coordinator = Principal(subject="c", role=PrincipalRole.COORDINATOR, person_id=uuid4(),
                            chapter_ids=frozenset({chapter}))
    administrator = Principal(subject="a", role=PrincipalRole.ADMIN, person_id=uuid4())
    await approved_mentor(uow, host, chapter=chapter)
    await uow.participants.save(Participant(student, S.UNDERGRADUATE, chapter))

    def new_slot():
        return commands.OfferSlot(host, TOMORROW, TOMORROW + timedelta(minutes=30))

    own = await handlers.offer_slot(new_slot(), participant(host), uow)
    await handlers.set_slot_link(commands.SetSlotLink(own.id, "https://meet.example.org/a"), participant(host), uow)
    await book(uow, own.id, student)
    await handlers.cancel_booking(commands.CancelBooking(own.id, "host"), participant(host), uow)
    await handlers.withdraw_slot(commands.WithdrawSlot(own.id), participant(host), uow)
    assert uow.audited == []  # the host's own slot, the student's own booking

    slot = await handlers.offer_slot(new_slot(), coordinator, uow)
    await handlers.set_slot_link(commands.SetSlotLink(slot.id, "https://meet.example.org/b"), coordinator, uow)
    await handlers.book_slot(commands.BookSlot(slot.id, student), administrator, uow)
    await handlers.cancel_booking(commands.CancelBooking(slot.id, "host"), coordinator, uow)
    await handlers.withdraw_slot(commands.WithdrawSlot(slot.id), coordinator, uow)

    assert [(e.action, e.actor, e.subject_kind, e.subject_id, e.chapter_id) for e in uow.audited] == [
        (action, str(who.person_id), "office_hour_slot", str(slot.id), chapter)
        for action, who in (("slot.offered", coordinator), ("slot.link_given", coordinator),
                            ("slot.booked", administrator), ("slot.booking_cancelled", coordinator),
                            ("slot.withdrawn", coordinator))]
    assert all(e.detail["host_id"] == str(host) for e in uow.audited)
    assert [e.detail.get("person_id") for e in uow.audited] == [None, None, str(student), str(student), None]


CHAPTER, OTHER_CHAPTER = uuid4(), uuid4()


async def slots_of_both_kinds(uow):
    """A national slot (its host, a mentor in a national program, has no chapter) and one of CHAPTER's."""
    national = await offered(uow)
    chapter_host = uuid4()
    await approved_mentor(uow, chapter_host, chapter=CHAPTER)
    chapters = await handlers.offer_slot(commands.OfferSlot(chapter_host, TOMORROW, TOMORROW + timedelta(minutes=30)),
                                         participant(chapter_host), uow)
    return national, chapters


async def person(uow, chapter):
    someone = uuid4()
    await uow.participants.save(Participant(someone, S.MEDICAL_STUDENT_1, chapter))
    return someone


async def listed(uow, viewer, chapter_id=None, host_id=None, open_only=True):
    return {s.id for s in await handlers.list_slots(viewer, uow, host_id=host_id, chapter_id=chapter_id,
                                                    open_only=open_only)}


async def test_a_national_slot_is_listed_to_everyone_and_a_chapter_s_slot_to_its_members_only(uow):
    national, chapters = await slots_of_both_kinds(uow)
    member, outsider, without_chapter = await person(uow, CHAPTER), await person(uow, OTHER_CHAPTER), await person(
        uow, None)

    # As the web asks: with the person's chapter, if they have one.
    assert await listed(uow, participant(member), CHAPTER) == {national.id, chapters.id}
    assert await listed(uow, participant(member)) == {national.id, chapters.id}
    assert await listed(uow, participant(outsider), OTHER_CHAPTER) == {national.id}
    assert await listed(uow, participant(without_chapter)) == {national.id}
    # A chapter asked for is read as the person's own: not a way into another chapter's slots.
    assert await listed(uow, participant(without_chapter), CHAPTER) == {national.id}
    assert await listed(uow, participant(outsider), CHAPTER) == {national.id}
    assert await listed(uow, participant(uuid4()), CHAPTER) == {national.id}  # profiles has not told us of them
    # Nor is a host's name a way in.
    assert await listed(uow, participant(outsider), host_id=chapters.host_id) == set()


async def test_a_host_lists_all_their_own_slots_and_organisers_their_chapters_slots(uow):
    national, chapters = await slots_of_both_kinds(uow)
    host = chapters.host_id
    await uow.participants.save(Participant(host, S.ATTENDING, OTHER_CHAPTER))  # moved since they offered it
    coordinator = Principal(subject="c", role=PrincipalRole.COORDINATOR, person_id=uuid4(),
                            chapter_ids=frozenset({CHAPTER}))
    administrator = Principal(subject="a", role=PrincipalRole.ADMIN, person_id=uuid4())

    assert await listed(uow, participant(host), host_id=host, open_only=False) == {chapters.id}
    assert await listed(uow, coordinator, CHAPTER) == {chapters.id}  # the chapter's, which they organise
    assert await listed(uow, coordinator) == {national.id, chapters.id}
    assert await listed(uow, coordinator, host_id=host) == {chapters.id}
    assert await listed(uow, administrator) == {national.id, chapters.id}
    assert await listed(uow, administrator, CHAPTER) == {chapters.id}


async def test_who_may_book_a_slot_is_who_is_shown_it(uow):
    national, chapters = await slots_of_both_kinds(uow)
    member, outsider, without_chapter = await person(uow, CHAPTER), await person(uow, OTHER_CHAPTER), await person(
        uow, None)

    for refused in (outsider, without_chapter):
        with pytest.raises(NotInChapter) as refusal:
            await book(uow, chapters.id, refused)
        assert (refusal.value.status, refusal.value.field) == (409, "chapter_id")
    with pytest.raises(ChapterNotYetKnown, match="try again"):
        await book(uow, chapters.id, uuid4())
    assert (await handlers.get_slot(chapters.id, uow)).booked_by is None

    assert (await book(uow, national.id, without_chapter))[1] is True
    assert (await book(uow, chapters.id, member))[1] is True


async def test_restating_office_hours_says_each_booking_held_now_and_no_free_or_cancelled_slot(uow, emitted):
    booked, _ = await book(uow, (await offered(uow)).id, uuid4())
    free = await offered(uow)
    given_back, _ = await book(uow, (await offered(uow)).id, uuid4())
    await handlers.cancel_booking(commands.CancelBooking(given_back.id, "participant"), participant(given_back.booked_by),
                                  uow)

    assert await handlers.restate_office_hours(uow) == 1

    [restated] = emitted(contract.OfficeHoursBookingRestated)
    assert (restated.slot_id, restated.booking_id, restated.person_id, restated.host_id) == (
        booked.id, booked.booking_id, booked.booked_by, booked.host_id)
    assert free.id != restated.slot_id



@pytest.mark.parametrize("link", ["https://javascript:alert(1)", "https://a b", "https://user:pw@meet.example.org/x",
                                  "https://zoom", "https://meet.example.org/x y", "http://meet.example.org/x"])
def test_a_link_to_join_is_refused_unless_it_is_https_to_a_real_host_with_no_spaces_or_credentials(link):
    with pytest.raises(ValidationError):
        SlotLinkIn(join_url=link)


@pytest.mark.parametrize("link", ["https://meet.example.org/dr-lee", "https://us02web.zoom.us:443/j/123?pwd=a#x",
                                  "https://teams.microsoft.com/l/meetup-join/19%3ameeting"])
def test_a_real_link_to_join_is_taken(link):
    assert SlotLinkIn(join_url=link).join_url == link
