"""A program whose mentees include high-school students, most of them minors, never puts one in touch with an adult
nobody has vetted or she has not accepted: it reviews its mentors first and asks both sides to accept a pairing."""

from uuid import uuid4

import pytest
from mentorship_contracts.vocabulary import Role
from mentorship_contracts.vocabulary import TrainingStage as S
from profiles.domain import commands
from profiles.domain.model import Invalid, MinorsEnrolled, Program, UnsafeForMinors
from profiles.service_layer import handlers

from .conftest import STAFF, anyone

SAFEGUARDED = {"mentor_approval_required": True, "both_must_accept": True}


def for_high_school(chapter, **rules) -> commands.DefineProgram:
    return commands.DefineProgram(name="Health Careers Pathway", chapter_id=chapter.id,
                                  mentee_stages=[S.HIGH_SCHOOL, S.UNDERGRADUATE], mentor_stages=[S.RESIDENT], **rules)


@pytest.mark.parametrize("missing", sorted(SAFEGUARDED))
async def test_a_program_for_high_school_students_is_not_defined_without_vetting_mentors_and_both_accepting(
        uow, chapter, missing):
    published = len(uow.published)
    with pytest.raises(Invalid) as refused:
        await handlers.define_program(for_high_school(chapter, **{**SAFEGUARDED, missing: False}), STAFF, uow)

    assert refused.value.field == missing and "high-school" in str(refused.value)
    assert len(uow.published) == published


async def test_a_program_for_high_school_students_that_vets_its_mentors_and_asks_both_to_accept_is_defined(
        uow, chapter):
    program = await handlers.define_program(for_high_school(chapter, **SAFEGUARDED), STAFF, uow)

    assert program.mentor_approval_required and program.both_must_accept


@pytest.mark.parametrize("change", [{"both_must_accept": False}, {"mentor_approval_required": False}])
async def test_neither_safeguard_is_switched_off_later_while_the_program_takes_high_school_students(
        uow, chapter, change):
    program = await handlers.define_program(for_high_school(chapter, **SAFEGUARDED), STAFF, uow)

    with pytest.raises(Invalid) as refused:
        await handlers.change_program(commands.ChangeProgram(program.id, change), STAFF, uow, anyone)

    assert refused.value.field == next(iter(change))
    assert (await uow.programs.get(program.id)).both_must_accept


async def test_a_program_opened_to_high_school_students_later_needs_both_safeguards_first(uow, chapter):
    program = await handlers.define_program(commands.DefineProgram(
        name="Pre-med Circle", chapter_id=chapter.id, mentee_stages=[S.UNDERGRADUATE], mentor_stages=[S.RESIDENT]),
        STAFF, uow)

    with pytest.raises(Invalid):
        await handlers.change_program(commands.ChangeProgram(
            program.id, {"mentee_stages": [S.HIGH_SCHOOL, S.UNDERGRADUATE]}), STAFF, uow, anyone)
    changed = await handlers.change_program(commands.ChangeProgram(
        program.id, {"mentee_stages": [S.HIGH_SCHOOL, S.UNDERGRADUATE], **SAFEGUARDED}), STAFF, uow, anyone)

    assert S.HIGH_SCHOOL in changed.mentee_stages


@pytest.mark.parametrize("change", [
    {"mentee_stages": [S.UNDERGRADUATE], "both_must_accept": False, "mentor_approval_required": False},
    {"mentee_stages": [S.UNDERGRADUATE], "mentor_approval_required": False},
])
async def test_while_a_high_school_student_is_enrolled_taking_their_stage_out_does_not_switch_the_safeguards_off(
        uow, chapter, register, change):
    # Taking high-school students out of its mentees, then both safeguards, saved; the next mentor who joined,
    # unvetted, was paired at once with the 15-year-old still waiting, and emailed her name, address and words.
    program = await handlers.define_program(for_high_school(chapter, **SAFEGUARDED), STAFF, uow)
    student = await register(S.HIGH_SCHOOL)
    await handlers.enroll(commands.Enroll(student.id, program.id, Role.MENTEE), uow, anyone)

    with pytest.raises(MinorsEnrolled) as refused:
        await handlers.change_program(commands.ChangeProgram(program.id, change), STAFF, uow, anyone)

    assert refused.value.field == "mentor_approval_required"
    kept = await uow.programs.get(program.id)
    assert kept.mentor_approval_required and kept.both_must_accept and S.HIGH_SCHOOL in kept.mentee_stages


async def test_with_no_high_school_student_enrolled_any_more_the_safeguards_may_go_with_their_stage(
        uow, chapter, register):
    program = await handlers.define_program(for_high_school(chapter, **SAFEGUARDED), STAFF, uow)
    student = await register(S.UNDERGRADUATE)
    await handlers.enroll(commands.Enroll(student.id, program.id, Role.MENTEE), uow, anyone)

    changed = await handlers.change_program(commands.ChangeProgram(program.id, {
        "mentee_stages": [S.UNDERGRADUATE], "both_must_accept": False, "mentor_approval_required": False}),
        STAFF, uow, anyone)

    assert not changed.both_must_accept and not changed.mentor_approval_required


async def defined_before_the_safeguards(uow, chapter) -> Program:
    """A program for high-school students saved before programs for them had to vet mentors and ask both sides."""
    program = Program(id=uuid4(), name="Old Pathway", chapter_id=chapter.id,
                      mentee_stages=[S.HIGH_SCHOOL, S.UNDERGRADUATE], mentor_stages=[S.RESIDENT])
    await uow.programs.save(program)
    return program


async def test_a_high_school_student_is_not_enrolled_as_a_mentee_where_mentors_are_unvetted_from_before_the_rule(
        uow, chapter, register):
    program = await defined_before_the_safeguards(uow, chapter)
    student = await register(S.HIGH_SCHOOL)
    published = len(uow.published)

    with pytest.raises(UnsafeForMinors) as refused:
        await handlers.enroll(commands.Enroll(student.id, program.id, Role.MENTEE), uow, anyone)

    assert refused.value.field == "program_id" and "coordinator" in str(refused.value)
    assert not await uow.enrollments.for_person(student.id) and len(uow.published) == published


async def test_an_undergraduate_still_joins_such_a_program_and_a_high_school_student_joins_a_safeguarded_one(
        uow, chapter, register):
    old = await defined_before_the_safeguards(uow, chapter)
    safe = await handlers.define_program(for_high_school(chapter, **SAFEGUARDED), STAFF, uow)

    await handlers.enroll(commands.Enroll((await register(S.UNDERGRADUATE)).id, old.id, Role.MENTEE), uow, anyone)
    await handlers.enroll(commands.Enroll((await register(S.HIGH_SCHOOL)).id, safe.id, Role.MENTEE), uow, anyone)


async def test_a_mentee_of_such_a_program_does_not_become_a_high_school_student_while_enrolled_in_it(
        uow, chapter, register):
    program = await defined_before_the_safeguards(uow, chapter)
    mentee = await register(S.UNDERGRADUATE)
    await handlers.enroll(commands.Enroll(mentee.id, program.id, Role.MENTEE), uow, anyone)

    with pytest.raises(UnsafeForMinors) as refused:
        await handlers.update_person(commands.UpdatePerson(mentee.id, {"stage": S.HIGH_SCHOOL}, mentee.id), uow, anyone)

    assert refused.value.field == "stage"
    assert (await uow.people.get(mentee.id)).stage is S.UNDERGRADUATE


async def test_a_high_school_student_of_a_safeguarded_program_moves_on_to_college_freely(uow, chapter, register):
    program = await handlers.define_program(for_high_school(chapter, **SAFEGUARDED), STAFF, uow)
    student = await register(S.HIGH_SCHOOL)
    await handlers.enroll(commands.Enroll(student.id, program.id, Role.MENTEE), uow, anyone)

    await handlers.update_person(commands.UpdatePerson(student.id, {"stage": S.UNDERGRADUATE}, student.id), uow, anyone)

    assert (await uow.people.get(student.id)).stage is S.UNDERGRADUATE
