"""The faults, injected while the workload runs, each recorded as a window (kind, target, start, end) so the
availability of the HTTP APIs during it can be read from the request log.

- `kill`: kill -9 of a random service instance at a random moment (mid-batch, mid-relay: whatever it was doing),
  restarted a moment later as an orchestrator would; repeated throughout the run.
- `kafka_stop`: Kafka stopped (SIGTERM, its orderly shutdown) for a while, then started again.
- `kafka_kill`: Kafka killed with -9, then started again on the same data.
- `postgres_restart`: PostgreSQL's fast shutdown (pg_ctl -m fast), then started again.
- `freeze`: one instance SIGSTOPped for longer than its consumer session timeout (10 s), then SIGCONTed: a zombie
  that wakes after its partitions have moved on.
- `slow`: every Kafka and PostgreSQL connection of the services gets added latency (the proxy) for a while.
- `cut`: every open connection to Kafka and PostgreSQL reset at once, a few times.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.faults.http import Balancer
from bench.faults.platform import FaultPlatform

KINDS = ("kill", "kafka_stop", "kafka_kill", "postgres_restart", "freeze", "slow", "cut")
SESSION_TIMEOUT = 10.0  # aiokafka's default consumer session timeout, which the services keep


@dataclass
class Window:
    kind: str
    target: str
    started: float
    ended: float = 0.0


@dataclass
class Timing:
    """How long each fault lasts; the CI version shortens them."""

    kafka_down: float = 30.0
    freeze: float = SESSION_TIMEOUT + 10.0
    slow: float = 30.0
    slow_ms: int = 200
    kill_every: tuple[float, float] = (8.0, 20.0)
    restart_after: tuple[float, float] = (1.0, 4.0)


class Injector:
    def __init__(self, platform: FaultPlatform, balancers: dict[str, Balancer], kinds: set[str], timing: Timing,
                 rng: random.Random, log: Callable[[str], None] = print) -> None:
        self.platform, self.balancers, self.kinds, self.timing, self.rng = platform, balancers, kinds, timing, rng
        self.windows: list[Window] = []
        self.exits: list[tuple[str, int, float]] = []  # instances that exited by themselves: (name, code, when)
        # Instances restarted because /healthz said they were dead: (name, what it said, when).
        self.dead: list[tuple[str, str, float]] = []
        self.log = log

    def _open(self, kind: str, target: str) -> Window:
        window = Window(kind, target, time.time())
        self.windows.append(window)
        self.log(f"fault: {kind} {target}")
        return window

    def _close(self, window: Window) -> None:
        window.ended = time.time()
        self.log(f"fault over: {window.kind} {window.target} after {window.ended - window.started:.1f} s")

    async def kill_loop(self, until: asyncio.Event) -> None:
        """kill -9 random instances until told to stop (never both instances of one service at once)."""
        if "kill" not in self.kinds:
            return
        while not until.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.rng.uniform(*self.timing.kill_every)):
                    await until.wait()
            if until.is_set():
                return
            running = [i for i in self.platform.all_instances() if i.running() and not i.frozen
                       and all(o.running() for o in self.platform.instances[i.service])]
            if not running:
                continue
            instance = self.rng.choice(running)
            window = self._open("kill", instance.name)
            await asyncio.to_thread(instance.kill)
            self.balancers[instance.service].out_of_rotation(instance.name)
            await asyncio.sleep(self.rng.uniform(*self.timing.restart_after))  # the orchestrator's restart delay
            instance.start()
            await self.until_ready(instance)
            self._close(window)

    async def platform_faults(self, seconds: float) -> None:
        """The platform-wide faults, once each in a random order, each at a random moment of its share of the
        load phase (`seconds`)."""
        sequence = [kind for kind in KINDS if kind != "kill" and kind in self.kinds]
        self.rng.shuffle(sequence)
        started = time.monotonic()
        slot = seconds / max(1, len(sequence))
        for n, kind in enumerate(sequence):
            at = started + n * slot + self.rng.uniform(0, max(0.0, slot - self.duration(kind)))
            if (delay := at - time.monotonic()) > 0:
                await asyncio.sleep(delay)  # a random moment under load
            await getattr(self, kind)()

    def duration(self, kind: str) -> float:
        return {"kafka_stop": self.timing.kafka_down + 10, "freeze": self.timing.freeze, "slow": self.timing.slow,
                "cut": 10.0}.get(kind, 10.0)

    async def kafka_stop(self) -> None:
        window = self._open("kafka_stop", "kafka")
        await asyncio.to_thread(self.platform.kafka.stop)
        await asyncio.sleep(self.timing.kafka_down)  # the outage itself
        await asyncio.to_thread(self.platform.kafka.start)
        self._close(window)

    async def kafka_kill(self) -> None:
        window = self._open("kafka_kill", "kafka")
        await asyncio.to_thread(self.platform.kafka.kill)
        await asyncio.to_thread(self.platform.kafka.start)
        self._close(window)

    async def postgres_restart(self) -> None:
        window = self._open("postgres_restart", "postgres")
        await asyncio.to_thread(self.platform.postgres.stop)  # pg_ctl stop -m fast
        await asyncio.to_thread(self.platform.postgres.start)
        self._close(window)

    async def freeze(self) -> None:
        candidates = [i for i in self.platform.all_instances() if i.running()]
        instance = self.rng.choice(candidates)
        window = self._open("freeze", instance.name)
        instance.freeze()
        await asyncio.sleep(self.timing.freeze)  # longer than the session timeout: its partitions move
        instance.thaw()
        self._close(window)

    async def slow(self) -> None:
        window = self._open("slow", f"kafka+postgres +{self.timing.slow_ms} ms")
        await asyncio.to_thread(self.platform.proxy, f"slow all {self.timing.slow_ms}")
        await asyncio.sleep(self.timing.slow)
        await asyncio.to_thread(self.platform.proxy, "normal all")
        self._close(window)

    async def cut(self) -> None:
        window = self._open("cut", "kafka+postgres connections")
        cut = []
        for _ in range(3):
            cut.append(await asyncio.to_thread(self.platform.proxy, "cut all"))
            await asyncio.sleep(self.rng.uniform(2.0, 5.0))
        window.target += f" ({', '.join(c.removeprefix('ok ') for c in cut)} reset)"
        self._close(window)

    async def heal(self) -> None:
        """Whatever state the faults left, everything is up afterwards."""
        await asyncio.to_thread(self.platform.proxy, "normal all")
        for instance in self.platform.all_instances():
            instance.thaw()
            if not instance.running():
                instance.start()
        for instance in self.platform.all_instances():
            await self.until_ready(instance)

    async def until_ready(self, instance, timeout: float = 300.0) -> None:  # type: ignore[no-untyped-def]
        """Poll its readiness (the supervisor restarts it meanwhile if it exits)."""
        deadline = time.monotonic() + timeout
        while not await asyncio.to_thread(instance.ready):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{instance.name} not ready within {timeout:.0f} s (log: {instance.log_path})")
            await asyncio.sleep(0.5)  # the poll's period

    async def supervise(self) -> None:
        """What an orchestrator does for a process that exits by itself (not one the harness killed): start it
        again, after a short back-off. Each such exit is recorded: a service that cannot start (say, while Kafka
        is down) says so here."""
        while True:
            for instance in self.platform.all_instances():
                process = instance.process
                if process is not None and process.poll() is not None:
                    self.exits.append((instance.name, process.returncode, time.time()))
                    self.log(f"{instance.name} exited by itself with code {process.returncode}; restarting it")
                    instance.process = None
                    await asyncio.sleep(2.0)  # the orchestrator's back-off
                    instance.start()
            await asyncio.sleep(1.0)  # the supervisor's period

    async def restart_the_dead(self, period: float = 10.0, threshold: int = 3, back_off: float = 2.0) -> None:
        """Restart an instance whose liveness probe answers 503 three times in a row, 10 s apart, as the Kubernetes
        manifests have it (one that does not answer, frozen, is not counted: the freeze fault wants it back)."""
        failures: dict[str, int] = {}
        while True:
            await asyncio.sleep(period)  # the probe's period
            for instance in self.platform.all_instances():
                said = await asyncio.to_thread(instance.says_it_is_dead)
                failures[instance.name] = failures.get(instance.name, 0) + 1 if said else 0
                if said and failures[instance.name] >= threshold:
                    failures[instance.name] = 0
                    self.dead.append((instance.name, said, time.time()))
                    self.log(f"{instance.name} says it is dead ({said}); restarting it")
                    await asyncio.to_thread(instance.kill)
                    await asyncio.sleep(back_off)  # the orchestrator's
                    instance.start()
