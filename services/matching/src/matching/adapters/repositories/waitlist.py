"""The waitlist: mentees with a matching profile and no live pairing, each told their place once."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from . import records


class PostgresWaitlist:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def waiting_counts(self, chapter_ids: frozenset[UUID] | None) -> list[tuple[UUID, int]]:
        rows = await self._conn.fetch(
            f"""SELECT e.program_id, count(*) AS mentees FROM enrollments e
                 WHERE e.program_id IN {records.programs_of_chapters("$1")} AND {records.waiting()}
                 GROUP BY e.program_id ORDER BY e.program_id""", chapter_ids)
        return [(r["program_id"], r["mentees"]) for r in rows]

    async def entries(self, program_id: UUID) -> list[dict[str, Any]]:
        """Mentees with a matching profile and no live pairing, longest waiting first, each with their place in
        the queue of their kind of pairing (room a mentor offers goes only to mentees seeking the kind offered)."""
        rows = await self._conn.fetch(
            f"""SELECT e.id AS enrollment_id, e.person_id, e.pairing_kind, e.waiting_since, e.waitlist_announced,
                       row_number() OVER (PARTITION BY e.pairing_kind ORDER BY e.waiting_since, e.id) AS position
                  FROM enrollments e
                 WHERE e.program_id = $1 AND {records.waiting()}
                 ORDER BY e.waiting_since, e.id""",
            program_id,
        )
        return [dict(r) for r in rows]

    async def unannounced(self, program_id: UUID, enrollment_ids: list[UUID]) -> list[dict[str, Any]]:
        """Those of these mentee enrollments that wait (a matching profile, no live pairing) and were not told
        their place yet, with the kind of pairing they wait for and their place in its queue, longest waiting
        first."""
        # Every registration lands here once mentors are full, and the waitlist is then long: per queue, those
        # ahead of the first of these mentees are counted once in the waitlist's index (`enrollments_waiting`),
        # and only the queue from there on, at its end where newcomers are, is numbered.
        rows = await self._conn.fetch(
            f"""WITH chosen AS (
                    SELECT e.id, e.pairing_kind, e.waiting_since FROM enrollments e
                     WHERE e.id = ANY($2) AND e.program_id = $1 AND {records.waiting()} AND NOT e.waitlist_announced),
                first AS (  -- counted once per queue: counted per mentee chosen first, 12,565 took 38 s
                    SELECT f.pairing_kind, f.waiting_since, f.id,
                           (SELECT count(*) FROM enrollments ahead
                             WHERE ahead.program_id = $1 AND ahead.pairing_kind = f.pairing_kind
                               AND {records.waiting("ahead")}
                               AND (ahead.waiting_since, ahead.id) < (f.waiting_since, f.id)) AS ahead
                      FROM (SELECT DISTINCT ON (c.pairing_kind) c.pairing_kind, c.waiting_since, c.id
                              FROM chosen c ORDER BY c.pairing_kind, c.waiting_since, c.id) f),
                queue AS (
                    SELECT e.id, e.person_id, e.pairing_kind, e.waiting_since,
                           f.ahead + row_number() OVER (PARTITION BY e.pairing_kind
                                                        ORDER BY e.waiting_since, e.id) AS position
                      FROM first f JOIN enrollments e
                        ON e.program_id = $1 AND e.pairing_kind = f.pairing_kind AND {records.waiting()}
                       AND (e.waiting_since, e.id) >= (f.waiting_since, f.id))
                SELECT q.id AS enrollment_id, q.person_id, q.pairing_kind, q.position
                  FROM queue q JOIN chosen c ON c.id = q.id
                 ORDER BY q.waiting_since, q.id""",
            program_id, enrollment_ids,
        )
        return [dict(r) for r in rows]

    async def mark_announced(self, enrollment_ids: list[UUID]) -> None:
        await self._conn.execute("UPDATE enrollments SET waitlist_announced = true WHERE id = ANY($1)", enrollment_ids)

    async def back_to_waiting(self, mentee_enrollment_id: UUID | None, keep_place: bool = False) -> None:
        await self._conn.execute(
            """UPDATE enrollments SET waiting_since = CASE WHEN $2 THEN waiting_since ELSE now() END,
                   waitlist_announced = false WHERE id = $1""",
            mentee_enrollment_id, keep_place)

    async def places_of(self, person_id: UUID) -> list[dict[str, Any]]:
        """The person's places on the waitlists of the programs they wait in (one per kind of pairing)."""
        rows = await self._conn.fetch(
            f"""WITH waiting AS (
                    SELECT e.id, e.person_id, e.program_id, e.pairing_kind, e.waiting_since,
                           row_number() OVER (PARTITION BY e.program_id, e.pairing_kind
                                              ORDER BY e.waiting_since, e.id) AS position
                      FROM enrollments e
                     WHERE {records.waiting()}
                       AND e.program_id IN (SELECT program_id FROM enrollments WHERE person_id = $1))
                SELECT program_id, id AS enrollment_id, pairing_kind, position, waiting_since FROM waiting
                 WHERE person_id = $1 ORDER BY waiting_since, id""",
            person_id)
        return [dict(r) for r in rows]
