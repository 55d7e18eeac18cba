"""A client that did not get its answer (profiles died between commit and reply) can send the request again."""

from __future__ import annotations

from uuid import uuid4


async def test_an_enrollment_sent_again_answers_the_same_enrollment_and_is_announced_once(profiles, published):
    async with profiles.client() as admin:
        program = (await admin.post("/v1/programs", json={
            "name": f"Into Residency {uuid4().hex[:6]}", "mentee_stages": ["medical_student_4"],
            "mentor_stages": ["resident"], "members_public": True})).json()
        mentor = (await admin.post("/v1/people", json={
            "display_name": "Dr. Retry", "email": f"{uuid4().hex}@example.org", "stage": "resident"})).json()
        request = {"person_id": mentor["id"], "program_id": program["id"], "role": "mentor", "capacity": 2}
        first, again = [await admin.post("/v1/enrollments", json=request) for _ in range(2)]
        other_terms = await admin.post("/v1/enrollments", json=request | {"capacity": 3})

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert other_terms.status_code == 409 and other_terms.json()["error"]["code"] == "already_enrolled"
    await published.wait_for("profiles.enrollment_created", enrollment_id=first.json()["id"])
    created = [v for _, _, v in published.records
               if v["event_type"] == "profiles.enrollment_created" and v["person_id"] == mentor["id"]]
    assert len(created) == 1
