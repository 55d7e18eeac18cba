"""An organizer's message to an event's registrants through the HTTP API, on the real database, broker and SMTP sink:
the chapter's coordinator writes, those with a seat get it once by email (not the waitlist), asking again sends
nothing more, and whoever else asks is refused."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
from mentorship_contracts import events, profiles
from notifications.adapters.repository import PostgresNotifications
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


async def test_one_message_id_for_two_events_at_the_same_moment_is_recorded_once_and_the_second_is_told_so(
        notifications):
    """Two requests that both found the id free: the second's insert waits for the first to commit, then records
    nothing (the handler answers 409 message_id_taken) rather than failing on the primary key."""
    message_id, now = uuid4(), datetime.now(UTC)

    def message(event_id):
        return {"message_id": message_id, "scheduled_event_id": event_id, "body": "Room 4", "to": "seated",
                "recipients": 0, "sent_by": None, "sent_at": now}

    first = await asyncpg.connect(notifications.settings.database_url)
    second = await asyncpg.connect(notifications.settings.database_url)
    try:
        first_tx, second_tx = first.transaction(), second.transaction()
        await first_tx.start()
        await second_tx.start()
        assert await PostgresNotifications(first).save_event_message(message(uuid4())) is True
        waiting = asyncio.ensure_future(PostgresNotifications(second).save_event_message(message(uuid4())))

        async def second_waits_for_the_first() -> bool:
            return await first.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid = $1",
                second.get_server_pid()) == 1

        await eventually(second_waits_for_the_first, timeout=10, what="the second insert to wait for the first")
        await first_tx.commit()
        assert await waiting is False
        await second_tx.commit()
        assert await first.fetchval("SELECT count(*) FROM event_messages WHERE message_id = $1", message_id) == 1
    finally:
        await first.close()
        await second.close()
