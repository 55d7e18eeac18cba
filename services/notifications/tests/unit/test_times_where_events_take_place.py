"""An in-person event's times are said where it takes place, its zone named, as its page says them: in every email
about it, subject and body alike, with the reader's own time after it where their clocks differ. An online event's
are said where the reader is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from mentorship_contracts import events as ev
from notifications.service_layer import handlers

from .test_what_people_receive import NOW, new_uow, person, registered, sent, workshop

# Wednesday 3 March 2027, 11:00 PM in Chicago: Thursday 4 March, 5:00 AM in UTC.
LATE_IN_CHICAGO = datetime(2027, 3, 4, 5, tzinfo=UTC)
IN_CHICAGO = ("Wednesday, March 3, 2027, 11:00\u202fPM – Thursday, March 4, 2027, 1:00\u202fAM "
              "(Central Standard Time)")
IN_UTC = "Thursday, March 4, 2027, 5:00\u202fAM – 7:00\u202fAM (Coordinated Universal Time)"


def career_fair(starts: datetime = LATE_IN_CHICAGO, **changes) -> ev.EventPublishedV2:
    return workshop(starts, title="Career fair", ends_at=starts + timedelta(hours=2), **changes)


def details(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("When:", "In your time zone:",
                                                                    "Local time there:"))]


async def confirmed_to(zone: str, event: ev.EventPublishedV2, language: str = "en"):
    uow = new_uow()
    reader = await person(uow, "Sam Okafor", zone=zone, language=language)
    await handlers.event_published(event, uow)
    registration = await registered(uow, event, reader)
    [told] = await sent(uow)
    return uow, registration, told


async def test_an_in_person_events_email_leads_with_its_time_where_it_takes_place_then_the_readers_own():
    _, _, told = await confirmed_to("UTC", career_fair())
    assert details(told.text) == [f"When: {IN_CHICAGO}", f"In your time zone: {IN_UTC}"]
    assert told.html.index("Central Standard Time") < told.html.index("Coordinated Universal Time")


async def test_an_in_person_event_read_where_it_takes_place_says_its_time_once():
    _, _, told = await confirmed_to("America/Chicago", career_fair())
    assert details(told.text) == [f"When: {IN_CHICAGO}"]


async def test_an_online_event_is_said_in_the_readers_own_time_alone():
    _, _, told = await confirmed_to("UTC", career_fair(is_virtual=True, location=None))
    assert details(told.text) == [f"When: {IN_UTC}"]
    assert "Central" not in told.text


async def test_a_spanish_reader_reads_an_in_person_events_time_there_first_then_their_own():
    _, _, told = await confirmed_to("UTC", career_fair(), language="es")
    lines = [line for line in told.text.splitlines() if line.startswith(("Cuándo:", "En tu zona horaria:"))]
    assert [line.split(":")[0] for line in lines] == ["Cuándo", "En tu zona horaria"]
    assert "(hora estándar central)" in lines[0] and "(hora universal coordinada)" in lines[1]


async def test_a_reminder_of_an_in_person_event_leads_its_body_with_the_time_its_subject_says():
    # Read in UTC, the subject said 4:00 PM (Central Standard Time) and the body 10:00 PM (Coordinated Universal Time).
    uow, registration, _ = await confirmed_to("UTC", workshop(NOW + timedelta(hours=5)))
    await handlers.reminder_due(ev.ReminderDueV2(**registration, starts_at=NOW + timedelta(hours=5)), uow)
    [reminder] = await sent(uow)
    assert reminder.subject == "Today at 4:00\u202fPM (Central Standard Time): Personal statements"
    assert details(reminder.text)[0] == ("When: Wednesday, March 3, 2027, 4:00\u202fPM – 5:00\u202fPM "
                                         "(Central Standard Time)")


async def test_a_subject_naming_the_day_of_an_in_person_event_names_its_day_where_it_takes_place():
    uow = new_uow()
    reader = await person(uow, "Sam Okafor", zone="UTC")
    event = career_fair()
    await handlers.event_published(event, uow)
    await handlers.registration_confirmed(ev.PrivateRegistrationConfirmed(
        registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, chapter_id=None, person_id=reader), uow)
    [told] = await sent(uow)
    assert told.subject == "You are registered for an event on Wednesday, March 3, 2027"


@pytest.mark.parametrize(("is_virtual", "when"), [(False, IN_CHICAGO), (True, IN_UTC)])
async def test_a_cancelled_event_says_when_it_was_planned_as_its_other_emails_said_it(is_virtual, when):
    uow, registration, _ = await confirmed_to("UTC", career_fair(is_virtual=is_virtual,
                                                                 location=None if is_virtual else "Hall B"))
    await handlers.event_cancelled(ev.EventCancelledV3(scheduled_event_id=registration["scheduled_event_id"],
                                                       chapter_id=None, reason_code="speaker_unavailable",
                                                       revision=1), uow)
    [told] = await sent(uow)
    assert f"We are sorry: Career fair, planned for {when}, is cancelled" in told.text
