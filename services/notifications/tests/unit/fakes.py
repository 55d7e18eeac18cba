"""An in-memory notifications repository and mailer for the unit tests: no database, no SMTP server.

The fake keeps the facts `PostgresNotifications` keeps and answers the same questions with the same meaning
(`service_layer.ports.NotificationsRepository`), all in instance attributes, which `plumbing.testing.FakeUnitOfWork`
restores when a unit of work leaves without committing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from notifications.domain.model import (
    HELD_UNTIL_SENT,
    NOT_IN_INBOX,
    SEAT_KINDS,
    SENDABLE_AGAIN,
    ClaimLost,
    DeliveryUncertain,
    Email,
    Notification,
    Preferences,
)
from notifications.service_layer.ports import HandOver
from plumbing import correlation

HOLDING_A_PLACE = ("confirmed", "waitlisted", "promoted")


def _now() -> datetime:
    return datetime.now(UTC)


def _in(seconds: float) -> datetime:
    return _now() + timedelta(seconds=seconds)


class FakeNotifications:
    def __init__(self) -> None:
        self.contacts: dict[UUID, dict[str, Any]] = {}
        self.erased: set[UUID] = set()
        self.chapters: dict[UUID, str] = {}
        self.programs: dict[UUID, dict[str, Any]] = {}
        self.bookings: dict[UUID, dict[str, Any]] = {}
        self.listings: dict[UUID, dict[str, Any]] = {}
        self.registrations: dict[UUID, dict[str, Any]] = {}
        self.access_links: dict[UUID, dict[str, Any]] = {}
        self.suspensions: dict[UUID, tuple[bool, datetime]] = {}
        self.invited: set[UUID] = set()
        self.waiting: dict[tuple[UUID, UUID, str], tuple[bool, datetime]] = {}
        self.prefs: dict[UUID, Preferences] = {}
        self.rows: dict[UUID, dict[str, Any]] = {}  # "n": the Notification, and its status, attempts, subject...
        self.pairings_over: set[UUID] = set()
        self.public_attendees: set[UUID] = set()
        self.event_messages_sent: dict[UUID, dict[str, Any]] = {}  # an organizer's messages, by their id
        self.clock = _now  # when notifications are recorded and fall due; a test may turn it

    # --- read models ---

    async def save_contact(self, *, person_id: UUID, **details: Any) -> None:
        if person_id not in self.erased:
            self.contacts[person_id] = {"person_id": person_id, **details}

    async def contact(self, person_id: UUID) -> dict[str, Any] | None:
        return dict(self.contacts[person_id]) if person_id in self.contacts else None

    async def contacts_of(self, person_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
        return {p: dict(self.contacts[p]) for p in person_ids if p in self.contacts}

    async def save_chapter(self, chapter_id: UUID, name: str) -> None:
        self.chapters[chapter_id] = name

    async def chapter_name(self, chapter_id: UUID) -> str | None:
        return self.chapters.get(chapter_id)

    async def chapter_names_of(self, chapter_ids: list[UUID]) -> dict[UUID, str]:
        return {c: self.chapters[c] for c in chapter_ids if c in self.chapters}

    async def save_program(self, program_id: UUID, chapter_id: UUID | None, name: str, cadence_min_days: int,
                           cadence_max_days: int, pairing_mode: str, members_public: bool = False,
                           both_must_accept: bool | None = None, mentees_include_minors: bool | None = None) -> None:
        self.programs[program_id] = {"name": name, "cadence_min_days": cadence_min_days,
                                     "cadence_max_days": cadence_max_days, "pairing_mode": pairing_mode,
                                     "members_public": members_public, "both_must_accept": both_must_accept,
                                     "mentees_include_minors": mentees_include_minors}

    async def program(self, program_id: UUID) -> dict[str, Any] | None:
        return dict(self.programs[program_id]) if program_id in self.programs else None

    async def programs_of(self, program_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
        return {p: dict(self.programs[p]) for p in program_ids if p in self.programs}

    async def save_listing(self, *, scheduled_event_id: UUID, attendees_public: bool | None, **details: Any) -> None:
        known = self.listings.get(scheduled_event_id, {"last_update_id": None, "last_updated_at": None,
                                                       "changed_fields": None, "cancelled_at": None, "revision": 0,
                                                       "attendees_public_said": None})
        said = known["attendees_public_said"] if attendees_public is None else attendees_public
        self.listings[scheduled_event_id] = {**known, "scheduled_event_id": scheduled_event_id, **details,
                                             "attendees_public_said": said}

    async def note_update(self, scheduled_event_id: UUID, update_id: UUID, updated_at: datetime,
                          changed_fields: list[str], revision: int | None) -> None:
        listing = self.listings.get(scheduled_event_id)
        if listing and (listing["last_updated_at"] is None or listing["last_updated_at"] <= updated_at):
            listing["revision"] = max(listing["revision"], revision if revision is not None else listing["revision"] + 1)
            if changed_fields:
                listing.update(last_update_id=update_id, last_updated_at=updated_at, changed_fields=changed_fields)

    async def note_cancellation(self, scheduled_event_id: UUID, cancelled_at: datetime, revision: int | None,
                                note: str | None = None) -> None:
        listing = self.listings.get(scheduled_event_id)
        if listing and listing["cancelled_at"] is None:
            listing["cancelled_at"], listing["cancellation_note"] = cancelled_at, note
            listing["revision"] = max(listing["revision"], revision if revision is not None else listing["revision"] + 1)

    async def note_revision(self, scheduled_event_id: UUID, revision: int) -> None:
        if listing := self.listings.get(scheduled_event_id):
            listing["revision"] = max(listing["revision"], revision)

    async def note_attendees_public(self, scheduled_event_id: UUID) -> None:
        self.public_attendees.add(scheduled_event_id)

    async def listing(self, scheduled_event_id: UUID) -> dict[str, Any] | None:
        return self._listing(scheduled_event_id) if scheduled_event_id in self.listings else None

    async def listings_of(self, scheduled_event_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
        return {e: self._listing(e) for e in scheduled_event_ids if e in self.listings}

    def _listing(self, scheduled_event_id: UUID) -> dict[str, Any]:
        listing = self.listings[scheduled_event_id]
        said = listing["attendees_public_said"]
        return {**listing, "attendees_public": scheduled_event_id in self.public_attendees if said is None else said}

    async def save_registration(self, registration_id: UUID, scheduled_event_id: UUID, person_id: UUID,
                                status: str) -> None:
        if registration_id in self.registrations:
            self.registrations[registration_id]["status"] = status
            return
        cancelled_before = sum(1 for r in self.registrations.values() if r["scheduled_event_id"] == scheduled_event_id
                               and r["person_id"] == person_id and r["status"] == "cancelled")
        self.registrations[registration_id] = {"scheduled_event_id": scheduled_event_id, "person_id": person_id,
                                               "status": status, "cancelled_before": cancelled_before}

    async def cancelled_before(self, registration_id: UUID) -> int:
        return self.registrations.get(registration_id, {}).get("cancelled_before", 0)

    async def cancelled_before_of(self, registration_ids: list[UUID]) -> dict[UUID, int]:
        return {r: self.registrations[r]["cancelled_before"] for r in registration_ids if r in self.registrations}

    async def registration_status(self, registration_id: UUID) -> str | None:
        return self.registrations.get(registration_id, {}).get("status")

    async def registration_statuses_of(self, registration_ids: list[UUID]) -> dict[UUID, str]:
        return {r: self.registrations[r]["status"] for r in registration_ids if r in self.registrations}

    async def registrants(self, scheduled_event_id: UUID) -> list[tuple[UUID, UUID, str]]:
        return [(r["person_id"], registration_id, r["status"]) for registration_id, r in self.registrations.items()
                if r["scheduled_event_id"] == scheduled_event_id and r["status"] in HOLDING_A_PLACE]

    async def listing_to_message(self, scheduled_event_id: UUID) -> dict[str, Any] | None:
        return await self.listing(scheduled_event_id)

    async def event_message(self, message_id: UUID) -> dict[str, Any] | None:
        return dict(self.event_messages_sent[message_id]) if message_id in self.event_messages_sent else None

    async def event_messages(self, scheduled_event_id: UUID, since: datetime | None = None) -> list[dict[str, Any]]:
        return sorted((dict(m) for m in self.event_messages_sent.values()
                       if m["scheduled_event_id"] == scheduled_event_id and (since is None or m["sent_at"] > since)),
                      key=lambda m: m["sent_at"], reverse=True)

    async def save_event_message(self, message: dict[str, Any]) -> bool:
        if message["message_id"] in self.event_messages_sent:
            return False
        self.event_messages_sent[message["message_id"]] = dict(message)
        return True

    async def suspended_of(self, person_ids: list[UUID]) -> set[UUID]:
        return {p for p in person_ids if self.suspensions.get(p, (False,))[0]}

    async def save_access_link(self, registration_id: UUID, scheduled_event_id: UUID, person_id: UUID,
                               join_url: str) -> None:
        self.access_links[registration_id] = {"person_id": person_id, "join_url": join_url}

    async def access_link(self, registration_id: UUID) -> str | None:
        link = self.access_links.get(registration_id, {})
        return None if self.suspensions.get(link.get("person_id"), (False,))[0] else link.get("join_url")

    async def access_links_of(self, registration_ids: list[UUID]) -> dict[UUID, str]:
        links = {r: await self.access_link(r) for r in registration_ids}
        return {r: link for r, link in links.items() if link is not None}

    async def note_suspension(self, person_id: UUID, suspended: bool, as_of: datetime) -> None:
        if person_id not in self.suspensions or self.suspensions[person_id][1] < as_of:
            self.suspensions[person_id] = (suspended, as_of)

    async def seat_notification_status(self, registration_id: UUID) -> str | None:
        seats = [r for r in self.rows.values()
                 if r["n"].kind in SEAT_KINDS and r["n"].parameters.get("registration_id") == str(registration_id)]
        return max(seats, key=lambda r: r["n"].created_at)["status"] if seats else None

    async def mark_waiting(self, mentee_id: UUID, program_id: UUID, pairing_kind: str, as_of: datetime) -> bool:
        state = self.waiting.get((mentee_id, program_id, pairing_kind))
        if state and state[1] > as_of:
            return False
        self.waiting[(mentee_id, program_id, pairing_kind)] = (True, as_of)
        return True

    async def mark_paired(self, mentee_id: UUID, program_id: UUID, pairing_kind: str, as_of: datetime) -> bool:
        was_waiting, since = self.waiting.get((mentee_id, program_id, pairing_kind), (False, as_of))
        if since <= as_of:
            self.waiting[(mentee_id, program_id, pairing_kind)] = (False, as_of)
        return was_waiting and since <= as_of

    async def save_booking(self, *, booking_id: UUID, **details: Any) -> None:
        if booking_id not in self.bookings and not {details["host_id"], details["person_id"]} & self.erased:
            self.bookings[booking_id] = {"booking_id": booking_id, **details, "cancelled_at": None,
                                         "links_replaced": 0}

    async def note_link_replaced(self, booking_id: UUID) -> int | None:
        if booking_id not in self.bookings:
            return None
        self.bookings[booking_id]["links_replaced"] += 1
        return int(self.bookings[booking_id]["links_replaced"])

    async def note_booking_cancelled(self, booking_id: UUID, cancelled_at: datetime) -> None:
        if booking_id in self.bookings and self.bookings[booking_id]["cancelled_at"] is None:
            self.bookings[booking_id]["cancelled_at"] = cancelled_at

    async def booking(self, booking_id: UUID) -> dict[str, Any] | None:
        return dict(self.bookings[booking_id]) if booking_id in self.bookings else None

    async def bookings_of(self, booking_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
        return {b: dict(self.bookings[b]) for b in booking_ids if b in self.bookings}

    async def booked_with(self, person_id: UUID, now: datetime) -> list[tuple[UUID, UUID, str]]:
        found = []
        for b in sorted(self.bookings.values(), key=lambda b: b["starts_at"]):
            if person_id in (b["host_id"], b["person_id"]) and b["cancelled_at"] is None and b["ends_at"] > now:
                other = b["person_id"] if b["host_id"] == person_id else b["host_id"]
                if other in self.contacts:
                    found.append((b["slot_id"], other, self.contacts[other]["display_name"]))
        return found

    # --- preferences ---

    async def preferences(self, person_id: UUID) -> Preferences:
        return self.prefs.get(person_id, Preferences())

    async def preferences_of(self, person_ids: list[UUID]) -> dict[UUID, Preferences]:
        return {p: self.prefs.get(p, Preferences()) for p in person_ids}

    async def save_preferences(self, person_id: UUID, preferences: Preferences) -> None:
        self.prefs[person_id] = preferences

    # --- notifications ---

    async def add(self, n: Notification) -> bool:
        partner = n.parameters.get("partner_id")
        if (n.person_id in self.erased or (partner and UUID(partner) in self.erased)
                or any(r["n"].idempotency_key == n.idempotency_key for r in self.rows.values())):
            return False
        stamped = replace(n, created_at=self.clock(), correlation_id=n.correlation_id or correlation.current())
        self.rows[n.id] = {"n": stamped, "status": "pending", "attempts": 0,
                           "subject": None, "next_attempt_at": n.due_at or self.clock(), "lease_until": None,
                           "last_error": None, "sent_at": None, "read_at": None, "digest_id": None}
        return True

    async def add_all(self, notifications: list[Notification]) -> None:
        for n in notifications:
            await self.add(n)

    async def due(self, limit: int) -> list[Notification]:
        due = sorted((r for r in self.rows.values() if r["status"] == "pending" and r["next_attempt_at"] <= self.clock()
                      and (r["n"].person_id in self.contacts or r["n"].kind == "email_change")),
                     key=lambda r: r["next_attempt_at"])
        return [replace(r["n"], attempts=r["attempts"]) for r in due[:limit]]

    async def unsent_of(self, person_ids: list[UUID], kinds: frozenset[str]) -> list[Notification]:
        return [replace(r["n"], attempts=r["attempts"]) for r in self.rows.values()
                if r["n"].person_id in person_ids and r["n"].kind in kinds and r["status"] in ("pending", "sending")]

    async def unsent(self) -> tuple[int, datetime | None]:
        due = await self.due(len(self.rows))
        return len(due), min((self.rows[n.id]["next_attempt_at"] for n in due), default=None)

    def _set(self, notification_id: UUID, **changes: Any) -> None:
        row = self.rows[notification_id]
        row.update(changes)
        if row["status"] not in ("pending", "sending"):  # final: what it held until sent is dropped
            kept = {k: v for k, v in row["n"].parameters.items() if k not in HELD_UNTIL_SENT}
            row["n"] = replace(row["n"], parameters=kept)

    async def defer(self, notification_id: UUID, seconds: float) -> None:
        self._set(notification_id, next_attempt_at=_in(seconds))

    async def mark_sending(self, claimed: list[tuple[UUID, str, str]], lease_seconds: float, claim_id: UUID) -> None:
        for notification_id, subject, _message_id in claimed:
            self._set(notification_id, status="sending", subject=subject, lease_until=_in(lease_seconds),
                      attempts=self.rows[notification_id]["attempts"] + 1, claim_id=claim_id, handed_at=None)

    async def mark_handed(self, notification_ids: list[UUID], claim_id: UUID, lease_seconds: float) -> set[UUID]:
        held = {i for i in notification_ids if self.rows[i].get("claim_id") == claim_id
                and self.rows[i]["status"] == "sending" and self.rows[i]["lease_until"] > _now()}
        for notification_id in held:
            self._set(notification_id, handed_at=_now(), lease_until=_in(lease_seconds))
        return held

    def _held(self, notification_id: UUID, claim_id: UUID | None, *statuses: str) -> bool:
        row = self.rows[notification_id]
        return claim_id is None or (row.get("claim_id") == claim_id and row["status"] in statuses)

    async def mark_without_email(self, notification_id: UUID, subject: str, status: str) -> None:
        self._set(notification_id, status=status, subject=subject)

    async def note_told(self, told: list[tuple[UUID, dict[str, Any]]]) -> None:
        for notification_id, event in told:
            row = self.rows[notification_id]
            row["n"] = replace(row["n"], parameters={**row["n"].parameters, "event_as_told": event})

    async def mark_sent(self, notification_id: UUID, claim_id: UUID | None = None) -> bool:
        if not self._held(notification_id, claim_id, "sending", "unconfirmed"):
            return False
        self._set(notification_id, status="sent", sent_at=_now(), lease_until=None)
        return True

    async def mark_all_sent(self, notification_ids: list[UUID], claim_id: UUID) -> set[UUID]:
        return {i for i in notification_ids if await self.mark_sent(i, claim_id)}

    async def mark_retry(self, notification_id: UUID, error: str, after_seconds: float,
                         claim_id: UUID | None = None) -> bool:
        if not self._held(notification_id, claim_id, "sending"):
            return False
        self._set(notification_id, status="pending", last_error=error, lease_until=None, claim_id=None,
                  handed_at=None, next_attempt_at=_in(after_seconds))
        return True

    async def mark_obsolete(self, notification_id: UUID) -> None:
        self._set(notification_id, status="cancelled")

    async def mark_pairing_over(self, pairing_id: UUID) -> None:
        self.pairings_over.add(pairing_id)

    async def pairing_over(self, pairing_id: UUID) -> bool:
        return pairing_id in self.pairings_over

    async def was_requested(self, pairing_id: UUID, mentee_id: UUID) -> bool:
        return any(row["n"].person_id == mentee_id and row["n"].kind == "pairing_proposed"
                   and row["n"].parameters.get("pairing_id") == str(pairing_id) and row["n"].parameters.get("requested")
                   for row in self.rows.values())

    async def requests_waiting(self, mentee_id: UUID, program_id: UUID, but: UUID) -> int:
        return len({n.parameters["pairing_id"] for n in (row["n"] for row in self.rows.values())
                    if n.person_id == mentee_id and n.kind == "pairing_proposed" and n.parameters.get("requested")
                    and n.parameters.get("program_id") == str(program_id) and n.parameters["pairing_id"] != str(but)
                    and UUID(n.parameters["pairing_id"]) not in self.pairings_over})

    async def pairings_over_of(self, pairing_ids: list[UUID]) -> set[UUID]:
        return self.pairings_over & set(pairing_ids)

    async def mark_invited(self, person_id: UUID) -> None:
        if person_id not in self.erased:
            self.invited.add(person_id)

    async def was_invited(self, person_id: UUID) -> bool:
        return person_id in self.invited

    async def withdraw_unsent(self, person_ids: list[UUID], kinds: tuple[str, ...], about: dict[str, str]) -> None:
        for notification_id, row in self.rows.items():
            n = row["n"]
            if (n.person_id in person_ids and n.kind in kinds and row["status"] in ("pending", "digest_pending")
                    and all(n.parameters.get(name) == value for name, value in about.items())):
                self._set(notification_id, status="cancelled")

    async def drop_pending(self, person_id: UUID, kind: str, but: UUID) -> None:
        for notification_id, row in self.rows.items():
            if (row["n"].person_id == person_id and row["n"].kind == kind and row["status"] == "pending"
                    and notification_id != but):
                self._set(notification_id, status="cancelled")

    async def mark_failed(self, notification_id: UUID, error: str, claim_id: UUID | None = None) -> bool:
        if not self._held(notification_id, claim_id, "sending"):
            return False
        self._set(notification_id, status="failed", last_error=error, lease_until=None)
        return True

    async def mark_unconfirmed(self, notification_id: UUID, error: str, claim_id: UUID | None = None) -> bool:
        if not self._held(notification_id, claim_id, "sending"):
            return False
        self._set(notification_id, status="unconfirmed", last_error=error, lease_until=None)
        return True

    async def settle_lapsed_claims(self) -> tuple[list[UUID], list[UUID]]:
        lapsed = [i for i, r in self.rows.items() if r["status"] == "sending" and r["lease_until"] < _now()]
        unconfirmed = [i for i in lapsed if self.rows[i].get("handed_at")]
        released = [i for i in lapsed if not self.rows[i].get("handed_at")]
        for notification_id in unconfirmed:
            self._set(notification_id, status="unconfirmed", lease_until=None)
        for notification_id in released:
            self._set(notification_id, status="pending", lease_until=None, claim_id=None, next_attempt_at=_now(),
                      attempts=self.rows[notification_id]["attempts"] - 1)
        return unconfirmed, released

    async def digest_items_due(self, before: datetime, limit: int) -> list[Notification]:
        items = [r["n"] for r in self.rows.values() if r["status"] == "digest_pending" and r["n"].created_at < before]
        return sorted(items, key=lambda n: (n.person_id, n.created_at))[:limit]

    async def mark_digested(self, item_ids: list[UUID], digest_id: UUID) -> None:
        for item_id in item_ids:
            self._set(item_id, status="digested", digest_id=digest_id)

    async def digest_items(self, digest_id: UUID) -> list[dict[str, Any]]:
        return [{"kind": r["n"].kind, "subject": r["subject"], "created_at": r["n"].created_at}
                for r in sorted(self.rows.values(), key=lambda r: r["n"].created_at)
                if r["digest_id"] == digest_id and r["subject"] is not None]

    async def forget_person(self, person_id: UUID) -> None:
        self.erased.add(person_id)
        self.rows = {i: r for i, r in self.rows.items() if r["n"].person_id != person_id}
        for table in (self.contacts, self.prefs):
            table.pop(person_id, None)
        self.registrations = {i: r for i, r in self.registrations.items() if r["person_id"] != person_id}
        self.access_links = {i: link for i, link in self.access_links.items() if link["person_id"] != person_id}
        self.suspensions.pop(person_id, None)
        self.invited.discard(person_id)
        self.bookings = {i: b for i, b in self.bookings.items() if person_id not in (b["person_id"], b["host_id"])}
        self.waiting = {key: state for key, state in self.waiting.items() if key[0] != person_id}
        for message in self.event_messages_sent.values():
            if message["sent_by"] == person_id:
                message["sent_by"] = None
        for r in self.rows.values():
            if r["n"].parameters.get("partner_id") == str(person_id):
                r.update(subject=None,
                         status="cancelled" if r["status"] in ("pending", "digest_pending") else r["status"])

    # --- inbox, unsubscribing and delivery log ---

    async def is_known(self, person_id: UUID) -> bool:
        return person_id in self.contacts

    async def notification_owner(self, notification_id: UUID) -> tuple[UUID, str] | None:
        row = self.rows.get(notification_id)
        return (row["n"].person_id, row["n"].kind) if row else None

    def _inbox_rows(self, person_id: UUID) -> list[dict[str, Any]]:
        return [r for r in self.rows.values()
                if r["n"].person_id == person_id and r["subject"] is not None and r["n"].kind not in NOT_IN_INBOX]

    async def inbox(self, person_id: UUID, unread_only: bool, limit: int) -> list[tuple[Notification, dict[str, Any]]]:
        rows = sorted((r for r in self._inbox_rows(person_id) if not (unread_only and r["read_at"])),
                      key=lambda r: r["n"].created_at, reverse=True)
        return [(r["n"], {"subject": r["subject"], "shown_at": r["n"].created_at, "read_at": r["read_at"]})
                for r in rows[:limit]]

    async def inbox_notification(self, person_id: UUID, notification_id: UUID) -> tuple[Notification, str] | None:
        row = self.rows.get(notification_id)
        if row is None or row not in self._inbox_rows(person_id):
            return None
        return row["n"], row["subject"]

    async def unread_count(self, person_id: UUID) -> int:
        return sum(r["read_at"] is None for r in self._inbox_rows(person_id))

    async def mark_read(self, person_id: UUID, notification_id: UUID) -> bool:
        row = self.rows.get(notification_id)
        if row is None or row["n"].person_id != person_id or row not in self._inbox_rows(person_id):
            return False
        row["read_at"] = row["read_at"] or _now()
        return True

    async def mark_all_read(self, person_ids: list[UUID], kinds: tuple[str, ...], about: dict[str, str]) -> None:
        for row in self.rows.values():
            n = row["n"]
            if (n.person_id in person_ids and n.kind in kinds
                    and all(n.parameters.get(name) == value for name, value in about.items())):
                row["read_at"] = row["read_at"] or _now()

    async def delivery_log(self, chapter_id: UUID | None, status: str | None, limit: int,
                           person_id: UUID | None = None) -> list[dict[str, Any]]:
        rows = sorted((r for r in self.rows.values() if chapter_id in (None, r["n"].chapter_id)
                       and status in (None, r["status"]) and person_id in (None, r["n"].person_id)),
                      key=lambda r: r["n"].created_at, reverse=True)
        return [self._delivery(r) for r in rows[:limit]]

    @staticmethod
    def _delivery(r: dict[str, Any]) -> dict[str, Any]:
        return {"id": r["n"].id, "person_id": r["n"].person_id, "chapter_id": r["n"].chapter_id, "kind": r["n"].kind,
                "status": r["status"], "attempts": r["attempts"], "last_error": r["last_error"],
                "created_at": r["n"].created_at, "sent_at": r["sent_at"],
                "sent_again_at": r.get("sent_again_at"), "sent_again_by": r.get("sent_again_by")}

    async def delivery(self, notification_id: UUID) -> dict[str, Any] | None:
        return self._delivery(self.rows[notification_id]) if notification_id in self.rows else None

    async def send_again(self, notification_id: UUID, requested_by: UUID | None) -> dict[str, Any] | None:
        row = self.rows.get(notification_id)
        if row is None or row["status"] not in SENDABLE_AGAIN:
            return None
        self._set(notification_id, status="pending", attempts=0, next_attempt_at=self.clock(), last_error=None,
                  claim_id=None, handed_at=None, lease_until=None, sent_again_at=self.clock(),
                  sent_again_by=requested_by)
        return self._delivery(row)

    def statuses(self) -> dict[str, str]:
        return {r["n"].kind + ":" + str(r["n"].person_id): r["status"] for r in self.rows.values()}


class FakeMailer:
    def __init__(self, error: Exception | None = None) -> None:
        self.sent: list[Email] = []
        self.error = error

    async def send(self, email: Email, hand_over: HandOver | None = None) -> None:
        """Fails as told: before the hand-over, or after it for DeliveryUncertain (the message was on its way)."""
        if self.error and not isinstance(self.error, DeliveryUncertain):
            raise self.error
        if hand_over is not None and not await hand_over():
            raise ClaimLost("not ours any more")
        if self.error:
            raise self.error
        self.sent.append(email)

    async def close(self) -> None:
        pass
