"""Each enrollment's count of live pairings and whether its person's profile has arrived (migration 0008), kept by
the statements that change them, on the real database: always what counting the pairings and profiles would say."""

from __future__ import annotations

import asyncio
import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import pytest
from matching.adapters.repositories.people import PostgresPeople
from matching.adapters.repositories.waitlist import PostgresWaitlist
from matching.bootstrap import MIGRATIONS
from plumbing.db import PLUMBING_MIGRATIONS, create_pool, migrate


async def enrol(conn: asyncpg.Connection, program: UUID, role: str, person: UUID | None = None, *,
                enrolled_at: datetime | None = None, pairing_kind: str = "general") -> UUID:
    enrollment = uuid4()
    await PostgresPeople(conn).save_enrollment(
        enrollment_id=enrollment, person_id=person or uuid4(), program_id=program, chapter_id=None, role=role,
        stage="resident" if role == "mentor" else "undergraduate", capacity=4, mentee_stages_welcome=[],
        approved=True, enrolled_at=enrolled_at or datetime.now(UTC), pairing_kind=pairing_kind)
    return enrollment


async def profile(conn: asyncpg.Connection, person: UUID) -> None:
    await PostgresPeople(conn).save_profile(
        person, stage="undergraduate", specialties=[], support_areas=[], languages=["en"], timezone="UTC",
        region=None, modalities=[], identity={}, identity_wishes=[])


async def pair(conn: asyncpg.Connection, program: UUID, mentee: UUID, mentor: UUID, status: str = "active") -> UUID:
    pairing = uuid4()
    await conn.execute(
        """INSERT INTO pairings (id, program_id, mentee_enrollment_id, mentor_enrollment_id, mentee_id, mentor_id,
                                 status, origin, score, reasons)
           SELECT $1, $2, $3, $4, (SELECT person_id FROM enrollments WHERE id = $3),
                  (SELECT person_id FROM enrollments WHERE id = $4), $5, 'registration', 50, '{}'""",
        pairing, program, mentee, mentor, status)
    return pairing


async def kept_apart_from_truth(conn: asyncpg.Connection, program: UUID) -> list[dict]:
    """Enrollments whose kept count or flag differs from what counting says (none, when they are kept right)."""
    rows = await conn.fetch(
        """SELECT id, role, live_pairings, profiled,
                  (SELECT count(*) FROM pairings x WHERE x.status IN ('proposed', 'active')
                      AND (x.mentee_enrollment_id = e.id OR x.mentor_enrollment_id = e.id)) AS counted,
                  EXISTS (SELECT 1 FROM matching_profiles p WHERE p.person_id = e.person_id) AS has_profile
             FROM enrollments e WHERE program_id = $1""", program)
    assert rows, "the program has enrollments"
    return [dict(r) for r in rows if r["live_pairings"] != r["counted"] or r["profiled"] != r["has_profile"]]


@pytest.fixture
async def pool(matching_settings):
    pool = await create_pool(matching_settings.database_url, 4)
    await migrate(pool, PLUMBING_MIGRATIONS, MIGRATIONS)
    yield pool
    await pool.close()


async def test_live_pairings_are_counted_as_pairings_are_written_closed_and_deleted(pool):
    program = uuid4()
    async with pool.acquire() as conn:
        mentors = [await enrol(conn, program, "mentor") for _ in range(3)]
        mentees = [await enrol(conn, program, "mentee") for _ in range(8)]
        # A round's pairings are written by COPY, a registration's by one INSERT.
        await conn.copy_records_to_table(
            "pairings", columns=["id", "program_id", "mentee_enrollment_id", "mentor_enrollment_id", "mentee_id",
                                 "mentor_id", "status", "origin", "score", "reasons"],
            records=[(uuid4(), program, mentee, mentors[i % 2], uuid4(), uuid4(), "proposed", "round", 60, [])
                     for i, mentee in enumerate(mentees[:4])])
        single = await pair(conn, program, mentees[4], mentors[2])
        declined = await pair(conn, program, mentees[5], mentors[2], status="declined")
        assert await kept_apart_from_truth(conn, program) == []
        assert await conn.fetchval("SELECT live_pairings FROM enrollments WHERE id = $1", mentors[0]) == 2

        await conn.execute("UPDATE pairings SET status = 'active' WHERE mentor_enrollment_id = $1", mentors[0])
        await conn.execute("UPDATE pairings SET last_met_at = now() WHERE id = $1", single)  # not a change of status
        await conn.execute("UPDATE pairings SET status = 'ended' WHERE id = $1", single)
        await conn.execute("UPDATE pairings SET status = 'active' WHERE id = $1", declined)  # back to live
        await conn.execute("UPDATE pairings SET mentor_enrollment_id = $2 WHERE mentor_enrollment_id = $1",
                           mentors[1], mentors[2])  # moved to another mentor
        assert await kept_apart_from_truth(conn, program) == []

        await conn.execute("DELETE FROM pairings WHERE mentee_enrollment_id = $1", mentees[0])
        await conn.execute("DELETE FROM enrollments WHERE id = $1", mentors[2])  # its pairings go with it
        assert await kept_apart_from_truth(conn, program) == []
        assert await conn.fetchval("SELECT live_pairings FROM enrollments WHERE id = $1", mentors[0]) == 1


async def test_two_transactions_pairing_one_mentor_at_once_both_count(pool):
    program = uuid4()
    async with pool.acquire() as conn:
        mentor = await enrol(conn, program, "mentor")
        mentees = [await enrol(conn, program, "mentee") for _ in range(2)]
    first, second = await pool.acquire(), await pool.acquire()
    try:
        one, two = first.transaction(), second.transaction()
        await one.start()
        await two.start()
        await pair(first, program, mentees[0], mentor)
        # The second's count waits for the first's row, then adds to what the first committed.
        adding = asyncio.create_task(pair(second, program, mentees[1], mentor))
        await one.commit()
        await asyncio.wait_for(adding, 10)
        await two.commit()
    finally:
        await pool.release(first)
        await pool.release(second)
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT live_pairings FROM enrollments WHERE id = $1", mentor) == 2
        assert await kept_apart_from_truth(conn, program) == []


async def test_an_enrollment_is_profiled_whichever_of_it_and_its_profile_comes_first_until_the_profile_goes(pool):
    program = uuid4()
    early, late = uuid4(), uuid4()
    async with pool.acquire() as conn:
        await profile(conn, early)
        await enrol(conn, program, "mentee", early)  # the profile first
        await enrol(conn, program, "mentee", late)
        assert [r["profiled"] for r in await conn.fetch(
            "SELECT profiled FROM enrollments WHERE program_id = $1 ORDER BY person_id = $2 DESC", program, early)
        ] == [True, False]
        await profile(conn, late)  # then the enrollment's profile
        assert await kept_apart_from_truth(conn, program) == []
        await conn.execute("DELETE FROM matching_profiles WHERE person_id = $1", early)
        assert await conn.fetchval("SELECT profiled FROM enrollments WHERE person_id = $1", early) is False
        assert await kept_apart_from_truth(conn, program) == []


async def test_an_enrollment_is_active_exactly_while_neither_withdrawn_suspended_nor_paused(pool):
    """The availability trigger fires only when those are written (migration 0009), not at every live count, and
    still derives `active` from them however they are written."""
    program = uuid4()
    async with pool.acquire() as conn:
        mentor = await enrol(conn, program, "mentor")
        mentee = await enrol(conn, program, "mentee")
        active = "SELECT active FROM enrollments WHERE id = $1"
        await pair(conn, program, mentee, mentor)
        assert await conn.fetchval(active, mentor) is True
        for flag in ("withdrawn", "suspended", "paused"):
            await conn.execute(f"UPDATE enrollments SET {flag} = true WHERE id = $1", mentor)
            assert await conn.fetchval(active, mentor) is False, flag
            await conn.execute("UPDATE enrollments SET live_pairings = live_pairings + 1 WHERE id = $1", mentor)
            await conn.execute("UPDATE enrollments SET active = true WHERE id = $1", mentor)  # derived, not set
            assert await conn.fetchval(active, mentor) is False, flag
            await conn.execute(f"UPDATE enrollments SET {flag} = false WHERE id = $1", mentor)
            assert await conn.fetchval(active, mentor) is True, flag
        async with conn.transaction():
            await conn.execute("SET LOCAL track_functions = 'pl'")
            await pair(conn, program, await enrol(conn, program, "mentee"), mentor)  # two live counts change
            assert await conn.fetchval("SELECT calls FROM pg_stat_xact_user_functions"
                                       " WHERE funcname = 'enrollment_availability'") == 1  # the enrollment's insert


async def test_the_counts_start_from_the_pairings_and_profiles_already_there(matching_settings, tmp_path: Path):
    """A database migrated before 0008: the migration counts what it holds."""
    before = tmp_path / "matching" / "migrations"
    before.mkdir(parents=True)
    for script in sorted(MIGRATIONS.glob("*.sql")):
        if script.name < "0008":
            shutil.copy(script, before)
    pool = await create_pool(matching_settings.database_url, 2)
    try:
        await migrate(pool, PLUMBING_MIGRATIONS, before)
        program = uuid4()
        async with pool.acquire() as conn:
            # As the repository of then wrote them: today's writes assume the tables of later migrations.
            mentor, mentor_enrollment, mentees = uuid4(), uuid4(), [uuid4() for _ in range(3)]
            await conn.execute("""INSERT INTO matching_profiles (person_id, stage, specialties, support_areas, languages,
                                                             timezone, modalities)
                                  VALUES ($1, 'resident', '{}', '{}', '{en}', 'UTC', '{}')""", mentor)
            for enrollment, person, role in ((mentor_enrollment, mentor, "mentor"),
                                             *((m, uuid4(), "mentee") for m in mentees)):
                await conn.execute(
                    """INSERT INTO enrollments (id, person_id, program_id, role, stage, capacity, mentee_stages_welcome,
                                                approved, enrolled_at, waiting_since)
                       VALUES ($1, $2, $3, $4, 'undergraduate', 4, '{}', true, now(), now())""",
                    enrollment, person, program, role)
            await pair(conn, program, mentees[0], mentor_enrollment)
            await pair(conn, program, mentees[1], mentor_enrollment, status="proposed")
            await pair(conn, program, mentees[2], mentor_enrollment, status="ended")
        assert (await migrate(pool, PLUMBING_MIGRATIONS, MIGRATIONS))[0] == "matching/0008_live_counts.sql"
        async with pool.acquire() as conn:
            assert await kept_apart_from_truth(conn, program) == []
            assert await conn.fetchval("SELECT live_pairings FROM enrollments WHERE id = $1", mentor_enrollment) == 2
    finally:
        await pool.close()


async def test_the_places_told_to_a_batch_are_their_places_in_the_whole_waitlist(pool):
    """Places are counted from the waitlist's index, once per queue for a batch: the same as numbering it all."""
    program, rng = uuid4(), random.Random(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    async with pool.acquire() as conn:
        mentor = await enrol(conn, program, "mentor")
        mentees = []
        for i in range(60):
            person = uuid4()
            if rng.random() < 0.9:  # the others wait for their profile: not on the waitlist yet
                await profile(conn, person)
            # Some enrolled at the same moment: the queue's order is then the enrollment's id.
            mentees.append(await enrol(conn, program, "mentee", person, enrolled_at=start + timedelta(minutes=i // 2),
                                       pairing_kind=rng.choice(["clinical", "research"])))
        for mentee in rng.sample(mentees, 6):
            await pair(conn, program, mentee, mentor)
        waitlist = PostgresWaitlist(conn)
        await waitlist.mark_announced(rng.sample(mentees, 10))
        whole = {e["enrollment_id"]: e for e in await waitlist.entries(program)}
        for batch in (rng.sample(mentees, 12), mentees[-8:], [mentees[0]], mentees):
            told = await waitlist.unannounced(program, batch)
            expected = [e for e in whole.values() if e["enrollment_id"] in batch and not e["waitlist_announced"]]
            assert [(t["enrollment_id"], t["pairing_kind"], t["position"]) for t in told] == [
                (e["enrollment_id"], e["pairing_kind"], e["position"]) for e in expected]
            assert told, "each batch has someone not told yet"
