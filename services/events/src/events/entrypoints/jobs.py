"""Background jobs, run by every instance."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from plumbing.runtime import Service

from ..service_layer import handlers
from ..service_layer.unit_of_work import EventsUnitOfWork

log = logging.getLogger(__name__)


async def send_reminders(service: Service) -> None:
    """Emit ReminderDue 24 hours before events start; safe to run in several instances at once."""
    while True:
        try:
            sent = await handlers.send_due_reminders(datetime.now(UTC), EventsUnitOfWork(service.pool))
            if sent:
                log.info("reminders due", extra={"count": sent})
        except Exception:  # a failed pass is retried by the next one
            log.exception("reminder pass failed")
        await asyncio.sleep(service.settings.reminder_poll_seconds)
