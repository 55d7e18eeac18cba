"""A coordinator steps in (pairs by hand, reassigns, ends), and suspended people and paused mentors are paired with
nobody: on in-memory repositories."""

from __future__ import annotations

import pytest
from matching.domain import commands
from matching.domain.errors import MenteeSuspended, MentorFull, PersonPaused, SamePerson, TransitionNotAllowed
from matching.service_layer import lifecycle, projections, stepping_in, views
from mentorship_contracts import matching as published
from mentorship_contracts.profiles import PersonReinstated, PersonSuspended
from plumbing.errors import Conflict

from .fakes import Platform
from .profiles_service import Profiles, acting_as, administrator


def program_acts(pairing, program) -> commands.Actor:
    return commands.Actor(None, for_program=True)


async def test_a_mentee_paired_by_hand_is_proposed_as_the_engine_proposes_and_the_pairing_is_audited():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    unit = platform.uow()

    pairing = await stepping_in.pair_by_hand(commands.PairByHand(program, mentee, mentor), unit, administrator())

    [proposed] = platform.events(published.PairingProposed)
    assert (proposed.pairing_id, proposed.mentee_id, proposed.mentor_id) == (pairing.id, mentee, mentor)
    assert pairing.status == "proposed"
    [entry] = unit.audited
    assert (entry.action, entry.subject_id, entry.detail) == (
        "pairing.made_by_hand", str(pairing.id), {"mentee_id": str(mentee), "mentor_id": str(mentor)})


async def test_a_full_mentor_is_refused_unless_a_reason_overrides_capacity_and_the_override_is_audited():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor")
    first, second = [await profiles.person(program, "mentee") for _ in range(2)]
    await stepping_in.pair_by_hand(commands.PairByHand(program, first, mentor), platform.uow(), administrator())

    with pytest.raises(MentorFull):
        await stepping_in.pair_by_hand(commands.PairByHand(program, second, mentor), platform.uow(), administrator())
    unit = platform.uow()
    await stepping_in.pair_by_hand(commands.PairByHand(program, second, mentor, "she offered a second place"), unit,
                                   administrator())

    assert len(platform.events(published.PairingProposed, mentor_id=mentor)) == 2
    assert unit.audited[0].detail["overridden"] == "mentor_full"


async def test_no_reason_pairs_a_person_with_themself_or_a_suspended_person():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    await projections.person_suspended(PersonSuspended(person_id=mentee), platform.uow())

    with pytest.raises(SamePerson):
        await stepping_in.pair_by_hand(commands.PairByHand(program, mentor, mentor, "why not"), platform.uow(),
                                       administrator())
    with pytest.raises(MenteeSuspended):
        await stepping_in.pair_by_hand(commands.PairByHand(program, mentee, mentor, "why not"), platform.uow(),
                                       administrator())
    assert not platform.events(published.PairingProposed)


async def test_a_suspended_mentee_leaves_the_waitlist_and_once_reinstated_is_paired_as_they_register():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentee = await profiles.person(program, "mentee")
    await projections.person_suspended(PersonSuspended(person_id=mentee), platform.uow())
    assert await views.waitlist(program, platform.uow()) == []

    mentor = await profiles.person(program, "mentor")
    assert not platform.events(published.PairingConfirmed)
    await projections.person_reinstated(PersonReinstated(person_id=mentee), platform.uow())

    [confirmed] = platform.events(published.PairingConfirmed)
    assert (confirmed.mentee_id, confirmed.mentor_id) == (mentee, mentor)


async def test_a_paused_mentor_is_proposed_nobody_until_they_resume():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")

    await profiles.pause(mentor, program)
    mentee = await profiles.person(program, "mentee")
    assert not platform.events(published.PairingConfirmed)
    await profiles.pause(mentor, program, paused=False)

    [confirmed] = platform.events(published.PairingConfirmed)
    assert (confirmed.mentee_id, confirmed.mentor_id) == (mentee, mentor)


async def test_a_reassigned_mentee_ends_their_mentorship_and_is_proposed_with_the_new_mentor():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    first = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    second = await profiles.person(program, "mentor")
    [confirmed] = platform.events(published.PairingConfirmed)
    unit = platform.uow()

    new = await stepping_in.reassign(commands.Reassign(confirmed.pairing_id, second, "a better fit"), unit,
                                     program_acts, administrator())

    [ended] = platform.events(published.PairingEndedV3)
    assert (ended.pairing_id, ended.ended_by, ended.ended_by_program, ended.mentor_id) == (
        confirmed.pairing_id, None, True, first)
    assert (new.mentee_id, new.mentor_id, new.status) == (mentee, second, "proposed")  # the mentee confirms it
    assert [e.action for e in unit.audited] == ["pairing.reassigned"]


async def test_a_coordinator_ends_a_pairing_with_a_reason_and_the_mentee_waits_again():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    [confirmed] = platform.events(published.PairingConfirmed)
    unit = platform.uow()

    await stepping_in.end_for_program(commands.EndForProgram(confirmed.pairing_id, "conduct", "missed meetings"),
                                      unit, program_acts, administrator())

    [ended] = platform.events(published.PairingEndedV3)
    assert (ended.reason_code, ended.ended_by_program) == ("conduct", True)
    assert unit.audited[0].detail == {"reason_code": "conduct", "reason": "missed meetings"}
    assert [e["person_id"] for e in await views.waitlist(program, platform.uow())] == [mentee]


async def test_a_coordinator_withdraws_a_proposal_waiting_for_answers_and_its_pair_is_never_proposed_again():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(both_must_accept=True)
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    [proposed] = platform.events(published.PairingProposed)
    unit = platform.uow()

    withdrawn = await stepping_in.withdraw_for_program(
        commands.WithdrawForProgram(proposed.pairing_id, "schedule_conflict", "she starts nights"), unit,
        program_acts, administrator())

    [declined] = platform.events(published.PairingDeclinedV3)
    assert (declined.pairing_id, declined.declined_by, declined.declined_by_program, declined.reason_code) == (
        proposed.pairing_id, None, True, "schedule_conflict")
    assert (withdrawn.status, withdrawn.closed_by, withdrawn.closed_reason) == ("declined", "program",
                                                                                 "schedule_conflict")
    [entry] = unit.audited
    assert (entry.action, entry.detail) == ("pairing.withdrawn",
                                            {"reason_code": "schedule_conflict", "reason": "she starts nights"})
    # The room it freed is offered again, but not to the same pair: the mentee waits for another mentor.
    assert len(platform.events(published.PairingProposed)) == 1
    assert [e["person_id"] for e in await views.waitlist(program, platform.uow())] == [mentee]
    other = await profiles.person(program, "mentor")
    [_, again] = platform.events(published.PairingProposed)
    assert (again.mentee_id, again.mentor_id) == (mentee, other) and mentor != other


async def test_only_a_proposal_waiting_for_answers_can_be_withdrawn_by_the_program():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    await profiles.person(program, "mentor")
    await profiles.person(program, "mentee")
    [confirmed] = platform.events(published.PairingConfirmed)

    with pytest.raises(TransitionNotAllowed):
        await stepping_in.withdraw_for_program(commands.WithdrawForProgram(confirmed.pairing_id, "other"),
                                               platform.uow(), program_acts, administrator())
    assert not platform.events(published.PairingDeclined)


async def test_a_mentee_proposed_a_mentor_is_reassigned_by_withdrawing_the_proposal():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(both_must_accept=True)
    first = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    second = await profiles.person(program, "mentor")
    [proposed] = platform.events(published.PairingProposed)
    unit = platform.uow()

    new = await stepping_in.reassign(commands.Reassign(proposed.pairing_id, second, "a closer specialty"), unit,
                                     program_acts, administrator())

    [declined] = platform.events(published.PairingDeclinedV3)
    assert (declined.pairing_id, declined.mentor_id, declined.declined_by_program, declined.reason_code) == (
        proposed.pairing_id, first, True, "reassigned")
    assert (new.mentee_id, new.mentor_id, new.status) == (mentee, second, "proposed")
    assert not platform.events(published.PairingEnded)
    assert [e.action for e in unit.audited] == ["pairing.reassigned"]


async def test_a_reassignment_meant_for_a_proposal_is_refused_once_the_pair_has_accepted_it_meanwhile():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    await profiles.person(program, "mentor")
    await profiles.person(program, "mentee")
    second = await profiles.person(program, "mentor")
    [confirmed] = platform.events(published.PairingConfirmed)

    with pytest.raises(TransitionNotAllowed):
        await stepping_in.reassign(commands.Reassign(confirmed.pairing_id, second, "closer", "proposed"),
                                   platform.uow(), program_acts, administrator())
    assert not platform.events(published.PairingEnded)


@pytest.mark.parametrize("who_paused", ["mentor", "mentee"])
async def test_pairing_by_hand_someone_who_paused_is_refused_as_paused_not_as_unknown(who_paused):
    # The console offers paused mentors (marked so); pairing one answered 404, which it showed as "not yours to see".
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    await profiles.pause(mentor if who_paused == "mentor" else mentee, program)

    with pytest.raises(PersonPaused) as refused:
        await stepping_in.pair_by_hand(commands.PairByHand(program, mentee, mentor, "a reason"), platform.uow(),
                                       administrator())

    assert (refused.value.status, refused.value.code, refused.value.field) == (
        409, "person_paused", f"{who_paused}_id")
    assert not platform.events(published.PairingProposed)


async def a_mentorship_a_coordinator_ended():
    """A mentee and a mentor paired as they enrolled, whose mentorship a coordinator then ended (by mistake)."""
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    [confirmed] = platform.events(published.PairingConfirmed)
    await stepping_in.end_for_program(commands.EndForProgram(confirmed.pairing_id, "other", "ended by mistake"),
                                      platform.uow(), program_acts, administrator())
    return platform, program, mentee, mentor


async def test_a_pair_a_coordinator_ended_is_paired_again_by_hand_with_a_reason_and_the_override_is_audited():
    # Neither of the two said no to the other: the coordinator did, and may undo it, saying why.
    platform, program, mentee, mentor = await a_mentorship_a_coordinator_ended()

    with pytest.raises(Conflict) as refused:
        await stepping_in.pair_by_hand(commands.PairByHand(program, mentee, mentor), platform.uow(), administrator())
    assert (refused.value.status, refused.value.code) == (409, "ended_by_coordinator_before")
    unit = platform.uow()
    again = await stepping_in.pair_by_hand(commands.PairByHand(program, mentee, mentor, "ended by mistake"), unit,
                                           administrator())

    assert (again.mentee_id, again.mentor_id, again.status) == (mentee, mentor, "proposed")
    assert unit.audited[0].detail["overridden"] == "ended_by_coordinator_before"


async def test_the_engine_does_not_propose_again_a_pair_a_coordinator_ended():
    # The coordinator ended it for a reason: the room it freed is offered again, but not to the same pair.
    platform, program, mentee, _ = await a_mentorship_a_coordinator_ended()

    assert len(platform.events(published.PairingConfirmed)) == 1 and not platform.events(published.PairingProposed)
    assert [e["person_id"] for e in await views.waitlist(program, platform.uow())] == [mentee]


@pytest.mark.parametrize("closed_by", ["mentee", "mentor"])
async def test_a_pair_one_of_them_ended_is_not_paired_again_by_hand_even_with_a_reason(closed_by):
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    [confirmed] = platform.events(published.PairingConfirmed)
    await lifecycle.end(commands.EndPairing(confirmed.pairing_id, "schedule_conflict"), platform.uow(),
                        acting_as(mentee if closed_by == "mentee" else mentor))

    with pytest.raises(Conflict) as refused:
        await stepping_in.pair_by_hand(commands.PairByHand(program, mentee, mentor, "they asked"), platform.uow(),
                                       administrator())
    assert refused.value.code == "declined_or_ended_before"


async def test_a_pair_a_coordinator_ended_and_one_of_them_declined_since_is_not_paired_again_by_hand():
    platform, program, mentee, mentor = await a_mentorship_a_coordinator_ended()
    again = await stepping_in.pair_by_hand(commands.PairByHand(program, mentee, mentor, "ended by mistake"),
                                           platform.uow(), administrator())
    await lifecycle.decline(commands.DeclinePairing(again.id, "prefer_another_mentor"), platform.uow(),
                            acting_as(mentee))

    with pytest.raises(Conflict) as refused:
        await stepping_in.pair_by_hand(commands.PairByHand(program, mentee, mentor, "once more"), platform.uow(),
                                       administrator())
    assert refused.value.code == "declined_or_ended_before"
