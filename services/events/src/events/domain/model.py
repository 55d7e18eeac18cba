"""Scheduled events and registrations. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4

from mentorship_contracts.vocabulary import TrainingStage


class EventsError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(EventsError):
    pass


class RegistrationClosed(EventsError):
    pass


class NotInAudience(EventsError):
    pass


class WrongState(EventsError):
    pass


@dataclass
class ScheduledEvent:
    id: UUID
    chapter_id: UUID | None
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    capacity: int
    audience_stages: list[TrainingStage]
    registration_deadline: datetime
    is_virtual: bool = False
    location: str | None = None
    virtual_link: str | None = None
    state: str = "draft"

    @classmethod
    def draft(cls, **attributes) -> ScheduledEvent:
        return cls(id=uuid4(), **attributes)

    def publish(self) -> None:
        if self.state != "draft":
            raise WrongState(f"a {self.state} event cannot be published", field="state")
        self.state = "published"

    def admit(self, stage: TrainingStage | None, now: datetime, confirmed: int) -> str:
        """Whether a new registrant is confirmed or waitlisted; raises when they may not register."""
        if self.state != "published":
            raise RegistrationClosed("this event is not open for registration", field="scheduled_event_id")
        if now > self.registration_deadline:
            raise RegistrationClosed("registration closed at the deadline", field="registration_deadline")
        if self.audience_stages and stage not in self.audience_stages:
            raise NotInAudience("this event is for other training stages", field="stage")
        return "confirmed" if confirmed < self.capacity else "waitlisted"


@dataclass
class Registration:
    id: UUID
    scheduled_event_id: UUID
    person_id: UUID
    status: str
    created_at: datetime = field(default_factory=datetime.now)
