"""A subscriber without Python validates our messages with the exported JSON Schemas, and they say enough.

The newest version of every event has a closed schema: the envelope and every other field required, no other
field allowed. So a message without an id, or with a field nobody vetted (an email on a public topic), fails
a plain JSON Schema validator. Decoding in Python stays tolerant of fields it does not know.

The validator here is a strict subset of JSON Schema 2020-12, enough for what pydantic emits: it refuses a
keyword it does not know rather than pass it unnoticed. (The `jsonschema` package is not a dependency of the
workspace.)
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
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


# --- a plain JSON Schema validator --------------------------------------------------------------------------
_ANNOTATIONS = {"title", "description", "default", "examples", "$defs", "$schema", "$id", "deprecated", "readOnly"}
_TYPES = {
    "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _date_time(value: str) -> bool:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None and "T" in value.upper()
    except ValueError:
        return False


_FORMATS = {"uuid": _UUID.match, "date-time": _date_time}


def errors(instance: Any, schema: Any, root: dict | None = None, at: str = "") -> list[str]:
    """Why `instance` is not valid under `schema`; empty if it is."""
    root = schema if root is None else root
    if schema is True or schema == {}:
        return []
    if schema is False:
        return [f"{at or '/'}: nothing is allowed here"]
    found: list[str] = []
    for keyword, value in schema.items():
        if keyword in _ANNOTATIONS:
            continue
        if keyword == "$ref":
            target = root
            for token in value.removeprefix("#/").split("/"):
                target = target[token]
            found += errors(instance, target, root, at)
        elif keyword == "type":
            if not any(_TYPES[name](instance) for name in ([value] if isinstance(value, str) else value)):
                found.append(f"{at or '/'}: {instance!r} is not of type {value}")
        elif keyword == "const":
            if instance != value or type(instance) is not type(value):
                found.append(f"{at or '/'}: {instance!r} is not {value!r}")
        elif keyword == "enum":
            if instance not in value:
                found.append(f"{at or '/'}: {instance!r} is not one of {value}")
        elif keyword in ("anyOf", "oneOf", "allOf"):
            matched = sum(not errors(instance, alternative, root, at) for alternative in value)
            wanted = {"anyOf": matched >= 1, "oneOf": matched == 1, "allOf": matched == len(value)}[keyword]
            if not wanted:
                found.append(f"{at or '/'}: {keyword} fails ({matched} of {len(value)} alternatives match)")
        elif keyword == "format":
            if isinstance(instance, str) and not _FORMATS[value](instance):
                found.append(f"{at or '/'}: {instance!r} is not a {value}")
        elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if _TYPES["number"](instance) and not {
                "minimum": instance >= value, "maximum": instance <= value,
                "exclusiveMinimum": instance > value, "exclusiveMaximum": instance < value,
            }[keyword]:
                found.append(f"{at or '/'}: {instance!r} breaks {keyword} {value}")
        elif keyword in ("minLength", "maxLength", "minItems", "maxItems"):
            if isinstance(instance, str if keyword.endswith("Length") else list) and not (
                len(instance) >= value if keyword.startswith("min") else len(instance) <= value
            ):
                found.append(f"{at or '/'}: length {len(instance)} breaks {keyword} {value}")
        elif keyword == "uniqueItems":
            if value and isinstance(instance, list):
                canonical = [json.dumps(item, sort_keys=True) for item in instance]
                if len(set(canonical)) != len(canonical):
                    found.append(f"{at or '/'}: items repeat")
        elif keyword == "items":
            if isinstance(instance, list):
                start = len(schema.get("prefixItems", ()))
                for i, item in enumerate(instance[start:], start):
                    found += errors(item, value, root, f"{at}/{i}")
        elif keyword == "prefixItems":
            if isinstance(instance, list):
                for i, (item, item_schema) in enumerate(zip(instance, value)):
                    found += errors(item, item_schema, root, f"{at}/{i}")
        elif keyword == "properties":
            if isinstance(instance, dict):
                for name, property_schema in value.items():
                    if name in instance:
                        found += errors(instance[name], property_schema, root, f"{at}/{name}")
        elif keyword == "required":
            if isinstance(instance, dict):
                found += [f"{at or '/'}: '{name}' is required" for name in value if name not in instance]
        elif keyword == "additionalProperties":
            if isinstance(instance, dict):
                for name in instance.keys() - schema.get("properties", {}).keys():
                    found += errors(instance[name], value, root, f"{at}/{name}") if value is not False else [
                        f"{at or '/'}: '{name}' is not allowed (additionalProperties: false)"]
        else:
            raise ValueError(f"{at or '/'}: this validator does not know the keyword {keyword!r}")
    return found


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
def test_the_validator_rejects_what_json_schema_rejects():
    schema = {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"}, "n": {"type": "integer",
              "minimum": 1}}, "required": ["id"], "additionalProperties": False}
    assert errors({"id": str(uuid4()), "n": 2}, schema) == []
    assert errors({"n": 2}, schema) and errors({"id": "nope"}, schema) and errors({"id": str(uuid4()), "n": 0}, schema)
    assert errors({"id": str(uuid4()), "extra": 1}, schema) and errors({"id": str(uuid4()), "n": True}, schema)
    with pytest.raises(ValueError, match="patternProperties"):
        errors({}, {"patternProperties": {}})


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
    assert any("'event_id' is required" in e for e in errors(without_id, schema))
    unknown = next(name for name in ("email", "home_address") if name not in schema["properties"])  # contacts has email
    assert any(f"'{unknown}' is not allowed" in e for e in errors(message | {unknown: "sam@example.org"}, schema))
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
