"""Public topics carry no contact data and no identity attributes; restricted ones reach only their named consumers."""

from typing import Literal
from uuid import UUID

import pytest
from mentorship_contracts import CATALOGUE, Classification, IntegrationEvent, registered_events
from mentorship_contracts.envelope import private_twin_of
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


@pytest.mark.parametrize("model", registered_events(), ids=lambda m: f"{m.__name__}")
def test_every_event_is_keyed_as_its_topic_says_by_an_id_it_always_carries(model):
    field = model.model_fields[model.key_field]
    assert model.key_field == BY_NAME[model.topic].key
    assert field.is_required() and field.annotation is UUID


def test_a_programs_pairings_and_waitlist_places_share_a_key_so_they_are_read_in_the_order_they_happened():
    from mentorship_contracts.matching import MenteeWaitlistedV2, PairingConfirmedV2, PairingEnded

    program, mentor = UUID(int=1), UUID(int=2)
    ended = PairingEnded(pairing_id=UUID(int=3), program_id=program, chapter_id=None, mentee_id=UUID(int=4),
                         mentor_id=mentor, ended_by="mentee", reason_code="schedule")
    confirmed = PairingConfirmedV2(pairing_id=UUID(int=5), program_id=program, chapter_id=None, mentee_id=UUID(int=6),
                                   mentor_id=mentor, score=80, term_ends_at="2027-11-22T00:00:00Z")
    waiting = MenteeWaitlistedV2(enrollment_id=UUID(int=7), program_id=program, chapter_id=None, mentee_id=UUID(int=8),
                                 position=1)
    assert ended.key == confirmed.key == waiting.key == str(program)


PEOPLE_FIELDS = ("person_id", "mentee_id", "mentor_id")


def _newest_versions() -> list[type[IntegrationEvent]]:
    newest: dict[str, type[IntegrationEvent]] = {}
    for model in registered_events():
        event_type = model.model_fields["event_type"].default
        if event_type not in newest or model.model_fields["schema_version"].default > \
                newest[event_type].model_fields["schema_version"].default:
            newest[event_type] = model
    return list(newest.values())


@pytest.mark.parametrize("model", [m for m in _newest_versions() if m in PUBLIC_EVENTS
                                   and "program_id" in m.model_fields
                                   and any(f in m.model_fields for f in PEOPLE_FIELDS)], ids=lambda m: m.__name__)
def test_a_public_event_saying_who_takes_part_in_a_program_has_a_private_twin_for_programs_that_keep_it(model):
    twin = private_twin_of(model)
    assert twin is not None and issubclass(twin, model)
    assert BY_NAME[twin.topic].classification is Classification.RESTRICTED


def test_who_books_whose_office_hour_is_for_notifications_alone():
    office_hours = BY_NAME["events.office-hours"]
    assert office_hours.classification is Classification.RESTRICTED and office_hours.consumers == ("notifications",)
