"""Several instances of one service, each its own process on its own port, sharing the service's database and
consumer group, as replicas of a deployment do: each can be killed (-9), frozen (SIGSTOP), thawed and restarted.

    instance = ServiceInstance("matching", 1, environment, log_dir)
    instance.start(); await_ready([instance]); instance.kill(); instance.start()

The fault harness (bench/faults, tests/faults) runs two of each service this way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from devinfra.processes import free_port, live_members, log_tail, spawn, stop_group, wait_until
from devinfra.workspace import repo_root


class InstanceError(RuntimeError):
    """An instance exited while starting, or did not become ready in time."""


class ServiceInstance:
    """`python -m <service>` on its own port; `environment` holds what every instance of the service shares
    (DATABASE_URL, Kafka credentials, secrets)."""

    def __init__(self, service: str, number: int, environment: dict[str, str], log_dir: Path,
                 port: int | None = None) -> None:
        self.service = service
        self.number = number
        self.port = port or free_port()
        self.environment = environment
        self.log_path = Path(log_dir) / f"{service}-{number}.log"
        self.process: subprocess.Popen | None = None
        self.frozen = False
        self.starts = 0

    @property
    def name(self) -> str:
        return f"{self.service}-{self.number}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        if self.running():
            return
        env = os.environ | self.environment | {"HTTP_PORT": str(self.port), "PYTHONUNBUFFERED": "1"}
        self.process = spawn([sys.executable, "-m", self.service], self.log_path, env=env, cwd=repo_root())
        self.frozen = False
        self.starts += 1

    def ready(self) -> bool:
        """Whether it answers GET /readyz with 200 now (False while it starts, is frozen or is dead)."""
        if not self.running() or self.frozen:
            return False
        try:
            return httpx.get(f"{self.url}/readyz", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    def says_it_is_dead(self) -> str | None:
        """What GET /healthz answers when it is 503 (a part of the instance died for good: restarting is the cure);
        None otherwise, also when it does not answer (frozen, busy, starting): only what it says is taken."""
        if not self.running() or self.frozen:
            return None
        try:
            answer = httpx.get(f"{self.url}/healthz", timeout=3.0)
        except httpx.HTTPError:
            return None
        return answer.text if answer.status_code == 503 else None

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready():
            if self.process is not None and self.process.poll() is not None:
                raise InstanceError(f"{self.name} exited with code {self.process.returncode}; end of its log:\n"
                                    f"{log_tail(self.log_path)}")
            if time.monotonic() >= deadline:
                raise InstanceError(f"{self.name} was not ready within {timeout:.0f}s (log: {self.log_path})")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL, as a node failure or an OOM kill would: no shutdown hook runs."""
        process, self.process = self.process, None
        if process is None:
            return
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
        wait_until(lambda: not live_members(process.pid), 10.0, f"{self.name} to die after SIGKILL")
        self.frozen = False

    def freeze(self) -> None:
        """SIGSTOP: the process keeps its sockets and state but runs nothing (no heartbeat, no answer)."""
        if self.running():
            os.killpg(self.process.pid, signal.SIGSTOP)  # type: ignore[union-attr]
            self.frozen = True

    def thaw(self) -> None:
        if self.running() and self.frozen:
            os.killpg(self.process.pid, signal.SIGCONT)  # type: ignore[union-attr]
        self.frozen = False

    def stop(self, timeout: float = 30.0) -> None:
        """Graceful: SIGTERM, SIGKILL at the deadline."""
        process, self.process = self.process, None
        if process is None:
            return
        if self.frozen:
            os.killpg(process.pid, signal.SIGCONT)
            self.frozen = False
        stop_group(process.pid, signal.SIGTERM, timeout)
        process.wait()
