"""Staff are asked to look into what waits on them (`profiles.review_asked`): a report of conduct, and a mentor waiting
to be approved; the coordinators of the chapter that runs the program, else the national administrators, never the
one it is about. With an in-memory unit of work."""

from __future__ import annotations

from uuid import uuid4

import pytest
from mentorship_contracts import profiles as contract
from mentorship_contracts.vocabulary import Role
from mentorship_contracts.vocabulary import TrainingStage as S
from profiles.domain import commands
from profiles.domain.console import StaffRoles
from profiles.service_layer import handlers

from .conftest import anyone
from .test_console import coordinator_of, uow  # noqa: F401 (the console's unit of work, a fixture)
from .test_reported_for_conduct import ENDED_AT, ended, pair  # noqa: F401 (pair: a fixture)


async def staff(unit, register, *, coordinator_of_chapters=(), administrator=False):
    person = await register(S.ATTENDING)
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
    await uow.suspensions.suspend(suspended, ENDED_AT, False)
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
