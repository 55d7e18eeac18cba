"""A pairing ended by one of its people for a problem of conduct holds the other, the person reported, from any new
pairing in the program until staff have reviewed: in the ending's own transaction, so there is no window."""

from __future__ import annotations

from uuid import UUID

import pytest
from matching.domain import commands
from matching.domain.errors import MentorRuledOut, TransitionNotAllowed
from matching.service_layer import choice, lifecycle, projections, stepping_in
from mentorship_contracts import matching as published
from mentorship_contracts.profiles import EnrollmentChangedV4, MentorApprovedV2

from .fakes import Platform
from .profiles_service import Profiles, acting_as, administrator


def enrollment_of(platform: Platform, person: UUID, program: UUID) -> dict:
    [enrollment] = [e for e in platform.people.enrollments.values()
                    if (e["person_id"], e["program_id"]) == (person, program)]
    return enrollment


async def approved_again(platform: Platform, mentor: UUID, program: UUID) -> None:
    """A coordinator approves the mentor again, as profiles announces it."""
    enrollment = enrollment_of(platform, mentor, program)
    await projections.mentor_approved(MentorApprovedV2(enrollment_id=enrollment["id"], person_id=mentor,
                                                       program_id=program, chapter_id=None), platform.uow())


async def a_mentor_their_mentee_and_one_waiting() -> tuple[Platform, Profiles, UUID, UUID, UUID, UUID,
                                                            published.PairingConfirmed]:
    """A program whose one mentor is paired with the mentee who will report them, and a second mentee waiting for that
    place: (platform, profiles, program, mentor, reporter, next in line, their pairing)."""
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    reporter = await profiles.person(program, "mentee")
    next_in_line = await profiles.person(program, "mentee")
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=reporter)
    return platform, profiles, program, mentor, reporter, next_in_line, pairing


async def test_a_mentor_reported_by_their_mentee_for_a_problem_of_conduct_is_offered_nobody_in_the_place_it_freed():
    platform, profiles, program, mentor, reporter, next_in_line, pairing = await a_mentor_their_mentee_and_one_waiting()

    await lifecycle.end(commands.EndPairing(pairing.pairing_id, "conduct"), platform.uow(), acting_as(reporter))

    [ended] = platform.events(published.PairingEnded)
    assert (ended.ended_by, ended.reason_code) == ("mentee", "conduct")
    assert not platform.events(published.PairingConfirmed, mentee_id=next_in_line)
    assert not platform.events(published.PairingProposed, mentee_id=next_in_line)
    assert enrollment_of(platform, mentor, program)["approved"] is False
    assert not platform.events(published.PairingConfirmed, mentee_id=reporter, mentor_id=mentor)[1:]


async def test_a_mentor_reported_for_conduct_is_proposed_again_once_a_coordinator_approves_them_again():
    platform, profiles, program, mentor, reporter, next_in_line, pairing = await a_mentor_their_mentee_and_one_waiting()
    await lifecycle.end(commands.EndPairing(pairing.pairing_id, "conduct"), platform.uow(), acting_as(reporter))

    await approved_again(platform, mentor, program)

    [again] = platform.events(published.PairingConfirmed, mentee_id=next_in_line)
    assert again.mentor_id == mentor


async def test_profiles_putting_a_reported_mentor_back_in_the_vetting_queue_keeps_them_held():
    platform, profiles, program, mentor, reporter, next_in_line, pairing = await a_mentor_their_mentee_and_one_waiting()
    await lifecycle.end(commands.EndPairing(pairing.pairing_id, "conduct"), platform.uow(), acting_as(reporter))
    enrollment = enrollment_of(platform, mentor, program)

    await projections.enrollment_changed(EnrollmentChangedV4(
        enrollment_id=enrollment["id"], person_id=mentor, program_id=program, chapter_id=None, role="mentor",
        stage="resident", capacity=1, mentee_stages_welcome=[], approval="pending",
        changed_fields=["approval", "review_reason"],
        pairing_kind="general", paused=False), platform.uow())

    assert not platform.events(published.PairingConfirmed, mentee_id=next_in_line)
    assert enrollment_of(platform, mentor, program)["approved"] is False


async def test_a_mentor_reported_for_conduct_is_neither_suggested_nor_requested_and_a_request_waiting_lapses():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="mentee_choice")
    mentor = await profiles.person(program, "mentor", capacity=3)
    reporter = await profiles.person(program, "mentee")
    waiting = await profiles.person(program, "mentee")
    choosing = await profiles.person(program, "mentee")
    first = await choice.request_mentor(commands.RequestMentor(program, reporter, mentor), platform.uow())
    await lifecycle.accept(commands.AcceptPairing(first), platform.uow(), acting_as(mentor))
    second = await choice.request_mentor(commands.RequestMentor(program, waiting, mentor), platform.uow())
    assert [s["mentor_id"] for s in await choice.suggestions(program, choosing, platform.uow())] == [mentor]

    await lifecycle.end(commands.EndPairing(first, "conduct"), platform.uow(), acting_as(reporter))

    # The request waiting lapses as one to a mentor who is no longer taking mentees: its mentee asks another.
    [lapsed] = platform.events(published.PairingLapsed, pairing_id=second)
    assert (lapsed.reason_code, lapsed.lapsed_by) == ("mentor_suspended", "mentor")
    with pytest.raises(TransitionNotAllowed):
        await lifecycle.accept(commands.AcceptPairing(second), platform.uow(), acting_as(mentor))
    assert await choice.suggestions(program, choosing, platform.uow()) == []
    with pytest.raises(MentorRuledOut):
        await choice.request_mentor(commands.RequestMentor(program, choosing, mentor), platform.uow())


async def test_a_proposal_waiting_for_a_mentor_reported_for_conduct_is_withdrawn_and_its_mentee_waits_again():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(both_must_accept=True)
    mentor = await profiles.person(program, "mentor", capacity=2)
    reporter = await profiles.person(program, "mentee")
    other = await profiles.person(program, "mentee")
    first, second = (platform.events(published.PairingProposed, mentee_id=m)[0].pairing_id for m in (reporter, other))
    for side in (reporter, mentor):
        await lifecycle.accept(commands.AcceptPairing(first), platform.uow(), acting_as(side))
    await lifecycle.accept(commands.AcceptPairing(second), platform.uow(), acting_as(other))

    await lifecycle.end(commands.EndPairing(first, "conduct"), platform.uow(), acting_as(reporter))

    # Told as a proposal the program withdrew (notifications says no more): the mentee waits for another mentor.
    [declined] = platform.events(published.PairingDeclined, pairing_id=second)
    assert declined.reason_code == "mentor_suspended"
    assert [p["status"] for p in platform.stored_pairings(mentee_id=other)] == ["declined"]
    assert platform.events(published.MenteeWaitlisted, mentee_id=other)
    with pytest.raises(TransitionNotAllowed):
        await lifecycle.accept(commands.AcceptPairing(second), platform.uow(), acting_as(mentor))


@pytest.mark.parametrize("reason", ["schedule_conflict", "not_responding", "goals_met", "other"])
async def test_an_ending_for_another_reason_offers_the_freed_place_as_before(reason):
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    first = await profiles.person(program, "mentee")
    next_in_line = await profiles.person(program, "mentee")
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=first)

    await lifecycle.end(commands.EndPairing(pairing.pairing_id, reason), platform.uow(), acting_as(first))

    [again] = platform.events(published.PairingConfirmed, mentee_id=next_in_line)
    assert again.mentor_id == mentor and enrollment_of(platform, mentor, program)["approved"] is True


async def test_a_coordinator_ending_a_pairing_for_conduct_has_looked_already_and_holds_nobody_back():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    first = await profiles.person(program, "mentee")
    next_in_line = await profiles.person(program, "mentee")
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=first)

    await stepping_in.end_for_program(commands.EndForProgram(pairing.pairing_id, "conduct", "looked into it"),
                                      platform.uow(), lambda p, r: commands.Actor(None, for_program=True),
                                      administrator())

    assert platform.events(published.PairingConfirmed, mentee_id=next_in_line, mentor_id=mentor)


async def test_a_mentee_reported_by_their_mentor_for_conduct_waits_paused_and_is_paired_with_no_other_mentor():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    reported = await profiles.person(program, "mentee")
    await profiles.person(program, "mentor")  # another mentor with room, who would be proposed
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=reported)

    await lifecycle.end(commands.EndPairing(pairing.pairing_id, "conduct"), platform.uow(), acting_as(mentor))

    assert len(platform.events(published.PairingConfirmed, mentee_id=reported)) == 1
    assert not platform.events(published.PairingProposed, mentee_id=reported)
    assert enrollment_of(platform, reported, program)["paused"] is True
    assert enrollment_of(platform, mentor, program)["approved"] is True  # the mentor who reported is not held


async def test_a_mentor_reported_for_conduct_is_held_in_every_kind_of_mentorship_they_offer_in_the_program():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor", kind="general")
    await profiles.enroll(mentor, program, "mentor", "resident", kind="research")
    reporter = await profiles.person(program, "mentee", kind="general")
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=reporter)

    await lifecycle.end(commands.EndPairing(pairing.pairing_id, "conduct"), platform.uow(), acting_as(reporter))
    researcher = await profiles.person(program, "mentee", kind="research")

    assert not platform.events(published.PairingConfirmed, mentee_id=researcher)
    assert {e["pairing_kind"]: e["approved"] for e in platform.people.enrollments.values()
            if e["person_id"] == mentor} == {"general": False, "research": False}


def enrollment_changed(platform: Platform, person: UUID, program: UUID, changed: list[str], *,
                       approval: str = "approved", paused: bool = False) -> EnrollmentChangedV4:
    enrollment = enrollment_of(platform, person, program)
    return EnrollmentChangedV4(
        enrollment_id=enrollment["id"], person_id=person, program_id=program, chapter_id=None,
        role=enrollment["role"], stage=enrollment["stage"], capacity=1, mentee_stages_welcome=[], approval=approval,
        changed_fields=changed, pairing_kind="general", paused=paused)


async def test_a_change_profiles_announced_before_it_read_the_report_does_not_approve_a_reported_mentor_again():
    platform, profiles, program, mentor, reporter, next_in_line, pairing = await a_mentor_their_mentee_and_one_waiting()
    stale = enrollment_changed(platform, mentor, program, ["capacity"])  # approved, as profiles had it then

    await lifecycle.end(commands.EndPairing(pairing.pairing_id, "conduct"), platform.uow(), acting_as(reporter))
    await projections.enrollment_changed(stale, platform.uow())

    assert not platform.events(published.PairingConfirmed, mentee_id=next_in_line)
    await approved_again(platform, mentor, program)
    assert platform.events(published.PairingConfirmed, mentee_id=next_in_line, mentor_id=mentor)


async def test_a_reported_mentee_is_resumed_by_the_coordinators_clearing_of_the_review_not_by_an_earlier_change():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    reported = await profiles.person(program, "mentee")
    other = await profiles.person(program, "mentor")
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=reported)
    stale = enrollment_changed(platform, reported, program, ["goals"])  # not paused, as profiles had it then

    await lifecycle.end(commands.EndPairing(pairing.pairing_id, "conduct"), platform.uow(), acting_as(mentor))
    await projections.enrollment_changed(stale, platform.uow())
    await projections.enrollment_changed(enrollment_changed(platform, reported, program, ["paused", "review_reason"],
                                                            paused=True), platform.uow())  # profiles holds them too

    assert enrollment_of(platform, reported, program)["paused"] is True
    assert len(platform.events(published.PairingConfirmed, mentee_id=reported)) == 1
    await projections.enrollment_changed(enrollment_changed(platform, reported, program, ["paused", "review_reason"]),
                                         platform.uow())
    assert platform.events(published.PairingConfirmed, mentee_id=reported, mentor_id=other)


async def test_a_round_drafted_before_the_report_skips_the_reported_mentor_when_it_is_published():
    from matching.adapters.solver import optimal_assignment
    from matching.service_layer import rounds

    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor", capacity=2)
    reporter = await profiles.person(program, "mentee")

    async def round_drafted() -> UUID:
        round_id = await rounds.queue_round(commands.RunRound(program, "optimal", False), platform.uow(), administrator())
        await rounds.run_next_round(platform.uow, optimal_assignment)
        return round_id

    await rounds.publish(await round_drafted(), platform.uow(), administrator())
    [proposed] = platform.events(published.PairingProposed, mentee_id=reporter)
    await lifecycle.accept(commands.AcceptPairing(proposed.pairing_id), platform.uow(), acting_as(reporter))
    next_in_line = await profiles.person(program, "mentee")
    drafted = await round_drafted()

    await lifecycle.end(commands.EndPairing(proposed.pairing_id, "conduct"), platform.uow(), acting_as(reporter))
    outcome = await rounds.publish(drafted, platform.uow(), administrator())

    assert not platform.events(published.PairingProposed, mentee_id=next_in_line)
    assert [(s["mentee_id"], s["mentor_id"], s["reason_code"]) for s in outcome["skipped"]] == [
        (next_in_line, mentor, "mentor_not_approved")]
