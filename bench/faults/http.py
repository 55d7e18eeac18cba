"""The harness's HTTP client: minimal HTTP/1.1 on asyncio streams with keep-alive (httpx costs ~10 ms of CPU a
request, which two shared cores cannot spare), and a load balancer in front of each service's instances.

The balancer does what a deployment's does: it sends to instances whose readiness probe (GET /readyz, every
second) last answered 200, round-robin; a connection refused (nothing was sent) goes to the next instance. It never
retries a request that may have reached a service. Every request is recorded with its outcome for the
availability table.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

REQUEST_TIMEOUT = 30.0
# uvicorn closes a connection idle for 5 s; one idle for longer than this is not reused, so that a request is never
# written into a connection the server is closing (and then counted as a failure of the service).
IDLE_REUSE = 3.0


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> None:
        self.reader, self.writer, self.host = reader, writer, host
        self.idle_since = time.monotonic()

    @classmethod
    async def open(cls, port: int) -> Connection:
        async with asyncio.timeout(5.0):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer, f"127.0.0.1:{port}")

    async def request(self, method: str, path: str, body: bytes | None, token: str | None) -> tuple[int, bytes]:
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + (body or b""))
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("the server closed the connection")
        status = int(status_line.split()[1])
        length, chunked = 0, False
        while (header := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = header.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if not chunked:
            return status, await self.reader.readexactly(length)
        body_parts = []
        while size := int((await self.reader.readline()).strip() or b"0", 16):
            body_parts.append(await self.reader.readexactly(size))
            await self.reader.readline()
        await self.reader.readline()
        return status, b"".join(body_parts)

    def close(self) -> None:
        self.writer.close()


@dataclass
class Record:
    service: str
    name: str  # what the request did: "register_person", "enroll", ...
    write: bool
    started: float  # time.time()
    ended: float
    status: int | None  # None: no answer (connection error or timeout)
    error: str | None = None


@dataclass
class Instance:
    port: int
    name: str
    in_rotation: bool = False
    idle: list[Connection] = field(default_factory=list)


class Balancer:
    """One service's instances behind round-robin with readiness probes."""

    def __init__(self, service: str, instances: list[tuple[str, int]], records: list[Record]) -> None:
        self.service = service
        self.instances = [Instance(port, name) for name, port in instances]
        self.records = records
        self._next = itertools.cycle(range(len(self.instances)))

    async def probe_forever(self, interval: float = 1.0) -> None:
        while True:
            await asyncio.gather(*(self._probe(instance) for instance in self.instances))
            await asyncio.sleep(interval)  # the probe's period, as a deployment's readiness probe has

    async def _probe(self, instance: Instance) -> None:
        try:
            connection = await Connection.open(instance.port)
            try:
                async with asyncio.timeout(1.0):
                    status, _ = await connection.request("GET", "/readyz", None, None)
            finally:
                connection.close()
            instance.in_rotation = status == 200
        except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError):
            instance.in_rotation = False
            self._drop_idle(instance)

    def out_of_rotation(self, name: str) -> None:
        """The harness killed it: a deployment's endpoints controller notices a dead pod at once."""
        for instance in self.instances:
            if instance.name == name:
                instance.in_rotation = False
                self._drop_idle(instance)

    @staticmethod
    def _drop_idle(instance: Instance) -> None:
        for connection in instance.idle:
            connection.close()
        instance.idle.clear()

    def _choose(self) -> list[Instance]:
        start = next(self._next)
        order = self.instances[start:] + self.instances[:start]
        ready = [i for i in order if i.in_rotation]
        return ready or order  # none ready: try them all anyway, as a balancer with no healthy backend does

    async def call(self, name: str, method: str, path: str, body: Any = None, token: str | None = None,
                   write: bool = True) -> tuple[int | None, Any]:
        """(status, decoded JSON body) or (None, None) if no answer came."""
        payload = None if body is None else json.dumps(body).encode()
        started = time.time()
        status, answer, error = None, b"", None
        for instance in self._choose():
            connection = None
            while instance.idle and connection is None:
                connection = instance.idle.pop()
                if time.monotonic() - connection.idle_since > IDLE_REUSE:
                    connection.close()
                    connection = None
            try:
                if connection is None:
                    connection = await Connection.open(instance.port)
            except (OSError, TimeoutError) as refused:
                error = f"{type(refused).__name__}"
                continue  # nothing was sent: the next instance may take it
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT):
                    status, answer = await connection.request(method, path, payload, token)
                connection.idle_since = time.monotonic()
                instance.idle.append(connection)
                error = None
                break
            except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError) as failure:
                connection.close()
                error = f"{type(failure).__name__}"
                status = None
                break
        self.records.append(Record(self.service, name, write, started, time.time(), status, error))
        decoded = None
        if answer:
            with contextlib.suppress(ValueError):
                decoded = json.loads(answer)
        return status, decoded
