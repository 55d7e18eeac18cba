"""Erasure across the platform: a paired mentee asks to be forgotten; profiles deletes them and announces it,
and matching and notifications, which held copies, forget them too."""

from __future__ import annotations

from uuid import uuid4

from plumbing.testing import eventually


async def test_an_erased_mentee_is_forgotten_by_profiles_matching_and_notifications(platform):
    suffix = uuid4().hex[:8]
    async with platform.client("profiles") as profiles:
        program = (await profiles.post("/v1/programs", json={
            "name": f"Erasure {suffix}", "mentee_stages": ["undergraduate"], "mentor_stages": ["medical_student_2"],
        })).json()
        people = {}
        for role, stage in (("mentor", "medical_student_2"), ("mentee", "undergraduate")):
            people[role] = (await profiles.post("/v1/people", json={
                "display_name": f"{role} {suffix}", "email": f"{role}.{suffix}@example.org", "stage": stage,
                "specialties": ["pediatrics"]})).json()
            enrolled = await profiles.post("/v1/enrollments", json={
                "person_id": people[role]["id"], "program_id": program["id"], "role": role})
            assert enrolled.status_code == 201, enrolled.text
    mentee = people["mentee"]["id"]

    async with platform.client("matching") as matching, platform.client("notifications") as notifications:
        async def pairings():
            return (await matching.get(f"/v1/people/{mentee}/pairings")).json()

        async def inbox():
            return (await notifications.get(f"/v1/people/{mentee}/inbox")).json().get("items")

        await eventually(pairings, timeout=60, what="the mentee's pairing")
        await eventually(inbox, timeout=60, what="the mentee's notification")

        async with platform.client("profiles", role="participant", person_id=mentee) as as_mentee:
            assert (await as_mentee.delete(f"/v1/people/{mentee}")).status_code == 204
            assert (await as_mentee.get(f"/v1/people/{mentee}")).status_code == 404

        async def forgotten_by_matching():
            return await pairings() == []

        async def forgotten_by_notifications():
            return not await inbox()

        await eventually(forgotten_by_matching, timeout=60, what="matching to forget the mentee")
        await eventually(forgotten_by_notifications, timeout=60, what="notifications to forget the mentee")
