"""A dead letter is kept two weeks, and erasing a person (deleting their data key) cannot reach its headers: the
error it carries says which field and what kind of problem, or which constraint, never a value it was about."""

import base64
import json
import os
from uuid import uuid4

import asyncpg
import httpx
from aiokafka.structs import ConsumerRecord
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from mentorship_contracts import IntegrationEvent, message_headers
from mentorship_contracts import profiles as contract
from plumbing import dead_letters
from plumbing.consumer import EventConsumer, RetryPolicy
from plumbing.errors import Conflict
from plumbing.metrics import Metrics
from plumbing.person_keys import PersonKeys
from plumbing.personal_data import NONCE_BYTES, new_data_key, seal_event
from plumbing.settings import new_secret_key

from .test_opening_sealed_events import Profiles

NAME, EMAIL, ORIENTATION = "Alice Example", "alice@example.org", "gay"
PERSONAL = (NAME, EMAIL, "alice", ORIENTATION)


class RecordingBroker:
    def __init__(self) -> None:
        self.headers: list[dict[str, str]] = []

    async def publish(self, value, topic, *, key=None, headers=None) -> None:
        self.headers.append(headers or {})


def record_of(event: IntegrationEvent, value: bytes | None = None) -> ConsumerRecord:
    headers = [(k, v.encode()) for k, v in message_headers(str(event.event_id), event.event_type).items()]
    return ConsumerRecord(event.topic, 0, 3, 0, 0, event.key.encode(), value if value is not None else event.to_json(),
                          None, 0, 0, headers)


def a_contact() -> contract.ContactDetailsChangedV3:
    return contract.ContactDetailsChangedV3(person_id=uuid4(), chapter_id=None, display_name=NAME, email=EMAIL,
                                            identity_for_partner={"sexual_orientation": ORIENTATION})


def sealed_with(event: contract.ContactDetailsChangedV3, key: bytes, **personal_changes):
    """The event sealed under `key`, its sealed fields as given: what a faulty producer could seal."""
    sealed = seal_event(event, "k", key)
    personal = {**event.model_dump(mode="json", include=set(type(sealed).personal_fields())), **personal_changes}
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, json.dumps(personal).encode(), event.person_id.bytes)
    return sealed.model_copy(update={"sealed": base64.urlsafe_b64encode(nonce + ciphertext).decode()})


def a_consumer(broker: RecordingBroker, profiles: Profiles | None = None) -> EventConsumer:
    async def handle(event, transaction) -> None: ...

    keys = PersonKeys("http://profiles", service="notifications", service_key=new_secret_key(),
                      transport=httpx.MockTransport(profiles or Profiles({})))
    return EventConsumer(group="notifications", handlers={contract.ContactDetailsChanged: handle},
                         pool_provider=lambda: None, broker=broker,  # type: ignore[arg-type]
                         metrics=Metrics("notifications"), retry=RetryPolicy(2, 0.001), person_keys=keys)


def assert_no_personal_data(error: str) -> None:
    assert not [value for value in PERSONAL if value.lower() in error.lower()], error
    assert "input_value" not in error and "input" not in error.lower().split(), error


async def test_a_sealed_event_that_opens_into_an_invalid_event_is_dead_lettered_naming_the_field_never_its_value():
    event, key = a_contact(), new_data_key()
    forged = sealed_with(event, key, display_name=[NAME], identity_for_partner={"sexual_orientation": [ORIENTATION]})
    broker = RecordingBroker()
    await a_consumer(broker, Profiles({event.person_id: ("k", key)})).consume((record_of(forged),))

    (headers,) = broker.headers
    error = headers[f"{dead_letters.PREFIX}error"]
    assert_no_personal_data(error)
    assert error.startswith("ValidationError")
    assert "identity_for_partner.sexual_orientation" in error and "display_name" in error and "string_type" in error


async def test_a_clear_event_that_is_not_valid_is_dead_lettered_naming_the_field_never_its_value():
    event = contract.ContactDetailsChanged(person_id=uuid4(), chapter_id=None, display_name=NAME, email=EMAIL,
                                           identity_for_partner={"sexual_orientation": ORIENTATION})
    value = json.loads(event.to_json())
    value["identity_for_partner"] = {"sexual_orientation": [ORIENTATION]}
    value["email"] = {"address": EMAIL}
    broker = RecordingBroker()
    await a_consumer(broker).consume((record_of(event, json.dumps(value).encode()),))

    (headers,) = broker.headers
    error = headers[f"{dead_letters.PREFIX}error"]
    assert_no_personal_data(error)
    assert "identity_for_partner.sexual_orientation" in error and "email" in error


def error_header_for(error: Exception) -> str:
    event = contract.PersonUpdated(person_id=uuid4(), chapter_id=None, stage="resident", changed_fields=["bio"])
    return dead_letters.headers(record_of(event), "notifications", "failed", error)[f"{dead_letters.PREFIX}error"]


def test_a_database_error_names_its_state_and_constraint_never_the_key_it_quotes():
    error = asyncpg.UniqueViolationError.new({
        "M": 'duplicate key value violates unique constraint "people_email_key"', "C": "23505",
        "D": f"Key (lower(email))=({EMAIL}) already exists.", "s": "public", "t": "people", "n": "people_email_key"})
    said = error_header_for(error)
    assert_no_personal_data(said)
    assert "UniqueViolationError" in said and "23505" in said and "people_email_key" in said and "people" in said


def test_a_database_error_whose_message_quotes_the_input_keeps_only_its_state_and_names():
    error = asyncpg.InvalidTextRepresentationError.new({
        "M": f'invalid input syntax for type uuid: "{EMAIL}"', "C": "22P02"})
    said = error_header_for(error)
    assert_no_personal_data(said)
    assert "InvalidTextRepresentationError" in said and "22P02" in said


def test_any_other_error_is_named_by_its_type_and_where_it_was_raised_never_by_its_message():
    def find(email: str) -> None:
        raise LookupError(f"no person with the address {email}")

    try:
        find(EMAIL)
    except LookupError as error:
        said = error_header_for(error)
    assert_no_personal_data(said)
    assert said.startswith("LookupError") and "find" in said and "test_dead_letters_keep_no_personal_data.py" in said


def test_a_domain_error_is_named_by_its_code_and_field_never_its_message():
    said = error_header_for(Conflict(f"{EMAIL} is already registered as {NAME}", field="email"))
    assert_no_personal_data(said)
    assert "Conflict" in said and "conflict" in said and "email" in said


def test_an_error_raised_from_another_names_both_by_type():
    try:
        try:
            raise KeyError(EMAIL)
        except KeyError as cause:
            raise RuntimeError(f"could not notify {NAME}") from cause
    except RuntimeError as error:
        said = error_header_for(error)
    assert_no_personal_data(said)
    assert "RuntimeError" in said and "KeyError" in said
