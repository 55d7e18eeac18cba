"""The events a person registered for, as their page lists them: what is coming up first, soonest first; then what is
past, the latest first; an event called off says so, and a place on a waitlist gives its number."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from .pages import Services, browser
from .test_pages import ME


def registration(title: str, starts_in: timedelta, status: str = "confirmed", state: str = "published",
                 place: int | None = None) -> dict:
    starts = (datetime.now(UTC) + starts_in).replace(microsecond=0)
    event = {"id": str(uuid4()), "chapter_id": None, "kind": "workshop", "title": title, "description": "",
             "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(),
             "timezone": "America/Chicago", "capacity": 10, "audience_stages": [],
             "registration_deadline": (starts - timedelta(days=1)).isoformat(), "is_virtual": False,
             "location": "Room 1", "parent_event_id": None, "exhibitors": [], "state": state,
             "attendees_public": True}
    return {"id": str(uuid4()), "scheduled_event_id": event["id"], "person_id": ME, "status": status,
            "attended": None, "created_at": None, "event": event, "waitlist_position": place}


async def listed(*registrations: dict) -> str:
    # As events answers: by when each event starts.
    ordered = sorted(registrations, key=lambda r: r["event"]["starts_at"])
    async with browser(Services({"GET /v1/registrations/mine": ordered}), ME) as page:
        shown = await page.get("/registrations")
    assert shown.status_code == 200
    return shown.text


async def test_what_is_coming_up_comes_first_soonest_first_and_what_is_past_after_it_latest_first():
    text = await listed(registration("Fair last year", -timedelta(days=300)),
                        registration("Workshop last month", -timedelta(days=30)),
                        registration("Workshop next month", timedelta(days=30)),
                        registration("Session tomorrow", timedelta(days=1)))
    order = [text.index(title) for title in ("Coming up", "Session tomorrow", "Workshop next month", "Past events",
                                             "Workshop last month", "Fair last year")]
    assert order == sorted(order)


async def test_an_event_called_off_says_so_rather_than_that_the_seat_is_still_held():
    text = await listed(registration("Suturing workshop", timedelta(days=5), state="cancelled"))
    assert "This event is cancelled." in text
    assert "You have a seat" not in text


async def test_a_place_on_a_waitlist_gives_its_number():
    text = await listed(registration("Interview practice", timedelta(days=5), status="waitlisted", place=4))
    assert "You are number 4 on the waitlist" in text


async def test_nothing_coming_up_says_so_and_offers_to_find_an_event_above_what_is_past():
    text = await listed(registration("Workshop last month", -timedelta(days=30)))
    assert text.index("You have no events coming up.") < text.index("Find an event") < text.index("Past events")


@pytest.mark.parametrize("state", ["completed", "cancelled"])
async def test_an_event_held_or_called_off_before_its_end_is_not_coming_up(state):
    # Marked held half-way through, an event stayed under "Coming up" with "You are number 1 on the waitlist".
    text = await listed(registration("Residency panel", -timedelta(minutes=30), status="waitlisted", state=state,
                                     place=1))
    assert text.index("You have no events coming up.") < text.index("Past events") < text.index("Residency panel")
    assert "You are number 1 on the waitlist" not in text


@pytest.mark.parametrize("state, starts_in", [("completed", -timedelta(minutes=30)),
                                              ("published", -timedelta(days=3))])
async def test_a_place_on_the_waitlist_of_an_event_that_is_over_says_no_place_was_given(state, starts_in):
    text = await listed(registration("Residency panel", starts_in, status="waitlisted", state=state, place=1))
    assert "You were on the waitlist and did not get a seat." in text
    assert "You are number 1" not in text and "You are on the waitlist" not in text


async def test_the_page_of_an_event_held_while_one_waited_says_no_place_was_given_not_their_number():
    waited = registration("Residency panel", -timedelta(minutes=30), status="waitlisted", state="completed", place=1)
    event = waited["event"]
    services = Services({f"GET /v1/events/{event['id']}": event, "GET /v1/registrations/mine": [waited]})
    async with browser(services, ME) as page:
        text = (await page.get(f"/events/{event['id']}")).text
    # Marked held half an hour in, it runs on: over is not what it is, closed is.
    assert "You were on the waitlist and did not get a seat." in text and "This event is over." not in text
    assert "Its organizers have marked it held: its waitlist is closed." in text
    assert "You are number 1" not in text


async def test_the_page_of_an_event_held_while_one_had_a_seat_says_nothing_of_its_waitlist_and_how_to_correct_it():
    # A seat-holder recorded as not coming read "its waitlist is closed", which meant nothing to her, and nothing of
    # how to have it corrected.
    seated = {**registration("Residency panel", -timedelta(minutes=30), state="completed"), "attended": False}
    event = seated["event"]
    services = Services({f"GET /v1/events/{event['id']}": event, "GET /v1/registrations/mine": [seated]})
    async with browser(services, ME) as page:
        text = (await page.get(f"/events/{event['id']}")).text
    assert "waitlist" not in text.split('id="registration"')[1].split("</section>")[0]
    assert "Its organizers have marked it held. If you came, tell them: they can correct it." in text


def attended_as(attended: bool | None, title: str = "Suturing workshop", state: str = "completed") -> dict:
    """A seat at an event held three days ago, its attendance recorded so (None: not recorded)."""
    return {**registration(title, -timedelta(days=3), state=state), "attended": attended}


@pytest.mark.parametrize(("attended", "said"), [(True, "You had a seat: you came"),
                                                (False, "You had a seat: recorded as not coming"),
                                                (None, "You had a seat")])
async def test_a_seat_at_an_event_that_is_over_is_said_in_the_past_with_the_attendance_recorded(attended, said):
    text = await listed(attended_as(attended))
    assert f"{said}</li>" in text
    assert "You have a seat" not in text


@pytest.mark.parametrize("state", ["completed", "published"])
async def test_the_page_of_an_event_that_is_over_says_the_seat_in_the_past_and_offers_no_calendar_file(state):
    held = attended_as(False, state=state)
    event = held["event"]
    services = Services({f"GET /v1/events/{event['id']}": event, "GET /v1/registrations/mine": [held]})
    async with browser(services, ME) as page:
        text = (await page.get(f"/events/{event['id']}")).text
    assert "You had a seat: recorded as not coming" in text and "You have a seat" not in text
    assert "calendar.ics" not in text and "Add to calendar" not in text


async def test_the_page_of_an_event_coming_up_still_offers_its_calendar_file_and_says_the_seat_is_held():
    coming = registration("Suturing workshop", timedelta(days=3))
    event = coming["event"]
    services = Services({f"GET /v1/events/{event['id']}": event, "GET /v1/registrations/mine": [coming]})
    async with browser(services, ME) as page:
        text = (await page.get(f"/events/{event['id']}")).text
    assert "You have a seat" in text and f'href="/events/{event["id"]}/calendar.ics"' in text


@pytest.mark.parametrize("language, said, quoted", [
    ("en", "This event is cancelled. If you were registered, your registration was cancelled with it and we emailed "
           "you.", "The organizers' message:"),
    ("es", "Este evento está cancelado. Si estabas inscrito o inscrita, tu inscripción se canceló con él y te avisamos "
           "por correo.",
     "El mensaje de la organización:")])
async def test_the_page_of_an_event_called_off_says_the_registration_went_with_it_quotes_the_organisers_and_offers_no_calendar(
        language, said, quoted):
    mine = registration("Suturing workshop", timedelta(days=5), status="cancelled", state="cancelled")
    event = {**mine["event"], "cancellation_note": "The speaker is away.\nSee you on 3 March."}
    services = Services({f"GET /v1/events/{event['id']}": event, "GET /v1/registrations/mine": [mine]})
    async with browser(services, ME, language=language) as page:
        text = " ".join((await page.get(f"/events/{event['id']}")).text.split())
    assert said in text
    assert f"{quoted}</p> <blockquote><p>The speaker is away.<br>See you on 3 March.</p></blockquote>" in text
    assert "calendar.ics" not in text
    assert "Register by" not in text and "Inscripción hasta" not in text  # nothing to register for
