"""What people are told, and when: each finding of issue 13 (and the notification items of issue 10) as a sentence."""

from __future__ import annotations

import base64
import email as email_parser
import email.policy
import re
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from icalendar import Calendar
from mentorship_contracts import events as ev
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.adapters.email import DkimSigner, SmtpMailer, fold_unstructured
from notifications.adapters.i18n import Reader, zone_of
from notifications.adapters.links import Links
from notifications.adapters.messages import compose, inbox_composer
from notifications.adapters.unsubscribe import UnsubscribeTokens
from notifications.domain import commands
from notifications.domain.model import Attachment, Category, Email, LinkNoLongerWorks, NotInInbox, UnknownPerson
from notifications.domain.text import one_line
from notifications.service_layer import handlers, views
from notifications.service_layer.dispatch import DispatchPolicy, compose_digests, dispatch_due
from plumbing import correlation
from plumbing.calendar import CalendarEntry, Method, booking_uid, event_uid, to_ics
from plumbing.testing import FakeUnitOfWork

from .fakes import FakeMailer, FakeNotifications
from .samples import MAIL_FROM, WEB, renderer

POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0, access_link_grace_seconds=0, welcome_grace_seconds=0)
NOW = datetime(2027, 3, 3, 17, tzinfo=UTC)  # 9:00 in Los Angeles


def listed(notification, subject, context) -> str:
    """An inbox item's subject in the inbox list."""
    return inbox_composer(Links(WEB), clock=lambda: NOW)(notification, subject, context).subject


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
    # An in-person event's times, where it takes place (Chicago), as its page says them.
    assert "It now takes place Saturday, March 13, 2027, 1:00\u202fPM – 2:00\u202fPM (Central Standard Time); " \
           "it was Saturday, March 13, 2027, 11:00\u202fAM – 12:00\u202fPM (Central Standard Time)." in to_sam.text
    assert "starts_at" not in to_sam.text + to_sam.html and "capacity" not in to_sam.text
    method, entry = calendar_of(to_sam)
    assert (method, entry["SEQUENCE"], str(entry["UID"])) == ("REQUEST", 2, event_uid(event.scheduled_event_id))
    assert to_kim.attachments == (), "a place on the waitlist is not in a calendar"


# What a change to an event says first to one on its waitlist.
CHANGED_FOR_THE_WAITLIST = {"en": "Personal statements, the event you are on the waitlist for, has changed.",
                            "es": "Cambió Personal statements, el evento en cuya lista de espera estás."}


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_change_to_an_event_tells_one_on_its_waitlist_they_wait_there_not_that_they_hold_a_place(language):
    uow = new_uow()
    sam, kim = await person(uow, "Sam Okafor", language=language), await person(uow, "Kim Park", language=language)
    event = workshop(NOW + timedelta(days=10))
    await handlers.event_published(event, uow)
    await registered(uow, event, sam)
    await registered(uow, event, kim, status="waitlisted")
    await sent(uow)

    later = event.starts_at + timedelta(hours=2)
    await handlers.event_updated(updated(event, 1, ["starts_at", "ends_at"], starts_at=later,
                                         ends_at=later + timedelta(hours=1)), uow)

    told = {m.to: " ".join(m.text.split()) for m in await sent(uow)}
    to_sam, to_kim = (told[uow.notifications.contacts[someone]["email"]] for someone in (sam, kim))
    assert CHANGED_FOR_THE_WAITLIST[language] in to_kim and CHANGED_FOR_THE_WAITLIST[language] not in to_sam, to_kim
    assert not re.search(r"registered for|te inscribiste", to_kim), to_kim


# --- reminders ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("hours_ahead", "subject"), [
    (5, "Today at 4:00\u202fPM: Personal statements"),
    (29, "Tomorrow at 4:00\u202fPM: Personal statements"),
    (53, "Friday, March 5, 2027: Personal statements"),
])
async def test_a_reminder_says_today_tomorrow_or_the_day_as_the_reader_counts_days(hours_ahead, subject):
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", zone="America/Chicago")  # where the event takes place
    event = workshop(NOW + timedelta(hours=hours_ahead))
    await handlers.event_published(event, uow)
    registration = await registered(uow, event, sam)
    await sent(uow)
    await handlers.reminder_due(ev.ReminderDueV2(**registration, starts_at=event.starts_at), uow)
    [reminder] = await sent(uow)
    assert reminder.subject == subject


@pytest.mark.parametrize(("is_virtual", "subject"), [
    (False, "Today at 4:00\u202fPM (Central Standard Time): Personal statements"),
    (True, "Today at 2:00\u202fPM: Personal statements")])
async def test_a_reminder_gives_an_in_person_events_time_where_it_takes_place_and_an_online_ones_the_readers(
        is_virtual, subject):
    # Read in Los Angeles, an in-person afternoon in Chicago said 2:00 PM while its page said 4:00 PM CST.
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", zone="America/Los_Angeles")
    event = workshop(NOW + timedelta(hours=5), is_virtual=is_virtual, location=None if is_virtual else "Room 2")
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
    program = pr.ProgramDefinedV5(members_public=True, program_id=uuid4(), chapter_id=None, name="Into Medical School",
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
    assert told["kim"].subject == "Your registration for Personal statements was cancelled by the organizers"
    for who in ("sam", "kim"):
        method, entry = calendar_of(told[who])
        assert (method, str(entry["STATUS"]), str(entry["UID"])) == (
            "CANCEL", "CANCELLED", event_uid(event.scheduled_event_id))
    assert told["lee"].attachments == ()


async def waiting_for(starts, language: str = "en"):
    """A unit of work where Sam, reading `language`, waits on the waitlist of a workshop starting at `starts` (told so
    already); and Sam's registration."""
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", language=language)
    event = workshop(starts)
    await handlers.event_published(event, uow)
    waiting = await registered(uow, event, sam, status="waitlisted")
    await sent(uow)
    return uow, waiting


async def test_those_still_waiting_when_an_event_took_place_are_told_they_did_not_get_a_seat():
    uow, waiting = await waiting_for(NOW - timedelta(hours=3))
    await handlers.waitlist_closed(ev.WaitlistClosed(**waiting), uow)
    await handlers.waitlist_closed(ev.WaitlistClosed(**waiting), uow)  # a repeat says nothing more
    [told] = await sent(uow)
    assert told.subject == "You did not get a seat: Personal statements"


async def test_a_seat_given_at_the_door_once_the_event_began_is_said_so_not_as_a_place_that_freed_up():
    # Seated and checked in at the door, a student read "A place freed up, and it is yours. The calendar entry is
    # attached", as if promoted at home before it began.
    uow, waiting = await waiting_for(NOW - timedelta(minutes=20))
    await handlers.registration_promoted(ev.RegistrationPromotedV2(**waiting, occurred_at=NOW - timedelta(minutes=5)),
                                         uow)
    [told] = await sent(uow)
    assert told.subject == "You have a seat: Personal statements"
    assert "The organizers of Personal statements gave you a seat at the door, and checked you in." in told.text
    assert "freed up" not in told.text


@pytest.mark.parametrize(("language", "said", "unsaid"), [
    ("en", "You did not get a seat at Personal statements: you were still on its waitlist, which is now closed.",
     "taken place"),
    ("es", "No obtuviste un lugar en Personal statements: seguías en su lista de espera, que ya está cerrada.",
     "ya se realizó"),
])
async def test_those_still_waiting_when_an_event_is_marked_held_while_it_runs_are_not_told_it_is_over(
        language, said, unsaid):
    # A coordinator may mark an event held once it has begun, before it ends.
    uow, waiting = await waiting_for(NOW - timedelta(minutes=30), language)
    await handlers.waitlist_closed(ev.WaitlistClosed(**waiting), uow)
    [told] = await sent(uow)
    assert said in " ".join(told.text.split()) and unsaid not in told.text


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
    assert told.subject == "Your mentorship has ended"
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
    assert sorted(m.subject for m in confirmations) == [
        "Office hour booked with Lee Chen on Saturday, March 6, 2027 at 9:00\u202fAM",
        "Sam Okafor booked your office hour on Saturday, March 6, 2027 at 11:00\u202fAM"]
    assert {calendar_of(m)[0] for m in confirmations} == {"REQUEST"}
    assert await sent(uow, mailer, now=starts - timedelta(hours=25)) == confirmations, "no reminder yet"
    reminders = (await sent(uow, mailer, now=starts - timedelta(hours=23)))[2:]
    assert sorted(m.subject for m in reminders) == ["Tomorrow at 11:00\u202fAM: office hour with Sam Okafor",
                                                    "Tomorrow at 9:00\u202fAM: office hour with Lee Chen"]

    await handlers.office_hours_booking_cancelled(ev.OfficeHoursBookingCancelledV3(
        **booking, cancelled_by="participant", reason_code="cancelled"), uow)
    cancellations = (await sent(uow, mailer, now=starts - timedelta(hours=23)))[4:]
    # Who cancelled is told it as their own doing; the other, that it is cancelled.
    assert sorted(m.subject for m in cancellations) == [
        "Cancelled: your office hour with Sam Okafor on Saturday, March 6, 2027 at 11:00\u202fAM",
        "You cancelled your office hour with Lee Chen on Saturday, March 6, 2027 at 9:00\u202fAM"]
    assert {calendar_of(m)[0] for m in cancellations} == {"CANCEL"}


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_link_to_join_given_after_booking_tells_the_participant_where_to_find_it_and_a_change_says_so(language):
    uow, mailer = new_uow(), FakeMailer()
    student = await person(uow, "Sam Okafor", language=language)
    host = await person(uow, "Lee Chen", zone="America/Chicago")
    booking = online_office_hour(student, host)
    await handlers.office_hours_booked(ev.OfficeHoursBookedV3(**booking, is_virtual=True), uow)
    booked = len(await sent(uow, mailer))

    for replaces_earlier in (False, True):
        await handlers.office_hours_link_given(ev.OfficeHoursLinkGiven(**booking, replaces_earlier=replaces_earlier),
                                               uow)
    given, changed = (await sent(uow, mailer))[booked:]

    said = {"en": (("The link to join your office hour with Lee Chen",
                    "Lee Chen gave the link to join your office hour on", "You will find it on your booking"),
                   ("New link to join your office hour with Lee Chen",
                    "Lee Chen changed the link to join your office hour on", "the link given before no longer works")),
            "es": (("El enlace para tu hora de orientación con Lee Chen",
                    "Lee Chen compartió el enlace para unirte a tu hora de orientación del", "Lo encontrarás en tu reserva"),
                   ("Nuevo enlace para tu hora de orientación con Lee Chen",
                    "Lee Chen cambió el enlace para unirte a tu hora de orientación del",
                    "el enlace anterior ya no funciona"))}[language]
    for message, words in zip((given, changed), said, strict=True):
        text = " ".join((message.subject + " " + message.text).split())
        assert message.to == uow.notifications.contacts[student]["email"] and all(w in text for w in words), text
        assert f"/office-hours/{booking['slot_id']}" in message.text  # the booking, where the link is


async def test_a_link_given_to_a_booking_cancelled_since_or_over_tells_nobody():
    uow = new_uow()
    student, host = await person(uow, "Sam Okafor"), await person(uow, "Lee Chen")
    booking = online_office_hour(student, host)
    await handlers.office_hours_booked(ev.OfficeHoursBookedV3(**booking), uow)
    await handlers.office_hours_link_given(ev.OfficeHoursLinkGiven(**booking, replaces_earlier=False), uow)
    await handlers.office_hours_booking_cancelled(ev.OfficeHoursBookingCancelledV3(
        **booking, cancelled_by="participant", reason_code="cancelled"), uow)
    over = dict(booking, booking_id=uuid4(), starts_at=NOW - timedelta(hours=1), ends_at=NOW - timedelta(minutes=30))
    await handlers.office_hours_link_given(ev.OfficeHoursLinkGiven(**over, replaces_earlier=False), uow)

    assert not [m for m in await sent(uow) if "link" in m.subject.lower()]


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
    assert sorted(m.subject for m in sent_then) == [
        "Cancelled: your office hour with Lee Chen on Saturday, March 6, 2027 at 9:00\u202fAM",
        "You withdrew your office hour with Sam Okafor on Saturday, March 6, 2027 at 9:00\u202fAM"]
    assert sorted(uow.notifications.statuses().values()).count("cancelled") == 4  # two confirmations, two reminders


@pytest.mark.parametrize("cancelled_by", ["host", "participant"])
async def test_the_reminders_of_an_office_hour_cancelled_are_cancelled_at_once_not_left_waiting_to_go(cancelled_by):
    """The console lists what waits to go: a reminder of a booking withdrawn is not among it until its day."""
    uow = new_uow()
    student, host = await person(uow, "Sam Okafor"), await person(uow, "Lee Chen")
    starts = NOW + timedelta(days=3)
    booking = dict(slot_id=uuid4(), host_id=host, person_id=student, chapter_id=None, starts_at=starts,
                   ends_at=starts + timedelta(minutes=30), booking_id=uuid4())
    await handlers.office_hours_booked(ev.OfficeHoursBookedV3(**booking), uow)
    await sent(uow)
    await handlers.office_hours_booking_cancelled(ev.OfficeHoursBookingCancelledV3(
        **booking, cancelled_by=cancelled_by,
        reason_code="slot_withdrawn" if cancelled_by == "host" else "cancelled"), uow)

    reminders = await views.delivery_log(uow, None, None, 50)
    assert {d["status"] for d in reminders if d["kind"] == "office_hours_reminder"} == {"cancelled"}
    assert await views.delivery_log(uow, None, "pending", 50) != [], "its cancellations are still to go"


@pytest.mark.parametrize(("language", "said"), [
    ("en", "The calendar entry attached removes the office hour from your calendar."),
    ("es", "La entrada de calendario adjunta quita la hora de orientación de tu calendario.")])
async def test_an_office_hours_cancellation_says_its_calendar_entry_removes_the_office_hour(language, said):
    """Not the sentence of an event's ("lo quita": an office hour is "la hora de orientación")."""
    uow = new_uow()
    student, host = await person(uow, "Sam Okafor", language=language), await person(uow, "Lee Chen")
    starts = NOW + timedelta(days=3)
    booking = dict(slot_id=uuid4(), host_id=host, person_id=student, chapter_id=None, starts_at=starts,
                   ends_at=starts + timedelta(minutes=30), booking_id=uuid4())
    await handlers.office_hours_booked(ev.OfficeHoursBookedV3(**booking), uow)
    await sent(uow)
    await handlers.office_hours_booking_cancelled(ev.OfficeHoursBookingCancelledV3(
        **booking, cancelled_by="host", reason_code="slot_withdrawn"), uow)

    [to_student] = [m for m in await sent(uow) if m.to == uow.notifications.contacts[student]["email"]]
    assert said in to_student.text and "lo quita" not in to_student.text


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

async def test_a_sender_given_as_an_address_alone_is_named_after_the_platform_in_each_readers_language():
    # Every email came from "Mentorship Platform", to readers in Spanish of "Mentoría en medicina".
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor", language="es")
    mentor = await person(uow, "Ana Reyes")
    await handlers.pairing_confirmed(ma.PairingConfirmedV3(
        pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor, score=80,
        term_ends_at=NOW + timedelta(days=365)), uow)
    messages = await sent(uow)
    bare, named = SmtpMailer("127.0.0.1", 25, "no-reply@mentorship.example"), SmtpMailer("127.0.0.1", 25, MAIL_FROM)
    senders = {m.language: email_parser.message_from_bytes(bare.as_bytes(m), policy=email.policy.default)["From"]
               for m in messages}
    assert senders == {"es": "Mentoría en medicina <no-reply@mentorship.example>",
                       "en": "Mentorship in medicine <no-reply@mentorship.example>"}
    assert {email_parser.message_from_bytes(named.as_bytes(m), policy=email.policy.default)["From"]
            for m in messages} == {MAIL_FROM}, "a name given is every message's"


async def test_a_line_break_in_a_name_cannot_break_or_add_a_header_of_the_partners_email():
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor")
    mentor = await person(uow, "Eve\r\nBcc: attacker@evil.example\r\nX-Injected: 1", bio_for_partner="Line one\r\n\x00two")
    await handlers.pairing_confirmed(ma.PairingConfirmedV3(
        pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor, score=80,
        term_ends_at=NOW + timedelta(days=365)), uow)
    mailer = SmtpMailer("127.0.0.1", 25, MAIL_FROM)
    messages = await sent(uow)
    assert sorted(m.subject for m in messages) == ["Your new mentee: Sam Okafor",
                                                   "Your new mentor: Eve Bcc: attacker@evil.example X-Injected: 1"]
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
    assert "Mar 2, 2027, 1:00\u202fAM (Pacific Standard Time): Time to catch up with Ana Reyes?" in digest.text  # 9:00 UTC
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


def cancelled(event: ev.EventPublishedV2, note: str | None, revision: int = 1) -> ev.EventCancelledV4:
    return ev.EventCancelledV4(scheduled_event_id=event.scheduled_event_id, chapter_id=None,
                               reason_code="organiser_cancelled", revision=revision, note=note)


async def test_each_registrant_of_a_cancelled_event_is_quoted_the_organisers_note_in_their_own_language_around_it():
    uow = new_uow()
    sam, ana = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes", language="es")
    kim = await person(uow, "Kim Park")
    event = workshop(NOW + timedelta(days=3))
    await handlers.event_published(event, uow)
    await registered(uow, event, sam)
    await registered(uow, event, ana)
    await registered(uow, event, kim, status="waitlisted")
    await sent(uow)

    await handlers.event_cancelled(cancelled(event, "Our speaker is ill.\nWe will run it again on 3 April."), uow)

    by_reader = {m.to: m for m in await sent(uow)}
    contacts = uow.notifications.contacts
    note = "Our speaker is ill.\nWe will run it again on 3 April."
    assert f"The organizers' message: {note}" in by_reader[contacts[sam]["email"]].text
    assert f"The organizers' message: {note}" in by_reader[contacts[kim]["email"]].text, "the waitlist's too"
    assert f"El mensaje de la organización: {note}" in by_reader[contacts[ana]["email"]].text
    # The inbox keeps it as the email said it.
    items, _ = await views.inbox(uow, sam, False, 10, POLICY, NOW, listed)
    [item] = [i for i in items if i["kind"] == "event_cancelled"]
    opened = await views.inbox_message(uow, sam, item["id"], POLICY, NOW, inbox_composer(Links(WEB), clock=lambda: NOW))
    assert f"The organizers' message: {note}" in opened.paragraphs


async def test_an_event_cancelled_without_a_note_says_no_message_of_the_organisers():
    uow = new_uow()
    sam = await person(uow, "Sam Okafor")
    event = workshop(NOW + timedelta(days=3))
    await handlers.event_published(event, uow)
    await registered(uow, event, sam)
    await sent(uow)

    await handlers.event_cancelled(cancelled(event, None), uow)

    [told] = await sent(uow)
    assert told.subject == "Cancelled: Personal statements" and "organizers' message" not in told.text


async def test_a_registrants_cancellation_read_before_the_events_own_waits_for_it_to_quote_the_organisers_note():
    # The registrant's cancellation (events.registrations) can be read before EventCancelled (events.catalogue),
    # which alone brings the note; it waits a little for it, then goes without.
    uow, waiting = new_uow(), DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0,
                                             access_link_grace_seconds=0, cancellation_grace_seconds=10)
    sam, kim = await person(uow, "Sam Okafor"), await person(uow, "Kim Park")
    event = workshop(NOW + timedelta(days=3))
    await handlers.event_published(event, uow)
    seats = [await registered(uow, event, someone) for someone in (sam, kim)]
    await sent(uow)

    for seat in seats:
        await handlers.registration_cancelled(ev.RegistrationCancelledV3(**seat, cancelled_by="event_cancelled"), uow)
    mailer = FakeMailer()
    await dispatch_due(lambda: uow, renderer(), mailer, waiting, clock=lambda: NOW)
    assert mailer.sent == []
    await handlers.event_cancelled(cancelled(event, "The building is closed by the snow."), uow)
    await dispatch_due(lambda: uow, renderer(), mailer, waiting, clock=lambda: NOW)

    assert len(mailer.sent) == 2
    assert all("The organizers' message: The building is closed by the snow." in m.text for m in mailer.sent)


async def test_a_registrants_cancellation_goes_without_the_note_once_the_events_own_is_late():
    uow, waiting = new_uow(), DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0,
                                             access_link_grace_seconds=0, cancellation_grace_seconds=10)
    sam = await person(uow, "Sam Okafor")
    event = workshop(NOW + timedelta(days=3))
    await handlers.event_published(event, uow)
    seat = await registered(uow, event, sam)
    await sent(uow)

    await handlers.registration_cancelled(ev.RegistrationCancelledV3(**seat, cancelled_by="event_cancelled"), uow)
    mailer, later = FakeMailer(), NOW + timedelta(seconds=11)
    uow.notifications.clock = lambda: later
    await dispatch_due(lambda: uow, renderer(), mailer, waiting, clock=lambda: later)

    [told] = mailer.sent
    assert told.subject == "Cancelled: Personal statements" and "organizers' message" not in told.text


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
    # Matching has put the mentee back on the waitlist already (that email comes next): no "if you wish".
    [to_mentee] = [m for m in told if m.to.startswith("sam.")]
    assert "You stay in the program, and we will look for another mentor for you." in to_mentee.text


@pytest.mark.parametrize("ended_by", ["mentee", "mentor"])
async def test_both_sides_of_an_ended_mentorship_are_asked_how_it_went_with_a_link_to_give_feedback(ended_by):
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    pairing_id = uuid4()
    await handlers.pairing_ended(ma.PairingEndedV2(pairing_id=pairing_id, program_id=uuid4(), chapter_id=None,
                                                   mentee_id=mentee, mentor_id=mentor, ended_by=ended_by,
                                                   reason_code="goals_met"), uow)
    told = await sent(uow)
    assert len(told) == 2
    for message in told:
        assert f"Give feedback: {WEB}/mentorships/{pairing_id}/feedback" in message.text, message.to
        assert "Please tell us how it went: your feedback shapes the next pairings." in message.text


REVIEWED = {"en": "A coordinator of the program will look into what happened, and {name} will not be paired with "
                  "anyone new meanwhile.",
            "es": "La coordinación del programa revisará lo ocurrido y, mientras tanto, no asignaremos ninguna "
                  "mentoría nueva a {name}."}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("ended_by", ["mentee", "mentor"])
async def test_one_who_ended_a_mentorship_for_conduct_is_told_a_coordinator_will_look_into_it_and_the_other_is_not(
        ended_by, language):
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor", language=language)
    mentor = await person(uow, "Ana Reyes", language=language)
    await handlers.pairing_ended(ma.PairingEndedV3(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None,
                                                   mentee_id=mentee, mentor_id=mentor, ended_by=ended_by,
                                                   reason_code="conduct"), uow)
    told = {m.to: m for m in await sent(uow)}
    ender, other = (mentee, mentor) if ended_by == "mentee" else (mentor, mentee)
    to_ender, to_other = (told[uow.notifications.contacts[who]["email"]] for who in (ender, other))
    reported = uow.notifications.contacts[other]["display_name"]
    assert REVIEWED[language].format(name=reported) in to_ender.text
    assert REVIEWED[language].format(name=reported) in to_ender.html
    # The one reported reads the ending as anyone whose partner ended it does: nothing of a report, nor a review.
    said = REVIEWED[language].split(",")[0]
    assert said not in to_other.text and said not in to_other.html
    assert not any(word in to_other.text.lower() for word in ("conduct", "conducta", "coordinat", "coordinación"))


@pytest.mark.parametrize("reason_code", ["goals_met", "not_a_good_fit"])
async def test_one_who_ended_a_mentorship_for_another_reason_is_told_of_no_review(reason_code):
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    await handlers.pairing_ended(ma.PairingEndedV3(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None,
                                                   mentee_id=mentee, mentor_id=mentor, ended_by="mentee",
                                                   reason_code=reason_code), uow)
    assert not any("A coordinator of the program will look into" in m.text for m in await sent(uow))


RESTING = {"en": "No mentor is proposed to you unless you ask: when you want another one, choose \u201cI am ready for "
                 "a mentor again\u201d on your home page.",
           "es": "No te proponemos otra persona mentora a menos que la pidas: cuando quieras otra, elige «Estoy "
                 "listo/a para una persona mentora otra vez» en tu página de inicio."}


def flat(text: str) -> str:
    """The text with its lines (wrapped or not) run together."""
    return " ".join(text.split())


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("ended_by, by_program", [("mentee", False), ("mentor", False), (None, True)])
async def test_a_mentee_whose_mentorship_ended_with_goals_met_is_told_no_mentor_comes_unless_they_ask(
        ended_by, by_program, language):
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor", language=language)
    mentor = await person(uow, "Ana Reyes", language=language)
    await handlers.pairing_ended(ma.PairingEndedV3(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None,
                                                   mentee_id=mentee, mentor_id=mentor, ended_by=ended_by,
                                                   ended_by_program=by_program, reason_code="goals_met"), uow)
    told = {m.to: m for m in await sent(uow)}
    to_mentee, to_mentor = (told[uow.notifications.contacts[who]["email"]] for who in (mentee, mentor))
    assert flat(RESTING[language]) in flat(to_mentee.text)
    assert "look for another mentor" not in to_mentee.text and "buscaremos" not in to_mentee.text
    assert flat(RESTING[language]) not in flat(to_mentor.text)
    # Said as what it is, to both: "Ana Reyes ended your mentorship" alone read like a rejection.
    met = {"en": "Its goals were met: congratulations on what you achieved together.",
           "es": "Se cumplieron sus objetivos: felicidades por lo que lograron en equipo."}[language]
    assert met in flat(to_mentee.text) and met in flat(to_mentor.text)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentee_whose_mentorship_is_complete_is_told_no_mentor_comes_unless_they_ask(language):
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor", language=language)
    mentor = await person(uow, "Ana Reyes", language=language)
    await handlers.pairing_completed(ma.PairingCompleted(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None,
                                                         mentee_id=mentee, mentor_id=mentor), uow)
    told = {m.to: m for m in await sent(uow)}
    assert flat(RESTING[language]) in flat(told[uow.notifications.contacts[mentee]["email"]].text)
    assert flat(RESTING[language]) not in flat(told[uow.notifications.contacts[mentor]["email"]].text)


async def test_a_mentorship_the_program_ended_for_conduct_tells_neither_side_of_a_review():
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    await handlers.pairing_ended(ma.PairingEndedV3(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None,
                                                   mentee_id=mentee, mentor_id=mentor, ended_by=None,
                                                   ended_by_program=True, reason_code="conduct"), uow)
    told = await sent(uow)
    assert len(told) == 2
    assert not any("A coordinator of the program will look into" in m.text for m in told)


async def test_a_waitlist_place_waits_for_the_email_of_an_ending_that_cannot_go_only_so_long():
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), uuid4()  # the mentor's contact details never arrive
    program_id = uuid4()
    await handlers.pairing_ended(ma.PairingEndedV2(pairing_id=uuid4(), program_id=program_id, chapter_id=None,
                                                   mentee_id=mentee, mentor_id=mentor, ended_by="mentee",
                                                   reason_code="goals_met"), uow)
    await handlers.mentee_waitlisted(ma.MenteeWaitlistedV3(
        enrollment_id=uuid4(), program_id=program_id, chapter_id=None, mentee_id=mentee, position=2), uow)

    assert await sent(uow, now=NOW + timedelta(minutes=9)) == []
    told = await sent(uow, now=NOW + timedelta(minutes=10))
    assert [m.subject for m in told] == ["You are on the waitlist for a mentor: position 2"]


class LastFirstMailer(FakeMailer):
    """An SMTP server that takes one batch's messages last first: they all end at one moment (one commit answers
    every hand-over of a batch), so the order they arrive in is anyone's. `next_batch` before each dispatch."""

    def __init__(self) -> None:
        super().__init__()
        self.batch_starts = 0

    def next_batch(self) -> None:
        self.batch_starts = len(self.sent)

    async def send(self, email: Email, hand_over=None) -> None:
        await super().send(email, hand_over)
        self.sent.insert(self.batch_starts, self.sent.pop())


async def sent_batch_by_batch(uow, mailer: LastFirstMailer, batches: int = 3) -> list[Email]:
    for _ in range(batches):
        mailer.next_batch()
        await sent(uow, mailer)
    return mailer.sent


async def test_a_pair_just_paired_is_told_either_may_write_first_and_to_log_the_meeting_once_met():
    # Neither the email nor the page said who reaches out, nor that a meeting is logged on the platform.
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    pair = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor)
    await handlers.pairing_confirmed(ma.PairingConfirmedV4(**pair, score=80, reason_codes=[], pairing_kind="general",
                                                           term_ends_at=NOW + timedelta(days=300)), uow)
    told = await sent(uow)
    assert len(told) == 2 and all(
        "Either of you may write first; once you have met, log it on your mentorship's page." in " ".join(m.text.split())
        for m in told)


@pytest.mark.parametrize("what_follows", ["waitlisted", "paired again", "proposed again"])
async def test_a_mentee_whose_mentorship_ended_for_goals_met_reads_that_it_ended_before_what_follows_it(what_follows):
    uow = new_uow()
    mentee, mentor, other_mentor = (await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes"),
                                    await person(uow, "Lee Chen"))
    pair = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor)
    await handlers.pairing_confirmed(ma.PairingConfirmedV4(**pair, score=80, reason_codes=[], pairing_kind="general",
                                                           term_ends_at=NOW + timedelta(days=300)), uow)
    await sent(uow)

    # Matching ends the pairing and, in the same transaction, puts the mentee back: waiting, or paired again.
    await handlers.pairing_ended(ma.PairingEndedV2(**pair, ended_by="mentee", reason_code="goals_met"), uow)
    again = dict(pair, pairing_id=uuid4(), mentor_id=other_mentor)
    if what_follows == "waitlisted":
        await handlers.mentee_waitlisted(ma.MenteeWaitlistedV3(
            enrollment_id=uuid4(), program_id=pair["program_id"], chapter_id=None, mentee_id=mentee, position=2), uow)
    elif what_follows == "paired again":
        await handlers.pairing_confirmed(ma.PairingConfirmedV4(
            **again, score=70, reason_codes=[], pairing_kind="general", term_ends_at=NOW + timedelta(days=300)), uow)
    else:
        await handlers.pairing_proposed(ma.PairingProposedV6(
            **again, score=70, reason_codes=[], pairing_kind="general", requested_by_mentee=False,
            answer_by=NOW + timedelta(days=7)), uow)
    told = await sent_batch_by_batch(uow, LastFirstMailer())

    to_mentee = [m.subject for m in told if m.to.startswith("sam.")]
    assert len(to_mentee) == 2 and to_mentee[0] == "Your mentorship with Ana Reyes has ended", to_mentee


def closing(how: str, pair: dict) -> tuple[object, object]:
    """The handler and the event of a pairing closing `how`, as matching announces it."""
    if how == "ended":
        return handlers.pairing_ended, ma.PairingEndedV2(**pair, ended_by="mentor", reason_code="relocated")
    if how == "declined":
        return handlers.pairing_declined, ma.PairingDeclinedV2(**pair, declined_by="mentor",
                                                               reason_code="schedule_conflict")
    return handlers.pairing_lapsed, ma.PairingLapsedV3(**pair, reason_code="unanswered", awaiting=["mentor"],
                                                       requested_by_mentee=False)


def waitlisted_after(pair: dict, position: int = 2) -> ma.MenteeWaitlistedV4:
    return ma.MenteeWaitlistedV4(enrollment_id=uuid4(), program_id=pair["program_id"], chapter_id=None,
                                 mentee_id=pair["mentee_id"], position=position, after_pairing_id=pair["pairing_id"])


@pytest.mark.parametrize("how", ["ended", "declined", "lapsed"])
async def test_a_waitlist_place_read_before_the_closing_it_follows_waits_until_that_closing_has_arrived_and_gone(how):
    # In a program whose members are public the closing is on matching.pairings, the place on matching.waitlist:
    # either may be read first.
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    pair = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor)
    await handlers.mentee_waitlisted(waitlisted_after(pair), uow)

    assert await sent(uow) == [], "nothing to wait for yet: the closing has not arrived"

    handle, closed = closing(how, pair)
    await handle(closed, uow)
    first = [m.subject for m in await sent(uow) if m.to.startswith("sam.")]
    then = [m.subject for m in await sent(uow) if m.to.startswith("sam.")]
    assert len(first) == 1 and first != ["You are on the waitlist for a mentor: position 2"], first
    assert then == ["You are on the waitlist for a mentor: position 2"]


async def test_a_waitlist_place_whose_closing_never_arrives_goes_after_ten_minutes_all_the_same():
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor")
    pair = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=uuid4())
    await handlers.mentee_waitlisted(waitlisted_after(pair), uow)

    assert await sent(uow, now=NOW + timedelta(minutes=9)) == []
    told = await sent(uow, now=NOW + timedelta(minutes=10))
    assert [m.subject for m in told] == ["You are on the waitlist for a mentor: position 2"]


async def test_a_waitlist_place_read_after_its_closing_has_gone_goes_at_once():
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    pair = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor)
    handle, closed = closing("ended", pair)
    await handle(closed, uow)
    await sent(uow)

    await handlers.mentee_waitlisted(waitlisted_after(pair), uow)

    assert [m.subject for m in await sent(uow)] == ["You are on the waitlist for a mentor: position 2"]


def withdrawn_by_the_program(mentee, mentor, reason_code: str = "not_a_good_fit") -> ma.PairingDeclinedV3:
    return ma.PairingDeclinedV3(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee,
                                mentor_id=mentor, declined_by=None, declined_by_program=True, reason_code=reason_code)


async def test_a_proposal_a_coordinator_withdrew_is_told_to_both_as_withdrawn_by_the_program_not_declined_by_either():
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")

    await handlers.pairing_declined(withdrawn_by_the_program(mentee, mentor), uow)

    recorded = {row["n"].person_id: row["n"] for row in uow.notifications.rows.values()}
    assert {person: (n.kind, n.parameters["role"], n.parameters["by"]) for person, n in recorded.items()} == {
        mentee: ("pairing_declined", "mentee", "program"), mentor: ("pairing_declined", "mentor", "program")}
    told = await sent(uow)
    assert len(told) == 2
    for message in told:
        assert message.subject == "A proposed pairing was withdrawn"
        assert "Your program's coordinator withdrew the proposed mentorship in your program." in message.text
        assert "declined" not in message.text


# What each side of a proposal the program withdrew reads: the mentee, then the mentor.
WITHDRAWN_BY_THE_PROGRAM = {
    ("en", False): ("A proposed pairing in Into Medical School was withdrawn",
                    ["Your program's coordinator withdrew the proposed mentorship in Into Medical School.",
                     "You stay in the program, and we will look for another mentor for you."],
                    ["Your program's coordinator withdrew the proposed mentorship in Into Medical School.",
                     "We will propose another mentee to you when one fits."]),
    ("en", True): ("A proposed pairing in Into Medical School was withdrawn",
                   ["Your program's coordinator withdrew the proposed mentorship in Into Medical School.",
                    "Instead, the coordinator proposed another mentor to you: that proposal comes in a separate "
                    "message, where you can accept or decline it."],
                   ["Your program's coordinator withdrew the proposed mentorship in Into Medical School.",
                    "We will propose another mentee to you when one fits."]),
    ("es", False): ("Se retiró una mentoría propuesta en Into Medical School",
                    ["La coordinación de tu programa retiró la mentoría propuesta en Into Medical School.",
                     "Sigues en el programa y buscaremos otra persona mentora para ti."],
                    ["La coordinación de tu programa retiró la mentoría propuesta en Into Medical School.",
                     "Te propondremos a otra persona mentorada cuando haya una adecuada."]),
    ("es", True): ("Se retiró una mentoría propuesta en Into Medical School",
                   ["La coordinación de tu programa retiró la mentoría propuesta en Into Medical School.",
                    "En su lugar, la coordinación te propuso otra persona mentora: esa propuesta te llega en otro "
                    "mensaje, donde puedes aceptarla o rechazarla."],
                   ["La coordinación de tu programa retiró la mentoría propuesta en Into Medical School.",
                    "Te propondremos a otra persona mentorada cuando haya una adecuada."]),
}


@pytest.mark.parametrize("reassigned", [False, True])
@pytest.mark.parametrize("language", ["en", "es"])
async def test_each_side_of_a_proposal_the_program_withdrew_reads_it_plainly_in_their_language_and_what_comes_next(
        language, reassigned):
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor", language=language)
    mentor = await person(uow, "Ana Reyes", language=language)
    withdrawn = withdrawn_by_the_program(mentee, mentor, "reassigned" if reassigned else "schedule_conflict")
    await handlers.program_defined(pr.ProgramDefinedV5(members_public=True,
        program_id=withdrawn.program_id, chapter_id=None, name="Into Medical School", mentee_stages=["undergraduate"],
        mentor_stages=["resident"]), uow)

    await handlers.pairing_declined(withdrawn, uow)

    told = {m.to: m for m in await sent(uow)}
    to_mentee, to_mentor = (told[uow.notifications.contacts[someone]["email"]] for someone in (mentee, mentor))
    subject, said_to_mentee, said_to_mentor = WITHDRAWN_BY_THE_PROGRAM[language, reassigned]
    for message, said in ((to_mentee, said_to_mentee), (to_mentor, said_to_mentor)):
        text = " ".join(message.text.split())
        assert message.subject == subject
        assert all(sentence in text for sentence in said), text
    # A mentee proposed another mentor is not also promised a search, nor one left without one an imminent proposal.
    promised = " ".join(WITHDRAWN_BY_THE_PROGRAM[language, not reassigned][1][1:])
    assert promised not in " ".join(to_mentee.text.split())
    # Matching never publishes the coordinator's own words; nor is the reason's code shown.
    assert "schedule" not in to_mentee.text + to_mentor.text and "reassigned" not in to_mentee.text + to_mentor.text


async def a_proposal_declined(declined_by: str, reason_code: str) -> tuple[Email, Email]:
    """What Sam, the mentee, and Ana, the mentor, are sent when one of them declines their proposed pairing."""
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    await handlers.pairing_declined(ma.PairingDeclinedV2(
        pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor,
        declined_by=declined_by, reason_code=reason_code), uow)
    told = {m.to: m for m in await sent(uow)}
    to_mentee, to_mentor = (told[uow.notifications.contacts[someone]["email"]] for someone in (mentee, mentor))
    return to_mentee, to_mentor


async def test_a_proposal_one_of_the_pair_declined_is_still_told_as_their_decline():
    to_mentee, to_mentor = await a_proposal_declined("mentor", "no_longer_available")
    assert to_mentee.subject == to_mentor.subject == "A proposed pairing will not go ahead"
    # The mentee is told it cannot go ahead, not that they were declined (test_kind_words_to_mentees).
    assert ("The mentorship proposed to you in your program cannot go ahead: the mentor is not able to take it on."
            in " ".join(to_mentee.text.split()))
    assert "You declined the proposed pairing in your program." in to_mentor.text
    assert "coordinator" not in to_mentee.text + to_mentor.text


async def test_a_mentor_whose_proposed_mentee_declined_is_told_another_will_be_proposed_not_thanked_for_it():
    _, to_mentor = await a_proposal_declined("mentee", "not_a_good_fit")
    assert ("The mentee proposed to you in your program has chosen not to go ahead with this mentorship."
            in " ".join(to_mentor.text.split()))
    assert "We will propose another mentee to you when one fits." in to_mentor.text
    assert "Thank you" not in to_mentor.text


# What a mentor a coordinator suspended reads: never approved there (their offer declined), or approved before; in a
# chapter's program, or a national one (whose mentors may belong to no chapter).
MENTOR_SUSPENDED = {
    ("en", False, "chapter"): ("About your offer to mentor in Into Medical School",
                               ["Thank you for offering to mentor in Into Medical School.",
                                "Your chapter's coordinator has not approved you to mentor in this program, so no "
                                "mentee will be proposed to you there.",
                                "If you have questions, ask your chapter's coordinator."]),
    ("en", True, "chapter"): ("Your mentoring in Into Medical School is on hold",
                              ["Your chapter's coordinator has suspended your mentoring in Into Medical School: no "
                               "new mentee will be proposed to you there.",
                               "If you have questions, ask your chapter's coordinator."]),
    ("en", False, "national"): ("About your offer to mentor in Into Medical School",
                                ["Thank you for offering to mentor in Into Medical School.",
                                 "The program's coordinators have not approved you to mentor in it, so no mentee will "
                                 "be proposed to you there.",
                                 "If you have questions, ask the program's coordinators."]),
    ("en", True, "national"): ("Your mentoring in Into Medical School is on hold",
                               ["The program's coordinators have suspended your mentoring in Into Medical School: no "
                                "new mentee will be proposed to you there.",
                                "If you have questions, ask the program's coordinators."]),
    ("es", False, "chapter"): ("Sobre tu ofrecimiento para ser persona mentora en Into Medical School",
                               ["Gracias por ofrecerte como persona mentora en Into Medical School.",
                                "La coordinación de tu capítulo no te ha aprobado como persona mentora en este "
                                "programa, así que no se te propondrá ninguna persona mentorada allí.",
                                "Si tienes preguntas, consulta a la coordinación de tu capítulo."]),
    ("es", True, "chapter"): ("Tu mentoría en Into Medical School está en pausa",
                              ["La coordinación de tu capítulo ha suspendido tu mentoría en Into Medical School: no se "
                               "te propondrá ninguna persona mentorada nueva allí.",
                               "Si tienes preguntas, consulta a la coordinación de tu capítulo."]),
    ("es", False, "national"): ("Sobre tu ofrecimiento para ser persona mentora en Into Medical School",
                                ["Gracias por ofrecerte como persona mentora en Into Medical School.",
                                 "La coordinación del programa no te ha aprobado como persona mentora en él, así que no "
                                 "se te propondrá ninguna persona mentorada allí.",
                                 "Si tienes preguntas, consulta a la coordinación del programa."]),
    ("es", True, "national"): ("Tu mentoría en Into Medical School está en pausa",
                               ["La coordinación del programa ha suspendido tu mentoría en Into Medical School: no se "
                                "te propondrá ninguna persona mentorada nueva allí.",
                                "Si tienes preguntas, consulta a la coordinación del programa."]),
}


@pytest.mark.parametrize("held_by", ["chapter", "national"])
@pytest.mark.parametrize("was_approved", [False, True])
@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentor_a_coordinator_suspended_is_told_whether_their_offer_was_declined_or_put_on_hold(
        language, was_approved, held_by):
    uow = new_uow()
    mentor = await person(uow, "Ana Reyes", language=language)
    program, chapter = uuid4(), (uuid4() if held_by == "chapter" else None)
    await handlers.program_defined(pr.ProgramDefinedV5(members_public=True,
        program_id=program, chapter_id=chapter, name="Into Medical School", mentee_stages=["undergraduate"],
        mentor_stages=["resident"]), uow)

    await handlers.mentor_suspended(pr.MentorSuspendedV3(enrollment_id=uuid4(), person_id=mentor, program_id=program,
                                                         chapter_id=chapter, was_approved=was_approved), uow)

    [message] = await sent(uow)
    subject, said = MENTOR_SUSPENDED[language, was_approved, held_by]
    assert message.subject == subject
    text = " ".join(message.text.split())
    assert all(sentence in text for sentence in said), text
    assert ("chapter" in text or "capítulo" in text) == (held_by == "chapter")


async def test_a_mentor_suspended_before_version_3_is_told_nothing_rather_than_guessed_at():
    uow = new_uow()
    mentor = await person(uow, "Ana Reyes")

    await handlers.mentor_suspended(pr.MentorSuspendedV2(enrollment_id=uuid4(), person_id=mentor, program_id=uuid4(),
                                                         chapter_id=None), uow)

    assert await sent(uow) == []


async def test_a_mentorship_ended_because_its_mentor_was_suspended_is_told_as_the_programs_doing_not_the_mentors():
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")

    await handlers.pairing_ended(ma.PairingEndedV2(
        pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor,
        ended_by="mentor", reason_code="mentor_suspended"), uow)

    told = {m.to: m for m in await sent(uow)}
    to_mentee, to_mentor = (told[uow.notifications.contacts[someone]["email"]] for someone in (mentee, mentor))
    assert "Your program's coordinator ended your mentorship with Ana Reyes in your program." in to_mentee.text
    assert "Your program's coordinator ended your mentorship with Sam Okafor in your program." in to_mentor.text
    assert "You ended" not in to_mentor.text and "suspend" not in to_mentee.text


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentees_request_to_a_mentor_then_suspended_is_told_to_them_as_no_longer_answerable(language):
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor", language=language)
    mentor = await person(uow, "Ana Reyes", language=language)

    await handlers.pairing_lapsed(ma.PairingLapsedV3(
        pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor,
        reason_code="mentor_suspended", awaiting=["mentor"], requested_by_mentee=True), uow)

    [told] = await sent(uow)
    assert told.to == uow.notifications.contacts[mentee]["email"]
    text = " ".join(told.text.split())
    if language == "en":
        assert told.subject == "A request can no longer be answered"
        assert ("The mentor you asked in your program is no longer taking mentees there, so your request has lapsed. "
                "You stay in the program, and can ask another mentor.") in text
    else:
        assert told.subject == "Una solicitud ya no puede responderse"
    assert "Ana" not in told.subject + text and "suspend" not in text


async def a_program(uow, pairing_mode: str) -> UUID:
    program = uuid4()
    await handlers.program_defined(pr.ProgramDefinedV5(members_public=True,
        program_id=program, chapter_id=None, name="Pick your mentor", mentee_stages=["undergraduate"],
        mentor_stages=["resident"], pairing_mode=pairing_mode), uow)
    return program


async def test_where_mentees_choose_a_mentee_whose_mentor_ended_it_is_told_to_ask_another_not_to_wait_for_one():
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    choosing, proposing = await a_program(uow, "mentee_choice"), await a_program(uow, "on_registration")

    for program in (choosing, proposing):
        await handlers.pairing_ended(ma.PairingEndedV2(
            pairing_id=uuid4(), program_id=program, chapter_id=None, mentee_id=mentee, mentor_id=mentor,
            ended_by="mentor", reason_code="schedule_conflict"), uow)

    to_mentee = [" ".join(m.text.split()) for m in await sent(uow) if m.to == uow.notifications.contacts[mentee]["email"]]
    assert len(to_mentee) == 2
    assert "You stay in the program, and can ask another mentor." in to_mentee[0]
    assert "look for another mentor" not in to_mentee[0]
    # The button asks for feedback; where to ask another mentor is a link of its own, in both forms of the email.
    assert f"Ask another mentor: Pick your mentor <{WEB}/programs/{choosing}?lang=en>" in to_mentee[0]
    assert "You stay in the program, and we will look for another mentor for you." in to_mentee[1]
    assert "Ask another mentor" not in to_mentee[1]


async def waitlisted(uow, program: UUID, mentee: UUID, kind: str = "general") -> None:
    await handlers.mentee_waitlisted(ma.MenteeWaitlistedV4(
        enrollment_id=uuid4(), program_id=program, chapter_id=None, mentee_id=mentee, position=2, pairing_kind=kind,
        after_pairing_id=None), uow)


@pytest.mark.parametrize(("language", "kind", "subject", "said"), [
    ("en", "general", "You are waiting for a mentor in Pick your mentor",
     "The last round of Pick your mentor did not pair you with a mentor this time. You stay in the program: its "
     "coordinators run rounds that pair everyone at once, and we will email you as soon as one proposes you a "
     "mentor, to accept."),
    ("en", "career", "You are waiting for a mentor in Pick your mentor",
     "The last round of Pick your mentor did not pair you with a mentor for career mentoring this time. You stay in "
     "the program: its coordinators run rounds that pair everyone at once, and we will email you as soon as one "
     "proposes you a mentor, to accept."),
    ("es", "general", "Estás a la espera de una persona mentora en Pick your mentor",
     "La última ronda de Pick your mentor no te asignó una persona mentora esta vez. Sigues en el programa: "
     "su coordinación hace rondas que asignan todas las mentorías a la vez, y te escribiremos en cuanto una te "
     "proponga una persona mentora, para que la aceptes."),
    ("es", "career", "Estás a la espera de una persona mentora en Pick your mentor",
     "La última ronda de Pick your mentor no te asignó una persona mentora para una mentoría de carrera "
     "profesional esta vez. Sigues en el programa: su coordinación hace rondas que asignan todas las mentorías a "
     "la vez, y te escribiremos en cuanto una te proponga una persona mentora, para que la aceptes."),
], ids=["en", "en-career", "es", "es-career"])
async def test_a_mentee_a_round_left_unpaired_is_told_rounds_pair_everyone_at_once_not_a_place_in_a_line(
        language, kind, subject, said):
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor", language=language)
    program = await a_program(uow, "rounds")

    await waitlisted(uow, program, mentee, kind)

    [told] = await sent(uow)
    body, _ = told.text.split("\n-- \n")  # above the footer, which names the category of emails
    body = " ".join(body.split())
    assert told.subject == subject
    assert said in body
    # No line moves them up: neither their position nor why the round left them out is said.
    assert not re.search(r"\b2\b|waitlist|lista de espera|número|number|position|because|porque",
                         told.subject + body.replace(f"{WEB}/waitlists/{program}", ""), re.IGNORECASE)
    see = "See the program" if language == "en" else "Ver el programa"
    assert f"{see}: {WEB}/waitlists/{program}" in body


@pytest.mark.parametrize("pairing_mode", ["on_registration", "mentee_choice"])
async def test_a_mentee_waiting_in_a_program_that_does_not_pair_by_rounds_is_still_told_their_place_in_line(
        pairing_mode):
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor")
    program = await a_program(uow, pairing_mode)

    await waitlisted(uow, program, mentee)

    [told] = await sent(uow)
    assert told.subject == "You are on the waitlist for Pick your mentor: position 2"
    assert ("We have not yet found you a mentor in Pick your mentor. You are number 2 on the waitlist, and we will "
            "email you as soon as you are paired.") in " ".join(told.text.split())
    assert "round" not in told.text


# What a mentee of a program of rounds is told of a proposal that will not go ahead: nobody looks for a mentor for
# them until the coordinators run another round, where they wait as the waitlist email says.
ROUND_NEXT = {"en": "You stay in the program: its coordinators pair those waiting in their next round, and we will "
                    "email you when one pairs you.",
              "es": "Sigues en el programa: su coordinación asigna mentorías a quienes esperan en su próxima "
                    "ronda, y te escribiremos cuando una ronda te asigne una."}
ROUND_LAPSES = {"en": "Unanswered by then, it lapses, and you wait for the next round its coordinators run.",
                "es": "Si para entonces no hay respuesta, caduca y esperarás a la próxima ronda de la coordinación."}


async def _to_the_mentee_of(pairing_mode: str, how: str, language: str) -> tuple[str, UUID]:
    """The text the mentee of a proposal in a program that pairs as `pairing_mode` says reads as it goes `how`."""
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor", language=language)
    mentor = await person(uow, "Ana Reyes", language=language)
    program = await a_program(uow, pairing_mode)
    pair = dict(pairing_id=uuid4(), program_id=program, chapter_id=None, mentee_id=mentee, mentor_id=mentor)
    if how == "proposed":
        await handlers.pairing_proposed(ma.PairingProposedV6(**pair, score=80, reason_codes=[],
                                                             answer_by=NOW + timedelta(days=7)), uow)
    elif how == "reminded":
        await handlers.answer_due(ma.AnswerDueV2(**pair, answer_by=NOW + timedelta(days=3), awaiting=["mentee"],
                                                 requested_by_mentee=False, paused_if_it_lapses=[]), uow)
    elif how in ("declined by the mentor", "declined by the mentee"):
        await handlers.pairing_declined(ma.PairingDeclinedV3(**pair, declined_by=how.split()[-1],
                                                             reason_code="schedule_conflict"), uow)
    elif how == "withdrawn by the program":
        await handlers.pairing_declined(ma.PairingDeclinedV3(**pair, declined_by=None, declined_by_program=True,
                                                             reason_code="not_a_good_fit"), uow)
    else:
        await handlers.pairing_lapsed(ma.PairingLapsedV3(**pair, reason_code="unanswered", awaiting=["mentor"],
                                                         requested_by_mentee=False), uow)
    [told] = [m for m in await sent(uow) if m.to == uow.notifications.contacts[mentee]["email"]]
    return " ".join(told.text.split()), program


CLOSED = ["declined by the mentor", "declined by the mentee", "withdrawn by the program", "lapsed"]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("how", ["proposed", "reminded", *CLOSED])
async def test_a_mentee_of_a_program_of_rounds_is_not_promised_a_mentor_before_its_next_round(how, language):
    text, program = await _to_the_mentee_of("rounds", how, language)

    assert not re.search(r"look for another mentor|buscaremos", text), text
    if how in ("proposed", "reminded"):
        assert ROUND_LAPSES[language] in text, text
    elif how != "lapsed":  # a lapse promises nothing: "can be paired with another mentor"
        assert ROUND_NEXT[language] in text, text
    if how in CLOSED:  # they wait again: the button goes where the waitlist email's does
        assert f"{WEB}/waitlists/{program}" in text and f"{WEB}/programs/{program}" not in text, text


@pytest.mark.parametrize("how", ["proposed", *CLOSED])
async def test_a_mentee_of_a_program_that_pairs_as_people_register_is_told_as_before(how):
    text, program = await _to_the_mentee_of("on_registration", how, "en")

    assert "round" not in text, text
    if how == "proposed":
        assert "Unanswered by then, it lapses and we look for another mentor for you." in text, text
    elif how != "lapsed":
        assert "You stay in the program, and we will look for another mentor for you." in text, text
    if how in CLOSED:
        assert f"{WEB}/programs/{program}" in text and "/waitlists/" not in text, text


async def test_where_mentees_choose_an_approved_mentor_is_told_mentees_may_now_ask_them():
    uow = new_uow()
    mentor = await person(uow, "Ana Reyes")
    program = await a_program(uow, "mentee_choice")

    await handlers.mentor_approved(pr.MentorApprovedV2(enrollment_id=uuid4(), person_id=mentor, program_id=program,
                                                       chapter_id=None), uow)

    [told] = await sent(uow)
    text = " ".join(told.text.split())
    assert "Mentees in Pick your mentor can now ask you to mentor them: we will email you when one does." in text
    assert "as soon as you are paired" not in text


@pytest.mark.parametrize("language, named", [
    ("en", "Thank you for offering to mentor in Pick your mentor."),
    ("es", "Gracias por ofrecerte como persona mentora en Pick your mentor.")])
async def test_an_approved_mentor_reads_which_program_approved_them_as_a_declined_one_does(language, named):
    # A mentor may have offered in several programs; the subject leaves a private program's name out, the body names it.
    uow = new_uow()
    mentor = await person(uow, "Ana Reyes", language=language)
    program = await a_program(uow, "on_registration")

    await handlers.mentor_approved(pr.MentorApprovedV2(enrollment_id=uuid4(), person_id=mentor, program_id=program,
                                                       chapter_id=None), uow)

    [told] = await sent(uow)
    assert named in " ".join(told.text.split())


async def test_a_mentees_request_the_mentor_declined_is_told_to_both_as_a_request_declined_not_a_proposal():
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    program = await a_program(uow, "mentee_choice")
    pair = dict(pairing_id=uuid4(), program_id=program, chapter_id=None, mentee_id=mentee, mentor_id=mentor)
    await handlers.pairing_proposed(ma.PairingProposedV6(**pair, score=80, reason_codes=[], answer_by=NOW + timedelta(
        days=7), requested_by_mentee=True), uow)
    await sent(uow)

    await handlers.pairing_declined(ma.PairingDeclinedV3(**pair, declined_by="mentor", reason_code="schedule_conflict"),
                                    uow)

    told = {m.to: m for m in await sent(uow)}
    to_mentee, to_mentor = (told[uow.notifications.contacts[someone]["email"]] for someone in (mentee, mentor))
    assert to_mentee.subject == "Your request in Pick your mentor will not go ahead"
    assert to_mentor.subject == "A request in Pick your mentor was declined"
    assert ("The mentor you asked in Pick your mentor is not able to take on your request. This happens because of a "
            "mentor's time or circumstances, not because of anything about you. You stay in the program, and can "
            "ask another mentor.") in " ".join(to_mentee.text.split())
    assert ("You declined a mentee's request in Pick your mentor. Thank you for answering."
            in " ".join(to_mentor.text.split()))
    assert "proposed" not in to_mentee.text + to_mentor.text
    assert "Ana" not in to_mentee.text and "Sam" not in to_mentor.text


async def test_a_mentor_who_declined_is_not_promised_another_mentee_they_may_have_paused_at_the_same_time():
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    program = await a_program(uow, "on_registration")

    await handlers.pairing_declined(ma.PairingDeclinedV2(
        pairing_id=uuid4(), program_id=program, chapter_id=None, mentee_id=mentee, mentor_id=mentor,
        declined_by="mentor", reason_code="schedule_conflict"), uow)

    [to_mentor] = [m for m in await sent(uow) if m.to == uow.notifications.contacts[mentor]["email"]]
    text = " ".join(to_mentor.text.split())
    assert "Thank you for answering. While you take new mentees, we will propose another when one fits." in text


def a_request_lapsed(mentee: UUID, mentor: UUID, reason_code: str, left: str | None) -> ma.PairingLapsedV3:
    """A mentee's request to a mentor, lapsed because one side left (version 4 says which), or as version 3 says it."""
    facts = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor,
                 reason_code=reason_code, awaiting=["mentor"], requested_by_mentee=True)
    return ma.PairingLapsedV4(**facts, lapsed_by=left) if left else ma.PairingLapsedV3(**facts)


async def test_a_mentees_request_lapsed_because_the_mentor_left_the_program_tells_the_mentee_it_can_no_longer_be_answered():
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")

    await handlers.pairing_lapsed(a_request_lapsed(mentee, mentor, "withdrawn", "mentor"), uow)

    [told] = await sent(uow)
    assert told.to == uow.notifications.contacts[mentee]["email"]
    assert told.subject == "A request can no longer be answered"
    assert "Ana" not in told.subject + told.text


async def test_a_mentees_request_lapsed_because_the_mentee_left_the_program_tells_the_mentor_it_was_withdrawn():
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")

    await handlers.pairing_lapsed(a_request_lapsed(mentee, mentor, "withdrawn", "mentee"), uow)

    [told] = await sent(uow)
    assert told.to == uow.notifications.contacts[mentor]["email"]
    assert told.subject == "A request was withdrawn"
    assert "The mentee who asked you in your program withdrew their request." in " ".join(told.text.split())


@pytest.mark.parametrize("left", ["mentor", "mentee"])
async def test_a_request_lapsed_because_one_side_erased_their_account_tells_the_other_without_naming_them(left):
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    gone, stays = (mentor, mentee) if left == "mentor" else (mentee, mentor)

    await handlers.person_erased(pr.PersonErasedV2(person_id=gone), uow)
    await handlers.pairing_lapsed(a_request_lapsed(mentee, mentor, "person_erased", left), uow)

    [told] = await sent(uow)
    assert told.to == uow.notifications.contacts[stays]["email"]
    text = " ".join(told.text.split())
    if left == "mentor":
        assert told.subject == "A request can no longer be answered"
        assert ("The mentor you asked in your program has left the platform, so your request has lapsed. "
                "You stay in the program, and can ask another mentor.") in text
    else:
        assert told.subject == "A request was withdrawn"
        assert "The mentee who asked you in your program has left the platform, so their request is withdrawn." in text
    assert ("Ana" if left == "mentor" else "Sam") not in told.subject + text
    assert str(gone) not in str([r["n"].parameters for r in uow.notifications.rows.values()])


# --- the audit of the notifications service ----------------------------------------------------------------------

def office_hour(student, host) -> dict:
    """The facts of the student's booking of the host's office hour, on Saturday 6 March 2027."""
    starts = NOW + timedelta(days=3)
    return dict(slot_id=uuid4(), host_id=host, person_id=student, chapter_id=None, starts_at=starts,
                ends_at=starts + timedelta(minutes=30), booking_id=uuid4(), is_virtual=False,
                location="Clinical sciences building, office 310")


def online_office_hour(student, host) -> dict:
    """`office_hour`, online: what every office-hours event says of it."""
    return {k: v for k, v in office_hour(student, host).items() if k not in ("is_virtual", "location")}


@pytest.mark.parametrize("erasure_first", [True, False])
@pytest.mark.parametrize("who_left", ["participant", "host"])
async def test_the_side_of_an_office_hour_who_stays_gets_its_cancellation_and_calendar_entry_when_the_other_erased(
        who_left, erasure_first):
    uow = new_uow()
    student, host = await person(uow, "Sam Okafor"), await person(uow, "Lee Chen")
    booking = office_hour(student, host)
    await handlers.office_hours_booked(ev.OfficeHoursBookedV3(**booking), uow)
    await sent(uow)
    gone, stays = (student, host) if who_left == "participant" else (host, student)
    stays_at = uow.notifications.contacts[stays]["email"]
    erased = pr.PersonErasedV2(person_id=gone)
    cancelled = ev.OfficeHoursBookingCancelledV3(**booking, cancelled_by=who_left, reason_code="person_erased")
    for event in ((erased, cancelled) if erasure_first else (cancelled, erased)):
        await (handlers.person_erased if event is erased else handlers.office_hours_booking_cancelled)(event, uow)

    [told] = await sent(uow)
    assert told.to == stays_at
    assert told.subject == "Cancelled: your office hour on Saturday, March 6, 2027 at 9:00\u202fAM"
    assert "has left the platform" in told.text
    assert {student: "Sam", host: "Lee"}[gone] not in told.text + told.html
    method, entry = calendar_of(told)
    assert (method, str(entry["UID"])) == ("CANCEL", booking_uid(booking["booking_id"]))
    assert str(gone) not in str([r["n"].parameters for r in uow.notifications.rows.values()
                                 if r["n"].kind == "office_hours_cancelled"])


async def test_an_update_of_a_virtual_event_keeps_the_join_link_in_its_calendar_entry_and_its_details():
    uow = new_uow()
    sam, kim = await person(uow, "Sam Okafor"), await person(uow, "Kim Park")
    event = workshop(NOW + timedelta(days=7), is_virtual=True, location=None)
    await handlers.event_published(event, uow)
    seat = await registered(uow, event, sam)
    await registered(uow, event, kim, status="waitlisted")
    await handlers.virtual_access_granted(ev.VirtualAccessGrantedV2(
        registration_id=seat["registration_id"], scheduled_event_id=event.scheduled_event_id, person_id=sam,
        join_url="https://meet.example.org/j/123"), uow)
    await sent(uow)
    later = event.starts_at + timedelta(hours=2)
    await handlers.event_updated(updated(event, 1, ["starts_at", "ends_at"], starts_at=later,
                                         ends_at=later + timedelta(hours=1)), uow)
    told = {m.to.split(".")[0]: m for m in await sent(uow)}

    method, entry = calendar_of(told["sam"])
    assert (method, entry["SEQUENCE"]) == ("REQUEST", 1)
    assert str(entry["LOCATION"]) == "https://meet.example.org/j/123"
    assert "Join online: https://meet.example.org/j/123" in str(entry["DESCRIPTION"])
    assert "Join online: https://meet.example.org/j/123" in told["sam"].text
    assert "meet.example.org" not in told["kim"].text + told["kim"].html and told["kim"].attachments == ()


async def test_each_registration_after_a_cancellation_sends_a_calendar_entry_that_outranks_the_cancellation():
    uow = new_uow()
    sam = await person(uow, "Sam Okafor")
    event = workshop(NOW + timedelta(days=7))
    await handlers.event_published(event, uow)
    copies = []
    for hour, step in enumerate(("register", "cancel", "register", "update", "cancel", "register", "update")):
        uow.notifications.clock = lambda hour=hour: NOW + timedelta(hours=hour)
        if step == "register":
            seat = await registered(uow, event, sam)
        elif step == "cancel":
            await handlers.registration_cancelled(ev.RegistrationCancelledV2(**seat, cancelled_by="registrant"), uow)
        else:
            revision = sum(1 for copy in copies if copy[0] == "update") + 1
            await handlers.event_updated(updated(event, revision, ["location"], location=f"Room {revision}"), uow)
        [told] = await sent(uow, now=NOW + timedelta(hours=hour))
        method, entry = calendar_of(told)
        assert str(entry["UID"]) == event_uid(event.scheduled_event_id)
        copies.append((step, method, entry["SEQUENCE"]))
    sequences = [sequence for _, _, sequence in copies]
    assert sequences == sorted(set(sequences)), f"each copy must outrank the one before: {copies}"
    assert copies[0] == ("register", "REQUEST", 0), "a first registration's entry is as it always was"


@pytest.mark.parametrize("erased_before_composing", [True, False])
async def test_a_digest_leaves_out_what_named_a_partner_who_erased_their_account_and_goes_not_at_all_if_nothing_is_left(
        erased_before_composing):
    uow = new_uow()
    ana, sam, kim = [await person(uow, name) for name in ("Ana Reyes", "Sam Okafor", "Kim Park")]
    await handlers.change_preferences(commands.ChangePreferences(ana, daily_digest=True), uow)
    for mentee in (sam, kim):
        await handlers.meeting_overdue(ma.MeetingOverdueV2(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None,
                                                           mentee_id=mentee, mentor_id=ana, last_met_at=None,
                                                           days_overdue=3), uow)
    await sent(uow)
    tomorrow = NOW + timedelta(days=1)
    if erased_before_composing:
        await handlers.person_erased(pr.PersonErasedV2(person_id=sam), uow)
    await compose_digests(uow, POLICY, tomorrow)
    if not erased_before_composing:
        await handlers.person_erased(pr.PersonErasedV2(person_id=sam), uow)
    [digest] = [m for m in await sent(uow, now=tomorrow) if "digest" in m.subject]
    assert digest.subject == "Your daily digest: 1 update"
    assert "Time to catch up with Kim Park?" in digest.text
    assert "None" not in digest.text + digest.html and "Sam" not in digest.text

    # The next day's only item names Kim, who erases their account once it is in a digest: no digest goes.
    await handlers.meeting_overdue(ma.MeetingOverdueV2(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None,
                                                       mentee_id=kim, mentor_id=ana, last_met_at=None,
                                                       days_overdue=9), uow)
    await sent(uow, now=tomorrow)
    await compose_digests(uow, POLICY, tomorrow + timedelta(days=1))
    await handlers.person_erased(pr.PersonErasedV2(person_id=kim), uow)
    assert await sent(uow, now=tomorrow + timedelta(days=1)) == []


@pytest.mark.parametrize(("then", "still_holds"), [("renewed", ["overdue"]), ("completed", []), ("ended", [])])
async def test_a_nudge_not_yet_sent_when_its_pairing_is_renewed_completed_or_ended_goes_only_if_it_still_holds(
        then, still_holds):
    uow, mailer = new_uow(), FakeMailer()
    sam, ana = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    await handlers.change_preferences(commands.ChangePreferences(sam, daily_digest=True), uow)
    pair = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=sam, mentor_id=ana)
    term_ends = NOW + timedelta(days=20)

    async def nudged(days_overdue: int) -> None:
        await handlers.meeting_overdue(ma.MeetingOverdueV2(**pair, last_met_at=None, days_overdue=days_overdue), uow)
        await handlers.renewal_due(ma.RenewalDueV2(**pair, term_ends_at=term_ends), uow)

    await nudged(3)
    await sent(uow, mailer)  # Sam's wait for his digest; Ana's are sent
    await nudged(4)  # not sent yet when the pairing changes
    renewed_until = term_ends + timedelta(days=365)
    changes = {"renewed": (handlers.pairing_renewed, ma.PairingRenewedV2(**pair, term_ends_at=renewed_until)),
               "completed": (handlers.pairing_completed, ma.PairingCompletedV2(**pair)),
               "ended": (handlers.pairing_ended, ma.PairingEndedV2(**pair, ended_by="mentor", reason_code="schedule"))}
    handler, change = changes[then]
    await handler(change, uow)
    after = FakeMailer()
    await sent(uow, after)
    tomorrow = NOW + timedelta(days=1)
    await compose_digests(uow, POLICY, tomorrow)
    told = await sent(uow, after, now=tomorrow)

    def nudges(lines: list[str]) -> list[str]:
        return [nudge for line in lines for nudge in ("overdue", "renewal")
                if {"overdue": "Time to catch up", "renewal": "renew or complete?"}[nudge] in line]

    to_ana = [m.subject for m in told if m.to == uow.notifications.contacts[ana]["email"]]
    assert nudges(to_ana) == still_holds
    to_sam = [m.text for m in told if m.to == uow.notifications.contacts[sam]["email"] and "digest" in m.subject]
    assert nudges([line for text in to_sam for line in text.splitlines()]) == still_holds * 2


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentor_reminded_of_a_request_reads_by_when_in_their_own_zone_and_the_mentee_who_asked_is_not(language):
    uow = new_uow()
    sam = await person(uow, "Sam Okafor")
    ana = await person(uow, "Ana Reyes", zone="America/Chicago", language=language)
    pair = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=sam, mentor_id=ana)
    lapses = datetime(2027, 3, 4, 23, 30, tzinfo=UTC)  # 5:30 PM in Chicago

    await handlers.answer_due(ma.AnswerDue(**pair, answer_by=lapses, awaiting=["mentor"], requested_by_mentee=True),
                              uow)

    [told] = await sent(uow)
    assert told.to == uow.notifications.contacts[ana]["email"]
    said = {"en": ("A mentee's request",
                   "Please accept or decline by Thu, Mar 4, 2027, 5:30 PM (Central Standard Time)",
                   "the request lapses and they can ask another mentor", "decline and pause in the same step"),
            "es": ("espera tu respuesta a su solicitud",
                   "a más tardar el jue, 4 de mar de 2027, 5:30 p.m. (hora estándar central)",
                   "la solicitud caduca", "ponte en pausa en el mismo paso")}[language]
    text = " ".join((told.subject + " " + told.text).split())
    assert all(part in text for part in said), text


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_proposal_says_from_the_start_by_when_each_side_answers_in_their_own_zone(language):
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", language=language)  # Los Angeles
    ana = await person(uow, "Ana Reyes", zone="America/Chicago", language=language)
    pair = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=sam, mentor_id=ana)
    lapses = datetime(2027, 3, 4, 23, 30, tzinfo=UTC)

    await handlers.pairing_proposed(ma.PairingProposedV6(**pair, score=80, reason_codes=[], answer_by=lapses), uow)

    by_whom = {m.to: " ".join((m.subject + " " + m.text).split()) for m in await sent(uow)}
    said = {"en": ({sam: "Please accept or decline by Thu, Mar 4, 2027, 3:30 PM (Pacific Standard Time). Unanswered by "
                         "then, it lapses and we look for another mentor for you.",
                    ana: "Please accept or decline by Thu, Mar 4, 2027, 5:30 PM (Central Standard Time). Unanswered by "
                         "then, it lapses."}),
            "es": ({sam: "a más tardar el jue, 4 de mar de 2027, 3:30 p.m. (hora estándar del Pacífico). Si para "
                         "entonces no hay respuesta, caduca y te buscaremos otra persona mentora.",
                    ana: "a más tardar el jue, 4 de mar de 2027, 5:30 p.m. (hora estándar central). Si para entonces no "
                         "hay respuesta, caduca."})}[language]
    for reader, words in said.items():
        text = by_whom[uow.notifications.contacts[reader]["email"]]
        assert words in text, text


@pytest.mark.parametrize(("language", "said"), [
    ("en", "Please accept or decline by Mon, Dec 14, 2026, 3:56 AM (Coordinated Universal Time)."),
    ("es", "acepta o rechaza a más tardar el lun, 14 de dic de 2026, 3:56 a.m. (hora universal coordinada)."),
])
async def test_a_proposal_writes_by_when_to_answer_as_the_web_app_does_weekday_and_date_in_full(language, said):
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", zone="UTC", language=language)
    ana = await person(uow, "Ana Reyes", zone="UTC", language=language)
    pair = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=sam, mentor_id=ana)

    await handlers.pairing_proposed(ma.PairingProposedV6(**pair, score=80, reason_codes=[],
                                                         answer_by=datetime(2026, 12, 14, 3, 56, tzinfo=UTC)), uow)

    [told, _] = sorted(await sent(uow), key=lambda m: m.to != uow.notifications.contacts[ana]["email"])
    assert said in " ".join(told.text.split())


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_request_tells_the_mentor_by_when_to_answer_and_the_mentee_when_they_may_ask_another(language):
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", language=language)
    ana = await person(uow, "Ana Reyes", zone="America/Chicago", language=language)
    pair = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=sam, mentor_id=ana)
    lapses = datetime(2027, 3, 4, 23, 30, tzinfo=UTC)

    await handlers.pairing_proposed(ma.PairingProposedV6(**pair, score=80, reason_codes=[], answer_by=lapses,
                                                         requested_by_mentee=True), uow)

    by_whom = {m.to: " ".join((m.subject + " " + m.text).split()) for m in await sent(uow)}
    said = {"en": {sam: "If they have not answered by Thu, Mar 4, 2027, 3:30 PM (Pacific Standard Time), the request "
                        "lapses and you can ask another mentor.",
                   ana: "then accept or decline it by Thu, Mar 4, 2027, 5:30 PM (Central Standard Time). Unanswered by "
                        "then, the request lapses and they can ask another mentor."},
            "es": {sam: "Si para el jue, 4 de mar de 2027, 3:30 p.m. (hora estándar del Pacífico) no ha respondido, la "
                        "solicitud caduca y podrás pedírselo a otra persona mentora.",
                   ana: "y acéptala o recházala a más tardar el jue, 4 de mar de 2027, 5:30 p.m. (hora estándar "
                        "central). Si para entonces no hay respuesta, la solicitud caduca y podrá pedírselo a otra "
                        "persona mentora."}
            }[language]
    for reader, words in said.items():
        text = by_whom[uow.notifications.contacts[reader]["email"]]
        assert words in text, text


async def test_a_proposal_published_before_it_said_a_time_asks_for_an_answer_without_one():
    uow = new_uow()
    sam = await person(uow, "Sam Okafor")
    ana = await person(uow, "Ana Reyes")
    pair = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=sam, mentor_id=ana)

    await handlers.pairing_proposed(ma.PairingProposedV5(**pair, score=80, reason_codes=[]), uow)

    told = await sent(uow)
    assert len(told) == 2 and all("Please accept or decline the proposal." in m.text for m in told)


@pytest.mark.parametrize("warned", ["mentor", "mentee"])
@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_reminder_warns_whoever_this_lapse_would_pause_and_not_the_other_side(warned, language):
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", language=language)
    ana = await person(uow, "Ana Reyes", language=language)
    pair = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=sam, mentor_id=ana)

    await handlers.answer_due(ma.AnswerDueV2(**pair, answer_by=NOW + timedelta(days=3), awaiting=["mentee", "mentor"],
                                             requested_by_mentee=False, paused_if_it_lapses=[warned]), uow)

    told = {m.to: " ".join((m.subject + " " + m.text).split()) for m in await sent(uow)}
    to_warned, to_other = (told.pop(uow.notifications.contacts[ana if warned == "mentor" else sam]["email"]),
                           *told.values())
    warning = {("mentor", "en"): "If this one lapses unanswered too, that makes 2 in a row, and we will pause new "
                                 "mentees for you until you resume.",
               ("mentor", "es"): "Si esta también caduca sin respuesta, serán 2 seguidas, y pausaremos las nuevas "
                                 "mentorías para ti hasta que las reanudes.",
               ("mentee", "en"): "If this one lapses unanswered too, that makes 2 in a row, and we will pause mentor "
                                 "proposals for you until you tell us you are ready again.",
               ("mentee", "es"): "Si esta también caduca sin respuesta, serán 2 seguidas, y pausaremos las propuestas "
                                 "de mentoría para ti hasta que nos digas que vuelves a estar listo/a."}
    assert warning[warned, language] in to_warned, to_warned
    assert not any(text in to_other for text in warning.values()), to_other


async def test_the_reminder_that_warns_of_a_pause_reaches_one_who_opted_out_of_nudges_and_a_plain_one_does_not():
    """Being warned of a pause is as essential as being told of it; a plain reminder is a nudge they turned off."""
    uow = new_uow()
    sam, ana = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    opted_out = {category: True for category in Category if category.can_opt_out}
    for someone in (sam, ana):
        await handlers.change_preferences(commands.ChangePreferences(someone, opted_out, daily_digest=True), uow)
    pair = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=sam, mentor_id=ana)

    await handlers.answer_due(ma.AnswerDueV2(**pair, answer_by=NOW + timedelta(days=3), awaiting=["mentee", "mentor"],
                                             requested_by_mentee=False, paused_if_it_lapses=["mentor"]), uow)

    [told] = await sent(uow)
    assert told.to == uow.notifications.contacts[ana]["email"] and "we will pause new mentees" in told.text
    assert told.unsubscribe_url is None


@pytest.mark.parametrize("then", ["confirmed", "declined", "lapsed"])
async def test_a_reminder_to_answer_not_yet_sent_when_the_pairing_is_answered_or_lapses_goes_unsent(then):
    uow = new_uow()
    sam, ana = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    pair = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=sam, mentor_id=ana)
    await handlers.answer_due(ma.AnswerDue(**pair, answer_by=NOW + timedelta(days=3), awaiting=["mentee", "mentor"],
                                           requested_by_mentee=False), uow)

    changes = {"confirmed": (handlers.pairing_confirmed, ma.PairingConfirmedV4(
                   **pair, score=80, reason_codes=[], term_ends_at=NOW + timedelta(days=365))),
               "declined": (handlers.pairing_declined, ma.PairingDeclinedV2(**pair, declined_by="mentee",
                                                                            reason_code="not_a_fit")),
               "lapsed": (handlers.pairing_lapsed, ma.PairingLapsedV2(**pair, reason_code="unanswered"))}
    handler, change = changes[then]
    await handler(change, uow)

    subjects = [m.subject for m in await sent(uow)]
    assert len(subjects) == 2 and not any("waiting for your answer" in s for s in subjects), subjects


async def one_who_stopped_answering(role: str, language: str = "en", unanswered_in_a_row: int = 2):
    """A mentorship proposed to Sam, a mentee, and Ana, a mentor, in Into Medical School lapsed, the last of a run
    that one of them (`role`) let lapse unanswered: that one is paused. Both can be reached, in the same language."""
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", language=language)
    ana = await person(uow, "Ana Reyes", zone="America/Chicago", language=language)
    program = pr.ProgramDefinedV5(members_public=True, program_id=uuid4(), chapter_id=None, name="Into Medical School",
                                  mentee_stages=["undergraduate"], mentor_stages=["resident"], cadence_min_days=14,
                                  cadence_max_days=21)
    await handlers.program_defined(program, uow)
    paused = ma.StoppedAnswering(pairing_id=uuid4(), program_id=program.program_id, chapter_id=None, mentee_id=sam,
                                 mentor_id=ana, role=role, enrollment_id=uuid4(),
                                 unanswered_in_a_row=unanswered_in_a_row)
    return uow, ana if role == "mentor" else sam, paused


@pytest.mark.parametrize(("role", "language", "count", "said"), [
    ("mentor", "en", 2, ("We have paused new mentees for you in Into Medical School",
                         "The last 2 proposals or mentees' requests sent to you in Into Medical School lapsed without "
                         "an answer", "nobody new will be proposed to you",
                         "mentees will not see you among the mentors they can ask",
                         "Your current mentorships go on as before.",
                         "choose “Take new mentees again” on your home page")),
    ("mentor", "en", 1, ("The last proposal or mentee's request sent to you in Into Medical School lapsed without an "
                         "answer",)),
    ("mentor", "es", 2, ("Hemos pausado las nuevas mentorías para ti en Into Medical School",
                         "Las últimas 2 propuestas o solicitudes de personas mentoradas que se te enviaron en Into "
                         "Medical School caducaron sin respuesta", "no se te propondrá a nadie nuevo",
                         "Tus mentorías actuales siguen como hasta ahora.",
                         "elige «Aceptar nuevas personas mentoradas otra vez» en tu página de inicio")),
    ("mentee", "en", 2, ("We have paused mentor proposals for you in Into Medical School",
                         "The last 2 mentorships proposed to you in Into Medical School lapsed without your answer",
                         "we have stopped proposing mentors to you for now",
                         "no mentor's place is held for someone who is not ready yet",
                         "You stay in the program and keep your place on the waitlist.",
                         "When you are ready, choose “I am ready for a mentor again” on your home page.")),
    ("mentee", "en", 1, ("The last mentorship proposed to you in Into Medical School lapsed without your answer",)),
    ("mentee", "es", 2, ("Hemos pausado las propuestas de mentoría para ti en Into Medical School",
                         "Las últimas 2 mentorías que se te propusieron en Into Medical School caducaron sin tu "
                         "respuesta", "hemos dejado de proponerte personas mentoras",
                         "Sigues en el programa y conservas tu lugar en la lista de espera de persona mentora.",
                         "elige «Estoy listo/a para una persona mentora otra vez» en tu página de inicio")),
])
async def test_whoever_stopped_answering_is_told_alone_in_their_language_they_are_paused_and_how_to_resume(
        role, language, count, said):
    uow, paused_person, paused = await one_who_stopped_answering(role, language, count)

    await handlers.stopped_answering(paused, uow)

    [told] = await sent(uow)  # the other side of the proposal that lapsed last is sent nothing
    assert told.to == uow.notifications.contacts[paused_person]["email"]
    text = " ".join((told.subject + " " + told.text).split())
    assert all(part in text for part in said), text
    home = f"{WEB}/?lang={language}"  # the home page, where they resume
    assert f'href="{home}"' in told.html and f"{home}\n" in told.text


@pytest.mark.parametrize(("role", "subject"), [
    ("mentor", "We have paused new mentees for you in Into Medical School"),
    ("mentee", "We have paused mentor proposals for you in Into Medical School"),
])
async def test_one_who_opted_out_of_every_email_they_can_is_still_emailed_at_once_that_they_are_paused(role, subject):
    """Being paused changes what happens to their enrollment (essential): it is no reminder they can turn off, nor
    one that waits for their daily digest; their inbox keeps it too."""
    uow, paused_person, paused = await one_who_stopped_answering(role)
    opted_out = {category: True for category in Category if category.can_opt_out}
    await handlers.change_preferences(commands.ChangePreferences(paused_person, opted_out, daily_digest=True), uow)

    await handlers.stopped_answering(paused, uow)

    [told] = await sent(uow)
    assert told.subject == subject
    assert "because it concerns your own account, mentorship or registration" in told.text
    assert told.unsubscribe_url is None
    [item] = (await views.inbox(uow, paused_person, False, 10, POLICY, NOW, listed))[0]
    message = await views.inbox_message(uow, paused_person, item["id"], POLICY, NOW, inbox_composer(Links(WEB)))
    assert message.subject == told.subject and message.action is not None and message.action.url == f"{WEB}/?lang=en"


async def test_a_waitlisting_not_yet_sent_when_the_mentee_is_paired_goes_unsent():
    uow = new_uow()
    sam, ana = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    await handlers.change_preferences(commands.ChangePreferences(sam, daily_digest=True), uow)
    program = uuid4()
    await handlers.mentee_waitlisted(ma.MenteeWaitlistedV3(
        enrollment_id=uuid4(), program_id=program, chapter_id=None, mentee_id=sam, position=2, pairing_kind="clinical",
        occurred_at=NOW - timedelta(days=1)), uow)
    await sent(uow)  # it waits for Sam's digest
    await handlers.pairing_confirmed(ma.PairingConfirmedV3(
        pairing_id=uuid4(), program_id=program, chapter_id=None, mentee_id=sam, mentor_id=ana, score=80,
        term_ends_at=NOW + timedelta(days=365), pairing_kind="clinical", occurred_at=NOW), uow)
    tomorrow = NOW + timedelta(days=1)
    await compose_digests(uow, POLICY, tomorrow)
    told = [m.subject for m in await sent(uow, now=tomorrow) if m.to == uow.notifications.contacts[sam]["email"]]
    assert told == ["Off the waitlist: your new mentor is Ana Reyes"]


async def test_every_office_hour_email_to_its_host_links_to_the_hosts_own_office_hours_page():
    uow, mailer = new_uow(), FakeMailer()
    student, host = await person(uow, "Sam Okafor"), await person(uow, "Lee Chen")
    booking = office_hour(student, host)
    await handlers.office_hours_booked(ev.OfficeHoursBookedV3(**booking), uow)
    await sent(uow, mailer, now=booking["starts_at"] - timedelta(hours=23))  # the confirmations and the reminders
    await handlers.office_hours_booking_cancelled(ev.OfficeHoursBookingCancelledV3(
        **booking, cancelled_by="participant", reason_code="cancelled"), uow)
    await sent(uow, mailer, now=booking["starts_at"] - timedelta(hours=23))

    def links(message: Email) -> set[str]:
        return {link for link in re.findall(rf'href="({WEB}/[^"]*)"', message.html)
                if link != f"{WEB}/settings/notifications?lang=en" and not link.startswith(f"{WEB}/unsubscribe?")}

    to = {who: [m for m in mailer.sent if m.to == uow.notifications.contacts[who]["email"]] for who in (student, host)}
    assert [len(to[student]), len(to[host])] == [3, 3]
    assert all(links(m) == {f"{WEB}/my-office-hours?lang=en"} for m in to[host]), [links(m) for m in to[host]]
    assert [links(m) for m in to[student]] == [{f"{WEB}/office-hours/{booking['slot_id']}?lang=en"}] * 2 + [
        {f"{WEB}/office-hours?lang=en"}]


ONE_DAY = (datetime(2027, 4, 9, 14, tzinfo=UTC), datetime(2027, 4, 9, 16, tzinfo=UTC))
OVERNIGHT = (datetime(2027, 4, 10, 4, 45, tzinfo=UTC), datetime(2027, 4, 10, 5, 15, tzinfo=UTC))  # in Chicago
TWO_DAYS = (datetime(2027, 4, 9, 14, tzinfo=UTC), datetime(2027, 4, 10, 22, tzinfo=UTC))


def sentences_naming_when(language: str, starts: datetime, ends: datetime) -> list[str]:
    """Every sentence that says when something takes (or took) place, for a reader in Chicago."""
    reader = Reader(language, zone_of("America/Chicago"))
    event = dict(scheduled_event_id=uuid4(), title="Conferencia nacional", starts_at=starts, ends_at=ends,
                 timezone="America/Chicago", is_virtual=False, location="McCormick Place", revision=1,
                 cancelled_at=None)
    booking = dict(booking_id=uuid4(), slot_id=uuid4(), starts_at=starts, ends_at=ends, is_virtual=False,
                   location="Oficina 310", cancelled_at=None)
    moved_from = {"starts_at": (starts - timedelta(days=7)).isoformat(), "ends_at": (ends - timedelta(days=7)).isoformat()}
    told = [("event_updated", dict(event=event, changed_fields=["starts_at", "ends_at"], before=moved_from)),
            ("event_updated", dict(event=event, changed_fields=["starts_at"], before={})),
            ("event_cancelled", dict(event=event, held_seat=True))]
    for role, by, reason in (("participant", "participant", "cancelled"), ("participant", "host", "slot_withdrawn"),
                             ("participant", "host", "cancelled"), ("host", "participant", "cancelled")):
        told.append(("office_hours_cancelled", dict(booking=booking, role=role, cancelled_by=by, reason_code=reason,
                                                    partner={"display_name": "Lee Chen"})))
    for role, gone in (("host", "participant"), ("participant", "host")):
        told.append(("office_hours_cancelled", dict(booking=booking, role=role, cancelled_by=gone,
                                                    reason_code="person_erased")))
    said = []
    for kind, context in told:
        context = {"recipient": {"display_name": "Ana"}, "program": None,
                   "scheduled_event_id": event["scheduled_event_id"], **context}
        message = compose(kind, context, reader, Links(WEB), NOW)
        said += [p for p in message.paragraphs if reader.zone_name(starts) in p]
    assert len(said) == 9
    return said


@pytest.mark.parametrize("span", [ONE_DAY, OVERNIGHT, TWO_DAYS], ids=["one day", "overnight", "two days"])
def test_a_spanish_sentence_reads_right_whether_what_it_names_takes_one_day_or_two(span):
    for sentence in sentences_naming_when("es", *span):
        assert not re.search(r"\b(?:el|del|al) (?:el|del|al)\b", sentence), sentence
    for sentence in sentences_naming_when("en", *span):
        assert not re.search(r"\b(?:on|for) (?:on|for|from)\b", sentence), sentence


def test_a_two_day_span_reads_as_spanish_after_the_article_a_sentence_puts_before_it():
    [now_and_before, *_] = sentences_naming_when("es", *TWO_DAYS)
    assert now_and_before.startswith("Ahora se realiza el viernes, 9 de abril de 2027, 9:00"), now_and_before
    assert "hasta el sábado, 10 de abril de 2027, 5:00" in now_and_before
    assert "; antes era el viernes, 2 de abril de 2027, 9:00" in now_and_before


@pytest.mark.parametrize("told_by", ["the event's cancellation", "the registration's"])
async def test_an_event_called_off_takes_the_entry_out_of_seat_holders_calendars_and_tells_those_waiting_their_place_is_gone(
        told_by):
    uow = new_uow()
    sam, kim = await person(uow, "Sam Okafor"), await person(uow, "Kim Park")
    event = workshop(NOW + timedelta(days=3))
    await handlers.event_published(event, uow)
    seats = {sam: await registered(uow, event, sam), kim: await registered(uow, event, kim, status="waitlisted")}
    await sent(uow)
    if told_by == "the registration's":  # read before the event's own, which travels on another topic
        for registration in seats.values():
            await handlers.registration_cancelled(ev.RegistrationCancelledV2(
                **registration, cancelled_by="event_cancelled"), uow)
    await handlers.event_cancelled(ev.EventCancelledV3(scheduled_event_id=event.scheduled_event_id, chapter_id=None,
                                                       reason_code="room_closed", revision=1), uow)
    told = {m.to.split(".")[0]: m for m in await sent(uow)}

    assert told["sam"].subject == told["kim"].subject == "Cancelled: Personal statements"
    assert "The calendar entry attached removes it from your calendar." in told["sam"].text
    assert calendar_of(told["sam"])[0] == "CANCEL"
    assert told["kim"].attachments == () and "calendar" not in told["kim"].text + told["kim"].html
    assert "your place on its waitlist" in told["kim"].text and "your registration" not in told["kim"].text


@pytest.mark.parametrize(("language", "line"), [
    ("en", "Tue, Mar 2, 2027, 1:00\u202fAM (Pacific Standard Time): Time to catch up with Ana Reyes?"),
    ("es", "mar, 2 de mar de 2027, 1:00\u202fa.m. (hora estándar del Pacífico): ¿Es hora de ponerte al día con Ana Reyes?"),
])
async def test_a_digest_names_the_readers_time_zone_with_each_time_it_lists(language, line):
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor", language=language), await person(uow, "Ana Reyes")
    await handlers.change_preferences(commands.ChangePreferences(mentee, daily_digest=True), uow)
    day = datetime(2027, 3, 2, 9, tzinfo=UTC)
    uow.notifications.clock = lambda: day
    await handlers.meeting_overdue(ma.MeetingOverdueV2(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None,
                                                       mentee_id=mentee, mentor_id=mentor, last_met_at=None,
                                                       days_overdue=3), uow)
    await sent(uow, now=day)
    await compose_digests(uow, POLICY, day + timedelta(days=1))
    [digest] = [m for m in await sent(uow, now=day + timedelta(days=1))
                if m.to == uow.notifications.contacts[mentee]["email"]]
    assert line in digest.text


@pytest.mark.parametrize(("language", "to_participant", "to_the_host", "not_said"), [
    ("en", "It takes place online: the link to join is the one Lee Chen gives on the platform, shown on your booking "
           "there.",
     "It takes place online: the link to join is the one you give on your office hours page, shown to Sam Okafor on "
     "their booking.", ("yet", "will find", "if you have not")),
    ("es", "Se realiza en línea: el enlace para unirte es el que Lee Chen indica en la plataforma, y se muestra en tu "
           "reserva allí.",
     "Se realiza en línea: el enlace para unirse es el que indicas en tu página de horas de orientación, y Sam Okafor lo "
     "ve en su reserva.", ("todavía", "encontrarás", "encontrará"))])
async def test_an_online_office_hour_booked_tells_each_side_where_the_link_to_join_is_not_that_it_may_be_missing(
        language, to_participant, to_the_host, not_said):
    """The host gives the link on their office hours page, before or after the booking; whoever booked sees it on
    their booking (the events service shows it to those two only: the booking event does not carry it, nor whether
    it was given, so the email says where it is, true either way)."""
    uow, mailer = new_uow(), FakeMailer()
    student = await person(uow, "Sam Okafor", language=language)
    host = await person(uow, "Lee Chen", language=language)
    booking = {**office_hour(student, host), "is_virtual": True, "location": None}
    await handlers.office_hours_booked(ev.OfficeHoursBookedV3(**booking), uow)

    to = {m.to: m for m in await sent(uow, mailer)}

    to_student, to_host = (to[uow.notifications.contacts[who]["email"]] for who in (student, host))
    assert to_participant in to_student.text
    assert to_the_host in to_host.text
    for words in not_said:
        assert words not in to_student.text + to_host.text
    assert "share the link" not in to_student.text + to_host.text


async def registrant_opted_out_of_event_updates():
    """Ana, who opted out of event updates, holding a seat at a workshop in five days."""
    uow = new_uow()
    ana = await person(uow, "Ana Reyes", zone="America/Chicago")
    await handlers.change_preferences(commands.ChangePreferences(ana, {Category.EVENT_UPDATES: True}), uow)
    talk = workshop(NOW + timedelta(days=5))
    await handlers.event_published(talk, uow)
    await registered(uow, talk, ana)
    return uow, ana, talk


async def test_an_inbox_item_reads_whole_as_its_email_did_for_someone_who_gets_no_email_of_its_kind():
    """The inbox is the only channel of those who opted out of a kind's emails: an item opened says what the email
    said (its facts and the link to act), in the reader's language, as things stand now."""
    uow, ana, talk = await registrant_opted_out_of_event_updates()
    moved = NOW + timedelta(days=6)
    await handlers.event_updated(updated(talk, 2, ["starts_at", "ends_at"], starts_at=moved,
                                         ends_at=moved + timedelta(hours=1)), uow)
    await sent(uow)
    [update] = [i for i in (await views.inbox(uow, ana, False, 10, POLICY, NOW, listed))[0]
                if i["kind"] == "event_updated"]

    message = await views.inbox_message(uow, ana, update["id"], POLICY, NOW, inbox_composer(Links(WEB)))

    assert message.subject.startswith("New time: Personal statements")
    assert any("March 9, 2027" in p for p in message.paragraphs), message.paragraphs
    assert message.action is not None and message.action.url.startswith(f"{WEB}/events/")
    with pytest.raises(NotInInbox):
        await views.inbox_message(uow, uuid4(), update["id"], POLICY, NOW, inbox_composer(Links(WEB)))


async def test_after_the_reader_changed_language_an_inbox_item_is_listed_and_reads_in_that_language():
    uow = new_uow()
    ana = await person(uow, "Ana Reyes", zone="America/Chicago")
    talk = workshop(NOW + timedelta(days=5))
    await handlers.event_published(talk, uow)
    await registered(uow, talk, ana)
    await sent(uow)
    contact = uow.notifications.contacts[ana]
    await handlers.contact_details_changed(pr.ContactDetailsChangedV3(
        person_id=ana, chapter_id=None, display_name="Ana Reyes", email=contact["email"], timezone="America/Chicago",
        preferred_language="es"), uow)
    [confirmed] = [i for i in (await views.inbox(uow, ana, False, 10, POLICY, NOW, listed))[0]
                   if i["kind"] == "registration_confirmed"]

    message = await views.inbox_message(uow, ana, confirmed["id"], POLICY, NOW, inbox_composer(Links(WEB)))

    assert confirmed["subject"] == message.subject == "Inscripción confirmada: Personal statements"


async def test_someone_who_opted_out_of_event_updates_is_still_emailed_when_their_event_moves():
    """Opting out of event updates stops news (a new title, description, exhibitors), not a new time or place of
    an event one holds a seat at: their calendar entry changes with it, so that email answers their registration."""
    uow, ana, talk = await registrant_opted_out_of_event_updates()
    await sent(uow)

    await handlers.event_updated(updated(talk, 2, ["title"], title="Personal statements, revised"), uow)
    assert await sent(uow) == []
    moved = NOW + timedelta(days=6)
    await handlers.event_updated(updated(talk, 3, ["starts_at", "ends_at"], starts_at=moved,
                                         ends_at=moved + timedelta(hours=1)), uow)
    [email] = await sent(uow)

    assert email.subject.startswith("New time:") and email.attachments  # the calendar entry, moved
    assert "because it concerns your own account, mentorship or registration" in email.text
    assert email.unsubscribe_url is None


@pytest.mark.parametrize("changed", [{"starts_at": NOW + timedelta(days=6), "ends_at": NOW + timedelta(days=6, hours=1)},
                                     {"location": "Library, room 310"}])
async def test_someone_waiting_for_a_place_who_opted_out_of_event_updates_is_still_emailed_when_the_event_moves(
        changed):
    """The unsubscribe page promises a new time or place always reaches them: one deciding whether to keep waiting
    needs it too (nothing in their calendar to change: no entry is attached)."""
    uow = new_uow()
    kim = await person(uow, "Kim Park")
    await handlers.change_preferences(commands.ChangePreferences(kim, {Category.EVENT_UPDATES: True}), uow)
    talk = workshop(NOW + timedelta(days=5))
    await handlers.event_published(talk, uow)
    await registered(uow, talk, kim, status="waitlisted")
    await sent(uow)

    await handlers.event_updated(updated(talk, 1, ["title"], title="Personal statements, revised"), uow)
    assert await sent(uow) == []
    await handlers.event_updated(updated(talk, 2, list(changed), title="Personal statements, revised", **changed), uow)
    [email] = await sent(uow)

    assert email.subject.startswith(("New time:", "New place:")) and email.attachments == ()
    assert "because it concerns your own account, mentorship or registration" in email.text


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("pairing_kind", ["general", "clinical"])
def test_the_waitlist_email_is_true_whatever_keeps_the_mentee_waiting_and_says_nothing_of_why(language, pairing_kind):
    """A mentee may wait because no mentor has room, or because none fits what they asked (a shared identity among
    it): "every mentor is busy" would be false for the second, and the reason is neither the email's to tell nor on
    the event. What it says holds either way: no mentor yet, their place, that they will hear once paired."""
    reader = Reader(language, zone_of("America/Chicago"))
    context = {"recipient": {"display_name": "Sam"}, "program": {"name": "Into Medical School"},
               "program_id": str(uuid4()), "position": 3, "pairing_kind": pairing_kind}
    message = compose("mentee_waitlisted", context, reader, Links(WEB), NOW)
    said = " ".join([message.subject, *message.paragraphs])
    assert not re.search(r"busy|ocupad|free\b|libre|disponible|available|room|cupo|identi|share|compart|fit|encaj",
                         said, re.I), said
    found = {"en": r"We have not yet found you a mentor in Into Medical School.*number 3 on the waitlist",
             "es": r"Todavía no encontramos una persona mentora para ti en Into Medical School.*número 3"}[language]
    assert re.search(found, said), said


@pytest.mark.parametrize("language", ["en", "es"])
async def test_leaving_the_waitlist_is_told_without_a_reason_for_the_wait_either(language):
    """"A mentor is free" would say why they waited (no room), which may not be why."""
    from .samples import gallery

    told = {r.kind: r.email.text for r in await gallery(language) if r.kind in ("mentee_waitlisted", "waitlist_paired")}
    assert set(told) == {"mentee_waitlisted", "waitlist_paired"}
    for text in told.values():
        assert not re.search(r"busy|ocupad|is free|disponible|available", text, re.I), text


@pytest.mark.parametrize(("language", "footer"), [
    # Not "your place on a waitlist": a program of rounds has no line to hold a place in.
    ("en", "You receive this because you get emails of this kind: “Waiting for a mentor in a program”."),
    ("es", "Recibes este mensaje porque recibes correos de este tipo: «La espera de una persona mentora en un "
           "programa».")])
async def test_an_email_one_may_stop_names_its_kind_as_the_notification_settings_do(language, footer):
    from .samples import gallery

    [waiting] = [r.email for r in await gallery(language) if r.kind == "mentee_waitlisted"]
    assert footer in " ".join(waiting.text.split()) and waiting.unsubscribe_url


async def _a_seat_with_a_link(uow):
    sam = await person(uow, "Sam Okafor")
    event = workshop(NOW + timedelta(hours=20), is_virtual=True, location=None)
    await handlers.event_published(event, uow)
    seat = await registered(uow, event, sam)
    await handlers.virtual_access_granted(ev.VirtualAccessGrantedV2(
        registration_id=seat["registration_id"], scheduled_event_id=event.scheduled_event_id, person_id=sam,
        join_url="https://meet.example.org/j/123"), uow)
    await sent(uow)
    return sam, event, seat


async def _reminded(uow, event, seat) -> Email:
    await handlers.reminder_due(ev.ReminderDueV2(**seat, starts_at=event.starts_at, event_id=uuid4()), uow)
    [reminder] = await sent(uow)
    return reminder


async def test_a_suspended_registrants_reminder_and_updates_carry_no_join_link():
    """A coordinator suspended the account (a safeguarding concern, say): the seat is still theirs, and they are
    reminded of it, but no email gives them the way into a session full of students."""
    uow = new_uow()
    sam, event, seat = await _a_seat_with_a_link(uow)
    await handlers.person_suspended(pr.PersonSuspended(person_id=sam, occurred_at=NOW), uow)
    reminder = await _reminded(uow, event, seat)
    assert "meet.example.org" not in reminder.text + reminder.html + str(reminder.attachments)
    await handlers.virtual_access_granted(ev.VirtualAccessGrantedV2(  # granted before the suspension, read after it
        registration_id=seat["registration_id"], scheduled_event_id=event.scheduled_event_id, person_id=sam,
        join_url="https://meet.example.org/j/456"), uow)
    later = event.starts_at + timedelta(hours=2)
    await handlers.event_updated(updated(event, 1, ["starts_at", "ends_at"], starts_at=later,
                                         ends_at=later + timedelta(hours=1)), uow)
    told = await sent(uow)
    assert all("meet.example.org" not in m.text + m.html + str(m.attachments) for m in told)
    assert [m.subject for m in told] == ["New time: Personal statements"]  # no "Your link to join" without a link


async def test_a_reinstated_registrants_reminder_carries_the_link_again():
    uow = new_uow()
    sam, event, seat = await _a_seat_with_a_link(uow)
    await handlers.person_suspended(pr.PersonSuspended(person_id=sam, occurred_at=NOW), uow)
    await handlers.person_reinstated(pr.PersonReinstated(person_id=sam, occurred_at=NOW + timedelta(minutes=1)), uow)
    assert [m.subject for m in await sent(uow)] == ["Your account is active again"]
    assert "Join online: https://meet.example.org/j/123" in (await _reminded(uow, event, seat)).text


async def test_an_older_suspension_read_late_does_not_undo_a_newer_reinstatement():
    uow = new_uow()
    sam, event, seat = await _a_seat_with_a_link(uow)
    await handlers.person_reinstated(pr.PersonReinstated(person_id=sam, occurred_at=NOW), uow)
    await handlers.person_suspended(pr.PersonSuspended(person_id=sam, occurred_at=NOW - timedelta(minutes=1)), uow)
    assert [m.subject for m in await sent(uow)] == ["Your account is active again"]
    assert "Join online: https://meet.example.org/j/123" in (await _reminded(uow, event, seat)).text


async def test_a_restatement_brings_a_suspension_notifications_never_read_and_an_older_one_changes_nothing_newer():
    uow = new_uow()
    sam, event, seat = await _a_seat_with_a_link(uow)
    restated = dict(person_id=sam, chapter_id=None, stage="undergraduate", is_alumni=False)
    await handlers.person_restated(pr.PersonRestated(**restated, suspended=True, occurred_at=NOW), uow)
    assert "meet.example.org" not in (await _reminded(uow, event, seat)).text
    await handlers.person_reinstated(pr.PersonReinstated(person_id=sam, occurred_at=NOW + timedelta(minutes=1)), uow)
    await handlers.person_restated(pr.PersonRestated(**restated, suspended=True, occurred_at=NOW), uow)
    assert [m.subject for m in await sent(uow)] == ["Your account is active again"]
    assert "Join online: https://meet.example.org/j/123" in (await _reminded(uow, event, seat)).text


async def test_a_restated_contact_notifications_never_read_is_where_and_how_the_next_email_reaches_them():
    uow = new_uow()
    sam = await person(uow, "Sam Okafor")  # as notifications last read them, before a restore lost what came after
    await handlers.contact_details_changed(pr.ContactDetailsRestated(
        person_id=sam, chapter_id=None, display_name="Sam Okafor-Diaz", email="sam.new@example.org",
        timezone="America/Chicago", pronouns_for_partner=None, bio_for_partner=None, identity_for_partner={},
        preferred_language="es"), uow)
    event = workshop(NOW + timedelta(days=10))
    await handlers.event_published(event, uow)
    await registered(uow, event, sam)

    [confirmation] = await sent(uow)
    assert confirmation.to == "sam.new@example.org"
    assert "Sam Okafor-Diaz" in confirmation.text and confirmation.subject.startswith("Inscripción confirmada")


async def test_someone_a_coordinator_invites_is_sent_the_invitation_alone_not_a_welcome_to_an_account_they_never_made():
    uow = new_uow()
    invitee, signed_up = await person(uow, "Kevin Walsh"), await person(uow, "Sam Okafor")
    for someone in (invitee, signed_up):
        await handlers.person_registered(pr.PersonRegisteredV2(person_id=someone, chapter_id=None, stage="resident"),
                                         uow)
    await handlers.person_invited(pr.PersonInvited(invitation_id=uuid4(), person_id=invitee, program_id=uuid4(),
                                                   chapter_id=None, role="mentor"), uow)

    assert [message.to.split(".")[0] for message in await sent(uow)] == ["sam"]


async def test_an_invitation_read_before_its_registration_leaves_no_welcome_to_send():
    # A program keeping its members private sends its invitations on another topic than registrations: read first,
    # it withdrew nothing, and the welcome made next went out.
    uow = new_uow()
    invitee = await person(uow, "Kevin Walsh")
    await handlers.person_invited(pr.PrivatePersonInvited(invitation_id=uuid4(), person_id=invitee,
                                                          program_id=uuid4(), chapter_id=None, role="mentor"), uow)
    await handlers.person_registered(pr.PersonRegisteredV2(person_id=invitee, chapter_id=None, stage="resident"), uow)

    assert await sent(uow) == []


async def test_a_welcome_waits_a_little_for_an_invitation_that_withdraws_it_and_goes_once_none_came():
    # A program keeping its members private sends its invitations on another topic than registrations: one can be
    # read after the sender's next round.
    uow, waiting = new_uow(), DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0,
                                             access_link_grace_seconds=0, welcome_grace_seconds=10)
    invitee, signed_up = await person(uow, "Kevin Walsh"), await person(uow, "Sam Okafor")
    for someone in (invitee, signed_up):
        await handlers.person_registered(pr.PersonRegisteredV2(person_id=someone, chapter_id=None, stage="resident"),
                                         uow)
    mailer = FakeMailer()
    await dispatch_due(lambda: uow, renderer(), mailer, waiting, clock=lambda: NOW)
    assert mailer.sent == []
    await handlers.person_invited(pr.PrivatePersonInvited(invitation_id=uuid4(), person_id=invitee,
                                                          program_id=uuid4(), chapter_id=None, role="mentor"), uow)
    later = NOW + timedelta(seconds=11)
    uow.notifications.clock = lambda: later
    await dispatch_due(lambda: uow, renderer(), mailer, waiting, clock=lambda: later)

    assert [message.to.split(".")[0] for message in mailer.sent] == ["sam"]


async def test_a_newcomer_paired_as_they_enrolled_reads_the_welcome_first_and_a_mentor_who_was_welcomed_long_ago_at_once():
    uow, waiting = new_uow(), DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0,
                                             access_link_grace_seconds=0, welcome_grace_seconds=10)
    newcomer, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    await handlers.person_registered(pr.PersonRegisteredV2(person_id=newcomer, chapter_id=None,
                                                           stage="undergraduate"), uow)
    await handlers.pairing_confirmed(ma.PairingConfirmedV4(
        pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=newcomer, mentor_id=mentor, score=80,
        reason_codes=[], pairing_kind="general", term_ends_at=NOW + timedelta(days=365)), uow)
    mailer = FakeMailer()

    for moment in (NOW, NOW + timedelta(seconds=11), NOW + timedelta(seconds=12)):
        uow.notifications.clock = lambda moment=moment: moment
        await dispatch_due(lambda: uow, renderer(), mailer, waiting, clock=lambda moment=moment: moment)

    to_newcomer = [m.subject for m in mailer.sent if m.to == uow.notifications.contacts[newcomer]["email"]]
    assert to_newcomer == ["Welcome to the mentorship platform", "Your new mentor: Ana Reyes"]
    assert mailer.sent[0].to == uow.notifications.contacts[mentor]["email"], "the mentor's waits for no welcome"


async def test_a_changed_join_link_is_told_as_changed_and_moves_the_calendar_entry_to_the_new_link():
    uow = new_uow()
    sam, event, seat = await _a_seat_with_a_link(uow)  # confirmed with https://meet.example.org/j/123
    await handlers.event_updated(updated(event, 1, ["join_url"]), uow)  # events' revision for the new link
    await handlers.virtual_access_granted(ev.VirtualAccessGrantedV2(
        registration_id=seat["registration_id"], scheduled_event_id=event.scheduled_event_id, person_id=sam,
        join_url="https://meet.example.org/j/456"), uow)

    [changed] = await sent(uow)
    assert changed.subject == "The link to join Personal statements has changed"
    assert "the earlier link no longer works" in changed.text and "https://meet.example.org/j/456" in changed.text
    method, entry = calendar_of(changed)
    assert method == "REQUEST" and str(entry["LOCATION"]) == "https://meet.example.org/j/456"
    assert int(entry["SEQUENCE"]) == 1, "past the confirmation's copy, at the event's revision for the new link"



async def test_a_changed_join_link_read_before_the_events_update_still_outranks_the_confirmations_calendar_copy():
    uow = new_uow()
    sam, event, seat = await _a_seat_with_a_link(uow)  # confirmed with https://meet.example.org/j/123, revision 0
    # The new link's grant, on the restricted topic, read before the catalogue's update (revision 1) on the public one.
    await handlers.virtual_access_granted(ev.VirtualAccessGrantedV3(
        registration_id=seat["registration_id"], scheduled_event_id=event.scheduled_event_id, person_id=sam,
        join_url="https://meet.example.org/j/456", revision=1), uow)

    [changed] = await sent(uow)
    method, entry = calendar_of(changed)
    assert method == "REQUEST" and str(entry["LOCATION"]) == "https://meet.example.org/j/456"
    assert int(entry["SEQUENCE"]) == 1, "the revision the grant names, past the confirmation's copy"


async def test_a_changed_email_address_is_told_to_the_address_it_replaces_in_case_it_was_not_them():
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", language="es")
    old = uow.notifications.contacts[sam]["email"]
    await handlers.contact_details_changed(pr.ContactDetailsChangedV3(
        person_id=sam, chapter_id=None, display_name="Sam Okafor", email="sam.new@example.org",
        timezone="America/Los_Angeles", preferred_language="es"), uow)

    [told] = await sent(uow)
    assert told.to == old and told.subject == "Se cambió tu dirección de correo electrónico"
    assert "sam.new@example.org" in told.text and told.unsubscribe_url is None


async def test_a_restated_or_unchanged_address_tells_nobody():
    uow = new_uow()
    sam = await person(uow, "Sam Okafor")
    contact = dict(uow.notifications.contacts[sam])
    await handlers.contact_details_changed(pr.ContactDetailsChangedV3(
        person_id=sam, chapter_id=None, display_name="Sam O.", email=contact["email"].upper()), uow)
    await handlers.contact_details_changed(pr.ContactDetailsRestated(
        person_id=sam, chapter_id=None, display_name="Sam O.", email="sam.restored@example.org", timezone="UTC",
        pronouns_for_partner=None, bio_for_partner=None, identity_for_partner={}, preferred_language=None), uow)

    assert await sent(uow) == []


# What someone made, or no longer, a coordinator or an administrator reads (profiles.staff_roles_changed v2).
STAFF_ROLE = {
    ("en", "coordinator", True): ("You are now a coordinator of Demo Chapter",
                                  ["You are now a coordinator of Demo Chapter: you can invite and vet its people, "
                                   "run its programs and its events, in the console.", "Open the console"]),
    ("en", "coordinator", False): ("You are no longer a coordinator of Demo Chapter",
                                   ["You are no longer a coordinator of Demo Chapter: the console no longer shows you "
                                    "its people, programs or events.",
                                    "If you did not expect this, ask a national administrator."]),
    ("en", "administrator", True): ("You are now a national administrator",
                                    ["You are now a national administrator: in the console, you can see and manage "
                                     "every chapter, program and event.", "Open the console"]),
    ("es", "coordinator", True): ("Ahora coordinas Demo Chapter",
                                  ["Ahora coordinas Demo Chapter: en la consola puedes invitar y validar a sus "
                                   "personas, y llevar sus programas y sus eventos.", "Abrir la consola"]),
    ("es", "administrator", False): ("Ya no formas parte de la administración nacional",
                                     ["Ya no formas parte de la administración nacional: la consola ya no te muestra "
                                      "todos los capítulos, programas y eventos.",
                                      "Si no lo esperabas, consulta a la administración nacional."]),
}


@pytest.mark.parametrize("language, role, granted", list(STAFF_ROLE))
async def test_someone_made_or_no_longer_staff_is_told_what_they_can_do_now(language, role, granted):
    uow = new_uow()
    rita = await person(uow, "Rita Mentor", language=language)
    chapter = uuid4() if role == "coordinator" else None
    if chapter:
        await handlers.chapter_defined(pr.ChapterDefinedV2(chapter_id=chapter, name="Demo Chapter"), uow)

    await handlers.staff_roles_changed(pr.StaffRolesChangedV2(person_id=rita, role=role, granted=granted,
                                                              chapter_id=chapter), uow)

    [told] = await sent(uow)
    subject, said = STAFF_ROLE[language, role, granted]
    text = " ".join(told.text.split())
    assert told.subject == subject
    assert all(sentence in text for sentence in said), text
    assert ("/console" in text) == granted


async def test_a_staff_role_change_that_does_not_say_which_tells_nobody():
    uow = new_uow()
    rita = await person(uow, "Rita Mentor")

    await handlers.staff_roles_changed(pr.StaffRolesChanged(person_id=rita), uow)

    assert await sent(uow) == []


# What a member of staff asked to look into a report of conduct reads (profiles.review_asked): the program, what
# became of the one reported, where the console shows whom; the name of nobody.
REVIEW_ASKED = {
    ("en", "mentee"): ("A report of conduct to look into in Into Medical School",
                       ["A mentor in Into Medical School ended their mentorship over a problem of conduct. The mentee "
                        "they reported is paused: they are paired with nobody new until a coordinator has looked into "
                        "it and resumed them.",
                        "This email names nobody on purpose: the console's home shows whom, under “Needs your "
                        "attention”.", "Open the console"]),
    ("en", "mentor"): ("A report of conduct to look into in Into Medical School",
                       ["A mentee in Into Medical School ended their mentorship over a problem of conduct. The mentor "
                        "they reported is back in vetting: they are paired with nobody new until a coordinator "
                        "approves them again."]),
    ("es", "mentee"): ("Un reporte de conducta por revisar en Into Medical School",
                       ["Una persona mentora de Into Medical School terminó su mentoría por un problema de conducta. "
                        "La persona mentorada a la que reportó está en pausa: no se le asigna ninguna mentoría nueva "
                        "hasta que alguien de la coordinación lo haya revisado y haya reanudado su participación.",
                        "Este correo no nombra a nadie a propósito: la página de inicio de la consola muestra a quién, "
                        "en «Necesita tu atención».", "Abrir la consola"]),
    ("es", "mentor"): ("Un reporte de conducta por revisar en Into Medical School",
                       ["Una persona mentorada de Into Medical School terminó su mentoría por un problema de "
                        "conducta. La persona mentora a la que reportó vuelve a estar pendiente de aprobación: no se "
                        "le asigna ninguna mentoría nueva hasta que alguien de la coordinación vuelva a aprobarla."]),
}


async def a_report_of_conduct(uow, role: str, reason: str = "conduct_reported", **coordinator
                              ) -> tuple[UUID, pr.ReviewAsked]:
    """Sam and Ana's mentorship in a program of Demo Chapter, ended by one of them over the other's conduct: its
    coordinator, Rita, is asked to look into it (the event names neither of them)."""
    rita = await person(uow, "Rita Coordinator", **coordinator)
    await person(uow, "Sam Okafor")
    await person(uow, "Ana Reyes")
    chapter, program = uuid4(), uuid4()
    await handlers.chapter_defined(pr.ChapterDefinedV2(chapter_id=chapter, name="Demo Chapter"), uow)
    await handlers.program_defined(pr.ProgramDefinedV5(
        program_id=program, chapter_id=chapter, name="Into Medical School", mentee_stages=["undergraduate"],
        mentor_stages=["resident"], members_public=True), uow)
    return rita, pr.ReviewAsked(person_id=rita, program_id=program, chapter_id=chapter, role=role,
                                review_reason=reason)


@pytest.mark.parametrize("language, role", list(REVIEW_ASKED))
async def test_a_staff_member_asked_to_look_into_a_report_of_conduct_is_told_what_became_of_whom_it_names_not(
        language, role):
    uow = new_uow()
    rita, asked = await a_report_of_conduct(uow, role, language=language)

    await handlers.review_asked(asked, uow)

    [told] = await sent(uow)
    subject, said = REVIEW_ASKED[language, role]
    text = " ".join(told.text.split())
    assert told.to == uow.notifications.contacts[rita]["email"]
    assert told.subject == subject
    assert all(sentence in text for sentence in said), text
    assert f"{WEB}/console?lang={language}\n" in told.text and f'href="{WEB}/console?lang={language}"' in told.html
    others = [c["display_name"] for person_id, c in uow.notifications.contacts.items() if person_id != rita]
    first_names = "|".join(name.split()[0] for name in others)
    named = re.compile(rf"\b(?:{first_names})\b")
    assert others and not named.search(told.subject + told.text + told.html)


async def test_a_request_to_look_into_a_report_of_conduct_read_twice_is_sent_once():
    uow = new_uow()
    _, asked = await a_report_of_conduct(uow, "mentee")

    await handlers.review_asked(asked, uow)
    await handlers.review_asked(asked, uow)
    assert len(await sent(uow)) == 1

    await handlers.review_asked(asked, uow)
    assert await sent(uow) == []


async def test_a_staff_member_who_opted_out_of_every_email_they_can_is_still_emailed_at_once_to_look_into_a_report():
    """Looking into a report of conduct is part of their role: no category they can turn off, nor one that waits for
    their daily digest, and the email says why they cannot stop it."""
    uow = new_uow()
    rita, asked = await a_report_of_conduct(uow, "mentor")
    opted_out = {category: True for category in Category if category.can_opt_out}
    await handlers.change_preferences(commands.ChangePreferences(rita, opted_out, daily_digest=True), uow)

    await handlers.review_asked(asked, uow)

    [told] = await sent(uow)
    assert told.unsubscribe_url is None and "Stop these emails" not in told.text
    assert "You receive this because it is part of your role as a coordinator or administrator." in " ".join(
        told.text.split())


@pytest.mark.parametrize("language, subject, said", [
    ("en", "A mentor waits for your approval in Into Medical School",
     ["A mentor joined Into Medical School and waits for your approval: no mentee is proposed to them until a "
      "coordinator approves them.", "The console's vetting queue lists everyone waiting. You get one such email a day "
      "at most for each program, and a reminder each week while a mentor has waited three days or more.",
      "Open the vetting queue"]),
    ("es", "Una persona mentora espera tu aprobación en Into Medical School",
     ["Una persona mentora se unió a Into Medical School y espera tu aprobación: no se le propone ninguna persona "
      "mentorada hasta que alguien de la coordinación la apruebe.", "La página «Aprobaciones» de la consola muestra a "
      "todas las personas que esperan. Recibes como mucho un correo así al día por programa, y un recordatorio cada "
      "semana mientras alguien lleve tres días o más esperando.",
      "Abrir las aprobaciones"]),
])
async def test_a_staff_member_is_told_a_mentor_waits_for_their_approval_without_their_name(language, subject, said):
    uow = new_uow()
    rita, asked = await a_report_of_conduct(uow, "mentor", "approval_awaited", language=language)

    await handlers.review_asked(asked, uow)

    [told] = await sent(uow)
    text = " ".join(told.text.split())
    assert told.subject == subject
    assert all(sentence in text for sentence in said), text
    assert f'href="{WEB}/console/vetting?lang={language}"' in told.html
    assert not re.search(r"\b(?:Sam|Ana)\b", told.subject + told.text + told.html)


async def test_mentors_waiting_for_approval_are_told_of_once_a_day_for_each_program():
    """An invitation sent to a chapter's mentors brings them in over days, one by one: each coordinator hears of
    those of a program once a day at most, and the vetting queue lists them all."""
    uow = new_uow()
    rita, asked = await a_report_of_conduct(uow, "mentor", "approval_awaited")
    first = asked.model_copy(update={"occurred_at": datetime(2026, 12, 7, 15, 0, tzinfo=UTC)})
    later_that_day = first.model_copy(update={"event_id": uuid4(),
                                              "occurred_at": first.occurred_at + timedelta(minutes=5)})
    next_day = first.model_copy(update={"event_id": uuid4(), "occurred_at": first.occurred_at + timedelta(days=1)})
    other_program = uuid4()
    await handlers.program_defined(pr.ProgramDefinedV5(
        program_id=other_program, chapter_id=first.chapter_id, name="Into Residency", mentee_stages=["undergraduate"],
        mentor_stages=["resident"], members_public=True), uow)
    elsewhere = first.model_copy(update={"event_id": uuid4(), "program_id": other_program})

    for asked in (first, later_that_day, elsewhere, next_day):
        await handlers.review_asked(asked, uow)

    assert sorted(told.subject for told in await sent(uow)) == [
        "A mentor waits for your approval in Into Medical School",
        "A mentor waits for your approval in Into Medical School",
        "A mentor waits for your approval in Into Residency"]


def enrollment_changed(person_id: UUID, program_id: UUID, role: str, changed: list[str], paused: bool
                       ) -> pr.EnrollmentChangedV4:
    return pr.EnrollmentChangedV4(enrollment_id=uuid4(), person_id=person_id, program_id=program_id, chapter_id=None,
                                  role=role, stage="undergraduate", changed_fields=changed, paused=paused,
                                  occurred_at=datetime(2026, 12, 7, 15, 0, tzinfo=UTC))


@pytest.mark.parametrize("language, subject, said", [
    ("en", "You can be paired with a mentor again in Into Medical School",
     ["A coordinator of Into Medical School has looked into how your last mentorship ended, and your pause is over.",
      "Mentors are proposed to you again, as before: we will email you when one is.", "See the program"]),
    ("es", "Ya se te puede asignar una persona mentora de nuevo en Into Medical School",
     ["Alguien de la coordinación de Into Medical School revisó cómo terminó tu última mentoría, y tu pausa ha "
      "terminado.", "Se te vuelven a proponer personas mentoras, como antes: te escribiremos cuando haya una.",
      "Ver el programa"]),
])
async def test_a_mentee_a_coordinator_resumed_after_a_report_of_conduct_is_told_they_can_be_paired_again(
        language, subject, said):
    uow = new_uow()
    _, asked = await a_report_of_conduct(uow, "mentee")
    sam = await person(uow, "Sam Again", language=language)

    await handlers.enrollment_changed(enrollment_changed(sam, asked.program_id, "mentee", ["paused", "review_reason"],
                                                         paused=False), uow)

    [told] = await sent(uow)
    text = " ".join(told.text.split())
    assert (told.to, told.subject) == (uow.notifications.contacts[sam]["email"], subject)
    assert all(sentence in text for sentence in said), text
    assert f'href="{WEB}/programs/{asked.program_id}?lang={language}"' in told.html


@pytest.mark.parametrize("role, changed, paused", [
    ("mentee", ["paused", "review_reason"], True),  # held after the report: the one reported is not told so
    ("mentee", ["review_reason"], True),  # held while paused already
    ("mentee", ["paused"], False),  # resumed by themselves, after a pause of their own
    ("mentor", ["approval", "review_reason"], False),  # a mentor back in vetting: approving them again tells them
])
async def test_no_other_change_of_an_enrollment_tells_anyone(role, changed, paused):
    uow = new_uow()
    _, asked = await a_report_of_conduct(uow, "mentee")
    sam = await person(uow, "Sam Again")

    await handlers.enrollment_changed(enrollment_changed(sam, asked.program_id, role, changed, paused), uow)

    assert await sent(uow) == []


async def test_a_mentee_resumed_in_two_kinds_of_mentorship_of_a_program_the_same_day_is_told_once():
    uow = new_uow()
    _, asked = await a_report_of_conduct(uow, "mentee")
    sam = await person(uow, "Sam Again")

    for _kind in ("general", "clinical"):
        await handlers.enrollment_changed(enrollment_changed(sam, asked.program_id, "mentee",
                                                             ["paused", "review_reason"], paused=False), uow)

    assert len(await sent(uow)) == 1
