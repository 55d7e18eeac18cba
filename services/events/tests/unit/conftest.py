"""In-memory repositories with the PostgreSQL ones' behaviour (`service_layer.ports`), in plumbing's fake unit of
work. Each keeps its rows in instance attributes, which the unit of work restores when a handler fails."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

import pytest
from events.domain.commands import EventFilter
from events.domain.model import (
    EventState,
    OfficeHourSlot,
    Participant,
    Registration,
    ScheduledEvent,
    Status,
    attendance_counts,
)
from mentorship_contracts import IntegrationEvent, sealed_version_of
from mentorship_contracts.envelope import registered_events
from plumbing.testing import FakeUnitOfWork


class FakeEvents:
    def __init__(self) -> None:
        self.rows: dict[UUID, ScheduledEvent] = {}

    async def add(self, e: ScheduledEvent) -> None:
        self.rows[e.id] = copy.deepcopy(e)

    save = add

    async def get(self, event_id: UUID, *, lock: bool = False) -> ScheduledEvent | None:
        return copy.deepcopy(self.rows.get(event_id))

    async def find(self, f: EventFilter) -> list[ScheduledEvent]:
        found = [e for e in self.rows.values() if e.state == f.state
                 and (f.chapter_id is None or e.chapter_id == f.chapter_id
                      or (f.with_national and e.chapter_id is None))
                 and (f.national is None or (e.chapter_id is None) == f.national)
                 and (f.kind is None or e.kind == f.kind)
                 and (f.starts_from is None or e.starts_at >= f.starts_from)
                 and (f.ends_after is None or e.ends_at > f.ends_after)
                 and (f.starts_before is None or e.starts_at < f.starts_before)
                 and (f.audience is None or not e.audience_stages or f.audience in e.audience_stages)
                 and (f.parent_event_id is None or e.parent_event_id == f.parent_event_id)
                 and (f.sessions_of_drafts_in is None or e.parent_event_id is None
                      or e.chapter_id in f.sessions_of_drafts_in
                      or self.rows[e.parent_event_id].state != EventState.DRAFT)]
        found.sort(key=lambda e: (e.starts_at, e.id))
        return copy.deepcopy(found[f.offset:f.offset + f.limit])

    async def sessions_of(self, conference_id: UUID, *, lock: bool = False) -> list[ScheduledEvent]:
        return copy.deepcopy(sorted((e for e in self.rows.values() if e.parent_event_id == conference_id),
                                    key=lambda e: (e.starts_at, e.id)))

    async def restatable(self, after: UUID | None, limit: int) -> list[ScheduledEvent]:
        found = sorted((e for e in self.rows.values() if e.state != EventState.DRAFT and (after is None or e.id > after)),
                       key=lambda e: e.id)
        return copy.deepcopy(found[:limit])


class FakeRegistrations:
    def __init__(self, event: Callable[[UUID], ScheduledEvent],
                 events_of: Callable[[UUID | None], set[UUID]] = lambda _: set()) -> None:
        self.rows: list[Registration] = []  # in arrival order
        self.reminded: set[UUID] = set()
        # Functions, not the events repository: the unit of work's snapshot of this state must not copy that.
        self._event = event
        self._events_of = events_of  # the ids of every event (None) or of a chapter's

    async def add_all(self, new: list[Registration]) -> None:
        for r in new:
            r.created_at = datetime.now(UTC)
            self.rows.append(copy.deepcopy(r))

    async def save(self, r: Registration) -> None:
        self.rows = [copy.deepcopy(r) if row.id == r.id else row for row in self.rows]

    async def active(self, event_id: UUID, person_id: UUID) -> Registration | None:
        return next((copy.deepcopy(r) for r in self.rows
                     if (r.scheduled_event_id, r.person_id) == (event_id, person_id) and r.is_active), None)

    async def standing(self, event_id: UUID, people: list[UUID]) -> tuple[int, int, dict[UUID, Registration]]:
        active = {p: r for p in people if (r := await self.active(event_id, p))}
        return await self.count(event_id, Status.CONFIRMED), await self.count(event_id, Status.WAITLISTED), active

    async def count(self, event_id: UUID, status: Status) -> int:
        return sum(r.scheduled_event_id == event_id and r.status == status for r in self.rows)

    async def first_waitlisted(self, event_id: UUID) -> Registration | None:
        return next((copy.deepcopy(r) for r in self.rows
                     if r.scheduled_event_id == event_id and r.status == Status.WAITLISTED), None)

    async def of_event(self, event_id: UUID, *, active_only: bool = False) -> list[Registration]:
        return [copy.deepcopy(r) for r in self.rows
                if r.scheduled_event_id == event_id and (r.is_active or not active_only)]

    async def of_person(self, person_id: UUID) -> list[tuple[Registration, ScheduledEvent]]:
        return [(copy.deepcopy(r), copy.deepcopy(self._event(r.scheduled_event_id)))
                for r in self.rows if r.person_id == person_id]

    async def waitlist_places_of(self, person_id: UUID) -> dict[UUID, int]:
        places = {}
        for event_id in {r.scheduled_event_id for r in self.rows if r.person_id == person_id}:
            queue = [r for r in self.rows if r.scheduled_event_id == event_id and r.status == Status.WAITLISTED]
            places |= {r.id: place for place, r in enumerate(queue, start=1) if r.person_id == person_id}
        return places

    async def in_calendar_of(self, person_id: UUID) -> list[tuple[Registration, ScheduledEvent]]:
        held = [(copy.deepcopy(r), copy.deepcopy(self._event(r.scheduled_event_id))) for r in self.rows
                if r.person_id == person_id
                and (r.status == Status.CONFIRMED or (r.cancelled_by == "event_cancelled" and r.held_seat))]
        return sorted(held, key=lambda pair: pair[1].starts_at)

    async def claim_reminder_pass(self) -> bool:
        return True

    async def awaiting_reminder(
        self, starting_after: datetime, starting_by: datetime,
    ) -> list[tuple[Registration, ScheduledEvent]]:
        return [(copy.deepcopy(r), copy.deepcopy(e)) for r in self.rows
                if r.status == Status.CONFIRMED and r.id not in self.reminded
                and (e := self._event(r.scheduled_event_id)).state == EventState.PUBLISHED
                and starting_after < e.starts_at <= starting_by]

    async def mark_reminded(self, registration_id: UUID) -> bool:
        first = registration_id not in self.reminded
        self.reminded.add(registration_id)
        return first

    async def forget(self, person_id: UUID) -> None:
        self.rows = [r for r in self.rows if r.person_id != person_id]

    async def attendance(self, chapter_id: UUID | None) -> list[tuple[UUID, UUID | None, tuple[int, int, int, int]]]:
        events = sorted({r.scheduled_event_id for r in self.rows} | self._events_of(chapter_id),
                        key=lambda event_id: (self._event(event_id).starts_at, event_id))
        return [(event_id, self._event(event_id).chapter_id,
                 attendance_counts([r for r in self.rows if r.scheduled_event_id == event_id]))
                for event_id in events if self._event(event_id).state != EventState.DRAFT
                and (chapter_id is None or self._event(event_id).chapter_id == chapter_id)]


class FakeParticipants:
    def __init__(self) -> None:
        self.people: dict[UUID, Participant] = {}
        self.feeds: dict[bytes, tuple[UUID, str]] = {}  # digest -> owner, language
        self.mentor_enrollments: dict[UUID, tuple[UUID, bool, bool]] = {}  # person, approved, vetted
        self.erased: set[UUID] = set()
        self.suspension_as_of: dict[UUID, datetime] = {}

    async def known(self, people: list[UUID]) -> dict[UUID, Participant]:
        mentors = {person for person, approved, _ in self.mentor_enrollments.values() if approved}
        vetted = self.vetted_hosts()
        return {p: dataclasses.replace(self.people[p], is_mentor=p in mentors, vetted_host=p in vetted)
                for p in people if p in self.people}

    def vetted_hosts(self) -> set[UUID]:
        return {person for person, approved, vetted in self.mentor_enrollments.values() if approved and vetted}

    async def get(self, person_id: UUID, *, lock: bool = False) -> Participant | None:
        return (await self.known([person_id])).get(person_id)

    async def save(self, p: Participant) -> None:
        if p.person_id not in self.erased:
            kept = self.people.get(p.person_id)
            self.people[p.person_id] = dataclasses.replace(p, suspended=kept is not None and kept.suspended)

    async def suspension(self, person_id: UUID, suspended: bool, as_of: datetime) -> bool | None:
        if (kept := self.people.get(person_id)) is None:
            return None
        if person_id not in self.suspension_as_of or self.suspension_as_of[person_id] <= as_of:
            self.people[person_id] = dataclasses.replace(kept, suspended=suspended)
            self.suspension_as_of[person_id] = as_of
        return self.people[person_id].suspended

    async def mentor_enrollment(self, enrollment_id: UUID, person_id: UUID, approved: bool | None,
                                vetted: bool = False) -> None:
        if approved is None:
            self.mentor_enrollments.pop(enrollment_id, None)
        elif person_id not in self.erased:
            kept = self.mentor_enrollments.get(enrollment_id, (person_id, False, False))[2]
            self.mentor_enrollments[enrollment_id] = (person_id, approved, vetted or (kept and approved))

    async def forget(self, person_id: UUID) -> None:
        self.erased.add(person_id)
        self.people.pop(person_id, None)
        self.suspension_as_of.pop(person_id, None)
        self.mentor_enrollments = {e: x for e, x in self.mentor_enrollments.items() if x[0] != person_id}
        self.feeds = {digest: feed for digest, feed in self.feeds.items() if feed[0] != person_id}

    async def save_feed_token(self, person_id: UUID, token_sha256: bytes, language: str) -> None:
        self.feeds = {digest: feed for digest, feed in self.feeds.items() if feed[0] != person_id}
        self.feeds[token_sha256] = (person_id, language)

    async def set_feed_language(self, person_id: UUID, language: str) -> bool:
        found = [digest for digest, feed in self.feeds.items() if feed[0] == person_id]
        for digest in found:
            self.feeds[digest] = (person_id, language)
        return bool(found)

    async def owner_of_feed(self, token_sha256: bytes) -> tuple[UUID, str] | None:
        return self.feeds.get(token_sha256)


class FakeSlots:
    def __init__(self, vetted_hosts: Callable[[], set[UUID]] = set) -> None:
        self.rows: dict[UUID, OfficeHourSlot] = {}
        self.vetted_hosts = vetted_hosts

    async def add(self, s: OfficeHourSlot) -> None:
        self.rows[s.id] = copy.deepcopy(s)

    save = add

    async def get(self, slot_id: UUID, *, lock: bool = False) -> OfficeHourSlot | None:
        return copy.deepcopy(self.rows.get(slot_id))

    async def find(self, *, host_id: UUID | None, chapter_id: UUID | None, open_only: bool,
                   starts_from: datetime | None, chapters: frozenset[UUID] | None = None,
                   vetted_hosts_only: bool = False) -> list[OfficeHourSlot]:
        vetted = self.vetted_hosts()
        found = [copy.deepcopy(s) for s in self.rows.values() if (starts_from is None or s.starts_at >= starts_from)
                 and not (vetted_hosts_only and s.host_id not in vetted)
                 and host_id in (None, s.host_id) and chapter_id in (None, s.chapter_id)
                 and not (open_only and s.booked_by is not None)
                 and (chapters is None or s.chapter_id is None or s.chapter_id in chapters)]
        return sorted(found, key=lambda s: s.starts_at)

    async def overlapping(self, host_id: UUID, starts_at: datetime, ends_at: datetime) -> bool:
        return any(s.host_id == host_id and s.starts_at < ends_at and s.ends_at > starts_at for s in self.rows.values())

    async def booked_by(self, person_id: UUID, *, ending_after: datetime | None) -> list[OfficeHourSlot]:
        booked = [copy.deepcopy(s) for s in self.rows.values()
                  if s.booked_by == person_id and (ending_after is None or s.ends_at > ending_after)]
        return sorted(booked, key=lambda s: s.starts_at)

    async def booked_involving(self, person_id: UUID) -> list[OfficeHourSlot]:
        return sorted((copy.deepcopy(s) for s in self.rows.values()
                       if s.booked_by is not None and person_id in (s.host_id, s.booked_by)), key=lambda s: s.starts_at)

    async def involving(self, person_id: UUID) -> list[OfficeHourSlot]:
        return [copy.deepcopy(s) for s in self.rows.values() if person_id in (s.host_id, s.booked_by)]

    async def remove(self, slot_id: UUID) -> None:
        del self.rows[slot_id]

    async def restatable(self, after: UUID | None, limit: int) -> list[OfficeHourSlot]:
        booked = sorted((s for s in self.rows.values() if s.booked_by is not None and (after is None or s.id > after)),
                        key=lambda s: s.id)
        return copy.deepcopy(booked[:limit])


@pytest.fixture
def uow() -> FakeUnitOfWork:
    events = FakeEvents()
    registrations = FakeRegistrations(
        event=lambda event_id: events.rows[event_id],
        events_of=lambda chapter_id: {e.id for e in events.rows.values() if chapter_id in (None, e.chapter_id)})
    participants = FakeParticipants()
    return FakeUnitOfWork(events=events, registrations=registrations, participants=participants,
                          slots=FakeSlots(participants.vetted_hosts))


@pytest.fixture
def emitted(uow: FakeUnitOfWork) -> Callable[[type[IntegrationEvent]], list]:
    """The events of one kind the unit of work has published so far, in order."""
    return lambda kind: [e for e in uow.published if isinstance(e, kind)]


def _newest_versions() -> dict[str, int]:
    newest: dict[str, int] = {}
    for model in registered_events():
        event_type, version = model.model_fields["event_type"].default, model.model_fields["schema_version"].default
        newest[event_type] = max(newest.get(event_type, 0), version)
    return newest


@pytest.fixture(autouse=True)
def only_the_newest_versions_are_emitted(uow: FakeUnitOfWork):
    """Whatever a test does, the events it causes are the newest (closed-schema) versions of their types, or the clear
    version of the newest, a sealed one, which the unit of work seals on commit (`EventsUnitOfWork`)."""
    yield
    newest = _newest_versions()
    older = {(e.event_type, e.schema_version) for e in uow.published
             if (sealed_version_of(type(e)) or type(e)).model_fields["schema_version"].default != newest[e.event_type]}
    assert older == set(), "emitted in an older version than the newest"
