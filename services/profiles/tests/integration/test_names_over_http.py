"""Chapters, and the programs of a chapter, are told apart by name, on the real database: the service refuses a name
taken whatever its case and spacing, and so does the database, whatever races; names given twice before the rule
are told apart by the migration that brought it."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import pytest
from plumbing.db import PLUMBING_MIGRATIONS, create_pool, migrate
from plumbing.errors import Conflict
from profiles.adapters.repository import PostgresChapters, PostgresPrograms
from profiles.bootstrap import MIGRATIONS
from profiles.domain.model import Chapter, Program

from .conftest import migrations_before

MIGRATION = "0013_unique_names.sql"


def taken(response, code: str, message: str) -> None:
    assert response.status_code == 409, response.text
    assert response.json() == {"error": {"code": code, "message": message, "field": "name"}}


def program(name: str, chapter_id: str | UUID | None = None) -> dict:
    return {"name": name, "chapter_id": chapter_id, "mentee_stages": ["undergraduate"], "mentor_stages": ["resident"]}


async def test_a_chapter_is_refused_a_name_another_has_whatever_its_case_and_spacing(profiles):
    name = f"Demo Chapter {uuid4().hex[:6]}"
    async with profiles.client() as admin:
        first = await admin.post("/v1/chapters", json={"name": name})
        assert first.status_code == 201, first.text
        pasted = name.replace(" ", "\u00a0") + "\u2003"  # no-break spaces, an em space
        for again in (name, f"  {name.upper().replace(' ', '   ')} ", pasted):
            taken(await admin.post("/v1/chapters", json={"name": again}), "chapter_name_taken",
                  f"a chapter named '{name}' exists already")
        other = (await admin.post("/v1/chapters", json={"name": f"{name} North"})).json()
        taken(await admin.patch(f"/v1/chapters/{other['id']}", json={"name": name.lower()}), "chapter_name_taken",
              f"a chapter named '{name}' exists already")
        own = await admin.patch(f"/v1/chapters/{first.json()['id']}", json={"name": name.upper()})
        assert own.status_code == 200 and own.json()["name"] == name.upper()
        assert (await admin.patch(f"/v1/chapters/{other['id']}", json={"name": f"{name} North"})).status_code == 200
        listed = [c["name"].lower() for c in (await admin.get("/v1/chapters")).json()]
    assert listed.count(name.lower()) == 1


async def test_a_program_is_refused_a_name_another_of_its_chapter_has_and_national_ones_among_themselves(profiles):
    suffix = uuid4().hex[:6]
    name = f"QA Shift Mentors {suffix}"
    async with profiles.client() as admin:
        one, two = [(await admin.post("/v1/chapters", json={"name": f"{n} {suffix}"})).json()["id"]
                    for n in ("One", "Two")]
        first = (await admin.post("/v1/programs", json=program(name, one))).json()
        taken(await admin.post("/v1/programs", json=program(f"qa shift  mentors {suffix} ", one)),
              "program_name_taken", f"this chapter has a program named '{name}' already")
        # Another chapter's, and a national program, may bear it: each is shown with its chapter.
        assert (await admin.post("/v1/programs", json=program(name, two))).status_code == 201
        national = await admin.post("/v1/programs", json=program(name))
        assert national.status_code == 201, national.text
        taken(await admin.post("/v1/programs", json=program(name.upper())), "program_name_taken",
              f"a national program named '{name}' exists already")

        sibling = (await admin.post("/v1/programs", json=program(f"Night Shift {suffix}", one))).json()
        taken(await admin.patch(f"/v1/programs/{sibling['id']}", json={"name": f" {name.lower()}"}),
              "program_name_taken", f"this chapter has a program named '{name}' already")
        own = await admin.patch(f"/v1/programs/{first['id']}", json={"name": name.lower(), "pair_cap": 5})
        assert own.status_code == 200 and own.json()["name"] == name.lower()
        listed = (await admin.get("/v1/programs", params={"chapter_id": one})).json()
    assert sorted(p["name"] for p in listed) == [f"Night Shift {suffix}", name.lower()]


async def test_of_requests_racing_for_a_new_name_one_is_served_and_the_others_refused(profiles):
    name = f"Racing {uuid4().hex[:6]}"
    async with profiles.client() as admin:
        chapters = await asyncio.gather(*(admin.post("/v1/chapters", json={"name": name}) for _ in range(6)))
        programs = await asyncio.gather(*(admin.post("/v1/programs", json=program(name)) for _ in range(6)))
    for answers, code in ((chapters, "chapter_name_taken"), (programs, "program_name_taken")):
        assert sorted(a.status_code for a in answers) == [201] + [409] * 5
        assert {a.json()["error"]["code"] for a in answers if a.status_code == 409} == {code}


async def test_the_database_refuses_a_taken_name_that_slipped_past_the_check_as_the_service_would(profiles):
    """What a request that checked before another committed meets on saving: the same refusal."""
    name = f"Slipped {uuid4().hex[:6]}"
    conn = await asyncpg.connect(profiles.database_url)
    try:
        chapters, programs = PostgresChapters(conn), PostgresPrograms(conn)
        chapter = Chapter.define(name, "UTC")
        await chapters.save(chapter)
        await programs.save(Program.define(**program(name, chapter.id)))
        for attempt, code in ((chapters.save(Chapter.define(f" {name.lower()}", "UTC")), "chapter_name_taken"),
                              (programs.save(Program.define(**program(name.upper(), chapter.id))),
                               "program_name_taken")):
            with pytest.raises(Conflict) as refused:
                await attempt
            assert (refused.value.code, refused.value.field) == (code, "name")
    finally:
        await conn.close()


async def test_names_given_twice_before_the_rule_are_told_apart_the_oldest_keeping_its_own(postgres_server,
                                                                                           tmp_path: Path):
    before = migrations_before(MIGRATION, tmp_path)
    pool = await create_pool(postgres_server.create_database(f"profiles_names_{uuid4().hex[:8]}"), 2)
    try:
        await migrate(pool, PLUMBING_MIGRATIONS, before)
        # Three Demo Chapters defined in turn, whose definitions the trail holds; three Atlantas, two defined before
        # definitions were audited (so older than any audited one, and then told apart by id).
        oldest, second, third = uuid4(), uuid4(), uuid4()
        atlanta, atlanta_later, atlanta_audited = UUID(int=3), UUID(int=5), UUID(int=1)
        chapters = {oldest: "Demo Chapter", second: "demo  chapter ", third: "DEMO CHAPTER", uuid4(): "Demo Chapter (2)",
                    atlanta_later: "Atlanta ", atlanta: "Atlanta", atlanta_audited: "atlanta", uuid4(): "Boston"}
        async with pool.acquire() as conn:
            for chapter_id, name in chapters.items():
                await conn.execute("INSERT INTO chapters (id, name, timezone) VALUES ($1, $2, 'UTC')", chapter_id, name)
            for chapter_id in (oldest, second, third, atlanta_audited):
                await conn.execute(
                    "INSERT INTO audit_trail (actor, actor_role, action, subject_kind, subject_id, chapter_id) "
                    "VALUES ('admin', 'admin', 'chapter.defined', 'chapter', $1, $2)", str(chapter_id), chapter_id)
            kept, renamed_program = uuid4(), uuid4()
            programs = {kept: (oldest, "QA Shift Mentors"), renamed_program: (oldest, "qa shift mentors"),
                        uuid4(): (second, "QA Shift Mentors"), UUID(int=10): (None, "Into Medicine"),
                        uuid4(): (None, "Into Medicine (2)"), UUID(int=11): (None, "into medicine")}
            for program_id, (chapter_id, name) in programs.items():
                await conn.execute(
                    "INSERT INTO programs (id, name, chapter_id, mentee_stages, mentor_stages, term_months, "
                    "cadence_min_days, cadence_max_days, format, pairing_mode, both_must_accept, "
                    "mentor_approval_required, minimum_score) VALUES ($1, $2, $3, '{undergraduate}', '{resident}', "
                    "12, 30, 60, 'one_to_one', 'on_registration', false, false, 0)", program_id, name, chapter_id)
            for program_id in (kept, renamed_program):
                await conn.execute(
                    "INSERT INTO audit_trail (actor, actor_role, action, subject_kind, subject_id, chapter_id) "
                    "VALUES ('admin', 'admin', 'program.defined', 'program', $1, $2)", str(program_id), oldest)

        assert MIGRATION[:-4] in "".join(await migrate(pool, PLUMBING_MIGRATIONS, MIGRATIONS))

        async with pool.acquire() as conn:
            named = {row["id"]: row["name"] for row in await conn.fetch("SELECT id, name FROM chapters")}
            program_names = {row["id"]: row["name"] for row in await conn.fetch("SELECT id, name FROM programs")}
            trail = await conn.fetch("SELECT actor, action, subject_id, chapter_id, detail FROM audit_trail "
                                     "WHERE action LIKE '%.changed' ORDER BY id")
        # The oldest keeps its name as it was; the others, by age, the next number no other holds.
        assert [named[c] for c in (oldest, second, third, atlanta, atlanta_later, atlanta_audited)] == [
            "Demo Chapter", "demo  chapter (3)", "DEMO CHAPTER (4)", "Atlanta", "Atlanta (2)", "atlanta (3)"]
        assert sorted(named.values()) == ["Atlanta", "Atlanta (2)", "Boston", "DEMO CHAPTER (4)", "Demo Chapter",
                                          "Demo Chapter (2)", "atlanta (3)", "demo  chapter (3)"]
        # Programs among those of their chapter: another chapter's, and national ones, are another set.
        assert program_names[kept] == "QA Shift Mentors" and program_names[renamed_program] == "qa shift mentors (2)"
        assert sorted(program_names.values()) == ["Into Medicine", "Into Medicine (2)", "QA Shift Mentors",
                                                  "QA Shift Mentors", "into medicine (3)", "qa shift mentors (2)"]
        # What was renamed is on the trail, as a change through the API would be, saying by what.
        assert sorted((r["action"], r["subject_id"], json.loads(r["detail"])["changed"]["name"], r["chapter_id"])
                      for r in trail) == sorted(
            [("chapter.changed", str(c), named[c], c) for c in (second, third, atlanta_later, atlanta_audited)]
            + [("program.changed", str(p), program_names[p], programs[p][0])
               for p in program_names if program_names[p] != programs[p][1]])
        assert {r["actor"] for r in trail} == {"migration 0013_unique_names"}

        # From now on the database refuses a name taken, whoever forgets to ask first.
        async with pool.acquire() as conn:
            with pytest.raises(asyncpg.UniqueViolationError):
                await conn.execute("INSERT INTO chapters (id, name, timezone) VALUES ($1, ' boston', 'UTC')", uuid4())
    finally:
        await pool.close()
