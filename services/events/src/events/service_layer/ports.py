"""What the use cases need of the database: a Protocol per repository and one for the unit of work.

The PostgreSQL repositories (`adapters.repository`) and the unit tests' fakes both satisfy them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from mentorship_contracts.profiles import PreferredLanguage
from plumbing.unit_of_work import UnitOfWorkPort

from ..domain.commands import EventFilter
from ..domain.model import OfficeHourSlot, Participant, Registration, ScheduledEvent, Status


class ScheduledEvents(Protocol):
    async def add(self, e: ScheduledEvent) -> None: ...

    async def save(self, e: ScheduledEvent) -> None: ...

    async def get(self, event_id: UUID, *, lock: bool = False) -> ScheduledEvent | None:
        """The event; `lock` holds its row until the transaction ends (what serialises its registrations)."""

    async def find(self, f: EventFilter) -> list[ScheduledEvent]: ...

    async def sessions_of(self, conference_id: UUID, *, lock: bool = False) -> list[ScheduledEvent]:
        """The conference's sessions in every state, soonest first; `lock` holds their rows until the transaction
        ends (taken after the conference's own: a conference before its sessions, always)."""

    async def restatable(self, after: UUID | None, limit: int) -> list[ScheduledEvent]:
        """The catalogue (every event but drafts) a page at a time in id order after `after`, each row locked until
        the transaction ends: a change to it waits, so its own event comes after the restatement."""


class Registrations(Protocol):
    async def add_all(self, new: list[Registration]) -> None:
        """Insert in the given order, which becomes their arrival order."""

    async def save(self, r: Registration) -> None: ...

    async def active(self, event_id: UUID, person_id: UUID) -> Registration | None: ...

    async def standing(self, event_id: UUID, people: list[UUID]) -> tuple[int, int, dict[UUID, Registration]]:
        """Confirmed and waitlisted counts, and the active registrations of `people`."""

    async def count(self, event_id: UUID, status: Status) -> int: ...

    async def first_waitlisted(self, event_id: UUID) -> Registration | None: ...

    async def of_event(self, event_id: UUID, *, active_only: bool = False) -> list[Registration]:
        """In arrival order."""

    async def of_person(self, person_id: UUID) -> list[tuple[Registration, ScheduledEvent]]: ...

    async def waitlist_places_of(self, person_id: UUID) -> dict[UUID, int]:
        """Each of the person's registrations on a waitlist, with their place in it (from 1)."""

    async def in_calendar_of(self, person_id: UUID) -> list[tuple[Registration, ScheduledEvent]]:
        """The person's registrations holding a seat, and those cancelled with their event while holding one, with
        their events, soonest first."""

    async def claim_reminder_pass(self) -> bool:
        """Whether this instance runs the reminder pass now (until its transaction ends)."""

    async def awaiting_reminder(
        self, starting_after: datetime, starting_by: datetime,
    ) -> list[tuple[Registration, ScheduledEvent]]: ...

    async def mark_reminded(self, registration_id: UUID) -> bool:
        """False when a reminder went out already (another instance, another pass)."""

    async def forget(self, person_id: UUID) -> None: ...

    async def attendance(self, chapter_id: UUID | None) -> list[tuple[UUID, UUID | None, tuple[int, int, int, int]]]:
        """Each event but drafts (of `chapter_id`; None: of every chapter and national ones), soonest first, with its
        chapter and its counts (`model.attendance_counts`)."""


class Participants(Protocol):
    async def known(self, people: list[UUID]) -> dict[UUID, Participant]:
        """Those of `people` profiles has told us about."""

    async def get(self, person_id: UUID, *, lock: bool = False) -> Participant | None:
        """The participant; `lock` holds a shared lock on them until the transaction ends, which a suspension waits
        for (and which waits for one)."""

    async def save(self, p: Participant) -> None:
        """Ignored for an erased person. Whether they are suspended is kept as it was (`suspension`)."""

    async def suspension(self, person_id: UUID, suspended: bool, as_of: datetime) -> bool | None:
        """Record whether the person is suspended as of `as_of` (when profiles said so), unless what is kept is
        newer; return whether they are suspended now, or None for someone profiles has not told us of (or erased)."""

    async def mentor_enrollment(self, enrollment_id: UUID, person_id: UUID, approved: bool | None,
                                vetted: bool = False) -> None:
        """Whether this enrollment of the person's as a mentor is approved now; None: it is no mentor's enrollment
        (any more). A participant is a mentor while one of theirs is approved. `vetted`: a coordinator approved it
        now; kept while it stays approved, cleared once not. A participant is a vetted host while one of theirs is
        approved and vetted. Ignored for an erased person."""

    async def forget(self, person_id: UUID) -> None:
        """The participant, their mentor enrollments and their calendar feed; their id is kept, so that what arrives
        about them after their erasure (on another topic than it) is ignored."""

    async def save_feed_token(self, person_id: UUID, token_sha256: bytes, language: str) -> None: ...

    async def set_feed_language(self, person_id: UUID, language: str) -> bool:
        """Whether the person had a feed, its language now `language`."""

    async def owner_of_feed(self, token_sha256: bytes) -> tuple[UUID, PreferredLanguage] | None:
        """The feed's owner and the language it was made in."""


class Slots(Protocol):
    async def add(self, s: OfficeHourSlot) -> None: ...

    async def get(self, slot_id: UUID, *, lock: bool = False) -> OfficeHourSlot | None: ...

    async def save(self, s: OfficeHourSlot) -> None: ...

    async def find(self, *, host_id: UUID | None, chapter_id: UUID | None, open_only: bool,
                   starts_from: datetime | None, chapters: frozenset[UUID] | None = None,
                   vetted_hosts_only: bool = False) -> list[OfficeHourSlot]:
        """Slots starting from `starts_from`, soonest first (200 at most; every one when `starts_from` is None): of
        `host_id` and in `chapter_id` if given, open ones only if `open_only`; with `chapters`, only national slots
        (no chapter) and those chapters'; with `vetted_hosts_only`, only those of vetted hosts
        (`Participant.vetted_host`)."""

    async def overlapping(self, host_id: UUID, starts_at: datetime, ends_at: datetime) -> bool:
        """Whether the host offers a slot that overlaps this time (one ending as it starts does not)."""

    async def booked_by(self, person_id: UUID, *, ending_after: datetime | None) -> list[OfficeHourSlot]:
        """The slots the person booked, ending after `ending_after` (None: every one), soonest first."""

    async def booked_involving(self, person_id: UUID) -> list[OfficeHourSlot]:
        """Booked slots the person booked or hosts, soonest first."""

    async def involving(self, person_id: UUID) -> list[OfficeHourSlot]:
        """Slots the person hosts or has booked, locked."""

    async def remove(self, slot_id: UUID) -> None: ...

    async def restatable(self, after: UUID | None, limit: int) -> list[OfficeHourSlot]:
        """The booked slots a page at a time in id order after `after`, each row locked until the transaction ends
        (as a booking's change locks it)."""


class RestatingUnitOfWorkPort(UnitOfWorkPort, Protocol):
    """One transaction over the catalogue, its registrations and the office hours (restating them: an operator's
    command)."""

    @property
    def events(self) -> ScheduledEvents: ...

    @property
    def registrations(self) -> Registrations: ...

    @property
    def slots(self) -> Slots: ...


class EventsUnitOfWorkPort(RestatingUnitOfWorkPort, Protocol):
    """One transaction over the repositories; the events emitted go to the outbox when it commits."""

    @property
    def participants(self) -> Participants: ...
