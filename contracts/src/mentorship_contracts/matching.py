"""Integration events published by the matching service."""

from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from . import example_ids as ids
from .envelope import IntegrationEvent, private_twin, register
from .profiles import EnrollmentChanged, EnrollmentCreated
from .vocabulary import PairingKind, Role

PAIRINGS = "matching.pairings"
WAITLIST = "matching.waitlist"
ROUNDS = "matching.rounds"
PRIVATE_PAIRINGS = "matching.private-pairings"


KindOfPairing = Annotated[PairingKind, Field(
    description="What the mentorship is for; a mentee may hold one pairing of each kind at once")]

# Why a pair fits, as anyone may read it: never an identity attribute (`shared_identity` was one, before version
# 4 of the pairing events). Identity a person consented to use in matching may decide whom they are proposed to,
# but no score or reason anyone reads depends on it.
PairingReason = Literal["specialty_overlap", "support_offered", "near_peer", "further_along", "shared_language",
                        "format_compatible", "same_region", "same_time_zone"]
VisibleReasons = Annotated[list[PairingReason], Field(
    description="Why this pair fits, from everything but identity attributes (none of them is ever a reason)")]
VisibleScore = Annotated[int, Field(
    ge=0, le=100, description="How well the pair fits, 0 to 100, from everything but identity attributes")]

ProgramId = Annotated[UUID, Field(description="The program's id (the topic's key), as profiles.program_defined names it")]
ProgramChapter = Annotated[UUID | None, Field(description="The program's chapter; null for a national program")]
MenteeId = Annotated[UUID, Field(description="The mentee's person id")]
TermEndsAt = Annotated[AwareDatetime, Field(description="When the mentorship's term ends unless renewed: the "
                                                        "program's term_months after confirmation or the last renewal")]
# Why a pairing closed, from fixed lists (never free text); where one side left the program or the platform, or was
# suspended from mentoring in it, the closing says so alike.
_LEFT = "withdrawn (left the program), mentor_suspended or person_erased (erased their account)"

# A pairing in the story the examples tell (`example_ids`): a medical student and a resident, clinical mentorship.
_PAIRING = {"pairing_id": ids.PAIRING, "program_id": ids.PROGRAM, "chapter_id": ids.CHAPTER, "mentee_id": ids.MENTEE,
            "mentor_id": ids.MENTOR}
_FIT = {"score": 78, "reason_codes": ["specialty_overlap", "near_peer", "same_time_zone"]}


class PairingEvent(IntegrationEvent):
    """What every event on `matching.pairings` says: which pairing, in which program, of whom."""

    topic = PAIRINGS
    # Keyed by program: matching changes a program's pairings one transaction at a time (under its lock), so
    # a subscriber reads them in that order and never sees a mentor's new pairing before the old one ended.
    key_field = "program_id"
    producer: str = "matching"

    pairing_id: UUID = Field(description="The pairing's id: one mentee and one mentor in one program, from proposal "
                                         "(or a mentee's request) to its end")
    program_id: ProgramId
    chapter_id: ProgramChapter
    mentee_id: MenteeId
    mentor_id: UUID = Field(description="The mentor's person id")


@register
class PairingProposed(PairingEvent):
    """Matching proposed a mentor to a mentee, with a score (0 to 100) and the reasons they fit; each side
    answers (or the program confirms)."""

    event_type: Literal["matching.pairing_proposed"] = "matching.pairing_proposed"
    schema_version: Literal[1] = 1

    score: int = Field(ge=0, le=100, description="How well the pair fits, 0 to 100")
    reason_codes: list[str] = Field(default_factory=list, description="Why this pair, e.g. specialty_overlap, near_peer")

    example = {**_PAIRING, **_FIT}


@register
class PairingProposedV2(PairingProposed):
    """Version 2 adds the kind of pairing, so a mentee's clinical mentor can be told from their research mentor.
    Published instead of version 1 since 2026-11; consumers apply both (version 1 means `general`). No longer
    published itself: matching publishes version 6 instead, since 2026-12-04 (the package README, "Produced now")."""

    schema_version: Literal[2] = 2

    pairing_kind: KindOfPairing = PairingKind.GENERAL

    example = {**PairingProposed.example, "pairing_kind": "clinical"}


@register
class PairingProposedV3(PairingProposedV2):
    """A mentee and a mentor were proposed to each other, with the kind of pairing.

    Version 3: version 2 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[3] = 3


@register
class PairingProposedV4(PairingProposedV3):
    """A mentee and a mentor were proposed to each other, with the kind of pairing.

    Version 4: the score and the reasons say nothing of identity: `reason_codes` are from a fixed list without
    `shared_identity`, and `score` counts everything but identity attributes."""

    schema_version: Literal[4] = 4

    score: VisibleScore
    reason_codes: VisibleReasons


@register
class PairingProposedV5(PairingProposedV4):
    """A mentee and a mentor were proposed to each other, or, where mentees choose, the mentee asked the mentor.

    Version 5 says which (`requested_by_mentee`): a request has the mentee's answer already, and only the mentor's is
    awaited. Published instead of version 4 since 2026-12; consumers apply both (version 4 means a proposal). No
    longer published itself: matching publishes version 6 instead, since 2026-12-04 (the package README, "Produced
    now")."""

    schema_version: Literal[5] = 5

    requested_by_mentee: bool = Field(
        default=False, description="The mentee asked for this mentor (and so accepted): only the mentor answers")

    example = {**PairingProposedV4.example, "requested_by_mentee": False}


@register
class PairingProposedV6(PairingProposedV5):
    """A mentee and a mentor were proposed to each other, or, where mentees choose, the mentee asked the mentor.

    Version 6 adds `answer_by`, so whoever answers is told from the start by when (as `answer_due` reminds them).
    Published instead of version 5 since 2026-12-04; consumers apply both (version 5 says no time)."""

    schema_version: Literal[6] = 6

    answer_by: AwareDatetime = Field(
        description="When it lapses if still unanswered: its program's time to answer from the proposal, else "
                    "matching's (14 days by default)")

    example = {**PairingProposedV5.example, "answer_by": "2026-12-15T14:30:00Z"}


@register
class PairingConfirmed(PairingEvent):
    """Both accepted, or the program confirmed it (where both need not accept, the mentee accepted): the mentorship is active."""

    event_type: Literal["matching.pairing_confirmed"] = "matching.pairing_confirmed"
    schema_version: Literal[1] = 1

    score: int = Field(ge=0, le=100, description="How well the pair fits, 0 to 100, as when proposed")
    reason_codes: list[str] = Field(default_factory=list, description="Why this pair, as when proposed")
    term_ends_at: TermEndsAt

    example = {**_PAIRING, **_FIT, "term_ends_at": "2027-12-05T14:30:00Z"}


@register
class PairingConfirmedV2(PairingConfirmed):
    """Version 2 adds the kind of pairing, so a mentee's clinical mentor can be told from their research mentor.
    Published instead of version 1 since 2026-11; consumers apply both (version 1 means `general`). No longer
    published itself: matching publishes version 4 instead (the package README, "Produced now")."""

    schema_version: Literal[2] = 2

    pairing_kind: KindOfPairing = PairingKind.GENERAL

    example = {**PairingConfirmed.example, "pairing_kind": "clinical"}


@register
class PairingConfirmedV3(PairingConfirmedV2):
    """Both accepted, or the program confirmed it (where both need not accept, the mentee accepted): the mentorship is active.

    Version 3: version 2 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[3] = 3


@register
class PairingConfirmedV4(PairingConfirmedV3):
    """Both accepted, or the program confirmed it (where both need not accept, the mentee accepted): the mentorship is active.

    Version 4: the score and the reasons say nothing of identity: `reason_codes` are from a fixed list without
    `shared_identity`, and `score` counts everything but identity attributes."""

    schema_version: Literal[4] = 4

    score: VisibleScore
    reason_codes: VisibleReasons


@register
class PairingDeclined(PairingEvent):
    """A proposal was declined; the pair is never proposed again, and the mentee goes back to matching."""

    event_type: Literal["matching.pairing_declined"] = "matching.pairing_declined"
    schema_version: Literal[1] = 1

    declined_by: Role = Field(description="The side that declined: mentee or mentor (a mentee taking back their "
                                          "request: mentee)")
    reason_code: str = Field(
        description="Why, a code never free text: not_a_good_fit, schedule_conflict, no_longer_available, "
                    "prefer_another_mentor, request_withdrawn, other, no_reason_given (declined without choosing a "
                    "reason: published from 2027-01-06, as other before); " + _LEFT + "; or, withdrawn by the program "
                    "(version 3), its coordinator's: not_a_good_fit, schedule_conflict, no_longer_available, other, "
                    "reassigned (another mentor proposed instead)")

    example = {**_PAIRING, "declined_by": "mentor", "reason_code": "schedule_conflict"}


@register
class PairingDeclinedV2(PairingDeclined):
    """A proposal was declined; the pair is never proposed again, and the mentee goes back to matching.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class PairingDeclinedV3(PairingDeclinedV2):
    """A proposal was declined by one of the pair, or withdrawn by the program (a coordinator stepping in); the pair
    is never proposed again, and the mentee goes back to matching.

    Version 3 adds `declined_by_program`: true when a coordinator or administrator withdrew the proposal,
    `declined_by` then null. Published for those alone; one of the pair declining is still version 2."""

    schema_version: Literal[3] = 3

    declined_by: Role | None = Field(  # type: ignore[assignment]  # null when the program withdrew it
        description="The side that declined; null when the program withdrew the proposal")
    declined_by_program: bool = Field(default=False, description="True when a coordinator or an administrator "
                                                                 "withdrew the proposal")

    example = {**_PAIRING, "declined_by": None, "reason_code": "reassigned", "declined_by_program": True}


@register
class PairingEnded(PairingEvent):
    """Ended early by either side; the mentee goes back to matching."""

    event_type: Literal["matching.pairing_ended"] = "matching.pairing_ended"
    schema_version: Literal[1] = 1

    ended_by: Role = Field(description="The side that ended it: mentee or mentor")
    reason_code: str = Field(
        description="Why, a code never free text: not_a_good_fit, schedule_conflict, no_longer_available, goals_met, "
                    "relocated, conduct, not_responding (the other side stopped answering), other; or " + _LEFT)

    example = {**_PAIRING, "ended_by": "mentee", "reason_code": "goals_met"}


@register
class PairingEndedV2(PairingEnded):
    """Ended early by either side; the mentee goes back to matching.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class PairingLapsed(PairingEvent):
    """A mentee's request to a mentor was left unanswered when another request was accepted (or either left), or a
    proposal or a request was left unanswered past the time to answer (`unanswered`: that mentor is not proposed
    to, nor suggested to, that mentee again)."""

    event_type: Literal["matching.pairing_lapsed"] = "matching.pairing_lapsed"
    schema_version: Literal[1] = 1

    reason_code: str = Field(
        description="Why, a code never free text: unanswered (past the time to answer), another_request_accepted "
                    "(the mentee's request to another mentor was), or " + _LEFT)

    example = {**_PAIRING, "reason_code": "unanswered"}


@register
class PairingLapsedV2(PairingLapsed):
    """A mentee's request to a mentor was left unanswered when another request was accepted (or either left), or a
    proposal or a request was left unanswered past the time to answer (`unanswered`: that mentor is not proposed
    to, nor suggested to, that mentee again).

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class PairingLapsedV3(PairingLapsedV2):
    """A proposal or a mentee's request lapsed unanswered: past the time to answer (`unanswered`: that mentor is not
    proposed to, nor suggested to, that mentee again), or, a request, when another was accepted or either left.

    Version 3 adds who had yet to answer and whether it was the mentee's request, so each side can be told what
    happened (version 2 leaves both unsaid)."""

    schema_version: Literal[3] = 3

    awaiting: list[Role] = Field(
        description="Who had yet to answer: the mentor of a request; each side of a proposal that had not accepted it")
    requested_by_mentee: bool = Field(description="A mentee's request to this mentor, rather than a proposal")

    example = {**PairingLapsedV2.example, "awaiting": ["mentor"], "requested_by_mentee": True}


@register
class PairingLapsedV4(PairingLapsedV3):
    """A proposal or a mentee's request lapsed unanswered: past the time to answer (`unanswered`: that mentor is not
    proposed to, nor suggested to, that mentee again), or, a request, when another was accepted or either left.

    Version 4 adds `lapsed_by`: the side whose leaving lapsed it (`withdrawn` from the program, `mentor_suspended`,
    `person_erased`), so the side that stays can be told. Published for those alone; a lapse nobody caused by leaving
    (`unanswered`, `another_request_accepted`) is still version 3."""

    schema_version: Literal[4] = 4

    lapsed_by: Role = Field(description="The side that left: withdrew from the program, was suspended from mentoring "
                                        "in it, or erased their account")

    example = {**PairingLapsedV3.example, "reason_code": "withdrawn", "lapsed_by": "mentee"}


@register
class PairingRenewed(PairingEvent):
    """Both sides of a mentorship renewed it for another term, ending at `term_ends_at`."""

    event_type: Literal["matching.pairing_renewed"] = "matching.pairing_renewed"
    schema_version: Literal[1] = 1

    term_ends_at: AwareDatetime = Field(description="The term's new end: the old end plus the program's term_months")

    example = {**_PAIRING, "term_ends_at": "2028-12-05T14:30:00Z"}


@register
class PairingRenewedV2(PairingRenewed):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class PairingCompleted(PairingEvent):
    """The term ended without renewal; both sides are asked for feedback."""

    event_type: Literal["matching.pairing_completed"] = "matching.pairing_completed"
    schema_version: Literal[1] = 1

    example = _PAIRING


@register
class PairingCompletedV2(PairingCompleted):
    """The term ended without renewal; both sides are asked for feedback.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class RenewalDue(PairingEvent):
    """The term ends soon: renew or complete."""

    event_type: Literal["matching.renewal_due"] = "matching.renewal_due"
    schema_version: Literal[1] = 1

    term_ends_at: TermEndsAt

    example = {**_PAIRING, "term_ends_at": "2026-12-19T14:30:00Z"}


@register
class RenewalDueV2(RenewalDue):
    """The term ends soon: renew or complete.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


# How many proposals or requests in a row someone lets lapse unanswered before matching pauses them
# (`matching.stopped_answering`): a rule of the platform, which a message may tell them in advance.
PAUSED_AFTER_UNANSWERED = 2


@register
class AnswerDue(PairingEvent):
    """A proposal or a mentee's request is still unanswered and lapses soon: whoever has yet to answer is reminded,
    once (three days before it lapses, or halfway through a shorter time to answer)."""

    closed_schema = True
    event_type: Literal["matching.answer_due"] = "matching.answer_due"
    schema_version: Literal[1] = 1

    answer_by: AwareDatetime = Field(description="When it lapses if still unanswered")
    awaiting: list[Role] = Field(
        min_length=1, description="Who has yet to answer: the mentor of a request; each side of a proposal that has "
                                  "not accepted it")
    requested_by_mentee: bool = Field(description="A mentee's request to this mentor, rather than a proposal")

    example = {**_PAIRING, "answer_by": "2026-12-08T14:30:00Z", "awaiting": ["mentee", "mentor"],
               "requested_by_mentee": False}


@register
class AnswerDueV2(AnswerDue):
    """A proposal or a mentee's request is still unanswered and lapses soon: whoever has yet to answer is reminded,
    once (three days before it lapses, or halfway through a shorter time to answer).

    Version 2 says whom this lapse would pause (`matching.stopped_answering`), so the reminder can warn them."""

    schema_version: Literal[2] = 2

    paused_if_it_lapses: list[Role] = Field(
        description=f"Those named in awaiting for whom this lapse would make {PAUSED_AFTER_UNANSWERED} or more proposals "
                    "or requests in a row left unanswered (the platform pauses whoever lets "
                    f"{PAUSED_AFTER_UNANSWERED} in a row lapse unanswered), and who are not paused already: if it "
                    "lapses, matching pauses them (matching.stopped_answering)")

    example = {**AnswerDue.example, "paused_if_it_lapses": ["mentor"]}


@register
class StoppedAnswering(PairingEvent):
    """One side of this pairing let this many proposals or requests in a row lapse unanswered, this one the last, just
    now. From now matching proposes nobody new to them (a mentor), or them to no mentor (a mentee), and profiles
    pauses their enrollment, which they can undo. Sent once for a run of lapses; the count starts again when they
    answer one, or resume."""

    closed_schema = True
    event_type: Literal["matching.stopped_answering"] = "matching.stopped_answering"
    schema_version: Literal[1] = 1

    role: Role = Field(description="Who stopped answering: the pairing's mentor, or its mentee")
    enrollment_id: UUID = Field(description="Their enrollment in the program, which is paused")
    unanswered_in_a_row: int = Field(ge=1, description="How many lapsed unanswered in a row, this pairing the last")

    example = {**_PAIRING, "role": "mentor", "enrollment_id": ids.MENTOR_ENROLLMENT, "unanswered_in_a_row": 2}


@register
class MeetingOverdue(PairingEvent):
    """No meeting logged within the program's cadence."""

    event_type: Literal["matching.meeting_overdue"] = "matching.meeting_overdue"
    schema_version: Literal[1] = 1

    last_met_at: AwareDatetime | None = Field(
        description="The day of the pair's last logged meeting (its midnight, UTC); null when none was logged since "
                    "the pairing was confirmed")
    days_overdue: int = Field(ge=0, description="Whole days past when the next meeting was due: the last meeting, "
                                                "or the confirmation, plus the program's cadence_max_days")

    example = {**_PAIRING, "last_met_at": "2026-10-20T00:00:00Z", "days_overdue": 1}


@register
class MeetingOverdueV2(MeetingOverdue):
    """No meeting logged within the program's cadence.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class MenteeWaitlisted(IntegrationEvent):
    """A mentee waits for a mentor in a program, at `position` on its waitlist."""

    topic = WAITLIST
    # Keyed by program, like the pairings: a program's waitlist places are read in the order they were given.
    key_field = "program_id"
    producer: str = "matching"
    event_type: Literal["matching.mentee_waitlisted"] = "matching.mentee_waitlisted"
    schema_version: Literal[1] = 1

    enrollment_id: UUID = Field(description="The mentee's enrollment in the program")
    program_id: ProgramId
    chapter_id: ProgramChapter
    mentee_id: MenteeId
    position: int = Field(ge=1, description="The mentee's place in the program's queue, 1 being the next to be paired")

    example = {"enrollment_id": ids.MENTEE_ENROLLMENT, "program_id": ids.PROGRAM, "chapter_id": ids.CHAPTER,
               "mentee_id": ids.MENTEE, "position": 3}


@register
class MenteeWaitlistedV2(MenteeWaitlisted):
    """Version 2 adds the kind of pairing the mentee waits for (one enrolled for several kinds may wait for one
    and be paired in another); `position` is their place among those waiting for that kind. Published instead
    of version 1 since 2026-11; consumers apply both (version 1 means `general`). No longer published itself:
    matching publishes version 4 instead, since 2026-12-05 (the package README, "Produced now")."""

    schema_version: Literal[2] = 2

    pairing_kind: PairingKind = Field(
        default=PairingKind.GENERAL,
        description="The kind of pairing the mentee waits for; a mentee may hold one pairing of each kind at once")

    example = {**MenteeWaitlisted.example, "pairing_kind": "clinical"}


@register
class MenteeWaitlistedV3(MenteeWaitlistedV2):
    """A mentee waits for a mentor of one kind; `position` is their place among those waiting for it.

    Version 3: version 2 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[3] = 3


@register
class MenteeWaitlistedV4(MenteeWaitlistedV3):
    """A mentee waits for a mentor of one kind; `position` is their place among those waiting for it.

    Version 4 adds `after_pairing_id`: the pairing whose closing (ended, declined, lapsed) put the mentee back on the
    waitlist, null when they wait from their enrollment. The closing travels on `matching.pairings`, this on
    `matching.waitlist`, and nothing is ordered across topics: a reader telling the mentee both can tell the closing
    first (it may arrive second). Published instead of version 3 since 2026-12-05; consumers apply both (version 3
    leaves it unsaid)."""

    schema_version: Literal[4] = 4

    after_pairing_id: UUID | None = Field(
        description="The pairing whose closing put the mentee back on the waitlist; null when they wait from their "
                    "enrollment")

    example = {**MenteeWaitlistedV3.example, "after_pairing_id": ids.EARLIER_PAIRING}


@register
class RoundCompleted(IntegrationEvent):
    """A coordinator's matching round finished: how many were proposed and how many were left unpaired."""

    topic = ROUNDS
    key_field = "program_id"  # a program's rounds are read in the order they ran
    producer: str = "matching"
    event_type: Literal["matching.round_completed"] = "matching.round_completed"
    schema_version: Literal[1] = 1

    round_id: UUID = Field(description="The round's id")
    program_id: ProgramId
    chapter_id: ProgramChapter
    paired: int = Field(ge=0, description="How many mentees the published round proposed a mentor to")
    unpaired: int = Field(ge=0, description="How many mentees it left waiting without one")
    total_score: int = Field(ge=0, description="The sum of the proposed pairs' scores (each 0 to 100, identity not "
                                               "counted)")

    example = {"round_id": ids.ROUND, "program_id": ids.PROGRAM, "chapter_id": ids.CHAPTER, "paired": 12,
               "unpaired": 3, "total_score": 871}


@register
class RoundCompletedV2(RoundCompleted):
    """A coordinator's matching round finished: how many were proposed and how many were left unpaired.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


KindedEvent = PairingProposed | PairingConfirmed | MenteeWaitlisted | EnrollmentCreated | EnrollmentChanged


def pairing_kind_of(event: KindedEvent) -> PairingKind:
    """The kind of pairing an enrollment, a pairing proposed or confirmed, or a waitlisted mentee is about, in any
    version: its `pairing_kind`, or `general` for a version that predates the field (which is what it meant).

    Other events do not say their kind (a pairing that ended is of the kind it was confirmed with): asking them
    raises TypeError rather than answer `general` by mistake.
    """
    if not isinstance(event, KindedEvent):
        raise TypeError(f"{type(event).__name__} does not say which kind of pairing it is about")
    return PairingKind(getattr(event, "pairing_kind", PairingKind.GENERAL))


@register
class PairingEndedV3(PairingEndedV2):
    """Ended early by either side, or by the program (a coordinator stepping in); the mentee goes back to matching.

    Version 3 adds `ended_by_program`: true when a coordinator or administrator ended it, `ended_by` then null.
    Published for those alone; one of the pair ending it is still version 2."""

    schema_version: Literal[3] = 3

    ended_by: Role | None = Field(  # type: ignore[assignment]  # null when the program ended it
        description="The side that ended it; null when the program did")
    ended_by_program: bool = Field(default=False, description="True when a coordinator or an administrator ended it")
    reason_code: str = Field(
        description="Why, a code never free text: not_a_good_fit, schedule_conflict, no_longer_available, goals_met, "
                    "relocated, conduct, not_responding (the other side stopped answering), other, reassigned (the "
                    "program ended it to pair the mentee with another mentor); or " + _LEFT)

    example = {**_PAIRING, "ended_by": None, "reason_code": "conduct", "ended_by_program": True}


# Pairings and waitlist places in a program that keeps who takes part from other teams (`members_public` false in
# `profiles.program_defined` v5, the default): taking part in an LGBTQ+ or another affinity program says something
# about someone that is theirs to tell, and a program's name is public. Each goes, instead of its public version, as
# its private twin on the restricted `matching.private-pairings` (same fields, keyed by program too); so does a round,
# whose counts say how many take part. A public version still published beside a newer one goes as the newer one's
# twin (its facts fit).
PrivatePairingProposed = private_twin(PairingProposedV6, PRIVATE_PAIRINGS, 1)
PrivatePairingConfirmed = private_twin(PairingConfirmedV4, PRIVATE_PAIRINGS, 1)
PrivatePairingDeclined = private_twin(PairingDeclinedV3, PRIVATE_PAIRINGS, 1, also_for=(PairingDeclinedV2,))
PrivatePairingEnded = private_twin(PairingEndedV3, PRIVATE_PAIRINGS, 1, also_for=(PairingEndedV2,))
PrivatePairingLapsed = private_twin(PairingLapsedV3, PRIVATE_PAIRINGS, 1)
PrivatePairingLapsedV2 = private_twin(PairingLapsedV4, PRIVATE_PAIRINGS, 2, before=PrivatePairingLapsed)
PrivatePairingRenewed = private_twin(PairingRenewedV2, PRIVATE_PAIRINGS, 1)
PrivatePairingCompleted = private_twin(PairingCompletedV2, PRIVATE_PAIRINGS, 1)
PrivateRenewalDue = private_twin(RenewalDueV2, PRIVATE_PAIRINGS, 1)
PrivateAnswerDue = private_twin(AnswerDueV2, PRIVATE_PAIRINGS, 1)
PrivateStoppedAnswering = private_twin(StoppedAnswering, PRIVATE_PAIRINGS, 1)
PrivateMeetingOverdue = private_twin(MeetingOverdueV2, PRIVATE_PAIRINGS, 1)
PrivateMenteeWaitlisted = private_twin(MenteeWaitlistedV3, PRIVATE_PAIRINGS, 1)
PrivateMenteeWaitlistedV2 = private_twin(MenteeWaitlistedV4, PRIVATE_PAIRINGS, 2, before=PrivateMenteeWaitlisted)
PrivateRoundCompleted = private_twin(RoundCompletedV2, PRIVATE_PAIRINGS, 1)
