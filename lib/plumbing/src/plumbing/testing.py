"""Helpers for tests: serve an app on a free port, wait for a condition, and an in-memory unit of work."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import json
import logging
import os
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

import uvicorn
from fastapi import FastAPI
from mentorship_contracts import IntegrationEvent

if TYPE_CHECKING:
    from .audit import AuditEntry
    from .auth import Principal

T = TypeVar("T")


async def answers_ready(*urls: str) -> bool:
    """Whether each service at these base URLs answers `/readyz` with 200 (a service still starting does not)."""
    import httpx  # a test and benchmark dependency, not a service's

    try:
        async with httpx.AsyncClient() as client:
            return all([(await client.get(f"{url}/readyz")).status_code == 200 for url in urls])
    except httpx.HTTPError:
        return False


def json_object(value: bytes | None) -> dict | None:
    """A record's value as a JSON object, or None for anything else: topics are shared by a test session, and some
    tests publish what is not an event on purpose (a value nested too deep to parse, say)."""
    try:
        found = json.loads(value or b"")
    except (ValueError, RecursionError):
        return None
    return found if isinstance(found, dict) else None


@contextlib.contextmanager
def logging_as_it_was() -> Iterator[None]:
    """Run code that sets logging up for the process (`plumbing.logs.configure`, `serve`), then put back the test
    run's handlers and levels."""
    root, framework = logging.getLogger(), logging.getLogger("faststream")
    handlers, level, framework_handlers, propagate = root.handlers[:], root.level, framework.handlers[:], \
        framework.propagate
    try:
        yield
    finally:
        root.handlers[:], framework.handlers[:] = handlers, framework_handlers
        root.setLevel(level)
        framework.propagate = propagate


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.asynccontextmanager
async def serving(app: FastAPI, port: int | None = None) -> AsyncIterator[str]:
    """Serve `app` with uvicorn in this event loop (lifespan included); yield its base URL."""
    port = port or free_port()
    # Idle connections are kept far longer than the tests' clients keep them (1-5 s), so a client never sends a request
    # down one the server is closing (a POST is not retried: httpx.ReadError). With uvicorn's 5 s they met in CI on a
    # loaded machine: server and client share one event loop, and a client that read a response seconds late counted
    # its connection's idle time from then, while the server's timer had run from the sending.
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on",
                                           timeout_keep_alive=30))
    task = asyncio.create_task(server.serve())
    try:
        await eventually(lambda: server.started or task.done(), timeout=60, what="the server to start")
        if task.done():
            task.result()  # raises the start-up error
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def eventually(
    check: Callable[[], T | Awaitable[T]], *, timeout: float = 30.0, interval: float = 0.05,
    what: str | Callable[[], str] = "a condition",
) -> T:
    """Poll `check` until it returns something truthy, or fail after `timeout` seconds.

    `what` names the condition in the failure; a callable is asked only then, so it can say how far things got.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result  # type: ignore[return-value]  # awaited above when it was an awaitable
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what() if callable(what) else what} after {timeout}s")
        await asyncio.sleep(interval)


@dataclass(frozen=True)
class Ran:
    """An operator's command, run: its exit status and what it wrote."""

    returncode: int
    out: str
    err: str


async def operator_command(service: str, *argv: str, database_url: str, env: dict[str, str] | None = None) -> Ran:
    """`python -m <service> <argv>` as an operator runs it, with the service's database as `DATABASE_URL` (and `env`:
    the rest of the service's environment it needs)."""
    command = await asyncio.create_subprocess_exec(
        sys.executable, "-m", service, *argv, env={**os.environ, **(env or {}), "DATABASE_URL": database_url},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await command.communicate()
    assert command.returncode is not None
    return Ran(command.returncode, out.decode(), err.decode())


class FakeTransaction:
    """The in-memory counterpart of `plumbing.unit_of_work.SharedTransaction`: units of work join it, defer work to
    its end, and their events are published when it commits."""

    def __init__(self, published: list[IntegrationEvent]) -> None:
        self.memo: dict[str, Any] = {}
        self.pending: list[IntegrationEvent] = []
        self._published = published
        self._deferred: dict[Hashable, tuple[Callable, list[Any], FakeUnitOfWork]] = {}

    def defer(self, key: Hashable, item: Any, run: Callable, deferred_by: FakeUnitOfWork) -> None:
        self._deferred.setdefault(key, (run, [], deferred_by))[1].append(item)

    async def finish(self) -> None:
        while self._deferred:
            run, items, deferred_by = self._deferred.pop(next(iter(self._deferred)))
            async with deferred_by.joining(self) as unit:
                await run(items, unit)
                await unit.commit()

    async def commit(self) -> None:
        await self.finish()
        self._published.extend(self.pending)
        self.pending = []


class FakeUnitOfWork:
    """An in-memory unit of work for handler tests, with the real one's behaviour: events are published and
    changes kept only on commit; leaving without committing restores the repositories as they were on entry (a
    joined unit, like the real one's savepoint, restores only its own changes); deferred work is done once, just
    before the owner commits.

        uow = FakeUnitOfWork(people=FakePeople(), programs=FakePrograms())
        uow.published  # the events committed so far

    The repositories are the keyword arguments, reachable as attributes; their state is what their attributes hold.
    """

    def __init__(self, *, joined: FakeTransaction | None = None, **repositories: Any) -> None:
        self.__dict__.update(repositories)
        self._repositories = repositories
        self.published: list[IntegrationEvent] = []
        self.audited: list[AuditEntry] = []  # the audit entries committed so far
        self.shared = joined
        self._owns_transaction = joined is None
        self._pending: list[IntegrationEvent] = []
        self._audit_pending: list[AuditEntry] = []
        self._snapshot: dict[str, dict] | None = None

    def joining(self, shared: FakeTransaction) -> Self:
        unit = copy.copy(self)  # the same repositories and collaborators, and the same published list
        unit.shared, unit._owns_transaction, unit._pending, unit._snapshot = shared, False, [], None
        unit._audit_pending = []
        return unit

    def emit(self, *events: IntegrationEvent) -> None:
        self._pending.extend(events)

    async def stage(self) -> None:
        """Nothing to do: the events emitted stay pending until the commit, as the real ones staged in the outbox
        are committed or rolled back with the transaction."""

    def audit(self, actor: Principal, action: str, subject_kind: str, subject_id: object | None, *,
              chapter_id: UUID | None = None, detail: dict[str, Any] | None = None) -> None:
        from . import audit  # here: the audit module's HTTP side imports this module

        self._audit_pending.append(audit.entry(actor, action, subject_kind, subject_id, chapter_id=chapter_id,
                                               detail=detail))

    def defer(self, key: Hashable, item: Any, run: Callable) -> None:
        assert self.shared is not None, "defer inside `async with`"
        self.shared.defer(key, item, run, self)

    def published_since(self, mark: int) -> list[IntegrationEvent]:
        return self.published[mark:]

    async def __aenter__(self) -> Self:
        if self._owns_transaction:
            self.shared = FakeTransaction(self.published)
        self._snapshot = {name: copy.deepcopy(vars(repo)) for name, repo in self._repositories.items()}
        return self

    async def as_published(self, events: list[IntegrationEvent]) -> list[IntegrationEvent]:
        """As `plumbing.unit_of_work.UnitOfWork.as_published`: a service's fake turns events into twins here."""
        return events

    async def commit(self, *, once_sent: Callable[[], None] | None = None) -> None:
        assert self.shared is not None, "commit inside `async with`"
        if once_sent is not None:
            once_sent()
        self.shared.pending.extend(await self.as_published(self._pending))
        self.audited.extend(self._audit_pending)
        self._pending, self._audit_pending = [], []
        if self._owns_transaction:
            await self.shared.commit()
        self._snapshot = None

    async def rollback(self) -> None:
        self._pending, self._audit_pending = [], []
        if self._snapshot is not None:
            for name, state in self._snapshot.items():
                vars(self._repositories[name]).clear()
                vars(self._repositories[name]).update(state)
            self._snapshot = None

    async def __aexit__(self, *exc_info: object) -> None:
        await self.rollback()


async def caught_up(apps: dict, client_options: dict) -> None:
    """Wait until every service has applied what the shared topics already held when it started (earlier tests'
    events, replayed from the earliest offset): a test's own events are then not applied in one batch with a
    backlog's, which would give the work they defer together a correlation id of its own."""
    from aiokafka import AIOKafkaConsumer
    from aiokafka.admin import AIOKafkaAdminClient

    from .kafka import partitions_of

    admin = AIOKafkaAdminClient(**client_options)
    reader = AIOKafkaConsumer(enable_auto_commit=False, **client_options)
    await admin.start()
    await reader.start()
    try:
        for name, app in apps.items():
            service = app.state.service
            if service.consumer is None:
                continue
            ends = await reader.end_offsets(await partitions_of(client_options, service.consumer.topics))

            async def applied(group: str = service.settings.consumer_group, ends: dict = ends) -> bool:
                committed = await admin.list_consumer_group_offsets(group)
                return all(committed.get(tp) is not None and committed[tp].offset >= end
                           for tp, end in ends.items() if end > 0)

            await eventually(applied, timeout=180, interval=0.2,  # type: ignore[arg-type]  # awaited: async check
                             what=f"{name} to apply the topics' backlog")
    finally:
        await reader.stop()
        await admin.close()


class ProxiedConnection:
    """One client's connection through a `TcpProxy`: its two ends, and what the proxy's hooks note of it."""

    def __init__(self, client: asyncio.StreamWriter, server: asyncio.StreamWriter) -> None:
        self.client, self.server = client, server
        self.cut = False  # the client's end aborted: what the server sends next is never delivered
        self.notes: dict[str, Any] = {}


class TcpProxy:
    """A TCP proxy on loopback in front of a server (PostgreSQL, say), for tests that play what a network can do to a
    connection. Subclasses decide what becomes of each chunk on its way (`to_server`, `to_client`) and of the
    server's close (`server_closed`); by default each goes through."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.stopping = asyncio.Event()
        self._connections: set[asyncio.Task] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> int:
        """Its port."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Close every connection from both ends, as a proxy going away does, rather than wait for its clients: in
        one CI run of the whole suite, a connection was still open 30 s after the service had stopped."""
        self.stopping.set()
        self._server.close()
        for writer in self._writers:
            writer.close()
        async with asyncio.timeout(30):
            await asyncio.gather(*self._connections, return_exceptions=True)

    async def to_server(self, connection: ProxiedConnection, data: bytes) -> None:
        connection.server.write(data)
        await connection.server.drain()

    async def to_client(self, connection: ProxiedConnection, data: bytes) -> None:
        connection.client.write(data)
        await connection.client.drain()

    async def server_closed(self, connection: ProxiedConnection) -> None:
        connection.client.close()

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self._connections.add(asyncio.current_task())  # type: ignore[arg-type]
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers |= {client_writer, server_writer}
        connection = ProxiedConnection(client_writer, server_writer)

        async def upstream() -> None:
            while not connection.cut and (data := await client_reader.read(65536)):
                await self.to_server(connection, data)
            if not connection.cut:
                server_writer.close()

        async def downstream() -> None:
            while data := await server_reader.read(65536):
                if connection.cut:  # never delivered
                    server_writer.close()
                    return
                await self.to_client(connection, data)
            await self.server_closed(connection)

        try:
            await asyncio.gather(upstream(), downstream(), return_exceptions=True)
        finally:
            for writer in (client_writer, server_writer):
                writer.close()
