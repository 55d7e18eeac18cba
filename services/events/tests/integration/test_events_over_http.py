"""The events service over HTTP: chapters' and national events, the audience rule from profiles' events,
virtual links for confirmed registrants only, calendars, check-in, and cancelling an event."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
from icalendar import Calendar
from mentorship_contracts.profiles import PersonRegistered
from mentorship_contracts.vocabulary import TrainingStage
from plumbing.calendar import event_uid
from plumbing.testing import eventually

STARTS = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)


def event_body(**overrides) -> dict:
    return {"kind": "virtual_session", "title": "Applying while LGBTQ+", "starts_at": STARTS.isoformat(),
            "ends_at": (STARTS + timedelta(hours=1)).isoformat(), "timezone": "America/Chicago", "capacity": 1,
            "registration_deadline": (STARTS - timedelta(days=1)).isoformat(), "is_virtual": True,
            "audience_stages": ["undergraduate", "medical_student_1"], **overrides}


async def test_a_chapter_session_from_creation_to_cancellation(events_api, publish, observe):
    public = await observe("events.catalogue", "events.registrations")
    access, attendees = await observe("events.access"), await observe("events.attendees")
    chapter, other_chapter = uuid4(), uuid4()
    sam, kai = uuid4(), uuid4()
    async with events_api.client("coordinator", chapter_id=other_chapter) as outsider:
        refused = await outsider.post("/v1/events", json=event_body(chapter_id=str(chapter)))
        assert refused.status_code == 403

    async with events_api.client("coordinator", chapter_id=chapter) as coordinator:
        session = (await coordinator.post("/v1/events", json=event_body(
            chapter_id=str(chapter), virtual_link="https://meet.example/lgbtq-session"))).json()
        assert session["state"] == "draft"
        assert (await coordinator.post(f"/v1/events/{session['id']}/publish")).json()["state"] == "published"

        async with events_api.client("participant", person_id=sam) as as_sam:
            assert (await as_sam.get(f"/v1/events/{session['id']}")).json()["full"] is False
            # Profiles has not told the events service Sam's stage yet: a clear answer, then success once it has.
            early = await as_sam.post(f"/v1/events/{session['id']}/registrations", json={"person_id": str(sam)})
            assert early.status_code == 409 and early.json()["error"]["code"] == "stage_not_yet_known"
            await publish(PersonRegistered(person_id=sam, chapter_id=chapter, stage=TrainingStage.UNDERGRADUATE),
                          PersonRegistered(person_id=kai, chapter_id=chapter, stage=TrainingStage.MEDICAL_STUDENT_1))

            async def registered():
                answer = await as_sam.post(f"/v1/events/{session['id']}/registrations", json={"person_id": str(sam)})
                return answer.json() if answer.status_code == 201 else None

            assert (await eventually(registered, what="Sam's registration"))["status"] == "confirmed"
            assert (await as_sam.get(f"/v1/events/{session['id']}/access")).json() == {
                "join_url": "https://meet.example/lgbtq-session"}
            seen = (await as_sam.get(f"/v1/events/{session['id']}")).json()
            assert "virtual_link" not in str(seen.values())
            assert seen["full"] is True  # its one seat is Sam's: who registers now waits

            ics = await as_sam.get(f"/v1/events/{session['id']}/calendar.ics")
            assert ics.headers["content-type"].startswith("text/calendar")
            [entry] = Calendar.from_ical(ics.content).walk("VEVENT")
            assert entry.decoded("dtstart") == STARTS and str(entry.decoded("dtstart").tzinfo) == "America/Chicago"
            assert str(entry["uid"]) == event_uid(session["id"])  # the UID of notifications' attachment too
            assert str(entry["summary"]) == "An event you registered for"  # its attendees are private: so its name
            # Sam's seat is confirmed: the entry holds the link to join, as their feed's does.
            assert str(entry["url"]) == "https://meet.example/lgbtq-session"
            assert "https://meet.example/lgbtq-session" in str(entry["description"])
            async with events_api.client("participant", person_id=kai) as as_kai:
                # Titled "An event you registered for", a private event's file is its registrants' alone.
                assert (await as_kai.get(f"/v1/events/{session['id']}/calendar.ics")).status_code == 404
            in_spanish = await as_sam.get(f"/v1/events/{session['id']}/calendar.ics", params={"language": "es"})
            assert "SUMMARY:Un evento en el que te inscribiste" in in_spanish.text

            issued = (await as_sam.post("/v1/calendar/feed")).json()
            feed_url = issued["url"]
            # The secret on its own too, for a front end that serves the feed at its own address.
            assert feed_url.endswith(f"/v1/calendar/feeds/{issued['token']}.ics")
            async with httpx.AsyncClient() as calendar_app:  # no bearer token: the URL is the credential
                feed = await calendar_app.get(feed_url)
                [entry] = Calendar.from_ical(feed.content).walk("VEVENT")
                # Its attendees are not public: the feed's entry is titled without the event's name.
                assert str(entry["summary"]) == "An event you registered for"
                assert str(entry["uid"]) == event_uid(session["id"])
                # Sam's own feed, behind its secret URL: the join link of the seat Sam holds.
                assert str(entry["url"]) == "https://meet.example/lgbtq-session" and entry["sequence"] == 0
                assert (await calendar_app.get(feed_url.replace(".ics", "x.ics"))).status_code == 404
                # Made in Spanish, the feed says its own words in Spanish; the link before it stops.
                spanish = (await as_sam.post("/v1/calendar/feed", json={"language": "es"})).json()["url"]
                feed = Calendar.from_ical((await calendar_app.get(spanish)).content)
                [entry] = feed.walk("VEVENT")
                assert (str(feed["x-wr-calname"]), str(entry["summary"])) == (
                    "Mis eventos", "Un evento en el que te inscribiste")
                assert (await calendar_app.get(feed_url)).status_code == 404
                # Sam switches the site to English: the same link, in English.
                assert (await as_sam.patch("/v1/calendar/feed", json={"language": "en"})).status_code == 204
                english = Calendar.from_ical((await calendar_app.get(spanish)).content)
                assert str(english["x-wr-calname"]) == "My events"
                assert (await as_sam.patch("/v1/calendar/feed", json={"language": "es"})).status_code == 204
                refused = await as_sam.post("/v1/calendar/feed", json={"language": "fr"})
                assert refused.status_code == 422 and "language" in refused.text

        async with events_api.client("participant", person_id=kai) as as_kai:
            async def waitlisted():
                answer = await as_kai.post(f"/v1/events/{session['id']}/registrations", json={"person_id": str(kai)})
                return answer.json() if answer.status_code == 201 else None

            assert (await eventually(waitlisted, what="Kai's registration"))["status"] == "waitlisted"
            # On the waitlist, without a seat: the file, without the link.
            [seen_by_kai] = Calendar.from_ical(
                (await as_kai.get(f"/v1/events/{session['id']}/calendar.ics")).content).walk("VEVENT")
            assert "url" not in seen_by_kai and "meet.example" not in seen_by_kai.to_ical().decode()
            [mine] = (await as_kai.get("/v1/registrations/mine")).json()
            assert (mine["status"], mine["waitlist_position"]) == ("waitlisted", 1)
            assert (await as_kai.get(f"/v1/events/{session['id']}/access")).status_code == 403
            assert (await as_kai.post(f"/v1/events/{session['id']}/attendance",
                                      json={"person_id": str(kai)})).status_code == 403

        # Whether Sam came is said from the day of the session, not weeks before: moved to within the hour, it is.
        early = await coordinator.post(f"/v1/events/{session['id']}/attendance", json={"person_id": str(sam)})
        assert early.status_code == 409 and early.json()["error"]["code"] == "check_in_not_open", early.text
        soon = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=30)
        moved = await coordinator.patch(f"/v1/events/{session['id']}", json={
            "starts_at": soon.isoformat(), "ends_at": (soon + timedelta(hours=1)).isoformat(),
            "registration_deadline": (soon - timedelta(minutes=10)).isoformat()})
        assert moved.status_code == 200, moved.text
        checked_in = await coordinator.post(f"/v1/events/{session['id']}/attendance", json={"person_id": str(sam)})
        assert checked_in.json()["attended"] is True
        roster = (await coordinator.get(f"/v1/events/{session['id']}/registrations")).json()
        assert roster["counts"] == {"confirmed": 1, "waitlisted": 1, "cancelled": 0, "attended": 1, "no_shows": 0}

        too_long = await coordinator.post(f"/v1/events/{session['id']}/cancel", json={"note": "x" * 1001})
        assert (too_long.status_code, too_long.json()["error"]["field"]) == (422, "note"), too_long.text
        # An explicit null is no note: refused here for the reason alone (it was a 500, found by the fuzzer).
        no_note = await coordinator.post(f"/v1/events/{session['id']}/cancel", json={"note": None,
                                                                                     "reason_code": "Not A Code"})
        assert (no_note.status_code, no_note.json()["error"]["field"]) == (422, "reason_code"), no_note.text
        cancelled = await coordinator.post(f"/v1/events/{session['id']}/cancel", json={
            "reason_code": "host_ill", "note": "Our host is ill.\nWe will run it again in March."})
        assert cancelled.json()["state"] == "cancelled"
        assert cancelled.json()["cancellation_note"] == "Our host is ill.\nWe will run it again in March."
        roster = (await coordinator.get(f"/v1/events/{session['id']}/registrations")).json()
        assert roster["counts"]["cancelled"] == 2
    async with httpx.AsyncClient() as calendar_app:
        # The event stays in Sam's calendar, cancelled, above every copy sent before (moved once, then cancelled); no
        # join link any more.
        [entry] = Calendar.from_ical((await calendar_app.get(spanish)).content).walk("VEVENT")
        assert (str(entry["status"]), entry["sequence"], "URL" in entry) == ("CANCELLED", 2, False)

    # Each topic keeps one event's messages in order (they are keyed by the event). Who registered for this session
    # is not for other teams (its organiser did not say otherwise): only notifications' restricted topic has it, and
    # attendance goes nowhere.
    messages = [m["event_type"].removeprefix("events.") for m in await public.wait_for(session["id"], 3)]
    assert messages == ["event_published", "event_updated", "event_cancelled"]
    told = [m["event_type"].removeprefix("events.") for m in await attendees.wait_for(session["id"], 4)]
    assert told == ["private_registration_confirmed", "private_registration_waitlisted",
                    "private_registration_cancelled", "private_registration_cancelled"]
    everyone_told = [m["person_id"] for m in attendees.about(session["id"])
                     if m["event_type"] == "events.private_registration_cancelled"]
    assert sorted(everyone_told) == sorted([str(sam), str(kai)])
    assert public.private_data_about(session["id"]) == []
    # The newest, closed-schema versions: 3 of the publication and 4 of the change say whether the attendees are public
    # (they are not), the change and the cancellation carry the event's revision, and the cancellation its note.
    versions = {m["event_type"]: m["schema_version"] for m in public.about(session["id"])}
    assert versions == {"events.event_published": 3, "events.event_updated": 4, "events.event_cancelled": 4}
    [cancellation] = [m for m in public.about(session["id"]) if m["event_type"] == "events.event_cancelled"]
    assert cancellation["note"] == "Our host is ill.\nWe will run it again in March."
    assert {m["attendees_public"] for m in public.about(session["id"]) if "attendees_public" in m} == {False}
    [granted] = await access.wait_for(session["id"], 1)
    assert (granted["person_id"], granted["join_url"]) == (str(sam), "https://meet.example/lgbtq-session")


async def test_career_fairs_and_conference_sessions_are_found_by_chapter_kind_dates_and_audience(events_api):
    chapter = uuid4()
    async with events_api.client() as admin:
        fair = (await admin.post("/v1/events", json=event_body(
            kind="career_fair", chapter_id=str(chapter), is_virtual=False, location="Student union", capacity=500,
            audience_stages=["high_school", "undergraduate"], exhibitors=[
                {"name": "Morehouse School of Medicine", "kind": "medical_school", "booth": "A1",
                 "description": "MD and MPH admissions"},
                {"name": "Emergency medicine residency", "kind": "residency_program", "booth": "B4"}]))).json()
        conference = (await admin.post("/v1/events", json=event_body(
            kind="conference", title="National conference", audience_stages=[], capacity=2000,
            ends_at=(STARTS + timedelta(days=2)).isoformat()))).json()
        talk = (await admin.post("/v1/events", json=event_body(
            kind="conference_session", title="Match day stories", audience_stages=[], capacity=80,
            parent_event_id=conference["id"]))).json()
        stray = await admin.post("/v1/events", json=event_body(kind="conference_session", parent_event_id=fair["id"],
                                                                 chapter_id=str(chapter)))
        assert stray.status_code == 422 and stray.json()["error"]["field"] == "parent_event_id"
        for event in (fair, conference, talk):
            await admin.post(f"/v1/events/{event['id']}/publish")

        async def found(**params) -> list[str]:
            return [e["id"] for e in (await admin.get("/v1/events", params=params)).json()]

        window = {"starts_from": (STARTS - timedelta(minutes=1)).isoformat(),
                  "starts_before": (STARTS + timedelta(minutes=1)).isoformat()}
        assert await found(chapter_id=str(chapter)) == [fair["id"]]
        assert await found(chapter_id=str(chapter), kind="workshop") == []
        assert await found(parent_event_id=conference["id"]) == [talk["id"]]
        assert set(await found(audience="high_school", **window)) >= {fair["id"], conference["id"], talk["id"]}
        assert fair["id"] not in await found(audience="resident", **window)
        assert await found(chapter_id=str(chapter), starts_from=(STARTS + timedelta(days=1)).isoformat()) == []
        # A person's events in one call: their chapter's and the national ones, soonest first; no other chapter's.
        elsewhere = (await admin.post("/v1/events", json=event_body(chapter_id=str(uuid4())))).json()
        await admin.post(f"/v1/events/{elsewhere['id']}/publish")
        mine = await found(chapter_id=str(chapter), with_national="true", **window)
        assert fair["id"] in mine and conference["id"] in mine and talk["id"] in mine
        assert elsewhere["id"] not in mine
        assert await found(chapter_id=str(chapter), with_national="true", kind="career_fair") == [fair["id"]]
        # What has not ended yet: a day after they start, the fair is over and the conference goes on.
        later = (STARTS + timedelta(days=1)).isoformat()
        going_on = await found(chapter_id=str(chapter), with_national="true", ends_after=later)
        assert conference["id"] in going_on and fair["id"] not in going_on and talk["id"] not in going_on
        shown = (await admin.get(f"/v1/events/{fair['id']}")).json()
        assert [(x["name"], x["booth"]) for x in shown["exhibitors"]] == [
            ("Morehouse School of Medicine", "A1"), ("Emergency medicine residency", "B4")]
