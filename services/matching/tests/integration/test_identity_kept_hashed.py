"""Identity values kept as keyed hashes, on the real database: profiles stored in plaintext before are hashed."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from uuid import uuid4

import asyncpg
from matching.bootstrap import MIGRATIONS, build_app
from plumbing.db import PLUMBING_MIGRATIONS, create_pool, migrate
from plumbing.testing import eventually, serving


async def test_profiles_stored_in_plaintext_before_are_hashed_and_their_people_paired(matching_settings, tmp_path):
    # The database as the code before left it: migrations up to 0004, identity values in plaintext.
    before = tmp_path / "matching" / "migrations"
    before.mkdir(parents=True)
    for script in sorted(MIGRATIONS.glob("*.sql"))[:4]:
        shutil.copy(script, before)
    assert (before / "0004_identity_shown_to_partners.sql").exists()
    pool = await create_pool(matching_settings.database_url, 2)
    program, mentor, mentee = uuid4(), uuid4(), uuid4()
    try:
        await migrate(pool, PLUMBING_MIGRATIONS, before)
        async with pool.acquire() as conn:
            await conn.execute(
                """INSERT INTO programs (id, pairing_mode, both_must_accept, minimum_score, term_months,
                                         cadence_max_days, format, mentee_stages, mentor_stages)
                   VALUES ($1, 'on_registration', false, 0, 12, 60, 'one_to_one', '{undergraduate}', '{resident}')""",
                program)
            for person, role, stage, wishes, shown in (
                    (mentor, "mentor", "resident", [], ["first_generation"]),
                    (mentee, "mentee", "undergraduate", [{"attribute": "first_generation", "required": True}], [])):
                await conn.execute(
                    """INSERT INTO matching_profiles (person_id, stage, specialties, support_areas, languages,
                                                      timezone, modalities, identity, identity_wishes, shown_to_partner)
                       VALUES ($1, $2, '{}', '{}', '{}', 'UTC', '{virtual}', $3, $4, $5)""",
                    person, stage, json.dumps({"first_generation": "yes"}), json.dumps(wishes), shown)
                await conn.execute(
                    """INSERT INTO enrollments (id, person_id, program_id, role, stage, capacity, mentee_stages_welcome,
                                                approved, enrolled_at, waiting_since)
                       VALUES ($1, $2, $3, $4, $5, 1, '{}', true, $6, $6)""",
                    uuid4(), person, program, role, stage, datetime.now(UTC))
    finally:
        await pool.close()

    async with serving(build_app(matching_settings)):  # migration 0005, and the job that hashes
        conn = await asyncpg.connect(matching_settings.database_url)
        try:
            async def paired():
                return await conn.fetchval(
                    "SELECT mentor_id FROM pairings WHERE mentee_id = $1 AND status = 'active'", mentee)

            assert await eventually(paired, timeout=60, what="the mentee paired once both are hashed") == mentor
            stored = await conn.fetch("SELECT identity FROM matching_profiles WHERE person_id = ANY($1)",
                                      [mentor, mentee])
            assert await conn.fetchval("SELECT count(*) FROM profiles_to_hash") == 0
        finally:
            await conn.close()
    values = [json.loads(r["identity"]) for r in stored]
    assert len(values) == 2 and values[0] == values[1] and "yes" not in json.dumps(values)
    assert len(values[0]["first_generation"]) == 64  # HMAC-SHA256, hex


async def test_a_profile_with_any_character_in_an_identity_value_is_kept_hashed_not_dead_lettered(
        matching, matching_settings, profiles):
    person = uuid4()
    await profiles.profile(person, "resident", identity_for_matching={"first_generation": "y\x00es\n"})
    conn = await asyncpg.connect(matching_settings.database_url)
    try:
        async def kept():
            return await conn.fetchval("SELECT identity FROM matching_profiles WHERE person_id = $1", person)

        stored = json.loads(await eventually(kept, timeout=60, what="the profile to be kept"))
    finally:
        await conn.close()
    assert list(stored) == ["first_generation"] and len(stored["first_generation"]) == 64
