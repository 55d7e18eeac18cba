"""Scheduled events, registrations and office-hour slots, with their rules. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from functools import cache
from typing import Literal
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo, available_timezones

from mentorship_contracts.events import EventKind
from mentorship_contracts.vocabulary import TrainingStage
from plumbing.errors import Conflict, Forbidden, Invalid, NotFound

# ReminderDue goes out this long before an event starts.
REMINDER_LEAD = timedelta(hours=24)
# Check-in at the door opens on the day the event starts, in its time zone, or this long before it starts if that is
# earlier (an event starting soon after midnight): early enough for an organiser setting up, and never days before.
CHECK_IN_LEAD = timedelta(hours=3)
SLOT_HORIZON = timedelta(days=366)  # how far ahead an office-hour slot may start


class RegistrationClosed(Conflict, code="registration_closed"):
    """The event is not open for registration (not published, or past its deadline)."""


class NotInAudience(Conflict, code="not_in_audience"):
    """The event is for other training stages."""


class NotInChapter(Conflict, code="not_in_chapter"):
    """The event is its chapter's, for that chapter's people only."""


class StageNotYetKnown(Conflict, code="stage_not_yet_known"):
    """The audience rule needs the person's training stage, which profiles has not told us yet."""


class ChapterNotYetKnown(Conflict, code="chapter_not_yet_known"):
    """A chapter's event needs the person's chapter, which profiles has not told us yet."""


class WrongState(Conflict, code="wrong_state"):
    """The event, registration or slot is not in a state that allows this."""


class CheckInNotOpen(Conflict, code="check_in_not_open"):
    """Registrants are checked in at the door from the day of the event (`ScheduledEvent.check_in_opens_at`)."""


class NoFreeSeat(Conflict, code="no_free_seat"):
    """Every seat is taken: nobody waiting is given one at the door (`Registration.seat_at_the_door`)."""


class AlreadyCheckedIn(Conflict, code="already_checked_in"):
    """The registrant is checked in: they came, and cancelling would free their seat and lose that
    (`Registration.cancel_own`); an organiser still removes them."""


class AlreadyBooked(Conflict, code="already_booked"):
    """Someone else booked the slot first."""


class NotConfirmed(Forbidden, code="not_confirmed"):
    """What only confirmed registrants see (a virtual link)."""


class NotAHost(Forbidden, code="not_a_host"):
    """Only mentors a program has approved offer office hours."""


class HostNotVettedForMinors(Conflict, code="host_not_vetted_for_minors"):
    """A high-school student (most are minors) books only the office hours of a mentor a coordinator has vetted."""


class SlotTooFarAhead(Invalid, code="slot_too_far_ahead"):
    """A slot more than SLOT_HORIZON ahead: most likely a slip of the year, and no one would look that far."""


class SlotOverlaps(Conflict, code="slot_overlaps"):
    """The host offers a slot at that time already (a form sent twice, or a slip): two bookings at once."""


class ConferenceNotPublished(Conflict, code="conference_not_published"):
    """A session is published once its conference is: members are shown a session with its conference."""


class SessionsOutsideConference(Invalid, code="sessions_outside_conference"):
    """A conference is moved only where its sessions (those not cancelled) still take place during it."""


class HostNotYetKnown(Conflict, code="host_not_yet_known"):
    """Whether someone may host needs their profile, which profiles has not told us yet."""


class AccountSuspended(Conflict, code="person_suspended"):
    """Profiles suspended the person's account (`profiles.person_suspended`): until it is reinstated, they offer and
    book no office hours."""


class EventState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class Status(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


CancelledBy = Literal["registrant", "organiser", "event_cancelled"]

# A registration as the roster shows it: a cancellation by an organiser is a removal.
RosterStatus = Literal["confirmed", "waitlisted", "cancelled", "removed"]


ExhibitorKind = Literal["medical_school", "residency_program", "organisation"]


@dataclass(frozen=True)
class Exhibitor:
    """A medical school, residency program or organisation at a career fair."""

    name: str
    kind: ExhibitorKind
    booth: str
    description: str = ""


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """A zone of the IANA database ("America/Chicago"); not a directory of it ("America"), nor a path."""
    return name in _time_zones()


# What an organiser may change after creating an event; kind, scope and parent are fixed.
REVISABLE = ("title", "description", "starts_at", "ends_at", "timezone", "capacity", "registration_deadline",
             "audience_stages", "is_virtual", "location", "virtual_link", "exhibitors", "attendees_public")


@dataclass
class ScheduledEvent:
    id: UUID
    chapter_id: UUID | None
    kind: EventKind
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    capacity: int
    audience_stages: list[TrainingStage]
    registration_deadline: datetime
    description: str = ""
    is_virtual: bool = False
    location: str | None = None
    virtual_link: str | None = None
    parent_event_id: UUID | None = None
    exhibitors: list[Exhibitor] = field(default_factory=list)
    # Whether other teams may see who registers (a career fair whose exhibitors follow up, say). Fixed once anyone has
    # registered: people register trusting it, and one event's registrations stay on one topic, in order.
    attendees_public: bool = False
    state: EventState = EventState.DRAFT
    # Changes since it was published, its cancellation included: the SEQUENCE of its calendar entries.
    revision: int = 0
    # What the organisers said to those registered when they cancelled it, for the message that tells them.
    cancellation_note: str | None = None

    @classmethod
    def draft(cls, parent: ScheduledEvent | None = None, *, now: datetime, **attributes) -> ScheduledEvent:
        """A new event, starting in the future; a conference session names its conference as `parent`."""
        event = cls(id=uuid4(), parent_event_id=parent.id if parent else None, **attributes)
        event._check(parent)
        if event.starts_at <= now:
            raise Invalid("an event is created to start in the future; this start is in the past", field="starts_at")
        return event

    def _check(self, parent: ScheduledEvent | None) -> None:
        if self.ends_at <= self.starts_at:
            raise Invalid("an event ends after it starts", field="ends_at")
        if self.registration_deadline > self.starts_at:
            raise Invalid("registration closes before the event starts", field="registration_deadline")
        if not is_time_zone(self.timezone):
            raise Invalid(f"unknown time zone {self.timezone!r}", field="timezone")
        if self.virtual_link and not self.is_virtual:
            raise Invalid("only a virtual event has a virtual link", field="virtual_link")
        if not (self.location or self.is_virtual):
            raise Invalid("an event takes place at a location, virtually, or both", field="location")
        if self.exhibitors and self.kind != "career_fair":
            raise Invalid("only a career fair has exhibitors", field="exhibitors")
        if (self.kind == "conference_session") != (parent is not None):
            raise Invalid("a conference session, and only one, belongs to a conference", field="parent_event_id")
        if parent is not None:
            if parent.kind != "conference":
                raise Invalid("sessions belong to a conference", field="parent_event_id")
            if parent.chapter_id != self.chapter_id:
                raise Invalid("a session has its conference's scope", field="chapter_id")
            if not (parent.starts_at <= self.starts_at and self.ends_at <= parent.ends_at):
                raise Invalid("a session takes place during its conference", field="starts_at")

    def publish(self, parent: ScheduledEvent | None = None) -> None:
        """A conference session is published while its conference (`parent`) is: not before (a draft), nor once it
        is cancelled or completed."""
        self._require(EventState.DRAFT, "published")
        if self.parent_event_id is not None:
            if parent is None or parent.id != self.parent_event_id:
                raise ValueError("a session is published knowing its conference")
            if parent.state == EventState.DRAFT:
                raise ConferenceNotPublished("this session's conference is a draft: publish the conference first",
                                             field="parent_event_id")
            if parent.state != EventState.PUBLISHED:
                raise ConferenceNotPublished(f"this session's conference is {parent.state}: its sessions are not "
                                             f"published any more", field="parent_event_id")
        self.state = EventState.PUBLISHED

    def check_conference_open(self, parent: ScheduledEvent | None) -> None:
        """A session takes registrations while its conference (`parent`) is published: one published under a draft
        conference, before sessions waited for theirs, does not until the conference is."""
        if self.parent_event_id is not None and (parent is None or parent.state != EventState.PUBLISHED):
            raise ConferenceNotPublished("this session's conference is not open for registration",
                                         field="scheduled_event_id")

    def revise(self, changes: dict, *, confirmed: int, registered: int, parent: ScheduledEvent | None,
               now: datetime, sessions: Sequence[ScheduledEvent] = ()) -> list[str]:
        """Apply an organiser's changes; return the names of what changed.

        A conference is moved only where its `sessions` not cancelled still take place during it; those that would
        not are named, to be moved first (`SessionsOutsideConference`).

        Times are not moved into the past: a new start is in the future, and a new end too. Once an event has
        started, its start is what happened and stays; its end may move (it runs longer, or shorter but not
        ending before now: completing it is how it ends). Whether other teams may see who registers changes only
        while nobody has (`registered`, ever). Whatever else may still change, even once it is over, until it is
        completed. A value sent unchanged is no move.
        """
        if self.state not in (EventState.DRAFT, EventState.PUBLISHED):
            raise WrongState(f"a {self.state} event cannot be changed", field="state")
        unknown = set(changes) - set(REVISABLE)
        if unknown:
            raise Invalid(f"{', '.join(sorted(unknown))} cannot be changed", field=sorted(unknown)[0])
        if changes.get("capacity", self.capacity) < confirmed:
            raise Invalid(f"{confirmed} registrants are confirmed already; cancel some first", field="capacity")
        if changes.get("attendees_public", self.attendees_public) != self.attendees_public and registered:
            raise Invalid("people have registered trusting who may see that they did: it stays as it was",
                          field="attendees_public")
        revised = replace(self, **changes)
        revised._check(parent)
        if revised.starts_at != self.starts_at:
            if self.starts_at <= now:
                raise Invalid("this event has started: its start stays as it was", field="starts_at")
            if revised.starts_at <= now:
                raise Invalid("an event is not moved into the past", field="starts_at")
        if revised.ends_at != self.ends_at and revised.ends_at <= now:
            raise Invalid("an event's end is not moved into the past; complete it to end it", field="ends_at")
        if (revised.starts_at, revised.ends_at) != (self.starts_at, self.ends_at):
            revised._keep_within(sessions)
        changed = [f.name for f in fields(self) if getattr(revised, f.name) != getattr(self, f.name)]
        for name in changed:
            setattr(self, name, getattr(revised, name))
        if changed and self.state == EventState.PUBLISHED:
            self.revision += 1
        return changed

    def _keep_within(self, sessions: Sequence[ScheduledEvent]) -> None:
        """Refuses a conference's times that would leave any of its sessions not cancelled outside them."""
        live = [s for s in sessions if s.parent_event_id == self.id and s.state != EventState.CANCELLED]
        early = [s for s in live if s.starts_at < self.starts_at]
        late = [s for s in live if s.ends_at > self.ends_at]
        if early or late:
            outside = sorted({s.id: s for s in early + late}.values(), key=lambda s: (s.starts_at, s.title))
            titles = ", ".join(f'"{s.title}"' for s in outside)
            raise SessionsOutsideConference(
                f"these sessions would take place outside the conference's new times: {titles}. Move them within the "
                f"new times first (widening the conference for a while if need be), or cancel them",
                field="starts_at" if early else "ends_at")

    def keep_registrations_as_they_were(self, now: datetime) -> None:
        """Refuses to change a registration once the event is over (held, or past its end): who came and who did not
        is what happened, and its registrants' calendar entries are long past."""
        if self.state == EventState.COMPLETED or now >= self.ends_at:
            raise WrongState("this event is over: its registrations stay as they were", field="state")

    def cancel(self, note: str | None = None) -> None:
        """A blank note is no note: those registered are not quoted an empty message."""
        self._require(EventState.PUBLISHED, "cancelled")
        self.state = EventState.CANCELLED
        self.revision += 1
        self.cancellation_note = note.strip() if note and note.strip() else None

    def complete(self, now: datetime) -> None:
        self._require(EventState.PUBLISHED, "completed")
        if now < self.starts_at:
            raise WrongState("an event is completed once it has started", field="state")
        self.state = EventState.COMPLETED

    def _require(self, state: EventState, becoming: str) -> None:
        if self.state != state:
            raise WrongState(f"a {self.state} event cannot be {becoming}", field="state")

    def admit(self, person: Participant | None, now: datetime, confirmed: int) -> Status:
        """Whether a new registrant is confirmed or waitlisted; raises when they may not register.

        A chapter's event is for that chapter's people; a national one for anyone. Either may be for some training
        stages only. No one whose account is suspended. `person` is what profiles has told us of the registrant
        (None: nothing yet).
        """
        if self.state != EventState.PUBLISHED:
            raise RegistrationClosed("this event is not open for registration", field="scheduled_event_id")
        if now > self.registration_deadline:
            raise RegistrationClosed("registration closed at the deadline", field="registration_deadline")
        if person is None:
            if self.audience_stages:
                raise StageNotYetKnown(
                    "this event is for some training stages and your profile's stage has not reached the events "
                    "service yet; try again in a moment", field="stage")
            if self.chapter_id is not None:
                raise ChapterNotYetKnown(
                    "this event is for its chapter's members and your profile has not reached the events service "
                    "yet; try again in a moment", field="chapter_id")
        else:
            if person.suspended:  # the seats they held before stay theirs
                raise AccountSuspended("this person's account is suspended: they register for nothing new until it "
                                       "is reinstated", field="person_id")
            if self.chapter_id is not None and person.chapter_id != self.chapter_id:
                raise NotInChapter("this event is for the members of its chapter only", field="chapter_id")
            if self.audience_stages and person.stage not in self.audience_stages:
                allowed = ", ".join(self.audience_stages)
                raise NotInAudience(f"this event is for other training stages ({allowed}), not {person.stage}",
                                    field="stage")
        return Status.CONFIRMED if confirmed < self.capacity else Status.WAITLISTED

    def check_in_opens_at(self) -> datetime:
        """When its registrants may first be checked in: midnight of the day it starts, in its time zone, or
        `CHECK_IN_LEAD` before it starts if that is earlier."""
        zone = ZoneInfo(self.timezone)
        midnight = datetime.combine(self.starts_at.astimezone(zone).date(), time(), tzinfo=zone)
        return min(midnight, self.starts_at - CHECK_IN_LEAD)

    def require_check_in_open(self, now: datetime) -> None:
        opens = self.check_in_opens_at()
        if now < opens:
            hours = int(CHECK_IN_LEAD.total_seconds() // 3600)
            raise CheckInNotOpen(
                f"registrants are checked in from the day of the event (from midnight in its time zone, or {hours} "
                f"hours before it starts if that is earlier): check-in opens at "
                f"{opens.astimezone(ZoneInfo(self.timezone)):%Y-%m-%d %H:%M} ({self.timezone})", field="starts_at")

    def join_link(self, registration: Registration | None) -> str:
        """The virtual link, for a confirmed registrant only."""
        if registration is None or registration.status != Status.CONFIRMED:
            raise NotConfirmed("the virtual link is shown to confirmed registrants only", field="person_id")
        if not self.virtual_link:
            raise NotFound("this event has no virtual link yet", field="virtual_link")
        return self.virtual_link

    def has_free_seat(self, confirmed: int, now: datetime) -> bool:
        """Whether the first on the waitlist should take a seat now. Not once the event has begun: whoever waits at
        home would be told too late; an organiser gives it to someone at the door (`Registration.seat_at_the_door`)."""
        return self.state == EventState.PUBLISHED and now < self.starts_at and confirmed < self.capacity

    def require_seat_free_at_the_door(self, confirmed: int, now: datetime) -> None:
        """Refuses a seat at the door unless the event is published, check-in is open, it has not ended and a seat is
        free (`confirmed` of its capacity)."""
        if self.state != EventState.PUBLISHED:
            raise WrongState(f"seats are given at the door of a published event, not a {self.state} one",
                             field="state")
        self.require_check_in_open(now)
        if now >= self.ends_at:
            raise WrongState("this event is over: nobody is given a seat at its door now", field="ends_at")
        if confirmed >= self.capacity:
            raise NoFreeSeat(f"all {self.capacity} seats are taken: nobody is given one at the door until one is "
                             "freed", field="capacity")

    def reminder_due(self, now: datetime) -> bool:
        return self.state == EventState.PUBLISHED and now < self.starts_at <= now + REMINDER_LEAD


@dataclass
class Registration:
    id: UUID
    scheduled_event_id: UUID
    person_id: UUID
    status: Status
    # Whether a confirmed registrant came (None: not recorded); False too for one removed at the door, not come
    # (`remove`).
    attended: bool | None = None
    created_at: datetime | None = None
    # Once cancelled: by whom, and whether it held a seat then (its calendar entry, if so, is cancelled with it).
    cancelled_by: CancelledBy | None = None
    held_seat: bool = False
    # When a confirmed registrant was checked in at the door (None: not, or the check-in was undone).
    checked_in_at: datetime | None = None
    # Why an organiser removed the registrant, in their words (for the registrant, the event's organisers and the audit
    # trail only).
    removal_reason: str | None = None

    @classmethod
    def new(cls, event_id: UUID, person_id: UUID, status: Status) -> Registration:
        return cls(uuid4(), event_id, person_id, status)

    @property
    def is_active(self) -> bool:
        return self.status != Status.CANCELLED

    def cancel(self, by: CancelledBy = "registrant") -> bool:
        """Cancel; True when this freed a confirmed seat."""
        if not self.is_active:
            raise WrongState("this registration is cancelled already", field="registration_id")
        freed = self.status == Status.CONFIRMED
        self.status, self.cancelled_by, self.held_seat = Status.CANCELLED, by, freed
        return freed

    def cancel_own(self) -> bool:
        """The registrant cancels; True when this freed a confirmed seat. Not once they are checked in: they came, and
        their seat freed would lose it (their attendance too); an organiser removes them if need be (`remove`)."""
        if self.checked_in_at is not None:
            raise AlreadyCheckedIn("you are checked in at this event: your registration stays as it is; an organiser "
                                   "can remove it if need be", field="checked_in_at")
        return self.cancel(by="registrant")

    def remove(self, reason: str | None, event: ScheduledEvent, now: datetime) -> bool:
        """An organiser takes the registrant off the roster, saying why (the console asks; the older way to cancel a
        registration on someone's behalf does not); True when this freed a confirmed seat.

        Once the event has begun, a seated registrant who has not come (not checked in, nor recorded as came) is
        recorded as absent (`is_no_show`): they did not come, rather than cancel; their seat most often goes to
        someone at the door. Any other removal is a cancellation only."""
        if reason is not None and not reason.strip():
            raise Invalid("say why the registrant is removed: they are told", field="reason")
        not_come = (self.status == Status.CONFIRMED and self.checked_in_at is None and self.attended is not True
                    and now >= event.starts_at)
        freed = self.cancel(by="organiser")
        self.removal_reason = reason
        if not_come:
            self.attended = False
        return freed

    @property
    def is_no_show(self) -> bool:
        """Recorded absent: a confirmed registrant, or one an organiser removed (at the door, not come: `remove`). Not
        one who cancelled themselves, or whose event was cancelled, whatever was recorded before."""
        return self.attended is False and (
            self.status == Status.CONFIRMED or (self.status == Status.CANCELLED and self.cancelled_by == "organiser"))

    @property
    def roster_status(self) -> RosterStatus:
        """What the roster shows: a cancellation by an organiser is a removal."""
        if self.status == Status.CANCELLED and self.cancelled_by == "organiser":
            return "removed"
        return self.status.value  # type: ignore[return-value]

    def check_in(self, event: ScheduledEvent, now: datetime) -> bool:
        """Record the confirmed registrant's arrival, from the day of the event (`ScheduledEvent.check_in_opens_at`);
        False when they were checked in already (the time stays)."""
        self._may_check_in(event)
        event.require_check_in_open(now)
        if self.checked_in_at is not None:
            return False
        self.checked_in_at = now
        return True

    def undo_check_in(self, event: ScheduledEvent) -> None:
        self._may_check_in(event)
        self.checked_in_at = None

    def _may_check_in(self, event: ScheduledEvent) -> None:
        if event.state != EventState.PUBLISHED:
            raise WrongState(f"registrants are checked in at a published event, not a {event.state} one",
                             field="state")
        if self.status != Status.CONFIRMED:
            raise WrongState("only a confirmed registrant is checked in", field="person_id")

    def seat_at_the_door(self, event: ScheduledEvent, confirmed: int, now: datetime) -> bool:
        """Give a free seat to the waitlisted registrant who has come to the door, and check them in: out of the
        waitlist's order, since they are the one here (`ScheduledEvent.require_seat_free_at_the_door` says when).
        False when they hold it already, checked in (a second tap, another phone): nothing changes."""
        if self.status == Status.CONFIRMED and self.checked_in_at is not None:
            return False
        if self.status != Status.WAITLISTED:
            raise WrongState("a seat is given at the door to someone on the waitlist; a confirmed registrant is "
                             "checked in", field="person_id")
        event.require_seat_free_at_the_door(confirmed, now)
        self.promote()
        self.check_in(event, now)
        return True

    def promote(self) -> None:
        if self.status != Status.WAITLISTED:
            raise WrongState("only a waitlisted registration is promoted", field="registration_id")
        self.status = Status.CONFIRMED

    def record_attendance(self, event: ScheduledEvent, attended: bool, now: datetime) -> None:
        """Whether the confirmed registrant came: from when they could be checked in, not days before."""
        if event.state not in (EventState.PUBLISHED, EventState.COMPLETED):
            raise WrongState(f"attendance is not recorded for a {event.state} event", field="state")
        if self.status != Status.CONFIRMED:
            raise WrongState("only a confirmed registrant attends", field="person_id")
        event.require_check_in_open(now)
        self.attended = attended


def waitlist_positions(registrations: list[Registration]) -> dict[UUID, int]:
    """Each waitlisted registration's place in the queue (from 1), given registrations in arrival order."""
    waiting = [r.id for r in registrations if r.status == Status.WAITLISTED]
    return {registration_id: place for place, registration_id in enumerate(waiting, start=1)}


def as_they_stand(registrations: list[Registration]) -> list[Registration]:
    """Each person's registration as it stands, given registrations in arrival order: their newest, which is the one
    they hold if any (someone registers again only once their earlier one is cancelled)."""
    newest = {r.person_id: r for r in registrations}
    return [r for r in registrations if newest[r.person_id] is r]


def tally(registrations: list[Registration]) -> dict[str, int]:
    """The counts coordinators see. A no-show is a confirmed registrant recorded as absent."""
    confirmed = [r for r in registrations if r.status == Status.CONFIRMED]
    return {
        **{str(s): sum(r.status == s for r in registrations) for s in Status},
        "attended": sum(r.attended is True for r in confirmed),
        "no_shows": sum(r.attended is False for r in confirmed),
    }


ATTENDANCE_COLUMNS = ("registered", "attended", "no_show", "cancelled")


def attendance_counts(registrations: list[Registration]) -> tuple[int, int, int, int]:
    """One event's line of the attendance report (`ATTENDANCE_COLUMNS`): everyone who registered (whatever became of
    it), those recorded as attended, those recorded as absent (`Registration.is_no_show`: those removed at the door,
    not come, too), and the other registrations cancelled (removals included). `PostgresRegistrations.attendance`
    counts the same in SQL."""
    return (len(registrations),
            sum(r.status == Status.CONFIRMED and r.attended is True for r in registrations),
            sum(r.is_no_show for r in registrations),
            sum(r.status == Status.CANCELLED and not r.is_no_show for r in registrations))


@dataclass(frozen=True)
class Participant:
    """What the events service knows of a person, from profiles' public events."""

    person_id: UUID
    stage: TrainingStage
    chapter_id: UUID | None = None
    is_alumni: bool = False
    is_mentor: bool = False  # approved as a mentor in some program (near-peers among them), from their enrollments
    # Profiles suspended their account (until `profiles.person_reinstated`): they offer and book no office hours,
    # register for no event, are granted no join link and have no calendar feed meanwhile; their registrations are
    # kept.
    suspended: bool = False
    # Approved as a mentor by a coordinator (`profiles.mentor_approved`) in an enrollment still approved; a program
    # that reviews no mentors approves them automatically, which vets no one.
    vetted_host: bool = False

    @property
    def is_high_school(self) -> bool:
        return self.stage is TrainingStage.HIGH_SCHOOL

    @property
    def may_host_office_hours(self) -> bool:
        """Office hours are offered by mentors a program has approved (near-peer students and clinicians alike): a
        stage or alumni standing is what someone declared at sign-up, vetted by no one, so it makes no host."""
        return self.is_mentor


@dataclass
class OfficeHourSlot:
    """Time a mentor offers; one participant books it.

    A slot is in its host's chapter, for that chapter's people; the slot of a host without a chapter (a mentor in a
    national program) is national, open to everyone. Who is listed a slot is who may book it (`open_to`).
    """

    id: UUID
    host_id: UUID
    chapter_id: UUID | None
    starts_at: datetime
    ends_at: datetime
    is_virtual: bool = True
    location: str | None = None
    booked_by: UUID | None = None
    booking_id: UUID | None = None  # each booking of the slot is one calendar entry, under its own UID
    join_url: str | None = None  # online: the host's meeting link, for the host and whoever books it only

    @classmethod
    def offer(cls, host: Participant | None, *, now: datetime, **attributes) -> OfficeHourSlot:
        """A new open slot of `host` (None: profiles has not told us about them yet), in their chapter, starting in
        the future."""
        if host is None:
            raise HostNotYetKnown(
                "office hours are offered by mentors a program has approved, and the host's profile has not reached "
                "the events service yet; try again in a moment", field="host_id")
        if host.suspended:
            raise AccountSuspended("the host's account is suspended: they offer no office hours until it is "
                                   "reinstated", field="host_id")
        if not host.may_host_office_hours:
            raise NotAHost(
                "office hours are offered by mentors a program has approved, whatever their training stage; the "
                f"host (training stage: {host.stage}) is not an approved mentor in any program", field="host_id")
        # The host's chapter, whoever files the slot: its coordinators may withdraw it and cancel its bookings.
        slot = cls(id=uuid4(), chapter_id=host.chapter_id, **attributes)
        if slot.ends_at <= slot.starts_at:
            raise Invalid("a slot ends after it starts", field="ends_at")
        if slot.starts_at <= now:
            raise Invalid("a slot is offered to start in the future; this start is in the past", field="starts_at")
        if slot.starts_at > now + SLOT_HORIZON:
            raise SlotTooFarAhead(f"a slot is offered at most {SLOT_HORIZON.days} days ahead", field="starts_at")
        if slot.join_url is not None:
            slot.give_link(slot.join_url)
        return slot

    def give_link(self, join_url: str) -> LinkChange | None:
        """Set the link to join; the booking whose participant is to be told where to find it, if the link changed
        while the slot is booked."""
        if not self.is_virtual:
            raise Invalid("only an online slot has a link to join", field="join_url")
        earlier, self.join_url = self.join_url, join_url
        if self.booked_by is None or self.booking_id is None or join_url == earlier:
            return None
        return LinkChange(Booking(self.booking_id, self.booked_by), replaces_earlier=earlier is not None)

    @property
    def is_national(self) -> bool:
        return self.chapter_id is None

    def open_to(self, person: Participant | None, host: Participant | None) -> bool:
        """Whether `person` (what profiles told us of them; None: nothing yet) may book it: anyone a national slot,
        the members of its chapter a chapter's; and a high-school student (most are minors) only the slot of a host a
        coordinator vetted (`host.vetted_host`). `PostgresSlots.find` lists the same."""
        return self._in_chapter_of(person) and self._safe_for(person, host)

    def _in_chapter_of(self, person: Participant | None) -> bool:
        return self.is_national or (person is not None and person.chapter_id == self.chapter_id)

    @staticmethod
    def _safe_for(person: Participant | None, host: Participant | None) -> bool:
        return person is None or not person.is_high_school or (host is not None and host.vetted_host)

    def book(self, person_id: UUID, now: datetime, booker: Participant | None, host: Participant | None) -> bool:
        """Book for `person_id` (`booker`: what profiles told us of them, None if nothing yet; `host`: of the slot's
        host); False when they hold it already (a retried booking)."""
        if booker is not None and booker.suspended:
            raise AccountSuspended("this person's account is suspended: they book no office hours until it is "
                                   "reinstated", field="person_id")
        if self.booked_by == person_id:
            return False
        if not self._in_chapter_of(booker):
            if booker is None:
                raise ChapterNotYetKnown(
                    "this office hour is for the members of its host's chapter and your profile has not reached the "
                    "events service yet; try again in a moment", field="chapter_id")
            raise NotInChapter("this office hour is for the members of its host's chapter only; the office hours of "
                               "hosts without a chapter are open to everyone", field="chapter_id")
        if not self._safe_for(booker, host):
            raise HostNotVettedForMinors(
                "high-school students book only the office hours of mentors a program coordinator has vetted, and "
                "no coordinator has vetted this host (a program that reviews no mentors approves them without one)",
                field="slot_id")
        if self.booked_by is not None:
            raise AlreadyBooked("this slot is booked already", field="slot_id")
        if person_id == self.host_id:
            raise Invalid("a host does not book their own slot", field="person_id")
        if now >= self.starts_at:
            raise WrongState("this slot has started", field="slot_id")
        self.booked_by, self.booking_id = person_id, uuid4()
        return True

    def cancel_booking(self) -> Booking:
        """Reopen the slot; return the booking it had."""
        if self.booked_by is None or self.booking_id is None:
            raise WrongState("this slot is not booked", field="slot_id")
        booking = Booking(self.booking_id, self.booked_by)
        self.booked_by = self.booking_id = None
        return booking

    def withdraw(self) -> Booking | None:
        """The host takes the slot back; return the booking it had (whose participant is told), if any."""
        return self.cancel_booking() if self.booked_by is not None else None


@dataclass(frozen=True)
class LinkChange:
    """A booked slot's link to join was given, or changed from another."""

    booking: Booking
    replaces_earlier: bool


@dataclass(frozen=True)
class Booking:
    """One booking of an office-hour slot, by one participant."""

    id: UUID
    person_id: UUID
