"""REST API of the events service under /v1."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from mentorship_contracts.events import EventKind
from mentorship_contracts.vocabulary import TrainingStage
from plumbing.auth import Principal, current_principal, forbidden
from plumbing.http import ApiError
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from ..domain import commands
from ..domain.model import EventsError, NotFound, ScheduledEvent
from ..service_layer import handlers
from ..service_layer.unit_of_work import EventsUnitOfWork

router = APIRouter(prefix="/v1")
Caller = Annotated[Principal, Depends(current_principal)]


def uow(request: Request) -> EventsUnitOfWork:
    return EventsUnitOfWork(request.app.state.service.pool)


UnitOfWork = Annotated[EventsUnitOfWork, Depends(uow)]


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    chapter_id: UUID | None = None
    kind: EventKind
    title: str = Field(min_length=1, max_length=200)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    timezone: str = "UTC"
    capacity: int = Field(ge=1, le=100_000)
    registration_deadline: AwareDatetime
    audience_stages: list[TrainingStage] = Field(default_factory=list)
    is_virtual: bool = False
    location: str | None = Field(default=None, max_length=300)
    virtual_link: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _ends_after_start(self) -> EventIn:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class EventOut(BaseModel):
    id: UUID
    chapter_id: UUID | None
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    state: str

    @classmethod
    def of(cls, e: ScheduledEvent) -> EventOut:
        return cls(**{name: getattr(e, name) for name in cls.model_fields})


class RegistrationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: UUID


class RegistrationOut(BaseModel):
    id: UUID
    scheduled_event_id: UUID
    person_id: UUID
    status: str


def _may_organise(caller: Principal, chapter_id: UUID | None) -> bool:
    return caller.is_admin or caller.coordinates(chapter_id)


@router.post("/events", status_code=201)
async def create_event(body: EventIn, caller: Caller, unit: UnitOfWork) -> EventOut:
    if not _may_organise(caller, body.chapter_id):
        raise forbidden("coordinators create events for their chapter; national administrators for everyone")
    return EventOut.of(await handlers.create_event(commands.CreateEvent(**body.model_dump()), unit))


@router.post("/events/{event_id}/publish")
async def publish_event(event_id: UUID, caller: Caller, unit: UnitOfWork) -> EventOut:
    event = await handlers.get_event(event_id, unit)
    if not _may_organise(caller, event.chapter_id):
        raise forbidden("only the event's organisers may publish it")
    return EventOut.of(await handlers.publish_event(event_id, unit))


@router.get("/events/{event_id}")
async def get_event(event_id: UUID, caller: Caller, unit: UnitOfWork) -> EventOut:
    return EventOut.of(await handlers.get_event(event_id, unit))


@router.post("/events/{event_id}/registrations", status_code=201)
async def register(event_id: UUID, body: RegistrationIn, caller: Caller, unit: UnitOfWork) -> RegistrationOut:
    if not (caller.is_person(body.person_id) or caller.is_admin):
        raise forbidden("you may register yourself only")
    registration = await handlers.register(commands.Register(event_id, body.person_id), unit)
    return RegistrationOut(**vars(registration))


def as_api_error(error: EventsError) -> ApiError:
    return ApiError(404 if isinstance(error, NotFound) else 409, type(error).__name__, str(error), error.field)


