"""What the repositories share: the SQL of a pairing and of "live", and the mapping of rows to the domain."""

from __future__ import annotations

import json
from dataclasses import fields

import asyncpg
from mentorship_contracts.vocabulary import PairingKind, TrainingStage

from ...domain.model import WITHDRAWN, Candidate, IdentityWish, Pairing, ProgramRules

LIVE = "('proposed', 'active')"
OPEN = "('proposed', 'active', 'requested')"
OVERDUE_AFTER = "interval '36 hours'"  # the due day's 24 hours, and the 12 by which UTC-12 is behind


def overdue(pairing: str, program: str) -> str:
    """Whether the active pairing `pairing`'s next meeting is overdue by its program `program`'s cadence: once the day
    it was due by is over everywhere (36 hours after it began in UTC), as the pair's pages say "due by" that day."""
    return (f"COALESCE({pairing}.last_met_at, {pairing}.confirmed_at) + make_interval(days => {program}.cadence_max_days)"
            f" + {OVERDUE_AFTER} < now()")


def programs_of_chapters(chapter_ids: str) -> str:
    """The ids of the programs of the chapters in the uuid[] parameter `chapter_ids` (NULL: every program, those of no
    chapter too), as staff manage them: a subquery."""
    return f"(SELECT id FROM programs WHERE {chapter_ids}::uuid[] IS NULL OR chapter_id = ANY({chapter_ids}::uuid[]))"


def closed_before(alias: str = "") -> str:
    """Whether a pairing keeps its mentee and mentor apart from then on: declined, ended, or left unanswered. Not a
    request its mentee took back: neither said no to the other, and the mentee may ask that mentor again."""
    x = f"{alias}." if alias else ""
    return (f"(({x}status IN ('declined', 'ended') AND {x}closed_reason IS DISTINCT FROM '{WITHDRAWN}')"
            f" OR ({x}status = 'lapsed' AND {x}closed_reason = 'unanswered'))")


def answer_within(default_days: str) -> str:
    """The days a pairing may wait for an answer: its program's, else `default_days` (a parameter)."""
    return f"COALESCE((SELECT pr.answer_within_days FROM programs pr WHERE pr.id = program_id), {default_days})"


def unanswered_for(default_days: str) -> str:
    """Whether a pairing is still proposed or requested, made longer ago than its time to answer: it lapses."""
    return (f"status IN ('proposed', 'requested') "
            f"AND created_at < now() - make_interval(days => {answer_within(default_days)})")


_PAIRING_COLUMNS = ("id, program_id, chapter_id, mentee_id, mentor_id, status, score, reasons, mentee_accepted, "
                    "mentor_accepted, term_ends_at, last_met_at, mentee_enrollment_id, mentor_enrollment_id, "
                    "confirmed_at, mentee_renews, mentor_renews, origin, created_at, closed_reason, closed_by")
# A pairing's kind is its mentee enrollment's, read from there rather than kept twice: an enrollment's kind never
# changes, and its pairings go when it does (ON DELETE CASCADE).
ITS_KIND = "(SELECT e.pairing_kind FROM enrollments e WHERE e.id = mentee_enrollment_id) AS pairing_kind"
# Its program's time to answer, read with it (None: the service's default).
ITS_ANSWER_TIME = "(SELECT pr.answer_within_days FROM programs pr WHERE pr.id = program_id) AS answer_within_days"
PAIRING = f"{_PAIRING_COLUMNS}, {ITS_KIND}, {ITS_ANSWER_TIME}"
RETURNING_PAIRING = (f"{', '.join('x.' + c.strip() for c in _PAIRING_COLUMNS.split(','))}, {ITS_KIND}, "
                     f"{ITS_ANSWER_TIME.replace('= program_id', '= x.program_id')}")
# What a candidate is read from: their enrollment `e` and their matching profile `p`.
ENROLLMENT_COLUMNS = ("e.id, e.person_id, e.stage, e.capacity, e.approved, e.mentee_stages_welcome, e.waiting_since, "
                      "e.pairing_kind")
PROFILE_COLUMNS = ("p.specialties, p.support_areas, p.languages, p.timezone, p.region, p.modalities, p.identity, "
                   "p.identity_wishes, p.shown_to_partner")


def waiting(e: str = "e") -> str:
    """The mentee enrollment `e` waits: active, its matching profile arrived, no live pairing. Written as the
    waitlist's index (`enrollments_waiting`) is, so that it serves the condition."""
    return f"{e}.role = 'mentee' AND {e}.active AND {e}.profiled AND {e}.live_pairings = 0"


_STAGES = {s.value: s for s in TrainingStage}
_KINDS = {k.value: k for k in PairingKind}
_EMPTY_JSON = ("{}", "[]")


def pairing(row: asyncpg.Record | dict) -> Pairing:
    values = dict(row)
    values["reasons"] = list(values["reasons"])
    values["pairing_kind"] = _KINDS[values["pairing_kind"]]
    return Pairing(**values)


def program(row: asyncpg.Record) -> ProgramRules:
    values = {f.name: row[f.name] for f in fields(ProgramRules)}
    values["mentee_stages"] = [_STAGES[s] for s in row["mentee_stages"]]
    values["mentor_stages"] = [_STAGES[s] for s in row["mentor_stages"]]
    return ProgramRules(**values)


def candidate(program: ProgramRules, r: asyncpg.Record) -> Candidate:
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
        shown=frozenset(r["shown_to_partner"]),
        waiting_since=r["waiting_since"], pairing_kind=_KINDS[r["pairing_kind"]],
    )
