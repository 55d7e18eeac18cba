"""Chapters, programs, people, their identity attributes and enrollments. Pure: no I/O."""

from __future__ import annotations

import copy
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID, uuid4

from mentorship_contracts.profiles import ApprovalState, Modality, PairingMode, PreferredLanguage, ProgramFormat
from mentorship_contracts.vocabulary import PairingKind, Role, Specialty, SupportArea, TrainingStage
from plumbing.errors import Conflict, Forbidden, Invalid, NotFound


class MinorsEnrolled(Invalid, code="minors_enrolled"):
    """High-school students are enrolled as mentees: the program keeps vetting its mentors and asking both to accept,
    whatever stages it takes from now on."""


class UnsafeForMinors(Invalid, code="program_unsafe_for_minors"):
    """A program defined before programs for high-school students had to vet their mentors and ask both sides to
    accept keeps its settings, but takes no high-school student as a mentee until a coordinator adds both."""


class StageNotEligible(Invalid, code="stage_not_eligible"):
    """The program does not take people of this stage in this role."""


class AlreadyEnrolled(Conflict, code="already_enrolled"):
    pass


class AlreadyRegistered(Conflict, code="already_registered"):
    pass


class ChapterNameTaken(Conflict, code="chapter_name_taken"):
    """Another chapter has this name, whatever its case and spacing: staff pick a chapter from a list of names."""

    def __init__(self, name: str) -> None:
        super().__init__(f"a chapter named {name!r} exists already", field="name")


class ProgramNameTaken(Conflict, code="program_name_taken"):
    """Another program of the same chapter (a national program: another national one) has this name, whatever its
    case and spacing."""

    def __init__(self, name: str, chapter_id: UUID | None) -> None:
        super().__init__(f"a national program named {name!r} exists already" if chapter_id is None
                         else f"this chapter has a program named {name!r} already", field="name")


class MembersPublicFixed(Conflict, code="members_public_fixed"):
    """Whether other teams may see who takes part in a program changes only while nobody has enrolled in it or been
    invited to it (ever: a withdrawn enrollment, or one erased since, too): those who did trusted it."""

    def __init__(self) -> None:
        super().__init__("people have enrolled or been invited trusting who may see that they take part: it stays "
                         "as it was", field="members_public")


class ThePersonsOwn(Forbidden, code="forbidden"):
    """What the person alone decides, whoever else may act on their profile (their coordinator, an administrator):
    who sees their pronouns, and where their account's sign-in links go."""


class EmailChangeNotConfirmed(Invalid, code="email_change_not_confirmed"):
    """Whatever the reason (an unknown, used or expired token; someone else's change; an address taken meanwhile),
    the same answer: saying which would tell whether an address is registered."""

    def __init__(self) -> None:
        super().__init__("could not confirm this email change", field="token")


def _changes(current: Any, proposed: dict[str, Any]) -> dict[str, Any]:
    """The subset of `proposed` that differs from `current`'s attributes."""
    return {name: value for name, value in proposed.items() if getattr(current, name) != value}


@dataclass
class Chapter:
    id: UUID
    name: str
    timezone: str = "UTC"
    # Where its people write to its coordinators (a shared mailbox, say): shown to them, never published.
    contact_email: str | None = None

    @classmethod
    def define(cls, name: str, timezone: str, contact_email: str | None = None) -> Chapter:
        return cls(uuid4(), name, timezone, contact_email)

    def update(self, **proposed: Any) -> set[str]:
        changed = _changes(self, proposed)
        for name, value in changed.items():
            setattr(self, name, value)
        return set(changed)


@dataclass
class Program:
    id: UUID
    name: str
    chapter_id: UUID | None
    mentee_stages: list[TrainingStage]
    mentor_stages: list[TrainingStage]
    term_months: int = 12
    cadence_min_days: int = 30
    cadence_max_days: int = 60
    format: ProgramFormat = "one_to_one"
    group_size: int | None = None
    pairing_mode: PairingMode = "on_registration"
    both_must_accept: bool = False
    pair_cap: int | None = None
    mentor_approval_required: bool = False
    minimum_score: int = 0
    pairing_kinds: list[PairingKind] = field(default_factory=lambda: [PairingKind.GENERAL])
    # Days a proposal or a request may wait for an answer before it lapses; None: the platform's default.
    answer_within_days: int | None = None
    # Whether other teams may see who takes part: false (the default), its enrollments, invitations, pairings and
    # waitlist places go to our own services alone, as private twins on restricted topics (`plumbing.membership`).
    members_public: bool = False

    @classmethod
    def define(cls, **rules: Any) -> Program:
        program = cls(id=uuid4(), **rules)
        program._check()
        return program

    def update(self, *, taken_part: bool, minors_enrolled: bool = False, **proposed: Any) -> set[str]:
        """Change what is `proposed`; whether other teams may see who takes part only while nobody has `taken_part`
        (enrolled or been invited, ever); neither safeguard for minors while high-school students are enrolled as
        mentees (`minors_enrolled`), even with their stage taken out. A value sent unchanged is no change."""
        changed = _changes(self, proposed)
        if "members_public" in changed and taken_part:
            raise MembersPublicFixed()
        candidate = replace(self, **changed)
        if minors_enrolled:
            candidate._check_safeguarded(MinorsEnrolled, "with high-school students enrolled as mentees")
        candidate._check()
        for name, value in changed.items():
            setattr(self, name, value)
        return set(changed)

    def _check(self) -> None:
        if self.cadence_min_days > self.cadence_max_days:
            raise Invalid("the shortest meeting interval exceeds the longest", field="cadence_max_days")
        if self.format == "group" and self.group_size is None:
            raise Invalid("a group program needs a group size", field="group_size")
        if self.format == "one_to_one" and self.group_size is not None:
            raise Invalid("a one-to-one program has no group size", field="group_size")
        if not self.pairing_kinds or len(set(self.pairing_kinds)) != len(self.pairing_kinds):
            raise Invalid("name each kind of pairing the program offers once", field="pairing_kinds")
        if TrainingStage.HIGH_SCHOOL in self.mentee_stages:
            self._check_safeguarded(Invalid, "open to high-school students")

    def _check_safeguarded(self, refusal: type[Invalid], which: str) -> None:
        """Most high-school students are minors: none is put in touch with an adult nobody has vetted, nor with one
        she has not accepted herself (her name and address reach a mentor only once both have)."""
        if not self.mentor_approval_required:
            raise refusal(f"a program {which} reviews its mentors before they take part",
                          field="mentor_approval_required")
        if not self.both_must_accept:
            raise refusal(f"a program {which} asks both sides to accept a pairing", field="both_must_accept")

    def eligible_stages(self, role: Role) -> list[TrainingStage]:
        return self.mentee_stages if role is Role.MENTEE else self.mentor_stages

    def open_to(self, person: Person) -> bool:
        """Whether the person may join in some role: a chapter's program is for the chapter's members."""
        return self.chapter_id is None or person.chapter_id == self.chapter_id

    def admits(self, person: Person, role: Role) -> None:
        if not self.open_to(person):
            raise Invalid(f"{self.name!r} is open to members of its chapter only", field="program_id")
        if person.stage not in self.eligible_stages(role):
            raise StageNotEligible(f"a {person.stage.value} may not join {self.name!r} as {role.value}", field="stage")
        if role is Role.MENTEE:
            self.check_safe_for(person.stage, field="program_id")

    @property
    def safeguards_minors(self) -> bool:
        return self.mentor_approval_required and self.both_must_accept

    def check_safe_for(self, mentee_stage: TrainingStage, field: str) -> None:
        """Refuse a high-school mentee where the program vets no mentor or pairs without her accepting."""
        if mentee_stage is TrainingStage.HIGH_SCHOOL and not self.safeguards_minors:
            raise UnsafeForMinors(f"{self.name!r} does not yet review its mentors and ask both sides to accept, as a "
                                  "program with high-school students must: ask its coordinator to change that first",
                                  field=field)


class PronounsVisibility(StrEnum):
    """Who, besides the person, may see their pronouns; each step includes the ones before it."""

    ONLY_ME = "only_me"
    COORDINATORS = "coordinators"
    PARTNERS = "partners"


# Self-described attributes a person may record. The names are fixed so that matching can compare like with
# like; the values are the person's own words.
IDENTITY_ATTRIBUTES = frozenset({
    "sexual_orientation", "gender_identity", "race_ethnicity", "first_generation", "disability",
    "religion", "veteran", "immigration_background", "socioeconomic_background",
})


class Purpose(StrEnum):
    MATCHING = "matching"
    PARTNER = "partner"


@dataclass(frozen=True)
class IdentityAttribute:
    value: str
    use_in_matching: bool = False
    show_to_partner: bool = False

    def consented(self, purpose: Purpose) -> bool:
        return self.use_in_matching if purpose is Purpose.MATCHING else self.show_to_partner


IdentityStrength = Literal["preference", "requirement"]


@dataclass(frozen=True)
class IdentityRequest:
    """A mentee's wish for a mentor who shares one of their attributes."""

    attribute: str
    strength: IdentityStrength


@dataclass(frozen=True)
class ConsentChange:
    attribute: str
    purpose: Purpose
    granted: bool


@dataclass(frozen=True)
class Identity:
    attributes: dict[str, IdentityAttribute] = field(default_factory=dict)
    requests: tuple[IdentityRequest, ...] = ()

    @classmethod
    def declare(cls, attributes: dict[str, IdentityAttribute], requests: list[IdentityRequest]) -> Identity:
        for name, attribute in attributes.items():
            if name not in IDENTITY_ATTRIBUTES:
                raise Invalid(f"unknown identity attribute {name!r}", field=f"attributes.{name}")
            if not attribute.value.strip():
                raise Invalid("describe the attribute, or leave it out", field=f"attributes.{name}.value")
        for index, request in enumerate(requests):
            held = attributes.get(request.attribute)
            # Matching can only look for a shared attribute it is allowed to see on the mentee's side.
            if held is None or not held.use_in_matching:
                raise Invalid("ask only for an attribute you recorded and consented to use in matching",
                              field=f"requests.{index}.attribute")
        if len({r.attribute for r in requests}) < len(requests):
            raise Invalid("one request per attribute", field="requests")
        cleaned = {name: replace(a, value=a.value.strip()) for name, a in attributes.items()}
        return cls(cleaned, tuple(requests))

    def shown_for(self, purpose: Purpose) -> dict[str, str]:
        return {name: a.value for name, a in self.attributes.items() if a.consented(purpose)}

    def consent_changes_since(self, before: Identity) -> list[ConsentChange]:
        changes = []
        for name in sorted(before.attributes.keys() | self.attributes.keys()):
            for purpose in Purpose:
                was = name in before.attributes and before.attributes[name].consented(purpose)
                now = name in self.attributes and self.attributes[name].consented(purpose)
                if was != now:
                    changes.append(ConsentChange(name, purpose, now))
        return changes

    def without_consent(self, attribute: str, purpose: Purpose) -> Identity:
        if attribute not in self.attributes:
            raise NotFound("no such identity attribute recorded", field="attribute")
        held = self.attributes[attribute]
        withdrawn = (replace(held, use_in_matching=False) if purpose is Purpose.MATCHING
                     else replace(held, show_to_partner=False))
        # A request to share an attribute is a use of it in matching: it goes with that consent.
        requests = tuple(r for r in self.requests if purpose is Purpose.PARTNER or r.attribute != attribute)
        return Identity({**self.attributes, attribute: withdrawn}, requests)


# Which of a person's fields each audience learns about, and so which event a change of them causes.
PUBLIC_FIELDS = frozenset({"stage", "chapter_id", "is_alumni"})
CONTACT_FIELDS = frozenset({"display_name", "email", "timezone", "pronouns", "pronouns_visibility", "bio",
                            "chapter_id", "preferred_language"})
MATCHING_FIELDS = frozenset({"stage", "specialties", "support_areas", "languages", "timezone", "region", "modalities",
                             "chapter_id"})
# Set by the person alone: whoever could change who sees the pronouns could show them to themself.
PERSONS_OWN_FIELDS = ("pronouns", "pronouns_visibility")


@dataclass
class Person:
    id: UUID
    display_name: str
    email: str
    stage: TrainingStage
    chapter_id: UUID | None = None
    pronouns: str | None = None
    pronouns_visibility: PronounsVisibility = PronounsVisibility.PARTNERS
    timezone: str = "UTC"
    is_alumni: bool = False
    specialties: list[Specialty] = field(default_factory=list)
    support_areas: list[SupportArea] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    modalities: list[Modality] = field(default_factory=lambda: ["virtual"])
    region: str | None = None
    bio: str | None = None
    identity: Identity = field(default_factory=Identity)
    preferred_language: PreferredLanguage | None = None  # None: not said

    @classmethod
    def register(cls, **attributes: Any) -> Person:
        return cls(id=uuid4(), **attributes)

    def as_seen_by_partner(self) -> PartnerView:
        """What a matched partner may see of the person: what they chose to show, nothing else."""
        return PartnerView(self.id, self.display_name, self.pronouns_for(partner=True), self.bio,
                           self.identity.shown_for(Purpose.PARTNER), self.email, self.stage, self.timezone)

    def pronouns_for(self, *, partner: bool) -> str | None:
        """The pronouns a coordinator (or, with `partner`, a matched partner) may see."""
        allowed = PronounsVisibility.PARTNERS if partner else PronounsVisibility.COORDINATORS
        order = list(PronounsVisibility)
        return self.pronouns if order.index(self.pronouns_visibility) >= order.index(allowed) else None

    def update(self, enrollments: list[Enrollment], by: UUID | None, mentee_of: Sequence[Program] = (),
               **proposed: Any) -> set[str]:
        """Change what is `proposed`, by the person `by` (None: a service); `mentee_of`: the programs of their
        active mentee enrollments, each of which must be safe for the stage they take."""
        if "email" in proposed:
            raise Invalid("an email address changes once confirmed from it: ask for the change", field="email")
        for name in PERSONS_OWN_FIELDS:
            # Refused even when unchanged: an answer that differed would confirm someone else's guess.
            if name in proposed and by != self.id:
                raise ThePersonsOwn(f"only the person changes their {name.replace('_', ' ')}", field=name)
        changed = _changes(self, proposed)
        if "chapter_id" in changed and any(e.active and e.chapter_id is not None for e in enrollments):
            raise Conflict("withdraw from your chapter's programs before moving to another chapter", field="chapter_id")
        if "stage" in changed:
            for program in mentee_of:
                program.check_safe_for(changed["stage"], field="stage")
        for name, value in changed.items():
            setattr(self, name, value)
        return set(changed)

    def confirm_email(self, change: EmailChange, token: str, by: UUID | None, now: datetime) -> None:
        """Take the new address of `change`, if `token` is its token, still good, and given by the person."""
        if by != self.id or not change.confirmed_by(token, now) or change.person_id != self.id:
            raise EmailChangeNotConfirmed()
        self.email = change.new_email

    def declare_identity(self, identity: Identity) -> list[ConsentChange]:
        changes = identity.consent_changes_since(self.identity)
        self.identity = identity
        return changes

    def withdraw_consent(self, attribute: str, purpose: Purpose) -> list[ConsentChange]:
        return self.declare_identity(self.identity.without_consent(attribute, purpose))

    def enroll(self, program: Program, existing: list[Enrollment], role: Role, pairing_kind: PairingKind | None = None,
               **terms: Any) -> Enrollment:
        program.admits(self, role)
        # One kind offered: that is the enrollment's. Several: the person says which this enrollment is for.
        if pairing_kind is None:
            if len(program.pairing_kinds) > 1:
                raise Invalid(f"this program offers {', '.join(program.pairing_kinds)}: say which",
                              field="pairing_kind")
            pairing_kind = program.pairing_kinds[0]
        if pairing_kind not in program.pairing_kinds:
            raise Invalid(f"this program offers {', '.join(program.pairing_kinds)} pairings", field="pairing_kind")
        held = next((e for e in existing if e.program_id == program.id and e.role is role
                     and e.pairing_kind == pairing_kind and e.active), None)
        if held is not None:
            # The same request again (a client retrying after a lost answer) is answered with what it made.
            if not copy.deepcopy(held).update(program, **terms):
                return held
            raise AlreadyEnrolled(f"already enrolled in this program as {role.value} for {pairing_kind}",
                                  field="program_id")
        # Withdrawing, or enrolling for another kind, does not escape a review: a coordinator clears it first.
        if any(e.program_id == program.id and e.role is role and e.review_reason for e in existing):
            raise UnderReview("under a coordinator's review in this program: enrolled again once it is done",
                              field="program_id")
        approval: ApprovalState = "pending" if role is Role.MENTOR and program.mentor_approval_required else "approved"
        enrollment = Enrollment(uuid4(), self.id, program.id, program.chapter_id, role, approval=approval,
                                pairing_kind=pairing_kind)
        enrollment.update(program, **terms)
        return enrollment


@dataclass(frozen=True)
class PartnerView:
    """A person as their matched partner sees them."""

    person_id: UUID
    display_name: str
    pronouns: str | None
    bio: str | None
    identity: dict[str, str]
    # How to reach them: the pairing's email gave it to each side when the pairing was confirmed.
    email: str
    # Not identity attributes: what a partner needs to plan a first call at a sensible level and hour.
    stage: TrainingStage
    timezone: str


EMAIL_CHANGE_VALID_FOR = timedelta(hours=24)


def token_digest(token: str) -> bytes:
    """What is kept of a token: its SHA-256 (a random 256-bit token needs no slow hash to resist guessing)."""
    return hashlib.sha256(token.encode()).digest()


@dataclass(frozen=True)
class EmailChange:
    """A change of address that waits to be confirmed from the new address, with a single-use token sent there.

    Only the token's digest is kept: the token itself exists in the email (and the event that asks for it)."""

    person_id: UUID
    new_email: str
    token_digest: bytes
    expires_at: datetime

    @classmethod
    def request(cls, person: Person, new_email: str, now: datetime, by: UUID | None) -> tuple[EmailChange, str]:
        """The pending change and its token, to send to the new address, asked for by the person `by`."""
        if by != person.id:
            raise ThePersonsOwn("only the person asks to change their email address", field="person_id")
        token = secrets.token_urlsafe(32)
        return cls(person.id, new_email, token_digest(token), now + EMAIL_CHANGE_VALID_FOR), token

    def confirmed_by(self, token: str, now: datetime) -> bool:
        return secrets.compare_digest(token_digest(token), self.token_digest) and now < self.expires_at


@dataclass(frozen=True)
class PublicStanding:
    """What the public people topic says of a person: their chapter and stage, whether an alumnus, whether their account
    is suspended (restated on an operator's request: `service_layer.restating`)."""

    person_id: UUID
    chapter_id: UUID | None
    stage: TrainingStage
    is_alumni: bool
    suspended: bool


@dataclass(frozen=True)
class Suspension:
    """An account suspended: since when, whether by an administrator (then theirs alone to lift), by whom (None: not
    known, or since erased) and the note given (None: none)."""

    since: datetime
    by_administrator: bool
    by: UUID | None
    note: str | None


# Why an enrollment is paused that its person did not pause: they let proposals or requests lapse unanswered in a row.
UNANSWERED = "unanswered"
# Why an enrollment is under staff review (and, of a mentee, paused): the other side of a pairing ended it for a
# problem of conduct, reporting them.
CONDUCT_REPORTED = "conduct_reported"
# Why staff are asked to look at a mentor's enrollment that nothing went wrong with: they joined a program that vets its
# mentors, and wait to be approved.
APPROVAL_AWAITED = "approval_awaited"
# A mentor still waiting this long after joining is a queue left alone: the program's staff are asked again, at most
# this often while any waits. The scarce side offered their time and hears nothing until approved.
APPROVAL_REMINDED_AFTER = timedelta(days=3)
APPROVAL_REMINDED_EVERY = timedelta(days=7)


# Why a mentee's enrollment is paused when their mentorship ran its course: its goals were met (whoever ended it), or
# its term was completed. They rest, paired with nobody new, until they ask for another mentor (resuming it).
GOALS_MET = "goals_met"
TERM_COMPLETED = "term_completed"


class UnderReview(Conflict, code="under_review"):
    """A coordinator's review holds the enrollment: approving a mentor again, or clearing a mentee's, ends it."""


# How far ahead a person may say their own pause ends: a year, a leap year's day included. Longer is no pause to plan
# around; they resume or pause again.
PAUSED_UNTIL_AT_MOST = timedelta(days=366)


@dataclass
class Enrollment:
    id: UUID
    person_id: UUID
    program_id: UUID
    chapter_id: UUID | None
    role: Role
    capacity: int = 1
    mentee_stages_welcome: list[TrainingStage] = field(default_factory=list)
    goals: str | None = None
    preferred_mentor_stages: list[TrainingStage] = field(default_factory=list)
    approval: ApprovalState = "approved"
    active: bool = True
    pairing_kind: PairingKind = PairingKind.GENERAL
    paused: bool = False  # a mentor taking no new mentee for now; a mentee, no mentor
    # Why, when its person did not pause it themselves: UNANSWERED (they let proposals lapse unanswered in a row),
    # CONDUCT_REPORTED (a mentee under review: a coordinator resumes them), or GOALS_MET or TERM_COMPLETED (a mentee
    # whose mentorship ran its course, resting until they ask for another mentor).
    paused_because: str | None = None
    # A suspended mentor's: whether they had been approved (false: their offer to mentor was declined). None while
    # not suspended, or for one suspended before this was kept and whom the audit trail does not tell apart.
    was_approved: bool | None = None
    # Why staff are to review it before its person is paired again (CONDUCT_REPORTED), and since when; None when not.
    review_reason: str | None = None
    review_since: datetime | None = None
    # Until when its person paused it themselves (in UTC): then it is resumed as their resuming it would be (a background
    # job). None: until they resume, or not a pause of their own. Kept only while `paused` with no `paused_because` and
    # no `review_reason`: resuming, or a pause or a review of the platform's, ends it (their reason governs then).
    paused_until: datetime | None = None

    # A mentor states capacity and the stages they welcome; a mentee states goals and the mentors they prefer; each
    # may pause (a mentee paused by the platform for not answering resumes so).
    _TERMS = {Role.MENTOR: ("capacity", "mentee_stages_welcome", "paused", "paused_until"),
              Role.MENTEE: ("goals", "preferred_mentor_stages", "paused", "paused_until")}

    def update(self, program: Program, *, now: datetime | None = None, **proposed: Any) -> set[str]:
        """Change what is `proposed` of its person's terms; `now` is needed to say until when they pause
        (`paused_until`). What changed."""
        self._require_active()
        # Terms of the other role do not apply: a mentee's stated capacity is one, whatever was sent.
        terms = {name: value for name, value in proposed.items() if name in self._TERMS[self.role]}
        if self.review_reason is not None and self.paused and terms.get("paused") is False:
            raise UnderReview("paused for a coordinator's review: a coordinator resumes it", field="paused")
        if terms.get("paused_until") is not None:
            terms["paused_until"] = self._end_of_own_pause(terms["paused_until"], terms.get("paused"), now)
        if not set(terms.get("mentee_stages_welcome", [])) <= set(program.mentee_stages):
            raise Invalid("welcome only stages this program takes as mentees", field="mentee_stages_welcome")
        if not set(terms.get("preferred_mentor_stages", [])) <= set(program.mentor_stages):
            raise Invalid("prefer only stages this program takes as mentors", field="preferred_mentor_stages")
        if program.group_size is not None and terms.get("capacity", 0) > program.group_size:
            raise Invalid(f"a group in this program has at most {program.group_size} mentees", field="capacity")
        changed = _changes(self, terms)
        for name, value in changed.items():
            setattr(self, name, value)
        if "paused" in changed:  # their own pause, or resuming: no other reason holds
            self.paused_because = None
        return set(changed) | self._pause_end_settled()

    def _end_of_own_pause(self, until: datetime, paused: bool | None, now: datetime | None) -> datetime:
        """`until`, in UTC, if it can end the person's own pause as this change leaves it (`paused`: what the change
        says of the pause, None: nothing); refused naming it otherwise."""
        if paused is False:
            raise Invalid("resuming ends the pause: send no end with it", field="paused_until")
        if not self.paused and paused is None:
            raise Invalid("pause it (paused true) to say until when", field="paused_until")
        if self.review_reason is not None:
            raise Invalid("held for a coordinator's review: the review, not a date, ends it", field="paused_until")
        if self.paused and self.paused_because is not None:
            raise Invalid(f"paused by the platform ({self.paused_because}): resume it to end it, then pause it again "
                          "with an end", field="paused_until")
        if until.tzinfo is None or until.utcoffset() is None:
            raise Invalid("say the end's time zone or offset, e.g. 2026-08-01T07:00:00Z", field="paused_until")
        if now is None:
            raise TypeError("an end of a pause is checked against now: pass `now`")
        if until <= now:
            raise Invalid("the end of a pause is to come", field="paused_until")
        if until > now + PAUSED_UNTIL_AT_MOST:
            raise Invalid(f"a pause ends within {PAUSED_UNTIL_AT_MOST.days} days at most: resume then, or pause "
                          "again", field="paused_until")
        return until.astimezone(UTC)

    def _pause_end_settled(self) -> set[str]:
        """Forget the end of a pause that is no longer the person's own (resumed, or paused or held by the platform,
        whose reason governs): `paused_until` if it went."""
        if self.paused_until is None or (self.paused and self.paused_because is None and self.review_reason is None):
            return set()
        self.paused_until = None
        return {"paused_until"}

    def own_pause_ended(self, now: datetime) -> bool:
        """Whether the person's own pause has an end that has come by `now`: they are then resumed as their resuming
        it would (`update(program, paused=False)`)."""
        return (self.active and self.paused and self.paused_because is None and self.review_reason is None
                and self.paused_until is not None and self.paused_until <= now)

    def pause_unanswered(self, program: Program) -> set[str]:
        """Paused because its person let proposals or requests lapse unanswered in a row (matching's word), as their
        own pause would, saying why; what changed (nothing, if they had paused already)."""
        changed = self.update(program, paused=True)
        if changed:
            self.paused_because = UNANSWERED
        return changed

    def rest(self, program: Program, reason: str) -> set[str]:
        """A mentee's mentorship ran its course (`reason`: GOALS_MET, TERM_COMPLETED): paused, saying why (whether or
        not they had paused themselves), until they ask for another mentor, which they do by resuming it; what changed,
        `paused_because` always among it: matching, which rested them as the pairing closed, then knows profiles' word
        on them is after the closing. Nothing for one under review, whom a coordinator resumes."""
        if not self.active or self.role is not Role.MENTEE or self.review_reason is not None:
            return set()
        changed = self.update(program, paused=True)
        self.paused_because = reason
        return changed | {"paused_because"} | self._pause_end_settled()

    def hold_for_review(self, program: Program, reason: str, since: datetime) -> set[str]:
        """Reported (`reason`) by the other side of a pairing: held from any new pairing until staff review. A
        mentor goes back to awaiting approval (the vetting queue), a mentee is paused; what changed, as the
        enrollment's announcement names it (`review_reason` too: matching, which held them as the pairing ended, then
        knows profiles' word on them is after the report). Nothing for one under review already, whose first report
        is kept, nor for a suspended mentor, held already."""
        if not self.active or self.review_reason is not None or self.approval == "suspended":
            return set()
        self.review_reason, self.review_since = reason, since
        if self.role is Role.MENTOR:
            changed = {"approval"} if self.approval != "pending" else set()
            self.approval = "pending"
        else:
            changed = self.update(program, paused=True)
            self.paused_because = reason  # whether or not they had paused themselves: now staff's to resume
        return changed | {"review_reason"} | self._pause_end_settled()

    def clear_review(self, program: Program) -> set[str]:
        """A coordinator's review done: a mentee resumed; what changed, as for `hold_for_review` (nothing of one
        withdrawn, whose person may then enroll again). An active mentor's is cleared by approving them again (or
        not, by suspending them)."""
        if self.review_reason is None:
            raise Conflict("this enrollment is not under review", field="enrollment_id")
        if not self.active:
            self.review_reason = self.review_since = None
            return set()
        if self.role is Role.MENTOR:
            raise UnderReview("a mentor under review is approved again, or suspended", field="role")
        self.review_reason = self.review_since = None
        return self.update(program, paused=False) | {"review_reason"}

    def approve(self) -> None:
        self._require_mentor()
        if self.approval == "approved":
            raise Conflict("this mentor is already approved", field="approval")
        self.approval = "approved"
        self.was_approved = None
        self.review_reason = self.review_since = None

    def suspend(self) -> None:
        self._require_mentor()
        if self.approval == "suspended":
            raise Conflict("this mentor is already suspended", field="approval")
        # One back in the vetting queue for a report of conduct had been mentoring: their mentoring is put on hold.
        self.was_approved = self.approval == "approved" or self.review_reason is not None
        self.approval = "suspended"

    def withdraw(self) -> None:
        self._require_active()
        self.active = False

    def _require_mentor(self) -> None:
        self._require_active()
        if self.role is not Role.MENTOR:
            raise Conflict("only mentors are vetted", field="role")

    def _require_active(self) -> None:
        if not self.active:
            raise Conflict("this enrollment was withdrawn", field="enrollment_id")
