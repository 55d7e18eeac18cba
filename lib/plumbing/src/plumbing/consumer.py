"""Consuming integration events: inbox, bounded retries with backoff, dead letters.

Messages come in batches (what one fetch returned, up to `batch_size`). Each is decoded (a message that is not
a valid event goes straight to the dead-letter topic); then, in one database transaction, every event's id is
recorded in the inbox and the event applied, in order. Only after that commits does FastStream commit the
offsets, once for the batch: a busy consumer saves a transaction and an offset commit per message. The
handlers share the transaction (`SharedTransaction`), so work many events call for (pairing after each
enrollment) can be done once, before it commits. A redelivered event finds its id in the inbox and is
skipped. If the batch's transaction fails, nothing of it took effect: it is split in halves, applied in
order, down to single events in transactions of their own. One that keeps failing is retried a bounded
number of times with exponential backoff, then dead-lettered with the error, and the consumer moves on: one
bad message never stalls a partition.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import Any, TypeVar, Union

import asyncpg
from aiokafka.structs import ConsumerRecord, TopicPartition
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.middlewares import AckPolicy
from mentorship_contracts import IntegrationEvent, SealedEvent, dead_letter_topic, decode, registered_events

from . import correlation, dead_letters
from .db import DatabaseWait, is_connection_lost, once_the_database_answers
from .metrics import Metrics
from .person_keys import DataKey, KeysUnavailable, PersonKeys
from .personal_data import CannotOpen, open_event
from .unit_of_work import SharedTransaction, UnitOfWork

log = logging.getLogger(__name__)

Handler = Callable[[IntegrationEvent, SharedTransaction], Awaitable[None]]
Applied = TypeVar("Applied")  # an event, or a batch's events
# Run in a batch's transaction before its first event (given the events not applied before, in order): takes, in
# one order, the locks its events will take, so that two batches never each hold what the other waits for.
Prepare = Callable[[list[IntegrationEvent], SharedTransaction], Awaitable[None]]

# While the database is away (restarting, failing over), events wait: that is not their fault, so it costs them no
# attempt, and a batch is not split for it. Past this long, it counts as a failure.
DATABASE_WAIT_SECONDS = 600.0
DATABASE_WAIT_LONGEST_PAUSE_SECONDS = 5.0
INVALID, FAILED, DEAD_LETTER_REASONS = dead_letters.INVALID, dead_letters.FAILED, dead_letters.REASONS


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    backoff_seconds: float = 0.2

    def delay(self, attempt: int) -> float:
        return self.backoff_seconds * 2 ** (attempt - 1)


class EventConsumer:
    """Applies events from some topics, exactly once per consumer group, through the inbox."""

    def __init__(
        self,
        *,
        group: str,
        handlers: Mapping[type[IntegrationEvent], Handler],
        pool_provider: Callable[[], asyncpg.Pool],
        broker: KafkaBroker,
        metrics: Metrics,
        retry: RetryPolicy = RetryPolicy(),
        batch_size: int = 50,
        person_keys: PersonKeys | None = None,
        prepare: Prepare | None = None,
    ) -> None:
        self.group = group
        self._prepare = prepare
        self._handlers = with_sealed_versions(with_later_versions(handlers))
        self._person_keys = person_keys
        self._pool = pool_provider
        self._broker = broker
        self._metrics = metrics
        self._retry = retry
        self._database_wait = DatabaseWait(first_seconds=retry.backoff_seconds,
                                           longest_seconds=DATABASE_WAIT_LONGEST_PAUSE_SECONDS,
                                           giving_up_after=DATABASE_WAIT_SECONDS)
        self._batch_size = batch_size
        self.subscriber: Any = None  # FastStream's, made by `subscribe`
        self._idle_since: float | None = time.monotonic()
        # Shown from 0, so that the first dead letter of a topic is a rise Prometheus sees (an operator's alert).
        for topic in sorted({event_type.topic for event_type in self._handlers}):
            for reason in DEAD_LETTER_REASONS:
                metrics.dead_letters.labels(topic=topic, reason=reason)

    @property
    def topics(self) -> list[str]:
        return sorted({model.topic for model in self._handlers})

    def subscribe(self) -> None:
        """Declare the subscriber on the broker; AsyncAPI documents it with the events it applies.

        The broker runs with `apply_types=False` and a decoder that passes the raw bytes through, so
        validation is ours to do (and a bad message ours to dead-letter); the annotation only documents.
        """

        async def consume(body: list[bytes]) -> None:
            await self.consume(self._broker.context.get_local("message").raw_message)

        # Each message on the topics is one event; that the consumer fetches them in batches is its own affair.
        consume.__annotations__ = {"body": Union[tuple(self._handlers)], "return": None}  # noqa: UP007
        subscriber = self._broker.subscriber(
            *self.topics,
            group_id=self.group,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            batch=True,
            max_records=self._batch_size,
            batch_timeout_ms=200,
            parser=_tolerant_batch,
            decoder=_raw_bytes,
            title=f"{self.group}:consume",
            description=f"Applies {', '.join(sorted(m.__name__ for m in self._handlers))} through the inbox",
        )
        subscriber(consume)
        self.subscriber = subscriber

    def assigned(self) -> set[TopicPartition]:
        """The partitions the group has assigned to this instance's consumer (none while it is not running)."""
        consumer = getattr(self.subscriber, "consumer", None)
        return set(consumer.assignment()) if consumer is not None else set()

    def idle_for(self) -> float | None:
        """Seconds since the consumer last finished a batch (or was started afresh); None while it applies one."""
        return None if self._idle_since is None else time.monotonic() - self._idle_since

    def started_afresh(self) -> None:
        self._idle_since = time.monotonic()

    async def consume(self, records: tuple[ConsumerRecord, ...]) -> None:
        self._idle_since = None
        try:
            await self._consume(records)
        finally:
            self._idle_since = time.monotonic()

    async def _consume(self, records: tuple[ConsumerRecord, ...]) -> None:
        decoded = []
        for record in records:
            try:
                event = decode(record.value or b"")
            except Exception as error:  # noqa: BLE001 - whatever fails to decode (even a RecursionError) is invalid
                await self._dead_letter(record, INVALID, error)
                continue
            handler = self._handlers.get(type(event))
            if handler is None:
                self._metrics.consumed.labels(topic=record.topic, outcome="ignored").inc()
                continue
            decoded.append((record, event, handler))
        keys = await self._keys_of([event for _, event, _ in decoded if isinstance(event, SealedEvent)])
        batch = []
        for record, event, handler in decoded:
            if isinstance(event, SealedEvent):
                opened = await self._open(record, event, keys)
                if opened is None:
                    continue
                event = opened
            batch.append((record, event, handler))
        await self._apply_batch(batch)

    async def _keys_of(self, sealed: list[SealedEvent]) -> dict:
        """The data keys of the people these sealed events are about, asked of profiles until it answers: an event
        is never skipped because profiles could not say whether its key exists."""
        if not sealed or self._person_keys is None:
            return {}
        people = {event.person_id for event in sealed}
        # The waiting is the action's when the events are all of one (else of none in particular).
        actions = {correlation_of(event) for event in sealed}
        attempt = 0
        try:
            while True:
                attempt += 1
                try:
                    keys = await self._person_keys.keys_for(people)
                    stale = {e.person_id for e in sealed
                             if (k := keys.get(e.person_id)) is not None and k.key_id != e.key_id}
                    if stale:  # a key remembered from before: ask once more for these
                        for person in stale:
                            self._person_keys.forget(person)
                        keys |= await self._person_keys.keys_for(stale)
                    return keys
                except KeysUnavailable as error:
                    self._metrics.data_keys_waiting.set(1)
                    with correlation.serving(next(iter(actions)) if len(actions) == 1 else None):
                        log.warning("data keys unavailable; waiting", extra={"attempt": attempt, "error": str(error)})
                    await asyncio.sleep(min(self._retry.delay(min(attempt, 10)), 5.0))
        finally:
            self._metrics.data_keys_waiting.set(0)

    async def _open(self, record: ConsumerRecord, event: SealedEvent, keys: dict) -> IntegrationEvent | None:
        """The clear event; None when it is not to be applied: its person was erased (their key is gone, so the
        event is skipped as applied, no dead letter), or it does not open (dead-lettered)."""
        if self._person_keys is None:
            await self._dead_letter(record, INVALID, CannotOpen("this consumer has no source of data keys"), event)
            return None
        key: DataKey | None = keys.get(event.person_id)
        if key is None:
            self._metrics.consumed.labels(topic=record.topic, outcome="erased").inc()
            return None
        try:
            if key.key_id != event.key_id:
                raise CannotOpen(f"sealed under key {event.key_id}, which is not the person's")
            return open_event(event, key.key)
        except Exception as error:  # noqa: BLE001 - what does not open, or not into a valid event, is invalid
            await self._dead_letter(record, INVALID, error, event)
            return None

    async def _apply_batch(self, batch: list[tuple[ConsumerRecord, IntegrationEvent, Handler]]) -> None:
        """All in one transaction; if that fails (nothing of it took effect), each half in order, down to single
        events, which are retried and dead-lettered: a bad event costs a few transactions, never the batch."""
        if not batch:
            return
        if len(batch) == 1:
            await self._apply_with_retries(*batch[0])
            return
        events = [(event, handler) for _, event, handler in batch]
        try:
            outcomes = await once_the_database_answers(lambda: self.apply_all(events), self._database_wait,
                                                       self._waiting_for_the_database)
        except Exception:  # noqa: BLE001 - split and try again
            log.warning("a batch of events failed; splitting it", extra={"events": len(batch)})
            middle = len(batch) // 2
            await self._apply_batch(batch[:middle])
            await self._apply_batch(batch[middle:])
            return
        for (record, _, _), applied in zip(batch, outcomes, strict=True):
            self._metrics.consumed.labels(topic=record.topic, outcome="applied" if applied else "duplicate").inc()

    def _waiting_for_the_database(self, error: Exception, pause: float, pauses: int) -> None:
        log.warning("the database is unavailable: applying the events again in %.1f s", pause,
                    extra={"group": self.group, "wait": pauses, "error_type": type(error).__name__})

    async def _apply_with_retries(self, record: ConsumerRecord, event: IntegrationEvent, handler: Handler) -> None:
        # Its retries and its dead letter are logged as lines of the action that caused the event.
        with correlation.serving(correlation_of(event)):
            await self._apply_with_retries_in_context(record, event, handler)

    async def _apply_with_retries_in_context(self, record: ConsumerRecord, event: IntegrationEvent,
                                             handler: Handler) -> None:
        attempt = 0
        while attempt < self._retry.max_attempts:
            attempt += 1
            try:
                applied = await once_the_database_answers(lambda: self.apply(event, handler), self._database_wait,
                                                          self._waiting_for_the_database)
                outcome = "applied" if applied else "duplicate"
                self._metrics.consumed.labels(topic=record.topic, outcome=outcome).inc()
                return
            except Exception as error:  # noqa: BLE001 - any failure is retried, then dead-lettered
                if attempt == self._retry.max_attempts:
                    await self._dead_letter(record, FAILED, error)
                    return
                log.warning(
                    "event handling failed; retrying",
                    extra={"event_id": str(event.event_id), "event_type": event.event_type, "attempt": attempt,
                           "error_type": type(error).__name__},
                )
                await asyncio.sleep(self._retry.delay(attempt))

    async def apply_all(self, batch: list[tuple[IntegrationEvent, Handler]]) -> list[bool]:
        """Apply each event once, in order, in one transaction: per event, False when already applied.

        First without a savepoint per unit of work (two round trips each, per event); if a unit left without
        committing, whose writes must then go, all of it is rolled back and applied again with savepoints."""
        try:
            return await self._apply_all(batch, savepoints=False)
        except _Spoiled:
            log.info("a unit of work left without committing: the batch applied again, each unit in a savepoint",
                     extra={"group": self.group, "events": len(batch)})
        return await self._apply_all(batch, savepoints=True)

    async def _apply_all(self, batch: list[tuple[IntegrationEvent, Handler]], savepoints: bool) -> list[bool]:
        async with self._pool().acquire() as conn, conn.transaction():
            transaction = SharedTransaction(conn, savepoints=savepoints)
            # One inbox statement for the batch: the ids it returns are the events not applied before.
            first_time = {row["event_id"] for row in await conn.fetch(
                """INSERT INTO inbox (consumer_group, event_id) SELECT $1, unnest($2::uuid[])
                   ON CONFLICT DO NOTHING RETURNING event_id""",
                self.group, [event.event_id for event, _ in batch],
            )}
            applied = []
            try:
                if self._prepare is not None and first_time:
                    await self._prepare([event for event, _ in batch if event.event_id in first_time], transaction)
                for event, handler in batch:
                    new = event.event_id in first_time
                    first_time.discard(event.event_id)  # the same event twice in a batch is applied once
                    if new:
                        # What the event causes belongs to the action that caused the event.
                        with correlation.serving(correlation_of(event)):
                            await handler(event, transaction)
                    applied.append(new)
                await transaction.finish()
            except Exception as error:
                # A failure after a unit spoiled the transaction may be its doing (a statement failed outside any
                # savepoint aborts the transaction): with savepoints, the handler that caught it would go on.
                if transaction.spoiled and not is_connection_lost(error):
                    raise _Spoiled from error
                raise
            if transaction.spoiled:
                raise _Spoiled
            return applied

    async def apply(self, event: IntegrationEvent, handler: Handler) -> bool:
        """Apply once: False when this group had already applied the event."""
        return (await self.apply_all([(event, handler)]))[0]

    async def _dead_letter(self, record: ConsumerRecord, reason: str, error: Exception,
                           event: IntegrationEvent | None = None) -> None:
        """Set the message aside; `event`: what it decoded into, whose action the line logged is of (a message that
        is no valid event logs under the action being served, if any)."""
        with correlation.serving(correlation_of(event)) if event is not None else nullcontext():
            await self._set_aside(record, reason, error)

    async def _set_aside(self, record: ConsumerRecord, reason: str, error: Exception) -> None:
        # If this publish fails the exception propagates, the offset is not committed, and the
        # message comes again: dead-lettering never loses it.
        await self._broker.publish(
            record.value,
            dead_letter_topic(self.group),
            key=record.key,
            headers=dead_letters.headers(record, self.group, reason, error),
        )
        self._metrics.dead_letters.labels(topic=record.topic, reason=reason).inc()
        self._metrics.consumed.labels(topic=record.topic, outcome="dead_lettered").inc()
        # Which event, as its producer's headers name it, else as its value does (a message that is no valid event has
        # no other name): ids and types only, never another of its fields.
        named = {k: v.decode(errors="replace") for k, v in record.headers or () if k in ("event_id", "event_type")}
        if len(named) < 2:
            named = _named_in_value(record.value) | named
        log.error(
            "message dead-lettered",
            extra={"topic": record.topic, "partition": record.partition, "offset": record.offset, "reason": reason,
                   "error_type": type(error).__name__, "event_id": named.get("event_id"),
                   "event_type": named.get("event_type")},
        )


def _named_in_value(value: bytes | None) -> dict[str, str]:
    """The `event_id` and `event_type` a message's value gives as text, if it is a JSON object."""
    try:
        parsed = json.loads(value or b"")
    except (ValueError, RecursionError):  # not JSON, or nested past what the parser takes
        return {}
    if not isinstance(parsed, dict):
        return {}
    return {k: parsed[k] for k in ("event_id", "event_type") if isinstance(parsed.get(k), str)}


def correlation_of(event: IntegrationEvent) -> str:
    """The correlation id of the action that caused the event (what it causes belongs to that action); its own id for
    an event whose producer named none."""
    return event.correlation_id or str(event.event_id)


async def _tolerant_batch(records: tuple[ConsumerRecord, ...], parse: Callable) -> KafkaMessage:
    """FastStream's batch parser decodes every header value and fails on one without a value, before any of our
    code runs, losing the whole batch: give it the records with such values empty instead."""
    return await parse(tuple(
        replace(record, headers=[(key, value or b"") for key, value in record.headers])
        if any(value is None for _, value in record.headers) else record
        for record in records
    ))


async def _raw_bytes(message: KafkaMessage) -> list[bytes]:
    return message.body  # type: ignore[return-value]  # a batch's bodies as they came: `consume` decodes each


def with_later_versions(handlers: Mapping[type[IntegrationEvent], Handler]) -> dict[type[IntegrationEvent], Handler]:
    """The handlers, each also applying the later versions of its event that have none of their own: a later
    version subclasses the one before, so a handler written for version 1 reads version 2 unchanged, and a
    producer can move to a new version without its consumers' changing first."""
    found = dict(handlers)
    for model in registered_events():
        if model not in found:
            handler = next((handlers[base] for base in model.__mro__[1:] if base in handlers), None)
            if handler is not None:
                found[model] = handler
    return found


class StallWatch:
    """Whether a consumer has stopped making progress: idle (no batch under way) for `stall_seconds` while the
    partitions assigned to it have messages waiting, at two checks in a row. One check is not enough: an instance
    frozen for a while (SIGSTOP, a long pause) is idle by the clock when it wakes, but takes its backlog at once.

    aiokafka's fetcher can die while the consumer stays in its group: its background task ends on an unexpected
    error (uvloop refusing a write to a connection that a broker restart closed), `getmany` then returns nothing,
    forever, and heartbeats go on, so the group never gives the partitions to another instance."""

    def __init__(self, stall_seconds: float) -> None:
        self._stall_seconds = stall_seconds
        self._suspected = False

    def stalled(self, idle_for: float | None, waiting: int) -> bool:
        suspected = waiting > 0 and idle_for is not None and idle_for >= self._stall_seconds
        stalled, self._suspected = suspected and self._suspected, suspected
        return stalled


class _Spoiled(Exception):
    """A unit of work left a transaction without savepoints without committing: roll back, apply with them."""


def with_sealed_versions(handlers: Mapping[type[IntegrationEvent], Handler]) -> dict[type[IntegrationEvent], Handler]:
    """The handlers, each also applying the sealed version of its event (`mentorship_contracts.sealed`), which the
    consumer opens into the clear version before the handler runs."""
    found = dict(handlers)
    for model in registered_events():
        if issubclass(model, SealedEvent) and model not in found and model.clear_model in handlers:
            found[model] = handlers[model.clear_model]
    return found


def in_unit_of_work(new_unit_of_work: Callable[..., UnitOfWork], handler: Callable[[Applied, Any], Awaitable[None]]
                    ) -> Callable[[Applied, SharedTransaction], Awaitable[None]]:
    """Adapt a service-layer handler `(event, uow)` (or a `Prepare`'s `(events, uow)`) to run inside the consumer's
    inbox transaction."""

    async def apply(applied: Applied, transaction: SharedTransaction) -> None:
        await handler(applied, new_unit_of_work(joined=transaction))

    return apply
