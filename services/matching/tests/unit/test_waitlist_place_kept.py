"""A mentee whose mentorship closes through no doing of theirs keeps their place on the waitlist, ahead of those
who came after them; one who ended it themselves waits from now, at the back: on in-memory repositories."""

from __future__ import annotations

from uuid import UUID

import pytest
from matching.domain import commands
from matching.service_layer import lifecycle, projections, stepping_in, views
from mentorship_contracts import matching as published

from .fakes import Platform
from .profiles_service import Profiles, acting_as, administrator
from .test_reported_for_conduct import enrollment_changed


def program_acts(pairing, program) -> commands.Actor:
    return commands.Actor(None, for_program=True)


async def test_a_mentee_whose_mentor_leaves_the_program_keeps_their_place_ahead_of_those_who_enrolled_after_them():
    # The tester's demo: Jaden, paired with Kwame, went behind Priya (who enrolled after him) when Kwame left.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    kwame = await profiles.person(program, "mentor")
    jaden = await profiles.person(program, "mentee")
    priya = await profiles.person(program, "mentee")
    leo = await profiles.person(program, "mentee")
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=jaden)

    await profiles.withdraw(kwame, program)

    [ended] = platform.events(published.PairingEnded, mentee_id=jaden)
    assert (ended.ended_by, ended.reason_code) == ("mentor", "withdrawn")
    [waiting] = platform.events(published.MenteeWaitlisted, mentee_id=jaden)
    assert (waiting.position, waiting.after_pairing_id) == (1, pairing.pairing_id)
    # Those behind him are one place further back, as the waitlist says, and whoever comes next is told so.
    assert [(e["person_id"], e["position"]) for e in await views.waitlist(program, platform.uow())] == [
        (jaden, 1), (priya, 2), (leo, 3)]
    assert (await views.waitlist_place(program, priya, platform.uow()))["position"] == 2
    newcomer = await profiles.person(program, "mentee")
    [told] = platform.events(published.MenteeWaitlisted, mentee_id=newcomer)
    assert told.position == 4


async def test_mentees_of_a_mentor_who_leaves_keep_their_places_among_themselves_and_ahead_of_later_ones():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor", capacity=2)
    first = await profiles.person(program, "mentee")
    second = await profiles.person(program, "mentee")
    later = await profiles.person(program, "mentee")
    assert [(e.mentee_id, e.position) for e in platform.events(published.MenteeWaitlisted)] == [(later, 1)]

    await profiles.withdraw(mentor, program)

    # Told in one transaction, each is told a place of their own, in the order they enrolled.
    assert [(e.mentee_id, e.position) for e in platform.events(published.MenteeWaitlisted)][1:] == [
        (first, 1), (second, 2)]
    assert [(e["person_id"], e["position"]) for e in await views.waitlist(program, platform.uow())] == [
        (first, 1), (second, 2), (later, 3)]


async def ended_by(how: str, pairing: published.PairingEvent, platform: Platform) -> None:
    """The active mentorship ends `how`: by its mentor, by the program, or by its mentee, for a reason."""
    by, reason = how.split(": ")
    if by == "program":
        await stepping_in.end_for_program(commands.EndForProgram(pairing.pairing_id, reason), platform.uow(),
                                          program_acts, administrator())
        return
    person = pairing.mentor_id if by == "mentor" else pairing.mentee_id
    await lifecycle.end(commands.EndPairing(pairing.pairing_id, reason), platform.uow(), acting_as(person))


@pytest.mark.parametrize(("how", "keeps_place"), [
    ("mentor: schedule_conflict", True),  # their mentor ended it early
    ("mentor: relocated", True),
    ("program: not_a_good_fit", True),  # a coordinator ended it
    ("mentee: conduct", True),  # they reported their mentor: no fault of theirs
    ("mentee: not_responding", True),  # their mentor stopped answering
    ("mentee: schedule_conflict", False),  # they ended it themselves
    ("mentee: prefer_another_mentor", False),
    ("mentor: not_responding", False),  # their mentor ended it as they stopped answering
])
async def test_a_mentee_keeps_their_place_when_their_mentorship_ends_through_no_doing_of_theirs(how, keeps_place):
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    behind = [await profiles.person(program, "mentee") for _ in range(2)]  # both wait: the only mentor is taken
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=mentee)

    await ended_by(how, pairing, platform)

    queue = [e["person_id"] for e in await views.waitlist(program, platform.uow())]
    [told] = platform.events(published.MenteeWaitlisted, mentee_id=mentee)
    assert told.position == queue.index(mentee) + 1
    if keeps_place:
        assert queue[0] == mentee and told.position == 1
    else:
        assert queue[-1] == mentee and set(queue[:-1]) <= set(behind)


@pytest.mark.parametrize("how", ["mentor: goals_met", "program: goals_met", "mentee: goals_met"])
async def test_a_mentee_whose_mentorship_ran_its_course_rests_and_waits_from_when_they_ask_again(how):
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    later: list[UUID] = [await profiles.person(program, "mentee") for _ in range(2)]
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=mentee)

    await ended_by(how, pairing, platform)
    # Profiles pauses them too, saying why; then they ask for another mentor.
    await projections.enrollment_changed(enrollment_changed(platform, mentee, program, ["paused", "paused_because"],
                                                            paused=True), platform.uow())
    await projections.enrollment_changed(enrollment_changed(platform, mentee, program, ["paused"]), platform.uow())

    queue = [e["person_id"] for e in await views.waitlist(program, platform.uow())]
    assert queue[-1] == mentee and set(queue[:-1]) <= set(later)
    assert platform.events(published.MenteeWaitlisted, mentee_id=mentee)[-1].position == len(queue)


async def test_a_mentee_whose_proposed_mentor_leaves_the_program_before_answering_keeps_their_place_too():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(both_must_accept=True)
    mentor = await profiles.person(program, "mentor")
    first = await profiles.person(program, "mentee")
    later = [await profiles.person(program, "mentee") for _ in range(2)]

    await profiles.withdraw(mentor, program)

    [declined] = platform.events(published.PairingDeclined, mentee_id=first)
    assert (declined.declined_by, declined.reason_code) == ("mentor", "withdrawn")
    assert [e["person_id"] for e in await views.waitlist(program, platform.uow())] == [first, *later]
    assert platform.events(published.MenteeWaitlisted, mentee_id=first)[-1].position == 1


async def test_a_mentee_who_paused_while_waiting_is_told_their_place_again_on_resuming():
    # Nothing said a resumed mentee was back: to them, nor to a team counting the waitlist from its events.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    ines = await profiles.person(program, "mentee")
    [first] = platform.events(published.MenteeWaitlisted, mentee_id=ines)

    await profiles.pause(ines, program)
    await profiles.pause(ines, program, paused=False)

    [_, again] = platform.events(published.MenteeWaitlisted, mentee_id=ines)
    assert again.position == first.position == 1
