"""An event's times as its pages say them: an in-person event's where it happens (as its emails and the console say
them), an online one's where the reader is; each naming its zone. And its place, as its emails say it."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest

from .pages import Services, browser
from .test_pages import ME

# Years ahead, so that the event is still to come whenever the test runs (its register-by is said until it starts).
IN_LOS_ANGELES = "Sun, Dec 6, 2037, 7:00 PM PST"  # 2037-12-07T03:00Z, in Los Angeles
IN_CHICAGO = "Sun, Dec 6, 2037, 9:00 PM CST"


def an_event(is_virtual: bool) -> dict:
    """An event of Los Angeles, starting at 19:00 there; registration closes at 17:00 there."""
    return {"id": str(uuid4()), "chapter_id": None, "kind": "workshop", "title": "Suturing night", "description": "",
            "starts_at": "2037-12-07T03:00:00+00:00", "ends_at": "2037-12-07T05:00:00+00:00",
            "timezone": "America/Los_Angeles", "capacity": 10, "audience_stages": [],
            "registration_deadline": "2037-12-07T01:00:00+00:00", "is_virtual": is_virtual,
            "location": None if is_virtual else "UCLA, Room 1", "parent_event_id": None, "exhibitors": [],
            "state": "published", "attendees_public": True}


async def pages_of(event: dict) -> dict[str, str]:
    """The event's page, the list of events and the reader's registrations, to a reader in Chicago."""
    registration = {"id": str(uuid4()), "scheduled_event_id": event["id"], "person_id": ME, "status": "confirmed",
                    "attended": None, "created_at": None, "event": event, "waitlist_position": None}
    services = Services({f"GET /v1/events/{event['id']}": event, "GET /v1/events": [event],
                         "GET /v1/registrations/mine": [registration],
                         f"GET /v1/events/{event['id']}/access": {"join_url": "https://meet.example/x"}})
    async with browser(services, ME, timezone="America/Chicago") as page:
        return {path: " ".join((await page.get(path)).text.split())
                for path in (f"/events/{event['id']}", "/events", "/registrations")}


@pytest.mark.parametrize(("is_virtual", "said", "not_said"), [(False, IN_LOS_ANGELES, IN_CHICAGO),
                                                              (True, IN_CHICAGO, IN_LOS_ANGELES)])
async def test_an_in_person_events_times_are_where_it_happens_and_an_online_ones_where_the_reader_is(
        is_virtual, said, not_said):
    # Read in Chicago, an evening in Los Angeles said "21:00 CST" while its emails and the console said 19:00 PST.
    for path, shown in (await pages_of(an_event(is_virtual))).items():
        assert said in shown, path
        assert not_said not in shown, path


async def test_an_in_person_events_end_and_deadline_are_where_it_happens_too():
    shown = next(iter((await pages_of(an_event(is_virtual=False))).values()))
    assert "Sun, Dec 6, 2037, 9:00 PM PST" in shown  # ends
    assert "Sun, Dec 6, 2037, 5:00 PM PST" in shown  # register by


async def test_the_pages_of_events_say_in_their_footer_that_an_in_person_events_times_are_where_it_happens():
    for path, shown in (await pages_of(an_event(is_virtual=False))).items():
        assert ("Times are shown in your time zone (Central Time, Chicago), but an in-person event's in the time zone "
                "where it takes place.") in shown, path


@pytest.mark.parametrize(("language", "said"), [("en", "Thu, Dec 10, 2037, 11:59 PM PST"),
                                                ("es", "jue, 10 de dic de 2037, 11:59 p.m. hora estándar del Pacífico")])
async def test_a_registration_deadline_at_midnight_is_said_as_the_last_minute_of_the_day_before(language, said):
    # "12:00 AM" of Friday was read as the start of Friday, a day too late: style guides say 11:59 PM of Thursday.
    event = {**an_event(is_virtual=False), "registration_deadline": "2037-12-11T08:00:00+00:00"}  # 00:00 in LA
    services = Services({f"GET /v1/events/{event['id']}": event, "GET /v1/registrations/mine": []})
    async with browser(services, ME, language=language, timezone="America/Chicago") as page:
        shown = " ".join((await page.get(f"/events/{event['id']}")).text.split())
    assert said in shown
    assert "12:00 AM" not in shown and "12:00 a.m." not in shown


async def test_an_event_online_and_in_a_place_says_both_on_every_page_as_its_emails_do():
    # Its pages said only "Online": those coming in person could not find the room its emails named.
    hybrid = {**an_event(is_virtual=True), "location": "UCLA, Room 1"}
    shown = await pages_of(hybrid)
    for path in (f"/events/{hybrid['id']}", "/events"):  # your registrations name no place
        assert "UCLA, Room 1, and online" in shown[path], path


async def an_events_page(event: dict, timezone: str | None = "America/Chicago", language: str = "en") -> str:
    """The event's page to a reader signed in with `timezone` (None: signed out), its words without markup."""
    services = Services({f"GET /v1/events/{event['id']}": event, "GET /v1/registrations/mine": []})
    async with browser(services, ME if timezone else None, timezone=timezone or "UTC", language=language) as page:
        return re.sub(r"<[^>]+>", " ", " ".join((await page.get(f"/events/{event['id']}")).text.split()))


async def test_an_in_person_events_start_and_deadline_are_also_said_in_the_readers_time_where_their_clocks_differ():
    # Its emails say both; its page said only Los Angeles's time to a reader in Chicago.
    shown = " ".join((await an_events_page(an_event(is_virtual=False))).split())
    assert "Starts Sun, Dec 6, 2037, 7:00 PM PST (9:00 PM your time)" in shown
    assert "Register by Sun, Dec 6, 2037, 5:00 PM PST (7:00 PM your time)" in shown
    assert "Ends Sun, Dec 6, 2037, 9:00 PM PST Where" in shown, "the start is enough"


@pytest.mark.parametrize(("timezone", "language", "said"), [
    ("Europe/Madrid", "en", "Sun, Dec 6, 2037, 7:00 PM PST (Mon, Dec 7, 2037, 4:00 AM your time)"),
    ("America/Chicago", "es", "dom, 6 de dic de 2037, 7:00 p.m. hora estándar del Pacífico (9:00 p.m. en tu zona "
                              "horaria)")])
async def test_an_in_person_events_start_in_the_readers_time_names_the_day_when_it_is_another_day_there(
        timezone, language, said):
    shown = " ".join((await an_events_page(an_event(is_virtual=False), timezone, language)).split())
    assert said in shown


@pytest.mark.parametrize("timezone", ["America/Los_Angeles", "America/Vancouver", None])
async def test_an_in_person_events_times_are_said_once_to_a_reader_on_its_clock_or_signed_out(timezone):
    shown = await an_events_page(an_event(is_virtual=False), timezone)
    assert "your time)" not in shown


async def test_an_online_events_times_are_the_readers_own_already_and_are_not_said_twice():
    assert "your time)" not in await an_events_page(an_event(is_virtual=True))
