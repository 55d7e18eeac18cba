"""Profiles served for real, on the session's Kafka and its own PostgreSQL database, driven over HTTP."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from mentorship_contracts import IntegrationEvent, SealedEvent, decode, message_headers
from mentorship_contracts import profiles as contract
from plumbing.auth import Role, SigningKeys, mint
from plumbing.person_keys import PersonKeys
from plumbing.personal_data import open_event, readers_setting
from plumbing.settings import new_secret_key
from plumbing.testing import eventually, json_object, serving
from profiles.adapters.sealing import new_key
from profiles.bootstrap import MIGRATIONS, build_app
from profiles.config import ProfilesSettings

# The session's own keys: tokens are signed with the private one, the service holds the public one.
KEYS = SigningKeys.generate()
# The key pairs of the services that may read data keys, as the deployment configures them (matching's is used to
# open what profiles seals, as a consumer does).
READER_KEYS = {"matching": new_secret_key(), "notifications": new_secret_key()}
ALL_TOPICS = (contract.CHAPTERS, contract.PROGRAMS, contract.PEOPLE, contract.ENROLLMENTS,
              contract.PRIVATE_ENROLLMENTS, contract.CONTACTS, contract.MATCHING_PROFILES)


@dataclass
class Profiles:
    url: str
    database_url: str
    kafka: dict  # a test reader's client options
    identity_key: str  # the service's, which an operator's command restating matching profiles is given

    def client(self, role: Role | str = Role.ADMIN, **claims) -> httpx.AsyncClient:
        token = mint(KEYS.private_pem, audience="profiles", role=role, **claims)
        return httpx.AsyncClient(base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def anonymous(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=30)

    async def query(self, sql: str, *arguments):
        conn = await asyncpg.connect(self.database_url)
        try:
            return await conn.fetch(sql, *arguments)
        finally:
            await conn.close()


@pytest.fixture(scope="session")
async def profiles(kafka_settings, kafka_client_options, postgres_server):
    """One service for the module's tests: each test makes its own chapters and people, so none disturbs another."""
    database_url = postgres_server.create_database(f"profiles_it_{uuid4().hex[:8]}")
    # A consumer group of its own (of matching's pairings): it shares nothing with other tests' services.
    settings = ProfilesSettings(service_name="profiles", consumer_group_name=f"profiles-it-{uuid4().hex[:8]}",
                                database_url=database_url, **kafka_settings("profiles"),
                                jwt_public_key=KEYS.public_pem, identity_key=new_key(),
                                data_key_readers=readers_setting(READER_KEYS))
    async with serving(build_app(settings)) as url:
        yield Profiles(url, database_url, kafka_client_options(), settings.secret("identity_key"))


class Published:
    """What profiles published on its topics, as (topic, key, JSON value)."""

    def __init__(self, kafka: dict, profiles_url: str) -> None:
        # From the start of each topic: they are shared by the session, so readers filter by their own ids.
        self.consumer = AIOKafkaConsumer(*ALL_TOPICS, **kafka, auto_offset_reset="earliest",
                                         group_id=f"profiles-it-{uuid4().hex}")
        # Sealed events are opened as matching opens them, with the keys profiles gives it; `raw` keeps them as sent.
        self.keys = PersonKeys(profiles_url, service="matching", service_key=READER_KEYS["matching"])
        self.records: list[tuple[str, str, dict]] = []
        self.raw: list[tuple[str, str, bytes]] = []

    async def _drain(self) -> None:
        for records in (await self.consumer.getmany(timeout_ms=100)).values():
            values = [(r, json_object(r.value)) for r in records]
            # The keys of the batch's people in one request, as a consumer asks.
            sealed = {v["person_id"] for _, v in values if v is not None and "sealed" in v}
            keys = await self.keys.keys_for([UUID(p) for p in sealed]) if sealed else {}
            for r, value in values:
                self.raw.append((r.topic, r.key.decode(), r.value))
                if value is not None:
                    self.records.append((r.topic, r.key.decode(), self._opened(value, keys)))

    @staticmethod
    def _opened(value: dict, keys: dict) -> dict:
        if "sealed" not in value:
            return value
        event = decode(value)
        assert isinstance(event, SealedEvent)
        key = keys.get(event.person_id)
        if key is None:
            return value  # erased: stays sealed
        return json.loads(open_event(event, key.key).to_json()) | {"sealed_as": event.schema_version}

    async def wait_for(self, event_type: str, timeout: float = 30, **fields) -> dict:
        async def seen():
            return next(iter(await self.all_of(event_type, **fields)), None)

        return await eventually(seen, timeout=timeout, what=f"{event_type} {fields}")

    async def all_of(self, event_type: str, **fields) -> list[dict]:
        """Every event of the type with these fields seen so far, once what has arrived is read."""
        await self._drain()
        return [value for _, _, value in self.records if value["event_type"] == event_type
                and all(str(value.get(k)) == str(v) for k, v in fields.items())]

    def on(self, topic: str, mentioning: str) -> list[dict]:
        return [value for t, _, value in self.records if t == topic and mentioning in json.dumps(value)]


@pytest.fixture
async def published(profiles):
    reader = Published(profiles.kafka, profiles.url)
    await reader.consumer.start()
    try:
        yield reader
    finally:
        await reader.consumer.stop()


@pytest.fixture(scope="session")
async def publish(kafka_client_options):
    """What another service does: publish contract events, keyed as the catalogue says, with the headers."""
    producer = AIOKafkaProducer(**kafka_client_options(), acks="all")
    await producer.start()

    async def send(*events: IntegrationEvent) -> None:
        for event in events:
            headers = [(k, v.encode()) for k, v in message_headers(str(event.event_id), event.event_type).items()]
            await producer.send_and_wait(event.topic, event.to_json(), key=event.key.encode(), headers=headers)

    try:
        yield send
    finally:
        await producer.stop()


def migrations_before(migration: str, tmp_path: Path) -> Path:
    """A copy of profiles' migrations older than `migration`: a database migrated with it is one from before it."""
    before = tmp_path / "profiles" / "migrations"
    before.mkdir(parents=True)
    for script in sorted(MIGRATIONS.glob("*.sql")):
        if script.name < migration:
            shutil.copy(script, before)
    return before
