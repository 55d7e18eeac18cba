"""The whole platform on 127.0.0.1: PostgreSQL, Kafka, the SMTP sink and the services, each its own process.

`up` starts them and returns (they keep running), recording every process in <repo>/.run/state.json;
`restart <service>` stops one service and starts it again; `down` stops what is recorded, services first.
Logs go to <repo>/.run/logs/<name>.log, data to <repo>/.run/data, the secrets generated for this machine to
<repo>/.run/secrets.json (devinfra.secrets). Kafka runs as a deployment runs it: each service authenticates as
itself, and may do what the topic catalogue's ACLs say.
Every port can be moved with an environment variable, e.g. DEVINFRA_KAFKA_PORT or DEVINFRA_PROFILES_PORT.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from devinfra import secrets, workspace
from devinfra.kafka import TESTS, KafkaAccess, KafkaServer, grants_for_tests, principals
from devinfra.postgres import PostgresServer
from devinfra.processes import live_members, log_tail, port_in_use, spawn, start_time, stop_group
from devinfra.smtp_sink import MAIL_FROM
from devinfra.workspace import repo_root


@dataclass(frozen=True)
class Service:
    """A service run as `python -m <name>`, with its own database named after it."""

    name: str
    default_port: int

    @property
    def port(self) -> int:
        return _port(self.name, self.default_port)


DEFAULT_PORTS = {
    "kafka": 19092,
    "kafka_controller": 19093,
    "postgres": 15432,
    "smtp": 10025,
    # Not 10080: browsers refuse that port (ERR_UNSAFE_PORT), and people open the mailbox page in one.
    "smtp_http": 8025,
}
STOP_TIMEOUT = 30.0


class PlatformError(RuntimeError):
    """The platform could not be brought up or down; the message says why and where to look."""


@dataclass(frozen=True)
class Endpoints:
    kafka_bootstrap_servers: str
    postgres_admin_dsn: str
    database_urls: dict[str, str]
    smtp_host: str
    smtp_port: int
    smtp_sink_url: str
    services: dict[str, str]


def workspace_services() -> tuple[Service, ...]:
    """Every directory under services/, on the port its pyproject.toml names ([tool.mentorship] port)."""
    return tuple(Service(service.name, service.port) for service in workspace.services())


def __getattr__(name: str) -> tuple[Service, ...]:
    # SERVICES is found when asked for, so that `down` and `status` work whatever state the workspace is in.
    if name == "SERVICES":
        return workspace_services()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _port(name: str, default: int) -> int:
    return int(os.environ.get(f"DEVINFRA_{name.upper()}_PORT", default))


def default_run_dir() -> Path:
    return repo_root() / ".run"


def up(
    run_dir: Path | None = None,
    services: tuple[Service, ...] | None = None,
    fresh: bool = False,
    timeout: float = 120.0,
) -> Endpoints:
    """Start everything, wait until each service answers GET /readyz with 200, and return where all listens.

    services=None means every service of the workspace (SERVICES). fresh=True deletes the data of earlier runs
    first. If anything fails, whatever was started is stopped.
    """
    if services is None:
        services = workspace_services()
    run_dir = Path(run_dir or default_run_dir())
    state = _State(run_dir)
    if state.running():
        raise PlatformError(f"the platform is already up (see {state.path}); run `python -m devinfra down` first")
    state.reset()
    if fresh:
        # The secrets go with the data they protect (the broker's users, sealed identity attributes).
        shutil.rmtree(run_dir / "data", ignore_errors=True)
        secrets.path_in(run_dir).unlink(missing_ok=True)
    platform_secrets = _secrets(run_dir, services)
    try:
        endpoints = _start_all(run_dir, state, services, timeout, platform_secrets)
    except BaseException:
        down(run_dir)
        raise
    state.save_endpoints(endpoints)
    return endpoints


def _secrets(run_dir: Path, services: tuple[Service, ...]) -> secrets.PlatformSecrets:
    """This machine's secrets, generated on the first `up` (and for services added since)."""
    found = secrets.load(run_dir)
    if found is None:
        if (run_dir / "data").exists():
            raise PlatformError(f"{run_dir / 'data'} was made with secrets that {secrets.path_in(run_dir)} no longer "
                                "holds: start afresh with `python -m devinfra up --fresh`")
        found = secrets.PlatformSecrets.generate()
    if found.cover(principals(), [service.name for service in services]) or not secrets.path_in(run_dir).exists():
        secrets.save(run_dir, found)
    return found


def write_compose_env(output: Path | None = None, run_dir: Path | None = None) -> Path:
    """The `.env` docker compose reads, from this machine's secrets (the runner's, generated if need be)."""
    run_dir = Path(run_dir or default_run_dir())
    platform_secrets = _secrets(run_dir, workspace_services())
    output = output or repo_root() / ".env"
    descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(secrets.compose_env(platform_secrets, [p for p in principals() if p != TESTS]))
    return output


def _start_all(run_dir: Path, state: _State, services: tuple[Service, ...], timeout: float,
               platform_secrets: secrets.PlatformSecrets) -> Endpoints:
    logs = run_dir / "logs"

    postgres = PostgresServer(
        run_dir / "data" / "postgres", port=_port("postgres", DEFAULT_PORTS["postgres"]), log_path=logs / "postgres.log"
    )
    postgres.start()
    state.record("postgres", postgres.detach(), signal.SIGINT)  # SIGINT is PostgreSQL's fast shutdown
    database_urls = {service.name: postgres.create_database(service.name) for service in services}

    kafka = KafkaServer(
        run_dir / "data" / "kafka",
        port=_port("kafka", DEFAULT_PORTS["kafka"]),
        controller_port=_port("kafka_controller", DEFAULT_PORTS["kafka_controller"]),
        log_path=logs / "kafka.log",
        passwords=platform_secrets.kafka_passwords,
    )
    kafka.start()
    state.record("kafka", kafka.detach(), signal.SIGTERM)
    # As the operator: the catalogue's topics and everyone's ACLs (the tests' too, to run tests against this broker).
    kafka.provision(grants_for_tests())

    smtp_port = _port("smtp", DEFAULT_PORTS["smtp"])
    smtp_http_port = _port("smtp_http", DEFAULT_PORTS["smtp_http"])
    _check_free("smtp-sink", smtp_port, smtp_http_port)
    sink_url = f"http://127.0.0.1:{smtp_http_port}"
    sink = spawn(
        [sys.executable, "-m", "devinfra.smtp_sink", "--smtp-port", str(smtp_port), "--http-port", str(smtp_http_port)],
        logs / "smtp-sink.log",
    )
    state.record("smtp-sink", sink.pid, signal.SIGTERM)
    _wait_until_answering({"smtp-sink": (sink, f"{sink_url}/messages")}, logs, timeout)

    started = {}
    service_urls = {service.name: f"http://127.0.0.1:{service.port}" for service in services}
    for service in services:
        _check_free(service.name, service.port)
        started[service.name] = _start_service(
            run_dir, state, service.name, _service_environment(service.name, kafka.access, platform_secrets,
                                                               service_urls, database_urls[service.name], smtp_port))
    _wait_until_answering(started, logs, timeout)

    return Endpoints(
        kafka_bootstrap_servers=kafka.bootstrap_servers,
        postgres_admin_dsn=postgres.admin_dsn,
        database_urls=database_urls,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_sink_url=sink_url,
        services={service.name: f"http://127.0.0.1:{service.port}" for service in services},
    )


def _service_environment(name: str, kafka: KafkaAccess, platform_secrets: secrets.PlatformSecrets,
                         service_urls: dict[str, str], database_url: str, smtp_port: int) -> dict[str, str]:
    """What a service is started with: its principal, secrets and database, and where the others are served (a
    service calls them there: the web app all four, the consumers of restricted topics profiles)."""
    urls = {f"{other.upper()}_URL": url for other, url in service_urls.items()}
    return os.environ | kafka.environment(name) | platform_secrets.environment(name) | urls | {
        "DATABASE_URL": database_url,
        "HTTP_PORT": service_urls[name].rsplit(":", 1)[1],
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "MAIL_FROM": MAIL_FROM,
        "PUBLIC_BASE_URL": service_urls[name],  # the web app's (sign-in links)
        "WEB_BASE_URL": urls.get("WEB_URL", "http://127.0.0.1:8105"),
        "CONCERNS_EMAIL": "concerns@mentorship.example",  # the web app's, for a worry about a mentorship
        "PYTHONUNBUFFERED": "1",  # so the log shows what happened right before a crash
    }


def _start_service(run_dir: Path, state: _State, name: str, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """Start it and record it; return the process and the address of its readiness probe."""
    process = spawn([sys.executable, "-m", name], run_dir / "logs" / f"{name}.log", env=env, cwd=repo_root())
    state.record(name, process.pid, signal.SIGTERM)
    return process, f"{env['PUBLIC_BASE_URL']}/readyz"


def restart(name: str, run_dir: Path | None = None, timeout: float = 120.0) -> None:
    """Stop one service of the running platform (if it still runs) and start it again as `up` did, waiting until it
    is ready; the rest keeps running (and the mail sink its messages)."""
    run_dir = Path(run_dir or default_run_dir())
    state = _State(run_dir)
    endpoints, platform_secrets, kafka = _running(run_dir)
    if name not in endpoints["services"]:
        raise PlatformError(f"no service {name!r} runs here: the platform's are {', '.join(endpoints['services'])}")
    for process in state.processes():
        if process["name"] == name and _is_alive(process):
            stop_group(process["pid"], process["stop_signal"], STOP_TIMEOUT)
    state.forget(name)
    env = _service_environment(name, kafka, platform_secrets, endpoints["services"], endpoints["database_urls"][name],
                               endpoints["smtp_port"])
    _check_free(name, int(env["HTTP_PORT"]))
    _wait_until_answering({name: _start_service(run_dir, state, name, env)}, run_dir / "logs", timeout)


def _check_free(name: str, *ports: int) -> None:
    for port in ports:
        if port_in_use(port):
            raise PlatformError(f"{name}: port {port} on 127.0.0.1 is already in use")


def _wait_until_answering(pending: dict[str, tuple[subprocess.Popen, str]], logs: Path, timeout: float) -> None:
    """Poll each URL until it answers 200; fail at once, with its log, if a process exits first."""
    pending = dict(pending)
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while pending:
            for name, (process, url) in list(pending.items()):
                if process.poll() is not None:
                    raise PlatformError(
                        f"{name} exited with code {process.returncode}; end of {logs / name}.log:\n"
                        f"{log_tail(logs / f'{name}.log')}"
                    )
                try:
                    if client.get(url).status_code == 200:
                        del pending[name]
                except httpx.TransportError:
                    pass  # not listening yet
            if pending and time.monotonic() >= deadline:
                raise PlatformError(f"not ready within {timeout:.0f}s: {', '.join(pending)} (logs in {logs})")
            if pending:
                time.sleep(0.2)


def down(run_dir: Path | None = None) -> list[str]:
    """Stop every recorded process, the last started first (services, sink, Kafka, PostgreSQL); return their names."""
    state = _State(Path(run_dir or default_run_dir()))
    stopped = []
    for process in reversed(state.processes()):
        if _is_alive(process):
            stop_group(process["pid"], process["stop_signal"], STOP_TIMEOUT)
            stopped.append(process["name"])
    state.clear()
    return stopped


def status(run_dir: Path | None = None) -> dict:
    """The recorded endpoints and, per process, whether it still runs."""
    state = _State(Path(run_dir or default_run_dir()))
    return {
        "endpoints": state.endpoints(),
        "processes": [{"name": p["name"], "pid": p["pid"], "running": _is_alive(p)} for p in state.processes()],
    }


def kafka_environment(principal: str, run_dir: Path | None = None) -> dict[str, str]:
    """The KAFKA_* variables that connect a command (`dead-letters`, `plumbing.kafka_access`) to the running
    platform's broker as `principal`: the operator's is `admin`."""
    endpoints, platform_secrets, kafka = _running(Path(run_dir or default_run_dir()))
    if principal not in platform_secrets.kafka_passwords:
        raise PlatformError(f"no Kafka principal {principal!r}: this machine's are "
                            f"{', '.join(sorted(platform_secrets.kafka_passwords))}")
    return kafka.environment(principal)


def _running(run_dir: Path) -> tuple[dict, secrets.PlatformSecrets, KafkaAccess]:
    """The running platform's endpoints, this machine's secrets, and its broker as they reach it."""
    endpoints, platform_secrets = _State(run_dir).endpoints(), secrets.load(run_dir)
    if not endpoints or platform_secrets is None:
        raise PlatformError("the platform is down: start it with `python -m devinfra up`")
    return endpoints, platform_secrets, KafkaAccess(endpoints["kafka_bootstrap_servers"], platform_secrets.kafka_passwords)


def _is_alive(process: dict) -> bool:
    # The start time tells our process from a later one that got the same pid (after a reboot, say).
    return start_time(process["pid"]) == process["start_time"] and bool(live_members(process["pid"]))


class _State:
    """.run/state.json: rewritten after every start, so a `down` finds even what a crashed `up` left running."""

    def __init__(self, run_dir: Path):
        self.path = run_dir / "state.json"

    def _load(self) -> dict:
        try:
            return json.loads(self.path.read_text())
        except FileNotFoundError:
            return {"processes": [], "endpoints": None}

    def _save(self, state: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        partial.write_text(json.dumps(state, indent=2))
        partial.replace(self.path)

    def processes(self) -> list[dict]:
        return self._load()["processes"]

    def endpoints(self) -> dict | None:
        return self._load()["endpoints"]

    def running(self) -> bool:
        return any(_is_alive(p) for p in self.processes())

    def record(self, name: str, pid: int, stop_signal: int) -> None:
        state = self._load()
        state["processes"].append(
            {"name": name, "pid": pid, "start_time": start_time(pid), "stop_signal": int(stop_signal)}
        )
        self._save(state)

    def forget(self, name: str) -> None:
        state = self._load()
        state["processes"] = [p for p in state["processes"] if p["name"] != name]
        self._save(state)

    def save_endpoints(self, endpoints: Endpoints) -> None:
        state = self._load()
        state["endpoints"] = asdict(endpoints)
        self._save(state)

    def reset(self) -> None:
        self._save({"processes": [], "endpoints": None})

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
