"""A subscriber without Python validates our messages with the exported JSON Schemas, and they say enough.

The newest version of every event has a closed schema: the envelope and every other field required, no other
field allowed. So a message without an id, or with a field nobody vetted (an email on a public topic), fails
a plain JSON Schema validator. Decoding in Python stays tolerant of fields it does not know.

The validator is `jsonschema`'s, as a subscriber in any language would use one.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

import pytest
from jsonschema import Draft202012Validator
from mentorship_contracts import decode, registered_events, schemas
from mentorship_contracts.envelope import IntegrationEvent

ENVELOPE = ["event_id", "event_type", "schema_version", "occurred_at", "producer", "correlation_id"]


def identity(model: type[IntegrationEvent]) -> tuple[str, int]:
    return model.model_fields["event_type"].default, model.model_fields["schema_version"].default


def newest_versions() -> list[type[IntegrationEvent]]:
    newest: dict[str, type[IntegrationEvent]] = {}
    for model in registered_events():
        event_type, version = identity(model)
        if event_type not in newest or version > identity(newest[event_type])[1]:
            newest[event_type] = model
    return list(newest.values())


def exported(model: type[IntegrationEvent]) -> dict:
    """The schema a subscriber downloads: the latest committed revision of the version."""
    event_type, version = identity(model)
    first = schemas.SCHEMAS_DIR / event_type / f"v{version}.json"
    return json.loads(schemas._revisions(first)[-1].read_text())


def errors(instance: Any, schema: dict) -> list[str]:
    """What a plain JSON Schema validator (2020-12, formats checked) finds wrong with `instance`."""
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [error.message for error in validator.iter_errors(instance)]


# --- messages as a producer sends them ----------------------------------------------------------------------
def sample(schema: Any, root: dict) -> Any:
    """A value valid under `schema`, with every property present."""
    while "$ref" in schema:
        target = root
        for token in schema["$ref"].removeprefix("#/").split("/"):
            target = target[token]
        schema = target
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][-1]
    if "anyOf" in schema:
        return sample(next(a for a in schema["anyOf"] if a.get("type") != "null"), root)
    kind = schema.get("type")
    if kind == "string":
        return {"uuid": str(uuid4()), "date-time": "2026-11-22T09:00:00Z"}.get(schema.get("format"), "text")
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 1), min(schema.get("maximum", 1), 1))
    if kind == "boolean":
        return True
    if kind == "array":
        return [sample(schema.get("items", {"type": "string"}), root)]
    if kind == "object":
        return {name: sample(p, root) for name, p in schema.get("properties", {}).items()}
    raise ValueError(f"no sample for {schema}")


def produced(model: type[IntegrationEvent]) -> dict:
    """The message value a producer of `model` publishes: built as a service builds it, serialised as the outbox does."""
    schema = model.model_json_schema()
    event = model.model_validate(sample(schema, schema) | {"correlation_id": "req-1"})
    return json.loads(event.to_json())


# --- the tests ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("model", registered_events(), ids=lambda m: f"{m.__name__}")
def test_every_message_a_producer_sends_is_valid_under_its_exported_schema(model):
    assert errors(produced(model), exported(model)) == []


@pytest.mark.parametrize("model", newest_versions(), ids=lambda m: f"{m.__name__}")
def test_the_newest_version_of_every_event_requires_the_envelope_and_admits_no_other_field(model):
    schema = exported(model)
    assert schema["additionalProperties"] is False
    assert set(ENVELOPE) <= set(schema["required"]) and set(schema["required"]) == set(schema["properties"])
    assert {"type": "null"} in schema["properties"]["correlation_id"]["anyOf"]

    message = produced(model)
    without_id = {name: value for name, value in message.items() if name != "event_id"}
    assert "'event_id' is a required property" in errors(without_id, schema)
    unknown = next(name for name in ("email", "home_address") if name not in schema["properties"])  # contacts has email
    assert any(f"'{unknown}' was unexpected" in e for e in errors(message | {unknown: "sam@example.org"}, schema))
    for name in ENVELOPE:
        assert errors({k: v for k, v in message.items() if k != name}, schema), f"a message without {name} passed"
    assert errors(message | {"correlation_id": None}, schema) == []


@pytest.mark.parametrize("model", newest_versions(), ids=lambda m: f"{m.__name__}")
def test_decoding_reads_every_version_and_still_ignores_a_field_it_does_not_know(model):
    event_type, version = identity(model)
    for older in (m for m in registered_events() if identity(m)[0] == event_type):
        assert type(decode(produced(older))) is older
    tolerated = decode(produced(model) | {"added_by_a_later_producer": 42})
    assert type(tolerated) is model and not hasattr(tolerated, "added_by_a_later_producer")


def test_an_event_with_a_closed_schema_is_built_and_serialised_like_any_other():
    from mentorship_contracts.matching import PairingConfirmed, PairingConfirmedV3

    facts = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=uuid4(), mentor_id=uuid4(),
                 score=80, term_ends_at="2027-11-22T00:00:00Z", pairing_kind="clinical")
    event = PairingConfirmedV3(**facts)
    assert isinstance(event, PairingConfirmed) and event.schema_version == 3 and isinstance(event.event_id, UUID)
    assert decode(event.to_json()) == event
    assert errors(json.loads(event.to_json()), exported(PairingConfirmedV3)) == []
