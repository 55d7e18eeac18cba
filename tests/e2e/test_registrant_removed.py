"""A registrant an organiser removes from the roster, through the platform's own doors: events takes them off
(the next one waiting gets the seat) and notifications emails them, with the organiser's reason, which other
teams never see, and which travels to notifications sealed under the registrant's data key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from mentorship_contracts.events import ACCESS, ATTENDEES, REGISTRATIONS
from plumbing.testing import eventually

from .test_erasure_reaches_kafka import everything_on


async def test_a_registrant_removed_by_an_organiser_is_emailed_the_reason_they_gave(platform):
    suffix = uuid4().hex[:8]
    address = f"removed.{suffix}@example.org"
    reason = f"Registered twice, under two accounts ({suffix})"
    async with platform.client("profiles") as profiles:
        person = await profiles.post("/v1/people", json={
            "display_name": "Rae Moved", "email": address, "stage": "undergraduate", "timezone": "America/Chicago"})
        assert person.status_code == 201, person.text
        person = person.json()
    starts = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=21)
    async with platform.client("events") as organiser:
        event = (await organiser.post("/v1/events", json={
            "kind": "workshop", "title": f"Personal statements {suffix}", "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(), "timezone": "America/Chicago", "capacity": 5,
            "registration_deadline": (starts - timedelta(days=1)).isoformat(), "location": "Room 2"})).json()
        assert (await organiser.post(f"/v1/events/{event['id']}/publish")).status_code == 200

        async def registered():
            answer = await organiser.post(f"/v1/events/{event['id']}/registrations", json={"person_id": person["id"]})
            return answer.json() if answer.status_code == 201 else None

        assert (await eventually(registered, timeout=60, what="the registration"))["status"] == "confirmed"
        await eventually(lambda: platform.sink.messages(to=address) or None, timeout=60, what="the confirmation")

        removed = await organiser.post(f"/v1/events/{event['id']}/registrations/{person['id']}/remove",
                                       json={"reason": reason})
        assert (removed.status_code, removed.json()["status"]) == (200, "removed"), removed.text

    def told():
        found = [m for m in platform.sink.messages(to=address) if "cancelled by the organisers" in m["subject"]]
        return found or None

    [message] = await eventually(told, timeout=60, what="the removal email")
    assert f"The reason they gave: {reason}" in " ".join(message["text"].split())
    on_kafka = [r.value for r in await everything_on(platform, (ACCESS, ATTENDEES, REGISTRATIONS))
                if event["id"].encode() in r.value]
    assert any(b"events.registrant_removed" in value for value in on_kafka)
    assert not [value for value in on_kafka if reason.encode() in value]
