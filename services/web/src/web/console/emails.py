"""Emails that did not arrive: notifications' delivery log of the staff member's chapters (an administrator: every
chapter, or one), the ones that failed for good or may not have gone, newest first, with names joined, so that a
coordinator can have them sent again (once the address is right, or the mail server is back) or reach those people
another way."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from ..adapters.services import ServiceError
from ..entrypoints.web import Form
from .core import Console, ConsoleRoute, Desk, uuid_or_none
from .deliveries import SHOWN, not_arrived
from .people import person_page

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)

SENT_AGAIN_AT_ONCE = 500  # what notifications takes in one request


@router.get("/emails")
async def emails(desk: Console, chapter_id: str = "", done: str = "") -> Response:
    return await _emails_page(desk, chapter_id, done=done)


# A person's page sends an email again too, and is where the staff member goes back to.
PERSON_PAGE = re.compile(r"/console/people/([0-9a-f-]{36})")


@router.post("/emails/{notification_id}/send-again")
async def send_again(notification_id: UUID, desk: Console, posted: Form) -> Response:
    chosen = uuid_or_none(posted.get("chapter_id"))
    person = uuid_or_none(found[1]) if (found := PERSON_PAGE.fullmatch(str(posted.get("back") or ""))) else None
    back = (f"/console/people/{person}" if person else "/console/emails") + "?done=sent_again" + (
        f"&chapter_id={chosen}" if chosen else "")
    try:
        await desk.api.call("notifications", "POST", f"/v1/deliveries/{notification_id}/send-again", desk.staff)
    except ServiceError as error:
        if error.status == 403 or error.status >= 500:
            raise
        # Gone (erased), already on its way again, or an email change: the page it was asked from, as it now
        # stands, saying why.
        refused = desk.error_words(error)
        if person:
            return await person_page(desk, person, 409, email_refused={"id": str(notification_id), "words": refused})
        return await _emails_page(desk, str(chosen or ""), 409, error=refused)
    return desk.redirect(back)


@router.post("/emails/send-again")
async def send_all_again(desk: Console, posted: Form) -> Response:
    """Every email the page listed (after an SMTP outage, say): those that arrived meanwhile are skipped."""
    chosen = uuid_or_none(posted.get("chapter_id"))
    listed = [str(found) for value in posted.getlist("notification_id")[:SENT_AGAIN_AT_ONCE]
              if (found := uuid_or_none(value))]
    if listed:
        await desk.api.call("notifications", "POST", "/v1/deliveries/send-again", desk.staff,
                            json={"notification_ids": listed})
    return desk.redirect("/console/emails?done=sent_again_all" + (f"&chapter_id={chosen}" if chosen else ""))


async def _emails_page(desk: Desk, chapter_id: str, status: int = 200, **context: Any) -> Response:
    chapters = await desk.chapters()
    chosen = uuid_or_none(chapter_id)
    chosen_id = str(chosen) if chosen and desk.staff.coordinates(chosen) else ""
    found = await not_arrived(desk, chapters, chosen_id)
    deliveries = found.deliveries
    names = await desk.names({d[who] for d in deliveries for who in ("person_id", "sent_again_by") if d.get(who)})
    return desk.render("console/emails.html", status, deliveries=deliveries, more=found.more, shown=SHOWN,
                       names=names, chapter_id=chosen_id, chapter_list=chapters,
                       chapters={c["id"]: c for c in chapters}, **context)
