"""A program that does not ask both sides to accept (profiles' `both_must_accept` false, the default) confirms a round's
proposal as soon as either side accepts, and a pair a coordinator made by hand as soon as its mentee accepts: its
mentor is not asked to answer by a moment as if it waited for her."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.service_layer import handlers

from .test_what_people_receive import NOW, new_uow, person, sent

STARTS_WITHOUT_HER = {
    "en": "Into Medical School does not wait for both answers: the mentorship starts as soon as the proposed mentee "
          "accepts, even before you answer. If you cannot take it on, decline it as soon as you can",
    "es": "Into Medical School no espera las dos respuestas: la mentoría empieza en cuanto la persona mentorada "
          "propuesta acepta, aunque tú aún no hayas respondido. Si no puedes asumirla, recházala cuanto antes",
}
ASKED_AS_BEFORE = {"en": "Please accept or decline by", "es": "Por favor, acepta o rechaza a más tardar el"}


async def _told(both_must_accept: bool | None, how: str, language: str = "en", requested: bool = False,
                answer_by: bool = True) -> dict[str, str]:
    """What the mentee and the mentor of a proposal in Into Medical School read, each text on one line, when the
    program says `both_must_accept` (None: it was defined before notifications kept it)."""
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor", language=language)
    mentor = await person(uow, "Ana Reyes", language=language)
    program = uuid4()
    if both_must_accept is None:
        await uow.notifications.save_program(program, None, "Into Medical School", 30, 60, "on_registration",
                                             members_public=True)
    else:
        await handlers.program_defined(pr.ProgramDefinedV5(
            program_id=program, chapter_id=None, name="Into Medical School", mentee_stages=["undergraduate"],
            mentor_stages=["resident"], pairing_mode="on_registration", both_must_accept=both_must_accept,
            members_public=True), uow)
    pair = dict(pairing_id=uuid4(), program_id=program, chapter_id=None, mentee_id=mentee, mentor_id=mentor)
    if how == "proposed" and answer_by:
        await handlers.pairing_proposed(ma.PairingProposedV6(**pair, score=80, reason_codes=[],
                                                             requested_by_mentee=requested,
                                                             answer_by=NOW + timedelta(days=7)), uow)
    elif how == "proposed":
        await handlers.pairing_proposed(ma.PairingProposedV5(**pair, score=80, reason_codes=[],
                                                             requested_by_mentee=requested), uow)
    else:
        await handlers.answer_due(ma.AnswerDueV2(**pair, answer_by=NOW + timedelta(days=3),
                                                 awaiting=["mentee", "mentor"], requested_by_mentee=requested,
                                                 paused_if_it_lapses=[]), uow)
    emails = {m.to: " ".join(m.text.split()) for m in await sent(uow)}
    return {role: emails[uow.notifications.contacts[someone]["email"]]
            for role, someone in (("mentee", mentee), ("mentor", mentor))}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("how", ["proposed", "reminded"])
async def test_a_mentor_in_a_program_that_waits_for_no_second_answer_is_told_it_starts_once_the_mentee_accepts(
        how, language):
    told = await _told(False, how, language)

    assert STARTS_WITHOUT_HER[language] in told["mentor"], told["mentor"]
    assert ASKED_AS_BEFORE[language] not in told["mentor"], told["mentor"]
    assert "lapses" not in told["mentor"] and "caduca" not in told["mentor"], told["mentor"]


async def test_a_mentor_told_it_starts_once_the_mentee_accepts_is_still_told_by_when_to_decline():
    told = await _told(False, "proposed")

    assert "decline it as soon as you can, by Wed, Mar 10, 2027, 9:00" in told["mentor"], told["mentor"]


async def test_a_mentor_of_a_proposal_that_said_no_time_is_told_it_starts_once_the_mentee_accepts_without_a_time():
    told = await _told(False, "proposed", answer_by=False)

    assert STARTS_WITHOUT_HER["en"] + "." in told["mentor"], told["mentor"]
    assert "Please accept or decline the proposal." not in told["mentor"], told["mentor"]


@pytest.mark.parametrize("both_must_accept", [True, None], ids=["both must accept", "defined before it was kept"])
@pytest.mark.parametrize("how", ["proposed", "reminded"])
async def test_a_mentor_in_a_program_that_asks_both_or_whose_rule_is_unknown_is_asked_to_answer_as_before(
        both_must_accept, how):
    told = await _told(both_must_accept, how)

    assert "Please accept or decline by" in told["mentor"] and "Unanswered by then, it lapses." in told["mentor"]
    assert "does not wait for both answers" not in told["mentor"], told["mentor"]


@pytest.mark.parametrize("how", ["proposed", "reminded"])
async def test_the_mentee_and_a_mentor_a_mentee_asked_are_told_as_before_where_the_program_waits_for_no_second_answer(
        how):
    proposed, requested = await _told(False, how), await _told(False, how, requested=True)

    assert "Unanswered by then, it lapses and we look for another mentor for you." in proposed["mentee"]
    assert "Unanswered by then, the request lapses and they can ask another mentor." in requested["mentor"]
    assert not any("does not wait for both answers" in text
                   for text in (proposed["mentee"], requested["mentee"], requested["mentor"]))


@pytest.mark.parametrize("both_must_accept", [True, False])
async def test_a_programs_definition_keeps_whether_both_sides_must_accept_and_a_new_one_replaces_it(both_must_accept):
    uow = new_uow()
    defined = dict(program_id=uuid4(), chapter_id=None, name="Into Medical School", mentee_stages=["undergraduate"],
                   mentor_stages=["resident"])
    await handlers.program_defined(pr.ProgramDefined(**defined, both_must_accept=not both_must_accept), uow)
    await handlers.program_defined(pr.ProgramDefinedV5(**defined, both_must_accept=both_must_accept), uow)

    assert uow.notifications.programs[defined["program_id"]]["both_must_accept"] is both_must_accept


@pytest.mark.parametrize(("language", "said"), [("en", "It starts as soon as you accept."),
                                                 ("es", "Empieza en cuanto aceptes.")])
async def test_the_mentee_of_a_proposal_that_starts_on_one_answer_is_told_her_yes_starts_it(language, said):
    # Lucía accepted and it was active at once, her mentor never having answered: nothing had said so.
    starts_on_hers, waits_for_both = await _told(False, "proposed", language), await _told(True, "proposed", language)

    assert said in starts_on_hers["mentee"], starts_on_hers["mentee"]
    assert said not in waits_for_both["mentee"] and said not in starts_on_hers["mentor"]
