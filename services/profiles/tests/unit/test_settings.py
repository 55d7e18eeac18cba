"""Profiles holds identity attributes sealed with a key of the deployment's own: there is no built-in one."""

import pytest
from plumbing.auth import SigningKeys
from profiles.adapters.sealing import new_key
from profiles.config import ProfilesSettings
from pydantic import ValidationError

COMMON = {"jwt_public_key": SigningKeys.generate().public_pem, "kafka_sasl_username": "profiles",
          "kafka_sasl_password": "a-password"}


def test_profiles_refuses_to_start_without_its_identity_key(monkeypatch):
    monkeypatch.delenv("PROFILES_IDENTITY_KEY", raising=False)
    with pytest.raises(ValidationError, match="PROFILES_IDENTITY_KEY"):
        ProfilesSettings(**COMMON)


def test_the_identity_key_comes_from_the_environment_and_is_never_shown(monkeypatch):
    key = new_key()
    monkeypatch.setenv("PROFILES_IDENTITY_KEY", key)
    settings = ProfilesSettings(**COMMON)
    assert settings.identity_key.get_secret_value() == key
    assert key not in repr(settings)
