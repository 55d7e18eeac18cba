"""A bare service on the real broker and database, applying PersonUpdated events into a test table."""

from __future__ import annotations

import contextlib
from pathlib import Path
from uuid import uuid4

import pytest
from devinfra.kafka import TESTS
from mentorship_contracts.profiles import PersonUpdated
from plumbing.auth import SigningKeys
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings

KEYS = SigningKeys.generate()


class Recorder:
    """The handler under test: records each application; fails for people told to fail."""

    def __init__(self) -> None:
        self.failing: set = set()

    async def __call__(self, event: PersonUpdated, transaction) -> None:
        if event.person_id in self.failing:
            raise RuntimeError("the handler failed on purpose")
        await transaction.conn.execute(
            "INSERT INTO applied (event_id, person_id, changed) VALUES ($1, $2, $3)",
            event.event_id, event.person_id, ",".join(event.changed_fields),
        )


@pytest.fixture
def migrations(tmp_path) -> Path:
    directory = tmp_path / "migrations"
    directory.mkdir()
    (directory / "0001_applied.sql").write_text(
        # `tx`: the top-level transaction (xmin would name a handler's savepoint instead).
        "CREATE TABLE applied (event_id uuid, person_id uuid, changed text, at timestamptz DEFAULT clock_timestamp(),"
        " tx bigint DEFAULT txid_current())"
    )
    return directory


@pytest.fixture
def make_service(kafka_settings, postgres_server, migrations):
    """Build services sharing one database and one consumer group, as instances of one service would."""
    name = f"plumbing-test-{uuid4().hex[:8]}"
    dsn = postgres_server.create_database(name.replace("-", "_"))

    def make(recorder: Recorder | None = None, background=(), **overrides) -> Service:
        settings = ServiceSettings(
            # As the tests' principal: the service stands in for profiles (it publishes profiles.people).
            service_name=name, database_url=dsn, **kafka_settings(TESTS), jwt_public_key=KEYS.public_pem,
            consumer_max_attempts=3, consumer_backoff_seconds=0.01, **overrides,
        )
        service = Service(settings, migrations=migrations)
        if recorder:
            service.consume_raw({PersonUpdated: recorder})
        service.run_in_background(*background)
        return service

    return make


@pytest.fixture
async def started():
    """Start services and stop them after the test, whatever happens."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(service: Service) -> Service:
            await service.start()
            stack.push_async_callback(service.stop)
            return service

        yield start
