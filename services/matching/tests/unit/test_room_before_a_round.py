"""What a coordinator reads of a program before she runs a round: how many places its mentors have free, and how many
mentees the round would consider, counted as the round counts them; on in-memory repositories."""

from __future__ import annotations

from uuid import UUID, uuid4

from matching.adapters.solver import optimal_assignment
from matching.domain import commands
from matching.service_layer import programs, projections, rounds, stepping_in
from mentorship_contracts.profiles import EnrollmentChangedV4, PersonSuspended

from .fakes import Platform
from .profiles_service import Profiles, administrator


async def by_hand(platform: Platform, program: UUID, mentee: UUID, mentor: UUID, reason: str | None = None) -> None:
    await stepping_in.pair_by_hand(commands.PairByHand(program, mentee, mentor, reason), platform.uow(),
                                   administrator())


async def held_for_approval(platform: Platform, person: UUID, program: UUID) -> None:
    [enrollment] = [e for e in platform.people.enrollments.values()
                    if (e["person_id"], e["program_id"]) == (person, program)]
    await projections.enrollment_changed(EnrollmentChangedV4(
        enrollment_id=enrollment["id"], person_id=person, program_id=program, chapter_id=None, role="mentor",
        stage=enrollment["stage"], capacity=enrollment["capacity"], mentee_stages_welcome=[], approval="pending",
        changed_fields=["approval"], pairing_kind="general", paused=False), platform.uow())


async def test_the_places_free_are_those_of_mentors_a_round_would_propose_to_less_their_live_pairings():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    roomy = await profiles.person(program, "mentor", capacity=3)
    over = await profiles.person(program, "mentor", capacity=1)
    paired = [await profiles.person(program, "mentee") for _ in range(3)]
    await by_hand(platform, program, paired[0], roomy)
    await by_hand(platform, program, paired[1], over)
    await by_hand(platform, program, paired[2], over, "she offered a second place")  # over capacity: none free
    paused, suspended, pending = [await profiles.person(program, "mentor", capacity=2) for _ in range(3)]
    waiting = [await profiles.person(program, "mentee") for _ in range(3)]
    await profiles.pause(paused, program)
    await projections.person_suspended(PersonSuspended(person_id=suspended), platform.uow())
    await held_for_approval(platform, pending, program)
    student = uuid4()  # not of a mentor stage of the program
    await profiles.profile(student, "medical_student_1")
    await profiles.enroll(student, program, "mentor", "medical_student_1", capacity=2)
    await profiles.enroll(uuid4(), program, "mentor", "resident", capacity=2)  # no matching profile yet

    figures = await programs.statistics(program, platform.uow())

    assert (figures["places_free"], figures["mentors_with_room"]) == (2, 1)
    assert figures["waiting"] == len(waiting)


async def test_a_group_programs_mentor_has_a_group_of_places_free():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds", format="group", group_size=6)
    mentor = await profiles.person(program, "mentor", capacity=1)
    await by_hand(platform, program, await profiles.person(program, "mentee"), mentor)

    figures = await programs.statistics(program, platform.uow())

    assert (figures["places_free"], figures["mentors_with_room"]) == (5, 1)


async def test_waiting_counts_the_mentees_a_round_would_consider_and_places_free_what_it_could_fill():
    # Before she runs a round she cannot tell what it will do.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    await profiles.person(program, "mentor", capacity=2)
    waiting = [await profiles.person(program, "mentee") for _ in range(3)]
    await profiles.pause(await profiles.person(program, "mentee"), program)  # paused: not considered
    await profiles.enroll(uuid4(), program, "mentee", "undergraduate")  # no matching profile: not considered
    before = await programs.statistics(program, platform.uow())

    round_id = await rounds.queue_round(commands.RunRound(program, "optimal", False), platform.uow(), administrator())
    await rounds.run_next_round(platform.uow, optimal_assignment)
    drafted = await rounds.round_status(round_id, platform.uow())

    assert (before["waiting"], before["places_free"], before["mentors_with_room"]) == (3, 2, 1)
    assert len(drafted["pairs"]) == min(before["waiting"], before["places_free"])
    assert {p.mentee_id for p in drafted["pairs"]} | {u.mentee_id for u in drafted["unpaired_list"]} == set(waiting)
