"""Integration events published by the events service (career fairs, sessions, office hours)."""

from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from .envelope import IntegrationEvent, register
from .vocabulary import TrainingStage

CATALOGUE = "events.catalogue"
REGISTRATIONS = "events.registrations"
ACCESS = "events.access"
OFFICE_HOURS = "events.office-hours"
REMINDERS = "events.reminders"

EventKind = Literal[
    "career_fair",
    "virtual_session",
    "speaker_event",
    "workshop",
    "chapter_session",
    "office_hours",
    "conference",
    "conference_session",
]


class _CatalogueEvent(IntegrationEvent):
    topic = CATALOGUE
    key_field = "scheduled_event_id"
    producer: str = "events"

    scheduled_event_id: UUID
    chapter_id: UUID | None


class _EventDetails(_CatalogueEvent):
    kind: EventKind
    title: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    timezone: str
    capacity: int
    audience_stages: list[TrainingStage]
    registration_deadline: AwareDatetime
    is_virtual: bool
    location: str | None = None
    parent_event_id: UUID | None = Field(default=None, description="The conference a conference session belongs to")


@register
class EventPublished(_EventDetails):
    event_type: Literal["events.event_published"] = "events.event_published"
    schema_version: Literal[1] = 1


@register
class EventPublishedV2(EventPublished):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class EventUpdated(_EventDetails):
    event_type: Literal["events.event_updated"] = "events.event_updated"
    schema_version: Literal[1] = 1

    changed_fields: list[str] = Field(default_factory=list, description="Names of what changed")


@register
class EventUpdatedV2(EventUpdated):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class EventCancelled(_CatalogueEvent):
    """Cancelling an event cancels its registrations; each registrant is told."""

    event_type: Literal["events.event_cancelled"] = "events.event_cancelled"
    schema_version: Literal[1] = 1

    reason_code: str


@register
class EventCancelledV2(EventCancelled):
    """Cancelling an event cancels its registrations; each registrant is told.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


class _RegistrationEvent(IntegrationEvent):
    topic = REGISTRATIONS
    # Keyed by the event so that confirmations, cancellations and promotions of one event stay in order.
    key_field = "scheduled_event_id"
    producer: str = "events"

    registration_id: UUID
    scheduled_event_id: UUID
    chapter_id: UUID | None
    person_id: UUID


@register
class RegistrationConfirmed(_RegistrationEvent):
    event_type: Literal["events.registration_confirmed"] = "events.registration_confirmed"
    schema_version: Literal[1] = 1


@register
class RegistrationConfirmedV2(RegistrationConfirmed):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2




@register
class RegistrationWaitlisted(_RegistrationEvent):
    event_type: Literal["events.registration_waitlisted"] = "events.registration_waitlisted"
    schema_version: Literal[1] = 1

    position: int


@register
class RegistrationWaitlistedV2(RegistrationWaitlisted):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class RegistrationPromoted(_RegistrationEvent):
    """A seat freed up and the first on the waitlist got it."""

    event_type: Literal["events.registration_promoted"] = "events.registration_promoted"
    schema_version: Literal[1] = 1


@register
class RegistrationPromotedV2(RegistrationPromoted):
    """A seat freed up and the first on the waitlist got it.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class RegistrationCancelled(_RegistrationEvent):
    event_type: Literal["events.registration_cancelled"] = "events.registration_cancelled"
    schema_version: Literal[1] = 1

    cancelled_by: Literal["registrant", "organiser", "event_cancelled"]


@register
class RegistrationCancelledV2(RegistrationCancelled):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class AttendanceRecorded(_RegistrationEvent):
    event_type: Literal["events.attendance_recorded"] = "events.attendance_recorded"
    schema_version: Literal[1] = 1

    attended: bool


@register
class AttendanceRecordedV2(AttendanceRecorded):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class VirtualAccessGranted(IntegrationEvent):
    """Restricted to notifications: the join link, for a confirmed registrant only."""

    topic = ACCESS
    key_field = "scheduled_event_id"
    producer: str = "events"
    event_type: Literal["events.virtual_access_granted"] = "events.virtual_access_granted"
    schema_version: Literal[1] = 1

    registration_id: UUID
    scheduled_event_id: UUID
    person_id: UUID
    join_url: str


@register
class VirtualAccessGrantedV2(VirtualAccessGranted):
    """Restricted to notifications: the join link, for a confirmed registrant only.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class ReminderDue(IntegrationEvent):
    """Internal: an event starts in about 24 hours; emitted once per registrant, whatever the instances."""

    topic = REMINDERS
    key_field = "scheduled_event_id"
    producer: str = "events"
    event_type: Literal["events.reminder_due"] = "events.reminder_due"
    schema_version: Literal[1] = 1

    scheduled_event_id: UUID
    chapter_id: UUID | None
    registration_id: UUID
    person_id: UUID
    starts_at: AwareDatetime


@register
class ReminderDueV2(ReminderDue):
    """Internal: an event starts in about 24 hours; emitted once per registrant, whatever the instances.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


class _OfficeHoursEvent(IntegrationEvent):
    topic = OFFICE_HOURS
    key_field = "slot_id"
    producer: str = "events"

    slot_id: UUID
    host_id: UUID
    person_id: UUID
    chapter_id: UUID | None
    starts_at: AwareDatetime
    ends_at: AwareDatetime


@register
class OfficeHoursBooked(_OfficeHoursEvent):
    event_type: Literal["events.office_hours_booked"] = "events.office_hours_booked"
    schema_version: Literal[1] = 1


@register
class OfficeHoursBookedV2(OfficeHoursBooked):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class OfficeHoursBookingCancelled(_OfficeHoursEvent):
    event_type: Literal["events.office_hours_booking_cancelled"] = "events.office_hours_booking_cancelled"
    schema_version: Literal[1] = 1

    cancelled_by: Literal["host", "participant"]


@register
class OfficeHoursBookingCancelledV2(OfficeHoursBookingCancelled):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2
