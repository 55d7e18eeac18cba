"""Benchmark: a rush of concurrent registrations against one event (not a test; prints figures).

Starts PostgreSQL (durable: fsync on) and Kafka with devinfra, runs the events service as its own process
(`python -m events`, one uvicorn worker), and registers distinct people through HTTP from this process with
a fixed number of requests in flight. Prints registrations/s sustained and latency percentiles, then checks
the invariant on the database: exactly `capacity` confirmed, the rest waitlisted, in arrival order.

    uv run python bench/events_registration.py [--registrations 5000] [--concurrency 200] [--capacity 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import asyncpg
import httpx
from devinfra.kafka import KafkaServer
from devinfra.postgres import PostgresServer
from plumbing.auth import mint
from plumbing.testing import eventually, free_port

SECRET = "benchmark-signing-key-of-at-least-32-bytes"


async def rush(url: str, registrations: int, concurrency: int, capacity: int) -> tuple[str, list[float], float]:
    token = mint(SECRET, role="admin")
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120,
                                 limits=limits) as client:
        starts = datetime.now(UTC) + timedelta(days=30)
        event = (await client.post("/v1/events", json={
            "kind": "conference", "title": "National conference", "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(days=2)).isoformat(), "capacity": capacity,
            "registration_deadline": starts.isoformat(), "location": "Convention centre"})).json()
        await client.post(f"/v1/events/{event['id']}/publish")
        people = iter([str(uuid4()) for _ in range(registrations)])
        latencies: list[float] = []

        async def worker() -> None:
            for person in people:
                sent = time.perf_counter()
                answer = await client.post(f"/v1/events/{event['id']}/registrations", json={"person_id": person})
                latencies.append(time.perf_counter() - sent)
                answer.raise_for_status()

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return event["id"], latencies, time.perf_counter() - began


async def invariant(dsn: str, event_id: str, registrations: int, capacity: int) -> str:
    conn = await asyncpg.connect(dsn)
    try:
        statuses = [r["status"] for r in await conn.fetch(
            "SELECT status FROM registrations WHERE scheduled_event_id = $1 ORDER BY arrival", event_id)]
        people = await conn.fetchval(
            "SELECT count(DISTINCT person_id) FROM registrations WHERE scheduled_event_id = $1", event_id)
    finally:
        await conn.close()
    confirmed = min(capacity, registrations)
    expected = ["confirmed"] * confirmed + ["waitlisted"] * (registrations - confirmed)
    ok = statuses == expected and people == registrations
    return (f"invariant {'holds' if ok else 'BROKEN'}: {statuses.count('confirmed')} confirmed, "
            f"{statuses.count('waitlisted')} waitlisted, {people} people, in arrival order: {statuses == expected}")


def percentile(sorted_values: list[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p))] * 1000


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-events-") as scratch:
        os.chmod(scratch, 0o755)  # PostgreSQL runs as another user when we are root
        postgres = PostgresServer(os.path.join(scratch, "pg"), fast=False).start()
        kafka = KafkaServer(os.path.join(scratch, "kafka")).start()
        server = None
        try:
            dsn = postgres.create_database("bench_events")
            port = free_port()
            env = {**os.environ, "DATABASE_URL": dsn, "KAFKA_BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
                   "HTTP_PORT": str(port), "JWT_SECRET": SECRET, "LOG_LEVEL": "WARNING"}
            server = subprocess.Popen([sys.executable, "-m", "events"], env=env)
            url = f"http://127.0.0.1:{port}"

            async def ready() -> bool:
                async with httpx.AsyncClient() as probe:
                    try:
                        return (await probe.get(f"{url}/readyz")).status_code == 200
                    except httpx.TransportError:
                        return False

            await eventually(ready, timeout=120, what="the events service")
            print(f"cpus: {os.cpu_count()}, registrations: {args.registrations}, in flight: {args.concurrency}, "
                  f"capacity: {args.capacity}, PostgreSQL durable, events service: 1 process")
            event_id, latencies, elapsed = await rush(url, args.registrations, args.concurrency, args.capacity)
            latencies.sort()
            print(f"{args.registrations / elapsed:.0f} registrations/s sustained over {elapsed:.1f} s; "
                  f"latency p50 {percentile(latencies, 0.5):.0f} ms, p99 {percentile(latencies, 0.99):.0f} ms, "
                  f"max {latencies[-1] * 1000:.0f} ms")
            print(await invariant(dsn, event_id, args.registrations, args.capacity))
        finally:
            if server:
                server.terminate()
                server.wait(30)
            kafka.stop()
            postgres.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--capacity", type=int, default=1000)
    asyncio.run(main(parser.parse_args()))
