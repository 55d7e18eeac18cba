"""Calendars, through the platform's own doors: a registrant's emails (notifications) and their calendar feed (events)
give an event one UID, a rising SEQUENCE and a cancellation, so an event created, changed twice and cancelled leaves
one entry in each calendar app, in its last state, whichever copies it saw and in whatever order."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
from icalendar import Calendar
from plumbing.calendar import event_uid
from plumbing.testing import eventually


@dataclass
class CalendarApp:
    """What a calendar app does with what it is given (RFC 5545/5546): one entry per UID; a copy with a lower
    SEQUENCE than the one kept is stale; a CANCEL cancels; a subscribed feed's entries are what its last fetch says."""

    entries: dict[str, dict] = field(default_factory=dict)
    from_feed: set[str] = field(default_factory=set)

    def receive(self, ics: bytes, *, feed: bool = False) -> None:
        calendar = Calendar.from_ical(ics)
        method = str(calendar.get("METHOD", "PUBLISH"))
        seen = set()
        for component in calendar.walk("VEVENT"):
            uid, sequence = str(component["UID"]), int(component.get("SEQUENCE", 0))
            seen.add(uid)
            kept = self.entries.get(uid)
            if kept and kept["sequence"] > sequence:
                continue
            status = "CANCELLED" if method == "CANCEL" else str(component.get("STATUS", "CONFIRMED"))
            self.entries[uid] = {"sequence": sequence, "status": status, "summary": str(component["SUMMARY"]),
                                 "starts_at": component.decoded("DTSTART"),
                                 "location": str(component.get("LOCATION", ""))}
        if feed:
            for uid in self.from_feed - seen:
                self.entries.pop(uid, None)
            self.from_feed = seen


def attachments(message: dict) -> list[bytes]:
    parsed = email.message_from_string(message["raw"], policy=email.policy.default)
    return [part.get_content().encode() if isinstance(part.get_content(), str) else part.get_content()
            for part in parsed.iter_attachments() if part.get_content_type() == "text/calendar"]


async def test_an_event_created_changed_twice_and_cancelled_is_one_cancelled_entry_in_every_calendar_app(platform):
    suffix = uuid4().hex[:8]
    address = f"cal.{suffix}@example.org"
    async with platform.client("profiles") as profiles:
        person = await profiles.post("/v1/people", json={
            "display_name": "Cal Endar", "email": address, "stage": "undergraduate",
            "timezone": "America/Los_Angeles"})
        assert person.status_code == 201, person.text
        person = person.json()
    starts = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=21)
    async with platform.client("events") as organizer:
        event = (await organizer.post("/v1/events", json={
            "kind": "workshop", "title": f"Personal statements {suffix}", "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(), "timezone": "America/Chicago", "capacity": 20,
            "registration_deadline": (starts - timedelta(days=1)).isoformat(), "is_virtual": False,
            "location": "Student centre, room 2"})).json()
        assert (await organizer.post(f"/v1/events/{event['id']}/publish")).status_code == 200

    feed_app, email_app, both_app, backwards_app = CalendarApp(), CalendarApp(), CalendarApp(), CalendarApp()
    async with platform.client("events", role="participant", person_id=person["id"]) as as_person:
        async def registered():
            answer = await as_person.post(f"/v1/events/{event['id']}/registrations", json={"person_id": person["id"]})
            return answer.json() if answer.status_code == 201 else None

        assert (await eventually(registered, timeout=60, what="the registration"))["status"] == "confirmed"
        feed_url = (await as_person.post("/v1/calendar/feed")).json()["url"]

    async def refresh_feeds() -> None:
        async with httpx.AsyncClient() as calendar_app:
            feed = (await calendar_app.get(feed_url)).content
        feed_app.receive(feed, feed=True)
        both_app.receive(feed, feed=True)

    def emails_with_calendars(count: int):
        found = [m for m in platform.sink.messages(to=address) if attachments(m)]
        return found if len(found) >= count else None

    await eventually(lambda: emails_with_calendars(1), timeout=60, what="the confirmation")
    await refresh_feeds()
    # Changed twice: an hour later, then another room.
    async with platform.client("events") as organizer:
        later = starts + timedelta(hours=1)
        for told, change in enumerate(({"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=1)).isoformat()},
                                       {"location": "Student centre, room 4"}), start=2):
            assert (await organizer.patch(f"/v1/events/{event['id']}", json=change)).status_code == 200
            await refresh_feeds()
            # The change's email goes out before the next step (one still unsent when the event is cancelled is not).
            await eventually(lambda told=told: emails_with_calendars(told), timeout=60, what=f"email {told}")
        cancelled = await organizer.post(f"/v1/events/{event['id']}/cancel", json={"reason_code": "room_closed"})
        assert cancelled.status_code == 200
    await refresh_feeds()

    messages = await eventually(lambda: emails_with_calendars(4), timeout=60,
                                what="the confirmation, two updates and the cancellation")
    copies = [ics for message in messages for ics in attachments(message)]
    for ics in copies:
        email_app.receive(ics)
        both_app.receive(ics)
    for ics in reversed(copies):  # a mail client may read them in any order
        backwards_app.receive(ics)

    uid = event_uid(event["id"])
    for app in (feed_app, email_app, both_app, backwards_app):
        assert list(app.entries) == [uid]
        entry = app.entries[uid]
        assert entry["status"] == "CANCELLED" and entry["sequence"] == 3
        assert entry["starts_at"] == later and entry["location"] == "Student centre, room 4"
        # Its attendees are not public: the email's entry and the feed's are both titled without its name.
        assert entry["summary"] == "An event you registered for"
    assert sorted(str(Calendar.from_ical(ics)["METHOD"]) for ics in copies) == [
        "CANCEL", "REQUEST", "REQUEST", "REQUEST"]
