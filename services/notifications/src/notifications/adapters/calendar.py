"""The `.ics` calendar entry attached to a confirmation, built from the event listing with `icalendar`."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event


def invitation(listing: dict, join_url: str | None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Mentorship Platform//notifications//EN")
    calendar.add("version", "2.0")
    # PUBLISH: an entry for the registrant's calendar, not a meeting request they would have to answer.
    calendar.add("method", "PUBLISH")
    entry = Event()
    # Stable per scheduled event, so an updated entry replaces the earlier one in the registrant's calendar.
    entry.add("uid", f"{listing['scheduled_event_id']}@mentorship.example")
    entry.add("dtstamp", datetime.now(UTC))
    entry.add("dtstart", listing["starts_at"])
    entry.add("dtend", listing["ends_at"])
    entry.add("summary", listing["title"])
    if join_url:
        entry.add("location", join_url)
        entry.add("url", join_url)
    elif listing["location"]:
        entry.add("location", listing["location"])
    calendar.add_component(entry)
    return calendar.to_ical()
