from uuid import UUID, uuid4

from mentorship_contracts import events, matching, profiles
from plumbing.membership import published


def _waitlisted(program_id):
    return matching.MenteeWaitlistedV3(program_id=program_id, chapter_id=None, enrollment_id=uuid4(),
                                       mentee_id=uuid4(), position=1, pairing_kind="general")


class Store:
    """Which programs keep who takes part private, and what it was asked."""

    def __init__(self, private: set[UUID]) -> None:
        self.private, self.asked = private, []

    async def keeping_members_private(self, program_ids: set[UUID]) -> set[UUID]:
        self.asked.append(program_ids)
        return program_ids & self.private


async def test_an_event_of_a_program_that_keeps_its_members_private_goes_as_its_twin_with_the_same_facts_and_id():
    private, public = uuid4(), uuid4()
    kept, shown = _waitlisted(private), _waitlisted(public)
    store = Store({private})

    twin, same = await published([kept, shown], store.keeping_members_private)

    assert type(twin) is matching.PrivateMenteeWaitlisted and twin.topic == matching.PRIVATE_PAIRINGS
    assert twin.event_id == kept.event_id and twin.mentee_id == kept.mentee_id and twin.position == 1
    assert same is shown
    assert store.asked == [{private, public}]


async def test_an_older_version_still_published_goes_as_the_newer_versions_twin():
    program_id = uuid4()
    ended = matching.PairingEndedV2(pairing_id=uuid4(), program_id=program_id, chapter_id=None, mentee_id=uuid4(),
                                    mentor_id=uuid4(), ended_by="mentor", reason_code="moved_on")

    (twin,) = await published([ended], Store({program_id}).keeping_members_private)

    assert isinstance(twin, matching.PrivatePairingEnded) and isinstance(twin, matching.PairingEndedV3)
    assert twin.ended_by == "mentor" and not twin.ended_by_program


async def test_a_private_programs_round_goes_as_its_twin_and_a_public_programs_as_it_is():
    private, public = uuid4(), uuid4()
    kept, shown = (matching.RoundCompletedV2(round_id=uuid4(), program_id=program_id, chapter_id=None, paired=1,
                                             unpaired=0, total_score=50) for program_id in (private, public))

    twin, same = await published([kept, shown], Store({private}).keeping_members_private)

    assert type(twin) is matching.PrivateRoundCompleted and twin.paired == 1 and same is shown


async def test_events_without_a_twin_go_as_they_are_and_ask_nothing():
    defined = profiles.ProgramDefinedV5(program_id=uuid4(), chapter_id=None, name="LGBTQ+ in Medicine",
                                        mentee_stages=["undergraduate"], mentor_stages=["resident"])
    store = Store({defined.program_id})

    assert await published([defined], store.keeping_members_private) == [defined]
    assert store.asked == []


async def test_a_registration_kept_private_by_its_events_organiser_is_not_a_programs_to_swap():
    """It has a twin, but for its event's attendees, and no program: the events service picks it, not this."""
    confirmed = events.RegistrationConfirmedV2(registration_id=uuid4(), scheduled_event_id=uuid4(), chapter_id=None,
                                               person_id=uuid4())
    store = Store(set())

    assert await published([confirmed], store.keeping_members_private) == [confirmed]
    assert store.asked == []


def test_a_program_definition_keeps_members_private_unless_it_says_otherwise():
    assert profiles.ProgramDefinedV5.model_fields["members_public"].default is False
