"""A real single-node Apache Kafka (KRaft, broker and controller in one JVM) on 127.0.0.1, from Maven Central jars."""

from __future__ import annotations

import asyncio
import base64
import fcntl
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterable
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

from devinfra.processes import ServerProcess, free_port, log_tail, port_in_use, run_coroutine

KAFKA_VERSION = "4.4.0"
# The pom naming the broker's jars; it lives beside the package sources (the package is installed editable).
POM = Path(__file__).resolve().parents[2] / "kafka" / "pom.xml"
# A broker here lives minutes on two cores it shares with everything else. The optimising compiler (C2) would
# spend much of a core for those minutes compiling, and parallel GC threads compete too: the quick compiler
# alone and one GC thread halve the broker's CPU at a hundred messages a second (bench/README.md).
JVM_OPTIONS = ("-Xms256m", "-Xmx768m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
# Error codes of a CreateTopics answer that mean the topic is there.
_TOPIC_CREATED = 0
_TOPIC_ALREADY_EXISTS = 36


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
    so reuse one only with the same ports.
    """

    def __init__(
        self,
        data_dir: Path | str,
        port: int | None = None,
        controller_port: int | None = None,
        log_path: Path | None = None,
    ):
        self.data_dir = Path(data_dir).resolve()
        self.port = port or free_port()
        self.controller_port = controller_port or free_port()
        # The broker logs to stdout (see LOG4J2_PROPERTIES): one file then holds its log and whatever the JVM says.
        super().__init__(log_path or self.data_dir / "kafka.log")

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

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
        self._launch(["java", *JVM_OPTIONS, *self._jvm_properties(), "-cp", f"{libs}/*", "kafka.Kafka", str(config)])
        try:
            run_coroutine(self._wait_ready(timeout))
        except BaseException:
            self.stop()
            raise
        return self

    def create_topics(self, topics: Iterable[str | NewTopic]) -> None:
        create_topics(self.bootstrap_servers, topics)

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
        server.write_text(
            SERVER_PROPERTIES.format(
                port=self.port,
                controller_port=self.controller_port,
                log_dirs=self.data_dir / "kraft-combined-logs",
            )
        )
        return server

    def _format(self, libs: Path, config: Path) -> None:
        argv = ["java", "-cp", f"{libs}/*", *self._jvm_properties(), "kafka.tools.StorageTool", "format"]
        argv += ["--standalone", "-t", random_cluster_id(), "-c", str(config)]
        result = subprocess.run(argv, capture_output=True, text=True)
        if result.returncode != 0:
            raise KafkaServerError(f"formatting the Kafka storage failed:\n{result.stdout}\n{result.stderr}")

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
            if port_in_use(self.port) and await _answers_metadata(self.bootstrap_servers):
                return
            if loop.time() >= deadline:
                raise TimeoutError(f"Kafka did not answer on {self.bootstrap_servers} within {timeout:.0f}s")
            await asyncio.sleep(0.2)


async def _answers_metadata(bootstrap_servers: str) -> bool:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=2000)
    try:
        await admin.start()
        return bool((await admin.describe_cluster())["brokers"])
    except (TimeoutError, KafkaError, OSError):
        return False
    finally:
        await admin.close()


def create_topics(bootstrap_servers: str, topics: Iterable[str | NewTopic], timeout: float = 30.0) -> None:
    """Create topics (a name gets 3 partitions, replication 1) unless they exist, and wait until each has leaders."""
    specs = [NewTopic(t, num_partitions=3, replication_factor=1) if isinstance(t, str) else t for t in topics]
    run_coroutine(_create_topics(bootstrap_servers, specs, timeout))


async def _create_topics(bootstrap_servers: str, specs: list[NewTopic], timeout: float) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        response = await admin.create_topics(specs, timeout_ms=int(timeout * 1000))
        for topic, error_code, *_ in response.topic_errors:
            if error_code not in (_TOPIC_CREATED, _TOPIC_ALREADY_EXISTS):
                raise KafkaServerError(f"creating topic {topic!r} failed with Kafka error code {error_code}")
        # Creation is acknowledged before every partition has a leader; a producer right after would get errors.
        names = [spec.name for spec in specs]
        async with asyncio.timeout(timeout):
            while not _all_led(await admin.describe_topics(names)):
                await asyncio.sleep(0.1)
    finally:
        await admin.close()


def _all_led(described: list[dict]) -> bool:
    return all(
        topic["error_code"] == 0 and topic["partitions"] and all(p["leader"] >= 0 for p in topic["partitions"])
        for topic in described
    )


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
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
controller.quorum.bootstrap.servers=127.0.0.1:{controller_port}
log.dirs={log_dirs}

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
auto.create.topics.enable=true
# Consumers in tests join one at a time; do not hold the first rebalance back for three seconds.
group.initial.rebalance.delay.ms=0
"""
