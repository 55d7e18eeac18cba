"""PostgreSQL side of the console: staff roles, suspensions, invitations, and the questions the console asks."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from mentorship_contracts.vocabulary import Role, TrainingStage

from ..domain.commands import ConsoleSearch, VettingQueue
from ..domain.console import Invitation, StaffRoles
from ..domain.model import Enrollment, Person, Suspension
from ..service_layer.ports import InvitationStatus
from .repository import ENROLLMENTS, PEOPLE, PostgresPeople, enrollment_from_row


class _Arguments:
    """A statement's arguments, numbered as they are added: `add` answers the placeholder ($1, $2…) to write."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def add(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


class PostgresStaffRoles:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def get(self, person_id: UUID) -> StaffRoles:
        administrator = bool(await self._conn.fetchval(
            "SELECT true FROM administrators WHERE person_id = $1", person_id))
        chapters = {r["chapter_id"] for r in await self._conn.fetch(
            "SELECT chapter_id FROM coordinators WHERE person_id = $1", person_id)}
        return StaffRoles(person_id, administrator, chapters)

    async def save(self, roles: StaffRoles) -> None:
        if roles.administrator:
            await self._conn.execute("INSERT INTO administrators (person_id) VALUES ($1) ON CONFLICT DO NOTHING",
                                     roles.person_id)
        else:
            await self._conn.execute("DELETE FROM administrators WHERE person_id = $1", roles.person_id)
        await self._conn.execute("DELETE FROM coordinators WHERE person_id = $1 AND NOT chapter_id = ANY($2::uuid[])",
                                 roles.person_id, list(roles.coordinator_of))
        await self._conn.executemany(
            "INSERT INTO coordinators (person_id, chapter_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            [(roles.person_id, chapter) for chapter in roles.coordinator_of])

    async def active_administrators(self) -> set[UUID]:
        # Locked, in one order: two administrators revoking, suspending or erasing each other at once queue here. The
        # second reads who is able to act in a statement of its own, begun once it holds the lock, so it sees the
        # first's suspension (a row of another table: the rows locked are unchanged, and a statement that waited for
        # them would answer from the snapshot it began with).
        await self._conn.execute("SELECT person_id FROM administrators ORDER BY person_id FOR UPDATE")
        rows = await self._conn.fetch(
            "SELECT person_id FROM administrators a "
            "WHERE NOT EXISTS (SELECT 1 FROM suspensions s WHERE s.person_id = a.person_id)")
        return {r["person_id"] for r in rows}

    async def coordinators(self) -> list[tuple[UUID, UUID]]:
        rows = await self._conn.fetch("SELECT chapter_id, person_id FROM coordinators ORDER BY chapter_id, person_id")
        return [(r["chapter_id"], r["person_id"]) for r in rows]

    async def reviewers(self, chapter_id: UUID | None, other_than: UUID) -> list[UUID]:
        rows = await self._conn.fetch(
            """WITH staff AS (SELECT person_id, false AS national FROM coordinators WHERE chapter_id = $1
                              UNION SELECT person_id, true FROM administrators),
                    able AS (SELECT s.* FROM staff s WHERE s.person_id <> $2
                             AND NOT EXISTS (SELECT 1 FROM suspensions x WHERE x.person_id = s.person_id))
               SELECT person_id FROM able
                WHERE national = NOT EXISTS (SELECT 1 FROM able WHERE NOT national)
                ORDER BY person_id""",
            chapter_id, other_than)
        return [r["person_id"] for r in rows]


class PostgresSuspensions:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def suspended(self, person_ids: list[UUID]) -> set[UUID]:
        rows = await self._conn.fetch("SELECT person_id FROM suspensions WHERE person_id = ANY($1::uuid[])",
                                      person_ids)
        return {r["person_id"] for r in rows}

    async def suspend(self, person_id: UUID, at: datetime, by: UUID | None, by_administrator: bool,
                      note: str | None) -> bool:
        # Who suspended them is kept while they are a person here (a service's caller is none).
        suspended = bool(await self._conn.fetchval(
            "INSERT INTO suspensions (person_id, suspended_at, by_administrator, suspended_by, note) "
            "VALUES ($1, $2, $3, (SELECT id FROM people WHERE id = $4), $5) ON CONFLICT DO NOTHING RETURNING true",
            person_id, at, by_administrator, by, note))
        if not suspended and by_administrator:
            await self._conn.execute(
                "UPDATE suspensions SET by_administrator = true, note = $3, "
                "suspended_by = (SELECT id FROM people WHERE id = $2) WHERE person_id = $1", person_id, by, note)
        return suspended

    async def of(self, person_id: UUID) -> Suspension | None:
        row = await self._conn.fetchrow(
            "SELECT suspended_at, by_administrator, suspended_by, note FROM suspensions WHERE person_id = $1",
            person_id)
        return Suspension(row["suspended_at"], row["by_administrator"], row["suspended_by"], row["note"]) if row \
            else None

    async def reinstate(self, person_id: UUID) -> bool:
        return bool(await self._conn.fetchval("DELETE FROM suspensions WHERE person_id = $1 RETURNING true",
                                              person_id))


_ACCEPTED = ("EXISTS (SELECT 1 FROM enrollments e WHERE e.person_id = i.person_id AND e.program_id = i.program_id "
             "AND e.role = i.role)")


class PostgresInvitations:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def save(self, invitation: Invitation) -> bool:
        return bool(await self._conn.fetchval(
            "INSERT INTO invitations (id, person_id, program_id, chapter_id, role, stage, invited_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (person_id, program_id, role) DO NOTHING RETURNING true",
            invitation.id, invitation.person_id, invitation.program_id, invitation.chapter_id, invitation.role.value,
            invitation.stage.value, invitation.invited_at))

    async def held(self, person_id: UUID, program_id: UUID, role: Role) -> InvitationStatus | None:
        accepted = await self._conn.fetchval(
            f"SELECT {_ACCEPTED} FROM invitations i WHERE i.person_id = $1 AND i.program_id = $2 AND i.role = $3",
            person_id, program_id, role.value)
        return None if accepted is None else ("accepted" if accepted else "pending")

    async def listed(self, *, person_id: UUID | None = None, program_id: UUID | None = None,
                     status: InvitationStatus | None = None) -> list[tuple[Invitation, InvitationStatus]]:
        rows = await self._conn.fetch(
            f"SELECT i.*, {_ACCEPTED} AS accepted FROM invitations i "
            "WHERE ($1::uuid IS NULL OR i.person_id = $1) AND ($2::uuid IS NULL OR i.program_id = $2) "
            f"AND ($3::text IS NULL OR {_ACCEPTED} = ($3 = 'accepted')) ORDER BY i.invited_at, i.id",
            person_id, program_id, status)
        return [(Invitation(r["id"], r["person_id"], r["program_id"], r["chapter_id"], Role(r["role"]),
                            TrainingStage(r["stage"]), r["invited_at"]),
                 "accepted" if r["accepted"] else "pending") for r in rows]


class PostgresPersonIds:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def person_with_email(self, email: str) -> UUID | None:
        return await self._conn.fetchval("SELECT id FROM people WHERE lower(email) = lower($1)", email)

    async def person_exists(self, person_id: UUID) -> bool:
        return bool(await self._conn.fetchval("SELECT true FROM people WHERE id = $1", person_id))


def _under_review(under_review: bool) -> str:
    """Whether the enrollment `e` is (or is not) under review after a report of conduct."""
    return f"e.review_reason IS {'NOT ' if under_review else ''}NULL"


class PostgresConsoleQueries(PostgresPersonIds):
    def __init__(self, conn: asyncpg.Connection, people: PostgresPeople) -> None:
        super().__init__(conn)
        self._people = people

    async def search(self, query: ConsoleSearch) -> tuple[list[Person], int]:
        arguments = _Arguments()
        param = arguments.add
        conditions = ["true"]
        if query.chapter_ids is not None:
            conditions.append(f"p.chapter_id = ANY({param(list(query.chapter_ids))}::uuid[])")
        if query.stages:
            conditions.append(f"p.stage = ANY({param([s.value for s in query.stages])}::text[])")
        if query.specialty:
            conditions.append(f"{param(query.specialty.value)} = ANY(p.specialties)")
        if query.is_alumni is not None:
            conditions.append(f"p.is_alumni = {param(query.is_alumni)}")
        if query.suspended is not None:
            conditions.append(f"{'' if query.suspended else 'NOT '}EXISTS "
                              "(SELECT 1 FROM suspensions s WHERE s.person_id = p.id)")
        # Each word of the text in the name or the email, in any order ("Quintero, Zed"; an address pasted with a
        # space), matched literally whatever the case: the text's own % and _ are not wildcards.
        for word in (query.text or "").lower().replace(",", " ").split():
            placeholder = param("%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
            conditions.append(f"(lower(p.display_name) LIKE {placeholder} OR lower(p.email) LIKE {placeholder})")
        if query.role or query.program_id or query.approval or query.under_review is not None:
            enrolled = ["e.person_id = p.id", "e.active"]
            if query.role:
                enrolled.append(f"e.role = {param(query.role.value)}")
            if query.approval:
                enrolled += ["e.role = 'mentor'", f"e.approval = {param(query.approval)}"]
            if query.program_id:
                enrolled.append(f"e.program_id = {param(query.program_id)}")
            if query.under_review is not None:
                enrolled.append(_under_review(query.under_review))
            conditions.append(f"EXISTS (SELECT 1 FROM enrollments e WHERE {' AND '.join(enrolled)})")
        matching = f"FROM people p WHERE {' AND '.join(conditions)}"
        total = await self._conn.fetchval(f"SELECT count(*) {matching}", *arguments.values)
        rows = await self._conn.fetch(
            f"SELECT {', '.join(f'p.{c}' for c in PEOPLE.columns)} {matching} ORDER BY p.display_name, p.id "
            f"LIMIT {param(query.limit)} OFFSET {param(query.offset)}", *arguments.values)
        return [self._people._person(row) for row in rows], total

    async def names(self, person_ids: list[UUID], chapter_ids: list[UUID] | None) -> list[tuple[UUID, str]]:
        rows = await self._conn.fetch(
            "SELECT id, display_name FROM people WHERE id = ANY($1::uuid[]) "
            "AND ($2::uuid[] IS NULL OR chapter_id = ANY($2::uuid[])) ORDER BY display_name, id",
            person_ids, chapter_ids)
        return [(r["id"], r["display_name"]) for r in rows]

    async def contacts(self, person_ids: list[UUID], chapter_ids: list[UUID] | None) -> list[tuple[UUID, str, str]]:
        rows = await self._conn.fetch(
            "SELECT id, display_name, email FROM people WHERE id = ANY($1::uuid[]) "
            "AND ($2::uuid[] IS NULL OR chapter_id = ANY($2::uuid[])) ORDER BY display_name, id",
            person_ids, chapter_ids)
        return [(r["id"], r["display_name"], r["email"]) for r in rows]

    async def enrollments_of(self, person_ids: list[UUID]) -> dict[UUID, list[Enrollment]]:
        rows = await self._conn.fetch(f"{ENROLLMENTS.select} WHERE person_id = ANY($1::uuid[]) ORDER BY id",
                                      person_ids)
        found: dict[UUID, list[Enrollment]] = defaultdict(list)
        for row in rows:
            found[row["person_id"]].append(enrollment_from_row(row))
        return dict(found)

    @staticmethod
    def _vetting_matches(query: VettingQueue) -> tuple[str, _Arguments]:
        """The enrollments the query matches, its page aside: a FROM … WHERE clause and its arguments. Only the
        filters given are written, so the planner sees `e.approval = 'pending'` and may use the index of those
        waiting for approval (0012) however often the statement is run."""
        arguments = _Arguments()
        conditions = ["e.active"]
        if query.chapter_ids is not None:
            conditions.append(f"p.chapter_id = ANY({arguments.add(list(query.chapter_ids))}::uuid[])")
        if query.program_id:
            conditions.append(f"e.program_id = {arguments.add(query.program_id)}")
        if query.role:
            conditions.append(f"e.role = {arguments.add(query.role.value)}")
        if query.approval:
            conditions.append(f"e.approval = {arguments.add(query.approval)}")
        if query.under_review is not None:
            conditions.append(_under_review(query.under_review))
        return f"FROM enrollments e JOIN people p ON p.id = e.person_id WHERE {' AND '.join(conditions)}", arguments

    async def vetting_queue(self, query: VettingQueue) -> tuple[list[tuple[Enrollment, str, datetime]], int]:
        matching, arguments = self._vetting_matches(query)
        total = await self._conn.fetchval(f"SELECT count(*) {matching}", *arguments.values)
        rows = await self._conn.fetch(
            f"SELECT {', '.join(f'e.{c}' for c in ENROLLMENTS.columns)}, p.display_name, e.enrolled_at {matching} "
            f"ORDER BY p.display_name, e.id LIMIT {arguments.add(query.limit)} OFFSET {arguments.add(query.offset)}",
            *arguments.values)
        return [(enrollment_from_row({c: r[c] for c in ENROLLMENTS.columns}), r["display_name"], r["enrolled_at"])
                for r in rows], total

    async def vetting_counts(self, query: VettingQueue) -> list[tuple[UUID, int]]:
        matching, arguments = self._vetting_matches(query)
        rows = await self._conn.fetch(
            f"SELECT e.program_id, count(*) AS matched {matching} GROUP BY e.program_id ORDER BY e.program_id",
            *arguments.values)
        return [(r["program_id"], r["matched"]) for r in rows]

    async def enrolled_in(self, person_id: UUID, program_id: UUID, role: Role) -> bool:
        return bool(await self._conn.fetchval(
            "SELECT true FROM enrollments WHERE person_id = $1 AND program_id = $2 AND role = $3 LIMIT 1",
            person_id, program_id, role.value))

    async def people_counts(self) -> list[tuple[str, str, str, int]]:
        rows = await self._conn.fetch(
            """SELECT i.program_id::text AS program, i.stage AS stage, 'invited' AS measure, count(*) AS n
                 FROM invitations i GROUP BY 1, 2
               UNION ALL
               SELECT e.program_id::text, p.stage,
                      CASE e.role WHEN 'mentee' THEN 'enrolled_mentees' ELSE 'enrolled_mentors' END, count(*)
                 FROM enrollments e JOIN people p ON p.id = e.person_id
                WHERE e.active GROUP BY 1, 2, 3""")
        return [(r["program"], r["stage"], r["measure"], r["n"]) for r in rows]

    async def partners_of(self, person_id: UUID) -> list[tuple[UUID, UUID]]:
        rows = await self._conn.fetch(
            "SELECT pairing_id, CASE WHEN mentee_id = $1 THEN mentor_id ELSE mentee_id END AS partner "
            "FROM partnerships WHERE active AND (mentee_id = $1 OR mentor_id = $1) ORDER BY pairing_id", person_id)
        return [(r["pairing_id"], r["partner"]) for r in rows]
