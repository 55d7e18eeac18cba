"""A registrant an organizer removes from the roster, through the platform's own doors: events takes them off
(the next one waiting gets the seat) and notifications emails them, with the organizer's reason, which other
teams never see, and which travels to notifications sealed under the registrant's data key."""

from __future__ import annotations

from uuid import uuid4

from mentorship_contracts.events import ACCESS, ATTENDEES, REGISTRATIONS
from plumbing.testing import eventually

from .steps import a_person, a_published_event, registered
from .test_erasure_reaches_kafka import everything_on


async def test_a_registrant_removed_by_an_organiser_is_emailed_the_reason_they_gave(platform):
    suffix = uuid4().hex[:8]
    address = f"removed.{suffix}@example.org"
    reason = f"Registered twice, under two accounts ({suffix})"
    person = await a_person(platform, "Rae Moved", address)
    event = await a_published_event(platform, f"Personal statements {suffix}", kind="workshop", days_ahead=21)
    assert (await registered(platform, event, person))["status"] == "confirmed"
    async with platform.client("events") as organizer:
        removed = await organizer.post(f"/v1/events/{event['id']}/registrations/{person['id']}/remove",
                                       json={"reason": reason})
        assert (removed.status_code, removed.json()["status"]) == (200, "removed"), removed.text

    def told():
        found = [m for m in platform.sink.messages(to=address) if "cancelled by the organizers" in m["subject"]]
        return found or None

    [message] = await eventually(told, timeout=60, what="the removal email")
    assert f"The reason they gave: {reason}" in " ".join(message["text"].split())
    on_kafka = [r.value for r in await everything_on(platform, (ACCESS, ATTENDEES, REGISTRATIONS))
                if event["id"].encode() in r.value]
    assert any(b"events.registrant_removed" in value for value in on_kafka)
    assert not [value for value in on_kafka if reason.encode() in value]
