"""Background jobs, in every instance: the dispatcher (rows are claimed with SKIP LOCKED), and the
housekeeper that composes daily digests and settles claims whose sender died (what it had handed to the SMTP
server is unconfirmed, the rest due again)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from plumbing.jobs import every
from plumbing.runtime import BackgroundJob

from ..config import NotificationsSettings
from ..service_layer.dispatch import compose_digests, dispatch_due, give_up_on_lapsed_claims
from ..service_layer.ports import Mailer, NewUnitOfWork, Render


def run_dispatcher(new_unit_of_work: NewUnitOfWork, render: Render, mailer: Mailer,
                   settings: NotificationsSettings) -> BackgroundJob:
    policy = settings.dispatch_policy()

    async def dispatch_a_batch() -> int:
        batch = asyncio.ensure_future(dispatch_due(new_unit_of_work, render, mailer, policy))
        try:
            return await asyncio.shield(batch)
        except asyncio.CancelledError:
            # Stopping: finish the claimed batch (send and record it) first, so a graceful stop never leaves
            # a notification unconfirmed. The SMTP timeout bounds the wait.
            await asyncio.wait([batch])
            await mailer.close()
            raise

    # A full batch claimed: more may be due, so go again at once.
    return every(settings.dispatch_poll_seconds, dispatch_a_batch, name="run_dispatcher",
                 again_at_once=lambda claimed: claimed == policy.batch_size)


def run_housekeeping(new_unit_of_work: NewUnitOfWork, settings: NotificationsSettings) -> BackgroundJob:
    policy = settings.dispatch_policy()

    async def housekeep() -> None:
        await give_up_on_lapsed_claims(new_unit_of_work())
        await compose_digests(new_unit_of_work(), policy, datetime.now(UTC))

    return every(settings.dispatch_poll_seconds, housekeep, name="run_housekeeping")
