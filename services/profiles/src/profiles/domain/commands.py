"""What callers ask profiles to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from mentorship_contracts.vocabulary import Role, Specialty, SupportArea, TrainingStage


@dataclass(frozen=True)
class DefineProgram:
    name: str
    chapter_id: UUID | None
    mentee_stages: list[TrainingStage]
    mentor_stages: list[TrainingStage]
    term_months: int = 12
    cadence_min_days: int = 30
    cadence_max_days: int = 60
    format: str = "one_to_one"
    group_size: int | None = None
    pairing_mode: str = "on_registration"
    both_must_accept: bool = False
    pair_cap: int | None = None
    mentor_approval_required: bool = False
    minimum_score: int = 0


@dataclass(frozen=True)
class RegisterPerson:
    display_name: str
    email: str
    stage: TrainingStage
    chapter_id: UUID | None = None
    pronouns: str | None = None
    timezone: str = "UTC"
    is_alumni: bool = False
    specialties: list[Specialty] = field(default_factory=list)
    support_areas: list[SupportArea] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    modalities: list[str] = field(default_factory=lambda: ["virtual"])
    region: str | None = None
    bio: str | None = None


@dataclass(frozen=True)
class Enroll:
    person_id: UUID
    program_id: UUID
    role: Role
    capacity: int = 1
    mentee_stages_welcome: list[TrainingStage] = field(default_factory=list)
