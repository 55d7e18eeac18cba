"""PostgreSQL repository of notifications: contacts, event listings, the notifications themselves."""

from __future__ import annotations

import json
from uuid import UUID

import asyncpg

from ..domain.model import Notification


class PostgresNotifications:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def save_contact(self, *, person_id, chapter_id, display_name, email, timezone, pronouns_for_partner,
                           bio_for_partner) -> None:
        await self._conn.execute(
            """INSERT INTO contacts (person_id, chapter_id, display_name, email, timezone, pronouns_for_partner,
                                     bio_for_partner)
               VALUES ($1, $2, $3, $4, $5, $6, $7)
               ON CONFLICT (person_id) DO UPDATE SET chapter_id = $2, display_name = $3, email = $4, timezone = $5,
                   pronouns_for_partner = $6, bio_for_partner = $7""",
            person_id, chapter_id, display_name, email, timezone, pronouns_for_partner, bio_for_partner,
        )

    async def contact(self, person_id: UUID) -> dict | None:
        row = await self._conn.fetchrow("SELECT * FROM contacts WHERE person_id = $1", person_id)
        return dict(row) if row else None

    async def save_listing(self, *, scheduled_event_id, title, starts_at, ends_at, timezone, location, is_virtual) -> None:
        await self._conn.execute(
            """INSERT INTO event_listings (scheduled_event_id, title, starts_at, ends_at, timezone, location, is_virtual)
               VALUES ($1, $2, $3, $4, $5, $6, $7)
               ON CONFLICT (scheduled_event_id) DO UPDATE SET title = $2, starts_at = $3, ends_at = $4, timezone = $5,
                   location = $6, is_virtual = $7""",
            scheduled_event_id, title, starts_at, ends_at, timezone, location, is_virtual,
        )

    async def listing(self, scheduled_event_id: UUID) -> dict | None:
        row = await self._conn.fetchrow("SELECT * FROM event_listings WHERE scheduled_event_id = $1", scheduled_event_id)
        return dict(row) if row else None

    async def add(self, n: Notification) -> bool:
        """Record a notification to send; False when its idempotency key was already there."""
        return bool(await self._conn.fetchval(
            """INSERT INTO notifications (id, idempotency_key, person_id, chapter_id, kind, parameters)
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING true""",
            n.id, n.idempotency_key, n.person_id, n.chapter_id, n.kind, json.dumps(n.parameters),
        ))

    async def claim_pending(self, limit: int) -> list[Notification]:
        """Lock pending notifications of people we can reach; other instances skip them."""
        rows = await self._conn.fetch(
            """SELECT n.id, n.idempotency_key, n.person_id, n.chapter_id, n.kind, n.parameters, n.attempts
                 FROM notifications n JOIN contacts c ON c.person_id = n.person_id
                WHERE n.status = 'pending'
                ORDER BY n.created_at
                LIMIT $1
                FOR UPDATE OF n SKIP LOCKED""",
            limit,
        )
        return [Notification(**{**dict(r), "parameters": json.loads(r["parameters"])}) for r in rows]

    async def mark_sent(self, notification_id: UUID) -> None:
        await self._conn.execute(
            "UPDATE notifications SET status = 'sent', sent_at = now(), attempts = attempts + 1 WHERE id = $1",
            notification_id,
        )

    async def mark_attempt_failed(self, notification_id: UUID, error: str, give_up: bool) -> None:
        await self._conn.execute(
            "UPDATE notifications SET attempts = attempts + 1, last_error = $2, status = $3 WHERE id = $1",
            notification_id, error[:500], "failed" if give_up else "pending",
        )

    async def forget_person(self, person_id: UUID) -> None:
        await self._conn.execute("DELETE FROM notifications WHERE person_id = $1", person_id)
        await self._conn.execute("DELETE FROM contacts WHERE person_id = $1", person_id)
