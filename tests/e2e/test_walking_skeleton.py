"""The walking skeleton, through HTTP only: a mentor and a mentee register, matching pairs them, both get an
email, another team sees the pairing on the public topic, and the mentee registers for an event and is told so."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from aiokafka import AIOKafkaConsumer
from plumbing.testing import eventually

FORBIDDEN_ON_PUBLIC_TOPICS = ("email", "display_name", "pronoun", "bio", "identity", "@")


async def test_a_mentor_and_a_mentee_are_paired_told_by_email_and_the_mentee_registers_for_an_event(platform):
    suffix = uuid4().hex[:8]
    another_team = AIOKafkaConsumer(
        "matching.pairings", **platform.kafka.client_options("other-team"), group_id=f"other-team-analytics-{suffix}",
        auto_offset_reset="earliest",
    )
    await another_team.start()
    try:
        async with platform.client("profiles") as profiles:
            program = (await profiles.post("/v1/programs", json={
                "name": "Into Medical School", "mentee_stages": ["undergraduate"],
                "mentor_stages": ["medical_student_3", "resident", "attending"], "pairing_mode": "on_registration",
                "members_public": True,
            })).json()
            mentor = await profiles.post("/v1/people", json={
                "display_name": "Dr. Ana Reyes", "email": f"ana.{suffix}@example.org", "stage": "resident",
                "pronouns": "she/her", "specialties": ["emergency_medicine"],
                "support_areas": ["applications_and_interviews", "career_planning"], "bio": "EM resident, first-gen.",
            })
            assert mentor.status_code == 201, mentor.text
            mentor = mentor.json()
            mentee = (await profiles.post("/v1/people", json={
                "display_name": "Sam Okafor", "email": f"sam.{suffix}@example.org", "stage": "undergraduate",
                "specialties": ["emergency_medicine"], "support_areas": ["applications_and_interviews"],
            })).json()
            for person, role in ((mentor, "mentor"), (mentee, "mentee")):
                enrolled = await profiles.post("/v1/enrollments", json={
                    "person_id": person["id"], "program_id": program["id"], "role": role, "capacity": 2,
                })
                assert enrolled.status_code == 201, enrolled.text

        # Another team, with nothing but a Kafka client, sees the pairing, and no personal data.
        async def pairing_seen():
            batches = await another_team.getmany(timeout_ms=200)
            for record in (r for records in batches.values() for r in records):
                pairing_seen.found.append(record)
            return next((r for r in pairing_seen.found if json.loads(r.value)["mentee_id"] == mentee["id"]), None)

        pairing_seen.found = []
        record = await eventually(pairing_seen, timeout=60, what="the public pairing event")
        event = json.loads(record.value)
        assert event["event_type"] == "matching.pairing_confirmed"
        assert event["mentor_id"] == mentor["id"]
        assert "specialty_overlap" in event["reason_codes"] and "support_offered" in event["reason_codes"]
        assert record.key.decode() == event["program_id"]
        assert dict(record.headers)["event_id"].decode() == event["event_id"]
        assert not any(word in record.value.decode().lower() for word in FORBIDDEN_ON_PUBLIC_TOPICS)

        # Both hear about it by email, each about the other.
        def paired_emails():
            found = [m for m in platform.sink.messages()
                     if m["subject"].startswith("Your new ment") and suffix in str(m["rcpt_tos"])]
            return found if len(found) == 2 else None

        emails = await eventually(paired_emails, timeout=60, what="two pairing emails")
        to_mentee = next(m for m in emails if f"sam.{suffix}" in str(m["rcpt_tos"]))
        assert to_mentee["subject"] == "Your new mentor: Dr. Ana Reyes"
        assert "she/her" in to_mentee["text"] and f"ana.{suffix}@example.org" in to_mentee["text"]

        # The mentee registers for a session; the confirmation arrives by email.
        async with platform.client("events") as events:
            starts = datetime.now(UTC) + timedelta(days=14)
            session = (await events.post("/v1/events", json={
                "kind": "virtual_session", "title": f"Applying to medical school {suffix}",
                "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(),
                "capacity": 50, "registration_deadline": (starts - timedelta(days=1)).isoformat(),
                "audience_stages": ["undergraduate", "post_baccalaureate"], "is_virtual": True,
            })).json()
            assert (await events.post(f"/v1/events/{session['id']}/publish")).status_code == 200

        async with platform.client("events", role="participant", person_id=mentee["id"]) as as_mentee:
            # The events service learns the mentee's stage from profiles' events; until then it cannot
            # check the audience, and says so. Registering again is safe: it is the same registration.
            async def registered():
                response = await as_mentee.post(f"/v1/events/{session['id']}/registrations", json={"person_id": mentee["id"]})
                return response.json() if response.status_code == 201 else None

            registration = await eventually(registered, timeout=60, what="the registration")
            assert registration["status"] == "confirmed"

        confirmation = await eventually(
            lambda: next((m for m in platform.sink.messages(to=f"sam.{suffix}@example.org")
                          if "registered" in m["subject"]), None),
            timeout=60, what="the registration email",
        )
        # Who registers is private unless the organizer says otherwise: the subject, on a lock screen, names no event.
        assert suffix not in confirmation["subject"] and f"Applying to medical school {suffix}" in confirmation["text"]
        assert f"sam.{suffix}@example.org" in str(confirmation["rcpt_tos"])
    finally:
        await another_team.stop()
