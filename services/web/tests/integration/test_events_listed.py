"""The events page lists what a person can still go to: an event that is over is not among them (it had stayed,
oldest first, with a Register button, and enough of them pushed the coming ones off the page)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg

from .test_security import signed_up, visitor  # noqa: F401 (a fixture)


async def test_an_event_that_is_over_is_no_longer_listed_and_one_going_on_still_is(platform, visitor):  # noqa: F811
    starts = datetime.now(UTC) + timedelta(days=3)
    titles = {"over": f"Statements clinic {uuid4().hex[:6]}", "going_on": f"Conference {uuid4().hex[:6]}"}
    ids = {}
    async with platform.client("events") as events:
        for name, title in titles.items():
            answer = await events.post("/v1/events", json={
                "kind": "workshop", "title": title, "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=2)).isoformat(), "capacity": 20, "timezone": "America/Chicago",
                "registration_deadline": (starts - timedelta(days=1)).isoformat(), "location": "Library"})
            assert answer.status_code == 201, answer.text
            made = answer.json()
            assert (await events.post(f"/v1/events/{made['id']}/publish")).status_code == 200
            ids[name] = UUID(made["id"])
    await signed_up(platform, visitor)
    listed = (await visitor.request("GET", "/events")).text
    assert all(title in listed for title in titles.values())

    now = datetime.now(UTC)
    conn = await asyncpg.connect(platform.databases["events"])
    try:  # one ended an hour ago; the other began then and ends tomorrow
        for name, ends in (("over", now - timedelta(hours=1)), ("going_on", now + timedelta(days=1))):
            await conn.execute("UPDATE scheduled_events SET starts_at = $2, ends_at = $3 WHERE id = $1",
                               ids[name], now - timedelta(hours=3), ends)
    finally:
        await conn.close()
    listed = (await visitor.request("GET", "/events")).text
    assert titles["over"] not in listed and titles["going_on"] in listed
