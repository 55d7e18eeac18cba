"""Emails that did not arrive: notifications' delivery log of the staff member's chapters (an administrator: every
chapter, or one), the ones that failed for good or may not have gone, newest first, with names joined, so that a
coordinator can have them sent again (once the address is right, or the mail server is back) or reach those people
another way."""

from __future__ import annotations

import asyncio
import re
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from ..adapters.services import ServiceError
from ..entrypoints.web import Form
from .core import Console, ConsoleRoute, Desk, uuid_or_none

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)

NOT_ARRIVED = ("failed", "unconfirmed")
SHOWN = 100  # per chapter and status; notifications answers at most this many, newest first
SENT_AGAIN_AT_ONCE = 500  # what notifications takes in one request


async def _log(desk: Desk, chapter_id: str | None, status: str) -> list[dict[str, Any]]:
    return await desk.api.call("notifications", "GET", "/v1/deliveries", desk.staff,
                               params={"status": status, "limit": SHOWN, "chapter_id": chapter_id})


async def not_arrived(desk: Desk, chapters: list[dict], chosen_id: str = "") -> list[dict[str, Any]]:
    """The emails that failed or may not have arrived, of the chosen chapter or all the staff member's, newest
    first. A coordinator's log is asked chapter by chapter (notifications scopes it so); an administrator's at
    once."""
    asked: list[str | None] = [chosen_id] if chosen_id else (
        [None] if desk.staff.administrator else [c["id"] for c in chapters])
    found = await asyncio.gather(*(_log(desk, chapter, status) for chapter in asked for status in NOT_ARRIVED))
    return sorted((d for each in found for d in each), key=lambda d: d["created_at"], reverse=True)


@router.get("/emails")
async def emails(desk: Console, chapter_id: str = "", done: str = "") -> Response:
    return await _emails_page(desk, chapter_id, done=done)


# A person's page sends an email again too, and is where the staff member goes back to.
PERSON_PAGE = re.compile(r"/console/people/[0-9a-f-]{36}")


@router.post("/emails/{notification_id}/send-again")
async def send_again(notification_id: UUID, desk: Console, posted: Form) -> Response:
    chosen = uuid_or_none(posted.get("chapter_id"))
    person_page = str(posted.get("back") or "")
    back = (person_page if PERSON_PAGE.fullmatch(person_page) else "/console/emails") + "?done=sent_again" + (
        f"&chapter_id={chosen}" if chosen else "")
    try:
        await desk.api.call("notifications", "POST", f"/v1/deliveries/{notification_id}/send-again", desk.staff)
    except ServiceError as error:
        if error.status == 403 or error.status >= 500:
            raise
        # Gone (erased), already on its way again, or an email change: the page as it now stands, saying why.
        return await _emails_page(desk, str(chosen or ""), 409, error=desk.error_words(error))
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
    deliveries = await not_arrived(desk, chapters, chosen_id)
    names = await desk.names({d[who] for d in deliveries for who in ("person_id", "sent_again_by") if d.get(who)})
    return desk.render("console/emails.html", status, deliveries=deliveries, names=names, chapter_id=chosen_id,
                       chapter_list=chapters, chapters={c["id"]: c for c in chapters}, **context)
