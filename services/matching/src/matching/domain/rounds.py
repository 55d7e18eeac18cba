"""A coordinator's matching round: the candidate graph, stable matching, and why the unpaired were not. Pure.

The full graph of a national program (50,000 mentees × 15,000 mentors) has 750M pairs: too many to hand a
solver. It is pruned in two ways that lose nothing a hard constraint would not already forbid, and one that
may: mentees are bucketed by stage and scored only against mentors further along who welcome that stage;
pairs below the threshold, or ruled out, are dropped; then each mentee keeps only their `top_k` best mentors.
The optimum over the pruned graph can only fall short of the unpruned one when a mentee's top_k mentors are
all taken by others; the benchmark measures how often that costs anything.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

import numpy as np

from .model import Candidate, ProgramRules
from .scoring import Vocabulary, Weights, eligible, encode, mentor_exclusion, scores

DEFAULT_TOP_K = 16
_BLOCK_CELLS = 2_000_000  # mentee rows × mentor columns scored at once: bounds memory to ~100 MB


@dataclass(frozen=True)
class CandidateGraph:
    mentees: list[Candidate]
    mentors: list[Candidate]  # those that may take a mentee at all
    room: np.ndarray  # per mentor: mentees they may still take
    cap_left: int | None  # pairs the program may still form
    heads: np.ndarray  # per edge: mentee index
    tails: np.ndarray  # per edge: mentor index
    scores: np.ndarray  # per edge; edges are grouped by mentee, best first
    eligible_any: np.ndarray  # per mentee: some mentor passed every hard constraint
    qualified_any: np.ndarray  # per mentee: some such mentor reached the program's threshold


def candidate_graph(program: ProgramRules, weights: Weights, mentees: list[Candidate], mentors: list[Candidate],
                    live_pairs: int, closed_before: frozenset[tuple[UUID, UUID]] = frozenset(),
                    top_k: int = DEFAULT_TOP_K, progress: Callable[[float], None] = lambda _: None) -> CandidateGraph:
    mentors = [m for m in mentors if mentor_exclusion(m, program) is None]
    vocabulary = Vocabulary(mentees + mentors)
    enc_mentees, enc_mentors = encode(mentees, vocabulary), encode(mentors, vocabulary)
    mentor_row = {m.person_id: j for j, m in enumerate(mentors)}
    closed: dict[int, list[int]] = {}
    mentee_row = {m.person_id: i for i, m in enumerate(mentees)}
    for mentee_id, mentor_id in closed_before:
        if mentee_id in mentee_row and mentor_id in mentor_row:
            closed.setdefault(mentee_row[mentee_id], []).append(mentor_row[mentor_id])

    n = len(mentees)
    eligible_any, qualified_any = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    heads, tails, edge_scores = [], [], []
    done = 0
    for stage in np.unique(enc_mentees.stage) if n else []:
        rows = np.flatnonzero(enc_mentees.stage == stage)
        rank = enc_mentees.rank[rows[0]]
        columns = np.flatnonzero((enc_mentors.rank > rank) & enc_mentors.welcome[:, stage])
        if len(columns) == 0:
            done += len(rows)
            continue
        sub_mentors = enc_mentors.take(columns)
        block = max(1, _BLOCK_CELLS // len(columns))
        for start in range(0, len(rows), block):
            block_rows = rows[start:start + block]
            enc_block = enc_mentees.take(block_rows)
            s = scores(enc_block, sub_mentors, weights).astype(np.int32)
            ok = eligible(enc_block, sub_mentors)
            for b, i in enumerate(block_rows):
                for j in closed.get(int(i), ()):
                    ok[b, np.flatnonzero(columns == j)] = False
            eligible_any[block_rows] = ok.any(axis=1)
            s[~ok | (s < program.minimum_score)] = -1
            qualified_any[block_rows] = (s >= 0).any(axis=1)
            k = min(top_k, s.shape[1])
            best = np.argpartition(-s, k - 1, axis=1)[:, :k]
            best_scores = np.take_along_axis(s, best, axis=1)
            order = np.argsort(-best_scores, axis=1, kind="stable")
            best, best_scores = np.take_along_axis(best, order, axis=1), np.take_along_axis(best_scores, order, axis=1)
            keep = best_scores >= 0
            heads.append(np.repeat(block_rows, keep.sum(axis=1)))
            tails.append(columns[best[keep]])
            edge_scores.append(best_scores[keep])
            done += len(block_rows)
            progress(done / n)
    # Edges grouped by mentee in mentee order (waiting order), best first within a mentee.
    heads_all = np.concatenate(heads).astype(np.int32) if heads else np.zeros(0, dtype=np.int32)
    order = np.argsort(heads_all, kind="stable")
    return CandidateGraph(
        mentees=mentees, mentors=mentors,
        room=np.array([m.capacity - m.active_pairings for m in mentors], dtype=np.int32),
        cap_left=None if program.pair_cap is None else max(0, program.pair_cap - live_pairs),
        heads=heads_all[order],
        tails=(np.concatenate(tails).astype(np.int32) if tails else np.zeros(0, dtype=np.int32))[order],
        scores=(np.concatenate(edge_scores).astype(np.int32) if edge_scores else np.zeros(0, dtype=np.int32))[order],
        eligible_any=eligible_any, qualified_any=qualified_any,
    )


def stable_matching(graph: CandidateGraph) -> np.ndarray:
    """Mentee-proposing deferred acceptance with mentor capacities (as the residency match); the chosen edges.

    Both sides rank by score; a mentor prefers, at equal score, whoever has waited longer (lower index).
    Under a program cap, the best-scoring `cap_left` of the stable pairs are kept.
    """
    starts = np.searchsorted(graph.heads, np.arange(len(graph.mentees) + 1))
    next_edge = starts[:-1].copy()
    held: list[list[tuple[int, int, int]]] = [[] for _ in graph.mentors]
    free = list(range(len(graph.mentees)))
    while free:
        i = free.pop()
        if next_edge[i] >= starts[i + 1]:
            continue  # proposed to every candidate
        e = int(next_edge[i])
        next_edge[i] += 1
        j = int(graph.tails[e])
        heapq.heappush(held[j], (int(graph.scores[e]), -i, e))
        if len(held[j]) > graph.room[j]:
            _, rejected, _ = heapq.heappop(held[j])
            free.append(-rejected)
    chosen = sorted((e for heap in held for _, _, e in heap), key=lambda e: (-graph.scores[e], graph.heads[e]))
    if graph.cap_left is not None:
        chosen = chosen[:graph.cap_left]
    return np.array(sorted(chosen), dtype=np.int64)


def unpaired_reasons(graph: CandidateGraph, chosen: np.ndarray) -> Counter:
    """Why each mentee left unpaired was: one reason each, the first that applies."""
    paired = np.zeros(len(graph.mentees), dtype=bool)
    paired[graph.heads[chosen]] = True
    capped = graph.cap_left is not None and len(chosen) >= graph.cap_left
    reasons: Counter = Counter()
    for i in np.flatnonzero(~paired):
        if not graph.eligible_any[i]:
            reasons["no_eligible_mentor"] += 1
        elif not graph.qualified_any[i]:
            reasons["below_minimum_score"] += 1
        elif capped:
            reasons["program_cap_reached"] += 1
        else:
            reasons["mentors_full"] += 1
    return reasons
