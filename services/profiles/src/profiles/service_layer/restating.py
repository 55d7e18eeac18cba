"""Restating a topic (`plumbing.restating`): every person, enrollment, contact or matching profile profiles holds, as
its `*_restated` event; those of the restricted topics sealed under the person's data key, as their changes are; an
enrollment of a program that keeps who takes part from other teams as its private twin, as its changes are."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID

from mentorship_contracts import IntegrationEvent
from mentorship_contracts import profiles as contract
from plumbing import restating

from ..adapters import integration_events
from ..domain.model import Person
from .ports import Restatements, RestatingUnitOfWorkPort

Pager = Callable[[Restatements, UUID | None, int], Awaitable[restating.Page]]


async def _people(restatements: Restatements, after: UUID | None, limit: int) -> restating.Page:
    page = await restatements.people(after, limit)
    return [integration_events.person_restated(p) for p in page], restating.after(page, limit, lambda p: p.person_id)


def _enrollments(*, kept_private: bool) -> Pager:
    """A pager of enrollments (with `kept_private`, of programs that keep who takes part from other teams alone). The
    unit of work publishes each restatement as its program says: a private program's as its private twin, on
    `profiles.private-enrollments`."""
    async def pager(restatements: Restatements, after: UUID | None, limit: int
                    ) -> restating.Page:
        page = await restatements.enrollments(after, limit, kept_private=kept_private)
        return ([integration_events.enrollment_restated(e, stage, enrolled_at) for e, stage, enrolled_at in page],
                restating.after(page, limit, lambda row: row[0].id))
    return pager


def _opened(restated: Callable[[Person], IntegrationEvent]) -> Pager:
    """A pager of a restricted topic: each person's profile opened, restated by `restated`."""
    async def pager(restatements: Restatements, after: UUID | None, limit: int
                    ) -> restating.Page:
        page = await restatements.profiles(after, limit)
        return [restated(p) for p in page], restating.after(page, limit, lambda p: p.id)
    return pager


# Restating `profiles.enrollments` restates every enrollment, each on the topic its program puts it (a read model of
# enrollments, matching's, reads both); `profiles.private-enrollments`, only those of private programs.
RESTATABLE: dict[str, Pager] = {
    contract.PEOPLE: _people, contract.ENROLLMENTS: _enrollments(kept_private=False),
    contract.PRIVATE_ENROLLMENTS: _enrollments(kept_private=True),
    contract.CONTACTS: _opened(integration_events.contact_details_restated),
    contract.MATCHING_PROFILES: _opened(integration_events.matching_profile_restated)}


async def restate(topic: str, uow: RestatingUnitOfWorkPort, page: int = restating.PAGE,
                  progress: Callable[[int], None] = lambda _: None) -> int:
    """Restate `topic` (one of `RESTATABLE`) whole; how many events were staged. `progress` hears the count so far."""
    pager = RESTATABLE[topic]

    async def read(unit: RestatingUnitOfWorkPort, after: UUID | None, limit: int) -> restating.Page:
        return await pager(unit.restatements, after, limit)

    return await restating.restate(read, uow, page, progress)
