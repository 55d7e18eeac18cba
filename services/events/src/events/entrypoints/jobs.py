"""Background jobs, run by every instance."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from plumbing.jobs import every
from plumbing.runtime import BackgroundJob

from ..config import EventsSettings
from ..service_layer import handlers
from ..service_layer.ports import EventsUnitOfWorkPort

log = logging.getLogger(__name__)


def send_reminders(
    new_unit_of_work: Callable[[], EventsUnitOfWorkPort], settings: EventsSettings,
) -> BackgroundJob:
    """Emit ReminderDue 24 hours before events start; safe to run in several instances at once."""

    async def remind() -> int:
        sent = await handlers.send_due_reminders(datetime.now(UTC), new_unit_of_work())
        if sent:
            log.info("reminders due", extra={"count": sent})
        return sent

    return every(settings.reminder_poll_seconds, remind, name="send_reminders")
