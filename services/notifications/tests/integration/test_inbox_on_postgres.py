"""The inbox list on PostgreSQL: each subject as the message opened says it now (people named as they are now, in
the reader's language now), its page's context read in one statement of each kind whatever the page's length."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
import pytest
from mentorship_contracts import events as ev
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.adapters.links import Links
from notifications.adapters.messages import inbox_composer
from notifications.bootstrap import MIGRATIONS
from notifications.service_layer import handlers, views
from notifications.service_layer.dispatch import DispatchPolicy, GatheredReads, context_for, dispatch_due
from notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from plumbing.db import PLUMBING_MIGRATIONS, migrate

from ..unit.fakes import FakeMailer
from ..unit.samples import WEB, renderer

POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0, access_link_grace_seconds=0)
COMPOSER = inbox_composer(Links(WEB))


class Database:
    """The service's database, each statement its connections send noted."""

    def __init__(self, pool: asyncpg.Pool, statements: list[str]) -> None:
        self.pool, self.statements = pool, statements

    def uow(self) -> NotificationsUnitOfWork:
        return NotificationsUnitOfWork(self.pool)

    async def handle(self, handler, *events) -> None:
        for event in events:
            await handler(event, self.uow())

    async def contact(self, person: UUID, name: str, language: str = "en") -> UUID:
        await self.handle(handlers.contact_details_changed, pr.ContactDetailsChangedV3(
            person_id=person, chapter_id=None, display_name=name, email=f"{person}@example.org",
            timezone="America/Chicago", preferred_language=language))
        return person

    async def send_all(self) -> None:
        while (await dispatch_due(self.uow, renderer(), FakeMailer(), POLICY)).claimed:
            pass

    async def inbox(self, person: UUID) -> list[dict]:
        items, _ = await views.inbox(self.uow(), person, False, 50, POLICY, datetime.now(UTC),
                                     lambda n, subject, context: COMPOSER(n, subject, context).subject)
        return items


@pytest.fixture(scope="module")
async def database(postgres_server):
    statements: list[str] = []

    async def noting(conn: asyncpg.Connection) -> None:
        conn.add_query_logger(lambda logged: statements.append(logged.query))

    pool = await asyncpg.create_pool(postgres_server.create_database(f"notifications_inbox_{uuid4().hex[:8]}"),
                                     min_size=1, max_size=4, init=noting)
    await migrate(pool, PLUMBING_MIGRATIONS, MIGRATIONS)
    try:
        yield Database(pool, statements)
    finally:
        await pool.close()


async def an_inbox_of_every_sort(db: Database, rounds: int) -> tuple[UUID, list[UUID]]:
    """A mentee and, each round, a mentor paired with them (every other mentorship ended since), an office hour with
    that mentor (every other one cancelled since), an online event they hold a seat at with its join link, and one
    cancelled since: all of it told. Returns the mentee and the mentors."""
    sam = await db.contact(uuid4(), "Sam Okafor")
    mentors = []
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    for i in range(rounds):
        mentor = await db.contact(uuid4(), f"Mentor {i}")
        mentors.append(mentor)
        program = uuid4()
        await db.handle(handlers.program_defined, pr.ProgramDefinedV3(
            program_id=program, chapter_id=None, name=f"Program {i}", mentee_stages=["undergraduate"],
            mentor_stages=["resident"]))
        pairing = dict(pairing_id=uuid4(), program_id=program, chapter_id=None, mentee_id=sam, mentor_id=mentor)
        await db.handle(handlers.pairing_confirmed, ma.PairingConfirmedV4(
            **pairing, score=80, reason_codes=[], pairing_kind="general", term_ends_at=starts + timedelta(days=300)))
        booking = dict(slot_id=uuid4(), host_id=mentor, person_id=sam, chapter_id=None, starts_at=starts,
                       ends_at=starts + timedelta(minutes=30), booking_id=uuid4(), is_virtual=False, location="Desk")
        await db.handle(handlers.office_hours_booked, ev.OfficeHoursBookedV3(**booking))
        for _ in range(2):  # the second is cancelled since
            event = ev.EventPublishedV2(scheduled_event_id=uuid4(), chapter_id=None, kind="workshop",
                                        title=f"Workshop {i}", starts_at=starts, ends_at=starts + timedelta(hours=1),
                                        timezone="UTC", capacity=5, audience_stages=[], registration_deadline=starts,
                                        is_virtual=True, location=None)
            seat = dict(registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, person_id=sam)
            await db.handle(handlers.event_published, event)
            await db.handle(handlers.registration_confirmed, ev.RegistrationConfirmedV2(**seat, chapter_id=None))
            await db.handle(handlers.virtual_access_granted, ev.VirtualAccessGrantedV3(
                **seat, join_url="https://meet.example.org/j/42", revision=0))
        await db.send_all()
        await db.handle(handlers.event_cancelled, ev.EventCancelledV4(
            scheduled_event_id=event.scheduled_event_id, chapter_id=None, reason_code="room_closed", revision=1,
            note="The room is closed for repairs."))
        if i % 2:
            await db.handle(handlers.pairing_ended, ma.PairingEndedV2(**pairing, ended_by="mentor",
                                                                      reason_code="conduct"))
            await db.handle(handlers.office_hours_booking_cancelled, ev.OfficeHoursBookingCancelledV3(
                **booking, cancelled_by="participant", reason_code="cancelled"))
    await db.send_all()
    return sam, mentors


async def test_on_postgres_the_inbox_list_says_each_message_as_it_does_opened_names_and_language_as_they_are_now(
        database):
    sam, mentors = await an_inbox_of_every_sort(database, rounds=2)
    await database.contact(mentors[1], "Robin Park")
    await database.contact(sam, "Sam Okafor", language="es")

    items = await database.inbox(sam)

    opened = [(await views.inbox_message(database.uow(), sam, item["id"], POLICY, datetime.now(UTC),
                                         COMPOSER)).subject for item in items]
    assert [item["subject"] for item in items] == opened
    said = "\n".join(opened)
    assert "Mentor 1" not in said, said
    for subject in ("Tu nueva persona mentora: Robin Park", "Cancelado: Workshop 1"):
        assert subject in opened, said
    # An office hour's, with its day and time (five days from now).
    for start in ("Hora de orientación reservada con Robin Park para el ",
                  "Cancelaste tu hora de orientación con Robin Park del "):
        assert any(subject.startswith(start) for subject in opened), said


async def test_on_postgres_the_context_gathered_for_an_inbox_page_is_what_each_message_reads_alone(database):
    sam, _ = await an_inbox_of_every_sort(database, rounds=2)
    async with database.uow() as uow:
        notifications = [notification for notification, _ in await uow.notifications.inbox(sam, False, 50)]
        gathered = GatheredReads(uow)
        await gathered.gather(notifications)
        for now in (datetime.now(UTC), datetime.now(UTC) + timedelta(days=30)):  # ahead, and once it is all over
            for notification in notifications:
                assert (await context_or_why_not(notification, gathered, now)
                        == await context_or_why_not(notification, uow, now)), notification.kind


async def context_or_why_not(notification, uow, now):
    try:
        return await context_for(notification, uow, POLICY, now)
    except Exception as error:  # noqa: BLE001 - why there is none (over, gone, not arrived yet) is compared too
        return type(error).__name__, str(error)


async def test_an_inbox_page_is_read_in_as_many_statements_however_many_messages_it_holds(database):
    async def loggers_ran() -> None:
        """asyncpg hands each statement to its query loggers with `call_soon`: a callback scheduled after them runs
        after them (the loop keeps their order)."""
        loop = asyncio.get_running_loop()
        after = loop.create_future()
        loop.call_soon(after.set_result, None)
        await after

    async def statements_to_list(person: UUID) -> tuple[int, int]:
        await loggers_ran()
        database.statements.clear()
        items = await database.inbox(person)
        await loggers_ran()
        return len(items), len(database.statements)

    few, _ = await an_inbox_of_every_sort(database, rounds=1)
    many, _ = await an_inbox_of_every_sort(database, rounds=6)

    (few_items, few_statements), (many_items, many_statements) = (await statements_to_list(few),
                                                                  await statements_to_list(many))

    assert few_items < many_items and few_statements == many_statements, database.statements
    assert 0 < many_statements <= 13, "the page's reads, one of each kind, each counted"


async def test_on_postgres_an_update_item_says_the_move_its_email_told_after_a_later_move(database):
    sam = await database.contact(uuid4(), "Sam Okafor")
    starts = datetime(2030, 3, 7, 15, tzinfo=UTC)  # a Thursday
    event = ev.EventPublishedV2(scheduled_event_id=uuid4(), chapter_id=None, kind="workshop", title="Interviews",
                                starts_at=starts, ends_at=starts + timedelta(hours=2), timezone="UTC", capacity=5,
                                audience_stages=[], registration_deadline=starts, is_virtual=False, location="Room 2")
    await database.handle(handlers.event_published, event)
    await database.handle(handlers.registration_confirmed, ev.RegistrationConfirmedV2(
        registration_id=uuid4(), scheduled_event_id=event.scheduled_event_id, person_id=sam, chapter_id=None))
    values = event.model_dump(exclude={"event_id", "event_type", "schema_version", "occurred_at"})
    for revision, later in enumerate((timedelta(hours=1), timedelta(days=1, hours=2)), start=1):
        await database.send_all()
        await database.handle(handlers.event_updated, ev.EventUpdatedV3(
            **{**values, "starts_at": starts + later, "ends_at": starts + later + timedelta(hours=2)},
            changed_fields=["starts_at", "ends_at"], revision=revision))
    await database.send_all()

    updates = [item for item in await database.inbox(sam) if item["kind"] == "event_updated"]
    said = [await views.inbox_message(database.uow(), sam, item["id"], POLICY, datetime.now(UTC), COMPOSER)
            for item in updates]
    moved_to = [message.paragraphs[1].split(";")[0] for message in said]
    # An event in a room, said where it takes place (UTC), as its page says it.
    assert sorted(moved_to) == ["It now takes place Friday, March 8, 2030, 5:00\u202fPM \u2013 7:00\u202fPM "
                                "(Coordinated Universal Time)", "It now takes place Thursday, March 7, 2030, "
                                "4:00\u202fPM \u2013 6:00\u202fPM (Coordinated Universal Time)"]
    assert sorted(message.paragraphs[-1] == "The event has changed since: see its page." for message in said) \
        == [False, True]
