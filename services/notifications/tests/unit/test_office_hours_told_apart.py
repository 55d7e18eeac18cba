"""Two office hours of one host booked by one person are two messages their reader tells apart: each subject naming
the other side says the slot's day and time too, in the reader's zone and language, in the email and the inbox (also
once it is over, when the inbox says its subject again)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from mentorship_contracts import events as ev
from mentorship_contracts import profiles as pr
from notifications.adapters.links import Links
from notifications.adapters.messages import inbox_composer
from notifications.service_layer import handlers, views
from notifications.service_layer.dispatch import DispatchPolicy, dispatch_due
from plumbing.testing import FakeUnitOfWork

from .fakes import FakeMailer, FakeNotifications
from .samples import WEB, renderer

POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0)
NOW = datetime(2026, 12, 3, 17, tzinfo=UTC)
# Thursday 10 December 2026: 3:00 PM and 4:00 PM in Chicago (the host's), 1:00 PM and 2:00 PM in Los Angeles.
FIRST, SECOND = datetime(2026, 12, 10, 21, tzinfo=UTC), datetime(2026, 12, 10, 22, tzinfo=UTC)
DAY = "Thursday, December 10, 2026"


async def person(uow, name: str, zone: str, language: str = "en") -> UUID:
    contact = pr.ContactDetailsChangedV3(person_id=uuid4(), chapter_id=None, display_name=name,
                                         email=f"{uuid4().hex[:8]}@example.org", timezone=zone,
                                         preferred_language=language)
    await handlers.contact_details_changed(contact, uow)
    return contact.person_id


async def two_office_hours_booked_by_one_person(host_language: str = "en"):
    uow = FakeUnitOfWork(notifications=FakeNotifications())
    uow.notifications.clock = lambda: NOW
    kofi = await person(uow, "Kofi Mensah", "America/Los_Angeles")
    lee = await person(uow, "Lee Chen", "America/Chicago", host_language)
    bookings = [dict(slot_id=uuid4(), host_id=lee, person_id=kofi, chapter_id=None, starts_at=starts,
                     ends_at=starts + timedelta(minutes=30), booking_id=uuid4(), is_virtual=True)
                for starts in (FIRST, SECOND)]
    for booking in bookings:
        await handlers.office_hours_booked(ev.OfficeHoursBookedV3(**booking, occurred_at=NOW), uow)
    return uow, kofi, lee, bookings


async def sent(uow, now: datetime = NOW) -> dict[str, list[str]]:
    """The subjects of the emails one dispatch sends, by address."""
    mailer = FakeMailer()
    uow.notifications.clock = lambda: now
    render = renderer()
    render._clock = lambda: now
    await dispatch_due(lambda: uow, render, mailer, POLICY, clock=lambda: now)
    subjects: dict[str, list[str]] = {}
    for message in mailer.sent:
        subjects.setdefault(message.to, []).append(message.subject)
    return {to: sorted(said) for to, said in subjects.items()}


def to(uow, person_id: UUID) -> str:
    return uow.notifications.contacts[person_id]["email"]


async def listed(uow, person_id: UUID, now: datetime = NOW) -> list[str]:
    composer = inbox_composer(Links(WEB), clock=lambda: now)
    items, _ = await views.inbox(uow, person_id, False, 50, POLICY, now,
                                 lambda n, subject, context: composer(n, subject, context).subject)
    return sorted(item["subject"] for item in items)


@pytest.mark.parametrize(("language", "booked"), [
    ("en", ["Kofi Mensah booked your office hour on Thursday, December 10, 2026 at 3:00\u202fPM",
            "Kofi Mensah booked your office hour on Thursday, December 10, 2026 at 4:00\u202fPM"]),
    ("es", ["Kofi Mensah reservó tu hora de orientación del jueves, 10 de diciembre de 2026 a las 3:00\u202fp.m.",
            "Kofi Mensah reservó tu hora de orientación del jueves, 10 de diciembre de 2026 a las 4:00\u202fp.m."]),
])
async def test_a_host_whose_two_slots_one_person_booked_tells_the_bookings_apart_by_their_day_and_time(language,
                                                                                                      booked):
    uow, kofi, lee, _ = await two_office_hours_booked_by_one_person(language)

    emails = await sent(uow)

    assert emails[to(uow, lee)] == booked, "in the host's zone (Chicago) and language"
    assert emails[to(uow, kofi)] == [f"Office hour booked with Lee Chen on {DAY} at 1:00\u202fPM",
                                     f"Office hour booked with Lee Chen on {DAY} at 2:00\u202fPM"], "in Los Angeles"
    assert await listed(uow, lee) == booked


async def test_each_cancellation_or_withdrawal_of_two_such_office_hours_says_which_one_it_was_and_the_inbox_too():
    uow, kofi, lee, (first, second) = await two_office_hours_booked_by_one_person()
    await sent(uow)

    await handlers.office_hours_booking_cancelled(ev.OfficeHoursBookingCancelledV3(
        **first, cancelled_by="participant", reason_code="cancelled"), uow)
    await handlers.office_hours_booking_cancelled(ev.OfficeHoursBookingCancelledV3(
        **second, cancelled_by="host", reason_code="slot_withdrawn"), uow)
    emails = await sent(uow)

    assert emails[to(uow, lee)] == [f"Cancelled: your office hour with Kofi Mensah on {DAY} at 3:00\u202fPM",
                                    f"You withdrew your office hour with Kofi Mensah on {DAY} at 4:00\u202fPM"]
    assert emails[to(uow, kofi)] == [f"Cancelled: your office hour with Lee Chen on {DAY} at 2:00\u202fPM",
                                     f"You cancelled your office hour with Lee Chen on {DAY} at 1:00\u202fPM"]
    # The confirmations no longer hold: the inbox says their subjects again, each booking's day and time with them.
    assert await listed(uow, lee) == sorted([
        *emails[to(uow, lee)], f"Kofi Mensah booked your office hour on {DAY} at 3:00\u202fPM",
        f"Kofi Mensah booked your office hour on {DAY} at 4:00\u202fPM"])


async def test_the_cancellations_of_two_office_hours_booked_by_someone_who_left_the_platform_say_which_one_each_was():
    uow, kofi, lee, bookings = await two_office_hours_booked_by_one_person()
    await sent(uow)

    for booking in bookings:
        await handlers.office_hours_booking_cancelled(ev.OfficeHoursBookingCancelledV3(
            **booking, cancelled_by="participant", reason_code="person_erased"), uow)
    await handlers.person_erased(pr.PersonErasedV2(person_id=kofi), uow)

    assert (await sent(uow))[to(uow, lee)] == [f"Cancelled: your office hour on {DAY} at 3:00\u202fPM",
                                               f"Cancelled: your office hour on {DAY} at 4:00\u202fPM"]


async def test_the_links_to_join_two_such_office_hours_are_told_apart_by_their_day_and_time():
    uow, kofi, _, bookings = await two_office_hours_booked_by_one_person()
    await sent(uow)

    for booking in bookings:
        await handlers.office_hours_link_given(ev.OfficeHoursLinkGiven(**booking, replaces_earlier=False,
                                                                       occurred_at=NOW), uow)

    assert (await sent(uow))[to(uow, kofi)] == [
        f"The link to join your office hour with Lee Chen on {DAY} at 1:00\u202fPM",
        f"The link to join your office hour with Lee Chen on {DAY} at 2:00\u202fPM"]


async def test_the_reminders_of_two_such_office_hours_read_once_both_are_over_still_say_which_one_each_was():
    uow, _, lee, _ = await two_office_hours_booked_by_one_person()
    await sent(uow)
    await sent(uow, now=FIRST - timedelta(hours=23))  # both reminders: "Tomorrow at 3:00 PM", "… 4:00 PM"

    reminders = [subject for subject in await listed(uow, lee, now=SECOND + timedelta(days=1))
                 if subject.startswith("Office hour with")]

    assert reminders == [f"Office hour with Kofi Mensah on {DAY} at 3:00\u202fPM",
                         f"Office hour with Kofi Mensah on {DAY} at 4:00\u202fPM"]
