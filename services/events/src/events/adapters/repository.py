"""PostgreSQL repositories of the events service."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from uuid import UUID

import asyncpg
from mentorship_contracts.profiles import PreferredLanguage
from mentorship_contracts.vocabulary import TrainingStage

from ..domain.commands import EventFilter
from ..domain.model import EventState, Exhibitor, OfficeHourSlot, Participant, Registration, ScheduledEvent, Status

_EVENT_COLUMNS = ("id", "chapter_id", "kind", "title", "description", "starts_at", "ends_at", "timezone", "capacity",
                  "audience_stages", "registration_deadline", "is_virtual", "location", "virtual_link",
                  "parent_event_id", "exhibitors", "attendees_public", "state", "revision", "cancellation_note")
_EVENT_SELECT = ", ".join(f"e.{c}" for c in _EVENT_COLUMNS)
_REGISTRATION_SELECT = ("r.id AS registration_id, r.scheduled_event_id, r.person_id, r.status, r.attended, r.created_at, "
                        "r.cancelled_by, r.held_seat, r.checked_in_at, r.removal_reason")
# Any fixed number: the instance holding it runs the reminder pass, the others skip that pass.
_REMINDER_LOCK = 7_340_105


def _event(row: asyncpg.Record) -> ScheduledEvent:
    values = {c: row[c] for c in _EVENT_COLUMNS}
    values["audience_stages"] = [TrainingStage(s) for s in values["audience_stages"]]
    values["exhibitors"] = [Exhibitor(**x) for x in json.loads(values["exhibitors"])]
    values["state"] = EventState(values["state"])
    return ScheduledEvent(**values)


def _event_values(e: ScheduledEvent) -> list:
    values = {c: getattr(e, c) for c in _EVENT_COLUMNS}
    values["audience_stages"] = [str(s) for s in e.audience_stages]
    values["exhibitors"] = json.dumps([asdict(x) for x in e.exhibitors])
    return list(values.values())


def _registration(row: asyncpg.Record) -> Registration:
    return Registration(
        id=row["registration_id"], scheduled_event_id=row["scheduled_event_id"], person_id=row["person_id"],
        status=Status(row["status"]), attended=row["attended"], created_at=row["created_at"],
        cancelled_by=row["cancelled_by"], held_seat=row["held_seat"], checked_in_at=row["checked_in_at"],
        removal_reason=row["removal_reason"],
    )


class PostgresEvents:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, e: ScheduledEvent) -> None:
        placeholders = ", ".join(f"${i}" for i in range(1, len(_EVENT_COLUMNS) + 1))
        await self._conn.execute(
            f"INSERT INTO scheduled_events ({', '.join(_EVENT_COLUMNS)}) VALUES ({placeholders})", *_event_values(e)
        )

    async def save(self, e: ScheduledEvent) -> None:
        assignments = ", ".join(f"{c} = ${i}" for i, c in enumerate(_EVENT_COLUMNS[1:], start=2))
        await self._conn.execute(f"UPDATE scheduled_events SET {assignments} WHERE id = $1", *_event_values(e))

    async def get(self, event_id: UUID, *, lock: bool = False) -> ScheduledEvent | None:
        # The row lock serialises everything that changes one event's seats: the capacity check cannot race,
        # and registrations are numbered in the order they got the lock.
        row = await self._conn.fetchrow(
            f"SELECT {_EVENT_SELECT} FROM scheduled_events e WHERE e.id = $1" + (" FOR UPDATE" if lock else ""),
            event_id,
        )
        return _event(row) if row else None

    async def restatable(self, after: UUID | None, limit: int) -> list[ScheduledEvent]:
        rows = await self._conn.fetch(
            f"""SELECT {_EVENT_SELECT} FROM scheduled_events e
                 WHERE e.state <> 'draft' AND ($1::uuid IS NULL OR e.id > $1) ORDER BY e.id LIMIT $2 FOR SHARE""",
            after, limit)
        return [_event(row) for row in rows]

    async def find(self, f: EventFilter) -> list[ScheduledEvent]:
        conditions: list[str] = ["e.state = $1"]
        args: list[object] = [str(f.state)]

        def where(condition: str, value) -> None:
            args.append(value)
            conditions.append(condition.replace("?", f"${len(args)}"))

        if f.chapter_id is not None and f.with_national:
            where("(e.chapter_id = ? OR e.chapter_id IS NULL)", f.chapter_id)
        elif f.chapter_id is not None:
            where("e.chapter_id = ?", f.chapter_id)
        if f.national is not None:
            conditions.append("e.chapter_id IS NULL" if f.national else "e.chapter_id IS NOT NULL")
        if f.kind is not None:
            where("e.kind = ?", f.kind)
        if f.starts_from is not None:
            where("e.starts_at >= ?", f.starts_from)
        if f.starts_before is not None:
            where("e.starts_at < ?", f.starts_before)
        if f.ends_after is not None:
            where("e.ends_at > ?", f.ends_after)
        if f.audience is not None:
            # An event without a listed audience is open to every stage.
            where("(e.audience_stages = '{}' OR ? = ANY(e.audience_stages))", str(f.audience))
        if f.parent_event_id is not None:
            where("e.parent_event_id = ?", f.parent_event_id)
        if f.sessions_of_drafts_in is not None:
            where("(e.parent_event_id IS NULL OR e.chapter_id = ANY(?::uuid[]) OR NOT EXISTS ("
                  "SELECT 1 FROM scheduled_events p WHERE p.id = e.parent_event_id AND p.state = 'draft'))",
                  list(f.sessions_of_drafts_in))
        args += [f.limit, f.offset]
        rows = await self._conn.fetch(
            f"SELECT {_EVENT_SELECT} FROM scheduled_events e WHERE {' AND '.join(conditions)} "
            f"ORDER BY e.starts_at, e.id LIMIT ${len(args) - 1} OFFSET ${len(args)}",
            *args,
        )
        return [_event(row) for row in rows]


    async def sessions_of(self, conference_id: UUID, *, lock: bool = False) -> list[ScheduledEvent]:
        rows = await self._conn.fetch(
            f"SELECT {_EVENT_SELECT} FROM scheduled_events e WHERE e.parent_event_id = $1 ORDER BY e.starts_at, e.id"
            + (" FOR UPDATE" if lock else ""),
            conference_id,
        )
        return [_event(row) for row in rows]


class PostgresRegistrations:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add_all(self, new: list[Registration]) -> None:
        """Insert in the given order, which becomes their arrival order."""
        rows = await self._conn.fetch(
            """INSERT INTO registrations (id, scheduled_event_id, person_id, status)
               SELECT id, scheduled_event_id, person_id, status
               FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[]) WITH ORDINALITY
                    AS arriving (id, scheduled_event_id, person_id, status, place)
               ORDER BY place
               RETURNING id, created_at""",
            [r.id for r in new], [r.scheduled_event_id for r in new], [r.person_id for r in new],
            [str(r.status) for r in new],
        )
        created = {row["id"]: row["created_at"] for row in rows}
        for r in new:
            r.created_at = created[r.id]

    async def save(self, r: Registration) -> None:
        await self._conn.execute(
            "UPDATE registrations SET status = $2, attended = $3, cancelled_by = $4, held_seat = $5, checked_in_at = $6, "
            "removal_reason = $7 WHERE id = $1",
            r.id, r.status, r.attended, r.cancelled_by, r.held_seat, r.checked_in_at, r.removal_reason,
        )

    async def active(self, event_id: UUID, person_id: UUID) -> Registration | None:
        row = await self._conn.fetchrow(
            f"SELECT {_REGISTRATION_SELECT} FROM registrations r "
            "WHERE r.scheduled_event_id = $1 AND r.person_id = $2 AND r.status <> 'cancelled'",
            event_id, person_id,
        )
        return _registration(row) if row else None

    async def standing(self, event_id: UUID, people: list[UUID]) -> tuple[int, int, dict[UUID, Registration]]:
        """Confirmed and waitlisted counts, and the active registrations of `people`, in one round trip."""
        rows = await self._conn.fetch(
            f"""SELECT (SELECT count(*) FROM registrations WHERE scheduled_event_id = $1 AND status = 'confirmed')
                           AS confirmed_count,
                       (SELECT count(*) FROM registrations WHERE scheduled_event_id = $1 AND status = 'waitlisted')
                           AS waitlisted_count,
                       {_REGISTRATION_SELECT}
                FROM (SELECT 1) AS one LEFT JOIN registrations r
                  ON r.scheduled_event_id = $1 AND r.person_id = ANY($2::uuid[]) AND r.status <> 'cancelled'""",
            event_id, people,
        )
        active = {r.person_id: r for r in (_registration(row) for row in rows if row["registration_id"])}
        return rows[0]["confirmed_count"], rows[0]["waitlisted_count"], active

    async def count(self, event_id: UUID, status: Status) -> int:
        return await self._conn.fetchval(
            "SELECT count(*) FROM registrations WHERE scheduled_event_id = $1 AND status = $2", event_id, status
        )

    async def first_waitlisted(self, event_id: UUID) -> Registration | None:
        row = await self._conn.fetchrow(
            f"SELECT {_REGISTRATION_SELECT} FROM registrations r WHERE r.scheduled_event_id = $1 "
            "AND r.status = 'waitlisted' ORDER BY r.arrival LIMIT 1",
            event_id,
        )
        return _registration(row) if row else None

    async def of_event(self, event_id: UUID, *, active_only: bool = False) -> list[Registration]:
        """In arrival order."""
        rows = await self._conn.fetch(
            f"SELECT {_REGISTRATION_SELECT} FROM registrations r WHERE r.scheduled_event_id = $1 "
            + ("AND r.status <> 'cancelled' " if active_only else "")
            + "ORDER BY r.arrival",
            event_id,
        )
        return [_registration(row) for row in rows]

    async def of_person(self, person_id: UUID) -> list[tuple[Registration, ScheduledEvent]]:
        rows = await self._conn.fetch(
            f"SELECT {_REGISTRATION_SELECT}, {_EVENT_SELECT} FROM registrations r "
            "JOIN scheduled_events e ON e.id = r.scheduled_event_id WHERE r.person_id = $1 ORDER BY e.starts_at",
            person_id,
        )
        return [(_registration(row), _event(row)) for row in rows]

    async def waitlist_places_of(self, person_id: UUID) -> dict[UUID, int]:
        rows = await self._conn.fetch(
            """SELECT id, place FROM (
                   SELECT r.id, r.person_id, row_number() OVER (PARTITION BY r.scheduled_event_id ORDER BY r.arrival) AS place
                     FROM registrations r
                    WHERE r.status = 'waitlisted'
                      AND r.scheduled_event_id IN (SELECT scheduled_event_id FROM registrations
                                                    WHERE person_id = $1 AND status = 'waitlisted')) AS queue
               WHERE person_id = $1""",
            person_id,
        )
        return {row["id"]: row["place"] for row in rows}

    async def in_calendar_of(self, person_id: UUID) -> list[tuple[Registration, ScheduledEvent]]:
        rows = await self._conn.fetch(
            f"SELECT {_REGISTRATION_SELECT}, {_EVENT_SELECT} FROM registrations r "
            "JOIN scheduled_events e ON e.id = r.scheduled_event_id WHERE r.person_id = $1 "
            "AND (r.status = 'confirmed' OR (r.cancelled_by = 'event_cancelled' AND r.held_seat)) "
            "ORDER BY e.starts_at, e.id",
            person_id,
        )
        return [(_registration(row), _event(row)) for row in rows]

    async def claim_reminder_pass(self) -> bool:
        """Whether this instance runs the reminder pass now (until its transaction ends)."""
        return await self._conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", _REMINDER_LOCK)

    async def awaiting_reminder(
        self, starting_after: datetime, starting_by: datetime,
    ) -> list[tuple[Registration, ScheduledEvent]]:
        rows = await self._conn.fetch(
            f"SELECT {_REGISTRATION_SELECT}, {_EVENT_SELECT} FROM registrations r "
            "JOIN scheduled_events e ON e.id = r.scheduled_event_id "
            "WHERE e.state = 'published' AND e.starts_at > $1 AND e.starts_at <= $2 AND r.status = 'confirmed' "
            "AND NOT EXISTS (SELECT 1 FROM reminders_sent s WHERE s.registration_id = r.id) ORDER BY r.arrival",
            starting_after, starting_by,
        )
        return [(_registration(row), _event(row)) for row in rows]

    async def mark_reminded(self, registration_id: UUID) -> bool:
        """False when a reminder went out already (another instance, another pass)."""
        return bool(await self._conn.fetchval(
            "INSERT INTO reminders_sent (registration_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING true",
            registration_id,
        ))

    async def forget(self, person_id: UUID) -> None:
        await self._conn.execute(
            "DELETE FROM reminders_sent WHERE registration_id IN (SELECT id FROM registrations WHERE person_id = $1)",
            person_id,
        )
        await self._conn.execute("DELETE FROM registrations WHERE person_id = $1", person_id)

    async def attendance(self, chapter_id: UUID | None) -> list[tuple[UUID, UUID | None, tuple[int, int, int, int]]]:
        # The same counts as `model.attendance_counts`, for every event at once; `no_show` is
        # `Registration.is_no_show` (never null: a row cancelled before cancelled_by was kept has none).
        rows = await self._conn.fetch(
            """SELECT e.id, e.chapter_id,
                      count(r.id) AS registered,
                      count(*) FILTER (WHERE r.status = 'confirmed' AND r.attended) AS attended,
                      count(*) FILTER (WHERE no_show) AS no_show,
                      count(*) FILTER (WHERE r.status = 'cancelled' AND NOT no_show) AS cancelled
               FROM scheduled_events e LEFT JOIN registrations r ON r.scheduled_event_id = e.id
               CROSS JOIN LATERAL (
                   SELECT r.attended IS FALSE
                          AND (r.status = 'confirmed'
                               OR (r.status = 'cancelled' AND r.cancelled_by IS NOT DISTINCT FROM 'organiser'))
                          AS no_show) AS recorded
               WHERE e.state <> 'draft' AND ($1::uuid IS NULL OR e.chapter_id = $1)
               GROUP BY e.id ORDER BY e.starts_at, e.id""",
            chapter_id,
        )
        return [(row["id"], row["chapter_id"], (row["registered"], row["attended"], row["no_show"], row["cancelled"]))
                for row in rows]


def _participant(row: asyncpg.Record) -> Participant:
    return Participant(row["person_id"], TrainingStage(row["stage"]), row["chapter_id"], row["is_alumni"],
                       row["is_mentor"], row["suspended"], row["vetted_host"])


# `Participant.vetted_host` of the person `person_id` names; `PostgresSlots.find` lists by it too.
_VETTED_HOST = """EXISTS (SELECT 1 FROM mentor_enrollments m
                          WHERE m.person_id = {person_id} AND m.approved AND m.vetted)"""

_PARTICIPANT_SELECT = f"""SELECT person_id, stage, chapter_id, is_alumni, suspended,
                                 EXISTS (SELECT 1 FROM mentor_enrollments m
                                          WHERE m.person_id = p.person_id AND m.approved) AS is_mentor,
                                 {_VETTED_HOST.format(person_id="p.person_id")} AS vetted_host
                          FROM participants p"""


class PostgresParticipants:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def known(self, people: list[UUID]) -> dict[UUID, Participant]:
        rows = await self._conn.fetch(f"{_PARTICIPANT_SELECT} WHERE person_id = ANY($1::uuid[])", people)
        return {row["person_id"]: _participant(row) for row in rows}

    async def get(self, person_id: UUID, *, lock: bool = False) -> Participant | None:
        # FOR SHARE: a suspension (which updates the row) waits for this transaction, or this one for it and then
        # reads the suspension.
        row = await self._conn.fetchrow(
            f"{_PARTICIPANT_SELECT} WHERE person_id = $1" + (" FOR SHARE OF p" if lock else ""), person_id)
        return _participant(row) if row else None

    async def suspension(self, person_id: UUID, suspended: bool, as_of: datetime) -> bool | None:
        """Whether the person is suspended now, having applied this fact unless a newer one was; None for someone
        profiles has not told us of (or erased)."""
        applied = await self._conn.fetchval(
            """UPDATE participants SET suspended = $2, suspension_as_of = $3
                WHERE person_id = $1 AND (suspension_as_of IS NULL OR suspension_as_of <= $3)
               RETURNING suspended""", person_id, suspended, as_of)
        if applied is not None:
            return applied
        return await self._conn.fetchval("SELECT suspended FROM participants WHERE person_id = $1", person_id)

    async def save(self, p: Participant) -> None:
        await self._conn.execute(
            """INSERT INTO participants (person_id, chapter_id, stage, is_alumni) SELECT $1, $2, $3, $4
               WHERE NOT EXISTS (SELECT 1 FROM erased_people WHERE person_id = $1)
               ON CONFLICT (person_id) DO UPDATE SET chapter_id = $2, stage = $3, is_alumni = $4""",
            p.person_id, p.chapter_id, str(p.stage), p.is_alumni,
        )

    async def mentor_enrollment(self, enrollment_id: UUID, person_id: UUID, approved: bool | None,
                                vetted: bool = False) -> None:
        if approved is None:
            await self._conn.execute("DELETE FROM mentor_enrollments WHERE enrollment_id = $1", enrollment_id)
        else:
            # A coordinator's approval stays while the enrollment does approved (a later change of its settings);
            # once not approved, only their approval again vets the mentor.
            await self._conn.execute(
                """INSERT INTO mentor_enrollments (enrollment_id, person_id, approved, vetted) SELECT $1, $2, $3, $4
                   WHERE NOT EXISTS (SELECT 1 FROM erased_people WHERE person_id = $2)
                   ON CONFLICT (enrollment_id) DO UPDATE
                   SET approved = $3, vetted = $4 OR (mentor_enrollments.vetted AND $3)""",
                enrollment_id, person_id, approved, approved and vetted)

    async def forget(self, person_id: UUID) -> None:
        # Remembered, so that a fact about them applied after their erasure (from another topic) is not kept.
        await self._conn.execute("INSERT INTO erased_people VALUES ($1) ON CONFLICT DO NOTHING", person_id)
        await self._conn.execute("DELETE FROM participants WHERE person_id = $1", person_id)
        await self._conn.execute("DELETE FROM mentor_enrollments WHERE person_id = $1", person_id)
        await self._conn.execute("DELETE FROM calendar_feeds WHERE person_id = $1", person_id)

    async def save_feed_token(self, person_id: UUID, token_sha256: bytes, language: str) -> None:
        await self._conn.execute(
            """INSERT INTO calendar_feeds (person_id, token_sha256, language) VALUES ($1, $2, $3)
               ON CONFLICT (person_id) DO UPDATE SET token_sha256 = $2, language = $3""",
            person_id, token_sha256, language,
        )

    async def set_feed_language(self, person_id: UUID, language: str) -> bool:
        return await self._conn.fetchval(
            "UPDATE calendar_feeds SET language = $2 WHERE person_id = $1 RETURNING true", person_id, language) is True

    async def owner_of_feed(self, token_sha256: bytes) -> tuple[UUID, PreferredLanguage] | None:
        row = await self._conn.fetchrow("SELECT person_id, language FROM calendar_feeds WHERE token_sha256 = $1",
                                        token_sha256)
        return (row["person_id"], row["language"]) if row else None


_SLOT_COLUMNS = ("id", "host_id", "chapter_id", "starts_at", "ends_at", "is_virtual", "location", "booked_by",
                 "booking_id", "join_url")


class PostgresSlots:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, s: OfficeHourSlot) -> None:
        await self._conn.execute(
            f"INSERT INTO office_hour_slots ({', '.join(_SLOT_COLUMNS)}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            *(getattr(s, c) for c in _SLOT_COLUMNS),
        )

    async def restatable(self, after: UUID | None, limit: int) -> list[OfficeHourSlot]:
        rows = await self._conn.fetch(
            f"""SELECT {', '.join(_SLOT_COLUMNS)} FROM office_hour_slots
                 WHERE booked_by IS NOT NULL AND ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2 FOR SHARE""",
            after, limit)
        return [OfficeHourSlot(**dict(row)) for row in rows]

    async def get(self, slot_id: UUID, *, lock: bool = False) -> OfficeHourSlot | None:
        # The row lock makes two concurrent bookings of one slot take turns: the second sees it booked.
        row = await self._conn.fetchrow(
            f"SELECT {', '.join(_SLOT_COLUMNS)} FROM office_hour_slots WHERE id = $1" + (" FOR UPDATE" if lock else ""),
            slot_id,
        )
        return OfficeHourSlot(**dict(row)) if row else None

    async def save(self, s: OfficeHourSlot) -> None:
        await self._conn.execute(
            "UPDATE office_hour_slots SET booked_by = $2, booking_id = $3, join_url = $4 WHERE id = $1",
            s.id, s.booked_by, s.booking_id, s.join_url)

    async def find(self, *, host_id: UUID | None, chapter_id: UUID | None, open_only: bool,
                   starts_from: datetime | None, chapters: frozenset[UUID] | None = None,
                   vetted_hosts_only: bool = False) -> list[OfficeHourSlot]:
        # Those to come, 200 at most; or every one, for a host's own data.
        since, most = ("starts_at >= $1", "200") if starts_from else ("$1::timestamptz IS NULL", "ALL")
        rows = await self._conn.fetch(
            f"SELECT {', '.join(_SLOT_COLUMNS)} FROM office_hour_slots WHERE {since} "
            "AND ($2::uuid IS NULL OR host_id = $2) AND ($3::uuid IS NULL OR chapter_id = $3) "
            "AND (NOT $4 OR booked_by IS NULL) "
            "AND ($5::uuid[] IS NULL OR chapter_id IS NULL OR chapter_id = ANY($5::uuid[])) "
            f"AND (NOT $6 OR {_VETTED_HOST.format(person_id='office_hour_slots.host_id')}) "
            f"ORDER BY starts_at, id LIMIT {most}",
            starts_from, host_id, chapter_id, open_only, None if chapters is None else list(chapters),
            vetted_hosts_only,
        )
        return [OfficeHourSlot(**dict(row)) for row in rows]

    async def overlapping(self, host_id: UUID, starts_at: datetime, ends_at: datetime) -> bool:
        return await self._conn.fetchval(
            "SELECT EXISTS (SELECT FROM office_hour_slots WHERE host_id = $1 AND starts_at < $3 AND ends_at > $2)",
            host_id, starts_at, ends_at)

    async def booked_by(self, person_id: UUID, *, ending_after: datetime | None) -> list[OfficeHourSlot]:
        rows = await self._conn.fetch(
            f"SELECT {', '.join(_SLOT_COLUMNS)} FROM office_hour_slots WHERE booked_by = $1 "
            f"AND {'ends_at > $2' if ending_after else '$2::timestamptz IS NULL'} ORDER BY starts_at, id",
            person_id, ending_after,
        )
        return [OfficeHourSlot(**dict(row)) for row in rows]

    async def booked_involving(self, person_id: UUID) -> list[OfficeHourSlot]:
        rows = await self._conn.fetch(
            f"SELECT {', '.join(_SLOT_COLUMNS)} FROM office_hour_slots "
            "WHERE booked_by IS NOT NULL AND (booked_by = $1 OR host_id = $1) ORDER BY starts_at, id",
            person_id,
        )
        return [OfficeHourSlot(**dict(row)) for row in rows]

    async def involving(self, person_id: UUID) -> list[OfficeHourSlot]:
        """Slots the person hosts or has booked, locked."""
        rows = await self._conn.fetch(
            f"SELECT {', '.join(_SLOT_COLUMNS)} FROM office_hour_slots WHERE host_id = $1 OR booked_by = $1 "
            "ORDER BY id FOR UPDATE",
            person_id,
        )
        return [OfficeHourSlot(**dict(row)) for row in rows]

    async def remove(self, slot_id: UUID) -> None:
        await self._conn.execute("DELETE FROM office_hour_slots WHERE id = $1", slot_id)
