"""A consumer that stopped fetching while it stays in its group is noticed and restarted: what waits is applied."""

from __future__ import annotations

from uuid import uuid4

from mentorship_contracts.profiles import PersonUpdated
from plumbing.testing import eventually
from plumbing.unit_of_work import UnitOfWork

from .conftest import Recorder


async def _applied(service, person_id) -> bool:
    return bool(await service.pool.fetchval("SELECT count(*) FROM applied WHERE person_id = $1", person_id))


async def _publish(service, person_id) -> None:
    async with UnitOfWork(service.pool) as uow:
        uow.emit(PersonUpdated(person_id=person_id, chapter_id=None, stage="resident", changed_fields=["stage"]))
        await uow.commit()


async def test_a_consumer_whose_fetcher_died_is_restarted_and_applies_what_waits(make_service, started):
    service = await started(make_service(Recorder(), consumer_watch_seconds=0.5, consumer_stall_seconds=2.0))
    before = uuid4()
    await _publish(service, before)
    await eventually(lambda: _applied(service, before), timeout=90, what="an event applied before the fault")
    await eventually(lambda: service.consuming, what="the consumer to have joined")

    # What aiokafka's fetcher does on an unexpected error (uvloop refusing a write to a closed connection): its
    # task ends, the consumer stays in the group with its partitions, and getmany returns nothing from then on.
    fetcher = service.consumer.subscriber.consumer._fetcher
    fetcher._fetch_task.cancel()
    await eventually(lambda: fetcher._fetch_task.done(), what="the fetcher to have died")
    # A fetch already sent may still bring records; once it is back, nothing more comes.
    await eventually(lambda: all(task.done() for task in fetcher._pending_tasks), what="the last fetch to be back")

    after = uuid4()
    await _publish(service, after)
    await eventually(lambda: _applied(service, after), timeout=60, what="the event published after the fetcher died")
    assert service.metrics.consumer_restarts._value.get() >= 1
