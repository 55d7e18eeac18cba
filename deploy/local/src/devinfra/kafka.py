"""A real single-node Apache Kafka (KRaft, broker and controller in one JVM) on 127.0.0.1, from Maven Central jars,
run as a deployment runs it: every client authenticates (SASL/SCRAM-SHA-512), and Kafka's StandardAuthorizer
allows what the ACLs say and nothing else.

The broker's SCRAM users are created when its storage is formatted; `admin` is its super user (the broker's own
connections use it too). `provision()` creates the topic catalogue's topics and applies the platform's ACLs
(`plumbing.kafka_access`), plus those of the `tests` principal, which plays every other service in tests.
"""

from __future__ import annotations

import asyncio
import base64
import fcntl
import json
import os
import secrets
import shutil
import subprocess
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError
from plumbing import kafka_access
from plumbing.kafka_access import OTHER_TEAM, Grant, catalogue_topics

from devinfra.processes import ServerProcess, free_port, log_tail, port_in_use, run_coroutine

KAFKA_VERSION = "4.4.0"
# The pom naming the broker's jars; it lives beside the package sources (the package is installed editable).
POM = Path(__file__).resolve().parents[2] / "kafka" / "pom.xml"
# A broker here lives minutes on two cores it shares with everything else. The optimising compiler (C2) would
# spend much of a core for those minutes compiling, and parallel GC threads compete too: the quick compiler
# alone and one GC thread halve the broker's CPU at a hundred messages a second (bench/README.md).
JVM_OPTIONS = ("-Xms256m", "-Xmx768m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
SUPER_USER = "admin"
# The principal test code acts as when it plays another service: it may read, write and create any topic, and use
# any consumer group; it is not a super user (it cannot change ACLs).
TESTS = "tests"
MECHANISM = "SCRAM-SHA-512"


def principals() -> list[str]:
    """Every SCRAM user of the brokers devinfra runs: the operator, each service, another team and the tests."""
    return [SUPER_USER, *kafka_access.platform_services(), OTHER_TEAM, TESTS]


def new_passwords(names: Iterable[str] | None = None) -> dict[str, str]:
    return {name: secrets.token_urlsafe(24) for name in (principals() if names is None else names)}


def grants_for_tests() -> list[Grant]:
    return [*(Grant(TESTS, "topic", "*", "literal", op) for op in ("read", "write", "create", "describe")),
            *(Grant(TESTS, "group", "*", "literal", op) for op in ("read", "describe"))]


@dataclass(frozen=True)
class KafkaAccess:
    """How to reach a devinfra broker as each of its principals."""

    bootstrap_servers: str
    passwords: Mapping[str, str] = field(repr=False)

    def client_options(self, principal: str) -> dict[str, Any]:
        """Keyword arguments for an aiokafka client (producer, consumer, admin) acting as `principal`."""
        return {"bootstrap_servers": self.bootstrap_servers, "security_protocol": "SASL_PLAINTEXT",
                "sasl_mechanism": MECHANISM, "sasl_plain_username": principal,
                "sasl_plain_password": self.passwords[principal]}

    def settings(self, principal: str) -> dict[str, Any]:
        """Fields of a service's settings (`plumbing.settings.ServiceSettings`) that connect it as `principal`."""
        return {"kafka_bootstrap_servers": self.bootstrap_servers, "kafka_security_protocol": "SASL_PLAINTEXT",
                "kafka_sasl_mechanism": MECHANISM, "kafka_sasl_username": principal,
                "kafka_sasl_password": self.passwords[principal]}

    def environment(self, principal: str) -> dict[str, str]:
        """The same, as the environment variables of a service's process."""
        return {"KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers, "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM": MECHANISM, "KAFKA_SASL_USERNAME": principal,
                "KAFKA_SASL_PASSWORD": self.passwords[principal]}


class KafkaServerError(RuntimeError):
    """Kafka could not be fetched, formatted or started; the message carries the relevant log."""


def cache_dir() -> Path:
    return Path(os.environ.get("MENTORSHIP_CACHE", "~/.cache/mentorship")).expanduser() / f"kafka-{KAFKA_VERSION}"


def kafka_libs() -> Path:
    """The directory of the broker's jars, fetched from Maven Central on first use and cached after."""
    home = cache_dir()
    libs = home / "libs"
    complete = home / "libs.complete"
    home.mkdir(parents=True, exist_ok=True)
    # Two test sessions starting at once must not both write into libs/.
    with open(home / "fetch.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if complete.exists():
            return libs
        if not POM.exists():
            raise KafkaServerError(f"{POM} is missing: install devinfra from the repository (uv sync does, editable)")
        if shutil.which("mvn") is None:
            raise KafkaServerError("Maven (mvn) is needed once to fetch the Kafka jars: apt-get install maven")
        # A copy interrupted half-way leaves no marker; start it over from nothing.
        shutil.rmtree(libs, ignore_errors=True)
        fetch = subprocess.run(
            ["mvn", "-q", "-f", str(POM), "dependency:copy-dependencies", f"-DoutputDirectory={libs}"],
            capture_output=True,
            text=True,
        )
        if fetch.returncode != 0:
            raise KafkaServerError(f"fetching the Kafka jars failed:\n{fetch.stdout}\n{fetch.stderr}")
        complete.write_text(KAFKA_VERSION + "\n")
        return libs


def random_cluster_id() -> str:
    """A Kafka cluster id: a random UUID in URL-safe base64 without padding (22 characters)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        # Kafka never hands out ids starting with '-': command lines would read them as options.
        if not cluster_id.startswith("-"):
            return cluster_id


class KafkaServer(ServerProcess):
    """One Kafka 4.4.0 node that is both broker and KRaft controller, with its data under data_dir.

    A data dir is formatted once and reused by later starts; the quorum remembers the controller's address,
    so reuse one only with the same ports, and its SCRAM users, so reuse one only with the same passwords.
    `passwords` names the users (the super user `admin` among them); by default `admin` alone, with a new one.
    """

    def __init__(
        self,
        data_dir: Path | str,
        port: int | None = None,
        controller_port: int | None = None,
        log_path: Path | None = None,
        passwords: Mapping[str, str] | None = None,
        advertised_port: int | None = None,
    ):
        self.data_dir = Path(data_dir).resolve()
        self.port = port or free_port()
        # Where clients are told to connect after bootstrapping: a proxy in front of the broker (bench/faults slows
        # and cuts the services' connections there); the broker's own port when None.
        self.advertised_port = advertised_port
        self.controller_port = controller_port or free_port()
        self.passwords = dict(passwords or new_passwords([SUPER_USER]))
        if SUPER_USER not in self.passwords:
            raise KafkaServerError(f"the users of a broker include its super user, {SUPER_USER!r}")
        # The broker logs to stdout (see LOG4J2_PROPERTIES): one file then holds its log and whatever the JVM says.
        super().__init__(log_path or self.data_dir / "kafka.log")

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def access(self) -> KafkaAccess:
        return KafkaAccess(self.bootstrap_servers, self.passwords)

    def client_options(self, principal: str = SUPER_USER) -> dict[str, Any]:
        return self.access.client_options(principal)

    def start(self, timeout: float = 120.0) -> KafkaServer:
        if self._process is not None:
            return self
        for port in (self.port, self.controller_port):
            if port_in_use(port):
                raise KafkaServerError(f"port {port} on 127.0.0.1 is already in use")
        libs = kafka_libs()
        config = self._write_config()
        if not (self.data_dir / "kraft-combined-logs" / "meta.properties").exists():
            self._format(libs, config)
        self._check_users()
        self._launch(["java", *JVM_OPTIONS, *self._jvm_properties(), "-cp", f"{libs}/*", "kafka.Kafka", str(config)])
        try:
            run_coroutine(self._wait_ready(timeout))
        except BaseException:
            self.stop()
            raise
        return self

    def create_topics(self, topics: Iterable[str | NewTopic]) -> None:
        create_topics(self.client_options(), topics)

    def provision(self, extra_grants: Iterable[Grant] = ()) -> None:
        """As the operator: create the catalogue's topics and give every principal its ACLs (plus these)."""
        grants = [*kafka_access.acls(), *extra_grants]
        run_coroutine(kafka_access.provision(self.client_options(), grants, catalogue_topics()))

    def _jvm_properties(self) -> list[str]:
        return [
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.data_dir / 'config' / 'log4j2.properties'}",
        ]

    def _write_config(self) -> Path:
        config_dir = self.data_dir / "config"
        config_dir.mkdir(parents=True, exist_ok=True)
        (config_dir / "log4j2.properties").write_text(LOG4J2_PROPERTIES)
        server = config_dir / "server.properties"
        # It holds the super user's password: readable by us alone.
        server.touch(mode=0o600)
        server.chmod(0o600)
        server.write_text(
            SERVER_PROPERTIES.format(
                port=self.port,
                advertised_port=self.advertised_port or self.port,
                controller_port=self.controller_port,
                log_dirs=self.data_dir / "kraft-combined-logs",
                super_user=SUPER_USER,
                super_password=self.passwords[SUPER_USER],
            )
        )
        return server

    def _format(self, libs: Path, config: Path) -> None:
        argv = ["java", "-cp", f"{libs}/*", *self._jvm_properties(), "kafka.tools.StorageTool", "format"]
        argv += ["--standalone", "-t", random_cluster_id(), "-c", str(config)]
        for name, password in sorted(self.passwords.items()):
            argv += ["--add-scram", f"{MECHANISM}=[name={name},password={password}]"]
        result = subprocess.run(argv, capture_output=True, text=True)
        if result.returncode != 0:
            raise KafkaServerError(f"formatting the Kafka storage failed:\n{result.stdout}\n{result.stderr}")
        self._users_file.write_text(json.dumps(sorted(self.passwords)))

    @property
    def _users_file(self) -> Path:
        return self.data_dir / "scram-users.json"

    def _check_users(self) -> None:
        """A broker reused from an earlier start knows the users it was formatted with, and no other."""
        formatted = set(json.loads(self._users_file.read_text())) if self._users_file.exists() else set()
        if missing := sorted(set(self.passwords) - formatted):
            raise KafkaServerError(f"the Kafka data in {self.data_dir} was formatted without the users {missing}: "
                                   "start from fresh data (`python -m devinfra up --fresh`)")

    async def _wait_ready(self, timeout: float) -> None:
        """Poll until the broker answers a metadata request with itself in it; fail fast if the JVM died."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        process = self._process
        assert process is not None, "started first"
        while True:
            if process.poll() is not None:
                raise KafkaServerError(
                    f"Kafka exited with code {process.returncode} while starting:\n{log_tail(self.log_path)}"
                )
            # A bare connect first: aiokafka logs an error for every refused connection while the JVM boots.
            if port_in_use(self.port) and await _answers_metadata(self.client_options()):
                return
            if loop.time() >= deadline:
                raise TimeoutError(f"Kafka did not answer on {self.bootstrap_servers} within {timeout:.0f}s")
            await asyncio.sleep(0.2)


async def _answers_metadata(client_options: dict[str, Any]) -> bool:
    admin = AIOKafkaAdminClient(**client_options, request_timeout_ms=2000)
    try:
        await admin.start()
        return bool((await admin.describe_cluster())["brokers"])
    except (TimeoutError, KafkaError, OSError):
        return False
    finally:
        await admin.close()


def create_topics(client_options: dict[str, Any], topics: Iterable[str | NewTopic], timeout: float = 30.0) -> None:
    """Create topics (a name gets 3 partitions, replication 1) unless they exist, and wait until each has leaders;
    as the principal of `client_options` (`KafkaServer.client_options()`: the super user)."""
    specs = [NewTopic(t, num_partitions=3, replication_factor=1) if isinstance(t, str) else t for t in topics]
    run_coroutine(_create_topics(client_options, specs, timeout))


async def _create_topics(client_options: dict[str, Any], specs: list[NewTopic], timeout: float) -> None:
    admin = AIOKafkaAdminClient(**client_options)
    await admin.start()
    try:
        await kafka_access.create_topics(admin, specs, timeout)
    finally:
        await admin.close()


LOG4J2_PROPERTIES = """\
# Warnings and errors only: the broker's INFO chatter helps nobody in a test run. They go to stdout,
# which KafkaServer sends to its log file (in the data dir unless told otherwise).
status = warn
name = devinfra-kafka
appender.out.type = Console
appender.out.name = out
appender.out.target = SYSTEM_OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.out.ref = out
"""

SERVER_PROPERTIES = """\
# One node that is broker and KRaft controller at once, listening on 127.0.0.1 only.
node.id=1
process.roles=broker,controller
listeners=SASL_PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=SASL_PLAINTEXT://127.0.0.1:{advertised_port}
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=SASL_PLAINTEXT
controller.listener.names=CONTROLLER
controller.quorum.bootstrap.servers=127.0.0.1:{controller_port}
log.dirs={log_dirs}

# Every client authenticates: SCRAM on the broker's listener (users created when the storage is formatted). The
# controller's listener takes PLAIN with the super user's password alone: SCRAM users live in the metadata the
# controller serves, so the broker reaches the controller before it could know them.
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=\
  org.apache.kafka.common.security.scram.ScramLoginModule required \
  username="{super_user}" password="{super_password}";
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=\
  org.apache.kafka.common.security.plain.PlainLoginModule required \
  username="{super_user}" password="{super_password}" user_{super_user}="{super_password}";

# What a principal may do is what the ACLs say (plumbing.kafka_access), and nothing else; the super user may
# do anything (the broker's own connections, the operator's provisioning).
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:{super_user}
allow.everyone.if.no.acl.found=false

# A single node cannot hold more than one replica of anything.
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Fewer partitions of the internal topics than the default 50: the first consumer group comes up much faster.
offsets.topic.num.partitions=10
transaction.state.log.num.partitions=10

num.partitions=3
# Topics are created by the operator (provision) and by their owners, never by a producer naming one.
auto.create.topics.enable=false
# Consumers in tests join one at a time; do not hold the first rebalance back for three seconds.
group.initial.rebalance.delay.ms=0
"""
