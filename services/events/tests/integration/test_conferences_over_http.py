"""A conference and its sessions over HTTP, on the real database and broker: a session is published after its
conference, a conference moved only around its sessions, and cancelled with them, their registrants told."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg
from mentorship_contracts.profiles import PersonRegistered
from mentorship_contracts.vocabulary import TrainingStage
from plumbing.testing import eventually

FIRST_DAY = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=20)


def conference_body(chapter, **overrides) -> dict:
    return {"chapter_id": str(chapter), "kind": "conference", "title": "Regional conference",
            "starts_at": FIRST_DAY.isoformat(), "ends_at": (FIRST_DAY + timedelta(days=3)).isoformat(),
            "timezone": "America/Chicago", "capacity": 500, "location": "Convention centre",
            "registration_deadline": (FIRST_DAY - timedelta(days=1)).isoformat(), **overrides}


def session_body(conference: dict, title: str, day: int) -> dict:
    starts = FIRST_DAY + timedelta(days=day, hours=9)
    return conference_body(conference["chapter_id"], kind="conference_session", title=title, capacity=40,
                           parent_event_id=conference["id"], starts_at=starts.isoformat(),
                           ends_at=(starts + timedelta(hours=1)).isoformat(), location="Room 101")


async def test_a_conference_is_published_before_its_sessions_moved_around_them_and_cancelled_with_them(
        events_api, publish, observe):
    public, attendees = await observe("events.catalogue"), await observe("events.attendees")
    chapter, member = uuid4(), uuid4()
    async with events_api.client("coordinator", chapter_id=chapter) as coordinator:
        conference = (await coordinator.post("/v1/events", json=conference_body(chapter))).json()
        stories = (await coordinator.post("/v1/events", json=session_body(conference, "Match day stories", 2))).json()

        early = await coordinator.post(f"/v1/events/{stories['id']}/publish")
        assert early.status_code == 409, early.text
        assert (early.json()["error"]["code"], early.json()["error"]["field"]) == (
            "conference_not_published", "parent_event_id")
        for event in (conference, stories):
            assert (await coordinator.post(f"/v1/events/{event['id']}/publish")).status_code == 200

        shorter = await coordinator.patch(f"/v1/events/{conference['id']}", json={
            "ends_at": (FIRST_DAY + timedelta(days=2)).isoformat()})
        assert shorter.status_code == 422, shorter.text
        assert (shorter.json()["error"]["code"], shorter.json()["error"]["field"]) == (
            "sessions_outside_conference", "ends_at")
        assert '"Match day stories"' in shorter.json()["error"]["message"]

        # What the coordinator is asked before cancelling: the sessions that go with it.
        going = (await coordinator.get("/v1/events", params={
            "parent_event_id": conference["id"], "ends_after": datetime.now(UTC).isoformat()})).json()
        assert [e["id"] for e in going] == [stories["id"]]

        await publish(PersonRegistered(person_id=member, chapter_id=chapter, stage=TrainingStage.UNDERGRADUATE))
        async with events_api.client("participant", person_id=member) as as_member:
            async def registered():
                answer = await as_member.post(f"/v1/events/{stories['id']}/registrations",
                                              json={"person_id": str(member)})
                return answer.json() if answer.status_code == 201 else None

            assert (await eventually(registered, what="the registration for the session"))["status"] == "confirmed"

        cancelled = await coordinator.post(f"/v1/events/{conference['id']}/cancel", json={
            "reason_code": "venue_unavailable", "note": "The convention centre flooded."})
        assert cancelled.json()["state"] == "cancelled", cancelled.text
        session_now = (await coordinator.get(f"/v1/events/{stories['id']}")).json()
        assert (session_now["state"], session_now["cancellation_note"]) == (
            "cancelled", "The convention centre flooded.")

    [told] = [m for m in await attendees.wait_for(stories["id"], 2)
              if m["event_type"] == "events.private_registration_cancelled"]
    assert (told["person_id"], told["cancelled_by"]) == (str(member), "event_cancelled")
    await public.wait_for(stories["id"], 2)
    [said] = [m for m in public.about(stories["id"]) if m["event_type"] == "events.event_cancelled"]
    assert (said["reason_code"], said["note"]) == ("venue_unavailable", "The convention centre flooded.")


async def test_a_session_published_while_its_conference_was_a_draft_is_shown_to_its_organisers_only(
        events_api, events_settings):
    chapter = uuid4()
    async with events_api.client("coordinator", chapter_id=chapter) as coordinator:
        conference = (await coordinator.post("/v1/events", json=conference_body(chapter))).json()
        stories = (await coordinator.post("/v1/events", json=session_body(conference, "Match day stories", 1))).json()
        database = await asyncpg.connect(events_settings.database_url)
        try:  # published before that was refused
            await database.execute("UPDATE scheduled_events SET state = 'published' WHERE id = $1", stories["id"])
        finally:
            await database.close()

        listed = {"parent_event_id": conference["id"]}
        async with events_api.client("participant", person_id=uuid4()) as member:
            assert (await member.get("/v1/events", params=listed)).json() == []
            assert (await member.get(f"/v1/events/{stories['id']}")).status_code == 404
        assert [e["id"] for e in (await coordinator.get("/v1/events", params=listed)).json()] == [stories["id"]]
        assert (await coordinator.get(f"/v1/events/{stories['id']}")).status_code == 200

        await coordinator.post(f"/v1/events/{conference['id']}/publish")
        async with events_api.client("participant", person_id=uuid4()) as member:
            assert [e["id"] for e in (await member.get("/v1/events", params=listed)).json()] == [stories["id"]]
            assert (await member.get(f"/v1/events/{stories['id']}")).status_code == 200
