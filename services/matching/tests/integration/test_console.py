"""The console's matching APIs on the real broker and database: a round reviewed before anyone hears of it, a
pairing made by hand, reports, the audit trail, and who may do what."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
from mentorship_contracts.profiles import PersonErased
from plumbing.testing import eventually

from .conftest import client, known_to_matching


async def drafted_round(coordinator, program) -> dict:
    """A round the coordinator starts, once drafted."""
    started = await coordinator.post(f"/v1/programs/{program}/rounds", json={})

    async def drafted():
        found = (await coordinator.get(started.json()["poll"])).json()
        return found if found["status"] == "draft" else None

    return await eventually(drafted, timeout=60, what="the draft")


async def test_only_the_pairs_a_coordinator_publishes_from_a_reviewed_draft_are_proposed(
        matching, matching_settings, profiles, observer):
    chapter = uuid4()
    program = await profiles.program(chapter_id=chapter, pairing_mode="rounds")
    mentors = [await profiles.person(program, "mentor") for _ in range(2)]
    mentees = [await profiles.person(program, "mentee") for _ in range(2)]
    await known_to_matching(matching_settings, *mentors, *mentees)
    async with client(matching, "coordinator", chapter_id=chapter, person_id=uuid4()) as coordinator:
        draft = await drafted_round(coordinator, program)
        round_id = draft["id"]
        assert len(draft["pairs"]) == 2
        awaiting_review = (await coordinator.get("/v1/rounds", params={"status": "draft"})).json()
        assert [(r["id"], r["program_id"], r["status"]) for r in awaiting_review] == [
            (round_id, str(program), "draft")]
        conn = await asyncpg.connect(matching_settings.database_url)
        try:
            assert await conn.fetchval("SELECT count(*) FROM pairings WHERE program_id = $1", program) == 0
            assert await conn.fetchval("SELECT count(*) FROM outbox WHERE payload::text LIKE $1",
                                       f"%{program}%") == 0
            kept, removed = draft["pairs"]
            assert (await coordinator.delete(f"/v1/rounds/{round_id}/pairs/{removed['mentee_id']}")).status_code == 204
            assert len((await coordinator.get(f"/v1/rounds/{round_id}")).json()["pairs"]) == 1  # read again
            published = await coordinator.post(f"/v1/rounds/{round_id}/publish")
            assert published.status_code == 200, published.text
            assert (published.json()["status"], published.json()["paired"]) == ("published", 1)
            assert (await coordinator.post(f"/v1/rounds/{round_id}/publish")).json()["error"]["code"] == \
                "round_not_draft"

            [proposed] = await observer.wait_for(program, "pairing_proposed")
            await observer.wait_for(program, "round_completed", paired=1)
            assert (proposed["mentee_id"], proposed["mentor_id"]) == (kept["mentee_id"], kept["mentor_id"])
            assert await conn.fetchval("SELECT count(*) FROM pairings WHERE program_id = $1", program) == 1
        finally:
            await conn.close()
        listed = (await coordinator.get(f"/v1/programs/{program}/rounds")).json()
        assert [(r["id"], r["status"]) for r in listed] == [(round_id, "published")]
        for _ in range(2):
            assert (await coordinator.get(f"/v1/rounds/{round_id}")).json()["status"] == "published"
        assert (await coordinator.get("/v1/rounds", params={"status": "draft"})).json() == []
    async with client(matching, "admin", person_id=uuid4()) as admin:
        trail = (await admin.get("/v1/audit", params={"chapter_id": str(chapter)})).json()["entries"]
        # Reading the round is on record once a state, the draft when it was drafted: not each look while it ran, nor
        # each again.
        assert [(e["action"], e["detail"].get("status")) for e in trail] == [
            ("round.requested", None), ("round.viewed", "draft"), ("round.edited", None), ("round.published", None),
            ("round.viewed", "published")]
        assert {e["detail"]["program_id"] for e in trail if e["action"] in ("round.requested", "round.viewed")} == {
            str(program)}


async def test_a_coordinator_puts_back_a_pair_removed_from_a_draft_by_mistake_and_adds_one_where_a_mentor_has_room(
        matching, matching_settings, profiles, observer):
    chapter = uuid4()
    program = await profiles.program(chapter_id=chapter, pairing_mode="rounds")
    mentors = [await profiles.person(program, "mentor") for _ in range(2)]
    mentees = [await profiles.person(program, "mentee") for _ in range(3)]
    await known_to_matching(matching_settings, *mentors, *mentees)
    async with client(matching, "coordinator", chapter_id=chapter, person_id=uuid4()) as coordinator:
        draft = await drafted_round(coordinator, program)
        round_id, (hana, kept) = draft["id"], draft["pairs"]
        [left] = [u["mentee_id"] for u in draft["unpaired"]]
        assert draft["mentors_with_places"] == []
        add = f"/v1/rounds/{round_id}/pairs"
        assert (await coordinator.delete(f"{add}/{hana['mentee_id']}")).status_code == 204
        assert (await coordinator.get(f"/v1/rounds/{round_id}")).json()["mentors_with_places"] == [
            {"mentor_id": hana["mentor_id"], "places": 1}]

        full = await coordinator.post(add, json={"mentee_id": hana["mentee_id"], "mentor_id": kept["mentor_id"]})
        back = await coordinator.post(add, json={"mentee_id": hana["mentee_id"], "mentor_id": hana["mentor_id"]})

        assert (full.status_code, full.json()["error"]["code"], full.json()["error"]["field"]) == (
            409, "mentor_full", "mentor_id")
        assert back.status_code == 201, back.text
        restored = back.json()
        assert (restored["pairs"], restored["unpaired"], restored["mentors_with_places"]) == (
            draft["pairs"], draft["unpaired"], [])
        assert (await coordinator.delete(f"{add}/{hana['mentee_id']}")).status_code == 204
        made = await coordinator.post(add, json={"mentee_id": left, "mentor_id": hana["mentor_id"]})
        assert made.status_code == 201, made.text
        assert {p["mentee_id"]: p["by_hand"] for p in made.json()["pairs"]} == {left: True, kept["mentee_id"]: False}
        assert [(u["mentee_id"], u["reason_code"]) for u in made.json()["unpaired"]] == [
            (hana["mentee_id"], "removed_by_coordinator")]
        published = await coordinator.post(f"/v1/rounds/{round_id}/publish")
        assert published.status_code == 200, published.text
        proposed = await observer.wait_for(program, "pairing_proposed", count=2)
        assert {(p["mentee_id"], p["mentor_id"]) for p in proposed} == {
            (left, hana["mentor_id"]), (kept["mentee_id"], kept["mentor_id"])}
        again = await coordinator.post(add, json={"mentee_id": hana["mentee_id"], "mentor_id": hana["mentor_id"]})
        assert (again.status_code, again.json()["error"]["code"]) == (409, "round_not_draft")
    async with client(matching, "admin", person_id=uuid4()) as admin:
        trail = (await admin.get("/v1/audit", params={"chapter_id": str(chapter)})).json()["entries"]
        assert [sorted(set(e["detail"]) & {"removed", "added"}) for e in trail if e["action"] == "round.edited"] == [
            ["removed"], ["added"], ["removed"], ["added"]]


async def test_a_coordinator_pairs_by_hand_within_the_rules_or_overrides_capacity_naming_a_reason(
        matching, matching_settings, profiles, observer):
    chapter = uuid4()
    program = await profiles.program(chapter_id=chapter, pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor")
    first, second = [await profiles.person(program, "mentee") for _ in range(2)]
    await known_to_matching(matching_settings, mentor, first, second)
    async with client(matching, "coordinator", chapter_id=chapter, person_id=uuid4()) as coordinator:
        made = await coordinator.post(f"/v1/programs/{program}/pairings",
                                      json={"mentee_id": str(first), "mentor_id": str(mentor)})
        assert made.status_code == 201, made.text
        full = await coordinator.post(f"/v1/programs/{program}/pairings",
                                      json={"mentee_id": str(second), "mentor_id": str(mentor)})
        assert (full.status_code, full.json()["error"]["code"]) == (409, "mentor_full")
        again = await coordinator.post(f"/v1/programs/{program}/pairings",
                                       json={"mentee_id": str(first), "mentor_id": str(mentor)})
        assert again.json()["error"]["code"] == "already_paired"
        overridden = await coordinator.post(
            f"/v1/programs/{program}/pairings",
            json={"mentee_id": str(second), "mentor_id": str(mentor), "override_reason": "a second place, agreed"})
        assert overridden.status_code == 201, overridden.text
        proposed = await observer.wait_for(program, "pairing_proposed", count=2)
        assert {p["mentee_id"] for p in proposed} == {str(first), str(second)}

        page = (await coordinator.get(f"/v1/programs/{program}/pairings")).json()
        assert page["total"] == 2 and {i["overdue"] for i in page["items"]} == {False}
        # Until when each may be answered, for the coordinator to follow up before it lapses.
        assert all(datetime.fromisoformat(i["answer_by"]) - datetime.fromisoformat(i["created_at"])
                   == timedelta(days=14) for i in page["items"])
        async with client(matching, "participant", person_id=first) as as_mentee, \
                client(matching, "participant", person_id=mentor) as as_mentor:
            pairing_path = f"/v1/pairings/{made.json()['id']}"
            proposed = (await as_mentee.get(pairing_path)).json()
            assert (proposed["status"], proposed["requirement_met"]) == ("proposed", None)  # they require nothing
            status = (await as_mentee.post(f"{pairing_path}/accept")).json()["status"]
            if status != "active":  # the program asks both
                status = (await as_mentor.post(f"{pairing_path}/accept")).json()["status"]
            assert status == "active"
        ended = await coordinator.post(f"{pairing_path}/end", json={"reason_code": "conduct", "reason": "no-shows"})
        assert ended.status_code == 200 and ended.json()["status"] == "ended", ended.text
        [told] = await observer.wait_for(program, "pairing_ended", pairing_id=made.json()["id"])
        assert (told["ended_by"], told["ended_by_program"], told["schema_version"]) == (None, True, 3)
        # Why it closed, a code, to staff alone: the list and the page; who closed it to the pair too (each was told
        # by email), so that two mentorships that ended alike can be told apart.
        listed = (await coordinator.get(f"/v1/programs/{program}/pairings", params={"status": "ended"})).json()
        assert [(i["closed_reason"], i["closed_by"]) for i in listed["items"]] == [("conduct", "program")]
        read = (await coordinator.get(pairing_path)).json()
        assert (read["closed_reason"], read["closed_by"]) == ("conduct", "program")
        async with client(matching, "participant", person_id=first) as as_mentee:
            read = (await as_mentee.get(pairing_path)).json()
            assert (read["closed_reason"], read["closed_by"]) == (None, "program")
            [mine] = [p for p in (await as_mentee.get(f"/v1/people/{first}/overview")).json()["pairings"]
                      if p["id"] == made.json()["id"]]
            assert mine["closed_by"] == "program" and "closed_reason" not in mine
        report = await coordinator.get("/v1/reports/mentorships")
        assert report.status_code == 200, report.text
        row = report.json()["rows"].index(str(program))
        paired = report.json()["columns"].index("paired")
        assert report.json()["cells"][row][paired]["shown"] == "fewer_than_threshold"
        exported = await coordinator.get("/v1/reports/mentorships.csv")
        assert exported.headers["content-type"].startswith("text/csv") and "<5" in exported.text


async def test_a_pair_a_coordinator_ended_is_paired_again_by_hand_naming_a_reason_until_one_of_them_declines(
        matching, matching_settings, profiles):
    chapter = uuid4()
    program = await profiles.program(chapter_id=chapter, pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    await known_to_matching(matching_settings, mentor, mentee)
    pair = {"mentee_id": str(mentee), "mentor_id": str(mentor)}
    async with client(matching, "coordinator", chapter_id=chapter, person_id=uuid4()) as coordinator, \
            client(matching, "participant", person_id=mentee) as as_mentee, \
            client(matching, "participant", person_id=mentor) as as_mentor:
        made = (await coordinator.post(f"/v1/programs/{program}/pairings", json=pair)).json()
        for side in (as_mentee, as_mentor):
            await side.post(f"/v1/pairings/{made['id']}/accept")
        ended = await coordinator.post(f"/v1/pairings/{made['id']}/end", json={"reason": "the wrong mentorship"})
        assert ended.json()["status"] == "ended", ended.text

        refused = await coordinator.post(f"/v1/programs/{program}/pairings", json=pair)
        assert (refused.status_code, refused.json()["error"]["code"]) == (409, "ended_by_coordinator_before")
        again = await coordinator.post(f"/v1/programs/{program}/pairings",
                                       json={**pair, "override_reason": "ended by mistake"})
        assert again.status_code == 201, again.text
        declined = await as_mentee.post(f"/v1/pairings/{again.json()['id']}/decline",
                                        json={"reason_code": "prefer_another_mentor"})
        assert declined.json()["status"] == "declined", declined.text
        kept_apart = await coordinator.post(f"/v1/programs/{program}/pairings",
                                            json={**pair, "override_reason": "once more"})
        assert (kept_apart.status_code, kept_apart.json()["error"]["code"]) == (409, "declined_or_ended_before")


async def test_a_coordinator_withdraws_a_proposal_waiting_for_answers_and_another_chapter_or_a_party_cannot(
        matching, matching_settings, profiles, observer):
    chapter = uuid4()
    program = await profiles.program(chapter_id=chapter, pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    await known_to_matching(matching_settings, mentor, mentee)
    async with client(matching, "coordinator", chapter_id=chapter, person_id=uuid4()) as coordinator, \
            client(matching, "coordinator", chapter_id=uuid4(), person_id=uuid4()) as other, \
            client(matching, "participant", person_id=mentor) as as_mentor:
        made = (await coordinator.post(f"/v1/programs/{program}/pairings",
                                       json={"mentee_id": str(mentee), "mentor_id": str(mentor)})).json()
        path = f"/v1/pairings/{made['id']}/withdraw"
        assert (await other.post(path, json={})).status_code == 404
        assert (await as_mentor.post(path, json={})).status_code == 403
        wrong = await coordinator.post(path, json={"reason_code": "request_withdrawn"})
        assert (wrong.status_code, wrong.json()["error"]["field"]) == (422, "reason_code")

        withdrawn = await coordinator.post(path, json={"reason_code": "schedule_conflict", "reason": "nights"})
        assert withdrawn.status_code == 200, withdrawn.text
        assert withdrawn.json()["status"] == "declined"
        read = (await coordinator.get(f"/v1/pairings/{made['id']}")).json()
        assert (read["closed_reason"], read["closed_by"]) == ("schedule_conflict", "program")
        [told] = await observer.wait_for(program, "pairing_declined", pairing_id=made["id"])
        assert (told["declined_by"], told["declined_by_program"], told["reason_code"], told["schema_version"]) == (
            None, True, "schedule_conflict", 3)
        again = await coordinator.post(path, json={})
        assert (again.status_code, again.json()["error"]["code"]) == (409, "transition_not_allowed")
        refused = await coordinator.post(f"/v1/programs/{program}/pairings",
                                         json={"mentee_id": str(mentee), "mentor_id": str(mentor)})
        assert refused.json()["error"]["code"] == "declined_or_ended_before"  # the pair is kept apart
    async with client(matching, "admin", person_id=uuid4()) as admin:
        trail = (await admin.get("/v1/audit", params={"chapter_id": str(chapter)})).json()["entries"]
        assert [(e["action"], e["detail"].get("reason")) for e in trail if e["action"] == "pairing.withdrawn"] == [
            ("pairing.withdrawn", "nights")]


async def test_a_coordinator_of_another_chapter_finds_nothing_and_a_participant_is_refused(
        matching, matching_settings, profiles):
    chapter = uuid4()
    program = await profiles.program(chapter_id=chapter, pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    await known_to_matching(matching_settings, mentor, mentee)
    async with client(matching, "coordinator", chapter_id=chapter, person_id=uuid4()) as own:
        round_id = (await own.post(f"/v1/programs/{program}/rounds", json={})).json()["round_id"]
    pair = {"mentee_id": str(mentee), "mentor_id": str(mentor)}
    requests = [("GET", f"/v1/programs/{program}/pairings", None), ("POST", f"/v1/programs/{program}/pairings", pair),
                ("GET", f"/v1/programs/{program}/feedback", None), ("GET", f"/v1/programs/{program}/rounds", None),
                ("POST", f"/v1/programs/{program}/rounds", {}), ("GET", f"/v1/rounds/{round_id}", None),
                ("POST", f"/v1/rounds/{round_id}/publish", None), ("POST", f"/v1/rounds/{round_id}/discard", None),
                ("DELETE", f"/v1/rounds/{round_id}/pairs/{mentee}", None), ("POST", f"/v1/rounds/{round_id}/pairs", pair)]
    async with client(matching, "coordinator", chapter_id=uuid4(), person_id=uuid4()) as other, \
            client(matching, "participant", person_id=mentee) as participant:
        for method, path, body in requests:
            answer = await other.request(method, path, json=body)
            assert answer.status_code == 404, (method, path, answer.text)
            assert (await participant.request(method, path, json=body)).status_code == 403, (method, path)
        assert (await other.get("/v1/rounds", params={"status": "queued"})).json() == []  # nor in their listing
        assert (await other.get("/v1/reports/mentorships", params={"chapter_id": str(chapter)})).status_code == 403
        assert (await participant.get("/v1/reports/mentorships")).status_code == 403
        assert (await participant.get("/v1/rounds", params={"status": "draft"})).status_code == 403
        assert (await other.get("/v1/audit")).status_code == 403


async def test_an_erased_person_is_forgotten_by_the_rounds_that_drafted_skipped_or_left_them(
        matching, matching_settings, profiles):
    chapter = uuid4()
    program = await profiles.program(chapter_id=chapter, pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor")
    mentees = [await profiles.person(program, "mentee") for _ in range(2)]
    await known_to_matching(matching_settings, mentor, *mentees)
    async with client(matching, "coordinator", chapter_id=chapter, person_id=uuid4()) as coordinator:
        draft = await drafted_round(coordinator, program)
        [paired], [unpaired] = draft["pairs"], draft["unpaired"]
        conn = await asyncpg.connect(matching_settings.database_url)
        try:
            # As publishing writes it: a pair skipped because its mentee no longer waited.
            await conn.execute("""UPDATE rounds SET skipped = jsonb_build_array(jsonb_build_object(
                                      'mentee_id', $2::text, 'mentor_id', $3::text, 'reason_code', 'x'))
                                  WHERE id = $1""", draft["id"], unpaired["mentee_id"], str(mentor))
            await profiles.send(PersonErased(person_id=mentor), PersonErased(person_id=UUID(unpaired["mentee_id"])))

            async def forgotten():
                return not await conn.fetchval(
                    """SELECT count(*) FROM rounds r WHERE r.id = $1 AND (
                         EXISTS (SELECT 1 FROM round_pairs WHERE round_id = r.id)
                         OR EXISTS (SELECT 1 FROM round_unpaired WHERE round_id = r.id)
                         OR r.skipped::text LIKE '%' || $2 || '%')""", draft["id"], str(mentor))

            await eventually(forgotten, timeout=60, what="the erased people forgotten by the round")
        finally:
            await conn.close()
        after = (await coordinator.get(f"/v1/rounds/{draft['id']}")).json()
        assert str(mentor) not in str(after) and unpaired["mentee_id"] not in str(after)
        assert paired["mentee_id"] != unpaired["mentee_id"]
        # The draft's figures, as its list of rounds shows them, count what it now holds (they said 1 and 1).
        [listed] = (await coordinator.get(f"/v1/programs/{program}/rounds")).json()
        assert (after["paired"], after["unpaired_count"], after["total_score"]) == (0, 0, 0)
        assert (listed["paired"], listed["unpaired_count"]) == (0, 0) and not after["unpaired_reasons"]


async def test_a_coordinator_reads_a_persons_pairings_in_their_chapters_programs_only_and_is_audited(
        matching, matching_settings, profiles):
    chapter, elsewhere = uuid4(), uuid4()
    ours = await profiles.program(chapter_id=chapter, pairing_mode="rounds")
    theirs = await profiles.program(chapter_id=elsewhere, pairing_mode="rounds")
    mentee = await profiles.person(ours, "mentee")
    await profiles.enroll(mentee, theirs, "mentee", "undergraduate")
    mentors = {program: await profiles.person(program, "mentor") for program in (ours, theirs)}
    await known_to_matching(matching_settings, mentee, *mentors.values())
    for program, coordinates in ((ours, chapter), (theirs, elsewhere)):
        async with client(matching, "coordinator", chapter_id=coordinates, person_id=uuid4()) as coordinator:
            made = await coordinator.post(f"/v1/programs/{program}/pairings",
                                          json={"mentee_id": str(mentee), "mentor_id": str(mentors[program])})
            assert made.status_code == 201, made.text

    async with client(matching, "coordinator", chapter_id=chapter, person_id=uuid4()) as coordinator:
        listed = await coordinator.get(f"/v1/people/{mentee}/pairings")
    assert listed.status_code == 200, listed.text
    assert [p["program_id"] for p in listed.json()] == [str(ours)]
    async with client(matching, "admin", person_id=uuid4()) as admin:
        assert len((await admin.get(f"/v1/people/{mentee}/pairings")).json()) == 2
        trail = (await admin.get("/v1/audit", params={"chapter_id": str(chapter),
                                                      "action": "person_pairings.read"})).json()["entries"]
    assert [(e["subject_kind"], e["subject_id"]) for e in trail] == [("person", str(mentee))]
