"""The audit trail on the real database: written with the action's transaction, and append-only."""

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
        assert refused.status_code == 403
        assert [entry["action"] for entry in read.json()["entries"]] == ["people.listed"]
    finally:
        await pool.close()
