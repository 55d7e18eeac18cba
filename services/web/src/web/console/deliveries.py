"""Notifications' log of the emails that did not arrive, as the emails page, a person's page and the console's home
read it: the newest of each chapter and status (notifications gives no total, nor a page beyond the first)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from .core import Desk

NOT_ARRIVED = ("failed", "unconfirmed")
SHOWN = 100  # per chapter and status, newest first


@dataclass(frozen=True)
class NotArrived:
    deliveries: list[dict[str, Any]]
    more: bool  # notifications holds more than SHOWN of a chapter and status


async def _log(desk: Desk, chapter_id: str | None, status: str) -> list[dict[str, Any]]:
    # One more than shown: whether there are more.
    return await desk.api.call("notifications", "GET", "/v1/deliveries", desk.staff,
                               params={"status": status, "limit": SHOWN + 1, "chapter_id": chapter_id})


async def not_arrived(desk: Desk, chapters: list[dict], chosen_id: str = "") -> NotArrived:
    """The emails that failed or may not have arrived, of the chosen chapter or all the staff member's, newest
    first. A coordinator's log is asked chapter by chapter (notifications scopes it so); an administrator's at
    once."""
    asked: list[str | None] = [chosen_id] if chosen_id else (
        [None] if desk.staff.administrator else [c["id"] for c in chapters])
    found = await asyncio.gather(*(_log(desk, chapter, status) for chapter in asked for status in NOT_ARRIVED))
    return NotArrived(sorted((d for each in found for d in each[:SHOWN]), key=lambda d: d["created_at"], reverse=True),
                      any(len(each) > SHOWN for each in found))
