"""Rounds published before migration 0012 named the rule that skipped a drafted pair; the migration gives the code a
refusal is given anywhere, so none tells a coordinator that a mentee required a shared identity."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from uuid import uuid4

from matching.bootstrap import MIGRATIONS
from matching.domain.errors import refusal_code
from plumbing.db import PLUMBING_MIGRATIONS, create_pool, migrate

MIGRATION = "0012_skipped_pairs_by_the_readers_code.sql"


async def test_a_round_published_before_names_each_skipped_pair_by_the_readers_code(matching_settings,
                                                                                      tmp_path: Path):
    before = tmp_path / "matching" / "migrations"
    before.mkdir(parents=True)
    for script in sorted(MIGRATIONS.glob("*.sql")):
        if script.name < MIGRATION:
            shutil.copy(script, before)
    rules = ["identity_requirement_unmet", "below_minimum_score", "mentor_at_capacity", "mentor_not_ahead",
             "declined_or_ended_before"]
    skipped = [{"mentee_id": str(uuid4()), "mentor_id": str(uuid4()), "reason_code": r}
               for r in [*rules, "mentee_no_longer_waiting"]]
    pool = await create_pool(matching_settings.database_url, 2)
    try:
        await migrate(pool, PLUMBING_MIGRATIONS, before)
        round_id = uuid4()
        async with pool.acquire() as conn:
            await conn.execute("""INSERT INTO rounds (id, program_id, method, most_pairs_first, status, skipped)
                                  VALUES ($1, $2, 'optimal', false, 'published', $3::jsonb)""",
                               round_id, uuid4(), json.dumps(skipped))
        assert MIGRATION[:-4] in "".join(await migrate(pool, PLUMBING_MIGRATIONS, MIGRATIONS))
        async with pool.acquire() as conn:
            now = json.loads(await conn.fetchval("SELECT skipped FROM rounds WHERE id = $1", round_id))
        assert [s["reason_code"] for s in now] == [*map(refusal_code, rules), "mentee_no_longer_waiting"]
        assert [s["mentee_id"] for s in now] == [s["mentee_id"] for s in skipped]
        assert "identity_requirement_unmet" not in json.dumps(now)
    finally:
        await pool.close()
