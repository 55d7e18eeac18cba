"""Office hours over HTTP: only mentors a program has approved host; a host withdraws a slot; a participant's
bookings."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg
from mentorship_contracts import profiles as source
from mentorship_contracts.profiles import PersonRegistered
from mentorship_contracts.vocabulary import Role, TrainingStage
from plumbing.testing import eventually

STARTS = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)


def slot_body(host, starts=STARTS, **overrides) -> dict:
    return {"host_id": str(host), "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(minutes=30)).isoformat(), **overrides}


async def offer_once_known(as_host, body) -> dict:
    """Offer a slot, retrying while the host's profile is still on its way from profiles (409)."""
    async def answered():
        answer = await as_host.post("/v1/office-hours/slots", json=body)
        return answer if answer.status_code != 409 else None

    return await eventually(answered, what="the host's profile to reach the events service")


def approved_mentor(host, stage=TrainingStage.RESIDENT, chapter_id=None) -> list:
    """What profiles publishes of a host: their registration, and their enrollment as a mentor in a program that
    approved it (one that reviews no mentors)."""
    return [PersonRegistered(person_id=host, chapter_id=chapter_id, stage=stage),
            source.EnrollmentCreatedV3(enrollment_id=uuid4(), person_id=host, program_id=uuid4(), chapter_id=None,
                                       role=Role.MENTOR, stage=stage, approval="approved")]


async def offer_once_approved(as_host, body) -> dict:
    """Offer a slot, retrying while the host's profile (409) or their approval as a mentor (403 `not_a_host`), which
    travel on two topics, is still on its way from profiles."""
    async def answered():
        answer = await as_host.post("/v1/office-hours/slots", json=body)
        waiting = answer.status_code == 409 or (answer.status_code == 403
                                                and answer.json()["error"]["code"] == "not_a_host")
        return None if waiting else answer

    return await eventually(answered, what="the host's profile and approval to reach the events service")


async def test_only_a_mentor_a_program_approved_offers_office_hours_and_anyone_else_hears_why(events_api, publish):
    # A stage or alumni standing is declared at sign-up, vetted by no one: a clinician or an alum in no program, or a
    # physician assistant awaiting a coordinator's approval, offered slots that high-school students booked.
    chapter, mentor, resident, alumna, waiting, undergraduate, stranger = (uuid4() for _ in range(7))
    async with events_api.client("participant", person_id=stranger) as as_stranger:
        unknown = await as_stranger.post("/v1/office-hours/slots", json=slot_body(stranger))
        assert unknown.status_code == 409
        assert (unknown.json()["error"]["code"], unknown.json()["error"]["field"]) == ("host_not_yet_known", "host_id")

    await publish(*approved_mentor(mentor, chapter_id=chapter),
                  PersonRegistered(person_id=resident, chapter_id=chapter, stage=TrainingStage.RESIDENT),
                  PersonRegistered(person_id=alumna, chapter_id=chapter, stage=TrainingStage.ATTENDING,
                                   is_alumni=True),
                  PersonRegistered(person_id=waiting, chapter_id=chapter, stage=TrainingStage.PHYSICIAN_ASSISTANT),
                  source.EnrollmentCreatedV3(enrollment_id=uuid4(), person_id=waiting, program_id=uuid4(),
                                             chapter_id=chapter, role=Role.MENTOR,
                                             stage=TrainingStage.PHYSICIAN_ASSISTANT, approval="pending"),
                  PersonRegistered(person_id=undergraduate, chapter_id=chapter, stage=TrainingStage.UNDERGRADUATE))
    async with events_api.client("participant", person_id=mentor) as as_mentor:
        offered = await offer_once_approved(as_mentor, slot_body(mentor))
        assert offered.status_code == 201 and offered.json()["host_id"] == str(mentor)

    for host, stage in ((resident, "resident"), (alumna, "attending"), (waiting, "physician_assistant"),
                        (undergraduate, "undergraduate")):
        async with events_api.client("participant", person_id=host) as as_host:
            refused = await offer_once_known(as_host, slot_body(host))
        assert refused.status_code == 403
        error = refused.json()["error"]
        assert (error["code"], error["field"]) == ("not_a_host", "host_id")
        assert "mentors a program has approved" in error["message"] and stage in error["message"]
        assert "clinician" not in error["message"]
    async with events_api.client("coordinator", chapter_id=chapter) as coordinator:
        on_their_behalf = await coordinator.post("/v1/office-hours/slots",
                                                 json=slot_body(undergraduate, chapter_id=str(chapter)))
        assert on_their_behalf.status_code == 403 and on_their_behalf.json()["error"]["code"] == "not_a_host"
        refused_slots = await coordinator.get("/v1/office-hours/slots",
                                              params={"host_id": str(undergraduate), "open_only": "false"})
        assert refused_slots.json() == []


async def test_a_slot_is_in_its_host_s_chapter_whose_coordinators_alone_organise_it(events_api, publish):
    chapter, elsewhere, resident = uuid4(), uuid4(), uuid4()
    await publish(*approved_mentor(resident, chapter_id=chapter))
    async with events_api.client("participant", person_id=resident) as as_resident:
        filed_elsewhere = await offer_once_approved(as_resident, slot_body(resident, chapter_id=str(elsewhere)))
    assert (filed_elsewhere.status_code, filed_elsewhere.json()["chapter_id"]) == (201, str(chapter))

    async with events_api.client("coordinator", chapter_id=elsewhere) as outsider:
        refused = await outsider.post("/v1/office-hours/slots", json=slot_body(
            resident, STARTS + timedelta(hours=1), chapter_id=str(elsewhere)))
        assert (refused.status_code, refused.json()["error"]["field"]) == (403, "host_id")
        assert (await outsider.delete(f"/v1/office-hours/slots/{filed_elsewhere.json()['id']}")).status_code == 403
    coordinator_id = uuid4()
    async with events_api.client("coordinator", chapter_id=chapter, person_id=coordinator_id) as coordinator:
        on_their_behalf = await coordinator.post("/v1/office-hours/slots",
                                                 json=slot_body(resident, STARTS + timedelta(hours=2)))
        assert (on_their_behalf.status_code, on_their_behalf.json()["chapter_id"]) == (201, str(chapter))
        assert (await coordinator.delete(f"/v1/office-hours/slots/{on_their_behalf.json()['id']}")).status_code == 204

    # What the coordinator did on the host's behalf is in the audit trail; what the host did on their own is not.
    async with events_api.client() as admin:
        trail = (await admin.get("/v1/audit", params={"chapter_id": str(chapter)})).json()["entries"]
    assert [(e["action"], e["actor"], e["subject_kind"], e["subject_id"], e["detail"]) for e in trail] == [
        (action, str(coordinator_id), "office_hour_slot", on_their_behalf.json()["id"], {"host_id": str(resident)})
        for action in ("slot.offered", "slot.withdrawn")]


async def test_a_near_peer_mentor_hosts_while_approved_in_a_program_as_profiles_says(
    events_api, events_settings, publish,
):
    mentor, enrollment = uuid4(), uuid4()
    about = {"enrollment_id": enrollment, "person_id": mentor, "program_id": uuid4(), "chapter_id": None}

    def created(**approval) -> source.EnrollmentCreatedV3:  # each a new event, with an id of its own
        return source.EnrollmentCreatedV3(**about, role=Role.MENTOR, stage=TrainingStage.MEDICAL_STUDENT_3, **approval)

    async with events_api.client("participant", person_id=mentor) as as_mentor:
        async def answers(status: int, hours_later: int, what: str) -> None:
            async def answered() -> bool:
                offered = await as_mentor.post("/v1/office-hours/slots",
                                                json=slot_body(mentor, STARTS + timedelta(hours=hours_later)))
                return offered.status_code == status
            await eventually(answered, what=what)

        await publish(PersonRegistered(person_id=mentor, chapter_id=None, stage=TrainingStage.MEDICAL_STUDENT_3),
                      created(approval="pending"))
        await publish(source.MentorApprovedV2(**about))
        await answers(201, 0, "the mentor's approval to arrive")
        await publish(source.EnrollmentWithdrawnV2(**about, role=Role.MENTOR))
        await answers(403, 1, "the withdrawal to arrive")
        await publish(created())
        await answers(201, 2, "the new enrollment to arrive")

    # Erased: their mentor enrollments go with them.
    await publish(source.PersonErased(person_id=mentor))
    database = await asyncpg.connect(events_settings.database_url)
    try:
        await eventually(lambda: database.fetchval("SELECT NOT EXISTS (SELECT 1 FROM mentor_enrollments "
                                                   "WHERE person_id = $1)", mentor), what="the erasure to arrive")
    finally:
        await database.close()


async def test_a_mentor_enrollment_applied_after_its_persons_erasure_is_not_kept(events_api, events_settings, publish):
    # A person's enrollments and their erasure travel on two topics: a consumer behind on one may apply the enrollment
    # second. It must not bring the erased person back (an approved mentor, who may host office hours).
    person = uuid4()
    erased = source.PersonErased(person_id=person)
    enrolled = source.EnrollmentCreatedV3(enrollment_id=uuid4(), person_id=person, program_id=uuid4(), chapter_id=None,
                                          role=Role.MENTOR, stage=TrainingStage.MEDICAL_STUDENT_3)
    updated = source.PersonUpdated(person_id=person, chapter_id=None, stage=TrainingStage.MEDICAL_STUDENT_3)
    database = await asyncpg.connect(events_settings.database_url)
    try:
        for event in (erased, enrolled, updated):
            await publish(event)

            async def applied(event=event):
                return await database.fetchval("SELECT count(*) FROM inbox WHERE event_id = $1", event.event_id)

            await eventually(applied, timeout=60, what=f"{event.event_type} applied")
        for table in ("mentor_enrollments", "participants"):
            assert await database.fetchval(f"SELECT count(*) FROM {table} WHERE person_id = $1", person) == 0, table
    finally:
        await database.close()


async def test_a_mentor_whose_history_the_topics_no_longer_keep_hosts_once_profiles_restates_them(
    events_api, publish,
):
    """What events learns from `python -m profiles restate people` and `... enrollments` alone."""
    mentor, enrollment = uuid4(), uuid4()
    await publish(source.PersonRestated(person_id=mentor, chapter_id=None, stage=TrainingStage.MEDICAL_STUDENT_3,
                                        is_alumni=False, suspended=False),
                  source.EnrollmentRestated(enrollment_id=enrollment, person_id=mentor, program_id=uuid4(),
                                            chapter_id=None, role=Role.MENTOR, stage=TrainingStage.MEDICAL_STUDENT_3,
                                            capacity=2, mentee_stages_welcome=[], approval="approved",
                                            pairing_kind="general", paused=False, active=True))
    async with events_api.client("participant", person_id=mentor) as as_mentor:
        async def offered() -> bool:
            answer = await as_mentor.post("/v1/office-hours/slots", json=slot_body(mentor))
            return answer.status_code == 201
        await eventually(offered, what="the restatements to arrive")


async def test_a_host_withdrawing_a_booked_slot_cancels_the_booking_and_the_participant_is_told(
    events_api, publish, observe,
):
    office_hours = await observe("events.office-hours")
    host, student, other = uuid4(), uuid4(), uuid4()
    await publish(*approved_mentor(host, TrainingStage.ATTENDING))
    async with events_api.client("participant", person_id=host) as as_host:
        booked = (await offer_once_approved(as_host, slot_body(host))).json()
        still_open = (await as_host.post("/v1/office-hours/slots",
                                         json=slot_body(host, STARTS + timedelta(hours=1)))).json()
        async with events_api.client("participant", person_id=student) as as_student:
            assert (await as_student.post(f"/v1/office-hours/slots/{booked['id']}/booking",
                                          json={"person_id": str(student)})).status_code == 201
            assert [s["id"] for s in (await as_student.get("/v1/office-hours/bookings/mine")).json()] == [booked["id"]]
            # Only the host (or an organiser) takes a slot back, not the participant who booked it, nor anyone else.
            assert (await as_student.delete(f"/v1/office-hours/slots/{booked['id']}")).status_code == 403
            async with events_api.client("participant", person_id=other) as as_other:
                assert (await as_other.delete(f"/v1/office-hours/slots/{booked['id']}")).status_code == 403

            withdrawn = await as_host.delete(f"/v1/office-hours/slots/{booked['id']}")
            assert withdrawn.status_code == 204

            assert (await as_student.get("/v1/office-hours/bookings/mine")).json() == []
            gone = await as_student.post(f"/v1/office-hours/slots/{booked['id']}/booking",
                                         json={"person_id": str(student)})
            assert gone.status_code == 404 and gone.json()["error"]["field"] == "slot_id"
            assert (await as_host.delete(f"/v1/office-hours/slots/{booked['id']}")).status_code == 404
        slots = await as_host.get("/v1/office-hours/slots", params={"host_id": str(host), "open_only": "false"})
        assert [s["id"] for s in slots.json()] == [still_open["id"]]
        assert (await as_host.delete(f"/v1/office-hours/slots/{still_open['id']}")).status_code == 204

    messages = await office_hours.wait_for(booked["id"], 2)
    assert [(m["event_type"], m["person_id"]) for m in messages] == [
        ("events.office_hours_booked", str(student)), ("events.office_hours_booking_cancelled", str(student))]
    assert messages[1]["cancelled_by"] == "host"
    await office_hours.drain()
    assert office_hours.about(still_open["id"]) == []  # withdrawing an open slot tells nobody


async def test_my_bookings_are_the_slots_i_booked_that_have_not_ended_soonest_first(events_api, publish):
    first_host, second_host, me, someone_else = uuid4(), uuid4(), uuid4(), uuid4()
    await publish(*approved_mentor(first_host, TrainingStage.NURSE),
                  *approved_mentor(second_host, TrainingStage.FELLOW))
    async with events_api.client("participant", person_id=first_host) as as_first:
        later = (await offer_once_approved(as_first, slot_body(first_host, STARTS + timedelta(days=1)))).json()
        theirs = (await as_first.post("/v1/office-hours/slots", json=slot_body(first_host))).json()
    async with events_api.client("participant", person_id=second_host) as as_second:
        sooner = (await offer_once_approved(as_second, slot_body(second_host))).json()

    async with events_api.client("participant", person_id=me) as as_me:
        for slot in (later, sooner):
            assert (await as_me.post(f"/v1/office-hours/slots/{slot['id']}/booking",
                                     json={"person_id": str(me)})).status_code == 201
        async with events_api.client("participant", person_id=someone_else) as as_someone_else:
            await as_someone_else.post(f"/v1/office-hours/slots/{theirs['id']}/booking",
                                       json={"person_id": str(someone_else)})

        mine = (await as_me.get("/v1/office-hours/bookings/mine")).json()
        assert [(s["id"], s["booked_by"]) for s in mine] == [(sooner["id"], str(me)), (later["id"], str(me))]

        assert (await as_me.delete(f"/v1/office-hours/slots/{sooner['id']}/booking")).status_code == 200
        assert [s["id"] for s in (await as_me.get("/v1/office-hours/bookings/mine")).json()] == [later["id"]]
        # What their data download reads (none has ended yet here: the unit tests move the clock).
        every = (await as_me.get("/v1/office-hours/bookings/mine", params={"ended_too": "true"})).json()
        assert [s["id"] for s in every] == [later["id"]]
        refused = await as_me.get("/v1/office-hours/slots", params={"host_id": str(first_host), "ended_too": "true"})
        assert (refused.status_code, refused.json()["error"]["field"]) == (403, "ended_too")
    async with events_api.client("participant", person_id=first_host) as as_first:
        hosted = (await as_first.get("/v1/office-hours/slots", params={
            "host_id": str(first_host), "open_only": "false", "ended_too": "true"})).json()
        assert [s["id"] for s in hosted] == [theirs["id"], later["id"]]

    async with events_api.client("coordinator", chapter_id=uuid4()) as coordinator:
        assert (await coordinator.get("/v1/office-hours/bookings/mine")).status_code == 403


async def test_an_online_slots_link_to_join_is_seen_by_its_host_and_by_whoever_booked_it_only(events_api, publish,
                                                                                               observe):
    office_hours = await observe("events.office-hours")
    host, student, browsing = uuid4(), uuid4(), uuid4()
    await publish(*approved_mentor(host, TrainingStage.ATTENDING))
    async with events_api.client("participant", person_id=host) as as_host:
        slot = (await offer_once_approved(as_host, slot_body(host))).json()
        assert slot["join_url"] is None
        refused = await as_host.put(f"/v1/office-hours/slots/{slot['id']}/join-link",
                                    json={"join_url": "http://meet.example.org/dr-lee"})
        assert (refused.status_code, refused.json()["error"]["field"]) == (422, "join_url")
        given = await as_host.put(f"/v1/office-hours/slots/{slot['id']}/join-link",
                                  json={"join_url": "https://meet.example.org/dr-lee"})
        assert given.status_code == 200 and given.json()["join_url"] == "https://meet.example.org/dr-lee"
    async with events_api.client("participant", person_id=browsing) as as_browsing:
        [listed] = (await as_browsing.get("/v1/office-hours/slots", params={"host_id": str(host)})).json()
        assert listed["join_url"] is None  # a link anyone could use is the booker's, not the whole chapter's
        assert (await as_browsing.put(f"/v1/office-hours/slots/{slot['id']}/join-link",
                                      json={"join_url": "https://evil.example.org"})).status_code == 403
    async with events_api.client("participant", person_id=student) as as_student:
        booked = await as_student.post(f"/v1/office-hours/slots/{slot['id']}/booking",
                                       json={"person_id": str(student)})
        assert booked.json()["join_url"] == "https://meet.example.org/dr-lee"
        [mine] = (await as_student.get("/v1/office-hours/bookings/mine")).json()
        assert mine["join_url"] == "https://meet.example.org/dr-lee"
    async with events_api.client("participant", person_id=host) as as_host:  # changed once booked: the student is told
        await as_host.put(f"/v1/office-hours/slots/{slot['id']}/join-link",
                          json={"join_url": "https://meet.example.org/dr-lee-2"})

    booked_event, link_given = await office_hours.wait_for(slot["id"], 2)
    assert (booked_event["event_type"], link_given["event_type"]) == (
        "events.office_hours_booked", "events.office_hours_link_given")
    assert (link_given["person_id"], link_given["booking_id"], link_given["replaces_earlier"]) == (
        str(student), booked_event["booking_id"], True)
    assert office_hours.private_data_about(slot["id"]) == []  # the link itself never travels


async def test_a_national_slot_is_everyone_s_and_a_chapter_s_slot_its_members_listed_and_booked_alike(
    events_api, publish,
):
    """As the web asks: a person's open slots, with their chapter if they have one (found by a browser audit: a mentee
    with a chapter was not shown the slot of her mentor, who has none; people without a chapter were shown every
    chapter's)."""
    chapter = uuid4()
    national_mentor, chapter_host, mentee, without_chapter, elsewhere = (uuid4() for _ in range(5))
    await publish(*approved_mentor(national_mentor, TrainingStage.ATTENDING),
                  *approved_mentor(chapter_host, chapter_id=chapter),
                  PersonRegistered(person_id=mentee, chapter_id=chapter, stage=TrainingStage.MEDICAL_STUDENT_1),
                  PersonRegistered(person_id=without_chapter, chapter_id=None, stage=TrainingStage.UNDERGRADUATE),
                  PersonRegistered(person_id=elsewhere, chapter_id=uuid4(), stage=TrainingStage.UNDERGRADUATE))
    async with events_api.client("participant", person_id=national_mentor) as as_mentor:
        national = (await offer_once_approved(as_mentor, slot_body(national_mentor))).json()
    async with events_api.client("participant", person_id=chapter_host) as as_host:
        chapters = (await offer_once_approved(as_host, slot_body(chapter_host))).json()
    assert (national["chapter_id"], chapters["chapter_id"]) == (None, str(chapter))

    async def shown(person, chapter_id=None) -> set[str]:
        async with events_api.client("participant", person_id=person) as as_person:
            params = {"chapter_id": str(chapter_id)} if chapter_id else {}
            answer = await as_person.get("/v1/office-hours/slots", params=params)
            return {s["id"] for s in answer.json()}

    everything = {national["id"], chapters["id"]}

    async def mentee_shown_everything() -> bool:
        return await shown(mentee, chapter) == everything

    await eventually(mentee_shown_everything, what="the mentee's chapter to reach the events service")
    assert await shown(mentee) == everything
    # What one choosing a slot learns of a host they are not named: their stage of training.
    async with events_api.client("participant", person_id=mentee) as as_mentee:
        listed = (await as_mentee.get("/v1/office-hours/slots", params={"chapter_id": str(chapter)})).json()
    assert {s["id"]: s["host_stage"] for s in listed} == {national["id"]: "attending", chapters["id"]: "resident"}
    assert await shown(without_chapter) == {national["id"]}
    assert await shown(without_chapter, chapter) == {national["id"]}  # a chapter named opens no other's slots
    assert await shown(elsewhere, chapter) == {national["id"]}
    async with events_api.client("coordinator", chapter_id=chapter, person_id=uuid4()) as coordinator:
        organised = await coordinator.get("/v1/office-hours/slots", params={"chapter_id": str(chapter)})
        assert [s["id"] for s in organised.json()] == [chapters["id"]]

    for person in (without_chapter, elsewhere):
        async with events_api.client("participant", person_id=person) as as_person:
            async def refused(person=person, as_person=as_person) -> dict | None:
                answer = await as_person.post(f"/v1/office-hours/slots/{chapters['id']}/booking",
                                              json={"person_id": str(person)})
                assert answer.status_code == 409
                error = answer.json()["error"]
                return None if error["code"] == "chapter_not_yet_known" else error

            error = await eventually(refused, what="the person's profile to reach the events service")
            assert (error["code"], error["field"]) == ("not_in_chapter", "chapter_id")
    async with events_api.client("participant", person_id=without_chapter) as as_person:
        assert (await as_person.post(f"/v1/office-hours/slots/{national['id']}/booking",
                                     json={"person_id": str(without_chapter)})).status_code == 201
    async with events_api.client("participant", person_id=mentee) as as_mentee:
        assert (await as_mentee.post(f"/v1/office-hours/slots/{chapters['id']}/booking",
                                     json={"person_id": str(mentee)})).status_code == 201


def vetted_mentor(host, stage=TrainingStage.RESIDENT) -> list:
    """What profiles publishes of a host a coordinator approved, in a program that reviews its mentors: their
    enrollment awaiting approval, then the approval."""
    enrollment = source.EnrollmentCreatedV3(enrollment_id=uuid4(), person_id=host, program_id=uuid4(), chapter_id=None,
                                            role=Role.MENTOR, stage=stage, approval="pending")
    return [PersonRegistered(person_id=host, chapter_id=None, stage=stage), enrollment,
            source.MentorApprovedV2(enrollment_id=enrollment.enrollment_id, person_id=host,
                                    program_id=enrollment.program_id, chapter_id=None)]


async def test_a_high_school_student_is_listed_and_books_only_the_slots_of_mentors_a_coordinator_vetted(
    events_api, publish,
):
    """Found walking the product: an adult nobody vetted, approved automatically by a program that reviews no
    mentors, offered an office hour in their apartment, and a high-school student (most are minors) booked it."""
    unvetted_host, vetted_host, student, undergraduate = (uuid4() for _ in range(4))
    await publish(*approved_mentor(unvetted_host), *vetted_mentor(vetted_host),
                  PersonRegistered(person_id=student, chapter_id=None, stage=TrainingStage.HIGH_SCHOOL),
                  PersonRegistered(person_id=undergraduate, chapter_id=None, stage=TrainingStage.UNDERGRADUATE))
    async with events_api.client("participant", person_id=unvetted_host) as as_host:
        unvetted = (await offer_once_approved(as_host, slot_body(unvetted_host, location="My apartment, 12 Elm St",
                                                                 is_virtual=False))).json()
    async with events_api.client("participant", person_id=vetted_host) as as_host:
        vetted = (await offer_once_approved(as_host, slot_body(vetted_host))).json()

    async def shown(person) -> set[str]:
        async with events_api.client("participant", person_id=person) as as_person:
            listed = (await as_person.get("/v1/office-hours/slots", params={"open_only": "true"})).json()
            return {s["id"] for s in listed} & {unvetted["id"], vetted["id"]}

    async def listed_vetted_only() -> bool:
        return await shown(student) == {vetted["id"]}

    await eventually(listed_vetted_only, what="the student's stage and the coordinator's approval to arrive")
    assert await shown(undergraduate) == {unvetted["id"], vetted["id"]}

    async with events_api.client("participant", person_id=student) as as_student:
        refused = await as_student.post(f"/v1/office-hours/slots/{unvetted['id']}/booking",
                                        json={"person_id": str(student)})
        assert refused.status_code == 409
        error = refused.json()["error"]
        assert (error["code"], error["field"]) == ("host_not_vetted_for_minors", "slot_id")
        assert "high-school" in error["message"] and "vetted" in error["message"]
        assert (await as_student.post(f"/v1/office-hours/slots/{vetted['id']}/booking",
                                      json={"person_id": str(student)})).status_code == 201
    async with events_api.client("participant", person_id=undergraduate) as as_undergraduate:
        assert (await as_undergraduate.post(f"/v1/office-hours/slots/{unvetted['id']}/booking",
                                            json={"person_id": str(undergraduate)})).status_code == 201
