"""Profiles holds identity attributes sealed with a key of the deployment's own: there is no built-in one."""

import pytest
from plumbing.auth import SigningKeys
from plumbing.personal_data import readers_setting
from plumbing.settings import new_secret_key
from profiles.adapters.sealing import new_key
from profiles.config import ProfilesSettings
from pydantic import ValidationError

COMMON = {"jwt_public_key": SigningKeys.generate().public_pem, "kafka_sasl_username": "profiles",
          "kafka_sasl_password": "a-password", "kafka_bootstrap_servers": "kafka.example:9093",
          "database_url": "postgresql://profiles:a-password@postgres.example/profiles",
          "data_key_readers": readers_setting({"matching": new_secret_key(), "notifications": new_secret_key()})}


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


def test_profiles_refuses_to_start_without_the_public_keys_of_the_services_that_read_data_keys(monkeypatch):
    monkeypatch.delenv("PROFILES_DATA_KEY_READERS", raising=False)
    with pytest.raises(ValidationError, match="PROFILES_DATA_KEY_READERS"):
        ProfilesSettings(**{**COMMON, "data_key_readers": None}, identity_key=new_key())
    with pytest.raises(ValidationError, match="PROFILES_DATA_KEY_READERS"):
        ProfilesSettings(**{**COMMON, "data_key_readers": "matching:not-a-key"}, identity_key=new_key())


def test_only_consumers_of_restricted_topics_are_trusted_to_read_data_keys():
    configured = readers_setting({"matching": new_secret_key(), "web": new_secret_key()})
    settings = ProfilesSettings(**{**COMMON, "data_key_readers": configured}, identity_key=new_key())
    assert set(settings.readers()) == {"matching"}


def test_the_operators_commands_need_to_be_told_which_database_outside_development_mode(monkeypatch, capsys):
    from profiles.entrypoints import cli

    for variable in ("DATABASE_URL", "PROFILES_DATABASE_URL", "MENTORSHIP_ENV"):
        monkeypatch.delenv(variable, raising=False)
    for command in (["grant-administrator", "ana@example.org"], ["restate", "people"]):
        with pytest.raises(SystemExit) as exit_:
            cli.main(command)
        assert exit_.value.code == 2 and "--database-url" in capsys.readouterr().err


def test_the_operators_commands_take_profiles_own_database_url_before_the_generic_one(monkeypatch):
    from profiles.entrypoints import cli

    monkeypatch.setenv("DATABASE_URL", "postgresql://shared@postgres.example/shared")
    monkeypatch.setenv("PROFILES_DATABASE_URL", "postgresql://profiles@postgres.example/profiles")
    taken = []
    monkeypatch.setattr(cli, "restate", lambda url, topic, progress, key: taken.append(url) or _done())
    assert cli.main(["restate", "people"]) == 0
    assert taken == ["postgresql://profiles@postgres.example/profiles"]


def test_restating_matching_profiles_without_the_identity_key_is_refused_naming_it(monkeypatch, capsys):
    from profiles.entrypoints import cli

    monkeypatch.setenv("DATABASE_URL", "postgresql://shared@postgres.example/shared")
    monkeypatch.delenv("PROFILES_IDENTITY_KEY", raising=False)
    with pytest.raises(SystemExit) as refused:
        cli.main(["restate", "matching-profiles"])
    assert refused.value.code == 2 and "PROFILES_IDENTITY_KEY not set" in capsys.readouterr().err


async def _done() -> int:
    return 0
