"""Notifications throughput: an announcement to 50,000 people, sent through a real SMTP server on loopback.

    uv run python bench/notifications_throughput.py [--people 50000] [--instances 1] [--concurrency 20] \
        [--batch 100] [--no-pipelining] [--trigger update|message] [--py-spy FILE]

Starts a Kafka broker, PostgreSQL (durability off, as in the tests) and an SMTP server on loopback
(`bench/smtp_counter.py`: aiosmtpd, counting Message-IDs), runs `python -m notifications` (`--instances`
processes sharing the database), publishes an event's listing through the broker, writes `--people` contacts
and their confirmed registrations for it straight into the service's read model (as profiles' and events'
topics would have filled it), and then publishes one `EventUpdated` (the event moved to another hall): the
service tells every registrant, each email with its calendar update. With `--trigger message` an organiser writes to
every registrant instead (`POST /v1/events/{id}/messages`, one transaction making every notification), and the
time that request took is printed too. Prints the time from the publish until the
last email arrived, emails per second over the sending (first to last email) and overall, the slowest and
fastest 10 s window, duplicates (one Message-ID twice: must be 0), CPU per email of each process (their whole
trees) and the share of the machine the hypervisor stole. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import asyncpg
from aiokafka import AIOKafkaProducer
from cputime import machine_jiffies, machine_share, tree_cpu_seconds
from devinfra.kafka import KafkaServer, grants_for_tests
from devinfra.postgres import PostgresServer
from devinfra.processes import free_port, stop_group
from devinfra.secrets import PlatformSecrets
from devinfra.smtp_sink import MAIL_FROM
from mentorship_contracts import events, message_headers, profiles
from plumbing.testing import answers_ready, eventually


async def publish_all(producer: AIOKafkaProducer, items) -> None:
    pending = []
    for event in items:
        headers = [(k, v.encode()) for k, v in message_headers(str(event.event_id), event.event_type).items()]
        pending.append(await producer.send(event.topic, event.to_json(), key=event.key.encode(), headers=headers))
    await asyncio.gather(*pending)


def _status(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


async def write_read_model(dsn: str, listing: events.EventPublished, count: int) -> None:
    """Contacts and confirmed registrations, as the topics would have brought them: one COPY each."""
    conn = await asyncpg.connect(dsn)
    try:
        people = [uuid4() for _ in range(count)]
        await conn.copy_records_to_table(
            "contacts", columns=["person_id", "display_name", "email", "timezone", "language"],
            records=[(p, f"Bench Person {i}", f"bench{i}@example.org", "UTC", "es" if i % 5 == 0 else "en")
                     for i, p in enumerate(people)])
        await conn.copy_records_to_table(
            "registrations", columns=["registration_id", "scheduled_event_id", "person_id", "status"],
            records=[(uuid4(), listing.scheduled_event_id, p, "confirmed") for p in people])
    finally:
        await conn.close()


async def _message_everyone(port: int, private_key: str, event_id) -> dict:
    """An administrator's message to every registrant, through the service's API."""
    import httpx
    from plumbing.auth import mint

    token = mint(private_key, audience="notifications", role="admin", ttl_seconds=3600)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=600,
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        answer = await client.post(f"/v1/events/{event_id}/messages", json={
            "message_id": str(uuid4()), "to": "seated",
            "body": "The career fair moved to Hall B, same floor.\nBring your badge."})
    answer.raise_for_status()
    return answer.json()


async def run(args: argparse.Namespace, work: Path) -> None:
    count = args.people
    # The run's own secrets, as the local runner makes them; the broker provisioned as the runner does.
    secrets = PlatformSecrets.generate(["notifications"])
    kafka = KafkaServer(work / "kafka", passwords=secrets.kafka_passwords).start()
    kafka.provision(grants_for_tests())
    postgres = PostgresServer(work / "postgres", fast=True).start()
    smtp_port = free_port()
    status_path = work / "smtp.json"
    smtp = subprocess.Popen([sys.executable, str(Path(__file__).with_name("smtp_counter.py")), "--port",
                             str(smtp_port), "--status", str(status_path),
                             *(["--no-pipelining"] if args.no_pipelining else [])])
    dsn = postgres.create_database("notifications")
    ports = [free_port() for _ in range(args.instances)]
    services = []
    for i, port in enumerate(ports):
        env = os.environ | secrets.service_environment("notifications", kafka.access) | {
            "DATABASE_URL": dsn, "HTTP_PORT": str(port), "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port),
            "MAIL_FROM": MAIL_FROM,
            # No web app nor profiles here: the links go nowhere, and the contacts published carry nothing sealed.
            "WEB_BASE_URL": "http://web.invalid", "PROFILES_URL": "http://profiles.invalid",
            "DISPATCH_POLL_SECONDS": "0.05", "LOG_LEVEL": "WARNING", "DISPATCH_BATCH_SIZE": str(args.batch),
            "SMTP_CONCURRENCY": str(args.concurrency),
        }
        with open(work / f"notifications-{i}.log", "ab") as log:
            services.append(subprocess.Popen([sys.executable, "-m", "notifications"], env=env, stdout=log,
                                             stderr=subprocess.STDOUT, start_new_session=True))
    producer = AIOKafkaProducer(**kafka.client_options("tests"), acks="all", linger_ms=5)
    await producer.start()
    spy = None
    try:
        await eventually(lambda: answers_ready(*(f"http://127.0.0.1:{p}" for p in ports)), timeout=120,
                         what="the service")
        await eventually(lambda: "messages" in _status(status_path), timeout=30, what="the SMTP server")
        starts = datetime.now(UTC) + timedelta(days=30)
        details = dict(chapter_id=None, kind="career_fair", title="National career fair", starts_at=starts,
                       ends_at=starts + timedelta(hours=3), timezone="UTC", capacity=count,
                       audience_stages=["undergraduate"], registration_deadline=starts, is_virtual=False)
        listing = events.EventPublished(scheduled_event_id=uuid4(), location="Hall A", **details)
        # Warm up (the consumer group, connections): one person's welcome, which also brings the listing.
        warm = profiles.ContactDetailsChanged(person_id=uuid4(), chapter_id=None, display_name="Warm Up",
                                              email="warm@example.org")
        await publish_all(producer, [listing, warm, profiles.PersonRegistered(
            person_id=warm.person_id, chapter_id=None, stage="undergraduate")])
        await eventually(lambda: _status(status_path).get("messages", 0) >= 1, timeout=120, what="the warm-up")
        await write_read_model(dsn, listing, count)
        update = events.EventUpdatedV3(scheduled_event_id=listing.scheduled_event_id, location="Hall B",
                                       changed_fields=["location"], revision=1, **details)
        if args.py_spy:
            spy_format = ["--format", "raw"] if args.py_spy.endswith(".txt") else []  # collapsed stacks
            spy = subprocess.Popen(["py-spy", "record", "-o", args.py_spy, "-p", str(services[0].pid), "-r", "50",
                                    "--nonblocking", *spy_format], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        pids = {"notifications": [s.pid for s in services], "PostgreSQL": [postgres.pid], "Kafka": [kafka.pid],
                "SMTP server": [smtp.pid]}
        cpu_before = {name: sum(tree_cpu_seconds(p) for p in group) for name, group in pids.items()}
        machine_before = machine_jiffies()
        before = _status(status_path)["messages"]
        load_start = os.getloadavg()[0]
        started = time.time()
        if args.trigger == "message":
            answer = await _message_everyone(ports[0], secrets.jwt_private_key, listing.scheduled_event_id)
            asked = time.time() - started
        else:
            await publish_all(producer, [update])
        await eventually(lambda: _status(status_path).get("messages", 0) >= before + count, timeout=3600,
                         interval=1, what="every email")
        elapsed = time.time() - started
        machine_after = machine_jiffies()
        cpu = {name: sum(tree_cpu_seconds(p) for p in group) - cpu_before[name] for name, group in pids.items()}
        # Anything that was going to be duplicated would arrive about now: look once more after a short while.
        await asyncio.sleep(3)
        status = _status(status_path)
        busy_seconds = [(second, n) for second, n in status["per_second"] if second >= int(started)]
        first = busy_seconds[0][0]  # the whole second in which the first email of the announcement arrived
        sending = status["last"] - first
        seconds = [n for _, n in busy_seconds]
        windows = [sum(seconds[i:i + 10]) / 10 for i in range(1, max(2, len(seconds) - 10), 10)]
        print(f"cpus: {os.cpu_count()}; {args.instances} notifications process(es), batches of {args.batch}, "
              f"{args.concurrency} SMTP conversations at a time, "
              f"{'without' if args.no_pipelining else 'with'} PIPELINING; load average at the start {load_start:.1f}")
        if args.trigger == "message":
            print(f"message to:            {answer['recipients']} people (one organiser's message, answered "
                  f"{asked:.2f} s after it was asked)")
        else:
            print(f"announcement to:       {count} people (one EventUpdated)")
        print(f"emails delivered:      {status['messages'] - before} (distinct Message-IDs: {status['distinct']}, "
              f"warm-up included)")
        print(f"time until all sent:   {elapsed:.1f} s from the publish; the first email within "
              f"{max(0, first + 1 - started):.0f} s")
        print(f"emails per second:     {count / sending:.0f} while sending, {count / elapsed:.0f} overall; "
              f"10 s windows from {min(windows):.0f} to {max(windows):.0f}")
        print(f"duplicates:            {status['duplicates']}")
        print("CPU per email:         " + ", ".join(f"{name} {seconds_used / count * 1000:.2f} ms"
                                                     for name, seconds_used in cpu.items()))
        print(f"machine:               {machine_share(machine_before, machine_after)}; "
              f"load average {os.getloadavg()[0]:.1f}")
    finally:
        if spy:
            spy.send_signal(2)
            spy.wait(timeout=60)
        await producer.stop()
        for service in services:
            stop_group(service.pid, timeout=60)
            service.wait()
        smtp.terminate()
        smtp.wait(timeout=30)
        kafka.stop()
        postgres.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--batch", type=int, default=100, help="DISPATCH_BATCH_SIZE")
    parser.add_argument("--concurrency", type=int, default=20, help="SMTP_CONCURRENCY")
    parser.add_argument("--no-pipelining", action="store_true", help="the SMTP server does not offer PIPELINING")
    parser.add_argument("--trigger", choices=("update", "message"), default="update",
                        help="what tells every registrant: the event moved (EventUpdated), or an organiser's message")
    parser.add_argument("--py-spy", help="record the first service process with py-spy into this SVG "
                                         "(collapsed stacks if it ends .txt)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    work.chmod(0o755)  # PostgreSQL may run as another user, who must be able to enter it
    try:
        asyncio.run(run(args, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
