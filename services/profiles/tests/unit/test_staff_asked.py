"""Staff are asked to look into what waits on them (`profiles.review_asked`): a report of conduct, and a mentor waiting
to be approved; the coordinators of the chapter that runs the program, else the national administrators, never the
one it is about. With an in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from mentorship_contracts import profiles as contract
from mentorship_contracts.vocabulary import Role
from mentorship_contracts.vocabulary import TrainingStage as S
from profiles.domain import commands
from profiles.domain.console import StaffRoles
from profiles.domain.model import Enrollment
from profiles.service_layer import console, handlers

from .conftest import anyone
from .test_console import coordinator_of, uow  # noqa: F401 (the console's unit of work, a fixture)
from .test_reported_for_conduct import ENDED_AT, ended, pair  # noqa: F401 (pair: a fixture)


async def staff(unit, register, *, coordinator_of_chapters=(), administrator=False, stage=S.ATTENDING):
    person = await register(stage)
    await unit.staff_roles.save(StaffRoles(person.id, administrator, set(coordinator_of_chapters)))
    return person.id


def asked(unit, since: int) -> list[contract.ReviewAsked]:
    return [e for e in unit.published[since:] if isinstance(e, contract.ReviewAsked)]


@pytest.mark.parametrize("ended_by, held_role", [(Role.MENTEE, Role.MENTOR), (Role.MENTOR, Role.MENTEE)])
async def test_a_report_of_conduct_asks_each_coordinator_of_the_chapter_to_look_into_it_naming_nobody(
        uow, register, pair, vetted_program, chapter, ended_by, held_role):  # noqa: F811
    mentee, mentor = pair
    first = await staff(uow, register, coordinator_of_chapters={chapter.id})
    second = await staff(uow, register, coordinator_of_chapters={chapter.id}, administrator=True)
    await staff(uow, register, coordinator_of_chapters={uuid4()})  # another chapter's
    await staff(uow, register, administrator=True)  # the chapter has coordinators: they look first
    published = len(uow.published)

    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, ended_by), uow)

    requests = asked(uow, published)
    assert sorted(e.person_id for e in requests) == sorted([first, second])
    assert {(e.program_id, e.chapter_id, e.role, e.review_reason) for e in requests} == {
        (vetted_program.id, chapter.id, held_role, "conduct_reported")}
    said = {str(value) for e in requests for value in e.model_dump(mode="json").values()}
    assert not said & {str(mentee.person_id), str(mentor.person_id), str(mentee.id), str(mentor.id)}


async def test_a_chapter_with_no_coordinator_able_to_look_leaves_it_to_the_national_administrators(
        uow, register, pair, vetted_program, chapter):  # noqa: F811
    mentee, mentor = pair
    # The one reported coordinates the chapter, and its other coordinator is suspended: neither can be asked.
    await uow.staff_roles.save(StaffRoles(mentee.person_id, False, {chapter.id}))
    suspended = await staff(uow, register, coordinator_of_chapters={chapter.id})
    await uow.suspensions.suspend(suspended, ENDED_AT, None, False, None)
    administrator = await staff(uow, register, administrator=True)
    published = len(uow.published)

    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, Role.MENTOR), uow)

    assert [e.person_id for e in asked(uow, published)] == [administrator]


async def test_each_report_asks_again_and_an_ending_for_another_reason_asks_nobody(
        uow, register, pair, vetted_program, chapter):  # noqa: F811
    mentee, mentor = pair
    coordinator = await staff(uow, register, coordinator_of_chapters={chapter.id})
    published = len(uow.published)

    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, Role.MENTEE,
                                       reason_code="schedule_conflict"), uow)
    assert asked(uow, published) == []
    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, Role.MENTEE), uow)
    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, Role.MENTEE), uow)

    assert [e.person_id for e in asked(uow, published)] == [coordinator, coordinator]



async def test_a_mentor_joining_a_program_that_vets_its_mentors_asks_its_coordinators_to_approve_them(
        uow, register, vetted_program, chapter):  # noqa: F811
    coordinator = await staff(uow, register, coordinator_of_chapters={chapter.id})
    mentor = await register(S.RESIDENT)
    published = len(uow.published)

    enrollment = await handlers.enroll(commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR), uow, anyone)
    again = await handlers.enroll(commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR), uow, anyone)

    assert again == enrollment  # a retry makes nothing, and asks nobody again
    [request] = asked(uow, published)
    assert (request.person_id, request.program_id, request.chapter_id, request.role, request.review_reason) == (
        coordinator, vetted_program.id, chapter.id, Role.MENTOR, "approval_awaited")
    said = {str(value) for value in request.model_dump(mode="json").values()}
    assert not said & {str(mentor.id), str(enrollment.id)}


async def test_a_mentee_or_a_mentor_of_a_program_that_does_not_vet_asks_nobody(
        uow, register, vetted_program, chapter):  # noqa: F811
    await staff(uow, register, coordinator_of_chapters={chapter.id})
    open_program = await handlers.define_program(commands.DefineProgram(
        name="Near-peers", chapter_id=chapter.id, mentee_stages=[S.MEDICAL_STUDENT_3], mentor_stages=[S.RESIDENT]),
        coordinator_of(chapter.id), uow)
    published = len(uow.published)

    await handlers.enroll(commands.Enroll((await register(S.RESIDENT)).id, open_program.id, Role.MENTOR), uow, anyone)
    await handlers.enroll(commands.Enroll((await register(S.MEDICAL_STUDENT_3)).id, vetted_program.id, Role.MENTEE),
                          uow, anyone)

    assert asked(uow, published) == []


async def enrolled_mentor(unit, register, program) -> Enrollment:
    return await handlers.enroll(commands.Enroll((await register(S.RESIDENT)).id, program.id, Role.MENTOR), unit,
                                 anyone)


async def test_staff_who_left_a_mentor_waiting_three_days_are_asked_again_once_a_week_while_any_waits(
        uow, register, vetted_program, chapter):  # noqa: F811
    coordinator = await staff(uow, register, coordinator_of_chapters={chapter.id})
    await enrolled_mentor(uow, register, vetted_program)
    joined = datetime.now(UTC)
    published = len(uow.published)

    async def reminded(after: timedelta) -> list[contract.ReviewAsked]:
        before = len(uow.published)
        await handlers.remind_staff_of_waiting_mentors(joined + after, uow)
        return asked(uow, before)

    assert await reminded(timedelta(days=2, hours=23)) == []
    [again] = await reminded(timedelta(days=3, hours=1))
    assert (again.person_id, again.program_id, again.role, again.review_reason) == (
        coordinator, vetted_program.id, Role.MENTOR, "approval_awaited")
    assert await reminded(timedelta(days=9)) == []  # within the week
    assert [e.person_id for e in await reminded(timedelta(days=10, hours=2))] == [coordinator]
    assert len(asked(uow, published)) == 2


async def test_nobody_is_reminded_of_mentors_approved_or_withdrawn_nor_of_one_held_after_a_report_of_conduct(
        uow, register, vetted_program, chapter, pair):  # noqa: F811
    await staff(uow, register, coordinator_of_chapters={chapter.id})
    approved = await enrolled_mentor(uow, register, vetted_program)
    await console.approve_mentor(approved.id, None, coordinator_of(chapter.id), uow, anyone)
    withdrawn = await enrolled_mentor(uow, register, vetted_program)
    await handlers.withdraw_enrollment(commands.WithdrawEnrollment(withdrawn.id), uow, anyone)
    mentee, mentor = pair  # the mentor is approved, then reported: back in vetting, which staff were asked of
    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, Role.MENTEE), uow)
    published = len(uow.published)

    assert await handlers.remind_staff_of_waiting_mentors(datetime.now(UTC) + timedelta(days=4), uow) == 0
    assert asked(uow, published) == []


async def test_each_program_is_reminded_of_its_own_queue_never_asking_the_mentor_who_waits_longest(
        uow, register, vetted_program, chapter):  # noqa: F811
    other = await handlers.define_program(commands.DefineProgram(
        name="Into Fellowship", chapter_id=chapter.id, mentee_stages=[S.RESIDENT], mentor_stages=[S.ATTENDING],
        mentor_approval_required=True), coordinator_of(chapter.id), uow)
    coordinator = await staff(uow, register, coordinator_of_chapters={chapter.id}, stage=S.RESIDENT)
    longest = await handlers.enroll(commands.Enroll(coordinator, vetted_program.id, Role.MENTOR), uow, anyone)
    await enrolled_mentor(uow, register, vetted_program)
    await handlers.enroll(commands.Enroll((await register(S.ATTENDING)).id, other.id, Role.MENTOR), uow, anyone)
    administrator = await staff(uow, register, administrator=True)
    published = len(uow.published)

    assert await handlers.remind_staff_of_waiting_mentors(datetime.now(UTC) + timedelta(days=4), uow) == 2

    # The coordinator waits longest in one program: its administrators are asked; the other program's coordinator.
    assert sorted((e.program_id, e.person_id) for e in asked(uow, published)) == sorted(
        [(vetted_program.id, administrator), (other.id, coordinator)])
    assert uow.enrollments.enrolled_at[longest.id] == min(uow.enrollments.enrolled_at.values())
