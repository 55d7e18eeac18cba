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
then a certificate that the assignment is optimal over the whole graph.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from ..domain.rounds import CandidateGraph

MAX_PASSES = 50
# Pairs added per mentee and pass, those that would gain most first: enough to converge in a few passes, few
# enough that the network stays small.
ADDED_PER_MENTEE = 8


def _network(graph: CandidateGraph, bonus: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    n, m = len(graph.mentees), len(graph.mentors)
    source, cap_node, sink = n + m, n + m + 1, n + m + 2
    flow_limit = n if graph.cap_left is None else min(n, graph.cap_left)
    mentees, mentors = np.arange(n, dtype=np.int64), np.arange(m, dtype=np.int64)
    tails = np.concatenate([np.full(n, source), graph.heads.astype(np.int64), n + mentors, [cap_node, source]])
    heads = np.concatenate([mentees, n + graph.tails.astype(np.int64), np.full(m, cap_node), [sink, sink]])
    capacities = np.concatenate([np.ones(n + len(graph.heads), dtype=np.int64), graph.room.astype(np.int64),
                                 [flow_limit, n]])
    costs = np.concatenate([np.zeros(n, dtype=np.int64), -(graph.scores.astype(np.int64) + bonus),
                            np.zeros(m + 2, dtype=np.int64)])
    return tails, heads, capacities, costs, n + m + 3


def _solve(graph: CandidateGraph, bonus: int) -> tuple[np.ndarray, np.ndarray]:
    """Chosen edges, and node potentials: d[v] ≤ d[u] + cost for every arc u→v of the residual network."""
    n = len(graph.mentees)
    tails, heads, capacities, costs, nodes = _network(graph, bonus)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_node_supply(nodes - 3, n)  # the source
    flow.set_node_supply(nodes - 1, -n)  # the sink
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    flows = flow.flows(arcs)
    edges = len(graph.heads)
    chosen = np.flatnonzero(flows[n:n + edges] > 0)
    # Residual network: an arc with room forward at its cost, an arc with flow backward at minus its cost.
    forward, backward = flows < capacities, flows > 0
    r_tails = np.concatenate([tails[forward], heads[backward]])
    r_heads = np.concatenate([heads[forward], tails[backward]])
    r_costs = np.concatenate([costs[forward], -costs[backward]])
    return chosen, _potentials(nodes, nodes - 1, r_tails, r_heads, r_costs)


_UNREACHABLE = 1 << 50


def _potentials(nodes: int, sink: int, tails: np.ndarray, heads: np.ndarray, costs: np.ndarray) -> np.ndarray:
    """Node potentials p with p[v] ≤ p[u] + cost for every residual arc u→v: minus each node's shortest distance
    to the sink (Bellman-Ford, every arc relaxed at once per pass; the residual network of an optimal flow has no
    negative cycle, so it ends). Measured from the sink, a mentor with room left has potential 0 against the
    source's: the prices of mentors come out as low as they can be, which settles the most mentees unpriced."""
    distance = np.full(nodes, _UNREACHABLE, dtype=np.int64)
    distance[sink] = 0
    order = np.argsort(tails, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    groups = np.flatnonzero(np.r_[True, tails[1:] != tails[:-1]]) if len(tails) else np.zeros(0, dtype=np.int64)
    sources = tails[groups]
    for _ in range(nodes + 1):
        through = np.minimum(distance[heads] + costs, _UNREACHABLE)
        reached = np.minimum.reduceat(through, groups) if len(groups) else groups
        improved = reached < distance[sources]
        if not improved.any():
            return -distance
        distance[sources[improved]] = reached[improved]
    raise RuntimeError("the residual network has a negative cycle: the flow was not optimal")


def optimal_assignment(graph: CandidateGraph, most_pairs_first: bool = False) -> np.ndarray:
    """The chosen edges (indices into the graph's edge arrays, which may have grown: see the module's doc)."""
    n = len(graph.mentees)
    if len(graph.heads) == 0 and (graph.pricer is None or graph.left_out_best is None
                                  or not (graph.left_out_best >= 0).any()):
        return np.zeros(0, dtype=np.int64)
    bonus = 100 * min(n, int(graph.room.sum())) + 1 if most_pairs_first else 0
    while True:
        chosen, potential = _solve(graph, bonus)
        if graph.pricer is None or graph.left_out_best is None or graph.pricing_passes >= MAX_PASSES:
            return chosen
        source = n + len(graph.mentors)
        # A pair left out improves the total only if its score beats bound[i] + price[j] (in the LP's terms: the
        # mentee's dual plus the mentor's).
        mentee_bound = potential[:n] - potential[source] - bonus
        mentor_price = potential[source] - potential[n:source]
        # Settled without scoring: the best left out cannot beat the bound even against the cheapest mentor.
        cheapest = np.array([mentor_price[columns].min() for columns, _ in graph.pricer.buckets], dtype=np.int64)
        bucket_of = graph.pricer.bucket_of
        unsettled = np.flatnonzero((graph.left_out_best >= 0) & (bucket_of >= 0) & (
            graph.left_out_best > mentee_bound + cheapest[np.maximum(bucket_of, 0)]))
        if len(unsettled) == 0:
            return chosen
        heads, tails, rankings = graph.pricer.improving(unsettled, mentee_bound, mentor_price, graph.left_out_best,
                                                          ADDED_PER_MENTEE)
        graph.pricing_passes += 1
        if len(heads) == 0:
            return chosen
        graph.add_edges(heads, tails, rankings)
