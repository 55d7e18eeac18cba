"""An in-memory matching repository and unit of work, for the handlers' unit tests: no database, no broker.

The fake keeps the facts the PostgreSQL repository keeps and answers the same questions with the same meaning
(waiting = a matching profile and no live pairing; places by waiting order; the roster stamp changes whenever a
mentor, their enrollment or their profile does). A unit of work stages events and publishes them only when it
commits; leaving without committing restores the state it found.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from matching.domain.model import LIVE, Candidate, IdentityWish, Pairing, ProgramRules
from matching.domain.scoring import Weights
from matching.service_layer.rosters import RosterCache
from mentorship_contracts import IntegrationEvent
from mentorship_contracts.vocabulary import TrainingStage

OPEN = ("proposed", "active", "requested")


@dataclass
class State:
    programs: dict[UUID, ProgramRules] = field(default_factory=dict)
    weights: dict[UUID, Weights] = field(default_factory=dict)
    profiles: dict[UUID, dict] = field(default_factory=dict)
    enrollments: dict[UUID, dict] = field(default_factory=dict)
    pairings: dict[UUID, dict] = field(default_factory=dict)  # Pairing fields and origin
    changes: int = 0  # the roster stamp's sequence
    ticks: int = 0  # the fake clock of "now" for waiting_since


class FakeMatching:
    """The questions and writes of `adapters.repository.PostgresMatching`, over a `State`."""

    def __init__(self, state: State) -> None:
        self.s = state
        self.locked: list[UUID] = []  # programs locked in this unit of work, in the order taken

    def _change(self) -> int:
        self.s.changes += 1
        return self.s.changes

    def _now(self) -> datetime:
        self.s.ticks += 1
        return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=365, seconds=self.s.ticks)

    # --- programs and weights
    async def save_program(self, p: ProgramRules) -> None:
        self.s.programs[p.id] = p

    async def program(self, program_id: UUID) -> ProgramRules | None:
        return self.s.programs.get(program_id)

    async def weights(self, program_id: UUID) -> Weights:
        return self.s.weights.get(program_id, Weights())

    async def pairing_context(self, program_id: UUID) -> tuple[ProgramRules | None, Weights, tuple,
                                                                 dict[UUID, int]]:
        stamp, live = self._roster_state(program_id)
        return await self.program(program_id), await self.weights(program_id), stamp, live

    async def save_weights(self, program_id: UUID, weights: Weights) -> None:
        self.s.weights[program_id] = weights

    async def lock_program(self, program_id: UUID) -> None:
        if program_id not in self.locked:
            self.locked.append(program_id)

    # --- people and enrollments
    async def save_profile(self, person_id: UUID, **profile) -> None:
        self.s.profiles[person_id] = profile
        for e in self.s.enrollments.values():
            if e["person_id"] == person_id:
                e["changed"] = self._change()

    async def forget_identity(self, person_id: UUID, attribute: str) -> None:
        if person_id in self.s.profiles:
            profile = self.s.profiles[person_id]
            profile["identity"] = {k: v for k, v in profile["identity"].items() if k != attribute}
            profile["identity_wishes"] = [w for w in profile["identity_wishes"] if w.attribute != attribute]
            await self.save_profile(person_id, **profile)

    async def save_enrollment(self, *, enrollment_id: UUID, enrolled_at: datetime, **values) -> None:
        found = self.s.enrollments.get(enrollment_id)
        if found is None:
            self.s.enrollments[enrollment_id] = dict(
                id=enrollment_id, active=True, enrolled_at=enrolled_at, waiting_since=enrolled_at, announced=False,
                changed=self._change(), **values)
        else:
            found.update({k: values[k] for k in ("stage", "capacity", "mentee_stages_welcome", "approved")},
                         changed=self._change())

    async def set_approval(self, enrollment_id: UUID, approved: bool) -> None:
        self.s.enrollments[enrollment_id].update(approved=approved, changed=self._change())

    async def withdraw(self, enrollment_id: UUID) -> None:
        self.s.enrollments[enrollment_id].update(active=False, changed=self._change())

    async def enrollments_of(self, person_id: UUID, program_id: UUID, role: str,
                             pairing_kind: str | None = None) -> list[dict]:
        return sorted((e for e in self.s.enrollments.values()
                       if e["person_id"] == person_id and e["program_id"] == program_id and e["role"] == role
                       and e["active"] and pairing_kind in (None, e.get("pairing_kind", "general"))),
                      key=lambda e: (e["enrolled_at"], str(e["id"])))

    async def programs_of(self, person_id: UUID) -> list[UUID]:
        return sorted({e["program_id"] for e in self.s.enrollments.values() if e["person_id"] == person_id and e["active"]})

    async def back_to_waiting(self, mentee_enrollment_id: UUID) -> None:
        self.s.enrollments[mentee_enrollment_id].update(waiting_since=self._now(), announced=False)

    def _live(self, enrollment_id: UUID, column: str) -> int:
        return sum(1 for x in self.s.pairings.values() if x[column] == enrollment_id and x["status"] in LIVE)

    def _candidate(self, program: ProgramRules, e: dict) -> Candidate:
        p = self.s.profiles[e["person_id"]]
        column = "mentor_enrollment_id" if e["role"] == "mentor" else "mentee_enrollment_id"
        return Candidate(
            enrollment_id=e["id"], person_id=e["person_id"], stage=TrainingStage(e["stage"]),
            capacity=program.room_of(e["capacity"]), active_pairings=self._live(e["id"], column),
            approved=e["approved"], mentee_stages_welcome=[TrainingStage(s) for s in e["mentee_stages_welcome"]],
            specialties=list(p["specialties"]), support_areas=list(p["support_areas"]), languages=list(p["languages"]),
            timezone=p["timezone"], region=p["region"], modalities=list(p["modalities"]), identity=dict(p["identity"]),
            identity_wishes=tuple(IdentityWish(w.attribute, w.required) for w in p["identity_wishes"]),
            waiting_since=e["waiting_since"], pairing_kind=e.get("pairing_kind", "general"),
        )

    def _enrolled(self, program_id: UUID, role: str) -> list[dict]:
        found = [e for e in self.s.enrollments.values() if e["program_id"] == program_id and e["role"] == role
                 and e["active"] and e["person_id"] in self.s.profiles]
        return sorted(found, key=lambda e: (e["waiting_since"], str(e["id"])))

    async def candidates(self, program: ProgramRules, role: str, *, waiting_only: bool = False,
                         enrollment_ids: Iterable[UUID] | None = None) -> list[Candidate]:
        wanted = None if enrollment_ids is None else set(enrollment_ids)
        found = [self._candidate(program, e) for e in self._enrolled(program.id, role)
                 if wanted is None or e["id"] in wanted]
        return [c for c in found if not waiting_only or c.active_pairings == 0]

    async def waiting(self, program: ProgramRules, enrollment_ids: Iterable[UUID] | None = None
                      ) -> tuple[list[Candidate], frozenset[tuple[UUID, UUID]]]:
        found = await self.candidates(program, "mentee", waiting_only=True, enrollment_ids=enrollment_ids)
        return found, await self.closed_before(program.id, [c.person_id for c in found])

    def _roster_state(self, program_id: UUID) -> tuple[tuple, dict[UUID, int]]:
        mentors = [e for e in self.s.enrollments.values()
                   if e["program_id"] == program_id and e["role"] == "mentor" and e["active"]]
        live: dict[UUID, int] = {}
        for x in self.s.pairings.values():
            if x["program_id"] == program_id and x["status"] in LIVE:
                live[x["mentor_enrollment_id"]] = live.get(x["mentor_enrollment_id"], 0) + 1
        return ("fake", len(mentors), max((e["changed"] for e in mentors), default=0)), live

    async def roster(self, program: ProgramRules) -> tuple[list[Candidate], tuple]:
        stamp, _ = self._roster_state(program.id)
        return await self.candidates(program, "mentor"), stamp

    async def closed_before(self, program_id: UUID, mentee_ids: Iterable[UUID] | None = None
                            ) -> frozenset[tuple[UUID, UUID]]:
        people = set(mentee_ids) if mentee_ids is not None else {
            e["person_id"] for e in self.s.enrollments.values() if e["program_id"] == program_id and e["active"]}
        return frozenset((x["mentee_id"], x["mentor_id"]) for x in self.s.pairings.values()
                         if x["status"] in ("declined", "ended") and x["mentee_id"] in people)

    async def live_pairings(self, program_id: UUID) -> int:
        return sum(1 for x in self.s.pairings.values() if x["program_id"] == program_id and x["status"] in LIVE)

    async def waitlist(self, program_id: UUID) -> list[dict]:
        waiting = [e for e in self._enrolled(program_id, "mentee") if self._live(e["id"], "mentee_enrollment_id") == 0]
        places: dict[str, int] = {}  # a queue per kind of pairing
        found = []
        for e in waiting:
            kind = e.get("pairing_kind", "general")
            places[kind] = places.get(kind, 0) + 1
            found.append(dict(enrollment_id=e["id"], person_id=e["person_id"], pairing_kind=kind,
                              waiting_since=e["waiting_since"], waitlist_announced=e["announced"], position=places[kind]))
        return found

    async def unannounced(self, program_id: UUID, enrollment_ids: list[UUID]) -> list[dict]:
        return [{k: v for k, v in entry.items() if k in ("enrollment_id", "person_id", "pairing_kind", "position")}
                for entry in await self.waitlist(program_id)
                if entry["enrollment_id"] in set(enrollment_ids) and not entry["waitlist_announced"]]

    async def mark_announced(self, enrollment_ids: list[UUID]) -> None:
        for enrollment_id in enrollment_ids:
            self.s.enrollments[enrollment_id]["announced"] = True

    async def forget_person(self, person_id: UUID) -> None:
        self.s.pairings = {k: x for k, x in self.s.pairings.items() if person_id not in (x["mentee_id"], x["mentor_id"])}
        self.s.enrollments = {k: e for k, e in self.s.enrollments.items() if e["person_id"] != person_id}
        self.s.profiles.pop(person_id, None)

    # --- pairings
    async def add_pairings(self, rows: list[dict]) -> None:
        for r in rows:
            if r["status"] in LIVE and self._live(r["mentee"].enrollment_id, "mentee_enrollment_id"):
                raise AssertionError("a mentee enrollment holds at most one live pairing")  # the unique index
            self.s.pairings[r["id"]] = dict(
                id=r["id"], program_id=r["program_id"], chapter_id=r["chapter_id"], mentee_id=r["mentee"].person_id,
                mentor_id=r["mentor"].person_id, status=r["status"], score=r["score"], reasons=list(r["reasons"]),
                mentee_accepted=r.get("mentee_accepted", False), mentor_accepted=False,
                term_ends_at=r.get("term_ends_at"), last_met_at=None, mentee_enrollment_id=r["mentee"].enrollment_id,
                mentor_enrollment_id=r["mentor"].enrollment_id, origin=r["origin"], closed_reason=None)

    def _pairing(self, x: dict) -> Pairing:
        # Its kind is its mentee enrollment's, read from there as the repository does.
        kind = self.s.enrollments[x["mentee_enrollment_id"]].get("pairing_kind", "general")
        return Pairing(**{k: copy.copy(v) for k, v in x.items() if k not in ("origin", "closed_reason")},
                       pairing_kind=kind)

    async def program_of_pairing(self, pairing_id: UUID) -> UUID | None:
        found = self.s.pairings.get(pairing_id)
        return found["program_id"] if found else None

    async def pairing(self, pairing_id: UUID) -> Pairing | None:
        found = self.s.pairings.get(pairing_id)
        return self._pairing(found) if found else None

    def _where(self, test) -> list[Pairing]:
        return [self._pairing(x) for x in self.s.pairings.values() if test(x)]

    async def live_pairings_of_enrollment(self, enrollment_id: UUID) -> list[Pairing]:
        return self._where(lambda x: enrollment_id in (x["mentee_enrollment_id"], x["mentor_enrollment_id"])
                           and x["status"] in OPEN)

    async def live_pairings_of_person(self, person_id: UUID) -> list[Pairing]:
        return self._where(lambda x: person_id in (x["mentee_id"], x["mentor_id"]) and x["status"] in OPEN)

    async def pending_requests(self, mentee_enrollment_id: UUID) -> list[Pairing]:
        return self._where(lambda x: x["mentee_enrollment_id"] == mentee_enrollment_id and x["status"] == "requested")

    async def save_pairing(self, p: Pairing, *, closed_reason: str | None = None) -> None:
        stored = self.s.pairings[p.id]
        stored.update(status=p.status, mentee_accepted=p.mentee_accepted, mentor_accepted=p.mentor_accepted,
                      term_ends_at=p.term_ends_at, last_met_at=p.last_met_at)
        if closed_reason:
            stored["closed_reason"] = closed_reason


class FakeTransaction:
    """One transaction that several units of work join, as the consumer applies a batch of events: what they
    deferred is done once at its end, and only then is anything published (see plumbing's SharedTransaction)."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.pending: list[IntegrationEvent] = []
        self.deferred: dict = {}
        self.matching = FakeMatching(platform.state)  # one connection: the locks it holds last the transaction

    def defer(self, key, item, run) -> None:
        self.deferred.setdefault(key, (run, []))[1].append(item)

    async def commit(self) -> None:
        while self.deferred:
            run, items = self.deferred.pop(next(iter(self.deferred)))
            async with FakeUnitOfWork(self.platform, joined=self) as unit:
                await run(items, unit)
                await unit.commit()
        self.platform.published.extend(self.pending)
        self.platform.locks_taken.append(list(self.matching.locked))


class FakeUnitOfWork:
    """One transaction over the fake, or a part of one it joins: events are published, and the state kept, only
    if it commits; work deferred is done just before."""

    def __init__(self, platform: Platform, joined: FakeTransaction | None = None) -> None:
        self._platform = platform
        self.rosters = platform.rosters
        self._joined = joined
        self._pending: list[IntegrationEvent] = []
        self._before: State | None = None

    def emit(self, *events: IntegrationEvent) -> None:
        self._pending.extend(events)

    def defer(self, key, item, run) -> None:
        self._transaction.defer(key, item, run)

    async def __aenter__(self) -> FakeUnitOfWork:
        self._transaction = self._joined or FakeTransaction(self._platform)
        if self._joined is None:
            self._before = copy.deepcopy(self._platform.state)
        self.matching = self._transaction.matching
        return self

    async def commit(self) -> None:
        self._transaction.pending.extend(self._pending)
        self._pending = []
        if self._joined is None:
            await self._transaction.commit()
            self._before = copy.deepcopy(self._platform.state)

    async def rollback(self) -> None:
        self._pending = []
        if self._before is not None:
            self._platform.state = self._before
            self.matching.s = self._before

    async def __aexit__(self, *exc_info) -> None:
        await self.rollback()


@dataclass
class Platform:
    """Matching's state, what it published, and the unit of work a handler is given."""

    state: State = field(default_factory=State)
    published: list[IntegrationEvent] = field(default_factory=list)
    rosters: RosterCache = field(default_factory=RosterCache)
    locks_taken: list[list[UUID]] = field(default_factory=list)  # per committed unit of work

    def uow(self, joined: FakeTransaction | None = None) -> FakeUnitOfWork:
        return FakeUnitOfWork(self, joined)

    def transaction(self) -> FakeTransaction:
        return FakeTransaction(self)

    def events(self, kind: type[IntegrationEvent], **fields) -> list[IntegrationEvent]:
        return [e for e in self.published if isinstance(e, kind)
                and all(getattr(e, k) == v for k, v in fields.items())]

    def pairings(self, **fields) -> list[dict]:
        return [x for x in self.state.pairings.values() if all(x[k] == v for k, v in fields.items())]

