"""Integration events published by the events service (career fairs, sessions, office hours)."""

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime

from .envelope import IntegrationEvent, register
from .vocabulary import TrainingStage

CATALOGUE = "events.catalogue"
REGISTRATIONS = "events.registrations"

EventKind = Literal[
    "career_fair",
    "virtual_session",
    "speaker_event",
    "workshop",
    "chapter_session",
    "office_hours",
    "conference",
    "conference_session",
]


@register
class EventPublished(IntegrationEvent):
    topic = CATALOGUE
    key_field = "scheduled_event_id"
    producer: str = "events"
    event_type: Literal["events.event_published"] = "events.event_published"
    schema_version: Literal[1] = 1

    scheduled_event_id: UUID
    chapter_id: UUID | None
    kind: EventKind
    title: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    timezone: str
    capacity: int
    audience_stages: list[TrainingStage]
    is_virtual: bool
    location: str | None = None


class _RegistrationEvent(IntegrationEvent):
    topic = REGISTRATIONS
    # Keyed by the event so that confirmations, cancellations and promotions of one event stay in order.
    key_field = "scheduled_event_id"
    producer: str = "events"

    registration_id: UUID
    scheduled_event_id: UUID
    chapter_id: UUID | None
    person_id: UUID


@register
class RegistrationConfirmed(_RegistrationEvent):
    event_type: Literal["events.registration_confirmed"] = "events.registration_confirmed"
    schema_version: Literal[1] = 1




@register
class RegistrationWaitlisted(_RegistrationEvent):
    event_type: Literal["events.registration_waitlisted"] = "events.registration_waitlisted"
    schema_version: Literal[1] = 1

    position: int
