"""Mentee choice: a mentee sees the mentors who suit them and asks one (the mentor answers; see `lifecycle`).

What a mentee reads here depends on no identity attribute a mentor did not consent to show a partner (see
`domain.scoring`): the suggestions rank mentors as they show themselves, and their scores and reasons are the
visible fit."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from mentorship_contracts import matching as contract
from mentorship_contracts.vocabulary import PairingKind

from ..domain import commands
from ..domain.errors import (
    AlreadyPaired,
    AlreadyRequested,
    MatchingProfileMissing,
    MenteesDoNotChoose,
    MentorRuledOut,
    NotEnrolled,
    PairingKindRequired,
    RequestLimitReached,
)
from ..domain.model import Candidate, NewPairing, ProgramRules
from ..domain.scorer import suitable_mentors
from ..domain.scoring import exclusion, fit
from .pairing import answer_by_from, facts_of
from .ports import MatchingUnitOfWorkPort
from .programs import existing_program

SUGGESTIONS = 5
REQUEST_LIMIT = 3  # pending requests a mentee may have at once in a mentee-choice program


async def _mentee(program: ProgramRules, person_id: UUID, uow: MatchingUnitOfWorkPort,
                  pairing_kind: PairingKind | None = None) -> Candidate:
    enrollments = await uow.people.enrollments_of(person_id, program.id, "mentee", pairing_kind)
    if not enrollments:
        raise NotEnrolled("not enrolled as a mentee in this program" + (f" for {pairing_kind}" if pairing_kind else ""),
                          "mentee_id")
    if len(enrollments) > 1:
        kinds = ", ".join(e["pairing_kind"] for e in enrollments)
        raise PairingKindRequired(f"enrolled here for several kinds of pairing ({kinds}): say which", "pairing_kind")
    found = await uow.candidates.in_program(program, "mentee", enrollment_ids=[enrollments[0]["id"]])
    if not found:
        raise MatchingProfileMissing("matching has not received this mentee's matching profile yet", "mentee_id")
    return found[0]


async def suggestions(program_id: UUID, mentee_id: UUID, uow: MatchingUnitOfWorkPort,
                      pairing_kind: PairingKind | None = None, for_the_mentee: bool = True) -> list[dict[str, Any]]:
    """The mentors the mentee may choose from, best first. Read by anyone but the mentee (a coordinator), they are
    ranked as if the mentee had declared and wished for nothing: the mentee showed their identity to no one."""
    async with uow:
        program = await existing_program(program_id, uow)
        mentee = await _mentee(program, mentee_id, uow, pairing_kind)
        if not for_the_mentee:
            mentee = replace(mentee, identity={}, identity_wishes=())
        # The mentee reads these: each mentor's identity counts only as far as they show it to a partner.
        mentors = [m.as_shown() for m in await uow.candidates.in_program(program, "mentor")]
        requested = {r.mentor_id for r in await uow.pairings.pending_requests(mentee.enrollment_id)}
        found = suitable_mentors(mentee, mentors, program, await uow.programs.weights(program_id),
                                 await uow.candidates.closed_before(program_id, [mentee.person_id]), limit=SUGGESTIONS)
        return [{"mentor_id": m.person_id, "score": f.score, "reason_codes": list(f.reasons),
                 "requested": m.person_id in requested, "in_common": mentee.in_common_with(m)} for m, f in found]


async def request_mentor(cmd: commands.RequestMentor, uow: MatchingUnitOfWorkPort) -> UUID:
    async with uow:
        await uow.programs.lock(cmd.program_id)
        program = await existing_program(cmd.program_id, uow)
        if program.pairing_mode != "mentee_choice":
            raise MenteesDoNotChoose("in this program mentees do not choose their mentor", "program_id")
        mentee = await _mentee(program, cmd.mentee_id, uow, cmd.pairing_kind)
        if mentee.active_pairings:
            raise AlreadyPaired("you are already paired in this program", "mentee_id")
        pending = await uow.pairings.pending_requests(mentee.enrollment_id)
        if any(r.mentor_id == cmd.mentor_id for r in pending):
            raise AlreadyRequested("you already asked this mentor", "mentor_id")
        if len(pending) >= REQUEST_LIMIT:
            raise RequestLimitReached(f"at most {REQUEST_LIMIT} requests may wait for an answer at once", "mentor_id")
        enrollments = await uow.people.enrollments_of(cmd.mentor_id, program.id, "mentor", mentee.pairing_kind)
        mentors = await uow.candidates.in_program(program, "mentor", enrollment_ids=[enrollments[0]["id"]]) \
            if enrollments else []
        if not mentors:
            raise NotEnrolled(f"not a {mentee.pairing_kind} mentor of this program", "mentor_id")
        mentor = mentors[0]
        ruled_out = exclusion(mentee, mentor, program,
                              await uow.candidates.closed_before(program.id, [mentee.person_id]))
        if ruled_out:
            raise MentorRuledOut(f"this mentor cannot be requested: {ruled_out}", "mentor_id")
        chosen = fit(mentee, mentor, await uow.programs.weights(program.id))
        pairing_id = uuid4()
        await uow.pairings.add([NewPairing(
            id=pairing_id, program_id=program.id, chapter_id=program.chapter_id, mentee=mentee, mentor=mentor,
            status="requested", origin="choice", score=chosen.score, reasons=chosen.reasons, mentee_accepted=True,
        )])
        if cmd.note:
            await uow.pairings.add_note(pairing_id, cmd.note)
        uow.emit(contract.PairingProposedV6(**facts_of(pairing_id, program, mentee.person_id, mentor.person_id),
                                            score=chosen.score, reason_codes=list(chosen.reasons),
                                            pairing_kind=mentee.pairing_kind, requested_by_mentee=True,
                                            answer_by=answer_by_from(datetime.now(UTC), program,
                                                                     uow.answer_within_days)))
        await uow.commit()
        return pairing_id
