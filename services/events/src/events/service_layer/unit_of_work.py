from collections.abc import Callable

import asyncpg
from plumbing.person_keys import PersonKeys, sealed
from plumbing.unit_of_work import SharedTransaction, UnitOfWork

from ..adapters.repository import PostgresEvents, PostgresParticipants, PostgresRegistrations, PostgresSlots


class EventsUnitOfWork(UnitOfWork):
    """A transaction over the events service's repositories (see `ports.EventsUnitOfWorkPort`)."""

    def __init__(self, pool: asyncpg.Pool | None, *, joined: SharedTransaction | None = None,
                 person_keys: PersonKeys) -> None:
        super().__init__(pool, joined=joined)
        self._person_keys = person_keys

    def repositories(self) -> None:
        self.events = PostgresEvents(self.conn)
        self.registrations = PostgresRegistrations(self.conn)
        self.slots = PostgresSlots(self.conn)
        self.participants = PostgresParticipants(self.conn)
        self.slots = PostgresSlots(self.conn)

    async def commit(self, *, once_sent: Callable[[], None] | None = None) -> None:
        # What a restricted event says of a person (an organiser's reason for removing them) leaves sealed under
        # their data key, which their erasure destroys: the outbox, and so Kafka, never holds it in clear.
        self._pending = await sealed(self._pending, self._person_keys)
        await super().commit(once_sent=once_sent)


class RestatingUnitOfWork(UnitOfWork):
    """The catalogue, its registrations, the office hours and the outbox, for an operator's command (`python -m events
    restate`): nothing to seal, since no restatement says anything sealed (an organiser's reason for a removal)."""

    def repositories(self) -> None:
        self.events = PostgresEvents(self.conn)
        self.registrations = PostgresRegistrations(self.conn)
        self.slots = PostgresSlots(self.conn)
