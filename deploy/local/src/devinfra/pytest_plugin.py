"""Session fixtures for real infrastructure; registered for the whole workspace through the pytest11 entry point.

- `kafka_access`: a broker started for the session, as a deployment runs it (SASL/SCRAM, ACLs from the topic
  catalogue, its topics created), or the one of KAFKA_BOOTSTRAP_SERVERS with the passwords of the JSON file
  TEST_KAFKA_SECRETS names (the local runner's `.run/secrets.json`); `kafka_bootstrap_servers` is its address.
- `kafka_client_options(principal="tests")`: keyword arguments for an aiokafka client acting as that principal
  (`tests` plays any other service; `other-team`, or a service's name, for what they may do).
- `kafka_settings(principal)`: the fields of a service's settings that connect it as that principal.
- `postgres_server`: `.create_database(name) -> dsn` on TEST_POSTGRES_ADMIN_URL if set, else on a server
  started for the session with durability off.
- `smtp_sink`: an in-process SmtpSink, shared by the session: filter by recipient or `clear()` between tests.

Nothing starts until a test asks for it. The fixtures are sync, so they work under any event loop scope;
their teardown runs when tests fail too, and at interpreter exit at the latest (atexit) if pytest dies.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from devinfra.kafka import TESTS, KafkaAccess, KafkaServer, grants_for_tests, new_passwords
from devinfra.postgres import PostgresAdmin, PostgresServer
from devinfra.smtp_sink import SmtpSink


@pytest.fixture(scope="session")
def kafka_access() -> Iterator[KafkaAccess]:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        if not os.environ.get("TEST_KAFKA_SECRETS"):
            raise pytest.UsageError("KAFKA_BOOTSTRAP_SERVERS needs TEST_KAFKA_SECRETS: the JSON file of its principals' "
                                    "passwords (the local runner's .run/secrets.json)")
        secrets = json.loads(Path(os.environ["TEST_KAFKA_SECRETS"]).read_text())
        yield KafkaAccess(os.environ["KAFKA_BOOTSTRAP_SERVERS"], secrets["kafka_passwords"])
        return
    data_dir = tempfile.mkdtemp(prefix="devinfra-kafka-")
    # Passwords of the session's own, like every other secret of a test run.
    server = KafkaServer(data_dir, passwords=new_passwords())
    try:
        server.start()
        server.provision(grants_for_tests())
        yield server.access
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def kafka_bootstrap_servers(kafka_access: KafkaAccess) -> str:
    return kafka_access.bootstrap_servers


@pytest.fixture(scope="session")
def kafka_client_options(kafka_access: KafkaAccess) -> Callable[..., dict[str, Any]]:
    def options(principal: str = TESTS) -> dict[str, Any]:
        return kafka_access.client_options(principal)

    return options


@pytest.fixture(scope="session")
def kafka_settings(kafka_access: KafkaAccess) -> Callable[[str], dict[str, Any]]:
    return kafka_access.settings


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresAdmin]:
    if os.environ.get("TEST_POSTGRES_ADMIN_URL"):
        yield PostgresAdmin(os.environ["TEST_POSTGRES_ADMIN_URL"])
        return
    with a_postgres_server("devinfra-postgres-") as server:
        yield server


@contextmanager
def a_postgres_server(prefix: str) -> Iterator[PostgresServer]:
    """A PostgreSQL server of its own, started, stopped and removed at the end."""
    # Straight under /tmp, not pytest's tmp_path: when we are root the server runs as another user,
    # who may not enter pytest's private base directory.
    data_dir = tempfile.mkdtemp(prefix=prefix)
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
