"""Spanish as people in Latin America say it: a waitlist is "la lista de espera", where one has a number ("tienes el
número 2"), and an event that changed "cambió"; the same words wherever a message says the same thing."""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import uuid4

import pytest
from babel.messages.pofile import read_po
from mentorship_contracts import events as ev
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.adapters.i18n import LOCALE_DIR
from notifications.service_layer import handlers

from .test_what_people_receive import NOW, new_uow, person, registered, sent, updated, workshop


def _spanish() -> list[str]:
    with (LOCALE_DIR / "es" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        said = [m.string for m in read_po(source) if m.id]
    return [s for string in said for s in ((string,) if isinstance(string, str) else string)]


@pytest.mark.parametrize(("members_public", "subject"), [
    (True, "Estás en la lista de espera de persona mentora de Into Medical School: tienes el número 2"),
    (False, "Estás en la lista de espera de persona mentora: tienes el número 2"),
])
async def test_a_mentee_waiting_for_a_mentor_reads_in_spanish_they_are_on_its_waitlist_with_their_number(
        members_public, subject):
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", language="es")
    program = pr.ProgramDefinedV5(program_id=uuid4(), chapter_id=None, name="Into Medical School",
                                  mentee_stages=["undergraduate"], mentor_stages=["resident"],
                                  members_public=members_public)
    await handlers.program_defined(program, uow)
    await handlers.mentee_waitlisted(ma.MenteeWaitlistedV3(
        enrollment_id=uuid4(), program_id=program.program_id, chapter_id=None, mentee_id=sam, position=2,
        pairing_kind="general"), uow)

    [told] = await sent(uow)
    assert told.subject == subject
    assert ("Tienes el número 2 en la lista de espera de persona mentora, y te escribiremos en cuanto te asignemos "
            "una.") in " ".join(told.text.split())


async def test_an_event_waitlist_says_the_number_in_spanish_as_a_mentors_waitlist_does():
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", language="es")
    event = workshop(NOW + timedelta(days=10))
    await handlers.event_published(event, uow)
    await registered(uow, event, sam, status="waitlisted")

    [told] = await sent(uow)
    assert told.subject == "En la lista de espera de Personal statements: tienes el número 1"


async def test_an_event_that_changed_is_said_in_spanish_as_people_say_it():
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", language="es")
    event = workshop(NOW + timedelta(days=10))
    await handlers.event_published(event, uow)
    await registered(uow, event, sam)
    await sent(uow)
    later = event.starts_at + timedelta(hours=2)
    await handlers.event_updated(updated(event, 1, ["starts_at", "ends_at"], starts_at=later,
                                         ends_at=later + timedelta(hours=1)), uow)

    [told] = await sent(uow)
    assert "Cambió Personal statements, el evento en el que te inscribiste." in told.text


async def test_a_registration_for_a_private_event_reads_in_spanish_as_being_registered_for_its_day():
    # "Te inscribiste en un evento del jueves…" read oddly: one registers "para el jueves".
    uow = new_uow()
    sam = await person(uow, "Sam Okafor", language="es")
    event = workshop(NOW + timedelta(hours=29))
    await handlers.event_published(event, uow)
    await handlers.registration_confirmed(ev.PrivateRegistrationConfirmed(
        registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, chapter_id=None, person_id=sam), uow)

    [told] = await sent(uow)
    assert told.subject == "Te inscribiste en un evento para el jueves, 4 de marzo de 2027"


def test_no_spanish_message_speaks_of_a_wait_without_its_list_nor_of_a_bare_number():
    # "en la espera de persona mentora", ": número 1": said so nowhere, so said the same way everywhere.
    unnatural = re.compile(r"\bla espera de persona|: número %\(position\)s|Hubo cambios en")
    assert [s for s in _spanish() if unnatural.search(s)] == []
