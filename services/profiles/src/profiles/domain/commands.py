"""What callers ask profiles to do, and the questions they ask of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from mentorship_contracts.profiles import ApprovalState, Modality, PairingMode, PreferredLanguage, ProgramFormat
from mentorship_contracts.vocabulary import PairingKind, Role, Specialty, SupportArea, TrainingStage

from .model import IdentityAttribute, IdentityRequest, PronounsVisibility, Purpose


@dataclass(frozen=True)
class DefineChapter:
    name: str
    timezone: str = "UTC"
    contact_email: str | None = None


@dataclass(frozen=True)
class ChangeChapter:
    chapter_id: UUID
    changes: dict[str, Any]


@dataclass(frozen=True)
class DefineProgram:
    name: str
    chapter_id: UUID | None
    mentee_stages: list[TrainingStage]
    mentor_stages: list[TrainingStage]
    term_months: int = 12
    cadence_min_days: int = 30
    cadence_max_days: int = 60
    format: ProgramFormat = "one_to_one"
    group_size: int | None = None
    pairing_mode: PairingMode = "on_registration"
    both_must_accept: bool = False
    pair_cap: int | None = None
    mentor_approval_required: bool = False
    minimum_score: int = 0
    pairing_kinds: list[PairingKind] = field(default_factory=lambda: [PairingKind.GENERAL])
    answer_within_days: int | None = None
    members_public: bool = False


@dataclass(frozen=True)
class ChangeProgram:
    program_id: UUID
    changes: dict[str, Any]


@dataclass(frozen=True)
class RegisterPerson:
    display_name: str
    email: str
    stage: TrainingStage
    chapter_id: UUID | None = None
    pronouns: str | None = None
    pronouns_visibility: PronounsVisibility = PronounsVisibility.PARTNERS
    timezone: str | None = None  # None: the chapter's time zone
    is_alumni: bool = False
    specialties: list[Specialty] = field(default_factory=list)
    support_areas: list[SupportArea] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    modalities: list[Modality] = field(default_factory=lambda: ["virtual"])
    region: str | None = None
    bio: str | None = None
    preferred_language: PreferredLanguage | None = None


@dataclass(frozen=True)
class UpdatePerson:
    """Change the person's profile, by the person `changed_by` (the caller; None for a service), who may be an
    administrator (or a service)."""

    person_id: UUID
    changes: dict[str, Any]
    changed_by: UUID | None
    by_administrator: bool = False


@dataclass(frozen=True)
class RequestEmailChange:
    """Change the person's address to `email` once confirmed from it; `at`: when asked, by the person
    `requested_by` (the caller)."""

    person_id: UUID
    email: str
    at: datetime
    requested_by: UUID | None


@dataclass(frozen=True)
class ConfirmEmailChange:
    """Confirm a change with the token sent to the new address, by the person `confirmed_by` (the caller)."""

    token: str
    confirmed_by: UUID | None
    at: datetime


@dataclass(frozen=True)
class ErasePerson:
    person_id: UUID


@dataclass(frozen=True)
class DeclareIdentity:
    person_id: UUID
    attributes: dict[str, IdentityAttribute]
    requests: list[IdentityRequest]


@dataclass(frozen=True)
class WithdrawConsent:
    person_id: UUID
    attribute: str
    purpose: Purpose


@dataclass(frozen=True)
class Enroll:
    person_id: UUID
    program_id: UUID
    role: Role
    capacity: int = 1
    mentee_stages_welcome: list[TrainingStage] = field(default_factory=list)
    goals: str | None = None
    preferred_mentor_stages: list[TrainingStage] = field(default_factory=list)
    pairing_kind: PairingKind | None = None  # None: the program's only kind


@dataclass(frozen=True)
class ChangeEnrollment:
    """Change the terms of an enrollment; `at`: when asked (what an end of its person's pause must come after)."""

    enrollment_id: UUID
    changes: dict[str, Any]
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class WithdrawEnrollment:
    enrollment_id: UUID


@dataclass(frozen=True)
class ConsoleSearch:
    """A coordinator's or administrator's list of people: every filter given applies; `chapter_ids` None means
    every chapter (an administrator)."""

    chapter_ids: list[UUID] | None
    stages: list[TrainingStage] = field(default_factory=list)
    role: Role | None = None
    program_id: UUID | None = None
    approval: ApprovalState | None = None
    suspended: bool | None = None
    text: str | None = None  # matches a display name or an email, whatever the case
    specialty: Specialty | None = None
    is_alumni: bool | None = None
    under_review: bool | None = None  # an enrollment (of the role and program, if given) under review, or none
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class VettingQueue:
    chapter_ids: list[UUID] | None
    program_id: UUID | None = None
    role: Role | None = Role.MENTOR
    approval: ApprovalState | None = "pending"
    under_review: bool | None = None
    limit: int = 20
    offset: int = 0
