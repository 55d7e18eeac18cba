"""Scheduled events and office-hour bookings as entries of the platform's calendars (`plumbing.calendar`)."""

from __future__ import annotations

from dataclasses import dataclass

from plumbing.calendar import CalendarEntry, booking_uid, event_uid

from ..domain.model import EventState, OfficeHourSlot, ScheduledEvent


@dataclass(frozen=True)
class FeedWords:
    """A feed's own words, in the language its owner made it in (a calendar app fetches it with no reader's language):
    those notifications' emails give the entries they attach, which share their UIDs, so that neither renames the
    other's in a calendar."""

    calendar_name: str
    discreet_summary: str  # a private event's title
    office_hour: str
    online: str
    join_online: str  # before the link to join


FEED_WORDS = {
    "en": FeedWords("My events", "An event you registered for", "Office hour", "Online", "Join online"),
    "es": FeedWords("Mis eventos", "Un evento en el que te inscribiste", "Hora de orientación", "En línea",
                    "Unirte en línea"),
}
ENGLISH = FEED_WORDS["en"]


def calendar_entry(event: ScheduledEvent, *, join_url: str | None = None, words: FeedWords = ENGLISH) -> CalendarEntry:
    """Its UID and SEQUENCE (the event's revision) are those of notifications' attachments, so calendar apps keep one
    entry and update it in place. The join link only when given: for a confirmed registrant's own feed.

    A calendar's alerts show an entry's title on the lock screen, and the file from the event's page, the feed and the
    email's attachment are one entry: a private event (its attendees not public) is titled without its name, and
    without its description, in each, as the email's is."""
    discreet = not event.attendees_public
    return CalendarEntry(
        uid=event_uid(event.id), starts_at=event.starts_at, ends_at=event.ends_at,
        summary=words.discreet_summary if discreet else event.title, timezone=event.timezone,
        description=_with_link("" if discreet else event.description, join_url, words),
        location=event.location or (join_url if event.is_virtual else None), url=join_url,
        cancelled=event.state == EventState.CANCELLED, sequence=event.revision,
    )


def booking_entry(slot: OfficeHourSlot, words: FeedWords = ENGLISH) -> CalendarEntry:
    """A booked office hour, in the participant's and the host's feeds: the UID notifications' attachments give it."""
    assert slot.booking_id is not None, "only a booked slot is in a calendar"
    return CalendarEntry(
        uid=booking_uid(slot.booking_id), starts_at=slot.starts_at, ends_at=slot.ends_at, summary=words.office_hour,
        location=slot.location or (slot.join_url or words.online if slot.is_virtual else None),
        description=_with_link("", slot.join_url, words), url=slot.join_url,
    )


def _with_link(description: str, join_url: str | None, words: FeedWords) -> str | None:
    if join_url is None:
        return description or None
    return "\n\n".join(part for part in (f"{words.join_online}: {join_url}", description) if part)
