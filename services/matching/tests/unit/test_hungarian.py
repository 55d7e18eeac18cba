"""The Hungarian method's assignment against an independent solver (OR-Tools' min-cost flow), from nothing and
resumed, with the duals that prove it optimal."""

import numpy as np
import pytest
from matching.adapters import hungarian

from .min_cost_flow import best_total_by_min_cost_flow


def solved(mentees: int, heads, tails, weights, room, mentor_of, price):
    order = np.argsort(heads, kind="stable")
    row_start = np.searchsorted(heads[order], np.arange(mentees + 1))
    edge_of, bound = hungarian.solve(row_start, tails[order], weights[order], room, mentor_of, price)
    chosen = order[edge_of[edge_of >= 0]]
    return chosen, bound


def assert_optimal_and_proven(mentees, heads, tails, weights, room, chosen, bound, price):
    load = np.bincount(tails[chosen], minlength=len(room))
    assert np.all(load <= room) and len(set(heads[chosen].tolist())) == len(chosen)
    assert int(weights[chosen].sum()) == best_total_by_min_cost_flow(mentees, heads, tails, weights, room)[0]
    # The duals: feasible on every edge, tight on those chosen, 0 for mentees unpaired and mentors with room left.
    assert np.all(bound >= 0) and np.all(price >= 0)
    assert np.all(bound[heads] + price[tails] >= weights)
    assert np.all(bound[heads[chosen]] + price[tails[chosen]] == weights[chosen])
    paired = np.zeros(mentees, dtype=bool)
    paired[heads[chosen]] = True
    assert np.all(bound[~paired] == 0) and np.all(price[load < room] == 0)


def random_graph(rng, mentees: int, mentors: int):
    heads, tails = np.nonzero(rng.random((mentees, mentors)) < 0.5)
    return (heads.astype(np.int64), tails.astype(np.int64), rng.integers(0, 20, len(heads)).astype(np.int64),
            rng.integers(1, 4, mentors).astype(np.int64))


@pytest.mark.parametrize("seed", range(4))
def test_from_nothing_the_assignment_weighs_what_a_min_cost_flow_finds_and_its_duals_prove_it(seed):
    rng = np.random.default_rng(seed)
    for _ in range(150):
        mentees, mentors = int(rng.integers(1, 30)), int(rng.integers(1, 10))
        heads, tails, weights, room = random_graph(rng, mentees, mentors)
        price = np.zeros(mentors, np.int64)
        np.maximum.at(price, tails, weights)  # as the solver starts: each mentor's best edge
        chosen, bound = solved(mentees, heads, tails, weights, room, np.full(mentees, -1), price)
        assert_optimal_and_proven(mentees, heads, tails, weights, room, chosen, bound, price)


@pytest.mark.parametrize("seed", range(4))
def test_resumed_after_edges_are_added_it_reaches_the_optimum_of_the_larger_graph(seed):
    """Edges added after a solve may make a chosen edge no longer the best, leave a priced mentor with room, and
    give an unpaired mentee something to gain: resuming from the last assignment and prices repairs all three."""
    rng = np.random.default_rng(100 + seed)
    for _ in range(150):
        mentees, mentors = int(rng.integers(1, 30)), int(rng.integers(1, 10))
        heads, tails, weights, room = random_graph(rng, mentees, mentors)
        mentor_of, price = np.full(mentees, -1), np.zeros(mentors, np.int64)
        for share in (0.3, 0.7, 1.0):
            kept = np.arange(len(heads)) < share * len(heads)
            chosen, bound = solved(mentees, heads[kept], tails[kept], weights[kept], room, mentor_of, price)
            assert_optimal_and_proven(mentees, heads[kept], tails[kept], weights[kept], room, chosen, bound, price)
            mentor_of = np.full(mentees, -1)
            mentor_of[heads[kept][chosen]] = tails[kept][chosen]


def test_resumed_from_any_assignment_and_prices_it_still_reaches_the_optimum():
    """Whatever it is handed (an assignment over room, prices too high or too low) only costs it time."""
    rng = np.random.default_rng(7)
    for _ in range(300):
        mentees, mentors = int(rng.integers(1, 30)), int(rng.integers(1, 10))
        heads, tails, weights, room = random_graph(rng, mentees, mentors)
        mentor_of = rng.integers(-1, mentors, mentees)
        price = rng.integers(0, 25, mentors).astype(np.int64)
        chosen, bound = solved(mentees, heads, tails, weights, room, mentor_of, price)
        assert_optimal_and_proven(mentees, heads, tails, weights, room, chosen, bound, price)


def test_the_solver_lets_the_services_other_threads_run_while_it_works():
    """A round is solved in a worker thread while the event loop answers requests: compiled code holding the GIL
    would stop it for as long as the solve takes."""
    assert hungarian.solve.targetoptions.get("nogil") is True
