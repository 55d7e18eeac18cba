"""An inbox item says what its email said: a reminder read while its event is under way is whole (its time, place
and join link, when people open it to join); an item that still holds keeps the times, places and days it was sent
with, saying in a line, with a link, that the event has changed since; an item that no longer holds says what
changed and links to where its reader goes now."""

from datetime import timedelta
from uuid import uuid4

from mentorship_contracts import events as ev
from notifications.adapters.links import Links
from notifications.adapters.messages import Message, inbox_composer
from notifications.service_layer import handlers, views

from .samples import WEB
from .test_inbox_after_ones_own_change import (
    NOW,
    POLICY,
    TWO_PM_TOMORROW,
    inbox,
    moved,
    new_uow,
    person,
    registration,
    reminded,
    seated,
    sent,
    workshop,
)

THURSDAY_TWO_TO_FOUR = "Thursday, March 4, 2027, 2:00\u202fPM \u2013 4:00\u202fPM (Central Standard Time)"


async def items_of(uow, person_id, kind: str, now=NOW) -> list[Message]:
    """Its items of that kind opened, newest first."""
    compose = inbox_composer(Links(WEB), clock=lambda: now)
    items, _ = await views.inbox(uow, person_id, False, 50, POLICY, now, lambda n, subject, context: subject)
    return [await views.inbox_message(uow, person_id, item["id"], POLICY, now, compose) for item in items
            if item["kind"] == kind]


def when(message: Message) -> str:
    return next(d.value for d in message.details if d.label == "When")


async def test_a_reminder_read_while_its_event_is_under_way_shows_its_time_place_and_join_link_naming_its_day():
    uow = new_uow()
    jordan = await person(uow, "Jordan Lee")
    event = workshop(TWO_PM_TOMORROW).model_copy(update={"is_virtual": True})
    await handlers.event_published(event, uow)
    seat = registration(event, jordan)
    await handlers.registration_confirmed(ev.RegistrationConfirmedV2(**seat), uow)
    await handlers.virtual_access_granted(ev.VirtualAccessGrantedV2(
        registration_id=seat["registration_id"], scheduled_event_id=event.scheduled_event_id, person_id=jordan,
        join_url="https://meet.example.org/statements"), uow)
    await sent(uow)
    await reminded(uow, event, seat)

    listed, reminder = (await inbox(uow, jordan, now=TWO_PM_TOMORROW + timedelta(minutes=10)))["event_reminder"]
    assert listed == reminder.subject == "Thursday, March 4, 2027: Personal statements"
    assert reminder.paragraphs == ["A reminder: Personal statements is coming up."]
    assert ("Join online", "https://meet.example.org/statements") in [(d.label, d.href) for d in reminder.details]

    _, ended = (await inbox(uow, jordan, now=TWO_PM_TOMORROW + timedelta(hours=2)))["event_reminder"]
    assert (ended.paragraphs, ended.details) == ([], []), "over once the event has ended"


async def test_a_reminder_not_sent_before_its_event_began_is_not_sent_after():
    uow = new_uow()
    jordan, event, seat = await seated(uow)
    await handlers.reminder_due(ev.ReminderDueV2(**seat, starts_at=event.starts_at), uow)

    assert await sent(uow, now=TWO_PM_TOMORROW + timedelta(minutes=10)) == []


async def test_a_waitlist_place_keeps_the_day_it_was_sent_with_and_says_the_event_has_changed_since():
    uow = new_uow()
    lucia, ana = await person(uow, "Lucía Gómez"), await person(uow, "Ana Reyes")
    event = workshop(TWO_PM_TOMORROW)
    await handlers.event_published(event, uow)
    await handlers.registration_confirmed(ev.RegistrationConfirmedV2(**registration(event, ana)), uow)
    await handlers.registration_waitlisted(ev.RegistrationWaitlistedV2(**registration(event, lucia), position=1), uow)
    await sent(uow)

    await handlers.event_updated(moved(event, TWO_PM_TOMORROW + timedelta(days=1), "Room 310"), uow)
    await sent(uow)

    [waitlisted] = await items_of(uow, lucia, "registration_waitlisted")
    assert when(waitlisted) == THURSDAY_TWO_TO_FOUR
    assert ("Where", "Room 2") in [(d.label, d.value) for d in waitlisted.details]
    assert waitlisted.paragraphs == ["Personal statements is full. You are number 1 on its waitlist; we will email "
                                     "you if a place frees up before it starts. Once it has started, its organizers "
                                     "give a place that frees up to someone at the door.",
                                     "The event has changed since: see its page."]
    assert waitlisted.action is not None and waitlisted.action.url == f"{WEB}/events/{event.scheduled_event_id}?lang=en"


async def test_an_update_keeps_the_move_its_email_told_not_one_made_of_a_later_move():
    uow = new_uow()
    jordan = await person(uow, "Jordan Lee")
    event = workshop(TWO_PM_TOMORROW)
    await handlers.event_published(event, uow)
    await handlers.registration_confirmed(ev.RegistrationConfirmedV2(**registration(event, jordan)), uow)
    await sent(uow)
    an_hour_later = moved(event, TWO_PM_TOMORROW + timedelta(hours=1), "Room 2").model_copy(
        update={"changed_fields": ["starts_at", "ends_at"]})
    await handlers.event_updated(an_hour_later, uow)
    [first_email] = await sent(uow, now=NOW + timedelta(minutes=1))
    next_day = moved(event, TWO_PM_TOMORROW + timedelta(days=1, hours=3), "Room 2").model_copy(
        update={"changed_fields": ["starts_at", "ends_at"], "revision": 2})
    await handlers.event_updated(next_day, uow)
    await sent(uow, now=NOW + timedelta(minutes=2))

    latest, first = await items_of(uow, jordan, "event_updated")
    assert first.paragraphs == [
        "Personal statements, which you registered for, has changed.",
        "It now takes place Thursday, March 4, 2027, 3:00\u202fPM \u2013 5:00\u202fPM (Central Standard "
        f"Time); it was {THURSDAY_TWO_TO_FOUR}.",
        "The event has changed since: see its page."]
    assert first.paragraphs[1] in first_email.text
    assert when(first).startswith("Thursday, March 4, 2027, 3:00")
    assert latest.paragraphs[1].startswith("It now takes place Friday, March 5, 2027, 5:00")
    assert "The event has changed since: see its page." not in latest.paragraphs


async def test_a_registration_cancelled_since_names_its_event_to_its_registrant_and_links_to_it():
    uow = new_uow()
    jordan = await person(uow, "Jordan Lee", language="es")
    event = workshop(TWO_PM_TOMORROW)
    await handlers.event_published(event, uow)
    seat = registration(event, jordan)
    await handlers.registration_confirmed(ev.RegistrationConfirmedV2(**seat), uow)
    await sent(uow)
    await handlers.registration_cancelled(ev.RegistrationCancelledV3(**seat, cancelled_by="registrant"), uow)
    await sent(uow)

    [confirmation] = await items_of(uow, jordan, "registration_confirmed")
    assert confirmation.paragraphs == ["Tu inscripción en Personal statements se ha cancelado desde entonces."]
    assert confirmation.action is not None
    assert (confirmation.action.label, confirmation.action.url) == (
        "Ver el evento", f"{WEB}/events/{event.scheduled_event_id}?lang=es")


async def test_a_waitlist_place_turned_into_a_seat_links_to_the_seat():
    uow = new_uow()
    lucia, ana = await person(uow, "Lucía Gómez"), await person(uow, "Ana Reyes")
    event = workshop(TWO_PM_TOMORROW)
    await handlers.event_published(event, uow)
    seat, waiting = registration(event, ana), registration(event, lucia)
    await handlers.registration_confirmed(ev.RegistrationConfirmedV2(**seat), uow)
    await handlers.registration_waitlisted(ev.RegistrationWaitlistedV2(**waiting, position=1), uow)
    await handlers.registration_cancelled(ev.RegistrationCancelledV3(**seat, cancelled_by="registrant"), uow)
    await handlers.registration_promoted(ev.RegistrationPromotedV2(**waiting), uow)
    await sent(uow)

    _, waitlisted = (await inbox(uow, lucia))["registration_waitlisted"]
    assert waitlisted.paragraphs == ["A place at Personal statements has freed up for you since."]
    assert waitlisted.action is not None and waitlisted.action.url == f"{WEB}/events/{event.scheduled_event_id}?lang=en"


async def test_an_office_hour_cancelled_since_says_so_and_links_to_office_hours():
    uow = new_uow()
    sam, lee = await person(uow, "Sam Okafor"), await person(uow, "Lee Chen", language="es")
    booking = dict(slot_id=uuid4(), host_id=lee, person_id=sam, chapter_id=None, starts_at=TWO_PM_TOMORROW,
                   ends_at=TWO_PM_TOMORROW + timedelta(minutes=30), booking_id=uuid4(), is_virtual=True)
    await handlers.office_hours_booked(ev.OfficeHoursBookedV3(**booking), uow)
    await sent(uow)
    await handlers.office_hours_booking_cancelled(ev.OfficeHoursBookingCancelledV3(
        **booking, cancelled_by="participant"), uow)
    await sent(uow)

    [booked] = await items_of(uow, sam, "office_hours_booked")
    assert booked.subject == "Office hour booked with Lee Chen on Thursday, March 4, 2027 at 2:00\u202fPM"
    assert booked.paragraphs == ["This office hour booking has been cancelled since."]
    assert booked.action is not None and booked.action.url == f"{WEB}/office-hours?lang=en"
    [booked_host] = await items_of(uow, lee, "office_hours_booked_host")
    assert booked_host.paragraphs == ["Esta reserva de hora de orientación se ha cancelado desde entonces."]
    assert booked_host.action is not None and booked_host.action.url == f"{WEB}/my-office-hours?lang=es"
