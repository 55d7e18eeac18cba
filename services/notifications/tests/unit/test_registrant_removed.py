"""A registrant an organizer removed is told so once, with the organizer's reason (from the restricted topic), in
their language, whichever of the two events about the removal arrives first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from icalendar import Calendar
from mentorship_contracts import events as ev
from mentorship_contracts import profiles as pr
from notifications.service_layer import handlers
from notifications.service_layer.dispatch import DispatchPolicy, dispatch_due
from plumbing.testing import FakeUnitOfWork

from .fakes import FakeMailer, FakeNotifications
from .samples import renderer

POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0, access_link_grace_seconds=0, welcome_grace_seconds=0)
NOW = datetime(2027, 3, 3, 17, tzinfo=UTC)
REASON = "This workshop is for first-year students; you have registered for the second-year one."


def new_uow() -> FakeUnitOfWork:
    uow = FakeUnitOfWork(notifications=FakeNotifications())
    uow.notifications.clock = lambda: NOW
    return uow


async def sent(uow) -> list:
    mailer, render = FakeMailer(), renderer()
    render._clock = lambda: NOW
    await dispatch_due(lambda: uow, render, mailer, POLICY)
    return mailer.sent


async def seated(uow, language: str = "en") -> dict:
    """A person, told of their confirmed seat at a workshop already; their registration's fields."""
    contact = pr.ContactDetailsChangedV3(person_id=uuid4(), chapter_id=None, display_name="Sam Okafor",
                                         email=f"sam.{uuid4().hex[:6]}@example.org", timezone="America/Chicago",
                                         preferred_language=language)
    await handlers.contact_details_changed(contact, uow)
    starts = NOW + timedelta(days=3)
    event = ev.EventPublishedV2(
        scheduled_event_id=uuid4(), chapter_id=None, kind="workshop", title="Personal statements", starts_at=starts,
        ends_at=starts + timedelta(hours=1), timezone="America/Chicago", capacity=2, audience_stages=[],
        registration_deadline=starts, is_virtual=False, location="Student centre, room 2")
    await handlers.event_published(event, uow)
    registration = dict(registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, chapter_id=None,
                        person_id=contact.person_id)
    await handlers.registration_confirmed(ev.RegistrationConfirmedV2(**registration), uow)
    await sent(uow)
    return registration


def removal(registration: dict, reason: str | None) -> tuple[ev.RegistrationCancelledV3, ev.RegistrantRemoved]:
    return (ev.RegistrationCancelledV3(**registration, cancelled_by="organiser", removed_by_organiser=True),
            ev.RegistrantRemoved(**registration, reason=reason, held_seat=True))


async def test_a_removed_registrant_is_told_once_with_the_organiser_s_reason_and_the_calendar_entry_cancelled():
    uow = new_uow()
    registration = await seated(uow)
    public, restricted = removal(registration, REASON)

    await handlers.registration_cancelled(public, uow)
    await handlers.registrant_removed(restricted, uow)
    [told] = await sent(uow)

    assert told.subject == "Your registration for Personal statements was cancelled by the organizers"
    assert f"The reason they gave: {REASON}" in told.text and "The reason they gave:" in told.html
    [attachment] = told.attachments
    assert str(Calendar.from_ical(attachment.content)["METHOD"]) == "CANCEL"


async def test_the_reason_reaches_the_registrant_whichever_topic_is_read_first():
    uow = new_uow()
    registration = await seated(uow)
    public, restricted = removal(registration, REASON)

    await handlers.registrant_removed(restricted, uow)
    await handlers.registration_cancelled(public, uow)

    [told] = await sent(uow)
    assert REASON in told.text


async def test_a_removed_registrant_reads_it_in_spanish_with_the_reason_in_the_organiser_s_words():
    uow = new_uow()
    registration = await seated(uow, language="es")
    for event in removal(registration, "Inscripción duplicada"):
        await (handlers.registrant_removed if isinstance(event, ev.RegistrantRemoved)
               else handlers.registration_cancelled)(event, uow)

    [told] = await sent(uow)
    assert "La organización de Personal statements canceló tu inscripción." in told.text
    assert "El motivo que dio la organización: Inscripción duplicada" in told.text


async def test_a_removal_without_a_reason_says_only_that_the_organisers_cancelled_the_registration():
    uow = new_uow()
    registration = await seated(uow)
    public, restricted = removal(registration, None)

    await handlers.registration_cancelled(public, uow)
    await handlers.registrant_removed(restricted, uow)

    [told] = await sent(uow)
    assert "The organizers of Personal statements cancelled your registration." in told.text
    assert "reason" not in told.text.lower()


AT_THE_DOOR = {
    "en": "The organizers of Personal statements cancelled your registration after it began. If you have arrived, "
          "speak to them at the door.",
    "es": "La organización de Personal statements canceló tu inscripción una vez empezado el evento. Si ya llegaste, "
          "habla en la entrada con quienes lo organizan.",
}


def removed_once_begun(registration: dict, reason: str | None, how: str) -> list:
    """The removal's events, some minutes after the workshop began (`seated`): as the console's "Release X's seat"
    gives it at the door, or as an organizer's cancellation said it before events published who removed whom."""
    began = NOW + timedelta(days=3, minutes=20)
    if how == "legacy":
        return [ev.RegistrationCancelledV2(**registration, cancelled_by="organiser", occurred_at=began)]
    return [event.model_copy(update={"occurred_at": began}) for event in removal(registration, reason)]


@pytest.mark.parametrize("how", ["released", "legacy"])
@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_registrant_removed_once_the_event_began_is_told_to_speak_to_its_organizers_at_the_door(language, how):
    # Most likely late, at the door that evening: the national team's address is of no use to them then.
    uow = new_uow()
    for event in removed_once_begun(await seated(uow, language), "Seat released at the door", how):
        await (handlers.registrant_removed if isinstance(event, ev.RegistrantRemoved)
               else handlers.registration_cancelled)(event, uow)

    [told] = await sent(uow)
    text = " ".join(told.text.split())
    assert AT_THE_DOOR[language] in text, text
    assert "@" not in text.split("--")[0] and "mailto:" not in told.html


async def test_a_registrant_removed_before_the_event_began_is_not_sent_to_its_door():
    uow = new_uow()
    for event in removal(await seated(uow), None):
        await (handlers.registrant_removed if isinstance(event, ev.RegistrantRemoved)
               else handlers.registration_cancelled)(event.model_copy(update={"occurred_at": NOW}), uow)

    [told] = await sent(uow)
    assert "at the door" not in told.text and "concerns@mentorship.example" in told.text
