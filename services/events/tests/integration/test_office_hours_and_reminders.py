"""No slot is booked twice, even by a rush; a reminder goes out once per registrant, even from two instances."""

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from events.service_layer import handlers
from mentorship_contracts.vocabulary import TrainingStage
from plumbing.testing import eventually

from .test_office_hours_over_http import approved_mentor


async def test_fifty_people_booking_one_slot_at_once_leave_exactly_one_booking_and_a_cancellation_reopens_it(
    events_api, publish, observe,
):
    office_hours = await observe("events.office-hours")
    host, people = str(uuid4()), [str(uuid4()) for _ in range(50)]
    await publish(*approved_mentor(host, TrainingStage.RESIDENT))
    starts = datetime.now(UTC) + timedelta(days=2)
    async with events_api.client("participant", person_id=host) as as_host:
        async def offered():
            answer = await as_host.post("/v1/office-hours/slots", json={
                "host_id": host, "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(minutes=30)).isoformat()})
            return answer.json() if answer.status_code == 201 else None

        slot = await eventually(offered, what="the host's profile and approval to reach the events service")
    async with events_api.client() as admin:
        answers = await asyncio.gather(*(
            admin.post(f"/v1/office-hours/slots/{slot['id']}/booking", json={"person_id": p}) for p in people))
        assert Counter(a.status_code for a in answers) == {201: 1, 409: 49}
        winner = next(a.json()["booked_by"] for a in answers if a.status_code == 201)

    async with events_api.client("participant", person_id=winner) as as_winner:
        assert (await as_winner.delete(f"/v1/office-hours/slots/{slot['id']}/booking")).json()["booked_by"] is None
    async with events_api.client("participant", person_id=people[0]) as someone:
        open_slots = (await someone.get("/v1/office-hours/slots", params={"host_id": host})).json()
        assert [s["id"] for s in open_slots] == [slot["id"]]

    messages = await office_hours.wait_for(slot["id"], 2)
    assert [(m["event_type"], m["person_id"]) for m in messages] == [
        ("events.office_hours_booked", winner), ("events.office_hours_booking_cancelled", winner)]
    assert messages[1]["cancelled_by"] == "participant"
    assert office_hours.private_data_about(slot["id"]) == []


async def test_two_instances_remind_each_confirmed_registrant_once_a_day_before(serve_events, observe):
    reminders = await observe("events.reminders")
    first = await serve_events(reminder_poll_seconds=0.05)
    second = await serve_events(reminder_poll_seconds=0.05)
    starts = datetime.now(UTC) + timedelta(hours=3)
    async with first.client() as admin:
        event = (await admin.post("/v1/events", json={
            "kind": "speaker_event", "title": "From first-gen student to surgeon", "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(), "capacity": 5, "location": "Auditorium B",
            "registration_deadline": (starts - timedelta(hours=1)).isoformat(), "timezone": "America/Chicago",
        })).json()
        await admin.post(f"/v1/events/{event['id']}/publish")
        people = [str(uuid4()) for _ in range(7)]
        for i, person in enumerate(people):
            instance = (first, second)[i % 2]
            async with instance.client() as via:
                await via.post(f"/v1/events/{event['id']}/registrations", json={"person_id": person})

    await reminders.wait_for(event["id"], 5)
    # More passes, from both instances at once, after every reminder went out: none is sent again.
    for _ in range(3):
        await asyncio.gather(*(handlers.send_due_reminders(datetime.now(UTC), app.state.new_unit_of_work())
                               for app in (first.app, second.app)))
    pool = first.app.state.service.pool
    await eventually(lambda: pool.fetchval("SELECT count(*) = 0 FROM outbox"), what="the outbox to be relayed")
    await reminders.drain()
    sent = reminders.about(event["id"])
    assert sorted(m["person_id"] for m in sent) == sorted(people[:5])  # the two waitlisted are not reminded
    assert {m["starts_at"][:16] for m in sent} == {starts.isoformat()[:16]}
