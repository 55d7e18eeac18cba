"""Benchmark: the console home's reads across every program at national scale (not a test; prints figures).

    uv run python bench/console_home.py [--enrollments 300000] [--programs 1000] [--chapters 100] [--calls 20]
                                        [--without-indexes]

The console's home asks each service once for every program of a coordinator's chapters: matching for those held
back for not answering (`GET /v1/not-answering`) and for draft rounds (`GET /v1/rounds?status=draft`), profiles for
mentors waiting for approval (`GET /v1/enrollments/counts`). Each is one statement over the service's whole table.

Starts its own PostgreSQL (durability off), makes a matching and a profiles database with the services' own
migrations, and fills them as a national deployment would be: `--chapters` chapters, `--programs` programs spread
over them, `--enrollments` enrollments in each service (a quarter mentors; 1 in 50 with one lapse unanswered and
1 in 100 with two, 1 in 10 withdrawn; 1 in 400 waiting for approval), 20 rounds per program (1 in 100 a draft).
Then it times the services' own repository methods, as the handlers call them, for a coordinator of 3 chapters and
for an administrator (every program), each `--calls` times on one connection (asyncpg prepares each statement once
and PostgreSQL plans it for its arguments at first, then may keep a generic plan: both are in the figure).
`--without-indexes` drops the partial indexes the reads were given (matching 0019, profiles 0012) first, to
compare. Prints the median and slowest call in ms and the CPU the hypervisor stole meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from uuid import UUID

import asyncpg
from cputime import machine_jiffies
from plumbing.db import PLUMBING_MIGRATIONS, migrate

ROUNDS_PER_PROGRAM = 20


def chapter(n: int) -> UUID:
    return UUID(int=(1 << 64) + n)


def program(n: int) -> str:
    """SQL for the n-th program's id, n an SQL expression in 0..programs-1."""
    return f"('00000000-0000-0000-0000-' || lpad(({n})::text, 12, '0'))::uuid"


def chapter_sql(n: str) -> str:
    return f"('00000000-0000-0001-0000-' || lpad(({n})::text, 12, '0'))::uuid"


async def fill_matching(conn: asyncpg.Connection, enrollments: int, programs: int, chapters: int) -> None:
    await conn.execute(f"""
        INSERT INTO programs (id, chapter_id, pairing_mode, both_must_accept, minimum_score, term_months,
                              cadence_max_days, format, mentee_stages, mentor_stages)
        SELECT {program('g')}, {chapter_sql(f'g % {chapters}')}, 'rounds', false, 0, 12, 30, 'virtual', '{{}}', '{{}}'
          FROM generate_series(0, {programs - 1}) g;
        INSERT INTO enrollments (id, person_id, program_id, role, stage, capacity, mentee_stages_welcome, approved,
                                 enrolled_at, waiting_since, withdrawn, unanswered_in_a_row)
        SELECT gen_random_uuid(), gen_random_uuid(), {program(f'g % {programs}')},
               CASE WHEN g % 4 = 0 THEN 'mentor' ELSE 'mentee' END, 'pre_med', 2, '{{}}', true, now(), now(),
               g % 10 = 0, CASE WHEN g % 100 = 0 THEN 2 WHEN g % 50 = 1 THEN 1 ELSE 0 END
          FROM generate_series(1, {enrollments}) g;
        INSERT INTO rounds (id, program_id, method, most_pairs_first, status, requested_at)
        SELECT gen_random_uuid(), {program(f'g % {programs}')}, 'optimal', false,
               CASE WHEN g % 100 = 0 THEN 'draft' ELSE 'published' END, now() - g * interval '1 hour'
          FROM generate_series(1, {programs * ROUNDS_PER_PROGRAM}) g;
        ANALYZE""")


async def fill_profiles(conn: asyncpg.Connection, enrollments: int, programs: int, chapters: int) -> None:
    people = enrollments // 2  # each in two programs
    await conn.execute(f"""
        INSERT INTO chapters (id, name, timezone)
        SELECT {chapter_sql('g')}, 'Chapter ' || g, 'UTC' FROM generate_series(0, {chapters - 1}) g;
        INSERT INTO programs (id, chapter_id, name, mentee_stages, mentor_stages, term_months, cadence_min_days,
                              cadence_max_days, format, pairing_mode, both_must_accept, mentor_approval_required,
                              minimum_score)
        SELECT {program('g')}, {chapter_sql(f'g % {chapters}')}, 'Program ' || g, '{{}}', '{{}}', 12, 7, 30,
               'virtual', 'rounds', false, true, 0
          FROM generate_series(0, {programs - 1}) g;
        INSERT INTO people (id, chapter_id, display_name, email, stage, pronouns_visibility, timezone, is_alumni,
                            specialties, support_areas, languages, modalities)
        SELECT ('00000000-0000-0002-0000-' || lpad(g::text, 12, '0'))::uuid, {chapter_sql(f'g % {chapters}')},
               'Person ' || g, 'person' || g || '@example.org', 'pre_med', 'partners', 'UTC', false,
               '{{}}', '{{}}', '{{}}', '{{}}'
          FROM generate_series(0, {people - 1}) g;
        INSERT INTO enrollments (id, person_id, program_id, role, capacity, mentee_stages_welcome,
                                 preferred_mentor_stages, approval)
        SELECT gen_random_uuid(), ('00000000-0000-0002-0000-' || lpad((g % {people})::text, 12, '0'))::uuid,
               {program(f'(g + (g / {people}) * 7) % {programs}')},
               CASE WHEN g % 4 = 0 THEN 'mentor' ELSE 'mentee' END, 2, '{{}}', '{{}}',
               CASE WHEN g % 400 = 0 THEN 'pending' ELSE 'approved' END
          FROM generate_series(0, {enrollments - 1}) g;
        ANALYZE""")


async def timed(calls: int, read: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        await read()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


async def run(args: argparse.Namespace, matching_dsn: str, profiles_dsn: str) -> None:
    from matching.adapters.repositories.people import PostgresPeople
    from matching.adapters.repositories.rounds import PostgresRounds
    from matching.bootstrap import MIGRATIONS as MATCHING_MIGRATIONS
    from mentorship_contracts.matching import PAUSED_AFTER_UNANSWERED
    from profiles.adapters.console_repository import PostgresConsoleQueries
    from profiles.adapters.repository import PostgresPeople as ProfilesPeople
    from profiles.adapters.sealing import IdentitySealer, new_key
    from profiles.bootstrap import MIGRATIONS as PROFILES_MIGRATIONS
    from profiles.domain.commands import VettingQueue

    for dsn, migrations in ((matching_dsn, MATCHING_MIGRATIONS), (profiles_dsn, PROFILES_MIGRATIONS)):
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=1)
        await migrate(pool, PLUMBING_MIGRATIONS, migrations)
        await pool.close()
    matching = await asyncpg.connect(matching_dsn)
    profiles = await asyncpg.connect(profiles_dsn)
    start = time.perf_counter()
    await fill_matching(matching, args.enrollments, args.programs, args.chapters)
    await fill_profiles(profiles, args.enrollments, args.programs, args.chapters)
    print(f"filled in {time.perf_counter() - start:.0f} s: {args.enrollments:,} enrollments in each service, "
          f"{args.programs:,} programs, {args.chapters} chapters, {args.programs * ROUNDS_PER_PROGRAM:,} rounds")
    if args.without_indexes:
        await matching.execute("DROP INDEX enrollments_not_answering")
        await profiles.execute("DROP INDEX enrollments_pending_approval")
        print("without the partial indexes (matching 0019, profiles 0012)")

    people, rounds = PostgresPeople(matching), PostgresRounds(matching)
    queries = PostgresConsoleQueries(profiles, ProfilesPeople(profiles, IdentitySealer(new_key())))
    machine_before = machine_jiffies()
    print(f"{'read':<32} {'who':<16} {'median':>8} {'slowest':>8}")
    for who, chapters in (("3 chapters", frozenset(chapter(n) for n in (3, 4, 5))), ("every program", None)):
        reads: dict[str, Callable[[], Awaitable[object]]] = {
            "not answering, per program": lambda c=chapters: people.not_answering_counts(c, PAUSED_AFTER_UNANSWERED),
            "draft rounds": lambda c=chapters: rounds.of_chapters(c, "draft", 100),
            "awaiting approval, per program": lambda c=chapters: queries.vetting_counts(
                VettingQueue(chapter_ids=None if c is None else list(c))),
        }
        for name, read in reads.items():
            median, slowest = await timed(args.calls, read)
            print(f"{name:<32} {who:<16} {median:>6.2f} ms {slowest:>6.2f} ms")
    busy, stolen, total = (a - b for a, b in zip(machine_jiffies(), machine_before, strict=True))
    print(f"machine: busy {busy / total:.0%}, stolen by the hypervisor {stolen / total:.1%}")
    await matching.close()
    await profiles.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrollments", type=int, default=300_000)
    parser.add_argument("--programs", type=int, default=1_000)
    parser.add_argument("--chapters", type=int, default=100)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--without-indexes", action="store_true")
    args = parser.parse_args()
    from devinfra.postgres import PostgresServer

    with tempfile.TemporaryDirectory(prefix="console-home-") as data_dir:
        server = PostgresServer(data_dir, fast=True).start()
        try:
            asyncio.run(run(args, server.create_database("matching"), server.create_database("profiles")))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
