"""Notifications and what makes each one unique. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid5

_NAMESPACE = UUID("0d7c6a52-55f5-4c8e-9a57-3b0d8a1f2c11")

MAX_ATTEMPTS = 5


def idempotency_key(event_id: UUID, person_id: UUID, kind: str) -> str:
    """The same event, for the same person and kind, always yields the same key: it is sent at most once."""
    return f"{kind}:{event_id}:{person_id}"


def notification_id(key: str) -> UUID:
    return uuid5(_NAMESPACE, key)


@dataclass(frozen=True)
class Notification:
    id: UUID
    idempotency_key: str
    person_id: UUID
    chapter_id: UUID | None
    kind: str
    parameters: dict
    attempts: int = 0

    @classmethod
    def answering(cls, event_id: UUID, person_id: UUID, chapter_id: UUID | None, kind: str, **parameters) -> Notification:
        key = idempotency_key(event_id, person_id, kind)
        return cls(notification_id(key), key, person_id, chapter_id, kind, parameters)


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    message_id: str
