from plumbing.unit_of_work import UnitOfWork

from ..adapters.repository import PostgresMatching
from .rosters import RosterCache


class MatchingUnitOfWork(UnitOfWork):
    rosters = RosterCache()  # one per process: shared by every unit of work of this instance

    def repositories(self) -> None:
        # Program locks last the transaction: units of work sharing it need not take them again.
        self.matching = PostgresMatching(self.conn, locked=self.shared.memo.setdefault("locked_programs", set()))
