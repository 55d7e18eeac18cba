"""A coordinator's matching round: the candidate graph, stable matching, and why the unpaired were not. Pure.

The full graph of a national program (50,000 mentees × 15,000 mentors) has 750M pairs: too many to hand a
solver. It is pruned in two ways that lose nothing a hard constraint would not already forbid, and one that
may: mentees are bucketed by stage and by the identity they require, and each bucket is scored only against the
mentors further along who welcome that stage and share, and show partners, what it requires; pairs whose visible
fit is below the threshold, or ruled out, are dropped; then each mentee keeps only their `top_k` best ranked
mentors (`scoring` says what the visible fit and the ranking are). The optimum over the pruned graph can
only fall short of the unpruned one when a mentee's top_k mentors are all taken by others; the benchmark
measures how often that costs anything.

A bucket is scored a block of mentees at a time with one matrix product (see `scorer.Scorer`), which yields,
per pair, the pair's exact ranking points scaled by the mentee's multiplier minus the least value that reaches
the threshold, and the identity columns alone the part identity gave: a pair qualifies when its visible points
(without that part) reach the threshold, and, for one mentee, the ranking points order mentors as their
rankings do. Among mentors a mentee ranks equally, the one with most room is kept first, then an order
scrambled per mentee, so that mentees do not all crowd the same few mentors. Only the kept edges are rounded to
rankings.
Blocks are independent and run on a few threads (numpy and BLAS release the GIL).
"""

from __future__ import annotations

import heapq
import os
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from uuid import UUID

import numpy as np

from .model import Candidate, ProgramRules
from .scorer import Scorer
from .scoring import Weights, mentor_exclusion

DEFAULT_TOP_K = 16
_BLOCK_CELLS = 1 << 20  # mentee rows × mentor columns scored at once: a few MB, so a block stays in cache
_RULED_OUT = -(2 ** 30)  # exact in float32 and float64, below any shifted score


@dataclass(frozen=True)
class CandidateGraph:
    mentees: list[Candidate]
    mentors: list[Candidate]  # those that may take a mentee at all
    room: np.ndarray  # per mentor: mentees they may still take
    cap_left: int | None  # pairs the program may still form
    heads: np.ndarray  # per edge: mentee index
    tails: np.ndarray  # per edge: mentor index
    scores: np.ndarray  # per edge, its ranking (what solvers maximise; never shown); grouped by mentee, best first
    eligible_any: np.ndarray  # per mentee: some mentor passed every hard constraint
    qualified_any: np.ndarray  # per mentee: some such mentor reached the program's threshold


def _ruled_out_one_by_one(mentees: list[Candidate], mentors: list[Candidate],
                          closed_before: frozenset[tuple[UUID, UUID]]) -> dict[int, list[int]]:
    """Per mentee row, the mentor columns ruled out pair by pair: the same person, or a pair closed before."""
    mentor_rows: dict[UUID, list[int]] = {}
    for j, m in enumerate(mentors):
        mentor_rows.setdefault(m.person_id, []).append(j)
    mentee_rows: dict[UUID, list[int]] = {}
    for i, m in enumerate(mentees):
        mentee_rows.setdefault(m.person_id, []).append(i)
    out: dict[int, list[int]] = {}
    for person, rows in mentee_rows.items():
        for j in mentor_rows.get(person, ()):
            for i in rows:
                out.setdefault(i, []).append(j)
    for mentee_id, mentor_id in closed_before:
        for i in mentee_rows.get(mentee_id, ()):
            for j in mentor_rows.get(mentor_id, ()):
                out.setdefault(i, []).append(j)
    return out


def _best_per_row(shifted: np.ndarray, k: int, tie_break: Callable[[np.ndarray, np.ndarray], np.ndarray]
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's k largest entries that are not negative, best first: (row, column, value) arrays.

    Cheaper than partitioning every row: the columns are cut into `chunks` ≥ k runs, and the k-th largest of the
    runs' maxima is at most the row's k-th largest entry (k distinct entries reach it), so only the entries at
    least that large, a few per row, are candidates. Among equal values the smallest `tie_break(rows, columns)`
    goes first.
    """
    b, m = shifted.shape
    chunks = 4 * k
    floor = np.zeros(b, dtype=shifted.dtype)
    if m >= 4 * chunks:
        width = m // chunks
        maxima = shifted[:, :chunks * width].reshape(b, chunks, width).max(axis=2)
        floor = np.maximum(floor, np.partition(maxima, chunks - k, axis=1)[:, chunks - k])
    flat = np.flatnonzero(shifted >= floor[:, None])
    rows_of, at = np.divmod(flat, m)
    values = shifted.ravel()[flat]
    order = np.lexsort((tie_break(rows_of, at), -values, rows_of))
    rows_of, at, values = rows_of[order], at[order], values[order]
    first = np.searchsorted(rows_of, np.arange(b))
    keep = np.arange(len(rows_of)) - first[rows_of] < k
    return rows_of[keep], at[keep], values[keep]


def _spread(mentees: np.ndarray, mentors: np.ndarray, room: np.ndarray) -> np.ndarray:
    """A tie-break among mentors a mentee scores equally: most room first (as when pairing on registration),
    then an order scrambled per mentee, so that mentees who see the same ties do not all crowd the same mentors."""
    scrambled = ((mentees.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
                 ^ (mentors.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F))) >> np.uint64(40)
    return (np.int64(1 << 24) * (room.max(initial=0) - room[mentors]).astype(np.int64)) + scrambled.astype(np.int64)


def _workers() -> int:
    try:
        return max(1, min(4, len(os.sched_getaffinity(0))))
    except AttributeError:  # not Linux
        return max(1, min(4, os.cpu_count() or 1))


def candidate_graph(program: ProgramRules, weights: Weights, mentees: list[Candidate], mentors: list[Candidate],
                    live_pairs: int, closed_before: frozenset[tuple[UUID, UUID]] = frozenset(),
                    top_k: int = DEFAULT_TOP_K, progress: Callable[[float], None] = lambda _: None) -> CandidateGraph:
    mentors = [m for m in mentors if mentor_exclusion(m, program) is None]
    scorer = Scorer(mentors, weights)
    rows = scorer.rows(mentees, program.minimum_score)
    ruled_out = _ruled_out_one_by_one(mentees, mentors, closed_before)
    room = np.array([m.capacity - m.active_pairings for m in mentors], dtype=np.int32)

    n = len(mentees)
    eligible_any, qualified_any = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    buckets: dict[tuple, list[int]] = {}
    for i in range(n):
        if not rows.unmet_requirement[i]:
            buckets.setdefault((int(rows.stage[i]), int(rows.rank[i]), rows.required[i], mentees[i].pairing_kind),
                               []).append(i)
    blocks = []  # (mentee rows, mentor columns, their features): each scored on its own, by any thread
    for (stage, rank, required, kind), members in buckets.items():
        columns = scorer.columns(stage, rank, required, kind)
        if len(columns) == 0:
            continue
        features = scorer.transposed(columns, rows.coefficients.dtype)
        bucket = np.array(members, dtype=np.int64)
        size = max(1, _BLOCK_CELLS // len(columns))
        blocks += [(bucket[start:start + size], columns, features) for start in range(0, len(bucket), size)]

    def score(block: tuple[np.ndarray, np.ndarray, np.ndarray]):
        block_rows, columns, features = block
        coefficients = rows.coefficients[block_rows]
        shifted = coefficients @ features  # per pair: multiplier · ranking points − threshold
        # Per pair: multiplier · ranking points where the visible fit reaches the threshold, else negative.
        points = rows.ranking_points(block_rows, shifted, scorer.identity_part(coefficients, features.T))
        allowed = np.full(len(block_rows), len(columns))
        for b, i in enumerate(block_rows.tolist()):
            if i in ruled_out:
                at = np.searchsorted(columns, ruled_out[i])
                at = np.unique(at[(at < len(columns)) & (columns[np.minimum(at, len(columns) - 1)] == ruled_out[i])])
                points[b, at] = _RULED_OUT
                allowed[b] -= len(at)
        rows_of, at, best = _best_per_row(
            points, top_k, lambda r, c: _spread(block_rows[r], columns[c], room))
        return (block_rows, allowed > 0, np.bincount(rows_of, minlength=len(block_rows)) > 0, block_rows[rows_of],
                columns[at], rows.rankings(block_rows[rows_of], best[:, None])[:, 0])

    heads, tails, edge_scores = [], [], []
    done = n - sum(len(b[0]) for b in blocks)
    with ThreadPoolExecutor(_workers()) as pool:  # numpy and BLAS release the GIL
        for block_rows, eligible, qualified, block_heads, block_tails, block_scores in pool.map(score, blocks):
            eligible_any[block_rows], qualified_any[block_rows] = eligible, qualified
            heads.append(block_heads)
            tails.append(block_tails)
            edge_scores.append(block_scores)
            done += len(block_rows)
            progress(done / n)
    # Edges grouped by mentee in mentee order (waiting order), best first within a mentee.
    heads_all = np.concatenate(heads).astype(np.int32) if heads else np.zeros(0, dtype=np.int32)
    order = np.argsort(heads_all, kind="stable")
    return CandidateGraph(
        mentees=mentees, mentors=mentors,
        room=room,
        cap_left=None if program.pair_cap is None else max(0, program.pair_cap - live_pairs),
        heads=heads_all[order],
        tails=(np.concatenate(tails).astype(np.int32) if tails else np.zeros(0, dtype=np.int32))[order],
        scores=(np.concatenate(edge_scores).astype(np.int32) if edge_scores else np.zeros(0, dtype=np.int32))[order],
        eligible_any=eligible_any, qualified_any=qualified_any,
    )


def stable_matching(graph: CandidateGraph) -> np.ndarray:
    """Mentee-proposing deferred acceptance with mentor capacities (as the residency match); the chosen edges.

    Both sides rank by the edges' rankings; a mentor prefers, at an equal one, whoever has waited longer (lower index).
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


def unpaired_each(graph: CandidateGraph, chosen: np.ndarray) -> list[tuple[Candidate, str]]:
    """Each mentee left unpaired, with why: one reason each, the first that applies (never an identity one)."""
    paired = np.zeros(len(graph.mentees), dtype=bool)
    paired[graph.heads[chosen]] = True
    capped = graph.cap_left is not None and len(chosen) >= graph.cap_left
    left: list[tuple[Candidate, str]] = []
    for i in np.flatnonzero(~paired):
        if not graph.eligible_any[i]:
            reason = "no_eligible_mentor"
        elif not graph.qualified_any[i]:
            reason = "below_minimum_score"
        elif capped:
            reason = "program_cap_reached"
        else:
            reason = "mentors_full"
        left.append((graph.mentees[i], reason))
    return left


def unpaired_reasons(graph: CandidateGraph, chosen: np.ndarray) -> Counter:
    """Why the mentees left unpaired were, counted by reason."""
    return Counter(reason for _, reason in unpaired_each(graph, chosen))


@dataclass(frozen=True)
class DraftPair:
    """A pair a round proposes, under review: nobody is told until the round is published."""

    mentee_enrollment_id: UUID
    mentor_enrollment_id: UUID
    mentee_id: UUID
    mentor_id: UUID
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Unpaired:
    mentee_enrollment_id: UUID
    mentee_id: UUID
    reason_code: str
