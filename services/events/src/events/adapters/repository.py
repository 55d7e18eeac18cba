"""PostgreSQL repository of the events service."""

from __future__ import annotations

from uuid import UUID

import asyncpg
from mentorship_contracts.vocabulary import TrainingStage

from ..domain.model import Registration, ScheduledEvent

_EVENT_COLUMNS = ("id, chapter_id, kind, title, starts_at, ends_at, timezone, capacity, audience_stages, "
                  "registration_deadline, is_virtual, location, virtual_link, state")


class PostgresEvents:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, e: ScheduledEvent) -> None:
        await self._conn.execute(
            f"INSERT INTO scheduled_events ({_EVENT_COLUMNS}) VALUES ({', '.join(f'${i}' for i in range(1, 15))})",
            e.id, e.chapter_id, e.kind, e.title, e.starts_at, e.ends_at, e.timezone, e.capacity,
            list(e.audience_stages), e.registration_deadline, e.is_virtual, e.location, e.virtual_link, e.state,
        )

    async def get(self, event_id: UUID, *, lock: bool = False) -> ScheduledEvent | None:
        # The row lock serialises registrations of one event: the capacity check cannot race.
        row = await self._conn.fetchrow(
            f"SELECT {_EVENT_COLUMNS} FROM scheduled_events WHERE id = $1" + (" FOR UPDATE" if lock else ""), event_id
        )
        if row is None:
            return None
        return ScheduledEvent(**{**dict(row), "audience_stages": [TrainingStage(s) for s in row["audience_stages"]]})

    async def save_state(self, e: ScheduledEvent) -> None:
        await self._conn.execute("UPDATE scheduled_events SET state = $2 WHERE id = $1", e.id, e.state)

    async def confirmed_count(self, event_id: UUID) -> int:
        return await self._conn.fetchval(
            "SELECT count(*) FROM registrations WHERE scheduled_event_id = $1 AND status = 'confirmed'", event_id
        )

    async def waitlist_length(self, event_id: UUID) -> int:
        return await self._conn.fetchval(
            "SELECT count(*) FROM registrations WHERE scheduled_event_id = $1 AND status = 'waitlisted'", event_id
        )

    async def registration_of(self, event_id: UUID, person_id: UUID) -> Registration | None:
        row = await self._conn.fetchrow(
            "SELECT id, scheduled_event_id, person_id, status, created_at FROM registrations "
            "WHERE scheduled_event_id = $1 AND person_id = $2 AND status <> 'cancelled'", event_id, person_id,
        )
        return Registration(**dict(row)) if row else None

    async def add_registration(self, r: Registration) -> None:
        await self._conn.execute(
            "INSERT INTO registrations (id, scheduled_event_id, person_id, status) VALUES ($1, $2, $3, $4)",
            r.id, r.scheduled_event_id, r.person_id, r.status,
        )

    async def stage_of(self, person_id: UUID) -> TrainingStage | None:
        stage = await self._conn.fetchval("SELECT stage FROM participants WHERE person_id = $1", person_id)
        return TrainingStage(stage) if stage else None

    async def save_participant(self, person_id: UUID, chapter_id: UUID | None, stage: str) -> None:
        await self._conn.execute(
            """INSERT INTO participants (person_id, chapter_id, stage) VALUES ($1, $2, $3)
               ON CONFLICT (person_id) DO UPDATE SET chapter_id = $2, stage = $3""",
            person_id, chapter_id, stage,
        )

    async def forget_person(self, person_id: UUID) -> None:
        await self._conn.execute("DELETE FROM registrations WHERE person_id = $1", person_id)
        await self._conn.execute("DELETE FROM participants WHERE person_id = $1", person_id)
