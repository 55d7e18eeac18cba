"""Every message, in both languages, opened in a real Chromium: it renders (its title and heading are its subject, it
fits a phone's width) and axe-core finds nothing wrong."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from devinfra.browser import accessibility_violations

from ..unit.samples import gallery

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_message_renders_in_chromium_fits_a_phone_and_passes_axe_core(browser_page, language):
    # Playwright's sync API keeps an event loop of its own running in this thread: the gallery is told in another.
    with ThreadPoolExecutor(1) as thread:
        rendered = thread.submit(asyncio.run, gallery(language)).result()
    browser_page.set_viewport_size(PHONE)
    for r in rendered:
        browser_page.set_content(r.email.html)
        assert browser_page.title() == r.email.subject, r.label
        assert browser_page.inner_text("h1") == r.email.subject, r.label
        # Nothing wider than the phone: no sideways scrolling to read a long title, address or link.
        assert browser_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], r.label
        assert accessibility_violations(browser_page) == [], r.label

