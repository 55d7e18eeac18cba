"""The fits of `scoring.fit` for many pairs at once. Pure.

A national round scores hundreds of millions of pairs, so `Scorer` scores a block of mentees against many mentors
with one matrix product. Every component is linear in one-hot features of the mentor once the mentee's side
(their weights, what they asked for, their normaliser) is folded into a row of coefficients; the two components
that are not (a shared language, the logistics) are one-hot over the few distinct patterns of the mentors'
languages and of their (format, region, time zone). Each mentee's row is scaled by a multiplier that clears every
denominator, so the coefficients are integers and the float32 product is exact; rounding to 0..100 is then done
in integers. The product gives each pair's ranking points (identity wished for included); the identity columns
alone give the identity part, so the visible fit, without it, is known too: a pair qualifies when its visible fit
reaches the program's minimum, and qualifying pairs are ordered by their ranking (see `scoring`). Both are
identical to `fit`'s; a unit test checks it on random people.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

import numpy as np

from .model import Candidate, ProgramRules
from .scoring import (
    RANKS,
    SPECIALTY_COLUMNS,
    STAGE_COLUMN,
    STAGES,
    SUPPORT_COLUMNS,
    Fit,
    Wants,
    Weights,
    fit,
    mentor_exclusion,
    modality_bits,
    unmet_requirement,
    wished,
)

EXACT_FLOAT32 = 2 ** 24  # integers below this, and sums of them staying below it, are exact in float32


def _one_hot(rows: Sequence[Iterable], index: dict, width: int) -> np.ndarray:
    out = np.zeros((len(rows), width), dtype=np.float32)
    r = [i for i, values in enumerate(rows) for v in values if v in index]
    c = [index[v] for values in rows for v in values if v in index]
    out[r, c] = 1.0
    return out


def _codes(values: Iterable, index: dict) -> dict:
    for v in values:
        index.setdefault(v, len(index))
    return index


@dataclass(frozen=True)
class MenteeRows:
    """Mentees as rows of integer coefficients against one `Scorer`'s mentor features, and what rounding needs.

    `coefficients @ features.T` is, per pair, R − threshold where R = multiplier · (the pair's ranking points),
    exact; the same product over the identity columns alone is multiplier · (its identity points), and R minus
    those is multiplier · (its visible points).
    """

    coefficients: np.ndarray  # [mentees, features]
    multiplier: np.ndarray  # int64: clears every denominator of the mentee's points (even, for the halves)
    applicable: np.ndarray  # int64: what the ranking is out of
    visible_applicable: np.ndarray  # int64: what the visible score is out of (identity left out)
    threshold: np.ndarray  # int64: the least multiplier · visible points that round to the program's minimum
    stage: np.ndarray  # index into TrainingStage
    rank: np.ndarray
    required: list[frozenset]  # attribute=value pairs the mentee requires a mentor to share
    unmet_requirement: np.ndarray
    # The mentors' language patterns (`Scorer.language_patterns`) the mentee may meet: those sharing a language with
    # them, and the empty one (a mentor who listed none); None: every pattern (the mentee listed no language, or
    # shares one with every pattern).
    meets_in: list[frozenset[int] | None]

    def __len__(self) -> int:
        return len(self.rank)

    def ranking_points(self, rows: np.ndarray, shifted: np.ndarray, reached: np.ndarray) -> np.ndarray:
        """Per pair of these mentee rows (one row each) and some mentors: R where the visible fit reaches the
        program's minimum (`reached`, from `Scorer.reached`), else −1; from the product (R − threshold). In the
        product's type, which holds R exactly: R is at most multiplier · out_of, below the bound that chose the
        type."""
        threshold = self.threshold[rows][:, None].astype(shifted.dtype)
        # (R + 1) · reached − 1, exact in that type: np.where's own result, several times faster (it branches on
        # every element; this is three passes without a branch).
        points = shifted + (threshold + 1)
        points *= reached
        points -= 1
        return points

    def rounded(self, rows: np.ndarray, points: np.ndarray, out_of: np.ndarray) -> np.ndarray:
        """Scores 0..100 (int16) from multiplier · points out of `out_of[rows]`, rounded half up."""
        m = self.multiplier[rows][:, None]
        out_of = out_of[rows][:, None]
        denominator = np.maximum(2 * m * out_of, 1)
        rounded = np.where(out_of > 0, (200 * points.astype(np.int64) + m * out_of) // denominator, 0)
        return np.clip(rounded, 0, 100).astype(np.int16)

    def rankings(self, rows: np.ndarray, points: np.ndarray) -> np.ndarray:
        """The rankings 0..100 (int16) of R = multiplier · ranking points."""
        return self.rounded(rows, points, self.applicable)

    def per_ranking(self, rows: np.ndarray) -> np.ndarray:
        """Per row, the R one ranking point takes (float64): `rankings` rounds 100 · R / (multiplier · out_of) half
        up, so a pair's ranking reaches t exactly when R ≥ (t − ½) · this. 0 where nothing applies (all rank 0)."""
        return (self.multiplier[rows] * self.applicable[rows]).astype(np.float64) / 100.0


class Scorer:
    """Mentors as columns of one-hot features, built once; mentees are scored against them in blocks."""

    def __init__(self, mentors: list[Candidate], weights: Weights) -> None:
        self.mentors = mentors
        self.weights = weights
        n = len(mentors)
        # A mentor's attributes as far as they show them to a partner: all a mentee's wish may meet (`scoring`).
        shown = [[(a, v) for a, v in m.identity.items() if a in m.shown] for m in mentors]
        self.identities = _codes(sorted({pair for pairs in shown for pair in pairs}), {})
        self.languages = _codes(sorted({lang for m in mentors for lang in m.languages}), {})
        self.places = _codes(sorted({x for m in mentors for x in (m.timezone, m.region) if x is not None}), {})
        language_sets = [frozenset(m.languages) for m in mentors]
        self.language_patterns = _codes(sorted(set(language_sets), key=sorted), {})
        self.language_pattern = np.array([self.language_patterns[s] for s in language_sets], dtype=np.int64)
        logistics = [(modality_bits(m), self.places[m.region] if m.region else -2, self.places[m.timezone])
                     for m in mentors]
        self.logistics_patterns = _codes(sorted(set(logistics)), {})
        self.rank = np.array([m.stage.rank for m in mentors], dtype=np.int16)
        self.kinds = _codes(sorted({m.pairing_kind for m in mentors}), {})
        self.kind = np.array([self.kinds[m.pairing_kind] for m in mentors], dtype=np.int16)
        self.welcome = np.ones((n, len(STAGES)), dtype=bool)
        for j, m in enumerate(mentors):
            if m.mentee_stages_welcome:
                self.welcome[j] = False
                self.welcome[j, [STAGE_COLUMN[s] for s in m.mentee_stages_welcome]] = True
        self.shown = _one_hot(shown, self.identities, len(self.identities)) > 0
        ranks = np.zeros((n, RANKS), dtype=np.float32)
        ranks[np.arange(n), self.rank] = 1.0
        blocks = [
            _one_hot([m.specialties for m in mentors], SPECIALTY_COLUMNS, len(SPECIALTY_COLUMNS)),
            _one_hot([m.support_areas for m in mentors], SUPPORT_COLUMNS, len(SUPPORT_COLUMNS)),
            self.shown.astype(np.float32),
            _one_hot([[s] for s in language_sets], self.language_patterns, len(self.language_patterns)),
            ranks,
            _one_hot([[x] for x in logistics], self.logistics_patterns, len(self.logistics_patterns)),
            np.ones((n, 1), dtype=np.float32),  # the threshold's column
        ]
        self.features = np.concatenate(blocks, axis=1)
        self._widths = [b.shape[1] for b in blocks]
        start = self._widths[0] + self._widths[1]
        self.identity_columns = slice(start, start + self._widths[2])  # the identity block's features
        self.people: dict[UUID, list[int]] = {}  # person → their columns (a person may enroll twice)
        for j, m in enumerate(mentors):
            self.people.setdefault(m.person_id, []).append(j)
        self._language_patterns = np.zeros((len(self.languages), len(self.language_patterns)), dtype=np.float32)
        for pattern, k in self.language_patterns.items():
            self._language_patterns[[self.languages[lang] for lang in pattern], k] = 1.0
        self._logistics = np.array(list(self.logistics_patterns), dtype=np.int64).reshape(-1, 3)

    def columns(self, stage: int, rank: int, required: frozenset = frozenset(), kind: str = "general",
                meets_in: frozenset[int] | None = None) -> np.ndarray:
        """Mentors no kind, stage, language or identity requirement rules out for mentees of this stage: offering
        the kind of pairing sought, ahead of them, welcoming their stage, of a language pattern they may meet in
        (`MenteeRows.meets_in`), and sharing, and showing a partner, every attribute=value pair they require."""
        if kind not in self.kinds:
            return np.zeros(0, dtype=np.int64)
        ok = (self.kind == self.kinds[kind]) & (self.rank > rank) & self.welcome[:, stage]
        if meets_in is not None:
            patterns = np.zeros(len(self.language_patterns), dtype=bool)
            patterns[list(meets_in)] = True
            ok &= patterns[self.language_pattern]
        for pair in required:
            if pair not in self.identities:
                return np.zeros(0, dtype=np.int64)
            ok &= self.shown[:, self.identities[pair]]
        return np.flatnonzero(ok)

    def reached(self, coefficients: np.ndarray, shifted: np.ndarray, features: np.ndarray) -> np.ndarray:
        """Per pair of these coefficient rows and these mentors ([mentors, features]), given their product
        `shifted` (R − threshold): whether the visible fit reaches the program's minimum, R − threshold ≥ the
        identity part of R. That part is multiplied out only for the rows that wish for something; for the others
        it is nothing."""
        wishes = coefficients[:, self.identity_columns]
        wishing = np.flatnonzero(wishes.any(axis=1))
        reached = shifted >= 0
        if len(wishing):
            reached[wishing] = shifted[wishing] >= wishes[wishing] @ features[:, self.identity_columns].T
        return reached

    def wishing(self, rows: MenteeRows) -> np.ndarray:
        """Per mentee row: whether they wish for any identity attribute (only their pairs have an identity part)."""
        return np.asarray(rows.coefficients[:, self.identity_columns].any(axis=1))

    def rows(self, mentees: list[Candidate], minimum_score: int = 0) -> MenteeRows:
        w, n = self.weights, len(mentees)
        wants = [Wants.of(p, w) for p in mentees]
        specialties = [x.specialties for x in wants]
        support = [x.support for x in wants]
        wishes = [x.wished for x in wants]
        n_spec = np.array([len(s) for s in specialties], dtype=np.int64)
        n_support = np.array([len(s) for s in support], dtype=np.int64)
        n_wished = np.array([len(s) for s in wishes], dtype=np.int64)
        multiplier = 2 * np.lcm.reduce([np.maximum(n_spec, 1), np.maximum(n_support, 1), np.maximum(n_wished, 1)])
        out_of = np.array([x.out_of for x in wants], dtype=np.int64)
        visible_out_of = out_of - w.identity * (n_wished > 0)
        if minimum_score <= 0:
            threshold = np.zeros(n, dtype=np.int64)
        else:  # the least integer T with 200·T ≥ multiplier · out_of · (2·minimum − 1); never, when nothing applies
            threshold = np.where(visible_out_of > 0,
                                 -((-multiplier * visible_out_of * (2 * minimum_score - 1)) // 200), 1)
        bound = int(max((multiplier * np.maximum(out_of, 1)).max(initial=0), np.abs(threshold).max(initial=0)))
        if bound >= 2 ** 53:
            raise ValueError("weights too large to score exactly")
        dtype = np.float32 if bound < EXACT_FLOAT32 else np.float64

        def scaled(one_hot: np.ndarray, weight: int, count: np.ndarray) -> np.ndarray:
            return one_hot * (weight * multiplier // np.maximum(count, 1))[:, None]

        rank = np.array([p.stage.rank for p in mentees], dtype=np.int16)
        # Doubled stage points (integers) per mentee rank × mentor rank.
        gap = np.arange(RANKS)[None, :] - np.arange(RANKS)[:, None]
        stage_points = np.where((gap >= 1) & (gap <= w.near_peer_max_gap), 2 * w.stage,
                                np.where(gap > w.near_peer_max_gap, w.stage, 0))
        half = multiplier // 2

        languages = _one_hot([x.speaks for x in wants], self.languages, len(self.languages))
        shares_language = (languages @ self._language_patterns) > 0
        # A hard constraint, not only points: a mentee who listed languages meets only mentors who share one or
        # listed none. Kept as pattern sets, so that mentees alike in whom they may meet share a round's bucket.
        meetable = shares_language | np.array([not p for p in self.language_patterns], dtype=bool)[None, :]
        narrowed = np.array([bool(x.speaks) for x in wants], dtype=bool) & ~meetable.all(axis=1)
        meets_in: list[frozenset[int] | None] = [None] * n
        for i in np.flatnonzero(narrowed).tolist():
            meets_in[i] = frozenset(np.flatnonzero(meetable[i]).tolist())

        logistics = self._logistics
        modality = np.array([x.modalities for x in wants], dtype=np.int64)[:, None]
        region = np.array([self.places.get(p.region, -3) if p.region else -1 for p in mentees], dtype=np.int64)[:, None]
        zone = np.array([self.places.get(p.timezone, -3) for p in mentees], dtype=np.int64)[:, None]
        compatible = (modality & logistics[None, :, 0]) != 0
        near = ((region >= 0) & (region == logistics[None, :, 1])) | (zone == logistics[None, :, 2])

        blocks = [
            scaled(_one_hot(specialties, SPECIALTY_COLUMNS, len(SPECIALTY_COLUMNS)), w.specialty, n_spec),
            scaled(_one_hot(support, SUPPORT_COLUMNS, len(SUPPORT_COLUMNS)), w.support, n_support),
            scaled(_one_hot(wishes, self.identities, len(self.identities)), w.identity, n_wished),
            shares_language * (w.language * multiplier)[:, None],
            stage_points[rank] * half[:, None],
            compatible * (1 + near) * (w.logistics * half)[:, None],
            -threshold[:, None],
        ]
        assert [b.shape[1] for b in blocks] == self._widths
        coefficients = np.concatenate([b.astype(dtype) for b in blocks], axis=1) if n else \
            np.zeros((0, self.features.shape[1]), dtype=dtype)
        return MenteeRows(
            coefficients=coefficients, multiplier=multiplier, applicable=out_of, visible_applicable=visible_out_of,
            threshold=threshold,
            stage=np.array([STAGE_COLUMN[p.stage] for p in mentees], dtype=np.int16), rank=rank,
            required=[wished(p, required_only=True) if p.identity_wishes else frozenset() for p in mentees],
            unmet_requirement=np.array([bool(p.identity_wishes) and unmet_requirement(p) for p in mentees], dtype=bool),
            meets_in=meets_in,
        )

    def transposed(self, columns: np.ndarray, dtype) -> np.ndarray:
        """The features of these mentors as a contiguous [features, mentors] matrix, ready to multiply."""
        return np.ascontiguousarray(self.features[columns].T, dtype=dtype)


class Ranking:
    """Mentees ranked against a scorer's mentors, one mentee at a time (room changes as they are placed), but
    scored a block of mentees at once: a block costs little more than one of its mentees. Blocks are scored as
    they are reached, so placing stops costing as soon as room runs out."""

    BLOCK = 256

    def __init__(self, scorer: Scorer, mentees: list[Candidate], minimum_score: int) -> None:
        self.scorer, self.mentees, self.minimum_score = scorer, mentees, minimum_score
        # start, its rows, [block, mentors] R − threshold and whether the visible fit reaches the minimum
        self._block: tuple[int, MenteeRows, np.ndarray, np.ndarray] | None = None

    def _scored(self, i: int) -> tuple[MenteeRows, int, np.ndarray, np.ndarray]:
        start = i - i % self.BLOCK
        if self._block is None or self._block[0] != start:
            rows = self.scorer.rows(self.mentees[start:start + self.BLOCK], self.minimum_score)
            features = self.scorer.features.astype(rows.coefficients.dtype, copy=False)
            shifted = (features @ rows.coefficients.T).T
            self._block = (start, rows, shifted, self.scorer.reached(rows.coefficients, shifted, features))
        start, rows, shifted, reached = self._block
        return rows, i - start, shifted[i - start], reached[i - start]

    def ranked(self, i: int, room: np.ndarray, closed_before: frozenset[tuple[UUID, UUID]] = frozenset(),
               limit: int | None = None) -> list[tuple[int, int]]:
        """(mentor index, ranking) of the mentors no hard constraint rules out for mentee `i`, whose visible fit
        reaches the program's threshold, with room, best ranked first; ties go to the mentor with most room, so
        load spreads."""
        rows, k, shifted, reached = self._scored(i)
        mentee = self.mentees[i]
        if rows.unmet_requirement[k]:
            return []
        scorer = self.scorer
        columns = scorer.columns(int(rows.stage[k]), int(rows.rank[k]), rows.required[k], mentee.pairing_kind,
                                 rows.meets_in[k])
        columns = columns[room[columns] > 0]
        ruled_out = [j for j in scorer.people.get(mentee.person_id, ())] + [
            j for (mentee_id, mentor_id) in closed_before if mentee_id == mentee.person_id
            for j in scorer.people.get(mentor_id, ())]
        if ruled_out:
            columns = columns[~np.isin(columns, ruled_out)]  # sorted as they were; setdiff1d loads numpy.ma (9 MiB)
        if len(columns) == 0:
            return []
        at = np.array([k])
        points = rows.ranking_points(at, shifted[None, columns], reached[None, columns])[0]
        columns, points = columns[points >= 0], points[points >= 0]
        found = rows.rankings(at, points[None, :])[0].astype(np.int64)
        if len(columns) == 0:
            return []
        if limit == 1:  # the best alone (each registration's): picked in linear time rather than sorting them all
            best = np.flatnonzero(found == found.max())
            best = best[room[columns[best]] == room[columns[best]].max()]
            order = best[np.argmin(columns[best])][None]
        else:
            order = np.lexsort((columns, -room[columns], -found))[:limit]
        return list(zip(columns[order].tolist(), found[order].tolist(), strict=True))


def ranked_mentors(mentee: Candidate, scorer: Scorer, program: ProgramRules, room: np.ndarray,
                   closed_before: frozenset[tuple[UUID, UUID]] = frozenset(),
                   limit: int | None = None) -> list[tuple[int, int]]:
    """`Ranking.ranked` of one mentee."""
    return Ranking(scorer, [mentee], program.minimum_score).ranked(0, room, closed_before, limit)


def suitable_mentors(mentee: Candidate, mentors: list[Candidate], program: ProgramRules, weights: Weights,
                     closed_before: frozenset[tuple[UUID, UUID]] = frozenset(),
                     limit: int | None = None) -> list[tuple[Candidate, Fit]]:
    """Mentors no hard constraint rules out, whose visible fit reaches the program's threshold, best ranked
    first, with their fit.

    Ties go to the mentor with most room, so load spreads.
    """
    eligible = [m for m in mentors if mentor_exclusion(m, program) is None]
    scorer = Scorer(eligible, weights)
    room = np.array([m.capacity - m.active_pairings for m in eligible], dtype=np.int64)
    ranked = ranked_mentors(mentee, scorer, program, room, closed_before, limit)
    return [(eligible[j], fit(mentee, eligible[j], weights)) for j, _ in ranked]
