"""A subject shows on a phone's lock screen and in notification previews: it names a program only where the program's
members are public (`members_public` in its latest definition), and an event only where its attendees are (a
registration of it came on the public topic); otherwise it says the same without the name, and the body names it.
What notifications knows nothing of counts as private. The inbox lists the same subjects."""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from mentorship_contracts import events as ev
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.service_layer import handlers, views

from .test_what_people_receive import NOW, POLICY, calendar_of, listed, new_uow, person, sent, updated, workshop

PROGRAM = "LGBTQ+ in Medicine"
TITLE = "Applying while LGBTQ+"


async def a_program(uow, members_public: bool | None) -> UUID:
    """A program defined with members public or not; None: a definition from before version 5, which does not say."""
    fields = dict(program_id=uuid4(), chapter_id=None, name=PROGRAM, mentee_stages=["undergraduate"],
                  mentor_stages=["resident"], cadence_min_days=14, cadence_max_days=21, pairing_kinds=["general"])
    program = (pr.ProgramDefinedV3(**fields) if members_public is None
               else pr.ProgramDefinedV5(**fields, members_public=members_public))
    await handlers.program_defined(program, uow)
    return program.program_id


async def mentorship_ended_by_an_erasure(uow, program_id: UUID):
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    await handlers.pairing_ended(ma.PairingEndedV2(pairing_id=uuid4(), program_id=program_id, chapter_id=None,
                                                   mentee_id=mentee, mentor_id=mentor, ended_by="mentee",
                                                   reason_code="person_erased"), uow)
    [told] = await sent(uow)
    return told, mentor


@pytest.mark.parametrize(("members_public", "subject"), [
    (True, f"Your mentorship in {PROGRAM} has ended"),
    (False, "Your mentorship has ended"),
    (None, "Your mentorship has ended"),
])
async def test_an_ending_names_the_program_in_its_subject_only_where_its_members_are_public_and_always_in_its_body(
        members_public, subject):
    uow = new_uow()
    told, mentor = await mentorship_ended_by_an_erasure(uow, await a_program(uow, members_public))
    assert told.subject == subject
    assert f"your mentorship in {PROGRAM} has ended" in told.text
    [item] = (await views.inbox(uow, mentor, False, 10, POLICY, NOW, listed))[0]
    assert item["subject"] == subject


async def test_a_program_notifications_never_heard_of_is_not_named_in_a_subject():
    uow = new_uow()
    told, _ = await mentorship_ended_by_an_erasure(uow, uuid4())
    assert told.subject == "Your mentorship has ended"


async def test_a_program_whose_latest_definition_made_its_members_private_is_no_longer_named():
    uow = new_uow()
    program_id = await a_program(uow, True)
    await handlers.program_defined(pr.ProgramDefinedV5(
        program_id=program_id, chapter_id=None, name=PROGRAM, mentee_stages=["undergraduate"],
        mentor_stages=["resident"], cadence_min_days=14, cadence_max_days=21, members_public=False), uow)
    told, _ = await mentorship_ended_by_an_erasure(uow, program_id)
    assert told.subject == "Your mentorship has ended"


async def test_a_lapsed_request_and_a_waitlisting_of_a_private_program_do_not_name_it_in_their_subjects():
    uow = new_uow()
    program_id = await a_program(uow, False)
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    await handlers.pairing_lapsed(ma.PairingLapsedV3(
        pairing_id=uuid4(), program_id=program_id, chapter_id=None, mentee_id=mentee, mentor_id=mentor,
        reason_code="unanswered", awaiting=["mentor"], requested_by_mentee=True), uow)
    await handlers.mentee_waitlisted(ma.MenteeWaitlistedV3(
        enrollment_id=uuid4(), program_id=program_id, chapter_id=None, mentee_id=mentee, position=2,
        pairing_kind="general"), uow)
    told = await sent(uow) + await sent(uow)  # the waitlisting goes once the lapse has (a batch after it)
    assert sorted(m.subject for m in told) == ["A request has lapsed", "A request has lapsed",
                                               "You are on the waitlist for a mentor: position 2"]
    assert all(PROGRAM in m.text for m in told)


@pytest.mark.parametrize(("language", "subject"), [("en", "You are waiting for a mentor"),
                                                   ("es", "Estás a la espera de una persona mentora")])
async def test_a_waitlisting_by_a_round_of_a_private_program_does_not_name_it_in_its_subject(language, subject):
    uow = new_uow()
    program = pr.ProgramDefinedV5(program_id=uuid4(), chapter_id=None, name=PROGRAM, mentee_stages=["undergraduate"],
                                  mentor_stages=["resident"], pairing_mode="rounds", members_public=False)
    await handlers.program_defined(program, uow)
    mentee = await person(uow, "Sam Okafor", language=language)
    await handlers.mentee_waitlisted(ma.MenteeWaitlistedV4(
        enrollment_id=uuid4(), program_id=program.program_id, chapter_id=None, mentee_id=mentee, position=2,
        pairing_kind="general", after_pairing_id=None), uow)
    [told] = await sent(uow)
    assert told.subject == subject
    assert PROGRAM in told.text


async def an_event_registered(uow, attendees_public: bool):
    sam = await person(uow, "Sam Okafor")
    event = workshop(NOW + timedelta(hours=29), title=TITLE)
    await handlers.event_published(event, uow)
    registration = dict(registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, chapter_id=None,
                        person_id=sam)
    confirmed = ev.RegistrationConfirmedV2 if attendees_public else ev.PrivateRegistrationConfirmed
    await handlers.registration_confirmed(confirmed(**registration), uow)
    return sam, event, registration


async def registered_as_the_catalogue_says(uow, said: bool, on_the_public_topic: bool) -> str:
    """The subject of a registration's confirmation, the catalogue having said whether the event's attendees are
    public (event_published v3), the registration read from the public topic or as its private twin."""
    sam = await person(uow, "Sam Okafor")
    event = ev.EventPublishedV3(**workshop(NOW + timedelta(hours=29), title=TITLE).model_dump(
        exclude={"event_id", "event_type", "schema_version"}), attendees_public=said)
    await handlers.event_published(event, uow)
    confirmed = ev.RegistrationConfirmedV2 if on_the_public_topic else ev.PrivateRegistrationConfirmed
    await handlers.registration_confirmed(confirmed(registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id,
                                                    chapter_id=None, person_id=sam), uow)
    [confirmation] = await sent(uow)
    return confirmation.subject


async def test_an_event_the_catalogue_says_is_private_is_not_named_though_a_registration_came_on_the_public_topic():
    # As every registration did before 2026-12-04: a notifications database rebuilt from the topics reads them so.
    assert await registered_as_the_catalogue_says(new_uow(), said=False, on_the_public_topic=True) == (
        "You are registered for an event on Thursday, March 4, 2027")


async def test_an_event_the_catalogue_says_is_public_is_named_from_its_first_registration():
    assert await registered_as_the_catalogue_says(new_uow(), said=True, on_the_public_topic=True) == (
        f"You're registered: {TITLE}")


async def test_what_the_catalogue_said_last_is_what_counts_and_an_older_update_that_says_nothing_keeps_it():
    uow = new_uow()
    event = ev.EventPublishedV3(**workshop(NOW + timedelta(hours=29), title=TITLE).model_dump(
        exclude={"event_id", "event_type", "schema_version"}), attendees_public=False)
    await handlers.event_published(event, uow)
    values = event.model_dump(exclude={"event_id", "event_type", "schema_version", "occurred_at"})
    await handlers.event_updated(ev.EventUpdatedV4(**{**values, "attendees_public": True},
                                                   changed_fields=["attendees_public"], revision=1), uow)
    assert (await uow.notifications.listing(event.scheduled_event_id))["attendees_public"] is True
    older = {k: v for k, v in values.items() if k != "attendees_public"}
    await handlers.event_updated(ev.EventUpdatedV3(**{**older, "location": "Room 9"}, changed_fields=["location"],
                                                   revision=2), uow)
    assert (await uow.notifications.listing(event.scheduled_event_id))["attendees_public"] is True


@pytest.mark.parametrize(("attendees_public", "subject"), [
    (True, f"You're registered: {TITLE}"),
    (False, "You are registered for an event on Thursday, March 4, 2027"),
])
async def test_a_registration_names_the_event_in_its_subject_only_where_its_attendees_are_public(
        attendees_public, subject):
    uow = new_uow()
    sam, _, _ = await an_event_registered(uow, attendees_public)
    [confirmation] = await sent(uow)
    assert confirmation.subject == subject
    assert f"Your place at {TITLE} is confirmed." in confirmation.text
    [item] = (await views.inbox(uow, sam, False, 10, POLICY, NOW, listed))[0]
    assert item["subject"] == subject


@pytest.mark.parametrize(("attendees_public", "summary"), [
    (True, TITLE),
    (False, "An event you registered for"),
])
async def test_the_calendar_entry_names_the_event_only_where_its_attendees_are_public(attendees_public, summary):
    # A mail app may put the entry in the calendar by itself, whose alerts show its title on the lock screen.
    uow = new_uow()
    await an_event_registered(uow, attendees_public)
    [confirmation] = await sent(uow)
    _, entry = calendar_of(confirmation)
    assert str(entry["SUMMARY"]) == summary
    assert TITLE not in confirmation.attachments[0].content.decode() or attendees_public


@pytest.mark.parametrize(("attendees_public", "subject"), [
    (True, f"Tomorrow at 4:00\u202fPM (Central Standard Time): {TITLE}"),
    (False, "Tomorrow at 4:00\u202fPM (Central Standard Time): an event you registered for"),
])
async def test_a_reminder_names_the_event_in_its_subject_only_where_its_attendees_are_public(
        attendees_public, subject):
    uow = new_uow()
    _, event, registration = await an_event_registered(uow, attendees_public)
    await sent(uow)
    await handlers.reminder_due(ev.ReminderDueV2(**registration, starts_at=event.starts_at), uow)
    [reminder] = await sent(uow)
    assert reminder.subject == subject
    assert f"A reminder: {TITLE} is coming up." in reminder.text


@pytest.mark.parametrize(("attendees_public", "moved", "called_off"), [
    (True, f"New time: {TITLE}", f"Cancelled: {TITLE}"),
    (False, "New time for an event you registered for", "Cancelled: an event you registered for, on Thursday, "
                                                        "March 4, 2027"),
])
async def test_an_events_update_and_cancellation_name_it_in_their_subjects_only_where_its_attendees_are_public(
        attendees_public, moved, called_off):
    uow = new_uow()
    _, event, _ = await an_event_registered(uow, attendees_public)
    await sent(uow)
    later = event.starts_at + timedelta(hours=2)
    await handlers.event_updated(updated(event, 1, ["starts_at", "ends_at"], starts_at=later,
                                         ends_at=later + timedelta(hours=1)), uow)
    [update] = await sent(uow)
    assert update.subject == moved and TITLE in update.text
    await handlers.event_cancelled(ev.EventCancelledV3(scheduled_event_id=event.scheduled_event_id, chapter_id=None,
                                                       reason_code="organiser", revision=2), uow)
    [cancellation] = await sent(uow)
    assert cancellation.subject == called_off and TITLE in cancellation.text


@pytest.mark.parametrize(("language", "subject"), [
    ("en", "Cancelled: an event you registered for, on Thursday, March 4, 2027"),
    ("es", "Cancelado: un evento en el que te inscribiste, previsto para el jueves, 4 de marzo de 2027"),
])
async def test_a_private_events_cancellation_says_what_was_cancelled_before_the_day_it_was_planned_for(
        language, subject):
    # Not "the event on <day> you registered for": the day, a long phrase, came between the event and what said which.
    uow = new_uow()
    sam, event, _ = await an_event_registered(uow, False)
    known = uow.notifications.contacts[sam]
    await handlers.contact_details_changed(pr.ContactDetailsChangedV3(
        person_id=sam, chapter_id=None, display_name="Sam Okafor", email=known["email"], timezone=known["timezone"],
        preferred_language=language), uow)
    await sent(uow)
    await handlers.event_cancelled(ev.EventCancelledV3(scheduled_event_id=event.scheduled_event_id, chapter_id=None,
                                                       reason_code="organiser", revision=1), uow)
    [cancellation] = await sent(uow)
    assert cancellation.subject == subject
    assert TITLE in cancellation.text


@pytest.mark.parametrize(("attendees_public", "language", "subject"), [
    (True, "en", f"New time and place: {TITLE}"),
    (False, "en", "New time and place for an event you registered for"),
    (True, "es", f"Nuevo horario y lugar: {TITLE}"),
    (False, "es", "Nuevo horario y lugar para un evento en el que te inscribiste"),
])
async def test_an_event_moved_to_another_time_and_place_says_both_in_its_subject(attendees_public, language, subject):
    uow = new_uow()
    sam, event, _ = await an_event_registered(uow, attendees_public)
    known = uow.notifications.contacts[sam]
    await handlers.contact_details_changed(pr.ContactDetailsChangedV3(
        person_id=sam, chapter_id=None, display_name="Sam Okafor", email=known["email"], timezone=known["timezone"],
        preferred_language=language), uow)
    await sent(uow)
    later = event.starts_at + timedelta(hours=2)
    await handlers.event_updated(updated(event, 1, ["starts_at", "ends_at", "location"], starts_at=later,
                                         ends_at=later + timedelta(hours=1), location="Room 310"), uow)
    [update] = await sent(uow)
    assert update.subject == subject


async def test_an_event_is_named_once_a_registration_of_it_came_on_the_public_topic_whatever_came_before():
    uow = new_uow()
    _, event, _ = await an_event_registered(uow, False)
    assert (await uow.notifications.listing(event.scheduled_event_id))["attendees_public"] is False
    kim = await person(uow, "Kim Park")
    await handlers.registration_confirmed(ev.RegistrationConfirmedV2(
        registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, chapter_id=None, person_id=kim), uow)
    assert (await uow.notifications.listing(event.scheduled_event_id))["attendees_public"] is True


def preview_of(html: str) -> str:
    """What a mail app shows under the subject: the email's first text, hidden preview text included."""
    body = html.split("<body", 1)[1].split(">", 1)[1]
    return " ".join(re.sub(r"<[^>]+>|&#847;|&zwnj;|&nbsp;", " ", body).split())[:120]


@pytest.mark.parametrize("members_public", [False, None])
async def test_the_preview_under_a_private_programs_subject_neither_starts_with_nor_pulls_in_its_name(members_public):
    uow = new_uow()
    told, _ = await mentorship_ended_by_an_erasure(uow, await a_program(uow, members_public))
    assert PROGRAM not in preview_of(told.html)
    assert preview_of(told.html).startswith("Your mentorship has ended")
    assert PROGRAM in told.html  # the body, once opened, names it


async def test_a_public_programs_email_previews_its_subject_and_is_signed_with_its_name():
    uow = new_uow()
    told, _ = await mentorship_ended_by_an_erasure(uow, await a_program(uow, True))
    assert preview_of(told.html).startswith(f"Your mentorship in {PROGRAM} has ended")
    assert re.search(rf">{re.escape(PROGRAM)}</p>\s*<h1", told.html)


@pytest.mark.parametrize("members_public", [False, None])
async def test_the_text_part_of_a_private_programs_email_starts_with_the_discreet_subject_not_the_greeting(
        members_public):
    uow = new_uow()
    told, _ = await mentorship_ended_by_an_erasure(uow, await a_program(uow, members_public))
    first, blank, greeting = told.text.splitlines()[:3]
    assert (first, blank, greeting) == ("Your mentorship has ended", "", "Hello Ana Reyes,")
    assert PROGRAM in told.text  # further down, as before


async def test_the_text_part_of_a_private_events_email_starts_with_the_discreet_subject():
    uow = new_uow()
    await an_event_registered(uow, False)
    [confirmation] = await sent(uow)
    assert confirmation.text.splitlines()[0] == "You are registered for an event on Thursday, March 4, 2027"
    assert TITLE not in confirmation.text.split("\n\n", 1)[0]


async def test_a_private_events_reminder_previews_its_discreet_subject_in_the_text_part_too():
    uow = new_uow()
    _, event, registration = await an_event_registered(uow, False)
    await sent(uow)
    await handlers.reminder_due(ev.ReminderDueV2(**registration, starts_at=event.starts_at), uow)
    [reminder] = await sent(uow)
    assert reminder.text.splitlines()[0] == "Tomorrow at 4:00\u202fPM (Central Standard Time): an event you registered for"


@pytest.mark.parametrize("members_public", [True])
async def test_the_text_part_of_an_email_naming_its_program_or_event_starts_with_the_greeting_as_before(
        members_public):
    uow = new_uow()
    told, _ = await mentorship_ended_by_an_erasure(uow, await a_program(uow, members_public))
    assert told.text.startswith("Hello Ana Reyes,\n\n")
    await an_event_registered(uow, True)
    [confirmation] = await sent(uow)
    assert confirmation.text.startswith("Hello Sam Okafor,\n\n")


async def test_a_request_to_look_into_a_report_of_conduct_in_a_private_program_names_it_in_its_body_alone():
    uow = new_uow()
    program_id = await a_program(uow, False)
    rita = await person(uow, "Rita Coordinator")

    await handlers.review_asked(pr.ReviewAsked(person_id=rita, program_id=program_id, chapter_id=None, role="mentee",
                                               review_reason="conduct_reported"), uow)

    [told] = await sent(uow)
    assert told.subject == "A report of conduct to look into"
    assert f"A mentor in {PROGRAM} ended their mentorship" in told.text
