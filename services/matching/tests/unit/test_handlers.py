"""Matching's use cases driven by profiles' events and people's commands, on in-memory repositories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from matching.domain import commands
from matching.domain.errors import MentorNotApproved, NotEnrolled, PairingKindRequired
from matching.entrypoints import consumers
from matching.entrypoints.schemas import EndIn
from matching.service_layer import choice, lifecycle, projections, views
from mentorship_contracts import matching as published
from mentorship_contracts.profiles import ConsentChanged, EnrollmentChangedV4, PersonErased
from plumbing import correlation

from .fakes import FakePrograms, Platform
from .profiles_service import Profiles, acting_as


async def test_a_registering_mentee_is_paired_at_once_with_the_best_mentor_who_has_room_and_told_why():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    await profiles.person(program, "mentor", specialties=["psychiatry"])
    pediatrician = await profiles.person(program, "mentor", specialties=["pediatrics"])
    mentee = await profiles.person(program, "mentee", specialties=["pediatrics"])

    [confirmed] = platform.events(published.PairingConfirmed, mentee_id=mentee)
    assert confirmed.mentor_id == pediatrician and "specialty_overlap" in confirmed.reason_codes
    assert confirmed.term_ends_at is not None
    assert [p["status"] for p in platform.stored_pairings(mentee_id=mentee)] == ["active"]
    assert not platform.events(published.MenteeWaitlisted)


async def test_a_mentee_no_mentor_fits_well_enough_waits_and_is_told_their_place_once():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(minimum_score=90)
    await profiles.person(program, "mentor", specialties=["psychiatry"], capacity=5)
    first = await profiles.person(program, "mentee", specialties=["pediatrics"])
    second = await profiles.person(program, "mentee", specialties=["dermatology"])
    await profiles.profile(first, "undergraduate", specialties=["neurology"])  # considered again, still waiting

    assert not platform.events(published.PairingConfirmed)
    assert [(e.mentee_id, e.position) for e in platform.events(published.MenteeWaitlisted)] == [(first, 1), (second, 2)]


async def test_room_freed_by_an_ended_mentorship_goes_to_the_mentee_who_waited_longest():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    first = await profiles.person(program, "mentee")
    second = await profiles.person(program, "mentee")
    third = await profiles.person(program, "mentee")
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=first)
    assert [(e.mentee_id, e.position) for e in platform.events(published.MenteeWaitlisted)] == [(second, 1), (third, 2)]

    await lifecycle.end(commands.EndPairing(pairing.pairing_id, "schedule_conflict"), platform.uow(), acting_as(first))

    [ended] = platform.events(published.PairingEnded)
    assert (ended.mentee_id, ended.ended_by, ended.reason_code) == (first, "mentee", "schedule_conflict")
    [again] = platform.events(published.PairingConfirmed, mentor_id=mentor, mentee_id=second)
    assert not platform.events(published.PairingConfirmed, mentee_id=third)
    # The pair that ended is never proposed again: the first mentee waits, behind the third.
    assert platform.events(published.MenteeWaitlisted, mentee_id=first)[-1].position == 2


async def test_a_mentor_whose_mentee_stopped_answering_ends_it_early_saying_so_and_the_mentee_waits_again():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=mentee)
    asked = EndIn.model_validate({"reason_code": "not_responding"})

    await lifecycle.end(commands.EndPairing(pairing.pairing_id, asked.reason_code), platform.uow(), acting_as(mentor))

    [ended] = platform.events(published.PairingEnded)
    assert (ended.ended_by, ended.reason_code) == ("mentor", "not_responding")
    assert platform.events(published.MenteeWaitlisted, mentee_id=mentee)


async def test_a_declined_proposal_returns_the_mentee_to_matching_and_never_to_the_same_mentor():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(both_must_accept=True)
    best = await profiles.person(program, "mentor", specialties=["pediatrics"])
    other = await profiles.person(program, "mentor", specialties=["psychiatry"])
    mentee = await profiles.person(program, "mentee", specialties=["pediatrics"])
    [proposed] = platform.events(published.PairingProposedV5, mentee_id=mentee)
    assert proposed.mentor_id == best and not proposed.requested_by_mentee

    declined = await lifecycle.decline(commands.DeclinePairing(proposed.pairing_id, "prefer_another_mentor"),
                                      platform.uow(), acting_as(mentee))

    assert declined.status == "declined"
    [told] = platform.events(published.PairingDeclined, mentee_id=mentee)
    assert (told.declined_by, told.reason_code) == ("mentee", "prefer_another_mentor")
    assert [p.mentor_id for p in platform.events(published.PairingProposed, mentee_id=mentee)] == [best, other]
    assert [p["status"] for p in platform.stored_pairings(mentee_id=mentee, mentor_id=best)] == ["declined"]


@pytest.mark.parametrize(("day", "published_as"), [(datetime(2027, 1, 5, 23, 59, tzinfo=UTC), "other"),
                                                    (datetime(2027, 1, 6, tzinfo=UTC), "no_reason_given")])
async def test_a_decline_without_a_reason_is_kept_so_and_published_so_once_other_teams_had_30_days_notice(
        day, published_as):
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(both_must_accept=True)
    await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    [proposed] = platform.events(published.PairingProposedV5, mentee_id=mentee)

    await lifecycle.decline(commands.DeclinePairing(proposed.pairing_id, "no_reason_given"), platform.uow(),
                            acting_as(mentee), now=day)

    [told] = platform.events(published.PairingDeclined, mentee_id=mentee)
    assert told.reason_code == published_as
    assert [p["closed_reason"] for p in platform.stored_pairings(mentee_id=mentee)] == ["no_reason_given"]


async def closed(how: str, pairing: published.PairingEvent, platform: Platform, profiles: Profiles,
                 program: UUID) -> None:
    """The pairing closes `how`: ended or declined by one of the pair, lapsed unanswered, or ended as its mentor left."""
    if how == "ended":
        await lifecycle.end(commands.EndPairing(pairing.pairing_id, "schedule_conflict"), platform.uow(),
                            acting_as(pairing.mentee_id))
    elif how == "declined":
        await lifecycle.decline(commands.DeclinePairing(pairing.pairing_id, "schedule_conflict"), platform.uow(),
                                acting_as(pairing.mentor_id))
    elif how == "lapsed unanswered":
        platform.later_by(days=15)
        await lifecycle.signal_lifecycle(platform.uow(), renewal_notice_days=30, answer_within_days=14)
    else:
        await profiles.withdraw(pairing.mentor_id, program)


@pytest.mark.parametrize("how", ["ended", "declined", "lapsed unanswered", "ended as its mentor withdrew"])
async def test_a_mentee_put_back_on_the_waitlist_by_a_pairing_closing_is_told_their_place_naming_that_pairing(how):
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(both_must_accept=how in ("declined", "lapsed unanswered"))
    await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    [pairing] = platform.events(published.PairingEvent, mentee_id=mentee)

    await closed(how, pairing, platform, profiles, program)

    [waiting] = platform.events(published.MenteeWaitlisted, mentee_id=mentee)
    assert isinstance(waiting, published.MenteeWaitlistedV4) and waiting.after_pairing_id == pairing.pairing_id


@pytest.mark.parametrize("declined_by, keeps_place", [("mentor", True), ("mentee", False)])
async def test_a_mentee_whose_proposed_mentor_declines_keeps_their_place_one_who_declines_goes_to_the_back(
        declined_by, keeps_place):
    # Declined by the mentor, a mentee who had accepted went behind everyone who enrolled after them.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(both_must_accept=True)
    mentor = await profiles.person(program, "mentor")
    first = await profiles.person(program, "mentee")
    for _ in range(2):  # both wait: the only mentor's room is taken by the proposal
        platform.later_by(days=1)
        await profiles.person(program, "mentee")
    [proposal] = platform.events(published.PairingProposed, mentee_id=first)
    platform.later_by(days=1)

    await lifecycle.decline(commands.DeclinePairing(proposal.pairing_id, "schedule_conflict"), platform.uow(),
                            acting_as(mentor if declined_by == "mentor" else first))

    # The mentor's room goes to the second; the first waits with the third, ahead of them unless they declined.
    [again] = platform.events(published.MenteeWaitlisted, mentee_id=first)
    assert again.position == (1 if keeps_place else 2)


async def test_a_mentee_waiting_from_their_enrollment_is_told_their_place_naming_no_pairing():
    platform = Platform()
    profiles = Profiles(platform)
    mentee = await profiles.person(await profiles.program(), "mentee")

    [waiting] = platform.events(published.MenteeWaitlisted, mentee_id=mentee)
    assert isinstance(waiting, published.MenteeWaitlistedV4) and waiting.after_pairing_id is None


async def test_a_proposal_and_a_request_say_from_the_start_until_when_they_may_be_answered():
    platform = Platform()
    profiles = Profiles(platform)
    proposing = await profiles.program(both_must_accept=True)  # the platform's time to answer, 14 days
    await profiles.person(proposing, "mentor")
    mentee = await profiles.person(proposing, "mentee")
    choosing = await profiles.program(pairing_mode="mentee_choice", answer_within_days=5)
    mentor = await profiles.person(choosing, "mentor")
    chooser = await profiles.person(choosing, "mentee")
    before = datetime.now(UTC)

    requested = await choice.request_mentor(commands.RequestMentor(choosing, chooser, mentor), platform.uow())

    [proposal] = platform.events(published.PairingProposedV6, mentee_id=mentee)
    assert timedelta(days=14) - timedelta(minutes=1) < proposal.answer_by - before < timedelta(days=14)
    [request] = platform.events(published.PairingProposedV6, pairing_id=requested)
    assert timedelta(days=5) <= request.answer_by - before < timedelta(days=5, minutes=1)


async def test_erasing_a_mentor_ends_their_mentorships_sends_their_mentees_back_to_wait_and_forgets_them():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor", capacity=2)
    mentees = [await profiles.person(program, "mentee") for _ in range(2)]
    assert len(platform.events(published.PairingConfirmed, mentor_id=mentor)) == 2

    await projections.person_erased(PersonErased(person_id=mentor), platform.uow())

    ended = platform.events(published.PairingEnded, mentor_id=mentor)
    assert sorted(e.mentee_id for e in ended) == sorted(mentees)
    assert {(e.ended_by, e.reason_code) for e in ended} == {("mentor", "person_erased")}
    assert [(e.mentee_id, e.position) for e in platform.events(published.MenteeWaitlisted)] == [
        (mentees[0], 1), (mentees[1], 2)]
    assert mentor not in platform.people.profiles
    assert not any(e["person_id"] == mentor for e in platform.people.enrollments.values())
    assert not any(mentor in (x["mentee_id"], x["mentor_id"]) for x in platform.pairings.pairings.values())


async def test_erasing_a_mentee_gives_their_place_with_the_mentor_to_the_next_mentee_waiting():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    erased = await profiles.person(program, "mentee")
    waiting = await profiles.person(program, "mentee")

    await projections.person_erased(PersonErased(person_id=erased), platform.uow())

    [ended] = platform.events(published.PairingEnded, mentee_id=erased)
    assert (ended.ended_by, ended.reason_code) == ("mentee", "person_erased")
    assert platform.events(published.PairingConfirmed, mentee_id=waiting, mentor_id=mentor)
    assert erased not in platform.people.profiles and not platform.stored_pairings(mentee_id=erased)


async def test_registrations_reuse_the_scored_mentors_until_a_mentor_changes_and_then_see_the_change():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor", specialties=["psychiatry"], capacity=10)
    await profiles.person(program, "mentee", specialties=["pediatrics"])
    await profiles.person(program, "mentee", specialties=["pediatrics"])
    built = platform.rosters.builds

    await profiles.profile(mentor, "resident", specialties=["pediatrics"])  # the mentor's profile changes
    newcomer = await profiles.person(program, "mentee", specialties=["pediatrics"])

    assert built == 1 and platform.rosters.builds == 2
    [confirmed] = platform.events(published.PairingConfirmed, mentee_id=newcomer)
    assert "specialty_overlap" in confirmed.reason_codes


async def test_a_mentor_whose_room_is_taken_elsewhere_is_not_given_another_mentee_from_a_kept_roster():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    await profiles.person(program, "mentor")  # room for one
    await profiles.person(program, "mentee")  # takes it, with the roster now kept in memory
    late = await profiles.person(program, "mentee")

    assert not platform.events(published.PairingConfirmed, mentee_id=late)
    assert [e.mentee_id for e in platform.events(published.MenteeWaitlisted)] == [late]


async def test_a_mentee_enrolled_for_two_kinds_holds_one_pairing_of_each_each_with_a_mentor_of_that_kind():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_kinds=["clinical", "research"])
    researcher = await profiles.person(program, "mentor", kind="research", specialties=["pediatrics"], capacity=3)
    clinician = await profiles.person(program, "mentor", kind="clinical", capacity=3)
    mentee = await profiles.person(program, "mentee", kind="clinical", specialties=["pediatrics"])
    # The researcher shares the mentee's specialty, but offers another kind of mentorship.
    assert [e.mentor_id for e in platform.events(published.PairingConfirmed, mentee_id=mentee)] == [clinician]

    await profiles.enroll(mentee, program, "mentee", "undergraduate", kind="research")
    assert [e.mentor_id for e in platform.events(published.PairingConfirmed, mentee_id=mentee)] == [clinician,
                                                                                                    researcher]
    await profiles.person(program, "mentor", kind="clinical", capacity=3)  # room appears: nobody is paired twice
    assert len(platform.events(published.PairingConfirmed, mentee_id=mentee)) == 2


async def test_a_mentee_enrolled_for_two_kinds_says_which_when_choosing_a_mentor():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="mentee_choice", pairing_kinds=["clinical", "research"])
    researcher = await profiles.person(program, "mentor", kind="research")
    mentee = await profiles.person(program, "mentee", kind="clinical")
    await profiles.enroll(mentee, program, "mentee", "undergraduate", kind="research")

    with pytest.raises(PairingKindRequired) as unsaid:
        await choice.suggestions(program, mentee, platform.uow())
    assert unsaid.value.field == "pairing_kind"
    assert await choice.suggestions(program, mentee, platform.uow(), "clinical") == []
    [suggested] = await choice.suggestions(program, mentee, platform.uow(), "research")
    assert suggested["mentor_id"] == researcher
    with pytest.raises(NotEnrolled) as wrong_kind:
        await choice.request_mentor(commands.RequestMentor(program, mentee, researcher, "clinical"), platform.uow())
    assert wrong_kind.value.field == "mentor_id"
    requested = await choice.request_mentor(commands.RequestMentor(program, mentee, researcher, "research"),
                                              platform.uow())

    [proposed] = platform.events(published.PairingProposedV5, pairing_id=requested)
    assert proposed.pairing_kind == "research" and proposed.requested_by_mentee
    await lifecycle.accept(commands.AcceptPairing(requested), platform.uow(), acting_as(researcher))
    [confirmed] = platform.events(published.PairingConfirmedV2, pairing_id=requested)
    assert confirmed.pairing_kind == "research"


async def test_a_note_with_a_request_is_read_by_its_mentor_and_mentee_alone_and_never_published():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="mentee_choice")
    mentor, other = await profiles.person(program, "mentor"), await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    note = "First in my family to apply; I would love advice on emergency medicine."
    requested = await choice.request_mentor(commands.RequestMentor(program, mentee, mentor, note=note), platform.uow())
    unwritten = await choice.request_mentor(commands.RequestMentor(program, mentee, other), platform.uow())

    assert await views.request_note(requested, platform.uow(), acting_as(mentor)) == note
    assert await views.request_note(requested, platform.uow(), acting_as(mentee)) == note
    assert await views.request_note(requested, platform.uow(), acting_as(other)) is None
    assert await views.request_note(unwritten, platform.uow(), acting_as(other)) is None
    staff = lambda pairing, program: commands.Actor(None, for_program=True)  # noqa: E731
    assert await views.request_note(requested, platform.uow(), staff) is None
    assert all("emergency" not in event.model_dump_json() for event in platform.published)
    # The mentee's copy of their data holds it.
    listed = {p["id"]: p["request_note"] for p in await views.pairings_of(mentee, platform.uow())}
    assert listed == {requested: note, unwritten: None}
    # Declined, it went no further: its mentor no longer reads it ("before they answer", the mentee was told).
    await lifecycle.decline(commands.DeclinePairing(requested, "schedule_conflict"), platform.uow(), acting_as(mentor))
    assert await views.request_note(requested, platform.uow(), acting_as(mentor)) is None
    assert [p["request_note"] for p in await views.pairings_of(mentor, platform.uow())] == [None]
    assert await views.request_note(requested, platform.uow(), acting_as(mentee)) == note


async def test_the_two_of_a_proposal_learn_each_others_stage_and_what_they_share_before_answering_and_no_more():
    # A mentee was asked to accept a mentor she knew nothing of but "you speak a language in common".
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(both_must_accept=True)
    mentor = await profiles.person(program, "mentor", specialties=["pediatrics", "general_surgery"], languages=["en", "es"],
                                   support_areas=["research", "applications_and_interviews"],
                                   identity_for_matching={"religion": "Quaker"})
    mentee = await profiles.person(program, "mentee", specialties=["pediatrics", "psychiatry"], languages=["es"],
                                   support_areas=["applications_and_interviews", "networking"])
    [proposed] = platform.events(published.PairingProposedV2, mentee_id=mentee)

    to_mentee = await views.in_common(proposed.pairing_id, platform.uow(), acting_as(mentee))
    to_mentor = await views.in_common(proposed.pairing_id, platform.uow(), acting_as(mentor))
    # The support the mentee asked for that the mentor offers: what the mentor prepares a first talk for.
    assert to_mentee == {"partner_stage": "resident", "specialties": ["pediatrics"], "languages": ["es"],
                         "support": ["applications_and_interviews"]}
    assert to_mentor == {"partner_stage": "undergraduate", "specialties": ["pediatrics"], "languages": ["es"],
                         "support": ["applications_and_interviews"]}
    staff = lambda pairing, program: commands.Actor(None, for_program=True)  # noqa: E731
    assert await views.in_common(proposed.pairing_id, platform.uow(), staff) is None
    await lifecycle.accept(commands.AcceptPairing(proposed.pairing_id), platform.uow(), acting_as(mentee))
    await lifecycle.accept(commands.AcceptPairing(proposed.pairing_id), platform.uow(), acting_as(mentor))
    # Begun, the language they meet in stays said; ended, nothing.
    assert await views.in_common(proposed.pairing_id, platform.uow(), acting_as(mentee)) == to_mentee
    await lifecycle.end(commands.EndPairing(proposed.pairing_id, "schedule_conflict"), platform.uow(),
                        acting_as(mentee))
    assert await views.in_common(proposed.pairing_id, platform.uow(), acting_as(mentee)) is None


async def test_a_paused_mentor_and_his_mentee_still_learn_what_they_share_of_his_proposal_and_mentorship():
    # Kwame paused, then opened a proposal waiting for his answer: no "Their training stage", nothing shared. A paused
    # mentor still answers the proposals he has and still mentors; he is only proposed nobody new.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(both_must_accept=True)
    kwame = await profiles.person(program, "mentor", specialties=["pediatrics"], languages=["en", "es"], capacity=2)
    mentee = await profiles.person(program, "mentee", specialties=["pediatrics"], languages=["es"])
    [proposed] = platform.events(published.PairingProposedV2, mentee_id=mentee)
    shared = {"specialties": ["pediatrics"], "languages": ["es"], "support": []}

    await profiles.pause(kwame, program)

    assert await views.in_common(proposed.pairing_id, platform.uow(), acting_as(kwame)) == {
        "partner_stage": "undergraduate", **shared}
    assert await views.in_common(proposed.pairing_id, platform.uow(), acting_as(mentee)) == {
        "partner_stage": "resident", **shared}
    await lifecycle.accept(commands.AcceptPairing(proposed.pairing_id), platform.uow(), acting_as(mentee))
    await lifecycle.accept(commands.AcceptPairing(proposed.pairing_id), platform.uow(), acting_as(kwame))
    await profiles.pause(mentee, program)  # the mentee pausing too: their mentorship runs on
    assert [p["status"] for p in platform.stored_pairings(mentee_id=mentee)] == ["active"]
    assert await views.in_common(proposed.pairing_id, platform.uow(), acting_as(kwame)) == {
        "partner_stage": "undergraduate", **shared}
    # Paused, he is still proposed nobody new, though he has room.
    newcomer = await profiles.person(program, "mentee", specialties=["pediatrics"], languages=["es"])
    assert not platform.stored_pairings(mentee_id=newcomer)


async def test_a_mentee_who_took_back_a_request_may_ask_that_mentor_again_and_one_the_mentor_declined_may_not():
    # Withdrawing a request was kept as a "decline", which keeps a pair apart for good: the mentee's best fit
    # vanished from their suggestions, though the page said "the mentor is told it was withdrawn, and nothing more".
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="mentee_choice")
    taken_back, declining = await profiles.person(program, "mentor"), await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    first = await choice.request_mentor(commands.RequestMentor(program, mentee, taken_back), platform.uow())
    other = await choice.request_mentor(commands.RequestMentor(program, mentee, declining), platform.uow())
    await lifecycle.decline(commands.DeclinePairing(first, "request_withdrawn"), platform.uow(), acting_as(mentee))
    await lifecycle.decline(commands.DeclinePairing(other, "not_a_good_fit"), platform.uow(), acting_as(declining))

    suggested = [s["mentor_id"] for s in await choice.suggestions(program, mentee, platform.uow())]
    assert suggested == [taken_back]
    assert await choice.request_mentor(commands.RequestMentor(program, mentee, taken_back), platform.uow())


async def test_each_suggested_mentor_comes_with_their_stage_and_what_they_share_with_the_mentee_choosing():
    # Two mentors of the same fit were two cards alike: "Mentor 1 · fit 39" and "Mentor 2 · fit 39".
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="mentee_choice")
    await profiles.person(program, "mentor", specialties=["pediatrics"], languages=["en", "es"])
    mentee = await profiles.person(program, "mentee", specialties=["pediatrics", "psychiatry"], languages=["es"])
    [suggested] = await choice.suggestions(program, mentee, platform.uow())
    assert suggested["in_common"] == {"partner_stage": "resident", "specialties": ["pediatrics"], "languages": ["es"],
                                      "support": []}


async def test_pairings_and_waitlistings_are_announced_with_the_kind_of_mentorship_they_are_for():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_kinds=["clinical", "research"], both_must_accept=True)
    clinician = await profiles.person(program, "mentor", kind="clinical")
    mentee = await profiles.person(program, "mentee", kind="clinical")
    await profiles.enroll(mentee, program, "mentee", "undergraduate", kind="research")  # no research mentor yet

    [proposed] = platform.events(published.PairingProposedV2, mentee_id=mentee)
    assert (proposed.mentor_id, proposed.pairing_kind) == (clinician, "clinical")
    [waiting] = platform.events(published.MenteeWaitlistedV2, mentee_id=mentee)
    assert waiting.pairing_kind == "research"
    # Accepted by both sides later, from the stored pairing: the confirmation still knows its kind.
    for side in (mentee, clinician):
        await lifecycle.accept(commands.AcceptPairing(proposed.pairing_id), platform.uow(), acting_as(side))
    [confirmed] = platform.events(published.PairingConfirmedV2, mentee_id=mentee)
    assert (confirmed.pairing_id, confirmed.pairing_kind) == (proposed.pairing_id, "clinical")
    superseded = (published.PairingProposed, published.PairingConfirmed, published.MenteeWaitlisted)
    assert not [e for e in platform.published if type(e) in superseded], "version 1 is no longer published"


async def test_mentees_enrolling_in_one_batch_are_paired_once_at_its_end_in_waiting_order(monkeypatch):
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    await profiles.person(program, "mentor", capacity=2, specialties=["pediatrics"])
    mentees = [uuid4() for _ in range(3)]
    for mentee in mentees:
        await profiles.profile(mentee, "undergraduate", specialties=["pediatrics"])
    reads = []
    read = FakePrograms.pairing_context
    monkeypatch.setattr(FakePrograms, "pairing_context",
                        lambda self, program_id: reads.append(program_id) or read(self, program_id))

    batch = platform.transaction()
    for mentee in mentees:
        await profiles.enroll(mentee, program, "mentee", "undergraduate", batch=batch)
    assert not platform.events(published.PairingConfirmed), "nothing is published before the batch commits"
    await batch.commit()

    assert [e.mentee_id for e in platform.events(published.PairingConfirmed)] == mentees[:2]
    [waiting] = platform.events(published.MenteeWaitlisted)
    assert (waiting.mentee_id, waiting.position) == (mentees[2], 1)
    assert reads == [program], "the program is read once for the whole batch"


async def test_what_a_batch_announces_about_each_mentee_carries_the_correlation_id_of_the_action_that_enrolled_them():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    await profiles.person(program, "mentor", capacity=1, specialties=["pediatrics"])
    mentees = [uuid4() for _ in range(3)]
    for mentee in mentees:
        await profiles.profile(mentee, "undergraduate", specialties=["pediatrics"])

    batch = platform.transaction()
    for number, mentee in enumerate(mentees):
        token = correlation.use(f"sign-up-{number}")
        try:
            await profiles.enroll(mentee, program, "mentee", "undergraduate", batch=batch)
        finally:
            correlation.reset(token)
    await batch.commit()

    announced = platform.events(published.PairingConfirmed) + platform.events(published.MenteeWaitlisted)
    assert sorted((e.mentee_id, e.correlation_id) for e in announced) == sorted(
        (mentee, f"sign-up-{number}") for number, mentee in enumerate(mentees))


async def test_a_mentees_place_on_the_waitlist_is_among_those_waiting_for_the_same_kind_of_mentor():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_kinds=["clinical", "research"])
    ahead = [await profiles.person(program, "mentee", kind="clinical") for _ in range(2)]
    mentee = await profiles.person(program, "mentee", kind="clinical")
    await profiles.enroll(mentee, program, "mentee", "undergraduate", kind="research")

    [research] = platform.events(published.MenteeWaitlistedV2, mentee_id=mentee, pairing_kind="research")
    assert research.position == 1, "no one waits for a research mentor ahead of them"
    assert (await views.waitlist_place(program, mentee, platform.uow(), "clinical"))["position"] == 3
    with pytest.raises(PairingKindRequired) as unsaid:
        await views.waitlist_place(program, mentee, platform.uow())
    assert unsaid.value.field == "pairing_kind"
    assert (await views.waitlist_place(program, ahead[0], platform.uow()))["position"] == 1


async def test_a_mentee_enrolled_before_their_matching_profile_waits_untold_and_is_paired_as_it_requires_when_it_comes():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    await profiles.person(program, "mentor", capacity=5, specialties=["pediatrics"])  # the better fit otherwise
    sharing = await profiles.person(program, "mentor", identity_for_matching={"first_generation": "yes"})
    await projections.consent_changed(ConsentChanged(person_id=sharing, attribute="first_generation",
                                                     purpose="partner", granted=True), platform.uow())
    mentee = uuid4()

    await profiles.enroll(mentee, program, "mentee", "undergraduate")
    assert not platform.events(published.PairingConfirmed, mentee_id=mentee), "nothing known of what they want"
    assert not platform.events(published.MenteeWaitlisted, mentee_id=mentee)
    await profiles.profile(mentee, "undergraduate", specialties=["pediatrics"],
                           identity_for_matching={"first_generation": "yes"},
                           identity_requests=[{"attribute": "first_generation", "strength": "requirement"}])

    [confirmed] = platform.events(published.PairingConfirmed, mentee_id=mentee)
    assert confirmed.mentor_id == sharing


def test_every_event_the_consumer_applies_has_its_locks_taken_before_its_batch():
    unprepared = [model.__name__ for model in consumers.HANDLERS if not issubclass(model, projections.PREPARED_FOR)]
    assert unprepared == []
    assert consumers.PREPARE is projections.lock_before_applying


async def test_a_coordinator_picking_a_mentor_by_hand_reads_who_is_full_or_paused_as_the_program_counts_room():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    full = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    roomy = await profiles.person(program, "mentor", capacity=3)
    resting = await profiles.person(program, "mentor")
    await profiles.pause(resting, program)
    rules = platform.programs.programs[program]

    found = await views.mentors_room(rules, [full, roomy, resting, mentee, uuid4()], platform.uow())

    assert sorted((m["person_id"], m["capacity"], m["live_pairings"], m["paused"]) for m in found) == sorted([
        (full, 1, 1, False), (roomy, 3, 0, False), (resting, 1, 0, True)])


async def test_a_group_programs_mentor_takes_one_group_whatever_capacity_they_gave():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(format="group", group_size=6)
    mentor = await profiles.person(program, "mentor", capacity=1)
    rules = platform.programs.programs[program]

    [found] = await views.mentors_room(rules, [mentor], platform.uow())

    assert (found["capacity"], found["live_pairings"]) == (6, 0)


async def test_a_mentor_held_back_from_new_mentees_while_paused_cannot_start_a_proposal_by_accepting_it():
    # Read only among those not paused, a paused mentor who was no longer approved was not found, so not refused.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(both_must_accept=True)
    mentor = await profiles.person(program, "mentor", capacity=2)
    mentee = await profiles.person(program, "mentee")
    [proposed] = platform.events(published.PairingProposedV2, mentee_id=mentee)
    await lifecycle.accept(commands.AcceptPairing(proposed.pairing_id), platform.uow(), acting_as(mentee))
    [enrollment] = [e for e in platform.people.enrollments.values() if e["person_id"] == mentor]
    await projections.enrollment_changed(EnrollmentChangedV4(
        enrollment_id=enrollment["id"], person_id=mentor, program_id=program, chapter_id=None, role="mentor",
        stage=enrollment["stage"], capacity=2, mentee_stages_welcome=[], approval="pending",
        changed_fields=["approval", "paused"], pairing_kind="general", paused=True), platform.uow())

    with pytest.raises(MentorNotApproved):
        await lifecycle.accept(commands.AcceptPairing(proposed.pairing_id), platform.uow(), acting_as(mentor))
    assert [p["status"] for p in platform.stored_pairings(mentee_id=mentee)] == ["proposed"]



async def test_a_mentee_who_ends_a_mentorship_and_pauses_is_proposed_nobody_and_not_told_she_waits():
    # The pause went to profiles and reached matching after the ending: she was emailed that she waited, and would have
    # been paired with any mentor with room at that moment.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=mentee)
    await profiles.person(program, "mentor")  # room, were she put back

    ending = commands.EndPairing(pairing.pairing_id, "schedule_conflict", pause=True)
    await lifecycle.end(ending, platform.uow(), acting_as(mentee))

    assert [e.mentor_id for e in platform.events(published.PairingEnded, mentee_id=mentee)] == [mentor]
    assert len(platform.events(published.PairingConfirmed, mentee_id=mentee)) == 1
    assert len(platform.events(published.MenteeWaitlisted, mentee_id=mentee)) == 0


async def test_a_mentor_who_ends_a_mentorship_and_pauses_is_offered_no_mentee_in_the_same_step():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=mentee)
    waiting = await profiles.person(program, "mentee")  # the place freed would go to them

    ending = commands.EndPairing(pairing.pairing_id, "schedule_conflict", pause=True)
    await lifecycle.end(ending, platform.uow(), acting_as(mentor))

    assert platform.events(published.PairingEnded, mentee_id=mentee)
    assert not platform.events(published.PairingConfirmed, mentee_id=waiting)
