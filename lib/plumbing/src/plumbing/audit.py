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
from pydantic import BaseModel, Field

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
    next_after: int | None = Field(default=None, description="Oldest first: the `after` of the next page, if any")
    next_before: int | None = Field(default=None, description="Newest first: the `before` of the next page, if any")


async def read(conn: asyncpg.Connection, *, after: int = 0, limit: int = 100, chapter_id: UUID | None = None,
               action: str | None = None, newest_first: bool = False, before: int | None = None) -> AuditPage:
    """Entries after id `after`, oldest first (a reader pages with `next_after`); or, `newest_first`, the newest
    entries, or those before id `before` (a reader pages with `next_before`)."""
    # Only the filters asked for are written: a kept (generic) plan of `$n IS NULL OR chapter_id = $n` could not
    # seek the chapter's index, and would scan the whole trail for a chapter's page.
    args: list[Any] = []
    where = []
    if newest_first:
        if before is not None:
            args.append(before)
            where.append(f"id < ${len(args)}")
    else:
        args.append(after)
        where.append(f"id > ${len(args)}")
    if chapter_id is not None:
        args.append(chapter_id)
        where.append(f"chapter_id = ${len(args)}")
    if action is not None:
        args.append(action)
        where.append(f"action = ${len(args)}")
    args.append(limit + 1)
    rows = await conn.fetch(
        "SELECT * FROM audit_trail" + (" WHERE " + " AND ".join(where) if where else "")
        + f" ORDER BY id {'DESC' if newest_first else 'ASC'} LIMIT ${len(args)}",
        *args,
    )
    records = [AuditRecord(**{**dict(row), "detail": json.loads(row["detail"])}) for row in rows[:limit]]
    more = records[-1].id if len(rows) > limit else None
    if newest_first:
        return AuditPage(entries=records, next_before=more)
    return AuditPage(entries=records, next_after=more)


def router(path: str = "/v1/audit") -> APIRouter:
    """`GET /v1/audit`: the service's trail, for national administrators only (a coordinator's token is refused)."""
    routes = APIRouter(tags=["audit"])

    @routes.get(path, response_model=AuditPage, summary="Audit Trail")
    async def audit_trail(
        caller: Annotated[Principal, Depends(current_principal)],
        unit: Annotated[Any, Depends(unit_of_work)],
        after: Annotated[int, Query(ge=0, le=2**62, description="Oldest first, after this id")] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        chapter_id: UUID | None = None,
        action: Annotated[str | None, Query(max_length=100, pattern=r"^[a-z_.]+$")] = None,
        newest_first: Annotated[bool, Query(description="Newest first (`before` pages, not `after`)")] = False,
        before: Annotated[int | None, Query(ge=1, le=2**62, description="Newest first, before this id")] = None,
    ) -> AuditPage:
        if caller.role is not Role.ADMIN:
            raise forbidden("only national administrators read the audit trail")
        async with unit:
            return await read(unit.conn, after=after, limit=limit, chapter_id=chapter_id, action=action,
                              newest_first=newest_first or before is not None, before=before)

    return routes
