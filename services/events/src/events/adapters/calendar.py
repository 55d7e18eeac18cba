"""A scheduled event as an entry of the platform's calendars (`plumbing.calendar`)."""

from __future__ import annotations

from plumbing.calendar import CalendarEntry, event_uid

from ..domain.model import EventState, ScheduledEvent


def calendar_entry(event: ScheduledEvent) -> CalendarEntry:
    """Its UID is the one notifications' attachment uses, so calendar apps keep one entry and update it in place.
    No virtual link: the entry is shown to anyone who may see the event, and the link is for confirmed registrants."""
    return CalendarEntry(
        uid=event_uid(event.id), starts_at=event.starts_at, ends_at=event.ends_at, summary=event.title,
        timezone=event.timezone, description=event.description or None, location=event.location,
        cancelled=event.state == EventState.CANCELLED,
    )
