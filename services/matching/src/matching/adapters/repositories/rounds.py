"""Coordinators' rounds: queued, claimed by one instance, their progress and their outcome."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import asyncpg


class PostgresRounds:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def queue(self, round_id: UUID, program_id: UUID, method: str, most_pairs_first: bool) -> None:
        await self._conn.execute(
            "INSERT INTO rounds (id, program_id, method, most_pairs_first) VALUES ($1, $2, $3, $4)",
            round_id, program_id, method, most_pairs_first,
        )

    async def claim(self) -> asyncpg.Record | None:
        return await self._conn.fetchrow(
            """UPDATE rounds SET status = 'running' WHERE id = (
                   SELECT id FROM rounds WHERE status = 'queued' ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED)
               RETURNING *"""
        )

    async def progress(self, round_id: UUID, percent: int) -> None:
        await self._conn.execute("UPDATE rounds SET progress = $2 WHERE id = $1", round_id, percent)

    async def finish(self, round_id: UUID, *, status: str, paired: int = 0, unpaired: int = 0,
                     total_score: int = 0, unpaired_reasons: dict | None = None, error: str | None = None) -> None:
        await self._conn.execute(
            """UPDATE rounds SET status = $2, progress = 100, paired = $3, unpaired = $4, total_score = $5,
                   unpaired_reasons = $6, error = $7, finished_at = now() WHERE id = $1""",
            round_id, status, paired, unpaired, total_score, json.dumps(unpaired_reasons or {}), error,
        )

    async def get(self, round_id: UUID) -> dict[str, Any] | None:
        row = await self._conn.fetchrow("SELECT * FROM rounds WHERE id = $1", round_id)
        if row is None:
            return None
        values = dict(row)
        values["unpaired_reasons"] = json.loads(row["unpaired_reasons"]) if row["unpaired_reasons"] else None
        return values
