"""PostgreSQL repositories of profiles."""

from __future__ import annotations

from uuid import UUID

import asyncpg
from mentorship_contracts.vocabulary import Role, Specialty, SupportArea, TrainingStage

from ..domain.model import Enrollment, Person, Program

_PROGRAM_COLUMNS = (
    "id, name, chapter_id, mentee_stages, mentor_stages, term_months, cadence_min_days, cadence_max_days, "
    "format, group_size, pairing_mode, both_must_accept, pair_cap, mentor_approval_required, minimum_score"
)
_PERSON_COLUMNS = (
    "id, display_name, email, stage, chapter_id, pronouns, timezone, is_alumni, specialties, support_areas, "
    "languages, modalities, region, bio"
)
_ENROLLMENT_COLUMNS = "id, person_id, program_id, chapter_id, role, capacity, mentee_stages_welcome, approval, active"


def _placeholders(columns: str) -> str:
    return ", ".join(f"${i}" for i in range(1, columns.count(",") + 2))


class PostgresPrograms:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, p: Program) -> None:
        await self._conn.execute(
            f"INSERT INTO programs ({_PROGRAM_COLUMNS}) VALUES ({_placeholders(_PROGRAM_COLUMNS)})",
            p.id, p.name, p.chapter_id, list(p.mentee_stages), list(p.mentor_stages), p.term_months,
            p.cadence_min_days, p.cadence_max_days, p.format, p.group_size, p.pairing_mode, p.both_must_accept,
            p.pair_cap, p.mentor_approval_required, p.minimum_score,
        )

    async def get(self, program_id: UUID) -> Program | None:
        row = await self._conn.fetchrow(f"SELECT {_PROGRAM_COLUMNS} FROM programs WHERE id = $1", program_id)
        if row is None:
            return None
        values = dict(row)
        values["mentee_stages"] = [TrainingStage(s) for s in values["mentee_stages"]]
        values["mentor_stages"] = [TrainingStage(s) for s in values["mentor_stages"]]
        return Program(**values)


class PostgresPeople:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, p: Person) -> None:
        await self._conn.execute(
            f"INSERT INTO people ({_PERSON_COLUMNS}) VALUES ({_placeholders(_PERSON_COLUMNS)})",
            p.id, p.display_name, p.email, p.stage, p.chapter_id, p.pronouns, p.timezone, p.is_alumni,
            list(p.specialties), list(p.support_areas), list(p.languages), list(p.modalities), p.region, p.bio,
        )

    async def get(self, person_id: UUID) -> Person | None:
        row = await self._conn.fetchrow(f"SELECT {_PERSON_COLUMNS} FROM people WHERE id = $1", person_id)
        if row is None:
            return None
        values = dict(row)
        values["stage"] = TrainingStage(values["stage"])
        values["specialties"] = [Specialty(s) for s in values["specialties"]]
        values["support_areas"] = [SupportArea(s) for s in values["support_areas"]]
        return Person(**values)

    async def email_taken(self, email: str) -> bool:
        return bool(await self._conn.fetchval("SELECT true FROM people WHERE lower(email) = lower($1)", email))


class PostgresEnrollments:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, e: Enrollment) -> None:
        await self._conn.execute(
            f"INSERT INTO enrollments ({_ENROLLMENT_COLUMNS}) VALUES ({_placeholders(_ENROLLMENT_COLUMNS)})",
            e.id, e.person_id, e.program_id, e.chapter_id, e.role, e.capacity, list(e.mentee_stages_welcome),
            e.approval, e.active,
        )

    async def for_person(self, person_id: UUID, lock: bool = False) -> list[Enrollment]:
        if lock:
            # Serialises concurrent enrollments of one person, so the duplicate check holds.
            await self._conn.execute("SELECT 1 FROM people WHERE id = $1 FOR UPDATE", person_id)
        rows = await self._conn.fetch(f"SELECT {_ENROLLMENT_COLUMNS} FROM enrollments WHERE person_id = $1", person_id)
        return [
            Enrollment(**{**dict(r), "role": Role(r["role"]),
                          "mentee_stages_welcome": [TrainingStage(s) for s in r["mentee_stages_welcome"]]})
            for r in rows
        ]
