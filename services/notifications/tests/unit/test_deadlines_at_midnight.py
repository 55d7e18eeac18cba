"""A deadline (by when to answer a proposal or a request, until when a link works) that falls at midnight where its
reader reads it is said as 11:59 PM of the day before, as the web app says it: "12:00 AM" of Friday reads as Friday,
a day late. The same moment read in another zone, where it is not midnight, and any other moment, read as before."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.adapters.links import Links
from notifications.adapters.messages import inbox_composer
from notifications.service_layer import handlers, views

from .samples import WEB
from .test_what_people_receive import NOW, POLICY, new_uow, person, sent

# Friday 5 March 2027 at midnight in Chicago: Thursday 4 March, 10:00 PM in Los Angeles.
MIDNIGHT_IN_CHICAGO = datetime(2027, 3, 5, 6, tzinfo=UTC)
SAID = {"en": {"America/Chicago": "Thu, Mar 4, 2027, 11:59 PM (Central Standard Time)",
               "America/Los_Angeles": "Thu, Mar 4, 2027, 10:00 PM (Pacific Standard Time)"},
        "es": {"America/Chicago": "jue, 4 de mar de 2027, 11:59 p.m. (hora estándar central)",
               "America/Los_Angeles": "jue, 4 de mar de 2027, 10:00 p.m. (hora estándar del Pacífico)"}}
NOT_SAID = {"en": "Mar 5, 2027, 12:00 AM", "es": "5 de mar de 2027, 12:00 a.m."}


def words(text: str) -> str:
    return " ".join(text.split())


async def inbox_text(uow, person_id) -> str:
    """Every item of the reader's inbox, opened, as one text."""
    compose = inbox_composer(Links(WEB), clock=lambda: NOW)
    items, _ = await views.inbox(uow, person_id, False, 50, POLICY, NOW, lambda n, subject, context: subject)
    opened = [await views.inbox_message(uow, person_id, item["id"], POLICY, NOW, compose) for item in items]
    return words(" ".join(paragraph for message in opened for paragraph in message.paragraphs))


# What asks both sides of a pairing to answer by a moment.
ASKED = {
    "a proposal": lambda uow, pair, answer_by: handlers.pairing_proposed(
        ma.PairingProposedV6(**pair, score=80, reason_codes=[], answer_by=answer_by), uow),
    "a mentee's request": lambda uow, pair, answer_by: handlers.pairing_proposed(
        ma.PairingProposedV6(**pair, score=80, reason_codes=[], answer_by=answer_by, requested_by_mentee=True), uow),
    "a reminder to answer": lambda uow, pair, answer_by: handlers.answer_due(
        ma.AnswerDueV2(**pair, answer_by=answer_by, awaiting=["mentee", "mentor"], requested_by_mentee=False,
                       paused_if_it_lapses=[]), uow),
}


def pairing(mentee, mentor) -> dict:
    return dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor)


@pytest.mark.parametrize("asked", ASKED)
@pytest.mark.parametrize("language", ["en", "es"])
async def test_an_answer_due_at_midnight_where_it_is_read_is_said_as_the_last_minute_of_the_day_before(asked, language):
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", language=language)  # Los Angeles: there it is 10:00 PM
    ana = await person(uow, "Ana Reyes", zone="America/Chicago", language=language)

    await ASKED[asked](uow, pairing(sam, ana), MIDNIGHT_IN_CHICAGO)

    by_whom = {m.to: m for m in await sent(uow)}
    for reader, zone in ((ana, "America/Chicago"), (sam, "America/Los_Angeles")):
        told = by_whom[uow.notifications.contacts[reader]["email"]]
        for part, text in (("text", told.text), ("html", told.html), ("inbox", await inbox_text(uow, reader))):
            assert SAID[language][zone] in words(text), (zone, part, text)
            assert NOT_SAID[language] not in words(text), (zone, part, text)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_an_answer_due_a_minute_after_midnight_reads_as_that_minute(language):
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", language=language)
    ana = await person(uow, "Ana Reyes", zone="America/Chicago", language=language)

    await ASKED["a proposal"](uow, pairing(sam, ana), MIDNIGHT_IN_CHICAGO.replace(minute=1))

    [told] = [m for m in await sent(uow) if m.to == uow.notifications.contacts[ana]["email"]]
    said = {"en": "Fri, Mar 5, 2027, 12:01 AM (Central Standard Time)",
            "es": "vie, 5 de mar de 2027, 12:01 a.m. (hora estándar central)"}[language]
    assert said in words(told.text) and said in words(await inbox_text(uow, ana))


@pytest.mark.parametrize(("language", "said"), [
    ("en", "The link works once, until Thursday, March 4, 2027 at 11:59 PM (Central Standard Time)."),
    ("es", "El enlace funciona una sola vez, hasta el jueves, 4 de marzo de 2027 a las 11:59 p.m. "
           "(hora estándar central)."),
])
async def test_an_email_change_link_that_stops_working_at_midnight_works_until_the_last_minute_of_the_day_before(
        language, said):
    uow = new_uow()
    ana = await person(uow, "Ana Reyes", zone="America/Chicago", language=language)

    await handlers.email_change_requested(pr.EmailChangeRequested(
        person_id=ana, chapter_id=None, display_name="Ana Reyes", new_email="ana.new@example.org",
        confirmation_path=pr.email_confirmation_path("k3Yq9-single-use-secret-Zt0"), expires_at=MIDNIGHT_IN_CHICAGO,
        timezone="America/Chicago", preferred_language=language), uow)

    [told] = await sent(uow)
    assert said in words(told.text) and said in words(told.html)
