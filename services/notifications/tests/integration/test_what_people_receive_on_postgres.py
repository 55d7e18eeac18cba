"""What the unit tests tell with the in-memory repository, told with the PostgreSQL one, where the answer is its SQL:
the handlers, the dispatcher and the renderer on a database of their own (no broker; a fake mailer)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from icalendar import Calendar
from mentorship_contracts import events as ev
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.bootstrap import MIGRATIONS
from notifications.domain import commands
from notifications.domain.model import Email
from notifications.service_layer import handlers, views
from notifications.service_layer.dispatch import DispatchPolicy, compose_digests, dispatch_due
from notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from plumbing.calendar import booking_uid
from plumbing.db import PLUMBING_MIGRATIONS, create_pool, migrate
from plumbing.unit_of_work import SharedTransaction

from ..unit.fakes import FakeMailer
from ..unit.samples import renderer

POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0, access_link_grace_seconds=0)


@pytest.fixture(scope="module")
async def pool(postgres_server):
    pool = await create_pool(postgres_server.create_database(f"notifications_sql_{uuid4().hex[:8]}"))
    await migrate(pool, PLUMBING_MIGRATIONS, MIGRATIONS)
    try:
        yield pool
    finally:
        await pool.close()


class Platform:
    """The service's handlers and dispatcher on the database, each handler in a unit of work of its own."""

    def __init__(self, pool) -> None:
        self.pool = pool
        self.emails: dict[UUID, str] = {}

    def uow(self) -> NotificationsUnitOfWork:
        return NotificationsUnitOfWork(self.pool)

    async def handle(self, handler, *events) -> None:
        for event in events:
            await handler(event, self.uow())

    async def person(self, name: str) -> UUID:
        contact = pr.ContactDetailsChangedV3(person_id=uuid4(), chapter_id=None, display_name=name,
                                             email=f"{name.split()[0].lower()}.{uuid4().hex[:8]}@example.org",
                                             timezone="America/Chicago")
        await self.handle(handlers.contact_details_changed, contact)
        self.emails[contact.person_id] = contact.email
        return contact.person_id

    async def sent_to(self, person: UUID, now: datetime | None = None) -> list[Email]:
        """What one dispatch sends this person (others' emails of the same dispatch are not theirs to see)."""
        mailer, now = FakeMailer(), now or datetime.now(UTC)
        render = renderer()
        render._clock = lambda: now
        await dispatch_due(self.uow, render, mailer, POLICY, clock=lambda: now)
        return [m for m in mailer.sent if m.to == self.emails[person]]

    async def digest_of(self, person: UUID) -> list[Email]:
        tomorrow = datetime.now(UTC) + timedelta(days=1)
        await compose_digests(self.uow(), POLICY, tomorrow)
        return await self.sent_to(person, now=tomorrow)


@pytest.fixture
def platform(pool) -> Platform:
    return Platform(pool)


def calendar_of(message: Email):
    [attachment] = message.attachments
    calendar = Calendar.from_ical(attachment.content)
    [entry] = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), entry


async def an_office_hour_booked(platform: Platform, student: UUID, host: UUID) -> dict:
    """The student's booking of the host's office hour, five days from now, told to notifications."""
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    booking = dict(slot_id=uuid4(), host_id=host, person_id=student, chapter_id=None, starts_at=starts,
                   ends_at=starts + timedelta(minutes=30), booking_id=uuid4(), is_virtual=True)
    await platform.handle(handlers.office_hours_booked, ev.OfficeHoursBookedV3(**booking))
    return booking


async def test_on_postgres_each_side_of_an_office_hour_is_named_to_the_other_until_it_is_cancelled(platform):
    student, host = await platform.person("Sam Okafor"), await platform.person("Dr Lee Chen")
    booking = await an_office_hour_booked(platform, student, host)
    starts = booking["starts_at"]
    now = datetime.now(UTC)
    assert await views.booked_with(platform.uow(), host, now) == [(booking["slot_id"], student, "Sam Okafor")]
    assert await views.booked_with(platform.uow(), student, now) == [(booking["slot_id"], host, "Dr Lee Chen")]
    assert await views.booked_with(platform.uow(), student, starts + timedelta(hours=1)) == [], "over"
    await platform.handle(handlers.office_hours_booking_cancelled, ev.OfficeHoursBookingCancelledV3(
        **booking, cancelled_by="participant", reason_code="cancelled"))
    assert await views.booked_with(platform.uow(), host, now) == []


async def test_the_host_who_stays_gets_the_cancellation_and_its_calendar_entry_once_the_participant_erased(platform):
    student, host = await platform.person("Sam Erased"), await platform.person("Lee Stays")
    booking = await an_office_hour_booked(platform, student, host)
    assert len(await platform.sent_to(host)) == 1
    await platform.handle(handlers.office_hours_booking_cancelled, ev.OfficeHoursBookingCancelledV3(
        **booking, cancelled_by="participant", reason_code="person_erased"))
    await platform.handle(handlers.person_erased, pr.PersonErasedV2(person_id=student))
    [told] = await platform.sent_to(host)
    assert told.subject.startswith("Cancelled: your office hour on ") and "Sam" not in told.text
    method, entry = calendar_of(told)
    assert (method, str(entry["UID"])) == ("CANCEL", booking_uid(booking["booking_id"]))


async def test_on_postgres_each_change_of_a_link_to_join_sends_the_bookings_entry_a_sequence_higher_and_its_cancellation_outranks_them_after_an_erasure(  # noqa: E501
        platform):
    student, host = await platform.person("Sam Changed"), await platform.person("Lee Changes")
    booking = await an_office_hour_booked(platform, student, host)
    await platform.sent_to(student)
    sequences = []
    for _ in range(2):
        await platform.handle(handlers.office_hours_link_given, ev.OfficeHoursLinkGiven(
            **{k: v for k, v in booking.items() if k != "is_virtual"}, replaces_earlier=True))
        [changed] = await platform.sent_to(student)
        method, entry = calendar_of(changed)
        assert (method, str(entry["UID"])) == ("REQUEST", booking_uid(booking["booking_id"]))
        sequences.append(int(entry["SEQUENCE"]))
    assert sequences == [1, 2]

    # The host erased: the booking's row goes with them, after the cancellation was read and before it is sent.
    await platform.handle(handlers.office_hours_booking_cancelled, ev.OfficeHoursBookingCancelledV3(
        **booking, cancelled_by="host", reason_code="person_erased"))
    await platform.handle(handlers.person_erased, pr.PersonErasedV2(person_id=host))
    [told] = await platform.sent_to(student)
    method, entry = calendar_of(told)
    assert (method, int(entry["SEQUENCE"])) == ("CANCEL", 3)


async def a_seat_at_an_online_event(platform, name: str) -> tuple[UUID, ev.EventPublishedV2, dict]:
    """Someone confirmed at an online event a week ahead, their join link https://meet.example.org/j/42 given (its
    confirmation read): them, the event, and their seat."""
    person = await platform.person(name)
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    event = ev.EventPublishedV2(scheduled_event_id=uuid4(), chapter_id=None, kind="virtual_session", title="Online",
                                starts_at=starts, ends_at=starts + timedelta(hours=1), timezone="UTC", capacity=5,
                                audience_stages=[], registration_deadline=starts, is_virtual=True, location=None)
    seat = dict(registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, person_id=person)
    await platform.handle(handlers.event_published, event)
    await platform.handle(handlers.registration_confirmed, ev.RegistrationConfirmedV2(**seat, chapter_id=None))
    await platform.handle(handlers.virtual_access_granted, ev.VirtualAccessGrantedV3(
        **seat, join_url="https://meet.example.org/j/42", revision=0))
    await platform.sent_to(person)
    return person, event, seat


async def test_an_update_of_a_virtual_event_finds_each_seat_holders_join_link_by_their_registration(platform):
    sam, event, _ = await a_seat_at_an_online_event(platform, "Sam Joins")
    values = event.model_dump(exclude={"event_id", "event_type", "schema_version", "occurred_at"})
    await platform.handle(handlers.event_updated, ev.EventUpdatedV3(**{**values, "title": "Online, renamed"},
                                                                    changed_fields=["title"], revision=1))
    [update] = await platform.sent_to(sam)
    assert str(calendar_of(update)[1]["LOCATION"]) == "https://meet.example.org/j/42"


async def test_a_changed_join_link_read_before_the_events_update_is_sent_at_the_revision_it_names(platform):
    sam, _, seat = await a_seat_at_an_online_event(platform, "Sam Rejoins")

    await platform.handle(handlers.virtual_access_granted, ev.VirtualAccessGrantedV3(
        **seat, join_url="https://meet.example.org/j/43", revision=1))

    [changed] = await platform.sent_to(sam)
    method, entry = calendar_of(changed)
    assert (method, str(entry["LOCATION"]), int(entry["SEQUENCE"])) == ("REQUEST", "https://meet.example.org/j/43", 1)


async def test_a_registration_after_a_cancellation_in_the_same_batch_sends_an_entry_that_outranks_the_cancellation(
        platform):
    sam = await platform.person("Sam Again")
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    event = ev.EventPublishedV2(scheduled_event_id=uuid4(), chapter_id=None, kind="workshop", title="Again",
                                starts_at=starts, ends_at=starts + timedelta(hours=1), timezone="UTC", capacity=5,
                                audience_stages=[], registration_deadline=starts, is_virtual=False, location="Hall")
    first = dict(registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, chapter_id=None,
                 person_id=sam)
    await platform.handle(handlers.event_published, event)
    await platform.handle(handlers.registration_confirmed, ev.RegistrationConfirmedV2(**first))
    [confirmed] = await platform.sent_to(sam)
    # A consumer applies what it read in one transaction: the cancellation and the registration after it.
    async with platform.pool.acquire() as conn, conn.transaction():
        batch = SharedTransaction(conn, savepoints=False)
        await handlers.registration_cancelled(ev.RegistrationCancelledV2(**first, cancelled_by="registrant"),
                                              NotificationsUnitOfWork(joined=batch))
        await handlers.registration_confirmed(ev.RegistrationConfirmedV2(**{**first, "registration_id": uuid4()}),
                                              NotificationsUnitOfWork(joined=batch))
    cancelled, again = sorted(await platform.sent_to(sam), key=lambda m: not m.subject.startswith("Cancelled"))
    sequences = [(calendar_of(m)[0], calendar_of(m)[1]["SEQUENCE"]) for m in (confirmed, cancelled, again)]
    assert sequences == [("REQUEST", 0), ("CANCEL", 1), ("REQUEST", 2)]


async def test_an_erased_partners_items_waiting_for_a_digest_are_cancelled_and_a_digest_with_nothing_left_goes_not(
        platform):
    ana, sam, kim = [await platform.person(name) for name in ("Ana Digest", "Sam Leaves", "Kim Leaves")]
    await handlers.change_preferences(commands.ChangePreferences(ana, daily_digest=True), platform.uow())
    await platform.handle(handlers.meeting_overdue, ma.MeetingOverdueV2(
        pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=sam, mentor_id=ana, last_met_at=None,
        days_overdue=3))
    await platform.sent_to(ana)  # it waits for Ana's digest
    await platform.handle(handlers.person_erased, pr.PersonErasedV2(person_id=sam))
    assert await platform.digest_of(ana) == []
    # Once in a digest not yet sent, what names a partner who then erased their account is left out of it.
    await platform.handle(handlers.meeting_overdue, ma.MeetingOverdueV2(
        pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=kim, mentor_id=ana, last_met_at=None,
        days_overdue=3))
    await platform.sent_to(ana)
    await compose_digests(platform.uow(), POLICY, datetime.now(UTC) + timedelta(days=1))
    await platform.handle(handlers.person_erased, pr.PersonErasedV2(person_id=kim))
    assert await platform.sent_to(ana, now=datetime.now(UTC) + timedelta(days=1)) == []


async def test_nudges_waiting_for_a_digest_no_longer_go_once_the_pairing_completed_nor_a_waitlisting_once_paired(
        platform):
    sam, ana = await platform.person("Sam Nudged"), await platform.person("Ana Nudged")
    await handlers.change_preferences(commands.ChangePreferences(sam, daily_digest=True), platform.uow())
    pair = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=sam, mentor_id=ana)
    await platform.handle(handlers.mentee_waitlisted, ma.MenteeWaitlistedV3(
        enrollment_id=uuid4(), program_id=pair["program_id"], chapter_id=None, mentee_id=sam, position=1,
        pairing_kind="general", occurred_at=datetime.now(UTC) - timedelta(days=1)))
    await platform.sent_to(sam)
    await platform.handle(handlers.pairing_confirmed, ma.PairingConfirmedV3(
        **pair, score=80, term_ends_at=datetime.now(UTC) + timedelta(days=20)))
    await platform.handle(handlers.meeting_overdue, ma.MeetingOverdueV2(**pair, last_met_at=None, days_overdue=3))
    await platform.handle(handlers.renewal_due, ma.RenewalDueV2(**pair,
                                                                term_ends_at=datetime.now(UTC) + timedelta(days=20)))
    await platform.sent_to(sam)
    await platform.handle(handlers.pairing_completed, ma.PairingCompletedV2(**pair))
    await platform.sent_to(sam)  # the request for feedback waits for the digest too
    [digest] = await platform.digest_of(sam)
    assert digest.subject == "Your daily digest: 1 update"
    assert "How was your mentorship with Ana Nudged?" in digest.text


async def test_a_paired_email_not_sent_before_its_pairing_ended_goes_not_and_one_composed_after_shows_no_details(
        platform):
    mentee, mentor = await platform.person("Sam Okafor"), await platform.person("Ana Reyes")
    facts = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor)
    await platform.handle(handlers.pairing_confirmed, ma.PairingConfirmedV4(
        **facts, score=80, reason_codes=[], pairing_kind="general", term_ends_at=datetime.now(UTC) + timedelta(days=365)))
    await platform.handle(handlers.pairing_ended, ma.PairingEndedV2(**facts, ended_by="mentee", reason_code="other"))

    told = await platform.sent_to(mentee)

    assert [m.subject for m in told] == ["Your mentorship with Ana Reyes has ended"]
    async with platform.uow() as uow:
        assert await uow.notifications.pairing_over(facts["pairing_id"])
        assert not await uow.notifications.pairing_over(uuid4())


async def test_a_declined_request_is_told_as_a_request_and_a_declined_proposal_as_a_proposal(platform):
    mentee, mentor = await platform.person("Sam Okafor"), await platform.person("Ana Reyes")
    subjects = []
    for requested in (True, False):
        facts = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor)
        await platform.handle(handlers.pairing_proposed, ma.PairingProposedV6(
            **facts, score=80, reason_codes=[], answer_by=datetime.now(UTC) + timedelta(days=7),
            requested_by_mentee=requested))
        await platform.handle(handlers.pairing_declined, ma.PairingDeclinedV3(**facts, declined_by="mentor",
                                                                              reason_code="schedule_conflict"))
        subjects.append([m.subject for m in await platform.sent_to(mentee)][-1])

    assert subjects == ["Your request will not go ahead", "A proposed pairing will not go ahead"]


async def test_on_postgres_a_mentor_who_declines_finds_that_proposal_read_and_the_mentees_and_her_others_unread(
        platform):
    ana, sam, kim = [await platform.person(name) for name in ("Ana Answers", "Sam Waits", "Kim Waits")]
    answer_by = datetime.now(UTC) + timedelta(days=7)
    pairings = [dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=ana)
                for mentee in (sam, kim)]
    for facts in pairings:
        await platform.handle(handlers.pairing_proposed, ma.PairingProposedV6(
            **facts, score=80, reason_codes=[], answer_by=answer_by, requested_by_mentee=False))
        await platform.handle(handlers.answer_due, ma.AnswerDueV2(
            **facts, answer_by=answer_by, awaiting=["mentee", "mentor"], requested_by_mentee=False,
            paused_if_it_lapses=[]))
    await platform.sent_to(ana)
    await platform.handle(handlers.pairing_declined, ma.PairingDeclinedV2(**pairings[0], declined_by="mentor",
                                                                          reason_code="schedule_conflict"))
    await platform.sent_to(ana)

    async def unread(person: UUID) -> set[tuple[str, str]]:
        items, _ = await views.inbox(platform.uow(), person, True, 50, POLICY, datetime.now(UTC),
                                     lambda n, subject, _: subject)
        return {(item["kind"], item["parameters"]["pairing_id"]) for item in items
                if item["kind"] in ("pairing_proposed", "answer_due")}

    def asking(facts: dict) -> set[tuple[str, str]]:
        return {(kind, str(facts["pairing_id"])) for kind in ("pairing_proposed", "answer_due")}

    assert await unread(ana) == asking(pairings[1])
    assert await unread(sam) == asking(pairings[0])


async def test_a_waitlist_place_announced_with_the_end_of_a_mentorship_goes_only_once_the_ending_has(platform):
    mentee, mentor = await platform.person("Sam Ended"), await platform.person("Ana Ended")
    facts = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor)
    await platform.handle(handlers.pairing_ended, ma.PairingEndedV2(**facts, ended_by="mentee", reason_code="goals_met"))
    await platform.handle(handlers.mentee_waitlisted, ma.MenteeWaitlistedV3(
        enrollment_id=uuid4(), program_id=facts["program_id"], chapter_id=None, mentee_id=mentee, position=1))

    assert [m.subject for m in await platform.sent_to(mentee)] == ["Your mentorship with Ana Ended has ended"]
    assert [m.subject for m in await platform.sent_to(mentee)] == ["You are on the waitlist for a mentor: position 1"]


async def test_a_waitlist_place_read_before_the_ending_it_names_goes_only_once_the_ending_has_arrived_and_gone(
        platform):
    mentee, mentor = await platform.person("Sam Public"), await platform.person("Ana Public")
    facts = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor)
    await platform.handle(handlers.mentee_waitlisted, ma.MenteeWaitlistedV4(
        enrollment_id=uuid4(), program_id=facts["program_id"], chapter_id=None, mentee_id=mentee, position=1,
        after_pairing_id=facts["pairing_id"]))

    assert await platform.sent_to(mentee) == []
    await platform.handle(handlers.pairing_ended, ma.PairingEndedV2(**facts, ended_by="mentee", reason_code="goals_met"))
    assert [m.subject for m in await platform.sent_to(mentee)] == ["Your mentorship with Ana Public has ended"]
    assert [m.subject for m in await platform.sent_to(mentee)] == ["You are on the waitlist for a mentor: position 1"]


async def test_what_the_catalogue_says_of_an_events_attendees_wins_over_a_registration_on_the_public_topic(platform):
    # As every registration was read before 2026-12-04, and a database rebuilt from the topics reads them again.
    sam = await platform.person("Sam Private")
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    event = ev.EventPublishedV3(scheduled_event_id=uuid4(), chapter_id=None, kind="workshop",
                                title="Applying while LGBTQ+", starts_at=starts, ends_at=starts + timedelta(hours=1),
                                timezone="UTC", capacity=5, audience_stages=[], registration_deadline=starts,
                                is_virtual=False, location="Hall", parent_event_id=None, attendees_public=False)
    await platform.handle(handlers.event_published, event)
    await platform.handle(handlers.registration_confirmed, ev.RegistrationConfirmedV2(
        registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, chapter_id=None, person_id=sam))
    values = event.model_dump(exclude={"event_id", "event_type", "schema_version", "occurred_at", "attendees_public"})
    # An update in an older version says nothing of it: what the catalogue said stays.
    await platform.handle(handlers.event_updated, ev.EventUpdatedV3(**values, changed_fields=["capacity"], revision=1))

    [confirmation] = await platform.sent_to(sam)
    assert "LGBTQ" not in confirmation.subject
    assert "LGBTQ" not in str(calendar_of(confirmation)[1]["SUMMARY"])


async def test_a_restated_catalogue_says_an_event_is_private_cancelled_and_at_which_revision_telling_nobody(platform):
    # Published before 2026-12-05 and registered for on the public topic: read so, it was taken for public.
    sam = await platform.person("Sam Restated")
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    details = dict(scheduled_event_id=uuid4(), chapter_id=None, kind="workshop", title="Applying while LGBTQ+",
                   starts_at=starts, ends_at=starts + timedelta(hours=1), timezone="UTC", capacity=5,
                   audience_stages=[], registration_deadline=starts, is_virtual=False, location="Hall",
                   parent_event_id=None)
    await platform.handle(handlers.event_published, ev.EventPublishedV2(**details))
    await platform.handle(handlers.registration_confirmed, ev.RegistrationConfirmedV2(
        registration_id=uuid4(), scheduled_event_id=details["scheduled_event_id"], chapter_id=None, person_id=sam))
    await platform.sent_to(sam)

    await platform.handle(handlers.event_restated, ev.EventRestated(
        **details, attendees_public=False, state="cancelled", revision=2))

    assert await platform.sent_to(sam) == []
    async with platform.uow() as uow:
        listing = await uow.notifications.listing(details["scheduled_event_id"])
    assert (listing["attendees_public"], listing["revision"]) == (False, 2) and listing["cancelled_at"] is not None


@pytest.mark.parametrize("begun", [True, False], ids=["once begun", "before"])
async def test_a_registrant_removed_once_the_event_began_by_the_catalogues_start_is_sent_to_its_door(platform, begun):
    sam = await platform.person("Sam Late")
    starts = datetime.now(UTC).replace(microsecond=0) + (timedelta(minutes=-20) if begun else timedelta(days=1))
    event = ev.EventPublishedV2(scheduled_event_id=uuid4(), chapter_id=None, kind="workshop", title="Suturing",
                                starts_at=starts, ends_at=starts + timedelta(hours=2), timezone="America/Chicago",
                                capacity=5, audience_stages=[], registration_deadline=starts, is_virtual=False,
                                location="Skills lab")
    registration = dict(registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, chapter_id=None,
                        person_id=sam)
    await platform.handle(handlers.event_published, event)
    await platform.handle(handlers.registration_confirmed, ev.RegistrationConfirmedV2(**registration))
    await platform.sent_to(sam)

    await platform.handle(handlers.registrant_removed, ev.RegistrantRemoved(**registration, reason=None,
                                                                            held_seat=True))

    [told] = await platform.sent_to(sam)
    assert ("If you have arrived, speak to them at the door." in " ".join(told.text.split())) is begun
    assert ("concerns@mentorship.example" in told.text) is not begun


async def test_a_booking_restated_twice_is_one_booking_with_one_reminder_waiting_for_each_side_and_no_confirmation(
        platform):
    student, host = await platform.person("Sam Booked"), await platform.person("Lee Host")
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    restated = ev.OfficeHoursBookingRestated(slot_id=uuid4(), host_id=host, person_id=student, chapter_id=None,
                                             starts_at=starts, ends_at=starts + timedelta(minutes=30),
                                             booking_id=uuid4(), is_virtual=True, location=None)
    await platform.handle(handlers.office_hours_booking_restated, restated, restated)

    assert await platform.sent_to(student) == []
    waiting = await platform.pool.fetch(
        "SELECT kind, person_id, next_attempt_at FROM notifications WHERE parameters->>'booking_id' = $1 "
        "AND status = 'pending'",
        str(restated.booking_id))
    assert sorted((w["kind"], w["person_id"]) for w in waiting) == sorted(
        [("office_hours_reminder", student), ("office_hours_reminder", host)])
    assert all(w["next_attempt_at"] == starts - timedelta(days=1) for w in waiting)
    async with platform.uow() as uow:
        assert (await uow.notifications.booking(restated.booking_id))["person_id"] == student


@pytest.mark.parametrize("both_must_accept", [False, True, None], ids=["one answer", "both answers", "not kept"])
async def test_a_programs_rule_on_answers_is_kept_and_read_a_program_defined_before_it_was_kept_reading_as_unknown(
        platform, both_must_accept):
    program = pr.ProgramDefinedV5(program_id=uuid4(), chapter_id=None, name="Into Medical School",
                                  mentee_stages=["undergraduate"], mentor_stages=["resident"],
                                  both_must_accept=bool(both_must_accept))
    await platform.handle(handlers.program_defined, program)
    if both_must_accept is None:  # as the migration leaves a program defined before it
        await platform.pool.execute("UPDATE programs SET both_must_accept = NULL WHERE program_id = $1",
                                    program.program_id)

    async with platform.uow() as uow:
        kept = await uow.notifications.program(program.program_id)
        listed = await uow.notifications.programs_of([program.program_id])
    assert kept is not None and kept["both_must_accept"] is both_must_accept
    assert listed[program.program_id]["both_must_accept"] is both_must_accept


@pytest.mark.parametrize("include", [True, False, None], ids=["high school", "no high school", "not kept"])
async def test_whether_a_programs_mentees_include_minors_is_kept_and_read_one_defined_before_it_was_kept_as_unknown(
        platform, include):
    program = pr.ProgramDefinedV5(program_id=uuid4(), chapter_id=None, name="Into Medical School",
                                  mentee_stages=["high_school", "undergraduate"] if include else ["undergraduate"],
                                  mentor_stages=["resident"], both_must_accept=True)
    await platform.handle(handlers.program_defined, program)
    if include is None:  # as the migration leaves a program defined before it
        await platform.pool.execute("UPDATE programs SET mentees_include_minors = NULL WHERE program_id = $1",
                                    program.program_id)

    async with platform.uow() as uow:
        kept = await uow.notifications.program(program.program_id)
        listed = await uow.notifications.programs_of([program.program_id])
    assert kept is not None and kept["mentees_include_minors"] is include
    assert listed[program.program_id]["mentees_include_minors"] is include
