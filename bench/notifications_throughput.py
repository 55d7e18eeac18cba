"""Notifications throughput: 10,000 notification-causing events through the real broker to an SMTP sink.

    uv run python bench/notifications_throughput.py [--events 10000] [--people 500]

Starts a Kafka broker, PostgreSQL (durability off, as in the tests) and an SMTP sink on loopback, runs
`python -m notifications` as its own process, publishes the contacts and event listings first, then
`--events` RegistrationConfirmed events (each one email with an .ics attached), and prints the time until
the last email arrived, emails per second, and duplicates (messages beyond one per notification: must be 0).
Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import httpx
from aiokafka import AIOKafkaProducer
from devinfra.kafka import KafkaServer, grants_for_tests
from devinfra.postgres import PostgresServer
from devinfra.processes import free_port, stop_group
from devinfra.secrets import PlatformSecrets
from devinfra.smtp_sink import SmtpSinkClient
from mentorship_contracts import events, message_headers, profiles
from plumbing.testing import answers_ready, eventually


async def publish_all(producer: AIOKafkaProducer, items) -> None:
    pending = []
    for event in items:
        headers = [(k, v.encode()) for k, v in message_headers(str(event.event_id), event.event_type).items()]
        pending.append(await producer.send(event.topic, event.to_json(), key=event.key.encode(), headers=headers))
    await asyncio.gather(*pending)


def _answers(sink: SmtpSinkClient) -> bool:
    try:
        return sink.messages() is not None
    except httpx.HTTPError:
        return False


async def run(count: int, people_count: int, work: Path) -> None:
    # The run's own secrets, as the local runner makes them; the broker provisioned as the runner does.
    secrets = PlatformSecrets.generate(["notifications"])
    kafka = KafkaServer(work / "kafka", passwords=secrets.kafka_passwords).start()
    kafka.provision(grants_for_tests())
    postgres = PostgresServer(work / "postgres", fast=True).start()
    # The sink in its own process, as a mail server would be: parsing 10,000 messages must not share our GIL.
    smtp_port, sink_http_port, port = free_port(), free_port(), free_port()
    sink_process = subprocess.Popen([sys.executable, "-m", "devinfra.smtp_sink", "--smtp-port", str(smtp_port),
                                     "--http-port", str(sink_http_port)], stdout=subprocess.DEVNULL)
    sink = SmtpSinkClient(f"http://127.0.0.1:{sink_http_port}")
    env = os.environ | secrets.service_environment("notifications", kafka.access) | {
        "DATABASE_URL": postgres.create_database("notifications"),
        "HTTP_PORT": str(port), "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port),
        "DISPATCH_POLL_SECONDS": "0.05", "LOG_LEVEL": "WARNING",
    }
    with open(work / "notifications.log", "ab") as log:
        service = subprocess.Popen([sys.executable, "-m", "notifications"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    producer = AIOKafkaProducer(**kafka.client_options("tests"), acks="all", linger_ms=5)
    await producer.start()
    try:
        await eventually(lambda: answers_ready(f"http://127.0.0.1:{port}"), timeout=120, what="the service")
        await eventually(lambda: _answers(sink), timeout=30, what="the SMTP sink")
        people = [profiles.ContactDetailsChanged(person_id=uuid4(), chapter_id=None, display_name=f"Bench {i}",
                                                 email=f"bench{i}@example.org") for i in range(people_count)]
        starts = datetime.now(UTC) + timedelta(days=30)
        listings = [events.EventPublished(
            scheduled_event_id=uuid4(), chapter_id=None, kind="career_fair", title=f"Career fair {i}",
            starts_at=starts, ends_at=starts + timedelta(hours=3), timezone="UTC", capacity=count,
            audience_stages=["undergraduate"], registration_deadline=starts, is_virtual=False, location="Hall A",
        ) for i in range(10)]
        await publish_all(producer, [*people, *listings])
        # Wait until the service consumes (a new consumer group takes a moment), with one warm-up email.
        await publish_all(producer, [profiles.PersonRegistered(person_id=people[0].person_id, chapter_id=None,
                                                               stage="undergraduate")])
        await eventually(lambda: sink.messages(), timeout=120, what="the warm-up email")
        sink.clear()

        registrations = [events.RegistrationConfirmed(
            registration_id=uuid4(), scheduled_event_id=listings[i % len(listings)].scheduled_event_id,
            chapter_id=None, person_id=people[i % people_count].person_id) for i in range(count)]
        started = time.perf_counter()
        await publish_all(producer, registrations)
        published = time.perf_counter() - started
        await eventually(lambda: len(sink.messages()) >= count, timeout=1800, interval=2, what="every email")
        elapsed = time.perf_counter() - started
        # Anything that was going to be duplicated would arrive about now: look once more after a short while.
        await asyncio.sleep(3)
        messages = sink.messages()
        per_message_id = Counter(m["headers"]["Message-ID"] for m in messages)
        # Every attempt at one notification carries its Message-ID: a second copy of one is a duplicate.
        duplicates = len(messages) - len(per_message_id)
        print(f"events published:      {count} in {published:.2f} s")
        print(f"emails delivered:      {len(messages)} (distinct Message-IDs: {len(per_message_id)})")
        print(f"time until all sent:   {elapsed:.2f} s (from the first publish)")
        print(f"emails per second:     {count / elapsed:.0f}")
        print(f"duplicates:            {duplicates}")
    finally:
        await producer.stop()
        stop_group(service.pid, timeout=60)
        service.wait()
        sink_process.terminate()
        sink_process.wait(timeout=30)
        kafka.stop()
        postgres.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=500)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    work.chmod(0o755)  # PostgreSQL may run as another user, who must be able to enter it
    try:
        asyncio.run(run(args.events, args.people, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
