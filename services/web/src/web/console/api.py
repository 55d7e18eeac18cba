"""The services' console APIs (CONSOLE-SPEC.md), called with the staff member's own token: a coordinator's names
the chapters they coordinate, an administrator's none (they act everywhere). Answers are the services' JSON, handed
to the pages as they are; refusals become `ServiceError` with the service's code. Nothing here decides anything.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
        wanted = sorted({str(i) for i in ids if i})
        if not wanted:
            return {}
        chunks = [wanted[i:i + NAMES_PER_CALL] for i in range(0, len(wanted), NAMES_PER_CALL)]
        answers = await asyncio.gather(*(self.call("profiles", "GET", "/v1/people/names", staff,
                                                   params={"ids": ",".join(chunk)}) for chunk in chunks))
        return {p["id"]: p["display_name"] for answer in answers for p in answer}

    # --- the audit trail of every service, newest first ------------------------------------------------------
    async def audit(self, staff: Staff, *, chapter_id: str | None = None, action: str | None = None,
                    pages: int = 10) -> list[dict]:
        async def trail(service: str) -> list[dict]:
            found: list[dict] = []
            after = 0
            for _ in range(pages):
                page = await self.call(service, "GET", "/v1/audit", staff,
                                       params={"after": after, "limit": 500, "chapter_id": chapter_id,
                                               "action": action})
                found += [{**e, "service": service} for e in page["entries"]]
                if page.get("next_after") is None:
                    break
                after = page["next_after"]
            return found

        trails = await asyncio.gather(*(trail(s) for s in AUDITED))
        return sorted((e for t in trails for e in t), key=lambda e: (e["at"], e["service"], e["id"]), reverse=True)
