"""What callers ask the events service to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from mentorship_contracts.vocabulary import TrainingStage


@dataclass(frozen=True)
class CreateEvent:
    chapter_id: UUID | None
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    capacity: int
    registration_deadline: datetime
    audience_stages: list[TrainingStage] = field(default_factory=list)
    is_virtual: bool = False
    location: str | None = None
    virtual_link: str | None = None


@dataclass(frozen=True)
class Register:
    scheduled_event_id: UUID
    person_id: UUID
