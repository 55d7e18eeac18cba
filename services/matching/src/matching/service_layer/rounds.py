"""A coordinator's matching round: queued by HTTP, run by a background job in one instance, its progress reported;
it ends as a draft the coordinator reviews (removes, swaps or adds pairs), then publishes or discards. Only publishing
proposes anyone (and so tells anyone): every pair is checked again then against the roster as it is, by the same
rules the engine applies, and those no longer valid are skipped and reported."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any
from uuid import UUID, uuid4

from mentorship_contracts import IntegrationEvent
from mentorship_contracts import matching as contract
from plumbing.auth import Principal
from plumbing.collector import collector_paused

from ..domain import commands
from ..domain.errors import (
    AlreadyPaired,
    DraftAwaitingReview,
    PairNotInRound,
    RoundAlreadyRunning,
    RoundNotDraft,
    RoundNotFound,
    SameMentor,
    refusal_code,
    refused,
)
from ..domain.model import Candidate, NewPairing, ProgramRules
from ..domain.pairing import Proposal, refusal
from ..domain.rounds import DraftPair, Unpaired, candidate_graph, places_left, stable_matching, unpaired_each
from ..domain.scoring import Weights, fit, pair_fits
from .overlap import parts_of, written_as_computed
from .pairing import announce_waiting, proposed
from .ports import MatchingUnitOfWorkPort, NewUnitOfWork, Solver
from .programs import existing_program
from .stepping_in import sides

ROUNDS_LISTED_AT_MOST = 200  # rounds are never deleted: a listing across programs stops somewhere


async def queue_round(cmd: commands.RunRound, uow: MatchingUnitOfWorkPort, caller: Principal) -> UUID:
    """Queue a round, unless one of the program's is queued, running or drafted awaiting review (409
    `round_already_running`, `draft_awaiting_review`): a program has one round open at a time, whose draft is
    published or discarded before another is run. Two drafts of one roster contradicted each other (the second
    published proposed nobody: every pair taken by the first), and both said they awaited review."""
    async with uow:
        program = await existing_program(cmd.program_id, uow)
        await _refuse_while_open(program.id, uow)  # at once, rather than wait on the lock a running round holds
        # Under the program's lock, as the job drafting a round holds it and publishing or discarding takes it: two
        # requests at once are answered one after the other, the second refused.
        await uow.programs.lock(program.id)
        await _refuse_while_open(program.id, uow)
        round_id = uuid4()
        await uow.rounds.queue(round_id, cmd.program_id, cmd.method, cmd.most_pairs_first)
        uow.audit(caller, "round.requested", "round", round_id, chapter_id=program.chapter_id,
                  detail={"program_id": str(cmd.program_id), "method": cmd.method})
        await uow.commit()
        return round_id


async def _refuse_while_open(program_id: UUID, uow: MatchingUnitOfWorkPort) -> None:
    found = await uow.rounds.open_of_program(program_id)
    if found is None:
        return
    if found["status"] == "draft":
        raise DraftAwaitingReview(f"a draft round of this program awaits review (round {found['id']}): publish or "
                                  "discard it before running another round", "program_id")
    raise RoundAlreadyRunning(f"a round of this program is already {found['status']} (round {found['id']}): review "
                              "its draft, then publish or discard it, before running another round", "program_id")


async def run_next_round(new_uow: NewUnitOfWork, solve: Solver, progress_seconds: float = 0.5,
                         lease_seconds: float = 60.0) -> UUID | None:
    """Claim one round and run it; None when none waits.

    The round holds its program's lock from reading to writing, so no registration pairs anyone in between.
    The computation runs in a worker thread (numpy and the compiled solver release the GIL), the event loop staying free
    to serve requests and report progress, renewing the claim, from another connection. A round whose instance stopped
    (its draft, written in one transaction, never was) is claimed again once its claim is `lease_seconds` old; one
    stopped gracefully is queued again at once.
    """
    async with new_uow() as claiming:
        row = await claiming.rounds.claim(lease_seconds)
        await claiming.commit()
    if row is None:
        return None
    round_id, claim = row["id"], row["claim"]
    done = [0.0]

    async def report() -> None:
        while True:
            await asyncio.sleep(progress_seconds)
            async with new_uow() as unit:
                await unit.rounds.progress(round_id, claim, int(90 * done[0]))
                await unit.commit()

    reporter = asyncio.create_task(report())
    try:
        with collector_paused():
            await _draft_claimed(new_uow, row, solve, done)
    except asyncio.CancelledError:
        async with new_uow() as unit:
            await unit.rounds.release(round_id, claim)
            await unit.commit()
        raise
    except Exception as error:
        async with new_uow() as unit:
            await unit.rounds.finish(round_id, claim, status="failed", error=type(error).__name__)
            await unit.commit()
        raise
    finally:
        reporter.cancel()
    return round_id


async def _draft_claimed(new_uow: NewUnitOfWork, row: Any, solve: Solver, done: list[float]) -> None:
    """The round claimed in `row` drafted: its roster read, the graph built and solved, the draft written."""
    round_id = row["id"]
    async with new_uow() as uow:
        await uow.programs.lock(row["program_id"])
        # Never a second draft beside one awaiting review (rounds queued before another was refused while one was
        # open): this one fails, saying why, and the coordinator reviews the draft there is.
        if await uow.rounds.open_of_program(row["program_id"], ("draft",), besides=round_id) is not None:
            if await uow.rounds.finish(round_id, row["claim"], status="failed", error=DraftAwaitingReview.code):
                await uow.commit()
            return
        program = await existing_program(row["program_id"], uow)
        mentees = await uow.candidates.in_program(program, "mentee", waiting_only=True)
        mentors = await uow.candidates.in_program(program, "mentor")
        weights = await uow.programs.weights(program.id)
        closed = await uow.candidates.closed_before(program.id)
        live = await uow.pairings.live_count(program.id)

        def compute():
            graph = candidate_graph(program, weights, mentees, mentors, live, closed,
                                    progress=lambda f: done.__setitem__(0, f))
            chosen = stable_matching(graph) if row["method"] == "stable" else solve(graph, row["most_pairs_first"])
            return graph, chosen

        graph, chosen = await asyncio.to_thread(compute)
        total_score = 0

        def drafted(part: list[tuple[Candidate, Candidate]]) -> list[DraftPair]:
            fits = pair_fits(part, weights)
            return [DraftPair(mentee.enrollment_id, mentor.enrollment_id, mentee.person_id, mentor.person_id, f.score,
                              tuple(f.reasons)) for (mentee, mentor), f in zip(part, fits, strict=True)]

        async def write(part: list[DraftPair]) -> None:
            nonlocal total_score
            total_score += sum(p.score for p in part)
            await uow.rounds.save_draft(round_id, part, [])

        # A draft: nobody is proposed, nobody told, until a coordinator publishes it.
        await written_as_computed(drafted, parts_of([(graph.mentees[graph.heads[e]], graph.mentors[graph.tails[e]])
                                                     for e in chosen]), write)
        left = unpaired_each(graph, chosen)
        await uow.rounds.save_draft(round_id, [], [Unpaired(m.enrollment_id, m.person_id, reason) for m, reason in left])
        reasons = Counter(reason for _, reason in left)
        unprofiled = await uow.candidates.unprofiled_mentees(program.id)
        if unprofiled:
            reasons["no_matching_profile"] = unprofiled
        # The scores anyone reads: the visible fits, not the rankings the solver maximised.
        # Claimed again meanwhile by another instance (this one was frozen past the lease): its run writes the draft.
        if await uow.rounds.finish(round_id, row["claim"], status="draft", paired=len(chosen),
                                   unpaired=sum(reasons.values()), total_score=total_score,
                                   unpaired_reasons=dict(reasons)):
            await uow.commit()


async def round_status(round_id: UUID, uow: MatchingUnitOfWorkPort, viewer: Principal | None = None
                       ) -> dict[str, Any]:
    """The round, with its pairs and those it left unpaired once drafted; a draft, with the program's mentors who have
    a place free once its pairs are counted (`mentors_with_places`: for a coordinator adding a pair; None for a round
    in any other state). A `viewer` reading a drafted round (which names every mentee it left waiting and the mentor
    proposed to each) is audited, as a roster's is, once in each of its states (a draft is read again after each
    edit); one watching it run is not."""
    async with uow:
        found = await uow.rounds.get(round_id)
        if found is None:
            raise RoundNotFound("no such round", "round_id")
        pairs, unpaired = await uow.rounds.draft(round_id)
        status = found["status"]
        program = await existing_program(found["program_id"], uow)
        with_places = None
        if status == "draft":
            with_places = [{"mentor_id": mentor, "places": places} for mentor, places in places_left(
                await uow.candidates.in_program(program, "mentor"), program, pairs).items()]
        if (viewer is not None and status in ("draft", "published", "discarded", "completed")
                and not await uow.rounds.viewed(round_id, viewer, status)):
            uow.audit(viewer, "round.viewed", "round", round_id, chapter_id=program.chapter_id,
                      detail={"program_id": str(program.id), "status": status, "pairs": len(pairs),
                              "unpaired": len(unpaired)})
            await uow.commit()
        return {**found, "pairs": pairs, "unpaired_list": unpaired, "mentors_with_places": with_places}


async def program_of_round(round_id: UUID, uow: MatchingUnitOfWorkPort) -> UUID:
    async with uow:
        found = await uow.rounds.get(round_id)
        if found is None:
            raise RoundNotFound("no such round", "round_id")
        return found["program_id"]


async def rounds_of(program_id: UUID, uow: MatchingUnitOfWorkPort) -> list[dict[str, Any]]:
    async with uow:
        return await uow.rounds.of_program(program_id)


async def rounds_of_chapters(chapter_ids: frozenset[UUID] | None, status: str, uow: MatchingUnitOfWorkPort
                             ) -> list[dict[str, Any]]:
    """The rounds in this status (drafts: awaiting review) of the programs of these chapters (None: every program),
    latest first, at most `ROUNDS_LISTED_AT_MOST`."""
    async with uow:
        return await uow.rounds.of_chapters(chapter_ids, status, ROUNDS_LISTED_AT_MOST)


async def _draft(round_id: UUID, uow: MatchingUnitOfWorkPort) -> tuple[dict[str, Any], ProgramRules]:
    """The round, locked after its program's lock (the order every handler takes them), if it is a draft."""
    found = await uow.rounds.get(round_id)
    if found is None:
        raise RoundNotFound("no such round", "round_id")
    await uow.programs.lock(found["program_id"])
    found = await uow.rounds.get(round_id, for_update=True)
    assert found is not None  # rounds are never deleted
    if found["status"] != "draft":
        raise RoundNotDraft(f"a {found['status']} round cannot be changed", "round_id")
    return found, await existing_program(found["program_id"], uow)


def _pair_of(pairs: list[DraftPair], mentee_id: UUID, field: str) -> DraftPair:
    found = [p for p in pairs if p.mentee_id == mentee_id]
    if not found:
        raise PairNotInRound("this mentee has no pair in the draft", field)
    return found[0]


async def remove_pair(round_id: UUID, mentee_id: UUID, uow: MatchingUnitOfWorkPort, caller: Principal) -> None:
    """Take a pair out of the draft: the mentee is left unpaired by it (and keeps waiting)."""
    async with uow:
        found, program = await _draft(round_id, uow)
        pairs, _ = await uow.rounds.draft(round_id)
        pair = _pair_of(pairs, mentee_id, "mentee_id")
        await uow.rounds.remove_pairs(round_id, [pair.mentee_enrollment_id])
        await uow.rounds.save_draft(round_id, [], [pair.removed()])
        uow.audit(caller, "round.edited", "round", round_id, chapter_id=program.chapter_id,
                  detail={"program_id": str(program.id), "removed": str(mentee_id), "mentor_id": str(pair.mentor_id)})
        await uow.commit()


async def _candidates(program: ProgramRules, uow: MatchingUnitOfWorkPort, role: str,
                      enrollment_ids: list[UUID]) -> dict[UUID, Candidate]:
    return {c.enrollment_id: c for c in await uow.candidates.in_program(program, role, enrollment_ids=enrollment_ids)}


async def swap(round_id: UUID, mentee_a: UUID, mentee_b: UUID, uow: MatchingUnitOfWorkPort,
               caller: Principal) -> None:
    """Swap two drafted pairs' mentors, if both new pairs keep every rule the engine applies but what the mentee
    requires of a mentor (else 409, the rule's code): like a pair made by hand, each is then proposed at publishing
    for its mentee to confirm. Each mentor keeps as many mentees, so capacity is unchanged."""
    async with uow:
        found, program = await _draft(round_id, uow)
        pairs, _ = await uow.rounds.draft(round_id)
        a, b = _pair_of(pairs, mentee_a, "mentee_a"), _pair_of(pairs, mentee_b, "mentee_b")
        if a.mentor_enrollment_id == b.mentor_enrollment_id:
            raise SameMentor("both mentees are drafted with the same mentor: swapping would change nothing",
                             "mentee_b")
        mentees = await _candidates(program, uow, "mentee", [a.mentee_enrollment_id, b.mentee_enrollment_id])
        mentors = await _candidates(program, uow, "mentor", [a.mentor_enrollment_id, b.mentor_enrollment_id])
        weights = await uow.programs.weights(program.id)
        closed = await uow.candidates.closed_before(program.id, [a.mentee_id, b.mentee_id])
        swapped = []
        for pair, other, field in ((a, b, "mentee_a"), (b, a, "mentee_b")):
            mentee, mentor = mentees.get(pair.mentee_enrollment_id), mentors.get(other.mentor_enrollment_id)
            if mentee is None or mentor is None:
                raise PairNotInRound("this pair is no longer in the program's roster", field)
            # The new pairs are the coordinator's: what a mentee requires is theirs to judge (`stepping_in`).
            reason = refusal(mentee, mentor, program, weights, closed, mentee_judges=True)
            if reason is not None:
                raise refused(reason, field)
            chosen = fit(mentee, mentor, weights)
            swapped.append(pair.with_mentor(other.mentor_enrollment_id, other.mentor_id, chosen.score,
                                            tuple(chosen.reasons)))
        await uow.rounds.remove_pairs(round_id, [a.mentee_enrollment_id, b.mentee_enrollment_id])
        await uow.rounds.save_draft(round_id, swapped, [])
        uow.audit(caller, "round.edited", "round", round_id, chapter_id=program.chapter_id,
                  detail={"program_id": str(program.id), "swapped": [str(mentee_a), str(mentee_b)]})
        await uow.commit()


async def add_pair(cmd: commands.AddPairToDraft, uow: MatchingUnitOfWorkPort, caller: Principal) -> None:
    """Pair a mentee the draft leaves unpaired with a mentor of the program, in the draft, if the pair keeps every
    rule a swap keeps (else 409, the rule's code): the mentor's places and the program's cap counting the draft's
    pairs too, since all are proposed at once. Like a swap's, the pair is made by hand (proposed at publishing for
    its mentee to confirm), unless it puts back the very pair the engine drafted for the mentee."""
    async with uow:
        _, program = await _draft(cmd.round_id, uow)
        pairs, unpaired = await uow.rounds.draft(cmd.round_id)
        mentee, mentor = await sides(program, cmd.mentee_id, cmd.mentor_id, uow)
        left = next((u for u in unpaired if u.mentee_enrollment_id == mentee.enrollment_id), None)
        if left is None:
            if any(p.mentee_enrollment_id == mentee.enrollment_id for p in pairs):
                raise AlreadyPaired("this mentee has a pair in the draft already", "mentee_id")
            raise PairNotInRound("the draft does not list this mentee among those it leaves unpaired", "mentee_id")
        drafted_with = sum(p.mentor_enrollment_id == mentor.enrollment_id for p in pairs)
        weights = await uow.programs.weights(program.id)
        # As a swap's, the pair is the coordinator's: what the mentee requires is theirs to judge (`stepping_in`).
        reason = refusal(mentee, replace(mentor, active_pairings=mentor.active_pairings + drafted_with), program,
                         weights, await uow.candidates.closed_before(program.id, [mentee.person_id]),
                         await uow.pairings.live_count(program.id) + len(pairs), mentee_judges=True)
        if reason is not None:
            raise refused(reason, "mentee_id" if reason == "mentee_not_eligible" else "mentor_id")
        chosen = fit(mentee, mentor, weights)
        await uow.rounds.remove_unpaired(cmd.round_id, [mentee.enrollment_id])
        await uow.rounds.save_draft(cmd.round_id, [left.paired_with(mentor.enrollment_id, mentor.person_id,
                                                                    chosen.score, tuple(chosen.reasons))], [])
        uow.audit(caller, "round.edited", "round", cmd.round_id, chapter_id=program.chapter_id,
                  detail={"program_id": str(program.id), "added": str(cmd.mentee_id), "mentor_id": str(cmd.mentor_id)})
        await uow.commit()


async def publish(round_id: UUID, uow: MatchingUnitOfWorkPort, caller: Principal) -> dict[str, Any]:
    """Propose the draft's pairs, as a round always did (the same events: only these people are told). The roster
    may have changed since the draft: each pair is checked again, by the engine's rules, against the program as it
    is now; a pair no longer valid is skipped, with why. What a mentee requires of a mentor is not among those rules
    then: a pair that no longer meets it is proposed as every other (its mentee alone is told: `views`)."""
    with collector_paused():  # its tens of thousands of pairs, candidates and events
        return await _publish(round_id, uow, caller)


async def _publish(round_id: UUID, uow: MatchingUnitOfWorkPort, caller: Principal) -> dict[str, Any]:
    async with uow:
        found, program = await _draft(round_id, uow)
        pairs, unpaired = await uow.rounds.draft(round_id)
        waiting = await _candidates(program, uow, "mentee", [p.mentee_enrollment_id for p in pairs])
        checks = _Checks(program, await uow.programs.weights(program.id),
                         {e: m for e, m in waiting.items() if m.active_pairings == 0},
                         await _candidates(program, uow, "mentor", [p.mentor_enrollment_id for p in pairs]),
                         await uow.candidates.closed_before(program.id, [p.mentee_id for p in pairs]),
                         await uow.pairings.live_count(program.id))
        now = datetime.now(UTC)
        private = program.id in await uow.programs.keeping_members_private({program.id})

        def written(part: list[DraftPair]) -> tuple[list[NewPairing], list[IntegrationEvent]]:
            """The part's pairings and events in the draft's order, whoever made each pair."""
            pairings: list[NewPairing] = []
            events: list[IntegrationEvent] = []
            for by_hand, run in groupby(checks(part), key=itemgetter(1)):
                made = proposed(program, [proposal for proposal, _ in run], origin="manual" if by_hand else "round",
                                now=now, round_id=round_id, answer_within_days=uow.answer_within_days, private=private)
                pairings += made[0]
                events += made[1]
            return pairings, events

        async def write(part: tuple[list[NewPairing], list[IntegrationEvent]]) -> None:
            pairings, events = part
            if pairings:
                await uow.pairings.add(pairings)
            uow.emit(*events)
            await uow.stage()

        await written_as_computed(written, parts_of(pairs), write)
        left = len(unpaired) + len(checks.skipped) + ((found["unpaired_reasons"] or {}).get("no_matching_profile", 0))
        await uow.rounds.close(round_id, status="published", paired=checks.paired, unpaired=left,
                               total_score=checks.total_score, skipped=checks.skipped)
        # Those it leaves waiting are told so, once, as pairing on registration tells those it leaves: after a round
        # they were in, silence read as nothing having happened.
        await announce_waiting(program, [u.mentee_enrollment_id for u in unpaired] + checks.left_waiting, uow)
        uow.emit(contract.RoundCompletedV2(round_id=round_id, program_id=program.id, chapter_id=program.chapter_id,
                                           paired=checks.paired, unpaired=left, total_score=checks.total_score))
        uow.audit(caller, "round.published", "round", round_id, chapter_id=program.chapter_id,
                  detail={"program_id": str(program.id), "paired": checks.paired, "skipped": len(checks.skipped)})
        published = await uow.rounds.get(round_id)
        assert published is not None  # rounds are never deleted
        await uow.commit()
    # As `round_status` answers, from the draft already read (its pairs stay, the skipped ones listed apart).
    return {**published, "pairs": pairs, "unpaired_list": unpaired}


class _Checks:
    """A draft's pairs checked again, in order, against the roster as it is now (`waiting` mentees and `mentors`, by
    enrollment): each pair proposed takes its mentor's room and a place under the program's cap from those after."""

    def __init__(self, program: ProgramRules, weights: Weights, waiting: dict[UUID, Candidate],
                 mentors: dict[UUID, Candidate], closed: frozenset[tuple[UUID, UUID]], live: int) -> None:
        self.program, self.weights, self.waiting, self.mentors = program, weights, waiting, mentors
        self.closed, self.live = closed, live
        self.skipped: list[dict[str, Any]] = []
        self.left_waiting: list[UUID] = []  # the mentee enrollments of the pairs skipped
        self.paired = self.total_score = 0

    def __call__(self, pairs: list[DraftPair]) -> list[tuple[Proposal, bool]]:
        """These pairs' proposals in order, each with whether the coordinator made it (a swap: their mentee confirms
        it); the others are skipped, with why."""
        proposals: list[tuple[Proposal, bool]] = []
        for pair in pairs:
            mentee, mentor = self.waiting.get(pair.mentee_enrollment_id), self.mentors.get(pair.mentor_enrollment_id)
            explained = None if mentee is None or mentor is None else fit(mentee, mentor, self.weights)
            reason: str | None
            if mentee is None or mentor is None:
                reason = "mentee_no_longer_waiting" if mentee is None else "mentor_no_longer_available"
            else:
                # What the mentee requires is not checked again: a skip for it alone would tell the coordinator,
                # who read the pair's (identity-blind) score, of the requirement; so would anything else that set the
                # pair apart (made by hand, its mentee alone could confirm it). A pair that no longer meets it (the
                # mentor stopped showing the attribute, or the mentee began to require it) is published as every
                # other, and its mentee alone is told (`views.requirement_met`).
                rule = refusal(mentee, mentor, self.program, self.weights, self.closed, self.live, explained,
                               mentee_judges=True)
                reason = refusal_code(rule) if rule else None
            if reason is not None or explained is None or mentee is None or mentor is None:
                self.skipped.append({"mentee_id": pair.mentee_id, "mentor_id": pair.mentor_id, "reason_code": reason})
                self.left_waiting.append(pair.mentee_enrollment_id)
                continue
            proposals.append((Proposal(mentee, mentor, explained), pair.by_hand))
            self.mentors[mentor.enrollment_id] = replace(mentor, active_pairings=mentor.active_pairings + 1)
            self.live += 1
            self.paired += 1
            self.total_score += explained.score
        return proposals


async def discard(round_id: UUID, uow: MatchingUnitOfWorkPort, caller: Principal) -> dict[str, Any]:
    """Nobody is proposed: the draft is kept, marked discarded, with its counts as it was left (the rounds' list
    said those it was drafted with, pairs removed since included)."""
    async with uow:
        found, program = await _draft(round_id, uow)
        pairs, unpaired = await uow.rounds.draft(round_id)
        unprofiled = (found["unpaired_reasons"] or {}).get("no_matching_profile", 0)
        await uow.rounds.close(round_id, status="discarded", paired=len(pairs), unpaired=len(unpaired) + unprofiled,
                               total_score=sum(p.score for p in pairs))
        uow.audit(caller, "round.discarded", "round", round_id, chapter_id=program.chapter_id,
                  detail={"program_id": str(program.id)})
        await uow.commit()
    return await round_status(round_id, uow)
