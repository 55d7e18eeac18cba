"""A coordinator steps in: pairs a mentee with a mentor by hand, reassigns a mentee, ends a pairing, withdraws a
proposal waiting for answers.

A pair made by hand is proposed as the engine proposes one (the same events, so both people are told), after the
same rules (`domain.pairing.refusal`) but one: what the mentee requires of a mentor, which a refusal would tell the
coordinator. The mentee judges that instead: a pair made by hand is always proposed, and only its mentee confirms
it, seeing what the mentor chose to show them. A reason lets a coordinator set aside the rules that may be
(capacity, stage, threshold, language, a mentorship of the two that a coordinator ended), never pairing anyone with
themself, nor a suspended or withdrawn person, nor a mentee already paired, nor two of whom one declined or ended a
pairing of the other. Each step is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from mentorship_contracts import matching as contract
from plumbing.auth import Principal

from ..domain import commands
from ..domain.errors import (
    AlreadyPaired,
    DifferentKind,
    MatchingProfileMissing,
    MenteeSuspended,
    NotEnrolled,
    PairingNotFound,
    PersonPaused,
    SamePerson,
    TransitionNotAllowed,
    refusal_code,
    refused,
)
from ..domain.model import Candidate, Pairing, ProgramRules
from ..domain.pairing import OVERRIDABLE, Proposal, refusal
from ..domain.scoring import fit
from .lifecycle import load, rest_the_mentee
from .pairing import facts, offer_room, propose, put_back
from .ports import Authorize, MatchingUnitOfWorkPort
from .programs import existing_program


async def _candidate(program: ProgramRules, person_id: UUID, role: str, field: str, uow: MatchingUnitOfWorkPort,
                     kinds: set[str] | None = None) -> Candidate:
    if await uow.people.is_suspended(person_id):
        raise MenteeSuspended("this person is suspended", field)
    enrollments = [e for e in await uow.people.enrollments_of(person_id, program.id, role, paused_too=True)
                   if kinds is None or e["pairing_kind"] in kinds]
    if not enrollments:
        raise (DifferentKind if kinds else NotEnrolled)(f"not enrolled as a {role} in this program", field)
    # Their own pause, or the platform's: a coordinator pairs them with nobody new either (a 404 said it before).
    enrollments = [e for e in enrollments if not e["paused"]]
    if not enrollments:
        raise PersonPaused(f"this {role} paused: nobody new is paired with them until they resume", field)
    found = await uow.candidates.in_program(program, role, enrollment_ids=[e["id"] for e in enrollments])
    if not found:
        raise MatchingProfileMissing("matching has not received this person's matching profile yet", field)
    if role == "mentee":  # of several kinds, one still waiting
        waiting = [c for c in found if c.active_pairings == 0]
        if not waiting:
            raise AlreadyPaired("the mentee is already paired in this program", field)
        return waiting[0]
    return found[0]


async def sides(program: ProgramRules, mentee_id: UUID, mentor_id: UUID, uow: MatchingUnitOfWorkPort
                ) -> tuple[Candidate, Candidate]:
    """The waiting mentee and the mentor a coordinator names, enrollments of one kind of pairing, each one that may
    be paired with anyone new (else refused, naming `mentee_id` or `mentor_id`); not yet checked as a pair."""
    if mentee_id == mentor_id:
        raise SamePerson("a person is never paired with themself", "mentor_id")
    mentor = await _candidate(program, mentor_id, "mentor", "mentor_id", uow)
    mentors = {e["pairing_kind"] for e in await uow.people.enrollments_of(mentor_id, program.id, "mentor")}
    mentee = await _candidate(program, mentee_id, "mentee", "mentee_id", uow, kinds=mentors)
    if mentor.pairing_kind != mentee.pairing_kind:
        mentor = await _candidate(program, mentor_id, "mentor", "mentor_id", uow, kinds={mentee.pairing_kind})
    return mentee, mentor


async def _pair(program: ProgramRules, mentee_id: UUID, mentor_id: UUID, override_reason: str | None,
                uow: MatchingUnitOfWorkPort) -> tuple[UUID, str | None]:
    """Check and propose the pair (the caller holds the program's lock): the new pairing's id, and the rule set
    aside, if one was."""
    mentee, mentor = await sides(program, mentee_id, mentor_id, uow)
    weights = await uow.programs.weights(program.id)
    reason = refusal(mentee, mentor, program, weights, await uow.candidates.closed_before(program.id, [mentee_id]),
                     await uow.pairings.live_count(program.id), mentee_judges=True,
                     ended_by_coordinator=await uow.candidates.ended_by_coordinator([mentee_id]))
    if reason is not None and (reason not in OVERRIDABLE or not override_reason):
        raise refused(reason, "mentor_id")
    [written] = await propose(program, [Proposal(mentee, mentor, fit(mentee, mentor, weights))], uow,
                              origin="manual")
    return written.id, reason


async def _get(pairing_id: UUID, uow: MatchingUnitOfWorkPort) -> Pairing:
    async with uow:
        found = await uow.pairings.get(pairing_id)
        if found is None:
            raise PairingNotFound("no such pairing", "pairing_id")
        return found


async def pair_by_hand(cmd: commands.PairByHand, uow: MatchingUnitOfWorkPort, caller: Principal) -> Pairing:
    async with uow:
        await uow.programs.lock(cmd.program_id)
        program = await existing_program(cmd.program_id, uow)
        pairing_id, overridden = await _pair(program, cmd.mentee_id, cmd.mentor_id, cmd.override_reason, uow)
        detail: dict[str, Any] = {"mentee_id": str(cmd.mentee_id), "mentor_id": str(cmd.mentor_id)}
        if overridden:
            detail |= {"overridden": refusal_code(overridden), "override_reason": cmd.override_reason}
        uow.audit(caller, "pairing.made_by_hand", "pairing", pairing_id, chapter_id=program.chapter_id,
                  detail=detail)
        await uow.commit()
    return await _get(pairing_id, uow)


def _end(pairing: Pairing, reason_code: str, uow: MatchingUnitOfWorkPort) -> None:
    pairing.end(reason_code, "program")
    uow.emit(contract.PairingEndedV3(**facts(pairing), ended_by=None, ended_by_program=True,
                                     reason_code=reason_code))


async def end_for_program(cmd: commands.EndForProgram, uow: MatchingUnitOfWorkPort, authorize: Authorize,
                          caller: Principal) -> Pairing:
    """A coordinator ends an active pairing, with a reason (audited; the event carries only its code)."""
    return await _close_for_program(cmd.pairing_id, _end, "pairing.ended", cmd.reason_code, cmd.reason, uow,
                                    authorize, caller)


def _withdraw(pairing: Pairing, reason_code: str, uow: MatchingUnitOfWorkPort) -> None:
    pairing.withdraw(reason_code)
    uow.emit(contract.PairingDeclinedV3(**facts(pairing), declined_by=None, declined_by_program=True,
                                        reason_code=reason_code))


async def withdraw_for_program(cmd: commands.WithdrawForProgram, uow: MatchingUnitOfWorkPort, authorize: Authorize,
                               caller: Principal) -> Pairing:
    """A coordinator withdraws a proposal waiting for answers, with a reason (audited; the event carries only its
    code). As a declined one, the pair is never proposed again, and the mentee waits for another mentor."""
    return await _close_for_program(cmd.pairing_id, _withdraw, "pairing.withdrawn", cmd.reason_code, cmd.reason, uow,
                                    authorize, caller)


async def _close_for_program(pairing_id: UUID, close: Callable[[Pairing, str, MatchingUnitOfWorkPort], None],
                             action: str, reason_code: str, reason: str | None, uow: MatchingUnitOfWorkPort,
                             authorize: Authorize, caller: Principal) -> Pairing:
    """Close the pairing for the program (`close`: end or withdraw it), its mentee back to matching (or resting, its
    goals met), audited."""
    async with uow:
        pairing, program, _ = await load(pairing_id, uow, authorize)
        close(pairing, reason_code, uow)
        await uow.pairings.save(pairing)
        await rest_the_mentee(pairing, uow)
        await put_back(pairing, uow)
        uow.audit(caller, action, "pairing", pairing.id, chapter_id=program.chapter_id,
                  detail={"reason_code": reason_code, "reason": reason})
        await uow.commit()
        return pairing


async def reassign(cmd: commands.Reassign, uow: MatchingUnitOfWorkPort, authorize: Authorize,
                   caller: Principal) -> Pairing:
    """End the active pairing, or withdraw the proposal waiting for answers, with the reason, and propose its mentee
    with the new mentor, by the same rules."""
    async with uow:
        pairing, program, _ = await load(cmd.pairing_id, uow, authorize)
        if cmd.expected_status not in (None, pairing.status):  # accepted or closed while the coordinator chose
            raise TransitionNotAllowed(f"the pairing is {pairing.status} now, not {cmd.expected_status}", "pairing_id")
        (_end if pairing.status == "active" else _withdraw)(pairing, "reassigned", uow)
        await uow.pairings.save(pairing)
        new_id, _ = await _pair(program, pairing.mentee_id, cmd.mentor_id, None, uow)
        uow.audit(caller, "pairing.reassigned", "pairing", pairing.id, chapter_id=program.chapter_id,
                  detail={"new_pairing_id": str(new_id), "mentor_id": str(cmd.mentor_id), "reason": cmd.reason})
        offer_room(program.id, uow)
        await uow.commit()
    return await _get(new_id, uow)
