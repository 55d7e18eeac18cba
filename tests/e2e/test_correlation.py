"""One person's action can be followed across services: every event it causes, in profiles, in matching and in
notifications, carries the correlation id the request came with."""

from __future__ import annotations

from uuid import uuid4

from aiokafka import AIOKafkaConsumer
from plumbing.testing import eventually, json_object


async def test_a_sign_up_and_everything_it_causes_across_services_carry_the_requests_correlation_id(platform):
    suffix = uuid4().hex[:8]
    async with platform.client("profiles") as profiles:
        program = (await profiles.post("/v1/programs", json={
            "name": f"Correlated {suffix}", "mentee_stages": ["undergraduate"], "mentor_stages": ["resident"],
            "pairing_mode": "on_registration", "members_public": True,
        })).json()
        # A sign-up form is one action: registering, then enrolling. With no mentor yet, the mentee waits.
        sign_up = {"X-Correlation-Id": f"sign-up-{suffix}"}
        registered = await profiles.post("/v1/people", headers=sign_up, json={
            "display_name": "Sam", "email": f"sam.{suffix}@example.org", "stage": "undergraduate",
        })
        assert registered.headers["x-correlation-id"] == f"sign-up-{suffix}"
        mentee = registered.json()
        assert (await profiles.post("/v1/enrollments", headers=sign_up, json={
            "person_id": mentee["id"], "program_id": program["id"], "role": "mentee",
        })).status_code == 201

    reader = AIOKafkaConsumer(
        "profiles.people", "profiles.enrollments", "matching.waitlist", "notifications.deliveries",
        **platform.kafka.client_options("tests"), group_id=f"correlation-{suffix}", auto_offset_reset="earliest",
    )
    await reader.start()
    seen: dict[str, str | None] = {}
    try:
        async def everything_caused() -> bool:
            for records in (await reader.getmany(timeout_ms=200)).values():
                for record in records:
                    if (event := json_object(record.value)) is None:
                        continue
                    about_mentee = mentee["id"] in (event.get("person_id"), event.get("mentee_id"))
                    if about_mentee or event.get("correlation_id") == f"sign-up-{suffix}":
                        seen[f"{record.topic}:{event['event_type']}:{event['event_id']}"] = event["correlation_id"]
            topics = {key.split(":")[0] for key in seen}
            return {"profiles.people", "profiles.enrollments", "matching.waitlist",
                    "notifications.deliveries"} <= topics

        await eventually(everything_caused, timeout=90, what=lambda: f"the events the sign-up caused: {sorted(seen)}")
    finally:
        await reader.stop()
    assert set(seen.values()) == {f"sign-up-{suffix}"}, seen
