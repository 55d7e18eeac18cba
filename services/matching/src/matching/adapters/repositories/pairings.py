"""Pairings, their meetings and the feedback on them."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from ...domain.model import NewPairing, Pairing
from . import records

_NEW_PAIRING = ["id", "program_id", "chapter_id", "mentee_enrollment_id", "mentor_enrollment_id", "mentee_id",
                "mentor_id", "status", "origin", "round_id", "score", "reasons", "mentee_accepted", "confirmed_at",
                "term_ends_at"]
_MEETING = "id, pairing_id, met_on, minutes, topics, logged_by, logged_at"


class PostgresPairings:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, pairings: list[NewPairing]) -> None:
        records = [
            (p.id, p.program_id, p.chapter_id, p.mentee.enrollment_id, p.mentor.enrollment_id, p.mentee.person_id,
             p.mentor.person_id, p.status, p.origin, p.round_id, p.score, list(p.reasons), p.mentee_accepted,
             p.confirmed_at, p.term_ends_at)
            for p in pairings
        ]
        if len(records) > 1:  # a round's thousands: COPY
            await self._conn.copy_records_to_table("pairings", columns=_NEW_PAIRING, records=records)
        elif records:  # a registration's one: a plain INSERT is one round trip, COPY several
            await self._conn.execute(
                f"INSERT INTO pairings ({', '.join(_NEW_PAIRING)}) "
                f"VALUES ({', '.join(f'${i}' for i in range(1, len(_NEW_PAIRING) + 1))})", *records[0])

    async def add_note(self, pairing_id: UUID, note: str) -> None:
        await self._conn.execute("INSERT INTO request_notes (pairing_id, note) VALUES ($1, $2)", pairing_id, note)

    async def note_of(self, pairing_id: UUID) -> str | None:
        return await self._conn.fetchval("SELECT note FROM request_notes WHERE pairing_id = $1", pairing_id)

    async def program_of(self, pairing_id: UUID) -> UUID | None:
        return await self._conn.fetchval("SELECT program_id FROM pairings WHERE id = $1", pairing_id)

    async def get(self, pairing_id: UUID) -> Pairing | None:
        row = await self._conn.fetchrow(f"SELECT {records.PAIRING} FROM pairings WHERE id = $1 FOR UPDATE", pairing_id)
        return records.pairing(row) if row else None

    async def _where(self, condition: str, *args: object) -> list[Pairing]:
        found = await self._conn.fetch(
            f"SELECT {records.PAIRING} FROM pairings WHERE {condition} ORDER BY created_at, id FOR UPDATE", *args
        )
        return [records.pairing(r) for r in found]

    async def open_of_enrollment(self, enrollment_id: UUID) -> list[Pairing]:
        return await self._where(
            f"(mentee_enrollment_id = $1 OR mentor_enrollment_id = $1) AND status IN {records.OPEN}", enrollment_id)

    async def open_of_person(self, person_id: UUID) -> list[Pairing]:
        return await self._where(f"(mentee_id = $1 OR mentor_id = $1) AND status IN {records.OPEN}", person_id)

    async def pending_requests(self, mentee_enrollment_id: UUID | None) -> list[Pairing]:
        return await self._where("mentee_enrollment_id = $1 AND status = 'requested'", mentee_enrollment_id)

    async def save(self, pairing: Pairing) -> None:
        await self._conn.execute(
            f"""UPDATE pairings SET status = $2, mentee_accepted = $3, mentor_accepted = $4, term_ends_at = $5,
                   last_met_at = $6,
                   confirmed_at = CASE WHEN $2 = 'active' AND confirmed_at IS NULL THEN now() ELSE confirmed_at END,
                   closed_reason = COALESCE($7, closed_reason), closed_by = COALESCE($10, closed_by),
                   closed_at = CASE WHEN $2 NOT IN {records.OPEN} THEN now() END,
                   mentee_renews = $8, mentor_renews = $9
                WHERE id = $1""",
            pairing.id, pairing.status, pairing.mentee_accepted, pairing.mentor_accepted, pairing.term_ends_at,
            pairing.last_met_at, pairing.closed_reason, pairing.mentee_renews, pairing.mentor_renews, pairing.closed_by,
        )

    async def of_person(self, person_id: UUID) -> list[dict[str, Any]]:
        found = await self._conn.fetch(
            f"SELECT id, program_id, chapter_id, mentee_id, mentor_id, {records.ITS_KIND}, status, score, reasons, "
            "term_ends_at, last_met_at, confirmed_at, closed_at, closed_by, mentee_accepted, mentor_accepted, origin, "
            f"n.note AS request_note, created_at, {records.ITS_ANSWER_TIME}, "
            "coalesce(mine.unanswered_in_a_row, 0) AS unanswered_in_a_row, coalesce(mine.paused, false) AS paused, "
            "f.rating AS feedback_rating, f.comment AS feedback_comment, f.given_at AS feedback_given_at "
            "FROM pairings LEFT JOIN request_notes n ON n.pairing_id = pairings.id "
            "LEFT JOIN feedback f ON f.pairing_id = pairings.id AND f.person_id = $1 "
            # The person's own enrollment in it: their run of lapses so far.
            "LEFT JOIN LATERAL (SELECT e.unanswered_in_a_row, e.paused FROM enrollments e WHERE e.id = CASE "
            "WHEN pairings.mentee_id = $1 THEN pairings.mentee_enrollment_id ELSE pairings.mentor_enrollment_id END"
            ") mine ON true "
            "WHERE mentee_id = $1 OR mentor_id = $1 "
            "ORDER BY created_at", person_id,
        )
        return [dict(r) for r in found]

    async def live_count(self, program_id: UUID) -> int:
        return await self._conn.fetchval(
            f"SELECT count(*) FROM pairings WHERE program_id = $1 AND status IN {records.LIVE}", program_id
        )

    async def add_meeting(self, pairing_id: UUID, met_on: date, minutes: int, topics: list[str],
                          logged_by: UUID | None) -> None:
        await self._conn.execute(
            "INSERT INTO meetings (pairing_id, met_on, minutes, topics, logged_by) VALUES ($1, $2, $3, $4, $5)",
            pairing_id, met_on, minutes, topics, logged_by,
        )

    async def meetings_in(self, pairing_ids: list[UUID]) -> list[dict[str, Any]]:
        rows = await self._conn.fetch(
            f"""SELECT {_MEETING} FROM meetings
                WHERE pairing_id = ANY($1::uuid[]) ORDER BY met_on DESC, id DESC""", pairing_ids)
        return [dict(r) for r in rows]

    async def meeting(self, pairing_id: UUID, meeting_id: int) -> dict[str, Any] | None:
        row = await self._conn.fetchrow(f"SELECT {_MEETING} FROM meetings WHERE id = $1 AND pairing_id = $2",
                                        meeting_id, pairing_id)
        return dict(row) if row else None

    async def change_meeting(self, meeting_id: int, met_on: date, minutes: int, topics: list[str]) -> None:
        await self._conn.execute("UPDATE meetings SET met_on = $2, minutes = $3, topics = $4 WHERE id = $1",
                                 meeting_id, met_on, minutes, topics)

    async def remove_meeting(self, meeting_id: int) -> None:
        await self._conn.execute("DELETE FROM meetings WHERE id = $1", meeting_id)

    async def last_met_on(self, pairing_id: UUID) -> date | None:
        return await self._conn.fetchval("SELECT max(met_on) FROM meetings WHERE pairing_id = $1", pairing_id)

    async def add_feedback(self, pairing_id: UUID, person_id: UUID, rating: int, comment: str) -> bool:
        return bool(await self._conn.fetchval(
            """INSERT INTO feedback (pairing_id, person_id, rating, comment) VALUES ($1, $2, $3, $4)
               ON CONFLICT DO NOTHING RETURNING true""",
            pairing_id, person_id, rating, comment,
        ))

    async def feedback_by(self, pairing_id: UUID, person_id: UUID) -> dict[str, Any] | None:
        row = await self._conn.fetchrow(
            "SELECT rating, comment, given_at FROM feedback WHERE pairing_id = $1 AND person_id = $2",
            pairing_id, person_id)
        return dict(row) if row else None

    async def of_program(self, program_id: UUID, status: str | None, offset: int, limit: int
                         ) -> tuple[list[dict[str, Any]], int]:
        """A program's pairings (of a status), newest first, each with whether its meetings are overdue."""
        rows = await self._conn.fetch(
            f"""SELECT {records.RETURNING_PAIRING},
                       (x.status = 'active' AND {records.overdue("x", "g")}) AS overdue,
                       count(*) OVER () AS total
                  FROM pairings x JOIN programs g ON g.id = x.program_id
                 WHERE x.program_id = $1 AND ($2::text IS NULL OR x.status = $2)
                 ORDER BY x.created_at DESC, x.id OFFSET $3 LIMIT $4""",
            program_id, status, offset, limit)
        total = rows[0]["total"] if rows else await self._conn.fetchval(
            "SELECT count(*) FROM pairings WHERE program_id = $1 AND ($2::text IS NULL OR status = $2)",
            program_id, status)
        extra = ("overdue", "total")
        return [{"pairing": records.pairing({k: v for k, v in dict(r).items() if k not in extra}),
                 "overdue": bool(r["overdue"]), "created_at": r["created_at"]} for r in rows], total

    async def feedback_of_program(self, program_id: UUID) -> list[dict[str, Any]]:
        rows = await self._conn.fetch(
            """SELECT f.pairing_id, CASE WHEN f.person_id = x.mentee_id THEN 'mentee' ELSE 'mentor' END AS from_role,
                      f.rating, f.comment, f.given_at
                 FROM feedback f JOIN pairings x ON x.id = f.pairing_id
                WHERE x.program_id = $1 ORDER BY f.given_at DESC, f.pairing_id""", program_id)
        return [dict(r) for r in rows]
