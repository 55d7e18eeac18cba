"""Nothing another person can read depends on an identity attribute its owner did not consent to show them.

Use in matching lets an attribute decide whom automatic pairing and rounds propose; show to a partner lets the
matched partner see it, so only a mentor who consented to show an attribute meets a mentee's requirement of it.
"""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from matching.adapters.solver import optimal_assignment
from matching.domain import commands
from matching.domain.model import Candidate, IdentityWish, ProgramRules
from matching.domain.pairing import refusal
from matching.domain.scoring import Weights, fit
from matching.service_layer import choice, lifecycle, projections, rounds, stepping_in, views
from mentorship_contracts import matching as published
from mentorship_contracts.profiles import ConsentChanged
from mentorship_contracts.vocabulary import TrainingStage
from pydantic import ValidationError

from .fakes import Platform
from .profiles_service import Profiles, acting_as, administrator

WISH = [{"attribute": "sexual_orientation", "strength": "preference"}]
REQUIREMENT = [{"attribute": "sexual_orientation", "strength": "requirement"}]


async def shown_to_partners(platform: Platform, person: UUID, attribute: str = "sexual_orientation") -> None:
    await projections.consent_changed(ConsentChanged(person_id=person, attribute=attribute, purpose="partner",
                                                     granted=True), platform.uow())


async def probe(platform: Platform, profiles: Profiles, program: UUID, mentee: UUID, requests: list[dict]) -> list:
    """What the mentee reads of the suggestions under each value they may declare."""
    answers = []
    for value in ("gay", "straight", "bisexual"):
        await profiles.profile(mentee, "undergraduate", specialties=["pediatrics"],
                               identity_for_matching={"sexual_orientation": value}, identity_requests=requests)
        answers.append(await choice.suggestions(program, mentee, platform.uow()))
    return answers


@pytest.mark.parametrize("requests", [WISH, REQUIREMENT], ids=["wish", "requirement"])
async def test_a_mentee_who_changes_their_declared_value_reads_the_same_suggestions_of_mentors_who_did_not_show_it(
        requests):
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="mentee_choice")
    for value in ("gay", "straight", "bisexual"):  # consented to use in matching only
        await profiles.person(program, "mentor", specialties=["pediatrics"],
                              identity_for_matching={"sexual_orientation": value})
    mentee = await profiles.person(program, "mentee")

    first, *others = await probe(platform, profiles, program, mentee, requests)

    assert all(answer == first for answer in others), "the order, the scores or the reasons gave a mentor away"
    assert not any("shared_identity" in s["reason_codes"] for s in first)
    if requests == REQUIREMENT:
        assert first == [], "no mentor consented to show it: no one can meet the requirement"


async def test_a_mentor_who_shows_the_attribute_to_partners_is_suggested_first_to_a_mentee_who_wishes_for_it():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="mentee_choice")
    hidden = await profiles.person(program, "mentor", specialties=["pediatrics"],
                                   identity_for_matching={"sexual_orientation": "gay"})
    shown = await profiles.person(program, "mentor", specialties=["pediatrics"],
                                  identity_for_matching={"sexual_orientation": "gay"})
    await shown_to_partners(platform, shown)
    mentee = await profiles.person(program, "mentee")

    wished, *_ = await probe(platform, profiles, program, mentee, WISH)
    required, *_ = await probe(platform, profiles, program, mentee, REQUIREMENT)

    assert [s["mentor_id"] for s in wished] == [shown, hidden]
    assert wished[0]["score"] == wished[1]["score"] and wished[0]["reason_codes"] == wished[1]["reason_codes"]
    assert [s["mentor_id"] for s in required] == [shown]


async def test_a_requirement_is_met_only_by_a_mentor_who_consented_to_show_the_attribute_to_a_partner():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    hidden = await profiles.person(program, "mentor", capacity=3, specialties=["pediatrics"],
                                   identity_for_matching={"first_generation": "yes"})
    mentee = await profiles.person(program, "mentee", specialties=["pediatrics"],
                                   identity_for_matching={"first_generation": "yes"},
                                   identity_requests=[{"attribute": "first_generation", "strength": "requirement"}])
    assert not platform.events(published.PairingConfirmed, mentee_id=mentee), "the pairing would disclose it"

    shown = await profiles.person(program, "mentor", identity_for_matching={"first_generation": "yes"})
    await shown_to_partners(platform, shown, "first_generation")

    assert [e.mentor_id for e in platform.events(published.PairingConfirmed, mentee_id=mentee)] == [shown]
    assert not platform.events(published.PairingConfirmed, mentor_id=hidden)


async def test_a_mentee_who_requires_an_attribute_cannot_request_a_mentor_who_did_not_show_it_whatever_its_value():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="mentee_choice")
    sharing = await profiles.person(program, "mentor", identity_for_matching={"first_generation": "yes"})
    other = await profiles.person(program, "mentor", identity_for_matching={"first_generation": "no"})
    mentee = await profiles.person(program, "mentee", identity_for_matching={"first_generation": "yes"},
                                   identity_requests=[{"attribute": "first_generation", "strength": "requirement"}])

    refusals = []
    for mentor in (sharing, other):
        with pytest.raises(Exception) as refused:
            await choice.request_mentor(commands.RequestMentor(program, mentee, mentor), platform.uow())
        refusals.append((type(refused.value), str(refused.value)))
    assert refusals[0] == refusals[1]


async def test_an_attribute_a_mentor_shows_partners_decides_whom_registration_proposes_but_not_the_score_or_reasons():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(both_must_accept=True, members_public=True)  # the public version is read
    await profiles.person(program, "mentor", specialties=["pediatrics"], capacity=2,
                          identity_for_matching={"sexual_orientation": "straight"})
    sharing = await profiles.person(program, "mentor", specialties=["pediatrics"],
                                    identity_for_matching={"sexual_orientation": "gay"})
    await shown_to_partners(platform, sharing)
    mentee = await profiles.person(program, "mentee", specialties=["pediatrics"],
                                   identity_for_matching={"sexual_orientation": "gay"}, identity_requests=WISH)
    alike = await profiles.person(program, "mentee", specialties=["pediatrics"])  # the same, without identity

    [proposed] = platform.events(published.PairingProposed, mentee_id=mentee)
    [other] = platform.events(published.PairingProposed, mentee_id=alike)
    assert proposed.mentor_id == sharing, "the attribute is used in matching and shown, as its owners consented"
    assert (proposed.score, proposed.reason_codes) == (other.score, other.reason_codes)
    assert "shared_identity" not in proposed.reason_codes and proposed.schema_version == 6
    for reader in (mentee, sharing):
        shown = await views.pairing(proposed.pairing_id, platform.uow(), acting_as(reader))
        assert (shown.score, shown.reasons) == (other.score, other.reason_codes)
        [listed] = [p for p in await views.pairings_of(reader, platform.uow()) if p["id"] == proposed.pairing_id]
        assert (listed["score"], listed["reasons"]) == (other.score, other.reason_codes)
    await lifecycle.accept(commands.AcceptPairing(proposed.pairing_id), platform.uow(), acting_as(mentee))
    await lifecycle.accept(commands.AcceptPairing(proposed.pairing_id), platform.uow(), acting_as(sharing))
    [confirmed] = platform.events(published.PairingConfirmed, mentee_id=mentee)
    assert (confirmed.score, confirmed.reason_codes) == (other.score, other.reason_codes)


@pytest.mark.parametrize("requests", [WISH, []], ids=["wish", "no wish"])
async def test_a_mentors_attribute_used_in_matching_but_not_shown_never_decides_whom_a_mentee_is_proposed(requests):
    """Otherwise a mentee with a wish and one without, alike in all else, proposed different mentors, would learn
    which mentor has the attribute: the one chosen though the other fits them visibly better."""
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(both_must_accept=True)
    interests = dict(specialties=["nephrology"], support_areas=["research"])
    await profiles.person(program, "mentor", capacity=2, timezone="America/New_York", **interests,
                          identity_for_matching={"sexual_orientation": "gay"})
    nearer = await profiles.person(program, "mentor", capacity=2, timezone="America/Chicago", **interests,
                                   identity_for_matching={"sexual_orientation": "straight"})
    mentee = await profiles.person(program, "mentee", timezone="America/Chicago", **interests,
                                   identity_for_matching={"sexual_orientation": "gay"}, identity_requests=requests)

    [proposed] = platform.events(published.PairingProposed, mentee_id=mentee)
    assert proposed.mentor_id == nearer, "the mentor who fits visibly better, whatever the other did not show"
    assert "same_time_zone" in proposed.reason_codes


async def test_a_rounds_proposals_and_total_score_carry_nothing_derived_from_identity():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor", specialties=["pediatrics"],
                                   identity_for_matching={"sexual_orientation": "gay"})
    mentee = await profiles.person(program, "mentee", specialties=["pediatrics"],
                                   identity_for_matching={"sexual_orientation": "gay"}, identity_requests=WISH)
    round_id = await rounds.queue_round(commands.RunRound(program, "optimal", False), platform.uow(), administrator())

    await rounds.run_next_round(platform.uow, optimal_assignment)
    [drafted] = (await rounds.round_status(round_id, platform.uow()))["pairs"]
    assert "shared_identity" not in drafted.reasons
    await rounds.publish(round_id, platform.uow(), administrator())

    [proposed] = platform.events(published.PairingProposed, mentee_id=mentee)
    candidates = {c.person_id: c for c in await platform.repositories["candidates"].in_program(
        await platform.programs.get(program), "mentee")}
    mentors = {c.person_id: c for c in await platform.repositories["candidates"].in_program(
        await platform.programs.get(program), "mentor")}
    visible = fit(candidates[mentee], mentors[mentor])
    assert (proposed.score, tuple(proposed.reason_codes)) == (visible.score, visible.reasons)
    assert "shared_identity" not in proposed.reason_codes
    [completed] = platform.events(published.RoundCompleted)
    assert completed.total_score == visible.score == (await rounds.round_status(round_id, platform.uow()))[
        "total_score"]


def test_the_public_pairing_events_refuse_a_reason_derived_from_identity():
    facts = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=uuid4(), mentor_id=uuid4(),
                 score=80, pairing_kind="general")
    published.PairingProposedV4(**facts, reason_codes=["near_peer"])
    for event in (published.PairingProposedV4, published.PairingConfirmedV4):
        extra = {"term_ends_at": "2027-11-22T00:00:00Z"} if event is published.PairingConfirmedV4 else {}
        with pytest.raises(ValidationError):
            event(**facts, **extra, reason_codes=["near_peer", "shared_identity"])


async def test_a_coordinator_pairing_by_hand_is_answered_alike_whether_or_not_the_mentee_requires_an_identity():
    """With a minimum score of 0 (the default), a refusal for an unmet identity requirement had no other cause: the
    coordinator learned the mentee required one. A pair made by hand is now proposed to the mentee whatever they
    require, and confirmed by the mentee alone, who sees what the mentor chose to show them and judges."""
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds", both_must_accept=False, minimum_score=0)
    mentor = await profiles.person(program, "mentor", capacity=2, identity_for_matching={"first_generation": "no"})
    requiring = await profiles.person(program, "mentee", identity_for_matching={"first_generation": "yes"},
                                      identity_requests=[{"attribute": "first_generation", "strength": "requirement"}])
    requiring_nothing = await profiles.person(program, "mentee")

    answers = []
    for mentee in (requiring, requiring_nothing):
        unit = platform.uow()
        made = await stepping_in.pair_by_hand(commands.PairByHand(program, mentee, mentor), unit, administrator())
        answers.append((made.status, made.mentee_accepted, made.mentor_accepted, unit.audited[0].detail.keys()))
    assert answers[0] == answers[1] and answers[0][0] == "proposed"

    [by_hand, _] = [p for p in platform.repositories["pairings"].pairings.values()
                    if p["origin"] == "manual"]
    coordinator = lambda pairing, program: commands.Actor(None, for_program=True)  # noqa: E731
    for side in (acting_as(mentor), coordinator):
        await lifecycle.accept(commands.AcceptPairing(by_hand["id"]), platform.uow(), side)
        assert platform.repositories["pairings"].pairings[by_hand["id"]]["status"] == "proposed"
    await lifecycle.accept(commands.AcceptPairing(by_hand["id"]), platform.uow(), acting_as(by_hand["mentee_id"]))
    assert platform.repositories["pairings"].pairings[by_hand["id"]]["status"] == "active"


@pytest.mark.parametrize("requests", [WISH, REQUIREMENT], ids=["wish", "requirement"])
async def test_a_coordinator_reads_a_mentees_suggestions_the_same_whatever_the_mentee_declared_or_wished(requests):
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="mentee_choice")
    for value in ("gay", "straight"):  # both shown to partners: the mentee's own reading depends on them
        mentor = await profiles.person(program, "mentor", specialties=["pediatrics"],
                                       identity_for_matching={"sexual_orientation": value})
        await shown_to_partners(platform, mentor)
    mentee = await profiles.person(program, "mentee")
    read = []
    for declared, wishes in ((None, []), ("gay", requests), ("straight", requests)):
        await profiles.profile(mentee, "undergraduate", specialties=["pediatrics"], identity_requests=wishes,
                               identity_for_matching={"sexual_orientation": declared} if declared else {})
        read.append(await choice.suggestions(program, mentee, platform.uow(), for_the_mentee=False))

    assert read[0] == read[1] == read[2] and len(read[0]) == 2


async def test_a_drafted_pair_whose_requirement_stopped_being_met_is_published_as_every_other_and_its_mentee_told():
    """A mentee who now requires an attribute their drafted mentor does not show. Skipping the pair told the
    coordinator it no longer fits while its score (which they read, identity-blind) still did; publishing it as made
    by hand told its mentor, the coordinator and other teams, since only its mentee could then confirm it (it stayed
    proposed once the mentor accepted, when the others' became active) and its events came after the others'. It is
    published as every other pair of the round, in the draft's order, and its mentee alone is told the mentor no longer
    meets what they require, whether it is proposed or active: they may decline it, or end it."""
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds", both_must_accept=False)
    for _ in range(2):  # neither shows it to partners
        await profiles.person(program, "mentor", identity_for_matching={"sexual_orientation": "gay"})
    requiring, other = await profiles.person(program, "mentee"), await profiles.person(program, "mentee")
    round_id = await rounds.queue_round(commands.RunRound(program, "optimal", False), platform.uow(), administrator())
    await rounds.run_next_round(platform.uow, optimal_assignment)
    drafted = [p.mentee_id for p in (await rounds.round_status(round_id, platform.uow()))["pairs"]]
    await profiles.profile(requiring, "undergraduate", identity_for_matching={"sexual_orientation": "gay"},
                           identity_requests=REQUIREMENT)

    outcome = await rounds.publish(round_id, platform.uow(), administrator())

    assert outcome["skipped"] == [] and outcome["paired"] == 2
    assert [e.mentee_id for e in platform.events(published.PairingProposedV6)] == drafted
    made = {p["mentee_id"]: p for p in platform.repositories["pairings"].pairings.values()}
    assert {p["origin"] for p in made.values()} == {"round"}
    told = {mentee: await views.requirement_met(made[mentee]["id"], platform.uow(), acting_as(mentee))
            for mentee in (requiring, other)}
    assert told == {requiring: False, other: None}
    assert await views.requirement_met(made[requiring]["id"], platform.uow(),
                                       acting_as(made[requiring]["mentor_id"])) is None
    for pairing in made.values():
        await lifecycle.accept(commands.AcceptPairing(pairing["id"]), platform.uow(), acting_as(pairing["mentor_id"]))
    statuses = {p["status"] for p in platform.repositories["pairings"].pairings.values()}
    assert statuses == {"proposed"}, "the mentors' yes waits for the mentees', as the program says, for every pair alike"
    assert await views.requirement_met(made[requiring]["id"], platform.uow(), acting_as(requiring)) is False


async def test_a_mentee_is_still_told_a_round_mentor_no_longer_meets_what_they_require_once_the_mentor_paused():
    # A paused mentor still answers the proposals he has: his mentee still judges them knowing what they require.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds", both_must_accept=False)
    mentor = await profiles.person(program, "mentor", identity_for_matching={"sexual_orientation": "gay"})
    mentee = await profiles.person(program, "mentee")
    round_id = await rounds.queue_round(commands.RunRound(program, "optimal", False), platform.uow(), administrator())
    await rounds.run_next_round(platform.uow, optimal_assignment)
    await profiles.profile(mentee, "undergraduate", identity_for_matching={"sexual_orientation": "gay"},
                           identity_requests=REQUIREMENT)
    await rounds.publish(round_id, platform.uow(), administrator())
    [made] = platform.repositories["pairings"].pairings.values()

    await profiles.pause(mentor, program)

    assert made["status"] == "proposed"
    assert await views.requirement_met(made["id"], platform.uow(), acting_as(mentee)) is False


async def test_a_coordinator_swapping_drafted_mentors_is_answered_alike_whether_or_not_a_mentee_requires_an_identity():
    """A swap refused for an unmet identity requirement told the coordinator the mentee required one. The swapped
    pairs are the coordinator's, like a pair made by hand: proposed at publishing, confirmed by their mentee alone."""
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds", both_must_accept=False, minimum_score=0)
    sharing = await profiles.person(program, "mentor", identity_for_matching={"sexual_orientation": "gay"})
    await shown_to_partners(platform, sharing)
    await profiles.person(program, "mentor")
    requiring = await profiles.person(program, "mentee", identity_for_matching={"sexual_orientation": "gay"},
                                      identity_requests=REQUIREMENT)
    other = await profiles.person(program, "mentee")
    round_id = await rounds.queue_round(commands.RunRound(program, "optimal", False), platform.uow(), administrator())
    await rounds.run_next_round(platform.uow, optimal_assignment)
    assert {p.mentee_id: p.mentor_id for p in (await rounds.round_status(round_id, platform.uow()))["pairs"]}[
        requiring] == sharing

    await rounds.swap(round_id, requiring, other, platform.uow(), administrator())
    await rounds.publish(round_id, platform.uow(), administrator())

    pairings = {p["mentee_id"]: p for p in platform.repositories["pairings"].pairings.values()}
    assert {p["origin"] for p in pairings.values()} == {"manual"}
    swapped = pairings[requiring]
    await lifecycle.accept(commands.AcceptPairing(swapped["id"]), platform.uow(), acting_as(swapped["mentor_id"]))
    now = platform.repositories["pairings"].pairings[swapped["id"]]
    assert now["status"] == "proposed"  # the mentee judges a pair their coordinator chose


async def test_a_coordinator_adding_a_pair_to_a_draft_is_answered_alike_whether_or_not_the_mentee_requires_an_identity():
    """As a swap: a refusal for an unmet identity requirement, or a pair set apart for it, would tell the coordinator
    that the mentee requires one. The pair added is theirs, proposed at publishing for its mentee alone to confirm."""
    answers = []
    for requests in (REQUIREMENT, []):
        platform = Platform()
        profiles = Profiles(platform)
        program = await profiles.program(pairing_mode="rounds", both_must_accept=False, minimum_score=0)
        mentor = await profiles.person(program, "mentor", specialties=["pediatrics"],
                                       identity_for_matching={"sexual_orientation": "straight"})
        await shown_to_partners(platform, mentor)
        first = await profiles.person(program, "mentee", specialties=["pediatrics"])  # the better fit: drafted
        probed = await profiles.person(program, "mentee", identity_for_matching={"sexual_orientation": "gay"},
                                       identity_requests=requests)
        round_id = await rounds.queue_round(commands.RunRound(program, "optimal", False), platform.uow(),
                                            administrator())
        await rounds.run_next_round(platform.uow, optimal_assignment)
        with pytest.raises(Exception) as full:
            await rounds.add_pair(commands.AddPairToDraft(round_id, probed, mentor), platform.uow(), administrator())
        await rounds.remove_pair(round_id, first, platform.uow(), administrator())
        unit = platform.uow()

        await rounds.add_pair(commands.AddPairToDraft(round_id, probed, mentor), unit, administrator())

        [added] = (await rounds.round_status(round_id, platform.uow()))["pairs"]
        await rounds.publish(round_id, platform.uow(), administrator())
        [made] = platform.repositories["pairings"].pairings.values()
        await lifecycle.accept(commands.AcceptPairing(made["id"]), platform.uow(), acting_as(mentor))
        answers.append((type(full.value), full.value.field, added.by_hand, added.score, added.reasons,
                        unit.audited[0].detail.keys(), made["origin"], made["status"]))
    assert answers[0] == answers[1] and answers[0][0].code == "mentor_full"
    assert answers[0][2] and answers[0][-2:] == ("manual", "proposed")


async def test_the_mentee_of_a_pair_made_by_hand_is_told_whether_the_mentor_meets_what_they_require():
    """They judge a pair no rule checked against their requirement: the proposal tells them (and them only) whether
    the mentor shares and shows what they require, as a pairing the engine made for it would."""
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds", both_must_accept=False)
    sharing = await profiles.person(program, "mentor", capacity=2, identity_for_matching={"sexual_orientation": "gay"})
    await shown_to_partners(platform, sharing)
    not_sharing = await profiles.person(program, "mentor", identity_for_matching={"sexual_orientation": "straight"})
    await shown_to_partners(platform, not_sharing)
    requiring, also_requiring = [
        await profiles.person(program, "mentee", identity_for_matching={"sexual_orientation": "gay"},
                              identity_requests=REQUIREMENT) for _ in range(2)]
    wishing_nothing = await profiles.person(program, "mentee")

    answers = {}
    for mentee, mentor in ((requiring, not_sharing), (also_requiring, sharing), (wishing_nothing, sharing)):
        made = await stepping_in.pair_by_hand(commands.PairByHand(program, mentee, mentor), platform.uow(),
                                              administrator())
        answers[mentee] = await views.requirement_met(made.id, platform.uow(), acting_as(mentee))
        assert await views.requirement_met(made.id, platform.uow(), acting_as(mentor)) is None  # the mentee's
    assert answers == {requiring: False, also_requiring: True, wishing_nothing: None}


@pytest.mark.parametrize("method", ["optimal", "stable"])
@pytest.mark.parametrize("mentor_shows", [False, True], ids=["shares_but_does_not_show", "does_not_share"])
async def test_a_round_gives_a_mentee_whose_requirement_no_mentor_meets_the_reason_it_gives_when_mentors_are_full(
        method, mentor_shows):
    """A coordinator reviews a round's draft: why a mentee was left unpaired is decided as if they required nothing
    (their requirement only decides whom they are proposed), so it says nothing of a requirement they never showed."""
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    mentor = await profiles.person(program, "mentor", capacity=3, specialties=["pediatrics"],
                                   identity_for_matching={"sexual_orientation": "lesbian" if not mentor_shows
                                                          else "straight"})
    if mentor_shows:
        await shown_to_partners(platform, mentor)
    requiring = await profiles.person(program, "mentee", specialties=["pediatrics"],
                                      identity_for_matching={"sexual_orientation": "lesbian"},
                                      identity_requests=REQUIREMENT)
    await profiles.person(program, "mentee", specialties=["pediatrics"])
    round_id = await rounds.queue_round(commands.RunRound(program, method, False), platform.uow(), administrator())

    await rounds.run_next_round(platform.uow, optimal_assignment)
    status = await rounds.round_status(round_id, platform.uow())
    [left] = status["unpaired_list"]
    assert (left.mentee_id, left.reason_code) == (requiring, "mentors_full")
    assert status["unpaired_reasons"] == {"mentors_full": 1}


def test_a_pair_a_coordinator_ended_is_refused_by_hand_alike_whether_the_mentor_meets_the_mentees_requirement_or_not():
    # Were it refused only when the requirement is met, the coordinator would learn from each such refusal (or its
    # absence) that the mentee requires something of a mentor.
    program = ProgramRules(id=uuid4(), chapter_id=None, pairing_mode="rounds", both_must_accept=False, pair_cap=None,
                           minimum_score=0, term_months=12, mentee_stages=[TrainingStage.UNDERGRADUATE],
                           mentor_stages=[TrainingStage.RESIDENT])
    mentee = Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=TrainingStage.UNDERGRADUATE,
                       identity={"sexual_orientation": "gay"},
                       identity_wishes=(IdentityWish("sexual_orientation", required=True),))
    mentors = [Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=TrainingStage.RESIDENT,
                         identity={"sexual_orientation": value}, shown=frozenset({"sexual_orientation"}))
               for value in ("gay", "straight")]
    ended = frozenset((mentee.person_id, mentor.person_id) for mentor in mentors)

    assert [refusal(mentee, mentor, program, Weights(), ended, ended_by_coordinator=ended, mentee_judges=True)
            for mentor in mentors] == ["ended_by_coordinator_before"] * 2
