from plumbing.unit_of_work import UnitOfWork

from ..adapters.repository import PostgresMatching
from .rosters import RosterCache


class MatchingUnitOfWork(UnitOfWork):
    rosters = RosterCache()  # one per process: shared by every unit of work of this instance

    def repositories(self) -> None:
        self.matching = PostgresMatching(self.conn)
