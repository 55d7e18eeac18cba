"""How well a mentor fits a mentee, from 0 to 100, with the reasons; and what rules a pair out. Pure.

This is the definition: `fit(mentee, mentor)` scores one pair component by component in exact arithmetic and says
why; `scorer` computes the same for many pairs at once.

A component the mentee expressed nothing about (no specialty, no support wanted, no identity wish, no
language) drops out of the denominator instead of counting against every mentor: 100 stays reachable.

Identity attributes, and who may learn anything of them. Each attribute is consented separately for *use in
matching* (it may influence who is proposed to whom) and for *showing to a partner* (the matched partner may see
it). Nothing another person can read may depend on an attribute its owner did not consent to show to that reader,
so:

- The score and the reasons anyone reads (`Fit.score`, `Fit.reasons`: stored on a pairing, published on
  `matching.pairings`, answered to the pair and to coordinators, in a mentee's suggestions, a round's total) are
  the *visible fit*: everything but identity. `shared_identity` is never a reason.
- Identity counts only in the *ranking* (`Fit.ranking`): the visible fit plus the share of the mentee's wished
  attributes the mentor has and shows a partner, which orders the mentors whom automatic pairing (as people
  register) and rounds propose. No one reads it. It never lets a mentor qualify: a program's minimum score applies
  to the visible fit, so a proposed pair's visible score never gives away that identity helped.
- A mentor's attribute counts for a mentee's wish only where the mentor consented to show it to a partner: whom
  a mentee is proposed is something they read. Two mentees alike but for a wish, proposed different mentors, would
  otherwise learn that the one chosen over a better visible fit has the attribute, though they did not show it.
  A mentee's own attribute counts where they consented to use it in matching: it is their wish.
- A requirement ("a mentor who shares X") is met only by a mentor who consented to show X to a partner and has
  the mentee's value: the pairing made to satisfy it tells the mentee the mentor has X. A mentor who consented
  only to use X in matching never meets it, whatever their value.
- A mentee's suggestions are ranked with each mentor's identity cut down to what the mentor consented to show a
  partner (`Candidate.as_shown`): the mentees who may choose a mentor are the mentor's prospective partners, and
  a requirement already tells them who shows what. An attribute used in matching only plays no part in the
  suggestions: a mentee who changes their declared value and reads them again learns nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from uuid import UUID

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

    def weighs_anything(self) -> bool:
        """Whether some component counts at all (else every pair would score 0)."""
        return any(v for k, v in self.as_dict().items() if k != "near_peer_max_gap")


@dataclass(frozen=True)
class Fit:
    """The visible fit (`score`, `reasons`: what anyone reads), and the ranking that orders whom automatic pairing
    and rounds propose (identity wished for counted in; never stored, published or answered)."""

    score: int
    reasons: tuple[str, ...]
    ranking: int


# Pairwise hard constraints, in the order a coordinator is told about them.
PAIR_RULES = ("same_person", "different_kind", "mentor_not_ahead", "stage_not_welcome", "no_shared_language",
              "identity_requirement_unmet")

# The columns of the vocabularies scores are shares of, and the stages: the vectorised scorer indexes by them.
SPECIALTY_COLUMNS = {s.value: i for i, s in enumerate(Specialty)}
SUPPORT_COLUMNS = {s.value: i for i, s in enumerate(SupportArea)}
STAGES = list(TrainingStage)
STAGE_COLUMN = {s: i for i, s in enumerate(STAGES)}
RANKS = max(STAGE_RANK.values()) + 1
_MODALITY_BITS = {"in_person": 1, "virtual": 2}
_NOTHING: frozenset = frozenset()


# --- what a person brings, as sets ------------------------------------------------------------------------------
# Comprehensions over lists, not generators: a round computes these for tens of thousands of pairs.
def _specialties(p: Candidate) -> frozenset[str]:
    return frozenset([str(v) for v in p.specialties if v in SPECIALTY_COLUMNS])


def _support(p: Candidate) -> frozenset[str]:
    return frozenset([str(v) for v in p.support_areas if v in SUPPORT_COLUMNS])


def modality_bits(p: Candidate) -> int:
    bits = 0
    for m in p.modalities:
        bits |= _MODALITY_BITS.get(m, 0)
    return bits


def _shown_identity(p: Candidate) -> frozenset[tuple[str, str]]:
    """What the person consented both to use in matching and to show a partner: what a wish may meet."""
    return frozenset((a, v) for a, v in p.identity.items() if a in p.shown)


def wished(p: Candidate, required_only: bool = False) -> frozenset[tuple[str, str]]:
    """The mentee's own attribute=value pairs they would like a mentor to share (or require them to)."""
    if not p.identity_wishes:
        return _NOTHING
    return frozenset((w.attribute, p.identity[w.attribute]) for w in p.identity_wishes
                     if w.attribute in p.identity and (w.required or not required_only))


def unmet_requirement(p: Candidate) -> bool:
    """The mentee requires an attribute they have not (or no longer) consented to use: no one can meet it."""
    return any(w.required and w.attribute not in p.identity for w in p.identity_wishes)


def requirement_unmet(mentee: Candidate, mentor: Candidate) -> bool:
    """The mentee requires an attribute this mentor does not share and show a partner (or one no one can meet)."""
    return unmet_requirement(mentee) or not wished(mentee, required_only=True) <= _shown_identity(mentor)


def _welcomes(mentor: Candidate, stage: TrainingStage) -> bool:
    return not mentor.mentee_stages_welcome or stage in mentor.mentee_stages_welcome


# --- one pair, explained: the definition ------------------------------------------------------------------------
@dataclass(frozen=True)
class Wants:
    """What a mentee asked for, once: the sets their points are shares of, and what their score is out of."""

    specialties: frozenset[str]
    support: frozenset[str]
    wished: frozenset[tuple[str, str]]
    speaks: frozenset[str]
    modalities: int
    denominator: int  # clears every share's denominator, and the halves
    out_of: int

    @classmethod
    def of(cls, mentee: Candidate, w: Weights, identity: bool = True) -> Wants:
        """What the mentee asked for; without their identity wishes for the visible fit."""
        specialties, support = _specialties(mentee), _support(mentee)
        wishes = wished(mentee) if identity else _NOTHING
        speaks = frozenset(mentee.languages)
        out_of = (w.stage + w.logistics + w.specialty * bool(specialties) + w.support * bool(support)
                  + w.identity * bool(wishes) + w.language * bool(speaks))
        denominator = 2 * max(len(specialties), 1) * max(len(support), 1) * max(len(wishes), 1)
        return cls(specialties, support, wishes, speaks, modality_bits(mentee), denominator, out_of)


def _share(weight: int, d: int, wanted: frozenset, offered: frozenset) -> int:
    return weight * d * len(wanted & offered) // len(wanted) if wanted else 0


def _scaled_points(mentee: Candidate, wants: Wants, mentor: Candidate, w: Weights) -> dict[str, int]:
    """The points each visible component gives the pair, times `wants.denominator` (integers: exact)."""
    d = wants.denominator
    gap = mentor.stage.rank - mentee.stage.rank
    compatible = bool(wants.modalities & modality_bits(mentor))
    same_region = bool(mentee.region) and mentee.region == mentor.region
    same_zone = mentee.timezone == mentor.timezone and not same_region
    half_logistics = w.logistics * d // 2
    return {
        "specialty_overlap": _share(w.specialty, d, wants.specialties, _specialties(mentor)),
        "support_offered": _share(w.support, d, wants.support, _support(mentor)),
        "near_peer": w.stage * d if 1 <= gap <= w.near_peer_max_gap else 0,
        "further_along": w.stage * d // 2 if gap > w.near_peer_max_gap else 0,
        "shared_language": w.language * d if wants.speaks & set(mentor.languages) else 0,
        "format_compatible": half_logistics if compatible else 0,
        "same_region": half_logistics if compatible and same_region else 0,
        "same_time_zone": half_logistics if compatible and same_zone else 0,
    }


def _identity_points(wants: Wants, mentor: Candidate, w: Weights) -> int:
    """The share of the wished attributes the mentor has and shows a partner."""
    return _share(w.identity, wants.denominator, wants.wished, _shown_identity(mentor))


def _rounded(scaled_total: int, denominator: int, out_of: int) -> int:
    """100 · total / out_of, rounded half up, within 0..100 (0 when nothing applies); total = scaled / denominator."""
    if out_of <= 0:
        return 0
    return min(100, max(0, (200 * scaled_total + denominator * out_of) // (2 * denominator * out_of)))


def fit(mentee: Candidate, mentor: Candidate, weights: Weights = Weights()) -> Fit:
    visible = Wants.of(mentee, weights, identity=False)
    parts = _scaled_points(mentee, visible, mentor, weights)
    score = _rounded(sum(parts.values()), visible.denominator, visible.out_of)
    if not (weights.identity and mentee.identity_wishes and wished(mentee)):  # none wished for, or weighed
        ranking = score
    else:
        ranked = Wants.of(mentee, weights)
        points = sum(_scaled_points(mentee, ranked, mentor, weights).values()) + _identity_points(ranked, mentor,
                                                                                                  weights)
        ranking = _rounded(points, ranked.denominator, ranked.out_of)
    return Fit(score, tuple([reason for reason, value in parts.items() if value > 0]), ranking)


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
    if mentee.languages and mentor.languages and not set(mentee.languages) & set(mentor.languages):
        # Both listed the languages they can meet in, and none is in both lists (one who listed none rules nobody out).
        return "no_shared_language"
    if requirement_unmet(mentee, mentor):
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


def places_free(mentors: Iterable[Candidate], program: ProgramRules) -> tuple[int, int]:
    """How many more mentees these mentors may take now, as a round counts it, and how many of them have at least
    one place: each mentor no rule of their own rules out (approved, of one of the program's mentor stages, with
    room), their capacity as the program counts it (`room_of`) less their live pairings. Before the program's cap on
    pairs, which a round keeps too."""
    room = [mentor.capacity - mentor.active_pairings for mentor in mentors if mentor_exclusion(mentor, program) is None]
    return sum(room), len(room)


def exclusion(mentee: Candidate, mentor: Candidate, program: ProgramRules,
              closed_before: frozenset[tuple[UUID, UUID]] = frozenset(),
              ended_by_coordinator: frozenset[tuple[UUID, UUID]] = frozenset()) -> str | None:
    """The hard constraint that rules this pair out, or None. `closed_before`: the (mentee, mentor) pairs that
    declined or ended before. `ended_by_coordinator` (given when a coordinator pairs by hand): those of them that
    only ever closed as a mentorship a coordinator ended, told apart since a reason may set that aside. It is checked
    after every other rule but what the mentee requires: setting it aside sets aside no rule that may not be, and it
    is refused alike whether or not the mentor meets the requirement."""
    pairwise = pair_exclusion(mentee, mentor)
    if pairwise == "same_person":
        return pairwise
    pair = (mentee.person_id, mentor.person_id)
    if pair in closed_before and pair not in ended_by_coordinator:
        return "declined_or_ended_before"
    ruled_out = mentor_exclusion(mentor, program) or pairwise
    if pair in ended_by_coordinator and ruled_out in (None, "identity_requirement_unmet"):
        return "ended_by_coordinator_before"
    return ruled_out

