"""iCalendar entries, one way for every service: the same event has the same UID in an email's attachment and in a
person's calendar feed, so calendar apps keep one entry and update it in place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

PRODUCT = "-//Mentorship platform//EN"


def event_uid(scheduled_event_id: UUID | str) -> str:
    """The UID of a scheduled event's calendar entry, wherever it is built."""
    return f"{scheduled_event_id}@mentorship-platform"


@dataclass(frozen=True)
class CalendarEntry:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    timezone: str = "UTC"  # shown in the event's own zone: a 6 pm session in Chicago reads 6 pm Central anywhere
    description: str | None = None
    location: str | None = None
    url: str | None = None
    cancelled: bool = False


def to_ics(entries: Iterable[CalendarEntry], *, name: str | None = None, method: str = "PUBLISH") -> bytes:
    """A calendar of these entries. PUBLISH: entries for the reader's calendar, not requests to answer."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    stamp = datetime.now(UTC)
    for entry in entries:
        zone = ZoneInfo(entry.timezone)
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.starts_at.astimezone(zone))
        event.add("dtend", entry.ends_at.astimezone(zone))
        event.add("summary", entry.summary)
        for field in ("description", "location", "url"):
            if value := getattr(entry, field):
                event.add(field, value)
        event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
