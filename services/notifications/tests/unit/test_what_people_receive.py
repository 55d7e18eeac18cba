"""What people are told, and when: each finding of issue 13 (and the notification items of issue 10) as a sentence."""

from __future__ import annotations

import base64
import email as email_parser
import email.policy
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from icalendar import Calendar
from mentorship_contracts import events as ev
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.adapters.email import DkimSigner, SmtpMailer, fold_unstructured
from notifications.adapters.unsubscribe import UnsubscribeTokens
from notifications.domain import commands
from notifications.domain.model import Attachment, Category, Email, LinkNoLongerWorks, UnknownPerson
from notifications.domain.text import one_line
from notifications.service_layer import handlers
from notifications.service_layer.dispatch import DispatchPolicy, compose_digests, dispatch_due
from plumbing import correlation
from plumbing.calendar import CalendarEntry, Method, event_uid, to_ics
from plumbing.testing import FakeUnitOfWork

from .fakes import FakeMailer, FakeNotifications
from .samples import MAIL_FROM, renderer

POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0, access_link_grace_seconds=0)
NOW = datetime(2027, 3, 3, 17, tzinfo=UTC)  # 9:00 in Los Angeles


def new_uow() -> FakeUnitOfWork:
    uow = FakeUnitOfWork(notifications=FakeNotifications())
    uow.notifications.clock = lambda: NOW
    return uow


async def person(uow, name: str, zone: str = "America/Los_Angeles", language: str = "en", **more):
    contact = pr.ContactDetailsChangedV3(person_id=uuid4(), chapter_id=None, display_name=name,
                                         email=f"{name.split()[0].lower()}.{uuid4().hex[:6]}@example.org",
                                         timezone=zone, preferred_language=language, **more)
    await handlers.contact_details_changed(contact, uow)
    return contact.person_id


async def sent(uow, mailer=None, now=NOW) -> list[Email]:
    mailer = mailer or FakeMailer()
    uow.notifications.clock = lambda: now
    render = renderer()
    render._clock = lambda: now
    await dispatch_due(lambda: uow, render, mailer, POLICY, clock=lambda: now)
    return mailer.sent


def workshop(starts: datetime, **changes) -> ev.EventPublishedV2:
    return ev.EventPublishedV2(**{
        "scheduled_event_id": uuid4(), "chapter_id": None, "kind": "workshop", "title": "Personal statements",
        "starts_at": starts, "ends_at": starts + timedelta(hours=1), "timezone": "America/Chicago", "capacity": 2,
        "audience_stages": [], "registration_deadline": starts, "is_virtual": False,
        "location": "Student centre, room 2", **changes})


def updated(event: ev.EventPublishedV2, revision: int, changed: list[str], **changes) -> ev.EventUpdatedV3:
    values = event.model_dump(exclude={"event_id", "event_type", "schema_version", "occurred_at"})
    return ev.EventUpdatedV3(**{**values, **changes}, changed_fields=changed, revision=revision)


async def registered(uow, event, person_id, status="confirmed"):
    registration = dict(registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, chapter_id=None,
                        person_id=person_id)
    if status == "confirmed":
        await handlers.registration_confirmed(ev.RegistrationConfirmedV2(**registration), uow)
    else:
        await handlers.registration_waitlisted(ev.RegistrationWaitlistedV2(**registration, position=1), uow)
    return registration


def calendar_of(message: Email):
    [attachment] = message.attachments
    calendar = Calendar.from_ical(attachment.content)
    [entry] = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), entry


# --- changes -----------------------------------------------------------------------------------------------------

async def test_a_capacity_change_tells_nobody_and_a_new_time_tells_each_registrant_what_it_was_and_is():
    uow = new_uow()
    sam, kim = await person(uow, "Sam Okafor"), await person(uow, "Kim Park")
    event = workshop(NOW + timedelta(days=10))
    await handlers.event_published(event, uow)
    await registered(uow, event, sam)
    await registered(uow, event, kim, status="waitlisted")
    await sent(uow)

    await handlers.event_updated(updated(event, 1, ["capacity"], capacity=40), uow)
    assert await sent(uow) == []

    later = event.starts_at + timedelta(hours=2)
    await handlers.event_updated(updated(event, 2, ["starts_at", "ends_at"], starts_at=later,
                                         ends_at=later + timedelta(hours=1)), uow)
    to_sam, to_kim = sorted(await sent(uow), key=lambda m: m.to != uow.notifications.contacts[sam]["email"])
    assert to_sam.subject == to_kim.subject == "New time: Personal statements"
    assert "It now takes place Saturday, March 13, 2027, 11:00\u202fAM – 12:00\u202fPM (Pacific Standard Time); " \
           "it was Saturday, March 13, 2027, 9:00\u202fAM – 10:00\u202fAM (Pacific Standard Time)." in to_sam.text
    assert "starts_at" not in to_sam.text + to_sam.html and "capacity" not in to_sam.text
    method, entry = calendar_of(to_sam)
    assert (method, entry["SEQUENCE"], str(entry["UID"])) == ("REQUEST", 2, event_uid(event.scheduled_event_id))
    assert to_kim.attachments == (), "a place on the waitlist is not in a calendar"


# --- reminders ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("hours_ahead", "subject"), [
    (5, "Today at 2:00\u202fPM: Personal statements"),
    (29, "Tomorrow at 2:00\u202fPM: Personal statements"),
    (53, "Friday, March 5, 2027: Personal statements"),
])
async def test_a_reminder_says_today_tomorrow_or_the_day_as_the_reader_counts_days(hours_ahead, subject):
    uow = new_uow()
    sam = await person(uow, "Sam Okafor")
    event = workshop(NOW + timedelta(hours=hours_ahead))
    await handlers.event_published(event, uow)
    registration = await registered(uow, event, sam)
    await sent(uow)
    await handlers.reminder_due(ev.ReminderDueV2(**registration, starts_at=event.starts_at), uow)
    [reminder] = await sent(uow)
    assert reminder.subject == subject


@pytest.mark.parametrize(("minutes_after_start", "still_sent"), [(10, ["You're registered: Personal statements"]), (90, [])])
async def test_a_reminder_that_could_only_go_once_its_event_began_is_not_sent_nor_a_confirmation_once_it_ended(
        minutes_after_start, still_sent):
    # The SMTP server refused until then, or a coordinator sent a failed email again later.
    uow = new_uow()
    sam = await person(uow, "Sam Okafor")
    event = workshop(NOW + timedelta(hours=5))
    await handlers.event_published(event, uow)
    registration = await registered(uow, event, sam)
    await handlers.reminder_due(ev.ReminderDueV2(**registration, starts_at=event.starts_at), uow)

    late = await sent(uow, now=event.starts_at + timedelta(minutes=minutes_after_start))
    assert [m.subject for m in late] == still_sent
    assert uow.notifications.statuses()[f"event_reminder:{sam}"] == "cancelled"


async def test_an_office_hour_reminder_that_could_only_go_once_it_began_is_not_sent():
    uow = new_uow()
    student, host = await person(uow, "Sam Okafor"), await person(uow, "Lee Chen")
    starts = NOW + timedelta(days=3)
    await handlers.office_hours_booked(ev.OfficeHoursBookedV3(
        slot_id=uuid4(), host_id=host, person_id=student, chapter_id=None, starts_at=starts,
        ends_at=starts + timedelta(minutes=30), booking_id=uuid4()), uow)
    await sent(uow)  # the two confirmations
    assert await sent(uow, now=starts + timedelta(minutes=5)) == []
    assert sorted(uow.notifications.statuses().values()) == ["cancelled", "cancelled", "sent", "sent"]


# --- the overdue nudge -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cadence", "said"), [((14, 21), "every 2 to 3 weeks"), ((30, 60), "every 1 to 2 months"),
                                               ((30, 30), "every month"), ((10, 20), "every 10 to 20 days")])
async def test_the_overdue_nudge_says_the_programs_own_cadence(cadence, said):
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    program = pr.ProgramDefinedV3(program_id=uuid4(), chapter_id=None, name="Into Medical School",
                                  mentee_stages=["undergraduate"], mentor_stages=["resident"],
                                  cadence_min_days=cadence[0], cadence_max_days=cadence[1])
    await handlers.program_defined(program, uow)
    await handlers.meeting_overdue(ma.MeetingOverdueV2(pairing_id=uuid4(), program_id=program.program_id,
                                                       chapter_id=None, mentee_id=mentee, mentor_id=mentor,
                                                       last_met_at=None, days_overdue=9), uow)
    for nudge in await sent(uow):
        assert f"Into Medical School suggests meeting {said}; a short call counts." in nudge.text


async def test_the_overdue_nudge_names_the_day_they_met_wherever_the_reader_lives():
    # A meeting is a calendar day (matching keeps it as that day's midnight in UTC): in Los Angeles that midnight is
    # still the evening before, and the nudge said so.
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes", zone="Asia/Tokyo")
    await handlers.meeting_overdue(ma.MeetingOverdueV2(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None,
                                                       mentee_id=mentee, mentor_id=mentor,
                                                       last_met_at=datetime(2026, 10, 2, tzinfo=UTC),
                                                       days_overdue=9), uow)
    for nudge in await sent(uow):
        assert "You last met on October 2, 2026." in nudge.text


# --- registrations -----------------------------------------------------------------------------------------------

async def test_a_registrant_who_cancels_is_told_so_with_the_entry_taken_out_of_their_calendar_and_one_removed_too():
    uow = new_uow()
    sam, kim, lee = [await person(uow, name) for name in ("Sam Okafor", "Kim Park", "Lee Chen")]
    event = workshop(NOW + timedelta(days=3))
    await handlers.event_published(event, uow)
    seats = {p: await registered(uow, event, p) for p in (sam, kim)}
    waiting = await registered(uow, event, lee, status="waitlisted")
    await sent(uow)

    await handlers.registration_cancelled(ev.RegistrationCancelledV2(**seats[sam], cancelled_by="registrant"), uow)
    await handlers.registration_cancelled(ev.RegistrationCancelledV2(**seats[kim], cancelled_by="organiser"), uow)
    await handlers.registration_cancelled(ev.RegistrationCancelledV2(**waiting, cancelled_by="registrant"), uow)
    told = {m.to.split(".")[0]: m for m in await sent(uow)}

    assert told["sam"].subject == "Cancelled: your registration for Personal statements"
    assert told["kim"].subject == "Your registration for Personal statements was cancelled by the organisers"
    for who in ("sam", "kim"):
        method, entry = calendar_of(told[who])
        assert (method, str(entry["STATUS"]), str(entry["UID"])) == (
            "CANCEL", "CANCELLED", event_uid(event.scheduled_event_id))
    assert told["lee"].attachments == ()


async def test_those_still_waiting_when_an_event_took_place_are_told_no_place_came():
    uow = new_uow()
    sam = await person(uow, "Sam Okafor")
    event = workshop(NOW - timedelta(hours=3))
    await handlers.event_published(event, uow)
    waiting = await registered(uow, event, sam, status="waitlisted")
    await sent(uow)
    await handlers.waitlist_closed(ev.WaitlistClosed(**waiting), uow)
    await handlers.waitlist_closed(ev.WaitlistClosed(**waiting), uow)  # a repeat says nothing more
    [told] = await sent(uow)
    assert told.subject == "No place came free: Personal statements"


# --- a partner who erased their account --------------------------------------------------------------------------

@pytest.mark.parametrize("erasure_first", [True, False])
async def test_a_mentor_is_told_their_mentorship_ended_when_the_mentee_erased_their_account_without_naming_them(
        erasure_first):
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    ended = ma.PairingEndedV2(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee,
                              mentor_id=mentor, ended_by="mentee", reason_code="person_erased")
    erased = pr.PersonErasedV2(person_id=mentee)
    for event in ((erased, ended) if erasure_first else (ended, erased)):
        await (handlers.person_erased if event is erased else handlers.pairing_ended)(event, uow)
    [told] = await sent(uow)
    assert told.to == uow.notifications.contacts[mentor]["email"]
    assert told.subject == "Your mentorship in your program has ended"
    assert "Your mentee has left the platform" in told.text and "Sam" not in told.text + told.html
    assert str(mentee) not in str([r["n"].parameters for r in uow.notifications.rows.values()])


# --- office hours ------------------------------------------------------------------------------------------------

async def test_an_office_hour_booked_is_confirmed_to_both_reminded_a_day_before_and_a_cancellation_tells_both():
    uow, mailer = new_uow(), FakeMailer()
    student, host = await person(uow, "Sam Okafor"), await person(uow, "Lee Chen", zone="America/Chicago")
    starts = NOW + timedelta(days=3)
    booking = dict(slot_id=uuid4(), host_id=host, person_id=student, chapter_id=None, starts_at=starts,
                   ends_at=starts + timedelta(minutes=30), booking_id=uuid4(), is_virtual=False,
                   location="Clinical sciences building, office 310")
    await handlers.office_hours_booked(ev.OfficeHoursBookedV3(**booking), uow)
    confirmations = await sent(uow, mailer)
    assert sorted(m.subject for m in confirmations) == ["Office hour booked with Lee Chen",
                                                        "Sam Okafor booked your office hour"]
    assert {calendar_of(m)[0] for m in confirmations} == {"REQUEST"}
    assert await sent(uow, mailer, now=starts - timedelta(hours=25)) == confirmations, "no reminder yet"
    reminders = (await sent(uow, mailer, now=starts - timedelta(hours=23)))[2:]
    assert sorted(m.subject for m in reminders) == ["Tomorrow at 11:00\u202fAM: office hour with Sam Okafor",
                                                    "Tomorrow at 9:00\u202fAM: office hour with Lee Chen"]

    await handlers.office_hours_booking_cancelled(ev.OfficeHoursBookingCancelledV3(
        **booking, cancelled_by="participant", reason_code="cancelled"), uow)
    cancellations = (await sent(uow, mailer, now=starts - timedelta(hours=23)))[4:]
    assert sorted(m.subject for m in cancellations) == ["Cancelled: your office hour with Lee Chen",
                                                        "Cancelled: your office hour with Sam Okafor"]
    assert {calendar_of(m)[0] for m in cancellations} == {"CANCEL"}


async def test_a_reminder_of_an_office_hour_cancelled_since_is_not_sent():
    uow = new_uow()
    student, host = await person(uow, "Sam Okafor"), await person(uow, "Lee Chen")
    starts = NOW + timedelta(days=3)
    booking = dict(slot_id=uuid4(), host_id=host, person_id=student, chapter_id=None, starts_at=starts,
                   ends_at=starts + timedelta(minutes=30), booking_id=uuid4())
    await handlers.office_hours_booked(ev.OfficeHoursBookedV3(**booking), uow)
    await handlers.office_hours_booking_cancelled(ev.OfficeHoursBookingCancelledV3(
        **booking, cancelled_by="host", reason_code="slot_withdrawn"), uow)
    sent_then = await sent(uow, now=starts - timedelta(hours=1))
    assert sorted(m.subject for m in sent_then) == ["Cancelled: your office hour with Lee Chen",
                                                    "Cancelled: your office hour with Sam Okafor"]
    assert sorted(uow.notifications.statuses().values()).count("cancelled") == 4  # two confirmations, two reminders


# --- unsubscribing and preferences (issue 10) --------------------------------------------------------------------

async def test_reading_an_unsubscribe_link_changes_nothing_posting_it_unsubscribes_and_an_erased_readers_link_dies():
    uow = new_uow()
    sam = await person(uow, "Sam Okafor")
    await handlers.meeting_overdue(ma.MeetingOverdueV2(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None,
                                                       mentee_id=sam, mentor_id=await person(uow, "Ana Reyes"),
                                                       last_met_at=None, days_overdue=3), uow)
    [nudge] = [r["n"] for r in uow.notifications.rows.values() if r["n"].person_id == sam]
    tokens = UnsubscribeTokens("s" * 32)
    link = tokens.verify(tokens.issue(nudge.id))
    command = commands.Unsubscribe(link.notification_id)

    assert await handlers.unsubscribing(command, uow) == (sam, Category.MENTORSHIP_NUDGES)
    assert uow.notifications.prefs == {}
    await handlers.unsubscribe(command, uow)
    assert uow.notifications.prefs[sam].opted_out == {Category.MENTORSHIP_NUDGES}
    await handlers.person_erased(pr.PersonErasedV2(person_id=sam), uow)
    with pytest.raises(LinkNoLongerWorks) as refused:
        await handlers.unsubscribe(command, uow)
    assert (refused.value.status, refused.value.code) == (404, "link_expired")


async def test_the_preferences_of_someone_notifications_never_heard_of_are_not_found():
    with pytest.raises(UnknownPerson) as refused:
        await handlers.change_preferences(commands.ChangePreferences(uuid4(), daily_digest=True), new_uow())
    assert (refused.value.status, refused.value.code, refused.value.field) == (404, "person_not_found", "person_id")


# --- headers (issue 10, finding 9; issue 13, leading spaces) -----------------------------------------------------

async def test_a_line_break_in_a_name_cannot_break_or_add_a_header_of_the_partners_email():
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor")
    mentor = await person(uow, "Eve\r\nBcc: attacker@evil.example\r\nX-Injected: 1", bio_for_partner="Line one\r\n\x00two")
    await handlers.pairing_confirmed(ma.PairingConfirmedV3(
        pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor, score=80,
        term_ends_at=NOW + timedelta(days=365)), uow)
    mailer = SmtpMailer("127.0.0.1", 25, MAIL_FROM)
    messages = await sent(uow)
    assert sorted(m.subject for m in messages) == ["You have been paired with Eve Bcc: attacker@evil.example X-Injected: 1",
                                                   "You have been paired with Sam Okafor"]
    for message in messages:
        raw = mailer.as_bytes(message)
        parsed = email_parser.message_from_bytes(raw, policy=email.policy.default)
        headers = raw.split(b"\r\n\r\n")[0].decode()
        assert "Bcc" not in parsed and "X-Injected" not in parsed and "\nBcc:" not in headers
        assert all("\r" not in str(value) and "\n" not in str(value) for value in parsed.values())
    assert uow.notifications.contacts[mentor]["display_name"] == "Eve Bcc: attacker@evil.example X-Injected: 1"
    assert uow.notifications.contacts[mentor]["bio_for_partner"] == "Line one\ntwo"


async def test_an_address_that_cannot_be_written_in_a_header_fails_at_once_without_retries():
    uow, mailer = new_uow(), FakeMailer()
    contact = pr.ContactDetailsChangedV3(person_id=uuid4(), chapter_id=None, display_name="Sam",
                                         email="sam@example.org\r\nBcc: attacker@evil.example")
    await handlers.contact_details_changed(contact, uow)
    await handlers.person_registered(pr.PersonRegisteredV2(person_id=contact.person_id, chapter_id=None,
                                                           stage="undergraduate"), uow)
    await sent(uow, mailer)
    assert mailer.sent == [] and list(uow.notifications.statuses().values()) == ["failed"]
    assert [e.event_type for e in uow.published] == ["notifications.notification_failed"]


@pytest.mark.parametrize("length", range(1, 240, 7))
def test_a_subject_of_any_length_reads_back_the_same_with_no_leading_space(length):
    for subject in ("You're registered: " + "x" * length, "Inscripción confirmada: " + "ñé " * length,
                    "word " * length):
        subject = subject[:250].strip()
        message = Email(to="sam@example.org", subject=subject, text="t", html="<p>t</p>", message_id="<m@x>")
        raw = SmtpMailer("127.0.0.1", 25, MAIL_FROM).as_bytes(message)
        assert str(email_parser.message_from_bytes(raw, policy=email.policy.default)["Subject"]) == subject
        assert b"Subject:\r\n" not in raw and b"Subject: \r\n" not in raw
        assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert fold_unstructured("Subject", "a b").startswith("Subject: a b")


def test_a_message_is_dkim_signed_over_its_unsubscribe_headers_when_a_key_is_configured():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    mailer = SmtpMailer("127.0.0.1", 25, MAIL_FROM, sign=DkimSigner(pem, "mentorship", "mentorship.example"))
    raw = mailer.as_bytes(Email(to="sam@example.org", subject="Time to catch up with Ana Reyes?", text="t",
                                html="<p>t</p>", message_id="<m@x>",
                                unsubscribe_url="https://notify.mentorship.example/v1/unsubscribe?token=t"))
    def dns(name, timeout=5):
        assert name == b"mentorship._domainkey.mentorship.example."
        return b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    assert raw.startswith(b"DKIM-Signature:") and dkim.verify(raw, dnsfunc=dns)
    signed = raw.split(b"h=")[1].split(b";")[0].replace(b"\r\n", b"").replace(b" ", b"")
    assert {b"list-unsubscribe", b"list-unsubscribe-post", b"from", b"subject"} <= set(signed.split(b":"))


# --- the digest, with a clock the test turns ---------------------------------------------------------------------

async def test_a_daily_digest_gathers_the_days_items_into_one_email_and_todays_wait_for_tomorrows():
    uow, mailer = new_uow(), FakeMailer()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    await handlers.change_preferences(commands.ChangePreferences(mentee, daily_digest=True), uow)
    pair = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor)
    day = datetime(2027, 3, 2, tzinfo=UTC)
    for hour, event in ((9, ma.MeetingOverdueV2(**pair, last_met_at=None, days_overdue=3)),
                        (15, ma.RenewalDueV2(**pair, term_ends_at=day + timedelta(days=30))),
                        (23, ma.MeetingOverdueV2(**pair, last_met_at=None, days_overdue=4))):
        uow.notifications.clock = lambda hour=hour: day + timedelta(hours=hour)
        await (handlers.meeting_overdue if isinstance(event, ma.MeetingOverdue) else handlers.renewal_due)(event, uow)
        await sent(uow, mailer, now=day + timedelta(hours=hour))
    assert not [m for m in mailer.sent if m.to == uow.notifications.contacts[mentee]["email"]]
    uow.notifications.clock = lambda: day + timedelta(days=1, hours=1)
    await handlers.meeting_overdue(ma.MeetingOverdueV2(**pair, last_met_at=None, days_overdue=5), uow)
    await sent(uow, mailer, now=day + timedelta(days=1, hours=1))

    assert await compose_digests(uow, POLICY, day + timedelta(days=1, hours=1)) == 1
    digests = [m for m in await sent(uow, mailer, now=day + timedelta(days=1, hours=1)) if "digest" in m.subject]
    [digest] = digests
    assert digest.subject == "Your daily digest: 3 updates"
    assert "Mar 2, 2027, 1:00\u202fAM: Time to catch up with Ana Reyes?" in digest.text  # 9:00 UTC in Los Angeles
    assert digest.text.count("Time to catch up with Ana Reyes?") == 2
    assert await compose_digests(uow, POLICY, day + timedelta(days=1, hours=2)) == 0, "today's item waits"


async def test_an_update_still_unsent_when_its_event_is_cancelled_goes_unsent_and_the_cancellation_ends_the_entry():
    uow = new_uow()
    sam = await person(uow, "Sam Okafor")
    event = workshop(NOW + timedelta(days=3))
    await handlers.event_published(event, uow)
    await registered(uow, event, sam)
    await sent(uow)
    await handlers.event_updated(updated(event, 1, ["location"], location="Room 4"), uow)
    await handlers.event_cancelled(ev.EventCancelledV3(scheduled_event_id=event.scheduled_event_id, chapter_id=None,
                                                       reason_code="room_closed", revision=2), uow)
    [told] = await sent(uow)
    assert told.subject == "Cancelled: Personal statements"
    method, entry = calendar_of(told)
    assert (method, entry["SEQUENCE"]) == ("CANCEL", 2)


async def test_a_cancellation_read_before_the_events_own_still_outranks_every_copy_the_registrant_holds():
    # The registrant's cancellation (events.registrations) can be read before EventCancelled (events.catalogue).
    uow = new_uow()
    sam = await person(uow, "Sam Okafor")
    event = workshop(NOW + timedelta(days=3))
    await handlers.event_published(event, uow)
    seat = await registered(uow, event, sam)
    await handlers.event_updated(updated(event, 1, ["location"], location="Room 4"), uow)
    await sent(uow)
    await handlers.registration_cancelled(ev.RegistrationCancelledV2(**seat, cancelled_by="organiser"), uow)
    [told] = await sent(uow)
    method, entry = calendar_of(told)
    assert (method, entry["SEQUENCE"]) == ("CANCEL", 2), "one past the update's copy (SEQUENCE 1) it must replace"


async def test_a_delivery_carries_the_correlation_id_of_the_action_its_notification_answers():
    uow = new_uow()
    sam = await person(uow, "Sam Okafor")
    token = correlation.use("sign-up-42")
    try:
        await handlers.person_registered(pr.PersonRegisteredV2(person_id=sam, chapter_id=None, stage="undergraduate"),
                                         uow)
    finally:
        correlation.reset(token)
    await sent(uow)
    assert [(e.event_type, e.schema_version, e.correlation_id) for e in uow.published] == [
        ("notifications.notification_sent", 2, "sign-up-42")]


@pytest.mark.parametrize("name", ["Sam O'Neil \"Sammy\" (she/her)", "José Núñez " * 9, "", "=?utf-8?q?x?="])
def test_a_message_reads_back_as_written_names_bodies_and_calendar_entry_included(name):
    ics = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Feria de carreras \xc3\xb1\r\nEND:VCALENDAR\r\n"
    text = "Hola ñ,\n\n" + "a line long enough to be folded by quoted-printable " * 4 + "\nends with spaces  \n"
    message = Email(to="sam@example.org", to_name=name, subject="Inscripción confirmada: " + "ñé " * 30,
                    text=text, html="<p>Hola ñ = 1</p>\n", message_id="<m@x>", language="es",
                    unsubscribe_url="https://notify.mentorship.example/v1/unsubscribe?token=" + "t" * 120,
                    attachments=(Attachment("event.ics", "text/calendar; method=REQUEST", ics),))
    raw = SmtpMailer("127.0.0.1", 25, MAIL_FROM).as_bytes(message)
    parsed = email_parser.message_from_bytes(raw, policy=email.policy.default)
    assert all(not part.defects for part in parsed.walk())
    assert parsed["To"].addresses[0].display_name == (one_line(name, 100) or "")
    assert parsed["To"].addresses[0].addr_spec == "sam@example.org"
    assert str(parsed["Subject"]) == one_line(message.subject) and parsed["Content-Language"] == "es"
    assert parsed["List-Unsubscribe"] == f"<{message.unsubscribe_url}>"
    assert parsed.get_body(("plain",)).get_content() == text.replace("\n", "\r\n")
    assert parsed.get_body(("html",)).get_content() == "<p>Hola ñ = 1</p>\r\n"
    [attachment] = parsed.iter_attachments()
    assert attachment.get_filename() == "event.ics" and attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST" and attachment.get_content() == ics.decode()
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


@pytest.mark.parametrize("address", ["sam@example.org", "a.long.address.folded.over.two.lines." * 2 + "x@example.org"])
def test_a_calendar_entry_built_once_for_many_readers_reads_as_if_built_for_each(address):
    entry = CalendarEntry(uid=event_uid(uuid4()), starts_at=NOW, ends_at=NOW + timedelta(hours=2), summary="Feria ñ",
                          timezone="America/Chicago", location="Hall B", sequence=2,
                          organizer="no-reply@mentorship.example", attendee=address)
    for method in (Method.REQUEST, Method.CANCEL):
        alone = Calendar.from_ical(to_ics([entry], method=method)).walk("VEVENT")[0]
        raw = renderer()._calendar(entry, method)
        [shared] = Calendar.from_ical(raw).walk("VEVENT")
        assert {k: (str(v), dict(v.params)) for k, v in shared.items() if k != "DTSTAMP"} == {
            k: (str(v), dict(v.params)) for k, v in alone.items() if k != "DTSTAMP"}
        assert all(len(line) <= 75 for line in raw.split(b"\r\n"))


async def test_a_mentorship_a_coordinator_ended_is_told_to_both_as_ended_by_the_program_not_by_the_other():
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    await handlers.pairing_ended(ma.PairingEndedV3(
        pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor, ended_by=None,
        ended_by_program=True, reason_code="coordinator_decision"), uow)
    told = await sent(uow)
    assert len(told) == 2
    for message in told:
        assert "Your program's coordinator ended your mentorship" in message.text
        assert "ended your mentorship in" not in message.text.replace("coordinator ended your mentorship", "")
