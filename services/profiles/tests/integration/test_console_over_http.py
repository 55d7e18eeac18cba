"""The console's API over HTTP on the real database and broker: searching people, staff roles and the first
administrator's command, invitations from a file, suspension, vetting (and what the migration that kept whether a
suspended mentor had been approved learnt from the trail), names and the people report."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
import pytest
from mentorship_contracts import matching
from mentorship_contracts import profiles as contract
from plumbing.auth import Role
from plumbing.db import PLUMBING_MIGRATIONS, create_pool, migrate
from plumbing.testing import eventually, operator_command
from profiles.adapters.person_keys import KeyWrapper
from profiles.adapters.sealing import IdentitySealer
from profiles.bootstrap import MIGRATIONS
from profiles.service_layer import handlers
from profiles.service_layer.unit_of_work import ProfilesUnitOfWork

from .conftest import Profiles, migrations_before


@pytest.fixture
async def chapter(profiles: Profiles):
    """A chapter of its own, with a program that vets mentors and lets other teams see who takes part (its events on
    the public topics), for each test."""
    async with profiles.client() as admin:
        chapter = (await admin.post("/v1/chapters", json={"name": f"C{uuid4().hex[:6]}"})).json()["id"]
        program = (await admin.post("/v1/programs", json={
            "name": "Into Residency", "chapter_id": chapter, "mentee_stages": ["medical_student_3"],
            "mentor_stages": ["resident", "fellow"], "mentor_approval_required": True,
            "members_public": True})).json()["id"]
    return {"id": chapter, "program": program}


async def register(admin, chapter: str, name: str, stage: str = "resident", email: str | None = None) -> dict:
    response = await admin.post("/v1/people", json={
        "display_name": name, "email": email or f"{uuid4().hex}@example.org", "stage": stage, "chapter_id": chapter})
    assert response.status_code == 201, response.text
    return response.json()


async def audited(profiles: Profiles, action: str, **matching) -> list[dict]:
    """The trail's entries of `action` with these fields, read as an administrator, page by page."""
    entries, after = [], 0
    async with profiles.client() as admin:
        while after is not None:
            page = (await admin.get("/v1/audit", params={"action": action, "limit": 500, "after": after})).json()
            entries += page["entries"]
            after = page["next_after"]
    return [e for e in entries if all(e.get(k) == v for k, v in matching.items())]


async def test_a_coordinator_searches_their_chapter_by_role_program_approval_suspension_and_text(profiles, chapter):
    async with profiles.client() as admin:
        mentor = await register(admin, chapter["id"], "Dr. Zed Quintero", email=f"zq.{uuid4().hex}@Example.org")
        mentee = await register(admin, chapter["id"], "Ada Mentee", stage="medical_student_3")
        other = await register(admin, chapter["id"], "Bo Nobody")
        for person, role in ((mentor, "mentor"), (mentee, "mentee")):
            assert (await admin.post("/v1/enrollments", json={
                "person_id": person["id"], "program_id": chapter["program"], "role": role})).status_code == 201
        await admin.post(f"/v1/people/{other['id']}/suspend", json={"note": "asked to leave"})
    coordinator_id = uuid4()
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"], person_id=coordinator_id) as coordinator:
        async def ids(**filters) -> list[str]:
            found = await coordinator.get("/v1/people", params={"chapter_id": chapter["id"], **filters})
            assert found.status_code == 200, found.text
            return [p["id"] for p in found.json()["items"]]

        assert await ids() == [mentee["id"], other["id"], mentor["id"]]  # by name
        assert await ids(role="mentor") == [mentor["id"]]
        assert await ids(program_id=chapter["program"], role="mentee") == [mentee["id"]]
        assert await ids(approval="pending") == [mentor["id"]]
        assert await ids(suspended="true") == [other["id"]]
        assert await ids(suspended="false") == [mentee["id"], mentor["id"]]
        assert await ids(q="QUINTERO") == [mentor["id"]]
        assert await ids(q="zq.") == [mentor["id"]]  # an email, whatever its case
        assert await ids(q="%") == []  # literally, not a wildcard
        assert await ids(q=" Quintero,  zed ") == [mentor["id"]]  # each word, in any order, spaces aside
        listed = (await coordinator.get("/v1/people", params={"role": "mentor"})).json()["items"][0]
    assert listed["enrollments"] == [{"id": listed["enrollments"][0]["id"], "program_id": chapter["program"],
                                      "role": "mentor", "approval": "pending", "was_approved": None,
                                      "withdrawn": False, "review_reason": None, "review_since": None}]
    assert listed["suspended"] is False and "identity" not in listed
    trail = await audited(profiles, "people.listed", actor=str(coordinator_id))
    assert len(trail) == 11 and trail[0]["chapter_id"] == chapter["id"]
    assert {"role": "mentor", "chapter_ids": [chapter["id"]]}.items() <= trail[1]["detail"]["filters"].items()


async def test_a_coordinator_reads_the_names_of_their_chapters_people_only(profiles, chapter):
    async with profiles.client() as admin:
        ours = await register(admin, chapter["id"], "Ours")
        elsewhere = (await admin.post("/v1/chapters", json={"name": f"Elsewhere {uuid4().hex[:6]}"})).json()["id"]
        theirs = await register(admin, elsewhere, "Theirs")
        both = f"{ours['id']},{theirs['id']},{uuid4()}"
        assert (await admin.get("/v1/people/names", params={"ids": both})).json() == [
            {"id": ours["id"], "display_name": "Ours"}, {"id": theirs["id"], "display_name": "Theirs"}]
        assert (await admin.get("/v1/people/names", params={"ids": "not-an-id"})).status_code == 422
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"]) as coordinator:
        assert (await coordinator.get("/v1/people/names", params={"ids": both})).json() == [
            {"id": ours["id"], "display_name": "Ours"}]
        assert (await coordinator.get(f"/v1/people/{theirs['id']}/invitations")).status_code == 404


async def test_a_coordinator_reads_the_addresses_of_their_chapters_people_in_one_call_audited_once(profiles, chapter):
    # An event's attendance export names each registrant's address: one person page each had audited as many looks.
    async with profiles.client() as admin:
        ours = await register(admin, chapter["id"], "Ours")
        elsewhere = (await admin.post("/v1/chapters", json={"name": f"Elsewhere {uuid4().hex[:6]}"})).json()["id"]
        theirs = await register(admin, elsewhere, "Theirs")
        both = f"{ours['id']},{theirs['id']},{uuid4()}"
        assert (await admin.get("/v1/people/contacts", params={"ids": both})).json() == [
            {"id": p["id"], "display_name": p["display_name"], "email": p["email"]} for p in (ours, theirs)]
        assert (await admin.get("/v1/people/contacts", params={"ids": "not-an-id"})).status_code == 422
    coordinator_id = str(uuid4())
    event = str(uuid4())
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"], person_id=coordinator_id) as coordinator:
        assert (await coordinator.get("/v1/people/contacts", params={
            "ids": both, "for_event": event, "chapter_id": chapter["id"]})).json() == [
            {"id": ours["id"], "display_name": "Ours", "email": ours["email"]}]
        elsewhere_named = await coordinator.get("/v1/people/contacts", params={"ids": both, "chapter_id": elsewhere})
        assert elsewhere_named.status_code == 403, "the trail's chapter is one of the coordinator's"
    # The trail says what the addresses were read for, and files it under the event's chapter.
    [entry] = await audited(profiles, "people.contacts_read", actor=coordinator_id)
    assert entry["detail"] == {"count": 1, "scheduled_event_id": event} and entry["chapter_id"] == chapter["id"]
    assert not await audited(profiles, "person.viewed", actor=coordinator_id)
    async with profiles.client(Role.PARTICIPANT, person_id=ours["id"]) as participant:
        assert (await participant.get("/v1/people/contacts", params={"ids": ours["id"]})).status_code == 403


async def test_granted_roles_show_in_the_sign_in_lookup_and_are_announced(profiles, chapter, published):
    email = f"staff.{uuid4().hex}@example.org"
    async with profiles.client() as admin:
        staff = await register(admin, chapter["id"], "Staff", email=email)
        assert (await admin.put(f"/v1/people/{staff['id']}/roles/coordinator/{chapter['id']}")).status_code == 204
        assert (await admin.put(f"/v1/people/{staff['id']}/roles/coordinator/{uuid4()}")).status_code == 404
    async with profiles.client(Role.SERVICE, subject="web") as web:
        found = (await web.post("/v1/people/lookup", json={"email": email.upper()})).json()
        assert found["roles"] == {"administrator": False, "coordinator_of": [chapter["id"]], "suspended": False}
        assert found["suspended"] is False
        assert (await web.get(f"/v1/people/{staff['id']}/roles")).json() == found["roles"]
    await published.wait_for("profiles.staff_roles_changed", person_id=staff["id"])
    async with profiles.client() as admin:
        assert (await admin.delete(f"/v1/people/{staff['id']}/roles/coordinator/{chapter['id']}")).status_code == 204
        assert (await admin.get(f"/v1/people/{staff['id']}/roles")).json() == {
            "administrator": False, "coordinator_of": [], "suspended": False}
    assert [e["detail"] for e in await audited(profiles, "role.revoked", subject_id=staff["id"])] == [
        {"role": "coordinator", "chapter_id": chapter["id"]}]


async def test_an_administrator_lists_each_chapters_coordinators_until_one_is_revoked(profiles, chapter):
    async with profiles.client() as admin:
        staff = await register(admin, chapter["id"], "Staff", email=f"staff.{uuid4().hex}@example.org")
        assert (await admin.put(f"/v1/people/{staff['id']}/roles/coordinator/{chapter['id']}")).status_code == 204
        listed = (await admin.get("/v1/coordinators")).json()
        assert {"chapter_id": chapter["id"], "person_id": staff["id"], "suspended": False} in listed
        assert (await admin.delete(f"/v1/people/{staff['id']}/roles/coordinator/{chapter['id']}")).status_code == 204
        assert staff["id"] not in [c["person_id"] for c in (await admin.get("/v1/coordinators")).json()]
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"]) as coordinator:
        assert (await coordinator.get("/v1/coordinators")).status_code == 403


async def test_the_first_administrator_is_granted_by_command_and_the_last_one_cannot_be_revoked(profiles, chapter):
    email = f"first.admin.{uuid4().hex}@example.org"
    async with profiles.client() as admin:
        first = await register(admin, chapter["id"], "First Admin", email=email)
    # The platform's own administrators are none but the one the command names (other tests granted some).
    await profiles.query("DELETE FROM administrators")
    granted = await operator_command("profiles", "grant-administrator", email.upper(),
                                     database_url=profiles.database_url)
    assert granted.returncode == 0, granted.err
    assert first["id"] in granted.out
    async with profiles.client() as admin:
        assert (await admin.get(f"/v1/people/{first['id']}/roles")).json()["administrator"] is True
        refused = await admin.delete(f"/v1/people/{first['id']}/roles/administrator")
        assert (refused.status_code, refused.json()["error"]["code"]) == (409, "last_administrator")
        second = await register(admin, chapter["id"], "Second Admin")
        assert (await admin.put(f"/v1/people/{second['id']}/roles/administrator")).status_code == 204
        assert (await admin.delete(f"/v1/people/{first['id']}/roles/administrator")).status_code == 204
    [entry] = await audited(profiles, "role.granted", subject_id=first["id"])
    assert entry["actor"] == "operator:command-line"


ACTIVE_ADMINISTRATORS = ("SELECT a.person_id FROM administrators a "
                         "WHERE NOT EXISTS (SELECT 1 FROM suspensions s WHERE s.person_id = a.person_id)")


async def only_administrators(profiles: Profiles, admin, chapter: dict, how_many: int = 2) -> list[dict]:
    """People registered and made the platform's only national administrators (other tests granted some)."""
    people = [await register(admin, chapter["id"], f"Admin {n}") for n in range(how_many)]
    await profiles.query("DELETE FROM administrators")
    for person in people:
        assert (await admin.put(f"/v1/people/{person['id']}/roles/administrator")).status_code == 204
    return people


async def overlapping(profiles: Profiles, *requests) -> list:
    """The requests' answers, each having read who is able to act before any changed anything: suspensions are held
    (a SHARE lock on their table, which a suspension's or an erasure's write waits for) until every request waits on
    a lock, that or the administrators' lock the guard takes."""
    conn = await asyncpg.connect(profiles.database_url)
    try:
        holding = conn.transaction()
        await holding.start()
        await conn.execute("LOCK TABLE suspensions IN SHARE MODE")
        answers = [asyncio.ensure_future(request) for request in requests]

        async def all_waiting() -> bool:
            await conn.execute("SELECT pg_stat_clear_snapshot()")  # read afresh, within this transaction
            waiting = await conn.fetchval("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                          "AND wait_event_type = 'Lock'")
            return waiting >= len(answers)

        await eventually(all_waiting, what="every request waiting on a lock")
        await holding.rollback()
        return await asyncio.gather(*answers)
    finally:
        await conn.close()


async def test_the_last_two_administrators_suspended_or_erased_at_once_leave_one_able_to_act(profiles, chapter):
    """The tester's lock-out, raced: two suspensions (or a suspension and an erasure) at once of the only two
    administrators, each read while both were able to act. The second waits for the first and is refused."""
    for second_request in ("suspend", "erase"):
        async with profiles.client() as admin:
            first, second = await only_administrators(profiles, admin, chapter)
            both = await overlapping(profiles, admin.post(f"/v1/people/{first['id']}/suspend", json={}),
                                     admin.post(f"/v1/people/{second['id']}/suspend", json={})
                                     if second_request == "suspend" else admin.delete(f"/v1/people/{second['id']}"))
        assert sorted(answer.status_code for answer in both) in ([200, 409], [204, 409]), [a.text for a in both]
        [refused] = [answer.json()["error"] for answer in both if answer.status_code == 409]
        assert (refused["code"], refused["field"]) == ("last_administrator", "person_id")
        assert len(await profiles.query(ACTIVE_ADMINISTRATORS)) == 1


async def test_two_administrators_suspending_each_other_at_once_are_answered_and_one_is_left(profiles, chapter):
    """As the console sends it (each signed in as themself): the one who comes second is refused, not left to
    fail on a deadlock."""
    for _ in range(3):
        async with profiles.client() as admin:
            first, second = await only_administrators(profiles, admin, chapter)
        async with profiles.client(person_id=first["id"]) as as_first, \
                profiles.client(person_id=second["id"]) as as_second:
            both = await asyncio.gather(as_first.post(f"/v1/people/{second['id']}/suspend", json={}),
                                        as_second.post(f"/v1/people/{first['id']}/suspend", json={}))
        assert sorted(answer.status_code for answer in both) == [200, 409], [answer.text for answer in both]
        [refused] = [answer.json()["error"] for answer in both if answer.status_code == 409]
        assert (refused["code"], refused["field"]) == ("last_administrator", "person_id")
        assert len(await profiles.query(ACTIVE_ADMINISTRATORS)) == 1


async def test_staff_suspend_or_erase_neither_themselves_nor_the_last_administrator(profiles, chapter):
    async with profiles.client() as admin:
        [last] = await only_administrators(profiles, admin, chapter, 1)
        refused = await admin.post(f"/v1/people/{last['id']}/suspend", json={"note": "by mistake"})
        assert (refused.status_code, refused.json()["error"]["code"]) == (409, "last_administrator")
        refused = await admin.delete(f"/v1/people/{last['id']}")
        assert (refused.status_code, refused.json()["error"]["code"]) == (409, "last_administrator")
        other = await register(admin, chapter["id"], "Another Admin")
        assert (await admin.put(f"/v1/people/{other['id']}/roles/administrator")).status_code == 204
    async with profiles.client(person_id=last["id"]) as themself:
        both = (await themself.post(f"/v1/people/{last['id']}/suspend", json={}),
                await themself.delete(f"/v1/people/{last['id']}"))
        assert [(r.status_code, r.json()["error"]["code"], r.json()["error"]["field"]) for r in both] == [
            (409, "cannot_suspend_yourself", "person_id"), (409, "cannot_erase_yourself", "person_id")]
        assert (await themself.get(f"/v1/people/{last['id']}")).json()["suspended"] is False
        # Another administrator is left: the other may now be suspended, and then this one is the last again.
        assert (await themself.post(f"/v1/people/{other['id']}/suspend", json={})).status_code == 200
    async with profiles.client(Role.PARTICIPANT, person_id=last["id"]) as as_a_participant:  # "My data"
        refused = await as_a_participant.delete(f"/v1/people/{last['id']}")
        assert (refused.status_code, refused.json()["error"]["code"]) == (409, "last_administrator")
    assert [r["person_id"] for r in await profiles.query(ACTIVE_ADMINISTRATORS)] == [UUID(last["id"])]


async def test_the_command_names_no_one_who_is_not_registered(profiles):
    refused = await operator_command("profiles", "grant-administrator", f"{uuid4().hex}@example.org",
                                     database_url=profiles.database_url)
    assert refused.returncode == 1 and "no one is registered" in refused.err


async def test_the_same_file_uploaded_again_invites_nobody_twice(profiles, chapter, published):
    tag = uuid4().hex[:8]
    text = (f"Stage,Name,Email\nresident,Rae Resident,rae.{tag}@example.org\nfellow,Fen Fellow,fen.{tag}@example.org\n"
            f"medical_student_3,Too Junior,junior.{tag}@example.org\nresident,No Address,\n")
    body = {"program_id": chapter["program"], "role": "mentor", "csv": text, "language": "es"}
    program = {"id": chapter["program"]}  # the test's own: nobody has enrolled nor been invited yet
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"]) as coordinator:
        before = (await coordinator.get(f"/v1/programs/{program['id']}")).json()
        preview = (await coordinator.post("/v1/invitations/preview", json=body)).json()
        assert (preview["valid"], preview["invalid"]) == (2, 2)
        assert [r["problems"] for r in preview["rows"]] == [
            [], [], [{"field": "stage", "code": "stage_not_eligible"}], [{"field": "email", "code": "required"}]]
        first = (await coordinator.post("/v1/invitations", json=body)).json()
        again = (await coordinator.post("/v1/invitations", json=body)).json()
        preview_again = (await coordinator.post("/v1/invitations/preview", json=body)).json()
        listed = (await coordinator.get("/v1/invitations", params={"program_id": program["id"]})).json()
        after = (await coordinator.get(f"/v1/programs/{program['id']}")).json()
    # Who may see who takes part is kept as it is from the first invitation: the console's settings say so up front.
    assert (before["members_public_fixed"], after["members_public_fixed"]) == (False, True)
    assert [i["display_name"] for i in first["invited"]] == ["Rae Resident", "Fen Fellow"]
    assert {i["preferred_language"] for i in first["invited"]} == {"es"}  # the inviter's: no row says another
    assert (first["already_invited"], first["invalid"]) == (0, 2)
    assert (again["invited"], again["already_invited"]) == ([], 2)
    assert [r["already"] for r in preview_again["rows"]] == ["invited", "invited", None, None]
    assert {i["person_id"] for i in listed} == {i["person_id"] for i in first["invited"]}
    assert {i["status"] for i in listed} == {"pending"}
    rae = first["invited"][0]
    await published.wait_for("profiles.person_invited", person_id=rae["person_id"], program_id=program["id"])
    await published.wait_for("profiles.person_registered", person_id=rae["person_id"])
    async with profiles.client(Role.PARTICIPANT, person_id=rae["person_id"]) as as_rae:
        assert (await as_rae.post("/v1/enrollments", json={
            "person_id": rae["person_id"], "program_id": program["id"], "role": "mentor"})).status_code == 201
        assert [i["status"] for i in (await as_rae.get(f"/v1/people/{rae['person_id']}/invitations")).json()] == [
            "accepted"]


async def test_an_invitation_to_a_program_that_keeps_who_takes_part_private_goes_to_the_restricted_topic_alone(
        profiles, chapter, published):
    tag = uuid4().hex[:8]
    async with profiles.client() as admin:
        private = (await admin.post("/v1/programs", json={
            "name": f"Rainbow Residents {tag}", "chapter_id": chapter["id"], "mentee_stages": ["medical_student_3"],
            "mentor_stages": ["resident"]})).json()["id"]
    body = {"program_id": private, "role": "mentor", "csv": f"name,email,stage\nKit Kept,kit.{tag}@example.org,resident\n"}
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"]) as coordinator:
        answer = await coordinator.post("/v1/invitations", json=body)
        assert answer.status_code == 200, answer.text
    [kit] = answer.json()["invited"]

    twin = await published.wait_for("profiles.private_person_invited", person_id=kit["person_id"], program_id=private)
    assert published.on(contract.CONTACTS, twin["invitation_id"]) == [twin]
    assert not [v for t, _, v in published.records if t != contract.CONTACTS and private in json.dumps(v)
                and v["event_type"] != "profiles.program_defined"]


async def test_someone_registered_is_invited_under_their_own_name_which_the_file_never_replaces(
        profiles, chapter, published):
    """A roster's legal name for a registered person would deadname them: not in the answer the web app emails from,
    not stored, not published on any topic, not audited."""
    tag = uuid4().hex[:8]
    async with profiles.client() as admin:
        sam = await register(admin, chapter["id"], f"Sam Chosen {tag}", stage="fellow", email=f"sam.{tag}@example.org")
    text = f"name,email,stage\nQuinn Again {tag},SAM.{tag}@example.org,fellow\n"
    body = {"program_id": chapter["program"], "role": "mentor", "csv": text}
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"]) as coordinator:
        answer = await coordinator.post("/v1/invitations", json=body)
        assert answer.status_code == 200, answer.text
        assert [(i["person_id"], i["display_name"]) for i in answer.json()["invited"]] == [
            (sam["id"], f"Sam Chosen {tag}")]
        assert (await coordinator.get(f"/v1/people/{sam['id']}")).json()["display_name"] == f"Sam Chosen {tag}"
    await published.wait_for("profiles.person_invited", person_id=sam["id"], program_id=chapter["program"])
    assert not [v for t, _, v in published.records if f"Quinn Again {tag}" in json.dumps(v)]
    assert not [raw for _, _, raw in published.raw if f"Quinn Again {tag}".encode() in raw]
    assert not [e for e in await audited(profiles, "people.invited") if f"Quinn Again {tag}" in json.dumps(e)]


async def test_defining_and_changing_a_chapter_or_a_program_is_on_the_audit_trail(profiles, chapter):
    coordinator_id, renamed = uuid4(), f"Renamed {uuid4().hex[:6]}"
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"], person_id=coordinator_id) as coordinator:
        program = (await coordinator.post("/v1/programs", json={
            "name": "Into Fellowship", "chapter_id": chapter["id"], "mentee_stages": ["resident"],
            "mentor_stages": ["attending"]})).json()["id"]
        changed = await coordinator.patch(f"/v1/programs/{program}", json={"pair_cap": 12, "minimum_score": 40})
        assert changed.status_code == 200, changed.text
        assert (await coordinator.patch(f"/v1/chapters/{chapter['id']}", json={"name": renamed})).status_code == 200
    assert [(e["actor"], e["actor_role"], e["chapter_id"], e["detail"])
            for e in await audited(profiles, "program.defined", subject_id=program)] == [
        (str(coordinator_id), "coordinator", chapter["id"], {"name": "Into Fellowship"})]
    assert [e["detail"] for e in await audited(profiles, "program.changed", subject_id=program)] == [
        {"changed": {"minimum_score": 40, "pair_cap": 12}}]
    assert [(e["actor_role"], e["subject_kind"]) for e in await audited(profiles, "chapter.defined",
                                                                         subject_id=chapter["id"])] == [
        ("admin", "chapter")]
    assert [e["detail"] for e in await audited(profiles, "chapter.changed", subject_id=chapter["id"])] == [
        {"changed": {"name": renamed}}]


async def test_a_suspended_person_is_still_found_at_sign_in_saying_so(profiles, chapter, published):
    email = f"{uuid4().hex}@example.org"
    async with profiles.client() as admin:
        person = await register(admin, chapter["id"], "Suspended", email=email)
    async with profiles.client() as admin:
        staff = await register(admin, chapter["id"], "Coordinator")
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"], person_id=staff["id"]) as coordinator:
        suspended = await coordinator.post(f"/v1/people/{person['id']}/suspend", json={"note": "conduct"})
        assert (suspended.status_code, suspended.json()["suspended"]) == (200, True)
        # Since when and by whom, to staff; why, to administrators alone.
        suspension = (await coordinator.get(f"/v1/people/{person['id']}")).json()["suspension"]
        assert (suspension["suspended_by"], suspension["by_administrator"], suspension["note"]) == (
            staff["id"], False, None)
    async with profiles.client() as admin:
        assert (await admin.get(f"/v1/people/{person['id']}")).json()["suspension"]["note"] == "conduct"
    async with profiles.client(Role.SERVICE, subject="web") as web:
        assert (await web.post("/v1/people/lookup", json={"email": email})).json()["suspended"] is True
    await published.wait_for("profiles.person_suspended", person_id=person["id"])
    [entry] = await audited(profiles, "person.suspended", subject_id=person["id"])
    assert entry["detail"] == {"note": "conduct"} and entry["chapter_id"] == chapter["id"]
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"]) as coordinator:
        assert (await coordinator.post(f"/v1/people/{person['id']}/reinstate", json={})).json()["suspended"] is False
    await published.wait_for("profiles.person_reinstated", person_id=person["id"])


async def test_staff_and_those_an_administrator_suspended_are_an_administrators_to_suspend_reinstate_or_change(
        profiles, chapter):
    async with profiles.client() as admin:
        staff = await register(admin, chapter["id"], "Staff")
        participant = await register(admin, chapter["id"], "Participant")
        assert (await admin.put(f"/v1/people/{staff['id']}/roles/coordinator/{chapter['id']}")).status_code == 204
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"]) as coordinator:
        assert (await coordinator.post(f"/v1/people/{staff['id']}/suspend", json={})).status_code == 403
        renamed = await coordinator.patch(f"/v1/people/{staff['id']}", json={"display_name": "Someone Else"})
        assert (renamed.status_code, renamed.json()["error"]["field"]) == (403, "person_id")
        assert (await coordinator.patch(f"/v1/people/{participant['id']}", json={"bio": "Hi"})).status_code == 200
        assert (await coordinator.post(f"/v1/people/{participant['id']}/suspend", json={})).status_code == 200
    async with profiles.client() as admin:
        assert (await admin.post(f"/v1/people/{staff['id']}/suspend", json={})).status_code == 200
        assert (await admin.post(f"/v1/people/{participant['id']}/suspend", json={})).status_code == 200
    async with profiles.client(Role.SERVICE, subject="web") as web:
        assert (await web.get(f"/v1/people/{staff['id']}/roles")).json() == {
            "administrator": False, "coordinator_of": [chapter["id"]], "suspended": True}
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"]) as coordinator:
        for person in (staff, participant):
            refused = await coordinator.post(f"/v1/people/{person['id']}/reinstate", json={})
            assert (refused.status_code, refused.json()["error"]["field"]) == (403, "person_id")
    async with profiles.client() as admin:
        assert (await admin.post(f"/v1/people/{staff['id']}/reinstate", json={})).status_code == 200
        assert (await admin.get(f"/v1/people/{staff['id']}/roles")).json()["coordinator_of"] == [chapter["id"]]


async def test_the_vetting_queue_lists_mentors_awaiting_approval_by_name_since_when_and_approval_takes_a_note(
        profiles, chapter):
    async with profiles.client() as admin:
        mentor = await register(admin, chapter["id"], "Waiting Mentor")
        joining = datetime.now(UTC)
        enrollment = (await admin.post("/v1/enrollments", json={
            "person_id": mentor["id"], "program_id": chapter["program"], "role": "mentor"})).json()
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"]) as coordinator:
        queue = (await coordinator.get("/v1/enrollments", params={"program_id": chapter["program"]})).json()
        assert [(i["id"], i["display_name"]) for i in queue["items"]] == [(enrollment["id"], "Waiting Mentor")]
        waited_since = datetime.fromisoformat(queue["items"][0]["enrolled_at"])
        assert joining - timedelta(seconds=5) < waited_since < datetime.now(UTC)
        assert queue["total"] == 1
        approved = await coordinator.post(f"/v1/enrollments/{enrollment['id']}/approve", json={"note": "checked"})
        assert approved.json()["approval"] == "approved"
        assert (await coordinator.get("/v1/enrollments", params={"program_id": chapter["program"]})).json()[
            "total"] == 0
    [entry] = await audited(profiles, "mentor.approved", subject_id=enrollment["id"])
    assert entry["detail"]["note"] == "checked"


async def test_a_mentors_enrollment_keeps_whether_it_was_declined_or_suspended_until_approved_again(profiles, chapter):
    async with profiles.client() as admin:
        mentors = [await register(admin, chapter["id"], name) for name in ("Declined Mentor", "Suspended Mentor")]
        declined, suspended = [(await admin.post("/v1/enrollments", json={
            "person_id": m["id"], "program_id": chapter["program"], "role": "mentor"})).json()["id"] for m in mentors]
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"]) as coordinator:
        async def was_approved() -> list[bool | None]:
            # As the console's person page reads it: each person's enrollments.
            return [(await coordinator.get(f"/v1/people/{m['id']}/enrollments")).json()[0]["was_approved"]
                    for m in mentors]

        assert await was_approved() == [None, None]
        assert (await coordinator.post(f"/v1/enrollments/{declined}/suspend", json={})).json()["was_approved"] is False
        await coordinator.post(f"/v1/enrollments/{suspended}/approve", json={})
        await coordinator.post(f"/v1/enrollments/{suspended}/suspend", json={"note": "complaint"})
        assert await was_approved() == [False, True]
        # As the console's list of people reads it too.
        listed = {p["id"]: p["enrollments"][0]["was_approved"] for p in (await coordinator.get(
            "/v1/people", params={"chapter_id": chapter["id"], "approval": "suspended"})).json()["items"]}
        assert listed == {mentors[0]["id"]: False, mentors[1]["id"]: True}
        await coordinator.post(f"/v1/enrollments/{declined}/approve", json={"note": "licence found"})
        assert await was_approved() == [None, True]


WAS_APPROVED_MIGRATION = "0018_was_approved.sql"


async def test_suspended_mentors_learn_from_the_trail_whether_they_had_been_approved_else_it_stays_unknown(
        postgres_server, tmp_path: Path):
    before = migrations_before(WAS_APPROVED_MIGRATION, tmp_path)
    pool = await create_pool(postgres_server.create_database(f"profiles_vetted_{uuid4().hex[:8]}"), 2)
    # Each enrollment's approval, and its vetting on the trail, oldest first: (action, the entry's `was_approved`).
    suspension = "mentor.suspended"
    vetted: dict[str, tuple[str, list[tuple[str, bool | None]]]] = {
        "declined": ("suspended", [(suspension, False)]),
        "suspended": ("suspended", [("mentor.approved", None), (suspension, True)]),
        "suspended after approval, before the trail said": ("suspended", [
            (suspension, False), ("mentor.approved", None), (suspension, None)]),
        "suspended, the trail not saying from what": ("suspended", [(suspension, None)]),
        "suspended before the trail": ("suspended", []),
        "approved again": ("approved", [(suspension, False), ("mentor.approved", None)]),
    }
    ids = {case: uuid4() for case in vetted}
    try:
        await migrate(pool, PLUMBING_MIGRATIONS, before)
        async with pool.acquire() as conn:
            chapter, program = uuid4(), uuid4()
            await conn.execute("INSERT INTO chapters (id, name, timezone) VALUES ($1, 'Demo', 'UTC')", chapter)
            await conn.execute(
                "INSERT INTO programs (id, name, chapter_id, mentee_stages, mentor_stages, term_months, "
                "cadence_min_days, cadence_max_days, format, pairing_mode, both_must_accept, "
                "mentor_approval_required, minimum_score) VALUES ($1, 'Into Residency', $2, '{undergraduate}', "
                "'{resident}', 12, 30, 60, 'one_to_one', 'on_registration', false, true, 0)", program, chapter)
            for case, (approval, trail) in vetted.items():
                person, enrollment = uuid4(), ids[case]
                await conn.execute(
                    "INSERT INTO people (id, display_name, email, stage, chapter_id, pronouns_visibility, timezone, "
                    "is_alumni, specialties, support_areas, languages, modalities) VALUES ($1, 'A Mentor', $2, "
                    "'resident', $3, 'partners', 'UTC', false, '{}', '{}', '{}', '{virtual}')",
                    person, f"{person}@example.org", chapter)
                await conn.execute(
                    "INSERT INTO enrollments (id, person_id, program_id, chapter_id, role, capacity, "
                    "mentee_stages_welcome, preferred_mentor_stages, approval) VALUES ($1, $2, $3, $4, 'mentor', 1, "
                    "'{}', '{}', $5)", enrollment, person, program, chapter, approval)
                for action, was_approved in trail:
                    detail = {"person_id": str(person), "program_id": str(program),
                              **({} if was_approved is None else {"was_approved": was_approved})}
                    await conn.execute(
                        "INSERT INTO audit_trail (actor, actor_role, action, subject_kind, subject_id, chapter_id, "
                        "detail) VALUES ('coordinator', 'coordinator', $1, 'enrollment', $2, $3, $4::jsonb)",
                        action, str(enrollment), chapter, json.dumps(detail))

        assert WAS_APPROVED_MIGRATION[:-4] in "".join(await migrate(pool, PLUMBING_MIGRATIONS, MIGRATIONS))

        async with pool.acquire() as conn:
            learnt = {row["id"]: row["was_approved"] for row in await conn.fetch(
                "SELECT id, was_approved FROM enrollments")}
    finally:
        await pool.close()
    # An approval on the trail just before the suspension says it suspended an approved mentor; without one, a
    # suspension the trail says nothing of may have declined an offer or suspended a mentor approved on enrolling.
    assert {case: learnt[ids[case]] for case in vetted} == {
        "declined": False, "suspended": True, "suspended after approval, before the trail said": True,
        "suspended, the trail not saying from what": None, "suspended before the trail": None,
        "approved again": None}


WHO_SUSPENDED_MIGRATION = "0021_who_suspended.sql"


async def test_those_suspended_before_learn_from_their_latest_suspension_on_the_trail_who_suspended_them_and_why(
        postgres_server, tmp_path: Path):
    before = migrations_before(WHO_SUSPENDED_MIGRATION, tmp_path)
    pool = await create_pool(postgres_server.create_database(f"profiles_suspended_{uuid4().hex[:8]}"), 2)
    people = {name: uuid4() for name in ("coordinator", "administrator", "twice", "by a service", "untold")}
    try:
        await migrate(pool, PLUMBING_MIGRATIONS, before)
        async with pool.acquire() as conn:
            for name, person in people.items():
                await conn.execute(
                    "INSERT INTO people (id, display_name, email, stage, pronouns_visibility, timezone, is_alumni, "
                    "specialties, support_areas, languages, modalities) VALUES ($1, $2, $3, 'resident', 'partners', "
                    "'UTC', false, '{}', '{}', '{}', '{virtual}')", person, name, f"{person}@example.org")
            for name in ("twice", "by a service", "untold"):
                await conn.execute("INSERT INTO suspensions (person_id, by_administrator) VALUES ($1, $2)",
                                   people[name], name == "twice")
            trail = [("twice", str(people["coordinator"]), {"note": "first"}),
                     ("twice", str(people["administrator"]), {"note": "conduct"}),
                     ("by a service", "operator", {})]
            for subject, actor, detail in trail:
                await conn.execute(
                    "INSERT INTO audit_trail (actor, actor_role, action, subject_kind, subject_id, detail) "
                    "VALUES ($1, 'admin', 'person.suspended', 'person', $2, $3::jsonb)",
                    actor, str(people[subject]), json.dumps(detail))

        assert WHO_SUSPENDED_MIGRATION[:-4] in "".join(await migrate(pool, PLUMBING_MIGRATIONS, MIGRATIONS))

        async with pool.acquire() as conn:
            learnt = {row["person_id"]: (row["suspended_by"], row["note"]) for row in await conn.fetch(
                "SELECT person_id, suspended_by, note FROM suspensions")}
    finally:
        await pool.close()
    assert learnt == {people["twice"]: (people["administrator"], "conduct"), people["by a service"]: (None, None),
                      people["untold"]: (None, None)}


async def test_the_vetting_counts_are_the_vetting_queues_totals_for_every_program_in_one_call(profiles, chapter):
    async with profiles.client() as admin:
        second = (await admin.post("/v1/programs", json={
            "name": "Into Fellowship", "chapter_id": chapter["id"], "mentee_stages": ["resident"],
            "mentor_stages": ["fellow"], "mentor_approval_required": True})).json()["id"]
        for program, stage, mentors in ((chapter["program"], "resident", 2), (second, "fellow", 1)):
            for n in range(mentors):
                mentor = await register(admin, chapter["id"], f"Mentor {n}", stage=stage)
                assert (await admin.post("/v1/enrollments", json={
                    "person_id": mentor["id"], "program_id": program, "role": "mentor"})).status_code == 201
        participant = await register(admin, chapter["id"], "A Participant")
    programs = sorted((chapter["program"], second))
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"]) as coordinator:
        counts = await coordinator.get("/v1/enrollments/counts")
        totals = [(await coordinator.get("/v1/enrollments", params={"program_id": p})).json()["total"]
                  for p in programs]
    assert counts.status_code == 200, counts.text
    assert counts.json() == [{"program_id": p, "count": total} for p, total in zip(programs, totals, strict=True)]
    assert sorted(totals) == [1, 2]
    async with profiles.client(Role.PARTICIPANT, person_id=participant["id"]) as as_participant:
        assert (await as_participant.get("/v1/enrollments/counts")).status_code == 403


async def test_a_mentor_pauses_their_enrollment(profiles, chapter, published):
    async with profiles.client() as admin:
        mentor = await register(admin, chapter["id"], "Pausing Mentor")
        enrollment = (await admin.post("/v1/enrollments", json={
            "person_id": mentor["id"], "program_id": chapter["program"], "role": "mentor"})).json()
    async with profiles.client(Role.PARTICIPANT, person_id=mentor["id"]) as as_mentor:
        paused = await as_mentor.patch(f"/v1/enrollments/{enrollment['id']}", json={"paused": True})
        assert (paused.status_code, paused.json()["paused"]) == (200, True)
        assert (await as_mentor.patch(f"/v1/enrollments/{enrollment['id']}", json={"paused": None})).status_code == 422
    event = await published.wait_for("profiles.enrollment_changed", enrollment_id=enrollment["id"])
    assert (event["schema_version"], event["paused"], event["changed_fields"]) == (4, True, ["paused"])


async def test_a_mentor_who_stopped_answering_is_paused_when_matching_says_so(profiles, chapter, published, publish):
    async with profiles.client() as admin:
        mentor = await register(admin, chapter["id"], "Silent Mentor")
        enrollment = (await admin.post("/v1/enrollments", json={
            "person_id": mentor["id"], "program_id": chapter["program"], "role": "mentor"})).json()
    await publish(matching.StoppedAnswering(
        pairing_id=uuid4(), program_id=chapter["program"], chapter_id=chapter["id"], mentee_id=uuid4(),
        mentor_id=mentor["id"], role="mentor", enrollment_id=enrollment["id"], unanswered_in_a_row=2))
    async with profiles.client(Role.PARTICIPANT, person_id=mentor["id"]) as as_mentor:
        async def paused():
            return (await as_mentor.get(f"/v1/enrollments/{enrollment['id']}")).json()["paused"]

        await eventually(paused, timeout=60, what="matching's word to pause the mentor")
        read = (await as_mentor.get(f"/v1/enrollments/{enrollment['id']}")).json()
        assert read["paused_because"] == "unanswered"
        resumed = await as_mentor.patch(f"/v1/enrollments/{enrollment['id']}", json={"paused": False})
        assert (resumed.json()["paused"], resumed.json()["paused_because"]) == (False, None)
    event = await published.wait_for("profiles.enrollment_changed", enrollment_id=enrollment["id"])
    assert (event["paused"], event["changed_fields"]) == (True, ["paused"])


async def test_the_people_report_shows_small_counts_as_fewer_than_five(profiles, chapter):
    async with profiles.client() as admin:
        for n in range(6):
            person = await register(admin, chapter["id"], f"Mentor {n}")
            await admin.post("/v1/enrollments", json={
                "person_id": person["id"], "program_id": chapter["program"], "role": "mentor"})
        fellow = await register(admin, chapter["id"], "A Fellow", stage="fellow")
        await admin.post("/v1/enrollments", json={
            "person_id": fellow["id"], "program_id": chapter["program"], "role": "mentor"})
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"]) as coordinator:
        report = (await coordinator.get("/v1/reports/people", params={"chapter_id": chapter["id"]})).json()
        exported = await coordinator.get("/v1/reports/people.csv")
    assert report["rows"] == [chapter["program"]] and report["threshold"] == 5
    cells = dict(zip(report["columns"], report["cells"][0], strict=True))
    assert cells["fellow.enrolled_mentors"] == {"value": None, "shown": "fewer_than_threshold"}
    assert cells["medical_student_3.enrolled_mentees"] == {"value": 0, "shown": "exact"}
    # How much else is withheld is plumbing.disclosure's to decide; what is shown never gives the one fellow away.
    shown = [c["value"] for c in [*report["cells"][0], *report["column_totals"]] if c["shown"] == "exact"]
    assert 1 not in shown and not ({6, 7} <= set(shown))
    assert report["row_totals"] is None and report["total"] is None  # the columns add up to nothing
    # The chapter's report and the national one are one publication: what one hides, the other does not show.
    async with profiles.client() as admin:
        national = (await admin.get("/v1/reports/people")).json()
    row = national["cells"][national["rows"].index(chapter["id"])]
    assert [row[national["columns"].index(c)] for c in report["columns"]] == report["column_totals"]
    assert exported.headers["content-type"].startswith("text/csv")
    header, row, _ = exported.text.splitlines()
    assert header.split(",")[1:4] == ["medical_student_3.invited", "medical_student_3.enrolled_mentees",
                                      "medical_student_3.enrolled_mentors"]
    assert "<5" in row.split(",")
    assert await audited(profiles, "report.exported", chapter_id=chapter["id"])


async def test_a_chapter_says_where_its_people_write_to_its_coordinators_and_never_publishes_it(
        profiles, chapter, published):
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"]) as coordinator:
        refused = await coordinator.patch(f"/v1/chapters/{chapter['id']}", json={"contact_email": "not an address"})
        assert (refused.status_code, refused.json()["error"]["field"]) == (422, "contact_email")
        changed = await coordinator.patch(f"/v1/chapters/{chapter['id']}",
                                          json={"contact_email": "mentoring@meharry.example"})
        assert changed.json()["contact_email"] == "mentoring@meharry.example", changed.text
    async with profiles.client(Role.PARTICIPANT, person_id=uuid4()) as anyone:
        [listed] = [c for c in (await anyone.get("/v1/chapters")).json() if c["id"] == chapter["id"]]
    assert listed["contact_email"] == "mentoring@meharry.example"
    # Its change is announced (chapter_defined) without the address: a public topic carries no email.
    await published.wait_for("profiles.chapter_defined", chapter_id=chapter["id"])
    assert not [raw for _, _, raw in published.raw if b"mentoring@meharry.example" in raw]


async def test_a_mentor_reported_for_conduct_is_back_in_the_vetting_queue_saying_why_until_approved_again(
        profiles, chapter, published, publish):
    async with profiles.client() as admin:
        mentor = await register(admin, chapter["id"], "Reported Mentor")
        mentee = await register(admin, chapter["id"], "Reporting Mentee", stage="medical_student_3")
        enrollment = (await admin.post("/v1/enrollments", json={
            "person_id": mentor["id"], "program_id": chapter["program"], "role": "mentor"})).json()
        assert (await admin.post(f"/v1/enrollments/{enrollment['id']}/approve", json={})).status_code == 200
        national = await register(admin, chapter["id"], "National Administrator")
        assert (await admin.put(f"/v1/people/{national['id']}/roles/administrator")).status_code == 204
    ending = matching.PairingEndedV3(
        pairing_id=uuid4(), program_id=chapter["program"], chapter_id=chapter["id"], mentee_id=mentee["id"],
        mentor_id=mentor["id"], ended_by="mentee", reason_code="conduct")
    await publish(ending)
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"], person_id=uuid4()) as coordinator:
        async def held() -> bool:
            read = (await coordinator.get(f"/v1/people/{mentor['id']}/enrollments")).json()
            return read[0]["approval"] == "pending"

        await eventually(held, timeout=60, what="matching's word that the mentor was reported")
        [read] = (await coordinator.get(f"/v1/people/{mentor['id']}/enrollments")).json()
        assert read["review_reason"] == "conduct_reported"
        assert read["review_since"].startswith(ending.occurred_at.isoformat()[:19])
        queue = (await coordinator.get("/v1/enrollments", params={"program_id": chapter["program"]})).json()
        assert [(i["id"], i["review_reason"]) for i in queue["items"]] == [(enrollment["id"], "conduct_reported")]
        [listed] = (await coordinator.get("/v1/people", params={"chapter_id": chapter["id"],
                                                                 "q": "Reported Mentor"})).json()["items"]
        assert [(e["review_reason"], e["review_since"]) for e in listed["enrollments"]] == [
            ("conduct_reported", read["review_since"])]
        changed = await published.wait_for("profiles.enrollment_changed", enrollment_id=enrollment["id"])
        assert (changed["approval"], changed["changed_fields"]) == ("pending", ["approval", "review_reason"])

        approved = await coordinator.post(f"/v1/enrollments/{enrollment['id']}/approve", json={"note": "reviewed"})
        assert approved.status_code == 200, approved.text
        assert (approved.json()["approval"], approved.json()["review_reason"], approved.json()["review_since"]) == (
            "approved", None, None)
    [hold] = await audited(profiles, "enrollment.held_for_review", subject_id=enrollment["id"])
    assert (hold["actor"], hold["detail"]["reported_by"]) == ("matching", "mentee")
    # The chapter has no coordinator: the national administrators are asked to look into it.
    asked = await published.wait_for("profiles.review_asked", person_id=national["id"])
    assert (asked["program_id"], asked["chapter_id"], asked["role"]) == (chapter["program"], chapter["id"], "mentor")
    approvals = await audited(profiles, "mentor.approved", subject_id=enrollment["id"])
    assert [a["detail"].get("review_reason") for a in approvals] == [None, "conduct_reported"]


async def test_a_mentee_reported_for_conduct_is_paused_until_a_coordinator_clears_the_review(
        profiles, chapter, published, publish):
    async with profiles.client() as admin:
        mentor = await register(admin, chapter["id"], "Reporting Mentor")
        mentee = await register(admin, chapter["id"], "Reported Mentee", stage="medical_student_3")
        enrollment = (await admin.post("/v1/enrollments", json={
            "person_id": mentee["id"], "program_id": chapter["program"], "role": "mentee"})).json()
        unreported = await register(admin, chapter["id"], "Unreported Mentee", stage="medical_student_3")
        await admin.post("/v1/enrollments", json={
            "person_id": unreported["id"], "program_id": chapter["program"], "role": "mentee"})
        staff = await register(admin, chapter["id"], "Chapter Coordinator")
        granted = await admin.put(f"/v1/people/{staff['id']}/roles/coordinator/{chapter['id']}")
        assert granted.status_code == 204, granted.text
        waiting = await admin.post("/v1/enrollments", json={
            "person_id": mentor["id"], "program_id": chapter["program"], "role": "mentor"})
        assert waiting.json()["approval"] == "pending", waiting.text
    await publish(matching.PairingEndedV2(
        pairing_id=uuid4(), program_id=chapter["program"], chapter_id=chapter["id"], mentee_id=mentee["id"],
        mentor_id=mentor["id"], ended_by="mentor", reason_code="conduct"))
    held = {"role": "mentee", "approval": "approved", "under_review": "true"}
    async with profiles.client(Role.PARTICIPANT, person_id=mentee["id"]) as as_mentee:
        async def paused() -> bool:
            return (await as_mentee.get(f"/v1/enrollments/{enrollment['id']}")).json()["paused"]

        await eventually(paused, timeout=60, what="matching's word that the mentee was reported")
        read = (await as_mentee.get(f"/v1/enrollments/{enrollment['id']}")).json()
        assert (read["paused_because"], read["review_reason"]) == ("conduct_reported", "conduct_reported")
        resuming = await as_mentee.patch(f"/v1/enrollments/{enrollment['id']}", json={"paused": False})
        assert (resuming.status_code, resuming.json()["error"]["code"]) == (409, "under_review")
        assert (await as_mentee.post(f"/v1/enrollments/{enrollment['id']}/clear-review")).status_code == 403
    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"], person_id=uuid4()) as coordinator:
        # The coordinator finds those held for review: counted by program (the console's home), listed by name.
        counts = (await coordinator.get("/v1/enrollments/counts", params=held)).json()
        assert counts == [{"program_id": chapter["program"], "count": 1}]
        listed = (await coordinator.get("/v1/people", params={"chapter_id": chapter["id"], "role": "mentee",
                                                               "under_review": "true"})).json()
        assert [p["id"] for p in listed["items"]] == [mentee["id"]]
        others = (await coordinator.get("/v1/people", params={"chapter_id": chapter["id"], "role": "mentee",
                                                               "under_review": "false"})).json()
        assert [p["id"] for p in others["items"]] == [unreported["id"]]
        cleared = await coordinator.post(f"/v1/enrollments/{enrollment['id']}/clear-review", json={"note": "spoke"})
        assert cleared.status_code == 200, cleared.text
        assert (cleared.json()["paused"], cleared.json()["paused_because"], cleared.json()["review_reason"]) == (
            False, None, None)
        assert (await coordinator.get("/v1/enrollments/counts", params=held)).json() == []
    [entry] = await audited(profiles, "enrollment.review_cleared", subject_id=enrollment["id"])
    assert entry["detail"]["review_reason"] == "conduct_reported"
    # The chapter's coordinator is asked to look into it (notifications emails them), by a message naming nobody.
    asked = await published.wait_for("profiles.review_asked", person_id=staff["id"], review_reason="conduct_reported")
    [(topic, key)] = [(t, k) for t, k, v in published.records if v is asked]
    assert (topic, key, asked["program_id"], asked["role"]) == (
        "profiles.contacts", staff["id"], chapter["program"], "mentee")
    # So is the mentor who joined the program, which vets its mentors, waiting to be approved.
    approval = await published.wait_for("profiles.review_asked", person_id=staff["id"], review_reason="approval_awaited")
    assert (approval["program_id"], approval["role"]) == (chapter["program"], "mentor")
    assert not {mentee["id"], mentor["id"], enrollment["id"]} & set(map(str, asked.values()))


async def test_staff_who_left_a_mentor_waiting_three_days_are_reminded_by_one_instance_alone(
        profiles, chapter, published):
    async with profiles.client() as admin:
        coordinator = await register(admin, chapter["id"], "Busy Coordinator")
        assert (await admin.put(f"/v1/people/{coordinator['id']}/roles/coordinator/{chapter['id']}")).status_code == 204
        mentor = await register(admin, chapter["id"], "Patient Mentor")
        waiting = (await admin.post("/v1/enrollments", json={
            "person_id": mentor["id"], "program_id": chapter["program"], "role": "mentor"})).json()
    asked = {"person_id": coordinator["id"], "program_id": chapter["program"], "review_reason": "approval_awaited"}
    await published.wait_for("profiles.review_asked", **asked)  # as they joined
    # They joined four days ago; no other test's mentor has waited three days.
    await profiles.query("UPDATE enrollments SET enrolled_at = now() - interval '4 days' WHERE id = $1", waiting["id"])
    pool = await create_pool(profiles.database_url, 2)
    try:
        def unit_of_work() -> ProfilesUnitOfWork:
            return ProfilesUnitOfWork(pool, sealer=IdentitySealer(profiles.identity_key),
                                      key_wrapper=KeyWrapper(profiles.identity_key))

        now = datetime.now(UTC)
        # Every instance runs the job: of two at once, one reminds the program's staff.
        both = await asyncio.gather(*(handlers.remind_staff_of_waiting_mentors(now, unit_of_work()) for _ in "ab"))
        assert sorted(both) == [0, 1]
        assert await handlers.remind_staff_of_waiting_mentors(now + timedelta(hours=1), unit_of_work()) == 0
    finally:
        await pool.close()

    async def reminded() -> list[dict] | None:
        return found if len(found := await published.all_of("profiles.review_asked", **asked)) == 2 else None

    reminder = (await eventually(reminded, timeout=30, what="the reminder on profiles.contacts"))[1]
    assert reminder["role"] == "mentor"
    assert not {mentor["id"], waiting["id"]} & set(map(str, reminder.values()))


@pytest.mark.parametrize("closing", ["goals_met", "term_completed"])
async def test_a_mentee_whose_mentorship_ran_its_course_is_paused_saying_why_until_they_resume_themselves(
        profiles, chapter, published, publish, closing):
    async with profiles.client() as admin:
        mentor = await register(admin, chapter["id"], "Mentor Done")
        mentee = await register(admin, chapter["id"], "Mentee Done", stage="medical_student_3")
        enrollment = (await admin.post("/v1/enrollments", json={
            "person_id": mentee["id"], "program_id": chapter["program"], "role": "mentee"})).json()
    pairing = dict(pairing_id=uuid4(), program_id=chapter["program"], chapter_id=chapter["id"],
                   mentee_id=mentee["id"], mentor_id=mentor["id"])
    await publish(matching.PairingEndedV3(**pairing, ended_by="mentor", reason_code="goals_met")
                  if closing == "goals_met" else matching.PairingCompletedV2(**pairing))
    async with profiles.client(Role.PARTICIPANT, person_id=mentee["id"]) as as_mentee:
        async def paused() -> bool:
            return (await as_mentee.get(f"/v1/enrollments/{enrollment['id']}")).json()["paused"]

        await eventually(paused, timeout=60, what="matching's word that the mentorship ran its course")
        read = (await as_mentee.get(f"/v1/enrollments/{enrollment['id']}")).json()
        assert (read["paused_because"], read["review_reason"]) == (closing, None)
        changed = await published.wait_for("profiles.enrollment_changed", enrollment_id=enrollment["id"])
        assert (changed["paused"], changed["changed_fields"]) == (True, ["paused", "paused_because"])
        resumed = await as_mentee.patch(f"/v1/enrollments/{enrollment['id']}", json={"paused": False})
        assert resumed.status_code == 200, resumed.text
        assert (resumed.json()["paused"], resumed.json()["paused_because"]) == (False, None)


async def test_a_program_with_a_high_school_mentee_enrolled_keeps_its_safeguards_on_the_real_database(profiles):
    suffix = uuid4().hex[:8]
    async with profiles.client() as admin:
        chapter = (await admin.post("/v1/chapters", json={"name": f"Pathway chapter {suffix}"})).json()["id"]
        program = (await admin.post("/v1/programs", json={
            "name": f"Health Careers Pathway {suffix}", "chapter_id": chapter,
            "mentee_stages": ["high_school", "undergraduate"], "mentor_stages": ["resident"],
            "mentor_approval_required": True, "both_must_accept": True})).json()
        student = await register(admin, chapter, "Kayla Student", stage="high_school")
        enrolled = await admin.post("/v1/enrollments", json={"person_id": student["id"], "program_id": program["id"],
                                                             "role": "mentee"})
        assert enrolled.status_code == 201, enrolled.text
        refused = await admin.patch(f"/v1/programs/{program['id']}", json={
            "mentee_stages": ["undergraduate"], "mentor_approval_required": False, "both_must_accept": False})
        kept = (await admin.get(f"/v1/programs/{program['id']}")).json()
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "minors_enrolled"
    assert refused.json()["error"]["field"] == "mentor_approval_required"
    assert kept["mentor_approval_required"] and kept["both_must_accept"] and "high_school" in kept["mentee_stages"]
