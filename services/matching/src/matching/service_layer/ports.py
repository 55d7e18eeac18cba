"""What the use cases need of the world: matching's repositories and its unit of work, as Protocols.

The PostgreSQL repositories (`adapters/`) and the unit tests' in-memory ones both satisfy them. Every change to
pairings in a program happens under that program's lock (`ProgramsRepository.lock`), taken before anything about
the program is written, programs always in the same (sorted) order.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

import numpy as np
from mentorship_contracts.vocabulary import PairingKind, Role
from plumbing.auth import Principal
from plumbing.unit_of_work import UnitOfWorkPort

from ..domain import commands
from ..domain.model import Candidate, IdentityWish, NewPairing, Pairing, ProgramRules
from ..domain.pairing import Roster
from ..domain.rounds import CandidateGraph, DraftPair, Unpaired
from ..domain.scoring import Weights

Row = Mapping[str, Any]
ClosedPairs = frozenset[tuple[UUID, UUID]]  # (mentee, mentor) people who declined or ended before
RosterStamp = tuple  # the database's mark of a program's mentors: equal stamps, the same mentors


class ProgramsRepository(Protocol):
    async def save(self, program: ProgramRules) -> None: ...

    async def get(self, program_id: UUID) -> ProgramRules | None: ...

    async def keeping_members_private(self, program_ids: Collection[UUID]) -> set[UUID]:
        """Those of these programs that keep who takes part from other teams (`members_public` false), with any
        program not known here (the safe side)."""

    async def lock(self, program_id: UUID) -> None:
        """Serialise pairing within one program across instances, for the rest of the transaction."""

    async def lock_all(self, program_ids: list[UUID]) -> None:
        """`lock` each, in the order given."""

    def holds(self, program_id: UUID) -> bool:
        """Whether this transaction already holds the program's lock."""

    async def pairing_context(self, program_id: UUID) -> tuple[ProgramRules | None, Weights, RosterStamp,
                                                                 dict[UUID, int]]:
        """The program's rules, weights, the stamp of its mentors and its live pairings per mentor enrollment, at
        once (it is read at every registration)."""

    async def weights(self, program_id: UUID) -> Weights: ...

    async def save_weights(self, program_id: UUID, weights: Weights) -> None: ...

    async def statistics(self, program_id: UUID) -> dict[str, Any]: ...


class PeopleRepository(Protocol):
    """Matching profiles and enrollments, as profiles' events tell them."""

    async def lock(self, person_id: UUID) -> None:
        """Serialise what is written about one person across instances, for the rest of the transaction (taken
        before any program's lock)."""

    async def lock_all(self, person_ids: list[UUID]) -> None:
        """`lock` each, in the order given."""

    async def programs_of_all(self, person_ids: list[UUID]) -> list[UUID]:
        """The programs any of these people is enrolled in (not withdrawn)."""

    async def save_profile(self, person_id: UUID, *, stage: str, specialties: list[str], support_areas: list[str],
                           languages: list[str], timezone: str, region: str | None, modalities: list[str],
                           identity: dict[str, str], identity_wishes: list[IdentityWish],
                           shown_to_partner: list[str] | None = None) -> None:
        """The person's profile replaced; with `shown_to_partner`, which attributes a partner may see too (else
        those kept, as each consent's change said)."""

    async def forget_identity(self, person_id: UUID, attribute: str) -> None: ...

    async def show_to_partner(self, person_id: UUID, attribute: str, shown: bool) -> None:
        """Consent to show the attribute to a matched partner was given (`shown`) or withdrawn."""

    async def save_enrollment(self, *, enrollment_id: UUID, person_id: UUID, program_id: UUID,
                              chapter_id: UUID | None, role: str, stage: str, capacity: int,
                              mentee_stages_welcome: list[str], approved: bool, enrolled_at: datetime,
                              pairing_kind: str = "general", paused: bool | None = None,
                              review_said: bool = False, rest_said: bool = False,
                              lock_person: bool = False) -> None:
        """`paused` (a mentor taking no new mentee, a mentee no mentor): None keeps what is known. One held for
        review (`hold_for_review`) stays held, whatever `approved` and `paused` say, until `review_said` (profiles
        says it read the report: its word is the enrollment's from then on). A mentee resting (`rest`) stays paused
        until `rest_said` (profiles says it read the ending) or `review_said`. `lock_person`: the person's lock
        (`lock`) is taken first, in the same round trip."""

    async def set_approval(self, enrollment_id: UUID, approved: bool) -> None:
        """An approval (a coordinator's, profiles says) also ends a hold for review."""

    async def hold_for_review(self, enrollment_id: UUID) -> None:
        """Reported for a problem of conduct: a mentor no longer approved, a mentee paused, until staff review."""

    async def rest(self, enrollment_id: UUID) -> None:
        """A mentee whose mentorship ran its course: paused until they ask for another mentor, whatever an enrollment
        change profiles announced before it read the ending says."""

    async def withdraw(self, enrollment_id: UUID) -> None: ...

    async def went_unanswered(self, enrollment_id: UUID) -> tuple[int, bool]:
        """An enrollment let a proposal or a request lapse unanswered: how many in a row now, and whether it is paused
        ((0, False) for one not known)."""

    async def runs_of_lapses(self, enrollment_ids: Collection[UUID]) -> dict[UUID, tuple[int, bool]]:
        """Of each enrollment known: how many proposals or requests in a row it let lapse unanswered so far, and
        whether it is paused."""

    async def answered(self, enrollment_id: UUID) -> None:
        """Its person answered a proposal or a request: their run of lapses unanswered starts again."""

    async def hold_back(self, enrollment_id: UUID) -> None:
        """Pair this enrollment with nobody new (paused, as profiles will say too) until its person resumes."""

    async def not_answering(self, program_id: UUID, at_least: int) -> Sequence[Row]:
        """The program's enrollments (not withdrawn) that let at least this many proposals or requests in a row lapse
        unanswered, mentors first, most first: person_id, enrollment_id, role, unanswered_in_a_row."""

    async def not_answering_counts(self, chapter_ids: frozenset[UUID] | None, at_least: int) -> list[tuple[UUID, int]]:
        """Per program of these chapters (None: every program), how many `not_answering` would name: (program_id,
        how many), for programs with any, by program id."""

    async def mentors_of(self, program_id: UUID, person_ids: list[UUID]) -> Sequence[Row]:
        """The mentor enrollments in the program (not withdrawn, nor of someone suspended) of these people, by person:
        person_id, capacity (as they gave it), live_pairings, paused."""

    async def suspend(self, person_id: UUID, suspended: bool) -> list[UUID]:
        """The person suspended (or reinstated): none of their enrollments takes part in pairing meanwhile; the
        programs they are enrolled in, sorted."""

    async def is_suspended(self, person_id: UUID) -> bool: ...

    async def enrollments_of(self, person_id: UUID, program_id: UUID, role: Role | str,
                             pairing_kind: PairingKind | None = None, paused_too: bool = False) -> Sequence[Row]:
        """A person's active enrollments in a program in one role (one per kind of pairing), of one kind if given;
        `paused_too`, paused ones as well (each row says `paused`)."""

    async def programs_of(self, person_id: UUID) -> list[UUID]:
        """The programs the person is enrolled in (not withdrawn, suspended or not), sorted (the order program locks
        are taken in)."""

    async def forget_person(self, person_id: UUID) -> None: ...

    async def stored_in_plaintext(self, limit: int) -> list[UUID]:
        """People whose profile was stored before identity values were hashed, set aside until it is (migration
        0005): not known to matching meanwhile."""

    async def rehash(self, person_id: UUID, digests: Callable[[dict[str, str]], dict[str, str]]) -> bool:
        """The person's profile set aside, back with its identity values hashed by `digests`; False if it is
        gone (a newer profile, or an erasure, came first)."""


class CandidatesRepository(Protocol):
    """Enrollments with their matching profile, as the scoring sees them."""

    async def in_program(self, program: ProgramRules, role: Role | str, *, waiting_only: bool = False,
                         enrollment_ids: Iterable[UUID | None] | None = None, paused_too: bool = False
                         ) -> list[Candidate]:
        """Active enrollments whose matching profile has arrived, longest waiting first. `paused_too`: paused ones as
        well (never withdrawn nor suspended ones), to describe the sides of a pairing under way, whom a pause does not
        take out of it; never to propose anyone."""

    async def waiting(self, program: ProgramRules, enrollment_ids: Iterable[UUID] | None = None
                      ) -> tuple[list[Candidate], ClosedPairs]:
        """The program's waiting mentees (or those of these enrollments who wait), and the pairs among them that
        closed before."""

    async def roster(self, program: ProgramRules) -> tuple[list[Candidate], RosterStamp]:
        """The program's mentors with a matching profile, and the stamp of exactly what was read."""

    async def closed_before(self, program_id: UUID, mentee_ids: Iterable[UUID] | None = None) -> ClosedPairs: ...

    async def ended_by_coordinator(self, mentee_ids: Iterable[UUID]) -> ClosedPairs:
        """The pairs of these mentees that closed before, in any program, each time as a mentorship a coordinator
        ended (none declined, left unanswered, nor ended by either of the two)."""

    async def unprofiled_mentees(self, program_id: UUID) -> int: ...


class WaitlistRepository(Protocol):
    async def waiting_counts(self, chapter_ids: frozenset[UUID] | None) -> list[tuple[UUID, int]]:
        """Per program of these chapters (None: every program), how many mentees wait: (program_id, how many), for
        programs with any, by program id."""

    async def entries(self, program_id: UUID) -> list[dict[str, Any]]:
        """Mentees with a matching profile and no live pairing, longest waiting first, with their place in the
        queue of their kind of pairing."""

    async def unannounced(self, program_id: UUID, enrollment_ids: list[UUID]) -> list[dict[str, Any]]: ...

    async def places_of(self, person_id: UUID) -> list[dict[str, Any]]:
        """The person's places on the waitlists they wait on: program_id, enrollment_id, pairing_kind, position,
        waiting_since."""

    async def mark_announced(self, enrollment_ids: list[UUID]) -> None: ...

    async def back_to_waiting(self, mentee_enrollment_id: UUID | None, keep_place: bool = False) -> None:
        """The back of the queue, waiting from now (or, `keep_place`, the place they had: waiting from when they did
        before), to be told their place again."""


class PairingsRepository(Protocol):
    async def add(self, pairings: list[NewPairing]) -> None: ...

    async def add_note(self, pairing_id: UUID, note: str) -> None:
        """A mentee's note with their request, kept with (and gone with) the pairing."""

    async def note_of(self, pairing_id: UUID) -> str | None: ...

    async def program_of(self, pairing_id: UUID) -> UUID | None: ...

    async def get(self, pairing_id: UUID) -> Pairing | None:
        """The pairing, locked for update."""

    async def open_of_enrollment(self, enrollment_id: UUID) -> list[Pairing]:
        """Proposed, active and requested pairings of the enrollment, locked."""

    async def open_of_person(self, person_id: UUID) -> list[Pairing]: ...

    async def pending_requests(self, mentee_enrollment_id: UUID | None) -> list[Pairing]: ...

    async def save(self, pairing: Pairing) -> None: ...

    async def of_person(self, person_id: UUID) -> list[dict[str, Any]]:
        """The person's pairings, each with their own enrollment's run of lapses so far (`unanswered_in_a_row`) and
        whether it is `paused`, when it closed (`closed_at`), and the feedback the person gave on it
        (`feedback_rating`, `feedback_comment`, `feedback_given_at`; None when they gave none)."""

    async def live_count(self, program_id: UUID) -> int: ...

    async def add_meeting(self, pairing_id: UUID, met_on: date, minutes: int, topics: list[str],
                          logged_by: UUID | None) -> None: ...

    async def meetings_in(self, pairing_ids: list[UUID]) -> list[dict[str, Any]]:
        """The meetings logged in these pairings (`id`, `pairing_id`, `met_on`, `minutes`, `topics`, `logged_by`,
        `logged_at`), the day met latest first."""
        ...

    async def meeting(self, pairing_id: UUID, meeting_id: int) -> dict[str, Any] | None:
        """The meeting, if logged in this pairing (as `meetings_in` reads one)."""

    async def change_meeting(self, meeting_id: int, met_on: date, minutes: int, topics: list[str]) -> None: ...

    async def remove_meeting(self, meeting_id: int) -> None: ...

    async def last_met_on(self, pairing_id: UUID) -> date | None:
        """The day of the pairing's latest meeting; None if none is logged."""

    async def of_program(self, program_id: UUID, status: str | None, offset: int, limit: int
                         ) -> tuple[list[dict[str, Any]], int]:
        """A program's pairings (of a status), newest first, each `{"pairing": Pairing, "created_at", "overdue"}`;
        and the total."""

    async def feedback_of_program(self, program_id: UUID) -> list[dict[str, Any]]: ...

    async def add_feedback(self, pairing_id: UUID, person_id: UUID, rating: int, comment: str) -> bool:
        """False when this person already gave feedback on it."""

    async def feedback_by(self, pairing_id: UUID, person_id: UUID) -> dict[str, Any] | None:
        """The feedback this person gave on it (`rating`, `comment`, `given_at`); None when they gave none."""


class DueRepository(Protocol):
    """What the lifecycle watch signals: each claim marks its rows, so concurrent instances never signal twice."""

    async def claim_overdue(self, limit: int) -> list[tuple[Pairing, datetime | None, int]]: ...

    async def claim_renewals(self, notice_days: int, limit: int) -> list[Pairing]: ...
    async def claim_answer_reminders(self, answer_within_days: int, before: timedelta, limit: int) -> list[Pairing]:
        """Proposals and requests still unanswered that lapse within `before` (or are halfway through a shorter time
        to answer), in their program's time to answer or else `answer_within_days`; each claimed once."""

    async def programs_with_terms_ended(self) -> list[UUID]: ...

    async def terms_ended(self, program_ids: list[UUID], limit: int) -> list[Pairing]: ...

    async def programs_with_unanswered(self, days: int) -> list[UUID]:
        """Programs with a proposal or request left unanswered past its program's time to answer, else `days`."""

    async def unanswered(self, program_ids: list[UUID], days: int, limit: int) -> list[Pairing]: ...


class RoundsRepository(Protocol):
    async def queue(self, round_id: UUID, program_id: UUID, method: str, most_pairs_first: bool) -> None: ...

    async def claim(self, lease_seconds: float) -> Row | None:
        """The oldest round queued, or running with no word from its instance for `lease_seconds`, now running under
        a new claim (`row["claim"]`): one instance each."""

    async def progress(self, round_id: UUID, claim: UUID, percent: int) -> bool:
        """Note the progress, renewing the claim; whether it is still this claim's."""

    async def release(self, round_id: UUID, claim: UUID) -> None:
        """Queue the round again, if still this claim's."""

    async def finish(self, round_id: UUID, claim: UUID, *, status: str, paired: int = 0, unpaired: int = 0,
                     total_score: int = 0, unpaired_reasons: dict | None = None, error: str | None = None) -> bool:
        """End the run, if still this claim's (another instance may have claimed it since); whether it was."""

    async def get(self, round_id: UUID, *, for_update: bool = False) -> dict[str, Any] | None: ...

    async def of_program(self, program_id: UUID) -> list[dict[str, Any]]:
        """The program's rounds, latest first."""

    async def open_of_program(self, program_id: UUID, statuses: tuple[str, ...] = ("queued", "running", "draft"),
                              besides: UUID | None = None) -> dict[str, Any] | None:
        """The program's latest round in one of these statuses (but `besides`), if any."""

    async def of_chapters(self, chapter_ids: frozenset[UUID] | None, status: str, limit: int) -> list[dict[str, Any]]:
        """The rounds in this status of the programs of these chapters (None: every program), latest first, at most
        `limit`."""

    async def save_draft(self, round_id: UUID, pairs: list[DraftPair], unpaired: list[Unpaired]) -> None:
        """Add pairs to the draft, and mentees it leaves unpaired (replacing the reason of one already left)."""

    async def draft(self, round_id: UUID) -> tuple[list[DraftPair], list[Unpaired]]: ...

    async def remove_pairs(self, round_id: UUID, mentee_enrollment_ids: list[UUID]) -> None: ...

    async def remove_unpaired(self, round_id: UUID, mentee_enrollment_ids: list[UUID]) -> None:
        """These mentees no longer among those the draft leaves unpaired (a coordinator paired them in it)."""

    async def close(self, round_id: UUID, *, status: str, paired: int | None = None, unpaired: int | None = None,
                    total_score: int | None = None, skipped: list[dict[str, Any]] | None = None) -> None:
        """A draft published (with what it paired, left and skipped) or discarded."""

    async def viewed(self, round_id: UUID, viewer: Principal, status: str) -> bool:
        """Whether the audit trail has `viewer` reading this round in this status already ("round.viewed")."""


class ReportsRepository(Protocol):
    async def programs(self, chapter_id: UUID | None) -> list[dict[str, Any]]:
        """The programs of a chapter (None: every program): `id`, `chapter_id`."""

    async def mentorships(self, program_ids: list[UUID]) -> dict[UUID, dict[str, dict[str, int]]]:
        """Per program, per mentees' stage, per measure (`reports.MEASURES`): a count."""

    async def meetings_per_pairing(self, program_ids: list[UUID]) -> dict[UUID, dict[str, int]]: ...

    async def trends(self, program_ids: list[UUID], since: datetime) -> dict[UUID, dict[str, dict[str, int]]]:
        """Per program, per month (YYYY-MM) from `since`, per measure (`reports.TRENDS`): a count."""


class IdentityHasher(Protocol):
    """Identity values as matching keeps them, keyed hashes: equal values hash alike, and no value can be read."""

    def digests(self, identity: Mapping[str, str]) -> dict[str, str]: ...


class Rosters(Protocol):
    """Programs' scored mentors, kept between registrations while the database's stamp says they hold."""

    async def roster(self, program: ProgramRules, weights: Weights, stamp: RosterStamp,
                     candidates: CandidatesRepository) -> Roster: ...


class MatchingUnitOfWorkPort(UnitOfWorkPort, Protocol):
    @property
    def programs(self) -> ProgramsRepository: ...

    @property
    def people(self) -> PeopleRepository: ...

    @property
    def candidates(self) -> CandidatesRepository: ...

    @property
    def waitlist(self) -> WaitlistRepository: ...

    @property
    def pairings(self) -> PairingsRepository: ...

    @property
    def due(self) -> DueRepository: ...

    @property
    def rounds(self) -> RoundsRepository: ...

    @property
    def reports(self) -> ReportsRepository: ...

    @property
    def rosters(self) -> Rosters: ...

    @property
    def identity_hasher(self) -> IdentityHasher: ...

    @property
    def answer_within_days(self) -> int:
        """The platform's time to answer a proposal or a request, in days, where its program sets none."""
        ...


NewUnitOfWork = Callable[[], MatchingUnitOfWorkPort]
Authorize = Callable[[Pairing, ProgramRules], commands.Actor]
Solver = Callable[[CandidateGraph, bool], np.ndarray]
