"""A time range that spans a change of the clocks (daylight saving time begins or ends) names the zone after each of
its ends, so that it reads as long as it is; any other range names its zone once, after both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from mentorship_contracts import events as ev
from notifications.adapters.i18n import Reader, zone_of
from notifications.service_layer import handlers

from .test_what_people_receive import NOW, new_uow, person, sent

# Sunday 14 March 2027 in New York: 1:45 AM EST, then 30 minutes later 3:15 AM EDT (the clocks jump at 2:00 AM).
SPRING_STARTS = datetime(2027, 3, 14, 6, 45, tzinfo=UTC)
SPRING_ENDS = SPRING_STARTS + timedelta(minutes=30)
NEW_YORK = zone_of("America/New_York")


@pytest.mark.parametrize(("language", "said"), [
    ("en", "Sunday, March 14, 2027, 1:45\u202fAM (Eastern Standard Time) – 3:15\u202fAM (Eastern Daylight Time)"),
    ("es", "domingo, 14 de marzo de 2027, de 1:45\u202fa.m. (hora estándar oriental) a 3:15\u202fa.m. "
           "(hora de verano oriental)")])
def test_a_range_across_the_spring_change_names_the_zone_after_each_time(language, said):
    assert Reader(language, NEW_YORK).span(SPRING_STARTS, SPRING_ENDS) == said


@pytest.mark.parametrize(("language", "said"), [
    ("en", "Sunday, November 7, 2027, 1:30\u202fAM (Eastern Daylight Time) – 1:30\u202fAM (Eastern Standard Time)"),
    ("es", "domingo, 7 de noviembre de 2027, de 1:30\u202fa.m. (hora de verano oriental) a 1:30\u202fa.m. "
           "(hora estándar oriental)")])
def test_an_hour_across_the_autumn_change_does_not_read_as_lasting_no_time(language, said):
    starts = datetime(2027, 11, 7, 5, 30, tzinfo=UTC)  # 1:30 AM EDT; an hour later, 1:30 AM EST
    assert Reader(language, NEW_YORK).span(starts, starts + timedelta(hours=1)) == said


@pytest.mark.parametrize(("language", "said"), [
    ("en", "Saturday, March 13, 2027, 11:00\u202fPM (Eastern Standard Time) – Sunday, March 14, 2027, "
           "3:30\u202fAM (Eastern Daylight Time)"),
    ("es", "sábado, 13 de marzo de 2027, 11:00\u202fp.m. (hora estándar oriental), hasta el domingo, 14 de marzo de "
           "2027, 3:30\u202fa.m. (hora de verano oriental)")])
def test_a_range_over_two_days_across_a_change_names_the_zone_after_each_day_and_time(language, said):
    starts = datetime(2027, 3, 14, 4, tzinfo=UTC)  # 11:00 PM EST
    assert Reader(language, NEW_YORK).span(starts, starts + timedelta(hours=3, minutes=30)) == said


@pytest.mark.parametrize(("language", "said"), [
    ("en", "Sunday, March 14, 2027, 3:15\u202fAM – 3:45\u202fAM (Eastern Daylight Time)"),
    ("es", "domingo, 14 de marzo de 2027, de 3:15\u202fa.m. a 3:45\u202fa.m. (hora de verano oriental)")])
def test_a_range_on_one_side_of_a_change_still_names_its_zone_once(language, said):
    assert Reader(language, NEW_YORK).span(SPRING_ENDS, SPRING_ENDS + timedelta(minutes=30)) == said


def test_a_range_across_a_change_elsewhere_is_said_as_ever_in_a_zone_whose_clocks_do_not_change():
    assert Reader("en", zone_of("UTC")).span(SPRING_STARTS, SPRING_ENDS) == (
        "Sunday, March 14, 2027, 6:45\u202fAM – 7:15\u202fAM (Coordinated Universal Time)")


@pytest.mark.parametrize(("language", "label", "said"), [
    ("en", "When", "1:45\u202fAM (Eastern Standard Time) – 3:15\u202fAM (Eastern Daylight Time)"),
    ("es", "Cuándo", "de 1:45\u202fa.m. (hora estándar oriental) a 3:15\u202fa.m. (hora de verano oriental)")])
async def test_an_office_hour_booked_across_the_spring_change_tells_its_participant_each_ends_zone(
        language, label, said):
    uow = new_uow()
    student = await person(uow, "Sam Okafor", zone="America/New_York", language=language)
    host = await person(uow, "Lee Chen", zone="America/New_York")
    await handlers.office_hours_booked(ev.OfficeHoursBookedV3(
        slot_id=uuid4(), host_id=host, person_id=student, chapter_id=None, starts_at=SPRING_STARTS,
        ends_at=SPRING_ENDS, booking_id=uuid4(), is_virtual=True, location=None), uow)
    told = {m.to: m for m in await sent(uow, now=NOW)}[uow.notifications.contacts[student]["email"]]
    [when] = [line for line in told.text.splitlines() if line.startswith(f"{label}:")]
    assert when.endswith(said)
