"""The unit of work the handlers use: repositories plus the integration events to publish on commit."""

from plumbing.unit_of_work import UnitOfWork

from ..adapters import repository


class ProfilesUnitOfWork(UnitOfWork):
    def repositories(self) -> None:
        self.programs = repository.PostgresPrograms(self.conn)
        self.people = repository.PostgresPeople(self.conn)
        self.enrollments = repository.PostgresEnrollments(self.conn)
