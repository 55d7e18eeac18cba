"""Read side for the API: the inbox, preferences and the delivery log, straight from the repository."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from ..domain.model import NoSuchDelivery, Notification, NotInInbox, Preferences, UnknownPerson
from .dispatch import DispatchPolicy, MissingContext, Obsolete, context_for
from .ports import NotificationsUnitOfWorkPort, Row

M = TypeVar("M")
# Says a notification whole, given its subject and what it needs to say now (None: no longer known).
Compose = Callable[[Notification, str, Row | None], M]


async def contact(uow: NotificationsUnitOfWorkPort, person_id: UUID) -> Row | None:
    async with uow:
        return await uow.notifications.contact(person_id)


async def inbox(uow: NotificationsUnitOfWorkPort, person_id: UUID, unread_only: bool,
                limit: int) -> tuple[list[Row], int]:
    async with uow:
        items = await uow.notifications.inbox(person_id, unread_only, limit)
        unread = await uow.notifications.unread_count(person_id)
    return [{**item, "parameters": json.loads(item["parameters"])} for item in items], unread


async def inbox_message(uow: NotificationsUnitOfWorkPort, person_id: UUID, notification_id: UUID,
                        policy: DispatchPolicy, now: datetime, compose: Compose[M]) -> M:
    """One item of the person's inbox as its email said it, from what is known now (a partner's consent withdrawn
    since is respected); when what it spoke of is over or gone, its subject alone (`compose` gets no context).
    Raises NotInInbox."""
    async with uow:
        found = await uow.notifications.inbox_notification(person_id, notification_id)
        if found is None:
            raise NotInInbox()
        notification, subject = found
        try:
            context: Row | None = await context_for(notification, uow, policy, now)
        except (MissingContext, Obsolete):
            context = None
    return compose(notification, subject, context)


async def unread_count(uow: NotificationsUnitOfWorkPort, person_id: UUID) -> int:
    async with uow:
        return await uow.notifications.unread_count(person_id)


async def preferences(uow: NotificationsUnitOfWorkPort, person_id: UUID) -> Preferences:
    """Raises UnknownPerson for someone notifications has not heard of."""
    async with uow:
        if not await uow.notifications.is_known(person_id):
            raise UnknownPerson()
        return await uow.notifications.preferences(person_id)


async def delivery_log(uow: NotificationsUnitOfWorkPort, chapter_id: UUID | None, status: str | None,
                       limit: int, person_id: UUID | None = None) -> list[Row]:
    async with uow:
        return await uow.notifications.delivery_log(chapter_id, status, limit, person_id)


async def delivery(uow: NotificationsUnitOfWorkPort, notification_id: UUID) -> Row:
    """Raises NoSuchDelivery."""
    async with uow:
        found = await uow.notifications.delivery(notification_id)
    if found is None:
        raise NoSuchDelivery()
    return found
