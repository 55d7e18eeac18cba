"""The envelope every integration event carries, and the registry that decodes them.

Integration events are facts one service tells others. They are immutable, versioned and
validated on both sides. Consumers ignore fields they do not know, so they keep working while a
producer publishes a newer version beside the old one; a field added or removed is a new
`schema_version` (see `schemas`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal, TypeVar
from uuid import UUID, uuid4, uuid5

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

# Examples' event ids: one per event version, the same each time the schemas are exported.
_EXAMPLES = UUID("0c4e3a51-6b0f-4f4e-8a3d-5d2f7c9e1b20")


def utc_now() -> datetime:
    return datetime.now(UTC)


# Envelope fields each event fixes anew (a Literal default), which drops a description the base class gives them.
_ENVELOPE_DESCRIPTIONS = {
    "event_type": "What happened, as <producer>.<event>: with schema_version, which model and schema to read it by",
    "schema_version": "The version of event_type's contract this event follows; read every version you consume",
    "producer": "The service that produced the event, which owns its topic",
}


def _complete_the_schema(schema: dict[str, Any], model: type) -> None:
    """A version's JSON Schema says what each envelope field means and, with an example, what its producer sends; a
    closed version's, that it sends every field, and no other."""
    for name, description in _ENVELOPE_DESCRIPTIONS.items():
        schema["properties"][name].setdefault("description", description)

    if getattr(model, "closed_schema", False):
        schema["required"] = list(schema["properties"])
        schema["additionalProperties"] = False
    if (example := model.example_value()) is not None:  # type: ignore[attr-defined]
        schema["examples"] = [example]


class IntegrationEvent(BaseModel):
    """Base of every integration event: the envelope fields, then the event's own payload fields.

    A subclass fixes `event_type` and `schema_version` with Literal defaults, names its topic and
    the payload field whose value is the partition key (events with the same key stay in order).

    A version whose `closed_schema` is true publishes a closed JSON Schema: every field required (the producer
    always writes them all), no other allowed. Decoding stays tolerant: a consumer ignores fields it does not
    know. Versions published before schemas were closed stay open, as published; every newest version is closed.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", json_schema_extra=_complete_the_schema)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """A later version whose docstring says only what changed ("Version 2: ...") is described, in its schema and
        the AsyncAPI documents, by what the event means first (its first version's opening paragraph), then that."""
        super().__pydantic_init_subclass__(**kwargs)
        own = (cls.__doc__ or "").strip()
        if own.startswith("Version"):
            meaning = next((base.__doc__.strip().split("\n\n")[0] for base in cls.__mro__[1:]
                            if isinstance(base, type) and issubclass(base, IntegrationEvent)
                            and base is not IntegrationEvent and base.__doc__
                            and not base.__doc__.strip().startswith("Version")), None)
            if meaning:
                cls.__doc__ = f"{meaning}\n\n{own}"
                cls.model_rebuild(force=True)

    topic: ClassVar[str]
    key_field: ClassVar[str]
    closed_schema: ClassVar[bool] = False

    event_id: UUID = Field(default_factory=uuid4, description="Unique id of this event; consumers deduplicate by it")
    event_type: str
    schema_version: int
    occurred_at: AwareDatetime = Field(default_factory=utc_now, description="When the fact happened, UTC")
    producer: str = Field(description="The service that produced the event")
    correlation_id: str | None = Field(default=None, description="Ties together the events of one user action")

    # An example of the event's own fields, as JSON (`example_value` adds the envelope): a realistic value of every
    # field, ids as UUIDs and nobody real. A version inherits its predecessor's, and extends it with what it adds.
    example: ClassVar[dict[str, Any] | None] = None

    @classmethod
    def example_value(cls) -> dict[str, Any] | None:
        """The example as a message value: the envelope, then the event's fields, in the schema's order."""
        if cls.example is None:
            return None
        event_type, version = cls.model_fields["event_type"].default, cls.model_fields["schema_version"].default
        value = {
            "event_id": str(uuid5(_EXAMPLES, f"{event_type}/v{version}")),
            "event_type": event_type,
            "schema_version": version,
            "occurred_at": "2026-12-05T14:30:00Z",
            "producer": cls.model_fields["producer"].default,
            "correlation_id": "6f1d2c3b-8a4e-4f5d-9b7c-2e1a0d9c8b7a",
            **cls.example,
        }
        return {name: value[name] for name in cls.model_fields if name in value}

    @field_validator("occurred_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @property
    def key(self) -> str:
        """The partition key: the value of `key_field` as text; events with the same key stay in order."""
        return str(getattr(self, self.key_field))

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()


CONTENT_TYPE = "application/json"


def message_headers(event_id: str, event_type: str) -> dict[str, str]:
    """The Kafka headers every event is published with, beside its JSON value: its id, to deduplicate, and its
    type, to route, without parsing the value; and the content type."""
    return {"event_id": event_id, "event_type": event_type, "content-type": CONTENT_TYPE}


class UnknownEventType(ValueError):
    pass


_registry: dict[tuple[str, int], type[IntegrationEvent]] = {}


def register(model: type[IntegrationEvent]) -> type[IntegrationEvent]:
    """Class decorator: make the event decodable by `decode`."""
    identity = (model.model_fields["event_type"].default, model.model_fields["schema_version"].default)
    if identity in _registry:
        raise ValueError(f"{identity} is registered twice")
    _registry[identity] = model
    return model


def registered_events() -> list[type[IntegrationEvent]]:
    return list(_registry.values())


Event = TypeVar("Event", bound=IntegrationEvent)

Keeping = Literal["members", "attendees"]
"""What a private twin keeps from other teams: a program's `members` (its producer picks the twin by the event's
`program_id`) or a scheduled event's `attendees` (picked by that event's own setting)."""

# Public versions whose facts, about someone whose taking part is not for other teams to see, go to a restricted
# topic instead, as their private twin; and what each twin keeps private.
_twins: dict[type[IntegrationEvent], type[IntegrationEvent]] = {}
_keeping: dict[type[IntegrationEvent], Keeping] = {}

_WHERE_KEPT: dict[Keeping, str] = {
    "members": "in a program that keeps who takes part from other teams (`members_public` false)",
    "attendees": "of an event whose organiser keeps who registers from other teams (`attendees_public` false)",
}


def private_twin(public: type[Event], topic: str, version: int, *, before: type[IntegrationEvent] | None = None,
                 also_for: tuple[type[IntegrationEvent], ...] = (), keeping: Keeping = "members") -> type[Event]:
    """Register `public`'s private twin: the same fields, on the restricted `topic`, typed `<owner>.private_<name>`
    at `version`. It subclasses `public` (a handler of the public event applies it unchanged) and `before`, its own
    previous version. `also_for` names older public versions still published whose facts the twin holds too;
    `keeping`, what it keeps private."""
    owner, name = public.model_fields["event_type"].default.split(".", 1)
    event_type = f"{owner}.private_{name}"
    namespace = {
        "__module__": public.__module__,
        "__doc__": f"`{public.model_fields['event_type'].default}` (version "
                   f"{public.model_fields['schema_version'].default}) {_WHERE_KEPT[keeping]}: the same facts, on a "
                   "restricted topic.",
        "__annotations__": {"event_type": Literal[event_type], "schema_version": Literal[version]},
        "topic": topic,
        "event_type": event_type,
        "schema_version": version,
    }
    class_name = f"Private{public.__name__.rstrip('0123456789').removesuffix('V')}" + (f"V{version}" if version > 1
                                                                                       else "")
    twin = register(type(class_name, (before, public) if before else (public,), namespace))
    kept: tuple[type[IntegrationEvent], ...] = (public, *also_for)
    _twins.update(dict.fromkeys(kept, twin))
    _keeping[twin] = keeping
    return twin  # type: ignore[return-value]


def private_twin_of(model: type[IntegrationEvent]) -> type[IntegrationEvent] | None:
    return _twins.get(model)


def has_private_twin(event: IntegrationEvent, *, keeping: Keeping) -> bool:
    """Whether `event` has a private twin that keeps `keeping` private: who picks twins of one kind leaves the other
    kind's alone (a registration has no program to look up)."""
    twin = _twins.get(type(event))
    return twin is not None and _keeping[twin] == keeping


def private_twins(keeping: Keeping) -> tuple[type[IntegrationEvent], ...]:
    """Every private twin that keeps `keeping` private: a consumer tells by it whether what it read was public."""
    return tuple(twin for twin, kept in _keeping.items() if kept == keeping)


def as_private(event: IntegrationEvent) -> IntegrationEvent:
    """The private twin of a public event: the same facts and event id, on its restricted topic."""
    twin = _twins[type(event)]
    return twin.model_validate({**event.model_dump(), "event_type": twin.model_fields["event_type"].default,
                                "schema_version": twin.model_fields["schema_version"].default})


class IncompleteEnvelope(ValueError):
    """A message without an envelope field its producer always writes (`event_id`, `occurred_at`, `producer`)."""


# Given by the model when an event is built; a message must carry them: an id made up on reading could not be
# deduplicated by, nor a time of reading stand for when it happened.
_ENVELOPE_SENT = ("event_id", "occurred_at", "producer")


def decode(raw: bytes | str | dict[str, Any]) -> IntegrationEvent:
    """Decode a message value into its event model.

    Raises `UnknownEventType`, `IncompleteEnvelope` or pydantic's `ValidationError` (all `ValueError`s) for a message
    that is not a valid event, so the caller can dead-letter it with the reason. A field it does not know is ignored
    (a later producer's), and a payload field a version left optional takes its default.
    """
    data = json.loads(raw) if isinstance(raw, (bytes, str)) else raw
    if not isinstance(data, dict):
        raise UnknownEventType("message is not a JSON object")
    identity = (data.get("event_type"), data.get("schema_version"))
    model = _registry.get(identity)  # type: ignore[arg-type]
    if model is None and identity[1] is None and any(known == identity[0] for known, _ in _registry):
        raise IncompleteEnvelope("the message has no schema_version")
    if model is None:
        raise UnknownEventType(f"unknown event type/version {identity!r}")
    event = model.model_validate(data)
    if missing := [name for name in _ENVELOPE_SENT if data.get(name) is None]:
        raise IncompleteEnvelope(f"the message has no {', '.join(missing)}")
    return event


__all__ = [
    "CONTENT_TYPE",
    "IncompleteEnvelope",
    "IntegrationEvent",
    "Keeping",
    "UnknownEventType",
    "ValidationError",
    "as_private",
    "decode",
    "has_private_twin",
    "message_headers",
    "private_twin",
    "private_twin_of",
    "private_twins",
    "register",
    "registered_events",
    "utc_now",
]
