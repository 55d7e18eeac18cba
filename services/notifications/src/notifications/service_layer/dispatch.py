"""Sending what was recorded, at most once per notification.

The send/commit gap: an SMTP server's acceptance and our database commit cannot be one atomic step. So a batch of
notifications is first *claimed* in its own committed transaction (status `sending`, a deterministic Message-ID,
a lease, and the claim's own id), then each message is *handed over*: the server given all of it but its ending
dot, the moment is recorded for it, but only while the claim is still ours; the dot goes as soon as that record's
COMMIT is on its way (not once PostgreSQL answers: a crash in between would lose the message), and the outcome is
recorded in a last transaction, again when the database was away for a moment.

If the process dies, its claims lapse when their lease runs out. A message it had handed over stays unknown: we
cannot tell "the server had it" from "it never got there", and resending could duplicate it, so it becomes
`unconfirmed` and is never resent by itself (staff may send it again: `handlers.send_again`). A message it had
claimed but not handed over cannot have been sent: it is due again, and whichever instance claims it next sends it.
So loss (rather, uncertainty) is confined to messages in mid-conversation with the SMTP server when the process
died, visible to coordinators in the delivery log (and on the console's Emails page, which can send them again).
A sender whose claim lapsed while it lived (frozen longer than the lease) finds its claim gone at the hand-over and
does not send: another instance may have it. A graceful stop finishes the batch in flight (see
entrypoints/jobs.py), so it leaves nothing unconfirmed.

An SMTP error before the message was handed over, or the server's refusal of it, means the server did not
take it: that attempt is retried with exponential backoff, and after the last one it is marked failed. A
connection lost or timed out while the message was being handed over is as ambiguous as a crash, and ends
the same way: unconfirmed, not resent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any, cast
from uuid import UUID, uuid4

from mentorship_contracts.notifications import NotificationFailedV2, NotificationSentV2
from plumbing.db import DatabaseWait, once_the_database_answers

from ..domain.model import (
    BOOKING_HELD_KINDS,
    KINDS,
    SEAT_KINDS,
    Channel,
    ClaimLost,
    DeliveryUncertain,
    Email,
    Notification,
    Preferences,
    SinceSent,
    changed_since,
    digest_period_start,
    event_as_told,
    notification_id,
    retry_delay,
)
from .ports import HandOver, Mailer, NewUnitOfWork, NotificationsUnitOfWorkPort, Render, Row

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DispatchPolicy:
    batch_size: int = 100
    concurrency: int = 20
    # Longer than any SMTP conversation can take (its timeout), so a live sender never loses its claim.
    lease_seconds: float = 120.0
    retry_base_seconds: float = 30.0
    # A virtual event's join link travels on its own topic: a confirmation waits this long for it.
    access_link_grace_seconds: float = 10.0
    # An event's note to those registered travels with its cancellation on the catalogue: a registrant's cancellation
    # read first (events.registrations) waits this long for it.
    cancellation_grace_seconds: float = 10.0
    # Someone a coordinator's invitation registered is welcomed by the invitation, which withdraws the welcome their
    # registration made: it follows the registration, on another topic when its program keeps its members private,
    # so a welcome waits this long for it.
    welcome_grace_seconds: float = 10.0
    # How soon to look again at a notification whose context (a partner's contact, an event) has not arrived.
    context_wait_seconds: float = 1.0
    digest_period: timedelta = timedelta(days=1)
    # How long a hand-over waits for the batch's other conversations to be ready too (one transaction for them).
    hand_over_window_seconds: float = 0.003
    # The first wait before recording a batch's outcomes again while the database is away (doubling, to 2 s).
    database_wait_seconds: float = 0.1
    # How long at most what follows a pairing's closing waits for the closing's email to go first (`FOLLOWS_A_CLOSING`).
    closing_first_seconds: float = 600.0
    # How long at most a newcomer's other messages wait for their welcome to go first (`AFTER_THE_WELCOME`).
    welcome_first_seconds: float = 60.0


class MissingContext(Exception):
    """What the message needs to say has not arrived yet (e.g. the partner's contact details)."""


class Obsolete(Exception):
    """What the message was to say no longer holds (a reminder of a booking since cancelled): it is not sent. `since`:
    what changed for its reader by their own registration, which the inbox says under the subject it was sent with."""

    def __init__(self, why: str, since: SinceSent | None = None) -> None:
        super().__init__(why)
        self.since = since


# Kinds that no longer hold once their event is cancelled: its cancellation says all (and the calendar entry of an
# update sent after it would put the event back in the reader's calendar).
VOID_ONCE_CANCELLED = frozenset({"event_updated", "event_reminder", "join_link", "registration_confirmed",
                                 "registration_promoted", "registration_waitlisted", "organiser_message"})
# An organizer's words once sent stay readable in the inbox after their event is cancelled (the console promises each
# registrant gets them "in their messages on the site"); one not sent yet is not sent.
READABLE_ONCE_CANCELLED = frozenset({"organiser_message"})
# Kinds about a pairing that name neither the other side nor anything they show (they are no partner yet): they go
# without waiting for the other's contact details.
NAMING_NO_PARTNER = frozenset({"pairing_proposed", "pairing_declined"})
# A reminder that could only go once what it recalls began (the SMTP server refused until then, or staff sent it
# again later) says nothing worth reading; nor does anything about an event once it has ended. One sent before, read
# in the inbox while it takes place, is read to join it: it holds until it ends.
REMINDER_KINDS = frozenset({"event_reminder", "office_hours_reminder"})
# Kinds worth reading until what they speak of has ended (a link to join given just after the start still helps);
# an organizer's message is worth reading after it too (a thank-you once it was held).
VOID_ONCE_ENDED = (VOID_ONCE_CANCELLED - {"organiser_message"}) | {"office_hours_link_given"}
# Kinds not sent to someone whose account is suspended: an organizer's words may give a way into the event (a new
# link to join), which a suspended account is not given (`handlers.person_suspended`); "your account is active again"
# no longer holds once it is suspended again.
HELD_FROM_THE_SUSPENDED = frozenset({"organiser_message", "account_reinstated"})


# A pairing closing (ended, its partner gone, declined or withdrawn) and what follows it for the same person in the same
# program: their place on the waitlist, or another pairing proposed or made. Matching announces both in one
# transaction, the closing first, but one batch's emails reach the SMTP server at one moment (one commit answers every
# hand-over), in any order: what follows waits while the email of a closing of another pairing of that program is
# unsent, for `DispatchPolicy.closing_first_seconds` at most, so that nobody reads "you are on the waitlist" or "you
# have been paired" before "your mentorship has ended". Where a program's members are public the closing and the
# waitlist place travel on different topics, and the place may be read before the closing has arrived at all: a place
# that names the pairing it follows (`after_pairing_id`, matching.mentee_waitlisted v4) waits for that closing to arrive
# too.
CLOSING_KINDS = frozenset({"pairing_ended", "partner_left", "pairing_declined"})
FOLLOWS_A_CLOSING = frozenset({"mentee_waitlisted", "pairing_proposed", "pairing_confirmed", "waitlist_paired"})


# A newcomer's first minutes bring more than their welcome (a pairing made as they enrolled, an event's registration),
# and the welcome waits a little for an invitation that would withdraw it (`welcome_grace_seconds`): what else is told
# to them waits while their welcome is unsent, for `DispatchPolicy.welcome_first_seconds` at most (an SMTP server
# refusing the welcome holds nothing longer), so that the welcome is what they read first. The confirmation of a new
# address is asked for at once.
AFTER_THE_WELCOME = frozenset(KINDS) - {"welcome", "email_change", "email_changed"}


@dataclass(frozen=True)
class _Firsts:
    """What the batch's notifications may wait for: the pairings named by those that follow a closing whose closing
    has arrived, the closings of their people not sent yet (by person), and the people whose welcome is unsent."""

    arrived: set[str]
    unsent: dict[UUID, list[Row]]
    welcoming: set[UUID]


async def _firsts_of(uow: NotificationsUnitOfWorkPort, due: list[Notification]) -> _Firsts:
    """One read of each for the batch. The closings arrived are read first: a closing's arrival and its emails are
    recorded in one transaction, so once it is seen arrived, the unsent emails read after it are seen too."""
    following = [n for n in due if n.kind in FOLLOWS_A_CLOSING]
    named = list({UUID(after) for n in following if (after := n.parameters.get("after_pairing_id"))})
    arrived = {str(pairing) for pairing in await uow.notifications.pairings_over_of(named)} if named else set()
    unsent: dict[UUID, list[Row]] = {}
    welcoming: set[UUID] = set()
    people = list(dict.fromkeys(n.person_id for n in due if n.kind in AFTER_THE_WELCOME))
    if people:
        for first in await uow.notifications.unsent_of(people, CLOSING_KINDS | {"welcome"}):
            if first.kind == "welcome":
                welcoming.add(first.person_id)
            else:
                unsent.setdefault(first.person_id, []).append(first.parameters)
    return _Firsts(arrived, unsent, welcoming)


def _waits_for_the_welcome(notification: Notification, firsts: _Firsts, policy: DispatchPolicy,
                           now: datetime) -> bool:
    return (notification.kind in AFTER_THE_WELCOME and notification.person_id in firsts.welcoming
            and now - (notification.created_at or now) < timedelta(seconds=policy.welcome_first_seconds))


def _waits_for_a_closing(notification: Notification, closings: _Firsts, policy: DispatchPolicy,
                         now: datetime) -> bool:
    if notification.kind not in FOLLOWS_A_CLOSING:
        return False
    if now - (notification.created_at or now) >= timedelta(seconds=policy.closing_first_seconds):
        return False
    after = notification.parameters.get("after_pairing_id")
    if after is not None and after not in closings.arrived:
        return True
    program, pairing = notification.parameters.get("program_id"), notification.parameters.get("pairing_id")
    return any(closing.get("program_id") == program and closing.get("pairing_id") != pairing
               for closing in closings.unsent.get(notification.person_id, []))


# The kinds whose message shows what the partner shows a partner (`Messages.partner_details`).
SHOWS_THE_PARTNER = frozenset({"pairing_confirmed", "waitlist_paired", "meeting_overdue"})


async def context_for(notification: Notification, uow: NotificationsUnitOfWorkPort, policy: DispatchPolicy,
                      now: datetime, *, reread: bool = False) -> Row:
    """What the message says, as things are now; `reread`: for the inbox, where an item about a registration its
    reader has since changed (cancelled, or a waitlist place turned into a seat) no longer holds, a reminder holds
    until its event ends, and the event is said as the message was composed with (`_as_told`). An email accepted is
    sent whatever happened since, in order, as it was to say: a backlog after a fault loses nothing."""
    repo, parameters = uow.notifications, notification.parameters
    chapter_name = await repo.chapter_name(notification.chapter_id) if notification.chapter_id else None
    if notification.kind == "email_change":
        return {**_email_change_context(notification, now), "chapter_name": chapter_name}
    if (notification.kind == "welcome" and not reread
            and now - (notification.created_at or now) < timedelta(seconds=policy.welcome_grace_seconds)):
        raise MissingContext("the invitation that would withdraw it, if one follows")
    context = {**parameters, "recipient": await repo.contact(notification.person_id)}
    if notification.kind == "email_changed":
        if context["recipient"] is None:
            raise Obsolete("the person is gone")
        # Told at the address it replaced, as the person is now (name, language); the new address is in the text.
        context["new_email"] = context["recipient"]["email"]
        context["recipient"] = {**context["recipient"], "email": parameters["old_email"]}
        return {**context, "program": None, "chapter_name": chapter_name}
    if notification.kind in HELD_FROM_THE_SUSPENDED and await repo.suspended_of([notification.person_id]):
        raise Obsolete("the account is suspended")
    if "partner_id" in parameters:
        context["partner"] = await repo.contact(UUID(parameters["partner_id"]))
        # Composed after the pairing is over, a message names a former partner, nothing they show partners now (asked
        # only of the kinds that show it: one round trip fewer for every other message about a pairing).
        context["pairing_over"] = (notification.kind in SHOWS_THE_PARTNER and "pairing_id" in parameters
                                   and await repo.pairing_over(UUID(parameters["pairing_id"])))
        if context["partner"] is None and notification.kind not in NAMING_NO_PARTNER:
            raise MissingContext("partner")
    # Names only sign the message, so a program or chapter not heard of yet does not hold it back.
    context["program"] = await repo.program(UUID(parameters["program_id"])) if "program_id" in parameters else None
    context["chapter_name"] = chapter_name
    if "scheduled_event_id" in parameters:
        context["event"] = await repo.listing(UUID(parameters["scheduled_event_id"]))
        if context["event"] is None:
            raise MissingContext("event")
        if context["event"]["cancelled_at"] and notification.kind in VOID_ONCE_CANCELLED:
            if not (reread and notification.kind in READABLE_ONCE_CANCELLED):
                raise Obsolete("event cancelled")
        if reread and "registration_id" in parameters and notification.kind in VOID_ONCE_CANCELLED:
            status = await repo.registration_status(UUID(parameters["registration_id"]))
            if since := changed_since(notification.kind, status):
                raise Obsolete("the registration changed since", since)
        if (notification.kind == "event_cancelled" and not context["event"]["cancelled_at"]
                and now - (notification.created_at or now) < timedelta(seconds=policy.cancellation_grace_seconds)):
            raise MissingContext("the event's cancellation, with its organizers' note")
        _still_ahead(notification.kind, context["event"], now, reread)
        if reread and (told := parameters.get("event_as_told")):
            context["event"], context["event_changed_since"] = _as_told(context["event"], told)
        context["join_url"] = None
        if "registration_id" in parameters:
            # Its copies of the event's calendar entry outrank those of the registrant's earlier registrations.
            context["cancelled_before"] = await repo.cancelled_before(UUID(parameters["registration_id"]))
        if context["event"]["is_virtual"] and "registration_id" in parameters:
            context["join_url"] = await repo.access_link(UUID(parameters["registration_id"]))
            if context["join_url"] is None and notification.kind == "join_link":
                raise Obsolete("no link to give (the registrant's account is suspended)")
            waited = now - (notification.created_at or now)
            if (context["join_url"] is None and notification.kind in SEAT_KINDS
                    and waited < timedelta(seconds=policy.access_link_grace_seconds)):
                raise MissingContext("join link")
    if "booking_id" in parameters:
        booking = await repo.booking(UUID(parameters["booking_id"]))
        if booking is None and "starts_at" in parameters:
            # A cancellation whose booking went with the side who erased their account: it says when it was itself.
            booking = {"booking_id": parameters["booking_id"], "starts_at": datetime.fromisoformat(
                parameters["starts_at"]), "ends_at": datetime.fromisoformat(parameters["ends_at"]),
                "location": None, "cancelled_at": None, "links_replaced": int(parameters.get("links_replaced", 0))}
        if booking is None:
            raise Obsolete("booking")  # one of its sides erased
        if booking["cancelled_at"] and notification.kind in BOOKING_HELD_KINDS:
            raise Obsolete("booking cancelled", SinceSent.BOOKING_CANCELLED)
        context["booking"] = booking
        _still_ahead(notification.kind, booking, now, reread)
        # Not kept of a host who erased their account.
        context["host"] = await repo.contact(UUID(parameters["host_id"])) if "host_id" in parameters else None
    if notification.kind == "daily_digest":
        context["items"] = await repo.digest_items(notification.id)
        if not context["items"]:
            raise Obsolete("every item named someone who erased their account")
    return context


def _still_ahead(kind: str, happening: Row, now: datetime, reread: bool) -> None:
    """Raises Obsolete for a reminder of what has begun (`reread` in the inbox: of what has ended), or a message about
    an event (but its cancellation) that has ended."""
    if kind in REMINDER_KINDS and happening["ends_at" if reread else "starts_at"] <= now:
        raise Obsolete("it has ended" if reread else "it has begun")
    if kind in VOID_ONCE_ENDED and happening["ends_at"] <= now:
        raise Obsolete("it has ended")


def _as_told(event: Row, told: Row) -> tuple[Row, bool]:
    """The event as the message told it (`model.event_as_told`: its title, time and place when it was composed), and
    whether it has changed since: the inbox says what the email said, not today's details mixed with then's."""
    then = {**told, "starts_at": datetime.fromisoformat(told["starts_at"]),
            "ends_at": datetime.fromisoformat(told["ends_at"])}
    return {**event, **then}, any(event.get(name) != value for name, value in then.items())


def _email_change_context(notification: Notification, now: datetime) -> Row:
    """Written to the new address, from what the request said (not the stored contact, whose address is the old
    one); a link that expired before it could go is not sent."""
    parameters = notification.parameters
    if datetime.fromisoformat(parameters["expires_at"]) <= now:
        raise Obsolete("the link has expired")
    recipient = {"person_id": notification.person_id, "display_name": parameters["display_name"],
                 "email": parameters["new_email"], "timezone": parameters["timezone"],
                 "language": parameters["language"]}
    return {**parameters, "recipient": recipient, "program": None}


def _delivered(notification: Notification, channel: Channel) -> NotificationSentV2:
    return NotificationSentV2(notification_id=notification.id, person_id=notification.person_id,
                              chapter_id=notification.chapter_id, kind=notification.kind, channel=channel,
                              correlation_id=notification.correlation_id)


def _failed(notification: Notification, attempts: int) -> NotificationFailedV2:
    return NotificationFailedV2(notification_id=notification.id, person_id=notification.person_id,
                                chapter_id=notification.chapter_id, kind=notification.kind, channel=Channel.EMAIL,
                                attempts=attempts, correlation_id=notification.correlation_id)


@dataclass
class Claim:
    """What one claim took: its id (which every later change by its sender names) and the emails to send; and how
    many due emails it did not take: unrenderable (marked failed), or cancelled (what they were to say no longer
    held: `Obsolete`)."""

    id: UUID
    emails: list[tuple[Notification, Email]]
    unrenderable: int = 0
    cancelled: int = 0


@dataclass(frozen=True)
class Dispatched:
    """One batch: how many emails it claimed, and what became of them (sent, retrying, failed, unconfirmed,
    lapsed: the claim was lost first and another instance sends them; unrenderable: its template failed, so it
    was marked failed without trying the SMTP server; or cancelled: what it was to say no longer held when it came
    due, so it was not sent), for the operator's figures."""

    claimed: int
    outcomes: Counter[str]


async def claim_due(uow: NotificationsUnitOfWorkPort, render: Render, policy: DispatchPolicy,
                    now: datetime) -> Claim:
    """Render what is due and commit the claim on it; return the claim and the emails to send."""
    claim = Claim(uuid4(), [])
    claimed, told = claim.emails, []
    async with uow:
        # What many of the batch share (an announcement's event, a chapter, a program) is read once.
        shared = _SharedReads(uow)
        due = await uow.notifications.due(policy.batch_size)
        await shared.read_people([n.person_id for n in due])  # each reader's contact and preferences, at once
        firsts = await _firsts_of(uow, due)
        for notification in due:
            if (_waits_for_a_closing(notification, firsts, policy, now)
                    or _waits_for_the_welcome(notification, firsts, policy, now)):
                await uow.notifications.defer(notification.id, policy.context_wait_seconds)
                continue
            try:
                context = await context_for(notification, cast(NotificationsUnitOfWorkPort, shared), policy, now)
            except MissingContext:
                await uow.notifications.defer(notification.id, policy.context_wait_seconds)
                continue
            except Obsolete:
                await uow.notifications.mark_obsolete(notification.id)
                # Counted among the emails only if it was to be one (not an inbox item alone, nor a digest's line).
                preferences = await shared.preferences(notification.person_id)
                if preferences.channel_for(notification.kind, notification.parameters) is Channel.EMAIL:
                    claim.cancelled += 1
                continue
            try:
                email = render(notification, context)
            except Exception as error:  # a template that cannot render must not block the rest
                log.exception("notification could not be rendered",
                              extra={"notification_id": str(notification.id), "kind": notification.kind})
                await uow.notifications.mark_failed(notification.id, describe(error))
                uow.emit(_failed(notification, notification.attempts))
                claim.unrenderable += 1
                continue
            if "event" in context:
                told.append((notification.id, event_as_told(context["event"])))
            channel = (await shared.preferences(notification.person_id)).channel_for(notification.kind, notification.parameters)
            if channel is Channel.EMAIL:
                claimed.append((notification, email))
            elif channel is Channel.DIGEST:
                await uow.notifications.mark_without_email(notification.id, email.subject, "digest_pending")
            else:
                await uow.notifications.mark_without_email(notification.id, email.subject, "in_app")
                uow.emit(_delivered(notification, Channel.IN_APP))
        if told:
            await uow.notifications.note_told(told)
        if claimed:
            await uow.notifications.mark_sending([(n.id, e.subject, e.message_id) for n, e in claimed],
                                                 policy.lease_seconds, claim.id)
        await uow.commit()
    return claim


class _SharedReads:
    """A unit of work whose repository answers the reads that a batch's notifications share from memory after the
    first time (within one transaction, so they are what that transaction reads anyway); the readers' contacts and
    preferences are read for the whole batch at once (`read_people`)."""

    SHARED = frozenset({"chapter_name", "program", "listing", "contact"})

    def __init__(self, uow: NotificationsUnitOfWorkPort) -> None:
        self._repo = uow.notifications
        self._memo: dict[tuple[str, UUID], object] = {}

    @property
    def notifications(self) -> _SharedReads:
        return self

    async def read_people(self, person_ids: list[UUID]) -> None:
        unique = list(dict.fromkeys(person_ids))
        if not unique:
            return
        contacts = await self._repo.contacts_of(unique)
        for person_id, preferences in (await self._repo.preferences_of(unique)).items():
            self._memo["contact", person_id] = contacts.get(person_id)
            self._memo["preferences", person_id] = preferences

    async def preferences(self, person_id: UUID) -> Preferences:
        if ("preferences", person_id) not in self._memo:
            self._memo["preferences", person_id] = await self._repo.preferences(person_id)
        return cast(Preferences, self._memo["preferences", person_id])

    def __getattr__(self, name: str) -> object:
        read = getattr(self._repo, name)
        if name not in self.SHARED:
            return read

        async def remembered(key: UUID) -> object:
            if (name, key) not in self._memo:
                self._memo[name, key] = await read(key)
            return self._memo[name, key]

        return remembered


class GatheredReads:
    """A unit of work whose repository answers the reads `context_for` makes of many notifications (an inbox page)
    from one read of each kind for all of them (`gather`), not a few round trips for each; what was not gathered is
    read when asked."""

    def __init__(self, uow: NotificationsUnitOfWorkPort) -> None:
        self._repo = uow.notifications
        # Of each read of one key: the keys gathered, what was found of them, and what a key not found answers.
        self._gathered: dict[str, tuple[set[UUID], dict[UUID, object], object]] = {}

    @property
    def notifications(self) -> GatheredReads:
        return self

    async def gather(self, notifications: list[Notification]) -> None:
        def named(name: str, kinds: frozenset[str] | None = None) -> set[UUID]:
            return {UUID(str(n.parameters[name])) for n in notifications
                    if name in n.parameters and (kinds is None or n.kind in kinds)}

        repo, registrations = self._repo, named("registration_id")
        over = named("pairing_id", SHOWS_THE_PARTNER)  # asked of those kinds only, as context_for does
        reads: dict[str, tuple[set[UUID], Callable[[list[UUID]], Awaitable[Any]], object]] = {
            "contact": ({n.person_id for n in notifications} | named("partner_id") | named("host_id"),
                        repo.contacts_of, None),
            "chapter_name": ({n.chapter_id for n in notifications if n.chapter_id}, repo.chapter_names_of, None),
            "program": (named("program_id"), repo.programs_of, None),
            "listing": (named("scheduled_event_id"), repo.listings_of, None),
            "cancelled_before": (registrations, repo.cancelled_before_of, 0),
            "registration_status": (registrations, repo.registration_statuses_of, None),
            "access_link": (registrations, repo.access_links_of, None),
            "booking": (named("booking_id"), repo.bookings_of, None),
        }
        for name, (keys, read_all, missing) in reads.items():
            if keys:
                self._gathered[name] = (keys, await read_all(list(keys)), missing)
        if over:
            self._gathered["pairing_over"] = (over, dict.fromkeys(await repo.pairings_over_of(list(over)), True),
                                              False)

    def __getattr__(self, name: str) -> object:
        read = getattr(self._repo, name)
        if name not in self._gathered:
            return read
        keys, found, missing = self._gathered[name]

        async def gathered(key: UUID) -> object:
            return found.get(key, missing) if key in keys else await read(key)

        return gathered


def describe(error: BaseException) -> str:
    """The error's type and SMTP code: never its text, which may quote an address."""
    code = getattr(error, "code", None)
    return f"{type(error).__name__}{f' {code}' if code else ''}"


class HandOvers:
    """Records, for the claim, that a message is being handed to the SMTP server, as it is. The senders of a
    batch ask at about the same moments, so the asks go together: a transaction waits (up to `window` seconds) for
    `gather` of them, and those that arrive while one is being committed go in the next. (Each on its own, or
    whoever had asked by the next turn of the event loop, came to one transaction for every four emails.) Answers
    whether the claim still held that message (if not, it must not be handed over), once the record's COMMIT is
    written: if that COMMIT then fails, the messages' outcomes are recorded all the same (`mark_all_sent` needs the
    claim, not the record)."""

    def __init__(self, new_uow: NewUnitOfWork, claim_id: UUID, lease_seconds: float, gather: int = 1,
                 window: float = 0.0) -> None:
        self._new_uow, self._claim_id, self._lease_seconds = new_uow, claim_id, lease_seconds
        self._gather, self._window = gather, window
        self._asked: dict[UUID, asyncio.Future[bool]] = {}
        self._committing: asyncio.Task[None] | None = None
        self._enough = asyncio.Event()

    def __call__(self, handed_id: UUID) -> HandOver:
        async def hand_over() -> bool:
            answer = asyncio.get_running_loop().create_future()
            self._asked[handed_id] = answer
            if len(self._asked) >= self._gather:
                self._enough.set()
            if self._committing is None or self._committing.done():
                self._committing = asyncio.create_task(self._commit())
            return await answer

        return hand_over

    async def _commit(self) -> None:
        while self._asked:
            await asyncio.sleep(0)  # let the senders that are ready ask too
            if len(self._asked) < self._gather and self._window > 0:
                self._enough.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._window):  # not wait_for, which can drop a cancellation
                        await self._enough.wait()
            asked, self._asked = self._asked, {}
            await self._record(asked)

    async def _record(self, asked: dict[UUID, asyncio.Future[bool]]) -> None:
        held: set[UUID] = set()
        answered_before_the_commit = False

        def answer() -> None:
            nonlocal answered_before_the_commit
            answered_before_the_commit = True
            for asked_id, answered in asked.items():
                if not answered.done():
                    answered.set_result(asked_id in held)

        try:
            uow = self._new_uow()
            async with uow:
                held = await uow.notifications.mark_handed(list(asked), self._claim_id, self._lease_seconds)
                # The messages end as soon as their record's COMMIT is on its way, not once PostgreSQL answers: a
                # crash between the record and a message's end loses it (the server drops a message that never
                # ended; one recorded as handed over is never resent), and the answer can take milliseconds.
                await uow.commit(once_sent=answer)
        except Exception as error:  # noqa: BLE001 - the senders not answered yet hand nothing over
            if answered_before_the_commit:
                # Ended, and their record lost: each is recorded sent when the server says so, else due again.
                log.warning("the record of messages handed over may not have been made",
                            extra={"error_type": type(error).__name__})
            for answered in asked.values():
                if not answered.done():
                    answered.set_exception(error)
            return
        answer()


async def send_all(mailer: Mailer, emails: list[tuple[Email, HandOver | None]],
                   concurrency: int) -> list[BaseException | None]:
    gate = asyncio.Semaphore(concurrency)

    async def send(email: Email, hand_over: HandOver | None) -> BaseException | None:
        async with gate:
            try:
                await mailer.send(email, hand_over)
            except Exception as error:  # noqa: BLE001 - any SMTP failure counts as a failed attempt
                return error
            return None

    return await asyncio.gather(*(send(email, hand_over) for email, hand_over in emails))


async def record_outcomes(uow: NotificationsUnitOfWorkPort, claimed: list[Notification],
                          outcomes: list[BaseException | None],
                          policy: DispatchPolicy, claim_id: UUID | None = None) -> Counter[str]:
    """Record what the SMTP server said of each claimed email; returns how many ended each way."""
    ended: Counter[str] = Counter()
    async with uow:
        repo = uow.notifications
        delivered = [n for n, error in zip(claimed, outcomes, strict=True) if error is None]
        if claim_id is not None:
            recorded = await repo.mark_all_sent([n.id for n in delivered], claim_id)
        else:
            recorded = {n.id for n in delivered if await repo.mark_sent(n.id)}
        sent = [n for n in delivered if n.id in recorded]
        for notification in sent:
            channel = Channel.DIGEST if notification.kind == "daily_digest" else Channel.EMAIL
            uow.emit(_delivered(notification, channel))
            ended["sent"] += 1
        for notification, error in zip(claimed, outcomes, strict=True):
            ids = _ids(notification)
            if error is None:
                continue
            if isinstance(error, ClaimLost):
                ended["lapsed"] += 1
                log.warning("the claim lapsed before the email was handed over; another instance sends it",
                            extra=ids)
                continue
            if isinstance(error, DeliveryUncertain):
                if await repo.mark_unconfirmed(notification.id, describe(error), claim_id):
                    ended["unconfirmed"] += 1
                    log.warning("email may or may not have been accepted; not resending", extra=ids)
                continue
            attempts = notification.attempts + 1  # the claim counted this attempt
            delay = retry_delay(attempts, policy.retry_base_seconds)
            if delay is None:
                if await repo.mark_failed(notification.id, describe(error), claim_id):
                    ended["failed"] += 1
                    uow.emit(_failed(notification, attempts))
                    log.error("email failed for good", extra={**ids, "attempts": attempts, "error": describe(error)})
            elif await repo.mark_retry(notification.id, describe(error), delay.total_seconds(), claim_id):
                ended["retrying"] += 1
                log.warning("email not sent; will retry", extra={**ids, "attempts": attempts, "error": describe(error)})
        await uow.commit()
    # Once recorded (a recording tried again after the database went away logs each once): the line that follows an
    # action (its correlation id) to the email that went out. Ids only: never the address or what it said.
    for notification in sent:
        log.info("email sent", extra=_ids(notification))
    return ended


def _ids(notification: Notification) -> dict[str, str | None]:
    """What a log line about one email says of it. The dispatcher serves no action, so the correlation id of the one
    the notification answers is given: `grep '"correlation_id": "ID"'` finds its email too."""
    return {"notification_id": str(notification.id), "kind": notification.kind,
            "correlation_id": notification.correlation_id}


async def dispatch_due(new_uow: NewUnitOfWork, render: Render, mailer: Mailer, policy: DispatchPolicy,
                       clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Dispatched:
    """Claim, send and record one batch."""
    claim = await claim_due(new_uow(), render, policy, clock())
    # Counted apart from `failed`: a template that fails is a bug to fix, not the SMTP server refusing.
    outcomes: Counter[str] = Counter({"unrenderable": claim.unrenderable, "cancelled": claim.cancelled})
    outcomes = +outcomes  # an outcome the batch had none of is not named
    if claim.emails:
        hand_overs = HandOvers(new_uow, claim.id, policy.lease_seconds,
                               gather=min(policy.concurrency, len(claim.emails)), window=policy.hand_over_window_seconds)
        results = await send_all(mailer, [(email, hand_overs(n.id)) for n, email in claim.emails], policy.concurrency)
        outcomes += await _recorded_once_the_database_answers(
            lambda: record_outcomes(new_uow(), [n for n, _ in claim.emails], results, policy, claim.id), policy)
    return Dispatched(len(claim.emails), outcomes)


async def _recorded_once_the_database_answers(record: Callable[[], Awaitable[Counter[str]]],
                                              policy: DispatchPolicy) -> Counter[str]:
    """What the SMTP server said is known to this sender alone: while the database is away (restarted, say), the
    outcomes are recorded again, for as long as a lease lasts. Left unrecorded, the claim would lapse, and a message
    the server took but whose hand-over's record was lost with the database would be sent again."""
    wait = DatabaseWait(first_seconds=policy.database_wait_seconds, longest_seconds=2.0,
                        giving_up_after=policy.lease_seconds)
    return await once_the_database_answers(record, wait, _waiting_for_the_database)


def _waiting_for_the_database(error: Exception, pause: float, pauses: int) -> None:
    log.warning("the database is unavailable: recording what became of the emails again in %.1f s", pause,
                extra={"error_type": type(error).__name__, "wait": pauses})


async def waiting_emails(uow: NotificationsUnitOfWorkPort, now: datetime) -> tuple[int, float]:
    """How many emails are due and not yet claimed, and how long the first of them has waited (0 when none): a
    dispatcher that stopped, or cannot keep up, shows here before anyone misses an email."""
    async with uow:
        count, since = await uow.notifications.unsent()
    return count, max(0.0, (now - since).total_seconds()) if since is not None else 0.0


async def give_up_on_lapsed_claims(uow: NotificationsUnitOfWorkPort) -> list[UUID]:
    """Settle the claims of senders that died: what they had handed over is unconfirmed, the rest due again.
    Returns the unconfirmed."""
    async with uow:
        unconfirmed, released = await uow.notifications.settle_lapsed_claims()
        await uow.commit()
    for lapsed_id in unconfirmed:
        log.warning("a send was interrupted mid-conversation; marked unconfirmed and not resent",
                    extra={"notification_id": str(lapsed_id)})
    for released_id in released:
        log.warning("a claim lapsed before its email was handed over; due again",
                    extra={"notification_id": str(released_id)})
    return unconfirmed


async def compose_digests(uow: NotificationsUnitOfWorkPort, policy: DispatchPolicy, now: datetime,
                          limit: int = 1000) -> int:
    """Gather each person's non-urgent notifications of past digest periods into one digest notification."""
    composed = 0
    async with uow:
        items = await uow.notifications.digest_items_due(digest_period_start(now, policy.digest_period), limit)
        for person_id, group in groupby(items, key=lambda n: n.person_id):
            item_ids = sorted(n.id for n in group)
            # Named by its items, so composing the same items twice (a retried transaction) is one digest.
            digest = Notification.answering(notification_id(",".join(map(str, item_ids))), person_id, None,
                                            "daily_digest", count=len(item_ids))
            await uow.notifications.add(digest)
            await uow.notifications.mark_digested(item_ids, digest.id)
            composed += 1
        await uow.commit()
    return composed

