"""Matching's use cases: reactions to profiles' events, the lifecycle, rounds, and queries.

Plain functions of a command or event and a unit of work. Every change to pairings in a program happens under
that program's advisory lock, so capacities, caps and "one live pairing per mentee" hold across instances.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID, uuid4

import numpy as np
from mentorship_contracts import matching as contract
from mentorship_contracts import profiles as source

from ..domain import commands
from ..domain.model import Candidate, Conflict, IdentityWish, MatchingError, NotFound, Pairing, ProgramRules
from ..domain.pairing import Proposal, pair_from_roster, term_end
from ..domain.rounds import candidate_graph, stable_matching, unpaired_reasons
from ..domain.scoring import Weights, exclusion, fit, pair_fits, suitable_mentors

SUGGESTIONS = 5
REQUEST_LIMIT = 3  # pending requests a mentee may have at once in a mentee-choice program

Authorize = Callable[[Pairing, ProgramRules], commands.Actor]
Solver = Callable[..., np.ndarray]


def _now() -> datetime:
    return datetime.now(UTC)


# --- the read model ---------------------------------------------------------------------------------------
async def program_defined(event: source.ProgramDefined, uow) -> None:
    async with uow:
        await uow.matching.save_program(
            ProgramRules(
                id=event.program_id, chapter_id=event.chapter_id, pairing_mode=event.pairing_mode,
                both_must_accept=event.both_must_accept, pair_cap=event.pair_cap, minimum_score=event.minimum_score,
                term_months=event.term_months, mentee_stages=event.mentee_stages, mentor_stages=event.mentor_stages,
                cadence_max_days=event.cadence_max_days, format=event.format, group_size=event.group_size,
            )
        )
        _offer_room(event.program_id, uow)
        await uow.commit()


async def _lock_programs_of(person_id: UUID, uow) -> list[UUID]:
    """Lock every program the person is enrolled in (sorted: every handler takes program locks in the same
    order), before writing anything about them."""
    enrolled_in = await uow.matching.programs_of(person_id)
    for program_id in enrolled_in:
        await uow.matching.lock_program(program_id)
    return enrolled_in


async def matching_profile_changed(event: source.MatchingProfileChanged, uow) -> None:
    async with uow:
        enrolled_in = await _lock_programs_of(event.person_id, uow)
        await uow.matching.save_profile(
            event.person_id, stage=event.stage, specialties=list(event.specialties),
            support_areas=list(event.support_areas), languages=list(event.languages), timezone=event.timezone,
            region=event.region, modalities=list(event.modalities), identity=dict(event.identity_for_matching),
            identity_wishes=[IdentityWish(r.attribute, r.strength == "requirement") for r in event.identity_requests],
        )
        for program_id in enrolled_in:
            _offer_room(program_id, uow)
        await uow.commit()


async def consent_changed(event: source.ConsentChanged, uow) -> None:
    """A withdrawal of consent for matching forgets the attribute at once; a grant waits for the value to come
    with the next matching profile (it never travels on this event)."""
    if event.purpose != "matching" or event.granted:
        return
    async with uow:
        await _lock_programs_of(event.person_id, uow)
        await uow.matching.forget_identity(event.person_id, event.attribute)
        await uow.commit()


async def enrollment_created(event: source.EnrollmentCreated, uow) -> None:
    await _save_enrollment(event, uow)


async def enrollment_changed(event: source.EnrollmentChanged, uow) -> None:
    await _save_enrollment(event, uow)


async def _save_enrollment(event: source.EnrollmentCreated | source.EnrollmentChanged, uow) -> None:
    async with uow:
        await uow.matching.lock_program(event.program_id)
        await uow.matching.save_enrollment(
            enrollment_id=event.enrollment_id, person_id=event.person_id, program_id=event.program_id,
            chapter_id=event.chapter_id, role=event.role, stage=event.stage, capacity=event.capacity,
            mentee_stages_welcome=list(event.mentee_stages_welcome), approved=event.approval == "approved",
            enrolled_at=event.occurred_at, pairing_kind=getattr(event, "pairing_kind", "general"),
        )
        if event.approval == "suspended":
            await _close_all(await uow.matching.live_pairings_of_enrollment(event.enrollment_id), event.person_id,
                             "mentor_suspended", uow)
        # A new mentee brings no room: only they need placing. Anything else may have made room for everyone.
        only = [event.enrollment_id] if event.role == "mentee" and isinstance(event, source.EnrollmentCreated) else None
        _offer_room(event.program_id, uow, only_mentees=only)
        await uow.commit()


async def mentor_approved(event: source.MentorApproved, uow) -> None:
    async with uow:
        await uow.matching.lock_program(event.program_id)
        await uow.matching.set_approval(event.enrollment_id, True)
        _offer_room(event.program_id, uow)
        await uow.commit()


async def mentor_suspended(event: source.MentorSuspended, uow) -> None:
    async with uow:
        await uow.matching.lock_program(event.program_id)
        await uow.matching.set_approval(event.enrollment_id, False)
        await _close_all(await uow.matching.live_pairings_of_enrollment(event.enrollment_id), event.person_id,
                         "mentor_suspended", uow)
        _offer_room(event.program_id, uow)
        await uow.commit()


async def enrollment_withdrawn(event: source.EnrollmentWithdrawn, uow) -> None:
    async with uow:
        await uow.matching.lock_program(event.program_id)
        await uow.matching.withdraw(event.enrollment_id)
        await _close_all(await uow.matching.live_pairings_of_enrollment(event.enrollment_id), event.person_id,
                         "withdrawn", uow)
        _offer_room(event.program_id, uow)
        await uow.commit()


async def person_erased(event: source.PersonErased, uow) -> None:
    """Partners are told the pairing ended and go back to matching; then every trace of the person goes."""
    async with uow:
        enrolled_in = await _lock_programs_of(event.person_id, uow)
        await _close_all(await uow.matching.live_pairings_of_person(event.person_id), event.person_id, "person_erased", uow)
        await uow.matching.forget_person(event.person_id)
        for program_id in enrolled_in:
            _offer_room(program_id, uow)
        await uow.commit()


# --- pairing as people register, and the waitlist -----------------------------------------------------------
def _offer_room(program_id: UUID, uow, only_mentees: list[UUID] | None = None) -> None:
    """Have waiting mentees (all, or only these enrollments) paired in the program as room allows, once, just
    before the transaction commits: a consumer applying a batch of enrollments pairs them all at once, in
    waiting order, with the program read once (see `_pair_waiting`)."""
    uow.defer(("offer_room", program_id), only_mentees, lambda wanted, unit: _pair_waiting(program_id, unit, wanted))


async def _pair_waiting(program_id: UUID, uow, wanted: list[list[UUID] | None]) -> None:
    """Pair the waiting mentees that were `wanted` (None: all of them) as room allows, then tell those left their
    place.

    It runs for every batch of registrations, so it reads what it needs in few round trips, and the program's
    mentors, scored, come from memory while the database says they have not changed (`rosters`)."""
    only_mentees = None if None in wanted else [m for mentees in wanted for m in mentees]
    await uow.matching.lock_program(program_id)
    program, weights, stamp, live_per_mentor = await uow.matching.pairing_context(program_id)
    if program is None or program.pairing_mode != "on_registration":
        return
    waiting, closed = await uow.matching.waiting(program, only_mentees)
    if not waiting:
        return
    roster = await uow.rosters.roster(program, weights, stamp, uow)
    room = roster.room(live_per_mentor)
    proposals: list[Proposal] = []
    if (room > 0).any():
        proposals = pair_from_roster(program, waiting, roster, room, sum(live_per_mentor.values()), closed)
        await _propose(program, proposals, uow, origin="registration")
    paired = {p.mentee.enrollment_id for p in proposals}
    left = [m.enrollment_id for m in waiting if m.enrollment_id not in paired]
    if left:
        await _announce_waiting(program, left, uow)


async def _propose(program: ProgramRules, proposals: list[Proposal], uow, *, origin: str,
                   round_id: UUID | None = None) -> None:
    """Write proposals (active at once when the program asks no one's acceptance) and their events."""
    confirmed = origin == "registration" and not program.both_must_accept
    now = _now()
    ends = term_end(now, program.term_months) if confirmed else None
    rows = []
    for proposal in proposals:
        row = dict(id=uuid4(), program_id=program.id, chapter_id=program.chapter_id, mentee=proposal.mentee,
                   mentor=proposal.mentor, status="active" if confirmed else "proposed", origin=origin,
                   round_id=round_id, score=proposal.fit.score, reasons=proposal.fit.reasons,
                   confirmed_at=now if confirmed else None, term_ends_at=ends)
        rows.append(row)
        facts = _facts_of(row["id"], program, proposal.mentee.person_id, proposal.mentor.person_id)
        scored = dict(score=proposal.fit.score, reason_codes=list(proposal.fit.reasons),
                      pairing_kind=proposal.mentee.pairing_kind)
        uow.emit(contract.PairingConfirmedV2(**facts, **scored, term_ends_at=ends) if confirmed
                 else contract.PairingProposedV2(**facts, **scored))
    if rows:
        await uow.matching.add_pairings(rows)


async def _announce_waiting(program: ProgramRules, considered: list[UUID], uow) -> None:
    """Tell the mentees just considered who still wait their place, once. Only those whose matching profile has
    arrived are considered, and only after pairing was tried, so no one hears "waitlisted" just before being
    paired. (Every change that may leave someone waiting considers them: their enrollment, their profile, the
    program's definition, their pairing closing.)"""
    fresh = await uow.matching.unannounced(program.id, considered)
    for entry in fresh:
        uow.emit(contract.MenteeWaitlistedV2(
            enrollment_id=entry["enrollment_id"], program_id=program.id, chapter_id=program.chapter_id,
            mentee_id=entry["person_id"], position=entry["position"], pairing_kind=entry["pairing_kind"],
        ))
    if fresh:
        await uow.matching.mark_announced([e["enrollment_id"] for e in fresh])


def _facts_of(pairing_id: UUID, program: ProgramRules, mentee_id: UUID, mentor_id: UUID) -> dict:
    return dict(pairing_id=pairing_id, program_id=program.id, chapter_id=program.chapter_id, mentee_id=mentee_id,
                mentor_id=mentor_id)


def _facts(p: Pairing) -> dict:
    return dict(pairing_id=p.id, program_id=p.program_id, chapter_id=p.chapter_id, mentee_id=p.mentee_id,
                mentor_id=p.mentor_id)


async def _close_all(pairings: list[Pairing], by_person: UUID, reason_code: str, uow) -> None:
    """End what is active, decline what is proposed, lapse what is requested, on behalf of the person who left:
    one event each, and each mentee back to matching. The caller holds the programs' locks."""
    for p in pairings:
        side = p.side_of(by_person)
        if p.status == "active":
            p.end()
            uow.emit(contract.PairingEnded(**_facts(p), ended_by=side, reason_code=reason_code))
        elif p.status == "proposed":
            p.decline()
            uow.emit(contract.PairingDeclined(**_facts(p), declined_by=side, reason_code=reason_code))
        else:
            p.status = "lapsed"
            uow.emit(contract.PairingLapsed(**_facts(p), reason_code=reason_code))
        await uow.matching.save_pairing(p, closed_reason=reason_code)
        await uow.matching.back_to_waiting(p.mentee_enrollment_id)


# --- the lifecycle ------------------------------------------------------------------------------------------
async def _load(pairing_id: UUID, uow, authorize: Authorize) -> tuple[Pairing, ProgramRules, commands.Actor]:
    """The pairing, locked (its program first, always in that order), with the caller's standing on it."""
    program_id = await uow.matching.program_of_pairing(pairing_id)
    if program_id is None:
        raise NotFound("no such pairing", "pairing_id")
    await uow.matching.lock_program(program_id)
    pairing = await uow.matching.pairing(pairing_id)
    program = await uow.matching.program(program_id)
    return pairing, program, authorize(pairing, program)


def _side(pairing: Pairing, actor: commands.Actor) -> str:
    if actor.for_program:
        return "program"
    return pairing.side_of(actor.person_id)


async def accept(cmd: commands.AcceptPairing, uow, authorize: Authorize) -> Pairing:
    async with uow:
        pairing, program, actor = await _load(cmd.pairing_id, uow, authorize)
        requested = pairing.status == "requested"
        if requested:
            await _check_room_for_request(pairing, program, uow)
        if pairing.accept(_side(pairing, actor), program):
            pairing.term_ends_at = term_end(_now(), program.term_months)
            uow.emit(contract.PairingConfirmedV2(**_facts(pairing), score=pairing.score, reason_codes=pairing.reasons,
                                                 term_ends_at=pairing.term_ends_at, pairing_kind=pairing.pairing_kind))
            await uow.matching.save_pairing(pairing)
            if requested:
                others = [r for r in await uow.matching.pending_requests(pairing.mentee_enrollment_id) if r.id != pairing.id]
                for other in others:
                    other.status = "lapsed"
                    uow.emit(contract.PairingLapsed(**_facts(other), reason_code="another_request_accepted"))
                    await uow.matching.save_pairing(other, closed_reason="another_request_accepted")
        else:
            await uow.matching.save_pairing(pairing)
        await uow.commit()
        return pairing


async def _check_room_for_request(pairing: Pairing, program: ProgramRules, uow) -> None:
    mentor = await uow.matching.candidates(program, "mentor", enrollment_ids=[pairing.mentor_enrollment_id])
    if not mentor or not mentor[0].has_room:
        raise Conflict("the mentor has no room left", "pairing_id")
    if program.pair_cap is not None and await uow.matching.live_pairings(program.id) >= program.pair_cap:
        raise Conflict("the program has reached its cap on pairs", "pairing_id")
    if not await uow.matching.candidates(program, "mentee", waiting_only=True,
                                         enrollment_ids=[pairing.mentee_enrollment_id]):
        raise Conflict("the mentee is already paired in this program", "pairing_id")


async def decline(cmd: commands.DeclinePairing, uow, authorize: Authorize) -> Pairing:
    return await _close(cmd.pairing_id, cmd.reason_code, uow, authorize, Pairing.decline,
                        lambda facts, side: contract.PairingDeclined(**facts, declined_by=side, reason_code=cmd.reason_code))


async def end(cmd: commands.EndPairing, uow, authorize: Authorize) -> Pairing:
    return await _close(cmd.pairing_id, cmd.reason_code, uow, authorize, Pairing.end,
                        lambda facts, side: contract.PairingEnded(**facts, ended_by=side, reason_code=cmd.reason_code))


async def _close(pairing_id, reason_code: str, uow, authorize: Authorize, transition, announcement) -> Pairing:
    """Decline or end a pairing by one of its sides; the mentee goes back to matching and room is offered again."""
    async with uow:
        pairing, program, actor = await _load(pairing_id, uow, authorize)
        side = "mentee" if _side(pairing, actor) == "mentee" else "mentor"
        transition(pairing)
        uow.emit(announcement(_facts(pairing), side))
        await uow.matching.save_pairing(pairing, closed_reason=reason_code)
        await uow.matching.back_to_waiting(pairing.mentee_enrollment_id)
        _offer_room(program.id, uow)
        await uow.commit()
        return pairing


async def renew(cmd: commands.RenewPairing, uow, authorize: Authorize) -> Pairing:
    async with uow:
        pairing, program, _ = await _load(cmd.pairing_id, uow, authorize)
        pairing.renew(term_end(max(pairing.term_ends_at, _now()), program.term_months))
        uow.emit(contract.PairingRenewed(**_facts(pairing), term_ends_at=pairing.term_ends_at))
        await uow.matching.save_pairing(pairing)
        await uow.commit()
        return pairing


async def complete(cmd: commands.CompletePairing, uow, authorize: Authorize) -> Pairing:
    async with uow:
        pairing, program, _ = await _load(cmd.pairing_id, uow, authorize)
        await _complete(pairing, uow)
        _offer_room(program.id, uow)
        await uow.commit()
        return pairing


async def _complete(pairing: Pairing, uow) -> None:
    pairing.complete()
    uow.emit(contract.PairingCompleted(**_facts(pairing)))
    await uow.matching.save_pairing(pairing, closed_reason="term_completed")


async def log_meeting(cmd: commands.LogMeeting, uow, authorize: Authorize) -> Pairing:
    async with uow:
        pairing, _, actor = await _load(cmd.pairing_id, uow, authorize)
        pairing.log_meeting(cmd.met_on, _now().date())
        met_at = datetime.combine(cmd.met_on, datetime.min.time(), UTC)
        pairing.last_met_at = max(filter(None, (pairing.last_met_at, met_at)))
        await uow.matching.add_meeting(pairing.id, cmd.met_on, cmd.minutes, cmd.topics, actor.person_id)
        await uow.matching.save_pairing(pairing)
        await uow.commit()
        return pairing


async def give_feedback(cmd: commands.GiveFeedback, uow, authorize: Authorize) -> None:
    async with uow:
        pairing, _, actor = await _load(cmd.pairing_id, uow, authorize)
        if pairing.side_of(actor.person_id) is None:
            raise MatchingError("feedback comes from the mentee or the mentor", "pairing_id")
        pairing.may_give_feedback()
        if not await uow.matching.add_feedback(pairing.id, actor.person_id, cmd.rating, cmd.comment):
            raise Conflict("you already gave feedback on this mentorship", "pairing_id")
        await uow.commit()


async def signal_lifecycle(uow, renewal_notice_days: int, batch: int = 500) -> int:
    """Overdue meetings, renewals due and terms ended: each signalled once per period, however many instances
    run this (the rows are claimed by one UPDATE each); returns how many were signalled."""
    async with uow:
        # Program locks before pairing rows, as every other handler takes them, or two could deadlock.
        programs = await uow.matching.programs_with_terms_ended()
        for program_id in programs:
            await uow.matching.lock_program(program_id)
        ended = await uow.matching.terms_ended(programs, batch)
        for pairing in ended:
            await _complete(pairing, uow)
        for program_id in programs:
            _offer_room(program_id, uow)
        overdue = await uow.matching.claim_overdue(batch)
        for pairing, last_met_at, late in overdue:
            uow.emit(contract.MeetingOverdue(**_facts(pairing), last_met_at=last_met_at, days_overdue=max(0, late)))
        due = await uow.matching.claim_renewals_due(renewal_notice_days, batch)
        for pairing in due:
            uow.emit(contract.RenewalDue(**_facts(pairing), term_ends_at=pairing.term_ends_at))
        await uow.commit()
        return len(overdue) + len(due) + len(ended)


# --- mentee choice ------------------------------------------------------------------------------------------
async def _program(program_id: UUID, uow) -> ProgramRules:
    program = await uow.matching.program(program_id)
    if program is None:
        raise NotFound("no such program", "program_id")
    return program


async def _mentee(program: ProgramRules, person_id: UUID, uow, pairing_kind: str | None = None) -> Candidate:
    enrollments = await uow.matching.enrollments_of(person_id, program.id, "mentee", pairing_kind)
    if not enrollments:
        raise NotFound("not enrolled as a mentee in this program" + (f" for {pairing_kind}" if pairing_kind else ""),
                       "mentee_id")
    if len(enrollments) > 1:
        kinds = ", ".join(e["pairing_kind"] for e in enrollments)
        raise MatchingError(f"enrolled here for several kinds of pairing ({kinds}): say which", "pairing_kind")
    found = await uow.matching.candidates(program, "mentee", enrollment_ids=[enrollments[0]["id"]])
    if not found:
        raise Conflict("matching has not received this mentee's matching profile yet", "mentee_id")
    return found[0]


async def suggestions(program_id: UUID, mentee_id: UUID, uow, pairing_kind: str | None = None) -> list[dict]:
    async with uow:
        program = await _program(program_id, uow)
        mentee = await _mentee(program, mentee_id, uow, pairing_kind)
        mentors = await uow.matching.candidates(program, "mentor")
        requested = {r.mentor_id for r in await uow.matching.pending_requests(mentee.enrollment_id)}
        found = suitable_mentors(mentee, mentors, program, await uow.matching.weights(program_id),
                                 await uow.matching.closed_before(program_id, [mentee.person_id]), limit=SUGGESTIONS)
        return [{"mentor_id": m.person_id, "score": f.score, "reason_codes": list(f.reasons),
                 "requested": m.person_id in requested} for m, f in found]


async def request_mentor(cmd: commands.RequestMentor, uow) -> UUID:
    async with uow:
        await uow.matching.lock_program(cmd.program_id)
        program = await _program(cmd.program_id, uow)
        if program.pairing_mode != "mentee_choice":
            raise Conflict("in this program mentees do not choose their mentor", "program_id")
        mentee = await _mentee(program, cmd.mentee_id, uow, cmd.pairing_kind)
        if mentee.active_pairings:
            raise Conflict("you are already paired in this program", "mentee_id")
        pending = await uow.matching.pending_requests(mentee.enrollment_id)
        if any(r.mentor_id == cmd.mentor_id for r in pending):
            raise Conflict("you already asked this mentor", "mentor_id")
        if len(pending) >= REQUEST_LIMIT:
            raise Conflict(f"at most {REQUEST_LIMIT} requests may wait for an answer at once", "mentor_id")
        enrollments = await uow.matching.enrollments_of(cmd.mentor_id, program.id, "mentor", mentee.pairing_kind)
        mentors = await uow.matching.candidates(program, "mentor", enrollment_ids=[enrollments[0]["id"]]) \
            if enrollments else []
        if not mentors:
            raise NotFound(f"not a {mentee.pairing_kind} mentor of this program", "mentor_id")
        mentor = mentors[0]
        ruled_out = exclusion(mentee, mentor, program, await uow.matching.closed_before(program.id, [mentee.person_id]))
        if ruled_out:
            raise Conflict(f"this mentor cannot be requested: {ruled_out}", "mentor_id")
        chosen = fit(mentee, mentor, await uow.matching.weights(program.id))
        pairing_id = uuid4()
        await uow.matching.add_pairings([dict(
            id=pairing_id, program_id=program.id, chapter_id=program.chapter_id, mentee=mentee, mentor=mentor,
            status="requested", origin="choice", score=chosen.score, reasons=chosen.reasons, mentee_accepted=True,
        )])
        uow.emit(contract.PairingProposedV2(**_facts_of(pairing_id, program, mentee.person_id, mentor.person_id),
                                            score=chosen.score, reason_codes=list(chosen.reasons),
                                            pairing_kind=mentee.pairing_kind))
        await uow.commit()
        return pairing_id


# --- rounds -------------------------------------------------------------------------------------------------
async def queue_round(cmd: commands.RunRound, uow) -> UUID:
    async with uow:
        await _program(cmd.program_id, uow)
        round_id = uuid4()
        await uow.matching.queue_round(round_id, cmd.program_id, cmd.method, cmd.most_pairs_first)
        await uow.commit()
        return round_id


async def run_next_round(new_uow: Callable[[], object], solve: Solver, progress_seconds: float = 0.5) -> UUID | None:
    """Claim one queued round and run it; None when none waits.

    The round holds its program's lock from reading to writing, so no registration pairs anyone in between.
    The computation runs in a worker thread (numpy and OR-Tools release the GIL), the event loop staying free
    to serve requests and report progress from another connection.
    """
    async with new_uow() as claim:
        row = await claim.matching.claim_round()
        await claim.commit()
    if row is None:
        return None
    round_id = row["id"]
    done = [0.0]

    async def report() -> None:
        while True:
            await asyncio.sleep(progress_seconds)
            async with new_uow() as unit:
                await unit.matching.round_progress(round_id, int(90 * done[0]))
                await unit.commit()

    reporter = asyncio.create_task(report())
    try:
        async with new_uow() as uow:
            await uow.matching.lock_program(row["program_id"])
            program = await uow.matching.program(row["program_id"])
            mentees = await uow.matching.candidates(program, "mentee", waiting_only=True)
            mentors = await uow.matching.candidates(program, "mentor")
            weights = await uow.matching.weights(program.id)
            closed = await uow.matching.closed_before(program.id)
            live = await uow.matching.live_pairings(program.id)

            def compute():
                graph = candidate_graph(program, weights, mentees, mentors, live, closed,
                                        progress=lambda f: done.__setitem__(0, f))
                chosen = stable_matching(graph) if row["method"] == "stable" else solve(graph, row["most_pairs_first"])
                return graph, chosen

            graph, chosen = await asyncio.to_thread(compute)
            pairs = [(graph.mentees[graph.heads[e]], graph.mentors[graph.tails[e]]) for e in chosen]
            proposals = [Proposal(mentee, mentor, f) for (mentee, mentor), f in zip(pairs, pair_fits(pairs, weights))]
            await _propose(program, proposals, uow, origin="round", round_id=round_id)
            reasons = unpaired_reasons(graph, chosen)
            unprofiled = await uow.matching.unprofiled_mentees(program.id)
            if unprofiled:
                reasons["no_matching_profile"] = unprofiled
            total = int(graph.scores[chosen].sum()) if len(chosen) else 0
            await uow.matching.finish_round(round_id, status="completed", paired=len(chosen),
                                            unpaired=sum(reasons.values()), total_score=total,
                                            unpaired_reasons=dict(reasons))
            uow.emit(contract.RoundCompleted(round_id=round_id, program_id=program.id, chapter_id=program.chapter_id,
                                             paired=len(chosen), unpaired=sum(reasons.values()), total_score=total))
            await uow.commit()
    except Exception as error:
        async with new_uow() as unit:
            await unit.matching.finish_round(round_id, status="failed", error=type(error).__name__)
            await unit.commit()
        raise
    finally:
        reporter.cancel()
    return round_id


async def round_status(round_id: UUID, uow) -> dict:
    async with uow:
        found = await uow.matching.round(round_id)
        if found is None:
            raise NotFound("no such round", "round_id")
        return found


# --- weights and queries ------------------------------------------------------------------------------------
async def program_rules(program_id: UUID, uow) -> ProgramRules:
    async with uow:
        return await _program(program_id, uow)


async def weights_of(program_id: UUID, uow) -> Weights:
    async with uow:
        await _program(program_id, uow)
        return await uow.matching.weights(program_id)


async def set_weights(program_id: UUID, weights: Weights, uow) -> Weights:
    async with uow:
        await _program(program_id, uow)
        await uow.matching.save_weights(program_id, weights)
        await uow.commit()
        return weights


async def waitlist(program_id: UUID, uow) -> list[dict]:
    async with uow:
        return [{k: v for k, v in e.items() if k != "waitlist_announced"} for e in await uow.matching.waitlist(program_id)]


async def waitlist_place(program_id: UUID, person_id: UUID, uow, pairing_kind: str | None = None) -> dict:
    """A mentee's place on the program's waitlist, in the queue of the kind of pairing they wait for."""
    places = [e for e in await waitlist(program_id, uow)
              if e["person_id"] == person_id and pairing_kind in (None, e["pairing_kind"])]
    if not places:
        raise NotFound("not waiting in this program" + (f" for {pairing_kind}" if pairing_kind else ""), "person_id")
    if len(places) > 1:
        kinds = ", ".join(e["pairing_kind"] for e in places)
        raise MatchingError(f"waiting here for several kinds of pairing ({kinds}): say which", "pairing_kind")
    return places[0]


async def statistics(program_id: UUID, uow) -> dict:
    async with uow:
        await _program(program_id, uow)
        return await uow.matching.statistics(program_id)


async def pairings_of(person_id: UUID, uow) -> list[dict]:
    async with uow:
        return await uow.matching.pairings_of(person_id)


async def pairing(pairing_id: UUID, uow, authorize: Authorize) -> Pairing:
    async with uow:
        found, _, _ = await _load(pairing_id, uow, authorize)
        return found

