"""What callers ask matching to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal
from uuid import UUID

from mentorship_contracts.vocabulary import PairingKind

# Fixed lists, so that reasons can travel on public topics: never free text.
# request_withdrawn: a mentee taking back their request of a mentor; no_reason_given: declined without choosing one.
DeclineReason = Literal["not_a_good_fit", "schedule_conflict", "no_longer_available", "prefer_another_mentor", "other",
                        "request_withdrawn", "no_reason_given"]
# A coordinator's, withdrawing a proposal waiting for answers ("reassigned" is said when another mentor is proposed).
WithdrawReason = Literal["not_a_good_fit", "schedule_conflict", "no_longer_available", "other"]
EndReason = Literal["not_a_good_fit", "schedule_conflict", "no_longer_available", "goals_met", "relocated", "conduct",
                    "not_responding", "other"]  # not_responding: the other side stopped answering
RoundMethod = Literal["optimal", "stable"]


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
    reason_code: DeclineReason


@dataclass(frozen=True)
class EndPairing:
    pairing_id: UUID
    reason_code: EndReason
    # The side ending it pauses in the program as it does (profiles, told by them, says so later): proposed nobody new,
    # nor offered the place it frees, from this very step.
    pause: bool = False


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
class CorrectMeeting:
    pairing_id: UUID
    meeting_id: int
    met_on: date
    minutes: int
    topics: list[str]


@dataclass(frozen=True)
class DeleteMeeting:
    pairing_id: UUID
    meeting_id: int


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
    pairing_kind: PairingKind | None = None  # needed where the mentee is enrolled for several kinds
    note: str | None = None  # to the mentor, in the mentee's words: for the two of them alone


@dataclass(frozen=True)
class RunRound:
    program_id: UUID
    method: RoundMethod
    most_pairs_first: bool


@dataclass(frozen=True)
class AddPairToDraft:
    """A coordinator pairs a mentee a draft round leaves unpaired with a mentor, in the draft: proposed only once
    it is published."""

    round_id: UUID
    mentee_id: UUID
    mentor_id: UUID


@dataclass(frozen=True)
class PairByHand:
    """A coordinator pairs a mentee with a mentor; with a reason, the rules that may be set aside are."""

    program_id: UUID
    mentee_id: UUID
    mentor_id: UUID
    override_reason: str | None = None


@dataclass(frozen=True)
class Reassign:
    pairing_id: UUID
    mentor_id: UUID
    reason: str
    expected_status: Literal["active", "proposed"] | None = None  # as the coordinator saw it: refused if it moved on


@dataclass(frozen=True)
class EndForProgram:
    pairing_id: UUID
    reason_code: EndReason
    reason: str | None = None


@dataclass(frozen=True)
class WithdrawForProgram:
    pairing_id: UUID
    reason_code: WithdrawReason
    reason: str | None = None
