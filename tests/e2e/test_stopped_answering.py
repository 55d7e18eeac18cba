"""A mentor, or a mentee, who lets two proposals in a row lapse unanswered, through the platform's own doors: matching
pairs nobody new with them, profiles pauses their enrollment (what they see and can undo), notifications tells them,
and once they resume, they are paired again: the mentor with the mentee who waited meanwhile, the mentee with the
mentor whose place they did not hold."""

from __future__ import annotations

from uuid import uuid4

import asyncpg
import httpx
from plumbing.auth import Role
from plumbing.testing import eventually


class Program:
    """A program pairing fourth-year students with attendings as they register, both sides to accept."""

    def __init__(self, profiles: httpx.AsyncClient, suffix: str) -> None:
        self._profiles, self._suffix = profiles, suffix
        self.id = ""

    async def defined(self) -> Program:
        program = await self._profiles.post("/v1/programs", json={
            "name": f"Into Residency {self._suffix}", "mentee_stages": ["medical_student_4"],
            "mentor_stages": ["attending"], "pairing_mode": "on_registration", "both_must_accept": True})
        self.id = program.json()["id"]
        return self

    async def enrolled(self, name: str, email: str, role: str, capacity: int = 1) -> tuple[str, str]:
        """Someone who registers and enrolls: their id, and their enrollment's."""
        person = await self._profiles.post("/v1/people", json={
            "display_name": name, "email": email, "stage": "attending" if role == "mentor" else "medical_student_4"})
        assert person.status_code == 201, person.text
        enrollment = await self._profiles.post("/v1/enrollments", json={
            "person_id": person.json()["id"], "program_id": self.id, "role": role, "capacity": capacity})
        assert enrollment.status_code == 201, enrollment.text
        return person.json()["id"], enrollment.json()["id"]


async def test_a_mentor_who_lets_two_proposals_lapse_is_paused_told_and_proposed_to_again_once_they_resume(platform):
    suffix = uuid4().hex[:8]
    address = f"silent.{suffix}@example.org"
    async with platform.client("profiles") as profiles:
        program = await Program(profiles, suffix).defined()
        mentor, enrollment = await program.enrolled("Dr. Quiet", address, "mentor", capacity=2)
        mentees = [(await program.enrolled(f"Mentee {n}", f"m{n}.{suffix}@example.org", "mentee"))[0]
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


async def test_a_mentee_who_lets_two_proposals_lapse_is_paused_told_and_proposed_again_once_ready(platform):
    suffix = uuid4().hex[:8]
    address = f"quiet.mentee.{suffix}@example.org"
    async with platform.client("profiles") as profiles:
        program = await Program(profiles, suffix).defined()
        mentee, enrollment = await program.enrolled("Quiet Student", address, "mentee")
        for n in range(3):
            await program.enrolled(f"Dr. Ready {n}", f"ready.{n}.{suffix}@example.org", "mentor")

    conn = await asyncpg.connect(platform.database_urls["matching"])
    try:
        async def proposed(nth: int):
            rows = await conn.fetch("SELECT id, mentor_id, status FROM pairings WHERE mentee_id = $1 ORDER BY created_at",
                                    mentee)
            return rows[nth - 1] if len(rows) >= nth and rows[nth - 1]["status"] == "proposed" else None

        for nth in (1, 2):  # each mentor accepts; the mentee answers neither, for fifteen days
            pairing = await eventually(lambda nth=nth: proposed(nth), timeout=60, what=f"proposal {nth}")
            async with platform.client("matching", Role.PARTICIPANT, person_id=str(pairing["mentor_id"])) as mentor:
                assert (await mentor.post(f"/v1/pairings/{pairing['id']}/accept")).status_code == 200
            made_days_ago = "UPDATE pairings SET created_at = now() - make_interval(days => $2) WHERE id = $1"
            if nth == 2:  # reminded first, and warned that this lapse would pause them
                await conn.execute(made_days_ago, pairing["id"], 12)
                [reminder] = await eventually(
                    lambda: [m for m in platform.sink.messages(to=address)
                             if "waiting for your answer" in m["subject"]] or None,
                    timeout=60, what="the reminder to answer the second proposal")
                assert ("If this one lapses unanswered too, that makes 2 in a row, and we will pause mentor proposals "
                        "for you") in " ".join(reminder["text"].split())
            await conn.execute(made_days_ago, pairing["id"], 15)

        async with platform.client("profiles", Role.PARTICIPANT, person_id=mentee) as as_mentee:
            async def paused():
                read = (await as_mentee.get(f"/v1/enrollments/{enrollment}")).json()
                return read["paused_because"] == "unanswered"

            await eventually(paused, timeout=60, what="the mentee's enrollment paused in profiles, saying why")
            await eventually(lambda: [m for m in platform.sink.messages(to=address) if "paused" in m["subject"]] or None,
                             timeout=60, what="the email that says they are paused")
            # No third mentor's place was held for them meanwhile.
            assert await conn.fetchval("SELECT count(*) FROM pairings WHERE mentee_id = $1", mentee) == 2
            ready = await as_mentee.patch(f"/v1/enrollments/{enrollment}", json={"paused": False})
            assert ready.status_code == 200, ready.text

        await eventually(lambda: proposed(3), timeout=60, what="a mentor proposed again once they are ready")
    finally:
        await conn.close()
