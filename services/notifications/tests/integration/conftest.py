"""A notifications service on the real broker, database and SMTP sink, and the means to feed and watch it."""

from __future__ import annotations

import contextlib
from uuid import uuid4

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from devinfra.smtp_sink import MAIL_FROM
from mentorship_contracts import IntegrationEvent, message_headers, profiles
from notifications.bootstrap import build_app
from notifications.config import NotificationsSettings
from plumbing.auth import SigningKeys, mint
from plumbing.settings import new_secret_key
from plumbing.testing import free_port, serving

# The session's own secrets: tokens are signed with the private key, the service holds the public one.
KEYS = SigningKeys.generate()
LINK_SIGNING_KEY = new_secret_key()


class Publisher:
    """What the other services do: publish contract events, keyed by aggregate, with the event id header."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self._producer = producer

    async def __call__(self, *events: IntegrationEvent) -> None:
        for event in events:
            headers = [(k, v.encode()) for k, v in message_headers(str(event.event_id), event.event_type).items()]
            await self._producer.send_and_wait(event.topic, event.to_json(), key=event.key.encode(), headers=headers)


@pytest.fixture(scope="session")
async def publish(kafka_client_options):
    producer = AIOKafkaProducer(**kafka_client_options(), acks="all")
    await producer.start()
    try:
        yield Publisher(producer)
    finally:
        await producer.stop()


def settings_for(postgres_server, kafka_settings, smtp_port: int, **overrides) -> NotificationsSettings:
    # Its own consumer group and database, so it shares nothing with other tests' services but the topics.
    name = f"notifications_it_{uuid4().hex[:8]}"
    port = free_port()
    return NotificationsSettings(
        consumer_group_name=name, database_url=postgres_server.create_database(name), http_port=port,
        web_base_url="https://app.mentorship.example", mail_from=MAIL_FROM,
        # No profiles here: the contacts these tests publish carry nothing sealed, so no data key is asked for.
        profiles_url="http://profiles.invalid",
        **kafka_settings("notifications"), jwt_public_key=KEYS.public_pem, link_signing_key=LINK_SIGNING_KEY,
        service_key=new_secret_key(),
        smtp_host="127.0.0.1",
        smtp_port=smtp_port, **({"dispatch_poll_seconds": 0.05, "access_link_grace_seconds": 2} | overrides),
    )


class Running:
    def __init__(self, url: str, settings: NotificationsSettings | None = None) -> None:
        self.url = url
        self.settings = settings

    def client(self, role: str = "admin", **claims) -> httpx.AsyncClient:
        token = mint(KEYS.private_pem, audience="notifications", role=role, **claims)
        return httpx.AsyncClient(base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


@contextlib.asynccontextmanager
async def running(settings: NotificationsSettings):
    async with serving(build_app(settings), settings.http_port) as url:
        yield Running(url, settings)


async def consuming(publish, sink) -> None:
    """Wait until the service reads the topics: a new consumer group can take a while to be given partitions."""
    probe = profiles.ContactDetailsChanged(person_id=uuid4(), chapter_id=None, display_name="Probe",
                                           email=f"probe.{uuid4().hex}@example.org")
    await publish(probe, profiles.PersonRegistered(person_id=probe.person_id, chapter_id=None, stage="undergraduate"))
    await sink.wait_for(lambda m: probe.email in m["rcpt_tos"], timeout=90)


@pytest.fixture
def new_settings(postgres_server, kafka_settings):
    return lambda smtp_port, **overrides: settings_for(postgres_server, kafka_settings, smtp_port, **overrides)


@pytest.fixture
def run_service():
    return running


@pytest.fixture
def as_caller():
    """A client of the service at a URL, for a caller of the given role."""
    return lambda url, role="admin", **claims: Running(url).client(role, **claims)


@pytest.fixture
def service_environment(kafka_access) -> dict[str, str]:
    """The variables of a `python -m notifications` process: its Kafka principal, the token key, its link key, its
    service key, and where its emails link to and come from (no profiles here: nothing sealed is published)."""
    return kafka_access.environment("notifications") | {"JWT_PUBLIC_KEY": KEYS.public_pem,
                                                         "NOTIFICATIONS_LINK_SIGNING_KEY": LINK_SIGNING_KEY,
                                                         "NOTIFICATIONS_SERVICE_KEY": new_secret_key(),
                                                         "MAIL_FROM": MAIL_FROM,
                                                         "WEB_BASE_URL": "https://app.mentorship.example",
                                                         "PROFILES_URL": "http://profiles.invalid"}


@pytest.fixture(scope="module")
async def notifications(postgres_server, kafka_settings, smtp_sink, publish):
    """One service for the module; each test tells its people apart by their own ids and addresses."""
    async with running(settings_for(postgres_server, kafka_settings, smtp_sink.smtp_port,
                                    digest_period_seconds=2)) as service:
        await consuming(publish, smtp_sink)
        yield service
