"""How well a mentor fits a mentee, from 0 to 100, with the reasons; and what rules a pair out. Pure.

One definition, two ways to compute it:

- `fit(mentee, mentor)` scores one pair component by component in exact arithmetic and says why. It is the
  definition, and what a coordinator or a mentee is shown.
- `Scorer` scores a block of mentees against many mentors with one matrix product, because a national round
  scores hundreds of millions of pairs. Every component is linear in one-hot features of the mentor once the
  mentee's side (their weights, what they asked for, their normaliser) is folded into a row of coefficients; the
  two components that are not (a shared language, the logistics) are one-hot over the few distinct patterns of
  the mentors' languages and of their (format, region, time zone). Each mentee's row is scaled by a multiplier
  that clears every denominator, so the coefficients are integers and the float32 product is exact; rounding to
  0..100 is then done in integers. The scores are identical to `fit`'s; a unit test checks it on random people.

A component the mentee expressed nothing about (no specialty, no support wanted, no identity wish, no
language) drops out of the denominator instead of counting against every mentor: 100 stays reachable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from fractions import Fraction
from uuid import UUID

import numpy as np
from mentorship_contracts.vocabulary import STAGE_RANK, Specialty, SupportArea, TrainingStage

from .model import Candidate, ProgramRules


@dataclass(frozen=True)
class Weights:
    """A program's weights (any non-negative integers; scores are normalised) and its near-peer window."""

    specialty: int = 30
    support: int = 25
    stage: int = 20
    identity: int = 10
    language: int = 5
    logistics: int = 10
    near_peer_max_gap: int = 2  # stages ahead that still count as a near-peer

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Fit:
    score: int
    reasons: tuple[str, ...]


REASONS = ("specialty_overlap", "support_offered", "near_peer", "further_along", "shared_identity",
           "shared_language", "format_compatible", "same_region", "same_time_zone")
# Pairwise hard constraints, in the order a coordinator is told about them.
PAIR_RULES = ("same_person", "different_kind", "mentor_not_ahead", "stage_not_welcome", "identity_requirement_unmet")

_SPECIALTIES = {s.value: i for i, s in enumerate(Specialty)}
_SUPPORT = {s.value: i for i, s in enumerate(SupportArea)}
_MODALITY_BITS = {"in_person": 1, "virtual": 2}
_STAGES = list(TrainingStage)
_STAGE_INDEX = {s: i for i, s in enumerate(_STAGES)}
_RANKS = max(STAGE_RANK.values()) + 1
_NOTHING: frozenset = frozenset()


# --- what a person brings, as sets ------------------------------------------------------------------------------
def _specialties(p: Candidate) -> frozenset[str]:
    return frozenset(str(v) for v in p.specialties if v in _SPECIALTIES)


def _support(p: Candidate) -> frozenset[str]:
    return frozenset(str(v) for v in p.support_areas if v in _SUPPORT)


def _modalities(p: Candidate) -> int:
    return sum(_MODALITY_BITS.get(m, 0) for m in set(p.modalities))


def _identity(p: Candidate) -> frozenset[tuple[str, str]]:
    return frozenset(p.identity.items())


def _wished(p: Candidate, required_only: bool = False) -> frozenset[tuple[str, str]]:
    """The mentee's own attribute=value pairs they would like a mentor to share (or require them to)."""
    if not p.identity_wishes:
        return _NOTHING
    return frozenset((w.attribute, p.identity[w.attribute]) for w in p.identity_wishes
                     if w.attribute in p.identity and (w.required or not required_only))


def _unmet_requirement(p: Candidate) -> bool:
    """The mentee requires an attribute they have not (or no longer) consented to use: no one can meet it."""
    return any(w.required and w.attribute not in p.identity for w in p.identity_wishes)


def _welcomes(mentor: Candidate, stage: TrainingStage) -> bool:
    return not mentor.mentee_stages_welcome or stage in mentor.mentee_stages_welcome


# --- one pair, explained: the definition ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Wants:
    """What a mentee asked for, once: the sets their points are shares of, and what their score is out of."""

    specialties: frozenset[str]
    support: frozenset[str]
    wished: frozenset[tuple[str, str]]
    speaks: frozenset[str]
    modalities: int
    denominator: int  # clears every share's denominator, and the halves
    out_of: int

    @classmethod
    def of(cls, mentee: Candidate, w: Weights) -> _Wants:
        specialties, support, wished = _specialties(mentee), _support(mentee), _wished(mentee)
        speaks = frozenset(mentee.languages)
        out_of = (w.stage + w.logistics + w.specialty * bool(specialties) + w.support * bool(support)
                  + w.identity * bool(wished) + w.language * bool(speaks))
        denominator = 2 * max(len(specialties), 1) * max(len(support), 1) * max(len(wished), 1)
        return cls(specialties, support, wished, speaks, _modalities(mentee), denominator, out_of)


def _scaled_points(mentee: Candidate, wants: _Wants, mentor: Candidate, w: Weights) -> dict[str, int]:
    """The points each component gives the pair, times `wants.denominator` (integers: exact)."""
    d = wants.denominator
    gap = mentor.stage.rank - mentee.stage.rank
    compatible = bool(wants.modalities & _modalities(mentor))
    same_region = bool(mentee.region) and mentee.region == mentor.region
    same_zone = mentee.timezone == mentor.timezone and not same_region
    half_logistics = w.logistics * d // 2

    def share(weight: int, wanted: frozenset, offered: frozenset) -> int:
        return weight * d * len(wanted & offered) // len(wanted) if wanted else 0

    return {
        "specialty_overlap": share(w.specialty, wants.specialties, _specialties(mentor)),
        "support_offered": share(w.support, wants.support, _support(mentor)),
        "near_peer": w.stage * d if 1 <= gap <= w.near_peer_max_gap else 0,
        "further_along": w.stage * d // 2 if gap > w.near_peer_max_gap else 0,
        "shared_identity": share(w.identity, wants.wished, _identity(mentor)),
        "shared_language": w.language * d if wants.speaks & set(mentor.languages) else 0,
        "format_compatible": half_logistics if compatible else 0,
        "same_region": half_logistics if compatible and same_region else 0,
        "same_time_zone": half_logistics if compatible and same_zone else 0,
    }


def points(mentee: Candidate, mentor: Candidate, w: Weights = Weights()) -> dict[str, Fraction]:
    """The points each component gives this pair, exactly."""
    wants = _Wants.of(mentee, w)
    return {reason: Fraction(value, wants.denominator)
            for reason, value in _scaled_points(mentee, wants, mentor, w).items()}


def applicable(mentee: Candidate, w: Weights = Weights()) -> int:
    """The points this mentee's score is out of: the components they expressed something about."""
    return _Wants.of(mentee, w).out_of


def _rounded(scaled_total: int, denominator: int, out_of: int) -> int:
    """100 · total / out_of, rounded half up, within 0..100 (0 when nothing applies); total = scaled / denominator."""
    if out_of <= 0:
        return 0
    return min(100, max(0, (200 * scaled_total + denominator * out_of) // (2 * denominator * out_of)))


def _fit(mentee: Candidate, wants: _Wants, mentor: Candidate, weights: Weights) -> Fit:
    parts = _scaled_points(mentee, wants, mentor, weights)
    return Fit(_rounded(sum(parts.values()), wants.denominator, wants.out_of),
               tuple(reason for reason, value in parts.items() if value > 0))


def fit(mentee: Candidate, mentor: Candidate, weights: Weights = Weights()) -> Fit:
    return _fit(mentee, _Wants.of(mentee, weights), mentor, weights)


def pair_fits(pairs: Iterable[tuple[Candidate, Candidate]], weights: Weights) -> list[Fit]:
    """The fit of each (mentee, mentor) pair (a round's proposals)."""
    return [fit(mentee, mentor, weights) for mentee, mentor in pairs]


def pair_exclusion(mentee: Candidate, mentor: Candidate) -> str | None:
    """The first pairwise hard constraint (`PAIR_RULES`) that rules this pair out, or None."""
    if mentee.person_id == mentor.person_id:
        return "same_person"
    if mentor.pairing_kind != mentee.pairing_kind:
        return "different_kind"
    if mentor.stage.rank <= mentee.stage.rank:
        return "mentor_not_ahead"
    if not _welcomes(mentor, mentee.stage):
        return "stage_not_welcome"
    if _unmet_requirement(mentee) or not _wished(mentee, required_only=True) <= _identity(mentor):
        return "identity_requirement_unmet"
    return None


def mentor_exclusion(mentor: Candidate, program: ProgramRules) -> str | None:
    """The hard constraint of the mentor alone (not of the pair) that rules them out, or None."""
    if not mentor.approved:
        return "mentor_not_approved"
    if mentor.stage not in program.mentor_stages:
        return "mentor_not_eligible"
    if not mentor.has_room:
        return "mentor_at_capacity"
    return None


def exclusion(mentee: Candidate, mentor: Candidate, program: ProgramRules,
              closed_before: frozenset[tuple[UUID, UUID]] = frozenset()) -> str | None:
    """The hard constraint that rules this pair out, or None."""
    pairwise = pair_exclusion(mentee, mentor)
    if pairwise == "same_person":
        return pairwise
    if (mentee.person_id, mentor.person_id) in closed_before:
        return "declined_or_ended_before"
    return mentor_exclusion(mentor, program) or pairwise


# --- many pairs at once ---------------------------------------------------------------------------------------
EXACT_FLOAT32 = 2 ** 24  # integers below this, and sums of them staying below it, are exact in float32


def _one_hot(rows: list[Iterable], index: dict, width: int) -> np.ndarray:
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

    `coefficients @ features.T` is, per pair, T − threshold where T = multiplier · (the pair's points): exact.
    """

    coefficients: np.ndarray  # [mentees, features]
    multiplier: np.ndarray  # int64: clears every denominator of the mentee's points (even, for the halves)
    applicable: np.ndarray  # int64: what the score is out of
    threshold: np.ndarray  # int64: the least T that rounds to the program's minimum score
    stage: np.ndarray  # index into TrainingStage
    rank: np.ndarray
    required: list[frozenset]  # attribute=value pairs the mentee requires a mentor to share
    unmet_requirement: np.ndarray

    def __len__(self) -> int:
        return len(self.rank)

    def scores(self, rows: np.ndarray, shifted: np.ndarray) -> np.ndarray:
        """Scores 0..100 (int16) from `coefficients[rows] @ features.T` (T − threshold), rounded half up."""
        m = self.multiplier[rows][:, None]
        out_of = self.applicable[rows][:, None]
        t = shifted.astype(np.int64) + self.threshold[rows][:, None]
        denominator = np.maximum(2 * m * out_of, 1)
        rounded = np.where(out_of > 0, (200 * t + m * out_of) // denominator, 0)
        return np.clip(rounded, 0, 100).astype(np.int16)


class Scorer:
    """Mentors as columns of one-hot features, built once; mentees are scored against them in blocks."""

    def __init__(self, mentors: list[Candidate], weights: Weights) -> None:
        self.mentors = mentors
        self.weights = weights
        n = len(mentors)
        self.identities = _codes(sorted({pair for m in mentors for pair in m.identity.items()}), {})
        self.languages = _codes(sorted({lang for m in mentors for lang in m.languages}), {})
        self.places = _codes(sorted({x for m in mentors for x in (m.timezone, m.region) if x is not None}), {})
        language_sets = [frozenset(m.languages) for m in mentors]
        self.language_patterns = _codes(sorted(set(language_sets), key=sorted), {})
        logistics = [(_modalities(m), self.places[m.region] if m.region else -2, self.places[m.timezone])
                     for m in mentors]
        self.logistics_patterns = _codes(sorted(set(logistics)), {})
        self.rank = np.array([m.stage.rank for m in mentors], dtype=np.int16)
        self.kinds = _codes(sorted({m.pairing_kind for m in mentors}), {})
        self.kind = np.array([self.kinds[m.pairing_kind] for m in mentors], dtype=np.int16)
        self.welcome = np.ones((n, len(_STAGES)), dtype=bool)
        for j, m in enumerate(mentors):
            if m.mentee_stages_welcome:
                self.welcome[j] = False
                self.welcome[j, [_STAGE_INDEX[s] for s in m.mentee_stages_welcome]] = True
        self.identity = _one_hot([m.identity.items() for m in mentors], self.identities, len(self.identities)) > 0
        ranks = np.zeros((n, _RANKS), dtype=np.float32)
        ranks[np.arange(n), self.rank] = 1.0
        blocks = [
            _one_hot([m.specialties for m in mentors], _SPECIALTIES, len(_SPECIALTIES)),
            _one_hot([m.support_areas for m in mentors], _SUPPORT, len(_SUPPORT)),
            self.identity.astype(np.float32),
            _one_hot([[s] for s in language_sets], self.language_patterns, len(self.language_patterns)),
            ranks,
            _one_hot([[x] for x in logistics], self.logistics_patterns, len(self.logistics_patterns)),
            np.ones((n, 1), dtype=np.float32),  # the threshold's column
        ]
        self.features = np.concatenate(blocks, axis=1)
        self._widths = [b.shape[1] for b in blocks]
        self.people: dict[UUID, list[int]] = {}  # person → their columns (a person may enroll twice)
        for j, m in enumerate(mentors):
            self.people.setdefault(m.person_id, []).append(j)
        self._language_patterns = np.zeros((len(self.languages), len(self.language_patterns)), dtype=np.float32)
        for pattern, k in self.language_patterns.items():
            self._language_patterns[[self.languages[lang] for lang in pattern], k] = 1.0
        self._logistics = np.array(list(self.logistics_patterns), dtype=np.int64).reshape(-1, 3)

    def columns(self, stage: int, rank: int, required: frozenset = frozenset(), kind: str = "general") -> np.ndarray:
        """Mentors no kind, stage or identity requirement rules out for mentees of this stage: offering the kind
        of pairing sought, ahead of them, welcoming their stage, and sharing every attribute=value pair they
        require."""
        if kind not in self.kinds:
            return np.zeros(0, dtype=np.int64)
        ok = (self.kind == self.kinds[kind]) & (self.rank > rank) & self.welcome[:, stage]
        for pair in required:
            if pair not in self.identities:
                return np.zeros(0, dtype=np.int64)
            ok &= self.identity[:, self.identities[pair]]
        return np.flatnonzero(ok)

    def rows(self, mentees: list[Candidate], minimum_score: int = 0) -> MenteeRows:
        w, n = self.weights, len(mentees)
        wants = [_Wants.of(p, w) for p in mentees]
        specialties = [x.specialties for x in wants]
        support = [x.support for x in wants]
        wished = [x.wished for x in wants]
        n_spec = np.array([len(s) for s in specialties], dtype=np.int64)
        n_support = np.array([len(s) for s in support], dtype=np.int64)
        n_wished = np.array([len(s) for s in wished], dtype=np.int64)
        multiplier = 2 * np.lcm.reduce([np.maximum(n_spec, 1), np.maximum(n_support, 1), np.maximum(n_wished, 1)])
        out_of = np.array([x.out_of for x in wants], dtype=np.int64)
        if minimum_score <= 0:
            threshold = np.zeros(n, dtype=np.int64)
        else:  # the least integer T with 200·T ≥ multiplier · out_of · (2·minimum − 1); never, when nothing applies
            threshold = np.where(out_of > 0, -((-multiplier * out_of * (2 * minimum_score - 1)) // 200), 1)
        bound = int(max((multiplier * np.maximum(out_of, 1)).max(initial=0), np.abs(threshold).max(initial=0)))
        if bound >= 2 ** 53:
            raise ValueError("weights too large to score exactly")
        dtype = np.float32 if bound < EXACT_FLOAT32 else np.float64

        def scaled(one_hot: np.ndarray, weight: int, count: np.ndarray) -> np.ndarray:
            return one_hot * (weight * multiplier // np.maximum(count, 1))[:, None]

        rank = np.array([p.stage.rank for p in mentees], dtype=np.int16)
        # Doubled stage points (integers) per mentee rank × mentor rank.
        gap = np.arange(_RANKS)[None, :] - np.arange(_RANKS)[:, None]
        stage_points = np.where((gap >= 1) & (gap <= w.near_peer_max_gap), 2 * w.stage,
                                np.where(gap > w.near_peer_max_gap, w.stage, 0))
        half = multiplier // 2

        languages = _one_hot([x.speaks for x in wants], self.languages, len(self.languages))
        shares_language = (languages @ self._language_patterns) > 0

        logistics = self._logistics
        modality = np.array([x.modalities for x in wants], dtype=np.int64)[:, None]
        region = np.array([self.places.get(p.region, -3) if p.region else -1 for p in mentees], dtype=np.int64)[:, None]
        zone = np.array([self.places.get(p.timezone, -3) for p in mentees], dtype=np.int64)[:, None]
        compatible = (modality & logistics[None, :, 0]) != 0
        near = ((region >= 0) & (region == logistics[None, :, 1])) | (zone == logistics[None, :, 2])

        blocks = [
            scaled(_one_hot(specialties, _SPECIALTIES, len(_SPECIALTIES)), w.specialty, n_spec),
            scaled(_one_hot(support, _SUPPORT, len(_SUPPORT)), w.support, n_support),
            scaled(_one_hot(wished, self.identities, len(self.identities)), w.identity, n_wished),
            shares_language * (w.language * multiplier)[:, None],
            stage_points[rank] * half[:, None],
            compatible * (1 + near) * (w.logistics * half)[:, None],
            -threshold[:, None],
        ]
        assert [b.shape[1] for b in blocks] == self._widths
        coefficients = np.concatenate([b.astype(dtype) for b in blocks], axis=1) if n else \
            np.zeros((0, self.features.shape[1]), dtype=dtype)
        return MenteeRows(
            coefficients=coefficients, multiplier=multiplier, applicable=out_of, threshold=threshold,
            stage=np.array([_STAGE_INDEX[p.stage] for p in mentees], dtype=np.int16), rank=rank,
            required=[_wished(p, required_only=True) if p.identity_wishes else frozenset() for p in mentees],
            unmet_requirement=np.array([bool(p.identity_wishes) and _unmet_requirement(p) for p in mentees], dtype=bool),
        )

    def transposed(self, columns: np.ndarray, dtype) -> np.ndarray:
        """The features of these mentors as a contiguous [features, mentors] matrix, ready to multiply."""
        return np.ascontiguousarray(self.features[columns].T, dtype=dtype)


def score_matrix(mentees: list[Candidate], mentors: list[Candidate], weights: Weights = Weights()) -> np.ndarray:
    """[mentees, mentors] scores (int16), −1 where a pairwise hard constraint rules the pair out: the vectorised
    path a round takes, for every pair at once."""
    scorer = Scorer(mentors, weights)
    rows = scorer.rows(mentees)
    out = np.full((len(mentees), len(mentors)), -1, dtype=np.int16)
    person = {m.person_id: j for j, m in enumerate(mentors)}
    for i in range(len(mentees)):
        if rows.unmet_requirement[i]:
            continue
        columns = scorer.columns(int(rows.stage[i]), int(rows.rank[i]), rows.required[i], mentees[i].pairing_kind)
        shifted = rows.coefficients[i:i + 1] @ scorer.transposed(columns, rows.coefficients.dtype)
        out[i, columns] = rows.scores(np.array([i]), shifted)[0]
        if mentees[i].person_id in person:
            out[i, person[mentees[i].person_id]] = -1
    return out


class Ranking:
    """Mentees ranked against a scorer's mentors, one mentee at a time (room changes as they are placed), but
    scored a block of mentees at once: a block costs little more than one of its mentees. Blocks are scored as
    they are reached, so placing stops costing as soon as room runs out."""

    BLOCK = 256

    def __init__(self, scorer: Scorer, mentees: list[Candidate], minimum_score: int) -> None:
        self.scorer, self.mentees, self.minimum_score = scorer, mentees, minimum_score
        self._block: tuple[int, MenteeRows, np.ndarray] | None = None  # start, its rows, [mentors, block] T − threshold

    def _scored(self, i: int) -> tuple[MenteeRows, int, np.ndarray]:
        start = i - i % self.BLOCK
        if self._block is None or self._block[0] != start:
            rows = self.scorer.rows(self.mentees[start:start + self.BLOCK], self.minimum_score)
            shifted = self.scorer.features.astype(rows.coefficients.dtype, copy=False) @ rows.coefficients.T
            self._block = (start, rows, shifted)
        start, rows, shifted = self._block
        return rows, i - start, shifted[:, i - start]

    def ranked(self, i: int, room: np.ndarray, closed_before: frozenset[tuple[UUID, UUID]] = frozenset(),
               limit: int | None = None) -> list[tuple[int, int]]:
        """(mentor index, score) of the mentors no hard constraint rules out for mentee `i`, at or above the
        program's threshold, with room, best first; ties go to the mentor with most room, so load spreads."""
        rows, k, shifted = self._scored(i)
        mentee = self.mentees[i]
        if rows.unmet_requirement[k]:
            return []
        scorer = self.scorer
        columns = scorer.columns(int(rows.stage[k]), int(rows.rank[k]), rows.required[k], mentee.pairing_kind)
        columns = columns[room[columns] > 0]
        ruled_out = [j for j in scorer.people.get(mentee.person_id, ())] + [
            j for (mentee_id, mentor_id) in closed_before if mentee_id == mentee.person_id
            for j in scorer.people.get(mentor_id, ())]
        if ruled_out:
            columns = np.setdiff1d(columns, ruled_out)
        if len(columns) == 0:
            return []
        shifted = shifted[columns]
        columns, shifted = columns[shifted >= 0], shifted[shifted >= 0]
        found = rows.scores(np.array([k]), shifted[None, :])[0]
        order = np.lexsort((columns, -room[columns], -found.astype(np.int64)))[:limit]
        return list(zip(columns[order].tolist(), found[order].tolist()))


def ranked_mentors(mentee: Candidate, scorer: Scorer, program: ProgramRules, room: np.ndarray,
                   closed_before: frozenset[tuple[UUID, UUID]] = frozenset(),
                   limit: int | None = None) -> list[tuple[int, int]]:
    """`Ranking.ranked` of one mentee."""
    return Ranking(scorer, [mentee], program.minimum_score).ranked(0, room, closed_before, limit)


def suitable_mentors(mentee: Candidate, mentors: list[Candidate], program: ProgramRules, weights: Weights,
                     closed_before: frozenset[tuple[UUID, UUID]] = frozenset(),
                     limit: int | None = None) -> list[tuple[Candidate, Fit]]:
    """Mentors no hard constraint rules out, at or above the program's threshold, best first, with their fit.

    Ties go to the mentor with most room, so load spreads.
    """
    eligible = [m for m in mentors if mentor_exclusion(m, program) is None]
    scorer = Scorer(eligible, weights)
    room = np.array([m.capacity - m.active_pairings for m in eligible], dtype=np.int64)
    ranked = ranked_mentors(mentee, scorer, program, room, closed_before, limit)
    return [(eligible[j], fit(mentee, eligible[j], weights)) for j, _ in ranked]


def best_mentor(mentee: Candidate, mentors: list[Candidate], program: ProgramRules, weights: Weights,
                closed_before: frozenset[tuple[UUID, UUID]] = frozenset()) -> tuple[Candidate, Fit] | None:
    found = suitable_mentors(mentee, mentors, program, weights, closed_before, limit=1)
    return found[0] if found else None
