"""Stopping cleanly. A unit of work cancelled anywhere (acquiring, beginning, querying, committing) ends
cancelled, never with an error of the rollback that follows, and gives its connection back: a job's loop retries
any `Exception`, so a cancellation turned into one would keep the job running. And should a job swallow its
cancellation all the same, stopping the service still ends.
"""

from __future__ import annotations

import asyncio
import random

import asyncpg
from plumbing import runtime
from plumbing.unit_of_work import UnitOfWork


async def test_a_unit_of_work_cancelled_at_any_point_ends_cancelled_and_returns_its_connection(postgres_server):
    pool = await asyncpg.create_pool(postgres_server.create_database("plumbing_uow_cancel"), min_size=1, max_size=2)
    async with pool.acquire() as conn:
        await conn.execute("CREATE TABLE IF NOT EXISTS ticks (at timestamptz DEFAULT clock_timestamp())")

    async def work() -> None:
        while True:
            async with UnitOfWork(pool) as uow:
                await uow.conn.execute("INSERT INTO ticks DEFAULT VALUES")
                await uow.commit()

    chance = random.Random(7)
    try:
        for _ in range(150):
            job = asyncio.create_task(work())
            asyncio.get_running_loop().call_later(chance.uniform(0, 0.004), job.cancel)  # at an arbitrary point
            await asyncio.wait([job], timeout=10)
            assert job.done(), "the cancellation was swallowed: the job carried on"
            assert job.cancelled(), f"the cancellation came out as {job.exception()!r}"
        async with pool.acquire(timeout=10) as conn:
            assert await conn.fetchval("SELECT count(*) > 0 FROM ticks")
    finally:
        await asyncio.wait_for(pool.close(), 15)


async def test_a_stopping_service_does_not_hang_on_a_job_that_swallowed_its_cancellation(make_service):
    stopped = asyncio.Event()

    async def stubborn(_figures) -> None:
        try:
            await asyncio.Event().wait()  # a job's work, which never finishes of itself
        except asyncio.CancelledError:
            pass  # what a job does when a library turns its cancellation into an ordinary error it retries
        try:
            await asyncio.Event().wait()
        finally:
            stopped.set()

    service = make_service(background=[stubborn], jobs_stop_seconds=0.5)
    await service.start()
    await asyncio.wait_for(service.stop(), 20)
    assert stopped.is_set()


async def test_a_stopping_service_does_not_hang_on_kafka_clients_that_do_not_stop(make_service, monkeypatch):
    monkeypatch.setattr(runtime, "BROKER_STOP_SECONDS", 0.5)
    service = make_service()
    await service.start()

    async def never_stops(*_args) -> None:
        await asyncio.Event().wait()  # as a consumer leaving its group through a broker that does not answer

    monkeypatch.setattr(service.broker, "stop", never_stops)
    await asyncio.wait_for(service.stop(), 20)
    assert service._pool is None  # it went on to close the database pool
