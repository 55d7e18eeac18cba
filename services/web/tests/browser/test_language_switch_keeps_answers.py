"""app.js as a person switches language in the middle of a form, in Chromium, with no platform behind it: what they
typed or ticked and had not sent comes back on the page in the other language; nothing they left alone is changed,
and no hidden field is carried."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from playwright.async_api import Browser, expect

from .test_focus_on_opening import SITE, STATIC


def interests(language: str, token: str) -> str:
    """Sign-up's interests step in `language`: the header's language switch, and a form with one box ticked by the
    server (Pediatrics: said before) and a text field."""
    other, name = ("es", "Español") if language == "en" else ("en", "English")
    title = "Your interests" if language == "en" else "Tus intereses"
    return (f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"><title>{title}</title>'
            '<script src="/static/app.js" defer></script></head><body>'
            '<header><form class="inline lang-switch" method="post" action="/language">'
            f'<input type="hidden" name="csrf" value="{token}"><input type="hidden" name="back" value="/interests">'
            f'<button type="submit" name="language" value="{other}">{name}</button></form></header>'
            f'<main id="main"><h1>{title}</h1><form method="post" action="/interests">'
            f'<input type="hidden" name="csrf" value="{token}">'
            '<label><input type="checkbox" name="specialties" value="pediatrics" checked> Pediatrics</label>'
            '<label><input type="checkbox" name="specialties" value="surgery"> Surgery</label>'
            '<label><input type="checkbox" name="specialties" value="undecided"> Not decided yet</label>'
            '<label for="goals">Goals</label><textarea id="goals" name="goals"></textarea>'
            '<label for="stage">Stage</label><select id="stage" name="stage"><option value="">Choose one</option>'
            '<option value="high_school">High school</option><option value="undergraduate">Undergraduate</option>'
            '</select>'
            # The page's own language is ticked by default among those one meets in, as sign-up's first step does.
            f'<label><input type="checkbox" name="languages" value="en"{" checked" if language == "en" else ""}> '
            'English</label>'
            f'<label><input type="checkbox" name="languages" value="es"{" checked" if language == "es" else ""}> '
            'Spanish</label>'
            # A time zone the browser's own preselects (`data-guess`), as sign-up's does.
            '<label for="timezone">Time zone</label><select id="timezone" name="timezone" data-guess '
            'data-zone-names="/zone-names"><option value="">Choose one</option><option value="UTC">UTC</option>'
            '<option value="America/Chicago">Chicago</option></select>'
            # A question to open, as the identity step's are.
            '<details><summary>Religion</summary><label for="religion">Religion</label>'
            '<input type="text" id="religion" name="religion" value=""></details>'
            '<button type="submit">Continue</button></form></main></body></html>')


async def a_tab_on_the_interests_step(browser: Browser):
    context = await browser.new_context(base_url=SITE)
    context.set_default_timeout(15_000)
    shown = {"language": "en"}

    async def answer(route) -> None:
        path = urlparse(route.request.url).path
        if path.startswith("/static/"):
            await route.fulfill(path=STATIC / path.removeprefix("/static/"), content_type="text/javascript")
        elif path == "/language":  # the switch: saved, then back to the page, anew in the other language
            shown["language"] = parse_qs(route.request.post_data)["language"][0]
            await route.fulfill(status=303, headers={"Location": "/interests"})
        else:  # a new token each time: a hidden field carried across would be the old one
            await route.fulfill(body=interests(shown["language"], f"token-{shown['language']}"),
                                content_type="text/html")

    await context.route(f"{SITE}/**", answer)
    return context, await context.new_page()


async def test_what_was_ticked_and_typed_comes_back_after_switching_language(browser):
    # Maya ticked her interests, pressed "Español", and the page came back in Spanish with nothing ticked.
    context, page = await a_tab_on_the_interests_step(browser)
    try:
        await page.goto("/interests")
        await page.get_by_label("Pediatrics").uncheck()
        await page.get_by_label("Not decided yet").check()
        await page.get_by_label("Goals").fill("Aprender sobre pediatría")
        await page.get_by_label("Stage").select_option("high_school")
        await page.get_by_label("Spanish").check()
        await page.get_by_label("Time zone").select_option("America/Chicago")
        await page.get_by_role("button", name="Español").click()
        await expect(page.get_by_role("heading", name="Tus intereses")).to_be_visible()
        await expect(page.get_by_label("Not decided yet")).to_be_checked()
        await expect(page.get_by_label("Pediatrics")).not_to_be_checked()
        await expect(page.get_by_label("Surgery")).not_to_be_checked()
        await expect(page.get_by_label("Goals")).to_have_value("Aprender sobre pediatría")
        await expect(page.get_by_label("Stage")).to_have_value("high_school")
        # English stays ticked though the Spanish page ticks only Spanish by default; the zone chosen is not guessed.
        await expect(page.get_by_label("English")).to_be_checked()
        await expect(page.get_by_label("Spanish")).to_be_checked()
        await expect(page.get_by_label("Time zone")).to_have_value("America/Chicago")
        assert await page.locator("main input[name=csrf]").input_value() == "token-es"
        await page.reload()  # carried once: a later visit shows what the server says
        await expect(page.get_by_label("Pediatrics")).to_be_checked()
        await expect(page.get_by_label("Goals")).to_have_value("")
    finally:
        await context.close()


async def test_answers_a_refused_form_gave_back_come_back_after_switching_language(browser):
    # Jordan's identity form came back refused with what he had chosen; he pressed "Español" to read the error, and
    # the page came back in Spanish with his saved answers instead: what the refused form held was not "changed".
    context, page = await a_tab_on_the_interests_step(browser)
    refused = (interests("en", "token-en")
               .replace('<main id="main">', '<main id="main"><div class="notice error error-summary" role="alert">'
                                            '<p>There is a problem</p></div>')
               .replace('value="surgery">', 'value="surgery" checked>')
               # Nothing chosen by the script, nor left to the browser to choose: the page as the server gave it.
               .replace(" data-guess ", " ")
               .replace('<option value="">Choose one</option>', '<option value="" selected>Choose one</option>')
               .replace('<textarea id="goals" name="goals"></textarea>',
                        '<textarea id="goals" name="goals">Aprender sobre cirugía</textarea>')
               .replace('name="religion" value=""', 'name="religion" value="Muslim"'))
    try:
        await page.route(f"{SITE}/interests", lambda route: route.fulfill(body=refused, content_type="text/html"))
        await page.goto("/interests")
        await page.unroute(f"{SITE}/interests")
        await page.get_by_role("button", name="Español").click()
        await expect(page.get_by_role("heading", name="Tus intereses")).to_be_visible()
        await expect(page.get_by_label("Surgery")).to_be_checked()
        await expect(page.get_by_label("Goals")).to_have_value("Aprender sobre cirugía")
        # Its question opened: an answer not saved yet, hidden in a closed one, read as saved.
        await expect(page.get_by_label("Religion")).to_be_visible()
        await expect(page.get_by_label("Religion")).to_have_value("Muslim")
    finally:
        await context.close()


async def test_a_page_left_as_it_was_changes_language_with_nothing_carried(browser):
    context, page = await a_tab_on_the_interests_step(browser)
    try:
        await page.goto("/interests")
        await page.get_by_role("button", name="Español").click()
        await expect(page.get_by_role("heading", name="Tus intereses")).to_be_visible()
        assert await page.evaluate("window.sessionStorage.length") == 0
        await expect(page.get_by_label("Pediatrics")).to_be_checked()
    finally:
        await context.close()
