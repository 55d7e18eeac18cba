"""What the API refuses, by code: a notification not in the person's inbox, a link the service did not issue. What
the web app's unsubscribe page is told of a link."""

from uuid import uuid4

import pytest
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.adapters.unsubscribe import InvalidToken, UnsubscribeLink, UnsubscribeTokens
from notifications.domain import commands
from notifications.domain.model import Category, NotInInbox
from notifications.service_layer import handlers, views
from plumbing.testing import FakeUnitOfWork

from .fakes import FakeNotifications


async def test_marking_read_a_notification_of_someone_elses_inbox_is_not_found():
    uow = FakeUnitOfWork(notifications=FakeNotifications())
    with pytest.raises(NotInInbox) as refused:
        await handlers.mark_read(commands.MarkRead(person_id=uuid4(), notification_id=uuid4()), uow)
    assert (refused.value.status, refused.value.code, refused.value.field) == (404, "not_found", "notification_id")


def test_an_unsubscribe_link_signed_with_another_secret_or_cut_short_is_refused_as_an_invalid_token():
    tokens, notification = UnsubscribeTokens("s" * 32), uuid4()
    issued = tokens.issue(notification)
    assert tokens.verify(issued) == UnsubscribeLink(notification_id=notification)
    for forged in (UnsubscribeTokens("t" * 32).issue(notification), issued[:-4], "bm90.c2lnbmVk"):
        with pytest.raises(InvalidToken) as refused:
            tokens.verify(forged)
        assert (refused.value.status, refused.value.code, refused.value.field) == (400, "invalid_token", "token")


async def _nudged(uow, language: str | None):
    """A person who reads their emails in `language` (None: they have not said), nudged about a meeting: their
    nudge."""
    person = uuid4()
    await handlers.contact_details_changed(pr.ContactDetailsChangedV3(
        person_id=person, chapter_id=None, display_name="Ana Reyes", email="ana@example.org",
        timezone="America/Chicago", preferred_language=language), uow)
    await handlers.meeting_overdue(ma.MeetingOverdueV2(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None,
                                                       mentee_id=person, mentor_id=uuid4(), last_met_at=None,
                                                       days_overdue=3), uow)
    [nudge] = [r["n"] for r in uow.notifications.rows.values() if r["n"].person_id == person]
    return person, nudge


@pytest.mark.parametrize("language", ["es", "en"])
async def test_an_unsubscribe_link_tells_the_page_the_language_its_reader_reads_before_and_after_unsubscribing(
        language):
    uow = FakeUnitOfWork(notifications=FakeNotifications())
    _, nudge = await _nudged(uow, language)
    command = commands.Unsubscribe(nudge.id)

    asked = await views.unsubscribe_link(uow, *await handlers.unsubscribing(command, uow))
    assert asked == {"category": Category.MENTORSHIP_NUDGES, "opted_out": False, "language": language}
    done = await views.unsubscribe_link(uow, *await handlers.unsubscribe(command, uow))
    assert done == {"category": Category.MENTORSHIP_NUDGES, "opted_out": True, "language": language}



async def test_an_unsubscribe_link_of_a_reader_who_never_said_their_language_leaves_the_page_to_the_browsers():
    uow = FakeUnitOfWork(notifications=FakeNotifications())
    _, nudge = await _nudged(uow, None)
    asked = await views.unsubscribe_link(uow, *await handlers.unsubscribing(commands.Unsubscribe(nudge.id), uow))
    assert asked["language"] is None
