"""Playwright for Python drives Debian's Chromium: if that pairing breaks (a Playwright upgrade expecting a newer
Chromium, a missing package), this fails first and says so, rather than every journey failing obscurely."""

from __future__ import annotations

from ..conftest import CHROMIUM


async def test_the_browser_answers_and_runs_a_page_under_the_apps_content_security_policy(browser, page):
    assert browser.version.split(".")[0].isdigit(), f"{CHROMIUM} did not report a version"
    await page.goto("/")
    assert await page.title() == "Welcome · Mentorship in medicine"
    # The app's own scripts ran (htmx loaded) and nothing the policy blocks was needed.
    assert await page.evaluate("typeof window.htmx") == "object"
    assert await page.evaluate("htmx.version") == "2.0.11"
