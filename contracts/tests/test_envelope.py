"""The envelope: ids, times, versions, and decoding that rejects what is not an event."""

import json
from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

import pytest
from mentorship_contracts import IncompleteEnvelope, SealedEvent, UnknownEventType, decode, registered_events
from mentorship_contracts.matching import PairingConfirmed, PairingConfirmedV2
from mentorship_contracts.profiles import PersonRegistered
from mentorship_contracts.vocabulary import PairingKind
from pydantic import ValidationError


def test_an_event_gets_an_id_a_utc_time_and_its_type_and_version():
    event = PersonRegistered(person_id=uuid4(), chapter_id=None, stage="medical_student_3")
    assert event.event_type == "profiles.person_registered"
    assert event.schema_version == 1
    assert event.occurred_at.tzinfo is not None and event.occurred_at.utcoffset() == timedelta(0)
    assert event.producer == "profiles"


def test_a_time_in_another_zone_is_stored_in_utc():
    local = datetime(2026, 11, 22, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    event = PersonRegistered(person_id=uuid4(), chapter_id=None, stage="resident", occurred_at=local)
    assert event.occurred_at == local and event.occurred_at.tzinfo == UTC


def test_events_are_immutable():
    event = PersonRegistered(person_id=uuid4(), chapter_id=None, stage="resident")
    with pytest.raises(ValidationError):
        event.stage = "attending"


def test_an_event_survives_the_round_trip_through_json():
    event = PersonRegistered(person_id=uuid4(), chapter_id=uuid4(), stage="fellow", correlation_id="abc")
    assert decode(event.to_json()) == event


def test_a_newer_producer_adding_a_field_does_not_break_an_older_consumer():
    data = json.loads(PersonRegistered(person_id=uuid4(), chapter_id=None, stage="fellow").to_json())
    data["added_in_a_later_minor_change"] = 42
    assert isinstance(decode(data), PersonRegistered)


@pytest.mark.parametrize(
    "raw",
    [b"[1, 2]", json.dumps({"event_type": "nobody.knows", "schema_version": 1}).encode()],
)
def test_a_message_that_is_not_a_known_event_is_rejected_with_a_reason(raw):
    with pytest.raises(UnknownEventType):
        decode(raw)


@pytest.mark.parametrize("field", ["event_id", "occurred_at", "producer"])
def test_a_message_without_an_envelope_field_is_rejected_not_given_one_made_up(field):
    # An event_id made up on reading differs at each reading: the repeat it is there to catch would be applied twice.
    data = json.loads(PersonRegistered(person_id=uuid4(), chapter_id=None, stage="fellow").to_json())
    with pytest.raises(IncompleteEnvelope, match=field):
        decode({k: v for k, v in data.items() if k != field})


def test_a_known_event_type_without_its_version_is_rejected_as_incomplete_not_as_unknown():
    data = json.loads(PersonRegistered(person_id=uuid4(), chapter_id=None, stage="fellow").to_json())
    with pytest.raises(IncompleteEnvelope, match="schema_version"):
        decode({k: v for k, v in data.items() if k != "schema_version"})


def test_a_known_event_with_a_bad_field_is_rejected_naming_the_field():
    data = json.loads(PersonRegistered(person_id=uuid4(), chapter_id=None, stage="fellow").to_json())
    data["stage"] = "astronaut"
    with pytest.raises(ValidationError, match="stage"):
        decode(data)


def test_every_later_version_of_an_event_subclasses_the_version_before_so_code_for_it_reads_the_new_one():
    by_identity = {(m.model_fields["event_type"].default, m.model_fields["schema_version"].default): m
                   for m in registered_events()}
    later = [(identity, model) for identity, model in by_identity.items() if identity[1] > 1]
    assert later
    for (event_type, version), model in later:
        if issubclass(model, SealedEvent):  # a sealed version opens into the one before (our consumers do it)
            assert model.clear_model is by_identity[(event_type, version - 1)], model.__name__
            continue
        assert issubclass(model, by_identity[(event_type, version - 1)]), model.__name__


def test_a_pairing_decodes_to_version_2_with_its_kind_and_without_one_is_general():
    facts = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=uuid4(), mentor_id=uuid4(),
                 score=80, term_ends_at="2027-11-22T00:00:00Z")
    clinical = decode(PairingConfirmedV2(**facts, pairing_kind="clinical").to_json())
    assert isinstance(clinical, PairingConfirmedV2) and clinical.pairing_kind is PairingKind.CLINICAL
    assert isinstance(clinical, PairingConfirmed)
    unnamed = json.loads(PairingConfirmed(**facts).to_json()) | {"schema_version": 2}
    assert decode(unnamed).pairing_kind is PairingKind.GENERAL


def test_the_kind_of_a_pairing_reads_alike_from_every_version_and_version_1_means_general():
    from mentorship_contracts.matching import PairingEnded, PairingProposed, PairingProposedV2, pairing_kind_of
    from mentorship_contracts.profiles import EnrollmentCreated, EnrollmentCreatedV2

    facts = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=uuid4(), mentor_id=uuid4())
    assert pairing_kind_of(PairingProposed(**facts, score=70)) is PairingKind.GENERAL
    assert pairing_kind_of(PairingProposedV2(**facts, score=70, pairing_kind="research")) is PairingKind.RESEARCH
    enrollment = dict(enrollment_id=uuid4(), person_id=uuid4(), program_id=uuid4(), chapter_id=None, role="mentee",
                      stage="undergraduate")
    assert pairing_kind_of(EnrollmentCreated(**enrollment)) is PairingKind.GENERAL
    assert pairing_kind_of(EnrollmentCreatedV2(**enrollment, pairing_kind="clinical")) is PairingKind.CLINICAL
    with pytest.raises(TypeError, match="PairingEnded"):
        pairing_kind_of(PairingEnded(**facts, ended_by="mentor", reason_code="moved_away"))
