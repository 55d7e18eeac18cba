"""Matching served for real on the devinfra Kafka and PostgreSQL; profiles' events published with a plain producer,
matching's topics (the public ones and the restricted matching.private-pairings) read with a plain consumer."""

from __future__ import annotations

import base64
import contextlib
import json
import os
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from matching.bootstrap import build_app
from matching.config import MatchingSettings
from mentorship_contracts import CATALOGUE, IntegrationEvent
from plumbing.auth import SigningKeys, mint
from plumbing.testing import eventually, serving

# The session's own keys: tokens are signed with the private one, the service holds the public one.
KEYS = SigningKeys.generate()


@pytest.fixture(scope="session")
async def topics(kafka_client_options):
    """Every catalogue topic exists before a test subscribes: the services here run under their own group names."""
    admin = AIOKafkaAdminClient(**kafka_client_options())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [NewTopic(t.name, t.partitions, 1, topic_configs=t.config)
                   for t in CATALOGUE if t.name not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
    finally:
        await admin.close()


@pytest.fixture(scope="session")
async def producer(kafka_client_options, topics):
    client = AIOKafkaProducer(**kafka_client_options(), acks="all")
    await client.start()
    yield client
    await client.stop()


async def publish(producer: AIOKafkaProducer, *events: IntegrationEvent) -> None:
    for event in events:
        await producer.send_and_wait(event.topic, event.to_json(), key=event.key.encode(),
                                     headers=[("event_id", str(event.event_id).encode())])


class Observer:
    """What this test's matching deployment published on its topics, as decoded dicts (`topic_of` says where each
    event id was seen): the public ones, and the restricted one a private program's pairings and waitlist places go to.

    Any other matching deployment of the session (the end-to-end platform's) reads the same profiles events and
    publishes its own pairings for the same programs: pairings and rounds are told apart by their ids in this
    deployment's database, remembered once seen (an erasure deletes the rows later).
    """

    def __init__(self, kafka: dict, database_url: str) -> None:
        self._consumer = AIOKafkaConsumer(
            "matching.pairings", "matching.waitlist", "matching.rounds", "matching.private-pairings", **kafka,
            group_id=f"observer-{uuid4().hex}", auto_offset_reset="earliest",
        )
        self._database_url = database_url
        self._ours: set[str] = set()
        self.seen: list[dict] = []
        self.topic_of: dict[str, str] = {}

    async def _is_ours(self, event: dict) -> bool:
        if "pairing_id" not in event and "round_id" not in event:
            return True
        identity = event.get("pairing_id") or event["round_id"]
        if identity not in self._ours:
            self._conn = getattr(self, "_conn", None) or await asyncpg.connect(self._database_url)
            table = "pairings" if "pairing_id" in event else "rounds"
            if await self._conn.fetchval(f"SELECT true FROM {table} WHERE id = $1", UUID(identity)):
                self._ours.add(identity)
        return identity in self._ours

    async def close(self) -> None:
        await self._consumer.stop()
        if getattr(self, "_conn", None):
            await self._conn.close()

    async def poll(self) -> list[dict]:
        batches = await self._consumer.getmany(timeout_ms=100)
        for topic, event in ((r.topic, json.loads(r.value)) for records in batches.values() for r in records):
            if await self._is_ours(event):
                self.seen.append(event)
                self.topic_of[event["event_id"]] = topic
        return self.seen

    async def of(self, program_id: UUID, event_type: str | None = None) -> list[dict]:
        await self.poll()
        return [e for e in self.seen if e.get("program_id") == str(program_id)
                and (event_type is None or e["event_type"] == f"matching.{event_type}")]

    async def wait_for(self, program_id: UUID, event_type: str, count: int = 1, **fields) -> list[dict]:
        async def found():
            matches = [e for e in await self.of(program_id, event_type)
                       if all(e.get(k) == (str(v) if isinstance(v, UUID) else v) for k, v in fields.items())]
            return matches if len(matches) >= count else None

        return await eventually(found, timeout=60, what=f"{count} {event_type} {fields}")


@pytest.fixture
async def observer(kafka_client_options, topics, matching_settings):
    watching = Observer(kafka_client_options(), matching_settings.database_url)
    await watching._consumer.start()
    yield watching
    await watching.close()


@pytest.fixture
def matching_settings(kafka_settings, postgres_server, topics):
    """Settings of one matching deployment: its own database and consumer group, shared by its instances."""
    name = f"matching_it_{uuid4().hex[:10]}"
    return MatchingSettings(
        service_name="matching", consumer_group_name=name, database_url=postgres_server.create_database(name),
        **kafka_settings("matching"), jwt_public_key=KEYS.public_pem, consumer_backoff_seconds=0.05,
        round_poll_seconds=0.1, lifecycle_poll_seconds=0.2,
        identity_key=base64.urlsafe_b64encode(os.urandom(32)).decode(),  # the deployment's own: no default
        service_key=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        # No profiles here: the matching profiles these tests publish carry nothing sealed, so no data key is asked for.
        profiles_url="http://profiles.invalid",
    )


@pytest.fixture
async def matching(matching_settings):
    """One instance, served; yields its base URL."""
    async with serving(build_app(matching_settings)) as url:
        yield url


def client(url: str, role: str = "admin", **claims) -> httpx.AsyncClient:
    token = mint(KEYS.private_pem, audience="matching", role=role, **claims)
    return httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


class Profiles:
    """Plays the profiles service: publishes its events as it would."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self._producer = producer

    async def program(self, members_public: bool = True, **rules) -> UUID:
        """A program as version 5 of the event defines it: its members seen by other teams unless told otherwise
        (these tests read its pairings and waitlist places on the public topics), or, not `members_public`, kept
        from them (their private twins go to matching.private-pairings instead)."""
        from mentorship_contracts.profiles import ProgramDefinedV5

        event = ProgramDefinedV5(program_id=uuid4(), chapter_id=rules.pop("chapter_id", None),
                                 name="Into Medical School", mentee_stages=["undergraduate"],
                                 mentor_stages=["medical_student_3", "resident"], members_public=members_public,
                                 **rules)
        await publish(self._producer, event)
        return event.program_id

    async def profile(self, person_id: UUID, stage: str, **attributes) -> None:
        from mentorship_contracts.profiles import MatchingProfileChanged

        await publish(self._producer,
                      MatchingProfileChanged(person_id=person_id, chapter_id=None, stage=stage, **attributes))

    async def enroll(self, person_id: UUID, program_id: UUID, role: str, stage: str, kind: str | None = None,
                     private: bool = False, **details) -> UUID:
        """An enrollment as version 1 of the event carries it, or, with a kind of pairing, as version 2; `private`,
        as its private twin on profiles.private-enrollments (profiles' for a program that keeps its members private)."""
        from mentorship_contracts.profiles import EnrollmentCreated, EnrollmentCreatedV2, PrivateEnrollmentCreated

        facts = dict(enrollment_id=uuid4(), person_id=person_id, program_id=program_id, chapter_id=None, role=role,
                     stage=stage, **details)
        event = (PrivateEnrollmentCreated(**facts, pairing_kind=kind or "general") if private
                 else EnrollmentCreated(**facts) if kind is None else EnrollmentCreatedV2(**facts, pairing_kind=kind))
        await publish(self._producer, event)
        return event.enrollment_id

    async def person(self, program_id: UUID, role: str, stage: str | None = None, capacity: int = 1,
                     kinds: tuple[str | None, ...] = (None,), private: bool = False, **attributes) -> UUID:
        """A person whose matching profile arrives, then who enrolls (once for each kind of pairing in `kinds`;
        `private`, through the enrollment's private twin)."""
        person_id, stage = uuid4(), stage or ("resident" if role == "mentor" else "undergraduate")
        await self.profile(person_id, stage, **attributes)
        for kind in kinds:
            await self.enroll(person_id, program_id, role, stage, kind, private=private, capacity=capacity)
        return person_id

    async def send(self, *events: IntegrationEvent) -> None:
        await publish(self._producer, *events)


@pytest.fixture
def profiles(producer) -> Profiles:
    return Profiles(producer)


async def known_to_matching(settings: MatchingSettings, *people: UUID) -> None:
    """Wait until this deployment has applied each person's enrollment, matching profile and enrolled program.

    Kafka orders events only within a partition: one person's events on two topics, or two people's on one
    topic, or a program and an enrollment in it, may be applied in any order. A test whose premise is that
    matching already knows someone waits here.
    """
    conn = await asyncpg.connect(settings.database_url)
    try:
        async def applied() -> bool:
            found = await conn.fetchval(
                """SELECT count(DISTINCT e.person_id) FROM enrollments e
                     JOIN matching_profiles p ON p.person_id = e.person_id
                     JOIN programs g ON g.id = e.program_id WHERE e.person_id = ANY($1)""",
                list(people))
            return found == len(set(people))

        await eventually(applied, timeout=60, what=f"matching to know {len(people)} people")
    finally:
        await conn.close()
