from plumbing.unit_of_work import UnitOfWork

from ..adapters.repository import PostgresEvents


class EventsUnitOfWork(UnitOfWork):
    def repositories(self) -> None:
        self.events = PostgresEvents(self.conn)
