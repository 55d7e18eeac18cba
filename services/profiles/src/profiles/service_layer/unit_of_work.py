"""The unit of work the handlers use: repositories plus the integration events to publish on commit."""

from collections.abc import Callable

import asyncpg
from mentorship_contracts import IntegrationEvent
from plumbing import membership
from plumbing.unit_of_work import SharedTransaction, UnitOfWork

from ..adapters import console_repository, repository
from ..adapters.person_keys import KeyWrapper, PostgresPersonKeys
from ..adapters.sealing import IdentitySealer


class _KeepsMembersPrivate(UnitOfWork):
    """Publishes each event of a program that keeps who takes part from other teams (`members_public` false, or a
    program it does not know: the safe side) as its private twin (`plumbing.membership`): an enrollment's on
    `profiles.private-enrollments`, an invitation's on `profiles.contacts`."""

    async def as_published(self, events: list[IntegrationEvent]) -> list[IntegrationEvent]:
        return await membership.published(events, repository.PostgresPrograms(self.conn).keeping_members_private)


class ProfilesUnitOfWork(_KeepsMembersPrivate):
    chapters: repository.PostgresChapters
    programs: repository.PostgresPrograms
    people: repository.PostgresPeople
    enrollments: repository.PostgresEnrollments
    partnerships: repository.PostgresPartnerships
    email_changes: repository.PostgresEmailChanges
    staff_roles: console_repository.PostgresStaffRoles
    suspensions: console_repository.PostgresSuspensions
    invitations: console_repository.PostgresInvitations
    console: console_repository.PostgresConsoleQueries
    person_keys: PostgresPersonKeys

    def __init__(self, pool: asyncpg.Pool | None, *, joined: SharedTransaction | None = None,
                 sealer: IdentitySealer, key_wrapper: KeyWrapper) -> None:
        super().__init__(pool, joined=joined)
        self._sealer = sealer
        self._key_wrapper = key_wrapper

    def repositories(self) -> None:
        self.chapters = repository.PostgresChapters(self.conn)
        self.programs = repository.PostgresPrograms(self.conn)
        self.people = repository.PostgresPeople(self.conn, self._sealer)
        self.enrollments = repository.PostgresEnrollments(self.conn)
        self.partnerships = repository.PostgresPartnerships(self.conn)
        self.email_changes = repository.PostgresEmailChanges(self.conn)
        self.staff_roles = console_repository.PostgresStaffRoles(self.conn)
        self.suspensions = console_repository.PostgresSuspensions(self.conn)
        self.invitations = console_repository.PostgresInvitations(self.conn)
        self.console = console_repository.PostgresConsoleQueries(self.conn, self.people)
        self.person_keys = PostgresPersonKeys(self.conn, self._key_wrapper)

    async def commit(self, *, once_sent: Callable[[], None] | None = None) -> None:
        # The personal fields of restricted events leave sealed under the person's data key, which erasure destroys:
        # the outbox, and so Kafka, never holds them in clear.
        self._pending = await self.person_keys.sealed(self._pending)
        await super().commit(once_sent=once_sent)


class StaffUnitOfWork(UnitOfWork):
    """Staff roles alone, for an operator's command (`python -m profiles grant-administrator`): it reads no
    profile, so it needs no key."""

    staff_roles: console_repository.PostgresStaffRoles
    console: console_repository.PostgresPersonIds

    def repositories(self) -> None:
        self.staff_roles = console_repository.PostgresStaffRoles(self.conn)
        self.console = console_repository.PostgresPersonIds(self.conn)


class RestatingUnitOfWork(_KeepsMembersPrivate):
    """The pages restated and the outbox, for an operator's command (`python -m profiles restate`): nothing to seal
    (people's public standing, enrollments: a private program's as their private twins), and no profile opened."""

    restatements: repository.PostgresRestatements

    def repositories(self) -> None:
        self.restatements = repository.PostgresRestatements(self.conn)


class ProfilesRestatingUnitOfWork(ProfilesUnitOfWork):
    """Restating a restricted topic (`python -m profiles restate contacts|matching-profiles`): each profile opened
    with the identity key, and sealed under the person's data key as it leaves, as the service does."""

    restatements: repository.PostgresRestatements

    def repositories(self) -> None:
        super().repositories()
        self.restatements = repository.PostgresRestatements(self.conn, self.people)
