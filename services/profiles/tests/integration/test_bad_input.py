"""Bad input is refused with a 4xx naming the field at fault, and nothing is written."""

from __future__ import annotations

import json
from uuid import uuid4

import pytest
from plumbing.auth import Role

COUNTS = "SELECT (SELECT count(*) FROM people) AS people, (SELECT count(*) FROM enrollments) AS enrollments, " \
         "(SELECT count(*) FROM programs) AS programs, (SELECT count(*) FROM chapters) AS chapters"


@pytest.fixture
async def world(profiles):
    """A chapter with a program for fourth-year students, a resident and a student already enrolled."""
    async with profiles.client() as admin:
        chapter = (await admin.post("/v1/chapters", json={"name": f"Validation {uuid4().hex[:6]}"})).json()
        program = (await admin.post("/v1/programs", json={
            "name": "Into Residency", "chapter_id": chapter["id"], "mentee_stages": ["medical_student_4"],
            "mentor_stages": ["resident"]})).json()
        people = {}
        for stage in ("resident", "undergraduate", "medical_student_4"):
            people[stage] = (await admin.post("/v1/people", json={
                "display_name": stage, "email": f"{uuid4().hex}@example.org", "stage": stage,
                "chapter_id": chapter["id"]})).json()
        await admin.post("/v1/enrollments", json={"person_id": people["medical_student_4"]["id"],
                                                   "program_id": program["id"], "role": "mentee"})
    return {"chapter": chapter["id"], "program": program["id"], **{stage: p["id"] for stage, p in people.items()}}


def person(**overrides) -> dict:
    return {"display_name": "X", "email": f"{uuid4().hex}@example.org", "stage": "resident", **overrides}


def enrollment(world, who="resident", **overrides) -> dict:
    return {"person_id": world[who], "program_id": world["program"], "role": "mentor", **overrides}


CASES = {
    "an unknown stage": lambda w: ("POST", "/v1/people", person(stage="wizard"), 422, "stage"),
    "an unknown specialty": lambda w: ("POST", "/v1/people", person(specialties=["astrology"]), 422, "specialties.0"),
    "an unknown support area": lambda w: ("POST", "/v1/people", person(support_areas=["cheering"]), 422,
                                          "support_areas.0"),
    "a bad email": lambda w: ("POST", "/v1/people", person(email="not-an-email"), 422, "email"),
    "an email already registered": lambda w: ("POST", "/v1/people", person(email="dup@example.org"), 409, "email"),
    "an unknown time zone": lambda w: ("POST", "/v1/people", person(timezone="Mars/Olympus"), 422, "timezone"),
    "an unknown field": lambda w: ("POST", "/v1/people", person(favourite_colour="red"), 422, "favourite_colour"),
    "a capacity out of range": lambda w: ("POST", "/v1/enrollments", enrollment(w, capacity=11), 422, "capacity"),
    "a mentee stage the program does not take": lambda w: (
        "POST", "/v1/enrollments", enrollment(w, "undergraduate", role="mentee"), 422, "stage"),
    "a second enrollment on other terms": lambda w: (
        "POST", "/v1/enrollments", enrollment(w, "medical_student_4", role="mentee", goals="Other goals"), 409,
        "program_id"),
    "welcoming a stage the program does not take": lambda w: (
        "POST", "/v1/enrollments", enrollment(w, mentee_stages_welcome=["high_school"]), 422, "mentee_stages_welcome"),
    "an unknown program": lambda w: ("POST", "/v1/enrollments", {**enrollment(w), "program_id": str(uuid4())}, 404,
                                     "program_id"),
    "a group program without a size": lambda w: ("POST", "/v1/programs", {
        "name": "G", "mentee_stages": ["undergraduate"], "mentor_stages": ["resident"], "format": "group"}, 422,
        "group_size"),
    "an unknown stage in a program": lambda w: ("POST", "/v1/programs", {
        "name": "G", "mentee_stages": ["wizard"], "mentor_stages": ["resident"]}, 422, "mentee_stages.0"),
    "a null where a value is required": lambda w: ("PATCH", f"/v1/people/{w['resident']}", {"display_name": None},
                                                   422, "display_name"),
    "an unknown stage in a search": lambda w: ("GET", "/v1/people?stage=wizard", None, 422, "stage.0"),
    # Text a database, an email header or a calendar line cannot take: refused where it comes in.
    "a NUL byte in a display name": lambda w: ("POST", "/v1/people", person(display_name="Ana\x00"), 422,
                                               "display_name"),
    "a line break in a display name": lambda w: ("POST", "/v1/people", person(display_name="Ana\r\nBcc: x"), 422,
                                                 "display_name"),
    "a NUL byte in a changed display name": lambda w: ("PATCH", f"/v1/people/{w['resident']}",
                                                       {"display_name": "Ana\x00"}, 422, "display_name"),
    "a NUL byte in pronouns": lambda w: ("POST", "/v1/people", person(pronouns="she\x00her"), 422, "pronouns"),
    "a NUL byte in a bio": lambda w: ("POST", "/v1/people", person(bio="line one\nline\x00two"), 422, "bio"),
    "a NUL byte in a region": lambda w: ("POST", "/v1/people", person(region="Ten\x00nessee"), 422, "region"),
    "a control character in a language": lambda w: ("POST", "/v1/people", person(languages=["e\x1bn"]), 422,
                                                    "languages.0"),
    # Matched exactly against a partner's codes: a name would keep apart two people who share the language.
    "a language by its name": lambda w: ("POST", "/v1/people", person(languages=["en", "Spanish"]), 422,
                                         "languages.1"),
    "an empty display name": lambda w: ("POST", "/v1/people", person(display_name=""), 422, "display_name"),
    # A name shows in partners' emails and pages: no link, address or markup to put before them.
    "a link in a display name": lambda w: ("POST", "/v1/people", person(
        display_name="Ana: verify your account at https://evil.example"), 422, "display_name"),
    "markup in a changed display name": lambda w: ("PATCH", f"/v1/people/{w['resident']}",
                                                   {"display_name": 'Mal"><img src=x>'}, 422, "display_name"),
    "an address in a display name": lambda w: ("POST", "/v1/people", person(display_name="write to x@evil.example"),
                                               422, "display_name"),
    "an empty chapter name": lambda w: ("POST", "/v1/chapters", {"name": ""}, 422, "name"),
    "a display name too long": lambda w: ("POST", "/v1/people", person(display_name="A" * 201), 422,
                                          "display_name"),
    "an unknown preferred language": lambda w: ("POST", "/v1/people", person(preferred_language="fr"), 422,
                                                "preferred_language"),
    "a NUL byte in a chapter name": lambda w: ("POST", "/v1/chapters", {"name": "Meharry\x00"}, 422, "name"),
    "a NUL byte in a changed chapter name": lambda w: ("PATCH", f"/v1/chapters/{w['chapter']}",
                                                       {"name": "Meharry\x00"}, 422, "name"),
    "a NUL byte in a program name": lambda w: ("POST", "/v1/programs", {
        "name": "Into\x00Residency", "mentee_stages": ["undergraduate"], "mentor_stages": ["resident"]}, 422, "name"),
    "a pair cap past any integer": lambda w: ("PATCH", f"/v1/programs/{w['program']}", {"pair_cap": 2**40}, 422,
                                              "pair_cap"),
    "a NUL byte in a mentee's goals": lambda w: ("POST", "/v1/enrollments", enrollment(w, goals="match\x00"), 422,
                                                 "goals"),
    "an offset past any integer": lambda w: ("GET", "/v1/people?offset=9223372036854775808", None, 422, "offset"),
    "a negative offset": lambda w: ("GET", "/v1/people?offset=-1", None, 422, "offset"),
    "a limit past the largest page": lambda w: ("GET", "/v1/people?limit=100000", None, 422, "limit"),
    "an email address in a profile change": lambda w: ("PATCH", f"/v1/people/{w['resident']}",
                                                       {"email": f"{uuid4().hex}@example.org"}, 422, "email"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
async def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(profiles, world, case):
    method, path, body, status, field = CASES[case](world)
    async with profiles.client() as admin:
        await admin.post("/v1/people", json=person(email="dup@example.org"))
        before = await profiles.query(COUNTS)
        response = await admin.request(method, path, json=body)
    assert (response.status_code, response.json()["error"].get("field")) == (status, field), response.text
    assert await profiles.query(COUNTS) == before


async def test_malformed_json_is_refused_naming_the_body(profiles, world):
    async with profiles.client() as admin:
        response = await admin.post("/v1/chapters", content=b'{"name": "Meharry', headers={
            "Content-Type": "application/json"})
    assert (response.status_code, response.json()["error"]["field"]) == (422, "body"), response.text


async def test_a_lone_surrogate_is_refused_naming_the_field(profiles, world):
    body = json.dumps(person(display_name="Ana \ud800")).encode()  # escaped: \ud800 travels as six ASCII characters
    async with profiles.client() as admin:
        response = await admin.post("/v1/people", content=body, headers={"Content-Type": "application/json"})
    assert (response.status_code, response.json()["error"]["field"]) == (422, "display_name"), response.text


def cannot_be_stored(field: str) -> dict:
    """The refusal every service gives text PostgreSQL cannot hold (a NUL), whatever the route typed it as."""
    message = f"the field {field} holds a character that cannot be stored (NUL)"
    return {"code": "invalid_character", "message": message, "field": field,
            "errors": [{"field": field, "message": message}]}


async def test_a_nul_typed_into_the_coordinators_people_search_is_refused_naming_the_search(profiles, world):
    async with profiles.client(Role.COORDINATOR, chapter_id=world["chapter"]) as coordinator:
        found = await coordinator.get("/v1/people", params={"q": "resident", "chapter_id": world["chapter"]})
        refused = await coordinator.get("/v1/people", params={"q": "resi\x00dent", "chapter_id": world["chapter"]})
    assert [p["id"] for p in found.json()["items"]] == [world["resident"]], "the search itself reads the database"
    assert (refused.status_code, refused.json()["error"]) == (422, cannot_be_stored("q"))


async def test_a_nul_deep_in_an_invitation_file_is_refused_naming_the_file(profiles, world):
    # The web lets through a file whose first 4 KB hold no NUL (its test for a spreadsheet's own format).
    text = "name,email,stage\n" + "Rae Resident,rae@example.org,resident\n" * 200 + "Fen\x00,fen@example.org,resident\n"
    body = {"program_id": world["program"], "role": "mentor", "csv": text, "language": "en"}
    async with profiles.client(Role.COORDINATOR, chapter_id=world["chapter"]) as coordinator:
        previewed = await coordinator.post("/v1/invitations/preview", json=body)
        invited = await coordinator.post("/v1/invitations", json=body)
    assert [(r.status_code, r.json()["error"]) for r in (previewed, invited)] == [(422, cannot_be_stored("csv"))] * 2


IDENTITY_CASES = {
    "a NUL byte in a value": ({"attributes": {"disability": {"value": "deaf\x00", "use_in_matching": True}}},
                              "attributes.disability.value"),
    "a line break in a value": ({"attributes": {"disability": {"value": "deaf\nhard of hearing"}}},
                                "attributes.disability.value"),
    "a value too long": ({"attributes": {"disability": {"value": "d" * 101}}}, "attributes.disability.value"),
    "a NUL byte in a requested attribute": (
        {"attributes": {"disability": {"value": "deaf", "use_in_matching": True}},
         "requests": [{"attribute": "disability\x00", "strength": "preference"}]}, "requests.0.attribute"),
}


@pytest.mark.parametrize("case", IDENTITY_CASES, ids=list(IDENTITY_CASES))
async def test_identity_values_that_matching_could_not_take_are_refused_here_naming_the_field(
        profiles, world, case):
    body, field = IDENTITY_CASES[case]
    async with profiles.client(Role.PARTICIPANT, person_id=world["resident"]) as as_person:
        response = await as_person.put(f"/v1/people/{world['resident']}/identity", json=body)
        kept = (await as_person.get(f"/v1/people/{world['resident']}/identity")).json()
    assert (response.status_code, response.json()["error"]["field"]) == (422, field), response.text
    assert kept == {"attributes": {}, "requests": []}


async def test_identity_attributes_outside_the_vocabulary_are_refused_naming_the_attribute(profiles, world):
    async with profiles.client(Role.PARTICIPANT, person_id=world["resident"]) as as_person:
        response = await as_person.put(f"/v1/people/{world['resident']}/identity", json={
            "attributes": {"star_sign": {"value": "leo"}}})
    assert (response.status_code, response.json()["error"]["field"]) == (422, "attributes.star_sign")
