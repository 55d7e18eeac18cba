"""A person's own pause with an end (`paused_until`) over HTTP on the real database and broker: refused where it cannot
hold, and resumed by the background job once its end has come, announced as the person resuming it themselves is."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

from plumbing.auth import Role
from plumbing.db import create_pool
from plumbing.testing import eventually
from profiles.adapters.person_keys import KeyWrapper
from profiles.adapters.sealing import IdentitySealer
from profiles.service_layer import handlers
from profiles.service_layer.unit_of_work import ProfilesUnitOfWork

from .conftest import Profiles


async def enrolled_mentors(profiles: Profiles, how_many: int) -> list[tuple[str, str]]:
    """(person id, enrollment id) of mentors of a program of a chapter of their own, whose members are public."""
    async with profiles.client() as admin:
        chapter = (await admin.post("/v1/chapters", json={"name": f"C{uuid4().hex[:6]}"})).json()["id"]
        program = (await admin.post("/v1/programs", json={
            "name": "Into Residency", "chapter_id": chapter, "mentee_stages": ["medical_student_3"],
            "mentor_stages": ["resident"], "members_public": True})).json()["id"]
        mentors = []
        for n in range(how_many):
            person = (await admin.post("/v1/people", json={
                "display_name": f"Night Shift {n}", "email": f"{uuid4().hex}@example.org", "stage": "resident",
                "chapter_id": chapter})).json()["id"]
            enrollment = await admin.post("/v1/enrollments", json={
                "person_id": person, "program_id": program, "role": "mentor"})
            assert enrollment.status_code == 201, enrollment.text
            mentors.append((person, enrollment.json()["id"]))
    return mentors


async def test_a_pause_with_an_end_is_refused_where_it_cannot_hold_and_read_back_in_utc(profiles):
    [(person, enrollment)] = await enrolled_mentors(profiles, 1)
    path = f"/v1/enrollments/{enrollment}"
    soon = datetime.now(UTC) + timedelta(days=30)
    async with profiles.client(Role.PARTICIPANT, person_id=person) as mentor:
        for body in ({"paused": True, "paused_until": (datetime.now(UTC) - timedelta(hours=1)).isoformat()},
                     {"paused": True, "paused_until": (datetime.now(UTC) + timedelta(days=400)).isoformat()},
                     {"paused": True, "paused_until": "2026-08-01T07:00:00"},
                     {"paused": False, "paused_until": soon.isoformat()},
                     {"paused_until": soon.isoformat()}):
            refused = await mentor.patch(path, json=body)
            assert (refused.status_code, refused.json()["error"]["field"]) == (422, "paused_until"), body
        chicago = timezone(timedelta(hours=-5))
        paused = await mentor.patch(path, json={"paused": True, "paused_until": soon.astimezone(chicago).isoformat()})
        assert paused.status_code == 200, paused.text
        read = (await mentor.get(path)).json()
        assert (read["paused"], read["paused_because"]) == (True, None)
        assert datetime.fromisoformat(read["paused_until"]) == soon
        assert datetime.fromisoformat(read["paused_until"]).utcoffset() == timedelta(0)
        resumed = (await mentor.patch(path, json={"paused": False})).json()
        assert (resumed["paused"], resumed["paused_until"]) == (False, None)


async def test_the_job_resumes_a_pause_whose_end_has_come_once_announcing_what_resuming_by_hand_announces(
        profiles, published):
    (by_hand_person, by_hand), (by_date_person, by_date) = await enrolled_mentors(profiles, 2)
    until = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    for person, enrollment in ((by_hand_person, by_hand), (by_date_person, by_date)):
        async with profiles.client(Role.PARTICIPANT, person_id=person) as mentor:
            paused = await mentor.patch(f"/v1/enrollments/{enrollment}", json={"paused": True, "paused_until": until})
            assert paused.status_code == 200, paused.text
    async with profiles.client(Role.PARTICIPANT, person_id=by_hand_person) as mentor:
        assert (await mentor.patch(f"/v1/enrollments/{by_hand}", json={"paused": False})).status_code == 200
    # The month of night shifts is over (a date the API would refuse, so written as time passing would leave it).
    await profiles.query("UPDATE enrollments SET paused_until = now() - interval '1 minute' WHERE id = $1", by_date)

    pool = await create_pool(profiles.database_url, 2)
    try:
        def unit_of_work() -> ProfilesUnitOfWork:
            return ProfilesUnitOfWork(pool, sealer=IdentitySealer(profiles.identity_key),
                                      key_wrapper=KeyWrapper(profiles.identity_key))

        # Every instance runs the job (the service's own pass may come first): never both on one enrollment.
        both = await asyncio.gather(*(handlers.resume_pauses_ended(datetime.now(UTC), unit_of_work())
                                      for _ in "ab"))
        assert sorted(both) in ([0, 0], [0, 1])
        assert await handlers.resume_pauses_ended(datetime.now(UTC), unit_of_work()) == 0
    finally:
        await pool.close()

    [row] = await profiles.query("SELECT paused, paused_because, paused_until FROM enrollments WHERE id = $1", by_date)
    assert (row["paused"], row["paused_because"], row["paused_until"]) == (False, None, None)

    def resumed(enrollment: str):
        async def seen() -> list[dict] | None:
            changes = await published.all_of("profiles.enrollment_changed", enrollment_id=enrollment)
            return changes if len(changes) == 2 else None
        return eventually(seen, timeout=30, what=f"the pause and the resumption of {enrollment}")

    by_hand_events, by_date_events = await resumed(by_hand), await resumed(by_date)
    [(by_hand_topic, _)] = [(t, k) for t, k, v in published.records if v is by_hand_events[1]]
    [(by_date_topic, by_date_key)] = [(t, k) for t, k, v in published.records if v is by_date_events[1]]
    assert (by_date_topic, by_date_key) == (by_hand_topic, by_date)

    def announced(event: dict) -> dict:
        return {k: v for k, v in event.items() if k not in ("event_id", "occurred_at", "enrollment_id", "person_id",
                                                            "correlation_id")}

    assert announced(by_date_events[1]) == announced(by_hand_events[1])
    assert (by_date_events[1]["paused"], by_date_events[1]["changed_fields"]) == (False, ["paused"])
    assert all("paused_until" not in event for event in by_date_events)
    async with profiles.client(Role.PARTICIPANT, person_id=by_date_person) as mentor:
        read = (await mentor.get(f"/v1/enrollments/{by_date}")).json()
    assert (read["paused"], read["paused_until"]) == (False, None)
