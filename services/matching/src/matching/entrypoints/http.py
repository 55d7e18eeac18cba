"""REST API of matching under /v1."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from plumbing.auth import Principal, current_principal, forbidden

from ..service_layer import handlers
from ..service_layer.unit_of_work import MatchingUnitOfWork

router = APIRouter(prefix="/v1")
Caller = Annotated[Principal, Depends(current_principal)]


def uow(request: Request) -> MatchingUnitOfWork:
    return MatchingUnitOfWork(request.app.state.service.pool)


UnitOfWork = Annotated[MatchingUnitOfWork, Depends(uow)]


@router.get("/programs/{program_id}/waitlist")
async def program_waitlist(program_id: UUID, caller: Caller, unit: UnitOfWork) -> list[dict]:
    entries = await handlers.waitlist(program_id, unit)
    if caller.role in ("admin", "service", "coordinator"):
        return entries
    # A mentee sees only their own place in the queue.
    return [e for e in entries if caller.is_person(e["person_id"])]


@router.get("/people/{person_id}/pairings")
async def pairings_of(person_id: UUID, caller: Caller, unit: UnitOfWork) -> list[dict]:
    if not (caller.is_person(person_id) or caller.role in ("admin", "service", "coordinator")):
        raise forbidden("you may see your own pairings")
    return await handlers.pairings_of(person_id, unit)
