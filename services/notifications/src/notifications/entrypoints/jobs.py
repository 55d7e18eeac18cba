"""Background jobs, in every instance: the dispatcher (rows are claimed with SKIP LOCKED), the housekeeper that
composes daily digests and settles claims whose sender died (what it had handed to the SMTP server is unconfirmed,
the rest due again), and the figures an operator is alerted by (deploy/monitoring)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from plumbing.jobs import every
from plumbing.runtime import BackgroundJob
from prometheus_client import CollectorRegistry, Counter, Gauge

from ..config import NotificationsSettings
from ..service_layer.dispatch import (
    Dispatched,
    compose_digests,
    dispatch_due,
    give_up_on_lapsed_claims,
    waiting_emails,
)
from ..service_layer.ports import Mailer, NewUnitOfWork, Render

OUTCOMES = ("sent", "retrying", "failed", "unconfirmed", "lapsed", "unrenderable", "cancelled")


class EmailFigures:
    """On the instance's /metrics: what became of the emails it sent, and (the same in every instance, read from
    the database) how many are due and not yet sent, and for how long the first has waited."""

    def __init__(self, registry: CollectorRegistry) -> None:
        # An email withdrawn before it came due (erasure, an invitation withdrawing a welcome: the event handlers)
        # never reaches a dispatcher, so it is not counted here; only the delivery log shows it (status cancelled).
        self.emails = Counter("emails_total", "Emails this instance's dispatcher took up, by what became of them: "
                              "sent, retrying, failed, unconfirmed, lapsed, unrenderable (its template failed), "
                              "cancelled (what it was to say no longer held when it came due: not sent)", ["outcome"],
                              registry=registry)
        for outcome in OUTCOMES:  # from 0, so that the first of each is a rise Prometheus sees
            self.emails.labels(outcome)
        self.waiting = Gauge("emails_waiting", "Emails due and not yet sent, in all instances", registry=registry)
        self.waited = Gauge("emails_oldest_waiting_seconds", "How long the first email due and not yet sent has "
                            "waited (0 when none waits)", registry=registry)

    def batch(self, done: asyncio.Future[Dispatched]) -> None:
        if done.cancelled() or done.exception() is not None:
            return
        for outcome, count in done.result().outcomes.items():
            self.emails.labels(outcome).inc(count)


def run_dispatcher(new_unit_of_work: NewUnitOfWork, render: Render, mailer: Mailer,
                   settings: NotificationsSettings, figures: EmailFigures) -> BackgroundJob:
    policy = settings.dispatch_policy()

    async def dispatch_a_batch() -> Dispatched:
        batch = asyncio.ensure_future(dispatch_due(new_unit_of_work, render, mailer, policy))
        batch.add_done_callback(figures.batch)  # counted even when a stop cancelled the wait for it
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
                 again_at_once=lambda dispatched: isinstance(dispatched, Dispatched)
                 and dispatched.claimed == policy.batch_size)


def run_housekeeping(new_unit_of_work: NewUnitOfWork, settings: NotificationsSettings) -> BackgroundJob:
    policy = settings.dispatch_policy()

    async def housekeep() -> None:
        await give_up_on_lapsed_claims(new_unit_of_work())
        await compose_digests(new_unit_of_work(), policy, datetime.now(UTC))

    return every(settings.dispatch_poll_seconds, housekeep, name="run_housekeeping")


def watch_waiting_emails(new_unit_of_work: NewUnitOfWork, figures: EmailFigures, seconds: float) -> BackgroundJob:
    async def look() -> None:
        count, waited = await waiting_emails(new_unit_of_work(), datetime.now(UTC))
        figures.waiting.set(count)
        figures.waited.set(waited)

    return every(seconds, look, name="watch_waiting_emails")
