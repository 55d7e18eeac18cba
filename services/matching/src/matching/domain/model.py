"""Candidates for pairing as matching sees them (built from profiles' events), and pairings. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from mentorship_contracts.vocabulary import TrainingStage


@dataclass(frozen=True)
class ProgramRules:
    id: UUID
    chapter_id: UUID | None
    pairing_mode: str
    both_must_accept: bool
    pair_cap: int | None
    minimum_score: int
    term_months: int
    mentee_stages: list[TrainingStage]
    mentor_stages: list[TrainingStage]


@dataclass(frozen=True)
class Candidate:
    """One enrollment of a person in a program, with what matching knows of the person."""

    enrollment_id: UUID
    person_id: UUID
    stage: TrainingStage
    capacity: int = 1
    active_pairings: int = 0
    approved: bool = True
    mentee_stages_welcome: list[TrainingStage] = field(default_factory=list)
    specialties: list[str] = field(default_factory=list)
    support_areas: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    timezone: str = "UTC"
    modalities: list[str] = field(default_factory=lambda: ["virtual"])
    waiting_since: datetime | None = None

    @property
    def has_room(self) -> bool:
        return self.active_pairings < self.capacity
