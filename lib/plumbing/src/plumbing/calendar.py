"""iCalendar entries, one way for every service: the same event (or office-hour booking) has the same UID in an
email's attachment and in a person's calendar feed, so calendar apps keep one entry and update it in place.

How a calendar keeps one entry per UID (RFC 5545, and iTIP, RFC 5546, for what an email carries):
- every copy of an entry carries its `sequence`: 0 when first sent, one more at each change that matters to an
  attendee (the events service counts them as the event's `revision`). A calendar keeps the copy with the highest
  SEQUENCE, whichever arrives last.
- an email's attachment is a message about the entry: `METHOD:REQUEST` to add or update it (with the organiser and
  the attendee, as iTIP wants, and no reply asked for), `METHOD:CANCEL` to remove it. A feed is `METHOD:PUBLISH`.
- a cancelled entry says `STATUS:CANCELLED`, with a SEQUENCE above that of every copy sent before.

Every text is made safe for a content line here: a line break or another control character in a title (which no
service should let through, but one did) cannot break the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

PRODUCT = "-//Mentorship platform//EN"
_DOMAIN = "mentorship-platform"


def event_uid(scheduled_event_id: UUID | str) -> str:
    """The UID of a scheduled event's calendar entry, wherever it is built."""
    return f"{scheduled_event_id}@{_DOMAIN}"


def booking_uid(booking_id: UUID | str) -> str:
    """The UID of an office-hour booking's calendar entry (the participant's and the host's), wherever it is built."""
    return f"booking-{booking_id}@{_DOMAIN}"


class Method(StrEnum):
    PUBLISH = "PUBLISH"  # a feed: entries to show
    REQUEST = "REQUEST"  # an email: add this entry, or update it (a higher SEQUENCE)
    CANCEL = "CANCEL"  # an email: this entry is cancelled


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
    sequence: int = 0
    # For the iTIP methods (REQUEST, CANCEL): who sends the entry, and to whom (email addresses).
    organizer: str | None = None
    attendee: str | None = None


def one_line(text: str) -> str:
    """A text as one line: every control character and line or paragraph separator becomes a space."""
    return re.sub(r"\s+", " ", "".join(" " if _is_control(c) else c for c in text)).strip()


def lines(text: str) -> str:
    """A text keeping its line breaks (as LF), without any other control character."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c if c == "\n" or not _is_control(c) else " " for c in text).strip()


def _is_control(character: str) -> bool:
    return unicodedata.category(character) in ("Cc", "Cf", "Cs", "Zl", "Zp") and character not in ("\u200d",)


def _web_address(url: str | None) -> str | None:
    """Only a plain http(s) address becomes a URL property; anything else is left out."""
    if url and re.fullmatch(r"https?://[^\s<>\"]+", url):
        return url
    return None


def to_ics(entries: Iterable[CalendarEntry], *, name: str | None = None, method: Method | str = Method.PUBLISH,
           stamp: datetime | None = None) -> bytes:
    """A calendar of these entries, under the method of what carries it (see the module's docstring)."""
    method = Method(method)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", method.value)
    if name:
        calendar.add("x-wr-calname", vText(one_line(name)))
    stamp = stamp or datetime.now(UTC)
    for entry in entries:
        zone = ZoneInfo(entry.timezone)
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("sequence", entry.sequence)
        event.add("dtstart", entry.starts_at.astimezone(zone))
        event.add("dtend", entry.ends_at.astimezone(zone))
        event.add("summary", one_line(entry.summary))
        if entry.description:
            event.add("description", lines(entry.description))
        if entry.location:
            event.add("location", one_line(entry.location))
        if url := _web_address(entry.url):
            event.add("url", url)
        cancelled = entry.cancelled or method is Method.CANCEL
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        if method is not Method.PUBLISH:
            if entry.organizer:
                event.add("organizer", vCalAddress(f"mailto:{entry.organizer}"))
            if entry.attendee:
                attendee = vCalAddress(f"mailto:{entry.attendee}")
                attendee.params["ROLE"] = "REQ-PARTICIPANT"
                attendee.params["PARTSTAT"] = "ACCEPTED"
                attendee.params["RSVP"] = "FALSE"
                event.add("attendee", attendee)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
