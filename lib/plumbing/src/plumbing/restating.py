"""Restating a topic, for a consumer whose read model lacks history the topic no longer keeps (a projection built after
the topic's retention, a database restored from an older backup): what a service holds now, as its `*_restated`
events, goes to the outbox a page at a time, one transaction each; the running service's relay publishes them.

A pager reads a page in id order after the last one, its rows locked until the transaction ends (`FOR SHARE`): a
change in flight is waited for, so its event comes before the restatement, and a change after comes after."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar
from uuid import UUID

from mentorship_contracts import IntegrationEvent

from .db import is_rolled_back_by_the_server
from .unit_of_work import UnitOfWorkPort

PAGE = 500  # rows locked a transaction: a change to one waits for at most one page

U = TypeVar("U", bound=UnitOfWorkPort)
# A page's restatements, and the id the next page starts after (None when it was empty).
Page = tuple[list[IntegrationEvent], UUID | None]
Pager = Callable[[U, UUID | None, int], Awaitable[Page]]


async def restate(pager: Pager[U], uow: U, page: int = PAGE, progress: Callable[[int], None] = lambda _: None) -> int:
    """Stage every page `pager` reads; how many events were staged. `progress` hears the count so far."""
    staged, after = 0, None
    while True:
        events, last = await _staged(pager, uow, after, page)
        staged += len(events)
        progress(staged)
        if last is None or len(events) < page:
            return staged
        after = last


async def _staged(pager: Pager[U], uow: U, after: UUID | None, page: int) -> Page:
    """One page restated in a transaction of its own, again if PostgreSQL rolled it back to break a deadlock (with a
    change that locked two rows in another order than the page's)."""
    attempts = 0
    while True:
        attempts += 1
        try:
            async with uow:
                events, last = await pager(uow, after, page)
                uow.emit(*events)
                await uow.commit()
            return events, last
        except Exception as error:
            if attempts == 5 or not is_rolled_back_by_the_server(error):
                raise
