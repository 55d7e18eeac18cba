"""Public topics carry no contact data and no identity attributes; restricted ones reach only their named consumers."""

from typing import Literal
from uuid import UUID

import pytest
from mentorship_contracts import CATALOGUE, Classification, IntegrationEvent, registered_events
from mentorship_contracts.policy import public_field_violations
from mentorship_contracts.topics import BY_NAME

PUBLIC_EVENTS = [m for m in registered_events() if BY_NAME[m.topic].classification is Classification.PUBLIC]


@pytest.mark.parametrize("model", PUBLIC_EVENTS, ids=lambda m: m.__name__)
def test_every_public_event_carries_only_allowed_fields(model):
    assert public_field_violations(model) == []


def test_a_public_event_that_leaks_an_email_or_an_identity_attribute_is_caught():
    class LeakyPairingConfirmed(IntegrationEvent):
        topic = "matching.pairings"
        key_field = "pairing_id"
        event_type: Literal["test.leaky"] = "test.leaky"
        schema_version: Literal[1] = 1
        producer: str = "matching"

        pairing_id: UUID
        mentee_email: str
        sexual_orientation: str
        favourite_colour: str  # not personal, but nobody vetted it for a public topic

    assert public_field_violations(LeakyPairingConfirmed) == ["mentee_email", "sexual_orientation", "favourite_colour"]


def test_every_event_belongs_to_a_catalogued_topic_owned_by_its_producer():
    for model in registered_events():
        topic = BY_NAME[model.topic]
        assert model.model_fields["producer"].default == topic.owner, model.__name__


def test_every_topic_has_events_and_restricted_topics_name_their_consumers():
    for topic in CATALOGUE:
        assert topic.events, f"{topic.name} carries no event"
        if topic.classification is Classification.RESTRICTED:
            assert topic.consumers, f"{topic.name} is restricted but names no consumer"


def test_the_key_of_an_event_is_its_aggregate_id():
    from mentorship_contracts.profiles import PersonRegistered

    person = UUID("11111111-1111-1111-1111-111111111111")
    event = PersonRegistered(person_id=person, chapter_id=None, stage="undergraduate")
    assert event.key == str(person)
