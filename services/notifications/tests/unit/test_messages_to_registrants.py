"""An organizer writes to an event's registrants ("the room moved", "bring photo ID"): each gets it once, by email
and in their inbox, in their language, as their preferences for event news say; the organizer's words as written.
An administrator or a coordinator of the event's chapter may; a message's id makes it once however often asked; at
most five a day; never to a cancelled event, a suspended account, or under a subject naming a private event."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

import pytest
from mentorship_contracts import events as ev
from mentorship_contracts import profiles as pr
from notifications.adapters.links import Links
from notifications.adapters.messages import inbox_composer
from notifications.domain import commands
from notifications.domain.model import (
    MESSAGES_A_DAY,
    Category,
    EventCancelled,
    MessageBodyInvalid,
    MessageIdTaken,
    NotYourEvent,
    Recipients,
    TooManyMessages,
    UnknownEvent,
)
from notifications.service_layer import handlers, views
from plumbing.auth import Principal, Role

from .test_what_people_receive import NOW, POLICY, listed, new_uow, person, sent, workshop

CHAPTER = uuid4()
COORDINATOR = Principal(subject="carla", role=Role.COORDINATOR, person_id=uuid4(), chapter_ids=frozenset({CHAPTER}))
ELSEWHERE = Principal(subject="olu", role=Role.COORDINATOR, person_id=uuid4(), chapter_ids=frozenset({uuid4()}))
PARTICIPANT = Principal(subject="sam", role=Role.PARTICIPANT, person_id=uuid4())
ADMIN = Principal(subject="ops", role=Role.ADMIN)
TITLE = "Applying while LGBTQ+"
WORDS = "We have moved to room 4, one floor up.\n\nPlease bring photo ID:\nthe building checks it at the door."


def may_act(staff: Principal):
    return lambda chapter_id: staff.is_admin or staff.coordinates(chapter_id)


async def an_event(uow, public: bool = True, chapter_id: UUID | None = CHAPTER) -> tuple[UUID, dict[str, UUID]]:
    """An event of the chapter with Sam and Ana seated and Kim waiting; its id and theirs (all told already)."""
    event = workshop(NOW + timedelta(days=3), title=TITLE, chapter_id=chapter_id)
    await handlers.event_published(event, uow)
    people = {name: await person(uow, full) for name, full in
              (("sam", "Sam Okafor"), ("ana", "Ana Reyes"), ("kim", "Kim Park"))}
    for name, status in (("sam", "confirmed"), ("ana", "confirmed"), ("kim", "waitlisted")):
        registration = dict(registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id,
                            chapter_id=chapter_id, person_id=people[name])
        if status == "confirmed":
            kind = ev.RegistrationConfirmedV2 if public else ev.PrivateRegistrationConfirmed
            await handlers.registration_confirmed(kind(**registration), uow)
        else:
            kind = ev.RegistrationWaitlistedV2 if public else ev.PrivateRegistrationWaitlisted
            await handlers.registration_waitlisted(kind(**registration, position=1), uow)
    await sent(uow)
    return event.scheduled_event_id, people


async def write(uow, event_id: UUID, staff: Principal = COORDINATOR, to: Recipients = Recipients.SEATED,
                body: str = WORDS, message_id: UUID | None = None, now=NOW):
    command = commands.MessageRegistrants(event_id, message_id or uuid4(), body, to)
    return await handlers.message_registrants(command, staff, may_act(staff), uow, now)


def addressed(uow, people: dict[str, UUID], emails) -> set[str]:
    by_address = {uow.notifications.contacts[p]["email"]: name for name, p in people.items()}
    return {by_address[e.to] for e in emails}


async def test_those_with_a_seat_get_the_organisers_words_as_written_by_email_and_in_their_inbox():
    uow = new_uow()
    event_id, people = await an_event(uow)

    message, new = await write(uow, event_id)

    assert new and message["recipients"] == 2 and message["to"] == "seated"
    assert (message["sent_by"], message["sent_at"], message["body"]) == (COORDINATOR.person_id, NOW, WORDS)
    emails = await sent(uow)
    assert addressed(uow, people, emails) == {"sam", "ana"}
    email = emails[0]
    assert email.subject == f"A message about {TITLE}"
    assert f"The organizers of {TITLE} wrote to you:" in email.text
    assert "We have moved to room 4, one floor up.\n\nPlease bring photo ID:\nthe building checks it at the door." \
        in email.text
    assert ">Please bring photo ID:\nthe building checks it at the door.</p>" in email.html
    assert f"/events/{event_id}" in email.text
    items = (await views.inbox(uow, people["sam"], False, 10, POLICY, NOW, listed))[0]
    assert [i["subject"] for i in items if i["kind"] == "organiser_message"] == [f"A message about {TITLE}"]


async def test_the_waitlist_gets_it_too_when_the_organiser_says_so():
    uow = new_uow()
    event_id, people = await an_event(uow)

    message, _ = await write(uow, event_id, to=Recipients.SEATED_AND_WAITLISTED)

    assert message["recipients"] == 3
    emails = await sent(uow)
    assert addressed(uow, people, emails) == {"sam", "ana", "kim"}
    # One who only waits read the organizers' words as if they had a seat: reminded they have none.
    by_address = {uow.notifications.contacts[p]["email"]: name for name, p in people.items()}
    reminded = {by_address[e.to] for e in emails if "You are on its waitlist: you have no seat yet." in e.text}
    assert reminded == {"kim"}


async def test_an_organisers_html_is_shown_as_text_never_as_markup():
    uow = new_uow()
    event_id, _ = await an_event(uow)
    await write(uow, event_id, body='<a href="https://evil.example">Zoom</a> <script>alert(1)</script>')
    email = (await sent(uow))[0]
    assert "<script>" not in email.html and "<a href=\"https://evil.example\"" not in email.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html


async def test_a_private_events_message_has_a_discreet_subject_and_names_it_in_its_body_only():
    uow = new_uow()
    event_id, _ = await an_event(uow, public=False)
    await write(uow, event_id)
    email = (await sent(uow))[0]
    assert email.subject == "A message about the event on Saturday, March 6, 2027"
    assert TITLE not in email.subject
    assert email.text.splitlines()[0] == email.subject  # what a mail app previews of the text part
    assert f"The organizers of {TITLE} wrote to you:" in email.text


async def test_an_administrator_and_the_chapters_coordinator_may_write_and_nobody_else():
    uow = new_uow()
    event_id, _ = await an_event(uow)
    for staff in (ADMIN, COORDINATOR):
        assert (await write(uow, event_id, staff))[1]
    for staff in (ELSEWHERE, PARTICIPANT):
        with pytest.raises(NotYourEvent):
            await write(uow, event_id, staff)
        with pytest.raises(NotYourEvent):
            await views.event_messages(uow, event_id, may_act(staff))
    assert [a.action for a in uow.audited] == ["event.messaged", "event.messaged"]


async def test_an_event_of_no_chapter_known_is_for_administrators_alone_and_one_not_known_is_not_found():
    uow = new_uow()
    event_id, _ = await an_event(uow, chapter_id=None)
    with pytest.raises(NotYourEvent):
        await write(uow, event_id, COORDINATOR)
    assert (await write(uow, event_id, ADMIN))[0]["recipients"] == 2
    with pytest.raises(UnknownEvent):
        await write(uow, uuid4(), ADMIN)
    with pytest.raises(UnknownEvent):
        await views.event_messages(uow, uuid4(), may_act(ADMIN))


async def test_the_same_message_id_again_is_the_first_message_and_nothing_more_is_sent():
    uow = new_uow()
    event_id, _ = await an_event(uow)
    message_id = uuid4()
    first, new = await write(uow, event_id, message_id=message_id)
    again, new_again = await write(uow, event_id, message_id=message_id, body="Something else",
                                   now=NOW + timedelta(minutes=1))
    assert new and not new_again and again == first
    assert len(await sent(uow)) == 2 and await sent(uow) == []
    assert len(uow.audited) == 1
    with pytest.raises(MessageIdTaken):
        await write(uow, (await an_event(uow))[0], message_id=message_id)


async def test_the_same_message_id_for_another_event_at_the_same_moment_is_refused_and_sends_nothing():
    uow = new_uow()
    first_event, second_event = (await an_event(uow))[0], (await an_event(uow))[0]
    message_id = uuid4()
    await write(uow, first_event, message_id=message_id)
    await sent(uow)

    async def not_yet_committed(_: UUID) -> None:
        return None  # the other request's transaction has not committed when this one looks

    uow.notifications.event_message = not_yet_committed
    with pytest.raises(MessageIdTaken):
        await write(uow, second_event, message_id=message_id)
    assert await sent(uow) == []
    assert len(uow.audited) == 1


async def test_a_sixth_message_in_a_day_is_refused_and_goes_once_the_first_is_a_day_old():
    uow = new_uow()
    event_id, _ = await an_event(uow)
    for minutes in range(MESSAGES_A_DAY):
        await write(uow, event_id, now=NOW + timedelta(minutes=minutes))
    with pytest.raises(TooManyMessages) as refused:
        await write(uow, event_id, now=NOW + timedelta(hours=23))
    assert (refused.value.status, refused.value.code) == (429, "too_many_messages")
    assert (await write(uow, event_id, now=NOW + timedelta(hours=24)))[1]
    listed_messages = await views.event_messages(uow, event_id, may_act(COORDINATOR))
    assert [m["sent_at"] for m in listed_messages] == sorted((m["sent_at"] for m in listed_messages), reverse=True)
    assert len(listed_messages) == MESSAGES_A_DAY + 1


async def test_a_cancelled_event_is_not_written_to():
    uow = new_uow()
    event_id, _ = await an_event(uow)
    await handlers.event_cancelled(ev.EventCancelledV3(scheduled_event_id=event_id, chapter_id=CHAPTER,
                                                       reason_code="organiser", revision=1), uow)
    with pytest.raises(EventCancelled):
        await write(uow, event_id)


async def test_a_message_still_unsent_when_its_event_is_cancelled_is_not_sent():
    uow = new_uow()
    event_id, _ = await an_event(uow)
    await write(uow, event_id)
    await handlers.event_cancelled(ev.EventCancelledV3(scheduled_event_id=event_id, chapter_id=CHAPTER,
                                                       reason_code="organiser", revision=1), uow)
    assert {e.subject for e in await sent(uow)} == {f"Cancelled: {TITLE}"}


async def test_a_message_sent_stays_readable_in_the_inbox_once_its_event_is_cancelled_saying_so():
    uow = new_uow()
    event_id, people = await an_event(uow)
    await write(uow, event_id)
    await sent(uow)
    await handlers.event_cancelled(ev.EventCancelledV3(scheduled_event_id=event_id, chapter_id=CHAPTER,
                                                       reason_code="organiser", revision=1), uow)
    items = (await views.inbox(uow, people["sam"], False, 10, POLICY, NOW, listed))[0]
    [item] = [i for i in items if i["kind"] == "organiser_message"]
    read = await views.inbox_message(uow, people["sam"], item["id"], POLICY, NOW,
                                     inbox_composer(Links("https://app.mentorship.example"), clock=lambda: NOW))
    said = "\n".join(read.paragraphs)
    assert "We have moved to room 4, one floor up." in said and f"The organizers of {TITLE} wrote to you:" in said
    assert read.paragraphs[-1] == "The event has been cancelled since."


async def test_nobody_registered_is_a_message_to_nobody():
    uow = new_uow()
    event = workshop(NOW + timedelta(days=3), chapter_id=CHAPTER)
    await handlers.event_published(event, uow)
    message, new = await write(uow, event.scheduled_event_id)
    assert new and message["recipients"] == 0 and await sent(uow) == []


async def test_a_suspended_account_gets_nothing_nor_one_suspended_before_it_went():
    uow = new_uow()
    event_id, people = await an_event(uow)
    await handlers.person_suspended(pr.PersonSuspended(person_id=people["sam"]), uow)
    message, _ = await write(uow, event_id)
    assert message["recipients"] == 1
    await handlers.person_suspended(pr.PersonSuspended(person_id=people["ana"]), uow)
    assert await sent(uow) == []


async def test_an_erased_registrant_gets_nothing_and_an_erased_organiser_is_no_longer_named_as_its_sender():
    uow = new_uow()
    event_id, people = await an_event(uow)
    await handlers.person_erased(pr.PersonErasedV2(person_id=people["sam"]), uow)
    message, _ = await write(uow, event_id)
    assert message["recipients"] == 1
    await handlers.person_erased(pr.PersonErasedV2(person_id=COORDINATOR.person_id), uow)
    [kept] = await views.event_messages(uow, event_id, may_act(ADMIN))
    assert kept["sent_by"] is None


async def test_one_who_opted_out_of_event_news_finds_it_in_their_inbox_only():
    uow = new_uow()
    event_id, people = await an_event(uow)
    await handlers.change_preferences(commands.ChangePreferences(people["sam"], {Category.EVENT_UPDATES: True}), uow)
    await write(uow, event_id)
    assert addressed(uow, people, await sent(uow)) == {"ana"}
    items = (await views.inbox(uow, people["sam"], False, 10, POLICY, NOW, listed))[0]
    assert "organiser_message" in {i["kind"] for i in items}


async def test_each_reads_it_in_their_language_with_the_organisers_words_as_they_wrote_them():
    uow = new_uow()
    event = workshop(NOW + timedelta(days=3), title=TITLE, chapter_id=CHAPTER)
    await handlers.event_published(event, uow)
    marta = await person(uow, "Marta Gómez", language="es")
    await handlers.registration_confirmed(ev.RegistrationConfirmedV2(
        registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, chapter_id=CHAPTER, person_id=marta),
        uow)
    await sent(uow)
    await write(uow, event.scheduled_event_id)
    [email] = await sent(uow)
    assert email.subject == f"Un mensaje sobre {TITLE}"
    assert "Hola, Marta Gómez:" in email.text and WORDS in email.text


@pytest.mark.parametrize("body", ["", "   \n\n  ", "\x00\x07", "x" * 2001])
async def test_an_empty_or_too_long_message_is_refused_naming_the_body(body):
    uow = new_uow()
    event_id, _ = await an_event(uow)
    with pytest.raises(MessageBodyInvalid) as refused:
        await write(uow, event_id, body=body)
    assert refused.value.field == "body"
