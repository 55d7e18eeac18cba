"""An email change is confirmed from the new address: one email to that address only, in the person's language, with
the single-use link, saying when it expires in their zone. The link is a secret: it is in that email and nowhere
else notifications keeps or says anything (its logs, the inbox, its events), and its row forgets it once sent. The
email to the address it replaced: `test_whom_to_write_to`."""

import json
import logging
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from mentorship_contracts import profiles as pr
from notifications.adapters.email import Renderer
from notifications.adapters.links import Links
from notifications.adapters.unsubscribe import UnsubscribeTokens
from notifications.service_layer import handlers, views
from notifications.service_layer.dispatch import DispatchPolicy, dispatch_due
from plumbing.testing import FakeUnitOfWork

from .fakes import FakeMailer, FakeNotifications

WEB = "https://app.mentorship.example"
NOW = datetime(2027, 3, 3, 17, tzinfo=UTC)
POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0, welcome_grace_seconds=0)
TOKEN = "k3Yq9-single-use-secret-Zt0"
PATH = pr.email_confirmation_path(TOKEN)


def renderer() -> Renderer:
    return Renderer(Links(WEB), UnsubscribeTokens("s" * 32),
                    "Mentorship <no-reply@mentorship.example>", clock=lambda: NOW)


async def known_person(uow, language: str = "es"):
    person = uuid4()
    await handlers.contact_details_changed(pr.ContactDetailsChangedV3(
        person_id=person, chapter_id=None, display_name="Ana Reyes", email="ana.old@example.org",
        timezone="America/Chicago", preferred_language=language), uow)
    return person


def request(person, **changes) -> pr.EmailChangeRequested:
    values = dict(person_id=person, chapter_id=None, display_name="Ana Reyes", new_email="ana.new@example.org",
                  confirmation_path=PATH, expires_at=datetime(2027, 3, 4, 18, tzinfo=UTC),
                  timezone="America/Chicago", preferred_language="es")
    return pr.EmailChangeRequested(**{**values, **changes})


async def send(uow, mailer):
    return await dispatch_due(lambda: uow, renderer(), mailer, POLICY)


async def test_the_new_address_alone_gets_the_link_in_the_persons_language_with_its_expiry_in_their_zone():
    uow, mailer = FakeUnitOfWork(notifications=FakeNotifications()), FakeMailer()
    person = await known_person(uow)
    await handlers.email_change_requested(request(person), uow)
    await send(uow, mailer)
    [email] = mailer.sent
    assert email.to == "ana.new@example.org"
    assert email.language == "es" and "Hola, Ana Reyes" in email.text
    assert f"{WEB}/account/email/confirm?token={TOKEN}&lang=es" in email.text
    assert f'href="{WEB}/account/email/confirm?token={TOKEN}&amp;lang=es"' in email.html
    # 18:00 UTC on 4 March is noon in Chicago, said as such, in Spanish.
    assert "12:00" in email.text and "jueves, 4 de marzo de 2027" in email.text and "hora" in email.text
    assert email.unsubscribe_url is None


async def test_the_link_is_kept_only_until_sent_and_is_in_no_inbox_log_or_event(caplog):
    uow, mailer = FakeUnitOfWork(notifications=FakeNotifications()), FakeMailer()
    person = await known_person(uow)
    mark = len(uow.published)
    caplog.set_level(logging.DEBUG)
    await handlers.email_change_requested(request(person), uow)
    await send(uow, mailer)
    assert len(mailer.sent) == 1
    [row] = [r for r in uow.notifications.rows.values() if r["n"].person_id == person
             and r["n"].kind == "email_change"]
    assert row["status"] == "sent"
    kept = json.dumps(row["n"].parameters, default=str)
    assert TOKEN not in kept and "ana.new@example.org" not in kept
    items, unread = await views.inbox(uow, person, False, 50, POLICY, datetime.now(UTC), lambda n, s, c: s)
    assert items == [] and unread == 0
    said = " ".join(str(e.model_dump()) for e in uow.published[mark:]) + caplog.text
    assert uow.published[mark:] and TOKEN not in said and "confirm" not in said


async def test_a_link_that_expired_before_it_could_be_sent_is_not_sent_and_is_forgotten():
    uow, mailer = FakeUnitOfWork(notifications=FakeNotifications()), FakeMailer()
    person = await known_person(uow)
    await handlers.email_change_requested(request(person, expires_at=datetime.now(UTC) - timedelta(minutes=1)), uow)
    await send(uow, mailer)
    assert mailer.sent == []
    [row] = [r for r in uow.notifications.rows.values() if r["n"].kind == "email_change"]
    assert TOKEN not in json.dumps(row["n"].parameters, default=str)


async def test_a_later_request_sends_again_and_a_repeat_of_one_does_not():
    uow, mailer = FakeUnitOfWork(notifications=FakeNotifications()), FakeMailer()
    person = await known_person(uow, "en")
    first = request(person, preferred_language="en", expires_at=datetime.now(UTC) + timedelta(days=1))
    await handlers.email_change_requested(first, uow)
    await handlers.email_change_requested(first, uow)
    await send(uow, mailer)
    again = request(person, preferred_language="en", new_email="ana.other@example.org",
                    confirmation_path=pr.email_confirmation_path("another-token"),
                    expires_at=datetime.now(UTC) + timedelta(days=1))
    await handlers.email_change_requested(again, uow)
    await send(uow, mailer)
    assert [e.to for e in mailer.sent] == ["ana.new@example.org", "ana.other@example.org"]
    assert "another-token" in mailer.sent[1].text and "Hello Ana Reyes," in mailer.sent[1].text


async def test_a_person_notifications_has_no_contact_for_yet_is_still_written_to_at_the_new_address():
    uow, mailer = FakeUnitOfWork(notifications=FakeNotifications()), FakeMailer()
    await handlers.email_change_requested(request(uuid4(), expires_at=datetime.now(UTC) + timedelta(days=1)), uow)
    await send(uow, mailer)
    assert [e.to for e in mailer.sent] == ["ana.new@example.org"]


async def test_a_confirmation_path_that_is_not_the_confirmation_page_is_refused():
    uow = FakeUnitOfWork(notifications=FakeNotifications())
    person = await known_person(uow)
    for path in ("@evil.example/account/email/confirm?token=x", "//evil.example/?token=x", "/inbox?token=x"):
        try:
            await handlers.email_change_requested(request(person, confirmation_path=path), uow)
        except ValueError:
            continue
        raise AssertionError(f"{path} accepted")
    assert not uow.notifications.rows


async def test_a_later_request_read_before_the_earlier_one_went_replaces_it_whose_link_no_longer_works():
    uow, mailer = FakeUnitOfWork(notifications=FakeNotifications()), FakeMailer()
    person = await known_person(uow, "en")
    soon = datetime.now(UTC) + timedelta(days=1)
    await handlers.email_change_requested(request(person, expires_at=soon, new_email="typo@exmaple.org"), uow)
    await handlers.email_change_requested(request(person, expires_at=soon, confirmation_path=pr.email_confirmation_path(
        "the-later-token")), uow)
    await send(uow, mailer)
    assert [e.to for e in mailer.sent] == ["ana.new@example.org"] and "the-later-token" in mailer.sent[0].text
    assert all("typo@exmaple.org" not in json.dumps(r["n"].parameters) for r in uow.notifications.rows.values())
