"""A mentorship that ran its course (ended because its goals were met, or completed at the end of its term) leaves
its mentee resting: paused, on no waitlist and proposed to nobody, in the ending's own transaction, until they ask
for another mentor themselves (profiles announces their enrollment resumed)."""

from __future__ import annotations

from uuid import UUID

import pytest
from matching.domain import commands
from matching.service_layer import lifecycle, projections, stepping_in
from mentorship_contracts import matching as published

from .fakes import Platform
from .profiles_service import Profiles, acting_as, administrator
from .test_reported_for_conduct import enrollment_changed, enrollment_of


async def a_mentee_paired_and_another_mentor_free() -> tuple[Platform, UUID, UUID, UUID, UUID]:
    """A program whose mentee is paired with their mentor, and a second mentor with room who would be proposed to
    anyone waiting: (platform, program, mentor, mentee, pairing)."""
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    await profiles.person(program, "mentor")
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=mentee)
    return platform, program, mentor, mentee, pairing.pairing_id


def paired_again(platform: Platform, mentee: UUID) -> bool:
    return bool(platform.events(published.PairingConfirmed, mentee_id=mentee)[1:]
                or platform.events(published.PairingProposed, mentee_id=mentee)[1:])


async def end_as(who: str, pairing_id: UUID, mentor: UUID, mentee: UUID, platform: Platform) -> None:
    if who == "program":
        await stepping_in.end_for_program(commands.EndForProgram(pairing_id, "goals_met", "they said so"),
                                          platform.uow(), lambda p, r: commands.Actor(None, for_program=True),
                                          administrator())
    else:
        await lifecycle.end(commands.EndPairing(pairing_id, "goals_met"), platform.uow(),
                            acting_as(mentor if who == "mentor" else mentee))


@pytest.mark.parametrize("who", ["mentor", "mentee", "program"])
async def test_a_mentee_whose_mentorship_ended_with_its_goals_met_rests_on_no_waitlist_and_is_proposed_to_nobody(who):
    platform, program, mentor, mentee, pairing_id = await a_mentee_paired_and_another_mentor_free()

    await end_as(who, pairing_id, mentor, mentee, platform)

    assert not paired_again(platform, mentee)
    assert not platform.events(published.MenteeWaitlisted, mentee_id=mentee)
    assert enrollment_of(platform, mentee, program)["paused"] is True


async def test_a_mentee_whose_mentorship_completed_its_term_rests_until_they_ask_for_another_mentor():
    platform, program, mentor, mentee, pairing_id = await a_mentee_paired_and_another_mentor_free()

    platform.later_by(days=400)  # past the twelve-month term
    await lifecycle.signal_lifecycle(platform.uow(), renewal_notice_days=30, answer_within_days=14)

    assert [e.pairing_id for e in platform.events(published.PairingCompleted)] == [pairing_id]
    assert not paired_again(platform, mentee)
    assert not platform.events(published.MenteeWaitlisted, mentee_id=mentee)
    assert enrollment_of(platform, mentee, program)["paused"] is True


async def test_a_resting_mentee_who_asks_for_another_mentor_is_paired_as_any_mentee_who_resumes():
    platform, program, mentor, mentee, pairing_id = await a_mentee_paired_and_another_mentor_free()
    await end_as("mentor", pairing_id, mentor, mentee, platform)
    # Profiles pauses them too, saying why: its word on them is after the ending from now on.
    await projections.enrollment_changed(enrollment_changed(platform, mentee, program, ["paused", "paused_because"],
                                                            paused=True), platform.uow())
    assert not paired_again(platform, mentee)

    await projections.enrollment_changed(enrollment_changed(platform, mentee, program, ["paused"]), platform.uow())

    [again] = platform.events(published.PairingConfirmed, mentee_id=mentee)[1:]
    assert again.mentor_id != mentor  # they ended with that one: another mentor


async def test_a_change_profiles_announced_before_it_read_the_ending_does_not_put_a_resting_mentee_back_to_waiting():
    platform, program, mentor, mentee, pairing_id = await a_mentee_paired_and_another_mentor_free()
    stale = enrollment_changed(platform, mentee, program, ["paused"])  # they had just resumed a pause of their own

    await end_as("mentor", pairing_id, mentor, mentee, platform)
    await projections.enrollment_changed(stale, platform.uow())

    assert not paired_again(platform, mentee)
    assert enrollment_of(platform, mentee, program)["paused"] is True


async def test_a_mentor_whose_mentee_met_their_goals_is_offered_to_the_next_mentee_waiting():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    next_in_line = await profiles.person(program, "mentee")
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=mentee)

    await end_as("mentee", pairing.pairing_id, mentor, mentee, platform)

    assert platform.events(published.PairingConfirmed, mentee_id=next_in_line, mentor_id=mentor)


async def test_a_mentee_who_met_their_goals_rests_in_every_kind_of_mentorship_they_seek_in_the_program():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor", kind="general")
    mentee = await profiles.person(program, "mentee", kind="general")
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=mentee)
    await profiles.enroll(mentee, program, "mentee", "undergraduate", kind="research")

    await end_as("mentor", pairing.pairing_id, mentor, mentee, platform)
    await profiles.person(program, "mentor", kind="research")

    # As profiles pauses them, which a pairing's ending does not tell what kind it was.
    assert {e["pairing_kind"]: e["paused"] for e in platform.people.enrollments.values()
            if e["person_id"] == mentee} == {"general": True, "research": True}
    assert not paired_again(platform, mentee)
