"""The console's pages against the services' console APIs as CONSOLE-SPEC.md has them (in-memory fakes behind an
httpx transport): who reaches the console, names joined with one profiles call, the services' refusals worded next
to their field, the invitation flow and its emails, rounds reviewed before publishing, check-in with and without
JavaScript, reports as the services publish them, the merged audit trail, and both languages."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
import web
from babel.dates import format_time
from babel.messages.extract import extract_from_dir
from web.console.labels import OVERRIDDEN_BY_A_REASON
from web.domain.sign_in import digest
from web.entrypoints.web import CsrfRefused

from ..catalogues import forms
from ..catalogues import spanish as catalogue
from ..unit.test_pages import error_next_to
from .fakes import CSRF, E9, FAR, ROUND, admin_pages, as_, ident, pages, published

PACKAGE = Path(web.__file__).parent


async def test_someone_who_is_neither_coordinator_nor_administrator_finds_no_console(world):
    async with as_(world, "mentee")[0] as page:
        for path in ["/console", "/console/people", "/console/reports"]:
            answer = await page.get(path)
            assert answer.status_code == 404, path
            assert "Ben Student" not in answer.text
    assert not world["s"].calls_to("profiles", "GET", r"/v1/people"), "nothing is asked for a non-staff person"


async def test_a_suspended_coordinator_finds_no_console_from_the_next_request(world):
    # Profiles answers the roles as granted, and that the person is suspended: the roles count for nothing.
    s = world["s"]
    s.roles[world["coordinator"]["id"]] = {"administrator": False, "coordinator_of": [s.chapter], "suspended": True}
    async with as_(world, "coordinator")[0] as page:
        for path in ["/console", "/console/people"]:
            assert (await page.get(path)).status_code == 404, path


async def test_switching_language_on_a_console_page_comes_back_to_that_page(world):
    # The language form's `back` was empty on every console page: /language then led to the home page.
    async with as_(world, "coordinator")[0] as page:
        shown = (await page.get("/console/events?status=draft")).text
    assert re.search(r'name="back" value="/console/events\?status=draft"', shown)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_every_console_page_answers_a_coordinator_and_an_administrator_in_both_languages(world, language):
    for who, extra in (("coordinator", []), ("admin", admin_pages(world))):
        async with as_(world, who, language)[0] as page:
            for path in pages(world) + extra:
                answer = await page.get(path)
                assert answer.status_code == 200, (who, path, answer.text[:3000])
                assert f'<html lang="{language}">' in answer.text
                assert answer.text.count("<h1") == 1, path
    if language == "es":
        async with as_(world, "coordinator", "es")[0] as page:
            assert "Participantes" in (await page.get("/console/people")).text


async def test_the_administrators_pages_are_refused_to_a_coordinator_as_theirs_not_as_missing(world):
    async with as_(world, "coordinator")[0] as page:
        for path in admin_pages(world):
            refused = await page.get(path)
            assert refused.status_code == 403, path
            assert "Only national administrators see this page" in refused.text and "not here" not in refused.text


async def test_a_coordinator_gets_staff_tokens_naming_their_chapters_and_an_administrator_none(world):
    async with as_(world, "coordinator")[0] as page:
        await page.get("/console/people")
    claims = world["s"].calls_to("profiles", "GET", "/v1/people")[-1].claims
    assert claims["role"] == "coordinator" and claims["chapters"] == [world["s"].chapter]
    assert claims["person_id"] == world["coordinator"]["id"]
    async with as_(world, "admin")[0] as page:
        await page.get("/console/people")
    claims = world["s"].calls_to("profiles", "GET", "/v1/people")[-1].claims
    assert claims["role"] == "admin" and "chapters" not in claims


async def test_another_chapters_person_program_pairing_and_event_are_not_found_without_a_hint(world):
    s = world["s"]
    s.pairings[FAR] = {**world["pairing"], "id": FAR, "program_id": world["other_program"]["id"]}
    async with as_(world, "coordinator")[0] as page:
        for path in [f"/console/people/{world['stranger']['id']}", f"/console/programs/{world['other_program']['id']}",
                     f"/console/pairings/{FAR}", f"/console/events/{world['other_event']['id']}",
                     f"/console/events/{world['other_event']['id']}/check-in",
                     f"/console/events/{world['other_event']['id']}/edit",
                     f"/console/programs/{world['other_program']['id']}/invite"]:
            answer = await page.get(path)
            assert answer.status_code == 404, path
            assert "Sam Elsewhere" not in answer.text and "Miami" not in answer.text.split("<main")[1]


async def test_sending_the_invitation_form_of_another_chapters_program_is_not_found_and_names_no_program(world):
    other = world["other_program"]
    async with as_(world, "coordinator")[0] as page:
        answer = await page.post(f"/console/programs/{other['id']}/invite", data={"csrf": CSRF, "role": ""})
    assert answer.status_code == 404
    assert other["name"] not in answer.text
    assert not world["s"].calls_to("profiles", "POST", "/v1/invitations/preview")


async def test_participants_are_filtered_with_the_filters_kept_in_the_url_and_no_identity_is_ever_asked(world):
    async with as_(world, "coordinator")[0] as page:
        answer = await page.get("/console/people", params={"q": "ben", "role": "mentee", "stage": "nonsense"})
    async with as_(world, "admin")[0] as page:  # matching shows a person's pairings to administrators only
        person = await page.get(f"/console/people/{world['mentee']['id']}")
    asked = world["s"].calls_to("profiles", "GET", "/v1/people")[0].params
    assert asked["q"] == "ben" and asked["role"] == "mentee" and "stage" not in asked
    assert "Ben Student" in answer.text and "Dr. Ana Reyes" not in answer.text
    assert 'value="ben"' in answer.text
    assert "Into Medicine" in person.text and "Mentored by Dr. Ana Reyes" in person.text
    assert not [c for c in world["s"].calls if "identity" in c.path]


async def test_alumni_are_marked_and_a_coordinator_can_list_them_alone(world):
    world["mentor"]["is_alumni"] = True
    async with as_(world, "coordinator")[0] as page:
        alumni = await page.get("/console/people", params={"alumni": "true"})
        mentor = await page.get(f"/console/people/{world['mentor']['id']}")
    assert world["s"].calls_to("profiles", "GET", "/v1/people")[-1].params["alumni"] == "true"
    listed = alumni.text.split('id="results"')[1]
    assert "Dr. Ana Reyes" in listed and "Ben Student" not in listed and "· Alum" in listed
    assert '<option value="true" selected>Alumni only</option>' in alumni.text
    assert "· Alum" in mentor.text


async def test_a_paused_mentor_is_shown_paused_to_a_coordinator(world):
    async with as_(world, "coordinator")[0] as page:
        before = await page.get(f"/console/people/{world['mentor']['id']}")
        world["mentor"]["enrollments"][0]["paused"] = True  # they paused
        after = await page.get(f"/console/people/{world['mentor']['id']}")
        world["mentor"]["enrollments"][0]["paused_because"] = "unanswered"  # profiles paused them, on matching's word
        silent = await page.get(f"/console/people/{world['mentor']['id']}")
    assert "paused" not in before.text
    assert "up to 2 mentees · paused: takes no new mentee for now" in after.text
    assert "up to 2 mentees · paused after proposals lapsed unanswered" in silent.text


async def test_a_paused_mentee_is_shown_paused_to_a_coordinator(world):
    mentee = world["mentee"]
    async with as_(world, "coordinator")[0] as page:
        before = await page.get(f"/console/people/{mentee['id']}")
        mentee["enrollments"][0]["paused"] = True
        after = await page.get(f"/console/people/{mentee['id']}")
        mentee["enrollments"][0]["paused_because"] = "unanswered"  # profiles paused them, on matching's word
        silent = await page.get(f"/console/people/{mentee['id']}")
    assert "paused" not in before.text
    assert "<p>Mentee · paused: no mentor is proposed to them for now</p>" in after.text
    assert "<p>Mentee · paused after proposals lapsed unanswered</p>" in silent.text


@pytest.mark.parametrize("because, said", [
    ("goals_met", "<p>Mentee · resting after a mentorship that met its goals: no mentor is proposed to them until "
                  "they ask</p>"),
    ("term_completed", "<p>Mentee · resting after a completed mentorship: no mentor is proposed to them until they "
                       "ask</p>")])
async def test_a_mentee_resting_after_a_mentorship_that_ran_its_course_is_shown_so_to_a_coordinator(
        world, because, said):
    mentee = world["mentee"]
    mentee["enrollments"][0].update(paused=True, paused_because=because)
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/people/{mentee['id']}")).text
    assert said in text


async def test_each_page_joins_names_with_one_profiles_call(world):
    for path in [f"/console/programs/{world['program']['id']}", f"/console/rounds/{ROUND}",
                 f"/console/events/{world['event']['id']}", f"/console/events/{world['event']['id']}/check-in"]:
        world["s"].calls.clear()
        async with as_(world, "coordinator")[0] as page:
            answer = await page.get(path)
        assert len(world["s"].calls_to("profiles", "GET", "/v1/people/names")) == 1, path
        assert "Ben Student" in answer.text, path
    assert not world["s"].calls_to("matching", path=r".*/names") and not world["s"].calls_to("events", path=r".*names")


async def test_a_programs_page_shows_pairings_with_names_status_last_meeting_overdue_waitlist_and_feedback(world):
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/programs/{world['program']['id']}")).text
    assert "Ben Student" in text and "Dr. Ana Reyes" in text and "meeting overdue" in text
    assert "January 20, 2026" in text
    assert "Cleo Waiting, waiting since" in text  # a program of rounds: numbered nobody
    assert "5 out of 5" in text and "Very helpful" in text


async def test_pairing_by_hand_sends_the_override_reason_and_words_a_refusal_next_to_its_field(world):
    s, program = world["s"], world["program"]
    form = {"csrf": CSRF, "mentee_id": world["waiting"]["id"], "mentor_id": world["mentor"]["id"],
            "override_reason": ""}
    s.refuse[("POST", f"/v1/programs/{program['id']}/pairings")] = (409, "mentor_full", None)
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/programs/{program['id']}/pairings", data=form)
        assert refused.status_code == 422
        assert 'id="override_reason-error">This mentor has no room' in refused.text
        assert 'aria-invalid="true" aria-describedby="override_reason-hint override_reason-error"' in refused.text
        del s.refuse[("POST", f"/v1/programs/{program['id']}/pairings")]
        made = await page.post(f"/console/programs/{program['id']}/pairings",
                               data={**form, "override_reason": "She asked for Ana"})
    assert made.status_code == 303 and made.headers["location"].endswith("?done=paired")
    assert s.calls_to("matching", "POST")[-1].body == {"mentee_id": world["waiting"]["id"],
                                                       "mentor_id": world["mentor"]["id"],
                                                       "override_reason": "She asked for Ana"}


@pytest.mark.parametrize("language, words", [
    ("en", ("There is a problem", "Choose a mentee from the waitlist.", "Choose a mentor.")),
    ("es", ("Hay un problema", "Elige a una persona mentorada de quienes esperan persona mentora.",
            "Elige a una persona mentora."))])
async def test_pairing_by_hand_with_nothing_chosen_opens_on_a_summary_at_the_top_linking_to_each_field(
        world, language, words):
    program = world["program"]
    async with as_(world, "coordinator", language)[0] as page:
        refused = await page.post(f"/console/programs/{program['id']}/pairings",
                                  data={"csrf": CSRF, "mentee_id": "", "mentor_id": ""})
    assert refused.status_code == 422
    top, _, rest = refused.text.partition("<h1>")
    summary = re.search(r'<div class="notice error error-summary"[^>]*data-error-summary[^>]*>.*?</div>', top, re.S)
    assert summary and words[0] in summary[0]
    assert re.findall(r'<a href="#([a-z_]+)">([^<]*)</a>', summary[0]) == [("mentee_id", words[1]),
                                                                         ("mentor_id", words[2])]
    assert 'id="mentee_id-error"' in rest and 'id="mentor_id-error"' in rest


async def test_ending_and_reassigning_need_a_reason_and_reach_matching_with_it(world):
    s, pairing = world["s"], world["pairing"]
    async with as_(world, "coordinator")[0] as page:
        missing = await page.post(f"/console/pairings/{pairing['id']}/end", data={"csrf": CSRF})
        assert missing.status_code == 422 and 'id="end_reason-error"' in missing.text
        # Two problems, told apart: the summary read "Give a reason." twice.
        assert "Choose why it ends." in missing.text and "Say in a few words why it ends." in missing.text
        assert "Give a reason." not in missing.text
        # Asked first, naming the two and the reason: both are emailed.
        asked = await page.post(f"/console/pairings/{pairing['id']}/end",
                                data={"csrf": CSRF, "reason_code": "conduct", "end_reason": "Missed three meetings"})
        assert asked.status_code == 200 and not s.calls_to("matching", "POST")
        question = " ".join(asked.text.split())
        assert "End the mentorship of Ben Student and Dr. Ana Reyes? Why: " in question
        assert 'name="confirm" value="yes"' in asked.text and 'value="Missed three meetings"' in asked.text
        assert "Keep the mentorship" in asked.text
        ended = await page.post(f"/console/pairings/{pairing['id']}/end",
                                data={"csrf": CSRF, "reason_code": "conduct", "end_reason": "Missed three meetings",
                                      "confirm": "yes"})
        assert ended.status_code == 303
    assert s.calls_to("matching", "POST")[-1].body == {"reason_code": "conduct", "reason": "Missed three meetings"}
    pairing["status"] = "active"
    other = s.person("Dr. Omar Diaz")
    async with as_(world, "coordinator")[0] as page:
        moved = await page.post(f"/console/pairings/{pairing['id']}/reassign",
                                data={"csrf": CSRF, "mentor_id": other["id"], "reason": "Closer to home"})
    assert moved.status_code == 303 and "/console/pairings/" in moved.headers["location"]
    assert s.calls_to("matching", "POST")[-1].body == {"mentor_id": other["id"], "reason": "Closer to home"}


@pytest.mark.parametrize("status", ["proposed", "requested"])
async def test_a_mentorship_waiting_for_answers_offers_no_ending_and_a_requests_page_says_what_can_be_done(
        world, status):
    pairing = world["pairing"]
    pairing["status"] = status
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/pairings/{pairing['id']}")).text
    assert f'action="/console/pairings/{pairing["id"]}/end"' not in text
    # A proposal can be withdrawn or moved to another mentor (test_console_proposals); a mentee's request cannot.
    assert (f'action="/console/pairings/{pairing["id"]}/reassign"' in text) == (status == "proposed")
    assert ("Once the mentor accepts, you can reassign the mentee or end the mentorship here." in text) == (
        status == "requested")
    pairing["status"] = "active"
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/pairings/{pairing['id']}")).text
    assert f'action="/console/pairings/{pairing["id"]}/reassign"' in text
    assert f'action="/console/pairings/{pairing["id"]}/end"' in text


async def test_a_closed_mentorship_has_no_term_ending_and_no_meeting_still_to_come(world):
    pairing = world["pairing"]
    pairing.update(status="ended", last_met_at=None, term_ends_at="2027-12-06T00:00:00+00:00")
    async with as_(world, "coordinator")[0] as page:
        text = html.unescape((await page.get(f"/console/pairings/{pairing['id']}")).text)
    assert "Term ends" not in text and "none yet" not in text and "none logged" in text


async def test_ending_a_mentorship_says_a_conduct_ending_holds_nobody_and_links_to_both_to_suspend_them(world):
    pairing, mentor, mentee = world["pairing"], world["mentor"], world["mentee"]
    async with as_(world, "coordinator")[0] as page:
        text = html.unescape((await page.get(f"/console/pairings/{pairing['id']}")).text)
    form = text.split(f'action="/console/pairings/{pairing["id"]}/end"')[1]
    assert "even for a problem of conduct, it holds neither of them from new mentorships" in form
    assert f'href="/console/people/{mentor["id"]}"' in form and f'href="/console/people/{mentee["id"]}"' in form


async def test_the_mentor_pickers_offer_approved_mentors_only_not_one_suspended_or_awaiting_approval(world):
    s, program = world["s"], world["program"]
    for name, approval in (("Dr. Sam Suspended", "suspended"), ("Dr. Pat Pending", "pending")):
        s.person(name, enrollments=[{"id": ident(), "program_id": program["id"], "role": "mentor",
                                     "approval": approval, "withdrawn": False, "capacity": 2}])
    async with as_(world, "coordinator")[0] as page:
        for path in (f"/console/pairings/{world['pairing']['id']}", f"/console/programs/{program['id']}"):
            text = (await page.get(path)).text
            assert "Dr. Sam Suspended" not in text and "Dr. Pat Pending" not in text, path
    assert s.calls_to("profiles", "GET", "/v1/people")[-1].params["approval"] == "approved"


async def test_a_persons_page_shows_the_pronouns_profiles_lets_the_staff_member_see(world):
    s = world["s"]
    shared = s.person("Morgan Shared", pronouns="he/him")
    kept = s.person("Riley Kept")  # profiles answers no pronouns to staff when only the person may see them
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/people/{shared['id']}")).text
        assert "<dt>Pronouns</dt><dd>he/him</dd>" in text
        assert "Pronouns" not in (await page.get(f"/console/people/{kept['id']}")).text


async def test_a_draft_round_shows_pairs_scores_reasons_in_words_the_unpaired_with_why_and_totals(world):
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/rounds/{ROUND}")).text
    assert "Ben Student with Dr. Ana Reyes" in text and "Score 87 out of 100" in text and "the total adds them up" in text
    # Said of every round alike: a pair chosen over one that scores more is not explained by what the page shows.
    assert ("The round also weighs what people asked to be used for matching only, which nobody here is shown"
            in " ".join(text.split()))
    assert "They share an interest in the same specialty" in text and "They are in the same time zone" in text
    # Not "no room left": said of one whose identity requirement no mentor with room meets, that was false while the
    # mentors' capacities showed room, and pointed at the requirement.
    assert "Cleo Waiting: No mentor with room left after this round fits them" in text
    assert "Publish: propose this pair" in text and "Discard this draft" in text
    # Said before publishing: those left unpaired are emailed too.
    assert ("emails both people, and tells the one mentee left unpaired that they wait for the next round"
            in " ".join(text.split()))


async def test_a_pair_removed_from_a_draft_by_mistake_is_put_back_from_the_draft_with_a_mentor_who_has_room(world):
    # Removing a pair could not be undone: only discarding the draft, and its swaps with it.
    s, r = world["s"], world["s"].rounds[ROUND]
    r["mentors_with_places"] = [{"mentor_id": world["mentor"]["id"], "places": 1}]
    async with as_(world, "coordinator")[0] as page:
        await page.post(f"/console/rounds/{ROUND}/pairs/{world['mentee']['id']}/remove", data={"csrf": CSRF})
        shown = (await page.get(f"/console/rounds/{ROUND}")).text
        form = shown.split('<h2 id="add">')[1]
        assert "Pair a mentee left unpaired" in form
        assert f'<option value="{world["mentee"]["id"]}"' in form and "Dr. Ana Reyes (1 place free)" in form
        missing = await page.post(f"/console/rounds/{ROUND}/pairs", data={"csrf": CSRF})
        added = await page.post(f"/console/rounds/{ROUND}/pairs", data={
            "csrf": CSRF, "mentee_id": world["mentee"]["id"], "mentor_id": world["mentor"]["id"]})
        after = (await page.get(added.headers["location"])).text
    assert missing.status_code == 422
    assert error_next_to(missing.text, "add_mentee_id") == "Choose a mentee."
    assert error_next_to(missing.text, "add_mentor_id") == "Choose a mentor."
    assert added.status_code == 303 and added.headers["location"] == f"/console/rounds/{ROUND}?done=pair_added"
    assert s.calls_to("matching", "POST", f"/v1/rounds/{ROUND}/pairs")[-1].body == {
        "mentee_id": world["mentee"]["id"], "mentor_id": world["mentor"]["id"]}
    assert "The pair is added to the draft." in after and "Ben Student with Dr. Ana Reyes" in after


async def test_a_pair_the_draft_cannot_take_is_refused_next_to_the_mentor_keeping_what_was_chosen(world):
    r = world["s"].rounds[ROUND]
    r["mentors_with_places"] = [{"mentor_id": world["mentor"]["id"], "places": 1}]
    async with as_(world, "coordinator")[0] as page:
        r["mentors_with_places"] = []  # the place taken meanwhile (another tab), as matching finds it
        refused = await page.post(f"/console/rounds/{ROUND}/pairs", data={
            "csrf": CSRF, "mentee_id": world["waiting"]["id"], "mentor_id": world["mentor"]["id"]})
        none_free = (await page.get(f"/console/rounds/{ROUND}")).text
    assert refused.status_code == 422
    # Worded for a draft, where no reason overrides a rule; said next to the form, kept though no mentor has a place.
    said = error_next_to(refused.text, "add_mentor_id")
    assert said.startswith("Cleo Waiting and this mentor would not make a pair the program allows (the mentor has no "
                           "room).") and "override" not in said
    assert "No mentor has a place free in this draft: remove a pair to free one" in " ".join(none_free.split())


async def test_a_pair_swapped_by_a_coordinator_says_its_mentee_will_be_asked_to_confirm_it(world):
    async with as_(world, "coordinator")[0] as page:
        assert "the mentee will be asked" not in (await page.get(f"/console/rounds/{ROUND}")).text
        world["s"].rounds[ROUND]["pairs"][0]["by_hand"] = True
        text = (await page.get(f"/console/rounds/{ROUND}")).text
    assert "Made by a coordinator (swapped or added): the mentee will be asked to confirm it." in text


async def test_a_pair_swapped_in_a_program_where_both_accept_says_both_will_be_asked_as_every_pair(world):
    # It said the mentee would confirm it, when matching asks both, as for every pair of such a program.
    world["program"]["both_must_accept"] = True
    world["s"].rounds[ROUND]["pairs"][0]["by_hand"] = True
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/rounds/{ROUND}")).text
    assert "Made by a coordinator (swapped or added): as every pair of this program, both will be asked to accept it." in text
    assert "the mentee will be asked" not in text


async def test_swapping_two_mentees_drafted_with_the_same_mentor_is_refused_in_words_next_to_the_swap(world):
    s, mentee, mentor = world["s"], world["mentee"], world["mentor"]
    other = str(uuid4())
    s.rounds[ROUND]["pairs"].append({"mentee_id": other, "mentor_id": mentor["id"], "score": 70, "reason_codes": []})
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/rounds/{ROUND}/swap",
                                  data={"csrf": CSRF, "mentee_a": mentee["id"], "mentee_b": other})
    assert refused.status_code == 422
    assert "These two mentees are drafted with the same mentor: swapping them would change nothing." in refused.text
    assert "are swapped" not in refused.text


@pytest.mark.parametrize("language, said", [
    ("en", "Cleo Waiting: Every mentor who fits them is full"),
    ("es", "Cleo Waiting: Ninguna persona mentora adecuada tiene cupo")])
async def test_a_mentee_left_out_because_every_mentor_who_fits_is_full_is_said_so(world, language, said):
    # Not "no mentor fits their stage and needs", which sent a coordinator looking for mentors instead of room.
    world["s"].rounds[ROUND]["unpaired"] = [{"mentee_id": world["waiting"]["id"], "reason_code": "fitting_mentors_full"}]
    async with as_(world, "coordinator", language)[0] as page:
        text = html.unescape((await page.get(f"/console/rounds/{ROUND}")).text)
    assert said in text


async def test_a_rounds_counts_agree_with_their_number_in_both_languages(world):
    async with as_(world, "coordinator", "es")[0] as page:
        text = (await page.get(f"/console/rounds/{ROUND}")).text
    assert "Publicar: proponer esta dupla" in text


async def test_removing_a_pair_then_publishing_calls_matching_and_the_published_round_has_no_buttons(world):
    s, mentee = world["s"], world["mentee"]
    async with as_(world, "coordinator")[0] as page:
        removed = await page.post(f"/console/rounds/{ROUND}/pairs/{mentee['id']}/remove", data={"csrf": CSRF})
        assert removed.status_code == 303 and removed.headers["location"].endswith("done=removed")
        published = await page.post(f"/console/rounds/{ROUND}/publish", data={"csrf": CSRF})
        assert published.status_code == 303
        text = (await page.get(f"/console/rounds/{ROUND}?done=published")).text
    assert [(c.method, c.path) for c in s.calls_to("matching") if c.method != "GET"] == [
        ("DELETE", f"/v1/rounds/{ROUND}/pairs/{mentee['id']}"), ("POST", f"/v1/rounds/{ROUND}/publish")]
    assert "The round is published" in text and "Publish:" not in text and "Remove the pair" not in text


@pytest.mark.parametrize("language, said", [
    ("en", "This draft proposes nobody: there is nothing to publish. Discard it, or run another round later."),
    ("es", "Este borrador no propone a nadie: no hay nada que publicar. Descártalo o ejecuta otra ronda más "
           "adelante.")])
async def test_a_draft_that_proposes_nobody_offers_only_to_discard_it(world, language, said):
    world["s"].rounds[ROUND]["pairs"] = []
    async with as_(world, "coordinator", language)[0] as page:
        text = html.unescape((await page.get(f"/console/rounds/{ROUND}")).text)
    assert said in text
    assert f'action="/console/rounds/{ROUND}/publish"' not in text
    assert f'action="/console/rounds/{ROUND}/discard"' in text


async def test_discarding_a_draft_asks_first_and_only_a_yes_discards_it(world):
    # One click discarded it, with the swaps and removals made in it.
    s = world["s"]
    async with as_(world, "coordinator")[0] as page:
        asked = html.unescape((await page.post(f"/console/rounds/{ROUND}/discard", data={"csrf": CSRF})).text)
        assert not [c for c in s.calls_to("matching") if c.method != "GET"]
        discarded = await page.post(f"/console/rounds/{ROUND}/discard", data={"csrf": CSRF, "confirm": "yes"})
    assert ("Discard this draft? Nobody is proposed anything, and the swaps and removals made in it are lost. You can "
            "run another round.") in asked
    assert '<input type="hidden" name="confirm" value="yes">' in asked and "Keep the draft" in asked
    assert f'action="/console/rounds/{ROUND}/publish"' not in asked  # the question, in place of the buttons
    assert discarded.status_code == 303
    assert [(c.method, c.path) for c in s.calls_to("matching") if c.method != "GET"] == [
        ("POST", f"/v1/rounds/{ROUND}/discard")]


async def test_a_round_still_running_polls_with_htmx_and_offers_a_reload_without_javascript(world):
    world["s"].rounds[ROUND].update(status="running", progress=40)
    async with as_(world, "coordinator")[0] as page:
        full = (await page.get(f"/console/rounds/{ROUND}")).text
        partial = (await page.get(f"/console/rounds/{ROUND}", headers={"hx-request": "true"})).text
    assert 'hx-trigger="load delay:2s"' in full and "Reload to see the draft" in full and "40% done" in full
    assert partial.lstrip().startswith('<div id="round-progress"') and "<html" not in partial


CSV = "\n".join(["name,email,stage", "Dr. Ana One,ana1@example.org,resident",
                 "Dr. Luis Two,luis@example.mx,attending", ",nobody@example.org,resident",
                 "Dr. Bad Mail,not-an-address,resident", "Dr. Ana Again,ana1@example.org,resident"])


async def test_the_invitation_preview_marks_each_row_valid_or_names_what_is_wrong_and_invites_nobody(world):
    s, program = world["s"], world["program"]
    async with as_(world, "coordinator")[0] as page:
        answer = await page.post(f"/console/programs/{program['id']}/invite",
                                 data={"csrf": CSRF, "role": "mentor", "step": "preview"},
                                 files={"file": ("mentors.csv", CSV.encode(), "text/csv")})
    text = answer.text
    assert answer.status_code == 200
    assert "2 lines can be invited; 3 have a problem" in text
    assert "Line 4" in text and "Name: missing" in text
    assert "Email: not an email address" in text and "Email: the same address is earlier in the file" in text
    assert "Invite 2 people as mentor" in text
    assert not s.invited and not s.calls_to("profiles", "POST", "/v1/invitations")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
async def test_an_invitation_file_saved_by_a_spreadsheet_keeps_its_accents_whatever_encoding_it_was_saved_in(
        world, encoding):
    # Excel on Windows saves "CSV (Comma delimited)" in Windows-1252, and "CSV UTF-8" with a byte order mark.
    s, program = world["s"], world["program"]
    async with as_(world, "coordinator")[0] as page:
        await page.post(f"/console/programs/{program['id']}/invite",
                        data={"csrf": CSRF, "role": "mentor", "step": "preview"},
                        files={"file": ("mentors.csv", "name,email,stage\nDr. José Núñez,jose@example.mx,resident\n"
                                        .encode(encoding), "text/csv")})
    [sent] = s.calls_to("profiles", "POST", "/v1/invitations/preview")
    assert sent.body["csv"].lstrip("\ufeff") == "name,email,stage\nDr. José Núñez,jose@example.mx,resident\n"


async def test_confirming_invites_and_mails_each_new_person_a_week_long_sign_in_link_in_their_language(world):
    program = world["program"]
    client, mailer, links = as_(world, "coordinator")
    async with client as page:
        done = await page.post(f"/console/programs/{program['id']}/invite",
                               data={"csrf": CSRF, "role": "mentor", "step": "confirm", "csv": CSV})
        assert "2 people invited; 2 invitation emails sent" in done.text
        again = await page.post(f"/console/programs/{program['id']}/invite",
                                data={"csrf": CSRF, "role": "mentor", "step": "confirm", "csv": CSV})
    assert "0 people invited; 0 invitation emails sent" in again.text
    assert "Invited before, not invited again: 2" in again.text
    assert sorted(m["to"] for m in mailer.sent) == ["ana1@example.org", "luis@example.mx"]
    english = next(m for m in mailer.sent if m["to"] == "ana1@example.org")
    spanish = next(m for m in mailer.sent if m["to"] == "luis@example.mx")
    assert "You are invited to mentor in Into Medicine.\n\nSign in with this link" in english["text"], "a paragraph each"
    assert "Te invitamos" in spanish["text"] and spanish["subject"] != english["subject"]
    assert len(links.links) == 2
    for message in mailer.sent:
        secret = re.search(r"http://web\.test/sign-in/([A-Za-z0-9_-]{43,})", message["text"])[1]
        link = next(link for link in links.links if link.digest == digest(secret))
        assert link.email == message["to"] and secret not in str(links.links)
        assert timedelta(days=6, hours=23) < link.expires_at - datetime.now(UTC) <= timedelta(days=7)


async def test_an_invitations_link_leads_into_the_program_chosen_and_its_people_are_registered_in_the_consoles_language(
        world):
    program, s = world["program"], world["s"]
    client, _, links = as_(world, "coordinator", "es")
    async with client as page:
        await page.post(f"/console/programs/{program['id']}/invite",
                        data={"csrf": CSRF, "role": "mentor", "step": "confirm", "csv": CSV})
    [asked] = s.calls_to("profiles", "POST", "/v1/invitations")
    assert asked.body["language"] == "es"  # for a row naming none: as their invitation is written
    assert {link.back_to for link in links.links} == {f"/sign-up/enrol?program_id={program['id']}&role=mentor"}
    # Each link is its person's: erasing them forgets it (an erased person's invitation still signed them up).
    invited = {p["email"]: p["id"] for p in s.people.values()}
    assert {(link.email, str(link.person_id)) for link in links.links} == {
        (link.email, invited[link.email]) for link in links.links}


async def test_a_files_stages_in_words_in_either_language_are_understood_and_the_page_lists_what_to_write(world):
    program, s = world["program"], world["s"]
    csv = ("Name,Email,Stage\nDr. Eva Tres,eva@example.org,Resident\nKim Four,kim@example.org,médico o médica de planta\n"
           "Lu Five,lu@example.org,Medical student year 3\nMo Six,mo@example.org,high school\n"
           "Ny Seven,ny@example.org,chief\n")
    async with as_(world, "coordinator", "es")[0] as page:
        offered = html.unescape((await page.get(f"/console/programs/{program['id']}/invite")).text)
        await page.post(f"/console/programs/{program['id']}/invite",
                        data={"csrf": CSRF, "role": "mentor", "step": "preview", "csv": csv})
    [asked] = s.calls_to("profiles", "POST", "/v1/invitations/preview")
    stages = [line.split(",")[-1] for line in asked.body["csv"].splitlines()[1:]]
    assert stages == ["resident", "attending", "medical_student_3", "high_school", "chief"]  # unknown: profiles says
    assert "Estudiante de preparatoria (high_school)" in offered


@pytest.mark.parametrize("separator", [";", "\t"])
async def test_a_file_a_spreadsheet_saved_with_semicolons_or_tabs_is_read_as_its_columns(world, separator):
    # Excel saves "CSV" with semicolons where the comma is the decimal mark, as in Spanish.
    program, s = world["program"], world["s"]
    csv = "\n".join(separator.join(row) for row in (
        ("nombre y apellidos", "email", "stage", "name"), ("x", "eva@example.org", "Residente", "Dra. Eva Tres, MD"),
        ("y", "kim@example.org", "resident", "Kim Four"))) + "\n"
    async with as_(world, "coordinator", "es")[0] as page:
        answer = await page.post(f"/console/programs/{program['id']}/invite",
                                 data={"csrf": CSRF, "role": "mentor", "step": "preview", "csv": csv})
    [asked] = s.calls_to("profiles", "POST", "/v1/invitations/preview")
    assert asked.body["csv"] == ('nombre y apellidos,email,stage,name\nx,eva@example.org,resident,"Dra. Eva Tres, MD"\n'
                                 "y,kim@example.org,resident,Kim Four\n")
    assert answer.status_code == 200 and "Kim Four" in answer.text


@pytest.mark.parametrize("language, said", [
    ("en", "The first line names the columns. Yours names Full Name, Email; it also needs a column stage."),
    ("es", "La primera línea nombra las columnas. La tuya nombra Full Name, Email; también necesita una columna "
           "etapa.")])
async def test_a_file_whose_first_line_names_other_columns_is_told_which_columns_it_lacks(world, language, said):
    s, program = world["s"], world["program"]
    async with as_(world, "coordinator", language)[0] as page:
        answer = await page.post(f"/console/programs/{program['id']}/invite",
                                 data={"csrf": CSRF, "role": "mentor", "step": "preview",
                                       "csv": "Full Name,Email\nAna Uno,ana@example.org\n"})
    error = re.search(r'<p class="field-error" id="file-error">([^<]*)</p>', answer.text)
    assert answer.status_code == 422 and error and html.unescape(error[1]) == said
    assert not s.calls_to("profiles", "POST")


@pytest.mark.parametrize("members_public, subject", [(True, "You are invited to join Into Medicine"),
                                                     (False, "You are invited to a mentorship program")])
async def test_an_invitations_subject_names_its_program_only_when_who_takes_part_is_public(world, members_public,
                                                                                         subject):
    # A subject shows on a lock screen and in a shared inbox's list: an affinity program is named inside only.
    program = world["program"]
    program["members_public"] = members_public
    client, mailer, _ = as_(world, "coordinator")
    async with client as page:
        await page.post(f"/console/programs/{program['id']}/invite",
                        data={"csrf": CSRF, "role": "mentor", "step": "confirm", "csv": CSV})
    english = next(m for m in mailer.sent if m["to"] == "ana1@example.org")  # luis@ is invited in Spanish
    assert english["subject"] == subject and "Into Medicine" in english["text"]


async def test_a_person_invited_who_says_they_never_got_it_is_sent_the_invitation_again_from_their_page(world):
    s, program, waiting = world["s"], world["program"], world["waiting"]
    pending = {"invitation_id": "5c0c1e0a-2f4e-4d59-8d7a-6f3b0d7c9a12", "program_id": program["id"],
               "role": "mentee", "status": "pending"}
    s.person_invitations[waiting["id"]] = [pending, {**pending, "invitation_id": "x", "status": "accepted"}]
    client, mailer, links = as_(world, "coordinator")
    async with client as page:
        shown = " ".join((await page.get(f"/console/people/{waiting['id']}")).text.split())
        again = await page.post(f"/console/people/{waiting['id']}/invitations/{pending['invitation_id']}/again",
                                data={"csrf": CSRF})
    assert "Invited to Into Medicine as a mentee: not joined yet" in shown
    assert "Invited to Into Medicine as a mentee: joined" in shown
    assert shown.count("Send the invitation again") == 1
    assert (again.status_code, again.headers["location"]) == (
        303, f"/console/people/{waiting['id']}?done=invitation_sent_again")
    [sent] = mailer.sent
    assert sent["to"] == waiting["email"] and "You are invited to join Into Medicine" in sent["text"]
    assert [link.back_to for link in links.links] == [f"/sign-up/enrol?program_id={program['id']}&role=mentee"]
    assert [str(link.person_id) for link in links.links] == [waiting["id"]]


async def test_a_files_language_column_is_shown_before_inviting_and_each_new_person_is_invited_in_it(world):
    program = world["program"]
    csv = ("name,email,stage,language\nDr. Eva Tres,eva@example.org,resident,es\n"
           "Dr. Kim Four,kim@example.org,resident,Klingon\n")
    client, mailer, _ = as_(world, "coordinator")
    async with client as page:
        preview = (await page.post(f"/console/programs/{program['id']}/invite",
                                   data={"csrf": CSRF, "role": "mentor", "step": "preview", "csv": csv})).text
        done = await page.post(f"/console/programs/{program['id']}/invite",
                               data={"csrf": CSRF, "role": "mentor", "step": "confirm", "csv": csv})
    assert "eva@example.org · Resident · Spanish</p>" in preview
    assert "1 line can be invited; 1 has a problem and will be left out." in preview
    assert "Invite 1 person as mentor" in preview
    assert "Language: not a language the emails are written in (en, English; es, Spanish)" in preview
    assert "1 person invited; 1 invitation email sent." in done.text
    [invitation] = mailer.sent
    assert invitation["to"] == "eva@example.org" and "Te invitamos" in invitation["text"]


async def test_vetting_approves_with_an_optional_note_and_refuses_a_suspension_without_one(world):
    s = world["s"]
    async with as_(world, "coordinator")[0] as page:
        queue = await page.get("/console/vetting")
        assert "Approve Dr. Ana Reyes" in queue.text
        refused = await page.post(f"/console/enrollments/{E9}/suspend", data={"csrf": CSRF, "note": ""})
        assert refused.status_code == 422 and f'id="note-{E9}-error">Give a reason.' in refused.text
        swapped = await page.post(f"/console/enrollments/{E9}/approve", data={"csrf": CSRF, "note": "Checked licence",
                                                                           "name": "Dr. Ana Reyes"},
                                  headers={"hx-request": "true"})
    assert "<html" not in swapped.text and f'id="v-{E9}"' in swapped.text and "The mentor is approved." in swapped.text
    assert s.calls_to("profiles", "POST", f"/v1/enrollments/{E9}/approve")[0].body == {"note": "Checked licence"}
    assert not s.calls_to("profiles", "POST", f"/v1/enrollments/{E9}/suspend")


async def test_a_mentor_awaiting_approval_is_declined_from_the_queue_once_asked_and_told_so_never_the_note(world):
    s = world["s"]
    typed = {"csrf": CSRF, "note": "No licence on file", "name": "Dr. Ana Reyes"}
    async with as_(world, "coordinator")[0] as page:
        queue = " ".join((await page.get("/console/vetting")).text.split())
        asked = await page.post(f"/console/enrollments/{E9}/suspend", data=typed, headers={"hx-request": "true"})
        declined_before_the_answer = s.calls_to("profiles", "POST", f"/v1/enrollments/{E9}/suspend")
        swapped = await page.post(f"/console/enrollments/{E9}/suspend", data={**typed, "confirm": "yes"},
                                  headers={"hx-request": "true"})
    assert "Decline Dr. Ana Reyes" in queue and ">Suspend<" not in queue
    assert "Note (kept in the audit trail; needed to decline)</label>" in queue
    assert f'id="note-{E9}-hint">The mentor is told they were not approved, never your note.</p>' in queue
    question = " ".join(asked.text.split())
    assert asked.headers["hx-retarget"] == f"#vf-{E9}" and declined_before_the_answer == []
    assert ("Decline Dr. Ana Reyes as a mentor here? They are emailed (never your note) and leave this list."
            in question)
    assert f'hx-target="#v-{E9}"' in question and 'name="note" value="No licence on file"' in question
    assert "Keep them waiting for approval" in question
    assert "Dr. Ana Reyes: Declined: the mentor is told they were not approved." in swapped.text
    assert s.calls_to("profiles", "POST", f"/v1/enrollments/{E9}/suspend")[0].body == {"note": "No licence on file"}


@pytest.mark.parametrize("language, question, yes", [
    ("en", "Decline Dr. Ana Reyes as a mentor here?", "Yes, decline"),
    ("es", "¿Rechazar a Dr. Ana Reyes como persona mentora aquí?", "Sí, rechazar")])
async def test_declining_a_mentor_without_javascript_asks_on_their_card_then_declines(world, language, question, yes):
    s = world["s"]
    typed = {"csrf": CSRF, "note": "No licence on file", "name": "Dr. Ana Reyes"}
    async with as_(world, "coordinator", language)[0] as page:
        asked = await page.post(f"/console/enrollments/{E9}/suspend", data=typed)
        declined_before_the_answer = s.calls_to("profiles", "POST", f"/v1/enrollments/{E9}/suspend")
        done = await page.post(f"/console/enrollments/{E9}/suspend", data={**typed, "confirm": "yes"})
    assert asked.status_code == 200 and declined_before_the_answer == []
    card = asked.text.split(f'id="v-{E9}"')[1].split("</li>")[0]
    assert question in card and yes in card and f'action="/console/enrollments/{E9}/approve"' not in card
    assert done.status_code == 303 and done.headers["location"] == "/console/vetting?done=declined"


@pytest.mark.parametrize("language, stage, specialties, welcomes", [
    ("en", "Attending physician", "Cardiology, Pediatrics",
     "Undergraduate (pre-med or pre-health), Medical student, year 1"),
    ("es", "Médico o médica de planta", "Cardiología, Pediatría",
     "Estudiante de universidad (premedicina o ciencias de la salud), Estudiante de medicina de primer año")])
async def test_a_mentor_awaiting_approval_shows_their_stage_specialties_and_whom_they_welcome_in_words(
        world, language, stage, specialties, welcomes):
    s, mentor = world["s"], world["mentor"]
    mentor.update(stage="attending", specialties=["cardiology", "pediatrics"])
    mentor["enrollments"].append({"id": E9, "program_id": world["program"]["id"], "role": "mentor",
                                  "approval": "pending", "withdrawn": False, "capacity": 2})
    s.enrollments[E9]["mentee_stages_welcome"] = ["undergraduate", "medical_student_1"]
    async with as_(world, "coordinator", language)[0] as page:
        queue = html.unescape((await page.get("/console/vetting")).text)
    card = " ".join(re.search(rf'<li class="card" id="v-{E9}">.*?</li>', queue, re.S)[0].split())
    assert stage in card and specialties in card and welcomes in card
    assert not re.search(r"\b(attending|cardiology|pediatrics|undergraduate|medical_student_1)\b", card)
    # One list of the mentors waiting, not a call per card.
    assert len(s.calls_to("profiles", "GET", r"/v1/people")) == 1
    assert not s.calls_to("profiles", "GET", r"/v1/people/[^/]+")


@pytest.mark.parametrize("language, said", [
    ("en", "Into Medicine · up to 2 mentees · waiting since December 1, 2026"),
    ("es", "Into Medicine · hasta 2 personas mentoradas · en espera desde el 1 de diciembre de 2026")])
async def test_a_mentor_awaiting_approval_says_since_when_they_wait(world, language, said):
    async with as_(world, "coordinator", language)[0] as page:
        queue = html.unescape((await page.get("/console/vetting")).text)
    card = " ".join(re.search(rf'<li class="card" id="v-{E9}">.*?</li>', queue, re.S)[0].split())
    assert said in card


@pytest.mark.parametrize("language, said", [
    ("en", "Their mentee ended a mentorship with them for a problem of conduct on "),
    ("es", "Su persona mentorada terminó una mentoría por un problema de conducta el ")])
async def test_a_mentor_back_in_the_queue_for_a_report_of_conduct_says_so_and_since_when(world, language, said):
    s = world["s"]
    s.enrollments[E9].update(review_reason="conduct_reported", review_since="2026-12-05T20:30:00+00:00")
    async with as_(world, "coordinator", language)[0] as page:
        queue = html.unescape((await page.get("/console/vetting")).text)
    card = " ".join(re.search(rf'<li class="card" id="v-{E9}">.*?</li>', queue, re.S)[0].split())
    assert said in card and "2026" in card and "conduct_reported" not in card
    if language == "en":  # declined, they were approved before: told their mentoring is on hold
        assert "their mentoring is on hold, never your note" in card and "not approved" not in card


async def test_a_mentee_held_for_a_report_of_conduct_is_resumed_by_a_coordinator_from_their_page_once_looked_into(
        world):
    s, mentee = world["s"], world["mentee"]
    held = {"id": "0b6c2f4e-8a0d-4f7a-9d3e-5c1b2a3d4e5f", "program_id": world["program"]["id"], "role": "mentee",
            "approval": "not_required", "active": True, "capacity": 1, "paused": True,
            "paused_because": "conduct_reported", "review_reason": "conduct_reported",
            "review_since": "2026-12-05T20:30:00+00:00"}
    mentee["enrollments"].append(held)
    async with as_(world, "coordinator")[0] as page:
        shown = " ".join((await page.get(f"/console/people/{mentee['id']}")).text.split())
        resumed = await page.post(f"/console/enrollments/{held['id']}/clear-review",
                                  data={"csrf": CSRF, "person_id": mentee["id"], "note": "Spoke with both"})
    assert "paused while you look into a report of conduct, since " in shown
    assert f'action="/console/enrollments/{held["id"]}/clear-review"' in shown
    assert "Looked into: resume them" in shown
    assert (resumed.status_code, resumed.headers["location"]) == (
        303, f"/console/people/{mentee['id']}?done=review_cleared")
    [cleared] = s.calls_to("profiles", "POST", f"/v1/enrollments/{held['id']}/clear-review")
    assert cleared.body == {"note": "Spoke with both"}


def vetting_count(text: str) -> str:
    return re.search(r'<p id="vetting-count"[^>]*>([^<]*)</p>', text)[1]


async def test_the_number_waiting_for_approval_follows_each_approval_made_with_htmx(world):
    s = world["s"]
    other = "9a7e0c4e-2b51-4c8e-9d55-3f1f4b0c0a10"
    s.enrollments[other] = {**s.enrollments[E9], "id": other, "display_name": "Dr. Omar Diaz"}
    async with as_(world, "coordinator")[0] as page:
        queue = (await page.get("/console/vetting")).text
        first, second = [await page.post(f"/console/enrollments/{e}/approve", data={"csrf": CSRF, "name": "Dr."},
                                         headers={"hx-request": "true"}) for e in (E9, other)]
        reloaded = (await page.get("/console/vetting")).text
    assert vetting_count(queue) == "2 mentors wait for approval."
    # Each card's answer brings the number again, swapped out of band where the page says it.
    assert 'id="vetting-count" hx-swap-oob="true"' in first.text
    assert vetting_count(first.text) == "1 mentor waits for approval."
    assert vetting_count(second.text) == vetting_count(reloaded) == "Nobody is waiting for approval."


async def test_suspending_a_person_needs_a_note_and_then_offers_reinstating(world):
    s, mentee = world["s"], world["mentee"]
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/people/{mentee['id']}/suspend", data={"csrf": CSRF})
        assert refused.status_code == 422 and 'id="note-error"' in refused.text
        done = await page.post(f"/console/people/{mentee['id']}/suspend", data={"csrf": CSRF, "note": "Conduct"})
        assert done.status_code == 303
        text = (await page.get(done.headers["location"])).text
    assert s.calls_to("profiles", "POST")[-1].body == {"note": "Conduct"}
    assert "Reinstate" in text and "Suspended." in text


async def test_a_suspended_persons_page_says_since_when_and_by_whom_and_why_to_administrators_alone(world):
    mentee = world["mentee"]
    async with as_(world, "coordinator")[0] as page:
        await page.post(f"/console/people/{mentee['id']}/suspend", data={"csrf": CSRF, "note": "Missed every meeting"})
        coordinators = (await page.get(f"/console/people/{mentee['id']}")).text
    async with as_(world, "admin")[0] as page:
        administrators = (await page.get(f"/console/people/{mentee['id']}")).text
    for text in (coordinators, administrators):
        assert "Suspended on December 3, 2026 by Carla Coordinator." in text
    assert "Missed every meeting" not in coordinators
    assert "Why, in the note of Carla Coordinator:</p><blockquote>Missed every meeting</blockquote>" in administrators


async def test_a_coordinator_is_told_an_administrators_suspension_is_theirs_to_lift_and_offered_no_button(world):
    mentee = world["mentee"]
    world["admin"]["chapter_id"] = world["s"].other_chapter
    async with as_(world, "admin")[0] as page:
        await page.post(f"/console/people/{mentee['id']}/suspend", data={"csrf": CSRF, "note": "Conduct"})
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/people/{mentee['id']}")).text
    # The administrator is of another chapter, whose people the coordinator does not read: named by their role.
    assert "Suspended on December 3, 2026 by a national administrator." in text
    assert "only a national administrator can reinstate them" in text
    assert f'action="/console/people/{mentee["id"]}/reinstate"' not in text and ">Reinstate<" not in text


async def test_a_coordinator_is_told_which_programs_mentorships_are_not_shown_rather_than_none(world):
    mentee = world["mentee"]
    mentee["enrollments"].append({"id": "e-national", "program_id": world["other_program"]["id"], "role": "mentee",
                                  "approval": "not_required", "withdrawn": False, "capacity": 1})
    async with as_(world, "coordinator")[0] as page:
        coordinators = " ".join((await page.get(f"/console/people/{mentee['id']}")).text.split())
    async with as_(world, "admin")[0] as page:
        administrators = " ".join((await page.get(f"/console/people/{mentee['id']}")).text.split())
    said = "Mentorships in programs you do not run are not shown here: Miami Mentors."
    assert said in coordinators and said not in administrators


async def test_a_proposal_that_never_began_is_not_said_to_have_made_them_mentor_and_mentee(world):
    s, waiting, mentor = world["s"], world["waiting"], world["mentor"]
    s.pairing(world["program"], waiting, mentor, status="declined")
    async with as_(world, "coordinator")[0] as page:
        mentees = (await page.get(f"/console/people/{waiting['id']}")).text
        mentors = (await page.get(f"/console/people/{mentor['id']}")).text
    assert "Mentor proposed: Dr. Ana Reyes" in mentees and "Mentored by Dr. Ana Reyes" not in mentees
    assert "Mentee proposed: Cleo Waiting" in mentors and "Mentor of Ben Student" in mentors


async def test_every_form_refuses_a_post_without_the_pages_csrf_token(world):
    program, event = world["program"]["id"], world["event"]["id"]
    posts = [f"/console/programs/{program}/pairings", f"/console/programs/{program}/rounds",
             f"/console/rounds/{ROUND}/publish", f"/console/pairings/{world['pairing']['id']}/end",
             f"/console/events/{event}/publish", f"/console/events/{event}/check-in/{world['mentee']['id']}",
             f"/console/enrollments/{E9}/approve", f"/console/people/{world['mentee']['id']}/suspend",
             f"/console/programs/{program}/invite", "/console/events/new", "/console/programs",
             f"/console/programs/{program}/settings",
             f"/console/emails/{world['s'].deliveries[0]['id']}/send-again", "/console/emails/send-again"]
    async with as_(world, "coordinator")[0] as page:
        for path in posts:
            with pytest.raises(CsrfRefused):
                await page.post(path, data={"csrf": "forged"})
    assert not [c for c in world["s"].calls if c.method != "GET"]


async def test_check_in_swaps_one_row_with_htmx_and_redirects_back_without_javascript(world):
    s, event, mentee = world["s"], world["event"], world["mentee"]
    async with as_(world, "coordinator")[0] as page:
        page_text = (await page.get(f"/console/events/{event['id']}/check-in")).text
        assert "0 of 2 checked in." in page_text and "Cleo Waiting" not in page_text
        row = await page.post(f"/console/events/{event['id']}/check-in/{mentee['id']}", data={"csrf": CSRF},
                              headers={"hx-request": "true"})
        assert row.text.lstrip().startswith(f'<li id="p-{mentee["id"]}"') and "Undo: Ben Student" in row.text
        assert 'data-announce="Ben Student is checked in."' in row.text
        assert '<p class="lead" id="arrived" hx-swap-oob="true" data-oob>1 of 2 checked in.</p>' in row.text
        plain = await page.post(f"/console/events/{event['id']}/check-in/{mentee['id']}",
                                data={"csrf": CSRF, "undo": "1"})
        assert plain.status_code == 303 and plain.headers["location"].endswith(f"#p-{mentee['id']}")
    assert [(c.method, c.path) for c in s.calls_to("events") if c.method != "GET"] == [
        ("POST", f"/v1/events/{event['id']}/check-ins"), ("DELETE", f"/v1/events/{event['id']}/check-ins/{mentee['id']}")]


async def test_the_check_in_page_says_when_check_in_opens_until_it_has(world):
    event = world["event"]
    world["s"].check_in_later(event)
    async with as_(world, "coordinator")[0] as page:
        before = (await page.get(f"/console/events/{event['id']}/check-in")).text
        world["s"].open_check_in(event)
        open_now = (await page.get(f"/console/events/{event['id']}/check-in")).text
    assert "Check-in opens on Thu, Dec 10, 2099, 12:00\u202fAM CST" in before
    assert "Check-in opens on" not in open_now
    # Before it opens, the list names who has a seat, with no button that would only be refused.
    assert "Ben Student" in before and ">Check in Ben Student</button>" not in before
    assert ">Check in Ben Student</button>" in open_now


async def test_the_roster_shows_names_and_the_waitlist_and_removing_someone_needs_a_reason(world):
    s, event = world["s"], world["event"]
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/events/{event['id']}")).text
        assert "Ben Student" in text and "Number 1 on the waitlist" in text
        refused = await page.post(f"/console/events/{event['id']}/registrations/{world['mentee']['id']}/remove",
                                  data={"csrf": CSRF, "reason": " "})
        assert refused.status_code == 422 and "Give a reason." in refused.text
        removed = await page.post(f"/console/events/{event['id']}/registrations/{world['mentee']['id']}/remove",
                                  data={"csrf": CSRF, "reason": "Double booked"})
    assert removed.status_code == 303
    assert s.calls_to("events", "POST")[-1].body == {"reason": "Double booked"}


async def test_marking_an_event_held_asks_events_to_complete_it(world):
    s, event = world["s"], world["event"]
    event["starts_at"] = (datetime.now(UTC) - timedelta(hours=1)).isoformat()  # it has started
    async with as_(world, "coordinator")[0] as page:
        assert "Mark it held: record attendance" in (await page.get(f"/console/events/{event['id']}")).text
        done = await page.post(f"/console/events/{event['id']}/complete", data={"csrf": CSRF})
        assert done.status_code == 303 and done.headers["location"].endswith("done=event_completed")
        text = (await page.get(done.headers["location"])).text
    assert [c.path for c in s.calls_to("events", "POST")] == [f"/v1/events/{event['id']}/complete"]
    assert "The event is marked held" in text and "Mark it held" not in text


async def test_marking_an_event_held_asks_first_how_many_with_a_seat_have_not_checked_in_and_that_it_has_not_ended(
        world):
    s, event = world["s"], world["event"]
    now = datetime.now(UTC)
    event["starts_at"] = (now - timedelta(minutes=5)).isoformat()
    event["ends_at"] = (now + timedelta(minutes=30)).isoformat()
    # Ending later the same day where it takes place, the page gives the time alone: a zone not near midnight now.
    event["timezone"] = next(zone for zone in ("America/Chicago", "Europe/London")
                             if 1 <= now.astimezone(ZoneInfo(zone)).hour <= 22)
    ends, termina = (format_time(now + timedelta(minutes=30), "short", tzinfo=ZoneInfo(event["timezone"]), locale=locale)
                     for locale in ("en_US", "es_US"))
    async with as_(world, "coordinator")[0] as page, as_(world, "coordinator", "es")[0] as spanish:
        shown = (await page.get(f"/console/events/{event['id']}")).text
        asked = await page.get(f"/console/events/{event['id']}/complete")
        preguntado = (await spanish.get(f"/console/events/{event['id']}/complete")).text
        assert not s.calls_to("events", "POST"), "looking at the question marks nothing held"
        s.roster[event["id"]][2]["checked_in_at"] = (now - timedelta(minutes=1)).isoformat()  # one arrives
        one_left = (await page.get(f"/console/events/{event['id']}/complete")).text
    assert f'action="/console/events/{event["id"]}/complete"' not in shown
    assert f'href="/console/events/{event["id"]}/complete"' in shown
    assert asked.status_code == 200
    said = html.unescape(asked.text)
    assert "2 people with a seat have not checked in: they will be recorded as not attending." in said
    assert f"It ends at {ends}: people may still arrive." in said
    assert "cannot be undone" in said
    assert re.search(rf'<form method="post" action="/console/events/{event["id"]}/complete"', asked.text)
    assert f'href="/console/events/{event["id"]}"' in asked.text  # not yet: back, nothing done
    assert "1 person with a seat has not checked in: they will be recorded as not attending." in html.unescape(one_left)
    assert "2 personas con lugar no han registrado su entrada" in html.unescape(preguntado)
    assert f"Termina a las {termina}: todavía puede llegar gente." in html.unescape(preguntado)


async def test_the_question_before_marking_an_event_held_says_nothing_of_arrivals_once_it_has_ended(world):
    event = world["event"]
    event["starts_at"] = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
    event["ends_at"] = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    for r in world["s"].roster[event["id"]]:
        r["checked_in_at"] = "2026-12-10T18:05:00+00:00"
    async with as_(world, "coordinator")[0] as page:
        asked = html.unescape((await page.get(f"/console/events/{event['id']}/complete")).text)
    assert "may still arrive" not in asked and "It ends at" not in asked
    assert "Everyone with a seat has checked in." in asked


async def test_the_question_before_marking_an_event_held_leads_back_to_the_event_before_it_starts(world):
    event = world["event"]
    event["starts_at"] = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    async with as_(world, "coordinator")[0] as page:
        asked = await page.get(f"/console/events/{event['id']}/complete")
    assert asked.status_code == 303 and asked.headers["location"].endswith(f"/console/events/{event['id']}")


async def test_attendance_csv_has_names_joined_and_no_cell_a_spreadsheet_would_run(world):
    s, event = world["s"], world["event"]
    s.person("=HYPERLINK(evil)")
    s.roster[event["id"]].append({"id": "r9", "person_id": list(s.people)[-1], "status": "confirmed",
                                  "attended": True})
    s.roster[event["id"]][0]["attended"] = False  # attendance recorded when the event was marked held
    async with as_(world, "coordinator")[0] as page, as_(world, "coordinator", "es")[0] as spanish:
        answer = await page.get(f"/console/events/{event['id']}/attendance.csv")
        respuesta = await spanish.get(f"/console/events/{event['id']}/attendance.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    # Marked as UTF-8 (its byte order mark), as a spreadsheet needs to read "Inscripción" or "José Núñez" aright.
    assert answer.content.startswith("\ufeff".encode())
    lines = answer.text.lstrip("\ufeff").splitlines()
    # In words, as the page's, not codes (the zone of its times: test_an_event_held_or_cancelled).
    assert lines[0] == ('Name,Email,Person\'s id,Registration,Place on the waitlist,"Checked in (Central Time, Chicago)",'
                        'Attendance')
    assert any(line.startswith("Ben Student,") and ",Has a seat," in line and line.endswith(",Did not come")
               for line in lines)
    assert any(line.startswith("'=HYPERLINK(evil)") and line.endswith(",Came") for line in lines)
    assert respuesta.text.lstrip("\ufeff").splitlines()[0] == (
        'Nombre,Correo electrónico,Id. de la persona,Inscripción,Lugar en la lista de espera,'
        '"Entrada registrada (hora central, Chicago)",Asistencia')
    assert any(",Tiene lugar," in line for line in respuesta.text.splitlines())



@pytest.mark.parametrize("language, said", [
    ("en", "Cleo Waiting is number 1 on the waitlist: they have no seat to check in to. A seat that comes free goes "
           "to the first waiting, who is told by email."),
    ("es", "Cleo Waiting tiene el número 1 en la lista de espera: no tiene lugar con el que registrar su entrada. Un "
           "lugar que queda libre es para la primera persona que espera, a quien se avisa por correo.")])
async def test_the_door_finds_someone_waiting_and_says_they_have_no_seat_with_no_button_to_check_them_in(
        world, language, said):
    event, waiting = world["event"], world["waiting"]
    # Before it starts, whatever day the tests run on: a seat freed then goes to the first waiting by itself.
    starts = datetime.now(UTC) + timedelta(hours=3)
    event.update(starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat())
    async with as_(world, "coordinator", language)[0] as page:
        found = html.unescape((await page.get(f"/console/events/{event['id']}/check-in", params={"q": "cleo"})).text)
        everyone = (await page.get(f"/console/events/{event['id']}/check-in")).text
    assert said in found
    assert f"/check-in/{waiting['id']}" not in found
    assert "Nobody with a seat matches." not in found and "Nadie con lugar coincide." not in found
    assert "Cleo Waiting" not in everyone  # the list to tap through is of those with a seat


# Someone removed was "Nobody with a seat matches." too: only those who cancelled were looked for.
@pytest.mark.parametrize("status, said", [
    ("cancelled", "Tomás Gone cancelled their registration: they have no seat to check in to."),
    ("removed", "Tomás Gone was removed from this event by its organizers: they have no seat to check in to.")],
    ids=["cancelled", "removed"])
async def test_the_door_finds_someone_no_longer_registered_and_says_why_rather_than_that_nobody_matches(
        world, status, said):
    event, s = world["event"], world["s"]
    gone = s.person("Tomás Gone")
    s.roster[event["id"]].append({"id": "r9", "person_id": gone["id"], "status": status, "checked_in_at": None})
    async with as_(world, "coordinator")[0] as page:
        found = html.unescape((await page.get(f"/console/events/{event['id']}/check-in", params={"q": "tomas"})).text)
    assert said in found
    assert "Nobody with a seat matches." not in found and f"/check-in/{gone['id']}" not in found


def shown_at_the_door(page: str) -> list[str]:
    """The names on the check-in page, in the order shown."""
    return [html.unescape(name).strip() for name in re.findall(r'<span class="who">([^<]*)', page)]


@pytest.mark.parametrize(("typed", "found"), [
    ("garcia", ["María García"]),
    ("maria", ["María García", "Maria Gonzalez"]),
    ("obrien", ["Chris O'Brien"]),
    ("kim alex", ["Alex Kim"]),
    ("GONZÁLEZ,", ["Maria Gonzalez"]),
    ("", ["Alex Kim", "Chris O'Brien", "María García", "Maria Gonzalez"]),
])
async def test_the_door_finds_a_name_typed_without_its_accents_or_punctuation_its_words_in_any_order(
        world, typed, found):
    s, event = world["s"], world["event"]
    s.roster[event["id"]] = [{"id": ident(), "person_id": s.person(name)["id"], "status": "confirmed",
                              "checked_in_at": None}
                             for name in ("Maria Gonzalez", "Chris O'Brien", "María García", "Alex Kim")]
    async with as_(world, "coordinator")[0] as page:
        answer = await page.get(f"/console/events/{event['id']}/check-in", params={"q": typed})
    assert shown_at_the_door(answer.text) == found


async def test_a_checked_in_row_says_when_and_puts_its_undo_after_that_not_where_check_in_was(world):
    event, mentee = world["event"], world["mentee"]
    world["s"].open_check_in(event)
    check_in = f"/console/events/{event['id']}/check-in"
    async with as_(world, "coordinator")[0] as page:
        before = (await page.get(check_in)).text
        swapped = await page.post(f"{check_in}/{mentee['id']}", data={"csrf": CSRF}, headers={"hx-request": "true"})
        after = (await page.get(check_in)).text
    row = swapped.text.split("</li>")[0]
    assert re.search(r'<button type="submit"[^>]*>Check in Ben Student</button>', before)
    # Where the button was, the time it was done (12:05 in Chicago), which takes focus: a second tap or Enter
    # lands on words, not on undoing. Undo, a secondary button, comes after it.
    said = re.search(r'<p[^>]* data-focus[^>]*>Checked in at 12:05\u202fPM</p>', row)
    assert said and 'data-announce="Ben Student is checked in."' in said[0]
    undo = re.search(r'<button type="submit" class="secondary"[^>]*>Undo: Ben Student</button>', row)
    assert undo and "data-focus" not in undo[0] and said.start() < undo.start()
    assert "Checked in at 12:05\u202fPM" in after.split(f'id="p-{mentee["id"]}"')[1].split("</li>")[0]
    # Each button is disabled while its request is on its way: a tap on it then does nothing.
    forms = re.findall(r"<form [^>]*hx-post[^>]*>", before + row)
    assert forms and all('hx-disabled-elt="find button"' in form for form in forms)


@pytest.mark.parametrize("state", ["completed", "cancelled"])
async def test_an_event_held_or_cancelled_offers_no_check_in_edit_removal_nor_marking_it_held(world, state):
    event = world["event"]
    event.update(state=state, starts_at=(datetime.now(UTC) - timedelta(days=1)).isoformat())
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/events/{event['id']}")).text
    assert "Ben Student" in text
    for offered in ("/check-in", "/edit", "/remove", "Remove Ben Student", "Mark it held", "/complete"):
        assert offered not in text, offered
    assert f'href="/console/events/{event["id"]}/attendance.csv"' in text


async def test_a_draft_offers_neither_check_in_nor_the_attendance_file_which_a_published_event_does(world):
    event = world["event"]
    async with as_(world, "coordinator")[0] as page:
        published = (await page.get(f"/console/events/{event['id']}")).text
        event["state"] = "draft"
        draft = (await page.get(f"/console/events/{event['id']}")).text
    for offered in ("/check-in", "/attendance.csv"):
        assert f'href="/console/events/{event["id"]}{offered}"' in published
        assert f'href="/console/events/{event["id"]}{offered}"' not in draft
    assert f'href="/console/events/{event["id"]}/edit"' in draft


async def test_a_form_posted_after_the_event_was_held_says_it_has_been_held_not_that_things_moved_on(world):
    s, event, mentee = world["s"], world["event"], world["mentee"]
    at = f"/console/events/{event['id']}"
    async with as_(world, "coordinator")[0] as page:
        edit_form = (await page.get(f"{at}/edit")).text
        event["state"] = "completed"  # held since the forms were shown: events refuses each as it does
        for method, path in [("PATCH", ""), ("POST", "/complete"), ("POST", "/cancel"), ("POST", "/check-ins"),
                             ("DELETE", f"/check-ins/{mentee['id']}"),
                             ("POST", f"/registrations/{mentee['id']}/remove")]:
            s.refuse[(method, f"/v1/events/{event['id']}{path}")] = (409, "wrong_state", "state")
        answers = [await page.post(f"{at}/edit", data=_FormAsPosted(edit_form).fields),
                   await page.post(f"{at}/complete", data={"csrf": CSRF}),
                   await page.post(f"{at}/cancel", data={"csrf": CSRF}),
                   await page.post(f"{at}/check-in/{mentee['id']}", data={"csrf": CSRF}),
                   await page.post(f"{at}/check-in/{mentee['id']}", data={"csrf": CSRF, "undo": "1"},
                                   headers={"hx-request": "true"}),
                   await page.post(f"{at}/registrations/{mentee['id']}/remove",
                                   data={"csrf": CSRF, "reason": "Double booked"})]
    for answer in answers:
        assert answer.status_code != 303 and "moved on" not in answer.text, answer.request.url
        assert "This event has been held: it can no longer change." in answer.text, answer.request.url


async def test_saving_an_events_new_title_says_its_registrants_are_emailed_and_the_form_warns_before(world):
    event = world["event"]
    at = f"/console/events/{event['id']}"
    async with as_(world, "coordinator")[0] as page:
        edit_form = (await page.get(f"{at}/edit")).text
        as_shown = _FormAsPosted(edit_form).fields
        unchanged = await page.post(f"{at}/edit", data=as_shown)
        retitled = await page.post(f"{at}/edit", data={**as_shown, "title": ["Suturing workshop, moved"]})
        told = (await page.get(retitled.headers["location"])).text
    assert "Saving a new title, time, place or description emails everyone with a seat or on the waitlist." in edit_form
    assert unchanged.headers["location"] == f"{at}?done=event_saved"
    assert retitled.headers["location"] == f"{at}?done=event_saved_told"  # today: event_saved, whoever was emailed
    assert "The event is saved. Everyone with a seat or on the waitlist is emailed the change." in told


async def test_saving_a_new_link_to_join_says_those_with_a_seat_are_emailed_it(world):
    # Those with a seat were emailed the link while the coordinator read only "The event is saved."
    event = world["event"]
    event.update(is_virtual=True, location=None, virtual_link=None)
    at = f"/console/events/{event['id']}"
    async with as_(world, "coordinator")[0] as page:
        edit_form = (await page.get(f"{at}/edit")).text
        as_shown = _FormAsPosted(edit_form).fields
        linked = await page.post(f"{at}/edit", data={**as_shown, "virtual_link": ["https://meet.example/fair"]})
        told = (await page.get(linked.headers["location"])).text
    assert "A new link to join is emailed to everyone with a seat." in edit_form
    assert linked.headers["location"] == f"{at}?done=event_saved_link_sent"
    assert "The event is saved. Everyone with a seat is emailed the link to join." in told


async def test_a_held_events_roster_says_who_came_and_who_did_not_instead_of_who_has_a_seat(world):
    s, event, mentee, mentor = world["s"], world["event"], world["mentee"], world["mentor"]
    event["starts_at"] = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    s.roster[event["id"]][0]["checked_in_at"] = "2026-12-10T18:05:00+00:00"
    # Recorded as come by an organizer without a check-in: events keeps what was recorded.
    told = s.person("Dana Told")
    s.roster[event["id"]].append({"id": "r4", "person_id": told["id"], "status": "confirmed", "checked_in_at": None,
                                  "attended": True})
    async with as_(world, "coordinator")[0] as page, as_(world, "coordinator", "es")[0] as spanish:
        await page.post(f"/console/events/{event['id']}/complete", data={"csrf": CSRF})
        text = (await page.get(f"/console/events/{event['id']}")).text
        texto = (await spanish.get(f"/console/events/{event['id']}")).text

    def said_of(person: dict, page: str = text) -> str:
        return re.search(rf'id="r-seated-{person["id"]}".*?<p class="muted">(.*?)</p>', page, re.S)[1]

    assert said_of(mentee).startswith("Came") and said_of(told) == "Came"
    assert said_of(mentor) == "Did not come"
    assert said_of(mentor, texto) == "No asistió"  # of one person, not of a count ("No vinieron")
    assert "2 came, 1 did not." in text
    assert "Has a seat" not in text and "seats taken" not in text


async def test_someone_who_came_but_was_not_checked_in_is_recorded_as_coming_once_the_event_is_held(world):
    # Marked held, everyone not checked in was recorded as not coming: a late arrival is put right from the roster.
    s, event, mentor = world["s"], world["event"], world["mentor"]
    event["starts_at"] = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    async with as_(world, "coordinator")[0] as page:
        await page.post(f"/console/events/{event['id']}/complete", data={"csrf": CSRF})
        held = (await page.get(f"/console/events/{event['id']}")).text
        recorded = await page.post(f"/console/events/{event['id']}/attendance",
                                   data={"csrf": CSRF, "person_id": mentor["id"], "attended": "true"})
        after = (await page.get(recorded.headers["location"])).text
    card = re.search(rf'id="r-seated-{mentor["id"]}".*?</li>', held, re.S)[0]
    assert f'action="/console/events/{event["id"]}/attendance"' in card and "Record that they came" in card
    assert (recorded.status_code, recorded.headers["location"]) == (
        303, f"/console/events/{event['id']}?done=attendance_recorded#r-seated-{mentor['id']}")
    [asked] = s.calls_to("events", "POST", f"/v1/events/{event['id']}/attendance")
    assert asked.body == {"person_id": mentor["id"], "attended": True}
    card = re.search(rf'id="r-seated-{mentor["id"]}".*?</li>', after, re.S)[0]
    assert "Came" in card and "Record that they did not come" in card


@pytest.mark.parametrize(("title", "filename"), [
    ("Spring Career Fair", "spring-career-fair-attendance.csv"),
    ("Applying while LGBTQ+: ¿Cómo postular?", "applying-while-lgbtq-como-postular-attendance.csv"),
    ("日本", "event-attendance.csv"),
])
async def test_the_attendance_file_is_named_after_the_event_and_gives_times_in_its_zone_to_the_minute(
        world, title, filename):
    s, event = world["s"], world["event"]
    event["title"] = title
    s.roster[event["id"]][0]["checked_in_at"] = "2026-12-10T18:05:31.123456+00:00"
    async with as_(world, "coordinator")[0] as page:
        answer = await page.get(f"/console/events/{event['id']}/attendance.csv")
    assert answer.headers["content-disposition"] == f'attachment; filename="{filename}"'
    assert f"Ben Student,ben@example.org,{world['mentee']['id']},Has a seat,,2026-12-10 12:05," in answer.text.splitlines()


async def test_an_event_is_created_from_local_times_in_its_time_zone(world):
    s = world["s"]
    form = {"csrf": CSRF, "title": "Interview practice", "kind": "workshop", "chapter_id": s.chapter,
            "timezone": "America/Chicago", "starts_at": "2099-12-01T18:00", "ends_at": "2099-12-01T20:00",
            "registration_deadline": "2099-11-30T12:00", "capacity": "25", "location": "Student center",
            "audience_stages": ["undergraduate"]}
    async with as_(world, "coordinator")[0] as page:
        missing = await page.post("/console/events/new", data={**form, "title": ""})
        assert missing.status_code == 422 and 'id="title-error"' in missing.text
        made = await page.post("/console/events/new", data=form)
    assert made.status_code == 303
    body = s.calls_to("events", "POST", "/v1/events")[-1].body
    assert body["starts_at"] == "2099-12-01T18:00:00-06:00" and body["capacity"] == 25
    assert body["chapter_id"] == s.chapter and body["audience_stages"] == ["undergraduate"]


def a_conference(world) -> dict:
    """A published conference of the coordinator's chapter, 1 December 2099, 9:00 to 17:00 in Chicago."""
    conference = world["s"].event("Regional conference")
    conference |= {"kind": "conference", "starts_at": "2099-12-01T15:00:00+00:00",
                   "ends_at": "2099-12-01T23:00:00+00:00", "registration_deadline": "2099-11-30T15:00:00+00:00"}
    return conference


async def test_a_session_is_added_from_its_conferences_page_in_its_scope_and_listed_there(world):
    # The form offered "Conference session" with no way to say of which conference: saving it could never work.
    s, conference = world["s"], a_conference(world)
    session = {"csrf": CSRF, "parent_event_id": conference["id"], "title": "Applying while LGBTQ+",
               "timezone": "America/Chicago", "starts_at": "2099-12-01T10:00", "ends_at": "2099-12-01T11:00",
               "registration_deadline": "2099-11-30T12:00", "capacity": "40", "location": "Hall B"}
    async with as_(world, "coordinator")[0] as page:
        before = (await page.get(f"/console/events/{conference['id']}")).text
        form = html.unescape((await page.get(f"/console/events/new?conference={conference['id']}")).text)
        outside = await page.post("/console/events/new", data={**session, "starts_at": "2099-12-01T18:00",
                                                                "ends_at": "2099-12-01T19:00"})
        made = await page.post("/console/events/new", data=session)
        after = (await page.get(f"/console/events/{conference['id']}")).text
        its_page = (await page.get(made.headers["location"].split("?")[0])).text
    assert "No session yet." in before and f'href="/console/events/new?conference={conference["id"]}"' in before
    assert "A session of «Regional conference»" in form and 'id="kind"' not in form
    assert f'<input type="hidden" name="parent_event_id" value="{conference["id"]}">' in form
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', html.unescape(outside.text)))
    assert said == {"starts_at": "A session takes place during its conference: choose a time within it."}
    assert made.status_code == 303
    body = s.calls_to("events", "POST", "/v1/events")[-1].body
    assert body["kind"] == "conference_session" and body["parent_event_id"] == conference["id"]
    assert body["chapter_id"] == conference["chapter_id"] and body["starts_at"] == "2099-12-01T10:00:00-06:00"
    made_id = made.headers["location"].split("/")[-1].split("?")[0]
    assert f'<a href="/console/events/{made_id}">Applying while LGBTQ+</a>' in after
    assert f'A session of <a href="/console/events/{conference["id"]}">Regional conference</a>' in its_page


async def test_a_session_is_not_a_kind_a_new_event_offers_and_one_sent_anyway_is_told_where_to_add_it(world):
    form = {"csrf": CSRF, "title": "Keynote", "kind": "conference_session", "chapter_id": world["s"].chapter,
            "timezone": "America/Chicago", "starts_at": "2099-12-01T18:00", "ends_at": "2099-12-01T20:00",
            "registration_deadline": "2099-11-30T12:00", "capacity": "25", "location": "Hall A"}
    async with as_(world, "coordinator")[0] as page:
        blank = (await page.get("/console/events/new")).text
        sent = await page.post("/console/events/new", data=form)
    assert 'value="conference"' in blank and 'value="conference_session"' not in blank
    assert sent.status_code == 422 and not world["s"].calls_to("events", "POST", "/v1/events")
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', html.unescape(sent.text)))
    assert said == {"kind": "A session belongs to a conference: open the conference's page and choose “Add a session” "
                            "there."}


async def test_who_registers_for_a_new_event_is_kept_from_other_teams_unless_the_organiser_ticks_otherwise(world):
    s = world["s"]
    form = {"csrf": CSRF, "title": "Applying while LGBTQ+", "kind": "chapter_session", "chapter_id": s.chapter,
            "timezone": "America/Chicago", "starts_at": "2099-12-01T18:00", "ends_at": "2099-12-01T20:00",
            "registration_deadline": "2099-11-30T12:00", "capacity": "25", "location": "Student center"}
    async with as_(world, "coordinator")[0] as page:
        blank = html.unescape((await page.get("/console/events/new")).text)
        [offered] = re.findall(r'<input type="checkbox" id="attendees_public" name="attendees_public"[^>]*>', blank)
        assert "checked" not in offered
        # What leaving it unticked also does (notifications' `about_event`), so the organizer can weigh it.
        assert "the platform's emails leave its title out of their subject lines" in blank
        await page.post("/console/events/new", data=form)
        kept = s.calls_to("events", "POST", "/v1/events")[-1].body
        await page.post("/console/events/new", data={**form, "title": "Career fair", "attendees_public": "on"})
        shared = s.calls_to("events", "POST", "/v1/events")[-1].body
        [event] = [e for e in s.events.values() if e["title"] == "Applying while LGBTQ+"]
        told = (await page.get(f"/console/events/{event['id']}")).text
        edited = (await page.get(f"/console/events/{event['id']}/edit")).text
    assert (kept["attendees_public"], shared["attendees_public"]) == (False, True)
    assert "Who registers is kept from other teams." in told
    [still_offered] = re.findall(r'<input type="checkbox" id="attendees_public" name="attendees_public"[^>]*>', edited)
    assert "checked" not in still_offered  # nobody has registered yet: it may still change


async def test_who_registers_may_be_changed_until_someone_registers_and_a_save_of_other_fields_leaves_it(world):
    s = world["s"]
    form = {"csrf": CSRF, "title": "Applying while LGBTQ+", "kind": "chapter_session", "chapter_id": s.chapter,
            "timezone": "America/Chicago", "starts_at": "2099-12-01T18:00", "ends_at": "2099-12-01T20:00",
            "registration_deadline": "2099-11-30T12:00", "capacity": "25", "location": "Student center", "attendees_public": "on"}
    async with as_(world, "coordinator")[0] as page:
        await page.post("/console/events/new", data=form)
        [event] = [e for e in s.events.values() if e["title"] == "Applying while LGBTQ+"]
        edit = f"/console/events/{event['id']}/edit"
        await page.post(edit, data={**form, "attendees_public": "", "attendees_public_offered": "yes"})  # unticked
        unticked = s.calls_to("events", "PATCH", f"/v1/events/{event['id']}")[-1].body
        s.roster[event["id"]].append({"person_id": str(uuid4()), "status": "confirmed"})  # someone registers
        locked = (await page.get(edit)).text
        await page.post(edit, data={**{k: v for k, v in form.items() if k != "attendees_public"},
                                    "title": "Applying while LGBTQ+ (online)"})
        renamed = s.calls_to("events", "PATCH", f"/v1/events/{event['id']}")[-1].body
    assert unticked["attendees_public"] is False
    assert 'name="attendees_public"' not in locked
    assert "Who registers is kept from other teams." in locked and "people have registered" in locked
    assert renamed["title"] == "Applying while LGBTQ+ (online)" and "attendees_public" not in renamed


async def test_an_event_form_sent_empty_says_what_each_field_needs_next_to_it(world):
    async with as_(world, "coordinator")[0] as page, as_(world, "coordinator", "es")[0] as spanish:
        empty = {"csrf": CSRF, "kind": "", "timezone": "Mars/Olympus", "chapter_id": ""}
        refused = await page.post("/console/events/new", data=empty)
        rechazado = await spanish.post("/console/events/new", data=empty)
    assert refused.status_code == 422
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', refused.text))
    assert said == {"title": "Give the event a title.", "kind": "Choose what kind of event it is.",
                    "chapter_id": "Choose one of your chapters.", "timezone": "Choose the time zone of its times.",
                    "capacity": "Give the number of seats: a whole number from 1 to 100,000.",
                    "location": "Give the place, or tick &#39;Online&#39; for an event held online."}
    dicho = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', rechazado.text))
    assert dicho.keys() == said.keys() and not set(dicho.values()) & set(said.values())


async def test_an_event_form_with_its_times_empty_asks_for_each_of_them(world):
    form = {"csrf": CSRF, "title": "Interview practice", "kind": "workshop", "chapter_id": world["s"].chapter,
            "timezone": "America/Chicago", "starts_at": "", "ends_at": "", "registration_deadline": "",
            "capacity": "25", "location": "Student center"}
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post("/console/events/new", data=form)
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', refused.text))
    assert said == {"starts_at": "Give the day and time it starts.", "ends_at": "Give the day and time it ends.",
                    "registration_deadline": "Give the day and time registration closes."}


async def test_seats_events_refuses_are_asked_for_as_a_whole_number_in_its_range(world):
    s = world["s"]
    s.refuse[("POST", "/v1/events")] = (422, "invalid_request", "capacity", "Input should be greater than or equal to 1")
    form = a_new_event_form(s, capacity="0")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post("/console/events/new", data=form)
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', refused.text))
    assert said == {"capacity": "Give the number of seats: a whole number from 1 to 100,000."}


def a_new_event_form(s, **changed: str) -> dict[str, str]:
    """The new-event form as a coordinator of our chapter sends it, filled in well unless `changed`."""
    return {"csrf": CSRF, "title": "Interview practice", "kind": "workshop", "chapter_id": s.chapter,
            "timezone": "America/Chicago", "starts_at": "2099-12-01T18:00", "ends_at": "2099-12-01T19:00",
            "registration_deadline": "2099-12-01T12:00", "capacity": "25", "location": "Student center", **changed}


async def test_an_event_title_longer_than_events_keeps_is_asked_shorter_not_cut_and_the_boxes_say_their_limits(
        world):
    s = world["s"]
    form = a_new_event_form(s, title="Career fair and mixer " * 27 + "for all")
    async with as_(world, "coordinator")[0] as page:
        blank = (await page.get("/console/events/new")).text
        refused = await page.post("/console/events/new", data=form)
    assert 'name="title" value="" maxlength="200"' in blank and 'name="location" value="" maxlength="300"' in blank
    assert 'name="virtual_link" value="" maxlength="500"' in blank
    assert refused.status_code == 422 and not s.calls_to("events", "POST")
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', refused.text))
    assert said == {"title": "Keep the title to 200 characters or fewer: this one has 601."}


async def test_every_field_of_an_event_events_refuses_at_once_is_worded_next_to_it_in_one_answer(world):
    s = world["s"]
    s.refuse[("POST", "/v1/events")] = (422, "invalid_request", ["capacity", "virtual_link"], "capacity: too few")
    form = a_new_event_form(s, capacity="0", is_virtual="on", virtual_link="meet dot example")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post("/console/events/new", data=form)
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', refused.text))
    assert said.keys() == {"capacity", "virtual_link"}


async def test_an_event_form_with_several_bad_fields_words_them_all_at_once_without_asking_events(world):
    s = world["s"]
    form = a_new_event_form(s, title="", capacity="many", location="Hall " * 61, is_virtual="on",
                            virtual_link="http://meet.example/fair")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post("/console/events/new", data=form)
        out_of_range = await page.post("/console/events/new", data=a_new_event_form(s, capacity="100001"))
    assert refused.status_code == 422 and not s.calls_to("events", "POST")
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', refused.text))
    assert said == {"title": "Give the event a title.",
                    "capacity": "Give the number of seats: a whole number from 1 to 100,000.",
                    "location": "Give the place in at most 300 characters.",
                    "virtual_link": "Give the link to join as a web address that starts with https://, of at most "
                                    "500 characters."}
    assert 'id="capacity-error">Give the number of seats' in out_of_range.text and not s.calls_to("events", "POST")


async def test_an_event_form_whose_times_and_place_do_not_fit_together_words_each_at_once_without_asking_events(
        world):
    s = world["s"]
    form = a_new_event_form(s, starts_at="2020-03-02T18:00", ends_at="2020-03-02T17:00",
                            registration_deadline="2020-03-03T12:00", location="",
                            virtual_link="https://meet.example/fair")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post("/console/events/new", data=form)
    assert refused.status_code == 422 and not s.calls_to("events", "POST")
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', refused.text))
    assert said == {"starts_at": "The start is past: choose a time to come.",
                    "ends_at": "The end is before the start: choose an end after it.",
                    "registration_deadline": "Registration closes after the start: choose a time before the event "
                                             "starts.",
                    "location": "Give the place, or tick &#39;Online&#39; for an event held online.",
                    "virtual_link": "Only an online event has a link to join: tick &#39;Online&#39;, or leave the "
                                    "link empty."}
    summary = refused.text.split('class="notice error error-summary"')[1].split("</ul>")[0]
    assert re.findall(r'<a href="#([a-z_]+)">', summary) == [
        "starts_at", "ends_at", "registration_deadline", "virtual_link", "location"], "in the form's order"


async def test_an_event_moved_into_the_past_is_asked_for_a_time_to_come_and_one_left_where_it_was_is_not(world):
    s, event = world["s"], world["event"]
    async with as_(world, "coordinator")[0] as page:
        shown = _FormAsPosted((await page.get(f"/console/events/{event['id']}/edit")).text).fields
        moved = await page.post(f"/console/events/{event['id']}/edit",
                                data={**shown, "starts_at": ["2020-03-02T18:00"]})
        left = await page.post(f"/console/events/{event['id']}/edit", data={**shown, "title": ["Suturing, again"]})
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', moved.text))
    assert said["starts_at"] == "The start is past: choose a time to come."
    assert left.status_code == 303 and len(s.calls_to("events", "PATCH")) == 1


async def test_an_event_under_way_is_told_its_start_stays_and_its_end_is_not_moved_into_the_past_without_asking_events(
        world):
    s, event = world["s"], world["event"]
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    event["starts_at"], event["ends_at"] = (now - timedelta(hours=1)).isoformat(), (now + timedelta(hours=1)).isoformat()
    event["registration_deadline"] = (now - timedelta(hours=2)).isoformat()
    async with as_(world, "coordinator")[0] as page:
        shown = _FormAsPosted((await page.get(f"/console/events/{event['id']}/edit")).text).fields
        half_an_hour_later = (datetime.fromisoformat(shown["starts_at"][0]) + timedelta(minutes=30)).isoformat()
        start_moved = await page.post(f"/console/events/{event['id']}/edit",
                                      data={**shown, "starts_at": [half_an_hour_later[:16]]})
        end_past = await page.post(f"/console/events/{event['id']}/edit",
                                   data={**shown, "ends_at": [half_an_hour_later[:16]]})
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', start_moved.text))
    assert said == {"starts_at": "The event has started: its start can no longer change."}
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', end_past.text))
    assert said == {"ends_at": "The end is past. To end the event now, mark it held."}
    assert not s.calls_to("events", "PATCH")


@pytest.mark.parametrize("field, message, words", [
    ("virtual_link", "String should match pattern '^https://'",
     "Give the link to join as a web address that starts with https://, of at most 500 characters."),
    ("location", "String should have at most 300 characters", "Give the place in at most 300 characters.")])
async def test_a_link_or_place_events_refuses_says_what_it_must_be_next_to_it(world, field, message, words):
    s = world["s"]
    s.refuse[("POST", "/v1/events")] = (422, "invalid_request", field, message)
    form = a_new_event_form(s, is_virtual="on", virtual_link="https://meet.example/fair")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post("/console/events/new", data=form)
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', refused.text))
    assert said == {field: words}


async def test_an_administrator_adds_a_chapter_and_one_without_a_name_or_a_known_zone_is_asked_for_them(world):
    async with as_(world, "admin")[0] as page:
        refused = await page.post("/console/chapters", data={"csrf": CSRF, "name": "", "timezone": "Mars/Olympus"})
        added = await page.post("/console/chapters", data={"csrf": CSRF, "name": "Atlanta",
                                                           "timezone": "America/New_York"})
    assert refused.status_code == 422
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', refused.text))
    assert said == {"name": "Give the chapter a name.", "timezone": "Choose one of the time zones listed."}
    assert added.status_code == 303
    assert world["s"].calls_to("profiles", "POST", "/v1/chapters")[-1].body == {"name": "Atlanta",
                                                                              "timezone": "America/New_York"}


async def test_a_chapter_or_an_event_may_keep_the_time_of_guam_or_another_us_territory(world):
    territories = ("Pacific/Guam", "Pacific/Saipan", "Pacific/Pago_Pago", "America/Puerto_Rico", "America/St_Thomas")
    async with as_(world, "admin")[0] as page:
        chapters = (await page.get("/console/chapters")).text
        new_event = (await page.get("/console/events/new")).text
    for shown in (chapters, new_event):
        offered = re.findall(r'<option value="([A-Za-z_/]+)"', shown)
        assert [zone for zone in territories if zone not in offered] == []


@pytest.mark.parametrize("language, words", [
    ("en", "Another chapter has this name: give this one a name of its own, so that staff can tell them apart."),
    ("es", "Otro capítulo tiene este nombre: dale a este uno propio, para que el personal pueda distinguirlos.")])
async def test_a_chapter_named_as_another_is_asked_for_a_name_of_its_own_next_to_the_name(world, language, words):
    world["s"].refuse[("POST", "/v1/chapters")] = (409, "chapter_name_taken", "name",
                                                   "a chapter named 'Atlanta' exists already")
    async with as_(world, "admin", language)[0] as page:
        refused = await page.post("/console/chapters", data={"csrf": CSRF, "name": "atlanta",
                                                             "timezone": "America/New_York"})
    assert refused.status_code == 422
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', refused.text))
    assert said == {"name": words}


async def test_an_administrator_renames_a_chapter_from_its_page_and_a_name_taken_is_asked_again_next_to_it(world):
    s = world["s"]
    async with as_(world, "admin")[0] as page:
        listed = (await page.get("/console/chapters")).text
        shown = (await page.get(f"/console/chapters/{s.chapter}")).text
        taken = (409, "chapter_name_taken", "name", "a chapter named 'Miami' exists already")
        s.refuse[("PATCH", f"/v1/chapters/{s.chapter}")] = taken
        refused = await page.post(f"/console/chapters/{s.chapter}",
                                  data={"csrf": CSRF, "name": "miami", "timezone": "America/Chicago"})
        del s.refuse[("PATCH", f"/v1/chapters/{s.chapter}")]
        renamed = await page.post(f"/console/chapters/{s.chapter}",
                                  data={"csrf": CSRF, "name": "Chicago South Side", "timezone": "America/Chicago"})
    assert f'href="/console/chapters/{s.chapter}"' in listed
    assert 'value="Chicago"' in shown and '<option value="America/Chicago" selected>' in shown
    assert refused.status_code == 422 and 'value="miami"' in refused.text
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', refused.text))
    assert said == {"name": "Another chapter has this name: give this one a name of its own, so that staff can "
                            "tell them apart."}
    assert renamed.status_code == 303 and renamed.headers["location"] == "/console/chapters?done=chapter_saved"
    assert s.calls_to("profiles", "PATCH")[-1].body == {"name": "Chicago South Side"}, "only what changed"
    async with as_(world, "coordinator")[0] as page:
        assert (await page.get(f"/console/chapters/{s.chapter}")).status_code == 403


async def test_an_administrator_gives_a_chapter_the_address_its_people_write_to_and_one_refused_is_said_next_to_it(
        world):
    s = world["s"]
    form = {"csrf": CSRF, "name": "Chicago", "timezone": "America/Chicago"}
    async with as_(world, "admin")[0] as page:
        shown = (await page.get(f"/console/chapters/{s.chapter}")).text
        s.refuse[("PATCH", f"/v1/chapters/{s.chapter}")] = (422, "invalid_request", "contact_email",
                                                            "value is not a valid email address")
        refused = await page.post(f"/console/chapters/{s.chapter}", data={**form, "contact_email": "nope"})
        del s.refuse[("PATCH", f"/v1/chapters/{s.chapter}")]
        saved = await page.post(f"/console/chapters/{s.chapter}",
                                data={**form, "contact_email": "mentoring@chicago.example"})
    assert 'id="contact_email"' in shown
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', refused.text))
    assert list(said) == ["contact_email"] and 'value="nope"' in refused.text
    assert saved.status_code == 303
    assert s.calls_to("profiles", "PATCH")[-1].body == {"contact_email": "mentoring@chicago.example"}


@pytest.mark.parametrize("where", ["new", "existing"])
async def test_a_chapter_form_says_every_problem_at_once_next_to_each_field_and_in_a_summary_in_form_order(
        world, where):
    s = world["s"]
    path = "/console/chapters" if where == "new" else f"/console/chapters/{s.chapter}"
    async with as_(world, "admin")[0] as page:
        refused = await page.post(path, data={"csrf": CSRF, "name": " ", "timezone": "Mars/Olympus",
                                              "contact_email": "mentoring at chicago"})
    assert refused.status_code == 422
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', refused.text))
    assert list(said) == ["name", "timezone", "contact_email"]
    assert said["contact_email"] == "Give an email address, like mentoring@chapter.example, or leave it empty."
    summary = re.search(r'<div class="notice error error-summary".*?</div>', refused.text, re.S)[0]
    assert re.findall(r'<a href="#([a-z_]+)">', summary) == ["name", "timezone", "contact_email"]
    assert 'value="mentoring at chicago"' in refused.text
    assert not s.calls_to("profiles", "POST", "/v1/chapters") and not s.calls_to("profiles", "PATCH")


class _FormAsPosted(HTMLParser):
    """What a browser posts from an event form left as shown: each select sends its selected option, or its first
    when none is selected (which is how an unlisted zone turned into another)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._in: tuple[str, str] | None = None  # the select or textarea being read, and its name
        self._options: list[tuple[str, bool]] = []
        self.feed(re.search(r'<form method="post" action="/console/events/.*?</form>', page, re.S)[0])

    def _add(self, name: str, value: str) -> None:
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name") and (a.get("type") != "checkbox" or "checked" in a):
            self._add(a["name"], a.get("value") or ("on" if a.get("type") == "checkbox" else ""))
        elif tag in ("select", "textarea"):
            self._in, self._options = (tag, a["name"]), []
            if tag == "textarea":
                self._add(a["name"], "")
        elif tag == "option":
            self._options.append((a["value"], "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._in and self._in[0] == "textarea":
            self.fields[self._in[1]][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._in:
            self._add(self._in[1], next((v for v, chosen in self._options if chosen), self._options[0][0]))
        if tag in ("select", "textarea"):
            self._in = None


def _same_instant(sent: str, stored: str) -> bool:
    return datetime.fromisoformat(sent) == datetime.fromisoformat(stored)


async def test_editing_an_event_in_a_zone_the_form_does_not_list_keeps_its_zone_and_its_time(world):
    s, event = world["s"], world["event"]
    event.update(timezone="Asia/Tokyo", starts_at="2026-12-10T09:00:00+00:00", ends_at="2026-12-10T11:00:00+00:00",
                 registration_deadline="2026-12-09T09:00:00+00:00")  # 18:00 in Tokyo, set through the events API
    async with as_(world, "coordinator")[0] as page:
        form = (await page.get(f"/console/events/{event['id']}/edit")).text
        assert '<option value="Asia/Tokyo" selected>' in form and 'value="2026-12-10T18:00"' in form
        posted = {**_FormAsPosted(form).fields, "title": ["Suturing workshop, again"]}
        saved = await page.post(f"/console/events/{event['id']}/edit", data=posted)
    assert saved.status_code == 303
    body = s.calls_to("events", "PATCH")[-1].body
    assert body["timezone"] == "Asia/Tokyo" and _same_instant(body["starts_at"], "2026-12-10T09:00:00+00:00")


async def test_saving_an_unchanged_event_at_a_time_the_clocks_show_twice_does_not_move_it(world):
    s, event = world["s"], world["event"]
    event.update(timezone="America/New_York", starts_at="2026-11-01T06:30:00+00:00",  # 01:30 EST, the second 01:30
                 ends_at="2026-11-01T08:30:00+00:00", registration_deadline="2026-10-31T12:00:00+00:00")
    async with as_(world, "coordinator")[0] as page:
        form = (await page.get(f"/console/events/{event['id']}/edit")).text
        assert 'value="2026-11-01T01:30"' in form
        saved = await page.post(f"/console/events/{event['id']}/edit", data=_FormAsPosted(form).fields)
    assert saved.status_code == 303
    assert _same_instant(s.calls_to("events", "PATCH")[-1].body["starts_at"], "2026-11-01T06:30:00+00:00")


async def test_a_new_events_times_are_first_read_in_its_chapters_zone_else_the_staff_members_own(world):
    world["s"].chapter_timezone = "America/Los_Angeles"
    async with as_(world, "coordinator")[0] as page:
        coordinators = (await page.get("/console/events/new")).text
    async with as_(world, "admin")[0] as page:
        national = (await page.get("/console/events/new")).text  # no chapter chosen: the session's zone
    assert '<option value="America/Los_Angeles" selected>' in coordinators
    assert '<option value="America/Chicago" selected>' in national


async def test_a_time_the_clocks_skip_is_refused_next_to_its_field(world):
    s = world["s"]
    form = {"csrf": CSRF, "title": "Night shift tips", "kind": "workshop", "chapter_id": s.chapter,
            "timezone": "America/New_York", "starts_at": "2027-03-14T02:30", "ends_at": "2027-03-14T04:00",
            "registration_deadline": "2027-03-13T12:00", "capacity": "25"}
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post("/console/events/new", data=form)
    assert refused.status_code == 422
    error = re.search(r'<p class="field-error" id="starts_at-error">([^<]*)</p>', refused.text)
    assert error and "does not exist" in error[1] and 'id="ends_at-error"' not in refused.text
    assert not s.calls_to("events", "POST")


async def test_report_cells_read_as_numbers_fewer_than_5_or_withheld_and_the_chart_leaves_gaps(world):
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get("/console/reports")).text
        csv = await page.get("/console/reports/people.csv")
    assert "<td>12</td>" in text and "<td>fewer than 5</td>" in text and "<td>withheld</td>" in text
    assert "Undergraduate (pre-med or pre-health): Invited" in text
    assert "<svg" in text and "<title id=\"chart-title\">Mentorships by month</title>" in text
    paired = re.findall(r'<circle cx="[\d.]+" cy="[\d.]+" r="3.5" class="series-point s0"/>', text)
    assert len(paired) == 2, "the month whose count is fewer than 5 has no point"
    assert text.count('class="axis hidden-mark"') == 2
    assert csv.text.lstrip("\ufeff").splitlines()[0] == (
        ",Undergraduate (pre-med or pre-health): Invited,Undergraduate (pre-med or pre-health): Enrolled mentees")
    asked = world["s"].calls_to("profiles", "GET", "/v1/reports/people")[-1].params
    assert asked == {"chapter_id": world["s"].chapter}


@pytest.mark.parametrize(("language", "header", "total", "by_month"), [
    ("en", ",Undergraduate (pre-med or pre-health): Invited,Undergraduate (pre-med or pre-health): Enrolled mentees",
     "Total,withheld,withheld", "Month,Confirmed"),
    ("es", ",Estudiante de universidad (premedicina o ciencias de la salud): Personas invitadas,"
           "Estudiante de universidad (premedicina o ciencias de la salud): Personas mentoradas inscritas",
     "Total,reservado,reservado", "Mes,Confirmadas")])
async def test_a_report_downloaded_names_its_rows_and_columns_in_the_readers_words_not_by_ids_and_codes(
        world, language, header, total, by_month):
    s = world["s"]
    program = next(iter(s.programs))
    s.programs[program]["name"] = "=Premed circle"  # a name a spreadsheet would run as a formula
    async with as_(world, "coordinator", language)[0] as page:
        downloaded = await page.get("/console/reports/people.csv")
        trends = await page.get("/console/reports/mentorships-trends.csv")
    assert downloaded.status_code == 200 and "text/csv" in downloaded.headers["content-type"]
    assert downloaded.content.startswith("\ufeff".encode())  # UTF-8, to a spreadsheet
    assert downloaded.text.lstrip("\ufeff").splitlines() == [header, "'=Premed circle,12,<5", total]
    # As the page says it: a month's "paired" counts the mentorships confirmed in it.
    assert trends.text.lstrip("\ufeff").splitlines() == [by_month, "2026-01,<5"]


async def test_a_report_with_nothing_to_count_says_so_and_each_tables_title_stays_in_view_outside_its_scrolling(world):
    # A chapter with no program yet; and on a phone a wide table scrolls sideways, which cut its caption at the edge.
    world["s"].people_report = published([], ["undergraduate:invited"], [])
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get("/console/reports")).text
    people = text[text.index('id="t-people"') - 100:text.index("t-mentorships")]
    assert "Nothing to count yet." in people and "<table" not in people
    title = re.search(r'<p class="table-title" id="t-meetings">Meetings logged per pairing</p>\s*'
                      r'<div class="table-scroll" role="region" aria-labelledby="t-meetings" tabindex="0">\s*'
                      r'<table aria-labelledby="t-meetings">', text)
    assert title, "the title is outside the region that scrolls, and names the table"
    assert "<caption" not in text


async def test_a_year_without_a_mentorship_confirmed_ended_or_completed_says_nothing_to_count_not_a_chart_of_zeros(
        world):
    months = [f"2026-{m:02}" for m in range(1, 13)]
    world["s"].trends_report = published(months, ["paired", "completed", "ended"], [[(0, "exact")] * 3] * 12,
                                         column_totals=False)
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get("/console/reports")).text
    trends = text[text.index("<h2>Trends</h2>"):text.index("<h2>Event attendance</h2>")]
    assert "Nothing to count yet." in trends
    assert "<svg" not in trends and "<table" not in trends and "its line has a gap" not in trends


def axis_labels(text: str) -> list[str]:
    """The chart's scale, bottom up: the labels beside its grid lines."""
    found = re.findall(r'class="grid"/><text x="[\d.]+" y="([\d.]+)" class="axis" text-anchor="end">([^<]*)</text>', text)
    return [label for _, label in sorted(found, key=lambda f: -float(f[0]))]


@pytest.mark.parametrize("counts, scale", [
    ([0, 0], ["0"]),  # nothing but zeros shown (another month kept back): one zero, no scale made up above it
    ([1, 0], ["0", "1"]),
    ([3, 1], ["0", "1", "2", "3"]),
    ([7, 2], ["0", "2", "4", "6", "8"]),
    ([120, 40], ["0", "50", "100", "150"])])
async def test_the_charts_scale_has_one_zero_and_whole_even_steps_reaching_just_past_the_largest_count(
        world, counts, scale):
    world["s"].trends_report = published(["2026-01", "2026-02", "2026-03"], ["paired"],
                                         [[(counts[0], "exact")], [(counts[1], "exact")], [(None, "fewer_than_threshold")]],
                                         column_totals=False)
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get("/console/reports")).text
    assert "<svg" in text
    assert axis_labels(text) == scale


async def test_the_charts_note_on_gaps_is_there_only_when_a_month_is_not_shown(world):
    world["s"].trends_report = published(["2026-01", "2026-02"], ["paired"], [[(6, "exact")], [(9, "exact")]],
                                         column_totals=False)
    async with as_(world, "coordinator")[0] as page:
        whole = (await page.get("/console/reports")).text
    world["s"].trends_report = None  # the fakes' own: a month fewer than 5, another withheld
    async with as_(world, "coordinator")[0] as page:
        gapped = (await page.get("/console/reports")).text
    assert "<svg" in whole and "its line has a gap" not in whole
    assert "its line has a gap" in gapped


async def test_a_report_with_more_measures_than_rows_lists_the_measures_down_the_page_to_read_on_a_phone(world):
    # A chapter's people report: one program, a column for each stage and measure, which scrolled sideways on a phone.
    s = world["s"]
    program = next(iter(s.programs))
    columns = [f"{stage}:{measure}" for stage in ("high_school", "undergraduate", "medical_student_1")
               for measure in ("invited", "enrolled_mentees")]
    s.people_report = published([program], columns, [[(n, "exact") for n in range(10, 16)]])
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get("/console/reports")).text
    people = text[text.index('id="t-people"'):text.index('id="t-mentorships"')]
    heads = re.findall(r'<th scope="(row|col)">([^<]*)</th>', people)
    assert ("col", s.programs[program]["name"]) in heads and ("col", "Total") in heads
    assert ("row", "Undergraduate (pre-med or pre-health): Invited") in heads
    assert re.search(r'<th scope="row">High-school student: Invited</th><td>10</td><td>withheld</td></tr>', people)
    assert "<tfoot>" not in people  # each measure's total is at the end of its row

    # Every chapter's: more rows than measures, as the services publish it.
    chapters = [f"chapter-{n}" for n in range(8)]
    s.people_report = published(chapters, columns, [[(n, "exact") for n in range(10, 16)] for _ in chapters])
    async with as_(world, "admin")[0] as page:
        text = (await page.get("/console/reports")).text
    people = text[text.index('id="t-people"'):text.index('id="t-mentorships"')]
    assert '<th scope="col">High-school student: Invited</th>' in people and "<tfoot>" in people

    # Four columns and a total for each row: as wide as five.
    s.people_report = published([program], columns[:4], [[(n, "exact") for n in range(10, 14)]], row_totals=True)
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get("/console/reports")).text
    people = text[text.index('id="t-people"'):text.index('id="t-mentorships"')]
    assert re.search(r'<tfoot><tr><th scope="row">Total</th><td>withheld</td><td>40</td></tr></tfoot>', people)

    s.people_report = published([], columns, [])  # nothing to turn
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get("/console/reports")).text
    people = text[text.index('id="t-people"'):text.index('id="t-mentorships"')]
    assert "Nothing to count yet." in people and "<table" not in people


async def test_a_months_measure_counted_nowhere_stays_in_the_trends_table_as_in_its_title_and_chart(world):
    months = ["2026-01", "2026-02"]
    world["s"].trends_report = published(months, ["paired", "completed"], [[(6, "exact"), (0, "exact")]] * 2,
                                         column_totals=False)
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get("/console/reports")).text
    trends = text[text.index('id="t-trends"'):]
    assert '<th scope="col">Completed</th>' in trends


async def test_a_report_page_leaves_out_a_stage_counted_nowhere(world):
    # Every stage has three measures: a chapter's report of one program was 6,000 px of zeros on a phone.
    s = world["s"]
    program = next(iter(s.programs))
    columns = [f"{stage}:{measure}" for stage in ("high_school", "undergraduate")
               for measure in ("invited", "enrolled_mentees")]
    s.people_report = published([program], columns, [[(0, "exact"), (0, "exact"), (12, "exact"),
                                                      (None, "fewer_than_threshold")]])
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get("/console/reports")).text
    people = text[text.index('id="t-people"'):text.index('id="t-mentorships"')]
    assert "High-school student" not in people and "Undergraduate (pre-med or pre-health): Invited" in people
    assert "fewer than 5" in people  # a count kept back is no zero: its column stays


@pytest.mark.parametrize("language, mentorships, trends", [
    ("en", "Ever paired, proposals included", "Confirmed"), ("es", "Alguna vez en dupla, propuestas incluidas", "Confirmadas")])
async def test_the_reports_name_pairs_ever_made_and_mentorships_confirmed_in_a_month_apart(
        world, language, mentorships, trends):
    # matching counts a program's "paired" as every pair ever made, proposals included, and a month's "paired" as
    # the mentorships confirmed in it: one word for both read as one measure.
    async with as_(world, "coordinator", language)[0] as page:
        text = (await page.get("/console/reports")).text
    table = text[text.index('id="t-mentorships"'):text.index('id="t-meetings"')]
    trend = text[text.index('id="t-trends"'):]
    assert f'<th scope="col">{mentorships}</th>' in table and f'<th scope="col">{trends}</th>' in trend
    assert f"{trends}</text>" in text or f">{trends}<" in text[:text.index('id="t-trends"')], "the chart's legend"


async def test_a_report_export_asked_with_a_stage_or_chapter_that_is_none_asks_no_service_for_it(world):
    async with as_(world, "coordinator")[0] as page:
        no_stage = await page.get("/console/reports/mentorships.csv", params={"stage": "x"})
        no_chapter = await page.get("/console/reports/people.csv", params={"chapter_id": "not-a-chapter"})
    assert no_stage.status_code == 200
    assert "stage" not in world["s"].calls_to("matching", "GET", "/v1/reports/mentorships.csv")[-1].params
    assert no_chapter.status_code == 404
    assert not [c for c in world["s"].calls_to("profiles", "GET", "/v1/reports/people.csv")
                if c.params.get("chapter_id") == "not-a-chapter"]


async def test_the_audit_trail_merges_the_four_services_newest_first_with_names(world):
    s = world["s"]

    def entry(i, at, action, actor, subject=None):
        return {"id": i, "at": at, "actor": actor, "actor_role": "coordinator", "action": action,
                "subject_kind": "person" if subject else "program", "subject_id": subject, "chapter_id": s.chapter,
                "detail": {}, "correlation_id": None}
    s.audit = {"profiles": [entry(1, "2026-03-01T10:00:00+00:00", "person.viewed", world["coordinator"]["id"],
                                  world["mentee"]["id"])],
               "matching": [entry(1, "2026-03-02T10:00:00+00:00", "round.published", world["coordinator"]["id"])],
               "events": [entry(1, "2026-03-01T12:00:00+00:00", "roster.viewed", world["admin"]["id"])],
               "notifications": [{**entry(1, "2026-03-01T11:00:00+00:00", "email.sent_again", world["coordinator"]["id"]),
                                  "subject_kind": "notification", "subject_id": str(uuid4()),
                                  "detail": {"person_id": world["waiting"]["id"], "kind": "welcome",
                                             "status": "failed"}}]}
    async with as_(world, "admin")[0] as page:
        text = (await page.get("/console/audit")).text.split("<tbody>")[1]
    order = [text.index(words) for words in ("Published a round", "Looked at an event's roster",
                                             "Sent an email again", "Looked at a person's page")]
    assert f'<a href="/console/people/{world["waiting"]["id"]}">an email to Cleo Waiting</a>' in text
    assert order == sorted(order)
    assert "Carla Coordinator" in text and "Ada Administrator" in text and "Ben Student" in text
    assert "<tbody>" not in text


@pytest.mark.parametrize("language, token, gone, platform", [
    ("en", "a token of no person (admin)", "someone no longer here", "the platform"),
    ("es", "un token de ninguna persona (admin)", "alguien que ya no está", "la plataforma")])
async def test_the_trail_tells_a_token_of_no_person_from_someone_erased_and_from_the_platform(
        world, language, token, gone, platform):
    # An administrator's token minted for a script names no person: it was never someone who has since left.
    s = world["s"]

    def entry(i, actor, role):
        return {"id": i, "at": f"2026-03-0{i}T10:00:00+00:00", "actor": actor, "actor_role": role,
                "action": "program.defined", "subject_kind": "program", "subject_id": None, "chapter_id": None,
                "detail": {}, "correlation_id": None}
    s.audit = {"profiles": [entry(1, "admin", "admin"), entry(2, str(uuid4()), "admin"),
                            entry(3, "operator:command-line", "service")],
               "matching": [], "events": [], "notifications": []}
    async with as_(world, "admin", language)[0] as page:
        text = html.unescape((await page.get("/console/audit")).text.split("<tbody>")[1])
    actors = [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<tr>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>", text)]
    assert actors == [platform, gone, token]


@pytest.mark.parametrize("language, words", [("en", "Their staff role changed"),
                                              ("es", "Cambio en su rol de coordinación o administración")])
async def test_an_email_telling_someone_of_their_staff_role_that_did_not_arrive_is_listed_in_words(world, language,
                                                                                                words):
    world["s"].delivery(world["waiting"], "staff_role_changed", "failed", "2026-03-05T12:00:00+00:00")
    async with as_(world, "coordinator", language)[0] as page:
        text = (await page.get("/console/emails")).text
    assert words in text and "staff_role_changed" not in text


async def test_emails_that_did_not_arrive_are_listed_newest_first_with_names_and_only_of_the_coordinators_chapters(
        world):
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get("/console/emails")).text
    rows = re.findall(r"<tr>\s*<td>.*?</tr>", text, re.S)
    assert [("Cleo Waiting" in r, "Ben Student" in r) for r in rows] == [(True, False), (False, True)]
    assert "Registered for an event" in rows[0] and "May not have arrived" in rows[0]
    assert "Sent again, it may reach them twice." in rows[0] and "twice" not in rows[1]
    assert "A mentorship is confirmed" in rows[1] and "Refused on every try (5 tries)" in rows[1]
    assert "550 mailbox unavailable" in rows[1] and f'href="/console/people/{world["mentee"]["id"]}"' in rows[1]
    assert "Sam Elsewhere" not in text and "Dr. Ana Reyes" not in text  # another chapter's; one that arrived
    asked = world["s"].calls_to("notifications", "GET", "/v1/deliveries")
    assert {(c.params["chapter_id"], c.params["status"]) for c in asked} == {
        (world["s"].chapter, "failed"), (world["s"].chapter, "unconfirmed")}
    async with as_(world, "admin")[0] as page:
        everyone = (await page.get("/console/emails")).text
        elsewhere = (await page.get(f"/console/emails?chapter_id={world['s'].other_chapter}")).text
    assert "Sam Elsewhere" in everyone and "Ben Student" in everyone
    assert "Sam Elsewhere" in elsewhere and "Ben Student" not in elsewhere


async def test_an_administrator_grants_the_coordinator_role_of_a_chosen_chapter_and_revokes_it(world):
    s, mentor = world["s"], world["mentor"]
    async with as_(world, "admin")[0] as page:
        text = (await page.get(f"/console/people/{mentor['id']}")).text
        # One chosen chapter and one button, not a button per chapter of the country (one tap from a wrong grant).
        assert "Coordinates no chapter." in text and text.count("Make coordinator") == 1
        chooser = re.search(r'<select id="coordinator-chapter" name="chapter_id"[^>]*>(.*?)</select>', text, re.S)
        assert chooser and "Chicago" in chooser[1] and '<option value="">' in chooser[1]
        # Granting asks first too: the chapter's people's data is at stake.
        asked = await page.post(f"/console/people/{mentor['id']}/roles/coordinator", data={"csrf": CSRF,
                                                                                          "chapter_id": s.chapter})
        assert asked.status_code == 200 and s.roles.get(mentor["id"], {}).get("coordinator_of", []) == []
        assert ("Make them coordinator of Chicago? They will see and act on the personal data of its people"
                in html.unescape(asked.text))
        assert f'<input type="hidden" name="chapter_id" value="{s.chapter}">' in asked.text
        await page.post(f"/console/people/{mentor['id']}/roles/coordinator", data={"csrf": CSRF,
                                                                                  "chapter_id": s.chapter,
                                                                                  "confirm": "yes"})
        assert s.roles[mentor["id"]]["coordinator_of"] == [s.chapter]
        text = (await page.get(f"/console/people/{mentor['id']}")).text
        assert "Revoke: Chicago" in text and "Coordinates no chapter." not in text
        chooser = re.search(r'<select id="coordinator-chapter" name="chapter_id"[^>]*>(.*?)</select>', text, re.S)
        assert chooser and "Chicago" not in chooser[1], "a chapter they coordinate is not offered again"
        # Revoking asks first: one tap on a phone must not take a coordinator's console away.
        asked = await page.post(f"/console/people/{mentor['id']}/roles/coordinator",
                                data={"csrf": CSRF, "chapter_id": s.chapter, "revoke": "1"})
        assert asked.status_code == 200 and s.roles[mentor["id"]]["coordinator_of"] == [s.chapter]
        question = html.unescape(asked.text)
        assert ("Take away their role as coordinator of Chicago? They lose its console at once and are told by email."
                in question)
        assert 'name="confirm" value="yes"' in question and "Yes, revoke" in question
        assert f'href="/console/people/{mentor["id"]}#roles"' in question
        # Switching language on this answer to a form comes back to the person's page, not home.
        assert f'<input type="hidden" name="back" value="/console/people/{mentor["id"]}">' in question
        await page.post(f"/console/people/{mentor['id']}/roles/coordinator",
                        data={"csrf": CSRF, "chapter_id": s.chapter, "revoke": "1", "confirm": "yes"})
    assert s.roles[mentor["id"]]["coordinator_of"] == []
    async with as_(world, "coordinator")[0] as page:
        denied = await page.post(f"/console/people/{mentor['id']}/roles/coordinator",
                                 data={"csrf": CSRF, "chapter_id": s.chapter})
    assert denied.status_code == 403


async def test_make_coordinator_with_no_chapter_chosen_is_asked_next_to_the_list_not_reloaded_in_silence(world):
    s, mentor = world["s"], world["mentor"]
    async with as_(world, "admin")[0] as page:
        refused = await page.post(f"/console/people/{mentor['id']}/roles/coordinator",
                                  data={"csrf": CSRF, "chapter_id": ""})
    said = dict(re.findall(r'<p class="field-error" id="([a-z-]+)-error">([^<]*)</p>', refused.text))
    assert refused.status_code == 422 and said == {"coordinator-chapter": "Choose the chapter they will coordinate."}
    assert '<a href="#coordinator-chapter">Choose the chapter they will coordinate.</a>' in refused.text
    assert s.roles.get(mentor["id"], {}).get("coordinator_of", []) == []


async def test_a_suspended_person_is_offered_no_coordinator_role_and_suspending_says_what_it_does(world):
    s, mentor = world["s"], world["mentor"]
    async with as_(world, "admin")[0] as page:
        active = " ".join((await page.get(f"/console/people/{mentor['id']}")).text.split())
        s.people[mentor["id"]]["suspended"] = True
        suspended = (await page.get(f"/console/people/{mentor['id']}")).text
    assert "nobody new is proposed to them. The mentorships they are in go on" in active
    # It read "Suspended, they can no longer sign in…" of someone active: what they are now is said first.
    assert "Active: they can sign in." in active and "Once suspended, they can no longer sign in" in active
    assert "Suspended: they cannot sign in." in suspended
    assert "they are emailed that their account is active again" in suspended
    assert "Make coordinator" in active and "Make coordinator" not in suspended
    assert "reinstate them first" in suspended


async def test_a_coordinator_reads_the_name_of_a_national_program_a_person_of_their_chapter_is_in(world):
    # National programs are the administrators' to run, but their names are no secret: "Another program" said nothing.
    s, mentee = world["s"], world["mentee"]
    national = s.program("Into Medical School")
    mentee["enrollments"].append({"id": "e8", "program_id": national["id"], "role": "mentee",
                                  "approval": "not_required", "withdrawn": False, "capacity": 1})
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/people/{mentee['id']}")).text
    assert "<h3>Into Medical School</h3>" in text and "Another program" not in text


async def test_an_administrator_erases_a_person_who_asked_after_typing_their_address_and_a_coordinator_cannot(world):
    # Someone who can no longer sign in asks the organization to erase them: the administrator does it, once sure.
    s, mentee = world["s"], world["mentee"]
    erase = f"/console/people/{mentee['id']}/erase"
    async with as_(world, "coordinator")[0] as page:
        assert "Erase" not in (await page.get(f"/console/people/{mentee['id']}")).text
        assert (await page.get(erase)).status_code == 404
        assert (await page.post(erase, data={"csrf": CSRF, "email": mentee["email"]})).status_code == 404
    assert not s.calls_to("profiles", "DELETE")
    async with as_(world, "admin")[0] as page:
        assert f'href="{erase}"' in (await page.get(f"/console/people/{mentee['id']}")).text
        asked = (await page.get(erase)).text
        assert "cannot be undone" in asked and mentee["display_name"] in asked
        mistyped = await page.post(erase, data={"csrf": CSRF, "email": "someone.else@example.org"})
        assert mistyped.status_code == 422 and 'id="email-error"' in mistyped.text
        assert not s.calls_to("profiles", "DELETE")
        done = await page.post(erase, data={"csrf": CSRF, "email": f"  {mentee['email'].upper()} "})
        assert done.status_code == 303 and done.headers["location"] == "/console/people?done=erased"
        assert "erased" in (await page.get(done.headers["location"])).text
    [call] = s.calls_to("profiles", "DELETE")
    assert call.path == f"/v1/people/{mentee['id']}" and call.claims["role"] == "admin"


async def test_an_administrator_signed_in_long_ago_confirms_it_is_them_before_erasing_anyone(world):
    # A console left open on a ward's shared computer must not be able to erase people.
    s, mentee = world["s"], world["mentee"]
    erase = f"/console/people/{mentee['id']}/erase"
    long_ago = datetime.now(UTC) - timedelta(days=2)
    async with as_(world, "admin", signed_in_at=long_ago)[0] as page:
        asked = await page.get(erase)
        refused = await page.post(erase, data={"csrf": CSRF, "email": mentee["email"]})
        told = await page.get(f"{erase}?done=sign_in_link_sent")
    assert asked.status_code == 200 and "cannot be undone" in asked.text
    assert f'action="{erase}"' not in asked.text and 'action="/account/confirm-it-is-you"' in asked.text
    assert f'name="next" value="{erase}"' in asked.text
    assert refused.status_code == 403 and "Nothing was changed" in refused.text
    assert f'action="{erase}"' not in refused.text
    assert "We emailed a sign-in link to your address" in told.text
    assert not s.calls_to("profiles", "DELETE")


def console_messages() -> set[str]:
    methods = [("**/templates/console/**.html", "jinja2"), ("**/templates/console/**.txt", "jinja2"),
               ("**/console/**.py", "python")]
    options = {"**/templates/console/**.html": {"extensions": "jinja2.ext.i18n"},
               "**/templates/console/**.txt": {"extensions": "jinja2.ext.i18n"}}
    return forms(extract_from_dir(str(PACKAGE), methods, options, keywords={"t": None, "tn": (1, 2), "C_": None,
                                                                                 "CC_": ((1, "c"), 2)}))


def test_every_console_message_has_its_spanish_translation_in_its_own_catalogue_with_the_same_placeholders():
    spanish = catalogue(PACKAGE / "translations/es/LC_MESSAGES/console.po")
    shared = catalogue(PACKAGE / "translations/es/LC_MESSAGES/messages.po")
    messages = console_messages()
    assert len(messages) > 200
    missing = sorted(m for m in messages if not spanish.get(m) and not shared.get(m))
    assert missing == [], "extract with keywords t, tn, C_ and CC_ (see console/core.py) and translate these in " \
                          "console.po"
    placeholders = re.compile(r"%\(\w+\)s")
    assert [m for m in messages if m in spanish
            and sorted(placeholders.findall(m)) != sorted(placeholders.findall(spanish[m]))] == []


def test_the_consoles_catalogue_translates_no_message_of_the_participants_pages_otherwise():
    # Merged into theirs (`ConsoleRenderer`), it would change what the console says with their labels: a proposal
    # "Rechazado/a" where the console shows a pairing's status. A word the console says otherwise takes a context.
    spanish = catalogue(PACKAGE / "translations/es/LC_MESSAGES/console.po")
    shared = catalogue(PACKAGE / "translations/es/LC_MESSAGES/messages.po")
    assert {m: (spanish[m], shared[m]) for m in spanish.keys() & shared.keys() if spanish[m] != shared[m]} == {}


def test_the_console_says_check_in_one_way_in_spanish_registro_de_entrada_never_llegada():
    # A coordinator at the door read "Registro de entrada" and "registro de llegada" on one page: one thing, one term.
    spanish = catalogue(PACKAGE / "translations/es/LC_MESSAGES/console.po")
    check_in = re.compile(r"\bcheck(?:ed|s|ing)?(?:[- ]\w+)?[- ]in\b", re.I)
    said = {m: spanish[m] for m in spanish if check_in.search(m)}
    assert len(said) > 20
    assert {m: words for m, words in said.items() if "entrada" not in words.lower()
            or re.search(r"\blleg(?:ada|ó|aron|ado)\b", words, re.I)} == {}


async def test_a_coordinator_sends_again_an_email_that_did_not_arrive_and_it_leaves_the_list_until_it_fails_again(
        world):
    s, mentee = world["s"], world["mentee"]
    failed = next(d for d in s.deliveries if d["person_id"] == mentee["id"])
    async with as_(world, "coordinator")[0] as page:
        listed = (await page.get("/console/emails")).text
        assert f'action="/console/emails/{failed["id"]}/send-again"' in listed
        assert '<span class="visually-hidden"> to Ben Student</span>' in listed
        sent = await page.post(f"/console/emails/{failed['id']}/send-again", data={"csrf": CSRF})
        assert (sent.status_code, sent.headers["location"]) == (303, "/console/emails?done=sent_again")
        after = (await page.get(sent.headers["location"])).text
    assert "The email will go again within a minute." in after and "Ben Student" not in after.split("<tbody>")[1]
    [asked] = s.calls_to("notifications", "POST", rf"/v1/deliveries/{failed['id']}/send-again")
    assert asked.claims["person_id"] == world["coordinator"]["id"]

    # It failed again: the page says when it was sent again and by whom.
    failed.update(status="failed", attempts=5)
    async with as_(world, "coordinator")[0] as page:
        row = next(r for r in re.findall(r"<tr>\s*<td>.*?</tr>", (await page.get("/console/emails")).text, re.S)
                   if "Ben Student" in r)
    assert "Sent again" in row and "by Carla Coordinator" in row


async def test_an_email_that_arrived_or_an_email_change_is_not_sent_again_and_the_page_says_why(world):
    s = world["s"]
    arrived = next(d for d in s.deliveries if d["status"] == "sent")
    change = s.delivery(world["waiting"], "email_change", "failed", "2026-03-04T13:00:00+00:00")
    async with as_(world, "coordinator")[0] as page:
        listed = (await page.get("/console/emails")).text
        refused = await page.post(f"/console/emails/{arrived['id']}/send-again", data={"csrf": CSRF})
        not_kept = await page.post(f"/console/emails/{change['id']}/send-again", data={"csrf": CSRF})
    change_row = next(r for r in re.findall(r"<tr>\s*<td>.*?</tr>", listed, re.S) if "Confirm a new email" in r)
    assert "<form" not in change_row and "Not possible: ask them to change their address again." in change_row
    assert refused.status_code == 409 and "This email is already on its way again, or has arrived." in refused.text
    assert not_kept.status_code == 409 and "its link is not kept" in not_kept.text
    assert arrived["status"] == "sent" and change["status"] == "failed"


async def test_after_an_outage_a_coordinator_sends_every_email_listed_again_at_once(world):
    s = world["s"]
    async with as_(world, "coordinator")[0] as page:
        listed = (await page.get("/console/emails")).text
        assert "Send these 2 emails again" in listed
        form = listed.split('action="/console/emails/send-again"')[1].split("</form>")[0]
        ids = re.findall(r'name="notification_id" value="([^"]+)"', form)
        sent = await page.post("/console/emails/send-again", data={"csrf": CSRF, "notification_id": ids})
        assert (sent.status_code, sent.headers["location"]) == (303, "/console/emails?done=sent_again_all")
        after = (await page.get(sent.headers["location"])).text
    [asked] = s.calls_to("notifications", "POST", "/v1/deliveries/send-again")
    mine = {d["id"] for d in s.deliveries if d["chapter_id"] == s.chapter and d["status"] == "pending"}
    assert set(asked.body["notification_ids"]) == set(ids) == mine and len(ids) == 2
    assert "The emails will go again within a minute." in after and "No email has failed, and none is unconfirmed." in after


async def test_a_persons_page_shows_what_became_of_their_emails_and_sends_a_failed_one_again_from_there(world):
    s, mentee = world["s"], world["mentee"]
    s.delivery(mentee, "welcome", "sent", "2026-03-01T09:00:00+00:00")
    failed = next(d for d in s.deliveries if d["person_id"] == mentee["id"] and d["status"] == "failed")
    person_page = f"/console/people/{mentee['id']}"
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(person_page)).text.split("<h2>Emails</h2>")[1].split("<h2>")[0]
        sent = await page.post(f"/console/emails/{failed['id']}/send-again",
                               data={"csrf": CSRF, "back": person_page})
        another = s.delivery(mentee, "pairing_ended", "failed", "2026-03-04T09:00:00+00:00")
        elsewhere = await page.post(f"/console/emails/{another['id']}/send-again",
                                    data={"csrf": CSRF, "back": "https://evil.example/console/people/x"})
    items = re.findall(r"<li class=\"row-item\">.*?</li>", text, re.S)
    assert ["A mentorship is confirmed" in items[0], "Welcome" in items[1]] == [True, True]
    assert "Refused on every try" in items[0] and "<form" in items[0] and "Sent" in items[1] and "<form" not in items[1]
    [asked] = [c for c in s.calls_to("notifications", "GET", "/v1/deliveries") if c.params.get("person_id")]
    assert (asked.params["person_id"], asked.params["chapter_id"]) == (mentee["id"], mentee["chapter_id"])
    assert sent.headers["location"] == f"{person_page}?done=sent_again"
    assert elsewhere.headers["location"] == "/console/emails?done=sent_again"  # back only to a person's page


async def test_another_chapters_email_is_not_sent_again_by_a_coordinator(world):
    s = world["s"]
    theirs = next(d for d in s.deliveries if d["person_id"] == world["stranger"]["id"])
    async with as_(world, "coordinator")[0] as page:
        answer = await page.post(f"/console/emails/{theirs['id']}/send-again", data={"csrf": CSRF})
    assert answer.status_code in (403, 404) and theirs["status"] == "failed"
    assert "Sam Elsewhere" not in answer.text


def needs_attention(home: str) -> list[tuple[str, str]]:
    """The home page's list of what needs attention: each item's link, and its words (the link's, then any after)."""
    items = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>([^<]*)</li>', home.split("<h2>")[1].split("<h2>")[0])
    return [(link, html.unescape(" ".join(f"{words} {after}".split()))) for link, words, after in items]


async def program_page_before_and_after(world, path: str, setting: str, value) -> tuple[str, str]:
    """A coordinator's page as the world's program is, and once `setting` of the program is `value`."""
    async with as_(world, "coordinator")[0] as page:
        before = (await page.get(path)).text
        world["program"][setting] = value
        return before, (await page.get(path)).text


async def test_a_programs_card_on_the_console_home_offers_mentors_to_approve_only_where_mentors_are_reviewed(world):
    link = f'<a href="/console/vetting?program_id={world["program"]["id"]}">Mentors to approve'
    unreviewed, reviewed = (home.split("<h2>Programs</h2>")[1] for home in
                            await program_page_before_and_after(world, "/console", "mentor_approval_required", True))
    assert link not in unreviewed and link in reviewed


async def test_the_waitlist_of_a_program_of_rounds_numbers_nobody(world):
    # Rounds pair everyone at once, as best fits: "Number 1" told a coordinator of a line that is not there.
    by_rounds, in_line = await program_page_before_and_after(world, f"/console/programs/{world['program']['id']}",
                                                             "pairing_mode", "on_registration")
    assert "Number 1: Cleo Waiting, waiting since" in in_line
    assert "Cleo Waiting, waiting since" in by_rounds and "Number 1" not in by_rounds


async def test_the_console_home_says_what_needs_the_coordinators_attention(world):
    s = world["s"]
    for n in range(30):  # a chapter with many programs: still one call to each service for what awaits
        s.program(f"Program {n}", s.chapter)
    async with as_(world, "coordinator")[0] as page:
        home = (await page.get("/console")).text
    attention = needs_attention(home)
    assert attention == [
        (f"/console/vetting?program_id={world['program']['id']}",
         "1 mentor awaits your approval in Into Medicine (waiting since December 1, 2026)"),
        (f"/console/rounds/{ROUND}", "A draft round of Into Medicine awaits your review"),
        (f"/console/programs/{world['program']['id']}/rounds", "1 mentee waits for a round in Into Medicine"),
        ("/console/emails", "2 emails did not arrive")]
    assert len(s.calls_to("matching")) == 3 and len(s.calls_to("profiles", "GET", "/v1/enrollments.*")) == 2


async def test_a_mentor_reported_for_a_problem_of_conduct_is_on_the_console_home_apart_from_routine_approvals(world):
    s, program = world["s"], world["program"]
    reported = s.person("Dr. Rex Reported")
    s.enrollments["e-reported"] = {**s.enrollments[E9], "id": "e-reported", "person_id": reported["id"],
                                   "display_name": reported["display_name"], "review_reason": "conduct_reported",
                                   "review_since": "2026-12-05T20:30:00+00:00"}
    async with as_(world, "coordinator")[0] as page:
        home = (await page.get("/console")).text
    attention = needs_attention(home)
    assert attention[:2] == [
        (f"/console/vetting?program_id={program['id']}",
         "1 mentor to look into: their mentee reported a problem of conduct, in Into Medicine"),
        (f"/console/vetting?program_id={program['id']}",
         "1 mentor awaits your approval in Into Medicine (waiting since December 1, 2026)")]


@pytest.mark.parametrize("language, said", [
    ("en", "2 mentors await your approval in Into Medicine (the longest waiting since November 28, 2026)"),
    ("es", "2 personas mentoras esperan tu aprobación en Into Medicine (quien más lleva esperando, desde el 28 de "
           "noviembre de 2026)")])
async def test_the_console_home_says_since_when_the_longest_waiting_mentor_waits_for_approval(world, language, said):
    s, program = world["s"], world["program"]
    s.enrollments["e-earlier"] = {**s.enrollments[E9], "id": "e-earlier", "display_name": "Dr. Early Bird",
                                  "enrolled_at": "2026-11-28T15:00:00+00:00"}
    s.enrollments["e-reported"] = {**s.enrollments[E9], "id": "e-reported", "display_name": "Dr. Rex Reported",
                                   "review_reason": "conduct_reported", "enrolled_at": "2026-01-05T15:00:00+00:00"}
    async with as_(world, "coordinator", language)[0] as page:
        home = (await page.get("/console")).text
    assert (f"/console/vetting?program_id={program['id']}", said) in needs_attention(home)


@pytest.mark.parametrize("language, said, marked", [
    ("en", "1 mentee to look into: their mentor reported a problem of conduct, in Into Medicine",
     "Into Medicine: Mentee, under review after a report of conduct"),
    ("es", "1 persona mentorada por revisar: su persona mentora informó de un problema de conducta, en Into Medicine",
     "Into Medicine: Persona mentorada, en revisión tras un reporte de conducta")])
async def test_a_mentee_held_after_a_report_of_conduct_is_on_the_console_home_and_found_among_participants(
        world, language, said, marked):
    s, program, mentee = world["s"], world["program"], world["mentee"]
    mentee["enrollments"][0].update(review_reason="conduct_reported", review_since="2026-12-05T20:30:00+00:00")
    async with as_(world, "coordinator", language)[0] as page:
        home = (await page.get("/console")).text
        attention = needs_attention(home)
        [(link, words)] = [(link, words) for link, words in attention if "people" in link]
        listed = " ".join((await page.get(html.unescape(link))).text.split())
    assert words == said
    assert html.unescape(link) == (f"/console/people?program_id={program['id']}&role=mentee&under_review=true"
                                   f"&chapter_id={s.chapter}")
    assert re.findall(r'<a href="/console/people/[^"]+">([^<]+)</a>', listed) == ["Ben Student"]
    assert marked in listed and '<option value="true" selected>' in listed


async def test_the_console_home_says_nothing_of_mentees_held_when_none_is(world):
    async with as_(world, "coordinator")[0] as page:
        home = (await page.get("/console")).text
    assert "mentee to look into" not in home and "under_review" not in home


async def test_a_mentor_reported_past_the_first_page_of_the_queue_still_reaches_the_console_home(world):
    s = world["s"]
    for n in range(500):  # profiles' largest page, all before them by name
        s.enrollments[f"e-a{n}"] = {**s.enrollments[E9], "id": f"e-a{n}", "display_name": f"Aaron {n:03}"}
    s.enrollments["e-reported"] = {**s.enrollments[E9], "id": "e-reported", "display_name": "Zoe Reported",
                                   "review_reason": "conduct_reported"}
    async with as_(world, "coordinator")[0] as page:
        home = (await page.get("/console")).text
    assert "1 mentor to look into: their mentee reported a problem of conduct, in Into Medicine" in home
    assert "501 mentors await your approval in Into Medicine" in home


@pytest.mark.parametrize("language, said", [
    ("en", "2 mentors to look into: their mentees reported a problem of conduct, in Into Medicine"),
    ("es", "2 personas mentoras por revisar: sus personas mentoradas informaron de un problema de conducta, en "
           "Into Medicine")])
async def test_mentors_reported_for_a_problem_of_conduct_are_not_counted_among_those_awaiting_approval(
        world, language, said):
    s = world["s"]
    s.enrollments[E9].update(review_reason="conduct_reported", review_since="2026-12-05T20:30:00+00:00")
    s.enrollments["e-reported"] = {**s.enrollments[E9], "id": "e-reported"}
    async with as_(world, "coordinator", language)[0] as page:
        home = (await page.get("/console")).text
    assert said in home and "your approval" not in home and "tu aprobación" not in home


async def test_a_coordinators_home_counts_the_mentees_waiting_for_a_mentor_or_for_a_round(world):
    # Four mentees waited after declines in a program paired by rounds: the home said "Nothing needs your attention".
    s, program = world["s"], world["program"]
    async with as_(world, "coordinator")[0] as page:
        by_rounds = (await page.get("/console")).text
        program["pairing_mode"] = "on_registration"
        by_registration = (await page.get("/console")).text
        program["pairing_mode"] = "mentee_choice"
        by_choice = (await page.get("/console")).text
    # Not "a mentor with room": a mentee may wait for a requirement of theirs that no mentor with room meets, which
    # the coordinator is never told (nor shown by a reason that is false otherwise).
    assert (f'<a href="/console/programs/{program["id"]}#waitlist">1 mentee waits for a mentor in '
            "Into Medicine</a>") in by_registration and "with room" not in by_registration
    # Where mentees choose, one waits for nobody's room: they have not asked a mentor yet.
    assert (f'<a href="/console/programs/{program["id"]}#waitlist">1 mentee has not chosen a mentor yet in '
            "Into Medicine</a>") in by_choice and "with room" not in by_choice
    assert f'<a href="/console/programs/{program["id"]}/rounds">1 mentee waits for a round in Into Medicine</a>' in by_rounds
    assert s.calls_to("matching", "GET", "/v1/waiting")


async def test_a_coordinator_is_shown_the_people_who_stopped_answering_from_the_home_to_the_programs_page(world):
    s, program = world["s"], world["program"]
    quiet, silent = s.person("Dr. Quinn Quiet"), s.person("Sid Silent", stage="undergraduate")
    s.not_answering += [{"program_id": program["id"], "person_id": silent["id"], "enrollment_id": "e8",
                         "role": "mentee", "unanswered_in_a_row": 3},
                        {"program_id": program["id"], "person_id": quiet["id"], "enrollment_id": "e7",
                         "role": "mentor", "unanswered_in_a_row": 2}]
    async with as_(world, "coordinator")[0] as page:
        home = (await page.get("/console")).text
        listed = " ".join((await page.get(f"/console/programs/{program['id']}")).text.split())
        s.not_answering.pop()
        one = (await page.get("/console")).text
    assert (f'<a href="/console/programs/{program["id"]}#not-answering">2 people stopped answering proposals in '
            "Into Medicine</a>") in home
    assert "1 person stopped answering proposals in Into Medicine</a>" in one
    assert '<h2 id="not-answering">People who stopped answering</h2>' in listed
    assert "so they are paired with nobody new until they resume from their home page. They were told by email" in listed
    assert re.findall(r'<li><a href="/console/people/[^"]+">([^<]+)</a> \((\w+)\): (\d) lapsed unanswered in a row',
                      listed) == [("Dr. Quinn Quiet", "mentor", "2"), ("Sid Silent", "mentee", "3")]


async def test_a_program_whose_mentors_all_answer_shows_no_such_list(world):
    async with as_(world, "coordinator")[0] as page:
        listed = (await page.get(f"/console/programs/{world['program']['id']}")).text
    assert "not-answering" not in listed


async def test_the_console_home_still_shows_when_a_service_does_not_answer_what_needs_attention(world):
    world["s"].refuse[("GET", "/v1/deliveries")] = (503, "service_unavailable", None)
    async with as_(world, "coordinator")[0] as page:
        home = await page.get("/console")
    assert home.status_code == 200 and "could not be checked just now" in home.text and "Into Medicine" in home.text


@pytest.mark.parametrize("language, words", [("en", ("1 mentorship.", "3 mentorships.")),
                                             ("es", ("1 mentoría.", "3 mentorías."))])
async def test_a_programs_number_of_mentorships_is_said_in_the_singular_for_one(world, language, words):
    s, program = world["s"], world["program"]
    async with as_(world, "coordinator", language)[0] as page:
        one = (await page.get(f"/console/programs/{program['id']}")).text
        for name in ("Dana Student", "Eli Student"):
            s.pairing(program, s.person(name, stage="undergraduate"), world["mentor"])
        three = (await page.get(f"/console/programs/{program['id']}")).text
    assert f"<p>{words[0]}</p>" in one and f"<p>{words[1]}</p>" in three


async def test_a_coordinator_sees_who_has_yet_to_answer_a_proposal_and_when_it_lapses(world):
    s, program = world["s"], world["program"]
    mentee = s.person("Dana Student", stage="undergraduate")
    waiting = s.pairing(program, mentee, world["mentor"], status="proposed", mentee_accepted=True,
                        mentor_accepted=False, answer_by="2026-12-17T14:03:00+00:00")
    async with as_(world, "coordinator")[0] as page:
        listed = (await page.get(f"/console/programs/{program['id']}")).text
        one = (await page.get(f"/console/pairings/{waiting['id']}")).text
    row = listed[listed.find("Dana Student"):]
    row = " ".join(row[:row.find("</tr>")].split())
    assert "The mentor has yet to answer; lapses unanswered on December 17, 2026" in row, row
    assert "Answer by</dt><dd>Thu, Dec 17, 2026, 8:03 AM CST (then it lapses, unanswered)" in " ".join(one.split())


async def test_deadlines_at_midnight_read_in_the_console_as_the_last_minute_of_the_day_before(world):
    s, program, event = world["s"], world["program"], world["event"]
    event["registration_deadline"] = "2026-12-11T06:00:00+00:00"  # 00:00 in Chicago, the event's zone
    waiting = s.pairing(program, s.person("Dana Student", stage="undergraduate"), world["mentor"], status="proposed",
                        mentee_accepted=True, mentor_accepted=False, answer_by="2026-12-18T06:00:00+00:00")
    async with as_(world, "coordinator")[0] as page:
        shown = {path: " ".join((await page.get(path)).text.split()) for path in (
            f"/console/events/{event['id']}", f"/console/pairings/{waiting['id']}",
            f"/console/programs/{program['id']}")}
    assert "Thu, Dec 10, 2026, 11:59 PM CST" in shown[f"/console/events/{event['id']}"]
    assert "Answer by</dt><dd>Thu, Dec 17, 2026, 11:59 PM CST" in shown[f"/console/pairings/{waiting['id']}"]
    assert "lapses unanswered on December 17, 2026" in shown[f"/console/programs/{program['id']}"]
    for text in shown.values():  # a moment that starts something (check-in opening) may still say 12:00 AM
        assert "Fri, Dec 11, 2026, 12:00 AM" not in text and "Fri, Dec 18, 2026, 12:00 AM" not in text
        assert "December 18" not in text


@pytest.mark.parametrize(("pausing", "said"), [
    (["mentor"], "its lapse would pause the mentor, whose last one lapsed too"),
    (["mentee"], "its lapse would pause the mentee, whose last one lapsed too"),
    (["mentee", "mentor"], "its lapse would pause both, whose last ones lapsed too"),
    ([], None)])
async def test_a_coordinator_sees_whom_a_waiting_proposals_lapse_would_pause_to_reach_out_first(world, pausing, said):
    s, program = world["s"], world["program"]
    mentee = s.person("Dana Student", stage="undergraduate")
    s.pairing(program, mentee, world["mentor"], status="proposed", mentee_accepted=False, mentor_accepted=False,
              answer_by="2026-12-17T14:03:00+00:00", lapse_would_pause=pausing)
    async with as_(world, "coordinator")[0] as page:
        listed = (await page.get(f"/console/programs/{program['id']}")).text
    row = listed[listed.find("Dana Student"):]
    row = " ".join(row[:row.find("</tr>")].split())
    assert "Neither has answered yet; lapses unanswered on December 17, 2026" in row, row
    if said:
        assert said in row, row
    else:
        assert "would pause" not in row, row


async def test_a_coordinator_reads_why_a_pairing_closed_in_words_on_the_list_and_its_page(world):
    s, program = world["s"], world["program"]
    lapsed = s.pairing(program, s.person("Dana Student", stage="undergraduate"), world["mentor"], status="lapsed",
                       closed_reason="unanswered")
    async with as_(world, "coordinator")[0] as page:
        listed = (await page.get(f"/console/programs/{program['id']}")).text
        one = (await page.get(f"/console/pairings/{lapsed['id']}")).text
    row = listed[listed.find("Dana Student"):]
    assert "Not answered in time" in row[:row.find("</tr>")]
    assert "<dt>Why it closed</dt><dd>Not answered in time</dd>" in one


async def test_a_coordinator_reads_who_gave_the_reason_a_pairing_closed_for_where_the_reason_does_not_say(world):
    s, program = world["s"], world["program"]
    declined = s.pairing(program, s.person("Dana Student", stage="undergraduate"), world["mentor"],
                         status="declined", closed_reason="schedule_conflict", closed_by="mentor")
    suspended = s.pairing(program, s.person("Eli Student", stage="undergraduate"), world["mentor"],
                          status="ended", closed_reason="mentor_suspended", closed_by="mentor")
    async with as_(world, "coordinator")[0] as page:
        listed = " ".join((await page.get(f"/console/programs/{program['id']}")).text.split())
        one = (await page.get(f"/console/pairings/{declined['id']}")).text
        other = (await page.get(f"/console/pairings/{suspended['id']}")).text
    assert "Schedules do not allow it (given by the mentor)" in listed
    assert "<dt>Why it closed</dt><dd>Schedules do not allow it (given by the mentor)</dd>" in one
    assert "<dt>Why it closed</dt><dd>The mentor was suspended</dd>" in other  # says already what closed it


async def test_a_pairing_closed_as_someone_left_the_program_says_which_side_left(world):
    # A mentor left a group program: four rows of "Someone left the program" did not say it was the mentor.
    s, program = world["s"], world["program"]
    left = s.pairing(program, s.person("Fay Student", stage="undergraduate"), world["mentor"],
                     status="ended", closed_reason="withdrawn", closed_by="mentor")
    unknown = s.pairing(program, s.person("Gus Student", stage="undergraduate"), world["mentor"],
                        status="lapsed", closed_reason="withdrawn")
    async with as_(world, "coordinator")[0] as page:
        one = (await page.get(f"/console/pairings/{left['id']}")).text
        other = (await page.get(f"/console/pairings/{unknown['id']}")).text
    assert "<dt>Why it closed</dt><dd>The mentor left the program</dd>" in one
    assert "<dt>Why it closed</dt><dd>Someone left the program</dd>" in other


@pytest.mark.parametrize("language, words", [("en", ("There are no programs in your chapters yet.", "Add a program")),
                                             ("es", ("Todavía no hay programas en tus capítulos.",
                                                     "Agregar un programa"))])
async def test_a_console_home_with_no_programs_links_to_adding_one(world, language, words):
    world["s"].programs.clear()
    async with as_(world, "coordinator", language)[0] as page:
        home = (await page.get("/console")).text
    said = re.search(rf"<p>{re.escape(words[0])} (.*?)</p>", home)
    assert said and said[1] == f'<a href="/console/programs#add">{words[1]}</a>'


# --- refusals worded where they happen, with what was typed kept ------------------------------------------------

ONLY_ADMINISTRATORS = "only an administrator suspends or reinstates a coordinator or an administrator"


@pytest.mark.parametrize("language, words", [
    ("en", "Only an administrator can suspend or reinstate a coordinator or an administrator."),
    ("es", "Solo una persona administradora puede suspender o restablecer a una persona coordinadora o administradora.")])
async def test_a_suspension_profiles_leaves_to_an_administrator_is_worded_next_to_the_note_which_is_kept(
        world, language, words):
    s, waiting = world["s"], world["waiting"]
    s.refuse[("POST", f"/v1/people/{waiting['id']}/suspend")] = (403, "forbidden", "person_id", ONLY_ADMINISTRATORS)
    async with as_(world, "coordinator", language)[0] as page:
        answer = await page.post(f"/console/people/{waiting['id']}/suspend",
                                 data={"csrf": CSRF, "note": "Missed the interview"})
    assert answer.status_code == 403 and "Cleo Waiting</h1>" in answer.text
    assert f'<p class="field-error" id="note-error">{words}</p>' in answer.text
    assert ">Missed the interview</textarea>" in answer.text


async def test_a_reinstatement_left_to_the_administrator_who_suspended_says_so_and_any_other_refusal_keeps_the_note(
        world):
    s, waiting = world["s"], world["waiting"]
    waiting["suspended"] = True
    reinstate = f"/v1/people/{waiting['id']}/reinstate"
    s.refuse[("POST", reinstate)] = (403, "forbidden", "person_id",
                                     "an administrator suspended this person: only an administrator reinstates them")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/people/{waiting['id']}/reinstate",
                                  data={"csrf": CSRF, "note": "Appeal accepted"})
        s.refuse[("POST", reinstate)] = (422, "invalid_request", "note")
        invalid = await page.post(f"/console/people/{waiting['id']}/reinstate",
                                  data={"csrf": CSRF, "note": "Appeal accepted"})
    assert "An administrator suspended this person: only an administrator can reinstate them." in refused.text
    assert invalid.status_code == 422 and 'id="note-error"' in invalid.text
    assert all(">Appeal accepted</textarea>" in answer.text for answer in (refused, invalid))


async def test_a_check_in_refused_without_javascript_shows_the_check_in_page_saying_why_by_the_persons_name(world):
    s, event, mentee = world["s"], world["event"], world["mentee"]
    s.refuse[("POST", f"/v1/events/{event['id']}/check-ins")] = (409, "wrong_state", "state")
    async with as_(world, "coordinator")[0] as page:
        answer = await page.post(f"/console/events/{event['id']}/check-in/{mentee['id']}",
                                 data={"csrf": CSRF, "q": "ben"})
    assert answer.status_code == 409
    row = re.search(rf'<li id="p-{mentee["id"]}".*?</li>', answer.text, re.S)[0]
    assert "This cannot be done any more" in row and answer.text.count('class="field-error"') == 1
    assert 'id="q" name="q" value="ben"' in answer.text


@pytest.mark.parametrize("language, words", [
    ("en", "Check-in opens on the day of the event"), ("es", "El registro de entrada se abre el día del evento")])
async def test_a_check_in_before_the_day_of_the_event_says_when_check_in_opens_by_the_persons_name(
        world, language, words):
    s, event, mentee = world["s"], world["event"], world["mentee"]
    s.refuse[("POST", f"/v1/events/{event['id']}/check-ins")] = (409, "check_in_not_open", "starts_at")
    async with as_(world, "coordinator", language)[0] as page:
        plain = await page.post(f"/console/events/{event['id']}/check-in/{mentee['id']}", data={"csrf": CSRF})
        swapped = await page.post(f"/console/events/{event['id']}/check-in/{mentee['id']}", data={"csrf": CSRF},
                                  headers={"hx-request": "true"})
    row = re.search(rf'<li id="p-{mentee["id"]}".*?</li>', plain.text, re.S)[0]
    assert plain.status_code == 409 and words in row
    assert words in swapped.text.split("</li>")[0]


async def test_a_check_in_without_javascript_goes_back_to_the_search_as_it_was_typed(world):
    event, mentee = world["event"], world["mentee"]
    async with as_(world, "coordinator")[0] as page:
        done = await page.post(f"/console/events/{event['id']}/check-in/{mentee['id']}",
                               data={"csrf": CSRF, "q": "Ben & co#top"})
    assert done.headers["location"] == (f"/console/events/{event['id']}/check-in?q=Ben+%26+co%23top"
                                        f"#p-{mentee['id']}")


async def test_a_vetting_refusal_gives_back_the_form_with_the_error_by_the_note_which_is_kept(world):
    s = world["s"]
    suspend, approve = f"/console/enrollments/{E9}/suspend", f"/console/enrollments/{E9}/approve"
    swapped = {"hx-request": "true"}
    async with as_(world, "coordinator")[0] as page:
        missing = await page.post(suspend, data={"csrf": CSRF, "note": "", "name": "Dr. Ana Reyes"}, headers=swapped)
        s.refuse[("POST", f"/v1/enrollments/{E9}/approve")] = (409, "wrong_state", None)
        refused = await page.post(approve, data={"csrf": CSRF, "note": "Checked licence", "name": "Dr. Ana Reyes"},
                                  headers=swapped)
        plain = await page.post(approve, data={"csrf": CSRF, "note": "Checked licence"})
    for answer, words in ((missing, "Give a reason."), (refused, "This cannot be done any more")):
        assert answer.text.lstrip().startswith(f'<form id="vf-{E9}"') and "Reload the list" not in answer.text
        assert answer.headers["hx-retarget"] == f"#vf-{E9}" and answer.headers["hx-reswap"] == "outerHTML"
        assert f'id="note-{E9}-error">{words}' in answer.text and 'aria-invalid="true"' in answer.text
        assert "Approve Dr. Ana Reyes" in answer.text
    assert ">Checked licence</textarea>" in refused.text
    assert plain.status_code == 422 and ">Checked licence</textarea>" in plain.text


async def test_the_invitation_form_chooses_no_role_for_the_coordinator(world):
    program = world["program"]
    async with as_(world, "coordinator")[0] as page:
        offered = (await page.get(f"/console/programs/{program['id']}/invite")).text
    roles = re.findall(r'<input type="radio"[^>]*name="role"[^>]*>', offered)
    assert len(roles) == 2 and not [radio for radio in roles if "checked" in radio]


async def test_a_pasted_file_is_given_back_open_after_an_error(world):
    s, program = world["s"], world["program"]
    pasted = "name,email,stage\nAna Pérez,ana@example.org,resident"
    async with as_(world, "coordinator")[0] as page:
        no_role = await page.post(f"/console/programs/{program['id']}/invite",
                                  data={"csrf": CSRF, "csv": pasted, "step": "preview"})
        s.refuse[("POST", "/v1/invitations/preview")] = (422, "invalid_request", "csv")
        refused = await page.post(f"/console/programs/{program['id']}/invite",
                                  data={"csrf": CSRF, "csv": pasted, "role": "mentee", "step": "preview"})
        fresh = (await page.get(f"/console/programs/{program['id']}/invite")).text
    for answer in (no_role, refused):
        assert answer.status_code == 422
        assert "<details open>" in answer.text and f'name="csv" rows="8">{pasted}</textarea>' in answer.text
    assert "<details>" in fresh and 'name="csv" rows="8">name,email,stage\n</textarea>' in fresh


@pytest.mark.parametrize("language, words", [
    ("en", "Choose a file with people in it"), ("es", "Elige un archivo con personas")])
@pytest.mark.parametrize("csv", ["name,email,stage\n", "name,email,stage\r\n\r\n  \n"])
async def test_inviting_from_a_file_with_only_its_header_row_asks_for_a_file_with_people_in_it(
        world, language, words, csv):
    s, program = world["s"], world["program"]
    async with as_(world, "coordinator", language)[0] as page:
        refused = await page.post(f"/console/programs/{program['id']}/invite",
                                  data={"csrf": CSRF, "csv": csv, "role": "mentee", "step": "preview"})
    assert refused.status_code == 422
    error = re.search(r'<p class="field-error" id="file-error">([^<]*)</p>', refused.text)
    assert error and error[1].startswith(words)
    assert not s.calls_to("profiles", "POST")


@pytest.mark.parametrize("csv, words", [
    ("Maria Lopez, maria@example.org, Resident\n", "The first line names the columns, and yours holds a person"),
    ("Name;Phone;Year\nMaria Lopez;555;Resident\n",
     "The first line names the columns. Yours names Name, Phone, Year; it also needs a column email, a column "
     "stage")])
async def test_a_file_whose_first_line_names_no_columns_is_refused_as_a_whole_keeping_the_text_to_mend(world, csv, words):
    s, program = world["s"], world["program"]
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/programs/{program['id']}/invite",
                                  data={"csrf": CSRF, "csv": csv, "role": "mentee", "step": "preview"})
    assert refused.status_code == 422
    error = re.search(r'<p class="field-error" id="file-error">([^<]*)</p>', refused.text)
    assert error and html.unescape(error[1]).startswith(words), error
    assert "<details open>" in refused.text and html.escape(csv.strip(), quote=False) in refused.text
    assert not s.calls_to("profiles", "POST")


async def test_a_header_in_other_words_or_in_spanish_is_read_as_the_columns_it_means(world):
    s, program = world["s"], world["program"]
    async with as_(world, "coordinator")[0] as page:
        await page.post(f"/console/programs/{program['id']}/invite",
                        data={"csrf": CSRF, "role": "mentor", "step": "preview",
                              "csv": "Nombre;Correo electrónico;E-tapa\nAna;ana@example.org;resident\n"
                                     .replace("E-tapa", "Etapa")})
        await page.post(f"/console/programs/{program['id']}/invite",
                        data={"csrf": CSRF, "role": "mentor", "step": "preview",
                              "csv": "Full name,E-mail,Stage\nAna,ana@example.org,resident\n"})
    sent = [call.body["csv"] for call in s.calls_to("profiles", "POST", "/v1/invitations/preview")]
    assert sent == ["name,email,stage\nAna,ana@example.org,resident\n"] * 2


@pytest.mark.parametrize("start", [b"PK\x03\x04\x14\x00\x06\x00", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"])
async def test_a_spreadsheets_own_file_is_refused_saying_to_save_it_as_csv(world, start):
    s, program = world["s"], world["program"]
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/programs/{program['id']}/invite",
                                  data={"csrf": CSRF, "role": "mentor", "step": "preview"},
                                  files={"file": ("mentors.xlsx", start + bytes(200), "application/octet-stream")})
    assert refused.status_code == 422
    error = re.search(r'<p class="field-error" id="file-error">([^<]*)</p>', refused.text)
    assert error and "save it as CSV" in html.unescape(error[1])
    assert not s.calls_to("profiles", "POST")


@pytest.mark.parametrize("language, words", [
    ("en", {"program": "a program", "chapter": "a chapter", "report": "a report", "registration": "a registration",
            "enrollment": "an enrollment", "scheduled_event": "an event", "person": "people"}),
    ("es", {"program": "un programa", "chapter": "un capítulo", "report": "un informe",
            "registration": "una inscripción a un evento", "enrollment": "una inscripción a un programa",
            "scheduled_event": "un evento", "person": "personas"})])
async def test_audit_entries_about_events_and_programs_link_to_them_by_name_and_every_other_subject_is_worded(
        world, language, words):
    s, event = world["s"], world["event"]

    def entry(i, kind, subject=None):
        return {"id": i, "at": f"2026-03-0{i}T10:00:00+00:00", "actor": world["admin"]["id"], "actor_role": "admin",
                "action": "people.listed", "subject_kind": kind, "subject_id": subject, "chapter_id": None,
                "detail": {}, "correlation_id": None}
    program = world["program"]
    s.audit = {"events": [entry(1, "scheduled_event", event["id"]), entry(2, "registration", str(uuid4()))],
               "profiles": [entry(3, "program", program["id"]), entry(4, "chapter"), entry(5, "report"),
                            entry(6, "enrollment", E9), entry(7, "program"), entry(8, "person"),
                            entry(9, "chapter", s.chapter)]}
    async with as_(world, "admin", language)[0] as page:
        text = (await page.get("/console/audit")).text.split("<tbody>")[1]
    words.pop("scheduled_event")
    assert f'<a href="/console/events/{event["id"]}">{event["title"]}</a>' in text, "an event named"
    assert f'<a href="/console/programs/{program["id"]}">Into Medicine</a>' in text
    assert "<td>Chicago</td>" in text, "a chapter named"
    for kind, said in words.items():
        assert f"<td>{said}</td>" in text and f"<td>{kind}</td>" not in text, kind


@pytest.mark.parametrize("language, registration, slot", [
    ("en", "the registration of Ben Student for {title}", "an office-hour slot of Dr. Ana Reyes"),
    ("es", "la inscripción de Ben Student a {title}", "una hora de orientación de Dr. Ana Reyes")])
async def test_the_audit_trail_names_whose_registration_for_which_event_whose_office_hour_slot_and_whose_addresses(
        world, language, registration, slot):
    s, event = world["s"], world["event"]

    def entry(i, action, kind, detail):
        return {"id": i, "at": f"2026-03-0{i}T10:00:00+00:00", "actor": world["admin"]["id"], "actor_role": "admin",
                "action": action, "subject_kind": kind, "subject_id": str(uuid4()), "chapter_id": None,
                "detail": detail, "correlation_id": None}
    s.audit = {"events": [
        entry(1, "registrant.removed", "registration",
              {"scheduled_event_id": event["id"], "person_id": world["mentee"]["id"], "reason": "duplicate"}),
        entry(2, "slot.withdrawn", "office_hour_slot", {"host_id": world["mentor"]["id"]}),
        entry(3, "registrant.checked_in", "registration",
              {"scheduled_event_id": str(uuid4()), "person_id": world["mentee"]["id"]})],
        "profiles": [entry(4, "people.contacts_read", "person", {"count": 3, "scheduled_event_id": event["id"]})]}
    s.audit["profiles"][0]["subject_id"] = None
    async with as_(world, "admin", language)[0] as page:
        text = (await page.get("/console/audit")).text.split("<tbody>")[1]
    assert (f'<a href="/console/events/{event["id"]}">{registration.format(title=event["title"])}</a>') in text
    assert f'<a href="/console/people/{world["mentor"]["id"]}">{slot}</a>' in text
    gone = registration.format(title="un evento" if language == "es" else "an event")
    assert gone in text, "an event events no longer shows is still worded"
    read = ("the addresses of 3 people registered for" if language == "en" else
            "las direcciones de 3 personas inscritas en")
    assert f'<a href="/console/events/{event["id"]}">{read} {event["title"]}</a>' in text


@pytest.mark.parametrize("language, words", [("en", "Could not be paired as drafted"),
                                             ("es", "No se pudo asignar como estaba en el borrador")])
async def test_a_pair_left_out_of_a_published_round_for_a_reason_the_console_does_not_know_is_worded(
        world, language, words):
    world["s"].rounds[ROUND].update(status="published", skipped=[
        {"mentee_id": world["mentee"]["id"], "mentor_id": world["mentor"]["id"], "reason_code": "something_new"}])
    async with as_(world, "coordinator", language)[0] as page:
        text = (await page.get(f"/console/rounds/{ROUND}")).text
    assert f"Ben Student {'with' if language == 'en' else 'con'} Dr. Ana Reyes: {words}</li>" in text
    assert "something_new" not in text


async def test_the_round_is_running_banner_is_not_shown_above_a_round_that_has_finished_when_its_page_is_reloaded(
        world):
    s = world["s"]
    running = "The round is running. This page shows the draft when it is ready."
    async with as_(world, "coordinator")[0] as page:
        s.rounds[ROUND]["status"] = "running"
        started = (await page.get(f"/console/rounds/{ROUND}", params={"done": "round_started"})).text
        s.rounds[ROUND]["status"] = "draft"
        reloaded = (await page.get(f"/console/rounds/{ROUND}", params={"done": "round_started"})).text
    assert running in started
    assert running not in reloaded and "Draft: waiting for your review" in reloaded


@pytest.mark.parametrize("language, words", [("en", "Choose two different mentees."),
                                             ("es", "Elige a dos personas mentoradas distintas.")])
async def test_swapping_a_mentee_with_themself_asks_for_two_different_mentees(world, language, words):
    s, mentee = world["s"], world["mentee"]
    a_second_pair_drafted(s)
    async with as_(world, "coordinator", language)[0] as page:
        refused = await page.post(f"/console/rounds/{ROUND}/swap",
                                  data={"csrf": CSRF, "mentee_a": mentee["id"], "mentee_b": mentee["id"]})
    assert refused.status_code == 422
    assert f'<p class="field-error" id="swap-error">{words}</p>' in refused.text
    assert not s.calls_to("matching", "POST")


def a_second_pair_drafted(s) -> dict:
    """Another mentee drafted in the round, with another mentor: a swap has two pairs to swap; that mentee."""
    other_mentee, other_mentor = s.person("Dana Student", stage="undergraduate"), s.person("Dr. Omar Diaz")
    s.rounds[ROUND]["pairs"].append({"mentee_id": other_mentee["id"], "mentor_id": other_mentor["id"], "score": 70,
                                     "reason_codes": []})
    return other_mentee


async def test_a_refused_swap_is_worded_by_the_swap_form_which_keeps_the_two_mentees_chosen(world):
    s, program = world["s"], world["program"]
    other_mentee = a_second_pair_drafted(s)
    s.refuse[("POST", f"/v1/rounds/{ROUND}/swap")] = (409, "mentor_full", None)
    chosen = {"mentee_a": world["mentee"]["id"], "mentee_b": other_mentee["id"]}
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/rounds/{ROUND}/swap", data={"csrf": CSRF, **chosen})
    assert refused.status_code == 422 and program["name"] in refused.text
    form = refused.text.split('action="/console/rounds/')[-1].split("</form>")[0]
    assert '<p class="field-error" id="swap-error">This mentor has no room' in form
    top = refused.text.split('id="swap"')[0]
    assert '<a href="#swap">This mentor has no room' in top, "the summary at the top links to the swap, far down"
    assert top.count('role="alert"') == 1, "only the summary: not a second notice of its own"
    for name, mentee in chosen.items():
        select = re.search(rf'<select id="{name}".*?</select>', form, re.S)[0]
        assert f'<option value="{mentee}" selected>' in select


async def test_a_swap_refused_by_a_rule_names_the_mentee_and_the_rule_and_offers_no_override_it_has_not(world):
    # "…give a reason to override", said next to a form with no field for one, naming neither pair.
    s = world["s"]
    other_mentee = a_second_pair_drafted(s)
    s.refuse[("POST", f"/v1/rounds/{ROUND}/swap")] = (409, "no_shared_language", "mentee_b")
    chosen = {"mentee_a": world["mentee"]["id"], "mentee_b": other_mentee["id"]}
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/rounds/{ROUND}/swap", data={"csrf": CSRF, **chosen})
    said = html.unescape(re.search(r'<p class="field-error" id="swap-error">([^<]*)</p>', refused.text)[1])
    assert said == (f"Swapped, {other_mentee['display_name']} and their new mentor would not make a pair the program "
                    "allows (no language in common to meet in). Choose other mentees to swap; once the round is "
                    "published, a pair can be made by hand, with a reason.")


async def test_an_events_description_may_be_as_long_as_events_takes(world):
    s, event = world["s"], world["event"]
    description = "Bring a laptop. " * 312 + "End."  # 4,996 characters
    async with as_(world, "coordinator")[0] as page:
        form = (await page.get(f"/console/events/{event['id']}/edit")).text
        posted = {**_FormAsPosted(form).fields, "description": [description]}
        saved = await page.post(f"/console/events/{event['id']}/edit", data=posted)
    assert 'name="description" maxlength="5000"' in form
    assert saved.status_code == 303 and s.calls_to("events", "PATCH")[-1].body["description"] == description


async def test_removing_a_registrant_that_events_refuses_keeps_the_reason_typed(world):
    s, event, mentee = world["s"], world["event"], world["mentee"]
    s.refuse[("POST", f"/v1/events/{event['id']}/registrations/{mentee['id']}/remove")] = (409, "wrong_state", None)
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/events/{event['id']}/registrations/{mentee['id']}/remove",
                                  data={"csrf": CSRF, "reason": "Double booked"})
    assert refused.status_code == 422
    assert f'id="reason-seated-{mentee["id"]}-error">This cannot be done any more' in refused.text
    assert ">Double booked</textarea>" in refused.text


async def test_a_removal_events_cannot_seal_just_now_says_to_try_again_next_to_it_keeping_the_reason_typed(world):
    s, event, mentee = world["s"], world["event"], world["mentee"]
    s.refuse[("POST", f"/v1/events/{event['id']}/registrations/{mentee['id']}/remove")] = (
        503, "profiles_unavailable", None)
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/events/{event['id']}/registrations/{mentee['id']}/remove",
                                  data={"csrf": CSRF, "reason": "Double booked"})
    assert refused.status_code == 503
    assert (f'id="reason-seated-{mentee["id"]}-error">Nothing was changed: this could not be done just now. Try again in a '
            "moment.") in refused.text
    assert ">Double booked</textarea>" in refused.text


async def test_an_email_that_cannot_be_sent_again_from_a_persons_page_is_refused_on_that_page(world):
    s, mentee = world["s"], world["mentee"]
    arrived = s.delivery(mentee, "welcome", "sent", "2026-03-01T09:00:00+00:00")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/emails/{arrived['id']}/send-again",
                                  data={"csrf": CSRF, "back": f"/console/people/{mentee['id']}"})
    assert refused.status_code == 409 and "Ben Student</h1>" in refused.text
    item = next(i for i in re.findall(r'<li class="row-item">.*?</li>', refused.text, re.S) if "Welcome" in i)
    assert "This email is already on its way again, or has arrived." in item


async def test_pairing_by_hand_two_people_with_no_language_in_common_is_refused_in_words_that_offer_the_override(world):
    s, program = world["s"], world["program"]
    s.refuse[("POST", f"/v1/programs/{program['id']}/pairings")] = (409, "no_shared_language", "mentor_id")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/programs/{program['id']}/pairings", data={
            "csrf": CSRF, "mentee_id": world["waiting"]["id"], "mentor_id": world["mentor"]["id"], "override_reason": ""})
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', html.unescape(refused.text)))
    # Said next to the reason's box, which is what to fill: the two chosen are right.
    assert said == {"override_reason": "They have no language in common to meet in, by the languages each listed. To "
                                       "pair them all the same (they share another language, say), give a reason to "
                                       "override."}


@pytest.mark.parametrize("code", [
    "mentor_full", "program_cap_reached", "stage_not_eligible", "not_suitable", "mentor_not_approved", "different_kind",
    "same_person", "declined_or_ended_before", "ended_by_coordinator_before", "no_shared_language",
    "person_suspended", "not_enrolled", "already_paired", "matching_profile_missing"])
async def test_every_rule_that_refuses_a_pair_made_by_hand_is_worded_for_the_coordinator(world, code):
    # A mentee and the mentor she had ended with were refused as "That did not work. Please try again.", which no
    # retry could change.
    s, program = world["s"], world["program"]
    s.refuse[("POST", f"/v1/programs/{program['id']}/pairings")] = (409, code, "mentor_id")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/programs/{program['id']}/pairings", data={
            "csrf": CSRF, "mentee_id": world["waiting"]["id"], "mentor_id": world["mentor"]["id"], "override_reason": ""})
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', html.unescape(refused.text)))
    # One a reason overrides is said next to the reason's box, which is what to fill.
    field = "override_reason" if code in OVERRIDDEN_BY_A_REASON else "mentor_id"
    assert list(said) == [field] and "Please try again" not in said[field]


async def test_a_pair_a_coordinator_ended_is_said_to_be_paired_again_with_a_reason_not_blamed_on_the_two(world):
    # A coordinator who ended a mentorship by mistake read that one of the two had declined or ended it.
    s, program = world["s"], world["program"]
    s.refuse[("POST", f"/v1/programs/{program['id']}/pairings")] = (409, "ended_by_coordinator_before", "mentor_id")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/programs/{program['id']}/pairings", data={
            "csrf": CSRF, "mentee_id": world["waiting"]["id"], "mentor_id": world["mentor"]["id"], "override_reason": ""})
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', html.unescape(refused.text)))
    assert said == {"override_reason": "A coordinator ended their mentorship before. To pair them again, give a "
                                       "reason to override."}


@pytest.mark.parametrize("more, said", [({}, "(accepted)"), ({"requested_by_mentee": True}, "(asked for this mentor)"),
                                         ({"requested_by_mentee": True, "withdrawn_by_mentee": True},
                                          "(withdrew the request)")])
async def test_a_pairings_page_says_what_its_mentee_did_a_request_or_its_withdrawal_not_accepted(world, more, said):
    # A request its mentee took back said "Mentee: Jordan Blake (accepted)".
    s = world["s"]
    closed = s.pairing(world["program"], world["waiting"], world["mentor"], status="declined", **more)
    async with as_(world, "coordinator")[0] as page:
        shown = " ".join(re.sub(r"<[^>]+>", " ", (await page.get(f"/console/pairings/{closed['id']}")).text).split())
    mentee = shown[shown.index("Mentee "):shown.index("Mentor ")]
    assert said in mentee and ("(accepted)" in mentee) == (said == "(accepted)")


@pytest.mark.parametrize("status", ["declined", "lapsed"])
async def test_a_pair_that_never_began_is_listed_as_proposed_on_its_day_not_as_a_mentorship_since_then(world, status):
    # A declined proposal read "Since December 7" and "Last meeting: none yet", as if it had begun.
    s = world["s"]
    s.pairings.clear()
    s.pairing(world["program"], world["waiting"], world["mentor"], status=status)
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/programs/{world['program']['id']}")).text
    card = " ".join(re.sub(r"<[^>]+>", " ", text.split('<ul class="list cards">')[1].split("</ul>")[0]).split())
    assert "Proposed January 10, 2026" in card
    assert "Since" not in card and "Last meeting" not in card


async def test_a_mentorship_over_is_listed_without_since_and_with_no_meeting_logged_not_none_yet(world):
    s = world["s"]
    s.pairings.clear()
    s.pairing(world["program"], world["waiting"], world["mentor"], status="ended")
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/programs/{world['program']['id']}")).text
    card = " ".join(re.sub(r"<[^>]+>", " ", text.split('<ul class="list cards">')[1].split("</ul>")[0]).split())
    assert "Last meeting none logged" in card and "Since" not in card and "none yet" not in card


async def test_a_coordinator_sees_a_persons_mentorships_in_their_chapters_programs(world):
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/people/{world['mentee']['id']}")).text
    assert "Mentored by" in text and "Mentorships are shown on each program's page." not in text


async def test_every_rule_that_skips_a_drafted_pair_at_publishing_is_worded_for_the_coordinator(world):
    codes = ["mentor_full", "program_cap_reached", "stage_not_eligible", "not_suitable", "mentor_not_approved",
             "different_kind", "same_person", "declined_or_ended_before", "no_shared_language"]
    world["s"].rounds[ROUND].update(status="published", skipped=[
        {"mentee_id": world["mentee"]["id"], "mentor_id": world["mentor"]["id"], "reason_code": code}
        for code in codes])
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/rounds/{ROUND}")).text
    assert "Could not be paired as drafted" not in text
    assert not [code for code in codes if code in text]


async def test_marking_an_event_held_is_offered_only_once_it_has_started(world):
    event = world["event"]
    event["starts_at"] = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    async with as_(world, "coordinator")[0] as page:
        before = (await page.get(f"/console/events/{event['id']}")).text
        event["starts_at"] = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
        started = (await page.get(f"/console/events/{event['id']}")).text
    assert "Mark it held" not in before and f'action="/console/events/{event["id"]}/complete"' not in before
    assert "Mark it held: record attendance" in started


async def test_an_event_online_and_in_a_place_says_both_in_what_publishing_announces(world):
    # It said only "Online", while the emails named the room too.
    world["event"].update(state="draft", is_virtual=True, location="Room 1", virtual_link="https://meet.example/x")
    async with as_(world, "coordinator")[0] as page:
        shown = " ".join(re.sub(r"<[^>]+>", " ", (await page.get(f"/console/events/{world['event']['id']}")).text).split())
    assert "Where Room 1, and online" in shown


async def test_cancelling_an_event_asks_first_on_its_own_page_saying_how_many_registrants_are_emailed(world):
    s, event = world["s"], world["event"]
    async with as_(world, "coordinator")[0] as page:
        shown = (await page.get(f"/console/events/{event['id']}")).text
        asked = await page.get(f"/console/events/{event['id']}/cancel")
        assert not s.calls_to("events", "POST"), "looking at the question cancels nothing"
        cancelled = await page.post(f"/console/events/{event['id']}/cancel", data={"csrf": CSRF})
    assert f'action="/console/events/{event["id"]}/cancel"' not in shown
    assert f'href="/console/events/{event["id"]}/cancel"' in shown
    assert asked.status_code == 200
    assert "3 people registered (2 with a seat, 1 on the waitlist) are emailed that it is cancelled." in asked.text
    assert "cannot be undone" in asked.text
    assert re.search(rf'<form method="post" action="/console/events/{event["id"]}/cancel"', asked.text)
    assert f'href="/console/events/{event["id"]}"' in asked.text  # keep it: back, nothing done
    assert cancelled.status_code == 303 and cancelled.headers["location"].endswith("done=event_cancelled")
    assert [c.path for c in s.calls_to("events", "POST")] == [f"/v1/events/{event['id']}/cancel"]


async def test_a_draft_offers_no_cancelling_which_events_refuses_of_an_event_never_published(world):
    event = world["event"]
    event["state"] = "draft"
    async with as_(world, "coordinator")[0] as page:
        shown = (await page.get(f"/console/events/{event['id']}")).text
        asked = await page.get(f"/console/events/{event['id']}/cancel")
    assert f'href="/console/events/{event["id"]}/cancel"' not in shown
    assert asked.status_code == 303 and asked.headers["location"] == f"/console/events/{event['id']}"


async def test_cancelling_an_event_sends_the_coordinators_message_to_those_registered_for_their_email(world):
    s, event = world["s"], world["event"]
    message = "Our speaker is ill.\r\nWe will run it again on 3 April: look for it in the events."
    async with as_(world, "coordinator")[0] as page, as_(world, "coordinator", "es")[0] as spanish:
        asked = (await page.get(f"/console/events/{event['id']}/cancel")).text
        preguntado = (await spanish.get(f"/console/events/{event['id']}/cancel")).text
        cancelled = await page.post(f"/console/events/{event['id']}/cancel", data={"csrf": CSRF, "note": message})
    assert re.search(r'<label for="note">A message to those registered \(optional\)</label>', asked)
    assert re.search(r'<textarea id="note" name="note"[^>]*maxlength="1000"', asked)
    assert "Un mensaje para quienes se inscribieron (opcional)" in preguntado
    assert cancelled.status_code == 303 and cancelled.headers["location"].endswith("done=event_cancelled")
    [call] = s.calls_to("events", "POST")
    assert call.body == {"reason_code": "organiser_cancelled",
                         "note": "Our speaker is ill.\nWe will run it again on 3 April: look for it in the events."}


async def test_cancelling_with_a_blank_message_sends_none(world):
    s, event = world["s"], world["event"]
    async with as_(world, "coordinator")[0] as page:
        await page.post(f"/console/events/{event['id']}/cancel", data={"csrf": CSRF, "note": "  \r\n "})
    [call] = s.calls_to("events", "POST")
    assert call.body == {"reason_code": "organiser_cancelled"}


async def test_a_message_too_long_to_send_with_the_cancellation_is_refused_next_to_it_and_kept(world):
    s, event = world["s"], world["event"]
    message = "We are sorry. " * 80  # 1,120 characters
    async with as_(world, "coordinator")[0] as page, as_(world, "coordinator", "es")[0] as spanish:
        refused = await page.post(f"/console/events/{event['id']}/cancel", data={"csrf": CSRF, "note": message})
        rechazado = await spanish.post(f"/console/events/{event['id']}/cancel", data={"csrf": CSRF, "note": message})
    assert not s.calls_to("events", "POST"), "nothing is cancelled"
    assert refused.status_code == 422 and event["state"] == "published"
    assert ('<p class="field-error" id="note-error">Keep the message to 1000 characters or fewer: this one has 1119.</p>'
            in refused.text)
    assert 'aria-invalid="true"' in refused.text and html.escape(message.strip()) in refused.text
    assert "3 people registered (2 with a seat, 1 on the waitlist) are emailed that it is cancelled." in refused.text
    assert "El mensaje puede tener como máximo 1000 caracteres: este tiene 1119." in rechazado.text


async def test_a_message_events_refuses_is_said_next_to_it_on_the_question_and_kept(world):
    s, event = world["s"], world["event"]
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/events/{event['id']}/cancel", data={"csrf": CSRF, "note": "Snow\x00"})
    assert refused.status_code == 422 and event["state"] == "published"
    assert 'id="note-error"' in refused.text and "Snow" in refused.text
    assert [c.path for c in s.calls_to("events", "POST")] == [f"/v1/events/{event['id']}/cancel"]


async def test_the_question_before_cancelling_says_one_registrant_in_the_singular(world):
    event = world["event"]
    world["s"].roster[event["id"]] = world["s"].roster[event["id"]][:1]
    async with as_(world, "coordinator", "es")[0] as spanish, as_(world, "coordinator")[0] as page:
        asked = (await page.get(f"/console/events/{event['id']}/cancel")).text
        preguntado = (await spanish.get(f"/console/events/{event['id']}/cancel")).text
    assert "1 person registered (1 with a seat, 0 on the waitlist) is emailed that it is cancelled." in asked
    assert "1 persona inscrita" in preguntado


@pytest.mark.parametrize(("field", "message", "said"), [
    ("ends_at", "an event ends after it starts", "The end is before the start"),
    ("registration_deadline", "registration closes before the event starts", "Registration closes after the start"),
    ("starts_at", "an event is created to start in the future; this start is in the past", "The start is past"),
    ("location", "an event takes place at a location, virtually, or both", "Give the place"),
])
async def test_an_event_events_refuses_as_invalid_says_the_real_reason_next_to_the_field_it_names(
        world, field, message, said):
    s = world["s"]
    s.refuse[("POST", "/v1/events")] = (422, "invalid", field, message)
    form = a_new_event_form(s, location="Student center")  # well formed: events' word is what is said
    async with as_(world, "coordinator")[0] as page, as_(world, "coordinator", "es")[0] as spanish:
        refused = await page.post("/console/events/new", data=form)
        rechazado = await spanish.post("/console/events/new", data=form)
    assert refused.status_code == 422
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', refused.text)
    assert error and said in error[1] and "did not work" not in error[1]
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', refused.text)
    assert 'value="Interview practice"' in refused.text
    spanish_error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', rechazado.text)
    assert spanish_error and spanish_error[1] != error[1]


@pytest.mark.parametrize("language, confirmed, said", [
    ("en", 12, "12 people already have a seat: keep at least 12 seats, or cancel some registrations first."),
    ("en", 1, "1 person already has a seat: keep at least 1 seat, or cancel their registration first."),
    ("es", 12, "12 personas ya tienen lugar: deja al menos 12 lugares, o cancela antes algunas inscripciones.")])
async def test_seats_lowered_below_those_already_taken_say_how_many_are_taken(world, language, confirmed, said):
    s, event = world["s"], world["event"]
    s.refuse[("PATCH", f"/v1/events/{event['id']}")] = (
        422, "invalid", "capacity", f"{confirmed} registrants are confirmed already; cancel some first")
    async with as_(world, "coordinator", language)[0] as page:
        form = (await page.get(f"/console/events/{event['id']}/edit")).text
        refused = await page.post(f"/console/events/{event['id']}/edit",
                                  data={**_FormAsPosted(form).fields, "capacity": ["2"]})
    assert refused.status_code == 422
    error = re.search(r'<p class="field-error" id="capacity-error">([^<]*)</p>', refused.text)
    assert error and error[1] == said


async def test_a_mentor_is_suspended_from_their_page_and_approved_again_there_a_note_needed_to_suspend(world):
    s, mentor = world["s"], world["mentor"]
    enrollment = mentor["enrollments"][0]
    enrollment.update(id=str(uuid4()), chapter_id=s.chapter)  # profiles' enrollment as its vetting routes know it
    s.enrollments[enrollment["id"]] = enrollment
    page_path = f"/console/people/{mentor['id']}"
    async with as_(world, "coordinator")[0] as page:
        approved = (await page.get(page_path)).text
        assert f'action="/console/enrollments/{enrollment["id"]}/suspend"' in approved
        assert f'action="/console/enrollments/{enrollment["id"]}/approve"' not in approved
        no_note = await page.post(f"/console/enrollments/{enrollment['id']}/suspend",
                                  data={"csrf": CSRF, "person_id": mentor["id"], "note": " "})
        assert no_note.status_code == 422 and "Dr. Ana Reyes" in no_note.text
        error = re.search(rf'<p class="field-error" id="mentor-note-{enrollment["id"]}-error">([^<]*)</p>', no_note.text)
        assert error and "reason" in error[1].lower()
        suspended = await page.post(f"/console/enrollments/{enrollment['id']}/suspend",
                                    data={"csrf": CSRF, "person_id": mentor["id"], "note": "Complaint under review"})
        assert suspended.status_code == 303 and suspended.headers["location"] == f"{page_path}?done=suspended"
        assert enrollment["approval"] == "suspended"
        shown = (await page.get(suspended.headers["location"])).text
        assert f'action="/console/enrollments/{enrollment["id"]}/approve"' in shown and "Approve again" in shown
        assert "Mentor · Suspended as a mentor · " in shown
        again = await page.post(f"/console/enrollments/{enrollment['id']}/approve",
                                data={"csrf": CSRF, "person_id": mentor["id"], "note": ""})
    assert again.status_code == 303 and again.headers["location"] == f"{page_path}?done=approved"
    assert enrollment["approval"] == "approved"
    assert [c.body for c in s.calls_to("profiles", "POST", r"/v1/enrollments/.*")] == [
        {"note": "Complaint under review"}, {}]


async def test_a_discarded_round_agrees_with_ronda_in_spanish():
    # A round's status shared its words with an event's: "Descartado", though a ronda is feminine (published: in
    # test_console_lists).
    spanish = catalogue(PACKAGE / "translations/es/LC_MESSAGES/console.po")
    from web.console.labels import ROUND_STATUS
    assert spanish[ROUND_STATUS["discarded"]] == "Descartada: no se propuso nada"


@pytest.mark.parametrize("language, first, second", [
    ("en", "Choose the first mentee.", "Choose the second mentee."),
    ("es", "Elige a la primera persona mentorada.", "Elige a la segunda persona mentorada.")])
async def test_a_swap_sent_empty_is_summarised_at_the_top_and_each_empty_choice_is_said_next_to_it(
        world, language, first, second):
    s = world["s"]
    a_second_pair_drafted(s)
    async with as_(world, "coordinator", language)[0] as page:
        refused = await page.post(f"/console/rounds/{ROUND}/swap", data={"csrf": CSRF, "mentee_a": "", "mentee_b": ""})
    assert refused.status_code == 422
    text = refused.text
    summary = text.split('class="notice error error-summary"')[1].split("</div>")[0]
    assert f'<a href="#mentee_a">{first}</a>' in summary and f'<a href="#mentee_b">{second}</a>' in summary
    assert text.index("error-summary") < text.index('id="pairs"'), "the summary is at the top, above the pairs"
    assert f'<p class="field-error" id="mentee_a-error">{first}</p>' in text
    assert f'<p class="field-error" id="mentee_b-error">{second}</p>' in text
    assert 'aria-describedby="mentee_a-error"' in text and 'aria-describedby="mentee_b-error"' in text
    assert not s.calls_to("matching", "POST")


async def test_a_swap_with_one_mentee_chosen_says_only_the_other_is_missing_and_keeps_the_one_chosen(world):
    s, mentee = world["s"], world["mentee"]
    a_second_pair_drafted(s)
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/rounds/{ROUND}/swap",
                                  data={"csrf": CSRF, "mentee_a": mentee["id"], "mentee_b": ""})
    text = refused.text
    assert 'id="mentee_b-error">Choose the second mentee.</p>' in text and "Choose the first mentee." not in text
    assert f'<option value="{mentee["id"]}" selected>' in text


async def test_an_event_description_over_events_limit_is_refused_next_to_it_naming_the_limit_and_kept_whole(world):
    s = world["s"]
    description = "Bring a laptop. " * 320  # 5,120 characters
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post("/console/events/new", data=a_new_event_form(s, description=description))
    assert refused.status_code == 422 and not s.calls_to("events", "POST")
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', refused.text))
    assert said == {"description": "Keep the description to 5000 characters or fewer: this one has 5119."}
    assert 'aria-describedby="description-error"' in refused.text
    assert f">{description.strip()}</textarea>" in refused.text, "kept as typed, not cut"


async def test_a_vetting_note_over_profiles_limit_is_refused_next_to_it_and_kept_whole(world):
    s = world["s"]
    note = "Checked the licence with the state board. " * 13  # 559 characters
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/enrollments/{E9}/approve",
                                  data={"csrf": CSRF, "note": note, "name": "Dr. Ana Reyes"},
                                  headers={"hx-request": "true"})
    assert not s.calls_to("profiles", "POST", f"/v1/enrollments/{E9}/approve")
    assert f'id="note-{E9}-error">Keep the note to 500 characters or fewer: this one has {len(note.strip())}.' in (
        refused.text)
    assert f">{note.strip()}</textarea>" in refused.text


def test_a_reports_headers_wrap_so_a_long_program_name_does_not_widen_its_table():
    """A program's name heads a row, or a column in a turned table: the headers may wrap (a name of 200 characters
    on one line made the reports' table 2,466 px wide, on a desktop too), and a word longer than the cell breaks."""
    css = (Path(web.__file__).parent / "static" / "console.css").read_text()
    outside_media = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", css)
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", outside_media)
    wrapping = [body for selector, body in rules if ".table-scroll th" in selector]
    assert wrapping and "white-space: normal" in wrapping[-1] and "overflow-wrap: anywhere" in wrapping[-1]
    nowrap = [selector.strip() for selector, body in rules if "white-space: nowrap" in body]
    assert all(css.index(f"{s} {{") < css.rindex(".table-scroll th") for s in nowrap if "th" in s)


@pytest.mark.parametrize(("language", "chicago"), [("en", "Central Time, Chicago"), ("es", "hora central, Chicago")])
async def test_the_console_names_time_zones_in_words_not_by_their_database_names(world, language, chicago):
    # "America/Argentina/Buenos Aires" was a chapter's, an event's and a person's time zone as the console showed it.
    async with as_(world, "admin", language)[0] as page:
        chapters = (await page.get("/console/chapters")).text
        event_form = (await page.get("/console/events/new")).text
        person = (await page.get(f"/console/people/{world['mentee']['id']}")).text
    alone = chicago[:1].upper() + chicago[1:]  # an option starts with a capital ("Hora central, Chicago")
    assert f'<option value="America/Chicago" >{alone}</option>' in chapters
    assert f'>{alone}</option>' in event_form
    for shown in (chapters, event_form, person):
        assert "America/Chicago<" not in shown and "America/New York" not in shown


async def test_an_event_s_waitlist_in_spanish_is_a_lista_de_espera_not_a_wait_for_a_mentor(world):
    # The console took the public pages' word, "Espera de persona mentora", for an event's waitlist.
    async with as_(world, "coordinator", "es")[0] as page:
        shown = html.unescape((await page.get(f"/console/events/{world['event']['id']}")).text)
    assert "<h2>Lista de espera</h2>" in shown and "Espera de persona mentora" not in shown


async def test_pairing_by_hand_someone_who_paused_is_refused_in_words_next_to_the_mentor_not_as_a_missing_page(world):
    s, program = world["s"], world["program"]
    form = {"csrf": CSRF, "mentee_id": world["waiting"]["id"], "mentor_id": world["mentor"]["id"],
            "override_reason": "She asked for Ana"}
    s.refuse[("POST", f"/v1/programs/{program['id']}/pairings")] = (409, "person_paused", "mentor_id")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/programs/{program['id']}/pairings", data=form)
    assert refused.status_code == 422
    assert "They paused: nobody new is paired with them, by hand either, until they resume." in refused.text


@pytest.mark.parametrize("language, said", [
    ("en", "This is you: you cannot suspend yourself. A national administrator can, if it must be done."),
    ("es", "Eres tú: no puedes suspender tu propia cuenta. Una persona administradora nacional puede hacerlo, si hace "
           "falta.")])
async def test_a_staff_member_on_their_own_page_is_offered_no_suspension_of_themselves(world, language, said):
    # The only national administrator suspended themselves in one click, and nobody was left to reinstate them.
    async with as_(world, "admin", language)[0] as page:
        own = (await page.get(f"/console/people/{world['admin']['id']}")).text
    assert f'action="/console/people/{world["admin"]["id"]}/suspend"' not in own
    assert said in html.unescape(own)


async def test_a_staff_member_on_their_own_page_is_offered_no_erasure_of_themselves_and_a_refusal_is_worded(world):
    s, admin = world["s"], world["admin"]
    s.refuse[("POST", f"/v1/people/{world['mentee']['id']}/suspend")] = (409, "last_administrator", "person_id")
    async with as_(world, "admin")[0] as page:
        own = (await page.get(f"/console/people/{admin['id']}")).text
        refused = await page.post(f"/console/people/{world['mentee']['id']}/suspend",
                                  data={"csrf": CSRF, "note": "Left the organisation"})
    assert f'href="/console/people/{admin["id"]}/erase"' not in own
    assert refused.status_code == 422 and "The platform needs at least one administrator." in refused.text


async def test_an_invitations_link_opens_in_the_invitees_language_and_says_it_leads_to_joining_the_program(world):
    # A Spanish invitee's first page was in English: the link carried no language, as every other email's does.
    program = world["program"]
    program["mentor_approval_required"] = True
    client, mailer, _ = as_(world, "coordinator")
    async with client as page:
        await page.post(f"/console/programs/{program['id']}/invite",
                        data={"csrf": CSRF, "role": "mentor", "step": "confirm", "csv": CSV})
    english = next(m for m in mailer.sent if m["to"] == "ana1@example.org")
    spanish = next(m for m in mailer.sent if m["to"] == "luis@example.mx")
    assert re.search(r"http://web\.test/sign-in/[A-Za-z0-9_-]{43,}\?lang=es\b", spanish["text"])
    assert re.search(r"http://web\.test/sign-in/[A-Za-z0-9_-]{43,}\?lang=en\b", english["text"])
    assert "Sign in with this link to join the program (it works once, for 7 days):" in english["text"]
    assert "complete your profile" not in english["text"]
    assert "A coordinator reviews each mentor before anyone is proposed to them." in english["text"]


async def test_vetting_shows_what_the_mentor_wrote_and_their_address_and_warns_where_mentees_are_minors(world):
    # A coordinator vetting a mentor for high-school students saw neither the words the 16-year-old would be sent
    # nor the address, nor that the program's mentees are minors.
    world["mentor"]["bio"] = "Emergency medicine resident; I grew up in Atlanta."
    world["mentor"]["enrollments"] = [world["s"].enrollments[E9]]  # the directory finds them awaiting approval
    world["program"]["mentee_stages"] = ["high_school", "undergraduate"]
    async with as_(world, "coordinator")[0] as page:
        queue = " ".join(html.unescape((await page.get("/console/vetting")).text).split())
        person = " ".join(html.unescape((await page.get(f"/console/people/{world['mentor']['id']}")).text).split())
    assert f"<dt>Email</dt><dd>{world['mentor']['email']}</dd>" in queue
    assert "Emergency medicine resident; I grew up in Atlanta." in queue
    assert "This program's mentees include high-school students, most of them minors: once both accept a pair, this " \
           "mentor is sent their mentee's name and email address" in queue
    assert "Emergency medicine resident; I grew up in Atlanta." in person



def chapter_card(page_html: str, chapter_id: str) -> str:
    """The card of this chapter on the chapters page."""
    [card] = [c for c in page_html.split('<li class="card">')[1:] if f"/console/people?chapter_id={chapter_id}" in c]
    return card


async def test_each_chapter_on_the_chapters_page_names_its_coordinators_linking_to_their_page_to_revoke_them(world):
    # An administrator could not find who coordinated a chapter, so could not revoke a coordinator who had left.
    s, coordinator = world["s"], world["coordinator"]
    gone = s.person("Gus Gone")
    s.roles[gone["id"]] = {"administrator": False, "coordinator_of": [s.chapter]}
    gone["suspended"] = True
    async with as_(world, "admin")[0] as page:
        listed = (await page.get("/console/chapters")).text
        revoked = await page.post(f"/console/people/{gone['id']}/roles/coordinator",
                                  data={"csrf": CSRF, "chapter_id": s.chapter, "revoke": "1", "confirm": "yes"})
        after = (await page.get("/console/chapters")).text
    ours = chapter_card(listed, s.chapter)
    assert re.search(rf'Coordinators:\s*<a href="/console/people/{coordinator["id"]}">Carla Coordinator</a>', ours)
    assert f'<a href="/console/people/{gone["id"]}">Gus Gone</a> (suspended)' in ours
    other = chapter_card(listed, s.other_chapter)
    assert "No coordinator yet." in other and "Carla Coordinator" not in other
    assert revoked.status_code == 303
    assert "Gus Gone" not in chapter_card(after, s.chapter) and "Carla Coordinator" in chapter_card(after, s.chapter)
