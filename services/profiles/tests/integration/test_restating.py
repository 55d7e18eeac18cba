"""An operator restates profiles' topics (`python -m profiles restate
people|enrollments|private-enrollments|contacts|matching-profiles`): every person, enrollment, contact and matching
profile as profiles holds them now, published by the running service, for a consumer whose read model lacks history
the topics no longer keep."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg
import pytest
from plumbing.auth import Role
from plumbing.testing import eventually, operator_command
from profiles.entrypoints import cli

from .test_console_over_http import chapter, register  # noqa: F401 - `chapter` is a fixture


async def test_restating_publishes_each_enrollment_and_person_as_held_now_withdrawn_and_suspended_ones_too(
        profiles, published, chapter):  # noqa: F811
    async with profiles.client() as admin:
        mentor = await register(admin, chapter["id"], "Dr. Ana Reyes")
        mentee = await register(admin, chapter["id"], "Ben Ortiz", stage="medical_student_3")
        mentoring = (await admin.post("/v1/enrollments", json={
            "person_id": mentor["id"], "program_id": chapter["program"], "role": "mentor", "capacity": 2})).json()
        assert (await admin.post(f"/v1/enrollments/{mentoring['id']}/approve")).status_code == 200
        seeking = (await admin.post("/v1/enrollments", json={
            "person_id": mentee["id"], "program_id": chapter["program"], "role": "mentee"})).json()
        assert (await admin.post(f"/v1/enrollments/{seeking['id']}/withdraw")).status_code == 200
        assert (await admin.post(f"/v1/people/{mentee['id']}/suspend", json={"note": "n"})).status_code == 200

    assert await cli.restate(profiles.database_url, "profiles.enrollments") >= 2
    # As an operator runs it: a line per page on standard error, the count at the end.
    ran = await operator_command("profiles", "restate", "people", database_url=profiles.database_url)
    assert ran.returncode == 0, ran.err
    assert re.fullmatch(r"restated \d+ on profiles\.people; the running service publishes them\n", ran.out)
    assert "profiles.people: " in ran.err and "restated so far" in ran.err

    restated = await published.wait_for("profiles.enrollment_restated", enrollment_id=mentoring["id"])
    assert {k: restated[k] for k in ("person_id", "role", "stage", "capacity", "approval", "pairing_kind", "paused",
                                     "active")} == {
        "person_id": mentor["id"], "role": "mentor", "stage": "resident", "capacity": 2, "approval": "approved",
        "pairing_kind": "general", "paused": False, "active": True}
    # When the mentor enrolled, as its creation said, not when it was restated.
    created = await published.wait_for("profiles.enrollment_created", enrollment_id=mentoring["id"])
    [made] = await profiles.query("SELECT enrolled_at FROM enrollments WHERE id = $1", UUID(mentoring["id"]))
    assert (restated["schema_version"], datetime.fromisoformat(restated["enrolled_at"])) == (2, made["enrolled_at"])
    assert abs(made["enrolled_at"] - datetime.fromisoformat(created["occurred_at"])) < timedelta(seconds=1)
    await published.wait_for("profiles.enrollment_restated", enrollment_id=seeking["id"], active=False)
    await published.wait_for("profiles.person_restated", person_id=mentor["id"], chapter_id=chapter["id"],
                             stage="resident", suspended=False)
    await published.wait_for("profiles.person_restated", person_id=mentee["id"], suspended=True)


async def test_enrollments_of_a_program_that_keeps_who_takes_part_private_are_restated_on_the_restricted_topic(
        profiles, published, chapter):  # noqa: F811
    async with profiles.client() as admin:
        private = (await admin.post("/v1/programs", json={
            "name": "Rainbow Residents", "chapter_id": chapter["id"], "mentee_stages": ["medical_student_3"],
            "mentor_stages": ["resident"]})).json()["id"]
        mentor = await register(admin, chapter["id"], "Dr. Kit Kept")
        kept, shown = [(await admin.post("/v1/enrollments", json={
            "person_id": mentor["id"], "program_id": program, "role": "mentor"})).json()
            for program in (private, chapter["program"])]

    assert await cli.restate(profiles.database_url, "profiles.enrollments") >= 2
    twin = await published.wait_for("profiles.private_enrollment_restated", enrollment_id=kept["id"])
    said = await published.wait_for("profiles.enrollment_restated", enrollment_id=shown["id"])
    assert (twin["program_id"], twin["role"], twin["active"]) == (private, "mentor", True)
    assert [e["event_type"] for e in published.on("profiles.enrollments", kept["id"])] == []
    assert said["program_id"] == chapter["program"]

    # Asked for the restricted topic alone, as an operator runs it: that program's, and no public one's.
    ran = await operator_command("profiles", "restate", "private-enrollments", database_url=profiles.database_url)
    assert ran.returncode == 0, ran.err
    assert re.fullmatch(r"restated \d+ on profiles\.private-enrollments; the running service publishes them\n",
                        ran.out)

    async def restated_again() -> bool:
        await published.wait_for("profiles.private_enrollment_restated", enrollment_id=kept["id"])
        return len([e for e in published.on("profiles.private-enrollments", kept["id"])
                    if e["event_type"] == "profiles.private_enrollment_restated"]) == 2

    await eventually(restated_again, timeout=30, what="the second restatement of the private enrollment")
    assert len([e for e in published.on("profiles.enrollments", shown["id"])
                if e["event_type"] == "profiles.enrollment_restated"]) == 1


async def test_a_change_in_flight_is_waited_for_so_the_restatement_is_never_older_than_the_event_before_it(
        profiles, published, chapter):  # noqa: F811
    async with profiles.client() as admin:
        mentor = await register(admin, chapter["id"], "Dr. Cy Ng")
        mentoring = (await admin.post("/v1/enrollments", json={
            "person_id": mentor["id"], "program_id": chapter["program"], "role": "mentor", "capacity": 1})).json()
    changing = await asyncpg.connect(profiles.database_url)
    try:
        in_flight = changing.transaction()
        await in_flight.start()  # a change to the enrollment, not committed yet
        await changing.execute("UPDATE enrollments SET capacity = 3 WHERE id = $1", mentoring["id"])
        restating = asyncio.create_task(cli.restate(profiles.database_url, "profiles.enrollments"))
        waiting = ("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                   "AND datname = current_database() AND query LIKE '%FROM enrollments%FOR SHARE'")
        # Asked on a connection of its own: a transaction sees the activity it first looked at, throughout.
        await eventually(lambda: profiles.query(waiting), timeout=30, what="the restatement waiting for the change")
        assert not restating.done()
        await in_flight.commit()
        await restating
    finally:
        await changing.close()
    restated = await published.wait_for("profiles.enrollment_restated", enrollment_id=mentoring["id"])
    assert restated["capacity"] == 3


async def test_restating_the_restricted_topics_publishes_each_profile_sealed_with_only_what_each_reader_may_see(
        profiles, published, chapter):  # noqa: F811
    async with profiles.client() as admin:
        ana = await register(admin, chapter["id"], "Dr. Ana Reyes")
    async with profiles.client(Role.PARTICIPANT, person_id=ana["id"]) as as_ana:
        declared = await as_ana.put(f"/v1/people/{ana['id']}/identity", json={"attributes": {
            "sexual_orientation": {"value": "queer", "use_in_matching": True},
            "first_generation": {"value": "first in my family", "show_to_partner": True}}})
        assert declared.status_code == 200, declared.text

    assert await cli.restate(profiles.database_url, "profiles.matching-profiles",
                             identity_key=profiles.identity_key) >= 1

    restated = await published.wait_for("profiles.matching_profile_restated", person_id=ana["id"])
    assert restated["sealed_as"] == 2, "sealed under Ana's data key, as her profile's changes are"
    assert restated["identity_for_matching"] == {"sexual_orientation": "queer"}
    assert restated["shown_to_partner"] == ["first_generation"]
    assert restated["stage"] == "resident"

    assert await cli.restate(profiles.database_url, "profiles.contacts", identity_key=profiles.identity_key) >= 1
    contact = await published.wait_for("profiles.contact_details_restated", person_id=ana["id"])
    assert contact["sealed_as"] == 2, "sealed under Ana's data key, as her contact details' changes are"
    assert (contact["display_name"], contact["email"]) == ("Dr. Ana Reyes", ana["email"])
    assert contact["identity_for_partner"] == {"first_generation": "first in my family"}


def test_the_command_line_names_the_topics_it_restates(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["restate", "chapters"])
    assert exit_.value.code == 2 and "invalid choice: 'chapters'" in capsys.readouterr().err
