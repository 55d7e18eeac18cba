"""The transactional outbox and its relay (after Debezium's outbox pattern).

`add` writes an event in the caller's transaction, beside the state change it describes. The relay
publishes committed events to Kafka, keyed by aggregate id with the event id in a header, in commit
order, and only then deletes them: a crash at any point re-publishes, never loses. Consumers drop
the duplicates through their inbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Iterable

import asyncpg
from faststream.kafka import KafkaBroker
from mentorship_contracts import IntegrationEvent, message_headers

from .jobs import cancel_and_wait
from .kafka import producer_stopped_sending
from .metrics import Metrics

log = logging.getLogger(__name__)

CHANNEL = "outbox"
# One relay publishes at a time (the holder of this lock), so events leave in commit order;
# other instances stand by and take over when the leader's connection drops.
_RELAY_LOCK = 7_340_002
# A stopping relay is cancelled, then cancelled again if that was lost, waiting this long each time.
RELAY_STOP_GRACES = (5.0, 5.0)


def _correlation_of(row) -> str:
    """The event's correlation id, else its event id, for the header FastStream writes (a random one otherwise, which
    a subscriber reading headers could take for the event's)."""
    return json.loads(bytes(row["payload"])).get("correlation_id") or str(row["event_id"])


class ProducerStopped(Exception):
    """Kafka's producer no longer sends: its sender task has ended (`kafka.producer_stopped_sending`), or a batch
    was answered neither with acknowledgements nor with an error for longer than a working producer takes."""


_COPIED_FROM = 100  # events staged at once


async def add(conn: asyncpg.Connection, events: Iterable[IntegrationEvent]) -> None:
    """Stage events in the current transaction; NOTIFY fires only if it commits."""
    rows = [(e.event_id, e.topic, e.key, e.event_type, e.to_json()) for e in events]
    if not rows:
        return
    if len(rows) >= _COPIED_FROM:  # a round's tens of thousands: COPY, three times as fast as a statement a row
        await conn.copy_records_to_table(
            "outbox", columns=["event_id", "topic", "key", "event_type", "payload"], records=rows)
    else:  # a request's few, as they always were
        await conn.executemany(
            "INSERT INTO outbox (event_id, topic, key, event_type, payload) VALUES ($1, $2, $3, $4, $5)", rows)
    await conn.execute(f"NOTIFY {CHANNEL}")


class OutboxRelay:
    def __init__(
        self,
        pool: asyncpg.Pool,
        broker: KafkaBroker,
        metrics: Metrics,
        batch_size: int = 500,
        idle_poll_seconds: float = 2.0,
        standby_poll_seconds: float = 5.0,
        acknowledgement_seconds: float = 90.0,
    ) -> None:
        self._pool = pool
        self._broker = broker
        self._metrics = metrics
        self._batch_size = batch_size
        self._idle_poll = idle_poll_seconds
        self._standby_poll = standby_poll_seconds
        self._acknowledgement_seconds = acknowledgement_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.is_leader = False
        # When the oldest event not yet published was committed (wall clock), while this instance relays: its age is
        # read at each scrape, so it grows while a batch waits for Kafka's acknowledgement too.
        self._oldest_since: float | None = None
        metrics.outbox_waited.set_function(self._oldest_waited)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    @property
    def task(self) -> asyncio.Task | None:
        """The relay's task once started (it runs until stopped: `plumbing.runtime.Service.liveness` watches it)."""
        return self._task

    async def stop(self) -> None:
        if self._task and await cancel_and_wait([self._task], RELAY_STOP_GRACES):
            log.warning("the outbox relay still runs at shutdown")

    async def _run(self) -> None:
        while True:
            try:
                async with self._pool.acquire() as lock_conn:
                    if await lock_conn.fetchval("SELECT pg_try_advisory_lock($1)", _RELAY_LOCK):
                        try:
                            await self._lead(lock_conn)
                        finally:
                            self.is_leader = False
                            with contextlib.suppress(Exception):
                                await lock_conn.execute("SELECT pg_advisory_unlock($1)", _RELAY_LOCK)
                    else:  # another instance relays: the service's figures are its, and these would be stale
                        self._metrics.outbox_backlog.set(0)
                        self._oldest_since = None
                await self._stand_by()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if isinstance(error, ProducerStopped) or producer_stopped_sending(self._broker):
                    # The lock is free again for another instance; this one reports itself dead (`Service.liveness`)
                    # to be restarted, since its producer will not send again.
                    log.error("the outbox relay stops: its Kafka producer no longer sends", exc_info=True)
                    if isinstance(error, ProducerStopped):
                        raise
                    raise ProducerStopped(f"the producer's sender task has ended; a send failed with "
                                          f"{type(error).__name__}: {error}") from error
                log.exception("outbox relay failed; retrying")
                await self._stand_by()

    async def _lead(self, lock_conn: asyncpg.Connection) -> None:
        """Publish for as long as the lock is held: the server drops it with `lock_conn` (PostgreSQL restarting,
        a cut connection), and another instance may take it at once, so losing that connection ends the lead even
        while publishing on other connections goes well."""
        self.is_leader = True
        lock_conn.add_termination_listener(self._wake_up)
        await lock_conn.add_listener(CHANNEL, self._wake_up)
        try:
            while not lock_conn.is_closed():
                self._wake.clear()
                if await self.publish_batch() < self._batch_size:
                    # Polling too, not only NOTIFY: a notification lost with a dropped connection
                    # must not strand an event.
                    await self._wait(self._idle_poll)
            log.warning("the outbox relay's lock connection was lost: standing by")
        finally:
            lock_conn.remove_termination_listener(self._wake_up)
            await lock_conn.remove_listener(CHANNEL, self._wake_up)

    def _wake_up(self, *_: object) -> None:
        self._wake.set()

    async def _stand_by(self) -> None:
        self._wake.clear()  # what woke the last leader (its lock lost, a notification) must not cut this wait short
        await self._wait(self._standby_poll)

    async def _wait(self, seconds: float) -> None:
        # asyncio.timeout, not wait_for: Python 3.11's wait_for drops a cancellation that arrives as the event is
        # set, and the relay would go on and be waited for forever by `stop`.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()

    def _oldest_waited(self) -> float:
        return max(0.0, time.time() - self._oldest_since) if self._oldest_since is not None else 0.0

    async def publish_batch(self) -> int:
        """Publish the oldest pending events; return how many."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT id, event_id, topic, key, event_type, payload, "
                "extract(epoch FROM clock_timestamp() - created_at)::float8 AS waited FROM outbox ORDER BY id LIMIT $1",
                self._batch_size,
            )
            self._metrics.outbox_backlog.set(len(rows))
            self._oldest_since = time.time() - rows[0]["waited"] if rows else None
            if not rows:
                return 0
            # Queue all sends in order, then wait for every acknowledgement: the idempotent producer
            # keeps per-partition order while letting a whole batch be in flight. A working producer answers
            # each send within its request timeout, retries included; the bound is for one that stopped sending.
            bound = asyncio.timeout(self._acknowledgement_seconds)
            try:
                async with bound:
                    pending = [
                        await self._broker.publish(
                            bytes(row["payload"]),
                            row["topic"],
                            key=row["key"].encode(),
                            headers=message_headers(str(row["event_id"]), row["event_type"]),
                            correlation_id=_correlation_of(row),
                            no_confirm=True,
                        )
                        for row in rows
                    ]
                    await asyncio.gather(*pending)
            except TimeoutError:
                if not bound.expired():
                    raise  # Kafka's own timeout: an error like any other, tried again
                raise ProducerStopped(f"no acknowledgement from Kafka within {self._acknowledgement_seconds:.0f} s "
                                    f"for any of {len(rows)} events; they stay in the outbox") from None
            await conn.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", [row["id"] for row in rows])
            for row in rows:
                self._metrics.published.labels(topic=row["topic"]).inc()
            full = len(rows) == self._batch_size
            self._metrics.outbox_backlog.set(await conn.fetchval("SELECT count(*) FROM outbox") if full else 0)
            if not full:
                self._oldest_since = None
            return len(rows)
