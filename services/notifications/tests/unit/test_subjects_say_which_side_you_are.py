"""One person may be a mentor in one program and a mentee in another: the subject of a proposal, of the reminder to
answer it and of a new pairing says which they are to be (the body already does), for each side, in both languages,
in the email and in the inbox alike."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.service_layer import handlers, views

from .test_what_people_receive import NOW, POLICY, listed, new_uow, person, sent

PROGRAM = "Into Medical School"


async def a_pair(language: str, members_public: bool = True) -> tuple:
    uow = new_uow()
    mentee = await person(uow, "Jordan Lee", language=language)
    mentor = await person(uow, "Efua Boateng", language=language)
    program = pr.ProgramDefinedV5(program_id=uuid4(), chapter_id=None, name=PROGRAM, mentee_stages=["undergraduate"],
                                  mentor_stages=["resident"], members_public=members_public)
    await handlers.program_defined(program, uow)
    await sent(uow)
    return uow, dict(pairing_id=uuid4(), program_id=program.program_id, chapter_id=None, mentee_id=mentee,
                     mentor_id=mentor)


async def subjects(uow, pair) -> tuple[str, str]:
    """The subject each side's email was given (mentee's, mentor's), checked against their inbox's."""
    told = {m.to: m.subject for m in await sent(uow)}
    said = []
    for side in ("mentee_id", "mentor_id"):
        subject = told[uow.notifications.contacts[pair[side]]["email"]]
        items, _ = await views.inbox(uow, pair[side], False, 10, POLICY, NOW, listed)
        assert subject in [item["subject"] for item in items]
        said.append(subject)
    return said[0], said[1]


@pytest.mark.parametrize(("language", "to_mentee", "to_mentor"), [
    ("en", "Your new mentor: Efua Boateng", "Your new mentee: Jordan Lee"),
    ("es", "Tu nueva persona mentora: Efua Boateng", "Tu nueva persona mentorada: Jordan Lee")])
async def test_a_new_pairing_names_the_partner_as_the_readers_mentor_or_mentee_in_its_subject(
        language, to_mentee, to_mentor):
    uow, pair = await a_pair(language)
    await handlers.pairing_confirmed(ma.PairingConfirmedV4(**pair, score=80, reason_codes=[], pairing_kind="general",
                                                           term_ends_at=NOW + timedelta(days=365)), uow)
    assert await subjects(uow, pair) == (to_mentee, to_mentor)


@pytest.mark.parametrize(("language", "subject"), [
    ("en", "Off the waitlist: your new mentor is Efua Boateng"),
    ("es", "Terminó tu espera: tu nueva persona mentora es Efua Boateng")])
async def test_a_mentee_paired_off_the_waitlist_is_told_in_the_subject_whose_mentee_she_now_is(language, subject):
    uow, pair = await a_pair(language)
    await handlers.mentee_waitlisted(ma.MenteeWaitlistedV4(
        enrollment_id=uuid4(), program_id=pair["program_id"], chapter_id=None, mentee_id=pair["mentee_id"], position=1,
        pairing_kind="general", after_pairing_id=None), uow)
    await sent(uow)
    await handlers.pairing_confirmed(ma.PairingConfirmedV4(**pair, score=80, reason_codes=[], pairing_kind="general",
                                                           term_ends_at=NOW + timedelta(days=365)), uow)
    assert (await subjects(uow, pair))[0] == subject


@pytest.mark.parametrize(("language", "members_public", "to_mentee", "to_mentor"), [
    ("en", True, f"A proposed mentor in {PROGRAM}", f"A proposed mentee in {PROGRAM}"),
    ("en", False, "A proposed mentor for you", "A proposed mentee for you"),
    ("es", True, f"Una persona mentora propuesta en {PROGRAM}", f"Una persona mentorada propuesta en {PROGRAM}"),
    ("es", False, "Una persona mentora propuesta para ti", "Una persona mentorada propuesta para ti")])
async def test_a_proposal_says_in_its_subject_whether_a_mentor_or_a_mentee_is_proposed_to_the_reader(
        language, members_public, to_mentee, to_mentor):
    uow, pair = await a_pair(language, members_public)
    await handlers.pairing_proposed(ma.PairingProposedV6(**pair, score=80, reason_codes=[],
                                                         answer_by=NOW + timedelta(days=14)), uow)
    assert await subjects(uow, pair) == (to_mentee, to_mentor)


@pytest.mark.parametrize(("language", "members_public", "to_mentee", "to_mentor"), [
    ("en", True, f"A proposed mentor in {PROGRAM}: waiting for your answer",
     f"A proposed mentee in {PROGRAM}: waiting for your answer"),
    ("en", False, "A proposed mentor: waiting for your answer", "A proposed mentee: waiting for your answer"),
    ("es", True, f"Una persona mentora propuesta en {PROGRAM}: falta tu respuesta",
     f"Una persona mentorada propuesta en {PROGRAM}: falta tu respuesta"),
    ("es", False, "Una persona mentora propuesta: falta tu respuesta",
     "Una persona mentorada propuesta: falta tu respuesta")])
async def test_a_reminder_to_answer_a_proposal_says_in_its_subject_whether_a_mentor_or_a_mentee_was_proposed(
        language, members_public, to_mentee, to_mentor):
    uow, pair = await a_pair(language, members_public)
    await handlers.answer_due(ma.AnswerDueV2(**pair, answer_by=NOW + timedelta(days=3), awaiting=["mentee", "mentor"],
                                             requested_by_mentee=False, paused_if_it_lapses=[]), uow)
    assert await subjects(uow, pair) == (to_mentee, to_mentor)
