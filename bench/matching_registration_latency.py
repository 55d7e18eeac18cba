"""Benchmark: pairing on registration at a sustained rate, from a mentee's enrollment to their pairing on Kafka.

    uv run python bench/matching_registration_latency.py [--rate 100] [--seconds 30] [--mentors 1000] [--capacity 4]

Starts its own Kafka and PostgreSQL (durability off, as in the tests), runs `python -m matching` as a process,
and plays the profiles service with a plain producer: a program that pairs mentees as they register, `--mentors`
mentors enrolled with room (capacity `--capacity` each), and the matching profile of every mentee to come, all
applied before the clock starts (checked in the service's database). Then it publishes one mentee
`EnrollmentCreated` after another at `--rate` per second for `--seconds`, and reads matching.pairings. For each
mentee, latency runs from Kafka's acknowledgement of their enrollment (the moment profiles' relay would have
published it, after the HTTP response) to the moment their PairingConfirmed (or PairingProposed) can be read
from the topic. Prints p50/p95/p99/max, the rate achieved, and anyone not paired. Not a test: it prints figures.

The service's pid is printed, so it can be profiled while the benchmark runs: `py-spy dump --pid PID`, or pass
`--py-spy flame.svg` to record the timed phase.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from cputime import machine_jiffies, tree_cpu_seconds
from devinfra.kafka import KafkaServer, grants_for_tests
from devinfra.postgres import PostgresServer
from devinfra.processes import free_port, stop_group
from devinfra.secrets import PlatformSecrets
from mentorship_contracts import IntegrationEvent, message_headers, profiles
from mentorship_contracts.vocabulary import Specialty, SupportArea
from plumbing.testing import answers_ready, eventually

MENTOR_STAGES = ["medical_student_3", "medical_student_4", "resident", "fellow", "attending"]
MENTEE_STAGES = ["high_school", "undergraduate", "post_baccalaureate", "medical_student_1"]
ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
PAIRED = {"matching.pairing_confirmed", "matching.pairing_proposed"}


def profile(rng: random.Random, person_id: UUID, stage: str, mentor: bool) -> profiles.MatchingProfileChanged:
    """A random matching profile, as in the round benchmark."""
    identity = {"first_generation": "yes"} if rng.random() < 0.3 else {}
    wishes = (
        [{"attribute": "first_generation", "strength": "preference"}]
        if identity and not mentor and rng.random() < 0.5 else []
    )
    return profiles.MatchingProfileChanged(
        person_id=person_id, chapter_id=None, stage=stage,
        specialties=rng.sample(list(Specialty), rng.randint(1, 3)),
        support_areas=rng.sample(list(SupportArea), rng.randint(1, 4)),
        languages=["en"] + (["es"] if rng.random() < 0.2 else []), timezone=rng.choice(ZONES),
        modalities=rng.choice([["virtual"], ["in_person", "virtual"]]), identity_for_matching=identity,
        identity_requests=wishes,
    )


async def publish(producer: AIOKafkaProducer, event: IntegrationEvent) -> asyncio.Future:
    """Hand the event to the producer; the future completes when Kafka acknowledged it."""
    headers = [(k, v.encode()) for k, v in message_headers(str(event.event_id), event.event_type).items()]
    return await producer.send(event.topic, event.to_json(), key=event.key.encode(), headers=headers)


async def publish_all(producer: AIOKafkaProducer, events: list[IntegrationEvent]) -> None:
    await asyncio.gather(*[await publish(producer, e) for e in events])


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    return sorted_values[max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))]


class PairingReader:
    """Reads matching's public topics and notes when each mentee's pairing (or waitlisting) became readable."""

    def __init__(self, kafka: dict) -> None:
        self.consumer = AIOKafkaConsumer("matching.pairings", "matching.waitlist", **kafka,
                                         group_id=f"bench-{uuid4().hex}", auto_offset_reset="earliest")
        self.paired: dict[str, float] = {}
        self.written: dict[str, float] = {}  # when the service wrote the pairing (the event's time, wall clock)
        self.waitlisted: dict[str, float] = {}
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        await self.consumer.start()
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            batches = await self.consumer.getmany(timeout_ms=200)
            now = time.perf_counter()
            for records in batches.values():
                for record in records:
                    event = json.loads(record.value)
                    seen = self.paired if event["event_type"] in PAIRED else \
                        self.waitlisted if event["event_type"] == "matching.mentee_waitlisted" else None
                    if seen is not None:
                        seen.setdefault(event["mentee_id"], now)
                    if seen is self.paired:
                        self.written.setdefault(event["mentee_id"], datetime.fromisoformat(event["occurred_at"]).timestamp())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        await self.consumer.stop()


async def print_statements(db: asyncpg.Connection, enrollments: int, top: int) -> None:
    """The statements PostgreSQL spent most time on during the timed phase (pg_stat_statements), per enrollment."""
    rows = await db.fetch(
        """SELECT calls, total_exec_time, rows, regexp_replace(query, '\\s+', ' ', 'g') AS query
             FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY total_exec_time DESC LIMIT $1""", top)
    total = await db.fetchval("""SELECT sum(total_exec_time) FROM pg_stat_statements
                                  WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())""")
    calls = await db.fetchval("""SELECT sum(calls) FROM pg_stat_statements
                                  WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())""")
    print(f"statements: {calls / enrollments:.1f} per enrollment, {1000 * total / enrollments:.0f} µs of execution "
          "per enrollment in all; the most costly:")
    for row in rows:
        print(f"  {1000 * row['total_exec_time'] / enrollments:6.0f} µs/enrollment  {row['calls'] / enrollments:5.2f} "
              f"calls/enrollment  {1000 * row['total_exec_time'] / max(1, row['calls']):6.0f} µs/call  "
              f"{row['query'][:150]}")


async def run(args: argparse.Namespace, work: Path) -> None:
    rng = random.Random(args.seed)
    # The run's own secrets, as the local runner makes them; the broker provisioned as the runner does.
    secrets = PlatformSecrets.generate(["matching"])
    kafka = KafkaServer(work / "kafka", passwords=secrets.kafka_passwords).start()
    postgres = PostgresServer(work / "postgres", fast=True, settings={
        "shared_preload_libraries": "pg_stat_statements"} if args.statements else None).start()
    await asyncio.to_thread(kafka.provision, grants_for_tests())
    database_url = postgres.create_database("matching")
    port = free_port()
    env = os.environ | secrets.service_environment("matching", kafka.access) | {
        "DATABASE_URL": database_url, "HTTP_PORT": str(port), "LOG_LEVEL": "WARNING",
        # No profiles here: the matching profiles this bench publishes carry nothing sealed, so no key is asked for.
        "PROFILES_URL": "http://profiles.invalid"}
    with open(work / "matching.log", "ab") as log:
        service = subprocess.Popen([sys.executable, "-m", "matching"], env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    producer = AIOKafkaProducer(**kafka.client_options("tests"), acks="all", linger_ms=0)
    await producer.start()
    reader = PairingReader(kafka.client_options("tests"))
    db = None
    spy = None
    try:
        await eventually(lambda: answers_ready(f"http://127.0.0.1:{port}"), timeout=120, what="the matching service")
        print(f"matching service pid: {service.pid}", flush=True)
        await reader.start()
        db = await asyncpg.connect(database_url)

        # Its members public: its pairings are read on matching's public topics (each commit still asks whether).
        program = profiles.ProgramDefinedV5(
            program_id=uuid4(), chapter_id=None, name="Into Medical School", mentee_stages=MENTEE_STAGES,
            mentor_stages=MENTOR_STAGES, pairing_mode="on_registration", both_must_accept=False, minimum_score=0,
            members_public=True)
        mentors = [(uuid4(), rng.choice(MENTOR_STAGES)) for _ in range(args.mentors)]
        total = int(args.rate * args.seconds)
        warm_up = 20
        mentees = [(uuid4(), rng.choice(MENTEE_STAGES)) for _ in range(warm_up + total)]
        setup_started = time.perf_counter()
        await publish_all(producer, [program])
        await publish_all(producer, [profile(rng, p, s, True) for p, s in mentors]
                          + [profile(rng, p, s, False) for p, s in mentees])
        await publish_all(producer, [profiles.EnrollmentCreated(
            enrollment_id=uuid4(), person_id=p, program_id=program.program_id, chapter_id=None, role="mentor",
            stage=s, capacity=args.capacity) for p, s in mentors])

        async def applied():
            counts = await db.fetchrow(
                """SELECT (SELECT count(*) FROM programs) AS programs, (SELECT count(*) FROM matching_profiles) AS profiles,
                          (SELECT count(*) FROM enrollments WHERE role = 'mentor') AS mentors""")
            return tuple(counts) == (1, len(mentors) + len(mentees), len(mentors))

        await eventually(applied, timeout=600, interval=0.5, what="the program, mentors and profiles to be applied")
        print(f"set up: {len(mentors)} mentors (capacity {args.capacity}) and {len(mentees)} mentee profiles applied "
              f"in {time.perf_counter() - setup_started:.1f} s", flush=True)

        def enrollment(person: UUID, stage: str) -> profiles.EnrollmentCreated:
            return profiles.EnrollmentCreated(enrollment_id=uuid4(), person_id=person, program_id=program.program_id,
                                              chapter_id=None, role="mentee", stage=stage)

        # Warm-up, untimed: a few mentees one by one, each waited for.
        for person, stage in mentees[:warm_up]:
            await (await publish(producer, enrollment(person, stage)))
            await eventually(lambda person=person: str(person) in reader.paired, timeout=60, what="a warm-up pairing")

        timed = mentees[warm_up:]
        events = [enrollment(person, stage) for person, stage in timed]
        acknowledged: dict[str, float] = {}
        acknowledged_wall: dict[str, float] = {}
        if args.py_spy:
            form = {".svg": "flamegraph", ".json": "speedscope"}.get(Path(args.py_spy).suffix, "raw")
            spy = subprocess.Popen(["py-spy", "record", "--pid", str(service.pid), "--output", args.py_spy,
                                    "--format", form, "--duration", str(int(args.seconds) + 5), "--nonblocking"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if args.statements:
            await db.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            await db.execute("SELECT pg_stat_statements_reset()")
        processes = {"matching": service.pid, "kafka": kafka.pid, "postgres": postgres.pid, }
        cpu_before = {name: tree_cpu_seconds(pid) for name, pid in processes.items()}
        cpu_before["benchmark"] = time.process_time()  # this process alone: the servers are its children
        machine_before = machine_jiffies()
        started = time.perf_counter()
        stolen_per_window: list[float] = []

        async def sample_steal() -> None:  # the hypervisor's share in each 5 s window, to judge a bad one by
            before = machine_jiffies()
            while True:
                await asyncio.sleep(5)
                now = machine_jiffies()
                stolen_per_window.append((now[1] - before[1]) / max(1, now[2] - before[2]))
                before = now

        sampler = asyncio.create_task(sample_steal())
        pending = []
        for i, ((person, _), event) in enumerate(zip(timed, events, strict=True)):
            delay = started + i / args.rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)  # pacing the load, not synchronisation
            future = await publish(producer, event)
            future.add_done_callback(lambda _, key=str(person): acknowledged.setdefault(key, time.perf_counter()))
            future.add_done_callback(lambda _, key=str(person): acknowledged_wall.setdefault(key, time.time()))
            pending.append(future)
        await asyncio.gather(*pending)
        published = max(acknowledged.values()) - started

        def settled():
            return all(str(p) in reader.paired or str(p) in reader.waitlisted for p, _ in timed)

        try:
            await eventually(settled, timeout=args.drain_timeout, interval=0.1, what="every mentee's pairing")
        except TimeoutError as error:
            print(f"warning: {error}")
        sampler.cancel()
        cpu = {name: tree_cpu_seconds(pid) - cpu_before[name] for name, pid in processes.items()}
        cpu["benchmark"] = time.process_time() - cpu_before["benchmark"]
        busy_jiffies, stolen, total_jiffies = (a - b for a, b in zip(machine_jiffies(), machine_before, strict=True))
        busy = time.perf_counter() - started
        last = max([reader.paired.get(str(p), 0.0) for p, _ in timed] or [started])
        latencies = sorted(1000 * (reader.paired[str(p)] - acknowledged[str(p)]) for p, _ in timed if str(p) in reader.paired)
        waitlisted = sum(1 for p, _ in timed if str(p) in reader.waitlisted and str(p) not in reader.paired)
        missing = len(timed) - len(latencies) - waitlisted
        print(f"enrollments published: {len(timed)} in {published:.2f} s ({len(timed) / published:.1f}/s; target "
              f"{args.rate:g}/s)")
        print(f"pairings read:         {len(latencies)} (waitlisted instead: {waitlisted}; neither: {missing})")
        print(f"pairings per second:   {len(latencies) / (last - started):.1f} (last pairing {last - started:.2f} s "
              "after the first enrollment)")
        if latencies:
            print(f"latency ms:            p50 {percentile(latencies, 50):.0f}  p95 {percentile(latencies, 95):.0f}  "
                  f"p99 {percentile(latencies, 99):.0f}  max {latencies[-1]:.0f}  mean {statistics.fmean(latencies):.0f}")
            # Which side of the service's commit the time goes: consuming and pairing, or publishing and reading.
            parts = []
            for p, _ in timed:
                if str(p) in reader.written:
                    to_written = 1000 * (reader.written[str(p)] - acknowledged_wall[str(p)])
                    parts.append((to_written, 1000 * (reader.paired[str(p)] - acknowledged[str(p)]) - to_written))
            print(f"p99 ms, enrolled to pairing written: {percentile(sorted(a for a, _ in parts), 99):.0f}; "
                  f"written to readable: {percentile(sorted(b for _, b in parts), 99):.0f}")
            # Where the tail sits in time: a stall shows as one bad window, a backlog as growing ones.
            windows: dict[int, list[float]] = {}
            for p, _ in timed:
                if str(p) in reader.paired:
                    sent = acknowledged[str(p)]
                    windows.setdefault(int((sent - started) // 5), []).append(1000 * (reader.paired[str(p)] - sent))
            print("p99 ms per 5 s:        " + "  ".join(
                f"{percentile(sorted(w), 99):.0f}" for _, w in sorted(windows.items())))
            print("CPU stolen per 5 s:    " + "  ".join(f"{share:.0%}" for share in stolen_per_window))
        print("CPU, share of one core: " + ", ".join(f"{name} {spent / busy:.0%}" for name, spent in cpu.items())
              + f" (of {os.cpu_count()} cores); matching per enrollment {1000 * cpu['matching'] / len(timed):.2f} ms")
        print(f"machine: busy {busy_jiffies / total_jiffies:.0%}, stolen by the hypervisor {stolen / total_jiffies:.0%}")
        if args.statements:
            await print_statements(db, len(timed), args.statements)
        if service.poll() is not None:
            print(f"the service exited with code {service.returncode}; see {work / 'matching.log'}")
    finally:
        if spy is not None:
            spy.wait(timeout=120)
        if db is not None:
            await db.close()
        await reader.stop()
        await producer.stop()
        stop_group(service.pid, timeout=60)
        service.wait()
        kafka.stop()
        postgres.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="mentee enrollments per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the rate is sustained")
    parser.add_argument("--mentors", type=int, default=1000)
    parser.add_argument("--capacity", type=int, default=4, help="mentees each mentor takes")
    parser.add_argument("--drain-timeout", type=float, default=300.0, help="how long to wait for the last pairings")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--statements", type=int, default=0, metavar="N",
                        help="print the N statements PostgreSQL spent most time on (pg_stat_statements)")
    parser.add_argument("--py-spy", help="record py-spy samples of the service during the timed phase to this file "
                                         "(.svg: a flame graph, .json: speedscope, else collapsed stacks)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-matching-latency-"))
    work.chmod(0o755)  # PostgreSQL may run as another user, who must be able to enter it
    try:
        asyncio.run(run(args, work))
    finally:
        if args.py_spy is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"service log kept in {work / 'matching.log'}")


if __name__ == "__main__":
    main()
