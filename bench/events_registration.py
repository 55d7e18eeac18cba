"""Benchmark: a rush of concurrent registrations against one event (not a test; prints figures).

Starts PostgreSQL (durable: fsync on) and Kafka with devinfra and runs the events service as its own
process(es) (`python -m events`, one uvicorn worker each). The load comes from a separate process (so that
it does not share an interpreter with the server or with the figures' bookkeeping): a small HTTP/1.1 client
on raw asyncio streams with keep-alive connections, because a general-purpose client (httpx) spends more CPU
per request than the service does and, on 2 cores, starves it. Every registrant registers themselves with a
participant token of their own, as in a real rush (nothing is cached across requests).

Each phase registers distinct people for a fresh event:
- closed loop: `--connections` clients, each sending its next registration when the last is answered (the
  most the service sustains);
- open loop at each `--rates` (registrations/s, a fixed arrival rate): request i is due at start + i/rate
  whatever happened before, and its latency counts from that moment, so time spent waiting for a free
  connection counts (no coordinated omission).

For each phase it prints registrations/s, latency p50/p95/p99/max, the CPU each process spent per
registration (events service, PostgreSQL, Kafka, load generator), how long the outbox took to drain, then
checks the invariant on the database (exactly `capacity` confirmed, the rest waitlisted, in arrival order,
one registration per person, each answer agreeing with the database), on the public topic (one
confirmation or waitlisting per person, waitlist positions 1..n), and that registering again returns the
same registration.

    uv run python bench/events_registration.py [--registrations 5000] [--capacity 1000] [--connections 64]
        [--rates 250,500] [--instances 1] [--virtual] [--no-closed]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from cputime import machine_jiffies, tree_cpu_seconds
from devinfra.secrets import PlatformSecrets

# The run's own secrets (Kafka passwords, the token key pair), as the local runner makes them.
SECRETS = PlatformSecrets.generate(["events"])


# --- the load generator (runs in its own process) -----------------------------------------------------------------

class Connection:
    """One keep-alive HTTP/1.1 connection; requests on it go one at a time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> None:
        self.reader, self.writer, self.host = reader, writer, host

    @classmethod
    async def open(cls, url: str) -> Connection:
        host, port = url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        return cls(reader, writer, f"{host}:{port}")

    async def post(self, path: str, body: bytes, token: str) -> tuple[int, bytes]:
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("the server closed this idle connection")
        status = int(status_line.split()[1])
        length = 0
        while (header := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = header.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


@dataclass
class Load:
    urls: list[str]
    event_id: str
    people: list[str]
    tokens: list[str]
    connections: int
    rate: float | None  # None: closed loop


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    answers: dict[str, tuple[str, str]] = field(default_factory=dict)  # person -> (registration id, status)
    elapsed: float = 0.0
    cpu_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


async def _generate(load: Load) -> Outcome:
    outcome = Outcome()
    path = f"/v1/events/{load.event_id}/registrations"
    bodies = [json.dumps({"person_id": p}).encode() for p in load.people]
    # Used in turn (first in, first out), so that none idles past the server's keep-alive timeout.
    idle = deque([await Connection.open(load.urls[i % len(load.urls)]) for i in range(load.connections)])
    free = asyncio.Semaphore(len(idle))

    async def send(i: int, due: float) -> None:
        async with free:
            for attempt in (1, 2):
                connection = idle.popleft()
                try:
                    status, body = await connection.post(path, bodies[i], load.tokens[i])
                    idle.append(connection)
                    break
                except (OSError, asyncio.IncompleteReadError) as error:
                    connection.close()
                    idle.append(await Connection.open(load.urls[i % len(load.urls)]))
                    # A connection the server closed while idle: send again on a new one (registering is
                    # idempotent, so even a request that did arrive is safe to repeat).
                    if attempt == 2 or not isinstance(error, ConnectionResetError):
                        outcome.errors.append(repr(error))
                        return
        outcome.latencies.append(time.perf_counter() - due)
        outcome.statuses[status] += 1
        if status in (200, 201):
            answer = json.loads(body)
            outcome.answers[load.people[i]] = (answer["id"], answer["status"])
        elif len(outcome.errors) < 5:
            outcome.errors.append(f"{status}: {body[:200]!r}")

    cpu_before = time.process_time()
    began = time.perf_counter()
    if load.rate is None:
        remaining = iter(range(len(load.people)))

        async def client() -> None:
            for i in remaining:
                await send(i, time.perf_counter())

        await asyncio.gather(*(client() for _ in range(load.connections)))
    else:
        tasks = []
        for i in range(len(load.people)):
            due = began + i / load.rate
            if (wait := due - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            tasks.append(asyncio.create_task(send(i, due)))
        await asyncio.gather(*tasks)
    outcome.elapsed = time.perf_counter() - began
    outcome.cpu_seconds = time.process_time() - cpu_before
    for connection in idle:
        connection.close()
    return outcome


def _generator_process(load: Load, results) -> None:
    results.send(asyncio.run(_generate(load)))


def generate(load: Load) -> Outcome:
    """Run the load in a child process of its own (it reports the CPU it spent)."""
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_generator_process, args=(load, sending), daemon=True)
    child.start()
    sending.close()  # so that a child that dies shows as EOFError here rather than a hang
    outcome = receiving.recv()
    child.join()
    return outcome


# --- bookkeeping ----------------------------------------------------------------------------------------------------

def percentile(sorted_values: list[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p))] * 1000


# --- one phase ------------------------------------------------------------------------------------------------------

async def create_event(url: str, capacity: int, virtual: bool) -> str:
    import httpx
    from plumbing.auth import mint

    starts = datetime.now(UTC) + timedelta(days=30)
    body = {"kind": "conference", "title": "National conference", "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(days=2)).isoformat(), "capacity": capacity,
            "registration_deadline": starts.isoformat(), "location": "Convention centre",
            "attendees_public": True}  # what other teams see is checked on events.registrations
    if virtual:
        body |= {"is_virtual": True, "virtual_link": "https://meet.example/conference"}
    token = mint(SECRETS.jwt_private_key, audience="events", role="admin")
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as admin:
        event = (await admin.post("/v1/events", json=body)).raise_for_status().json()
        (await admin.post(f"/v1/events/{event['id']}/publish")).raise_for_status()
    return event["id"]


async def outbox_drained(dsn: str) -> float:
    """Seconds until every event committed so far has been published (the relay deletes it then)."""
    import asyncpg

    began = time.perf_counter()
    conn = await asyncpg.connect(dsn)
    try:
        while await conn.fetchval("SELECT count(*) FROM outbox"):
            await asyncio.sleep(0.05)
    finally:
        await conn.close()
    return time.perf_counter() - began


async def check_database(dsn: str, event_id: str, outcome: Outcome, people: list[str], capacity: int) -> list[str]:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT id::text, person_id::text, status FROM registrations "
                                "WHERE scheduled_event_id = $1 ORDER BY arrival", event_id)
    finally:
        await conn.close()
    statuses = [r["status"] for r in rows]
    confirmed = min(capacity, len(people))
    problems = []
    if statuses != ["confirmed"] * confirmed + ["waitlisted"] * (len(people) - confirmed):
        problems.append(f"{statuses.count('confirmed')} confirmed and {statuses.count('waitlisted')} waitlisted, "
                        f"in arrival order: {statuses == sorted(statuses)}")
    if len({r["person_id"] for r in rows}) != len(rows) or {r["person_id"] for r in rows} != set(people):
        problems.append(f"{len(rows)} registrations for {len(set(r['person_id'] for r in rows))} people, "
                        f"{len(people)} expected")
    if {r["person_id"]: (r["id"], r["status"]) for r in rows} != outcome.answers:
        problems.append("the answers disagree with the database")
    return problems


async def check_topic(kafka: dict, event_id: str, registrations: int, capacity: int) -> list[str]:
    """What other teams see (read after the outbox drained, to the end of the topic; redeliveries counted once)."""
    from aiokafka import AIOKafkaConsumer
    from plumbing.testing import eventually

    consumer = AIOKafkaConsumer("events.registrations", **kafka, auto_offset_reset="earliest",
                                group_id=f"bench-{uuid4().hex[:8]}", enable_auto_commit=False)
    await consumer.start()
    seen: dict[str, dict] = {}
    try:
        async def read_to_the_end() -> bool:
            for batch in (await consumer.getmany(timeout_ms=500, max_records=10_000)).values():
                for record in batch:
                    if (message := json.loads(record.value))["scheduled_event_id"] == event_id:
                        seen[message["event_id"]] = message
            if not consumer.assignment():
                return False
            ends = await consumer.end_offsets(list(consumer.assignment()))
            return all([await consumer.position(tp) >= end for tp, end in ends.items()])

        await eventually(read_to_the_end, timeout=300, what="the end of events.registrations")
    finally:
        await consumer.stop()
    messages = list(seen.values())
    kinds = Counter(m["event_type"] for m in messages)
    expected = Counter({"events.registration_confirmed": min(capacity, registrations),
                        "events.registration_waitlisted": max(0, registrations - capacity)})
    problems = []
    if kinds != +expected:
        problems.append(f"the topic holds {dict(kinds)}")
    if sorted(m["position"] for m in messages if "position" in m) != list(range(1, registrations - capacity + 1)):
        problems.append("waitlist positions on the topic are not 1..n")
    if len({m["person_id"] for m in messages}) != len(messages):
        problems.append("someone was announced twice")
    return problems


async def check_retries(url: str, event_id: str, outcome: Outcome, people: list[str], tokens: list[str]) -> list[str]:
    """Registering again (a client's retry) answers 200 with the same registration."""
    sample = list(range(0, len(people), max(1, len(people) // 100)))
    connection = await Connection.open(url)
    problems = []
    try:
        for i in sample:
            status, body = await connection.post(f"/v1/events/{event_id}/registrations",
                                                 json.dumps({"person_id": people[i]}).encode(), tokens[i])
            if status != 200 or json.loads(body)["id"] != outcome.answers.get(people[i], ("",))[0]:
                problems.append(f"a retry answered {status}")
    finally:
        connection.close()
    return problems[:3]


@dataclass
class Stack:
    urls: list[str]
    dsn: str
    kafka: dict  # a reader's client options
    server_pids: list[int]
    postgres_pid: int
    kafka_pid: int


async def phase(stack: Stack, args: argparse.Namespace, rate: float | None) -> None:
    event_id = await create_event(stack.urls[0], args.capacity, args.virtual)
    people, tokens = _people_and_tokens(args.registrations)
    load = Load(stack.urls, event_id, people, tokens, args.connections, rate)

    servers_before = sum(tree_cpu_seconds(pid) for pid in stack.server_pids)
    postgres_before, kafka_before = tree_cpu_seconds(stack.postgres_pid), tree_cpu_seconds(stack.kafka_pid)
    machine_before = machine_jiffies()
    outcome = await asyncio.to_thread(generate, load)
    machine_after = machine_jiffies()
    drain = await outbox_drained(stack.dsn)
    servers = sum(tree_cpu_seconds(pid) for pid in stack.server_pids) - servers_before
    postgres = tree_cpu_seconds(stack.postgres_pid) - postgres_before
    kafka = tree_cpu_seconds(stack.kafka_pid) - kafka_before

    n = args.registrations
    latencies = sorted(outcome.latencies)
    title = (f"closed loop, {args.connections} connections" if rate is None
             else f"open loop at {rate:.0f}/s offered ({args.connections} connections at most)")
    print(f"\n{title}: {len(latencies) / outcome.elapsed:.0f} registrations/s over {outcome.elapsed:.1f} s; "
          f"latency p50 {percentile(latencies, 0.5):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms, "
          f"p99 {percentile(latencies, 0.99):.0f} ms, max {latencies[-1] * 1000:.0f} ms; "
          f"answers {dict(sorted(outcome.statuses.items()))}"
          + (f"; errors {outcome.errors[:3]}" if outcome.errors else ""))
    busy, steal, total = (after - before for after, before in zip(machine_after, machine_before, strict=True))
    print(f"  CPU per registration (until the outbox drained): events service {servers / n * 1000:.2f} ms, "
          f"PostgreSQL {postgres / n * 1000:.2f} ms, Kafka {kafka / n * 1000:.2f} ms, "
          f"load generator {outcome.cpu_seconds / n * 1000:.2f} ms; "
          f"machine busy {busy / total:.0%}, stolen by the hypervisor {steal / total:.0%}")
    print(f"  outbox drained {drain:.1f} s after the last answer")
    problems = (await check_database(stack.dsn, event_id, outcome, people, args.capacity)
                + await check_topic(stack.kafka, event_id, n, args.capacity)
                + await check_retries(stack.urls[0], event_id, outcome, people, tokens))
    confirmed = min(args.capacity, n)
    print(f"  invariant {'holds' if not problems else 'BROKEN: ' + '; '.join(problems)}: {confirmed} confirmed, "
          f"{n - confirmed} waitlisted, in arrival order, one registration per person, answers agree with the "
          f"database and the topic, retries return the same registration")


async def main(args: argparse.Namespace) -> None:
    from devinfra.kafka import KafkaServer, grants_for_tests
    from devinfra.postgres import PostgresServer
    from plumbing.testing import answers_ready, eventually, free_port

    with tempfile.TemporaryDirectory(prefix="bench-events-") as scratch:
        os.chmod(scratch, 0o755)  # PostgreSQL runs as another user when we are root
        postgres = PostgresServer(os.path.join(scratch, "pg"), fast=False).start()
        kafka = KafkaServer(os.path.join(scratch, "kafka"), passwords=SECRETS.kafka_passwords).start()
        kafka.provision(grants_for_tests())
        servers: list[subprocess.Popen] = []
        try:
            dsn = postgres.create_database("bench_events")
            urls = []
            for _ in range(args.instances):
                port = free_port()
                # No profiles: registrations publish nothing sealed, so no data key is asked for.
                env = {**os.environ, **SECRETS.service_environment("events", kafka.access), "DATABASE_URL": dsn,
                       "HTTP_PORT": str(port), "LOG_LEVEL": "WARNING", "PROFILES_URL": "http://profiles.invalid"}
                servers.append(subprocess.Popen([sys.executable, "-m", "events"], env=env))
                urls.append(f"http://127.0.0.1:{port}")

            await eventually(lambda: answers_ready(*urls), timeout=120, what="the events service")
            stack = Stack(urls, dsn, kafka.client_options("tests"), [s.pid for s in servers], postgres.pid, kafka.pid)
            print(f"cpus: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}; registrations per phase: "
                  f"{args.registrations} for {args.capacity} seats ({'virtual' if args.virtual else 'in person'}); "
                  f"PostgreSQL durable; events service: {args.instances} process(es), one uvicorn worker each")
            # Warm up (connections, caches, first-call costs) on an event of its own; not counted.
            warm_up = await create_event(urls[0], args.capacity, args.virtual)
            await asyncio.to_thread(generate, Load(urls, warm_up, *_people_and_tokens(min(500, args.registrations)),
                                                   args.connections, None))
            if not args.no_closed:
                await phase(stack, args, None)
            for rate in args.rates:
                await phase(stack, args, rate)
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(30)
            kafka.stop()
            postgres.stop()


def _people_and_tokens(n: int) -> tuple[list[str], list[str]]:
    """Distinct people, each with a participant token of their own."""
    from plumbing.auth import mint

    people = [str(uuid4()) for _ in range(n)]
    return people, [mint(SECRETS.jwt_private_key, audience="events", role="participant", person_id=p, ttl_seconds=3600)
                    for p in people]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=5000, help="per phase")
    parser.add_argument("--capacity", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=64, help="keep-alive connections (closed loop: in flight)")
    parser.add_argument("--rates", type=lambda s: [float(r) for r in s.split(",") if r], default=[250.0, 500.0],
                        help="open-loop arrival rates, registrations/s, comma-separated")
    parser.add_argument("--no-closed", action="store_true", help="skip the closed-loop phase")
    parser.add_argument("--instances", type=int, default=1, help="events service processes sharing the database")
    parser.add_argument("--virtual", action="store_true", help="a virtual event: each confirmation also grants access")
    asyncio.run(main(parser.parse_args()))
