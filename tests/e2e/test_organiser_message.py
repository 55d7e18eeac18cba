"""An organizer's message to those registered for an event, through the platform's own doors: notifications knows
the registrants from the events topics (here a private event's, on the restricted topic) and emails the organizer's
words to those with a seat, once, under a subject that does not name an event whose attendees are kept private."""

from __future__ import annotations

from uuid import uuid4

from plumbing.testing import eventually

from .steps import a_person, a_published_event, registered


async def test_an_organisers_message_reaches_those_with_a_seat_once_under_a_discreet_subject(platform):
    suffix = uuid4().hex[:8]
    seated, waiting = f"seated.{suffix}@example.org", f"waiting.{suffix}@example.org"
    title = f"Applying while LGBTQ+ {suffix}"
    words = f"We moved to Room 4, same floor ({suffix}).\nBring photo ID."
    people = [await a_person(platform, name, address)
              for name, address in (("Sol Seated", seated), ("Wren Waiting", waiting))]
    event = await a_published_event(platform, title, capacity=1)
    assert event["attendees_public"] is False  # the default
    for person in people:  # the first takes the one seat, the second waits
        await registered(platform, event, person)

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

    [message] = await eventually(told, timeout=60, what="the organizer's message")
    assert title not in message["subject"], "a private event is not named where a lock screen shows it"
    assert message["text"].startswith(message["subject"])
    assert "We moved to Room 4, same floor" in message["text"] and "Bring photo ID." in message["text"]
    assert title in message["text"], "once opened, the email says which event"
    assert not [m for m in platform.sink.messages(to=waiting) if "A message about" in m["subject"]]
