"""A program may keep who takes part from other teams (`members_public` false, the default): its enrollments go to our
own services alone, as private twins on a restricted topic; whether it does changes only while nobody has enrolled."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from mentorship_contracts import matching
from mentorship_contracts import profiles as contract
from mentorship_contracts.vocabulary import Role
from mentorship_contracts.vocabulary import TrainingStage as S
from profiles.domain import commands
from profiles.domain.model import MembersPublicFixed
from profiles.entrypoints.consumers import HANDLERS
from profiles.service_layer import console, handlers

from .conftest import STAFF, anyone


def define(chapter, name: str, **rules) -> commands.DefineProgram:
    return commands.DefineProgram(name=name, chapter_id=chapter.id, mentee_stages=[S.MEDICAL_STUDENT_4],
                                  mentor_stages=[S.RESIDENT], **rules)


@pytest.fixture
async def private(uow, chapter):
    return await handlers.define_program(define(chapter, "Rainbow Residents"), STAFF, uow)


@pytest.fixture
async def public(uow, chapter):
    return await handlers.define_program(define(chapter, "Into Residency", members_public=True), STAFF, uow)


async def test_a_program_keeps_who_takes_part_private_unless_defined_otherwise_and_its_definition_says_which(
        uow, chapter):
    kept = await handlers.define_program(define(chapter, "Rainbow Residents"), STAFF, uow)
    kept_said = uow.published[-1]
    shown = await handlers.define_program(define(chapter, "Into Residency", members_public=True), STAFF, uow)
    shown_said = uow.published[-1]

    assert (kept.members_public, shown.members_public) == (False, True)
    assert isinstance(kept_said, contract.ProgramDefinedV5) and kept_said.members_public is False
    assert isinstance(shown_said, contract.ProgramDefinedV5) and shown_said.members_public is True


async def test_an_enrollment_in_a_private_program_is_published_only_as_its_twin_on_the_restricted_topic(
        uow, register, private, public):
    mentor = await register(S.RESIDENT)
    mark = len(uow.published)
    kept = await handlers.enroll(commands.Enroll(mentor.id, private.id, Role.MENTOR), uow, anyone)
    shown = await handlers.enroll(commands.Enroll(mentor.id, public.id, Role.MENTOR), uow, anyone)

    kept_said, shown_said = uow.published_since(mark)
    assert (type(kept_said), kept_said.topic, kept_said.enrollment_id) == (
        contract.PrivateEnrollmentCreated, contract.PRIVATE_ENROLLMENTS, kept.id)
    assert (type(shown_said), shown_said.topic, shown_said.enrollment_id) == (
        contract.EnrollmentCreatedV3, contract.ENROLLMENTS, shown.id)


async def test_every_later_change_of_a_private_programs_enrollment_goes_as_its_twin_too(uow, register, private):
    mentor = await register(S.RESIDENT)
    enrollment = await handlers.enroll(commands.Enroll(mentor.id, private.id, Role.MENTOR), uow, anyone)
    mark = len(uow.published)
    await handlers.change_enrollment(commands.ChangeEnrollment(enrollment.id, {"capacity": 3}), uow, anyone)
    await console.suspend_mentor(enrollment.id, None, STAFF, uow, anyone)
    await handlers.withdraw_enrollment(commands.WithdrawEnrollment(enrollment.id), uow, anyone)

    said = uow.published_since(mark)
    assert [type(e) for e in said] == [contract.PrivateEnrollmentChanged, contract.PrivateMentorSuspended,
                                       contract.PrivateEnrollmentWithdrawn]
    assert {e.topic for e in said} == {contract.PRIVATE_ENROLLMENTS}
    assert not any(e.topic == contract.ENROLLMENTS for e in uow.published)


async def test_whether_members_are_public_may_change_while_nobody_has_enrolled(uow, private):
    changed = await handlers.change_program(commands.ChangeProgram(private.id, {"members_public": True}), STAFF, uow,
                                            anyone)

    assert changed.members_public and (await uow.programs.get(private.id)).members_public
    assert isinstance(uow.published[-1], contract.ProgramDefinedV5) and uow.published[-1].members_public
    assert uow.audited[-1].detail == {"changed": {"members_public": True}}


@pytest.mark.parametrize("withdrawn", [False, True])
async def test_once_anyone_has_enrolled_whether_members_are_public_stays_as_it_was_either_way(
        uow, register, private, public, withdrawn):
    mentor = await register(S.RESIDENT)
    for program in (private, public):
        enrollment = await handlers.enroll(commands.Enroll(mentor.id, program.id, Role.MENTOR), uow, anyone)
        if withdrawn:
            await handlers.withdraw_enrollment(commands.WithdrawEnrollment(enrollment.id), uow, anyone)
    published = len(uow.published)

    for program in (private, public):
        with pytest.raises(MembersPublicFixed) as refused:
            await handlers.change_program(commands.ChangeProgram(
                program.id, {"members_public": not program.members_public, "pair_cap": 5}), STAFF, uow, anyone)
        assert (refused.value.status, refused.value.code, refused.value.field) == (
            409, "members_public_fixed", "members_public")
        assert (await uow.programs.get(program.id)) == program  # nothing else changed either
    assert len(uow.published) == published


async def test_once_anyone_has_enrolled_the_same_setting_sent_again_changes_nothing_and_other_rules_still_change(
        uow, register, private):
    mentor = await register(S.RESIDENT)
    await handlers.enroll(commands.Enroll(mentor.id, private.id, Role.MENTOR), uow, anyone)

    changed = await handlers.change_program(commands.ChangeProgram(
        private.id, {"members_public": False, "pair_cap": 5}), STAFF, uow, anyone)

    assert (changed.members_public, changed.pair_cap) == (False, 5)


PAIRING_TWINS = {
    matching.PrivatePairingProposed: matching.PairingProposed,
    matching.PrivatePairingConfirmed: matching.PairingConfirmed,
    matching.PrivatePairingRenewed: matching.PairingRenewed,
    matching.PrivateRenewalDue: matching.RenewalDue,
    matching.PrivateMeetingOverdue: matching.MeetingOverdue,
    matching.PrivatePairingEnded: matching.PairingEnded,
    matching.PrivatePairingCompleted: matching.PairingCompleted,
    matching.PrivatePairingDeclined: matching.PairingDeclined,
    matching.PrivatePairingLapsed: matching.PairingLapsed,
    matching.PrivateStoppedAnswering: matching.StoppedAnswering,
}


def test_each_private_pairing_event_is_applied_as_its_public_version_is():
    assert {twin: HANDLERS[twin] for twin in PAIRING_TWINS} == {
        twin: HANDLERS[public] for twin, public in PAIRING_TWINS.items()}
    assert {twin.topic for twin in PAIRING_TWINS} == {matching.PRIVATE_PAIRINGS}


async def test_partners_in_a_private_programs_pairing_see_each_other_until_it_ends(uow, register, private):
    mentor = await register(S.RESIDENT, display_name="Dr. Ana Reyes")
    mentee = await register(S.MEDICAL_STUDENT_4, display_name="Sam Okafor")
    pairing = dict(pairing_id=uuid4(), program_id=private.id, chapter_id=private.chapter_id, mentee_id=mentee.id,
                   mentor_id=mentor.id)
    confirmed = matching.PrivatePairingConfirmed(**pairing, score=80, reason_codes=["near_peer"],
                                                 term_ends_at=datetime(2028, 3, 1, tzinfo=UTC))

    await HANDLERS[type(confirmed)](confirmed, uow)
    assert (await handlers.partner_view(mentor.id, mentee.id, uow)).display_name == "Dr. Ana Reyes"

    ended = matching.PrivatePairingEnded(**pairing, ended_by=Role.MENTOR, reason_code="moved_on")
    await HANDLERS[type(ended)](ended, uow)
    assert not await uow.partnerships.between(mentor.id, mentee.id)


async def test_once_anyone_enrolled_and_was_then_erased_whether_members_are_public_still_stays_as_it_was(
        uow, register, private):
    mentor = await register(S.RESIDENT)
    await handlers.enroll(commands.Enroll(mentor.id, private.id, Role.MENTOR), uow, anyone)
    await handlers.erase_person(commands.ErasePerson(mentor.id), STAFF, uow, anyone)

    with pytest.raises(MembersPublicFixed):
        await handlers.change_program(commands.ChangeProgram(private.id, {"members_public": True}), STAFF, uow, anyone)
    assert not (await uow.programs.get(private.id)).members_public
