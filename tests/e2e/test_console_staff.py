"""The console's staff on the whole platform: the first national administrator is named by the operator's command
on profiles' database; they grant a coordinator, whose sign-in lookup names the chapter they coordinate."""

from __future__ import annotations

from uuid import uuid4


async def test_the_first_administrator_named_by_command_grants_a_coordinator_who_signs_in_as_one(platform):
    suffix = uuid4().hex[:8]
    async with platform.client("profiles") as profiles:
        chapter = (await profiles.post("/v1/chapters", json={"name": f"Chapter {suffix}"})).json()
        staff = {}
        for who in ("admin", "coordinator"):
            response = await profiles.post("/v1/people", json={
                "display_name": f"{who} {suffix}", "email": f"{who}.{suffix}@example.org", "stage": "attending",
                "chapter_id": chapter["id"]})
            assert response.status_code == 201, response.text
            staff[who] = response.json()
    await platform.grant_administrator(staff["admin"]["email"])
    async with platform.client("profiles", role="service", subject="web") as web:
        assert (await web.get(f"/v1/people/{staff['admin']['id']}/roles")).json() == {
            "administrator": True, "coordinator_of": [], "suspended": False}
    async with platform.client("profiles", person_id=staff["admin"]["id"]) as as_admin:
        granted = await as_admin.put(f"/v1/people/{staff['coordinator']['id']}/roles/coordinator/{chapter['id']}")
        assert granted.status_code == 204, granted.text
    async with platform.client("profiles", role="service", subject="web") as web:
        found = (await web.post("/v1/people/lookup", json={"email": staff["coordinator"]["email"]})).json()
    assert found["roles"] == {"administrator": False, "coordinator_of": [chapter["id"]], "suspended": False}
    assert found["suspended"] is False
