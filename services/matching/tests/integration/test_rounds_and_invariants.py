"""Rounds run as background jobs, and the invariants of pairing under concurrent load with two instances."""

from __future__ import annotations

import asyncio
from collections import Counter
from uuid import UUID, uuid4

import asyncpg
from matching.adapters.repositories.rounds import PostgresRounds
from matching.bootstrap import build_app
from plumbing.testing import eventually, serving

from .conftest import client, known_to_matching


async def test_a_coordinator_runs_a_round_follows_its_progress_publishes_the_draft_and_learns_why_the_rest_were_not_paired(
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
        # Counted for the console's home page, for the programs of the coordinator's chapter alone.
        assert {"program_id": str(program), "mentees": 6} in (await coordinator.get("/v1/waiting")).json()
        started = await coordinator.post(f"/v1/programs/{program}/rounds", json={"most_pairs_first": True})
        assert started.status_code == 202, started.text

        async def finished():
            found = (await coordinator.get(started.json()["poll"])).json()
            return found if found["status"] == "draft" else None

        result = await eventually(finished, timeout=60, what="the round")
        assert len(result["pairs"]) == 4 and [u["reason_code"] for u in result["unpaired"]] == ["mentors_full"] * 2
        # Two pairs swapped are made by hand; swapped back, they are the engine's again (as stored and read back).
        first = result["pairs"][0]
        other = next(p for p in result["pairs"] if p["mentor_id"] != first["mentor_id"])
        swap = {"mentee_a": first["mentee_id"], "mentee_b": other["mentee_id"]}
        swapped = await coordinator.post(f"/v1/rounds/{result['id']}/swap", json=swap)
        assert swapped.status_code == 200, swapped.text
        assert {p["mentee_id"]: p["by_hand"] for p in swapped.json()["pairs"]}[first["mentee_id"]]
        back = await coordinator.post(f"/v1/rounds/{result['id']}/swap", json=swap)
        assert back.status_code == 200, back.text
        assert {(p["mentee_id"], p["mentor_id"], p["by_hand"]) for p in back.json()["pairs"]} == {
            (p["mentee_id"], p["mentor_id"], False) for p in result["pairs"]}
        published = await coordinator.post(f"/v1/rounds/{result['id']}/publish")
        assert published.status_code == 200, published.text
        result = published.json()
    assert (result["status"], result["paired"], result["unpaired_count"], result["progress"]) == ("published", 4, 2,
                                                                                                  100)
    assert result["unpaired_reasons"] == {"mentors_full": 2}
    completed = (await observer.wait_for(program, "round_completed"))[0]
    assert completed["paired"] == 4 and completed["total_score"] == result["total_score"]
    proposed = await observer.wait_for(program, "pairing_proposed", count=4)
    assert {p["mentee_id"] for p in proposed} <= {str(m) for m in mentees}


async def test_coordinators_running_a_round_at_once_queue_one_and_none_runs_another_while_its_draft_awaits_review(
        matching, matching_settings, profiles):
    chapter = uuid4()
    program = await profiles.program(chapter_id=chapter, pairing_mode="rounds")
    await profiles.person(program, "mentor")
    await profiles.person(program, "mentee")
    async with client(matching, "coordinator", chapter_id=chapter) as coordinator:
        async def known():
            return (await coordinator.get(f"/v1/programs/{program}/rounds")).status_code == 200

        await eventually(known, timeout=60, what="the program known to matching")
        answers = await asyncio.gather(*(coordinator.post(f"/v1/programs/{program}/rounds", json={})
                                         for _ in range(6)))

        assert sorted(a.status_code for a in answers) == [202] + [409] * 5, [a.text for a in answers]
        [started] = [a.json() for a in answers if a.status_code == 202]
        assert {a.json()["error"]["code"] for a in answers if a.status_code == 409} <= {"round_already_running",
                                                                                        "draft_awaiting_review"}

        async def drafted():
            found = (await coordinator.get(started["poll"])).json()
            return found if found["status"] == "draft" else None

        await eventually(drafted, timeout=60, what="the round drafted")
        again = await coordinator.post(f"/v1/programs/{program}/rounds", json={})
        assert again.status_code == 409 and again.json()["error"]["code"] == "draft_awaiting_review", again.text
        assert again.json()["error"]["field"] == "program_id" and started["round_id"] in again.json()["error"]["message"]
        listed = (await coordinator.get(f"/v1/programs/{program}/rounds")).json()
        assert [(r["id"], r["status"]) for r in listed] == [(started["round_id"], "draft")]

        assert (await coordinator.post(f"/v1/rounds/{started['round_id']}/discard")).status_code == 200
        assert (await coordinator.post(f"/v1/programs/{program}/rounds", json={})).status_code == 202


async def test_a_stable_round_in_a_group_program_gives_each_mentor_one_group_of_the_mentees_who_prefer_them(
        matching, matching_settings, profiles, observer):
    chapter = uuid4()
    program = await profiles.program(chapter_id=chapter, pairing_mode="rounds", format="group", group_size=3,
                                     both_must_accept=True)
    pediatrician = await profiles.person(program, "mentor", specialties=["pediatrics"])
    surgeon = await profiles.person(program, "mentor", specialties=["general_surgery"])
    # Three want pediatrics and four surgery: a group of three each, and one surgery mentee left over.
    wants = ["pediatrics"] * 3 + ["general_surgery"] * 4
    mentees = {await profiles.person(program, "mentee", specialties=[w]): w for w in wants}
    await known_to_matching(matching_settings, pediatrician, surgeon, *mentees)
    async with client(matching, "coordinator", chapter_id=chapter) as coordinator:
        started = await coordinator.post(f"/v1/programs/{program}/rounds", json={"method": "stable"})
        assert started.status_code == 202, started.text

        async def finished():
            found = (await coordinator.get(started.json()["poll"])).json()
            return found if found["status"] == "draft" else None

        drafted = await eventually(finished, timeout=60, what="the stable round")
        result = (await coordinator.post(f"/v1/rounds/{drafted['id']}/publish")).json()
    assert (result["paired"], result["unpaired_count"]) == (6, 1)
    proposed = await observer.wait_for(program, "pairing_proposed", count=6)
    assert Counter(p["mentor_id"] for p in proposed) == {str(pediatrician): 3, str(surgeon): 3}
    # Stable: no mentee sits with the mentor they like less while the one they prefer took someone they beat.
    mentor_of = {"pediatrics": str(pediatrician), "general_surgery": str(surgeon)}
    assert all(p["mentor_id"] == mentor_of[mentees[UUID(p["mentee_id"])]] for p in proposed)

    first = proposed[0]
    path = f"/v1/pairings/{first['pairing_id']}"
    async with client(matching, "participant", person_id=first["mentee_id"]) as as_mentee, \
            client(matching, "participant", person_id=first["mentor_id"]) as as_mentor:
        assert (await as_mentee.post(f"{path}/accept")).json()["status"] == "proposed"
        assert (await as_mentor.post(f"{path}/accept")).json()["status"] == "active"
    await observer.wait_for(program, "pairing_confirmed", pairing_id=first["pairing_id"])


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


async def test_two_instances_leave_no_mentee_stranded_whose_profile_and_enrollment_are_published_together(
        matching_settings, profiles, observer):
    """Each mentee's matching profile and enrollment travel on two topics and may be applied at the same moment
    by the two instances: whichever commits second must see the other and pair the mentee. One mentee per
    program, so that no other mentee's event offers room in their program later and hides a stranded one."""
    async with serving(build_app(matching_settings)) as first, serving(build_app(matching_settings)):
        programs = list(await asyncio.gather(*(profiles.program() for _ in range(30))))
        mentors = await asyncio.gather(*(profiles.person(program, "mentor") for program in programs))
        await known_to_matching(matching_settings, *mentors)
        mentees = [uuid4() for _ in programs]

        async def signs_up(mentee: UUID, program: UUID) -> None:
            await asyncio.gather(profiles.profile(mentee, "undergraduate"),
                                 profiles.enroll(mentee, program, "mentee", "undergraduate"))

        await asyncio.gather(*(signs_up(m, p) for m, p in zip(mentees, programs, strict=True)))
        # A mentor with room in each program: every mentee is paired, none left for an event that will not come.
        for mentee, program in zip(mentees, programs, strict=True):
            await observer.wait_for(program, "pairing_confirmed", mentee_id=mentee)
        async with client(first) as admin:
            for program in programs:
                stats = (await admin.get(f"/v1/programs/{program}/statistics")).json()
                assert (stats["active"], stats["waiting"]) == (1, 0)


async def test_two_instances_pair_a_mentee_enrolled_for_two_kinds_once_per_kind_each_with_a_mentor_of_that_kind(
        matching_settings, profiles, observer):
    async with serving(build_app(matching_settings)) as first, serving(build_app(matching_settings)):
        program = await profiles.program(pairing_kinds=["clinical", "research"])
        people = [profiles.person(program, "mentor", capacity=3, kinds=(kind,))
                  for kind in ["clinical", "research"] * 3]
        people += [profiles.person(program, "mentee", kinds=("clinical", "research")) for _ in range(12)]
        await asyncio.gather(*people)

        async with client(first) as admin:
            async def settled():
                response = await admin.get(f"/v1/programs/{program}/statistics")
                stats = response.json()
                return response.status_code == 200 and stats["paired"] == 18 and stats["waiting"] == 6

            await eventually(settled, timeout=90, what="nine pairings of each kind, six enrollments waiting")
            confirmed = await observer.wait_for(program, "pairing_confirmed", count=18)
            # 18 pairings among 12 mentees: some hold two, and their list says which is which.
            twice = next(m for m, n in Counter(e["mentee_id"] for e in confirmed).items() if n == 2)
            listed = (await admin.get(f"/v1/people/{twice}/pairings")).json()
            assert sorted(p["pairing_kind"] for p in listed) == ["clinical", "research"]

    conn = await asyncpg.connect(matching_settings.database_url)
    try:
        rows = await conn.fetch("""SELECT x.id, x.mentee_id, x.mentor_enrollment_id, mentee.pairing_kind AS sought,
                                          mentor.pairing_kind AS offered, mentor.capacity
                                     FROM pairings x JOIN enrollments mentee ON mentee.id = x.mentee_enrollment_id
                                     JOIN enrollments mentor ON mentor.id = x.mentor_enrollment_id
                                    WHERE x.program_id = $1 AND x.status = 'active'""", program)
        waiting = await conn.fetch("""SELECT e.id, e.pairing_kind FROM enrollments e
                                       WHERE e.program_id = $1 AND e.role = 'mentee' AND NOT EXISTS
                                             (SELECT 1 FROM pairings x WHERE x.mentee_enrollment_id = e.id)""",
                                   program)
    finally:
        await conn.close()
    assert all(r["sought"] == r["offered"] for r in rows)
    assert max(Counter((r["mentee_id"], r["sought"]) for r in rows).values()) == 1
    assert max(Counter(r["mentor_enrollment_id"] for r in rows).values()) <= 3
    assert sorted(e["pairing_id"] for e in confirmed) == sorted(str(r["id"]) for r in rows)
    # Subscribers can tell a mentee's clinical mentor from their research one, and what each waiting mentee waits for.
    kind_of = {str(r["id"]): r["sought"] for r in rows}
    assert [(e["schema_version"], e["pairing_kind"]) for e in confirmed] == [(4, kind_of[e["pairing_id"]])
                                                                            for e in confirmed]
    assert sorted(r["pairing_kind"] for r in waiting) == ["clinical"] * 3 + ["research"] * 3
    for enrollment in waiting:
        await observer.wait_for(program, "mentee_waitlisted", enrollment_id=enrollment["id"],
                                pairing_kind=enrollment["pairing_kind"], schema_version=4, after_pairing_id=None)


async def test_a_round_left_running_by_an_instance_that_died_is_drafted_once_its_claim_is_older_than_the_lease(
        matching_settings, profiles):
    # A round's instance killed mid-round (a deploy, an OOM kill) left it "running" for good: no new round could run,
    # nor could this one be discarded.
    settings = matching_settings.model_copy(update={"round_lease_seconds": 2.0})
    chapter = uuid4()
    program = await profiles.program(chapter_id=chapter, pairing_mode="rounds")
    await profiles.person(program, "mentor")
    await profiles.person(program, "mentee")
    async with serving(build_app(settings)) as url, client(url, "coordinator", chapter_id=chapter) as coordinator:
        async def ready():
            # The mentee waiting, and the mentor's profile arrived with a place (their events come apart: a round run
            # before the mentor's drafts nobody).
            answer = await coordinator.get(f"/v1/programs/{program}/waitlist")
            stats = await coordinator.get(f"/v1/programs/{program}/statistics")
            return (answer.status_code == 200 and len(answer.json()) == 1 and stats.status_code == 200
                    and stats.json()["mentors_with_room"] == 1)

        await eventually(ready, timeout=60, what="the mentee waiting and the mentor with a place")
        stuck, dead_instance = uuid4(), uuid4()
        conn = await asyncpg.connect(settings.database_url)
        try:
            await conn.execute(
                """INSERT INTO rounds (id, program_id, method, most_pairs_first, status, progress, claim, heartbeat_at)
                   VALUES ($1, $2, 'optimal', false, 'running', 40, $3, now() - interval '1 hour')""",
                stuck, program, dead_instance)

            async def drafted():
                found = (await coordinator.get(f"/v1/rounds/{stuck}")).json()
                return found if found["status"] == "draft" else None

            found = await eventually(drafted, timeout=60, what="the round claimed again and drafted")
            assert len(found["pairs"]) == 1
            # The instance that claimed it first, were it to wake, can neither renew its claim nor end the round.
            late = PostgresRounds(conn)
            assert not await late.progress(stuck, dead_instance, 90)
            assert not await late.finish(stuck, dead_instance, status="failed", error="woke late")
            assert (await late.get(stuck))["status"] == "draft"
        finally:
            await conn.close()
