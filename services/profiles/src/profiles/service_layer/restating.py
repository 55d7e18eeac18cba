"""Restating a topic: every person, enrollment, contact or matching profile profiles holds, as its `*_restated` event, for a
consumer whose read model lacks history the topic no longer keeps (a projection built after the topic's retention, a
database restored from an older backup). The events go to the outbox a page at a time, one transaction each; the
running service's relay publishes them (those of the restricted topics sealed under the person's data key, as their
changes are; an enrollment of a program that keeps who takes part from other teams as its private twin, as its
changes are)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID

from mentorship_contracts import IntegrationEvent
from mentorship_contracts import profiles as contract
from plumbing.db import is_rolled_back_by_the_server

from ..adapters import integration_events
from ..domain.model import Person
from .ports import Restatements, RestatingUnitOfWorkPort

PAGE = 500  # rows locked a transaction: a person's change waits for at most one page


Pager = Callable[[Restatements, UUID | None, int], Awaitable[tuple[list[IntegrationEvent], UUID | None]]]


async def _people(restatements: Restatements, after: UUID | None, limit: int) -> tuple[list[IntegrationEvent], UUID | None]:
    page = await restatements.people(after, limit)
    return [integration_events.person_restated(p) for p in page], page[-1].person_id if page else None


def _enrollments(*, kept_private: bool) -> Pager:
    """A pager of enrollments (with `kept_private`, of programs that keep who takes part from other teams alone). The
    unit of work publishes each restatement as its program says: a private program's as its private twin, on
    `profiles.private-enrollments`."""
    async def pager(restatements: Restatements, after: UUID | None, limit: int
                    ) -> tuple[list[IntegrationEvent], UUID | None]:
        page = await restatements.enrollments(after, limit, kept_private=kept_private)
        return ([integration_events.enrollment_restated(e, stage, enrolled_at) for e, stage, enrolled_at in page],
                page[-1][0].id if page else None)
    return pager


def _opened(restated: Callable[[Person], IntegrationEvent]) -> Pager:
    """A pager of a restricted topic: each person's profile opened, restated by `restated`."""
    async def pager(restatements: Restatements, after: UUID | None, limit: int
                    ) -> tuple[list[IntegrationEvent], UUID | None]:
        page = await restatements.profiles(after, limit)
        return [restated(p) for p in page], page[-1].id if page else None
    return pager


# Restating `profiles.enrollments` restates every enrollment, each on the topic its program puts it (a read model of
# enrollments, matching's, reads both); `profiles.private-enrollments`, only those of private programs.
RESTATABLE: dict[str, Pager] = {
    contract.PEOPLE: _people, contract.ENROLLMENTS: _enrollments(kept_private=False),
    contract.PRIVATE_ENROLLMENTS: _enrollments(kept_private=True),
    contract.CONTACTS: _opened(integration_events.contact_details_restated),
    contract.MATCHING_PROFILES: _opened(integration_events.matching_profile_restated)}


async def restate(topic: str, uow: RestatingUnitOfWorkPort, page: int = PAGE,
                  progress: Callable[[int], None] = lambda _: None) -> int:
    """Restate `topic` (one of `RESTATABLE`) whole; how many events were staged. `progress` hears the count so far."""
    pager = RESTATABLE[topic]
    staged, after = 0, None
    while True:
        events, last = await _staged(pager, uow, after, page)
        staged += len(events)
        progress(staged)
        if last is None or len(events) < page:
            return staged
        after = last


async def _staged(pager: Pager, uow: RestatingUnitOfWorkPort, after: UUID | None, page: int
                  ) -> tuple[list[IntegrationEvent], UUID | None]:
    """One page restated in a transaction of its own, again if PostgreSQL rolled it back to break a deadlock (with a
    change that locked a person, then another: its rows are locked in id order, theirs not)."""
    attempts = 0
    while True:
        attempts += 1
        try:
            async with uow:
                events, last = await pager(uow.restatements, after, page)
                uow.emit(*events)
                await uow.commit()
            return events, last
        except Exception as error:
            if attempts == 5 or not is_rolled_back_by_the_server(error):
                raise
