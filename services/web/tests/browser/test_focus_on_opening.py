"""app.js on a page as it opens, in Chromium, with no platform behind it (the pages are served by the test): a notice
marked data-focus (something done, or refused) takes focus, so a screen reader reads it, which a role="status" box
there from the start seldom is; the list of a form's mistakes comes first; other elements marked for HTMX's swaps are
left alone; and a swap the person starts still moves focus to what it brought."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlparse

import web
from playwright.async_api import Browser, Page, expect

STATIC = Path(web.__file__).parent / "static"
SITE = "http://web.test"


def a_page(body: str) -> str:
    return ('<!doctype html><html lang="en"><head><title>A page</title>'
            '<script src="/static/htmx.min.js" defer></script><script src="/static/app.js" defer></script></head>'
            f'<body><main id="main" tabindex="-1">{body}</main>'
            '<div id="status" role="status" aria-live="polite"></div></body></html>')


@asynccontextmanager
async def serving(browser: Browser, pages: dict[str, str]) -> AsyncIterator[Page]:
    """A tab on SITE, whose paths answer these pages (GET or POST), and /static/ the app's own files."""
    context = await browser.new_context(base_url=SITE)
    context.set_default_timeout(15_000)

    async def answer(route) -> None:
        path = urlparse(route.request.url).path
        if path.startswith("/static/"):
            await route.fulfill(path=STATIC / path.removeprefix("/static/"), content_type="text/javascript")
        else:
            await route.fulfill(body=pages[path], content_type="text/html")

    await context.route(f"{SITE}/**", answer)
    try:
        yield await context.new_page()
    finally:
        await context.close()


SAVED = '<div class="notice ok" role="status" id="saved" data-focus tabindex="-1"><p>Your email choices are saved.</p></div>'


async def test_a_notice_of_something_done_takes_focus_as_the_page_opens(browser):
    async with serving(browser, {"/settings": a_page(f"<h1>Which emails you get</h1>{SAVED}<form></form>")}) as page:
        await page.goto("/settings")
        await expect(page.locator("#saved")).to_be_focused()


async def test_the_list_of_a_forms_mistakes_takes_focus_before_any_notice(browser):
    summary = ('<div class="notice error error-summary" role="alert" id="summary" data-focus data-error-summary '
               'tabindex="-1"><h2>There is a problem</h2></div>')
    async with serving(browser, {"/form": a_page(f"<h1>A form</h1>{SAVED}{summary}")}) as page:
        await page.goto("/form")
        await expect(page.locator("#summary")).to_be_focused()


async def test_an_element_marked_for_swaps_that_is_no_notice_is_left_alone_as_the_page_opens(browser):
    # The people's list marks its results heading for the filter's swaps: opening the page must not jump to it.
    results = '<h2 id="results" data-focus tabindex="-1">3 people found</h2>'
    async with serving(browser, {"/people": a_page(f"<h1>Participants</h1>{results}")}) as page:
        await page.goto("/people")
        await page.wait_for_function("document.readyState === 'complete' && window.htmx !== undefined")
        assert await page.evaluate("document.activeElement === document.body")


async def test_a_swap_the_person_starts_still_brings_focus_to_what_it_brought(browser):
    asked = ('<form method="post" action="/answer" hx-post="/answer" hx-target="#part" hx-swap="outerHTML">'
             '<button type="submit">Accept</button></form><div id="part"></div>')
    answered = '<div id="part"><p id="answered" data-focus tabindex="-1">You accepted.</p></div>'
    async with serving(browser, {"/card": a_page(f"<h1>Home</h1>{SAVED}{asked}"), "/answer": answered}) as page:
        await page.goto("/card")
        await expect(page.locator("#saved")).to_be_focused()
        await page.get_by_role("button", name="Accept").click()
        await expect(page.locator("#answered")).to_be_focused()


async def test_a_form_sent_once_is_not_sent_again_by_a_second_tap_before_its_answer_comes(browser):
    # Two taps on "Log this meeting" on a slow network logged the meeting twice.
    sent: list[str] = []
    form = ('<form method="post" action="/log" data-submit-once><input name="minutes" value="30">'
            '<button type="submit">Log this meeting</button></form>')
    async with serving(browser, {"/mentorship": a_page(f"<h1>Mentorship</h1>{form}")}) as page:
        async def slow(route) -> None:
            sent.append(route.request.method)
            await page.wait_for_timeout(500)  # the network, slow: the second tap comes before the answer
            await route.fulfill(body=a_page("<h1>Logged</h1>"), content_type="text/html")

        await page.route(f"{SITE}/log", slow)
        await page.goto("/mentorship")
        box = await page.get_by_role("button", name="Log this meeting").bounding_box()
        tapped = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        await page.mouse.click(*tapped)
        await page.wait_for_timeout(150)  # an impatient second tap (a test's pace, not a synchronisation)
        await page.mouse.click(*tapped)
        await expect(page.get_by_role("heading", name="Logged")).to_be_visible()
    assert sent == ["POST"]
