"""An organiser's message to those registered for an event, through the platform's own doors: notifications knows
the registrants from the events topics (here a private event's, on the restricted topic) and emails the organiser's
words to those with a seat, once, under a subject that does not name an event whose attendees are kept private."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from plumbing.testing import eventually


async def test_an_organisers_message_reaches_those_with_a_seat_once_under_a_discreet_subject(platform):
    suffix = uuid4().hex[:8]
    seated, waiting = f"seated.{suffix}@example.org", f"waiting.{suffix}@example.org"
    title = f"Applying while LGBTQ+ {suffix}"
    words = f"We moved to Room 4, same floor ({suffix}).\nBring photo ID."
    async with platform.client("profiles") as profiles:
        people = []
        for name, address in (("Sol Seated", seated), ("Wren Waiting", waiting)):
            made = await profiles.post("/v1/people", json={"display_name": name, "email": address,
                                                           "stage": "undergraduate", "timezone": "America/Chicago"})
            assert made.status_code == 201, made.text
            people.append(made.json())
    starts = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=14)
    async with platform.client("events") as organiser:
        event = (await organiser.post("/v1/events", json={
            "kind": "chapter_session", "title": title, "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(), "timezone": "America/Chicago", "capacity": 1,
            "registration_deadline": (starts - timedelta(days=1)).isoformat(), "location": "Room 2"})).json()
        assert event["attendees_public"] is False  # the default
        assert (await organiser.post(f"/v1/events/{event['id']}/publish")).status_code == 200
        for person in people:  # the first takes the one seat, the second waits
            async def registered(person=person):
                answer = await organiser.post(f"/v1/events/{event['id']}/registrations",
                                              json={"person_id": person["id"]})
                return answer.json() if answer.status_code == 201 else None

            await eventually(registered, timeout=60, what="a registration")
    for address in (seated, waiting):
        await eventually(lambda address=address: platform.sink.messages(to=address) or None, timeout=60,
                         what="the registration's email")

    message_id = str(uuid4())
    async with platform.client("notifications") as notifications:
        sent = await notifications.post(f"/v1/events/{event['id']}/messages",
                                        json={"message_id": message_id, "body": words, "to": "seated"})
        again = await notifications.post(f"/v1/events/{event['id']}/messages",
                                         json={"message_id": message_id, "body": words, "to": "seated"})
        listed = (await notifications.get(f"/v1/events/{event['id']}/messages")).json()
    assert sent.status_code == 201 and sent.json()["recipients"] == 1, sent.text
    assert again.status_code == 200 and again.json()["recipients"] == 1
    assert [m["message_id"] for m in listed] == [message_id]

    def told():
        return [m for m in platform.sink.messages(to=seated) if "A message about" in m["subject"]] or None

    [message] = await eventually(told, timeout=60, what="the organiser's message")
    assert title not in message["subject"], "a private event is not named where a lock screen shows it"
    assert message["text"].startswith(message["subject"])
    assert "We moved to Room 4, same floor" in message["text"] and "Bring photo ID." in message["text"]
    assert title in message["text"], "once opened, the email says which event"
    assert not [m for m in platform.sink.messages(to=waiting) if "A message about" in m["subject"]]
