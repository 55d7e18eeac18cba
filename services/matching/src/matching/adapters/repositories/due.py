"""What the lifecycle watch signals. Each UPDATE claims its rows, so concurrent instances never signal twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from ...domain.model import Pairing
from . import records


class PostgresDue:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def claim_overdue(self, limit: int) -> list[tuple[Pairing, datetime | None, int]]:
        rows = await self._conn.fetch(
            f"""WITH due AS (
                    SELECT x.id, COALESCE(x.last_met_at, x.confirmed_at) AS since, pr.cadence_max_days
                      FROM pairings x JOIN programs pr ON pr.id = x.program_id
                     WHERE x.status = 'active'
                       AND {records.overdue("x", "pr")}
                       AND x.overdue_signalled_for IS DISTINCT FROM COALESCE(x.last_met_at, x.confirmed_at)
                     LIMIT $1 FOR UPDATE OF x SKIP LOCKED)
                UPDATE pairings x SET overdue_signalled_for = due.since FROM due WHERE x.id = due.id
                RETURNING {records.RETURNING_PAIRING},
                          x.last_met_at AS met,
                          EXTRACT(day FROM now() - due.since
                                           - make_interval(days => due.cadence_max_days))::int AS late""",
            limit,
        )
        return [(records.pairing(_without(r, "met", "late")), r["met"], r["late"]) for r in rows]

    async def claim_renewals(self, notice_days: int, limit: int) -> list[Pairing]:
        rows = await self._conn.fetch(
            f"""WITH due AS (
                    SELECT id FROM pairings
                     WHERE status = 'active'
                       AND term_ends_at - make_interval(days => $1) < now() AND term_ends_at > now()
                       AND renewal_signalled_for IS DISTINCT FROM term_ends_at
                     LIMIT $2 FOR UPDATE SKIP LOCKED)
                UPDATE pairings x SET renewal_signalled_for = x.term_ends_at FROM due WHERE x.id = due.id
                RETURNING {records.RETURNING_PAIRING}""",
            notice_days, limit,
        )
        return [records.pairing(r) for r in rows]

    async def claim_answer_reminders(self, answer_within_days: int, before: timedelta, limit: int) -> list[Pairing]:
        # Reminded `before` its time to answer is up, or halfway through a shorter one.
        window = f"make_interval(days => {records.answer_within('$1')})"
        rows = await self._conn.fetch(
            f"""WITH due AS (
                    SELECT id FROM pairings
                     WHERE status IN ('proposed', 'requested') AND NOT answer_reminded
                       AND created_at < now() - {window} + least($2::interval, {window} / 2)
                     LIMIT $3 FOR UPDATE SKIP LOCKED)
                UPDATE pairings x SET answer_reminded = true FROM due WHERE x.id = due.id
                RETURNING {records.RETURNING_PAIRING}""",
            answer_within_days, before, limit,
        )
        return [records.pairing(r) for r in rows]

    async def programs_with_terms_ended(self) -> list[UUID]:
        rows = await self._conn.fetch(
            "SELECT DISTINCT program_id FROM pairings WHERE status = 'active' AND term_ends_at < now() ORDER BY 1"
        )
        return [r["program_id"] for r in rows]

    async def terms_ended(self, program_ids: list[UUID], limit: int) -> list[Pairing]:
        rows = await self._conn.fetch(
            f"""SELECT {records.PAIRING} FROM pairings
                 WHERE program_id = ANY($1) AND status = 'active' AND term_ends_at < now()
                 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED""",
            program_ids, limit,
        )
        return [records.pairing(r) for r in rows]

    async def programs_with_unanswered(self, days: int) -> list[UUID]:
        rows = await self._conn.fetch(
            f"SELECT DISTINCT program_id FROM pairings WHERE {records.unanswered_for('$1')} ORDER BY 1", days)
        return [r["program_id"] for r in rows]

    async def unanswered(self, program_ids: list[UUID], days: int, limit: int) -> list[Pairing]:
        rows = await self._conn.fetch(
            f"""SELECT {records.PAIRING} FROM pairings
                 WHERE program_id = ANY($1) AND {records.unanswered_for('$2')}
                 ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED""",
            program_ids, days, limit,
        )
        return [records.pairing(r) for r in rows]


def _without(row: asyncpg.Record, *names: str) -> dict:
    return {k: v for k, v in dict(row).items() if k not in names}
