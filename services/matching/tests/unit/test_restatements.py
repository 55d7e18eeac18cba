"""Profiles restating what it holds: matching applies each restatement as the state it gives, so a read model that
missed events (restored from an older backup, or built after the topics let them go) is made whole again."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from matching.service_layer import projections, views
from mentorship_contracts import matching as published
from mentorship_contracts.profiles import (
    ConsentChanged,
    EnrollmentRestated,
    EnrollmentRestatedV2,
    MatchingProfileRestated,
    PersonRestated,
)

from .fakes import Platform
from .profiles_service import Profiles


def enrollment_as_held(profiles: Profiles, person: UUID, program: UUID, role: str = "mentee", *,
                       enrollment_id: UUID | None = None, active: bool = True) -> EnrollmentRestated:
    return EnrollmentRestated(
        enrollment_id=enrollment_id or profiles.enrollment_id(), person_id=person, program_id=program, chapter_id=None,
        role=role, stage="resident" if role == "mentor" else "undergraduate", capacity=1, mentee_stages_welcome=[],
        approval="approved", pairing_kind="general", paused=False, active=active)


def person_as_held(person: UUID, *, suspended: bool) -> PersonRestated:
    return PersonRestated(person_id=person, chapter_id=None, stage="undergraduate", is_alumni=False,
                          suspended=suspended)


async def test_a_mentee_whose_enrollment_matching_never_read_is_paired_once_it_is_restated():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    mentee = uuid4()
    await profiles.profile(mentee, "undergraduate")

    await projections.enrollment_restated(enrollment_as_held(profiles, mentee, program), platform.uow())

    [confirmed] = platform.events(published.PairingConfirmed, mentee_id=mentee)
    assert confirmed.mentor_id == mentor


async def test_a_mentee_matching_learns_of_from_a_restatement_waits_from_when_they_enrolled_not_from_then():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    later = await profiles.person(program, "mentee")  # enrolled in November, known to matching all along
    earlier = uuid4()
    await profiles.profile(earlier, "undergraduate")
    held = enrollment_as_held(profiles, earlier, program)
    restated = EnrollmentRestatedV2(**held.model_dump(exclude={"schema_version"}),
                                    enrolled_at=datetime(2026, 9, 1, 14, tzinfo=UTC))  # enrolled in September

    await projections.enrollment_restated(restated, platform.uow())
    await profiles.person(program, "mentor")  # room for one

    [confirmed] = platform.events(published.PairingConfirmed)
    assert confirmed.mentee_id == earlier
    assert [w["person_id"] for w in await views.waitlist(program, platform.uow())] == [later]


async def test_a_withdrawal_matching_never_read_ends_the_mentorship_and_frees_the_place_once_restated():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    await profiles.person(program, "mentor")
    gone = await profiles.person(program, "mentee")
    waiting = await profiles.person(program, "mentee")
    [enrollment] = [e for e in platform.people.enrollments.values() if e["person_id"] == gone]

    await projections.enrollment_restated(
        enrollment_as_held(profiles, gone, program, enrollment_id=enrollment["id"], active=False), platform.uow())

    [ended] = platform.events(published.PairingEnded, mentee_id=gone)
    assert ended.reason_code == "withdrawn"
    assert platform.events(published.PairingConfirmed, mentee_id=waiting)


async def test_a_withdrawn_enrollment_matching_never_knew_stays_unknown():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentee = uuid4()

    await projections.enrollment_restated(enrollment_as_held(profiles, mentee, program, active=False), platform.uow())

    assert not [e for e in platform.people.enrollments.values() if e["person_id"] == mentee]


async def test_a_suspension_matching_never_read_keeps_the_person_from_pairing_until_a_restatement_lifts_it():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentee = uuid4()
    await profiles.profile(mentee, "undergraduate")
    await projections.person_restated(person_as_held(mentee, suspended=True), platform.uow())
    await profiles.enroll(mentee, program, "mentee", "undergraduate")
    await profiles.person(program, "mentor")
    assert not platform.events(published.PairingConfirmed, mentee_id=mentee)

    await projections.person_restated(person_as_held(mentee, suspended=False), platform.uow())

    assert platform.events(published.PairingConfirmed, mentee_id=mentee)


async def test_restating_what_matching_already_holds_announces_nothing():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(minimum_score=90)
    mentor = await profiles.person(program, "mentor", specialties=["psychiatry"])
    mentee = await profiles.person(program, "mentee", specialties=["pediatrics"])  # waits, told their place once
    announced = len(platform.published)

    for enrollment in list(platform.people.enrollments.values()):
        await projections.enrollment_restated(enrollment_as_held(
            profiles, enrollment["person_id"], program, enrollment["role"], enrollment_id=enrollment["id"]),
            platform.uow())
    for person in (mentor, mentee):
        await projections.person_restated(person_as_held(person, suspended=False), platform.uow())

    assert platform.published[announced:] == []


def profile_as_held(person: UUID, stage: str, *, shown_to_partner: tuple[str, ...] | list[str] = (),
                    **attributes) -> MatchingProfileRestated:
    facts = dict(chapter_id=None, specialties=[], support_areas=[], languages=[], timezone="UTC", region=None,
                 modalities=["virtual"], identity_for_matching={}, identity_requests=[]) | attributes
    return MatchingProfileRestated(person_id=person, stage=stage, shown_to_partner=list(shown_to_partner), **facts)


async def test_a_mentee_whose_profile_matching_lacks_is_paired_as_they_require_once_it_is_restated():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    await profiles.person(program, "mentor", capacity=5, specialties=["pediatrics"])  # the better fit otherwise
    sharing = await profiles.person(program, "mentor", identity_for_matching={"first_generation": "yes"})
    mentee = uuid4()
    await profiles.enroll(mentee, program, "mentee", "undergraduate")  # their profile never reached matching

    # The mentor's consent to show the attribute, which matching never read either, comes with their restatement.
    await projections.matching_profile_changed(profile_as_held(
        sharing, "resident", identity_for_matching={"first_generation": "yes"}, shown_to_partner=["first_generation"]),
        platform.uow())
    await projections.matching_profile_changed(profile_as_held(
        mentee, "undergraduate", specialties=["pediatrics"], identity_for_matching={"first_generation": "yes"},
        identity_requests=[{"attribute": "first_generation", "strength": "requirement"}]), platform.uow())

    [confirmed] = platform.events(published.PairingConfirmed, mentee_id=mentee)
    assert confirmed.mentor_id == sharing


async def test_a_restated_profile_takes_back_a_partner_consent_matching_missed_the_withdrawal_of():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    withdrew = await profiles.person(program, "mentor", identity_for_matching={"first_generation": "yes"})
    await projections.consent_changed(ConsentChanged(person_id=withdrew, attribute="first_generation",
                                                     purpose="partner", granted=True), platform.uow())

    await projections.matching_profile_changed(profile_as_held(
        withdrew, "resident", identity_for_matching={"first_generation": "yes"}, shown_to_partner=[]), platform.uow())
    await profiles.profile(mentee := uuid4(), "undergraduate", identity_for_matching={"first_generation": "yes"},
                           identity_requests=[{"attribute": "first_generation", "strength": "requirement"}])
    await profiles.enroll(mentee, program, "mentee", "undergraduate")

    assert not platform.events(published.PairingConfirmed, mentee_id=mentee), "shared, but no longer shown"
