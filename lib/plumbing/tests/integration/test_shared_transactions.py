"""Units of work sharing one real transaction: each inside a savepoint, and the events they emit carry the
correlation id of the action, through the consumer too."""

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
