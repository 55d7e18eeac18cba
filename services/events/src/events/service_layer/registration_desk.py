"""Where an instance queues registrations per event and admits them in batches.

Every registration of one event must take that event's row lock (it is what makes overbooking impossible),
so one lock holder at a time, whatever the instances. Taking the lock once per person caps a popular event
at a few hundred registrations a second, fewer on a busy machine; here the arrivals that queued while one
batch held the lock are admitted together in the next, in arrival order, in one transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from uuid import UUID

from ..domain import commands
from ..domain.model import Registration
from . import handlers
from .ports import EventsUnitOfWorkPort

MAX_BATCH = 500


class RegistrationDesk:
    def __init__(self, new_unit_of_work: Callable[[], EventsUnitOfWorkPort]) -> None:
        self._new_unit_of_work = new_unit_of_work
        self._queues: dict[UUID, list[tuple[commands.Register, asyncio.Future[tuple[Registration, bool]]]]] = {}
        self._serving: set[asyncio.Task] = set()  # the loop keeps only weak references to tasks

    async def register(self, command: commands.Register) -> tuple[Registration, bool]:
        """The registration and whether it is new; raises the reason a registration is refused.

        A caller who gives up (cancelled: the client hung up) leaves their place in the queue; if their batch is
        already being admitted, their registration still happens, and registering again returns it.
        """
        outcome: asyncio.Future[tuple[Registration, bool]] = asyncio.get_running_loop().create_future()
        queue = self._queues.setdefault(command.scheduled_event_id, [])
        queue.append((command, outcome))
        if len(queue) == 1:
            # The first to arrive at an idle desk serves the queue until it is empty.
            task = asyncio.create_task(self._serve(command.scheduled_event_id))
            self._serving.add(task)
            task.add_done_callback(self._serving.discard)
        return await outcome

    async def _serve(self, event_id: UUID) -> None:
        queue = self._queues[event_id]
        try:
            while queue:
                batch = [(c, f) for c, f in queue[:MAX_BATCH] if not f.done()]
                taken = min(len(queue), MAX_BATCH)
                if batch:
                    outcomes: Sequence[tuple[Registration, bool] | Exception]
                    try:
                        outcomes = await handlers.register_arrivals([c for c, _ in batch], self._new_unit_of_work())
                    except Exception as error:  # noqa: BLE001 - the whole batch failed (no such event, database down)
                        outcomes = [error] * len(batch)
                    for (_, future), outcome in zip(batch, outcomes, strict=True):
                        if future.done():
                            continue  # its caller gave up while the batch was admitted
                        if isinstance(outcome, Exception):
                            future.set_exception(outcome)
                        else:
                            future.set_result(outcome)
                del queue[:taken]
        finally:
            del self._queues[event_id]
            # Only if this task itself was cancelled (shutdown) can anyone still be waiting: tell them.
            for _, future in queue:
                if not future.done():
                    future.set_exception(RuntimeError("the registration desk closed"))
