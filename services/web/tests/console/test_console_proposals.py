"""A proposal waiting for answers, stepped in on by a coordinator: withdrawn with a reason (both are told, without the
words typed), or its mentee proposed to another mentor instead; a mentee's request stays its mentor's to answer. Both
languages."""

from __future__ import annotations

import re

import pytest
from web.entrypoints.web import CsrfRefused

from .fakes import CSRF, as_


def proposed(world) -> dict:
    """The world's pairing, proposed and waiting for its mentor's answer."""
    pairing = world["pairing"]
    pairing.update(status="proposed", mentor_accepted=False, answer_by="2026-12-17T14:03:00+00:00")
    return pairing


def withdraw_form(text: str, pairing: dict) -> str:
    found = re.search(rf'<form method="post" action="/console/pairings/{pairing["id"]}/withdraw".*?</form>', text,
                      re.S)
    assert found, "the withdraw form is on the page"
    return found[0]


def reassign_form(text: str, pairing: dict) -> str:
    found = re.search(rf'<form method="post" action="/console/pairings/{pairing["id"]}/reassign".*?</form>', text,
                      re.S)
    assert found, "the reassign form is on the page"
    return found[0]


async def test_the_page_of_a_proposal_offers_to_withdraw_it_or_to_propose_another_mentor_instead(world):
    pairing, mentor = proposed(world), world["s"].person("Dr. Omar Diaz", enrollments=[
        {"id": "e5", "program_id": world["program"]["id"], "role": "mentor", "approval": "approved",
         "withdrawn": False, "capacity": 2}])
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/pairings/{pairing['id']}")).text
    assert "Once both have accepted" not in text
    assert '<h2 id="reassign">Propose another mentor instead</h2>' in text
    moving = reassign_form(text, pairing)
    assert "This proposal is withdrawn with your reason, and the mentee is proposed to the mentor you choose." in moving
    assert f'<option value="{mentor["id"]}"' in moving
    assert f'<option value="{pairing["mentor_id"]}"' not in moving, "not the mentor proposed already"
    assert '<form method="get" action="/console/pairings/' in text, "the mentor search is there too"
    assert '<h2 id="withdraw">Withdraw this proposal</h2>' in text
    withdrawing = withdraw_form(text, pairing)
    assert f'name="csrf" value="{CSRF}"' in withdrawing
    assert re.findall(r'name="reason_code" value="(\w+)"', withdrawing) == [
        "not_a_good_fit", "schedule_conflict", "no_longer_available", "other"]
    for label in ("Not a good fit", "Schedules do not allow it", "Someone is no longer available", "Another reason"):
        assert label in withdrawing
    assert "<legend>Why withdraw it?</legend>" in withdrawing
    assert 'for="withdraw_reason">In your words (optional)' in withdrawing and "Kept in the audit trail." in withdrawing
    assert ("Both are emailed that the program withdrew it, without your words. They are not proposed to each other "
            "again, and the mentee goes back to being matched.") in withdrawing
    assert '<button type="submit" class="danger">Withdraw this proposal</button>' in withdrawing
    assert f'action="/console/pairings/{pairing["id"]}/end"' not in text, "a proposal is not ended"


@pytest.mark.parametrize("who, said", [
    ("coordinator", "Kept in the audit trail. National administrators read it."),
    ("admin", "Kept in the audit trail.</p>")])
async def test_a_coordinator_is_told_who_reads_the_audit_trail_their_reason_is_kept_in(world, who, said):
    pairing = proposed(world)
    async with as_(world, who)[0] as page:
        withdrawing = withdraw_form((await page.get(f"/console/pairings/{pairing['id']}")).text, pairing)
    assert said in " ".join(withdrawing.split())


async def test_the_page_of_a_mentees_request_offers_neither_and_says_the_mentor_answers_it(world):
    pairing = world["pairing"]
    pairing.update(status="requested", mentor_accepted=False)
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/pairings/{pairing['id']}")).text
    for action in ("withdraw", "reassign", "end"):
        assert f'action="/console/pairings/{pairing["id"]}/{action}"' not in text, action
    assert ("This is the mentee's request to this mentor: it is the mentor's to answer. Once the mentor "
            "accepts, you can reassign the mentee or end the mentorship here.") in text


async def test_withdrawing_a_proposal_sends_the_reason_code_and_words_and_says_both_are_told(world):
    s, pairing = world["s"], proposed(world)
    async with as_(world, "coordinator")[0] as page:
        done = await page.post(f"/console/pairings/{pairing['id']}/withdraw",
                               data={"csrf": CSRF, "reason_code": "schedule_conflict", "confirm": "yes",
                                     "withdraw_reason": "  Her rotation moved to nights  "})
        assert done.status_code == 303
        assert done.headers["location"] == f"/console/pairings/{pairing['id']}?done=withdrawn"
        text = " ".join((await page.get(done.headers["location"])).text.split())
        listed = (await page.get(f"/console/programs/{pairing['program_id']}")).text
        mentors_page = " ".join((await page.get(f"/console/people/{pairing['mentor_id']}")).text.split())
    call = s.calls_to("matching", "POST")[-1]
    assert call.path == f"/v1/pairings/{pairing['id']}/withdraw"
    assert call.body == {"reason_code": "schedule_conflict", "reason": "Her rotation moved to nights"}
    assert call.claims["role"] == "coordinator"
    assert 'role="status"' in text and "The proposal is withdrawn: both are told by email." in text
    assert "<dt>Status</dt><dd>Withdrawn</dd>" in text and "Declined" not in text
    assert "<dt>Status</dt><dd>Withdrawn" in listed and "<dd>Declined" not in listed, "so in the program's list"
    assert "Mentee proposed: Ben Student</a></h3> <p>Withdrawn" in mentors_page and "Declined" not in mentors_page, \
        "and on the mentor's page"
    assert "<dt>Why it closed</dt><dd>Withdrawn by a coordinator: Schedules do not allow it</dd>" in text
    assert f'action="/console/pairings/{pairing["id"]}/withdraw"' not in text, "nothing more to withdraw"


@pytest.mark.parametrize("language, words", [
    ("en", ("Withdraw this proposal of Ben Student to Dr. Ana Reyes (Schedules do not allow it)? Both are emailed and "
            "they are not proposed to each other again: it cannot be undone.", "Yes, withdraw", "Keep the proposal")),
    ("es", ("¿Retirar esta propuesta de Ben Student a Dr. Ana Reyes (", "Sí, retirarla", "Mantener la propuesta"))])
async def test_withdrawing_a_proposal_asks_first_and_the_answer_keeps_the_reasons_chosen(world, language, words):
    s, pairing = world["s"], proposed(world)
    question, yes, keep = words
    async with as_(world, "coordinator", language)[0] as page:
        asked = await page.post(f"/console/pairings/{pairing['id']}/withdraw",
                                data={"csrf": CSRF, "reason_code": "schedule_conflict",
                                      "withdraw_reason": "Her rotation moved to nights"})
    assert asked.status_code == 200
    assert not s.calls_to("matching", "POST") and pairing["status"] == "proposed"
    text = " ".join(asked.text.split())
    # The question, the form that answers it and the way back (the shared ask-first step).
    notice = re.search(r'<div class="notice" role="alert" data-focus tabindex="-1">.*?</a></p>', text)
    assert notice and question in notice[0]
    answer = withdraw_form(notice[0], pairing)
    assert f'name="csrf" value="{CSRF}"' in answer and 'name="confirm" value="yes"' in answer
    assert 'name="reason_code" value="schedule_conflict"' in answer
    assert 'name="withdraw_reason" value="Her rotation moved to nights"' in answer
    assert f'<button type="submit" class="danger">{yes}<span class="visually-hidden">' in answer
    assert f'<a href="/console/pairings/{pairing["id"]}">{keep}</a>' in notice[0]


async def test_withdrawing_without_words_sends_the_reason_code_alone(world):
    s, pairing = world["s"], proposed(world)
    async with as_(world, "coordinator")[0] as page:
        done = await page.post(f"/console/pairings/{pairing['id']}/withdraw",
                               data={"csrf": CSRF, "reason_code": "other", "withdraw_reason": "  ", "confirm": "yes"})
    assert done.status_code == 303
    assert s.calls_to("matching", "POST")[-1].body == {"reason_code": "other"}


@pytest.mark.parametrize("code", [None, "", "conduct", "goals_met"])
async def test_withdrawing_without_a_reason_code_asks_for_one_next_to_the_choices_and_keeps_the_words(world, code):
    s, pairing = world["s"], proposed(world)
    form = {"csrf": CSRF, "withdraw_reason": "She found a mentor at her school"}
    if code is not None:
        form["reason_code"] = code
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/pairings/{pairing['id']}/withdraw", data=form)
    assert refused.status_code == 422
    assert not s.calls_to("matching", "POST")
    withdrawing = withdraw_form(refused.text, pairing)
    assert '<fieldset aria-describedby="withdraw_code-error">' in withdrawing
    assert '<p class="field-error" id="withdraw_code-error">Give a reason.</p>' in withdrawing
    assert ">She found a mentor at her school</textarea>" in withdrawing
    assert "checked" not in withdrawing
    assert "field-error" not in reassign_form(refused.text, pairing), "the other form is left as it was"


async def test_a_reason_code_matching_refuses_is_worded_next_to_the_choices_which_stay_chosen(world):
    s, pairing = world["s"], proposed(world)
    s.refuse[("POST", f"/v1/pairings/{pairing['id']}/withdraw")] = (422, "invalid_request", "reason_code")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/pairings/{pairing['id']}/withdraw",
                                  data={"csrf": CSRF, "reason_code": "not_a_good_fit", "withdraw_reason": "Too far",
                                        "confirm": "yes"})
    assert refused.status_code == 422
    withdrawing = withdraw_form(refused.text, pairing)
    assert 'id="withdraw_code-error">Something in the form is not right; please check it.</p>' in withdrawing
    assert 'value="not_a_good_fit" checked' in withdrawing and ">Too far</textarea>" in withdrawing


async def test_words_matching_refuses_are_worded_next_to_them_and_kept(world):
    s, pairing = world["s"], proposed(world)
    s.refuse[("POST", f"/v1/pairings/{pairing['id']}/withdraw")] = (422, "invalid_request", "reason")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/pairings/{pairing['id']}/withdraw",
                                  data={"csrf": CSRF, "reason_code": "other", "withdraw_reason": "Moved away",
                                        "confirm": "yes"})
    assert refused.status_code == 422
    withdrawing = withdraw_form(refused.text, pairing)
    assert 'id="withdraw_reason-error">Something in the form is not right; please check it.</p>' in withdrawing
    assert ('aria-invalid="true" aria-describedby="withdraw_reason-hint withdraw_reason-error">Moved away</textarea>'
            in withdrawing)


async def test_a_proposal_accepted_meanwhile_is_not_withdrawn_and_the_page_says_why_with_what_it_now_offers(world):
    s, pairing = world["s"], world["pairing"]  # both accepted before the coordinator's form was sent: active
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/pairings/{pairing['id']}/withdraw",
                                  data={"csrf": CSRF, "reason_code": "not_a_good_fit", "withdraw_reason": "Too far",
                                        "confirm": "yes"})
    assert refused.status_code == 409
    assert s.calls_to("matching", "POST")[-1].path == f"/v1/pairings/{pairing['id']}/withdraw"
    assert pairing["status"] == "active"
    assert ('<div class="notice error" role="alert" data-focus tabindex="-1"><p>This proposal can no longer be '
            "withdrawn: it has been accepted or has closed meanwhile.</p></div>") in refused.text
    assert f'action="/console/pairings/{pairing["id"]}/end"' in refused.text, "what can be done now"


async def test_a_refusal_of_a_proposal_still_waiting_is_said_at_the_top_and_the_form_keeps_what_was_given(world):
    s, pairing = world["s"], proposed(world)
    s.refuse[("POST", f"/v1/pairings/{pairing['id']}/withdraw")] = (409, "transition_not_allowed", "pairing_id")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/pairings/{pairing['id']}/withdraw",
                                  data={"csrf": CSRF, "reason_code": "other", "withdraw_reason": "Too far", "confirm": "yes"})
    assert refused.status_code == 409
    assert "This proposal can no longer be withdrawn" in refused.text
    assert ">Too far</textarea>" in withdraw_form(refused.text, pairing) and 'value="other" checked' in refused.text


async def test_another_chapters_proposal_is_not_found_and_not_withdrawn(world):
    s = world["s"]
    other = s.pairing(world["other_program"], world["stranger"], s.person("Dr. Zed Far", s.other_chapter),
                      status="proposed")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/pairings/{other['id']}/withdraw",
                                  data={"csrf": CSRF, "reason_code": "other", "confirm": "yes"})
    assert refused.status_code == 404
    assert other["status"] == "proposed"


async def test_withdrawing_needs_the_pages_csrf_token(world):
    pairing = proposed(world)
    async with as_(world, "coordinator")[0] as page:
        with pytest.raises(CsrfRefused):
            await page.post(f"/console/pairings/{pairing['id']}/withdraw",
                            data={"csrf": "forged", "reason_code": "other"})
    assert not world["s"].calls_to("matching", "POST")


async def test_proposing_another_mentor_instead_withdraws_the_proposal_and_opens_the_new_one(world):
    s, pairing = world["s"], proposed(world)
    other = s.person("Dr. Omar Diaz")
    async with as_(world, "coordinator")[0] as page:
        moved = await page.post(f"/console/pairings/{pairing['id']}/reassign",
                                data={"csrf": CSRF, "mentor_id": other["id"], "reason": "Closer to home"})
        assert moved.status_code == 303
        new = moved.headers["location"]
        assert new.endswith("?done=reassigned") and pairing["id"] not in new
        text = (await page.get(new)).text
        old = " ".join((await page.get(f"/console/pairings/{pairing['id']}")).text.split())
    call = s.calls_to("matching", "POST")[-1]
    assert call.path == f"/v1/pairings/{pairing['id']}/reassign"
    assert call.body == {"mentor_id": other["id"], "reason": "Closer to home"}
    assert "The mentee is proposed to the new mentor." in text and "Dr. Omar Diaz" in text
    assert "<dt>Why it closed</dt><dd>A coordinator reassigned the mentee</dd>" in old


async def test_proposing_another_mentor_without_a_mentor_or_reason_asks_for_them_on_the_proposals_page(world):
    pairing = proposed(world)
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/pairings/{pairing['id']}/reassign",
                                  data={"csrf": CSRF, "mentor_id": "", "reason": ""})
    assert refused.status_code == 422
    moving = reassign_form(refused.text, pairing)
    assert 'id="mentor_id-error">Choose a mentor.</p>' in moving and 'id="reason-error">Give a reason.</p>' in moving
    assert "field-error" not in withdraw_form(refused.text, pairing)


async def test_the_audit_trail_words_a_withdrawn_proposal(world):
    s, pairing = world["s"], proposed(world)
    s.audit["matching"] = [{"id": 1, "at": "2026-03-05T12:00:00+00:00", "actor": world["coordinator"]["id"],
                            "actor_role": "coordinator", "action": "pairing.withdrawn", "subject_kind": "pairing",
                            "subject_id": pairing["id"], "chapter_id": s.chapter, "detail": {},
                            "correlation_id": None}]
    async with as_(world, "admin")[0] as page:
        text = (await page.get("/console/audit")).text
    assert "Withdrew a proposal" in text.split("<tbody>")[1]


ENGLISH = ("Propose another mentor instead", "This proposal is withdrawn with your reason",
           "Withdraw this proposal", "Why withdraw it?", "In your words (optional)", "Kept in the audit trail.",
           "Both are emailed that the program withdrew it", "Not a good fit", "Schedules do not allow it",
           "Someone is no longer available", "Another reason", "Propose this mentor instead", "Give a reason.",
           "The proposal is withdrawn", "Withdrawn by a coordinator", "can no longer be withdrawn",
           "request to this mentor", "Yes, withdraw", "Keep the proposal", "it cannot be undone", ">Withdrawn<")


async def test_a_proposal_its_forms_errors_and_outcome_are_all_said_in_spanish(world):
    pairing = proposed(world)
    async with as_(world, "coordinator", "es")[0] as page:
        shown = (await page.get(f"/console/pairings/{pairing['id']}")).text
        refused = (await page.post(f"/console/pairings/{pairing['id']}/withdraw",
                                   data={"csrf": CSRF, "withdraw_reason": "Se mudó"})).text
        asked = (await page.post(f"/console/pairings/{pairing['id']}/withdraw",
                                 data={"csrf": CSRF, "reason_code": "not_a_good_fit"})).text
        done = await page.post(f"/console/pairings/{pairing['id']}/withdraw",
                               data={"csrf": CSRF, "reason_code": "not_a_good_fit", "confirm": "yes"})
        withdrawn = (await page.get(done.headers["location"])).text
        again = (await page.post(f"/console/pairings/{pairing['id']}/withdraw",
                                 data={"csrf": CSRF, "reason_code": "other", "confirm": "yes"})).text
        pairing.update(status="requested", closed_reason=None, closed_by=None)
        requested = (await page.get(f"/console/pairings/{pairing['id']}")).text
    for name, text in (("shown", shown), ("refused", refused), ("asked", asked), ("withdrawn", withdrawn),
                       ("again", again), ("requested", requested)):
        assert '<html lang="es">' in text
        assert [words for words in ENGLISH if words in text] == [], name
    assert "Proponer otra persona mentora en su lugar" in shown and "Retirar esta propuesta" in shown
    assert "Indica un motivo." in refused
    assert "La propuesta está retirada: ambas personas reciben un correo." in withdrawn
    assert "Retirada por la coordinación: No encajaban bien" in withdrawn
    assert "<dt>Estado</dt><dd>Retirada</dd>" in withdrawn
    assert "Esta propuesta ya no se puede retirar" in again


async def test_a_reassignment_says_what_the_coordinator_saw_so_a_proposal_accepted_meanwhile_is_not_ended(world):
    s, pairing = world["s"], proposed(world)
    other = s.person("Dr. Omar Diaz")
    async with as_(world, "coordinator")[0] as page:
        form = reassign_form((await page.get(f"/console/pairings/{pairing['id']}")).text, pairing)
        assert '<input type="hidden" name="expected_status" value="proposed">' in form
        pairing.update(status="active", mentor_accepted=True)  # both accepted while the coordinator chose
        refused = await page.post(f"/console/pairings/{pairing['id']}/reassign",
                                  data={"csrf": CSRF, "mentor_id": other["id"], "reason": "Closer to home",
                                        "expected_status": "proposed"})
    assert refused.status_code == 409
    assert s.calls_to("matching", "POST")[-1].body == {"mentor_id": other["id"], "reason": "Closer to home",
                                                      "expected_status": "proposed"}
    assert pairing["status"] == "active"
    assert ('<div class="notice error" role="alert" data-focus tabindex="-1"><p>This mentorship changed meanwhile: '
            "it was accepted or closed, so nothing was done. The page shows what you can do now.</p></div>") in refused.text
    assert ">Closer to home</textarea>" in reassign_form(refused.text, pairing), "what was typed is kept"


async def test_reasons_typed_on_several_lines_reach_matching_on_one(world):
    s, pairing = world["s"], world["pairing"]
    other = s.person("Dr. Omar Diaz")
    async with as_(world, "coordinator")[0] as page:
        await page.post(f"/console/pairings/{pairing['id']}/reassign",
                        data={"csrf": CSRF, "mentor_id": other["id"], "reason": "Closer\r\nto home"})
        assert s.calls_to("matching", "POST")[-1].body["reason"] == "Closer to home"
        pairing.update(status="active")
        await page.post(f"/console/pairings/{pairing['id']}/end",
                        data={"csrf": CSRF, "reason_code": "conduct", "end_reason": "Missed\nthree  meetings",
                              "confirm": "yes"})
        assert s.calls_to("matching", "POST")[-1].body["reason"] == "Missed three meetings"


async def test_a_mentorship_closed_meanwhile_is_not_ended_and_the_page_says_so_at_its_top(world):
    s, pairing = world["s"], world["pairing"]
    s.refuse[("POST", f"/v1/pairings/{pairing['id']}/end")] = (409, "transition_not_allowed", "pairing_id")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/pairings/{pairing['id']}/end",
                                  data={"csrf": CSRF, "reason_code": "conduct", "end_reason": "No-shows",
                                        "confirm": "yes"})
    assert refused.status_code == 409
    assert '<div class="notice error" role="alert" data-focus tabindex="-1"><p>This mentorship changed meanwhile' in refused.text
