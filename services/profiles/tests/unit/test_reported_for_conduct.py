"""A pairing its mentee or its mentor ended for a problem of conduct puts the other, whom they report, under review:
a mentor back in the vetting queue, saying why and since when, until a coordinator approves them again; a mentee
paused until a coordinator resumes them. With an in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from mentorship_contracts import matching
from mentorship_contracts import profiles as contract
from mentorship_contracts.vocabulary import Role
from mentorship_contracts.vocabulary import TrainingStage as S
from plumbing.errors import Conflict
from profiles.domain import commands
from profiles.entrypoints import console as console_http
from profiles.entrypoints import http
from profiles.service_layer import console, handlers

from .conftest import anyone
from .test_console import coordinator_of, uow  # noqa: F401 (the console's unit of work, a fixture)

ENDED_AT = datetime(2026, 12, 5, 20, 30, tzinfo=UTC)


def ended(mentee_id: UUID, mentor_id: UUID, program_id: UUID, ended_by: Role | None, reason_code: str = "conduct",
          pairing_id: UUID | None = None) -> matching.PairingEndedV3:
    return matching.PairingEndedV3(pairing_id=pairing_id or uuid4(), program_id=program_id, chapter_id=None,
                                   mentee_id=mentee_id, mentor_id=mentor_id, ended_by=ended_by,
                                   ended_by_program=ended_by is None, reason_code=reason_code, occurred_at=ENDED_AT)


@pytest.fixture
async def pair(uow, register, vetted_program, chapter):  # noqa: F811
    """An approved mentor and a mentee of the vetted program: (mentee's enrollment, mentor's enrollment)."""
    mentor = await handlers.enroll(commands.Enroll((await register(S.RESIDENT)).id, vetted_program.id, Role.MENTOR),
                                   uow, anyone)
    await console.approve_mentor(mentor.id, None, coordinator_of(chapter.id), uow, anyone)
    mentee = await handlers.enroll(commands.Enroll((await register(S.MEDICAL_STUDENT_3)).id, vetted_program.id,
                                                   Role.MENTEE), uow, anyone)
    return mentee, mentor


async def test_a_mentor_reported_by_their_mentee_is_back_in_the_vetting_queue_saying_why_and_since_when(
        uow, pair, vetted_program, chapter):  # noqa: F811
    mentee, mentor = pair
    published = len(uow.published)

    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, Role.MENTEE), uow)

    held = await handlers.get_enrollment(mentor.id, uow, anyone)
    assert (held.approval, held.review_reason, held.review_since) == ("pending", "conduct_reported", ENDED_AT)
    [changed] = uow.published[published:]
    assert isinstance(changed, contract.EnrollmentChangedV4)
    assert (changed.enrollment_id, changed.approval, changed.changed_fields) == (
        mentor.id, "pending", ["approval", "review_reason"])
    [entry] = [e for e in uow.audited if e.action == "enrollment.held_for_review"]
    assert (entry.actor, entry.actor_role, entry.subject_id) == ("matching", "service", str(mentor.id))
    assert entry.detail["review_reason"] == "conduct_reported" and entry.detail["reported_by"] == "mentee"
    # The console reads it on the person's enrollments (the vetting queue's items are those) and its list of people.
    [answer] = await http.enrollments_of(mentor.person_id, coordinator_of(chapter.id), uow)
    assert (answer.approval, answer.review_reason, answer.review_since) == ("pending", "conduct_reported", ENDED_AT)
    brief = console_http.EnrollmentBrief.of(held)
    assert (brief.review_reason, brief.review_since) == ("conduct_reported", ENDED_AT)


async def test_a_second_ending_for_conduct_or_the_same_one_again_changes_nothing_more(
        uow, pair, vetted_program):  # noqa: F811
    mentee, mentor = pair
    first = ended(mentee.person_id, mentor.person_id, vetted_program.id, Role.MENTEE)
    await handlers.pairing_ended(first, uow)
    published = len(uow.published)

    await handlers.pairing_ended(first, uow)
    later = first.model_copy(update={"pairing_id": uuid4(), "occurred_at": datetime(2026, 12, 6, tzinfo=UTC)})
    await handlers.pairing_ended(later, uow)

    held = await handlers.get_enrollment(mentor.id, uow, anyone)
    assert (held.approval, held.review_reason, held.review_since) == ("pending", "conduct_reported", ENDED_AT)
    assert len(uow.published) == published


async def test_approving_a_reported_mentor_again_clears_the_review_and_the_audit_trail_says_what_it_cleared(
        uow, pair, vetted_program, chapter):  # noqa: F811
    mentee, mentor = pair
    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, Role.MENTEE), uow)

    approved = await console.approve_mentor(mentor.id, "spoke with both", coordinator_of(chapter.id), uow, anyone)

    assert (approved.approval, approved.review_reason, approved.review_since) == ("approved", None, None)
    assert isinstance(uow.published[-1], contract.MentorApprovedV2)
    entry = uow.audited[-1]
    assert (entry.action, entry.subject_id) == ("mentor.approved", str(mentor.id))
    assert entry.detail["review_reason"] == "conduct_reported" and entry.detail["note"] == "spoke with both"


@pytest.mark.parametrize("ended_by, reason_code", [(Role.MENTEE, "schedule_conflict"), (Role.MENTOR, "relocated"),
                                                   (None, "conduct")])
async def test_an_ending_for_another_reason_or_by_the_program_holds_nobody(
        uow, pair, vetted_program, ended_by, reason_code):  # noqa: F811
    mentee, mentor = pair
    published = len(uow.published)

    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, ended_by, reason_code),
                                 uow)

    assert (await handlers.get_enrollment(mentor.id, uow, anyone)).approval == "approved"
    assert not (await handlers.get_enrollment(mentee.id, uow, anyone)).paused
    assert len(uow.published) == published


async def test_the_partners_of_a_pairing_ended_for_conduct_are_partners_no_more(uow, pair, vetted_program):  # noqa: F811
    mentee, mentor = pair
    pairing_id = uuid4()
    await handlers.pairing_active(matching.PairingConfirmed(
        pairing_id=pairing_id, program_id=vetted_program.id, chapter_id=None, mentee_id=mentee.person_id,
        mentor_id=mentor.person_id, score=80, term_ends_at=ENDED_AT), uow)

    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, Role.MENTEE,
                                       pairing_id=pairing_id), uow)

    assert not await uow.partnerships.between(mentee.person_id, mentor.person_id)


async def test_a_mentee_reported_by_their_mentor_is_paused_for_review_and_only_a_coordinator_resumes_them(
        uow, pair, vetted_program, chapter):  # noqa: F811
    mentee, mentor = pair

    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, Role.MENTOR), uow)

    held = await handlers.get_enrollment(mentee.id, uow, anyone)
    assert (held.paused, held.paused_because, held.review_reason, held.review_since) == (
        True, "conduct_reported", "conduct_reported", ENDED_AT)
    assert isinstance(uow.published[-1], contract.EnrollmentChangedV4) and uow.published[-1].paused
    assert (await handlers.get_enrollment(mentor.id, uow, anyone)).approval == "approved"  # who reported: not held
    with pytest.raises(Conflict):
        await handlers.change_enrollment(commands.ChangeEnrollment(mentee.id, {"paused": False}), uow, anyone)

    resumed = await console.clear_review(mentee.id, "spoke with both", coordinator_of(chapter.id), uow, anyone)

    assert (resumed.paused, resumed.paused_because, resumed.review_reason, resumed.review_since) == (
        False, None, None, None)
    changed = uow.published[-1]
    assert isinstance(changed, contract.EnrollmentChangedV4) and not changed.paused
    assert changed.changed_fields == ["paused", "review_reason"]  # matching lifts its own hold on this word
    entry = uow.audited[-1]
    assert (entry.action, entry.subject_id, entry.detail["review_reason"]) == (
        "enrollment.review_cleared", str(mentee.id), "conduct_reported")


async def test_a_reported_mentor_is_cleared_by_approval_not_by_resuming(uow, pair, vetted_program, chapter):  # noqa: F811
    mentee, mentor = pair
    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, Role.MENTEE), uow)
    with pytest.raises(Conflict):
        await console.clear_review(mentor.id, None, coordinator_of(chapter.id), uow, anyone)
    with pytest.raises(Conflict):  # nothing to clear
        await console.clear_review(mentee.id, None, coordinator_of(chapter.id), uow, anyone)


async def test_one_under_review_does_not_escape_it_by_withdrawing_and_enrolling_again_until_a_coordinator_clears_it(
        uow, pair, vetted_program, chapter):  # noqa: F811
    mentee, mentor = pair
    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, Role.MENTEE), uow)
    await handlers.withdraw_enrollment(commands.WithdrawEnrollment(mentor.id), uow, anyone)

    with pytest.raises(Conflict) as refused:
        await handlers.enroll(commands.Enroll(mentor.person_id, vetted_program.id, Role.MENTOR), uow, anyone)
    assert refused.value.code == "under_review"

    await console.clear_review(mentor.id, "reviewed", coordinator_of(chapter.id), uow, anyone)
    again = await handlers.enroll(commands.Enroll(mentor.person_id, vetted_program.id, Role.MENTOR), uow, anyone)
    assert (again.approval, again.review_reason) == ("pending", None)  # this program vets every mentor
    entry = uow.audited[-1]
    assert (entry.action, entry.subject_id) == ("enrollment.review_cleared", str(mentor.id))


async def test_a_reported_mentor_a_coordinator_then_suspends_is_told_their_mentoring_is_on_hold_not_their_offer_declined(
        uow, pair, vetted_program, chapter):  # noqa: F811
    # Back in the vetting queue, they were approved before the report: suspending them is not declining an offer.
    mentee, mentor = pair
    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, Role.MENTEE), uow)

    await console.suspend_mentor(mentor.id, "looked into it", coordinator_of(chapter.id), uow, anyone)

    [suspended] = [e for e in uow.published if isinstance(e, contract.MentorSuspendedV3)]
    assert suspended.was_approved is True
    assert (await handlers.get_enrollment(mentor.id, uow, anyone)).was_approved is True

