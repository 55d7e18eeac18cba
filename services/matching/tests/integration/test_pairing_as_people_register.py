"""Pairing as people register, the waitlist and the lifecycle, over the real broker and database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
from mentorship_contracts.profiles import ConsentChanged, EnrollmentCreated, MatchingProfileChanged, PersonErased
from plumbing.testing import eventually

from .conftest import client, known_to_matching


async def test_a_mentee_whose_profile_comes_late_is_paired_then_without_first_hearing_they_wait(
        matching, matching_settings, profiles, observer):
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor", specialties=["emergency_medicine"])
    # The premise: matching knows the mentor before the mentee arrives. Their events travel on partitions
    # that Kafka does not order between them; without this, the mentee may rightly wait for a mentor unseen.
    await known_to_matching(matching_settings, mentor)
    mentee = uuid4()
    await profiles.enroll(mentee, program, "mentee", "undergraduate")
    await profiles.profile(mentee, "undergraduate", specialties=["emergency_medicine"])

    confirmed = (await observer.wait_for(program, "pairing_confirmed", mentee_id=mentee))[0]
    assert confirmed["mentor_id"] == str(mentor) and "specialty_overlap" in confirmed["reason_codes"]
    assert not await observer.of(program, "mentee_waitlisted")


async def test_room_freed_by_an_ended_pairing_goes_to_the_mentee_who_waited_longest(matching, profiles, observer):
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    first = await profiles.person(program, "mentee")
    pairing = (await observer.wait_for(program, "pairing_confirmed", mentee_id=first))[0]
    # One at a time: each is told their place when matching has seen them.
    second = await profiles.person(program, "mentee")
    await observer.wait_for(program, "mentee_waitlisted", mentee_id=second, position=1)
    third = await profiles.person(program, "mentee")
    await observer.wait_for(program, "mentee_waitlisted", mentee_id=third, position=2)

    async with client(matching, "participant", person_id=third) as as_third:
        position = await as_third.get(f"/v1/programs/{program}/waitlist/{third}")
        assert position.json()["position"] == 2
    async with client(matching, "participant", person_id=first) as as_first:
        ended = await as_first.post(f"/v1/pairings/{pairing['pairing_id']}/end",
                                    json={"reason_code": "schedule_conflict"})
        assert ended.status_code == 200, ended.text

    ended_event = (await observer.wait_for(program, "pairing_ended"))[0]
    assert (ended_event["ended_by"], ended_event["reason_code"]) == ("mentee", "schedule_conflict")
    again = (await observer.wait_for(program, "pairing_confirmed", mentee_id=second))[0]
    assert again["mentor_id"] == str(mentor)
    # The pair that ended is never proposed again: the first mentee waits behind the third, told after which ending.
    await observer.wait_for(program, "mentee_waitlisted", mentee_id=first, position=2,
                            after_pairing_id=pairing["pairing_id"])
    async with client(matching) as admin:
        waiting = (await admin.get(f"/v1/programs/{program}/waitlist")).json()
        assert [w["person_id"] for w in waiting] == [str(third), str(first)]


async def test_a_coordinator_reads_how_many_mentees_each_mentor_they_may_pick_has_and_takes(
        matching, matching_settings, profiles, observer):
    program = await profiles.program()
    full = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    await observer.wait_for(program, "pairing_confirmed", mentee_id=mentee)
    roomy = await profiles.person(program, "mentor", capacity=3)
    await known_to_matching(matching_settings, roomy)
    asked = {"ids": ",".join(str(p) for p in (full, roomy, mentee, uuid4()))}  # not mentors here: not answered
    async with client(matching) as admin:
        read = await admin.get(f"/v1/programs/{program}/mentors", params=asked)
    assert read.status_code == 200, read.text
    assert sorted((m["person_id"], m["capacity"], m["live_pairings"], m["paused"]) for m in read.json()) == sorted([
        (str(full), 1, 1, False), (str(roomy), 3, 0, False)])
    async with client(matching, "participant", person_id=mentee) as as_mentee:
        assert (await as_mentee.get(f"/v1/programs/{program}/mentors", params=asked)).status_code == 403
    async with client(matching) as admin:
        too_many = await admin.get(f"/v1/programs/{program}/mentors",
                                   params={"ids": ",".join(str(uuid4()) for _ in range(201))})
        assert (too_many.status_code, too_many.json()["error"]["field"]) == (422, "ids")


def days_ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).date().isoformat()


async def test_a_mentorship_is_accepted_by_both_met_signalled_overdue_once_renewed_by_both_completed_and_reviewed(
        matching, matching_settings, profiles, observer):
    chapter = uuid4()
    program = await profiles.program(chapter_id=chapter, both_must_accept=True, cadence_max_days=30)
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    proposed = (await observer.wait_for(program, "pairing_proposed", mentee_id=mentee))[0]
    path = f"/v1/pairings/{proposed['pairing_id']}"
    conn = await asyncpg.connect(matching_settings.database_url)

    async with client(matching, "participant", person_id=mentee) as as_mentee, \
            client(matching, "participant", person_id=mentor) as as_mentor, \
            client(matching, "coordinator", chapter_id=chapter) as coordinator:
        assert (await as_mentee.post(f"{path}/accept")).json()["status"] == "proposed"
        assert (await as_mentor.post(f"{path}/accept")).json()["status"] == "active"
        await observer.wait_for(program, "pairing_confirmed", mentee_id=mentee)

        # A meeting is dated on or after the day the mentorship began; move that day 60 days back.
        before = await as_mentor.post(f"{path}/meetings", json={"met_on": days_ago(3), "minutes": 45})
        assert before.status_code == 422 and before.json()["error"]["code"] == "meeting_before_pairing", before.text
        assert before.json()["error"]["field"] == "met_on"
        await conn.execute("UPDATE pairings SET confirmed_at = now() - interval '60 days' WHERE id = $1",
                           UUID(proposed["pairing_id"]))
        logged = await as_mentor.post(f"{path}/meetings", json={"met_on": days_ago(45), "minutes": 45,
                                                                 "topics": ["MCAT"]})
        assert logged.status_code == 201, logged.text
        # The pair read back what they logged; a coordinator sees whether meetings are overdue, not their topics.
        read = await as_mentee.get(f"{path}/meetings")
        assert read.status_code == 200, read.text
        assert [(m["met_on"], m["minutes"], m["topics"], m["logged_by"]) for m in read.json()] == [
            (days_ago(45), 45, ["MCAT"], str(mentor))]
        assert (await as_mentee.get(f"/v1/people/{mentee}/meetings")).json() == read.json()
        assert (await coordinator.get(f"{path}/meetings")).status_code == 403
        assert (await coordinator.get(f"/v1/people/{mentee}/meetings")).status_code == 403
        assert (await as_mentor.get(f"/v1/people/{mentee}/meetings")).status_code == 403
        overdue = await observer.wait_for(program, "meeting_overdue", mentee_id=mentee)
        assert overdue[0]["days_overdue"] >= 14

        # Renewed near the term's end only, by both of the pair; a coordinator does not renew for them.
        early = await as_mentee.post(f"{path}/renew")
        assert early.status_code == 409 and early.json()["error"]["code"] == "renewal_not_due", early.text
        # Nor is it completed a year early: it would be ended, for a reason.
        early = await as_mentor.post(f"{path}/complete")
        assert early.status_code == 409 and early.json()["error"]["code"] == "completion_not_due", early.text
        assert (await as_mentee.get(path)).json()["closing_opens_at"][:10] > datetime.now(UTC).date().isoformat()
        await conn.execute("UPDATE pairings SET term_ends_at = now() + interval '10 days' WHERE id = $1",
                           UUID(proposed["pairing_id"]))
        assert (await coordinator.post(f"{path}/renew")).status_code == 403
        for _ in range(3):
            asked = await as_mentee.post(f"{path}/renew")
            assert asked.status_code == 200 and asked.json()["mentee_renews"], asked.text
        ends = asked.json()["term_ends_at"]
        renewed = await as_mentor.post(f"{path}/renew")
        assert renewed.status_code == 200, renewed.text
        assert renewed.json()["term_ends_at"] > ends and not renewed.json()["mentee_renews"]
        told = await observer.wait_for(program, "pairing_renewed", mentee_id=mentee)
        assert [e["term_ends_at"][:10] for e in told] == [renewed.json()["term_ends_at"][:10]]
        # In the renewed term's last weeks, it is completed.
        await conn.execute("UPDATE pairings SET term_ends_at = now() + interval '10 days' WHERE id = $1",
                           UUID(proposed["pairing_id"]))
        assert (await as_mentor.post(f"{path}/complete")).json()["status"] == "completed"
        await observer.wait_for(program, "pairing_completed", mentee_id=mentee)

        review = {"rating": 5, "comment": "She helped me through my applications."}
        assert (await as_mentee.post(f"{path}/feedback", json=review)).status_code == 201
        assert (await as_mentee.post(f"{path}/feedback", json=review)).status_code == 409
        # The mentee's copy of their data holds what they said; the mentor's and staff's do not.
        [listed] = [p for p in (await as_mentee.get(f"/v1/people/{mentee}/pairings")).json()
                    if p["id"] == proposed["pairing_id"]]
        assert listed["my_feedback"]["rating"] == 5 and listed["my_feedback"]["comment"] == review["comment"]
        assert listed["closed_at"] is not None
        assert all(p["my_feedback"] is None for p in (await as_mentor.get(f"/v1/people/{mentor}/pairings")).json())
        seen_by_staff = (await coordinator.get(f"/v1/people/{mentee}/pairings")).json()
        assert all(p["my_feedback"] is None for p in seen_by_staff)
        # So does the pairing read alone, for the page that thanks them rather than asking again.
        mine = (await as_mentee.get(path)).json()["my_feedback"]
        assert (mine["rating"], mine["comment"]) == (5, review["comment"])
        assert (await as_mentor.get(path)).json()["my_feedback"] is None
        assert (await coordinator.get(path)).json()["my_feedback"] is None
    await conn.close()
    assert len(await observer.of(program, "meeting_overdue")) == 1
    assert len(await observer.of(program, "pairing_renewed")) == 1
    assert not any("helped" in str(e) for e in observer.seen)


async def test_a_persons_overview_says_who_has_accepted_a_proposed_pairing(matching, profiles, observer):
    program = await profiles.program(both_must_accept=True)
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    proposed = (await observer.wait_for(program, "pairing_proposed", mentee_id=mentee))[0]

    async with client(matching, "participant", person_id=mentee) as as_mentee, \
            client(matching, "participant", person_id=mentor) as as_mentor:
        entry = (await as_mentor.get(f"/v1/people/{mentor}/overview")).json()["pairings"][0]
        assert (entry["id"], entry["mentee_accepted"], entry["mentor_accepted"]) == (
            proposed["pairing_id"], False, False)
        # How it was made, said in the list as in its detail: the engine's, neither asked for nor made by hand.
        assert (entry["requested_by_mentee"], entry["made_by_coordinator"]) == (False, False)
        assert (await as_mentee.post(f"/v1/pairings/{proposed['pairing_id']}/accept")).status_code == 200
        entry = (await as_mentor.get(f"/v1/people/{mentor}/overview")).json()["pairings"][0]
        assert (entry["status"], entry["mentee_accepted"], entry["mentor_accepted"]) == ("proposed", True, False)


async def test_a_stranger_may_not_act_on_a_pairing_nor_a_coordinator_of_another_chapter_run_a_round(
        matching, matching_settings, profiles, observer):
    chapter = uuid4()
    program = await profiles.program(chapter_id=chapter)
    await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    pairing = (await observer.wait_for(program, "pairing_confirmed", mentee_id=mentee))[0]
    await known_to_matching(matching_settings, await profiles.person(program, "mentor", capacity=3))
    async with client(matching, "participant", person_id=uuid4()) as stranger:
        assert (await stranger.post(f"/v1/pairings/{pairing['pairing_id']}/end",
                                    json={"reason_code": "other"})).status_code == 403
    async with client(matching, "coordinator", chapter_id=uuid4()) as elsewhere:
        # Another chapter's program is not found: a coordinator learns nothing of other chapters.
        assert (await elsewhere.post(f"/v1/programs/{program}/rounds", json={})).status_code == 404
    async with client(matching, "coordinator", chapter_id=chapter) as coordinator:
        stats = (await coordinator.get(f"/v1/programs/{program}/statistics")).json()
        assert (stats["active"], stats["waiting"]) == (1, 0)
        assert (stats["places_free"], stats["mentors_with_room"]) == (3, 1)  # the first mentor is full


async def test_a_required_identity_is_honoured_and_forgotten_when_consent_is_withdrawn(matching, profiles, observer):
    program = await profiles.program(pairing_mode="mentee_choice")
    sharing = await profiles.person(program, "mentor", identity_for_matching={"first_generation": "yes"})
    await profiles.send(ConsentChanged(person_id=sharing, attribute="first_generation", purpose="partner",
                                       granted=True))  # only a mentor who shows it to a partner meets a requirement
    other = await profiles.person(program, "mentor", specialties=["pediatrics"])
    mentee = uuid4()
    await profiles.profile(mentee, "undergraduate", specialties=["pediatrics"],
                           identity_for_matching={"first_generation": "yes"},
                           identity_requests=[{"attribute": "first_generation", "strength": "requirement"}])
    await profiles.enroll(mentee, program, "mentee", "undergraduate")

    async with client(matching, "participant", person_id=mentee) as as_mentee:
        async def suggested():
            response = await as_mentee.get(f"/v1/programs/{program}/suggestions", params={"mentee_id": str(mentee)})
            return response.json() if response.status_code == 200 and response.json() else None

        first_seen = await eventually(suggested, timeout=60, what="suggestions")
        assert [s["mentor_id"] for s in first_seen] == [str(sharing)]
        await profiles.send(ConsentChanged(person_id=mentee, attribute="first_generation", purpose="matching",
                                           granted=False))

        async def both_suggested():
            found = await suggested()
            return found if found and len(found) == 2 else None

        best = await eventually(both_suggested, timeout=60, what="suggestions without the requirement")
        assert best[0]["mentor_id"] == str(other) and "shared_identity" not in best[0]["reason_codes"]


async def test_a_mentee_requests_two_mentors_and_when_one_accepts_the_other_request_lapses(
        matching, profiles, observer):
    program = await profiles.program(pairing_mode="mentee_choice")
    first, second = await profiles.person(program, "mentor"), await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    async with client(matching, "participant", person_id=mentee) as as_mentee:
        async def requested(mentor, **note):
            response = await as_mentee.post(f"/v1/programs/{program}/requests",
                                            json={"mentee_id": str(mentee), "mentor_id": str(mentor), **note})
            return response.json() if response.status_code == 201 else None

        too_long = await as_mentee.post(f"/v1/programs/{program}/requests", json={
            "mentee_id": str(mentee), "mentor_id": str(first), "note": "x" * 501})
        assert too_long.status_code == 422 and too_long.json()["error"]["field"] == "note", too_long.text
        note = "Hello! I am applying next year\nand would value your advice."
        chosen = await eventually(lambda: requested(first, note=note), timeout=60, what="the first request")
        # The second mentor's events may be applied after the first's (another partition).
        await eventually(lambda: requested(second), timeout=60, what="the second request")
        as_the_mentee_reads_it = (await as_mentee.get(f"/v1/pairings/{chosen['pairing_id']}")).json()
        assert as_the_mentee_reads_it["request_note"] == note
        assert as_the_mentee_reads_it["in_common"]["partner_stage"] == "resident"
        listed = (await as_mentee.get(f"/v1/people/{mentee}/pairings")).json()
        assert {p["id"]: p["request_note"] for p in listed} == {chosen["pairing_id"]: note, listed[1]["id"]: None}
        # Taken back, a request keeps nobody apart: the mentee asks that mentor again.
        taken_back = await as_mentee.post(f"/v1/pairings/{listed[1]['id']}/decline",
                                          json={"reason_code": "request_withdrawn"})
        assert taken_back.status_code == 200 and taken_back.json()["withdrawn_by_mentee"] is True, taken_back.text
        assert await requested(second), "asked again"
    await observer.wait_for(program, "pairing_proposed", count=3, mentee_id=mentee)
    async with client(matching) as admin:
        as_staff_read_it = (await admin.get(f"/v1/pairings/{chosen['pairing_id']}")).json()
        assert as_staff_read_it["request_note"] is None and as_staff_read_it["in_common"] is None
        assert [p["request_note"] for p in (await admin.get(f"/v1/people/{mentee}/pairings")).json()] == [None] * 3
    async with client(matching, "participant", person_id=first) as as_mentor:
        assert (await as_mentor.get(f"/v1/pairings/{chosen['pairing_id']}")).json()["request_note"] == note
        accepted = await as_mentor.post(f"/v1/pairings/{chosen['pairing_id']}/accept")
        assert accepted.json()["status"] == "active", accepted.text
    lapsed = (await observer.wait_for(program, "pairing_lapsed", mentee_id=mentee))[0]
    assert lapsed["mentor_id"] == str(second)


async def test_an_erased_mentor_ends_their_pairing_and_the_mentee_waits_again(matching, profiles, observer):
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    await observer.wait_for(program, "pairing_confirmed", mentee_id=mentee)
    await profiles.send(PersonErased(person_id=mentor))
    ended = (await observer.wait_for(program, "pairing_ended", mentee_id=mentee))[0]
    assert (ended["reason_code"], ended["ended_by"]) == ("person_erased", "mentor")
    await observer.wait_for(program, "mentee_waitlisted", mentee_id=mentee, position=1)
    async with client(matching) as admin:
        assert (await admin.get(f"/v1/people/{mentor}/pairings")).json() == []


async def test_a_mentors_new_profile_counts_for_the_next_mentee_though_their_roster_was_kept_in_memory(
        matching, matching_settings, profiles, observer):
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor", capacity=5, specialties=["psychiatry"])
    await known_to_matching(matching_settings, mentor)
    first = await profiles.person(program, "mentee", specialties=["pediatrics"])
    before = (await observer.wait_for(program, "pairing_confirmed", mentee_id=first))[0]
    assert "specialty_overlap" not in before["reason_codes"]

    await profiles.profile(mentor, "resident", specialties=["pediatrics"])
    conn = await asyncpg.connect(matching_settings.database_url)
    try:
        async def applied():
            return await conn.fetchval(
                "SELECT specialties = '{pediatrics}' FROM matching_profiles WHERE person_id = $1", mentor)

        await eventually(applied, timeout=60, what="the mentor's new profile to be applied")
    finally:
        await conn.close()
    second = await profiles.person(program, "mentee", specialties=["pediatrics"])

    after = (await observer.wait_for(program, "pairing_confirmed", mentee_id=second))[0]
    assert after["mentor_id"] == str(mentor) and "specialty_overlap" in after["reason_codes"]


async def test_an_enrollment_applied_before_the_matching_profile_that_requires_a_shared_identity_is_paired_as_required(
        matching, matching_settings, profiles, observer):
    program = await profiles.program()
    better = await profiles.person(program, "mentor", capacity=5, specialties=["pediatrics"])
    sharing = await profiles.person(program, "mentor", identity_for_matching={"first_generation": "yes"})
    await profiles.send(ConsentChanged(person_id=sharing, attribute="first_generation", purpose="partner",
                                       granted=True))
    await known_to_matching(matching_settings, better, sharing)
    mentee = uuid4()
    enrollment = await profiles.enroll(mentee, program, "mentee", "undergraduate")
    conn = await asyncpg.connect(matching_settings.database_url)
    try:
        async def applied():
            return await conn.fetchval("SELECT true FROM enrollments WHERE id = $1", enrollment)

        await eventually(applied, timeout=60, what="the enrollment to be applied first")
    finally:
        await conn.close()
    await profiles.profile(mentee, "undergraduate", specialties=["pediatrics"],
                           identity_for_matching={"first_generation": "yes"},
                           identity_requests=[{"attribute": "first_generation", "strength": "requirement"}])

    confirmed = (await observer.wait_for(program, "pairing_confirmed", mentee_id=mentee))[0]
    assert confirmed["mentor_id"] == str(sharing)
    assert not await observer.of(program, "mentee_waitlisted")


async def test_an_enrollment_applied_after_its_persons_erasure_is_not_kept(matching, matching_settings, profiles):
    # A person's enrollment and their erasure travel on two topics: a consumer behind on one may apply the enrollment
    # second. It must not bring the erased person back (counted as enrolled, placed on a waitlist).
    program = await profiles.program()
    person = uuid4()
    erased = PersonErased(person_id=person)
    enrolled = EnrollmentCreated(enrollment_id=uuid4(), person_id=person, program_id=program, chapter_id=None,
                                 role="mentee", stage="undergraduate")
    profiled = MatchingProfileChanged(person_id=person, chapter_id=None, stage="undergraduate")
    conn = await asyncpg.connect(matching_settings.database_url)
    try:
        for event in (erased, enrolled, profiled):
            await profiles.send(event)

            async def applied(event=event):
                return await conn.fetchval("SELECT count(*) FROM inbox WHERE event_id = $1", event.event_id)

            await eventually(applied, timeout=60, what=f"{event.event_type} applied")
        assert await conn.fetchval("SELECT count(*) FROM enrollments WHERE person_id = $1", person) == 0
        assert await conn.fetchval("SELECT count(*) FROM matching_profiles WHERE person_id = $1", person) == 0
    finally:
        await conn.close()


async def test_a_meeting_due_today_is_not_signalled_overdue_until_that_day_is_over_everywhere(
        matching, matching_settings, profiles, observer):
    # "Due by November 1" holds until November 1 is over where the pair are: the nudge once went out at midnight UTC
    # starting that day, the afternoon before in Los Angeles.
    program = await profiles.program(cadence_max_days=30)
    mentors = [await profiles.person(program, "mentor") for _ in range(2)]
    mentees = [await profiles.person(program, "mentee") for _ in range(2)]
    await known_to_matching(matching_settings, *mentors, *mentees)
    pairs = [(await observer.wait_for(program, "pairing_confirmed", mentee_id=m))[0]["pairing_id"] for m in mentees]
    due_today, due_two_days_ago = UUID(pairs[0]), UUID(pairs[1])
    conn = await asyncpg.connect(matching_settings.database_url)
    try:
        await conn.execute(
            """UPDATE pairings SET confirmed_at = now() - interval '60 days',
                   last_met_at = date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                                 - make_interval(days => CASE WHEN id = $1 THEN 30 ELSE 32 END)
                WHERE id IN ($1, $2)""", due_today, due_two_days_ago)
    finally:
        await conn.close()
    await observer.wait_for(program, "meeting_overdue", mentee_id=mentees[1])
    assert [e["mentee_id"] for e in await observer.of(program, "meeting_overdue")] == [str(mentees[1])]


async def test_a_proposal_left_unanswered_lapses_and_its_mentee_is_proposed_the_other_mentor(
        matching, matching_settings, profiles, observer):
    program = await profiles.program(both_must_accept=True)
    silent = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    proposed = (await observer.wait_for(program, "pairing_proposed", mentee_id=mentee))[0]
    other = await profiles.person(program, "mentor")
    conn = await asyncpg.connect(matching_settings.database_url)
    try:  # made fifteen days ago, and never answered
        await conn.execute("UPDATE pairings SET created_at = now() - interval '15 days' WHERE id = $1",
                           UUID(proposed["pairing_id"]))
    finally:
        await conn.close()

    lapsed = (await observer.wait_for(program, "pairing_lapsed", mentee_id=mentee))[0]
    assert (lapsed["pairing_id"], lapsed["mentor_id"], lapsed["reason_code"]) == (
        proposed["pairing_id"], str(silent), "unanswered")
    again = (await observer.wait_for(program, "pairing_proposed", count=2, mentee_id=mentee))[1]
    assert again["mentor_id"] == str(other)


async def test_both_sides_of_a_proposal_nearly_unanswered_are_reminded_by_when_to_answer(
        matching, matching_settings, profiles, observer):
    program = await profiles.program(both_must_accept=True)
    await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    proposed = (await observer.wait_for(program, "pairing_proposed", mentee_id=mentee))[0]
    conn = await asyncpg.connect(matching_settings.database_url)
    try:  # made twelve days ago: it lapses in two
        made = await conn.fetchval(
            "UPDATE pairings SET created_at = now() - interval '12 days' WHERE id = $1 RETURNING created_at",
            UUID(proposed["pairing_id"]))
        due = (await observer.wait_for(program, "answer_due", mentee_id=mentee))[0]
        assert await conn.fetchval("SELECT answer_reminded FROM pairings WHERE id = $1", UUID(proposed["pairing_id"]))
    finally:
        await conn.close()

    assert (due["pairing_id"], due["awaiting"], due["requested_by_mentee"]) == (
        proposed["pairing_id"], ["mentee", "mentor"], False)
    assert datetime.fromisoformat(due["answer_by"]) == made + timedelta(days=14)
    assert not await observer.of(program, "pairing_lapsed")


async def test_a_program_with_a_shorter_time_to_answer_lapses_its_proposals_by_it(
        matching, matching_settings, profiles, observer):
    program = await profiles.program(both_must_accept=True, answer_within_days=4)
    await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    proposed = (await observer.wait_for(program, "pairing_proposed", mentee_id=mentee))[0]
    async with client(matching, "participant", person_id=mentee) as as_mentee:
        listed = (await as_mentee.get(f"/v1/people/{mentee}/pairings")).json()
    async with client(matching) as staff:  # what a program that sets none has, for its form
        assert (await staff.get("/v1/defaults")).json() == {
            "answer_within_days": matching_settings.answer_within_days}
    conn = await asyncpg.connect(matching_settings.database_url)
    try:
        made = await conn.fetchval("SELECT created_at FROM pairings WHERE id = $1", UUID(proposed["pairing_id"]))
        assert datetime.fromisoformat(listed[0]["answer_by"]) == made + timedelta(days=4)
        # The proposal said so from the start (the time it was made, as its transaction read the clock).
        told = datetime.fromisoformat(proposed["answer_by"]) - (made + timedelta(days=4))
        assert (proposed["schema_version"], timedelta(0) <= told < timedelta(seconds=2)) == (6, True), told
        # Made five days ago: past the program's four, well within the default fourteen.
        await conn.execute("UPDATE pairings SET created_at = now() - interval '5 days' WHERE id = $1",
                           UUID(proposed["pairing_id"]))
    finally:
        await conn.close()
    lapsed = (await observer.wait_for(program, "pairing_lapsed", mentee_id=mentee))[0]
    assert (lapsed["pairing_id"], lapsed["reason_code"]) == (proposed["pairing_id"], "unanswered")


async def test_a_mentor_who_lets_two_proposals_in_a_row_lapse_is_held_back_until_they_resume(
        matching, matching_settings, profiles, observer):
    from mentorship_contracts.profiles import EnrollmentChangedV4

    program = await profiles.program(both_must_accept=True)
    mentor = uuid4()
    await profiles.profile(mentor, "resident")
    enrollment = await profiles.enroll(mentor, program, "mentor", "resident")
    for _ in range(3):
        await profiles.person(program, "mentee")
    conn = await asyncpg.connect(matching_settings.database_url)

    async def left_unanswered(nth: int) -> tuple[list[str], bool]:
        """The mentor's nth proposal, made twelve days ago (its reminder), then fifteen, and never answered: whom its
        reminder said the lapse would pause, and whether the mentor's own list of pairings said so of it."""
        proposed = (await observer.wait_for(program, "pairing_proposed", count=nth, mentor_id=mentor))[nth - 1]
        made_days_ago = "UPDATE pairings SET created_at = now() - make_interval(days => $2) WHERE id = $1"
        await conn.execute(made_days_ago, UUID(proposed["pairing_id"]), 12)
        [due] = await observer.wait_for(program, "answer_due", pairing_id=proposed["pairing_id"])
        async with client(matching, "participant", person_id=mentor) as as_mentor:
            listed = (await as_mentor.get(f"/v1/people/{mentor}/pairings")).json()
            overview = (await as_mentor.get(f"/v1/people/{mentor}/overview")).json()["pairings"]
            alone = (await as_mentor.get(f"/v1/pairings/{proposed['pairing_id']}")).json()
        said = {p["paused_if_it_lapses"] for p in (*listed, *overview, alone) if p["id"] == proposed["pairing_id"]}
        async with client(matching) as staff:
            [to_staff] = [p["lapse_would_pause"] for p in
                          (await staff.get(f"/v1/programs/{program}/pairings")).json()["items"]
                          if p["id"] == proposed["pairing_id"]]
        await conn.execute(made_days_ago, UUID(proposed["pairing_id"]), 15)
        await observer.wait_for(program, "pairing_lapsed", count=nth, mentor_id=mentor)
        return due["paused_if_it_lapses"], said, to_staff

    try:
        assert await left_unanswered(1) == ([], {False}, [])
        # The one whose lapse pauses them: the reminder, each page of theirs, and the program's pairings say so.
        assert await left_unanswered(2) == (["mentor"], {True}, ["mentor"])
        stopped = (await observer.wait_for(program, "stopped_answering", mentor_id=mentor))[0]
        assert (stopped["role"], stopped["enrollment_id"], stopped["unanswered_in_a_row"]) == (
            "mentor", str(enrollment), 2)
        # Held back in the transaction that lapsed the second: the room it freed was not offered to them again.
        assert await conn.fetchval("SELECT count(*) FROM pairings WHERE mentor_id = $1", mentor) == 2
        assert await conn.fetchval("SELECT paused FROM enrollments WHERE id = $1", enrollment)
        async with client(matching) as admin, client(matching, "participant", person_id=mentor) as as_mentor:
            listed = (await admin.get(f"/v1/programs/{program}/not-answering")).json()
            counted = (await admin.get("/v1/not-answering")).json()  # every program's, for the console's home page
            refused = await as_mentor.get("/v1/not-answering")
        assert listed == [{"person_id": str(mentor), "enrollment_id": str(enrollment), "role": "mentor",
                           "unanswered_in_a_row": 2}]
        assert {"program_id": str(program), "people": 1} in counted and refused.status_code == 403

        await profiles.send(EnrollmentChangedV4(
            enrollment_id=enrollment, person_id=mentor, program_id=program, chapter_id=None, role="mentor",
            stage="resident", capacity=1, mentee_stages_welcome=[], approval="approved", changed_fields=["paused"],
            pairing_kind="general", paused=False))  # they resume
        await observer.wait_for(program, "pairing_proposed", count=3, mentor_id=mentor)
        assert await conn.fetchval("SELECT unanswered_in_a_row FROM enrollments WHERE id = $1", enrollment) == 0
        async with client(matching) as admin:
            assert (await admin.get(f"/v1/programs/{program}/not-answering")).json() == []
            assert str(program) not in [c["program_id"] for c in (await admin.get("/v1/not-answering")).json()]
    finally:
        await conn.close()


async def test_a_mentor_reported_for_conduct_is_held_as_the_pairing_ends_until_approved_again(
        matching, matching_settings, profiles, observer):
    from mentorship_contracts.profiles import EnrollmentChangedV4, MentorApprovedV2

    program = await profiles.program()
    mentor = uuid4()
    await profiles.profile(mentor, "resident")
    enrollment = await profiles.enroll(mentor, program, "mentor", "resident")
    first = await profiles.person(program, "mentee")
    pairing = (await observer.wait_for(program, "pairing_confirmed", mentee_id=first))[0]
    second = await profiles.person(program, "mentee")
    await observer.wait_for(program, "mentee_waitlisted", mentee_id=second)

    def changed(fields: list[str], approval: str, capacity: int) -> EnrollmentChangedV4:
        return EnrollmentChangedV4(
            enrollment_id=enrollment, person_id=mentor, program_id=program, chapter_id=None, role="mentor",
            stage="resident", capacity=capacity, mentee_stages_welcome=[], approval=approval,
            changed_fields=fields, pairing_kind="general", paused=False)

    conn = await asyncpg.connect(matching_settings.database_url)
    try:
        async with client(matching, "participant", person_id=first) as as_first:
            ended = await as_first.post(f"/v1/pairings/{pairing['pairing_id']}/end", json={"reason_code": "conduct"})
            assert ended.status_code == 200, ended.text
        assert not await conn.fetchval("SELECT approved FROM enrollments WHERE id = $1", enrollment)
        # A change profiles announced before it read the report says approved still: the mentor stays held.
        await profiles.send(changed(["capacity"], "approved", 2))
        await eventually(lambda: conn.fetchval("SELECT capacity = 2 FROM enrollments WHERE id = $1", enrollment),
                         timeout=60, what="the change announced before the report")
        assert not await conn.fetchval("SELECT approved FROM enrollments WHERE id = $1", enrollment)
        assert await conn.fetchval("SELECT count(*) FROM pairings WHERE mentor_id = $1", mentor) == 1
        # Profiles holds them too (back in its vetting queue), then a coordinator approves them again.
        await profiles.send(changed(["approval", "review_reason"], "pending", 2))
        await eventually(lambda: conn.fetchval("SELECT NOT held_for_review FROM enrollments WHERE id = $1",
                                               enrollment), timeout=60, what="profiles' word on the report")
        assert await conn.fetchval("SELECT count(*) FROM pairings WHERE mentor_id = $1", mentor) == 1
        await profiles.send(MentorApprovedV2(enrollment_id=enrollment, person_id=mentor, program_id=program,
                                             chapter_id=None))
        again = (await observer.wait_for(program, "pairing_confirmed", mentee_id=second))[0]
        assert again["mentor_id"] == str(mentor)
    finally:
        await conn.close()


async def test_a_mentee_reported_for_conduct_is_paused_as_the_pairing_ends_until_a_coordinator_clears_it(
        matching, matching_settings, profiles, observer):
    from mentorship_contracts.profiles import EnrollmentChangedV4

    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    mentee = uuid4()
    await profiles.profile(mentee, "undergraduate")
    enrollment = await profiles.enroll(mentee, program, "mentee", "undergraduate")
    pairing = (await observer.wait_for(program, "pairing_confirmed", mentee_id=mentee))[0]
    other = await profiles.person(program, "mentor")
    await known_to_matching(matching_settings, other)

    def changed(fields: list[str], paused: bool) -> EnrollmentChangedV4:
        return EnrollmentChangedV4(
            enrollment_id=enrollment, person_id=mentee, program_id=program, chapter_id=None, role="mentee",
            stage="undergraduate", capacity=1, mentee_stages_welcome=[], approval="approved", changed_fields=fields,
            pairing_kind="general", paused=paused)

    conn = await asyncpg.connect(matching_settings.database_url)
    try:
        async with client(matching, "participant", person_id=mentor) as as_mentor:
            ended = await as_mentor.post(f"/v1/pairings/{pairing['pairing_id']}/end", json={"reason_code": "conduct"})
            assert ended.status_code == 200, ended.text
        await profiles.send(changed(["goals"], False))  # announced before profiles read the report
        await profiles.send(changed(["paused", "review_reason"], True))  # profiles holds them too
        await eventually(lambda: conn.fetchval("SELECT NOT held_for_review FROM enrollments WHERE id = $1",
                                               enrollment), timeout=60, what="profiles' word on the report")
        assert await conn.fetchval("SELECT paused FROM enrollments WHERE id = $1", enrollment)
        assert await conn.fetchval("SELECT count(*) FROM pairings WHERE mentee_id = $1", mentee) == 1
        await profiles.send(changed(["paused", "review_reason"], False))  # a coordinator cleared the review
        again = (await observer.wait_for(program, "pairing_confirmed", count=2))[1]
        assert (again["mentee_id"], again["mentor_id"]) == (str(mentee), str(other))
    finally:
        await conn.close()


async def test_a_mentee_whose_goals_were_met_rests_as_the_pairing_ends_until_they_ask_for_another_mentor(
        matching, matching_settings, profiles, observer):
    from mentorship_contracts.profiles import EnrollmentChangedV4

    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    mentee = uuid4()
    await profiles.profile(mentee, "undergraduate")
    enrollment = await profiles.enroll(mentee, program, "mentee", "undergraduate")
    pairing = (await observer.wait_for(program, "pairing_confirmed", mentee_id=mentee))[0]
    other = await profiles.person(program, "mentor")
    await known_to_matching(matching_settings, other)

    def changed(fields: list[str], paused: bool) -> EnrollmentChangedV4:
        return EnrollmentChangedV4(
            enrollment_id=enrollment, person_id=mentee, program_id=program, chapter_id=None, role="mentee",
            stage="undergraduate", capacity=1, mentee_stages_welcome=[], approval="approved", changed_fields=fields,
            pairing_kind="general", paused=paused)

    conn = await asyncpg.connect(matching_settings.database_url)
    try:
        async with client(matching, "participant", person_id=mentor) as as_mentor:
            ended = await as_mentor.post(f"/v1/pairings/{pairing['pairing_id']}/end", json={"reason_code": "goals_met"})
            assert ended.status_code == 200, ended.text
        assert await conn.fetchval("SELECT paused AND resting_after_mentorship FROM enrollments WHERE id = $1",
                                   enrollment)
        await profiles.send(changed(["goals"], False))  # announced before profiles read the ending
        await profiles.send(changed(["paused", "paused_because"], True))  # profiles pauses them too, saying why
        await eventually(lambda: conn.fetchval("SELECT NOT resting_after_mentorship FROM enrollments WHERE id = $1",
                                               enrollment), timeout=60, what="profiles' word on the ending")
        assert await conn.fetchval("SELECT paused FROM enrollments WHERE id = $1", enrollment)
        assert await conn.fetchval("SELECT count(*) FROM pairings WHERE mentee_id = $1", mentee) == 1
        await profiles.send(changed(["paused"], False))  # they ask for another mentor
        again = (await observer.wait_for(program, "pairing_confirmed", count=2))[1]
        assert (again["mentee_id"], again["mentor_id"]) == (str(mentee), str(other))
    finally:
        await conn.close()
