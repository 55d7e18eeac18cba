"""Two consumer batches whose events touch the same programs in opposite orders, on the real database: each batch
takes every lock its events need before applying the first, in one order, so neither waits for the other while
holding what the other needs (PostgreSQL logged 258 deadlocks in a 30-minute soak before: batches split and
applied again)."""

from __future__ import annotations

import asyncio
from uuid import UUID, uuid4

import asyncpg
from matching.bootstrap import build_app
from matching.service_layer import projections
from mentorship_contracts import profiles as source
from plumbing.consumer import in_unit_of_work
from plumbing.testing import eventually, serving


def enrolled(program_id: UUID) -> source.EnrollmentCreatedV3:
    return source.EnrollmentCreatedV3(enrollment_id=uuid4(), person_id=uuid4(), program_id=program_id,
                                      chapter_id=None, role="mentee", stage="undergraduate")


async def test_batches_touching_the_same_programs_in_opposite_orders_never_deadlock(matching_settings):
    app = build_app(matching_settings)
    first_program, second_program = sorted((uuid4(), uuid4()))
    crossing = {"a": [enrolled(first_program), enrolled(second_program)],
                "b": [enrolled(second_program), enrolled(first_program)]}
    past_the_first = {"a": asyncio.Event(), "b": asyncio.Event()}
    calls: list[UUID] = []  # a batch chosen as a deadlock's victim is applied again: its events called twice
    async with serving(app):
        service = app.state.service
        watcher = await asyncpg.connect(matching_settings.database_url)

        async def other_is_waiting_for_a_lock() -> bool:
            return bool(await watcher.fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"))

        def applying(me: str, other: str):
            """The enrollment handler, each batch pausing after its first event until the other batch is past its
            own first (each then holds one program and wants the other's) or waits for a lock."""
            handler = in_unit_of_work(app.state.new_unit_of_work, projections.enrollment_created)

            async def apply(event, transaction) -> None:
                calls.append(event.enrollment_id)
                await handler(event, transaction)
                if event is crossing[me][0]:
                    past_the_first[me].set()
                    await eventually(lambda: past_the_first[other].is_set() or other_is_waiting_for_a_lock(),
                                     timeout=30, what=f"batch {other} past its first event, or waiting")
            return apply

        try:
            outcomes = await asyncio.gather(
                *(service.consumer.apply_all([(event, applying(me, other)) for event in crossing[me]])
                  for me, other in (("a", "b"), ("b", "a"))), return_exceptions=True)
            assert outcomes == [[True, True], [True, True]]
            assert sorted(calls) == sorted(e.enrollment_id for events in crossing.values() for e in events)
            stored = await watcher.fetchval("SELECT count(*) FROM enrollments WHERE id = ANY($1)",
                                            [e.enrollment_id for events in crossing.values() for e in events])
            assert stored == 4
        finally:
            await watcher.close()
