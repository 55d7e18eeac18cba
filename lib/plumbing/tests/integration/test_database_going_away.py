"""Requests under way when PostgreSQL restarts (fast shutdown) or their connection is lost get no 500: a unit of work
whose connection is lost before its commit is tried again on a new connection; one whose COMMIT was sent and never
answered is answered 503 `commit_outcome_unknown` (it may have been made); while the database is away, 503 with
Retry-After. A connection broken by the loss is never handed out again."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import struct
import termios
import time
from pathlib import Path
from uuid import uuid4

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer
from devinfra.kafka import TESTS
from devinfra.pytest_plugin import a_postgres_server
from fastapi import APIRouter, Request
from mentorship_contracts.profiles import PEOPLE, PersonUpdated
from plumbing.db import is_connection_lost
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.serve import serve
from plumbing.settings import ServiceSettings
from plumbing.testing import ProxiedConnection, TcpProxy, eventually, free_port, logging_as_it_was
from plumbing.unit_of_work import UnitOfWork

from .conftest import KEYS, Recorder

router = APIRouter()


@router.post("/notes/{note}")
async def write_note(note: str, request: Request) -> dict:
    async with UnitOfWork(request.app.state.service.pool) as uow:
        await uow.conn.execute("INSERT INTO notes (note) VALUES ($1)", note)
        await uow.conn.execute("SELECT pg_sleep(0.02)")  # a request that holds its connection a while
        await uow.commit()
    return {"note": note}


@pytest.fixture
def notes_migrations(tmp_path) -> Path:
    directory = tmp_path / "notes_migrations"
    directory.mkdir()
    (directory / "0001_notes.sql").write_text("CREATE TABLE notes (note text PRIMARY KEY)")
    return directory


@pytest.fixture
def own_postgres():
    """A server of the test's own, restarted by it (the session's serves other tests meanwhile)."""
    with a_postgres_server("devinfra-postgres-restarted-") as server:
        yield server


def service_on(dsn: str, migrations: Path, kafka_settings, **overrides) -> Service:
    name = f"plumbing-test-{uuid4().hex[:8]}"
    settings = ServiceSettings(service_name=name, database_url=dsn, **kafka_settings(TESTS),
                               jwt_public_key=KEYS.public_pem, **overrides)
    return Service(settings, migrations=migrations)


def http_client(service: Service) -> httpx.AsyncClient:
    app = create_app(service, [router], title="plumbing test")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t",
                             timeout=60)


async def test_an_instance_started_while_postgres_is_down_waits_for_it_and_serves_once_it_is_back(
    own_postgres, notes_migrations, kafka_settings, caplog
):
    """An orchestrator restarts an instance that exits, each time after a longer pause (Kubernetes: up to five
    minutes), so an instance that exited while PostgreSQL restarted could stay down long after it was back."""
    dsn = own_postgres.create_database("started_later")
    await asyncio.to_thread(own_postgres.stop)
    service = service_on(dsn, notes_migrations, kafka_settings)
    starting = asyncio.ensure_future(service.start())
    try:
        with caplog.at_level(logging.WARNING, logger="plumbing.runtime"):
            await eventually(
                lambda: starting.done() or sum("PostgreSQL is unreachable" in r.getMessage() for r in caplog.records) >= 2,
                timeout=30, what="two attempts to reach PostgreSQL")
        assert not starting.done(), f"the instance gave up starting: {starting.exception()!r}"

        await asyncio.to_thread(own_postgres.start)
        await asyncio.wait_for(starting, 60)
        async with http_client(service) as http:
            assert (await http.post("/notes/written-after-the-wait")).status_code == 200
            assert (await http.get("/readyz")).status_code == 200
    finally:
        if not starting.done():
            starting.cancel()
        await service.stop()


async def test_an_instance_whose_database_refuses_its_credentials_fails_at_once(own_postgres, notes_migrations,
                                                                               kafka_settings):
    """Waiting is for a database that is away, not for a mistake in the settings, which waiting will not cure."""
    dsn = own_postgres.create_database("refusing").replace("postgres@", "nobody-at-all@", 1)
    service = service_on(dsn, notes_migrations, kafka_settings)
    try:
        with pytest.raises(asyncpg.InvalidAuthorizationSpecificationError):
            await asyncio.wait_for(service.start(), 30)
    finally:
        await service.stop()


@pytest.mark.parametrize("wrong", ["role", "database"])
def test_a_database_url_the_server_refuses_stops_the_instance_with_one_line_naming_it_and_status_2(
    postgres_server, notes_migrations, kafka_settings, capsys, wrong
):
    # Waiting will not cure it: an orchestrator restarting it for ever with a traceback helps nobody.
    dsn = postgres_server.create_database(f"refused_at_start_{wrong}")
    dsn = (dsn.replace("postgres@", "nobody-at-all:s3cret@", 1) if wrong == "role"
           else dsn.rsplit("/", 1)[0] + "/no_such_database")

    def build_app():
        return create_app(service_on(dsn, notes_migrations, kafka_settings, http_port=free_port()), [router],
                          title="plumbing test")

    with logging_as_it_was(), pytest.raises(SystemExit) as stopped:
        serve(build_app)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DATABASE_URL" in err and "s3cret" not in err, err


async def test_requests_under_way_when_postgres_restarts_get_no_500_and_succeed_once_it_is_back(
    own_postgres, notes_migrations, kafka_settings
):
    service = service_on(own_postgres.create_database("restarted"), notes_migrations, kafka_settings,
                         database_retry_seconds=2.0)
    await service.start()
    answers: list[tuple[float, int, dict, httpx.Headers]] = []
    running = True

    async def writer(http: httpx.AsyncClient) -> None:
        while running:
            response = await http.post(f"/notes/{uuid4()}")
            answers.append((time.monotonic(), response.status_code, response.json(), response.headers))

    try:
        async with asyncio.timeout(240), http_client(service) as http:  # whatever hangs fails, saying where
            writers = [asyncio.create_task(writer(http)) for _ in range(8)]
            await eventually(lambda: sum(status == 200 for _, status, _, _ in answers) >= 40, timeout=60,
                             what="requests to succeed before the restart")

            await asyncio.to_thread(own_postgres.stop)  # pg_ctl stop -m fast, under load
            stopped = time.monotonic()
            while_down = await http.post(f"/notes/{uuid4()}")
            assert while_down.status_code == 503, while_down.text
            assert while_down.json()["error"]["code"] == "database_unavailable"
            assert while_down.headers["Retry-After"] == "1"
            assert (await http.get("/readyz")).status_code == 503

            await asyncio.to_thread(own_postgres.start)
            restarted = time.monotonic()
            await eventually(lambda: sum(status == 200 and at > restarted for at, status, _, _ in answers) >= 40,
                             timeout=60, what="requests to succeed again once PostgreSQL is back")
            running = False
            await asyncio.gather(*writers)
    finally:
        running = False
        async with asyncio.timeout(90):
            await service.stop()

    failures = [(status, body) for _, status, body, _ in answers if status != 200]
    assert not [f for f in failures if f[0] >= 500 and f[0] != 503], f"answered 500: {failures[:5]}"
    assert all(body["error"]["code"] in {"database_unavailable", "commit_outcome_unknown"} for _, body in failures)
    assert all(headers.get("Retry-After") == "1" for _, status, _, headers in answers if status == 503)
    under_way = [a for a in answers if a[0] >= stopped]
    assert under_way, "no request met the restart"
    accepted = {body["note"] for _, status, body, _ in answers if status == 200}
    conn = await asyncpg.connect(own_postgres.dsn("restarted"))
    try:
        stored = {r["note"] for r in await conn.fetch("SELECT note FROM notes")}
    finally:
        await conn.close()
    assert accepted <= stored, "an accepted note was lost"


class LossyProxy(TcpProxy):
    """A proxy in front of PostgreSQL that plays two losses on demand:
    - `withhold_close`: when the server closes a connection, its last words (the FATAL error of a shutdown) reach
      the client but the close does not: the client's protocol reads the error while idle, and its next statement
      finds "another operation (2) is in progress", as when the close is read a moment after the error;
    - `cut_after_commit`: the next COMMIT a client sends reaches the server, and the client's connection is cut
      before the answer: the transaction committed, the client cannot know;
    - `silent`: nothing the server says reaches the client any more, as when it hangs (a frozen host, a full disk)."""

    def __init__(self, target_port: int) -> None:
        super().__init__(target_port)
        self.withhold_close = False
        self.cut_after_commit = False
        self.silent = False
        self.closes_withheld = 0
        self.commits_cut = 0

    async def to_server(self, connection: ProxiedConnection, data: bytes) -> None:
        await super().to_server(connection, data)
        if self.cut_after_commit and b"COMMIT" in data:
            self.cut_after_commit = False
            connection.cut = True
            connection.client.transport.abort()
            self.commits_cut += 1

    async def to_client(self, connection: ProxiedConnection, data: bytes) -> None:
        if self.silent:
            await self.stopping.wait()
        await super().to_client(connection, data)

    async def server_closed(self, connection: ProxiedConnection) -> None:
        if self.withhold_close:
            self.closes_withheld += 1
            await self.stopping.wait()  # the client is never told
        await super().server_closed(connection)


def unread_bytes(conn) -> int:
    """Bytes the server sent that the client's connection has not read yet."""
    sock = conn._transport.get_extra_info("socket")
    return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]


class Pause:
    """Where a request waits, on its first attempt only, for the test to act on its connection."""

    def __init__(self) -> None:
        self.reached, self.go = asyncio.Event(), asyncio.Event()
        self.conn = None

    async def __call__(self, conn) -> None:
        if self.reached.is_set():
            return
        self.conn = conn
        self.reached.set()
        await self.go.wait()


@router.post("/paused-notes/{note}")
async def write_note_after_a_pause(note: str, request: Request) -> dict:
    async with UnitOfWork(request.app.state.service.pool) as uow:
        await uow.conn.execute("INSERT INTO notes (note) VALUES ($1)", note)
        await request.app.state.pause(uow.conn)  # idle in its transaction (a call to another service, say)
        await uow.conn.execute("SELECT 1")
        await uow.commit()
    return {"note": note}


@pytest.fixture
async def behind_a_proxy(postgres_server, notes_migrations, kafka_settings):
    dsn = postgres_server.create_database(f"proxied_{uuid4().hex[:8]}")
    proxy = LossyProxy(int(dsn.rsplit(":", 1)[1].split("/")[0]))
    port = await proxy.start()
    service = service_on(dsn.replace(f":{proxy.target_port}/", f":{port}/"), notes_migrations, kafka_settings)
    await service.start()
    try:
        yield service, proxy, dsn
    finally:
        await service.stop()
        await proxy.stop()


async def test_a_connection_that_read_the_servers_goodbye_but_not_its_close_is_discarded_and_the_request_served_again(
    behind_a_proxy
):
    service, proxy, dsn = behind_a_proxy
    pause = Pause()
    app = create_app(service, [router], title="plumbing test")
    app.state.pause = pause
    proxy.withhold_close = True
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                                 base_url="http://t", timeout=60) as http:
        request = asyncio.create_task(http.post("/paused-notes/first"))
        await asyncio.wait_for(pause.reached.wait(), 30)
        backend = await pause.conn.fetchval("SELECT pg_backend_pid()")
        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute("SELECT pg_terminate_backend($1)", backend)  # what a fast shutdown does to each
        finally:
            await admin.close()
        await eventually(lambda: proxy.closes_withheld >= 1 and unread_bytes(pause.conn) == 0,
                         what="the client to have read the server's goodbye, not its close")
        pause.go.set()
        response = await request
        proxy.withhold_close = False  # closing the pool at the end must not wait for closes withheld

    assert response.status_code == 200, response.text  # today: 500, "another operation (2) is in progress"
    assert await service.pool.fetchval("SELECT count(*) FROM notes WHERE note = 'first'") == 1


async def test_a_request_whose_commit_was_sent_and_never_answered_gets_503_commit_outcome_unknown(behind_a_proxy):
    service, proxy, _ = behind_a_proxy
    proxy.cut_after_commit = True
    async with http_client(service) as http:
        response = await http.post("/notes/in-doubt")
    assert proxy.commits_cut == 1
    assert response.status_code == 503, response.text  # today: 500
    assert response.json()["error"]["code"] == "commit_outcome_unknown"
    assert response.headers["Retry-After"] == "1"
    await eventually(lambda: service.pool.fetchval("SELECT count(*) = 1 FROM notes WHERE note = 'in-doubt'"),
                     what="the COMMIT the client never heard the answer to to have been made")


async def test_a_unit_of_work_told_once_its_commit_is_sent_hears_so_before_the_answer_which_may_never_come(
        behind_a_proxy):
    service, proxy, _ = behind_a_proxy
    told: list[int] = []
    proxy.cut_after_commit = True  # COMMIT reaches PostgreSQL; its answer never reaches the unit of work
    with pytest.raises(Exception) as lost:
        async with UnitOfWork(service.pool) as uow:
            await uow.conn.execute("INSERT INTO notes (note) VALUES ('told')")
            await uow.commit(once_sent=lambda: told.append(proxy.commits_cut))
    assert told == [0]  # before the proxy cut the connection, which it does once it has forwarded the COMMIT
    assert is_connection_lost(lost.value)
    await eventually(lambda: service.pool.fetchval("SELECT count(*) = 1 FROM notes WHERE note = 'told'"),
                     what="the COMMIT to have been made")


async def test_an_event_consumed_while_postgres_is_down_is_applied_once_it_is_back_not_dead_lettered(
    own_postgres, migrations, kafka_settings, kafka_client_options, caplog
):
    service = service_on(own_postgres.create_database("consuming"), migrations, kafka_settings,
                         consumer_max_attempts=2, consumer_backoff_seconds=0.01)
    service.consume_raw({PersonUpdated: Recorder()})
    await service.start()
    try:
        async with asyncio.timeout(240):  # whatever hangs fails, saying where
            await _apply_while_postgres_restarts(service, own_postgres, kafka_client_options, caplog)
        dead = service.metrics.registry.get_sample_value("dead_letters_total", {"topic": PEOPLE, "reason": "failed"})
        assert not dead, "an event was dead-lettered because the database was away"
    finally:
        async with asyncio.timeout(90):
            await service.stop()


async def _apply_while_postgres_restarts(service, own_postgres, kafka_client_options, caplog) -> None:
    await eventually(lambda: service.consuming, timeout=60, what="the consumer to join its group")
    await asyncio.to_thread(own_postgres.stop)
    person = uuid4()
    producer = AIOKafkaProducer(**kafka_client_options())
    await producer.start()
    try:
        event = PersonUpdated(person_id=person, chapter_id=None, stage="resident", changed_fields=["stage"])
        await producer.send_and_wait(PEOPLE, event.to_json(), key=str(person).encode())
    finally:
        await producer.stop()
    await eventually(lambda: any(r.name == "plumbing.consumer" and r.levelno >= logging.WARNING
                                 for r in caplog.records), timeout=60,
                     what="the consumer to have tried to apply the event while PostgreSQL is down")
    await asyncio.to_thread(own_postgres.start)
    await eventually(lambda: service.pool.fetchval("SELECT count(*) = 1 FROM applied WHERE person_id = $1", person),
                     timeout=60, what="the event to be applied once PostgreSQL is back")


async def test_a_database_that_stops_answering_makes_the_instance_unready_within_seconds_saying_why(behind_a_proxy):
    service, proxy, _ = behind_a_proxy
    assert await service.readiness() == {"database": True}
    assert database_up(service) == 1
    proxy.silent = True
    started = time.monotonic()
    assert await asyncio.wait_for(service.readiness(), 30) == {"database": False}  # today: no answer at all
    assert time.monotonic() - started < 5
    assert "no answer within" in service.readiness_problems["database"]
    assert database_up(service) == 0, "what pages the operator (MentorshipDatabaseUnreachable)"


def database_up(service) -> float | None:
    return service.metrics.registry.get_sample_value("database_up")


async def test_a_database_that_stops_answering_while_every_connection_is_busy_is_not_taken_for_busy(
        postgres_server, notes_migrations, kafka_settings):
    dsn = postgres_server.create_database(f"silent_{uuid4().hex[:8]}")
    proxy = LossyProxy(int(dsn.rsplit(":", 1)[1].split("/")[0]))
    port = await proxy.start()
    service = service_on(dsn.replace(f":{proxy.target_port}/", f":{port}/"), notes_migrations, kafka_settings,
                         database_pool_size=2)
    await service.start()
    try:
        held = [await service.pool.acquire() for _ in range(2)]
        proxy.silent = True
        assert await asyncio.wait_for(service.readiness(), 30) == {"database": False}
        for connection in held:
            connection.terminate()
    finally:
        await service.stop()
        await proxy.stop()


async def test_an_instance_whose_every_connection_is_busy_stays_ready(postgres_server, notes_migrations, kafka_settings):
    # Busy is not away: taking the only instance out of its Service while requests hold every connection turns a slow
    # minute into an outage.
    service = service_on(postgres_server.create_database("busy_pool"), notes_migrations, kafka_settings,
                         database_pool_size=2)
    await service.start()
    try:
        held = [await service.pool.acquire() for _ in range(2)]
        try:
            assert await service.readiness() == {"database": True}
        finally:
            for connection in held:
                await service.pool.release(connection)
        assert await service.readiness() == {"database": True}
    finally:
        await service.stop()
