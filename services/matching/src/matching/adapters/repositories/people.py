"""People as matching knows them: their matching profile and their enrollments (profiles' events)."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from uuid import UUID

import asyncpg
from mentorship_contracts.vocabulary import PairingKind, Role

from ...domain.model import IdentityWish
from . import records
from .locks import HeldLocks

# Where a person's matching profile may be: known, or set aside until its identity values are hashed (0005).
_PROFILE_TABLES = ("matching_profiles", "profiles_to_hash")
# Who is held back for not answering, as a program's list names them and the counts per program count them: $2 is how
# many lapses in a row hold one back. "> 0", implied by it, is spelt out so the planner may use the partial index of
# those with any lapse (0019), whatever $2 is: a few percent of the enrollments, rather than all of them.
_NOT_ANSWERING = "NOT withdrawn AND unanswered_in_a_row > 0 AND unanswered_in_a_row >= $2"


class PostgresPeople:
    def __init__(self, conn: asyncpg.Connection, locked: set[UUID] | None = None) -> None:
        self._conn = conn
        self._locks = HeldLocks(conn, "person:", locked)  # a key of its own: never a program's

    async def lock(self, person_id: UUID) -> None:
        """The person's lock until the transaction ends."""
        await self._locks.take([person_id])

    async def lock_all(self, person_ids: list[UUID]) -> None:
        await self._locks.take(person_ids)

    async def programs_of_all(self, person_ids: list[UUID]) -> list[UUID]:
        rows = await self._conn.fetch(
            "SELECT DISTINCT program_id FROM enrollments WHERE person_id = ANY($1) AND NOT withdrawn", person_ids)
        return [r["program_id"] for r in rows]

    async def save_profile(self, person_id: UUID, *, stage: str, specialties: list[str], support_areas: list[str],
                           languages: list[str], timezone: str, region: str | None, modalities: list[str],
                           identity: dict[str, str], identity_wishes: list[IdentityWish],
                           shown_to_partner: list[str] | None = None) -> None:
        # Without `shown_to_partner`, a new profile shows nothing and a kept one keeps what it shows.
        await self._conn.execute(
            """INSERT INTO matching_profiles (person_id, stage, specialties, support_areas, languages, timezone, region,
                                              modalities, identity, identity_wishes, shown_to_partner)
               SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, COALESCE($11, '{}'::text[])
                WHERE NOT EXISTS (SELECT 1 FROM erased_people WHERE person_id = $1)
               ON CONFLICT (person_id) DO UPDATE SET stage = $2, specialties = $3, support_areas = $4,
                   languages = $5, timezone = $6, region = $7, modalities = $8, identity = $9, identity_wishes = $10,
                   shown_to_partner = COALESCE($11, matching_profiles.shown_to_partner)""",
            person_id, stage, specialties, support_areas, languages, timezone, region, modalities, json.dumps(identity),
            json.dumps([{"attribute": w.attribute, "required": w.required} for w in identity_wishes]), shown_to_partner,
        )
        # A profile stored before values were hashed, still set aside (migration 0005), is older than this one.
        await self._conn.execute("DELETE FROM profiles_to_hash WHERE person_id = $1", person_id)

    async def forget_identity(self, person_id: UUID, attribute: str) -> None:
        """Consent to use `attribute` in matching was withdrawn: drop its value and any wish built on it (from a
        profile set aside to be hashed, too)."""
        for table in _PROFILE_TABLES:
            await self._conn.execute(
                f"""UPDATE {table}
                       SET identity = identity - $2,
                           identity_wishes = COALESCE((SELECT jsonb_agg(w) FROM jsonb_array_elements(identity_wishes) w
                                                        WHERE w->>'attribute' <> $2), '[]')
                     WHERE person_id = $1""",
                person_id, attribute,
            )

    async def show_to_partner(self, person_id: UUID, attribute: str, shown: bool) -> None:
        """Consent to show `attribute` to a matched partner was given (`shown`) or withdrawn."""
        for table in _PROFILE_TABLES:
            await self._conn.execute(
                f"""UPDATE {table}
                       SET shown_to_partner = CASE WHEN $3 THEN array_append(array_remove(shown_to_partner, $2), $2)
                                                   ELSE array_remove(shown_to_partner, $2) END
                     WHERE person_id = $1""",
                person_id, attribute, shown,
            )

    async def save_enrollment(self, *, enrollment_id: UUID, person_id: UUID, program_id: UUID, chapter_id: UUID | None,
                              role: str, stage: str, capacity: int, mentee_stages_welcome: list[str], approved: bool,
                              enrolled_at: datetime, pairing_kind: str = "general", paused: bool | None = None,
                              review_said: bool = False, rest_said: bool = False,
                              lock_person: bool = False) -> None:
        # With `lock_person`, the person's lock (as `lock` takes it) is taken first, in the same round trip, unless
        # the transaction holds it already.
        lock_person = lock_person and person_id not in self._locks.held
        locked = ("""WITH locked AS (SELECT pg_advisory_xact_lock(hashtextextended('person:' || $2::uuid::text, 0)))
                  """ if lock_person else "")
        await self._conn.execute(
            locked + """INSERT INTO enrollments (id, person_id, program_id, chapter_id, role, stage, capacity,
                                        mentee_stages_welcome, approved, enrolled_at, waiting_since, pairing_kind,
                                        paused, suspended)
               SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, COALESCE($12, false),
                      EXISTS (SELECT 1 FROM suspended_people WHERE person_id = $2)""" + (" FROM locked" if lock_person
                                                                                          else "") + """
                WHERE NOT EXISTS (SELECT 1 FROM erased_people WHERE person_id = $2)
               ON CONFLICT (id) DO UPDATE SET stage = $6, capacity = $7, mentee_stages_welcome = $8,
                                              -- held for review: until profiles says it read the report ($13)
                                              approved = $9 AND NOT (enrollments.held_for_review AND NOT $13
                                                                     AND enrollments.role = 'mentor'),
                                              -- resting: until profiles says it read the ending ($14), or
                                              -- names a review, which staff then end
                                              paused = (enrollments.held_for_review AND NOT $13
                                                        AND enrollments.role = 'mentee')
                                                       OR (enrollments.resting_after_mentorship AND NOT ($13 OR $14))
                                                       OR COALESCE($12, enrollments.paused),
                                              held_for_review = enrollments.held_for_review AND NOT $13,
                                              resting_after_mentorship = enrollments.resting_after_mentorship
                                                                         AND NOT ($13 OR $14),
                                              -- resumed: the run of lapses unanswered starts again
                                              unanswered_in_a_row = CASE WHEN enrollments.paused AND NOT $12
                                                                          AND NOT (enrollments.held_for_review
                                                                                   AND NOT $13)
                                                                          AND NOT (enrollments.resting_after_mentorship
                                                                                   AND NOT ($13 OR $14))
                                                                         THEN 0
                                                                         ELSE enrollments.unanswered_in_a_row END""",
            enrollment_id, person_id, program_id, chapter_id, role, stage, capacity, mentee_stages_welcome, approved,
            enrolled_at, pairing_kind, paused, review_said, rest_said,
        )
        if lock_person:
            self._locks.held.add(person_id)

    async def set_approval(self, enrollment_id: UUID, approved: bool) -> None:
        await self._conn.execute(
            "UPDATE enrollments SET approved = $2, held_for_review = held_for_review AND NOT $2 WHERE id = $1",
            enrollment_id, approved)

    async def hold_for_review(self, enrollment_id: UUID) -> None:
        await self._conn.execute(
            """UPDATE enrollments SET held_for_review = true, approved = approved AND role <> 'mentor',
                                      paused = paused OR role = 'mentee'
                WHERE id = $1""", enrollment_id)

    async def rest(self, enrollment_id: UUID) -> None:
        await self._conn.execute(
            "UPDATE enrollments SET resting_after_mentorship = true, paused = true WHERE id = $1", enrollment_id)

    async def withdraw(self, enrollment_id: UUID) -> None:
        await self._conn.execute("UPDATE enrollments SET withdrawn = true WHERE id = $1", enrollment_id)

    async def went_unanswered(self, enrollment_id: UUID) -> tuple[int, bool]:
        row = await self._conn.fetchrow(
            """UPDATE enrollments SET unanswered_in_a_row = unanswered_in_a_row + 1 WHERE id = $1
               RETURNING unanswered_in_a_row, paused""", enrollment_id)
        return (0, False) if row is None else (row["unanswered_in_a_row"], row["paused"])

    async def runs_of_lapses(self, enrollment_ids: Collection[UUID]) -> dict[UUID, tuple[int, bool]]:
        rows = await self._conn.fetch(
            "SELECT id, unanswered_in_a_row, paused FROM enrollments WHERE id = ANY($1::uuid[])", list(enrollment_ids))
        return {r["id"]: (r["unanswered_in_a_row"], r["paused"]) for r in rows}

    async def answered(self, enrollment_id: UUID) -> None:
        await self._conn.execute(
            "UPDATE enrollments SET unanswered_in_a_row = 0 WHERE id = $1 AND unanswered_in_a_row <> 0", enrollment_id)

    async def hold_back(self, enrollment_id: UUID) -> None:
        await self._conn.execute("UPDATE enrollments SET paused = true WHERE id = $1", enrollment_id)

    async def not_answering(self, program_id: UUID, at_least: int) -> Sequence[asyncpg.Record]:
        return await self._conn.fetch(
            f"""SELECT person_id, id AS enrollment_id, role, unanswered_in_a_row FROM enrollments
                 WHERE program_id = $1 AND {_NOT_ANSWERING}
                 ORDER BY role DESC, unanswered_in_a_row DESC, person_id""", program_id, at_least)

    async def not_answering_counts(self, chapter_ids: frozenset[UUID] | None, at_least: int) -> list[tuple[UUID, int]]:
        rows = await self._conn.fetch(
            f"""SELECT program_id, count(*) AS people FROM enrollments
                 WHERE program_id IN {records.programs_of_chapters("$1")} AND {_NOT_ANSWERING}
                 GROUP BY program_id ORDER BY program_id""", chapter_ids, at_least)
        return [(r["program_id"], r["people"]) for r in rows]

    async def mentors_of(self, program_id: UUID, person_ids: list[UUID]) -> Sequence[asyncpg.Record]:
        return await self._conn.fetch(
            """SELECT person_id, capacity, live_pairings, paused FROM enrollments
                 WHERE program_id = $1 AND role = 'mentor' AND person_id = ANY($2::uuid[])
                   AND NOT withdrawn AND NOT suspended
                 ORDER BY person_id, id""", program_id, person_ids)

    async def suspend(self, person_id: UUID, suspended: bool) -> list[UUID]:
        """The person is suspended (or reinstated): none of their enrollments takes part in pairing meanwhile.
        Returns the programs they are enrolled in (not withdrawn), sorted."""
        if suspended:
            await self._conn.execute("INSERT INTO suspended_people VALUES ($1) ON CONFLICT DO NOTHING", person_id)
        else:
            await self._conn.execute("DELETE FROM suspended_people WHERE person_id = $1", person_id)
        rows = await self._conn.fetch(
            """UPDATE enrollments SET suspended = $2 WHERE person_id = $1 AND NOT withdrawn RETURNING program_id""",
            person_id, suspended)
        return sorted({r["program_id"] for r in rows})

    async def is_suspended(self, person_id: UUID) -> bool:
        return bool(await self._conn.fetchval("SELECT EXISTS (SELECT 1 FROM suspended_people WHERE person_id = $1)",
                                              person_id))

    async def enrollments_of(self, person_id: UUID, program_id: UUID, role: Role | str,
                             pairing_kind: PairingKind | None = None, paused_too: bool = False
                             ) -> Sequence[asyncpg.Record]:
        """A person's active enrollments in a program in one role (one per kind of pairing), of one kind if given;
        `paused_too`, paused ones as well."""
        available = "NOT withdrawn AND NOT suspended" if paused_too else "active"
        return await self._conn.fetch(
            f"""SELECT * FROM enrollments
                WHERE person_id = $1 AND program_id = $2 AND role = $3 AND {available}
                  AND ($4::text IS NULL OR pairing_kind = $4)
                ORDER BY enrolled_at, id""", person_id, program_id, role, pairing_kind)

    async def programs_of(self, person_id: UUID) -> list[UUID]:
        rows = await self._conn.fetch(
            "SELECT DISTINCT program_id FROM enrollments WHERE person_id = $1 AND NOT withdrawn ORDER BY program_id", person_id
        )
        return [r["program_id"] for r in rows]

    async def forget_person(self, person_id: UUID) -> None:
        await self._conn.execute("INSERT INTO erased_people VALUES ($1) ON CONFLICT DO NOTHING", person_id)
        await self._conn.execute("DELETE FROM pairings WHERE mentee_id = $1 OR mentor_id = $1", person_id)
        # A draft's figures count what it holds (its list of rounds shows them); a published round's stay as it was.
        await self._conn.execute(
            """WITH gone AS (DELETE FROM round_pairs WHERE mentee_id = $1 OR mentor_id = $1 RETURNING round_id, score),
                    counted AS (SELECT round_id, count(*) AS pairs, sum(score) AS scores FROM gone GROUP BY round_id)
               UPDATE rounds r SET paired = r.paired - c.pairs, total_score = r.total_score - c.scores
                 FROM counted c WHERE r.id = c.round_id AND r.status = 'draft'""", person_id)
        await self._conn.execute(
            """WITH gone AS (DELETE FROM round_unpaired WHERE mentee_id = $1 RETURNING round_id, reason_code),
                    counted AS (SELECT round_id, sum(n) AS left_out, jsonb_object_agg(reason_code, n) AS by_reason
                                  FROM (SELECT round_id, reason_code, count(*) AS n FROM gone
                                         GROUP BY round_id, reason_code) per_reason GROUP BY round_id)
               UPDATE rounds r SET unpaired = r.unpaired - c.left_out,
                      unpaired_reasons = (SELECT COALESCE(jsonb_object_agg(reason, n), '{}'::jsonb)
                                            FROM (SELECT reason, (r.unpaired_reasons->>reason)::int
                                                                 - COALESCE((c.by_reason->>reason)::int, 0) AS n
                                                    FROM jsonb_object_keys(r.unpaired_reasons) reason) left_now
                                           WHERE n > 0)
                 FROM counted c WHERE r.id = c.round_id AND r.status = 'draft'""", person_id)
        await self._conn.execute(  # a published round's skipped pairs, kept as JSON
            """UPDATE rounds SET skipped = (SELECT COALESCE(jsonb_agg(s), '[]'::jsonb)
                                            FROM jsonb_array_elements(skipped) s
                                           WHERE $1::text NOT IN (s->>'mentee_id', s->>'mentor_id'))
                WHERE skipped @> jsonb_build_array(jsonb_build_object('mentee_id', $1::text))
                   OR skipped @> jsonb_build_array(jsonb_build_object('mentor_id', $1::text))""", str(person_id))
        await self._conn.execute("DELETE FROM enrollments WHERE person_id = $1", person_id)
        await self._conn.execute("DELETE FROM suspended_people WHERE person_id = $1", person_id)
        for table in _PROFILE_TABLES:
            await self._conn.execute(f"DELETE FROM {table} WHERE person_id = $1", person_id)

    async def stored_in_plaintext(self, limit: int) -> list[UUID]:
        rows = await self._conn.fetch("SELECT person_id FROM profiles_to_hash ORDER BY person_id LIMIT $1", limit)
        return [r["person_id"] for r in rows]

    async def rehash(self, person_id: UUID, digests: Callable[[dict[str, str]], dict[str, str]]) -> bool:
        """Back into matching_profiles with its identity hashed (the caller holds the person's lock)."""
        stored = await self._conn.fetchval(
            "SELECT identity FROM profiles_to_hash WHERE person_id = $1 FOR UPDATE", person_id)
        if stored is None:
            return False
        await self._conn.execute(
            """WITH stored AS (DELETE FROM profiles_to_hash WHERE person_id = $1 RETURNING *)
               INSERT INTO matching_profiles (person_id, stage, specialties, support_areas, languages, timezone,
                                              region, modalities, identity, identity_wishes, shown_to_partner)
               SELECT person_id, stage, specialties, support_areas, languages, timezone, region, modalities, $2::jsonb,
                      identity_wishes, shown_to_partner FROM stored""",
            person_id, json.dumps(digests(json.loads(stored))))
        return True
