"""Programs as profiles define them, matching's weights for each, their locks and their statistics."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any
from uuid import UUID

import asyncpg

from ...domain.model import LIVE, ProgramRules
from ...domain.scoring import Weights
from . import records
from .locks import HeldLocks


class PostgresPrograms:
    def __init__(self, conn: asyncpg.Connection, locked: set[UUID] | None = None) -> None:
        self._conn = conn
        self._locks = HeldLocks(conn, "", locked)

    async def save(self, program: ProgramRules) -> None:
        await self._conn.execute(
            """INSERT INTO programs (id, chapter_id, pairing_mode, both_must_accept, pair_cap, minimum_score,
                                     term_months, cadence_max_days, format, group_size, mentee_stages, mentor_stages,
                                     answer_within_days, members_public)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
               ON CONFLICT (id) DO UPDATE SET chapter_id = $2, pairing_mode = $3, both_must_accept = $4,
                   pair_cap = $5, minimum_score = $6, term_months = $7, cadence_max_days = $8, format = $9,
                   group_size = $10, mentee_stages = $11, mentor_stages = $12, answer_within_days = $13,
                   members_public = $14""",
            program.id, program.chapter_id, program.pairing_mode, program.both_must_accept, program.pair_cap,
            program.minimum_score, program.term_months, program.cadence_max_days, program.format, program.group_size,
            list(program.mentee_stages), list(program.mentor_stages), program.answer_within_days,
            program.members_public,
        )

    async def keeping_members_private(self, program_ids: Collection[UUID]) -> set[UUID]:
        """Those of these programs that keep who takes part from other teams: `members_public` not true, or a
        program matching does not know (the safe side). One round trip, by primary key."""
        rows = await self._conn.fetch(
            """SELECT asked.id FROM unnest($1::uuid[]) AS asked (id)
                WHERE NOT EXISTS (SELECT FROM programs p WHERE p.id = asked.id AND p.members_public)""",
            list(program_ids),
        )
        return {row["id"] for row in rows}

    async def get(self, program_id: UUID) -> ProgramRules | None:
        row = await self._conn.fetchrow("SELECT * FROM programs WHERE id = $1", program_id)
        return None if row is None else records.program(row)

    def holds(self, program_id: UUID) -> bool:
        """Whether this transaction already holds the program's lock."""
        return program_id in self._locks.held

    async def lock(self, program_id: UUID) -> None:
        """Serialise pairing within one program across instances: capacities and caps stay exact."""
        await self._locks.take([program_id])

    async def lock_all(self, program_ids: list[UUID]) -> None:
        await self._locks.take(program_ids)

    async def pairing_context(self, program_id: UUID) -> tuple[ProgramRules | None, Weights, tuple,
                                                                 dict[UUID, int]]:
        """What pairing in a program needs to know of it, in one round trip (it runs at every registration):
        its rules; its weights; the stamp of its mentors, (this database, how many, the latest change) of its
        active mentor enrollments, which any change to them, their enrollment or their matching profile, changes
        (see migration 0002); and the live pairings per mentor enrollment (mentors without any are absent), as
        each enrollment counts them (migration 0008)."""
        row = await self._conn.fetchrow(
            """SELECT p.*, to_jsonb(w) - 'program_id' AS weights, (SELECT origin FROM roster_origin) AS origin,
                      (SELECT count(*) FROM enrollments
                        WHERE program_id = $1 AND role = 'mentor' AND active) AS stamp_n,
                      (SELECT COALESCE(max(changed), 0) FROM enrollments
                        WHERE program_id = $1 AND role = 'mentor' AND active) AS stamp_latest,
                      live.mentors AS live_mentors, live.counts AS live_counts
                 FROM programs p LEFT JOIN program_weights w ON w.program_id = p.id
                 CROSS JOIN (SELECT array_agg(id) AS mentors, array_agg(live_pairings) AS counts FROM enrollments
                              WHERE program_id = $1 AND role = 'mentor' AND live_pairings > 0) live
                WHERE p.id = $1""",
            program_id,
        )
        if row is None:
            return None, Weights(), (), {}
        # Counted in the database: one number per mentor, not one id per pairing, crosses the wire.
        live = dict(zip(row["live_mentors"] or (), row["live_counts"] or (), strict=True))
        weights = Weights(**json.loads(row["weights"])) if row["weights"] else Weights()
        return records.program(row), weights, (row["origin"], row["stamp_n"], row["stamp_latest"]), live

    async def weights(self, program_id: UUID) -> Weights:
        row = await self._conn.fetchrow("SELECT * FROM program_weights WHERE program_id = $1", program_id)
        return Weights(**{k: v for k, v in dict(row).items() if k != "program_id"}) if row else Weights()

    async def save_weights(self, program_id: UUID, weights: Weights) -> None:
        values = weights.as_dict()
        names = list(values)
        await self._conn.execute(
            f"""INSERT INTO program_weights (program_id, {', '.join(names)})
                VALUES ($1, {', '.join(f'${i}' for i in range(2, len(names) + 2))})
                ON CONFLICT (program_id) DO UPDATE SET {', '.join(f'{n} = EXCLUDED.{n}' for n in names)}""",
            program_id, *values.values(),
        )

    async def statistics(self, program_id: UUID) -> dict[str, Any]:
        counts = dict(await self._conn.fetch(
            "SELECT status, count(*) FROM pairings WHERE program_id = $1 GROUP BY status", program_id
        ))
        overdue = await self._conn.fetchval(
            f"""SELECT count(*) FROM pairings x JOIN programs pr ON pr.id = x.program_id
                WHERE x.program_id = $1 AND x.status = 'active' AND {records.overdue("x", "pr")}""",
            program_id,
        )
        waiting = await self._conn.fetchrow(
            f"""SELECT count(*) AS n, EXTRACT(epoch FROM avg(now() - e.waiting_since)) / 86400 AS mean_days,
                       EXTRACT(epoch FROM max(now() - e.waiting_since)) / 86400 AS max_days
                  FROM enrollments e WHERE e.program_id = $1 AND {records.waiting()}""",
            program_id,
        )
        return {
            "paired": sum(counts.get(s, 0) for s in LIVE),
            "proposed": counts.get("proposed", 0),
            "active": counts.get("active", 0),
            "overdue": overdue,
            "completed": counts.get("completed", 0),
            "ended": counts.get("ended", 0),
            "declined": counts.get("declined", 0),
            "waiting": waiting["n"],
            "waiting_days_mean": round(float(waiting["mean_days"] or 0), 2),
            "waiting_days_max": round(float(waiting["max_days"] or 0), 2),
        }
