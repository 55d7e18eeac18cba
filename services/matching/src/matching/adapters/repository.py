"""Matching's PostgreSQL read model and pairings."""

from __future__ import annotations

from uuid import UUID

import asyncpg
from mentorship_contracts.vocabulary import TrainingStage

from ..domain.model import Candidate, ProgramRules

_LIVE = "('proposed', 'active')"


class PostgresMatching:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def save_program(self, p: ProgramRules) -> None:
        await self._conn.execute(
            """INSERT INTO programs (id, chapter_id, pairing_mode, both_must_accept, pair_cap, minimum_score,
                                     term_months, mentee_stages, mentor_stages)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
               ON CONFLICT (id) DO UPDATE SET chapter_id = $2, pairing_mode = $3, both_must_accept = $4,
                   pair_cap = $5, minimum_score = $6, term_months = $7, mentee_stages = $8, mentor_stages = $9""",
            p.id, p.chapter_id, p.pairing_mode, p.both_must_accept, p.pair_cap, p.minimum_score, p.term_months,
            list(p.mentee_stages), list(p.mentor_stages),
        )

    async def program(self, program_id: UUID) -> ProgramRules | None:
        row = await self._conn.fetchrow("SELECT * FROM programs WHERE id = $1", program_id)
        if row is None:
            return None
        values = dict(row)
        values["mentee_stages"] = [TrainingStage(s) for s in row["mentee_stages"]]
        values["mentor_stages"] = [TrainingStage(s) for s in row["mentor_stages"]]
        return ProgramRules(**values)

    async def save_profile(self, person_id: UUID, stage: str, specialties: list[str], support_areas: list[str],
                           languages: list[str], timezone: str, modalities: list[str]) -> None:
        await self._conn.execute(
            """INSERT INTO matching_profiles (person_id, stage, specialties, support_areas, languages, timezone, modalities)
               VALUES ($1, $2, $3, $4, $5, $6, $7)
               ON CONFLICT (person_id) DO UPDATE SET stage = $2, specialties = $3, support_areas = $4,
                   languages = $5, timezone = $6, modalities = $7""",
            person_id, stage, specialties, support_areas, languages, timezone, modalities,
        )

    async def save_enrollment(self, *, enrollment_id: UUID, person_id: UUID, program_id: UUID, chapter_id: UUID | None,
                              role: str, stage: str, capacity: int, mentee_stages_welcome: list[str], approved: bool,
                              enrolled_at) -> None:
        await self._conn.execute(
            """INSERT INTO enrollments (id, person_id, program_id, chapter_id, role, stage, capacity,
                                        mentee_stages_welcome, approved, enrolled_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
               ON CONFLICT (id) DO UPDATE SET stage = $6, capacity = $7, mentee_stages_welcome = $8, approved = $9""",
            enrollment_id, person_id, program_id, chapter_id, role, stage, capacity, mentee_stages_welcome, approved,
            enrolled_at,
        )

    async def programs_of(self, person_id: UUID) -> list[UUID]:
        rows = await self._conn.fetch(
            "SELECT DISTINCT program_id FROM enrollments WHERE person_id = $1 AND active ORDER BY program_id", person_id
        )
        return [r["program_id"] for r in rows]

    async def lock_program(self, program_id: UUID) -> None:
        """Serialise pairing within one program across instances: capacities and caps stay exact."""
        await self._conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", str(program_id))

    async def candidates(self, program_id: UUID, role: str, *, waiting_only: bool = False) -> list[Candidate]:
        rows = await self._conn.fetch(
            f"""SELECT e.id, e.person_id, e.stage, e.capacity, e.approved, e.mentee_stages_welcome, e.enrolled_at,
                       p.specialties, p.support_areas, p.languages, p.timezone, p.modalities,
                       (SELECT count(*) FROM pairings x
                         WHERE x.status IN {_LIVE}
                           AND (x.mentor_enrollment_id = e.id OR x.mentee_enrollment_id = e.id)) AS live
                  -- Only people whose matching profile has arrived: pairing on half the facts would pair badly.
                  FROM enrollments e JOIN matching_profiles p ON p.person_id = e.person_id
                 WHERE e.program_id = $1 AND e.role = $2 AND e.active
                 ORDER BY e.enrolled_at, e.id""",
            program_id, role,
        )
        found = [
            Candidate(
                enrollment_id=r["id"], person_id=r["person_id"], stage=TrainingStage(r["stage"]), capacity=r["capacity"],
                active_pairings=r["live"], approved=r["approved"],
                mentee_stages_welcome=[TrainingStage(s) for s in r["mentee_stages_welcome"]],
                specialties=r["specialties"], support_areas=r["support_areas"], languages=r["languages"],
                timezone=r["timezone"], modalities=r["modalities"], waiting_since=r["enrolled_at"],
            )
            for r in rows
        ]
        return [c for c in found if c.has_room] if waiting_only else found

    async def live_pairings(self, program_id: UUID) -> int:
        return await self._conn.fetchval(
            f"SELECT count(*) FROM pairings WHERE program_id = $1 AND status IN {_LIVE}", program_id
        )

    async def add_pairing(self, *, pairing_id: UUID, program_id: UUID, mentee: Candidate, mentor: Candidate,
                          status: str, score: int, reasons: list[str]) -> None:
        await self._conn.execute(
            """INSERT INTO pairings (id, program_id, mentee_enrollment_id, mentor_enrollment_id, mentee_id, mentor_id,
                                     status, score, reasons)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
            pairing_id, program_id, mentee.enrollment_id, mentor.enrollment_id, mentee.person_id, mentor.person_id,
            status, score, reasons,
        )

    async def pairings_of(self, person_id: UUID) -> list[dict]:
        rows = await self._conn.fetch(
            "SELECT id, program_id, mentee_id, mentor_id, status, score, reasons FROM pairings "
            "WHERE mentee_id = $1 OR mentor_id = $1 ORDER BY created_at", person_id,
        )
        return [dict(r) for r in rows]

    async def waitlist(self, program_id: UUID) -> list[dict]:
        rows = await self._conn.fetch(
            f"""SELECT e.id AS enrollment_id, e.person_id, e.enrolled_at
                  FROM enrollments e
                 WHERE e.program_id = $1 AND e.role = 'mentee' AND e.active
                   AND NOT EXISTS (SELECT 1 FROM pairings x WHERE x.mentee_enrollment_id = e.id AND x.status IN {_LIVE})
                 ORDER BY e.enrolled_at, e.id""",
            program_id,
        )
        return [dict(r) | {"position": i} for i, r in enumerate(rows, start=1)]

    async def forget_person(self, person_id: UUID) -> None:
        await self._conn.execute("DELETE FROM pairings WHERE mentee_id = $1 OR mentor_id = $1", person_id)
        await self._conn.execute("DELETE FROM enrollments WHERE person_id = $1", person_id)
        await self._conn.execute("DELETE FROM matching_profiles WHERE person_id = $1", person_id)
