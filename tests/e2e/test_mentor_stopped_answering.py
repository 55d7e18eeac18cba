"""A mentor who lets two proposals in a row lapse unanswered, through the platform's own doors: matching proposes
nobody new to them, profiles pauses their enrollment (what they see and can undo), notifications tells them, and
once they resume, the mentee who waited meanwhile is proposed to them."""

from __future__ import annotations

from uuid import uuid4

import asyncpg
from plumbing.auth import Role
from plumbing.testing import eventually


async def test_a_mentor_who_lets_two_proposals_lapse_is_paused_told_and_proposed_to_again_once_they_resume(platform):
    suffix = uuid4().hex[:8]
    address = f"silent.{suffix}@example.org"
    async with platform.client("profiles") as profiles:
        program = (await profiles.post("/v1/programs", json={
            "name": f"Into Residency {suffix}", "mentee_stages": ["medical_student_4"], "mentor_stages": ["attending"],
            "pairing_mode": "on_registration", "both_must_accept": True})).json()

        async def enrolled(name: str, email: str, stage: str, role: str) -> tuple[str, str]:
            person = await profiles.post("/v1/people", json={"display_name": name, "email": email, "stage": stage})
            assert person.status_code == 201, person.text
            enrollment = await profiles.post("/v1/enrollments", json={
                "person_id": person.json()["id"], "program_id": program["id"], "role": role, "capacity": 2})
            assert enrollment.status_code == 201, enrollment.text
            return person.json()["id"], enrollment.json()["id"]

        mentor, enrollment = await enrolled("Dr. Quiet", address, "attending", "mentor")
        mentees = [(await enrolled(f"Mentee {n}", f"m{n}.{suffix}@example.org", "medical_student_4", "mentee"))[0]
                   for n in range(3)]

    conn = await asyncpg.connect(platform.database_urls["matching"])
    try:
        async def proposed() -> list[str] | None:
            rows = await conn.fetch("SELECT mentee_id FROM pairings WHERE mentor_id = $1 AND status = 'proposed'",
                                    mentor)
            return [str(r["mentee_id"]) for r in rows] if len(rows) == 2 else None

        first_two = await eventually(proposed, timeout=60, what="two proposals to the mentor")
        waiting = next(m for m in mentees if m not in first_two)
        # Made fifteen days ago, and the mentor answered neither.
        await conn.execute("UPDATE pairings SET created_at = now() - interval '15 days' WHERE mentor_id = $1", mentor)

        async with platform.client("profiles", Role.PARTICIPANT, person_id=mentor) as as_mentor:
            async def paused() -> bool:
                return (await as_mentor.get(f"/v1/enrollments/{enrollment}")).json()["paused"]

            await eventually(paused, timeout=60, what="the mentor's enrollment paused in profiles")

            def told():
                return [m for m in platform.sink.messages(to=address) if "paused new mentees" in m["subject"]] or None

            [message] = await eventually(told, timeout=60, what="the email that says they are paused")
            assert "Take new mentees again" in message["text"]
            # The room both lapses freed was not offered to them: the third mentee still waits.
            assert await conn.fetchval("SELECT count(*) FROM pairings WHERE mentor_id = $1", mentor) == 2

            resumed = await as_mentor.patch(f"/v1/enrollments/{enrollment}", json={"paused": False})
            assert resumed.status_code == 200, resumed.text

        async def proposed_to_the_one_who_waited():
            return await conn.fetchval("""SELECT id FROM pairings WHERE mentor_id = $1 AND mentee_id = $2
                                           AND status = 'proposed'""", mentor, waiting)

        await eventually(proposed_to_the_one_who_waited, timeout=60, what="the mentee who waited, proposed")
    finally:
        await conn.close()
