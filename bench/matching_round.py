"""Benchmark: a matching round from the read model in PostgreSQL to proposals written and events in the outbox.

    uv run python bench/matching_round.py [--sizes 1000,5000,20000,50000] [--top-k 16]

For each size (mentees; mentors are 30% of that, capacities 1-4) it loads a synthetic read model into a fresh
database, then, in a child process (so its peak memory is the round's alone), runs the round exactly as the
service's background job does, then publishes the draft, and prints wall time (of the draft alone too), how long a
fixed pure-Python loop took just before (the machine's speed at the time), and peak RSS. It then computes the
optimum of the same candidate graph directly with OR-Tools' linear solver (the LP of a bipartite b-matching has an
integral optimum; a different algorithm from the Hungarian method the round uses), and, up to 5,000 mentees, the
optimum of a graph four times wider, to show what the top-K pruning costs. Uses DATABASE_URL's server if set, else
starts a throwaway PostgreSQL with devinfra.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
from matching.adapters.identity_hashing import IdentityHasher
from matching.bootstrap import MIGRATIONS
from mentorship_contracts.vocabulary import Specialty, SupportArea
from plumbing.db import PLUMBING_MIGRATIONS, migrate

MENTOR_STAGES = ["medical_student_3", "medical_student_4", "resident", "fellow", "attending"]
MENTEE_STAGES = ["high_school", "undergraduate", "post_baccalaureate", "medical_student_1"]
ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]


async def load(dsn: str, mentees: int, method: str = "optimal", seed: int = 1) -> str:
    rng = random.Random(seed)
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    await migrate(pool, PLUMBING_MIGRATIONS, MIGRATIONS)
    program = uuid4()
    async with pool.acquire() as conn:
        await conn.execute(
            """INSERT INTO programs (id, pairing_mode, both_must_accept, minimum_score, term_months, cadence_max_days,
                                     format, mentee_stages, mentor_stages)
               VALUES ($1, 'rounds', false, 30, 12, 60, 'one_to_one', $2, $3)""",
            program, MENTEE_STAGES, MENTOR_STAGES,
        )
        specialties, support = [s.value for s in Specialty], [s.value for s in SupportArea]
        start = datetime(2026, 1, 1, tzinfo=UTC)
        profiles, enrollments = [], []
        for i in range(mentees + int(mentees * 0.3)):
            mentor = i >= mentees
            person, stage = uuid4(), rng.choice(MENTOR_STAGES if mentor else MENTEE_STAGES)
            identity = {"first_generation": "yes"} if rng.random() < 0.3 else {}
            wishes = (
                [{"attribute": "first_generation", "required": False}]
                if identity and not mentor and rng.random() < 0.5 else []
            )
            profiles.append((person, stage, rng.sample(specialties, rng.randint(1, 3)), rng.sample(support, rng.randint(1, 4)),
                             ["en"] + (["es"] if rng.random() < 0.2 else []), rng.choice(ZONES), None,
                             rng.choice([["virtual"], ["in_person", "virtual"]]), json.dumps(identity), json.dumps(wishes),
                             # A mentor's attribute meets a wish only where they show it to a partner.
                             list(identity) if mentor else []))
            enrollments.append((uuid4(), person, program, "mentor" if mentor else "mentee", stage,
                                rng.randint(1, 4) if mentor else 1, [], True, start + timedelta(seconds=i),
                                start + timedelta(seconds=i)))
        await conn.copy_records_to_table(
            "matching_profiles", records=profiles,
            columns=["person_id", "stage", "specialties", "support_areas", "languages", "timezone", "region",
                     "modalities", "identity", "identity_wishes", "shown_to_partner"])
        await conn.copy_records_to_table(
            "enrollments", records=enrollments,
            columns=["id", "person_id", "program_id", "role", "stage", "capacity", "mentee_stages_welcome", "approved",
                     "enrolled_at", "waiting_since"])
        await conn.execute("ANALYZE")
        await conn.execute("INSERT INTO rounds (id, program_id, method, most_pairs_first) VALUES ($1, $2, $3, false)",
                           uuid4(), program, method)
    await pool.close()
    return str(program)


async def run_round(dsn: str) -> dict:
    """The service's own round job, once; also how many times it priced the pairs left out of the graph."""
    from matching.adapters.solver import compile_ahead, optimal_assignment
    from matching.service_layer import rounds
    from matching.service_layer.rosters import RosterCache
    from matching.service_layer.unit_of_work import MatchingUnitOfWork

    gc.freeze()  # what importing made, out of the collector's sight, as the service does once started (plumbing.serve)
    compile_ahead()  # the solver compiled or loaded from numba's cache, as the service does once started (jobs.py)
    seen: dict = {}

    def counted(solve):
        def solving(graph, *args):
            edges_before = len(graph.heads)
            chosen = solve(graph, *args)
            seen.update(pricing_passes=graph.pricing_passes, edges_added=len(graph.heads) - edges_before)
            return chosen
        return solving

    rounds.stable_matching = counted(rounds.stable_matching)  # type: ignore[assignment]
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
    started = time.perf_counter()
    cache, hasher = RosterCache(), IdentityHasher(new_key())

    def unit_of_work() -> MatchingUnitOfWork:
        return MatchingUnitOfWork(pool, rosters=cache, identity_hasher=hasher, answer_within_days=14)

    round_id = await rounds.run_next_round(unit_of_work, counted(optimal_assignment))
    drafted = time.perf_counter() - started
    # A round drafts; publishing it writes the proposals (as the round itself did before rounds were reviewed).
    from plumbing.auth import Principal, Role
    assert round_id is not None
    await rounds.publish(round_id, unit_of_work(), Principal(subject="bench", role=Role.ADMIN))
    wall = time.perf_counter() - started
    async with pool.acquire() as conn:
        result = dict(await conn.fetchrow(
            "SELECT paired, unpaired, total_score, unpaired_reasons FROM rounds WHERE id = $1", round_id
        ))
        result["outbox"] = await conn.fetchval("SELECT count(*) FROM outbox")
        result["proposals"] = await conn.fetchval("SELECT count(*) FROM pairings WHERE round_id = $1", round_id)
    await pool.close()
    return result | seen | {"wall_seconds": round(wall, 2), "draft_seconds": round(drafted, 2),
                            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def reference_seconds() -> float:
    """A fixed pure-Python loop's wall time: how fast this machine is just now. A busy host can slow a guest without
    the hypervisor counting any time as stolen; this shows it."""
    started, total = time.perf_counter(), 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - started


def stolen_seconds() -> float:
    """CPU time the hypervisor gave other guests (the `steal` column of /proc/stat), in seconds."""
    with open("/proc/stat") as stat:
        fields = stat.readline().split()
    return int(fields[8]) / os.sysconf("SC_CLK_TCK")


async def reference_totals(dsn: str, program: str, top_k: int, method: str, whole: bool
                           ) -> tuple[int, int, int | None]:
    """What the round is measured against, in the rankings the solver maximises (the `total_score` a round reports
    is of the visible scores, without identity): the best total over the top-K graph alone, as rounds were before
    column generation (for the optimal round, its exact optimum by OR-Tools' GLOP on the b-matching LP, integral
    since bipartite: a different algorithm from the round's; for the stable round, the stable matching of that
    graph); the round's own total; and, when `whole`, the same over every qualified pair, unpruned."""
    from matching.adapters.solver import optimal_assignment
    from matching.domain.rounds import candidate_graph, stable_matching
    from matching.domain.scoring import fit
    from matching.service_layer.rosters import RosterCache
    from matching.service_layer.unit_of_work import MatchingUnitOfWork

    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2)
    async with MatchingUnitOfWork(pool, rosters=RosterCache(), identity_hasher=IdentityHasher(new_key()),
                                  answer_within_days=14) as uow:
        rules = await uow.programs.get(UUID(program))
        assert rules is not None, f"no program {program}"
        chosen = await uow.conn.fetch(
            "SELECT mentee_enrollment_id, mentor_enrollment_id FROM pairings WHERE program_id = $1", rules.id)
        # Every mentee, paired by the round or not: the round saw them all as waiting.
        await uow.conn.execute("UPDATE pairings SET status = 'declined_for_benchmark' WHERE program_id = $1", rules.id)
        mentees = await uow.candidates.in_program(rules, "mentee", waiting_only=True)
        mentors = await uow.candidates.in_program(rules, "mentor")
        weights = await uow.programs.weights(rules.id)
        await uow.rollback()
    await pool.close()
    by_enrollment = {c.enrollment_id: c for c in mentees + mentors}
    round_total = sum(fit(by_enrollment[r["mentee_enrollment_id"]], by_enrollment[r["mentor_enrollment_id"]],
                          weights).ranking for r in chosen)
    graph = candidate_graph(rules, weights, mentees, mentors, 0, top_k=top_k)
    graph.pricer = None  # the top-K graph alone
    pruned = int(graph.scores[stable_matching(graph)].sum()) if method == "stable" else linear_optimum(graph)
    whole_total = None
    if whole:
        everything = candidate_graph(rules, weights, mentees, mentors, 0, top_k=len(mentors))
        everything.pricer = None
        solve = stable_matching if method == "stable" else optimal_assignment
        whole_total = int(everything.scores[solve(everything)].sum())
    return pruned, round_total, whole_total


def linear_optimum(graph) -> int:
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    x = [solver.NumVar(0, 1, "") for _ in range(len(graph.heads))]
    by_mentee: dict[int, list] = {}
    by_mentor: dict[int, list] = {}
    for e, var in enumerate(x):
        by_mentee.setdefault(int(graph.heads[e]), []).append(var)
        by_mentor.setdefault(int(graph.tails[e]), []).append(var)
    for variables in by_mentee.values():
        solver.Add(sum(variables) <= 1)
    for j, variables in by_mentor.items():
        solver.Add(sum(variables) <= int(graph.room[j]))
    solver.Maximize(sum(int(graph.scores[e]) * var for e, var in enumerate(x)))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        raise RuntimeError("the LP did not reach its optimum")
    return round(solver.Objective().Value())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000,20000,50000")
    parser.add_argument("--top-k", type=int, default=16)
    parser.add_argument("--method", choices=["optimal", "stable"], default="optimal")
    parser.add_argument("--whole-up-to", type=int, default=2000,
                        help="also solve the whole graph without pruning, to check the round, up to this size")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(run_round(args.child)), default=str))
        return

    server, data_dir = None, None
    admin_dsn = os.environ.get("DATABASE_URL")
    if not admin_dsn:
        from devinfra.postgres import PostgresServer

        data_dir = tempfile.mkdtemp(prefix="bench-postgres-")
        server = PostgresServer(data_dir, fast=True).start()
        admin_dsn = server.admin_dsn
    from devinfra.postgres import PostgresAdmin

    admin = server or PostgresAdmin(admin_dsn)
    try:
        print(f"cores: {os.cpu_count()}  method: {args.method}  graph starts at top-K per mentee: {args.top_k}")
        print(f"{'mentees':>8} {'mentors':>8} {'wall s':>7} {'draft s':>7} {'steal s':>7} {'ref s':>6} {'peak MiB':>8} "
              f"{'paired':>7} "
              f"{'ranked':>9} {'passes':>6} {'+edges':>7} {'top-K opt':>10} {'gain':>7} {'whole':>9}  unpaired")
        for size in (int(s) for s in args.sizes.split(",")):
            dsn = admin.create_database(f"bench_round_{size}_{uuid4().hex[:6]}")
            program = asyncio.run(load(dsn, size, args.method))
            reference = reference_seconds()
            steal_before = stolen_seconds()
            child = subprocess.run([sys.executable, __file__, "--child", dsn], capture_output=True, text=True, check=True)
            steal = stolen_seconds() - steal_before
            result = json.loads(child.stdout.strip().splitlines()[-1])
            pruned, ranked, whole = asyncio.run(reference_totals(dsn, program, args.top_k, args.method,
                                                                 size <= args.whole_up_to))
            gain = (ranked - pruned) / pruned if pruned else 0.0
            print(f"{size:>8} {int(size * 0.3):>8} {result['wall_seconds']:>7} {result['draft_seconds']:>7} {steal:>7.1f} "
                  f"{reference:>6.2f} {result['peak_rss_mib']:>8} "
                  f"{result['paired']:>7} {ranked:>9} {result.get('pricing_passes', 0):>6} "
                  f"{result.get('edges_added', 0):>7} {pruned:>10} {gain:>+7.2%} "
                  f"{whole if whole is not None else '-':>9}  {result['unpaired_reasons']}", flush=True)
    finally:
        if server:
            server.stop()
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
