"""How well a mentor fits a mentee, from 0 to 100, with the reasons; and what rules a pair out. Pure.

Scores are computed for blocks of mentees against many mentors at once (numpy), because a national round
scores hundreds of millions of pairs; a single pair is the 1×1 case of the same computation, so the score
a coordinator is shown is exactly the one the round optimised.

A component the mentee expressed nothing about (no specialty, no support wanted, no identity wish, no
language) drops out of the denominator instead of counting against every mentor: 100 stays reachable.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from uuid import UUID

import numpy as np
from mentorship_contracts.vocabulary import Specialty, SupportArea, TrainingStage

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


_STAGES = list(TrainingStage)
_STAGE_INDEX = {s: i for i, s in enumerate(_STAGES)}
_SPECIALTIES = {s.value: i for i, s in enumerate(Specialty)}
_SUPPORT = {s.value: i for i, s in enumerate(SupportArea)}
_MODALITY_BITS = {"in_person": 1, "virtual": 2}


class Vocabulary:
    """Codes for the open-ended values (languages, places, identity attribute=value) of one population."""

    def __init__(self, people: list[Candidate]) -> None:
        self.languages = {v: i for i, v in enumerate(sorted({lang for p in people for lang in p.languages}))}
        self.places = {v: i for i, v in enumerate(sorted({x for p in people for x in (p.timezone, p.region) if x}))}
        self.identities = {
            v: i for i, v in enumerate(sorted({(a, val) for p in people for a, val in p.identity.items()}))
        }


@dataclass(frozen=True)
class Encoded:
    """A group of candidates as arrays, one row each."""

    person: np.ndarray  # object ids compared for "same person"
    rank: np.ndarray
    stage: np.ndarray
    specialties: np.ndarray  # float32 one-hot rows: set intersections are matrix products
    support: np.ndarray
    languages: np.ndarray
    identity: np.ndarray  # attribute=value pairs consented for matching
    wished: np.ndarray  # mentee: own attribute=value pairs they would like a mentor to share
    required: np.ndarray  # mentee: those they require
    unmet_requirement: np.ndarray  # mentee requires an attribute they have not (or no longer) consented to use
    modalities: np.ndarray
    timezone: np.ndarray
    region: np.ndarray
    welcome: np.ndarray  # mentor: [row, stage] True when that mentee stage is welcome

    def __len__(self) -> int:
        return len(self.rank)

    def take(self, rows: slice | np.ndarray) -> Encoded:
        return Encoded(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})


def _one_hot(rows: list[list], index: dict, width: int) -> np.ndarray:
    out = np.zeros((len(rows), max(width, 1)), dtype=np.float32)
    for r, values in enumerate(rows):
        for v in values:
            if v in index:
                out[r, index[v]] = 1.0
    return out


def encode(people: list[Candidate], vocabulary: Vocabulary) -> Encoded:
    def wishes(p: Candidate, required_only: bool) -> list:
        return [(w.attribute, p.identity[w.attribute]) for w in p.identity_wishes
                if w.attribute in p.identity and (w.required or not required_only)]

    welcome = np.ones((len(people), len(_STAGES)), dtype=bool)
    for r, p in enumerate(people):
        if p.mentee_stages_welcome:
            welcome[r] = False
            welcome[r, [_STAGE_INDEX[s] for s in p.mentee_stages_welcome]] = True
    places = vocabulary.places
    return Encoded(
        person=np.array([p.person_id.int & 0x7FFF_FFFF_FFFF_FFFF for p in people], dtype=np.int64),
        rank=np.array([p.stage.rank for p in people], dtype=np.int16),
        stage=np.array([_STAGE_INDEX[p.stage] for p in people], dtype=np.int16),
        specialties=_one_hot([p.specialties for p in people], _SPECIALTIES, len(_SPECIALTIES)),
        support=_one_hot([p.support_areas for p in people], _SUPPORT, len(_SUPPORT)),
        languages=_one_hot([p.languages for p in people], vocabulary.languages, len(vocabulary.languages)),
        identity=_one_hot([list(p.identity.items()) for p in people], vocabulary.identities, len(vocabulary.identities)),
        wished=_one_hot([wishes(p, False) for p in people], vocabulary.identities, len(vocabulary.identities)),
        required=_one_hot([wishes(p, True) for p in people], vocabulary.identities, len(vocabulary.identities)),
        unmet_requirement=np.array(
            [any(w.required and w.attribute not in p.identity for w in p.identity_wishes) for p in people], dtype=bool
        ),
        modalities=np.array([sum(_MODALITY_BITS.get(m, 0) for m in set(p.modalities)) for p in people], dtype=np.int8),
        timezone=np.array([places.get(p.timezone, -1) for p in people], dtype=np.int32),
        region=np.array([places.get(p.region, -1) if p.region else -2 for p in people], dtype=np.int32),
        welcome=welcome,
    )


# Pairwise hard constraints, in the order a coordinator is told about them.
PAIR_RULES = ("same_person", "mentor_not_ahead", "stage_not_welcome", "identity_requirement_unmet")


def pair_exclusions(mentees: Encoded, mentors: Encoded) -> dict[str, np.ndarray]:
    """For each pairwise hard constraint, a [mentees, mentors] mask of the pairs it rules out."""
    required_count = mentees.required.sum(axis=1)[:, None]
    return {
        "same_person": mentees.person[:, None] == mentors.person[None, :],
        "mentor_not_ahead": mentors.rank[None, :] <= mentees.rank[:, None],
        "stage_not_welcome": ~mentors.welcome[:, mentees.stage].T,
        "identity_requirement_unmet": (mentees.required @ mentors.identity.T < required_count)
        | mentees.unmet_requirement[:, None],
    }


def eligible(mentees: Encoded, mentors: Encoded) -> np.ndarray:
    masks = pair_exclusions(mentees, mentors)
    return ~(masks["same_person"] | masks["mentor_not_ahead"] | masks["stage_not_welcome"]
             | masks["identity_requirement_unmet"])


def _share(shared: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    return np.divide(shared, wanted, out=np.zeros_like(shared), where=wanted > 0)


def components(mentees: Encoded, mentors: Encoded, w: Weights) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Points per component ([mentees, mentors] each) and the per-mentee denominator."""
    spec_n = mentees.specialties.sum(axis=1)[:, None]
    support_n = mentees.support.sum(axis=1)[:, None]
    wish_n = mentees.wished.sum(axis=1)[:, None]
    lang_n = mentees.languages.sum(axis=1)[:, None]
    gap = mentors.rank[None, :].astype(np.int32) - mentees.rank[:, None]
    compatible = (mentees.modalities[:, None] & mentors.modalities[None, :]) != 0
    same_region = (mentees.region[:, None] == mentors.region[None, :]) & (mentees.region[:, None] >= 0)
    same_zone = (mentees.timezone[:, None] == mentors.timezone[None, :]) & ~same_region
    parts = {
        "specialty_overlap": w.specialty * _share(mentees.specialties @ mentors.specialties.T, spec_n),
        "support_offered": w.support * _share(mentees.support @ mentors.support.T, support_n),
        "near_peer": np.where((gap >= 1) & (gap <= w.near_peer_max_gap), np.float32(w.stage), np.float32(0)),
        "further_along": np.where(gap > w.near_peer_max_gap, np.float32(w.stage / 2), np.float32(0)),
        "shared_identity": w.identity * _share(mentees.wished @ mentors.identity.T, wish_n),
        "shared_language": w.language * ((mentees.languages @ mentors.languages.T) > 0),
        "format_compatible": (w.logistics / 2) * compatible,
        "same_region": (w.logistics / 2) * (compatible & same_region),
        "same_time_zone": (w.logistics / 2) * (compatible & same_zone),
    }
    applicable = (w.stage + w.logistics + w.specialty * (spec_n > 0) + w.support * (support_n > 0)
                  + w.identity * (wish_n > 0) + w.language * (lang_n > 0))
    return parts, applicable.astype(np.float32)


def scores(mentees: Encoded, mentors: Encoded, w: Weights) -> np.ndarray:
    """[mentees, mentors] scores 0..100 (int16)."""
    parts, applicable = components(mentees, mentors, w)
    total = sum(parts.values())
    normalised = np.divide(100 * total, applicable, out=np.zeros_like(total), where=applicable > 0)
    return np.clip(np.floor(normalised + 0.5), 0, 100).astype(np.int16)


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
    vocabulary = Vocabulary([mentee, mentor])
    masks = pair_exclusions(encode([mentee], vocabulary), encode([mentor], vocabulary))
    pairwise = next((rule for rule in PAIR_RULES if masks[rule][0, 0]), None)
    if pairwise == "same_person":
        return pairwise
    if (mentee.person_id, mentor.person_id) in closed_before:
        return "declined_or_ended_before"
    return mentor_exclusion(mentor, program) or pairwise


def fit(mentee: Candidate, mentor: Candidate, weights: Weights = Weights()) -> Fit:
    return _fits(mentee, [mentor], weights)[0][1]


def pair_fits(pairs: list[tuple[Candidate, Candidate]], weights: Weights, chunk: int = 64) -> list[Fit]:
    """The fit of each (mentee, mentor) pair, for many pairs at once (a round's proposals)."""
    if not pairs:
        return []
    vocabulary = Vocabulary([p for pair in pairs for p in pair])
    found = []
    for start in range(0, len(pairs), chunk):
        part = pairs[start:start + chunk]
        e, r = encode([m for m, _ in part], vocabulary), encode([m for _, m in part], vocabulary)
        parts, _ = components(e, r, weights)
        diagonal = np.diagonal(scores(e, r, weights))
        found += [Fit(int(diagonal[k]), tuple(reason for reason, points in parts.items() if points[k, k] > 0))
                  for k in range(len(part))]
    return found


def _fits(mentee: Candidate, mentors: list[Candidate], weights: Weights) -> list[tuple[Candidate, Fit, bool]]:
    """Each mentor's fit for this mentee with its reasons, and whether the pairwise hard constraints allow it."""
    if not mentors:
        return []
    vocabulary = Vocabulary([mentee, *mentors])
    e, r = encode([mentee], vocabulary), encode(mentors, vocabulary)
    parts, _ = components(e, r, weights)
    score_row, allowed = scores(e, r, weights)[0], eligible(e, r)[0]
    return [
        (mentor, Fit(int(score_row[j]), tuple(reason for reason, points in parts.items() if points[0, j] > 0)),
         bool(allowed[j]))
        for j, mentor in enumerate(mentors)
    ]


def suitable_mentors(mentee: Candidate, mentors: list[Candidate], program: ProgramRules, weights: Weights,
                     closed_before: frozenset[tuple[UUID, UUID]] = frozenset()) -> list[tuple[Candidate, Fit]]:
    """Mentors no hard constraint rules out, at or above the program's threshold, best first.

    Ties go to the mentor with most room, so load spreads.
    """
    found = [
        (mentor, f) for mentor, f, allowed in _fits(mentee, mentors, weights)
        if allowed and f.score >= program.minimum_score and mentor_exclusion(mentor, program) is None
        and (mentee.person_id, mentor.person_id) not in closed_before
    ]
    return sorted(found, key=lambda mf: (-mf[1].score, mf[0].active_pairings - mf[0].capacity))


def best_mentor(mentee: Candidate, mentors: list[Candidate], program: ProgramRules, weights: Weights,
                closed_before: frozenset[tuple[UUID, UUID]] = frozenset()) -> tuple[Candidate, Fit] | None:
    found = suitable_mentors(mentee, mentors, program, weights, closed_before)
    return found[0] if found else None
