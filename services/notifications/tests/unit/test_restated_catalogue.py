"""The catalogue restated (`events.event_restated`, `python -m events restate catalogue`): each event as the events
service holds it now, for a notifications database that lacks its history (rebuilt from the topics, restored from an
older backup). Applied as what the catalogue says now; nobody is told anything by it."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from mentorship_contracts import events as ev
from notifications.service_layer import handlers

from .fakes import FakeMailer
from .test_discreet_subjects import TITLE
from .test_what_people_receive import NOW, new_uow, person, sent, workshop


def restated(event: ev.EventPublishedV2, *, attendees_public: bool = False, state: str = "published",
             revision: int = 0, **changes) -> ev.EventRestated:
    values = event.model_dump(exclude={"event_id", "event_type", "schema_version", "occurred_at"})
    return ev.EventRestated(**{**values, **changes}, attendees_public=attendees_public, state=state, revision=revision)


async def test_an_event_inferred_public_from_its_registrations_is_not_named_once_the_catalogue_is_restated_private():
    # Published before 2026-12-05 (no `attendees_public`), registered for on the public topic as every event was
    # before 2026-12-04: a database rebuilt from the topics took it for public.
    uow = new_uow()
    sam = await person(uow, "Sam Okafor")
    event = workshop(NOW + timedelta(hours=29), title=TITLE)
    await handlers.event_published(event, uow)
    registration = dict(registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, chapter_id=None,
                        person_id=sam)
    await handlers.registration_confirmed(ev.RegistrationConfirmedV2(**registration), uow)
    await sent(uow)

    await handlers.event_restated(restated(event, attendees_public=False), uow)

    assert await sent(uow) == []  # the restatement itself tells nobody anything
    await handlers.reminder_due(ev.ReminderDueV2(**registration, starts_at=event.starts_at), uow)
    [reminder] = await sent(uow)
    assert reminder.subject == "Tomorrow at 4:00\u202fPM (Central Standard Time): an event you registered for"


async def test_an_event_never_read_is_known_as_restated_with_its_details_revision_and_whether_it_is_named():
    uow = new_uow()
    event = workshop(NOW + timedelta(hours=29), title=TITLE)

    await handlers.event_restated(restated(event, attendees_public=True, revision=3, location="Room 9"), uow)

    listing = await uow.notifications.listing(event.scheduled_event_id)
    assert (listing["title"], listing["location"], listing["attendees_public"], listing["revision"]) == (
        TITLE, "Room 9", True, 3)
    assert listing["cancelled_at"] is None


async def test_a_restated_cancelled_event_is_known_as_cancelled_and_nobody_is_told_again():
    uow = new_uow()
    sam = await person(uow, "Sam Okafor")
    event = workshop(NOW + timedelta(hours=29), title=TITLE)
    await handlers.event_published(event, uow)
    await handlers.registration_confirmed(ev.RegistrationConfirmedV2(
        registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, chapter_id=None, person_id=sam), uow)
    await sent(uow)

    await handlers.event_restated(restated(event, state="cancelled", revision=1), uow)

    assert await sent(uow) == []
    listing = await uow.notifications.listing(event.scheduled_event_id)
    assert listing["cancelled_at"] is not None and listing["revision"] == 1


async def test_restated_registrations_make_their_people_registrants_again_telling_nobody_and_only_public_ones_say_so():
    # A notifications database restored from a backup older than these registrations: an organizer's message and a
    # cancellation reach the people restated, and only a registration on the public topic says its event is public.
    uow = new_uow()
    seated, waiting = await person(uow, "Sam Okafor"), await person(uow, "Kai Lee")
    event = workshop(NOW + timedelta(hours=29), title=TITLE)
    await handlers.event_published(event, uow)
    registered = dict(scheduled_event_id=event.scheduled_event_id, chapter_id=None, registered_at=NOW)
    await handlers.registration_restated(ev.PrivateRegistrationRestated(
        registration_id=uuid4(), person_id=seated, status="confirmed", **registered), uow)
    await handlers.registration_restated(ev.PrivateRegistrationRestated(
        registration_id=uuid4(), person_id=waiting, status="waitlisted", **registered), uow)

    assert await sent(uow) == []
    assert {(p, status) for p, _, status in await uow.notifications.registrants(event.scheduled_event_id)} == {
        (seated, "confirmed"), (waiting, "waitlisted")}
    assert (await uow.notifications.listing(event.scheduled_event_id))["attendees_public"] is False
    await handlers.registration_restated(ev.RegistrationRestated(
        registration_id=uuid4(), person_id=seated, status="cancelled", **registered), uow)
    assert (await uow.notifications.listing(event.scheduled_event_id))["attendees_public"] is True
    assert await sent(uow) == []


async def test_a_restated_office_hour_booking_is_known_again_and_reminded_without_a_second_confirmation():
    # A database restored from before the booking: its confirmations went then; its reminders are still to go, and
    # a cancellation still needs the booking to say what it takes out of a calendar.
    uow, mailer = new_uow(), FakeMailer()
    student, host = await person(uow, "Sam Okafor"), await person(uow, "Lee Chen", zone="America/Chicago")
    starts = NOW + timedelta(days=3)
    booking = dict(slot_id=uuid4(), host_id=host, person_id=student, chapter_id=None, starts_at=starts,
                   ends_at=starts + timedelta(minutes=30), booking_id=uuid4(), is_virtual=False, location="Office 310")

    await handlers.office_hours_booking_restated(ev.OfficeHoursBookingRestated(**booking), uow)
    await handlers.office_hours_booking_restated(ev.OfficeHoursBookingRestated(**booking), uow)  # restated twice

    assert await sent(uow, mailer) == []
    reminders = await sent(uow, mailer, now=starts - timedelta(hours=23))
    assert sorted(m.subject for m in reminders) == ["Tomorrow at 11:00\u202fAM: office hour with Sam Okafor",
                                                    "Tomorrow at 9:00\u202fAM: office hour with Lee Chen"]
