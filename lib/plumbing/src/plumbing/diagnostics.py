"""What an operator can ask a running instance without stopping it: `kill -USR1 <pid>` logs every asyncio task
and the chain of awaits it is suspended in. It shows where a consumer that stopped making progress, or a stop that
does not end, is waiting (a thread dump would show only the event loop's `select`)."""

from __future__ import annotations

import asyncio
import logging
import signal
from types import FrameType
from typing import Any

log = logging.getLogger(__name__)


def awaits(task: asyncio.Task) -> list[str]:
    """The task's await chain, outermost first: "file:line function" per coroutine, then what the innermost awaits."""
    chain: list[str] = []
    awaitable: Any = task.get_coro()
    while awaitable is not None:
        frame: FrameType | None = getattr(awaitable, "cr_frame", None) or getattr(awaitable, "ag_frame", None) \
            or getattr(awaitable, "gi_frame", None)
        if frame is None:  # a future (its iterator), or a coroutine that has finished
            chain.append(f"awaiting {type(awaitable).__name__}")
            break
        chain.append(f"{frame.f_code.co_filename}:{frame.f_lineno} {frame.f_code.co_name}")
        awaitable = getattr(awaitable, "cr_await", None) or getattr(awaitable, "ag_await", None) \
            or getattr(awaitable, "gi_yieldfrom", None)
    return chain


def describe_tasks(loop: asyncio.AbstractEventLoop) -> list[str]:
    return [f"{task.get_name()}{' (cancelling)' if task.cancelling() else ''}: " + " <- ".join(awaits(task))
            for task in sorted(asyncio.all_tasks(loop), key=asyncio.Task.get_name)]


def log_tasks_on_signal(signum: int = signal.SIGUSR1) -> None:
    """Install the handler; it runs in the main thread, which runs the event loop, between two of its steps."""

    def handler(_signum: int, _frame: FrameType | None) -> None:
        loop = asyncio._get_running_loop()  # the loop this thread runs, if any: the handler interrupts it
        tasks = describe_tasks(loop) if loop is not None else []
        log.warning("asyncio tasks on request (SIGUSR1): %d", len(tasks), extra={"tasks": tasks})

    signal.signal(signum, handler)
