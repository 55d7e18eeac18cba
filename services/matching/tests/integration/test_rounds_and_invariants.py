"""Rounds run as background jobs, and the invariants of pairing under concurrent load with two instances."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import asyncpg
from matching.bootstrap import build_app
from plumbing.testing import eventually, serving

from .conftest import client, known_to_matching


async def test_a_coordinator_runs_a_round_follows_its_progress_and_learns_why_the_rest_were_not_paired(
        matching, matching_settings, profiles, observer):
    chapter = uuid4()
    program = await profiles.program(chapter_id=chapter, pairing_mode="rounds")
    mentors = [await profiles.person(program, "mentor", capacity=2) for _ in range(2)]
    mentees = [await profiles.person(program, "mentee") for _ in range(6)]
    await known_to_matching(matching_settings, *mentors)  # the round must see both mentors
    async with client(matching, "coordinator", chapter_id=chapter) as coordinator:
        async def all_waiting():
            return len((await coordinator.get(f"/v1/programs/{program}/waitlist")).json()) == 6

        await eventually(all_waiting, timeout=60, what="six mentees waiting")
        started = await coordinator.post(f"/v1/programs/{program}/rounds", json={"most_pairs_first": True})
        assert started.status_code == 202, started.text

        async def finished():
            found = (await coordinator.get(started.json()["poll"])).json()
            return found if found["status"] == "completed" else None

        result = await eventually(finished, timeout=60, what="the round")
    assert (result["paired"], result["unpaired"], result["progress"]) == (4, 2, 100)
    assert result["unpaired_reasons"] == {"mentors_full": 2}
    completed = (await observer.wait_for(program, "round_completed"))[0]
    assert completed["paired"] == 4 and completed["total_score"] == result["total_score"]
    proposed = await observer.wait_for(program, "pairing_proposed", count=4)
    assert {p["mentee_id"] for p in proposed} <= {str(m) for m in mentees}


async def test_two_instances_under_concurrent_enrollments_keep_capacities_the_cap_and_one_pairing_per_mentee(
        matching_settings, profiles, observer):
    capacities = [1, 2, 3, 4, 1, 2, 3, 4]
    cap = 15
    async with serving(build_app(matching_settings)) as first, serving(build_app(matching_settings)):
        program = await profiles.program(pair_cap=cap)
        people = [profiles.person(program, "mentor", capacity=c) for c in capacities]
        people += [profiles.person(program, "mentee") for _ in range(40)]
        await asyncio.gather(*people)

        async with client(first) as admin:
            async def settled():
                response = await admin.get(f"/v1/programs/{program}/statistics")  # 404 until the program arrives
                stats = response.json()
                return response.status_code == 200 and stats["paired"] == cap and stats["waiting"] == 40 - cap

            await eventually(settled, timeout=90, what="every mentee paired or waiting")
        confirmed = await observer.wait_for(program, "pairing_confirmed", count=cap)

    conn = await asyncpg.connect(matching_settings.database_url)
    try:
        rows = await conn.fetch("""SELECT x.id, x.mentee_enrollment_id, x.mentor_enrollment_id, e.capacity
                                     FROM pairings x JOIN enrollments e ON e.id = x.mentor_enrollment_id
                                    WHERE x.program_id = $1 AND x.status = 'active'""", program)
    finally:
        await conn.close()
    assert len(rows) == cap
    assert len({r["mentee_enrollment_id"] for r in rows}) == cap
    for mentor in {r["mentor_enrollment_id"] for r in rows}:
        taken = [r for r in rows if r["mentor_enrollment_id"] == mentor]
        assert len(taken) <= taken[0]["capacity"]
    # Not lost, not duplicated: one public event for each pairing, and a pairing for each event.
    assert sorted(e["pairing_id"] for e in confirmed) == sorted(str(r["id"]) for r in rows)
