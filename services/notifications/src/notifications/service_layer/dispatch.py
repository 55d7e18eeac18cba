"""Sending what was recorded: render each pending notification and hand it to the mailer."""

from __future__ import annotations

import logging
from uuid import UUID

from ..domain.model import MAX_ATTEMPTS, Email, Notification

log = logging.getLogger(__name__)


class MissingContext(Exception):
    """What the message needs to say has not arrived yet (e.g. the partner's contact details)."""


async def context_for(notification: Notification, uow) -> dict:
    recipient = await uow.notifications.contact(notification.person_id)
    context = {"recipient": recipient, **notification.parameters}
    if "partner_id" in notification.parameters:
        context["partner"] = await uow.notifications.contact(UUID(notification.parameters["partner_id"]))
        if context["partner"] is None:
            raise MissingContext("partner")
    if "scheduled_event_id" in notification.parameters:
        context["event"] = await uow.notifications.listing(UUID(notification.parameters["scheduled_event_id"]))
        if context["event"] is None:
            raise MissingContext("event")
    return context


async def dispatch_pending(uow, render, mailer, batch_size: int = 50) -> int:
    """Send a batch of pending notifications; return how many were sent."""
    sent = 0
    async with uow:
        for notification in await uow.notifications.claim_pending(batch_size):
            try:
                context = await context_for(notification, uow)
            except MissingContext:
                continue  # stays pending until the missing piece arrives
            email: Email = render(notification, context)
            try:
                await mailer.send(email)
            except Exception as error:  # noqa: BLE001 - any SMTP failure counts as an attempt
                give_up = notification.attempts + 1 >= MAX_ATTEMPTS
                await uow.notifications.mark_attempt_failed(notification.id, f"{type(error).__name__}: {error}", give_up)
                log.warning("email not sent", extra={"notification_id": str(notification.id), "gave_up": give_up})
                continue
            await uow.notifications.mark_sent(notification.id)
            sent += 1
        await uow.commit()
    return sent
