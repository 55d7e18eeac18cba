"""Integration events published by the events service (career fairs, sessions, office hours)."""

from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from . import example_ids as ids
from .envelope import IntegrationEvent, private_twin, register
from .sealed import SealedEvent
from .vocabulary import TrainingStage

CATALOGUE = "events.catalogue"
REGISTRATIONS = "events.registrations"
ACCESS = "events.access"
OFFICE_HOURS = "events.office-hours"
REMINDERS = "events.reminders"
ATTENDEES = "events.attendees"

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


ScheduledEventId = Annotated[UUID, Field(description="The scheduled event's id: the key of events.catalogue")]
EventChapter = Annotated[UUID | None, Field(
    description="The chapter whose members alone may register; null for a national event, open to everyone")]
RegistrationId = Annotated[UUID, Field(description="The registration's id: one person's registration for one event")]
Registrant = Annotated[UUID, Field(description="The registrant's person id")]


class _CatalogueEvent(IntegrationEvent):
    topic = CATALOGUE
    key_field = "scheduled_event_id"
    producer: str = "events"

    scheduled_event_id: ScheduledEventId
    chapter_id: EventChapter


class _EventDetails(_CatalogueEvent):
    kind: EventKind = Field(
        description="What sort of event: career_fair, virtual_session, speaker_event, workshop, chapter_session, "
                    "office_hours, conference, or conference_session (part of the conference parent_event_id names)")
    title: str = Field(description="The event's title, as its organisers wrote it")
    starts_at: AwareDatetime = Field(description="When it starts")
    ends_at: AwareDatetime = Field(description="When it ends")
    timezone: str = Field(description="The IANA time zone its organisers gave its times in (e.g. America/Chicago), "
                                      "to show them in")
    capacity: int = Field(description="Seats (1 to 100,000): how many registrants may be confirmed; those after "
                                      "wait on its waitlist")
    audience_stages: list[TrainingStage] = Field(description="The training stages that may register; empty means "
                                                             "every stage")
    registration_deadline: AwareDatetime = Field(description="When registration closes, at the latest when it starts")
    is_virtual: bool = Field(description="Whether it can be joined online (the link goes to confirmed registrants "
                                         "alone, never on this topic)")
    location: str | None = Field(default=None, description="Where it takes place, as its organisers wrote it (at "
                                                           "most 300 characters); null for an event online only")
    parent_event_id: UUID | None = Field(
        default=None, description="The scheduled_event_id of the conference a conference session belongs to (every "
                                  "conference_session has one); null for every other kind, which is part of no "
                                  "larger event. Fixed once the event is created")


# The event the examples tell of (`example_ids`): a chapter's residency panel, both in a room and online.
_EVENT = {
    "scheduled_event_id": ids.SCHEDULED_EVENT, "chapter_id": ids.CHAPTER, "kind": "speaker_event",
    "title": "Applying to residency: a panel of program directors", "starts_at": "2027-01-14T23:00:00Z",
    "ends_at": "2027-01-15T00:30:00Z", "timezone": "America/Chicago", "capacity": 80,
    "audience_stages": ["medical_student_3", "medical_student_4"], "registration_deadline": "2027-01-14T18:00:00Z",
    "is_virtual": True, "location": "Riverside Health Sciences Building, Room 210", "parent_event_id": None,
}


@register
class EventPublished(_EventDetails):
    """An organiser published an event (a career fair, a session, a workshop...): people may register for it
    from now."""

    event_type: Literal["events.event_published"] = "events.event_published"
    schema_version: Literal[1] = 1

    example = _EVENT


@register
class EventPublishedV2(EventPublished):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


# Said of an event in the catalogue from version 3 of `event_published` and version 4 of `event_updated`.
ATTENDEES_PUBLIC = ("Whether other teams may see who registers: the event's registrations are published on "
                    "events.registrations when true, and only on the restricted events.attendees when false. Fixed "
                    "once anyone has registered.")


@register
class EventPublishedV3(EventPublishedV2):
    """Version 3 adds `attendees_public`, so that a reader knows, from the catalogue alone, whether the event may be
    named alongside the people who register for it (a subject, a calendar entry, a lock screen)."""

    closed_schema = True
    schema_version: Literal[3] = 3

    attendees_public: bool = Field(description=ATTENDEES_PUBLIC)

    example = {**_EVENT, "attendees_public": False}


@register
class EventUpdated(_EventDetails):
    """A published event changed (its time, place, capacity, audience...); the whole event travels,
    `changed_fields` naming what changed."""

    event_type: Literal["events.event_updated"] = "events.event_updated"
    schema_version: Literal[1] = 1

    changed_fields: list[str] = Field(
        default_factory=list, description="Names of what the organisers changed (e.g. starts_at, capacity), never "
                                          "old values; may name details not carried here (description, virtual_link)")

    example = {**_EVENT, "capacity": 120, "changed_fields": ["capacity"]}


@register
class EventUpdatedV2(EventUpdated):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class EventUpdatedV3(EventUpdatedV2):
    """Version 3 adds `revision`: how many times the published event has changed, this change included. A calendar
    entry of the event carries it as its SEQUENCE, so a calendar keeps the latest of the copies it was sent."""

    closed_schema = True
    schema_version: Literal[3] = 3

    revision: int = Field(default=1, ge=1, description="Changes to the published event so far, this one included")

    example = {**EventUpdatedV2.example, "revision": 2}


@register
class EventUpdatedV4(EventUpdatedV3):
    """Version 4 adds `attendees_public`, as version 3 of `event_published` does."""

    closed_schema = True
    schema_version: Literal[4] = 4

    attendees_public: bool = Field(description=ATTENDEES_PUBLIC)

    example = {**EventUpdatedV3.example, "attendees_public": False}


# Restated: what the events service holds now, not something that happened. An operator restates the catalogue
# (`python -m events restate catalogue`; `... registrations` and `... office-hours` too, below) for a consumer whose
# read model lacks history the topics no longer keep: one built after their retention, or restored from an older
# backup. A consumer that kept up may ignore them; one that applies them overwrites what it holds with them.
EventStateNow = Literal["published", "cancelled", "completed"]


@register
class EventRestated(_EventDetails):
    """An event of the catalogue as the events service holds it now (drafts are no part of it): the facts of
    `event_updated` version 4 but `changed_fields`, and its state. Nothing happened to it: the platform's operator
    restates the catalogue for consumers whose read model lacks history the topic no longer keeps (one built after its
    retention, or restored from an older backup). A consumer that kept up may ignore it; one that applies it
    overwrites what it holds of the event with it."""

    closed_schema = True
    event_type: Literal["events.event_restated"] = "events.event_restated"
    schema_version: Literal[1] = 1

    attendees_public: bool = Field(description=ATTENDEES_PUBLIC)
    revision: int = Field(ge=0, description="Changes to the published event so far, its cancellation included")
    state: EventStateNow = Field(description="Published (to take place, or under way), cancelled, or completed: "
                                             "it took place and its organisers closed it")

    example = {**_EVENT, "attendees_public": False, "revision": 2, "state": "published"}


@register
class EventCancelled(_CatalogueEvent):
    """Cancelling an event cancels its registrations; each registrant is told."""

    event_type: Literal["events.event_cancelled"] = "events.event_cancelled"
    schema_version: Literal[1] = 1

    reason_code: str = Field(description="Why, a code never free text (lowercase letters and underscores): "
                                         "organiser_cancelled unless the organisers' tool gives another")

    example = {"scheduled_event_id": ids.SCHEDULED_EVENT, "chapter_id": ids.CHAPTER,
               "reason_code": "organiser_cancelled"}


@register
class EventCancelledV2(EventCancelled):
    """Cancelling an event cancels its registrations; each registrant is told.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class EventCancelledV3(EventCancelledV2):
    """Cancelling an event cancels its registrations; each registrant is told.

    Version 3 adds `revision`: the event's changes so far, its cancellation included (the SEQUENCE of the cancelled
    calendar entry, above that of every entry sent before)."""

    closed_schema = True
    schema_version: Literal[3] = 3

    revision: int = Field(default=1, ge=1, description="Changes to the published event so far, its cancellation included")

    example = {**EventCancelledV2.example, "revision": 3}


@register
class EventCancelledV4(EventCancelledV3):
    """Cancelling an event cancels its registrations; each registrant is told.

    Version 4 adds `note`: what the organisers said to those registered when they cancelled it (the weather, a speaker
    taken ill, a new date), in their words, for the message that tells them. It is said of the event to everyone who
    registered, as its title is; the organisers are asked to name nobody in it and to put no link to join in it."""

    closed_schema = True
    schema_version: Literal[4] = 4

    note: str | None = Field(max_length=1000, description="The organisers' words to those registered, free text "
                                                          "(lines allowed); null when they gave none")

    example = {**EventCancelledV3.example, "note": "Our panelists were called to the wards. We will announce a new "
                                                   "date within two weeks."}


@register
class EventCompleted(_CatalogueEvent):
    """The event took place and its organisers closed it: attendance is final, and its waitlist closed."""

    closed_schema = True
    event_type: Literal["events.event_completed"] = "events.event_completed"
    schema_version: Literal[1] = 1

    example = {"scheduled_event_id": ids.SCHEDULED_EVENT, "chapter_id": ids.CHAPTER}


class _RegistrationEvent(IntegrationEvent):
    topic = REGISTRATIONS
    # Keyed by the event so that confirmations, cancellations and promotions of one event stay in order.
    key_field = "scheduled_event_id"
    producer: str = "events"

    registration_id: RegistrationId
    scheduled_event_id: ScheduledEventId
    chapter_id: EventChapter
    person_id: Registrant


# A registration in the story the examples tell (`example_ids`): the mentee's, for the chapter's panel.
_REGISTRATION = {"registration_id": ids.REGISTRATION, "scheduled_event_id": ids.SCHEDULED_EVENT,
                 "chapter_id": ids.CHAPTER, "person_id": ids.MENTEE}


@register
class RegistrationConfirmed(_RegistrationEvent):
    """A person registered for an event and has a seat."""

    event_type: Literal["events.registration_confirmed"] = "events.registration_confirmed"
    schema_version: Literal[1] = 1

    example = _REGISTRATION


@register
class RegistrationConfirmedV2(RegistrationConfirmed):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2




@register
class RegistrationWaitlisted(_RegistrationEvent):
    """A person registered for an event that was full and waits for a seat, at `position` on its waitlist."""

    event_type: Literal["events.registration_waitlisted"] = "events.registration_waitlisted"
    schema_version: Literal[1] = 1

    position: int = Field(description="Their place on the event's waitlist, 1 being the next to get a seat")

    example = {**_REGISTRATION, "position": 2}


@register
class RegistrationWaitlistedV2(RegistrationWaitlisted):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class RegistrationPromoted(_RegistrationEvent):
    """A seat freed up and someone on the waitlist got it: the first waiting, before the event begins; once it has
    begun, the one its organizers seated at the door, who came while others waited."""

    event_type: Literal["events.registration_promoted"] = "events.registration_promoted"
    schema_version: Literal[1] = 1

    example = _REGISTRATION


@register
class RegistrationPromotedV2(RegistrationPromoted):
    """A seat freed up and someone on the waitlist got it: the first waiting, before the event begins; once it has
    begun, the one its organizers seated at the door, who came while others waited.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class RegistrationCancelled(_RegistrationEvent):
    """A registration ended: the registrant cancelled it (or, from version 3, an organiser removed them, which may
    be at the door once the event has begun); a seat it held goes to the first waiting if the event has not begun."""

    event_type: Literal["events.registration_cancelled"] = "events.registration_cancelled"
    schema_version: Literal[1] = 1

    cancelled_by: Literal["registrant", "organiser", "event_cancelled"] = Field(
        description="registrant: they cancelled; organiser: an organiser took them off; event_cancelled: the event "
                    "was cancelled")

    example = {**_REGISTRATION, "cancelled_by": "registrant"}


@register
class RegistrationCancelledV2(RegistrationCancelled):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class WaitlistClosed(_RegistrationEvent):
    """The event was completed with this registrant still on its waitlist: no place will come to them now."""

    closed_schema = True
    event_type: Literal["events.waitlist_closed"] = "events.waitlist_closed"
    schema_version: Literal[1] = 1

    example = _REGISTRATION


@register
class AttendanceRecorded(_RegistrationEvent):
    """Whether a registrant with a seat came was recorded (at the door, or when the event was marked held)."""

    event_type: Literal["events.attendance_recorded"] = "events.attendance_recorded"
    schema_version: Literal[1] = 1

    attended: bool = Field(description="Whether the confirmed registrant came (false: a no-show), as an organiser "
                                       "checked them in")

    example = {**_REGISTRATION, "attended": True}


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

    registration_id: RegistrationId
    scheduled_event_id: ScheduledEventId
    person_id: Registrant
    join_url: str = Field(description="The link to join the event online: for this registrant alone, never to be "
                                      "shown to anyone else")


@register
class VirtualAccessGrantedV2(VirtualAccessGranted):
    """Restricted to notifications: the join link, for a confirmed registrant only.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class VirtualAccessGrantedV3(VirtualAccessGrantedV2):
    """Restricted to notifications: the join link, for a confirmed registrant only.

    Version 3 adds `revision`, the event's when the link was granted: a calendar copy carrying this link outranks
    those sent before it, even when this message is read before the catalogue's update of the same change."""

    schema_version: Literal[3] = 3

    revision: int = Field(ge=0, description="Changes to the published event so far, as events.event_updated v3 "
                                            "counts them, when this link was granted")


@register
class ReminderDue(IntegrationEvent):
    """Internal: an event starts in about 24 hours; emitted once per registrant, whatever the instances."""

    topic = REMINDERS
    key_field = "scheduled_event_id"
    producer: str = "events"
    event_type: Literal["events.reminder_due"] = "events.reminder_due"
    schema_version: Literal[1] = 1

    scheduled_event_id: ScheduledEventId
    chapter_id: EventChapter
    registration_id: RegistrationId
    person_id: Registrant
    starts_at: AwareDatetime = Field(description="When the event starts")


@register
class ReminderDueV2(ReminderDue):
    """Internal: an event starts in about 24 hours; emitted once per registrant, whatever the instances.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


SLOT_IS_VIRTUAL = "Whether the slot takes place online (its link never travels: the events service shows it)"
SLOT_LOCATION = "Where the slot takes place, as its host wrote it; null for a slot online only"


class _OfficeHoursEvent(IntegrationEvent):
    topic = OFFICE_HOURS
    key_field = "slot_id"
    producer: str = "events"

    slot_id: UUID = Field(description="The office-hour slot's id: time a mentor or a clinician offers, one "
                                      "participant at a time; the key of events.office-hours")
    host_id: UUID = Field(description="The person id of the mentor or clinician who offers the slot")
    person_id: UUID = Field(description="The person id of the participant who booked it")
    chapter_id: UUID | None = Field(description="The host's chapter, whose people alone may book it; null for a "
                                                "national slot, open to everyone")
    starts_at: AwareDatetime = Field(description="When the slot starts")
    ends_at: AwareDatetime = Field(description="When the slot ends")


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

    cancelled_by: Literal["host", "participant"] = Field(description="Which side cancelled the booking")


@register
class OfficeHoursBookingCancelledV2(OfficeHoursBookingCancelled):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class OfficeHoursBookedV3(OfficeHoursBookedV2):
    """Version 3 adds what the participant and the host need to meet: the booking's id (one calendar entry per
    booking, wherever it is built), whether the slot is online, and where it takes place otherwise."""

    closed_schema = True
    schema_version: Literal[3] = 3

    booking_id: UUID = Field(description="This booking of the slot; a later booking of the same slot has another")
    is_virtual: bool = Field(default=True, description=SLOT_IS_VIRTUAL)
    location: str | None = Field(default=None, description=SLOT_LOCATION)


@register
class OfficeHoursBookingCancelledV3(OfficeHoursBookingCancelledV2):
    """Version 3 adds the booking's id (the calendar entry it cancels), why it was cancelled, whether the slot was
    online, and where it was to take place otherwise."""

    closed_schema = True
    schema_version: Literal[3] = 3

    booking_id: UUID = Field(description="The booking cancelled, as events.office_hours_booked named it")
    reason_code: Literal["cancelled", "slot_withdrawn", "person_erased"] = Field(
        default="cancelled",
        description="cancelled: by whom cancelled_by says; slot_withdrawn: the host took the slot back; "
                    "person_erased: the side cancelled_by names left the platform")
    is_virtual: bool = Field(default=True, description=SLOT_IS_VIRTUAL)
    location: str | None = Field(default=None, description=SLOT_LOCATION)


@register
class OfficeHoursBookingRestated(_OfficeHoursEvent):
    """A booked office hour as the events service holds it now (the platform's operator restates the bookings held for
    a consumer whose read model lacks history the topic no longer keeps): the facts of `office_hours_booked` version
    3. Nothing happened to it; a consumer that kept up may ignore it, one that applies it overwrites what it holds of
    the booking with it. A booking cancelled is not held, so not restated."""

    closed_schema = True
    event_type: Literal["events.office_hours_booking_restated"] = "events.office_hours_booking_restated"
    schema_version: Literal[1] = 1

    booking_id: UUID = Field(description="This booking of the slot, as events.office_hours_booked named it")
    is_virtual: bool = Field(description=SLOT_IS_VIRTUAL)
    location: str | None = Field(description=SLOT_LOCATION)


@register
class OfficeHoursLinkGiven(_OfficeHoursEvent):
    """The host gave the link to join a booked online slot, or changed it, so the participant can be told to find it
    on their booking. The link itself is the events service's to show, to the host and the participant only: it never
    travels."""

    closed_schema = True
    event_type: Literal["events.office_hours_link_given"] = "events.office_hours_link_given"
    schema_version: Literal[1] = 1

    booking_id: UUID = Field(description="The booking whose participant may now join by the link")
    replaces_earlier: bool = Field(description="The slot had another link already, which no longer holds")


@register
class RegistrationCancelledV3(RegistrationCancelledV2):
    """Version 3 says whether an organiser removed the registrant from the roster, as opposed to the registrant
    cancelling or the event being cancelled. Why they were removed is free text an organiser wrote: it never travels
    on this public topic. The events service tells the registrant alone, with that reason, on a restricted topic that
    other teams do not read."""

    closed_schema = True
    schema_version: Literal[3] = 3

    removed_by_organiser: bool = Field(
        default=False, description="True when an organiser removed the registrant (cancelled_by is then organiser); "
                                   "the registrant alone is told why, on a topic other teams do not read")

    example = {**_REGISTRATION, "cancelled_by": "organiser", "removed_by_organiser": True}


@register
class RegistrantRemoved(IntegrationEvent):
    """Restricted to notifications: an organiser removed this registrant, and the reason they gave, in their words,
    to tell the registrant. Published with the public `RegistrationCancelled` (version 3, `removed_by_organiser`)
    of the same registration, in the same transaction: the registrant is told from this one."""

    closed_schema = True
    topic = ACCESS
    key_field = "scheduled_event_id"
    producer: str = "events"
    event_type: Literal["events.registrant_removed"] = "events.registrant_removed"
    schema_version: Literal[1] = 1

    registration_id: RegistrationId
    scheduled_event_id: ScheduledEventId
    chapter_id: EventChapter
    person_id: Registrant
    reason: str | None = Field(description="The organiser's reason, free text (500 characters at most), for the "
                                           "registrant; null when the organiser gave none")
    held_seat: bool = Field(description="Whether the registration held a confirmed seat (its calendar entry, if "
                                        "one was sent, is cancelled with it)")


@register
class RegistrantRemovedV2(SealedEvent):
    """Restricted to notifications: an organiser removed this registrant; the reason they gave travels sealed under the
    registrant's data key, so it is unreadable once they are erased.

    Version 2: version 1 with `reason` sealed (events asks profiles for the key, as a consumer would); it opens into
    version 1. The removal of someone with no key left (erased meanwhile) is not published: nobody is left to tell."""

    clear_model = RegistrantRemoved
    closed_schema = True
    topic = ACCESS
    key_field = "scheduled_event_id"
    producer: str = "events"
    event_type: Literal["events.registrant_removed"] = "events.registrant_removed"
    schema_version: Literal[2] = 2

    registration_id: RegistrationId
    scheduled_event_id: ScheduledEventId
    chapter_id: EventChapter
    held_seat: bool = Field(description="Whether the registration held a confirmed seat (its calendar entry, if "
                                        "one was sent, is cancelled with it)")


@register
class RegistrationRestated(_RegistrationEvent):
    """A registration as the events service holds it now: the platform's operator restates registrations, each
    event's in the order they were made, for consumers whose read model lacks history the topic no longer keeps (one
    built after its retention, or restored from an older backup). Nothing happened to it: a consumer that kept up may
    ignore it; one that applies it overwrites what it holds of the registration with it."""

    closed_schema = True
    event_type: Literal["events.registration_restated"] = "events.registration_restated"
    schema_version: Literal[1] = 1

    status: Literal["confirmed", "waitlisted", "cancelled"] = Field(description="A seat, a place on the waitlist, or "
                                                                              "neither any more")
    registered_at: AwareDatetime = Field(description="When the person registered")

    example = {**_REGISTRATION, "status": "waitlisted", "registered_at": "2026-12-02T09:41:27Z"}


# Registrations of an event whose organiser keeps who registers from other teams (`attendees_public` false, the
# default): attending an "applying while LGBTQ+" session says something about someone that is theirs to tell. Each
# goes, instead of its public version, as its private twin with the same fields on the restricted `events.attendees`
# topic (notifications alone); nothing of them goes on `events.registrations`.
PrivateRegistrationConfirmed = private_twin(RegistrationConfirmedV2, ATTENDEES, 1, keeping="attendees")
PrivateRegistrationWaitlisted = private_twin(RegistrationWaitlistedV2, ATTENDEES, 1, keeping="attendees")
PrivateRegistrationPromoted = private_twin(RegistrationPromotedV2, ATTENDEES, 1, keeping="attendees")
PrivateRegistrationCancelled = private_twin(RegistrationCancelledV3, ATTENDEES, 1, keeping="attendees")
PrivateWaitlistClosed = private_twin(WaitlistClosed, ATTENDEES, 1, keeping="attendees")
PrivateRegistrationRestated = private_twin(RegistrationRestated, ATTENDEES, 1, keeping="attendees")
