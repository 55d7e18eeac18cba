"""A program that keeps who takes part from other teams, over the real broker and database: its enrollments read
from profiles' private twins, its pairings and waitlist places told only on the restricted matching.private-pairings,
while a public program's stay on the public topics."""

from __future__ import annotations

PRIVATE_PAIRINGS = "matching.private-pairings"


async def test_a_private_programs_pairing_and_waitlist_go_only_to_the_restricted_topic_and_a_public_ones_stay_public(
        matching, profiles, observer):
    private = await profiles.program(members_public=False)
    public = await profiles.program(members_public=True)

    # Profiles publishes a private program's enrollments as their twins, on profiles.private-enrollments.
    private_mentor = await profiles.person(private, "mentor", private=True)
    private_mentee = await profiles.person(private, "mentee", private=True)
    public_mentor = await profiles.person(public, "mentor")
    public_mentee = await profiles.person(public, "mentee")

    [kept] = await observer.wait_for(private, "private_pairing_confirmed", mentee_id=private_mentee)
    [shown] = await observer.wait_for(public, "pairing_confirmed", mentee_id=public_mentee)
    assert (kept["mentor_id"], shown["mentor_id"]) == (str(private_mentor), str(public_mentor))
    assert observer.topic_of[kept["event_id"]] == PRIVATE_PAIRINGS
    assert observer.topic_of[shown["event_id"]] == "matching.pairings"

    # The mentor has no room left: the next mentee waits, and is told so on the restricted topic alone.
    waiting = await profiles.person(private, "mentee", private=True)
    [place] = await observer.wait_for(private, "private_mentee_waitlisted", mentee_id=waiting, position=1)
    assert observer.topic_of[place["event_id"]] == PRIVATE_PAIRINGS

    told = await observer.of(private)
    assert {(e["event_type"], observer.topic_of[e["event_id"]]) for e in told} == {
        ("matching.private_pairing_confirmed", PRIVATE_PAIRINGS),
        ("matching.private_mentee_waitlisted", PRIVATE_PAIRINGS)}
    assert all(observer.topic_of[e["event_id"]] != PRIVATE_PAIRINGS for e in await observer.of(public))
