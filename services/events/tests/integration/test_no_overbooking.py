"""1,000 people register at once for 100 seats: exactly 100 are confirmed and 900 wait, in arrival order."""

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from uuid import uuid4


async def all_at_once(requests, in_flight: int = 100) -> list:
    """Send every request concurrently, at most `in_flight` on the wire at a time (the client's connection limit).

    The server sees the same rush as when they all wait in httpx's pool, but the test's client spends a third of
    the CPU: httpx rescans its whole queue each time a connection frees up, which on a loaded machine was most of
    this test's time (the server runs in the same process).
    """
    gate = asyncio.Semaphore(in_flight)

    async def send(request):
        async with gate:
            return await request

    return await asyncio.gather(*(send(r) for r in requests))


def session_body(capacity: int, **overrides) -> dict:
    starts = datetime.now(UTC) + timedelta(days=30)
    return {"kind": "virtual_session", "title": "Applying to medical school", "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(), "capacity": capacity,
            "registration_deadline": (starts - timedelta(days=1)).isoformat(), "is_virtual": True,
            "attendees_public": True, **overrides}  # its registrations on the public topic, read back here


async def test_a_thousand_concurrent_registrations_for_a_hundred_seats_confirm_exactly_a_hundred(events_api, observe):
    registrations_topic = await observe("events.registrations")
    async with events_api.client() as admin:
        event = (await admin.post("/v1/events", json=session_body(100))).json()
        assert (await admin.post(f"/v1/events/{event['id']}/publish")).status_code == 200
        people = [str(uuid4()) for _ in range(1000)]

        answers = await all_at_once(
            admin.post(f"/v1/events/{event['id']}/registrations", json={"person_id": p}) for p in people)

        assert Counter(a.status_code for a in answers) == {201: 1000}
        assert Counter(a.json()["status"] for a in answers) == {"confirmed": 100, "waitlisted": 900}
        roster = (await admin.get(f"/v1/events/{event['id']}/registrations")).json()

    assert roster["counts"] | {"attended": 0} == {"confirmed": 100, "waitlisted": 900, "cancelled": 0, "attended": 0,
                                                  "no_shows": 0}
    in_arrival_order = roster["registrations"]
    assert [r["status"] for r in in_arrival_order] == ["confirmed"] * 100 + ["waitlisted"] * 900
    assert [r["waitlist_position"] for r in in_arrival_order[100:]] == list(range(1, 901))
    # As instants, not strings: a time on a whole second is written without a fraction ("...:07Z" > "...:07.5Z").
    created = [datetime.fromisoformat(r["created_at"]) for r in in_arrival_order]
    assert created == sorted(created)

    # Other teams see the same: 100 confirmations, 900 waitlistings numbered 1 to 900, and no personal data.
    messages = await registrations_topic.wait_for(event["id"], 1000, timeout=180)
    assert Counter(m["event_type"] for m in messages) == {"events.registration_confirmed": 100,
                                                          "events.registration_waitlisted": 900}
    assert sorted(m["position"] for m in messages if "position" in m) == list(range(1, 901))
    assert registrations_topic.private_data_about(event["id"]) == []


async def test_registering_again_under_retries_is_one_registration_and_a_cancellation_promotes_the_first_waiting(
    events_api, observe,
):
    registrations_topic = await observe("events.registrations")
    alice, bea, cal = (str(uuid4()) for _ in range(3))
    async with events_api.client() as admin:
        event = (await admin.post("/v1/events", json=session_body(1))).json()
        await admin.post(f"/v1/events/{event['id']}/publish")
        url = f"/v1/events/{event['id']}/registrations"

        retries = await asyncio.gather(*(admin.post(url, json={"person_id": alice}) for _ in range(20)))
        assert Counter(r.status_code for r in retries) == {201: 1, 200: 19}
        assert len({r.json()["id"] for r in retries}) == 1
        for person in (bea, cal):
            assert (await admin.post(url, json={"person_id": person})).json()["status"] == "waitlisted"

    async with events_api.client("participant", person_id=alice) as as_alice:
        cancelled = await as_alice.delete(f"{url}/{alice}")
        assert cancelled.json()["status"] == "cancelled"
        assert (await as_alice.get("/v1/registrations/mine")).json()[0]["status"] == "cancelled"
    async with events_api.client("participant", person_id=bea) as as_bea:
        assert (await as_bea.get("/v1/registrations/mine")).json()[0]["status"] == "confirmed"

    messages = await registrations_topic.wait_for(event["id"], 5)
    assert [(m["event_type"], m["person_id"]) for m in messages] == [
        ("events.registration_confirmed", alice), ("events.registration_waitlisted", bea),
        ("events.registration_waitlisted", cal), ("events.registration_cancelled", alice),
        ("events.registration_promoted", bea),
    ]


async def test_two_instances_taking_registrations_for_one_event_at_once_confirm_exactly_its_capacity(serve_events):
    first, second = await serve_events(), await serve_events()
    async with first.client() as via_first, second.client() as via_second:
        event = (await via_first.post("/v1/events", json=session_body(50))).json()
        assert (await via_first.post(f"/v1/events/{event['id']}/publish")).status_code == 200
        url, people = f"/v1/events/{event['id']}/registrations", [str(uuid4()) for _ in range(400)]

        answers = await all_at_once(
            ((via_first, via_second)[i % 2].post(url, json={"person_id": p}) for i, p in enumerate(people)),
            in_flight=200)

        assert Counter(a.status_code for a in answers) == {201: 400}
        assert Counter(a.json()["status"] for a in answers) == {"confirmed": 50, "waitlisted": 350}
        roster = (await via_second.get(url)).json()["registrations"]
    assert [r["status"] for r in roster] == ["confirmed"] * 50 + ["waitlisted"] * 350
    assert [r["waitlist_position"] for r in roster[50:]] == list(range(1, 351))
    assert sorted(r["person_id"] for r in roster) == sorted(people)
