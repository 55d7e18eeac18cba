"""The coordinator's console on the real broker and database: removing a registrant (the next one waiting takes the
seat; the registrant is told why, on the restricted topic only), check-in at the door, the roster, drafts and
reports of a chapter for its coordinators only, national events for administrators, and the audit trail."""

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from events.adapters.repository import PostgresRegistrations
from events.domain.model import attendance_counts
from mentorship_contracts import decode
from mentorship_contracts.profiles import PersonRegisteredV2
from mentorship_contracts.vocabulary import TrainingStage
from plumbing.personal_data import open_event
from plumbing.testing import eventually

# At 3 p.m. in the event's zone, twenty days on: check-in opens at its local midnight whatever the hour the tests run
# (an event starting before 3 a.m. opens three hours before it instead).
STARTS = (datetime.now(ZoneInfo("America/Chicago")) + timedelta(days=20)).replace(
    hour=15, minute=0, second=0, microsecond=0).astimezone(UTC)
REASON = "Registered twice, under two accounts"


def event_body(**overrides) -> dict:
    return {"kind": "workshop", "title": "Personal statements", "starts_at": STARTS.isoformat(),
            "ends_at": (STARTS + timedelta(hours=2)).isoformat(), "timezone": "America/Chicago", "capacity": 1,
            "registration_deadline": (STARTS - timedelta(days=1)).isoformat(), "location": "Room 4", **overrides}


async def registered(client, event_id: str, person) -> dict:
    """Register `person` (profiles may not have told the events service of them yet: try until it has)."""
    async def answer():
        reply = await client.post(f"/v1/events/{event_id}/registrations", json={"person_id": str(person)})
        return reply.json() if reply.status_code == 201 else None

    return await eventually(answer, what=f"the registration of {person}")


async def test_a_removal_profiles_cannot_give_the_key_for_is_refused_changing_nothing_and_can_be_made_again(
        events_api, publish, profiles_keys):
    keys, _ = profiles_keys
    chapter, seated = uuid4(), uuid4()
    await publish(PersonRegisteredV2(person_id=seated, chapter_id=chapter, stage=TrainingStage.UNDERGRADUATE))
    async with events_api.client("coordinator", chapter_id=chapter, person_id=uuid4()) as coordinator, \
            events_api.client() as admin:
        event = (await coordinator.post("/v1/events", json=event_body(chapter_id=str(chapter)))).json()
        await coordinator.post(f"/v1/events/{event['id']}/publish")
        await registered(admin, event["id"], seated)
        remove = f"/v1/events/{event['id']}/registrations/{seated}/remove"
        keys.down = True
        try:
            refused = await coordinator.post(remove, json={"reason": REASON})
        finally:
            keys.down = False
        assert (refused.status_code, refused.json()["error"]["code"]) == (503, "profiles_unavailable"), refused.text
        roster = (await coordinator.get(f"/v1/events/{event['id']}/registrations")).json()["registrations"]
        assert [r["status"] for r in roster] == ["confirmed"]
        assert (await coordinator.post(remove, json={"reason": REASON})).json()["status"] == "removed"


async def test_removing_a_registrant_promotes_the_next_waiting_and_tells_them_why_on_the_restricted_topic(
        events_api, publish, observe, profiles_keys):
    public, access = await observe("events.registrations"), await observe("events.access")
    chapter, seated, waiting = uuid4(), uuid4(), uuid4()
    await publish(*(PersonRegisteredV2(person_id=p, chapter_id=chapter, stage=TrainingStage.UNDERGRADUATE)
                    for p in (seated, waiting)))
    async with events_api.client("coordinator", chapter_id=chapter, person_id=uuid4()) as coordinator, \
            events_api.client() as admin:
        event = (await coordinator.post("/v1/events", json=event_body(chapter_id=str(chapter),
                                                                      attendees_public=True))).json()
        await coordinator.post(f"/v1/events/{event['id']}/publish")
        assert (await registered(admin, event["id"], seated))["status"] == "confirmed"
        assert (await registered(admin, event["id"], waiting))["status"] == "waitlisted"

        refused = await coordinator.post(f"/v1/events/{event['id']}/registrations/{seated}/remove", json={"reason": ""})
        assert refused.status_code == 422
        removed = await coordinator.post(f"/v1/events/{event['id']}/registrations/{seated}/remove",
                                         json={"reason": REASON})
        assert (removed.status_code, removed.json()["status"]) == (200, "removed")

        roster = (await coordinator.get(f"/v1/events/{event['id']}/registrations")).json()["registrations"]
        assert [(r["person_id"], r["status"]) for r in roster] == [(str(seated), "removed"),
                                                                   (str(waiting), "confirmed")]
        trail = (await admin.get("/v1/audit", params={"action": "registrant.removed"})).json()["entries"]
        [entry] = [e for e in trail if e["detail"]["scheduled_event_id"] == event["id"]]
        assert (entry["actor_role"], entry["chapter_id"], entry["detail"]["person_id"], entry["detail"]["reason"]) == (
            "coordinator", str(chapter), str(seated), REASON)
        assert (await coordinator.get("/v1/audit")).status_code == 403  # the trail is administrators'
        # The registrant's own page says they were removed, and why, as their email does (it said only "closed").
        async with events_api.client("participant", person_id=seated) as as_seated:
            [mine] = (await as_seated.get("/v1/registrations/mine")).json()
        assert (mine["status"], mine["removed"], mine["removal_reason"]) == ("cancelled", True, REASON)
        async with events_api.client("participant", person_id=waiting) as as_waiting:
            [theirs] = (await as_waiting.get("/v1/registrations/mine")).json()
        assert (theirs["removed"], theirs["removal_reason"]) == (False, None)

    messages = await public.wait_for(event["id"], 4)
    said = [(m["event_type"].removeprefix("events."), m["person_id"]) for m in messages]
    assert said == [("registration_confirmed", str(seated)), ("registration_waitlisted", str(waiting)),
                    ("registration_cancelled", str(seated)), ("registration_promoted", str(waiting))]
    cancelled = messages[2]
    assert (cancelled["schema_version"], cancelled["cancelled_by"], cancelled["removed_by_organiser"]) == (
        3, "organiser", True)
    assert not [r for r in public.raw_about(event["id"]) if REASON.encode() in r.value]
    # The reason goes to notifications alone, sealed under the registrant's key: gone with it once they are erased.
    [told] = await access.wait_for(event["id"], 1)
    assert not [r for r in access.raw_about(event["id"]) if REASON.encode() in r.value]
    opened = open_event(decode(access.raw_about(event["id"])[0].value), profiles_keys[0].keys[seated].key)
    assert (opened.event_type, opened.person_id, opened.reason, opened.held_seat) == (
        "events.registrant_removed", seated, REASON, True)


async def test_checking_in_at_the_door_is_idempotent_and_can_be_undone(events_api):
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    async with events_api.client() as admin:
        # National: anyone registers. It starts within the hour: check-in is open.
        event = (await admin.post("/v1/events", json=event_body(
            capacity=5, starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat(),
            registration_deadline=(starts - timedelta(minutes=30)).isoformat()))).json()
        await admin.post(f"/v1/events/{event['id']}/publish")
        arrived, waiting = uuid4(), uuid4()
        await registered(admin, event["id"], arrived)
        check_ins = f"/v1/events/{event['id']}/check-ins"

        first = await admin.post(check_ins, json={"person_id": str(arrived)})
        again = await admin.post(check_ins, json={"person_id": str(arrived)})

        assert (first.status_code, again.status_code) == (201, 201)
        assert first.json() == again.json() and first.json()["person_id"] == str(arrived)
        unknown = await admin.post(check_ins, json={"person_id": str(waiting)})
        assert unknown.status_code == 404
        [line] = (await admin.get(f"/v1/events/{event['id']}/attendance")).json()
        assert (line["person_id"], line["status"], line["checked_in_at"]) == (
            str(arrived), "confirmed", first.json()["checked_in_at"])

        assert (await admin.delete(f"{check_ins}/{arrived}")).status_code == 204
        [line] = (await admin.get(f"/v1/events/{event['id']}/attendance")).json()
        assert line["checked_in_at"] is None
        trail = (await admin.get("/v1/audit", params={"action": "attendance.exported"})).json()["entries"]
        assert [e["subject_id"] for e in trail].count(event["id"]) == 2
        trail = (await admin.get("/v1/audit")).json()["entries"]
        at_the_door = [(e["action"], e["subject_kind"], e["detail"].get("person_id")) for e in trail
                       if e["detail"].get("scheduled_event_id") == event["id"]]
        assert at_the_door == [("registrant.checked_in", "registration", str(arrived)),
                               ("registrant.check_in_undone", "registration", str(arrived))]


async def test_a_registrant_checked_in_cannot_cancel_but_an_organiser_removes_them_and_the_roster_says_why(
        events_api):
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    async with events_api.client() as admin:
        # National: anyone registers. It starts within the hour: check-in is open.
        event = (await admin.post("/v1/events", json=event_body(
            capacity=1, starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat(),
            registration_deadline=(starts - timedelta(minutes=30)).isoformat()))).json()
        await admin.post(f"/v1/events/{event['id']}/publish")
        arrived = uuid4()
        await registered(admin, event["id"], arrived)
        await admin.post(f"/v1/events/{event['id']}/check-ins", json={"person_id": str(arrived)})
        registration = f"/v1/events/{event['id']}/registrations/{arrived}"

        async with events_api.client("participant", person_id=arrived) as themselves:
            refused = await themselves.delete(registration)
        removed = await admin.post(f"{registration}/remove", json={"reason": REASON})

        assert refused.status_code == 409, refused.text
        assert (refused.json()["error"]["code"], refused.json()["error"]["field"]) == (
            "already_checked_in", "checked_in_at")
        assert removed.status_code == 200, removed.text
        [entry] = (await admin.get(f"/v1/events/{event['id']}/registrations")).json()["registrations"]
        assert (entry["status"], entry["removal_reason"]) == ("removed", REASON)


async def test_once_begun_a_freed_seat_goes_to_one_waiting_at_the_door_and_phones_at_once_never_overbook(
        serve_events, observe):
    public = await observe("events.registrations")
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=8)
    # Two instances, a phone on each: the event's row lock serialises them, as it does registrations.
    first, second = await serve_events(), await serve_events()
    async with first.client() as phone, second.client() as other_phone:
        # National (anyone registers), its registrations public; it begins during the test, check-in open already.
        event = (await phone.post("/v1/events", json=event_body(
            capacity=2, attendees_public=True, starts_at=starts.isoformat(),
            ends_at=(starts + timedelta(hours=2)).isoformat(), registration_deadline=starts.isoformat()))).json()
        await phone.post(f"/v1/events/{event['id']}/publish")
        late, seated, *waiting = [uuid4() for _ in range(5)]
        for person in (late, seated, *waiting):
            await registered(phone, event["id"], person)
        # The event begins on the clock: nothing to ask the service, so the test polls the time itself.
        await eventually(lambda: datetime.now(UTC) > starts, timeout=30, what="the event to begin")
        async with first.client("participant", person_id=late) as as_late:
            assert (await as_late.delete(f"/v1/events/{event['id']}/registrations/{late}")).status_code == 200
        roster = (await phone.get(f"/v1/events/{event['id']}/registrations")).json()
        assert roster["counts"]["confirmed"] == 1 and roster["counts"]["waitlisted"] == 3  # nobody promoted

        answers = await asyncio.gather(*(
            (phone, other_phone)[i % 2].post(f"/v1/events/{event['id']}/registrations/{person}/seat-at-the-door")
            for i, person in enumerate(waiting)))

        assert Counter(a.status_code for a in answers) == {200: 1, 409: 2}
        [given] = [a.json() for a in answers if a.status_code == 200]
        assert (given["status"], given["checked_in_at"] is not None) == ("confirmed", True)
        assert {(a.json()["error"]["code"], a.json()["error"]["field"]) for a in answers if a.status_code == 409} == {
            ("no_free_seat", "capacity")}
        roster = (await other_phone.get(f"/v1/events/{event['id']}/registrations")).json()
        assert (roster["counts"]["confirmed"], roster["counts"]["waitlisted"]) == (2, 2)
        trail = (await phone.get("/v1/audit", params={"action": "registrant.given_a_seat_at_the_door"})).json()
        assert [e["detail"]["person_id"] for e in trail["entries"]
                if e["detail"]["scheduled_event_id"] == event["id"]] == [given["person_id"]]

    messages = await public.wait_for(event["id"], 7)
    assert [(m["event_type"].removeprefix("events."), m["person_id"]) for m in messages[5:]] == [
        ("registration_cancelled", str(late)), ("registration_promoted", given["person_id"])]
    assert messages[6]["schema_version"] == 2


async def test_the_roster_of_a_cancelled_event_tells_who_cancelled_themselves_from_who_was_told_of_its_cancellation(
        events_api):
    async with events_api.client() as admin:
        event = (await admin.post("/v1/events", json=event_body(kind="career_fair", capacity=5))).json()
        await admin.post(f"/v1/events/{event['id']}/publish")
        left, removed, told = uuid4(), uuid4(), uuid4()
        for person in (left, removed, told):
            await registered(admin, event["id"], person)
        async with events_api.client("participant", person_id=left) as themselves:
            assert (await themselves.delete(f"/v1/events/{event['id']}/registrations/{left}")).status_code == 200
        await admin.post(f"/v1/events/{event['id']}/registrations/{removed}/remove", json={"reason": REASON})
        before = (await admin.get(f"/v1/events/{event['id']}/registrations")).json()["registrations"]
        assert (await admin.post(f"/v1/events/{event['id']}/cancel", json={})).status_code == 200

        roster = (await admin.get(f"/v1/events/{event['id']}/registrations")).json()["registrations"]

    assert [r["cancelled_by"] for r in before] == ["registrant", "organiser", None]
    assert [(r["person_id"], r["status"], r["cancelled_by"]) for r in roster] == [
        (str(left), "cancelled", "registrant"), (str(removed), "removed", "organiser"),
        (str(told), "cancelled", "event_cancelled")]


async def test_a_no_show_removed_at_the_door_is_counted_absent_and_the_database_counts_as_the_domain_does(
        events_api):
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=10)
    async with events_api.client() as admin:
        # National (anyone registers); it begins during the test, check-in open already.
        event = (await admin.post("/v1/events", json=event_body(
            capacity=4, starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat(),
            registration_deadline=starts.isoformat()))).json()
        await admin.post(f"/v1/events/{event['id']}/publish")
        early, arrived, absent, changed_mind, waiting = people = [uuid4() for _ in range(5)]
        for person in people:
            await registered(admin, event["id"], person)
        registrations = f"/v1/events/{event['id']}/registrations"
        # Before it begins: a removal (the seat goes to the one waiting), a check-in, and someone recorded absent who
        # then cancels themselves.
        await admin.post(f"{registrations}/{early}/remove", json={"reason": REASON})
        await admin.post(f"/v1/events/{event['id']}/check-ins", json={"person_id": str(arrived)})
        attendance = f"/v1/events/{event['id']}/attendance"
        await admin.post(attendance, json={"person_id": str(changed_mind), "attended": False})
        async with events_api.client("participant", person_id=changed_mind) as themselves:
            assert (await themselves.delete(f"{registrations}/{changed_mind}")).status_code == 200
        await eventually(lambda: datetime.now(UTC) > starts, timeout=30, what="the event to begin")
        # Begun, every seat taken: the one not come makes way; so does one who came, and left.
        for person in (absent, arrived):
            removed = await admin.post(f"{registrations}/{person}/remove", json={"reason": REASON})
            assert removed.status_code == 200, removed.text
        await admin.post(attendance, json={"person_id": str(waiting), "attended": True})

        roster = (await admin.get(registrations)).json()["registrations"]

    assert [(r["person_id"], r["status"], r["cancelled_by"], r["attended"]) for r in roster] == [
        (str(early), "removed", "organiser", None), (str(arrived), "removed", "organiser", None),
        (str(absent), "removed", "organiser", False), (str(changed_mind), "cancelled", "registrant", False),
        (str(waiting), "confirmed", None, True)]
    async with events_api.app.state.service.pool.acquire() as conn:
        repository = PostgresRegistrations(conn)
        [counted] = [counts for event_id, _, counts in await repository.attendance(None)
                     if str(event_id) == event["id"]]
        assert counted == attendance_counts(await repository.of_event(UUID(event["id"]))) == (5, 1, 1, 3)


async def test_the_attendance_lines_give_each_waiting_registrant_their_place_on_the_waitlist(events_api):
    async with events_api.client() as admin:
        event = (await admin.post("/v1/events", json=event_body(capacity=1))).json()
        await admin.post(f"/v1/events/{event['id']}/publish")
        seated, first, second = uuid4(), uuid4(), uuid4()
        for person in (seated, first, second):
            await registered(admin, event["id"], person)
        lines = (await admin.get(f"/v1/events/{event['id']}/attendance")).json()
    assert {line["person_id"]: line["waitlist_position"] for line in lines} == {
        str(seated): None, str(first): 1, str(second): 2}


async def test_a_registrant_is_checked_in_from_the_day_of_the_event_and_not_weeks_before(events_api):
    async with events_api.client() as admin:
        event = (await admin.post("/v1/events", json=event_body(capacity=5))).json()  # in twenty days
        await admin.post(f"/v1/events/{event['id']}/publish")
        person = uuid4()
        await registered(admin, event["id"], person)

        early = await admin.post(f"/v1/events/{event['id']}/check-ins", json={"person_id": str(person)})

        assert early.status_code == 409
        error = early.json()["error"]
        assert (error["code"], error["field"]) == ("check_in_not_open", "starts_at")
        local_day = STARTS.astimezone(ZoneInfo("America/Chicago")).date().isoformat()
        assert "day of the event" in error["message"] and f"{local_day} 00:00 (America/Chicago)" in error["message"]
        # The event says when, so that the check-in page can say it before anyone is turned away.
        opens = datetime.fromisoformat(event["check_in_opens_at"]).astimezone(ZoneInfo("America/Chicago"))
        assert (opens.date().isoformat(), opens.hour, opens.minute) == (local_day, 0, 0)
        [line] = (await admin.get(f"/v1/events/{event['id']}/attendance")).json()
        assert line["checked_in_at"] is None


async def test_every_organiser_action_on_an_event_is_in_the_audit_trail_with_who_did_it_and_to_which_event(
        events_api):
    chapter, organiser = uuid4(), uuid4()
    async with events_api.client("coordinator", chapter_id=chapter, person_id=organiser) as coordinator, \
            events_api.client() as admin:
        event = (await coordinator.post("/v1/events", json=event_body(chapter_id=str(chapter)))).json()
        assert (await coordinator.patch(f"/v1/events/{event['id']}", json={"title": "Part 1"})).status_code == 200
        assert (await coordinator.post(f"/v1/events/{event['id']}/publish")).status_code == 200
        cancelled = await coordinator.post(f"/v1/events/{event['id']}/cancel", json={"reason_code": "snowed_in"})
        assert cancelled.status_code == 200

        trail = (await admin.get("/v1/audit", params={"chapter_id": str(chapter)})).json()["entries"]
    assert [(e["action"], e["actor"], e["actor_role"], e["subject_kind"], e["subject_id"]) for e in trail] == [
        (action, str(organiser), "coordinator", "scheduled_event", event["id"])
        for action in ("event.created", "event.edited", "event.published", "event.cancelled")]
    assert [e["detail"] for e in trail[1:4:2]] == [{"changed": ["title"]},
                                                  {"reason_code": "snowed_in", "registrations_cancelled": 0}]


async def test_a_chapter_s_roster_drafts_and_reports_are_its_coordinators_and_administrators_only(events_api):
    chapter, other_chapter, person = uuid4(), uuid4(), uuid4()
    async with events_api.client("coordinator", chapter_id=chapter, person_id=uuid4()) as coordinator, \
            events_api.client("coordinator", chapter_id=other_chapter, person_id=uuid4()) as outsider, \
            events_api.client("participant", person_id=person) as participant:
        draft = (await coordinator.post("/v1/events", json=event_body(chapter_id=str(chapter)))).json()
        drafts = await coordinator.get("/v1/events", params={"status": "draft", "chapter_id": str(chapter)})
        assert [e["id"] for e in drafts.json()] == [draft["id"]]
        assert [e["id"] for e in (await coordinator.get("/v1/events", params={"status": "draft"})).json()] == [
            draft["id"]]  # their only chapter, when they name none

        # Another chapter's coordinator: the event is not there for them; the chapter's lists are refused.
        for method, path, body in [
            ("GET", f"/v1/events/{draft['id']}", None),
            ("GET", f"/v1/events/{draft['id']}/registrations", None),
            ("POST", f"/v1/events/{draft['id']}/registrations/{person}/remove", {"reason": "x"}),
            ("POST", f"/v1/events/{draft['id']}/check-ins", {"person_id": str(person)}),
            ("DELETE", f"/v1/events/{draft['id']}/check-ins/{person}", None),
            ("GET", f"/v1/events/{draft['id']}/attendance", None),
            ("PATCH", f"/v1/events/{draft['id']}", {"title": "Mine now"}),
            ("POST", f"/v1/events/{draft['id']}/publish", None),
        ]:
            answer = await outsider.request(method, path, json=body)
            assert (answer.status_code, answer.json()["error"]["code"]) == (404, "not_found"), (method, path)
        assert (await outsider.get("/v1/events", params={"status": "draft", "chapter_id": str(chapter)})
                ).status_code == 403
        assert (await outsider.get("/v1/events", params={"status": "draft"})).json() == []  # their own chapter's
        assert (await outsider.get("/v1/reports/attendance", params={"chapter_id": str(chapter)})).status_code == 403
        assert (await coordinator.get("/v1/reports/attendance")).status_code == 200  # their own chapter

        await coordinator.post(f"/v1/events/{draft['id']}/publish")
        # A participant sees the published event but none of the organisers' pages.
        assert (await participant.get(f"/v1/events/{draft['id']}")).status_code == 200
        for method, path, body in [
            ("GET", f"/v1/events/{draft['id']}/registrations", None),
            ("POST", f"/v1/events/{draft['id']}/registrations/{person}/remove", {"reason": "x"}),
            ("POST", f"/v1/events/{draft['id']}/check-ins", {"person_id": str(person)}),
            ("GET", f"/v1/events/{draft['id']}/attendance", None),
            ("GET", "/v1/reports/attendance", None),
            ("GET", "/v1/reports/attendance.csv", None),
            ("GET", "/v1/audit", None),
        ]:
            assert (await participant.request(method, path, json=body)).status_code == 403, (method, path)
        assert (await participant.get("/v1/events", params={"status": "draft"})).status_code == 403


async def test_national_events_are_administrators_and_the_national_report_hides_small_groups(events_api):
    chapter = uuid4()
    async with events_api.client("coordinator", chapter_id=chapter, person_id=uuid4()) as coordinator, \
            events_api.client("admin", person_id=uuid4()) as admin:
        refused = await coordinator.post("/v1/events", json=event_body(capacity=10))
        assert refused.status_code == 403
        national = await admin.post("/v1/events", json=event_body(capacity=10))
        assert (national.status_code, national.json()["chapter_id"]) == (201, None)
        listed = await admin.get("/v1/events", params={"status": "draft", "national": "true"})
        assert national.json()["id"] in [e["id"] for e in listed.json()]
        event_id = national.json()["id"]
        # A coordinator cannot open a national draft, so no filter lists one to them either.
        assert (await coordinator.get(f"/v1/events/{event_id}")).status_code == 404
        for asking, at_fault in [({"chapter_id": str(chapter), "with_national": "true"}, "with_national"),
                                 ({"national": "true"}, "national")]:
            refused = await coordinator.get("/v1/events", params={"status": "draft", **asking})
            assert (refused.status_code, refused.json()["error"]["field"]) == (403, at_fault)
        await admin.post(f"/v1/events/{event_id}/publish")
        for _ in range(3):
            await registered(admin, event_id, uuid4())

        report = (await admin.get("/v1/reports/attendance")).json()
        row = report["rows"].index("national")
        assert report["cells"][row][0] == {"value": None, "shown": "fewer_than_threshold"}
        assert report["threshold"] == 5
        exported = await admin.get("/v1/reports/attendance.csv")

    assert exported.headers["content-type"].startswith("text/csv")
    lines = exported.text.splitlines()
    assert lines[0] == "row,registered,attended,no_show,cancelled"  # no total: the columns add up to nothing
    national_line = next(line for line in lines if line.startswith("national,"))
    assert national_line.split(",")[1] == "<5"
