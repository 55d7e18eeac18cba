"""An operator can ask a running instance where each of its asyncio tasks waits, without stopping it."""

import asyncio
import logging
import os
import signal

from plumbing.diagnostics import describe_tasks, log_tasks_on_signal
from plumbing.testing import eventually


async def _wait_inside(event: asyncio.Event, suspended: asyncio.Event) -> None:
    suspended.set()  # the wait below follows in the same step: once the test resumes, the task is suspended in it
    await _wait_deeper(event)


async def _wait_deeper(event: asyncio.Event) -> None:
    await event.wait()


async def test_each_task_is_described_by_the_chain_of_awaits_it_is_suspended_in():
    event, suspended = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(_wait_inside(event, suspended), name="stuck-consumer")
    await suspended.wait()
    try:
        [line] = [line for line in describe_tasks(asyncio.get_running_loop()) if line.startswith("stuck-consumer")]
        assert line.index("_wait_inside") < line.index("_wait_deeper") < line.index(" wait <- ")
        assert line.endswith(" wait <- awaiting FutureIter")  # the future Event.wait awaits
    finally:
        event.set()
        await task


async def test_sigusr1_logs_the_tasks_without_stopping_the_process(caplog):
    event, suspended = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(_wait_inside(event, suspended), name="stuck-relay")
    await suspended.wait()
    previous = signal.getsignal(signal.SIGUSR1)
    log_tasks_on_signal(signal.SIGUSR1)
    try:
        with caplog.at_level(logging.WARNING, logger="plumbing.diagnostics"):
            os.kill(os.getpid(), signal.SIGUSR1)
            [record] = await eventually(lambda: [r for r in caplog.records if r.name == "plumbing.diagnostics"],
                                        timeout=5, what="the tasks logged on SIGUSR1")
        assert any(line.startswith("stuck-relay: ") and "_wait_deeper" in line for line in record.tasks)
        assert not task.done()
    finally:
        signal.signal(signal.SIGUSR1, previous)
        event.set()
        await task
