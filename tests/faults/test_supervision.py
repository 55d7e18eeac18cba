"""The fault harness acts as the orchestrator would on what an instance's liveness probe says."""

from __future__ import annotations

import asyncio
import random
import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository's root, for bench.faults

from plumbing.testing import eventually

from bench.faults.faults import Injector, Timing


class Instance:
    """Says what it is told to at each probe (None: alive, or no answer), and counts its restarts."""

    def __init__(self, name: str, answers: list[str | None]) -> None:
        self.name, self.answers, self.kills, self.starts = name, answers, 0, 0

    def says_it_is_dead(self) -> str | None:
        return self.answers.pop(0) if self.answers else None

    def kill(self) -> None:
        self.kills += 1

    def start(self) -> None:
        self.starts += 1


async def test_an_instance_that_says_it_is_dead_at_three_probes_in_a_row_is_restarted_and_one_that_recovers_is_not():
    dead = Instance("events-1", ['{"failed": {"kafka_producer": "ended"}}'] * 3)
    wavering = Instance("events-2", ["dead", "dead", None, "dead", "dead"])  # never three in a row
    platform = SimpleNamespace(all_instances=lambda: [dead, wavering])
    injector = Injector(platform, {}, set(), Timing(), random.Random(1), log=lambda _: None)  # type: ignore[arg-type]
    probing = asyncio.create_task(injector.restart_the_dead(period=0.01, back_off=0.0))
    try:
        await eventually(lambda: dead.starts == 1 and not wavering.answers, what="the probes to be answered")
    finally:
        probing.cancel()
    assert (dead.kills, dead.starts, wavering.kills, wavering.starts) == (1, 1, 0, 0)
    assert [(name, said) for name, said, _ in injector.dead] == [("events-1", '{"failed": {"kafka_producer": "ended"}}')]
