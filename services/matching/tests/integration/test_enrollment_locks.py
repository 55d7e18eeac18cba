"""The person's lock, taken with the enrollment's write in one statement, on the real database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from uuid import uuid4

from matching.adapters.repositories.people import PostgresPeople
from matching.bootstrap import MIGRATIONS
from plumbing.db import PLUMBING_MIGRATIONS, create_pool, migrate
from plumbing.testing import eventually


async def test_an_enrollment_written_with_the_persons_lock_waits_for_whoever_holds_that_lock(matching_settings):
    pool = await create_pool(matching_settings.database_url, 3)
    person, program, enrollment = uuid4(), uuid4(), uuid4()
    try:
        await migrate(pool, PLUMBING_MIGRATIONS, MIGRATIONS)
        async with pool.acquire() as holder, holder.transaction():
            await PostgresPeople(holder).lock(person)  # as the person's matching profile handler takes it

            async def write() -> None:
                async with pool.acquire() as conn, conn.transaction():
                    await PostgresPeople(conn).save_enrollment(
                        enrollment_id=enrollment, person_id=person, program_id=program, chapter_id=None,
                        role="mentee", stage="undergraduate", capacity=1, mentee_stages_welcome=[], approved=True,
                        enrolled_at=datetime.now(UTC), lock_person=True)

            writing = asyncio.create_task(write())
            async with pool.acquire() as observer:
                async def waiting_for_the_lock() -> bool:
                    return bool(await observer.fetchval(
                        """SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"""))

                await eventually(waiting_for_the_lock, timeout=10, what="the write to wait for the person's lock")
            assert not writing.done()
        await asyncio.wait_for(writing, 10)  # the lock released: the enrollment is written
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT person_id FROM enrollments WHERE id = $1", enrollment) == person
    finally:
        await pool.close()
