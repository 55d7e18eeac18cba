"""How well a mentor fits a mentee, from 0 to 100, with the reasons; and what rules a pair out. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Candidate, ProgramRules


@dataclass(frozen=True)
class Weights:
    specialty: int = 35
    support: int = 30
    stage: int = 20
    language: int = 5
    logistics: int = 10


@dataclass(frozen=True)
class Fit:
    score: int
    reasons: tuple[str, ...]


def exclusion(mentee: Candidate, mentor: Candidate, program: ProgramRules) -> str | None:
    """The hard constraint that rules this pair out, or None."""
    if mentee.person_id == mentor.person_id:
        return "same_person"
    if mentor.stage.rank <= mentee.stage.rank:
        return "mentor_not_ahead"
    if not mentor.approved:
        return "mentor_not_approved"
    if mentor.stage not in program.mentor_stages:
        return "mentor_not_eligible"
    if mentor.mentee_stages_welcome and mentee.stage not in mentor.mentee_stages_welcome:
        return "stage_not_welcome"
    if not mentor.has_room:
        return "mentor_at_capacity"
    return None


def fit(mentee: Candidate, mentor: Candidate, weights: Weights = Weights()) -> Fit:
    reasons: list[str] = []
    points = 0.0
    shared_specialties = set(mentee.specialties) & set(mentor.specialties)
    if mentee.specialties and shared_specialties:
        points += weights.specialty * len(shared_specialties) / len(set(mentee.specialties))
        reasons.append("specialty_overlap")
    wanted = set(mentee.support_areas)
    if wanted:
        covered = wanted & set(mentor.support_areas)
        if covered:
            points += weights.support * len(covered) / len(wanted)
            reasons.append("support_offered")
    gap = mentor.stage.rank - mentee.stage.rank
    if gap in (1, 2):
        points += weights.stage
        reasons.append("near_peer")
    elif gap > 2:
        points += weights.stage / 2
        reasons.append("further_along")
    if not mentee.languages or set(mentee.languages) & set(mentor.languages):
        points += weights.language
        if mentee.languages:
            reasons.append("shared_language")
    if set(mentee.modalities) & set(mentor.modalities):
        points += weights.logistics / 2
        if mentee.timezone == mentor.timezone:
            points += weights.logistics / 2
            reasons.append("same_time_zone")
    return Fit(round(points), tuple(reasons))


def best_mentor(mentee: Candidate, mentors: list[Candidate], program: ProgramRules) -> tuple[Candidate, Fit] | None:
    """The highest-scoring eligible mentor at or above the program's threshold; ties go to the mentor with most room."""
    ranked = [
        (fit(mentee, mentor), mentor)
        for mentor in mentors
        if exclusion(mentee, mentor, program) is None
    ]
    ranked = [(f, m) for f, m in ranked if f.score >= program.minimum_score]
    if not ranked:
        return None
    chosen_fit, chosen = max(ranked, key=lambda fm: (fm[0].score, fm[1].capacity - fm[1].active_pairings))
    return chosen, chosen_fit
