"""A unit of work over one PostgreSQL transaction that also stages the integration events it causes.

Services subclass it to hang their repositories on `self.conn`. The events go to the outbox in the
same transaction as the state change, so both commit or neither does.

Several units of work may share one transaction (a consumer applies a batch of events in one): each joins
a `SharedTransaction`, and the owner commits. Work that many changes in a transaction each call for (pairing
after every enrollment, say) can be deferred to its end and done once for all of them (`defer`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any

import asyncpg
from mentorship_contracts import IntegrationEvent

from . import outbox

Deferred = Callable[[list[Any], "UnitOfWork"], Awaitable[None]]


class SharedTransaction:
    """A transaction open on `conn` that units of work join, with the work they deferred to its end."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        # What the units of work keep for each other while the transaction lasts (the locks taken, say).
        self.memo: dict[str, Any] = {}
        self._deferred: dict[Hashable, tuple[Deferred, list[Any], type[UnitOfWork]]] = {}

    def defer(self, key: Hashable, item: Any, run: Deferred, unit_of_work: type[UnitOfWork]) -> None:
        if key not in self._deferred:
            self._deferred[key] = (run, [], unit_of_work)
        self._deferred[key][1].append(item)

    async def finish(self) -> None:
        """Do the deferred work, in the order first deferred, each in a unit of work joining this transaction
        (work it defers in turn is done too). The owner calls this before committing."""
        while self._deferred:
            key = next(iter(self._deferred))
            run, items, unit_of_work = self._deferred.pop(key)
            async with unit_of_work(joined=self) as unit:
                await run(items, unit)
                await unit.commit()


class UnitOfWork:
    def __init__(self, pool: asyncpg.Pool | None = None, *, joined: SharedTransaction | None = None) -> None:
        """Own a transaction from `pool`, or join one already open (a consumer's inbox transaction)."""
        self._pool = pool
        self._owns_transaction = joined is None
        self.shared: SharedTransaction | None = joined  # an owner's own, once it has begun
        self.conn: asyncpg.Connection = joined.conn if joined else None  # type: ignore[assignment]
        self._transaction = None
        self._pending: list[IntegrationEvent] = []

    def repositories(self) -> None:
        """Subclasses create their repositories on `self.conn` here."""

    def emit(self, *events: IntegrationEvent) -> None:
        self._pending.extend(events)

    def defer(self, key: Hashable, item: Any, run: Deferred) -> None:
        """Have `run(items, uow)` done once before the transaction commits, with every item deferred under `key`
        in it, in order: what each of many changes would do, done once for them all."""
        self.shared.defer(key, item, run, type(self))

    async def __aenter__(self):
        if self._owns_transaction:
            self.conn = await self._pool.acquire()
            try:
                self._transaction = self.conn.transaction()
                await self._transaction.start()
            except BaseException:
                # Cancelled (or failed) around BEGIN: `__aexit__` will not run, so give the connection back
                # here; the pool resets it. Kept, it would hold a transaction open and block the pool's close.
                await self._pool.release(self.conn)
                raise
            self.shared = SharedTransaction(self.conn)
        self.repositories()
        return self

    async def commit(self) -> None:
        await outbox.add(self.conn, self._pending)
        self._pending = []
        if self._transaction is not None:
            await self.shared.finish()
            await self._transaction.commit()
            self._transaction = None

    async def rollback(self) -> None:
        self._pending = []
        if self._transaction is not None:
            await self._transaction.rollback()
            self._transaction = None

    async def __aexit__(self, exc_type, exc, traceback) -> None:
        try:
            await self.rollback()  # nothing left to roll back once committed
        except Exception:
            # Leaving on an error (a cancellation mid-commit, say), the rollback may fail too ("the transaction
            # is in error state"). The first error is the one to raise: a cancellation turned into an
            # Exception would be retried by a job's loop instead of stopping it. Releasing resets the connection.
            if exc is None:
                raise
        finally:
            if self._owns_transaction and self.conn is not None:
                await self._pool.release(self.conn)
