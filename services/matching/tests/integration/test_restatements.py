"""Profiles' restatements applied over the real broker and database: a read model that missed an enrollment, a
withdrawal and a reinstatement is made whole by what profiles holds now."""

from __future__ import annotations

from uuid import UUID, uuid4

import asyncpg
from mentorship_contracts.profiles import EnrollmentRestated, MatchingProfileRestated, PersonRestated
from plumbing.testing import eventually

from .conftest import known_to_matching


def as_held(enrollment_id: UUID, person_id: UUID, program_id: UUID, *, active: bool) -> EnrollmentRestated:
    return EnrollmentRestated(enrollment_id=enrollment_id, person_id=person_id, program_id=program_id,
                              chapter_id=None, role="mentee", stage="undergraduate", capacity=1,
                              mentee_stages_welcome=[], approval="approved", pairing_kind="general", paused=False,
                              active=active)


async def test_restatements_bring_matching_what_it_missed(matching, matching_settings, profiles, observer):
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    await known_to_matching(matching_settings, mentor)
    missed = uuid4()  # their enrollment never reached matching: only its restatement does
    await profiles.profile(missed, "undergraduate")
    await profiles.send(PersonRestated(person_id=missed, chapter_id=None, stage="undergraduate", is_alumni=False,
                                       suspended=True))
    database = await asyncpg.connect(matching_settings.database_url)
    try:
        # The topics are not ordered with each other: the suspension is known before the enrollment is sent.
        await eventually(lambda: database.fetchval("SELECT true FROM suspended_people WHERE person_id = $1", missed),
                         timeout=60, what="the restated suspension applied")
        enrollment = uuid4()
        await profiles.send(as_held(enrollment, missed, program, active=True))
        await known_to_matching(matching_settings, missed)
        assert not await database.fetchval("SELECT count(*) FROM pairings WHERE mentee_id = $1", missed), \
            "suspended, as restated: proposed to no one"
    finally:
        await database.close()

    await profiles.send(PersonRestated(person_id=missed, chapter_id=None, stage="undergraduate", is_alumni=False,
                                       suspended=False))
    paired = (await observer.wait_for(program, "pairing_confirmed", mentee_id=missed))[0]
    assert paired["mentor_id"] == str(mentor)

    await profiles.send(as_held(enrollment, missed, program, active=False))
    ended = (await observer.wait_for(program, "pairing_ended", mentee_id=missed))[0]
    assert ended["reason_code"] == "withdrawn"


async def test_a_restated_profile_brings_what_a_partner_may_see_and_a_requirement_it_meets(
        matching, matching_settings, profiles, observer):
    program = await profiles.program()
    sharing = uuid4()  # neither their profile nor their consent to show it reached matching: only its restatement
    await profiles.send(restated_profile(sharing, "resident", {"first_generation": "yes"}, ["first_generation"]))
    await profiles.enroll(sharing, program, "mentor", "resident")
    await known_to_matching(matching_settings, sharing)
    mentee = uuid4()
    await profiles.send(restated_profile(mentee, "undergraduate", {"first_generation": "yes"}, [],
                                         identity_requests=[{"attribute": "first_generation",
                                                             "strength": "requirement"}]))
    await profiles.enroll(mentee, program, "mentee", "undergraduate")

    paired = (await observer.wait_for(program, "pairing_confirmed", mentee_id=mentee))[0]
    assert paired["mentor_id"] == str(sharing)


def restated_profile(person: UUID, stage: str, identity: dict[str, str], shown: list[str],
                     **facts) -> MatchingProfileRestated:
    return MatchingProfileRestated(person_id=person, chapter_id=None, stage=stage, specialties=[], support_areas=[],
                                   languages=[], timezone="UTC", region=None, modalities=["virtual"],
                                   identity_for_matching=identity, shown_to_partner=shown,
                                   **{"identity_requests": [], **facts})
