"""REST API of matching under /v1: parse, authorise, call a handler, answer."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response
from mentorship_contracts.vocabulary import PairingKind, TrainingStage
from plumbing.auth import Principal, Role, current_principal, forbidden
from plumbing.disclosure import Published, PublishedOut, as_csv
from plumbing.http import answers, unit_of_work
from plumbing.validation import IDS_AT_ONCE, Limit, Offset, comma_separated_ids

from ..domain import commands
from ..domain.errors import PairingNotFound, ProgramNotFound, RoundNotFound
from ..domain.model import Pairing, PairingStatus, ProgramRules, answer_by
from ..domain.scoring import Weights
from ..service_layer import choice, lifecycle, programs, reports, rounds, stepping_in, views
from ..service_layer.ports import Authorize, MatchingUnitOfWorkPort
from .schemas import (
    DefaultsOut,
    DraftPairIn,
    EndIn,
    FeedbackIn,
    FeedbackOut,
    GivenFeedbackOut,
    InCommonOut,
    ManualPairingIn,
    MeetingIn,
    MeetingOut,
    MentorRoomOut,
    MentorshipReportOut,
    NotAnsweringOut,
    OverviewOut,
    PairingBase,
    PairingOut,
    PersonPairingOut,
    ProgramFeedbackOut,
    ProgramNotAnsweringOut,
    ProgramPairingOut,
    ProgramPairingsPage,
    ProgramWaitingOut,
    ReasonIn,
    ReassignIn,
    RequestIn,
    RequestOut,
    RoundIn,
    RoundOut,
    RoundQueuedOut,
    RoundStatus,
    RoundSummaryOut,
    StatisticsOut,
    SuggestionOut,
    SwapIn,
    WaitingPlaceOut,
    WaitlistEntryOut,
    WeightsIn,
    WeightsOut,
    WithdrawIn,
)

router = APIRouter(prefix="/v1")
Caller = Annotated[Principal, Depends(current_principal)]


UnitOfWork = Annotated[MatchingUnitOfWorkPort, Depends(unit_of_work)]


def _manages(caller: Principal, program: ProgramRules) -> bool:
    return caller.is_admin or caller.coordinates(program.chapter_id)


def party_or_program(caller: Principal) -> Authorize:
    """One of the pair acts for themselves; a coordinator of the program's chapter, or an admin, for the program."""

    def authorize(pairing: Pairing, program: ProgramRules) -> commands.Actor:
        if caller.person_id and pairing.side_of(caller.person_id):
            return commands.Actor(caller.person_id)
        if _manages(caller, program):
            return commands.Actor(None, for_program=True)
        raise forbidden("you may act on your own pairings, or on those of your chapter's programs as coordinator")

    return authorize


def for_the_program(caller: Principal, party_too: bool = False) -> Authorize:
    """A coordinator of the program's chapter, or an administrator, acting for the program; a pairing of another
    chapter is not found (404), as if there were none. With `party_too`, one of the pair acts for themselves."""

    def authorize(pairing: Pairing, program: ProgramRules) -> commands.Actor:
        if _manages(caller, program):
            return commands.Actor(None, for_program=True)
        if party_too and caller.person_id and pairing.side_of(caller.person_id):
            raise forbidden("a coordinator ends their own mentorship as one of its pair, not for the program")
        raise PairingNotFound("no such pairing", "pairing_id")

    return authorize


def party(caller: Principal) -> Authorize:
    """Only the mentee or the mentor: declining, ending and feedback are theirs to give."""

    def authorize(pairing: Pairing, program: ProgramRules) -> commands.Actor:
        if caller.person_id and pairing.side_of(caller.person_id):
            return commands.Actor(caller.person_id)
        raise forbidden("only the mentee or the mentor may do this")

    return authorize


def _staff_only(caller: Principal) -> None:
    if not (caller.is_admin or caller.role == Role.COORDINATOR):
        raise forbidden("only a national administrator, or a coordinator of the program's chapter, may do this")


def _managed_chapters(caller: Principal) -> frozenset[UUID] | None:
    """The chapters whose programs the caller manages, as `_manages` judges a program: None for an administrator (every
    program, those of no chapter too); 403 for anyone but staff."""
    _staff_only(caller)
    return None if caller.is_admin else caller.chapter_ids


async def _staff_program(program_id: UUID, caller: Principal, unit: MatchingUnitOfWorkPort) -> ProgramRules:
    """A program the caller manages: 403 for a participant, 404 for a program of another chapter (as if there were
    none: a coordinator learns nothing of other chapters)."""
    _staff_only(caller)
    program = await programs.program_rules(program_id, uow=unit)
    if not _manages(caller, program):
        raise ProgramNotFound("no such program", "program_id")
    return program


async def _managed_program(program_id: UUID, caller: Principal, unit: MatchingUnitOfWorkPort) -> ProgramRules:
    program = await programs.program_rules(program_id, uow=unit)
    if not _manages(caller, program):
        raise forbidden("only a national administrator, or a coordinator of the program's chapter, may do this")
    return program


# --- pairings -----------------------------------------------------------------------------------------------
def _listed(pairing: dict, request: Request, own: bool) -> PersonPairingOut:
    """One of a person's pairings, with until when it may be answered; its request's note to the person alone (it
    was written to its mentor, not to staff), whether its lapse would pause them (a warning to them alone), and the
    feedback they gave (to them alone: staff read it, unnamed, among the program's)."""
    rating, comment, given_at = (pairing.pop(k) for k in ("feedback_rating", "feedback_comment", "feedback_given_at"))
    return PersonPairingOut.model_validate({
        **pairing, "request_note": pairing["request_note"] if own else None,
        "my_feedback": {"rating": rating, "comment": comment, "given_at": given_at} if own and rating else None,
        "paused_if_it_lapses": own and pairing.get("paused_if_it_lapses", False),
        "requested_by_mentee": pairing["origin"] == "choice", "made_by_coordinator": pairing["origin"] == "manual",
        "answer_by": answer_by(pairing["status"], pairing["created_at"],
                               pairing["answer_within_days"] or request.app.state.answer_within_days)})


@router.get("/people/{person_id}/pairings")
async def pairings_of(person_id: UUID, caller: Caller, unit: UnitOfWork, request: Request) -> list[PersonPairingOut]:
    """The person's pairings: all of them for the person and administrators; for a coordinator, those in programs
    of their chapters (audited)."""
    if caller.is_person(person_id) or caller.is_admin:
        own = caller.is_person(person_id)
        return [_listed(p, request, own) for p in await views.pairings_of(person_id, unit)]
    if caller.role is Role.COORDINATOR:
        return [_listed(p, request, own=False) for p in await views.pairings_in_chapters(person_id, unit, caller)]
    raise forbidden("you may see your own pairings")


@router.get("/people/{person_id}/overview")
async def overview(person_id: UUID, caller: Caller, unit: UnitOfWork, request: Request) -> OverviewOut:
    """The person's pairings and their places on the waitlists they wait on, in one call."""
    if not (caller.is_person(person_id) or caller.is_admin):
        raise forbidden("you may see your own overview")
    found = await views.overview(person_id, unit)
    return OverviewOut(pairings=[_listed(p, request, own=caller.is_person(person_id)) for p in found["pairings"]],
                       waiting=[WaitingPlaceOut.model_validate(w) for w in found["waiting"]])


@router.get("/people/{person_id}/meetings")
async def meetings_of(person_id: UUID, caller: Caller, unit: UnitOfWork) -> list[MeetingOut]:
    """The meetings logged in every pairing of the person, the day met latest first: theirs to download."""
    if not caller.is_person(person_id):
        raise forbidden("you may see the meetings of your own mentorships")
    return [MeetingOut.model_validate(m) for m in await views.meetings_of(person_id, unit)]


@router.get("/pairings/{pairing_id}")
async def get_pairing(pairing_id: UUID, caller: Caller, unit: UnitOfWork, request: Request) -> PairingOut:
    pairing = await views.pairing(pairing_id, unit, party_or_program(caller))
    found = PairingOut.of(pairing)
    found.closing_opens_at = pairing.closing_opens_at(request.app.state.renewal_notice_days)
    found.answer_by = pairing.answer_by(request.app.state.answer_within_days)
    found.requirement_met = await views.requirement_met(pairing_id, unit, party_or_program(caller))
    found.request_note = await views.request_note(pairing_id, unit, party_or_program(caller))
    found.paused_if_it_lapses = await views.paused_if_it_lapses(pairing, caller.person_id, unit)
    given = await views.feedback_given(pairing, caller.person_id, unit)
    found.my_feedback = GivenFeedbackOut.model_validate(given) if given else None
    shared = await views.in_common(pairing_id, unit, party_or_program(caller))
    found.in_common = InCommonOut.model_validate(shared) if shared else None
    found.closed_by = pairing.closed_by  # the pair were each told by email who closed it
    if pairing.side_of(caller.person_id) is None:  # staff: why it closed (the pair were told in their own words)
        found.closed_reason = pairing.closed_reason
    return found


@router.post("/pairings/{pairing_id}/accept", responses=answers(409))
async def accept(pairing_id: UUID, caller: Caller, unit: UnitOfWork) -> PairingOut:
    """Accept a proposal (its mentee or its mentor; staff for the program) or a mentee's request (its mentor). It
    starts once both accepted; in a program that does not ask both (`both_must_accept` false), once its mentee did,
    or the program for them (not of a pair a coordinator made: its mentee confirms it). A mentor's acceptance alone is
    recorded (`mentor_accepted`) and starts nothing: the mentee is paired, and named, only once they said yes."""
    return PairingOut.of(await lifecycle.accept(commands.AcceptPairing(pairing_id), unit, party_or_program(caller)))


@router.post("/pairings/{pairing_id}/decline", responses=answers(409))
async def decline(pairing_id: UUID, body: ReasonIn, caller: Caller, unit: UnitOfWork) -> PairingOut:
    command = commands.DeclinePairing(pairing_id, body.reason_code)
    return PairingOut.of(await lifecycle.decline(command, unit, party(caller)))


@router.post("/pairings/{pairing_id}/end", responses=answers(409))
async def end(pairing_id: UUID, body: EndIn, caller: Caller, unit: UnitOfWork) -> PairingOut:
    """Ended by one of the pair, or by a coordinator of the program's chapter or an administrator (with a reason,
    audited)."""
    if caller.role in (Role.COORDINATOR, Role.ADMIN):
        command = commands.EndForProgram(pairing_id, body.reason_code, body.reason)
        ended = await stepping_in.end_for_program(command, unit, for_the_program(caller, party_too=True), caller)
        return PairingOut.of(ended)
    ending = commands.EndPairing(pairing_id, body.reason_code, pause=body.pause)
    return PairingOut.of(await lifecycle.end(ending, unit, party(caller)))


@router.post("/pairings/{pairing_id}/withdraw", responses=answers(409))
async def withdraw(pairing_id: UUID, body: WithdrawIn, caller: Caller, unit: UnitOfWork) -> PairingOut:
    """A coordinator of the program's chapter, or an administrator, withdraws a proposal waiting for answers (with a
    reason, audited): both are told, the pair is never proposed again, and the mentee waits for another mentor. A
    mentee's request stays its mentor's to answer."""
    _staff_only(caller)
    command = commands.WithdrawForProgram(pairing_id, body.reason_code, body.reason)
    return PairingOut.of(await stepping_in.withdraw_for_program(command, unit, for_the_program(caller), caller))


@router.post("/pairings/{pairing_id}/reassign", status_code=201, responses=answers(409))
async def reassign(pairing_id: UUID, body: ReassignIn, caller: Caller, unit: UnitOfWork) -> PairingOut:
    """End the active pairing, or withdraw the proposal waiting for answers, with the reason, and propose its mentee
    with another mentor (the rules of a pair made by hand: the mentee confirms it)."""
    _staff_only(caller)
    command = commands.Reassign(pairing_id, body.mentor_id, body.reason, body.expected_status)
    return PairingOut.of(await stepping_in.reassign(command, unit, for_the_program(caller), caller))


@router.post("/pairings/{pairing_id}/renew", responses=answers(409))
async def renew(pairing_id: UUID, caller: Caller, unit: UnitOfWork, request: Request) -> PairingOut:
    """Ask for another term, in the notice window before this one ends: renewed once both of the pair asked."""
    notice_days = request.app.state.renewal_notice_days
    return PairingOut.of(await lifecycle.renew(commands.RenewPairing(pairing_id), unit, party(caller), notice_days))


@router.post("/pairings/{pairing_id}/complete", responses=answers(409))
async def complete(pairing_id: UUID, caller: Caller, unit: UnitOfWork, request: Request) -> PairingOut:
    """Complete the term, in its last weeks (as for renewing) or once it is over; earlier, end it for a reason."""
    notice_days = request.app.state.renewal_notice_days
    return PairingOut.of(await lifecycle.complete(commands.CompletePairing(pairing_id), unit,
                                                  party_or_program(caller), notice_days))


@router.post("/pairings/{pairing_id}/meetings", status_code=201, responses=answers(409))
async def log_meeting(pairing_id: UUID, body: MeetingIn, caller: Caller, unit: UnitOfWork) -> PairingOut:
    command = commands.LogMeeting(pairing_id, body.met_on, body.minutes, body.topics)
    return PairingOut.of(await lifecycle.log_meeting(command, unit, party(caller)))


@router.patch("/pairings/{pairing_id}/meetings/{meeting_id}", responses=answers(409))
async def correct_meeting(pairing_id: UUID, meeting_id: int, body: MeetingIn, caller: Caller,
                          unit: UnitOfWork) -> PairingOut:
    """A meeting corrected, as a whole, by the one of the pair who logged it, by the rules it was logged by."""
    command = commands.CorrectMeeting(pairing_id, meeting_id, body.met_on, body.minutes, body.topics)
    return PairingOut.of(await lifecycle.correct_meeting(command, unit, party(caller)))


@router.delete("/pairings/{pairing_id}/meetings/{meeting_id}", status_code=204, responses=answers(409))
async def delete_meeting(pairing_id: UUID, meeting_id: int, caller: Caller, unit: UnitOfWork) -> None:
    """A meeting deleted by the one of the pair who logged it: logged by mistake, or the same one their partner
    logged."""
    await lifecycle.delete_meeting(commands.DeleteMeeting(pairing_id, meeting_id), unit, party(caller))


@router.get("/pairings/{pairing_id}/meetings")
async def meetings(pairing_id: UUID, caller: Caller, unit: UnitOfWork) -> list[MeetingOut]:
    """The meetings logged in the pairing, the day met latest first: for its mentee and mentor only (what they
    talked about is theirs; a coordinator sees whether meetings are overdue)."""
    return [MeetingOut.model_validate(m) for m in await views.meetings(pairing_id, unit, party(caller))]


@router.post("/pairings/{pairing_id}/feedback", status_code=201, responses=answers(409))
async def give_feedback(pairing_id: UUID, body: FeedbackIn, caller: Caller, unit: UnitOfWork) -> FeedbackOut:
    await lifecycle.give_feedback(commands.GiveFeedback(pairing_id, body.rating, body.comment), unit, party(caller))
    return FeedbackOut(pairing_id=pairing_id, rating=body.rating)


# --- programs: waitlist, suggestions and requests, rounds, weights, statistics ----------------------------------
@router.get("/programs/{program_id}/pairings")
async def program_pairings(program_id: UUID, caller: Caller, unit: UnitOfWork, request: Request,
                           status: PairingStatus | None = None, offset: Offset = 0,
                           limit: Limit = 50) -> ProgramPairingsPage:
    """The program's pairings, newest first (person ids: the console adds names from profiles), each proposed or
    requested one with until when it may be answered. Audited."""
    program = await _staff_program(program_id, caller, unit)
    items, total = await views.program_pairings(program_id, status, offset, limit, unit, caller, program.chapter_id)
    within = request.app.state.answer_within_days  # unless the program sets its own
    return ProgramPairingsPage(total=total, items=[
        ProgramPairingOut(**{**PairingBase.of(i["pairing"]).model_dump(),
                             "answer_by": i["pairing"].answer_by(within),
                             "closed_reason": i["pairing"].closed_reason, "closed_by": i["pairing"].closed_by},
                          overdue=i["overdue"], created_at=i["created_at"], lapse_would_pause=i["lapse_would_pause"])
        for i in items])


@router.post("/programs/{program_id}/pairings", status_code=201, responses=answers(409))
async def pair_by_hand(program_id: UUID, body: ManualPairingIn, caller: Caller, unit: UnitOfWork) -> PairingOut:
    """Pair a mentee with a mentor by hand: proposed as the engine proposes (both are told), by the same rules but
    what the mentee requires of a mentor, which they judge: the pair is always proposed, and only the mentee's
    acceptance confirms it (not the mentor's, nor the program's). Each refusal a 409 with its code. With
    `override_reason`, the rules that may be set aside are (audited)."""
    await _staff_program(program_id, caller, unit)
    command = commands.PairByHand(program_id, body.mentee_id, body.mentor_id, body.override_reason)
    return PairingOut.of(await stepping_in.pair_by_hand(command, unit, caller))


@router.get("/programs/{program_id}/feedback")
async def program_feedback(program_id: UUID, caller: Caller, unit: UnitOfWork) -> list[ProgramFeedbackOut]:
    """The feedback given on the program's pairings, newest first. Audited."""
    program = await _staff_program(program_id, caller, unit)
    found = await views.program_feedback(program_id, unit, caller, program.chapter_id)
    return [ProgramFeedbackOut.model_validate(f) for f in found]


@router.get("/programs/{program_id}/waitlist")
async def program_waitlist(program_id: UUID, caller: Caller, unit: UnitOfWork) -> list[WaitlistEntryOut]:
    await _managed_program(program_id, caller, unit)
    return [WaitlistEntryOut.model_validate(e) for e in await views.waitlist(program_id, unit)]


@router.get("/programs/{program_id}/not-answering")
async def not_answering(program_id: UUID, caller: Caller, unit: UnitOfWork) -> list[NotAnsweringOut]:
    """The program's mentors and mentees who let two proposals or requests in a row lapse unanswered, and are paired
    with nobody new until they resume (they were told by email), mentors first: for a coordinator to reach out to."""
    await _managed_program(program_id, caller, unit)
    return [NotAnsweringOut.model_validate(m) for m in await views.not_answering(program_id, unit)]


@router.get("/programs/{program_id}/mentors")
async def mentors_room(program_id: UUID, caller: Caller, unit: UnitOfWork,
                       ids: Annotated[str, Query(max_length=IDS_AT_ONCE * 37, description=(
                           f"Up to {IDS_AT_ONCE} person ids, comma-separated: those a picker offers"))]
                       ) -> list[MentorRoomOut]:
    """Of these people, the program's mentors (not withdrawn nor suspended), each with the room they have: how many
    mentees they take and hold, and whether they paused. Others are left out."""
    program = await _managed_program(program_id, caller, unit)
    return [MentorRoomOut.model_validate(m) for m in await views.mentors_room(program, comma_separated_ids(ids),
                                                                               unit)]


@router.get("/defaults")
async def defaults(caller: Caller, request: Request) -> DefaultsOut:
    """What a program leaves to matching when it sets none (as the operator configured it): for a form to say so."""
    return DefaultsOut(answer_within_days=request.app.state.answer_within_days)


@router.get("/not-answering")
async def not_answering_per_program(caller: Caller, unit: UnitOfWork) -> list[ProgramNotAnsweringOut]:
    """For each program the caller manages with anyone held back for not answering, how many
    (`GET /programs/{id}/not-answering` lists them), by program id: every program at once, for the console's home
    page."""
    counts = await views.not_answering_counts(_managed_chapters(caller), unit)
    return [ProgramNotAnsweringOut.model_validate(c) for c in counts]


@router.get("/waiting")
async def waiting_per_program(caller: Caller, unit: UnitOfWork) -> list[ProgramWaitingOut]:
    """For each program the caller manages with mentees waiting, how many (`GET /programs/{id}/waitlist` lists
    them), by program id: every program at once, for the console's home page."""
    counts = await views.waiting_counts(_managed_chapters(caller), unit)
    return [ProgramWaitingOut.model_validate(c) for c in counts]


@router.get("/programs/{program_id}/waitlist/{person_id}")
async def waitlist_position(program_id: UUID, person_id: UUID, caller: Caller, unit: UnitOfWork,
                            pairing_kind: PairingKind | None = None) -> WaitlistEntryOut:
    if not caller.is_person(person_id):
        await _managed_program(program_id, caller, unit)
    return WaitlistEntryOut.model_validate(await views.waitlist_place(program_id, person_id, unit, pairing_kind))


@router.get("/programs/{program_id}/suggestions", responses=answers(409))
async def suggestions(program_id: UUID, mentee_id: UUID, caller: Caller, unit: UnitOfWork,
                      pairing_kind: PairingKind | None = None) -> list[SuggestionOut]:
    mentee_reads = caller.is_person(mentee_id)
    if not mentee_reads:
        await _managed_program(program_id, caller, unit)
    found = await choice.suggestions(program_id, mentee_id, unit, pairing_kind, for_the_mentee=mentee_reads)
    return [SuggestionOut.model_validate(s) for s in found]


@router.post("/programs/{program_id}/requests", status_code=201, responses=answers(409))
async def request_mentor(program_id: UUID, body: RequestIn, caller: Caller, unit: UnitOfWork) -> RequestOut:
    if not caller.is_person(body.mentee_id):
        raise forbidden("a mentee chooses their own mentor")
    pairing_id = await choice.request_mentor(
        commands.RequestMentor(program_id, body.mentee_id, body.mentor_id, body.pairing_kind, body.note), unit)
    return RequestOut(pairing_id=pairing_id, status="requested")


@router.post("/programs/{program_id}/rounds", status_code=202, responses=answers(409))
async def run_round(program_id: UUID, body: RoundIn, caller: Caller, unit: UnitOfWork) -> RoundQueuedOut:
    """Queue a round: it drafts pairs for review (`GET /rounds/{id}`); nobody is proposed until it is published. A
    program has one round open at a time: refused (409, field `program_id`, the open round's id in the message) while
    one of its rounds is queued or running (`round_already_running`) or its draft awaits review
    (`draft_awaiting_review`: publish or discard it first)."""
    await _staff_program(program_id, caller, unit)
    round_id = await rounds.queue_round(commands.RunRound(program_id, body.method, body.most_pairs_first), unit,
                                        caller)
    return RoundQueuedOut(round_id=round_id, status="queued", poll=f"/v1/rounds/{round_id}")


@router.get("/programs/{program_id}/rounds")
async def program_rounds(program_id: UUID, caller: Caller, unit: UnitOfWork) -> list[RoundSummaryOut]:
    """The program's rounds, latest first."""
    await _staff_program(program_id, caller, unit)
    return [RoundSummaryOut.of(r) for r in await rounds.rounds_of(program_id, unit)]


@router.get("/rounds")
async def rounds_by_status(caller: Caller, unit: UnitOfWork,
                           status: Annotated[RoundStatus, Query(description="`draft`: awaiting review")]
                           ) -> list[RoundSummaryOut]:
    """The rounds in this status of every program the caller manages, latest first, at most 200: the drafts awaiting
    review, for the console's home page."""
    return [RoundSummaryOut.of(r) for r in await rounds.rounds_of_chapters(_managed_chapters(caller), status, unit)]


async def _staff_round(round_id: UUID, caller: Caller, unit: MatchingUnitOfWorkPort) -> None:
    """A round of the caller's chapters' programs (else 404, as if there were none), for staff (else 403)."""
    _staff_only(caller)
    try:
        await _staff_program(await rounds.program_of_round(round_id, unit), caller, unit)
    except ProgramNotFound:
        raise RoundNotFound("no such round", "round_id") from None


@router.get("/rounds/{round_id}")
async def round_progress(round_id: UUID, caller: Caller, unit: UnitOfWork) -> RoundOut:
    """The round's progress; once drafted, its pairs (with scores and reasons) and those it left unpaired, why
    (audited as `round.viewed`)."""
    await _staff_round(round_id, caller, unit)
    return RoundOut.of(await rounds.round_status(round_id, unit, viewer=caller))


@router.delete("/rounds/{round_id}/pairs/{mentee_id}", status_code=204, responses=answers(409))
async def remove_round_pair(round_id: UUID, mentee_id: UUID, caller: Caller, unit: UnitOfWork) -> None:
    """Take a pair out of a draft: the mentee keeps waiting."""
    await _staff_round(round_id, caller, unit)
    await rounds.remove_pair(round_id, mentee_id, unit, caller)


@router.post("/rounds/{round_id}/pairs", status_code=201, responses=answers(409))
async def add_round_pair(round_id: UUID, body: DraftPairIn, caller: Caller, unit: UnitOfWork) -> RoundOut:
    """Add a pair to a draft: a mentee it leaves unpaired with a mentor of the program, by the rules a swap keeps, the
    mentor's places and the program's cap counting the draft's pairs; refused (409, the rule's code, naming
    `mentee_id` or `mentor_id`) if it breaks one. Made by hand, as a swapped pair is, unless it puts back the very
    pair the engine drafted. The mentee then leaves the draft's unpaired."""
    await _staff_round(round_id, caller, unit)
    await rounds.add_pair(commands.AddPairToDraft(round_id, body.mentee_id, body.mentor_id), unit, caller)
    return RoundOut.of(await rounds.round_status(round_id, unit))


@router.post("/rounds/{round_id}/swap", responses=answers(409))
async def swap_round_pairs(round_id: UUID, body: SwapIn, caller: Caller, unit: UnitOfWork) -> RoundOut:
    """Swap two drafted pairs' mentors; refused (409, the rule's code) if either new pair breaks a rule."""
    await _staff_round(round_id, caller, unit)
    await rounds.swap(round_id, body.mentee_a, body.mentee_b, unit, caller)
    return RoundOut.of(await rounds.round_status(round_id, unit))


@router.post("/rounds/{round_id}/publish", responses=answers(409))
async def publish_round(round_id: UUID, caller: Caller, unit: UnitOfWork) -> RoundOut:
    """Propose the drafted pairs (only these people are told); pairs the roster no longer allows are skipped."""
    await _staff_round(round_id, caller, unit)
    return RoundOut.of(await rounds.publish(round_id, unit, caller))


@router.post("/rounds/{round_id}/discard", responses=answers(409))
async def discard_round(round_id: UUID, caller: Caller, unit: UnitOfWork) -> RoundOut:
    await _staff_round(round_id, caller, unit)
    return RoundOut.of(await rounds.discard(round_id, unit, caller))


@router.get("/programs/{program_id}/weights")
async def get_weights(program_id: UUID, caller: Caller, unit: UnitOfWork) -> WeightsOut:
    await _managed_program(program_id, caller, unit)
    return WeightsOut.of(await programs.weights_of(program_id, unit))


@router.put("/programs/{program_id}/weights")
async def set_weights(program_id: UUID, body: WeightsIn, caller: Caller, unit: UnitOfWork) -> WeightsOut:
    await _managed_program(program_id, caller, unit)
    return WeightsOut.of(await programs.set_weights(program_id, Weights(**body.model_dump()), unit))


@router.get("/programs/{program_id}/statistics")
async def statistics(program_id: UUID, caller: Caller, unit: UnitOfWork) -> StatisticsOut:
    await _managed_program(program_id, caller, unit)
    return StatisticsOut.model_validate(await programs.statistics(program_id, unit))


# --- reports ------------------------------------------------------------------------------------------------
class CsvResponse(Response):
    media_type = "text/csv"  # charset=utf-8 is added to text types


def _report_scope(caller: Principal, chapter_id: UUID | None) -> UUID | None:
    """The chapter a report is about: a coordinator's own (403 for another's, or when they coordinate several and
    name none); an administrator's choice, None for the national view."""
    if caller.is_admin:
        return chapter_id
    scope = caller.chapter_scope(chapter_id) if caller.role == Role.COORDINATOR else None
    if scope is None:
        raise forbidden("a coordinator reads the reports of their own chapter")
    return scope


def _csv(published: Published, corner: str, filename: str) -> CsvResponse:
    return CsvResponse(as_csv(published, corner), headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/reports/mentorships")
async def mentorship_report(caller: Caller, unit: UnitOfWork, chapter_id: UUID | None = None,
                            stage: TrainingStage | None = None) -> MentorshipReportOut:
    """A chapter's programs (or, for an administrator naming no chapter, every chapter): mentees waiting, paired,
    active, completed and ended early, and pairings by meetings logged; small counts suppressed."""
    scope = _report_scope(caller, chapter_id)
    table, meetings = await reports.mentorships(scope, stage, unit)
    return MentorshipReportOut(**PublishedOut.of(table).model_dump(), meetings_per_pairing=PublishedOut.of(meetings))


@router.get("/reports/mentorships.csv", response_class=CsvResponse)
async def mentorship_report_csv(caller: Caller, unit: UnitOfWork, chapter_id: UUID | None = None,
                                stage: TrainingStage | None = None) -> CsvResponse:
    """The mentorship report as CSV ("<5" for a small count, empty for a withheld one). Audited."""
    scope = _report_scope(caller, chapter_id)
    table, _ = await reports.mentorships(scope, stage, unit)
    await reports.exported("mentorships", scope, unit, caller)
    return _csv(table, "program" if scope else "chapter", "mentorships.csv")


@router.get("/reports/mentorships/trends")
async def mentorship_trends(caller: Caller, unit: UnitOfWork, chapter_id: UUID | None = None,
                            months: Annotated[int, Query(ge=1, le=60)] = 12) -> PublishedOut:
    """Per month (YYYY-MM, oldest first): pairings that began, completed, ended early in it; small counts
    suppressed, each month as in the longest trend (60 months), so that trends of different lengths agree; no
    totals."""
    return PublishedOut.of(await reports.trends(_report_scope(caller, chapter_id), months, unit))


@router.get("/reports/mentorships/trends.csv", response_class=CsvResponse)
async def mentorship_trends_csv(caller: Caller, unit: UnitOfWork, chapter_id: UUID | None = None,
                                months: Annotated[int, Query(ge=1, le=60)] = 12) -> CsvResponse:
    scope = _report_scope(caller, chapter_id)
    table = await reports.trends(scope, months, unit)
    await reports.exported("mentorship_trends", scope, unit, caller)
    return _csv(table, "month", "mentorship-trends.csv")
