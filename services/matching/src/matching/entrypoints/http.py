"""REST API of matching under /v1: parse, authorise, call a handler, answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from mentorship_contracts.vocabulary import PairingKind
from plumbing.auth import Principal, current_principal, forbidden
from plumbing.http import ApiError
from pydantic import BaseModel, ConfigDict, Field

from ..domain import commands
from ..domain.model import Conflict, MatchingError, NotFound, Pairing, ProgramRules
from ..domain.scoring import Weights
from ..service_layer import handlers
from ..service_layer.unit_of_work import MatchingUnitOfWork

router = APIRouter(prefix="/v1")
Caller = Annotated[Principal, Depends(current_principal)]


def uow(request: Request) -> MatchingUnitOfWork:
    return MatchingUnitOfWork(request.app.state.service.pool)


UnitOfWork = Annotated[MatchingUnitOfWork, Depends(uow)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Fixed lists, so that reasons can travel on public topics: never free text.
DeclineReason = Literal["not_a_good_fit", "schedule_conflict", "no_longer_available", "prefer_another_mentor", "other"]
EndReason = Literal["not_a_good_fit", "schedule_conflict", "no_longer_available", "goals_met", "relocated", "conduct",
                    "other"]


class ReasonIn(Strict):
    reason_code: DeclineReason


class EndIn(Strict):
    reason_code: EndReason


class MeetingIn(Strict):
    met_on: date
    minutes: int = Field(ge=5, le=600)
    topics: list[str] = Field(default_factory=list, max_length=10)


class FeedbackIn(Strict):
    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=4000)


class RequestIn(Strict):
    mentee_id: UUID
    mentor_id: UUID
    pairing_kind: PairingKind | None = Field(
        default=None, description="Which of the mentee's enrollments asks, where they are enrolled for several kinds")


class RoundIn(Strict):
    method: Literal["optimal", "stable"] = "optimal"
    most_pairs_first: bool = False


class WeightsIn(Strict):
    specialty: int = Field(ge=0, le=100)
    support: int = Field(ge=0, le=100)
    stage: int = Field(ge=0, le=100)
    identity: int = Field(ge=0, le=100)
    language: int = Field(ge=0, le=100)
    logistics: int = Field(ge=0, le=100)
    near_peer_max_gap: int = Field(default=2, ge=1, le=9)


class PairingOut(BaseModel):
    id: UUID
    program_id: UUID
    mentee_id: UUID
    mentor_id: UUID
    pairing_kind: str
    status: str
    score: int
    reason_codes: list[str]
    mentee_accepted: bool
    mentor_accepted: bool
    term_ends_at: datetime | None
    last_met_at: datetime | None

    @classmethod
    def of(cls, p: Pairing) -> PairingOut:
        return cls(id=p.id, program_id=p.program_id, mentee_id=p.mentee_id, mentor_id=p.mentor_id,
                   pairing_kind=p.pairing_kind, status=p.status,
                   score=p.score, reason_codes=p.reasons, mentee_accepted=p.mentee_accepted,
                   mentor_accepted=p.mentor_accepted, term_ends_at=p.term_ends_at, last_met_at=p.last_met_at)


def _manages(caller: Principal, program: ProgramRules) -> bool:
    return caller.is_admin or caller.coordinates(program.chapter_id)


def party_or_program(caller: Principal) -> handlers.Authorize:
    """One of the pair acts for themselves; a coordinator of the program's chapter, or an admin, for the program."""

    def authorize(pairing: Pairing, program: ProgramRules) -> commands.Actor:
        if caller.person_id and pairing.side_of(caller.person_id):
            return commands.Actor(caller.person_id)
        if _manages(caller, program):
            return commands.Actor(None, for_program=True)
        raise forbidden("you may act on your own pairings, or on those of your chapter's programs as coordinator")

    return authorize


def party(caller: Principal) -> handlers.Authorize:
    """Only the mentee or the mentor: declining, ending and feedback are theirs to give."""

    def authorize(pairing: Pairing, program: ProgramRules) -> commands.Actor:
        if caller.person_id and pairing.side_of(caller.person_id):
            return commands.Actor(caller.person_id)
        raise forbidden("only the mentee or the mentor may do this")

    return authorize


async def _managed_program(program_id: UUID, caller: Principal, unit: MatchingUnitOfWork) -> ProgramRules:
    program = await handlers.program_rules(program_id, uow=unit)
    if not _manages(caller, program):
        raise forbidden("only a national administrator, or a coordinator of the program's chapter, may do this")
    return program


# --- pairings -----------------------------------------------------------------------------------------------
@router.get("/people/{person_id}/pairings")
async def pairings_of(person_id: UUID, caller: Caller, unit: UnitOfWork) -> list[dict]:
    if not (caller.is_person(person_id) or caller.is_admin):
        raise forbidden("you may see your own pairings")
    return await handlers.pairings_of(person_id, unit)


@router.get("/pairings/{pairing_id}")
async def get_pairing(pairing_id: UUID, caller: Caller, unit: UnitOfWork) -> PairingOut:
    return PairingOut.of(await handlers.pairing(pairing_id, unit, party_or_program(caller)))


@router.post("/pairings/{pairing_id}/accept")
async def accept(pairing_id: UUID, caller: Caller, unit: UnitOfWork) -> PairingOut:
    return PairingOut.of(await handlers.accept(commands.AcceptPairing(pairing_id), unit, party_or_program(caller)))


@router.post("/pairings/{pairing_id}/decline")
async def decline(pairing_id: UUID, body: ReasonIn, caller: Caller, unit: UnitOfWork) -> PairingOut:
    return PairingOut.of(await handlers.decline(commands.DeclinePairing(pairing_id, body.reason_code), unit, party(caller)))


@router.post("/pairings/{pairing_id}/end")
async def end(pairing_id: UUID, body: EndIn, caller: Caller, unit: UnitOfWork) -> PairingOut:
    return PairingOut.of(await handlers.end(commands.EndPairing(pairing_id, body.reason_code), unit, party(caller)))


@router.post("/pairings/{pairing_id}/renew")
async def renew(pairing_id: UUID, caller: Caller, unit: UnitOfWork) -> PairingOut:
    return PairingOut.of(await handlers.renew(commands.RenewPairing(pairing_id), unit, party_or_program(caller)))


@router.post("/pairings/{pairing_id}/complete")
async def complete(pairing_id: UUID, caller: Caller, unit: UnitOfWork) -> PairingOut:
    return PairingOut.of(await handlers.complete(commands.CompletePairing(pairing_id), unit, party_or_program(caller)))


@router.post("/pairings/{pairing_id}/meetings", status_code=201)
async def log_meeting(pairing_id: UUID, body: MeetingIn, caller: Caller, unit: UnitOfWork) -> PairingOut:
    command = commands.LogMeeting(pairing_id, body.met_on, body.minutes, body.topics)
    return PairingOut.of(await handlers.log_meeting(command, unit, party(caller)))


@router.post("/pairings/{pairing_id}/feedback", status_code=201)
async def give_feedback(pairing_id: UUID, body: FeedbackIn, caller: Caller, unit: UnitOfWork) -> dict:
    await handlers.give_feedback(commands.GiveFeedback(pairing_id, body.rating, body.comment), unit, party(caller))
    return {"pairing_id": pairing_id, "rating": body.rating}


# --- programs: waitlist, suggestions and requests, rounds, weights, statistics ----------------------------------
@router.get("/programs/{program_id}/waitlist")
async def program_waitlist(program_id: UUID, caller: Caller, unit: UnitOfWork) -> list[dict]:
    await _managed_program(program_id, caller, unit)
    return await handlers.waitlist(program_id, unit)


@router.get("/programs/{program_id}/waitlist/{person_id}")
async def waitlist_position(program_id: UUID, person_id: UUID, caller: Caller, unit: UnitOfWork,
                            pairing_kind: PairingKind | None = None) -> dict:
    if not caller.is_person(person_id):
        await _managed_program(program_id, caller, unit)
    return await handlers.waitlist_place(program_id, person_id, unit, pairing_kind)


@router.get("/programs/{program_id}/suggestions")
async def suggestions(program_id: UUID, mentee_id: UUID, caller: Caller, unit: UnitOfWork,
                      pairing_kind: PairingKind | None = None) -> list[dict]:
    if not caller.is_person(mentee_id):
        await _managed_program(program_id, caller, unit)
    return await handlers.suggestions(program_id, mentee_id, unit, pairing_kind)


@router.post("/programs/{program_id}/requests", status_code=201)
async def request_mentor(program_id: UUID, body: RequestIn, caller: Caller, unit: UnitOfWork) -> dict:
    if not caller.is_person(body.mentee_id):
        raise forbidden("a mentee chooses their own mentor")
    pairing_id = await handlers.request_mentor(
        commands.RequestMentor(program_id, body.mentee_id, body.mentor_id, body.pairing_kind), unit)
    return {"pairing_id": pairing_id, "status": "requested"}


@router.post("/programs/{program_id}/rounds", status_code=202)
async def run_round(program_id: UUID, body: RoundIn, caller: Caller, unit: UnitOfWork) -> dict:
    await _managed_program(program_id, caller, unit)
    round_id = await handlers.queue_round(commands.RunRound(program_id, body.method, body.most_pairs_first), unit)
    return {"round_id": round_id, "status": "queued", "poll": f"/v1/rounds/{round_id}"}


@router.get("/rounds/{round_id}")
async def round_progress(round_id: UUID, caller: Caller, unit: UnitOfWork) -> dict:
    found = await handlers.round_status(round_id, unit)
    await _managed_program(found["program_id"], caller, unit)
    return found


@router.get("/programs/{program_id}/weights")
async def get_weights(program_id: UUID, caller: Caller, unit: UnitOfWork) -> dict:
    await _managed_program(program_id, caller, unit)
    return (await handlers.weights_of(program_id, unit)).as_dict()


@router.put("/programs/{program_id}/weights")
async def set_weights(program_id: UUID, body: WeightsIn, caller: Caller, unit: UnitOfWork) -> dict:
    await _managed_program(program_id, caller, unit)
    if not any(v for k, v in body.model_dump().items() if k != "near_peer_max_gap"):
        raise MatchingError("at least one weight must be positive", "specialty")
    return (await handlers.set_weights(program_id, Weights(**body.model_dump()), unit)).as_dict()


@router.get("/programs/{program_id}/statistics")
async def statistics(program_id: UUID, caller: Caller, unit: UnitOfWork) -> dict:
    await _managed_program(program_id, caller, unit)
    return await handlers.statistics(program_id, unit)


def as_api_error(error: MatchingError) -> ApiError:
    status = 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 422
    return ApiError(status, type(error).__name__, str(error), error.field)
