"""The in-memory unit of work behaves as the real one; jobs keep running through failures; the topic catalogue
decides who may subscribe; events carry the correlation id of the action that caused them."""

import asyncio
from uuid import uuid4

import pytest
from mentorship_contracts.profiles import PersonUpdated
from plumbing import correlation
from plumbing.jobs import cancel_and_wait, every
from plumbing.metrics import Metrics
from plumbing.outbox import OutboxRelay
from plumbing.runtime import NotAConsumerOf, check_may_consume
from plumbing.testing import FakeTransaction, FakeUnitOfWork, eventually
from plumbing.unit_of_work import UnitOfWork


class FakePeople:
    def __init__(self) -> None:
        self.names: dict = {}


def updated() -> PersonUpdated:
    return PersonUpdated(person_id=uuid4(), chapter_id=None, stage="resident", changed_fields=["stage"])


async def test_a_fake_unit_of_work_publishes_and_keeps_changes_only_when_committed():
    uow = FakeUnitOfWork(people=FakePeople())
    async with uow:
        uow.people.names["a"] = "kept"
        uow.emit(event := updated())
        await uow.commit()
    async with uow:
        uow.people.names["b"] = "dropped"
        uow.emit(updated())
    assert uow.people.names == {"a": "kept"}
    assert uow.published == [event]


async def test_a_joined_fake_unit_that_leaves_without_committing_undoes_only_its_own_changes():
    uow = FakeUnitOfWork(people=FakePeople())
    transaction = FakeTransaction(uow.published)
    async with uow.joining(transaction) as first:
        first.people.names["a"] = "kept"
        await first.commit()
    async with uow.joining(transaction) as second:
        second.people.names["b"] = "dropped"
    await transaction.commit()
    assert uow.people.names == {"a": "kept"}


async def test_work_deferred_in_a_fake_transaction_is_done_once_with_every_item_before_it_commits():
    uow = FakeUnitOfWork(people=FakePeople())
    transaction = FakeTransaction(uow.published)
    done = []

    async def tally(items, unit) -> None:
        done.append(list(items))
        unit.emit(updated())
        await unit.commit()

    for name in ("a", "b", "c"):
        async with uow.joining(transaction) as unit:
            unit.defer("tally", name, tally)
            await unit.commit()
    assert uow.published == []
    await transaction.commit()
    assert done == [["a", "b", "c"]]
    assert len(uow.published) == 1


async def test_a_background_job_goes_on_after_a_failing_step():
    steps = []

    async def step() -> None:
        steps.append(len(steps))
        if len(steps) == 1:
            raise RuntimeError("the first pass fails")

    job = asyncio.create_task(every(0.01, step, name="counting")())
    try:
        await eventually(lambda: len(steps) >= 3, timeout=5, what="three passes")
    finally:
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job


async def test_a_background_jobs_passes_are_counted_by_outcome_so_a_job_failing_every_pass_can_page():
    figures = Metrics("testing")
    outcomes = iter([RuntimeError("the database went away"), None, RuntimeError("again")])

    async def step() -> None:
        outcome = next(outcomes, None)
        if outcome:
            raise outcome

    def passes(outcome: str) -> float | None:
        return figures.registry.get_sample_value("background_job_steps_total",
                                                 {"background_job": "counting", "outcome": outcome})

    job = asyncio.create_task(every(0.01, step, name="counting")(figures))
    try:
        await eventually(lambda: (passes("succeeded") or 0) >= 2, timeout=5, what="two passes that succeeded")
    finally:
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job
    assert passes("failed") == 2


async def test_a_background_job_in_its_first_pass_shows_no_failure_yet_rather_than_no_figure():
    figures = Metrics("testing")

    async def step() -> None:
        await asyncio.Event().wait()  # an hourly job's first pass, still running

    job = asyncio.create_task(every(3600, step, name="hourly")(figures))
    try:
        await eventually(lambda: figures.registry.get_sample_value(
            "background_job_steps_total", {"background_job": "hourly", "outcome": "failed"}) == 0,
            timeout=5, what="a zero for failed passes")
    finally:
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job


def test_a_restricted_topic_refuses_a_service_it_does_not_name():
    check_may_consume("matching", ["profiles.matching-profiles", "profiles.people"])
    with pytest.raises(NotAConsumerOf, match="restricted"):
        check_may_consume("events", ["profiles.matching-profiles"])
    with pytest.raises(NotAConsumerOf, match="not in the topic catalogue"):
        check_may_consume("events", ["somebody.elses-topic"])


def test_events_emitted_while_serving_an_action_carry_its_correlation_id():
    uow = UnitOfWork()
    token = correlation.use("signup-42")
    try:
        uow.emit(updated())
    finally:
        correlation.reset(token)
    uow.emit(updated())
    assert [e.correlation_id for e in uow._pending] == ["signup-42", None]


def test_a_handler_for_an_event_also_applies_its_later_versions_unless_they_have_their_own():
    from mentorship_contracts.profiles import PersonUpdatedV2
    from plumbing.consumer import with_later_versions

    async def for_v1(event, transaction) -> None: ...

    async def for_v2(event, transaction) -> None: ...

    assert with_later_versions({PersonUpdated: for_v1})[PersonUpdatedV2] is for_v1
    assert with_later_versions({PersonUpdated: for_v1, PersonUpdatedV2: for_v2})[PersonUpdatedV2] is for_v2


async def test_a_relay_cancelled_as_it_is_woken_stops_waiting():
    """Python 3.11's asyncio.wait_for drops a cancellation that arrives as the event it waits on is set: the relay
    went on relaying, and stopping the service waited for it forever (a whole test run hung on it)."""
    relay = OutboxRelay(pool=None, broker=None, metrics=Metrics("relay"))  # type: ignore[arg-type]  # waiting needs none
    waiting = asyncio.create_task(relay._wait(60))
    await eventually(lambda: relay._wake._waiters, what="the relay to wait")  # type: ignore[attr-defined]
    relay._wake.set()  # a notification of a new event
    waiting.cancel()  # the service stopping, at that moment
    with pytest.raises(asyncio.CancelledError):
        await waiting


async def test_tasks_that_swallow_their_cancellation_are_cancelled_again_and_those_that_never_end_are_returned():
    started = [asyncio.Event(), asyncio.Event()]
    cancellations = [0, 0]
    released = asyncio.Event()

    async def swallows_once() -> None:
        try:
            started[0].set()
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancellations[0] += 1
        await asyncio.Event().wait()

    async def swallows_until_released() -> None:
        started[1].set()
        while not released.is_set():
            try:
                await released.wait()
            except asyncio.CancelledError:
                cancellations[1] += 1

    once, stubborn = asyncio.create_task(swallows_once()), asyncio.create_task(swallows_until_released())
    await asyncio.gather(*(event.wait() for event in started))
    still_running = await cancel_and_wait([once, stubborn], (0.05, 0.05))
    assert once.cancelled() and cancellations[0] == 1
    assert still_running == {stubborn} and cancellations[1] == 2
    released.set()
    await stubborn
