"""Pairing as people register: who among the waiting gets which mentor. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

import numpy as np

from .model import Candidate, ProgramRules
from .scorer import Ranking, Scorer
from .scoring import Fit, Weights, exclusion, fit, mentor_exclusion


@dataclass(frozen=True)
class Proposal:
    mentee: Candidate
    mentor: Candidate
    fit: Fit


@dataclass(frozen=True)
class Roster:
    """A program's mentors who may take mentees at all (approved, of a mentor stage), as scoring columns.

    It does not change when mentees are paired, only when mentors or the program's rules or weights do, so an
    instance may keep it between registrations; the room each mentor has left is given at each use.
    """

    mentors: list[Candidate]
    scorer: Scorer
    capacity: np.ndarray
    column: dict[UUID, int]  # enrollment id → index

    @classmethod
    def of(cls, program: ProgramRules, mentors: list[Candidate], weights: Weights) -> Roster:
        eligible = [m for m in mentors if mentor_exclusion(m, program) in (None, "mentor_at_capacity")]
        return cls(eligible, Scorer(eligible, weights), np.array([m.capacity for m in eligible], dtype=np.int64),
                   {m.enrollment_id: j for j, m in enumerate(eligible)})

    def room(self, live: Mapping[UUID, int]) -> np.ndarray:
        """Mentees each mentor may still take, given the live pairings per mentor enrollment now."""
        at = np.fromiter((self.column.get(e, -1) for e in live), dtype=np.int64, count=len(live))
        taken = np.fromiter(live.values(), dtype=np.int64, count=len(live))
        room = self.capacity.copy()
        room[at[at >= 0]] -= taken[at >= 0]
        return room


def pair_from_roster(program: ProgramRules, waiting: list[Candidate], roster: Roster, room: np.ndarray,
                     live_pairs: int, closed_before: frozenset[tuple[UUID, UUID]] = frozenset()) -> list[Proposal]:
    """Offer room to waiting mentees fairly: longest waiting first, each to their best mentor with room
    (`room[j]` left to `roster.mentors[j]`). Stops at the program's cap."""
    proposals: list[Proposal] = []
    room = room.copy()
    in_order = sorted(waiting, key=lambda c: (c.waiting_since, str(c.enrollment_id)))
    ranking = Ranking(roster.scorer, in_order, program.minimum_score)
    for i, mentee in enumerate(in_order):
        if len(room) == 0 or room.max() <= 0:
            break
        if program.pair_cap is not None and live_pairs >= program.pair_cap:
            break
        ranked = ranking.ranked(i, room, closed_before, limit=1)
        if not ranked:
            continue
        j = ranked[0][0]
        mentor = roster.mentors[j]
        proposals.append(Proposal(mentee, mentor, fit(mentee, mentor, roster.scorer.weights)))
        live_pairs += 1
        room[j] -= 1
    return proposals


# The rules a coordinator may set aside by naming a reason (a manual pairing): capacity, stage, threshold and language
# (two languages are offered to list: they may know a pair shares another), and a mentorship of the two that a
# coordinator ended (neither of them said no to the other). (What the mentee requires of a mentor is not checked by
# hand at all: the mentee judges the pair.)
OVERRIDABLE = frozenset({"mentor_at_capacity", "program_cap_reached", "mentor_not_eligible", "mentor_not_ahead",
                         "stage_not_welcome", "mentee_not_eligible", "below_minimum_score", "no_shared_language",
                         "ended_by_coordinator_before"})


def _never_set_aside(mentee: Candidate, mentor: Candidate, closed_before: frozenset[tuple[UUID, UUID]],
                     ended_by_coordinator: frozenset[tuple[UUID, UUID]]) -> str | None:
    """The first rule that no reason sets aside (not in OVERRIDABLE) this pair breaks: a pair refused by the first rule
    it breaks, set aside with a reason, was made though it broke another that may not be (two people who declined
    each other, a mentor not approved)."""
    pair = (mentee.person_id, mentor.person_id)
    if mentee.person_id == mentor.person_id:
        return "same_person"
    if mentor.pairing_kind != mentee.pairing_kind:
        return "different_kind"
    if pair in closed_before and pair not in ended_by_coordinator:
        return "declined_or_ended_before"
    if not mentor.approved:
        return "mentor_not_approved"
    return None


def refusal(mentee: Candidate, mentor: Candidate, program: ProgramRules, weights: Weights,
            closed_before: frozenset[tuple[UUID, UUID]] = frozenset(), live_pairs: int | None = None,
            explained: Fit | None = None, mentee_judges: bool = False,
            ended_by_coordinator: frozenset[tuple[UUID, UUID]] = frozenset()) -> str | None:
    """Why the engine would not propose this mentee to this mentor, or None: the very rules a round and pairing on
    registration apply (the hard constraints of `scoring.exclusion`, then the program's threshold on the visible
    fit as `scorer` ranks it), plus the program's cap on pairs when the live count is given. `explained`: the pair's
    `fit`, when the caller has it already. `mentee_judges`: what the mentee requires of a mentor is left to them (a
    pair made by hand, which they alone confirm): it is the only rule that `exclusion` checks after every other.
    `ended_by_coordinator`: the pairs of `closed_before` that a coordinator pairing by hand is told of as such.
    A rule no reason sets aside is said before any that one may (`_never_set_aside`)."""
    if never := _never_set_aside(mentee, mentor, closed_before, ended_by_coordinator):
        return never
    if mentee.stage not in program.mentee_stages:
        return "mentee_not_eligible"
    ruled_out = exclusion(mentee, mentor, program, closed_before, ended_by_coordinator)
    if ruled_out == "identity_requirement_unmet" and mentee_judges:
        ruled_out = None
    if ruled_out is not None:
        return ruled_out
    # The visible fit `scorer` ranks by is `fit`'s, exactly (tests/unit/test_scoring.py): one pair needs no scorer.
    if (explained or fit(mentee, mentor, weights)).score < program.minimum_score:
        return "below_minimum_score"
    if live_pairs is not None and program.pair_cap is not None and live_pairs >= program.pair_cap:
        return "program_cap_reached"
    return None
