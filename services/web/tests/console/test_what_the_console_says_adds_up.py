"""What a console page says agrees with what it shows and with what the services said: an emails page with nothing
listed claims no more than it knows; a round's pairs are headed as what they are in its state, and a published
round counts the pairs it proposed; a report shows the columns its title names and its download says "withheld"
where the page does; and on a 390-pixel phone these pages read whole."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import web
from fastapi.staticfiles import StaticFiles
from plumbing.testing import serving
from web.entrypoints.web import SecurityHeaders

from .fakes import ROUND, as_, console_app, published

STATIC = Path(web.__file__).parent / "static"
PHONE = {"width": 390, "height": 844}


def words_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def all_arrived(world) -> None:
    for d in world["s"].deliveries:
        d["status"] = "sent"


# --- emails ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("language, said", [
    ("en", "No email has failed, and none is unconfirmed."),
    ("es", "Ningún correo ha fallado y ninguno está sin confirmar.")])
async def test_with_no_email_failed_or_unconfirmed_the_emails_page_says_just_that_not_that_every_email_arrived(
        world, language, said):
    # Emails still waiting to be sent, or tried again, or held up by a stalled dispatcher, have not arrived either.
    all_arrived(world)
    async with as_(world, "admin", language)[0] as page:
        text = words_of((await page.get("/console/emails")).text)
    assert said in text
    assert "Every email has arrived" not in text and "Todos los correos llegaron" not in text


async def test_the_emails_page_says_emails_waiting_to_be_sent_are_not_listed_on_it(world):
    async with as_(world, "admin")[0] as page:
        listed = words_of((await page.get("/console/emails")).text)
        all_arrived(world)
        none = words_of((await page.get("/console/emails")).text)
    for text in (listed, none):
        assert "Emails still waiting to be sent, or being tried again, are not listed here." in text


async def test_with_no_email_listed_the_emails_page_shows_no_empty_table(world):
    # The sentence sat in a row of a table as wide as its five headings: on a phone it was cut at the edge.
    all_arrived(world)
    async with as_(world, "admin")[0] as page:
        text = (await page.get("/console/emails")).text
    assert "<table" not in text
    assert re.search(r"<p>No email has failed, and none is unconfirmed\.", text)


# --- rounds ---------------------------------------------------------------------------------------------------------

def heading_of_pairs(text: str) -> str:
    return re.search(r'<h2 id="pairs">([^<]*)</h2>', text)[1]


@pytest.mark.parametrize("status, heading", [
    ("draft", "Pairs in this draft"), ("discarded", "Pairs in this discarded draft"),
    ("published", "Pairs proposed")])
async def test_a_rounds_pairs_are_headed_as_what_they_are_in_its_state(world, status, heading):
    # A discarded draft was headed "Discarded: nothing was proposed", its pairs "Proposed pairs".
    world["s"].rounds[ROUND]["status"] = status
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/rounds/{ROUND}")).text
    assert heading_of_pairs(text) == heading
    assert "Proposed pairs" not in text


@pytest.mark.parametrize("status, heading", [
    ("draft", "Duplas de este borrador"), ("discarded", "Duplas de este borrador descartado"),
    ("published", "Duplas propuestas")])
async def test_a_rounds_pairs_are_headed_so_in_spanish(world, status, heading):
    world["s"].rounds[ROUND]["status"] = status
    async with as_(world, "coordinator", "es")[0] as page:
        text = (await page.get(f"/console/rounds/{ROUND}")).text
    assert heading_of_pairs(text) == heading


def published_with_every_pair_left_out(world) -> None:
    """Three pairs drafted and one mentee left unpaired; at publishing the roster had changed and every pair was left
    out, as matching records it: none proposed, four unpaired."""
    s = world["s"]
    r = s.rounds[ROUND]
    others = [s.person(f"Mentee {n}", stage="undergraduate") for n in (2, 3)]
    r["pairs"] += [{"mentee_id": m["id"], "mentor_id": world["mentor"]["id"], "score": 60, "reason_codes": []}
                   for m in others]
    r.update(status="published", paired=0, unpaired_count=4, total_score=0,
             skipped=[{"mentee_id": p["mentee_id"], "mentor_id": p["mentor_id"], "reason_code": "mentor_full"}
                      for p in r["pairs"]])


async def test_a_published_round_counts_the_pairs_it_proposed_not_those_it_drafted(world):
    # It said "3 pairs were no longer valid … left out" under "Pairs 3 · Unpaired 1"; its rounds said 0 and 4.
    published_with_every_pair_left_out(world)
    program = world["program"]["id"]
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/rounds/{ROUND}")).text
        rounds = words_of((await page.get(f"/console/programs/{program}/rounds")).text)
    totals = re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", text)
    assert ("Pairs proposed", "0") in totals and ("Unpaired", "4") in totals and ("Total score", "0") in totals
    assert ("Pairs left out when published", "3") in totals
    assert ("Pairs", "3") not in totals
    assert "3 pairs were no longer valid when the round was published and were left out." in text
    # Its pairs, none of them proposed: listed once, among those left out, not under "Pairs proposed" too.
    proposed = text[text.index('<h2 id="pairs">'):text.index('<h2 id="unpaired">')]
    assert "Score 60 out of 100" not in proposed and "No pairs were proposed." in proposed
    assert "Published: nothing was proposed · 0 pairs proposed · 4 unpaired" in rounds


async def test_a_published_round_lists_and_counts_the_pairs_it_proposed_apart_from_one_left_out(world):
    s = world["s"]
    r = s.rounds[ROUND]
    other = s.person("Dana Student", stage="undergraduate")
    r["pairs"].append({"mentee_id": other["id"], "mentor_id": world["mentor"]["id"], "score": 60,
                       "reason_codes": []})
    r.update(status="published", paired=1, unpaired_count=2, total_score=87,
             skipped=[{"mentee_id": other["id"], "mentor_id": world["mentor"]["id"],
                       "reason_code": "mentee_no_longer_waiting"}])
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/rounds/{ROUND}")).text
    totals = re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", text)
    assert ("Pairs proposed", "1") in totals and ("Unpaired", "2") in totals and ("Total score", "87") in totals
    proposed = text[text.index('<h2 id="pairs">'):text.index('<h2 id="unpaired">')]
    assert "Ben Student with Dr. Ana Reyes" in proposed and "Dana Student" not in proposed


async def test_a_round_counts_among_the_unpaired_the_mentees_matching_has_no_profile_of_and_says_so(world):
    # Matching counts them among a round's unpaired (its rounds list said so); the round's page listed them nowhere.
    world["s"].rounds[ROUND]["unpaired_reasons"] = {"mentors_full": 1, "no_matching_profile": 2}
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/rounds/{ROUND}")).text
    assert ("Unpaired", "3") in re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", text)
    assert "2 other mentees were not in the round: matching does not have their profile yet." in words_of(text)


async def test_a_draft_and_a_discarded_draft_are_listed_with_the_pairs_drafted(world):
    program = world["program"]["id"]
    async with as_(world, "coordinator")[0] as page:
        draft = words_of((await page.get(f"/console/programs/{program}/rounds")).text)
        world["s"].rounds[ROUND].update(status="discarded", unpaired_count=1)
        discarded = words_of((await page.get(f"/console/programs/{program}/rounds")).text)
    assert "Draft: waiting for your review · 1 pair drafted" in draft
    assert "Discarded: nothing was proposed · 1 pair drafted · 1 unpaired" in discarded


# --- reports --------------------------------------------------------------------------------------------------------

MEASURES = ["waiting", "paired", "active", "completed", "ended_early"]


async def test_the_mentorships_report_shows_every_measure_its_title_names_even_one_counted_nowhere(world):
    # Active and completed were left out of the page (0 in every program) while its title and download had them.
    s = world["s"]
    program = next(iter(s.programs))
    report = published([program], MEASURES, [[(12, "exact"), (9, "exact"), (0, "exact"), (0, "exact"),
                                              (None, "fewer_than_threshold")]])
    s.mentorships_report = report
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get("/console/reports")).text
    table = text[text.index('id="t-mentorships"'):text.index('id="t-meetings"')]
    heads = re.findall(r'<th scope="(?:col|row)">([^<]*)</th>', table)
    for measure in ("Waiting", "Ever paired, proposals included", "Active", "Completed", "Ended early"):
        assert measure in heads


async def test_the_people_report_shows_the_invited_of_each_stage_it_shows_though_nobody_was_invited(world):
    # "Invited and enrolled, by stage" had no Invited column on the page when nobody had been invited.
    s = world["s"]
    program = next(iter(s.programs))
    columns = [f"{stage}:{measure}" for stage in ("high_school", "undergraduate")
               for measure in ("invited", "enrolled_mentees")]
    s.people_report = published([program], columns, [[(0, "exact"), (0, "exact"), (0, "exact"), (12, "exact")]])
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get("/console/reports")).text
    people = text[text.index('id="t-people"'):text.index('id="t-mentorships"')]
    assert "Undergraduate (pre-med or pre-health): Invited" in people
    assert "Undergraduate (pre-med or pre-health): Enrolled mentees" in people
    assert "High-school student" not in people  # a stage counted nowhere is still left out


@pytest.mark.parametrize("language, withheld", [("en", "withheld"), ("es", "reservado")])
async def test_a_count_withheld_reads_withheld_in_the_download_as_on_the_page(world, language, withheld):
    async with as_(world, "coordinator", language)[0] as page:
        text = (await page.get("/console/reports")).text
        downloaded = (await page.get("/console/reports/people.csv")).text.lstrip("\ufeff").splitlines()
    assert f"<td>{withheld}</td>" in text
    assert downloaded[1:] == ["Into Medicine,12,<5", f"Total,{withheld},{withheld}"]


# --- on a phone -----------------------------------------------------------------------------------------------------

async def cut_off(page, selector: str) -> list[str]:
    """The text of each element `selector` finds whose box reaches past the viewport's right edge, or that is
    wider than the region it scrolls in."""
    return await page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].filter(e => {
             const box = e.getBoundingClientRect();
             return box.right > document.documentElement.clientWidth + 0.5 || e.scrollWidth > e.clientWidth + 1;
           }).map(e => e.textContent.trim().slice(0, 60))""", selector)


async def test_on_a_390_pixel_phone_the_emails_page_with_none_listed_and_a_programs_mentorships_read_whole(
        browser, world):
    all_arrived(world)
    s = world["s"]
    proposed = s.pairing(world["program"], world["waiting"], world["mentor"], status="proposed",
                         mentor_accepted=False, answer_by="2026-12-17T14:03:00+00:00", lapse_would_pause=["mentor"])
    assert proposed["status"] == "proposed"
    app, _, _ = console_app(s, world["admin"]["id"])
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders, public_base_url="http://web")
    async with serving(app) as base:
        context = await browser.new_context(base_url=base, viewport=PHONE)
        page = await context.new_page()
        try:
            await page.goto("/console/emails")
            assert await cut_off(page, "#content p, #content td") == []
            await page.goto(f"/console/programs/{world['program']['id']}")
            mentorships = "#mentorships ~ * :is(td, th, dd, dt, h3)"
            assert await page.locator(mentorships).count() > 0
            assert await cut_off(page, mentorships) == []
            # Nothing of a mentorship is out of sight in a region scrolled sideways.
            assert await page.evaluate(
                """() => [...document.querySelectorAll('#mentorships ~ .table-scroll')].filter(r =>
                     r.compareDocumentPosition(document.getElementById('waitlist'))
                       & Node.DOCUMENT_POSITION_FOLLOWING && r.scrollWidth > r.clientWidth + 1).length""") == 0
            # The status of a proposal still unanswered takes a few lines, not eight.
            lines = await page.evaluate(
                """() => { const e = [...document.querySelectorAll('#content dd, #content td')]
                             .find(e => e.textContent.includes('has yet to answer'));
                           return e ? Math.round(e.getBoundingClientRect().height
                                                 / parseFloat(getComputedStyle(e).lineHeight)) : 99; }""")
            assert lines <= 5
        finally:
            await context.close()


async def test_a_published_round_whose_mentee_was_erased_since_still_counts_the_pair_it_proposed(world):
    # Its page said "Published: nothing was proposed · Pairs proposed 0 · Everyone waiting got a mentor" when its
    # rounds list said "1 pair proposed": matching drops an erased person's pairs from the round's list.
    r = world["s"].rounds[ROUND]
    r.update(status="published", paired=1, unpaired_count=1, total_score=87, pairs=[], unpaired=[], skipped=[])
    program = world["program"]["id"]
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/rounds/{ROUND}")).text
        rounds = words_of((await page.get(f"/console/programs/{program}/rounds")).text)
    totals = re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", text)
    assert ("Pairs proposed", "1") in totals and ("Unpaired", "1") in totals and ("Total score", "87") in totals
    shown = words_of(text)
    assert "Published: nothing was proposed" not in shown and "Everyone waiting got a mentor" not in shown
    assert "People of this round have since been erased: what they took part in is counted here and not listed" in shown
    assert "1 pair proposed · 1 unpaired" in rounds


@pytest.mark.parametrize(("status", "said", "not_said"), [
    ("published", "Nobody was left unpaired.", "in this draft"),
    ("draft", "Everyone waiting got a mentor in this draft.", "Nobody was left unpaired.")])
async def test_a_round_that_left_nobody_unpaired_says_so_as_a_draft_or_as_published(world, status, said, not_said):
    # A published round's page said "Everyone waiting got a mentor in this draft.": it is no draft any more.
    r = world["s"].rounds[ROUND]
    r.update(status=status, unpaired_count=0, unpaired=[], skipped=[])
    async with as_(world, "coordinator")[0] as page:
        shown = words_of((await page.get(f"/console/rounds/{ROUND}")).text)
    assert said in shown and not_said not in shown
