"""A round stopped mid-run is never left "running" for good: queued again when its instance stops gracefully, claimed
again once its instance has been silent longer than the lease, and only its current claim writes a draft."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from matching.adapters.solver import optimal_assignment
from matching.domain import commands
from matching.service_layer import rounds

from .fakes import Platform
from .profiles_service import Profiles, administrator


async def a_round_waiting(platform: Platform):
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    await profiles.person(program, "mentor", capacity=2)
    for _ in range(2):
        await profiles.person(program, "mentee")
    return await rounds.queue_round(commands.RunRound(program, "optimal", False), platform.uow(), administrator())


async def test_a_round_stopped_mid_run_by_a_deploy_is_queued_again_at_once_not_left_running():
    platform = Platform()
    round_id = await a_round_waiting(platform)
    solving, never = asyncio.Event(), asyncio.Event()

    def solve(graph, most_pairs_first):
        platform_loop.call_soon_threadsafe(solving.set)
        asyncio.run_coroutine_threadsafe(never.wait(), platform_loop).result(timeout=30)

    platform_loop = asyncio.get_running_loop()
    running = asyncio.create_task(rounds.run_next_round(platform.uow, solve))
    await asyncio.wait_for(solving.wait(), timeout=30)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    never.set()

    assert platform.rounds.rounds[round_id]["status"] == "queued"
    assert await rounds.run_next_round(platform.uow, optimal_assignment) == round_id
    assert platform.rounds.rounds[round_id]["status"] == "draft"


async def test_a_round_whose_instance_went_silent_longer_than_the_lease_is_run_by_another():
    platform = Platform()
    round_id = await a_round_waiting(platform)
    stopped = await platform.rounds.claim(lease_seconds=60)  # an instance killed (-9) right after claiming it
    assert stopped is not None

    assert await rounds.run_next_round(platform.uow, optimal_assignment, lease_seconds=60) is None  # heard of lately
    platform.rounds.rounds[round_id]["heartbeat_at"] = datetime.now(UTC) - timedelta(seconds=61)
    assert await rounds.run_next_round(platform.uow, optimal_assignment, lease_seconds=60) == round_id

    ran = platform.rounds.rounds[round_id]
    assert (ran["status"], ran["paired"]) == ("draft", 2)
    assert ran["claim"] != stopped["claim"]
    # The instance that claimed it first, woken, may no longer report progress or finish it.
    assert not await platform.rounds.progress(round_id, stopped["claim"], 50)
    assert not await platform.rounds.finish(round_id, stopped["claim"], status="failed", error="late")
    assert platform.rounds.rounds[round_id]["status"] == "draft"
