"""Read side for the API: the inbox, preferences and the delivery log, straight from the repository."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar, cast
from uuid import UUID

from ..domain.model import (
    Category,
    NoSuchDelivery,
    Notification,
    NotInInbox,
    Preferences,
    UnknownPerson,
    check_organiser,
    inbox_parameters,
)
from .dispatch import DispatchPolicy, GatheredReads, MissingContext, Obsolete, context_for
from .ports import NotificationsUnitOfWorkPort, Row

M = TypeVar("M")
# Says a notification, given the subject it was given and what it needs to say now; when what it spoke of is over or
# gone, `over`, its own parameters, what changed for its reader since (`since`, `dispatch.Obsolete`), and only who its
# subject may have named, as they are now (`recipient`, `partner`), and the event it was about (a reminder's subject
# names its day, the subject it was given having counted days from when it was sent; what changed since names it) or
# the office hour (its subject says when, with the other side's name).
Compose = Callable[[Notification, str, Row], M]


async def contact(uow: NotificationsUnitOfWorkPort, person_id: UUID) -> Row | None:
    async with uow:
        return await uow.notifications.contact(person_id)


async def inbox(uow: NotificationsUnitOfWorkPort, person_id: UUID, unread_only: bool, limit: int,
                policy: DispatchPolicy, now: datetime, subject: Compose[str], language: str | None = None
                ) -> tuple[list[Row], int]:
    """The person's inbox, newest first, each item's subject as it says itself opened (`inbox_message`): the
    page's context is read at once, one read of each kind for all its items. `language`: as in `inbox_message`."""
    async with uow:
        items = await uow.notifications.inbox(person_id, unread_only, limit)
        unread = await uow.notifications.unread_count(person_id)
        reads = GatheredReads(uow)
        await reads.gather([notification for notification, _ in items])
        contexts = [_read_in(await _context_now(notification, cast(NotificationsUnitOfWorkPort, reads), policy, now),
                             language)
                    for notification, _ in items]
    return [{"id": n.id, "kind": n.kind, "subject": subject(n, shown["subject"], context),
             "parameters": inbox_parameters(n.parameters),
             "created_at": shown["shown_at"], "read_at": shown["read_at"]}
            for (n, shown), context in zip(items, contexts, strict=True)], unread


async def inbox_message(uow: NotificationsUnitOfWorkPort, person_id: UUID, notification_id: UUID,
                        policy: DispatchPolicy, now: datetime, compose: Compose[M], language: str | None = None) -> M:
    """One item of the person's inbox as its email said it, from what is known now (a partner's consent withdrawn
    since is respected); when what it spoke of is over or gone, its subject alone (see `Compose`). `language`: the
    one to say it in, over the one the reader's contact details say (the web app's page, in the language its reader
    just switched to, before profiles' event tells notifications). Raises NotInInbox."""
    async with uow:
        found = await uow.notifications.inbox_notification(person_id, notification_id)
        if found is None:
            raise NotInInbox()
        notification, subject = found
        context = _read_in(await _context_now(notification, uow, policy, now), language)
    return compose(notification, subject, context)


def _read_in(context: Row, language: str | None) -> Row:
    """The context of a message for its reader reading it in `language` (None: the one they are known to read)."""
    if language is None or context.get("recipient") is None:
        return context
    return {**context, "recipient": {**context["recipient"], "language": language}}


async def _context_now(notification: Notification, uow: NotificationsUnitOfWorkPort, policy: DispatchPolicy,
                       now: datetime) -> Row:
    try:
        return await context_for(notification, uow, policy, now, reread=True)
    except (MissingContext, Obsolete) as error:
        # The subject it was given may name someone as they were then.
        repo, parameters = uow.notifications, notification.parameters
        partner_id = parameters.get("partner_id")
        over = {**parameters, "over": True, "since": getattr(error, "since", None),
                "recipient": await repo.contact(notification.person_id),
                "partner": await repo.contact(UUID(partner_id)) if partner_id else None}
        if "scheduled_event_id" in parameters:
            over["event"] = await repo.listing(UUID(parameters["scheduled_event_id"]))
        if "booking_id" in parameters:  # its subject says when the office hour was, as the other side's name
            over["booking"] = await repo.booking(UUID(parameters["booking_id"]))
        return over


async def unsubscribe_link(uow: NotificationsUnitOfWorkPort, person_id: UUID, category: Category) -> Row:
    """What the web app's unsubscribe page says of a link (its reader's, `handlers.unsubscribing`): the category it
    stops, whether its reader gets none of them by email already, and the language the reader reads their emails in,
    for the page to speak it too (None when unknown: the page goes by the browser's). Raises UnknownPerson."""
    found = await preferences(uow, person_id)
    reader = await contact(uow, person_id)
    return {"category": category, "opted_out": category in found.opted_out,
            "language": (reader or {}).get("language")}


async def booked_with(uow: NotificationsUnitOfWorkPort, person_id: UUID, now: datetime
                      ) -> list[tuple[UUID, UUID, str]]:
    """Who is on the other side of each office hour the person booked or hosts: named to them as their emails name
    them (events keeps who booked, but no names)."""
    async with uow:
        return await uow.notifications.booked_with(person_id, now)


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


async def event_messages(uow: NotificationsUnitOfWorkPort, scheduled_event_id: UUID,
                         may_act: Callable[[UUID | None], bool]) -> list[Row]:
    """The organizers' messages to the event's registrants, newest first. Raises UnknownEvent or NotYourEvent."""
    async with uow:
        check_organiser(await uow.notifications.listing(scheduled_event_id), may_act)
        return await uow.notifications.event_messages(scheduled_event_id)
