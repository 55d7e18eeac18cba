"""Rounds under review: a round drafts, a coordinator edits the draft, and only publishing proposes anyone."""

from __future__ import annotations

from uuid import uuid4

import pytest
from matching.adapters.solver import optimal_assignment
from matching.domain import commands
from matching.domain.errors import (
    DifferentKind,
    DraftAwaitingReview,
    PairNotInRound,
    RoundAlreadyRunning,
    RoundNotDraft,
    SameMentor,
)
from matching.service_layer import overlap, projections, rounds
from mentorship_contracts import matching as published
from mentorship_contracts.profiles import EnrollmentWithdrawn

from .fakes import Platform
from .profiles_service import Profiles, administrator


async def drafted(platform: Platform, program):
    round_id = await rounds.queue_round(commands.RunRound(program, "optimal", False), platform.uow(), administrator())
    await rounds.run_next_round(platform.uow, optimal_assignment)
    return round_id


async def test_a_round_drafts_its_pairs_and_proposes_nobody_until_it_is_published():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")

    round_id = await drafted(platform, program)

    draft = await rounds.round_status(round_id, platform.uow())
    assert draft["status"] == "draft" and [(p.mentee_id, p.mentor_id) for p in draft["pairs"]] == [(mentee, mentor)]
    assert not platform.events(published.PairingProposed) and not platform.stored_pairings()


async def test_running_a_round_and_reading_its_draft_are_in_the_audit_trail_but_watching_it_run_is_not():
    # A draft names every mentee waiting and the mentor proposed to each: who read one is on record, as a roster's.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    await profiles.person(program, "mentor")
    await profiles.person(program, "mentee")
    coordinator = administrator()
    queued = platform.uow()
    round_id = await rounds.queue_round(commands.RunRound(program, "optimal", False), queued, coordinator)
    running, read = platform.uow(), platform.uow()

    await rounds.round_status(round_id, running, viewer=coordinator)
    await rounds.run_next_round(platform.uow, optimal_assignment)
    await rounds.round_status(round_id, read, viewer=coordinator)

    assert [(e.action, str(e.subject_id)) for e in queued.audited] == [("round.requested", str(round_id))]
    assert not running.audited
    [viewed] = read.audited
    assert (viewed.action, str(viewed.subject_id), viewed.detail) == (
        "round.viewed", str(round_id), {"program_id": str(program), "status": "draft", "pairs": 1, "unpaired": 0})


async def test_a_staff_member_reading_a_round_again_is_on_record_once_for_its_draft_and_once_once_published():
    # Every redirect after an edit reads the draft again: ten identical entries a review would bury the trail.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    await profiles.person(program, "mentor")
    await profiles.person(program, "mentee")
    round_id = await drafted(platform, program)
    reviewer, colleague = administrator(), administrator()
    looks = [platform.uow() for _ in range(6)]

    await rounds.round_status(round_id, looks[0], viewer=reviewer)
    await rounds.round_status(round_id, looks[1], viewer=reviewer)
    await rounds.round_status(round_id, looks[2], viewer=colleague)
    await rounds.publish(round_id, platform.uow(), reviewer)
    await rounds.round_status(round_id, looks[3], viewer=reviewer)
    await rounds.round_status(round_id, looks[4], viewer=reviewer)
    await rounds.round_status(round_id, looks[5], viewer=colleague)

    assert [[(e.actor, e.detail["status"]) for e in look.audited] for look in looks] == [
        [(str(reviewer.person_id), "draft")], [], [(str(colleague.person_id), "draft")],
        [(str(reviewer.person_id), "published")], [], [(str(colleague.person_id), "published")]]


async def test_a_pair_removed_from_the_draft_is_never_proposed_and_its_mentee_is_listed_as_removed():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    [await profiles.person(program, "mentor") for _ in range(2)]
    kept, removed = [await profiles.person(program, "mentee") for _ in range(2)]
    round_id = await drafted(platform, program)
    unit = platform.uow()

    await rounds.remove_pair(round_id, removed, unit, administrator())
    outcome = await rounds.publish(round_id, platform.uow(), administrator())

    assert [e.mentee_id for e in platform.events(published.PairingProposed)] == [kept]
    assert [(u.mentee_id, u.reason_code) for u in outcome["unpaired_list"]] == [(removed, "removed_by_coordinator")]
    assert [e.action for e in unit.audited] == ["round.edited"]


async def test_two_pairs_swap_their_mentors_when_both_new_pairs_keep_the_rules():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    mentors = [await profiles.person(program, "mentor") for _ in range(2)]
    a, b = [await profiles.person(program, "mentee") for _ in range(2)]
    round_id = await drafted(platform, program)
    before = {p.mentee_id: p.mentor_id for p in (await rounds.round_status(round_id, platform.uow()))["pairs"]}

    await rounds.swap(round_id, a, b, platform.uow(), administrator())

    after = {p.mentee_id: p.mentor_id for p in (await rounds.round_status(round_id, platform.uow()))["pairs"]}
    assert after == {a: before[b], b: before[a]} and set(after.values()) == set(mentors)


async def test_two_pairs_swapped_and_swapped_back_are_the_engines_pairs_again_not_made_by_hand():
    # Swapped back, both still read "swapped by a coordinator" and were proposed for their mentees to confirm.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    [await profiles.person(program, "mentor") for _ in range(3)]
    a, b, c = [await profiles.person(program, "mentee") for _ in range(3)]
    round_id = await drafted(platform, program)
    engines = {p.mentee_id: p.mentor_id for p in (await rounds.round_status(round_id, platform.uow()))["pairs"]}

    await rounds.swap(round_id, a, b, platform.uow(), administrator())
    await rounds.swap(round_id, b, c, platform.uow(), administrator())  # b's second mentor, c's first swap
    await rounds.swap(round_id, a, c, platform.uow(), administrator())  # a takes back its own mentor

    pairs = {p.mentee_id: p for p in (await rounds.round_status(round_id, platform.uow()))["pairs"]}
    assert pairs[a].mentor_id == engines[a] and not pairs[a].by_hand
    assert pairs[b].mentor_id == engines[c] and pairs[b].by_hand
    assert pairs[c].mentor_id == engines[b] and pairs[c].by_hand
    await rounds.swap(round_id, b, c, platform.uow(), administrator())
    pairs = {p.mentee_id: p for p in (await rounds.round_status(round_id, platform.uow()))["pairs"]}
    assert {m: (p.mentor_id, p.by_hand) for m, p in pairs.items()} == {m: (engines[m], False) for m in (a, b, c)}


async def test_swapping_two_mentees_drafted_with_the_same_mentor_is_refused_and_changes_neither_pair():
    # It answered "swapped" and marked both pairs as made by hand: their mentees were asked to confirm pairs nobody
    # had changed.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    await profiles.person(program, "mentor", capacity=2)
    a, b = [await profiles.person(program, "mentee") for _ in range(2)]
    round_id = await drafted(platform, program)
    before = (await rounds.round_status(round_id, platform.uow()))["pairs"]

    with pytest.raises(SameMentor) as refused:
        await rounds.swap(round_id, a, b, platform.uow(), administrator())
    with pytest.raises(SameMentor):
        await rounds.swap(round_id, a, a, platform.uow(), administrator())

    assert refused.value.status == 409 and refused.value.field == "mentee_b"
    assert (await rounds.round_status(round_id, platform.uow()))["pairs"] == before
    assert not [p for p in before if p.by_hand]


async def test_a_swap_that_would_pair_a_mentee_with_a_mentor_of_another_kind_is_refused_with_the_rules_code():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    await profiles.person(program, "mentor", kind="research")
    await profiles.person(program, "mentor", kind="clinical")
    research = await profiles.person(program, "mentee", kind="research")
    clinical = await profiles.person(program, "mentee", kind="clinical")
    round_id = await drafted(platform, program)

    with pytest.raises(DifferentKind):
        await rounds.swap(round_id, research, clinical, platform.uow(), administrator())
    with pytest.raises(PairNotInRound):
        await rounds.remove_pair(round_id, program, platform.uow(), administrator())


async def test_publishing_skips_a_drafted_pair_whose_mentee_withdrew_meanwhile_and_says_so():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    [await profiles.person(program, "mentor") for _ in range(2)]
    stays, leaves = [await profiles.person(program, "mentee") for _ in range(2)]
    round_id = await drafted(platform, program)
    [enrollment] = await platform.people.enrollments_of(leaves, program, "mentee")
    await projections.enrollment_withdrawn(EnrollmentWithdrawn(
        enrollment_id=enrollment["id"], person_id=leaves, program_id=program, chapter_id=None, role="mentee"),
        platform.uow())

    outcome = await rounds.publish(round_id, platform.uow(), administrator())

    assert [e.mentee_id for e in platform.events(published.PairingProposed)] == [stays]
    assert [(s["mentee_id"], s["reason_code"]) for s in outcome["skipped"]] == [(leaves, "mentee_no_longer_waiting")]
    [completed] = platform.events(published.RoundCompleted)
    assert completed.paired == 1


async def test_a_round_drafted_and_published_a_few_pairs_at_a_time_is_the_same_round(monkeypatch):
    # A national round is written a part at a time; each part's checks carry on from the parts before (mentors' room).
    monkeypatch.setattr(overlap, "AT_ONCE", 2)
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    mentors = [await profiles.person(program, "mentor", capacity=2) for _ in range(3)]
    mentees = [await profiles.person(program, "mentee") for _ in range(5)]
    round_id = await drafted(platform, program)
    draft = await rounds.round_status(round_id, platform.uow())
    leaves = draft["pairs"][-1].mentee_id  # in the last part
    [enrollment] = await platform.people.enrollments_of(leaves, program, "mentee")
    await projections.enrollment_withdrawn(EnrollmentWithdrawn(
        enrollment_id=enrollment["id"], person_id=leaves, program_id=program, chapter_id=None, role="mentee"),
        platform.uow())

    outcome = await rounds.publish(round_id, platform.uow(), administrator())

    assert len(draft["pairs"]) == 5 and draft["total_score"] == sum(p.score for p in draft["pairs"])
    proposed = platform.events(published.PairingProposed)
    assert sorted(e.mentee_id for e in proposed) == sorted(m for m in mentees if m != leaves)
    assert all(sum(e.mentor_id == mentor for e in proposed) <= 2 for mentor in mentors)
    assert len(platform.stored_pairings()) == 4
    assert [(s["mentee_id"], s["reason_code"]) for s in outcome["skipped"]] == [(leaves, "mentee_no_longer_waiting")]
    [completed] = platform.events(published.RoundCompleted)
    assert (completed.paired, completed.total_score) == (4, sum(e.score for e in proposed))


async def test_a_discarded_draft_proposes_nobody_and_can_no_longer_be_published():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    await profiles.person(program, "mentor")
    await profiles.person(program, "mentee")
    round_id = await drafted(platform, program)
    unit = platform.uow()

    outcome = await rounds.discard(round_id, unit, administrator())

    assert outcome["status"] == "discarded" and [e.action for e in unit.audited] == ["round.discarded"]
    with pytest.raises(RoundNotDraft):
        await rounds.publish(round_id, platform.uow(), administrator())
    assert not platform.events(published.PairingProposed)


async def test_the_drafts_awaiting_review_are_listed_latest_first_of_the_chapters_programs_alone():
    platform = Platform()
    profiles = Profiles(platform)
    ours, theirs = uuid4(), uuid4()
    first, second, elsewhere = [await profiles.program(chapter_id=chapter, pairing_mode="rounds")
                                for chapter in (ours, ours, theirs)]
    for program in (first, second, elsewhere):
        await profiles.person(program, "mentor")
        await profiles.person(program, "mentee")
    published_one = await drafted(platform, first)
    await rounds.publish(published_one, platform.uow(), administrator())
    older, newer, theirs_drafted = [await drafted(platform, p) for p in (first, second, elsewhere)]

    drafts = await rounds.rounds_of_chapters(frozenset({ours}), "draft", platform.uow())

    assert [(r["id"], r["status"]) for r in drafts] == [(newer, "draft"), (older, "draft")]
    everyone = await rounds.rounds_of_chapters(None, "draft", platform.uow())
    assert [r["id"] for r in everyone] == [theirs_drafted, newer, older]


async def test_no_more_than_two_hundred_rounds_are_listed_the_latest():
    platform = Platform()
    profiles = Profiles(platform)  # a program has one round open at a time
    programs = [await profiles.program(pairing_mode="rounds") for _ in range(201)]
    queued = [await rounds.queue_round(commands.RunRound(program, "optimal", False), platform.uow(), administrator())
              for program in programs]

    listed = await rounds.rounds_of_chapters(None, "queued", platform.uow())

    assert [r["id"] for r in listed] == queued[:0:-1]


async def test_publishing_a_round_tells_each_mentee_it_leaves_waiting_once_and_nobody_it_paired():
    # Those a round left unpaired heard nothing: as pairing on registration does, they are told they wait, once.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    await profiles.person(program, "mentor", capacity=1)
    first, second, third = [await profiles.person(program, "mentee") for _ in range(3)]
    round_id = await drafted(platform, program)
    draft = await rounds.round_status(round_id, platform.uow())
    [paired] = [p.mentee_id for p in draft["pairs"]]
    await rounds.publish(round_id, platform.uow(), administrator())

    told = {e.mentee_id for e in platform.events(published.MenteeWaitlisted)}
    assert told == {first, second, third} - {paired}
    await rounds.publish(await drafted(platform, program), platform.uow(), administrator())
    assert len(platform.events(published.MenteeWaitlisted)) == 2, "told once, not at every round"


async def test_every_change_to_a_round_in_the_audit_trail_names_its_program():
    # "Published a round" named none: the trail could not say which program's round it was, nor link to it.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    await profiles.person(program, "mentor", capacity=2)
    removed = await profiles.person(program, "mentee")
    await profiles.person(program, "mentee")
    published_round = await drafted(platform, program)
    units = [platform.uow() for _ in range(3)]
    await rounds.remove_pair(published_round, removed, units[0], administrator())
    await rounds.publish(published_round, units[1], administrator())
    await rounds.discard(await drafted(platform, program), units[2], administrator())

    audited = [e for unit in units for e in unit.audited]
    assert [e.action for e in audited] == ["round.edited", "round.published", "round.discarded"]
    assert {e.detail["program_id"] for e in audited} == {str(program)}


async def test_a_draft_discarded_after_a_pair_was_removed_keeps_the_counts_it_was_left_with():
    # The rounds' list said "1 pair · 2 unpaired" of a draft whose only pair had been removed before it was discarded.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    await profiles.person(program, "mentor", capacity=1)
    for _ in range(3):
        await profiles.person(program, "mentee")
    round_id = await drafted(platform, program)
    [paired] = [p.mentee_id for p in (await rounds.round_status(round_id, platform.uow()))["pairs"]]
    await rounds.remove_pair(round_id, paired, platform.uow(), administrator())

    outcome = await rounds.discard(round_id, platform.uow(), administrator())

    assert (outcome["status"], outcome["paired"], outcome["unpaired"], outcome["total_score"]) == ("discarded", 0, 3, 0)


async def test_a_round_is_refused_while_a_draft_of_the_same_program_awaits_review_until_it_is_published_or_discarded():
    # Two drafts both "waiting for your review": publishing the newer then the older proposed nobody from the older
    # (every pair "no longer valid"), which still said "published".
    platform = Platform()
    profiles = Profiles(platform)
    program, elsewhere = [await profiles.program(pairing_mode="rounds") for _ in range(2)]
    for p in (program, elsewhere):
        await profiles.person(p, "mentor")
        await profiles.person(p, "mentee")
    waiting = await drafted(platform, program)
    await drafted(platform, elsewhere)  # another program's draft is no reason

    for closing in (rounds.publish, rounds.discard):
        unit = platform.uow()
        with pytest.raises(DraftAwaitingReview) as refused:
            await rounds.queue_round(commands.RunRound(program, "optimal", False), unit, administrator())
        assert (refused.value.status, refused.value.code, refused.value.field) == (
            409, "draft_awaiting_review", "program_id")
        assert str(waiting) in refused.value.message and "publish or discard" in refused.value.message
        assert not unit.audited
        assert [r["id"] for r in await rounds.rounds_of(program, platform.uow())][0] == waiting

        await closing(waiting, platform.uow(), administrator())
        waiting = await drafted(platform, program)

    assert [r["status"] for r in await rounds.rounds_of(program, platform.uow())] == ["draft", "discarded", "published"]


async def test_a_round_is_refused_while_another_of_the_same_program_is_queued_or_running():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    await profiles.person(program, "mentor")
    await profiles.person(program, "mentee")
    queued = await rounds.queue_round(commands.RunRound(program, "optimal", False), platform.uow(), administrator())

    with pytest.raises(RoundAlreadyRunning) as refused:
        await rounds.queue_round(commands.RunRound(program, "stable", False), platform.uow(), administrator())

    assert (refused.value.status, refused.value.code, refused.value.field) == (409, "round_already_running",
                                                                               "program_id")
    assert str(queued) in refused.value.message
    await rounds.run_next_round(platform.uow, optimal_assignment)
    assert [r["status"] for r in await rounds.rounds_of(program, platform.uow())] == ["draft"]


async def test_the_job_running_rounds_drafts_no_second_draft_of_a_program_whose_draft_awaits_review():
    # Two rounds of one program queued before running one was refused while another waited: the first drafts, the
    # second fails, saying why, rather than stand beside it.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    await profiles.person(program, "mentor")
    await profiles.person(program, "mentee")
    first, second = uuid4(), uuid4()
    for round_id in (first, second):
        async with platform.uow() as unit:
            await unit.rounds.queue(round_id, program, "optimal", False)
            await unit.commit()

    assert await rounds.run_next_round(platform.uow, optimal_assignment) == first
    assert await rounds.run_next_round(platform.uow, optimal_assignment) == second

    ran = {r["id"]: r for r in await rounds.rounds_of(program, platform.uow())}
    assert (ran[first]["status"], ran[second]["status"], ran[second]["error"]) == (
        "draft", "failed", "draft_awaiting_review")
    assert not (await rounds.round_status(second, platform.uow()))["pairs"]
