"""The platform the harness injects faults into, all on 127.0.0.1 in one work directory: PostgreSQL and Kafka as
devinfra runs them (Kafka from its jars with SASL/SCRAM and the catalogue's ACLs; PostgreSQL unprivileged), each
behind the harness's proxy (bench/faults/proxy.py: the services reach both only through it, so their connections
can be slowed and cut), a recording SMTP server (bench/faults/mailbox.py), and two instances of each service
(devinfra.instances) sharing its database and consumer group."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from devinfra.instances import ServiceInstance
from devinfra.kafka import TESTS, KafkaAccess, KafkaServer, grants_for_tests
from devinfra.postgres import PostgresServer
from devinfra.processes import free_port, log_tail, port_in_use, spawn, stop_group, wait_until
from devinfra.secrets import PlatformSecrets
from devinfra.smtp_sink import MAIL_FROM
from devinfra.workspace import repo_root
from plumbing.personal_data import key_readers

from bench.faults import proxy

SERVICES = ("profiles", "matching", "events", "notifications")


def _with_port(dsn: str, port: int) -> str:
    parts = urlsplit(dsn)
    return parts._replace(netloc=f"{parts.netloc.rsplit(':', 1)[0]}:{port}").geturl()


@dataclass
class FaultPlatform:
    work: Path
    instances_per_service: int = 2
    sending_lease_seconds: float | None = None
    secrets: PlatformSecrets = field(init=False)
    postgres: PostgresServer = field(init=False)
    kafka: KafkaServer = field(init=False)
    instances: dict[str, list[ServiceInstance]] = field(default_factory=dict)
    database_urls: dict[str, str] = field(default_factory=dict)  # direct, for the harness's read-only checks
    _helpers: list[subprocess.Popen] = field(default_factory=list)

    def start(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        self.work.chmod(0o755)  # PostgreSQL may run as another user, who must be able to enter it
        logs = self.work / "logs"
        self.secrets = PlatformSecrets.generate(SERVICES)
        self.postgres_port, self.kafka_port = free_port(), free_port()
        self.postgres_proxy_port, self.kafka_proxy_port = free_port(), free_port()
        self.control_port, self.smtp_port = free_port(), free_port()
        self._helpers.append(spawn(
            [sys.executable, "-m", "bench.faults.proxy", "--control", str(self.control_port),
             "--route", f"kafka:{self.kafka_proxy_port}:{self.kafka_port}",
             "--route", f"postgres:{self.postgres_proxy_port}:{self.postgres_port}"],
            logs / "proxy.log", cwd=repo_root()))
        self.mailbox_path = self.work / "mailbox.jsonl"
        self._helpers.append(spawn([sys.executable, "-m", "bench.faults.mailbox", "--port", str(self.smtp_port),
                                    "--out", str(self.mailbox_path)], logs / "mailbox.log", cwd=repo_root()))
        wait_until(lambda: all(map(port_in_use, (self.control_port, self.smtp_port, self.kafka_proxy_port))), 30,
                   "the proxy and the mailbox")

        self.postgres = PostgresServer(self.work / "postgres", port=self.postgres_port, fast=True,
                                       log_path=logs / "postgres.log").start()
        self.database_urls = {name: self.postgres.create_database(name) for name in SERVICES}
        # Kafka tells its clients to reconnect through the proxy: every connection after the bootstrap goes there.
        self.kafka = KafkaServer(self.work / "kafka", port=self.kafka_port, advertised_port=self.kafka_proxy_port,
                                 passwords=self.secrets.kafka_passwords, log_path=logs / "kafka.log").start()
        self.kafka.provision(grants_for_tests())

        proxied_kafka = KafkaAccess(f"127.0.0.1:{self.kafka_proxy_port}", self.secrets.kafka_passwords)
        for name in SERVICES:
            environment = self.secrets.service_environment(name, proxied_kafka) | {
                "DATABASE_URL": _with_port(self.database_urls[name], self.postgres_proxy_port),
                "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.smtp_port), "LOG_LEVEL": "WARNING",
                "MAIL_FROM": MAIL_FROM, "WEB_BASE_URL": "http://web.invalid",  # no web app here: links go nowhere
            }
            if name == "notifications" and self.sending_lease_seconds:
                environment["SENDING_LEASE_SECONDS"] = str(self.sending_lease_seconds)
            self.instances[name] = [ServiceInstance(name, n, environment, logs)
                                    for n in range(1, self.instances_per_service + 1)]
        # The readers of restricted topics ask profiles for people's data keys: the first instance (while it is
        # down, they wait and ask again, as they would for any profiles that cannot answer).
        for reader in key_readers():
            self.instances[reader][0].environment["PROFILES_URL"] = self.instances["profiles"][0].url
        for instance in self.all_instances():
            instance.start()
        for instance in self.all_instances():
            instance.wait_ready(180)

    def all_instances(self) -> list[ServiceInstance]:
        return [instance for group in self.instances.values() for instance in group]

    def kafka_options(self, principal: str = TESTS) -> dict:
        return self.kafka.client_options(principal)

    def proxy(self, line: str) -> str:
        return proxy.command(self.control_port, line)

    def log_lines_saying(self, *texts: str) -> list[dict[str, int]]:
        """For each text, per instance whose log has any, how many lines contain it (each log read once)."""
        counts: list[dict[str, int]] = [{} for _ in texts]
        for instance in self.all_instances():
            with contextlib.suppress(FileNotFoundError), instance.log_path.open(errors="replace") as log:
                for line in log:
                    for found, text in zip(counts, texts, strict=True):
                        if text in line:
                            found[instance.name] = found.get(instance.name, 0) + 1
        return counts

    def instance_logs(self, lines: int = 15) -> dict[str, str]:
        """The end of each instance's log, after asking each running one for its asyncio tasks (SIGUSR1): where a
        consumer that stopped making progress waits."""
        asked = [i for i in self.all_instances() if i.running() and not i.frozen]
        for instance in asked:
            os.kill(instance.pid, signal.SIGUSR1)  # type: ignore[arg-type]
        with contextlib.suppress(TimeoutError):
            wait_until(lambda: all("asyncio tasks on request" in log_tail(i.log_path, 5) for i in asked), 10,
                       "every instance to log its tasks")
        return {instance.name: log_tail(instance.log_path, lines) for instance in self.all_instances()}

    def stop(self) -> None:
        for instance in self.all_instances():
            try:
                instance.stop(timeout=20)
            except Exception as error:  # noqa: BLE001 - stop everything else whatever one does
                print(f"stopping {instance.name}: {error}", file=sys.stderr)
        for server in (getattr(self, "kafka", None), getattr(self, "postgres", None)):
            if server is not None:
                server.stop()
        for helper in self._helpers:
            stop_group(helper.pid, timeout=10)
            helper.wait()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def now() -> float:
    return time.time()
