"""A pairing email shows each side exactly the identity attributes their partner consented to show a partner
(`identity_for_partner` on the restricted contacts topic), labelled in words in the reader's language; once the
partner withdraws that consent (their next contact details come without it), the next email shows it no more."""

import re
from uuid import uuid4

import pytest
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.adapters.email import Renderer
from notifications.adapters.links import Links
from notifications.adapters.unsubscribe import UnsubscribeTokens
from notifications.service_layer import handlers
from notifications.service_layer.dispatch import DispatchPolicy, dispatch_due
from plumbing.testing import FakeUnitOfWork

from .fakes import FakeMailer, FakeNotifications

POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0)
RENDER = Renderer(Links("https://app.mentorship.example"), UnsubscribeTokens("s" * 32), "https://n.example",
                  "Mentorship <no-reply@mentorship.example>")
SHOWN = {"first_generation": "First in my family to go to college", "race_ethnicity": "Afro-Latina"}
LABELS = {"en": ("First-generation student", "Race or ethnicity"),
          "es": ("Primera generación universitaria", "Raza o etnia")}


async def contact(uow, person, name, language, identity):
    await handlers.contact_details_changed(pr.ContactDetailsChangedV3(
        person_id=person, chapter_id=None, display_name=name, email=f"{person}@example.org",
        identity_for_partner=identity, preferred_language=language), uow)


def pairing(kind, mentee, mentor):
    common = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor,
                  score=80, reason_codes=[], pairing_kind="general")
    if kind == "proposed":
        return ma.PairingProposedV4(**common)
    return ma.PairingConfirmedV4(**common, term_ends_at="2028-01-01T00:00:00Z")


async def emails(uow, event):
    mailer = FakeMailer()
    await (handlers.pairing_proposed if isinstance(event, ma.PairingProposed) else handlers.pairing_confirmed)(
        event, uow)
    await dispatch_due(lambda: uow, RENDER, mailer, POLICY)
    return {email.to.split("@")[0]: email for email in mailer.sent}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("kind", ["proposed", "confirmed"])
async def test_each_side_sees_exactly_what_the_other_consented_to_show_in_words(language, kind):
    uow, mentee, mentor = FakeUnitOfWork(notifications=FakeNotifications()), uuid4(), uuid4()
    await contact(uow, mentee, "Sam Okafor", language, {})
    await contact(uow, mentor, "Ana Reyes", language, SHOWN)
    sent = await emails(uow, pairing(kind, mentee, mentor))
    to_mentee, to_mentor = sent[str(mentee)], sent[str(mentor)]
    first_generation, race = LABELS[language]
    assert f"{first_generation}: First in my family to go to college" in to_mentee.text
    assert f"{race}: Afro-Latina" in to_mentee.text
    for body in (to_mentee.text, to_mentee.html):
        assert first_generation in body and race in body and "Afro-Latina" in body
        assert not re.search(r"first_generation|race_ethnicity", body)
    # The mentee showed nothing: the mentor reads nothing of the kind (and never the mentor's own).
    assert "Afro-Latina" not in to_mentor.text and first_generation not in to_mentor.text


async def test_after_withdrawing_consent_the_next_pairing_email_no_longer_shows_it():
    uow, mentee, mentor = FakeUnitOfWork(notifications=FakeNotifications()), uuid4(), uuid4()
    await contact(uow, mentee, "Sam Okafor", "en", {"gender_identity": "Nonbinary"})
    await contact(uow, mentor, "Ana Reyes", "en", SHOWN)
    first = await emails(uow, pairing("proposed", mentee, mentor))
    assert "Afro-Latina" in first[str(mentee)].text and "Nonbinary" in first[str(mentor)].text
    await contact(uow, mentor, "Ana Reyes", "en", {"first_generation": SHOWN["first_generation"]})
    await contact(uow, mentee, "Sam Okafor", "en", {})
    then = await emails(uow, pairing("confirmed", mentee, mentor))
    assert "Afro-Latina" not in then[str(mentee)].text and "Race or ethnicity" not in then[str(mentee)].text
    assert "First in my family to go to college" in then[str(mentee)].text
    assert "Nonbinary" not in then[str(mentor)].text and "Gender identity" not in then[str(mentor)].text


async def test_an_attribute_without_a_label_yet_is_still_named_in_words_and_odd_text_is_made_one_line():
    uow, mentee, mentor = FakeUnitOfWork(notifications=FakeNotifications()), uuid4(), uuid4()
    await contact(uow, mentee, "Sam Okafor", "en", {})
    await contact(uow, mentor, "Ana Reyes", "en", {"rural_background": "Grew up\r\non a farm", "religion": "   "})
    sent = await emails(uow, pairing("proposed", mentee, mentor))
    text = sent[str(mentee)].text
    assert "Rural background: Grew up on a farm" in text
    assert "rural_background" not in text and "Religion" not in text
