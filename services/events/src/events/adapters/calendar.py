"""iCalendar files: one event, or a person's feed of confirmed events."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from ..domain.model import EventState, ScheduledEvent


def to_ics(events: Iterable[ScheduledEvent], name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Mentorship platform//events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = datetime.now(UTC)
    for event in events:
        zone = ZoneInfo(event.timezone)
        entry = Event()
        # A stable UID lets calendar apps update the entry in place when the event moves.
        entry.add("uid", f"{event.id}@events.mentorship-platform")
        entry.add("dtstamp", stamp)
        # In the event's own zone, so that a session in Chicago shows as 6 pm Central wherever it is read.
        entry.add("dtstart", event.starts_at.astimezone(zone))
        entry.add("dtend", event.ends_at.astimezone(zone))
        entry.add("summary", event.title)
        if event.description:
            entry.add("description", event.description)
        if event.location:
            entry.add("location", event.location)
        entry.add("status", "CANCELLED" if event.state == EventState.CANCELLED else "CONFIRMED")
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
