"""REST API of profiles under /v1: parse, authorise, call a handler, answer.

Who may do what: a participant acts on their own profile, identity and enrollments; a coordinator on the people
and programs of their chapter; an administrator (or a service) on everything, except a person's identity
attributes, which only that person ever reads or changes, and their pronouns, who sees them and their email
address, which only that person changes.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID
from zoneinfo import available_timezones

from fastapi import APIRouter, Depends, Response
from mentorship_contracts.profiles import ApprovalState, Modality, PairingMode, PreferredLanguage, ProgramFormat
from mentorship_contracts.vocabulary import PairingKind, Role, Specialty, SupportArea, TrainingStage
from plumbing.auth import Principal, current_principal, forbidden
from plumbing.auth import Role as CallerRole
from plumbing.errors import NotFound
from plumbing.http import answers, unit_of_work
from plumbing.validation import MultilineText, Text
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, EmailStr, Field, create_model

from ..domain import commands
from ..domain.model import (
    Chapter,
    Enrollment,
    Identity,
    IdentityAttribute,
    IdentityRequest,
    IdentityStrength,
    PartnerView,
    Person,
    Program,
    PronounsVisibility,
    Purpose,
)
from ..service_layer import handlers
from ..service_layer.unit_of_work import ProfilesUnitOfWork

router = APIRouter(prefix="/v1")
Caller = Annotated[Principal, Depends(current_principal)]


UnitOfWork = Annotated[ProfilesUnitOfWork, Depends(unit_of_work)]

_TIME_ZONES = available_timezones()


def _known_time_zone(name: str) -> str:
    if name not in _TIME_ZONES:
        raise ValueError("not an IANA time zone, e.g. America/Chicago")
    return name


TimeZone = Annotated[str, AfterValidator(_known_time_zone)]


# A name: one line, 1 to 200 characters. (The length bound goes after `Text`, which builds the string's schema.)
Name = Annotated[str, Text(200), Field(min_length=1)]
# Something to put before a partner in their emails and pages (a link, an address, markup) is no one's name.
_NOT_A_NAME = re.compile(r"://|\bwww\.|[<>@]", re.IGNORECASE)


def _a_name_to_show(value: str) -> str:
    if _NOT_A_NAME.search(value):
        raise ValueError("a name holds no link, email address or markup: it shows to others")
    return value


# A person's name, which others read in their emails and pages.
PersonName = Annotated[Name, AfterValidator(_a_name_to_show)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def changes_to(model: type[BaseModel], *, without: frozenset[str] = frozenset(),
               retyped: dict[str, object] | None = None) -> type[BaseModel]:
    """The PATCH body of `model`: the same fields (or `retyped`), each optional; only those sent change.

    The default is not validated, so an omitted field stays out, while an explicit null is still refused where
    the field may not be null.
    """
    fields = {}
    for name, info in model.model_fields.items():
        if name not in without:
            optional = copy.copy(info)
            optional.default, optional.default_factory = None, None
            fields[name] = ((retyped or {}).get(name, info.annotation), optional)
    return create_model(model.__name__.removesuffix("In") + "Change", __base__=Strict, **fields)


class ChapterIn(Strict):
    name: Name
    timezone: TimeZone = "UTC"
    contact_email: EmailStr | None = Field(
        default=None, description="Where the chapter's people write to its coordinators (a shared mailbox, say): "
                                  "shown to them on their pages, never published")


ChapterChange = changes_to(ChapterIn)


class ChapterOut(BaseModel):
    id: UUID
    name: str
    timezone: str
    contact_email: str | None

    @classmethod
    def of(cls, chapter: Chapter) -> ChapterOut:
        return cls(**vars(chapter))


class ProgramIn(Strict):
    name: Name
    chapter_id: UUID | None = Field(default=None, description="None for a national program")
    mentee_stages: list[TrainingStage] = Field(min_length=1)
    mentor_stages: list[TrainingStage] = Field(min_length=1)
    term_months: int = Field(default=12, ge=1, le=60)
    cadence_min_days: int = Field(default=30, ge=1, le=365)
    cadence_max_days: int = Field(default=60, ge=1, le=365)
    format: ProgramFormat = "one_to_one"
    group_size: int | None = Field(default=None, ge=2, le=50)
    pairing_mode: PairingMode = "on_registration"
    both_must_accept: bool = Field(
        default=False, description="Whether mentee and mentor each accept a pairing before it starts; required (a 422 "
                                   "naming it otherwise) while the mentees include high-school students")
    pair_cap: int | None = Field(default=None, ge=1, le=100_000)
    mentor_approval_required: bool = Field(
        default=False, description="Whether a coordinator approves each mentor before anyone is proposed to them; "
                                   "required (a 422 naming it otherwise) while the mentees include high-school students")
    minimum_score: int = Field(default=0, ge=0, le=100)
    pairing_kinds: list[PairingKind] = Field(
        default_factory=lambda: [PairingKind.GENERAL], min_length=1,
        description="Kinds of pairing offered; a mentee may hold one of each at once (e.g. clinical and research)")
    answer_within_days: int | None = Field(
        default=None, ge=1, le=365,
        description="Days a proposal or a mentee's request may wait for an answer before it lapses; null for the "
                    "platform's default (14)")
    members_public: bool = Field(
        default=False,
        description="Whether other teams may see who takes part (its enrollments, invitations, pairings and "
                    "waitlist); false keeps them to our own services. Changes only while nobody has enrolled or "
                    "been invited (`members_public_fixed`, 409)")


ProgramChange = changes_to(ProgramIn, without=frozenset({"chapter_id"}))


class ProgramOut(ProgramIn):
    """What is answered is not held to what is accepted: a program stored before a rule was tightened is still shown."""

    id: UUID
    name: str

    @classmethod
    def of(cls, program: Program) -> ProgramOut:
        return cls(**vars(program))


# A code, matched exactly against a partner's (matching rules out a pair who list none in common): "English" or "EN"
# against "en" would keep two people apart who share it.
Language = Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}$", description="A language one can meet in, by its ISO 639 "
                                "code (en, es, pt); kept in lower case"), AfterValidator(str.lower)]


class PersonIn(Strict):
    display_name: PersonName
    email: EmailStr
    stage: TrainingStage
    chapter_id: UUID | None = None
    pronouns: Annotated[str, Text(50)] | None = None
    pronouns_visibility: PronounsVisibility = Field(
        default=PronounsVisibility.PARTNERS,
        description="Who besides you sees your pronouns; each includes those before"
    )
    timezone: TimeZone | None = Field(default=None, description="Defaults to the chapter's time zone")
    is_alumni: bool = False
    specialties: list[Specialty] = Field(default_factory=list, max_length=10)
    support_areas: list[SupportArea] = Field(default_factory=list)
    languages: list[Language] = Field(default_factory=list, max_length=10)
    modalities: list[Modality] = Field(default_factory=lambda: list[Modality](["virtual"]), min_length=1)
    region: Annotated[str, Text(100)] | None = None
    bio: Annotated[str, MultilineText(2000)] | None = None
    preferred_language: PreferredLanguage | None = Field(
        default=None, description="The language of the emails you receive; null when not said")


# Once set, a time zone is changed, never unset. An email address changes once confirmed from it (email-change).
PersonChange = changes_to(PersonIn, without=frozenset({"email"}), retyped={"timezone": TimeZone})


class PersonOut(BaseModel):
    """What is answered is not held to what is accepted: a profile stored before a rule was tightened is still
    shown (and can then be corrected)."""

    id: UUID
    display_name: str
    email: str
    stage: TrainingStage
    chapter_id: UUID | None
    pronouns: str | None
    pronouns_visibility: PronounsVisibility
    timezone: str
    is_alumni: bool
    specialties: list[Specialty]
    support_areas: list[SupportArea]
    languages: list[str]
    modalities: list[Modality]
    region: str | None
    bio: str | None
    preferred_language: PreferredLanguage | None

    @classmethod
    def of(cls, person: Person, caller: Principal) -> PersonOut:
        values = {name: getattr(person, name) for name in cls.model_fields}
        if not caller.is_person(person.id):
            values["pronouns"] = person.pronouns_for(partner=False)
        return cls(**values)


AttributeName = Annotated[str, Text(40)]


class AttributeIn(Strict):
    value: Annotated[str, Text(100), Field(min_length=1)] = Field(description="In your own words")
    use_in_matching: bool = False
    show_to_partner: bool = False


class IdentityRequestIn(Strict):
    attribute: AttributeName
    strength: IdentityStrength


class IdentityIn(Strict):
    attributes: dict[AttributeName, AttributeIn] = Field(
        default_factory=dict, description="sexual_orientation, gender_identity, race_ethnicity, first_generation, "
        "disability, religion, veteran, immigration_background, socioeconomic_background; all optional")
    requests: list[IdentityRequestIn] = Field(default_factory=list, max_length=20,
                                              description="Mentees: a mentor sharing these")


class AttributeOut(BaseModel):
    value: str
    use_in_matching: bool
    show_to_partner: bool


class IdentityRequestOut(BaseModel):
    attribute: str
    strength: IdentityStrength


class IdentityOut(BaseModel):
    attributes: dict[str, AttributeOut]
    requests: list[IdentityRequestOut]

    @classmethod
    def of(cls, identity: Identity) -> IdentityOut:
        return cls(attributes={name: AttributeOut(**vars(a)) for name, a in identity.attributes.items()},
                   requests=[IdentityRequestOut(**vars(r)) for r in identity.requests])


class PartnerOut(BaseModel):
    """A person as their partner sees them: what they chose to show, nothing else."""

    id: UUID
    display_name: str
    pronouns: str | None = Field(description="When the person lets partners see them")
    bio: str | None
    identity: dict[str, str] = Field(description="Only the attributes the person consented to show a partner")
    email: str = Field(description="How to reach them, as the email confirming the pairing told each side")
    stage: TrainingStage = Field(description="Their training stage, to pitch a first call at their level")
    timezone: str = Field(description="Their IANA time zone, to plan a call at a sensible hour for both")

    @classmethod
    def of(cls, view: PartnerView) -> PartnerOut:
        return cls(id=view.person_id, display_name=view.display_name, pronouns=view.pronouns, bio=view.bio,
                   identity=view.identity, email=view.email, stage=view.stage, timezone=view.timezone)


class EmailChangeIn(Strict):
    email: EmailStr = Field(description="The new address: a link to confirm the change is sent there")


class EmailChangeOut(BaseModel):
    """The same answer whoever holds the address: confirming from it is what tells."""

    email: str = Field(description="Where the confirmation link was sent")
    expires_at: datetime = Field(description="Until when the link confirms the change")


class EmailConfirmationIn(Strict):
    token: Annotated[str, Text(100), Field(min_length=1)] = Field(
        description="The token of the link sent to the new address")


class LookupIn(Strict):
    email: Annotated[str, Text(320), Field(min_length=3)]


class EnrollmentIn(Strict):
    person_id: UUID
    program_id: UUID
    role: Role
    capacity: int = Field(default=1, ge=1, le=10, description="Mentors: mentees at once; one for a mentee")
    mentee_stages_welcome: list[TrainingStage] = Field(
        default_factory=list, description="Mentors: stages willing to mentor; empty means any the program takes")
    goals: Annotated[str, MultilineText(2000)] | None = Field(default=None,
                                                              description="Mentees: what they hope for")
    preferred_mentor_stages: list[TrainingStage] = Field(default_factory=list, description="Mentees")
    pairing_kind: PairingKind | None = Field(
        default=None, description="The kind of pairing sought or offered; needed where the program offers several")


EnrollmentChange = create_model(
    "EnrollmentChange",
    __base__=changes_to(EnrollmentIn, without=frozenset({"person_id", "program_id", "role", "pairing_kind"})),
    paused=(bool, Field(default=None, description="Take no new pairing for now (true), or again (false): a mentor no "
                                                  "new mentee, a mentee no mentor")),
    paused_until=(AwareDatetime | None, Field(
        default=None, description="Until when the person pauses it themselves: resumed then (within five minutes), as "
                                  "their resuming it would be. A date-time with its offset (e.g. "
                                  "`2026-08-01T07:00:00Z`), in the future and at most 366 days ahead; null: until "
                                  "they resume. Sent with `paused` true, or alone while paused by themselves to "
                                  "change it. Refused (422, field `paused_until`) without an offset, in the past, "
                                  "further ahead, with `paused` false, when not paused, or for a pause that is not "
                                  "their own (`paused_because` set, or under review)")),
)


class EnrollmentOut(BaseModel):
    id: UUID
    person_id: UUID
    program_id: UUID
    chapter_id: UUID | None
    role: Role
    pairing_kind: PairingKind
    capacity: int
    mentee_stages_welcome: list[TrainingStage]
    goals: str | None
    preferred_mentor_stages: list[TrainingStage]
    approval: ApprovalState
    active: bool
    paused: bool = Field(default=False, description="Taking no new pairing for now: a mentor no new mentee, a mentee "
                                                    "no mentor")
    paused_because: Literal["unanswered", "conduct_reported", "goals_met", "term_completed"] | None = Field(
        default=None, description="Why it is paused when its person did not pause it: `unanswered`, they let "
                                  "proposals or requests lapse unanswered in a row (they may resume); "
                                  "`conduct_reported`, a mentee reported for a problem of conduct (a coordinator "
                                  "resumes them, `POST /v1/enrollments/{id}/clear-review`); `goals_met` or "
                                  "`term_completed`, a mentee whose mentorship ran its course, paired with nobody new "
                                  "until they ask for another mentor (they resume). Null for their own pause, or none")
    paused_until: datetime | None = Field(
        default=None, description="Until when its person paused it themselves (UTC): it is resumed then, within five "
                                  "minutes, as their resuming it would be. Null: until they resume, or no pause of "
                                  "their own (resuming, or a pause or review of the platform's, clears it)")
    was_approved: bool | None = Field(
        default=None, description="A suspended mentor's: whether they had been approved (true: suspended) or not "
                                  "(false: their offer to mentor was declined). Null when not suspended, or unknown "
                                  "(suspended before this was kept)")
    review_reason: Literal["conduct_reported"] | None = Field(
        default=None, description="Why staff are to review the enrollment before its person is paired again: "
                                  "`conduct_reported`, the other side of a pairing ended it for a problem of conduct. "
                                  "A mentor is then back to `approval` `pending` (in the vetting queue) until "
                                  "approved again; a mentee is paused until a coordinator clears the review. Null "
                                  "when not under review")
    review_since: datetime | None = Field(
        default=None, description="When the enrollment came under review (the reported pairing's ending); null when "
                                  "not under review")

    @classmethod
    def of(cls, enrollment: Enrollment) -> EnrollmentOut:
        return cls(**vars(enrollment))


# Who may act on a person's data.

def _manages(caller: Principal, person: Person) -> bool:
    return caller.is_admin or caller.coordinates(person.chapter_id)


ENROLLMENT = handlers.no_such_enrollment  # what one who may not see an enrollment is answered


def _self_or_manager(caller: Principal, missing: Callable[[], NotFound] = handlers.no_such_person
                     ) -> handlers.Authorize:
    """The person, a coordinator of their chapter, an administrator. Anyone else is answered as for no such person
    (or enrollment): another participant, or another chapter's coordinator, is not to learn that they exist."""
    def authorize(person: Person) -> None:
        if not (caller.is_person(person.id) or _manages(caller, person)):
            raise missing()
    return authorize


def _self_or_administrator(caller: Principal) -> handlers.Authorize:
    def authorize(person: Person) -> None:
        if not (caller.is_person(person.id) or caller.is_admin):
            if not _manages(caller, person):  # not to learn that they exist: as for no such person
                raise handlers.no_such_person()
            raise forbidden("only the person, or an administrator, may erase a profile")
    return authorize


def _require_self(caller: Principal, person_id: UUID) -> None:
    if not caller.is_person(person_id):
        raise forbidden("identity attributes are read and changed by the person alone")


def _require_manager_of_chapter(caller: Principal, chapter_id: UUID | None) -> None:
    if not (caller.is_admin or caller.coordinates(chapter_id)):
        raise forbidden("only an administrator, or a coordinator of this chapter, may do this")


# Chapters

@router.post("/chapters", status_code=201, responses=answers(409))
async def define_chapter(body: ChapterIn, caller: Caller, unit: UnitOfWork) -> ChapterOut:
    """A national administrator defines a chapter, named as no other is (whatever the case and spacing:
    `chapter_name_taken`). Audited `chapter.defined`."""
    if not caller.is_admin:
        raise forbidden("only a national administrator defines chapters")
    return ChapterOut.of(await handlers.define_chapter(commands.DefineChapter(**body.model_dump()), caller, unit))


@router.get("/chapters")
async def list_chapters(_: Caller, unit: UnitOfWork) -> list[ChapterOut]:
    return [ChapterOut.of(c) for c in await handlers.list_chapters(unit)]


@router.patch("/chapters/{chapter_id}", responses=answers(409))
async def change_chapter(chapter_id: UUID, body: ChapterChange, caller: Caller, unit: UnitOfWork) -> ChapterOut:
    """Renamed as no other chapter is named (`chapter_name_taken`). Audited `chapter.changed`, with the values now
    held of the fields that changed."""
    _require_manager_of_chapter(caller, chapter_id)
    command = commands.ChangeChapter(chapter_id, body.model_dump(exclude_unset=True))
    return ChapterOut.of(await handlers.change_chapter(command, caller, unit))


# Programs

@router.post("/programs", status_code=201, responses=answers(404, 409))
async def define_program(body: ProgramIn, caller: Caller, unit: UnitOfWork) -> ProgramOut:
    """An administrator, or a coordinator for their chapter, defines a program, named as no other of the chapter is
    (national programs: as no other national one; whatever the case and spacing: `program_name_taken`). Audited
    `program.defined`."""
    _require_manager_of_chapter(caller, body.chapter_id)
    return ProgramOut.of(await handlers.define_program(commands.DefineProgram(**body.model_dump()), caller, unit))


@router.get("/programs")
async def list_programs(_: Caller, unit: UnitOfWork, chapter_id: UUID | None = None) -> list[ProgramOut]:
    return [ProgramOut.of(p) for p in await handlers.list_programs(chapter_id, unit)]


class OneProgramOut(ProgramOut):
    members_public_fixed: bool = Field(
        description="Whether anyone has ever enrolled in it or been invited to it (withdrawn, or erased since, too): "
                    "then whether other teams may see who takes part (`members_public`) stays as it is")


@router.get("/programs/{program_id}")
async def get_program(program_id: UUID, _: Caller, unit: UnitOfWork) -> OneProgramOut:
    program, taken_part = await handlers.get_program_as_kept(program_id, unit)
    return OneProgramOut(**vars(program), members_public_fixed=taken_part)


@router.patch("/programs/{program_id}", responses=answers(409))
async def change_program(program_id: UUID, body: ProgramChange, caller: Caller, unit: UnitOfWork) -> ProgramOut:
    """Renamed as no other program of its chapter is named (`program_name_taken`). Whether other teams may see who
    takes part changes only while nobody has enrolled or been invited, ever: a withdrawn enrollment, or one erased
    since, too (`members_public_fixed`). Audited
    `program.changed`, with the values now held of the fields that changed."""
    command = commands.ChangeProgram(program_id, body.model_dump(exclude_unset=True))
    program = await handlers.change_program(
        command, caller, unit, lambda program: _require_manager_of_chapter(caller, program.chapter_id)
    )
    return ProgramOut.of(program)


# People

@router.post("/people", status_code=201, responses=answers(404, 409))
async def register_person(body: PersonIn, caller: Caller, unit: UnitOfWork) -> PersonOut:
    if caller.role == CallerRole.COORDINATOR and not caller.coordinates(body.chapter_id):
        raise forbidden("a coordinator registers people of their own chapter only")
    if caller.role == CallerRole.PARTICIPANT and caller.person_id is not None:
        raise forbidden("you already have a profile")
    return PersonOut.of(await handlers.register_person(commands.RegisterPerson(**body.model_dump()), unit), caller)


@router.patch("/people/{person_id}", responses=answers(409))
async def update_person(person_id: UUID, body: PersonChange, caller: Caller, unit: UnitOfWork) -> PersonOut:
    changes = body.model_dump(exclude_unset=True)
    if "chapter_id" in changes and caller.role == CallerRole.COORDINATOR:
        raise forbidden("a person moves chapter themselves, or an administrator moves them")
    command = commands.UpdatePerson(person_id, changes, caller.person_id, by_administrator=caller.is_admin)
    person = await handlers.update_person(command, unit, _self_or_manager(caller))
    return PersonOut.of(person, caller)


@router.post("/people/{person_id}/email-change", status_code=202)
async def request_email_change(person_id: UUID, body: EmailChangeIn, caller: Caller,
                               unit: UnitOfWork) -> EmailChangeOut:
    """Ask to change the address: a link is sent to the new address, and the change takes effect once the person
    confirms it from there (`POST /v1/email-changes/confirm`). A new request replaces one pending. The answer is the
    same whether or not someone else has the address. The person alone asks."""
    command = commands.RequestEmailChange(person_id, str(body.email), datetime.now(UTC), caller.person_id)
    change = await handlers.request_email_change(command, unit)
    return EmailChangeOut(email=change.new_email, expires_at=change.expires_at)


@router.post("/email-changes/confirm")
async def confirm_email_change(body: EmailConfirmationIn, caller: Caller, unit: UnitOfWork) -> PersonOut:
    """The person confirms their new address with the token of the link sent there (once, in time). Whatever
    prevents it, the answer is `email_change_not_confirmed` and says no more."""
    command = commands.ConfirmEmailChange(body.token, caller.person_id, datetime.now(UTC))
    return PersonOut.of(await handlers.confirm_email_change(command, unit), caller)


@router.get("/people/{person_id}/as-partner")
async def partner_view(person_id: UUID, caller: Caller, unit: UnitOfWork) -> PartnerOut:
    """The person as their partner in an active pairing sees them: name, pronouns if shown to partners, bio, and
    only the identity attributes they consented to show a partner; to the person themselves, the same, to check what
    they show. To anyone else, 404, as for no such person."""
    return PartnerOut.of(await handlers.partner_view(person_id, caller.person_id, unit))


class MenteeHopesOut(BaseModel):
    goals: str | None = Field(description="What the mentee wrote they hope for, enrolling in the pairing's program "
                                          "(null: nothing)")


@router.get("/pairings/{pairing_id}/mentee-hopes")
async def mentee_hopes(pairing_id: UUID, caller: Caller, unit: UnitOfWork) -> MenteeHopesOut:
    """To the mentor of a pairing waiting for answers or active, what its mentee hopes for, so a mentor can judge the
    fit before accepting (the mentee is not named until then). To anyone else, 404, as for no such pairing."""
    return MenteeHopesOut(goals=await handlers.mentee_hopes(pairing_id, caller.person_id, unit))


@router.delete("/people/{person_id}", status_code=204, responses=answers(409))
async def erase_person(person_id: UUID, caller: Caller, unit: UnitOfWork) -> Response:
    """Erase the person here, and through `profiles.person_erased` in every other service. 409
    `cannot_erase_yourself` for staff erasing their own account as staff (a person erases their own as themself), and
    `last_administrator` for the only national administrator not suspended, whoever asks."""
    await handlers.erase_person(commands.ErasePerson(person_id), caller, unit, _self_or_administrator(caller))
    return Response(status_code=204)


@router.get("/people/{person_id}/identity")
async def get_identity(person_id: UUID, caller: Caller, unit: UnitOfWork) -> IdentityOut:
    _require_self(caller, person_id)
    return IdentityOut.of(await handlers.get_identity(person_id, unit))


@router.put("/people/{person_id}/identity")
async def declare_identity(person_id: UUID, body: IdentityIn, caller: Caller, unit: UnitOfWork) -> IdentityOut:
    """Replace your identity attributes, each with its two consents, and your requests of a mentor."""
    _require_self(caller, person_id)
    command = commands.DeclareIdentity(
        person_id,
        {name: IdentityAttribute(**a.model_dump()) for name, a in body.attributes.items()},
        [IdentityRequest(**r.model_dump()) for r in body.requests],
    )
    return IdentityOut.of(await handlers.declare_identity(command, unit))


@router.delete("/people/{person_id}/identity/{attribute}/consents/{purpose}")
async def withdraw_consent(person_id: UUID, attribute: str, purpose: Purpose, caller: Caller,
                           unit: UnitOfWork) -> IdentityOut:
    """Stop the attribute's use in matching, or its showing to a partner, at once."""
    _require_self(caller, person_id)
    command = commands.WithdrawConsent(person_id, attribute, purpose)
    return IdentityOut.of(await handlers.withdraw_consent(command, unit))


@router.get("/people/{person_id}/enrollments")
async def enrollments_of(person_id: UUID, caller: Caller, unit: UnitOfWork) -> list[EnrollmentOut]:
    return [EnrollmentOut.of(e) for e in await handlers.enrollments_of(person_id, unit, _self_or_manager(caller))]


# Enrollments

@router.post("/enrollments", status_code=201, responses=answers(404, 409))
async def enroll(body: EnrollmentIn, caller: Caller, unit: UnitOfWork) -> EnrollmentOut:
    def authorize(person: Person, program: Program) -> None:
        _self_or_manager(caller)(person)
        if caller.role == CallerRole.COORDINATOR and program.chapter_id and not caller.coordinates(program.chapter_id):
            raise forbidden("a coordinator enrolls people in national programs or their own chapter's")

    return EnrollmentOut.of(await handlers.enroll(commands.Enroll(**body.model_dump()), unit, authorize))


@router.get("/enrollments/{enrollment_id}")
async def get_enrollment(enrollment_id: UUID, caller: Caller, unit: UnitOfWork) -> EnrollmentOut:
    return EnrollmentOut.of(await handlers.get_enrollment(enrollment_id, unit, _self_or_manager(caller, ENROLLMENT)))


@router.patch("/enrollments/{enrollment_id}", responses=answers(409))
async def change_enrollment(enrollment_id: UUID, body: EnrollmentChange, caller: Caller,
                            unit: UnitOfWork) -> EnrollmentOut:
    command = commands.ChangeEnrollment(enrollment_id, body.model_dump(exclude_unset=True), datetime.now(UTC))
    return EnrollmentOut.of(await handlers.change_enrollment(command, unit, _self_or_manager(caller, ENROLLMENT)))


@router.post("/enrollments/{enrollment_id}/withdraw", responses=answers(409))
async def withdraw_enrollment(enrollment_id: UUID, caller: Caller, unit: UnitOfWork) -> EnrollmentOut:
    command = commands.WithdrawEnrollment(enrollment_id)
    return EnrollmentOut.of(await handlers.withdraw_enrollment(command, unit, _self_or_manager(caller, ENROLLMENT)))
