"""The unit of work the handlers use: repositories plus the integration events to publish on commit."""

import asyncpg
from plumbing.unit_of_work import SharedTransaction, UnitOfWork

from ..adapters import repository
from ..adapters.sealing import IdentitySealer


class ProfilesUnitOfWork(UnitOfWork):
    chapters: repository.PostgresChapters
    programs: repository.PostgresPrograms
    people: repository.PostgresPeople
    enrollments: repository.PostgresEnrollments
    partnerships: repository.PostgresPartnerships
    email_changes: repository.PostgresEmailChanges

    def __init__(self, pool: asyncpg.Pool | None, *, joined: SharedTransaction | None = None,
                 sealer: IdentitySealer) -> None:
        super().__init__(pool, joined=joined)
        self._sealer = sealer

    def repositories(self) -> None:
        self.chapters = repository.PostgresChapters(self.conn)
        self.programs = repository.PostgresPrograms(self.conn)
        self.people = repository.PostgresPeople(self.conn, self._sealer)
        self.enrollments = repository.PostgresEnrollments(self.conn)
        self.partnerships = repository.PostgresPartnerships(self.conn)
        self.email_changes = repository.PostgresEmailChanges(self.conn)
