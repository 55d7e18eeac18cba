"""The waitlist: mentees with a matching profile and no live pairing, each told their place once."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from . import records


class PostgresWaitlist:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def entries(self, program_id: UUID) -> list[dict[str, Any]]:
        """Mentees with a matching profile and no live pairing, longest waiting first, each with their place in
        the queue of their kind of pairing (room a mentor offers goes only to mentees seeking the kind offered)."""
        rows = await self._conn.fetch(
            f"""SELECT e.id AS enrollment_id, e.person_id, e.pairing_kind, e.waiting_since, e.waitlist_announced,
                       row_number() OVER (PARTITION BY e.pairing_kind ORDER BY e.waiting_since, e.id) AS position
                  FROM enrollments e JOIN matching_profiles p ON p.person_id = e.person_id
                 WHERE e.program_id = $1 AND e.role = 'mentee' AND e.active
                   AND {records.UNPAIRED}
                 ORDER BY e.waiting_since, e.id""",
            program_id,
        )
        return [dict(r) for r in rows]

    async def unannounced(self, program_id: UUID, enrollment_ids: list[UUID]) -> list[dict[str, Any]]:
        """Those of these mentee enrollments that wait (a matching profile, no live pairing) and were not told
        their place yet, with the kind of pairing they wait for and their place in its queue, longest waiting
        first."""
        # Places numbered in one pass over the waitlist, not one count of it per mentee: it grows long once
        # mentors are full, and every registration then lands here.
        rows = await self._conn.fetch(
            f"""WITH waiting AS (
                    SELECT e.id, e.person_id, e.pairing_kind, e.waitlist_announced, e.waiting_since,
                           row_number() OVER (PARTITION BY e.pairing_kind ORDER BY e.waiting_since, e.id) AS position
                      FROM enrollments e
                     WHERE e.program_id = $1 AND e.role = 'mentee' AND e.active
                       AND EXISTS (SELECT 1 FROM matching_profiles p WHERE p.person_id = e.person_id)
                       AND {records.UNPAIRED})
                SELECT id AS enrollment_id, person_id, pairing_kind, position FROM waiting
                 WHERE id = ANY($2) AND NOT waitlist_announced
                 ORDER BY waiting_since, id""",
            program_id, enrollment_ids,
        )
        return [dict(r) for r in rows]

    async def mark_announced(self, enrollment_ids: list[UUID]) -> None:
        await self._conn.execute("UPDATE enrollments SET waitlist_announced = true WHERE id = ANY($1)", enrollment_ids)

    async def back_to_waiting(self, mentee_enrollment_id: UUID | None) -> None:
        await self._conn.execute(
            "UPDATE enrollments SET waiting_since = now(), waitlist_announced = false WHERE id = $1",
            mentee_enrollment_id)

    async def places_of(self, person_id: UUID) -> list[dict[str, Any]]:
        """The person's places on the waitlists of the programs they wait in (one per kind of pairing)."""
        rows = await self._conn.fetch(
            f"""WITH waiting AS (
                    SELECT e.id, e.person_id, e.program_id, e.pairing_kind, e.waiting_since,
                           row_number() OVER (PARTITION BY e.program_id, e.pairing_kind
                                              ORDER BY e.waiting_since, e.id) AS position
                      FROM enrollments e JOIN matching_profiles p ON p.person_id = e.person_id
                     WHERE e.role = 'mentee' AND e.active AND {records.UNPAIRED}
                       AND e.program_id IN (SELECT program_id FROM enrollments WHERE person_id = $1))
                SELECT program_id, id AS enrollment_id, pairing_kind, position, waiting_since FROM waiting
                 WHERE person_id = $1 ORDER BY waiting_since, id""",
            person_id)
        return [dict(r) for r in rows]
