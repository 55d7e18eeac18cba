"""Pairing as people register: who among the waiting gets which mentor. Pure."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from .model import Candidate, ProgramRules
from .scoring import Fit, Weights, best_mentor


@dataclass(frozen=True)
class Proposal:
    mentee: Candidate
    mentor: Candidate
    fit: Fit


def pair_waiting(program: ProgramRules, waiting: list[Candidate], mentors: list[Candidate], live_pairs: int,
                 weights: Weights = Weights(), closed_before: frozenset[tuple[UUID, UUID]] = frozenset()) -> list[Proposal]:
    """Offer room to waiting mentees fairly: longest waiting first, each to their best mentor with room.

    Stops at the program's cap.
    """
    proposals = []
    mentors = list(mentors)
    for mentee in sorted(waiting, key=lambda c: (c.waiting_since, str(c.enrollment_id))):
        if program.pair_cap is not None and live_pairs >= program.pair_cap:
            break
        choice = best_mentor(mentee, mentors, program, weights, closed_before)
        if choice is None:
            continue
        mentor, fit = choice
        proposals.append(Proposal(mentee, mentor, fit))
        live_pairs += 1
        mentors = [replace(m, active_pairings=m.active_pairings + 1) if m is mentor else m for m in mentors]
    return proposals


def term_end(start: datetime, months: int) -> datetime:
    """The same day `months` later (the last day of that month when it is shorter)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return start.replace(year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1]))
