"""Rounds under review: a round drafts, a coordinator edits the draft, and only publishing proposes anyone."""

from __future__ import annotations

from collections import Counter
from uuid import uuid4

import pytest
from matching.adapters.solver import optimal_assignment
from matching.domain import commands
from matching.domain.errors import (
    AlreadyPaired,
    DifferentKind,
    DraftAwaitingReview,
    MentorFull,
    NotEnrolled,
    PairNotInRound,
    PersonPaused,
    ProgramCapReached,
    RoundAlreadyRunning,
    RoundNotDraft,
    SameMentor,
    SamePerson,
)
from matching.domain.scoring import fit
from matching.service_layer import overlap, projections, rounds, stepping_in
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


def adding(round_id, mentee, mentor) -> commands.AddPairToDraft:
    return commands.AddPairToDraft(round_id, mentee, mentor)


async def visible_fit(platform: Platform, program, mentee, mentor):
    """The pair's visible fit (the score and reasons anyone reads), as the engine scores its pairs."""
    rules = await platform.programs.get(program)
    candidates = platform.repositories["candidates"]
    [them] = [c for c in await candidates.in_program(rules, "mentee") if c.person_id == mentee]
    [him] = [c for c in await candidates.in_program(rules, "mentor") if c.person_id == mentor]
    return fit(them, him, await platform.programs.weights(program))


async def test_a_pair_removed_by_mistake_and_put_back_is_the_engines_pair_again_and_its_mentee_no_longer_unpaired():
    # Removing a pair could not be undone: the only way back was to discard the draft, and the swaps with it.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    [await profiles.person(program, "mentor", specialties=["pediatrics"]) for _ in range(2)]
    hana = await profiles.person(program, "mentee", specialties=["pediatrics"])
    await profiles.person(program, "mentee")
    round_id = await drafted(platform, program)
    engines = (await rounds.round_status(round_id, platform.uow()))["pairs"]
    jamal = next(p.mentor_id for p in engines if p.mentee_id == hana)
    await rounds.remove_pair(round_id, hana, platform.uow(), administrator())
    unit = platform.uow()

    await rounds.add_pair(adding(round_id, hana, jamal), unit, administrator())

    draft = await rounds.round_status(round_id, platform.uow())
    assert draft["pairs"] == engines and draft["unpaired_list"] == []
    [edited] = unit.audited
    assert (edited.action, edited.detail) == ("round.edited", {"program_id": str(program), "added": str(hana),
                                                               "mentor_id": str(jamal)})
    await rounds.publish(round_id, platform.uow(), administrator())
    assert {p["origin"] for p in platform.stored_pairings()} == {"round"}


async def test_a_mentee_left_unpaired_is_added_with_a_mentor_who_has_room_as_a_pair_made_by_hand_by_its_visible_fit():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    await profiles.person(program, "mentor", specialties=["pediatrics"])
    mentees = [await profiles.person(program, "mentee", specialties=["pediatrics"]) for _ in range(2)]
    round_id = await drafted(platform, program)
    [left] = [u.mentee_id for u in (await rounds.round_status(round_id, platform.uow()))["unpaired_list"]]
    late = await profiles.person(program, "mentor", specialties=["pediatrics"])  # enrolled after the round ran

    await rounds.add_pair(adding(round_id, left, late), platform.uow(), administrator())

    draft = await rounds.round_status(round_id, platform.uow())
    added = next(p for p in draft["pairs"] if p.mentee_id == left)
    visible = await visible_fit(platform, program, left, late)
    assert (added.mentor_id, added.by_hand, added.score, added.reasons) == (late, True, visible.score, visible.reasons)
    assert draft["unpaired_list"] == [] and {p.mentee_id for p in draft["pairs"]} == set(mentees)
    await rounds.publish(round_id, platform.uow(), administrator())
    assert {(p["mentee_id"], p["origin"]) for p in platform.stored_pairings()} == {
        (m, "manual" if m == left else "round") for m in mentees}


async def test_a_pair_added_by_hand_swapped_away_and_back_is_still_made_by_hand_and_a_removed_one_still_the_engines():
    # The mentor the engine drafted for a mentee is kept through a removal and an addition: with it again, theirs is
    # the engine's pair; a mentee the engine drafted with nobody has no engine's pair to return to.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    [await profiles.person(program, "mentor") for _ in range(2)]
    everyone = [await profiles.person(program, "mentee") for _ in range(3)]
    round_id = await drafted(platform, program)
    draft = await rounds.round_status(round_id, platform.uow())
    engines = {p.mentee_id: p.mentor_id for p in draft["pairs"]}
    [left] = [u.mentee_id for u in draft["unpaired_list"]]
    removed, kept = [m for m in everyone if m != left]
    await rounds.remove_pair(round_id, removed, platform.uow(), administrator())
    await rounds.add_pair(adding(round_id, left, engines[removed]), platform.uow(), administrator())

    for _ in range(2):
        await rounds.swap(round_id, left, kept, platform.uow(), administrator())
    await rounds.remove_pair(round_id, kept, platform.uow(), administrator())
    await rounds.add_pair(adding(round_id, kept, engines[kept]), platform.uow(), administrator())

    pairs = {p.mentee_id: (p.mentor_id, p.by_hand) for p in (await rounds.round_status(round_id, platform.uow()))[
        "pairs"]}
    assert pairs == {left: (engines[removed], True), kept: (engines[kept], False)}


async def test_a_pair_is_added_only_with_a_mentor_who_has_a_place_once_the_drafts_other_pairs_are_counted():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor", capacity=2)
    [await profiles.person(program, "mentee") for _ in range(3)]
    round_id = await drafted(platform, program)
    before = await rounds.round_status(round_id, platform.uow())
    [left] = [u.mentee_id for u in before["unpaired_list"]]
    unit = platform.uow()

    with pytest.raises(MentorFull) as refused:
        await rounds.add_pair(adding(round_id, left, mentor), unit, administrator())

    assert (refused.value.status, refused.value.code, refused.value.field) == (409, "mentor_full", "mentor_id")
    after = await rounds.round_status(round_id, platform.uow())
    assert (after["pairs"], after["unpaired_list"]) == (before["pairs"], before["unpaired_list"])
    assert not unit.audited


async def test_a_pair_is_added_only_under_the_programs_cap_once_the_drafts_pairs_are_counted():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds", pair_cap=1)
    mentors = [await profiles.person(program, "mentor") for _ in range(2)]
    [await profiles.person(program, "mentee") for _ in range(2)]
    round_id = await drafted(platform, program)
    draft = await rounds.round_status(round_id, platform.uow())
    [paired] = draft["pairs"]
    [left] = [u.mentee_id for u in draft["unpaired_list"]]
    [free] = [m for m in mentors if m != paired.mentor_id]

    with pytest.raises(ProgramCapReached) as refused:
        await rounds.add_pair(adding(round_id, left, free), platform.uow(), administrator())

    assert (refused.value.status, refused.value.code, refused.value.field) == (409, "program_cap_reached", "mentor_id")


async def test_a_pair_is_added_only_with_a_mentor_of_the_program_of_the_mentees_kind_as_pairing_by_hand_refuses():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    research = await profiles.person(program, "mentor", kind="research")
    clinical = await profiles.person(program, "mentee", kind="clinical")  # no mentor of their kind: left unpaired
    round_id = await drafted(platform, program)

    refused = {}
    for mentor, kind in ((research, DifferentKind), (clinical, SamePerson), (uuid4(), NotEnrolled)):
        with pytest.raises(kind) as refusal:
            await rounds.add_pair(adding(round_id, clinical, mentor), platform.uow(), administrator())
        refused[kind] = (refusal.value.status, refusal.value.field)

    assert refused == {DifferentKind: (409, "mentee_id"), SamePerson: (409, "mentor_id"),
                       NotEnrolled: (404, "mentor_id")}


async def test_a_mentee_is_added_only_if_the_draft_leaves_them_unpaired_and_they_still_wait_the_refusal_naming_them():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor", capacity=3)
    paired, removed = [await profiles.person(program, "mentee") for _ in range(2)]
    round_id = await drafted(platform, program)
    await rounds.remove_pair(round_id, removed, platform.uow(), administrator())
    await profiles.pause(removed, program)
    late = await profiles.person(program, "mentee")  # enrolled after the round ran: the draft never knew them

    refused = {}
    for mentee, kind in ((paired, AlreadyPaired), (removed, PersonPaused), (late, PairNotInRound)):
        with pytest.raises(kind) as refusal:
            await rounds.add_pair(adding(round_id, mentee, mentor), platform.uow(), administrator())
        refused[kind] = (refusal.value.status, refusal.value.code, refusal.value.field)

    assert refused == {AlreadyPaired: (409, "already_paired", "mentee_id"),
                       PersonPaused: (409, "person_paused", "mentee_id"),
                       PairNotInRound: (404, "pair_not_found", "mentee_id")}
    await profiles.pause(removed, program, paused=False)
    await rounds.add_pair(adding(round_id, removed, mentor), platform.uow(), administrator())


async def test_a_pair_is_added_to_a_draft_alone():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    round_id = await drafted(platform, program)
    await rounds.remove_pair(round_id, mentee, platform.uow(), administrator())
    await rounds.discard(round_id, platform.uow(), administrator())

    with pytest.raises(RoundNotDraft) as refused:
        await rounds.add_pair(adding(round_id, mentee, mentor), platform.uow(), administrator())

    assert (refused.value.status, refused.value.field) == (409, "round_id")


async def test_a_drafts_detail_gives_the_places_each_mentor_has_free_once_its_pairs_and_their_live_ones_are_counted():
    # For the console to offer them in its form adding a pair: mentors' ids and places, nothing else of them.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    busy = await profiles.person(program, "mentor", capacity=3)
    single = await profiles.person(program, "mentor")
    paused = await profiles.person(program, "mentor", capacity=2)
    await profiles.pause(paused, program)
    await stepping_in.pair_by_hand(commands.PairByHand(program, await profiles.person(program, "mentee"), busy),
                                   platform.uow(), administrator())
    [await profiles.person(program, "mentee") for _ in range(2)]
    round_id = await drafted(platform, program)
    draft = await rounds.round_status(round_id, platform.uow())
    drafted_with = Counter(p.mentor_id for p in draft["pairs"])
    places = {busy: 3 - 1 - drafted_with[busy], single: 1 - drafted_with[single]}
    assert len(draft["pairs"]) == 2 and sum(places.values()) == 1

    assert draft["mentors_with_places"] == [{"mentor_id": m, "places": n} for m, n in places.items() if n]
    removed = draft["pairs"][0]
    await rounds.remove_pair(round_id, removed.mentee_id, platform.uow(), administrator())
    places[removed.mentor_id] += 1
    assert (await rounds.round_status(round_id, platform.uow()))["mentors_with_places"] == [
        {"mentor_id": m, "places": n} for m, n in places.items() if n]
    await rounds.publish(round_id, platform.uow(), administrator())
    assert (await rounds.round_status(round_id, platform.uow()))["mentors_with_places"] is None


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
