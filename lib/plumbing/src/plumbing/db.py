"""The asyncpg pool and forward-only SQL migrations."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import asyncpg

log = logging.getLogger(__name__)

Done = TypeVar("Done")

PLUMBING_MIGRATIONS = Path(__file__).parent / "migrations"
# Any fixed number: two instances starting at once queue on this lock instead of racing.
_MIGRATION_LOCK = 7_340_001


async def create_pool(dsn: str, size: int = 10) -> asyncpg.Pool:
    return await asyncpg.create_pool(dsn, min_size=1, max_size=size)


# A migration that waits this long for a table's lock gives up and tries again, this many times in all: a waiting
# ALTER holds up every query of the table on the instances still serving (RUNBOOK.md: a long migration).
MIGRATION_LOCK_TIMEOUT_SECONDS = 5.0
MIGRATION_ATTEMPTS = 5


class MigrationFailed(RuntimeError):
    """A migration's SQL failed: nothing of this start's migrations was applied."""


async def migrate(pool: asyncpg.Pool, *directories: Path, lock_timeout_seconds: float = MIGRATION_LOCK_TIMEOUT_SECONDS,
                  attempts: int = MIGRATION_ATTEMPTS) -> list[str]:
    """Apply every `NNNN_name.sql` not applied yet, in order, each directory its own namespace.

    All of it runs in one transaction under an advisory lock: a second instance waits, then finds nothing left to
    do. A statement that waits over `lock_timeout_seconds` for a table's lock rolls it all back; it is tried again
    after as long a pause (the queries it held up go through meanwhile), `attempts` times in all, then the
    `LockNotAvailableError` naming the migration is raised. Any other error of a migration's SQL is logged and raised
    as `MigrationFailed`, naming it. Returns the names applied.
    """
    attempt = 1
    while True:
        running: list[str] = []
        try:
            applied_now = await _migrate_once(pool, directories, lock_timeout_seconds, running)
        except asyncpg.LockNotAvailableError as error:
            migration = running[-1] if running else "schema_migrations"
            if attempt >= attempts:
                raise asyncpg.LockNotAvailableError(f"{migration} waited {attempts} times for a lock: {error}") from error
            log.warning("migration %s waited over %.1f s for a lock, and gave up so as not to hold up the queries "
                        "behind it: trying again in %.1f s", migration, lock_timeout_seconds, lock_timeout_seconds,
                        extra={"migration": migration, "attempt": attempt, "attempts": attempts})
            await asyncio.sleep(lock_timeout_seconds)
            attempt += 1
        except asyncpg.PostgresError as error:
            if not running or isinstance(error, _LOST):
                raise
            log.error("migration %s failed, and none of this start's was applied: %s: %s", running[-1],
                      type(error).__name__, error, extra={"migration": running[-1]})
            raise MigrationFailed(f"migration {running[-1]} failed: {type(error).__name__}: {error}") from error
        else:
            if applied_now:
                log.info("migrations applied", extra={"migrations": applied_now})
            return applied_now


async def _migrate_once(pool: asyncpg.Pool, directories: tuple[Path, ...], lock_timeout_seconds: float,
                        running: list[str]) -> list[str]:
    """One try of `migrate`; `running` gets the name of each migration as it starts."""
    applied_now = []
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)  # unbounded: another instance migrates
        await conn.execute(f"SET LOCAL lock_timeout = '{int(lock_timeout_seconds * 1000)}ms'")
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                   namespace text NOT NULL, name text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now(),
                   PRIMARY KEY (namespace, name))"""
        )
        for directory in directories:
            namespace = directory.parent.name if directory.name == "migrations" else directory.name
            done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations WHERE namespace=$1", namespace)}
            for script in sorted(directory.glob("*.sql")):
                if script.name in done:
                    continue
                running.append(f"{namespace}/{script.name}")
                await conn.execute(script.read_text())
                await conn.execute("INSERT INTO schema_migrations (namespace, name) VALUES ($1, $2)", namespace, script.name)
                applied_now.append(f"{namespace}/{script.name}")
    return applied_now


# What says the database went away (restarting, failing over, a cut connection), not that a statement was wrong.
_LOST = (
    asyncpg.PostgresConnectionError,  # 08xxx, and "connection was closed in the middle of operation"
    asyncpg.CannotConnectNowError,  # 57P03: "the database system is shutting down" / "is starting up"
    asyncpg.AdminShutdownError,  # 57P01: "terminating connection due to administrator command"
    asyncpg.CrashShutdownError,  # 57P02
    # A protocol that read the server's goodbye (the FATAL error of a shutdown) while idle but not yet the close of
    # its socket: "cannot switch to state 15; another operation (2) is in progress" on its next statement.
    asyncpg.InternalClientError,
    OSError,  # refused while the server is down, reset by a network fault
)


def is_connection_lost(error: BaseException) -> bool:
    """Whether this error means the connection to PostgreSQL was lost (or none could be made), so that work which
    had not committed may be done again on another connection."""
    if isinstance(error, BaseExceptionGroup):
        return all(is_connection_lost(inner) for inner in error.exceptions)
    if isinstance(error, _LOST):
        return True
    # "cannot perform operation: connection is closed" (not "another operation is in progress", a misuse)
    return isinstance(error, asyncpg.InterfaceError) and "connection is closed" in str(error)


@dataclass(frozen=True)
class DatabaseWait:
    """How to wait for a database that went away (restarting, failing over): the first pause, doubling to the
    longest, for at most `giving_up_after` seconds in all (None: for as long as it takes)."""

    first_seconds: float
    longest_seconds: float
    giving_up_after: float | None


async def once_the_database_answers(work: Callable[[], Awaitable[Done]], wait: DatabaseWait,
                                    waiting: Callable[[Exception, float, int], None]) -> Done:
    """The work's result, doing it again after a pause each time it lost its connection to PostgreSQL (told to
    `waiting` with the error, the pause and how many pauses so far). Any other error, or a lost connection once the
    wait is over, is raised."""
    deadline = None if wait.giving_up_after is None else time.monotonic() + wait.giving_up_after
    pause, pauses = wait.first_seconds, 0
    while True:
        try:
            return await work()
        except Exception as error:
            if not is_connection_lost(error) or (deadline is not None and time.monotonic() + pause > deadline):
                raise
            pauses += 1
            waiting(error, pause, pauses)
        await asyncio.sleep(pause)  # a backoff while the database comes back, not synchronisation
        pause = min(pause * 2, wait.longest_seconds)


def is_rolled_back_by_the_server(error: BaseException) -> bool:
    """Whether PostgreSQL rolled the transaction back to break a deadlock or a serialization conflict: nothing of it
    took effect, and the same work done again may well succeed."""
    if isinstance(error, BaseExceptionGroup):
        return all(is_rolled_back_by_the_server(inner) for inner in error.exceptions)
    return isinstance(error, (asyncpg.DeadlockDetectedError, asyncpg.SerializationError))
