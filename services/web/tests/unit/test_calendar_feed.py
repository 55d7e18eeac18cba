"""A person's events in their own calendar app: a secret link made on the registrations page, served by the web app
(the events service is not reachable from outside), and fetched by the calendar app without signing in."""

from __future__ import annotations

import json

import httpx
from web.config import WebSettings

from .pages import CSRF, Services, browser
from .test_pages import ME

TOKEN = "Zm9yLXRoZS1jYWxlbmRhci1hcHAtb25seS0xMjM0NTY3"
BASE = WebSettings.offline().public_base_url.rstrip("/")
FEED = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:My events\r\nEND:VCALENDAR\r\n'


def events_issuing_a_feed() -> Services:
    return Services({"GET /v1/registrations/mine": [],
                     "POST /v1/calendar/feed": {"url": "http://events:8102/elsewhere", "token": TOKEN}})


async def test_the_registrations_page_offers_a_calendar_link_and_says_what_it_shows_before_one_is_made():
    async with browser(events_issuing_a_feed(), ME) as page:
        shown = await page.get("/registrations")
    assert shown.status_code == 200
    assert "Make my calendar link" in shown.text
    assert "An event you registered for" in shown.text  # how a private event appears there
    assert TOKEN not in shown.text


async def test_making_the_link_shows_the_web_apps_address_for_it_never_the_events_services():
    services = events_issuing_a_feed()
    async with browser(services, ME) as page:
        made = await page.post("/registrations/calendar-link", data={"csrf": CSRF}, follow_redirects=True)
    assert made.status_code == 200
    assert f'value="{BASE}/calendar/{TOKEN}.ics"' in made.text
    assert f'href="webcal://{BASE.split("://", 1)[1]}/calendar/{TOKEN}.ics"' in made.text
    assert "events:8102" not in made.text
    assert "Making a new link stops this one" in made.text
    assert made.headers["cache-control"] == "no-store"  # the page holds a secret
    assert [f"{r.method} {r.url.path}" for r in services.sent if r.method == "POST"] == ["POST /v1/calendar/feed"]


async def test_the_link_is_made_in_the_language_the_person_reads_the_site_in_for_the_feeds_own_words():
    services = events_issuing_a_feed()
    async with browser(services, ME, language="es") as page:
        offered = await page.get("/registrations")
        made = await page.post("/registrations/calendar-link", data={"csrf": CSRF}, follow_redirects=True)
    assert "«Un evento en el que te inscribiste»" in offered.text  # as the feed will title a private event
    assert made.status_code == 200
    [issued] = [r for r in services.sent if r.method == "POST"]
    assert json.loads(issued.content) == {"language": "es"}


async def test_the_link_made_is_shown_once_after_a_redirect_so_reloading_the_page_makes_no_new_link():
    # The link was the answer to the form: reloading it posted the form again, which stopped the link just copied.
    services = events_issuing_a_feed()
    async with browser(services, ME) as page:
        made = await page.post("/registrations/calendar-link", data={"csrf": CSRF})
        shown = await page.get("/registrations")
        reloaded = await page.get("/registrations")
    assert made.status_code == 303 and made.headers["location"] == "/registrations#calendar"
    assert TOKEN not in made.headers.get("location", "")
    assert f'value="{BASE}/calendar/{TOKEN}.ics"' in shown.text
    assert shown.headers["cache-control"] == "no-store"
    assert TOKEN not in reloaded.text and "Make my calendar link" in reloaded.text
    assert [f"{r.method} {r.url.path}" for r in services.sent if r.method == "POST"] == ["POST /v1/calendar/feed"]


async def test_making_the_link_needs_the_pages_token():
    services = events_issuing_a_feed()
    async with browser(services, ME) as page:
        refused = await page.post("/registrations/calendar-link", data={})
    assert refused.status_code == 403
    assert not [r for r in services.sent if r.method == "POST"]


async def test_a_calendar_app_fetches_the_feed_through_the_web_app_without_signing_in():
    services = Services({f"GET /v1/calendar/feeds/{TOKEN}.ics": httpx.Response(
        200, text=FEED, headers={"content-type": "text/calendar; charset=utf-8"})})
    async with browser(services) as calendar_app:
        fetched = await calendar_app.get(f"/calendar/{TOKEN}.ics")
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "text/calendar; charset=utf-8"
    assert fetched.text == FEED
    assert fetched.headers["cache-control"] == "no-store"


async def test_a_revoked_or_made_up_link_is_not_found_and_one_of_no_token_shape_asks_nothing_of_events():
    services = Services({f"GET /v1/calendar/feeds/{TOKEN}.ics": httpx.Response(
        404, json={"error": {"code": "not_found", "message": "no such calendar feed", "field": "token"}})})
    async with browser(services) as calendar_app:
        revoked = await calendar_app.get(f"/calendar/{TOKEN}.ics")
        odd = await calendar_app.get("/calendar/..%2F..%2Fv1%2Fevents.ics")
        long = await calendar_app.get(f"/calendar/{'a' * 101}.ics")
    assert (revoked.status_code, odd.status_code, long.status_code) == (404, 404, 404)
    assert [r.url.path for r in services.sent] == [f"/v1/calendar/feeds/{TOKEN}.ics"]


async def test_switching_the_sites_language_switches_the_calendar_feeds_words_at_the_same_link():
    services = Services({f"PATCH /v1/people/{ME}": {}, "PATCH /v1/calendar/feed": httpx.Response(204)})
    async with browser(services, ME) as page:
        switched = await page.post("/language", data={"csrf": CSRF, "language": "es", "back": "/registrations"})
    assert switched.status_code == 303
    [told] = [r for r in services.sent if r.url.path == "/v1/calendar/feed"]
    assert (told.method, json.loads(told.content)) == ("PATCH", {"language": "es"})


async def test_someone_with_no_calendar_link_or_events_away_switches_language_all_the_same():
    for events_answer in (httpx.Response(404, json={"error": {"code": "not_found", "message": "no feed"}}),
                          httpx.Response(503, json={"error": {"code": "unavailable", "message": "away"}})):
        services = Services({f"PATCH /v1/people/{ME}": {}, "PATCH /v1/calendar/feed": events_answer})
        async with browser(services, ME) as page:
            switched = await page.post("/language", data={"csrf": CSRF, "language": "es", "back": "/"})
        assert switched.status_code == 303 and switched.headers["location"] == "/"


async def test_choosing_another_language_for_emails_on_the_profile_page_switches_the_feeds_too_and_only_then():
    from .test_pages import PERSON

    for chosen, told in (("es", [{"language": "es"}]), ("en", [])):
        services = Services({f"GET /v1/people/{ME}": PERSON, "GET /v1/chapters": [],
                             f"PATCH /v1/people/{ME}": lambda request: {**PERSON, **json.loads(request.content)},
                             "PATCH /v1/calendar/feed": httpx.Response(204)})
        async with browser(services, ME) as page:
            saved = await page.post("/profile", data={"csrf": CSRF, "display_name": "Ana", "stage": "undergraduate",
                                                      "timezone": "America/Chicago", "language": chosen,
                                                      "languages": "en"})
        assert saved.status_code == 303
        assert [json.loads(r.content) for r in services.sent if r.url.path == "/v1/calendar/feed"] == told


async def test_an_events_calendar_file_is_asked_for_in_the_readers_language_which_titles_a_private_one():
    # The file, the feed and the email's attachment are one entry: a private event's is titled in the reader's words.
    event_id = "5b0c1e0a-2f4e-4d59-8d7a-6f3b0d7c9a11"
    services = Services({f"GET /v1/events/{event_id}/calendar.ics": FEED})
    async with browser(services, ME, language="es") as page:
        downloaded = await page.get(f"/events/{event_id}/calendar.ics")
    assert downloaded.status_code == 200 and downloaded.headers["content-type"].startswith("text/calendar")
    [asked] = [r for r in services.sent if r.url.path.endswith("/calendar.ics")]
    assert asked.url.params["language"] == "es"


async def test_the_page_showing_the_link_just_made_opens_on_its_notice_so_a_screen_reader_hears_it():
    # app.js focuses a notice marked data-focus as the page opens; a role="status" there from the start is not read.
    async with browser(events_issuing_a_feed(), ME) as page:
        made = await page.post("/registrations/calendar-link", data={"csrf": CSRF}, follow_redirects=True)
    assert '<div class="notice ok" role="status" data-focus tabindex="-1">' in made.text
