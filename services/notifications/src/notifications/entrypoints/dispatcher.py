"""Background jobs, in every instance: the dispatcher (rows are claimed with SKIP LOCKED), and the
housekeeper that composes daily digests and gives up on claims whose sender died."""

import asyncio
import logging
from datetime import UTC, datetime

from plumbing.runtime import Service

from ..adapters.email import Renderer, SmtpMailer
from ..adapters.unsubscribe import UnsubscribeTokens
from ..service_layer.dispatch import compose_digests, dispatch_due, give_up_on_lapsed_claims
from ..service_layer.unit_of_work import NotificationsUnitOfWork

log = logging.getLogger(__name__)


async def run_dispatcher(service: Service) -> None:
    settings = service.settings
    policy = settings.dispatch_policy()
    render = Renderer(settings.public_base_url, UnsubscribeTokens(settings.jwt_secret))
    mailer = SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from, settings.smtp_timeout_seconds)
    while True:
        batch = asyncio.ensure_future(dispatch_due(lambda: NotificationsUnitOfWork(service.pool), render, mailer, policy))
        try:
            claimed = await asyncio.shield(batch)
        except asyncio.CancelledError:
            # Stopping: finish the claimed batch (send and record it) first, so a graceful stop never leaves
            # a notification unconfirmed. The SMTP timeout bounds the wait.
            await asyncio.wait([batch])
            await mailer.close()
            raise
        except Exception:
            log.exception("dispatch failed; trying again")
            claimed = 0
        if claimed < policy.batch_size:
            await asyncio.sleep(settings.dispatch_poll_seconds)


async def run_housekeeping(service: Service) -> None:
    settings = service.settings
    policy = settings.dispatch_policy()
    while True:
        try:
            await give_up_on_lapsed_claims(NotificationsUnitOfWork(service.pool))
            await compose_digests(NotificationsUnitOfWork(service.pool), policy, datetime.now(UTC))
        except Exception:
            log.exception("housekeeping failed; trying again")
        await asyncio.sleep(settings.dispatch_poll_seconds)
