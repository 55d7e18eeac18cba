"""Scheduled events and office-hour bookings as entries of the platform's calendars (`plumbing.calendar`)."""

from __future__ import annotations

from plumbing.calendar import CalendarEntry, booking_uid, event_uid

from ..domain.model import EventState, OfficeHourSlot, ScheduledEvent

# In English, as the feed's other words are: the feed is fetched by a calendar app, with no reader's language.
DISCREET_SUMMARY = "An event you registered for"


def calendar_entry(event: ScheduledEvent, *, join_url: str | None = None, in_feed: bool = False) -> CalendarEntry:
    """Its UID and SEQUENCE (the event's revision) are those of notifications' attachments, so calendar apps keep one
    entry and update it in place. The join link only when given: for a confirmed registrant's own feed.

    A feed adds its entries by itself, and a calendar's alerts show their titles on the lock screen: there a private
    event (its attendees not public) is titled without its name, and without its description, as the email's is."""
    discreet = in_feed and not event.attendees_public
    return CalendarEntry(
        uid=event_uid(event.id), starts_at=event.starts_at, ends_at=event.ends_at,
        summary=DISCREET_SUMMARY if discreet else event.title, timezone=event.timezone,
        description=_with_link("" if discreet else event.description, join_url),
        location=event.location or (join_url if event.is_virtual else None), url=join_url,
        cancelled=event.state == EventState.CANCELLED, sequence=event.revision,
    )


def booking_entry(slot: OfficeHourSlot) -> CalendarEntry:
    """A booked office hour, in the participant's and the host's feeds: the UID notifications' attachments give it."""
    assert slot.booking_id is not None, "only a booked slot is in a calendar"
    return CalendarEntry(
        uid=booking_uid(slot.booking_id), starts_at=slot.starts_at, ends_at=slot.ends_at, summary="Office hour",
        location=slot.location or (slot.join_url or "Online" if slot.is_virtual else None),
        description=_with_link("", slot.join_url), url=slot.join_url,
    )


def _with_link(description: str, join_url: str | None) -> str | None:
    if join_url is None:
        return description or None
    return "\n\n".join(part for part in (f"Join online: {join_url}", description) if part)
