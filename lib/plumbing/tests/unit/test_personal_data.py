"""Sealing the personal fields of restricted events under a person's data key, and opening them again."""

import base64
import json
import os
from uuid import uuid4

import pytest
from mentorship_contracts import SealedEvent, decode, sealed_versions
from mentorship_contracts import events as events_contract
from mentorship_contracts import profiles as contract
from plumbing import auth, personal_data
from plumbing.person_keys import PersonKeys
from plumbing.personal_data import (
    CannotOpen,
    key_readers,
    new_data_key,
    open_event,
    parse_readers,
    private_pem,
    readers_setting,
    seal_event,
)
from plumbing.settings import ConfigurationError, new_secret_key


def contact(**fields) -> contract.ContactDetailsChangedV3:
    return contract.ContactDetailsChangedV3(**{
        "person_id": uuid4(), "chapter_id": uuid4(), "display_name": "Ana Reyes", "email": "ana.reyes@example.org",
        "timezone": "America/Chicago", "pronouns_for_partner": "she/her", "bio_for_partner": "Loves anatomy",
        "identity_for_partner": {"heritage": "Mixteca"}, "preferred_language": "es", **fields})


def profile() -> contract.MatchingProfileChangedV2:
    return contract.MatchingProfileChangedV2(
        person_id=uuid4(), chapter_id=None, stage="undergraduate", languages=["Zapotec"], region="Oaxaca",
        identity_for_matching={"heritage": "Zapoteca"},
        identity_requests=[contract.IdentityRequest(attribute="heritage", strength="requirement")])


def test_every_restricted_event_with_personal_data_has_a_closed_sealed_version_that_opens_into_its_clear_one():
    # A consent change names no value, but which attribute a person recorded (a sexual orientation, say) is theirs too;
    # an organiser's reason for removing a registrant is in their words, about that person.
    assert {m.clear_model for m in sealed_versions()} == {
        contract.ContactDetailsChangedV3, contract.EmailChangeRequested, contract.MatchingProfileChangedV2,
        contract.ConsentChangedV2, contract.ContactDetailsRestated, contract.MatchingProfileRestated,
        events_contract.RegistrantRemoved}
    for model in sealed_versions():
        assert model.closed_schema
        assert model.topic == model.clear_model.topic
        assert {"display_name", "email", "new_email", "identity_for_matching", "identity_for_partner", "languages",
                "region", "reason"} & set(model.model_fields) == set()


def test_a_sealed_event_carries_no_personal_value_in_its_bytes_and_opens_into_the_same_event():
    event, key = contact(), new_data_key()
    sealed = seal_event(event, "key-1", key)
    assert isinstance(sealed, contract.ContactDetailsChangedV4)
    raw = sealed.to_json()
    for value in (b"Ana Reyes", b"ana.reyes@example.org", b"Mixteca", b"she/her", b"Loves anatomy", b"Chicago"):
        assert value not in raw
    assert str(event.person_id).encode() in raw and sealed.key_id == "key-1"
    opened = open_event(decode(raw), key)  # type: ignore[arg-type]
    assert opened == event
    assert type(opened) is contract.ContactDetailsChangedV3


def test_matching_profiles_and_email_changes_are_sealed_too():
    key = new_data_key()
    event = profile()
    sealed = seal_event(event, "k", key)
    assert b"Zapote" not in sealed.to_json() and b"Oaxaca" not in sealed.to_json()
    assert open_event(sealed, key) == event
    change = contract.EmailChangeRequested(
        person_id=uuid4(), chapter_id=None, display_name="Ana", new_email="new@example.org",
        confirmation_path="/account/email/confirm?token=secret", expires_at="2030-01-01T00:00:00Z")
    sealed_change = seal_event(change, "k", key)
    assert b"new@example.org" not in sealed_change.to_json() and b"secret" not in sealed_change.to_json()
    assert open_event(sealed_change, key) == change


def test_a_sealed_event_does_not_open_with_another_key_nor_as_another_person_nor_tampered_with():
    event, key = contact(), new_data_key()
    sealed = seal_event(event, "k", key)
    with pytest.raises(CannotOpen):
        open_event(sealed, new_data_key())
    with pytest.raises(CannotOpen):
        open_event(sealed.model_copy(update={"person_id": uuid4()}), key)
    raw = bytearray(base64.urlsafe_b64decode(sealed.sealed))
    raw[-1] ^= 1
    with pytest.raises(CannotOpen):
        open_event(sealed.model_copy(update={"sealed": base64.urlsafe_b64encode(bytes(raw)).decode()}), key)


def test_each_seal_of_the_same_event_differs():
    event, key = contact(), new_data_key()
    assert seal_event(event, "k", key).sealed != seal_event(event, "k", key).sealed


def test_the_sealed_schema_is_closed():
    schema = contract.MatchingProfileChangedV3.model_json_schema(mode="serialization")
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == set(schema["properties"])
    assert issubclass(contract.MatchingProfileChangedV3, SealedEvent)
    assert json.loads(seal_event(profile(), "k", new_data_key()).to_json())["schema_version"] == 3


def test_the_readers_of_data_keys_are_the_consumers_of_restricted_topics_and_profiles_knows_their_public_keys():
    # And events, which seals the organiser's reason it publishes on events.access under the registrant's key.
    assert key_readers() == {"matching", "notifications", "events"}
    seeds = {"matching": new_secret_key(), "notifications": new_secret_key()}
    readers = parse_readers(readers_setting(seeds))
    token = auth.mint(private_pem(seeds["matching"]), audience="profiles", role="service", subject="matching")
    assert auth.verify(readers["matching"], token, audience="profiles").subject == "matching"
    with pytest.raises(Exception, match="invalid bearer token"):
        auth.verify(readers["notifications"], token, audience="profiles")
    with pytest.raises(ValueError):
        parse_readers(new_secret_key())


def test_while_a_readers_service_key_is_rotated_profiles_trusts_its_old_and_new_keys_named_twice():
    old, new = new_secret_key(), new_secret_key()
    both = f"{readers_setting({'matching': old})},{readers_setting({'matching': new})}"
    readers = parse_readers(both)
    for seed in (old, new):
        token = auth.mint(private_pem(seed), audience="profiles", role="service", subject="matching")
        assert auth.verify(readers["matching"], token, audience="profiles").subject == "matching"
    stranger = auth.mint(private_pem(new_secret_key()), audience="profiles", role="service", subject="matching")
    with pytest.raises(Exception, match="invalid bearer token"):
        auth.verify(readers["matching"], stranger, audience="profiles")


def test_the_readers_command_prints_what_profiles_trusts_derived_from_the_readers_own_service_keys(monkeypatch, capsys):
    seeds = {reader: new_secret_key() for reader in key_readers()}
    for reader, seed in seeds.items():
        monkeypatch.setenv(f"{reader.upper()}_SERVICE_KEY", seed)
    assert personal_data.main(["readers"]) == 0
    printed = capsys.readouterr().out
    assert printed == f"{readers_setting(seeds)}\n"
    assert not any(seed in printed for seed in seeds.values()), "only the public keys"


def test_the_readers_command_names_the_service_key_it_lacks_in_one_line(monkeypatch, capsys):
    for reader in key_readers():
        monkeypatch.setenv(f"{reader.upper()}_SERVICE_KEY", new_secret_key())
    monkeypatch.delenv("NOTIFICATIONS_SERVICE_KEY")
    with pytest.raises(SystemExit) as stopped:
        personal_data.main(["readers"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "NOTIFICATIONS_SERVICE_KEY" in err


@pytest.mark.parametrize("seed", ["not base64 at all!", base64.urlsafe_b64encode(os.urandom(48)).decode()],
                         ids=["malformed", "48 bytes"])
def test_a_service_key_that_is_not_an_ed25519_seed_is_refused_by_its_variable(seed):
    with pytest.raises(ConfigurationError, match="MATCHING_SERVICE_KEY"):
        PersonKeys("http://profiles", service="matching", service_key=seed)
