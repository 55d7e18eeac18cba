"""PostgreSQL repositories of profiles. Each saves a whole aggregate (insert or update) and reads it back."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from mentorship_contracts.vocabulary import PairingKind, Role, Specialty, SupportArea, TrainingStage

from ..domain.model import (
    AlreadyRegistered,
    Chapter,
    ChapterNameTaken,
    EmailChange,
    Enrollment,
    Person,
    Program,
    ProgramNameTaken,
    PronounsVisibility,
    PublicStanding,
)
from .sealing import IdentitySealer


class _Table:
    """One aggregate's table: which columns it has, and how to upsert and select them."""

    def __init__(self, name: str, columns: str) -> None:
        self.name = name
        self.columns = [c.strip() for c in columns.split(",")]
        self.select = f"SELECT {', '.join(self.columns)} FROM {name}"
        placeholders = ", ".join(f"${i}" for i in range(1, len(self.columns) + 1))
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in self.columns[1:])
        self.upsert = f"INSERT INTO {name} ({', '.join(self.columns)}) VALUES ({placeholders}) " \
                      f"ON CONFLICT (id) DO UPDATE SET {updates}"

    def values(self, aggregate: Any, **overrides: Any) -> list[Any]:
        return [overrides[c] if c in overrides else getattr(aggregate, c) for c in self.columns]


def _enums(kind: Callable[[str], Any], values: list[str]) -> list[Any]:
    return [kind(v) for v in values]


CHAPTERS = _Table("chapters", "id, name, timezone, contact_email")
PROGRAMS = _Table(
    "programs",
    "id, name, chapter_id, mentee_stages, mentor_stages, term_months, cadence_min_days, cadence_max_days, "
    "format, group_size, pairing_mode, both_must_accept, pair_cap, mentor_approval_required, minimum_score, "
    "pairing_kinds, answer_within_days, members_public",
)
PEOPLE = _Table(
    "people",
    "id, display_name, email, stage, chapter_id, pronouns, pronouns_visibility, timezone, is_alumni, specialties, "
    "support_areas, languages, modalities, region, bio, identity_sealed, preferred_language",
)
ENROLLMENTS = _Table(
    "enrollments",
    "id, person_id, program_id, chapter_id, role, capacity, mentee_stages_welcome, goals, preferred_mentor_stages, "
    "approval, active, pairing_kind, paused, paused_because, was_approved, review_reason, review_since, paused_until",
)


class PostgresChapters:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def save(self, chapter: Chapter) -> None:
        try:
            await self._conn.execute(CHAPTERS.upsert, *CHAPTERS.values(chapter))
        except asyncpg.UniqueViolationError as error:
            # chapters_name: another chapter took the name since the handler asked (`named`)
            if error.constraint_name != "chapters_name":
                raise
            raise ChapterNameTaken(chapter.name) from error

    async def get(self, chapter_id: UUID) -> Chapter | None:
        row = await self._conn.fetchrow(f"{CHAPTERS.select} WHERE id = $1", chapter_id)
        return Chapter(**row) if row else None

    async def list(self) -> list[Chapter]:
        return [Chapter(**row) for row in await self._conn.fetch(f"{CHAPTERS.select} ORDER BY name, id")]

    async def named(self, name: str) -> Chapter | None:
        row = await self._conn.fetchrow(f"{CHAPTERS.select} WHERE name_key(name) = name_key($1)", name)
        return Chapter(**row) if row else None


class PostgresPrograms:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def save(self, program: Program) -> None:
        try:
            await self._conn.execute(PROGRAMS.upsert, *PROGRAMS.values(program))
        except asyncpg.UniqueViolationError as error:
            # programs_name: another program of the chapter took the name since the handler asked (`named`)
            if error.constraint_name != "programs_name":
                raise
            raise ProgramNameTaken(program.name, program.chapter_id) from error

    async def get(self, program_id: UUID, lock: bool = False) -> Program | None:
        # FOR UPDATE, not the FOR NO KEY UPDATE an upsert takes: it waits for, and holds off, the key share lock an
        # enrollment's insertion takes on its program.
        row = await self._conn.fetchrow(f"{PROGRAMS.select} WHERE id = $1{' FOR UPDATE' if lock else ''}", program_id)
        return self._program(row) if row else None

    async def keeping_members_private(self, program_ids: Collection[UUID]) -> set[UUID]:
        """Which of these programs keep who takes part from other teams: `members_public` false, or unknown (the safe
        side)."""
        public = await self._conn.fetch("SELECT id FROM programs WHERE id = ANY($1::uuid[]) AND members_public",
                                        list(program_ids))
        return set(program_ids) - {row["id"] for row in public}

    async def note_taken_part(self, program_id: UUID) -> None:
        # Written once: a later enrollment finds it set and locks nothing (every enrollment would wait on the row).
        await self._conn.execute(
            "UPDATE programs SET members_public_fixed = true WHERE id = $1 AND NOT members_public_fixed", program_id)

    async def taken_part_in(self, program_id: UUID) -> bool:
        return bool(await self._conn.fetchval("SELECT members_public_fixed FROM programs WHERE id = $1", program_id))

    async def list(self, chapter_id: UUID | None = None) -> list[Program]:
        rows = await self._conn.fetch(
            f"{PROGRAMS.select} WHERE $1::uuid IS NULL OR chapter_id = $1 ORDER BY name, id", chapter_id
        )
        return [self._program(row) for row in rows]

    async def named(self, name: str, chapter_id: UUID | None) -> Program | None:
        # Asked as the index `programs_name` has it, so that the index answers: national programs as a nil chapter's.
        row = await self._conn.fetchrow(
            f"{PROGRAMS.select} WHERE coalesce(chapter_id, '{UUID(int=0)}'::uuid) = $2 "
            "AND name_key(name) = name_key($1)", name, chapter_id or UUID(int=0))
        return self._program(row) if row else None

    @staticmethod
    def _program(row: asyncpg.Record) -> Program:
        return Program(**{**row, "mentee_stages": _enums(TrainingStage, row["mentee_stages"]),
                          "mentor_stages": _enums(TrainingStage, row["mentor_stages"]),
                          "pairing_kinds": _enums(PairingKind, row["pairing_kinds"])})


class PostgresPeople:
    def __init__(self, conn: asyncpg.Connection, sealer: IdentitySealer) -> None:
        self._conn = conn
        self._sealer = sealer

    async def save(self, person: Person) -> None:
        try:
            await self._conn.execute(
                PEOPLE.upsert, *PEOPLE.values(person, identity_sealed=self._sealer.seal(person.id, person.identity))
            )
        except asyncpg.UniqueViolationError as error:  # people_email: another person has the address
            raise AlreadyRegistered("someone is already registered with this email", field="email") from error

    async def get(self, person_id: UUID, lock: bool = False) -> Person | None:
        # Locking the person serialises concurrent changes to them and to their enrollments.
        row = await self._conn.fetchrow(f"{PEOPLE.select} WHERE id = $1{' FOR UPDATE' if lock else ''}", person_id)
        return self._person(row) if row else None

    async def get_all(self, ids: list[UUID]) -> list[Person]:
        """These people (those that exist), in id order."""
        rows = await self._conn.fetch(f"{PEOPLE.select} WHERE id = ANY($1::uuid[]) ORDER BY id", ids)
        return [self._person(row) for row in rows]

    async def remove(self, person_id: UUID) -> bool:
        # Enrollments, data keys and staff roles cascade.
        return await self._conn.fetchval("DELETE FROM people WHERE id = $1 RETURNING true", person_id) is not None

    async def with_email(self, email: str) -> Person | None:
        row = await self._conn.fetchrow(f"{PEOPLE.select} WHERE lower(email) = lower($1)", email)
        return self._person(row) if row else None

    async def email_taken(self, email: str, by_other_than: UUID | None = None) -> bool:
        return bool(await self._conn.fetchval(
            "SELECT true FROM people WHERE lower(email) = lower($1) AND id IS DISTINCT FROM $2", email, by_other_than
        ))

    def _person(self, row: asyncpg.Record) -> Person:
        values = {c: row[c] for c in PEOPLE.columns if c != "identity_sealed"}
        return Person(
            **{**values, "stage": TrainingStage(row["stage"]),
               "pronouns_visibility": PronounsVisibility(row["pronouns_visibility"]),
               "specialties": _enums(Specialty, row["specialties"]),
               "support_areas": _enums(SupportArea, row["support_areas"])},
            identity=self._sealer.open(row["id"], row["identity_sealed"]),
        )


class PostgresEnrollments:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def mentee_stages_in(self, program_id: UUID) -> set[TrainingStage]:
        rows = await self._conn.fetch(
            "SELECT DISTINCT p.stage FROM enrollments e JOIN people p ON p.id = e.person_id "
            "WHERE e.program_id = $1 AND e.active AND e.role = 'mentee'", program_id)
        return {TrainingStage(row["stage"]) for row in rows}

    async def save(self, enrollment: Enrollment) -> None:
        await self._conn.execute(ENROLLMENTS.upsert, *ENROLLMENTS.values(enrollment))

    async def get(self, enrollment_id: UUID, lock: bool = False) -> Enrollment | None:
        row = await self._conn.fetchrow(f"{ENROLLMENTS.select} WHERE id = $1{' FOR UPDATE' if lock else ''}",
                                        enrollment_id)
        return enrollment_from_row(row) if row else None

    async def for_person(self, person_id: UUID) -> list[Enrollment]:
        rows = await self._conn.fetch(f"{ENROLLMENTS.select} WHERE person_id = $1 ORDER BY id", person_id)
        return [enrollment_from_row(row) for row in rows]

    async def longest_awaiting_approval(self, joined_by: datetime, reminded_before: datetime,
                                        now: datetime) -> list[Enrollment]:
        # The upsert's condition is checked again on the row another caller just wrote: of two at once, one returns it.
        rows = await self._conn.fetch(
            f"""WITH longest AS (
                    SELECT DISTINCT ON (program_id) id, program_id FROM enrollments
                     WHERE active AND approval = 'pending' AND role = 'mentor' AND review_reason IS NULL
                       AND enrolled_at <= $1
                     ORDER BY program_id, enrolled_at, id),
                reminded AS (
                    INSERT INTO approval_reminders (program_id, reminded_at) SELECT program_id, $3 FROM longest
                    ON CONFLICT (program_id) DO UPDATE SET reminded_at = EXCLUDED.reminded_at
                     WHERE approval_reminders.reminded_at < $2
                    RETURNING program_id)
                {ENROLLMENTS.select} WHERE id IN (SELECT l.id FROM longest l JOIN reminded r USING (program_id))
                ORDER BY program_id""",
            joined_by, reminded_before, now)
        return [enrollment_from_row(row) for row in rows]

    async def own_pauses_ended(self, now: datetime, limit: int) -> list[Enrollment]:
        # The partial index enrollments_paused_until holds only pauses with an end: few, whatever the enrollments.
        rows = await self._conn.fetch(
            f"""{ENROLLMENTS.select}
                 WHERE paused_until <= $1 AND active AND paused AND paused_because IS NULL AND review_reason IS NULL
                 ORDER BY paused_until, id LIMIT $2 FOR UPDATE SKIP LOCKED""",
            now, limit)
        return [enrollment_from_row(row) for row in rows]


def enrollment_from_row(row: Mapping[str, Any]) -> Enrollment:
    return Enrollment(**{**row, "role": Role(row["role"]), "pairing_kind": PairingKind(row["pairing_kind"]),
                         "mentee_stages_welcome": _enums(TrainingStage, row["mentee_stages_welcome"]),
                         "preferred_mentor_stages": _enums(TrainingStage, row["preferred_mentor_stages"])})


class PostgresRestatements:
    """Pages of people and enrollments for restating their topics. Each page's rows are locked first (FOR SHARE: every
    change to a person or an enrollment locks its row FOR UPDATE), then read by a statement of its own, which sees
    every change committed before the lock was granted (a suspension too: suspending locks the person)."""

    def __init__(self, conn: asyncpg.Connection, people: PostgresPeople | None = None) -> None:
        self._conn = conn
        self._people = people  # opens profiles: given only to a unit of work that holds the identity key

    async def people(self, after: UUID | None, limit: int) -> list[PublicStanding]:
        ids = await self._locked("people", after, limit)
        rows = await self._conn.fetch(
            """SELECT p.id, p.chapter_id, p.stage, p.is_alumni, s.person_id IS NOT NULL AS suspended
               FROM people p LEFT JOIN suspensions s ON s.person_id = p.id WHERE p.id = ANY($1::uuid[]) ORDER BY p.id""",
            ids)
        return [PublicStanding(row["id"], row["chapter_id"], TrainingStage(row["stage"]), row["is_alumni"],
                               row["suspended"]) for row in rows]

    async def enrollments(self, after: UUID | None, limit: int, *, kept_private: bool = False
                          ) -> list[tuple[Enrollment, TrainingStage, datetime]]:
        if kept_private:  # those of programs that keep who takes part from other teams alone
            ids = [row["id"] for row in await self._conn.fetch(
                """SELECT e.id FROM enrollments e JOIN programs p ON p.id = e.program_id
                   WHERE e.id > $1 AND NOT p.members_public ORDER BY e.id LIMIT $2 FOR SHARE OF e""",
                after or UUID(int=0), limit)]
        else:
            ids = await self._locked("enrollments", after, limit)
        columns = ", ".join(f"e.{c}" for c in ENROLLMENTS.columns)
        rows = await self._conn.fetch(
            f"""SELECT {columns}, p.stage AS person_stage, e.enrolled_at FROM enrollments e
                  JOIN people p ON p.id = e.person_id
                WHERE e.id = ANY($1::uuid[]) ORDER BY e.id""", ids)
        return [(enrollment_from_row({c: row[c] for c in ENROLLMENTS.columns}),
                 TrainingStage(row["person_stage"]), row["enrolled_at"]) for row in rows]

    async def profiles(self, after: UUID | None, limit: int) -> list[Person]:
        assert self._people is not None, "restating profiles opens them: a unit of work with the identity key"
        return await self._people.get_all(await self._locked("people", after, limit))

    async def _locked(self, table: str, after: UUID | None, limit: int) -> list[UUID]:
        # From the nil UUID, below every id, rather than "no lower bound": one plan, an index range scan, every page.
        return [row["id"] for row in await self._conn.fetch(
            f"SELECT id FROM {table} WHERE id > $1 ORDER BY id LIMIT $2 FOR SHARE", after or UUID(int=0), limit)]


class PostgresPartnerships:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def propose(self, pairing_id: UUID, mentee_id: UUID, mentor_id: UUID, program_id: UUID) -> None:
        await self._conn.execute(
            "INSERT INTO partnerships (pairing_id, mentee_id, mentor_id, active, proposed, program_id) "
            "VALUES ($1, $2, $3, false, true, $4) ON CONFLICT (pairing_id) DO NOTHING",
            pairing_id, mentee_id, mentor_id, program_id)

    async def begin(self, pairing_id: UUID, mentee_id: UUID, mentor_id: UUID, program_id: UUID) -> None:
        # One over stays over; one recorded before programs were learns its program from any sign it is still on.
        await self._conn.execute(
            "INSERT INTO partnerships (pairing_id, mentee_id, mentor_id, active, proposed, program_id) "
            "VALUES ($1, $2, $3, true, false, $4) ON CONFLICT (pairing_id) DO UPDATE SET active = true, "
            "proposed = false, program_id = coalesce(partnerships.program_id, EXCLUDED.program_id) "
            "WHERE partnerships.active OR partnerships.proposed", pairing_id, mentee_id, mentor_id, program_id)

    async def end(self, pairing_id: UUID, mentee_id: UUID, mentor_id: UUID) -> None:
        await self._conn.execute(
            "INSERT INTO partnerships (pairing_id, mentee_id, mentor_id, active) VALUES ($1, $2, $3, false) "
            "ON CONFLICT (pairing_id) DO UPDATE SET active = false, proposed = false", pairing_id, mentee_id, mentor_id)

    async def between(self, one: UUID, other: UUID) -> bool:
        return bool(await self._conn.fetchval(
            "SELECT true FROM partnerships WHERE active AND ((mentee_id = $1 AND mentor_id = $2) "
            "OR (mentee_id = $2 AND mentor_id = $1)) LIMIT 1", one, other))

    async def mentee_of(self, pairing_id: UUID, mentor_id: UUID) -> tuple[UUID, UUID | None] | None:
        row = await self._conn.fetchrow(
            "SELECT mentee_id, program_id FROM partnerships WHERE pairing_id = $1 AND mentor_id = $2 "
            "AND (active OR proposed)", pairing_id, mentor_id)
        return (row["mentee_id"], row["program_id"]) if row else None

    async def forget(self, person_id: UUID) -> None:
        await self._conn.execute("DELETE FROM partnerships WHERE mentee_id = $1 OR mentor_id = $1", person_id)


class PostgresEmailChanges:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def save(self, change: EmailChange) -> None:
        await self._conn.execute(
            "INSERT INTO email_changes (person_id, new_email, token_digest, expires_at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (person_id) DO UPDATE SET new_email = EXCLUDED.new_email, "
            "token_digest = EXCLUDED.token_digest, expires_at = EXCLUDED.expires_at",
            change.person_id, change.new_email, change.token_digest, change.expires_at)

    async def by_token(self, digest: bytes) -> EmailChange | None:
        row = await self._conn.fetchrow(
            "SELECT person_id, new_email, token_digest, expires_at FROM email_changes WHERE token_digest = $1 "
            "FOR UPDATE", digest)
        return EmailChange(**row) if row else None

    async def remove(self, person_id: UUID) -> None:
        await self._conn.execute("DELETE FROM email_changes WHERE person_id = $1", person_id)

    async def remove_expired(self, now: datetime) -> int:
        return len(await self._conn.fetch(
            "DELETE FROM email_changes WHERE expires_at <= $1 RETURNING person_id", now))
