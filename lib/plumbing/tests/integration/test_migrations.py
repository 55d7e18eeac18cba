"""A migration that must wait for a table's lock (a long transaction holds the table) waits a bounded time, then
gives up and tries again: while an ALTER waits for its lock, every query of that table on the instances still serving
waits behind it."""

from __future__ import annotations

import asyncio
import logging
from uuid import uuid4

import asyncpg
import pytest
from plumbing.db import create_pool, migrate
from plumbing.testing import eventually


@pytest.fixture
async def a_database(postgres_server):
    dsn = postgres_server.create_database(f"migrations_{uuid4().hex[:8]}")
    pool = await create_pool(dsn, 4)
    await pool.execute("CREATE TABLE people (id int)")
    reading = await asyncpg.connect(dsn)
    try:
        yield pool, reading
    finally:
        await reading.close()
        pool.terminate()


@pytest.fixture
def adding_a_column(tmp_path):
    directory = tmp_path / "migrations"
    directory.mkdir()
    (directory / "0001_nickname.sql").write_text("ALTER TABLE people ADD COLUMN nickname text")
    return directory


async def reading_in_a_long_transaction(reading: asyncpg.Connection) -> None:
    """What a report or a slow request does: its transaction holds the table (ACCESS SHARE) until it ends."""
    await reading.execute("BEGIN")
    await reading.fetch("SELECT * FROM people")


async def a_lock_waited_for(pool: asyncpg.Pool) -> bool:
    return await pool.fetchval("SELECT count(*) FROM pg_locks WHERE NOT granted") > 0


async def test_a_migration_waiting_for_a_lock_gives_way_to_the_queries_it_would_hold_up_and_tries_again(
    a_database, adding_a_column, caplog
):
    pool, reading = a_database
    await reading_in_a_long_transaction(reading)
    with caplog.at_level(logging.WARNING, logger="plumbing.db"):
        migrating = asyncio.ensure_future(migrate(pool, adding_a_column, lock_timeout_seconds=0.3))
        await eventually(lambda: a_lock_waited_for(pool), timeout=5, interval=0.02, what="the ALTER to wait for its lock")
        # A query of the table, as a serving instance makes one: it waits behind the ALTER until that gives up.
        assert await asyncio.wait_for(pool.fetchval("SELECT count(*) FROM people"), 3) == 0
        await reading.execute("COMMIT")
        applied = await asyncio.wait_for(migrating, 30)
    nickname = f"{adding_a_column.parent.name}/0001_nickname.sql"  # a service's namespace is its package's name
    assert applied == [nickname]
    waited = [r for r in caplog.records if "lock" in r.getMessage()]
    assert waited and waited[0].migration == nickname


async def test_a_migration_that_never_gets_its_lock_fails_naming_itself_and_applies_nothing(
    a_database, adding_a_column
):
    pool, reading = a_database
    await reading_in_a_long_transaction(reading)
    with pytest.raises(asyncpg.LockNotAvailableError, match="0001_nickname.sql"):
        await asyncio.wait_for(migrate(pool, adding_a_column, lock_timeout_seconds=0.1, attempts=2), 30)
    await reading.execute("COMMIT")
    assert await pool.fetchval("SELECT count(*) FROM information_schema.columns WHERE column_name = 'nickname'") == 0


async def test_a_migration_that_fails_names_itself_and_applies_nothing(a_database, adding_a_column, caplog):
    pool, _ = a_database
    (adding_a_column / "0002_broken.sql").write_text("SELECT 1/0")
    with caplog.at_level(logging.ERROR, logger="plumbing.db"), pytest.raises(RuntimeError, match="0002_broken.sql"):
        await migrate(pool, adding_a_column)
    assert [r.migration for r in caplog.records] == [f"{adding_a_column.parent.name}/0002_broken.sql"]
    assert await pool.fetchval("SELECT count(*) FROM information_schema.columns WHERE column_name = 'nickname'") == 0
