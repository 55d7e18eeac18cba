"""Background jobs; every instance runs them, and each is safe to run concurrently (see the handlers)."""

from __future__ import annotations

import asyncio
import logging

from plumbing.runtime import Service

from ..adapters.solver import optimal_assignment
from ..service_layer import handlers
from ..service_layer.unit_of_work import MatchingUnitOfWork

log = logging.getLogger(__name__)


async def run_rounds(service: Service) -> None:
    """Run queued rounds (claimed with SKIP LOCKED: one instance each)."""
    while True:
        try:
            ran = await handlers.run_next_round(lambda: MatchingUnitOfWork(service.pool), optimal_assignment)
        except Exception:
            log.exception("a matching round failed")
            ran = None
        if ran is None:
            await asyncio.sleep(service.settings.round_poll_seconds)


async def watch_mentorships(service: Service) -> None:
    """Signal overdue meetings and renewals due, and complete ended terms."""
    while True:
        try:
            await handlers.signal_lifecycle(MatchingUnitOfWork(service.pool), service.settings.renewal_notice_days)
        except Exception:
            log.exception("the mentorship watch failed; it will try again")
        await asyncio.sleep(service.settings.lifecycle_poll_seconds)
