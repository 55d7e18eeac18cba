"""What the handlers need of storage: a repository per aggregate and the unit of work that holds them.

The PostgreSQL repositories (`adapters.repository`) and the unit tests' fakes both satisfy these.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Protocol
from uuid import UUID

from plumbing.unit_of_work import UnitOfWorkPort

from ..domain.commands import SearchPeople
from ..domain.model import Chapter, EmailChange, Enrollment, Person, Program


class Chapters(Protocol):
    async def save(self, chapter: Chapter) -> None: ...

    async def get(self, chapter_id: UUID, /) -> Chapter | None: ...

    async def list(self) -> builtins.list[Chapter]: ...


class Programs(Protocol):
    async def save(self, program: Program) -> None: ...

    async def get(self, program_id: UUID, /) -> Program | None: ...

    async def list(self, chapter_id: UUID | None = None) -> builtins.list[Program]: ...


class People(Protocol):
    async def save(self, person: Person) -> None:
        """Store the person; raises `AlreadyRegistered` when another person has their email address."""

    async def get(self, person_id: UUID, /, lock: bool = False) -> Person | None:
        """The person; with `lock`, held until the transaction ends (their changes and enrollments serialised)."""

    async def remove(self, person_id: UUID) -> None:
        """Forget the person and their enrollments."""

    async def with_email(self, email: str) -> Person | None:
        """The person registered with this email, whatever its case."""

    async def email_taken(self, email: str, by_other_than: UUID | None = None) -> bool:
        """Whether someone (other than `by_other_than`) is registered with this email, whatever its case."""

    async def search(self, query: SearchPeople) -> tuple[list[Person], int]:
        """One page of the people matching every filter given, by name, and how many match in all."""


class Enrollments(Protocol):
    async def save(self, enrollment: Enrollment) -> None: ...

    async def get(self, enrollment_id: UUID, /, lock: bool = False) -> Enrollment | None: ...

    async def for_person(self, person_id: UUID) -> list[Enrollment]: ...


class Partnerships(Protocol):
    """Who is paired with whom, as matching announces it: an active pairing lets each side see the other as a
    partner; one that is over never becomes active again."""

    async def begin(self, pairing_id: UUID, mentee_id: UUID, mentor_id: UUID) -> None:
        """Record the pairing as active, unless it is known to be over."""

    async def end(self, pairing_id: UUID, mentee_id: UUID, mentor_id: UUID) -> None:
        """Record the pairing as over, for good."""

    async def between(self, one: UUID, other: UUID) -> bool:
        """Whether these two are partners in an active pairing."""

    async def forget(self, person_id: UUID) -> None:
        """Forget every pairing of the person."""


class EmailChanges(Protocol):
    """Changes of address waiting to be confirmed, one per person at most."""

    async def save(self, change: EmailChange) -> None:
        """Keep the change, replacing any the person had pending."""

    async def by_token(self, digest: bytes) -> EmailChange | None:
        """The change whose token has this digest, locked until the transaction ends."""

    async def remove(self, person_id: UUID) -> None: ...

    async def remove_expired(self, now: datetime) -> int:
        """Forget the changes no longer confirmable; how many."""


class ProfilesUnitOfWorkPort(UnitOfWorkPort, Protocol):
    """One transaction over the repositories: `async with uow:`, change, `uow.emit(...)`, `await uow.commit()`;
    leaving without committing undoes the changes and drops the events."""

    @property
    def chapters(self) -> Chapters: ...

    @property
    def programs(self) -> Programs: ...

    @property
    def people(self) -> People: ...

    @property
    def enrollments(self) -> Enrollments: ...

    @property
    def partnerships(self) -> Partnerships: ...

    @property
    def email_changes(self) -> EmailChanges: ...
