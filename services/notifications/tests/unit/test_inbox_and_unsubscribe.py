"""What the API refuses, by code: a notification not in the person's inbox, a link the service did not issue."""

from uuid import uuid4

import pytest
from notifications.adapters.unsubscribe import InvalidToken, UnsubscribeLink, UnsubscribeTokens
from notifications.domain import commands
from notifications.domain.model import NotInInbox
from notifications.service_layer import handlers
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
