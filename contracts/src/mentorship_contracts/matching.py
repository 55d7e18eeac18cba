"""Integration events published by the matching service."""

from typing import Literal
from uuid import UUID

from pydantic import Field

from .envelope import IntegrationEvent, register

PAIRINGS = "matching.pairings"
WAITLIST = "matching.waitlist"


class _PairingEvent(IntegrationEvent):
    topic = PAIRINGS
    key_field = "pairing_id"
    producer: str = "matching"

    pairing_id: UUID
    program_id: UUID
    chapter_id: UUID | None
    mentee_id: UUID
    mentor_id: UUID


@register
class PairingProposed(_PairingEvent):
    event_type: Literal["matching.pairing_proposed"] = "matching.pairing_proposed"
    schema_version: Literal[1] = 1

    score: int = Field(ge=0, le=100)
    reason_codes: list[str] = Field(default_factory=list, description="Why this pair, e.g. specialty_overlap, near_peer")


@register
class PairingConfirmed(_PairingEvent):
    event_type: Literal["matching.pairing_confirmed"] = "matching.pairing_confirmed"
    schema_version: Literal[1] = 1

    score: int = Field(ge=0, le=100)
    reason_codes: list[str] = Field(default_factory=list)


@register
class MenteeWaitlisted(IntegrationEvent):
    topic = WAITLIST
    key_field = "enrollment_id"
    producer: str = "matching"
    event_type: Literal["matching.mentee_waitlisted"] = "matching.mentee_waitlisted"
    schema_version: Literal[1] = 1

    enrollment_id: UUID
    program_id: UUID
    chapter_id: UUID | None
    mentee_id: UUID
    position: int = Field(ge=1)
