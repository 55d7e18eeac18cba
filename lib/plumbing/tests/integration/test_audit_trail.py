"""The audit trail on the real database: written with the action's transaction, append-only, and read a page at a
time, oldest first or newest first."""

from types import SimpleNamespace
from uuid import uuid4

import asyncpg
import pytest
from plumbing import audit
from plumbing.auth import Principal, Role
from plumbing.db import PLUMBING_MIGRATIONS, create_pool, migrate
from plumbing.unit_of_work import UnitOfWork

COORDINATOR = Principal(subject="someone", role=Role.COORDINATOR, person_id=uuid4(), chapter_ids=frozenset({uuid4()}))


async def test_an_action_that_commits_is_audited_and_one_that_rolls_back_is_not(postgres_server, migrations):
    pool = await create_pool(postgres_server.create_database(f"audit_{uuid4().hex[:8]}"), 2)
    try:
        await migrate(pool, PLUMBING_MIGRATIONS, migrations)
        ended, abandoned = uuid4(), uuid4()
        async with UnitOfWork(pool) as unit:
            unit.audit(COORDINATOR, "pairing.ended", "pairing", ended, detail={"reason": "moved away"})
            await unit.commit()
        async with UnitOfWork(pool) as unit:
            unit.audit(COORDINATOR, "pairing.ended", "pairing", abandoned)
        async with pool.acquire() as conn:
            page = await audit.read(conn)
        assert [(e.actor, e.actor_role, e.action, e.subject_id, e.detail) for e in page.entries] == [
            (str(COORDINATOR.person_id), "coordinator", "pairing.ended", str(ended), {"reason": "moved away"})
        ]
    finally:
        await pool.close()


async def test_nobody_can_change_or_remove_an_audit_entry(postgres_server, migrations):
    pool = await create_pool(postgres_server.create_database(f"audit_{uuid4().hex[:8]}"), 2)
    try:
        await migrate(pool, PLUMBING_MIGRATIONS, migrations)
        async with UnitOfWork(pool) as unit:
            unit.audit(COORDINATOR, "people.listed", "chapter", None)
            await unit.commit()
        for statement in ("UPDATE audit_trail SET actor = 'someone else'", "DELETE FROM audit_trail",
                          "TRUNCATE audit_trail"):
            with pytest.raises(asyncpg.RaiseError, match="append-only"):
                await pool.execute(statement)
        assert await pool.fetchval("SELECT count(*) FROM audit_trail") == 1
    finally:
        await pool.close()


async def _trail_of(postgres_server, migrations, entries: list[tuple[str, object]]):
    """A pool on a new database whose trail holds these (action, chapter) entries, in this order (ids 1, 2, ...)."""
    pool = await create_pool(postgres_server.create_database(f"audit_{uuid4().hex[:8]}"), 2)
    await migrate(pool, PLUMBING_MIGRATIONS, migrations)
    async with UnitOfWork(pool) as unit:
        for action, chapter in entries:
            unit.audit(COORDINATOR, action, "chapter", None, chapter_id=chapter)
        await unit.commit()
    return pool


async def test_the_trail_reads_newest_first_a_page_at_a_time_and_oldest_first_as_before(postgres_server, migrations):
    ours, theirs = uuid4(), uuid4()
    pool = await _trail_of(postgres_server, migrations, [
        ("people.listed", ours), ("person.viewed", theirs), ("people.listed", theirs), ("person.viewed", ours),
        ("people.listed", ours), ("people.listed", ours)])
    try:
        async with pool.acquire() as conn:
            async def ids(**asked):
                page = await audit.read(conn, limit=2, **asked)
                return [e.id for e in page.entries], page.next_before, page.next_after
            assert await ids(newest_first=True) == ([6, 5], 5, None)
            assert await ids(newest_first=True, before=5) == ([4, 3], 3, None)
            assert await ids(newest_first=True, before=3) == ([2, 1], None, None)
            assert await ids(newest_first=True, chapter_id=ours, action="people.listed") == ([6, 5], 5, None)
            assert await ids(newest_first=True, chapter_id=ours, action="people.listed", before=5) == ([1], None, None)
            assert await ids(after=2) == ([3, 4], None, 4)
            assert await ids(chapter_id=theirs) == ([2, 3], None, None)
    finally:
        await pool.close()


async def test_a_chapters_trail_is_read_newest_first_through_its_index_whatever_plan_is_kept(
        postgres_server, migrations):
    # asyncpg keeps prepared statements, and Postgres then a generic plan: one that must still seek the chapter.
    pool = await _trail_of(postgres_server, migrations, [("people.listed", uuid4())])

    class Recording:
        def __init__(self, conn):
            self.conn, self.asked = conn, []

        async def fetch(self, query, *args):
            self.asked.append((query, args))
            return await self.conn.fetch(query, *args)

    try:
        async with pool.acquire() as conn:
            recording = Recording(conn)
            await audit.read(recording, newest_first=True, before=100, chapter_id=uuid4())
            [(query, args)] = recording.asked
            await conn.execute("SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off")
            await conn.execute(f"PREPARE audit_page AS {query}")
            values = ", ".join(f"'{arg}'" for arg in args)
            plan = "\n".join(row[0] for row in await conn.fetch(f"EXPLAIN EXECUTE audit_page({values})"))
        assert "Index Cond: ((chapter_id = $" in plan and "Sort" not in plan, plan
    finally:
        await pool.close()


async def test_only_a_national_administrator_reads_the_trail_over_http(postgres_server, migrations):
    import httpx
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse
    from plumbing.auth import SigningKeys, mint
    from plumbing.http import ApiError
    from plumbing.testing import serving

    keys = SigningKeys.generate()
    pool = await create_pool(postgres_server.create_database(f"audit_{uuid4().hex[:8]}"), 2)
    try:
        await migrate(pool, PLUMBING_MIGRATIONS, migrations)
        async with UnitOfWork(pool) as unit:
            unit.audit(COORDINATOR, "people.listed", "chapter", None, chapter_id=next(iter(COORDINATOR.chapter_ids)))
            await unit.commit()
        app = FastAPI()
        app.add_exception_handler(ApiError, lambda _, error: JSONResponse({"code": error.code}, error.status))
        app.include_router(audit.router())
        app.state.new_unit_of_work = lambda: UnitOfWork(pool)
        app.state.service = SimpleNamespace(settings=SimpleNamespace(jwt_public_key=keys.public_pem,
                                                                     service_name="plumbing-test"))
        async with serving(app) as url, httpx.AsyncClient(base_url=url) as http:
            def token(role):
                return mint(keys.private_pem, audience="plumbing-test", role=role, subject="x",
                            chapter_ids=list(COORDINATOR.chapter_ids))
            refused = await http.get("/v1/audit", headers={"Authorization": f"Bearer {token(Role.COORDINATOR)}"})
            read = await http.get("/v1/audit", headers={"Authorization": f"Bearer {token(Role.ADMIN)}"})
            newest = await http.get("/v1/audit", params={"newest_first": "true", "before": 2, "limit": 1},
                                    headers={"Authorization": f"Bearer {token(Role.ADMIN)}"})
        assert refused.status_code == 403
        assert [entry["action"] for entry in read.json()["entries"]] == ["people.listed"]
        assert [entry["id"] for entry in newest.json()["entries"]] == [1] and newest.json()["next_before"] is None
    finally:
        await pool.close()
