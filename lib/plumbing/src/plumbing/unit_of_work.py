"""A unit of work over one PostgreSQL transaction that also stages the integration events it causes.

Services subclass it to hang their repositories on `self.conn`. The events go to the outbox in the
same transaction as the state change, so both commit or neither does.

Several units of work may share one transaction (a consumer applies a batch of events in one): each joins
a `SharedTransaction`, and the owner commits. A joined unit that leaves without committing must take back its
writes with its events: inside a savepoint of its own it rolls back to it. A savepoint costs two round trips per
unit, so a consumer first applies a batch without them (`savepoints=False`); a unit that then leaves without
committing marks the transaction spoiled, and the consumer rolls it all back and applies the batch again with
savepoints. Work that many changes in a transaction each call for (pairing after every enrollment, say) can be
deferred to its end and done once for all of them (`defer`).

Every event emitted carries the correlation id of the action being served (`plumbing.correlation`).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import uuid
from collections.abc import Awaitable, Callable, Hashable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Protocol, Self

import asyncpg
from asyncpg.transaction import Transaction
from mentorship_contracts import IntegrationEvent

from . import correlation, outbox
from .db import is_connection_lost

if TYPE_CHECKING:
    from .audit import AuditEntry
    from .auth import Principal

Deferred = Callable[[list[Any], "Any"], Awaitable[None]]

log = logging.getLogger(__name__)


class Commits:
    """What the units of work of one action (an HTTP request) committed: whether doing the action again is safe
    after its connection was lost (`plumbing.http` does so when nothing committed and no COMMIT is in doubt)."""

    def __init__(self) -> None:
        self.committed = False  # a unit of work of the action committed
        self.in_doubt = False  # a COMMIT was sent and its connection lost before the answer: it may have been made


_COMMITS: ContextVar[Commits | None] = ContextVar("plumbing_commits", default=None)


def recording_commits(commits: Commits) -> Any:
    """Have the units of work this context runs note their commits in `commits` (returns the token to `reset` with)."""
    return _COMMITS.set(commits)


def stop_recording_commits(token: Any) -> None:
    _COMMITS.reset(token)


class SharedTransaction:
    """A transaction open on `conn` that units of work join, with the work they deferred to its end."""

    def __init__(self, conn: asyncpg.Connection, *, savepoints: bool = True) -> None:
        self.conn = conn
        self.savepoints = savepoints
        # Without savepoints, a unit that left without committing: its writes stay, so the owner must roll back.
        self.spoiled = False
        # What the units of work keep for each other while the transaction lasts (the locks taken, say).
        self.memo: dict[str, Any] = {}
        self._deferred: dict[Hashable, tuple[Deferred, list[Any], UnitOfWork, set[str | None]]] = {}

    def defer(self, key: Hashable, item: Any, run: Deferred, deferred_by: UnitOfWork) -> None:
        if key not in self._deferred:
            self._deferred[key] = (run, [], deferred_by, set())
        _, items, _, correlations = self._deferred[key]
        items.append(item)
        correlations.add(correlation.current())

    async def finish(self) -> None:
        """Do the deferred work, in the order first deferred, each in a unit of work like the one that deferred it,
        joining this transaction (work it defers in turn is done too). The owner calls this before committing.

        The work runs under the correlation id of the action that deferred it; work deferred by several actions
        is an action of its own, with a new id that ties its events together."""
        while self._deferred:
            key = next(iter(self._deferred))
            run, items, deferred_by, correlations = self._deferred.pop(key)
            token = correlation.use(correlations.pop() if len(correlations) == 1 else str(uuid.uuid4()))
            try:
                async with deferred_by.joining(self) as unit:
                    await run(items, unit)
                    await unit.commit()
            finally:
                correlation.reset(token)


class UnitOfWorkPort(Protocol):
    """What a handler needs of any unit of work. A service's port adds its repositories, as read-only properties,
    so that both its PostgreSQL unit of work and `plumbing.testing.FakeUnitOfWork` with fakes satisfy it."""

    def emit(self, *events: IntegrationEvent) -> None: ...

    async def stage(self) -> None: ...

    def audit(self, actor: Principal, action: str, subject_kind: str, subject_id: object | None, *,
              chapter_id: uuid.UUID | None = None, detail: dict[str, Any] | None = None) -> None: ...

    def defer(self, key: Hashable, item: Any, run: Deferred) -> None: ...

    async def commit(self, *, once_sent: Callable[[], None] | None = None) -> None: ...

    async def rollback(self) -> None: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc_info: Any) -> None: ...


class UnitOfWork:
    def __init__(self, pool: asyncpg.Pool | None = None, *, joined: SharedTransaction | None = None) -> None:
        """Own a transaction from `pool`, or join one already open (a consumer's inbox transaction)."""
        self._pool = pool
        self._owns_transaction = joined is None
        self.shared: SharedTransaction | None = joined  # an owner's own, once it has begun
        self.conn: asyncpg.Connection = joined.conn if joined else None  # type: ignore[assignment]
        self._transaction: Transaction | None = None
        self._joined_open = False  # joined, without a savepoint, and not committed yet
        self._pending: list[IntegrationEvent] = []
        self._audited: list[AuditEntry] = []

    def repositories(self) -> None:
        """Subclasses create their repositories on `self.conn` here."""

    def joining(self, shared: SharedTransaction) -> Self:
        """A unit of work like this one (same repositories and collaborators) that joins `shared`."""
        unit = copy.copy(self)  # not constructed anew: a subclass's collaborators come along
        unit._pool, unit._owns_transaction, unit.shared, unit.conn = None, False, shared, shared.conn
        unit._transaction, unit._joined_open, unit._pending, unit._audited = None, False, [], []
        return unit

    def emit(self, *events: IntegrationEvent) -> None:
        """Stage events for the outbox, stamped with the correlation id of the action being served."""
        current = correlation.current()
        self._pending.extend(
            event.model_copy(update={"correlation_id": current}) if current and event.correlation_id is None else event
            for event in events
        )

    async def stage(self) -> None:
        """Write the events emitted so far to the outbox now, in this transaction: they are committed, or rolled back,
        with it. A change of tens of thousands of events writes them as it goes, while its next part is computed."""
        await outbox.add(self.conn, await self.as_published(self._pending))
        self._pending = []

    def audit(self, actor: Principal, action: str, subject_kind: str, subject_id: object | None, *,
              chapter_id: uuid.UUID | None = None, detail: dict[str, Any] | None = None) -> None:
        """Record a privileged action in the audit trail, written with this unit's changes on commit."""
        from . import audit as audit_trail  # here: the audit module's HTTP side imports this module
        self._audited.append(audit_trail.entry(actor, action, subject_kind, subject_id, chapter_id=chapter_id,
                                               detail=detail))

    def defer(self, key: Hashable, item: Any, run: Deferred) -> None:
        """Have `run(items, uow)` done once before the transaction commits, with every item deferred under `key`
        in it, in order: what each of many changes would do, done once for them all."""
        assert self.shared is not None, "defer inside `async with`"
        self.shared.defer(key, item, run, self)

    async def __aenter__(self) -> Self:
        if not self._owns_transaction:
            assert self.shared is not None, "a joined unit of work has its shared transaction"
            if self.shared.savepoints:
                self._transaction = transaction = self.conn.transaction()  # a savepoint in the shared transaction
                await transaction.start()
            else:
                self._joined_open = True
        else:
            assert self._pool is not None, "a unit of work that owns its transaction needs a pool"
            self.conn = await self._pool.acquire()
            try:
                self._transaction = transaction = self.conn.transaction()
                await transaction.start()
            except BaseException:
                # Cancelled (or failed) around BEGIN: `__aexit__` will not run, so give the connection back
                # here; the pool resets it. Kept, it would hold a transaction open and block the pool's close.
                await self._pool.release(self.conn)
                raise
            self.shared = SharedTransaction(self.conn)
        self.repositories()
        return self

    async def as_published(self, events: list[IntegrationEvent]) -> list[IntegrationEvent]:
        """The staged events as they go to the outbox: a service's unit of work turns those of a program that keeps
        who takes part from other teams into their private twins here (`plumbing.membership`)."""
        return events

    async def commit(self, *, once_sent: Callable[[], None] | None = None) -> None:
        """`once_sent` is called as soon as COMMIT is written to the server, before its answer: for a step that must
        follow the commit as closely as it can (the end of an email whose hand-over it records). If the COMMIT then
        fails, that step has been taken for a change that was not made."""
        assert once_sent is None or self._owns_transaction, "only the transaction's owner sends its COMMIT"
        await outbox.add(self.conn, await self.as_published(self._pending))
        from . import audit as audit_trail

        await audit_trail.write(self.conn, self._audited)
        self._pending, self._audited = [], []
        self._joined_open = False
        if self._transaction is not None:
            if self._owns_transaction and self.shared is not None:
                await self.shared.finish()
            commits = _COMMITS.get() if self._owns_transaction else None
            try:
                if once_sent is None:
                    await self._transaction.commit()
                else:
                    await _commit_telling(self._transaction, once_sent)
            except BaseException as error:
                if commits is not None and is_connection_lost(error):
                    commits.in_doubt = True
                raise
            self._transaction = None
            if commits is not None:
                commits.committed = True

    async def rollback(self) -> None:
        self._pending, self._audited = [], []
        if self._transaction is not None:
            await self._transaction.rollback()
            self._transaction = None
        elif self._joined_open and self.shared is not None:  # no savepoint to roll back to
            self.shared.spoiled = True
        self._joined_open = False

    async def __aexit__(self, exc_type, exc, traceback) -> None:
        lost = exc is not None and is_connection_lost(exc)
        try:
            await self.rollback()  # nothing left to roll back once committed
        except Exception as error:
            # Leaving on an error (a cancellation mid-commit, say), the rollback may fail too ("the transaction
            # is in error state"). The first error is the one to raise: a cancellation turned into an
            # Exception would be retried by a job's loop instead of stopping it. Releasing resets the connection.
            lost = lost or is_connection_lost(error)
            if exc is None:
                raise
        finally:
            if self._owns_transaction and self._pool is not None and self.conn is not None:
                await self._give_back(lost)

    async def _give_back(self, lost: bool) -> None:
        """Return the connection to the pool; one whose server went away is closed first, never handed out again
        (a protocol that saw the server's goodbye but not yet its close would fail whoever got it next). Giving back
        never raises: the pool closes a connection it cannot reset, and an error then must not turn work that
        committed into a failure, nor hide the error the work ended with."""
        assert self._pool is not None and self.conn is not None, "an owner's connection"
        if lost:
            with contextlib.suppress(Exception):  # already closed and detached, say
                self.conn.terminate()
        try:
            await self._pool.release(self.conn)
        except Exception as error:  # noqa: BLE001 - the pool has closed the connection: nothing more to do
            log.warning("a database connection could not be reset; closed", extra={"error_type": type(error).__name__})


async def _commit_telling(transaction: Transaction, once_sent: Callable[[], None]) -> None:
    committing = asyncio.ensure_future(transaction.commit())
    try:
        # The commit's first step writes COMMIT to the socket (asyncpg writes before it awaits the answer), and it
        # runs before this turn of the event loop ends.
        await asyncio.sleep(0)
    except BaseException:
        committing.cancel()  # as a cancelled `await transaction.commit()` would be
        raise
    if not committing.done():  # on its way (done already, it failed before it could be written)
        once_sent()
    await committing
