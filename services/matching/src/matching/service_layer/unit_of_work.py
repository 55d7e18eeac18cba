"""Matching's unit of work over PostgreSQL: its repositories on the transaction's connection, the instance's
roster cache, the identity hasher and the time to answer (collaborators and a setting from bootstrap). The pairings
and waitlist places of a program that keeps who takes part from other teams go to the outbox as their private twins.
"""

from __future__ import annotations

import asyncpg
from mentorship_contracts import IntegrationEvent
from plumbing import membership
from plumbing.unit_of_work import SharedTransaction, UnitOfWork

from ..adapters.repositories.candidates import PostgresCandidates
from ..adapters.repositories.due import PostgresDue
from ..adapters.repositories.pairings import PostgresPairings
from ..adapters.repositories.people import PostgresPeople
from ..adapters.repositories.programs import PostgresPrograms
from ..adapters.repositories.reports import PostgresReports
from ..adapters.repositories.rounds import PostgresRounds
from ..adapters.repositories.waitlist import PostgresWaitlist
from .ports import IdentityHasher, ProgramsRepository, Rosters


async def as_published(events: list[IntegrationEvent], programs: ProgramsRepository) -> list[IntegrationEvent]:
    """Each event about a pairing, a waitlist place or a round in a program that keeps who takes part from other
    teams (or one matching does not know) as its private twin; the others as they are."""
    return await membership.published(events, programs.keeping_members_private)


class MatchingUnitOfWork(UnitOfWork):
    programs: PostgresPrograms
    people: PostgresPeople
    candidates: PostgresCandidates
    waitlist: PostgresWaitlist
    pairings: PostgresPairings
    due: PostgresDue
    rounds: PostgresRounds
    reports: PostgresReports

    def __init__(self, pool: asyncpg.Pool | None, *, joined: SharedTransaction | None = None,
                 rosters: Rosters, identity_hasher: IdentityHasher, answer_within_days: int) -> None:
        super().__init__(pool, joined=joined)
        self.rosters = rosters  # one per process: shared by every unit of work of this instance
        self.identity_hasher = identity_hasher
        self.answer_within_days = answer_within_days  # the setting, for programs that set no time to answer

    def repositories(self) -> None:
        assert self.shared is not None
        # Program and people's locks last the transaction: units of work sharing it need not take them again.
        self.programs = PostgresPrograms(self.conn, locked=self.shared.memo.setdefault("locked_programs", set()))
        self.people = PostgresPeople(self.conn, locked=self.shared.memo.setdefault("locked_people", set()))
        self.candidates = PostgresCandidates(self.conn)
        self.waitlist = PostgresWaitlist(self.conn)
        self.pairings = PostgresPairings(self.conn)
        self.due = PostgresDue(self.conn)
        self.rounds = PostgresRounds(self.conn)
        self.reports = PostgresReports(self.conn)

    async def as_published(self, events: list[IntegrationEvent]) -> list[IntegrationEvent]:
        return await as_published(events, self.programs)
