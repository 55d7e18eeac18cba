"""A person's messages (the in-app inbox notifications keeps) and which emails they get."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..adapters.rendering import LANGUAGES
from ..adapters.services import ServiceError
from . import labels
from .web import LANGUAGE_COOKIE, Form, Person, Visit, Visiting, clients, redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/inbox")
async def inbox(visitor: Person, done: str | None = None) -> Response:
    # In the page's language: one just switched reaches notifications later, by profiles' event.
    found = await clients(visitor.request).inbox(visitor.who, visitor.person_id, language=visitor.language)
    return render(visitor, "inbox.html", items=found["items"], unread=found["unread"], done=done)


@router.get("/inbox/{notification_id}")
async def inbox_message(notification_id: UUID, visitor: Person) -> Response:
    """A message whole, as its email said it; opening it is reading it."""
    api = clients(visitor.request)
    try:
        message = await api.inbox_message(visitor.who, visitor.person_id, notification_id, language=visitor.language)
        await api.mark_read(visitor.who, visitor.person_id, notification_id)
    except ServiceError as error:
        if error.status in (404, 422):
            return render(visitor, "not_found.html", 404)
        raise
    return render(visitor, "inbox_message.html", message=message)


@router.post("/inbox/{notification_id}/read")
async def mark_read(notification_id: UUID, visitor: Person, posted: Form) -> Response:
    try:
        await clients(visitor.request).mark_read(visitor.who, visitor.person_id, notification_id)
    except ServiceError as error:
        if error.status != 404:
            raise
        return render(visitor, "not_found.html", 404)  # not theirs (or gone): not said to be marked
    if visitor.request.headers.get("hx-request") == "true":
        # In its place, said in the live region: the next message's button is a Tab away, not a list away.
        found = await clients(visitor.request).inbox(visitor.who, visitor.person_id, language=visitor.language)
        item = next((i for i in found["items"] if i["id"] == str(notification_id)), None)
        if item is not None:
            return render(visitor, "_inbox_item_answer.html", item={**item, "read": True}, unread=found["unread"])
    # Said, and focused, so that one who pressed the button is not left at the top of the page, unsure it worked.
    return redirect(visitor, "/inbox?done=marked_read")


@router.get("/settings/notifications")
async def notification_settings(visitor: Person, done: str | None = None) -> Response:
    found = await clients(visitor.request).preferences(visitor.who, visitor.person_id)
    return render(visitor, "notification_settings.html", preferences=found, done=done, categories=CATEGORIES)


@router.post("/settings/notifications")
async def save_notification_settings(visitor: Person, posted: Form) -> Response:
    api = clients(visitor.request)
    current = await api.preferences(visitor.who, visitor.person_id)
    wanted = set(posted.getlist("email"))
    changes = {"email": {c["category"]: c["category"] in wanted for c in current["categories"] if c["can_opt_out"]},
               "daily_digest": posted.get("daily_digest") == "yes"}
    await api.change_preferences(visitor.who, visitor.person_id, changes)
    return redirect(visitor, "/settings/notifications?done=preferences")


# An unsubscribe token, as notifications signs them, is far shorter: anything longer is no link of ours.
TOKEN_LIMIT = 500


@router.get("/unsubscribe")
async def unsubscribe_page(visitor: Visiting, token: str = "") -> Response:
    """The link in an email: what it stops, asked to confirm (a GET changes nothing: mail scanners follow links).
    No sign-in: the signed token is the authority, for one category of one person's emails."""
    try:
        link = await clients(visitor.request).unsubscribe_link(token[:TOKEN_LIMIT])
    except ServiceError as error:
        return _link_gone(visitor, error)
    _in_their_language(visitor, link)
    return render(visitor, "unsubscribe.html", token=token, category=CATEGORIES[link["category"]],
                  already=link["opted_out"])


@router.post("/unsubscribe")
async def unsubscribe(visitor: Visiting, request: Request, token: str = "") -> Response:
    """The page's button, and a mail client's one-click unsubscribe (RFC 8058: `List-Unsubscribe=One-Click` posted
    to the link). No page token: a mail client has none, and the signed token is the authority."""
    token = token or str((await request.form()).get("token") or "")
    try:
        done = await clients(visitor.request).unsubscribe(token[:TOKEN_LIMIT])
    except ServiceError as error:
        return _link_gone(visitor, error)
    _in_their_language(visitor, done)
    return render(visitor, "unsubscribe.html", category=CATEGORIES[done["category"]], done=True)


def _in_their_language(visitor: Visit, link: dict) -> None:
    """The page in the language its reader reads their emails in (notifications says), not their browser's; unless
    they are signed in, or chose one with the language switch."""
    if visitor.session is None and LANGUAGE_COOKIE not in visitor.request.cookies \
            and link.get("language") in LANGUAGES:
        visitor.language = link["language"]


def _link_gone(visitor: Visit, error: ServiceError) -> Response:
    """A link notifications refused (forged, cut short, or its message and reader gone) says so; a failure is one."""
    if error.status not in (400, 404, 422):
        raise error
    return render(visitor, "unsubscribe.html", 404, gone=True)


CATEGORIES = {
    "essential": labels.N_("About your account, your mentorships, and what you did or booked (always sent)"),
    "mentorship_nudges": labels.N_("Reminders about your mentorships"),
    "event_updates": labels.N_("News of events you registered for, and reminders (a new time or place always reaches you)"),
    "waitlist": labels.N_("Waiting for a mentor in a program"),
}
