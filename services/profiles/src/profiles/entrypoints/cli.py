"""Operators' commands. Each needs the database (`PROFILES_DATABASE_URL` or `DATABASE_URL`); the running service
publishes the events they leave in the outbox.

- `python -m profiles grant-administrator <email>` names the first national administrator (the person must exist:
  they signed up, or the demo registered them).
- `python -m profiles restate people|enrollments|private-enrollments|contacts|matching-profiles` restates a topic for a
  consumer whose read model lacks history the topic no longer keeps (`service_layer.restating`): `enrollments` every
  enrollment, those of programs that keep who takes part from other teams on `profiles.private-enrollments`;
  `private-enrollments` those alone. The restricted ones (contacts,
  matching profiles) are opened and sealed again: they need the service's identity key too (`PROFILES_IDENTITY_KEY`)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

from mentorship_contracts.profiles import CONTACTS, MATCHING_PROFILES
from plumbing.auth import Principal, Role
from plumbing.db import PLUMBING_MIGRATIONS, create_pool, migrate
from plumbing.errors import NotFound
from plumbing.settings import command_database_url

from ..adapters.person_keys import KeyWrapper
from ..adapters.sealing import IdentitySealer
from ..service_layer import console, restating
from ..service_layer.unit_of_work import ProfilesRestatingUnitOfWork, RestatingUnitOfWork, StaffUnitOfWork

MIGRATIONS = Path(__file__).parent.parent / "migrations"
# The restricted topics, restated from profiles opened with the identity key.
OPENED = (CONTACTS, MATCHING_PROFILES)
# Whom the audit trail names for what an operator does on the command line.
OPERATOR = Principal(subject="operator:command-line", role=Role.SERVICE)


async def grant_administrator(database_url: str, email: str) -> UUID:
    pool = await create_pool(database_url, size=1)
    try:
        await migrate(pool, PLUMBING_MIGRATIONS, MIGRATIONS)
        return await console.grant_administrator_by_email(email, OPERATOR, StaffUnitOfWork(pool))
    finally:
        await pool.close()


async def restate(database_url: str, topic: str, progress: Callable[[int], None] = lambda _: None,
                  identity_key: str | None = None) -> int:
    """Restate `topic`; a restricted one needs the identity key that opens the profiles."""
    pool = await create_pool(database_url, size=1)
    try:
        await migrate(pool, PLUMBING_MIGRATIONS, MIGRATIONS)
        if topic in OPENED:
            assert identity_key, f"restating {topic} needs the identity key"
            uow: RestatingUnitOfWork | ProfilesRestatingUnitOfWork = ProfilesRestatingUnitOfWork(
                pool, sealer=IdentitySealer(identity_key), key_wrapper=KeyWrapper(identity_key))
        else:
            uow = RestatingUnitOfWork(pool)
        return await restating.restate(topic, uow, progress=progress)
    finally:
        await pool.close()


def _so_far(topic: str) -> Callable[[int], None]:
    """A line on standard error per page, so that a national restatement (hundreds of pages) shows it is moving."""
    return lambda staged: print(f"{topic}: {staged} restated so far", file=sys.stderr, flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m profiles", description="Operators' commands of profiles")
    commands = parser.add_subparsers(dest="command", required=True)
    grant = commands.add_parser("grant-administrator", help="make a registered person a national administrator")
    grant.add_argument("email")
    restate_topic = commands.add_parser(
        "restate", help="publish every person's, enrollment's, contact's or matching profile's current state again, "
                        "for a consumer that lacks history older than the topic keeps")
    restate_topic.add_argument("what", choices=("people", "enrollments", "private-enrollments", "contacts",
                                                "matching-profiles"),
                               help="profiles.people (chapter, stage, alumni, suspended), profiles.enrollments (every "
                                    "enrollment: those of programs that keep who takes part from other teams on "
                                    "profiles.private-enrollments), profiles.private-enrollments (those alone), "
                                    "profiles.contacts (for notifications) or profiles.matching-profiles (for "
                                    "matching); the last two need PROFILES_IDENTITY_KEY")
    database_url = command_database_url("profiles")
    for command in (grant, restate_topic):
        command.add_argument("--database-url", default=database_url, required=database_url is None,
                             help="profiles' database (default: DATABASE_URL)")
    args = parser.parse_args(argv)
    if args.command == "restate":
        topic = f"profiles.{args.what}"
        identity_key = os.environ.get("PROFILES_IDENTITY_KEY")
        if topic in OPENED and not identity_key:
            parser.exit(2, f"PROFILES_IDENTITY_KEY not set: {topic} is restated from profiles opened with the "
                           "service's identity key (run this where the service runs, with its environment)\n")
        staged = asyncio.run(restate(args.database_url, topic, _so_far(topic), identity_key))
        print(f"restated {staged} on {topic}; the running service publishes them")
        return 0
    try:
        person_id = asyncio.run(grant_administrator(args.database_url, args.email))
    except NotFound:
        parser.exit(1, f"no one is registered with {args.email}: they sign up (or are registered) first\n")
    print(f"{args.email} (person {person_id}) is a national administrator")
    return 0
