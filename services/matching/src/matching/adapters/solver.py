"""The optimal assignment of a round, exact over every qualified pair, by the Hungarian method (`hungarian`) and
column generation.

Each mentee may take one mentor, each mentor as many as their room; a pair is worth its score, and, to maximise
the number paired first, a bonus larger than any total score difference it could displace. A program's cap on the
pairs it may still form is one more mentor, "left unpaired", worth more than any pair to everyone, with room for all
but the cap: filling it first, the assignment pairs at most the cap, as well as it can.

The graph holds each mentee's best few mentors, not all 750M pairs of a national round. After solving it, the
duals (per mentee a bound, per mentor a price) price every pair left out: a pair can improve the total only if its
score beats its mentee's bound plus its mentor's price. A mentee whose best left-out score cannot beat it against
any mentor of theirs is settled without scoring; the others' rows are scored again, the pairs that beat it are
added, and the assignment is resumed from where it was, until no pair left out can improve the total. The duals
are then a certificate that the assignment is optimal over the whole graph. Once scored, a mentee whose pairs left
out could not beat their bound can gain later only from a mentor whose price has fallen since: only those are
scored.
"""

from __future__ import annotations

import numpy as np

from ..domain.rounds import CandidateGraph

MAX_PASSES = 50
# Pairs added per mentee and pass, those that would gain most first: enough to converge in a few passes, few
# enough that the graph stays small.
ADDED_PER_MENTEE = 8


class _Assignment:
    """The graph's assignment and duals, resumed from the last solve after edges are added."""

    def __init__(self, graph: CandidateGraph, bonus: int) -> None:
        self.graph, self.bonus = graph, bonus
        n, m = len(graph.mentees), len(graph.mentors)
        self.room = graph.room.astype(np.int64)
        self.mentor_of = np.full(n, -1, dtype=np.int64)
        self.price: np.ndarray | None = None
        cap = graph.cap_left
        self.capped = cap is not None and cap < min(n, int(self.room.sum()))
        if cap is not None and self.capped:
            self.room = np.append(self.room, n - cap)
            # Those the cap leaves out start there: drawing each in by a search would scan them all every time.
            self.mentor_of[:n - cap] = m

    def solve(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The chosen edges (graph indices), each mentee's bound and each mentor's price."""
        graph, n, m = self.graph, len(self.graph.mentees), len(self.graph.mentors)
        heads, tails = graph.heads.astype(np.int64), graph.tails.astype(np.int64)
        weights = graph.scores.astype(np.int64) + self.bonus
        if self.capped:  # everyone's edge to the mentor "left unpaired", worth more than any pair
            heads = np.concatenate([heads, np.arange(n, dtype=np.int64)])
            tails = np.concatenate([tails, np.full(n, m, dtype=np.int64)])
            weights = np.concatenate([weights, np.full(n, int(weights.max(initial=0)) + 1, dtype=np.int64)])
        order = np.argsort(heads, kind="stable")
        row_start = np.searchsorted(heads[order], np.arange(n + 1))
        if self.price is None:  # from nothing: each mentor's best edge, so that mentors draw mentees in
            self.price = np.zeros(len(self.room), dtype=np.int64)
            np.maximum.at(self.price, tails, weights)
        from . import hungarian  # importing numba takes about 0.9 s: not on the service's way to ready

        edge_of, bound = hungarian.solve(row_start, tails[order], weights[order], self.room, self.mentor_of,
                                         self.price)
        paired = edge_of >= 0
        chosen = order[edge_of[paired]]
        self.mentor_of = np.full(n, -1, dtype=np.int64)
        self.mentor_of[paired] = tails[chosen]
        chosen = chosen[chosen < len(graph.heads)]  # not those left unpaired by the cap
        return chosen, bound - self.bonus, self.price[:m].copy()


def compile_ahead() -> None:
    """The solver compiled (about 6 s, the first time on a machine) or loaded from numba's cache (0.5 s), on a graph of
    one pair, with the types a round's have: before a round waits for it."""
    from . import hungarian  # here, in the round job's thread, not when the service imports this module

    one = np.ones(1, dtype=np.int64)
    hungarian.solve(np.arange(2, dtype=np.int64), one - 1, one, one, -one, one)


def optimal_assignment(graph: CandidateGraph, most_pairs_first: bool = False) -> np.ndarray:
    """The chosen edges (indices into the graph's edge arrays, which may have grown: see the module's doc)."""
    n = len(graph.mentees)
    if len(graph.heads) == 0 and (graph.pricer is None or graph.left_out_best is None
                                  or not (graph.left_out_best >= 0).any()):
        return np.zeros(0, dtype=np.int64)
    bonus = 100 * min(n, int(graph.room.sum())) + 1 if most_pairs_first else 0
    assignment = _Assignment(graph, bonus)
    # Per mentee, at least what any pair of theirs left out of the graph scores above its mentor's price, at the
    # prices `priced_at` (None before the first pricing).
    ceiling: np.ndarray | None = None
    priced_at = np.zeros(len(graph.mentors), dtype=np.int64)
    while True:
        # A pair left out improves the total only if its score beats bound[i] + price[j] (in the LP's terms: the
        # mentee's dual plus the mentor's).
        chosen, mentee_bound, mentor_price = assignment.solve()
        if graph.pricer is None or graph.left_out_best is None or graph.pricing_passes >= MAX_PASSES:
            return chosen
        # Settled without scoring: the best left out cannot beat the bound even against the cheapest mentor.
        cheapest = np.array([mentor_price[columns].min() for columns, _ in graph.pricer.buckets], dtype=np.int64)
        bucket_of = graph.pricer.bucket_of
        unsettled = np.flatnonzero((graph.left_out_best >= 0) & (bucket_of >= 0) & (
            graph.left_out_best > mentee_bound + cheapest[np.maximum(bucket_of, 0)]))
        if len(unsettled) == 0:
            return chosen
        # Where the ceiling does not beat the bound, a pair can improve only with a mentor whose price has fallen
        # since: those mentees are scored against those mentors alone (a few percent of them after the first passes).
        narrow = np.zeros(len(unsettled), dtype=bool) if ceiling is None else \
            ceiling[unsettled] - mentee_bound[unsettled] < 1
        heads, tails, rankings, beyond = graph.pricer.improving(unsettled[~narrow], mentee_bound, mentor_price,
                                                                  graph.left_out_best, ADDED_PER_MENTEE)
        fallen = mentor_price < priced_at
        if narrow.any() and fallen.any():
            *found, beyond_fallen = graph.pricer.improving(unsettled[narrow], mentee_bound, mentor_price,
                                                           graph.left_out_best, ADDED_PER_MENTEE, among=fallen)
            heads, tails, rankings = (np.concatenate(both) for both in zip((heads, tails, rankings), found, strict=True))
            beyond += beyond_fallen
        # What is left out beats the bound by no more than the best pair not added (the settled: by nothing).
        ceiling, priced_at = mentee_bound + beyond, mentor_price
        graph.pricing_passes += 1
        # No pair of the graph beats its duals, so every pair found is new.
        if len(heads) == 0:
            return chosen
        graph.add_edges(heads, tails, rankings)
