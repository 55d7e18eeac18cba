"""A host's link to join an office hour: an https address with a real host name, refused next to its field in words
that say what is wrong with it (the browser's own check is easily bypassed: the form is sent as it is)."""

from __future__ import annotations

import json
from uuid import uuid4

import pytest

from .pages import CSRF, Services, browser, mentoring
from .test_pages import ME, error_next_to

SLOT = str(uuid4())
A_SLOT = {"id": SLOT, "host_id": ME, "chapter_id": None, "starts_at": "2037-12-07T16:00:00+00:00",
          "ends_at": "2037-12-07T16:30:00+00:00", "is_virtual": True, "location": None, "booked_by": None,
          "booking_id": None, "join_url": None}

REFUSED = [
    ("javascript:alert(1)", "A link to join starts with https://"),
    ("http://zoom.us/j/123", "A link to join starts with https://"),
    ("mailto:someone@example.org", "A link to join starts with https://"),
    ("https://zoom.us/j/1 23", "The link has a space in it"),
    ("zoom.us/j/ 123", "The link has a space in it"),
    ("https://javascript:alert(1)", "after https://"),
    ("https://zoom/j/123", "after https://"),
    ("https:///j/123", "after https://"),
    ("https://me:secret@zoom.us/j/123", "a name or password"),
    ("https://zoom.us/j/" + "1" * 500, "at most 500 characters"),
]


def hosting() -> Services:
    return Services({f"GET /v1/people/{ME}/office-hours/slots": [A_SLOT], "GET /v1/office-hours/slots": [A_SLOT],
                     f"GET /v1/people/{ME}/partners": [], **mentoring(ME), "POST /v1/office-hours/slots": {},
                     f"PUT /v1/office-hours/slots/{SLOT}/join-link": A_SLOT})


@pytest.mark.parametrize("typed, said", REFUSED)
async def test_a_slot_offered_with_a_link_that_is_no_https_address_is_refused_next_to_it_saying_what_is_wrong(
        typed, said):
    services = hosting()
    async with browser(services, ME) as page:
        answer = await page.post("/my-office-hours", data={
            "csrf": CSRF, "day": "2099-01-05", "time": "10:15", "minutes": "30", "where": "online",
            "join_url": typed})
    assert answer.status_code == 422
    assert said in error_next_to(answer.text, "join_url")
    assert "as it starts" not in answer.text
    assert not [r for r in services.sent if r.method == "POST"]


@pytest.mark.parametrize("typed, said", REFUSED)
async def test_a_link_given_to_a_slot_that_is_no_https_address_is_refused_next_to_that_slots_field(typed, said):
    services = hosting()
    async with browser(services, ME) as page:
        answer = await page.post(f"/my-office-hours/{SLOT}/link", data={"csrf": CSRF, "join_url": typed})
    assert answer.status_code == 422
    assert said in error_next_to(answer.text, f"join_url-{SLOT}")
    assert f'href="#join_url-{SLOT}"' in answer.text, "the summary above the page leads to the field"
    assert not [r for r in services.sent if r.method == "PUT"]


@pytest.mark.parametrize("typed, sent", [("zoom.us/j/123?pwd=abc", "https://zoom.us/j/123?pwd=abc"),
                                         ("https://meet.google.com/abc-defg-hij", "https://meet.google.com/abc-defg-hij"),
                                         ("https://teams.microsoft.com:443/l/meetup-join/x",
                                          "https://teams.microsoft.com:443/l/meetup-join/x")])
async def test_a_real_link_to_join_is_taken(typed, sent):
    services = hosting()
    async with browser(services, ME) as page:
        answer = await page.post(f"/my-office-hours/{SLOT}/link", data={"csrf": CSRF, "join_url": typed})
    assert answer.status_code == 303
    [given] = [json.loads(r.content) for r in services.sent if r.method == "PUT"]
    assert given == {"join_url": sent}


async def test_a_refusal_of_a_link_is_said_in_spanish_too():
    async with browser(hosting(), ME, language="es") as page:
        answer = await page.post(f"/my-office-hours/{SLOT}/link", data={"csrf": CSRF, "join_url": "javascript:alert(1)"})
    assert "https://" in error_next_to(answer.text, f"join_url-{SLOT}")
    assert "A link to join" not in answer.text
