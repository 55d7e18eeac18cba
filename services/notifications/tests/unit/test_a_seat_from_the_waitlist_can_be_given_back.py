"""Someone given a seat that freed up on an event's waitlist is told how to give it back if they cannot come, so that
the next person waiting gets it, and the email's link to the event page says it is where to do it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from mentorship_contracts import events as ev
from notifications.service_layer import handlers

from .test_what_people_receive import NOW, flat, new_uow, person, registered, sent, waiting_for, workshop


@pytest.mark.parametrize(("language", "said", "action"), [
    ("en", "Can't come after all? Cancel on the event page, so the next person in line gets the seat.",
     "See the event or cancel your registration: "),
    ("es", "¿Al final no puedes asistir? Cancela tu inscripción en la página del evento, para que el lugar pase a la "
           "siguiente persona de la lista de espera.",
     "Ver el evento o cancelar tu inscripción: ")])
async def test_a_seat_that_freed_up_from_the_waitlist_says_how_to_give_it_back_and_links_where(language, said, action):
    uow, waiting = await waiting_for(NOW + timedelta(days=5), language)
    await handlers.registration_promoted(ev.RegistrationPromotedV2(**waiting), uow)
    [told] = await sent(uow)
    assert said in flat(told.text)
    [link] = [line for line in told.text.splitlines() if line.startswith(action)]
    assert link.endswith(f"/events/{waiting['scheduled_event_id']}?lang={language}")
    assert said.replace("'", "&#39;") in told.html


async def test_a_seat_given_at_the_door_once_the_event_began_says_nothing_of_giving_it_back():
    uow, waiting = await waiting_for(NOW - timedelta(minutes=20))
    await handlers.registration_promoted(ev.RegistrationPromotedV2(**waiting, occurred_at=NOW - timedelta(minutes=5)),
                                         uow)
    [told] = await sent(uow)
    assert "Cancel on the event page" not in told.text and "See the event: " in told.text


async def test_a_confirmed_registration_is_not_told_of_the_next_person_in_line():
    uow = new_uow()
    sam = await person(uow, "Sam Okafor")
    event = workshop(NOW + timedelta(days=5))
    await handlers.event_published(event, uow)
    await registered(uow, event, sam)
    [told] = await sent(uow)
    assert "next person in line" not in told.text and "See the event: " in told.text
