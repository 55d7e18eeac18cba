"""Programs, people and enrollments. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID, uuid4

from mentorship_contracts.vocabulary import Role, Specialty, SupportArea, TrainingStage


class ProfilesError(Exception):
    """A rule of the domain said no; `field` names the input at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(ProfilesError):
    pass


class StageNotEligible(ProfilesError):
    pass


class AlreadyEnrolled(ProfilesError):
    pass


class AlreadyRegistered(ProfilesError):
    pass


@dataclass
class Program:
    id: UUID
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

    def eligible_stages(self, role: Role) -> list[TrainingStage]:
        return self.mentee_stages if role is Role.MENTEE else self.mentor_stages


@dataclass
class Person:
    id: UUID
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

    @classmethod
    def register(cls, **attributes) -> Person:
        return cls(id=uuid4(), **attributes)

    def enroll(self, program: Program, role: Role, capacity: int, existing: list[Enrollment],
               mentee_stages_welcome: list[TrainingStage]) -> Enrollment:
        if self.stage not in program.eligible_stages(role):
            raise StageNotEligible(
                f"a {self.stage.value} may not join {program.name!r} as {role.value}", field="stage"
            )
        if any(e.program_id == program.id and e.role is role and e.active for e in existing):
            raise AlreadyEnrolled(f"already enrolled in this program as {role.value}", field="program_id")
        approval = "pending" if role is Role.MENTOR and program.mentor_approval_required else "approved"
        enrollment = Enrollment(uuid4(), self.id, program.id, program.chapter_id, role,
                                capacity if role is Role.MENTOR else 1, mentee_stages_welcome, approval)
        return enrollment


@dataclass
class Enrollment:
    id: UUID
    person_id: UUID
    program_id: UUID
    chapter_id: UUID | None
    role: Role
    capacity: int
    mentee_stages_welcome: list[TrainingStage]
    approval: str = "approved"
    active: bool = True
