"""An email that tells its reader to tell someone gives them an address to write to: every email comes from a no-reply
address. Notifications knows no chapter's own address (the chapter events carry none), so it gives the national
team's, `CONCERNS_EMAIL` (the web app's, for a worry about a mentorship), whose default is the local runner's."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from mentorship_contracts import profiles as pr
from notifications.adapters.email import Renderer
from notifications.adapters.links import Links
from notifications.bootstrap import build_app
from notifications.config import NotificationsSettings
from notifications.service_layer import handlers
from notifications.service_layer.dispatch import DispatchPolicy, dispatch_due
from plumbing.testing import FakeUnitOfWork
from pydantic import ValidationError

from .fakes import FakeMailer, FakeNotifications
from .samples import MAIL_FROM, TOKENS, WEB
from .test_registrant_removed import new_uow, removal, seated
from .test_settings import COMMON, LINK_KEY
from .test_what_people_receive import flat

NOW = datetime(2027, 3, 3, 17, tzinfo=UTC)
POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0, access_link_grace_seconds=0, welcome_grace_seconds=0)
NATIONAL = "safety@national.example.org"


async def sent(uow, contact: str = NATIONAL) -> list:
    mailer = FakeMailer()
    uow.notifications.clock = lambda: NOW
    await dispatch_due(lambda: uow, Renderer(Links(WEB, contact_email=contact), TOKENS, MAIL_FROM, clock=lambda: NOW),
                       mailer, POLICY, clock=lambda: NOW)
    return mailer.sent


async def address_changed(chapter_id, language: str):
    """A person of `chapter_id` (None: national programs only) changes their address: the email to the old one."""
    uow = FakeUnitOfWork(notifications=FakeNotifications())
    person = uuid4()
    for email in ("ana.old@example.org", "ana.new@example.org"):
        await handlers.contact_details_changed(pr.ContactDetailsChangedV3(
            person_id=person, chapter_id=chapter_id, display_name="Ana Reyes", email=email,
            timezone="America/Chicago", preferred_language=language), uow)
    [email] = await sent(uow)
    assert email.to == "ana.old@example.org"
    return email


@pytest.mark.parametrize("in_a_chapter", [True, False])
@pytest.mark.parametrize(("language", "told"), [
    ("en", f"If you did not change it, someone else may be using your account: write at once to {NATIONAL}."),
    ("es", f"Si no la cambiaste tú, puede que otra persona esté usando tu cuenta: escribe de inmediato a {NATIONAL}.")])
async def test_one_whose_address_changed_is_given_the_national_address_to_write_to_if_they_did_not_change_it(
        language, told, in_a_chapter):
    email = await address_changed(uuid4() if in_a_chapter else None, language)
    assert told in flat(email.text) and NATIONAL in email.html


@pytest.mark.parametrize(("language", "told"), [
    ("en", f"The organizers of Personal statements cancelled your registration. If you think this is a mistake, "
           f"please write to {NATIONAL}."),
    ("es", f"La organización de Personal statements canceló tu inscripción. Si crees que es un error, por favor, "
           f"escribe a {NATIONAL}.")])
async def test_a_registrant_removed_who_thinks_it_a_mistake_is_given_an_address_to_write_to(language, told):
    uow = new_uow()
    public, restricted = removal(await seated(uow, language), None)
    await handlers.registration_cancelled(public, uow)
    await handlers.registrant_removed(restricted, uow)

    [told_them] = await sent(uow)
    assert told in flat(told_them.text)
    assert "contact them" not in told_them.text and "comunícate con ella" not in told_them.text


def test_the_address_emails_give_is_concerns_email_with_the_local_runners_as_its_default(monkeypatch):
    monkeypatch.delenv("CONCERNS_EMAIL", raising=False)
    assert NotificationsSettings(**COMMON, link_signing_key=LINK_KEY).concerns_email == "concerns@mentorship.example"
    monkeypatch.setenv("CONCERNS_EMAIL", NATIONAL)
    settings = NotificationsSettings(**COMMON, link_signing_key=LINK_KEY)
    assert build_app(settings).state.links.contact_email == NATIONAL
    assert build_app(settings).state.links.reading("es").contact_email == NATIONAL
    monkeypatch.setenv("CONCERNS_EMAIL", "not an address")
    with pytest.raises(ValidationError, match="CONCERNS_EMAIL"):
        NotificationsSettings(**COMMON, link_signing_key=LINK_KEY)
