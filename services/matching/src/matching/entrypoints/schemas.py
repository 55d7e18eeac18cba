"""What matching's HTTP API reads and answers: strict request bodies, typed answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, Self
from uuid import UUID

from mentorship_contracts.vocabulary import PairingKind, Role, TrainingStage
from plumbing.disclosure import PublishedOut
from plumbing.validation import EARLIEST_YEAR, LATEST_YEAR, MultilineText, Text
from pydantic import BaseModel, ConfigDict, Field

from ..domain.commands import DeclineReason, EndReason, RoundMethod, WithdrawReason
from ..domain.model import ANOTHER_REQUEST_ACCEPTED, WITHDRAWN, Pairing, PairingStatus
from ..domain.scoring import Weights

Topic = Annotated[str, Text(100)]
Comment = Annotated[str, MultilineText(4000)]
# A calendar day within the years the platform has any use for (plumbing.validation's span).
Day = Annotated[date, Field(ge=date(EARLIEST_YEAR, 1, 1), le=date(LATEST_YEAR, 12, 31))]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- requests ---------------------------------------------------------------------------------------------------
class ReasonIn(Strict):
    reason_code: DeclineReason


class EndIn(Strict):
    reason_code: EndReason = Field(
        default="other", description="`conduct`, said by the mentee or the mentor, reports the other: they are held "
                                     "from any new pairing in the program until staff review (a mentor is vetted "
                                     "again, a mentee paused). `goals_met`, said by anyone, leaves the mentee "
                                     "resting: paused, paired with nobody new until they ask for another mentor")
    reason: Annotated[str, Text(500)] | None = Field(
        default=None, description="A coordinator's reason, in words (audited, never published)")
    pause: bool = Field(
        default=False, description="Of one of the pair: they pause in the program as they end it (having asked "
                                   "profiles, whose word follows): from this step, proposed nobody new, nor offered "
                                   "the place it frees")


class WithdrawIn(Strict):
    reason_code: WithdrawReason = "other"
    reason: Annotated[str, Text(500)] | None = Field(
        default=None, description="A coordinator's reason, in words (audited, never published)")


class ManualPairingIn(Strict):
    mentee_id: UUID
    mentor_id: UUID
    override_reason: Annotated[str, Text(500)] | None = Field(
        default=None, description="Sets aside the rules that may be (capacity, stage, threshold, language, and "
                                  "`ended_by_coordinator_before`: a mentorship of the two that a coordinator ended); "
                                  "audited")


class ReassignIn(Strict):
    mentor_id: UUID
    reason: Annotated[str, Text(500)]
    expected_status: Literal["active", "proposed"] | None = Field(
        default=None, description="The pairing's status as the coordinator saw it: refused (409 "
                                  "`transition_not_allowed`) if it has moved on since, say a proposal accepted")


class MeetingIn(Strict):
    met_on: Day = Field(description="On or after the day the mentorship began, and not after today")
    minutes: int = Field(ge=5, le=600)
    topics: list[Topic] = Field(default_factory=list, max_length=10)


class MeetingOut(BaseModel):
    """A meeting one of the pair logged: theirs to read (a coordinator sees whether meetings are overdue, and counts
    in reports, not the topics)."""

    id: int = Field(description="The meeting, as its logger corrects or deletes it")
    pairing_id: UUID
    met_on: date
    minutes: int
    topics: list[str]
    logged_by: UUID | None = Field(description="Who of the pair logged it (none once that person is erased)")
    logged_at: datetime


class FeedbackIn(Strict):
    rating: int = Field(ge=1, le=5)
    comment: Comment = ""


class RequestIn(Strict):
    mentee_id: UUID
    mentor_id: UUID
    pairing_kind: PairingKind | None = Field(
        default=None, description="Which of the mentee's enrollments asks, where they are enrolled for several kinds")
    note: Annotated[str, MultilineText(500)] | None = Field(
        default=None, description="A note to the mentor, in the mentee's words: read by the two of them alone on "
                                  "`GET /v1/pairings/{id}` (`request_note`), never published")


class RoundIn(Strict):
    method: RoundMethod = "optimal"
    most_pairs_first: bool = False


class WeightsIn(Strict):
    specialty: int = Field(ge=0, le=100)
    support: int = Field(ge=0, le=100)
    stage: int = Field(ge=0, le=100)
    identity: int = Field(ge=0, le=100)
    language: int = Field(ge=0, le=100)
    logistics: int = Field(ge=0, le=100)
    near_peer_max_gap: int = Field(default=2, ge=1, le=9)


# --- answers ----------------------------------------------------------------------------------------------------
class GivenFeedbackOut(BaseModel):
    rating: int
    comment: str
    given_at: datetime


class InCommonOut(BaseModel):
    """What the two of a proposal or a request may know of each other before it starts, when neither is named."""

    partner_stage: TrainingStage = Field(description="The other side's training stage")
    specialties: list[str] = Field(description="The specialties both listed an interest in")
    languages: list[str] = Field(description="The languages both can meet in (ISO 639 codes)")
    support: list[str] = Field(description="The kinds of support the mentee asked for that the mentor offers")


class HowMade(BaseModel):
    """How a pairing was made, said wherever it is shown."""

    requested_by_mentee: bool = Field(
        default=False, description="A mentee's request to this mentor (a program where mentees choose), not a "
                                   "proposal; so even once it is accepted or closed")
    made_by_coordinator: bool = Field(
        default=False, description="Proposed by a coordinator (paired by hand, a mentee reassigned, or drafted mentors "
                                   "swapped), not by the engine: its mentee confirms it, whatever the program asks")


class PairingBase(HowMade):
    """What every reader of a pairing may be shown, by itself or in a program's list."""

    id: UUID
    program_id: UUID
    mentee_id: UUID
    mentor_id: UUID
    pairing_kind: PairingKind
    status: PairingStatus
    score: int
    reason_codes: list[str]
    mentee_accepted: bool
    mentor_accepted: bool
    term_ends_at: datetime | None
    last_met_at: datetime | None
    confirmed_at: datetime | None = Field(description="When it became active: the first meeting is due from then")
    mentee_renews: bool = Field(description="The mentee asked to renew this term (renewed once both have)")
    mentor_renews: bool = Field(description="The mentor asked to renew this term (renewed once both have)")
    answer_by: datetime | None = Field(
        default=None, description="On GET /v1/pairings/{id} and in a program's pairings, of a proposed or requested "
                                  "pairing: until when it may be answered; unanswered then, it lapses (`unanswered`)")
    withdrawn_by_mentee: bool = Field(
        default=False, description="A mentee's request they took back (its status: declined): to both, as its mentor "
                                   "was told")
    closed_for_another_mentor: bool = Field(
        default=False, description="A mentee's request closed as another mentor she asked accepted her "
                                   "(another_request_accepted): to both, as its mentor is told")
    closed_reason: str | None = Field(
        default=None, description="To staff, of a closed pairing: why, a code (a side's or the program's decline or "
                                  "end reason; unanswered, another_request_accepted, request_withdrawn, withdrawn, "
                                  "mentor_suspended, person_erased, reassigned, term_completed). Null to the pair")
    closed_by: Literal["mentee", "mentor", "program"] | None = Field(
        default=None, description="Of a declined or ended pairing: which side declined or ended it, or the program (a "
                                  "coordinator, withdrawing or ending it, or on a side's behalf when they left); to "
                                  "the pair too, who were each told so by email (not why: `closed_reason`). Null while "
                                  "open, and when it lapsed, completed, or closed before this was kept")

    @classmethod
    def of(cls, p: Pairing) -> Self:
        return cls(id=p.id, program_id=p.program_id, mentee_id=p.mentee_id, mentor_id=p.mentor_id,
                   pairing_kind=p.pairing_kind, status=p.status,
                   score=p.score, reason_codes=p.reasons, mentee_accepted=p.mentee_accepted,
                   mentor_accepted=p.mentor_accepted, term_ends_at=p.term_ends_at, last_met_at=p.last_met_at,
                   confirmed_at=p.confirmed_at,
                   mentee_renews=p.mentee_renews, mentor_renews=p.mentor_renews,
                   requested_by_mentee=p.origin == "choice", made_by_coordinator=p.origin == "manual",
                   withdrawn_by_mentee=p.closed_reason == WITHDRAWN,
                   closed_for_another_mentor=p.closed_reason == ANOTHER_REQUEST_ACCEPTED)


class PairingOut(PairingBase):
    """One pairing, to one reader (GET /v1/pairings/{id}): with what that reader alone is shown."""

    closing_opens_at: datetime | None = Field(
        default=None, description="On GET /v1/pairings/{id} of an active pairing: from when the term may be renewed "
                                  "or completed (its last weeks); before that, it is ended early, for a reason")
    requirement_met: bool | None = Field(
        default=None, description="To the mentee of a pair a coordinator made, while it is proposed: whether the mentor "
                                  "shares and shows a partner what the mentee requires of a mentor (no rule checked "
                                  "it: the mentee judges). To the mentee of a round's pair they have not accepted: false "
                                  "when the mentor no longer meets it (it changed after the draft; the pair was "
                                  "published as every other), else null. Null to anyone else, or when the mentee "
                                  "requires nothing")
    request_note: str | None = Field(
        default=None, description="On GET /v1/pairings/{id}, to its mentor and its mentee: the note the mentee wrote "
                                  "with their request. Null to anyone else, or when there is none")
    paused_if_it_lapses: bool = Field(
        default=False, description="On GET /v1/pairings/{id}, to the side it waits for: letting it lapse unanswered "
                                   "would pause them (matching.answer_due v2 says so too). False to anyone else")
    my_feedback: GivenFeedbackOut | None = Field(
        default=None, description="On GET /v1/pairings/{id}, to its mentor or its mentee: the feedback they gave on "
                                  "it (given once). Null to anyone else, or when they gave none")
    in_common: InCommonOut | None = Field(
        default=None, description="On GET /v1/pairings/{id} of a proposal, a request or an active mentorship, to its "
                                  "mentor and its mentee: the other's stage, and the specialties and languages they "
                                  "share (never an identity answer). Null to anyone else, and once it closed")


class PersonPairingOut(HowMade):
    """One of a person's pairings, in the list of them."""

    id: UUID
    program_id: UUID
    mentee_id: UUID
    mentor_id: UUID
    pairing_kind: PairingKind
    status: PairingStatus
    score: int
    reasons: list[str]
    term_ends_at: datetime | None
    last_met_at: datetime | None
    confirmed_at: datetime | None = Field(description="When it became active: the first meeting is due from then")
    mentee_accepted: bool = Field(description="Whether the mentee accepted (a proposed or requested pairing)")
    mentor_accepted: bool = Field(description="Whether the mentor accepted (a proposed or requested pairing): a "
                                              "proposal the mentor alone accepted waits for its mentee, even where "
                                              "the program does not ask both")
    answer_by: datetime | None = Field(
        default=None, description="Of a proposed or requested pairing: until when it may be answered; unanswered "
                                  "then, it lapses (`unanswered`)")
    request_note: str | None = Field(
        default=None, description="To the person themself: the note the mentee wrote with their request (their copy "
                                  "of their data). Null to staff, or when there is none")
    paused_if_it_lapses: bool = Field(
        default=False, description="To the person themself, of a proposal or a request waiting for their answer: "
                                   "letting it lapse unanswered would pause them (matching.answer_due v2 says so "
                                   "too). False to staff")
    closed_at: datetime | None = Field(
        default=None, description="When it closed (declined, lapsed, completed, ended); null while it is open, and "
                                  "for pairings that closed before this was kept")
    closed_by: Literal["mentee", "mentor", "program"] | None = Field(
        default=None, description="Of a declined or ended pairing: which side declined or ended it, or the program "
                                  "(as the pair were each told by email); null while open, when it lapsed or "
                                  "completed, or closed before this was kept")
    my_feedback: GivenFeedbackOut | None = Field(
        default=None, description="To the person themself: the feedback they gave on it (their copy of their data; "
                                  "given once). Null to staff, or when they gave none")


class FeedbackOut(BaseModel):
    pairing_id: UUID
    rating: int


class WaitlistEntryOut(BaseModel):
    enrollment_id: UUID
    person_id: UUID
    pairing_kind: PairingKind
    waiting_since: datetime
    position: int = Field(description="Place among those waiting for the same kind of pairing")


class NotAnsweringOut(BaseModel):
    """A mentor or a mentee held back for letting proposals or requests lapse unanswered in a row."""

    person_id: UUID
    enrollment_id: UUID
    role: Role
    unanswered_in_a_row: int = Field(description="Proposals or requests in a row they let lapse unanswered")


class MentorRoomOut(BaseModel):
    """A mentor of the program, and the room they have: for a coordinator choosing a mentor by hand."""

    person_id: UUID
    capacity: int = Field(description="Mentees they take at once, as the program counts them (a group program: its "
                                      "group size), over every kind of pairing they mentor in it")
    live_pairings: int = Field(description="Their pairings proposed or active in the program: at `capacity`, full "
                                           "(pairing them by hand then needs an override)")
    paused: bool = Field(description="They take no new mentee for now (their own pause, or held back)")


class DefaultsOut(BaseModel):
    """What matching applies to a program that leaves it unset."""

    answer_within_days: int = Field(description="Days a proposal or a mentee's request may wait for an answer before "
                                                "it lapses, in a program that sets none (`answer_within_days` null)")


class ProgramNotAnsweringOut(BaseModel):
    """How many of a program's people are held back for not answering: those its `not-answering` lists."""

    program_id: UUID = Field(description="A program the caller manages")
    people: int = Field(description="Its mentors and mentees held back for letting proposals or requests lapse "
                                    "unanswered in a row, until they resume (one at least)")


class ProgramWaitingOut(BaseModel):
    """How many mentees wait on a program's waitlist: those its `waitlist` lists."""

    program_id: UUID = Field(description="A program the caller manages")
    mentees: int = Field(description="Its mentees with a matching profile and no live pairing (one at least)")


class SuggestionOut(BaseModel):
    mentor_id: UUID
    score: int
    reason_codes: list[str]
    requested: bool = Field(description="The mentee has asked this mentor already")
    in_common: InCommonOut = Field(description="The mentor's stage, and the specialties and languages the two share")


class RequestOut(BaseModel):
    pairing_id: UUID
    status: Literal["requested"]


class RoundQueuedOut(BaseModel):
    round_id: UUID
    status: Literal["queued"]
    poll: str = Field(description="Where to follow the round's progress")


class DraftPairOut(BaseModel):
    mentee_id: UUID
    mentor_id: UUID
    score: int
    reason_codes: list[str]
    by_hand: bool = Field(default=False, description="Made by a coordinator (swapped, or added to the draft), not the "
                                                      "engine: proposed at publishing for its mentee alone to confirm")


class UnpairedOut(BaseModel):
    mentee_id: UUID
    reason_code: str = Field(description="Why the round left them unpaired (never an identity reason)")


class MentorPlacesOut(BaseModel):
    """A mentor of the program with a place free once a draft's pairs are counted: one to add a pair with."""

    mentor_id: UUID
    places: int = Field(description="Mentees they may still take: the mentees they take at once as the program counts "
                                    "them, less their proposed and active pairings and the draft's pairs with them, "
                                    "over every kind of pairing they mentor in (one at least)")


class SkippedOut(BaseModel):
    mentee_id: UUID
    mentor_id: UUID
    reason_code: str = Field(description="Why publishing skipped this drafted pair (the roster changed): "
                             "mentee_no_longer_waiting, mentor_no_longer_available, or the code the rules' "
                             "refusal is given anywhere (mentor_full, program_cap_reached, stage_not_eligible, "
                             "not_suitable, mentor_not_approved, different_kind, same_person, "
                             "declined_or_ended_before, no_shared_language)")


RoundStatus = Literal["queued", "running", "draft", "published", "discarded", "completed", "failed"]


class RoundSummaryOut(BaseModel):
    id: UUID
    program_id: UUID
    method: RoundMethod
    most_pairs_first: bool
    status: RoundStatus = Field(description="A round ends as a draft, then is published or discarded "
                                            "(`completed`: a round run before rounds were reviewed)")
    progress: int = Field(description="Percent done")
    paired: int | None
    unpaired_count: int | None = Field(description="How many were left unpaired")
    total_score: int | None
    unpaired_reasons: dict[str, int] | None = Field(description="How many were left unpaired, by reason (as "
                                                                "drafted)")
    error: str | None
    requested_at: datetime
    finished_at: datetime | None
    published_at: datetime | None

    @classmethod
    def of(cls, found: dict) -> RoundSummaryOut:
        return cls.model_validate({**found, "unpaired_count": found["unpaired"]})


class RoundOut(RoundSummaryOut):
    pairs: list[DraftPairOut] = Field(description="The pairs drafted (and, once published, those it proposed or "
                                                  "skipped)")
    unpaired: list[UnpairedOut]
    skipped: list[SkippedOut] | None = Field(description="Once published: drafted pairs no longer valid")
    mentors_with_places: list[MentorPlacesOut] | None = Field(default=None, description=(
        "A draft: the program's mentors who have a place free once its pairs are counted (approved, of one of its "
        "mentor stages, neither paused, withdrawn nor suspended, their matching profile arrived), for adding a pair "
        "(`POST /rounds/{id}/pairs`); the program's cap on pairs may allow fewer. None for a round in any other "
        "state"))

    @classmethod
    def of(cls, found: dict) -> RoundOut:
        return cls.model_validate({
            **found, "unpaired_count": found["unpaired"],
            "pairs": [DraftPairOut(mentee_id=p.mentee_id, mentor_id=p.mentor_id, score=p.score,
                                   reason_codes=list(p.reasons), by_hand=p.by_hand) for p in found["pairs"]],
            "unpaired": [UnpairedOut(mentee_id=u.mentee_id, reason_code=u.reason_code)
                         for u in found["unpaired_list"]],
        })


class SwapIn(Strict):
    mentee_a: UUID
    mentee_b: UUID


class DraftPairIn(Strict):
    mentee_id: UUID = Field(description="A mentee the draft leaves unpaired (a pair removed from it included)")
    mentor_id: UUID = Field(description="A mentor of the program, with a place free once the draft's pairs are counted")


class WeightsOut(BaseModel):
    specialty: int
    support: int
    stage: int
    identity: int
    language: int
    logistics: int
    near_peer_max_gap: int

    @classmethod
    def of(cls, weights: Weights) -> WeightsOut:
        return cls(**weights.as_dict())


class StatisticsOut(BaseModel):
    paired: int
    proposed: int
    active: int
    overdue: int
    completed: int
    ended: int
    declined: int
    waiting: int = Field(description=(
        "Mentees a round would consider now: enrolled as mentees, neither paused, withdrawn nor suspended, their "
        "matching profile arrived, and no proposed or active pairing in the program (a request still unanswered does "
        "not count as one): the program's waitlist. A mentee waiting for two kinds of pairing counts once for each, "
        "as a round considers each. Not counted: mentees whose matching profile has not arrived, whom a round "
        "leaves unpaired as `no_matching_profile`"))
    waiting_days_mean: float
    waiting_days_max: float
    places_free: int = Field(description=(
        "How many more mentees the program's mentors can take now, counted as a round counts them: of each mentor "
        "approved, of one of the program's mentor stages, neither paused, withdrawn nor suspended, their matching "
        "profile arrived, the mentees they take at once as the program counts them (a group program: one group) "
        "less their proposed and active pairings, never below 0; summed over every kind of pairing. The program's "
        "cap on pairs (`pair_cap`), which a round keeps too, may allow fewer. A round pairs at most the smaller of "
        "this and `waiting`"))
    mentors_with_room: int = Field(description=(
        "How many of the mentors `places_free` counts have at least one place free"))


class ProgramPairingOut(PairingBase):
    overdue: bool = Field(description="Active, and no meeting within the program's cadence")
    created_at: datetime
    lapse_would_pause: list[Role] = Field(
        default_factory=list, description="Of a proposal or a request still unanswered: the sides it waits for whom "
                                          "its lapse would pause (their last ones lapsed too), for staff to reach out "
                                          "to first")


class ProgramPairingsPage(BaseModel):
    items: list[ProgramPairingOut]
    total: int


class ProgramFeedbackOut(BaseModel):
    pairing_id: UUID
    from_role: Literal["mentee", "mentor"]
    rating: int
    comment: str
    given_at: datetime


class WaitingPlaceOut(BaseModel):
    program_id: UUID
    enrollment_id: UUID
    pairing_kind: PairingKind
    position: int
    waiting_since: datetime


class OverviewOut(BaseModel):
    pairings: list[PersonPairingOut]
    waiting: list[WaitingPlaceOut]


class MentorshipReportOut(PublishedOut):
    """Rows: the chapter's programs (ids), or nationally the chapters (ids; "national" for programs of no chapter).
    Columns: how many mentees (of `stage` if asked), each once whatever their pairings: waiting now, paired (ever: a
    pairing proposed now, or a mentorship that began), active now, completed (a mentorship), ended_early (one)
    (mentees enrolled are in profiles' people report); no row totals (the measures do not add up: one who waits again
    after a mentorship is both waiting and paired). Counts under five: "fewer_than_threshold"; others withheld so
    none can be worked out, from this answer or from it with any other chapter's, stage's or the national one."""

    meetings_per_pairing: PublishedOut = Field(
        description="Pairings that happened (active, completed, ended), by meetings logged: 0, 1-2, 3-5, 6+")
