"""After a database is restored from a backup, an operator applies again every erasure made since
(`python -m profiles erase-again --since TIME`): read from `profiles.people` on the real broker, applied to the
restored database (a real `pg_dump` and `pg_restore` of profiles' own)."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
from datetime import UTC, datetime
from uuid import UUID, uuid4

import asyncpg
from devinfra.postgres import postgres_bindir
from plumbing.auth import Role
from plumbing.testing import operator_command

from .test_profiles_over_http import register


async def test_erasures_since_a_backup_are_applied_again_to_the_restored_database_and_announced_again(
        profiles, published, postgres_server, kafka_access, tmp_path):
    before = await register(profiles, "undergraduate")  # erased before the backup: not in it, not applied again
    after = await register(profiles, "undergraduate", display_name="Sam Restored")  # erased after the backup
    await erase(profiles, before)
    await published.wait_for("profiles.person_erased", person_id=before["id"])

    since = datetime.now(UTC)
    backup = tmp_path / "profiles.dump"
    await asyncio.to_thread(subprocess.run, [str(postgres_bindir() / "pg_dump"), "--format=custom", "--file",
                                             str(backup), profiles.database_url], check=True)
    await erase(profiles, after)
    await published.wait_for("profiles.person_erased", person_id=after["id"])

    restored = postgres_server.create_database(f"profiles_restored_{uuid4().hex[:8]}")
    await asyncio.to_thread(subprocess.run, [str(postgres_bindir() / "pg_restore"), "--dbname", restored,
                                             str(backup)], check=True)
    assert await held(restored, after) == {"people": 1, "person_keys": 1}, "the restore brought them back"

    ran = await operator_command(
        "profiles", "erase-again", "--since", since.isoformat(), database_url=restored,
        env=kafka_access.environment("profiles") | {"PROFILES_IDENTITY_KEY": profiles.identity_key})
    assert ran.returncode == 0, ran.err
    found = re.fullmatch(r"applied again (\d+) erasure\(s\) on profiles\.people since \S+: (\d+) of those people were "
                         r"back in profiles and are gone again; every service is told again to forget each \(the "
                         r"running service publishes it\)\n", ran.out)
    assert found and int(found[2]) == 1, ran.out
    assert await held(restored, after) == {"people": 0, "person_keys": 0}
    # Staged in the restored database's outbox, which its running service publishes: everyone forgets them again.
    announced = await query(restored, "SELECT payload FROM outbox WHERE event_type = 'profiles.person_erased'")
    told = {json.loads(row["payload"])["person_id"] for row in announced}
    assert after["id"] in told and before["id"] not in told
    [audited] = await query(restored, "SELECT detail FROM audit_trail WHERE action = 'people.erased_again'")
    assert json.loads(audited["detail"])["held_again"] == 1 and after["id"] not in audited["detail"]


async def test_erasing_again_says_what_it_needs_when_it_lacks_the_identity_key(profiles):
    ran = await operator_command("profiles", "erase-again", "--since", "2026-12-06T02:00",
                                 database_url=profiles.database_url, env={"PROFILES_IDENTITY_KEY": "x"})
    assert ran.returncode == 2 and "names no time zone" in ran.err
    ran = await operator_command("profiles", "erase-again", "--since", "2026-12-06T02:00Z",
                                 database_url=profiles.database_url, env={"PROFILES_IDENTITY_KEY": ""})
    assert ran.returncode == 2 and "PROFILES_IDENTITY_KEY not set" in ran.err


async def erase(profiles, person: dict) -> None:
    async with profiles.client(Role.PARTICIPANT, person_id=person["id"]) as as_person:
        assert (await as_person.delete(f"/v1/people/{person['id']}")).status_code == 204


async def held(database_url: str, person: dict) -> dict[str, int]:
    counts = {}
    for table in ("people", "person_keys"):
        column = "id" if table == "people" else "person_id"
        [row] = await query(database_url, f"SELECT count(*) AS n FROM {table} WHERE {column} = $1", UUID(person["id"]))
        counts[table] = row["n"]
    return counts


async def query(database_url: str, sql: str, *arguments):
    conn = await asyncpg.connect(database_url)
    try:
        return await conn.fetch(sql, *arguments)
    finally:
        await conn.close()
