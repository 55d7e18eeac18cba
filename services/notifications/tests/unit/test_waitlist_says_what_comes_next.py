"""A mentee on the waitlist is told what comes next as the program pairs: where both sides accept, or in rounds (whose
pairs start once accepted), a mentor proposed to them to accept, not a mentorship; elsewhere, a mentorship."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.service_layer import handlers

from .test_inbox_after_ones_own_change import new_uow, person
from .test_what_people_receive import flat, sent


async def a_program(uow, **rules) -> UUID:
    program = uuid4()
    await handlers.program_defined(pr.ProgramDefinedV5(
        members_public=True, program_id=program, chapter_id=None, name="Pick your mentor",
        mentee_stages=["undergraduate"], mentor_stages=["resident"], **rules), uow)
    await sent(uow)
    return program


async def waitlisted_in(language: str, **rules) -> str:
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor", language=language)
    program = await a_program(uow, **rules)
    await handlers.mentee_waitlisted(ma.MenteeWaitlistedV4(enrollment_id=uuid4(), program_id=program, chapter_id=None,
                                                           mentee_id=mentee, position=2, pairing_kind="general",
                                                           after_pairing_id=None), uow)
    [told] = await sent(uow)
    return flat(told.text)


@pytest.mark.parametrize("language, said", [
    ("en", "You are number 2 on the waitlist, and we will email you as soon as a mentor is proposed to you, to accept."),
    ("es", "Tienes el número 2 en la lista de espera de persona mentora, y te escribiremos en cuanto te propongamos "
           "una, para que la aceptes.")])
async def test_where_both_sides_accept_a_waiting_mentee_is_promised_a_proposal_to_accept_not_a_pairing(language, said):
    # "We will email you as soon as you are paired": what came was "A proposed mentor for you", to answer.
    text = await waitlisted_in(language, both_must_accept=True)
    assert said in text and "as soon as you are paired" not in text


async def test_where_a_pair_starts_at_once_a_waiting_mentee_is_still_promised_an_email_once_paired():
    text = await waitlisted_in("en", both_must_accept=False)
    assert "You are number 2 on the waitlist, and we will email you as soon as you are paired." in text


@pytest.mark.parametrize("language, said", [
    ("en", "its coordinators run rounds that pair everyone at once, and we will email you as soon as one proposes you "
           "a mentor, to accept."),
    ("es", "su coordinación hace rondas que asignan todas las mentorías a la vez, y te escribiremos en cuanto una te "
           "proponga una persona mentora, para que la aceptes.")])
async def test_in_a_program_of_rounds_a_waiting_mentee_is_promised_a_mentor_proposed_to_accept(language, said):
    text = await waitlisted_in(language, pairing_mode="rounds")
    assert said in text and "as soon as one pairs you" not in text


@pytest.mark.parametrize("rules, said", [
    ({"both_must_accept": True}, "We will email you as soon as a mentee is proposed to you."),
    ({"pairing_mode": "rounds"}, "We will email you as soon as a mentee is proposed to you."),
    ({"both_must_accept": False}, "We will email you as soon as you are paired with a mentee.")])
async def test_an_approved_mentor_is_told_a_mentee_is_proposed_to_them_where_one_is(rules, said):
    uow = new_uow()
    mentor = await person(uow, "Ana Reyes")
    program = await a_program(uow, **rules)
    await handlers.mentor_approved(pr.MentorApprovedV2(enrollment_id=uuid4(), person_id=mentor, program_id=program,
                                                       chapter_id=None), uow)
    [told] = await sent(uow)
    assert said in flat(told.text)
