"""The console's pages in a real browser (Debian's Chromium), served with the site's security headers and static
files, against the services' console APIs faked as the spec has them: axe-core finds no WCAG 2.2 AA violation on
any console page, in English and in Spanish, on a phone and on a desktop; nothing scrolls sideways at 360 px
except a table in its own scrolling region; check-in works by HTMX under the strict CSP. Screenshots are kept in
$CONSOLE_SCREENSHOTS when it is set (for a person to look at)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import web
from fastapi.staticfiles import StaticFiles
from playwright.async_api import expect
from plumbing.testing import serving
from web.entrypoints.web import SecurityHeaders

from ..conftest import audit, audit_forms_sent_empty
from .fakes import ROUND, admin_pages, console_app, enrolled_since_shown, pages

STATIC = Path(web.__file__).parent / "static"
SHOTS = os.environ.get("CONSOLE_SCREENSHOTS")
NARROW = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


async def serve(world, who: str):
    app, _, _ = console_app(world["s"], world[who]["id"])
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders, public_base_url="http://web")
    return serving(app)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_every_console_page_passes_axe_and_fits_a_360_pixel_phone(browser, world, language):
    problems: dict[str, list[str]] = {}
    too_wide: list[str] = []
    failed: list[str] = []
    # A proposal still unanswered: the program's list and its page say who has yet to answer, and by when.
    proposed = world["s"].pairing(world["program"], world["waiting"], world["mentor"], status="proposed",
                                  mentor_accepted=False, answer_by="2026-12-17T14:03:00+00:00",
                                  lapse_would_pause=["mentor"])
    # A mentor and a mentee who stopped answering: the home says so, and the program's page lists them.
    quiet, silent = world["s"].person("Dr. Quinn Quiet"), world["s"].person("Sid Silent", stage="undergraduate")
    world["s"].not_answering += [{"program_id": world["program"]["id"], "person_id": quiet["id"],
                                  "enrollment_id": "e7", "role": "mentor", "unanswered_in_a_row": 2},
                                 {"program_id": world["program"]["id"], "person_id": silent["id"],
                                  "enrollment_id": "e8", "role": "mentee", "unanswered_in_a_row": 2}]
    # The coordinator's pages, and the administrator's own (and those that differ for them: roles, forms).
    visits = [("coordinator", path) for path in [*pages(world), f"/console/pairings/{proposed['id']}"]]
    visits += [("admin", path) for path in [*admin_pages(world), "/console/programs", "/console/events/new",
                                             f"/console/people/{world['mentor']['id']}",
                                             f"/console/people/{world['mentor']['id']}/erase", "/console/reports"]]
    for who in ("coordinator", "admin"):
        async with await serve(world, who) as base:
            context = await browser.new_context(base_url=base, viewport=NARROW,
                                                locale="es-ES" if language == "es" else "en-US")
            page = await context.new_page()
            page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            try:
                for path in [p for w, p in visits if w == who]:
                    await page.goto(path)
                    assert await page.get_attribute("html", "lang") == language
                    found = await audit(page)
                    if found:
                        problems[f"{who} {path}"] = found
                    width = await page.evaluate("document.documentElement.scrollWidth")
                    if width > NARROW["width"]:
                        too_wide.append(f"{path}: {width}")
                    if SHOTS:
                        name = path.strip("/").replace("/", "_")[:60]
                        await page.screenshot(path=f"{SHOTS}/{language}-360-{who}-{name}.png", full_page=True)
                        await page.set_viewport_size(DESKTOP)
                        await page.screenshot(path=f"{SHOTS}/{language}-1280-{who}-{name}.png", full_page=True)
                        await page.set_viewport_size(NARROW)
            finally:
                await context.close()
    assert problems == {}
    assert too_wide == []
    assert failed == []


@pytest.mark.parametrize("language", ["en", "es"])
async def test_the_check_of_an_invitation_file_passes_axe_and_fits_a_360_pixel_phone(browser, world, language):
    """A page that answers a POST, so not in the visits above: the file's text travels on with the form, unseen."""
    async with await serve(world, "coordinator") as base:
        context = await browser.new_context(base_url=base, viewport=NARROW,
                                            locale="es-ES" if language == "es" else "en-US")
        page = await context.new_page()
        try:
            await page.goto(f"/console/programs/{world['program']['id']}/invite")
            await page.check("input[name=role][value=mentor]")
            await page.click("details:has(#csv) > summary")
            await page.fill("#csv", "name,email,stage,language\nDr. Eva Tres,eva@example.org,resident,es\n"
                                    "Dr. Kim Four,kim@example.org,resident,Klingon\n")
            await page.click("button[value=preview]")
            await page.wait_for_selector("#line-3")
            assert await audit(page) == []
            assert await page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
            if SHOTS:
                await page.screenshot(path=f"{SHOTS}/{language}-360-coordinator-invite-check.png", full_page=True)
        finally:
            await context.close()


@pytest.mark.parametrize("language", ["en", "es"])
async def test_an_event_held_one_cancelled_and_emails_naming_their_events_pass_axe_and_fit_a_360_pixel_phone(
        browser, world, language):
    """Pages the visits above do not reach in these states: a held event's closed waitlist, a cancelled event's
    registrations, and a person's emails each naming its event (an administrator's)."""
    s, event, mentee = world["s"], world["event"], world["mentee"]
    event["state"] = "completed"
    cancelled = s.event("Cancelled clinic", state="cancelled")
    s.roster[cancelled["id"]] = [{"id": "r5", "person_id": mentee["id"], "status": "cancelled"},
                                 {"id": "r6", "person_id": world["mentor"]["id"], "status": "removed"}]
    s.delivery(mentee, "registration_confirmed", "failed", "2026-03-06T12:00:00+00:00",
               {"scheduled_event_id": event["id"]})
    s.delivery(mentee, "staff_role_changed", "sent", "2026-03-07T12:00:00+00:00",
               {"role": "coordinator", "granted": True})
    async with await serve(world, "admin") as base:
        context = await browser.new_context(base_url=base, viewport=NARROW,
                                            locale="es-ES" if language == "es" else "en-US")
        page = await context.new_page()
        try:
            for name, path in [("held", f"/console/events/{event['id']}"),
                               ("cancelled", f"/console/events/{cancelled['id']}"),
                               ("emails", f"/console/people/{mentee['id']}")]:
                await page.goto(path)
                assert await audit(page) == [], path
                assert await page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], path
                if SHOTS:
                    await page.screenshot(path=f"{SHOTS}/{language}-360-admin-{name}.png", full_page=True)
        finally:
            await context.close()


@pytest.mark.parametrize("viewport", [NARROW, DESKTOP], ids=["phone", "desktop"])
async def test_check_in_swaps_the_row_announces_it_and_a_second_tap_in_the_same_place_undoes_nothing(
        browser, world, viewport):
    world["s"].open_check_in(world["event"])
    event, mentee = world["event"]["id"], world["mentee"]
    async with await serve(world, "coordinator") as base:
        context = await browser.new_context(base_url=base, viewport=viewport, locale="en-US")
        page = await context.new_page()
        try:
            await page.goto(f"/console/events/{event}/check-in")
            # Every element focused, in order: the counts swapped out of band beside the row took focus on the way.
            await page.evaluate("""() => { window.focusedInTurn = [];
                document.addEventListener("focusin", e => window.focusedInTurn.push(e.target.id || e.target.tagName)); }""")
            button = page.get_by_role("button", name=f"Check in {mentee['display_name']}")
            await button.scroll_into_view_if_needed()
            box = await button.bounding_box()
            tapped = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            await page.mouse.click(*tapped)
            said = page.get_by_text("Checked in at 12:05")
            await expect(said).to_be_focused()  # app.js focuses it once the swap settles
            await page.locator("#status").get_by_text("Ben Student is checked in.").wait_for()
            await page.locator("#arrived").get_by_text("1 of 2 checked in.").wait_for()
            assert not {"arrived", "seats"} & set(await page.evaluate("window.focusedInTurn"))
            assert page.url.endswith("/check-in"), "HTMX swapped the row: no page load"
            await page.mouse.click(*tapped)  # the double tap's second: where the button was
            # A click on a button would have marked a request in flight at once: none is, and undo is still there.
            await page.wait_for_function("() => !document.querySelector('.htmx-request')")
            await expect(page.get_by_role("button", name=f"Undo: {mentee['display_name']}")).to_be_visible()
            if SHOTS:
                await page.screenshot(path=f"{SHOTS}/check-in-after-{viewport['width']}.png", full_page=True)
        finally:
            await context.close()
    assert not world["s"].calls_to("events", "DELETE"), "the second tap undid the check-in"
    checked = [c for c in world["s"].calls_to("events", "POST") if c.path.endswith("/check-ins")]
    assert [c.body for c in checked] == [{"person_id": mentee["id"]}]



@pytest.mark.parametrize("language", ["en", "es"])
async def test_every_console_form_sent_empty_answers_with_its_errors_and_passes_axe(browser, world, language):
    """The pages that answer a POST: each form the console shows for typing in, sent with its fields empty, comes
    back with what is wrong, and that page passes the same audit as the others (a proposal's forms too: proposing
    another mentor instead, and withdrawing it)."""
    proposed = world["s"].pairing(world["program"], world["waiting"], world["mentor"], status="proposed",
                                  mentor_accepted=False)
    async with await serve(world, "coordinator") as base:
        context = await browser.new_context(base_url=base, viewport=NARROW,
                                            locale="es-ES" if language == "es" else "en-US")
        try:
            sent = await audit_forms_sent_empty(await context.new_page(),
                                                [*pages(world), f"/console/pairings/{proposed['id']}"], SHOTS,
                                                f"{language}-360-")
        finally:
            await context.close()
    assert sent.problems == {}
    assert sum(status == 422 for status in sent.answered.values()) >= 8, sent.answered
    assert sent.answered[f"/console/pairings/{proposed['id']} -> /console/pairings/{proposed['id']}/withdraw"] == 422


@pytest.mark.parametrize("language, box, save", [("en", "Let other teams see who takes part", "Save the settings"),
                                                 ("es", "Permitir que otros equipos vean quién participa",
                                                  "Guardar la configuración")])
async def test_sharing_who_takes_part_once_people_have_enrolled_is_refused_in_a_summary_leading_to_the_box(
        browser, world, language, box, save):
    """Someone enrolled, erased since (the console sees nobody, so the box is offered): ticking it is refused by
    profiles; the answer opens on the summary, its link leads to the box, left as it stays (unticked), and the page
    passes the audit."""
    world["program"] = enrolled_since_shown(world)
    path = f"/console/programs/{world['program']['id']}/settings"
    async with await serve(world, "coordinator") as base:
        context = await browser.new_context(base_url=base, viewport=NARROW,
                                            locale="es-ES" if language == "es" else "en-US")
        page = await context.new_page()
        try:
            await page.goto(path)
            await page.get_by_label(box).check()
            async with page.expect_response(lambda r: r.request.method == "POST") as answer:
                await page.get_by_role("button", name=save).click()
            assert (await answer.value).status == 422
            summary = page.locator("[data-error-summary]")
            await expect(summary).to_be_focused()
            await expect(summary.locator('a[href="#members_public"]')).to_have_count(1)
            await expect(page.get_by_label(box)).not_to_be_checked()
            await expect(page.locator("#members_public-error")).to_be_visible()
            assert await audit(page) == []
            if SHOTS:
                await page.screenshot(path=f"{SHOTS}/{language}-360-members-public-refused.png", full_page=True)
        finally:
            await context.close()
    assert world["s"].calls_to("profiles", "PATCH")[-1].body == {"members_public": True}
    assert world["program"]["members_public"] is False


async def test_a_running_round_polls_without_moving_focus_and_says_when_the_draft_is_ready(browser, world):
    """The page of a round being drafted asks again every 2 s: a swap nobody asked for leaves focus where the person
    put it (WCAG 2.4.3); when the draft arrives it is announced, and takes focus only from nowhere."""
    world["s"].rounds[ROUND].update(status="running", progress=40)
    async with await serve(world, "coordinator") as base:
        context = await browser.new_context(base_url=base, viewport=NARROW, locale="en-US")
        page = await context.new_page()
        try:
            await page.goto(f"/console/rounds/{ROUND}")
            back = page.get_by_role("link", name="All rounds of Into Medicine")
            await back.focus()
            for _ in range(2):  # two polls, each swapping the progress in
                async with page.expect_response(lambda r: r.url.endswith(f"/console/rounds/{ROUND}")):
                    pass
                await page.wait_for_timeout(300)  # settled (htmx settles after 20 ms)
                assert await back.evaluate("a => a === document.activeElement"), \
                    await page.evaluate("document.activeElement.outerHTML")
            world["s"].rounds[ROUND].update(status="draft", progress=100)
            await page.locator("#status").get_by_text("Draft: waiting for your review", exact=False).wait_for(state="attached")
            assert await back.evaluate("a => a === document.activeElement")
            # Opened with focus nowhere in particular: the draft's link takes it when it arrives.
            world["s"].rounds[ROUND].update(status="running", progress=40)
            await page.goto(f"/console/rounds/{ROUND}")
            world["s"].rounds[ROUND].update(status="draft", progress=100)
            ready = page.get_by_role("link", name="The draft is ready: show it")
            await ready.wait_for()
            await page.wait_for_timeout(300)
            assert await ready.evaluate("a => a === document.activeElement")
        finally:
            await context.close()


async def test_changing_a_filter_of_participants_keeps_focus_on_it_and_announces_the_count(browser, world):
    """A select changed with the arrow keys updates the results (WCAG 3.2.2: no change of context on input): focus
    stays on the select, the live region says how many were found; the Search button still takes the person to the
    results."""
    async with await serve(world, "coordinator") as base:
        context = await browser.new_context(base_url=base, viewport=NARROW, locale="en-US")
        page = await context.new_page()
        try:
            await page.goto("/console/people")
            await page.get_by_text("More filters").click()  # folded until one is chosen
            role = page.locator("#role")
            await role.wait_for(state="visible")
            await role.focus()
            pages_back = await page.evaluate("history.length")
            async with page.expect_response(lambda r: "/console/people?" in r.url):
                await page.keyboard.press("ArrowDown")
            await page.locator("#status").get_by_text(re.compile(r"\d+ (?:person|people) found")).wait_for(state="attached")
            # The address says the filter, replaced: arrowing through a list does not fill Back with a page each.
            assert "role=" in page.url and await page.evaluate("history.length") == pages_back
            await page.wait_for_timeout(300)
            assert await role.evaluate("s => s === document.activeElement"), \
                await page.evaluate("document.activeElement.outerHTML")
            async with page.expect_response(lambda r: "/console/people?" in r.url):
                await page.get_by_role("button", name="Search").click()
            await page.wait_for_timeout(300)
            assert await page.evaluate("document.activeElement.id") == "results-title"
        finally:
            await context.close()


async def test_a_date_and_time_field_reached_by_the_keyboard_shows_the_focus_ring(browser, world):
    """Chromium focuses the parts of a date input (day, month, ...) inside it: the ring is drawn around the input
    whichever part has focus."""
    async with await serve(world, "coordinator") as base:
        context = await browser.new_context(base_url=base, viewport=DESKTOP, locale="en-US")
        page = await context.new_page()
        try:
            await page.goto("/console/events/new")
            await page.locator("#timezone").focus()
            await page.keyboard.press("Tab")
            assert await page.evaluate("document.activeElement.id") == "starts_at"
            ring = await page.eval_on_selector(
                "#starts_at", "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]")
            assert ring == ["solid", "3px"], ring
        finally:
            await context.close()
