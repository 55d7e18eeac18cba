"""Counts for the console's reports: per program (with its chapter), never per person."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from . import records


class PostgresReports:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def programs(self, chapter_id: UUID | None) -> list[dict[str, Any]]:
        """The programs of a chapter (None: every program), with their chapter."""
        rows = await self._conn.fetch(
            "SELECT id, chapter_id FROM programs WHERE $1::uuid IS NULL OR chapter_id = $1 ORDER BY id", chapter_id)
        return [dict(r) for r in rows]

    async def mentorships(self, program_ids: list[UUID]) -> dict[UUID, dict[str, dict[str, int]]]:
        """Per program and mentees' stage, how many mentees (each once, whatever their enrollments of several kinds
        and their pairings): waiting now, paired (ever: a pairing proposed now, or a mentorship that began), active
        now, with a mentorship completed, with one ended early. One who waits again after a mentorship is both
        waiting and paired: the measures do not add up."""
        waiting = await self._conn.fetch(
            f"""SELECT e.program_id, e.stage, count(DISTINCT e.person_id) FILTER (WHERE {records.waiting()}) AS waiting
                  FROM enrollments e
                 WHERE e.program_id = ANY($1) AND e.role = 'mentee'
                 GROUP BY 1, 2""", program_ids)
        paired = await self._conn.fetch(
            """SELECT x.program_id, e.stage,
                      count(DISTINCT x.mentee_id) FILTER (WHERE x.status IN ('proposed', 'active', 'completed', 'ended'))
                          AS paired,
                      count(DISTINCT x.mentee_id) FILTER (WHERE x.status = 'active') AS active,
                      count(DISTINCT x.mentee_id) FILTER (WHERE x.status = 'completed') AS completed,
                      count(DISTINCT x.mentee_id) FILTER (WHERE x.status = 'ended') AS ended_early
                 FROM pairings x JOIN enrollments e ON e.id = x.mentee_enrollment_id
                WHERE x.program_id = ANY($1)
                GROUP BY 1, 2""", program_ids)
        out: dict[UUID, dict[str, dict[str, int]]] = {}
        for row in [*waiting, *paired]:
            measures = {k: v for k, v in dict(row).items() if k not in ("program_id", "stage")}
            out.setdefault(row["program_id"], {}).setdefault(row["stage"], {}).update(measures)
        return out

    async def meetings_per_pairing(self, program_ids: list[UUID]) -> dict[UUID, dict[str, int]]:
        """Per program, its pairings that happened (active, completed, ended) by meetings logged: 0, 1-2, 3-5, 6+."""
        rows = await self._conn.fetch(
            """SELECT x.program_id,
                      CASE WHEN m.n = 0 THEN '0' WHEN m.n <= 2 THEN '1-2' WHEN m.n <= 5 THEN '3-5' ELSE '6+' END
                          AS bucket,
                      count(*) AS pairings
                 FROM pairings x
                 CROSS JOIN LATERAL (SELECT count(*) AS n FROM meetings WHERE pairing_id = x.id) m
                WHERE x.program_id = ANY($1) AND x.status IN ('active', 'completed', 'ended')
                GROUP BY 1, 2""", program_ids)
        out: dict[UUID, dict[str, int]] = {}
        for row in rows:
            out.setdefault(row["program_id"], {})[row["bucket"]] = row["pairings"]
        return out

    async def trends(self, program_ids: list[UUID], since: datetime) -> dict[UUID, dict[str, dict[str, int]]]:
        """Per program and month (YYYY-MM) from `since`: pairings that began (became active), completed, ended
        early."""
        rows = await self._conn.fetch(
            """SELECT program_id, to_char(date_trunc('month', at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, what,
                      count(*) AS n
                 FROM (SELECT program_id, confirmed_at AS at, 'paired' AS what FROM pairings
                        WHERE program_id = ANY($1) AND confirmed_at >= $2
                       UNION ALL
                       SELECT program_id, closed_at,
                              CASE status WHEN 'completed' THEN 'completed' ELSE 'ended_early' END
                         FROM pairings
                        WHERE program_id = ANY($1) AND status IN ('completed', 'ended') AND closed_at >= $2) t
                GROUP BY 1, 2, 3""", program_ids, since)
        out: dict[UUID, dict[str, dict[str, int]]] = {}
        for row in rows:
            out.setdefault(row["program_id"], {}).setdefault(row["month"], {})[row["what"]] = row["n"]
        return out
