"""A matched partner sees exactly what the person consented to show them, for as long as they are partners; anyone
else learns nothing, not even that the person exists."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from mentorship_contracts import matching
from mentorship_contracts import profiles as contract
from mentorship_contracts.vocabulary import Role
from mentorship_contracts.vocabulary import TrainingStage as S
from plumbing.errors import NotFound
from profiles.domain import commands
from profiles.domain.model import IdentityAttribute as Attribute
from profiles.domain.model import PronounsVisibility, Purpose
from profiles.service_layer import handlers

from .conftest import STAFF, anyone

TERM_END = datetime(2028, 3, 1, tzinfo=UTC)


@pytest.fixture
async def pair(uow, register):
    """A mentor who shows a partner some attributes and not others, and their mentee."""
    mentor = await register(S.RESIDENT, display_name="Dr. Ana Reyes", pronouns="she/her", bio="EM resident")
    await handlers.declare_identity(commands.DeclareIdentity(mentor.id, {
        "sexual_orientation": Attribute("queer", use_in_matching=True),
        "race_ethnicity": Attribute("Latina", show_to_partner=True),
        "first_generation": Attribute("first in my family", use_in_matching=True, show_to_partner=True),
    }, []), uow)
    mentee = await register(S.UNDERGRADUATE, display_name="Sam Okafor")
    return mentor, mentee


def facts(mentor, mentee, pairing_id=None) -> dict:
    return dict(pairing_id=pairing_id or uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee.id,
                mentor_id=mentor.id)


async def confirmed(uow, mentor, mentee) -> dict:
    pairing = facts(mentor, mentee)
    await handlers.pairing_active(matching.PairingConfirmedV3(**pairing, score=80, term_ends_at=TERM_END), uow)
    return pairing


async def view(uow, person, viewer):
    return await handlers.partner_view(person.id, viewer.id if viewer else None, uow)


async def refusal(uow, person_id, viewer_id) -> tuple:
    with pytest.raises(NotFound) as refused:
        await handlers.partner_view(person_id, viewer_id, uow)
    return type(refused.value), refused.value.code, str(refused.value), refused.value.field


async def test_a_partner_sees_the_name_pronouns_bio_and_only_the_attributes_shown_to_a_partner(uow, pair):
    mentor, mentee = pair
    await confirmed(uow, mentor, mentee)
    seen = await view(uow, mentor, mentee)
    assert (seen.display_name, seen.pronouns, seen.bio) == ("Dr. Ana Reyes", "she/her", "EM resident")
    assert seen.identity == {"race_ethnicity": "Latina", "first_generation": "first in my family"}
    assert (await view(uow, mentee, mentor)).display_name == "Sam Okafor"


async def test_a_partner_sees_how_to_reach_the_person_the_address_the_pairing_email_gave_them(uow, pair):
    mentor, mentee = pair
    await confirmed(uow, mentor, mentee)
    assert (await view(uow, mentor, mentee)).email == mentor.email
    assert (await view(uow, mentee, mentor)).email == mentee.email


async def test_a_partner_sees_the_persons_training_stage_and_time_zone_to_plan_a_first_call(uow, register):
    mentor = await register(S.RESIDENT, timezone="America/Los_Angeles")
    mentee = await register(S.HIGH_SCHOOL, timezone="America/New_York")
    await confirmed(uow, mentor, mentee)
    seen = await view(uow, mentee, mentor)
    assert (seen.stage, seen.timezone) == (S.HIGH_SCHOOL, "America/New_York")
    assert (await view(uow, mentor, mentee)).timezone == "America/Los_Angeles"


async def test_pronouns_kept_from_partners_are_not_shown_to_one(uow, pair):
    mentor, mentee = pair
    await handlers.update_person(commands.UpdatePerson(
        mentor.id, {"pronouns_visibility": PronounsVisibility.COORDINATORS}, mentor.id), uow, anyone)
    await confirmed(uow, mentor, mentee)
    assert (await view(uow, mentor, mentee)).pronouns is None


async def test_after_withdrawing_consent_the_partner_no_longer_sees_the_attribute(uow, pair):
    mentor, mentee = pair
    await confirmed(uow, mentor, mentee)
    await handlers.withdraw_consent(commands.WithdrawConsent(mentor.id, "race_ethnicity", Purpose.PARTNER), uow)
    assert (await view(uow, mentor, mentee)).identity == {"first_generation": "first in my family"}
    # Notifications' copy, which the pairing email shows, loses it too.
    contact = [e for e in uow.published if isinstance(e, contract.ContactDetailsChanged)][-1]
    assert contact.person_id == mentor.id and contact.identity_for_partner == {"first_generation": "first in my family"}


async def test_anyone_but_a_partner_is_answered_as_if_the_person_did_not_exist(uow, pair, register):
    mentor, mentee = pair
    stranger = await register(S.UNDERGRADUATE)
    nobody = await refusal(uow, uuid4(), stranger.id)
    assert await refusal(uow, mentor.id, mentee.id) == nobody  # proposed or not, not yet partners
    await confirmed(uow, mentor, mentee)
    assert await refusal(uow, mentor.id, stranger.id) == nobody
    assert await refusal(uow, mentor.id, None) == nobody  # a coordinator, an administrator: not partners


@pytest.mark.parametrize("ending", ["ended", "completed", "declined", "lapsed"])
async def test_once_the_pairing_is_over_the_partner_sees_nothing_more(uow, pair, ending):
    mentor, mentee = pair
    pairing = await confirmed(uow, mentor, mentee)
    over = {
        "ended": lambda: matching.PairingEndedV2(**pairing, ended_by=Role.MENTEE, reason_code="schedule"),
        "completed": lambda: matching.PairingCompletedV2(**pairing),
        "declined": lambda: matching.PairingDeclinedV2(**pairing, declined_by=Role.MENTOR, reason_code="capacity"),
        "lapsed": lambda: matching.PairingLapsedV2(**pairing, reason_code="another_accepted"),
    }[ending]()
    await handlers.pairing_over(over, uow)
    assert await refusal(uow, mentor.id, mentee.id) == await refusal(uow, uuid4(), mentee.id)


async def test_a_late_sign_of_the_pairing_does_not_bring_it_back(uow, pair):
    mentor, mentee = pair
    pairing = await confirmed(uow, mentor, mentee)
    await handlers.pairing_over(matching.PairingCompletedV2(**pairing), uow)
    await handlers.pairing_active(matching.PairingRenewedV2(**pairing, term_ends_at=TERM_END), uow)
    with pytest.raises(NotFound):
        await view(uow, mentor, mentee)


async def test_a_renewal_or_a_reminder_is_enough_to_know_a_pairing_confirmed_before_profiles_listened(uow, pair):
    mentor, mentee = pair
    await handlers.pairing_active(matching.RenewalDueV2(**facts(mentor, mentee), term_ends_at=TERM_END), uow)
    assert (await view(uow, mentor, mentee)).display_name == "Dr. Ana Reyes"


async def test_erasing_a_person_forgets_their_pairings_and_a_late_one_is_not_recorded(uow, pair):
    mentor, mentee = pair
    pairing = await confirmed(uow, mentor, mentee)
    await handlers.erase_person(commands.ErasePerson(mentee.id), STAFF, uow, anyone)
    assert uow.partnerships.pairings == {}
    await handlers.pairing_active(matching.PairingRenewedV2(**pairing, term_ends_at=TERM_END), uow)
    assert uow.partnerships.pairings == {}


# --- what a mentee hopes for, to the mentor proposed to them -----------------------------------------------------

@pytest.fixture
async def hoping(uow, chapter, register):
    """A program, a mentor in it, and a mentee who wrote what they hope for when enrolling."""
    program = await handlers.define_program(commands.DefineProgram(
        name="Into Medical School", chapter_id=chapter.id, mentee_stages=[S.UNDERGRADUATE],
        mentor_stages=[S.RESIDENT]), STAFF, uow)
    mentor = await register(S.RESIDENT, display_name="Dr. Ana Reyes")
    mentee = await register(S.UNDERGRADUATE, display_name="Sam Okafor")
    await handlers.enroll(commands.Enroll(mentee.id, program.id, Role.MENTEE,
                                          goals="Help with my personal statement"), uow, anyone)
    return program, mentor, mentee


async def test_the_mentor_proposed_to_a_mentee_reads_what_they_hope_for_while_it_waits_and_once_it_is_on(
        uow, hoping):
    program, mentor, mentee = hoping
    pairing = dict(facts(mentor, mentee), program_id=program.id)

    await handlers.pairing_proposed(matching.PairingProposedV5(**pairing, score=80, reason_codes=[]), uow)
    assert await handlers.mentee_hopes(pairing["pairing_id"], mentor.id, uow) == "Help with my personal statement"
    await handlers.pairing_active(matching.PairingConfirmedV3(**pairing, score=80, term_ends_at=TERM_END), uow)
    assert await handlers.mentee_hopes(pairing["pairing_id"], mentor.id, uow) == "Help with my personal statement"


async def test_what_a_mentee_hopes_for_is_the_mentors_alone_and_not_once_the_pairing_is_over(uow, hoping, register):
    program, mentor, mentee = hoping
    pairing = dict(facts(mentor, mentee), program_id=program.id)
    await handlers.pairing_proposed(matching.PairingProposedV5(**pairing, score=80, reason_codes=[]), uow)
    stranger = await register(S.RESIDENT)

    for viewer in (stranger.id, mentee.id, None):
        with pytest.raises(NotFound, match="no such pairing"):
            await handlers.mentee_hopes(pairing["pairing_id"], viewer, uow)
    await handlers.pairing_over(matching.PairingDeclinedV2(**pairing, declined_by="mentor",
                                                           reason_code="schedule_conflict"), uow)
    with pytest.raises(NotFound, match="no such pairing"):
        await handlers.mentee_hopes(pairing["pairing_id"], mentor.id, uow)
    # A proposal read late, after its decline, does not open it again.
    await handlers.pairing_proposed(matching.PairingProposedV5(**pairing, score=80, reason_codes=[]), uow)
    with pytest.raises(NotFound, match="no such pairing"):
        await handlers.mentee_hopes(pairing["pairing_id"], mentor.id, uow)


async def test_a_person_sees_themselves_as_a_partner_would_to_check_what_they_show_before_anyone_is_matched(uow, pair):
    mentor, _ = pair
    seen = await view(uow, mentor, mentor)
    assert (seen.display_name, seen.pronouns, seen.bio) == ("Dr. Ana Reyes", "she/her", "EM resident")
    assert seen.identity == {"race_ethnicity": "Latina", "first_generation": "first in my family"}
