"""A meeting corrected and deleted over HTTP by the one who logged it, and the last meeting day kept with it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg

from .conftest import client


def days_ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).date().isoformat()


async def test_a_meeting_is_corrected_and_deleted_by_its_logger_alone_and_the_last_meeting_day_follows(
        matching, matching_settings, profiles, observer):
    program = await profiles.program(cadence_max_days=30)
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    pairing_id = (await observer.wait_for(program, "pairing_confirmed", mentee_id=mentee))[0]["pairing_id"]
    path = f"/v1/pairings/{pairing_id}/meetings"
    conn = await asyncpg.connect(matching_settings.database_url)
    await conn.execute("UPDATE pairings SET confirmed_at = now() - interval '60 days' WHERE id = $1", UUID(pairing_id))

    async def last_met_on() -> str | None:
        met = await conn.fetchval("SELECT last_met_at FROM pairings WHERE id = $1", UUID(pairing_id))
        return met and met.date().isoformat()

    async with client(matching, "participant", person_id=mentee) as as_mentee, \
            client(matching, "participant", person_id=mentor) as as_mentor, \
            client(matching, "participant", person_id=uuid4()) as stranger:
        for who in (as_mentor, as_mentee):  # the same meeting, logged by both
            logged = await who.post(path, json={"met_on": days_ago(5), "minutes": 40, "topics": ["MCAT"]})
            assert logged.status_code == 201, logged.text
        mine, theirs = sorted((await as_mentor.get(path)).json(), key=lambda m: m["logged_by"] != str(mentor))
        assert mine["logged_by"] == str(mentor) and theirs["logged_by"] == str(mentee)

        corrected = await as_mentor.patch(f"{path}/{mine['id']}",
                                          json={"met_on": days_ago(3), "minutes": 55, "topics": ["MCAT", "school"]})
        assert corrected.status_code == 200, corrected.text
        assert await last_met_on() == days_ago(3)
        future = await as_mentor.patch(f"{path}/{mine['id']}", json={"met_on": days_ago(-3), "minutes": 55})
        assert future.status_code == 422 and future.json()["error"]["field"] == "met_on", future.text

        partners = await as_mentor.delete(f"{path}/{theirs['id']}")
        assert partners.status_code == 403 and partners.json()["error"]["code"] == "not_your_meeting", partners.text
        assert (await stranger.delete(f"{path}/{mine['id']}")).status_code == 403
        unknown = await as_mentor.delete(f"{path}/{mine['id'] + 10_000}")
        assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "meeting_id", unknown.text

        assert (await as_mentor.delete(f"{path}/{mine['id']}")).status_code == 204
        assert [(m["id"], m["met_on"]) for m in (await as_mentee.get(path)).json()] == [(theirs["id"], days_ago(5))]
        assert await last_met_on() == days_ago(5)
    await conn.close()
