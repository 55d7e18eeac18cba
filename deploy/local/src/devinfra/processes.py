"""Process plumbing shared by the servers: spawn in an own process group, wait with a deadline, stop for sure."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


# Ports already handed out by free_port: the kernel may offer a just-released port again, and two servers of
# this process (a broker's two listeners, say) must not both be given it before either has bound it.
_handed_out: set[int] = set()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now, never the same twice in one process."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def spawn(
    argv: Sequence[str],
    log_path: Path,
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.Popen:
    """Start argv as the leader of a new session, so one signal to its group reaches all it forks.

    Output is appended to log_path rather than piped: nobody reads a pipe of a server that outlives us.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )


def live_members(pgid: int) -> list[int]:
    """Pids of the non-zombie processes in a process group (a zombie no longer holds ports or files)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        # fields[0] is the state, fields[2] the process group (see proc(5), counted after the comm field).
        if fields and fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def start_time(pid: int) -> str | None:
    """The kernel's start time of pid, so a recorded pid is never confused with a later process reusing it."""
    fields = _stat_fields(pid)
    return fields[19] if fields else None


def _stat_fields(pid: int) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name may hold spaces and parentheses; everything after its last ')' is plain fields.
    return stat[stat.rindex(")") + 2 :].split()


def cpu_seconds(root: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = _stat_fields(int(stat.parent.name))
        if fields:
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        fields = _stat_fields(pid)
        if fields:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def machine_jiffies() -> tuple[int, int, int]:
    """Jiffies of the whole machine so far: busy, stolen by the hypervisor, total. A benchmark reports the share
    stolen while it ran: on a shared virtual machine, that, not the code, can make a run slow."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle, steal = values[3] + values[4], values[7]
    return sum(values) - idle - steal, steal, sum(values)


def stop_group(leader: int, stop_signal: int = signal.SIGTERM, timeout: float = 30.0) -> None:
    """Ask the group's leader to stop, wait until the whole group is gone, SIGKILL what is left at the deadline."""
    try:
        os.kill(leader, stop_signal)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while live_members(leader) and time.monotonic() < deadline:
        time.sleep(0.1)
    if live_members(leader):
        try:
            os.killpg(leader, signal.SIGKILL)
        except ProcessLookupError:
            pass
        wait_until(lambda: not live_members(leader), 10.0, f"process group {leader} to die after SIGKILL")


def wait_until(check: Callable[[], T], timeout: float, what: str, interval: float = 0.1) -> T:
    """Poll check until it returns something truthy; raise TimeoutError naming what we waited for."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def run_coroutine(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, even when the caller's thread already runs an event loop.

    A fresh thread gets its own loop, so this works from a sync pytest fixture and from inside an async test.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return f"(no log at {path})"


class ServerProcess:
    """A server this Python process started: stopped at interpreter exit at the latest, unless detached."""

    stop_signal = signal.SIGTERM
    stop_timeout = 30.0

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self._process: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def stop(self) -> None:
        """Stop the server and everything in its process group; safe to call twice."""
        process, self._process = self._process, None
        if process is None:
            return
        atexit.unregister(self.stop)
        self._shut_down(process)
        stop_group(process.pid, self.stop_signal, self.stop_timeout)
        process.wait()

    def detach(self) -> int:
        """Leave the server running after this Python process exits; whoever records the pid stops it later."""
        if self._process is None:
            raise RuntimeError(f"{type(self).__name__} is not running")
        atexit.unregister(self.stop)
        pid, self._process = self._process.pid, None
        return pid

    def kill(self) -> None:
        """SIGKILL the server's whole process group, as a crash would, and forget it: `start()` starts it anew on the
        same data (the fault harness, bench/faults, does so)."""
        process, self._process = self._process, None
        if process is None:
            return
        atexit.unregister(self.stop)
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
        wait_until(lambda: not live_members(process.pid), 10.0, f"process group {process.pid} to die after SIGKILL")

    def _launch(self, argv: Sequence[str]) -> subprocess.Popen:
        self._process = spawn(argv, self.log_path)
        atexit.register(self.stop)
        return self._process

    def _shut_down(self, process: subprocess.Popen) -> None:
        """A server's own graceful shutdown, run before the stop signal; the signal alone is enough by default."""
