"""What the handlers need of storage: a repository per aggregate and the unit of work that holds them.

The PostgreSQL repositories (`adapters.repository`) and the unit tests' fakes both satisfy these.
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Literal, Protocol
from uuid import UUID

from mentorship_contracts.vocabulary import Role, TrainingStage
from plumbing.unit_of_work import UnitOfWorkPort

from ..domain.commands import ConsoleSearch, VettingQueue
from ..domain.console import Invitation, StaffRoles
from ..domain.model import Chapter, EmailChange, Enrollment, Person, Program, PublicStanding, Suspension


class Chapters(Protocol):
    async def save(self, chapter: Chapter) -> None:
        """Store the chapter; raises `ChapterNameTaken` when another chapter has its name (`named`)."""

    async def get(self, chapter_id: UUID, /) -> Chapter | None: ...

    async def list(self) -> builtins.list[Chapter]: ...

    async def named(self, name: str) -> Chapter | None:
        """The chapter of this name, whatever its case and spacing."""


class Programs(Protocol):
    async def save(self, program: Program) -> None:
        """Store the program; raises `ProgramNameTaken` when another program has its name (`named`)."""

    async def get(self, program_id: UUID, /, lock: bool = False) -> Program | None:
        """The program; with `lock`, held until the transaction ends (an enrollment in it committing meanwhile
        waits)."""

    async def list(self, chapter_id: UUID | None = None) -> builtins.list[Program]: ...

    async def named(self, name: str, chapter_id: UUID | None) -> Program | None:
        """The program of this name among the chapter's (None: among the national ones), whatever its case and
        spacing."""

    async def note_taken_part(self, program_id: UUID) -> None:
        """Someone enrolled in the program or was invited to it: whether its members are public is fixed from now
        on, whatever becomes of them (an erasure takes their rows, not the trust they gave)."""

    async def taken_part_in(self, program_id: UUID) -> bool:
        """Whether anyone ever enrolled in the program or was invited to it (`note_taken_part`)."""


class People(Protocol):
    async def save(self, person: Person) -> None:
        """Store the person; raises `AlreadyRegistered` when another person has their email address."""

    async def get(self, person_id: UUID, /, lock: bool = False) -> Person | None:
        """The person; with `lock`, held until the transaction ends (their changes and enrollments serialised)."""

    async def remove(self, person_id: UUID) -> bool:
        """Forget the person and their enrollments; whether they were here."""

    async def with_email(self, email: str) -> Person | None:
        """The person registered with this email, whatever its case."""

    async def email_taken(self, email: str, by_other_than: UUID | None = None) -> bool:
        """Whether someone (other than `by_other_than`) is registered with this email, whatever its case."""


class Enrollments(Protocol):
    async def save(self, enrollment: Enrollment) -> None: ...

    async def get(self, enrollment_id: UUID, /, lock: bool = False) -> Enrollment | None: ...

    async def for_person(self, person_id: UUID) -> list[Enrollment]: ...

    async def mentee_stages_in(self, program_id: UUID) -> set[TrainingStage]:
        """The stages of training of those enrolled in the program as mentees now."""

    async def longest_awaiting_approval(self, joined_by: datetime, reminded_before: datetime,
                                        now: datetime) -> list[Enrollment]:
        """In each program with a mentor waiting for approval who joined by `joined_by` (held after a report of
        conduct aside: that has its own request), and whose staff were not reminded since `reminded_before`, the
        mentor who has waited longest; those programs are marked reminded `now`, so that of two callers at once one
        alone gets each."""

    async def own_pauses_ended(self, now: datetime, limit: int) -> list[Enrollment]:
        """Up to `limit` active enrollments whose person's own pause has an end come by `now`
        (`Enrollment.own_pause_ended`), the longest ended first, each locked until the transaction ends; one another
        caller holds locked is skipped (theirs to resume), so that two callers at once never claim the same."""


class Partnerships(Protocol):
    """Who is paired with whom, as matching announces it: an active pairing lets each side see the other as a
    partner; one that is over never becomes active again."""

    async def propose(self, pairing_id: UUID, mentee_id: UUID, mentor_id: UUID, program_id: UUID) -> None:
        """Record the pairing as waiting for answers, unless it is known already."""

    async def begin(self, pairing_id: UUID, mentee_id: UUID, mentor_id: UUID, program_id: UUID) -> None:
        """Record the pairing as active, unless it is known to be over."""

    async def end(self, pairing_id: UUID, mentee_id: UUID, mentor_id: UUID) -> None:
        """Record the pairing as over, for good."""

    async def between(self, one: UUID, other: UUID) -> bool:
        """Whether these two are partners in an active pairing."""

    async def mentee_of(self, pairing_id: UUID, mentor_id: UUID) -> tuple[UUID, UUID | None] | None:
        """The mentee and the program (unknown for a pairing recorded before programs were) of the pairing, if it
        waits for answers or is active and `mentor_id` is its mentor."""

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

    @property
    def staff_roles(self) -> StaffRolesRepository: ...


class StaffRolesRepository(Protocol):
    async def get(self, person_id: UUID, /) -> StaffRoles:
        """The person's roles (none held: an empty `StaffRoles`)."""

    async def save(self, roles: StaffRoles) -> None: ...

    async def active_administrators(self) -> set[UUID]:
        """The national administrators able to act (not suspended; an erased person holds no role), read under a
        lock held until the transaction ends: two revoking, suspending or erasing each other at once queue, and the
        second sees what the first did, so they cannot leave none."""

    async def coordinators(self) -> builtins.list[tuple[UUID, UUID]]:
        """Every chapter's coordinators, as (chapter id, person id), by chapter then person."""

    async def reviewers(self, chapter_id: UUID | None, other_than: UUID) -> builtins.list[UUID]:
        """Who is asked to look into an enrollment waiting on staff in a program of the chapter, by id: its
        coordinators, or, where it has none (or for a national program, of no chapter), the national administrators;
        never `other_than` (the one it is about), nor anyone suspended, who could not sign in to look."""


class Suspensions(Protocol):
    async def suspended(self, person_ids: builtins.list[UUID]) -> set[UUID]:
        """Which of these people are suspended."""

    async def suspend(self, person_id: UUID, at: datetime, by: UUID | None, by_administrator: bool,
                      note: str | None) -> bool:
        """Whether this suspended them (False: they already were; an administrator's suspending them again makes
        the suspension an administrator's, with their note)."""

    async def of(self, person_id: UUID) -> Suspension | None:
        """The person's suspension, if they are suspended."""

    async def reinstate(self, person_id: UUID) -> bool:
        """Whether this reinstated them (False: they were not suspended)."""


InvitationStatus = Literal["pending", "accepted"]


class Invitations(Protocol):
    async def save(self, invitation: Invitation) -> bool:
        """Keep the invitation unless the person already has one to the program in that role; whether it was kept."""

    async def held(self, person_id: UUID, program_id: UUID, role: Role) -> InvitationStatus | None:
        """The status of the person's invitation there; None when they have none."""

    async def listed(self, *, person_id: UUID | None = None, program_id: UUID | None = None,
                     status: InvitationStatus | None = None) -> builtins.list[tuple[Invitation, InvitationStatus]]:
        """Invitations of a person or to a program, oldest first, each with its status (accepted once the person
        enrolled in the program in that role)."""


class PersonIds(Protocol):
    """Who exists, without reading anyone's profile (what an operator's command needs)."""

    async def person_with_email(self, email: str) -> UUID | None:
        """Who holds the address, whatever its case."""

    async def person_exists(self, person_id: UUID) -> bool: ...


class ConsoleQueries(PersonIds, Protocol):
    """What the console asks of the whole store, beyond one aggregate."""

    async def search(self, query: ConsoleSearch) -> tuple[builtins.list[Person], int]:
        """One page of the people matching every filter given, by name, and how many match in all."""

    async def names(self, person_ids: builtins.list[UUID], chapter_ids: builtins.list[UUID] | None
                    ) -> builtins.list[tuple[UUID, str]]:
        """Display names of those of these people in `chapter_ids` (None: any chapter)."""

    async def contacts(self, person_ids: builtins.list[UUID], chapter_ids: builtins.list[UUID] | None
                       ) -> builtins.list[tuple[UUID, str, str]]:
        """Display names and email addresses of those of these people in `chapter_ids` (None: any chapter)."""

    async def enrollments_of(self, person_ids: builtins.list[UUID]) -> dict[UUID, builtins.list[Enrollment]]: ...

    async def vetting_queue(self, query: VettingQueue
                            ) -> tuple[builtins.list[tuple[Enrollment, str, datetime]], int]:
        """One page of enrollments (with the person's display name, and when the enrollment was made) of people of the
        chapters, by name; and the total."""

    async def vetting_counts(self, query: VettingQueue) -> builtins.list[tuple[UUID, int]]:
        """(program id, how many enrollments match) of each program with any, by program id; the page aside."""

    async def enrolled_in(self, person_id: UUID, program_id: UUID, role: Role) -> bool:
        """Whether the person holds (or held) an enrollment in the program in that role."""

    async def people_counts(self) -> builtins.list[tuple[str, str, str, int]]:
        """(program id, stage, measure, count) for the people report, of every program; measures `invited`,
        `enrolled_mentees`, `enrolled_mentors`."""

    async def partners_of(self, person_id: UUID) -> builtins.list[tuple[UUID, UUID]]:
        """(pairing id, partner id) of each of the person's active partnerships."""


class StaffUnitOfWorkPort(UnitOfWorkPort, Protocol):
    """What granting a role needs: the roles, and who exists (an operator's command has no more)."""

    @property
    def staff_roles(self) -> StaffRolesRepository: ...

    @property
    def console(self) -> PersonIds: ...


class Restatements(Protocol):
    """What profiles holds now, a page at a time in id order after `after`, each row locked until the transaction
    ends: a change to it waits, so its own event comes after the restatement."""

    async def people(self, after: UUID | None, limit: int) -> builtins.list[PublicStanding]: ...

    async def enrollments(self, after: UUID | None, limit: int, *, kept_private: bool = False
                          ) -> builtins.list[tuple[Enrollment, TrainingStage, datetime]]:
        """Each enrollment, withdrawn ones too, with its person's stage and when it was made; with `kept_private`,
        only those of programs that keep who takes part from other teams (`members_public` false)."""

    async def profiles(self, after: UUID | None, limit: int) -> builtins.list[Person]:
        """Each person, their profile opened (a unit of work that holds the identity key)."""


class RestatingUnitOfWorkPort(UnitOfWorkPort, Protocol):
    """What restating a topic needs (an operator's command: no key, no profile opened)."""

    @property
    def restatements(self) -> Restatements: ...


class ConsoleUnitOfWorkPort(ProfilesUnitOfWorkPort, Protocol):
    @property
    def suspensions(self) -> Suspensions: ...

    @property
    def invitations(self) -> Invitations: ...

    @property
    def console(self) -> ConsoleQueries: ...
