"""Private twins: a public event's facts, about someone whose taking part is theirs to tell, on a restricted topic."""

from uuid import uuid4

import pytest
from mentorship_contracts import decode, events, matching
from mentorship_contracts.envelope import as_private, has_private_twin, private_twin_of, private_twins

REGISTRATION_TWINS = [
    (events.RegistrationConfirmedV2, events.PrivateRegistrationConfirmed, "events.private_registration_confirmed"),
    (events.RegistrationWaitlistedV2, events.PrivateRegistrationWaitlisted, "events.private_registration_waitlisted"),
    (events.RegistrationPromotedV2, events.PrivateRegistrationPromoted, "events.private_registration_promoted"),
    (events.RegistrationCancelledV3, events.PrivateRegistrationCancelled, "events.private_registration_cancelled"),
    (events.WaitlistClosed, events.PrivateWaitlistClosed, "events.private_waitlist_closed"),
    (events.RegistrationRestated, events.PrivateRegistrationRestated, "events.private_registration_restated"),
]


@pytest.mark.parametrize(("public", "twin", "event_type"), REGISTRATION_TWINS, ids=lambda v: getattr(v, "__name__", ""))
def test_a_registrations_twin_keeps_its_name_type_version_topic_and_fields_on_the_wire(public, twin, event_type):
    assert private_twin_of(public) is twin and issubclass(twin, public)
    assert twin.__name__ == f"Private{public.__name__.removesuffix('V2').removesuffix('V3')}"
    assert twin.model_fields["event_type"].default == event_type
    assert twin.model_fields["schema_version"].default == 1
    assert twin.topic == events.ATTENDEES
    assert twin.model_fields.keys() == public.model_fields.keys()


def test_a_registrations_twin_says_its_event_keeps_who_registers_private_and_a_pairings_twin_its_program_members():
    assert "an event whose organiser keeps who registers from other teams (`attendees_public` false)" in (
        events.PrivateRegistrationConfirmed.__doc__)
    assert "members_public" not in events.PrivateRegistrationConfirmed.__doc__
    assert "a program that keeps who takes part from other teams (`members_public` false)" in (
        matching.PrivatePairingConfirmed.__doc__)


def test_a_registrations_twin_decodes_and_carries_the_public_events_facts_and_id():
    confirmed = events.RegistrationConfirmedV2(registration_id=uuid4(), scheduled_event_id=uuid4(), chapter_id=None,
                                               person_id=uuid4())

    twin = as_private(confirmed)

    assert type(twin) is events.PrivateRegistrationConfirmed
    assert decode(twin.to_json()) == twin and twin.event_id == confirmed.event_id
    assert twin.person_id == confirmed.person_id


def test_the_twins_kept_for_an_events_attendees_are_the_registrations_and_only_they():
    assert set(private_twins("attendees")) == {twin for _, twin, _ in REGISTRATION_TWINS}
    assert matching.PrivatePairingConfirmed in private_twins("members")
    assert not set(private_twins("members")) & set(private_twins("attendees"))


def test_whether_an_event_has_a_twin_is_asked_for_what_its_twin_keeps_private():
    confirmed = events.RegistrationConfirmedV2(registration_id=uuid4(), scheduled_event_id=uuid4(), chapter_id=None,
                                               person_id=uuid4())
    round_done = matching.RoundCompletedV2(round_id=uuid4(), program_id=uuid4(), chapter_id=None, paired=1,
                                           unpaired=0, total_score=50)

    assert has_private_twin(confirmed, keeping="attendees") and not has_private_twin(confirmed, keeping="members")
    assert has_private_twin(round_done, keeping="members") and not has_private_twin(round_done, keeping="attendees")


def test_a_private_programs_round_goes_as_its_twin_on_the_restricted_pairings_topic():
    twin = private_twin_of(matching.RoundCompletedV2)

    assert twin is matching.PrivateRoundCompleted and issubclass(twin, matching.RoundCompletedV2)
    assert twin.model_fields["event_type"].default == "matching.private_round_completed"
    assert twin.model_fields["schema_version"].default == 1
    assert twin.topic == matching.PRIVATE_PAIRINGS and twin.key_field == "program_id"
