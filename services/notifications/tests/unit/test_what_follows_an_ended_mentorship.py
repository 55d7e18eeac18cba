"""What each side reads of what follows a pairing's closing. A mentee put back on the waitlist (matching says which
closing put them there) is told we look for another mentor, not "we have not yet found you one", and their number on
the waitlist as matching gives it: whether matching kept their place is matching's to say, not inferred here. A mentor
whose mentee or program ended a mentorship is told that, if they are not paused and have room, another mentee may be
proposed to them, where one may be and the program proposes (one who ended it themself was offered to pause then)."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from mentorship_contracts import matching as ma
from notifications.service_layer import handlers

from .samples import WEB
from .test_inbox_after_ones_own_change import inbox
from .test_kind_words_to_mentees import pair, to_each
from .test_what_people_receive import NOW, flat, sent

ANOTHER = {"en": "We are looking for another mentor for you in Pick your mentor.",
           "es": "Estamos buscando otra persona mentora para ti en Pick your mentor."}
NUMBER = {"en": "You are number 1 on the waitlist, and we will email you as soon as you are paired.",
          "es": "Tienes el número 1 en la lista de espera de persona mentora, y te escribiremos en cuanto te asignemos "
                "una."}
NOT_YET = {"en": "We have not yet found you a mentor in Pick your mentor.",
           "es": "Todavía no encontramos una persona mentora para ti en Pick your mentor."}


async def closed(uow, facts, how: str) -> None:
    """The pairing closes `how`: "<who> <reason>" for an ending, or a proposal declined, lapsed."""
    if how.startswith("declined by"):
        await handlers.pairing_declined(ma.PairingDeclinedV3(**facts, declined_by=how.split()[-1],
                                                             reason_code="schedule_conflict"), uow)
    elif how == "lapsed":
        await handlers.pairing_lapsed(ma.PairingLapsedV3(**facts, reason_code="unanswered", awaiting=["mentor"],
                                                         requested_by_mentee=False), uow)
    else:
        by, reason = how.split()
        await handlers.pairing_ended(ma.PairingEndedV3(**facts, ended_by=None if by == "program" else by,
                                                       ended_by_program=by == "program", reason_code=reason), uow)


def waitlisted_after(facts, position: int = 1, kind: str = "general") -> ma.MenteeWaitlistedV4:
    return ma.MenteeWaitlistedV4(enrollment_id=uuid4(), program_id=facts["program_id"], chapter_id=None,
                                 mentee_id=facts["mentee_id"], position=position, pairing_kind=kind,
                                 after_pairing_id=facts["pairing_id"])


async def back_on_the_waitlist(language: str, how: str, **waiting) -> str:
    """The waitlist email of a mentee whose pairing closed `how`, as they read it."""
    uow, facts = await pair(language)
    await closed(uow, facts, how)
    await sent(uow)
    await handlers.mentee_waitlisted(waitlisted_after(facts, **waiting), uow)
    to_mentee, _ = await to_each(uow, facts)
    return flat(to_mentee.text)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentee_whose_mentor_stepped_back_is_told_we_look_for_another_mentor_and_their_number(language):
    text = await back_on_the_waitlist(language, "mentor relocated")

    assert f"{ANOTHER[language]} {NUMBER[language]}" in text, text
    assert NOT_YET[language] not in text


@pytest.mark.parametrize(("language", "said"), [
    ("en", "We are looking for another mentor for you in Pick your mentor for career mentoring."),
    ("es", "Estamos buscando otra persona mentora para ti en Pick your mentor, para una mentoría de carrera "
           "profesional."),
])
async def test_a_mentee_back_on_the_waitlist_for_one_kind_of_mentor_is_told_which_kind_we_look_for(language, said):
    text = await back_on_the_waitlist(language, "mentor relocated", kind="career")

    assert said in text, text


async def test_a_mentee_back_on_the_waitlist_whose_closing_never_arrived_is_told_we_look_for_another_mentor_too():
    uow, facts = await pair("en")
    await handlers.mentee_waitlisted(waitlisted_after(facts), uow)

    [told] = await sent(uow, now=NOW + timedelta(minutes=10))
    assert f"{ANOTHER['en']} {NUMBER['en']}" in flat(told.text)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentee_on_the_waitlist_for_the_first_time_is_still_told_we_have_not_yet_found_them_a_mentor(
        language):
    uow, facts = await pair(language)
    await handlers.mentee_waitlisted(ma.MenteeWaitlistedV4(
        enrollment_id=uuid4(), program_id=facts["program_id"], chapter_id=None, mentee_id=facts["mentee_id"],
        position=1, pairing_kind="general", after_pairing_id=None), uow)

    [told] = await sent(uow, now=NOW + timedelta(minutes=10))
    text = flat(told.text)
    assert f"{NOT_YET[language]} {NUMBER[language]}" in text, text
    assert ANOTHER[language] not in text


async def test_a_mentee_back_on_the_waitlist_reads_it_in_the_inbox_as_the_email_said_it():
    uow, facts = await pair("es")
    await closed(uow, facts, "mentor relocated")
    await handlers.mentee_waitlisted(waitlisted_after(facts), uow)
    await sent(uow)
    [told] = await sent(uow)

    _, waitlisted = (await inbox(uow, facts["mentee_id"]))["mentee_waitlisted"]
    assert waitlisted.paragraphs == [f"{ANOTHER['es']} {NUMBER['es']}"]
    assert waitlisted.paragraphs[0] in flat(told.text)


ROOM = {"en": "If you are not paused and have room, we may propose another mentee to you; to take nobody new for "
              "now, pause from your home page.",
        "es": "Si no estás en pausa y tienes cupo, es posible que te propongamos otra persona mentorada; si por ahora "
              "no puedes acompañar a nadie nuevo, ponte en pausa desde tu página de inicio."}
THANKS = {"en": "Thank you for the time you gave.", "es": "Gracias por el tiempo que dedicaste."}
FEEDBACK = {"en": "Please tell us how it went", "es": "Cuéntanos cómo te fue"}


@pytest.mark.parametrize("pairing_mode", ["on_registration", "rounds"])
@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentor_whose_mentee_ended_a_mentorship_is_told_another_mentee_may_be_proposed_if_they_have_room(
        language, pairing_mode):
    uow, facts = await pair(language, pairing_mode)
    await closed(uow, facts, "mentee schedule_conflict")

    to_mentee, to_mentor = await to_each(uow, facts)
    text = flat(to_mentor.text)
    assert text.index(THANKS[language]) < text.index(ROOM[language]) < text.index(FEEDBACK[language]), text
    assert ROOM[language] not in flat(to_mentee.text)


@pytest.mark.parametrize("how", ["mentee not_a_good_fit", "mentee goals_met", "program not_a_good_fit",
                                 "mentee withdrawn"])
async def test_a_mentor_whose_mentorship_ended_otherwise_is_told_so_too(how):
    uow, facts = await pair("en")
    await closed(uow, facts, how)

    _, to_mentor = await to_each(uow, facts)
    assert ROOM["en"] in flat(to_mentor.text)


@pytest.mark.parametrize(("how", "pairing_mode"), [
    # Ended by the mentor themself, whose page offered to pause as they did: "if you have room … pause" contradicted
    # a pause just set.
    ("mentor schedule_conflict", "on_registration"),
    ("mentor goals_met", "on_registration"),
    ("mentee schedule_conflict", "mentee_choice"),  # nobody is proposed: mentees ask
    ("mentor withdrawn", "on_registration"),  # they left the program
    ("mentor mentor_suspended", "on_registration"),
    ("mentee conduct", "on_registration"),  # reported: held until a coordinator has looked into it
    ("program conduct", "on_registration"),  # whose conduct is not said
])
async def test_a_mentor_is_not_told_another_mentee_may_be_proposed_where_none_will_be_or_it_is_not_known(
        how, pairing_mode):
    uow, facts = await pair("en", pairing_mode)
    await closed(uow, facts, how)

    _, to_mentor = await to_each(uow, facts)
    text = flat(to_mentor.text)
    assert "Thank you for the time you gave." in text and "propose another mentee" not in text, text


# The web app lets a mentee pause as she ends a mentorship (before the ending); notifications does not know she did.
STAYS_UNLESS_PAUSED = {
    ("en", "on_registration"): "You stay in the program: unless you paused, we will look for another mentor for you.",
    ("es", "on_registration"): "Sigues en el programa: salvo que te hayas puesto en pausa, buscaremos otra persona "
                               "mentora para ti.",
    ("en", "rounds"): "You stay in the program: unless you paused, you wait for its coordinators' next round, and we "
                      "will email you when one pairs you.",
    ("es", "rounds"): "Sigues en el programa: salvo que te hayas puesto en pausa, esperas la próxima ronda de su "
                      "coordinación, y te escribiremos cuando una ronda te asigne una mentoría.",
}


@pytest.mark.parametrize("how", ["mentee schedule_conflict", "mentee conduct"])
@pytest.mark.parametrize("pairing_mode", ["on_registration", "rounds"])
@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentee_who_ended_a_mentorship_herself_is_promised_another_mentor_only_unless_she_paused(
        language, pairing_mode, how):
    uow, facts = await pair(language, pairing_mode)
    await closed(uow, facts, how)

    to_mentee, _ = await to_each(uow, facts)
    text = flat(to_mentee.text)
    assert STAYS_UNLESS_PAUSED[language, pairing_mode] in text, text
    assert "You stay in the program, and we will look for another mentor for you." not in text
    assert "Sigues en el programa y buscaremos otra persona mentora para ti." not in text


@pytest.mark.parametrize("how", ["mentor schedule_conflict", "program not_a_good_fit"])
async def test_a_mentee_whose_mentorship_another_ended_is_still_told_we_look_for_another_mentor(how):
    uow, facts = await pair("en")
    await closed(uow, facts, how)

    to_mentee, _ = await to_each(uow, facts)
    text = flat(to_mentee.text)
    assert "You stay in the program, and we will look for another mentor for you." in text
    assert "unless you paused" not in text


ASK_ANOTHER = {"en": "Ask another mentor", "es": "Pide mentoría a otra persona"}
SAY_SO_AT_HOME = {"en": "When you want another mentor: Say so on your home page",
                  "es": "Cuando quieras otra persona mentora: Indícalo en tu página de inicio"}


@pytest.mark.parametrize("how", ["mentee goals_met", "mentor goals_met", "program goals_met"])
@pytest.mark.parametrize("language", ["en", "es"])
async def test_where_mentees_choose_one_who_met_her_goals_is_pointed_to_her_home_page_not_to_ask_another_mentor(
        language, how):
    # She rests, whoever said the goals were met: asking before she says on her home page she wants a mentor is refused.
    uow, facts = await pair(language, "mentee_choice")
    await closed(uow, facts, how)

    to_mentee, _ = await to_each(uow, facts)
    assert ASK_ANOTHER[language] not in to_mentee.text + to_mentee.html
    assert f"{SAY_SO_AT_HOME[language]} <{WEB}/?lang={language}>" in flat(to_mentee.text), to_mentee.text
    assert f'href="{WEB}/?lang={language}"' in to_mentee.html


NEVER_BEGAN = {"en": "There is nothing you need to do. We will propose another mentee to you when one fits.",
               "es": "No tienes que hacer nada. Te propondremos a otra persona mentorada cuando haya una adecuada."}


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentor_whose_proposed_mentee_erased_their_account_is_not_thanked_for_a_mentorship_that_never_began(
        language):
    uow, facts = await pair(language)
    await handlers.pairing_declined(ma.PairingDeclinedV3(**facts, declined_by="mentee", reason_code="person_erased"),
                                    uow)

    _, to_mentor = await to_each(uow, facts)
    text = flat(to_mentor.text)
    assert NEVER_BEGAN[language] in text, text
    assert THANKS[language] not in text


async def test_a_mentor_whose_asking_mentee_erased_their_account_is_not_thanked_for_time_given_either():
    uow, facts = await pair("en", "mentee_choice")
    await handlers.pairing_lapsed(ma.PairingLapsedV4(**facts, reason_code="person_erased", lapsed_by="mentee",
                                                     awaiting=["mentor"], requested_by_mentee=True), uow)

    _, to_mentor = await to_each(uow, facts)
    text = flat(to_mentor.text)
    assert "has left the platform, so their request is withdrawn." in text
    assert "There is nothing you need to do." in text, text
    assert THANKS["en"] not in text and "propose another mentee" not in text


async def test_a_mentor_whose_mentee_erased_their_account_mid_mentorship_is_still_thanked_for_their_time():
    uow, facts = await pair("en")
    await handlers.pairing_ended(ma.PairingEndedV3(**facts, ended_by="mentee", ended_by_program=False,
                                                   reason_code="person_erased"), uow)

    _, to_mentor = await to_each(uow, facts)
    assert "Thank you for the time you gave. You may be paired with another mentee." in flat(to_mentor.text)
