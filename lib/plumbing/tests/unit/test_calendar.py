"""The one iCalendar builder: a UID per event and per booking, SEQUENCE and METHOD as iTIP wants them, and no text
that can break a content line."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from icalendar import Calendar
from plumbing.calendar import CalendarEntry, Method, booking_uid, event_uid, to_ics

STARTS = datetime(2027, 3, 4, 18, tzinfo=UTC)


def entry(**changes) -> CalendarEntry:
    return CalendarEntry(**{"uid": event_uid(uuid4()), "starts_at": STARTS, "ends_at": STARTS + timedelta(hours=1),
                            "summary": "Personal statements", "timezone": "America/Chicago", **changes})


def parsed(ics: bytes):
    calendar = Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_a_title_or_place_with_line_breaks_and_control_characters_still_makes_one_line_each():
    calendar, event = parsed(to_ics([entry(summary="Applying\r\nto\x00 medical\u2028school", location="Room\n2",
                                           description="First line\r\nSecond\x07 line")], name="My\nevents"))
    assert str(event["SUMMARY"]) == "Applying to medical school"
    assert str(event["LOCATION"]) == "Room 2"
    assert str(event["DESCRIPTION"]) == "First line\nSecond  line"
    assert str(calendar["X-WR-CALNAME"]) == "My events"


def test_an_email_carries_a_request_or_a_cancellation_with_organiser_attendee_and_sequence_and_a_feed_publishes():
    request_calendar, request = parsed(to_ics([entry(sequence=2, organizer="no-reply@mentorship.example",
                                                     attendee="sam@example.org")], method=Method.REQUEST))
    assert str(request_calendar["METHOD"]) == "REQUEST" and request["SEQUENCE"] == 2
    assert str(request["STATUS"]) == "CONFIRMED" and str(request["ORGANIZER"]) == "mailto:no-reply@mentorship.example"
    assert request["ATTENDEE"].params["RSVP"] == "FALSE"
    cancel_calendar, cancel = parsed(to_ics([entry(sequence=3, attendee="sam@example.org")], method="CANCEL"))
    assert str(cancel_calendar["METHOD"]) == "CANCEL" and str(cancel["STATUS"]) == "CANCELLED"
    feed_calendar, published = parsed(to_ics([entry(sequence=1, attendee="sam@example.org", cancelled=True)]))
    assert str(feed_calendar["METHOD"]) == "PUBLISH" and "ATTENDEE" not in published
    assert str(published["STATUS"]) == "CANCELLED"


def test_an_event_and_a_booking_have_uids_of_their_own_and_only_a_web_address_becomes_a_url():
    booking = uuid4()
    assert booking_uid(booking) != event_uid(booking) and booking_uid(booking) == booking_uid(str(booking))
    _, event = parsed(to_ics([entry(url="javascript:alert(1)")]))
    assert "URL" not in event
    _, event = parsed(to_ics([entry(url="https://meet.example.org/abc")]))
    assert str(event["URL"]) == "https://meet.example.org/abc"
