"""Restating a topic, for a consumer whose read model lacks history the topic no longer keeps (a projection built after
the topic's retention, a database restored from an older backup): what a service holds now, as its `*_restated`
events, goes to the outbox a page at a time, one transaction each; the running service's relay publishes them.

A pager reads a page in id order after the last one, its rows locked until the transaction ends (`FOR SHARE`): a
change in flight is waited for, so its event comes before the restatement, and a change after comes after."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar
from uuid import UUID

from mentorship_contracts import IntegrationEvent

from .db import is_rolled_back_by_the_server
from .unit_of_work import UnitOfWorkPort

PAGE = 500  # rows locked a transaction: a change to one waits for at most one page

U = TypeVar("U", bound=UnitOfWorkPort)
R = TypeVar("R")
# A page's restatements, and the id the next page starts after (None when it was the last: `after`).
Page = tuple[list[IntegrationEvent], UUID | None]
Pager = Callable[[U, UUID | None, int], Awaitable[Page]]


def after(rows: Sequence[R], limit: int, key: Callable[[R], UUID]) -> UUID | None:
    """The id the page after `rows` starts after; None when they were fewer than asked for, the last page (a page of
    rows may give any number of restatements: the registrations of each of a page of events)."""
    return key(rows[-1]) if rows and len(rows) == limit else None


async def restate(pager: Pager[U], uow: U, page: int = PAGE, progress: Callable[[int], None] = lambda _: None) -> int:
    """Stage every page `pager` reads; how many events were staged. `progress` hears the count so far."""
    staged, last = 0, None
    while True:
        events, last = await _staged(pager, uow, last, page)
        staged += len(events)
        progress(staged)
        if last is None:
            return staged


async def _staged(pager: Pager[U], uow: U, start_after: UUID | None, page: int) -> Page:
    """One page restated in a transaction of its own, again if PostgreSQL rolled it back to break a deadlock (with a
    change that locked two rows in another order than the page's)."""
    attempts = 0
    while True:
        attempts += 1
        try:
            async with uow:
                events, last = await pager(uow, start_after, page)
                uow.emit(*events)
                await uow.commit()
            return events, last
        except Exception as error:
            if attempts == 5 or not is_rolled_back_by_the_server(error):
                raise
