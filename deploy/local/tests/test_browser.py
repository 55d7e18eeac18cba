"""The browser tests use, as they use it: if Playwright and the machine's Chromium stop understanding each other, this
fails first and says so."""

from devinfra.browser import accessibility_violations


def test_chromium_renders_a_page_axe_core_checks_it_and_a_screenshot_comes_out(browser_page):
    browser_page.set_viewport_size({"width": 390, "height": 500})
    browser_page.set_content('<!doctype html><html lang="en"><head><title>Smoke</title></head>'
                             "<body><main><h1>Hello</h1><p>Rendered by Chromium.</p></main></body></html>")
    assert browser_page.title() == "Smoke"
    assert browser_page.inner_text("h1") == "Hello"
    assert accessibility_violations(browser_page) == []
    assert browser_page.screenshot().startswith(b"\x89PNG")


def test_axe_core_finds_what_is_wrong(browser_page):
    browser_page.set_content("<html><body><img src='data:,'><a href='#'></a></body></html>")
    found = {violation["id"] for violation in accessibility_violations(browser_page)}
    assert {"html-has-lang", "document-title", "image-alt", "link-name"} <= found
