"""Changing an email address over HTTP, on the real database and broker: confirmed from the new address before it
takes effect, and no answer says whether an address is registered."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit
from uuid import UUID, uuid4

from mentorship_contracts import profiles as contract
from plumbing.auth import Role

from .test_profiles_over_http import PUBLIC_TOPICS, register


def token_in(event: dict) -> str:
    link = urlsplit(event["confirmation_path"])
    assert link.path == contract.EMAIL_CONFIRMATION_PAGE
    return parse_qs(link.query)["token"][0]


def without(answer: dict, *names: str) -> dict:
    return {name: value for name, value in answer.items() if name not in names}


async def test_a_change_waits_for_the_new_address_and_the_answer_is_the_same_whether_it_is_taken(profiles, published):
    someone = await register(profiles, "resident")
    person = await register(profiles, "undergraduate")
    new_address = f"{uuid4().hex}@example.org"
    async with profiles.client(Role.PARTICIPANT, person_id=person["id"]) as as_person:
        taken = await as_person.post(f"/v1/people/{person['id']}/email-change",
                                     json={"email": someone["email"].upper()})
        free = await as_person.post(f"/v1/people/{person['id']}/email-change", json={"email": new_address})
        unchanged = (await as_person.get(f"/v1/people/{person['id']}")).json()
    assert (taken.status_code, free.status_code) == (202, 202), (taken.text, free.text)
    assert without(taken.json(), "email", "expires_at") == without(free.json(), "email", "expires_at")
    assert unchanged["email"] == person["email"]

    # The link goes to the new address, on the restricted topic notifications reads; never on a public one.
    event = await published.wait_for("profiles.email_change_requested", person_id=person["id"], new_email=new_address)
    token = token_in(event)
    assert event["display_name"] == person["display_name"] and event["preferred_language"] is None
    assert not any(token in str(published.on(topic, person["id"])) for topic in PUBLIC_TOPICS)
    # Stored only as a digest.
    rows = await profiles.query("SELECT email_changes::text AS everything FROM email_changes WHERE person_id = $1",
                                UUID(person["id"]))
    assert rows and all(token not in row["everything"] for row in rows)

    async with profiles.client(Role.PARTICIPANT, person_id=someone["id"]) as as_someone_else:
        stolen = await as_someone_else.post("/v1/email-changes/confirm", json={"token": token})
    async with profiles.client(Role.PARTICIPANT, person_id=person["id"]) as as_person:
        confirmed = await as_person.post("/v1/email-changes/confirm", json={"token": token})
        again = await as_person.post("/v1/email-changes/confirm", json={"token": token})
    assert stolen.status_code == 422 and stolen.json()["error"]["code"] == "email_change_not_confirmed"
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["email"] == new_address
    assert again.json() == stolen.json()
    await published.wait_for("profiles.contact_details_changed", person_id=person["id"], email=new_address)


async def test_confirming_an_address_taken_meanwhile_answers_no_more_than_a_bad_token(profiles, published):
    person = await register(profiles, "undergraduate")
    wanted = f"{uuid4().hex}@example.org"
    async with profiles.client(Role.PARTICIPANT, person_id=person["id"]) as as_person:
        await as_person.post(f"/v1/people/{person['id']}/email-change", json={"email": wanted})
        token = token_in(await published.wait_for("profiles.email_change_requested", person_id=person["id"]))
        await register(profiles, "resident", email=wanted)
        taken = await as_person.post("/v1/email-changes/confirm", json={"token": token})
        bogus = await as_person.post("/v1/email-changes/confirm", json={"token": "x" * 43})
        kept = (await as_person.get(f"/v1/people/{person['id']}")).json()
    assert taken.status_code == 422 and taken.json() == bogus.json()
    assert taken.json()["error"] == {"code": "email_change_not_confirmed", "field": "token",
                                     "message": "could not confirm this email change"}
    assert kept["email"] == person["email"]
