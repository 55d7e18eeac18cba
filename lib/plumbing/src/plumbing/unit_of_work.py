"""A unit of work over one PostgreSQL transaction that also stages the integration events it causes.

Services subclass it to hang their repositories on `self.conn`. The events go to the outbox in the
same transaction as the state change, so both commit or neither does.
"""

from __future__ import annotations

import asyncpg
from mentorship_contracts import IntegrationEvent

from . import outbox


class UnitOfWork:
    def __init__(self, pool: asyncpg.Pool | None = None, *, conn: asyncpg.Connection | None = None) -> None:
        """Own a transaction from `pool`, or join one already open on `conn` (a consumer's inbox transaction)."""
        self._pool = pool
        self._joined = conn
        self.conn: asyncpg.Connection = conn  # type: ignore[assignment]
        self._transaction = None
        self._pending: list[IntegrationEvent] = []

    def repositories(self) -> None:
        """Subclasses create their repositories on `self.conn` here."""

    def emit(self, *events: IntegrationEvent) -> None:
        self._pending.extend(events)

    async def __aenter__(self):
        if self._joined is None:
            self.conn = await self._pool.acquire()
            try:
                self._transaction = self.conn.transaction()
                await self._transaction.start()
            except BaseException:
                # Cancelled (or failed) around BEGIN: `__aexit__` will not run, so give the connection back
                # here; the pool resets it. Kept, it would hold a transaction open and block the pool's close.
                await self._pool.release(self.conn)
                raise
        self.repositories()
        return self

    async def commit(self) -> None:
        await outbox.add(self.conn, self._pending)
        self._pending = []
        if self._transaction is not None:
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
            if self._joined is None and self.conn is not None:
                await self._pool.release(self.conn)
