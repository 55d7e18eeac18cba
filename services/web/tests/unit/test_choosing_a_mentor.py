"""A mentee choosing a mentor (programs where mentees choose): what the suggestions say of how choosing works and
once she has a mentor, how a refused ask is worded, and what a request's or a proposal's page says once it is over."""

from __future__ import annotations

import re
from uuid import uuid4

import httpx
import pytest

from .pages import CSRF, Services, browser
from .test_pages import ME, MENTEE, MENTOR, PAIRING, PROGRAM, a_pairing_of_mine, choosing, its_page, text_of

SUGGESTIONS = f"/programs/{PROGRAM}/suggestions"


def refusing(code: str) -> httpx.Response:
    return httpx.Response(409, json={"error": {"code": code, "message": "no", "field": "mentor_id"}})


@pytest.mark.parametrize("status, said", [
    ("active", "You already have a mentor in this program."),
    ("proposed", "A mentor is proposed to you in this program.")])
async def test_a_mentee_with_a_mentor_in_the_program_is_told_so_with_a_link_to_it_and_offered_no_mentor_to_ask(
        status, said):
    # Amara, paired, was still offered "Ask this mentor" on every card (her own mentor's too).
    services = choosing([MENTOR, str(uuid4())])
    services.answers[f"GET /v1/people/{ME}/pairings"] = [
        a_pairing_of_mine(status, pairing_kind="general", mentee_accepted=status == "active",
                          mentor_accepted=status == "active")]
    async with browser(services, ME) as page:
        shown = await page.get(SUGGESTIONS)
    assert said in text_of(shown.text)
    assert f'<a href="/mentorships/{PAIRING}">' in shown.text
    assert "Ask this mentor" not in shown.text and 'name="mentor_id"' not in shown.text


async def test_a_mentees_pairing_in_another_kind_or_program_or_over_leaves_the_mentors_to_ask():
    services = choosing([str(uuid4())])
    services.answers[f"GET /v1/people/{ME}/pairings"] = [
        a_pairing_of_mine("active", pairing_kind="research"),
        a_pairing_of_mine("active", pairing_kind="general", program_id=str(uuid4())),
        a_pairing_of_mine("ended", pairing_kind="general"),
        {**a_pairing_of_mine("active", pairing_kind="general"), "mentee_id": MENTOR, "mentor_id": ME}]
    async with browser(services, ME) as page:
        shown = await page.get(SUGGESTIONS)
    assert "Ask this mentor" in shown.text and "You already have a mentor" not in shown.text


@pytest.mark.parametrize("code, said", [
    ("already_paired", "You already have a mentor in this program."),
    ("request_limit_reached", "You have asked 3 mentors already, the most at once"),
    ("already_requested", "You have already asked this mentor"),
    ("mentor_full", "This mentor has no room for another mentee right now."),
    ("mentor_ruled_out", "You cannot ask this mentor"),
    ("matching_profile_missing", "Your profile has not reached"),
])
async def test_an_ask_refused_is_worded_from_its_reason_never_to_try_again(code, said):
    services = choosing([MENTOR])
    services.answers[f"GET /v1/people/{ME}/pairings"] = []
    services.answers[f"POST /v1/programs/{PROGRAM}/requests"] = refusing(code)
    async with browser(services, ME) as page:
        refused = await page.post(f"/programs/{PROGRAM}/requests", data={
            "csrf": CSRF, "mentor_id": MENTOR, "pairing_kind": "general"})
    assert refused.status_code == 422
    assert said in text_of(refused.text)
    assert "try again" not in refused.text


@pytest.mark.parametrize("language, said", [
    ("en", ("How choosing works", "You may ask up to 3 mentors at once.", "Each has 10 days to answer.",
            "The first to accept becomes your mentor, and your other requests close by themselves.",
            "A mentor's name is shown to you once they accept.")),
    ("es", ("Cómo se elige", "Puedes pedírselo a hasta 3 personas mentoras a la vez.",
            "Cada una tiene 10 días para responder."))])
async def test_the_suggestions_say_how_choosing_works_with_the_programs_time_to_answer(language, said):
    services = choosing([str(uuid4())])
    services.answers[f"GET /v1/people/{ME}/pairings"] = []
    services.answers[f"GET /v1/programs/{PROGRAM}"]["answer_within_days"] = 10
    async with browser(services, ME, language=language) as page:
        shown = text_of((await page.get(SUGGESTIONS)).text)
    assert all(part in shown for part in said), shown
    assert "Ask one; they accept or decline" not in shown


async def test_the_time_to_answer_is_the_platforms_where_the_program_sets_none():
    services = choosing([str(uuid4())])
    services.answers[f"GET /v1/people/{ME}/pairings"] = []
    services.answers["GET /v1/defaults"] = {"answer_within_days": 14}
    async with browser(services, ME) as page:
        shown = text_of((await page.get(SUGGESTIONS)).text)
    assert "Each has 14 days to answer." in shown
    del services.answers["GET /v1/defaults"]
    async with browser(services, ME) as page:
        shown = text_of((await page.get(SUGGESTIONS)).text)
    assert "Each has a few days to answer." in shown


async def test_a_request_waiting_says_other_mentors_may_be_asked_meanwhile_not_that_it_must_be_taken_back_first():
    waiting = a_pairing_of_mine("requested", mentor_accepted=False, requested_by_mentee=True)
    async with browser(its_page(waiting), ME) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert "If you would rather ask another mentor, take this request back" not in shown
    assert "You may ask other mentors meanwhile, up to 3 at once" in shown


def closed_because_another_accepted() -> Services:
    """A request of mine that closed as another mentor accepted me, as matching says it to the pair."""
    return its_page(a_pairing_of_mine("lapsed", requested_by_mentee=True, closed_for_another_mentor=True))


async def test_a_request_closed_as_another_mentor_accepted_says_so_and_offers_no_other_mentor_to_choose():
    async with browser(closed_because_another_accepted(), ME) as page:
        shown = await page.get(f"/mentorships/{PAIRING}")
    text = text_of(shown.text)
    assert "Another mentor you asked accepted you" in text
    assert "Lapsed" not in text and "did not go ahead" not in text
    assert "Choose another mentor" not in text and "/suggestions" not in shown.text


async def test_a_request_that_lapsed_unanswered_still_offers_another_mentor_to_choose():
    lapsed = a_pairing_of_mine("lapsed", requested_by_mentee=True, closed_for_another_mentor=False)
    async with browser(its_page(lapsed), ME) as page:
        text = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert "This request did not go ahead" in text and "Choose another mentor" in text
    assert "accepted you" not in text


async def test_a_mentor_asked_reads_that_the_request_waits_for_their_answer():
    asked = {**a_pairing_of_mine("requested", mentor_accepted=False, requested_by_mentee=True),
             "mentee_id": MENTEE, "mentor_id": ME}
    services = its_page(asked, **{f"GET /v1/people/{MENTEE}/as-partner": httpx.Response(
        404, json={"error": {"code": "not_found", "message": "no"}})})
    async with browser(services, ME) as page:
        text = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert "Status Waiting for your answer" in text and "waiting for the mentor" not in text


@pytest.mark.parametrize("status, requested", [("declined", False), ("lapsed", False), ("declined", True),
                                                ("lapsed", True)])
@pytest.mark.parametrize("role", ["mentee", "mentor"])
async def test_a_pairing_that_did_not_go_ahead_gives_no_reasons_why_the_two_fit(status, requested, role):
    mine = {} if role == "mentee" else {"mentee_id": MENTEE, "mentor_id": ME}
    closed = a_pairing_of_mine(status, requested_by_mentee=requested, reasons=["support_offered"],
                               reason_codes=["support_offered"], **mine)
    async with browser(its_page(closed), ME) as page:
        text = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert "Why" not in text and "support" not in text


@pytest.mark.parametrize("role, said", [("mentee", "Status Did not go ahead"), ("mentor", "Status Declined")])
async def test_a_declined_proposal_does_not_read_as_a_rejection_to_its_mentee(role, said):
    mine = {} if role == "mentee" else {"mentee_id": MENTEE, "mentor_id": ME}
    async with browser(its_page(a_pairing_of_mine("declined", **mine)), ME) as page:
        text = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert said in text
    if role == "mentee":
        assert "Declined" not in text


async def test_the_question_to_accept_and_what_follows_it_are_two_sentences_apart():
    proposed = a_pairing_of_mine("proposed", mentee_accepted=False)
    services = its_page(proposed)
    services.answers["GET /v1/programs"][0]["both_must_accept"] = False
    async with browser(services, ME) as page:
        shown = (await page.get(f"/mentorships/{PAIRING}")).text
    words = " ".join(re.sub(r"<[^>]+>", "", shown).split())  # markup taken away, as a screen reader joins it
    assert "Do you accept this mentorship? It starts as soon as you accept." in words


async def test_a_suggested_mentor_is_said_to_fit_as_this_mentor_not_as_your_mentor_yet():
    # "your mentor offers the kind of support you asked for", said of strangers she had not asked.
    services = choosing([str(uuid4())])
    services.answers[f"GET /v1/people/{ME}/pairings"] = []
    services.answers[f"GET /v1/programs/{PROGRAM}/suggestions"][0]["reason_codes"] = [
        "support_offered", "near_peer", "further_along"]
    async with browser(services, ME) as page:
        shown = text_of((await page.get(SUGGESTIONS)).text)
    for said in ("this mentor offers the kind of support you asked for",
                 "this mentor is a step or two ahead of you on the path", "this mentor is further along the path"):
        assert said in shown
    assert "your mentor offers" not in shown and "your mentor is" not in shown


async def test_a_request_waiting_says_why_this_mentor_may_fit_not_your_mentor():
    # Her home card said "your mentor offers…" of a mentor who had not answered yet.
    asked = a_pairing_of_mine("requested", requested_by_mentee=True, mentee_accepted=True, mentor_accepted=False,
                              reasons=["support_offered"], reason_codes=["support_offered"])
    async with browser(its_page(asked), ME) as page:
        shown = text_of((await page.get(f"/mentorships/{PAIRING}")).text)
    assert "this mentor offers the kind of support you asked for" in shown
    assert "your mentor offers" not in shown
