"""A calendar file an email carries to add an entry links back to the page it is about (an event's, an office hour's
booking), and says where its details are: the entry of a private event, titled without its name, can be told apart
and opened. Written as RFC 5545 asks: lines folded at 75 octets, text escaped."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from mentorship_contracts import events as ev
from notifications.service_layer import handlers

from .samples import WEB
from .test_what_people_receive import NOW, calendar_of, new_uow, office_hour, person, sent, workshop

TITLE = "Applying while LGBTQ+"
DETAILS = {"en": "Its details are on the event's page: {url}",
           "es": "Los detalles están en la página del evento: {url}"}


async def _confirmed(language: str = "en", attendees_public: bool = False, **event_changes):
    """The confirmation of Sam's registration for an event (private unless `attendees_public`)."""
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", language=language)
    event = workshop(NOW + timedelta(days=3), title=TITLE, **event_changes)
    await handlers.event_published(event, uow)
    registration = dict(registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, chapter_id=None,
                        person_id=sam)
    confirmed = ev.RegistrationConfirmedV2 if attendees_public else ev.PrivateRegistrationConfirmed
    await handlers.registration_confirmed(confirmed(**registration), uow)
    if event.is_virtual:
        await handlers.virtual_access_granted(ev.VirtualAccessGrantedV2(
            registration_id=registration["registration_id"], scheduled_event_id=event.scheduled_event_id,
            person_id=sam, join_url="https://meet.example.org/j/123"), uow)
    [confirmation] = await sent(uow)
    return event, confirmation


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_private_events_calendar_entry_links_to_its_page_and_says_where_its_details_are_keeping_its_name_hidden(
        language):
    event, confirmation = await _confirmed(language)

    _, entry = calendar_of(confirmation)
    page = f"{WEB}/events/{event.scheduled_event_id}?lang={language}"
    assert str(entry["URL"]) == page
    assert str(entry["DESCRIPTION"]) == DETAILS[language].format(url=page)
    assert TITLE not in confirmation.attachments[0].content.decode()


async def test_a_public_events_calendar_entry_links_to_its_page_too():
    event, confirmation = await _confirmed(attendees_public=True)

    _, entry = calendar_of(confirmation)
    assert str(entry["SUMMARY"]) == TITLE
    assert str(entry["URL"]) == f"{WEB}/events/{event.scheduled_event_id}?lang=en"


async def test_an_online_events_entry_links_to_its_page_and_keeps_the_join_link_where_the_place_is_and_in_its_details():
    event, confirmation = await _confirmed(is_virtual=True, location="Student centre, room 2")

    _, entry = calendar_of(confirmation)
    page = f"{WEB}/events/{event.scheduled_event_id}?lang=en"
    assert str(entry["URL"]) == page and str(entry["LOCATION"]) == "Student centre, room 2"
    assert str(entry["DESCRIPTION"]) == (f"Join online: https://meet.example.org/j/123\n"
                                         f"Its details are on the event's page: {page}")


@pytest.mark.parametrize(("role", "page"), [("participant", "/office-hours/{slot_id}"), ("host", "/my-office-hours")])
async def test_an_office_hours_calendar_entry_links_to_where_its_reader_sees_the_booking(role, page):
    uow = new_uow()
    student, host = await person(uow, "Sam Okafor"), await person(uow, "Lee Chen")
    booking = office_hour(student, host)
    await handlers.office_hours_booked(ev.OfficeHoursBookedV3(**booking), uow)

    told = {m.to: m for m in await sent(uow)}
    _, entry = calendar_of(told[uow.notifications.contacts[student if role == "participant" else host]["email"]])
    url = f"{WEB}{page.format(slot_id=booking['slot_id'])}?lang=en"
    assert str(entry["URL"]) == url
    assert str(entry["DESCRIPTION"]) == f"Its details are on your booking's page: {url}" if role == "participant" \
        else f"Its details are on your office hours page: {url}"


async def test_a_cancelled_entry_carries_no_link_to_open_what_it_takes_out_of_the_calendar():
    uow = new_uow()
    student, host = await person(uow, "Sam Okafor"), await person(uow, "Lee Chen")
    booking = office_hour(student, host)
    await handlers.office_hours_booked(ev.OfficeHoursBookedV3(**booking), uow)
    await sent(uow)
    await handlers.office_hours_booking_cancelled(ev.OfficeHoursBookingCancelledV3(
        **booking, cancelled_by="participant", reason_code="cancelled"), uow)

    for cancellation in await sent(uow):
        method, entry = calendar_of(cancellation)
        assert method == "CANCEL" and "URL" not in entry and "DESCRIPTION" not in entry


async def test_a_calendar_entrys_long_lines_are_folded_at_75_octets_and_its_text_escaped():
    # Spanish (accents of two octets each), a place with commas and a semicolon, a join link: long lines to fold.
    event, confirmation = await _confirmed("es", is_virtual=True,
                                           location="Centro de estudiantes, sala 2; edificio de Ciencias Clínicas")
    raw = confirmation.attachments[0].content

    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    raw.decode()  # no character split between two lines
    unfolded = raw.replace(b"\r\n ", b"").decode()
    assert "LOCATION:Centro de estudiantes\\, sala 2\\; edificio de Ciencias Clínicas\r\n" in unfolded
    page = f"{WEB}/events/{event.scheduled_event_id}?lang=es"
    assert (f"DESCRIPTION:Para unirte en línea: https://meet.example.org/j/123\\nLos detalles están en la página del "
            f"evento: {page}\r\n") in unfolded
    assert f"URL:{page}\r\n" in unfolded


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_changed_link_to_join_sends_the_bookings_calendar_entry_again_outranking_the_one_downloaded_before(
        language):
    # The web app's calendar file of a booking (same UID, SEQUENCE 0) carries the join link; once the host changes it,
    # the copy in the participant's calendar kept the dead one. The updated copy still carries no link (a join link
    # never travels in email): it points to the booking's page, as every copy an email carries does.
    uow = new_uow()
    student, host = await person(uow, "Sam Okafor", language=language), await person(uow, "Lee Chen")
    booking = {k: v for k, v in office_hour(student, host).items() if k not in ("is_virtual", "location")}
    await handlers.office_hours_booked(ev.OfficeHoursBookedV3(**booking), uow)
    await sent(uow)
    await handlers.office_hours_link_given(ev.OfficeHoursLinkGiven(**booking, replaces_earlier=False), uow)
    [given] = await sent(uow)
    assert not given.attachments  # the first link replaces none: the entry the booking's email carried holds

    updates = []
    for _ in range(2):
        await handlers.office_hours_link_given(ev.OfficeHoursLinkGiven(**booking, replaces_earlier=True), uow)
        [changed] = await sent(uow)
        updates.append(changed)
    page = f"{WEB}/office-hours/{booking['slot_id']}?lang={language}"
    said = {"en": ("The updated calendar entry is attached: it replaces the one in your calendar and points to your "
                   "booking's page, where the new link is."),
            "es": ("La entrada de calendario actualizada va adjunta: reemplaza la de tu calendario y lleva a la página "
                   "de tu reserva, donde está el nuevo enlace.")}[language]
    sequences = []
    for changed in updates:
        method, entry = calendar_of(changed)
        assert method == "REQUEST" and str(entry["UID"]) == f"booking-{booking['booking_id']}@mentorship-platform"
        assert str(entry["URL"]) == page and str(entry["DESCRIPTION"]) == DETAILS_OF_A_BOOKING[language].format(
            url=page)
        assert "LOCATION" not in entry  # online: no place, and no link to join
        assert said in " ".join(changed.text.split())
        sequences.append(int(entry["SEQUENCE"]))
    assert 0 < sequences[0] < sequences[1]  # above the booking's own copy (and the web app's), each change above the last

    await handlers.office_hours_booking_cancelled(ev.OfficeHoursBookingCancelledV3(
        **booking, cancelled_by="host", reason_code="slot_withdrawn"), uow)
    for cancellation in await sent(uow):  # the host's too: their copy is at 0, below it
        method, entry = calendar_of(cancellation)
        assert method == "CANCEL" and int(entry["SEQUENCE"]) > sequences[-1]  # still takes every copy out


DETAILS_OF_A_BOOKING = {"en": "Its details are on your booking's page: {url}",
                        "es": "Los detalles están en la página de tu reserva: {url}"}
