"""In-memory repositories for the handlers' unit tests, split as the PostgreSQL ones are: no database, no broker.

They keep the facts the PostgreSQL repositories keep and answer the same questions with the same meaning
(waiting = a matching profile and no live pairing; places by waiting order; the roster stamp changes whenever a
mentor, their enrollment or their profile does). Each keeps its tables in its own attributes, which plumbing's
`FakeUnitOfWork` restores when a unit leaves without committing; where the database would join tables, a fake
reads another's through `Tables`, which every fake shares and no snapshot copies.
"""

from __future__ import annotations

import copy
import itertools
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from matching.adapters.identity_hashing import IdentityHasher
from matching.domain.model import LIVE, WITHDRAWN, Candidate, IdentityWish, NewPairing, Pairing, ProgramRules
from matching.domain.rounds import DraftPair, Unpaired
from matching.domain.scoring import Weights
from matching.service_layer.rosters import RosterCache
from matching.service_layer.unit_of_work import as_published
from mentorship_contracts import IntegrationEvent
from mentorship_contracts.vocabulary import PairingKind, TrainingStage
from plumbing import audit
from plumbing.audit import AuditEntry
from plumbing.auth import Principal
from plumbing.testing import FakeTransaction, FakeUnitOfWork

OPEN = ("proposed", "active", "requested")
CLOSED_BEFORE = ("declined", "ended")


def closed_before(x: dict) -> bool:
    return ((x["status"] in CLOSED_BEFORE and x["closed_reason"] != WITHDRAWN)
            or (x["status"], x["closed_reason"]) == ("lapsed", "unanswered"))
EPOCH = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=365)
# The tests' own key for identity values (a deployment's comes from MATCHING_IDENTITY_KEY; there is no default).
IDENTITY_KEY = "CzBVep_E6Q4zWH2ix-wRNluApcrvFDleg6jN8hc8YYY="


class Tables:
    """The fake repositories, for each other's joins. Shared by all of them, so a snapshot never copies it."""

    programs: FakePrograms
    people: FakePeople
    pairings: FakePairings
    audit_trail: list[AuditEntry]  # every unit's entries, once committed (each unit's own `audited` has its own)

    def __deepcopy__(self, memo: dict) -> Tables:
        return self


class FakePrograms:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self.programs: dict[UUID, ProgramRules] = {}
        self.weights_of: dict[UUID, Weights] = {}

    async def save(self, program: ProgramRules) -> None:
        self.programs[program.id] = program

    async def get(self, program_id: UUID) -> ProgramRules | None:
        return self.programs.get(program_id)

    async def keeping_members_private(self, program_ids: Collection[UUID]) -> set[UUID]:
        return {p for p in program_ids if p not in self.programs or not self.programs[p].members_public}

    def of_chapters(self, chapter_ids: frozenset[UUID] | None) -> set[UUID]:
        """The programs of these chapters (None: every program), as staff manage them."""
        return {p.id for p in self.programs.values() if chapter_ids is None or p.chapter_id in chapter_ids}

    async def lock(self, program_id: UUID) -> None:
        """One process, one transaction at a time: nothing to serialise."""

    def holds(self, program_id: UUID) -> bool:
        return False

    def roster_stamp(self, program_id: UUID) -> tuple:
        """(this fake, how many, the latest change) of the program's active mentor enrollments."""
        mentors = [e for e in self._tables.people.enrollments.values()
                   if e["program_id"] == program_id and e["role"] == "mentor" and e["active"]]
        return "fake", len(mentors), max((e["changed"] for e in mentors), default=0)

    async def pairing_context(self, program_id: UUID) -> tuple[ProgramRules | None, Weights, tuple,
                                                                 dict[UUID, int]]:
        live: dict[UUID, int] = {}
        for x in self._tables.pairings.pairings.values():
            if x["program_id"] == program_id and x["status"] in LIVE:
                live[x["mentor_enrollment_id"]] = live.get(x["mentor_enrollment_id"], 0) + 1
        return await self.get(program_id), await self.weights(program_id), self.roster_stamp(program_id), live

    async def weights(self, program_id: UUID) -> Weights:
        return self.weights_of.get(program_id, Weights())

    async def save_weights(self, program_id: UUID, weights: Weights) -> None:
        self.weights_of[program_id] = weights

    async def statistics(self, program_id: UUID) -> dict[str, Any]:
        statuses = [x["status"] for x in self._tables.pairings.pairings.values() if x["program_id"] == program_id]
        waiting = [e for e in self._tables.people.enrolled(program_id, "mentee")
                   if not self._tables.pairings.live_of(e["id"], "mentee_enrollment_id")]
        days = [(datetime.now(UTC) - e["waiting_since"]).total_seconds() / 86400 for e in waiting]
        return {"paired": sum(s in LIVE for s in statuses), "overdue": 0, "waiting": len(waiting),
                **{s: statuses.count(s) for s in ("proposed", "active", "completed", "ended", "declined")},
                "waiting_days_mean": round(sum(days) / len(days), 2) if days else 0.0,
                "waiting_days_max": round(max(days, default=0.0), 2)}


class FakePeople:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self.profiles: dict[UUID, dict] = {}
        self.plaintext: dict[UUID, dict] = {}  # profiles set aside until their identity values are hashed
        self.enrollments: dict[UUID, dict] = {}
        self.suspended: set[UUID] = set()
        self.changes = 0  # the roster stamp's sequence
        self.ticks = 0  # the fake clock of "now" for waiting_since

    def change(self) -> int:
        self.changes += 1
        return self.changes

    def clock(self) -> datetime:
        self.ticks += 1
        return EPOCH + timedelta(seconds=self.ticks)

    async def lock(self, person_id: UUID) -> None:
        """One process, one transaction at a time: nothing to serialise."""

    def enrolled(self, program_id: UUID, role: str, paused_too: bool = False) -> list[dict]:
        """Active enrollments with a matching profile (`paused_too`: paused ones as well), longest waiting first."""
        found = [e for e in self.enrollments.values() if e["program_id"] == program_id and e["role"] == role
                 and (e["active"] or (paused_too and not (e["withdrawn"] or e["suspended"])))
                 and e["person_id"] in self.profiles]
        return sorted(found, key=lambda e: (e["waiting_since"], str(e["id"])))

    async def save_profile(self, person_id: UUID, *, stage: str, specialties: list[str], support_areas: list[str],
                           languages: list[str], timezone: str, region: str | None, modalities: list[str],
                           identity: dict[str, str], identity_wishes: list[IdentityWish],
                           shown_to_partner: list[str] | None = None) -> None:
        shown = (frozenset(shown_to_partner) if shown_to_partner is not None
                 else self.profiles[person_id]["shown"] if person_id in self.profiles else frozenset())
        self.plaintext.pop(person_id, None)
        self.profiles[person_id] = dict(
            stage=stage, specialties=specialties, support_areas=support_areas, languages=languages, timezone=timezone,
            region=region, modalities=modalities, identity=identity, identity_wishes=identity_wishes, shown=shown)
        self._changed(person_id)

    def _changed(self, person_id: UUID) -> None:
        for e in self.enrollments.values():
            if e["person_id"] == person_id:
                e["changed"] = self.change()

    async def forget_identity(self, person_id: UUID, attribute: str) -> None:
        for profile in self._profiles_of(person_id):
            profile["identity"] = {k: v for k, v in profile["identity"].items() if k != attribute}
            profile["identity_wishes"] = [w for w in profile["identity_wishes"] if w.attribute != attribute]
        self._changed(person_id)

    async def show_to_partner(self, person_id: UUID, attribute: str, shown: bool) -> None:
        for profile in self._profiles_of(person_id):
            profile["shown"] = profile["shown"] | {attribute} if shown else profile["shown"] - {attribute}
        self._changed(person_id)

    def _profiles_of(self, person_id: UUID) -> list[dict]:
        return [table[person_id] for table in (self.profiles, self.plaintext) if person_id in table]

    async def stored_in_plaintext(self, limit: int) -> list[UUID]:
        return sorted(self.plaintext, key=str)[:limit]

    async def rehash(self, person_id: UUID, digests) -> bool:
        if person_id not in self.plaintext:
            return False
        stored = self.plaintext.pop(person_id)
        self.profiles[person_id] = {**stored, "identity": digests(stored["identity"])}
        self._changed(person_id)
        return True

    async def save_enrollment(self, *, enrollment_id: UUID, person_id: UUID, program_id: UUID,
                              chapter_id: UUID | None, role: str, stage: str, capacity: int,
                              mentee_stages_welcome: list[str], approved: bool, enrolled_at: datetime,
                              pairing_kind: str = "general", paused: bool | None = None,
                              review_said: bool = False, rest_said: bool = False,
                              lock_person: bool = False) -> None:
        changing = dict(stage=stage, capacity=capacity, mentee_stages_welcome=mentee_stages_welcome,
                        approved=approved, changed=self.change())
        known = self.enrollments.get(enrollment_id)
        # As the database's upsert: held for review until profiles names the review, resting until it names why it
        # paused them (or a review).
        held = known is not None and known.get("held_for_review", False) and not review_said
        resting = known is not None and known.get("resting_after_mentorship", False) and not (review_said or rest_said)
        if known is not None:
            changing.update(held_for_review=held, resting_after_mentorship=resting)
        if held and role == "mentor":
            changing["approved"] = False
        if (held and role == "mentee") or resting:
            paused = True
        if paused is not None:
            changing["paused"] = paused
            if enrollment_id in self.enrollments and self.enrollments[enrollment_id]["paused"] and not paused:
                changing["unanswered_in_a_row"] = 0  # resumed: the run of lapses unanswered starts again
        if enrollment_id in self.enrollments:
            self.enrollments[enrollment_id].update(changing)
        else:
            self.enrollments[enrollment_id] = dict(
                id=enrollment_id, person_id=person_id, program_id=program_id, chapter_id=chapter_id, role=role,
                pairing_kind=pairing_kind, enrolled_at=enrolled_at, waiting_since=enrolled_at,
                announced=False, withdrawn=False, suspended=person_id in self.suspended, **{"paused": False, **changing})
        self._availability(self.enrollments[enrollment_id])

    @staticmethod
    def _availability(e: dict) -> None:
        """As the database's trigger: active while neither withdrawn, suspended nor paused; told their place again
        once back."""
        e["active"] = not (e["withdrawn"] or e["suspended"] or e["paused"])
        e["announced"] = e["announced"] and e["active"]

    async def set_approval(self, enrollment_id: UUID, approved: bool) -> None:
        e = self.enrollments[enrollment_id]
        e.update(approved=approved, held_for_review=e.get("held_for_review", False) and not approved,
                 changed=self.change())

    async def hold_for_review(self, enrollment_id: UUID) -> None:
        e = self.enrollments[enrollment_id]
        e.update(held_for_review=True, approved=e["approved"] and e["role"] != "mentor",
                 paused=e["paused"] or e["role"] == "mentee", changed=self.change())
        self._availability(e)

    async def rest(self, enrollment_id: UUID) -> None:
        self.enrollments[enrollment_id].update(resting_after_mentorship=True, paused=True, changed=self.change())
        self._availability(self.enrollments[enrollment_id])

    async def withdraw(self, enrollment_id: UUID) -> None:
        if enrollment_id in self.enrollments:  # as the database's UPDATE: one never known stays unknown
            self.enrollments[enrollment_id].update(withdrawn=True, changed=self.change())
            self._availability(self.enrollments[enrollment_id])

    async def went_unanswered(self, enrollment_id: UUID) -> tuple[int, bool]:
        e = self.enrollments.get(enrollment_id)
        if e is None:
            return 0, False
        e["unanswered_in_a_row"] = e.get("unanswered_in_a_row", 0) + 1
        return e["unanswered_in_a_row"], e["paused"]

    async def runs_of_lapses(self, enrollment_ids: Collection[UUID]) -> dict[UUID, tuple[int, bool]]:
        return {i: (e.get("unanswered_in_a_row", 0), e["paused"]) for i in enrollment_ids
                if (e := self.enrollments.get(i)) is not None}

    async def answered(self, enrollment_id: UUID) -> None:
        if enrollment_id in self.enrollments:
            self.enrollments[enrollment_id]["unanswered_in_a_row"] = 0

    async def hold_back(self, enrollment_id: UUID) -> None:
        self.enrollments[enrollment_id].update(paused=True, changed=self.change())
        self._availability(self.enrollments[enrollment_id])

    def _not_answering(self, at_least: int) -> list[dict]:
        return [e for e in self.enrollments.values()
                if not e["withdrawn"] and e.get("unanswered_in_a_row", 0) >= at_least]

    async def not_answering(self, program_id: UUID, at_least: int) -> list[dict]:
        found = [e for e in self._not_answering(at_least) if e["program_id"] == program_id]
        return [{"person_id": e["person_id"], "enrollment_id": e["id"], "role": e["role"],
                 "unanswered_in_a_row": e["unanswered_in_a_row"]}
                for e in sorted(found, key=lambda e: (e["role"] != "mentor", -e["unanswered_in_a_row"],
                                                      str(e["person_id"])))]

    async def not_answering_counts(self, chapter_ids: frozenset[UUID] | None, at_least: int) -> list[tuple[UUID, int]]:
        managed = self._tables.programs.of_chapters(chapter_ids)
        counts = Counter(e["program_id"] for e in self._not_answering(at_least) if e["program_id"] in managed)
        return sorted(counts.items())

    async def mentors_of(self, program_id: UUID, person_ids: list[UUID]) -> list[dict]:
        found = [e for e in self.enrollments.values() if e["program_id"] == program_id and e["role"] == "mentor"
                 and e["person_id"] in person_ids and not e["withdrawn"] and not e.get("suspended")]
        return [{"person_id": e["person_id"], "capacity": e["capacity"], "paused": e.get("paused", False),
                 "live_pairings": self._tables.pairings.live_of(e["id"], "mentor_enrollment_id")}
                for e in sorted(found, key=lambda e: (str(e["person_id"]), str(e["id"])))]

    async def suspend(self, person_id: UUID, suspended: bool) -> list[UUID]:
        (self.suspended.add if suspended else self.suspended.discard)(person_id)
        programs = set()
        for e in self.enrollments.values():
            if e["person_id"] == person_id and not e["withdrawn"]:
                e.update(suspended=suspended, changed=self.change())
                self._availability(e)
                programs.add(e["program_id"])
        return sorted(programs)

    async def is_suspended(self, person_id: UUID) -> bool:
        return person_id in self.suspended

    async def enrollments_of(self, person_id: UUID, program_id: UUID, role: str,
                             pairing_kind: PairingKind | None = None, paused_too: bool = False) -> list[dict]:
        return sorted((e for e in self.enrollments.values()
                       if e["person_id"] == person_id and e["program_id"] == program_id and e["role"] == role
                       and (e["active"] or (paused_too and not e["withdrawn"] and not e.get("suspended")))
                       and pairing_kind in (None, e.get("pairing_kind", "general"))),
                      key=lambda e: (e["enrolled_at"], str(e["id"])))

    async def programs_of(self, person_id: UUID) -> list[UUID]:
        return sorted({e["program_id"] for e in self.enrollments.values()
                       if e["person_id"] == person_id and not e["withdrawn"]})

    async def forget_person(self, person_id: UUID) -> None:
        pairings = self._tables.pairings
        pairings.pairings = {k: x for k, x in pairings.pairings.items()
                             if person_id not in (x["mentee_id"], x["mentor_id"])}
        self.enrollments = {k: e for k, e in self.enrollments.items() if e["person_id"] != person_id}
        self.profiles.pop(person_id, None)
        self.plaintext.pop(person_id, None)
        self.suspended.discard(person_id)


class FakeCandidates:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables

    def _candidate(self, program: ProgramRules, e: dict) -> Candidate:
        p = self._tables.people.profiles[e["person_id"]]
        column = "mentor_enrollment_id" if e["role"] == "mentor" else "mentee_enrollment_id"
        return Candidate(
            enrollment_id=e["id"], person_id=e["person_id"], stage=TrainingStage(e["stage"]),
            capacity=program.room_of(e["capacity"]), active_pairings=self._tables.pairings.live_of(e["id"], column),
            approved=e["approved"], mentee_stages_welcome=[TrainingStage(s) for s in e["mentee_stages_welcome"]],
            specialties=list(p["specialties"]), support_areas=list(p["support_areas"]), languages=list(p["languages"]),
            timezone=p["timezone"], region=p["region"], modalities=list(p["modalities"]), identity=dict(p["identity"]),
            identity_wishes=tuple(IdentityWish(w.attribute, w.required) for w in p["identity_wishes"]),
            shown=frozenset(p["shown"]),
            waiting_since=e["waiting_since"], pairing_kind=PairingKind(e.get("pairing_kind", "general")),
        )

    async def in_program(self, program: ProgramRules, role: str, *, waiting_only: bool = False,
                         enrollment_ids: Iterable[UUID | None] | None = None, paused_too: bool = False
                         ) -> list[Candidate]:
        wanted = None if enrollment_ids is None else set(enrollment_ids)
        found = [self._candidate(program, e) for e in self._tables.people.enrolled(program.id, role, paused_too)
                 if wanted is None or e["id"] in wanted]
        return [c for c in found if not waiting_only or c.active_pairings == 0]

    async def waiting(self, program: ProgramRules, enrollment_ids: Iterable[UUID] | None = None
                      ) -> tuple[list[Candidate], frozenset[tuple[UUID, UUID]]]:
        found = await self.in_program(program, "mentee", waiting_only=True, enrollment_ids=enrollment_ids)
        return found, await self.closed_before(program.id, [c.person_id for c in found])

    async def roster(self, program: ProgramRules) -> tuple[list[Candidate], tuple]:
        return await self.in_program(program, "mentor"), self._tables.programs.roster_stamp(program.id)

    async def closed_before(self, program_id: UUID, mentee_ids: Iterable[UUID] | None = None
                            ) -> frozenset[tuple[UUID, UUID]]:
        people = set(mentee_ids) if mentee_ids is not None else {
            e["person_id"] for e in self._tables.people.enrollments.values()
            if e["program_id"] == program_id and e["active"]}
        return frozenset((x["mentee_id"], x["mentor_id"]) for x in self._tables.pairings.pairings.values()
                         if closed_before(x) and x["mentee_id"] in people)

    async def ended_by_coordinator(self, mentee_ids: Iterable[UUID]) -> frozenset[tuple[UUID, UUID]]:
        people = set(mentee_ids)
        closed = [x for x in self._tables.pairings.pairings.values() if closed_before(x) and x["mentee_id"] in people]
        not_by_a_coordinator = {(x["mentee_id"], x["mentor_id"]) for x in closed
                                if (x["status"], x["closed_by"]) != ("ended", "program")}
        return frozenset((x["mentee_id"], x["mentor_id"]) for x in closed) - not_by_a_coordinator

    async def unprofiled_mentees(self, program_id: UUID) -> int:
        people = self._tables.people
        return sum(1 for e in people.enrollments.values() if e["program_id"] == program_id and e["role"] == "mentee"
                   and e["active"] and e["person_id"] not in people.profiles)


class FakeWaitlist:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables

    async def waiting_counts(self, chapter_ids: frozenset[UUID] | None) -> list[tuple[UUID, int]]:
        counts = [(program_id, len(await self.entries(program_id)))
                  for program_id in self._tables.programs.of_chapters(chapter_ids)]
        return sorted((program_id, n) for program_id, n in counts if n)

    async def entries(self, program_id: UUID) -> list[dict]:
        waiting = [e for e in self._tables.people.enrolled(program_id, "mentee")
                   if self._tables.pairings.live_of(e["id"], "mentee_enrollment_id") == 0]
        places: dict[str, int] = {}  # a queue per kind of pairing
        found = []
        for e in waiting:
            kind = e.get("pairing_kind", "general")
            places[kind] = places.get(kind, 0) + 1
            found.append(dict(enrollment_id=e["id"], person_id=e["person_id"], pairing_kind=kind,
                              waiting_since=e["waiting_since"], waitlist_announced=e["announced"],
                              position=places[kind]))
        return found

    async def unannounced(self, program_id: UUID, enrollment_ids: list[UUID]) -> list[dict]:
        return [{k: v for k, v in entry.items() if k in ("enrollment_id", "person_id", "pairing_kind", "position")}
                for entry in await self.entries(program_id)
                if entry["enrollment_id"] in set(enrollment_ids) and not entry["waitlist_announced"]]

    async def mark_announced(self, enrollment_ids: list[UUID]) -> None:
        for enrollment_id in enrollment_ids:
            self._tables.people.enrollments[enrollment_id]["announced"] = True

    async def back_to_waiting(self, mentee_enrollment_id: UUID | None, keep_place: bool = False) -> None:
        people = self._tables.people
        enrollment = people.enrollments[mentee_enrollment_id]
        enrollment.update(waiting_since=enrollment["waiting_since"] if keep_place else people.clock(), announced=False)

    async def places_of(self, person_id: UUID) -> list[dict]:
        programs = {e["program_id"] for e in self._tables.people.enrollments.values() if e["person_id"] == person_id}
        return [{"program_id": program_id, **{k: v for k, v in entry.items()
                                              if k in ("enrollment_id", "pairing_kind", "position", "waiting_since")}}
                for program_id in sorted(programs, key=str) for entry in await self.entries(program_id)
                if entry["person_id"] == person_id]


class FakePairings:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self.pairings: dict[UUID, dict] = {}  # Pairing fields, origin and the reason it closed
        self.meetings: list[dict] = []
        self._meeting_ids = itertools.count(1)
        self.feedback: dict[tuple[UUID, UUID], dict] = {}
        self.notes: dict[UUID, str] = {}
        self.created: dict[UUID, datetime] = {}
        self.closed: dict[UUID, datetime | None] = {}
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def live_of(self, enrollment_id: UUID, column: str) -> int:
        return sum(1 for x in self.pairings.values() if x[column] == enrollment_id and x["status"] in LIVE)

    async def add(self, pairings: list[NewPairing]) -> None:
        for p in pairings:
            if p.status in LIVE and self.live_of(p.mentee.enrollment_id, "mentee_enrollment_id"):
                raise AssertionError("a mentee enrollment holds at most one live pairing")  # the unique index
            self.pairings[p.id] = dict(
                id=p.id, program_id=p.program_id, chapter_id=p.chapter_id, mentee_id=p.mentee.person_id,
                mentor_id=p.mentor.person_id, status=p.status, score=p.score, reasons=list(p.reasons),
                mentee_accepted=p.mentee_accepted, mentor_accepted=False, term_ends_at=p.term_ends_at,
                last_met_at=None, mentee_enrollment_id=p.mentee.enrollment_id,
                mentor_enrollment_id=p.mentor.enrollment_id, origin=p.origin, closed_reason=None,
                closed_by=None, confirmed_at=p.confirmed_at, mentee_renews=False, mentor_renews=False)
            self.created[p.id] = self.clock()

    async def add_note(self, pairing_id: UUID, note: str) -> None:
        self.notes[pairing_id] = note

    async def note_of(self, pairing_id: UUID) -> str | None:
        return self.notes.get(pairing_id) if pairing_id in self.pairings else None  # gone with its pairing

    def _pairing(self, x: dict) -> Pairing:
        # Its kind is its mentee enrollment's, read from there as the repository does.
        kind = self._tables.people.enrollments[x["mentee_enrollment_id"]].get("pairing_kind", "general")
        return Pairing(**{k: copy.copy(v) for k, v in x.items()},
                       pairing_kind=PairingKind(kind), created_at=self.created.get(x["id"]),
                       answer_within_days=self.answer_within(x))

    def answer_within(self, x: dict) -> int | None:
        """Its program's time to answer, read with it as the repository does."""
        program = self._tables.programs.programs.get(x["program_id"])
        return program.answer_within_days if program else None

    async def program_of(self, pairing_id: UUID) -> UUID | None:
        found = self.pairings.get(pairing_id)
        return found["program_id"] if found else None

    async def get(self, pairing_id: UUID) -> Pairing | None:
        found = self.pairings.get(pairing_id)
        return self._pairing(found) if found else None

    def where(self, test) -> list[Pairing]:
        return [self._pairing(x) for x in self.pairings.values() if test(x)]

    async def open_of_enrollment(self, enrollment_id: UUID) -> list[Pairing]:
        return self.where(lambda x: enrollment_id in (x["mentee_enrollment_id"], x["mentor_enrollment_id"])
                          and x["status"] in OPEN)

    async def open_of_person(self, person_id: UUID) -> list[Pairing]:
        return self.where(lambda x: person_id in (x["mentee_id"], x["mentor_id"]) and x["status"] in OPEN)

    async def pending_requests(self, mentee_enrollment_id: UUID | None) -> list[Pairing]:
        return self.where(lambda x: x["mentee_enrollment_id"] == mentee_enrollment_id and x["status"] == "requested")

    async def save(self, pairing: Pairing) -> None:
        stored = self.pairings[pairing.id]
        if pairing.status == "active" and stored["confirmed_at"] is None:
            stored["confirmed_at"] = datetime.now(UTC)
        stored.update(status=pairing.status, mentee_accepted=pairing.mentee_accepted,
                      mentor_accepted=pairing.mentor_accepted, term_ends_at=pairing.term_ends_at,
                      last_met_at=pairing.last_met_at, mentee_renews=pairing.mentee_renews,
                      mentor_renews=pairing.mentor_renews)
        self.closed[pairing.id] = None if pairing.status in OPEN else datetime.now(UTC)
        if pairing.closed_reason:
            stored["closed_reason"] = pairing.closed_reason
        if pairing.closed_by:
            stored["closed_by"] = pairing.closed_by

    async def of_person(self, person_id: UUID) -> list[dict]:
        fields = ("id", "program_id", "chapter_id", "mentee_id", "mentor_id", "pairing_kind", "status", "score",
                  "reasons", "term_ends_at", "last_met_at", "confirmed_at", "mentee_accepted", "mentor_accepted",
                  "closed_by", "origin")
        listed = []
        for p in self.where(lambda x: person_id in (x["mentee_id"], x["mentor_id"])):
            own = p.mentee_enrollment_id if p.mentee_id == person_id else p.mentor_enrollment_id
            mine = (await self._tables.people.runs_of_lapses([own])).get(own, (0, False))
            given = self.feedback.get((p.id, person_id))
            listed.append({**{k: getattr(p, k) for k in fields}, "request_note": self.notes.get(p.id),
                           "created_at": p.created_at, "answer_within_days": p.answer_within_days,
                           "unanswered_in_a_row": mine[0], "paused": mine[1],
                           "closed_at": self.closed.get(p.id),
                           "feedback_rating": given and given["rating"], "feedback_comment": given and given["comment"],
                           "feedback_given_at": given and given["given_at"]})
        return listed

    async def live_count(self, program_id: UUID) -> int:
        return sum(1 for x in self.pairings.values() if x["program_id"] == program_id and x["status"] in LIVE)

    async def add_meeting(self, pairing_id: UUID, met_on: date, minutes: int, topics: list[str],
                          logged_by: UUID | None) -> None:
        self.meetings.append(dict(id=next(self._meeting_ids), pairing_id=pairing_id,
                                  met_on=met_on, minutes=minutes, topics=topics, logged_by=logged_by,
                                  logged_at=datetime.now(UTC)))

    async def meetings_in(self, pairing_ids: list[UUID]) -> list[dict]:
        found = [m for m in reversed(self.meetings) if m["pairing_id"] in pairing_ids]
        return sorted(found, key=lambda m: m["met_on"], reverse=True)  # stable: the latest logged first on a day

    async def meeting(self, pairing_id: UUID, meeting_id: int) -> dict | None:
        return next((dict(m) for m in self.meetings if m["id"] == meeting_id and m["pairing_id"] == pairing_id), None)

    async def change_meeting(self, meeting_id: int, met_on: date, minutes: int, topics: list[str]) -> None:
        [meeting] = [m for m in self.meetings if m["id"] == meeting_id]
        meeting.update(met_on=met_on, minutes=minutes, topics=topics)

    async def remove_meeting(self, meeting_id: int) -> None:
        self.meetings = [m for m in self.meetings if m["id"] != meeting_id]

    async def last_met_on(self, pairing_id: UUID) -> date | None:
        return max((m["met_on"] for m in self.meetings if m["pairing_id"] == pairing_id), default=None)

    async def of_program(self, program_id: UUID, status: str | None, offset: int, limit: int
                         ) -> tuple[list[dict], int]:
        found = [x for x in reversed(self.pairings.values())
                 if x["program_id"] == program_id and status in (None, x["status"])]
        return [{"pairing": self._pairing(x), "overdue": False, "created_at": EPOCH}
                for x in found[offset:offset + limit]], len(found)

    async def feedback_of_program(self, program_id: UUID) -> list[dict]:
        return [dict(pairing_id=pairing_id, rating=f["rating"], comment=f["comment"], given_at=EPOCH,
                     from_role="mentee" if self.pairings[pairing_id]["mentee_id"] == person_id else "mentor")
                for (pairing_id, person_id), f in self.feedback.items()
                if self.pairings[pairing_id]["program_id"] == program_id]

    async def add_feedback(self, pairing_id: UUID, person_id: UUID, rating: int, comment: str) -> bool:
        if (pairing_id, person_id) in self.feedback:
            return False
        self.feedback[(pairing_id, person_id)] = dict(rating=rating, comment=comment, given_at=datetime.now(UTC))
        return True

    async def feedback_by(self, pairing_id: UUID, person_id: UUID) -> dict | None:
        return self.feedback.get((pairing_id, person_id))


class FakeDue:
    """The lifecycle watch's questions, each pairing signalled once per period; now is `ahead` of the clock's."""

    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self.ahead = timedelta(0)
        self.overdue_signalled: dict[UUID, datetime | None] = {}
        self.renewal_signalled: dict[UUID, datetime | None] = {}
        self.answer_reminded: set[UUID] = set()

    def _active(self) -> list[dict]:
        return [x for x in self._tables.pairings.pairings.values() if x["status"] == "active"]

    async def claim_overdue(self, limit: int) -> list[tuple[Pairing, datetime | None, int]]:
        now, found = datetime.now(UTC) + self.ahead, []
        for x in self._active():
            since = x["last_met_at"] or x["confirmed_at"]
            cadence = self._tables.programs.programs[x["program_id"]].cadence_max_days
            if since + timedelta(days=cadence, hours=36) < now and self.overdue_signalled.get(x["id"], "never") != since:
                self.overdue_signalled[x["id"]] = since
                found.append((self._tables.pairings._pairing(x), x["last_met_at"],
                              (now - since - timedelta(days=cadence)).days))
        return found[:limit]

    async def claim_renewals(self, notice_days: int, limit: int) -> list[Pairing]:
        now, found = datetime.now(UTC) + self.ahead, []
        for x in self._active():
            ends = x["term_ends_at"]
            if ends - timedelta(days=notice_days) < now < ends and self.renewal_signalled.get(x["id"]) != ends:
                self.renewal_signalled[x["id"]] = ends
                found.append(self._tables.pairings._pairing(x))
        return found[:limit]

    async def programs_with_terms_ended(self) -> list[UUID]:
        now = datetime.now(UTC) + self.ahead
        return sorted({x["program_id"] for x in self._active() if x["term_ends_at"] < now})

    async def terms_ended(self, program_ids: list[UUID], limit: int) -> list[Pairing]:
        now = datetime.now(UTC) + self.ahead
        ended = [x for x in self._active() if x["program_id"] in program_ids and x["term_ends_at"] < now]
        return [self._tables.pairings._pairing(x) for x in sorted(ended, key=lambda x: x["id"])][:limit]

    def _unanswered(self, days: int) -> list[dict]:
        now, pairings = datetime.now(UTC) + self.ahead, self._tables.pairings
        return [x for x in pairings.pairings.values() if x["status"] in ("proposed", "requested")
                and pairings.created[x["id"]] < now - timedelta(days=pairings.answer_within(x) or days)]

    async def programs_with_unanswered(self, days: int) -> list[UUID]:
        return sorted({x["program_id"] for x in self._unanswered(days)})

    async def unanswered(self, program_ids: list[UUID], days: int, limit: int) -> list[Pairing]:
        found = [x for x in self._unanswered(days) if x["program_id"] in program_ids]
        return [self._tables.pairings._pairing(x) for x in sorted(found, key=lambda x: x["id"])][:limit]


    async def claim_answer_reminders(self, answer_within_days: int, before: timedelta, limit: int) -> list[Pairing]:
        now, pairings = datetime.now(UTC) + self.ahead, self._tables.pairings

        def due(x: dict) -> bool:
            days = pairings.answer_within(x) or answer_within_days
            return pairings.created[x["id"]] < now - timedelta(days=days) + min(before, timedelta(days=days) / 2)

        found = [x for x in pairings.pairings.values() if x["status"] in ("proposed", "requested")
                 and x["id"] not in self.answer_reminded and due(x)]
        self.answer_reminded.update(x["id"] for x in found[:limit])
        return [pairings._pairing(x) for x in found[:limit]]


class FakeRounds:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self.rounds: dict[UUID, dict] = {}
        self.pairs: dict[UUID, dict[UUID, DraftPair]] = {}
        self.unpaired: dict[UUID, dict[UUID, Unpaired]] = {}

    async def queue(self, round_id: UUID, program_id: UUID, method: str, most_pairs_first: bool) -> None:
        self.rounds[round_id] = dict(id=round_id, program_id=program_id, method=method,
                                     most_pairs_first=most_pairs_first, status="queued", progress=0, paired=None,
                                     unpaired=None, total_score=None, unpaired_reasons=None, error=None,
                                     requested_at=datetime.now(UTC), finished_at=None, skipped=None,
                                     published_at=None)

    async def claim(self, lease_seconds: float) -> dict | None:
        stale = datetime.now(UTC) - timedelta(seconds=lease_seconds)
        claimable = sorted((r for r in self.rounds.values() if r["status"] == "queued" or r["status"] == "running"
                            and (r.get("heartbeat_at") or r["requested_at"]) < stale),
                           key=lambda r: r["requested_at"])
        if not claimable:
            return None
        claimable[0].update(status="running", progress=0, claim=uuid4(), heartbeat_at=datetime.now(UTC))
        return dict(claimable[0])

    def _held(self, round_id: UUID, claim: UUID) -> dict | None:
        found = self.rounds[round_id]
        return found if found.get("claim") == claim and found["status"] == "running" else None

    async def progress(self, round_id: UUID, claim: UUID, percent: int) -> bool:
        if (found := self._held(round_id, claim)) is None:
            return False
        found.update(progress=percent, heartbeat_at=datetime.now(UTC))
        return True

    async def release(self, round_id: UUID, claim: UUID) -> None:
        if (found := self._held(round_id, claim)) is not None:
            found.update(status="queued", progress=0, claim=None, heartbeat_at=None)

    async def finish(self, round_id: UUID, claim: UUID, *, status: str, paired: int = 0, unpaired: int = 0,
                     total_score: int = 0, unpaired_reasons: dict | None = None, error: str | None = None) -> bool:
        if (found := self._held(round_id, claim)) is None:
            return False
        found.update(status=status, progress=100, paired=paired, unpaired=unpaired, total_score=total_score,
                     unpaired_reasons=unpaired_reasons or None, error=error, finished_at=datetime.now(UTC))
        return True

    async def get(self, round_id: UUID, *, for_update: bool = False) -> dict | None:
        found = self.rounds.get(round_id)
        return dict(found) if found else None

    def _latest_first(self, chosen: Callable[[dict], bool]) -> list[dict]:
        return sorted((dict(r) for r in self.rounds.values() if chosen(r)), key=lambda r: r["requested_at"],
                      reverse=True)

    async def of_program(self, program_id: UUID) -> list[dict]:
        return self._latest_first(lambda r: r["program_id"] == program_id)

    async def open_of_program(self, program_id: UUID, statuses: tuple[str, ...] = ("queued", "running", "draft"),
                              besides: UUID | None = None) -> dict | None:
        found = self._latest_first(lambda r: r["program_id"] == program_id and r["status"] in statuses
                                   and r["id"] != besides)
        return found[0] if found else None

    async def of_chapters(self, chapter_ids: frozenset[UUID] | None, status: str, limit: int) -> list[dict]:
        managed = self._tables.programs.of_chapters(chapter_ids)
        return self._latest_first(lambda r: r["program_id"] in managed and r["status"] == status)[:limit]

    async def save_draft(self, round_id: UUID, pairs: list[DraftPair], unpaired: list[Unpaired]) -> None:
        self.pairs.setdefault(round_id, {}).update({p.mentee_enrollment_id: p for p in pairs})
        self.unpaired.setdefault(round_id, {}).update({u.mentee_enrollment_id: u for u in unpaired})

    async def draft(self, round_id: UUID) -> tuple[list[DraftPair], list[Unpaired]]:
        return (sorted(self.pairs.get(round_id, {}).values(), key=lambda p: (-p.score, str(p.mentee_id))),
                sorted(self.unpaired.get(round_id, {}).values(), key=lambda u: (u.reason_code, str(u.mentee_id))))

    async def remove_pairs(self, round_id: UUID, mentee_enrollment_ids: list[UUID]) -> None:
        for e in mentee_enrollment_ids:
            self.pairs.get(round_id, {}).pop(e, None)

    async def remove_unpaired(self, round_id: UUID, mentee_enrollment_ids: list[UUID]) -> None:
        for e in mentee_enrollment_ids:
            self.unpaired.get(round_id, {}).pop(e, None)

    async def close(self, round_id: UUID, *, status: str, paired: int | None = None, unpaired: int | None = None,
                    total_score: int | None = None, skipped: list[dict] | None = None) -> None:
        found = self.rounds[round_id]
        found.update(status=status, skipped=skipped,
                     published_at=datetime.now(UTC) if status == "published" else None,
                     **{k: v for k, v in dict(paired=paired, unpaired=unpaired, total_score=total_score).items()
                        if v is not None})

    async def viewed(self, round_id: UUID, viewer: Principal, status: str) -> bool:
        reading = audit.entry(viewer, "round.viewed", "round", round_id)
        return any((e.action, e.subject_kind, e.subject_id, e.actor, e.detail.get("status"))
                   == (reading.action, reading.subject_kind, reading.subject_id, reading.actor, status)
                   for e in self._tables.audit_trail)


class MatchingFakeUnitOfWork(FakeUnitOfWork):
    """Plumbing's fake, publishing as matching's unit of work does: a program's pairings and waitlist places as
    their private twins unless the program lets other teams see who takes part."""

    async def as_published(self, events: list[IntegrationEvent]) -> list[IntegrationEvent]:
        return await as_published(events, self.programs)

    async def commit(self, *, once_sent: Callable[[], None] | None = None) -> None:
        committed = len(self.audited)
        await super().commit(once_sent=once_sent)
        self.audit_trail.extend(self.audited[committed:])


@dataclass
class Platform:
    """Matching's repositories in memory, what it published, and the units of work a handler is given."""

    published: list[IntegrationEvent] = field(default_factory=list)
    rosters: RosterCache = field(default_factory=RosterCache)

    def __post_init__(self) -> None:
        tables = Tables()
        self.audit_trail = tables.audit_trail = []
        self.programs = tables.programs = FakePrograms(tables)
        self.people = tables.people = FakePeople(tables)
        self.pairings = tables.pairings = FakePairings(tables)
        self.due, self.rounds = FakeDue(tables), FakeRounds(tables)
        self.pairings.clock = lambda: datetime.now(UTC) + self.due.ahead  # pairings made later are made later
        self.repositories = dict(programs=self.programs, people=self.people, candidates=FakeCandidates(tables),
                                 waitlist=FakeWaitlist(tables), pairings=self.pairings, due=self.due,
                                 rounds=self.rounds)

    def uow(self, joined: FakeTransaction | None = None) -> FakeUnitOfWork:
        """A unit of work of its own, or one joining a batch's transaction; its events land in `published`."""
        unit = MatchingFakeUnitOfWork(**self.repositories)
        unit.published = self.published
        unit.audit_trail = self.audit_trail
        unit.rosters = self.rosters  # a collaborator, not a repository: no rollback forgets what it learned
        unit.identity_hasher = IdentityHasher(IDENTITY_KEY)
        unit.answer_within_days = 14  # matching's default setting
        return unit.joining(joined) if joined is not None else unit

    def transaction(self) -> FakeTransaction:
        return FakeTransaction(self.published)

    def events(self, kind: type[IntegrationEvent], **fields: Any) -> list[IntegrationEvent]:
        return [e for e in self.published if isinstance(e, kind)
                and all(getattr(e, k) == v for k, v in fields.items())]

    def stored_pairings(self, **fields: Any) -> list[dict]:
        return [x for x in self.pairings.pairings.values() if all(x[k] == v for k, v in fields.items())]

    def later_by(self, days: int) -> None:
        """Time passes, for the lifecycle watch: it sees now as `days` later."""
        self.due.ahead += timedelta(days=days)
