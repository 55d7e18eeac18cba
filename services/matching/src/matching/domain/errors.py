"""What matching refuses, each with the stable code clients see (`plumbing.errors` maps the kind to a status)."""

from __future__ import annotations

from plumbing.errors import Conflict, Forbidden, Invalid, NotFound


# --- not found ----------------------------------------------------------------------------------------------
class ProgramNotFound(NotFound, code="program_not_found"):
    pass


class PairingNotFound(NotFound, code="pairing_not_found"):
    pass


class MeetingNotFound(NotFound, code="meeting_not_found"):
    """No meeting of that id was logged in the pairing."""


class RoundNotFound(NotFound, code="round_not_found"):
    pass


class NotEnrolled(NotFound, code="not_enrolled"):
    """The person holds no active enrollment of that role (and kind) in the program."""


class NotWaiting(NotFound, code="not_waiting"):
    pass


# --- what the pairing's state does not allow ------------------------------------------------------------------
class TransitionNotAllowed(Conflict, code="transition_not_allowed"):
    """The pairing's status does not allow this step of its lifecycle."""


class MentorAnswersRequest(Conflict, code="mentor_answers_request"):
    pass


class RequestNotWithdrawable(Invalid, code="request_not_withdrawable"):
    """Only a mentee's request is withdrawn, and only by that mentee: anything else is declined for a reason."""


class MentorshipNotHeld(Conflict, code="mentorship_not_held"):
    """Feedback is given on a mentorship that happened (active, completed or ended)."""


class FeedbackAlreadyGiven(Conflict, code="feedback_already_given"):
    pass


class RenewalNotDue(Conflict, code="renewal_not_due"):
    """A mentorship is renewed in the notice window before its term ends, not earlier (nor once it has ended)."""


class CompletionNotDue(Conflict, code="completion_not_due"):
    """A mentorship is completed in the notice window before its term ends, or after: earlier, it is ended early, for
    a reason."""


# --- choosing a mentor ------------------------------------------------------------------------------------------
class MenteesDoNotChoose(Conflict, code="mentees_do_not_choose"):
    pass


class MatchingProfileMissing(Conflict, code="matching_profile_missing"):
    pass


class SameMentor(Conflict, code="same_mentor"):
    """Two drafted pairs asked to swap mentors have the same one (or are the same pair): swapping changes nothing."""


class AlreadyPaired(Conflict, code="already_paired"):
    pass


class AlreadyRequested(Conflict, code="already_requested"):
    pass


class RequestLimitReached(Conflict, code="request_limit_reached"):
    pass


class MentorRuledOut(Conflict, code="mentor_ruled_out"):
    pass


class MentorFull(Conflict, code="mentor_full"):
    pass


class PersonPaused(Conflict, code="person_paused"):
    """They paused their enrollment: nobody new is paired with them, by hand either, until they resume."""


class ProgramCapReached(Conflict, code="program_cap_reached"):
    pass


class MenteeSuspended(Conflict, code="person_suspended"):
    """A suspended person is paired with nobody until reinstated."""


class StageNotEligible(Conflict, code="stage_not_eligible"):
    """The mentor's or the mentee's stage is not one the program, or this mentor, pairs."""


class NotSuitable(Conflict, code="not_suitable"):
    """The pair falls short of the program's minimum fit, or of what the mentee requires of a mentor: one answer for
    both, so that a coordinator cannot tell a mentee's identity requirement from a low score."""


class MentorNotApproved(Conflict, code="mentor_not_approved"):
    pass


class DifferentKind(Conflict, code="different_kind"):
    """The mentor offers another kind of pairing than the mentee seeks."""


class SamePerson(Conflict, code="same_person"):
    pass


class NoSharedLanguage(Conflict, code="no_shared_language"):
    """Both listed languages they can meet in, and none is in both lists."""


class ClosedBefore(Conflict, code="declined_or_ended_before"):
    """A pairing of these two closed before, and not each time by a coordinator ending it: one of them declined it or
    ended it, it was left unanswered, a coordinator withdrew it while proposed, or who closed it was not kept yet.
    Never paired again, by hand either."""


class EndedByCoordinatorBefore(Conflict, code="ended_by_coordinator_before"):
    """Each pairing of these two that closed was a mentorship a coordinator ended: paired again by hand only with a
    reason (an override), never by the engine."""


# --- rounds under review ------------------------------------------------------------------------------------
class RoundNotDraft(Conflict, code="round_not_draft"):
    """Only a drafted round is edited, published or discarded."""


class PairNotInRound(NotFound, code="pair_not_found"):
    pass


class DraftAwaitingReview(Conflict, code="draft_awaiting_review"):
    """A round of the program is drafted and awaits a coordinator's review: another is run once it is published or
    discarded (two drafts of one roster contradict each other: the second published would propose nobody)."""


class RoundAlreadyRunning(Conflict, code="round_already_running"):
    """A round of the program is queued or running: it ends as a draft, to review before another is run."""


# --- input ------------------------------------------------------------------------------------------------------
class PairingKindRequired(Invalid, code="pairing_kind_required"):
    """The person is enrolled for several kinds of pairing: the request must say which."""


class MeetingInTheFuture(Invalid, code="meeting_in_the_future"):
    pass


class MeetingBeforePairing(Invalid, code="meeting_before_pairing"):
    """A meeting of the mentorship is dated on or after the day it was confirmed."""


class NoWeightPositive(Invalid, code="no_weight_positive"):
    pass


class NotAParty(Forbidden, code="not_a_party"):
    """Only the mentee or the mentor of the pairing may do this."""


class NotYourMeeting(Forbidden, code="not_your_meeting"):
    """A meeting is corrected or deleted by the one of the pair who logged it: their partner logs their own."""


_REFUSALS: dict[str, type[Conflict]] = {
    "mentor_at_capacity": MentorFull, "program_cap_reached": ProgramCapReached,
    "mentor_not_eligible": StageNotEligible, "mentor_not_ahead": StageNotEligible,
    "stage_not_welcome": StageNotEligible, "mentee_not_eligible": StageNotEligible,
    "identity_requirement_unmet": NotSuitable, "below_minimum_score": NotSuitable,
    "mentor_not_approved": MentorNotApproved, "different_kind": DifferentKind, "same_person": SamePerson,
    "declined_or_ended_before": ClosedBefore, "ended_by_coordinator_before": EndedByCoordinatorBefore,
    "no_shared_language": NoSharedLanguage,
}

_MESSAGES: dict[type[Conflict], str] = {
    NotSuitable: "this pair is not a good enough fit",
    NoSharedLanguage: "the mentee and the mentor have no language in common to meet in",
}


def refusal_code(reason: str) -> str:
    """The code a reader is given for a pairing rule's reason (never one that tells identity from fit)."""
    return _REFUSALS[reason].code


def refused(reason: str, field: str) -> Conflict:
    """The error for a pairing rule (`pairing.refusal`'s reason) that refuses a pair."""
    kind = _REFUSALS.get(reason)
    if kind is None:
        raise ValueError(f"no error for the refusal {reason!r}")
    return kind(_MESSAGES.get(kind, f"this pair breaks a rule: {reason}"), field)
