"""Matching's PostgreSQL read model, pairings, meetings, feedback and rounds."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import fields
from datetime import date, datetime
from uuid import UUID

import asyncpg
from mentorship_contracts.vocabulary import TrainingStage

from ..domain.model import LIVE, Candidate, IdentityWish, Pairing, ProgramRules
from ..domain.scoring import Weights

_LIVE = "('proposed', 'active')"
_PAIRING_COLUMNS = ("id, program_id, chapter_id, mentee_id, mentor_id, status, score, reasons, mentee_accepted, "
                    "mentor_accepted, term_ends_at, last_met_at, mentee_enrollment_id, mentor_enrollment_id")
# A pairing's kind is its mentee enrollment's, read from there rather than kept twice: an enrollment's kind never
# changes, and its pairings go when it does (ON DELETE CASCADE).
_ITS_KIND = "(SELECT e.pairing_kind FROM enrollments e WHERE e.id = mentee_enrollment_id) AS pairing_kind"
_PAIRING = f"{_PAIRING_COLUMNS}, {_ITS_KIND}"
_RETURNING_PAIRING = f"{', '.join('x.' + c.strip() for c in _PAIRING_COLUMNS.split(','))}, {_ITS_KIND}"


def _pairing(row: asyncpg.Record) -> Pairing:
    return Pairing(**{k: (list(v) if k == "reasons" else v) for k, v in dict(row).items()})


_NEW_PAIRING = ["id", "program_id", "chapter_id", "mentee_enrollment_id", "mentor_enrollment_id", "mentee_id",
                "mentor_id", "status", "origin", "round_id", "score", "reasons", "mentee_accepted", "confirmed_at",
                "term_ends_at"]
_STAGES = {s.value: s for s in TrainingStage}


def _program(row: asyncpg.Record) -> ProgramRules:
    values = {f.name: row[f.name] for f in fields(ProgramRules)}
    values["mentee_stages"] = [_STAGES[s] for s in row["mentee_stages"]]
    values["mentor_stages"] = [_STAGES[s] for s in row["mentor_stages"]]
    return ProgramRules(**values)
_EMPTY_JSON = ("{}", "[]")


def _candidate(program: ProgramRules, r: asyncpg.Record) -> Candidate:
    identity, wishes = r["identity"], r["identity_wishes"]
    return Candidate(
        enrollment_id=r["id"], person_id=r["person_id"], stage=_STAGES[r["stage"]],
        capacity=program.room_of(r["capacity"]), active_pairings=r["live"], approved=r["approved"],
        mentee_stages_welcome=[_STAGES[s] for s in r["mentee_stages_welcome"]],
        specialties=r["specialties"], support_areas=r["support_areas"], languages=r["languages"],
        timezone=r["timezone"], region=r["region"], modalities=r["modalities"],
        identity={} if identity in _EMPTY_JSON else json.loads(identity),
        identity_wishes=() if wishes in _EMPTY_JSON else tuple(
            IdentityWish(w["attribute"], w["required"]) for w in json.loads(wishes)),
        waiting_since=r["waiting_since"], pairing_kind=r["pairing_kind"],
    )


class PostgresMatching:
    def __init__(self, conn: asyncpg.Connection, locked: set[UUID] | None = None) -> None:
        self._conn = conn
        self._locked: set[UUID] = set() if locked is None else locked  # program locks the transaction holds

    # --- programs and weights ---------------------------------------------------------------------------
    async def save_program(self, p: ProgramRules) -> None:
        await self._conn.execute(
            """INSERT INTO programs (id, chapter_id, pairing_mode, both_must_accept, pair_cap, minimum_score,
                                     term_months, cadence_max_days, format, group_size, mentee_stages, mentor_stages)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
               ON CONFLICT (id) DO UPDATE SET chapter_id = $2, pairing_mode = $3, both_must_accept = $4,
                   pair_cap = $5, minimum_score = $6, term_months = $7, cadence_max_days = $8, format = $9,
                   group_size = $10, mentee_stages = $11, mentor_stages = $12""",
            p.id, p.chapter_id, p.pairing_mode, p.both_must_accept, p.pair_cap, p.minimum_score, p.term_months,
            p.cadence_max_days, p.format, p.group_size, list(p.mentee_stages), list(p.mentor_stages),
        )

    async def program(self, program_id: UUID) -> ProgramRules | None:
        row = await self._conn.fetchrow("SELECT * FROM programs WHERE id = $1", program_id)
        return None if row is None else _program(row)

    async def pairing_context(self, program_id: UUID) -> tuple[ProgramRules | None, Weights, tuple,
                                                                 dict[UUID, int]]:
        """What pairing in a program needs to know of it, in one round trip (it runs at every registration):
        its rules; its weights; the stamp of its mentors, (this database, how many, the latest change) of its
        active mentor enrollments, which any change to them, their enrollment or their matching profile, changes
        (see migration 0002); and the live pairings per mentor enrollment (mentors without any are absent)."""
        row = await self._conn.fetchrow(
            f"""SELECT p.*, to_jsonb(w) - 'program_id' AS weights, (SELECT origin FROM roster_origin) AS origin,
                       (SELECT count(*) FROM enrollments WHERE program_id = $1 AND role = 'mentor' AND active) AS stamp_n,
                       (SELECT COALESCE(max(changed), 0) FROM enrollments
                         WHERE program_id = $1 AND role = 'mentor' AND active) AS stamp_latest,
                       live.mentors AS live_mentors, live.counts AS live_counts
                  FROM programs p LEFT JOIN program_weights w ON w.program_id = p.id
                  CROSS JOIN (SELECT array_agg(mentor_enrollment_id) AS mentors, array_agg(n) AS counts
                                FROM (SELECT mentor_enrollment_id, count(*) AS n FROM pairings
                                       WHERE program_id = $1 AND status IN {_LIVE}
                                       GROUP BY mentor_enrollment_id) per_mentor) live
                 WHERE p.id = $1""",
            program_id,
        )
        if row is None:
            return None, Weights(), (), {}
        # Counted in the database: one number per mentor, not one id per pairing, crosses the wire.
        live = dict(zip(row["live_mentors"] or (), row["live_counts"] or (), strict=True))
        weights = Weights(**json.loads(row["weights"])) if row["weights"] else Weights()
        return _program(row), weights, (row["origin"], row["stamp_n"], row["stamp_latest"]), live

    async def weights(self, program_id: UUID) -> Weights:
        row = await self._conn.fetchrow("SELECT * FROM program_weights WHERE program_id = $1", program_id)
        return Weights(**{k: v for k, v in dict(row).items() if k != "program_id"}) if row else Weights()

    async def save_weights(self, program_id: UUID, weights: Weights) -> None:
        values = weights.as_dict()
        names = list(values)
        await self._conn.execute(
            f"""INSERT INTO program_weights (program_id, {', '.join(names)})
                VALUES ($1, {', '.join(f'${i}' for i in range(2, len(names) + 2))})
                ON CONFLICT (program_id) DO UPDATE SET {', '.join(f'{n} = EXCLUDED.{n}' for n in names)}""",
            program_id, *values.values(),
        )

    async def lock_program(self, program_id: UUID) -> None:
        """Serialise pairing within one program across instances: capacities and caps stay exact."""
        if program_id not in self._locked:
            await self._conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", str(program_id))
            self._locked.add(program_id)

    # --- people and enrollments -------------------------------------------------------------------------
    async def save_profile(self, person_id: UUID, *, stage: str, specialties: list[str], support_areas: list[str],
                           languages: list[str], timezone: str, region: str | None, modalities: list[str],
                           identity: dict[str, str], identity_wishes: list[IdentityWish]) -> None:
        await self._conn.execute(
            """INSERT INTO matching_profiles (person_id, stage, specialties, support_areas, languages, timezone, region,
                                              modalities, identity, identity_wishes)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
               ON CONFLICT (person_id) DO UPDATE SET stage = $2, specialties = $3, support_areas = $4,
                   languages = $5, timezone = $6, region = $7, modalities = $8, identity = $9, identity_wishes = $10""",
            person_id, stage, specialties, support_areas, languages, timezone, region, modalities, json.dumps(identity),
            json.dumps([{"attribute": w.attribute, "required": w.required} for w in identity_wishes]),
        )

    async def forget_identity(self, person_id: UUID, attribute: str) -> None:
        """Consent to use `attribute` in matching was withdrawn: drop its value and any wish built on it."""
        await self._conn.execute(
            """UPDATE matching_profiles
                  SET identity = identity - $2,
                      identity_wishes = COALESCE((SELECT jsonb_agg(w) FROM jsonb_array_elements(identity_wishes) w
                                                   WHERE w->>'attribute' <> $2), '[]')
                WHERE person_id = $1""",
            person_id, attribute,
        )

    async def has_profile(self, person_id: UUID) -> bool:
        return bool(await self._conn.fetchval("SELECT true FROM matching_profiles WHERE person_id = $1", person_id))

    async def save_enrollment(self, *, enrollment_id: UUID, person_id: UUID, program_id: UUID, chapter_id: UUID | None,
                              role: str, stage: str, capacity: int, mentee_stages_welcome: list[str], approved: bool,
                              enrolled_at: datetime, pairing_kind: str = "general") -> None:
        await self._conn.execute(
            """INSERT INTO enrollments (id, person_id, program_id, chapter_id, role, stage, capacity,
                                        mentee_stages_welcome, approved, enrolled_at, waiting_since, pairing_kind)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)
               ON CONFLICT (id) DO UPDATE SET stage = $6, capacity = $7, mentee_stages_welcome = $8, approved = $9""",
            enrollment_id, person_id, program_id, chapter_id, role, stage, capacity, mentee_stages_welcome, approved,
            enrolled_at, pairing_kind,
        )

    async def set_approval(self, enrollment_id: UUID, approved: bool) -> None:
        await self._conn.execute("UPDATE enrollments SET approved = $2 WHERE id = $1", enrollment_id, approved)

    async def withdraw(self, enrollment_id: UUID) -> None:
        await self._conn.execute("UPDATE enrollments SET active = false WHERE id = $1", enrollment_id)

    async def enrollments_of(self, person_id: UUID, program_id: UUID, role: str,
                             pairing_kind: str | None = None) -> list[asyncpg.Record]:
        """A person's active enrollments in a program in one role (one per kind of pairing), of one kind if given."""
        return await self._conn.fetch(
            """SELECT * FROM enrollments
                WHERE person_id = $1 AND program_id = $2 AND role = $3 AND active
                  AND ($4::text IS NULL OR pairing_kind = $4)
                ORDER BY enrolled_at, id""", person_id, program_id, role, pairing_kind)

    async def programs_of(self, person_id: UUID) -> list[UUID]:
        rows = await self._conn.fetch(
            "SELECT DISTINCT program_id FROM enrollments WHERE person_id = $1 AND active ORDER BY program_id", person_id
        )
        return [r["program_id"] for r in rows]

    async def back_to_waiting(self, mentee_enrollment_id: UUID) -> None:
        await self._conn.execute(
            "UPDATE enrollments SET waiting_since = now(), waitlist_announced = false WHERE id = $1", mentee_enrollment_id
        )

    async def candidates(self, program: ProgramRules, role: str, *, waiting_only: bool = False,
                         enrollment_ids: Iterable[UUID] | None = None) -> list[Candidate]:
        """Active enrollments whose matching profile has arrived (pairing on half the facts would pair badly)."""
        return [_candidate(program, r) for r in await self._candidate_rows(program, role, waiting_only, enrollment_ids)]

    async def _candidate_rows(self, program: ProgramRules, role: str, waiting_only: bool = False,
                              enrollment_ids: Iterable[UUID] | None = None) -> list[asyncpg.Record]:
        column = "mentor_enrollment_id" if role == "mentor" else "mentee_enrollment_id"
        # The live count per enrollment through the partial indexes on live pairings.
        return await self._conn.fetch(
            f"""SELECT * FROM (
                    SELECT e.id, e.person_id, e.stage, e.capacity, e.approved, e.mentee_stages_welcome, e.waiting_since, e.pairing_kind,
                           p.specialties, p.support_areas, p.languages, p.timezone, p.region, p.modalities, p.identity,
                           p.identity_wishes,
                           (SELECT count(*) FROM pairings x WHERE x.{column} = e.id AND x.status IN {_LIVE}) AS live
                      FROM enrollments e
                      JOIN matching_profiles p ON p.person_id = e.person_id
                     WHERE e.program_id = $1 AND e.role = $2 AND e.active
                       AND ($3::uuid[] IS NULL OR e.id = ANY($3))) c
                 WHERE NOT $4 OR c.live = 0
                 ORDER BY c.waiting_since, c.id""",
            program.id, role, None if enrollment_ids is None else list(enrollment_ids), waiting_only,
        )

    async def waiting(self, program: ProgramRules, enrollment_ids: Iterable[UUID] | None = None
                      ) -> tuple[list[Candidate], frozenset[tuple[UUID, UUID]]]:
        """The program's waiting mentees (or those of these enrollments who wait), longest waiting first, and the
        (mentee, mentor) pairs among them that declined or ended before, in any program: one round trip."""
        rows = await self._conn.fetch(
            f"""SELECT e.id, e.person_id, e.stage, e.capacity, e.approved, e.mentee_stages_welcome, e.waiting_since, e.pairing_kind,
                       p.specialties, p.support_areas, p.languages, p.timezone, p.region, p.modalities, p.identity,
                       p.identity_wishes, 0 AS live,
                       ARRAY(SELECT DISTINCT x.mentor_id FROM pairings x
                              WHERE x.mentee_id = e.person_id AND x.status IN ('declined', 'ended')) AS closed_with
                  FROM enrollments e
                  JOIN matching_profiles p ON p.person_id = e.person_id
                 WHERE e.program_id = $1 AND e.role = 'mentee' AND e.active
                   AND ($2::uuid[] IS NULL OR e.id = ANY($2))
                   AND NOT EXISTS (SELECT 1 FROM pairings x WHERE x.mentee_enrollment_id = e.id AND x.status IN {_LIVE})
                 ORDER BY e.waiting_since, e.id""",
            program.id, None if enrollment_ids is None else list(enrollment_ids),
        )
        closed = frozenset((r["person_id"], mentor) for r in rows for mentor in r["closed_with"])
        return [_candidate(program, r) for r in rows], closed

    async def roster(self, program: ProgramRules) -> tuple[list[Candidate], tuple]:
        """The program's mentors with a matching profile, and the stamp `pairing_context` gives of exactly what
        was read."""
        rows = await self._conn.fetch(
            f"""SELECT e.id, e.person_id, e.stage, e.capacity, e.approved, e.mentee_stages_welcome, e.waiting_since, e.pairing_kind,
                       p.person_id IS NOT NULL AS profiled,
                       p.specialties, p.support_areas, p.languages, p.timezone, p.region, p.modalities, p.identity,
                       p.identity_wishes, count(*) OVER () AS stamp_n, max(e.changed) OVER () AS stamp_latest,
                       (SELECT origin FROM roster_origin) AS origin,
                       (SELECT count(*) FROM pairings x WHERE x.mentor_enrollment_id = e.id AND x.status IN {_LIVE}) AS live
                  FROM enrollments e LEFT JOIN matching_profiles p ON p.person_id = e.person_id
                 WHERE e.program_id = $1 AND e.role = 'mentor' AND e.active
                 ORDER BY e.waiting_since, e.id""",
            program.id,
        )
        origin = rows[0]["origin"] if rows else await self._conn.fetchval("SELECT origin FROM roster_origin")
        stamp = (origin, rows[0]["stamp_n"], rows[0]["stamp_latest"]) if rows else (origin, 0, 0)
        return [_candidate(program, r) for r in rows if r["profiled"]], stamp

    async def closed_before(self, program_id: UUID, mentee_ids: Iterable[UUID] | None = None
                            ) -> frozenset[tuple[UUID, UUID]]:
        """(mentee, mentor) pairs among this program's people (or among these mentees) that declined or ended
        before, in any program."""
        if mentee_ids is not None:
            rows = await self._conn.fetch(
                """SELECT DISTINCT mentee_id, mentor_id FROM pairings
                    WHERE mentee_id = ANY($1) AND status IN ('declined', 'ended')""",
                list(mentee_ids),
            )
        else:
            rows = await self._conn.fetch(
                """SELECT DISTINCT x.mentee_id, x.mentor_id FROM pairings x
                    WHERE x.status IN ('declined', 'ended')
                      AND EXISTS (SELECT 1 FROM enrollments e WHERE e.program_id = $1 AND e.person_id = x.mentee_id AND e.active)""",
                program_id,
            )
        return frozenset((r["mentee_id"], r["mentor_id"]) for r in rows)

    async def live_pairings(self, program_id: UUID) -> int:
        return await self._conn.fetchval(
            f"SELECT count(*) FROM pairings WHERE program_id = $1 AND status IN {_LIVE}", program_id
        )

    async def waitlist(self, program_id: UUID) -> list[dict]:
        """Mentees with a matching profile and no live pairing, longest waiting first, each with their place in
        the queue of their kind of pairing (room a mentor offers goes only to mentees seeking the kind offered)."""
        rows = await self._conn.fetch(
            f"""SELECT e.id AS enrollment_id, e.person_id, e.pairing_kind, e.waiting_since, e.waitlist_announced,
                       row_number() OVER (PARTITION BY e.pairing_kind ORDER BY e.waiting_since, e.id) AS position
                  FROM enrollments e JOIN matching_profiles p ON p.person_id = e.person_id
                 WHERE e.program_id = $1 AND e.role = 'mentee' AND e.active
                   AND NOT EXISTS (SELECT 1 FROM pairings x WHERE x.mentee_enrollment_id = e.id AND x.status IN {_LIVE})
                 ORDER BY e.waiting_since, e.id""",
            program_id,
        )
        return [dict(r) for r in rows]

    async def unannounced(self, program_id: UUID, enrollment_ids: list[UUID]) -> list[dict]:
        """Those of these mentee enrollments that wait (a matching profile, no live pairing) and were not told
        their place yet, with the kind of pairing they wait for and their place in its queue, longest waiting
        first."""
        # Places numbered in one pass over the waitlist, not one count of it per mentee: it grows long once
        # mentors are full, and every registration then lands here.
        rows = await self._conn.fetch(
            f"""WITH waiting AS (
                    SELECT e.id, e.person_id, e.pairing_kind, e.waitlist_announced, e.waiting_since,
                           row_number() OVER (PARTITION BY e.pairing_kind ORDER BY e.waiting_since, e.id) AS position
                      FROM enrollments e
                     WHERE e.program_id = $1 AND e.role = 'mentee' AND e.active
                       AND EXISTS (SELECT 1 FROM matching_profiles p WHERE p.person_id = e.person_id)
                       AND NOT EXISTS (SELECT 1 FROM pairings x WHERE x.mentee_enrollment_id = e.id AND x.status IN {_LIVE}))
                SELECT id AS enrollment_id, person_id, pairing_kind, position FROM waiting
                 WHERE id = ANY($2) AND NOT waitlist_announced
                 ORDER BY waiting_since, id""",
            program_id, enrollment_ids,
        )
        return [dict(r) for r in rows]

    async def mark_announced(self, enrollment_ids: list[UUID]) -> None:
        await self._conn.execute("UPDATE enrollments SET waitlist_announced = true WHERE id = ANY($1)", enrollment_ids)

    async def forget_person(self, person_id: UUID) -> None:
        await self._conn.execute("DELETE FROM pairings WHERE mentee_id = $1 OR mentor_id = $1", person_id)
        await self._conn.execute("DELETE FROM enrollments WHERE person_id = $1", person_id)
        await self._conn.execute("DELETE FROM matching_profiles WHERE person_id = $1", person_id)

    # --- pairings ---------------------------------------------------------------------------------------
    async def add_pairings(self, rows: list[dict]) -> None:
        """Insert pairings: dicts with id, program_id, chapter_id, mentee/mentor (Candidates), status, origin,
        score, reasons, and optionally mentee_accepted, round_id, confirmed_at, term_ends_at."""
        records = [
            (r["id"], r["program_id"], r["chapter_id"], r["mentee"].enrollment_id, r["mentor"].enrollment_id,
             r["mentee"].person_id, r["mentor"].person_id, r["status"], r["origin"], r.get("round_id"), r["score"],
             list(r["reasons"]), r.get("mentee_accepted", False), r.get("confirmed_at"), r.get("term_ends_at"))
            for r in rows
        ]
        if len(records) > 1:  # a round's thousands: COPY
            await self._conn.copy_records_to_table("pairings", columns=_NEW_PAIRING, records=records)
        elif records:  # a registration's one: a plain INSERT is one round trip, COPY several
            await self._conn.execute(
                f"INSERT INTO pairings ({', '.join(_NEW_PAIRING)}) "
                f"VALUES ({', '.join(f'${i}' for i in range(1, len(_NEW_PAIRING) + 1))})", *records[0])

    async def program_of_pairing(self, pairing_id: UUID) -> UUID | None:
        return await self._conn.fetchval("SELECT program_id FROM pairings WHERE id = $1", pairing_id)

    async def pairing(self, pairing_id: UUID) -> Pairing | None:
        row = await self._conn.fetchrow(f"SELECT {_PAIRING} FROM pairings WHERE id = $1 FOR UPDATE", pairing_id)
        return _pairing(row) if row else None

    async def pairings_where(self, condition: str, *args) -> list[Pairing]:
        rows = await self._conn.fetch(
            f"SELECT {_PAIRING} FROM pairings WHERE {condition} ORDER BY created_at, id FOR UPDATE", *args
        )
        return [_pairing(r) for r in rows]

    async def live_pairings_of_enrollment(self, enrollment_id: UUID) -> list[Pairing]:
        return await self.pairings_where(
            "(mentee_enrollment_id = $1 OR mentor_enrollment_id = $1) AND status IN ('proposed', 'active', 'requested')",
            enrollment_id,
        )

    async def live_pairings_of_person(self, person_id: UUID) -> list[Pairing]:
        return await self.pairings_where(
            "(mentee_id = $1 OR mentor_id = $1) AND status IN ('proposed', 'active', 'requested')", person_id
        )

    async def pending_requests(self, mentee_enrollment_id: UUID) -> list[Pairing]:
        return await self.pairings_where("mentee_enrollment_id = $1 AND status = 'requested'", mentee_enrollment_id)

    async def save_pairing(self, p: Pairing, *, closed_reason: str | None = None) -> None:
        await self._conn.execute(
            """UPDATE pairings SET status = $2, mentee_accepted = $3, mentor_accepted = $4, term_ends_at = $5,
                   last_met_at = $6,
                   confirmed_at = CASE WHEN $2 = 'active' AND confirmed_at IS NULL THEN now() ELSE confirmed_at END,
                   closed_reason = COALESCE($7, closed_reason),
                   closed_at = CASE WHEN $2 NOT IN ('proposed', 'active', 'requested') THEN now() END
                WHERE id = $1""",
            p.id, p.status, p.mentee_accepted, p.mentor_accepted, p.term_ends_at, p.last_met_at, closed_reason,
        )

    async def pairings_of(self, person_id: UUID) -> list[dict]:
        rows = await self._conn.fetch(
            f"SELECT id, program_id, mentee_id, mentor_id, {_ITS_KIND}, status, score, reasons, term_ends_at, last_met_at "
            "FROM pairings WHERE mentee_id = $1 OR mentor_id = $1 ORDER BY created_at", person_id,
        )
        return [dict(r) for r in rows]

    async def add_meeting(self, pairing_id: UUID, met_on: date, minutes: int, topics: list[str], logged_by: UUID | None) -> None:
        await self._conn.execute(
            "INSERT INTO meetings (pairing_id, met_on, minutes, topics, logged_by) VALUES ($1, $2, $3, $4, $5)",
            pairing_id, met_on, minutes, topics, logged_by,
        )

    async def add_feedback(self, pairing_id: UUID, person_id: UUID, rating: int, comment: str) -> bool:
        return bool(await self._conn.fetchval(
            """INSERT INTO feedback (pairing_id, person_id, rating, comment) VALUES ($1, $2, $3, $4)
               ON CONFLICT DO NOTHING RETURNING true""",
            pairing_id, person_id, rating, comment,
        ))

    # --- the lifecycle jobs: each UPDATE claims its rows, so concurrent instances never signal twice ---------
    async def claim_overdue(self, limit: int) -> list[tuple[Pairing, datetime | None, int]]:
        rows = await self._conn.fetch(
            f"""WITH due AS (
                    SELECT x.id, COALESCE(x.last_met_at, x.confirmed_at) AS since, pr.cadence_max_days
                      FROM pairings x JOIN programs pr ON pr.id = x.program_id
                     WHERE x.status = 'active'
                       AND COALESCE(x.last_met_at, x.confirmed_at) + make_interval(days => pr.cadence_max_days) < now()
                       AND x.overdue_signalled_for IS DISTINCT FROM COALESCE(x.last_met_at, x.confirmed_at)
                     LIMIT $1 FOR UPDATE OF x SKIP LOCKED)
                UPDATE pairings x SET overdue_signalled_for = due.since FROM due WHERE x.id = due.id
                RETURNING {_RETURNING_PAIRING},
                          x.last_met_at AS met, EXTRACT(day FROM now() - due.since - make_interval(days => due.cadence_max_days))::int AS late""",
            limit,
        )
        return [(_pairing(_without(r, "met", "late")), r["met"], r["late"]) for r in rows]

    async def claim_renewals_due(self, notice_days: int, limit: int) -> list[Pairing]:
        rows = await self._conn.fetch(
            f"""WITH due AS (
                    SELECT id FROM pairings
                     WHERE status = 'active' AND term_ends_at - make_interval(days => $1) < now() AND term_ends_at > now()
                       AND renewal_signalled_for IS DISTINCT FROM term_ends_at
                     LIMIT $2 FOR UPDATE SKIP LOCKED)
                UPDATE pairings x SET renewal_signalled_for = x.term_ends_at FROM due WHERE x.id = due.id
                RETURNING {_RETURNING_PAIRING}""",
            notice_days, limit,
        )
        return [_pairing(r) for r in rows]

    async def programs_with_terms_ended(self) -> list[UUID]:
        rows = await self._conn.fetch(
            "SELECT DISTINCT program_id FROM pairings WHERE status = 'active' AND term_ends_at < now() ORDER BY 1"
        )
        return [r["program_id"] for r in rows]

    async def terms_ended(self, program_ids: list[UUID], limit: int) -> list[Pairing]:
        rows = await self._conn.fetch(
            f"""SELECT {_PAIRING} FROM pairings
                 WHERE program_id = ANY($1) AND status = 'active' AND term_ends_at < now()
                 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED""",
            program_ids, limit,
        )
        return [_pairing(r) for r in rows]

    # --- rounds -----------------------------------------------------------------------------------------
    async def queue_round(self, round_id: UUID, program_id: UUID, method: str, most_pairs_first: bool) -> None:
        await self._conn.execute(
            "INSERT INTO rounds (id, program_id, method, most_pairs_first) VALUES ($1, $2, $3, $4)",
            round_id, program_id, method, most_pairs_first,
        )

    async def claim_round(self) -> asyncpg.Record | None:
        return await self._conn.fetchrow(
            """UPDATE rounds SET status = 'running' WHERE id = (
                   SELECT id FROM rounds WHERE status = 'queued' ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED)
               RETURNING *"""
        )

    async def round_progress(self, round_id: UUID, percent: int) -> None:
        await self._conn.execute("UPDATE rounds SET progress = $2 WHERE id = $1", round_id, percent)

    async def finish_round(self, round_id: UUID, *, status: str, paired: int = 0, unpaired: int = 0,
                           total_score: int = 0, unpaired_reasons: dict | None = None, error: str | None = None) -> None:
        await self._conn.execute(
            """UPDATE rounds SET status = $2, progress = 100, paired = $3, unpaired = $4, total_score = $5,
                   unpaired_reasons = $6, error = $7, finished_at = now() WHERE id = $1""",
            round_id, status, paired, unpaired, total_score, json.dumps(unpaired_reasons or {}), error,
        )

    async def round(self, round_id: UUID) -> dict | None:
        row = await self._conn.fetchrow("SELECT * FROM rounds WHERE id = $1", round_id)
        if row is None:
            return None
        values = dict(row)
        values["unpaired_reasons"] = json.loads(row["unpaired_reasons"]) if row["unpaired_reasons"] else None
        return values

    async def unprofiled_mentees(self, program_id: UUID) -> int:
        return await self._conn.fetchval(
            """SELECT count(*) FROM enrollments e WHERE e.program_id = $1 AND e.role = 'mentee' AND e.active
                 AND NOT EXISTS (SELECT 1 FROM matching_profiles p WHERE p.person_id = e.person_id)""",
            program_id,
        )

    # --- statistics -------------------------------------------------------------------------------------
    async def statistics(self, program_id: UUID) -> dict:
        counts = dict(await self._conn.fetch(
            "SELECT status, count(*) FROM pairings WHERE program_id = $1 GROUP BY status", program_id
        ))
        overdue = await self._conn.fetchval(
            """SELECT count(*) FROM pairings x JOIN programs pr ON pr.id = x.program_id
                WHERE x.program_id = $1 AND x.status = 'active'
                  AND COALESCE(x.last_met_at, x.confirmed_at) + make_interval(days => pr.cadence_max_days) < now()""",
            program_id,
        )
        waiting = await self._conn.fetchrow(
            f"""SELECT count(*) AS n, EXTRACT(epoch FROM avg(now() - e.waiting_since)) / 86400 AS mean_days,
                       EXTRACT(epoch FROM max(now() - e.waiting_since)) / 86400 AS max_days
                  FROM enrollments e JOIN matching_profiles p ON p.person_id = e.person_id
                 WHERE e.program_id = $1 AND e.role = 'mentee' AND e.active
                   AND NOT EXISTS (SELECT 1 FROM pairings x WHERE x.mentee_enrollment_id = e.id AND x.status IN {_LIVE})""",
            program_id,
        )
        return {
            "paired": sum(counts.get(s, 0) for s in LIVE),
            "proposed": counts.get("proposed", 0),
            "active": counts.get("active", 0),
            "overdue": overdue,
            "completed": counts.get("completed", 0),
            "ended": counts.get("ended", 0),
            "declined": counts.get("declined", 0),
            "waiting": waiting["n"],
            "waiting_days_mean": round(float(waiting["mean_days"] or 0), 2),
            "waiting_days_max": round(float(waiting["max_days"] or 0), 2),
        }


def _without(row: asyncpg.Record, *names: str) -> dict:
    return {k: v for k, v in dict(row).items() if k not in names}
