"""Pages driven through the web app with the services played by fakes: what a person typed is kept after an
error, each error is said next to its field, and the page says what the services answered."""

from __future__ import annotations

import calendar
import html
import json
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import httpx
import pytest
from icalendar import Calendar
from plumbing.calendar import booking_uid
from web.domain.sign_in import Session, SignInLink, digest
from web.entrypoints import events as events_pages
from web.entrypoints import labels

from .pages import CSRF, NEWCOMER_EMAIL, Services, browser, mentoring
from .test_sign_in import FakeLinks, FakeSessions

ME = str(uuid4())
NOTHING_DECLARED = {"attributes": {}, "requests": []}
PERSON = {"id": ME, "display_name": "Ana", "email": "ana@example.org", "stage": "undergraduate", "chapter_id": None,
          "pronouns": None, "bio": None, "timezone": "America/Chicago", "preferred_language": "en"}


def my_data() -> dict:
    """What the services answer for the page "My data", with nothing recorded but the profile."""
    return {f"GET /v1/people/{ME}": PERSON, f"GET /v1/people/{ME}/identity": NOTHING_DECLARED,
            **{f"GET /v1/people/{ME}/{listed}": [] for listed in ("enrollments", "pairings", "meetings", "inbox")},
            "GET /v1/registrations/mine": [], "GET /v1/office-hours/bookings/mine": [],
            "GET /v1/office-hours/slots": [], f"GET /v1/people/{ME}/preferences": {}}


def error_next_to(html: str, field_id: str) -> str:
    """The error message a field points to with aria-describedby (fails when it points to none)."""
    described = re.search(rf'id="{re.escape(field_id)}"[^>]*aria-describedby="([^"]+)"', html)
    assert described, f"{field_id} points to no error"
    tags = [re.search(rf'<([^>]*\bid="{element}"[^>]*)>([^<]+)<', html) for element in described.group(1).split()]
    errors = [tag.group(2) for tag in tags if tag and "field-error" in tag.group(1)]
    assert errors, f"{field_id} is described by no error ({described.group(1)})"
    return errors[0]


async def test_a_wish_for_a_shared_attribute_not_used_for_matching_is_refused_next_to_it_keeping_what_was_typed():
    services = Services({f"GET /v1/people/{ME}/identity": NOTHING_DECLARED})
    async with browser(services, ME) as page:
        answer = await page.post("/sign-up/identity", data={
            "csrf": CSRF, "religion.value": "Quaker", "religion.partner": "yes", "religion.wish": "requirement",
            "veteran.wish": "preference"})
    assert answer.status_code == 422
    assert "matching" in error_next_to(answer.text, "religion-wish")
    assert "answer" in error_next_to(answer.text, "veteran-wish")
    # Each named in the summary atop a page of nine questions, which said "a mentor who shares this" of both.
    summary = html.unescape(re.search(r'error-summary.*?</div>', answer.text, re.S).group(0))
    assert ">Religion: to ask for a mentor who shares this, tick “Use it for matching”" in summary
    assert ">Veteran: to ask for a mentor who shares this, answer it in your own words" in summary
    assert 'value="Quaker"' in answer.text
    assert re.search(r'name="religion.partner" value="yes" checked', answer.text)
    assert re.search(r'value="requirement" selected', answer.text)
    assert not [r for r in services.sent if r.method == "PUT"]  # refused before profiles is asked


@pytest.mark.parametrize("language, said", [
    ("en", "If you join as a mentee (optional): a mentor who shares this"),
    ("es", "Si participas como persona mentorada (opcional): una persona mentora que comparta esto")])
async def test_the_wish_for_a_mentor_who_shares_an_attribute_is_offered_to_whoever_joins_as_a_mentee_as_optional(
        language, said):
    # Sign-up asks who you are before which program and role you join: a future mentor read "Mentees: a mentor who
    # shares this" as a question to them.
    services = Services({f"GET /v1/people/{ME}/identity": NOTHING_DECLARED})
    async with browser(services, ME, language=language) as page:
        shown = await page.get("/sign-up/identity")
    assert len(re.findall(rf'<label for="\w+-wish">{re.escape(said)}</label>', shown.text)) == len(labels.IDENTITY)
    assert "Mentees:" not in shown.text and "Personas mentoradas:" not in shown.text


@pytest.mark.parametrize(("stage", "asked"), [("high_school", False), ("undergraduate", True)])
async def test_a_high_school_student_is_not_asked_whether_they_are_a_veteran(stage, asked):
    async with browser(Services({f"GET /v1/people/{ME}/identity": NOTHING_DECLARED}), ME, stage=stage) as page:
        shown = (await page.get("/sign-up/identity")).text
    assert ('id="veteran-value"' in shown) == asked
    assert 'id="first_generation-value"' in shown


async def test_one_who_only_mentors_is_not_asked_for_a_mentor_who_shares_an_attribute_unless_they_asked_already():
    mentoring = {"id": str(uuid4()), "program_id": str(uuid4()), "role": "mentor", "active": True}
    declared = {"attributes": {"veteran": {"value": "Army", "use_in_matching": True, "show_to_partner": False}},
                "requests": [{"attribute": "veteran", "strength": "preference"}]}
    services = Services({f"GET /v1/people/{ME}/identity": declared,
                         f"GET /v1/people/{ME}/enrollments": [mentoring, {**A_MENTEE, "active": False}]})
    async with browser(services, ME) as page:
        shown = await page.get("/sign-up/identity?next=/my-data")
        services.answers[f"GET /v1/people/{ME}/enrollments"].append(A_MENTEE)
        also_a_mentee = await page.get("/sign-up/identity?next=/my-data")
    assert re.findall(r'name="(\w+)\.wish"', shown.text) == ["veteran"], "kept where one was asked for"
    assert len(re.findall(r'name="\w+\.wish"', also_a_mentee.text)) == len(labels.IDENTITY)


async def test_one_who_only_mentors_still_reads_that_a_mentees_wish_matches_an_answer_in_the_same_words():
    # A mentor answered "Sí, primera generación" where mentees chose the common answer "Yes": nobody matched.
    mentoring = {"id": str(uuid4()), "program_id": str(uuid4()), "role": "mentor", "active": True}
    services = Services({f"GET /v1/people/{ME}/identity": NOTHING_DECLARED,
                         f"GET /v1/people/{ME}/enrollments": [mentoring]})
    async with browser(services, ME) as page:
        form = (await page.get("/sign-up/identity?next=/my-data")).text
    assert not re.findall(r'name="\w+\.wish"', form)
    for name in labels.IDENTITY:
        hint = re.search(rf'id="{name}-value"[^>]*aria-describedby="([^"]+)"', form)
        assert hint, name
        said = re.search(rf'id="{hint.group(1)}"[^>]*>([^<]+)<', form)
        assert said and "in the same words" in said.group(1), name


def language_switch_back(html: str) -> str:
    found = re.search(r'action="/language">.*?name="back" value="([^"]*)"', html, re.S)
    assert found, "no language switch"
    return found.group(1).replace("&amp;", "&")


async def test_switching_language_returns_to_the_whole_address_of_the_page_with_its_query():
    async with browser(Services(), ME) as page:
        confirming = await page.get("/account/email/confirm?token=the-emailed-token")
        assert language_switch_back(confirming.text) == "/account/email/confirm?token=the-emailed-token"
        switched = await page.post("/language", data={"csrf": CSRF, "language": "es",
                                                      "back": language_switch_back(confirming.text)})
        assert switched.headers["location"] == "/account/email/confirm?token=the-emailed-token"
    async with browser(Services()) as page:
        link = await page.get("/sign-in/a-link-token-that-the-email-carried")
        assert language_switch_back(link.text) == "/sign-in/a-link-token-that-the-email-carried"


async def test_switching_language_on_the_answer_to_a_form_returns_to_the_page_the_form_was_on():
    services = Services({f"POST /v1/people/{ME}/email-change": httpx.Response(
        422, json={"error": {"code": "invalid", "message": "email"}})})
    services.answers.update(my_data())
    async with browser(services, ME) as page:
        refused = await page.post("/account/email", data={"csrf": CSRF, "email": "not-an-address"})
        identity = await page.post("/sign-up/identity?", data={"csrf": CSRF, "next": "/my-data",
                                                               "veteran.wish": "preference"})
    assert refused.status_code == 422 and language_switch_back(refused.text) == "/my-data"
    assert language_switch_back(identity.text) == "/sign-up/identity?next=%2Fmy-data"
    assert "/language" not in language_switch_back(identity.text)


async def test_an_unknown_or_mistyped_address_is_a_page_in_the_visitors_language_not_json():
    async with browser(Services(), ME, language="es") as page:
        for address in ("/no-such-page", "/mentorships/abc", "/events/not-an-id"):
            answer = await page.get(address)
            assert answer.status_code in (404, 422), address
            assert answer.headers["content-type"].startswith("text/html"), address
            assert 'lang="es"' in answer.text and "Esta página no está aquí" in answer.text, address
        wrong_method = await page.get("/account/email")
    assert wrong_method.status_code == 405 and wrong_method.headers["content-type"].startswith("text/html")
    assert "<h1>" in wrong_method.text and "Method Not Allowed" not in wrong_method.text
    async with browser(Services()) as anyone:
        assert (await anyone.get("/healthz")).headers["content-type"].startswith("application/json")


async def test_the_sign_in_form_carries_where_the_person_was_going_on_this_site_only():
    async with browser(Services()) as page:
        going = await page.get("/sign-in?next=/events/e1")
        elsewhere = await page.get("/sign-in?next=//elsewhere.example/phish")
    assert '<input type="hidden" name="next" value="/events/e1">' in going.text
    assert 'name="next"' not in elsewhere.text


async def test_a_form_sent_once_signed_out_signs_in_back_to_the_page_it_was_on_not_to_the_forms_own_address():
    event_page = f"/events/{uuid4()}"
    async with browser(Services()) as anyone:
        from_the_page = await anyone.post(f"{event_page}/register", data={"csrf": CSRF},
                                          headers={"Referer": f"https://web{event_page}"})
        from_another_site = await anyone.post(f"{event_page}/register", data={"csrf": CSRF},
                                              headers={"Referer": f"https://elsewhere.example{event_page}"})
        asked_for = await anyone.get(event_page + "/register")
        # Behind a proxy that gives the web another Host, the page is on the public address (PUBLIC_BASE_URL).
        from_the_public_page = await anyone.post(f"{event_page}/register", data={"csrf": CSRF},
                                                 headers={"Referer": f"http://127.0.0.1:8105{event_page}"})
    assert from_the_page.status_code == 303 and from_the_page.headers["location"] == f"/sign-in?next={event_page}"
    assert from_the_public_page.headers["location"] == f"/sign-in?next={event_page}"
    # The register address answers POST only: signed in, it would be a "method not allowed". Another site's word
    # is not taken: the page the address belongs to is.
    assert from_another_site.headers["location"] == f"/sign-in?next={event_page}"
    assert asked_for.status_code == 405


async def test_a_form_sent_once_signed_out_with_no_referer_signs_in_back_to_the_page_its_address_belongs_to():
    # This site's own Referrer-Policy (no-referrer) keeps browsers from saying where a form was: its address does.
    pairing = uuid4()
    async with browser(Services()) as anyone:
        meeting = await anyone.post(f"/mentorships/{pairing}/meetings", data={"csrf": CSRF, "met_on": "2026-12-01"})
        email = await anyone.post("/account/email", data={"csrf": CSRF, "email": "new@example.org"})
    assert meeting.headers["location"] == f"/sign-in?next=/mentorships/{pairing}"
    assert email.headers["location"] == "/sign-in?next=/"


async def test_a_form_sent_by_htmx_that_needs_signing_in_or_up_takes_the_whole_page_there_not_into_its_section():
    event_page = f"/events/{uuid4()}"
    htmx_from_the_page = {"HX-Request": "true", "HX-Current-URL": f"https://web{event_page}"}
    async with browser(Services()) as anyone, browser(Services(), newcomer=True) as newcomer:
        signed_out = await anyone.post(f"{event_page}/register", data={"csrf": CSRF}, headers=htmx_from_the_page)
        not_signed_up = await newcomer.post(f"{event_page}/register", data={"csrf": CSRF},
                                            headers=htmx_from_the_page)
    assert signed_out.status_code == 200 and signed_out.headers["HX-Redirect"] == f"/sign-in?next={event_page}"
    assert not_signed_up.status_code == 200 and not_signed_up.headers["HX-Redirect"] == "/sign-up"
    assert signed_out.text == not_signed_up.text == "", "nothing to swap into the section"


async def test_erasing_without_ticking_the_box_says_so_next_to_the_box_and_erases_nothing():
    # It was said in a box atop the page, away from the box to tick and unknown to a screen reader on it.
    services = Services({f"DELETE /v1/people/{ME}": httpx.Response(204)})
    async with browser(services, ME) as page:
        refused = await page.post("/my-data/erase", data={"csrf": CSRF})
    assert refused.status_code == 422 and not services.sent
    said = "Tick the box to confirm that you want everything erased."
    assert f'<p class="field-error" id="confirm-error">{said}</p>' in refused.text
    assert re.search(r'<input type="checkbox" id="confirm" name="confirm" value="erase" aria-invalid="true" '
                     r'aria-describedby="confirm-error">', refused.text)
    assert f'<a href="#confirm">{said}</a>' in refused.text and "<title>Error: " in refused.text


async def test_signing_out_or_erasing_the_account_keeps_the_language_the_person_chose_for_the_page_that_follows():
    # The browser asks for English (Accept-Language); the person chose Spanish, kept in their session: once it is
    # gone, the language cookie must say it, or the next page is in English.
    services = Services({f"DELETE /v1/people/{ME}": httpx.Response(204)})
    async with browser(services, ME, language="es") as page:
        signed_out = await page.post("/sign-out", data={"csrf": CSRF})
    async with browser(services, ME, language="es") as page:
        erased = await page.post("/my-data/erase", data={"csrf": CSRF, "confirm": "erase"})
    for answer in (signed_out, erased):
        assert answer.status_code == 303
        set_cookies = answer.headers.get_list("set-cookie")
        assert any(c.startswith("__Host-session=\"\"") for c in set_cookies)
        assert any(c.startswith("__Host-lang=es;") for c in set_cookies), answer.request.url
    async with browser(Services()) as anyone:
        anyone.headers["Accept-Language"] = "en"
        anyone.cookies.set("__Host-lang", "es")
        assert 'lang="es"' in (await anyone.get("/?signed_out=1")).text


async def test_a_link_from_a_spanish_email_opened_signed_out_on_an_english_browser_signs_in_in_spanish_and_stays_so():
    # The reader's emails are in Spanish; their browser asks for English: the link's `lang` says which they read.
    async with browser(Services()) as anyone:
        anyone.headers["Accept-Language"] = "en"
        followed = await anyone.get(f"/waitlists/{uuid4()}?lang=es")
        signing_in = await anyone.get(followed.headers["location"])
        later = await anyone.get("/sign-in")
    assert followed.status_code == 303 and followed.headers["location"].endswith("&lang=es")
    assert 'lang="es"' in signing_in.text and 'lang="es"' in later.text


async def test_a_language_the_browser_chose_is_kept_over_an_email_link_s_and_an_unknown_one_is_ignored():
    async with browser(Services()) as anyone:
        anyone.headers["Accept-Language"] = "en"
        anyone.cookies.set("__Host-lang", "en")
        chosen = await anyone.get("/sign-in?lang=es")
    async with browser(Services()) as anyone:
        anyone.headers["Accept-Language"] = "en"
        unknown = await anyone.get("/sign-in?lang=xx")
    assert 'lang="en"' in chosen.text and 'lang="en"' in unknown.text
    assert not [c for c in unknown.headers.get_list("set-cookie") if c.startswith("__Host-lang")]


EVENT = str(uuid4())


def a_full_event() -> dict:
    starts = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)  # registration still open
    event = {"id": EVENT, "chapter_id": None, "kind": "speaker", "title": "A surgeon's journey", "description": "",
             "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
             "timezone": "America/Chicago", "capacity": 1, "audience_stages": ["undergraduate"],
             "registration_deadline": (starts - timedelta(days=1)).isoformat(), "is_virtual": False,
             "location": "Room 101", "parent_event_id": None, "exhibitors": [], "state": "published",
             "attendees_public": False}
    waiting = {"id": str(uuid4()), "scheduled_event_id": EVENT, "person_id": ME, "status": "waitlisted",
               "attended": None, "created_at": None}
    return {f"GET /v1/events/{EVENT}": event, f"POST /v1/events/{EVENT}/registrations": waiting,
            "GET /v1/registrations/mine": [{**waiting, "event": event, "waitlist_position": 3}]}


async def test_registering_for_a_full_event_says_it_is_full_and_the_place_on_the_waitlist_with_or_without_htmx():
    async with browser(Services(a_full_event()), ME) as page:
        plain = await page.post(f"/events/{EVENT}/register", data={"csrf": CSRF}, follow_redirects=True)
        swapped = await page.post(f"/events/{EVENT}/register", data={"csrf": CSRF}, headers={"HX-Request": "true"})
    for answer in (plain, swapped):
        assert "The event is full: you are number 3 on the waitlist." in answer.text
        assert "You are registered." not in answer.text
        assert "You are number 3 on the waitlist<" not in answer.text, "said once, not again below the notice"


async def test_taking_a_seat_says_so_once_and_the_seat_is_said_on_the_page_looked_at_later():
    services = Services(a_seat_at_an_event())
    services.answers[f"POST /v1/events/{EVENT}/registrations"] = services.answers["GET /v1/registrations/mine"][0]
    async with browser(services, ME) as page:
        registered = text_of((await page.post(f"/events/{EVENT}/register", data={"csrf": CSRF},
                                               follow_redirects=True)).text)
        later = text_of((await page.get(f"/events/{EVENT}")).text)
    assert "You are registered." in registered and "You have a seat" not in registered
    assert "You have a seat" in later and "You are registered." not in later


def a_seat_at_an_event() -> dict:
    """An event of which I hold a seat, and its cancellation as events answers it."""
    answers = a_full_event()
    seat = {**answers["GET /v1/registrations/mine"][0], "status": "confirmed", "waitlist_position": None}
    return {**answers, "GET /v1/registrations/mine": [seat],
            f"DELETE /v1/events/{EVENT}/registrations/{ME}": httpx.Response(204)}


@pytest.mark.parametrize("htmx", [False, True])
async def test_cancelling_a_seat_asks_first_saying_someone_else_may_take_it_and_keeping_it_is_one_link(
        htmx):
    services = Services(a_seat_at_an_event())
    headers = {"HX-Request": "true"} if htmx else {}
    async with browser(services, ME) as page:
        asked = await page.post(f"/events/{EVENT}/cancel", data={"csrf": CSRF}, headers=headers)
        assert not [r for r in services.sent if r.method in ("POST", "DELETE")], "nothing is cancelled yet"
        assert "Give up your seat? Someone else may take it, and you may not get it back." in asked.text
        assert re.search(rf'<a href="/events/{EVENT}#registration"[^>]*>Keep my registration</a>', asked.text)
        assert '<input type="hidden" name="confirm" value="yes">' in asked.text
        confirmed = await page.post(f"/events/{EVENT}/cancel", data={"csrf": CSRF, "confirm": "yes"},
                                    headers=headers)
    assert asked.status_code == 200 and ('<html' in asked.text) != htmx
    assert [r.method for r in services.sent if r.method in ("POST", "DELETE")] == ["DELETE"]
    assert confirmed.status_code == (200 if htmx else 303)


@pytest.mark.parametrize("htmx", [False, True])
async def test_keeping_my_registration_brings_me_back_to_my_place_on_the_event_page_with_focus_on_it(htmx):
    # "Keep my registration" opened the event's page again at its top, focus on nothing: a keyboard or screen-reader
    # user lost their place. Without JavaScript the page opens at the section, which takes focus (focusable); with
    # HTMX the section alone is swapped back, and app.js focuses its heading.
    services = Services(a_seat_at_an_event())
    headers = {"HX-Request": "true"} if htmx else {}
    async with browser(services, ME) as page:
        asked = await page.post(f"/events/{EVENT}/cancel", data={"csrf": CSRF}, headers=headers)
        kept = await page.get(f"/events/{EVENT}", headers=headers)
    keep = re.search(r"<a [^>]*>Keep my registration</a>", asked.text)
    assert keep, "no way back"
    assert f'href="/events/{EVENT}#registration"' in keep.group(0)
    assert (f'hx-get="/events/{EVENT}" hx-target="#registration" hx-select="#registration" hx-swap="outerHTML"'
            in keep.group(0))
    for shown in (asked.text, kept.text):
        assert re.search(r'<section id="registration"[^>]* tabindex="-1"', shown)
    assert "Give up your seat?" not in kept.text and "Cancel my registration" in kept.text


async def test_an_office_hour_offered_with_mistakes_keeps_what_was_typed_and_says_each_mistake_next_to_its_field():
    services = Services({f"GET /v1/people/{ME}/office-hours/slots": [], "GET /v1/office-hours/slots": [],
                         **mentoring(ME)})
    async with browser(services, ME) as page:
        answer = await page.post("/my-office-hours", data={
            "csrf": CSRF, "day": "", "time": "10:15", "minutes": "45", "where": "in_person", "location": " ",
            "join_url": "zoom.example/123"})
    assert answer.status_code == 422
    assert "day" in error_next_to(answer.text, "day")
    assert "where" in error_next_to(answer.text, "location")
    assert 'value="10:15"' in answer.text and 'value="45" selected' in answer.text
    assert re.search(r'value="in_person" checked', answer.text)
    assert not [r for r in services.sent if r.method == "POST"]


@pytest.mark.parametrize("typed, sent", [("zoom.us/j/123", "https://zoom.us/j/123"),
                                         ("  https://meet.example.org/abc ", "https://meet.example.org/abc")])
async def test_a_link_to_join_typed_as_a_calls_app_shows_it_is_taken_with_https(typed, sent):
    services = Services({f"GET /v1/people/{ME}/office-hours/slots": [], "GET /v1/office-hours/slots": [],
                         **mentoring(ME), "POST /v1/office-hours/slots": {}})
    async with browser(services, ME) as page:
        answer = await page.post("/my-office-hours", data={
            "csrf": CSRF, "day": "2099-01-05", "time": "10:15", "minutes": "30", "where": "online",
            "join_url": typed})
    assert answer.status_code == 303
    [offered] = [json.loads(r.content) for r in services.sent if r.method == "POST"]
    assert offered["join_url"] == sent


async def test_withdrawing_a_booked_office_hour_asks_first_and_a_free_one_goes_at_once():
    booked, free = str(uuid4()), str(uuid4())
    slot = {"host_id": ME, "starts_at": "2026-12-20T16:00:00+00:00", "ends_at": "2026-12-20T16:30:00+00:00",
            "is_virtual": True, "location": None, "join_url": None, "chapter_id": None}
    services = Services({
        "GET /v1/office-hours/slots": [{**slot, "id": booked, "booked_by": str(uuid4())},
                                       {**slot, "id": free, "booked_by": None}],
        f"GET /v1/people/{ME}/partners": [], **mentoring(ME),
        f"DELETE /v1/office-hours/slots/{booked}": httpx.Response(204),
        f"DELETE /v1/office-hours/slots/{free}": httpx.Response(204)})
    async with browser(services, ME) as page:
        asked = await page.post(f"/my-office-hours/{booked}/withdraw", data={"csrf": CSRF})
        assert not [r for r in services.sent if r.method == "DELETE"], "nothing withdrawn yet"
        withdrawn = await page.post(f"/my-office-hours/{booked}/withdraw", data={"csrf": CSRF, "confirm": "yes"})
        at_once = await page.post(f"/my-office-hours/{free}/withdraw", data={"csrf": CSRF})
    assert asked.status_code == 200
    assert "Withdraw this booked slot? Whoever booked it is told it is off." in asked.text
    assert '<input type="hidden" name="confirm" value="yes">' in asked.text
    assert '<a href="/my-office-hours">Keep it</a>' in asked.text
    assert withdrawn.headers["location"] == at_once.headers["location"] == "/my-office-hours?done=slot_withdrawn"
    assert [r.url.path for r in services.sent if r.method == "DELETE"] == [
        f"/v1/office-hours/slots/{booked}", f"/v1/office-hours/slots/{free}"]


async def test_a_host_is_told_who_can_book_their_slots_those_of_their_chapter_or_without_one_everyone():
    # Events opens a slot to its host's chapter, and a slot of a host of no chapter (a national program) to everyone.
    services = Services({f"GET /v1/people/{ME}/office-hours/slots": [], "GET /v1/office-hours/slots": [],
                         **mentoring(ME)})
    async with browser(services, ME, chapter_id=uuid4()) as page:
        of_a_chapter = (await page.get("/my-office-hours")).text
    async with browser(services, ME) as page:
        of_none = (await page.get("/my-office-hours")).text
    assert "Students in your chapter can book a free slot" in of_a_chapter
    assert "anyone on the platform can book a free slot" in of_none and "your chapter" not in of_none


async def test_each_side_of_an_office_hour_is_named_to_the_other_as_their_emails_name_them():
    # The host read "Booked (the email we sent you says by whom)", and the student's booking named no host.
    slot, student, host = str(uuid4()), str(uuid4()), str(uuid4())
    times = {"starts_at": "2026-12-20T15:00:00Z", "ends_at": "2026-12-20T15:30:00Z", "is_virtual": True,
             "location": None, "join_url": None}
    hosting = Services({"GET /v1/office-hours/slots": [{"id": slot, "host_id": ME, "booked_by": student, **times}],
                        f"GET /v1/people/{ME}/partners": [], **mentoring(ME),
                        f"GET /v1/people/{ME}/office-hours/booked-with": [
                            {"slot_id": slot, "person_id": student, "display_name": "Sam Okafor"}]})
    async with browser(hosting, ME) as page:
        as_host = " ".join((await page.get("/my-office-hours")).text.split())
    booking = Services({"GET /v1/office-hours/slots": [], f"GET /v1/people/{ME}/partners": [],
                        "GET /v1/office-hours/bookings/mine": [{"id": slot, "host_id": host, "booked_by": ME,
                                                                **times}],
                        f"GET /v1/people/{ME}/office-hours/booked-with": [
                            {"slot_id": slot, "person_id": host, "display_name": "Dr Lena Ortiz"}]})
    async with browser(booking, ME) as page:
        as_student = " ".join((await page.get("/office-hours")).text.split())
    assert "Booked by Sam Okafor" in as_host and "says by whom" not in as_host
    assert "With Dr Lena Ortiz" in as_student


async def test_a_free_office_hour_says_its_hosts_stage_of_training_where_it_does_not_name_them():
    # A pre-med could not tell an attending from a first-year medical student before booking.
    slot = {"id": str(uuid4()), "host_id": str(uuid4()), "starts_at": "2026-12-20T15:00:00Z",
            "ends_at": "2026-12-20T15:30:00Z", "is_virtual": True, "location": None, "booked_by": None,
            "host_stage": "attending"}
    services = Services({"GET /v1/office-hours/slots": [slot], "GET /v1/office-hours/bookings/mine": [],
                         f"GET /v1/people/{ME}/partners": []})
    async with browser(services, ME) as page:
        shown = text_of((await page.get("/office-hours")).text)
    assert "With a mentor: Attending physician" in shown and "clinician" not in shown


async def test_an_office_hours_calendar_file_is_titled_with_whom_as_its_emails_attachment_is():
    slot, host, booking_id = str(uuid4()), str(uuid4()), str(uuid4())
    services = Services({f"GET /v1/people/{ME}/partners": [], "GET /v1/office-hours/slots": [],
                         "GET /v1/office-hours/bookings/mine": [
                             {"id": slot, "host_id": host, "booked_by": ME, "booking_id": booking_id,
                              "starts_at": "2026-12-20T15:00:00Z", "ends_at": "2026-12-20T15:30:00Z",
                              "is_virtual": True, "location": None, "join_url": None}],
                         f"GET /v1/people/{ME}/office-hours/booked-with": [
                             {"slot_id": slot, "person_id": host, "display_name": "Dr Lena Ortiz"}]})
    async with browser(services, ME) as page:
        ics = await page.get(f"/office-hours/{slot}/calendar.ics")
    [entry] = Calendar.from_ical(ics.content).walk("VEVENT")
    assert str(entry["summary"]) == "Office hour with Dr Lena Ortiz"
    assert str(entry["uid"]) == booking_uid(booking_id)  # the entry its emails' attachments update


async def test_a_mentor_awaiting_approval_is_told_when_they_can_offer_office_hours_rather_than_given_a_form_to_fail():
    services = Services({"GET /v1/office-hours/slots": [], f"GET /v1/people/{ME}/partners": [],
                         **mentoring(ME, approval="pending")})
    async with browser(services, ME) as page:
        waiting = (await page.get("/my-office-hours")).text
    services.answers.update(mentoring(ME))
    async with browser(services, ME) as page:
        approved = (await page.get("/my-office-hours")).text
    assert 'action="/my-office-hours"' not in waiting and "once your program approves you" in waiting
    assert 'action="/my-office-hours"' in approved and "once your program approves you" not in approved


APPROVED_MENTORS_HOST = ("Office hours are offered by mentors a program has approved. If you signed up to mentor, you "
                         "can offer slots here once your program approves you: we email you when it does.")


async def test_a_resident_who_mentors_in_no_program_is_told_approved_mentors_offer_office_hours_not_given_a_form():
    # A stage is declared at sign-up, vetted by no one: events lets mentors a program has approved alone host.
    services = Services({"GET /v1/office-hours/slots": [], f"GET /v1/people/{ME}/partners": [],
                         f"GET /v1/people/{ME}/enrollments": []})
    async with browser(services, ME, stage="resident") as page:
        shown = (await page.get("/my-office-hours")).text
    assert 'action="/my-office-hours"' not in shown
    assert APPROVED_MENTORS_HOST in text_of(shown) and "clinician" not in shown and "alumni" not in shown


async def test_an_office_hour_events_refuses_its_host_says_approved_mentors_offer_them_not_clinicians_or_alumni():
    services = Services({f"GET /v1/people/{ME}/office-hours/slots": [], "GET /v1/office-hours/slots": [],
                         **mentoring(ME), "POST /v1/office-hours/slots": httpx.Response(
                             403, json={"error": {"code": "not_a_host", "message": "not an approved mentor"}})})
    async with browser(services, ME) as page:
        answer = await page.post("/my-office-hours", data={
            "csrf": CSRF, "day": "2099-01-05", "time": "10:15", "minutes": "45", "where": "online"})
    assert APPROVED_MENTORS_HOST in text_of(answer.text) and "clinician" not in answer.text


async def test_office_hours_to_book_are_said_to_be_with_mentors_a_program_approved_not_with_clinicians():
    services = Services({"GET /v1/office-hours/slots": [], "GET /v1/office-hours/bookings/mine": [],
                         f"GET /v1/people/{ME}/partners": []})
    async with browser(services, ME) as page:
        shown = text_of((await page.get("/office-hours")).text)
    assert "Short one-to-one talks with mentors a program has approved." in shown and "clinician" not in shown


async def test_the_alum_question_does_not_promise_that_alumni_may_offer_office_hours():
    services = Services({f"GET /v1/people/{ME}": PERSON, "GET /v1/chapters": []})
    async with browser(services, ME) as page:
        shown = text_of((await page.get("/profile")).text)
    assert "I am an alum of one of the organization's programs" in shown
    assert "Alumni who volunteer can offer office hours" not in shown
    assert "To offer office hours, join a program as a mentor: you can once it approves you." in shown


async def test_an_office_hour_sent_by_someone_not_yet_offering_is_answered_with_its_mistakes_not_a_missing_form():
    # A page opened before, say: events decides who may offer, and the mistakes come first.
    services = Services({"GET /v1/office-hours/slots": [], f"GET /v1/people/{ME}/partners": [],
                         **mentoring(ME, approval="pending")})
    async with browser(services, ME) as page:
        answer = await page.post("/my-office-hours", data={"csrf": CSRF, "day": "", "time": "10:00",
                                                            "minutes": "30"})
    assert answer.status_code == 422 and "day" in error_next_to(answer.text, "day")


async def test_a_time_zone_not_in_the_short_list_is_taken_when_valid_and_none_is_guessed_for_a_person_without_one():
    services = Services({f"GET /v1/people/{ME}": {**PERSON, "timezone": None}, "GET /v1/chapters": [],
                         f"PATCH /v1/people/{ME}": lambda request: {**PERSON, **json.loads(request.content)}})
    async with browser(services, ME) as page:
        unknown = await page.get("/profile")
        saved = await page.post("/profile", data={"csrf": CSRF, "display_name": "Ana", "stage": "undergraduate",
                                                  "timezone": "Africa/Nairobi", "language": "en",
                                                  "languages": "en"})
        invented = await page.post("/profile", data={"csrf": CSRF, "display_name": "Ana", "stage": "undergraduate",
                                                     "timezone": "Mars/Olympus_Mons", "language": "en"})
    assert not re.search(r'<option value="[^"]+" selected', unknown.text.split('id="timezone"')[1].split("</select>")[0])
    assert saved.status_code == 303
    [sent] = [json.loads(r.content) for r in services.sent if r.method == "PATCH"]
    assert sent["timezone"] == "Africa/Nairobi"
    assert invented.status_code == 422 and "time zone" in error_next_to(invented.text, "timezone")


HOST, BOOKER, STRANGER = str(uuid4()), str(uuid4()), str(uuid4())


def slot(host: str, booked_by: str | None = None) -> dict:
    """An office hour years ahead, still to come whenever the test runs."""
    return {"id": str(uuid4()), "host_id": host, "chapter_id": None, "starts_at": "2037-12-07T16:00:00+00:00",
            "ends_at": "2037-12-07T16:30:00+00:00", "is_virtual": True, "location": None, "booked_by": booked_by,
            "booking_id": None, "join_url": None}


def partner(person_id: str, name: str) -> dict:
    return {"id": person_id, "display_name": name, "pronouns": None, "bio": None, "identity": {},
            "email": f"{name.lower().replace(' ', '.')}@example.org", "pairing_id": str(uuid4())}


async def test_a_free_office_hour_shows_when_it_ends_and_its_host_named_only_to_whom_profiles_names_them():
    services = Services({"GET /v1/office-hours/slots": [slot(HOST), slot(STRANGER)],
                         "GET /v1/office-hours/bookings/mine": [],
                         f"GET /v1/people/{ME}/partners": [partner(HOST, "Dr Rivera")]})
    async with browser(services, ME) as page:
        listed = await page.get("/office-hours")
    assert listed.text.count("Mon, Dec 7, 2037, 10:00\u202fAM–10:30\u202fAM CST") == 2
    assert "Dr Rivera" in listed.text and listed.text.count("Dr Rivera") == 1  # the stranger's name is not ours


async def test_a_host_is_not_offered_their_own_office_hours_to_book():
    mine, theirs = slot(ME), slot(HOST)
    services = Services({"GET /v1/office-hours/slots": [mine, theirs], "GET /v1/office-hours/bookings/mine": [],
                         f"GET /v1/people/{ME}/partners": []})
    async with browser(services, ME) as page:
        listed = await page.get("/office-hours")
    assert theirs["id"] in listed.text and mine["id"] not in listed.text


@pytest.mark.parametrize("code, language, words", [
    ("not_in_chapter", "en", "This office hour is for another chapter"),
    ("not_in_chapter", "es", "Esta hora de orientación es para otro capítulo"),
    ("chapter_not_yet_known", "en", "We do not know your chapter yet"),
    ("chapter_not_yet_known", "es", "Aún no sabemos cuál es tu capítulo"),
    ("host_not_vetted_for_minors", "en", "For your safety, high-school students book office hours only with mentors"),
    ("host_not_vetted_for_minors", "es", "Por tu seguridad, estudiantes de preparatoria reservan horas de orientación")])
async def test_booking_an_office_hour_refused_for_its_chapter_says_why_next_to_that_slot(code, language, words):
    refused, other = slot(HOST), slot(STRANGER)
    services = Services({"GET /v1/office-hours/slots": [other, refused], "GET /v1/office-hours/bookings/mine": [],
                         f"GET /v1/people/{ME}/partners": [],
                         f"POST /v1/office-hours/slots/{refused['id']}/booking": httpx.Response(
                             409, json={"error": {"code": code, "message": "refused", "field": None}})})
    async with browser(services, ME, language) as page:
        answer = await page.post(f"/office-hours/{refused['id']}/book", data={"csrf": CSRF})
        shown = await page.get(answer.headers["location"])
    cards = {card: text for text in shown.text.split('<div class="card">')[1:]
             for card in (refused["id"], other["id"]) if card in text}
    assert words in cards[refused["id"]] and words not in cards[other["id"]]
    assert shown.text.count(words) == 1


async def test_the_host_sees_who_booked_a_slot_when_profiles_names_them_to_the_host():
    services = Services({"GET /v1/office-hours/slots": [slot(ME, BOOKER), slot(ME, STRANGER)],
                         f"GET /v1/people/{ME}/partners": [partner(BOOKER, "Sam Lee")], **mentoring(ME)})
    async with browser(services, ME) as page:
        mine = await page.get("/my-office-hours")
    assert "Booked by Sam Lee" in mine.text and mine.text.count("Booked") == 2
    assert "Mon, Dec 7, 2037, 10:00\u202fAM–10:30\u202fAM CST" in mine.text


PAIRING, PROGRAM, MENTEE = str(uuid4()), str(uuid4()), str(uuid4())


def a_proposal_i_mentor() -> Services:
    """A proposal to mentor MENTEE, who accepted: it becomes active once I accept (then the mentee is named)."""
    state = {"accepted": False}
    programs = [{"id": PROGRAM, "name": "Premed circle", "term_months": 6, "cadence_max_days": 60}]

    def pairing(_: httpx.Request | None = None) -> dict:
        return {"id": PAIRING, "program_id": PROGRAM, "mentee_id": MENTEE, "mentor_id": ME,
                "pairing_kind": "one_to_one", "status": "active" if state["accepted"] else "proposed", "score": 70,
                "reasons": [], "reason_codes": [], "term_ends_at": None, "last_met_at": None,
                "mentee_accepted": True, "mentor_accepted": state["accepted"]}

    def accept(_: httpx.Request) -> dict:
        state["accepted"] = True
        return pairing()

    def named(_: httpx.Request) -> object:
        return partner(MENTEE, "Maya") if state["accepted"] else httpx.Response(404, json={"error": {
            "code": "not_found", "message": "no"}})

    return Services({
        f"POST /v1/pairings/{PAIRING}/accept": accept, f"GET /v1/pairings/{PAIRING}": pairing,
        f"GET /v1/pairings/{PAIRING}/meetings": [], "GET /v1/programs": programs,
        f"GET /v1/people/{MENTEE}/as-partner": named,
        f"GET /v1/people/{ME}/overview": lambda _: {"pairings": [pairing()], "waiting": []},
        f"GET /v1/people/{ME}/partners": lambda _: [partner(MENTEE, "Maya")] if state["accepted"] else [],
        f"GET /v1/people/{ME}/enrollments": []})


async def test_accepting_on_the_mentorship_page_with_htmx_refreshes_the_whole_page_content():
    async with browser(a_proposal_i_mentor(), ME) as page:
        answer = await page.post(f"/mentorships/{PAIRING}/accept", headers={"HX-Request": "true"},
                                 data={"csrf": CSRF, "back": f"/mentorships/{PAIRING}"})
    assert '<main id="main"' in answer.text and "Mentorship with Maya" in answer.text
    assert "Decline this mentorship" not in answer.text and "name shown once" not in answer.text


async def test_accepting_on_the_home_page_with_htmx_also_refreshes_what_needs_attention():
    async with browser(a_proposal_i_mentor(), ME) as page:
        before = await page.get("/")
        answer = await page.post(f"/mentorships/{PAIRING}/accept", headers={"HX-Request": "true"},
                                 data={"csrf": CSRF, "back": "/"})
    assert "Needs your attention" in before.text
    assert f'id="pairing-{PAIRING}"' in answer.text and "Maya" in answer.text
    assert re.search(r'id="attention"[^>]*hx-swap-oob="outerHTML"', answer.text)
    assert "Needs your attention" not in answer.text


async def test_a_proposal_whose_partner_is_not_named_yet_is_told_apart_by_its_program_never_by_an_id():
    async with browser(a_proposal_i_mentor(), ME) as page:
        home = await page.get("/")
    assert '<span class="visually-hidden"> (Premed circle)</span>' in home.text
    assert f"({PAIRING})" not in home.text


def two_programs_one_joined() -> Services:
    joined, other = (
        {"id": pid, "name": name, "chapter_id": None, "mentee_stages": ["undergraduate"], "mentor_stages": [],
         "term_months": 6, "cadence_min_days": 14, "cadence_max_days": 60, "pairing_kinds": ["one_to_one"]}
        for pid, name in ((PROGRAM, "Premed circle"), (str(uuid4()), "Writing your story")))
    return Services({"GET /v1/programs": [joined, other], f"GET /v1/people/{ME}/enrollments": [
        {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentee", "pairing_kind": "one_to_one", "active": True}]})


async def test_joining_another_program_shows_no_sign_up_steps_and_no_program_already_joined_is_chosen_or_joined_again():
    services = two_programs_one_joined()
    async with browser(services, ME) as page:
        another = await page.get("/sign-up/enrol")
        signing_up = await page.get("/sign-up/enrol?signing_up=1")
        again = await page.post("/sign-up/enrol", data={"csrf": CSRF, "program_id": PROGRAM, "role": "mentee"})
    assert "Step 4 of 4" not in another.text and "Step 4 of 4" in signing_up.text
    joined = re.search(rf'<input[^>]*value="{PROGRAM}"[^>]*>', another.text)
    assert joined and "checked" not in joined.group(0) and "disabled" in joined.group(0)
    assert "You are already in this program" in another.text
    assert again.status_code == 422 and "You are already in this program" in again.text
    assert not [r for r in services.sent if r.method == "POST"]


async def test_asking_to_change_the_email_address_redirects_to_the_data_page_and_refuses_the_current_one_next_to_it():
    services = Services({**my_data(), f"POST /v1/people/{ME}/email-change": {"status": "sent"}})
    async with browser(services, ME) as page:
        asked = await page.post("/account/email", data={"csrf": CSRF, "email": "ana.new@example.org"})
        shown = await page.get(asked.headers["location"])
        same = await page.post("/account/email", data={"csrf": CSRF, "email": " Ana@Example.org "})
    assert asked.status_code == 303 and asked.headers["location"].startswith("/my-data?")
    assert asked.headers["location"] == "/my-data?done=email_link_sent" and "example.org" not in asked.headers["location"]
    assert "We sent a link to your new address" in shown.text
    assert same.status_code == 422 and "already" in error_next_to(same.text, "new-email")
    assert re.search(r'id="new-email-error"[^>]*role="alert"', same.text)
    assert [r.url.path for r in services.sent if r.method == "POST"] == [f"/v1/people/{ME}/email-change"]


async def test_one_who_chose_no_chapter_is_told_a_chapters_events_are_for_its_members_and_where_to_choose_one():
    # She saw "no event open to your stage" while her chapter's event for her stage was listed to its members alone.
    services = Services({"GET /v1/events": [], "GET /v1/registrations/mine": []})
    async with browser(services, ME) as page:
        without = text_of((await page.get("/events")).text)
    async with browser(services, ME, chapter_id=uuid4()) as page:
        with_one = text_of((await page.get("/events")).text)
    said = "You have not chosen a chapter, so only national events are shown: a chapter's events are for its members."
    assert said in without and "Choose your chapter in your profile" in without
    assert said not in with_one


async def test_no_event_for_a_persons_stage_says_the_list_is_for_their_stage_and_where_to_change_it():
    # Signed out, the whole catalogue is listed; signed in, only what their stage may attend: "no upcoming events" read
    # as if there were none at all.
    services = Services({"GET /v1/events": [], "GET /v1/registrations/mine": []})
    async with browser(services, ME) as page:
        shown = (await page.get("/events")).text
    async with browser(services) as page:
        anyone = text_of((await page.get("/events")).text)
    mine = text_of(shown)
    assert ("No upcoming event is open to your stage of training (Undergraduate (pre-med or pre-health)) right now."
            in mine)
    assert "Has your stage of training changed? Update it in your profile" in mine
    assert re.search(r'<a href="/profile">Update it in your profile</a>', shown)
    assert "No upcoming events right now." in anyone and "stage" not in anyone


async def test_the_list_of_events_says_whom_each_is_for_when_it_is_not_for_everyone():
    # Signed out, every event is listed: a high-school student is told before signing up which ones are theirs.
    listed = [{"id": str(uuid4()), "title": "Residency interviews", "kind": "virtual_session",
               "starts_at": "2027-01-05T18:00:00+00:00", "ends_at": "2027-01-05T19:00:00+00:00", "is_virtual": True,
               "location": None, "timezone": "UTC", "audience_stages": ["medical_student_4", "resident"]},
              {"id": str(uuid4()), "title": "Open house", "kind": "virtual_session",
               "starts_at": "2027-01-06T18:00:00+00:00", "ends_at": "2027-01-06T19:00:00+00:00", "is_virtual": True,
               "location": None, "timezone": "UTC", "audience_stages": []}]
    async with browser(Services({"GET /v1/events": listed})) as page:
        cards = text_of((await page.get("/events")).text).split("Open house")
    assert "For: Medical student, year 4, Resident" in cards[0] and "For:" not in cards[1]


async def test_a_full_event_says_so_before_anyone_registers_and_offers_the_waitlist():
    event = {**a_full_event()[f"GET /v1/events/{EVENT}"], "full": True}
    async with browser(Services({f"GET /v1/events/{EVENT}": event, "GET /v1/registrations/mine": []}), ME) as page:
        shown = await page.get(f"/events/{EVENT}")
    assert "Every seat is taken: registering puts you on the waitlist" in shown.text
    assert ">Join the waitlist</button>" in shown.text


MENTOR = str(uuid4())


@pytest.mark.parametrize("met", [True, False])
async def test_a_mentee_answering_a_pair_a_coordinator_made_is_told_whether_the_mentor_meets_what_they_require(met):
    pairing = {"id": PAIRING, "program_id": PROGRAM, "mentee_id": ME, "mentor_id": MENTOR,
               "pairing_kind": "one_to_one", "status": "proposed", "score": 70, "reasons": [], "reason_codes": [],
               "term_ends_at": None, "last_met_at": None, "mentee_accepted": False, "mentor_accepted": False,
               "requirement_met": met, "made_by_coordinator": True}
    services = Services({
        f"GET /v1/pairings/{PAIRING}": pairing, f"GET /v1/pairings/{PAIRING}/meetings": [],
        "GET /v1/programs": [{"id": PROGRAM, "name": "Premed circle", "term_months": 6, "cadence_max_days": 60}],
        f"GET /v1/people/{MENTOR}/as-partner": httpx.Response(404, json={"error": {"code": "not_found",
                                                                                     "message": "no"}}),
        f"GET /v1/people/{ME}/overview": {"pairings": [{k: v for k, v in pairing.items() if k != "requirement_met"}],
                                           "waiting": []},
        f"GET /v1/people/{ME}/partners": [], f"GET /v1/people/{ME}/enrollments": []})
    said = ("They share what you asked a mentor to share." if met
            else "They do not share, or do not show, what you asked a mentor to share")
    async with browser(services, ME) as page:
        for path in ("/", f"/mentorships/{PAIRING}"):
            assert said in (await page.get(path)).text, path


@pytest.mark.parametrize("status, said", [
    ("proposed", "accept only if you want this mentor all the same"),
    ("active", "if you want someone else, you may end this mentorship")])
async def test_a_mentee_whose_round_pair_stopped_meeting_what_they_require_is_told_so_not_that_a_coordinator_made_it(
        status, said):
    pairing = a_pairing_of_mine(status, mentee_accepted=False, mentor_accepted=status == "active",
                                requirement_met=False, made_by_coordinator=False)
    async with browser(its_page(pairing), ME) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert "This mentor does not share, or does not show, what you asked a mentor to share" in shown
    assert said in shown and "A coordinator proposed" not in shown
    if status == "proposed":  # on the home page too, where it waits for their answer
        services = its_page(pairing, **{f"GET /v1/people/{ME}/overview": {"pairings": [pairing], "waiting": []},
                                        f"GET /v1/people/{ME}/partners": [], f"GET /v1/people/{ME}/enrollments": []})
        async with browser(services, ME) as page:
            assert said in text_of((await page.get("/")).text)


def a_pairing_of_mine(status: str, **changes) -> dict:
    """A pairing in which I am the mentee of MENTOR, as matching answers it."""
    return {"id": PAIRING, "program_id": PROGRAM, "mentee_id": ME, "mentor_id": MENTOR, "pairing_kind": "one_to_one",
            "status": status, "score": 70, "reasons": [], "reason_codes": [], "term_ends_at": None,
            "last_met_at": None, "confirmed_at": None, "mentee_accepted": True, "mentor_accepted": True,
            "mentee_renews": False, "mentor_renews": False, **changes}


def its_page(pairing: dict, **answers) -> Services:
    """What the services answer for the page of `pairing`; profiles names the partner only while it is live."""
    live = pairing["status"] in ("proposed", "requested", "active")
    named = partner(MENTOR, "Dr Rivera") if live and pairing["status"] == "active" else httpx.Response(
        404, json={"error": {"code": "not_found", "message": "no"}})
    return Services({
        f"GET /v1/pairings/{PAIRING}": pairing, f"GET /v1/pairings/{PAIRING}/meetings": [],
        "GET /v1/programs": [{"id": PROGRAM, "name": "Premed circle", "term_months": 12, "cadence_max_days": 60}],
        f"GET /v1/people/{MENTOR}/as-partner": named, **answers})


@pytest.mark.parametrize("language, said", [
    ("en", "Their training stage Resident Specialties you share Pediatrics, Psychiatry Languages you can both meet in "
           "Spanish"),
    ("es", "Su etapa de formación Residente Especialidades que comparten Pediatría, Psiquiatría Idiomas en los que "
           "ambas partes pueden reunirse Español")])
async def test_a_proposal_says_before_it_is_answered_the_others_stage_and_what_the_two_share(language, said):
    # A mentee was asked "Do you accept this mentorship?" knowing only "you speak a language in common".
    proposed = a_pairing_of_mine("proposed", mentee_accepted=False, in_common={
        "partner_stage": "resident", "specialties": ["pediatrics", "psychiatry"], "languages": ["es"]})
    async with browser(its_page(proposed), ME, language=language) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert said in shown


@pytest.mark.parametrize("mine, said", [
    ({}, "Support you asked for that they offer Applications and interviews, Research"),
    ({"mentee_id": MENTOR, "mentor_id": ME}, "Support you offer that they asked for Applications and interviews, Research")])
async def test_a_mentorship_says_to_each_side_the_support_the_mentee_asked_for_that_the_mentor_offers(mine, said):
    # A mentor read "you offer the kind of support your mentee asked for", never which, to prepare a first talk.
    active = a_pairing_of_mine("active", **mine, in_common={
        "partner_stage": "resident", "specialties": [], "languages": ["en"],
        "support": ["applications_and_interviews", "research"]})
    async with browser(its_page(active), ME) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert said in shown


@pytest.mark.parametrize("role, said", [("mentee", "Status You withdrew it"),
                                         ("mentor", "Status Withdrawn by the mentee")])
async def test_a_request_its_mentee_took_back_says_so_to_both_not_declined(role, said):
    # Its mentor, who never answered, read "Status Declined".
    mine = {"mentee_id": ME, "mentor_id": MENTOR} if role == "mentee" else {"mentee_id": MENTOR, "mentor_id": ME}
    taken_back = a_pairing_of_mine("declined", requested_by_mentee=True, withdrawn_by_mentee=True, **mine)
    async with browser(its_page(taken_back), ME) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert said in shown and "Declined" not in shown


async def test_a_mentorship_begun_still_says_the_languages_the_two_can_meet_in():
    # Introduced in Spanish to a mentor who listed English alone, nothing she kept said they would meet in English.
    active = a_pairing_of_mine("active", in_common={"partner_stage": "resident", "specialties": [],
                                                    "languages": ["en"]})
    async with browser(its_page(active), ME, language="es") as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert "Idiomas en los que ambas partes pueden reunirse Inglés" in shown
    assert shown.count("Residente") == 1, "the stage said once, as the partner's"


@pytest.mark.parametrize("mentor_accepted, said", [(True, "Status Waiting for your answer: your mentor has accepted"),
                                                     (False, "Status Proposed: waiting for answers")])
async def test_a_proposal_the_other_side_accepted_says_it_waits_for_ones_own_answer(mentor_accepted, said):
    # She read "Proposed: waiting for answers" while only hers was awaited.
    proposed = a_pairing_of_mine("proposed", mentee_accepted=False, mentor_accepted=mentor_accepted)
    async with browser(its_page(proposed), ME) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert said in shown


@pytest.mark.parametrize("role, said", [("mentee", "Status Waiting for your mentor's answer: you have accepted"),
                                         ("mentor", "Status Waiting for your mentee's answer: you have accepted")])
async def test_a_proposal_one_accepted_says_it_waits_for_the_other_sides_answer(role, said):
    # A mentor who had accepted still read "Proposed: waiting for answers", as if hers were awaited too.
    mine = {"mentee_id": ME, "mentor_id": MENTOR} if role == "mentee" else {"mentee_id": MENTOR, "mentor_id": ME}
    accepted = {"mentee_accepted": True, "mentor_accepted": False} if role == "mentee" else {
        "mentee_accepted": False, "mentor_accepted": True}
    proposed = a_pairing_of_mine("proposed", **mine, **accepted)
    async with browser(its_page(proposed), ME) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert said in shown and "Proposed: waiting for answers" not in shown


async def test_a_mentorship_page_says_where_to_write_to_the_coordinators_of_its_programs_chapter():
    chapter = str(uuid4())
    services = its_page(a_pairing_of_mine("active"), **{
        "GET /v1/programs": [{"id": PROGRAM, "name": "Premed circle", "term_months": 12, "cadence_max_days": 60,
                              "chapter_id": chapter}],
        "GET /v1/chapters": [{"id": chapter, "name": "Chicago", "timezone": "America/Chicago",
                              "contact_email": "mentoring@chicago.example"}]})
    async with browser(services, ME) as page:
        shown = " ".join((await page.get(f"/mentorships/{PAIRING}")).text.split())
    concern = shown.split('<h2 id="concern">If something is wrong</h2>')[1].split("<h2>End early</h2>")[0]
    assert ("Tell your chapter's coordinators: "
            '<a href="mailto:mentoring@chicago.example">mentoring@chicago.example</a>. You do not have to end the '
            "mentorship first") in concern
    assert "If someone is in danger now, call 911." in concern


async def test_with_no_chapter_to_write_to_a_worry_is_told_the_way_the_platform_hears_it_ending_for_conduct():
    async with browser(its_page(a_pairing_of_mine("active")), ME) as page:
        shown = " ".join((await page.get(f"/mentorships/{PAIRING}")).text.split())
    concern = shown.split('<h2 id="concern">If something is wrong</h2>')[1].split("<h2>End early</h2>")[0]
    assert "with the reason “A problem of conduct”: a coordinator of the program looks into what happened" in concern
    assert "mailto:" not in concern


async def test_with_no_chapter_to_write_to_a_worry_goes_to_the_national_team_where_the_platform_gives_its_address():
    # Ending the mentorship for conduct was the only route for a national program's member with no chapter.
    async with browser(its_page(a_pairing_of_mine("active")), ME, concerns_email="concerns@mentorship.example") as page:
        shown = " ".join((await page.get(f"/mentorships/{PAIRING}")).text.split())
    concern = shown.split('<h2 id="concern">If something is wrong</h2>')[1].split("<h2>End early</h2>")[0]
    assert ("Tell the national team that runs the programs: <a href=\"mailto:concerns@mentorship.example\">"
            "concerns@mentorship.example</a>. You do not have to end the mentorship first") in concern
    assert "A problem of conduct" not in concern


async def test_a_national_programs_mentorship_sends_a_worry_to_the_national_team_not_to_the_readers_chapter():
    # A 16-year-old was sent to her chapter's coordinators, who do not see a national program's mentorships, while
    # her mentor's page named the national team that runs it.
    chapter = uuid4()
    services = its_page(a_pairing_of_mine("active"), **{
        "GET /v1/chapters": [{"id": str(chapter), "name": "Demo", "contact_email": "demo@chapter.example"}]})
    async with browser(services, ME, chapter_id=chapter, concerns_email="concerns@mentorship.example") as page:
        shown = " ".join((await page.get(f"/mentorships/{PAIRING}")).text.split())
    concern = shown.split('<h2 id="concern">If something is wrong</h2>')[1].split("<h2>End early</h2>")[0]
    assert "mailto:concerns@mentorship.example" in concern and "demo@chapter.example" not in shown


async def test_one_whose_partner_stopped_answering_may_end_the_mentorship_saying_so():
    services = its_page(a_pairing_of_mine("active"), **{
        f"POST /v1/pairings/{PAIRING}/end": a_pairing_of_mine("ended")})
    async with browser(services, ME) as page:
        offered = (await page.get(f"/mentorships/{PAIRING}")).text
        await page.post(f"/mentorships/{PAIRING}/end", data={"csrf": CSRF, "reason_code": "not_responding"})
    assert '<option value="not_responding">They stopped answering me</option>' in offered
    [ended] = [r for r in services.sent if r.method == "POST" and r.url.path.endswith("/end")]
    assert json.loads(ended.content) == {"reason_code": "not_responding"}


@pytest.mark.parametrize("status", ["completed", "ended"])
async def test_a_closed_mentorship_says_it_has_ended_not_that_the_name_waits_for_both_to_accept(status):
    async with browser(its_page(a_pairing_of_mine(status)), ME) as page:
        shown = await page.get(f"/mentorships/{PAIRING}")
    assert shown.status_code == 200
    assert "name shown once" not in shown.text
    assert "Your former mentor" in shown.text and "This mentorship has ended" in shown.text
    assert "<h1>A mentorship that has ended</h1>" in shown.text


@pytest.mark.parametrize(("status", "requested", "said"), [
    ("declined", False, ("A proposal that did not go ahead", "The proposed mentor", "This proposal did not go ahead")),
    ("lapsed", False, ("A proposal that did not go ahead", "The proposed mentor", "This proposal did not go ahead")),
    ("lapsed", True, ("A request that did not go ahead", "The mentor you asked", "This request did not go ahead"))])
async def test_a_proposal_or_request_that_did_not_go_ahead_says_so_not_that_a_mentorship_ended(status, requested, said):
    closed = a_pairing_of_mine(status, requested_by_mentee=requested, reasons=["specialty_overlap"],
                               reason_codes=["specialty_overlap"])
    async with browser(its_page(closed), ME) as page:
        shown = await page.get(f"/mentorships/{PAIRING}")
    text = " ".join(shown.text.split())
    assert all(part in text for part in said), text
    assert "former mentor" not in text and "has ended" not in text and "name shown once" not in text
    # Why the two might have fit is not said of a pairing that did not go ahead (test_choosing_a_mentor).
    assert "Why we proposed you to each other" not in text and "Why we paired you" not in text
    assert (f'<a href="/programs/{PROGRAM}/suggestions">Choose another mentor</a>' in text) is requested


def an_active_term(**changes) -> dict:
    return a_pairing_of_mine("active", **{"confirmed_at": "2026-01-05T15:00:00+00:00",
                                          "term_ends_at": "2027-01-05T15:00:00+00:00", **changes})


async def test_ending_a_mentorship_says_before_the_button_that_it_cannot_be_undone():
    async with browser(its_page(an_active_term()), ME) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert shown.index("Ending cannot be undone.") < shown.index("Why? (only the reason")


async def test_an_active_mentorship_says_how_to_reach_the_partner_and_one_that_ended_does_not():
    async with browser(its_page(an_active_term()), ME) as page:
        active = await page.get(f"/mentorships/{PAIRING}")
    async with browser(its_page(a_pairing_of_mine("ended")), ME) as page:
        ended = await page.get(f"/mentorships/{PAIRING}")
    assert "<h2>How to reach Dr Rivera</h2>" in active.text
    assert '<a href="mailto:dr.rivera@example.org">dr.rivera@example.org</a>' in active.text
    assert "mailto:" not in ended.text and "How to reach" not in ended.text


@pytest.mark.parametrize(("role", "their_stage", "said_stage", "my_zone", "their_zone", "apart"), [
    ("mentor", "high_school", "High-school student", "America/Los_Angeles", "America/New_York", "3 hours ahead of you"),
    ("mentee", "resident", "Resident", "America/New_York", "America/Los_Angeles", "3 hours behind you"),
    ("mentee", "resident", "Resident", "Asia/Kolkata", "UTC", "5 h 30 min behind you")])
async def test_a_mentorship_page_says_the_partners_training_stage_and_time_zone_to_plan_a_first_call(
        role, their_stage, said_stage, my_zone, their_zone, apart):
    # A mentor in Los Angeles saw nothing telling them their mentee was a high-school student in New York.
    pairing = an_active_term(**({"mentor_id": ME, "mentee_id": MENTOR} if role == "mentor" else {}))
    services = its_page(pairing, **{f"GET /v1/people/{MENTOR}/as-partner": {
        **partner(MENTOR, "Camila"), "stage": their_stage, "timezone": their_zone}})
    async with browser(services, ME, timezone=my_zone) as page:
        shown = await page.get(f"/mentorships/{PAIRING}")
    assert f"<dt>Training stage</dt><dd>{said_stage}</dd>" in shown.text
    assert re.search(rf"<dt>Time zone</dt><dd>[^<]+: {apart}\. Their time now: \w{{3}}, \w{{3}} \d+, \d{{4}}, "
                     r"\d+:\d\d\s[AP]M", shown.text), shown.text


async def test_a_meeting_refused_by_matching_says_why_next_to_its_day_keeping_what_was_typed():
    refused = httpx.Response(422, json={"error": {"code": "meeting_before_pairing", "message": "no",
                                                  "field": "met_on"}})
    services = its_page(an_active_term(), **{f"POST /v1/pairings/{PAIRING}/meetings": refused})
    async with browser(services, ME) as page:
        answer = await page.post(f"/mentorships/{PAIRING}/meetings", data={
            "csrf": CSRF, "met_on": "2025-12-01", "minutes": "45", "topics": "residency, research"})
    assert answer.status_code == 422
    # The day said, not left to guess: the mentorship began on January 5, 2026 (an_active_term).
    assert error_next_to(answer.text, "met_on") == "A meeting is logged from the day you were paired on: January 5, " \
                                                   "2026."
    assert re.search(r'id="met_on"[^>]*aria-invalid="true"', answer.text)
    assert re.search(r'id="met_on"[^>]*value="2025-12-01"', answer.text)
    assert re.search(r'id="minutes"[^>]*value="45"', answer.text)
    assert re.search(r'id="topics"[^>]*value="residency, research"', answer.text)
    assert re.search(r'class="[^"]*error-summary[^"]*".*href="#met_on"', answer.text, re.S)


@pytest.mark.parametrize("topics", [
    "We went through my draft personal statement line by line and talked about how to explain my gap year working "
    "as a medical scribe", ", ".join(f"topic {n}" for n in range(11))])
async def test_a_topic_over_100_characters_or_more_than_10_topics_are_refused_next_to_them_not_cut(topics):
    # A 113-character topic was logged cut at its 100th character, with "Your meeting is logged."
    services = its_page(an_active_term(), **{f"POST /v1/pairings/{PAIRING}/meetings": {}})
    async with browser(services, ME) as page:
        answer = await page.post(f"/mentorships/{PAIRING}/meetings", data={
            "csrf": CSRF, "met_on": "2026-01-10", "minutes": "45", "topics": topics})
    assert answer.status_code == 422
    assert error_next_to(answer.text, "topics") == (
        "Keep each topic to 100 characters or fewer, and give at most 10, separated by commas.")
    assert re.search(rf'id="topics"[^>]*value="{re.escape(topics)}"', answer.text)
    assert not [r for r in services.sent if r.method == "POST"]


@pytest.mark.parametrize("typed, said", [
    ("", r"Give the day you met\."),
    # Typed where a browser offers no date picker, "2026-02-30" was answered "Give the day you met."
    ("2026-02-30", r"That is not a day of the calendar: give the day you met as year-month-day, like "
                   r"\d{4}-\d{2}-\d{2}\.")])
async def test_a_meeting_day_missing_or_no_day_of_the_calendar_is_refused_in_its_words_keeping_what_was_typed(
        typed, said):
    services = its_page(an_active_term(), **{f"POST /v1/pairings/{PAIRING}/meetings": {}})
    async with browser(services, ME) as page:
        answer = await page.post(f"/mentorships/{PAIRING}/meetings", data={
            "csrf": CSRF, "met_on": typed, "minutes": "45", "topics": ""})
    assert answer.status_code == 422
    assert re.fullmatch(said, error_next_to(answer.text, "met_on"))
    assert re.search(rf'id="met_on"[^>]*value="{typed}"', answer.text), "what was typed is kept, not today"
    # Under "Log a meeting" (an h2), its list of mistakes is a part of it, not a section of the page after it.
    assert re.search(r'data-error-summary[^>]*>\s*<h3>There is a problem</h3>', answer.text)


async def test_feedback_sent_without_a_rating_is_refused_next_to_the_rating_keeping_the_comment():
    services = its_page(a_pairing_of_mine("completed"), **{f"POST /v1/pairings/{PAIRING}/feedback": {}})
    async with browser(services, ME) as page:
        answer = await page.post(f"/mentorships/{PAIRING}/feedback", data={
            "csrf": CSRF, "comment": "We met every month & it helped."})
    assert answer.status_code == 422
    assert error_next_to(answer.text, "rating") == "Choose how it went."
    assert re.search(r'class="[^"]*error-summary[^"]*".*href="#rating"', answer.text, re.S)
    assert "We met every month &amp; it helped.</textarea>" in answer.text
    assert not [r for r in services.sent if r.method == "POST"]


async def test_a_feedback_comment_over_4000_characters_is_refused_next_to_it_not_accepted_or_cut():
    services = its_page(a_pairing_of_mine("completed"), **{f"POST /v1/pairings/{PAIRING}/feedback": {}})
    comment = "It helped." * 401
    async with browser(services, ME) as page:
        answer = await page.post(f"/mentorships/{PAIRING}/feedback", data={
            "csrf": CSRF, "rating": "4", "comment": comment})
    assert answer.status_code == 422
    assert error_next_to(answer.text, "comment") == "Your comment: at most 4,000 characters (now 4,010)."
    assert re.search(r'name="rating" value="4"[^>]*checked', answer.text)
    assert comment + "</textarea>" in answer.text
    assert not [r for r in services.sent if r.method == "POST"]


async def test_a_declined_proposals_page_asks_about_the_proposal_not_about_a_partner_who_stopped_answering():
    async with browser(its_page(a_pairing_of_mine("declined")), ME, concerns_email="team@example.org") as page:
        shown = " ".join((await page.get(f"/mentorships/{PAIRING}")).text.split())
    assert "Questions about this proposal?" in shown and "stopped answering" not in shown
    assert "Why we paired you" not in shown
    assert f'<a href="/waitlists/{PROGRAM}">About your wait for another mentor</a>' in shown, "what happens now"


# Once it ended the partner is no longer named (as on the mentorship's page).
@pytest.mark.parametrize(("status", "heading"), [("active", "How is it going with Dr Rivera?"),
                                                  ("completed", "How did it go?")])
async def test_the_feedback_page_names_the_partner_it_is_about_while_they_are_partners(status, heading):
    async with browser(its_page(a_pairing_of_mine(status)), ME) as page:
        shown = await page.get(f"/mentorships/{PAIRING}/feedback")
    assert f"<h1>{heading}</h1>" in shown.text


async def test_feedback_already_given_says_thank_you_without_the_form_again():
    given = httpx.Response(409, json={"error": {"code": "feedback_already_given", "message": "no"}})
    services = its_page(a_pairing_of_mine("completed"), **{f"POST /v1/pairings/{PAIRING}/feedback": given})
    async with browser(services, ME) as page:
        answer = await page.post(f"/mentorships/{PAIRING}/feedback", data={"csrf": CSRF, "rating": "5"})
    assert "You have already told us how it went. Thank you!" in answer.text
    assert 'name="rating"' not in answer.text


@pytest.mark.parametrize("minutes", ["2", "601", "forty", ""])
async def test_minutes_outside_5_to_600_or_not_a_number_are_refused_next_to_them_not_clamped(minutes):
    services = its_page(an_active_term(), **{f"POST /v1/pairings/{PAIRING}/meetings": {}})
    async with browser(services, ME) as page:
        answer = await page.post(f"/mentorships/{PAIRING}/meetings", data={
            "csrf": CSRF, "met_on": "2026-02-01", "minutes": minutes, "topics": "exams"})
    assert answer.status_code == 422
    assert "5 to 600" in error_next_to(answer.text, "minutes")
    assert re.search(rf'id="minutes"[^>]*value="{minutes}"', answer.text)
    assert re.search(r'id="met_on"[^>]*value="2026-02-01"', answer.text)
    assert not [r for r in services.sent if r.method == "POST"]


def closing(days_from_now: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days_from_now)).isoformat()


async def test_renewing_and_completing_are_offered_only_from_the_terms_last_weeks_and_until_then_the_page_says_when():
    opens = "2027-11-03T15:00:00+00:00"
    early = its_page(an_active_term(term_ends_at="2027-12-01T15:00:00+00:00", closing_opens_at=opens))
    due = its_page(an_active_term(closing_opens_at=closing(-1)))
    async with browser(early, ME) as page:
        before = await page.get(f"/mentorships/{PAIRING}")
    async with browser(due, ME) as page:
        after = await page.get(f"/mentorships/{PAIRING}")
    for offered in ("Renew for another term", "Complete it and give feedback", "/renew", "/complete"):
        assert offered not in before.text and offered in after.text, offered
    assert ("From November 3, 2027, in the last weeks of this term, you can both ask to renew it, or complete it."
            in before.text)
    assert "End this mentorship before its term" in before.text


async def test_completing_before_the_terms_last_weeks_is_refused_in_words():
    refused = httpx.Response(409, json={"error": {"code": "completion_not_due", "message": "not yet",
                                                  "field": "pairing_id"}})
    services = its_page(an_active_term(closing_opens_at=closing(30)),
                        **{f"POST /v1/pairings/{PAIRING}/complete": refused})
    async with browser(services, ME) as page:
        answer = await page.post(f"/mentorships/{PAIRING}/complete", data={"csrf": CSRF})
    assert answer.status_code == 422
    assert "A mentorship is completed in the last weeks of its term" in answer.text
    assert "That did not work" not in answer.text


async def test_confirming_a_sign_in_in_a_second_tab_after_the_first_signed_in_goes_on_home_not_to_an_expired_form():
    async with browser(Services(), ME) as page:  # signed in by the first tab; this tab's form has the visit's token
        second = await page.post("/sign-in/a-link-token-the-first-tab-used", data={"csrf": "the-visits-own-token"})
        other_form = await page.post("/sign-out", data={"csrf": "the-visits-own-token"})
    assert second.status_code == 303 and second.headers["location"] == "/"
    assert other_form.status_code == 403 and "This form has expired" in other_form.text
    async with browser(Services()) as page:  # not signed in: the form has expired indeed
        stranger = await page.post("/sign-in/a-link-token-the-first-tab-used", data={"csrf": "an-old-token"})
    assert stranger.status_code == 403 and "This form has expired" in stranger.text


@pytest.mark.parametrize("sent_from", [{"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"},
                                       {"origin": "null", "sec-fetch-site": "same-site"}],
                         ids=["another origin", "cross-site", "a sibling site"])
async def test_a_form_another_site_sent_is_refused_even_with_the_pages_token(sent_from):
    services = its_page(an_active_term(), **{f"POST /v1/pairings/{PAIRING}/meetings": {}})
    async with browser(services, ME) as page:
        refused = await page.post(f"/mentorships/{PAIRING}/meetings", headers=sent_from, data={
            "csrf": CSRF, "met_on": "2026-02-01", "minutes": "30"})
    assert refused.status_code == 403 and "This form was sent from another website" in refused.text
    assert not [r for r in services.sent if r.method == "POST"]


# This site's Referrer-Policy makes a browser send its own forms with "Origin: null".
@pytest.mark.parametrize("sent_from", [{"origin": "https://web"}, {"origin": "null", "sec-fetch-site": "same-origin"},
                                       {"origin": "http://127.0.0.1:8105"}, {"origin": "null"}, {}],
                         ids=["this site", "this site, said as browsers do", "as people reach it",
                              "an opaque origin", "no word of it"])
async def test_a_form_this_site_sent_is_taken(sent_from):
    services = its_page(an_active_term(), **{f"POST /v1/pairings/{PAIRING}/meetings": {}})
    async with browser(services, ME) as page:
        taken = await page.post(f"/mentorships/{PAIRING}/meetings", headers=sent_from, data={
            "csrf": CSRF, "met_on": "2026-02-01", "minutes": "30"})
    assert taken.status_code == 303


async def test_an_event_for_other_stages_offers_no_register_button_and_says_whom_it_is_for():
    event = {**a_full_event()[f"GET /v1/events/{EVENT}"], "audience_stages": ["resident", "fellow"], "full": False}
    services = Services({f"GET /v1/events/{EVENT}": event, "GET /v1/registrations/mine": []})
    async with browser(services, ME) as page:  # an undergraduate
        shown = await page.get(f"/events/{EVENT}")
    assert f'action="/events/{EVENT}/register"' not in shown.text and ">Register</button>" not in shown.text
    assert "This event is for people at other stages of training: Resident, Fellow." in shown.text
    async with browser(Services({f"GET /v1/events/{EVENT}": {**event, "audience_stages": ["undergraduate"]},
                                 "GET /v1/registrations/mine": []}), ME) as page:
        mine = await page.get(f"/events/{EVENT}")
    assert ">Register</button>" in mine.text and "other stages" not in mine.text


async def test_a_chapters_event_says_whose_members_it_is_for_and_offers_no_register_button_to_someone_of_another():
    chapter, other = str(uuid4()), uuid4()
    event = {**a_full_event()[f"GET /v1/events/{EVENT}"], "chapter_id": chapter, "full": False}
    answers = {f"GET /v1/events/{EVENT}": event, "GET /v1/registrations/mine": [],
               "GET /v1/chapters": [{"id": chapter, "name": "Demo Chapter", "contact_email": None}]}
    async with browser(Services(answers), ME, chapter_id=other) as page:  # a member of another chapter
        shown = await page.get(f"/events/{EVENT}")
    assert f'action="/events/{EVENT}/register"' not in shown.text  # today: offered, then refused as an office hour
    assert "For the members of Demo Chapter." in shown.text
    assert "This event is for the members of Demo Chapter: you are not one of them." in shown.text
    async with browser(Services(answers), ME, chapter_id=UUID(chapter)) as page:
        member = await page.get(f"/events/{EVENT}")
    assert ">Register</button>" in member.text and "you are not one of them" not in member.text
    assert "For the members of Demo Chapter." in member.text


@pytest.mark.parametrize("code", ["chapter_not_yet_known", "stage_not_yet_known"])
async def test_registering_just_after_signing_up_waits_a_moment_for_the_profile_to_reach_events(monkeypatch, code):
    # Signed up at the door, then Register at once: events has not heard of them yet. One tap must do.
    monkeypatch.setattr(events_pages, "NOT_YET_KNOWN_WAITS", (0, 0))
    not_yet = httpx.Response(409, json={"error": {"code": code, "message": "not yet", "field": "person_id"}})
    tries = iter([not_yet, {"id": "r1", "status": "confirmed"}])
    event = {**a_full_event()[f"GET /v1/events/{EVENT}"], "full": False}
    services = Services({f"GET /v1/events/{EVENT}": event, "GET /v1/registrations/mine": [],
                         f"POST /v1/events/{EVENT}/registrations": lambda request: next(tries)})
    async with browser(services, ME) as page:
        answer = await page.post(f"/events/{EVENT}/register", data={"csrf": CSRF})
    assert answer.status_code == 303 and answer.headers["location"] == f"/events/{EVENT}?done=registered"
    services.answers[f"POST /v1/events/{EVENT}/registrations"] = not_yet  # still not there after the waits
    async with browser(services, ME) as page:
        answer = await page.post(f"/events/{EVENT}/register", data={"csrf": CSRF})
    assert answer.status_code == 422 and "still on its way" in answer.text
    posts = [r for r in services.sent if r.method == "POST"]
    assert len(posts) == 2 + 3


async def test_an_event_refused_as_for_another_chapter_says_so_of_the_event_not_of_an_office_hour():
    refused = httpx.Response(409, json={"error": {"code": "not_in_chapter", "message": "chapter members only",
                                                  "field": "chapter_id"}})
    event = {**a_full_event()[f"GET /v1/events/{EVENT}"], "full": False}
    services = Services({f"GET /v1/events/{EVENT}": event, "GET /v1/registrations/mine": [],
                         f"POST /v1/events/{EVENT}/registrations": refused})
    async with browser(services, ME) as page:
        answer = await page.post(f"/events/{EVENT}/register", data={"csrf": CSRF})
    assert "This event is for the members of its chapter only." in answer.text
    assert "office hour" not in answer.text


async def test_more_than_ten_specialties_are_refused_next_to_them_keeping_every_choice_not_saved_as_the_first_ten():
    from web.entrypoints.labels import SPECIALTIES
    twelve = list(SPECIALTIES)[:12]
    services = Services({f"PATCH /v1/people/{ME}": PERSON})
    async with browser(services, ME) as page:
        answer = await page.post("/sign-up/interests", data={
            "csrf": CSRF, "specialties": twelve, "support_areas": ["research"], "bio": "Future surgeon"})
    assert answer.status_code == 422
    # Said once, for the whole question (its fieldset), not again on its first box.
    assert re.search(r'<fieldset aria-describedby="specialties-error">', answer.text)
    assert "up to 10" in re.search(r'id="specialties-error">([^<]+)<', answer.text).group(1)
    assert not re.search(r'id="specialties"[^>]*aria-describedby', answer.text)
    for code in twelve:
        assert re.search(rf'value="{code}"[^>]*checked', answer.text), code
    assert re.search(r'value="research"[^>]*checked', answer.text) and "Future surgeon" in answer.text
    assert re.search(r'class="[^"]*error-summary[^"]*".*href="#specialties"', answer.text, re.S)
    assert not [r for r in services.sent if r.method == "PATCH"]


async def test_the_welcome_page_does_not_promise_that_both_agree_before_every_mentorship_starts():
    async with browser(Services()) as page:
        welcome = await page.get("/")
    assert "you both agree before it starts" not in welcome.text
    assert "In some programs you both accept the pairing before it starts; in others it starts as soon as you are " \
           "paired." in welcome.text


@pytest.mark.parametrize("language, path, said", [
    ("en", "/", "Find a mentor on your path into medicine and the health professions"),
    ("en", "/", "High-school, pre-med, post-bacc and medical students, and nursing, physician assistant and other "
                "health-professions students, meet near-peers"),
    ("en", "/programs", "the path into medicine and the health professions with people further along it: pre-med and "
                        "medical students, nursing, physician assistant and other health-professions students alike."),
    ("es", "/", "Encuentra una persona mentora en tu camino hacia la medicina y las profesiones de la salud"),
    ("es", "/", "y de enfermería, para asistente médico (PA) y de otras profesiones de la salud"),
    ("es", "/programs", "el camino hacia la medicina y las profesiones de la salud con personas más avanzadas en él: "
                        "estudiantes de premedicina y de medicina")])
async def test_the_front_page_and_the_programs_speak_to_every_health_profession_not_to_medicine_alone(
        language, path, said):
    # Nursing, physician assistant, pharmacy and public-health students use the platform too.
    async with browser(Services({"GET /v1/programs": [], "GET /v1/chapters": []}), language=language) as page:
        shown = text_of((await page.get(path)).text)
    assert said in shown


async def test_each_identity_answer_offers_common_words_and_says_a_mentor_matches_when_described_the_same_way():
    async with browser(Services({f"GET /v1/people/{ME}/identity": NOTHING_DECLARED}), ME) as page:
        for path in ("/sign-up/identity", "/sign-up/identity?next=/my-data"):
            form = (await page.get(path)).text
            for name in ("race_ethnicity", "gender_identity", "sexual_orientation", "religion"):
                assert re.search(rf'id="{name}-value"[^>]*list="{name}-suggestions"', form), name
                suggestions = re.search(rf'<datalist id="{name}-suggestions">(.*?)</datalist>', form, re.S)
                assert suggestions and suggestions.group(1).count("<option value=") >= 3, name
                hint = re.search(rf'id="{name}-wish"[^>]*aria-describedby="([^"]+)"', form)
                assert hint, name
                # Its own short hint, what each wish does: not the words field's, read out again for every question.
                assert hint.group(1) == f"{name}-wish-hint", name
                said = re.search(rf'id="{hint.group(1)}"[^>]*>([^<]+)<', form)
                assert said and "describe it in the same words" in html.unescape(said.group(1)), name
                assert "I would prefer it" in html.unescape(said.group(1)), name
        async with browser(Services({f"GET /v1/people/{ME}/identity": NOTHING_DECLARED}), ME, "es") as spanish:
            assert "Mujer" in (await spanish.get("/sign-up/identity")).text


@pytest.mark.parametrize("language, said", [
    ("en", "If you mentor: a mentee who asks for a mentor who shares it is paired with you for that reason only if you "
           "also show it to your partner. Otherwise the pairing itself would tell them."),
    ("es", "Si participas como persona mentora: cuando una persona mentorada pide una persona mentora que comparta "
           "esta respuesta, solo te asignamos como su persona mentora por ese motivo si también eliges mostrar esta "
           "respuesta a la otra persona de tu mentoría. De lo contrario, la propia asignación le revelaría tu "
           "respuesta.")])
async def test_the_identity_step_says_a_mentor_meets_a_mentees_wish_only_by_showing_it_to_their_partner(language, said):
    async with browser(Services({f"GET /v1/people/{ME}/identity": NOTHING_DECLARED}), ME, language) as page:
        form = " ".join((await page.get("/sign-up/identity")).text.split())
    assert said in form


def choosing(mentors: list[str]) -> Services:
    """A mentee of a program where mentees choose, offered these mentors; matching takes any request."""
    program = {"id": PROGRAM, "name": "Premed circle", "pairing_mode": "mentee_choice", "chapter_id": None,
               "mentee_stages": ["undergraduate"], "mentor_stages": [], "term_months": 6, "cadence_min_days": 14,
               "cadence_max_days": 60, "pairing_kinds": ["general"]}
    return Services({
        f"GET /v1/programs/{PROGRAM}": program,
        f"GET /v1/people/{ME}/enrollments": [{"id": str(uuid4()), "program_id": PROGRAM, "role": "mentee",
                                              "pairing_kind": "general", "active": True}],
        f"GET /v1/programs/{PROGRAM}/suggestions": [{"mentor_id": m, "score": 80, "reason_codes": [],
                                                     "requested": False} for m in mentors],
        f"POST /v1/programs/{PROGRAM}/requests": {"pairing_id": PAIRING, "status": "requested"}})


async def test_each_suggested_mentor_says_their_stage_and_what_they_share_with_the_mentee():
    # Two mentors of the same fit were two cards alike, to choose between blind.
    services = choosing([str(uuid4())])
    services.answers[f"GET /v1/programs/{PROGRAM}/suggestions"][0]["in_common"] = {
        "partner_stage": "attending", "specialties": [], "languages": ["en"]}
    async with browser(services, ME) as page:
        shown = text_of((await page.get(f"/programs/{PROGRAM}/suggestions")).text)
    assert ("Their training stage Attending physician Specialties you share None in common Languages you can both "
            "meet in English") in shown


async def test_a_mentee_asks_a_mentor_with_a_note_and_a_note_too_long_is_kept_and_said_so_next_to_it():
    first, second = str(uuid4()), str(uuid4())
    services = choosing([first, second])
    async with browser(services, ME) as page:
        shown = await page.get(f"/programs/{PROGRAM}/suggestions")
        asked = await page.post(f"/programs/{PROGRAM}/requests", data={
            "csrf": CSRF, "mentor_id": second, "pairing_kind": "general", "note": "  Hello!\r\nI apply next year. "})
        too_long = await page.post(f"/programs/{PROGRAM}/requests", data={
            "csrf": CSRF, "mentor_id": second, "pairing_kind": "general", "note": "x" * 501})
    assert shown.text.count('name="note"') == 2
    assert '<label for="note-2">' in shown.text
    assert asked.status_code == 303
    sent = [json.loads(r.content) for r in services.sent if r.method == "POST"]
    assert sent == [{"mentee_id": ME, "mentor_id": second, "pairing_kind": "general",
                     "note": "Hello!\nI apply next year."}]
    assert too_long.status_code == 422
    assert re.search(r'<p class="field-error" id="note-2-error">[^<]*500 characters', too_long.text)
    assert re.search(r'<textarea[^>]*id="note-2"[^>]*aria-invalid="true"[^>]*>x{501}</textarea>', too_long.text)
    assert len([r for r in services.sent if r.method == "POST"]) == 1, "nothing too long is sent"


@pytest.mark.parametrize("language, said", [
    ("en", "You are paused in this program, so you cannot ask a mentor for now. When you are ready, choose “I am ready "
           "for a mentor again” on your home page."),
    ("es", "Estás en pausa en este programa")])
async def test_a_paused_mentee_choosing_is_told_why_no_mentor_is_suggested_and_the_way_back(language, said):
    services = choosing([str(uuid4())])
    services.answers[f"GET /v1/people/{ME}/enrollments"][0]["paused"] = True
    async with browser(services, ME, language=language) as page:
        shown = " ".join((await page.get(f"/programs/{PROGRAM}/suggestions")).text.split())
    assert said in shown and 'name="mentor_id"' not in shown and '<a href="/">' in shown
    assert "No mentor fits right now" not in shown and "Ninguna persona mentora encaja" not in shown
    assert not [r for r in services.sent if r.url.path.endswith("/suggestions")], "matching is not asked"


async def test_the_note_sent_with_a_request_is_shown_to_its_mentor_line_by_line():
    note = "Hello!\nI apply next year."
    pairing = {"id": PAIRING, "program_id": PROGRAM, "mentee_id": MENTEE, "mentor_id": ME,
               "pairing_kind": "general", "status": "requested", "score": 70, "reasons": [], "reason_codes": [],
               "term_ends_at": None, "last_met_at": None, "confirmed_at": None, "mentee_accepted": True,
               "mentor_accepted": False, "mentee_renews": False, "mentor_renews": False, "request_note": note}
    services = Services({
        f"GET /v1/pairings/{PAIRING}": pairing, f"GET /v1/pairings/{PAIRING}/meetings": [],
        "GET /v1/programs": [{"id": PROGRAM, "name": "Premed circle", "term_months": 6, "cadence_max_days": 60}],
        f"GET /v1/people/{MENTEE}/as-partner": httpx.Response(404, json={"error": {"code": "not_found",
                                                                                    "message": "no"}})})
    async with browser(services, ME) as page:
        shown = await page.get(f"/mentorships/{PAIRING}")
    card = shown.text[shown.text.find("<article"):shown.text.find("</article>")]
    said = card.find('<p class="reasons-title">Their note with the request:</p>\n  <p class="note">Hello!<br>'
                     'I apply next year.</p>')
    assert 0 < said < card.find("Do you accept this mentorship?"), "read before the question"


async def test_a_mentor_reads_what_the_proposed_mentee_hopes_for_before_answering_and_the_mentee_is_not_asked_it():
    proposal = {"id": PAIRING, "program_id": PROGRAM, "mentee_id": MENTEE, "mentor_id": ME,
                "pairing_kind": "general", "status": "proposed", "score": 70, "reasons": [], "reason_codes": [],
                "term_ends_at": None, "last_met_at": None, "confirmed_at": None, "mentee_accepted": False,
                "mentor_accepted": False, "mentee_renews": False, "mentor_renews": False}
    services = Services({
        f"GET /v1/pairings/{PAIRING}": proposal, f"GET /v1/pairings/{PAIRING}/meetings": [],
        "GET /v1/programs": [{"id": PROGRAM, "name": "Premed circle", "term_months": 6, "cadence_max_days": 60}],
        f"GET /v1/people/{MENTEE}/as-partner": httpx.Response(404, json={"error": {"code": "not_found",
                                                                                    "message": "no"}}),
        f"GET /v1/pairings/{PAIRING}/mentee-hopes": {"goals": "My personal statement\nand the MCAT"}})
    async with browser(services, ME) as page:
        shown = await page.get(f"/mentorships/{PAIRING}")
    card = shown.text[shown.text.find("<article"):shown.text.find("</article>")]
    said = card.find('<p class="reasons-title">What this mentee hopes for, in their own words:</p>\n  '
                     '<p class="note">My personal statement<br>and the MCAT</p>')
    assert 0 < said < card.find("Do you accept this mentorship?"), "read before the question"

    as_mentee = Services({**services.answers, f"GET /v1/pairings/{PAIRING}": {**proposal, "mentee_id": ME,
                                                                             "mentor_id": MENTOR},
                          f"GET /v1/people/{MENTOR}/as-partner": httpx.Response(404, json={
                              "error": {"code": "not_found", "message": "no"}})})
    async with browser(as_mentee, ME) as page:
        await page.get(f"/mentorships/{PAIRING}")
    assert not [r for r in as_mentee.sent if r.url.path.endswith("/mentee-hopes")], "profiles is not asked"


async def test_a_request_says_by_when_it_must_be_answered_to_the_mentor_and_to_the_mentee_waiting_on_it():
    by = "2026-12-17T14:03:00+00:00"
    waiting = a_pairing_of_mine("requested", mentor_accepted=False, answer_by=by)
    async with browser(its_page(waiting), ME) as page:
        mentee = await page.get(f"/mentorships/{PAIRING}")
    asked = {**waiting, "mentee_id": MENTEE, "mentor_id": ME}
    services = Services({
        f"GET /v1/pairings/{PAIRING}": asked, f"GET /v1/pairings/{PAIRING}/meetings": [],
        "GET /v1/programs": [{"id": PROGRAM, "name": "Premed circle", "term_months": 6, "cadence_max_days": 60}],
        f"GET /v1/people/{MENTEE}/as-partner": httpx.Response(404, json={"error": {"code": "not_found",
                                                                                    "message": "no"}}),
        f"GET /v1/people/{ME}/overview": {"pairings": [asked], "waiting": []},
        f"GET /v1/people/{ME}/partners": [], f"GET /v1/people/{ME}/enrollments": []})
    async with browser(services, ME) as page:
        mentor = [await page.get(path) for path in (f"/mentorships/{PAIRING}", "/")]
    assert ("You asked this mentor; we are waiting for their answer. If the mentor has not answered by Thu, Dec 17, "
            "2026, 8:03 AM CST, your request lapses and you can ask another mentor.") in " ".join(mentee.text.split())
    for shown in mentor:
        assert "Please answer by Thu, Dec 17, 2026, 8:03\u202fAM CST: unanswered by then, it lapses." in shown.text
    assert "Answer a mentee's request in Premed circle" in mentor[1].text
    assert "Answer the proposed mentorship" not in mentor[1].text


@pytest.mark.parametrize(("role", "warned"), [
    ("mentor", "Answer this one: if it lapses unanswered as well, we will pause new mentees for you until you resume."),
    ("mentee", "Answer this one: if it lapses unanswered as well, we will pause mentor proposals for you until you "
               "tell us you are ready again."),
])
async def test_whom_a_lapse_would_pause_is_warned_beside_the_question_and_nobody_else(role, warned):
    mine = {"mentee_id": MENTEE, "mentor_id": ME} if role == "mentor" else {}
    waiting = {**a_pairing_of_mine("proposed", mentee_accepted=False, mentor_accepted=False,
                                   answer_by="2026-12-17T14:03:00+00:00"), **mine}
    shown = {}
    for pausing in (True, False):
        services = its_page({**waiting, "paused_if_it_lapses": pausing}, **{
            f"GET /v1/people/{MENTEE}/as-partner": httpx.Response(404, json={"error": {"code": "not_found",
                                                                                        "message": "no"}})})
        async with browser(services, ME) as page:
            shown[pausing] = " ".join((await page.get(f"/mentorships/{PAIRING}")).text.split())
    assert warned in shown[True]
    assert shown[True].find("Do you accept this mentorship?") < shown[True].find(warned)
    assert "if it lapses unanswered as well" not in shown[False]


async def test_why_a_mentor_may_fit_is_said_of_a_request_not_why_we_paired_them():
    reasons = {"reasons": ["specialty_overlap"], "reason_codes": ["specialty_overlap"]}
    async with browser(its_page(a_pairing_of_mine("requested", mentor_accepted=False, **reasons)), ME) as page:
        asked = await page.get(f"/mentorships/{PAIRING}")
    async with browser(its_page(a_pairing_of_mine("proposed", mentee_accepted=False, **reasons)), ME) as page:
        proposed = await page.get(f"/mentorships/{PAIRING}")
    assert "Why this mentor may fit:" in asked.text and "Why we paired you" not in asked.text
    assert "Why we paired you:" in proposed.text


@pytest.mark.parametrize(("language", "zone", "said"), [
    ("es", "America/Chicago", "jue, 17 de dic de 2026, 8:03 a.m. hora estándar central"),
    ("en", "Europe/Madrid", "Thu, Dec 17, 2026, 3:03 PM Central European Standard Time"),
    ("en", "America/Chicago", "Thu, Dec 17, 2026, 8:03 AM CST"),
])
async def test_a_moment_names_its_time_zone_in_words_where_the_language_has_no_abbreviation_for_it(
        language, zone, said):
    waiting = a_pairing_of_mine("requested", mentor_accepted=False, answer_by="2026-12-17T14:03:00+00:00")
    async with browser(its_page(waiting), ME, language=language, timezone=zone) as page:
        shown = await page.get(f"/mentorships/{PAIRING}")
    assert said in " ".join(shown.text.split())


async def test_a_request_lapsing_at_midnight_says_the_last_minute_of_the_day_before():
    waiting = a_pairing_of_mine("requested", mentor_accepted=False, answer_by="2026-12-18T06:00:00+00:00")  # 00:00 CST
    async with browser(its_page(waiting), ME, timezone="America/Chicago") as page:
        shown = " ".join((await page.get(f"/mentorships/{PAIRING}")).text.split())
    assert "If the mentor has not answered by Thu, Dec 17, 2026, 11:59 PM CST, your request lapses" in shown
    assert "12:00 AM" not in shown


async def test_a_request_lapsing_at_midnight_says_in_spanish_too_that_its_last_minute_still_counts():
    # "antes del … 11:59 p.m." ("before") put the deadline a minute early: "para el" is "by".
    waiting = a_pairing_of_mine("requested", mentor_accepted=False, answer_by="2026-12-18T06:00:00+00:00")  # 00:00 CST
    async with browser(its_page(waiting), ME, language="es", timezone="America/Chicago") as page:
        shown = " ".join((await page.get(f"/mentorships/{PAIRING}")).text.split())
    assert ("Si para el jue, 17 de dic de 2026, 11:59 p.m. hora estándar central la persona mentora no ha respondido, "
            "tu solicitud caduca") in shown
    assert "antes del" not in shown


async def test_an_answered_mentorship_says_nothing_of_lapsing():
    async with browser(its_page(an_active_term(answer_by=None)), ME) as page:
        shown = await page.get(f"/mentorships/{PAIRING}")
    assert "lapses" not in shown.text


def a_proposal_to_decline(enrollments: list[dict]) -> Services:
    """A proposal to mentor MENTEE in PROGRAM, which matching lets me decline; my enrollments as given."""
    pairing = {"id": PAIRING, "program_id": PROGRAM, "mentee_id": MENTEE, "mentor_id": ME,
               "pairing_kind": "clinical", "status": "proposed", "score": 70, "reasons": [], "reason_codes": [],
               "term_ends_at": None, "last_met_at": None, "confirmed_at": None, "mentee_accepted": False,
               "mentor_accepted": False, "mentee_renews": False, "mentor_renews": False}
    return Services({
        f"GET /v1/pairings/{PAIRING}": pairing, f"GET /v1/pairings/{PAIRING}/meetings": [],
        "GET /v1/programs": [{"id": PROGRAM, "name": "Premed circle", "term_months": 6, "cadence_max_days": 60}],
        f"GET /v1/people/{MENTEE}/as-partner": httpx.Response(404, json={"error": {"code": "not_found",
                                                                                    "message": "no"}}),
        f"POST /v1/pairings/{PAIRING}/decline": {**pairing, "status": "declined"},
        f"GET /v1/people/{ME}/enrollments": enrollments,
        **{f"PATCH /v1/enrollments/{e['id']}": {**e, "paused": True} for e in enrollments}})


async def test_a_mentor_who_declines_can_pause_at_once_in_that_program_and_kind():
    mine = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentor", "pairing_kind": "clinical", "active": True}
    others = [{**mine, "id": str(uuid4()), "pairing_kind": "research"},
              {**mine, "id": str(uuid4()), "program_id": str(uuid4())}]
    services = a_proposal_to_decline([*others, mine])
    async with browser(services, ME) as page:
        shown = await page.get(f"/mentorships/{PAIRING}")
        declined = await page.post(f"/mentorships/{PAIRING}/decline", data={
            "csrf": CSRF, "reason_code": "no_longer_available", "pause": "true"})
        after = await page.get(declined.headers["location"])
    assert re.search(r'<input type="checkbox" id="pause-too" name="pause" value="true">', shown.text)
    assert declined.status_code == 303 and declined.headers["location"].endswith("?done=declined_paused")
    patched = [(r.url.path, json.loads(r.content)) for r in services.sent if r.method == "PATCH"]
    assert patched == [(f"/v1/enrollments/{mine['id']}", {"paused": True})]
    assert "You declined this mentorship, and you are paused" in after.text


async def test_declining_without_choosing_a_reason_is_sent_as_no_reason_given_not_another_reason():
    # It was kept, and counted, as "another reason" that nobody gave.
    services = a_proposal_to_decline([])
    async with browser(services, ME) as page:
        declined = await page.post(f"/mentorships/{PAIRING}/decline", data={"csrf": CSRF, "reason_code": ""})
    assert declined.status_code == 303
    [sent] = [json.loads(r.content) for r in services.sent if r.method == "POST"]
    assert sent == {"reason_code": "no_reason_given"}


@pytest.mark.parametrize("language, because, own", [
    ("en", "Paused because the last proposals to you lapsed unanswered: nobody new is proposed to you until you take "
           "new mentees again. Your mentorships go on.", "Paused: nobody new is proposed to you."),
    ("es", "En pausa porque las últimas propuestas que recibiste caducaron sin respuesta",
     "En pausa: no se te propone a nadie nuevo.")])
async def test_a_mentor_paused_for_not_answering_reads_why_on_their_home_page(language, because, own):
    mentoring = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentor", "pairing_kind": "general",
                 "active": True, "capacity": 2, "approval": "approved", "paused": True}
    home = {}
    for reason in ("unanswered", None):
        services = Services({
            "GET /v1/programs": [{"id": PROGRAM, "name": "Premed circle", "term_months": 6, "cadence_max_days": 60}],
            f"GET /v1/people/{ME}/overview": {"pairings": [], "waiting": []}, f"GET /v1/people/{ME}/partners": [],
            f"GET /v1/people/{ME}/enrollments": [{**mentoring, "paused_because": reason}]})
        async with browser(services, ME, language=language) as page:
            home[reason] = " ".join((await page.get("/")).text.split())
    assert because in home["unanswered"] and own not in home["unanswered"]
    assert own in home[None] and because not in home[None]


async def test_a_person_who_has_just_left_their_only_program_is_not_told_they_never_joined_one():
    services = Services({"GET /v1/programs": [], f"GET /v1/people/{ME}/overview": {"pairings": [], "waiting": []},
                         f"GET /v1/people/{ME}/partners": [], f"GET /v1/people/{ME}/enrollments": []})
    async with browser(services, ME) as page:
        home = text_of((await page.get("/?done=left_program")).text)
    assert "You are in no program right now." in home and "not joined" not in home
    assert "Join a program" in home and "Join another program" not in home  # "another" of none


async def test_a_person_in_a_program_is_offered_to_join_another():
    mentoring = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentor", "pairing_kind": "general",
                 "active": True, "capacity": 2, "approval": "approved", "paused": False, "paused_because": None}
    async with browser(a_home_with(mentoring), ME) as page:
        home = text_of((await page.get("/")).text)
    assert "Join another program" in home


def a_home_with(enrollment: dict) -> Services:
    """My home page's services, with this one enrollment of mine in PROGRAM, and its change as profiles answers."""
    return Services({
        "GET /v1/programs": [{"id": PROGRAM, "name": "Premed circle", "term_months": 6, "cadence_max_days": 60}],
        f"GET /v1/people/{ME}/overview": {"pairings": [], "waiting": []}, f"GET /v1/people/{ME}/partners": [],
        f"GET /v1/people/{ME}/enrollments": [enrollment],
        f"PATCH /v1/enrollments/{enrollment['id']}": lambda sent: {**enrollment, **json.loads(sent.content),
                                                                    "paused_because": None}})


@pytest.mark.parametrize("typed", ["", "0", "11", "two"])
async def test_a_number_of_mentees_left_empty_or_out_of_range_is_asked_again_next_to_its_field_not_changed(typed):
    mentoring = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentor", "pairing_kind": "general",
                 "active": True, "capacity": 2, "approval": "approved", "paused": False, "paused_because": None}
    services = a_home_with(mentoring)
    async with browser(services, ME) as page:
        refused = await page.post(f"/enrollments/{mentoring['id']}/capacity", data={"csrf": CSRF, "capacity": typed})
        saved = await page.post(f"/enrollments/{mentoring['id']}/capacity", data={"csrf": CSRF, "capacity": "3"})
    assert refused.status_code == 422
    assert error_next_to(refused.text, f"capacity-{mentoring['id']}") == (
        "Give how many mentees you can take at once: a whole number from 1 to 10.")
    assert re.search(rf'id="capacity-{mentoring["id"]}"[^>]*value="{typed}"', refused.text), "what was typed is kept"
    assert saved.status_code == 303 and saved.headers["location"] == "/?done=capacity"
    patched = [json.loads(r.content) for r in services.sent if r.method == "PATCH"]
    assert patched == [{"capacity": 3}], "nothing out of range is sent, nor made in range unseen"


A_MENTEE = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentee", "pairing_kind": "general", "active": True,
            "capacity": 1, "approval": "not_required", "paused": False, "paused_because": None}


@pytest.mark.parametrize("language, because, own, ready", [
    ("en", "Paused because the last proposed mentorships lapsed without your answer: no mentor is proposed to you "
           "until you are ready. You keep your place.", "Paused: no mentor is proposed to you for now.",
     "I am ready for a mentor again"),
    ("es", "En pausa porque las últimas mentorías que se te propusieron caducaron sin tu respuesta",
     "En pausa: por ahora no se te propone ninguna persona mentora.",
     "Estoy listo/a para una persona mentora otra vez")])
async def test_a_mentee_paused_for_not_answering_reads_why_on_their_home_page_and_can_say_they_are_ready(
        language, because, own, ready):
    home = {}
    for reason in ("unanswered", None):
        async with browser(a_home_with({**A_MENTEE, "paused": True, "paused_because": reason}), ME,
                           language=language) as page:
            home[reason] = " ".join((await page.get("/")).text.split())
    assert because in home["unanswered"] and own not in home["unanswered"]
    assert own in home[None] and because not in home[None]
    for shown in home.values():
        assert (f'<form method="post" action="/enrollments/{A_MENTEE["id"]}/pause"> '
                f'<input type="hidden" name="csrf" value="{CSRF}"> <input type="hidden" name="paused" value="false"> '
                f'<button type="submit" class="secondary">{ready}</button>') in shown


@pytest.mark.parametrize("language, held", [
    ("en", "Paused while a coordinator of the program looks into how your last mentorship ended: no mentor is proposed "
           "to you meanwhile. They will be in touch."),
    ("es", "En pausa mientras la coordinación del programa revisa cómo terminó tu última mentoría: mientras tanto no "
           "se te propone ninguna persona mentora. Se pondrán en contacto contigo.")])
async def test_a_mentee_held_for_a_coordinators_review_reads_so_and_is_not_offered_to_resume_themselves(
        language, held):
    async with browser(a_home_with({**A_MENTEE, "paused": True, "paused_because": "conduct_reported"}), ME,
                       language=language) as page:
        home = " ".join((await page.get("/")).text.split())
    assert held in home
    assert f'action="/enrollments/{A_MENTEE["id"]}/pause"' not in home, "profiles refuses it: a coordinator resumes"


@pytest.mark.parametrize("language, because, rested, heading, waiting", [
    ("en", "goals_met", "You met the goals of your last mentorship. No mentor is proposed to you until you ask for "
                        "another.", "When you want another mentor", "Waiting for a mentor"),
    ("en", "term_completed", "Your last mentorship is complete. No mentor is proposed to you until you ask for "
                             "another.", "When you want another mentor", "Waiting for a mentor"),
    ("es", "goals_met", "Cumpliste los objetivos de tu última mentoría. No se te propone ninguna persona mentora "
                        "hasta que pidas otra.", "Cuando quieras otra persona mentora", "Esperando a una persona mentora")])
async def test_a_mentee_resting_after_a_mentorship_that_ran_its_course_is_not_said_to_wait_and_asks_when_ready(
        language, because, rested, heading, waiting):
    async with browser(a_home_with({**A_MENTEE, "paused": True, "paused_because": because}), ME,
                       language=language) as page:
        home = " ".join((await page.get("/")).text.split())
    assert rested in home
    assert f"<h2>{heading}</h2>" in home and f"<h2>{waiting}</h2>" not in home
    assert f'action="/enrollments/{A_MENTEE["id"]}/pause"' in home, "they ask for another mentor themselves"
    assert ("Leave this waitlist" if language == "en" else "Salir de la espera de persona mentora") not in home, \
        "they are not waiting"


async def test_a_mentee_who_asked_one_mentor_may_still_choose_others_from_home_while_the_request_waits():
    # One request waiting took "Choose a mentor" and "Leave the program" off her home page: she may ask up to three.
    services = a_home_with(A_MENTEE)
    services.answers["GET /v1/programs"] = [{"id": PROGRAM, "name": "Premed circle", "term_months": 6,
                                             "cadence_max_days": 60, "pairing_mode": "mentee_choice"}]
    asked = a_pairing_of_mine("requested", requested_by_mentee=True, mentee_accepted=True, mentor_accepted=False,
                              pairing_kind="general")
    services.answers[f"GET /v1/people/{ME}/overview"] = {"pairings": [asked], "waiting": [
        {"enrollment_id": A_MENTEE["id"], "program_id": PROGRAM, "pairing_kind": "general", "position": 4,
         "waiting_since": "2026-12-01T10:00:00Z"}]}
    services.answers[f"GET /v1/pairings/{PAIRING}"] = asked
    async with browser(services, ME) as page:
        home = " ".join((await page.get("/")).text.split())
    assert "Choose a mentor" in home
    assert "You asked this mentor; we are waiting for their answer." in home


async def test_a_mentee_who_mentors_in_the_same_program_still_sees_her_own_wait():
    # Her mentee in the program hid the card of her own wait for a mentor there.
    services = a_home_with(A_MENTEE)
    mentoring = {**A_MENTEE, "id": str(uuid4()), "role": "mentor", "capacity": 2, "approval": "approved"}
    services.answers[f"GET /v1/people/{ME}/enrollments"] = [A_MENTEE, mentoring]
    mine = a_pairing_of_mine("active", mentee_id=str(uuid4()), mentor_id=ME, pairing_kind="general",
                             confirmed_at="2026-11-05T15:00:00+00:00")
    services.answers[f"GET /v1/people/{ME}/overview"] = {"pairings": [mine], "waiting": [
        {"enrollment_id": A_MENTEE["id"], "program_id": PROGRAM, "pairing_kind": "general", "position": 4,
         "waiting_since": "2026-12-01T10:00:00Z"}]}
    async with browser(services, ME) as page:
        home = " ".join((await page.get("/")).text.split())
    assert "You are number 4 in line, waiting since December 1, 2026." in text_of(home)


@pytest.mark.parametrize("language, said, choose", [
    ("en", "In this program you choose your mentor: nobody is proposed to you. Ask a mentor, and they answer.",
     "Choose a mentor"),
    ("es", "En este programa eliges a tu persona mentora: no se te propone a nadie. Pídeselo a una persona mentora, y "
           "te responderá.", "Elige a una persona mentora")])
async def test_a_mentee_in_a_program_where_mentees_choose_is_told_to_choose_not_that_we_look_for_a_mentor(
        language, said, choose):
    services = a_home_with(A_MENTEE)
    services.answers["GET /v1/programs"] = [{"id": PROGRAM, "name": "Premed circle", "term_months": 6,
                                             "cadence_max_days": 60, "pairing_mode": "mentee_choice"}]
    services.answers[f"GET /v1/people/{ME}/overview"] = {"pairings": [], "waiting": [
        {"enrollment_id": A_MENTEE["id"], "program_id": PROGRAM, "pairing_kind": "general", "position": 4,
         "waiting_since": "2026-12-01T10:00:00Z"}]}
    async with browser(services, ME, language=language) as page:
        home = " ".join((await page.get("/")).text.split())
    assert said in home and choose in home
    for not_said in ("We are looking for a mentor", "in line", "Estamos buscando", "de la fila"):
        assert not_said not in home
    # Nobody is proposed to them to pause, and there is no line to leave: they leave the program.
    assert f'action="/enrollments/{A_MENTEE["id"]}/pause"' not in home
    assert ("Leave the program" if language == "en" else "Dejar el programa") in home
    assert "Leave this waitlist" not in home and "Salir de la espera de persona mentora" not in home


async def test_a_mentee_who_just_joined_and_is_looked_for_sees_their_mentorships_looked_at_again_a_few_times():
    # Matching pairs them a moment after the page is shown, and emails them: the page said "We are looking" meanwhile.
    services = a_home_with(A_MENTEE)
    async with browser(services, ME) as page:
        joined = (await page.get("/?enrolled=1")).text
        fifth = (await page.get("/?enrolled=1&look=4")).text
        last = (await page.get("/?enrolled=1&look=5")).text
        later = (await page.get("/")).text
    where_mentees_choose = a_home_with(A_MENTEE)
    where_mentees_choose.answers["GET /v1/programs"][0]["pairing_mode"] = "mentee_choice"
    async with browser(where_mentees_choose, ME) as page:
        choosing = (await page.get("/?enrolled=1")).text
    assert "We are looking for a mentor for you." in joined
    assert re.search(r'<div id="yours" hx-get="/\?enrolled=1&amp;look=1" hx-trigger="load delay:2s" hx-select="#yours" '
                     r'hx-swap="outerHTML">', joined)
    assert 'hx-get="/?enrolled=1&amp;look=5"' in fifth
    for not_again in (last, later, choosing):
        assert '<div id="yours">' in not_again and "hx-get=" not in not_again.split('<div id="yours"')[1][:20]


async def test_a_mentee_who_just_joined_is_promised_an_email_only_while_looked_for_not_once_the_page_finds_them_paired():
    looked_for = a_home_with(A_MENTEE)
    paired = a_home_with(A_MENTEE)
    paired.answers[f"GET /v1/people/{ME}/overview"] = {"pairings": [a_pairing_of_mine("proposed", pairing_kind="general")],
                                                        "waiting": []}
    paired.answers[f"GET /v1/people/{MENTOR}/as-partner"] = partner(MENTOR, "Dr Rivera")
    where_mentees_choose = a_home_with(A_MENTEE)
    where_mentees_choose.answers["GET /v1/programs"][0]["pairing_mode"] = "mentee_choice"
    promised = "We will tell you by email as soon as you are paired."
    async with browser(looked_for, ME) as page:
        joined = (await page.get("/?enrolled=1")).text
    async with browser(paired, ME) as page:
        looked_again = (await page.get("/?enrolled=1&look=2")).text
    async with browser(where_mentees_choose, ME) as page:
        choosing = (await page.get("/?enrolled=1")).text
    # The notice is inside what the page looks at again, so the look that finds the pairing takes the promise away.
    assert promised in joined.split('<div id="yours"')[1]
    for without_the_promise in (looked_again, choosing):
        assert "You have joined the program." in without_the_promise and promised not in without_the_promise


async def test_a_waiting_mentee_can_pause_and_is_told_so_in_their_roles_words():
    services = a_home_with(A_MENTEE)
    async with browser(services, ME) as page:
        home = (await page.get("/")).text
        paused = await page.post(f"/enrollments/{A_MENTEE['id']}/pause", data={"csrf": CSRF, "paused": "true"})
        after = await page.get(paused.headers["location"])
    assert "We are looking for a mentor for you." in home
    assert re.search(r'name="paused" value="true">\s*<label for="paused_for-[^"]+">For how long\?</label>.*?'
                     r'<button type="submit" class="secondary">Pause: propose no mentor to me for now</button>', home,
                     re.S)
    assert (paused.status_code, paused.headers["location"]) == (303, f"/?done=mentee_paused&program={PROGRAM}")
    patched = [(r.url.path, json.loads(r.content)) for r in services.sent if r.method == "PATCH"]
    assert patched == [(f"/v1/enrollments/{A_MENTEE['id']}", {"paused": True})]
    # Named: the page lists every program the person is in, and the notice stands above them all.
    assert "You are paused in Premed circle: no mentor will be proposed to you there for now. You keep your place." \
        in after.text


def a_mentor_in_two_programs(second_paused: bool = False) -> tuple[Services, dict, dict]:
    other_program = str(uuid4())
    first = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentor", "pairing_kind": "general", "active": True,
             "capacity": 2, "approval": "approved", "paused": False, "paused_because": None}
    second = {**first, "id": str(uuid4()), "program_id": other_program, "paused": second_paused}
    services = a_home_with(first)
    services.answers["GET /v1/programs"].append({"id": other_program, "name": "Emergency pathway", "term_months": 6,
                                                  "cadence_max_days": 60})
    services.answers[f"GET /v1/people/{ME}/enrollments"] = [first, second]
    services.answers[f"PATCH /v1/enrollments/{second['id']}"] = lambda sent: {**second, **json.loads(sent.content)}
    return services, first, second


@pytest.mark.parametrize("second_paused", [False, True], ids=["taking mentees there", "paused there already"])
async def test_a_mentor_in_two_programs_pauses_in_both_for_a_month_at_once_and_is_told_so(second_paused):
    # A physician about to work a month of nights paused in one program; the other, which pairs as soon as one fits,
    # went on giving her mentees. Paused there already (until she resumes), the month applies there too.
    services, first, second = a_mentor_in_two_programs(second_paused)
    async with browser(services, ME) as page:
        home = (await page.get("/")).text
        paused = await page.post(f"/enrollments/{first['id']}/pause",
                                 data={"csrf": CSRF, "paused": "true", "paused_for": "1m", "everywhere": "on"})
        after = await page.get(paused.headers["location"])
    assert f'id="everywhere-{first["id"]}" name="everywhere" value="on"' in home
    assert "In every program I mentor in" in home
    patched = {r.url.path: json.loads(r.content) for r in services.sent if r.method == "PATCH"}
    assert set(patched) == {f"/v1/enrollments/{first['id']}", f"/v1/enrollments/{second['id']}"}
    assert patched[f"/v1/enrollments/{first['id']}"] == patched[f"/v1/enrollments/{second['id']}"]
    assert patched[f"/v1/enrollments/{second['id']}"]["paused"] is True
    assert patched[f"/v1/enrollments/{second['id']}"]["paused_until"]
    assert paused.headers["location"] == "/?done=paused_everywhere"
    assert "You are paused in every program you mentor in: nobody new will be proposed to you. Your mentorships go " \
           "on." in after.text


async def test_a_mentor_in_one_program_is_not_offered_to_pause_everywhere_and_pausing_one_leaves_the_other():
    services, first, second = a_mentor_in_two_programs()
    async with browser(services, ME) as page:
        await page.post(f"/enrollments/{first['id']}/pause", data={"csrf": CSRF, "paused": "true"})
    assert [r.url.path for r in services.sent if r.method == "PATCH"] == [f"/v1/enrollments/{first['id']}"]
    alone = a_home_with(first)
    async with browser(alone, ME) as page:
        home = (await page.get("/")).text
    assert 'name="everywhere"' not in home


async def test_a_mentor_is_pointed_to_the_pause_beside_how_many_mentees_they_take():
    services, first, _ = a_mentor_in_two_programs()
    async with browser(services, ME) as page:
        home = (await page.get("/")).text
        refused = await page.post(f"/enrollments/{first['id']}/capacity", data={"csrf": CSRF, "capacity": "0"})
    hint = f'id="capacity-{first["id"]}-hint"'
    assert hint in home and "To take nobody new for a while, pause instead (above)." in home
    assert re.search(rf'id="capacity-{first["id"]}"[^>]*aria-describedby="[^"]*capacity-{first["id"]}-hint', home)
    # The server's words, next to the field with the hint beside them: the browser's own bubble said neither.
    assert f'action="/enrollments/{first["id"]}/capacity" novalidate' in home
    assert error_next_to(refused.text, f"capacity-{first['id']}").startswith("Give how many mentees")
    assert re.search(rf'id="capacity-{first["id"]}"[^>]*aria-describedby="capacity-{first["id"]}-error '
                     rf'capacity-{first["id"]}-hint"', refused.text)


@pytest.mark.parametrize("role, done, told", [
    ("mentee", "ready_for_a_mentor", "We will propose a mentor to you in Premed circle again."),
    ("mentor", "resumed", "You are taking new mentees in Premed circle again.")])
async def test_a_paused_person_who_resumes_is_unpaused_and_told_so_in_their_roles_words(role, done, told):
    paused = {**A_MENTEE, "role": role, "paused": True, "paused_because": "unanswered"}
    services = a_home_with(paused)
    async with browser(services, ME) as page:
        resumed = await page.post(f"/enrollments/{paused['id']}/pause", data={"csrf": CSRF, "paused": "false"})
        after = await page.get(resumed.headers["location"])
    assert (resumed.status_code, resumed.headers["location"]) == (303, f"/?done={done}&program={PROGRAM}")
    patched = [(r.url.path, json.loads(r.content)) for r in services.sent if r.method == "PATCH"]
    assert patched == [(f"/v1/enrollments/{paused['id']}", {"paused": False})]
    assert f'<div class="notice ok" role="status" id="done-notice" data-focus tabindex="-1"><p>{told}</p></div>' in after.text


async def test_a_mentee_ready_again_where_mentees_choose_is_told_she_can_choose_not_that_one_is_proposed():
    # "We will propose a mentor to you again", just above "nobody is proposed to you" in that program.
    paused = {**A_MENTEE, "paused": True, "paused_because": "term_completed"}
    services = a_home_with(paused)
    services.answers["GET /v1/programs"][0]["pairing_mode"] = "mentee_choice"
    async with browser(services, ME) as page:
        resumed = await page.post(f"/enrollments/{paused['id']}/pause", data={"csrf": CSRF, "paused": "false"})
        paused["paused"] = False
        after = text_of((await page.get(resumed.headers["location"])).text)
    assert "You can choose a mentor in Premed circle again." in after and "We will propose" not in after


async def test_a_paused_mentee_who_is_ready_again_is_told_so_in_spanish():
    paused = {**A_MENTEE, "paused": True, "paused_because": "unanswered"}
    async with browser(a_home_with(paused), ME, language="es") as page:
        resumed = await page.post(f"/enrollments/{paused['id']}/pause", data={"csrf": CSRF, "paused": "false"})
        after = await page.get(resumed.headers["location"])
    assert "Volveremos a proponerte una persona mentora en Premed circle." in after.text


async def test_a_mentor_who_declines_without_pausing_stays_open_to_new_mentees():
    mine = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentor", "pairing_kind": "clinical", "active": True}
    services = a_proposal_to_decline([mine])
    async with browser(services, ME) as page:
        declined = await page.post(f"/mentorships/{PAIRING}/decline", data={"csrf": CSRF, "reason_code": "other"})
    assert declined.headers["location"].endswith("?done=declined")
    assert [r for r in services.sent if r.method == "PATCH"] == []


def a_mentor_enrolled(approval: str) -> Services:
    programs = [{"id": PROGRAM, "name": "Premed circle", "term_months": 6, "cadence_max_days": 60}]
    enrollment = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentor", "active": True, "capacity": 2,
                  "pairing_kind": "general", "approval": approval, "paused": False, "paused_because": None}
    return Services({"GET /v1/programs": programs, f"GET /v1/people/{ME}/overview": {"pairings": [], "waiting": []},
                     f"GET /v1/people/{ME}/partners": [], f"GET /v1/people/{ME}/enrollments": [enrollment]})


async def test_a_mentor_not_approved_or_suspended_is_told_so_at_home_and_offered_no_pause_nor_capacity():
    async with browser(a_mentor_enrolled("suspended"), ME) as page:
        home = " ".join((await page.get("/")).text.split())
    assert ("Nobody is proposed to you in this program: your chapter's coordinator has not approved you to mentor "
            "here, or has put your mentoring on hold. Ask them if you have questions.") in home
    assert "Pause: take no new mentees for now" not in home and "/capacity" not in home
    async with browser(a_mentor_enrolled("approved"), ME) as page:
        home = " ".join((await page.get("/")).text.split())
    assert "Pause: take no new mentees for now" in home and "has not approved you" not in home


def offered_decline_reasons(html: str) -> list[str]:
    found = re.search(r'<select id="decline-reason" name="reason_code">(.*?)</select>', html, re.S)
    assert found, "no reason to decline offered"
    return re.findall(r'<option value="([^"]+)">', found.group(1))


def reasons_matching_takes_to_decline() -> set[str]:
    """The reason codes matching's decline accepts (ReasonIn in its OpenAPI document)."""
    document = json.loads((Path(__file__).resolve().parents[3] / "matching" / "openapi.json").read_text())
    return set(document["components"]["schemas"]["ReasonIn"]["properties"]["reason_code"]["enum"])


@pytest.mark.parametrize("both_must_accept, said", [
    (False, "Do you accept this mentorship? It starts as soon as your mentee accepts, even before you answer: if you "
            "cannot take it on, decline it."),
    (True, "Do you accept this mentorship? Accept")])
async def test_a_mentor_asked_to_accept_where_the_mentee_s_yes_alone_starts_it_is_told_so_before_answering(
        both_must_accept, said):
    # A mentor answered a proposal that had already started: her mentee had accepted, and the program asked no more.
    services = a_proposal_to_decline([])
    services.answers["GET /v1/programs"][0]["both_must_accept"] = both_must_accept
    async with browser(services, ME) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert said in shown


async def test_a_mentor_declining_is_offered_a_mentors_reasons_only_and_a_mentee_may_also_prefer_another_mentor():
    async with browser(a_proposal_to_decline([]), ME) as page:
        to_mentor = await page.get(f"/mentorships/{PAIRING}")
    async with browser(its_page(a_pairing_of_mine("proposed", mentee_accepted=False)), ME) as page:
        to_mentee = await page.get(f"/mentorships/{PAIRING}")
    mentor, mentee = offered_decline_reasons(to_mentor.text), offered_decline_reasons(to_mentee.text)
    assert "prefer_another_mentor" not in mentor and "I would prefer another mentor" not in to_mentor.text
    assert "prefer_another_mentor" in mentee
    assert {"not_a_good_fit", "schedule_conflict", "other"} <= set(mentor) & set(mentee)
    assert set(mentor) | set(mentee) <= reasons_matching_takes_to_decline() - {"request_withdrawn"}
    # None is chosen for them: a quick decline records no reason they never gave.
    for page in (to_mentor.text, to_mentee.text):
        assert '<select id="decline-reason" name="reason_code"><option value="" selected>Choose one (optional)' in page


@pytest.mark.parametrize("language, said, not_said", [
    ("en", "Meet by the end of the term (January 4, 2027)", "February 2, 2027"),
    ("es", "Reúnanse a más tardar al final del período (4 de enero de 2027)", "2 de febrero de 2027")])
async def test_a_next_meeting_due_after_the_term_ends_is_due_by_the_end_of_the_term_not_after_it(
        language, said, not_said):
    short_term = an_active_term(confirmed_at="2026-12-04T15:00:00+00:00", term_ends_at="2027-01-04T15:00:00+00:00")
    async with browser(its_page(short_term), ME, language=language) as page:
        shown = " ".join((await page.get(f"/mentorships/{PAIRING}")).text.split())
    assert said in shown
    assert not_said not in shown


@pytest.mark.parametrize("language, said", [("en", "Meet again by "), ("es", "Vuelvan a reunirse a más tardar el ")])
async def test_a_next_meeting_is_due_by_its_day_which_still_counts(language, said):
    # "Antes del …" ("before") made the day a meeting is due by a day too early in Spanish.
    recent = an_active_term(confirmed_at="2026-12-04T15:00:00+00:00", term_ends_at="2027-12-04T15:00:00+00:00",
                            last_met_at="2026-12-10")
    async with browser(its_page(recent), ME, language=language) as page:
        shown = " ".join((await page.get(f"/mentorships/{PAIRING}")).text.split())
    assert said in shown
    assert "Antes del" not in shown


# "Next meeting: due by February 5" read as a meeting booked, and as the time to a first talk, which the pairing
# email puts at two weeks: it is the latest the program asks the pair to meet by, and nothing is booked.
async def test_before_their_first_meeting_a_pair_is_told_to_meet_soon_and_by_when_at_the_latest_not_of_a_next_one():
    recent = an_active_term(confirmed_at="2026-12-04T15:00:00+00:00", term_ends_at="2027-12-04T15:00:00+00:00")
    async with browser(its_page(recent), ME) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert "First meeting Not logged yet. A first conversation within two weeks of starting is a good start; " \
           "meet by" in shown
    assert "Next meeting" not in shown


def a_mentor_home(capacity: int, *statuses: str) -> tuple[Services, dict]:
    """A mentor's home: their enrollment taking up to `capacity` mentees, and a pairing of each status with a mentee
    of theirs; the services, and the enrollment."""
    mentoring = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentor", "pairing_kind": "general",
                 "active": True, "capacity": capacity, "approval": "approved", "paused": False, "paused_because": None}
    pairings = [{**a_pairing_of_mine(status), "id": str(uuid4()), "mentee_id": str(uuid4()), "mentor_id": ME,
                 "pairing_kind": "general"} for status in statuses]
    services = a_home_with(mentoring)
    services.answers[f"GET /v1/people/{ME}/overview"] = {"pairings": pairings, "waiting": []}
    return services, mentoring


async def test_a_mentor_in_a_group_program_is_told_they_lead_one_group_of_its_size_not_the_number_they_gave():
    # A mentor who said 1 led a group of 4, while the page said "You can take 1 mentee at once" and "nobody new is
    # proposed to you until they have all ended" as a fifth came: matching gives each mentor one group there.
    services, mentoring = a_mentor_home(1, "active", "active", "active", "active")
    services.answers["GET /v1/programs"][0].update(format="group", group_size=4)
    async with browser(services, ME) as page:
        html = (await page.get("/")).text
    shown = text_of(html)
    assert "You lead one group of up to 4 mentees. You have 4 mentees right now." in shown
    assert "You can take" not in shown and "nobody new is proposed to you until" not in shown
    assert f'action="/enrollments/{mentoring["id"]}/capacity"' not in html


async def test_a_capped_program_says_so_where_one_joins_it_and_where_one_waits_in_it():
    # The third mentee of a program capped at two read only that no mentor was found yet, while one had room.
    services = a_home_with(A_MENTEE)
    services.answers["GET /v1/programs"][0].update(pair_cap=2)
    services.answers[f"GET /v1/programs/{PROGRAM}/waitlist/{ME}"] = {
        "enrollment_id": A_MENTEE["id"], "program_id": PROGRAM, "pairing_kind": "general", "position": 1,
        "waiting_since": "2026-12-01T10:00:00Z"}
    async with browser(services, ME) as page:
        shown = text_of((await page.get(f"/waitlists/{PROGRAM}")).text)
    assert "Premed circle takes at most 2 mentorships at a time: once they are taken, you wait for a place, even " \
           "if a mentor has room." in shown


async def test_a_mentor_with_no_mentee_yet_is_told_how_mentees_come_to_them_in_that_program():
    services, _ = a_mentor_home(2)
    services.answers["GET /v1/programs"][0].update(pairing_mode="rounds", both_must_accept=True)
    async with browser(services, ME) as page:
        home = " ".join((await page.get("/")).text.split())
    assert "Coordinators pair everyone at once, in rounds. The mentee and the mentor are each asked to accept a " \
           "pair before it starts." in home
    services, _ = a_mentor_home(2, "active")
    services.answers["GET /v1/programs"][0].update(pairing_mode="rounds")
    async with browser(services, ME) as page:
        assert "in rounds" not in (await page.get("/")).text, "once they have a mentee, it is no longer news"


@pytest.mark.parametrize("language, capacity, taken, said", [
    ("en", 1, 0, "You can take 1 mentee at once. You have no mentee right now."),
    ("en", 3, 1, "You can take up to 3 mentees at once. You have 1 mentee right now."),
    ("en", 3, 2, "You can take up to 3 mentees at once. You have 2 mentees right now."),
    ("es", 1, 1, "Puedes acompañar a 1 persona mentorada a la vez. Ahora mismo tienes 1 persona mentorada."),
    ("es", 3, 0, "Puedes acompañar hasta a 3 personas mentoradas a la vez. Ahora mismo no tienes ninguna persona "
                 "mentorada."),
    ("es", 3, 2, "Puedes acompañar hasta a 3 personas mentoradas a la vez. Ahora mismo tienes 2 personas "
                 "mentoradas.")])
async def test_how_many_mentees_a_mentor_has_and_can_take_reads_in_the_singular_or_plural_in_each_language(
        language, capacity, taken, said):
    services, mentoring = a_mentor_home(capacity, *["active"] * taken)
    async with browser(services, ME, language=language) as page:
        home = " ".join((await page.get("/")).text.split())
    assert said in home
    assert "Mentoras a" not in home and "of the 1 mentees" not in home


@pytest.mark.parametrize("language, said", [
    ("en", "You can take up to 2 mentees at once. You have no mentee right now. 2 more mentorships wait for an answer: "
           "they take places until then."),
    ("es", "Ahora mismo no tienes ninguna persona mentorada. 2 mentorías más esperan una respuesta: ocupan lugares "
           "hasta entonces.")])
async def test_a_mentor_with_two_proposals_unanswered_is_told_they_take_places_not_that_they_are_mentees(
        language, said):
    services, _ = a_mentor_home(2, "proposed", "proposed")
    async with browser(services, ME, language=language) as page:
        home = " ".join((await page.get("/")).text.split())
    assert said in home
    assert "You have 2 mentees" not in home and "tienes 2 personas" not in home


@pytest.mark.parametrize("language, capacity, taken, said", [
    ("en", 1, 2, "Your current mentorships continue; nobody new is proposed to you until they have all ended."),
    ("en", 2, 3, "Your current mentorships continue; nobody new is proposed to you until you have fewer than 2 "
                 "mentees."),
    ("es", 1, 2, "Tus mentorías actuales siguen; no se te propone nadie nuevo hasta que hayan terminado todas."),
    ("es", 2, 3, "Tus mentorías actuales siguen; no se te propone nadie nuevo hasta que tengas menos de 2 personas "
                 "mentoradas.")])
async def test_a_mentor_with_more_mentees_than_they_can_take_is_told_these_go_on_and_nobody_new_comes_until_fewer(
        language, capacity, taken, said):
    # Lowered to 1 with 2 mentees, the page said only "You can take 1 mentee at once. You have 2 mentees right now."
    services, mentoring = a_mentor_home(capacity, *["active"] * taken)
    async with browser(services, ME, language=language) as page:
        saved = await page.post(f"/enrollments/{mentoring['id']}/capacity",
                                data={"csrf": CSRF, "capacity": str(capacity)}, follow_redirects=True)
        mentoring["capacity"] = taken  # as many as they can take: nothing more to say
        full = " ".join((await page.get("/")).text.split())
    assert said in " ".join(saved.text.split())
    assert "nobody new is proposed" not in full and "no se te propone nadie" not in full


async def test_a_mentorship_just_begun_whose_partner_profiles_has_not_named_yet_says_the_name_comes_in_a_moment():
    # Accepted last, the page said "Active" and "name shown once you have both accepted", with no way to reach them.
    just_begun = {**a_pairing_of_mine("active"), "mentee_id": MENTEE, "mentor_id": ME}
    services = its_page(just_begun, **{f"GET /v1/people/{MENTEE}/as-partner": httpx.Response(
        404, json={"error": {"code": "not_found", "message": "no"}})})
    async with browser(services, ME) as page:
        shown = " ".join((await page.get(f"/mentorships/{PAIRING}")).text.split())
        fifth = " ".join((await page.get(f"/mentorships/{PAIRING}?naming_look=30")).text.split())
    assert "name shown in a moment: reload the page" in shown and "once the mentorship starts" not in shown
    # It looks again by itself: the mentor who accepted last read "reload the page" while the name was on its way.
    assert (f'hx-get="/mentorships/{PAIRING}?naming_look=1" hx-trigger="load delay:2s" '
            f'hx-select="#pairing-{PAIRING}" hx-swap="outerHTML"') in shown
    assert "hx-get" not in fifth[fifth.index(f'id="pairing-{PAIRING}"'):][:300], "thirty looks, then it stops"


async def test_the_look_that_finds_the_partner_named_loads_the_whole_page_and_one_that_does_not_the_card_alone():
    # Swapping the card alone left the page's heading "Mentorship" and no way to reach the partner until a reload;
    # swapping the whole page at each look lost what was typed in its meeting form.
    just_begun = {**a_pairing_of_mine("active"), "mentee_id": MENTEE, "mentor_id": ME}
    not_yet = its_page(just_begun, **{f"GET /v1/people/{MENTEE}/as-partner": httpx.Response(
        404, json={"error": {"code": "not_found", "message": "no"}})})
    named = its_page(just_begun, **{f"GET /v1/people/{MENTEE}/as-partner": partner(MENTEE, "Aisha Bello")})
    looking = {"hx-request": "true"}
    async with browser(not_yet, ME) as page:
        still = await page.get(f"/mentorships/{PAIRING}?naming_look=3", headers=looking)
    async with browser(named, ME) as page:
        found = await page.get(f"/mentorships/{PAIRING}?naming_look=3", headers=looking)
        opened = await page.get(f"/mentorships/{PAIRING}")
    assert "hx-refresh" not in still.headers and f'id="pairing-{PAIRING}"' in still.text
    assert found.headers.get("hx-refresh") == "true"
    assert "hx-refresh" not in opened.headers and "Aisha Bello" in opened.text


async def test_a_proposal_one_has_accepted_looks_again_by_itself_for_the_others_answer_and_one_to_answer_does_not():
    # The mentor who accepted first, page left open, read "waiting for the other side" after the mentee accepted.
    answered = {**a_pairing_of_mine("proposed", mentee_id=MENTEE, mentor_id=ME, mentor_accepted=True,
                                    mentee_accepted=False)}
    to_answer = {**answered, "mentor_accepted": False}
    async with browser(its_page(answered), ME) as page:
        waiting = (await page.get(f"/mentorships/{PAIRING}")).text
    async with browser(its_page(to_answer), ME) as page:
        asked = (await page.get(f"/mentorships/{PAIRING}")).text
    assert f'hx-get="/mentorships/{PAIRING}?naming_look=1" hx-trigger="load delay:20s"' in waiting
    assert "naming_look" not in asked


@pytest.mark.parametrize("status, role, said", [
    ("requested", "mentee", "name shown once the mentor accepts"),
    ("requested", "mentor", "name shown once you accept"),
    # Not "once you have both accepted": in a program that does not ask both, the mentee's acceptance starts it.
    ("proposed", "mentee", "name shown once the mentorship starts"),
    ("proposed", "mentor", "name shown once the mentorship starts")])
async def test_a_request_names_the_partner_once_the_mentor_accepts_and_a_proposal_once_both_have(status, role, said):
    mine = {"mentee_id": MENTEE, "mentor_id": ME} if role == "mentor" else {}
    waiting = {**a_pairing_of_mine(status, mentee_accepted=status == "requested", mentor_accepted=False), **mine}
    services = its_page(waiting, **{f"GET /v1/people/{MENTEE}/as-partner": httpx.Response(
        404, json={"error": {"code": "not_found", "message": "no"}})})
    async with browser(services, ME) as page:
        shown = " ".join((await page.get(f"/mentorships/{PAIRING}")).text.split())
    assert said in shown
    if status == "requested":
        assert "mentorship starts" not in shown


CHAPTER = str(uuid4())
ANYONE_MAY_MENTOR, FOR_RESIDENTS = str(uuid4()), str(uuid4())


def programs_to_join(*programs: dict) -> Services:
    """The enrolment page's services for an undergraduate in CHAPTER, in no program yet; joining answered as profiles
    does, a mentor of a program that reviews mentors pending."""
    by_id = {p["id"]: p for p in programs}

    def enrolled(sent: httpx.Request) -> httpx.Response:
        body = json.loads(sent.content)
        vetted = body["role"] == "mentor" and by_id[body["program_id"]]["mentor_approval_required"]
        return httpx.Response(201, json={**body, "id": str(uuid4()), "active": True, "pairing_kind": "general",
                                         "approval": "pending" if vetted else "approved"})

    return Services({"GET /v1/programs": list(programs), f"GET /v1/people/{ME}/enrollments": [],
                     "GET /v1/chapters": [{"id": CHAPTER, "name": "Chicago"}, {"id": str(uuid4()), "name": "Austin"}],
                     "POST /v1/enrollments": enrolled})


def a_program(program_id: str, name: str, **changes) -> dict:
    return {"id": program_id, "name": name, "chapter_id": None, "mentee_stages": ["undergraduate"],
            "mentor_stages": ["resident", "attending"], "pairing_mode": "on_registration",
            "mentor_approval_required": False, "term_months": 12, "cadence_min_days": 30, "cadence_max_days": 60,
            "pairing_kinds": ["general"], **changes}


def text_of(html: str) -> str:
    """A page's words, without its markup."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def the_choice_of(html: str, program_id: str) -> str:
    """What the enrolment form says of one program: its radio button's label, and the hint read with it."""
    found = re.search(rf'<label class="choice"><input type="radio" name="program_id" value="{program_id}".*?</label>'
                      r'(\s*<ul[^>]*>.*?</ul>)?', html, re.S)
    assert found, f"{program_id} is not offered"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


async def test_each_program_to_join_says_who_may_join_it_its_chapter_how_pairs_form_and_whether_mentors_are_reviewed():
    premed = a_program(PROGRAM, "Premed circle")
    near_peers = a_program(ANYONE_MAY_MENTOR, "Near peers", chapter_id=CHAPTER, mentee_stages=["high_school"],
                           mentor_stages=["undergraduate", "medical_student_1"], pairing_mode="rounds",
                           mentor_approval_required=True)
    residents = a_program(FOR_RESIDENTS, "Residency road", mentee_stages=["medical_student_4"],
                          mentor_stages=["attending"])
    async with browser(programs_to_join(premed, near_peers, residents), ME, chapter_id=CHAPTER) as page:
        shown = (await page.get("/sign-up/enrol")).text
    first, second = the_choice_of(shown, PROGRAM), the_choice_of(shown, ANYONE_MAY_MENTOR)
    assert "National program" in first and "Chicago" in second and "Austin" not in shown
    assert "Mentees: Undergraduate (pre-med or pre-health)" in first
    assert "Mentors: Resident, Attending physician" in first
    assert "Mentees: High-school student" in second
    assert "Mentors: Undergraduate (pre-med or pre-health), Medical student, year 1" in second
    # Said of mentees: a mentor read that they were paired "when a mentor fits".
    assert "Each mentee is paired with a mentor as soon as one fits, from the day they join." in first
    assert "Coordinators pair everyone at once, in rounds." in second
    assert "A coordinator reviews each mentor before they are proposed to anyone." in second
    assert "coordinator reviews" not in first
    assert "You can join as a mentee." in first and "You can join as a mentor." in second
    assert "Residency road" not in shown, "a program not open to an undergraduate in any role is left out"


async def test_a_program_where_both_sides_accept_says_so_before_joining_and_on_its_page():
    # A mentee read "paired as soon as one fits", then met a proposal to accept within days that nothing had announced.
    both_accept = a_program(PROGRAM, "Premed circle", both_must_accept=True, mentor_approval_required=True)
    starts_at_once = a_program(ANYONE_MAY_MENTOR, "Near peers")
    services = programs_to_join(both_accept, starts_at_once)
    services.answers[f"GET /v1/programs/{PROGRAM}"] = both_accept
    async with browser(services, ME, chapter_id=CHAPTER) as page:
        to_join = (await page.get("/sign-up/enrol")).text
        its_page = text_of((await page.get(f"/programs/{PROGRAM}")).text)
    asked = "The mentee and the mentor are each asked to accept a pair before it starts."
    assert asked in the_choice_of(to_join, PROGRAM)
    assert "asked to accept" not in the_choice_of(to_join, ANYONE_MAY_MENTOR)
    assert ("How pairs are made Each mentee is paired with a mentor as soon as one fits, from the day they join. "
            f"{asked} A coordinator reviews each mentor before they are proposed to anyone.") in its_page


async def test_a_program_of_one_month_says_one_month_and_a_mentee_resting_there_is_led_home_not_to_choose():
    # "Mentorships last 1 months"; and after a mentorship that met its goals, "Choose a mentor" led to a refusal:
    # she rests until she says she is ready, which her home page asks.
    choosing = a_program(PROGRAM, "Premed choose", term_months=1, pairing_mode="mentee_choice")
    services = programs_to_join(choosing)
    services.answers[f"GET /v1/programs/{PROGRAM}"] = choosing
    services.answers[f"GET /v1/people/{ME}/enrollments"] = [
        {**A_MENTEE, "paused": True, "paused_because": "term_completed"}]
    async with browser(services, ME, chapter_id=CHAPTER) as page:
        shown = text_of((await page.get(f"/programs/{PROGRAM}")).text)
        to_join = text_of((await page.get("/sign-up/enrol")).text)
    assert "Mentorships last 1 month;" in shown and "1 months" not in shown + to_join
    assert "Choose a mentor" not in shown
    assert "You are a mentee in this program. No mentor is proposed to you until you say you are ready, on your home " \
           "page." in shown


async def test_a_program_whose_members_other_teams_see_says_so_before_joining_and_one_that_keeps_them_says_who_knows():
    affinity = a_program(PROGRAM, "Pride in Medicine")
    career_day = a_program(ANYONE_MAY_MENTOR, "Career day mentors", members_public=True)
    services = programs_to_join(affinity, career_day)
    services.answers[f"GET /v1/programs/{PROGRAM}"] = affinity
    services.answers[f"GET /v1/programs/{ANYONE_MAY_MENTOR}"] = career_day
    async with browser(services, ME, chapter_id=CHAPTER) as page:
        to_join = (await page.get("/sign-up/enrol")).text
        kept = text_of((await page.get(f"/programs/{PROGRAM}")).text)
        shared = text_of((await page.get(f"/programs/{ANYONE_MAY_MENTOR}")).text)
    # What the public topics carry of such a program (contracts/README.md): ids, stages, pairings and reason codes.
    what_teams_see = ("Teams that work with us see, by a number that is not your name, that you joined this program, "
                      "your stage of training, and whom you are paired with, why, and how it ends; never your name, "
                      "how to reach you, or what you told us about who you are.")
    shared_choice = " ".join(the_choice_of(to_join, ANYONE_MAY_MENTOR).split())
    assert what_teams_see in shared_choice
    # An affinity program's name tells them something of whoever joins it: said by that name.
    assert "The program's name (“Career day mentors”) may tell them something about its members too; the reasons " \
           "they see never include what you told us about who you are." in shared_choice
    assert "Teams that work with us" not in the_choice_of(to_join, PROGRAM)
    assert "Who sees that you take part Its coordinators and the people you are paired with. Nobody outside the " \
           "platform is told." in kept
    assert f"Who sees that you take part Its coordinators and the people you are paired with. {what_teams_see}" \
        in shared and "Nobody outside" not in shared


async def test_a_program_joined_from_its_page_or_an_invitation_is_chosen_already_on_the_form_to_join():
    premed = a_program(PROGRAM, "Premed circle")
    near_peers = a_program(ANYONE_MAY_MENTOR, "Near peers", mentor_stages=["undergraduate"])  # either role, for me
    services = programs_to_join(premed, near_peers)
    services.answers[f"GET /v1/programs/{ANYONE_MAY_MENTOR}"] = near_peers
    async with browser(services, ME, chapter_id=CHAPTER) as page:
        program_page = (await page.get(f"/programs/{ANYONE_MAY_MENTOR}")).text
        invited = (await page.get(f"/sign-up/enrol?program_id={ANYONE_MAY_MENTOR}&role=mentor")).text
        unknown = (await page.get(f"/sign-up/enrol?program_id={uuid4()}&role=chief")).text
    assert f'href="/sign-up/enrol?program_id={ANYONE_MAY_MENTOR}"' in program_page
    assert re.search(rf'name="program_id" value="{ANYONE_MAY_MENTOR}"[^>]*checked', invited)
    assert not re.search(rf'name="program_id" value="{PROGRAM}"[^>]*checked', invited)
    assert re.search(r'name="role" value="mentor"[^>]*checked', invited)
    assert not re.search(r'name="program_id"[^>]*checked', unknown), "one not offered is not chosen"


async def test_a_mentee_with_a_mentorship_in_a_program_is_led_to_it_from_the_programs_page_not_to_a_waitlist():
    pairing, other = str(uuid4()), str(uuid4())
    program = a_program(PROGRAM, "Premed circle", pairing_kinds=["general", "research"])
    enrolled = [{"id": str(uuid4()), "program_id": PROGRAM, "role": "mentee", "active": True, "pairing_kind": kind,
                 "capacity": 1} for kind in ("general", "research")]
    live = {"id": pairing, "program_id": PROGRAM, "mentee_id": ME, "mentor_id": str(uuid4()), "status": "active",
            "pairing_kind": "general"}
    ended = {**live, "id": other, "status": "ended", "pairing_kind": "research"}
    services = Services({f"GET /v1/programs/{PROGRAM}": program, f"GET /v1/people/{ME}/enrollments": enrolled,
                         f"GET /v1/people/{ME}/pairings": [live, ended]})
    async with browser(services, ME) as page:
        shown = (await page.get(f"/programs/{PROGRAM}")).text
    assert f'href="/mentorships/{pairing}"' in shown and f"/mentorships/{other}" not in shown
    assert shown.count(f'href="/waitlists/{PROGRAM}"') == 1, "the kind still waiting keeps its waitlist link"


async def test_no_role_is_chosen_for_a_person_who_may_take_either_and_none_chosen_is_asked_again_next_to_it():
    both = programs_to_join(a_program(PROGRAM, "Premed circle"),
                            a_program(ANYONE_MAY_MENTOR, "Near peers", mentee_stages=["high_school"],
                                      mentor_stages=["undergraduate"]))
    async with browser(both, ME) as page:
        shown = await page.get("/sign-up/enrol")
        refused = await page.post("/sign-up/enrol", data={"csrf": CSRF, "program_id": PROGRAM})
    assert re.findall(r'<input type="radio" name="role"[^>]*>', shown.text)
    assert not [r for r in re.findall(r'<input type="radio" name="role"[^>]*>', shown.text) if "checked" in r]
    assert refused.status_code == 422
    assert "mentee or as a mentor" in error_next_to(refused.text, "role")
    assert re.search(rf'<input type="radio" name="program_id" value="{PROGRAM}"[^>]*checked', refused.text)
    assert not [r for r in both.sent if r.method == "POST"]


async def test_a_role_the_persons_stage_may_not_take_in_the_program_chosen_is_refused_next_to_the_role():
    services = programs_to_join(a_program(PROGRAM, "Premed circle"),
                                a_program(ANYONE_MAY_MENTOR, "Near peers", mentee_stages=["high_school"],
                                          mentor_stages=["undergraduate"]))
    async with browser(services, ME) as page:
        refused = await page.post("/sign-up/enrol", data={"csrf": CSRF, "program_id": PROGRAM, "role": "mentor"})
        no_program = await page.post("/sign-up/enrol", data={"csrf": CSRF, "role": "mentee"})
    assert refused.status_code == 422
    assert error_next_to(refused.text, "role") == ("In Premed circle, people at your stage of training join as a "
                                                   "mentee only.")
    assert no_program.status_code == 422 and error_next_to(no_program.text, "program_id") == "Choose a program."
    assert not [r for r in services.sent if r.method == "POST"]


async def test_a_person_who_may_only_be_a_mentee_is_asked_no_role_and_nothing_only_mentors_answer():
    services = programs_to_join(a_program(PROGRAM, "Premed circle"))
    services.answers[f"GET /v1/people/{ME}"] = {**PERSON, "specialties": ["pediatrics"]}
    async with browser(services, ME) as page:
        shown = await page.get("/sign-up/enrol")
        joined = await page.post("/sign-up/enrol", data={"csrf": CSRF, "program_id": PROGRAM, "role": "mentee",
                                                          "goals": "Applying next year"})
    assert not re.search(r'<input type="radio" name="role"', shown.text)
    assert '<input type="hidden" name="role" value="mentee">' in shown.text
    assert "You join as a mentee: you would like a mentor." in text_of(shown.text)
    assert 'name="capacity"' not in shown.text and "how many mentees" not in shown.text
    assert 'name="goals"' in shown.text
    assert joined.status_code == 303
    assert [json.loads(r.content) for r in services.sent if r.method == "POST"] == [
        {"person_id": ME, "program_id": PROGRAM, "role": "mentee", "goals": "Applying next year"}]


async def test_a_person_who_may_only_be_a_mentor_is_asked_how_many_mentees_and_not_what_a_mentee_hopes_for():
    near_peers = a_program(ANYONE_MAY_MENTOR, "Near peers", mentee_stages=["high_school"],
                           mentor_stages=["undergraduate"])
    async with browser(programs_to_join(near_peers), ME) as page:
        shown = await page.get("/sign-up/enrol")
    assert '<input type="hidden" name="role" value="mentor">' in shown.text
    assert "You join as a mentor: you can guide others." in text_of(shown.text)
    assert 'name="capacity"' in shown.text and 'name="goals"' not in shown.text


@pytest.mark.parametrize("typed", ["0", "11", "two", "2.5"])
async def test_a_mentors_number_of_mentees_outside_one_to_ten_is_refused_next_to_it_and_kept_as_typed(typed):
    near_peers = a_program(ANYONE_MAY_MENTOR, "Near peers", mentee_stages=["high_school"],
                           mentor_stages=["undergraduate"])
    services = programs_to_join(near_peers)
    async with browser(services, ME) as page:
        refused = await page.post("/sign-up/enrol", data={"csrf": CSRF, "program_id": ANYONE_MAY_MENTOR,
                                                          "role": "mentor", "capacity": typed})
    assert refused.status_code == 422
    assert error_next_to(refused.text, "capacity") == "Give how many mentees you can take at once: a whole number from 1 to 10."
    assert re.search(rf'id="capacity"[^>]*value="{re.escape(typed)}"', refused.text)
    assert not [r for r in services.sent if r.method == "POST"]


@pytest.mark.parametrize("language, said", [
    ("en", "A coordinator reviews your offer to mentor first: we will tell you by email once they have."),
    ("es", "Primero, la coordinación revisa tu oferta de mentoría: te avisaremos por correo cuando lo haya hecho.")])
async def test_a_mentor_joining_a_program_that_reviews_mentors_is_told_a_coordinator_reviews_their_offer_first(
        language, said):
    vetting = a_program(ANYONE_MAY_MENTOR, "Near peers", mentee_stages=["high_school"],
                        mentor_stages=["undergraduate"], mentor_approval_required=True)
    services = programs_to_join(vetting)
    services.answers.update({f"GET /v1/people/{ME}/overview": {"pairings": [], "waiting": []},
                             f"GET /v1/people/{ME}/partners": [],
                             f"GET /v1/people/{ME}": {**PERSON, "support_areas": ["research"]}})
    async with browser(services, ME, language=language) as page:
        joined = await page.post("/sign-up/enrol", data={"csrf": CSRF, "program_id": ANYONE_MAY_MENTOR,
                                                          "role": "mentor", "capacity": "2"})
        home = " ".join((await page.get(joined.headers["location"])).text.split())
    assert joined.status_code == 303 and joined.headers["location"] == "/?enrolled=review"
    assert said in home
    assert "as soon as you are paired" not in home and "en cuanto te emparejemos" not in home


async def test_one_who_joins_from_an_invitation_with_no_interests_told_is_asked_for_them_next_then_goes_home():
    # Invited people skip sign-up's steps: their first round was scored without a specialty or a kind of support.
    services = programs_to_join(a_program(PROGRAM, "Premed circle"))
    services.answers.update({f"GET /v1/people/{ME}": PERSON, f"PATCH /v1/people/{ME}": PERSON,
                             f"GET /v1/programs/{PROGRAM}": a_program(PROGRAM, "Premed circle")})
    async with browser(services, ME) as page:
        joined = await page.post("/sign-up/enrol", data={"csrf": CSRF, "program_id": PROGRAM, "role": "mentee"})
        asked = await page.get(joined.headers["location"])
        saved = await page.post("/sign-up/interests", data={"csrf": CSRF, "next": "/", "specialties": ["pediatrics"]})
    # The program named, so that what happens next is said as it pairs (test_truthful_notices.py: the other ways).
    assert joined.status_code == 303 and joined.headers["location"] == (
        f"/sign-up/interests?next=%2F&joined=mentee&program={PROGRAM}")
    shown = text_of(asked.text)
    assert "You have joined the program. We will tell you by email as soon as you are paired." in shown
    assert "Your interests help us propose who fits you best." in shown and "Step " not in shown
    assert saved.status_code == 303 and saved.headers["location"] == "/?done=interests_saved"


async def test_leaving_a_program_as_a_mentor_names_the_mentees_whose_mentorships_end_there_and_no_others():
    mine = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentor", "pairing_kind": "general", "active": True,
            "capacity": 3, "approval": "approved", "paused": False, "paused_because": None}
    maya, sam, elsewhere = str(uuid4()), str(uuid4()), str(uuid4())
    mentoring = {**a_pairing_of_mine("active"), "mentor_id": ME, "pairing_kind": "general"}
    pairings = [{**mentoring, "id": str(uuid4()), "mentee_id": maya},
                {**mentoring, "id": str(uuid4()), "mentee_id": sam},
                {**mentoring, "id": str(uuid4()), "mentee_id": elsewhere, "program_id": str(uuid4())},
                {**mentoring, "id": str(uuid4()), "mentee_id": str(uuid4()), "status": "ended"}]
    services = a_home_with(mine)
    services.answers.update({
        f"GET /v1/people/{ME}/overview": {"pairings": pairings, "waiting": []},
        f"GET /v1/people/{ME}/partners": [partner(maya, "Maya"), partner(sam, "Sam Lee"),
                                           partner(elsewhere, "Noor")]})
    async with browser(services, ME) as page:
        shown = " ".join((await page.get(f"/enrollments/{mine['id']}/leave")).text.split())
    assert "Your mentorships with these mentees end, and they are told: Maya, Sam Lee." in shown
    assert "Noor" not in shown


async def test_leaving_a_program_as_a_mentee_names_the_mentor_whose_mentorship_ends():
    mine = {**A_MENTEE, "id": str(uuid4())}
    services = a_home_with(mine)
    services.answers.update({
        f"GET /v1/people/{ME}/overview": {"pairings": [a_pairing_of_mine("active", pairing_kind="general")],
                                           "waiting": []},
        f"GET /v1/people/{ME}/partners": [partner(MENTOR, "Dr Rivera")]})
    async with browser(services, ME, language="es") as page:
        shown = " ".join((await page.get(f"/enrollments/{mine['id']}/leave")).text.split())
    assert "Tu mentoría con tu persona mentora, Dr Rivera, termina, y se le avisa." in shown


async def test_an_unsubscribe_link_asks_first_names_the_emails_as_the_settings_do_then_stops_them_without_signing_in():
    services = Services({"GET /v1/unsubscribe/link": {"category": "mentorship_nudges", "opted_out": False},
                         "POST /v1/unsubscribe": {"category": "mentorship_nudges", "opted_out": True}})
    async with browser(services) as page:  # the link is enough: no session, no page token
        asking = await page.get("/unsubscribe?token=the.signed-token")
        assert not [r for r in services.sent if r.method == "POST"], "a GET changes nothing: mail scanners follow links"
        done = await page.post("/unsubscribe", data={"token": "the.signed-token"})
        one_click = await page.post("/unsubscribe?token=the.signed-token", content="List-Unsubscribe=One-Click",
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert asking.status_code == 200 and "Reminders about your mentorships" in asking.text
    # Asked, not said done: it read "You will no longer get emails of this kind" before anything was pressed.
    assert "Nothing changes until you do." in asking.text
    assert re.search(r'<form method="post" action="/unsubscribe">', asking.text)
    assert 'name="token" value="the.signed-token"' in asking.text
    assert done.status_code == one_click.status_code == 200
    assert "Reminders about your mentorships" in done.text and 'href="/settings/notifications"' in done.text
    posted = [r for r in services.sent if r.method == "POST"]
    assert [(r.url.path, r.url.params["token"]) for r in posted] == [("/v1/unsubscribe", "the.signed-token")] * 2


async def test_an_unsubscribe_link_speaks_the_language_its_reader_reads_their_emails_in_unless_they_chose_another():
    # A Spanish reader's link opened a page in English: the browser's language, not theirs.
    link = {"category": "mentorship_nudges", "opted_out": False, "language": "es"}
    services = Services({"GET /v1/unsubscribe/link": link, "POST /v1/unsubscribe": {**link, "opted_out": True}})
    async with browser(services) as page:
        asking = await page.get("/unsubscribe?token=the.signed-token")
        done = await page.post("/unsubscribe", data={"token": "the.signed-token"})
        await page.post("/language", data={"language": "en", "back": "/unsubscribe?token=the.signed-token",
                                           "csrf": re.search(r'name="csrf" value="([^"]+)"', asking.text).group(1)})
        chosen = await page.get("/unsubscribe?token=the.signed-token")
    assert '<html lang="es">' in asking.text and "Recordatorios de tus mentorías" in asking.text
    assert '<html lang="es">' in done.text
    assert '<html lang="en">' in chosen.text  # the language switch still decides


async def test_an_unsubscribe_link_that_no_longer_works_or_was_used_already_says_so():
    gone = httpx.Response(404, json={"error": {"code": "not_found", "message": "this link no longer works"}})
    async with browser(Services({"GET /v1/unsubscribe/link": gone, "POST /v1/unsubscribe": gone})) as page:
        asking = await page.get("/unsubscribe?token=an-old-token")
        done = await page.post("/unsubscribe", data={"token": "an-old-token"})
    already = Services({"GET /v1/unsubscribe/link": {"category": "waitlist", "opted_out": True}})
    async with browser(already) as page:
        again = await page.get("/unsubscribe?token=the.signed-token")
    assert asking.status_code == done.status_code == 404 and "no longer works" in asking.text + done.text
    assert again.status_code == 200 and "Waiting for a mentor in a program" in again.text
    assert 'action="/unsubscribe"' not in again.text  # nothing left to stop


async def test_a_sign_in_link_names_the_address_it_signs_in_and_warns_a_browser_signed_in_as_another_account():
    """A link someone else asked for and sent on ("join us") must not quietly swap whose account this browser is."""
    links, secret = FakeLinks(), "a-link-mallory-asked-for-and-sent-on"
    await links.add(SignInLink(digest(secret), "mallory@example.org", datetime.now(UTC) + timedelta(minutes=10)))
    mine, my_secret = FakeLinks(), "my-own-link"
    await mine.add(SignInLink(digest(my_secret), "ana@example.org", datetime.now(UTC) + timedelta(minutes=10),
                              person_id=UUID(ME)))
    async with browser(Services(), links=links) as page:
        fresh = await page.get(f"/sign-in/{secret}")
    async with browser(Services(), ME, links=links) as page:
        switching = await page.get(f"/sign-in/{secret}")
    async with browser(Services(), ME, links=mine) as page:
        again = await page.get(f"/sign-in/{my_secret}")
    for answer in (fresh, switching):
        assert "mallory@example.org" in answer.text
    assert "another account" not in fresh.text + again.text
    assert "This browser is signed in with another account" in switching.text


@pytest.mark.parametrize("concerns_email, said", [
    ("national@example.org", "If you think this is a mistake, write to national@example.org."),
    (None, "If you think this is a mistake, write to the coordinator of your chapter.")])
async def test_a_suspended_person_following_a_link_is_told_whom_to_write_to(concerns_email, said):
    # Someone in national programs alone was told to write to the coordinator of a chapter they do not have.
    links, secret = FakeLinks(), "a-link-to-a-suspended-account"
    await links.add(SignInLink(digest(secret), "sam@example.org", datetime.now(UTC) + timedelta(minutes=10)))
    services = Services({"POST /v1/people/lookup": {"id": ME, "suspended": True}})
    async with browser(services, links=links, concerns_email=concerns_email) as page:
        asked = await page.get(f"/sign-in/{secret}")
        token = re.search(r'name="csrf" value="([^"]+)"', asked.text).group(1)
        refused = await page.post(f"/sign-in/{secret}", data={"csrf": token})
    assert refused.status_code == 403
    assert said in text_of(refused.text)


async def test_signing_up_says_which_address_the_account_is_for():
    async with browser(Services({"GET /v1/chapters": []}), newcomer=True) as page:
        about = await page.get("/sign-up")
    assert f"You are signing up as {NEWCOMER_EMAIL}" in about.text


def another_device(sessions: FakeSessions, person_id: str) -> str:
    """A session of `person_id` in another browser; its digest."""
    session = Session(digest(uuid4().hex), "its-token", datetime.now(UTC) + timedelta(hours=1), person_id=UUID(person_id))
    sessions.rows[session.digest] = session
    return session.digest


async def test_a_confirmed_change_of_email_address_signs_the_account_out_everywhere_else():
    sessions = FakeSessions()
    elsewhere, someone_else = another_device(sessions, ME), another_device(sessions, str(uuid4()))
    services = Services({"POST /v1/email-changes/confirm": {**PERSON, "email": "ana.new@example.org"}})
    async with browser(services, ME, sessions=sessions) as page:
        confirmed = await page.post("/account/email/confirm", data={"csrf": CSRF, "token": "the-emailed-token"})
        still_here = await page.get("/account/email/confirm?token=x")
    assert confirmed.status_code == 200 and "ana.new@example.org" in confirmed.text
    assert elsewhere not in sessions.rows and someone_else in sessions.rows
    assert 'action="/sign-out"' in still_here.text  # this browser stays signed in


async def test_a_person_signs_out_on_every_other_device_from_their_data_page():
    sessions = FakeSessions()
    elsewhere, someone_else = another_device(sessions, ME), another_device(sessions, str(uuid4()))
    async with browser(Services(my_data()), ME, sessions=sessions) as page:
        offered = await page.get("/my-data")
        done = await page.post("/sign-out/elsewhere", data={"csrf": CSRF})
        shown = await page.get(done.headers["location"])
    assert 'action="/sign-out/elsewhere"' in offered.text
    assert done.status_code == 303 and done.headers["location"] == "/my-data?done=signed_out_elsewhere"
    assert "You are signed out on every other device." in shown.text
    assert elsewhere not in sessions.rows and someone_else in sessions.rows and len(sessions.rows) == 2


async def test_a_page_visited_keeps_its_session_signed_in_and_its_cookie_lasting_as_long():
    async with browser(Services(my_data()), ME) as page:  # a session with an hour left: renewed at once
        first = await page.get("/my-data")
        second = await page.get("/my-data")
    [renewed] = [c for c in first.headers.get_list("set-cookie") if c.startswith("__Host-session=")]
    assert "Max-Age=1209600" in renewed  # fourteen days from now
    assert not [c for c in second.headers.get_list("set-cookie") if c.startswith("__Host-session=")]


async def test_the_web_app_serves_no_api_documents_to_anyone():
    async with browser(Services()) as page:
        for path in ("/openapi.json", "/docs", "/redoc"):
            assert (await page.get(path)).status_code == 404, path


def an_event(**changes) -> tuple[Services, dict]:
    """The full event, changed; the services answering it, and no registration of mine."""
    event = {**a_full_event()[f"GET /v1/events/{EVENT}"], "full": False, **changes}
    return Services({f"GET /v1/events/{EVENT}": event, "GET /v1/registrations/mine": []}), event


async def test_a_chapter_events_page_gives_its_organizers_address_to_write_to():
    chapter = str(uuid4())
    services, _ = an_event(chapter_id=chapter)
    services.answers["GET /v1/chapters"] = [{"id": chapter, "name": "Demo", "contact_email": "demo@chapter.example"}]
    async with browser(services, ME) as page:
        shown = (await page.get(f"/events/{EVENT}")).text
    assert 'Write to its organizers: <a href="mailto:demo@chapter.example">demo@chapter.example</a>' in shown


async def test_a_conferences_page_lists_its_sessions_each_linking_to_its_own_page_and_a_session_names_its_conference():
    session_id = str(uuid4())
    services, conference = an_event(kind="conference", title="National conference")
    session = {**conference, "id": session_id, "kind": "conference_session", "title": "Applying while LGBTQ+",
               "parent_event_id": EVENT}
    services.answers["GET /v1/events"] = [session]
    services.answers[f"GET /v1/events/{session_id}"] = session
    async with browser(services, ME) as page:
        shown = (await page.get(f"/events/{EVENT}")).text
        its_page = (await page.get(f"/events/{session_id}")).text
    listed = shown.split("<h2>Its sessions</h2>")[1]
    assert f'<a href="/events/{session_id}">Applying while LGBTQ+</a>' in listed
    [asked] = [r for r in services.sent if r.url.path == "/v1/events"]
    assert asked.url.params["parent_event_id"] == EVENT
    assert f'A session of <a href="/events/{EVENT}">National conference</a>' in its_page


def my_seat_at(event: dict, status: str = "confirmed") -> Services:
    mine = {"id": str(uuid4()), "scheduled_event_id": EVENT, "person_id": ME, "status": status, "attended": None,
            "created_at": None, "event": event, "waitlist_position": 2 if status == "waitlisted" else None}
    return Services({f"GET /v1/events/{EVENT}": event, "GET /v1/registrations/mine": [mine]})


@pytest.mark.parametrize("language, said", [
    ("en", "(a calendar file; your calendar shows it as “An event you registered for”, so that its name is not shown "
           "on your lock screen)"),
    ("es", "(un archivo de calendario; tu calendario lo muestra como «Un evento en el que te inscribiste», para que "
           "su nombre no se vea en tu pantalla de bloqueo)")])
async def test_a_private_events_calendar_file_says_how_the_calendar_will_title_it_before_it_is_added(language, said):
    private = my_seat_at(an_event(attendees_public=False)[1])
    public, _ = an_event(attendees_public=True)
    async with browser(private, ME, language=language) as page:
        kept = " ".join((await page.get(f"/events/{EVENT}")).text.split())
    async with browser(public, ME, language=language) as page:
        named = " ".join((await page.get(f"/events/{EVENT}")).text.split())
    assert said in kept and said not in named


async def test_a_private_events_calendar_file_is_offered_only_to_those_registered_for_it():
    # Its file is titled "An event you registered for": offered before registering, it said what was not so.
    unregistered, event = an_event(attendees_public=False)
    async with browser(unregistered, ME) as page:
        before = (await page.get(f"/events/{EVENT}")).text
    async with browser(Services(unregistered.answers)) as page:
        signed_out = (await page.get(f"/events/{EVENT}")).text
    assert "calendar.ics" not in before and "calendar.ics" not in signed_out
    async with browser(my_seat_at(event, "confirmed"), ME) as page:
        registered = (await page.get(f"/events/{EVENT}")).text
    assert f'href="/events/{EVENT}/calendar.ics"' in registered  # with a seat (`test_event_calendar_for_seats`)


async def test_registering_for_a_private_event_offers_its_calendar_file_in_the_part_of_the_page_it_replaces():
    _, event = an_event(attendees_public=False)
    services = my_seat_at(event)
    services.answers[f"POST /v1/events/{EVENT}/registrations"] = services.answers["GET /v1/registrations/mine"][0]
    async with browser(services, ME) as page:
        swapped = await page.post(f"/events/{EVENT}/register", data={"csrf": CSRF}, headers={"HX-Request": "true"})
    assert f'href="/events/{EVENT}/calendar.ics"' in swapped.text


async def test_a_public_events_calendar_file_is_offered_to_anyone_who_may_read_its_page():
    services, _ = an_event(attendees_public=True)
    async with browser(services, ME) as page:
        signed_in = (await page.get(f"/events/{EVENT}")).text
    async with browser(Services(services.answers)) as page:
        signed_out = (await page.get(f"/events/{EVENT}")).text
    for text in (signed_in, signed_out):
        assert f'href="/events/{EVENT}/calendar.ics"' in text


async def test_an_event_whose_registration_has_closed_says_so_and_offers_no_register_button():
    ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    services, _ = an_event(registration_deadline=ago)
    async with browser(services, ME) as page:
        shown = await page.get(f"/events/{EVENT}")
    assert "Registration for this event has closed." in shown.text
    assert f'action="/events/{EVENT}/register"' not in shown.text


async def test_an_event_that_is_over_offers_its_registrants_nothing_to_cancel():
    over = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    _, event = an_event(starts_at=(datetime.now(UTC) - timedelta(hours=3)).isoformat(), ends_at=over,
                        registration_deadline=(datetime.now(UTC) - timedelta(days=1)).isoformat())
    async with browser(my_seat_at(event), ME) as page:
        seated = await page.get(f"/events/{EVENT}")
    async with browser(my_seat_at({**event, "state": "completed"}, "waitlisted"), ME) as page:
        waited = await page.get(f"/events/{EVENT}")
    for shown in (seated, waited):
        assert "This event is over." in shown.text and f'action="/events/{EVENT}/cancel"' not in shown.text


async def test_an_event_whose_organisers_share_who_registers_says_so_before_and_after_registering():
    services, event = an_event(attendees_public=True)
    async with browser(services, ME) as page:
        before = await page.get(f"/events/{EVENT}")
    async with browser(my_seat_at(event), ME) as page:
        after = await page.get(f"/events/{EVENT}")
    kept, _ = an_event()
    async with browser(kept, ME) as page:
        private = await page.get(f"/events/{EVENT}")
    # What the public topic carries (events.registrations): a person's id, their registration and attendance.
    said = ("Teams that work with us (a career fair's exhibitors, say) see that you registered and whether you came, "
            "by a number that is not your name; never your name or how to reach you.")
    assert said in text_of(before.text) and said in text_of(after.text) and "Teams that work" not in private.text


async def test_a_place_on_the_waitlist_says_what_it_means_and_that_there_is_nothing_to_do_meanwhile():
    _, event = an_event(full=True)
    async with browser(my_seat_at(event, "waitlisted"), ME) as page:
        shown = text_of((await page.get(f"/events/{EVENT}")).text)
    assert "You have no seat yet. A seat that comes free before the event starts goes to the first in line, who is " \
           "emailed: nothing to do meanwhile." in shown


async def test_once_an_event_has_begun_a_place_on_its_waitlist_says_a_seat_is_given_only_at_the_door():
    # "Nothing to do meanwhile" stayed after the start, when nobody is promoted by themselves any more.
    starts = datetime.now(UTC) - timedelta(minutes=10)
    _, event = an_event(full=True, starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat())
    async with browser(my_seat_at(event, "waitlisted"), ME) as page:
        shown = text_of((await page.get(f"/events/{EVENT}")).text)
    assert "It has begun, and you have no seat: a seat that comes free now is given only at the door, by its " \
           "organizers. If you are there, ask them." in shown
    assert "nothing to do meanwhile" not in shown


async def test_joining_a_full_event_s_waitlist_is_said_as_a_plain_notice_not_as_a_success():
    _, event = an_event(full=True)
    async with browser(my_seat_at(event, "waitlisted"), ME) as page:
        html = (await page.get(f"/events/{EVENT}?done=waitlisted")).text
    assert '<div class="notice"><p>The event is full: you are number 2 on the waitlist.</p></div>' in html


async def test_a_registrant_checked_in_is_told_their_seat_is_kept_and_offered_no_cancel_events_would_refuse():
    _, event = an_event()
    services = my_seat_at(event)
    services.answers["GET /v1/registrations/mine"][0]["checked_in_at"] = datetime.now(UTC).isoformat()
    refused = httpx.Response(409, json={"error": {"code": "already_checked_in", "message": "no",
                                                  "field": "checked_in_at"}})
    services.answers[f"DELETE /v1/events/{EVENT}/registrations/{ME}"] = refused
    async with browser(services, ME) as page:
        shown = (await page.get(f"/events/{EVENT}")).text
        cancelled = await page.post(f"/events/{EVENT}/cancel", data={"csrf": CSRF, "confirm": "yes"})
    assert "You are checked in: your seat is kept." in text_of(shown) and "Cancel my registration" not in shown
    assert "You are checked in: your seat is kept, and it cannot be cancelled now." in text_of(cancelled.text)


async def test_one_an_organizer_took_off_an_event_reads_so_on_its_page_with_the_reason_they_were_emailed():
    # Their page said only "Registration for this event has closed."
    ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    _, event = an_event(registration_deadline=ago)
    services = my_seat_at(event)
    services.answers["GET /v1/registrations/mine"][0].update(status="cancelled", removed=True,
                                                             removal_reason="Please register for the May session.")
    async with browser(services, ME) as page:
        shown = text_of((await page.get(f"/events/{EVENT}")).text)
    assert "Its organizers took you off this event's list. They said why: Please register for the May session." \
        in shown
    assert "Registration for this event has closed." not in shown and "Cancel my registration" not in shown


async def test_a_place_on_the_waitlist_is_left_with_a_button_saying_so():
    _, event = an_event(full=True)
    async with browser(my_seat_at(event, "waitlisted"), ME) as page:
        shown = await page.get(f"/events/{EVENT}")
    assert ">Leave the waitlist</button>" in shown.text and "Cancel my registration" not in shown.text


async def test_a_name_profiles_refuses_for_a_link_or_markup_is_refused_next_to_it_keeping_what_was_typed():
    refused = httpx.Response(422, json={"error": {
        "code": "invalid_request", "field": "display_name",
        "message": "display_name: Value error, a name holds no link, email address or markup: it shows to others",
        "errors": [{"field": "display_name", "message": "Value error, a name holds no link, email address or "
                                                        "markup: it shows to others"}]}})
    services = Services({"GET /v1/chapters": [], "POST /v1/people": refused})
    async with browser(services, newcomer=True) as page:
        answer = await page.post("/sign-up", data={
            "csrf": CSRF, "display_name": "Ana, verify at www.evil.example", "stage": "undergraduate",
            "timezone": "America/Chicago", "language": "en", "languages": "en"})
    assert answer.status_code == 422
    assert "link" in error_next_to(answer.text, "display_name")
    assert 'value="Ana, verify at www.evil.example"' in answer.text


async def test_an_events_description_keeps_its_paragraphs_and_lines():
    services, _ = an_event(description="Bring your CV.\n\nBooths open at 6 PM;\nthe talks start at 7.")
    async with browser(services, ME) as page:
        shown = await page.get(f"/events/{EVENT}")
    assert "<p>Bring your CV.</p>" in shown.text and "<p>Booths open at 6 PM;<br>the talks start at 7.</p>" in shown.text


async def test_a_message_from_an_event_s_organisers_keeps_the_line_breaks_they_wrote():
    notification = str(uuid4())
    message = {"id": notification, "kind": "organiser_message", "subject": "A message about Suturing",
               "paragraphs": ["The organizers of Suturing wrote to you:", "Room 4, same floor.\nBring photo ID."],
               "bullets": [], "details": [], "action": None, "read": False, "created_at": "2026-12-08T15:00:00+00:00"}
    services = Services({f"GET /v1/people/{ME}/inbox/{notification}": message,
                         f"POST /v1/people/{ME}/inbox/{notification}/read": httpx.Response(204)})
    async with browser(services, ME) as page:
        shown = await page.get(f"/inbox/{notification}")
    assert shown.status_code == 200
    assert '<p class="said">Room 4, same floor.\nBring photo ID.</p>' in shown.text


async def test_the_profile_of_one_who_never_chose_languages_offers_the_one_they_read_in_ticked():
    # Invited people have none: saving their details was refused until they ticked one they had never been shown.
    services = Services({f"GET /v1/people/{ME}": {**PERSON, "languages": [], "preferred_language": "es"},
                         "GET /v1/chapters": []})
    async with browser(services, ME) as page:
        shown = (await page.get("/profile")).text
    assert re.search(r'name="languages" value="es"[^>]*checked', shown)
    assert not re.search(r'name="languages" value="en"[^>]*checked', shown)


async def test_signing_up_with_no_language_to_meet_in_is_refused_next_to_the_question():
    services = Services({"GET /v1/chapters": [], "POST /v1/people": PERSON})
    async with browser(services, newcomer=True) as page:
        answer = await page.post("/sign-up", data={"csrf": CSRF, "display_name": "Jordan", "stage": "undergraduate",
                                                   "timezone": "America/Chicago", "language": "en"})
    assert answer.status_code == 422
    assert re.search(r'<fieldset aria-describedby="languages-error">', answer.text)
    assert "Choose at least one language you can meet in." in answer.text and 'href="#languages"' in answer.text
    assert not [r for r in services.sent if r.method == "POST"]


# Pronouns can say what someone has not told everyone: who sees them was chosen for the person ("my coordinators and
# my mentor"), and a rushed sign-up sent them to a mentor's pages and emails unasked.
async def test_sign_up_chooses_nobody_to_see_pronouns_and_refuses_pronouns_given_without_saying_who_sees_them():
    services = Services({"GET /v1/chapters": [], "POST /v1/people": PERSON})
    async with browser(services, newcomer=True) as page:
        form = (await page.get("/sign-up")).text
        answer = await page.post("/sign-up", data={"csrf": CSRF, "display_name": "Rio", "pronouns": "they/them",
                                                   "stage": "undergraduate", "timezone": "America/Chicago",
                                                   "language": "en", "languages": "en"})
    assert 'name="pronouns_visibility"' in form and not re.search(r'name="pronouns_visibility"[^>]*checked', form)
    assert "in the emails we send them" in form
    assert answer.status_code == 422
    assert re.search(r'<fieldset aria-describedby="pronouns_visibility-hint pronouns_visibility-error">', answer.text)
    assert "Choose who sees your pronouns." in answer.text and 'href="#pronouns_visibility"' in answer.text
    assert 'value="they/them"' in answer.text
    assert not [r for r in services.sent if r.method == "POST"]


async def test_signing_up_without_pronouns_asks_nobody_to_choose_who_sees_them():
    services = Services({"GET /v1/chapters": [], "POST /v1/people": PERSON,
                         f"GET /v1/people/{ME}/identity": NOTHING_DECLARED})
    async with browser(services, newcomer=True) as page:
        answer = await page.post("/sign-up", data={"csrf": CSRF, "display_name": "Rio", "stage": "undergraduate",
                                                   "timezone": "America/Chicago", "language": "en", "languages": "en"})
    assert answer.status_code == 303
    [created] = [json.loads(r.content) for r in services.sent if r.method == "POST" and r.url.path == "/v1/people"]
    assert "pronouns_visibility" not in created


async def test_the_profile_of_one_without_pronouns_has_nobody_chosen_to_see_them_and_one_with_keeps_their_choice():
    services = Services({f"GET /v1/people/{ME}": PERSON, "GET /v1/chapters": []})
    async with browser(services, ME) as page:
        without = (await page.get("/profile")).text
        services.answers[f"GET /v1/people/{ME}"] = {**PERSON, "pronouns": "she/her", "pronouns_visibility": "only_me"}
        with_them = (await page.get("/profile")).text
    assert not re.search(r'name="pronouns_visibility"[^>]*checked', without)
    assert re.search(r'name="pronouns_visibility" value="only_me"[^>]*checked', with_them)


async def test_marking_a_message_read_comes_back_to_the_inbox_saying_so():
    notification = str(uuid4())
    services = Services({f"POST /v1/people/{ME}/inbox/{notification}/read": httpx.Response(204),
                         f"GET /v1/people/{ME}/inbox": {"items": [], "unread": 0}})
    async with browser(services, ME) as page:
        marked = await page.post(f"/inbox/{notification}/read", data={"csrf": CSRF})
        back = await page.get(marked.headers["location"])
    assert marked.status_code == 303
    assert 'role="status" id="done-notice" data-focus' in back.text and "Marked as read." in back.text


async def test_marking_read_a_message_that_is_not_yours_is_not_found_not_said_to_have_worked():
    notification = str(uuid4())
    services = Services({f"POST /v1/people/{ME}/inbox/{notification}/read": httpx.Response(404, json={
        "error": {"code": "notification_not_found", "message": "no such notification"}})})
    async with browser(services, ME) as page:
        marked = await page.post(f"/inbox/{notification}/read", data={"csrf": CSRF})
    assert marked.status_code == 404
    assert "Marked as read" not in marked.text and "marked_read" not in marked.headers.get("location", "")


# Notifications learns a language switched on the site from profiles' event, later: until then it said the inbox in
# the language the reader had left. The page asks for its own.
async def test_the_inbox_and_a_message_are_asked_of_notifications_in_the_language_the_page_is_read_in():
    notification = str(uuid4())
    message = {"id": notification, "subject": "Ya tienes una mentoría con Ana Reyes", "paragraphs": [],
               "bullets": [], "details": [], "action": None}
    services = Services({f"GET /v1/people/{ME}/inbox": {"items": [], "unread": 0},
                         f"GET /v1/people/{ME}/inbox/{notification}": message,
                         f"POST /v1/people/{ME}/inbox/{notification}/read": httpx.Response(204)})
    async with browser(services, ME, language="es") as page:
        listed = await page.get("/inbox")
        opened = await page.get(f"/inbox/{notification}")
    assert listed.status_code == opened.status_code == 200
    asked = [r for r in services.sent if r.method == "GET" and "/inbox" in r.url.path]
    assert [r.url.path for r in asked] == [f"/v1/people/{ME}/inbox", f"/v1/people/{ME}/inbox/{notification}"]
    assert all(r.url.params.get("language") == "es" for r in asked)


# The browser's maxlength is no guarantee (an old browser, a script, a paste through an extension): text over a
# limit was saved cut at the limit, with "saved". It is refused next to its field, with what was typed kept.
async def test_a_name_or_pronouns_over_their_limits_are_refused_next_to_them_kept_as_typed_not_cut():
    services = Services({"GET /v1/chapters": [], "POST /v1/people": PERSON})
    name, pronouns = "Ana " + "María " * 40, "she/ella/" * 6
    async with browser(services, newcomer=True) as page:
        answer = await page.post("/sign-up", data={
            "csrf": CSRF, "display_name": name, "pronouns": pronouns, "stage": "undergraduate",
            "timezone": "America/Chicago", "language": "en"})
    assert answer.status_code == 422
    assert error_next_to(answer.text, "display_name") == "Your name: at most 200 characters (now 243)."
    assert error_next_to(answer.text, "pronouns") == "Your pronouns: at most 50 characters (now 54)."
    assert f'value="{name.strip()}"' in answer.text and f'value="{pronouns}"' in answer.text
    assert not [r for r in services.sent if r.method == "POST"]


async def test_a_bio_over_2000_characters_is_refused_next_to_it_kept_as_typed_not_cut():
    services = Services({f"PATCH /v1/people/{ME}": PERSON})
    bio = "I want to be a surgeon. " * 90
    async with browser(services, ME) as page:
        answer = await page.post("/sign-up/interests", data={"csrf": CSRF, "specialties": ["cardiology"], "bio": bio})
    assert answer.status_code == 422
    assert error_next_to(answer.text, "bio") == "A few words about you: at most 2,000 characters (now 2,159)."
    assert bio.strip() + "</textarea>" in answer.text
    assert re.search(r'value="cardiology"[^>]*checked', answer.text)
    assert not [r for r in services.sent if r.method == "PATCH"]


async def test_what_a_mentee_hopes_for_over_2000_characters_is_refused_next_to_it_kept_as_typed_not_cut():
    services = programs_to_join(a_program(PROGRAM, "Premed circle"))
    goals = "Applying next year. " * 101
    async with browser(services, ME) as page:
        answer = await page.post("/sign-up/enrol", data={"csrf": CSRF, "program_id": PROGRAM, "role": "mentee",
                                                         "goals": goals})
    assert answer.status_code == 422
    assert error_next_to(answer.text, "goals") == "What you hope for: at most 2,000 characters (now 2,019)."
    assert goals.strip() + "</textarea>" in answer.text
    assert not [r for r in services.sent if r.method == "POST"]


async def test_an_office_hours_place_over_300_characters_is_refused_next_to_it_kept_as_typed_not_cut():
    services = Services({f"GET /v1/people/{ME}/office-hours/slots": [], "GET /v1/office-hours/slots": [],
                         **mentoring(ME), "POST /v1/office-hours/slots": {}})
    place = "Room 4, " * 40
    async with browser(services, ME) as page:
        answer = await page.post("/my-office-hours", data={
            "csrf": CSRF, "day": "2030-01-10", "time": "10:15", "minutes": "45", "where": "in_person",
            "location": place})
    assert answer.status_code == 422
    assert error_next_to(answer.text, "location") == "The place: at most 300 characters (now 319)."
    assert f'value="{place.strip()}"' in answer.text
    assert not [r for r in services.sent if r.method == "POST"]


async def test_an_office_hour_on_a_day_that_has_passed_is_refused_next_to_the_day_not_the_time():
    services = Services({f"GET /v1/people/{ME}/office-hours/slots": [], "GET /v1/office-hours/slots": [],
                         **mentoring(ME), "POST /v1/office-hours/slots": {}})
    async with browser(services, ME) as page:
        answer = await page.post("/my-office-hours", data={
            "csrf": CSRF, "day": "2020-03-02", "time": "10:15", "minutes": "45", "where": "online"})
    assert answer.status_code == 422
    assert error_next_to(answer.text, "day") == "Choose a day that has not passed yet."
    assert 'id="time-error"' not in answer.text
    assert not [r for r in services.sent if r.method == "POST"]


@pytest.mark.parametrize(("language", "chicago", "kolkata", "honolulu"), [
    ("en", "Central Time, Chicago", "India Time, Kolkata", "Hawaii Time, Honolulu"),
    ("es", "hora central, Chicago", "hora de India, Calcuta", "hora estándar de Hawái y Aleutianas, Honolulú")])
async def test_time_zones_are_named_in_the_readers_words_not_by_their_database_names(language, chicago, kolkata,
                                                                                     honolulu):
    # "America/Argentina/Buenos Aires" and "Asia/Kolkata" were shown as they are kept; Honolulu, which has no
    # generic name (it never changes its clocks), as "United States (Honolulu) Time".
    services = Services({f"GET /v1/people/{ME}": PERSON, "GET /v1/chapters": []})
    async with browser(services, ME, language=language) as page:
        shown = await page.get("/profile")
    options = shown.text.split('id="timezone"')[1].split("</select>")[0]

    def alone(name: str) -> str:  # an option of a list starts with a capital ("Hora central, Chicago")
        return name[:1].upper() + name[1:]
    assert f'<option value="America/Chicago" selected>{alone(chicago)}</option>' in options
    assert f'<option value="Asia/Kolkata" >{alone(kolkata)}</option>' in options
    assert f'<option value="Pacific/Honolulu" >{alone(honolulu)}</option>' in options
    assert re.findall(r">([^<]*[/_][^<]*)<", options) == []
    assert f"({chicago})." in " ".join(shown.text.split())  # the note on times, at the foot of every page


@pytest.mark.parametrize(("language", "names"), [
    ("en", {"Pacific/Guam": "Chamorro Standard Time, Guam", "Pacific/Saipan": "Northern Mariana Islands Time, Saipan",
            "Pacific/Pago_Pago": "American Samoa Time, Pago Pago", "America/Puerto_Rico": "Atlantic Time, Puerto Rico",
            "America/St_Thomas": "Atlantic Time, St. Thomas"}),
    ("es", {"Pacific/Guam": "Hora estándar de Chamorro, Guam",
            "Pacific/Saipan": "Hora de Islas Marianas del Norte, Saipán",
            "Pacific/Pago_Pago": "Hora de Samoa Americana, Pago Pago",
            "America/Puerto_Rico": "Hora del Atlántico, Puerto Rico",
            "America/St_Thomas": "Hora del Atlántico, St. Thomas"})], ids=["en", "es"])
async def test_the_time_zones_of_the_us_territories_are_offered_by_the_names_people_know_them_by(language, names):
    # A student in Guam found no zone of theirs: Chamorro Standard Time was not in the list.
    services = Services({f"GET /v1/people/{ME}": PERSON, "GET /v1/chapters": []})
    async with browser(services, ME, language=language) as page:
        shown = await page.get("/profile")
    offered = {value: words for value, words, _ in time_zone_options(shown.text)}
    assert {zone: offered.get(zone) for zone in names} == names


def closed_days_ago(days: int, status: str = "completed", **changes) -> dict:
    return a_pairing_of_mine(status, **{"confirmed_at": "2025-06-01T15:00:00+00:00", "my_feedback": None,
                                        "closed_at": (datetime.now(UTC) - timedelta(days=days)).isoformat(),
                                        **changes})


def a_home_after(pairing: dict) -> Services:
    return Services({
        "GET /v1/programs": [{"id": PROGRAM, "name": "Premed circle", "term_months": 6, "cadence_max_days": 60}],
        f"GET /v1/people/{ME}/overview": {"pairings": [pairing], "waiting": []}, f"GET /v1/people/{ME}/partners": [],
        f"GET /v1/people/{ME}/enrollments": []})


GIVEN = {"rating": 5, "comment": "Thank you!", "given_at": "2026-11-30T12:00:00+00:00"}


@pytest.mark.parametrize(("pairing", "asked"), [
    (closed_days_ago(3), True), (closed_days_ago(3, "ended"), True),
    (closed_days_ago(3, my_feedback=GIVEN), False),  # told us already
    (closed_days_ago(45), False),  # long past: no longer asked at home (its page still offers it)
    (closed_days_ago(3, "declined", confirmed_at=None), False)])  # never happened: nothing to tell
async def test_home_asks_how_a_mentorship_that_just_ended_went_until_the_person_has_said(pairing, asked):
    # The feedback link was on the mentorship's page only: the home page forgot the mentorship once it closed.
    async with browser(a_home_after(pairing), ME) as page:
        home = (await page.get("/")).text
    assert (f'href="/mentorships/{PAIRING}/feedback"' in home) is asked
    assert ("Your mentorship in Premed circle, from June 1, 2025 to " in text_of(home)) is asked


async def test_home_tells_apart_two_mentorships_of_one_program_that_ended_by_when_each_began_and_ended():
    # Both links read "Your mentorship in Premed circle has ended. How did it go?"; neither partner may be named.
    first = closed_days_ago(20, id=str(uuid4()), confirmed_at="2025-06-01T15:00:00+00:00",
                            closed_at="2026-11-20T15:00:00+00:00")
    second = closed_days_ago(3, id=str(uuid4()), confirmed_at="2026-11-23T15:00:00+00:00",
                             closed_at=(datetime.now(UTC) - timedelta(days=3)).replace(hour=15).isoformat())
    services = a_home_after(first)
    services.answers[f"GET /v1/people/{ME}/overview"] = {"pairings": [first, second], "waiting": []}
    async with browser(services, ME) as page:
        home = (await page.get("/")).text
    links = re.findall(r'<a href="/mentorships/[^"]+/feedback">([^<]+)</a>', home)
    assert len(links) == 2 and links[0] != links[1]
    assert "Your mentorship in Premed circle, from June 1, 2025 to November 20, 2026, has ended. How did it go?" \
        in links
    assert any("from November 23, 2026 to " in link for link in links)


async def test_feedback_given_already_is_thanked_for_on_its_pages_and_not_asked_again():
    services = its_page(closed_days_ago(3, my_feedback=GIVEN))
    async with browser(services, ME) as page:
        feedback = await page.get(f"/mentorships/{PAIRING}/feedback")
        mentorship = await page.get(f"/mentorships/{PAIRING}")
    assert "You have already told us how it went. Thank you!" in feedback.text and 'name="rating"' not in feedback.text
    assert "You told us how it went. Thank you!" in text_of(mentorship.text)
    assert "Tell us how it went" not in mentorship.text
    # The pairing's own answer says so: not the whole list of the person's pairings.
    assert not [sent for sent in services.sent if sent.url.path == f"/v1/people/{ME}/pairings"]


async def test_feedback_not_given_yet_is_asked_for_on_its_pages():
    services = its_page(closed_days_ago(3))
    async with browser(services, ME) as page:
        feedback = await page.get(f"/mentorships/{PAIRING}/feedback")
        mentorship = await page.get(f"/mentorships/{PAIRING}")
    assert 'name="rating"' in feedback.text
    assert f'href="/mentorships/{PAIRING}/feedback"' in mentorship.text


async def test_my_data_counts_the_feedback_i_gave_and_its_download_holds_what_i_said():
    services = Services({**my_data(), f"GET /v1/people/{ME}/pairings": [
        closed_days_ago(3, my_feedback=GIVEN), closed_days_ago(9)], "GET /v1/programs": []})
    async with browser(services, ME) as page:
        shown = await page.get("/my-data")
        downloaded = await page.get("/my-data/download")
    assert "Feedback you gave: 1" in text_of(shown.text)
    assert [m["my_feedback"] for m in downloaded.json()["mentorships"]] == [GIVEN, None]


async def test_my_data_gives_a_suggested_answer_in_the_reader_s_language_as_a_partner_reads_it():
    declared = {**NOTHING_DECLARED, "attributes": {"first_generation": {
        "value": "Yes", "use_in_matching": True, "show_to_partner": False}}}
    services = Services({**my_data(), f"GET /v1/people/{ME}/identity": declared})
    async with browser(services, ME, language="es") as page:
        shown = text_of((await page.get("/my-data")).text)
    assert "Primera persona de mi familia en ir a la universidad : Sí —" in shown and "Yes" not in shown


async def test_my_data_lists_my_mentorships_by_program_role_and_status_naming_no_partner():
    # It said "Mentorships: 1", with who, where and since when left to a JSON download of ids.
    mine = {**a_pairing_of_mine("active", confirmed_at="2026-12-04T15:00:00+00:00"), "id": str(uuid4())}
    theirs = {**a_pairing_of_mine("ended", mentee_id=MENTOR, mentor_id=ME), "id": str(uuid4())}
    services = Services({**my_data(), f"GET /v1/people/{ME}/pairings": [mine, theirs],
                         "GET /v1/programs": [{"id": PROGRAM, "name": "Premed circle"}]})
    async with browser(services, ME) as page:
        html = (await page.get("/my-data")).text
    shown = text_of(html)
    assert "Premed circle : as a mentee · Active · began on December 4, 2026" in shown
    assert "Premed circle : as a mentor · Ended" in shown
    assert f'href="/mentorships/{mine["id"]}"' in html and "Dr Rivera" not in shown


async def test_erasing_says_that_emails_already_sent_cannot_be_taken_back():
    async with browser(Services(), ME) as page:
        shown = text_of((await page.get("/my-data/erase")).text)
    assert "Emails already sent stay where they were delivered: yours, and those that introduced you to your mentor or " \
           "mentees, with your name, your email address, what you wrote about yourself, and your pronouns if they " \
           "could see them. We cannot take them back." in shown


async def test_an_office_hours_link_from_an_email_leads_its_host_to_their_slots_and_says_when_it_is_no_longer_booked():
    slot = {"id": str(uuid4()), "host_id": ME, "starts_at": "2026-12-20T15:00:00Z", "ends_at": "2026-12-20T15:30:00Z",
            "location": "online", "is_virtual": True, "booked_by": None}
    hosting = Services({"GET /v1/office-hours/slots": [slot], "GET /v1/office-hours/bookings/mine": []})
    async with browser(hosting, ME) as page:
        as_host = await page.get(f"/office-hours/{slot['id']}")
    gone = Services({"GET /v1/office-hours/slots": [], "GET /v1/office-hours/bookings/mine": [],
                     f"GET /v1/people/{ME}/partners": []})
    async with browser(gone, ME) as page:
        withdrawn = await page.get(f"/office-hours/{uuid4()}")
    booking = {**slot, "host_id": str(uuid4()), "booked_by": ME}
    booked = Services({"GET /v1/office-hours/slots": [], "GET /v1/office-hours/bookings/mine": [booking]})
    async with browser(booked, ME) as page:
        as_booker = await page.get(f"/office-hours/{slot['id']}")
    assert as_host.status_code == 303 and as_host.headers["location"] == "/my-office-hours"
    # The one who booked it: the page opens at that booking, not at the top of the list.
    assert as_booker.status_code == 303 and as_booker.headers["location"] == f"/office-hours#booking-{slot['id']}"
    assert withdrawn.status_code == 200 and "That office hour is no longer booked for you" in withdrawn.text


async def test_my_data_holds_the_office_hours_i_booked_and_offered_that_ended_too_which_events_keeps():
    services = Services(my_data())
    async with browser(services, ME) as page:
        assert (await page.get("/my-data")).status_code == 200
        assert (await page.get("/my-data/download")).status_code == 200
    asked = [sent.url for sent in services.sent if sent.url.path in ("/v1/office-hours/slots",
                                                                      "/v1/office-hours/bookings/mine")]
    assert len(asked) == 4 and all(url.params.get("ended_too") == "true" for url in asked)


async def test_my_data_counts_the_office_hours_i_offer_and_its_download_holds_them():
    offered = {"id": str(uuid4()), "host_id": ME, "starts_at": "2026-12-20T15:00:00Z", "ends_at": "2026-12-20T15:30:00Z",
               "location": "online", "booked_by": None}
    services = Services({**my_data(), "GET /v1/office-hours/slots": [offered]})
    async with browser(services, ME) as page:
        shown = await page.get("/my-data")
        downloaded = await page.get("/my-data/download")
    assert "Office hours you have offered: 1" in text_of(shown.text)
    assert downloaded.json()["office_hours_offered"] == [offered]
    asked = [sent for sent in services.sent if sent.url.path == "/v1/office-hours/slots"]
    assert asked and all(sent.url.params.get("host_id") == ME for sent in asked)


async def test_an_office_hour_years_ahead_that_events_refuses_is_refused_next_to_its_day():
    refused = httpx.Response(422, json={"error": {"code": "slot_too_far_ahead", "message": "no", "field": "starts_at"}})
    services = Services({f"GET /v1/people/{ME}/office-hours/slots": [], "GET /v1/office-hours/slots": [],
                         **mentoring(ME), "POST /v1/office-hours/slots": refused})
    async with browser(services, ME) as page:
        answer = await page.post("/my-office-hours", data={
            "csrf": CSRF, "day": "2031-01-10", "time": "10:15", "minutes": "45", "where": "online"})
    assert answer.status_code == 422
    assert error_next_to(answer.text, "day") == "Choose a day within the next year."
    assert 'value="2031-01-10"' in answer.text


@pytest.mark.parametrize("language, said", [
    ("en", "You offer office hours at that time already: choose another time."),
    ("es", "Ya ofreces horas de orientación a esa hora: elige otra.")])
async def test_an_office_hour_at_a_time_the_host_offers_one_already_is_refused_next_to_the_time(language, said):
    refused = httpx.Response(409, json={"error": {"code": "slot_overlaps", "message": "no", "field": "starts_at"}})
    services = Services({f"GET /v1/people/{ME}/office-hours/slots": [], "GET /v1/office-hours/slots": [],
                         **mentoring(ME), "POST /v1/office-hours/slots": refused})
    day = (date.today() + timedelta(days=3)).isoformat()
    async with browser(services, ME, language) as page:
        answer = await page.post("/my-office-hours", data={
            "csrf": CSRF, "day": day, "time": "14:00", "minutes": "30", "where": "online"})
    assert answer.status_code == 422
    assert error_next_to(answer.text, "time") == said
    assert f'value="{day}"' in answer.text


async def test_an_identity_answer_over_100_characters_is_refused_next_to_it_kept_as_typed_not_cut():
    services = Services({f"GET /v1/people/{ME}/identity": NOTHING_DECLARED, f"PUT /v1/people/{ME}/identity": {}})
    answer_typed = "Quaker, raised in a farming family in rural Iowa, first in my family to go to college, " * 2
    async with browser(services, ME) as page:
        answer = await page.post("/sign-up/identity", data={
            "csrf": CSRF, "religion.value": answer_typed, "religion.partner": "yes"})
    assert answer.status_code == 422
    assert error_next_to(answer.text, "religion-value") == "Religion: at most 100 characters (now 173)."
    assert f'value="{answer_typed.strip()}"' in answer.text
    assert re.search(r'class="[^"]*error-summary[^"]*".*href="#religion-value"', answer.text, re.S)
    assert not [r for r in services.sent if r.method == "PUT"]


@pytest.mark.parametrize("language, said", [
    ("en", "Saved. Matching no longer uses what you took back, so your wish for a mentor who shares it is gone too. "
           "The answer itself is kept: to delete it, clear its words in “In your own words”."),
    ("es", "Guardado. La asignación de mentorías ya no usa lo que retiraste, así que tu deseo de una persona mentora "
           "que lo comparta también desaparece. La respuesta en sí se guarda: para borrarla, borra su texto en «Con "
           "tus propias palabras».")])
async def test_taking_back_use_in_matching_in_a_hurry_is_saved_at_once_dropping_the_wish_that_needed_it(language, said):
    # Someone not out who unticks "Use it for matching" must not be held back by the wish that depended on it.
    identity = {"attributes": {"sexual_orientation": {"value": "Queer", "use_in_matching": True,
                                                      "show_to_partner": False}},
                "requests": [{"attribute": "sexual_orientation", "strength": "requirement"}]}
    services = Services({f"GET /v1/people/{ME}/identity": identity, f"PUT /v1/people/{ME}/identity": {},
                         "GET /v1/programs": [], f"GET /v1/people/{ME}/overview": {"pairings": [], "waiting": []},
                         f"GET /v1/people/{ME}/partners": [], f"GET /v1/people/{ME}/enrollments": []})
    async with browser(services, ME, language=language) as page:
        answer = await page.post("/sign-up/identity", data={
            "csrf": CSRF, "next": "/", "sexual_orientation.value": "Queer",
            "sexual_orientation.wish": "requirement"})
        home = text_of((await page.get(answer.headers["location"])).text)
    assert answer.status_code == 303
    [saved] = [json.loads(r.content) for r in services.sent if r.method == "PUT"]
    assert saved == {"attributes": {"sexual_orientation": {"value": "Queer", "use_in_matching": False,
                                                           "show_to_partner": False}}, "requests": []}
    assert said in home


@pytest.mark.parametrize("shown_before, shown_now, said", [
    (False, True, "Saved. Your mentor or mentees can now read what you chose to show them, on their pages (nobody is "
                  "emailed about it)."),
    (True, False, "Saved. Your mentor or mentees no longer see what you stopped showing them, though what they read "
                  "before cannot be taken back.")])
async def test_showing_an_answer_to_ones_partner_or_no_longer_is_said_as_such_not_just_saved(
        shown_before, shown_now, said):
    # Both read only "What you share about who you are is saved.": not who can read it now.
    identity = {"attributes": {"sexual_orientation": {"value": "Gay", "use_in_matching": True,
                                                      "show_to_partner": shown_before}}, "requests": []}
    services = Services({f"GET /v1/people/{ME}/identity": identity, f"PUT /v1/people/{ME}/identity": {},
                         "GET /v1/programs": [], f"GET /v1/people/{ME}/overview": {"pairings": [], "waiting": []},
                         f"GET /v1/people/{ME}/partners": [], f"GET /v1/people/{ME}/enrollments": []})
    form = {"csrf": CSRF, "next": "/", "sexual_orientation.value": "Gay", "sexual_orientation.matching": "yes"}
    if shown_now:
        form["sexual_orientation.partner"] = "yes"
    async with browser(services, ME) as page:
        answer = await page.post("/sign-up/identity", data=form)
        home = text_of((await page.get(answer.headers["location"])).text)
    assert said in home and "is saved." not in home


async def test_the_questions_about_who_you_are_say_how_to_delete_an_answer_and_that_withdrawing_ends_no_mentorship():
    # "You can withdraw these at any time" had no button: emptying the box deletes, which nothing said.
    async with browser(Services({f"GET /v1/people/{ME}/identity": NOTHING_DECLARED,
                                 f"GET /v1/people/{ME}/enrollments": []}), ME) as page:
        shown = text_of((await page.get("/sign-up/identity?next=/my-data")).text)
    assert "to delete an answer, clear its words in “In your own words” and save. Withdrawing one does not end a " \
           "mentorship it helped to " \
           "form, and nobody is emailed about it." in shown


async def test_an_answer_cleared_with_its_wish_is_said_to_be_deleted_not_kept():
    # Rio emptied "Queer" and read "the answer itself is kept", unsure it was gone.
    identity = {"attributes": {"sexual_orientation": {"value": "Queer", "use_in_matching": True,
                                                      "show_to_partner": False}},
                "requests": [{"attribute": "sexual_orientation", "strength": "preference"}]}
    services = Services({**my_data(), f"GET /v1/people/{ME}/identity": identity, f"PUT /v1/people/{ME}/identity": {}})
    async with browser(services, ME) as page:
        answer = await page.post("/sign-up/identity", data={
            "csrf": CSRF, "next": "/my-data", "sexual_orientation.value": "", "sexual_orientation.matching": "yes",
            "sexual_orientation.wish": "preference"})
        shown = text_of((await page.get(answer.headers["location"])).text)
    [saved] = [json.loads(r.content) for r in services.sent if r.method == "PUT"]
    assert saved == {"attributes": {}, "requests": []}
    assert "Saved. Your answer is deleted, and with it your wish for a mentor who shares it." in shown
    assert "is kept" not in shown


async def test_my_data_says_nobody_sees_pronouns_never_given_rather_than_the_widest_choice():
    async with browser(Services(my_data()), ME) as page:
        shown = text_of((await page.get("/my-data")).text)
    assert "Who sees your pronouns, besides you –" in shown and "my mentor or mentees" not in shown


async def test_a_wish_without_use_in_matching_never_given_is_still_refused_next_to_it():
    # Not a withdrawal: matching never had it, so the wish was a mistake to point out, not to drop.
    services = Services({f"GET /v1/people/{ME}/identity": NOTHING_DECLARED, f"PUT /v1/people/{ME}/identity": {}})
    async with browser(services, ME) as page:
        answer = await page.post("/sign-up/identity", data={
            "csrf": CSRF, "sexual_orientation.value": "Queer", "sexual_orientation.wish": "requirement"})
    assert answer.status_code == 422
    assert "tick" in error_next_to(answer.text, "sexual_orientation-wish")
    assert not [r for r in services.sent if r.method == "PUT"]


def everything_held() -> Services:
    """A person who answered every question: pronouns, languages, ways of meeting, a chapter, a mentee's goals, an
    identity attribute and the wish for a mentor who shares it."""
    chapter, program = str(uuid4()), str(uuid4())
    person = {**PERSON, "pronouns": "she/her", "pronouns_visibility": "only_me", "languages": ["en", "es"],
              "modalities": ["virtual", "in_person"], "chapter_id": chapter, "region": "Midwest", "is_alumni": True,
              "bio": "Biology major.", "preferred_language": "es", "specialties": [], "support_areas": []}
    identity = {"attributes": {"sexual_orientation": {"value": "Queer", "use_in_matching": True,
                                                      "show_to_partner": False}},
                "requests": [{"attribute": "sexual_orientation", "strength": "requirement"}]}
    enrollment = {"id": str(uuid4()), "program_id": program, "role": "mentee", "goals": "Get into medical school.",
                  "preferred_mentor_stages": ["resident"], "mentee_stages_welcome": [], "capacity": 1,
                  "active": True}
    return Services({**my_data(), f"GET /v1/people/{ME}": person, f"GET /v1/people/{ME}/identity": identity,
                     f"GET /v1/people/{ME}/enrollments": [enrollment],
                     "GET /v1/chapters": [{"id": chapter, "name": "Chicago chapter"}],
                     "GET /v1/programs": [{"id": program, "name": "Premed circle"}]})


async def test_the_data_page_says_in_words_everything_held_that_the_download_carries():
    async with browser(everything_held(), ME) as page:
        shown = await page.get("/my-data")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", shown.text))
    for words in ("she/her", "Only me", "English, Spanish", "Online (video or phone), In person", "Chicago chapter",
                  "Midwest", "Biology major.", "Premed circle", "Get into medical school.", "Resident",
                  "You asked for a mentor who shares this: you need it"):
        assert words in text, words
    for code in ("only_me", "in_person", "requirement", "sexual_orientation"):
        assert code not in text, code


async def test_the_data_page_in_spanish_says_the_wish_for_a_mentor_who_shares_it():
    async with browser(everything_held(), ME, language="es") as page:
        shown = await page.get("/my-data")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", shown.text))
    assert "Pediste una persona mentora que comparta esto: lo necesitas" in text


def a_booked_office_hour() -> tuple[str, Services]:
    """An office hour I booked, and its cancellation as events answers it."""
    slot = str(uuid4())
    booking = {"id": slot, "host_id": str(uuid4()), "starts_at": "2026-12-20T16:00:00+00:00",
               "ends_at": "2026-12-20T16:30:00+00:00", "is_virtual": True, "location": None, "join_url": None,
               "chapter_id": None, "booked_by": ME}
    return slot, Services({"GET /v1/office-hours/slots": [], "GET /v1/office-hours/bookings/mine": [booking],
                           f"GET /v1/people/{ME}/partners": [],
                           f"DELETE /v1/office-hours/slots/{slot}/booking": httpx.Response(204)})


@pytest.mark.parametrize("htmx", [False, True])
async def test_cancelling_an_office_hour_booking_asks_first_saying_both_are_emailed_and_keeping_it_is_one_link(htmx):
    slot, services = a_booked_office_hour()
    headers = {"HX-Request": "true"} if htmx else {}
    async with browser(services, ME) as page:
        offered = await page.get("/office-hours")
        asked = await page.post(f"/office-hours/{slot}/cancel", data={"csrf": CSRF}, headers=headers)
        assert not [r for r in services.sent if r.method == "DELETE"], "nothing is cancelled yet"
        confirmed = await page.post(f"/office-hours/{slot}/cancel", data={"csrf": CSRF, "confirm": "yes"},
                                    headers=headers)
    assert f'hx-post="/office-hours/{slot}/cancel" hx-target="#booking-{slot}"' in offered.text
    assert asked.status_code == 200 and ('<html' in asked.text) != htmx
    assert "Cancel this booking? We email you both to say so, and someone else may book the slot." in asked.text
    assert '<input type="hidden" name="confirm" value="yes">' in asked.text
    assert "Yes, cancel my booking" in asked.text
    assert re.search(rf'<a href="/office-hours#booking-{slot}"[^>]*>Keep my booking</a>', asked.text)
    assert [r.url.path for r in services.sent if r.method == "DELETE"] == [f"/v1/office-hours/slots/{slot}/booking"]
    if htmx:  # the whole page again: the booking is gone, and its slot may be free
        assert confirmed.headers["HX-Redirect"] == "/office-hours?done=booking_cancelled"
    else:
        assert confirmed.status_code == 303 and confirmed.headers["location"] == "/office-hours?done=booking_cancelled"


@pytest.mark.parametrize("htmx", [False, True])
async def test_keeping_my_booking_brings_me_back_to_its_card_with_focus_on_it(htmx):
    # "Keep my booking" opened the office hours again with focus on nothing; with HTMX, on the page already, the
    # link only moved to the card and left the question in it.
    slot, services = a_booked_office_hour()
    headers = {"HX-Request": "true"} if htmx else {}
    async with browser(services, ME) as page:
        asked = await page.post(f"/office-hours/{slot}/cancel", data={"csrf": CSRF}, headers=headers)
        kept = await page.get("/office-hours", headers=headers)
    keep = re.search(r"<a [^>]*>Keep my booking</a>", asked.text)
    assert keep, "no way back"
    assert f'href="/office-hours#booking-{slot}"' in keep.group(0)
    assert (f'hx-get="/office-hours" hx-target="#booking-{slot}" hx-select="#booking-{slot}" hx-swap="outerHTML"'
            in keep.group(0))
    for shown in (asked.text, kept.text):
        assert f'<div class="card" id="booking-{slot}" tabindex="-1">' in shown
    assert "Cancel this booking?" not in kept.text


@pytest.mark.parametrize("htmx", [False, True])
async def test_asking_whether_to_cancel_a_booking_takes_away_the_banner_that_said_it_was_booked(htmx):
    # "Your office hour is booked." stayed at the top, above "Cancel this booking? We email you both…".
    slot, services = a_booked_office_hour()
    async with browser(services, ME) as page:
        booked = await page.get("/office-hours?done=booked")
        asked = await page.post(f"/office-hours/{slot}/cancel", data={"csrf": CSRF},
                                headers={"HX-Request": "true"} if htmx else {})
    assert ('<div class="notice ok" role="status" id="done-notice" data-focus tabindex="-1"><p>Your office hour is '
            "booked.</p></div>") in booked.text
    assert "Your office hour is booked." not in asked.text
    if htmx:  # the card alone is swapped in: the banner above it goes, out of band
        assert '<div id="done-notice" hx-swap-oob="delete"></div>' in asked.text


def time_zone_options(html: str) -> list[tuple[str, str, bool]]:
    """The time-zone select's options: value, words, whether marked selected."""
    select = re.search(r'<select id="timezone"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no time-zone select"
    return [(value, words.strip(), bool(selected)) for value, selected, words in
            re.findall(r'<option value="([^"]*)"\s*(selected)?[^>]*>([^<]*)</option>', select.group(1))]


async def test_signing_up_the_browsers_own_time_zone_is_named_as_after_a_mistake_with_one_option_selected():
    services = Services({"GET /v1/chapters": []})
    async with browser(services, newcomer=True, language="es") as page:
        first = await page.get("/sign-up")
        named = await page.get("/time-zones/name", params={"zone": "Asia/Tehran"})
        unknown = await page.get("/time-zones/name", params={"zone": "Mars/Olympus"})
        mistaken = await page.post("/sign-up", data={"csrf": CSRF, "display_name": "", "stage": "undergraduate",
                                                     "timezone": "Asia/Tehran", "language": "es"})
    # The page's script asks the server for the words of a zone it does not offer, and selects that one alone.
    assert 'data-zone-names="/time-zones/name"' in first.text
    assert [selected for _, _, selected in time_zone_options(first.text)].count(True) == 1
    assert named.status_code == 200 and named.text == "Hora de Irán, Teherán"
    assert unknown.status_code == 404
    assert ("Asia/Tehran", named.text, True) in time_zone_options(mistaken.text)
    assert [selected for _, _, selected in time_zone_options(mistaken.text)].count(True) == 1


def back_link(html: str) -> str | None:
    """Where the page's back link leads, once it is before the main content (GOV.UK's place for it); None without."""
    found = re.search(r'<a class="back-link" href="([^"]*)">(Back|Atrás)</a>', html)
    if found is None:
        return None
    assert found.start() < html.index("<main"), "the back link is before the main content"
    return found.group(1)


@pytest.mark.parametrize(("language", "first", "later"), [
    ("en", "Allergy and immunology", ["Emergency medicine", "Nursing", "Pediatrics", "Vascular surgery"]),
    ("es", "Alergia e inmunología", ["Cirugía general", "Dermatología", "Enfermería", "Medicina de urgencias"])])
async def test_specialties_are_offered_in_the_alphabetical_order_of_the_readers_language_not_decided_last(
        language, first, later):
    services = Services({f"GET /v1/people/{ME}": PERSON})
    async with browser(services, ME, language=language) as page:
        shown = (await page.get("/sign-up/interests")).text
    offered = re.findall(r'name="specialties" value="\w+"[^>]*> ([^<]+)</label>', shown)
    assert len(offered) == 37 and offered[0] == first and offered[-1] in ("Not decided yet", "Aún no lo he decidido")
    assert [label for label in offered if label in later] == later


@pytest.mark.parametrize("language", ["en", "es"])
async def test_each_sign_up_step_after_the_first_links_back_to_the_step_before(language):
    services = Services({"GET /v1/chapters": [], f"GET /v1/people/{ME}": PERSON,
                         f"GET /v1/people/{ME}/identity": NOTHING_DECLARED, "GET /v1/programs": [],
                         f"GET /v1/people/{ME}/enrollments": []})
    async with browser(services, newcomer=True, language=language) as page:
        first = (await page.get("/sign-up")).text
    async with browser(services, ME, language=language) as page:
        steps = {path: (await page.get(path)).text for path in (
            "/sign-up/interests", "/sign-up/identity", "/sign-up/enrol?signing_up=1")}
        changing = (await page.get("/sign-up/interests?next=/")).text
        joining = (await page.get("/sign-up/enrol")).text
    assert back_link(first) is None
    assert [back_link(text) for text in steps.values()] == ["/sign-up", "/sign-up/interests", "/sign-up/identity"]
    assert back_link(changing) is None and back_link(joining) is None, "not signing up: no steps to go back through"


async def test_going_back_to_the_first_step_shows_the_answers_given_and_saving_them_again_goes_on_to_the_next():
    changed = {**PERSON, "display_name": "Ana María"}
    services = Services({"GET /v1/chapters": [], f"GET /v1/people/{ME}": PERSON, f"PATCH /v1/people/{ME}": changed})
    async with browser(services, ME) as page:
        about = await page.get("/sign-up")
        saved = await page.post("/sign-up", data={"csrf": CSRF, "display_name": "Ana María", "stage": "undergraduate",
                                                  "timezone": "America/Chicago", "language": "en", "languages": "en"})
    assert about.status_code == 200 and "Step 1 of 4" in about.text
    assert 'value="Ana"' in about.text
    assert ("America/Chicago", "Central Time, Chicago", True) in time_zone_options(about.text)
    assert saved.status_code == 303 and saved.headers["location"] == "/sign-up/interests"
    [patch] = [r for r in services.sent if r.method == "PATCH"]
    assert json.loads(patch.content)["display_name"] == "Ana María"
    assert not [r for r in services.sent if r.method == "POST"], "not registered a second time"


def time_zone_select(html: str) -> str:
    found = re.search(r'<select id="timezone"[^>]*>', html)
    assert found, "no time-zone select"
    return found.group(0)


# The page's script chose the browser's zone on the page saying "Choose your time zone.", marked wrong: a zone shown
# chosen under an error saying none was. Refused, the field shows none chosen, as its error says; the script may
# still add the browser's zone to the list, for the person to choose.
@pytest.mark.parametrize("sent", ["", "Mars/Olympus_Mons"])
async def test_a_time_zone_refused_on_sign_up_shows_none_chosen_as_its_error_says_and_the_script_chooses_none(sent):
    async with browser(Services({"GET /v1/chapters": []}), newcomer=True) as page:
        refused = await page.post("/sign-up", data={"csrf": CSRF, "display_name": "Ana", "stage": "undergraduate",
                                                    "timezone": sent, "language": "en"})
    assert refused.status_code == 422
    assert error_next_to(refused.text, "timezone") == "Choose your time zone."
    assert [(value, selected) for value, _, selected in time_zone_options(refused.text) if selected] == [("", True)]
    assert "Mars/Olympus_Mons" not in refused.text
    select = time_zone_select(refused.text)
    assert "data-guess" not in select and 'data-zone-names="/time-zones/name"' in select


async def test_a_time_zone_refused_on_the_profile_shows_none_chosen_as_its_error_says():
    services = Services({f"GET /v1/people/{ME}": PERSON, "GET /v1/chapters": []})
    async with browser(services, ME) as page:
        refused = await page.post("/profile", data={"csrf": CSRF, "display_name": "Ana", "stage": "undergraduate",
                                                    "timezone": "Mars/Olympus_Mons", "language": "en"})
    assert refused.status_code == 422
    assert error_next_to(refused.text, "timezone") == "Choose your time zone."
    assert [(value, selected) for value, _, selected in time_zone_options(refused.text) if selected] == [("", True)]
    assert "Mars/Olympus_Mons" not in refused.text and "data-guess" not in time_zone_select(refused.text)
    assert ("America/Chicago", "Central Time, Chicago", False) in time_zone_options(refused.text), "theirs, to choose"


async def test_signing_up_someone_not_owning_the_address_signs_out_right_there_with_a_button():
    sessions = FakeSessions()
    async with browser(Services({"GET /v1/chapters": []}), newcomer=True, sessions=sessions) as page:
        about = await page.get("/sign-up")
        signed_out = await page.post("/sign-out", data={"csrf": CSRF})
    assert signed_out.status_code == 303 and sessions.rows == {}
    said = re.search(r"Not your address\?(.*?)</form>", about.text, re.S)
    assert said, "no sign-out next to the address"
    assert '<form class="inline" method="post" action="/sign-out">' in said.group(1)
    assert f'<input type="hidden" name="csrf" value="{CSRF}">' in said.group(1)
    assert re.search(r'<button[^>]*type="submit"[^>]*>Sign out</button>', said.group(1))


# Matching answers why a pairing closed to staff only: the page of a pairing ended cannot tell it was for conduct, so
# the side who ended it so is told on the page the ending leads to, naming their former partner by their role.
@pytest.mark.parametrize(("language", "said"), [
    ("en", "Thank you for telling us. A coordinator of the program will look into what happened, and your former "
           "mentor will not be paired with anyone new meanwhile."),
    ("es", "Gracias por contárnoslo. La coordinación del programa revisará lo que pasó y, mientras tanto, no se le "
           "asignará ninguna mentoría nueva a tu antigua persona mentora.")])
async def test_one_who_ends_a_mentorship_for_conduct_is_told_a_coordinator_looks_into_it_and_the_partner_waits(
        language, said):
    services = its_page(a_pairing_of_mine("active"), **{
        f"POST /v1/pairings/{PAIRING}/end": a_pairing_of_mine("ended")})
    async with browser(services, ME, language=language) as page:
        for_conduct = await page.post(f"/mentorships/{PAIRING}/end", data={"csrf": CSRF, "reason_code": "conduct"})
        services.answers[f"GET /v1/pairings/{PAIRING}"] = a_pairing_of_mine("ended")
        shown = text_of((await page.get(for_conduct.headers["location"])).text)
        for_another_reason = await page.post(f"/mentorships/{PAIRING}/end", data={"csrf": CSRF,
                                                                                  "reason_code": "relocated"})
        not_for_conduct = text_of((await page.get(for_another_reason.headers["location"])).text)
    assert for_conduct.headers["location"] == f"/mentorships/{PAIRING}?done=ended_for_conduct_by_mentee"
    assert said in shown
    assert for_another_reason.headers["location"] == f"/mentorships/{PAIRING}?done=ended_waiting"
    assert said not in not_for_conduct


async def test_a_mentor_who_ends_a_mentorship_for_conduct_is_told_of_their_former_mentee():
    mentoring = a_pairing_of_mine("active", mentee_id=MENTOR, mentor_id=ME)
    services = its_page(mentoring, **{f"POST /v1/pairings/{PAIRING}/end": {**mentoring, "status": "ended"}})
    async with browser(services, ME) as page:
        ended = await page.post(f"/mentorships/{PAIRING}/end", data={"csrf": CSRF, "reason_code": "conduct"})
        services.answers[f"GET /v1/pairings/{PAIRING}"] = {**mentoring, "status": "ended"}
        shown = text_of((await page.get(ended.headers["location"])).text)
    assert "your former mentee will not be paired with anyone new meanwhile." in shown


@pytest.mark.parametrize(("language", "said"), [
    ("en", "No mentor is proposed to you until you ask for another. When you want one, say so on your home page."),
    ("es", "No se te propone ninguna persona mentora hasta que pidas otra. Cuando quieras una, dilo en tu página de "
           "inicio.")])
async def test_a_mentee_who_ends_a_mentorship_with_goals_met_is_told_at_once_that_no_mentor_comes_until_they_ask(
        language, said):
    # Their enrollment says they rest a moment later (profiles reads the ending): the page the ending leads to says it.
    services = its_page(a_pairing_of_mine("active"), **{
        f"POST /v1/pairings/{PAIRING}/end": a_pairing_of_mine("ended")})
    async with browser(services, ME, language=language) as page:
        ended = await page.post(f"/mentorships/{PAIRING}/end", data={"csrf": CSRF, "reason_code": "goals_met"})
        services.answers[f"GET /v1/pairings/{PAIRING}"] = a_pairing_of_mine("ended")
        shown = text_of((await page.get(ended.headers["location"])).text)
    assert ended.headers["location"] == f"/mentorships/{PAIRING}?done=ended_resting"
    assert said in shown and shown.count(said) == 1


async def test_the_data_page_says_of_a_program_left_that_it_was_left():
    services = everything_held()
    [enrollment] = services.answers[f"GET /v1/people/{ME}/enrollments"]
    services.answers[f"GET /v1/people/{ME}/enrollments"] = [{**enrollment, "active": False}]
    async with browser(services, ME) as page:
        shown = text_of((await page.get("/my-data")).text)
    assert "Premed circle You have left the program." in shown


async def test_the_end_form_chooses_no_reason_for_you_and_refuses_none_chosen_next_to_the_field_and_atop_the_page():
    services = its_page(an_active_term())
    async with browser(services, ME) as page:
        offered = (await page.get(f"/mentorships/{PAIRING}")).text
        refused = await page.post(f"/mentorships/{PAIRING}/end", data={"csrf": CSRF, "reason_code": ""})
    chosen = re.search(r'<select id="end-reason"[^>]*>\s*<option value="">Choose a reason</option>', offered)
    assert chosen and " selected" not in re.search(r'<select id="end-reason".*?</select>', offered, re.S).group(0)
    assert refused.status_code == 422
    assert error_next_to(refused.text, "end-reason") == "Choose why you end this mentorship."
    # The field is far down the page: on a phone, the page opened at its top looked as if nothing had happened.
    assert re.search(r'data-error-summary[^>]*>\s*<h2>There is a problem</h2>\s*<ul><li><a href="#end-reason">Choose why '
                     r'you end this mentorship.</a>', refused.text)
    assert "<title>Error: " in refused.text
    # Once: the meeting form's own summary (of its problems) said it a second time, as a second alert.
    assert refused.text.count("data-error-summary") == 1
    assert not [r for r in services.sent if r.method == "POST"]  # refused before matching is asked


@pytest.mark.parametrize(("role", "said"), [
    # "For any other reason, you can be paired again at once": one who ended it for a reason of their own went to
    # the back of the line.
    ("mentee", "If you met your goals, no mentor is proposed to you until you ask for another on your home page. If "
               "your mentor stopped answering, or for a problem of their conduct, you keep your place on the "
               "waitlist; for a reason of your own, you wait behind those already waiting. If you also pause, "
               "nobody is proposed to you until you say you are ready again."),
    ("mentor", "If you met your goals, your mentee is not paired again until they ask for another mentor; for any "
               "other reason but conduct, they can be paired again at once. The place it frees may be offered to "
               "another mentee at once: to take nobody new for now, also pause.")])
async def test_the_end_form_says_a_mentee_who_met_their_goals_is_paired_again_only_once_they_ask(role, said):
    mine = an_active_term() if role == "mentee" else an_active_term(mentee_id=MENTOR, mentor_id=ME)
    async with browser(its_page(mine), ME) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert said in shown
    assert "A mentee can then be paired again." not in shown


@pytest.mark.parametrize("because", ["goals_met", "term_completed"])
async def test_a_mentee_resting_after_their_mentorship_ended_is_told_no_mentor_comes_until_they_ask_and_where(
        because):
    resting = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentee", "pairing_kind": "one_to_one",
               "active": True, "paused": True, "paused_because": because}
    services = its_page(a_pairing_of_mine("ended"), **{f"GET /v1/people/{ME}/enrollments": [resting]})
    async with browser(services, ME) as page:
        html = (await page.get(f"/mentorships/{PAIRING}?done=ended")).text
    assert ("No mentor is proposed to you until you ask for another. When you want one, say so on your home page."
            in text_of(html))
    assert '<a class="button" href="/">Go to your home page</a>' in html


async def test_a_mentee_back_to_waiting_after_their_mentorship_ended_is_not_told_to_ask():
    waiting = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentee", "pairing_kind": "one_to_one",
               "active": True, "paused": False, "paused_because": None}
    services = its_page(a_pairing_of_mine("ended"), **{f"GET /v1/people/{ME}/enrollments": [waiting]})
    async with browser(services, ME) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}?done=ended")).text)
    assert "This mentorship has ended." in shown and "until you ask" not in shown


@pytest.mark.parametrize(("because", "said", "resumed_here"), [
    ("unanswered", "Paused because the last proposed mentorships lapsed without your answer: no mentor is proposed to "
                   "you until you are ready. You keep your place.", True),
    ("goals_met", "You met the goals of your last mentorship. No mentor is proposed to you until you ask for another.",
     True),
    ("term_completed", "Your last mentorship is complete. No mentor is proposed to you until you ask for another.",
     True),
    (None, "Paused: no mentor is proposed to you for now.", True),
    ("conduct_reported", "Paused while a coordinator of the program looks into how your last mentorship ended: no "
                         "mentor is proposed to you meanwhile. They will be in touch.", False)])
async def test_a_paused_mentees_waitlist_page_says_why_they_are_paused_and_how_to_resume_not_that_they_are_not_waiting(
        because, said, resumed_here):
    services = a_home_with({**A_MENTEE, "paused": True, "paused_because": because})
    services.answers[f"GET /v1/programs/{PROGRAM}/waitlist/{ME}"] = httpx.Response(
        404, json={"error": {"code": "not_found", "message": "not waiting"}})  # off matching's waitlist while paused
    async with browser(services, ME) as page:
        html = " ".join((await page.get(f"/waitlists/{PROGRAM}")).text.split())
    assert said in html
    assert "You are not waiting in this program." not in html
    assert (f'action="/enrollments/{A_MENTEE["id"]}/pause"' in html) is resumed_here
    assert ("I am ready for a mentor again" in html) is resumed_here


async def test_a_mentee_waiting_in_a_program_of_rounds_is_told_rounds_pair_everyone_at_once_not_a_place_in_line():
    # "Number 3 in line" read as a queue that moves them up; rounds pair everyone at once, as best fits.
    services = a_home_with(A_MENTEE)
    services.answers["GET /v1/programs"][0]["pairing_mode"] = "rounds"
    place = {"enrollment_id": A_MENTEE["id"], "program_id": PROGRAM, "pairing_kind": "general", "position": 3,
             "waiting_since": "2026-12-01T10:00:00Z"}
    services.answers[f"GET /v1/people/{ME}/overview"] = {"pairings": [], "waiting": [place]}
    services.answers[f"GET /v1/programs/{PROGRAM}/waitlist/{ME}"] = place
    async with browser(services, ME) as page:
        home = text_of((await page.get("/")).text)
        waitlist = text_of((await page.get(f"/waitlists/{PROGRAM}")).text)
    # A round proposes a mentor, whom the mentee accepts: "as soon as a round pairs you" promised a mentorship.
    assert "Its coordinators pair everyone at once, in rounds: we will email you when a round proposes you a mentor, " \
           "to accept." in home
    assert "Its coordinators pair everyone at once, in rounds. You are waiting for the next round, since December 1, " \
           "2026: we will email you when a round proposes you a mentor, to accept." in waitlist
    for shown in (home, waitlist):
        assert "in line" not in shown
    # Home leads to the waitlist's page, where what may keep them waiting and whom to ask are said.
    assert "About your wait (Premed circle)" in home


async def test_a_mentee_waiting_is_told_on_the_waitlist_what_they_require_of_a_mentor_may_keep_them_waiting_and_whom_to_ask():
    # She waited at number 1 with no word of why while a mentor had room: her requirement kept them apart.
    services = a_home_with(A_MENTEE)
    place = {"enrollment_id": A_MENTEE["id"], "program_id": PROGRAM, "pairing_kind": "general", "position": 1,
             "waiting_since": "2026-12-01T10:00:00Z"}
    services.answers[f"GET /v1/programs/{PROGRAM}/waitlist/{ME}"] = place
    services.answers[f"GET /v1/people/{ME}/identity"] = {
        "attributes": {}, "requests": [{"attribute": "religion", "strength": "requirement"},
                                       {"attribute": "first_generation", "strength": "preference"}]}
    async with browser(services, ME, concerns_email="team@example.org") as page:
        shown = text_of((await page.get(f"/waitlists/{PROGRAM}")).text)
    assert "You need a mentor who shares your answer to: Religion. We propose only mentors who share it and show " \
           "it to their mentees, so you may wait longer." in shown
    assert "First in my family" not in shown, "a preference keeps nobody waiting"
    assert "Questions about waiting? Write to the national team that runs the programs: team@example.org" in shown


async def test_a_mentee_waiting_is_told_the_languages_they_meet_in_narrow_who_is_proposed_and_where_to_change_them():
    # Lu listed Spanish alone; the page spoke only of what she required of a mentor, not of the language she shared
    # with none of the mentors with room.
    services = a_home_with(A_MENTEE)
    services.answers[f"GET /v1/programs/{PROGRAM}/waitlist/{ME}"] = {
        "enrollment_id": A_MENTEE["id"], "program_id": PROGRAM, "pairing_kind": "general", "position": 1,
        "waiting_since": "2026-12-01T10:00:00Z"}
    services.answers[f"GET /v1/people/{ME}/identity"] = NOTHING_DECLARED
    services.answers[f"GET /v1/people/{ME}"] = {**PERSON, "languages": ["es"]}
    async with browser(services, ME) as page:
        html = (await page.get(f"/waitlists/{PROGRAM}")).text
    assert "You can meet in Spanish only: we propose only mentors who can meet in it. Change your languages" \
        in text_of(html) and '<a href="/profile">Change your languages</a>' in html


async def test_a_mentee_on_no_waitlist_of_the_program_is_told_they_are_not_waiting_in_it():
    services = a_home_with({**A_MENTEE, "active": False})
    async with browser(services, ME) as page:
        shown = text_of((await page.get(f"/waitlists/{PROGRAM}")).text)
    assert "You are not waiting in this program." in shown


# Profiles learns that a mentorship ended a moment after matching says so (or names the two as partners in another
# mentorship still on): the page of one over goes by matching, and names the partner to neither side.
@pytest.mark.parametrize("role", ["mentee", "mentor"])
@pytest.mark.parametrize("status", ["completed", "ended"])
async def test_neither_side_of_a_mentorship_over_is_shown_the_other_even_while_profiles_still_names_them(role, status):
    over = a_pairing_of_mine(status) if role == "mentee" else a_pairing_of_mine(status, mentee_id=MENTOR, mentor_id=ME)
    services = its_page(over, **{f"GET /v1/people/{MENTOR}/as-partner": partner(MENTOR, "Dr Rivera")})
    async with browser(services, ME) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert "Dr Rivera" not in shown and "dr.rivera@example.org" not in shown
    assert f"Your former {'mentor' if role == 'mentee' else 'mentee'}" in shown
    assert "This mentorship has ended, so your partner's name is no longer shown here." in shown


async def test_a_used_sign_in_link_opened_again_by_someone_signed_in_goes_home_not_to_an_error():
    # The browser's back button after signing in comes to the link's page again.
    async with browser(Services(), ME) as page:
        again = await page.get("/sign-in/" + "x" * 43)
    async with browser(Services()) as anyone:
        unusable = await anyone.get("/sign-in/" + "x" * 43)
    assert again.status_code == 303 and again.headers["location"] == "/"
    assert unusable.status_code == 410


async def test_the_main_navigation_leads_to_ones_messages_from_every_page():
    # Without it, the inbox was reached only from the home page's "More" list.
    async with browser(Services({f"GET /v1/people/{ME}/inbox": {"items": [], "unread": 0}}), ME) as page:
        inbox = (await page.get("/inbox")).text
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', inbox, re.S)[1]
    assert '<a href="/inbox" aria-current="page">Messages</a>' in nav


@pytest.mark.parametrize("length, months, days", [("2w", 0, 14), ("1m", 1, 0), ("3m", 3, 0)])
async def test_a_mentor_pausing_for_a_while_is_paused_until_the_start_of_that_day_where_they_live(length, months, days):
    # A resident pausing for a month of night shifts need not remember to come back: profiles resumes them then.
    mentoring = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentor", "pairing_kind": "general",
                 "active": True, "capacity": 2, "approval": "approved", "paused": False, "paused_because": None}
    services = a_home_with(mentoring)
    async with browser(services, ME, timezone="America/Chicago") as page:
        home = (await page.get("/")).text
        paused = await page.post(f"/enrollments/{mentoring['id']}/pause",
                                 data={"csrf": CSRF, "paused": "true", "paused_for": length})
    assert re.search(rf'<select id="paused_for-{mentoring["id"]}" name="paused_for">', home)
    assert paused.status_code == 303
    [sent] = [json.loads(r.content) for r in services.sent if r.method == "PATCH"]
    zone = ZoneInfo("America/Chicago")
    today = datetime.now(zone).date()
    month = today.month - 1 + months
    year, month = today.year + month // 12, month % 12 + 1
    day = min(today.day, calendar.monthrange(year, month)[1])
    ends = datetime.combine(date(year, month, day) + timedelta(days=days), time(0), zone)
    assert sent == {"paused": True, "paused_until": ends.isoformat()}


async def test_a_mentor_pausing_until_they_resume_sends_no_end():
    mentoring = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentor", "pairing_kind": "general",
                 "active": True, "capacity": 2, "approval": "approved", "paused": False, "paused_because": None}
    services = a_home_with(mentoring)
    async with browser(services, ME) as page:
        await page.post(f"/enrollments/{mentoring['id']}/pause", data={"csrf": CSRF, "paused": "true", "paused_for": ""})
    assert [json.loads(r.content) for r in services.sent if r.method == "PATCH"] == [{"paused": True}]


@pytest.mark.parametrize("language, said", [
    ("en", "Paused until January 8, 2027: nobody new is proposed to you until then. Your mentorships go on."),
    ("es", "En pausa hasta el 8 de enero de 2027: hasta entonces no se te propone a nadie nuevo. Tus mentorías "
           "siguen.")])
async def test_a_mentor_paused_until_a_day_reads_until_when_on_their_home_page(language, said):
    mentoring = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentor", "pairing_kind": "general",
                 "active": True, "capacity": 2, "approval": "approved", "paused": True, "paused_because": None,
                 "paused_until": "2027-01-08T06:00:00+00:00"}
    async with browser(a_home_with(mentoring), ME, language=language, timezone="America/Chicago") as page:
        home = text_of((await page.get("/")).text)
    assert said in home


async def test_a_mentee_pausing_for_a_while_is_offered_how_long_too():
    async with browser(a_home_with(A_MENTEE), ME) as page:
        home = (await page.get("/")).text
    assert re.search(rf'<select id="paused_for-{A_MENTEE["id"]}" name="paused_for">', home)


async def test_a_sign_up_steps_place_is_said_inside_its_heading_which_a_screen_reader_jumps_to():
    services = Services({"GET /v1/chapters": [], f"GET /v1/people/{ME}": PERSON})
    async with browser(services, ME) as page:
        about = (await page.get("/sign-up")).text
    assert '<h1><span class="caption">Step 1 of 4</span> About you</h1>' in about
    assert '<p class="muted steps">Next: Interests</p>' in about


@pytest.mark.parametrize("language, title, shared", [
    ("en", "What your mentor or mentees see of you", "First in my family to go to college: Yes"),
    ("es", "Lo que ve de ti tu persona mentora o quienes mentoreas", "Primera persona de mi familia en ir a la "
                                                                    "universidad: Sí")])
async def test_a_person_sees_what_their_mentor_or_mentees_will_see_of_them_before_anyone_is_matched(
        language, title, shared):
    seen = {"id": ME, "display_name": "Dr. Kwame Mensah", "pronouns": "he/him", "bio": "EM resident, night owl.",
            "identity": {"first_generation": "Yes"}, "email": "kwame@example.org", "stage": "resident",
            "timezone": "America/Chicago"}
    async with browser(Services({f"GET /v1/people/{ME}/as-partner": seen}), ME, language=language) as page:
        profile_page = await page.get("/profile/as-partner")
    shown = text_of(profile_page.text)
    assert profile_page.status_code == 200 and f"<h1>{title}</h1>" in profile_page.text
    for said in ("Dr. Kwame Mensah (he/him)", "EM resident, night owl.", "kwame@example.org", shared):
        assert said in shown, said
    assert 'href="/profile"' in profile_page.text and 'href="/sign-up/identity?next=/profile/as-partner"' in profile_page.text


async def test_marking_a_message_read_with_htmx_changes_it_in_place_keeping_focus_there_not_at_the_top():
    # With many unread, going back to the top after each one made a keyboard user Tab through the list again.
    notification, other = str(uuid4()), str(uuid4())
    listed = [{"id": notification, "subject": "Welcome to Demo Chapter", "created_at": "2026-12-01T10:00:00+00:00",
               "read": True},
              {"id": other, "subject": "Your wait", "created_at": "2026-12-02T10:00:00+00:00", "read": False}]
    services = Services({f"POST /v1/people/{ME}/inbox/{notification}/read": httpx.Response(204),
                         f"GET /v1/people/{ME}/inbox": {"items": listed, "unread": 1}})
    async with browser(services, ME) as page:
        shown = (await page.get("/inbox")).text
        marked = await page.post(f"/inbox/{notification}/read", data={"csrf": CSRF}, headers={"hx-request": "true"})
    assert re.search(rf'<form method="post" action="/inbox/{other}/read" hx-post="/inbox/{other}/read" '
                     rf'hx-target="#message-{other}" hx-swap="outerHTML">', shown)
    assert marked.status_code == 200
    answer = marked.text.strip()
    assert answer.startswith(f'<article class="card" id="message-{notification}" data-announce="Marked as read.">')
    assert f'<a href="/inbox/{notification}" data-focus>Welcome to Demo Chapter</a>' in answer
    assert "Mark as read" not in answer.split("</article>")[0]
    assert '<p id="unread" hx-swap-oob="true" data-oob>Unread: 1</p>' in answer


async def test_a_mentee_paused_until_a_day_reads_until_when_on_their_waitlist_page_as_at_home():
    services = a_home_with({**A_MENTEE, "paused": True, "paused_until": "2027-01-07T06:00:00+00:00"})
    services.answers[f"GET /v1/programs/{PROGRAM}/waitlist/{ME}"] = httpx.Response(
        404, json={"error": {"code": "not_found", "message": "not waiting"}})
    async with browser(services, ME, timezone="America/Chicago") as page:
        shown = text_of((await page.get(f"/waitlists/{PROGRAM}")).text)
    assert "Paused until January 7, 2027: no mentor is proposed to you until then. You keep your place." in shown


async def test_a_mentor_who_accepted_a_proposal_reads_that_it_starts_once_their_mentee_accepts():
    # "You have answered; we are waiting for the other side" did not say what the mentor's yes did.
    pairing = {"id": PAIRING, "program_id": PROGRAM, "mentee_id": MENTEE, "mentor_id": ME, "pairing_kind": "general",
               "status": "proposed", "score": 70, "reasons": [], "reason_codes": [], "term_ends_at": None,
               "last_met_at": None, "confirmed_at": None, "mentee_accepted": False, "mentor_accepted": True,
               "mentee_renews": False, "mentor_renews": False}
    services = Services({
        f"GET /v1/pairings/{PAIRING}": pairing, f"GET /v1/pairings/{PAIRING}/meetings": [],
        "GET /v1/programs": [{"id": PROGRAM, "name": "Premed circle", "term_months": 6, "cadence_max_days": 60}],
        f"GET /v1/people/{MENTEE}/as-partner": httpx.Response(404, json={"error": {"code": "not_found",
                                                                                    "message": "no"}}),
        f"GET /v1/people/{ME}/enrollments": []})
    async with browser(services, ME) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert "You accepted: it starts once your mentee accepts too." in shown
    assert "we are waiting for the other side" not in shown


async def test_the_join_step_says_what_a_partner_sees_of_you_once_paired_with_a_link_to_see_it_yourself():
    # Its only word on privacy said teams "never" see how to reach you: a 16-year-old read it as "nobody does".
    async with browser(programs_to_join(a_program(PROGRAM, "Premed circle")), ME) as page:
        html = (await page.get("/sign-up/enrol")).text
    # "Once you are paired" read as a proposal too, which shows none of it (`/profile/as-partner` says it so).
    assert ("Once a mentorship starts, the other person sees your name, your email address, your pronouns if you let "
            "partners see them, and the few words you wrote about yourself. Before it starts, a proposal shows them "
            "only your training stage and what you have in common (and a mentor what a mentee hopes for). See what "
            "they see of you") in text_of(html)
    # With the way back to joining: a 16-year-old found only her browser's Back button there.
    assert '<a href="/profile/as-partner?back=/sign-up/enrol">See what they see of you</a>' in html


async def test_what_a_partner_sees_opened_from_the_join_step_leads_back_to_it_and_nowhere_else():
    seen = {"id": ME, "display_name": "Sofía Ramírez", "pronouns": None, "bio": "", "identity": {},
            "email": "sofia@example.org", "stage": "high_school", "timezone": "America/Denver"}
    async with browser(Services({f"GET /v1/people/{ME}/as-partner": seen}), ME) as page:
        from_joining = (await page.get("/profile/as-partner", params={"back": "/sign-up/enrol?signing_up=1"})).text
        from_elsewhere = (await page.get("/profile/as-partner", params={"back": "https://evil.example/"})).text
    assert '<a class="back-link" href="/sign-up/enrol?signing_up=1">Back</a>' in from_joining
    assert 'class="back-link"' not in from_elsewhere and 'href="https://evil.example/"' not in from_elsewhere


@pytest.mark.parametrize("language, said", [
    ("en", "Your partner sees this once you are paired. Do not put your school, home address or phone number here."),
    ("es", "Lo verá la persona que te asignemos en tu mentoría. No escribas aquí tu escuela, tu dirección ni tu número "
           "de teléfono.")])
async def test_the_few_words_about_you_are_hinted_to_hold_no_school_home_address_or_phone_number(language, said):
    async with browser(Services({f"GET /v1/people/{ME}": PERSON}), ME, language=language) as page:
        html = (await page.get("/sign-up/interests")).text
    hint = re.search(r'<p class="hint" id="bio-hint">([^<]+)</p>', html)
    assert hint and " ".join(hint.group(1).split()) == said


@pytest.mark.parametrize("stage, mine, told", [("high_school", "mentee", True), ("undergraduate", "mentee", False),
                                               ("high_school", "mentor", False)])
async def test_a_high_school_mentee_is_told_they_may_also_talk_to_a_parent_or_another_adult_they_trust(
        stage, mine, told):
    pairing = a_pairing_of_mine("active") if mine == "mentee" else a_pairing_of_mine(
        "active", mentee_id=MENTOR, mentor_id=ME)
    async with browser(its_page(pairing), ME, stage=stage, concerns_email="concerns@mentorship.example") as page:
        shown = " ".join((await page.get(f"/mentorships/{PAIRING}")).text.split())
    concern = shown.split('<h2 id="concern">If something is wrong</h2>')[1].split("<h2>End early</h2>")[0]
    assert ("You can also talk to a parent or another adult you trust." in concern) is told
    assert "If someone is in danger now, call 911." in concern


def ended_the_same_day(*changes: dict) -> Services:
    """My home, as a mentor, after mentorships of one program that began and ended on the same days, each changed."""
    pairings = [closed_days_ago(3, **{"id": str(uuid4()), "mentor_id": ME, "mentee_id": str(uuid4()),
                                      "closed_at": "2026-11-20T15:00:00+00:00", **change}) for change in changes]
    services = a_home_after(pairings[0])
    services.answers[f"GET /v1/people/{ME}/overview"] = {"pairings": pairings, "waiting": []}
    return services


def feedback_links(home: str) -> list[str]:
    return [" ".join(link.split()) for link in re.findall(r'<a href="/mentorships/[^"]+/feedback">([^<]+)</a>', home)]


async def test_home_tells_apart_mentorships_that_ended_the_same_day_by_how_each_ended_naming_no_partner():
    # A mentor read two identical "Tell us how it went" links; the partners may not be named once it is over.
    services = ended_the_same_day({"status": "completed"}, {"status": "ended"})
    with_days_apart = ended_the_same_day({"status": "completed"}, {"status": "ended", "closed_at": (
        datetime.now(UTC) - timedelta(days=2)).isoformat()})
    async with browser(services, ME) as page:
        links = feedback_links((await page.get("/")).text)
    async with browser(with_days_apart, ME) as page:
        apart = feedback_links((await page.get("/")).text)
    began_and_ended = "Your mentorship in Premed circle, from June 1, 2025 to November 20, 2026, has ended."
    assert links == [f"{began_and_ended} It ran its full term. How did it go?",
                     f"{began_and_ended} It ended before its term. How did it go?"]
    # Told apart by their days already: nothing more is said, nor asked of matching.
    assert not [link for link in apart if "term." in link]
    assert not [sent for sent in services.sent + with_days_apart.sent if sent.url.path.endswith("/meetings")]


async def test_home_tells_apart_mentorships_that_ended_alike_by_ones_role_in_each_or_else_by_the_meetings_logged():
    mentee_too = ended_the_same_day({}, {"mentor_id": str(uuid4()), "mentee_id": ME})
    both_mentored = ended_the_same_day({}, {}, {})
    first, second, third = (p["id"] for p in both_mentored.answers[f"GET /v1/people/{ME}/overview"]["pairings"])
    both_mentored.answers[f"GET /v1/people/{ME}/meetings"] = [
        {"id": n, "pairing_id": pairing, "met_on": "2026-10-01", "minutes": 30, "topics": [], "logged_by": ME,
         "logged_at": "2026-10-01T12:00:00+00:00"} for n, pairing in enumerate((first, first, first, second))]
    async with browser(mentee_too, ME) as page:
        by_role = feedback_links((await page.get("/")).text)
    async with browser(both_mentored, ME) as page:
        by_meetings = feedback_links((await page.get("/")).text)
    assert [link.split("has ended. ")[1] for link in by_role] == [
        "It ran its full term. You were the mentor. How did it go?",
        "It ran its full term. You were the mentee. How did it go?"]
    assert [link.split("has ended. ")[1] for link in by_meetings] == [
        "It ran its full term. You were the mentor. 3 meetings were logged. How did it go?",
        "It ran its full term. You were the mentor. 1 meeting was logged. How did it go?",
        "It ran its full term. You were the mentor. No meeting was logged. How did it go?"]


async def test_home_tells_apart_mentorships_that_ended_alike_by_who_ended_each_as_each_side_was_told():
    # Two that ended the same day, neither with a meeting: the links read word for word the same.
    services = ended_the_same_day({"status": "ended", "closed_by": "mentor"},
                                  {"status": "ended", "closed_by": "mentee"},
                                  {"status": "ended", "closed_by": "program"})
    async with browser(services, ME) as page:
        links = feedback_links((await page.get("/")).text)
    assert [link.split("has ended. ")[1] for link in links] == [
        "You ended it before its term. How did it go?", "Your mentee ended it before its term. How did it go?",
        "Its coordinators ended it before its term. How did it go?"]


@pytest.mark.parametrize("language, said", [
    ("en", "This is about your mentorship in Premed circle, which began on June 1, 2025. It ended before its term. "
           "You were the mentee. 2 meetings were logged."),
    ("es", "Se trata de tu mentoría en Premed circle, que comenzó el 1 de junio de 2025. Terminó antes de completar su "
           "plazo. Eras la persona mentorada. Se registraron 2 reuniones.")])
async def test_the_feedback_page_of_a_mentorship_over_says_which_one_it_is_without_naming_the_partner(language, said):
    services = its_page(closed_days_ago(3, "ended"))
    services.answers[f"GET /v1/pairings/{PAIRING}/meetings"] = [
        {"id": n, "pairing_id": PAIRING, "met_on": "2026-10-01", "minutes": 30, "topics": [], "logged_by": MENTOR,
         "logged_at": "2026-10-01T12:00:00+00:00"} for n in range(2)]
    async with browser(services, ME, language=language) as page:
        html = (await page.get(f"/mentorships/{PAIRING}/feedback")).text
    heading_area = text_of(html.split("<h1>")[1].split("<form")[0])
    assert said in heading_area and "Dr Rivera" not in html


async def test_the_card_of_a_mentorship_over_says_when_it_began_naming_no_partner():
    async with browser(its_page(closed_days_ago(3, "ended")), ME) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert "Status Ended Began June 1, 2025" in shown and "Dr Rivera" not in shown


async def waitlist_of_one_waiting(language: str = "en", languages: tuple[str, ...] = ("en",)) -> str:
    services = a_home_with(A_MENTEE)
    services.answers[f"GET /v1/programs/{PROGRAM}/waitlist/{ME}"] = {
        "enrollment_id": A_MENTEE["id"], "program_id": PROGRAM, "pairing_kind": "general", "position": 3,
        "waiting_since": "2026-12-01T10:00:00Z"}
    services.answers[f"GET /v1/people/{ME}/identity"] = NOTHING_DECLARED
    services.answers[f"GET /v1/people/{ME}"] = {**PERSON, "languages": list(languages)}
    async with browser(services, ME, language=language) as page:
        return text_of((await page.get(f"/waitlists/{PROGRAM}")).text)


@pytest.mark.parametrize("language, said", [
    ("en", "You are number 3 in line, waiting since December 1, 2026. Someone whose mentor had to step back keeps the "
           "place they had, so your number can move back by one now and then."),
    ("es", "Eres el número 3 de la lista de espera, esperando desde el 1 de diciembre de 2026. Quien se queda sin su "
           "persona mentora conserva el lugar que tenía, así que de vez en cuando tu número puede retroceder un "
           "puesto.")])
async def test_a_waiting_mentee_is_told_their_number_in_line_may_move_back_now_and_then(language, said):
    assert said in await waitlist_of_one_waiting(language)


@pytest.mark.parametrize("language, languages, said", [
    ("en", ("en", "es"), "You can meet in: English, Spanish."),
    ("es", ("en", "es"), "Puedes reunirte en: inglés, español."),
    ("es", ("es",), "Solo puedes reunirte en español:")])
async def test_the_languages_one_meets_in_are_named_mid_sentence_in_lower_case_in_spanish(language, languages, said):
    assert said in await waitlist_of_one_waiting(language, languages)


async def test_an_answer_shown_to_ones_partner_is_said_in_spanish_of_the_answer_in_the_feminine():
    async with browser(Services({f"GET /v1/people/{ME}/identity": NOTHING_DECLARED}), ME, language="es") as page:
        shown = text_of((await page.get("/sign-up/identity")).text)
    assert "cada persona con la que te asignemos una mentoría, ahora o más adelante, puede verla, aquí en la plataforma" in shown


async def test_in_spanish_registrations_coming_up_are_headed_in_the_feminine():
    async with browser(Services({"GET /v1/registrations/mine": []}), ME, language="es") as page:
        html = (await page.get("/registrations")).text
    assert "<h2>Próximas</h2>" in html


async def test_in_spanish_an_alum_says_they_are_a_former_participant_in_one_word():
    async with browser(Services({f"GET /v1/people/{ME}": PERSON, "GET /v1/chapters": []}), ME, language="es") as page:
        shown = text_of((await page.get("/profile")).text)
    assert "Soy exparticipante de uno de los programas de la organización" in shown


async def test_in_spanish_the_numbers_of_a_field_typed_too_long_are_written_as_the_dates_are_in_the_us():
    # "como máximo 2.000 caracteres": the plain "es" conventions, where the dates use Spanish of the US.
    services = Services({f"PATCH /v1/people/{ME}": PERSON})
    async with browser(services, ME, language="es") as page:
        answer = await page.post("/sign-up/interests", data={"csrf": CSRF, "specialties": ["cardiology"],
                                                              "bio": "I want to be a surgeon. " * 90})
    assert error_next_to(answer.text, "bio") == "Unas palabras sobre ti: como máximo 2,000 caracteres (ahora 2,159)."


@pytest.mark.parametrize("language, said", [
    ("en", "You have joined the program. We will email you when a mentor is proposed: you will be asked to accept."),
    ("es", "Te uniste al programa. Te escribiremos cuando se te proponga una persona mentora: se te pedirá que "
           "aceptes.")])
async def test_a_mentee_who_just_joined_where_both_sides_accept_is_told_a_mentor_is_proposed_not_that_they_are_paired(
        language, said):
    # What comes is a proposal to accept, not a mentorship.
    services = a_home_with(A_MENTEE)
    services.answers["GET /v1/programs"][0]["both_must_accept"] = True
    async with browser(services, ME, language=language) as page:
        joined = text_of((await page.get("/?enrolled=1")).text)
    assert said in joined
    assert "as soon as you are paired" not in joined and "en cuanto te asignemos" not in joined


async def test_a_mentor_ending_a_mentorship_who_also_pauses_is_paused_before_it_ends():
    # Ended "as my schedule does not allow it", she was proposed a new mentee the same instant: the freed place went
    # to the next waiting before anything paused her.
    mine = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentor", "pairing_kind": "clinical", "active": True}
    services = a_proposal_to_decline([mine])
    active = {**services.answers[f"GET /v1/pairings/{PAIRING}"], "status": "active", "mentee_accepted": True,
              "mentor_accepted": True, "confirmed_at": "2026-11-01T12:00:00+00:00",
              "term_ends_at": "2027-05-01T12:00:00+00:00"}
    services.answers[f"GET /v1/pairings/{PAIRING}"] = active
    services.answers[f"POST /v1/pairings/{PAIRING}/end"] = {**active, "status": "ended"}
    async with browser(services, ME) as page:
        shown = await page.get(f"/mentorships/{PAIRING}")
        ended = await page.post(f"/mentorships/{PAIRING}/end", data={
            "csrf": CSRF, "reason_code": "schedule_conflict", "pause": "true"})
    assert re.search(r'<input type="checkbox" id="end-pause-too" name="pause" value="true">', shown.text)
    assert ended.status_code == 303 and ended.headers["location"].endswith("?done=ended_paused")
    acted = [(r.method, r.url.path) for r in services.sent if r.method in ("PATCH", "POST")]
    assert acted == [("PATCH", f"/v1/enrollments/{mine['id']}"), ("POST", f"/v1/pairings/{PAIRING}/end")]
    # Matching, told by profiles a moment later, is told with the ending too: nobody is offered the place meanwhile.
    [ending] = [r for r in services.sent if r.method == "POST"]
    assert json.loads(ending.content) == {"reason_code": "schedule_conflict", "pause": True}


async def test_what_a_mentee_hopes_for_is_hinted_to_be_read_by_a_proposed_mentor_before_they_accept():
    # A 16-year-old wrote her school there; the mentor proposed to her read it before she had answered.
    async with browser(programs_to_join(a_program(PROGRAM, "Premed circle")), ME) as page:
        shown = (await page.get("/sign-up/enrol")).text
    assert re.search(r'<p class="hint" id="goals-hint">A mentor proposed to you reads this before you accept\. Do not '
                     r'put your school, home address or phone number here\.</p>', shown)
    assert re.search(r'<textarea id="goals" name="goals" maxlength="2000" aria-describedby="goals-hint"', shown)


@pytest.mark.parametrize("status", ["proposed", "active"])
async def test_a_mentor_in_a_program_for_high_school_students_reads_how_to_keep_them_safe_before_and_while_mentoring(
        status):
    # Said only in the email sent once it had begun: after the mentor had accepted.
    mine = a_pairing_of_mine(status, mentee_id=MENTOR, mentor_id=ME)
    services = its_page(mine)
    services.answers["GET /v1/programs"] = [{"id": PROGRAM, "name": "Pathway", "term_months": 12,
                                             "cadence_max_days": 60, "mentee_stages": ["high_school"]}]
    async with browser(services, ME) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert "Mentees in this program include high-school students, most of them minors: meet online or somewhere " \
           "public, and tell the program's coordinators if anything concerns you." in shown
    async with browser(its_page(mine), ME) as page:
        elsewhere = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert "most of them minors" not in elsewhere


def ending_as_a_mentee(enrollments: list[dict]) -> Services:
    """My active mentorship with MENTOR in PROGRAM, which matching lets me end; my enrollments as given, each paused
    as profiles answers."""
    return its_page(an_active_term(), **{
        f"POST /v1/pairings/{PAIRING}/end": a_pairing_of_mine("ended"),
        f"GET /v1/people/{ME}/enrollments": enrollments,
        **{f"PATCH /v1/enrollments/{e['id']}": {**e, "paused": True} for e in enrollments}})


@pytest.mark.parametrize(("language", "offered", "told"), [
    ("en", "Also pause: propose no new mentor to me in this program until I say I am ready again (on my home page)",
     "This mentorship has ended, and you are paused: no mentor will be proposed to you in this program until you "
     "say you are ready again on your home page."),
    ("es", "Poner también en pausa: no proponerme ninguna persona mentora nueva en este programa hasta que diga que "
           "estoy listo/a (en mi página de inicio)",
     "Esta mentoría terminó y estás en pausa: no se te propondrá ninguna persona mentora en este programa hasta que "
     "digas en tu página de inicio que estás listo/a.")])
async def test_a_mentee_ending_a_mentorship_who_also_pauses_is_paused_before_it_ends_and_told_how_to_resume(
        language, offered, told):
    # A mentee who ended "as I am no longer available" was put straight back on the waitlist and proposed a mentor.
    mine = {**A_MENTEE, "id": str(uuid4()), "pairing_kind": "one_to_one"}
    elsewhere = {**mine, "id": str(uuid4()), "program_id": str(uuid4())}
    services = ending_as_a_mentee([elsewhere, mine])
    async with browser(services, ME, language=language) as page:
        shown = (await page.get(f"/mentorships/{PAIRING}")).text
        ended = await page.post(f"/mentorships/{PAIRING}/end", data={
            "csrf": CSRF, "reason_code": "no_longer_available", "pause": "true"})
        services.answers[f"GET /v1/pairings/{PAIRING}"] = a_pairing_of_mine("ended")
        after = await page.get(ended.headers["location"])
    assert re.search(r'<input type="checkbox" id="end-pause-too" name="pause" value="true"> '
                     + re.escape(offered) + "</label>", shown)
    assert ended.status_code == 303 and ended.headers["location"].endswith("?done=ended_mentee_paused")
    acted = [(r.method, r.url.path) for r in services.sent if r.method in ("PATCH", "POST")]
    assert acted == [("PATCH", f"/v1/enrollments/{mine['id']}"), ("POST", f"/v1/pairings/{PAIRING}/end")]
    assert told in text_of(after.text)
    assert '<a class="button" href="/">' in after.text


@pytest.mark.parametrize(("language", "told", "link"), [
    ("en", "This mentorship has ended. You are back on the waitlist for a new mentor in this program.",
     "About your wait for another mentor"),
    ("es", "Esta mentoría terminó. Vuelves a estar en la lista de espera para una nueva persona mentora en este "
           "programa.", "Sobre tu espera de otra persona mentora")])
async def test_a_mentee_ending_a_mentorship_without_pausing_is_told_they_are_back_on_the_waitlist_and_where(
        language, told, link):
    mine = {**A_MENTEE, "id": str(uuid4()), "pairing_kind": "one_to_one"}
    services = ending_as_a_mentee([mine])
    async with browser(services, ME, language=language) as page:
        ended = await page.post(f"/mentorships/{PAIRING}/end", data={"csrf": CSRF, "reason_code": "relocated"})
        services.answers[f"GET /v1/pairings/{PAIRING}"] = a_pairing_of_mine("ended")
        after = await page.get(ended.headers["location"])
    assert ended.headers["location"] == f"/mentorships/{PAIRING}?done=ended_waiting"
    assert not [r for r in services.sent if r.method == "PATCH"]
    assert told in text_of(after.text)
    assert f'<a href="/waitlists/{PROGRAM}">{link}</a>' in after.text


async def test_a_mentor_ending_a_mentorship_is_not_told_of_a_waitlist():
    mentoring = an_active_term(mentee_id=MENTOR, mentor_id=ME)
    services = its_page(mentoring, **{f"POST /v1/pairings/{PAIRING}/end": {**mentoring, "status": "ended"}})
    async with browser(services, ME) as page:
        ended = await page.post(f"/mentorships/{PAIRING}/end", data={"csrf": CSRF, "reason_code": "relocated"})
    assert ended.headers["location"] == f"/mentorships/{PAIRING}?done=ended"


def a_home_with_a_mentorship(mine: dict, detail: dict, mode: str = "mentee_choice") -> Services:
    """My home page with this one pairing of mine as matching's overview lists it (saying nothing of how it was
    made), its detail as matching answers it, in PROGRAM where mentees choose their mentor (or `mode`)."""
    return Services({
        "GET /v1/programs": [{"id": PROGRAM, "name": "Premed circle", "term_months": 6, "cadence_max_days": 60,
                              "pairing_mode": mode}],
        f"GET /v1/people/{ME}/overview": {"pairings": [mine], "waiting": []},
        f"GET /v1/people/{ME}/partners": [partner(MENTOR, "Dr Rivera")],
        f"GET /v1/people/{ME}/enrollments": [{**A_MENTEE, "pairing_kind": "one_to_one"}],
        f"GET /v1/pairings/{PAIRING}": detail, f"GET /v1/pairings/{PAIRING}/meetings": [],
        f"GET /v1/people/{MENTOR}/as-partner": partner(MENTOR, "Dr Rivera")})


@pytest.mark.parametrize(("language", "said"), [("en", "Why this mentor may fit:"),
                                                  ("es", "Por qué esta persona mentora puede encajar:")])
async def test_a_mentor_a_mentee_asked_for_who_accepted_is_said_to_fit_not_to_have_been_paired_by_us(language, said):
    # Once her request was accepted, her home page said "Why we paired you:" of the mentor she had chosen herself.
    reasons = {"reasons": ["specialty_overlap"], "reason_codes": ["specialty_overlap"], "closed_at": None}
    listed = an_active_term(**reasons)
    services = a_home_with_a_mentorship(listed, {**listed, "requested_by_mentee": True})
    async with browser(services, ME, language=language) as page:
        home = text_of((await page.get("/")).text)
        whole = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert said in home and said in whole
    assert "Why we paired you" not in home and "Por qué les asignamos" not in home


@pytest.mark.parametrize("made_by_coordinator", [False, True])
async def test_a_mentorship_matching_or_a_coordinator_made_still_says_why_we_paired_you(made_by_coordinator):
    reasons = {"reasons": ["specialty_overlap"], "reason_codes": ["specialty_overlap"], "closed_at": None}
    listed = an_active_term(**reasons)
    services = a_home_with_a_mentorship(listed, {**listed, "made_by_coordinator": made_by_coordinator})
    async with browser(services, ME) as page:
        home = text_of((await page.get("/")).text)
    assert "Why we paired you:" in home and "may fit" not in home


async def test_the_home_page_asks_how_a_mentorship_was_made_only_where_mentees_choose_their_mentor():
    reasons = {"reasons": ["specialty_overlap"], "reason_codes": ["specialty_overlap"], "closed_at": None}
    listed = an_active_term(**reasons)
    services = a_home_with_a_mentorship(listed, listed, mode="rounds")
    async with browser(services, ME) as page:
        home = text_of((await page.get("/")).text)
    assert "Why we paired you:" in home
    assert not [r for r in services.sent if r.url.path == f"/v1/pairings/{PAIRING}"]


async def test_an_email_change_confirmation_opened_signed_out_signs_in_back_to_that_confirmation():
    # Its button went to the sign-in page, which led home: the link in the email had to be found and opened again.
    from .test_sign_in import Mailer
    from .test_sign_in_code import form_token, mailed_code
    confirming = "/account/email/confirm?token=the-emailed-token"
    mailer = Mailer()
    async with browser(Services({"POST /v1/people/lookup": PERSON}), mailer=mailer) as anyone:
        shown = (await anyone.get(confirming)).text
        button = re.search(r'<a class="button" href="([^"]+)">Sign in</a>', shown)
        assert button, "no sign-in button"
        asked = (await anyone.get(html.unescape(button.group(1)))).text
        sent = await anyone.post("/sign-in", data={
            "csrf": form_token(asked), "email": PERSON["email"],
            "next": html.unescape(re.search(r'name="next" value="([^"]+)"', asked).group(1))})
        typed = await anyone.post("/sign-in/code", data={"csrf": form_token(sent.text), "code": mailed_code(mailer)})
        back = await anyone.get(typed.headers["location"])
    assert "Sign in first, with your current address. You then come back to this page to confirm the change." in text_of(shown)
    assert typed.status_code == 303 and typed.headers["location"] == confirming
    assert 'name="token" value="the-emailed-token"' in back.text and "Confirm my new address" in back.text


async def test_a_mentee_ending_a_mentorship_where_mentees_choose_is_offered_no_pause_and_told_to_choose_again():
    # Nobody is proposed to her there: no line to be put back on, nor a pause to take.
    services = ending_as_a_mentee([{**A_MENTEE, "pairing_kind": "one_to_one"}])
    services.answers["GET /v1/programs"][0]["pairing_mode"] = "mentee_choice"
    async with browser(services, ME) as page:
        shown = (await page.get(f"/mentorships/{PAIRING}")).text
        ended = await page.post(f"/mentorships/{PAIRING}/end", data={"csrf": CSRF, "reason_code": "not_a_good_fit"})
        services.answers[f"GET /v1/pairings/{PAIRING}"] = a_pairing_of_mine("ended")
        after = await page.get(ended.headers["location"])
    assert 'id="end-pause-too"' not in shown and "waitlist" not in text_of(shown)
    assert "for any other reason, you can choose another at once." in text_of(shown)
    assert ended.headers["location"] == f"/mentorships/{PAIRING}?done=ended_choosing"
    assert "This mentorship has ended. You can choose another mentor in this program." in text_of(after.text)
    assert f'<a href="/programs/{PROGRAM}/suggestions">Choose another mentor</a>' in after.text


# --- a conference's sessions, as a person finds them ---------------------------------------------------------------

async def test_a_session_whose_conference_cannot_be_read_is_shown_without_its_conferences_link():
    # Events answers 404 (or 403) for the conference: the session's page failed with "Something went wrong".
    session_id, conference_id = str(uuid4()), str(uuid4())
    services, event = an_event(kind="conference_session", title="Applying while LGBTQ+", parent_event_id=conference_id)
    services.answers[f"GET /v1/events/{session_id}"] = {**event, "id": session_id}
    services.answers[f"GET /v1/events/{conference_id}"] = httpx.Response(
        404, json={"error": {"code": "not_found", "message": "not found"}})
    async with browser(services, ME) as page:
        shown = await page.get(f"/events/{session_id}")
    assert shown.status_code == 200
    assert "Applying while LGBTQ+" in shown.text and "A session of" not in shown.text
    assert f'href="/events/{conference_id}"' not in shown.text


async def test_a_conferences_sessions_say_where_i_have_a_seat_and_where_i_wait_without_another_call():
    seat, wait, neither = (str(uuid4()) for _ in range(3))
    services, conference = an_event(kind="conference", title="National conference")
    sessions = [{**conference, "id": seat, "kind": "conference_session", "title": "Keynote", "parent_event_id": EVENT},
                {**conference, "id": wait, "kind": "conference_session", "title": "Panel", "parent_event_id": EVENT},
                {**conference, "id": neither, "kind": "conference_session", "title": "Mixer",
                 "parent_event_id": EVENT}]
    services.answers["GET /v1/events"] = sessions
    services.answers["GET /v1/registrations/mine"] = [
        {"id": str(uuid4()), "scheduled_event_id": event_id, "person_id": ME, "status": status, "attended": None,
         "created_at": None, "event": sessions[0], "waitlist_position": 2 if status == "waitlisted" else None}
        for event_id, status in ((seat, "confirmed"), (wait, "waitlisted"), (neither, "cancelled"))]
    async with browser(services, ME) as page:
        shown = (await page.get(f"/events/{EVENT}")).text
    listed = [text_of(item) for item in re.findall(r"<li>(.*?)</li>", shown.split("<h2>Its sessions</h2>")[1], re.S)]
    assert listed[0].startswith("Keynote") and listed[0].endswith("You have a seat"), listed
    assert listed[1].startswith("Panel") and listed[1].endswith("You are on the waitlist"), listed
    assert "You have a seat" not in listed[2] and "waitlist" not in listed[2], listed
    assert len([r for r in services.sent if r.url.path == "/v1/registrations/mine"]) == 1


@pytest.mark.parametrize(("language", "said"), [("en", "This session's conference is not open yet."),
                                                 ("es", "El congreso de esta sesión aún no está abierto.")],
                         ids=["en", "es"])
async def test_registering_for_a_session_whose_conference_is_not_open_says_so(language, said):
    services, _ = an_event(kind="conference_session", parent_event_id=None)
    services.answers[f"POST /v1/events/{EVENT}/registrations"] = httpx.Response(409, json={"error": {
        "code": "conference_not_published", "message": "this session's conference is not open for registration",
        "field": "scheduled_event_id"}})
    async with browser(services, ME, language=language) as page:
        refused = await page.post(f"/events/{EVENT}/register", data={"csrf": CSRF})
    assert refused.status_code == 422 and said in html.unescape(text_of(refused.text))


# --- my data, downloaded: the names and words I saw next to the ids and codes ---------------------------------------

def my_data_with_a_mentorship(partner_identity: dict | None = None) -> Services:
    chapter = str(uuid4())
    person = {**PERSON, "stage": "medical_student_2", "chapter_id": chapter, "specialties": ["emergency_medicine"],
              "languages": ["es"], "modalities": ["virtual"]}
    enrollment = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentee", "goals": "", "active": True,
                  "preferred_mentor_stages": ["resident"], "mentee_stages_welcome": [], "capacity": 1}
    pairing = a_pairing_of_mine("active", reason_codes=["specialty_overlap"])
    partner = {"id": MENTOR, "display_name": "Dr Rivera", "email": "rivera@example.org", "stage": "resident",
               "pronouns": None, "bio": None, "timezone": "America/Chicago", "identity": partner_identity or {}}
    return Services({**my_data(), f"GET /v1/people/{ME}": person, f"GET /v1/people/{ME}/enrollments": [enrollment],
                     f"GET /v1/people/{ME}/pairings": [pairing], f"GET /v1/people/{ME}/partners": [partner],
                     "GET /v1/chapters": [{"id": chapter, "name": "Chicago chapter"}],
                     "GET /v1/programs": [{"id": PROGRAM, "name": "Premed circle"}]})


async def test_my_data_download_names_next_to_each_id_the_program_chapter_and_partner_i_was_shown():
    services = my_data_with_a_mentorship(partner_identity={"first_generation": "Yes"})
    async with browser(services, ME) as page:
        downloaded = (await page.get("/my-data/download")).json()
    assert downloaded["profile"]["chapter_id"] and downloaded["profile"]["chapter_name"] == "Chicago chapter"
    [enrollment] = downloaded["enrollments"]
    assert enrollment["program_id"] == PROGRAM and enrollment["program_name"] == "Premed circle"
    [mentorship] = downloaded["mentorships"]
    assert mentorship["program_id"] == PROGRAM and mentorship["program_name"] == "Premed circle"
    assert mentorship["mentor_id"] == MENTOR and mentorship["mentor_name"] == "Dr Rivera"
    assert mentorship["mentee_id"] == ME and mentorship["mentee_name"] == "Ana"
    # Only the name the partner page showed: never the partner's answers about who they are, nor their address.
    assert "first_generation" not in json.dumps(downloaded) and "rivera@example.org" not in json.dumps(downloaded)


@pytest.mark.parametrize(("language", "stage", "reason", "specialty", "status"), [
    ("en", "Medical student, year 2", "you share an interest in the same specialty", "Emergency medicine", "Active"),
    ("es", "Estudiante de medicina de segundo año", "les interesa la misma especialidad", None, "Activa")],
    ids=["en", "es"])
async def test_my_data_download_words_each_code_in_my_language_keeping_the_code(language, stage, reason, specialty,
                                                                                status):
    async with browser(my_data_with_a_mentorship(), ME, language=language) as page:
        downloaded = (await page.get("/my-data/download")).json()
    profile, [mentorship] = downloaded["profile"], downloaded["mentorships"]
    assert profile["stage"] == "medical_student_2" and profile["stage_words"] == stage
    assert profile["specialties"] == ["emergency_medicine"] and len(profile["specialties_words"]) == 1
    if specialty:
        assert profile["specialties_words"] == [specialty]
    assert mentorship["reason_codes"] == ["specialty_overlap"] and mentorship["reason_words"] == [reason]
    assert mentorship["status"] == "active" and mentorship["status_words"] == status


@pytest.mark.parametrize("language, said", [
    ("en", "Status Ended Began June 1, 2025 Ended March 3, 2026"),
    ("es", "Estado Terminada Comenzó 1 de junio de 2025 Terminó 3 de marzo de 2026")])
async def test_the_page_of_a_mentorship_over_says_the_day_it_ended_which_matching_gives_in_the_persons_pairings(
        language, said):
    # "Status Ended", "Began …", and no end: matching says when it closed in the person's pairings, not its detail.
    ended = a_pairing_of_mine("ended", confirmed_at="2025-06-01T15:00:00+00:00", my_feedback=None)
    services = its_page(ended, **{f"GET /v1/people/{ME}/pairings": [
        {**ended, "closed_at": "2026-03-03T15:00:00+00:00"},
        {**ended, "id": str(uuid4()), "closed_at": "2025-01-01T15:00:00+00:00"}]})
    async with browser(services, ME, language=language) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert said in shown


async def test_the_page_of_a_mentorship_over_still_shows_when_its_end_cannot_be_asked():
    ended = a_pairing_of_mine("ended", confirmed_at="2025-06-01T15:00:00+00:00", my_feedback=None)
    async with browser(its_page(ended), ME) as page:  # the person's pairings are not answered
        shown = await page.get(f"/mentorships/{PAIRING}")
    assert shown.status_code == 200 and "Status Ended Began June 1, 2025 " in text_of(shown.text)


async def test_a_mentee_ready_for_a_mentor_again_is_told_their_place_in_line_comes_in_a_moment():
    # The card said "We are looking for a mentor for you." with no place: it shows only once matching has heard.
    async with browser(a_home_with(A_MENTEE), ME) as page:
        home = text_of((await page.get(f"/?done=ready_for_a_mentor&program={PROGRAM}")).text)
    assert ("We will propose a mentor to you in Premed circle again. In a moment, your place in line is shown here "
            "(reload the page) and emailed to you.") in home


async def test_a_mentee_ready_again_whose_place_is_shown_already_is_not_told_it_comes():
    services = a_home_with(A_MENTEE)
    services.answers[f"GET /v1/people/{ME}/overview"] = {"pairings": [], "waiting": [
        {"program_id": PROGRAM, "pairing_kind": "general", "position": 3,
         "waiting_since": "2026-02-01T12:00:00+00:00"}]}
    async with browser(services, ME) as page:
        home = text_of((await page.get(f"/?done=ready_for_a_mentor&program={PROGRAM}")).text)
    assert "You are number 3 in line" in home
    assert "We will propose a mentor to you in Premed circle again." in home and "In a moment" not in home
