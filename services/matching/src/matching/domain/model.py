"""What matching knows of programs and people (built from profiles' events), and the mentorship lifecycle. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from mentorship_contracts.vocabulary import TrainingStage


class MatchingError(Exception):
    """A rule of matching was broken; `field` names what the caller sent that is at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(MatchingError):
    pass


class Conflict(MatchingError):
    """The request is valid but the state does not allow it (already paired, at capacity, not proposed...)."""


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
    cadence_max_days: int = 60
    format: str = "one_to_one"
    group_size: int | None = None

    def room_of(self, capacity: int) -> int:
        """How many mentees a mentor takes at once: a group program gives every mentor one group."""
        return self.group_size if self.format == "group" and self.group_size else capacity


@dataclass(frozen=True)
class IdentityWish:
    attribute: str
    required: bool


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
    region: str | None = None
    modalities: list[str] = field(default_factory=lambda: ["virtual"])
    # Only attributes the person consented to use in matching; never logged, never published.
    identity: dict[str, str] = field(default_factory=dict)
    identity_wishes: tuple[IdentityWish, ...] = ()
    waiting_since: datetime | None = None
    # What the enrollment seeks (a mentee) or offers (a mentor): only the same kind pairs.
    pairing_kind: str = "general"

    @property
    def has_room(self) -> bool:
        return self.active_pairings < self.capacity


# The lifecycle of a pairing. "requested" is a mentee's choice awaiting the mentor; "lapsed" a request
# left behind when another was accepted.
LIVE = ("proposed", "active")
CLOSED_BEFORE = ("declined", "ended")  # such a pair is never proposed again


@dataclass
class Pairing:
    id: UUID
    program_id: UUID
    chapter_id: UUID | None
    mentee_id: UUID
    mentor_id: UUID
    status: str
    score: int
    reasons: list[str]
    mentee_accepted: bool = False
    mentor_accepted: bool = False
    term_ends_at: datetime | None = None
    last_met_at: datetime | None = None
    mentee_enrollment_id: UUID | None = None
    mentor_enrollment_id: UUID | None = None
    # What the mentorship is for: the kind its mentee enrollment seeks (and its mentor's offers).
    pairing_kind: str = "general"

    def side_of(self, person_id: UUID) -> str | None:
        return "mentee" if person_id == self.mentee_id else "mentor" if person_id == self.mentor_id else None

    def accept(self, side: str, program: ProgramRules) -> bool:
        """Record one side's acceptance (or the program's, side "program"); True when the pairing became active."""
        if self.status not in ("proposed", "requested"):
            raise Conflict(f"a {self.status} pairing cannot be accepted", "pairing_id")
        if side == "mentee" and self.status == "requested":
            raise Conflict("the mentor answers a mentee's request", "pairing_id")
        if side in ("mentee", "program"):
            self.mentee_accepted = True
        if side in ("mentor", "program"):
            self.mentor_accepted = True
        # A request is the mentee's acceptance already; otherwise a program that does not ask both sides
        # is satisfied by either.
        confirmed = (self.mentee_accepted and self.mentor_accepted) or (
            not program.both_must_accept and self.status == "proposed"
        )
        if confirmed:
            self.status = "active"
        return confirmed

    def decline(self) -> None:
        if self.status not in ("proposed", "requested"):
            raise Conflict(f"a {self.status} pairing cannot be declined", "pairing_id")
        self.status = "declined"

    def end(self) -> None:
        if self.status != "active":
            raise Conflict(f"a {self.status} pairing cannot be ended", "pairing_id")
        self.status = "ended"

    def renew(self, new_term_end: datetime) -> None:
        if self.status != "active":
            raise Conflict(f"a {self.status} pairing cannot be renewed", "pairing_id")
        self.term_ends_at = new_term_end

    def complete(self) -> None:
        if self.status != "active":
            raise Conflict(f"a {self.status} pairing cannot be completed", "pairing_id")
        self.status = "completed"

    def log_meeting(self, met_on: date, today: date) -> None:
        if self.status != "active":
            raise Conflict(f"meetings are logged on an active pairing, not a {self.status} one", "pairing_id")
        if met_on > today:
            raise MatchingError("a meeting is logged after it happened", "met_on")

    def may_give_feedback(self) -> None:
        if self.status not in ("active", "completed", "ended"):
            raise Conflict("feedback is given on a mentorship that happened", "pairing_id")
