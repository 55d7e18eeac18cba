"""Coordinators' rounds: queued, claimed by one instance, their progress and their outcome."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from plumbing import audit
from plumbing.auth import Principal

from ...domain.rounds import DraftPair, Unpaired
from . import records


class PostgresRounds:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def queue(self, round_id: UUID, program_id: UUID, method: str, most_pairs_first: bool) -> None:
        await self._conn.execute(
            "INSERT INTO rounds (id, program_id, method, most_pairs_first) VALUES ($1, $2, $3, $4)",
            round_id, program_id, method, most_pairs_first,
        )

    async def claim(self, lease_seconds: float) -> asyncpg.Record | None:
        # A round claimed before claims were kept (no heartbeat) counts from when it was asked for.
        return await self._conn.fetchrow(
            """UPDATE rounds SET status = 'running', progress = 0, claim = $2, heartbeat_at = now() WHERE id = (
                   SELECT id FROM rounds
                    WHERE status = 'queued' OR status = 'running'
                          AND coalesce(heartbeat_at, requested_at) < now() - make_interval(secs => $1)
                    ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED)
               RETURNING *""", lease_seconds, uuid4())

    async def progress(self, round_id: UUID, claim: UUID, percent: int) -> bool:
        return await self._conn.fetchval(
            """UPDATE rounds SET progress = $3, heartbeat_at = now()
                WHERE id = $1 AND claim = $2 AND status = 'running' RETURNING true""",
            round_id, claim, percent) is not None

    async def release(self, round_id: UUID, claim: UUID) -> None:
        await self._conn.execute(
            """UPDATE rounds SET status = 'queued', progress = 0, claim = NULL, heartbeat_at = NULL
                WHERE id = $1 AND claim = $2 AND status = 'running'""", round_id, claim)

    async def finish(self, round_id: UUID, claim: UUID, *, status: str, paired: int = 0, unpaired: int = 0,
                     total_score: int = 0, unpaired_reasons: dict | None = None, error: str | None = None) -> bool:
        return await self._conn.fetchval(
            """UPDATE rounds SET status = $3, progress = 100, paired = $4, unpaired = $5, total_score = $6,
                   unpaired_reasons = $7, error = $8, finished_at = now()
                WHERE id = $1 AND claim = $2 AND status = 'running' RETURNING true""",
            round_id, claim, status, paired, unpaired, total_score, json.dumps(unpaired_reasons or {}), error,
        ) is not None

    async def get(self, round_id: UUID, *, for_update: bool = False) -> dict[str, Any] | None:
        row = await self._conn.fetchrow(
            "SELECT * FROM rounds WHERE id = $1" + (" FOR UPDATE" if for_update else ""), round_id)
        return None if row is None else _round(row)

    async def of_program(self, program_id: UUID) -> list[dict[str, Any]]:
        rows = await self._conn.fetch(
            "SELECT * FROM rounds WHERE program_id = $1 ORDER BY requested_at DESC, id", program_id)
        return [_round(r) for r in rows]

    async def open_of_program(self, program_id: UUID, statuses: tuple[str, ...] = ("queued", "running", "draft"),
                              besides: UUID | None = None) -> dict[str, Any] | None:
        row = await self._conn.fetchrow(
            """SELECT * FROM rounds WHERE program_id = $1 AND status = ANY($2::text[]) AND id IS DISTINCT FROM $3
                ORDER BY requested_at DESC, id LIMIT 1""", program_id, list(statuses), besides)
        return None if row is None else _round(row)

    async def of_chapters(self, chapter_ids: frozenset[UUID] | None, status: str, limit: int) -> list[dict[str, Any]]:
        rows = await self._conn.fetch(
            f"""SELECT * FROM rounds WHERE program_id IN {records.programs_of_chapters("$1")} AND status = $2
                 ORDER BY requested_at DESC, id LIMIT $3""", chapter_ids, status, limit)
        return [_round(r) for r in rows]

    async def save_draft(self, round_id: UUID, pairs: list[DraftPair], unpaired: list[Unpaired]) -> None:
        # A round's tens of thousands by COPY and by one statement over arrays: a statement a row took 1 s at 50k.
        if pairs:
            await self._conn.copy_records_to_table(
                "round_pairs", columns=["round_id", "mentee_enrollment_id", "mentor_enrollment_id", "mentee_id",
                                        "mentor_id", "score", "reasons", "by_hand", "drafted_mentor_enrollment_id"],
                records=[(round_id, p.mentee_enrollment_id, p.mentor_enrollment_id, p.mentee_id, p.mentor_id,
                          p.score, list(p.reasons), p.by_hand, p.drafted_mentor_enrollment_id) for p in pairs])
        if unpaired:
            await self._conn.execute(
                """INSERT INTO round_unpaired (round_id, mentee_enrollment_id, mentee_id, reason_code,
                                              drafted_mentor_enrollment_id)
                   SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::uuid[])
                       ON CONFLICT (round_id, mentee_enrollment_id) DO UPDATE
                          SET reason_code = EXCLUDED.reason_code,
                              drafted_mentor_enrollment_id = EXCLUDED.drafted_mentor_enrollment_id""",
                round_id, [u.mentee_enrollment_id for u in unpaired], [u.mentee_id for u in unpaired],
                [u.reason_code for u in unpaired], [u.drafted_mentor_enrollment_id for u in unpaired])

    async def draft(self, round_id: UUID) -> tuple[list[DraftPair], list[Unpaired]]:
        pairs = await self._conn.fetch(
            """SELECT mentee_enrollment_id, mentor_enrollment_id, mentee_id, mentor_id, score, reasons, by_hand,
                      drafted_mentor_enrollment_id
                 FROM round_pairs WHERE round_id = $1 ORDER BY score DESC, mentee_id""", round_id)
        unpaired = await self._conn.fetch(
            """SELECT mentee_enrollment_id, mentee_id, reason_code, drafted_mentor_enrollment_id
                 FROM round_unpaired WHERE round_id = $1 ORDER BY reason_code, mentee_id""", round_id)
        return ([DraftPair(**{**dict(r), "reasons": tuple(r["reasons"])}) for r in pairs],
                [Unpaired(**dict(r)) for r in unpaired])

    async def remove_pairs(self, round_id: UUID, mentee_enrollment_ids: list[UUID]) -> None:
        await self._conn.execute(
            "DELETE FROM round_pairs WHERE round_id = $1 AND mentee_enrollment_id = ANY($2)",
            round_id, mentee_enrollment_ids)

    async def remove_unpaired(self, round_id: UUID, mentee_enrollment_ids: list[UUID]) -> None:
        await self._conn.execute(
            "DELETE FROM round_unpaired WHERE round_id = $1 AND mentee_enrollment_id = ANY($2)",
            round_id, mentee_enrollment_ids)

    async def close(self, round_id: UUID, *, status: str, paired: int | None = None, unpaired: int | None = None,
                    total_score: int | None = None, skipped: list[dict[str, Any]] | None = None) -> None:
        """A draft published (with what it paired, left and skipped) or discarded."""
        await self._conn.execute(
            """UPDATE rounds SET status = $2, paired = COALESCE($3, paired), unpaired = COALESCE($4, unpaired),
                   total_score = COALESCE($5, total_score), skipped = $6::jsonb,
                   published_at = CASE WHEN $2 = 'published' THEN now() END WHERE id = $1""",
            round_id, status, paired, unpaired, total_score, None if skipped is None else json.dumps(
                [{k: str(v) for k, v in s.items()} for s in skipped]))

    async def viewed(self, round_id: UUID, viewer: Principal, status: str) -> bool:
        """Whether the audit trail has `viewer` reading this round in this status already ("round.viewed")."""
        reading = audit.entry(viewer, "round.viewed", "round", round_id)  # the trail's names for them and it
        # The action written out, not a parameter: a generic plan could not use the partial index of round views.
        return await self._conn.fetchval(
            """SELECT EXISTS (SELECT FROM audit_trail WHERE action = 'round.viewed' AND subject_kind = 'round'
                                 AND subject_id = $1 AND actor = $2 AND detail->>'status' = $3)""",
            reading.subject_id, reading.actor, status)


def _round(row: asyncpg.Record) -> dict[str, Any]:
    values = dict(row)
    values["unpaired_reasons"] = json.loads(row["unpaired_reasons"]) if row["unpaired_reasons"] else None
    values["skipped"] = json.loads(row["skipped"]) if row["skipped"] else None
    return values
