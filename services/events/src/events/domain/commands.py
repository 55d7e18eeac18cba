"""What callers ask the events service to do, and which events they ask to see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from uuid import UUID

from mentorship_contracts.events import EventKind
from mentorship_contracts.profiles import PreferredLanguage
from mentorship_contracts.vocabulary import TrainingStage

from .model import EventState, Exhibitor


@dataclass(frozen=True)
class CreateEvent:
    chapter_id: UUID | None
    kind: EventKind
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    capacity: int
    registration_deadline: datetime
    audience_stages: list[TrainingStage] = field(default_factory=list)
    description: str = ""
    is_virtual: bool = False
    location: str | None = None
    virtual_link: str | None = None
    parent_event_id: UUID | None = None
    exhibitors: list[Exhibitor] = field(default_factory=list)
    attendees_public: bool = False


@dataclass(frozen=True)
class EventFilter:
    """Which events a caller asks to see, a page at a time."""

    chapter_id: UUID | None = None
    national: bool | None = None
    kind: EventKind | None = None
    starts_from: datetime | None = None
    with_national: bool = False  # with chapter_id: that chapter's events and the national ones
    starts_before: datetime | None = None
    ends_after: datetime | None = None
    audience: TrainingStage | None = None
    state: EventState = EventState.PUBLISHED
    parent_event_id: UUID | None = None
    # Sessions published while their conference is still a draft (before that was refused) are listed only to the
    # conference's organisers: in these chapters (a coordinator's); None, in every chapter and nationally (an
    # administrator). Members would be shown a session whose conference they cannot see.
    sessions_of_drafts_in: frozenset[UUID] | None = frozenset()
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class PublishEvent:
    scheduled_event_id: UUID


@dataclass(frozen=True)
class UpdateEvent:
    scheduled_event_id: UUID
    changes: dict


@dataclass(frozen=True)
class CancelEvent:
    scheduled_event_id: UUID
    reason_code: str
    note: str | None = None


@dataclass(frozen=True)
class CompleteEvent:
    scheduled_event_id: UUID


@dataclass(frozen=True)
class Register:
    scheduled_event_id: UUID
    person_id: UUID


@dataclass(frozen=True)
class CancelRegistration:
    """The registrant cancels (an organiser removes them: `RemoveRegistrant`)."""

    scheduled_event_id: UUID
    person_id: UUID
    cancelled_by: Literal["registrant"] = "registrant"


@dataclass(frozen=True)
class RecordAttendance:
    scheduled_event_id: UUID
    person_id: UUID
    attended: bool


@dataclass(frozen=True)
class OfferSlot:
    host_id: UUID
    starts_at: datetime
    ends_at: datetime
    is_virtual: bool = True
    location: str | None = None
    join_url: str | None = None


@dataclass(frozen=True)
class SetSlotLink:
    """Give (or change) the link to join an online slot."""

    slot_id: UUID
    join_url: str


@dataclass(frozen=True)
class BookSlot:
    slot_id: UUID
    person_id: UUID


@dataclass(frozen=True)
class CancelBooking:
    slot_id: UUID
    cancelled_by: Literal["host", "participant"]


@dataclass(frozen=True)
class WithdrawSlot:
    slot_id: UUID


@dataclass(frozen=True)
class IssueCalendarFeed:
    person_id: UUID
    language: PreferredLanguage = "en"  # of its own words (`adapters.calendar.FEED_WORDS`)


@dataclass(frozen=True)
class ChangeCalendarFeedLanguage:
    person_id: UUID
    language: PreferredLanguage


@dataclass(frozen=True)
class RemoveRegistrant:
    """An organiser takes a registrant off the roster; the registrant is told, with the reason."""

    scheduled_event_id: UUID
    person_id: UUID
    reason: str | None


@dataclass(frozen=True)
class CheckIn:
    scheduled_event_id: UUID
    person_id: UUID


@dataclass(frozen=True)
class GiveSeatAtTheDoor:
    """A free seat, to someone on the waitlist who has come to the door (checked in with it)."""

    scheduled_event_id: UUID
    person_id: UUID


@dataclass(frozen=True)
class UndoCheckIn:
    scheduled_event_id: UUID
    person_id: UUID


@dataclass(frozen=True)
class AttendanceReport:
    """One chapter's events (a row each), or, with no chapter, every chapter's (a row each; national events in a
    row of their own)."""

    chapter_id: UUID | None
