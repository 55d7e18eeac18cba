"""Someone a coordinator or an administrator reinstated is told, once, that their account is active again and they can
sign in: sign-in refused them while it was suspended. It says nothing of why (the note is kept from them) nor of any
program, and a reinstatement that no longer holds (read late, after a later suspension) tells nothing. A suspension
itself is told to nobody (`handlers.person_suspended`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from mentorship_contracts import profiles as pr
from notifications.adapters.links import Links
from notifications.adapters.messages import inbox_composer
from notifications.domain import commands
from notifications.domain.model import CannotOptOut, Category
from notifications.service_layer import handlers, views
from notifications.service_layer.dispatch import DispatchPolicy, dispatch_due
from plumbing.testing import FakeUnitOfWork

from .fakes import FakeMailer, FakeNotifications
from .samples import WEB, renderer

NOW = datetime(2027, 3, 3, 17, tzinfo=UTC)
POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0, welcome_grace_seconds=0)
PROGRAM = "Into Medical School"


async def a_suspended_person(language: str = "en") -> tuple[FakeUnitOfWork, pr.ContactDetailsChangedV3]:
    """Sam, of a chapter, a mentee in a program, suspended an hour ago."""
    uow = FakeUnitOfWork(notifications=FakeNotifications())
    uow.notifications.clock = lambda: NOW
    chapter = pr.ChapterDefinedV2(chapter_id=uuid4(), name="Boston chapter")
    await handlers.chapter_defined(chapter, uow)
    sam = pr.ContactDetailsChangedV3(person_id=uuid4(), chapter_id=chapter.chapter_id, display_name="Sam Okafor",
                                     email="sam.okafor@example.org", timezone="America/Los_Angeles",
                                     preferred_language=language)
    await handlers.contact_details_changed(sam, uow)
    await handlers.program_defined(pr.ProgramDefinedV5(
        program_id=uuid4(), chapter_id=chapter.chapter_id, name=PROGRAM, mentee_stages=["undergraduate"],
        mentor_stages=["resident"]), uow)
    await handlers.person_suspended(pr.PersonSuspended(person_id=sam.person_id, occurred_at=NOW - timedelta(hours=1)),
                                    uow)
    return uow, sam


def reinstated(person: pr.ContactDetailsChangedV3, at: datetime = NOW) -> pr.PersonReinstated:
    return pr.PersonReinstated(person_id=person.person_id, occurred_at=at)


async def sent(uow: FakeUnitOfWork) -> list:
    mailer = FakeMailer()
    await dispatch_due(lambda: uow, renderer(), mailer, POLICY, clock=lambda: NOW)
    return mailer.sent


@pytest.mark.parametrize(("language", "subject", "said", "action"), [
    ("en", "Your account is active again",
     "Your account is active again: you can sign in and use the platform as before.", "Sign in"),
    ("es", "Tu cuenta vuelve a estar activa",
     "Tu cuenta vuelve a estar activa: puedes iniciar sesión y usar la plataforma como antes.", "Iniciar sesión"),
])
async def test_a_person_reinstated_is_emailed_in_their_language_that_they_can_sign_in_again_with_a_link_to_do_so(
        language, subject, said, action):
    uow, sam = await a_suspended_person(language)

    await handlers.person_reinstated(reinstated(sam), uow)

    [told] = await sent(uow)
    text = " ".join(told.text.split())
    assert (told.to, told.subject, told.language) == (sam.email, subject, language)
    assert said in text and action in text
    assert f'href="{WEB}/sign-in?lang={language}"' in told.html


async def test_the_reinstatement_says_nothing_of_the_suspension_nor_names_a_program():
    uow, sam = await a_suspended_person()

    await handlers.person_reinstated(reinstated(sam), uow)

    [told] = await sent(uow)
    said = (told.subject + told.text + told.html).lower()
    assert "suspen" not in said and PROGRAM.lower() not in said


async def test_the_reinstatement_is_in_their_inbox_as_it_was_emailed():
    uow, sam = await a_suspended_person()
    await handlers.person_reinstated(reinstated(sam), uow)
    [told] = await sent(uow)

    items, unread = await views.inbox(uow, sam.person_id, False, 50, POLICY, NOW,
                                      inbox_composer(Links(WEB), clock=lambda: NOW))

    assert [item["subject"].subject for item in items] == [told.subject] and unread == 1
    assert items[0]["subject"].action.url == f"{WEB}/sign-in?lang=en"


async def test_one_who_opted_out_of_every_email_they_can_is_still_emailed_at_once_and_cannot_stop_it():
    """It is about their own account, as an email change is: no category they may turn off, no waiting for a digest."""
    uow, sam = await a_suspended_person()
    opted_out = {category: True for category in Category if category.can_opt_out}
    await handlers.change_preferences(commands.ChangePreferences(sam.person_id, opted_out, daily_digest=True), uow)

    await handlers.person_reinstated(reinstated(sam), uow)

    [told] = await sent(uow)
    assert told.unsubscribe_url is None and "Stop these emails" not in told.text
    with pytest.raises(CannotOptOut):
        await handlers.change_preferences(commands.ChangePreferences(sam.person_id, {Category.ESSENTIAL: True}), uow)


async def test_a_reinstatement_read_twice_is_sent_once():
    uow, sam = await a_suspended_person()
    event = reinstated(sam)

    await handlers.person_reinstated(event, uow)
    await handlers.person_reinstated(event, uow)
    assert len(await sent(uow)) == 1

    await handlers.person_reinstated(event, uow)  # a replay, once it has gone
    assert await sent(uow) == []


async def test_a_reinstatement_of_long_ago_read_by_a_new_subscription_tells_nothing():
    # Reading the topic from its start, every reinstatement ever made would say "active again" to someone active.
    uow, sam = await a_suspended_person()
    uow.notifications.suspensions.clear()  # a fresh subscription: nothing noted before

    await handlers.person_reinstated(reinstated(sam, at=datetime.now(UTC) - timedelta(days=30)), uow)

    assert await sent(uow) == []


async def test_a_reinstatement_older_than_a_suspension_read_before_it_tells_nothing():
    uow, sam = await a_suspended_person()

    await handlers.person_reinstated(reinstated(sam, at=NOW - timedelta(hours=2)), uow)

    assert await sent(uow) == []
    assert uow.notifications.rows == {}


async def test_a_reinstatement_older_than_a_restatement_that_says_they_are_suspended_tells_nothing():
    uow, sam = await a_suspended_person()
    await handlers.person_restated(pr.PersonRestated(person_id=sam.person_id, chapter_id=sam.chapter_id,
                                                     stage="undergraduate", is_alumni=False, suspended=True,
                                                     occurred_at=NOW + timedelta(minutes=5)), uow)

    await handlers.person_reinstated(reinstated(sam), uow)

    assert await sent(uow) == []


async def test_a_reinstatement_not_yet_sent_when_they_are_suspended_again_goes_unsent():
    uow, sam = await a_suspended_person()
    await handlers.person_reinstated(reinstated(sam), uow)

    await handlers.person_suspended(pr.PersonSuspended(person_id=sam.person_id, occurred_at=NOW + timedelta(minutes=5)),
                                    uow)

    assert await sent(uow) == []
