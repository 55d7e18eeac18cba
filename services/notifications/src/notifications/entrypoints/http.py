"""REST API of notifications under /v1: parse, authorise, call a handler or a view, answer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from plumbing.auth import Principal, Role, current_principal, forbidden
from plumbing.http import answers, unit_of_work
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..adapters.links import Links
from ..adapters.unsubscribe import UnsubscribeTokens
from ..domain import commands
from ..domain.model import MESSAGE_LIMIT, Category, Preferences, Recipients
from ..service_layer import handlers, views
from ..service_layer.unit_of_work import NotificationsUnitOfWork

router = APIRouter(prefix="/v1")
Caller = Annotated[Principal, Depends(current_principal)]
Status = Literal["pending", "sending", "sent", "failed", "unconfirmed", "in_app", "digest_pending", "digested",
                 "cancelled"]


def unsubscribe_tokens(request: Request) -> UnsubscribeTokens:
    return request.app.state.unsubscribe_tokens


def links(request: Request) -> Links:
    return request.app.state.links


UnitOfWork = Annotated[NotificationsUnitOfWork, Depends(unit_of_work)]
Tokens = Annotated[UnsubscribeTokens, Depends(unsubscribe_tokens)]
WebLinks = Annotated[Links, Depends(links)]


def _may_read(caller: Principal, person_id: UUID) -> None:
    """A person's inbox and preferences are theirs; an administrator may read them to help (support). A coordinator
    may not: what someone is told about their mentorships and registrations is not their chapter's business."""
    if not (caller.is_admin or caller.is_person(person_id)):
        raise forbidden("you may only see your own notifications")


def _may_change(caller: Principal, person_id: UUID) -> None:
    if not caller.is_person(person_id):
        raise forbidden("only the person themselves may do this")


# The languages notifications speaks (`adapters.i18n.LANGUAGES`).
Language = Literal["en", "es"]
ReadIn = Annotated[Language | None, Query(
    description="The language to say the messages in, over the one the reader is known to read (their preferred "
                "language, as notifications last heard it from profiles): the web app's page gives its own, which the "
                "reader may have just switched")]


class InboxItem(BaseModel):
    id: UUID
    kind: str
    subject: str = Field(description="As the message opened says it (`GET /v1/people/{person_id}/inbox/"
                                     "{notification_id}`): people named as they are now, in the reader's language now "
                                     "(`language`, when given); once what it spoke of is over or gone, said again "
                                     "where it can be (an event's, of the event as it told it), else the subject it "
                                     "was given")
    parameters: dict[str, Any] = Field(description="What it was about (ids, flags its words read); never why the other "
                                                   "side, or the program, declined or ended a pairing")
    created_at: datetime = Field(description="When it reached the inbox (a reminder: when it was due, not when the "
                                             "booking that set it was made)")
    read: bool


class Inbox(BaseModel):
    items: list[InboxItem]
    unread: int


@router.get("/people/{person_id}/inbox")
async def get_inbox(person_id: UUID, caller: Caller, uow: UnitOfWork, request: Request, unread_only: bool = False,
                    limit: Annotated[int, Query(ge=1, le=200)] = 50, language: ReadIn = None) -> Inbox:
    _may_read(caller, person_id)
    state = request.app.state
    items, unread = await views.inbox(uow, person_id, unread_only, limit, state.dispatch_policy, datetime.now(UTC),
                                      lambda n, subject, context: state.inbox_composer(n, subject, context).subject,
                                      language)
    return Inbox(items=[InboxItem(**item, read=item["read_at"] is not None) for item in items], unread=unread)


class DetailOut(BaseModel):
    label: str
    value: str
    href: str | None


class ActionOut(BaseModel):
    label: str
    url: str


class InboxMessage(BaseModel):
    """An inbox item whole, as its email said it, in the person's language (`language`, when given), from what is
    known now."""

    id: UUID
    subject: str
    paragraphs: list[str] = Field(description="Empty when what it spoke of is over or gone: its subject alone is left")
    bullets: list[str]
    details: list[DetailOut]
    action: ActionOut | None


class UnreadCount(BaseModel):
    unread: int


@router.get("/people/{person_id}/inbox/unread-count")
async def get_unread_count(person_id: UUID, caller: Caller, uow: UnitOfWork) -> UnreadCount:
    _may_read(caller, person_id)
    return UnreadCount(unread=await views.unread_count(uow, person_id))


class BookedWith(BaseModel):
    slot_id: UUID
    person_id: UUID = Field(description="The host, to the one who booked it; the one who booked it, to the host")
    display_name: str


@router.get("/people/{person_id}/office-hours/booked-with")
async def get_booked_with(person_id: UUID, caller: Caller, uow: UnitOfWork) -> list[BookedWith]:
    """Who is on the other side of each of the person's office hours, booked and not cancelled nor over, as the
    emails about it name them: to the person alone (or an administrator helping them)."""
    _may_read(caller, person_id)
    return [BookedWith(slot_id=slot, person_id=other, display_name=name)
            for slot, other, name in await views.booked_with(uow, person_id, datetime.now(UTC))]


# After /inbox/unread-count: a route is matched in the order declared.
@router.get("/people/{person_id}/inbox/{notification_id}", responses=answers(404))
async def get_inbox_message(person_id: UUID, notification_id: UUID, caller: Caller, uow: UnitOfWork,
                            request: Request, language: ReadIn = None) -> InboxMessage:
    """The person alone reads a message whole (what it says of a partner is theirs); reading it marks nothing."""
    _may_change(caller, person_id)
    state = request.app.state
    message = await views.inbox_message(uow, person_id, notification_id, state.dispatch_policy,
                                        datetime.now(UTC), state.inbox_composer, language)
    return InboxMessage(
        id=notification_id, subject=message.subject, paragraphs=message.paragraphs, bullets=message.bullets,
        details=[DetailOut(**vars(d)) for d in message.details],
        action=ActionOut(**vars(message.action)) if message.action else None)


@router.post("/people/{person_id}/inbox/{notification_id}/read", status_code=204)
async def mark_read(person_id: UUID, notification_id: UUID, caller: Caller, uow: UnitOfWork) -> None:
    """Only the person: reading someone's messages for support does not mark them read."""
    _may_change(caller, person_id)
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
    """404 for someone notifications has not heard of (or who was erased)."""
    _may_read(caller, person_id)
    return PreferencesOut.of(await views.preferences(uow, person_id))


@router.patch("/people/{person_id}/preferences")
async def change_preferences(person_id: UUID, body: PreferencesIn, caller: Caller, uow: UnitOfWork) -> PreferencesOut:
    """The person themselves, or an administrator on their behalf; 404 for someone notifications has not heard of."""
    if not (caller.is_admin or caller.is_person(person_id)):
        raise forbidden("only the person themselves may change their preferences")
    command = commands.ChangePreferences(person_id, {c: not wanted for c, wanted in body.email.items()},
                                         body.daily_digest)
    return PreferencesOut.of(await handlers.change_preferences(command, uow))


def _unsubscribe_command(token: str, tokens: UnsubscribeTokens) -> commands.Unsubscribe:
    link = tokens.verify(token)
    return commands.Unsubscribe(link.notification_id, link.person_id, link.category)


class UnsubscribeLinkOut(BaseModel):
    category: Category = Field(description="The category of emails the link stops")
    opted_out: bool = Field(description="Whether its reader gets none of them by email already")
    language: Language | None = Field(
        default=None, description="The language its reader reads their emails in, for the page to speak it too; null "
                                  "when not known (the page goes by the browser's Accept-Language)")


@router.get("/unsubscribe/link", responses=answers(400, 403, 404))
async def unsubscribe_link(token: str, caller: Caller, tokens: Tokens, uow: UnitOfWork) -> UnsubscribeLinkOut:
    """What an unsubscribe link stops, for the web app's page asking to confirm it (nothing changes: mail scanners
    follow links). The web app only: its page shows no more than this."""
    if not caller.is_admin:
        raise forbidden("the web app reads unsubscribe links")
    person_id, category = await handlers.unsubscribing(_unsubscribe_command(token, tokens), uow)
    return UnsubscribeLinkOut(**await views.unsubscribe_link(uow, person_id, category))


@router.get("/unsubscribe", status_code=303, response_class=RedirectResponse,
            responses={303: {"description": "To the web app's unsubscribe page, with the token"}})
async def unsubscribe_page(token: str, web: WebLinks) -> RedirectResponse:
    """The link of emails sent before 2026-12-04: the web app's page now asks to confirm."""
    return RedirectResponse(web.unsubscribe(token), status_code=303)


@router.post("/unsubscribe", responses=answers(400, 404))
async def unsubscribe(token: str, tokens: Tokens, uow: UnitOfWork) -> UnsubscribeLinkOut:
    """Stop the link's category of emails: the web app's page, once confirmed, and the one-click unsubscribe (RFC
    8058) of emails sent before 2026-12-04, whose `List-Unsubscribe` named this endpoint. The signed token is the
    authority: it stops one category for the one person it was sent to."""
    person_id, category = await handlers.unsubscribe(_unsubscribe_command(token, tokens), uow)
    return UnsubscribeLinkOut(**await views.unsubscribe_link(uow, person_id, category))


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
    sent_again_at: datetime | None = None  # when staff last asked for it to be sent again
    sent_again_by: UUID | None = None  # and who


def _may_see_deliveries(caller: Principal) -> None:
    if caller.role != Role.COORDINATOR and not caller.is_admin:
        raise forbidden("the delivery log is for coordinators and administrators")


@router.get("/deliveries")
async def delivery_log(caller: Caller, uow: UnitOfWork, chapter_id: UUID | None = None, status: Status | None = None,
                       person_id: UUID | None = None,
                       limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[Delivery]:
    """What was sent to whom (ids), when, and how it went, newest first; of one person with `person_id`. A
    coordinator sees their chapter only."""
    _may_see_deliveries(caller)
    if caller.role == Role.COORDINATOR:
        chapter_id = caller.chapter_scope(chapter_id)
        if chapter_id is None:
            raise forbidden("coordinators see their own chapter's deliveries only")
    return [Delivery(**row) for row in await views.delivery_log(uow, chapter_id, status, limit, person_id)]


def _may_act(caller: Principal) -> handlers.MayAct:
    return lambda chapter_id: caller.is_admin or caller.coordinates(chapter_id)


@router.post("/deliveries/{notification_id}/send-again", status_code=202, responses=answers(403, 404, 409))
async def send_again(notification_id: UUID, caller: Caller, uow: UnitOfWork) -> Delivery:
    """Send again an email that failed or may not have arrived (its status `failed` or `unconfirmed`), with fresh
    tries: once the person's address is put right, or the mail server is back. It goes within the dispatcher's next
    batches and keeps its Message-ID. 409 `nothing_to_send_again` for any other status; 409 `link_not_kept` for an
    email change (its link is not kept: the person asks again); 409 `address_not_kept` for the email telling the
    address a change replaced (that address is not kept). A coordinator may for their chapters' people.
    Audited (`email.sent_again`)."""
    _may_see_deliveries(caller)
    return Delivery(**await handlers.send_again(commands.SendAgain(notification_id), caller, _may_act(caller), uow))


class SendAllAgainIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    notification_ids: list[UUID] = Field(min_length=1, max_length=500)


class SentAgainOut(BaseModel):
    sent_again: list[Delivery]
    skipped: list[UUID] = Field(description="Gone, sent again or arrived since, or an email change")


@router.post("/deliveries/send-again", status_code=202, responses=answers(403))
async def send_all_again(body: SendAllAgainIn, caller: Caller, uow: UnitOfWork) -> SentAgainOut:
    """Send again, at once, each of these emails that failed or may not have arrived (after an SMTP outage, say);
    the others are skipped. 403, and nothing is sent again, when any is not the caller's to send. Each is audited."""
    _may_see_deliveries(caller)
    sent, skipped = await handlers.send_all_again(commands.SendAllAgain(tuple(body.notification_ids)), caller,
                                                  _may_act(caller), uow)
    return SentAgainOut(sent_again=[Delivery(**row) for row in sent], skipped=skipped)


# --- an organizer's message to an event's registrants --------------------------------------------------------------


class EventMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message_id: UUID = Field(description="The client's own id for the message: the same again is the same message, "
                                         "answered 200 and sent nothing more")
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MESSAGE_LIMIT)] = Field(
        description="Plain text, as the registrants are to read it: paragraphs and line breaks are kept, markup is "
                    "shown as written")
    to: Recipients = Field(description="`seated`: those holding a seat; `seated_and_waitlisted`: the waitlist too")


class EventMessage(BaseModel):
    message_id: UUID
    scheduled_event_id: UUID
    body: str
    to: Recipients
    recipients: int = Field(description="How many people it went to (a suspended account is not one of them)")
    sent_by: UUID | None = Field(description="Who sent it; none once they erased their account (or a caller that "
                                             "is no person sent it)")
    sent_at: datetime


def _may_message(caller: Principal) -> handlers.MayAct:
    if caller.role != Role.COORDINATOR and not caller.is_admin:
        raise forbidden("organizers' messages are for coordinators and administrators")
    return _may_act(caller)


@router.post("/events/{scheduled_event_id}/messages", status_code=201,
             responses={200: {"model": EventMessage, "description": "That message_id's message, sent before: nothing "
                                                                    "more is sent"},
                        **answers(403, 404, 409, 429)})
async def message_registrants(scheduled_event_id: UUID, body: EventMessageIn, caller: Caller, uow: UnitOfWork,
                              response: Response) -> EventMessage:
    """Write to the event's registrants: each gets it by email (as their preferences for news of events say) and in
    their inbox, in their language around the organizer's words; under a subject naming the event only where its
    attendees are public. An administrator, or a coordinator of the event's chapter (403 when notifications knows
    no chapter of it, or it is not theirs); 404 `unknown_event` when notifications knows nothing of the event;
    409 `event_cancelled`; 409 `message_id_taken` for another event's message's id; 429 `too_many_messages` once
    5 went to its registrants in the last 24 hours (`MESSAGES_A_DAY`). Audited (`event.messaged`)."""
    command = commands.MessageRegistrants(scheduled_event_id, body.message_id, body.body, body.to)
    message, new = await handlers.message_registrants(command, caller, _may_message(caller), uow, datetime.now(UTC))
    if not new:
        response.status_code = 200
    return EventMessage(**message)


@router.get("/events/{scheduled_event_id}/messages", responses=answers(403, 404))
async def event_messages(scheduled_event_id: UUID, caller: Caller, uow: UnitOfWork) -> list[EventMessage]:
    """The organizers' messages to the event's registrants, newest first; who may write them may read them."""
    return [EventMessage(**m) for m in await views.event_messages(uow, scheduled_event_id, _may_message(caller))]
