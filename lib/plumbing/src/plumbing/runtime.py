"""The composition of one service instance: database pool, migrations, broker, outbox relay,
event consumer and background jobs, started and stopped together (by the HTTP app's lifespan).

A service's `bootstrap.py` builds one and wires it:

    service = Service(settings, migrations=MIGRATIONS)
    new_unit_of_work = service.units_of_work(MatchingUnitOfWork, rosters=RosterCache())
    service.consume(consumers.HANDLERS, new_unit_of_work)
    service.run_in_background(jobs.run_rounds(new_unit_of_work, solver, settings))
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, Union

import asyncpg
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream import FastStream
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from mentorship_contracts import CATALOGUE, IntegrationEvent, Topic, dead_letter_topic

from .consumer import EventConsumer, Handler, RetryPolicy, in_unit_of_work
from .db import PLUMBING_MIGRATIONS, create_pool, migrate
from .kafka import broker_security, partitions_of
from .metrics import Metrics
from .outbox import OutboxRelay
from .person_keys import PersonKeys
from .settings import ServiceSettings
from .unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

BackgroundJob = Callable[[], Awaitable[None]]
U = TypeVar("U", bound=UnitOfWork)


class NotAConsumerOf(Exception):
    """A service subscribed to a restricted or internal topic whose catalogue entry does not name it."""


def check_may_consume(group: str, topic_names: Sequence[str]) -> None:
    """Refuse a subscription the topic catalogue does not allow: a restricted or internal topic is read only by
    the consumers it names (the same catalogue grants the broker's read permissions)."""
    by_name = {t.name: t for t in CATALOGUE}
    for name in topic_names:
        topic = by_name.get(name)
        if topic is None:
            raise NotAConsumerOf(f"{group} subscribes to {name}, which is not in the topic catalogue")
        if topic.classification != "public" and group not in topic.consumers:
            raise NotAConsumerOf(f"{name} is {topic.classification}: its readers are {list(topic.consumers)}, "
                                 f"not {group}")
LAG_INTERVAL_SECONDS = 15.0
POOL_CLOSE_SECONDS = 10.0


class Service:
    def __init__(
        self,
        settings: ServiceSettings,
        *,
        migrations: Path,
        version: str = "1.0.0",
    ) -> None:
        self.settings = settings
        self.name = settings.service_name
        self.metrics = Metrics(self.name)
        self._migrations = migrations
        self._background: list[BackgroundJob] = []
        self._tasks: list[asyncio.Task] = []
        self._pool: asyncpg.Pool | None = None
        self.relay: OutboxRelay | None = None
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers,
            security=broker_security(settings),
            # Topics are the operator's to create, and a service's own (ensure_topics): never a subscriber's.
            allow_auto_create_topics=False,
            enable_idempotence=True,
            acks="all",
            client_id=self.name,
            log_level=logging.DEBUG,  # the level FastStream writes its per-message access log at
            apply_types=False,  # consumers validate and dead-letter themselves (see consumer.py)
        )
        self.owned_topics = [t for t in CATALOGUE if t.owner == self.name]
        for topic in self.owned_topics:
            self._declare_publisher(topic)
        self.consumer: EventConsumer | None = None
        self.consuming = False  # once the subscribers run (a consumer has joined its group)
        self.consuming_failed = False
        # The AsyncAPI document is generated from this (`faststream docs gen <service>.asyncapi:app`).
        self.asyncapi = FastStream(
            self.broker,
            specification=AsyncAPI(title=f"Mentorship platform: {self.name}", version=version),
        )

    def units_of_work(self, unit_of_work: Callable[..., U], **collaborators: Any) -> Callable[..., U]:
        """A maker of this service's units of work: `new()` owns a transaction from the pool (once started);
        `new(joined=transaction)` joins a consumer's. `collaborators` go to each (a sealer, a cache)."""

        def new(joined=None) -> U:
            return unit_of_work(None if joined else self.pool, joined=joined, **collaborators)

        return new

    def consume(self, handlers: Mapping[type[IntegrationEvent], Callable], new_unit_of_work: Callable,
                person_keys: PersonKeys | None = None) -> None:
        """Apply these events, each with its service-layer handler `(event, uow)` in a unit of work joining the
        consumer's inbox transaction. Refuses topics the catalogue does not let this service read. With
        `person_keys`, sealed events are opened before their handlers run (`plumbing.personal_data`)."""
        self.consume_raw({event: in_unit_of_work(new_unit_of_work, handler) for event, handler in handlers.items()},
                         person_keys=person_keys)

    def consume_raw(self, handlers: Mapping[type[IntegrationEvent], Handler],
                    person_keys: PersonKeys | None = None) -> None:
        """Apply these events with handlers `(event, shared_transaction)` (what `consume` builds)."""
        if self.consumer is not None:
            raise RuntimeError(f"{self.name} already consumes; give all its handlers at once")
        check_may_consume(self.name, sorted({model.topic for model in handlers}))
        self.consumer = EventConsumer(
            group=self.settings.consumer_group,
            handlers=handlers,
            pool_provider=lambda: self.pool,
            broker=self.broker,
            metrics=self.metrics,
            retry=RetryPolicy(self.settings.consumer_max_attempts, self.settings.consumer_backoff_seconds),
            batch_size=self.settings.consumer_batch_size,
            person_keys=person_keys,
        )
        self.consumer.subscribe()

    def run_in_background(self, *jobs: BackgroundJob) -> None:
        """Run these while the service runs (in every instance: each must be safe to run concurrently)."""
        self._background.extend(jobs)

    def _declare_publisher(self, topic: Topic) -> None:
        events = topic.events
        schema = events[0] if len(events) == 1 else Union[tuple(events)]  # noqa: UP007 - a runtime union of classes
        self.broker.publisher(
            topic.name,
            title=f"{topic.name}:publish",
            description=f"[{topic.classification}] {topic.description}. Key: {topic.key}.",
            schema=schema,
        )

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError(f"{self.name} is not started")
        return self._pool

    async def start(self) -> None:
        self._pool = await create_pool(self.settings.database_url, self.settings.database_pool_size)
        await migrate(self._pool, PLUMBING_MIGRATIONS, self._migrations)
        await self.ensure_topics()
        # The producer first: the relay publishes what HTTP commits from the start. Joining the consumer group can
        # take a session timeout (10 s) when an instance died without leaving it; nothing else waits for that.
        await self.broker.connect()
        self.relay = OutboxRelay(self._pool, self.broker, self.metrics, self.settings.outbox_batch_size)
        self.relay.start()
        jobs = [self._start_consuming, *self._background] + ([lambda: _watch_consumer_lag(self)] if self.consumer else [])
        self._tasks = [asyncio.ensure_future(job()) for job in jobs]
        for job, task in zip(jobs, self._tasks, strict=True):
            task.set_name(getattr(job, "__name__", "job"))
        log.info("service started", extra={"http_port": self.settings.http_port})

    async def _start_consuming(self) -> None:
        """Start the broker's subscribers (joining the consumer group), in the background of a started service.
        If that fails, the service says it is not ready (`/readyz`), and the log says why."""
        try:
            await self.broker.start()
        except Exception:
            self.consuming_failed = True
            log.exception("the consumer could not start", extra={"group": self.settings.consumer_group})
            raise
        self.consuming = True
        log.info("consuming", extra={"group": self.settings.consumer_group})

    async def stop(self) -> None:
        await self._stop_jobs()
        if self.relay:
            await self.relay.stop()
        await self.broker.stop()
        if self._pool:
            try:
                # close() waits for every connection to come back; a stuck one must not hang shutdown.
                await asyncio.wait_for(self._pool.close(), POOL_CLOSE_SECONDS)
            except TimeoutError:
                log.warning("database connections still busy at shutdown; terminating them")
                self._pool.terminate()
            self._pool = None

    async def _stop_jobs(self) -> None:
        """Cancel the background jobs and wait for them, within bounds: a job that swallowed its cancellation
        is cancelled again, and one that still runs is left behind with a warning rather than hang shutdown."""
        pending = set(self._tasks)
        for grace in (self.settings.jobs_stop_seconds, 2.0):
            for task in pending:
                task.cancel()
            if not pending:
                break
            _, pending = await asyncio.wait(pending, timeout=grace)
        if pending:
            log.warning("background jobs still running at shutdown", extra={"jobs": sorted(t.get_name() for t in pending)})
        for task in self._tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                log.warning("background job had failed", extra={"job": task.get_name(),
                                                                "error_type": type(task.exception()).__name__})

    async def readiness(self) -> dict[str, bool]:
        database = False
        with contextlib.suppress(Exception):
            async with self.pool.acquire(timeout=2) as conn:
                database = await conn.fetchval("SELECT true")
        broker = False
        with contextlib.suppress(Exception):
            broker = await self.broker.ping(timeout=2)
        return {"database": bool(database), "broker": bool(broker) and not self.consuming_failed}

    async def ensure_topics(self) -> None:
        """Create this service's own topics and its dead-letter topic if missing: the only ones it may create.

        The operator creates every topic of the catalogue before the services start (the local runner, the tests,
        compose and Kubernetes run `plumbing.kafka_access` provisioning): a consumer subscribed to a topic that
        does not exist yet would wait minutes for a metadata refresh. One that is missing is named in the log.
        """
        specs = [NewTopic(t.name, t.partitions, 1, topic_configs=t.config) for t in self.owned_topics]
        if self.consumer:
            # One partition, so a dead letter is named by its offset alone.
            specs.append(NewTopic(dead_letter_topic(self.settings.consumer_group), 1, 1))
        admin = AIOKafkaAdminClient(**self.settings.kafka_client_options())
        await admin.start()
        try:
            existing = set(await admin.list_topics())  # those this service may see
            missing = [spec for spec in specs if spec.name not in existing]
            if missing:
                with contextlib.suppress(TopicAlreadyExistsError):
                    await admin.create_topics(missing)
            if absent := sorted(set(self.consumer.topics if self.consumer else ()) - existing):
                log.warning("topics this service reads do not exist yet: the operator creates them "
                            "(python -m plumbing.kafka_access provision)", extra={"topics": absent})
        finally:
            await admin.close()


async def _watch_consumer_lag(service: Service) -> None:
    """Publish, as a gauge, how far the service's consumer group trails each partition's end."""
    assert service.consumer is not None, "only a service that consumes has a lag"
    topics = service.consumer.topics
    options = service.settings.kafka_client_options()
    admin = AIOKafkaAdminClient(**options)
    reader = AIOKafkaConsumer(**options, enable_auto_commit=False)
    await admin.start()
    await reader.start()
    try:
        while True:
            with contextlib.suppress(Exception):
                committed = await admin.list_consumer_group_offsets(service.settings.consumer_group)
                partitions = await partitions_of(options, topics)
                for tp, end in (await reader.end_offsets(partitions)).items():
                    done = committed.get(tp)
                    lag = end - (done.offset if done and done.offset >= 0 else 0)
                    service.metrics.consumer_lag.labels(tp.topic, str(tp.partition)).set(lag)
            await asyncio.sleep(LAG_INTERVAL_SECONDS)
    finally:
        await reader.stop()
        await admin.close()
