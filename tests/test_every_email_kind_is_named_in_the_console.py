"""Every kind of email notifications sends is named in words on a person's page in the console (the web shows the
kind's code where it has no words for it): the two services meet through this test, and neither imports the other."""

from notifications.domain.model import KINDS
from web.console.labels import EMAIL_KINDS


def test_every_kind_of_email_notifications_sends_has_words_in_the_console():
    assert sorted(set(KINDS) - set(EMAIL_KINDS)) == []
