"""The inbox list says each message as it says itself opened: from what is known now, so a name changed since is not
shown, and in the reader's language now. When what it spoke of is over or gone, the subject it was given, but never
a name the other side had then."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from mentorship_contracts import events as ev
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from mentorship_contracts.envelope import as_private
from notifications.adapters.email import Renderer
from notifications.adapters.i18n import Reader
from notifications.adapters.links import Links
from notifications.adapters.messages import inbox_composer
from notifications.adapters.unsubscribe import UnsubscribeTokens
from notifications.domain.model import NOT_IN_INBOX
from notifications.service_layer import handlers, views
from notifications.service_layer.dispatch import DispatchPolicy, GatheredReads, context_for, dispatch_due
from plumbing.testing import FakeUnitOfWork

from . import samples
from .fakes import FakeMailer, FakeNotifications

POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0, access_link_grace_seconds=0, welcome_grace_seconds=0)
LINKS = Links("https://app.mentorship.example")
RENDER = Renderer(LINKS, UnsubscribeTokens("s" * 32), "Mentorship <no-reply@mentorship.example>")
COMPOSER = inbox_composer(LINKS)


def new_uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(notifications=FakeNotifications())


async def contact(uow, person, name: str, language: str = "en") -> None:
    await handlers.contact_details_changed(pr.ContactDetailsChangedV3(
        person_id=person, chapter_id=None, display_name=name, email=f"{person}@example.org",
        timezone="America/Chicago", preferred_language=language), uow)


async def person(uow, name: str, language: str = "en"):
    person_id = uuid4()
    await contact(uow, person_id, name, language)
    return person_id


async def sent(uow) -> None:
    await dispatch_due(lambda: uow, RENDER, FakeMailer(), POLICY)


async def listed(uow, person_id) -> dict[str, str]:
    """Each item's subject in the inbox list, by kind."""
    items, _ = await views.inbox(uow, person_id, False, 50, POLICY, datetime.now(UTC),
                                 lambda n, subject, context: COMPOSER(n, subject, context).subject)
    return {item["kind"]: item["subject"] for item in items}


async def listed_whole(uow, person_id) -> list[dict]:
    items, _ = await views.inbox(uow, person_id, False, 50, POLICY, datetime.now(UTC),
                                 lambda n, subject, context: COMPOSER(n, subject, context).subject)
    return items


async def opened(uow, person_id) -> dict[str, str]:
    """Each item's subject once opened, by kind."""
    items, _ = await views.inbox(uow, person_id, False, 50, POLICY, datetime.now(UTC),
                                 lambda n, subject, context: subject)
    return {item["kind"]: (await views.inbox_message(uow, person_id, item["id"], POLICY, datetime.now(UTC),
                                                     COMPOSER)).subject for item in items}


async def paired(uow, mentee, mentor) -> None:
    program = uuid4()
    await handlers.program_defined(pr.ProgramDefinedV5(members_public=True,
        program_id=program, chapter_id=None, name="Into Medical School", mentee_stages=["undergraduate"],
        mentor_stages=["resident"]), uow)
    await handlers.pairing_confirmed(ma.PairingConfirmedV4(
        pairing_id=uuid4(), program_id=program, chapter_id=None, mentee_id=mentee, mentor_id=mentor, score=80,
        reason_codes=[], pairing_kind="general", term_ends_at=datetime.now(UTC) + timedelta(days=300)), uow)


async def test_a_mentee_who_changed_their_name_since_the_pairing_is_listed_in_the_mentors_inbox_by_the_new_name():
    uow = new_uow()
    mentee, mentor = await person(uow, "Daniel Brooks"), await person(uow, "Ana Reyes")
    await paired(uow, mentee, mentor)
    await sent(uow)

    await contact(uow, mentee, "Danielle Brooks")

    subjects = await listed(uow, mentor)
    assert subjects["pairing_confirmed"] == "Your new mentee: Danielle Brooks"
    assert subjects == await opened(uow, mentor)


async def test_a_reader_who_switched_to_spanish_reads_the_inbox_list_in_spanish():
    uow = new_uow()
    mentee, mentor = await person(uow, "Sam Okafor"), await person(uow, "Ana Reyes")
    await paired(uow, mentee, mentor)
    await sent(uow)

    await contact(uow, mentee, "Sam Okafor", language="es")

    subjects = await listed(uow, mentee)
    assert subjects["pairing_confirmed"] == "Tu nueva persona mentora: Ana Reyes"
    assert subjects == await opened(uow, mentee)


async def an_office_hour_cancelled_after_its_booking_was_told(host_name_then: str, host_name_now: str):
    uow = new_uow()
    student, host = await person(uow, "Sam Okafor"), await person(uow, host_name_then)
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    booking = dict(slot_id=uuid4(), host_id=host, person_id=student, chapter_id=None, starts_at=starts,
                   ends_at=starts + timedelta(minutes=30), booking_id=uuid4(), is_virtual=False, location="Office 3")
    await handlers.office_hours_booked(ev.OfficeHoursBookedV3(**booking), uow)
    await sent(uow)
    await handlers.office_hours_booking_cancelled(ev.OfficeHoursBookingCancelledV3(
        **booking, cancelled_by="participant", reason_code="cancelled"), uow)
    await sent(uow)
    await contact(uow, host, host_name_now)
    return uow, student, starts


async def test_a_message_about_an_office_hour_over_since_names_the_other_side_as_they_are_now_not_as_they_were():
    """Its booking cancelled, "Office hour booked with …" can no longer be composed whole (what it spoke of is over),
    and the subject it was given names the host as they were: it names them as they are now."""
    uow, student, starts = await an_office_hour_cancelled_after_its_booking_was_told("Lee Chen", "Lee Park")

    subjects = await listed(uow, student)

    chicago = Reader("en", ZoneInfo("America/Chicago"))
    when = f"on {chicago.day(starts)} at {chicago.time(starts)}"
    assert subjects == {"office_hours_booked": f"Office hour booked with Lee Park {when}",
                        "office_hours_cancelled": f"You cancelled your office hour with Lee Park {when}"}
    assert subjects == await opened(uow, student)


async def test_a_message_about_an_event_cancelled_since_keeps_the_subject_it_was_given_listed_and_opened():
    """No name of a person is in it: the event's title, in the language it was sent in."""
    uow = new_uow()
    ana = await person(uow, "Ana Reyes")
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    talk = ev.EventPublishedV2(scheduled_event_id=uuid4(), chapter_id=None, kind="workshop",
                               title="Personal statements", starts_at=starts, ends_at=starts + timedelta(hours=1),
                               timezone="America/Chicago", capacity=5, audience_stages=[],
                               registration_deadline=starts, is_virtual=False, location="Room 2")
    await handlers.event_published(talk, uow)
    await handlers.registration_confirmed(ev.RegistrationConfirmedV2(
        registration_id=uuid4(), scheduled_event_id=talk.scheduled_event_id, chapter_id=None, person_id=ana), uow)
    await sent(uow)
    await handlers.event_cancelled(ev.EventCancelledV3(scheduled_event_id=talk.scheduled_event_id, chapter_id=None,
                                                       reason_code="room_closed", revision=1), uow)
    await sent(uow)

    await contact(uow, ana, "Ana Reyes", language="es")

    subjects = await listed(uow, ana)
    assert subjects == {"registration_confirmed": "Inscripción confirmada: Personal statements",
                        "event_cancelled": "Cancelado: Personal statements"}
    assert subjects == await opened(uow, ana)


async def test_a_message_about_a_registration_cancelled_since_says_its_subject_in_the_readers_language_now():
    """The registration it confirmed cancelled since, its body says so in the reader's language now: its subject too,
    said of the event as the message told it (a private event's: by its day alone), not the one stored in English."""
    uow = new_uow()
    ana = await person(uow, "Ana Reyes")
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    talk = ev.EventPublishedV2(scheduled_event_id=uuid4(), chapter_id=None, kind="workshop",
                               title="Personal statements", starts_at=starts, ends_at=starts + timedelta(hours=1),
                               timezone="America/Chicago", capacity=5, audience_stages=[],
                               registration_deadline=starts, is_virtual=False, location="Room 2")
    await handlers.event_published(talk, uow)
    registration = dict(registration_id=uuid4(), scheduled_event_id=talk.scheduled_event_id, chapter_id=None,
                        person_id=ana)
    await handlers.registration_confirmed(as_private(ev.RegistrationConfirmedV2(**registration)), uow)
    await sent(uow)
    [told] = await listed_whole(uow, ana)
    assert told["subject"].startswith("You are registered for an event on ")
    await handlers.registration_cancelled(as_private(ev.RegistrationCancelledV3(**registration,
                                                                                cancelled_by="registrant")), uow)
    await sent(uow)

    await contact(uow, ana, "Ana Reyes", language="es")

    day = Reader.of({"language": "es", "timezone": "America/Chicago"}).day(starts, ZoneInfo("America/Chicago"))
    subjects = await listed(uow, ana)
    assert subjects["registration_confirmed"] == f"Te inscribiste en un evento para el {day}"
    assert subjects == await opened(uow, ana)
    confirmed = next(item for item in await listed_whole(uow, ana) if item["kind"] == "registration_confirmed")
    message = await views.inbox_message(uow, ana, confirmed["id"], POLICY, datetime.now(UTC), COMPOSER)
    assert message.paragraphs == ["Tu inscripción en Personal statements se ha cancelado desde entonces."]


async def context_or_why_not(notification, uow, now):
    try:
        return await context_for(notification, uow, samples.POLICY, now)
    except Exception as error:  # noqa: BLE001 - why there is none (over, gone, not arrived yet) is compared too
        return type(error).__name__, str(error)


async def test_the_reads_gathered_for_a_whole_inbox_page_give_each_message_the_context_it_reads_alone():
    """Every kind of message of the gallery's story: a context gathered for all of them at once (one read of each
    kind) is the one read for each alone, and so is a missing context's reason (over, gone, not arrived)."""
    uow = await samples.told("en")
    async with uow:
        notifications = [row["n"] for row in uow.notifications.rows.values() if row["n"].kind not in NOT_IN_INBOX]
        gathered = GatheredReads(uow)
        await gathered.gather(notifications)
        for now in (samples.NOW, samples.NOW + timedelta(days=30)):  # when all is ahead, and once it is over
            for notification in notifications:
                assert (await context_or_why_not(notification, gathered, now)
                        == await context_or_why_not(notification, uow, now)), notification.kind


async def test_no_subject_of_any_kind_says_anything_a_partner_shows_partners_only_so_a_consent_withdrawn_leaves_none():
    """Pronouns, bio and identity attributes are in a message's body alone, composed from what is known now."""
    for language in ("en", "es"):
        for rendered in await samples.gallery(language):
            partner = rendered.context.get("partner") or {}
            shown = [partner.get("pronouns_for_partner"), partner.get("bio_for_partner"), "Nonbinary", "Afro-Latina"]
            assert not [value for value in shown if value and value in rendered.email.subject], rendered.label
