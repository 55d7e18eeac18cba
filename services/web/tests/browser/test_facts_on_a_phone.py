"""A list of facts (a label, then its value: a program's page, my data, an event) reads on a phone: each value keeps
the screen's width, instead of what a column as wide as the longest label leaves it; wider, they sit side by side."""

from pathlib import Path

import web

SITE_CSS = (Path(web.__file__).parent / "static" / "site.css").read_text()
FACTS = ("<main><dl class='facts'><dt>Who sees that you take part</dt><dd id='value'>Its coordinators and the people "
         "you are paired with. Nobody outside the platform is told.</dd></dl></main>")


async def test_a_value_beside_a_long_label_keeps_a_phones_width_and_sits_beside_its_label_on_a_wide_screen(browser):
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = await context.new_page()
        await page.set_content(f"<style>{SITE_CSS}</style>{FACTS}")
        value, label = page.locator("#value"), page.locator("dt")
        assert (await value.bounding_box())["width"] > 300
        await page.set_viewport_size({"width": 1280, "height": 800})
        beside = await value.bounding_box()
        assert beside["x"] > (await label.bounding_box())["x"] + 150 and beside["y"] == (await label.bounding_box())["y"]
    finally:
        await context.close()
