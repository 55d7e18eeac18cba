"""People's data keys: what profiles publishes on its restricted topics is sealed under them, they are answered to the
consumers of restricted topics alone, and an erasure destroys them in its own transaction."""

from __future__ import annotations

from uuid import UUID, uuid4

import httpx
from mentorship_contracts import profiles as contract
from plumbing.auth import Role, mint
from plumbing.personal_data import private_pem
from plumbing.settings import new_secret_key

from .conftest import KEYS, READER_KEYS


def as_service(profiles, service: str, seed: str) -> httpx.AsyncClient:
    token = mint(private_pem(seed), audience="profiles", role=Role.SERVICE, subject=service)
    return httpx.AsyncClient(base_url=profiles.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


async def register(profiles, suffix: str) -> dict:
    async with profiles.client() as admin:
        response = await admin.post("/v1/people", json={
            "display_name": f"Noor Haddad {suffix}", "email": f"noor.{suffix}@example.org", "stage": "undergraduate",
            "languages": ["ar"]})
    assert response.status_code == 201, response.text
    return response.json()


async def test_restricted_events_leave_sealed_and_nothing_personal_is_on_the_topic_in_clear(profiles, published):
    suffix = uuid4().hex[:8]
    person = await register(profiles, suffix)
    opened = await published.wait_for("profiles.contact_details_changed", person_id=person["id"])
    assert opened["email"] == person["email"] and opened["sealed_as"] == 4  # it opens, with the key profiles gives
    await published.wait_for("profiles.matching_profile_changed", person_id=person["id"], languages=["ar"])
    raw = [value for topic, key, value in published.raw if key == person["id"]
           and topic in (contract.CONTACTS, contract.MATCHING_PROFILES)]
    assert len(raw) >= 2
    assert not [value for value in raw if person["display_name"].encode() in value or person["email"].encode() in value]
    [key_row] = await profiles.query("SELECT key_id, wrapped_key FROM person_keys WHERE person_id = $1",
                                     UUID(person["id"]))
    assert len(key_row["wrapped_key"]) > 32  # kept wrapped, never as the key itself


async def test_only_the_consumers_of_restricted_topics_signing_with_their_own_keys_are_given_data_keys(profiles):
    person = await register(profiles, uuid4().hex[:8])
    query = {"person_id": person["id"]}
    async with as_service(profiles, "notifications", READER_KEYS["notifications"]) as notifications:
        answer = await notifications.get("/v1/data-keys", params=query)
        assert answer.status_code == 200 and [k["person_id"] for k in answer.json()["keys"]] == [person["id"]]
    refused = {
        "an administrator": profiles.client(Role.ADMIN),
        "the person": profiles.client(Role.PARTICIPANT, person_id=person["id"]),
        "the web app": profiles.client(Role.SERVICE, subject="web"),
        "a token of the platform's key naming matching": profiles.client(Role.SERVICE, subject="matching"),
        "matching with another key": as_service(profiles, "matching", new_secret_key()),
        "a service that reads no restricted topic": as_service(profiles, "events", READER_KEYS["matching"]),
        "nobody": profiles.anonymous(),
    }
    for who, client in refused.items():
        async with client:
            answer = await client.get("/v1/data-keys", params=query)
            assert answer.status_code in (401, 403), (who, answer.status_code)
            assert "keys" not in answer.json(), who
    assert KEYS  # the platform's token key signs people's tokens, never a reader's


async def test_an_erasure_destroys_the_person_s_data_key_in_its_transaction(profiles, published):
    person = await register(profiles, uuid4().hex[:8])
    await published.wait_for("profiles.contact_details_changed", person_id=person["id"])
    async with profiles.client(Role.PARTICIPANT, person_id=person["id"]) as as_person:
        assert (await as_person.delete(f"/v1/people/{person['id']}")).status_code == 204
    assert await profiles.query("SELECT 1 FROM person_keys WHERE person_id = $1", UUID(person["id"])) == []
    async with as_service(profiles, "matching", READER_KEYS["matching"]) as matching:
        answer = await matching.get("/v1/data-keys", params={"person_id": person["id"]})
    assert answer.status_code == 200 and answer.json()["keys"] == []
    await published.wait_for("profiles.person_erased", person_id=person["id"])
