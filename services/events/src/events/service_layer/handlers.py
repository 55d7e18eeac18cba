"""Use cases of the events service: plain functions of a command (or event) and a unit of work."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from mentorship_contracts import events as contract
from mentorship_contracts import profiles as source

from ..domain import commands
from ..domain.model import NotFound, Registration, ScheduledEvent


async def create_event(command: commands.CreateEvent, uow) -> ScheduledEvent:
    async with uow:
        event = ScheduledEvent.draft(**vars(command))
        await uow.events.add(event)
        await uow.commit()
        return event


async def publish_event(event_id: UUID, uow) -> ScheduledEvent:
    async with uow:
        event = await _existing(event_id, uow, lock=True)
        event.publish()
        await uow.events.save_state(event)
        uow.emit(
            contract.EventPublished(
                scheduled_event_id=event.id, chapter_id=event.chapter_id, kind=event.kind, title=event.title,
                starts_at=event.starts_at, ends_at=event.ends_at, timezone=event.timezone, capacity=event.capacity,
                audience_stages=event.audience_stages, registration_deadline=event.registration_deadline,
                is_virtual=event.is_virtual, location=event.location,
            )
        )
        await uow.commit()
        return event


async def register(command: commands.Register, uow) -> Registration:
    """Confirm or waitlist, in arrival order; registering again returns the same registration."""
    async with uow:
        event = await _existing(command.scheduled_event_id, uow, lock=True)
        existing = await uow.events.registration_of(event.id, command.person_id)
        if existing is not None:
            return existing
        stage = await uow.events.stage_of(command.person_id)
        status = event.admit(stage, datetime.now(UTC), await uow.events.confirmed_count(event.id))
        registration = Registration(uuid4(), event.id, command.person_id, status)
        await uow.events.add_registration(registration)
        if status == "confirmed":
            uow.emit(contract.RegistrationConfirmed(
                registration_id=registration.id, scheduled_event_id=event.id, chapter_id=event.chapter_id,
                person_id=command.person_id))
        else:
            uow.emit(contract.RegistrationWaitlisted(
                registration_id=registration.id, scheduled_event_id=event.id, chapter_id=event.chapter_id,
                person_id=command.person_id, position=await uow.events.waitlist_length(event.id)))
        await uow.commit()
        return registration


async def get_event(event_id: UUID, uow) -> ScheduledEvent:
    async with uow:
        return await _existing(event_id, uow)


async def person_registered(event: source.PersonRegistered, uow) -> None:
    async with uow:
        await uow.events.save_participant(event.person_id, event.chapter_id, event.stage)
        await uow.commit()


async def person_erased(event: source.PersonErased, uow) -> None:
    async with uow:
        await uow.events.forget_person(event.person_id)
        await uow.commit()


async def _existing(event_id: UUID, uow, lock: bool = False) -> ScheduledEvent:
    event = await uow.events.get(event_id, lock=lock)
    if event is None:
        raise NotFound("no such event", field="scheduled_event_id")
    return event
