"""A link opens the web app in the language its reader reads their emails in, also signed out on a browser set to
another: every web link a message carries says it (`lang`, a code of a language notifications writes, nothing else of
the reader). One who never said which language they read gets links without it: the web app goes by their browser."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import pytest
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.adapters.links import Links
from notifications.adapters.messages import inbox_composer
from notifications.service_layer import handlers, views

from .samples import WEB, gallery
from .test_what_people_receive import NOW, POLICY, new_uow, person, sent

WEB_LINK = re.compile(rf"{re.escape(WEB)}[^\s\"<>]*")


def languages_of(*texts: str) -> list[list[str] | None]:
    """The `lang` each web link in these texts says (None: it says none)."""
    return [parse_qs(urlsplit(link.replace("&amp;", "&")).query).get("lang")
            for text in texts for link in WEB_LINK.findall(text)]


@pytest.mark.parametrize("language", ["en", "es"])
async def test_every_web_link_of_every_email_says_the_language_its_reader_reads(language):
    rendered = await gallery(language)
    for r in rendered:
        said = languages_of(r.email.text, r.email.html, f"<{r.email.unsubscribe_url or ''}>")
        assert said and all(lang == [language] for lang in said), (r.label, said)


async def test_the_links_to_confirm_a_new_address_and_to_unsubscribe_keep_their_token_and_add_the_language():
    links = Links(WEB).reading("es")

    assert links.unsubscribe("t0k.en") == f"{WEB}/unsubscribe?token=t0k.en&lang=es"
    assert (links.email_confirmation(pr.email_confirmation_path("Tq3vX9"))
            == f"{WEB}{pr.email_confirmation_path('Tq3vX9')}&lang=es")


@pytest.mark.parametrize(("said", "lang"), [("es-MX", "es"), ("en", "en"), ("fr", "en")])
def test_a_link_says_the_language_notifications_writes_to_the_reader_in_and_nothing_else(said, lang):
    # French is written to in English: the page opens in the language of the email that led there.
    pairing = uuid4()
    assert Links(WEB).reading(said).to("mentorship", pairing_id=pairing) == f"{WEB}/mentorships/{pairing}?lang={lang}"


async def test_the_links_of_one_who_never_said_a_language_say_none_and_the_web_app_goes_by_their_browser():
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", language=None)
    ana = await person(uow, "Ana Reyes", language=None)
    await handlers.pairing_proposed(ma.PairingProposedV6(
        pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=sam, mentor_id=ana, score=80,
        reason_codes=[], answer_by=NOW + timedelta(days=7)), uow)
    await handlers.email_change_requested(pr.EmailChangeRequested(
        person_id=sam, chapter_id=None, display_name="Sam Okafor", new_email="sam@okafor.example.net",
        confirmation_path=pr.email_confirmation_path("Tq3vX9"), expires_at=NOW + timedelta(hours=24),
        timezone="America/Chicago", preferred_language=None), uow)

    told = await sent(uow)
    assert len(told) == 3
    for email in told:
        said = languages_of(email.text, email.html)
        assert said and all(lang is None for lang in said), (email.subject, said)


async def test_the_link_of_an_inbox_item_says_the_language_its_reader_reads_too():
    uow = new_uow()
    sam, ana = await person(uow, "Sam Okafor", language="es"), await person(uow, "Ana Reyes", language="es")
    pairing = uuid4()
    await handlers.pairing_proposed(ma.PairingProposedV6(
        pairing_id=pairing, program_id=uuid4(), chapter_id=None, mentee_id=sam, mentor_id=ana, score=80,
        reason_codes=[], answer_by=NOW + timedelta(days=7)), uow)
    await sent(uow)
    items, _ = await views.inbox(uow, sam, False, 50, POLICY, datetime.now(UTC), lambda n, s, c: s)

    opened = await views.inbox_message(uow, sam, items[0]["id"], POLICY, NOW,
                                       inbox_composer(Links(WEB), clock=lambda: NOW))
    assert opened.action is not None and opened.action.url == f"{WEB}/mentorships/{pairing}?lang=es"
