"""The mentorship report's columns count mentees, each once however many pairings or enrollments they hold: on the
real database."""

from __future__ import annotations

from uuid import uuid4

import pytest
from matching.adapters.repositories.people import PostgresPeople
from matching.adapters.repositories.reports import PostgresReports
from matching.bootstrap import MIGRATIONS
from plumbing.db import PLUMBING_MIGRATIONS, create_pool, migrate

from .test_live_counts import enrol, pair, profile


@pytest.fixture
async def pool(matching_settings):
    pool = await create_pool(matching_settings.database_url, 2)
    await migrate(pool, PLUMBING_MIGRATIONS, MIGRATIONS)
    yield pool
    await pool.close()


async def test_each_column_counts_a_mentee_once_whatever_their_pairings_and_kinds_of_mentorship(pool):
    program = uuid4()
    async with pool.acquire() as conn:
        mentor = await enrol(conn, program, "mentor")
        waits_again, paired_anew, two_kinds, completed_twice = uuid4(), uuid4(), uuid4(), uuid4()
        for mentee in (waits_again, paired_anew, two_kinds, completed_twice):
            await profile(conn, mentee)
        # Their mentorship ended: they wait again.
        await pair(conn, program, await enrol(conn, program, "mentee", waits_again), mentor, status="ended")
        # Ended twice, paired again since.
        enrollment = await enrol(conn, program, "mentee", paired_anew)
        for status in ("ended", "ended", "active"):
            await pair(conn, program, enrollment, mentor, status=status)
        # Waiting for two kinds of mentorship, with an enrollment for each.
        for kind in ("clinical", "research"):
            await enrol(conn, program, "mentee", two_kinds, pairing_kind=kind)
        # Two mentorships run to their end: resting since.
        enrollment = await enrol(conn, program, "mentee", completed_twice)
        for _ in range(2):
            await pair(conn, program, enrollment, mentor, status="completed")
        await PostgresPeople(conn).rest(enrollment)

        counts = await PostgresReports(conn).mentorships([program])

    assert counts[program]["undergraduate"] == {"waiting": 2, "paired": 3, "active": 1, "completed": 1,
                                                "ended_early": 2}
