"""Matching's reactions to profiles' events, and its queries. Plain functions of an event and a unit of work."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from mentorship_contracts import matching as contract
from mentorship_contracts import profiles as source

from ..domain.model import ProgramRules
from ..domain.pairing import pair_waiting, term_end


async def program_defined(event: source.ProgramDefined, uow) -> None:
    async with uow:
        await uow.matching.save_program(
            ProgramRules(
                id=event.program_id, chapter_id=event.chapter_id, pairing_mode=event.pairing_mode,
                both_must_accept=event.both_must_accept, pair_cap=event.pair_cap, minimum_score=event.minimum_score,
                term_months=event.term_months, mentee_stages=event.mentee_stages, mentor_stages=event.mentor_stages,
            )
        )
        await _offer_room(event.program_id, uow)
        await uow.commit()


async def matching_profile_changed(event: source.MatchingProfileChanged, uow) -> None:
    async with uow:
        await uow.matching.save_profile(
            event.person_id, event.stage, list(event.specialties), list(event.support_areas), list(event.languages),
            event.timezone, list(event.modalities),
        )
        for program_id in await uow.matching.programs_of(event.person_id):
            await _offer_room(program_id, uow)
        await uow.commit()


async def enrollment_created(event: source.EnrollmentCreated, uow) -> None:
    async with uow:
        await uow.matching.save_enrollment(
            enrollment_id=event.enrollment_id, person_id=event.person_id, program_id=event.program_id,
            chapter_id=event.chapter_id, role=event.role, stage=event.stage, capacity=event.capacity,
            mentee_stages_welcome=list(event.mentee_stages_welcome), approved=event.approval == "approved",
            enrolled_at=event.occurred_at,
        )
        await _offer_room(event.program_id, uow)
        if event.role == "mentee":
            await _tell_if_waiting(event, uow)
        await uow.commit()


async def person_erased(event: source.PersonErased, uow) -> None:
    async with uow:
        await uow.matching.forget_person(event.person_id)
        await uow.commit()


async def _offer_room(program_id: UUID, uow) -> None:
    await uow.matching.lock_program(program_id)
    program = await uow.matching.program(program_id)
    if program is None or program.pairing_mode != "on_registration":
        return
    waiting = await uow.matching.candidates(program_id, "mentee", waiting_only=True)
    mentors = await uow.matching.candidates(program_id, "mentor")
    live = await uow.matching.live_pairings(program_id)
    for proposal in pair_waiting(program, waiting, mentors, live):
        pairing_id = uuid4()
        status = "proposed" if program.both_must_accept else "active"
        await uow.matching.add_pairing(
            pairing_id=pairing_id, program_id=program_id, mentee=proposal.mentee, mentor=proposal.mentor,
            status=status, score=proposal.fit.score, reasons=list(proposal.fit.reasons),
        )
        facts = dict(
            pairing_id=pairing_id, program_id=program_id, chapter_id=program.chapter_id,
            mentee_id=proposal.mentee.person_id, mentor_id=proposal.mentor.person_id,
            score=proposal.fit.score, reason_codes=list(proposal.fit.reasons),
        )
        if status == "proposed":
            uow.emit(contract.PairingProposed(**facts))
        else:
            uow.emit(contract.PairingConfirmed(**facts, term_ends_at=term_end(datetime.now(UTC), program.term_months)))


async def _tell_if_waiting(event: source.EnrollmentCreated, uow) -> None:
    for entry in await uow.matching.waitlist(event.program_id):
        if entry["enrollment_id"] == event.enrollment_id:
            uow.emit(
                contract.MenteeWaitlisted(
                    enrollment_id=event.enrollment_id, program_id=event.program_id, chapter_id=event.chapter_id,
                    mentee_id=event.person_id, position=entry["position"],
                )
            )


async def waitlist(program_id: UUID, uow) -> list[dict]:
    async with uow:
        return await uow.matching.waitlist(program_id)


async def pairings_of(person_id: UUID, uow) -> list[dict]:
    async with uow:
        return await uow.matching.pairings_of(person_id)
