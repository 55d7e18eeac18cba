"""Enrolling in programs, changing and withdrawing, and vetting mentors, with an in-memory unit of work."""

import pytest
from mentorship_contracts import profiles as contract
from mentorship_contracts.vocabulary import PairingKind, Role
from mentorship_contracts.vocabulary import TrainingStage as S
from plumbing.errors import Conflict, Invalid
from profiles.domain import commands
from profiles.domain.model import AlreadyEnrolled, StageNotEligible
from profiles.service_layer import console, handlers

from .conftest import STAFF, anyone


async def test_a_mentor_in_a_vetted_program_waits_for_approval(uow, register, vetted_program):
    mentor = await register(S.RESIDENT)
    command = commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR, capacity=2)
    enrollment = await handlers.enroll(command, uow, anyone)
    assert enrollment.approval == "pending"
    assert uow.published[-1].approval == "pending"


async def test_a_coordinator_approves_then_suspends_a_mentor_and_each_is_announced(uow, register, vetted_program):
    mentor = await register(S.FELLOW)
    enrollment = await handlers.enroll(commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR), uow, anyone)
    await console.approve_mentor(enrollment.id, None, STAFF, uow, anyone)
    suspended = await console.suspend_mentor(enrollment.id, None, STAFF, uow, anyone)
    assert suspended.approval == "suspended"
    # Its program keeps who takes part from other teams, as every program does unless it says otherwise.
    assert [type(e) for e in uow.published[-2:]] == [contract.PrivateMentorApproved, contract.PrivateMentorSuspended]
    assert uow.published[-1].was_approved is True
    with pytest.raises(Conflict):
        await console.suspend_mentor(enrollment.id, None, STAFF, uow, anyone)


async def test_a_mentor_suspended_before_any_approval_is_announced_as_never_approved(uow, register, vetted_program):
    mentor = await register(S.FELLOW)
    enrollment = await handlers.enroll(commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR), uow, anyone)
    await console.suspend_mentor(enrollment.id, None, STAFF, uow, anyone)
    [suspended] = [e for e in uow.published if isinstance(e, contract.MentorSuspended)]
    assert (type(suspended), suspended.was_approved) == (contract.PrivateMentorSuspended, False)


async def test_mentees_are_not_vetted(uow, register, vetted_program):
    mentee = await register(S.MEDICAL_STUDENT_4)
    enrollment = await handlers.enroll(commands.Enroll(mentee.id, vetted_program.id, Role.MENTEE), uow, anyone)
    with pytest.raises(Conflict) as refused:
        await console.approve_mentor(enrollment.id, None, STAFF, uow, anyone)
    assert refused.value.field == "role"


async def test_a_stage_the_program_does_not_take_is_refused_naming_the_stage(uow, register, vetted_program):
    student = await register(S.UNDERGRADUATE)
    with pytest.raises(StageNotEligible) as refused:
        await handlers.enroll(commands.Enroll(student.id, vetted_program.id, Role.MENTEE), uow, anyone)
    assert refused.value.field == "stage"


async def test_a_mentor_may_welcome_only_stages_the_program_takes(uow, register, vetted_program):
    mentor = await register(S.RESIDENT)
    with pytest.raises(Invalid) as refused:
        await handlers.enroll(commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR,
                                              mentee_stages_welcome=[S.HIGH_SCHOOL]), uow, anyone)
    assert refused.value.field == "mentee_stages_welcome"


async def test_a_group_mentor_takes_no_more_mentees_than_a_group_holds(uow, register, chapter):
    program = await handlers.define_program(commands.DefineProgram(
        name="Five per campus", chapter_id=chapter.id, mentee_stages=[S.UNDERGRADUATE], mentor_stages=[S.ATTENDING],
        format="group", group_size=4), STAFF, uow)
    mentor = await register(S.ATTENDING)
    with pytest.raises(Invalid) as refused:
        await handlers.enroll(commands.Enroll(mentor.id, program.id, Role.MENTOR, capacity=5), uow, anyone)
    assert refused.value.field == "capacity"


async def test_a_chapter_program_takes_members_of_its_chapter_only(uow, vetted_program):
    outsider = await handlers.register_person(commands.RegisterPerson("B", "b@example.org", S.RESIDENT), uow)
    with pytest.raises(Invalid) as refused:
        await handlers.enroll(commands.Enroll(outsider.id, vetted_program.id, Role.MENTOR), uow, anyone)
    assert refused.value.field == "program_id"


async def test_enrolling_again_as_a_retry_answers_the_same_enrollment_and_publishes_nothing(
    uow, register, vetted_program
):
    # A client whose first request committed but whose answer was lost (profiles died in between) sends it again.
    mentee = await register(S.MEDICAL_STUDENT_4)
    first = await handlers.enroll(commands.Enroll(mentee.id, vetted_program.id, Role.MENTEE, goals="Match"), uow, anyone)
    published = len(uow.published)
    again = await handlers.enroll(commands.Enroll(mentee.id, vetted_program.id, Role.MENTEE, goals="Match"), uow, anyone)
    assert again == first
    assert len(uow.published) == published


async def test_enrolling_twice_in_the_same_role_on_other_terms_is_refused_and_nothing_is_published(
    uow, register, vetted_program
):
    mentee = await register(S.MEDICAL_STUDENT_4)
    await handlers.enroll(commands.Enroll(mentee.id, vetted_program.id, Role.MENTEE, goals="Match"), uow, anyone)
    published = len(uow.published)
    with pytest.raises(AlreadyEnrolled):
        await handlers.enroll(commands.Enroll(mentee.id, vetted_program.id, Role.MENTEE, goals="Research"), uow,
                              anyone)
    assert len(uow.published) == published


async def test_one_person_mentors_in_one_program_and_is_mentored_in_another(uow, register, chapter, vetted_program):
    into_medical_school = await handlers.define_program(commands.DefineProgram(
        name="Into Medical School", chapter_id=None, mentee_stages=[S.UNDERGRADUATE],
        mentor_stages=[S.MEDICAL_STUDENT_3]), STAFF, uow)
    student = await register(S.MEDICAL_STUDENT_3)
    await handlers.enroll(commands.Enroll(student.id, into_medical_school.id, Role.MENTOR), uow, anyone)
    await handlers.enroll(commands.Enroll(student.id, vetted_program.id, Role.MENTEE), uow, anyone)
    assert {e.role for e in await handlers.enrollments_of(student.id, uow, anyone)} == {Role.MENTOR, Role.MENTEE}


async def test_a_changed_enrollment_names_what_changed_and_a_withdrawn_one_can_be_rejoined(
    uow, register, vetted_program
):
    mentor = await register(S.RESIDENT)
    enrollment = await handlers.enroll(commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR), uow, anyone)
    await handlers.change_enrollment(commands.ChangeEnrollment(enrollment.id, {"capacity": 3}), uow, anyone)
    assert uow.published[-1].changed_fields == ["capacity"] and uow.published[-1].capacity == 3
    await handlers.withdraw_enrollment(commands.WithdrawEnrollment(enrollment.id), uow, anyone)
    assert isinstance(uow.published[-1], contract.EnrollmentWithdrawn)
    with pytest.raises(Conflict):
        await handlers.change_enrollment(commands.ChangeEnrollment(enrollment.id, {"capacity": 2}), uow, anyone)
    await handlers.enroll(commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR), uow, anyone)


async def test_a_program_whose_cadence_runs_backwards_is_refused(uow):
    with pytest.raises(Invalid) as refused:
        await handlers.define_program(commands.DefineProgram(
            name="Backwards", chapter_id=None, mentee_stages=[S.UNDERGRADUATE], mentor_stages=[S.RESIDENT],
            cadence_min_days=60, cadence_max_days=30), STAFF, uow)
    assert refused.value.field == "cadence_max_days"
    assert uow.published == []


async def test_changing_a_program_republishes_its_whole_definition(uow, vetted_program):
    await handlers.change_program(commands.ChangeProgram(vetted_program.id, {"pair_cap": 25}), STAFF, uow, anyone)
    assert isinstance(uow.published[-1], contract.ProgramDefined) and uow.published[-1].pair_cap == 25
    assert uow.published[-1].mentor_approval_required


async def test_a_programs_own_time_to_answer_travels_with_its_definition_and_none_means_the_platforms(
        uow, vetted_program):
    assert vetted_program.answer_within_days is None
    await handlers.change_program(commands.ChangeProgram(vetted_program.id, {"answer_within_days": 5}), STAFF, uow,
                                  anyone)
    assert isinstance(uow.published[-1], contract.ProgramDefinedV4) and uow.published[-1].answer_within_days == 5


async def test_where_a_program_offers_several_kinds_a_mentee_holds_one_enrollment_of_each(uow, register, chapter):
    program = await handlers.define_program(commands.DefineProgram(
        name="Clinical and research", chapter_id=chapter.id, mentee_stages=[S.MEDICAL_STUDENT_2],
        mentor_stages=[S.RESIDENT], pairing_kinds=[PairingKind.CLINICAL, PairingKind.RESEARCH]), STAFF, uow)
    assert uow.published[-1].pairing_kinds == [PairingKind.CLINICAL, PairingKind.RESEARCH]
    mentee = await register(S.MEDICAL_STUDENT_2)
    with pytest.raises(Invalid) as unsaid:
        await handlers.enroll(commands.Enroll(mentee.id, program.id, Role.MENTEE), uow, anyone)
    assert unsaid.value.field == "pairing_kind"
    with pytest.raises(Invalid) as not_offered:
        await handlers.enroll(commands.Enroll(mentee.id, program.id, Role.MENTEE, pairing_kind=PairingKind.CAREER),
                              uow, anyone)
    assert not_offered.value.field == "pairing_kind"

    for kind in (PairingKind.CLINICAL, PairingKind.RESEARCH):
        await handlers.enroll(commands.Enroll(mentee.id, program.id, Role.MENTEE, pairing_kind=kind), uow, anyone)
        assert isinstance(uow.published[-1], contract.EnrollmentCreatedV2) and uow.published[-1].pairing_kind == kind
    with pytest.raises(AlreadyEnrolled):
        await handlers.enroll(commands.Enroll(mentee.id, program.id, Role.MENTEE, pairing_kind=PairingKind.RESEARCH,
                                              goals="A second research mentor"), uow, anyone)


async def test_a_program_of_one_kind_gives_it_to_every_enrollment(uow, register, vetted_program):
    mentor = await register(S.RESIDENT)
    enrollment = await handlers.enroll(commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR), uow, anyone)
    assert enrollment.pairing_kind == PairingKind.GENERAL and uow.published[-1].pairing_kind == PairingKind.GENERAL


async def test_a_program_naming_a_kind_twice_is_refused(uow):
    with pytest.raises(Invalid) as refused:
        await handlers.define_program(commands.DefineProgram(
            name="Twice", chapter_id=None, mentee_stages=[S.UNDERGRADUATE], mentor_stages=[S.RESIDENT],
            pairing_kinds=[PairingKind.CLINICAL, PairingKind.CLINICAL]), STAFF, uow)
    assert refused.value.field == "pairing_kinds"
