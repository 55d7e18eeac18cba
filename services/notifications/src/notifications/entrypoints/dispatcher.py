"""The background job that sends pending notifications, in every instance (rows are claimed with SKIP LOCKED)."""

import asyncio
import logging

from plumbing.runtime import Service

from ..adapters.email import SmtpMailer, render
from ..service_layer.dispatch import dispatch_pending
from ..service_layer.unit_of_work import NotificationsUnitOfWork

log = logging.getLogger(__name__)
BATCH = 50


async def run_dispatcher(service: Service) -> None:
    settings = service.settings
    mailer = SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from)
    while True:
        try:
            sent = await dispatch_pending(NotificationsUnitOfWork(service.pool), render, mailer, BATCH)
        except Exception:
            log.exception("dispatch failed; trying again")
            sent = 0
        if sent < BATCH:
            await asyncio.sleep(settings.dispatch_poll_seconds)
