"""Benchmark: signed-in people browsing their dashboards and event pages (not a test; prints figures).

Starts PostgreSQL and Kafka with devinfra, an SMTP sink, and the five services as processes of their own
(`python -m <service>`, one uvicorn worker each, as the local runner does; `--web-processes` runs several web
processes, as replicas behind a load balancer, the people spread evenly over them). The web app runs through this
file (`--serve-web`): the same `web.bootstrap.build_app`, wrapped in a thin ASGI layer that notes each page's server
time (from the request's arrival to the last byte of the answer), its size, and the calls it made to the services
(every `ServiceClients.call` made while serving it, counted through a context variable), read back at the end.

The world: a chapter, a program pairing on registration (60 mentors with room for two each, 140 mentees, so some
wait), 20 published events (national and the chapter's), each person registered for two of them. Every person is
signed in: a session row in the web app's own table, as the email link would have made it (a session is a row).
The load comes from another process: `--people` keep-alive connections, one per person, each looping over their
dashboard (`/`), the event list (`/events`) and one event's page.

Two phases, on the same world:
- People browsing (`--think`, mean seconds, 7 by default): after each page a person reads it for a think time drawn
  from an exponential distribution with that mean, cut at ten times the mean, before asking for the next (each
  person also starts after one such pause, so they do not all arrive at once). This is TPC-W's model of people
  at a web shop (clause 5.3.1.1: negative exponential think time, mean 7 s, at most 70 s), the usual closed
  workload for load tests of people. 200 people then ask for about 200 / 7 = 28 pages a second.
- Capacity (`--capacity-seconds`; `--think 0` runs it alone): the same people with no think time, each asking
  for the next page the instant the last is answered, so `--people` requests are always in flight: the pages per
  second the platform can serve on this machine (its server times are mostly queueing, and are not the target's).

Prints for each phase pages/s, server time p50/p95/p99 (and what the client saw), calls to services per page and
bytes per page by kind of page, the CPU each process spent per page, the load average while it ran (others' work
on a shared machine shows there), and the share of the machine the hypervisor stole.

    uv run python bench/web_pages.py [--people 200] [--think 7] [--seconds 60] [--capacity-seconds 20]
                                     [--web-processes 1]
"""

from __future__ import annotations

import argparse
import asyncio
import contextvars
import json
import multiprocessing
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from hashlib import sha256

SERVICES = ("profiles", "matching", "events", "notifications")
MENTORS, MENTOR_ROOM, EVENTS = 60, 2, 20
BENCH_PATH = "/__bench__"  # served by the wrapper in this file only, never by the web app itself


# --- the web app, wrapped (runs in its own process: `--serve-web`) ---------------------------------------------------

def kind_of(path: str) -> str:
    if path == "/":
        return "dashboard"
    if path == "/events":
        return "event list"
    if path.startswith("/events/"):
        return "event page"
    return "other"


def serve_web() -> None:
    import uvicorn
    from web.bootstrap import build_app

    app = build_app()
    clients = app.state.clients
    counting: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("counting", default=None)
    original_call = clients.call

    async def call(*args, **kwargs):
        if (counter := counting.get()) is not None:
            counter[0] += 1
        return await original_call(*args, **kwargs)

    clients.call = call
    noted: list[tuple[str, float, int, int, int, float]] = []  # kind, server ms, bytes, calls, status, arrival

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        if scope["path"] == BENCH_PATH:
            body = json.dumps({"pages": noted, "calls": clients.calls}).encode()
            if scope["method"] == "DELETE":
                noted.clear()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        began, arrived, size, status = time.perf_counter(), time.time(), 0, 0
        counter = [0]
        token = counting.set(counter)

        async def measured(message):
            nonlocal size, status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await app(scope, receive, measured)
        finally:
            counting.reset(token)
            noted.append((kind_of(scope["path"]), (time.perf_counter() - began) * 1000, size, counter[0], status,
                          arrived))

    settings = app.state.service.settings
    uvicorn.run(wrapped, host="127.0.0.1", port=settings.http_port, log_config=None, access_log=False)


# --- the load generator (its own process) ------------------------------------------------------------------------------

@dataclass
class Load:
    urls: list[str]  # the web processes; person i browses on urls[i % len(urls)]
    cookies: list[str]  # one session per person
    events: list[list[str]]  # the event ids each person looks at
    seconds: float
    think: float = 0.0  # mean think time (s) after each page; 0: the next page at once


def think_time(rng: random.Random, mean: float) -> float:
    """How long a person reads a page: exponential with this mean, cut at ten times the mean (TPC-W 5.3.1.1)."""
    return min(rng.expovariate(1 / mean), 10 * mean) if mean > 0 else 0.0


@dataclass
class Outcome:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    pages: int = 0
    reconnections: int = 0  # kept connections the server had closed, opened again
    elapsed: float = 0.0
    cpu_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


async def _get(reader, writer, host: str, path: str, cookie: str) -> tuple[int, bytes]:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: __Host-session={cookie}\r\n"
                 f"Accept-Language: en\r\n\r\n".encode())
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("closed")
    status, length, chunked = int(status_line.split()[1]), 0, False
    while (header := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = header.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        return status, await reader.readexactly(length)
    body = b""
    while (size := int((await reader.readline()).strip(), 16)) > 0:
        body += await reader.readexactly(size)
        await reader.readline()
    await reader.readline()
    return status, body


async def _generate(load: Load) -> Outcome:
    outcome = Outcome()
    deadline = time.perf_counter() + load.seconds

    async def think(rng: random.Random) -> None:
        # The person reading the page (the model's think time, not a wait for anything).
        if load.think > 0:
            await asyncio.sleep(max(0.0, min(think_time(rng, load.think), deadline - time.perf_counter())))

    async def person(i: int) -> None:
        host_port = load.urls[i % len(load.urls)].removeprefix("http://")
        host, port = host_port.split(":")
        rng = random.Random(f"{i}:{load.seconds}:{load.think}")
        await think(rng)
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while time.perf_counter() < deadline:
                for path in ("/", "/events", f"/events/{rng.choice(load.events[i])}"):
                    if time.perf_counter() >= deadline:
                        break
                    began = time.perf_counter()
                    try:
                        status, _ = await _get(reader, writer, host_port, path, load.cookies[i])
                    except (OSError, asyncio.IncompleteReadError):
                        # The server closed the kept connection while the person read (uvicorn closes one idle for
                        # 5 s): as a browser does, a new connection, and the page asked again on it (timed whole).
                        writer.close()
                        reader, writer = await asyncio.open_connection(host, int(port))
                        outcome.reconnections += 1
                        try:
                            status, _ = await _get(reader, writer, host_port, path, load.cookies[i])
                        except (OSError, asyncio.IncompleteReadError) as error:
                            if len(outcome.errors) < 5:
                                outcome.errors.append(repr(error))
                            writer.close()
                            reader, writer = await asyncio.open_connection(host, int(port))
                            continue
                    outcome.latencies[kind_of(path)].append(time.perf_counter() - began)
                    outcome.statuses[status] += 1
                    outcome.pages += 1
                    await think(rng)
        finally:
            writer.close()

    cpu_before, began = time.process_time(), time.perf_counter()
    await asyncio.gather(*(person(i) for i in range(len(load.cookies))))
    outcome.elapsed = time.perf_counter() - began
    outcome.cpu_seconds = time.process_time() - cpu_before
    outcome.latencies = dict(outcome.latencies)
    outcome.statuses = dict(outcome.statuses)
    return outcome


def _generator_process(load: Load, results) -> None:
    results.send(asyncio.run(_generate(load)))


def generate(load: Load) -> Outcome:
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_generator_process, args=(load, sending), daemon=True)
    child.start()
    sending.close()
    outcome = receiving.recv()
    child.join()
    return outcome


# --- the world --------------------------------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else float("nan")


async def build_world(urls: dict[str, str], private_key: str, people: int) -> dict:
    import httpx
    from plumbing.auth import mint
    from plumbing.testing import eventually

    def admin(service: str) -> httpx.AsyncClient:
        token = mint(private_key, audience=service, role="admin", ttl_seconds=3600)
        return httpx.AsyncClient(base_url=urls[service], headers={"Authorization": f"Bearer {token}"}, timeout=60)

    mentors = min(MENTORS, people // 3)
    async with admin("profiles") as profiles:
        chapter = (await profiles.post("/v1/chapters", json={"name": "Chicago", "timezone": "America/Chicago"}))\
            .raise_for_status().json()
        program = (await profiles.post("/v1/programs", json={
            "name": "Into Medical School", "chapter_id": chapter["id"], "mentee_stages": ["undergraduate"],
            "mentor_stages": ["resident"], "pairing_mode": "on_registration"})).raise_for_status().json()
        persons = []
        for i in range(people):
            mentor = i < mentors
            person = (await profiles.post("/v1/people", json={
                "display_name": f"{'Dr. ' if mentor else ''}Person {i}", "email": f"person{i}@example.org",
                "stage": "resident" if mentor else "undergraduate", "chapter_id": chapter["id"],
                "specialties": ["emergency_medicine"], "languages": ["en"], "timezone": "America/Chicago",
                "support_areas": ["applications_and_interviews"]})).raise_for_status().json()
            persons.append(person)
        for i, person in enumerate(persons):
            mentor = i < mentors
            (await profiles.post("/v1/enrollments", json={
                "person_id": person["id"], "program_id": program["id"], "role": "mentor" if mentor else "mentee",
                "capacity": MENTOR_ROOM if mentor else 1})).raise_for_status()
    events = []
    async with admin("events") as catalogue:
        starts = datetime.now(UTC) + timedelta(days=20)
        for n in range(EVENTS):
            body = {"kind": "virtual_session", "title": f"Session {n}", "starts_at": (starts + timedelta(days=n)).isoformat(),
                    "ends_at": (starts + timedelta(days=n, hours=1)).isoformat(), "capacity": 100,
                    "timezone": "America/Chicago", "registration_deadline": starts.isoformat(), "is_virtual": True,
                    "virtual_link": f"https://meet.example.org/{n}",
                    "description": "A conversation about the road into medicine. " * 8}
            if n % 2:
                body["chapter_id"] = chapter["id"]
            event = (await catalogue.post("/v1/events", json=body)).raise_for_status().json()
            (await catalogue.post(f"/v1/events/{event['id']}/publish")).raise_for_status()
            events.append(event["id"])
    rng = random.Random(7)
    looked_at = []
    for person in persons:
        mine = rng.sample(events, 2)
        looked_at.append(mine + rng.sample(events, 2))
        token = mint(private_key, audience="events", role="participant", person_id=person["id"],
                     chapter_ids=[chapter["id"]], ttl_seconds=3600)
        async with httpx.AsyncClient(base_url=urls["events"], headers={"Authorization": f"Bearer {token}"},
                                     timeout=60) as participant:
            for event_id in mine:
                (await participant.post(f"/v1/events/{event_id}/registrations",
                                        json={"person_id": person["id"]})).raise_for_status()
    # Matching pairs as the enrollments arrive: wait until the last mentee has a pairing or a waitlist place.
    token = mint(private_key, audience="matching", role="admin", ttl_seconds=3600)
    async with httpx.AsyncClient(base_url=urls["matching"], headers={"Authorization": f"Bearer {token}"},
                                 timeout=60) as matching:
        async def settled() -> bool:
            waitlist = (await matching.get(f"/v1/programs/{program['id']}/waitlist")).json()
            paired = 0
            for person in persons[mentors:mentors + 5]:
                paired += bool((await matching.get(f"/v1/people/{person['id']}/pairings")).json())
            return paired == 5 and len(waitlist) >= max(0, people - mentors - mentors * MENTOR_ROOM)

        await eventually(settled, timeout=300, what="matching to pair or waitlist every mentee")
    return {"chapter": chapter, "program": program, "persons": persons, "events": looked_at}


async def sign_everyone_in(dsn: str, world: dict) -> list[str]:
    """A session per person, in the web app's table, as signing in by the emailed link makes one."""
    import asyncpg

    cookies = []
    conn = await asyncpg.connect(dsn)
    try:
        for person in world["persons"]:
            session_id = secrets.token_urlsafe(32)
            await conn.execute(
                "INSERT INTO sessions (digest, csrf_token, person_id, chapter_id, stage, language, timezone, "
                "expires_at) VALUES ($1, $2, $3, $4, $5, 'en', 'America/Chicago', $6)",
                sha256(session_id.encode()).hexdigest(), secrets.token_urlsafe(32), person["id"],
                person["chapter_id"], person["stage"], datetime.now(UTC) + timedelta(hours=2))
            cookies.append(session_id)
    finally:
        await conn.close()
    return cookies


# --- the run ----------------------------------------------------------------------------------------------------------

async def main(args: argparse.Namespace) -> None:
    import httpx
    from cputime import machine_jiffies  # bench/cputime.py: each process's whole tree, exited children included
    from cputime import tree_cpu_seconds as cpu_seconds
    from devinfra.kafka import KafkaServer, grants_for_tests
    from devinfra.postgres import PostgresServer
    from devinfra.secrets import PlatformSecrets
    from devinfra.smtp_sink import MAIL_FROM
    from plumbing.testing import answers_ready, eventually, free_port

    platform_secrets = PlatformSecrets.generate([*SERVICES, "web"])
    with tempfile.TemporaryDirectory(prefix="bench-web-") as scratch:
        os.chmod(scratch, 0o755)  # PostgreSQL runs as another user when we are root
        postgres = PostgresServer(os.path.join(scratch, "pg"), fast=False).start()
        kafka = KafkaServer(os.path.join(scratch, "kafka"), passwords=platform_secrets.kafka_passwords).start()
        kafka.provision(grants_for_tests())
        smtp_port, smtp_http = free_port(), free_port()
        processes: dict[str, subprocess.Popen] = {}
        logs = os.path.join(scratch, "logs")
        os.makedirs(logs)
        try:
            processes["smtp-sink"] = subprocess.Popen(
                [sys.executable, "-m", "devinfra.smtp_sink", "--smtp-port", str(smtp_port), "--http-port",
                 str(smtp_http)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            urls, dsns = {}, {}
            webs: list[str] = []  # each web process's address
            names = (*SERVICES, *(f"web-{n}" for n in range(args.web_processes)))
            ports = {name: free_port() for name in names}  # notifications links to the first web process's pages
            for name in names:
                service = name.partition("-")[0]
                port = ports[name]
                if service not in dsns:
                    dsns[service] = postgres.create_database(f"bench_{service}")
                url = f"http://127.0.0.1:{port}"
                urls.setdefault(service, url)
                env = {**os.environ, **platform_secrets.service_environment(service, kafka.access),
                       "DATABASE_URL": dsns[service], "HTTP_PORT": str(port), "LOG_LEVEL": "WARNING",
                       "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "MAIL_FROM": MAIL_FROM,
                       "PUBLIC_BASE_URL": url, "WEB_BASE_URL": f"http://127.0.0.1:{ports['web-0']}",
                       # Where the readers of restricted topics ask for people's data keys (profiles starts first).
                       "PROFILES_URL": urls["profiles"]}
                if service == "web":
                    webs.append(url)
                    env |= {f"{s.upper()}_URL": urls[s] for s in SERVICES}
                    command = [sys.executable, __file__, "--serve-web"]
                else:
                    command = [sys.executable, "-m", name]
                with open(os.path.join(logs, f"{name}.log"), "wb") as log:
                    processes[name] = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
            await eventually(lambda: answers_ready(*urls.values(), *webs), timeout=180, what="the services")
            print(f"cpus: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}; {args.people} people; four "
                  f"services, one uvicorn worker each, and {args.web_processes} web process(es); PostgreSQL durable",
                  flush=True)
            world = await build_world(urls, platform_secrets.jwt_private_key, args.people)
            cookies = await sign_everyone_in(dsns["web"], world)
            phases = []
            if args.think > 0 and args.seconds > 0:
                phases.append((f"people browsing, think time exponential with mean {args.think:g} s (at most "
                               f"{10 * args.think:g} s)", args.think, args.seconds))
            if args.think == 0 or args.capacity_seconds > 0:
                phases.append(("capacity: no think time, every person's next page asked at once",
                               0.0, args.capacity_seconds if args.think > 0 else args.seconds))
            print(f"world built; browsing ({args.warm_up:.0f} s warm-up, then "
                  f"{' and '.join(f'{seconds:.0f} s' for _, _, seconds in phases)} timed)", flush=True)
            # Warm-up: connections, caches, first-call costs; not counted.
            await asyncio.to_thread(generate, Load(webs, cookies, world["events"], args.warm_up))
            pids = {name: p.pid for name, p in processes.items() if name != "smtp-sink"}
            async with httpx.AsyncClient() as bench:
                for title, think, seconds in phases:
                    for web in webs:
                        await bench.delete(web + BENCH_PATH)
                    calls_before = sum([(await bench.get(web + BENCH_PATH)).json()["calls"] for web in webs])
                    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
                    infra_before = cpu_seconds(postgres.pid), cpu_seconds(kafka.pid)
                    machine_before = machine_jiffies()
                    loads: list[float] = []
                    runnable: list[tuple[float, int]] = []
                    watching = asyncio.create_task(watch_load(loads, runnable))
                    outcome = await asyncio.to_thread(generate, Load(webs, cookies, world["events"], seconds, think))
                    watching.cancel()
                    machine_after = machine_jiffies()
                    cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
                    postgres_cpu = cpu_seconds(postgres.pid) - infra_before[0]
                    kafka_cpu = cpu_seconds(kafka.pid) - infra_before[1]
                    answers = [(await bench.get(web + BENCH_PATH)).json() for web in webs]
                    noted = {"pages": [p for a in answers for p in a["pages"]],
                             "calls": sum(a["calls"] for a in answers)}
                    print(f"\n## {title}: {args.people} people, {seconds:.0f} s; load average "
                          f"{min(loads, default=float('nan')):.1f}-{max(loads, default=float('nan')):.1f} "
                          f"(1 min, sampled each second)")
                    report(outcome, noted, noted["calls"] - calls_before, cpu, postgres_cpu, kafka_cpu,
                           [after - before for after, before in zip(machine_after, machine_before, strict=True)])
                    if think > 0:
                        timeline([p for p in noted["pages"] if p[0] != "other"], runnable)
                    if set(outcome.statuses) - {200} or outcome.errors:
                        for name in (n for n in processes if os.path.exists(os.path.join(logs, f"{n}.log"))):
                            with open(os.path.join(logs, f"{name}.log"), "rb") as log:
                                tail = log.read()[-3000:].decode(errors="replace")
                            print(f"--- end of {name}'s log:\n{tail}")
                if args.per_kind > 0:
                    await cpu_by_kind(args.per_kind, webs, cookies, world["events"], pids, postgres.pid, kafka.pid)
        finally:
            for process in processes.values():
                process.terminate()
            for process in processes.values():
                process.wait(30)
            kafka.stop()
            postgres.stop()


async def cpu_by_kind(pages: int, webs: list[str], cookies: list[str], events: list[list[str]],
                      pids: dict[str, int], postgres_pid: int, kafka_pid: int) -> None:
    """Each kind of page asked `pages` times by one person at a time (the people in turn), nothing else asking: the
    CPU each process spends on one page of that kind, and the server time of a page on its own."""
    import httpx
    from cputime import tree_cpu_seconds as cpu_seconds

    kinds = {"dashboard": lambda i, n: "/", "event list": lambda i, n: "/events",
             "event page": lambda i, n: f"/events/{events[i][n % len(events[i])]}"}
    host_port = webs[0].removeprefix("http://")
    host, port = host_port.split(":")
    names = sorted({name.partition("-")[0] for name in pids}) + ["PostgreSQL", "Kafka"]
    print(f"\n## CPU per page by kind: one page at a time, {pages} of each kind (the people in turn); load average "
          f"{os.getloadavg()[0]:.1f}")
    print("| page | server p50 | p95 | calls per page | " + " | ".join(f"{n} CPU" for n in names) + " |")
    print("| --- | --- | --- | --- | " + " | ".join("---" for _ in names) + " |")
    async with httpx.AsyncClient() as bench:
        for kind, path_of in kinds.items():
            for web in webs:
                await bench.delete(web + BENCH_PATH)
            before = {name: cpu_seconds(pid) for name, pid in pids.items()}
            infra = cpu_seconds(postgres_pid), cpu_seconds(kafka_pid)
            reader, writer = await asyncio.open_connection(host, int(port))
            try:
                for n in range(pages):
                    i = n % len(cookies)
                    try:
                        await _get(reader, writer, host_port, path_of(i, n // len(cookies) + i), cookies[i])
                    except (OSError, asyncio.IncompleteReadError):
                        writer.close()
                        reader, writer = await asyncio.open_connection(host, int(port))
            finally:
                writer.close()
            spent: dict[str, float] = defaultdict(float)
            for name, pid in pids.items():
                spent[name.partition("-")[0]] += cpu_seconds(pid) - before[name]
            spent["PostgreSQL"] = cpu_seconds(postgres_pid) - infra[0]
            spent["Kafka"] = cpu_seconds(kafka_pid) - infra[1]
            noted = [p for web in webs for p in (await bench.get(web + BENCH_PATH)).json()["pages"] if p[0] == kind]
            times = [p[1] for p in noted]
            print(f"| {kind} | {percentile(times, .5):.1f} ms | {percentile(times, .95):.1f} ms | "
                  f"{sum(p[3] for p in noted) / max(1, len(noted)):.2f} | "
                  + " | ".join(f"{spent[n] / max(1, len(noted)) * 1000:.2f} ms" for n in names) + " |")


async def watch_load(into: list[float], runnable: list[tuple[float, int]] | None = None) -> None:
    """The machine's load average (1 min) each second, and the tasks running or ready to run (/proc/loadavg's
    fourth field) every tenth of a second, until cancelled."""
    tick = 0
    while True:
        if tick % 10 == 0:
            into.append(os.getloadavg()[0])
        if runnable is not None:
            with open("/proc/loadavg") as numbers:
                runnable.append((time.time(), int(numbers.read().split()[3].split("/")[0])))
        tick += 1
        await asyncio.sleep(0.1)


def timeline(pages: list, runnable: list[tuple[float, int]], window: float = 5.0) -> None:
    """Server time window by window, beside the tasks that were ready to run on the machine's two cores meanwhile
    (ours and everyone else's): whether slow pages come with a crowded machine."""
    if not pages:
        return
    start = min(p[5] for p in pages)
    print(f"server time by {window:.0f} s window, beside the tasks running or ready to run then (mean, max; 2 cores):")
    print("| from | pages | server p50 | p95 | max | tasks ready (mean, max) |")
    print("| --- | --- | --- | --- | --- | --- |")
    slots: dict[int, list[float]] = defaultdict(list)
    for page in pages:
        slots[int((page[5] - start) // window)].append(page[1])
    for slot, times in sorted(slots.items()):
        ready = [n for at, n in runnable if start + slot * window <= at < start + (slot + 1) * window]
        print(f"| {slot * window:.0f} s | {len(times)} | {percentile(times, .5):.0f} ms | {percentile(times, .95):.0f} ms "
              f"| {max(times):.0f} ms | {sum(ready) / max(1, len(ready)):.1f}, {max(ready, default=0)} |")


def report(outcome: Outcome, noted: dict, calls: int, cpu: dict[str, float], postgres_cpu: float, kafka_cpu: float,
           machine: list[int]) -> None:
    pages = [p for p in noted["pages"] if p[0] != "other"]
    server = [p[1] for p in pages]
    everything = [x for values in outcome.latencies.values() for x in values]
    n = len(pages)
    print(f"\n{outcome.pages / outcome.elapsed:.0f} pages/s over {outcome.elapsed:.1f} s ({outcome.pages} pages; "
          f"answers {dict(sorted(outcome.statuses.items()))}; {outcome.reconnections} connections opened again)"
          + (f"; errors {outcome.errors}" if outcome.errors else ""))
    print(f"server time: p50 {percentile(server, .5):.1f} ms, p95 {percentile(server, .95):.1f} ms, "
          f"p99 {percentile(server, .99):.1f} ms; as the client saw it: p50 {percentile(everything, .5) * 1000:.0f} ms, "
          f"p95 {percentile(everything, .95) * 1000:.0f} ms, p99 {percentile(everything, .99) * 1000:.0f} ms")
    print(f"calls to services: {calls / max(1, n):.2f} per page (ServiceClients.calls)")
    print("| page | pages | server p50 | p95 | p99 | calls per page (max) | bytes per page |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    by_kind: dict[str, list] = defaultdict(list)
    for page in pages:
        by_kind[page[0]].append(page)
    for kind, found in sorted(by_kind.items()):
        times = [p[1] for p in found]
        counts = [p[3] for p in found]
        print(f"| {kind} | {len(found)} | {percentile(times, .5):.1f} ms | {percentile(times, .95):.1f} ms | "
              f"{percentile(times, .99):.1f} ms | {sum(counts) / len(counts):.2f} ({max(counts)}) | "
              f"{sum(p[2] for p in found) / len(found):,.0f} |")
    busy, steal, total = machine
    by_service: dict[str, float] = defaultdict(float)
    for name, seconds in cpu.items():
        by_service[name.partition("-")[0]] += seconds  # the web's processes together
    per_page = ", ".join(f"{name} {seconds / max(1, n) * 1000:.2f} ms" for name, seconds in by_service.items())
    print(f"CPU per page: {per_page}, PostgreSQL {postgres_cpu / max(1, n) * 1000:.2f} ms, "
          f"Kafka {kafka_cpu / max(1, n) * 1000:.2f} ms, load generator {outcome.cpu_seconds / max(1, n) * 1000:.2f} ms; "
          f"machine busy {busy / total:.0%}, stolen by the hypervisor {steal / total:.0%}")


if __name__ == "__main__":
    if "--serve-web" in sys.argv:
        serve_web()
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200, help="signed-in people browsing at once")
    parser.add_argument("--think", type=float, default=7.0,
                        help="mean think time in seconds (exponential, at most 10x); 0: capacity only")
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="length of the timed phase with think time (of the capacity phase with --think 0)")
    parser.add_argument("--capacity-seconds", type=float, default=20.0,
                        help="length of the timed capacity phase (no think time) after it; 0: none")
    parser.add_argument("--web-processes", type=int, default=1, help="web processes, people spread evenly")
    parser.add_argument("--per-kind", type=int, default=300,
                        help="pages of each kind asked one at a time at the end, for the CPU per page by kind; 0: none")
    parser.add_argument("--warm-up", type=float, default=5.0, help="seconds of untimed browsing first (no think)")
    asyncio.run(main(parser.parse_args()))
