"""An office hour offered on the night the clocks change, and a time range said across the change: a slot of 30
minutes lasts 30 real minutes, a time the clocks skip or repeat is refused next to the time (not a dead end), and a
range whose ends fall on either side of the change names each end's zone."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
import web
from web.adapters.rendering import Renderer

from .pages import CSRF, Services, browser, mentoring
from .test_pages import ME, error_next_to

PACKAGE = Path(web.__file__).parent
NEW_YORK = "America/New_York"
# Years ahead, so that the days have not passed whenever the tests run. In New York, 2037-03-08 at 2:00 AM the clocks
# go forward to 3:00 AM; 2037-11-01 at 2:00 AM they go back to 1:00 AM.
SPRING_FORWARD, FALL_BACK = "2037-03-08", "2037-11-01"


def offering() -> Services:
    return Services({f"GET /v1/people/{ME}/office-hours/slots": [], "GET /v1/office-hours/slots": [],
                     **mentoring(ME), "POST /v1/office-hours/slots": {}})


async def offered(services: Services, day: str, at: str, minutes: int = 30, language: str = "en"):
    async with browser(services, ME, timezone=NEW_YORK, language=language) as page:
        return await page.post("/my-office-hours", data={"csrf": CSRF, "day": day, "time": at,
                                                         "minutes": str(minutes), "where": "online"})


def slots_sent(services: Services) -> list[dict]:
    return [json.loads(r.content) for r in services.sent if r.method == "POST"]


async def test_a_slot_across_the_clocks_going_forward_lasts_its_minutes_and_ends_at_a_time_that_exists():
    services = offering()
    answer = await offered(services, SPRING_FORWARD, "01:45", 30)
    assert answer.status_code == 303, answer.text
    [slot] = slots_sent(services)
    starts, ends = datetime.fromisoformat(slot["starts_at"]), datetime.fromisoformat(slot["ends_at"])
    assert (ends - starts).total_seconds() == 30 * 60
    assert slot["starts_at"] == "2037-03-08T01:45:00-05:00"
    # 3:15 AM EDT, as the clock on the wall says it: not "2:15 AM EST", a time that does not happen that night.
    assert slot["ends_at"] == "2037-03-08T03:15:00-04:00"


async def test_a_slot_ending_as_the_clocks_go_back_lasts_its_minutes():
    services = offering()
    answer = await offered(services, FALL_BACK, "00:45", 60)
    assert answer.status_code == 303, answer.text
    [slot] = slots_sent(services)
    starts, ends = datetime.fromisoformat(slot["starts_at"]), datetime.fromisoformat(slot["ends_at"])
    assert (ends - starts).total_seconds() == 60 * 60


@pytest.mark.parametrize(("day", "time", "language", "said"), [
    # 2:30 AM, which does not happen that night, made a slot that ended before it started: "That did not work".
    (SPRING_FORWARD, "02:30", "en", "That time does not exist that night in your time zone: the clocks go forward "
                                    "past it. Choose another time."),
    (SPRING_FORWARD, "02:30", "es", "Esa hora no existe esa noche en tu zona horaria: los relojes se adelantan y se "
                                    "la saltan. Elige otra hora."),
    # 1:40 AM happens twice: offered as the first, its 30 minutes ended at the second 2:10 AM, 90 minutes later.
    (FALL_BACK, "01:40", "en", "That time happens twice that night in your time zone: the clocks go back over it. "
                               "Choose a time before or after the change."),
    (FALL_BACK, "01:40", "es", "Esa hora ocurre dos veces esa noche en tu zona horaria: los relojes se atrasan y la "
                               "repiten. Elige una hora antes o después del cambio.")],
    ids=["skipped-en", "skipped-es", "twice-en", "twice-es"])
async def test_a_time_the_clocks_skip_or_repeat_that_night_is_refused_next_to_the_time_not_offered(
        day, time, language, said):
    services = offering()
    answer = await offered(services, day, time, 30, language)
    assert answer.status_code == 422
    assert error_next_to(answer.text, "time") == said
    assert f'value="{time}"' in answer.text, "kept as typed"
    assert slots_sent(services) == []


def span(language: str, starts: str, ends: str, timezone: str = NEW_YORK) -> str:
    renderer = Renderer(PACKAGE / "templates", PACKAGE / "translations")
    return renderer._environments[language].filters["span"](starts, ends, timezone).replace("\u202f", " ")


@pytest.mark.parametrize(("language", "said"), [
    ("en", "Sun, Mar 8, 2037, 1:45 AM EST – 3:15 AM EDT"),
    ("es", "dom, 8 de mar de 2037, 1:45 a.m. hora estándar oriental – 3:15 a.m. hora de verano oriental")],
    ids=["en", "es"])
def test_a_range_across_a_clock_change_names_the_zone_after_each_of_its_times(language, said):
    # "1:45 AM–3:15 AM EDT" read as 90 minutes, its start in the wrong zone.
    assert span(language, "2037-03-08T06:45:00+00:00", "2037-03-08T07:15:00+00:00") == said


@pytest.mark.parametrize(("language", "said"), [
    ("en", "Sun, Nov 1, 2037, 1:30 AM EDT – 1:15 AM EST"),
    ("es", "dom, 1 de nov de 2037, 1:30 a.m. hora de verano oriental – 1:15 a.m. hora estándar oriental")],
    ids=["en", "es"])
def test_a_range_ending_after_the_clocks_go_back_names_both_zones_though_it_seems_to_end_before_it_starts(
        language, said):
    assert span(language, "2037-11-01T05:30:00+00:00", "2037-11-01T06:15:00+00:00") == said


@pytest.mark.parametrize(("language", "said"), [
    ("en", "Sun, Mar 1, 2037, 1:45 AM–2:15 AM EST"),
    ("es", "dom, 1 de mar de 2037, 1:45 a.m.–2:15 a.m. hora estándar oriental")],
    ids=["en", "es"])
def test_a_range_on_one_clock_names_its_zone_once_as_before(language, said):
    assert span(language, "2037-03-01T06:45:00+00:00", "2037-03-01T07:15:00+00:00") == said


def test_a_range_over_two_days_across_a_change_still_names_each_days_zone():
    assert span("en", "2037-03-07T23:00:00-05:00", "2037-03-08T12:00:00-04:00") == (
        "Sat, Mar 7, 2037, 11:00 PM EST – Sun, Mar 8, 2037, 12:00 PM EDT")


async def test_a_booking_across_the_change_is_listed_with_each_end_in_its_zone():
    booking = {"id": "b1", "host_id": ME, "starts_at": "2037-03-08T06:45:00+00:00",
               "ends_at": "2037-03-08T07:15:00+00:00", "is_virtual": True, "location": None, "join_url": None,
               "chapter_id": None, "booked_by": ME}
    services = Services({"GET /v1/office-hours/slots": [], "GET /v1/office-hours/bookings/mine": [booking],
                         f"GET /v1/people/{ME}/partners": []})
    async with browser(services, ME, timezone=NEW_YORK) as page:
        shown = re.sub(r"\s+", " ", (await page.get("/office-hours")).text.replace("\u202f", " "))
    assert "Sun, Mar 8, 2037, 1:45 AM EST – 3:15 AM EDT" in shown


async def test_a_slot_on_the_last_evening_of_year_9999_is_refused_next_to_the_day_not_answered_with_a_crash():
    # 11:30 PM in New York that night is already the year 10000 in UTC, past the last instant Python holds.
    services = offering()
    answer = await offered(services, "9999-12-31", "23:30")
    assert answer.status_code == 422, answer.text
    assert error_next_to(answer.text, "day") == "Give the day of the slot."
    assert not slots_sent(services)


async def test_a_slot_ending_past_the_last_instant_there_is_is_refused_next_to_the_day():
    # 6:50 PM in New York is 11:50 PM in UTC: an hour later is the year 10000.
    services = offering()
    answer = await offered(services, "9999-12-31", "18:50", 60)
    assert answer.status_code == 422, answer.text
    assert error_next_to(answer.text, "day") == "Give the day of the slot."
