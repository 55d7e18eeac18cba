"""In-memory repositories in plumbing's fake unit of work, and a small world to act in."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Generic, TypeVar
from uuid import UUID, uuid4

import pytest
from mentorship_contracts import IntegrationEvent
from mentorship_contracts.vocabulary import Role
from mentorship_contracts.vocabulary import TrainingStage as S
from plumbing import membership
from plumbing.auth import Principal
from plumbing.auth import Role as CallerRole
from plumbing.testing import FakeUnitOfWork
from profiles.domain import commands
from profiles.domain.console import StaffRoles
from profiles.domain.model import Chapter, EmailChange, Enrollment, Person, Program
from profiles.service_layer import handlers

T = TypeVar("T", bound=Chapter | Program | Person | Enrollment)


class FakeRepository(Generic[T]):
    """Keeps copies, as a database would: a change counts only once saved."""

    def __init__(self) -> None:
        self.items: dict[UUID, T] = {}

    async def save(self, item: T) -> None:
        self.items[item.id] = copy.deepcopy(item)

    async def get(self, item_id: UUID, /, lock: bool = False) -> T | None:
        return copy.deepcopy(self.items.get(item_id))


def name_key(name: str) -> str:
    """Names compared whatever their case and spacing, as the database's `name_key` compares them."""
    return " ".join(name.split()).lower()


class FakeChapters(FakeRepository[Chapter]):
    async def list(self) -> list[Chapter]:
        return [copy.deepcopy(c) for c in self.items.values()]

    async def named(self, name: str) -> Chapter | None:
        return next((copy.deepcopy(c) for c in self.items.values() if name_key(c.name) == name_key(name)), None)


class FakePrograms(FakeRepository[Program]):
    def __init__(self) -> None:
        super().__init__()
        self.taken_part: set[UUID] = set()

    async def note_taken_part(self, program_id: UUID) -> None:
        self.taken_part.add(program_id)

    async def taken_part_in(self, program_id: UUID) -> bool:
        return program_id in self.taken_part

    async def list(self, chapter_id: UUID | None = None) -> list[Program]:
        return [copy.deepcopy(p) for p in self.items.values() if chapter_id in (None, p.chapter_id)]

    async def named(self, name: str, chapter_id: UUID | None) -> Program | None:
        return next((copy.deepcopy(p) for p in self.items.values()
                     if p.chapter_id == chapter_id and name_key(p.name) == name_key(name)), None)


class FakePeople(FakeRepository[Person]):
    def __init__(self, unit: Callable[[], FakeUnitOfWork] | None = None) -> None:
        super().__init__()
        self._unit = unit  # a function: the unit of work restores repositories by copying their state

    async def remove(self, person_id: UUID) -> bool:
        """As the database: their enrollments and invitations go with them (ON DELETE CASCADE)."""
        here = self.items.pop(person_id, None) is not None
        if self._unit is not None:
            unit = self._unit()
            unit.enrollments.items = {k: e for k, e in unit.enrollments.items.items() if e.person_id != person_id}
            if invitations := getattr(unit, "invitations", None):
                invitations.items = {k: i for k, i in invitations.items.items() if i.person_id != person_id}
        return here

    async def with_email(self, email: str) -> Person | None:
        return next((copy.deepcopy(p) for p in self.items.values() if p.email.lower() == email.lower()), None)

    async def email_taken(self, email: str, by_other_than: UUID | None = None) -> bool:
        return any(p.email.lower() == email.lower() and p.id != by_other_than for p in self.items.values())



class FakeEnrollments(FakeRepository[Enrollment]):
    """Also when each enrollment was first saved (made), and when each program's staff were last reminded of the
    mentors waiting for their approval."""

    def __init__(self, unit: Callable[[], FakeUnitOfWork] | None = None) -> None:
        super().__init__()
        self._unit = unit  # its people's stages, as the database joins them
        self.enrolled_at: dict[UUID, datetime] = {}
        self.reminded_at: dict[UUID, datetime] = {}

    async def mentee_stages_in(self, program_id: UUID) -> set[S]:
        assert self._unit is not None, "give the fake its unit of work to read people's stages"
        people = self._unit().people.items
        return {people[e.person_id].stage for e in self.items.values()
                if e.program_id == program_id and e.active and e.role is Role.MENTEE and e.person_id in people}

    async def save(self, item: Enrollment) -> None:
        self.enrolled_at.setdefault(item.id, datetime.now(UTC))
        await super().save(item)

    async def for_person(self, person_id: UUID) -> list[Enrollment]:
        return [copy.deepcopy(e) for e in self.items.values() if e.person_id == person_id]

    async def longest_awaiting_approval(self, joined_by: datetime, reminded_before: datetime,
                                        now: datetime) -> list[Enrollment]:
        longest: dict[UUID, Enrollment] = {}
        for e in sorted(self.items.values(), key=lambda e: (self.enrolled_at[e.id], e.id)):
            if (e.active and e.approval == "pending" and e.role is Role.MENTOR and e.review_reason is None
                    and self.enrolled_at[e.id] <= joined_by):
                longest.setdefault(e.program_id, e)
        due = [e for program, e in sorted(longest.items())
               if program not in self.reminded_at or self.reminded_at[program] < reminded_before]
        self.reminded_at.update((e.program_id, now) for e in due)
        return copy.deepcopy(due)

    async def own_pauses_ended(self, now: datetime, limit: int) -> list[Enrollment]:
        ended = sorted((e for e in self.items.values() if e.own_pause_ended(now)),
                       key=lambda e: (e.paused_until, e.id))
        return copy.deepcopy(ended[:limit])


class FakePartnerships:
    """Pairings as matching announced them: (mentee, mentor, state, program) by pairing id, the state "proposed",
    "active" or "over"."""

    def __init__(self) -> None:
        self.pairings: dict[UUID, tuple[UUID, UUID, str, UUID | None]] = {}

    async def propose(self, pairing_id: UUID, mentee_id: UUID, mentor_id: UUID, program_id: UUID) -> None:
        self.pairings.setdefault(pairing_id, (mentee_id, mentor_id, "proposed", program_id))

    async def begin(self, pairing_id: UUID, mentee_id: UUID, mentor_id: UUID, program_id: UUID) -> None:
        _, _, state, known = self.pairings.get(pairing_id, (mentee_id, mentor_id, "proposed", None))
        if state != "over":
            self.pairings[pairing_id] = (mentee_id, mentor_id, "active", known or program_id)

    async def end(self, pairing_id: UUID, mentee_id: UUID, mentor_id: UUID) -> None:
        program = self.pairings.get(pairing_id, (None, None, None, None))[3]
        self.pairings[pairing_id] = (mentee_id, mentor_id, "over", program)

    async def between(self, one: UUID, other: UUID) -> bool:
        return any(state == "active" and {mentee, mentor} == {one, other}
                   for mentee, mentor, state, _ in self.pairings.values())

    async def mentee_of(self, pairing_id: UUID, mentor_id: UUID) -> tuple[UUID, UUID | None] | None:
        mentee, mentor, state, program = self.pairings.get(pairing_id, (None, None, "over", None))
        return (mentee, program) if mentor == mentor_id and state != "over" and mentee else None

    async def forget(self, person_id: UUID) -> None:
        self.pairings = {pairing: row for pairing, row in self.pairings.items() if person_id not in row[:2]}


class FakeEmailChanges:
    def __init__(self) -> None:
        self.items: dict[UUID, EmailChange] = {}

    async def save(self, change: EmailChange) -> None:
        self.items[change.person_id] = change

    async def by_token(self, digest: bytes) -> EmailChange | None:
        return next((c for c in self.items.values() if c.token_digest == digest), None)

    async def remove(self, person_id: UUID) -> None:
        self.items.pop(person_id, None)

    async def remove_expired(self, now: datetime) -> int:
        expired = [person for person, change in self.items.items() if change.expires_at <= now]
        for person in expired:
            del self.items[person]
        return len(expired)


STAFF = Principal(subject="staff", role=CallerRole.ADMIN, person_id=uuid4())  # whom the audit trail names


def anyone(*_: object) -> None:
    """Lets every caller act (handlers take who may act from the HTTP layer)."""


class FakeStaffRoles:
    def __init__(self, suspended: Callable[[], set[UUID]] | None = None) -> None:
        self.items: dict[UUID, StaffRoles] = {}
        # The suspensions' own set, where there are any: a function, as the unit of work restores repositories by
        # copying their state (a set shared by two would be two sets after a rollback).
        self._suspended = suspended or set

    @property
    def suspended(self) -> set[UUID]:
        return self._suspended()

    async def get(self, person_id: UUID, /) -> StaffRoles:
        held = self.items.get(person_id)
        return StaffRoles(person_id, held.administrator, set(held.coordinator_of)) if held else StaffRoles(person_id)

    async def save(self, roles: StaffRoles) -> None:
        self.items[roles.person_id] = StaffRoles(roles.person_id, roles.administrator, set(roles.coordinator_of))

    async def active_administrators(self) -> set[UUID]:
        return {person for person, roles in self.items.items() if roles.administrator and person not in self.suspended}

    async def coordinators(self) -> list[tuple[UUID, UUID]]:
        return sorted((chapter, person) for person, roles in self.items.items() for chapter in roles.coordinator_of)

    async def reviewers(self, chapter_id: UUID | None, other_than: UUID) -> list[UUID]:
        able = [roles for person, roles in self.items.items() if person != other_than and person not in self.suspended]
        coordinators = sorted(roles.person_id for roles in able if chapter_id in roles.coordinator_of)
        return coordinators or sorted(roles.person_id for roles in able if roles.administrator)


class FakeProfilesUnitOfWork(FakeUnitOfWork):
    """As profiles' own: each event of a program that keeps who takes part from other teams (or of a program it does
    not know) is published as its private twin."""

    programs: FakePrograms

    async def as_published(self, events: list[IntegrationEvent]) -> list[IntegrationEvent]:
        async def keeping_members_private(asked: set[UUID]) -> set[UUID]:
            return asked - {p.id for p in self.programs.items.values() if p.members_public}

        return await membership.published(events, keeping_members_private)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    unit = FakeProfilesUnitOfWork(chapters=FakeChapters(), programs=FakePrograms(), people=FakePeople(lambda: unit),
                                  enrollments=FakeEnrollments(lambda: unit), partnerships=FakePartnerships(),
                                  email_changes=FakeEmailChanges(), staff_roles=FakeStaffRoles())
    return unit


@pytest.fixture
async def chapter(uow):
    return await handlers.define_chapter(commands.DefineChapter("Meharry", "America/Chicago"), STAFF, uow)


@pytest.fixture
async def vetted_program(uow, chapter):
    return await handlers.define_program(commands.DefineProgram(
        name="Into Residency", chapter_id=chapter.id, mentee_stages=[S.MEDICAL_STUDENT_3, S.MEDICAL_STUDENT_4],
        mentor_stages=[S.RESIDENT, S.FELLOW], mentor_approval_required=True), STAFF, uow)


@pytest.fixture
def register(uow, chapter):
    async def register(stage=S.RESIDENT, email=None, **details):
        email = email or f"person{len(uow.people.items)}@example.org"
        details = {"display_name": "A Person", **details}
        return await handlers.register_person(commands.RegisterPerson(
            email=email, stage=stage, chapter_id=chapter.id, **details), uow)
    return register
