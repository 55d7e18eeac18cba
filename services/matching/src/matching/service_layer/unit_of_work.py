from plumbing.unit_of_work import UnitOfWork

from ..adapters.repository import PostgresMatching


class MatchingUnitOfWork(UnitOfWork):
    def repositories(self) -> None:
        self.matching = PostgresMatching(self.conn)
