"""Who may do what, walked over every endpoint for every kind of caller.

Each cell acts on a fresh person of chapter A (a mentor awaiting approval, with an identity declared), so that
what one caller changes or erases never decides another cell.
"""

from __future__ import annotations

from uuid import uuid4

import pytest
from plumbing.auth import Role, mint

from .conftest import KEYS

CALLERS = ("anonymous", "the person", "another participant", "their coordinator", "another chapter's coordinator",
           "an administrator", "a service")
MANAGERS = {"their coordinator", "an administrator", "a service"}
ADMINISTRATORS = {"an administrator", "a service"}
SELF_OR_MANAGERS = MANAGERS | {"the person"}
EVERYONE = set(CALLERS) - {"anonymous"}

# endpoint: (who may, request given the cell's world)
MATRIX = {
    "define a chapter": ({"an administrator", "a service"}, lambda w: ("POST", "/v1/chapters", {
        "name": f"New {uuid4().hex[:6]}"})),
    "list chapters": (EVERYONE, lambda w: ("GET", "/v1/chapters", None)),
    "change a chapter": (MANAGERS, lambda w: ("PATCH", f"/v1/chapters/{w['chapter']}", {"timezone": "Europe/London"})),
    "define a chapter program": (MANAGERS, lambda w: ("POST", "/v1/programs", {
        "name": f"P {uuid4().hex[:6]}", "chapter_id": w["chapter"], "mentee_stages": ["undergraduate"],
        "mentor_stages": ["resident"]})),
    "list programs": (EVERYONE, lambda w: ("GET", "/v1/programs", None)),
    "read a program": (EVERYONE, lambda w: ("GET", f"/v1/programs/{w['program']}", None)),
    "change a chapter program": (MANAGERS, lambda w: ("PATCH", f"/v1/programs/{w['program']}", {"pair_cap": 25})),
    "register a person in the chapter": (MANAGERS, lambda w: ("POST", "/v1/people", {
        "display_name": "N", "email": f"{uuid4().hex}@example.org", "stage": "resident", "chapter_id": w["chapter"]})),
    "search the chapter": (MANAGERS, lambda w: ("GET", f"/v1/people?chapter_id={w['chapter']}", None)),
    "find a person by email": ({"a service"}, lambda w: ("POST", "/v1/people/lookup", {"email": w["email"]})),
    "read a profile": (SELF_OR_MANAGERS, lambda w: ("GET", f"/v1/people/{w['person']}", None)),
    "update a profile": (SELF_OR_MANAGERS, lambda w: ("PATCH", f"/v1/people/{w['person']}", {"bio": "new"})),
    "ask to change an email address": ({"the person"}, lambda w: (
        "POST", f"/v1/people/{w['person']}/email-change", {"email": f"{uuid4().hex}@example.org"})),
    "erase a person": ({"the person", "an administrator", "a service"},
                       lambda w: ("DELETE", f"/v1/people/{w['person']}", None)),
    "read an identity": ({"the person"}, lambda w: ("GET", f"/v1/people/{w['person']}/identity", None)),
    "declare an identity": ({"the person"},
                            lambda w: ("PUT", f"/v1/people/{w['person']}/identity", {"attributes": {}})),
    "withdraw a consent": ({"the person"}, lambda w: (
        "DELETE", f"/v1/people/{w['person']}/identity/disability/consents/matching", None)),
    "list a person's enrollments": (SELF_OR_MANAGERS, lambda w: ("GET", f"/v1/people/{w['person']}/enrollments", None)),
    "enroll a person": (SELF_OR_MANAGERS, lambda w: ("POST", "/v1/enrollments", {
        "person_id": w["person"], "program_id": w["national_program"], "role": "mentor"})),
    "read an enrollment": (SELF_OR_MANAGERS, lambda w: ("GET", f"/v1/enrollments/{w['enrollment']}", None)),
    "change an enrollment": (SELF_OR_MANAGERS,
                             lambda w: ("PATCH", f"/v1/enrollments/{w['enrollment']}", {"capacity": 3})),
    "withdraw an enrollment": (SELF_OR_MANAGERS,
                               lambda w: ("POST", f"/v1/enrollments/{w['enrollment']}/withdraw", None)),
    "approve a mentor": (MANAGERS, lambda w: ("POST", f"/v1/enrollments/{w['enrollment']}/approve", None)),
    "suspend a mentor": (MANAGERS, lambda w: ("POST", f"/v1/enrollments/{w['enrollment']}/suspend", None)),
    # The console (issue 12). A coordinator of another chapter is answered 404 for one of this chapter's things
    # (HIDDEN below), 403 for a list of this chapter.
    "read a person's roles": ({"the person", "an administrator", "a service"},
                              lambda w: ("GET", f"/v1/people/{w['person']}/roles", None)),
    "grant a coordinator role": (ADMINISTRATORS, lambda w: (
        "PUT", f"/v1/people/{w['person']}/roles/coordinator/{w['chapter']}", None)),
    "revoke a coordinator role": (ADMINISTRATORS, lambda w: (
        "DELETE", f"/v1/people/{w['person']}/roles/coordinator/{w['chapter']}", None)),
    "grant the administrator role": (ADMINISTRATORS,
                                     lambda w: ("PUT", f"/v1/people/{w['person']}/roles/administrator", None)),
    "revoke the administrator role": (ADMINISTRATORS,
                                      lambda w: ("DELETE", f"/v1/people/{w['person']}/roles/administrator", None)),
    # Any coordinator may ask; the names of people of other chapters are left out (test_console_over_http).
    "read names in bulk": (MANAGERS | {"another chapter's coordinator"},
                           lambda w: ("GET", f"/v1/people/names?ids={w['person']}", None)),
    "read email addresses in bulk": (MANAGERS | {"another chapter's coordinator"},
                                     lambda w: ("GET", f"/v1/people/contacts?ids={w['person']}", None)),
    "list the chapter's vetting queue": (MANAGERS, lambda w: ("GET", f"/v1/enrollments?chapter_id={w['chapter']}",
                                                              None)),
    "count the chapter's vetting queue by program": (MANAGERS, lambda w: (
        "GET", f"/v1/enrollments/counts?chapter_id={w['chapter']}", None)),
    "suspend an account": (MANAGERS, lambda w: ("POST", f"/v1/people/{w['person']}/suspend", {"note": "n"})),
    "reinstate an account": (MANAGERS, lambda w: ("POST", f"/v1/people/{w['person']}/reinstate", {})),
    "list a person's invitations": (SELF_OR_MANAGERS,
                                    lambda w: ("GET", f"/v1/people/{w['person']}/invitations", None)),
    "preview invitations": (MANAGERS, lambda w: ("POST", "/v1/invitations/preview", {
        "program_id": w["program"], "role": "mentor", "csv": f"name,email,stage\nN,{uuid4().hex}@example.org,resident"})),
    "invite people": (MANAGERS, lambda w: ("POST", "/v1/invitations", {
        "program_id": w["program"], "role": "mentor", "csv": f"name,email,stage\nN,{uuid4().hex}@example.org,resident"})),
    "list a program's invitations": (MANAGERS, lambda w: ("GET", f"/v1/invitations?program_id={w['program']}", None)),
    "report on the chapter's people": (MANAGERS,
                                       lambda w: ("GET", f"/v1/reports/people?chapter_id={w['chapter']}", None)),
    "export the chapter's people report": (MANAGERS, lambda w: (
        "GET", f"/v1/reports/people.csv?chapter_id={w['chapter']}", None)),
    "see one's partners": ({"the person"}, lambda w: ("GET", f"/v1/people/{w['person']}/partners", None)),
    "read the audit trail": ({"an administrator"}, lambda w: ("GET", "/v1/audit", None)),
    "list the coordinators": ({"an administrator"}, lambda w: ("GET", "/v1/coordinators", None)),
}
# Where a coordinator of another chapter is answered as if the thing did not exist.
HIDDEN = {"preview invitations", "invite people", "list a program's invitations"}
# What names a person or an enrollment by its id: whoever may not see that person (another participant, another
# chapter's coordinator) is answered 404, as for no such person, not 403: they are not to learn that it exists.
STRANGERS = {"another participant", "another chapter's coordinator"}
UNSEEN = {"read a profile", "update a profile", "erase a person", "list a person's enrollments", "enroll a person",
          "read an enrollment", "change an enrollment", "withdraw an enrollment", "approve a mentor",
          "suspend a mentor", "read a person's roles", "suspend an account", "reinstate an account",
          "list a person's invitations"}


@pytest.fixture
async def chapters(profiles):
    async with profiles.client() as admin:
        a, b = [(await admin.post("/v1/chapters", json={"name": f"{name} {uuid4().hex[:6]}"})).json()["id"]
                for name in ("A", "B")]
        programs = {}
        for key, chapter in (("program", a), ("national_program", None)):
            programs[key] = (await admin.post("/v1/programs", json={
                "name": f"{key} {uuid4().hex[:6]}", "chapter_id": chapter, "mentee_stages": ["undergraduate"],
                "mentor_stages": ["resident"], "mentor_approval_required": True})).json()["id"]
        outsider = (await admin.post("/v1/people", json={
            "display_name": "O", "email": f"{uuid4().hex}@example.org", "stage": "resident", "chapter_id": a})).json()
    return {"chapter": a, "other_chapter": b, "outsider": outsider["id"], **programs}


async def fresh_world(http, chapters) -> dict:
    admin = {"Authorization": bearer(Role.ADMIN)}
    email = f"{uuid4().hex}@example.org"
    person = (await http.post("/v1/people", headers=admin, json={
        "display_name": "P", "email": email, "stage": "resident",
        "chapter_id": chapters["chapter"]})).json()["id"]
    enrollment = (await http.post("/v1/enrollments", headers=admin, json={
        "person_id": person, "program_id": chapters["program"], "role": "mentor"})).json()["id"]
    await http.put(f"/v1/people/{person}/identity",
                   headers={"Authorization": bearer(Role.PARTICIPANT, person_id=person)},
                   json={"attributes": {"disability": {"value": "deaf", "use_in_matching": True}}})
    return {**chapters, "person": person, "email": email, "enrollment": enrollment}


def bearer(role: Role, **claims) -> str:
    return f"Bearer {mint(KEYS.private_pem, audience='profiles', role=role, **claims)}"


def headers_of(caller: str, world: dict) -> dict:
    claims = {
        "anonymous": None,
        "the person": (Role.PARTICIPANT, {"person_id": world["person"]}),
        "another participant": (Role.PARTICIPANT, {"person_id": world["outsider"]}),
        "their coordinator": (Role.COORDINATOR, {"chapter_id": world["chapter"]}),
        "another chapter's coordinator": (Role.COORDINATOR, {"chapter_id": world["other_chapter"]}),
        "an administrator": (Role.ADMIN, {}),
        "a service": (Role.SERVICE, {"subject": "matching"}),
    }[caller]
    return {"Authorization": bearer(claims[0], **claims[1])} if claims else {}


async def test_every_caller_may_do_exactly_what_their_role_allows_on_every_endpoint(profiles, chapters):
    wrong = []
    # One connection for the whole walk: opening a client per request would cost more than the requests.
    async with profiles.anonymous() as http:
        for endpoint, (allowed, request) in MATRIX.items():
            for caller in CALLERS:
                world = await fresh_world(http, chapters)
                method, path, body = request(world)
                status = (await http.request(method, path, json=body, headers=headers_of(caller, world))).status_code
                expected = "allowed" if caller in allowed else ("401" if caller == "anonymous" else "403")
                if expected == "403" and caller == "another chapter's coordinator" and endpoint in HIDDEN:
                    expected = "404"
                if expected == "403" and caller in STRANGERS and endpoint in UNSEEN:
                    expected = "404"
                got = "allowed" if 200 <= status < 300 else str(status)
                if got != expected:
                    wrong.append(f"{caller} → {endpoint}: expected {expected}, got {status}")
    assert wrong == []


async def test_a_coordinator_cannot_move_a_person_out_of_or_into_their_chapter(profiles, chapters):
    async with profiles.anonymous() as http:
        world = await fresh_world(http, chapters)
    async with profiles.client(Role.COORDINATOR, chapter_id=world["chapter"]) as coordinator:
        moved = await coordinator.patch(f"/v1/people/{world['person']}", json={"chapter_id": world["other_chapter"]})
    assert moved.status_code == 403


async def test_a_coordinator_sees_pronouns_only_when_the_person_lets_coordinators_see_them(profiles, chapters):
    async with profiles.anonymous() as http:
        world = await fresh_world(http, chapters)
    async with profiles.client(Role.PARTICIPANT, person_id=world["person"]) as as_person:
        await as_person.patch(f"/v1/people/{world['person']}", json={"pronouns": "ze/zir",
                                                                      "pronouns_visibility": "only_me"})
        assert (await as_person.get(f"/v1/people/{world['person']}")).json()["pronouns"] == "ze/zir"
    async with profiles.client(Role.COORDINATOR, chapter_id=world["chapter"]) as coordinator:
        assert (await coordinator.get(f"/v1/people/{world['person']}")).json()["pronouns"] is None
        # Nor by letting themself see them: who sees them is the person's to say.
        shown = await coordinator.patch(f"/v1/people/{world['person']}", json={"pronouns_visibility": "partners"})
        assert (shown.status_code, shown.json()["error"]["field"]) == (403, "pronouns_visibility")
        assert (await coordinator.get(f"/v1/people/{world['person']}")).json()["pronouns"] is None


async def test_a_coordinator_token_that_names_no_chapter_opens_none(profiles, chapters):
    """It used to list every person of every chapter: a coordinator is bound to chapters, and none means nothing."""
    async with profiles.client(Role.COORDINATOR) as unbound:
        listing = await unbound.get("/v1/people")
        reading = await unbound.get(f"/v1/people/{chapters['outsider']}")
    assert (listing.status_code, reading.status_code) == (401, 401)
    assert "items" not in listing.json()


async def test_a_coordinator_of_two_chapters_searches_each_by_name_and_no_other(profiles, chapters):
    a, b = chapters["chapter"], chapters["other_chapter"]
    async with profiles.client() as admin:
        third = (await admin.post("/v1/chapters", json={"name": f"C {uuid4().hex[:6]}"})).json()["id"]
        people = {chapter: (await admin.post("/v1/people", json={
            "display_name": "N", "email": f"{uuid4().hex}@example.org", "stage": "resident", "chapter_id": chapter,
        })).json()["id"] for chapter in (a, b, third)}
    async with profiles.client(Role.COORDINATOR, chapter_ids=[a, b]) as coordinator:
        for chapter in (a, b):
            found = await coordinator.get("/v1/people", params={"chapter_id": chapter, "limit": 100})
            assert found.status_code == 200 and people[chapter] in {p["id"] for p in found.json()["items"]}
        assert (await coordinator.get("/v1/people", params={"chapter_id": third})).status_code == 403
        assert (await coordinator.get("/v1/people")).status_code == 403
        assert (await coordinator.get(f"/v1/people/{people[b]}")).status_code == 200
        assert (await coordinator.get(f"/v1/people/{people[third]}")).status_code == 404
