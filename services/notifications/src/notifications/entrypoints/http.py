"""REST API of notifications under /v1: parse, authorise, call a handler or a view, answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from plumbing.auth import Principal, Role, current_principal, forbidden
from plumbing.http import answers
from pydantic import BaseModel, ConfigDict, Field

from ..adapters.unsubscribe import UnsubscribeTokens
from ..domain import commands
from ..domain.model import Category, Preferences
from ..service_layer import handlers, views
from ..service_layer.unit_of_work import NotificationsUnitOfWork

router = APIRouter(prefix="/v1")
Caller = Annotated[Principal, Depends(current_principal)]
Status = Literal["pending", "sending", "sent", "failed", "unconfirmed", "in_app", "digest_pending", "digested",
                 "cancelled"]


def uow(request: Request) -> NotificationsUnitOfWork:
    return request.app.state.new_unit_of_work()


def unsubscribe_tokens(request: Request) -> UnsubscribeTokens:
    return request.app.state.unsubscribe_tokens


UnitOfWork = Annotated[NotificationsUnitOfWork, Depends(uow)]
Tokens = Annotated[UnsubscribeTokens, Depends(unsubscribe_tokens)]


async def _authorise(caller: Principal, person_id: UUID, uow: NotificationsUnitOfWork) -> None:
    """The person themselves, a coordinator of their chapter, or an administrator."""
    if caller.is_admin or caller.is_person(person_id):
        return
    if caller.role == Role.COORDINATOR and caller.coordinates(await views.person_chapter(uow, person_id)):
        return
    raise forbidden("you may only see your own notifications, or those of your chapter's members")


class InboxItem(BaseModel):
    id: UUID
    kind: str
    subject: str
    parameters: dict[str, Any]
    created_at: datetime
    read: bool


class Inbox(BaseModel):
    items: list[InboxItem]
    unread: int


@router.get("/people/{person_id}/inbox")
async def get_inbox(person_id: UUID, caller: Caller, uow: UnitOfWork, unread_only: bool = False,
                    limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Inbox:
    await _authorise(caller, person_id, uow)
    items, unread = await views.inbox(uow, person_id, unread_only, limit)
    return Inbox(items=[InboxItem(**item, read=item["read_at"] is not None) for item in items], unread=unread)


class UnreadCount(BaseModel):
    unread: int


@router.get("/people/{person_id}/inbox/unread-count")
async def get_unread_count(person_id: UUID, caller: Caller, uow: UnitOfWork) -> UnreadCount:
    await _authorise(caller, person_id, uow)
    return UnreadCount(unread=await views.unread_count(uow, person_id))


@router.post("/people/{person_id}/inbox/{notification_id}/read", status_code=204)
async def mark_read(person_id: UUID, notification_id: UUID, caller: Caller, uow: UnitOfWork) -> None:
    await _authorise(caller, person_id, uow)
    await handlers.mark_read(commands.MarkRead(person_id, notification_id), uow)


class CategoryPreference(BaseModel):
    category: Category
    email: bool
    can_opt_out: bool


class PreferencesOut(BaseModel):
    categories: list[CategoryPreference]
    daily_digest: bool

    @classmethod
    def of(cls, preferences: Preferences) -> PreferencesOut:
        return cls(
            categories=[CategoryPreference(category=c, email=c not in preferences.opted_out, can_opt_out=c.can_opt_out)
                        for c in Category],
            daily_digest=preferences.daily_digest,
        )


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: dict[Category, bool] = Field(default_factory=dict, description="Per category: receive emails or not")
    daily_digest: bool | None = Field(default=None, description="Non-urgent kinds in one email a day")


@router.get("/people/{person_id}/preferences")
async def get_preferences(person_id: UUID, caller: Caller, uow: UnitOfWork) -> PreferencesOut:
    await _authorise(caller, person_id, uow)
    return PreferencesOut.of(await views.preferences(uow, person_id))


@router.patch("/people/{person_id}/preferences")
async def change_preferences(person_id: UUID, body: PreferencesIn, caller: Caller, uow: UnitOfWork) -> PreferencesOut:
    if not (caller.is_admin or caller.is_person(person_id)):
        raise forbidden("only the person themselves may change their preferences")
    command = commands.ChangePreferences(person_id, {c: not wanted for c, wanted in body.email.items()},
                                         body.daily_digest)
    return PreferencesOut.of(await handlers.change_preferences(command, uow))


async def unsubscribe(token: str, tokens: Tokens, uow: UnitOfWork) -> HTMLResponse:
    person_id, category = tokens.verify(token)
    await handlers.change_preferences(commands.ChangePreferences(person_id, {category: True}), uow)
    label = category.value.replace("_", " ")
    return HTMLResponse(f"<p>Done: you will get no more \"{label}\" emails. "
                        "You can change this in your preferences.</p>")


# GET for the link in the email, POST for one-click unsubscribe from the mail client (RFC 8058).
router.add_api_route("/unsubscribe", unsubscribe, methods=["GET"], response_class=HTMLResponse,
                     operation_id="unsubscribe_by_link", responses=answers(400))
router.add_api_route("/unsubscribe", unsubscribe, methods=["POST"], response_class=HTMLResponse,
                     operation_id="unsubscribe_one_click", responses=answers(400))


class Delivery(BaseModel):
    id: UUID
    person_id: UUID
    chapter_id: UUID | None
    kind: str
    status: Status
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


@router.get("/deliveries")
async def delivery_log(caller: Caller, uow: UnitOfWork, chapter_id: UUID | None = None, status: Status | None = None,
                       limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[Delivery]:
    """What was sent to whom (ids), when, and how it went. A coordinator sees their chapter only."""
    if caller.role == Role.COORDINATOR:
        chapter_id = chapter_id or caller.chapter_id
        if not caller.coordinates(chapter_id):
            raise forbidden("coordinators see their own chapter's deliveries only")
    elif not caller.is_admin:
        raise forbidden("the delivery log is for coordinators and administrators")
    return [Delivery(**row) for row in await views.delivery_log(uow, chapter_id, status, limit)]
