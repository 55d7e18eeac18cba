"""The mixed workload, through the services' HTTP APIs only, as people and coordinators would cause it.

Setup (before any fault): programs that pair on registration, mentors enrolled in two of them each, events
published with capacities a little under the registrations they will get. Then, paced over the load phase (while
faults are injected): mentees sign up and enrol in two programs each (pairing or a waitlist place follows), some
register for an event (around its capacity), some of those cancel (a waiting registrant is promoted), and some
mentees end their mentorship (a lifecycle action). Every accepted (2xx) request is remembered with what it
must cause, for the checks.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from devinfra.secrets import PlatformSecrets
from mentorship_contracts.vocabulary import Specialty, SupportArea
from plumbing.auth import mint

from bench.faults.http import Balancer

# No high-school students: a program open to them vets its mentors and has both sides accept, and these pair at once.
MENTEE_STAGES = ["undergraduate", "post_baccalaureate", "medical_student_1"]
MENTOR_STAGES = ["medical_student_3", "medical_student_4", "resident", "fellow", "attending"]
RETRY_DEADLINE = 600.0  # how long an idempotent request (an event registration) is retried
WAITING_SETTLES = 15.0  # how long a mentee who meant to end their mentorship looks before believing they wait
WAITLISTED = "waitlisted in every program they joined"


@dataclass
class Size:
    """The full run: 5,000 mentees in two programs each (10,000 enrollments), 2,000 event registrations."""

    mentees: int
    mentors: int
    programs: int
    events: int
    registrations: int
    mentor_capacity: int = 5
    cancel_share: float = 0.15
    end_share: float = 0.04

    @classmethod
    def scaled(cls, scale: float) -> Size:
        return cls(mentees=max(20, round(5000 * scale)), mentors=max(4, round(750 * scale)), programs=5,
                   events=max(2, round(20 * scale)), registrations=max(20, round(2000 * scale)))


@dataclass
class Accepted:
    """What the platform accepted (2xx), and so must show the effects of."""

    people: dict[str, str] = field(default_factory=dict)  # person id -> "mentor" | "mentee"
    enrollments: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # id -> (person, program, role)
    registrations: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (event, person)
    cancellations: dict[str, tuple[str, str]] = field(default_factory=dict)  # registration id -> (event, person)
    ended_pairings: dict[str, str] = field(default_factory=dict)  # pairing id -> mentee enrollment's person
    # Pairings whose end got no answer (or a 5xx): it may have been made, and the mentee then paired again.
    ending_unknown: set[str] = field(default_factory=set)
    events: dict[str, int] = field(default_factory=dict)  # event id -> capacity
    programs: list[str] = field(default_factory=list)
    unanswered: int = 0  # requests with no answer: their outcome is unknown, so nothing is expected of them
    ending: dict[str, int] = field(default_factory=dict)  # how the attempts to end a pairing went
    gave_up: dict[str, int] = field(default_factory=dict)  # retried requests never accepted, by their last answer


class Tokens:
    def __init__(self, secrets: PlatformSecrets) -> None:
        self.secrets = secrets
        self._cache: dict[tuple, tuple[float, str]] = {}

    def __call__(self, service: str, role: str = "admin", person_id: str | None = None) -> str:
        key = (service, role, person_id)
        minted = self._cache.get(key)
        if minted is None or minted[0] < time.time() - 600:
            minted = (time.time(), mint(self.secrets.jwt_private_key, audience=service, role=role, person_id=person_id))
            if person_id is None:  # a person's token is used once or twice: not worth keeping
                self._cache[key] = minted
        return minted[1]


class Workload:
    def __init__(self, balancers: dict[str, Balancer], secrets: PlatformSecrets, size: Size, rng: random.Random,
                 log=print, retry_deadline: float = RETRY_DEADLINE) -> None:
        self.api, self.size, self.rng, self.log = balancers, size, rng, log
        self.retry_deadline = retry_deadline
        self.token = Tokens(secrets)
        self.accepted = Accepted()
        self.tag = uuid4().hex[:6]
        self.pending: set[asyncio.Task] = set()

    # --- setup ------------------------------------------------------------------------------------------------

    async def setup(self) -> None:
        profiles = self.api["profiles"]
        for n in range(self.size.programs):
            status, program = await profiles.call("define_program", "POST", "/v1/programs", {
                "name": f"Fault run program {n} {self.tag}", "mentee_stages": MENTEE_STAGES,
                "mentor_stages": MENTOR_STAGES, "pairing_mode": "on_registration"}, self.token("profiles"))
            if status != 201:
                raise RuntimeError(f"defining a program answered {status}: {program}")
            self.accepted.programs.append(program["id"])
        limit = asyncio.Semaphore(16)

        async def mentor(n: int) -> None:
            async with limit:
                person = await self._person(n, "mentor")
                if person:
                    for program in self.rng.sample(self.accepted.programs, 2):
                        await self._enroll(person, program, "mentor")

        await asyncio.gather(*(mentor(n) for n in range(self.size.mentors)))
        per_event = self.size.registrations / self.size.events
        for n in range(self.size.events):
            capacity = max(2, round(per_event * 0.8))  # registrations a little over capacity: some wait
            starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20 + n)
            status, event = await self.api["events"].call("create_event", "POST", "/v1/events", {
                "kind": "virtual_session", "title": f"Fault run session {n} {self.tag}",
                "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(),
                "capacity": capacity, "registration_deadline": (starts - timedelta(days=1)).isoformat(),
                "audience_stages": MENTEE_STAGES, "is_virtual": True}, self.token("events"))
            if status != 201:
                raise RuntimeError(f"creating an event answered {status}: {event}")
            published, answer = await self.api["events"].call("publish_event", "POST",
                                                              f"/v1/events/{event['id']}/publish", None,
                                                              self.token("events"))
            if published != 200:
                raise RuntimeError(f"publishing an event answered {published}: {answer}")
            self.accepted.events[event["id"]] = capacity
        self.log(f"set up: {len(self.accepted.programs)} programs, "
                 f"{sum(1 for r in self.accepted.people.values() if r == 'mentor')} mentors "
                 f"(capacity {self.size.mentor_capacity} in each of 2 programs), {len(self.accepted.events)} events")

    async def _person(self, n: int, role: str) -> str | None:
        stage = self.rng.choice(MENTOR_STAGES if role == "mentor" else MENTEE_STAGES)
        status, person = await self.api["profiles"].call("register_person", "POST", "/v1/people", {
            "display_name": f"{role.title()} {n}", "email": f"{role}{n}.{self.tag}@example.org", "stage": stage,
            "specialties": self.rng.sample(list(Specialty), self.rng.randint(1, 3)),
            "support_areas": self.rng.sample(list(SupportArea), self.rng.randint(1, 3))}, self.token("profiles"))
        if status == 201:
            self.accepted.people[person["id"]] = role
            return person["id"]
        self.accepted.unanswered += status is None
        return None

    async def _enroll(self, person: str, program: str, role: str) -> str | None:
        body = {"person_id": person, "program_id": program, "role": role}
        if role == "mentor":
            body["capacity"] = self.size.mentor_capacity
        status, enrollment = await self.api["profiles"].call("enroll", "POST", "/v1/enrollments", body,
                                                             self.token("profiles"))
        if status == 201:
            self.accepted.enrollments[enrollment["id"]] = (person, program, role)
            return enrollment["id"]
        self.accepted.unanswered += status is None
        return None

    # --- the load phase ---------------------------------------------------------------------------------------

    async def run(self, seconds: float, until: asyncio.Event | None = None) -> None:
        """Start one mentee's story every seconds/mentees, paced (open loop), then wait for all of them. With
        `until`, mentees keep coming at that pace after the planned ones until it is set (the last fault is over),
        so that every fault happens under load."""
        started = time.monotonic()
        register_share = self.size.registrations / self.size.mentees
        n = 0
        while n < self.size.mentees or until is not None and not until.is_set():
            delay = started + n * seconds / self.size.mentees - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)  # pacing the load, not synchronisation
            task = asyncio.create_task(self._mentee(n, self.rng.random() < register_share,
                                                    self.rng.random() < self.size.end_share))
            self.pending.add(task)
            task.add_done_callback(self.pending.discard)
            if n and n % max(1, self.size.mentees // 10) == 0:
                self.log(f"load: {n} of {self.size.mentees} mentees started, {len(self.pending)} in flight")
            n += 1
        while self.pending:
            await asyncio.gather(*list(self.pending))

    async def _mentee(self, n: int, registers: bool, ends: bool) -> None:
        person = await self._person(n, "mentee")
        if person is None:
            return
        for program in self.rng.sample(self.accepted.programs, 2):
            await self._enroll(person, program, "mentee")
        if registers:
            await self._register(person, self.rng.choice(list(self.accepted.events)))
        if ends:
            await asyncio.sleep(self.rng.uniform(5, 15))  # a while later, the mentee ends the mentorship
            await self._end_pairing(person)

    async def _register(self, person: str, event: str) -> None:
        """Registering again is the same registration (the events service answers 200), so it is retried until
        accepted: the events service learns a new person from profiles' events, and refuses them until then."""
        events = self.api["events"]
        token = self.token("events", "participant", person)
        deadline = time.monotonic() + self.retry_deadline
        while True:
            status, registration = await events.call("register", "POST", f"/v1/events/{event}/registrations",
                                                     {"person_id": person}, token)
            if status in (200, 201):
                self.accepted.registrations[registration["id"]] = (event, person)
                break
            if status == 403 or time.monotonic() > deadline:
                self._gave_up(f"registration, last answer {status} {_code(registration)}")
                return
            await asyncio.sleep(1.0)  # retry period: the person is not known to events yet, or no answer came
        if self.rng.random() < self.size.cancel_share:
            await asyncio.sleep(self.rng.uniform(1, 10))
            while True:
                status, cancelled = await events.call("cancel_registration", "DELETE",
                                                      f"/v1/events/{event}/registrations/{person}", None, token)
                if status == 200:
                    self.accepted.cancellations[cancelled["id"]] = (event, person)
                    return
                if status is not None and status < 500 or time.monotonic() > deadline:
                    self._gave_up(f"cancellation, last answer {status} {_code(cancelled)}")
                    return
                await asyncio.sleep(1.0)

    def _gave_up(self, what: str) -> None:
        self.accepted.gave_up[what] = self.accepted.gave_up.get(what, 0) + 1

    async def _end_pairing(self, person: str) -> None:
        """The mentee ends their mentorship once it shows (matching may lag far behind under faults). One still waiting
        in every program they joined after a while has no mentorship to end, and stops looking: waiting out the whole
        patience would only make the run longer."""
        matching = self.api["matching"]
        patience = min(300.0, self.retry_deadline)
        started = time.monotonic()
        while True:
            status, pairings = await matching.call("pairings_of", "GET", f"/v1/people/{person}/pairings", None,
                                                   self.token("matching"), write=False)
            active = [p for p in pairings or [] if p.get("status") == "active"] if status == 200 else []
            if active:
                break
            looked = time.monotonic() - started
            why = await self._why_none(person, status) if looked > WAITING_SETTLES or looked > patience else None
            if why == WAITLISTED or looked > patience:
                outcome = (f"no active pairing to end ({why})" if why == WAITLISTED else
                           f"no active pairing to end within {patience:.0f} s ({why})")
                self.accepted.ending[outcome] = self.accepted.ending.get(outcome, 0) + 1
                return
            await asyncio.sleep(5.0)  # the mentee looks again later
        pairing = active[0]
        # One of the pair ends it (an administrator may not: only a party to a mentorship ends it).
        status, _ = await matching.call("end_pairing", "POST", f"/v1/pairings/{pairing['id']}/end",
                                        {"reason_code": "schedule_conflict"},
                                        self.token("matching", "participant", person))
        if status == 200:
            self.accepted.ended_pairings[pairing["id"]] = person
        elif status is None or status >= 500:
            self.accepted.ending_unknown.add(pairing["id"])
        outcome = f"end answered {status}"
        self.accepted.ending[outcome] = self.accepted.ending.get(outcome, 0) + 1
        self.accepted.unanswered += status is None


    async def _why_none(self, person: str, status: int | None) -> str:
        """Why a mentee who meant to end a mentorship had none: waiting in every program they joined (the programs
        filled), or something to look into."""
        answered, overview = await self.api["matching"].call(
            "overview", "GET", f"/v1/people/{person}/overview", None, self.token("matching", "participant", person),
            write=False)
        if answered == 200 and isinstance(overview, dict) and overview.get("waiting") and not any(
                p.get("status") in ("proposed", "active") for p in overview.get("pairings", [])):
            return WAITLISTED
        return f"unexplained: last answer {status}, overview {answered}"


def _code(answer: object) -> str:
    return str(answer.get("error", {}).get("code", "")) if isinstance(answer, dict) else ""
