"""The partner view, on the real broker: profiles learns who is paired with whom from matching's topics, and
shows a person's partner exactly what the person consented to show them, for as long as the pairing lasts."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from mentorship_contracts import matching
from mentorship_contracts.vocabulary import Role as PairingRole
from plumbing.auth import Role
from plumbing.testing import eventually

from .test_profiles_over_http import register


async def test_a_partner_sees_what_was_consented_for_them_and_after_the_pairing_ends_nothing(profiles, publish):
    mentor = await register(profiles, "resident", display_name="Dr. Ana Reyes", pronouns="she/her",
                            bio="EM resident", preferred_language="es", timezone="America/Los_Angeles")
    mentee, stranger = await register(profiles, "undergraduate"), await register(profiles, "undergraduate")
    async with profiles.client(Role.PARTICIPANT, person_id=mentor["id"]) as as_mentor:
        declared = await as_mentor.put(f"/v1/people/{mentor['id']}/identity", json={"attributes": {
            "sexual_orientation": {"value": "queer", "use_in_matching": True},
            "race_ethnicity": {"value": "Latina", "show_to_partner": True},
            "first_generation": {"value": "first in my family", "use_in_matching": True, "show_to_partner": True},
        }})
        assert declared.status_code == 200, declared.text

    pairing = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee["id"],
                   mentor_id=mentor["id"])
    path = f"/v1/people/{mentor['id']}/as-partner"
    async with profiles.client(Role.PARTICIPANT, person_id=mentee["id"]) as as_mentee:
        before = await as_mentee.get(path)
        await publish(matching.PairingConfirmedV3(**pairing, score=80, term_ends_at=datetime(2028, 1, 1, tzinfo=UTC)))

        async def seen():
            response = await as_mentee.get(path)
            return response.json() if response.status_code == 200 else None

        view = await eventually(seen, timeout=60, what="the pairing to reach profiles")
        assert view == {"id": mentor["id"], "display_name": "Dr. Ana Reyes", "pronouns": "she/her",
                        "bio": "EM resident", "email": mentor["email"], "stage": "resident",
                        "timezone": "America/Los_Angeles",
                        "identity": {"race_ethnicity": "Latina", "first_generation": "first in my family"}}

        # Anyone else is answered as if there were no such person.
        nobody = (await as_mentee.get(f"/v1/people/{uuid4()}/as-partner")).json()
        assert before.status_code == 404 and before.json() == nobody
        async with profiles.client(Role.PARTICIPANT, person_id=stranger["id"]) as as_stranger:
            assert (await as_stranger.get(path)).json() == nobody
        async with profiles.client(Role.ADMIN) as admin:
            assert (await admin.get(path)).json() == nobody

        # Withdrawn: gone from the view at once.
        async with profiles.client(Role.PARTICIPANT, person_id=mentor["id"]) as as_mentor:
            await as_mentor.delete(f"/v1/people/{mentor['id']}/identity/race_ethnicity/consents/partner")
        assert (await as_mentee.get(path)).json()["identity"] == {"first_generation": "first in my family"}

        await publish(matching.PairingEndedV2(**pairing, ended_by=PairingRole.MENTEE, reason_code="schedule"))

        async def refused():
            response = await as_mentee.get(path)
            return response.status_code == 404 and response.json() == nobody

        await eventually(refused, timeout=60, what="the end of the pairing to reach profiles")


async def test_partners_paired_in_a_program_that_keeps_who_takes_part_private_see_each_other_as_any_partners_do(
        profiles, publish):
    """Matching tells of such a pairing on its restricted topic alone, as its private twin."""
    mentor = await register(profiles, "resident", display_name="Dr. Kit Kept")
    mentee = await register(profiles, "undergraduate")
    pairing = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee["id"],
                   mentor_id=mentor["id"])
    path = f"/v1/people/{mentor['id']}/as-partner"
    confirmed = matching.PrivatePairingConfirmed(**pairing, score=80, reason_codes=["near_peer"],
                                                 term_ends_at=datetime(2028, 1, 1, tzinfo=UTC))
    assert confirmed.topic == matching.PRIVATE_PAIRINGS
    async with profiles.client(Role.PARTICIPANT, person_id=mentee["id"]) as as_mentee:
        await publish(confirmed)

        async def seen():
            response = await as_mentee.get(path)
            return response.json() if response.status_code == 200 else None

        view = await eventually(seen, timeout=60, what="the private pairing to reach profiles")
        assert (view["display_name"], view["email"]) == ("Dr. Kit Kept", mentor["email"])

        await publish(matching.PrivatePairingEnded(**pairing, ended_by=PairingRole.MENTEE, reason_code="schedule"))

        async def refused():
            return (await as_mentee.get(path)).status_code == 404

        await eventually(refused, timeout=60, what="the end of the private pairing to reach profiles")


async def test_the_mentor_proposed_to_a_mentee_reads_over_http_what_the_mentee_hopes_for_and_nobody_else(
        profiles, publish):
    async with profiles.client() as admin:
        program = (await admin.post("/v1/programs", json={
            "name": f"Into Medical School {uuid4().hex[:6]}", "chapter_id": None, "mentee_stages": ["undergraduate"],
            "mentor_stages": ["resident"]})).json()
    mentor, mentee = await register(profiles, "resident"), await register(profiles, "undergraduate")
    async with profiles.client(Role.PARTICIPANT, person_id=mentee["id"]) as as_mentee:
        enrolled = await as_mentee.post("/v1/enrollments", json={
            "person_id": mentee["id"], "program_id": program["id"], "role": "mentee",
            "goals": "Help with my personal statement"})
        assert enrolled.status_code == 201, enrolled.text
    pairing = dict(pairing_id=uuid4(), program_id=program["id"], chapter_id=None, mentee_id=mentee["id"],
                   mentor_id=mentor["id"])
    path = f"/v1/pairings/{pairing['pairing_id']}/mentee-hopes"
    await publish(matching.PairingProposedV5(**pairing, score=80, reason_codes=[]))

    async with profiles.client(Role.PARTICIPANT, person_id=mentor["id"]) as as_mentor:
        async def read():
            response = await as_mentor.get(path)
            return response.json() if response.status_code == 200 else None

        assert await eventually(read, timeout=60, what="the proposal to reach profiles") == {
            "goals": "Help with my personal statement"}
    async with profiles.client(Role.PARTICIPANT, person_id=mentee["id"]) as as_mentee:
        refused = await as_mentee.get(path)
    assert (refused.status_code, refused.json()["error"]["field"]) == (404, "pairing_id")
