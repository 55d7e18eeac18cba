"""An operator restates the catalogue (`python -m events restate catalogue`): every event but drafts as the events
service holds it now, published by the running service after what the topic already says of each."""

import re
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from mentorship_contracts.profiles import PersonRegistered
from mentorship_contracts.vocabulary import TrainingStage
from plumbing.testing import eventually, operator_command

from .test_events_over_http import event_body
from .test_office_hours_over_http import approved_mentor


async def test_restating_the_catalogue_publishes_each_event_but_drafts_as_it_is_now_after_its_history(
        events_api, events_settings, observe):
    catalogue = await observe("events.catalogue")
    async with events_api.client() as admin:
        async def event(publish: bool = True, **overrides) -> str:
            made = (await admin.post("/v1/events", json=event_body(**overrides))).json()
            if publish:
                assert (await admin.post(f"/v1/events/{made['id']}/publish")).status_code == 200
            return made["id"]

        kept_private, fair = await event(), await event(title="Health careers fair", attendees_public=True)
        called_off, draft = await event(title="Suturing workshop"), await event(publish=False)
        assert (await admin.post(f"/v1/events/{called_off}/cancel", json={})).status_code == 200

    # As an operator runs it: a line per page on standard error, the count at the end.
    ran = await operator_command("events", "restate", "catalogue", database_url=events_settings.database_url)
    assert ran.returncode == 0, ran.err
    assert ran.out == "restated 3 on events.catalogue; the running service publishes them\n"
    assert "events.catalogue: 3 restated so far" in ran.err

    said = {}
    for event_id in (kept_private, fair, called_off):
        *history, restated = await catalogue.wait_for(event_id, 2 if event_id != called_off else 3)
        assert restated["event_type"] == "events.event_restated" and history[0]["event_type"] == "events.event_published"
        said[event_id] = (restated["title"], restated["state"], restated["attendees_public"], restated["revision"])
    assert said == {kept_private: ("Applying while LGBTQ+", "published", False, 0),
                    fair: ("Health careers fair", "published", True, 0),
                    called_off: ("Suturing workshop", "cancelled", False, 1)}
    await catalogue.drain()
    assert catalogue.about(draft) == []
    assert [catalogue.private_data_about(e) for e in (kept_private, fair, called_off)] == [[], [], []]  # no join link


async def test_restating_registrations_publishes_each_on_its_events_topic_a_private_events_on_the_restricted_one(
        events_api, events_settings, observe, publish):
    public, attendees = await observe("events.registrations"), await observe("events.attendees")
    sam = uuid4()
    await publish(PersonRegistered(person_id=sam, chapter_id=None, stage=TrainingStage.UNDERGRADUATE))
    async with events_api.client() as admin:
        made = {}
        for title, shown in (("Health careers fair", True), ("Applying while LGBTQ+", False)):
            made[shown] = (await admin.post("/v1/events", json=event_body(
                title=title, attendees_public=shown, audience_stages=[], capacity=5))).json()["id"]
            assert (await admin.post(f"/v1/events/{made[shown]}/publish")).status_code == 200

            async def registered(event_id=made[shown]):
                answer = await admin.post(f"/v1/events/{event_id}/registrations", json={"person_id": str(sam)})
                return answer.json() if answer.status_code == 201 else None

            await eventually(registered, what="Sam's registration")

    ran = await operator_command("events", "restate", "registrations", database_url=events_settings.database_url)
    assert ran.returncode == 0, ran.err
    assert re.fullmatch(r"restated \d+ on events\.registrations and events\.attendees; the running service "
                        r"publishes them\n", ran.out)

    *_, shown = await public.wait_for(made[True], 2)
    *_, kept = await attendees.wait_for(made[False], 2)
    assert (shown["event_type"], shown["status"], shown["person_id"]) == (
        "events.registration_restated", "confirmed", str(sam))
    assert (kept["event_type"], kept["status"]) == ("events.private_registration_restated", "confirmed")
    await public.drain()
    assert public.about(made[False]) == []  # who registers for a private event is never on the public topic


async def test_restating_office_hours_publishes_each_booking_held_on_the_restricted_topic(
        events_api, events_settings, observe, publish):
    office_hours = await observe("events.office-hours")
    host, student = uuid4(), uuid4()
    await publish(*approved_mentor(host, TrainingStage.ATTENDING),
                  PersonRegistered(person_id=student, chapter_id=None, stage=TrainingStage.UNDERGRADUATE))
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    async with events_api.client("participant", person_id=host) as as_host:
        async def offered():
            answer = await as_host.post("/v1/office-hours/slots", json={
                "host_id": str(host), "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(minutes=30)).isoformat()})
            return answer.json() if answer.status_code == 201 else None

        slot = await eventually(offered, what="the host's slot")
    async with events_api.client("participant", person_id=student) as as_student:
        async def booked():
            answer = await as_student.post(f"/v1/office-hours/slots/{slot['id']}/booking",
                                           json={"person_id": str(student)})
            return answer.json() if answer.status_code in (200, 201) else None

        await eventually(booked, what="the student's booking")

    ran = await operator_command("events", "restate", "office-hours", database_url=events_settings.database_url)
    assert ran.returncode == 0, ran.err
    assert ran.out == "restated 1 on events.office-hours; the running service publishes them\n"
    booked_then, restated = await office_hours.wait_for(slot["id"], 2)
    assert restated["event_type"] == "events.office_hours_booking_restated"
    assert (restated["booking_id"], restated["person_id"]) == (booked_then["booking_id"], str(student))
