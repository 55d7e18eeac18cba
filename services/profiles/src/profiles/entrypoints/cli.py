"""Operators' commands. Each needs the database (`PROFILES_DATABASE_URL` or `DATABASE_URL`); the running service
publishes the events they leave in the outbox.

- `python -m profiles grant-administrator <email>` names the first national administrator (the person must exist:
  they signed up, or the demo registered them).
- `python -m profiles restate people|enrollments|private-enrollments|contacts|matching-profiles` restates a topic for a
  consumer whose read model lacks history the topic no longer keeps (`service_layer.restating`): `enrollments` every
  enrollment, those of programs that keep who takes part from other teams on `profiles.private-enrollments`;
  `private-enrollments` those alone. The restricted ones (contacts,
  matching profiles) are opened and sealed again: they need the service's identity key too (`PROFILES_IDENTITY_KEY`).
- `python -m profiles erase-again --since <the backup's time>`, after a database was restored from a backup: every
  erasure `profiles.people` holds since then is applied again (`handlers.erase_again`). It reads that topic (the
  `KAFKA_*` settings) and needs the identity key, as the service does."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from uuid import UUID

from aiokafka.errors import KafkaConnectionError
from mentorship_contracts import decode
from mentorship_contracts.profiles import CONTACTS, MATCHING_PROFILES, PEOPLE, PersonErased
from plumbing.auth import Principal, Role
from plumbing.db import PLUMBING_MIGRATIONS, create_pool, migrate
from plumbing.errors import NotFound
from plumbing.kafka import read_topic
from plumbing.settings import KafkaSettings, command_database_url, configuration_checked

from ..adapters.person_keys import KeyWrapper
from ..adapters.sealing import IdentitySealer
from ..service_layer import console, handlers, restating
from ..service_layer.unit_of_work import (
    ProfilesRestatingUnitOfWork,
    ProfilesUnitOfWork,
    RestatingUnitOfWork,
    StaffUnitOfWork,
)

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


async def erase_again(database_url: str, client_options: dict, since: datetime, identity_key: str
                      ) -> tuple[int, int, bool]:
    """Every erasure on `profiles.people` since `since` applied again: how many there were, how many of those people
    profiles held again, and whether the topic no longer keeps all of them (older ones deleted after 30 days)."""
    read = await read_topic(client_options, PEOPLE, since)
    erased = []
    for record in read.records:
        try:
            event = decode(record.value)
        except ValueError:  # not an event this build reads: its consumers set it aside too
            continue
        if isinstance(event, PersonErased):
            erased.append(event.person_id)
    pool = await create_pool(database_url, size=1)
    try:
        await migrate(pool, PLUMBING_MIGRATIONS, MIGRATIONS)
        uow = ProfilesUnitOfWork(pool, sealer=IdentitySealer(identity_key), key_wrapper=KeyWrapper(identity_key))
        held = await handlers.erase_again(erased, OPERATOR, uow)
    finally:
        await pool.close()
    return len(set(erased)), held, read.gap


def _since(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{value!r} names no time zone: give it, as in 2026-12-06T02:00Z")
    return moment


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
    again = commands.add_parser(
        "erase-again", help="after a database was restored from a backup: apply again every erasure since the backup "
                            "(profiles forgets again those the restore brought back, and every service is told again)")
    again.add_argument("--since", required=True, type=_since,
                       help="when the backup was taken, with its time zone (2026-12-06T02:00Z); earlier is safe: "
                            "an erasure applied twice forgets nothing more")
    database_url = command_database_url("profiles")
    for command in (grant, restate_topic, again):
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
    if args.command == "erase-again":
        return _erase_again(parser, args.database_url, args.since)
    try:
        person_id = asyncio.run(grant_administrator(args.database_url, args.email))
    except NotFound:
        parser.exit(1, f"no one is registered with {args.email}: they sign up (or are registered) first\n")
    print(f"{args.email} (person {person_id}) is a national administrator")
    return 0


def _erase_again(parser: argparse.ArgumentParser, database_url: str, since: datetime) -> int:
    identity_key = os.environ.get("PROFILES_IDENTITY_KEY")
    if not identity_key:
        parser.exit(2, "PROFILES_IDENTITY_KEY not set: run this where the service runs, with its environment\n")
    with configuration_checked("python -m profiles erase-again"):
        settings = KafkaSettings()
    try:
        erasures, held, gap = asyncio.run(erase_again(database_url, settings.kafka_client_options(), since,
                                                      identity_key))
    except KafkaConnectionError:
        parser.exit(1, f"no broker answers at {settings.kafka_bootstrap_servers} (KAFKA_BOOTSTRAP_SERVERS): the "
                       f"erasures are read from {PEOPLE}\n")
    print(f"applied again {erasures} erasure(s) on {PEOPLE} since {since.isoformat()}: {held} of those people were "
          "back in profiles and are gone again; every service is told again to forget each (the running service "
          "publishes it)")
    if gap:
        print(f"{PEOPLE} no longer keeps every message since {since.isoformat()} (it keeps 30 days): erasures older "
              "than what it keeps are not applied again. Ask the organisation's data protection lead for them, and "
              "erase each from the console", file=sys.stderr)
        return 1
    return 0
