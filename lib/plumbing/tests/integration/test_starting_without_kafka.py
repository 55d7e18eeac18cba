"""A service started while Kafka is unreachable serves HTTP with PostgreSQL alone: what it commits waits in the
outbox, and its Kafka side (topics, producer and relay, consumer) comes up in the background once Kafka answers.
An instance whose Kafka side has given up for good says so on its liveness probe."""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from uuid import uuid4

import httpx
from devinfra.kafka import TESTS, KafkaServer, grants_for_tests, new_passwords
from fastapi import APIRouter, Request
from mentorship_contracts.profiles import PersonUpdated
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings
from plumbing.testing import eventually
from plumbing.unit_of_work import UnitOfWork
from prometheus_client import generate_latest

from .conftest import KEYS, Recorder

router = APIRouter()


@router.post("/people/{person_id}/stage")
async def change_stage(person_id: str, request: Request) -> dict:
    async with UnitOfWork(request.app.state.service.pool) as uow:
        uow.emit(PersonUpdated(person_id=person_id, chapter_id=None, stage="resident", changed_fields=["stage"]))
        await uow.commit()
    return {"changed": person_id}


def http_client(service: Service) -> httpx.AsyncClient:
    app = create_app(service, [router], title="plumbing test")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t")


async def test_a_service_started_while_kafka_is_down_accepts_writes_and_publishes_and_consumes_them_once_kafka_is_up(
    postgres_server, migrations
):
    data_dir = tempfile.mkdtemp(prefix="devinfra-kafka-later-")
    kafka = KafkaServer(data_dir, passwords=new_passwords())  # not started yet: Kafka is down
    service = recording_service(postgres_server, migrations, kafka.access.settings(TESTS), retry_max_seconds=1.0)
    try:
        await asyncio.wait_for(service.start(), 30)  # today: "Unable to bootstrap", and the instance exits
        person = uuid4()
        async with http_client(service) as http:
            assert (await http.get("/readyz")).status_code == 200, "it can serve requests: PostgreSQL answers"
            assert (await http.get("/healthz")).status_code == 200
            assert (await http.post(f"/people/{person}/stage")).status_code == 200
        assert await service.pool.fetchval("SELECT count(*) FROM outbox") == 1, "the event waits in the outbox"

        await asyncio.to_thread(kafka.start)
        await asyncio.to_thread(kafka.provision, grants_for_tests())

        await eventually(lambda: service.pool.fetchval("SELECT count(*) = 0 FROM outbox"), timeout=90,
                         what="the relay to publish what accumulated while Kafka was down")
        await eventually(lambda: service.pool.fetchval("SELECT count(*) = 1 FROM applied WHERE person_id = $1", person),
                         timeout=90, what="the consumer to join its group and apply the event")
        assert service.consuming
    finally:
        await service.stop()
        await asyncio.to_thread(kafka.stop)
        shutil.rmtree(data_dir, ignore_errors=True)


async def test_a_service_whose_kafka_side_gives_up_for_good_is_no_longer_live(make_service):
    service = make_service(Recorder(), kafka_retry_seconds=0.01, kafka_retry_max_seconds=0.02)

    async def a_fault_of_ours() -> None:
        raise RuntimeError("a bug, not Kafka being away: retrying will not cure it")

    service.ensure_topics = a_fault_of_ours  # type: ignore[method-assign]
    await service.start()
    try:
        async with http_client(service) as http:
            await eventually(lambda: _status(http, "/healthz", 503), timeout=30,
                             what="the liveness probe to say the Kafka side has died")
            body = (await http.get("/healthz")).json()
            assert body["status"] == "failing" and "kafka" in body["failed"]
            assert (await http.get("/readyz")).status_code == 200, "it still serves what needs PostgreSQL alone"
    finally:
        await service.stop()


async def _status(http: httpx.AsyncClient, path: str, status: int) -> bool:
    return (await http.get(path)).status_code == status


def kafka_side_up(service: Service) -> float:
    """The `kafka_side_up` gauge, as a scrape of the instance reads it."""
    (line,) = [line for line in generate_latest(service.metrics.registry).decode().splitlines()
               if line.startswith("kafka_side_up ")]
    return float(line.split()[1])


def recording_service(postgres_server, migrations, kafka: dict, retry_max_seconds: float) -> Service:
    """A service of a database of its own, reaching Kafka as `kafka` says, that records what it consumes."""
    name = f"plumbing-test-{uuid4().hex[:8]}"
    settings = ServiceSettings(
        service_name=name, database_url=postgres_server.create_database(name.replace("-", "_")), **kafka,
        jwt_public_key=KEYS.public_pem, kafka_retry_seconds=min(0.2, retry_max_seconds),
        kafka_retry_max_seconds=retry_max_seconds,
    )
    service = Service(settings, migrations=migrations)
    service.consume_raw({PersonUpdated: Recorder()})
    return service


def refused_service(postgres_server, migrations, kafka_settings, principal: str, **overrides) -> Service:
    return recording_service(postgres_server, migrations, kafka_settings(principal) | overrides, retry_max_seconds=0.2)


async def refusal_logged(service: Service, caplog) -> logging.LogRecord:
    """The error the service logs while Kafka refuses it, once it has tried twice; its Kafka side never comes up."""
    with caplog.at_level(logging.WARNING, logger="plumbing.runtime"):
        await service.start()
        try:
            await eventually(lambda: _refusals(caplog) >= 2, timeout=30, what="the refusal to be logged twice")
            assert kafka_side_up(service) == 0
        finally:
            await service.stop()
    return next(r for r in caplog.records if r.name == "plumbing.runtime" and r.levelno == logging.ERROR)


def _refusals(caplog) -> int:
    return sum(r.name == "plumbing.runtime" and r.levelno == logging.ERROR for r in caplog.records)


async def test_a_service_whose_kafka_password_is_refused_logs_an_error_naming_authentication_and_reports_kafka_down(
    postgres_server, migrations, kafka_settings, caplog
):
    service = refused_service(postgres_server, migrations, kafka_settings, TESTS, kafka_sasl_password="guessed")
    logged = await refusal_logged(service, caplog)
    assert "authentication" in logged.getMessage() and "KAFKA_SASL_PASSWORD" in logged.getMessage()
    assert logged.error_type == "SaslAuthenticationFailed"
    assert not any("unreachable" in r.getMessage() for r in caplog.records)


async def test_a_service_the_acls_do_not_allow_logs_an_error_naming_authorization_and_reports_kafka_down(
    postgres_server, migrations, kafka_settings, caplog
):
    # Another team's principal may not create the service's dead-letter topic.
    service = refused_service(postgres_server, migrations, kafka_settings, "other-team")
    logged = await refusal_logged(service, caplog)
    assert "authorization" in logged.getMessage() and "kafka_access provision" in logged.getMessage()
    assert logged.error_type == "TopicAuthorizationFailedError"


async def test_once_its_kafka_side_is_up_an_instance_reports_it(make_service, started):
    service = await started(make_service(Recorder()))
    await eventually(lambda: service.consuming, timeout=60, what="the consumer to join its group")
    assert kafka_side_up(service) == 1
