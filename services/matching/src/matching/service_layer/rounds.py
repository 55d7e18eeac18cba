"""A coordinator's matching round: queued by HTTP, run by a background job in one instance, its progress reported."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID, uuid4

from mentorship_contracts import matching as contract

from ..domain import commands
from ..domain.errors import RoundNotFound
from ..domain.pairing import Proposal
from ..domain.rounds import candidate_graph, stable_matching, unpaired_reasons
from ..domain.scoring import pair_fits
from .pairing import propose
from .ports import MatchingUnitOfWorkPort, NewUnitOfWork, Solver
from .programs import existing_program


async def queue_round(cmd: commands.RunRound, uow: MatchingUnitOfWorkPort) -> UUID:
    async with uow:
        await existing_program(cmd.program_id, uow)
        round_id = uuid4()
        await uow.rounds.queue(round_id, cmd.program_id, cmd.method, cmd.most_pairs_first)
        await uow.commit()
        return round_id


async def run_next_round(new_uow: NewUnitOfWork, solve: Solver, progress_seconds: float = 0.5) -> UUID | None:
    """Claim one queued round and run it; None when none waits.

    The round holds its program's lock from reading to writing, so no registration pairs anyone in between.
    The computation runs in a worker thread (numpy and OR-Tools release the GIL), the event loop staying free
    to serve requests and report progress from another connection.
    """
    async with new_uow() as claim:
        row = await claim.rounds.claim()
        await claim.commit()
    if row is None:
        return None
    round_id = row["id"]
    done = [0.0]

    async def report() -> None:
        while True:
            await asyncio.sleep(progress_seconds)
            async with new_uow() as unit:
                await unit.rounds.progress(round_id, int(90 * done[0]))
                await unit.commit()

    reporter = asyncio.create_task(report())
    try:
        async with new_uow() as uow:
            await uow.programs.lock(row["program_id"])
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
            pairs = [(graph.mentees[graph.heads[e]], graph.mentors[graph.tails[e]]) for e in chosen]
            fits = pair_fits(pairs, weights)
            proposals = [Proposal(mentee, mentor, f) for (mentee, mentor), f in zip(pairs, fits, strict=True)]
            await propose(program, proposals, uow, origin="round", round_id=round_id)
            reasons = unpaired_reasons(graph, chosen)
            unprofiled = await uow.candidates.unprofiled_mentees(program.id)
            if unprofiled:
                reasons["no_matching_profile"] = unprofiled
            # The scores anyone reads: the visible fits, not the rankings the solver maximised.
            total = sum(f.score for f in fits)
            await uow.rounds.finish(round_id, status="completed", paired=len(chosen),
                                    unpaired=sum(reasons.values()), total_score=total,
                                    unpaired_reasons=dict(reasons))
            uow.emit(contract.RoundCompletedV2(round_id=round_id, program_id=program.id, chapter_id=program.chapter_id,
                                             paired=len(chosen), unpaired=sum(reasons.values()), total_score=total))
            await uow.commit()
    except Exception as error:
        async with new_uow() as unit:
            await unit.rounds.finish(round_id, status="failed", error=type(error).__name__)
            await unit.commit()
        raise
    finally:
        reporter.cancel()
    return round_id


async def round_status(round_id: UUID, uow: MatchingUnitOfWorkPort) -> dict[str, Any]:
    async with uow:
        found = await uow.rounds.get(round_id)
        if found is None:
            raise RoundNotFound("no such round", "round_id")
        return found
