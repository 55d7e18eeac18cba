"""A real browser for tests: Debian's Chromium (`bin/setup` installs it), driven by Playwright, with axe-core to check
what it shows. Registered for the whole workspace through the pytest11 entry point; nothing starts until a test asks.

- `chromium`: a headless Chromium for one test (Playwright's sync API: use it from plain, non-async tests). Not kept
  for the session: the sync API keeps an event loop running in its thread while it is open, which the session's
  async tests (pytest-asyncio runs them in this thread) could not run beside.
- `browser_page`: a fresh page (its own context: no cookies shared between tests), closed after the test.
- `accessibility_violations(page)`: what axe-core finds wrong on the page (WCAG 2.x A/AA and best practices).

No test is skipped without Chromium: a missing or unusable one is an error, which `bin/setup` fixes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Headless, quiet, and without reaching out to the network for updates, sync or metrics.
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture
def chromium() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        raise RuntimeError(f"no Chromium at {CHROMIUM}: run bin/setup (it installs Debian's chromium package)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now, each with its rule id, impact and the elements at fault."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page).response["violations"]
