"""Outbox, inbox and dead letters on the real broker and database: nothing lost, nothing applied twice."""

from __future__ import annotations

import json
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from mentorship_contracts import dead_letter_topic
from mentorship_contracts.profiles import PEOPLE, PersonUpdated
from plumbing import correlation, dead_letters, outbox
from plumbing.consumer import in_unit_of_work
from plumbing.db import migrate
from plumbing.testing import eventually
from plumbing.unit_of_work import UnitOfWork

from .conftest import Recorder


def update(person_id, change: str) -> PersonUpdated:
    return PersonUpdated(person_id=person_id, chapter_id=None, stage="resident", changed_fields=[change])


async def read_topic(options: dict, topic: str, key: str, expected: int) -> list:
    consumer = AIOKafkaConsumer(topic, **options, group_id=f"reader-{uuid4()}", auto_offset_reset="earliest")
    await consumer.start()
    found = []
    try:
        async def enough():
            for records in (await consumer.getmany(timeout_ms=200)).values():
                found.extend(r for r in records if r.key.decode() == key)
            return len(found) >= expected

        await eventually(enough, timeout=30, what=f"{expected} records keyed {key}")
        return found
    finally:
        await consumer.stop()


async def applied(service, person_id) -> list[str]:
    rows = await service.pool.fetch("SELECT changed FROM applied WHERE person_id = $1 ORDER BY at", person_id)
    return [r["changed"] for r in rows]


async def test_committed_events_are_published_in_commit_order_keyed_by_aggregate_with_the_event_id_in_a_header(
    make_service, started, kafka_client_options
):
    service = await started(make_service())
    person = uuid4()
    for change in ("stage", "chapter", "bio"):
        async with UnitOfWork(service.pool) as uow:
            uow.emit(update(person, change))
            await uow.commit()

    records = await read_topic(kafka_client_options(), PEOPLE, str(person), 3)
    assert [json.loads(r.value)["changed_fields"] for r in records] == [["stage"], ["chapter"], ["bio"]]
    assert all(dict(r.headers)["event_id"].decode() == json.loads(r.value)["event_id"] for r in records)
    assert len({r.partition for r in records}) == 1
    assert await eventually(lambda: service.pool.fetchval("SELECT count(*) = 0 FROM outbox"), what="an empty outbox")


async def test_the_correlation_id_header_is_the_events_own_or_its_event_id_when_it_has_none(
    make_service, started, kafka_client_options
):
    """A subscriber reading headers alone is not handed an id that differs from the event's (FastStream's own)."""
    service = await started(make_service())
    person = uuid4()
    with correlation.serving("signup-7"):
        async with UnitOfWork(service.pool) as uow:
            uow.emit(update(person, "stage"))
            await uow.commit()
    async with UnitOfWork(service.pool) as uow:
        uow.emit(update(person, "bio"))
        await uow.commit()

    first, second = await read_topic(kafka_client_options(), PEOPLE, str(person), 2)
    assert dict(first.headers)["correlation_id"].decode() == json.loads(first.value)["correlation_id"] == "signup-7"
    assert json.loads(second.value)["correlation_id"] is None
    assert dict(second.headers)["correlation_id"].decode() == json.loads(second.value)["event_id"]


async def test_a_commit_of_hundreds_of_events_publishes_each_once_in_the_order_emitted(
    make_service, started, kafka_client_options
):
    """A round's thousands are staged by COPY rather than a statement each: the same outcome."""
    service = await started(make_service())
    person = uuid4()
    changes = [f"field {i}" for i in range(2 * outbox._COPIED_FROM + 1)]
    async with UnitOfWork(service.pool) as uow:
        for change in changes:
            uow.emit(update(person, change))
        await uow.commit()

    records = await read_topic(kafka_client_options(), PEOPLE, str(person), len(changes))
    assert [json.loads(r.value)["changed_fields"][0] for r in records] == changes
    assert await eventually(lambda: service.pool.fetchval("SELECT count(*) = 0 FROM outbox"), what="an empty outbox")


async def test_a_rolled_back_transaction_publishes_nothing(make_service, started):
    service = await started(make_service())
    async with UnitOfWork(service.pool) as uow:
        uow.emit(update(uuid4(), "stage"))
        # no commit: leaving the block rolls back
    assert await service.pool.fetchval("SELECT count(*) FROM outbox") == 0


async def test_events_staged_as_a_change_goes_are_published_in_order_once_it_commits_and_never_if_it_rolls_back(
    make_service, started, kafka_client_options
):
    """A round writes its tens of thousands of events a part at a time: they commit, or roll back, with it."""
    service = await started(make_service())
    kept = uuid4()
    async with UnitOfWork(service.pool) as uow:
        uow.emit(update(uuid4(), "staged"))
        await uow.stage()
        assert await uow.conn.fetchval("SELECT count(*) FROM outbox") == 1  # in the transaction, not yet committed
        # no commit: leaving the block rolls back what was staged too
    assert await service.pool.fetchval("SELECT count(*) FROM outbox") == 0
    changes = [f"field {i}" for i in range(3 * outbox._COPIED_FROM)]
    async with UnitOfWork(service.pool) as uow:
        for part in (changes[:outbox._COPIED_FROM], changes[outbox._COPIED_FROM:-1]):
            uow.emit(*(update(kept, change) for change in part))
            await uow.stage()
        uow.emit(update(kept, changes[-1]))
        await uow.commit()

    records = await read_topic(kafka_client_options(), PEOPLE, str(kept), len(changes))
    assert [json.loads(r.value)["changed_fields"][0] for r in records] == changes
    assert await eventually(lambda: service.pool.fetchval("SELECT count(*) = 0 FROM outbox"), what="an empty outbox")


async def test_an_event_delivered_twice_takes_effect_once(make_service, started, kafka_client_options):
    service = await started(make_service(Recorder()))
    person = uuid4()
    duplicate, marker = update(person, "twice"), update(person, "marker")
    producer = AIOKafkaProducer(**kafka_client_options())
    await producer.start()
    try:
        for event in (duplicate, duplicate, marker):
            await producer.send_and_wait(PEOPLE, event.to_json(), key=event.key.encode())
    finally:
        await producer.stop()

    await eventually(lambda: _has(service, person, "marker"), timeout=60, what="the marker to be applied")
    assert await applied(service, person) == ["twice", "marker"]


async def test_a_relay_that_crashed_before_deleting_publishes_again_and_consumers_apply_once(make_service, started):
    service = await started(make_service(Recorder()))
    person = uuid4()
    event = update(person, "once")
    async with UnitOfWork(service.pool) as uow:
        uow.emit(event)
        await uow.commit()
    await eventually(lambda: _has(service, person, "once"), timeout=60, what="the first delivery")
    # The consumer can apply the event before the relay deletes its row; only then can the same id go in again.
    await eventually(lambda: service.pool.fetchval("SELECT count(*) = 0 FROM outbox"), what="an empty outbox")
    # As if the relay had published but died before deleting the row: the event is in the outbox again.
    async with service.pool.acquire() as conn, conn.transaction():
        await outbox.add(conn, [event, update(person, "after")])
    await eventually(lambda: _has(service, person, "after"), timeout=60, what="the later event")
    assert await applied(service, person) == ["once", "after"]


async def test_a_message_that_is_not_an_event_is_dead_lettered_with_the_reason_and_consumption_goes_on(
    make_service, started, kafka_client_options
):
    service = await started(make_service(Recorder()))
    person = uuid4()
    producer = AIOKafkaProducer(**kafka_client_options())
    await producer.start()
    try:
        await producer.send_and_wait(PEOPLE, b'{"event_type": "profiles.person_updated", "schema_version": 1}',
                                     key=str(person).encode())
        await producer.send_and_wait(PEOPLE, update(person, "marker").to_json(), key=str(person).encode())
    finally:
        await producer.stop()

    await eventually(lambda: _has(service, person, "marker"), timeout=60, what="the message after the bad one")
    letters = [dead_letters.describe(r) for r in await dead_letters.read_all(kafka_client_options(), service.name)]
    mine = [d for d in letters if d["reason"] == "invalid"]
    assert mine and mine[0]["topic"] == PEOPLE and "person_id" in mine[0]["error"]


async def test_a_handler_that_keeps_failing_is_retried_then_dead_lettered_and_an_operator_can_replay_it(
    make_service, started, kafka_client_options
):
    recorder = Recorder()
    service = await started(make_service(recorder))
    # Shown from 0 before any: the first dead letter is a rise that the operator's alert sees (deploy/monitoring).
    assert service.metrics.registry.get_sample_value("dead_letters_total", {"topic": PEOPLE, "reason": "failed"}) == 0
    stuck, fine = uuid4(), uuid4()
    recorder.failing.add(stuck)
    async with UnitOfWork(service.pool) as uow:
        uow.emit(update(stuck, "stuck"), update(fine, "fine"))
        await uow.commit()

    await eventually(lambda: _has(service, fine, "fine"), timeout=60, what="the event behind the failing one")
    async def failed_letters():
        # Earlier tests' bad messages are on the same topic, and this group dead-letters them too.
        letters = [dead_letters.describe(r) for r in await dead_letters.read_all(kafka_client_options(), service.name)]
        return [d for d in letters if d["reason"] == "failed"]

    (described,) = await eventually(failed_letters, timeout=30, what="the dead letter")
    # Named by its type and where it was raised, never by its message (which may quote personal data).
    assert described["error"].startswith("RuntimeError (at conftest.py:") and described["topic"] == PEOPLE
    assert "failed on purpose" not in described["error"]
    assert service.metrics.registry.get_sample_value("dead_letters_total", {"topic": PEOPLE, "reason": "failed"}) == 1

    recorder.failing.clear()  # the bug is fixed; the operator replays
    replayed = await dead_letters.replay(kafka_client_options(), service.name, {described["dead_letter_offset"]})
    assert replayed == (1, [])  # replayed, and none left as invalid
    await eventually(lambda: _has(service, stuck, "stuck"), timeout=60, what="the replayed event")
    assert dead_letter_topic(service.name) == f"{service.name}.dead-letters"


async def test_two_instances_migrating_at_once_apply_each_migration_once(make_service, migrations):
    import asyncio

    from plumbing.db import PLUMBING_MIGRATIONS, create_pool

    service = make_service()
    pools = [await create_pool(service.settings.database_url) for _ in range(2)]
    try:
        results = await asyncio.gather(*(migrate(p, PLUMBING_MIGRATIONS, migrations) for p in pools))
        every = len(list(PLUMBING_MIGRATIONS.glob("*.sql"))) + len(list(migrations.glob("*.sql")))
        assert sorted(len(r) for r in results) == [0, every]
    finally:
        for pool in pools:
            await pool.close()


async def test_only_one_instance_relays_at_a_time(make_service, started):
    first, second = await started(make_service()), await started(make_service())
    await eventually(lambda: first.relay.is_leader or second.relay.is_leader, what="a relay leader")
    assert not (first.relay.is_leader and second.relay.is_leader)


async def test_a_relay_whose_lock_connection_is_lost_stops_leading_and_takes_the_lead_again_once_free(
    make_service, started
):
    """PostgreSQL drops the relay's advisory lock with the connection that held it; another instance may take the
    lock at once. A leader that went on publishing over its other connections would publish beside it."""
    service = await started(make_service(relay_standby_seconds=0.2))  # standing by, it tries the lead again soon
    await eventually(lambda: service.relay.is_leader, what="the relay to lead")
    lock = outbox._RELAY_LOCK
    async with service.pool.acquire() as rival:
        holder = await rival.fetchval(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted", lock)
        await rival.execute("SELECT pg_terminate_backend($1)", holder)
        # Another instance, standing by, takes the lock the moment it is free.
        await eventually(lambda: rival.fetchval("SELECT pg_try_advisory_lock($1)", lock),
                         what="the lock to be free for another instance")
        await eventually(lambda: not service.relay.is_leader, what="the relay to notice it lost its lock")
        await rival.execute("SELECT pg_advisory_unlock($1)", lock)
    await eventually(lambda: service.relay.is_leader, what="the relay to lead again once the lock is free")


@pytest.mark.parametrize("ended_by", ["an error", "a cancellation"])
async def test_a_relay_whose_producer_stopped_sending_gives_up_its_lead_keeps_the_events_and_is_reported_dead(
    make_service, started, ended_by
):
    """aiokafka's producer sends from one task, which an unexpected error ends while the producer stays up: sends
    then fail at once with that error, or, had the task been cancelled, wait for ever. The relay retried for ever,
    or waited for ever holding its lock: either way no instance published this service's events again."""
    service = await started(make_service(Recorder(), relay_acknowledgement_seconds=2.0))
    before = uuid4()
    async with UnitOfWork(service.pool) as uow:
        uow.emit(update(before, "before"))
        await uow.commit()
    await eventually(lambda: _has(service, before, "before"), timeout=60, what="an event relayed before the fault")

    sender = service.broker._producer._producer.producer._sender
    sender.sender_task.cancel()
    await eventually(lambda: sender.sender_task.done(), what="the producer's sender to have ended")
    if ended_by == "an error":  # what the task's done-callback does when it ends on an error
        sender._message_accumulator.fail_all(RuntimeError("the handler is closed"))
    after = uuid4()
    async with UnitOfWork(service.pool) as uow:
        uow.emit(update(after, "after"))
        await uow.commit()

    await eventually(lambda: "outbox_relay" in service.liveness(), timeout=30, what="the relay to be reported dead")
    assert service.liveness()["outbox_relay"].startswith("ProducerStopped")
    assert "kafka_producer" in service.liveness()
    assert not service.relay.is_leader
    assert await service.pool.fetchval("SELECT count(*) FROM outbox") == 1, "the unpublished event is kept"
    # How long it has waited is on /metrics, for the operator's alert (deploy/monitoring), and it keeps growing.
    waited = service.metrics.registry.get_sample_value("outbox_oldest_event_seconds")
    assert waited > 0
    await eventually(lambda: service.metrics.registry.get_sample_value("outbox_oldest_event_seconds") > waited + 0.1,
                     what="the wait to grow")
    # The lock is free for another instance, whose relay publishes what waits.
    async with service.pool.acquire() as rival:
        assert await rival.fetchval("SELECT pg_try_advisory_lock($1)", outbox._RELAY_LOCK)
        await rival.execute("SELECT pg_advisory_unlock($1)", outbox._RELAY_LOCK)


async def _has(service, person_id, change: str) -> bool:
    return change in await applied(service, person_id)


async def waiting_together(options: dict, how_many: int, change: str) -> list:
    """Updates of `how_many` new people, published before the consumer starts (one key, one partition, in
    order), so that they wait for it together; returns the people."""
    people = [uuid4() for _ in range(how_many)]
    producer = AIOKafkaProducer(**options, acks="all")
    await producer.start()
    try:
        for person in people:
            await producer.send_and_wait(PEOPLE, update(person, change).to_json(), key=b"one-partition")
    finally:
        await producer.stop()
    return people


async def test_events_waiting_together_are_applied_in_one_transaction_and_a_failing_one_does_not_hold_back_the_rest(
    make_service, started, kafka_client_options
):
    people = await waiting_together(kafka_client_options(), 30, "batched")
    recorder = Recorder()
    recorder.failing.add(people[7])
    service = await started(make_service(recorder))

    async def all_but_the_failing_one() -> list:
        async with service.pool.acquire() as conn:
            rows = await conn.fetch("SELECT person_id, tx::text AS tx FROM applied WHERE person_id = ANY($1::uuid[])",
                                    people)
        return rows if len(rows) == len(people) - 1 else []

    rows = await eventually(all_but_the_failing_one, timeout=90, what="the events around the failing one")
    assert {r["person_id"] for r in rows} == set(people) - {people[7]}
    # The batch that held the failing event was applied again one event at a time; the others went in batches.
    assert len({r["tx"] for r in rows}) < len(rows)


async def test_work_deferred_by_a_batchs_events_is_done_once_in_its_transaction_and_undone_with_it(
    make_service, started, kafka_client_options
):
    people = await waiting_together(kafka_client_options(), 30, "tallied")

    async def tally(people_applied: list, uow: UnitOfWork) -> None:
        await uow.conn.execute("INSERT INTO applied (changed) VALUES ($1)", f"tally:{len(people_applied)}")

    async def apply_and_defer_a_tally(event: PersonUpdated, uow: UnitOfWork) -> None:
        async with uow:
            await uow.conn.execute("INSERT INTO applied (event_id, person_id, changed) VALUES ($1, $2, 'tallied')",
                                   event.event_id, event.person_id)
            uow.defer("tally", event.person_id, tally)
            if event.person_id == people[7]:  # fails after deferring: its batch's tally must go with it
                raise RuntimeError("the handler failed on purpose")
            await uow.commit()

    service = await started(make_service(in_unit_of_work(UnitOfWork, apply_and_defer_a_tally)))

    async def all_but_the_failing_one() -> list:
        # Every row: the topic also holds other tests' events, which this service applies (and tallies) too.
        rows = await service.pool.fetch("SELECT person_id, changed, tx::text AS tx FROM applied")
        return rows if sum(r["person_id"] in people for r in rows) == len(people) - 1 else []

    rows = await eventually(all_but_the_failing_one, timeout=90, what="the events around the failing one")
    events = [r for r in rows if r["changed"] == "tallied"]
    tallies = [r for r in rows if r["changed"].startswith("tally:")]
    assert people[7] not in {r["person_id"] for r in events}
    # One tally per transaction that applied events, counting exactly those events: none for the failed tries.
    assert sorted(r["tx"] for r in tallies) == sorted({r["tx"] for r in events})
    counted = {r["tx"]: int(r["changed"].removeprefix("tally:")) for r in tallies}
    assert all(counted[tx] == sum(r["tx"] == tx for r in events) for tx in counted)
    assert len(tallies) < len(events), "events waiting together share one tally"


async def test_a_deeply_nested_message_is_dead_lettered_and_the_partition_moves_on(
    make_service, started, kafka_client_options
):
    service = await started(make_service(Recorder()))
    person = uuid4()
    nested = b'{"event_type": "profiles.person_updated", "schema_version": 1, "changed_fields": ' \
             + b"[" * 1000 + b"]" * 1000 + b"}"
    producer = AIOKafkaProducer(**kafka_client_options())
    await producer.start()
    try:
        await producer.send_and_wait(PEOPLE, nested, key=str(person).encode())
        await producer.send_and_wait(PEOPLE, update(person, "marker").to_json(), key=str(person).encode())
    finally:
        await producer.stop()

    await eventually(lambda: _has(service, person, "marker"), timeout=60, what="the message after the nested one")
    letters = [dead_letters.describe(r) for r in await dead_letters.read_all(kafka_client_options(), service.name)]
    assert any(d["reason"] == "invalid" and "Recursion" in d["error"] for d in letters), letters


async def test_a_header_without_a_value_costs_neither_its_message_nor_the_rest_of_the_batch(
    make_service, started, kafka_client_options
):
    service = await started(make_service(Recorder()))
    people = [uuid4() for _ in range(5)]
    producer = AIOKafkaProducer(**kafka_client_options())
    await producer.start()
    try:
        batch = producer.create_batch()
        for i, person in enumerate(people):
            headers = [("trace", None)] if i == 2 else []
            batch.append(key=str(person).encode(), value=update(person, "applied").to_json(), timestamp=None,
                         headers=headers)
        partition = (await producer.partitions_for(PEOPLE)).pop()
        await (await producer.send_batch(batch, PEOPLE, partition=partition))
    finally:
        await producer.stop()

    for person in people:
        await eventually(lambda p=person: _has(service, p, "applied"), timeout=60, what=f"{person} to be applied")
