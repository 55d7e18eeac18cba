"""An organiser's message to an event's registrants through the HTTP API, on the real database, broker and SMTP sink:
the chapter's coordinator writes, those with a seat get it once by email (not the waitlist), asking again sends
nothing more, and whoever else asks is refused."""

from __future__ import annotations

from uuid import uuid4

from mentorship_contracts import events, profiles
from plumbing.testing import eventually

from .test_notifications_from_real_events import applied, contact, listing, subjects

WORDS = "We have moved to room 4.\n\nPlease bring photo ID."


async def test_the_chapters_coordinator_writes_to_those_with_a_seat_once_and_nobody_else_may(
        notifications, publish, smtp_sink):
    chapter = profiles.ChapterDefined(chapter_id=uuid4(), name="Boston chapter")
    seated, waiting = contact("Sam Seated", chapter.chapter_id), contact("Kim Waiting", chapter.chapter_id)
    event = listing(chapter.chapter_id, virtual=False)
    registration = {"scheduled_event_id": event.scheduled_event_id, "chapter_id": chapter.chapter_id}
    waitlisted = events.RegistrationWaitlisted(**registration, registration_id=uuid4(), person_id=waiting.person_id,
                                               position=1)
    await publish(chapter, seated, waiting, event,
                  events.RegistrationConfirmed(**registration, registration_id=uuid4(), person_id=seated.person_id),
                  waitlisted)
    await eventually(lambda: applied(notifications, waitlisted), timeout=90, what="the registrations to be applied")
    path = f"/v1/events/{event.scheduled_event_id}/messages"
    sent = {"message_id": str(uuid4()), "body": f"  {WORDS}  ", "to": "seated"}
    staff = uuid4()

    async with notifications.client("coordinator", chapter_id=chapter.chapter_id, person_id=staff) as coordinator:
        first = await coordinator.post(path, json=sent)
        again = await coordinator.post(path, json=sent)
        empty = await coordinator.post(path, json={**sent, "message_id": str(uuid4()), "body": "   "})
        unknown = await coordinator.post(f"/v1/events/{uuid4()}/messages", json={**sent, "message_id": str(uuid4())})
        listed = await coordinator.get(path)
    async with notifications.client("coordinator", chapter_id=uuid4(), person_id=uuid4()) as elsewhere:
        refused = await elsewhere.post(path, json={**sent, "message_id": str(uuid4())})
    async with notifications.client("participant", person_id=seated.person_id) as participant:
        not_theirs = await participant.get(path)

    assert first.status_code == 201, first.text
    message = first.json()
    assert {k: message[k] for k in ("message_id", "scheduled_event_id", "body", "to", "recipients", "sent_by")} == {
        "message_id": sent["message_id"], "scheduled_event_id": str(event.scheduled_event_id), "body": WORDS,
        "to": "seated", "recipients": 1, "sent_by": str(staff)}
    assert (again.status_code, again.json()) == (200, message)
    assert (empty.status_code, empty.json()["error"]["field"]) == (422, "body")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "unknown_event")
    assert (listed.status_code, listed.json()) == (200, [message])
    assert (refused.status_code, not_theirs.status_code) == (403, 403)
    subject = f"A message about {event.title}"
    await eventually(lambda: subject in subjects(smtp_sink, seated), timeout=60, what="the message to the seated")
    [email] = [m for m in smtp_sink.messages(to=seated.email) if m["subject"] == subject]
    assert WORDS in email["text"].replace("\r\n", "\n")
    assert subject not in subjects(smtp_sink, waiting)
    assert subjects(smtp_sink, seated).count(subject) == 1
