"""The optimal assignment of a round, by OR-Tools' min-cost flow over the candidate graph.

Network: source → each mentee (capacity 1) → each candidate mentor (capacity 1, cost −score) → a program node
(capacity: the mentor's room) → sink (capacity: the pairs the program may still form). A zero-cost bypass
source → sink lets mentees stay unpaired, so minimising cost maximises the total score. To maximise the
number paired first, every pair also earns a bonus larger than any total score difference it could displace.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from ..domain.rounds import CandidateGraph


def optimal_assignment(graph: CandidateGraph, most_pairs_first: bool = False) -> np.ndarray:
    """The chosen edges (indices into the graph's edge arrays)."""
    n, m, edges = len(graph.mentees), len(graph.mentors), len(graph.heads)
    if edges == 0:
        return np.zeros(0, dtype=np.int64)
    source, cap_node, sink = n + m, n + m + 1, n + m + 2
    bonus = 100 * min(n, int(graph.room.sum())) + 1 if most_pairs_first else 0
    flow_limit = n if graph.cap_left is None else min(n, graph.cap_left)
    mentees, mentors = np.arange(n, dtype=np.int64), np.arange(m, dtype=np.int64)
    tails = np.concatenate([np.full(n, source), graph.heads.astype(np.int64), n + mentors, [cap_node, source]])
    heads = np.concatenate([mentees, n + graph.tails.astype(np.int64), np.full(m, cap_node), [sink, sink]])
    capacities = np.concatenate([np.ones(n + edges, dtype=np.int64), graph.room.astype(np.int64), [flow_limit, n]])
    costs = np.concatenate([np.zeros(n, dtype=np.int64), -(graph.scores.astype(np.int64) + bonus),
                            np.zeros(m + 2, dtype=np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_node_supply(source, n)
    flow.set_node_supply(sink, -n)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    pair_arcs = arcs[n:n + edges]
    return np.flatnonzero(flow.flows(pair_arcs) > 0)
