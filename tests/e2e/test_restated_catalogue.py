"""A notifications database that took a private event for public (rebuilt from the topics: its registrations came on
the public topic before 2026-12-04, and it was published before the catalogue said) learns otherwise when the operator
restates the catalogue (`python -m events restate catalogue`): what notifications sends after names it no more. One
restored from a backup older than a registration learns it again from `... restate registrations`."""

from __future__ import annotations

from uuid import UUID, uuid4

import asyncpg
from plumbing.testing import eventually, operator_command

from .steps import a_person, a_published_event, registered


async def test_restating_the_catalogue_corrects_an_event_taken_for_public_and_its_subjects_stop_naming_it(platform):
    title = f"Applying while LGBTQ+ {uuid4().hex[:8]}"
    address, event = await registered_for_a_private_session(platform, "Rae Restated", title)

    # As a database rebuilt from the topics holds an event published and registered for before 2026-12-04.
    notifications = await asyncpg.connect(platform.database_urls["notifications"])
    try:
        await notifications.execute("UPDATE event_listings SET attendees_public_said = NULL WHERE scheduled_event_id = $1",
                                    UUID(event["id"]))
        await notifications.execute("INSERT INTO public_attendees VALUES ($1)", UUID(event["id"]))
        assert await notifications.fetchval("SELECT count(*) FROM public_attendees WHERE scheduled_event_id = $1",
                                            UUID(event["id"])) == 1

        ran = await operator_command("events", "restate", "catalogue", database_url=platform.database_urls["events"])
        assert ran.returncode == 0, ran.err

        async def said_private():
            return await notifications.fetchval("SELECT attendees_public_said = false FROM event_listings "
                                                "WHERE scheduled_event_id = $1", UUID(event["id"])) or None

        await eventually(said_private, timeout=60, what="notifications to apply the restated catalogue")
    finally:
        await notifications.close()

    async with platform.client("notifications") as messages:
        sent = await messages.post(f"/v1/events/{event['id']}/messages",
                                   json={"message_id": str(uuid4()), "body": "Room 4 now.", "to": "seated"})
    assert sent.status_code == 201, sent.text

    def told():
        return [m for m in platform.sink.messages(to=address) if "A message about" in m["subject"]] or None

    [message] = await eventually(told, timeout=60, what="the organizer's message")
    assert title not in message["subject"] and title in message["text"]


async def test_a_notifications_database_restored_from_before_a_registration_learns_it_again_when_restated(platform):
    # Else an organizer's message, or the event's cancellation, would miss whoever registered after the backup.
    address, event = await registered_for_a_private_session(platform, "Ren Restored", f"Suturing {uuid4().hex[:8]}")

    notifications = await asyncpg.connect(platform.database_urls["notifications"])
    try:
        # As the backup, taken before Ren registered, holds it.
        await notifications.execute("DELETE FROM registrations WHERE scheduled_event_id = $1", UUID(event["id"]))
        ran = await operator_command("events", "restate", "registrations",
                                     database_url=platform.database_urls["events"])
        assert ran.returncode == 0, ran.err

        async def registrant_again():
            return await notifications.fetchval("SELECT status FROM registrations WHERE scheduled_event_id = $1",
                                                UUID(event["id"]))

        assert await eventually(registrant_again, timeout=60, what="the restated registration") == "confirmed"
    finally:
        await notifications.close()

    before = len(platform.sink.messages(to=address))
    async with platform.client("notifications") as messages:
        sent = await messages.post(f"/v1/events/{event['id']}/messages",
                                   json={"message_id": str(uuid4()), "body": "Bring a lab coat.", "to": "seated"})
    assert sent.status_code == 201 and sent.json()["recipients"] == 1, sent.text
    told = await eventually(lambda: platform.sink.messages(to=address)[before:] or None, timeout=60,
                            what="the organizer's message")
    assert len(told) == 1 and "Bring a lab coat." in told[0]["text"]


async def registered_for_a_private_session(platform, name: str, title: str) -> tuple[str, dict]:
    """A new person with a seat at a new chapter session (its attendees private, the default), once their
    confirmation has arrived: their address, and the event."""
    address = f"{name.split()[0].lower()}.{uuid4().hex[:8]}@example.org"
    person = await a_person(platform, name, address, timezone="UTC")
    event = await a_published_event(platform, title, timezone="UTC")
    await registered(platform, event, person)
    return address, event
