"""A conference and its sessions: a session is published once its conference is, and listed to members only then; a
conference is cancelled with its sessions, and moved only where its sessions still fit."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from events.domain import commands
from events.domain.model import EventState, Participant, ScheduledEvent, Status
from events.service_layer import handlers
from mentorship_contracts import events as contract
from mentorship_contracts.vocabulary import TrainingStage
from plumbing.auth import Principal, Role
from plumbing.errors import Conflict, Invalid

# Midnight, ten days on: a conference of three days from then, its sessions an hour long from 9 each day.
FIRST_DAY = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=10)
CHAPTER = uuid4()
COORDINATOR = Principal(subject="c", role=Role.COORDINATOR, person_id=uuid4(), chapter_ids=frozenset({CHAPTER}))
MEMBER = Principal(subject="m", role=Role.PARTICIPANT, person_id=uuid4())


async def conference(uow, *, publish: bool = True) -> ScheduledEvent:
    event = await handlers.create_event(commands.CreateEvent(
        chapter_id=CHAPTER, kind="conference", title="Regional conference", starts_at=FIRST_DAY,
        ends_at=FIRST_DAY + timedelta(days=3), timezone="America/Chicago", capacity=500,
        registration_deadline=FIRST_DAY - timedelta(days=1), location="Convention centre"), COORDINATOR, uow)
    if publish:
        await handlers.publish_event(commands.PublishEvent(event.id), COORDINATOR, uow)
    return event


async def session(uow, of: ScheduledEvent, title: str, *, day: int = 0, publish: bool = True,
                  capacity: int = 50) -> ScheduledEvent:
    starts = FIRST_DAY + timedelta(days=day, hours=9)
    event = await handlers.create_event(commands.CreateEvent(
        chapter_id=CHAPTER, kind="conference_session", title=title, starts_at=starts,
        ends_at=starts + timedelta(hours=1), timezone="America/Chicago", capacity=capacity,
        registration_deadline=FIRST_DAY - timedelta(days=1), location="Room 101", parent_event_id=of.id),
        COORDINATOR, uow)
    if publish:
        await handlers.publish_event(commands.PublishEvent(event.id), COORDINATOR, uow)
    return event


async def registered(uow, event: ScheduledEvent) -> tuple:
    person = uuid4()
    await uow.participants.save(Participant(person, TrainingStage.UNDERGRADUATE, CHAPTER))
    [(registration, _)] = await handlers.register_arrivals([commands.Register(event.id, person)], uow)
    return person, registration.status


def cancel(event: ScheduledEvent, note: str | None = None) -> commands.CancelEvent:
    return commands.CancelEvent(event.id, "venue_unavailable", note)


# --- cancelled together -------------------------------------------------------------------------------------------

async def test_cancelling_a_conference_cancels_each_of_its_sessions_as_if_each_were_cancelled_by_itself(uow, emitted):
    regional = await conference(uow)
    stories, statements = await session(uow, regional, "Match day stories"), await session(
        uow, regional, "Personal statements", day=1, capacity=1)
    at_the_conference, _ = await registered(uow, regional)
    only_at_stories, _ = await registered(uow, stories)
    seated, waiting = [await registered(uow, statements) for _ in range(2)]
    assert (seated[1], waiting[1]) == (Status.CONFIRMED, Status.WAITLISTED)
    note = "The convention centre flooded.\nWe will write with a new date."

    await handlers.cancel_event(cancel(regional, note), COORDINATOR, uow)

    for event in (regional, stories, statements):
        kept = await uow.events.get(event.id)
        assert (kept.state, kept.cancellation_note, kept.revision) == (EventState.CANCELLED, note, 1)
    announced = emitted(contract.EventCancelledV4)
    assert sorted(e.scheduled_event_id for e in announced) == sorted([regional.id, stories.id, statements.id])
    assert {(e.reason_code, e.note, e.revision) for e in announced} == {("venue_unavailable", note, 1)}
    told = {(c.person_id, c.scheduled_event_id, c.cancelled_by) for c in emitted(contract.RegistrationCancelled)}
    assert told == {(at_the_conference, regional.id, "event_cancelled"), (only_at_stories, stories.id, "event_cancelled"),
                    (seated[0], statements.id, "event_cancelled"), (waiting[0], statements.id, "event_cancelled")}
    assert not emitted(contract.RegistrationPromoted)
    audited = {entry.subject_id: entry.detail for entry in uow.audited if entry.action == "event.cancelled"}
    assert audited == {str(regional.id): {"reason_code": "venue_unavailable", "registrations_cancelled": 1},
                       str(stories.id): {"reason_code": "venue_unavailable", "registrations_cancelled": 1},
                       str(statements.id): {"reason_code": "venue_unavailable", "registrations_cancelled": 2}}


async def test_a_session_cancelled_already_or_over_is_left_as_it_was_when_its_conference_is_cancelled(uow, emitted):
    regional = await conference(uow)
    called_off, over, completed, draft = [await session(uow, regional, title, publish=title != "Draft")
                                          for title in ("Called off", "Over", "Completed", "Draft")]
    await handlers.cancel_event(cancel(called_off, "Our speaker is ill."), COORDINATOR, uow)
    # The conference began yesterday: one session ended, another was completed.
    began = datetime.now(UTC) - timedelta(days=1)
    for event_id in (regional.id, over.id, completed.id):
        uow.events.rows[event_id].starts_at = began
    for event_id in (over.id, completed.id):
        uow.events.rows[event_id].ends_at = began + timedelta(hours=1)
    uow.events.rows[completed.id].state = EventState.COMPLETED

    await handlers.cancel_event(cancel(regional, "The rest is off."), COORDINATOR, uow)

    states = {e.title: (e.state, e.cancellation_note) for e in [await uow.events.get(x.id)
                                                               for x in (called_off, over, completed, draft)]}
    assert states == {"Called off": (EventState.CANCELLED, "Our speaker is ill."), "Over": (EventState.PUBLISHED, None),
                      "Completed": (EventState.COMPLETED, None), "Draft": (EventState.DRAFT, None)}
    assert [e.scheduled_event_id for e in emitted(contract.EventCancelledV4)] == [called_off.id, regional.id]


# --- published in order -------------------------------------------------------------------------------------------

async def test_a_session_is_not_published_before_its_conference_and_the_coordinator_is_told_to_publish_that_first(uow):
    regional = await conference(uow, publish=False)
    stories = await session(uow, regional, "Match day stories", publish=False)

    with pytest.raises(Conflict) as refused:
        await handlers.publish_event(commands.PublishEvent(stories.id), COORDINATOR, uow)

    assert (refused.value.code, refused.value.field) == ("conference_not_published", "parent_event_id")
    assert "publish the conference first" in refused.value.message
    assert (await uow.events.get(stories.id)).state == EventState.DRAFT and uow.published == []
    await handlers.publish_event(commands.PublishEvent(regional.id), COORDINATOR, uow)
    assert (await handlers.publish_event(commands.PublishEvent(stories.id), COORDINATOR, uow)).state == "published"


async def test_a_session_of_a_cancelled_conference_is_not_published(uow):
    regional = await conference(uow)
    stories = await session(uow, regional, "Match day stories", publish=False)
    await handlers.cancel_event(cancel(regional), COORDINATOR, uow)

    with pytest.raises(Conflict) as refused:
        await handlers.publish_event(commands.PublishEvent(stories.id), COORDINATOR, uow)

    assert (refused.value.code, refused.value.field) == ("conference_not_published", "parent_event_id")
    assert "cancelled" in refused.value.message


async def test_members_are_not_listed_a_session_published_while_its_conference_is_a_draft_but_its_organisers_are(uow):
    regional = await conference(uow, publish=False)
    stories = await session(uow, regional, "Match day stories", publish=False)
    uow.events.rows[stories.id].state = EventState.PUBLISHED  # published before the rule, as some were
    elsewhere = Principal(subject="o", role=Role.COORDINATOR, person_id=uuid4(), chapter_ids=frozenset({uuid4()}))

    for viewer in (MEMBER, elsewhere):
        assert await handlers.list_events(commands.EventFilter(), viewer, uow) == []
        assert await handlers.list_events(commands.EventFilter(parent_event_id=regional.id), viewer, uow) == []
    for organiser in (COORDINATOR, Principal(subject="a", role=Role.ADMIN)):
        listed = await handlers.list_events(commands.EventFilter(parent_event_id=regional.id), organiser, uow)
        assert [e.id for e in listed] == [stories.id]
    await handlers.publish_event(commands.PublishEvent(regional.id), COORDINATOR, uow)
    assert [e.id for e in await handlers.list_events(commands.EventFilter(), MEMBER, uow)] == [regional.id, stories.id]


async def test_no_one_registers_for_a_session_published_while_its_conference_is_a_draft_until_it_is_published(uow):
    # Hidden from the list and its page, it still took registrations from anyone who knew its address.
    regional = await conference(uow, publish=False)
    stories = await session(uow, regional, "Match day stories", publish=False)
    uow.events.rows[stories.id].state = EventState.PUBLISHED  # published before the rule, as some were
    person = uuid4()
    await uow.participants.save(Participant(person, TrainingStage.UNDERGRADUATE, CHAPTER))

    [refused] = await handlers.register_arrivals([commands.Register(stories.id, person)], uow)
    assert isinstance(refused, Conflict) and refused.code == "conference_not_published"
    await handlers.publish_event(commands.PublishEvent(regional.id), COORDINATOR, uow)
    [(registration, _)] = await handlers.register_arrivals([commands.Register(stories.id, person)], uow)
    assert registration.status == Status.CONFIRMED


# --- moved together -----------------------------------------------------------------------------------------------

async def test_a_conference_is_not_moved_away_from_its_sessions_which_are_named_and_moved_first(uow):
    regional = await conference(uow)
    await session(uow, regional, "Personal statements")
    await session(uow, regional, "Match day stories", day=2)
    called_off = await session(uow, regional, "Called off", day=2)
    await handlers.cancel_event(cancel(called_off), COORDINATOR, uow)

    for changes, at_fault, named, not_named in [
        ({"ends_at": FIRST_DAY + timedelta(days=2)}, "ends_at", "Match day stories", "Personal statements"),
        ({"starts_at": FIRST_DAY + timedelta(days=1), "ends_at": FIRST_DAY + timedelta(days=4)}, "starts_at",
         "Personal statements", "Match day stories"),
    ]:
        with pytest.raises(Invalid) as refused:
            await handlers.update_event(commands.UpdateEvent(regional.id, changes), COORDINATOR, uow)
        assert (refused.value.code, refused.value.field) == ("sessions_outside_conference", at_fault)
        assert named in refused.value.message and not_named not in refused.value.message
        assert "Called off" not in refused.value.message and "first" in refused.value.message
    assert (await uow.events.get(regional.id)).ends_at == FIRST_DAY + timedelta(days=3)

    # Its sessions still within it, a conference is moved: a day longer, or starting later the day it starts.
    longer = await handlers.update_event(commands.UpdateEvent(regional.id, {
        "ends_at": FIRST_DAY + timedelta(days=4), "starts_at": FIRST_DAY + timedelta(hours=9)}), COORDINATOR, uow)
    assert longer.ends_at == FIRST_DAY + timedelta(days=4)

