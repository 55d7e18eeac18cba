"""The events service on the real broker and database: each test its own database and consumer group."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Annotated
from uuid import UUID, uuid4

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from events.bootstrap import build_app
from events.config import EventsSettings
from fastapi import FastAPI, Query, Request, Response
from mentorship_contracts import IntegrationEvent
from plumbing.auth import Role, SigningKeys, mint, verify
from plumbing.person_keys import DataKey
from plumbing.personal_data import new_data_key, parse_readers, readers_setting
from plumbing.settings import new_secret_key
from plumbing.testing import eventually, serving

# The session's own keys: tokens are signed with the private one, the service holds the public one.
KEYS = SigningKeys.generate()
# What must never travel on a public topic (names, contact data, join links).
PRIVATE_WORDS = ("email", "@", "display_name", "phone", "https://", "join_url")


@pytest.fixture(scope="session")
def kafka(kafka_client_options) -> dict:
    # The client options of the tests' publishers and observers; the session's broker has every catalogue topic.
    return kafka_client_options()


class EventsApi:
    """One running events service (one database, one consumer group) and clients for it."""

    def __init__(self, url: str, app) -> None:
        self.url, self.app = url, app

    def client(self, role: Role | str = Role.ADMIN, **claims) -> httpx.AsyncClient:
        token = mint(KEYS.private_pem, audience="events", role=role, **claims)
        # Each request gets 180 s once sent; waiting for one of the 100 connections is not timed, since in a rush
        # of 1,000 the last waits for the 900 before it (bounded all the same: each of those is bounded).
        return httpx.AsyncClient(base_url=self.url, headers={"Authorization": f"Bearer {token}"},
                                 timeout=httpx.Timeout(180, pool=None),
                                 limits=httpx.Limits(max_connections=100, keepalive_expiry=1))


class ProfilesKeys:
    """Plays profiles' data-key endpoint (`GET /v1/data-keys`) for events, a key reader: a key for each person it is
    asked about, none for a person `erased`; it answers only requests signed with events' own service key, and none
    while `down`."""

    def __init__(self) -> None:
        self.service_key = new_secret_key()
        self._public_key = parse_readers(readers_setting({"events": self.service_key}))["events"]
        self.keys: dict[UUID, DataKey] = {}
        self.erased: set[UUID] = set()
        self.down = False  # answers 503, as profiles away behind its load balancer
        self.app = FastAPI()
        self.app.get("/v1/data-keys", response_model=None)(self._data_keys)

    async def _data_keys(self, request: Request, person_id: Annotated[list[UUID], Query()]) -> dict | Response:
        if self.down:
            return Response(status_code=503)
        verify(self._public_key, request.headers["authorization"].removeprefix("Bearer "), audience="profiles")
        for person in set(person_id) - self.erased - set(self.keys):
            self.keys[person] = DataKey(str(uuid4()), new_data_key())
        return {"keys": [{"person_id": str(p), "key_id": self.keys[p].key_id,
                          "key": base64.urlsafe_b64encode(self.keys[p].key).decode()}
                         for p in person_id if p not in self.erased]}


@pytest.fixture(scope="session")
async def profiles_keys() -> AsyncIterator[tuple[ProfilesKeys, str]]:
    keys = ProfilesKeys()
    async with serving(keys.app) as url:
        yield keys, url


@pytest.fixture
def events_settings(kafka_settings, postgres_server, profiles_keys):
    """Settings for instances of one events service: one database, one consumer group; its data keys from the
    stand-in of profiles."""
    name = f"events_{uuid4().hex[:10]}"
    keys, url = profiles_keys
    return EventsSettings(consumer_group_name=name.replace("_", "-"), database_url=postgres_server.create_database(name),
                          **kafka_settings("events"), jwt_public_key=KEYS.public_pem, profiles_url=url,
                          service_key=keys.service_key)


@pytest.fixture
async def serve_events(events_settings):
    """Serve instances of the service; `serve_events(**overrides)` starts one more."""
    async with contextlib.AsyncExitStack() as stack:

        async def serve(**overrides) -> EventsApi:
            app = build_app(events_settings.model_copy(update=overrides))
            return EventsApi(await stack.enter_async_context(serving(app)), app)

        yield serve


@pytest.fixture
async def events_api(serve_events) -> EventsApi:
    return await serve_events()


@pytest.fixture
async def publish(kafka):
    """Publish contract events as profiles would: JSON, keyed by the aggregate."""
    producer = AIOKafkaProducer(**kafka, acks="all")
    await producer.start()

    async def send(*events: IntegrationEvent) -> None:
        for event in events:
            await producer.send_and_wait(event.topic, event.to_json(), key=event.key.encode(),
                                         headers=[("event_id", str(event.event_id).encode())])

    yield send
    await producer.stop()


class Observer:
    """Another team's plain consumer: collects the messages about some ids."""

    def __init__(self, kafka: dict, topics: list[str]) -> None:
        self._consumer = AIOKafkaConsumer(*topics, **kafka, group_id=f"observer-{uuid4().hex[:8]}",
                                          auto_offset_reset="earliest", enable_auto_commit=False)
        self.records = []

    async def _poll(self) -> None:
        for records in (await self._consumer.getmany(timeout_ms=200, max_records=5000)).values():
            self.records += records

    def raw_about(self, some_id: UUID | str) -> list:
        return [r for r in self.records if str(some_id) in r.value.decode()]

    def about(self, some_id: UUID | str) -> list[dict]:
        return [json.loads(r.value) for r in self.raw_about(some_id)]

    def private_data_about(self, some_id: UUID | str) -> list[str]:
        """Words of personal data or join links found in the messages about `some_id`: none on a public topic."""
        return [word for r in self.raw_about(some_id) for word in PRIVATE_WORDS if word in r.value.decode().lower()]

    async def wait_for(self, some_id: UUID | str, count: int, timeout: float = 60) -> list[dict]:
        async def enough():
            await self._poll()
            found = self.about(some_id)
            return found if len(found) >= count else None

        return await eventually(enough, timeout=timeout, what=f"{count} messages about {some_id}")

    async def drain(self) -> None:
        """Read everything published so far, so that a count is final."""
        ends = await self._consumer.end_offsets(list(self._consumer.assignment()))

        async def caught_up():
            await self._poll()
            positions = [await self._consumer.position(tp) for tp in ends]
            return all(position >= end for position, end in zip(positions, ends.values(), strict=True))

        await eventually(caught_up, timeout=180, what="the observer to catch up")


@pytest.fixture
async def observe(kafka):
    observers = []

    async def start(*topics: str) -> Observer:
        observer = Observer(kafka, list(topics))
        await observer._consumer.start()
        observers.append(observer)
        return observer

    yield start
    for observer in observers:
        await observer._consumer.stop()
