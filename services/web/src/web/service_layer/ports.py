"""What the sign-in handlers need: the web's own tables (as Protocols), the mailer, and the people directory."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from plumbing.unit_of_work import UnitOfWorkPort

from ..domain.sign_in import Session, SignInLink


class SignInLinks(Protocol):
    async def add(self, link: SignInLink) -> None: ...

    async def get(self, digest: str, lock: bool = False) -> SignInLink | None: ...

    async def mark_used(self, digest: str, at: datetime) -> None: ...

    async def count_recent(self, key: str, since: datetime) -> int: ...

    async def note_request(self, key: str, at: datetime) -> None: ...

    async def forget_expired(self, now: datetime, requests_before: datetime) -> int: ...


class Sessions(Protocol):
    async def add(self, session: Session) -> None: ...

    async def get(self, digest: str) -> Session | None: ...

    async def save(self, session: Session) -> None: ...

    async def remove(self, digest: str) -> None: ...

    async def remove_person(self, person_id: UUID) -> int: ...

    async def update_person(self, person_id: UUID, chapter_id: UUID | None, stage: str) -> None: ...

    async def forget_expired(self, now: datetime) -> int: ...

    async def roles_changed(self, person_id: UUID) -> None: ...


class WebUnitOfWorkPort(UnitOfWorkPort, Protocol):
    @property
    def links(self) -> SignInLinks: ...

    @property
    def sessions(self) -> Sessions: ...


class Mailer(Protocol):
    async def send(self, to: str, subject: str, text: str, html: str) -> bool: ...


class Directory(Protocol):
    """Who holds an address, as profiles says (the person's JSON, or None)."""

    async def find_person_by_email(self, email: str) -> dict[str, Any] | None: ...
