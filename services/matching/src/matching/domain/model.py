"""What matching knows of programs and people (built from profiles' events), and the mentorship lifecycle. Pure."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from mentorship_contracts.matching import PAUSED_AFTER_UNANSWERED
from mentorship_contracts.profiles import PairingMode, ProgramFormat
from mentorship_contracts.vocabulary import PairingKind, Role, TrainingStage

from .errors import (
    CompletionNotDue,
    MeetingBeforePairing,
    MeetingInTheFuture,
    MentorAnswersRequest,
    MentorshipNotHeld,
    RenewalNotDue,
    RequestNotWithdrawable,
    TransitionNotAllowed,
)


@dataclass(frozen=True)
class ProgramRules:
    id: UUID
    chapter_id: UUID | None
    pairing_mode: PairingMode
    both_must_accept: bool
    pair_cap: int | None
    minimum_score: int
    term_months: int
    mentee_stages: list[TrainingStage]
    mentor_stages: list[TrainingStage]
    cadence_max_days: int = 60
    format: ProgramFormat = "one_to_one"
    group_size: int | None = None
    # Days a proposal or a request may wait for an answer before it lapses; None: the service's default.
    answer_within_days: int | None = None
    # Whether other teams may see who takes part: if not, its pairings and waitlist places are published as their
    # private twins, on a restricted topic (`plumbing.membership`).
    members_public: bool = False

    def room_of(self, capacity: int) -> int:
        """How many mentees a mentor takes at once: a group program gives every mentor one group."""
        return self.group_size if self.format == "group" and self.group_size else capacity


@dataclass(frozen=True)
class IdentityWish:
    attribute: str
    required: bool


@dataclass(frozen=True)
class Candidate:
    """One enrollment of a person in a program, with what matching knows of the person."""

    enrollment_id: UUID
    person_id: UUID
    stage: TrainingStage
    capacity: int = 1
    active_pairings: int = 0
    approved: bool = True
    mentee_stages_welcome: list[TrainingStage] = field(default_factory=list)
    specialties: list[str] = field(default_factory=list)
    support_areas: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    timezone: str = "UTC"
    region: str | None = None
    modalities: list[str] = field(default_factory=lambda: ["virtual"])
    # Only attributes the person consented to use in matching; never logged, never published.
    identity: dict[str, str] = field(default_factory=dict)
    identity_wishes: tuple[IdentityWish, ...] = ()
    # The attributes (names) the person also consented to show a matched partner: only these meet a requirement.
    shown: frozenset[str] = frozenset()
    waiting_since: datetime | None = None
    # What the enrollment seeks (a mentee) or offers (a mentor): only the same kind pairs.
    pairing_kind: PairingKind = PairingKind.GENERAL

    @property
    def has_room(self) -> bool:
        return self.active_pairings < self.capacity

    def as_shown(self) -> Candidate:
        """The person as a prospective partner may know them: identity cut down to what they show a partner."""
        return replace(self, identity={a: v for a, v in self.identity.items() if a in self.shown})

    def in_common_with(self, other: Candidate) -> dict[str, Any]:
        """What this person may know of `other` before either is named (a proposal, a request, a suggestion): their
        stage, and the specialties, languages to meet in and kinds of support the two share (a mentee's asked for, a
        mentor's offered: what the mentor prepares for); nothing of who they are."""
        return {"partner_stage": other.stage, "specialties": sorted(set(self.specialties) & set(other.specialties)),
                "languages": sorted(set(self.languages) & set(other.languages)),
                "support": sorted(set(self.support_areas) & set(other.support_areas))}


# The lifecycle of a pairing. "requested" is a mentee's choice awaiting the mentor; "lapsed" a request
# left behind when another was accepted (or either of the two left).
PairingStatus = Literal["proposed", "requested", "active", "declined", "ended", "completed", "lapsed"]
LIVE: tuple[PairingStatus, ...] = ("proposed", "active")
Acceptor = Literal["mentee", "mentor", "program"]
WITHDRAWN = "request_withdrawn"  # the reason a mentee gives who takes back their request of a mentor
Side = Literal["mentee", "mentor"]


def reads_request_note(side: Role, status: PairingStatus) -> bool:
    """Whether this side of a mentee's request reads the note written with it: its mentee always (theirs); its mentor
    while it is theirs to answer and once it became their mentorship, not once it went no further."""
    return side == Role.MENTEE or status not in ("declined", "lapsed")


# The earliest calendar date anywhere at a given moment is its date twelve hours earlier (UTC−12); the latest, its
# date fourteen hours later (UTC+14).
_EARLIEST_ZONE = timedelta(hours=12)
_LATEST_ZONE = timedelta(hours=14)


def term_end(start: datetime, months: int) -> datetime:
    """The same day `months` later (the last day of that month when it is shorter)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return start.replace(year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1]))

# Why a proposal or a request lapsed when neither its time to answer nor its people moved it on: the one who did not
# answer is not proposed to, nor suggested to, that mentee again.
UNANSWERED = "unanswered"
ANOTHER_REQUEST_ACCEPTED = "another_request_accepted"  # a mentee's other requests, as one is accepted


def answer_by(status: str, created_at: datetime | None, answer_within_days: int) -> datetime | None:
    """Until when a pairing of this status, made then, may be answered (None unless proposed or requested)."""
    if status not in ("proposed", "requested") or created_at is None:
        return None
    return created_at + timedelta(days=answer_within_days)


def awaiting(status: str, mentee_accepted: bool, mentor_accepted: bool) -> list[Role]:
    """Who has yet to answer a pairing of this status: the mentor of a mentee's request; each side of a proposal that
    has not accepted it (where one acceptance is enough, the mentee's starts it: a mentor who accepted waits for
    it, and one who has not answered may still decline)."""
    if status == "requested":
        return [Role.MENTOR]
    if status != "proposed":
        return []
    return [side for side, accepted in ((Role.MENTEE, mentee_accepted), (Role.MENTOR, mentor_accepted)) if not accepted]


def paused_by_one_more_lapse(unanswered_in_a_row: int, paused: bool) -> bool:
    """Whether one more lapse left unanswered would pause someone who has let this many lapse in a row so far (the
    platform's rule, `PAUSED_AFTER_UNANSWERED`): they can be warned before."""
    return unanswered_in_a_row + 1 >= PAUSED_AFTER_UNANSWERED and not paused


# Why one of a pairing's people ended it that holds the other, whom they report, from any new pairing in the program
# until staff have reviewed: a mentor goes back to awaiting vetting, a mentee is paused.
CONDUCT = "conduct"


def reported_side(reason_code: str, ended_by: Acceptor) -> Role | None:
    """Whom one of the pair reports by ending their pairing for this reason: the other side; None for any other
    reason, or for the program's ending (a coordinator who ends it for conduct has looked already)."""
    if reason_code != CONDUCT or ended_by == "program":
        return None
    return Role.MENTOR if ended_by == "mentee" else Role.MENTEE


# Why a mentorship ran its course: its people (or the program) ended it because its goals were met, or its term was
# completed. Its mentee rests, paired with nobody new, until they ask for another mentor themselves.
GOALS_MET = "goals_met"
TERM_COMPLETED = "term_completed"


def rests_its_mentee(closed_reason: str | None) -> bool:
    """Whether a pairing closed for this reason leaves its mentee resting rather than waiting for another mentor."""
    return closed_reason in (GOALS_MET, TERM_COMPLETED)


# Why one of a pairing's people ended it that lays it at the other's door: the other's conduct (`CONDUCT`), or the
# other stopped answering.
NOT_RESPONDING = "not_responding"
THE_OTHERS_DOING = (CONDUCT, NOT_RESPONDING)


# Whoever has yet to answer is reminded once, this long before it lapses (halfway, for a shorter time to answer).
ANSWER_REMINDER_BEFORE = timedelta(days=3)


@dataclass
class Pairing:
    """A mentee and a mentor paired in a program: its status changes only through the steps below, each of which
    refuses what the current status does not allow."""

    id: UUID
    program_id: UUID
    chapter_id: UUID | None
    mentee_id: UUID
    mentor_id: UUID
    status: PairingStatus
    score: int
    reasons: list[str]
    mentee_accepted: bool = False
    mentor_accepted: bool = False
    term_ends_at: datetime | None = None
    last_met_at: datetime | None = None
    mentee_enrollment_id: UUID | None = None
    mentor_enrollment_id: UUID | None = None
    # What the mentorship is for: the kind its mentee enrollment seeks (and its mentor's offers).
    pairing_kind: PairingKind = PairingKind.GENERAL
    closed_reason: str | None = None  # why it was closed, once it is
    closed_by: Acceptor | None = None  # who declined or ended it (None once it lapsed or was completed)
    confirmed_at: datetime | None = None
    # Each side's wish to renew the current term: it is renewed once both have asked.
    mentee_renews: bool = False
    mentor_renews: bool = False
    origin: PairingOrigin = "registration"  # how it was made: a pair made by hand waits for its mentee
    created_at: datetime | None = None  # when it was proposed or requested
    answer_within_days: int | None = None  # its program's time to answer, if the program sets one

    def answer_by(self, default_days: int) -> datetime | None:
        """Until when a proposal or a request may be answered, in its program's time or else `default_days`; it
        lapses after (None once answered or closed)."""
        return answer_by(self.status, self.created_at, self.answer_within_days or default_days)

    def awaiting(self) -> list[Role]:
        return awaiting(self.status, self.mentee_accepted, self.mentor_accepted)

    def enrollment_of(self, side: Acceptor | Role) -> UUID | None:
        return self.mentee_enrollment_id if side == Role.MENTEE else self.mentor_enrollment_id

    def paused_if_it_lapses(self, runs_of_lapses: Mapping[UUID, tuple[int, bool]]) -> list[Role]:
        """The sides it awaits whom its lapse would pause, given each enrollment's run of lapses so far and whether
        it is paused (`runs_of_lapses`, by enrollment id): they can be warned first."""
        return [side for side in self.awaiting()
                if (enrollment := self.enrollment_of(side)) is not None and enrollment in runs_of_lapses
                and paused_by_one_more_lapse(*runs_of_lapses[enrollment])]

    def side_of(self, person_id: UUID | None) -> Role | None:
        return Role.MENTEE if person_id == self.mentee_id else Role.MENTOR if person_id == self.mentor_id else None

    def _refuse_unless(self, allowed: tuple[PairingStatus, ...], step: str) -> None:
        if self.status not in allowed:
            raise TransitionNotAllowed(f"a {self.status} pairing cannot be {step}", "pairing_id")

    def accept(self, side: Acceptor, program: ProgramRules, now: datetime) -> bool:
        """Record one side's acceptance (or the program's, side "program"); True when the pairing became active,
        its term starting `now`: once both accepted, or, where the program does not ask both sides, once its mentee
        did (a mentor's acceptance alone starts nothing)."""
        self._refuse_unless(("proposed", "requested"), "accepted")
        if side == "mentee" and self.status == "requested":
            raise MentorAnswersRequest("the mentor answers a mentee's request", "pairing_id")
        # A pair made by hand is the mentee's to confirm: it was not checked against what they require of a
        # mentor (a refusal would tell the coordinator they require something), so they judge it, seeing what the
        # mentor chose to show them; the program does not answer for them.
        by_hand = self.origin == "manual"
        if side == "mentee" or (side == "program" and not by_hand):
            self.mentee_accepted = True
        if side in ("mentor", "program"):
            self.mentor_accepted = True
        # A request is the mentee's acceptance already; otherwise a program that does not ask both sides is satisfied
        # by the mentee's (or the program's for them, but for a pair made by hand): nobody, a high-school student
        # perhaps, is paired and named to a mentor without saying yes. A mentor's yes there is recorded, and waits
        # for theirs (what both are told: "it starts as soon as you accept", "as soon as the proposed mentee accepts").
        confirmed = (self.mentee_accepted and self.mentor_accepted) or (
            not program.both_must_accept and self.status == "proposed" and self.mentee_accepted
        )
        if confirmed:
            self.status = "active"
            self.confirmed_at = now
            self.term_ends_at = term_end(now, program.term_months)
        return confirmed

    def decline(self, reason_code: str, side: Acceptor) -> None:
        self._refuse_unless(("proposed", "requested"), "declined")
        if reason_code == WITHDRAWN and (self.status != "requested" or side != "mentee"):
            raise RequestNotWithdrawable("a mentee withdraws their own request; decline anything else for a reason",
                                         "reason_code")
        self.status, self.closed_reason, self.closed_by = "declined", reason_code, side

    def withdraw(self, reason_code: str) -> None:
        """The program (a coordinator) withdraws a proposal waiting for answers; a mentee's request stays its mentor's
        to answer."""
        self._refuse_unless(("proposed",), "withdrawn by the program")
        self.status, self.closed_reason, self.closed_by = "declined", reason_code, "program"

    def lapse(self, reason_code: str) -> None:
        """A mentee's request left unanswered: another was accepted, or one of the two left; or a proposal or a
        request left unanswered past the time to answer (`UNANSWERED`)."""
        self._refuse_unless(("proposed", "requested") if reason_code == UNANSWERED else ("requested",), "lapsed")
        self.status, self.closed_reason = "lapsed", reason_code

    def keeps_mentee_place(self) -> bool:
        """Whether, as it closes, its mentee keeps their place on the waitlist: the queue is in the order mentees
        began waiting (`waiting_since`: their enrollment, unless a closing of their own put them at the back since),
        and one it closed through no doing of theirs waits from then still, ahead of whoever came after them.

        - A proposal or a request that never began: kept when its mentor declined it or let it lapse once the mentee
          had accepted (their mentor leaving the program, suspended or erased declines or lapses it so too), or the
          program withdrew it.
        - A mentorship that began and was ended early: kept when its mentor ended it (for themselves, or by leaving
          the program, being suspended from mentoring in it or erased), or the program (a coordinator) did, or the
          mentee did for their mentor's doing (`THE_OTHERS_DOING`: reporting their conduct, or that they stopped
          answering); not when the mentor ended it for the mentee's doing.
        - One that ran its course (goals met, whoever said so, or its term completed) leaves the mentee resting, and
          waiting from when they ask for another mentor.

        Anything else (the mentee declining, ending it for any other reason, or letting a proposal lapse) puts them at
        the back, waiting from now."""
        if self.status == "lapsed":
            return self.mentee_accepted
        if self.status == "declined":
            return self.closed_by in ("mentor", "program")
        if self.status != "ended" or rests_its_mentee(self.closed_reason):
            return False
        if self.closed_by == "mentee":
            return self.closed_reason in THE_OTHERS_DOING
        if self.closed_by == "mentor":
            return self.closed_reason not in THE_OTHERS_DOING
        return self.closed_by == "program"

    def end(self, reason_code: str, by: Acceptor) -> None:
        self._refuse_unless(("active",), "ended")
        self.status, self.closed_reason, self.closed_by = "ended", reason_code, by

    def closing_opens_at(self, notice_days: int) -> datetime | None:
        """From when the pair may renew or complete the term running: its last `notice_days`."""
        if self.status != "active" or self.term_ends_at is None:
            return None
        return self.term_ends_at - timedelta(days=notice_days)

    def renew(self, side: Side, program: ProgramRules, now: datetime, notice_days: int) -> bool:
        """One side asks for another term, in the `notice_days` before this one ends; True when both have asked
        and the term was renewed, from the end of this one (the next term asks both again)."""
        self._refuse_unless(("active",), "renewed")
        ends, opens = self.term_ends_at, self.closing_opens_at(notice_days)
        if ends is None or opens is None or not opens <= now <= ends:
            when = "" if opens is None else f" (from {opens.date().isoformat()})"
            raise RenewalNotDue(f"a mentorship is renewed in the {notice_days} days before its term ends{when}",
                                "pairing_id")
        if side == "mentee":
            self.mentee_renews = True
        else:
            self.mentor_renews = True
        if not (self.mentee_renews and self.mentor_renews):
            return False
        self.term_ends_at = term_end(ends, program.term_months)
        self.mentee_renews = self.mentor_renews = False
        return True

    def complete(self, now: datetime, notice_days: int) -> None:
        """The term is complete: in its last `notice_days`, or once over. Earlier, the pair end it early, for a reason
        (one press must not close a year of mentoring on its first day)."""
        opens = self.closing_opens_at(notice_days)
        if opens is not None and now < opens:
            raise CompletionNotDue(f"a mentorship is completed in the {notice_days} days before its term ends (from "
                                   f"{opens.date().isoformat()}); before that, it is ended early, for a reason",
                                   "pairing_id")
        self.term_over()

    def term_over(self) -> None:
        """Its term has ended (the lifecycle job found it so): it is complete."""
        self._refuse_unless(("active",), "completed")
        self.status, self.closed_reason = "completed", TERM_COMPLETED

    def log_meeting(self, met_on: date, now: datetime) -> None:
        """A meeting on `met_on` (as `may_meet_on` allows): the last, if no other was later."""
        self.may_meet_on(met_on, now)
        met_at = datetime.combine(met_on, datetime.min.time(), UTC)
        self.last_met_at = met_at if self.last_met_at is None else max(self.last_met_at, met_at)

    def may_meet_on(self, met_on: date, now: datetime) -> None:
        """A meeting is dated `met_on`, logged or corrected so: a day where the pair were, no later than the latest
        today anywhere (`now` in the last time zone to reach it), no earlier than the day the pairing began in the
        first."""
        self.may_change_meetings()
        if met_on > (now + _LATEST_ZONE).date():
            raise MeetingInTheFuture("a meeting is logged after it happened", "met_on")
        if self.confirmed_at is not None and met_on < (self.confirmed_at - _EARLIEST_ZONE).date():
            raise MeetingBeforePairing("a meeting of this mentorship is dated on or after the day it began", "met_on")

    def may_change_meetings(self) -> None:
        """Meetings are logged, corrected and deleted while the mentorship runs; once it closed, its record stands."""
        if self.status != "active":
            raise TransitionNotAllowed(f"meetings are logged on an active pairing, not a {self.status} one",
                                       "pairing_id")

    def last_met_on(self, day: date | None) -> None:
        """A meeting was corrected or deleted: the last now left is on `day` (None: none is), the next due from it."""
        self.last_met_at = None if day is None else datetime.combine(day, datetime.min.time(), UTC)

    def may_give_feedback(self) -> None:
        if self.status not in ("active", "completed", "ended"):
            raise MentorshipNotHeld("feedback is given on a mentorship that happened", "pairing_id")


PairingOrigin = Literal["registration", "round", "choice", "manual"]


@dataclass(frozen=True)
class NewPairing:
    """A pairing about to be written: proposed, requested, or active at once."""

    id: UUID
    program_id: UUID
    chapter_id: UUID | None
    mentee: Candidate
    mentor: Candidate
    status: PairingStatus
    origin: PairingOrigin
    score: int
    reasons: tuple[str, ...] | list[str]
    round_id: UUID | None = None
    mentee_accepted: bool = False
    confirmed_at: datetime | None = None
    term_ends_at: datetime | None = None
