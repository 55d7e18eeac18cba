"""What the service layer needs of the world: the repository, the unit of work around it, a renderer and a mailer.
The PostgreSQL, SMTP and Jinja adapters satisfy these, and so do the unit tests' fakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from plumbing.unit_of_work import UnitOfWorkPort

from ..domain.model import Email, Notification, Preferences

Row = dict[str, Any]


class NotificationsRepository(Protocol):
    """The read models notifications keeps, the notifications and their life, and preferences."""

    # --- read models, from other services' events ---

    async def save_contact(self, *, person_id: UUID, chapter_id: UUID | None, display_name: str, email: str,
                           timezone: str, pronouns_for_partner: str | None, bio_for_partner: str | None,
                           shares_more_with_partner: bool, language: str | None) -> None:
        """Replaces what was known of the person (a withdrawn consent makes `shares_more_with_partner` false)."""

    async def contact(self, person_id: UUID) -> Row | None:
        """Their details."""

    async def contacts_of(self, person_ids: list[UUID]) -> dict[UUID, Row]:
        """`contact` of each that is known, in one read."""

    async def save_chapter(self, chapter_id: UUID, name: str) -> None: ...

    async def chapter_name(self, chapter_id: UUID) -> str | None: ...

    async def chapter_names_of(self, chapter_ids: list[UUID]) -> dict[UUID, str]:
        """`chapter_name` of each that is known, in one read."""

    async def save_program(self, program_id: UUID, chapter_id: UUID | None, name: str, cadence_min_days: int,
                           cadence_max_days: int, pairing_mode: str, members_public: bool = False,
                           both_must_accept: bool | None = None, mentees_include_minors: bool | None = None) -> None: ...

    async def program(self, program_id: UUID) -> Row | None:
        """Its name, meeting cadence, how it forms pairs, whether its members are public (`members_public`), whether
        a proposal waits for both sides to accept (`both_must_accept`), and whether its mentees include high-school
        students (`mentees_include_minors`); None for either of the last two: defined before it was kept."""

    async def programs_of(self, program_ids: list[UUID]) -> dict[UUID, Row]:
        """`program` of each that is known, in one read."""

    async def save_listing(self, *, scheduled_event_id: UUID, chapter_id: UUID | None, title: str,
                           starts_at: datetime, ends_at: datetime, timezone: str, location: str | None,
                           is_virtual: bool, attendees_public: bool | None) -> None:
        """`attendees_public`: as the catalogue says it; None (an earlier version said nothing) keeps what it said."""

    async def note_update(self, scheduled_event_id: UUID, update_id: UUID, updated_at: datetime,
                          changed_fields: list[str], revision: int | None) -> None:
        """The event's latest update and its revision (None, from an older producer: one more than known)."""

    async def note_cancellation(self, scheduled_event_id: UUID, cancelled_at: datetime, revision: int | None,
                                note: str | None = None) -> None:
        """The event is cancelled, with what its organizers said to those registered (None: nothing)."""

    async def note_revision(self, scheduled_event_id: UUID, revision: int) -> None:
        """The event has changed at least this many times (a message read before the update that says so)."""

    async def note_attendees_public(self, scheduled_event_id: UUID) -> None:
        """A registration of the event came on the public topic: its attendees are public (for good: an organizer
        may change it only while nobody has registered)."""

    async def listing(self, scheduled_event_id: UUID) -> Row | None:
        """The event as last published, updated or cancelled, and whether its attendees are public
        (`attendees_public`: false until `note_attendees_public`)."""

    async def listings_of(self, scheduled_event_ids: list[UUID]) -> dict[UUID, Row]:
        """`listing` of each that is known, in one read."""

    async def save_registration(self, registration_id: UUID, scheduled_event_id: UUID, person_id: UUID,
                                status: str) -> None: ...

    async def registration_status(self, registration_id: UUID) -> str | None: ...

    async def registration_statuses_of(self, registration_ids: list[UUID]) -> dict[UUID, str]:
        """`registration_status` of each registration known, in one read."""

    async def cancelled_before(self, registration_id: UUID) -> int:
        """How many of the registrant's registrations for the event were cancelled before this one was made (none for
        a registration not known)."""

    async def cancelled_before_of(self, registration_ids: list[UUID]) -> dict[UUID, int]:
        """`cancelled_before` of each registration known, in one read."""

    async def registrants(self, scheduled_event_id: UUID) -> list[tuple[UUID, UUID, str]]:
        """People holding or waiting for a place, with their registration and its status."""

    async def listing_to_message(self, scheduled_event_id: UUID) -> Row | None:
        """`listing`, locked until the transaction ends: messages to its registrants are counted and recorded one
        after the other (a message's id twice at once, or a sixth message, is told apart)."""

    async def event_message(self, message_id: UUID) -> Row | None:
        """An organizer's message to an event's registrants (`save_event_message`)."""

    async def event_messages(self, scheduled_event_id: UUID, since: datetime | None = None) -> list[Row]:
        """The event's messages to its registrants (sent after `since`), newest first."""

    async def save_event_message(self, message: Row) -> bool:
        """message_id, scheduled_event_id, body, to, recipients, sent_by, sent_at; False (and nothing saved) when a
        message with its id was saved first, even by a transaction that committed while this one looked."""

    async def suspended_of(self, person_ids: list[UUID]) -> set[UUID]:
        """Those of these people whose account is suspended now."""

    async def save_access_link(self, registration_id: UUID, scheduled_event_id: UUID, person_id: UUID,
                               join_url: str) -> None: ...

    async def access_link(self, registration_id: UUID) -> str | None:
        """The registration's join link, unless its registrant's account is suspended."""

    async def access_links_of(self, registration_ids: list[UUID]) -> dict[UUID, str]:
        """`access_link` of each that has one, in one read."""

    async def note_suspension(self, person_id: UUID, suspended: bool, as_of: datetime) -> None:
        """A suspension or a reinstatement, unless a newer one of the person's was noted already."""

    async def seat_notification_status(self, registration_id: UUID) -> str | None: ...

    async def mark_waiting(self, mentee_id: UUID, program_id: UUID, pairing_kind: str, as_of: datetime) -> bool: ...

    async def mark_paired(self, mentee_id: UUID, program_id: UUID, pairing_kind: str, as_of: datetime) -> bool: ...

    async def mark_pairing_over(self, pairing_id: UUID) -> None:
        """The pairing ended, completed, or was declined or lapsed: its two are partners no more."""

    async def pairing_over(self, pairing_id: UUID) -> bool: ...

    async def was_requested(self, pairing_id: UUID, mentee_id: UUID) -> bool:
        """Whether the mentee was told of this pairing as their request of a mentor, rather than a proposal."""

    async def requests_waiting(self, mentee_id: UUID, program_id: UUID, but: UUID) -> int:
        """How many of the mentee's requests of a mentor in the program, but that one, she was told of and are not
        over (declined, withdrawn, lapsed, ended)."""

    async def pairings_over_of(self, pairing_ids: list[UUID]) -> set[UUID]:
        """Those of these pairings that are over, in one read."""

    async def save_booking(self, *, booking_id: UUID, slot_id: UUID, host_id: UUID, person_id: UUID,
                           chapter_id: UUID | None, starts_at: datetime, ends_at: datetime, is_virtual: bool,
                           location: str | None) -> None: ...

    async def note_link_replaced(self, booking_id: UUID) -> int | None:
        """The host changed the booking's link to join: how many times they have now (`links_replaced` of its row,
        the SEQUENCE of the calendar entry that says so); None for a booking not known."""

    async def note_booking_cancelled(self, booking_id: UUID, cancelled_at: datetime) -> None: ...

    async def booking(self, booking_id: UUID) -> Row | None: ...

    async def bookings_of(self, booking_ids: list[UUID]) -> dict[UUID, Row]:
        """`booking` of each that is known, in one read."""

    async def booked_with(self, person_id: UUID, now: datetime) -> list[tuple[UUID, UUID, str]]:
        """Of each office hour the person booked or hosts, booked and not cancelled nor over: its slot, the one on the
        other side and their name as known now (none known, none said)."""

    # --- preferences ---

    async def preferences(self, person_id: UUID) -> Preferences: ...

    async def preferences_of(self, person_ids: list[UUID]) -> dict[UUID, Preferences]:
        """`preferences` of each, in one read."""

    async def save_preferences(self, person_id: UUID, preferences: Preferences) -> None: ...

    # --- notifications ---

    async def add(self, n: Notification) -> bool: ...

    async def add_all(self, notifications: list[Notification]) -> None:
        """`add` of each, at once."""

    async def due(self, limit: int) -> list[Notification]: ...

    async def unsent(self) -> tuple[int, datetime | None]:
        """The emails `due` would give now, and when the first of them fell due (None: none waits)."""

    async def defer(self, notification_id: UUID, seconds: float) -> None: ...

    async def unsent_of(self, person_ids: list[UUID], kinds: frozenset[str]) -> list[Notification]:
        """These people's notifications of these kinds not sent yet (pending, or due again later) or being sent."""

    async def mark_sending(self, claimed: list[tuple[UUID, str, str]], lease_seconds: float,
                           claim_id: UUID) -> None:
        """Claims these (notification, subject, Message-ID) for `claim_id`, for `lease_seconds`."""

    async def mark_handed(self, notification_ids: list[UUID], claim_id: UUID, lease_seconds: float) -> set[UUID]:
        """Records those still held by the claim as handed to the SMTP server now; returns them."""

    async def mark_without_email(self, notification_id: UUID, subject: str, status: str) -> None: ...

    async def note_told(self, told: list[tuple[UUID, Row]]) -> None:
        """Keeps in each notification's parameters, as `event_as_told`, the event as its message was composed with
        (`model.event_as_told`)."""

    # With a claim_id, the change applies only while that claim holds the notification (returns whether it did).

    async def mark_sent(self, notification_id: UUID, claim_id: UUID | None = None) -> bool: ...

    async def mark_all_sent(self, notification_ids: list[UUID], claim_id: UUID) -> set[UUID]: ...

    async def mark_retry(self, notification_id: UUID, error: str, after_seconds: float,
                         claim_id: UUID | None = None) -> bool: ...

    async def mark_obsolete(self, notification_id: UUID) -> None: ...

    async def mark_invited(self, person_id: UUID) -> None:
        """A coordinator invited them: their invitation is their welcome."""

    async def was_invited(self, person_id: UUID) -> bool: ...

    async def withdraw_unsent(self, person_ids: list[UUID], kinds: tuple[str, ...], about: dict[str, str]) -> None:
        """These people's notifications of these kinds whose parameters hold `about`, not sent yet or waiting for a
        digest, will not be (what they said no longer holds)."""

    async def drop_pending(self, person_id: UUID, kind: str, but: UUID) -> None:
        """The person's notifications of this kind not sent yet, but `but`, will not be (what they said no longer
        holds)."""

    async def mark_failed(self, notification_id: UUID, error: str, claim_id: UUID | None = None) -> bool: ...

    async def mark_unconfirmed(self, notification_id: UUID, error: str, claim_id: UUID | None = None) -> bool: ...

    async def settle_lapsed_claims(self) -> tuple[list[UUID], list[UUID]]:
        """Lapsed claims: handed over -> unconfirmed, not handed over -> due again. Returns (unconfirmed, due)."""

    async def digest_items_due(self, before: datetime, limit: int) -> list[Notification]: ...

    async def mark_digested(self, item_ids: list[UUID], digest_id: UUID) -> None: ...

    async def digest_items(self, digest_id: UUID) -> list[Row]: ...

    async def forget_person(self, person_id: UUID) -> None: ...

    # --- inbox, unsubscribing and delivery log ---

    async def is_known(self, person_id: UUID) -> bool:
        """Whether the person's contact details have reached notifications (and they were not erased)."""

    async def notification_owner(self, notification_id: UUID) -> tuple[UUID, str] | None:
        """Whose notification it is, and of which kind."""

    async def inbox(self, person_id: UUID, unread_only: bool, limit: int) -> list[tuple[Notification, Row]]:
        """The person's inbox, newest first: each notification, with the `subject` it was given, when it reached the
        inbox (`shown_at`) and `read_at`."""

    async def inbox_notification(self, person_id: UUID, notification_id: UUID) -> tuple[Notification, str] | None:
        """One item of the person's inbox, with the subject it was given, to read whole."""

    async def unread_count(self, person_id: UUID) -> int: ...

    async def mark_read(self, person_id: UUID, notification_id: UUID) -> bool: ...

    async def mark_all_read(self, person_ids: list[UUID], kinds: tuple[str, ...], about: dict[str, str]) -> None:
        """These people's notifications of these kinds whose parameters hold `about` are read (one not shown yet
        shows read once it is)."""

    async def delivery_log(self, chapter_id: UUID | None, status: str | None, limit: int,
                           person_id: UUID | None = None) -> list[Row]: ...

    async def delivery(self, notification_id: UUID) -> Row | None:
        """One notification as the delivery log shows it, locked until the transaction ends."""

    async def send_again(self, notification_id: UUID, requested_by: UUID | None) -> Row | None:
        """Make a failed or unconfirmed email due again with fresh tries, noting who asked; its delivery, or None
        when it is neither (any more)."""


class NotificationsUnitOfWorkPort(UnitOfWorkPort, Protocol):
    """One transaction over the repository; the events emitted go out only if it commits."""

    @property
    def notifications(self) -> NotificationsRepository: ...


NewUnitOfWork = Callable[[], NotificationsUnitOfWorkPort]

# A notification and what it needs to say (recipient, partner, event...) made into an email.
Render = Callable[[Notification, Row], Email]


# Asked once the SMTP server is ready for the message itself (before DATA): whether it may be handed over now,
# which is recorded before it is.
HandOver = Callable[[], Awaitable[bool]]


class Mailer(Protocol):
    async def send(self, email: Email, hand_over: HandOver | None = None) -> None:
        """Raises DeliveryUncertain when the message may have been accepted; ClaimLost when `hand_over` said no
        (nothing was handed over); any other error means it was not."""
        ...

    async def close(self) -> None: ...
