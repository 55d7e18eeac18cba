"""Notifications signs its links with a key of its own, never the one of login tokens, and has no built-in one."""

from uuid import uuid4

import pytest
from notifications.adapters.unsubscribe import InvalidToken, UnsubscribeTokens
from notifications.bootstrap import build_app
from notifications.config import NotificationsSettings
from plumbing.auth import SigningKeys
from plumbing.settings import new_secret_key
from pydantic import ValidationError

LINK_KEY = new_secret_key()
COMMON = {"jwt_public_key": SigningKeys.generate().public_pem, "kafka_sasl_username": "notifications",
          "kafka_sasl_password": "a-password", "service_key": new_secret_key(),
          "kafka_bootstrap_servers": "kafka.example:9093",
          "database_url": "postgresql://notifications:a-password@postgres.example/notifications",
          "smtp_host": "smtp-relay", "mail_from": "Mentorship <no-reply@mentorship.example>",
          "web_base_url": "https://app.mentorship.example",
          "profiles_url": "http://profiles:8000"}


def test_notifications_refuses_to_start_without_its_link_signing_key(monkeypatch):
    monkeypatch.delenv("NOTIFICATIONS_LINK_SIGNING_KEY", raising=False)
    with pytest.raises(ValidationError, match="NOTIFICATIONS_LINK_SIGNING_KEY"):
        NotificationsSettings(**COMMON)


def test_links_are_signed_with_the_link_signing_key():
    settings = NotificationsSettings(**COMMON, link_signing_key=LINK_KEY)
    tokens = build_app(settings).state.unsubscribe_tokens
    notification = uuid4()
    assert tokens.verify(UnsubscribeTokens(LINK_KEY).issue(notification)).notification_id == notification


def test_links_signed_before_a_rotation_still_work_while_their_key_is_kept_as_a_previous_one():
    old_key, older_key, forgotten = "o" * 32, "p" * 32, "q" * 32
    settings = NotificationsSettings(**COMMON, link_signing_key=LINK_KEY,
                                     link_signing_keys_previous=f"{old_key}, {older_key}")
    tokens = build_app(settings).state.unsubscribe_tokens
    notification = uuid4()
    for key in (old_key, older_key):
        assert tokens.verify(UnsubscribeTokens(key).issue(notification)).notification_id == notification
    with pytest.raises(InvalidToken):
        tokens.verify(UnsubscribeTokens(forgotten).issue(notification))
    # New links are signed with the new key alone: they fail once it is rotated out in turn.
    assert tokens.issue(notification) == UnsubscribeTokens(LINK_KEY).issue(notification)


def test_smtp_credentials_come_as_a_pair_and_reach_the_mailer():
    with pytest.raises(ValidationError, match="SMTP_PASSWORD"):
        NotificationsSettings(**COMMON, link_signing_key=LINK_KEY, smtp_username="mentorship")
    settings = NotificationsSettings(**COMMON, link_signing_key=LINK_KEY, smtp_username="mentorship",
                                     smtp_password="s3cret")
    assert settings.smtp_credentials() == ("mentorship", "s3cret")
    assert NotificationsSettings(**COMMON, link_signing_key=LINK_KEY).smtp_credentials() is None


def test_notifications_refuses_to_start_without_the_addresses_its_emails_link_to_and_come_from():
    for field, variable in (("web_base_url", "WEB_BASE_URL"), ("mail_from", "MAIL_FROM"), ("smtp_host", "SMTP_HOST"),
                            ("profiles_url", "PROFILES_URL")):
        given = {name: value for name, value in COMMON.items() if name != field}
        with pytest.raises(ValidationError, match=variable):
            NotificationsSettings(**given, link_signing_key=LINK_KEY)
