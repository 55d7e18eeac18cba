"""The services' console APIs (CONSOLE-SPEC.md), called with the staff member's own token: a coordinator's names
the chapters they coordinate, an administrator's none (they act everywhere). Answers are the services' JSON, handed
to the pages as they are; refusals become `ServiceError` with the service's code. Nothing here decides anything.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from plumbing.auth import Role

from ..adapters.service_tokens import ServiceTokens
from ..adapters.services import Http, ServiceError, send

Json = Any
SERVICES = ("profiles", "matching", "events", "notifications")
AUDITED = ("profiles", "matching", "events", "notifications")
NAMES_PER_CALL = 200


@dataclass(frozen=True)
class Staff:
    """Who acts in the console, as profiles says (`GET /people/{id}/roles`), never as the browser says."""

    person_id: UUID
    administrator: bool
    coordinator_of: tuple[UUID, ...]

    @property
    def role(self) -> Role:
        return Role.ADMIN if self.administrator else Role.COORDINATOR

    def coordinates(self, chapter_id: str | UUID | None) -> bool:
        """Whether the console offers this chapter's things (the services decide whether the action is allowed)."""
        if self.administrator:
            return True
        return chapter_id is not None and UUID(str(chapter_id)) in self.coordinator_of


class ConsoleApi:
    def __init__(self, http: Http, urls: Mapping[str, str], tokens: ServiceTokens) -> None:
        self._http, self._urls, self._tokens = http, dict(urls), tokens
        self.calls = 0

    async def aclose(self) -> None:
        await self._http.aclose()

    def _token(self, service: str, staff: Staff | None) -> str:
        if staff is None:
            return self._tokens.for_web(service)
        return self._tokens.for_staff(service, staff.person_id, staff.role, list(staff.coordinator_of))

    async def call(self, service: str, method: str, path: str, staff: Staff | None, *, json: Json = None,
                   params: Mapping[str, Any] | None = None) -> Json:
        """`staff` None: the web app itself (only to read a signed-in person's roles)."""
        self.calls += 1
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        return await send(self._http, service, method, self._urls[service] + path, self._token(service, staff),
                          json=json, params=clean)

    # --- who is staff ----------------------------------------------------------------------------------------
    async def staff(self, person_id: UUID) -> Staff | None:
        try:
            roles = await self.call("profiles", "GET", f"/v1/people/{person_id}/roles", None)
        except ServiceError as error:
            if error.status in (403, 404):
                return None
            raise
        chapters = tuple(UUID(c) for c in roles.get("coordinator_of") or ())
        if roles.get("suspended") or not roles.get("administrator") and not chapters:
            return None  # a suspension counts from the next request, whenever its event reaches the sessions
        return Staff(person_id, bool(roles.get("administrator")), chapters)

    # --- names: the one profiles call per page ---------------------------------------------------------------
    async def names(self, staff: Staff, ids: Iterable[str | UUID | None]) -> dict[str, str]:
        return {p["id"]: p["display_name"] for p in await self._people(staff, "/v1/people/names", ids)}

    async def contacts(self, staff: Staff, ids: Iterable[str | UUID | None], event: dict) -> dict[str, dict]:
        """Names and email addresses of an event's registrants (its attendance file's), audited by profiles once a
        call, naming the event and under its chapter, rather than as a look at each person."""
        about = {"for_event": event["id"]} | ({"chapter_id": event["chapter_id"]} if event.get("chapter_id") else {})
        return {p["id"]: p for p in await self._people(staff, "/v1/people/contacts", ids, about)}

    async def _people(self, staff: Staff, path: str, ids: Iterable[str | UUID | None],
                      params: dict | None = None) -> list[dict]:
        """Profiles' bulk read of these people (those the staff member may read), as few calls as it takes."""
        wanted = sorted({str(i) for i in ids if i})
        chunks = [wanted[i:i + NAMES_PER_CALL] for i in range(0, len(wanted), NAMES_PER_CALL)]
        answers = await asyncio.gather(*(self.call("profiles", "GET", path, staff,
                                                   params={"ids": ",".join(chunk), **(params or {})})
                                         for chunk in chunks))
        return [p for answer in answers for p in answer]

    # --- the audit trail of every service, newest first, a page at a time ----------------------------------------
    async def audit(self, staff: Staff, size: int, *, chapter_id: str | None = None, action: str | None = None,
                    before: Sequence[int] | None = None, after: Sequence[int] | None = None) -> AuditPage:
        """`size` entries of the services' trails merged, newest first: the newest, those older than `before`, or
        those newer than `after` (an id per service, in AUDITED's order: each service numbers its own). Each service
        is asked once, for at most `size` entries from that point."""
        async def read(i: int, service: str) -> dict:
            params: dict[str, Any] = {"limit": size, "chapter_id": chapter_id, "action": action}
            if after is None:
                params |= {"newest_first": True, "before": before[i] if before else None}
            else:
                params["after"] = after[i]
            page = await self.call(service, "GET", "/v1/audit", staff, params=params)
            return {**page, "entries": [{**e, "service": service} for e in page["entries"]]}

        trails = await asyncio.gather(*(read(i, service) for i, service in enumerate(AUDITED)))
        # Each trail comes in its id order, and the page takes a run from the start of each: the next page goes on
        # where each run ends.
        merged = list(itertools.islice(heapq.merge(*(trail["entries"] for trail in trails), key=_order,
                                                   reverse=after is None), size))
        taken = [[e["id"] for e in merged if e["service"] == service] for service in AUDITED]
        left = any(len(ids) < len(trail["entries"]) for ids, trail in zip(taken, trails, strict=True))
        if after is None:
            # Older: below each service's last shown; else below where the page began (its newest, on the first).
            older = tuple(min(ids) if ids else before[i] if before else _newest(trail) + 1
                          for i, (ids, trail) in enumerate(zip(taken, trails, strict=True)))
            newer = tuple(max(ids) if ids else below - 1 for ids, below in zip(taken, older, strict=True))
            more = left or any(trail["next_before"] is not None for trail in trails)
            return AuditPage(merged, older if more else None, newer if before else None)
        newer = tuple(max(ids) if ids else above for ids, above in zip(taken, after, strict=True))
        more = left or any(trail["next_after"] is not None for trail in trails)
        return AuditPage(merged[::-1], tuple(above + 1 for above in after), newer if more else None)


@dataclass(frozen=True)
class AuditPage:
    """A page of the merged trail, newest first, and where the pages next to it begin: an id per service, each
    service's `before` for the older page and its `after` for the newer one (None: there is none)."""

    entries: list[dict]
    older: tuple[int, ...] | None
    newer: tuple[int, ...] | None


def _order(entry: dict) -> tuple[datetime, int, int]:
    return datetime.fromisoformat(entry["at"]), AUDITED.index(entry["service"]), entry["id"]


def _newest(trail: dict) -> int:
    """The id of a newest-first page's first entry (0: an empty trail)."""
    return trail["entries"][0]["id"] if trail["entries"] else 0
