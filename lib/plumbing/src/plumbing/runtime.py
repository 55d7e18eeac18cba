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
from urllib.parse import urlsplit

import asyncpg
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from aiokafka.structs import TopicPartition
from faststream import FastStream
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from mentorship_contracts import CATALOGUE, IntegrationEvent, Topic

from . import safe_errors
from .consumer import EventConsumer, Handler, Prepare, RetryPolicy, StallWatch, in_unit_of_work
from .db import PLUMBING_MIGRATIONS, DatabaseWait, create_pool, migrate, once_the_database_answers
from .jobs import cancel_and_wait
from .kafka import (
    broker_security,
    partitions_of,
    producer_stopped_sending,
    refusal_behind,
    refusal_cause,
    treat_closed_transports_as_lost_connections,
)
from .kafka_access import catalogue_topic, create_topics, dead_letter_topic_of
from .metrics import Metrics
from .outbox import RELAY_STOP_GRACES, OutboxRelay
from .person_keys import PersonKeys
from .settings import ServiceSettings
from .unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

BackgroundJob = Callable[[Metrics], Awaitable[None]]  # given the instance's metrics, to count its passes
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


POOL_CLOSE_SECONDS = 10.0
# A database that has not answered the readiness probe's query within this long is taken for away (the kubelet's
# own probe gives up after a few seconds, and an operator's curl should not hang).
READINESS_SECONDS = 2.0
# Leaving the consumer group and flushing the producer: a broker that does not answer must not hang shutdown.
BROKER_STOP_SECONDS = 15.0
# A background job that swallowed its cancellation is cancelled again and given this long.
JOBS_STOP_AGAIN_SECONDS = 2.0


def longest_stop_seconds(jobs_stop_seconds: float) -> float:
    """The most `Service.stop` can take, each part at its bound: what an orchestrator's grace period must exceed."""
    return jobs_stop_seconds + JOBS_STOP_AGAIN_SECONDS + sum(RELAY_STOP_GRACES) + BROKER_STOP_SECONDS + POOL_CLOSE_SECONDS


# What Kafka's being unreachable (stopped, restarting, not yet provisioned, a network fault) raises: tried again
# for as long as it lasts. Anything else is a fault of ours, tried a few times, then given up on: the instance then
# fails its liveness probe, so that an orchestrator restarts it rather than leave it without its Kafka side.
KAFKA_UNREACHABLE = (KafkaError, OSError, TimeoutError)
KAFKA_UNEXPECTED_FAILURES = 5
# Waiting for PostgreSQL at start-up: for as long as it takes (the startup probe bounds it).
DATABASE_AT_START = DatabaseWait(first_seconds=0.5, longest_seconds=10.0, giving_up_after=None)


# What PostgreSQL answers to a DATABASE_URL it will never accept: a role or password it does not know, a database
# it does not have. Waiting cures none of them.
_REFUSALS = (asyncpg.InvalidAuthorizationSpecificationError, asyncpg.InvalidCatalogNameError,
             asyncpg.ClientConfigurationError)


def _where(database_url: str) -> str:
    """The server and database of a URL, without its credentials: for a log line or an error."""
    try:
        parts = urlsplit(database_url)
        return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path or ''}"
    except ValueError:
        return "an address that cannot be read"


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
        treat_closed_transports_as_lost_connections()  # before any Kafka client of this process connects
        self._migrations = migrations
        self._background: list[BackgroundJob] = []
        self._tasks: list[asyncio.Task] = []
        self._pool: asyncpg.Pool | None = None
        self.relay: OutboxRelay | None = None
        # Why start-up failed, when it was the settings (`serve` then stops the process with status 2).
        self.refused: str | None = None
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers,
            security=broker_security(settings),
            # Topics are the operator's to create, and a service's own (ensure_topics): never a subscriber's.
            allow_auto_create_topics=False,
            enable_idempotence=True,
            acks="all",
            client_id=self.name,
            # Its own log lines as everyone's (JSON, through the root's handler), not on its coloured handler.
            logger=logging.getLogger("plumbing.kafka_broker"),
            log_level=logging.DEBUG,  # the level FastStream writes its per-message access log at
            apply_types=False,  # consumers validate and dead-letter themselves (see consumer.py)
        )
        self.owned_topics = [t for t in CATALOGUE if t.owner == self.name]
        for topic in self.owned_topics:
            self._declare_publisher(topic)
        self.consumer: EventConsumer | None = None
        self.consuming = False  # once the subscribers run (a consumer has joined its group)
        self.consuming_failed = False
        self.readiness_problems: dict[str, str] = {}
        # The Kafka side, brought up in the background by `start` (`kafka_status` says how far it got).
        self._kafka: asyncio.Task | None = None
        self.topics_ensured = False
        self.relaying = False
        self.metrics.kafka_side_up.set_function(lambda: float(all(self.kafka_status().values())))
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
                person_keys: PersonKeys | None = None, prepare: Callable | None = None) -> None:
        """Apply these events, each with its service-layer handler `(event, uow)` in a unit of work joining the
        consumer's inbox transaction. Refuses topics the catalogue does not let this service read. With
        `person_keys`, sealed events are opened before their handlers run (`plumbing.personal_data`). With
        `prepare` `(events, uow)`, each batch first takes the locks its events need (`plumbing.consumer.Prepare`)."""
        self.consume_raw({event: in_unit_of_work(new_unit_of_work, handler) for event, handler in handlers.items()},
                         person_keys=person_keys,
                         prepare=None if prepare is None else in_unit_of_work(new_unit_of_work, prepare))

    def consume_raw(self, handlers: Mapping[type[IntegrationEvent], Handler],
                    person_keys: PersonKeys | None = None, prepare: Prepare | None = None) -> None:
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
            prepare=prepare,
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
        """Start with PostgreSQL alone: the pool, the migrations, the background jobs. The Kafka side (this service's
        topics, the producer and the outbox relay, then the consumer) comes up in the background, each part tried
        again with backoff for as long as Kafka is unreachable: meanwhile the instance serves HTTP, and what it
        commits waits in the outbox. An instance that started while Kafka was stopped used to exit instead."""
        self._pool = await self._connect_and_migrate()
        self.metrics.database_up.set(1)
        self.relay = OutboxRelay(self._pool, self.broker, self.metrics, self.settings.outbox_batch_size,
                                 standby_poll_seconds=self.settings.relay_standby_seconds,
                                 acknowledgement_seconds=self.settings.relay_acknowledgement_seconds)
        self._kafka = asyncio.ensure_future(self._bring_up_kafka())
        self._kafka.set_name("kafka")
        self._tasks = [self._kafka]
        for job in self._background:
            task = asyncio.ensure_future(job(self.metrics))
            task.set_name(getattr(job, "__name__", "job"))
            self._tasks.append(task)
        log.info("service started", extra={"http_port": self.settings.http_port})

    async def _connect_and_migrate(self) -> asyncpg.Pool:
        """The pool, once PostgreSQL answers and the migrations are applied. While it is unreachable (restarting,
        failing over) start-up waits, trying again with backoff, rather than exit: an orchestrator restarts an
        instance that exits after ever longer pauses (Kubernetes: up to five minutes), and its startup probe bounds
        the wait. A refusal that waiting will not cure (credentials, a missing database) fails at once."""
        failed_attempts = 0

        async def connect_and_migrate() -> asyncpg.Pool:
            pool = None
            try:
                pool = await create_pool(self.settings.database_url, self.settings.database_pool_size)
                await migrate(pool, PLUMBING_MIGRATIONS, self._migrations,
                              lock_timeout_seconds=self.settings.migration_lock_timeout_seconds)
                return pool
            except Exception as error:
                if pool is not None:
                    pool.terminate()
                if isinstance(error, _REFUSALS):
                    self.refused = f"DATABASE_URL: PostgreSQL at {_where(self.settings.database_url)} refuses it: {error}"
                raise

        def waiting(error: Exception, pause: float, attempts: int) -> None:
            nonlocal failed_attempts
            failed_attempts = attempts
            log.warning("PostgreSQL is unreachable: starting again in %.1f s", pause,
                        extra={"attempt": attempts, "error_type": type(error).__name__, "error": str(error),
                               "database": _where(self.settings.database_url)})

        pool = await once_the_database_answers(connect_and_migrate, DATABASE_AT_START, waiting)
        if failed_attempts:
            log.info("PostgreSQL answers: started after %d failed attempts", failed_attempts)
        return pool

    async def _bring_up_kafka(self) -> None:
        """Topics first (the relay publishes to them, the consumer dead-letters to one), then the producer and the
        relay: what HTTP commits is published from then on. Joining the consumer group comes last: it can take a
        session timeout (10 s) when an instance died without leaving it, and nothing else waits for that."""
        await self._until_done("creating this service's topics", self.ensure_topics)
        self.topics_ensured = True
        await self._until_done("connecting the producer", self._connect_producer)
        assert self.relay is not None, "made by start"
        self.relay.start()
        self.relaying = True
        log.info("relaying the outbox")
        if self.consumer:
            try:
                await self._until_done("joining the consumer group", self._start_consuming)
            except Exception:
                self.consuming_failed = True
                raise
            watch = asyncio.ensure_future(_watch_consumer(self))
            watch.set_name("consumer-watch")
            self._tasks.append(watch)

    async def _until_done(self, step: str, attempt: Callable[[], Awaitable[None]]) -> None:
        """Run `attempt` until it succeeds: again after a growing delay while Kafka is unreachable, and at most
        `KAFKA_UNEXPECTED_FAILURES` times for any other error (which then ends the Kafka side: see `liveness`)."""
        delay, failures, unexpected = self.settings.kafka_retry_seconds, 0, 0
        while True:
            try:
                await attempt()
            except KAFKA_UNREACHABLE as error:
                failures += 1
                refusal = await refusal_behind(error, self.settings.kafka_client_options())
                if refusal is None:
                    log.warning("Kafka is unreachable: %s again in %.1f s", step, delay,
                                extra={"step": step, "attempt": failures, "error_type": type(error).__name__,
                                       "error": str(error)})
                else:  # tried again all the same: an operator may be putting it right
                    log.error("Kafka refuses principal %r: %s; %s again in %.1f s", self.settings.kafka_sasl_username,
                              refusal_cause(refusal, "the operator gives the catalogue's ACLs with python -m "
                                                     "plumbing.kafka_access provision"), step, delay,
                              extra={"step": step, "attempt": failures, "error_type": type(refusal).__name__,
                                     "error": str(refusal)})
            except Exception:
                failures += 1
                unexpected += 1
                if unexpected >= KAFKA_UNEXPECTED_FAILURES:
                    log.critical("%s failed %d times: giving up; this instance is no longer live (GET /healthz)",
                                 step, unexpected, exc_info=True, extra={"step": step})
                    raise
                log.exception("%s failed: again in %.1f s", step, delay, extra={"step": step, "attempt": failures})
            else:
                if failures:
                    log.info("%s: done after %d failed attempts", step, failures, extra={"step": step})
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.settings.kafka_retry_max_seconds)

    async def _connect_producer(self) -> None:
        try:
            await self.broker.connect()
        except BaseException:
            # A half-made connection (the producer started, the admin client not) would be kept as it is.
            with contextlib.suppress(Exception):
                await self.broker.stop()
            raise

    async def _start_consuming(self) -> None:
        """Start the broker's subscribers (joining the consumer group). If that fails, the subscribers are stopped
        again, to be started afresh by the next attempt; the producer is left alone."""
        try:
            await self.broker.start()
        except BaseException:
            for subscriber in self.broker.subscribers:
                with contextlib.suppress(Exception):
                    await subscriber.stop()
            raise
        self.consuming = True
        assert self.consumer is not None, "a service with subscribers consumes"
        self.consumer.started_afresh()
        log.info("consuming", extra={"group": self.settings.consumer_group})

    async def restart_consuming(self) -> None:
        """Stop the subscriber (its consumer leaves the group, whose other members take its partitions meanwhile)
        and join again with a new one, as the start did."""
        assert self.consumer is not None, "only a service that consumes restarts its consumer"
        self.consuming = False
        with contextlib.suppress(Exception):
            await self.consumer.subscriber.stop()
        await self._until_done("joining the consumer group again", self._start_consuming)

    def kafka_status(self) -> dict[str, bool]:
        """How far the Kafka side has come up (the readiness probe reports it; it does not gate readiness)."""
        status = {"topics": self.topics_ensured, "relaying": self.relaying}
        if self.consumer:
            status["consuming"] = self.consuming
        return status

    def liveness(self) -> dict[str, str]:
        """What has died for good in this instance, and why: nothing while it is alive. The Kafka side retries for as
        long as Kafka is unreachable, so it ends only on a fault of ours it gave up on (or a relay that ended)."""
        failed = {}
        for name, task in (("kafka", self._kafka), ("outbox_relay", self.relay.task if self.relay else None)):
            if task is not None and task.done() and not task.cancelled():
                error = task.exception()
                if error is not None or name == "outbox_relay":  # the relay never ends of itself
                    # Told as the logs tell it (`safe_errors`): an error's message may quote a value.
                    failed[name] = safe_errors.describe(error) if error else "ended"
        if producer_stopped_sending(self.broker):  # on every instance, the relay's leader or not
            failed["kafka_producer"] = "its sender task ended: nothing it is given is sent"
        return failed

    async def stop(self) -> None:
        await self._stop_jobs()
        if self.relay:
            await self.relay.stop()
        try:
            async with asyncio.timeout(BROKER_STOP_SECONDS):
                await self.broker.stop()
        except TimeoutError:
            log.warning("the Kafka clients did not stop within %.0f s; leaving them", BROKER_STOP_SECONDS)
        if self._pool:
            try:
                # close() waits for every connection to come back; a stuck one must not hang shutdown.
                async with asyncio.timeout(POOL_CLOSE_SECONDS):
                    await self._pool.close()
            except TimeoutError:
                log.warning("database connections still busy at shutdown; terminating them")
                self._pool.terminate()
            self._pool = None

    async def _stop_jobs(self) -> None:
        """Cancel the background jobs and wait for them, within bounds: a job that swallowed its cancellation
        is cancelled again, and one that still runs is left behind with a warning rather than hang shutdown."""
        pending = await cancel_and_wait(self._tasks, (self.settings.jobs_stop_seconds, JOBS_STOP_AGAIN_SECONDS))
        if pending:
            log.warning("background jobs still running at shutdown", extra={"jobs": sorted(t.get_name() for t in pending)})
        for task in self._tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                log.warning("background job had failed", extra={"job": task.get_name(),
                                                                "error_type": type(task.exception()).__name__})

    async def readiness(self) -> dict[str, bool]:
        """What must answer for this instance to serve requests: PostgreSQL alone. Kafka does not gate readiness:
        what a request commits waits in the outbox until the relay publishes it (`kafka_status` says how far the
        Kafka side has come up). An instance whose Kafka side died for good fails its liveness probe instead.
        `readiness_problems` says why a check failed."""
        problem = await self._database_problem()
        self.readiness_problems = {"database": problem} if problem else {}
        self.metrics.database_up.set(0 if problem else 1)
        return {"database": problem is None}

    async def _database_problem(self) -> str | None:
        """Why the database cannot serve, or None. Every connection busy with requests is not a database away (the
        instance stays in its Service, often the only one), if the server still answers a connection of the probe's
        own; a server that answers neither within READINESS_SECONDS is away."""
        try:
            async with asyncio.timeout(READINESS_SECONDS):
                try:
                    async with self.pool.acquire(timeout=READINESS_SECONDS / 2) as conn:
                        await conn.fetchval("SELECT true")
                except TimeoutError:
                    if self.pool.get_idle_size() or self.pool.get_size() < self.pool.get_max_size():
                        raise
                    probe = await asyncpg.connect(self.settings.database_url)  # every pooled one is busy
                    try:
                        await probe.fetchval("SELECT true")
                    finally:
                        probe.terminate()
        except TimeoutError:
            return f"no answer within {READINESS_SECONDS:.0f} s"
        except Exception as error:  # noqa: BLE001 - a probe answers whatever went wrong, and says what
            # By its kind, as the logs say it (`safe_errors`): a driver's message may quote a user or a host.
            return safe_errors.describe(error)
        return None

    async def ensure_topics(self) -> None:
        """Create this service's own topics and its dead-letter topic if missing: the only ones it may create.

        The operator creates every topic of the catalogue before the services start (the local runner, the tests,
        compose and Kubernetes run `plumbing.kafka_access` provisioning): a consumer subscribed to a topic that
        does not exist yet would wait minutes for a metadata refresh. One that is missing is named in the log.
        """
        replicas = self.settings.kafka_replication_factor
        specs = [catalogue_topic(t, replicas) for t in self.owned_topics]
        if self.consumer:
            specs.append(dead_letter_topic_of(self.settings.consumer_group, replicas))
        admin = AIOKafkaAdminClient(**self.settings.kafka_client_options())
        try:
            await admin.start()  # in the try: an admin client that failed to bootstrap is closed too
            existing = set(await admin.list_topics())  # those this service may see
            await create_topics(admin, [spec for spec in specs if spec.name not in existing])
            if absent := sorted(set(self.consumer.topics if self.consumer else ()) - existing):
                log.warning("topics this service reads do not exist yet: the operator creates them "
                            "(python -m plumbing.kafka_access provision)", extra={"topics": absent})
        finally:
            await admin.close()


async def _watch_consumer(service: Service) -> None:
    """Publish, as a gauge, how far the service's consumer group trails each partition's end; and restart this
    instance's subscriber once it has stalled (`StallWatch`): idle while partitions assigned to it have messages
    waiting. A lag that cannot be measured (Kafka away) is no evidence of a stall."""
    assert service.consumer is not None, "only a service that consumes has a lag"
    consumer = service.consumer
    topics = consumer.topics
    options = service.settings.kafka_client_options()
    interval = service.settings.consumer_watch_seconds
    while True:  # Kafka may have gone away again since the consumer joined: wait for it
        admin = AIOKafkaAdminClient(**options)
        reader = AIOKafkaConsumer(**options, enable_auto_commit=False)
        try:
            await admin.start()
            await reader.start()
            break
        except KAFKA_UNREACHABLE:
            with contextlib.suppress(Exception):
                await reader.stop()
            with contextlib.suppress(Exception):
                await admin.close()
            await asyncio.sleep(interval)
    watch = StallWatch(service.settings.consumer_stall_seconds)
    failing = False  # said once when measuring starts failing, and once when it works again
    try:
        while True:
            lags: dict[TopicPartition, int] = {}
            try:
                committed = await admin.list_consumer_group_offsets(service.settings.consumer_group)
                partitions = await partitions_of(options, topics)
                starts = await reader.beginning_offsets(partitions)
                for tp, end in (await reader.end_offsets(partitions)).items():
                    done = committed.get(tp)
                    # Where the group's consumer starts: what it committed, unless retention deleted that since
                    # (or it never committed), then the first message kept. Counted from 0, a partition whose
                    # messages all expired before the group read them would look behind for ever.
                    lags[tp] = end - max(done.offset if done and done.offset >= 0 else 0, starts.get(tp, 0))
                    service.metrics.consumer_lag.labels(tp.topic, str(tp.partition)).set(lags[tp])
                service.metrics.consumer_lag_measured_at.set_to_current_time()
                if failing:
                    log.info("the consumer lag is measured again", extra={"group": service.settings.consumer_group})
                failing = False
            except Exception as error:  # noqa: BLE001 - whatever the cause, the lag stays unmeasured: said, not raised
                if not failing:
                    log.warning("the consumer lag could not be measured: consumer_lag keeps its last value until it "
                                "is (consumer_lag_measured_at_seconds says when it last was)",
                                extra={"group": service.settings.consumer_group, "error_type": type(error).__name__,
                                       "error": str(error)})
                failing = True
            waiting = sum(lags.get(tp, 0) for tp in consumer.assigned()) if lags and service.consuming else 0
            if watch.stalled(consumer.idle_for(), waiting):
                log.error("the consumer has stalled: %d messages wait on its partitions and it has taken none for "
                          "%.0f s; restarting it", waiting, consumer.idle_for() or 0.0,
                          extra={"group": service.settings.consumer_group, "waiting": waiting})
                service.metrics.consumer_restarts.inc()
                await service.restart_consuming()
            await asyncio.sleep(interval)
    finally:
        await reader.stop()
        await admin.close()
