"""The audit trail: who did what to whom, and when, for every privileged action.

A handler records an action on its unit of work (`uow.audit(caller, "pairing.ended", "pairing", pairing.id,
chapter_id=...)`); the entry is written in the same transaction as the action, so an action that rolls back leaves
no entry and one that commits always has one. The table (`audit_trail`, a plumbing migration in every service's
database) is append-only: a trigger refuses UPDATE, DELETE and TRUNCATE. `router()` gives administrators a
read-only listing of the service's trail; the web console merges the services' trails.

Entries name people by id, never by name or email: erasing a person leaves the trail without personal data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from . import correlation
from .auth import Principal, Role, current_principal, forbidden
from .http import unit_of_work


@dataclass(frozen=True)
class AuditEntry:
    actor: str
    actor_role: str
    action: str
    subject_kind: str
    subject_id: str | None
    chapter_id: UUID | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    correlation_id: str | None = None


def entry(actor: Principal, action: str, subject_kind: str, subject_id: object | None, *,
          chapter_id: UUID | None = None, detail: dict[str, Any] | None = None) -> AuditEntry:
    """An entry for `actor` doing `action` (dotted, past tense: "pairing.ended") to a `subject_kind` thing."""
    return AuditEntry(
        actor=str(actor.person_id) if actor.person_id else actor.subject,
        actor_role=actor.role.value,
        action=action,
        subject_kind=subject_kind,
        subject_id=None if subject_id is None else str(subject_id),
        chapter_id=chapter_id,
        detail=dict(detail or {}),
        correlation_id=correlation.current(),
    )


async def write(conn: asyncpg.Connection, entries: list[AuditEntry]) -> None:
    if not entries:
        return
    await conn.executemany(
        """INSERT INTO audit_trail (actor, actor_role, action, subject_kind, subject_id, chapter_id, detail,
                                    correlation_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)""",
        [(e.actor, e.actor_role, e.action, e.subject_kind, e.subject_id, e.chapter_id, json.dumps(e.detail),
          e.correlation_id) for e in entries],
    )


class AuditRecord(BaseModel):
    id: int
    at: datetime
    actor: str
    actor_role: str
    action: str
    subject_kind: str
    subject_id: str | None
    chapter_id: UUID | None
    detail: dict[str, Any]
    correlation_id: str | None


class AuditPage(BaseModel):
    entries: list[AuditRecord]
    next_after: int | None = None


async def read(conn: asyncpg.Connection, *, after: int = 0, limit: int = 100, chapter_id: UUID | None = None,
               action: str | None = None) -> AuditPage:
    """Entries after id `after`, oldest first (a reader pages with `next_after`)."""
    rows = await conn.fetch(
        """SELECT * FROM audit_trail
           WHERE id > $1 AND ($2::uuid IS NULL OR chapter_id = $2) AND ($3::text IS NULL OR action = $3)
           ORDER BY id LIMIT $4""",
        after, chapter_id, action, limit + 1,
    )
    records = [AuditRecord(**{**dict(row), "detail": json.loads(row["detail"])}) for row in rows[:limit]]
    return AuditPage(entries=records, next_after=records[-1].id if len(rows) > limit else None)


def router(path: str = "/v1/audit") -> APIRouter:
    """`GET /v1/audit`: the service's trail, for national administrators only (a coordinator's token is refused)."""
    routes = APIRouter(tags=["audit"])

    @routes.get(path, response_model=AuditPage, summary="Audit Trail")
    async def audit_trail(
        caller: Annotated[Principal, Depends(current_principal)],
        unit: Annotated[Any, Depends(unit_of_work)],
        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        chapter_id: UUID | None = None,
        action: Annotated[str | None, Query(max_length=100, pattern=r"^[a-z_.]+$")] = None,
    ) -> AuditPage:
        if caller.role is not Role.ADMIN:
            raise forbidden("only national administrators read the audit trail")
        async with unit:
            return await read(unit.conn, after=after, limit=limit, chapter_id=chapter_id, action=action)

    return routes
