from plumbing.unit_of_work import UnitOfWork

from ..adapters.repository import PostgresEvents, PostgresParticipants, PostgresRegistrations, PostgresSlots


class EventsUnitOfWork(UnitOfWork):
    """A transaction over the events service's repositories (see `ports.EventsUnitOfWorkPort`)."""

    def repositories(self) -> None:
        self.events = PostgresEvents(self.conn)
        self.registrations = PostgresRegistrations(self.conn)
        self.participants = PostgresParticipants(self.conn)
        self.slots = PostgresSlots(self.conn)
