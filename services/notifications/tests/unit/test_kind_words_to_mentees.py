"""What a mentee is told when a mentor will not (or no longer) mentor them: many are new to medicine and
under-represented in it, and "the mentor declined", "Ana Reyes ended your mentorship" read as a rejection of them. They
are told what happened without a reason and without naming a mentor never met, that it is not about them where that is
true, and what comes next."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from mentorship_contracts import matching as ma
from notifications.service_layer import handlers

from .samples import WEB
from .test_what_people_receive import a_program, flat, new_uow, person, sent

# Not "or fit": a mentee of 17 reads "fit" as being about them, which is what this sentence is there to deny.
NOT_ABOUT_YOU = {
    "en": "This happens because of a mentor's time or circumstances, not because of anything about you.",
    "es": "Esto se debe al tiempo o a las circunstancias de la persona mentora, no a nada que tenga que ver contigo.",
}
TOO_BUSY = {
    "en": "Mentors are sometimes too busy to answer in time; it is not because of anything about you.",
    "es": "A veces las personas mentoras no alcanzan a responder a tiempo por sus ocupaciones; no tiene nada que ver "
          "contigo.",
}
STAYS = {"en": "You stay in the program, and we will look for another mentor for you.",
         "es": "Sigues en el programa y buscaremos otra persona mentora para ti."}
# How a rejection reads, in either language: never said to a mentee of what a mentor did.
REJECTING = ("declined", "rejected", "ended your mentorship", "rechazó", "terminó su mentoría")


async def pair(language: str, pairing_mode: str = "on_registration"):
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor", language=language)
    mentor = await person(uow, "Ana Reyes", language=language)
    program = await a_program(uow, pairing_mode)
    await sent(uow)
    return uow, dict(pairing_id=uuid4(), program_id=program, chapter_id=None, mentee_id=mentee, mentor_id=mentor)


async def to_each(uow, facts):
    told = {m.to: m for m in await sent(uow)}
    return (told.get(uow.notifications.contacts[facts[side]]["email"]) for side in ("mentee_id", "mentor_id"))


@pytest.mark.parametrize("reason_code", ["not_a_good_fit", "schedule_conflict", "no_reason_given"])
@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentee_whose_proposed_mentor_declined_is_told_kindly_it_cannot_go_ahead_and_what_comes_next(
        language, reason_code):
    uow, facts = await pair(language)
    await handlers.pairing_declined(ma.PairingDeclinedV2(**facts, declined_by="mentor", reason_code=reason_code), uow)

    to_mentee, _ = await to_each(uow, facts)
    text = flat(to_mentee.text)
    said = {"en": ["The mentorship proposed to you in Pick your mentor cannot go ahead: the mentor is not able to take "
                   "it on.", NOT_ABOUT_YOU["en"], STAYS["en"]],
            "es": ["La mentoría que te propusimos en Pick your mentor no podrá seguir adelante: la persona mentora no "
                   "puede asumirla.", NOT_ABOUT_YOU["es"], STAYS["es"]]}[language]
    assert all(sentence in text for sentence in said), text
    assert text.index(said[0]) < text.index(said[1]) < text.index(said[2])
    assert to_mentee.subject == {"en": "A proposed pairing in Pick your mentor will not go ahead",
                                 "es": "Una mentoría propuesta en Pick your mentor no seguirá adelante"}[language]
    assert f"{WEB}/programs/{facts['program_id']}" in to_mentee.text
    assert not any(word in text.lower() for word in REJECTING), text
    assert "Ana" not in text and reason_code not in text


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentee_whose_request_the_mentor_declined_is_told_kindly_and_that_they_can_ask_another(language):
    uow, facts = await pair(language, "mentee_choice")
    await handlers.pairing_proposed(ma.PairingProposedV5(**facts, score=80, reason_codes=[], requested_by_mentee=True),
                                    uow)
    await sent(uow)
    await handlers.pairing_declined(ma.PairingDeclinedV2(**facts, declined_by="mentor", reason_code="not_a_good_fit"),
                                    uow)

    to_mentee, to_mentor = await to_each(uow, facts)
    text = flat(to_mentee.text)
    subject, said = {
        "en": ("Your request in Pick your mentor will not go ahead",
               ["The mentor you asked in Pick your mentor is not able to take on your request.", NOT_ABOUT_YOU["en"],
                "You stay in the program, and can ask another mentor."]),
        "es": ("Tu solicitud en Pick your mentor no seguirá adelante",
               ["La persona mentora a la que pediste en Pick your mentor no puede aceptar tu solicitud.",
                NOT_ABOUT_YOU["es"], "Sigues en el programa y puedes pedírselo a otra persona mentora."]),
    }[language]
    assert to_mentee.subject == subject
    assert all(sentence in text for sentence in said), text
    assert not any(word in text.lower() for word in REJECTING) and "Ana" not in text
    # The mentor, who declined, reads it as their own answer, as before.
    assert to_mentor.subject == {"en": "A request in Pick your mentor was declined",
                                 "es": "Se rechazó una solicitud en Pick your mentor"}[language]


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentor_whose_proposed_mentee_declined_is_told_they_chose_not_to_go_ahead_without_the_word(language):
    uow, facts = await pair(language)
    await handlers.pairing_declined(ma.PairingDeclinedV2(**facts, declined_by="mentee", reason_code="not_a_good_fit"),
                                    uow)

    to_mentee, to_mentor = await to_each(uow, facts)
    said = {"en": ["The mentee proposed to you in Pick your mentor has chosen not to go ahead with this mentorship.",
                   "We will propose another mentee to you when one fits."],
            "es": ["La persona mentorada que te propusimos en Pick your mentor decidió no seguir adelante con esta "
                   "mentoría.", "Te propondremos a otra persona mentorada cuando haya una adecuada."]}[language]
    text = flat(to_mentor.text)
    assert all(sentence in text for sentence in said), text
    assert not any(word in text.lower() for word in REJECTING) and "Sam" not in text
    # The mentee declined themselves: told so, without being told it is not about them.
    assert NOT_ABOUT_YOU[language] not in flat(to_mentee.text)


@pytest.mark.parametrize("requested", [False, True])
@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentee_whose_mentor_did_not_answer_in_time_is_told_it_is_not_about_them_and_what_comes_next(
        language, requested):
    uow, facts = await pair(language, "mentee_choice" if requested else "on_registration")
    await handlers.pairing_lapsed(ma.PairingLapsedV3(**facts, reason_code="unanswered", awaiting=["mentor"],
                                                     requested_by_mentee=requested), uow)

    to_mentee, to_mentor = await to_each(uow, facts)
    text = flat(to_mentee.text)
    first = {("en", False): "The mentorship proposed to you in Pick your mentor has lapsed: the mentor did not answer "
                            "in time.",
             ("es", False): "La mentoría que te propusimos en Pick your mentor caducó: la persona mentora no respondió "
                            "a tiempo.",
             ("en", True): "Your request to a mentor in Pick your mentor was not answered in time, so it has lapsed.",
             ("es", True): "Tu solicitud a una persona mentora en Pick your mentor no recibió respuesta a tiempo, así "
                           "que ha caducado."}[language, requested]
    then = {("en", False): "You stay in the program, and can be paired with another mentor.",
            ("es", False): "Sigues en el programa, y se te puede asignar otra persona mentora.",
            ("en", True): "You stay in the program, and can ask another mentor.",
            ("es", True): "Sigues en el programa y puedes pedírselo a otra persona mentora."}[language, requested]
    assert text.index(first) < text.index(TOO_BUSY[language]) < text.index(then), text
    assert "Ana" not in text
    assert TOO_BUSY[language] not in flat(to_mentor.text)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentee_who_did_not_answer_a_proposal_themselves_is_not_told_it_is_not_about_them(language):
    uow, facts = await pair(language)
    await handlers.pairing_lapsed(ma.PairingLapsedV3(**facts, reason_code="unanswered", awaiting=["mentee"],
                                                     requested_by_mentee=False), uow)

    to_mentee, _ = await to_each(uow, facts)
    assert TOO_BUSY[language] not in flat(to_mentee.text) and NOT_ABOUT_YOU[language] not in flat(to_mentee.text)


STEPPED_BACK = {"en": "Ana Reyes has stepped back as your mentor in Pick your mentor, so your mentorship has ended.",
                "es": "Ana Reyes ya no seguirá como tu persona mentora en Pick your mentor, así que tu mentoría "
                      "terminó."}


@pytest.mark.parametrize("reason_code", ["schedule_conflict", "no_longer_available", "relocated", "not_a_good_fit"])
@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentee_whose_mentor_stepped_back_is_told_it_is_not_about_them_and_what_comes_next(
        language, reason_code):
    uow, facts = await pair(language)
    await handlers.pairing_ended(ma.PairingEndedV2(**facts, ended_by="mentor", reason_code=reason_code), uow)

    to_mentee, to_mentor = await to_each(uow, facts)
    text = flat(to_mentee.text)
    said = [STEPPED_BACK[language], NOT_ABOUT_YOU[language], STAYS[language]]
    assert text.index(said[0]) < text.index(said[1]) < text.index(said[2]), text
    assert to_mentee.subject == {"en": "Your mentorship with Ana Reyes has ended",
                                 "es": "Tu mentoría con Ana Reyes terminó"}[language]
    assert not any(word in text.lower() for word in REJECTING), text
    assert f"{WEB}/mentorships/{facts['pairing_id']}/feedback" in to_mentee.text
    # The mentor, who ended it, reads it as their own doing; nothing of the mentee's reassurance.
    assert {"en": "You ended your mentorship with Sam Okafor in Pick your mentor.",
            "es": "Terminaste tu mentoría con Sam Okafor en Pick your mentor."}[language] in flat(to_mentor.text)
    assert NOT_ABOUT_YOU[language] not in flat(to_mentor.text)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentee_whose_mentor_left_the_program_is_told_so_and_that_it_is_not_about_them(language):
    uow, facts = await pair(language)
    await handlers.pairing_ended(ma.PairingEndedV2(**facts, ended_by="mentor", reason_code="withdrawn"), uow)

    to_mentee, _ = await to_each(uow, facts)
    text = flat(to_mentee.text)
    left = {"en": "Ana Reyes has left Pick your mentor, so your mentorship has ended.",
            "es": "Ana Reyes salió de Pick your mentor, así que tu mentoría terminó."}[language]
    assert text.index(left) < text.index(NOT_ABOUT_YOU[language]) < text.index(STAYS[language]), text
    assert not any(word in text.lower() for word in REJECTING), text


@pytest.mark.parametrize("reason_code", ["conduct", "not_responding", "other"])
@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentee_whose_mentor_stepped_back_for_a_reason_that_may_be_about_them_is_not_told_it_is_not(
        language, reason_code):
    """Their conduct reported, or their silence: "not about you" would be untrue, and "other" may be either. The
    ending is said as gently, and the reason not at all (the mentee's notification does not keep it)."""
    uow, facts = await pair(language)
    await handlers.pairing_ended(ma.PairingEndedV2(**facts, ended_by="mentor", reason_code=reason_code), uow)

    to_mentee, _ = await to_each(uow, facts)
    text = flat(to_mentee.text)
    assert STEPPED_BACK[language] in text and STAYS[language] in text
    assert NOT_ABOUT_YOU[language] not in text
    assert not any(word in text.lower() for word in REJECTING), text
    [kept] = [r["n"] for r in uow.notifications.rows.values()
              if r["n"].person_id == facts["mentee_id"] and r["n"].kind == "pairing_ended"]
    assert reason_code not in str(kept.parameters)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentee_whose_mentor_closed_it_with_its_goals_met_is_told_it_ended_not_that_the_mentor_ended_it(
        language):
    uow, facts = await pair(language)
    await handlers.pairing_ended(ma.PairingEndedV2(**facts, ended_by="mentor", reason_code="goals_met"), uow)

    to_mentee, _ = await to_each(uow, facts)
    text = flat(to_mentee.text)
    assert {"en": "Your mentorship with Ana Reyes in Pick your mentor has ended. Its goals were met",
            "es": "Tu mentoría con Ana Reyes en Pick your mentor terminó. Se cumplieron sus objetivos"}[language] in text
    assert STEPPED_BACK[language] not in text and NOT_ABOUT_YOU[language] not in text
    assert not any(word in text.lower() for word in REJECTING), text


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentee_whose_mentor_left_the_platform_is_told_it_is_not_about_them(language):
    uow, facts = await pair(language)
    await handlers.pairing_confirmed(ma.PairingConfirmedV4(**facts, score=80, reason_codes=[], pairing_kind="general",
                                                           term_ends_at=uow.notifications.clock().replace(year=2028)),
                                     uow)
    await sent(uow)
    await handlers.pairing_ended(ma.PairingEndedV2(**facts, ended_by="mentor", reason_code="person_erased"), uow)

    to_mentee, _ = await to_each(uow, facts)
    text = flat(to_mentee.text)
    gone = {"en": "Your mentor has left the platform, so your mentorship in Pick your mentor has ended.",
            "es": "Tu persona mentora dejó la plataforma, así que tu mentoría en Pick your mentor terminó."}[language]
    assert text.index(gone) < text.index(NOT_ABOUT_YOU[language]) < text.index(STAYS[language]), text


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_message_tells_a_mentee_it_was_about_fit(language):
    """Whatever the sentence's context, "fit" (or "cómo encaja") reads to a young mentee as something about them."""
    from notifications.adapters.i18n import LOCALE_DIR

    catalogue = (LOCALE_DIR / ("messages.pot" if language == "en" else "es/LC_MESSAGES/messages.po")).read_text()
    for block in catalogue.split("\n\n"):
        if "anything about you" in block or "tenga que ver contigo" in block:
            assert not re.search(r"\bfit\b|encaj", block), block
