"""An in-memory unit of work with the repositories' behaviour, for the handlers' tests."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest
from events.domain.model import EventState, Registration, Status


class FakeEvents:
    def __init__(self) -> None:
        self.rows = {}

    async def add(self, event) -> None:
        self.rows[event.id] = copy.deepcopy(event)

    save = add

    async def get(self, event_id, *, lock=False):
        return copy.deepcopy(self.rows.get(event_id))


class FakeRegistrations:
    def __init__(self, events: FakeEvents) -> None:
        self.rows: list[Registration] = []  # in arrival order
        self.reminded: set = set()
        self._events = events

    async def add_all(self, new) -> None:
        for r in new:
            r.created_at = datetime.now(UTC)
            self.rows.append(copy.deepcopy(r))

    async def save(self, r) -> None:
        self.rows = [copy.deepcopy(r) if row.id == r.id else row for row in self.rows]

    async def active(self, event_id, person_id):
        return next((copy.deepcopy(r) for r in self.rows
                     if (r.scheduled_event_id, r.person_id) == (event_id, person_id) and r.is_active), None)

    async def standing(self, event_id, people):
        active = {p: r for p in people if (r := await self.active(event_id, p))}
        return await self.count(event_id, Status.CONFIRMED), await self.count(event_id, Status.WAITLISTED), active

    async def count(self, event_id, status) -> int:
        return sum(r.scheduled_event_id == event_id and r.status == status for r in self.rows)

    async def first_waitlisted(self, event_id):
        return next((copy.deepcopy(r) for r in self.rows
                     if r.scheduled_event_id == event_id and r.status == Status.WAITLISTED), None)

    async def of_event(self, event_id, *, active_only=False):
        return [copy.deepcopy(r) for r in self.rows
                if r.scheduled_event_id == event_id and (r.is_active or not active_only)]

    async def of_person(self, person_id):
        return [(copy.deepcopy(r), copy.deepcopy(self._events.rows[r.scheduled_event_id]))
                for r in self.rows if r.person_id == person_id]

    async def claim_reminder_pass(self) -> bool:
        return True

    async def awaiting_reminder(self, after, by):
        return [(copy.deepcopy(r), copy.deepcopy(e)) for r in self.rows
                if r.status == Status.CONFIRMED and r.id not in self.reminded
                and (e := self._events.rows[r.scheduled_event_id]).state == EventState.PUBLISHED
                and after < e.starts_at <= by]

    async def mark_reminded(self, registration_id) -> bool:
        first = registration_id not in self.reminded
        self.reminded.add(registration_id)
        return first

    async def forget(self, person_id) -> None:
        self.rows = [r for r in self.rows if r.person_id != person_id]


class FakeParticipants:
    def __init__(self) -> None:
        self.people, self.feeds = {}, {}

    async def stages_of(self, people):
        return {p: self.people[p].stage for p in people if p in self.people}

    async def get(self, person_id):
        return self.people.get(person_id)

    async def save(self, participant) -> None:
        self.people[participant.person_id] = participant

    async def forget(self, person_id) -> None:
        self.people.pop(person_id, None)
        self.feeds = {digest: owner for digest, owner in self.feeds.items() if owner != person_id}

    async def save_feed_token(self, person_id, digest) -> None:
        await self.forget(person_id)
        self.feeds[digest] = person_id

    async def owner_of_feed(self, digest):
        return self.feeds.get(digest)


class FakeSlots:
    def __init__(self) -> None:
        self.rows = {}

    async def add(self, slot) -> None:
        self.rows[slot.id] = copy.deepcopy(slot)

    save = add

    async def get(self, slot_id, *, lock=False):
        return copy.deepcopy(self.rows.get(slot_id))

    async def booked_by(self, person_id, *, ending_after):
        booked = [copy.deepcopy(s) for s in self.rows.values() if s.booked_by == person_id and s.ends_at > ending_after]
        return sorted(booked, key=lambda s: s.starts_at)

    async def involving(self, person_id):
        return [copy.deepcopy(s) for s in self.rows.values() if person_id in (s.host_id, s.booked_by)]

    async def remove(self, slot_id) -> None:
        del self.rows[slot_id]


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.events = FakeEvents()
        self.registrations = FakeRegistrations(self.events)
        self.participants = FakeParticipants()
        self.slots = FakeSlots()
        self.published: list = []
        self._pending: list = []

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc_info) -> None:
        self._pending = []

    def emit(self, *events) -> None:
        self._pending.extend(events)

    async def commit(self) -> None:
        self.published += self._pending
        self._pending = []

    def published_of(self, kind) -> list:
        return [e for e in self.published if isinstance(e, kind)]


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()
