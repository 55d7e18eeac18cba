"""axe-core on every page, signed out and signed in, in English and in Spanish: no WCAG 2.2 AA violation. A page
with planted errors must fail the same audit, so that an audit that checks nothing cannot pass. And the sign-up
wizard by keyboard alone."""

from __future__ import annotations

import hashlib
from uuid import UUID, uuid4

import asyncpg
import pytest
from plumbing.auth import Role
from plumbing.testing import eventually

from ..conftest import audit, audit_forms_sent_empty, sign_in


async def test_the_audit_fails_a_page_with_planted_errors(page):
    await page.set_content("<html><body><img src='x.png'><input type='text'><a href='/x'></a>"
                           "<p style='color:#aaa;background:#fff'>faint</p></body></html>")
    found = " ".join(await audit(page))
    for rule in ("image-alt", "label", "html-has-lang", "link-name", "color-contrast"):
        assert rule in found


async def _paired_mentee(platform) -> tuple[str, str]:
    """A mentee enrolled (by the API) and proposed a mentor: their address and the pairing's id."""
    email = f"audit.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        person = (await profiles.post("/v1/people", json={
            "display_name": "Rosa Díaz", "email": email, "stage": "undergraduate", "timezone": "America/Chicago",
            "specialties": ["emergency_medicine"]})).json()
        await profiles.post("/v1/enrollments", json={"person_id": person["id"], "role": "mentee",
                                                     "program_id": platform.world["program"]["id"]})
    async with platform.client("matching") as matching:
        async def proposed():
            found = (await matching.get(f"/v1/people/{person['id']}/pairings")).json()
            return found[0]["id"] if found else None
        pairing = await eventually(proposed, timeout=60, what="a proposed pairing")
    return email, pairing


async def _made_active(platform, pairing: str) -> None:
    """The proposal accepted by both sides, through matching's API."""
    async with platform.client("matching") as matching:
        found = (await matching.get(f"/v1/pairings/{pairing}")).json()
    for side in ("mentee_id", "mentor_id"):
        async with platform.client("matching", Role.PARTICIPANT, person_id=found[side]) as as_side:
            answered = await as_side.post(f"/v1/pairings/{pairing}/accept")
            assert answered.status_code == 200, answered.text
            if answered.json()["status"] == "active":
                return
    raise AssertionError("the pairing did not become active")


@pytest.mark.parametrize("language", ["en", "es"])
async def test_every_page_passes_axe_signed_out_and_signed_in(platform, browser, language):
    context = await browser.new_context(base_url=platform.web, viewport={"width": 390, "height": 844},
                                        locale="es-ES" if language == "es" else "en-US")
    context.set_default_timeout(15_000)
    problems: dict[str, list[str]] = {}
    event = platform.world["event"]["id"]
    try:
        page = await context.new_page()

        async def check(path: str | None = None) -> None:
            if path:
                await page.goto(path)
            assert await page.get_attribute("html", "lang") == language
            found = await audit(page)
            if found:
                problems[page.url] = found

        for path in ("/", "/sign-in", "/events", f"/events/{event}", "/sign-in/" + "x" * 43,
                     "/account/email/confirm?token=x"):
            await check(path)
        await page.goto("/sign-in")
        await page.locator("#email").fill("")
        await page.locator("form[action='/sign-in'] button").click()  # an error shown in place
        await check()

        email, pairing = await _paired_mentee(platform)
        before = platform.last_message_id()
        await page.goto("/sign-in")
        await page.locator("#email").fill(email)
        await page.locator("form[action='/sign-in'] button").click()
        await page.locator("h1").wait_for()
        await check()  # "check your email"
        await page.locator("#code").fill("12")
        await page.locator("form[action='/sign-in/code'] button").click()  # a code mistyped, its error in place
        await page.locator("#code-error").wait_for()
        await check()
        await page.goto(await platform.link_sent_to(email, after=before))
        await check()  # the confirmation page
        await page.locator("form[action^='/sign-in/'] button").click()
        await page.wait_for_url(f"{platform.web}/")
        for path in ("/", f"/mentorships/{pairing}", "/events", f"/events/{event}", "/registrations",
                     "/sign-up/interests", "/sign-up/identity", "/sign-up/enrol", "/my-data", "/my-data/erase",
                     f"/waitlists/{platform.world['program']['id']}", f"/mentorships/{UUID(int=1)}",
                     "/inbox", "/settings/notifications", "/office-hours", f"/programs/{platform.world['program']['id']}",
                     f"/mentorships/{pairing}/feedback", "/account/email/confirm?token=x"):
            await check(path)
        # The pages that answer a POST: each form for typing in, sent empty, then the mentorship's own (last: its
        # answers may move the pairing on).
        sent = await audit_forms_sent_empty(page, ["/profile", "/my-data", "/settings/notifications", "/registrations",
                                                   "/sign-up/interests", "/sign-up/identity", "/sign-up/enrol",
                                                   f"/mentorships/{pairing}/feedback", f"/mentorships/{pairing}"])
        problems.update(sent.problems)
        refused = {action.split(" -> ")[1] for action, status in sent.answered.items() if status == 422}
        assert {"/profile", "/account/email", f"/mentorships/{pairing}/feedback"} <= refused, sent.answered
        # Then active: the form for typing in only an active mentorship has (log a meeting), sent empty too.
        await _made_active(platform, pairing)
        sent = await audit_forms_sent_empty(page, [f"/mentorships/{pairing}"])
        problems.update(sent.problems)
        refused = {action.split(" -> ")[1] for action, status in sent.answered.items() if status == 422}
        assert f"/mentorships/{pairing}/meetings" in refused, sent.answered

        # A newcomer's first step of the wizard, with its errors shown.
        await context.clear_cookies()
        await sign_in(page, platform, f"new.{uuid4().hex[:8]}@example.org")
        await check("/sign-up")
        await page.locator("form[action='/sign-up'] button[type=submit]").click()
        await page.locator(".notice.error").wait_for()
        await check()
    finally:
        await context.close()
    assert problems == {}


async def test_signing_up_by_keyboard_alone(platform, page):
    await sign_in(page, platform, f"keys.{uuid4().hex[:8]}@example.org")

    async def tab_to(selector: str) -> None:
        for _ in range(80):
            await page.keyboard.press("Tab")
            if await page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    await tab_to("#display_name")
    await page.keyboard.type("Jo Keys")
    await tab_to("#stage")
    await page.keyboard.type("Undergraduate")
    await tab_to("#timezone")
    await page.keyboard.type("America/Chicago")
    await tab_to("input[name=modalities][value=in_person]")
    await page.keyboard.press("Space")
    await tab_to("form[action='/sign-up'] button[type=submit]")
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name="Your interests").wait_for()
    await tab_to("input[value=psychiatry]")
    await page.keyboard.press("Space")
    await tab_to("form[action='/sign-up/interests'] button[type=submit]")
    await page.keyboard.press("Enter")
    await page.get_by_role("heading", name="About who you are (optional)").wait_for()
    # The skip link is the first stop, and leads to the content.
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.className") == "skip"
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_session_signed_in_long_ago_is_asked_to_confirm_it_is_them_on_pages_that_pass_axe(platform, browser,
                                                                                                  language):
    context = await browser.new_context(base_url=platform.web, locale="es-ES" if language == "es" else "en-US")
    context.set_default_timeout(15_000)
    problems: dict[str, list[str]] = {}
    email = f"old.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        await profiles.post("/v1/people", json={"display_name": "Inés", "email": email, "stage": "resident",
                                                "preferred_language": language})
    try:
        page = await context.new_page()

        async def check() -> None:
            found = await audit(page)
            if found:
                problems[page.url] = found

        await sign_in(page, platform, email)
        [cookie] = [c for c in await context.cookies() if c["name"] == "__Host-session"]
        conn = await asyncpg.connect(platform.databases["web"])
        try:
            await conn.execute("UPDATE sessions SET signed_in_at = now() - interval '1 day' WHERE digest = $1",
                               hashlib.sha256(cookie["value"].encode()).hexdigest())
        finally:
            await conn.close()
        await page.goto("/my-data")
        assert await page.locator("form[action='/account/email']").count() == 0
        await check()
        await page.goto("/my-data/erase")
        assert await page.locator("form[action='/my-data/erase']").count() == 0
        await check()
        before = platform.last_message_id()
        await page.locator("form[action='/account/confirm-it-is-you'] button").click()
        await page.locator(".notice.ok[role=status]").wait_for()  # the link is on its way
        await check()
        await page.goto(await platform.link_sent_to(email, after=before))
        await page.locator("form[action^='/sign-in/'] button").click()
        await page.wait_for_url(f"{platform.web}/my-data/erase")
        assert await page.locator("form[action='/my-data/erase']").count() == 1  # now recent: the form
        await check()
    finally:
        await context.close()
    assert problems == {}
