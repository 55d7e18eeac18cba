"""An inbox item about a registration its reader has since cancelled, or a waitlist place since turned into a seat,
no longer claims the old state with the event's details of today: it is shown as it was sent (its subject), with a
line saying what changed since, in the reader's language now. A reminder, once its event has begun or it no longer
holds, names the day it spoke of, never "today" or "tomorrow" counted from the day it is read."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from mentorship_contracts import events as ev
from mentorship_contracts import profiles as pr
from notifications.adapters.links import Links
from notifications.adapters.messages import Message, inbox_composer
from notifications.service_layer import handlers, views
from notifications.service_layer.dispatch import DispatchPolicy, dispatch_due
from plumbing.testing import FakeUnitOfWork

from .fakes import FakeMailer, FakeNotifications
from .samples import WEB, renderer

POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0, access_link_grace_seconds=0, welcome_grace_seconds=0)
NOW = datetime(2027, 3, 3, 17, tzinfo=UTC)  # 11:00 in Chicago
TWO_PM_TOMORROW = datetime(2027, 3, 4, 20, tzinfo=UTC)  # in Chicago


def new_uow() -> FakeUnitOfWork:
    uow = FakeUnitOfWork(notifications=FakeNotifications())
    uow.notifications.clock = lambda: NOW
    return uow


async def person(uow, name: str, language: str = "en"):
    contact = pr.ContactDetailsChangedV3(person_id=uuid4(), chapter_id=None, display_name=name,
                                         email=f"{uuid4().hex[:8]}@example.org", timezone="America/Chicago",
                                         preferred_language=language)
    await handlers.contact_details_changed(contact, uow)
    return contact.person_id


async def sent(uow, now=NOW) -> list:
    mailer = FakeMailer()
    uow.notifications.clock = lambda: now
    render = renderer()
    render._clock = lambda: now
    await dispatch_due(lambda: uow, render, mailer, POLICY, clock=lambda: now)
    return mailer.sent


async def inbox(uow, person_id, now=NOW) -> dict[str, tuple[str, Message]]:
    """Each item by kind: its subject in the inbox list, and the message opened."""
    compose = inbox_composer(Links(WEB), clock=lambda: now)
    items, _ = await views.inbox(uow, person_id, False, 50, POLICY, now,
                                 lambda n, subject, context: compose(n, subject, context).subject)
    return {item["kind"]: (item["subject"], await views.inbox_message(uow, person_id, item["id"], POLICY, now,
                                                                      compose)) for item in items}


def workshop(starts: datetime) -> ev.EventPublishedV2:
    return ev.EventPublishedV2(
        scheduled_event_id=uuid4(), chapter_id=None, kind="workshop", title="Personal statements", starts_at=starts,
        ends_at=starts + timedelta(hours=2), timezone="America/Chicago", capacity=1, audience_stages=[],
        registration_deadline=starts, is_virtual=False, location="Room 2")


def registration(event, person_id) -> dict:
    return dict(registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, chapter_id=None,
                person_id=person_id)


def moved(event: ev.EventPublishedV2, starts: datetime, location: str) -> ev.EventUpdatedV3:
    values = event.model_dump(exclude={"event_id", "event_type", "schema_version", "occurred_at"})
    return ev.EventUpdatedV3(**{**values, "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                                "location": location}, changed_fields=["starts_at", "ends_at", "location"], revision=1)


async def seated(uow) -> tuple:
    """Jordan, with a seat at a workshop tomorrow at 2 PM, told so by email: the person, the event, the seat."""
    jordan = await person(uow, "Jordan Lee")
    event = workshop(TWO_PM_TOMORROW)
    await handlers.event_published(event, uow)
    seat = registration(event, jordan)
    await handlers.registration_confirmed(ev.RegistrationConfirmedV2(**seat), uow)
    await sent(uow)
    return jordan, event, seat


async def reminded(uow, event, seat) -> None:
    await handlers.reminder_due(ev.ReminderDueV2(**seat, starts_at=event.starts_at), uow)
    [reminder] = await sent(uow)
    assert reminder.subject == "Tomorrow at 2:00\u202fPM: Personal statements"


async def test_a_registration_cancelled_since_keeps_its_items_as_sent_saying_so_not_the_events_new_time_and_room():
    uow = new_uow()
    jordan, event, seat = await seated(uow)
    await reminded(uow, event, seat)
    await handlers.registration_cancelled(ev.RegistrationCancelledV3(**seat, cancelled_by="registrant"), uow)
    await sent(uow)

    await handlers.event_updated(moved(event, TWO_PM_TOMORROW + timedelta(hours=1, minutes=30), "Room 310"), uow)
    assert await sent(uow) == [], "no longer registered, he is not told"

    items = await inbox(uow, jordan, now=NOW + timedelta(hours=1))
    listed, confirmation = items["registration_confirmed"]
    assert listed == confirmation.subject == "You're registered: Personal statements"
    cancelled_since = ["Your registration for Personal statements has been cancelled since."]
    assert (confirmation.paragraphs, confirmation.details) == (cancelled_since, [])
    listed, reminder = items["event_reminder"]
    assert listed == reminder.subject == "Thursday, March 4, 2027: Personal statements"
    assert (reminder.paragraphs, reminder.details) == (cancelled_since, [])


async def test_a_waitlist_place_turned_into_a_seat_keeps_its_item_as_sent_saying_so_in_the_readers_language():
    uow = new_uow()
    lucia, ana = await person(uow, "Lucía Gómez", language="es"), await person(uow, "Ana Reyes")
    event = workshop(TWO_PM_TOMORROW)
    await handlers.event_published(event, uow)
    seat, waiting = registration(event, ana), registration(event, lucia)
    await handlers.registration_confirmed(ev.RegistrationConfirmedV2(**seat), uow)
    await handlers.registration_waitlisted(ev.RegistrationWaitlistedV2(**waiting, position=1), uow)
    await sent(uow)

    await handlers.registration_cancelled(ev.RegistrationCancelledV3(**seat, cancelled_by="registrant"), uow)
    await handlers.registration_promoted(ev.RegistrationPromotedV2(**waiting), uow)
    await handlers.event_updated(moved(event, TWO_PM_TOMORROW + timedelta(hours=1, minutes=30), "Room 310"), uow)
    await sent(uow)

    items = await inbox(uow, lucia)
    listed, waitlisted = items["registration_waitlisted"]
    assert listed == waitlisted.subject == "En la lista de espera de Personal statements: tienes el número 1"
    assert (waitlisted.paragraphs, waitlisted.details) == (
        ["Desde entonces se liberó un lugar para ti en Personal statements."], [])
    _, promoted = items["registration_promoted"]
    assert "3:30" in str(promoted.details), "the seat she holds is told with what it is now"


async def test_a_waitlist_place_turned_into_a_seat_before_its_email_went_is_still_told_then_the_seat():
    # An email accepted is sent, in order, whatever happened since (a backlog after a fault): nothing is lost.
    uow = new_uow()
    lucia = await person(uow, "Lucía Gómez")
    event = workshop(TWO_PM_TOMORROW)
    await handlers.event_published(event, uow)
    waiting = registration(event, lucia)
    await handlers.registration_waitlisted(ev.RegistrationWaitlistedV2(**waiting, position=1), uow)
    await handlers.registration_promoted(ev.RegistrationPromotedV2(**waiting), uow)

    subjects = [m.subject for m in await sent(uow)]
    assert len(subjects) == 2 and subjects[1] == "A place freed up: you're in for Personal statements"


async def test_a_reminder_read_once_its_event_has_begun_names_its_day_not_today_or_tomorrow():
    uow = new_uow()
    jordan, event, seat = await seated(uow)
    await reminded(uow, event, seat)

    assert (await inbox(uow, jordan, now=TWO_PM_TOMORROW - timedelta(hours=3)))["event_reminder"][0] \
        == "Today at 2:00\u202fPM: Personal statements", "ahead, counted from the day it is read"
    for later in (timedelta(minutes=30), timedelta(days=3)):
        listed, reminder = (await inbox(uow, jordan, now=TWO_PM_TOMORROW + later))["event_reminder"]
        assert listed == reminder.subject == "Thursday, March 4, 2027: Personal statements"
