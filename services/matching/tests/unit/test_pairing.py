"""Scoring and pairing as people register, on plain objects."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import numpy as np
from matching.domain.model import Candidate, ProgramRules, term_end
from matching.domain.pairing import Proposal, Roster, pair_from_roster, refusal
from matching.domain.scoring import Weights, exclusion, fit
from mentorship_contracts.vocabulary import TrainingStage as S

PROGRAM = ProgramRules(
    id=uuid4(), chapter_id=None, pairing_mode="on_registration", both_must_accept=False, pair_cap=None,
    minimum_score=0, term_months=12, mentee_stages=[S.UNDERGRADUATE],
    mentor_stages=[S.MEDICAL_STUDENT_3, S.RESIDENT, S.ATTENDING],
)
NOW = datetime(2026, 11, 22, tzinfo=UTC)


def person(stage, **attributes) -> Candidate:
    return Candidate(enrollment_id=uuid4(), person_id=uuid4(), stage=stage, **attributes)


def pair_waiting(program: ProgramRules, waiting: list[Candidate], mentors: list[Candidate],
                 live_pairs: int) -> list[Proposal]:
    """Pairing as registration does it, with each mentor's room as the candidates say."""
    roster = Roster.of(program, mentors, Weights())
    room = roster.capacity - np.array([m.active_pairings for m in roster.mentors], dtype=np.int64)
    return pair_from_roster(program, waiting, roster, room, live_pairs)


def test_a_mentor_who_is_not_further_along_is_ruled_out():
    assert exclusion(person(S.RESIDENT), person(S.MEDICAL_STUDENT_3), PROGRAM) == "mentor_not_ahead"


def test_a_mentor_at_capacity_is_ruled_out():
    full = person(S.RESIDENT, capacity=1, active_pairings=1)
    assert exclusion(person(S.UNDERGRADUATE), full, PROGRAM) == "mentor_at_capacity"


def test_a_mentor_awaiting_approval_is_ruled_out():
    assert exclusion(person(S.UNDERGRADUATE), person(S.RESIDENT, approved=False), PROGRAM) == "mentor_not_approved"


def test_a_pair_a_coordinator_ended_is_refused_after_every_rule_a_reason_cannot_set_aside():
    # Pairing them again by hand takes a reason, which sets aside only the rules that may be: one that may not (a
    # mentor not approved) is never hidden behind it.
    mentee, unapproved, approved = person(S.UNDERGRADUATE), person(S.RESIDENT, approved=False), person(S.RESIDENT)
    ended = frozenset({(mentee.person_id, unapproved.person_id), (mentee.person_id, approved.person_id)})

    assert refusal(mentee, unapproved, PROGRAM, Weights(), ended, ended_by_coordinator=ended) == "mentor_not_approved"
    assert refusal(mentee, approved, PROGRAM, Weights(), ended, ended_by_coordinator=ended) == \
        "ended_by_coordinator_before"
    assert refusal(mentee, approved, PROGRAM, Weights(), ended) == "declined_or_ended_before"


def test_a_rule_no_reason_sets_aside_is_said_before_any_a_reason_may_so_that_a_reason_never_carries_past_it():
    # A reason given for a mentee whose stage the program does not take (or a mentor who is full) set aside that
    # rule alone, and the pair was made though the two had declined each other, or the mentor was not approved.
    high_schooler, mentor = person(S.HIGH_SCHOOL), person(S.RESIDENT)
    declined = frozenset({(high_schooler.person_id, mentor.person_id)})
    assert refusal(high_schooler, mentor, PROGRAM, Weights(), declined) == "declined_or_ended_before"
    assert refusal(high_schooler, person(S.RESIDENT, approved=False), PROGRAM, Weights()) == "mentor_not_approved"
    full, student = person(S.RESIDENT, capacity=1, active_pairings=1), person(S.UNDERGRADUATE)
    other_kind = person(S.UNDERGRADUATE, pairing_kind="clinical")
    assert refusal(other_kind, full, PROGRAM, Weights()) == "different_kind"
    # Alone, the rule a reason may set aside is said as before.
    assert refusal(high_schooler, mentor, PROGRAM, Weights()) == "mentee_not_eligible"
    assert refusal(student, full, PROGRAM, Weights()) == "mentor_at_capacity"


def test_shared_specialty_and_offered_support_raise_the_score_and_say_why():
    mentee = person(S.UNDERGRADUATE, specialties=["general_surgery"], support_areas=["research"])
    matching = fit(mentee, person(S.ATTENDING, specialties=["general_surgery"], support_areas=["research"]))
    unrelated = fit(mentee, person(S.ATTENDING, specialties=["psychiatry"]))
    assert matching.score > unrelated.score
    assert {"specialty_overlap", "support_offered"} <= set(matching.reasons)


def test_a_near_peer_scores_higher_than_someone_far_ahead():
    mentee = person(S.UNDERGRADUATE)
    assert fit(mentee, person(S.MEDICAL_STUDENT_1)).score > fit(mentee, person(S.ATTENDING)).score
    assert "near_peer" in fit(mentee, person(S.POST_BACCALAUREATE)).reasons


def test_the_longest_waiting_mentee_gets_the_only_free_place():
    early = person(S.UNDERGRADUATE, waiting_since=NOW - timedelta(days=3))
    late = person(S.UNDERGRADUATE, waiting_since=NOW, specialties=["general_surgery"])
    mentor = person(S.RESIDENT, specialties=["general_surgery"], capacity=1)
    proposals = pair_waiting(PROGRAM, [late, early], [mentor], live_pairs=0)
    assert [p.mentee for p in proposals] == [early]


def test_a_mentor_is_never_given_more_mentees_than_their_capacity():
    mentees = [person(S.UNDERGRADUATE, waiting_since=NOW + timedelta(minutes=i)) for i in range(5)]
    proposals = pair_waiting(PROGRAM, mentees, [person(S.RESIDENT, capacity=2)], live_pairs=0)
    assert len(proposals) == 2


def test_no_pair_is_formed_beyond_the_program_cap():
    capped = ProgramRules(**{**vars(PROGRAM), "pair_cap": 3})
    mentees = [person(S.UNDERGRADUATE, waiting_since=NOW + timedelta(minutes=i)) for i in range(5)]
    assert len(pair_waiting(capped, mentees, [person(S.RESIDENT, capacity=10)], live_pairs=2)) == 1


def test_a_twelve_month_term_started_on_the_last_day_of_a_long_month_ends_on_the_last_day_of_a_short_one():
    assert term_end(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert term_end(NOW, 12) == datetime(2027, 11, 22, tzinfo=UTC)
