"""Background jobs; every instance runs them, and each step is safe to run concurrently (see the handlers)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from plumbing.jobs import every
from plumbing.metrics import Metrics
from plumbing.runtime import BackgroundJob

from ..config import MatchingSettings
from ..service_layer import lifecycle, projections, rounds
from ..service_layer.ports import NewUnitOfWork, Solver


def run_rounds(new_uow: NewUnitOfWork, solve: Solver, settings: MatchingSettings,
               prepare: Callable[[], None]) -> BackgroundJob:
    """Run queued rounds (claimed with SKIP LOCKED: one instance each), one after another while any waits; the
    solver `prepare`d first, in a thread (compiling it takes seconds, which the first round would otherwise wait)."""
    lease = settings.round_lease_seconds
    polling = every(settings.round_poll_seconds, lambda: rounds.run_next_round(new_uow, solve, lease_seconds=lease),
                    name="run_rounds", again_at_once=lambda ran: ran is not None)

    async def job(metrics: Metrics | None = None) -> None:
        await asyncio.to_thread(prepare)
        await polling(metrics)

    return job


def watch_mentorships(new_uow: NewUnitOfWork, settings: MatchingSettings) -> BackgroundJob:
    """Signal overdue meetings and renewals due, complete ended terms, and lapse what was left unanswered."""
    return every(settings.lifecycle_poll_seconds,
                 lambda: lifecycle.signal_lifecycle(new_uow(), settings.renewal_notice_days,
                                                    settings.answer_within_days), name="watch_mentorships")


def hash_identities_stored_in_plaintext(new_uow: NewUnitOfWork, settings: MatchingSettings) -> BackgroundJob:
    """Hash the identity values of profiles stored before they were kept hashed (migration 0005), a batch after
    another while any waits; then look again now and then (an instance still on the code before may store one)."""
    return every(settings.lifecycle_poll_seconds, lambda: projections.hash_identities_stored_in_plaintext(new_uow),
                 name="hash_identities_stored_in_plaintext", again_at_once=lambda done: bool(done))
