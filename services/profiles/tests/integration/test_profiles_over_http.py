"""Profiles over HTTP against the real database and broker: what is stored, what is published, and where."""

from __future__ import annotations

from uuid import UUID, uuid4

from mentorship_contracts import profiles as contract
from plumbing.auth import Role

# Words that would betray contact or identity data on a topic any team may read.
PRIVATE_WORDS = ("email", "display_name", "pronoun", "bio", "identity", "@", "queer", "first in my family")
PUBLIC_TOPICS = (contract.CHAPTERS, contract.PROGRAMS, contract.PEOPLE, contract.ENROLLMENTS)


async def test_a_mentor_signs_up_declares_identity_enrolls_is_approved_and_each_audience_hears_only_its_part(
    profiles, published
):
    suffix = uuid4().hex[:8]
    async with profiles.client() as admin:
        chapter = (await admin.post("/v1/chapters", json={"name": f"Meharry {suffix}",
                                                          "timezone": "America/Chicago"})).json()
        program = (await admin.post("/v1/programs", json={
            "name": "Into Residency", "chapter_id": chapter["id"], "mentee_stages": ["medical_student_4"],
            "mentor_stages": ["resident", "fellow"], "mentor_approval_required": True, "pairing_mode": "rounds",
            "members_public": True,  # its enrollments on the public topic, which other teams read
        })).json()

    async with profiles.client(Role.PARTICIPANT, subject=f"login-{suffix}") as signing_up:
        response = await signing_up.post("/v1/people", json={
            "display_name": "Dr. Ana Reyes", "email": f"ana.{suffix}@example.org", "stage": "resident",
            "chapter_id": chapter["id"], "pronouns": "she/her", "specialties": ["emergency_medicine"],
            "support_areas": ["career_planning"], "languages": ["en", "es"], "bio": "EM resident, first-gen.",
        })
    assert response.status_code == 201, response.text
    ana = response.json()
    assert ana["timezone"] == "America/Chicago"

    async with profiles.client(Role.PARTICIPANT, person_id=ana["id"]) as as_ana:
        identity = await as_ana.put(f"/v1/people/{ana['id']}/identity", json={"attributes": {
            "sexual_orientation": {"value": "queer", "use_in_matching": True},
            "first_generation": {"value": "first in my family", "use_in_matching": True, "show_to_partner": True},
        }})
        assert identity.status_code == 200, identity.text
        enrollment = (await as_ana.post("/v1/enrollments", json={
            "person_id": ana["id"], "program_id": program["id"], "role": "mentor", "capacity": 2,
        })).json()
        assert enrollment["approval"] == "pending"

    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"]) as coordinator:
        pending = (await coordinator.get("/v1/people", params={"approval": "pending"})).json()
        assert [p["id"] for p in pending["items"]] == [ana["id"]]
        approved = await coordinator.post(f"/v1/enrollments/{enrollment['id']}/approve")
        assert approved.json()["approval"] == "approved"

    await published.wait_for("profiles.mentor_approved", enrollment_id=enrollment["id"])
    matching = await published.wait_for("profiles.matching_profile_changed", person_id=ana["id"],
                                        identity_for_matching={"sexual_orientation": "queer",
                                                               "first_generation": "first in my family"})
    assert matching["specialties"] == ["emergency_medicine"]
    contact = await published.wait_for("profiles.contact_details_changed", person_id=ana["id"],
                                       identity_for_partner={"first_generation": "first in my family"})
    assert contact["email"] == f"ana.{suffix}@example.org" and contact["pronouns_for_partner"] == "she/her"
    assert published.on(contract.ENROLLMENTS, enrollment["id"])[0]["event_type"] == "profiles.enrollment_created"

    for topic in PUBLIC_TOPICS:
        for event in published.on(topic, ana["id"]):
            assert not any(word in str(event).lower() for word in PRIVATE_WORDS), (topic, event)
    # The identity reaches nobody else: not the contacts topic beyond what she chose to show.
    assert not any("queer" in str(event) for event in published.on(contract.CONTACTS, ana["id"]))

    # A dump of the database alone does not reveal it either.
    [row] = await profiles.query("SELECT people::text AS everything FROM people WHERE id = $1", uuid_of(ana))
    assert "queer" not in row["everything"] and "sexual_orientation" not in row["everything"]


async def test_an_enrollment_in_a_program_that_keeps_who_takes_part_private_goes_to_the_restricted_topic_alone(
        profiles, published):
    suffix = uuid4().hex[:8]
    rules = {"chapter_id": None, "mentee_stages": ["medical_student_4"], "mentor_stages": ["resident"]}
    mentor = await register(profiles, "resident")
    async with profiles.client() as admin:
        private = (await admin.post("/v1/programs", json={"name": f"Rainbow Residents {suffix}", **rules})).json()
        public = (await admin.post("/v1/programs", json={"name": f"Into Residency {suffix}", **rules,
                                                         "members_public": True})).json()
        kept, shown = [(await admin.post("/v1/enrollments", json={
            "person_id": mentor["id"], "program_id": program["id"], "role": "mentor"})).json()
            for program in (private, public)]
        assert (await admin.get(f"/v1/programs/{private['id']}")).json()["members_public"] is False
    assert (private["members_public"], public["members_public"]) == (False, True)
    defined = await published.wait_for("profiles.program_defined", program_id=private["id"])
    assert (defined["schema_version"], defined["members_public"]) == (5, False)

    twin = await published.wait_for("profiles.private_enrollment_created", enrollment_id=kept["id"])
    said = await published.wait_for("profiles.enrollment_created", enrollment_id=shown["id"])
    assert (twin["person_id"], twin["program_id"], twin["role"]) == (mentor["id"], private["id"], "mentor")
    assert published.on(contract.PRIVATE_ENROLLMENTS, kept["id"]) == [twin]
    assert published.on(contract.ENROLLMENTS, kept["id"]) == []
    assert published.on(contract.ENROLLMENTS, shown["id"]) == [said]
    assert published.on(contract.PRIVATE_ENROLLMENTS, shown["id"]) == []


async def test_whether_other_teams_see_who_takes_part_changes_only_while_nobody_has_enrolled(profiles, published):
    suffix = uuid4().hex[:8]
    rules = {"chapter_id": None, "mentee_stages": ["medical_student_4"], "mentor_stages": ["resident"]}
    mentor = await register(profiles, "resident")
    async with profiles.client() as admin:
        program = (await admin.post("/v1/programs", json={"name": f"Affinity {suffix}", **rules})).json()
        opened = await admin.patch(f"/v1/programs/{program['id']}", json={"members_public": True})
        assert (opened.status_code, opened.json()["members_public"]) == (200, True), opened.text
        enrollment = (await admin.post("/v1/enrollments", json={
            "person_id": mentor["id"], "program_id": program["id"], "role": "mentor"})).json()
        assert (await admin.post(f"/v1/enrollments/{enrollment['id']}/withdraw")).status_code == 200

        refused = await admin.patch(f"/v1/programs/{program['id']}", json={"members_public": False, "pair_cap": 3})
        assert refused.status_code == 409, refused.text
        assert {k: refused.json()["error"][k] for k in ("code", "field")} == {
            "code": "members_public_fixed", "field": "members_public"}
        read = (await admin.get(f"/v1/programs/{program['id']}")).json()
        assert (read["members_public"], read["pair_cap"]) == (True, None)
        same = await admin.patch(f"/v1/programs/{program['id']}", json={"members_public": True, "pair_cap": 3})
        assert (same.status_code, same.json()["pair_cap"]) == (200, 3), same.text
    await published.wait_for("profiles.program_defined", program_id=program["id"], members_public=True, pair_cap=3)


async def test_withdrawing_consent_replaces_matchings_copy_at_once_and_says_so(profiles, published):
    person = await register(profiles, "resident")
    async with profiles.client(Role.PARTICIPANT, person_id=person["id"]) as as_person:
        await as_person.put(f"/v1/people/{person['id']}/identity", json={
            "attributes": {"gender_identity": {"value": "nonbinary", "use_in_matching": True}}})
        withdrawn = await as_person.delete(f"/v1/people/{person['id']}/identity/gender_identity/consents/matching")
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["attributes"]["gender_identity"]["use_in_matching"] is False

    await published.wait_for("profiles.consent_changed", person_id=person["id"], purpose="matching", granted=False)
    await published.wait_for("profiles.matching_profile_changed", person_id=person["id"], identity_for_matching={})


async def test_an_update_publishes_what_changed_and_the_public_event_names_public_fields_only(profiles, published):
    person = await register(profiles, "medical_student_3")
    async with profiles.client(Role.PARTICIPANT, person_id=person["id"]) as as_person:
        response = await as_person.patch(f"/v1/people/{person['id']}", json={
            "stage": "medical_student_4", "pronouns": "he/him", "is_alumni": True})
    assert response.status_code == 200, response.text
    updated = await published.wait_for("profiles.person_updated", person_id=person["id"])
    assert updated["changed_fields"] == ["is_alumni", "stage"]
    await published.wait_for("profiles.contact_details_changed", person_id=person["id"], pronouns_for_partner="he/him")


async def test_a_person_is_erased_here_and_every_service_is_told(profiles, published):
    person = await register(profiles, "undergraduate")
    async with profiles.client(Role.PARTICIPANT, person_id=person["id"]) as as_person:
        assert (await as_person.delete(f"/v1/people/{person['id']}")).status_code == 204
        assert (await as_person.get(f"/v1/people/{person['id']}")).status_code == 404
    assert await profiles.query("SELECT 1 FROM people WHERE id = $1", uuid_of(person)) == []
    await published.wait_for("profiles.person_erased", person_id=person["id"])


async def test_coordinators_search_their_chapter_by_stage_specialty_and_alumni_one_page_at_a_time(profiles):
    async with profiles.client() as admin:
        suffix = uuid4().hex[:6]
        chapter = (await admin.post("/v1/chapters", json={"name": f"Search {suffix}"})).json()
        other = (await admin.post("/v1/chapters", json={"name": f"Elsewhere {suffix}"})).json()
    for index in range(5):
        await register(profiles, "attending", chapter_id=chapter["id"], is_alumni=index % 2 == 0,
                       specialties=["psychiatry"], display_name=f"Alumna {index}")
    await register(profiles, "resident", chapter_id=chapter["id"], specialties=["psychiatry"])
    await register(profiles, "attending", chapter_id=other["id"], is_alumni=True, specialties=["psychiatry"])

    async with profiles.client(Role.COORDINATOR, chapter_id=chapter["id"]) as coordinator:
        filters = {"stage": "attending", "specialty": "psychiatry", "alumni": "true", "limit": 2}
        first = (await coordinator.get("/v1/people", params=filters)).json()
        second = (await coordinator.get("/v1/people", params={**filters, "offset": 2})).json()
        elsewhere = await coordinator.get("/v1/people", params={"chapter_id": other["id"]})
    assert first["total"] == 3 and [p["display_name"] for p in first["items"]] == ["Alumna 0", "Alumna 2"]
    assert [p["display_name"] for p in second["items"]] == ["Alumna 4"]
    assert elsewhere.status_code == 403


async def register(profiles, stage: str, **details) -> dict:
    async with profiles.client() as admin:
        response = await admin.post("/v1/people", json={
            "display_name": "Someone", "email": f"{uuid4().hex}@example.org", "stage": stage, **details})
    assert response.status_code == 201, response.text
    return response.json()


def uuid_of(resource: dict) -> UUID:
    return UUID(resource["id"])
