"""A suspension published by profiles on `profiles.people` reaches the events service over the real broker: the
suspended host's slot is withdrawn (its booker told), they offer none and their calendar feed is gone until a
reinstatement."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
from mentorship_contracts.profiles import PersonRegisteredV2, PersonReinstated, PersonSuspended
from mentorship_contracts.vocabulary import TrainingStage
from plumbing.testing import eventually

from .test_office_hours_over_http import approved_mentor


async def test_a_person_suspended_on_profiles_people_has_their_slot_withdrawn_until_reinstated(
    events_api, publish, observe,
):
    office_hours = await observe("events.office-hours")
    host, student = str(uuid4()), str(uuid4())
    await publish(*approved_mentor(host, TrainingStage.RESIDENT),
                  PersonRegisteredV2(person_id=student, chapter_id=None, stage=TrainingStage.UNDERGRADUATE,
                                     is_alumni=False))
    starts = datetime.now(UTC) + timedelta(days=2)
    slot_times = {"host_id": host, "starts_at": starts.isoformat(),
                  "ends_at": (starts + timedelta(minutes=30)).isoformat()}
    async with events_api.client("participant", person_id=host) as as_host:
        async def offered():
            answer = await as_host.post("/v1/office-hours/slots", json=slot_times)
            return answer.json() if answer.status_code == 201 else None

        slot = await eventually(offered, what="the host's profile and approval to reach the events service")
        feed = (await as_host.post("/v1/calendar/feed")).json()["url"]
    async with events_api.client("participant", person_id=student) as as_student:
        booked = await as_student.post(f"/v1/office-hours/slots/{slot['id']}/booking", json={"person_id": student})
        assert booked.status_code == 201, booked.text
    async with events_api.client() as anyone:
        feed_path = httpx.URL(feed).path  # no token: the secret URL is the credential
        assert (await anyone.get(feed_path)).status_code == 200

        await publish(PersonSuspended(person_id=host))

        async def withdrawn():
            listed = (await anyone.get("/v1/office-hours/slots", params={"host_id": host, "open_only": "false"}))
            return listed.json() == []

        await eventually(withdrawn, what="the suspension to withdraw the host's slot")
        messages = await office_hours.wait_for(slot["id"], 2)
        assert [(m["event_type"], m["person_id"], m.get("cancelled_by"), m.get("reason_code")) for m in messages] == [
            ("events.office_hours_booked", student, None, None),
            ("events.office_hours_booking_cancelled", student, "host", "slot_withdrawn")]
        assert (await anyone.get(feed_path)).status_code == 404

    async with events_api.client("participant", person_id=host) as as_host:
        refused = await as_host.post("/v1/office-hours/slots", json=slot_times)
        assert (refused.status_code, refused.json()["error"]["code"]) == (409, "person_suspended")

        await publish(PersonReinstated(person_id=host))

        async def offered_again():
            return (await as_host.post("/v1/office-hours/slots", json=slot_times)).status_code == 201

        await eventually(offered_again, what="the reinstatement to reach the events service")
        assert (await as_host.get(feed_path)).status_code == 200
