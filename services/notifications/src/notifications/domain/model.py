"""Notifications, their kinds and categories, and the rules of who gets what how. Pure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from plumbing.errors import Conflict, Forbidden, Invalid, NotFound

from .text import paragraphs

_NAMESPACE = UUID("0d7c6a52-55f5-4c8e-9a57-3b0d8a1f2c11")

MAX_ATTEMPTS = 5


class Category(StrEnum):
    """What a person can opt out of by email; `essential` ones answer their own actions and cannot be."""

    ESSENTIAL = "essential"
    MENTORSHIP_NUDGES = "mentorship_nudges"
    EVENT_UPDATES = "event_updates"
    WAITLIST = "waitlist"

    @property
    def can_opt_out(self) -> bool:
        return self is not Category.ESSENTIAL


class Channel(StrEnum):
    EMAIL = "email"
    DIGEST = "digest"
    IN_APP = "in_app"


@dataclass(frozen=True)
class Kind:
    name: str
    category: Category
    # Urgent kinds go out at once; the others may wait for the person's daily digest.
    urgent: bool = True
    # Whether it is also an item of the person's in-app inbox (a message carrying a secret is not).
    in_inbox: bool = True


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("welcome", Category.ESSENTIAL),
    Kind("mentor_approved", Category.ESSENTIAL),
    Kind("mentor_suspended", Category.ESSENTIAL),
    # Made, or no longer, a coordinator or an administrator: what the console lets them do changed with it.
    Kind("staff_role_changed", Category.ESSENTIAL),
    # A member of staff asked to look into what waits on them (a report of conduct, a mentor to approve): part of their
    # role, not news they may turn off.
    Kind("review_asked", Category.ESSENTIAL),
    # A mentee held after a report of conduct, resumed once a coordinator looked into it: their own enrollment.
    Kind("review_cleared", Category.ESSENTIAL),
    # Their suspended account is theirs again: sign-in refused them until now.
    Kind("account_reinstated", Category.ESSENTIAL),
    Kind("email_change", Category.ESSENTIAL, in_inbox=False),
    Kind("email_changed", Category.ESSENTIAL, in_inbox=False),
    Kind("pairing_proposed", Category.ESSENTIAL),
    Kind("pairing_confirmed", Category.ESSENTIAL),
    Kind("waitlist_paired", Category.ESSENTIAL),
    Kind("pairing_declined", Category.ESSENTIAL),
    Kind("pairing_ended", Category.ESSENTIAL),
    Kind("partner_left", Category.ESSENTIAL),
    Kind("pairing_renewed", Category.ESSENTIAL),
    # A mentor or a mentee paused for letting proposals lapse unanswered: it changes what happens to their enrollment.
    Kind("mentoring_paused", Category.ESSENTIAL),
    # A proposal or a request nearly unanswered: sent at once, as it lapses in days.
    Kind("answer_due", Category.MENTORSHIP_NUDGES),
    Kind("renewal_due", Category.MENTORSHIP_NUDGES, urgent=False),
    Kind("meeting_overdue", Category.MENTORSHIP_NUDGES, urgent=False),
    Kind("feedback_request", Category.MENTORSHIP_NUDGES, urgent=False),
    Kind("mentee_waitlisted", Category.WAITLIST, urgent=False),
    Kind("registration_confirmed", Category.ESSENTIAL),
    Kind("registration_waitlisted", Category.ESSENTIAL),
    Kind("registration_promoted", Category.ESSENTIAL),
    Kind("registration_cancelled", Category.ESSENTIAL),
    Kind("registration_removed", Category.ESSENTIAL),
    Kind("join_link", Category.ESSENTIAL),
    Kind("event_cancelled", Category.ESSENTIAL),
    Kind("event_updated", Category.EVENT_UPDATES),
    Kind("event_reminder", Category.EVENT_UPDATES),
    Kind("waitlist_closed", Category.EVENT_UPDATES, urgent=False),
    # An organizer's own message to those registered ("the room moved"): news of an event, as its updates are.
    Kind("organiser_message", Category.EVENT_UPDATES),
    Kind("office_hours_booked", Category.ESSENTIAL),
    Kind("office_hours_booked_host", Category.ESSENTIAL),
    Kind("office_hours_reminder", Category.EVENT_UPDATES),
    Kind("office_hours_cancelled", Category.ESSENTIAL),
    Kind("office_hours_link_given", Category.ESSENTIAL),  # as `join_link`: without it, they cannot join
    Kind("daily_digest", Category.ESSENTIAL, in_inbox=False),
)}

# What moves an event: every registrant is told of it whatever they opted out of, as a seat holder's calendar entry
# changes with it and one waiting for a place decides by it whether to keep waiting (an update they opted out of is
# news: a new title, description or exhibitors).
MOVES = frozenset({"starts_at", "ends_at", "location", "is_virtual"})


def category_of(kind: str, parameters: Mapping[str, Any]) -> Category:
    """The category a notification is sent under: its kind's, but an event moved is essential, and so is a reminder
    warning that its lapse would pause them."""
    if kind == "event_updated" and MOVES & set(parameters.get("changed_fields") or ()):
        return Category.ESSENTIAL
    if kind == "answer_due" and parameters.get("pauses_if_it_lapses"):
        return Category.ESSENTIAL  # as the pause itself: it would change what happens to their enrollment
    return KINDS[kind].category


NOT_IN_INBOX = tuple(sorted(name for name, kind in KINDS.items() if not kind.in_inbox))

# Parameters a notification keeps only until its email has gone (or will not go): the single-use link of an email
# change, and the address and name it is written to; the address an email change replaced, told of it. Once its
# status is final they are dropped from its row.
HELD_UNTIL_SENT = ("confirmation_path", "display_name", "new_email", "old_email")

# Parameters a notification about a pairing is never shown with to its reader (`inbox_parameters`): why one side, or
# the program, declined or ended it (a decline's `reason_code`, kept on both sides' notifications until 2026-12).
KEPT_FROM_THE_READER = frozenset({"reason_code"})


def inbox_parameters(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """A notification's parameters as its inbox shows them to its reader: a pairing's without a reason's code, which a
    row stored before it was no longer kept may still hold (its words read it, never its reader)."""
    if "pairing_id" not in parameters:
        return dict(parameters)
    return {name: value for name, value in parameters.items() if name not in KEPT_FROM_THE_READER}


# Kinds whose email carries the event's calendar entry and, for a virtual event, its join link.
SEAT_KINDS = frozenset({"registration_confirmed", "registration_promoted"})
# Kinds that no longer hold once their office-hour booking is cancelled: not sent yet, they never will be.
BOOKING_HELD_KINDS = ("office_hours_booked", "office_hours_booked_host", "office_hours_reminder",
                      "office_hours_link_given")
# A registration's statuses that hold a seat (promoted: from the waitlist).
HOLDS_A_SEAT = ("confirmed", "promoted")


class SinceSent(StrEnum):
    """What changed for the reader, by their registration or booking, since a message about it was sent."""

    REGISTRATION_CANCELLED = "registration_cancelled"
    SEATED = "seated"  # their place on the waitlist became a seat
    BOOKING_CANCELLED = "booking_cancelled"  # an office hour's booking, by either side


def event_as_told(event: Mapping[str, Any]) -> dict[str, Any]:
    """An event's title, time and place as a message about it was composed with, kept with the notification when it
    is sent (or shown in the inbox without an email): its inbox item says them whatever changed since."""
    return {"title": event["title"], "location": event["location"], "is_virtual": event["is_virtual"],
            "starts_at": event["starts_at"].isoformat(), "ends_at": event["ends_at"].isoformat()}


def changed_since(kind: str, registration_status: str | None) -> SinceSent | None:
    """What no longer holds of a message about a registration, as the registration stands now: all of them once it is
    cancelled (by its registrant or an organizer); a place on the waitlist once it is a seat."""
    if registration_status == "cancelled":
        return SinceSent.REGISTRATION_CANCELLED
    if kind == "registration_waitlisted" and registration_status in HOLDS_A_SEAT:
        return SinceSent.SEATED
    return None

# What an attendee is told about when it changes (events' field names), and what does not concern them: a new
# capacity, deadline or audience changes nothing for someone who holds a place; a new time zone alone moves nothing;
# a new join link reaches them as a join link of its own (saying it replaces the earlier one, with the calendar entry).
ATTENDEE_FIELDS = ("title", "starts_at", "ends_at", "location", "is_virtual", "description", "exhibitors")


def concerning_attendees(changed_fields: list[str]) -> list[str]:
    return [name for name in ATTENDEE_FIELDS if name in changed_fields]


def idempotency_key(source_id: UUID | str, person_id: UUID, kind: str) -> str:
    """The same source, for the same person and kind, always yields the same key: it is sent at most once."""
    return f"{kind}:{source_id}:{person_id}"


def notification_id(key: str) -> UUID:
    return uuid5(_NAMESPACE, key)


def message_id(notification: UUID, domain: str = "mentorship.example") -> str:
    """Deterministic, so every attempt of one notification is recognisably the same message."""
    return f"<{notification}@{domain}>"


@dataclass(frozen=True)
class Notification:
    id: UUID
    idempotency_key: str
    person_id: UUID
    chapter_id: UUID | None
    kind: str
    parameters: dict
    attempts: int = 0
    created_at: datetime | None = None
    due_at: datetime | None = None  # not before then (a reminder); None: at once
    correlation_id: str | None = None  # of the action it answers, for its delivery events

    @classmethod
    def answering(cls, source_id: UUID | str, person_id: UUID, chapter_id: UUID | None, kind: str,
                  **parameters) -> Notification:
        """`source_id` is the event's id, or the aggregate's when two events must yield one message."""
        if kind not in KINDS:
            raise ValueError(f"unknown notification kind {kind!r}")
        key = idempotency_key(source_id, person_id, kind)
        return cls(notification_id(key), key, person_id, chapter_id, kind,
                   {k: _plain(v) for k, v in parameters.items()})

    def not_before(self, due_at: datetime) -> Notification:
        return replace(self, due_at=due_at)


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value) if isinstance(value, UUID) else value


# Office hours are recalled a day before; booked later than that, an hour before, if that is still ahead.
REMINDER_LEADS = (timedelta(hours=24), timedelta(hours=1))


def reminder_time(starts_at: datetime, now: datetime) -> datetime | None:
    for lead in REMINDER_LEADS:
        if starts_at - lead > now:
            return starts_at - lead
    return None


@dataclass(frozen=True)
class Preferences:
    opted_out: frozenset[Category] = frozenset()
    daily_digest: bool = False

    def opting_out(self, category: Category, opted_out: bool = True) -> Preferences:
        if not category.can_opt_out:
            raise CannotOptOut(category)
        changed = self.opted_out | {category} if opted_out else self.opted_out - {category}
        return Preferences(frozenset(changed), self.daily_digest)

    def with_digest(self, daily_digest: bool) -> Preferences:
        return Preferences(self.opted_out, daily_digest)

    def channel_for(self, kind: str, parameters: Mapping[str, Any] | None = None) -> Channel:
        """Email now, in the next digest, or only in the in-app inbox."""
        spec = KINDS[kind]
        if category_of(kind, parameters or {}) in self.opted_out:
            return Channel.IN_APP
        if self.daily_digest and not spec.urgent:
            return Channel.DIGEST
        return Channel.EMAIL


class CannotOptOut(Invalid, code="cannot_opt_out"):
    def __init__(self, category: Category) -> None:
        super().__init__(f"{category} messages answer the person's own actions and cannot be turned off",
                         field="opted_out")


class NotInInbox(NotFound, code="not_found"):
    def __init__(self) -> None:
        super().__init__("no such notification in this inbox", field="notification_id")


class UnknownPerson(NotFound, code="person_not_found"):
    """Notifications has not heard of this person (or they were erased): they have no preferences to read or set."""

    def __init__(self) -> None:
        super().__init__("no such person", field="person_id")


class LinkNoLongerWorks(NotFound, code="link_expired"):
    """An unsubscribe link whose message is gone (its reader was erased)."""

    def __init__(self) -> None:
        super().__init__("this link no longer works", field="token")


class NoSuchDelivery(NotFound, code="not_found"):
    def __init__(self) -> None:
        super().__init__("no such notification", field="notification_id")


class NotYourChapters(Forbidden, code="forbidden"):
    def __init__(self) -> None:
        super().__init__("coordinators send again their own chapters' emails only", field="notification_id")


class NothingToSendAgain(Conflict, code="nothing_to_send_again"):
    def __init__(self, status: str) -> None:
        super().__init__(f"only an email that failed or may not have arrived is sent again; this one is {status}",
                         field="notification_id")


class LinkNotKept(Conflict, code="link_not_kept"):
    """An email change's single-use link is forgotten once its email has failed (`HELD_UNTIL_SENT`): the person
    asks for the change again, which sends a new link."""

    def __init__(self) -> None:
        super().__init__("an email change's link is not kept once its email failed: the person asks for the change "
                         "again", field="notification_id")


class AddressNotKept(Conflict, code="address_not_kept"):
    """The address an email change replaced is forgotten once the email telling it has failed (`HELD_UNTIL_SENT`)."""

    def __init__(self) -> None:
        super().__init__("the address an email change replaced is not kept once the email telling it failed",
                         field="notification_id")


# --- an organizer's message to an event's registrants ---

MESSAGE_LIMIT = 2000
# At most this many messages to one event's registrants in a day: a guard against a mistake (a form sent over and
# over), not a quota; the next is refused until the first of them is a day old.
MESSAGES_A_DAY = 5
MESSAGES_WINDOW = timedelta(hours=24)


class Recipients(StrEnum):
    """Who of an event's registrants an organizer's message goes to."""

    SEATED = "seated"
    SEATED_AND_WAITLISTED = "seated_and_waitlisted"

    def include(self, status: str) -> bool:
        """Whether a registration of this status gets it (a seat: confirmed, or promoted from the waitlist)."""
        return status in ("confirmed", "promoted") or (self is Recipients.SEATED_AND_WAITLISTED
                                                       and status == "waitlisted")


def organisers_words(body: str) -> str:
    """The organizer's text as it is sent: paragraphs and line breaks kept, control characters out. Raises
    MessageBodyInvalid when nothing is left of it, or more than MESSAGE_LIMIT characters."""
    text = paragraphs(body, limit=max(len(body), 1)) or ""
    if not 1 <= len(text) <= MESSAGE_LIMIT:
        raise MessageBodyInvalid()
    return text


def check_organiser(listing: Mapping[str, Any] | None, may_act: Callable[[UUID | None], bool]) -> None:
    """Raises UnknownEvent for an event notifications has not heard of; NotYourEvent unless the staff member may act
    on its chapter's (one not known: administrators only)."""
    if listing is None:
        raise UnknownEvent()
    if not may_act(listing["chapter_id"]):
        raise NotYourEvent()


def check_may_message(sent_within_a_day: int, cancelled: bool) -> None:
    """Raises EventCancelled, or TooManyMessages once MESSAGES_A_DAY went to the event's registrants in a day."""
    if cancelled:
        raise EventCancelled()
    if sent_within_a_day >= MESSAGES_A_DAY:
        raise TooManyMessages()


class MessageBodyInvalid(Invalid, code="invalid_message"):
    def __init__(self) -> None:
        super().__init__(f"a message is 1 to {MESSAGE_LIMIT} characters of text", field="body")


class UnknownEvent(NotFound, code="unknown_event"):
    """Notifications has heard nothing of the event (it learns an event from its publication)."""

    def __init__(self) -> None:
        super().__init__("no such event", field="scheduled_event_id")


class NotYourEvent(Forbidden, code="forbidden"):
    """Not an administrator, nor a coordinator of the event's chapter (one of no chapter known: administrators)."""

    def __init__(self) -> None:
        super().__init__("coordinators message the registrants of their own chapters' events only",
                         field="scheduled_event_id")


class EventCancelled(Conflict, code="event_cancelled"):
    def __init__(self) -> None:
        super().__init__("the event is cancelled: its registrants were told so", field="scheduled_event_id")


class TooManyMessages(Conflict, code="too_many_messages"):
    status = 429

    def __init__(self) -> None:
        super().__init__(f"{MESSAGES_A_DAY} messages went to this event's registrants in the last day: the next may "
                         "go once the first of them is a day old", field="scheduled_event_id")


class MessageIdTaken(Conflict, code="message_id_taken"):
    """A message's id names one message, to one event's registrants."""

    def __init__(self) -> None:
        super().__init__("this message_id is another event's message", field="message_id")


# An email that failed for good, or may not have arrived, goes again when staff ask: once the person's address is
# put right, or the mail server is back. It keeps its Message-ID, so a mail program that did get the first try can
# tell the second is the same message.
SENDABLE_AGAIN = ("failed", "unconfirmed")


def check_sendable_again(kind: str, status: str) -> None:
    """Raises NothingToSendAgain for an email that arrived, is on its way, or never was one; LinkNotKept for an
    email change; AddressNotKept for the email telling the address a change replaced."""
    if status not in SENDABLE_AGAIN:
        raise NothingToSendAgain(status)
    if kind == "email_change":
        raise LinkNotKept()
    if kind == "email_changed":
        raise AddressNotKept()


class ClaimLost(Exception):
    """The sender's claim on a notification ran out before it could hand the message over (another instance may
    have it now): it was not handed over, and this sender records nothing about it."""


class DeliveryUncertain(Exception):
    """The SMTP conversation broke off after the message was handed over: it may have been accepted.
    Sending again could duplicate it, so it is never retried."""


def retry_delay(attempts: int, base_seconds: float) -> timedelta | None:
    """How long to wait after `attempts` failed tries; None once the last try has failed."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return timedelta(seconds=base_seconds * 2 ** (attempts - 1))


def digest_period_start(now: datetime, period: timedelta) -> datetime:
    """The start of the digest period `now` falls in; items recorded before it belong in a digest."""
    epoch = datetime(1970, 1, 1, tzinfo=now.tzinfo)
    return epoch + period * ((now - epoch) // period)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    message_id: str
    unsubscribe_url: str | None = None
    attachments: tuple[Attachment, ...] = field(default=())
    to_name: str | None = None
    language: str = "en"
    # The platform's name in `language`: the sender's name where MAIL_FROM gives none.
    sender_name: str = ""
