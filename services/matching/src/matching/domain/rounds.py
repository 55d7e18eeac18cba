"""A coordinator's matching round: the candidate graph, stable matching, and why the unpaired were not. Pure.

The full graph of a national program (50,000 mentees × 15,000 mentors) has 750M pairs: too many to hand a
solver. It is pruned in two ways that lose nothing a hard constraint would not already forbid, and one that
may: mentees are bucketed by stage, by the languages they can meet in and by the identity they require, and each
bucket is scored only against the mentors further along who welcome that stage, share a language with it (or
listed none), and share, and show partners, what it requires; pairs whose visible fit is below the threshold, or
ruled out, are dropped; then each mentee keeps only their `top_k` best ranked mentors (`scoring` says what the
visible fit and the ranking are). The optimum over the pruned graph can only fall short of the unpruned one when a
mentee's top_k mentors are all taken by others; the benchmark measures how often that costs anything.

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

import os
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from uuid import UUID

import numpy as np

from .model import Candidate, ProgramRules
from .scorer import MenteeRows, Scorer
from .scoring import Weights, mentor_exclusion

DEFAULT_TOP_K = 16
_BLOCK_CELLS = 1 << 20  # mentee rows × mentor columns scored at once: a few MB, so a block stays in cache
_RULED_OUT = -(2 ** 30)  # exact in float32 and float64, below any shifted score


@dataclass
class CandidateGraph:
    """Mentees, the mentors who may take one, and the edges between them a solver considers.

    The edges start as each mentee's `top_k` best; an exact solver (`adapters.solver`) or the stable round may add
    more through `pricer` (column generation), so the edge arrays grow; they stay grouped by mentee only until then.
    """

    mentees: list[Candidate]
    mentors: list[Candidate]  # those that may take a mentee at all
    room: np.ndarray  # per mentor: mentees they may still take
    cap_left: int | None  # pairs the program may still form
    heads: np.ndarray  # per edge: mentee index
    tails: np.ndarray  # per edge: mentor index
    scores: np.ndarray  # per edge, its ranking (what solvers maximise; never shown); grouped by mentee, best first
    eligible_any: np.ndarray  # per mentee: some mentor passed every hard constraint
    qualified_any: np.ndarray  # per mentee: some such mentor reached the program's threshold
    # The same two, as if the mentee required no identity attribute: why they were left unpaired is read from these.
    eligible_regardless: np.ndarray
    qualified_regardless: np.ndarray
    # The same two again, counting the mentors left out only for being full: whether mentors who fit are all full.
    eligible_if_room: np.ndarray
    qualified_if_room: np.ndarray
    # Per mentee: the best ranking among its qualified mentors not in the graph (-1: none left out).
    left_out_best: np.ndarray | None = None
    # Per mentee: where their ranked row stops in the graph, at their worst edge (the stable round goes on from it).
    graph_ends: RowPlaces | None = None
    pricer: Pricer | None = None  # scores the pairs left out, on demand; None: the graph is all there is
    pricing_passes: int = 0  # how many times the solver asked for pairs left out (for the benchmark)

    def add_edges(self, heads: np.ndarray, tails: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Append edges; their indices."""
        first = len(self.heads)
        self.heads = np.concatenate([self.heads, heads.astype(np.int32)])
        self.tails = np.concatenate([self.tails, tails.astype(np.int32)])
        self.scores = np.concatenate([self.scores, scores.astype(np.int32)])
        return np.arange(first, len(self.heads), dtype=np.int64)

    def regroup(self, chosen: np.ndarray) -> np.ndarray:
        """Group the edges by mentee again, best first; `chosen`'s edges under their new indices."""
        edges = len(self.heads)
        order = _by_row_best_first(self.heads, self.scores, np.zeros(edges, dtype=np.int64), given=np.arange(edges))
        new_index = np.empty(len(order), dtype=np.int64)
        new_index[order] = np.arange(len(order))
        self.heads, self.tails, self.scores = self.heads[order], self.tails[order], self.scores[order]
        return np.sort(new_index[chosen])


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
    order = _by_row_best_first(rows_of, values, tie_break(rows_of, at), given=at)
    rows_of, at, values = rows_of[order], at[order], values[order]
    first = np.searchsorted(rows_of, np.arange(b))
    keep = np.arange(len(rows_of)) - first[rows_of] < k
    return rows_of[keep], at[keep], values[keep]


def _by_row_best_first(rows: np.ndarray, values: np.ndarray, tie: np.ndarray, given: np.ndarray | None = None
                       ) -> np.ndarray:
    """The order of pairs by row, then value highest first, then `tie` lowest, then `given` lowest (without it, as
    given): np.lexsort's, from one sort of one int64 key where it fits in 63 bits (three sorts fewer). Values are
    whole numbers and ties not negative, as ranking points and `_spread` are. `given`, unique within a row (a
    column's place, a mentor), makes every key distinct, so that a sort that need not be stable, two to three
    times faster here, gives that order."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.intp)
    top = int(values.max())
    span, ties = top - int(values.min()) + 1, int(tie.max()) + 1
    width = (int(rows.max()) + 1) * span * ties
    if width >= 1 << 62:
        return np.lexsort((tie, -values, rows) if given is None else (given, tie, -values, rows))
    key = (rows.astype(np.int64) * span + (top - values.astype(np.int64))) * ties + tie
    if given is None:
        return np.argsort(key, kind="stable")
    places = int(given.max()) + 1
    if width * places < 1 << 62:
        return np.argsort(key * places + given, kind="quicksort")
    return np.lexsort((given, key))


def _kth_largest(rows: np.ndarray, values: np.ndarray, n_rows: int, k: int, top: int) -> np.ndarray:
    """Per row, the k-th largest of its `values` (whole numbers 0..top), 0 where it has fewer than k: from a histogram
    per row, in linear time, where sorting them would not be."""
    at_least = np.cumsum(np.bincount(rows * (top + 1) + values, minlength=n_rows * (top + 1))
                         .reshape(n_rows, top + 1)[:, ::-1], axis=1)  # per row: how many are top or more, top − 1…
    return np.where(at_least[:, -1] >= k, top - np.argmax(at_least >= k, axis=1), 0)


def _spread(mentees: np.ndarray, mentors: np.ndarray, room: np.ndarray) -> np.ndarray:
    """A tie-break among mentors a mentee scores equally: most room first (as when pairing on registration),
    then an order scrambled per mentee, so that mentees who see the same ties do not all crowd the same mentors."""
    scrambled = ((mentees.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
                 ^ (mentors.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F))) >> np.uint64(40)
    return (np.int64(1 << 24) * (room.max(initial=0) - room[mentors]).astype(np.int64)) + scrambled.astype(np.int64)


@dataclass
class RowPlaces:
    """Per mentee, a place in their row of mentors in the graph's order (ranking points highest first, then `_spread`
    lowest, then mentor lowest), as the key of the pair there: every pair after it comes later in that order.

    A key rather than a count of pairs before it, so that going on from it needs no sort of the pairs already
    passed: comparing against the key tells which pairs come after it."""

    points: np.ndarray  # float64; -inf: after every pair
    tie: np.ndarray  # int64
    mentor: np.ndarray  # int64

    @classmethod
    def after_all(cls, n: int) -> RowPlaces:
        return cls(np.full(n, -np.inf), np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64))

    def copy(self) -> RowPlaces:
        return RowPlaces(self.points.copy(), self.tie.copy(), self.mentor.copy())

    def after(self, rows: np.ndarray, points: np.ndarray, mentors: np.ndarray, room: np.ndarray) -> np.ndarray:
        """Whether each pair (rows[p], mentors[p]) with these ranking points comes after its row's place. The
        tie-break is computed only for pairs whose points equal the place's, a few."""
        at = self.points[rows]
        later = points < at
        level = np.flatnonzero(points == at)
        if len(level):
            tie, rows_level, mentors_level = _spread(rows[level], mentors[level], room), rows[level], mentors[level]
            later[level] = (tie > self.tie[rows_level]) | (
                (tie == self.tie[rows_level]) & (mentors_level > self.mentor[rows_level]))
        return later


def _workers() -> int:
    try:
        return max(1, min(4, len(os.sched_getaffinity(0))))
    except AttributeError:  # not Linux
        return max(1, min(4, os.cpu_count() or 1))


class Pricer:
    """Scores any mentee's whole row on demand, as the graph was scored: what column generation needs.

    A mentee's row is every mentor of their bucket (the mentors a hard constraint does not rule out for them).
    """

    def __init__(self, scorer: Scorer, rows: MenteeRows, ruled_out: dict[int, list[int]], room: np.ndarray,
                 bucket_of: np.ndarray, buckets: list[tuple[np.ndarray, np.ndarray]]) -> None:
        self._scorer, self._rows, self._ruled_out, self._room = scorer, rows, ruled_out, room
        self._with_ruled_out = np.zeros(len(bucket_of), dtype=bool)  # per mentee: some pair ruled out one by one
        self._with_ruled_out[list(ruled_out)] = True
        self.bucket_of = bucket_of  # per mentee: index into buckets, -1 for none
        self.buckets = buckets  # (mentor columns, their features)
        self._wishing = scorer.wishing(rows)

    def points(self, block_rows: np.ndarray, bucket: int) -> tuple[np.ndarray, np.ndarray]:
        """Per pair of these mentees (all of one bucket) and the bucket's mentors: the ranking points R where the
        visible fit reaches the threshold, else negative; and those mentors' columns."""
        columns, features = self.buckets[bucket]
        return self.points_against_all(block_rows, columns, features), columns

    def points_against_all(self, block_rows: np.ndarray, columns: np.ndarray, features: np.ndarray) -> np.ndarray:
        """`points` of these mentees against these mentors (sorted columns, their features), of no bucket."""
        return self._points_against(block_rows, columns, features, lambda mentors: np.searchsorted(columns, mentors))

    def _points_against(self, block_rows: np.ndarray, columns: np.ndarray, features: np.ndarray,
                        place_of: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """`points` against these of a bucket's mentors, `place_of` giving where a mentor is among `columns` (any
        place at or past their end, or one holding another mentor, where they are not)."""
        coefficients = self._rows.coefficients[block_rows]
        shifted = coefficients @ features  # per pair: multiplier · ranking points − threshold
        points = self._rows.ranking_points(block_rows, shifted, self._scorer.reached(coefficients, shifted, features.T))
        for b, i in enumerate(block_rows.tolist()):
            if i in self._ruled_out:
                ruled = np.asarray(self._ruled_out[i])
                at = place_of(ruled)
                at = np.unique(at[(at < len(columns)) & (columns[np.minimum(at, len(columns) - 1)] == ruled)])
                points[b, at] = _RULED_OUT
        return points

    def eligible(self, block_rows: np.ndarray, points: np.ndarray) -> np.ndarray:
        """Per row of `points(block_rows, ...)`: whether some mentor is not ruled out for them (one by one)."""
        eligible = np.ones(len(block_rows), dtype=bool)
        for b, i in enumerate(block_rows.tolist()):
            if i in self._ruled_out:
                eligible[b] = bool((points[b] != _RULED_OUT).any())
        return eligible

    def by_bucket(self, mentees: np.ndarray):
        """These mentees in blocks of one bucket each, a few MB at a time: (block rows, bucket). Those who wish for
        an identity attribute come after the others, so that most blocks have no identity part to multiply."""
        mentees = mentees[self.bucket_of[mentees] >= 0]
        mentees = mentees[np.argsort(self._wishing[mentees], kind="stable")]
        for bucket in np.unique(self.bucket_of[mentees]).tolist():
            members = mentees[self.bucket_of[mentees] == bucket]
            size = max(1, _BLOCK_CELLS // max(1, len(self.buckets[bucket][0])))
            for start in range(0, len(members), size):
                yield members[start:start + size], bucket

    def improving(self, mentees: np.ndarray, bound: np.ndarray, mentor_price: np.ndarray, left_out_best: np.ndarray,
                  most: int, among: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Up to `most` pairs per mentee among these whose ranking exceeds `bound[i] + mentor_price[j]` (what the
        current assignment's duals say they would have to beat), those that beat it most first: (heads, tails,
        rankings), and per mentee (indexed as `bound`) by how much the best pair left beyond those `most` beats it,
        0 if none does. No ranking left out exceeds `left_out_best[i]`, so only mentors priced below
        `left_out_best[i] - bound[i]` are scored; with `among` (per mentor), only those it marks.

        A pair's ranking exceeds t exactly when R, its ranking points times the mentee's multiplier, is at least
        (t + ½) times the R a ranking point takes (`MenteeRows.per_ranking`). So the pairs that could improve are
        found by comparing the product itself, R − threshold, against a row term plus a row slope times the
        column's price, in single precision with a margin per row larger than its rounding (a few more
        pairs, never fewer), and only those few are rounded to rankings and their gains taken exactly. Mentees are
        scored in order of what they could gain, so that a block's mentors priced low enough are few."""
        beyond = np.zeros(len(bound), dtype=np.int64)
        slack = left_out_best - bound
        mentees = mentees[self.bucket_of[mentees] >= 0]
        mentees = mentees[np.argsort(-slack[mentees], kind="stable")]
        blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for bucket in np.unique(self.bucket_of[mentees]).tolist():
            members = mentees[self.bucket_of[mentees] == bucket]
            # The bucket's mentors cheapest first: those a block may gain from are a prefix (a view, not a copy).
            columns, features = self.buckets[bucket]
            if among is not None:
                marked = among[columns]
                columns, features = columns[marked], features[:, marked]
            by_price = np.argsort(mentor_price[columns], kind="stable")
            columns, features = columns[by_price], features[:, by_price]
            prices = mentor_price[columns]
            start = 0
            while start < len(members):
                # Priced below what the block's first mentee (who could gain most) could gain.
                k = int(np.searchsorted(prices, slack[members[start]]))
                if k == 0:
                    break  # nor for anyone after: they could gain less
                size = max(1, _BLOCK_CELLS // k)
                blocks.append((members[start:start + size], columns[:k], features[:, :k]))
                start += size

        def improving_in(block: tuple[np.ndarray, np.ndarray, np.ndarray]):
            return self._improving_in(*block, bound, mentor_price, most)

        heads: list[np.ndarray] = []
        tails: list[np.ndarray] = []
        found: list[np.ndarray] = []
        with ThreadPoolExecutor(_workers()) as pool:  # blocks are independent; numpy and BLAS release the GIL
            for (block_rows, _, _), (block_heads, block_tails, block_found, block_beyond) in zip(
                    blocks, pool.map(improving_in, blocks), strict=True):
                heads.append(block_heads)
                tails.append(block_tails)
                found.append(block_found)
                beyond[block_rows] = block_beyond
        if not heads:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty, beyond
        return np.concatenate(heads), np.concatenate(tails), np.concatenate(found), beyond

    def _improving_in(self, block_rows: np.ndarray, columns: np.ndarray, features: np.ndarray, bound: np.ndarray,
                      mentor_price: np.ndarray, most: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """`improving` for one block of a bucket's mentees against some of its mentors; the last, per block row."""
        rows = self._rows
        coefficients = rows.coefficients[block_rows]
        shifted = coefficients @ features  # per pair: R − threshold, exact
        # R − threshold ≥ identity part: the visible fit reaches the program's minimum.
        candidate = self._scorer.reached(coefficients, shifted, features.T)
        # shifted + threshold ≥ (bound + price + ½) · per ranking point, as shifted ≥ a + slope · price:
        slope = rows.per_ranking(block_rows)
        a = (bound[block_rows] + 0.5) * slope - rows.threshold[block_rows]
        price = mentor_price[columns]
        a -= (np.abs(a) + slope * np.abs(price).max()) * 2.0 ** -20 + 1.0  # float32's rounding, and some
        least = np.multiply.outer(slope.astype(np.float32), price.astype(np.float32))
        least += a.astype(np.float32)[:, None]
        candidate &= shifted >= least
        r, c = np.divmod(np.flatnonzero(candidate), candidate.shape[1])  # about twice as fast as np.nonzero
        for row in np.flatnonzero(self._with_ruled_out[block_rows]).tolist():  # the same person, closed before
            keep = (r != row) | ~np.isin(columns[c], self._ruled_out[int(block_rows[row])])
            r, c = r[keep], c[keep]
        points = shifted[r, c].astype(np.int64) + rows.threshold[block_rows[r]]
        ranking = rows.rankings(block_rows[r], points[:, None])[:, 0].astype(np.int64)
        gain = ranking - bound[block_rows[r]] - mentor_price[columns[c]]
        keep = gain >= 1  # exact, whatever the comparison above let through
        r, tail, ranking, gain = r[keep], columns[c[keep]], ranking[keep], gain[keep]
        widest = int(gain.max(initial=0)) + 1
        beyond = None  # per row, the best gain not kept: its (most + 1)-th largest
        if len(block_rows) * widest <= _BLOCK_CELLS:  # gains below a mentee's `most`-th largest dropped before sorting
            beyond = _kth_largest(r, gain, len(block_rows), most + 1, widest - 1)
            keep = gain >= _kth_largest(r, gain, len(block_rows), most, widest - 1)[r]
            r, tail, ranking, gain = r[keep], tail[keep], ranking[keep], gain[keep]
        # Per mentee, the largest gains first, then the lowest mentor: one sort of one key where it fits in 63 bits.
        if len(block_rows) * widest * len(self._room) < 1 << 62:
            order = np.argsort((r * widest + (widest - 1 - gain)) * len(self._room) + tail)
        else:
            order = np.lexsort((tail, -gain, r))
        r, tail, ranking, gain = r[order], tail[order], ranking[order], gain[order]
        place = np.arange(len(r)) - np.searchsorted(r, r)
        if beyond is None:
            beyond = np.zeros(len(block_rows), dtype=np.int64)
            beyond[r[place == most]] = gain[place == most]
        kept = place < most
        return block_rows[r[kept]], tail[kept], ranking[kept], beyond

    def ranked_from(self, mentees: np.ndarray, places: RowPlaces, k: int, cutoff: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each mentee's qualified mentors in the order the graph ranks them, after their place in `places`, keeping
        only those that would hold them now (`cutoff[j]`: the least ranking · n − index mentor j holds when full, or
        below any when not), at most `k`: (heads, tails, rankings), and per mentee (in `mentees` order) whether any
        pairs that could be held are left after the last one looked at. Moves `places` on to that last one.

        A mentor's least held only rises: a mentee they would turn down now, they would turn down later, so the
        pairs passed over are never looked at again, and only the pairs that would be held are put in order. Nor are
        mentors scored against a mentee whose rankings left (at most their place's) could not reach what they hold:
        each bucket's mentors are taken least demanding first, and mentees most hopeful first, so that a block is
        scored against a prefix of them, as `improving` does with prices."""
        heads: list[np.ndarray] = []
        tails: list[np.ndarray] = []
        found: list[np.ndarray] = []
        more = np.zeros(len(self.bucket_of), dtype=bool)
        n = len(self.bucket_of)
        demands = np.floor_divide(cutoff, n)  # per mentor: a ranking it holds is above this
        asked, mentees = mentees, mentees[self.bucket_of[mentees] >= 0]
        hope = np.full(len(mentees), 100, dtype=np.int64)  # the best ranking each could have left
        placed = np.isfinite(places.points[mentees])
        hope[placed] = self._rows.rankings(mentees[placed], places.points[mentees[placed]][:, None])[:, 0]
        passed = places.copy()
        places.points[mentees] = -np.inf  # where no block stops them: every pair that could be held was looked at
        order = np.argsort(-hope, kind="stable")
        mentees, hope = mentees[order], hope[order]
        for bucket in np.unique(self.bucket_of[mentees]).tolist():
            in_bucket = self.bucket_of[mentees] == bucket
            members, hopes = mentees[in_bucket], hope[in_bucket]
            columns, features = self.buckets[bucket]
            by_demand = np.argsort(demands[columns], kind="stable")
            columns, features = columns[by_demand], features[:, by_demand]
            least = demands[columns]
            place_of_mentor = np.full(len(self._room), len(columns), dtype=np.int64)
            place_of_mentor[columns] = np.arange(len(columns))
            start = 0
            while start < len(members):
                reachable = int(np.searchsorted(least, hopes[start]))  # mentors demanding less than the first hopes
                if reachable == 0:
                    break  # nor for anyone after: they hope for less
                size = max(1, _BLOCK_CELLS // reachable)
                block_rows, start = members[start:start + size], start + size
                points = self._points_against(block_rows, columns[:reachable], features[:, :reachable],
                                              place_of_mentor.__getitem__)
                for gathered, part in zip((heads, tails, found),
                                          self._held_in(block_rows, points, columns[:reachable], passed, places,
                                                        k, cutoff, more), strict=True):
                    gathered.append(part)
        if not heads:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty, more[asked]
        return np.concatenate(heads), np.concatenate(tails), np.concatenate(found), more[asked]

    def _floor(self, block_rows: np.ndarray, points: np.ndarray, columns: np.ndarray, passed: RowPlaces, k: int,
               cutoff: np.ndarray) -> np.ndarray:
        """Per row of the block, ranking points its k-th pair that a mentor would hold, after its place, reaches (0
        where that cannot be told cheaply): so that only the pairs at or above it, a few per row, are put in order.

        As `_best_per_row`'s: the k-th largest of the maxima of ≥ k runs of a row is at most its k-th largest. Taken
        over the pairs surely held and surely later (a mentor holds a ranking above ⌊cutoff / n⌋ + 1 whoever
        proposes it), of which there are no more than of those held, it is at most the row's k-th such pair. Whether
        a ranking t is reached (R ≥ (t − ½) · `MenteeRows.per_ranking`) is compared here as a ratio in the points'
        precision, with a margin far beyond its rounding, so that it errs only towards a lower floor."""
        chunks = 4 * k
        b, m = points.shape
        if m < 4 * chunks:
            return np.zeros(b, dtype=points.dtype)
        per_ranking = self._rows.per_ranking(block_rows)
        scale = np.divide(1.0, per_ranking, out=np.zeros_like(per_ranking), where=per_ranking > 0)  # else ranking 0
        scale = scale.astype(points.dtype)
        surely = np.floor_divide(cutoff[columns], len(self.bucket_of)) + 1.5 + 5e-4  # reaching ⌊cutoff / n⌋ + 2
        held = points * scale[:, None] >= surely.astype(points.dtype)[None, :]
        held &= points >= 0
        held &= points < passed.points[block_rows].astype(points.dtype)[:, None]
        width = m // chunks
        values = points[:, :chunks * width] + 1  # (R + 1) · held − 1: R where held, else −1, without np.where's branch
        values *= held[:, :chunks * width]
        values -= 1
        maxima = values.reshape(b, chunks, width).max(axis=2)
        return np.maximum(np.partition(maxima, chunks - k, axis=1)[:, chunks - k], 0)

    def _held_in(self, block_rows: np.ndarray, points: np.ndarray, columns: np.ndarray, passed: RowPlaces,
                 places: RowPlaces, k: int, cutoff: np.ndarray, more: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`ranked_from` for one block against some of its bucket's mentors, from the places `passed` on."""
        n = len(self.bucket_of)
        floor = self._floor(block_rows, points, columns, passed, k, cutoff)
        if floor.any():  # rows with a pair below their floor have pairs left beyond their k-th (later than their place)
            more[block_rows[((points >= 0) & (points < floor[:, None])).any(axis=1)]] = True
        flat = np.flatnonzero(points >= floor[:, None])
        r, c = np.divmod(flat, points.shape[1])
        values, mentors = points.ravel()[flat], columns[c]
        later = passed.after(block_rows[r], values, mentors, self._room)
        r, values, mentors = r[later], values[later], mentors[later]
        rankings = self._rows.rankings(block_rows[r], values[:, None])[:, 0].astype(np.int64)
        wanted = np.flatnonzero(rankings * n - block_rows[r] > cutoff[mentors])
        # Only a row's first k can be proposed, and rankings only fall along a row: the pairs ranked below its k-th
        # are dropped before the sort, which is then of a few per row, not of every pair a mentor would hold.
        ranked, ranked_row = rankings[wanted], r[wanted]
        wanted = wanted[ranked >= _kth_largest(ranked_row, ranked, len(block_rows), k, 100)[ranked_row]]
        tie = _spread(block_rows[r[wanted]], mentors[wanted], self._room)
        # In the graph's order: the mentor itself breaks the last ties, as its column place does there.
        order = _by_row_best_first(r[wanted], values[wanted], tie, given=mentors[wanted])
        wanted, tie = wanted[order], tie[order]
        row = r[wanted]
        place = np.arange(len(row)) - np.searchsorted(row, row)
        keep = wanted[place < k]
        # A row that reached k stops at its k-th; the others looked at every pair they had left.
        last = place == k - 1
        stopped, at = block_rows[row[last]], wanted[last]
        places.points[stopped], places.tie[stopped], places.mentor[stopped] = values[at], tie[last], mentors[at]
        beyond = np.flatnonzero(np.isfinite(places.points[block_rows[r]]))
        beyond = beyond[places.after(block_rows[r[beyond]], values[beyond], mentors[beyond], self._room)]
        more[block_rows[r[beyond]]] = True
        return block_rows[r[keep]], mentors[keep], rankings[keep]


def candidate_graph(program: ProgramRules, weights: Weights, mentees: list[Candidate], mentors: list[Candidate],
                    live_pairs: int, closed_before: frozenset[tuple[UUID, UUID]] = frozenset(),
                    top_k: int = DEFAULT_TOP_K, progress: Callable[[float], None] = lambda _: None) -> CandidateGraph:
    full = [m for m in mentors if mentor_exclusion(m, program) == "mentor_at_capacity"]
    mentors = [m for m in mentors if mentor_exclusion(m, program) is None]
    scorer = Scorer(mentors, weights)
    rows = scorer.rows(mentees, program.minimum_score)
    room = np.array([m.capacity - m.active_pairings for m in mentors], dtype=np.int32)

    n = len(mentees)
    eligible_any, qualified_any = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    left_out_best = np.full(n, -1, dtype=np.int64)
    members_of: dict[tuple, list[int]] = {}
    for i in range(n):
        if not rows.unmet_requirement[i]:
            members_of.setdefault((int(rows.stage[i]), int(rows.rank[i]), rows.required[i], mentees[i].pairing_kind,
                                   rows.meets_in[i]), []).append(i)
    bucket_of = np.full(n, -1, dtype=np.int64)
    buckets: list[tuple[np.ndarray, np.ndarray]] = []
    for (stage, rank, required, kind, meets_in), members in members_of.items():
        columns = scorer.columns(stage, rank, required, kind, meets_in)
        if len(columns) == 0:
            continue
        bucket_of[members] = len(buckets)
        buckets.append((columns, scorer.transposed(columns, rows.coefficients.dtype)))
    pricer = Pricer(scorer, rows, _ruled_out_one_by_one(mentees, mentors, closed_before), room, bucket_of, buckets)

    def score(block: tuple[np.ndarray, int]):
        block_rows, bucket = block
        points, columns = pricer.points(block_rows, bucket)
        # One more than kept: the best left out bounds what every pair left out could add (column generation).
        rows_of, at, best = _best_per_row(points, top_k + 1, lambda r, c: _spread(block_rows[r], columns[c], room))
        place = np.arange(len(rows_of)) - np.searchsorted(rows_of, np.arange(len(block_rows)))[rows_of]
        rankings = rows.rankings(block_rows[rows_of], best[:, None])[:, 0]
        kept, worst = place < top_k, place == top_k - 1
        return (block_rows, pricer.eligible(block_rows, points), np.bincount(rows_of, minlength=len(block_rows)) > 0,
                block_rows[rows_of[kept]], columns[at[kept]], rankings[kept],
                block_rows[rows_of[~kept]], rankings[~kept],
                block_rows[rows_of[worst]], best[worst], columns[at[worst]])

    heads, tails, edge_scores = [], [], []
    ends = RowPlaces.after_all(n)  # a row with fewer than top_k pairs has them all in the graph
    done = n - int((bucket_of >= 0).sum())
    with ThreadPoolExecutor(_workers()) as pool:  # numpy and BLAS release the GIL
        for (block_rows, eligible, qualified, block_heads, block_tails, block_scores, out_rows,
             out_best, full_rows, worst_points, worst_mentors) in pool.map(
                 score, pricer.by_bucket(np.flatnonzero(bucket_of >= 0))):
            eligible_any[block_rows], qualified_any[block_rows] = eligible, qualified
            heads.append(block_heads)
            tails.append(block_tails)
            edge_scores.append(block_scores)
            left_out_best[out_rows] = out_best
            ends.points[full_rows], ends.mentor[full_rows] = worst_points, worst_mentors
            done += len(block_rows)
            progress(done / n)
    eligible_regardless, qualified_regardless = _as_if_requiring_nothing(scorer, rows, pricer, mentees, eligible_any,
                                                                         qualified_any)
    eligible_if_room, qualified_if_room = _as_if_the_full_had_room(program, weights, mentees, full, closed_before,
                                                                   eligible_regardless, qualified_regardless)
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
        eligible_regardless=eligible_regardless, qualified_regardless=qualified_regardless,
        eligible_if_room=eligible_if_room, qualified_if_room=qualified_if_room,
        left_out_best=left_out_best, graph_ends=_with_ties(ends, room), pricer=pricer,
    )


def _as_if_requiring_nothing(scorer: Scorer, rows: MenteeRows, pricer: Pricer, mentees: list[Candidate],
                             eligible_any: np.ndarray, qualified_any: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether a mentee has a mentor not ruled out, and one whose visible fit reaches the minimum, as if they required
    no identity attribute: coordinators read why a mentee was left unpaired, and it must not tell them that the
    mentee requires what no mentor meets (only whom they are proposed may depend on it). Only mentees who require
    something and came out with neither are scored again, against the mentors their stage, kind and languages
    allow."""
    eligible_any, qualified_any = eligible_any.copy(), qualified_any.copy()
    again = [i for i in np.flatnonzero(~qualified_any).tolist() if rows.required[i] or rows.unmet_requirement[i]]
    _score_requiring_nothing(scorer, rows, pricer, mentees, again, eligible_any, qualified_any)
    return eligible_any, qualified_any


def _as_if_the_full_had_room(program: ProgramRules, weights: Weights, mentees: list[Candidate], full: list[Candidate],
                             closed_before: frozenset[tuple[UUID, UUID]], eligible_regardless: np.ndarray,
                             qualified_regardless: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`eligible_regardless` and `qualified_regardless` counting the `full` mentors too (ruled out for being full
    alone): a coordinator told that no mentor fits a mentee looks for mentors at other stages, when the mentors who
    fit want more room. Only mentees with no qualified mentor are scored, against the full mentors alone."""
    eligible, qualified = eligible_regardless.copy(), qualified_regardless.copy()
    lacking = np.flatnonzero(~qualified_regardless)
    if not full or not len(lacking):
        return eligible, qualified
    them = [mentees[i] for i in lacking.tolist()]
    scorer = Scorer(full, weights)
    rows = scorer.rows(them, program.minimum_score)
    pricer = Pricer(scorer, rows, _ruled_out_one_by_one(them, full, closed_before), np.zeros(len(full), np.int32),
                    np.full(len(them), -1, dtype=np.int64), [])
    eligible_full, qualified_full = np.zeros(len(them), dtype=bool), np.zeros(len(them), dtype=bool)
    _score_requiring_nothing(scorer, rows, pricer, them, range(len(them)), eligible_full, qualified_full)
    eligible[lacking] |= eligible_full
    qualified[lacking] |= qualified_full
    return eligible, qualified


def _score_requiring_nothing(scorer: Scorer, rows: MenteeRows, pricer: Pricer, mentees: list[Candidate],
                             members: Iterable[int], eligible: np.ndarray, qualified: np.ndarray) -> None:
    """Sets, for these mentee rows, whether a mentor of `scorer` is not ruled out for them (`eligible`), and whether
    one's visible fit reaches the minimum (`qualified`), as if they required no identity attribute."""
    alike: dict[tuple, list[int]] = {}
    for i in members:
        alike.setdefault((int(rows.stage[i]), int(rows.rank[i]), mentees[i].pairing_kind, rows.meets_in[i]),
                         []).append(i)
    for (stage, rank, kind, meets_in), same in alike.items():
        columns = scorer.columns(stage, rank, frozenset(), kind, meets_in)
        if len(columns) == 0:
            continue
        features = scorer.transposed(columns, rows.coefficients.dtype)
        size = max(1, _BLOCK_CELLS // len(columns))  # many mentees may lack a mentor with room: a block at a time
        for start in range(0, len(same), size):
            block_rows = np.asarray(same[start:start + size])
            points = pricer.points_against_all(block_rows, columns, features)
            eligible[block_rows] = pricer.eligible(block_rows, points)
            qualified[block_rows] = (points >= 0).any(axis=1)


def _with_ties(places: RowPlaces, room: np.ndarray) -> RowPlaces:
    """`places` with the tie-break of each finite place filled in."""
    rows = np.flatnonzero(np.isfinite(places.points))
    places.tie[rows] = _spread(rows, places.mentor[rows], room)
    return places


def stable_matching(graph: CandidateGraph, batch: int = 4 * DEFAULT_TOP_K) -> np.ndarray:
    """Mentee-proposing deferred acceptance with mentor capacities (as the residency match); the chosen edges.

    Both sides rank by the edges' rankings; a mentor prefers, at an equal one, whoever has waited longer (lower index).
    Over the whole graph: a mentee turned down by every mentor in the graph goes on proposing to the next `batch`
    of their ranked mentors, scored on demand (the batch doubles each time, so a long list takes few passes). The
    mentee-optimal stable matching does not depend on the order of proposals, so every free mentee proposes at once
    (one array operation a round, not a heap operation a proposal), and those left waiting for more are served
    together. Under a program cap, the best-scoring `cap_left` of the stable pairs are kept.
    """
    n = len(graph.mentees)
    starts = np.searchsorted(graph.heads, np.arange(n + 1))
    # Each mentee's list still to propose to: edges [upcoming, end), contiguous, best first (the graph's, then each
    # batch scored on demand, appended as one run per mentee).
    upcoming, end = starts[:-1].copy(), starts[1:].copy()
    more = np.zeros(n, dtype=bool)
    places = None
    if graph.pricer is not None and graph.left_out_best is not None and graph.graph_ends is not None:
        more, places = graph.left_out_best >= 0, graph.graph_ends.copy()
    held = np.zeros(0, dtype=np.int64)  # the edges mentors hold
    free = np.arange(n)
    while True:
        exhausted: list[np.ndarray] = []
        while len(free):  # every free mentee proposes to their next at once; each mentor keeps the best they have
            left = upcoming[free] < end[free]
            exhausted.append(free[~left & more[free]])
            proposing = free[left]
            proposals = upcoming[proposing]
            upcoming[proposing] += 1
            held, turned_down = _hold_the_best(graph, held, proposals)
            free = graph.heads[turned_down].astype(np.int64)
        rows = np.unique(np.concatenate(exhausted))
        if not len(rows) or graph.pricer is None or places is None:
            break
        heads, tails, rankings, more[rows] = graph.pricer.ranked_from(rows, places, batch << graph.pricing_passes,
                                                                      _cutoffs(graph, held))
        added = graph.add_edges(heads, tails, rankings)
        upcoming[rows] = end[rows] = 0
        if len(added):  # one run per mentee
            firsts = np.flatnonzero(np.r_[True, heads[1:] != heads[:-1]])
            upcoming[heads[firsts]] = added[firsts]
            end[heads[firsts]] = np.r_[added[firsts[1:]], added[-1] + 1]
        graph.pricing_passes += 1
        free = rows
    chosen = held[np.lexsort((graph.heads[held], -graph.scores[held].astype(np.int64)))]
    if graph.cap_left is not None:
        chosen = chosen[:graph.cap_left]
    chosen_edges = np.sort(chosen)
    return graph.regroup(chosen_edges) if graph.pricing_passes else chosen_edges


def _hold_the_best(graph: CandidateGraph, held: np.ndarray, proposals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each mentor proposed to keeps the best of what they held and what they were offered, as many as their room:
    the highest ranking, then whoever has waited longer (lower index). The edges held now, and those turned down."""
    offered = np.zeros(len(graph.room), dtype=bool)
    offered[graph.tails[proposals]] = True
    contested = offered[graph.tails[held]]
    contest = np.concatenate([held[contested], proposals])
    mentors = graph.tails[contest]
    order = _by_row_best_first(mentors, graph.scores[contest], graph.heads[contest])
    contest, mentors = contest[order], mentors[order]
    kept = np.arange(len(contest)) - np.searchsorted(mentors, mentors) < graph.room[mentors]
    return np.concatenate([held[~contested], contest[kept]]), contest[~kept]


def _cutoffs(graph: CandidateGraph, held: np.ndarray) -> np.ndarray:
    """Per mentor, what a newcomer must beat: the least ranking · n − index they hold when full, else below any."""
    n = len(graph.mentees)
    tails = graph.tails[held]
    cutoff = np.where(graph.room > 0, -n - 1, 101 * n).astype(np.int64)
    least = np.full(len(graph.room), 101 * n, dtype=np.int64)
    np.minimum.at(least, tails, graph.scores[held].astype(np.int64) * n - graph.heads[held])
    full = (np.bincount(tails, minlength=len(graph.room)) >= graph.room) & (graph.room > 0)
    cutoff[full] = least[full]
    return cutoff


def unpaired_each(graph: CandidateGraph, chosen: np.ndarray) -> list[tuple[Candidate, str]]:
    """Each mentee left unpaired, with why: one reason each, the first that applies, decided as if they required no
    identity attribute (never an identity one, nor one that differs because of a requirement). Mentors full before
    the round count as fitting (so a mentee is not said to fit no mentor when those who fit have no room)."""
    paired = np.zeros(len(graph.mentees), dtype=bool)
    paired[graph.heads[chosen]] = True
    capped = graph.cap_left is not None and len(chosen) >= graph.cap_left
    left: list[tuple[Candidate, str]] = []
    for i in np.flatnonzero(~paired):
        if not graph.eligible_if_room[i]:
            reason = "no_eligible_mentor"
        elif not graph.qualified_if_room[i]:
            reason = "below_minimum_score"
        elif not graph.qualified_regardless[i]:  # only mentors full before the round fit them
            reason = "fitting_mentors_full"
        elif capped:
            reason = "program_cap_reached"
        else:  # a mentor fits, identity aside, and the round chose others (or a requirement, never said, kept them)
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
    # Made by the coordinator (a swap, or a pair added), not the engine: proposed as made by hand, for the mentee to
    # confirm.
    by_hand: bool = False
    # The mentor the engine drafted, while the coordinator has given the mentee another (with it again, the pair is
    # the engine's again).
    drafted_mentor_enrollment_id: UUID | None = None

    @property
    def engines_mentor(self) -> UUID | None:
        """The mentor enrollment the engine drafted for this mentee; None if it drafted them none (a pair added)."""
        return self.drafted_mentor_enrollment_id if self.by_hand else self.mentor_enrollment_id

    def with_mentor(self, mentor_enrollment_id: UUID, mentor_id: UUID, score: int, reasons: tuple[str, ...]
                    ) -> DraftPair:
        """This mentee with another drafted pair's mentor (a swap)."""
        return _coordinators(self.mentee_enrollment_id, self.mentee_id, self.engines_mentor, mentor_enrollment_id,
                             mentor_id, score, reasons)

    def removed(self) -> Unpaired:
        """Its mentee, once a coordinator took the pair out of the draft."""
        return Unpaired(self.mentee_enrollment_id, self.mentee_id, "removed_by_coordinator", self.engines_mentor)


@dataclass(frozen=True)
class Unpaired:
    mentee_enrollment_id: UUID
    mentee_id: UUID
    reason_code: str
    # The mentor the engine drafted for the mentee, once a coordinator removed that pair: put back, it is the engine's.
    drafted_mentor_enrollment_id: UUID | None = None

    def paired_with(self, mentor_enrollment_id: UUID, mentor_id: UUID, score: int, reasons: tuple[str, ...]
                    ) -> DraftPair:
        """This mentee with a mentor a coordinator chose (a pair added to the draft)."""
        return _coordinators(self.mentee_enrollment_id, self.mentee_id, self.drafted_mentor_enrollment_id,
                             mentor_enrollment_id, mentor_id, score, reasons)


def _coordinators(mentee_enrollment_id: UUID, mentee_id: UUID, engines_mentor: UUID | None,
                  mentor_enrollment_id: UUID, mentor_id: UUID, score: int, reasons: tuple[str, ...]) -> DraftPair:
    """A pair a coordinator made in a draft: made by hand, unless it is the very pair the engine drafted (whose
    mentor is kept until then)."""
    engines = mentor_enrollment_id == engines_mentor
    return DraftPair(mentee_enrollment_id, mentor_enrollment_id, mentee_id, mentor_id, score, reasons,
                     by_hand=not engines, drafted_mentor_enrollment_id=None if engines else engines_mentor)


def places_left(mentors: Iterable[Candidate], program: ProgramRules, pairs: Iterable[DraftPair]) -> dict[UUID, int]:
    """Per mentor (person, over every kind of pairing they mentor in), the places they have free once a draft's pairs
    are counted, as a round counts places (`scoring.places_free`): those with one at least. Before the program's cap
    on pairs."""
    drafted = Counter(p.mentor_enrollment_id for p in pairs)
    places: Counter[UUID] = Counter()
    for mentor in mentors:
        if mentor_exclusion(mentor, program) is None:
            places[mentor.person_id] += max(0, mentor.capacity - mentor.active_pairings
                                            - drafted[mentor.enrollment_id])
    return {mentor: n for mentor, n in places.items() if n > 0}
