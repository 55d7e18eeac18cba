"""A real PostgreSQL server: databases are created on it and queried with asyncpg."""

import tempfile

import asyncpg
from devinfra.postgres import PostgresServer
from devinfra.processes import live_members


async def test_a_created_database_can_be_queried(postgres_server):
    dsn = postgres_server.create_database("devinfra_query_test", recreate=True)

    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("CREATE TABLE greetings (text text)")
        await connection.execute("INSERT INTO greetings VALUES ('hello')")
        assert await connection.fetchval("SELECT text FROM greetings") == "hello"
        assert await connection.fetchval("SELECT current_database()") == "devinfra_query_test"
        assert int(await connection.fetchval("SHOW server_version_num")) >= 150000
    finally:
        await connection.close()


async def test_creating_a_database_again_keeps_it_and_recreating_empties_it(postgres_server):
    dsn = postgres_server.create_database("devinfra_recreate_test", recreate=True)
    connection = await asyncpg.connect(dsn)
    await connection.execute("CREATE TABLE kept (id int)")
    await connection.close()

    assert postgres_server.create_database("devinfra_recreate_test") == dsn
    connection = await asyncpg.connect(dsn)
    assert await connection.fetchval("SELECT to_regclass('kept') IS NOT NULL")
    await connection.close()

    postgres_server.create_database("devinfra_recreate_test", recreate=True)
    connection = await asyncpg.connect(dsn)
    assert await connection.fetchval("SELECT to_regclass('kept') IS NULL")
    await connection.close()


def test_a_stopped_server_leaves_no_postgres_process_behind():
    with tempfile.TemporaryDirectory() as data_dir:
        server = PostgresServer(data_dir, fast=True).start()
        pid = server.pid
        assert live_members(pid)

        server.stop()
        server.stop()  # a second stop is a no-op

        assert not live_members(pid)
