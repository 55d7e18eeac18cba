"""Input that used to break the service (issue 10, findings 9 and 10): each is a 4xx naming the field at fault, or,
for a rule of the platform, a refusal saying which rule; never a 500, and never a row that fails later."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from events.bootstrap import MIGRATIONS
from icalendar import Calendar
from mentorship_contracts.profiles import PersonRegistered
from mentorship_contracts.vocabulary import TrainingStage
from plumbing.testing import eventually

from .test_office_hours_over_http import approved_mentor, offer_once_approved

STARTS = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)


def event_body(**overrides) -> dict:
    return {"kind": "workshop", "title": "Writing your personal statement", "starts_at": STARTS.isoformat(),
            "ends_at": (STARTS + timedelta(hours=2)).isoformat(), "timezone": "America/Los_Angeles",
            "capacity": 30, "registration_deadline": (STARTS - timedelta(days=1)).isoformat(),
            "location": "Library, room 2", **overrides}


def refused_field(answer) -> str:
    assert answer.status_code == 422, answer.text
    return answer.json()["error"]["field"]


@pytest.mark.parametrize(("overrides", "at_fault"), [
    ({"title": "Personal\x00statements"}, "title"),
    ({"title": "Personal\nstatements"}, "title"),  # it broke the event's .ics and every confirmation email
    ({"title": "Personal\u2028statements"}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"description": "Bring a draft\x00"}, "description"),
    ({"location": "Library\r\nroom 2"}, "location"),
    ({"timezone": "America/Los_Angeles\x00"}, "timezone"),
    ({"timezone": "America"}, "timezone"),  # a directory of the zone database, not a zone
    ({"timezone": "A" * 300}, "timezone"),
    ({"kind": "career_fair", "exhibitors": [{"name": "Howard\x00", "kind": "medical_school", "booth": "A1"}]},
     "exhibitors.0.name"),
    ({"starts_at": "9999-12-31T23:00:00-05:00"}, "starts_at"),
    ({"ends_at": "9999-12-31T23:00:00+00:00"}, "ends_at"),
    ({"registration_deadline": "0001-01-01T00:00:00+00:00"}, "registration_deadline"),
    ({"audience_stages": ["undergraduate"] * 100}, "audience_stages"),
])
async def test_an_event_with_text_or_times_that_would_break_something_is_refused_naming_the_field(
    events_api, overrides, at_fault,
):
    async with events_api.client() as admin:
        assert refused_field(await admin.post("/v1/events", json=event_body(**overrides))) == at_fault


async def test_changing_an_event_refuses_the_same_input_and_a_null_where_a_value_is_required(events_api):
    async with events_api.client() as admin:
        event = (await admin.post("/v1/events", json=event_body(attendees_public=True))).json()
        for changes, at_fault in [({"title": "a\nb"}, "title"), ({"title": None}, "title"),
                                  ({"starts_at": None}, "starts_at"), ({"capacity": None}, "capacity"),
                                  ({"timezone": None}, "timezone"), ({"audience_stages": None}, "audience_stages"),
                                  ({"ends_at": "9999-12-31T23:59:59+00:00"}, "ends_at")]:
            assert refused_field(await admin.patch(f"/v1/events/{event['id']}", json=changes)) == at_fault
        cleared = await admin.patch(f"/v1/events/{event['id']}", json={"description": "", "title": "Statements"})
        assert cleared.status_code == 200 and cleared.json()["title"] == "Statements"
        ics = await admin.get(f"/v1/events/{event['id']}/calendar.ics")
        assert ics.status_code == 200 and b"SUMMARY:Statements" in ics.content


@pytest.mark.parametrize(("params", "at_fault"), [
    ({"offset": "99999999999999999999"}, "offset"),
    ({"offset": "9223372036854775808"}, "offset"),
    ({"limit": "100000"}, "limit"),
    ({"starts_from": "9999-12-31T23:59:59-12:00"}, "starts_from"),
    ({"starts_before": "0001-01-01T00:00:00+14:00"}, "starts_before"),
])
async def test_listing_events_with_a_number_or_date_out_of_range_is_refused_naming_the_parameter(
    events_api, params, at_fault,
):
    async with events_api.client() as admin:
        assert refused_field(await admin.get("/v1/events", params=params)) == at_fault


async def test_a_body_over_one_mebibyte_is_refused_before_it_is_read_whole(events_api):
    async with events_api.client() as admin:
        answer = await admin.post("/v1/events", json=event_body(description="x" * (2 * 1024 * 1024)))
    assert answer.status_code == 413 and answer.json()["error"]["field"] == "body"


async def test_an_event_or_a_slot_in_the_past_is_refused(events_api, publish):
    yesterday = datetime.now(UTC) - timedelta(days=1)
    async with events_api.client() as admin:
        past = await admin.post("/v1/events", json=event_body(
            starts_at=yesterday.isoformat(), ends_at=(yesterday + timedelta(hours=2)).isoformat(),
            registration_deadline=(yesterday - timedelta(days=1)).isoformat()))
        assert refused_field(past) == "starts_at"
        event = (await admin.post("/v1/events", json=event_body())).json()
        moved = await admin.patch(f"/v1/events/{event['id']}", json={
            "starts_at": yesterday.isoformat(), "registration_deadline": (yesterday - timedelta(days=1)).isoformat()})
        assert refused_field(moved) == "starts_at"

    host = uuid4()
    await publish(*approved_mentor(host, TrainingStage.RESIDENT))
    async with events_api.client("participant", person_id=host) as as_host:
        assert refused_field(await offer_once_approved(as_host, {
            "host_id": str(host), "starts_at": yesterday.isoformat(),
            "ends_at": (yesterday + timedelta(minutes=30)).isoformat()})) == "starts_at"


async def test_a_chapter_event_admits_its_own_chapter_s_people_only_and_a_national_one_anyone_eligible(
    events_api, publish,
):
    chapter, other_chapter = uuid4(), uuid4()
    member, outsider, unattached = uuid4(), uuid4(), uuid4()
    await publish(PersonRegistered(person_id=member, chapter_id=chapter, stage=TrainingStage.UNDERGRADUATE),
                  PersonRegistered(person_id=outsider, chapter_id=other_chapter, stage=TrainingStage.UNDERGRADUATE),
                  PersonRegistered(person_id=unattached, chapter_id=None, stage=TrainingStage.UNDERGRADUATE))
    async with events_api.client() as admin:
        chapter_event = (await admin.post("/v1/events", json=event_body(chapter_id=str(chapter)))).json()
        national = (await admin.post("/v1/events", json=event_body(audience_stages=["undergraduate"]))).json()
        for event in (chapter_event, national):
            await admin.post(f"/v1/events/{event['id']}/publish")

        async def registering(person, event):
            async def answered():
                answer = await admin.post(f"/v1/events/{event['id']}/registrations", json={"person_id": str(person)})
                not_yet = answer.status_code == 409 and answer.json()["error"]["code"].endswith("_not_yet_known")
                return None if not_yet else answer

            return await eventually(answered, what="the person's profile to reach the events service")

        assert (await registering(member, chapter_event)).status_code == 201
        for person in (outsider, unattached):
            refused = await registering(person, chapter_event)
            assert refused.status_code == 409, refused.text
            assert (refused.json()["error"]["code"], refused.json()["error"]["field"]) == ("not_in_chapter",
                                                                                           "chapter_id")
        for person in (member, outsider, unattached):
            assert (await registering(person, national)).status_code == 201


async def test_a_title_stored_on_several_lines_before_the_rule_is_made_one_line_and_its_calendar_opens(events_api):
    async with events_api.client() as admin:
        event = (await admin.post("/v1/events", json=event_body(title="Statements", attendees_public=True))).json()
        pool = events_api.app.state.service.pool
        await pool.execute("UPDATE scheduled_events SET title = $2, location = $3 WHERE id = $1", UUID(event["id"]),
                           "Personal\r\nstatements", "Library\nroom 2")  # as stored before titles were one line

        await pool.execute((MIGRATIONS / "0003_one_line_titles.sql").read_text())

        ics = await admin.get(f"/v1/events/{event['id']}/calendar.ics")
        assert ics.status_code == 200
        [entry] = Calendar.from_ical(ics.content).walk("VEVENT")
        assert (str(entry["summary"]), str(entry["location"])) == ("Personal statements", "Library room 2")
