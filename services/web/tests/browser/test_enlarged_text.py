"""site.css with text enlarged to 200% (WCAG 1.4.4, 1.4.10), in Chromium, on a page served by the test: the longest
Spanish words of My data and the email settings neither widen the page past a phone's nor squeeze a value out."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.async_api import Browser

from .test_focus_on_opening import SITE, STATIC

MY_DATA = ('<h1>Tus datos</h1><dl class="facts">'
           '<dt>Participante anterior de uno de los programas de la organización</dt><dd>No</dd>'
           '<dt>Nombre</dt><dd id="name">Maya González</dd></dl>'
           '<a class="button secondary" id="consents" href="/x">Cambiar consentimientos</a>'
           '<form><fieldset><legend>Envíame correos</legend>'
           '<label><input type="checkbox" name="x"> Recordatorios</label></fieldset></form>')


async def enlarged(browser: Browser, width: int):
    context = await browser.new_context(base_url=SITE, viewport={"width": width, "height": 800})

    async def answer(route) -> None:
        path = urlparse(route.request.url).path
        if path == "/static/site.css":
            await route.fulfill(path=STATIC / "site.css", content_type="text/css")
        else:
            await route.fulfill(body='<!doctype html><html lang="es"><head><meta charset="utf-8">'
                                     '<meta name="viewport" content="width=device-width, initial-scale=1">'
                                     '<title>Tus datos</title><link rel="stylesheet" href="/static/site.css"></head>'
                                     f'<body><main id="main">{MY_DATA}</main></body></html>',
                                content_type="text/html")

    await context.route(f"{SITE}/**", answer)
    page = await context.new_page()
    await page.goto("/my-data")
    await page.evaluate("document.documentElement.style.fontSize = '200%'")
    return context, page


@pytest.mark.parametrize("width", [390, 700, 1280])
async def test_enlarged_text_neither_widens_the_page_nor_squeezes_a_value_out(browser, width):
    # At 700 px a label's column took all but a sliver (one letter a line); at 390 px the button and the fieldset
    # widened the page past the screen.
    context, page = await enlarged(browser, width)
    try:
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        name = await page.locator("#name").bounding_box()
        assert name and name["width"] >= min(width * 0.4, 200), name
        consents = await page.locator("#consents").bounding_box()
        assert consents and consents["x"] + consents["width"] <= width
    finally:
        await context.close()
