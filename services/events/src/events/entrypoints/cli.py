"""Operators' commands. Each needs the database (`EVENTS_DATABASE_URL` or `DATABASE_URL`); the running service
publishes the events they leave in the outbox.

- `python -m events restate catalogue|registrations|office-hours` restates `events.catalogue` (every event but
  drafts, as held now), every registration (on `events.registrations`, a private event's on `events.attendees`) or
  every booked office hour (`events.office-hours`) for a consumer whose read model lacks history the topics no longer
  keep (`plumbing.restating`)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from mentorship_contracts.events import ATTENDEES, CATALOGUE, OFFICE_HOURS, REGISTRATIONS
from plumbing.db import PLUMBING_MIGRATIONS, create_pool, migrate
from plumbing.settings import command_database_url

from ..service_layer import handlers
from ..service_layer.unit_of_work import RestatingUnitOfWork

MIGRATIONS = Path(__file__).parent.parent / "migrations"
# What may be restated: how, and on which topics.
RESTATING = {"catalogue": (handlers.restate_catalogue, CATALOGUE),
             "registrations": (handlers.restate_registrations, f"{REGISTRATIONS} and {ATTENDEES}"),
             "office-hours": (handlers.restate_office_hours, OFFICE_HOURS)}


async def restate(database_url: str, what: str, progress: Callable[[int], None] = lambda _: None) -> int:
    restate_them, _ = RESTATING[what]
    pool = await create_pool(database_url, size=1)
    try:
        await migrate(pool, PLUMBING_MIGRATIONS, MIGRATIONS)
        return await restate_them(RestatingUnitOfWork(pool), progress=progress)
    finally:
        await pool.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m events", description="Operators' commands of events")
    commands = parser.add_subparsers(dest="command", required=True)
    restate_topic = commands.add_parser(
        "restate", help="publish every event's current state again, for a consumer that lacks history older than "
                        "the topic keeps")
    restate_topic.add_argument("what", choices=tuple(RESTATING),
                               help="events.catalogue: every event but drafts (published, cancelled, completed); "
                                    "registrations: every registration, on events.registrations (a private event's "
                                    "on events.attendees); office-hours: every booking held, on events.office-hours")
    database_url = command_database_url("events")
    restate_topic.add_argument("--database-url", default=database_url, required=database_url is None,
                               help="the events service's database (default: DATABASE_URL)")
    args = parser.parse_args(argv)
    _, topics = RESTATING[args.what]
    # A line on standard error per page, so that a national restatement shows it is moving.
    staged = asyncio.run(restate(args.database_url, args.what, lambda so_far: print(
        f"{topics}: {so_far} restated so far", file=sys.stderr, flush=True)))
    print(f"restated {staged} on {topics}; the running service publishes them")
    return 0
