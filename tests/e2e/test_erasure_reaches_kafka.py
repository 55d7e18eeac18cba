"""Erasure reaches Kafka (issue 10, finding 4): what profiles publishes on its restricted topics is sealed under a
key of the person's own, which their erasure destroys. After a person is erased, their records stay on
`profiles.contacts` and `profiles.matching-profiles` for the topics' retention, but nothing of their name, email or
identity is readable in them; other people's records still open, and a consumer meeting the erased person's records
skips them without a dead letter."""

from __future__ import annotations

import contextlib
import time
from uuid import UUID, uuid4

from devinfra.smtp_sink import addressed_to
from mentorship_contracts import SealedEvent, decode
from mentorship_contracts import profiles as contract
from notifications.bootstrap import build_app as build_notifications
from plumbing.person_keys import PersonKeys
from plumbing.personal_data import open_event
from plumbing.testing import caught_up, eventually, serving

from .conftest import READER_KEYS, everything_on

RESTRICTED = (contract.CONTACTS, contract.MATCHING_PROFILES)


def personal_values(person: dict, *more: str) -> list[bytes]:
    return [value.encode() for value in (person["display_name"], person["email"], *more)]


async def test_after_erasure_nothing_of_the_person_is_readable_on_the_restricted_topics_and_others_still_open(platform):
    suffix = uuid4().hex[:8]
    shared, own = f"Garifuna {suffix}", f"Vodun {suffix}"  # identity values, in the person's own words
    new_address = f"ysolde.new.{suffix}@example.org"
    async with platform.client("profiles") as profiles:
        program = (await profiles.post("/v1/programs", json={
            "name": f"Sealed {suffix}", "mentee_stages": ["undergraduate"], "mentor_stages": ["medical_student_2"],
        })).json()
        people = {}
        for role, name, stage in (("mentor", "Quillon", "medical_student_2"), ("mentee", "Ysolde", "undergraduate")):
            people[role] = (await profiles.post("/v1/people", json={
                "display_name": f"{name} Okonkwo-{suffix}", "email": f"{name.lower()}.{suffix}@example.org",
                "stage": stage, "languages": ["ht"] if role == "mentee" else []})).json()
    mentee, mentor = people["mentee"], people["mentor"]
    attributes = {"race_ethnicity": {"value": shared, "use_in_matching": True, "show_to_partner": True}}
    async with platform.client("profiles", role="participant", person_id=mentor["id"]) as as_mentor:
        declared = await as_mentor.put(f"/v1/people/{mentor['id']}/identity", json={"attributes": attributes})
        assert declared.status_code == 200, declared.text
    async with platform.client("profiles", role="participant", person_id=mentee["id"]) as as_mentee:
        declared = await as_mentee.put(f"/v1/people/{mentee['id']}/identity", json={
            "attributes": {**attributes, "religion": {"value": own, "use_in_matching": True, "show_to_partner": False}},
            "requests": [{"attribute": "race_ethnicity", "strength": "requirement"}]})
        assert declared.status_code == 200, declared.text
        asked = await as_mentee.post(f"/v1/people/{mentee['id']}/email-change", json={"email": new_address})
        assert asked.status_code == 202, asked.text
    async with platform.client("profiles") as profiles:
        for person, role in ((mentor, "mentor"), (mentee, "mentee")):
            enrolled = await profiles.post("/v1/enrollments", json={
                "person_id": person["id"], "program_id": program["id"], "role": role})
            assert enrolled.status_code == 201, enrolled.text

    # The platform applied what profiles sealed: matching paired the mentee as their requirement demands (it read both
    # identities), notifications wrote to the mentee (it read their contact details) and to their new address.
    async with platform.client("matching") as matching, platform.client("notifications") as notifications:
        async def paired():
            return [p for p in (await matching.get(f"/v1/people/{mentee['id']}/pairings")).json()
                    if mentor["id"] in (p.get("mentor_id"), p.get("mentee_id"))]

        async def inbox():
            return (await notifications.get(f"/v1/people/{mentee['id']}/inbox")).json().get("items")

        await eventually(paired, timeout=60, what="the mentee paired with the mentor who shares their identity")
        await eventually(inbox, timeout=60, what="the mentee's notification")
        await platform.sink.wait_for(lambda m: addressed_to(m, new_address), timeout=60)

    keys = PersonKeys(platform.urls["profiles"], service="matching", service_key=READER_KEYS["matching"],
                      ttl_seconds=0)
    mentee_id, mentor_id = UUID(mentee["id"]), UUID(mentor["id"])
    before = [r for r in await everything_on(platform, RESTRICTED) if r.key == mentee["id"].encode()]
    assert {r.topic for r in before} == set(RESTRICTED)
    asked = time.perf_counter()
    key = (await keys.keys_for([mentee_id]))[mentee_id]
    print(f"a data key from profiles over HTTP: {(time.perf_counter() - asked) * 1000:.1f} ms")
    assert key is not None  # before the erasure, the mentee's records open, to their name
    assert any(mentee["display_name"] in open_event(decode(r.value), key.key).model_dump_json()  # type: ignore[arg-type]
               for r in before if r.topic == contract.CONTACTS)

    async with platform.client("profiles", role="participant", person_id=mentee["id"]) as as_mentee:
        assert (await as_mentee.delete(f"/v1/people/{mentee['id']}")).status_code == 204
    assert (await keys.keys_for([mentee_id]))[mentee_id] is None  # the key is gone with the person

    records = await everything_on(platform, RESTRICTED)
    theirs = [r for r in records if r.key == mentee["id"].encode()]
    assert len(theirs) >= len(before) and {r.topic for r in theirs} == set(RESTRICTED)  # still there, retained
    assert any(decode(r.value).event_type == "profiles.email_change_requested" for r in theirs)
    # A language is a code now (profiles refuses free text there): too short to look for in every record's bytes.
    secrets = personal_values(mentee, new_address, shared, own)
    for record in records:  # every record, anyone's: the erased person's values are in none, in any form
        raw = b"".join([record.key or b"", record.value or b"", *(v or b"" for _, v in record.headers)])
        assert not [s for s in secrets if s in raw], (record.topic, record.offset)
    # Sealed, every one: the consent changes too, which name no value but which attributes the person recorded.
    assert all(isinstance(e, SealedEvent) for e in map(decode, (r.value for r in theirs)))
    assert not [r for r in theirs if b"race_ethnicity" in r.value or b"religion" in r.value]

    # Another person's records still open, with their key, into what they said.
    mentor_key = (await keys.keys_for([mentor_id]))[mentor_id]
    assert mentor_key is not None
    mentor_events = [decode(r.value) for r in records if r.key == mentor["id"].encode()]
    opened = [open_event(e, mentor_key.key) for e in mentor_events if isinstance(e, SealedEvent)]
    assert any(isinstance(e, contract.ContactDetailsChangedV3) and e.email == mentor["email"] for e in opened)
    assert any(isinstance(e, contract.MatchingProfileChangedV2) and shared in str(e.identity_for_matching)
               for e in opened)
    await keys.close()


async def test_a_consumer_meeting_an_erased_person_s_sealed_events_skips_them_without_a_dead_letter(platform):
    suffix = uuid4().hex[:8]
    async with platform.client("profiles") as profiles:
        person = (await profiles.post("/v1/people", json={
            "display_name": f"Erased {suffix}", "email": f"erased.{suffix}@example.org", "stage": "high_school"})).json()
        kept = (await profiles.post("/v1/people", json={
            "display_name": f"Kept {suffix}", "email": f"kept.{suffix}@example.org", "stage": "high_school"})).json()
    async with platform.client("profiles", role="participant", person_id=person["id"]) as as_person:
        assert (await as_person.delete(f"/v1/people/{person['id']}")).status_code == 204
    async with platform.client("notifications") as notifications:
        async def kept_known():  # the platform's notifications opened the kept person's contact details
            return (await notifications.get(f"/v1/people/{kept['id']}/preferences")).status_code == 200
        await eventually(kept_known, timeout=60, what="the kept person's contact details applied")

    # A new notifications deployment reads the contacts topic from the beginning: the erased person's sealed record
    # is there, its key is not.
    group = f"notifications-late-{suffix}"
    app = build_notifications(platform.settings("notifications", f"_late_{suffix}", consumer_group_name=group))
    started = time.monotonic()
    async with serving(app):
        await caught_up({"notifications": app}, platform.kafka.client_options("tests"))
    metrics = app.state.service.metrics
    assert metrics.consumed.labels(topic=contract.CONTACTS, outcome="erased")._value.get() >= 1
    assert metrics.consumed.labels(topic=contract.CONTACTS, outcome="applied")._value.get() >= 1
    with contextlib.suppress(KeyError):
        assert metrics.dead_letters.labels(topic=contract.CONTACTS, reason="invalid")._value.get() == 0
        assert metrics.dead_letters.labels(topic=contract.CONTACTS, reason="failed")._value.get() == 0
    print(f"late notifications caught up in {time.monotonic() - started:.1f}s")
