"""Who takes part in a program is for other teams to see only where its coordinators say so (issue: affinity-program
membership was public). An "LGBTQ+ in medicine" program keeps it, as every program does by default: its people are
paired and told as in any other, partners see each other, and nothing of who takes part reaches a topic another team
may read; only the program itself is in the public catalogue."""

from __future__ import annotations

from uuid import uuid4

from mentorship_contracts import CATALOGUE, Classification, decode
from plumbing.testing import eventually

from .conftest import everything_on

PUBLIC_TOPICS = [topic.name for topic in CATALOGUE if topic.classification == Classification.PUBLIC]


async def test_a_private_programs_people_are_paired_and_told_and_no_public_topic_says_they_take_part(platform):
    suffix = uuid4().hex[:8]
    async with platform.client("profiles") as profiles:
        created = await profiles.post("/v1/programs", json={
            "name": f"LGBTQ+ in Medicine {suffix}", "mentee_stages": ["undergraduate"], "mentor_stages": ["resident"],
            "pairing_mode": "on_registration",
        })
        assert created.status_code == 201, created.text
        program = created.json()
        assert program["members_public"] is False
        mentor = (await profiles.post("/v1/people", json={
            "display_name": "Dr. Lee Park", "email": f"lee.{suffix}@example.org", "stage": "resident",
            "specialties": ["psychiatry"], "support_areas": ["applications_and_interviews"],
        })).json()
        mentee = (await profiles.post("/v1/people", json={
            "display_name": "Río Alvarez", "email": f"rio.{suffix}@example.org", "stage": "undergraduate",
            "specialties": ["psychiatry"], "support_areas": ["applications_and_interviews"],
        })).json()
        for person, role in ((mentor, "mentor"), (mentee, "mentee")):
            enrolled = await profiles.post("/v1/enrollments", json={
                "person_id": person["id"], "program_id": program["id"], "role": role, "capacity": 1})
            assert enrolled.status_code == 201, enrolled.text

    # Matching learned of both from the private twins, paired them, and notifications told both.
    def paired_emails():
        found = [m for m in platform.sink.messages() if m["subject"].startswith("Your new ment") and suffix in str(m["rcpt_tos"])]
        return found if len(found) == 2 else None

    await eventually(paired_emails, timeout=60, what="both pairing emails")

    # Profiles learned of the pairing from its twin too: the mentee sees their mentor as a partner.
    async with platform.client("profiles", role="participant", person_id=mentee["id"]) as as_mentee:
        async def partner_seen():
            response = await as_mentee.get(f"/v1/people/{mentor['id']}/as-partner")
            return response.json() if response.status_code == 200 else None

        assert (await eventually(partner_seen, timeout=60, what="the partner view"))["display_name"] == "Dr. Lee Park"

    of_program = program["id"].encode()
    public = [record for record in await everything_on(platform, PUBLIC_TOPICS) if of_program in record.value]
    assert {record.topic for record in public} == {"profiles.programs"}, [(r.topic, r.value[:80]) for r in public]

    private = [decode(record.value) for record in
               await everything_on(platform, ["profiles.private-enrollments", "matching.private-pairings"])
               if of_program in record.value]
    kinds = [event.event_type for event in private]
    assert kinds.count("profiles.private_enrollment_created") == 2 and "matching.private_pairing_confirmed" in kinds
