"""The code in a sign-in email, typed in the browser that asked for it: for whoever reads their email on another
device (a hospital's workstation, where their mail is blocked, and their phone)."""

from __future__ import annotations

import re

import httpx

from .pages import Services, browser
from .test_pages import PERSON
from .test_sign_in import FakeLinks, Mailer, not_the

KNOWN_PERSON = Services({"POST /v1/people/lookup": PERSON})


def form_token(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def mailed_code(mailer: Mailer) -> str:
    """The code as the email's text shows it: two groups of three digits."""
    found = re.search(r"\b(\d{3}) (\d{3})\b", mailer.sent[-1][2])
    assert found, mailer.sent[-1][2]
    return found.group(0)


async def ask_for_a_link(page: httpx.AsyncClient, back_to: str = "/") -> httpx.Response:
    token = form_token((await page.get(f"/sign-in?next={back_to}")).text)
    return await page.post("/sign-in", data={"csrf": token, "email": PERSON["email"], "next": back_to})


async def asked_for_a_code(page: httpx.AsyncClient, mailer: Mailer) -> tuple[str, str]:
    """Ask for a link in this browser: the page's form token and the emailed code, as digits."""
    sent = await ask_for_a_link(page)
    return form_token(sent.text), mailed_code(mailer).replace(" ", "")


async def test_the_code_from_the_email_typed_where_the_link_was_asked_for_signs_in_and_leads_on():
    mailer = Mailer()
    async with browser(KNOWN_PERSON, mailer=mailer) as page:
        sent = await ask_for_a_link(page, "/events")
        typed = await page.post("/sign-in/code", data={"csrf": form_token(sent.text), "code": mailed_code(mailer)})
        home = await page.get("/events")
    assert 'action="/sign-in/code"' in sent.text and 'autocomplete="one-time-code"' in sent.text
    assert "Or type the code from the email here" in sent.text
    assert typed.status_code == 303 and typed.headers["location"] == "/events"
    assert [c for c in typed.headers.get_list("set-cookie") if c.startswith("__Host-session=")]
    assert "Sign out" in home.text


async def test_a_wrong_code_is_refused_next_to_it_saying_how_many_tries_are_left_and_the_typed_code_is_kept():
    mailer = Mailer()
    async with browser(KNOWN_PERSON, mailer=mailer) as page:
        csrf, code = await asked_for_a_code(page, mailer)
        wrong = not_the(code)
        refused = await page.post("/sign-in/code", data={"csrf": csrf, "code": wrong})
        misshapen = await page.post("/sign-in/code", data={"csrf": csrf, "code": "12345"})
    assert refused.status_code == 422
    error = re.search(r'<p class="field-error" id="code-error">([^<]*)</p>', refused.text)
    assert error and error[1] == ("That is not the code in the newest email we sent you. You can try 4 more times.")
    assert re.search(r'id="code"[^>]*aria-describedby="[^"]*code-error"', refused.text)
    assert re.search(rf'id="code"[^>]*value="{wrong}"', refused.text)
    assert misshapen.status_code == 422 and "Enter the 6 digits from the email." in misshapen.text


async def test_after_five_wrong_codes_the_page_says_to_follow_the_link_or_ask_for_a_new_one():
    mailer = Mailer()
    async with browser(KNOWN_PERSON, mailer=mailer) as page:
        csrf, code = await asked_for_a_code(page, mailer)
        answers = [await page.post("/sign-in/code", data={"csrf": csrf, "code": not_the(code)}) for _ in range(5)]
        right = await page.post("/sign-in/code", data={"csrf": csrf, "code": code})
    assert [a.status_code for a in answers] == [422] * 4 + [410]
    assert right.status_code == 410
    assert "Too many wrong codes" in right.text and 'action="/sign-in"' in right.text


async def test_a_code_typed_in_a_browser_that_asked_for_nothing_signs_in_nobody():
    mailer, links = Mailer(), FakeLinks()  # one web app's links, two browsers
    async with browser(KNOWN_PERSON, mailer=mailer, links=links) as asking:
        await ask_for_a_link(asking)
    async with browser(KNOWN_PERSON, mailer=mailer, links=links) as other:
        token = form_token((await other.get("/sign-in")).text)
        typed = await other.post("/sign-in/code", data={"csrf": token, "code": mailed_code(mailer)})
    assert typed.status_code == 410
    assert not [c for c in typed.headers.get_list("set-cookie") if c.startswith("__Host-session=")]
