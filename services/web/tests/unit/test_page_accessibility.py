"""What the accessibility review asked of the participants' pages (the services played by fakes): a form answered
with mistakes opens on one list of them, each linking to its field, and says "Error" in its title; a page's title
names what its heading names; headings go down one level at a time; hints are out of the labels, read with their
field."""

from __future__ import annotations

import re
from uuid import uuid4

import httpx
import pytest

from .pages import CSRF, Services, browser, mentoring
from .test_pages import (
    A_MENTEE,
    ME,
    MENTOR,
    PAIRING,
    PERSON,
    PROGRAM,
    a_home_with,
    a_pairing_of_mine,
    choosing,
    its_page,
    my_data,
    partner,
)


def title(html: str) -> str:
    found = re.search(r"<title>([^<]*)</title>", html)
    assert found
    return " ".join(found.group(1).split())


def summary_links(html: str) -> list[str]:
    """The fields the page's one error summary links to (fails when there is none, or more than one)."""
    assert html.count("data-error-summary") == 1, "not one error summary"
    found = re.search(r'<div class="notice error error-summary"[^>]*data-error-summary[^>]*>(.*?)</div>', html, re.S)
    assert found and re.search(r"<h([23])>(There is a problem|Hay un problema)</h\1>", found.group(1))  # h3 in a part
    return re.findall(r'<a href="#([^"]+)"', found.group(1))


def has_id(html: str, id_: str) -> bool:
    return re.search(rf'\sid="{re.escape(id_)}"', html) is not None


def heading_levels(html: str) -> list[int]:
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", main)]


def no_level_skipped(levels: list[int]) -> bool:
    return levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


async def test_sign_in_with_an_address_that_is_none_opens_on_a_summary_linking_to_the_field():
    async with browser(Services()) as page:
        token = re.search(r'name="csrf" value="([^"]+)"', (await page.get("/sign-in")).text).group(1)
        answer = await page.post("/sign-in", data={"csrf": token, "email": "not-an-address"})
    assert answer.status_code == 422
    assert summary_links(answer.text) == ["email"]
    assert title(answer.text) == "Error: Sign in · Mentorship in medicine"


@pytest.mark.parametrize("typed, said", [
    ("", "Enter your email address, like name@example.org."),
    ("lucia@@bad", "This is not an email address: check it has one @ and a domain, like name@example.org.")])
async def test_sign_in_says_whether_no_address_was_typed_or_one_that_is_none(typed, said):
    async with browser(Services()) as page:
        token = re.search(r'name="csrf" value="([^"]+)"', (await page.get("/sign-in")).text).group(1)
        answer = await page.post("/sign-in", data={"csrf": token, "email": typed})
    assert answer.status_code == 422 and said in answer.text


async def test_a_sign_in_link_that_cannot_be_used_is_titled_for_what_it_is():
    async with browser(Services()) as page:
        answer = await page.get("/sign-in/a-link-token-that-the-email-carried")
    assert answer.status_code == 410
    assert title(answer.text) == "Error: This sign-in link can no longer be used · Mentorship in medicine"
    assert "<h1>This sign-in link can no longer be used</h1>" in answer.text


async def test_sign_up_about_you_sent_empty_opens_on_a_summary_linking_each_field():
    async with browser(Services({"GET /v1/chapters": []}), newcomer=True) as page:
        answer = await page.post("/sign-up", data={"csrf": CSRF})
    assert answer.status_code == 422
    links = summary_links(answer.text)
    assert links == ["display_name", "stage", "timezone", "languages"]
    assert all(has_id(answer.text, field) for field in links)
    assert title(answer.text).startswith("Error: ")
    assert "Please check the answers marked below." not in answer.text  # the summary replaces the generic notice


async def test_the_profile_with_a_mistake_opens_on_a_summary_and_says_error_in_its_title_in_spanish():
    services = Services({f"GET /v1/people/{ME}": PERSON, "GET /v1/chapters": []})
    async with browser(services, ME, language="es") as page:
        answer = await page.post("/profile", data={"csrf": CSRF, "display_name": "Ana", "stage": "undergraduate",
                                                   "timezone": "Mars/Olympus_Mons", "language": "es",
                                                   "languages": "es"})
    assert answer.status_code == 422
    assert summary_links(answer.text) == ["timezone"]
    assert title(answer.text).startswith("Error: ")


async def test_identity_answers_with_mistakes_open_on_a_summary_linking_each_wish():
    services = Services({f"GET /v1/people/{ME}/identity": {"attributes": {}, "requests": []}})
    async with browser(services, ME) as page:
        answer = await page.post("/sign-up/identity", data={"csrf": CSRF, "veteran.wish": "preference"})
    assert answer.status_code == 422
    links = summary_links(answer.text)
    assert links == ["veteran-wish"] and has_id(answer.text, "veteran-wish")
    assert title(answer.text).startswith("Error: ")


async def test_an_office_hour_offered_with_mistakes_opens_on_a_summary_linking_each_field():
    services = Services({f"GET /v1/people/{ME}/office-hours/slots": [], "GET /v1/office-hours/slots": [],
                         **mentoring(ME)})
    async with browser(services, ME) as page:
        answer = await page.post("/my-office-hours", data={
            "csrf": CSRF, "day": "", "time": "10:15", "minutes": "45", "where": "in_person", "location": " "})
    assert answer.status_code == 422
    assert summary_links(answer.text) == ["day", "location"]
    assert title(answer.text).startswith("Error: ")


async def test_an_office_hour_events_refuses_is_said_in_the_summary():
    services = Services({f"GET /v1/people/{ME}/office-hours/slots": [], "GET /v1/office-hours/slots": [],
                         **mentoring(ME), "POST /v1/office-hours/slots": httpx.Response(
                             403, json={"error": {"code": "forbidden", "message": "not a mentor"}})})
    async with browser(services, ME) as page:
        answer = await page.post("/my-office-hours", data={
            "csrf": CSRF, "day": "2099-01-05", "time": "10:15", "minutes": "45", "where": "online"})
    assert answer.status_code == 422
    assert summary_links(answer.text) == []  # a refusal of the whole form: said, linking to no field
    assert "Office hours are offered by mentors" in answer.text.split("data-error-summary")[1]
    assert title(answer.text).startswith("Error: ")


async def test_a_number_of_mentees_refused_at_home_is_said_above_the_page_linking_to_its_far_down_field():
    enrollment = {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentor", "pairing_kind": "general",
                 "active": True, "capacity": 2, "approval": "approved", "paused": False, "paused_because": None}
    async with browser(a_home_with(enrollment), ME) as page:
        refused = await page.post(f"/enrollments/{enrollment['id']}/capacity", data={"csrf": CSRF, "capacity": "0"})
        home = await page.get("/")
    assert refused.status_code == 422
    assert summary_links(refused.text) == [f"capacity-{enrollment['id']}"]
    assert title(refused.text).startswith("Error: ")
    assert "data-error-summary" not in home.text and not title(home.text).startswith("Error: ")


async def test_a_page_without_mistakes_has_no_error_in_its_title():
    async with browser(Services()) as page:
        answer = await page.get("/sign-in")
    assert title(answer.text) == "Sign in · Mentorship in medicine"


async def test_the_page_of_a_mentorship_is_titled_with_the_partner_its_heading_names():
    pairing = a_pairing_of_mine("active")
    async with browser(its_page(pairing), ME) as page:
        shown = await page.get(f"/mentorships/{PAIRING}")
    assert "<h1>Mentorship with Dr Rivera</h1>" in shown.text
    assert title(shown.text) == "Mentorship with Dr Rivera · Mentorship in medicine"


async def test_the_headings_of_a_mentorships_page_go_down_one_level_at_a_time():
    async with browser(its_page(a_pairing_of_mine("active")), ME) as page:
        shown = await page.get(f"/mentorships/{PAIRING}")
    assert no_level_skipped(heading_levels(shown.text)), heading_levels(shown.text)


async def test_the_headings_of_the_home_page_with_a_mentorship_go_down_one_level_at_a_time():
    pairing = a_pairing_of_mine("active")
    services = its_page(pairing, **{
        f"GET /v1/people/{ME}/overview": {"pairings": [pairing], "waiting": []},
        f"GET /v1/people/{ME}/partners": [partner(MENTOR, "Dr Rivera")], f"GET /v1/people/{ME}/enrollments": []})
    async with browser(services, ME) as page:
        home = await page.get("/")
    assert home.status_code == 200 and "Dr Rivera" in home.text
    assert no_level_skipped(heading_levels(home.text)), heading_levels(home.text)


@pytest.mark.parametrize("path, field", [("/profile", "display_name"), ("/profile", "chapter_id"),
                                         ("/sign-up/interests", "bio")])
async def test_a_hint_is_out_of_its_label_and_read_with_its_field(path, field):
    services = Services({f"GET /v1/people/{ME}": PERSON, "GET /v1/chapters": []})
    async with browser(services, ME) as page:
        html = (await page.get(path)).text
    label = re.search(rf'<label for="{field}">(.*?)</label>', html, re.S)
    assert label and 'class="hint"' not in label.group(1)
    described = re.search(rf'id="{field}"[^>]*aria-describedby="([^"]+)"', html)
    assert described and f"{field}-hint" in described.group(1).split()
    assert re.search(rf'<p class="hint" id="{field}-hint">', html)


@pytest.mark.parametrize("language, said", [
    ("en", "Waitlist of Premed circle · Mentorship in medicine"),
    ("es", "Espera de persona mentora en Premed circle · Mentoría en medicina")])
async def test_a_programs_waitlist_page_names_the_program_in_its_title(language, said):
    # "Waitlist" alone was the title of every program's waitlist (WCAG 2.4.2); the heading names the program.
    async with browser(a_home_with({**A_MENTEE, "active": False}), ME, language) as page:
        shown = await page.get(f"/waitlists/{PROGRAM}")
    assert "<h1>Premed circle</h1>" in shown.text
    assert title(shown.text) == said


@pytest.mark.parametrize("language, said", [("en", "Choose a mentor in Premed circle"),
                                            ("es", "Elige a una persona mentora en Premed circle")])
async def test_a_programs_page_of_mentors_to_choose_names_the_program_in_its_title_and_heading(language, said):
    async with browser(choosing([MENTOR]), ME, language) as page:
        shown = await page.get(f"/programs/{PROGRAM}/suggestions")
    assert f"<h1>{said}</h1>" in shown.text
    assert title(shown.text).startswith(f"{said} · ")


def notice_saying(html: str, said: str) -> str:
    """The opening tag of the notice that says `said` (fails when there is none)."""
    found = re.search(rf'(<div class="notice[^"]*"[^>]*>)<p>{re.escape(said)}</p>', html)
    assert found, f"no notice says {said!r}"
    return found.group(1)


@pytest.mark.parametrize("path, said", [
    ("/settings/notifications?done=preferences", "Your email choices are saved."),
    ("/?done=profile_saved", "Your details are saved."),
    ("/my-data?done=signed_out_elsewhere", "You are signed out on every other device."),
])
async def test_a_notice_that_something_is_done_is_marked_to_take_focus_when_the_page_opens(path, said):
    # A role="status" box there from the start is seldom read out: focus brings the reader to it (app.js), as to an
    # error; without a script it is still where it was, and tabindex="-1" adds no stop to the Tab order.
    services = a_home_with(A_MENTEE)
    services.answers.update(my_data())
    services.answers[f"GET /v1/people/{ME}/preferences"] = {"categories": [], "daily_digest": False}
    async with browser(services, ME) as page:
        shown = await page.get(path)
    opening = notice_saying(shown.text, said)
    assert 'role="status"' in opening and "data-focus" in opening and 'tabindex="-1"' in opening


async def test_a_signed_out_visitor_is_told_so_by_a_notice_marked_to_take_focus():
    async with browser(Services()) as page:
        shown = await page.get("/?signed_out=1")
    opening = notice_saying(shown.text, "You are signed out.")
    assert "data-focus" in opening and 'tabindex="-1"' in opening
