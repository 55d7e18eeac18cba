"""Requests under way when PostgreSQL restarts (fast shutdown) or their connection is lost get no 500: a unit of work
whose connection is lost before its commit is tried again on a new connection; one whose COMMIT was sent and never
answered is answered 503 `commit_outcome_unknown` (it may have been made); while the database is away, 503 with
Retry-After. A connection broken by the loss is never handed out again."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from pathlib import Path
from uuid import uuid4

import asyncpg
import httpx
import pytest
from devinfra.kafka import TESTS
from devinfra.postgres import PostgresServer
from fastapi import APIRouter, Request
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings
from plumbing.testing import eventually
from plumbing.unit_of_work import UnitOfWork

from .conftest import KEYS

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
    data_dir = tempfile.mkdtemp(prefix="devinfra-postgres-restarted-")
    server = PostgresServer(data_dir, fast=True)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def service_on(dsn: str, migrations: Path, kafka_settings, **overrides) -> Service:
    name = f"plumbing-test-{uuid4().hex[:8]}"
    settings = ServiceSettings(service_name=name, database_url=dsn, **kafka_settings(TESTS),
                               jwt_public_key=KEYS.public_pem, **overrides)
    return Service(settings, migrations=migrations)


def http_client(service: Service) -> httpx.AsyncClient:
    app = create_app(service, [router], title="plumbing test")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t",
                             timeout=60)


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
        async with http_client(service) as http:
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
