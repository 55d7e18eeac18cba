"""A program that keeps who takes part from other teams (`members_public` false, the default): matching reads its
enrollments from their private twins and publishes its pairings, waitlist places and rounds as theirs."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID, uuid4

from matching.adapters.solver import optimal_assignment
from matching.domain import commands
from matching.entrypoints import consumers
from matching.service_layer import projections, rounds
from matching.service_layer.unit_of_work import as_published
from mentorship_contracts import matching as published
from mentorship_contracts import profiles as source
from plumbing.consumer import with_later_versions

from .fakes import Platform
from .profiles_service import Profiles, administrator


async def test_a_program_defined_before_version_5_keeps_its_members_private_and_version_5_says_whether():
    platform = Platform()
    facts = dict(chapter_id=None, name="LGBTQ+ in Medicine", mentee_stages=["undergraduate"],
                 mentor_stages=["resident"])
    older, private, public = (source.ProgramDefinedV4(program_id=uuid4(), **facts),
                              source.ProgramDefinedV5(program_id=uuid4(), **facts),
                              source.ProgramDefinedV5(program_id=uuid4(), members_public=True, **facts))

    for event in (older, private, public):
        await projections.program_defined(event, platform.uow())

    assert [platform.programs.programs[e.program_id].members_public for e in (older, private, public)] == [
        False, False, True]


async def test_a_program_defined_again_as_public_has_its_pairings_published_publicly_from_then_on():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    await profiles.person(program, "mentor")
    first = await profiles.person(program, "mentee")
    redefined = source.ProgramDefinedV5(program_id=program, chapter_id=None, name="Into Medical School",
                                        mentee_stages=["undergraduate"], mentor_stages=["resident", "attending"],
                                        members_public=True)
    await projections.program_defined(redefined, platform.uow())
    await profiles.person(program, "mentor")
    second = await profiles.person(program, "mentee")

    assert [type(e) for e in platform.events(published.PairingConfirmed, mentee_id=first)] == [
        published.PrivatePairingConfirmed]
    assert [type(e) for e in platform.events(published.PairingConfirmed, mentee_id=second)] == [
        published.PairingConfirmedV4]


async def test_a_private_programs_pairing_and_waitlist_place_go_as_their_twins_on_the_restricted_topic():
    platform = Platform()
    profiles = Profiles(platform)
    private, public = await profiles.program(), await profiles.program(members_public=True)
    for program in (private, public):
        await profiles.person(program, "mentor")
        await profiles.person(program, "mentee")
        await profiles.person(program, "mentee")  # no room left: waits

    kept = [e for e in platform.published if getattr(e, "program_id", None) == private]
    shown = [e for e in platform.published if getattr(e, "program_id", None) == public]
    assert sorted(type(e).__name__ for e in kept) == ["PrivateMenteeWaitlistedV2", "PrivatePairingConfirmed"]
    assert {e.topic for e in kept} == {published.PRIVATE_PAIRINGS}
    assert sorted(type(e).__name__ for e in shown) == ["MenteeWaitlistedV4", "PairingConfirmedV4"]
    assert {e.topic for e in shown} == {published.PAIRINGS, published.WAITLIST}


async def _a_round_run_and_published(platform: Platform, profiles: Profiles, program: UUID) -> None:
    await profiles.person(program, "mentor")
    await profiles.person(program, "mentee")
    round_id = await rounds.queue_round(commands.RunRound(program, "optimal", False), platform.uow(), administrator())
    await rounds.run_next_round(platform.uow, optimal_assignment)
    await rounds.publish(round_id, platform.uow(), administrator())


async def test_a_private_programs_round_goes_as_its_twin_on_the_restricted_topic_with_its_pairings():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    await _a_round_run_and_published(platform, profiles, program)

    [completed] = platform.events(published.RoundCompleted, program_id=program)
    assert type(completed) is published.PrivateRoundCompleted and completed.paired == 1
    assert completed.topic == published.PRIVATE_PAIRINGS
    [pairing] = platform.events(published.PairingProposed, program_id=program)
    assert type(pairing) is published.PrivatePairingProposed


async def test_a_public_programs_round_is_counted_on_the_public_topic():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds", members_public=True)
    await _a_round_run_and_published(platform, profiles, program)

    [completed] = platform.events(published.RoundCompleted, program_id=program)
    assert type(completed) is published.RoundCompletedV2 and completed.paired == 1
    assert completed.topic == published.ROUNDS


class _Counting:
    def __init__(self, public: Collection[UUID]) -> None:
        self.public, self.asked = set(public), []

    async def keeping_members_private(self, program_ids: Collection[UUID]) -> set[UUID]:
        self.asked.append(set(program_ids))
        return set(program_ids) - self.public


def _waitlisted(program_id: UUID) -> published.MenteeWaitlistedV4:
    return published.MenteeWaitlistedV4(program_id=program_id, chapter_id=None, enrollment_id=uuid4(),
                                        mentee_id=uuid4(), position=1, pairing_kind="general", after_pairing_id=None)


async def test_the_programs_are_asked_about_once_for_all_a_commits_events():
    known, unknown = uuid4(), uuid4()
    programs = _Counting(public={known})
    events = [_waitlisted(known), _waitlisted(known), _waitlisted(unknown)]

    sent = await as_published(events, programs)  # type: ignore[arg-type]

    assert programs.asked == [{known, unknown}]
    assert [type(e) for e in sent] == [published.MenteeWaitlistedV4, published.MenteeWaitlistedV4,
                                       published.PrivateMenteeWaitlistedV2]  # unknown: kept private, the safe side


async def test_a_private_enrollment_is_applied_as_its_public_version_is_and_its_mentee_paired():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor, mentee = uuid4(), uuid4()
    for person, role, stage in ((mentor, "mentor", "resident"), (mentee, "mentee", "undergraduate")):
        await profiles.profile(person, stage)
        handler = consumers.HANDLERS[source.PrivateEnrollmentCreated]
        await handler(source.PrivateEnrollmentCreated(enrollment_id=uuid4(), person_id=person, program_id=program,
                                                      chapter_id=None, role=role, stage=stage), platform.uow())

    [confirmed] = platform.events(published.PairingConfirmed, mentee_id=mentee)
    assert type(confirmed) is published.PrivatePairingConfirmed and confirmed.mentor_id == mentor


def test_the_consumer_reads_the_private_enrollments_topic_with_the_handlers_of_the_public_events():
    handlers = with_later_versions(consumers.HANDLERS)
    twins = {source.PrivateEnrollmentCreated: source.EnrollmentCreated,
             source.PrivateEnrollmentChanged: source.EnrollmentChanged,
             source.PrivateEnrollmentWithdrawn: source.EnrollmentWithdrawn,
             source.PrivateEnrollmentRestated: source.EnrollmentRestated,
             source.PrivateMentorApproved: source.MentorApproved,
             source.PrivateMentorSuspended: source.MentorSuspended}

    assert {twin: handlers[twin] for twin in twins} == {twin: handlers[public] for twin, public in twins.items()}
    assert source.PRIVATE_ENROLLMENTS in {model.topic for model in handlers}
    assert all(issubclass(twin, projections.PREPARED_FOR) for twin in twins)
