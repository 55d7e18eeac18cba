"""Every notification, from contract events on the real broker to the SMTP sink, once each; preferences,
the inbox, the digest and erasure, through the service's HTTP API."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from uuid import UUID, uuid4

import asyncpg
import httpx
from mentorship_contracts import events, matching, profiles
from notifications.adapters.i18n import Reader, zone_of
from plumbing.testing import eventually


def contact(name: str, chapter_id: UUID | None = None, **shared) -> profiles.ContactDetailsChanged:
    return profiles.ContactDetailsChanged(person_id=uuid4(), chapter_id=chapter_id, display_name=name,
                                          email=f"{name.lower().replace(' ', '.')}.{uuid4().hex[:8]}@example.org",
                                          **shared)


def listing(chapter_id: UUID | None, virtual: bool, **changes) -> events.EventPublished:
    starts = datetime.now(UTC) + timedelta(days=14)
    return events.EventPublished(**{
        "scheduled_event_id": uuid4(), "chapter_id": chapter_id, "kind": "virtual_session",
        "title": f"Applying to medical school {uuid4().hex[:6]}", "starts_at": starts,
        "ends_at": starts + timedelta(hours=1), "timezone": "UTC", "capacity": 2,
        "audience_stages": ["undergraduate"], "registration_deadline": starts - timedelta(days=1),
        "is_virtual": virtual, "location": None if virtual else "Student centre, room 2", **changes})


def subjects(sink, person: profiles.ContactDetailsChanged) -> list[str]:
    return sorted(m["subject"] for m in sink.messages(to=person.email))


async def test_every_notification_is_sent_once_naming_the_program_with_partner_details_and_the_event_calendar_entry(
        notifications, publish, smtp_sink):
    chapter = profiles.ChapterDefined(chapter_id=uuid4(), name="Boston chapter")
    # Its members are public: subjects name it (those of a program whose members are private do not).
    program = profiles.ProgramDefinedV5(program_id=uuid4(), chapter_id=chapter.chapter_id, name="Into Medical School",
                                        mentee_stages=["undergraduate"], mentor_stages=["resident"],
                                        members_public=True)
    mentee = contact("Sam Okafor", chapter.chapter_id)
    mentor = contact("Ana Reyes", chapter.chapter_id, pronouns_for_partner="she/her", bio_for_partner="EM resident")
    pair = {"pairing_id": uuid4(), "program_id": program.program_id, "chapter_id": chapter.chapter_id,
            "mentee_id": mentee.person_id, "mentor_id": mentor.person_id}
    term_ends = datetime.now(UTC) + timedelta(days=365)
    session = listing(chapter.chapter_id, virtual=True)
    registration = {"registration_id": uuid4(), "scheduled_event_id": session.scheduled_event_id,
                    "chapter_id": chapter.chapter_id, "person_id": mentee.person_id}
    mentor_registration = {**registration, "registration_id": uuid4(), "person_id": mentor.person_id}
    await publish(chapter, program, mentee, mentor, session)
    await publish(
        profiles.PersonRegistered(person_id=mentee.person_id, chapter_id=chapter.chapter_id, stage="undergraduate"),
        profiles.MentorApproved(enrollment_id=uuid4(), person_id=mentor.person_id, program_id=program.program_id,
                                chapter_id=chapter.chapter_id),
        matching.MenteeWaitlisted(enrollment_id=uuid4(), program_id=program.program_id,
                                  chapter_id=chapter.chapter_id, mentee_id=mentee.person_id, position=2),
        events.RegistrationConfirmed(**registration),
        events.VirtualAccessGranted(registration_id=registration["registration_id"],
                                    scheduled_event_id=session.scheduled_event_id, person_id=mentee.person_id,
                                    join_url="https://meet.example.org/abc"),
        events.RegistrationWaitlisted(**mentor_registration, position=1),
    )
    title = session.title
    # Time passes between a mentee's waitlisting and their pairing (on another topic, which Kafka does not
    # order against this one); wait for the first messages before going on.
    await eventually(lambda: {"You are on the waitlist for Into Medical School: position 2",
                              f"You're registered: {title}"} <= set(subjects(smtp_sink, mentee))
                     and f"On the waitlist for {title}: position 1" in subjects(smtp_sink, mentor), timeout=120,
                     what=lambda: f"the first messages; so far {subjects(smtp_sink, mentee)}")
    # Matching's lifecycle, each on the pairings topic in order.
    await publish(
        matching.PairingProposed(**pair, score=80),
        matching.PairingConfirmed(**pair, score=80, term_ends_at=term_ends),
        matching.MeetingOverdue(**pair, last_met_at=None, days_overdue=12),
        matching.RenewalDue(**pair, term_ends_at=term_ends),
    )
    # A nudge still unsent when its pairing is renewed or completed goes unsent (it no longer holds): wait for them.
    nudges = {"Time to catch up with", "renew or complete?"}
    await eventually(lambda: all(any(n in s for s in subjects(smtp_sink, p)) for n in nudges for p in (mentee, mentor)),
                     timeout=60, what=lambda: f"the nudges; so far {subjects(smtp_sink, mentee)}")
    await publish(
        matching.PairingRenewed(**pair, term_ends_at=term_ends + timedelta(days=365)),
        matching.PairingCompleted(**pair),
        matching.PairingDeclined(**{**pair, "pairing_id": uuid4()}, declined_by="mentor", reason_code="no_capacity"),
        matching.PairingEnded(**{**pair, "pairing_id": uuid4()}, ended_by="mentee", reason_code="schedule"),
        events.RegistrationPromoted(**mentor_registration),
        events.ReminderDue(scheduled_event_id=session.scheduled_event_id, chapter_id=chapter.chapter_id,
                           registration_id=registration["registration_id"], person_id=mentee.person_id,
                           starts_at=session.starts_at),
    )
    # The reminder names the day (it is two weeks away), in the reader's zone: UTC, as profiles said no other.
    reminded = f"{Reader('en', zone_of('UTC')).day(session.starts_at)}: {title}"
    await eventually(lambda: f"A place freed up: you're in for {title}" in subjects(smtp_sink, mentor)
                     and reminded in subjects(smtp_sink, mentee), timeout=120,
                     what=lambda: f"the promotion and the reminder; so far {subjects(smtp_sink, mentor)}")
    updated = events.EventUpdated(**session.model_dump(exclude={"event_id", "event_type", "occurred_at"}),
                                  changed_fields=["starts_at"])
    await publish(updated)
    # An update still unsent when its event is cancelled goes unsent (the cancellation says all): wait for it first.
    await eventually(lambda: f"New time: {title}" in subjects(smtp_sink, mentee)
                     and f"New time: {title}" in subjects(smtp_sink, mentor), timeout=60, what="the update")
    await publish(events.EventCancelled(scheduled_event_id=session.scheduled_event_id,
                                        chapter_id=chapter.chapter_id, reason_code="speaker_unavailable"))
    to_mentee = [
        f"Cancelled: {title}", f"New time: {title}", "A proposed mentor in Into Medical School",
        "How was your mentorship with Ana Reyes?", "Off the waitlist: your new mentor is Ana Reyes",
        "A proposed pairing in Into Medical School will not go ahead", "Time to catch up with Ana Reyes?",
        reminded, "Welcome to Boston chapter",
        "You are on the waitlist for Into Medical School: position 2",
        f"You're registered: {title}", "Your mentorship with Ana Reyes has ended",
        "Your mentorship with Ana Reyes is renewed", "Your mentorship with Ana Reyes: renew or complete?",
    ]
    to_mentor = [
        f"A place freed up: you're in for {title}", f"Cancelled: {title}", f"New time: {title}",
        "A proposed mentee in Into Medical School", "How was your mentorship with Sam Okafor?",
        f"On the waitlist for {title}: position 1", "A proposed pairing in Into Medical School will not go ahead",
        "Time to catch up with Sam Okafor?", "You are approved as a mentor in Into Medical School",
        "Your new mentee: Sam Okafor", "Your mentorship with Sam Okafor has ended",
        "Your mentorship with Sam Okafor is renewed", "Your mentorship with Sam Okafor: renew or complete?",
    ]
    await eventually(lambda: subjects(smtp_sink, mentee) == sorted(to_mentee)
                     and subjects(smtp_sink, mentor) == sorted(to_mentor), timeout=180,
                     what=lambda: f"every notification; so far {subjects(smtp_sink, mentee)} "
                                  f"and {subjects(smtp_sink, mentor)}")

    paired = smtp_sink.messages(to=mentee.email)
    by_subject = {m["subject"]: m for m in paired}
    introduction = by_subject["Off the waitlist: your new mentor is Ana Reyes"]
    said = introduction["text"]
    assert "she/her" in said and "EM resident" in said and mentor.email in said
    assert "Into Medical School" in introduction["text"] and "Into Medical School" in introduction["html"]
    confirmation = by_subject[f"You're registered: {title}"]
    assert "https://meet.example.org/abc" in confirmation["text"]
    assert confirmation["attachments"] == [{"filename": "event.ics", "content_type": "text/calendar"}]
    nudge = by_subject["Time to catch up with Ana Reyes?"]
    # The web app's page: people never reach this service itself.
    assert nudge["headers"]["List-Unsubscribe"].startswith("<https://app.mentorship.example/unsubscribe?token=")
    assert "List-Unsubscribe" not in confirmation["headers"], "essential messages cannot be unsubscribed from"
    assert nudge["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Every message links to the web app's page where its reader acts.
    assert "/mentorships/" in introduction["text"] and f"/events/{session.scheduled_event_id}" in confirmation["html"]
    message_ids = Counter(m["headers"]["Message-ID"] for m in paired + smtp_sink.messages(to=mentor.email))
    assert max(message_ids.values()) == 1


async def kept_anywhere(notifications, person_id, *words: str) -> bool:
    """Whether any table notifications keeps about the person has any of these words in a row of theirs."""
    conn = await asyncpg.connect(notifications.settings.database_url)
    try:
        tables = await conn.fetch(
            """SELECT table_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND column_name = 'person_id'""")
        for table in tables:
            rows = await conn.fetch(f'SELECT t::text AS row FROM "{table["table_name"]}" t WHERE person_id = $1',
                                    person_id)
            if any(word in row["row"] for row in rows for word in words):
                return True
        return False
    finally:
        await conn.close()


async def applied(notifications, event) -> bool:
    """Whether the service has read and applied the event (its id is in the consumer's inbox)."""
    conn = await asyncpg.connect(notifications.settings.database_url)
    try:
        return bool(await conn.fetchval("SELECT true FROM inbox WHERE event_id = $1", event.event_id))
    finally:
        await conn.close()


async def test_a_registration_read_after_its_events_later_change_still_tells_the_registrant_of_the_change(
        notifications, publish, smtp_sink):
    early = datetime.now(UTC) - timedelta(minutes=10)
    changed, called_off = listing(None, virtual=False), listing(None, virtual=False)
    update = events.EventUpdated(**changed.model_dump(exclude={"event_id", "event_type", "occurred_at"}),
                                 changed_fields=["location"])
    cancellation = events.EventCancelled(scheduled_event_id=called_off.scheduled_event_id, chapter_id=None,
                                         reason_code="venue_closed")
    reader, other = contact("Ren Late"), contact("Oto Late")
    await publish(reader, other, changed, update, called_off, cancellation)
    # Kafka orders a partition, not two topics: the catalogue can be read ahead of the registrations.
    await eventually(lambda: applied(notifications, update), timeout=60, what="the update to be applied")
    await eventually(lambda: applied(notifications, cancellation), timeout=60, what="the cancellation to be applied")
    await publish(
        events.RegistrationConfirmed(registration_id=uuid4(), scheduled_event_id=changed.scheduled_event_id,
                                     chapter_id=None, person_id=reader.person_id, occurred_at=early),
        events.RegistrationConfirmed(registration_id=uuid4(), scheduled_event_id=called_off.scheduled_event_id,
                                     chapter_id=None, person_id=other.person_id, occurred_at=early))
    await eventually(lambda: subjects(smtp_sink, reader) == sorted([f"You're registered: {changed.title}",
                                                                    f"New place: {changed.title}"])
                     and subjects(smtp_sink, other) == [f"Cancelled: {called_off.title}"], timeout=60,
                     what=lambda: f"the late registrants' messages; so far {subjects(smtp_sink, reader)}, "
                                  f"{subjects(smtp_sink, other)}")


async def test_a_waitlisting_read_after_the_pairing_that_ended_it_is_not_announced(notifications, publish, smtp_sink):
    mentee, mentor = contact("Wes Waited"), contact("Mia Mentor")
    pair = {"pairing_id": uuid4(), "program_id": uuid4(), "chapter_id": None, "mentee_id": mentee.person_id,
            "mentor_id": mentor.person_id}
    waitlisted = matching.MenteeWaitlisted(enrollment_id=uuid4(), program_id=pair["program_id"], chapter_id=None,
                                           mentee_id=mentee.person_id, position=1)
    await publish(mentee, mentor, matching.PairingConfirmed(**pair, score=75,
                                                            term_ends_at=datetime.now(UTC) + timedelta(days=365)))
    await smtp_sink.wait_for(lambda m: mentee.email in m["rcpt_tos"], timeout=60)
    await publish(waitlisted)
    await eventually(lambda: applied(notifications, waitlisted), timeout=60, what="the waitlisting to be applied")
    async with notifications.client() as admin:
        log = (await admin.get("/v1/deliveries", params={"limit": 1000})).json()
    assert [d["kind"] for d in log if d["person_id"] == str(mentee.person_id)] == ["pairing_confirmed"]
    assert subjects(smtp_sink, mentee) == ["Your new mentor: Mia Mentor"]


async def test_a_waitlist_place_read_from_its_topic_before_the_ending_it_names_is_told_after_the_ending(
        notifications, publish, smtp_sink):
    mentee, mentor = contact("Rae Public"), contact("Kai Public")
    pair = {"pairing_id": uuid4(), "program_id": uuid4(), "chapter_id": None, "mentee_id": mentee.person_id,
            "mentor_id": mentor.person_id}
    # matching.waitlist is read first, matching.pairings later: nothing orders the two topics.
    waitlisted = matching.MenteeWaitlistedV4(enrollment_id=uuid4(), program_id=pair["program_id"], chapter_id=None,
                                             mentee_id=mentee.person_id, position=1,
                                             after_pairing_id=pair["pairing_id"])
    await publish(mentee, mentor, waitlisted)
    await eventually(lambda: applied(notifications, waitlisted), timeout=60, what="the waitlisting to be applied")
    await publish(matching.PairingEndedV2(**pair, ended_by="mentor", reason_code="relocated"))

    await eventually(lambda: len(smtp_sink.messages(to=mentee.email)) == 2, timeout=60,
                     what=lambda: f"both messages; so far {subjects(smtp_sink, mentee)}")
    assert [m["subject"] for m in smtp_sink.messages(to=mentee.email)] == [
        "Your mentorship with Kai Public has ended", "You are on the waitlist for a mentor: position 1"]


async def test_a_pairing_and_a_waitlisting_of_a_kind_read_from_the_broker_say_which_kind(notifications, publish,
                                                                                          smtp_sink):
    mentee, mentor = contact("Noor Kinds"), contact("Lee Kinds")
    program = profiles.ProgramDefinedV2(program_id=uuid4(), chapter_id=None, name="Pathways to Research",
                                        mentee_stages=["undergraduate"], mentor_stages=["resident"],
                                        pairing_kinds=["clinical", "research"])
    await publish(program, mentee, mentor)
    await eventually(lambda: applied(notifications, program), timeout=60, what="the program to be applied")
    pair = {"pairing_id": uuid4(), "program_id": program.program_id, "chapter_id": None,
            "mentee_id": mentee.person_id, "mentor_id": mentor.person_id}
    # Paired for clinical mentorship, then waiting for a research mentor: on two topics, in either order.
    confirmed = matching.PairingConfirmedV2(**pair, score=80, term_ends_at=datetime.now(UTC) + timedelta(days=365),
                                            pairing_kind="clinical")
    waitlisted = matching.MenteeWaitlistedV2(enrollment_id=uuid4(), program_id=program.program_id, chapter_id=None,
                                             mentee_id=mentee.person_id, position=1, pairing_kind="research")
    await publish(confirmed, waitlisted)
    paired = "Your new mentor: Lee Kinds"
    waiting = "You are on the waitlist for a mentor: position 1"  # its members are private: the body names it
    await eventually(lambda: subjects(smtp_sink, mentee) == sorted([paired, waiting])
                     and len(smtp_sink.messages(to=mentor.email)) == 1, timeout=60,
                     what=lambda: f"both messages; so far {subjects(smtp_sink, mentee)}")
    to_mentee = {m["subject"]: m for m in smtp_sink.messages(to=mentee.email)}
    assert "Lee Kinds is your clinical mentor in Pathways to Research" in to_mentee[paired]["text"]
    assert "We have not yet found you a mentor in Pathways to Research for research mentoring" in to_mentee[waiting]["text"]
    [to_mentor] = smtp_sink.messages(to=mentor.email)
    assert "Noor Kinds is your clinical mentee in Pathways to Research" in to_mentor["text"]


async def test_a_withdrawn_proposal_a_request_whose_mentor_left_and_a_mentor_never_approved_are_told_in_newest_versions(
        notifications, publish, smtp_sink):
    # Defined before version 5: its members count as private, and no subject names it (each body does).
    program = profiles.ProgramDefined(program_id=uuid4(), chapter_id=None, name="Into Medical School",
                                      mentee_stages=["undergraduate"], mentor_stages=["resident"])
    mentee, mentor = contact("Sam Withdrawn"), contact("Ana Declined")
    await publish(program, mentee, mentor)
    await publish(
        matching.PairingDeclinedV3(pairing_id=uuid4(), program_id=program.program_id, chapter_id=None,
                                   mentee_id=mentee.person_id, mentor_id=mentor.person_id, declined_by=None,
                                   declined_by_program=True, reason_code="not_a_good_fit"),
        profiles.MentorSuspendedV3(enrollment_id=uuid4(), person_id=mentor.person_id, program_id=program.program_id,
                                   chapter_id=None, was_approved=False),
        matching.PairingLapsedV4(pairing_id=uuid4(), program_id=program.program_id, chapter_id=None,
                                 mentee_id=mentee.person_id, mentor_id=mentor.person_id, reason_code="withdrawn",
                                 awaiting=["mentor"], requested_by_mentee=True, lapsed_by="mentor"))

    await eventually(lambda: len(smtp_sink.messages(to=mentor.email)) == 2, timeout=30, what="the mentor's emails")
    await eventually(lambda: len(smtp_sink.messages(to=mentee.email)) == 2, timeout=30, what="the mentee's emails")
    assert subjects(smtp_sink, mentee) == ["A proposed pairing was withdrawn", "A request can no longer be answered"]
    assert subjects(smtp_sink, mentor) == ["A proposed pairing was withdrawn", "About your offer to mentor"]
    assert all("Into Medical School" in m["text"] for m in smtp_sink.messages(to=mentee.email)
               + smtp_sink.messages(to=mentor.email))


async def test_a_registration_read_from_the_restricted_attendees_topic_is_told_without_the_event_in_its_subject(
        notifications, publish, smtp_sink):
    person = contact("Ari Private")
    session = listing(None, virtual=False, title="Applying while LGBTQ+")
    registration = dict(registration_id=uuid4(), scheduled_event_id=session.scheduled_event_id, chapter_id=None,
                        person_id=person.person_id)
    await publish(person, session, events.PrivateRegistrationConfirmed(**registration))
    # A subject shows on a lock screen: the event's attendees are private, so it names the day alone.
    day = Reader("en", zone_of("UTC")).day(session.starts_at)
    await eventually(lambda: subjects(smtp_sink, person) == [f"You are registered for an event on {day}"],
                     timeout=30, what=lambda: f"the confirmation; so far {subjects(smtp_sink, person)}")
    [confirmation] = smtp_sink.messages(to=person.email)
    assert "Your place at Applying while LGBTQ+ is confirmed." in confirmation["text"]
    await publish(events.PrivateRegistrationCancelled(**registration, cancelled_by="registrant"))
    await eventually(lambda: len(smtp_sink.messages(to=person.email)) == 2, timeout=30, what="the cancellation")


async def test_the_same_event_published_twice_sends_one_email(notifications, publish, smtp_sink):
    person = contact("Lee Twice")
    session = listing(None, virtual=False)
    confirmed = events.RegistrationConfirmed(registration_id=uuid4(), scheduled_event_id=session.scheduled_event_id,
                                             chapter_id=None, person_id=person.person_id)
    await publish(person, session, confirmed, confirmed)
    control = profiles.PersonRegistered(person_id=person.person_id, chapter_id=None, stage="undergraduate")
    await publish(control, control)
    # The welcome was published after the duplicate on its own topic; once it is here, the duplicate was read too.
    await eventually(lambda: len(smtp_sink.messages(to=person.email)) == 2, timeout=30, what="both emails")
    async with notifications.client() as admin:
        log = (await admin.get("/v1/deliveries", params={"limit": 1000})).json()
    kinds = sorted(d["kind"] for d in log if d["person_id"] == str(person.person_id))
    assert kinds == ["registration_confirmed", "welcome"]
    assert subjects(smtp_sink, person) == sorted([f"You're registered: {session.title}",
                                                  "Welcome to the mentorship platform"])


async def test_a_coordinator_asked_twice_over_the_restricted_contacts_topic_is_emailed_once_a_report_naming_nobody(
        notifications, publish, smtp_sink):
    coordinator = contact("Rita Reviews")
    # Its members are private: no subject names it, read before the request or not (it travels on another topic).
    program = profiles.ProgramDefinedV5(program_id=uuid4(), chapter_id=None, name="Into Medical School",
                                        mentee_stages=["undergraduate"], mentor_stages=["resident"],
                                        members_public=False)
    asked = profiles.ReviewAsked(person_id=coordinator.person_id, program_id=program.program_id, chapter_id=None,
                                 role="mentee", review_reason="conduct_reported")
    # A second report, on the same partition after the duplicate: once it is here, the duplicate was read too.
    again = profiles.ReviewAsked(**{**asked.model_dump(include={"person_id", "program_id", "chapter_id"}),
                                    "role": "mentor", "review_reason": "conduct_reported"})
    await publish(program, coordinator, asked, asked, again)

    await eventually(lambda: len(smtp_sink.messages(to=coordinator.email)) == 2, timeout=30, what="both requests")
    told = smtp_sink.messages(to=coordinator.email)
    assert subjects(smtp_sink, coordinator) == ["A report of conduct to look into"] * 2
    texts = sorted(" ".join(m["text"].split()) for m in told)
    assert "The mentor they reported is back in vetting" in texts[0] and "The mentee they reported is paused" in texts[1]
    assert all("https://app.mentorship.example/console" in text for text in texts)


async def test_an_unsubscribed_category_goes_to_the_inbox_only_and_the_inbox_can_be_read(notifications, publish,
                                                                                            smtp_sink):
    mentee, mentor = contact("Ola Inbox"), contact("Kim Inbox")
    pair = {"pairing_id": uuid4(), "program_id": uuid4(), "chapter_id": None, "mentee_id": mentee.person_id,
            "mentor_id": mentor.person_id}
    await publish(mentee, mentor, matching.MeetingOverdue(**pair, last_met_at=None, days_overdue=3))
    nudge = await smtp_sink.wait_for(lambda m: mentee.email in m["rcpt_tos"], timeout=30)
    token = unsubscribe_token(nudge)
    async with notifications.client() as anyone:
        unsubscribed = await anyone.post("/v1/unsubscribe", params={"token": token})
        assert unsubscribed.status_code == 200, unsubscribed.text
        forged = await anyone.get("/v1/unsubscribe/link", params={"token": "bm90.c2lnbmVk"})
        assert forged.status_code == 400
    async with notifications.client("participant", person_id=mentee.person_id) as as_mentee:
        preferences = (await as_mentee.get(f"/v1/people/{mentee.person_id}/preferences")).json()
        assert {"category": "mentorship_nudges", "email": False, "can_opt_out": True} in preferences["categories"]
        refused = await as_mentee.patch(f"/v1/people/{mentee.person_id}/preferences",
                                        json={"email": {"essential": False}})
        assert refused.status_code == 422 and refused.json()["error"]["field"] == "opted_out"

        # The second nudge is in the inbox before the pairing completes (unsent then, it would not be any more).
        await publish(matching.MeetingOverdue(**pair, last_met_at=None, days_overdue=40))
        await eventually(lambda: _inbox_with(as_mentee, mentee, 2), timeout=30, what="two inbox items")
        await publish(matching.PairingCompleted(**pair))
        inbox = await eventually(lambda: _inbox_with(as_mentee, mentee, 3), timeout=30, what="three inbox items")
        assert inbox["unread"] == 3
        assert [i["kind"] for i in inbox["items"]].count("meeting_overdue") == 2
        read = await as_mentee.post(f"/v1/people/{mentee.person_id}/inbox/{inbox['items'][0]['id']}/read")
        assert read.status_code == 204
        assert (await as_mentee.get(f"/v1/people/{mentee.person_id}/inbox/unread-count")).json() == {"unread": 2}
        assert (await as_mentee.get(f"/v1/people/{mentor.person_id}/inbox")).status_code == 403
        # The nudge that went to the inbox only reads whole there, as its email would have said it.
        [unsent] = [i for i in inbox["items"] if i["kind"] == "meeting_overdue" and i["parameters"]["days_overdue"] == 40]
        whole = (await as_mentee.get(f"/v1/people/{mentee.person_id}/inbox/{unsent['id']}")).json()
        assert whole["subject"] == "Time to catch up with Kim Inbox?" and whole["paragraphs"], whole
        assert whole["action"]["url"].endswith(f"/mentorships/{pair['pairing_id']}")
        assert (await as_mentee.get(f"/v1/people/{mentee.person_id}/inbox/{uuid4()}")).status_code == 404
    async with notifications.client("admin") as admin:
        assert (await admin.get(f"/v1/people/{mentee.person_id}/inbox/{unsent['id']}")).status_code == 403
    # The second nudge was not emailed; the feedback request (its own category too, here) reached the mentor as well.
    await eventually(lambda: len(smtp_sink.messages(to=mentor.email)) == 3, timeout=30, what="the mentor's emails")
    assert subjects(smtp_sink, mentee) == ["Time to catch up with Kim Inbox?"]


async def _inbox_with(client, person, count: int):
    inbox = (await client.get(f"/v1/people/{person.person_id}/inbox")).json()
    return inbox if len(inbox["items"]) == count else None


async def test_a_digest_reader_gets_non_urgent_kinds_in_one_digest_and_urgent_ones_at_once(notifications, publish,
                                                                                             smtp_sink):
    mentee, mentor = contact("Dee Digest"), contact("Max Digest")
    await publish(mentee, mentor)
    async with notifications.client("participant", person_id=mentee.person_id) as as_mentee:
        async def digest_chosen():  # once the service has heard of the person: before, there is no one to set
            chosen = await as_mentee.patch(f"/v1/people/{mentee.person_id}/preferences", json={"daily_digest": True})
            return chosen.status_code == 200 and chosen.json()["daily_digest"] is True

        await eventually(digest_chosen, timeout=60, what="the digest chosen")
    pair = {"pairing_id": uuid4(), "program_id": uuid4(), "chapter_id": None, "mentee_id": mentee.person_id,
            "mentor_id": mentor.person_id}
    term_ends = datetime.now(UTC) + timedelta(days=20)
    await publish(mentee, mentor, matching.PairingConfirmed(**pair, score=70, term_ends_at=term_ends),
                  matching.MeetingOverdue(**pair, last_met_at=None, days_overdue=3),
                  matching.RenewalDue(**pair, term_ends_at=term_ends))
    digest = await smtp_sink.wait_for(lambda m: mentee.email in m["rcpt_tos"] and "digest" in m["subject"], timeout=30)
    assert digest["subject"] == "Your daily digest: 2 updates"
    assert "Time to catch up with Max Digest?" in digest["text"] and "renew or complete?" in digest["text"]
    assert subjects(smtp_sink, mentee) == ["Your daily digest: 2 updates", "Your new mentor: Max Digest"]


async def test_after_erasure_nothing_more_is_sent_to_the_person_nor_about_them(notifications, publish, smtp_sink):
    erased, partner, control = contact("Eve Erased"), contact("Pat Partner"), contact("Cal Control")
    await publish(erased, partner, control, profiles.PersonErased(person_id=erased.person_id))
    # The erasure and the pairing travel on different topics, which Kafka does not order between them:
    # wait until the erasure is applied, so the pairing really comes after it.
    async def erasure_applied() -> bool:
        conn = await asyncpg.connect(notifications.settings.database_url)
        try:
            return await conn.fetchval("SELECT true FROM erased_people WHERE person_id = $1", erased.person_id)
        finally:
            await conn.close()

    await eventually(erasure_applied, timeout=60, what="the erasure to be applied")
    pair = {"pairing_id": uuid4(), "program_id": uuid4(), "chapter_id": None, "mentee_id": erased.person_id,
            "mentor_id": partner.person_id}
    await publish(profiles.PersonRegistered(person_id=erased.person_id, chapter_id=None, stage="undergraduate"),
                  matching.PairingConfirmed(**pair, score=70, term_ends_at=datetime.now(UTC) + timedelta(days=365)),
                  profiles.PersonRegistered(person_id=control.person_id, chapter_id=None, stage="undergraduate"))
    await smtp_sink.wait_for(lambda m: control.email in m["rcpt_tos"], timeout=30)
    async with notifications.client() as admin:
        async def settled():
            log = (await admin.get("/v1/deliveries", params={"limit": 1000})).json()
            return [d for d in log if d["person_id"] == str(partner.person_id)]
        # The partner's message would have named the erased person: it is not even recorded.
        assert await settled() == []
    assert smtp_sink.messages(to=erased.email) == [] and smtp_sink.messages(to=partner.email) == []


# --- issue 10 (notifications) and issue 13: through the broker, the API and the SMTP sink -------------------------

async def test_a_line_break_in_a_name_neither_stops_the_partners_email_nor_adds_a_recipient_or_header(
        notifications, publish, smtp_sink):
    mentee = contact("Sam Breaks")
    # As a profiles that let the line break through would publish it (its API refuses it now).
    mentor = contact("Eve Breaks").model_copy(update={"display_name": "Eve\r\nBcc: attacker@evil.example"})
    pair = {"pairing_id": uuid4(), "program_id": uuid4(), "chapter_id": None, "mentee_id": mentee.person_id,
            "mentor_id": mentor.person_id}
    await publish(mentee, mentor, matching.PairingConfirmed(**pair, score=70,
                                                            term_ends_at=datetime.now(UTC) + timedelta(days=365)))
    told = await smtp_sink.wait_for(lambda m: mentee.email in m["rcpt_tos"], timeout=60)
    assert told["subject"] == "Your new mentor: Eve Bcc: attacker@evil.example"
    assert told["rcpt_tos"] == [mentee.email] and "Bcc" not in told["headers"]
    assert smtp_sink.messages(to="attacker@evil.example") == []


async def test_a_long_title_makes_a_subject_without_a_leading_space(notifications, publish, smtp_sink):
    reader = contact("Lou Long")
    # "You're registered: " and this title make a subject Python's own folding put on a line of its own.
    session = listing(None, virtual=False, title="Applying to medical school: personal statements " + uuid4().hex[:7])
    await publish(reader, session, events.RegistrationConfirmed(
        registration_id=uuid4(), scheduled_event_id=session.scheduled_event_id, chapter_id=None,
        person_id=reader.person_id))
    told = await smtp_sink.wait_for(lambda m: reader.email in m["rcpt_tos"], timeout=60)
    assert told["subject"] == f"You're registered: {session.title}"


def unsubscribe_token(email: dict) -> str:
    """The token of an email's unsubscribe link (the web app's page)."""
    [token] = parse_qs(urlsplit(email["headers"]["List-Unsubscribe"].strip("<>")).query)["token"]
    return token


async def test_an_unsubscribe_link_is_read_by_the_web_app_alone_and_unsubscribes_only_on_post(
        notifications, publish, smtp_sink):
    mentee = profiles.ContactDetailsChangedV3(**contact("Uma Unsub").model_dump(include={
        "person_id", "chapter_id", "display_name", "email"}), preferred_language="es")
    mentor = contact("Ned Unsub")
    await publish(mentee, mentor, matching.MeetingOverdue(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None,
                                                          mentee_id=mentee.person_id, mentor_id=mentor.person_id,
                                                          last_met_at=None, days_overdue=3))
    token = unsubscribe_token(await smtp_sink.wait_for(lambda m: mentee.email in m["rcpt_tos"], timeout=60))
    async with notifications.client("participant", person_id=mentee.person_id) as as_mentee, \
            notifications.client("service") as web, httpx.AsyncClient(base_url=notifications.url) as mail_client:
        async def nudges_by_email() -> bool:
            categories = (await as_mentee.get(f"/v1/people/{mentee.person_id}/preferences")).json()["categories"]
            return {"category": "mentorship_nudges", "email": True, "can_opt_out": True} in categories

        read = await web.get("/v1/unsubscribe/link", params={"token": token})  # for the page asking to confirm
        # In the language its reader reads their emails in, for the page to speak it too.
        assert read.json() == {"category": "mentorship_nudges", "opted_out": False, "language": "es"}
        assert (await as_mentee.get("/v1/unsubscribe/link", params={"token": token})).status_code == 403
        # A link of an email sent before the web app's page: to that page.
        older = await mail_client.get("/v1/unsubscribe", params={"token": token})
        assert (older.status_code, older.headers["location"]) == (
            303, f"https://app.mentorship.example/unsubscribe?token={token}")
        assert await nudges_by_email()
        done = await mail_client.post(f"/v1/unsubscribe?token={token}", content="List-Unsubscribe=One-Click",
                                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert done.json() == {"category": "mentorship_nudges", "opted_out": True, "language": "es"}
        assert not await nudges_by_email()
        assert (await web.get("/v1/unsubscribe/link", params={"token": token})).json()["opted_out"]


async def test_only_the_person_reads_and_marks_their_inbox_an_admin_may_read_it_and_a_coordinator_may_not(
        notifications, publish, smtp_sink):
    chapter = uuid4()
    member = contact("Mo Member", chapter)
    await publish(member, profiles.PersonRegistered(person_id=member.person_id, chapter_id=chapter,
                                                    stage="undergraduate"))
    await smtp_sink.wait_for(lambda m: member.email in m["rcpt_tos"], timeout=60)
    inbox = f"/v1/people/{member.person_id}/inbox"
    async with notifications.client("participant", person_id=member.person_id) as as_member:
        [item] = (await as_member.get(inbox)).json()["items"]
    async with notifications.client("coordinator", chapter_id=chapter) as coordinator:
        assert (await coordinator.get(inbox)).status_code == 403
        assert (await coordinator.get(f"{inbox}/unread-count")).status_code == 403
        assert (await coordinator.post(f"{inbox}/{item['id']}/read")).status_code == 403
        assert (await coordinator.get(f"/v1/people/{member.person_id}/preferences")).status_code == 403
    async with notifications.client() as admin:
        assert (await admin.get(inbox)).status_code == 200
        assert (await admin.post(f"{inbox}/{item['id']}/read")).status_code == 403, "support reads, it does not mark"
    async with notifications.client("participant", person_id=member.person_id) as as_member:
        assert (await as_member.post(f"{inbox}/{item['id']}/read")).status_code == 204


async def test_the_preferences_of_someone_unknown_are_not_found(notifications):
    unknown = uuid4()
    async with notifications.client() as admin:
        changed = await admin.patch(f"/v1/people/{unknown}/preferences", json={"daily_digest": True})
        assert changed.status_code == 404 and changed.json()["error"]["code"] == "person_not_found"
        assert (await admin.get(f"/v1/people/{unknown}/preferences")).status_code == 404


def office_hour(student, host) -> dict:
    """The facts of the student's booking of the host's office hour, five days from now."""
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    return dict(slot_id=uuid4(), host_id=host.person_id, person_id=student.person_id, chapter_id=None,
                starts_at=starts, ends_at=starts + timedelta(minutes=30), booking_id=uuid4(), is_virtual=True)


def starting(booking: dict) -> str:
    """When the office hour starts, as its subjects say it to these contacts (in UTC)."""
    utc = Reader("en", zone_of("UTC"))
    return f"on {utc.day(booking['starts_at'])} at {utc.time(booking['starts_at'])}"


async def test_an_office_hour_booked_and_cancelled_is_told_to_the_participant_and_the_host(
        notifications, publish, smtp_sink):
    student, host = contact("Pia Student"), contact("Dr Hal Host")
    booking = office_hour(student, host)
    await publish(student, host, events.OfficeHoursBookedV3(**booking))
    when = starting(booking)
    await eventually(lambda: subjects(smtp_sink, student) == [f"Office hour booked with Dr Hal Host {when}"]
                     and subjects(smtp_sink, host) == [f"Pia Student booked your office hour {when}"], timeout=60,
                     what=lambda: f"both confirmations; so far {subjects(smtp_sink, student)}")
    # Each side is named to the other on their office-hours pages, as the emails name them; to nobody else.
    async with notifications.client("participant", person_id=host.person_id) as as_host:
        named = (await as_host.get(f"/v1/people/{host.person_id}/office-hours/booked-with")).json()
        assert [(n["person_id"], n["display_name"]) for n in named] == [(str(student.person_id), "Pia Student")]
        assert (await as_host.get(f"/v1/people/{student.person_id}/office-hours/booked-with")).status_code == 403
    await publish(events.OfficeHoursBookingCancelledV3(**booking, cancelled_by="participant", reason_code="cancelled"))
    await eventually(lambda: f"You cancelled your office hour with Dr Hal Host {when}" in subjects(smtp_sink, student)
                     and f"Cancelled: your office hour with Pia Student {when}" in subjects(smtp_sink, host),
                     timeout=60,
                     what=lambda: f"both cancellations; so far {subjects(smtp_sink, host)}")
    [booked] = [m for m in smtp_sink.messages(to=student.email) if m["subject"].startswith("Office hour booked")]
    assert booked["attachments"] == [{"filename": "office-hour.ics", "content_type": "text/calendar"}]


async def test_a_reminder_reaches_the_inbox_dated_when_it_is_sent_not_when_the_booking_was_made(
        notifications, publish, smtp_sink):
    student, host = contact("Ria Student"), contact("Dr Lu Host")
    booking = office_hour(student, host)
    await publish(student, host, events.OfficeHoursBookedV3(**booking))
    booked = f"Office hour booked with Dr Lu Host {starting(booking)}"
    await eventually(lambda: subjects(smtp_sink, student) == [booked], timeout=60, what="the booking's confirmation")
    conn = await asyncpg.connect(notifications.settings.database_url)
    try:  # as if booked a week ago, and now the day before
        moved = await conn.execute(
            """UPDATE notifications SET created_at = now() - interval '7 days', next_attempt_at = now()
                WHERE person_id = $1 AND kind = 'office_hours_reminder'""", student.person_id)
        assert moved == "UPDATE 1"
    finally:
        await conn.close()
    await eventually(lambda: len(subjects(smtp_sink, student)) == 2, timeout=60, what="the reminder")
    async with notifications.client("participant", person_id=student.person_id) as as_student:
        newest = (await as_student.get(f"/v1/people/{student.person_id}/inbox")).json()["items"][0]
    assert newest["kind"] == "office_hours_reminder"
    assert datetime.now(UTC) - datetime.fromisoformat(newest["created_at"]) < timedelta(minutes=5)


async def test_a_pairing_email_says_the_partner_shared_who_they_are_never_what_and_no_longer_once_withdrawn(
        notifications, publish, smtp_sink):
    mentee = profiles.ContactDetailsChangedV3(**contact("Ola Shown").model_dump(include={
        "person_id", "chapter_id", "display_name", "email"}), preferred_language="es")
    mentor = profiles.ContactDetailsChangedV3(**contact("Kim Shown").model_dump(include={
        "person_id", "chapter_id", "display_name", "email"}), identity_for_partner={
        "race_ethnicity": "Afro-Latina", "first_generation": "Yes"})
    pair = {"program_id": uuid4(), "chapter_id": None, "mentee_id": mentee.person_id, "mentor_id": mentor.person_id,
            "score": 80, "reason_codes": [], "pairing_kind": "general"}
    # Proposed is not yet paired: the mentee reads nothing of who the mentor is.
    await publish(mentee, mentor, matching.PairingProposedV4(**pair, pairing_id=uuid4()))
    proposed = await smtp_sink.wait_for(lambda m: mentee.email in m["rcpt_tos"], timeout=60)
    assert "Afro-Latina" not in proposed["raw"] and "Raza o etnia" not in proposed["text"]
    assert "Kim" not in proposed["raw"] and mentor.email not in proposed["raw"]
    term_ends = datetime.now(UTC) + timedelta(days=365)
    await publish(matching.PairingConfirmedV4(**pair, pairing_id=uuid4(), term_ends_at=term_ends))
    paired = await smtp_sink.wait_for(lambda m: mentee.email in m["rcpt_tos"] and m["id"] != proposed["id"],
                                      timeout=60)
    # An email cannot be taken back: what the mentor shows a partner is on the mentorship's page alone.
    assert "Eligió compartir contigo más sobre quién es: léelo en la página de tu mentoría." in paired["text"]
    assert "Afro-Latina" not in paired["raw"] and "Raza o etnia" not in paired["text"]
    assert "race_ethnicity" not in paired["raw"]
    # Nor does notifications keep what it is: only that there is more to read (its database is no copy of it).
    assert not await kept_anywhere(notifications, mentor.person_id, "Afro-Latina", "race_ethnicity")
    to_mentor = await smtp_sink.wait_for(lambda m: mentor.email in m["rcpt_tos"] and "Ola Shown" in m["text"],
                                         timeout=60)
    assert "Afro-Latina" not in to_mentor["text"] and "Race or ethnicity" not in to_mentor["text"]
    # The mentor withdraws consent (profiles publishes their contact details without it); once applied, the next
    # pairing email to the mentee shows it no more.
    withdrawn = mentor.model_copy(update={"event_id": uuid4(), "identity_for_partner": {}})
    await publish(withdrawn)
    await eventually(lambda: applied(notifications, withdrawn), timeout=60, what="the withdrawal")
    await publish(matching.PairingConfirmedV4(**pair, pairing_id=uuid4(), term_ends_at=term_ends))
    confirmed = await smtp_sink.wait_for(
        lambda m: mentee.email in m["rcpt_tos"] and m["id"] not in (proposed["id"], paired["id"]), timeout=60)
    assert "Eligió compartir contigo" not in confirmed["text"] and "Afro-Latina" not in confirmed["raw"]
    assert "Kim Shown" in confirmed["text"]


async def test_an_email_change_is_sent_to_the_new_address_alone_and_its_link_is_kept_nowhere_once_sent(
        notifications, publish, smtp_sink):
    person = contact("Ola Moving")
    new_address = f"ola.new.{uuid4().hex[:8]}@example.org"
    path = profiles.email_confirmation_path(f"single-use-{uuid4().hex}")
    await publish(person, profiles.EmailChangeRequested(
        person_id=person.person_id, chapter_id=None, display_name="Ola Moving", new_email=new_address,
        confirmation_path=path, expires_at=datetime.now(UTC) + timedelta(hours=24), timezone="America/Chicago"))
    sent = await smtp_sink.wait_for(lambda m: new_address in m["rcpt_tos"], timeout=60)
    assert sent["subject"] == "Confirm your new email address" and path in sent["text"]
    assert "List-Unsubscribe" not in sent["headers"] and "Central" in sent["text"]
    assert smtp_sink.messages(to=person.email) == []

    async def forgotten() -> bool:
        conn = await asyncpg.connect(notifications.settings.database_url)
        try:
            row = await conn.fetchrow("SELECT status, parameters::text AS kept FROM notifications "
                                      "WHERE person_id = $1 AND kind = 'email_change'", person.person_id)
        finally:
            await conn.close()
        return row is not None and row["status"] == "sent" and path.split("=")[1] not in row["kept"] \
            and new_address not in row["kept"]

    await eventually(forgotten, timeout=30, what="the link dropped from the row once sent")
    async with notifications.client("participant", person_id=person.person_id) as as_person:
        inbox = (await as_person.get(f"/v1/people/{person.person_id}/inbox")).json()
    assert inbox == {"items": [], "unread": 0}
