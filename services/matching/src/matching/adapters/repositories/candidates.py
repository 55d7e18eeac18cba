"""Enrollments with their matching profile, read as the scoring's candidates: of a role, waiting, a roster."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import asyncpg
from mentorship_contracts.vocabulary import Role

from ...domain.model import Candidate, ProgramRules
from . import records


class PostgresCandidates:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def in_program(self, program: ProgramRules, role: Role | str, *, waiting_only: bool = False,
                         enrollment_ids: Iterable[UUID | None] | None = None, paused_too: bool = False
                         ) -> list[Candidate]:
        """Active enrollments whose matching profile has arrived (pairing on half the facts would pair badly);
        `paused_too`, paused ones as well (the sides of a pairing under way, never anyone to propose)."""
        found = await self._candidate_rows(program, role, waiting_only, enrollment_ids, paused_too)
        return [records.candidate(program, r) for r in found]

    async def _candidate_rows(self, program: ProgramRules, role: Role | str, waiting_only: bool = False,
                              enrollment_ids: Iterable[UUID | None] | None = None, paused_too: bool = False
                              ) -> list[asyncpg.Record]:
        # Two statements, not one with "$5 OR": the one a round reads keeps `active` as its indexes know it.
        available = "NOT e.withdrawn AND NOT e.suspended" if paused_too else "e.active"
        return await self._conn.fetch(
            f"""SELECT {records.ENROLLMENT_COLUMNS}, {records.PROFILE_COLUMNS}, e.live_pairings AS live
                  FROM enrollments e
                  JOIN matching_profiles p ON p.person_id = e.person_id
                 WHERE e.program_id = $1 AND e.role = $2 AND {available}
                   AND ($3::uuid[] IS NULL OR e.id = ANY($3))
                   AND (NOT $4 OR e.live_pairings = 0)
                 ORDER BY e.waiting_since, e.id""",
            program.id, role, None if enrollment_ids is None else list(enrollment_ids), waiting_only,
        )

    async def waiting(self, program: ProgramRules, enrollment_ids: Iterable[UUID] | None = None
                      ) -> tuple[list[Candidate], frozenset[tuple[UUID, UUID]]]:
        """The program's waiting mentees (or those of these enrollments who wait), longest waiting first, and the
        (mentee, mentor) pairs among them that declined or ended before, in any program: one round trip."""
        # Two statements, not one with "$2 IS NULL OR": a prepared statement's plan must serve both, and scanned
        # the whole program for a batch's few enrollments.
        chosen = "" if enrollment_ids is None else "AND e.id = ANY($2)"
        rows = await self._conn.fetch(
            f"""SELECT {records.ENROLLMENT_COLUMNS}, {records.PROFILE_COLUMNS}, 0 AS live,
                       ARRAY(SELECT DISTINCT x.mentor_id FROM pairings x
                              WHERE x.mentee_id = e.person_id AND {records.closed_before("x")}) AS closed_with
                  FROM enrollments e
                  JOIN matching_profiles p ON p.person_id = e.person_id
                 WHERE e.program_id = $1 AND {records.waiting()} {chosen}
                 ORDER BY e.waiting_since, e.id""",
            program.id, *(() if enrollment_ids is None else (list(enrollment_ids),)),
        )
        closed = frozenset((r["person_id"], mentor) for r in rows for mentor in r["closed_with"])
        return [records.candidate(program, r) for r in rows], closed

    async def roster(self, program: ProgramRules) -> tuple[list[Candidate], tuple]:
        """The program's mentors with a matching profile, and the stamp `pairing_context` gives of exactly what
        was read."""
        rows = await self._conn.fetch(
            f"""SELECT {records.ENROLLMENT_COLUMNS}, p.person_id IS NOT NULL AS profiled, {records.PROFILE_COLUMNS},
                       count(*) OVER () AS stamp_n, max(e.changed) OVER () AS stamp_latest,
                       (SELECT origin FROM roster_origin) AS origin, e.live_pairings AS live
                  FROM enrollments e LEFT JOIN matching_profiles p ON p.person_id = e.person_id
                 WHERE e.program_id = $1 AND e.role = 'mentor' AND e.active
                 ORDER BY e.waiting_since, e.id""",
            program.id,
        )
        origin = rows[0]["origin"] if rows else await self._conn.fetchval("SELECT origin FROM roster_origin")
        stamp = (origin, rows[0]["stamp_n"], rows[0]["stamp_latest"]) if rows else (origin, 0, 0)
        return [records.candidate(program, r) for r in rows if r["profiled"]], stamp

    async def closed_before(self, program_id: UUID, mentee_ids: Iterable[UUID] | None = None
                            ) -> frozenset[tuple[UUID, UUID]]:
        """(mentee, mentor) pairs among this program's people (or among these mentees) that declined or ended
        before, in any program."""
        if mentee_ids is not None:
            rows = await self._conn.fetch(
                f"""SELECT DISTINCT mentee_id, mentor_id FROM pairings
                    WHERE mentee_id = ANY($1) AND {records.closed_before()}""",
                list(mentee_ids),
            )
        else:
            rows = await self._conn.fetch(
                f"""SELECT DISTINCT x.mentee_id, x.mentor_id FROM pairings x
                    WHERE {records.closed_before("x")}
                      AND EXISTS (SELECT 1 FROM enrollments e
                                   WHERE e.program_id = $1 AND e.person_id = x.mentee_id AND e.active)""",
                program_id,
            )
        return frozenset((r["mentee_id"], r["mentor_id"]) for r in rows)

    async def ended_by_coordinator(self, mentee_ids: Iterable[UUID]) -> frozenset[tuple[UUID, UUID]]:
        """(mentee, mentor) pairs among these mentees' that closed before, in any program, each time as a mentorship
        a coordinator ended (`closed_by` 'program'; one closed before it was kept is not)."""
        rows = await self._conn.fetch(
            f"""SELECT mentee_id, mentor_id FROM pairings
                 WHERE mentee_id = ANY($1) AND {records.closed_before()}
                 GROUP BY mentee_id, mentor_id
                HAVING bool_and(status = 'ended' AND closed_by IS NOT DISTINCT FROM 'program')""",
            list(mentee_ids),
        )
        return frozenset((r["mentee_id"], r["mentor_id"]) for r in rows)

    async def unprofiled_mentees(self, program_id: UUID) -> int:
        return await self._conn.fetchval(
            """SELECT count(*) FROM enrollments e WHERE e.program_id = $1 AND e.role = 'mentee' AND e.active
                 AND NOT EXISTS (SELECT 1 FROM matching_profiles p WHERE p.person_id = e.person_id)""",
            program_id,
        )
