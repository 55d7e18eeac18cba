"""PostgreSQL repository of notifications: the read models it keeps, the notifications and their life, preferences."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from plumbing import correlation

from ..domain.model import HELD_UNTIL_SENT, NOT_IN_INBOX, SENDABLE_AGAIN, Category, Notification, Preferences

_NOTIFICATION_COLUMNS = ("n.id, n.idempotency_key, n.person_id, n.chapter_id, n.kind, n.parameters, n.attempts, "
                         "n.created_at, n.correlation_id")


# Once a notification's status is final, what it held only to be sent is dropped from its row (`HELD_UNTIL_SENT`).
_FORGET_HELD = "parameters = parameters - '{" + ",".join(HELD_UNTIL_SENT) + "}'::text[]"
# What the delivery log shows of a notification.
_DELIVERY = ("id, person_id, chapter_id, kind, status, attempts, last_error, created_at, sent_at, sent_again_at, "
             "sent_again_by")
# An event as the listing keeps it, and whether its attendees are public: as the catalogue said, else as a registration
# read on the public topic says (`note_attendees_public`).
_LISTING = ("l.*, coalesce(l.attendees_public_said, EXISTS (SELECT FROM public_attendees p "
            "WHERE p.scheduled_event_id = l.scheduled_event_id)) AS attendees_public")
# An organizer's message to an event's registrants, as the API says it.
_EVENT_MESSAGE = "message_id, scheduled_event_id, body, sent_to AS to, recipients, sent_by, sent_at"
# Kinds that are no item of the in-app inbox.
_IN_INBOX = "kind <> ALL('{" + ",".join(NOT_IN_INBOX) + "}'::text[])"


def _notification(row: asyncpg.Record) -> Notification:
    return Notification(**{**dict(row), "parameters": json.loads(row["parameters"])})


class PostgresNotifications:
    """Satisfies `service_layer.ports.NotificationsRepository`."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    # --- read models -------------------------------------------------------------------------------------------

    async def save_contact(self, *, person_id: UUID, chapter_id: UUID | None, display_name: str, email: str,
                           timezone: str, pronouns_for_partner: str | None, bio_for_partner: str | None,
                           shares_more_with_partner: bool, language: str | None) -> None:
        await self._conn.execute(
            """INSERT INTO contacts (person_id, chapter_id, display_name, email, timezone, pronouns_for_partner,
                                     bio_for_partner, language, shares_more_with_partner)
               SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
                WHERE NOT EXISTS (SELECT FROM erased_people WHERE person_id = $1)
               ON CONFLICT (person_id) DO UPDATE SET chapter_id = $2, display_name = $3, email = $4, timezone = $5,
                   pronouns_for_partner = $6, bio_for_partner = $7, language = $8, shares_more_with_partner = $9""",
            person_id, chapter_id, display_name, email, timezone, pronouns_for_partner, bio_for_partner, language,
            shares_more_with_partner,
        )

    async def contact(self, person_id: UUID) -> dict[str, Any] | None:
        row = await self._conn.fetchrow("SELECT * FROM contacts WHERE person_id = $1", person_id)
        return None if row is None else dict(row)

    async def contacts_of(self, person_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
        rows = await self._conn.fetch("SELECT * FROM contacts WHERE person_id = ANY($1::uuid[])", person_ids)
        return {r["person_id"]: dict(r) for r in rows}

    async def save_chapter(self, chapter_id: UUID, name: str) -> None:
        await self._conn.execute(
            "INSERT INTO chapters VALUES ($1, $2) ON CONFLICT (chapter_id) DO UPDATE SET name = $2", chapter_id, name)

    async def chapter_name(self, chapter_id: UUID) -> str | None:
        return await self._conn.fetchval("SELECT name FROM chapters WHERE chapter_id = $1", chapter_id)

    async def chapter_names_of(self, chapter_ids: list[UUID]) -> dict[UUID, str]:
        rows = await self._conn.fetch("SELECT chapter_id, name FROM chapters WHERE chapter_id = ANY($1::uuid[])",
                                      chapter_ids)
        return {r["chapter_id"]: r["name"] for r in rows}

    async def save_program(self, program_id: UUID, chapter_id: UUID | None, name: str, cadence_min_days: int,
                           cadence_max_days: int, pairing_mode: str, members_public: bool = False,
                           both_must_accept: bool | None = None, mentees_include_minors: bool | None = None) -> None:
        await self._conn.execute(
            """INSERT INTO programs (program_id, chapter_id, name, cadence_min_days, cadence_max_days, pairing_mode,
                                     members_public, both_must_accept, mentees_include_minors)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
               ON CONFLICT (program_id) DO UPDATE SET chapter_id = $2, name = $3, cadence_min_days = $4,
                   cadence_max_days = $5, pairing_mode = $6, members_public = $7, both_must_accept = $8,
                   mentees_include_minors = $9""",
            program_id, chapter_id, name, cadence_min_days, cadence_max_days, pairing_mode, members_public,
            both_must_accept, mentees_include_minors)

    async def program(self, program_id: UUID) -> dict[str, Any] | None:
        row = await self._conn.fetchrow(
            """SELECT name, cadence_min_days, cadence_max_days, pairing_mode, members_public, both_must_accept,
                      mentees_include_minors
                 FROM programs WHERE program_id = $1""", program_id)
        return dict(row) if row else None

    async def programs_of(self, program_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
        rows = await self._conn.fetch(
            """SELECT program_id, name, cadence_min_days, cadence_max_days, pairing_mode, members_public,
                      both_must_accept, mentees_include_minors
                 FROM programs WHERE program_id = ANY($1::uuid[])""", program_ids)
        return {r["program_id"]: {k: v for k, v in r.items() if k != "program_id"} for r in rows}

    async def save_listing(self, *, scheduled_event_id: UUID, chapter_id: UUID | None, title: str,
                           starts_at: datetime, ends_at: datetime, timezone: str, location: str | None,
                           is_virtual: bool, attendees_public: bool | None) -> None:
        await self._conn.execute(
            """INSERT INTO event_listings (scheduled_event_id, chapter_id, title, starts_at, ends_at, timezone,
                                           location, is_virtual, attendees_public_said)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
               ON CONFLICT (scheduled_event_id) DO UPDATE SET chapter_id = $2, title = $3, starts_at = $4,
                   ends_at = $5, timezone = $6, location = $7, is_virtual = $8,
                   attendees_public_said = coalesce($9, event_listings.attendees_public_said)""",
            scheduled_event_id, chapter_id, title, starts_at, ends_at, timezone, location, is_virtual,
            attendees_public,
        )

    async def note_update(self, scheduled_event_id: UUID, update_id: UUID, updated_at: datetime,
                          changed_fields: list[str], revision: int | None) -> None:
        await self._conn.execute(
            """UPDATE event_listings
                  SET revision = greatest(revision, coalesce($5, revision + 1)),
                      last_update_id = CASE WHEN cardinality($4::text[]) > 0 THEN $2 ELSE last_update_id END,
                      last_updated_at = CASE WHEN cardinality($4::text[]) > 0 THEN $3 ELSE last_updated_at END,
                      changed_fields = CASE WHEN cardinality($4::text[]) > 0 THEN $4 ELSE changed_fields END
                WHERE scheduled_event_id = $1 AND (last_updated_at IS NULL OR last_updated_at <= $3)""",
            scheduled_event_id, update_id, updated_at, changed_fields, revision)

    async def note_cancellation(self, scheduled_event_id: UUID, cancelled_at: datetime, revision: int | None,
                                note: str | None = None) -> None:
        await self._conn.execute(
            """UPDATE event_listings SET cancelled_at = $2, revision = greatest(revision, coalesce($3, revision + 1)),
                      cancellation_note = $4
                WHERE scheduled_event_id = $1 AND cancelled_at IS NULL""",
            scheduled_event_id, cancelled_at, revision, note)

    async def note_revision(self, scheduled_event_id: UUID, revision: int) -> None:
        await self._conn.execute(
            "UPDATE event_listings SET revision = $2 WHERE scheduled_event_id = $1 AND revision < $2",
            scheduled_event_id, revision)

    async def note_attendees_public(self, scheduled_event_id: UUID) -> None:
        await self._conn.execute("INSERT INTO public_attendees VALUES ($1) ON CONFLICT DO NOTHING", scheduled_event_id)

    async def listing(self, scheduled_event_id: UUID) -> dict[str, Any] | None:
        row = await self._conn.fetchrow(f"SELECT {_LISTING} FROM event_listings l WHERE scheduled_event_id = $1",
                                        scheduled_event_id)
        return dict(row) if row else None

    async def listings_of(self, scheduled_event_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
        rows = await self._conn.fetch(
            f"SELECT {_LISTING} FROM event_listings l WHERE scheduled_event_id = ANY($1::uuid[])", scheduled_event_ids)
        return {r["scheduled_event_id"]: dict(r) for r in rows}

    async def save_registration(self, registration_id: UUID, scheduled_event_id: UUID, person_id: UUID,
                                status: str) -> None:
        """A new registration counts the person's registrations for the event cancelled before it (`cancelled_before`)."""
        await self._conn.execute(
            """INSERT INTO registrations (registration_id, scheduled_event_id, person_id, status, cancelled_before)
               SELECT $1, $2, $3, $4, count(*) FROM registrations
                WHERE scheduled_event_id = $2 AND person_id = $3 AND status = 'cancelled'
               ON CONFLICT (registration_id) DO UPDATE SET status = $4""",
            registration_id, scheduled_event_id, person_id, status,
        )

    async def cancelled_before(self, registration_id: UUID) -> int:
        return await self._conn.fetchval(
            "SELECT coalesce(max(cancelled_before), 0) FROM registrations WHERE registration_id = $1", registration_id)

    async def cancelled_before_of(self, registration_ids: list[UUID]) -> dict[UUID, int]:
        rows = await self._conn.fetch(
            "SELECT registration_id, cancelled_before FROM registrations WHERE registration_id = ANY($1::uuid[])",
            registration_ids)
        return {r["registration_id"]: r["cancelled_before"] for r in rows}

    async def registration_status(self, registration_id: UUID) -> str | None:
        return await self._conn.fetchval("SELECT status FROM registrations WHERE registration_id = $1", registration_id)

    async def registration_statuses_of(self, registration_ids: list[UUID]) -> dict[UUID, str]:
        return {r["registration_id"]: r["status"] for r in await self._conn.fetch(
            "SELECT registration_id, status FROM registrations WHERE registration_id = ANY($1::uuid[])",
            registration_ids)}

    async def registrants(self, scheduled_event_id: UUID) -> list[tuple[UUID, UUID, str]]:
        """People holding or waiting for a place, with their registration and its status."""
        return [(r["person_id"], r["registration_id"], r["status"]) for r in await self._conn.fetch(
            """SELECT person_id, registration_id, status FROM registrations
                WHERE scheduled_event_id = $1 AND status IN ('confirmed', 'waitlisted', 'promoted')""",
            scheduled_event_id,
        )]

    async def listing_to_message(self, scheduled_event_id: UUID) -> dict[str, Any] | None:
        row = await self._conn.fetchrow(
            f"SELECT {_LISTING} FROM event_listings l WHERE scheduled_event_id = $1 FOR UPDATE OF l",
            scheduled_event_id)
        return dict(row) if row else None

    async def event_message(self, message_id: UUID) -> dict[str, Any] | None:
        row = await self._conn.fetchrow(f"SELECT {_EVENT_MESSAGE} FROM event_messages WHERE message_id = $1",
                                        message_id)
        return dict(row) if row else None

    async def event_messages(self, scheduled_event_id: UUID, since: datetime | None = None) -> list[dict[str, Any]]:
        return [dict(r) for r in await self._conn.fetch(
            f"""SELECT {_EVENT_MESSAGE} FROM event_messages
                 WHERE scheduled_event_id = $1 AND ($2::timestamptz IS NULL OR sent_at > $2)
                 ORDER BY sent_at DESC""", scheduled_event_id, since)]

    async def save_event_message(self, message: dict[str, Any]) -> bool:
        # A concurrent insert of the same id makes this one wait for it to commit, then insert nothing.
        return await self._conn.fetchval(
            """INSERT INTO event_messages (message_id, scheduled_event_id, body, sent_to, recipients, sent_by, sent_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (message_id) DO NOTHING RETURNING true""",
            message["message_id"], message["scheduled_event_id"], message["body"], message["to"],
            message["recipients"], message["sent_by"], message["sent_at"]) is not None

    async def suspended_of(self, person_ids: list[UUID]) -> set[UUID]:
        rows = await self._conn.fetch(
            "SELECT person_id FROM suspensions WHERE person_id = ANY($1::uuid[]) AND suspended", person_ids)
        return {r["person_id"] for r in rows}

    async def save_access_link(self, registration_id: UUID, scheduled_event_id: UUID, person_id: UUID,
                               join_url: str) -> None:
        await self._conn.execute(
            """INSERT INTO access_links VALUES ($1, $2, $3, $4)
               ON CONFLICT (registration_id) DO UPDATE SET join_url = $4""",
            registration_id, scheduled_event_id, person_id, join_url,
        )

    async def access_link(self, registration_id: UUID) -> str | None:
        return await self._conn.fetchval(
            """SELECT join_url FROM access_links a WHERE registration_id = $1
                 AND NOT EXISTS (SELECT 1 FROM suspensions s WHERE s.person_id = a.person_id AND s.suspended)""",
            registration_id)

    async def access_links_of(self, registration_ids: list[UUID]) -> dict[UUID, str]:
        rows = await self._conn.fetch(
            """SELECT registration_id, join_url FROM access_links a WHERE registration_id = ANY($1::uuid[])
                 AND NOT EXISTS (SELECT 1 FROM suspensions s WHERE s.person_id = a.person_id AND s.suspended)""",
            registration_ids)
        return {r["registration_id"]: r["join_url"] for r in rows}

    async def note_suspension(self, person_id: UUID, suspended: bool, as_of: datetime) -> None:
        await self._conn.execute(
            """INSERT INTO suspensions VALUES ($1, $2, $3)
               ON CONFLICT (person_id) DO UPDATE SET suspended = $2, as_of = $3 WHERE suspensions.as_of < $3""",
            person_id, suspended, as_of)

    async def seat_notification_status(self, registration_id: UUID) -> str | None:
        """Status of the confirmation (or promotion) of a registration, locked until this transaction ends."""
        return await self._conn.fetchval(
            """SELECT status FROM notifications
                WHERE kind IN ('registration_confirmed', 'registration_promoted')
                  AND parameters->>'registration_id' = $1
                ORDER BY created_at DESC LIMIT 1 FOR UPDATE""",
            str(registration_id),
        )

    async def mark_waiting(self, mentee_id: UUID, program_id: UUID, pairing_kind: str, as_of: datetime) -> bool:
        """Record a mentee's place on a program's waitlist for a kind of pairing; False when a later pairing of
        that kind was already known."""
        return await self._conn.fetchval(
            """INSERT INTO waitlisted_mentees (mentee_id, program_id, pairing_kind, waiting, as_of)
               VALUES ($1, $2, $3, true, $4)
               ON CONFLICT (mentee_id, program_id, pairing_kind) DO UPDATE SET waiting = true, as_of = $4
                WHERE waitlisted_mentees.as_of <= $4
               RETURNING true""",
            mentee_id, program_id, pairing_kind, as_of) is not None

    async def mark_paired(self, mentee_id: UUID, program_id: UUID, pairing_kind: str, as_of: datetime) -> bool:
        """Record that a mentee was paired in a program for a kind of pairing; True when they were waiting for
        that kind until then."""
        was_waiting = await self._conn.fetchval(
            """SELECT waiting FROM waitlisted_mentees
                WHERE mentee_id = $1 AND program_id = $2 AND pairing_kind = $3 AND as_of <= $4
               FOR UPDATE""", mentee_id, program_id, pairing_kind, as_of)
        await self._conn.execute(
            """INSERT INTO waitlisted_mentees (mentee_id, program_id, pairing_kind, waiting, as_of)
               VALUES ($1, $2, $3, false, $4)
               ON CONFLICT (mentee_id, program_id, pairing_kind) DO UPDATE SET waiting = false, as_of = $4
                WHERE waitlisted_mentees.as_of <= $4""",
            mentee_id, program_id, pairing_kind, as_of)
        return bool(was_waiting)

    async def save_booking(self, *, booking_id: UUID, slot_id: UUID, host_id: UUID, person_id: UUID,
                           chapter_id: UUID | None, starts_at: datetime, ends_at: datetime, is_virtual: bool,
                           location: str | None) -> None:
        await self._conn.execute(
            """INSERT INTO office_hour_bookings (booking_id, slot_id, host_id, person_id, chapter_id, starts_at,
                                                 ends_at, is_virtual, location)
               SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
                WHERE NOT EXISTS (SELECT FROM erased_people WHERE person_id IN ($3, $4))
               ON CONFLICT (booking_id) DO NOTHING""",
            booking_id, slot_id, host_id, person_id, chapter_id, starts_at, ends_at, is_virtual, location)

    async def note_link_replaced(self, booking_id: UUID) -> int | None:
        return await self._conn.fetchval(
            """UPDATE office_hour_bookings SET links_replaced = links_replaced + 1 WHERE booking_id = $1
               RETURNING links_replaced""", booking_id)

    async def note_booking_cancelled(self, booking_id: UUID, cancelled_at: datetime) -> None:
        await self._conn.execute(
            """UPDATE office_hour_bookings SET cancelled_at = $2 WHERE booking_id = $1 AND cancelled_at IS NULL""",
            booking_id, cancelled_at)

    async def booking(self, booking_id: UUID) -> dict[str, Any] | None:
        row = await self._conn.fetchrow("SELECT * FROM office_hour_bookings WHERE booking_id = $1", booking_id)
        return dict(row) if row else None

    async def bookings_of(self, booking_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
        rows = await self._conn.fetch("SELECT * FROM office_hour_bookings WHERE booking_id = ANY($1::uuid[])",
                                      booking_ids)
        return {r["booking_id"]: dict(r) for r in rows}

    async def booked_with(self, person_id: UUID, now: datetime) -> list[tuple[UUID, UUID, str]]:
        rows = await self._conn.fetch(
            """SELECT b.slot_id, c.person_id, c.display_name
                 FROM office_hour_bookings b
                 JOIN contacts c ON c.person_id = CASE WHEN b.host_id = $1 THEN b.person_id ELSE b.host_id END
                WHERE (b.host_id = $1 OR b.person_id = $1) AND b.cancelled_at IS NULL AND b.ends_at > $2
                ORDER BY b.starts_at""", person_id, now)
        return [(r["slot_id"], r["person_id"], r["display_name"]) for r in rows]

    # --- preferences -------------------------------------------------------------------------------------------

    async def preferences(self, person_id: UUID) -> Preferences:
        row = await self._conn.fetchrow("SELECT opted_out, daily_digest FROM preferences WHERE person_id = $1",
                                        person_id)
        if row is None:
            return Preferences()
        return Preferences(frozenset(Category(c) for c in row["opted_out"]), row["daily_digest"])

    async def preferences_of(self, person_ids: list[UUID]) -> dict[UUID, Preferences]:
        rows = await self._conn.fetch(
            "SELECT person_id, opted_out, daily_digest FROM preferences WHERE person_id = ANY($1::uuid[])", person_ids)
        known = {r["person_id"]: Preferences(frozenset(Category(c) for c in r["opted_out"]), r["daily_digest"])
                 for r in rows}
        return {p: known.get(p, Preferences()) for p in person_ids}

    async def save_preferences(self, person_id: UUID, preferences: Preferences) -> None:
        await self._conn.execute(
            """INSERT INTO preferences VALUES ($1, $2, $3)
               ON CONFLICT (person_id) DO UPDATE SET opted_out = $2, daily_digest = $3""",
            person_id, sorted(preferences.opted_out), preferences.daily_digest,
        )

    # --- notifications -----------------------------------------------------------------------------------------

    async def add(self, n: Notification) -> bool:
        """Record a notification to send; False when its idempotency key was already there, or it is to or
        about someone erased."""
        return bool(await self._conn.fetchval(
            """INSERT INTO notifications (id, idempotency_key, person_id, chapter_id, kind, parameters, next_attempt_at,
                                          correlation_id)
               SELECT $1, $2, $3, $4, $5, $6, coalesce($8, now()), $9
                WHERE NOT EXISTS (SELECT FROM erased_people WHERE person_id IN ($3, $7::uuid))
               ON CONFLICT (idempotency_key) DO NOTHING RETURNING true""",
            n.id, n.idempotency_key, n.person_id, n.chapter_id, n.kind, json.dumps(n.parameters),
            n.parameters.get("partner_id"), n.due_at, n.correlation_id or correlation.current(),
        ))

    async def add_all(self, notifications: list[Notification]) -> None:
        """`add` of many (an announcement to every registrant of an event) in one statement."""
        if not notifications:
            return
        await self._conn.execute(
            """INSERT INTO notifications (id, idempotency_key, person_id, chapter_id, kind, parameters, next_attempt_at,
                                          correlation_id)
               SELECT n.id, n.key, n.person_id, n.chapter_id, n.kind, n.parameters, coalesce(n.due_at, now()), n.corr
                 FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::jsonb[], $7::uuid[],
                             $8::timestamptz[], $9::text[])
                      AS n (id, key, person_id, chapter_id, kind, parameters, partner_id, due_at, corr)
                WHERE NOT EXISTS (SELECT FROM erased_people e WHERE e.person_id IN (n.person_id, n.partner_id))
               ON CONFLICT (idempotency_key) DO NOTHING""",
            [n.id for n in notifications], [n.idempotency_key for n in notifications],
            [n.person_id for n in notifications], [n.chapter_id for n in notifications],
            [n.kind for n in notifications], [json.dumps(n.parameters) for n in notifications],
            [n.parameters.get("partner_id") for n in notifications], [n.due_at for n in notifications],
            [n.correlation_id or correlation.current() for n in notifications])

    async def due(self, limit: int) -> list[Notification]:
        """Lock pending notifications whose time has come, of people we can reach; other instances skip them."""
        rows = await self._conn.fetch(
            f"""SELECT {_NOTIFICATION_COLUMNS}
                  FROM notifications n LEFT JOIN contacts c ON c.person_id = n.person_id
                 WHERE n.status = 'pending' AND n.next_attempt_at <= now()
                   AND (c.person_id IS NOT NULL OR n.kind = 'email_change')  -- written to the address it names
                 ORDER BY n.next_attempt_at
                 LIMIT $1
                 FOR UPDATE OF n SKIP LOCKED""",
            limit,
        )
        return [_notification(r) for r in rows]

    async def unsent(self) -> tuple[int, datetime | None]:
        row = await self._conn.fetchrow(
            """SELECT count(*) AS waiting, min(n.next_attempt_at) AS since
                 FROM notifications n LEFT JOIN contacts c ON c.person_id = n.person_id
                WHERE n.status = 'pending' AND n.next_attempt_at <= now()
                  AND (c.person_id IS NOT NULL OR n.kind = 'email_change')""")
        return row["waiting"], row["since"]

    async def unsent_of(self, person_ids: list[UUID], kinds: frozenset[str]) -> list[Notification]:
        rows = await self._conn.fetch(
            f"""SELECT {_NOTIFICATION_COLUMNS} FROM notifications n
                 WHERE n.person_id = ANY($1::uuid[]) AND n.kind = ANY($2::text[])
                   AND n.status IN ('pending', 'sending')""", person_ids, sorted(kinds))
        return [_notification(r) for r in rows]

    async def defer(self, notification_id: UUID, seconds: float) -> None:
        await self._conn.execute(
            "UPDATE notifications SET next_attempt_at = now() + make_interval(secs => $2) WHERE id = $1",
            notification_id, seconds)

    async def mark_sending(self, claimed: list[tuple[UUID, str, str]], lease_seconds: float,
                           claim_id: UUID) -> None:
        """The claim (notification, subject, Message-ID), committed before any SMTP conversation; nothing is handed
        over until `mark_handed`."""
        await self._conn.execute(
            """UPDATE notifications n SET status = 'sending', subject = c.subject, message_id = c.message_id,
                      shown_at = COALESCE(n.shown_at, now()),
                      attempts = n.attempts + 1, lease_until = now() + make_interval(secs => $4), claim_id = $5,
                      handed_at = NULL
                 FROM unnest($1::uuid[], $2::text[], $3::text[]) AS c (id, subject, message_id)
                WHERE n.id = c.id""",
            [c[0] for c in claimed], [c[1] for c in claimed], [c[2] for c in claimed], lease_seconds, claim_id)

    async def mark_handed(self, notification_ids: list[UUID], claim_id: UUID, lease_seconds: float) -> set[UUID]:
        """Those of the claim still held (its lease not run out, nobody else's since) are recorded as handed to the
        SMTP server now, each with a fresh lease for its conversation; the others must not be handed over."""
        rows = await self._conn.fetch(
            """UPDATE notifications SET handed_at = now(), lease_until = now() + make_interval(secs => $3)
                WHERE id = ANY($1::uuid[]) AND claim_id = $2 AND status = 'sending' AND lease_until > now()
               RETURNING id""",
            notification_ids, claim_id, lease_seconds)
        return {r["id"] for r in rows}

    async def mark_without_email(self, notification_id: UUID, subject: str, status: str) -> None:
        await self._conn.execute(
            f"""UPDATE notifications SET status = $3, subject = $2, shown_at = COALESCE(shown_at, now()), {_FORGET_HELD}
                WHERE id = $1""", notification_id, subject, status)

    async def note_told(self, told: list[tuple[UUID, dict[str, Any]]]) -> None:
        await self._conn.execute(
            """UPDATE notifications n SET parameters = n.parameters || jsonb_build_object('event_as_told', t.told)
                 FROM unnest($1::uuid[], $2::jsonb[]) AS t (id, told)
                WHERE n.id = t.id""",
            [notification_id for notification_id, _ in told], [json.dumps(event) for _, event in told])

    async def mark_sent(self, notification_id: UUID, claim_id: UUID | None = None) -> bool:
        # A message handed over whose lease ran out (unconfirmed) is known sent once its sender hears so.
        return await self._conn.fetchval(
            f"""UPDATE notifications SET status = 'sent', sent_at = now(), lease_until = NULL, {_FORGET_HELD}
                WHERE id = $1 AND ($2::uuid IS NULL OR (claim_id = $2 AND status IN ('sending', 'unconfirmed')))
               RETURNING true""",
            notification_id, claim_id) is not None

    async def mark_all_sent(self, notification_ids: list[UUID], claim_id: UUID) -> set[UUID]:
        """`mark_sent` of many at once, for one claim; returns those it applied to."""
        rows = await self._conn.fetch(
            f"""UPDATE notifications SET status = 'sent', sent_at = now(), lease_until = NULL, {_FORGET_HELD}
                WHERE id = ANY($1::uuid[]) AND claim_id = $2 AND status IN ('sending', 'unconfirmed')
               RETURNING id""",
            notification_ids, claim_id)
        return {r["id"] for r in rows}

    async def mark_retry(self, notification_id: UUID, error: str, after_seconds: float,
                         claim_id: UUID | None = None) -> bool:
        return await self._conn.fetchval(
            """UPDATE notifications SET status = 'pending', last_error = $2, lease_until = NULL, claim_id = NULL,
                      handed_at = NULL, next_attempt_at = now() + make_interval(secs => $3)
                WHERE id = $1 AND ($4::uuid IS NULL OR (claim_id = $4 AND status = 'sending')) RETURNING true""",
            notification_id, error, after_seconds, claim_id) is not None

    async def mark_obsolete(self, notification_id: UUID) -> None:
        """What it was to say no longer holds (a reminder of a booking since cancelled): it is not sent."""
        await self._conn.execute(f"UPDATE notifications SET status = 'cancelled', {_FORGET_HELD} WHERE id = $1",
                                 notification_id)

    async def mark_pairing_over(self, pairing_id: UUID) -> None:
        await self._conn.execute("INSERT INTO pairings_over (pairing_id) VALUES ($1) ON CONFLICT DO NOTHING",
                                 pairing_id)

    async def pairing_over(self, pairing_id: UUID) -> bool:
        return bool(await self._conn.fetchval("SELECT true FROM pairings_over WHERE pairing_id = $1", pairing_id))

    async def was_requested(self, pairing_id: UUID, mentee_id: UUID) -> bool:
        return await self._conn.fetchval(
            "SELECT EXISTS (SELECT FROM notifications WHERE person_id = $1 AND kind = 'pairing_proposed'"
            " AND parameters @> $2::jsonb)", mentee_id, json.dumps({"pairing_id": str(pairing_id), "requested": True}))

    async def requests_waiting(self, mentee_id: UUID, program_id: UUID, but: UUID) -> int:
        return await self._conn.fetchval(
            "SELECT count(DISTINCT n.parameters->>'pairing_id') FROM notifications n"
            " WHERE n.person_id = $1 AND n.kind = 'pairing_proposed' AND n.parameters @> $2::jsonb"
            " AND n.parameters->>'pairing_id' <> $3::text AND NOT EXISTS (SELECT FROM pairings_over o"
            " WHERE o.pairing_id = (n.parameters->>'pairing_id')::uuid)",
            mentee_id, json.dumps({"program_id": str(program_id), "requested": True}), str(but))

    async def pairings_over_of(self, pairing_ids: list[UUID]) -> set[UUID]:
        rows = await self._conn.fetch("SELECT pairing_id FROM pairings_over WHERE pairing_id = ANY($1::uuid[])",
                                      pairing_ids)
        return {r["pairing_id"] for r in rows}

    async def withdraw_unsent(self, person_ids: list[UUID], kinds: tuple[str, ...], about: dict[str, str]) -> None:
        await self._conn.execute(
            f"""UPDATE notifications SET status = 'cancelled', {_FORGET_HELD}
                 WHERE person_id = ANY($1::uuid[]) AND kind = ANY($2::text[]) AND parameters @> $3::jsonb
                   AND status IN ('pending', 'digest_pending')""", person_ids, list(kinds), json.dumps(about))

    async def drop_pending(self, person_id: UUID, kind: str, but: UUID) -> None:
        await self._conn.execute(
            f"""UPDATE notifications SET status = 'cancelled', {_FORGET_HELD}
                 WHERE person_id = $1 AND kind = $2 AND status = 'pending' AND id <> $3""", person_id, kind, but)

    async def mark_failed(self, notification_id: UUID, error: str, claim_id: UUID | None = None) -> bool:
        return await self._conn.fetchval(
            f"""UPDATE notifications SET status = 'failed', last_error = $2, lease_until = NULL, {_FORGET_HELD}
                WHERE id = $1 AND ($3::uuid IS NULL OR (claim_id = $3 AND status = 'sending')) RETURNING true""",
            notification_id, error, claim_id) is not None

    async def mark_unconfirmed(self, notification_id: UUID, error: str, claim_id: UUID | None = None) -> bool:
        return await self._conn.fetchval(
            f"""UPDATE notifications SET status = 'unconfirmed', last_error = $2, lease_until = NULL, {_FORGET_HELD}
                WHERE id = $1 AND ($3::uuid IS NULL OR (claim_id = $3 AND status = 'sending')) RETURNING true""",
            notification_id, error, claim_id) is not None

    async def settle_lapsed_claims(self) -> tuple[list[UUID], list[UUID]]:
        """Claims whose lease ran out: their sender died (or froze). A message it had handed to the SMTP server
        may have been taken, and sending it again could duplicate it: unconfirmed, never resent. One it had not
        handed over was not sent: due again at once, for any instance (the claim does not count as an attempt).
        Returns (unconfirmed, due again)."""
        rows = await self._conn.fetch(
            f"""UPDATE notifications
                   SET status = CASE WHEN handed_at IS NULL THEN 'pending' ELSE 'unconfirmed' END,
                       lease_until = NULL,
                       claim_id = CASE WHEN handed_at IS NULL THEN NULL ELSE claim_id END,
                       attempts = CASE WHEN handed_at IS NULL THEN attempts - 1 ELSE attempts END,
                       next_attempt_at = CASE WHEN handed_at IS NULL THEN now() ELSE next_attempt_at END,
                       parameters = CASE WHEN handed_at IS NULL THEN parameters
                                         ELSE {_FORGET_HELD.split(" = ", 1)[1]} END
                 WHERE status = 'sending' AND lease_until < now()
             RETURNING id, handed_at IS NOT NULL AS handed""")
        return [r["id"] for r in rows if r["handed"]], [r["id"] for r in rows if not r["handed"]]

    async def digest_items_due(self, before: datetime, limit: int) -> list[Notification]:
        rows = await self._conn.fetch(
            f"""SELECT {_NOTIFICATION_COLUMNS} FROM notifications n
                 WHERE n.status = 'digest_pending' AND n.created_at < $1
                 ORDER BY n.person_id, n.created_at LIMIT $2 FOR UPDATE SKIP LOCKED""",
            before, limit)
        return [_notification(r) for r in rows]

    async def mark_digested(self, item_ids: list[UUID], digest_id: UUID) -> None:
        await self._conn.execute(
            "UPDATE notifications SET status = 'digested', digest_id = $2 WHERE id = ANY($1::uuid[])",
            item_ids, digest_id)

    async def digest_items(self, digest_id: UUID) -> list[dict[str, Any]]:
        # An item whose subject was taken away since (it named someone who erased their account) is left out.
        return [dict(r) for r in await self._conn.fetch(
            """SELECT kind, subject, created_at FROM notifications
                WHERE digest_id = $1 AND subject IS NOT NULL ORDER BY created_at""", digest_id)]

    async def mark_invited(self, person_id: UUID) -> None:
        await self._conn.execute(
            """INSERT INTO invited_people (person_id) SELECT $1
                WHERE NOT EXISTS (SELECT FROM erased_people WHERE person_id = $1) ON CONFLICT DO NOTHING""",
            person_id)

    async def was_invited(self, person_id: UUID) -> bool:
        return bool(await self._conn.fetchval("SELECT true FROM invited_people WHERE person_id = $1", person_id))

    async def forget_person(self, person_id: UUID) -> None:
        """Erasure: nothing about the person stays, and nothing naming them goes out to a partner (nor waits for
        their digest)."""
        await self._conn.execute("INSERT INTO erased_people VALUES ($1) ON CONFLICT DO NOTHING", person_id)
        for table in ("notifications", "contacts", "preferences", "registrations", "access_links", "suspensions",
                      "invited_people"):
            await self._conn.execute(f"DELETE FROM {table} WHERE person_id = $1", person_id)
        await self._conn.execute("DELETE FROM office_hour_bookings WHERE person_id = $1 OR host_id = $1", person_id)
        await self._conn.execute("DELETE FROM waitlisted_mentees WHERE mentee_id = $1", person_id)
        await self._conn.execute("UPDATE event_messages SET sent_by = NULL WHERE sent_by = $1", person_id)
        await self._conn.execute(
            """UPDATE notifications SET subject = NULL,
                      status = CASE WHEN status IN ('pending', 'digest_pending') THEN 'cancelled' ELSE status END
                WHERE parameters->>'partner_id' = $1""", str(person_id))

    # --- inbox, unsubscribing and delivery log -----------------------------------------------------------------

    async def is_known(self, person_id: UUID) -> bool:
        return bool(await self._conn.fetchval("SELECT true FROM contacts WHERE person_id = $1", person_id))

    async def notification_owner(self, notification_id: UUID) -> tuple[UUID, str] | None:
        row = await self._conn.fetchrow("SELECT person_id, kind FROM notifications WHERE id = $1", notification_id)
        return (row["person_id"], row["kind"]) if row else None

    async def inbox(self, person_id: UUID, unread_only: bool, limit: int) -> list[tuple[Notification, dict[str, Any]]]:
        # Only what could be rendered has a subject to show; a digest is an email, not an inbox item.
        rows = await self._conn.fetch(
            f"""SELECT {_NOTIFICATION_COLUMNS}, n.subject, COALESCE(n.shown_at, n.created_at) AS shown_at, n.read_at
                  FROM notifications n
                WHERE n.person_id = $1 AND n.subject IS NOT NULL AND {_IN_INBOX}
                  AND ($2 = false OR n.read_at IS NULL)
                ORDER BY COALESCE(n.shown_at, n.created_at) DESC LIMIT $3""", person_id, unread_only, limit)
        items = []
        for row in rows:
            found = dict(row)
            shown = {name: found.pop(name) for name in ("subject", "shown_at", "read_at")}
            items.append((Notification(**{**found, "parameters": json.loads(found["parameters"])}), shown))
        return items

    async def inbox_notification(self, person_id: UUID, notification_id: UUID) -> tuple[Notification, str] | None:
        row = await self._conn.fetchrow(
            f"""SELECT {_NOTIFICATION_COLUMNS}, n.subject FROM notifications n
                WHERE n.id = $1 AND n.person_id = $2 AND n.subject IS NOT NULL AND {_IN_INBOX}""",
            notification_id, person_id)
        if row is None:
            return None
        found = dict(row)
        subject = found.pop("subject")
        return Notification(**{**found, "parameters": json.loads(found["parameters"])}), subject

    async def unread_count(self, person_id: UUID) -> int:
        return await self._conn.fetchval(
            f"""SELECT count(*) FROM notifications WHERE person_id = $1 AND subject IS NOT NULL
                      AND {_IN_INBOX} AND read_at IS NULL""", person_id)

    async def mark_read(self, person_id: UUID, notification_id: UUID) -> bool:
        return await self._conn.fetchval(
            f"""UPDATE notifications SET read_at = coalesce(read_at, now())
                WHERE id = $1 AND person_id = $2 AND subject IS NOT NULL AND {_IN_INBOX} RETURNING true""",
            notification_id, person_id) is not None

    async def mark_all_read(self, person_ids: list[UUID], kinds: tuple[str, ...], about: dict[str, str]) -> None:
        await self._conn.execute(
            """UPDATE notifications SET read_at = now()
                WHERE person_id = ANY($1::uuid[]) AND kind = ANY($2::text[]) AND parameters @> $3::jsonb
                  AND read_at IS NULL""", person_ids, list(kinds), json.dumps(about))

    async def delivery_log(self, chapter_id: UUID | None, status: str | None, limit: int,
                           person_id: UUID | None = None) -> list[dict[str, Any]]:
        """Ids, kinds, times and statuses only: what was sent to whom, never what it said."""
        return [dict(r) for r in await self._conn.fetch(
            f"""SELECT {_DELIVERY} FROM notifications
                WHERE ($1::uuid IS NULL OR chapter_id = $1) AND ($2::text IS NULL OR status = $2)
                  AND ($4::uuid IS NULL OR person_id = $4)
                ORDER BY created_at DESC LIMIT $3""", chapter_id, status, limit, person_id)]

    async def delivery(self, notification_id: UUID) -> dict[str, Any] | None:
        row = await self._conn.fetchrow(f"SELECT {_DELIVERY} FROM notifications WHERE id = $1 FOR UPDATE",
                                        notification_id)
        return dict(row) if row else None

    async def send_again(self, notification_id: UUID, requested_by: UUID | None) -> dict[str, Any] | None:
        row = await self._conn.fetchrow(
            f"""UPDATE notifications
                   SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL, claim_id = NULL,
                       handed_at = NULL, lease_until = NULL, sent_again_at = now(), sent_again_by = $2
                 WHERE id = $1 AND status = ANY($3::text[]) RETURNING {_DELIVERY}""",
            notification_id, requested_by, list(SENDABLE_AGAIN))
        return dict(row) if row else None
