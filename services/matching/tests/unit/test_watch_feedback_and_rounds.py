"""The lifecycle watch, feedback and rounds, on in-memory repositories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from matching.adapters.solver import optimal_assignment
from matching.domain import commands
from matching.domain.errors import FeedbackAlreadyGiven, MeetingBeforePairing, NotAParty, RenewalNotDue
from matching.entrypoints.schemas import ProgramPairingOut
from matching.service_layer import choice, lifecycle, rounds, views
from mentorship_contracts import matching as published

from .fakes import Platform
from .profiles_service import Profiles, acting_as, administrator


async def a_confirmed_pair(platform: Platform) -> tuple[UUID, UUID, published.PairingConfirmed]:
    """A mentor and a mentee of a program that pairs them at once: the mentor, the mentee, their pairing."""
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=mentee)
    return mentor, mentee, pairing


async def test_a_mentorship_whose_term_has_ended_is_completed_and_its_mentors_room_offered_again():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program()
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    await profiles.person(program, "mentee")
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=mentee)

    platform.later_by(days=400)  # past the twelve-month term
    signalled = await lifecycle.signal_lifecycle(platform.uow(), renewal_notice_days=30, answer_within_days=14)

    assert signalled == 1
    assert [e.pairing_id for e in platform.events(published.PairingCompleted)] == [pairing.pairing_id]
    assert len(platform.events(published.PairingConfirmed, mentor_id=mentor)) == 2
    assert [p["status"] for p in platform.stored_pairings(id=pairing.pairing_id)] == ["completed"]


async def test_a_mentorship_without_a_meeting_within_the_programs_cadence_is_signalled_overdue_once():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(cadence_max_days=30)
    await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")

    platform.later_by(days=45)
    for _ in range(2):
        await lifecycle.signal_lifecycle(platform.uow(), renewal_notice_days=30, answer_within_days=14)

    [overdue] = platform.events(published.MeetingOverdue, mentee_id=mentee)
    assert overdue.last_met_at is None and overdue.days_overdue >= 14
    assert not platform.events(published.RenewalDue)


async def a_proposal(profiles: Profiles) -> tuple[UUID, UUID, UUID, published.PairingProposed]:
    """A program both sides must accept, a mentor and a mentee proposed to each other: program, mentor, mentee, the
    proposal."""
    program = await profiles.program(both_must_accept=True)
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    [proposed] = profiles.platform.events(published.PairingProposed, mentee_id=mentee)
    assert proposed.mentor_id == mentor
    return program, mentor, mentee, proposed


async def a_request(profiles: Profiles, **rules) -> tuple[UUID, UUID, UUID, UUID]:
    """A program where mentees choose (with other `rules`), a mentee asking the first of two mentors: program, the
    mentor asked, the mentee, the request."""
    program = await profiles.program(pairing_mode="mentee_choice", **rules)
    asked, _ = await profiles.person(program, "mentor"), await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    return program, asked, mentee, await choice.request_mentor(commands.RequestMentor(program, mentee, asked),
                                                              profiles.platform.uow())


async def watched(platform: Platform, answer_within_days: int = 14, times: int = 1) -> None:
    for _ in range(times):
        await lifecycle.signal_lifecycle(platform.uow(), renewal_notice_days=30, answer_within_days=answer_within_days)


async def test_a_proposal_left_unanswered_lapses_and_its_mentee_is_proposed_another_mentor_not_that_one_again():
    platform = Platform()
    profiles = Profiles(platform)
    program, silent, mentee, proposed = await a_proposal(profiles)
    other = await profiles.person(program, "mentor")

    platform.later_by(days=13)
    await watched(platform)
    assert not platform.events(published.PairingLapsed)
    platform.later_by(days=2)
    await watched(platform, times=2)

    [lapsed] = platform.events(published.PairingLapsed, mentee_id=mentee)
    assert (lapsed.pairing_id, lapsed.mentor_id, lapsed.reason_code) == (proposed.pairing_id, silent, "unanswered")
    assert (lapsed.awaiting, lapsed.requested_by_mentee) == (["mentee", "mentor"], False)
    again = [e for e in platform.events(published.PairingProposed, mentee_id=mentee) if e != proposed]
    assert [e.mentor_id for e in again] == [other]


async def test_a_request_left_unanswered_lapses_and_that_mentor_is_no_longer_suggested_to_the_mentee():
    platform = Platform()
    program, silent, mentee, requested = await a_request(Profiles(platform))

    platform.later_by(days=15)
    await watched(platform)

    [lapsed] = platform.events(published.PairingLapsed, mentee_id=mentee)
    assert (lapsed.pairing_id, lapsed.reason_code) == (requested, "unanswered")
    assert (lapsed.awaiting, lapsed.requested_by_mentee) == (["mentor"], True)
    suggested = [s["mentor_id"] for s in await choice.suggestions(program, mentee, platform.uow())]
    assert len(suggested) == 1 and silent not in suggested


@pytest.mark.parametrize("leaving", ["mentor", "mentee"])
async def test_a_request_lapsed_because_one_side_left_the_program_says_which_side_left(leaving):
    platform = Platform()
    profiles = Profiles(platform)
    program, asked, mentee, requested = await a_request(profiles)

    await profiles.withdraw(asked if leaving == "mentor" else mentee, program)

    [lapsed] = platform.events(published.PairingLapsed, mentee_id=mentee)
    assert isinstance(lapsed, published.PairingLapsedV4)
    assert (lapsed.pairing_id, lapsed.reason_code, lapsed.lapsed_by) == (requested, "withdrawn", leaving)


async def test_a_request_lapsed_because_another_was_accepted_or_left_unanswered_names_nobody_who_left():
    platform = Platform()
    # A program whose members other teams may see: its lapse goes as the public version, not its private twin.
    program, silent, mentee, requested = await a_request(Profiles(platform), members_public=True)

    platform.later_by(days=15)
    await watched(platform)

    [lapsed] = platform.events(published.PairingLapsed, mentee_id=mentee)
    assert type(lapsed) is published.PairingLapsedV3


async def test_whoever_has_yet_to_answer_a_proposal_is_reminded_once_three_days_before_it_lapses():
    platform = Platform()
    _, mentor, _, proposed = await a_proposal(Profiles(platform))
    await lifecycle.accept(commands.AcceptPairing(proposed.pairing_id), platform.uow(), acting_as(mentor))

    platform.later_by(days=10)
    await watched(platform)
    assert not platform.events(published.AnswerDue)
    platform.later_by(days=1)
    await watched(platform, times=2)

    [due] = platform.events(published.AnswerDue, pairing_id=proposed.pairing_id)
    assert (due.awaiting, due.requested_by_mentee) == (["mentee"], False)
    assert due.answer_by == platform.pairings.created[proposed.pairing_id] + timedelta(days=14)
    assert not platform.events(published.PairingLapsed)


async def test_a_mentor_asked_by_a_mentee_is_reminded_of_the_request_and_within_a_short_time_to_answer_halfway():
    platform = Platform()
    _, mentor, _, requested = await a_request(Profiles(platform))

    platform.later_by(days=1)  # of a time to answer of four days, reminded halfway (not three days before: day one)
    await watched(platform, answer_within_days=4)
    assert not platform.events(published.AnswerDue)
    platform.later_by(days=2)
    await watched(platform, answer_within_days=4)

    [due] = platform.events(published.AnswerDue, pairing_id=requested)
    assert (due.mentor_id, due.awaiting, due.requested_by_mentee) == (mentor, ["mentor"], True)


async def test_a_program_with_its_own_time_to_answer_reminds_and_lapses_by_it_not_by_the_default():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(both_must_accept=True, answer_within_days=4)
    await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    [proposed] = platform.events(published.PairingProposed, mentee_id=mentee)
    assert [p.answer_by(14) for p in platform.pairings.where(lambda x: True)] == [
        platform.pairings.created[proposed.pairing_id] + timedelta(days=4)]

    platform.later_by(days=3)  # halfway through four days: reminded by the program's time, not the default's
    await watched(platform)
    [due] = platform.events(published.AnswerDue, pairing_id=proposed.pairing_id)
    assert due.answer_by == platform.pairings.created[proposed.pairing_id] + timedelta(days=4)
    platform.later_by(days=2)
    await watched(platform)
    [lapsed] = platform.events(published.PairingLapsed, mentee_id=mentee)
    assert lapsed.reason_code == "unanswered"


async def one_mentor_three_mentees(profiles: Profiles) -> tuple[UUID, UUID, list[UUID]]:
    """A program both sides must accept, with one mentor of room one, and three mentees: the first proposed to the
    mentor, the others waiting. Program, mentor, mentees."""
    program = await profiles.program(both_must_accept=True)
    mentor = await profiles.person(program, "mentor")
    return program, mentor, [await profiles.person(program, "mentee") for _ in range(3)]


def proposed_to(platform: Platform, mentor: UUID) -> list[published.PairingProposed]:
    return platform.events(published.PairingProposed, mentor_id=mentor)


async def test_a_mentor_who_lets_two_proposals_in_a_row_lapse_is_proposed_nobody_new_and_profiles_asked_to_pause():
    platform = Platform()
    program, mentor, mentees = await one_mentor_three_mentees(Profiles(platform))

    platform.later_by(days=15)
    await watched(platform)  # the first lapses; the second mentee is proposed to the same mentor
    assert not platform.events(published.StoppedAnswering)
    platform.later_by(days=15)
    await watched(platform, times=2)

    [stopped] = platform.events(published.StoppedAnswering)
    [enrollment] = [e for e in platform.people.enrollments.values() if e["person_id"] == mentor]
    assert (stopped.program_id, stopped.mentor_id, stopped.role, stopped.enrollment_id,
            stopped.unanswered_in_a_row) == (program, mentor, "mentor", enrollment["id"], 2)
    # Held back before the room the lapse freed was offered again: the third mentee waits, not proposed to them.
    assert [p.mentee_id for p in proposed_to(platform, mentor)] == mentees[:2]
    assert await views.not_answering(program, platform.uow()) == [
        {"person_id": mentor, "enrollment_id": enrollment["id"], "role": "mentor", "unanswered_in_a_row": 2}]


async def test_a_reminder_to_answer_names_whom_its_lapse_would_pause_and_only_them():
    platform = Platform()
    _, mentor, mentees = await one_mentor_three_mentees(Profiles(platform))
    platform.later_by(days=11)
    await watched(platform)  # the first proposal: neither side has let one lapse yet
    [first] = platform.events(published.AnswerDue)
    platform.later_by(days=4)
    await watched(platform)  # it lapses, the mentor's first; the second mentee is proposed to them

    platform.later_by(days=11)
    await watched(platform)

    [_, second] = platform.events(published.AnswerDue)
    assert (first.awaiting, first.paused_if_it_lapses) == (["mentee", "mentor"], [])
    assert (second.mentee_id, second.awaiting, second.paused_if_it_lapses) == (mentees[1], ["mentee", "mentor"],
                                                                               ["mentor"])


async def test_whom_a_lapse_would_pause_reads_it_in_their_own_list_of_pairings_while_it_waits_for_them():
    platform = Platform()
    _, mentor, mentees = await one_mentor_three_mentees(Profiles(platform))

    async def pausing(person: UUID) -> dict[str, bool]:
        return {p["status"]: p["paused_if_it_lapses"] for p in await views.pairings_of(person, platform.uow())}

    assert await pausing(mentor) == {"proposed": False}
    platform.later_by(days=15)
    await watched(platform)  # the mentor's first lapse: the second mentee is proposed to them
    assert await pausing(mentor) == {"lapsed": False, "proposed": True}
    assert await pausing(mentees[1]) == {"proposed": False}
    [second] = proposed_to(platform, mentor)[1:]
    await lifecycle.accept(commands.AcceptPairing(second.pairing_id), platform.uow(), acting_as(mentor))
    assert await pausing(mentor) == {"lapsed": False, "proposed": False}  # answered: it no longer waits for them


async def test_staff_read_in_the_programs_pairings_whom_a_waiting_proposals_lapse_would_pause():
    platform = Platform()
    program, mentor, mentees = await one_mentor_three_mentees(Profiles(platform))

    async def listed() -> dict[UUID, list[str]]:
        items, _ = await views.program_pairings(program, None, 0, 50, platform.uow(), administrator(), None)
        return {i["pairing"].mentee_id: i["lapse_would_pause"] for i in items}

    assert await listed() == {mentees[0]: []}
    platform.later_by(days=15)
    await watched(platform)  # the mentor's first lapse: the second mentee is proposed to them

    assert await listed() == {mentees[0]: [], mentees[1]: ["mentor"]}


async def test_a_mentor_who_answers_one_or_whose_mentee_was_the_silent_one_starts_the_count_again():
    platform = Platform()
    _, mentor, mentees = await one_mentor_three_mentees(Profiles(platform))

    platform.later_by(days=15)
    await watched(platform)  # the mentor's first lapse
    [second] = proposed_to(platform, mentor)[1:]
    await lifecycle.accept(commands.AcceptPairing(second.pairing_id), platform.uow(), acting_as(mentor))
    platform.later_by(days=15)
    await watched(platform)  # lapsed too, but the mentor had answered it: the mentee was silent
    platform.later_by(days=15)
    await watched(platform)  # the third lapses: one in a row since the mentor answered

    assert [p.mentee_id for p in proposed_to(platform, mentor)] == mentees
    assert len(platform.events(published.PairingLapsed)) == 3
    assert not platform.events(published.StoppedAnswering)


async def test_a_mentor_held_back_who_resumes_is_proposed_to_again_and_their_count_starts_again():
    platform = Platform()
    profiles = Profiles(platform)
    program, mentor, mentees = await one_mentor_three_mentees(profiles)
    platform.later_by(days=15)
    await watched(platform)
    platform.later_by(days=15)
    await watched(platform)
    await profiles.pause(mentor, program)  # profiles pauses them, as asked

    await profiles.pause(mentor, program, paused=False)  # and they resume
    assert [p.mentee_id for p in proposed_to(platform, mentor)] == mentees
    assert await views.not_answering(program, platform.uow()) == []
    platform.later_by(days=15)
    await watched(platform)

    assert len(platform.events(published.StoppedAnswering)) == 1


async def test_a_mentee_who_lets_two_proposals_in_a_row_lapse_holds_no_mentors_place_until_they_resume():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(both_must_accept=True)
    mentee = await profiles.person(program, "mentee")
    mentors = [await profiles.person(program, "mentor") for _ in range(3)]

    for nth in range(2):  # each mentor accepts; the mentee answers neither
        proposal = platform.events(published.PairingProposed, mentee_id=mentee)[nth]
        await lifecycle.accept(commands.AcceptPairing(proposal.pairing_id), platform.uow(),
                               acting_as(proposal.mentor_id))
        platform.later_by(days=15)
        await watched(platform)

    [stopped] = platform.events(published.StoppedAnswering)
    assert (stopped.role, stopped.mentee_id, stopped.unanswered_in_a_row) == ("mentee", mentee, 2)
    assert len(platform.events(published.PairingProposed, mentee_id=mentee)) == 2  # the third mentor's place is free
    assert [(n["person_id"], n["role"]) for n in await views.not_answering(program, platform.uow())] == [
        (mentee, "mentee")]
    await profiles.pause(mentee, program, paused=False)  # ready again
    proposed = platform.events(published.PairingProposed, mentee_id=mentee)
    assert [p.mentor_id for p in proposed] == mentors


async def let_lapse(platform: Platform, person: UUID, program: UUID, times: int) -> None:
    """The person let `times` proposals in a row lapse unanswered in the program, as the lifecycle watch counts them."""
    [enrollment] = [e for e in platform.people.enrollments.values() if (e["person_id"], e["program_id"]) == (person,
                                                                                                            program)]
    for _ in range(times):
        await platform.people.went_unanswered(enrollment["id"])


async def test_those_held_back_for_not_answering_are_counted_per_program_as_each_programs_list_names_them():
    platform = Platform()
    profiles = Profiles(platform)
    first, second, quiet = [await profiles.program() for _ in range(3)]
    await let_lapse(platform, await profiles.person(first, "mentor"), first, times=2)
    await let_lapse(platform, await profiles.person(first, "mentee"), first, times=3)
    await let_lapse(platform, await profiles.person(second, "mentor"), second, times=2)
    await let_lapse(platform, await profiles.person(quiet, "mentor"), quiet, times=1)  # one lapse holds nobody back

    counted = await views.not_answering_counts(None, platform.uow())

    assert counted == sorted([{"program_id": first, "people": 2}, {"program_id": second, "people": 1}],
                             key=lambda c: c["program_id"])
    for count in counted:
        assert count["people"] == len(await views.not_answering(count["program_id"], platform.uow()))


async def test_a_coordinator_counts_those_held_back_only_in_the_programs_of_their_own_chapters():
    platform = Platform()
    profiles = Profiles(platform)
    ours, theirs = uuid4(), uuid4()
    programs = [await profiles.program(chapter_id=ours), await profiles.program(chapter_id=theirs),
                await profiles.program()]  # the last of no chapter: an administrator's alone
    for program in programs:
        await let_lapse(platform, await profiles.person(program, "mentor"), program, times=2)

    assert await views.not_answering_counts(frozenset({ours}), platform.uow()) == [
        {"program_id": programs[0], "people": 1}]
    assert await views.not_answering_counts(frozenset(), platform.uow()) == []
    assert len(await views.not_answering_counts(None, platform.uow())) == 3


async def test_mentees_waiting_are_counted_per_program_of_the_coordinators_chapters_as_each_waitlist_lists_them():
    # A coordinator's home said "Nothing needs your attention" while four mentees waited for the next round.
    platform = Platform()
    profiles = Profiles(platform)
    ours, theirs = uuid4(), uuid4()
    rounds, full, elsewhere = (await profiles.program(chapter_id=ours, pairing_mode="rounds"),
                               await profiles.program(chapter_id=ours), await profiles.program(chapter_id=theirs))
    for _ in range(2):
        await profiles.person(rounds, "mentee")  # waits for a round
        await profiles.person(elsewhere, "mentee")
    await profiles.person(full, "mentor")
    await profiles.person(full, "mentee")  # paired at once: nobody waits there

    counted = await views.waiting_counts(frozenset({ours}), platform.uow())

    assert counted == [{"program_id": rounds, "mentees": 2}]
    assert counted[0]["mentees"] == len(await views.waitlist(rounds, platform.uow()))
    assert len(await views.waiting_counts(None, platform.uow())) == 2


async def test_feedback_on_a_mentorship_is_given_once_by_each_of_its_two_people():
    platform = Platform()
    mentor, mentee, pairing = await a_confirmed_pair(platform)
    review = commands.GiveFeedback(pairing.pairing_id, 5, "She helped me through my applications.")

    await lifecycle.give_feedback(review, platform.uow(), acting_as(mentee))
    await lifecycle.give_feedback(review, platform.uow(), acting_as(mentor))
    with pytest.raises(FeedbackAlreadyGiven):
        await lifecycle.give_feedback(review, platform.uow(), acting_as(mentee))

    assert len(platform.pairings.feedback) == 2


async def test_a_persons_pairings_carry_the_feedback_they_gave_and_when_each_closed_their_copy_of_their_data():
    platform = Platform()
    mentor, mentee, pairing = await a_confirmed_pair(platform)
    await lifecycle.give_feedback(commands.GiveFeedback(pairing.pairing_id, 4, "Kind and clear."), platform.uow(),
                                  acting_as(mentee))

    [mine] = await views.pairings_of(mentee, platform.uow())
    [theirs] = await views.pairings_of(mentor, platform.uow())

    assert (mine["feedback_rating"], mine["feedback_comment"]) == (4, "Kind and clear.")
    assert mine["feedback_given_at"] is not None
    assert (theirs["feedback_rating"], theirs["feedback_comment"]) == (None, None)  # the mentee's is not the mentor's
    assert "closed_at" in mine


async def test_a_pairing_read_alone_carries_the_feedback_its_reader_gave_not_to_their_partner_nor_to_staff():
    platform = Platform()
    mentor, mentee, given = await a_confirmed_pair(platform)
    await lifecycle.give_feedback(commands.GiveFeedback(given.pairing_id, 4, "Kind and clear."), platform.uow(),
                                  acting_as(mentee))
    pairing = await views.pairing(given.pairing_id, platform.uow(), acting_as(mentee))

    mine = await views.feedback_given(pairing, mentee, platform.uow())

    assert mine is not None and (mine["rating"], mine["comment"]) == (4, "Kind and clear.")
    assert mine["given_at"] is not None
    assert await views.feedback_given(pairing, mentor, platform.uow()) is None  # the mentee's is not the mentor's
    assert await views.feedback_given(pairing, administrator().person_id, platform.uow()) is None
    assert await views.feedback_given(pairing, None, platform.uow()) is None  # staff without a person of their own


async def test_a_queued_round_drafts_the_best_pairs_it_can_says_why_the_others_were_left_and_proposes_on_publishing():
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds")
    mentors = [await profiles.person(program, "mentor") for _ in range(2)]
    mentees = [await profiles.person(program, "mentee") for _ in range(3)]
    await profiles.enroll(uuid4(), program, "mentee", "undergraduate")  # no matching profile yet
    assert not platform.events(published.PairingProposed), "a program paired in rounds waits for one"

    queued = await rounds.queue_round(commands.RunRound(program, "optimal", False), platform.uow(), administrator())
    ran = await rounds.run_next_round(platform.uow, optimal_assignment)

    assert ran == queued and await rounds.run_next_round(platform.uow, optimal_assignment) is None
    outcome = await rounds.round_status(queued, platform.uow())
    assert (outcome["status"], outcome["paired"], outcome["unpaired"]) == ("draft", 2, 2)
    assert outcome["unpaired_reasons"] == {"mentors_full": 1, "no_matching_profile": 1}
    assert {p.mentor_id for p in outcome["pairs"]} == set(mentors)
    assert [u.reason_code for u in outcome["unpaired_list"]] == ["mentors_full"]
    assert not platform.events(published.PairingProposed) and not platform.events(published.RoundCompleted)

    outcome = await rounds.publish(queued, platform.uow(), administrator())

    assert (outcome["status"], outcome["paired"], outcome["skipped"]) == ("published", 2, [])
    proposed = platform.events(published.PairingProposedV2)
    assert {e.mentor_id for e in proposed} == set(mentors) and {e.mentee_id for e in proposed} < set(mentees)
    [completed] = platform.events(published.RoundCompleted)
    assert (completed.round_id, completed.paired) == (queued, 2)


async def test_a_rounds_proposal_its_mentor_accepts_where_one_answer_is_enough_waits_for_its_mentee_and_lapses_as_theirs():
    # The mentee's proposal said "it starts as soon as you accept", the mentor's that it starts as soon as the mentee
    # does: the mentor's yes alone starts nothing, names nobody, and it lapses as the mentee's to have answered.
    platform = Platform()
    profiles = Profiles(platform)
    program = await profiles.program(pairing_mode="rounds", both_must_accept=False)
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    queued = await rounds.queue_round(commands.RunRound(program, "optimal", False), platform.uow(), administrator())
    await rounds.run_next_round(platform.uow, optimal_assignment)
    await rounds.publish(queued, platform.uow(), administrator())
    [proposal] = platform.events(published.PairingProposed, mentee_id=mentee)

    accepted = await lifecycle.accept(commands.AcceptPairing(proposal.pairing_id), platform.uow(), acting_as(mentor))

    assert (accepted.status, accepted.mentor_accepted, accepted.mentee_accepted) == ("proposed", True, False)
    assert not platform.events(published.PairingConfirmed)
    platform.later_by(days=15)
    await watched(platform)
    [lapsed] = platform.events(published.PairingLapsed, mentee_id=mentee)
    assert (lapsed.pairing_id, lapsed.reason_code, lapsed.awaiting) == (proposal.pairing_id, "unanswered", ["mentee"])
    assert not platform.events(published.PairingConfirmed)


async def test_one_side_asking_five_times_renews_nothing_and_both_asking_near_the_end_renew_for_one_term():
    platform = Platform()
    mentor, mentee, pairing = await a_confirmed_pair(platform)
    renew = commands.RenewPairing(pairing.pairing_id)
    with pytest.raises(RenewalNotDue):
        await lifecycle.renew(renew, platform.uow(), acting_as(mentee), renewal_notice_days=30)

    stored = platform.stored_pairings(id=pairing.pairing_id)[0]
    stored["term_ends_at"] = ends = datetime.now(UTC) + timedelta(days=10)
    for _ in range(5):
        await lifecycle.renew(renew, platform.uow(), acting_as(mentee), renewal_notice_days=30)
    assert not platform.events(published.PairingRenewed) and stored["term_ends_at"] == ends
    with pytest.raises(NotAParty):
        await lifecycle.renew(renew, platform.uow(), lambda p, program: commands.Actor(None, for_program=True),
                              renewal_notice_days=30)
    renewed = await lifecycle.renew(renew, platform.uow(), acting_as(mentor), renewal_notice_days=30)

    [told] = platform.events(published.PairingRenewed)
    [stored] = platform.stored_pairings(id=pairing.pairing_id)
    assert told.term_ends_at == renewed.term_ends_at == stored["term_ends_at"] > ends + timedelta(days=360)


async def test_a_meeting_is_logged_on_or_after_the_day_the_mentorship_was_confirmed():
    platform = Platform()
    mentor, mentee, pairing = await a_confirmed_pair(platform)
    today = datetime.now(UTC).date()

    with pytest.raises(MeetingBeforePairing):
        await lifecycle.log_meeting(commands.LogMeeting(pairing.pairing_id, today - timedelta(days=3), 30, []),
                                    platform.uow(), acting_as(mentor))
    await lifecycle.log_meeting(commands.LogMeeting(pairing.pairing_id, today, 30, []), platform.uow(),
                                acting_as(mentor))
    assert len(platform.pairings.meetings) == 1


async def test_the_pair_read_back_the_meetings_either_of_them_logged_the_day_met_latest_first():
    platform = Platform()
    mentor, mentee, pairing = await a_confirmed_pair(platform)
    platform.stored_pairings(id=pairing.pairing_id)[0]["confirmed_at"] = datetime.now(UTC) - timedelta(days=60)
    today = datetime.now(UTC).date()
    for who, days_ago, topics in ((mentor, 40, ["MCAT"]), (mentee, 5, ["personal statement", "interviews"]),
                                  (mentee, 20, [])):
        logged = commands.LogMeeting(pairing.pairing_id, today - timedelta(days=days_ago), 45, topics)
        await lifecycle.log_meeting(logged, platform.uow(), acting_as(who))

    read = await views.meetings(pairing.pairing_id, platform.uow(), acting_as(mentee))

    assert [(m["met_on"], m["topics"], m["logged_by"]) for m in read] == [
        (today - timedelta(days=5), ["personal statement", "interviews"], mentee),
        (today - timedelta(days=20), [], mentee),
        (today - timedelta(days=40), ["MCAT"], mentor)]
    assert await views.meetings_of(mentor, platform.uow()) == read
    assert await views.meetings_of(uuid4(), platform.uow()) == []


def test_a_programs_list_of_pairings_carries_nothing_that_is_one_readers_alone():
    """Staff read a program's pairings: the feedback one side gave, the note a mentee wrote to their mentor and the
    warnings meant for one side are answered only to that reader, on the pairing's own page."""
    one_readers = {"my_feedback", "request_note", "paused_if_it_lapses", "requirement_met", "closing_opens_at"}
    assert one_readers.isdisjoint(ProgramPairingOut.model_fields)
