"""Session fixtures for real infrastructure; registered for the whole workspace through the pytest11 entry point.

- `kafka_bootstrap_servers`: "host:port" of KAFKA_BOOTSTRAP_SERVERS if set, else of a broker started for the session.
- `postgres_server`: `.create_database(name) -> dsn` on TEST_POSTGRES_ADMIN_URL if set, else on a server
  started for the session with durability off.
- `smtp_sink`: an in-process SmtpSink, shared by the session: filter by recipient or `clear()` between tests.

Nothing starts until a test asks for it. The fixtures are sync, so they work under any event loop scope;
their teardown runs when tests fail too, and at interpreter exit at the latest (atexit) if pytest dies.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest

from devinfra.kafka import KafkaServer
from devinfra.postgres import PostgresAdmin, PostgresServer
from devinfra.smtp_sink import SmtpSink


@pytest.fixture(scope="session")
def kafka_bootstrap_servers() -> Iterator[str]:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield os.environ["KAFKA_BOOTSTRAP_SERVERS"]
        return
    data_dir = tempfile.mkdtemp(prefix="devinfra-kafka-")
    server = KafkaServer(data_dir)
    try:
        server.start()
        yield server.bootstrap_servers
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresAdmin]:
    if os.environ.get("TEST_POSTGRES_ADMIN_URL"):
        yield PostgresAdmin(os.environ["TEST_POSTGRES_ADMIN_URL"])
        return
    # Straight under /tmp, not pytest's tmp_path: when we are root the server runs as another user,
    # who may not enter pytest's private base directory.
    data_dir = tempfile.mkdtemp(prefix="devinfra-postgres-")
    server = PostgresServer(data_dir, fast=True)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    try:
        yield sink
    finally:
        sink.stop()
