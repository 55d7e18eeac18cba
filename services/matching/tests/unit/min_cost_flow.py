"""An independent reference for the rounds' tests: OR-Tools' min-cost flow (cost scaling), which rounds used to run."""

import numpy as np
from ortools.graph.python import min_cost_flow


def best_total_by_min_cost_flow(mentees: int, heads, tails, weights, room, cap: int | None = None) -> tuple[int, int]:
    """The best total weight (and how many pairs make it), by a different algorithm: cost scaling on the network
    source → mentee → mentor → (cap) → sink, with a free bypass so that mentees may stay unpaired."""
    mentors = len(room)
    source, cap_node, sink = mentees + mentors, mentees + mentors + 1, mentees + mentors + 2
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([np.full(mentees, source), heads, mentees + np.arange(mentors), [cap_node, source]]),
        np.concatenate([np.arange(mentees), mentees + tails, np.full(mentors, cap_node), [sink, sink]]),
        np.concatenate([np.ones(mentees + len(heads), np.int64), room, [mentees if cap is None else cap, mentees]]),
        np.concatenate([np.zeros(mentees, np.int64), -weights, np.zeros(mentors + 2, np.int64)]))
    flow.set_node_supply(source, mentees)
    flow.set_node_supply(sink, -mentees)
    assert flow.solve() == flow.OPTIMAL
    return -flow.optimal_cost(), int(sum(flow.flow(a) for a in range(mentees, mentees + len(heads))))
