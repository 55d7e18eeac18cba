"""Where a person using the keyboard or a screen reader is taken, in Chromium, on the web app's own pages (the app in
this test process, the services played by the unit tests' fakes, each request of the browser answered by the app):
a link of the list of a form's mistakes shows the field with its legend and its error, at 200% zoom, with JavaScript
or without; "Keep my registration" and "Keep my booking" bring focus back to where the person was, not to the top
of a page opened again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit
from uuid import uuid4

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from ..unit.pages import Services
from ..unit.pages import browser as app_for
from ..unit.test_pages import EVENT, ME, a_booked_office_hour, a_program, a_seat_at_an_event, programs_to_join

SITE = "http://web.test"
ENLARGED = {"width": 640, "height": 400}  # a laptop's 1280 x 800 at 200% zoom
PHONE = {"width": 390, "height": 844}
# What the proxy leaves to the app: its cookie is the test client's; the browser's word on where a form came from
# (another host than the app's) is for the app's own tests.
NOT_FORWARDED = {"cookie", "host", "content-length", "origin", "referer", "sec-fetch-site", "sec-fetch-mode",
                 "sec-fetch-dest", "sec-fetch-user"}
NOT_ANSWERED = {"content-encoding", "content-length", "transfer-encoding", "set-cookie"}


@asynccontextmanager
async def signed_in(browser: Browser, services: Services, viewport: dict, javascript: bool) -> AsyncIterator[Page]:
    """A tab on SITE, signed in as ME, each of its requests answered by the web app (security headers included)."""
    async with app_for(services, ME) as app:
        context = await browser.new_context(base_url=SITE, viewport=viewport, java_script_enabled=javascript,
                                            locale="en-US")
        context.set_default_timeout(15_000)

        async def answer(route) -> None:
            sent = route.request
            url = urlsplit(sent.url)
            answered = await app.request(
                sent.method, f"{url.path}?{url.query}" if url.query else url.path, content=sent.post_data_buffer,
                headers={k: v for k, v in sent.headers.items() if k.lower() not in NOT_FORWARDED})
            await route.fulfill(status=answered.status_code, body=answered.content,
                                headers={k: v for k, v in answered.headers.items() if k.lower() not in NOT_ANSWERED})

        await context.route(f"{SITE}/**", answer)
        try:
            yield await context.new_page()
        finally:
            await context.close()


async def in_view(page: Page, element: Locator) -> bool:
    box = await element.bounding_box()
    viewport = page.viewport_size
    assert box and viewport
    return box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
async def test_following_a_link_of_the_list_of_mistakes_at_200_percent_shows_the_fields_legend_and_error(
        browser, javascript):
    # At 640 x 400, "Choose a program." put the first program's radio at the very top of the screen: the legend
    # "Program" and the error above it, out of sight.
    services = programs_to_join(a_program(str(uuid4()), "Premed circle"), a_program(str(uuid4()), "Near peers"))
    async with signed_in(browser, services, ENLARGED, javascript) as page:
        await page.goto("/sign-up/enrol")
        await page.get_by_role("button", name="Join", exact=True).click()
        summary = page.locator("[data-error-summary]")
        await expect(summary).to_be_visible()
        await summary.get_by_role("link", name="Choose a program.").click()
        field = page.locator("#program_id")
        await expect(field).to_be_focused()
        group = page.locator("fieldset:has(#program_id)")
        legend, error = group.locator("legend"), page.locator("#program_id-error")
        assert await page.evaluate("window.scrollY") > 0, "the form starts below the screen: the test needs a scroll"
        assert await in_view(page, legend), "the legend is off the screen"
        assert await in_view(page, error), "the error is off the screen"
        assert await in_view(page, field), "the field is off the screen"


async def test_keeping_my_registration_swaps_my_place_back_and_focuses_its_heading(browser):
    async with signed_in(browser, Services(a_seat_at_an_event()), PHONE, javascript=True) as page:
        await page.goto(f"/events/{EVENT}")
        await page.wait_for_function("window.htmx !== undefined")
        await page.get_by_role("button", name="Cancel my registration", exact=True).click()
        await expect(page.get_by_role("alert").filter(has_text="Give up your seat?")).to_be_focused()
        await page.get_by_role("link", name="Keep my registration").focus()
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("button", name="Cancel my registration", exact=True)).to_be_visible()
        await expect(page.locator("#registration-heading")).to_be_focused()
        assert page.url == f"{SITE}/events/{EVENT}"


async def test_keeping_my_registration_without_javascript_opens_the_event_at_my_place_with_focus_on_it(browser):
    async with signed_in(browser, Services(a_seat_at_an_event()), PHONE, javascript=False) as page:
        await page.goto(f"/events/{EVENT}")
        await page.get_by_role("button", name="Cancel my registration", exact=True).click()
        await page.get_by_role("link", name="Keep my registration").click()
        await page.wait_for_url(f"{SITE}/events/{EVENT}#registration")
        await expect(page.locator("#registration")).to_be_focused()
        assert await in_view(page, page.locator("#registration-heading"))


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
async def test_keeping_my_booking_brings_back_its_card_with_focus_on_it(browser, javascript):
    slot, services = a_booked_office_hour()
    async with signed_in(browser, services, PHONE, javascript) as page:
        await page.goto("/office-hours")
        if javascript:
            await page.wait_for_function("window.htmx !== undefined")
        await page.get_by_role("button", name="Cancel this booking").click()
        asked = page.get_by_role("alert").filter(has_text="Cancel this booking?")
        await (expect(asked).to_be_focused() if javascript else expect(asked).to_be_visible())
        await page.get_by_role("link", name="Keep my booking").click()
        card = page.locator(f"#booking-{slot}")
        await expect(card).to_be_focused()
        await expect(card.get_by_role("button", name="Cancel this booking")).to_be_visible()
        await expect(page.get_by_text("Cancel this booking? We email you both")).to_have_count(0)
