"""The mentorship lifecycle: a pairing accepted, declined, ended, renewed, completed, met and reviewed; closed when
one of its people leaves; and the watch that signals overdue meetings, renewals due and terms ended.

Each step loads the pairing under its program's lock (the program first, always in that order) and asks the
`Pairing` itself, which refuses what its status does not allow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from uuid import UUID

from mentorship_contracts import IntegrationEvent
from mentorship_contracts import matching as contract
from mentorship_contracts.vocabulary import Role

from ..domain import commands
from ..domain.errors import (
    AlreadyPaired,
    FeedbackAlreadyGiven,
    MeetingNotFound,
    MentorFull,
    MentorNotApproved,
    NotAParty,
    NotYourMeeting,
    PairingNotFound,
    ProgramCapReached,
)
from ..domain.model import (
    ANOTHER_REQUEST_ACCEPTED,
    ANSWER_REMINDER_BEFORE,
    UNANSWERED,
    Acceptor,
    Candidate,
    Pairing,
    ProgramRules,
    reported_side,
    rests_its_mentee,
)
from .pairing import closed_pairings, facts, offer_room, put_back
from .ports import Authorize, MatchingUnitOfWorkPort


def _now() -> datetime:
    return datetime.now(UTC)


async def load(pairing_id: UUID, uow: MatchingUnitOfWorkPort,
               authorize: Authorize) -> tuple[Pairing, ProgramRules, commands.Actor]:
    """The pairing, locked (its program first, always in that order), with the caller's standing on it."""
    program_id = await uow.pairings.program_of(pairing_id)
    if program_id is None:
        raise PairingNotFound("no such pairing", "pairing_id")
    await uow.programs.lock(program_id)
    pairing = await uow.pairings.get(pairing_id)
    program = await uow.programs.get(program_id)
    if pairing is None or program is None:  # gone before the lock was ours
        raise PairingNotFound("no such pairing", "pairing_id")
    return pairing, program, authorize(pairing, program)


def _side(pairing: Pairing, actor: commands.Actor) -> Acceptor:
    if actor.for_program:
        return "program"
    side = pairing.side_of(actor.person_id)
    if side is None:
        raise NotAParty("only the mentee or the mentor of this pairing may do this", "pairing_id")
    return "mentee" if side == Role.MENTEE else "mentor"


async def accept(cmd: commands.AcceptPairing, uow: MatchingUnitOfWorkPort, authorize: Authorize) -> Pairing:
    async with uow:
        pairing, program, actor = await load(cmd.pairing_id, uow, authorize)
        requested = pairing.status == "requested"
        if requested:
            await _check_room_for_request(pairing, program, uow)
        elif pairing.status == "proposed":  # a proposal they have, paused or not, starts only once they are approved
            await _check_mentor_approved(pairing, program, uow, paused_too=True)
        side = _side(pairing, actor)
        confirmed = pairing.accept(side, program, _now())
        await uow.pairings.save(pairing)
        if side != "program":
            await _answered(pairing, side, uow)
        if confirmed:
            uow.emit(contract.PairingConfirmedV4(**facts(pairing), score=pairing.score, reason_codes=pairing.reasons,
                                                 term_ends_at=pairing.term_ends_at, pairing_kind=pairing.pairing_kind))
        if confirmed and requested:
            for other in await uow.pairings.pending_requests(pairing.mentee_enrollment_id):
                if other.id != pairing.id:
                    uow.emit(_lapse(other, ANOTHER_REQUEST_ACCEPTED))
                    await uow.pairings.save(other)
        await uow.commit()
        return pairing


async def _check_room_for_request(pairing: Pairing, program: ProgramRules, uow: MatchingUnitOfWorkPort) -> None:
    mentor = await _check_mentor_approved(pairing, program, uow)
    if not mentor or not mentor[0].has_room:
        raise MentorFull("the mentor has no room left", "pairing_id")
    if program.pair_cap is not None and await uow.pairings.live_count(program.id) >= program.pair_cap:
        raise ProgramCapReached("the program has reached its cap on pairs", "pairing_id")
    if not await uow.candidates.in_program(program, "mentee", waiting_only=True,
                                           enrollment_ids=[pairing.mentee_enrollment_id]):
        raise AlreadyPaired("the mentee is already paired in this program", "pairing_id")


async def _check_mentor_approved(pairing: Pairing, program: ProgramRules, uow: MatchingUnitOfWorkPort,
                                 paused_too: bool = False) -> list[Candidate]:
    """A proposal or a request whose mentor is not approved (no longer: held for review, say) starts nothing until
    they are; the mentor read whatever their pause with `paused_too` (else found only while taking new mentees)."""
    mentor = await uow.candidates.in_program(program, "mentor", enrollment_ids=[pairing.mentor_enrollment_id],
                                             paused_too=paused_too)
    if mentor and not mentor[0].approved:
        raise MentorNotApproved("the mentor awaits a coordinator's review before taking a new mentee", "pairing_id")
    return mentor


# `no_reason_given`, a new value of a fixed list, was announced to other teams on 2026-12-07 and is published from
# 30 days later (contracts/README.md, "Notice"); until then such a decline is published as it was, `other`.
NO_REASON_GIVEN_PUBLISHED_FROM = datetime(2027, 1, 6, tzinfo=UTC)


def published_decline_reason(reason_code: str, now: datetime) -> str:
    """The decline's reason as matching.pairings says it on `now`: the value kept, once other teams were told of it."""
    if reason_code == "no_reason_given" and now < NO_REASON_GIVEN_PUBLISHED_FROM:
        return "other"
    return reason_code


async def decline(cmd: commands.DeclinePairing, uow: MatchingUnitOfWorkPort, authorize: Authorize,
                  now: datetime | None = None) -> Pairing:
    published = published_decline_reason(cmd.reason_code, now or datetime.now(UTC))
    return await _close(cmd.pairing_id, uow, authorize, lambda pairing, side: pairing.decline(cmd.reason_code, side),
                        lambda told, side: contract.PairingDeclinedV2(**told, declined_by=side,
                                                                    reason_code=published), answering=True)


async def _answered(pairing: Pairing, side: Acceptor, uow: MatchingUnitOfWorkPort) -> None:
    """An answer, yes or no, ends that side's run of lapses unanswered."""
    if (enrollment_id := pairing.enrollment_of(side)) is not None:
        await uow.people.answered(enrollment_id)


async def end(cmd: commands.EndPairing, uow: MatchingUnitOfWorkPort, authorize: Authorize) -> Pairing:
    return await _close(cmd.pairing_id, uow, authorize, lambda pairing, side: pairing.end(cmd.reason_code, side),
                        lambda told, side: contract.PairingEndedV2(**told, ended_by=side, reason_code=cmd.reason_code),
                        pausing=cmd.pause)


async def _close(pairing_id: UUID, uow: MatchingUnitOfWorkPort, authorize: Authorize,
                 step: Callable[[Pairing, Acceptor], None],
                 announcement: Callable[[dict, Role], IntegrationEvent], answering: bool = False,
                 pausing: bool = False) -> Pairing:
    """Decline (`answering` a proposal or a request) or end a pairing by one of its sides, `pausing` them in it; the
    mentee goes back to matching (or rests, their goals met) and room is offered again."""
    async with uow:
        pairing, program, actor = await load(pairing_id, uow, authorize)
        acting = _side(pairing, actor)
        side = Role.MENTEE if acting == "mentee" else Role.MENTOR
        step(pairing, acting)
        if answering and acting != "program":
            await _answered(pairing, acting, uow)
        if pausing and acting != "program" and (own := pairing.enrollment_of(side)) is not None:
            await uow.people.hold_back(own)
        uow.emit(announcement(facts(pairing), side))
        await uow.pairings.save(pairing)
        # Before the room is offered (as this transaction commits): no window in which the reported, or a mentee
        # resting, are paired.
        await _hold_the_reported(pairing, uow)
        await rest_the_mentee(pairing, uow)
        await put_back(pairing, uow)
        await uow.commit()
        return pairing


async def _hold_the_reported(pairing: Pairing, uow: MatchingUnitOfWorkPort) -> None:
    """One of the pair who ended it for a problem of conduct reports the other, who is held from any new pairing in
    the program until staff review: a mentor awaits vetting again (the place freed is offered to nobody, they are
    neither suggested nor requested, and what waits for them is closed), a mentee is paused. Profiles, told by the
    ending, holds them so too; a coordinator's approval (or resuming the mentee) lets them be paired again."""
    if pairing.closed_reason is None or pairing.closed_by is None:
        return
    reported = reported_side(pairing.closed_reason, pairing.closed_by)
    if reported is None:
        return
    enrollment_ids = await _enrollments_in_program(pairing, reported, uow)
    for enrollment_id in enrollment_ids:
        await uow.people.hold_for_review(enrollment_id)
    if reported == Role.MENTOR:
        # What waits for a mentor held goes no further: a proposal is withdrawn, a request lapses, each mentee back to
        # matching, told as of a mentor no longer approved (`mentor_suspended`: never why, which is staff's).
        waiting = [p for e in enrollment_ids for p in await uow.pairings.open_of_enrollment(e)
                   if p.status in ("proposed", "requested")]
        await close_all(waiting, pairing.mentor_id, MENTOR_SUSPENDED, uow)


async def rest_the_mentee(pairing: Pairing, uow: MatchingUnitOfWorkPort) -> None:
    """A mentorship that ran its course (its goals met, whoever ended it, or its term completed) leaves its mentee
    resting: paused, so on no waitlist and proposed to nobody, rather than paired at once with someone new they were
    never asked about. Profiles, told by the ending, pauses them so too (`paused_because`), and they resume themselves
    when they want another mentor."""
    if rests_its_mentee(pairing.closed_reason):
        for enrollment_id in await _enrollments_in_program(pairing, Role.MENTEE, uow):
            await uow.people.rest(enrollment_id)


async def _enrollments_in_program(pairing: Pairing, side: Role, uow: MatchingUnitOfWorkPort) -> list[UUID]:
    """The pairing's own enrollment of that side, and any other of its person's in that role here (another kind of
    mentorship): as profiles, told by the pairing's event (which names no kind), acts on every one of them."""
    person_id = pairing.mentor_id if side == Role.MENTOR else pairing.mentee_id
    found = {pairing.enrollment_of(side)} | {e["id"] for e in await uow.people.enrollments_of(
        person_id, pairing.program_id, side)}
    return sorted(e for e in found if e is not None)


# Why what waits for a mentor no longer approved (suspended, or held for review) closes.
MENTOR_SUSPENDED = "mentor_suspended"


def _lapse(pairing: Pairing, reason_code: str, left: Role | None = None) -> contract.PairingLapsedV3:
    """Lapse it, and say who had yet to answer it, whether the mentee had asked for this mentor, and which side's
    leaving lapsed it (version 4, for those alone)."""
    awaiting, requested = pairing.awaiting(), pairing.status == "requested"
    pairing.lapse(reason_code)
    said = dict(**facts(pairing), reason_code=reason_code, awaiting=awaiting, requested_by_mentee=requested)
    return contract.PairingLapsedV4(**said, lapsed_by=left) if left else contract.PairingLapsedV3(**said)


async def _did_not_answer(pairing: Pairing, side: Role, uow: MatchingUnitOfWorkPort) -> None:
    """One more lapse this side let pass. The last of a run of `PAUSED_AFTER_UNANSWERED` (a rule the contract states,
    so that messages can tell people in advance), and they are held back: a mentor proposed nobody new, a mentee
    proposed to no mentor (before the room this lapse freed is offered again, most likely to them), and profiles pauses
    them, which they can undo. Nobody waits, one after another, on someone who does not answer, and a mentor's place
    is not held for someone who does not. One already paused is not told again."""
    if (enrollment_id := pairing.enrollment_of(side)) is None:
        return
    in_a_row, paused = await uow.people.went_unanswered(enrollment_id)
    if in_a_row >= contract.PAUSED_AFTER_UNANSWERED and not paused:
        await uow.people.hold_back(enrollment_id)
        uow.emit(contract.StoppedAnswering(**facts(pairing), role=side, enrollment_id=enrollment_id,
                                           unanswered_in_a_row=in_a_row))


async def runs_of_lapses(pairings: Iterable[Pairing], uow: MatchingUnitOfWorkPort) -> dict[UUID, tuple[int, bool]]:
    """The run of lapses so far of each side these pairings await (`Pairing.paused_if_it_lapses`), in one read (none
    when they await nobody)."""
    awaited = {enrollment for p in pairings for side in p.awaiting() if (enrollment := p.enrollment_of(side)) is not None}
    return await uow.people.runs_of_lapses(awaited) if awaited else {}


async def close_all(pairings: list[Pairing], by_person: UUID, reason_code: str, uow: MatchingUnitOfWorkPort) -> None:
    """End what is active, decline what is proposed, lapse what is requested, on behalf of the person who left:
    one event each, and each mentee back to matching. The caller holds the programs' locks."""
    for p in pairings:
        side = p.side_of(by_person)
        acting: Acceptor = "mentee" if side == Role.MENTEE else "mentor" if side == Role.MENTOR else "program"
        if p.status == "active":
            p.end(reason_code, acting)
            uow.emit(contract.PairingEndedV2(**facts(p), ended_by=side, reason_code=reason_code))
        elif p.status == "proposed":
            p.decline(reason_code, acting)
            uow.emit(contract.PairingDeclinedV2(**facts(p), declined_by=side, reason_code=reason_code))
        else:
            uow.emit(_lapse(p, reason_code, side))
        await uow.pairings.save(p)
        await put_back(p, uow)


async def renew(cmd: commands.RenewPairing, uow: MatchingUnitOfWorkPort, authorize: Authorize,
                renewal_notice_days: int) -> Pairing:
    """One of the pair asks for another term, in the notice window before this one ends (as `RenewalDue` tells
    them); renewed, and announced, once both have asked. A coordinator does not renew for them."""
    async with uow:
        pairing, program, actor = await load(cmd.pairing_id, uow, authorize)
        side = _side(pairing, actor)
        if side == "program":
            raise NotAParty("the mentee and the mentor renew their mentorship, each for themselves", "pairing_id")
        if pairing.renew(side, program, _now(), renewal_notice_days):
            uow.emit(contract.PairingRenewedV2(**facts(pairing), term_ends_at=pairing.term_ends_at))
        await uow.pairings.save(pairing)
        await uow.commit()
        return pairing


async def complete(cmd: commands.CompletePairing, uow: MatchingUnitOfWorkPort, authorize: Authorize,
                   renewal_notice_days: int) -> Pairing:
    async with uow:
        pairing, _, _ = await load(cmd.pairing_id, uow, authorize)
        pairing.complete(_now(), renewal_notice_days)
        await _completed(pairing, uow)
        await uow.commit()
        return pairing


async def _completed(pairing: Pairing, uow: MatchingUnitOfWorkPort) -> None:
    """Announced; its mentee rests, their place counted from now when they ask again, and its mentor's room is
    offered."""
    uow.emit(contract.PairingCompletedV2(**facts(pairing)))
    await uow.pairings.save(pairing)
    await rest_the_mentee(pairing, uow)
    await put_back(pairing, uow)


async def log_meeting(cmd: commands.LogMeeting, uow: MatchingUnitOfWorkPort, authorize: Authorize) -> Pairing:
    async with uow:
        pairing, _, actor = await load(cmd.pairing_id, uow, authorize)
        pairing.log_meeting(cmd.met_on, _now())
        await uow.pairings.add_meeting(pairing.id, cmd.met_on, cmd.minutes, cmd.topics, actor.person_id)
        await uow.pairings.save(pairing)
        await uow.commit()
        return pairing


async def correct_meeting(cmd: commands.CorrectMeeting, uow: MatchingUnitOfWorkPort, authorize: Authorize
                          ) -> Pairing:
    """A meeting its logger dated, timed or described wrongly, corrected by the rules it was logged by."""
    async with uow:
        pairing = await _own_meeting(cmd.pairing_id, cmd.meeting_id, uow, authorize)
        pairing.may_meet_on(cmd.met_on, _now())
        await uow.pairings.change_meeting(cmd.meeting_id, cmd.met_on, cmd.minutes, cmd.topics)
        await _met_last(pairing, uow)
        await uow.commit()
        return pairing


async def delete_meeting(cmd: commands.DeleteMeeting, uow: MatchingUnitOfWorkPort, authorize: Authorize) -> Pairing:
    """A meeting its logger logged by mistake, or twice (their partner logged the same one), gone."""
    async with uow:
        pairing = await _own_meeting(cmd.pairing_id, cmd.meeting_id, uow, authorize)
        pairing.may_change_meetings()
        await uow.pairings.remove_meeting(cmd.meeting_id)
        await _met_last(pairing, uow)
        await uow.commit()
        return pairing


async def _own_meeting(pairing_id: UUID, meeting_id: int, uow: MatchingUnitOfWorkPort,
                       authorize: Authorize) -> Pairing:
    """The pairing, locked, of a meeting of it the caller logged: their partner's is theirs alone to change."""
    pairing, _, actor = await load(pairing_id, uow, authorize)
    meeting = await uow.pairings.meeting(pairing.id, meeting_id)
    if meeting is None:
        raise MeetingNotFound("no such meeting in this mentorship", "meeting_id")
    if actor.person_id is None or meeting["logged_by"] != actor.person_id:
        raise NotYourMeeting("a meeting is corrected or deleted by the one who logged it", "meeting_id")
    return pairing


async def _met_last(pairing: Pairing, uow: MatchingUnitOfWorkPort) -> None:
    """The last meeting day read again from the meetings left, as the overdue watch counts from it."""
    pairing.last_met_on(await uow.pairings.last_met_on(pairing.id))
    await uow.pairings.save(pairing)


async def give_feedback(cmd: commands.GiveFeedback, uow: MatchingUnitOfWorkPort, authorize: Authorize) -> None:
    async with uow:
        pairing, _, actor = await load(cmd.pairing_id, uow, authorize)
        if actor.person_id is None or pairing.side_of(actor.person_id) is None:
            raise NotAParty("feedback comes from the mentee or the mentor", "pairing_id")
        pairing.may_give_feedback()
        if not await uow.pairings.add_feedback(pairing.id, actor.person_id, cmd.rating, cmd.comment):
            raise FeedbackAlreadyGiven("you already gave feedback on this mentorship", "pairing_id")
        await uow.commit()


async def signal_lifecycle(uow: MatchingUnitOfWorkPort, renewal_notice_days: int, answer_within_days: int,
                           batch: int = 500) -> int:
    """Overdue meetings, renewals due, terms ended, proposals and requests left unanswered, and those nearly so (a
    reminder): each signalled once per period, however many instances run this (the rows are claimed by one UPDATE
    each, or locked, skipping those another holds); returns how many were signalled."""
    async with uow:
        # Program locks before pairing rows, as every other handler takes them, or two could deadlock.
        programs = await uow.due.programs_with_terms_ended()
        waiting_long = await uow.due.programs_with_unanswered(answer_within_days)
        for program_id in sorted({*programs, *waiting_long}):
            await uow.programs.lock(program_id)
        ended = await uow.due.terms_ended(programs, batch)
        for pairing in ended:
            pairing.term_over()
            await _completed(pairing, uow)
        # Left unanswered: its mentee waits no longer on someone who does not answer (and is not proposed to them,
        # nor they suggested to them, again); a mentee choosing may ask another mentor.
        unanswered = await uow.due.unanswered(waiting_long, answer_within_days, batch)
        for pairing in unanswered:
            lapsed = _lapse(pairing, UNANSWERED)
            uow.emit(lapsed)
            await uow.pairings.save(pairing)
            for side in lapsed.awaiting:
                await _did_not_answer(pairing, side, uow)
        # A lapse leaves its mentee's place in the queue as it was; one told their place only now is told after what.
        after_closing = closed_pairings(unanswered)
        for program_id in sorted({*programs, *waiting_long}):
            offer_room(program_id, uow, after_closing=after_closing)
        # Those left whose time is nearly up: whoever has yet to answer is reminded, once.
        reminded = await uow.due.claim_answer_reminders(answer_within_days, ANSWER_REMINDER_BEFORE, batch)
        runs = await runs_of_lapses(reminded, uow)
        for pairing in reminded:
            uow.emit(contract.AnswerDueV2(**facts(pairing), answer_by=pairing.answer_by(answer_within_days),
                                          awaiting=pairing.awaiting(), requested_by_mentee=pairing.status == "requested",
                                          paused_if_it_lapses=pairing.paused_if_it_lapses(runs)))
        overdue = await uow.due.claim_overdue(batch)
        for pairing, last_met_at, late in overdue:
            uow.emit(contract.MeetingOverdueV2(**facts(pairing), last_met_at=last_met_at, days_overdue=max(0, late)))
        due = await uow.due.claim_renewals(renewal_notice_days, batch)
        for pairing in due:
            uow.emit(contract.RenewalDueV2(**facts(pairing), term_ends_at=pairing.term_ends_at))
        await uow.commit()
        return len(overdue) + len(due) + len(ended) + len(unanswered) + len(reminded)
