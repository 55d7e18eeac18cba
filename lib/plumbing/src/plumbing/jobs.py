"""Background jobs: a step repeated for as long as the service runs, its failures logged and retried."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from .metrics import Metrics

log = logging.getLogger(__name__)

Step = Callable[[], Awaitable[object]]


def every(
    seconds: float, step: Step, *, name: str, again_at_once: Callable[[object], bool] = lambda _: False
) -> Callable[[Metrics | None], Awaitable[None]]:
    """A background job that runs `step`, then waits `seconds`, forever.

    A step that fails is logged and tried again after the wait: the next pass retries it. A step whose result
    says more work is waiting (`again_at_once(result)`) runs again without waiting. Cancellation (the service
    stopping) ends the job; each step is safe to run in several instances at once, as every instance runs it.
    Each pass is counted on the service's metrics by outcome: a job failing every pass is otherwise only a log line.
    """

    async def job(figures: Metrics | None = None) -> None:
        passes = figures.job_steps if figures else None
        if passes:  # zeros from the start: an alert compares increases, and a series that appears is none
            for outcome in ("succeeded", "failed"):
                passes.labels(name, outcome)
        while True:
            try:
                result = await step()
            except Exception:
                log.exception("background job step failed; the next pass tries again", extra={"job": name})
                result, outcome = None, "failed"
            else:
                outcome = "succeeded"
            if passes:
                passes.labels(name, outcome).inc()
            if not again_at_once(result):
                await asyncio.sleep(seconds)

    job.__name__ = job.__qualname__ = name
    return job


async def cancel_and_wait(tasks: Iterable[asyncio.Task], graces: Iterable[float]) -> set[asyncio.Task]:
    """Cancel the tasks and wait for them, up to each grace in turn: a task that swallowed its cancellation (some
    library code does) is cancelled again. Returns those still running after the last grace, for the caller to
    name, rather than hang a shutdown on them."""
    pending = {task for task in tasks if not task.done()}
    for grace in graces:
        if not pending:
            break
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=grace)
    return pending
