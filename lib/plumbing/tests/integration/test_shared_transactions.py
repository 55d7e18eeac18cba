"""Units of work sharing one real transaction: each inside a savepoint, or none while every unit commits, and the
events they emit carry the correlation id of the action, through the consumer too."""

from uuid import uuid4

from mentorship_contracts.profiles import PersonUpdated
from plumbing import correlation
from plumbing.db import PLUMBING_MIGRATIONS, create_pool, migrate
from plumbing.unit_of_work import SharedTransaction, UnitOfWork


def updated(person_id) -> PersonUpdated:
    return PersonUpdated(person_id=person_id, chapter_id=None, stage="resident", changed_fields=["stage"])


async def test_a_joined_unit_of_work_that_leaves_without_committing_takes_back_its_writes_and_its_events(
    postgres_server, migrations
):
    pool = await create_pool(postgres_server.create_database(f"savepoints_{uuid4().hex[:8]}"), 2)
    try:
        await migrate(pool, PLUMBING_MIGRATIONS, migrations)
        kept, dropped = uuid4(), uuid4()
        async with pool.acquire() as conn, conn.transaction():
            shared = SharedTransaction(conn)
            async with UnitOfWork(joined=shared) as unit:
                await unit.conn.execute("INSERT INTO applied (person_id) VALUES ($1)", kept)
                unit.emit(updated(kept))
                await unit.commit()
            async with UnitOfWork(joined=shared) as unit:  # a handler that returned early, without committing
                await unit.conn.execute("INSERT INTO applied (person_id) VALUES ($1)", dropped)
                unit.emit(updated(dropped))
            await shared.finish()
        assert [r["person_id"] for r in await pool.fetch("SELECT person_id FROM applied")] == [kept]
        assert await pool.fetchval("SELECT count(*) FROM outbox") == 1
    finally:
        await pool.close()


async def test_deferred_work_runs_under_the_correlation_id_of_the_action_that_deferred_it(postgres_server, migrations):
    pool = await create_pool(postgres_server.create_database(f"correlated_{uuid4().hex[:8]}"), 2)
    try:
        await migrate(pool, PLUMBING_MIGRATIONS, migrations)

        async def announce(people: list, unit: UnitOfWork) -> None:
            unit.emit(*(updated(p) for p in people))
            await unit.commit()

        token = correlation.use("signup-42")
        try:
            async with UnitOfWork(pool) as unit:
                unit.defer("announce", uuid4(), announce)
                unit.defer("announce", uuid4(), announce)
                await unit.commit()
        finally:
            correlation.reset(token)
        payloads = [r["payload"] for r in await pool.fetch("SELECT payload FROM outbox")]
        assert len(payloads) == 2 and all(b'"correlation_id":"signup-42"' in p.encode() if isinstance(p, str)
                                          else b'"correlation_id":"signup-42"' in p for p in payloads)
    finally:
        await pool.close()


async def test_a_consumer_applies_a_batch_without_savepoints_and_again_with_them_when_a_unit_leaves_without_committing(
    make_service, started
):
    people = {uuid4(): "kept" for _ in range(3)}
    runs: list[bool] = []

    async def handler(event: PersonUpdated, transaction: SharedTransaction) -> None:
        if event.person_id not in people:
            return  # another test's event on the shared topic
        runs.append(transaction.savepoints)
        async with UnitOfWork(joined=transaction) as unit:
            await unit.conn.execute("INSERT INTO applied (person_id, changed) VALUES ($1, $2)", event.person_id,
                                    people[event.person_id])
            unit.emit(updated(event.person_id))
            if people[event.person_id] == "kept":
                await unit.commit()

    service = await started(make_service(handler))
    assert service.consumer is not None
    assert await service.consumer.apply_all([(updated(p), handler) for p in people]) == [True] * 3
    assert runs == [False] * 3  # every unit committed: no savepoint was needed
    assert await service.pool.fetchval("SELECT count(*) FROM applied") == 3

    runs.clear()
    dropped = uuid4()
    people[dropped] = "dropped"  # a handler that returns early, without committing, after writing
    later = uuid4()
    people[later] = "kept"
    assert await service.consumer.apply_all([(updated(p), handler) for p in (dropped, later)]) == [True, True]
    assert runs == [False, False, True, True]  # rolled back, then applied again with savepoints
    assert {r["person_id"] for r in await service.pool.fetch("SELECT person_id FROM applied")} == set(people) - {
        dropped}


async def test_a_batch_is_prepared_in_its_own_transaction_with_the_events_new_to_it_before_the_first_is_applied(
    make_service, started
):
    seen: list[tuple[str, list, int]] = []

    async def prepare(events: list, transaction: SharedTransaction) -> None:
        seen.append(("prepare", [e.person_id for e in events], await transaction.conn.fetchval("SELECT txid_current()")))

    async def handler(event: PersonUpdated, transaction: SharedTransaction) -> None:
        seen.append(("apply", [event.person_id], await transaction.conn.fetchval("SELECT txid_current()")))

    service = make_service()
    service.consume_raw({PersonUpdated: handler}, prepare=prepare)
    service = await started(service)
    assert service.consumer is not None
    first, second, third = (updated(uuid4()) for _ in range(3))
    a, b, c = first.person_id, second.person_id, third.person_id

    assert await service.consumer.apply_all([(e, handler) for e in (first, second)]) == [True, True]
    assert await service.consumer.apply_all([(e, handler) for e in (second, third)]) == [False, True]
    assert await service.consumer.apply_all([(second, handler)]) == [False]  # nothing new: nothing to prepare

    assert [(step, people) for step, people, _ in seen] == [
        ("prepare", [a, b]), ("apply", [a]), ("apply", [b]), ("prepare", [c]), ("apply", [c])]
    transactions = [txid for _, _, txid in seen]
    assert transactions[0] == transactions[1] == transactions[2] != transactions[3] == transactions[4]
