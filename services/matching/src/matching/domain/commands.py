"""What callers ask matching to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID


@dataclass(frozen=True)
class Actor:
    """Who acts on a pairing: one of its two people, or the program (a coordinator or administrator)."""

    person_id: UUID | None
    for_program: bool = False


@dataclass(frozen=True)
class AcceptPairing:
    pairing_id: UUID


@dataclass(frozen=True)
class DeclinePairing:
    pairing_id: UUID
    reason_code: str


@dataclass(frozen=True)
class EndPairing:
    pairing_id: UUID
    reason_code: str


@dataclass(frozen=True)
class RenewPairing:
    pairing_id: UUID


@dataclass(frozen=True)
class CompletePairing:
    pairing_id: UUID


@dataclass(frozen=True)
class LogMeeting:
    pairing_id: UUID
    met_on: date
    minutes: int
    topics: list[str]


@dataclass(frozen=True)
class GiveFeedback:
    pairing_id: UUID
    rating: int
    comment: str


@dataclass(frozen=True)
class RequestMentor:
    program_id: UUID
    mentee_id: UUID
    mentor_id: UUID
    pairing_kind: str | None = None  # needed where the mentee is enrolled for several kinds


@dataclass(frozen=True)
class RunRound:
    program_id: UUID
    method: str  # "optimal" or "stable"
    most_pairs_first: bool
