"""People's journeys through the browser, on the real platform: signing up by the emailed link, being paired and
meeting; registering for an event; downloading one's data; erasing one's account."""

from __future__ import annotations

import json
import re
from datetime import datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

from babel.dates import format_date
from plumbing.testing import eventually

from ..conftest import join_as, sign_in


async def _reload_until(page, check, what: str, timeout: float = 60):
    async def seen():
        await page.reload()
        return await check()
    return await eventually(seen, timeout=timeout, interval=0.5, what=what)


async def test_a_pre_med_signs_up_by_the_emailed_link_is_paired_both_accept_and_a_meeting_is_logged(
        platform, browser, page):
    email = f"sam.{uuid4().hex[:8]}@example.org"
    await sign_in(page, platform, email)

    # Step 1: about me.
    assert page.url.endswith("/sign-up")
    await page.get_by_label("Your name").fill("Sam Okafor")
    await page.get_by_label("Where are you in your training?").select_option("undergraduate")
    await page.get_by_label("Your time zone").select_option("America/Chicago")
    await page.get_by_label("Spanish").first.check()
    await page.get_by_role("button", name="Save and continue").click()
    # Step 2: interests.
    await page.get_by_role("heading", name="Your interests").wait_for()
    await page.get_by_label("Emergency medicine").check()
    await page.get_by_label("Applications and interviews").check()
    await page.get_by_role("button", name="Save and continue").click()
    # Step 3: one identity attribute, used for matching but not shown to a partner.
    await page.get_by_role("heading", name="About who you are (optional)").wait_for()
    await page.locator("summary", has_text="First in my family to go to college").click()  # opens the question
    first_gen = page.get_by_role("group", name="First in my family to go to college")
    await first_gen.get_by_label("In your own words").fill("First in my family to go to college")
    await first_gen.get_by_label("Use it for matching").check()
    await page.get_by_role("button", name="Save and continue").click()
    # Step 4: enrol as a mentee.
    await page.get_by_role("heading", name="Join a program").wait_for()
    await page.get_by_label(platform.world["program"]["name"]).check()
    await join_as(page, "mentee")
    await page.get_by_role("button", name="Join", exact=True).click()
    await page.get_by_text("You have joined the program.").wait_for()

    # Profiles holds the one consent given, and only it.
    async with platform.client("profiles", role="service") as profiles:
        found = (await profiles.post("/v1/people/lookup", json={"email": email})).json()
    async with platform.client("profiles", role="participant", person_id=found["id"]) as mine:
        identity = (await mine.get(f"/v1/people/{found['id']}/identity")).json()
    assert identity["attributes"]["first_generation"] == {
        "value": "First in my family to go to college", "use_in_matching": True, "show_to_partner": False}

    # Matching proposes a mentor; the mentee accepts on the dashboard (HTMX swaps the card in place).
    accept = page.get_by_role("button", name="Accept")
    await _reload_until(page, accept.is_visible, "the proposed mentorship on the dashboard")
    await page.get_by_text("Why we paired you:").first.wait_for()
    pairing_link = await page.locator("article a[href^='/mentorships/']").first.get_attribute("href")
    await accept.click()
    status = page.locator("#status")
    await status.get_by_text("You accepted this mentorship.").wait_for(state="attached")
    assert await page.evaluate("document.activeElement.tagName") in ("H2", "P", "ARTICLE")  # the card's heading

    # The mentor signs in in another browser and accepts too.
    mentor_context = await browser.new_context(base_url=platform.web, viewport={"width": 1280, "height": 800})
    try:
        mentor = await mentor_context.new_page()
        await sign_in(mentor, platform, platform.world["mentor_email"])
        await mentor.goto(pairing_link)  # where the email about it links to
        mentor_accept = mentor.get_by_role("button", name="Accept")
        await mentor_accept.click()
        await mentor.locator("#status").get_by_text("You accepted this mentorship.").wait_for(state="attached")
    finally:
        await mentor_context.close()

    # Now active: the mentee sees the mentor (name, pronouns) and when to meet, and logs a meeting.
    await _reload_until(page, page.get_by_text("Active").first.is_visible, "the mentorship to become active")
    await page.get_by_text("Dr. Ana Reyes").first.wait_for()
    await page.get_by_role("link", name=re.compile("Open this mentorship")).first.click()
    await page.get_by_role("heading", name="Mentorship with Dr. Ana Reyes").wait_for()
    # Today where the mentee lives (they chose Chicago): the page will not take a day after it.
    met_on = datetime.now(ZoneInfo("America/Chicago")).date()
    await page.get_by_label("Day you met").fill(met_on.isoformat())
    await page.get_by_label("How many minutes").fill("45")
    await page.get_by_label("Topics (optional, separated by commas)").fill("personal statement, MCAT")
    await page.get_by_role("button", name="Log this meeting").click()
    await page.get_by_text("Your meeting is logged.").wait_for()
    # The day they met, as they gave it (not the evening before, as midnight in UTC is in Chicago).
    await page.get_by_text(f"Last meeting: {format_date(met_on, 'long', locale='en')}.").wait_for()
    # The pair read back what they logged; and it is in the mentee's copy of their data.
    logged = page.locator("ul.meetings li")
    assert await logged.count() == 1
    assert re.search(r"45 minutes: personal statement, MCAT\s+\(logged by you\)", await logged.inner_text())
    exported = await (await page.request.get("/my-data/download")).json()
    assert [(m["minutes"], m["topics"]) for m in exported["meetings"]] == [(45, ["personal statement", "MCAT"])]


async def test_a_student_registers_for_an_event_sees_its_link_once_confirmed_and_cancels(platform, page):
    event = platform.world["event"]
    email = f"lee.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        await profiles.post("/v1/people", json={"display_name": "Lee", "email": email, "stage": "undergraduate",
                                                "timezone": "America/New_York"})
    await sign_in(page, platform, email)
    await page.get_by_role("link", name="Events").first.click()
    await page.get_by_role("link", name=event["title"]).click()
    await page.get_by_role("heading", name=event["title"]).wait_for()

    register = page.get_by_role("button", name="Register")

    async def registered():
        await page.reload()
        await register.click()
        await page.locator("section#registration[data-announce]").wait_for()  # swapped in, with what to announce
        return await page.get_by_text("You are registered.").is_visible()  # said once, where one stands

    # Events learns of the person from profiles' topic: until then the page says so in words.
    await eventually(registered, timeout=60, interval=0.5, what="a confirmed seat")
    await page.get_by_role("link", name=event["virtual_link"]).wait_for()
    await page.get_by_role("button", name="Cancel my registration").click()
    # Asked first, in the same section: a seat given up may not come back.
    await page.get_by_text("Give up your seat?").wait_for()
    await page.get_by_role("button", name="Yes, cancel my registration").click()
    await page.get_by_text("Your registration is cancelled.").first.wait_for()
    assert not await page.get_by_role("link", name=event["virtual_link"]).is_visible()
    await page.get_by_role("button", name="Register").wait_for()
    # The same without JavaScript: plain forms, and the answer on the next page.
    no_script = await page.context.browser.new_context(base_url=platform.web, java_script_enabled=False)
    try:
        plain = await no_script.new_page()
        await sign_in(plain, platform, email)
        await plain.goto(f"/events/{event['id']}")
        await plain.get_by_role("button", name="Register").click()
        await plain.get_by_text("You are registered.").wait_for()
        await plain.get_by_role("link", name=event["virtual_link"]).wait_for()
    finally:
        await no_script.close()


async def test_a_person_downloads_their_data_then_erases_the_account_and_the_session_is_gone(platform, page,
                                                                                              context):
    email = f"kim.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        await profiles.post("/v1/people", json={"display_name": "Kim Vu", "email": email, "stage": "high_school"})
    await sign_in(page, platform, email)
    await page.get_by_role("link", name="My data").click()
    await page.get_by_role("heading", name="Your data").wait_for()
    await page.get_by_text(email).wait_for()
    # A long address wraps rather than widening the page past the phone's screen.
    assert await page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="Download it all (JSON)").click()
    downloaded = await (await downloading.value).path()
    data = json.loads(open(downloaded, encoding="utf-8").read())
    assert data["profile"]["email"] == email and data["identity"] == {"attributes": {}, "requests": []}
    assert set(data) >= {"enrollments", "mentorships", "meetings", "event_registrations", "office_hour_bookings",
                         "office_hours_offered", "messages", "email_preferences"}

    # What notifications holds is in it too: the messages sent and the emails chosen.
    async def with_the_welcome() -> dict | None:
        exported = await (await page.request.get("/my-data/download")).json()
        kinds = [m["kind"] for m in exported["messages"]]
        return exported if "welcome" in kinds and exported["email_preferences"] else None
    exported = await eventually(with_the_welcome, timeout=30, what="the welcome message in the download")
    assert exported["email_preferences"]["daily_digest"] is False

    # A second device, signed in too, is signed out by the erasure.
    other = await context.browser.new_context(base_url=platform.web)
    try:
        other_page = await other.new_page()
        await sign_in(other_page, platform, email)
        await page.get_by_role("link", name="Erase my account…").click()
        await page.get_by_label("Yes, erase everything about me").check()
        await page.get_by_role("button", name="Erase my account").click()
        await page.get_by_text("Your account and your data are erased.").wait_for()
        assert not [c for c in await context.cookies() if c["name"] == "__Host-session"]
        await other_page.goto("/my-data")
        assert "/sign-in" in other_page.url
    finally:
        await other.close()
    async with platform.client("profiles", role="service") as profiles:
        assert (await profiles.post("/v1/people/lookup", json={"email": email})).status_code == 404


async def test_signing_in_on_the_way_to_a_page_leads_there_even_when_the_link_is_opened_in_another_browser(
        platform, browser, page):
    email = f"back.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        await profiles.post("/v1/people", json={"display_name": "Bo", "email": email, "stage": "undergraduate"})
    before = platform.last_message_id()
    await page.goto("/my-data")  # signed out: to the sign-in page, which keeps where the person was going
    await page.locator("#email").fill(email)
    await page.locator("form[action='/sign-in'] button").click()
    await page.locator("h1").wait_for()
    other = await browser.new_context(base_url=platform.web)  # the mail app's browser, say
    try:
        elsewhere = await other.new_page()
        await elsewhere.goto(await platform.link_sent_to(email, after=before))
        await elsewhere.locator("form[action^='/sign-in/'] button").click()
        await elsewhere.wait_for_url(re.compile(r"/my-data$"))
    finally:
        await other.close()


async def test_a_person_who_reads_the_email_on_their_phone_types_its_code_in_the_browser_that_asked_and_goes_on(
        platform, page):
    # A hospital's workstation, where personal email is blocked: the email is read on a phone, the code typed here.
    email = f"code.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        await profiles.post("/v1/people", json={"display_name": "Cy", "email": email, "stage": "undergraduate"})
    before = platform.last_message_id()
    await page.goto("/my-data")
    await page.locator("#email").fill(email)
    await page.locator("form[action='/sign-in'] button").click()
    await page.locator("#code").wait_for()
    code = re.compile(r"\bType this code on the page where you asked for the link: (\d{3} \d{3})\b")
    message = await platform.sink.wait_for(
        lambda m: m["id"] > before and email in " ".join(m["rcpt_tos"]) and code.search(m["text"] or ""), timeout=30)
    await page.locator("#code").fill(code.search(message["text"]).group(1))
    await page.locator("form[action='/sign-in/code'] button").click()
    await page.wait_for_url(re.compile(r"/my-data$"))
    assert await page.locator("h1").inner_text() == "Your data"
