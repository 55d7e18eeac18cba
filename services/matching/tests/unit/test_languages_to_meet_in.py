"""The languages people can meet in: a pair who both listed some and share none is never proposed, by any path; one
who listed none rules nobody out. On in-memory repositories."""

from __future__ import annotations

from uuid import uuid4

import pytest
from matching.adapters.solver import optimal_assignment
from matching.domain import commands
from matching.domain.errors import MentorRuledOut, NoSharedLanguage
from matching.domain.model import Candidate
from matching.domain.scoring import pair_exclusion
from matching.service_layer import choice, rounds, stepping_in
from mentorship_contracts import matching as published
from mentorship_contracts.vocabulary import TrainingStage as S

from .fakes import Platform
from .profiles_service import Profiles, administrator


def speaking(stage: S, *languages: str) -> Candidate:
    return Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=stage, languages=list(languages))


def test_a_pair_who_both_listed_languages_and_share_none_is_ruled_out_and_one_who_listed_none_is_not():
    spanish, english = speaking(S.UNDERGRADUATE, "es"), speaking(S.RESIDENT, "en")
    assert pair_exclusion(spanish, english) == "no_shared_language"
    assert pair_exclusion(spanish, speaking(S.RESIDENT, "en", "es")) is None
    assert pair_exclusion(speaking(S.UNDERGRADUATE), english) is None
    assert pair_exclusion(spanish, speaking(S.RESIDENT)) is None


async def test_a_mentee_who_meets_only_in_spanish_is_not_proposed_a_mentor_who_meets_only_in_english():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    await profiles.person(program, "mentor", languages=["en"], specialties=["pediatrics"])
    mentee = await profiles.person(program, "mentee", languages=["es"], specialties=["pediatrics"])

    assert not platform.events(published.PairingConfirmed)
    assert platform.events(published.MenteeWaitlisted, mentee_id=mentee)

    spanish = await profiles.person(program, "mentor", languages=["es", "fr"])
    [confirmed] = platform.events(published.PairingConfirmed, mentee_id=mentee)
    assert confirmed.mentor_id == spanish and "shared_language" in confirmed.reason_codes


async def test_a_mentee_who_listed_no_language_is_paired_with_a_mentor_who_listed_some_as_before():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor", languages=["en"])
    mentee = await profiles.person(program, "mentee")

    [confirmed] = platform.events(published.PairingConfirmed, mentee_id=mentee)
    assert confirmed.mentor_id == mentor and "shared_language" not in confirmed.reason_codes


async def drafted(platform: Platform, program, method: str = "optimal"):
    round_id = await rounds.queue_round(commands.RunRound(program, method, False), platform.uow(), administrator())
    await rounds.run_next_round(platform.uow, optimal_assignment)
    return round_id


@pytest.mark.parametrize("method", ["optimal", "stable"])
async def test_a_round_pairs_each_mentee_with_a_mentor_they_share_a_language_with_whoever_fits_better(method):
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    english = await profiles.person(program, "mentor", languages=["en"], specialties=["pediatrics"],
                                    support_areas=["research"])
    spanish = await profiles.person(program, "mentor", languages=["es"])
    # Each fits the English-speaking mentor best, but for the language.
    in_spanish = await profiles.person(program, "mentee", languages=["es"], specialties=["pediatrics"],
                                       support_areas=["research"])
    in_english = await profiles.person(program, "mentee", languages=["en"])

    draft = await rounds.round_status(await drafted(platform, program, method), platform.uow())

    assert sorted((p.mentee_id, p.mentor_id) for p in draft["pairs"]) == sorted(
        [(in_spanish, spanish), (in_english, english)])


@pytest.mark.parametrize("method", ["optimal", "stable"])
async def test_a_mentee_whose_only_fitting_mentors_share_no_language_with_them_is_left_with_no_eligible_mentor(method):
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    await profiles.person(program, "mentor", languages=["en"], capacity=3)
    full = await profiles.person(program, "mentor", languages=["en"])
    await stepping_in.pair_by_hand(commands.PairByHand(program, await profiles.person(program, "mentee"), full),
                                   platform.uow(), administrator())
    in_french = await profiles.person(program, "mentee", languages=["fr"])

    draft = await rounds.round_status(await drafted(platform, program, method), platform.uow())

    assert not draft["pairs"]
    assert [(u.mentee_id, u.reason_code) for u in draft["unpaired_list"]] == [(in_french, "no_eligible_mentor")]


async def test_a_coordinator_pairing_by_hand_a_mentee_and_a_mentor_with_no_language_in_common_must_give_a_reason():
    # Two languages are offered to list: a coordinator may know a pair shares another one.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor", languages=["en"])
    mentee = await profiles.person(program, "mentee", languages=["es"])

    with pytest.raises(NoSharedLanguage) as refused:
        await stepping_in.pair_by_hand(commands.PairByHand(program, mentee, mentor), platform.uow(), administrator())

    assert (refused.value.status, refused.value.code, refused.value.field) == (409, "no_shared_language", "mentor_id")
    assert refused.value.message == "the mentee and the mentor have no language in common to meet in"
    assert not platform.events(published.PairingProposed)
    await stepping_in.pair_by_hand(commands.PairByHand(program, mentee, mentor, "both speak Portuguese"),
                                   platform.uow(), administrator())
    assert len(platform.events(published.PairingProposed)) == 1


async def test_a_swap_that_would_leave_a_mentee_with_a_mentor_they_share_no_language_with_is_refused():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    await profiles.person(program, "mentor", languages=["en"])
    await profiles.person(program, "mentor", languages=["es"])
    in_english = await profiles.person(program, "mentee", languages=["en"])
    in_spanish = await profiles.person(program, "mentee", languages=["es"])
    round_id = await drafted(platform, program)
    before = (await rounds.round_status(round_id, platform.uow()))["pairs"]

    with pytest.raises(NoSharedLanguage) as refused:
        await rounds.swap(round_id, in_english, in_spanish, platform.uow(), administrator())

    assert refused.value.field == "mentee_a"
    assert (await rounds.round_status(round_id, platform.uow()))["pairs"] == before


async def test_publishing_skips_a_drafted_pair_whose_mentee_no_longer_shares_a_language_with_their_mentor():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor", languages=["en", "es"])
    mentee = await profiles.person(program, "mentee", languages=["es"])
    round_id = await drafted(platform, program)
    await profiles.profile(mentee, "undergraduate", languages=["fr"])

    outcome = await rounds.publish(round_id, platform.uow(), administrator())

    assert [(s["mentee_id"], s["mentor_id"], s["reason_code"]) for s in outcome["skipped"]] == [
        (mentee, mentor, "no_shared_language")]
    assert not platform.events(published.PairingProposed)


async def test_a_mentee_choosing_is_not_suggested_a_mentor_they_share_no_language_with_nor_may_ask_one():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="mentee_choice")
    english = await profiles.person(program, "mentor", languages=["en"], specialties=["pediatrics"])
    spanish = await profiles.person(program, "mentor", languages=["es"])
    unsaid = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee", languages=["es"], specialties=["pediatrics"])

    suggested = await choice.suggestions(program, mentee, platform.uow())
    read_by_a_coordinator = await choice.suggestions(program, mentee, platform.uow(), for_the_mentee=False)

    assert {s["mentor_id"] for s in suggested} == {s["mentor_id"] for s in read_by_a_coordinator} == {spanish, unsaid}
    with pytest.raises(MentorRuledOut):
        await choice.request_mentor(commands.RequestMentor(program, mentee, english), platform.uow())
    assert not platform.events(published.PairingProposed)
