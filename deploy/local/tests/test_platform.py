"""The local platform runner: `up` starts everything and hands each service its settings; `down` leaves nothing."""

import asyncio
import json
import shutil
import tempfile
import textwrap
from pathlib import Path

import asyncpg
import httpx
import pytest
from devinfra import platform
from devinfra.platform import PlatformError, Service
from devinfra.processes import free_port, live_members
from plumbing import dead_letters

# Stands in for a real service: ready at once, and shows the environment it was given.
FAKE_SERVICE = """
import json, os
from http.server import BaseHTTPRequestHandler, HTTPServer

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps(dict(os.environ)).encode()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)

HTTPServer(("127.0.0.1", int(os.environ["HTTP_PORT"])), Handler).serve_forever()
"""


@pytest.fixture
def run_dir(tmp_path, monkeypatch):
    """A run dir of its own, free ports, and two importable fake services: `fakesvc` and `crashsvc`."""
    for name in ("kafka", "kafka_controller", "postgres", "smtp", "smtp_http"):
        monkeypatch.setenv(f"DEVINFRA_{name.upper()}_PORT", str(free_port()))
    for package, main in (("fakesvc", FAKE_SERVICE), ("crashsvc", "raise SystemExit('no database today')")):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__main__.py").write_text(textwrap.dedent(main))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    # Not under tmp_path: as root, PostgreSQL runs as another user, who may not enter pytest's base directory.
    run = Path(tempfile.mkdtemp(prefix="devinfra-run-"))
    run.chmod(0o755)
    yield run
    platform.down(run)
    shutil.rmtree(run, ignore_errors=True)


async def test_up_gives_each_service_its_settings_and_down_stops_everything(run_dir, monkeypatch, capsys):
    endpoints = platform.up(run_dir, services=(Service("fakesvc", free_port()),))

    env = httpx.get(endpoints.services["fakesvc"] + "/readyz").json()
    assert env["DATABASE_URL"] == endpoints.database_urls["fakesvc"]
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == endpoints.kafka_bootstrap_servers
    assert env["HTTP_PORT"] == endpoints.services["fakesvc"].rsplit(":", 1)[1]
    assert (env["SMTP_HOST"], env["SMTP_PORT"]) == ("127.0.0.1", str(endpoints.smtp_port))
    # Its Kafka principal and password, and the public key that verifies tokens: secrets of this machine's own.
    assert (env["KAFKA_SASL_USERNAME"], env["KAFKA_SECURITY_PROTOCOL"]) == ("fakesvc", "SASL_PLAINTEXT")
    secrets = json.loads((run_dir / "secrets.json").read_text())
    assert env["KAFKA_SASL_PASSWORD"] == secrets["kafka_passwords"]["fakesvc"]
    assert env["JWT_PUBLIC_KEY"] == secrets["jwt_public_key"] and "PRIVATE" not in json.dumps(env)
    assert (run_dir / "secrets.json").stat().st_mode & 0o077 == 0
    connection = await asyncpg.connect(env["DATABASE_URL"])
    assert await connection.fetchval("SELECT current_database()") == "fakesvc"
    await connection.close()
    assert httpx.get(endpoints.smtp_sink_url + "/messages").json() == []
    assert (run_dir / "logs" / "fakesvc.log").exists()

    # The operator's commands connect to it as `kafka-env` says (SASL without TLS, here): dead letters listed.
    operator = platform.kafka_environment("admin", run_dir)
    assert operator["KAFKA_SASL_USERNAME"] == "admin" and operator["KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
    for variable, value in operator.items():
        monkeypatch.setenv(variable, value)
    capsys.readouterr()
    assert await asyncio.to_thread(dead_letters.main, ["list", "--group", "matching"]) == 0
    assert capsys.readouterr().err == "no dead letters for group matching\n"
    with pytest.raises(PlatformError, match="fakesvc"):
        platform.kafka_environment("nobody", run_dir)

    processes = platform.status(run_dir)["processes"]
    assert [(p["name"], p["running"]) for p in processes] == [
        ("postgres", True),
        ("kafka", True),
        ("smtp-sink", True),
        ("fakesvc", True),
    ]

    # One service restarted, as after a crash or a change of its code: the rest runs on, and it gets what it had.
    platform.restart("fakesvc", run_dir)
    again = platform.status(run_dir)["processes"]
    assert [(p["name"], p["running"]) for p in again] == [
        ("postgres", True), ("kafka", True), ("smtp-sink", True), ("fakesvc", True)]
    assert again[:3] == processes[:3] and again[3]["pid"] != processes[3]["pid"]
    assert not live_members(processes[3]["pid"])
    assert httpx.get(endpoints.services["fakesvc"] + "/readyz").json() == env
    with pytest.raises(PlatformError, match="fakesvc"):
        platform.restart("nosuch", run_dir)
    processes = again

    assert platform.down(run_dir) == ["fakesvc", "smtp-sink", "kafka", "postgres"]
    assert not any(live_members(p["pid"]) for p in processes)
    assert platform.status(run_dir)["processes"] == []


def test_a_service_that_dies_at_start_fails_up_with_its_log_and_leaves_nothing_running(run_dir):
    with pytest.raises(PlatformError, match="no database today"):
        platform.up(run_dir, services=(Service("crashsvc", free_port()),))

    assert platform.status(run_dir)["processes"] == []
