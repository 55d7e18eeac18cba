"""A program has one round open at a time (matching refuses another while one is queued, running or awaiting review):
the rounds page offers the open one to review instead of "Run a round", a page from before it was opened is answered
with why and where it is, and before running a round the page says how many wait and how much room mentors have."""

from __future__ import annotations

import html
import re

from .fakes import CSRF, ROUND, as_


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


async def test_while_a_draft_awaits_review_the_rounds_page_offers_to_review_it_not_to_run_another(world):
    program = world["program"]
    async with as_(world, "coordinator")[0] as page:
        shown = (await page.get(f"/console/programs/{program['id']}/rounds")).text
    assert "Run a round" not in shown
    assert f'<a href="/console/rounds/{ROUND}">Review the draft</a>' in shown
    assert "A round's draft awaits your review: publish or discard it before running another." in text_of(shown)


async def test_a_round_run_from_a_page_shown_before_another_was_opened_is_refused_next_to_the_open_one(world):
    program, s = world["program"], world["s"]
    s.rounds[ROUND]["status"] = "published"
    async with as_(world, "coordinator")[0] as page:
        offered = (await page.get(f"/console/programs/{program['id']}/rounds")).text
        s.rounds[ROUND]["status"] = "draft"  # another coordinator's round, drafted meanwhile
        refused = await page.post(f"/console/programs/{program['id']}/rounds", data={"csrf": CSRF})
    assert "Run a round" in offered
    assert refused.status_code == 409
    assert ("A round of this program is already open: review its draft, then publish or discard it, before running "
            "another.") in text_of(refused.text)
    assert f'<a href="/console/rounds/{ROUND}">Review the draft</a>' in refused.text


async def test_before_running_a_round_the_page_says_how_many_wait_and_how_much_room_mentors_have(world):
    program, s = world["program"], world["s"]
    s.rounds[ROUND]["status"] = "published"
    s.statistics[program["id"]] = {"waiting": 4, "places_free": 3, "mentors_with_room": 2}
    async with as_(world, "coordinator")[0] as page:
        shown = text_of((await page.get(f"/console/programs/{program['id']}/rounds")).text)
    assert "4 mentees wait for a mentor. 2 mentors have room for 3 more mentees." in shown


async def test_a_round_published_with_every_pair_left_out_says_nothing_was_proposed_on_its_page_and_in_the_list(world):
    program, s = world["program"], world["s"]
    r = s.rounds[ROUND]
    r.update(status="published", paired=0, skipped=[{**r["pairs"][0], "reason_code": "mentee_not_waiting"}])
    async with as_(world, "coordinator")[0] as page:
        shown = text_of((await page.get(f"/console/rounds/{ROUND}")).text)
        listed = text_of((await page.get(f"/console/programs/{program['id']}/rounds")).text)
    assert "Published: nothing was proposed" in shown and "its pairs were proposed" not in shown
    assert "Published: nothing was proposed · 0 pairs proposed" in listed


async def test_a_discarded_drafts_swapped_pair_promises_nobody_will_be_asked_anything(world):
    r = world["s"].rounds[ROUND]
    r.update(status="discarded", pairs=[{**r["pairs"][0], "by_hand": True}])
    async with as_(world, "coordinator")[0] as page:
        shown = text_of((await page.get(f"/console/rounds/{ROUND}")).text)
    assert "Made by a coordinator (swapped or added)." in shown and "will be asked" not in shown


async def test_with_nobody_waiting_or_no_room_the_page_says_a_round_now_would_propose_nobody(world):
    program, s = world["program"], world["s"]
    s.rounds[ROUND]["status"] = "published"
    s.statistics[program["id"]] = {"waiting": 3, "places_free": 0, "mentors_with_room": 0}
    async with as_(world, "coordinator")[0] as page:
        shown = text_of((await page.get(f"/console/programs/{program['id']}/rounds")).text)
    assert "No mentor has room for another mentee now. A round now would propose nobody." in shown
