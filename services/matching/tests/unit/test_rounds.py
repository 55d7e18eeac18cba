"""Rounds on plain objects: the candidate graph, the optimal and the stable assignment, and the reasons left."""

import itertools
import random
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import numpy as np
import pytest
from matching.adapters import hungarian, solver
from matching.adapters.solver import optimal_assignment
from matching.domain.model import Candidate, IdentityWish, ProgramRules
from matching.domain.rounds import (
    Pricer,
    _by_row_best_first,
    _kth_largest,
    candidate_graph,
    stable_matching,
    unpaired_each,
    unpaired_reasons,
)
from matching.domain.scoring import Weights, exclusion, fit, pair_fits
from mentorship_contracts.vocabulary import Specialty, SupportArea
from mentorship_contracts.vocabulary import TrainingStage as S

from .min_cost_flow import best_total_by_min_cost_flow

PROGRAM = ProgramRules(
    id=uuid4(), chapter_id=None, pairing_mode="rounds", both_must_accept=False, pair_cap=None, minimum_score=0,
    term_months=12, mentee_stages=[S.UNDERGRADUATE], mentor_stages=[S.MEDICAL_STUDENT_3, S.RESIDENT, S.ATTENDING],
)
NOW = datetime(2026, 11, 22, tzinfo=UTC)
# Lists that share none (a pair ruled out), and none listed (nobody ruled out).
LANGUAGES = ([], ["en"], ["en"], ["es"], ["fr"], ["en", "es"], ["es", "fr"])


def population(seed: int, mentees: int, mentors: int, languages=LANGUAGES):
    rng = random.Random(seed)
    specialties, support = list(Specialty), list(SupportArea)

    def someone(stage, i, **extra):
        return Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=stage,
                         specialties=rng.sample(specialties, rng.randint(0, 2)),
                         support_areas=rng.sample(support, rng.randint(0, 3)),
                         timezone=rng.choice(["America/New_York", "America/Chicago"]),
                         languages=rng.choice(languages),
                         waiting_since=NOW + timedelta(minutes=i), **extra)

    return ([someone(S.UNDERGRADUATE, i) for i in range(mentees)],
            [someone(rng.choice(PROGRAM.mentor_stages), i, capacity=rng.randint(1, 2)) for i in range(mentors)])


def best_total_by_brute_force(graph) -> int:
    options = [[None] + [e for e in range(len(graph.heads)) if graph.heads[e] == i] for i in range(len(graph.mentees))]
    best = 0
    for choice in itertools.product(*options):
        chosen = [e for e in choice if e is not None]
        load = np.bincount(graph.tails[chosen], minlength=len(graph.mentors)) if chosen else 0
        if np.all(load <= graph.room):
            best = max(best, int(graph.scores[chosen].sum()))
    return best


def test_the_optimal_round_reaches_the_best_total_score_an_exhaustive_search_finds():
    for seed in range(5):
        mentees, mentors = population(seed, 5, 3)
        graph = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, top_k=3)
        assert int(graph.scores[optimal_assignment(graph)].sum()) == best_total_by_brute_force(graph)


def test_maximising_the_number_paired_first_pairs_two_where_the_best_score_pairs_one():
    mentees, mentors = population(7, 2, 2)
    graph = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0)
    # A crafted graph: mentee 0 is great with mentor 0 only... mentee 1 fits only mentor 0.
    crafted = graph.__class__(**{**vars(graph), "pricer": None, "heads": np.array([0, 0, 1], dtype=np.int32),
                                 "tails": np.array([0, 1, 0], dtype=np.int32),
                                 "scores": np.array([90, 10, 50], dtype=np.int32),
                                 "room": np.array([1, 1], dtype=np.int32)})
    assert len(optimal_assignment(crafted)) == 1
    assert len(optimal_assignment(crafted, most_pairs_first=True)) == 2


def test_no_round_gives_a_mentor_more_than_their_room_nor_the_program_more_than_its_cap():
    mentees, mentors = population(3, 40, 10)
    capped = ProgramRules(**{**vars(PROGRAM), "pair_cap": 12})
    for program in (PROGRAM, capped):
        graph = candidate_graph(program, Weights(), mentees, mentors, live_pairs=2)
        for chosen in (optimal_assignment(graph), stable_matching(graph)):
            assert np.all(np.bincount(graph.tails[chosen], minlength=len(mentors)) <= graph.room)
            assert len(set(graph.heads[chosen].tolist())) == len(chosen)
            if program.pair_cap:
                assert len(chosen) <= 10


@pytest.mark.parametrize("most_pairs_first", [False, True])
def test_under_a_program_cap_the_optimal_round_pairs_at_most_the_cap_as_well_as_it_can(most_pairs_first):
    mentees, mentors = population(5, 40, 10)
    for cap in (0, 1, 7, 12, 30):
        capped = ProgramRules(**{**vars(PROGRAM), "pair_cap": cap})
        graph = candidate_graph(capped, Weights(), mentees, mentors, live_pairs=0, top_k=10_000)
        chosen = optimal_assignment(graph, most_pairs_first)
        bonus = 100 * 40 + 1 if most_pairs_first else 0
        best, pairs = best_total_by_min_cost_flow(
            len(mentees), graph.heads.astype(np.int64), graph.tails.astype(np.int64),
            graph.scores.astype(np.int64) + bonus, graph.room.astype(np.int64), cap)
        assert len(chosen) <= cap
        assert int(graph.scores[chosen].sum()) + bonus * len(chosen) == best
        if most_pairs_first:
            assert len(chosen) == pairs


def test_the_stable_round_leaves_no_mentee_and_mentor_who_would_both_rather_have_each_other():
    mentees, mentors = population(11, 30, 8)
    graph = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0)
    chosen = stable_matching(graph)
    held_score = {int(graph.heads[e]): int(graph.scores[e]) for e in chosen}
    by_mentor = {j: sorted((int(graph.scores[e]), -int(graph.heads[e])) for e in chosen if graph.tails[e] == j)
                 for j in range(len(mentors))}
    for e in range(len(graph.heads)):
        i, j, s = int(graph.heads[e]), int(graph.tails[e]), int(graph.scores[e])
        mentee_prefers = s > held_score.get(i, -1)
        mentor_prefers = len(by_mentor[j]) < graph.room[j] or (s, -i) > by_mentor[j][0]
        assert not (mentee_prefers and mentor_prefers), f"mentee {i} and mentor {j} block the matching"


def test_a_round_says_why_mentees_were_left_unpaired():
    mentees, mentors = population(5, 6, 1, languages=([],))
    mentors = [Candidate(**{**vars(mentors[0]), "capacity": 2})]
    too_senior = Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=S.ATTENDING)
    graph = candidate_graph(PROGRAM, Weights(), [*mentees, too_senior], mentors, live_pairs=0)
    assert unpaired_reasons(graph, optimal_assignment(graph)) == {"mentors_full": 4, "no_eligible_mentor": 1}


@pytest.mark.parametrize("method", ["optimal", "stable"])
def test_a_mentee_every_fitting_mentor_of_whom_is_full_is_told_so_whatever_they_require(method):
    """Not that no mentor fits them, which sends a coordinator looking for mentors at other stages: the mentors who
    fit are there, without room. Decided as if they required nothing, as every reason is."""
    full = [Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=S.RESIDENT, capacity=1, active_pairings=1,
                      identity={"first_generation": "yes"}, shown=frozenset({"first_generation"})) for _ in range(3)]
    wishing_nothing = Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=S.UNDERGRADUATE)
    requiring = Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=S.UNDERGRADUATE,
                          identity={"first_generation": "yes"},
                          identity_wishes=(IdentityWish("first_generation", True),))
    too_senior = Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=S.ATTENDING)
    graph = candidate_graph(PROGRAM, Weights(), [wishing_nothing, requiring, too_senior], full, live_pairs=0)
    chosen = optimal_assignment(graph) if method == "optimal" else stable_matching(graph)
    assert [(m.person_id, reason) for m, reason in unpaired_each(graph, chosen)] == [
        (wishing_nothing.person_id, "fitting_mentors_full"), (requiring.person_id, "fitting_mentors_full"),
        (too_senior.person_id, "no_eligible_mentor")]


def test_a_mentee_whom_only_full_mentors_would_fit_above_the_minimum_is_told_they_are_full():
    strict = ProgramRules(**{**vars(PROGRAM), "minimum_score": 50})
    asking = Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=S.UNDERGRADUATE,
                       specialties=[Specialty.CARDIOLOGY], support_areas=[SupportArea.NETWORKING])
    full_and_fitting = Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=S.RESIDENT, capacity=1,
                                 active_pairings=1, specialties=[Specialty.CARDIOLOGY],
                                 support_areas=[SupportArea.NETWORKING])
    free_and_far = Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=S.RESIDENT, timezone="Asia/Tokyo",
                             languages=["ja"], modalities=["in_person"], region="JP-13")
    graph = candidate_graph(strict, Weights(), [asking], [full_and_fitting, free_and_far], live_pairs=0)
    assert unpaired_reasons(graph, optimal_assignment(graph)) == {"fitting_mentors_full": 1}
    graph = candidate_graph(strict, Weights(), [asking], [free_and_far], live_pairs=0)
    assert unpaired_reasons(graph, optimal_assignment(graph)) == {"below_minimum_score": 1}


def test_pairs_that_declined_or_ended_before_and_unmet_requirements_never_reach_the_graph():
    mentee = Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=S.UNDERGRADUATE,
                       identity={"first_generation": "yes"}, identity_wishes=(IdentityWish("first_generation", True),))
    sharing = Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=S.RESIDENT,
                        identity={"first_generation": "yes"}, shown=frozenset({"first_generation"}))
    other = Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=S.RESIDENT)
    assert exclusion(mentee, other, PROGRAM) == "identity_requirement_unmet"
    closed = frozenset({(mentee.person_id, sharing.person_id)})
    assert exclusion(mentee, sharing, PROGRAM, closed) == "declined_or_ended_before"
    assert len(candidate_graph(PROGRAM, Weights(), [mentee], [sharing, other], 0, closed).heads) == 0
    assert len(candidate_graph(PROGRAM, Weights(), [mentee], [sharing, other], 0).heads) == 1


def test_each_mentee_keeps_only_their_best_candidates_in_the_graph():
    mentees, mentors = population(2, 3, 30)
    graph = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, top_k=4)
    assert np.all(np.bincount(graph.heads, minlength=3) == 4)
    for i in range(3):
        kept = graph.scores[graph.heads == i]
        allowed = sorted((fit(mentees[i], m).score for m in mentors if exclusion(mentees[i], m, PROGRAM) is None),
                         reverse=True)
        assert kept.tolist() == allowed[:4]


def test_scores_of_many_pairs_at_once_equal_those_of_each_pair_alone():
    mentees, mentors = population(9, 20, 20)
    pairs = list(zip(mentees, mentors, strict=True))
    assert pair_fits(pairs, Weights()) == [fit(e, m) for e, m in pairs]


def assert_only_allowed_pairs(graph, closed: frozenset = frozenset()) -> None:
    """Every edge of the graph, those pricing or the stable round added on demand too, is a pair no hard constraint
    rules out; and some pairs of its people share no language (so the rule was put to the test)."""
    assert all(exclusion(graph.mentees[i], graph.mentors[j], PROGRAM, closed) is None
               for i, j in zip(graph.heads.tolist(), graph.tails.tolist(), strict=True))
    assert any(exclusion(e, m, PROGRAM) == "no_shared_language" for e in graph.mentees for m in graph.mentors)


def pruned_against_the_whole(top_k: int):
    """On random populations, for either objective: a graph pruned to each mentee's `top_k`, the objective, and the
    optimum over the whole graph (its total and how many it pairs), solved before the pruned graph is yielded."""
    for seed in range(8):
        mentees, mentors = population(seed, 40, 12)
        whole = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, top_k=10_000)
        for most_pairs_first in (False, True):
            reference = optimal_assignment(whole, most_pairs_first)
            pruned = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, top_k=top_k)
            yield pruned, most_pairs_first, (int(whole.scores[reference].sum()), len(reference))


def test_the_optimal_round_over_a_pruned_graph_reaches_the_optimum_of_every_qualified_pair():
    for pruned, most_pairs_first, optimum in pruned_against_the_whole(top_k=1):
        chosen = optimal_assignment(pruned, most_pairs_first)
        assert (int(pruned.scores[chosen].sum()), len(chosen)) == optimum
        assert pruned.pricing_passes > 0
        assert_only_allowed_pairs(pruned)


def test_the_optimal_round_over_a_pruned_graph_keeps_out_pairs_closed_before_as_the_whole_graph_does():
    for seed in range(6):
        mentees, mentors = population(seed, 120, 30)
        closed = closed_at_random(seed, mentees, mentors)
        whole = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, closed_before=closed,
                                top_k=10_000)
        reference = optimal_assignment(whole)
        pruned = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, closed_before=closed, top_k=1)
        chosen = optimal_assignment(pruned)
        assert (int(pruned.scores[chosen].sum()), len(chosen)) == (int(whole.scores[reference].sum()), len(reference))
        assert pruned.pricing_passes > 0
        assert_only_allowed_pairs(pruned, closed)
        pairs = {(mentees[pruned.heads[e]].person_id, pruned.mentors[pruned.tails[e]].person_id) for e in chosen}
        assert closed and not pairs & closed


def test_the_optimal_round_never_adds_a_pair_the_graph_already_holds():
    """A chosen pair may beat its duals (its arc is full), and pricing scores whole rows: it must not come back."""
    duplicated = 0
    for seed in range(8):
        mentees, mentors = population(seed, 40, 12)
        for most_pairs_first in (False, True):
            pruned = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, top_k=1)
            optimal_assignment(pruned, most_pairs_first)
            pairs = pruned.heads.astype(np.int64) * len(mentors) + pruned.tails
            duplicated += len(pairs) - len(np.unique(pairs))
    assert duplicated == 0


@pytest.mark.parametrize("added", [1, 8])  # with 1 a pass, many mentees have improving pairs left after it
def test_pricing_a_mentee_only_against_mentors_whose_price_fell_finds_every_pair_that_could_improve(added,
                                                                                                    monkeypatch):
    """After a pass, a mentee whose pairs left out could not beat their bound at the last prices can gain only from
    a mentor whose price has fallen since: scored against those alone, they give what their whole row gives."""
    monkeypatch.setattr(solver, "ADDED_PER_MENTEE", added)
    improving = Pricer.improving
    compared = []

    def checked(pricer, mentees, bound, price, left_out_best, most, among=None):
        if among is not None:  # every pair left out that could improve, from the fallen alone and from whole rows
            every = len(mentors)
            held = set(zip(graph.heads.tolist(), graph.tails.tolist(), strict=True))
            from_fallen, from_rows = (improving(pricer, mentees, bound, price, left_out_best, every, only)[:2]
                                      for only in (among, None))
            assert set(zip(*(a.tolist() for a in from_fallen), strict=True)) - held == \
                set(zip(*(a.tolist() for a in from_rows), strict=True)) - held
            compared.append(len(mentees))
        return improving(pricer, mentees, bound, price, left_out_best, most, among)

    monkeypatch.setattr(Pricer, "improving", checked)
    for seed in range(6):
        mentees, mentors = population(seed, 200, 60)
        whole_graph = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, top_k=10_000)
        graph = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, top_k=1)
        chosen = optimal_assignment(graph)
        assert int(graph.scores[chosen].sum()) == int(whole_graph.scores[optimal_assignment(whole_graph)].sum())
    assert sum(compared) > 0  # some mentees were scored against the fallen alone


def assert_the_same_stable_matching(pruned, whole, batch: int = 64, closed: frozenset = frozenset()):
    pairs = {(int(whole.heads[e]), int(whole.tails[e])) for e in stable_matching(whole)}
    chosen = stable_matching(pruned, batch)
    assert {(int(pruned.heads[e]), int(pruned.tails[e])) for e in chosen} == pairs
    assert pruned.pricing_passes > 0
    assert_only_allowed_pairs(pruned, closed)
    assert np.all(np.diff(pruned.heads) >= 0)  # grouped by mentee again


def closed_at_random(seed: int, mentees, mentors, share: float = 0.1) -> frozenset:
    rng = random.Random(seed)
    return frozenset((e.person_id, m.person_id) for e in mentees for m in mentors if rng.random() < share)


def test_the_stable_round_over_a_pruned_graph_is_the_stable_matching_of_every_qualified_pair():
    for seed in range(8):
        mentees, mentors = population(seed, 40, 12)
        whole = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, top_k=10_000)
        pruned = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, top_k=1)
        assert_the_same_stable_matching(pruned, whole)


@pytest.mark.parametrize("batch", [1, 3, 64])  # a few pairs scored at a time: rows stop part-way, and go on
def test_the_stable_round_over_a_pruned_graph_keeps_out_pairs_closed_before_as_the_whole_graph_does(batch):
    for seed in range(6):
        mentees, mentors = population(seed, 120, 30)
        closed = closed_at_random(seed, mentees, mentors)
        whole = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, closed_before=closed,
                                top_k=10_000)
        pruned = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, closed_before=closed, top_k=2)
        assert_the_same_stable_matching(pruned, whole, batch, closed)


@pytest.mark.parametrize("batch", [1, 2])  # rows of 80 mentors: wide enough for a floor of the first 1, 2, 4 pairs
def test_the_stable_round_putting_in_order_only_pairs_above_a_floor_per_row_is_the_whole_graphs(batch, monkeypatch):
    floor = Pricer._floor
    raised: list[int] = []
    monkeypatch.setattr(Pricer, "_floor", lambda *args: raised.append(int((found := floor(*args)).astype(bool).sum()))
                        or found)
    for seed in range(4):
        mentees, mentors = population(seed, 200, 80)
        closed = closed_at_random(seed, mentees, mentors, 0.02)
        whole = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, closed_before=closed,
                                top_k=10_000)
        pruned = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, closed_before=closed, top_k=1)
        assert_the_same_stable_matching(pruned, whole, batch, closed)
    assert sum(raised) > 0  # some rows had a floor


# One key of 63 bits, with the given place or mentor in it; one without it; too wide for one, np.lexsort's own.
@pytest.mark.parametrize("largest_tie", [50, 1 << 45, 1 << 61])
def test_pairs_are_ordered_by_row_then_best_value_then_lowest_tie_exactly_as_lexsort_orders_them(largest_tie):
    rng = np.random.default_rng(7)
    rows = rng.integers(0, 40, 5000)
    values = rng.integers(0, 30, 5000).astype(np.float32)  # ranking points: whole numbers, many equal
    tie = rng.integers(0, largest_tie, 5000, dtype=np.int64)
    tie[::7] = tie[0]  # equal ties too: those keep their order as given
    expected = np.lexsort((tie, -values, rows))
    assert np.array_equal(_by_row_best_first(rows, values, tie), expected)
    # With the place each pair is given at (rising along its row), the same order from a sort that need not be stable.
    assert np.array_equal(_by_row_best_first(rows, values, tie, given=np.arange(len(rows))), expected)
    # With anything else unique within a row (a mentor), it breaks the last ties whatever order the pairs come in.
    mentors = rng.permutation(len(rows))
    assert np.array_equal(_by_row_best_first(rows, values, tie, given=mentors),
                          np.lexsort((mentors, tie, -values, rows)))


@pytest.mark.parametrize("k", [1, 3, 8])
def test_each_rows_kth_largest_value_is_the_one_sorting_the_row_gives_and_nothing_for_a_row_shorter_than_k(k):
    rng = np.random.default_rng(k)
    rows = rng.integers(0, 30, 400)
    values = rng.integers(0, 101, 400)
    expected = [int(np.sort(values[rows == row])[::-1][k - 1]) if (rows == row).sum() >= k else 0
                for row in range(32)]  # the last two rows have no values at all
    assert _kth_largest(rows, values, 32, k, 100).tolist() == expected


def deferred_acceptance_one_proposal_at_a_time(graph) -> set[tuple[int, int]]:
    """The textbook algorithm, for reference: a free mentee proposes to their best mentor not yet tried; the mentor
    keeps the best offers up to their room (a higher ranking, then the lower index) and turns the worst down."""
    options = {i: [e for e in range(len(graph.heads)) if graph.heads[e] == i] for i in range(len(graph.mentees))}
    tried = dict.fromkeys(options, 0)
    held: dict[int, list[int]] = {j: [] for j in range(len(graph.mentors))}
    free = list(options)
    while free:
        i = free.pop()
        if tried[i] == len(options[i]):
            continue
        e = options[i][tried[i]]
        tried[i] += 1
        j = int(graph.tails[e])
        held[j].append(e)
        held[j].sort(key=lambda x: (-int(graph.scores[x]), int(graph.heads[x])))
        if len(held[j]) > graph.room[j]:
            free.append(int(graph.heads[held[j].pop()]))
    return {(int(graph.heads[e]), int(graph.tails[e])) for edges in held.values() for e in edges}


def test_the_stable_round_proposing_all_at_once_gives_what_one_proposal_at_a_time_does():
    for seed in range(10):
        mentees, mentors = population(seed, 60, 15)
        whole = candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, top_k=10_000)
        chosen = stable_matching(whole)
        assert {(int(whole.heads[e]), int(whole.tails[e])) for e in chosen} == \
            deferred_acceptance_one_proposal_at_a_time(whole)


def test_compiling_the_solver_ahead_compiles_what_a_round_then_uses():
    solver.compile_ahead()
    compiled = set(hungarian.solve.signatures)
    for most_pairs_first in (False, True):
        mentees, mentors = population(4, 30, 8)
        optimal_assignment(candidate_graph(PROGRAM, Weights(), mentees, mentors, live_pairs=0, top_k=1),
                           most_pairs_first)
    assert set(hungarian.solve.signatures) == compiled
