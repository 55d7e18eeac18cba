"""Identity consented only for use in matching cannot be inferred by anyone, over the real broker and database."""

from __future__ import annotations

from uuid import uuid4

import asyncpg
from mentorship_contracts.profiles import ConsentChanged
from plumbing.testing import eventually

from .conftest import client, known_to_matching

WISH = [{"attribute": "sexual_orientation", "strength": "preference"}]


async def shown_in_matching(settings, person, attribute: str) -> None:
    """Wait until matching has applied the person's consent to show the attribute to a partner."""
    conn = await asyncpg.connect(settings.database_url)
    try:
        async def applied() -> bool:
            return bool(await conn.fetchval("SELECT $2 = ANY(shown_to_partner) FROM matching_profiles "
                                            "WHERE person_id = $1", person, attribute))
        await eventually(applied, timeout=60, what="matching to apply the consent to show")
    finally:
        await conn.close()


async def test_a_mentee_who_changes_their_declared_value_and_reads_the_suggestions_again_learns_nothing(
        matching, matching_settings, profiles):
    program = await profiles.program(pairing_mode="mentee_choice")
    mentors = [await profiles.person(program, "mentor", specialties=["pediatrics"],
                                     identity_for_matching={"sexual_orientation": value})
               for value in ("gay", "straight")]  # consented to use in matching, not to show a partner
    mentee = uuid4()
    await profiles.profile(mentee, "undergraduate", specialties=["pediatrics"],
                           identity_for_matching={"sexual_orientation": "gay"}, identity_requests=WISH)
    await profiles.enroll(mentee, program, "mentee", "undergraduate")
    await known_to_matching(matching_settings, mentee, *mentors)

    conn = await asyncpg.connect(matching_settings.database_url)
    try:
        async with client(matching, "participant", person_id=mentee) as as_mentee:
            async def suggested():
                response = await as_mentee.get(f"/v1/programs/{program}/suggestions",
                                               params={"mentee_id": str(mentee)})
                return response.json() if response.status_code == 200 and len(response.json()) == 2 else None

            before = await eventually(suggested, timeout=60, what="both mentors suggested")
            stored = await conn.fetchval("SELECT identity FROM matching_profiles WHERE person_id = $1", mentee)
            await profiles.profile(mentee, "undergraduate", specialties=["pediatrics"],
                                   identity_for_matching={"sexual_orientation": "straight"}, identity_requests=WISH)

            async def changed():
                return await conn.fetchval("SELECT identity FROM matching_profiles WHERE person_id = $1",
                                           mentee) != stored

            await eventually(changed, timeout=60, what="the mentee's new value to be applied")
            after = await suggested()
    finally:
        await conn.close()
    assert after == before, "the order, a score or a reason gave away a mentor's value"
    assert not any("shared_identity" in s["reason_codes"] for s in before)


async def test_a_pairing_identity_decided_says_nothing_of_it_on_the_public_topic_nor_to_those_who_read_it(
        matching, matching_settings, profiles, observer):
    chapter = uuid4()
    program = await profiles.program(chapter_id=chapter)
    other = await profiles.person(program, "mentor", specialties=["pediatrics"], capacity=3)
    sharing = await profiles.person(program, "mentor", specialties=["pediatrics"],
                                    identity_for_matching={"sexual_orientation": "gay"})
    await known_to_matching(matching_settings, other, sharing)
    await profiles.send(ConsentChanged(person_id=sharing, attribute="sexual_orientation", purpose="partner",
                                       granted=True))
    await shown_in_matching(matching_settings, sharing, "sexual_orientation")
    mentee = await profiles.person(program, "mentee", specialties=["pediatrics"],
                                   identity_for_matching={"sexual_orientation": "gay"}, identity_requests=WISH)

    confirmed = (await observer.wait_for(program, "pairing_confirmed", mentee_id=mentee))[0]
    assert confirmed["mentor_id"] == str(sharing), "identity decides who is proposed, as both consented"
    assert confirmed["schema_version"] == 4 and "shared_identity" not in confirmed["reason_codes"]
    alike = await profiles.person(program, "mentee", specialties=["pediatrics"])  # the same, without identity
    told = (await observer.wait_for(program, "pairing_confirmed", mentee_id=alike))[0]
    assert (confirmed["score"], confirmed["reason_codes"]) == (told["score"], told["reason_codes"])
    for reader in (client(matching, "coordinator", chapter_id=chapter),
                   client(matching, "participant", person_id=sharing)):
        async with reader:
            shown = (await reader.get(f"/v1/pairings/{confirmed['pairing_id']}")).json()
            assert (shown["score"], shown["reason_codes"]) == (told["score"], told["reason_codes"])


async def test_a_requirement_is_met_only_by_a_mentor_who_shows_the_attribute_to_partners(
        matching, matching_settings, profiles, observer):
    program = await profiles.program()
    hidden = await profiles.person(program, "mentor", capacity=3, identity_for_matching={"first_generation": "yes"})
    await known_to_matching(matching_settings, hidden)
    mentee = await profiles.person(program, "mentee", identity_for_matching={"first_generation": "yes"},
                                   identity_requests=[{"attribute": "first_generation", "strength": "requirement"}])
    await observer.wait_for(program, "mentee_waitlisted", mentee_id=mentee)

    await profiles.send(ConsentChanged(person_id=hidden, attribute="first_generation", purpose="partner",
                                       granted=True))
    confirmed = (await observer.wait_for(program, "pairing_confirmed", mentee_id=mentee))[0]
    assert confirmed["mentor_id"] == str(hidden)
