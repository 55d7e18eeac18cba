"""Consuming integration events: inbox, bounded retries with backoff, dead letters.

For each message: decode it (a message that is not a valid event goes straight to the dead-letter
topic), then, in one database transaction, record its event id in the inbox and apply it. Only after
that commits does FastStream commit the offset. A redelivered event finds its id in the inbox and is
skipped. A handler that keeps failing is retried a bounded number of times with exponential backoff,
then dead-lettered with the error, and the consumer moves on: one bad message never stalls a partition.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Union

import asyncpg
from faststream.kafka import KafkaBroker, KafkaMessage
from faststream.middlewares import AckPolicy
from mentorship_contracts import IntegrationEvent, decode, dead_letter_topic

from . import dead_letters
from .metrics import Metrics

log = logging.getLogger(__name__)

Handler = Callable[[IntegrationEvent, asyncpg.Connection], Awaitable[None]]


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
    ) -> None:
        self.group = group
        self._handlers = dict(handlers)
        self._pool = pool_provider
        self._broker = broker
        self._metrics = metrics
        self._retry = retry

    @property
    def topics(self) -> list[str]:
        return sorted({model.topic for model in self._handlers})

    def subscribe(self) -> None:
        """Declare the subscriber on the broker; AsyncAPI documents it with the events it applies.

        The broker runs with `apply_types=False` and a decoder that passes the raw bytes through, so
        validation is ours to do (and a bad message ours to dead-letter); the annotation only documents.
        """

        async def consume(body: bytes) -> None:
            await self.consume(body, self._broker.context.get_local("message"))

        consume.__annotations__ = {"body": Union[tuple(self._handlers)], "return": None}  # noqa: UP007
        subscriber = self._broker.subscriber(
            *self.topics,
            group_id=self.group,
            auto_offset_reset="earliest",
            ack_policy=AckPolicy.NACK_ON_ERROR,
            decoder=_raw_bytes,
            title=f"{self.group}:consume",
            description=f"Applies {', '.join(sorted(m.__name__ for m in self._handlers))} through the inbox",
        )
        subscriber(consume)

    async def consume(self, body: bytes, message: KafkaMessage) -> None:
        record = message.raw_message
        try:
            event = decode(body)
        except ValueError as error:
            await self._dead_letter(message, "invalid", error)
            return
        handler = self._handlers.get(type(event))
        if handler is None:
            self._metrics.consumed.labels(topic=record.topic, outcome="ignored").inc()
            return
        for attempt in range(1, self._retry.max_attempts + 1):
            try:
                applied = await self.apply(event, handler)
                outcome = "applied" if applied else "duplicate"
                self._metrics.consumed.labels(topic=record.topic, outcome=outcome).inc()
                return
            except Exception as error:  # noqa: BLE001 - any failure is retried, then dead-lettered
                if attempt == self._retry.max_attempts:
                    await self._dead_letter(message, "failed", error)
                    return
                log.warning(
                    "event handling failed; retrying",
                    extra={"event_id": str(event.event_id), "event_type": event.event_type, "attempt": attempt},
                )
                await asyncio.sleep(self._retry.delay(attempt))

    async def apply(self, event: IntegrationEvent, handler: Handler) -> bool:
        """Apply once: False when this group had already applied the event."""
        async with self._pool().acquire() as conn, conn.transaction():
            first_time = await conn.fetchval(
                "INSERT INTO inbox (consumer_group, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING true",
                self.group,
                event.event_id,
            )
            if first_time:
                await handler(event, conn)
            return bool(first_time)

    async def _dead_letter(self, message: KafkaMessage, reason: str, error: Exception) -> None:
        record = message.raw_message
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
        log.error(
            "message dead-lettered",
            extra={"topic": record.topic, "partition": record.partition, "offset": record.offset, "reason": reason,
                   "error_type": type(error).__name__},
        )


async def _raw_bytes(message: KafkaMessage) -> bytes:
    return message.body


def in_unit_of_work(unit_of_work: Callable[..., object], handler: Callable) -> Handler:
    """Adapt a service-layer handler `(event, uow)` to run inside the consumer's inbox transaction."""

    async def apply(event: IntegrationEvent, conn: asyncpg.Connection) -> None:
        await handler(event, unit_of_work(conn=conn))

    return apply
