"""The mentorship lifecycle and per-program weights, on plain objects."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from matching.domain.errors import (
    CompletionNotDue,
    MeetingBeforePairing,
    MeetingInTheFuture,
    MentorAnswersRequest,
    RenewalNotDue,
    RequestNotWithdrawable,
    TransitionNotAllowed,
)
from matching.domain.model import Candidate, Pairing, ProgramRules
from matching.domain.scoring import Weights, fit
from matching.entrypoints.schemas import PairingOut
from mentorship_contracts.vocabulary import Role
from mentorship_contracts.vocabulary import TrainingStage as S

PROGRAM = ProgramRules(
    id=uuid4(), chapter_id=None, pairing_mode="rounds", both_must_accept=True, pair_cap=None, minimum_score=0,
    term_months=12, mentee_stages=[S.UNDERGRADUATE], mentor_stages=[S.RESIDENT],
)
NOW = datetime(2026, 11, 22, tzinfo=UTC)


def proposal(status: str = "proposed", **fields) -> Pairing:
    return Pairing(id=uuid4(), program_id=PROGRAM.id, chapter_id=None, mentee_id=uuid4(), mentor_id=uuid4(),
                   status=status, score=70, reasons=["near_peer"], **fields)


def test_a_program_that_asks_both_sides_activates_the_pairing_only_when_both_accepted():
    pairing = proposal()
    assert not pairing.accept("mentee", PROGRAM, NOW)
    assert pairing.accept("mentor", PROGRAM, NOW) and pairing.status == "active"


ONE_ANSWER = ProgramRules(**{**vars(PROGRAM), "both_must_accept": False})


def test_a_program_that_does_not_ask_both_sides_starts_the_mentorship_on_the_mentees_yes_alone():
    pairing = proposal(origin="round")
    assert pairing.accept("mentee", ONE_ANSWER, NOW)
    assert (pairing.status, pairing.confirmed_at, pairing.mentor_accepted) == ("active", NOW, False)


@pytest.mark.parametrize("origin", ["round", "choice", "registration"])
def test_a_mentors_yes_where_one_answer_is_enough_is_recorded_but_starts_nothing_until_the_mentee_accepts(origin):
    # The mentee (a high-school student, say) has not agreed: nobody is named, nobody's email is given.
    pairing = proposal(origin=origin)
    assert not pairing.accept("mentor", ONE_ANSWER, NOW)
    assert (pairing.status, pairing.mentor_accepted, pairing.confirmed_at, pairing.term_ends_at) == (
        "proposed", True, None, None)
    assert pairing.awaiting() == [Role.MENTEE]
    assert pairing.accept("mentee", ONE_ANSWER, NOW + timedelta(days=1)) and pairing.status == "active"
    assert pairing.confirmed_at == NOW + timedelta(days=1)


def test_a_proposal_its_mentor_accepted_but_its_mentee_left_unanswered_lapses_as_theirs_and_keeps_them_no_place():
    pairing = proposal(origin="round")
    pairing.accept("mentor", ONE_ANSWER, NOW)
    pairing.lapse("unanswered")
    assert (pairing.status, pairing.closed_reason) == ("lapsed", "unanswered")
    assert not pairing.keeps_mentee_place()


def test_where_one_answer_is_enough_the_program_confirms_for_both_but_not_for_the_mentee_of_a_pair_made_by_hand():
    assert proposal(origin="round").accept("program", ONE_ANSWER, NOW)
    by_hand = proposal(origin="manual")
    assert not by_hand.accept("program", ONE_ANSWER, NOW) and not by_hand.accept("mentor", ONE_ANSWER, NOW)
    assert by_hand.awaiting() == [Role.MENTEE]
    assert by_hand.accept("mentee", ONE_ANSWER, NOW) and by_hand.status == "active"


def test_the_program_confirms_on_behalf_of_both():
    assert proposal().accept("program", PROGRAM, NOW)


def test_a_request_is_answered_by_the_mentor_not_by_the_mentee_who_made_it():
    with pytest.raises(MentorAnswersRequest):
        proposal("requested", mentee_accepted=True).accept("mentee", PROGRAM, NOW)
    assert proposal("requested", mentee_accepted=True).accept("mentor", PROGRAM, NOW)


def test_only_an_active_mentorship_is_ended_renewed_completed_or_met():
    for act in (lambda p: p.end("other", "mentee"), lambda p: p.complete(NOW, 30), lambda p: p.renew("mentee", PROGRAM, NOW, 30),
                lambda p: p.log_meeting(date(2026, 1, 1), datetime(2026, 2, 1, tzinfo=UTC))):
        with pytest.raises(TransitionNotAllowed):
            act(proposal())


def test_only_a_request_lapses_and_a_closed_pairing_keeps_the_reason_it_closed():
    request = proposal("requested", mentee_accepted=True)
    request.lapse("another_request_accepted")
    assert (request.status, request.closed_reason) == ("lapsed", "another_request_accepted")
    for status in ("proposed", "active", "lapsed"):
        with pytest.raises(TransitionNotAllowed):
            proposal(status).lapse("withdrawn")


def test_a_proposal_or_a_request_left_unanswered_lapses_and_nothing_else_does_for_that():
    for status in ("proposed", "requested"):
        left = proposal(status)
        left.lapse("unanswered")
        assert (left.status, left.closed_reason) == ("lapsed", "unanswered")
    for status in ("active", "ended", "lapsed"):
        with pytest.raises(TransitionNotAllowed):
            proposal(status).lapse("unanswered")


def test_a_meeting_cannot_be_logged_before_it_happened():
    with pytest.raises(MeetingInTheFuture) as error:
        proposal("active").log_meeting(date(2026, 3, 1), datetime(2026, 2, 1, tzinfo=UTC))
    assert error.value.field == "met_on"


def test_a_meeting_today_is_logged_wherever_today_is_already():
    # 23:00 UTC on October 2 is 08:00 on October 3 in Tokyo: a meeting there this morning is today's, not the future.
    late_in_utc = datetime(2026, 10, 2, 23, 0, tzinfo=UTC)
    pairing = proposal("active")
    pairing.log_meeting(date(2026, 10, 3), late_in_utc)
    assert pairing.last_met_at == datetime(2026, 10, 3, tzinfo=UTC)
    with pytest.raises(MeetingInTheFuture):  # no place on Earth has reached October 4 yet
        pairing.log_meeting(date(2026, 10, 4), late_in_utc)


def test_a_meeting_dated_before_the_pairing_was_confirmed_is_refused_wherever_it_was_that_day():
    confirmed = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # the evening of February 28 in Los Angeles
    pairing = proposal("active", confirmed_at=confirmed)
    with pytest.raises(MeetingBeforePairing) as error:
        pairing.log_meeting(date(2026, 2, 27), datetime(2026, 3, 5, tzinfo=UTC))
    assert error.value.field == "met_on"
    pairing.log_meeting(date(2026, 2, 28), datetime(2026, 3, 5, tzinfo=UTC))
    assert pairing.last_met_at == datetime(2026, 2, 28, tzinfo=UTC)


def test_a_mentorship_is_renewed_only_in_the_notice_window_before_its_term_ends():
    ends = NOW + timedelta(days=200)
    for now in (NOW, ends - timedelta(days=31), ends + timedelta(minutes=1)):
        pairing = proposal("active", term_ends_at=ends)
        with pytest.raises(RenewalNotDue) as error:
            pairing.renew("mentee", PROGRAM, now, notice_days=30)
        assert error.value.field == "pairing_id"
        assert (pairing.term_ends_at, pairing.mentee_renews) == (ends, False)


def test_a_mentorship_is_completed_only_in_the_last_weeks_of_its_term_else_it_is_ended_early_for_a_reason():
    ends = NOW + timedelta(days=200)
    early = proposal("active", term_ends_at=ends)
    assert early.closing_opens_at(30) == ends - timedelta(days=30)
    with pytest.raises(CompletionNotDue) as error:
        early.complete(NOW, notice_days=30)
    assert error.value.field == "pairing_id" and early.status == "active"
    for now in (ends - timedelta(days=30), ends + timedelta(days=3)):  # the window, and once the term is over
        due = proposal("active", term_ends_at=ends)
        due.complete(now, notice_days=30)
        assert (due.status, due.closed_reason) == ("completed", "term_completed")
    assert proposal("proposed").closing_opens_at(30) is None


def test_a_mentorship_is_renewed_for_one_term_once_both_sides_asked_whoever_asks_again():
    ends = NOW + timedelta(days=10)
    pairing = proposal("active", term_ends_at=ends)
    for _ in range(5):
        assert not pairing.renew("mentee", PROGRAM, NOW, notice_days=30)
    assert (pairing.term_ends_at, pairing.mentee_renews, pairing.mentor_renews) == (ends, True, False)
    assert pairing.renew("mentor", PROGRAM, NOW, notice_days=30)
    assert pairing.term_ends_at == datetime(2027, 12, 2, tzinfo=UTC)  # twelve months after the term's end
    assert (pairing.mentee_renews, pairing.mentor_renews) == (False, False), "the next term asks both again"
    with pytest.raises(RenewalNotDue):
        pairing.renew("mentor", PROGRAM, NOW, notice_days=30)


def test_a_declined_proposal_says_who_declined_it_and_cannot_be_accepted_afterwards():
    pairing = proposal()
    pairing.decline("other", "mentor")
    assert (pairing.status, pairing.closed_reason, pairing.closed_by) == ("declined", "other", "mentor")
    with pytest.raises(TransitionNotAllowed):
        pairing.accept("mentor", PROGRAM, NOW)


def test_a_mentee_withdraws_their_own_request_and_nothing_else_is_a_withdrawal():
    request = proposal("requested", mentee_accepted=True)
    request.decline("request_withdrawn", "mentee")
    assert (request.status, request.closed_reason) == ("declined", "request_withdrawn")
    for pairing, side in ((proposal(), "mentee"), (proposal("requested", mentee_accepted=True), "mentor")):
        with pytest.raises(RequestNotWithdrawable) as refused:
            pairing.decline("request_withdrawn", side)
        assert refused.value.field == "reason_code" and pairing.status != "declined"


@pytest.mark.parametrize(("ended_by", "reason", "keeps_place"), [
    ("mentor", "withdrawn", True),  # their mentor left the program
    ("mentor", "mentor_suspended", True),
    ("mentor", "person_erased", True),
    ("mentor", "schedule_conflict", True),
    ("program", "conduct", True),  # a coordinator ended it: nothing says it was the mentee's doing
    ("mentee", "conduct", True),  # they reported their mentor
    ("mentee", "not_responding", True),
    ("mentor", "conduct", False),  # their mentor reported them
    ("mentor", "not_responding", False),
    ("mentee", "schedule_conflict", False),
    ("mentor", "goals_met", False),  # it ran its course: they rest
    ("program", "goals_met", False),
])
def test_a_mentee_keeps_their_place_on_the_waitlist_when_their_mentorship_ends_through_no_doing_of_theirs(
        ended_by, reason, keeps_place):
    mentorship = proposal()
    mentorship.accept("program", PROGRAM, NOW)
    mentorship.end(reason, ended_by)
    assert mentorship.keeps_mentee_place() is keeps_place


def test_a_mentee_whose_mentorship_completed_its_term_waits_from_when_they_ask_again():
    mentorship = proposal()
    mentorship.accept("program", PROGRAM, NOW)
    mentorship.term_over()
    assert not mentorship.keeps_mentee_place()


def test_a_program_that_weighs_only_specialty_scores_a_shared_specialty_one_hundred():
    mentee = Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=S.UNDERGRADUATE, specialties=["psychiatry"])
    mentor = Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=S.ATTENDING, specialties=["psychiatry"])
    only_specialty = Weights(specialty=1, support=0, stage=0, identity=0, language=0, logistics=0)
    assert fit(mentee, mentor, only_specialty).score == 100
    assert fit(mentee, mentor).score < 100


def test_a_request_closed_as_another_mentor_accepted_the_mentee_says_so_to_the_pair_and_no_other_closing_does():
    # The pair are told no closed_reason; this one they may know (its mentor is emailed that she found a mentor).
    closed = proposal("requested", mentee_accepted=True)
    closed.lapse("another_request_accepted")
    unanswered = proposal("requested", mentee_accepted=True)
    unanswered.lapse("unanswered")
    assert PairingOut.of(closed).closed_for_another_mentor is True
    assert PairingOut.of(unanswered).closed_for_another_mentor is False
