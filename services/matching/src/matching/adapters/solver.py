"""The optimal assignment of a round, exact over every qualified pair, by OR-Tools' min-cost flow and column
generation.

Network: source → each mentee (capacity 1) → each candidate mentor (capacity 1, cost −score) → a program node
(capacity: the mentor's room) → sink (capacity: the pairs the program may still form). A zero-cost bypass
source → sink lets mentees stay unpaired, so minimising cost maximises the total score. To maximise the
number paired first, every pair also earns a bonus larger than any total score difference it could displace.

The graph holds each mentee's best few mentors, not all 750M pairs of a national round. After solving it, node
potentials (shortest distances in the residual network) price every pair left out: a pair can improve the total
only if its score beats its mentee's potential minus its mentor's. A mentee whose best left-out score cannot beat
it against any mentor of theirs is settled without scoring; the others' rows are scored again, the pairs that beat
it are added, and the network is solved again, until no pair left out can improve the total. The potentials are
then a certificate that the assignment is optimal over the whole graph. Once scored, a mentee whose pairs left out
could not beat their bound can gain later only from a mentor whose price has fallen since: only those are scored.

Each solve starts from scratch (about 3 s at 50,000 mentees, however few pairs a pass added). After a pass that
added few, the network holds only the pairs that could matter: those the last potentials price within
`WORKING_SLACK` of improving, the pairs chosen, and those just added; if the new potentials say a pair left out of
it could improve, it is brought in and the network solved again, so the potentials stay a certificate over every
pair of the graph (a quarter of the arcs: 1.2 s a solve).
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from ..domain.rounds import CandidateGraph

MAX_PASSES = 50
# Pairs added per mentee and pass, those that would gain most first: enough to converge in a few passes, few
# enough that the network stays small.
ADDED_PER_MENTEE = 8
# After a pass adding fewer pairs than this share of the graph, a solve holds only the pairs that could matter: those
# within this slack of improving under the last potentials (a wider slack brings fewer pairs back, in a larger network).
WORKING_WHEN = 0.01
WORKING_SLACK = 2


def _network(graph: CandidateGraph, bonus: int, edges: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    n, m = len(graph.mentees), len(graph.mentors)
    edge_heads, edge_tails, edge_scores = graph.heads[edges], graph.tails[edges], graph.scores[edges]
    source, cap_node, sink = n + m, n + m + 1, n + m + 2
    flow_limit = n if graph.cap_left is None else min(n, graph.cap_left)
    mentees, mentors = np.arange(n, dtype=np.int64), np.arange(m, dtype=np.int64)
    tails = np.concatenate([np.full(n, source), edge_heads.astype(np.int64), n + mentors, [cap_node, source]])
    heads = np.concatenate([mentees, n + edge_tails.astype(np.int64), np.full(m, cap_node), [sink, sink]])
    capacities = np.concatenate([np.ones(n + len(edges), dtype=np.int64), graph.room.astype(np.int64),
                                 [flow_limit, n]])
    costs = np.concatenate([np.zeros(n, dtype=np.int64), -(edge_scores.astype(np.int64) + bonus),
                            np.zeros(m + 2, dtype=np.int64)])
    return tails, heads, capacities, costs, n + m + 3


def _solve(graph: CandidateGraph, bonus: int, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The network over these edges solved: the chosen ones (graph indices), and node potentials: d[v] ≤ d[u] + cost
    for every arc u→v of the residual network."""
    n = len(graph.mentees)
    tails, heads, capacities, costs, nodes = _network(graph, bonus, edges)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_node_supply(nodes - 3, n)  # the source
    flow.set_node_supply(nodes - 1, -n)  # the sink
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    flows = flow.flows(arcs)
    chosen = edges[flows[n:n + len(edges)] > 0]
    # Residual network: an arc with room forward at its cost, an arc with flow backward at minus its cost.
    forward, backward = flows < capacities, flows > 0
    r_tails = np.concatenate([tails[forward], heads[backward]])
    r_heads = np.concatenate([heads[forward], tails[backward]])
    r_costs = np.concatenate([costs[forward], -costs[backward]])
    return chosen, _potentials(nodes, nodes - 1, r_tails, r_heads, r_costs)


_UNREACHABLE = 1 << 50


def _potentials(nodes: int, sink: int, tails: np.ndarray, heads: np.ndarray, costs: np.ndarray) -> np.ndarray:
    """Node potentials p with p[v] ≤ p[u] + cost for every residual arc u→v: minus each node's shortest distance
    to the sink (Bellman-Ford, relaxing at once, each pass, the arcs into the nodes the last pass moved; the
    residual network of an optimal flow has no negative cycle, so it ends). Measured from the sink, a mentor with
    room left has potential 0 against the source's: the prices of mentors come out as low as they can be, which
    settles the most mentees unpriced."""
    distance = np.full(nodes, _UNREACHABLE, dtype=np.int64)
    distance[sink] = 0
    order = np.argsort(heads, kind="stable")  # the arcs into each node together
    into_tails, into_costs = tails[order], costs[order]
    starts = np.searchsorted(heads[order], np.arange(nodes + 1))
    moved = np.array([sink])
    for _ in range(nodes + 1):
        first, count = starts[moved], starts[moved + 1] - starts[moved]
        arcs = np.repeat(first - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
        through = np.repeat(distance[moved], count) + into_costs[arcs]
        nearer = through < distance[into_tails[arcs]]
        if not nearer.any():
            return -distance
        closer, through = into_tails[arcs[nearer]], through[nearer]
        np.minimum.at(distance, closer, through)
        moved = np.unique(closer)
    raise RuntimeError("the residual network has a negative cycle: the flow was not optimal")


def _duals(potential: np.ndarray, n: int, m: int, bonus: int) -> tuple[np.ndarray, np.ndarray]:
    """The LP's duals from node potentials: per mentee the bound, per mentor the price; a pair with no flow can improve
    the total only if its score beats the two together (in residual terms: its arc breaks the potentials)."""
    source = n + m
    return potential[:n] - potential[source] - bonus, potential[source] - potential[n:source]


def _solve_over(graph: CandidateGraph, bonus: int, working: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The network over the `working` edges solved, then again with any edge of the graph outside them that could
    improve, until none can: the chosen edges, and the duals (a certificate over every edge of the graph)."""
    n, m = len(graph.mentees), len(graph.mentors)
    while True:
        chosen, potential = _solve(graph, bonus, working)
        bound, price = _duals(potential, n, m, bonus)
        if len(working) == len(graph.heads):
            return chosen, bound, price
        outside = np.ones(len(graph.heads), dtype=bool)
        outside[working] = False
        improving = np.flatnonzero(outside & (graph.scores > bound[graph.heads] + price[graph.tails]))
        if len(improving) == 0:
            return chosen, bound, price
        working = np.union1d(working, improving)


def optimal_assignment(graph: CandidateGraph, most_pairs_first: bool = False) -> np.ndarray:
    """The chosen edges (indices into the graph's edge arrays, which may have grown: see the module's doc)."""
    n = len(graph.mentees)
    if len(graph.heads) == 0 and (graph.pricer is None or graph.left_out_best is None
                                  or not (graph.left_out_best >= 0).any()):
        return np.zeros(0, dtype=np.int64)
    bonus = 100 * min(n, int(graph.room.sum())) + 1 if most_pairs_first else 0
    working = np.arange(len(graph.heads))
    # Per mentee, at least what any pair of theirs left out of the graph scores above its mentor's price, at the
    # prices `priced_at` (None before the first pricing).
    ceiling: np.ndarray | None = None
    priced_at = np.zeros(len(graph.mentors), dtype=np.int64)
    while True:
        # A pair left out improves the total only if its score beats bound[i] + price[j] (in the LP's terms: the
        # mentee's dual plus the mentor's).
        chosen, mentee_bound, mentor_price = _solve_over(graph, bonus, working)
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
        # A chosen pair may beat its duals too (its arc is full): it is in the graph already.
        m = len(graph.mentors)
        new = ~np.isin(heads * m + tails, graph.heads[chosen].astype(np.int64) * m + graph.tails[chosen])
        heads, tails, rankings = heads[new], tails[new], rankings[new]
        if len(heads) == 0:
            return chosen
        before = len(graph.heads)
        added = graph.add_edges(heads, tails, rankings)
        if len(added) < WORKING_WHEN * before:
            edges = slice(0, before)
            near = graph.scores[edges] >= (mentee_bound[graph.heads[edges]] + mentor_price[graph.tails[edges]]
                                           - WORKING_SLACK)
            near[chosen] = True
            working = np.concatenate([np.flatnonzero(near), added])
        else:
            working = np.arange(len(graph.heads))
