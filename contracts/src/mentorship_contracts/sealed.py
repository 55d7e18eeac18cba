"""Sealed versions of restricted events: their personal fields travel encrypted under a key of the person's own.

Profiles holds one data key per person (AES-256) and destroys it when the person is erased: every copy of their
sealed events left on a topic for its retention is unreadable from then on (crypto-shredding). A sealed version
keeps in clear what routes and orders the event (the envelope, `person_id`, non-personal ids and times) and carries
the rest, the fields of its `clear_model` that it does not have itself, in `sealed`:

    sealed = base64url(nonce (12 bytes) || AES-256-GCM(key, nonce, JSON of the personal fields,
                                                        associated data = the 16 bytes of person_id))

`key_id` names the key. Opening a sealed event gives back its clear version, with the same envelope
(`plumbing.personal_data.open_event`); our consumers do that before their handlers run, with the key they ask
profiles for (`GET /v1/data-keys`, for the consumers the topic catalogue names only).
"""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from pydantic import Field

from .envelope import IntegrationEvent, registered_events


class SealedEvent(IntegrationEvent):
    """Base of the sealed versions: `clear_model` is the clear version it opens into."""

    clear_model: ClassVar[type[IntegrationEvent]]
    closed_schema = True

    person_id: UUID = Field(description="The person's id; its 16 bytes are the associated data of `sealed`")
    key_id: str = Field(description="The id of the person's data key the personal fields are sealed under")
    sealed: str = Field(
        description="The personal fields of the clear version, as JSON, sealed with AES-256-GCM under the person's "
                    "data key: base64url of the 12-byte nonce followed by the ciphertext and tag; the associated "
                    "data is the 16 bytes of person_id. Unreadable once the person is erased")

    @classmethod
    def personal_fields(cls) -> frozenset[str]:
        """The fields of the clear version that travel sealed: those this version does not carry in clear."""
        return frozenset(cls.clear_model.model_fields) - frozenset(cls.model_fields)

    @classmethod
    def clear_fields(cls) -> frozenset[str]:
        """The fields of the clear version this version carries in clear (the envelope included)."""
        return frozenset(cls.model_fields) - {"key_id", "sealed", "schema_version"}


def sealed_version_of(model: type[IntegrationEvent]) -> type[SealedEvent] | None:
    """The sealed version a clear event is published as, if its event has one."""
    return next((m for m in registered_events() if issubclass(m, SealedEvent) and m.clear_model is model), None)


def sealed_versions() -> list[type[SealedEvent]]:
    return [m for m in registered_events() if issubclass(m, SealedEvent)]
