"""Where mentees choose their mentor, a mentee may have several requests waiting; once one mentor accepts, matching
lapses the others (`another_request_accepted`). Each mentor whose request closed had been asked to "accept or decline
it by" a date: they are told, kindly and naming nobody (the mentee was never named to them), that it is closed and
there is nothing to do. The mentee is not sent one message per closed request: the email saying she has been paired
says that her other waiting requests were closed."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from mentorship_contracts import matching as ma
from notifications.service_layer import handlers

from .test_what_people_receive import NOW, a_program, flat, new_uow, person, sent

CLOSED = {
    "en": ("A request in Pick your mentor has closed",
           ["The mentee who asked you in Pick your mentor has found a mentor, so their request to you is closed. "
            "There is nothing you need to do.", "Thank you for considering their request."]),
    "es": ("Se cerró una solicitud en Pick your mentor",
           ["La persona mentorada que te lo pidió en Pick your mentor ya encontró a su persona mentora, así que su "
            "solicitud se cerró. No tienes que hacer nada.", "Gracias por considerar su solicitud."]),
}
OTHERS_CLOSED = {
    ("en", 1): "Your other request in Pick your mentor, still waiting for an answer, is now closed: there is nothing "
               "you need to do about it.",
    ("en", 2): "Your 2 other requests in Pick your mentor, still waiting for an answer, are now closed: there is "
               "nothing you need to do about them.",
    ("es", 1): "Tu otra solicitud en Pick your mentor, que seguía esperando respuesta, ya se cerró: no tienes que "
               "hacer nada al respecto.",
    ("es", 2): "Tus otras 2 solicitudes en Pick your mentor, que seguían esperando respuesta, ya se cerraron: no "
               "tienes que hacer nada al respecto.",
}


async def requests(language: str, mentors: int):
    """A mentee of a program where mentees choose, who asked `mentors` mentors; the emails of the asking sent."""
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor", language=language)
    program = await a_program(uow, "mentee_choice")
    asked = []
    for name in ("Ana Reyes", "Bo Lindqvist", "Cy Mensah")[:mentors]:
        pair = dict(pairing_id=uuid4(), program_id=program, chapter_id=None, mentee_id=mentee,
                    mentor_id=await person(uow, name, language=language))
        await handlers.pairing_proposed(ma.PairingProposedV6(**pair, score=80, reason_codes=[], requested_by_mentee=True,
                                                             answer_by=NOW + timedelta(days=7)), uow)
        asked.append(pair)
    await sent(uow)
    return uow, asked


async def accepted(uow, asked, first: int = 0):
    """What matching publishes as one mentor accepts: the pairing confirmed, then each other request lapsed."""
    await handlers.pairing_confirmed(ma.PairingConfirmedV4(**asked[first], score=80, reason_codes=[],
                                                           pairing_kind="general",
                                                           term_ends_at=NOW + timedelta(days=365)), uow)
    for pair in asked[:first] + asked[first + 1:]:
        await handlers.pairing_lapsed(ma.PairingLapsedV3(**pair, reason_code="another_request_accepted",
                                                         awaiting=["mentor"], requested_by_mentee=True), uow)
    return {m.to: m for m in await sent(uow)}


def email_of(uow, person_id):
    return uow.notifications.contacts[person_id]["email"]


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentor_whose_request_closed_as_another_accepted_is_told_kindly_there_is_nothing_to_do(language):
    uow, asked = await requests(language, 2)
    told = await accepted(uow, asked)

    to_closed = told[email_of(uow, asked[1]["mentor_id"])]
    subject, said = CLOSED[language]
    assert to_closed.subject == subject
    text = flat(to_closed.text)
    assert all(sentence in text for sentence in said), text
    assert text.index(said[0]) < text.index(said[1])
    # Nobody named: not the mentee (never named to this mentor), nor the mentor she is paired with.
    assert "Sam" not in text and "Okafor" not in text and "Ana" not in text
    # Nothing to answer any more: no button to accept or decline, no date to do it by.
    assert "Accept or decline" not in text and "Acepta o rechaza" not in text and "lapse" not in text.lower()
    # Kept in the mentor's inbox too, with nothing of the mentee's but the pairing it is about.
    [kept] = [row["n"] for row in uow.notifications.rows.values() if row["n"].person_id == asked[1]["mentor_id"]
              and row["n"].parameters.get("pairing_id") == str(asked[1]["pairing_id"])
              and row["n"].kind != "pairing_proposed"]
    assert kept.parameters.get("another_accepted") is True


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("mentors", [2, 3])
async def test_a_mentee_paired_from_one_of_her_requests_is_told_in_that_email_that_the_others_closed(language,
                                                                                                  mentors):
    uow, asked = await requests(language, mentors)
    told = await accepted(uow, asked, first=1)

    # One email to the mentee, the pairing's: nothing sent per request closed.
    to_mentee = [m for m in told.values() if m.to == email_of(uow, asked[0]["mentee_id"])]
    assert len(to_mentee) == 1
    text = flat(to_mentee[0].text)
    assert "Bo Lindqvist" in to_mentee[0].subject
    assert OTHERS_CLOSED[language, mentors - 1] in text, text
    # Every other mentor asked is told their request closed.
    for pair in asked[:1] + asked[2:]:
        assert told[email_of(uow, pair["mentor_id"])].subject == CLOSED[language][0]


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentee_paired_from_her_only_request_waiting_is_told_of_no_other(language):
    uow, asked = await requests(language, 3)
    # The first mentor declined her request, and she withdrew the second: only the third still waits.
    await handlers.pairing_declined(ma.PairingDeclinedV3(**asked[0], declined_by="mentor",
                                                         reason_code="schedule_conflict"), uow)
    await handlers.pairing_declined(ma.PairingDeclinedV3(**asked[1], declined_by="mentee",
                                                         reason_code="request_withdrawn"), uow)
    await sent(uow)
    told = await accepted(uow, asked[2:])

    text = flat(told[email_of(uow, asked[0]["mentee_id"])].text)
    assert not any(sentence in text for sentence in OTHERS_CLOSED.values()), text
    assert "other request" not in text and "otra solicitud" not in text and "otras" not in text


async def test_a_mentee_paired_on_a_proposal_is_told_of_no_requests_closed():
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    pair = dict(pairing_id=uuid4(), program_id=await a_program(uow, "on_registration"), chapter_id=None,
                mentee_id=mentee, mentor_id=mentor)
    await handlers.pairing_confirmed(ma.PairingConfirmedV4(**pair, score=80, reason_codes=[], pairing_kind="general",
                                                           term_ends_at=NOW + timedelta(days=365)), uow)
    text = flat({m.to: m for m in await sent(uow)}[email_of(uow, mentee)].text)
    assert "other request" not in text


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_request_lapsed_unanswered_still_tells_the_mentor_they_did_not_answer(language):
    """Only `another_request_accepted` reads as the mentee having found a mentor."""
    uow, asked = await requests(language, 1)
    await handlers.pairing_lapsed(ma.PairingLapsedV3(**asked[0], reason_code="unanswered", awaiting=["mentor"],
                                                     requested_by_mentee=True), uow)
    told = {m.to: m for m in await sent(uow)}
    text = flat(told[email_of(uow, asked[0]["mentor_id"])].text)
    assert CLOSED[language][1][0] not in text
    assert {"en": "You did not answer a mentee's request in Pick your mentor in time, so it has lapsed.",
            "es": "No respondiste a tiempo"}[language] in text
