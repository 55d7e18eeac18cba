"""Pairing as people register: room offered to the waiting once per transaction, proposals written and announced,
and those left waiting told their place.

It runs for every batch of registrations, so it reads what it needs in few round trips, and the program's mentors,
scored, come from memory while the database says they have not changed (`rosters`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from mentorship_contracts import IntegrationEvent
from mentorship_contracts import matching as contract
from mentorship_contracts.envelope import private_twin_of
from plumbing import correlation

from ..domain.model import NewPairing, Pairing, PairingOrigin, ProgramRules, term_end
from ..domain.pairing import Proposal, pair_from_roster
from .ports import MatchingUnitOfWorkPort


def offer_room(program_id: UUID, uow: MatchingUnitOfWorkPort, only_mentees: list[UUID] | None = None,
               after_closing: dict[UUID, UUID] | None = None) -> None:
    """Have waiting mentees (all, or only these enrollments) paired in the program as room allows, once, just
    before the transaction commits: a consumer applying a batch of enrollments pairs them all at once, in
    waiting order, with the program read once. The action that asked is remembered with the mentees it asked for:
    what is announced about a mentee carries that action's correlation id, whatever else shares the batch.
    `after_closing` names, for mentee enrollments whose pairing just closed, that pairing (`put_back`)."""
    uow.defer(("offer_room", program_id), Wanted(only_mentees, correlation.current(), after_closing or {}),
              lambda wanted, unit: _pair_waiting(program_id, unit, wanted))


async def put_back(pairing: Pairing, uow: MatchingUnitOfWorkPort) -> None:
    """The mentee of a pairing that just closed waits again, and room is offered in its program: from when they
    waited before it, their place kept, when it closed through no doing of theirs (their mentor declined, ended it or
    left; the program withdrew or ended it), else from now, at the back (`Pairing.keeps_mentee_place` says which).
    Those who waited behind them are one place further back: the places told from now on (this mentee's too, told as
    the transaction commits) and looked up count them there."""
    await uow.waitlist.back_to_waiting(pairing.mentee_enrollment_id, keep_place=pairing.keeps_mentee_place())
    offer_room(pairing.program_id, uow, after_closing=closed_pairings([pairing]))


def closed_pairings(pairings: list[Pairing]) -> dict[UUID, UUID]:
    """Each mentee enrollment of these pairings, which just closed, with its pairing: told their place on the waitlist,
    the mentee is told which closing put them there (`after_pairing_id`), which travels on another topic where the
    program's members are public, so that whoever tells them both can tell the closing first."""
    return {p.mentee_enrollment_id: p.id for p in pairings if p.mentee_enrollment_id is not None}


@dataclass(frozen=True)
class Wanted:
    mentees: list[UUID] | None  # None: every waiting mentee of the program
    correlation_id: str | None
    after_closing: dict[UUID, UUID]  # mentee enrollment -> the pairing whose closing put it back


def _correlations(wanted: list[Wanted]) -> Callable[[UUID], str | None]:
    """Each mentee enrollment's action: the one that asked for it by name, else the one that made room for all."""
    named = {mentee: w.correlation_id for w in wanted if w.mentees for mentee in w.mentees}
    for_all = next((w.correlation_id for w in wanted if w.mentees is None), None)
    return lambda enrollment_id: named.get(enrollment_id, for_all)


async def _pair_waiting(program_id: UUID, uow: MatchingUnitOfWorkPort, wanted: list[Wanted]) -> None:
    """Pair the waiting mentees that were `wanted` (None: all of them) as room allows, then tell those left their
    place."""
    only_mentees = None if any(w.mentees is None for w in wanted) else [m for w in wanted if w.mentees
                                                                         for m in w.mentees]
    correlation_of = _correlations(wanted)
    await uow.programs.lock(program_id)
    program, weights, stamp, live_per_mentor = await uow.programs.pairing_context(program_id)
    if program is None or program.pairing_mode != "on_registration":
        return
    waiting, closed = await uow.candidates.waiting(program, only_mentees)
    if not waiting:
        return
    roster = await uow.rosters.roster(program, weights, stamp, uow.candidates)
    room = roster.room(live_per_mentor)
    proposals: list[Proposal] = []
    if (room > 0).any():
        proposals = pair_from_roster(program, waiting, roster, room, sum(live_per_mentor.values()), closed)
        await propose(program, proposals, uow, origin="registration", correlation_of=correlation_of)
    paired = {p.mentee.enrollment_id for p in proposals}
    left = [m.enrollment_id for m in waiting if m.enrollment_id not in paired]
    if left:
        after_closing = {enrollment: pairing for w in wanted for enrollment, pairing in w.after_closing.items()}
        await announce_waiting(program, left, uow, correlation_of, after_closing)


async def propose(program: ProgramRules, proposals: list[Proposal], uow: MatchingUnitOfWorkPort, *,
                  origin: PairingOrigin, round_id: UUID | None = None,
                  correlation_of: Callable[[UUID], str | None] = lambda _: None) -> list[NewPairing]:
    """Write proposals (active at once when made on registration in a program that asks no one's acceptance; a
    pair made by hand always waits for its mentee) and their events; the pairings written."""
    written, events = proposed(program, proposals, origin=origin, now=datetime.now(UTC),
                               answer_within_days=uow.answer_within_days, round_id=round_id,
                               correlation_of=correlation_of)
    uow.emit(*events)
    if written:
        await uow.pairings.add(written)
    return written


def proposed(program: ProgramRules, proposals: list[Proposal], *, origin: PairingOrigin, now: datetime,
             answer_within_days: int, round_id: UUID | None = None,
             correlation_of: Callable[[UUID], str | None] = lambda _: None, private: bool = False
             ) -> tuple[list[NewPairing], list[IntegrationEvent]]:
    """The pairings `propose` writes, made `now`, and their events (`answer_within_days`: the service's time to
    answer, for a program that sets none). Pure: a round builds its tens of thousands in a worker thread. `private`:
    the program keeps who takes part from other teams, so the events are built as the private twins its unit of work
    would publish them as (`plumbing.membership`), rather than built public and turned into them."""
    confirmed = origin == "registration" and not program.both_must_accept
    told_confirmed: type[IntegrationEvent] = contract.PairingConfirmedV4
    told_proposed: type[IntegrationEvent] = contract.PairingProposedV6
    if private:
        told_confirmed, told_proposed = (private_twin_of(model) or model for model in (told_confirmed, told_proposed))
    ends = term_end(now, program.term_months) if confirmed else None
    answer_by = answer_by_from(now, program, answer_within_days)
    written: list[NewPairing] = []
    events: list[IntegrationEvent] = []
    for proposal in proposals:
        pairing = NewPairing(
            id=uuid4(), program_id=program.id, chapter_id=program.chapter_id, mentee=proposal.mentee,
            mentor=proposal.mentor, status="active" if confirmed else "proposed", origin=origin, round_id=round_id,
            score=proposal.fit.score, reasons=proposal.fit.reasons, confirmed_at=now if confirmed else None,
            term_ends_at=ends)
        written.append(pairing)
        told = facts_of(pairing.id, program, proposal.mentee.person_id, proposal.mentor.person_id)
        scored = dict(score=proposal.fit.score, reason_codes=list(proposal.fit.reasons),
                      pairing_kind=proposal.mentee.pairing_kind)
        told["correlation_id"] = correlation_of(proposal.mentee.enrollment_id)
        events.append(told_confirmed(**told, **scored, term_ends_at=ends) if confirmed
                      else told_proposed(**told, **scored, requested_by_mentee=False, answer_by=answer_by))
    return written, events


async def announce_waiting(program: ProgramRules, considered: list[UUID], uow: MatchingUnitOfWorkPort,
                           correlation_of: Callable[[UUID], str | None] = lambda _: None,
                           after_closing: dict[UUID, UUID] | None = None) -> None:
    """Tell the mentees just considered who still wait their place, once. Only those whose matching profile has
    arrived are considered, and only after pairing was tried, so no one hears "waitlisted" just before being
    paired. (Every change that may leave someone waiting considers them: their enrollment, their profile, the
    program's definition, their pairing closing; in a program of rounds, a round published.)"""
    after_closing = after_closing or {}
    fresh = await uow.waitlist.unannounced(program.id, considered)
    for entry in fresh:
        uow.emit(contract.MenteeWaitlistedV4(
            enrollment_id=entry["enrollment_id"], program_id=program.id, chapter_id=program.chapter_id,
            mentee_id=entry["person_id"], position=entry["position"], pairing_kind=entry["pairing_kind"],
            after_pairing_id=after_closing.get(entry["enrollment_id"]),
            correlation_id=correlation_of(entry["enrollment_id"]),
        ))
    if fresh:
        await uow.waitlist.mark_announced([e["enrollment_id"] for e in fresh])


def answer_by_from(proposed_at: datetime, program: ProgramRules, answer_within_days: int) -> datetime:
    """Until when a proposal or a request made at `proposed_at` may be answered: its program's time to answer, else
    the platform's (`answer_within_days`)."""
    return proposed_at + timedelta(days=program.answer_within_days or answer_within_days)


def facts_of(pairing_id: UUID, program: ProgramRules, mentee_id: UUID, mentor_id: UUID) -> dict[str, Any]:
    """What every event about a pairing says of it."""
    return dict(pairing_id=pairing_id, program_id=program.id, chapter_id=program.chapter_id, mentee_id=mentee_id,
                mentor_id=mentor_id)


def facts(p: Pairing) -> dict[str, Any]:
    return dict(pairing_id=p.id, program_id=p.program_id, chapter_id=p.chapter_id, mentee_id=p.mentee_id,
                mentor_id=p.mentor_id)
