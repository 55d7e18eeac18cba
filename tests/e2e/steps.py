"""The steps several end-to-end tests take through the platform's own doors: a person signed up, an event published,
a seat taken (once its email has arrived)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from plumbing.testing import eventually


async def a_person(platform, name: str, address: str, timezone: str = "America/Chicago") -> dict:
    """An undergraduate, as profiles answers their creation."""
    async with platform.client("profiles") as profiles:
        made = await profiles.post("/v1/people", json={"display_name": name, "email": address,
                                                       "stage": "undergraduate", "timezone": timezone})
    assert made.status_code == 201, made.text
    return made.json()


async def a_published_event(platform, title: str, *, kind: str = "chapter_session", capacity: int = 5,
                            timezone: str = "America/Chicago", days_ahead: int = 14) -> dict:
    """An in-person event an hour long, `days_ahead` from now, its attendees private (the default), published."""
    starts = datetime.now(UTC).replace(microsecond=0, second=0) + timedelta(days=days_ahead)
    async with platform.client("events") as organizer:
        made = await organizer.post("/v1/events", json={
            "kind": kind, "title": title, "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(), "timezone": timezone, "capacity": capacity,
            "registration_deadline": (starts - timedelta(days=1)).isoformat(), "location": "Room 2"})
        assert made.status_code == 201, made.text
        assert (await organizer.post(f"/v1/events/{made.json()['id']}/publish")).status_code == 200
    return made.json()


async def registered(platform, event: dict, person: dict) -> dict:
    """The person's registration, by an organizer, once events knows them (profiles' event may still be on its way)
    and their email about it has arrived."""
    async with platform.client("events") as organizer:
        async def taken():
            answer = await organizer.post(f"/v1/events/{event['id']}/registrations", json={"person_id": person["id"]})
            return answer.json() if answer.status_code == 201 else None

        registration = await eventually(taken, timeout=60, what="a registration")
    await eventually(lambda: platform.sink.messages(to=person["email"]) or None, timeout=60,
                     what="the registration's email")
    return registration
