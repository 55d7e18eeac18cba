"""Integration events published by the profiles service."""

from typing import Annotated, Literal
from urllib.parse import urlencode
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from . import example_ids as ids
from .envelope import IntegrationEvent, private_twin, register
from .sealed import SealedEvent
from .vocabulary import PairingKind, Role, Specialty, SupportArea, TrainingStage

CHAPTERS = "profiles.chapters"
PROGRAMS = "profiles.programs"
PEOPLE = "profiles.people"
ENROLLMENTS = "profiles.enrollments"
CONTACTS = "profiles.contacts"
PRIVATE_ENROLLMENTS = "profiles.private-enrollments"
MATCHING_PROFILES = "profiles.matching-profiles"

PairingMode = Literal["on_registration", "rounds", "mentee_choice"]
ProgramFormat = Literal["one_to_one", "group"]
ApprovalState = Literal["pending", "approved", "suspended"]
Modality = Literal["in_person", "virtual"]
# The languages the platform writes to people in (emails, pages): a person's preference, or null when not given.
PreferredLanguage = Literal["en", "es"]

# The web app's page where a person confirms a new email address, with the token they were sent. The one place the
# path is defined: profiles links to it, notifications sends the link, the web app serves it. The page confirms
# only when the person acts on it (a POST to profiles' `/v1/email-changes/confirm`), never on the GET a mail
# scanner makes by following the link.
EMAIL_CONFIRMATION_PAGE = "/account/email/confirm"


def email_confirmation_path(token: str) -> str:
    """The path and query of the confirmation page for this token, to append to the web app's URL."""
    return f"{EMAIL_CONFIRMATION_PAGE}?{urlencode({'token': token})}"


# What the same field means wherever it recurs.
PersonId = Annotated[UUID, Field(description="The person's id: the key of profiles.people, and how other events name "
                                             "them (mentee_id, mentor_id, person_id)")]
PersonChapter = Annotated[UUID | None, Field(
    description="The chapter the person belongs to; null when they belong to none (they may join national programs "
                "and events only)")]
PersonStage = Annotated[TrainingStage, Field(description="The person's training stage, e.g. medical_student_2")]
IsAlumni = Annotated[bool, Field(description="Whether the person registered as an alumnus or alumna of the "
                                             "platform's programs (their own answer)")]
ProgramId = Annotated[UUID, Field(description="The program's id, as profiles.program_defined names it")]
ProgramChapter = Annotated[UUID | None, Field(
    description="The chapter that runs the program, whose members alone may join it; null for a national program, "
                "open to everyone")]
EnrollmentId = Annotated[UUID, Field(description="The enrollment's id: one person taking part in one program in one "
                                                 "role; the key of profiles.enrollments")]
EnrolledPerson = Annotated[UUID, Field(description="The enrolled person's id")]
EnrollmentRole = Annotated[Role, Field(description="mentee: seeks a mentor; mentor: offers to mentor")]
EnrollmentStage = Annotated[TrainingStage, Field(description="The enrolled person's training stage")]
MentorCapacity = Annotated[int, Field(
    description="A mentor's mentees at once (a group program's group_size applies instead); 1 for a mentee")]
StagesWelcome = Annotated[list[TrainingStage], Field(
    description="A mentor's choice of the mentee stages they will mentor; empty means every stage the program "
                "admits, and always empty for a mentee")]
Approval = Annotated[ApprovalState, Field(
    description="A mentor's vetting: pending (awaiting a coordinator, proposed no mentee), approved, or suspended; "
                "always approved for a mentee and where the program requires no approval")]
SoughtKind = Annotated[PairingKind, Field(description="The kind of pairing the mentee seeks or the mentor offers")]
EnrollmentChangedFields = Annotated[list[str], Field(
    description="Names of the fields that changed (e.g. capacity, approval, paused), never their old values")]
Paused = Annotated[bool, Field(
    description="Whether they paused: a mentor is proposed no new mentee, and a mentee to no mentor, until they "
                "resume; their places stay taken")]

# What a person's restricted events say of them (profiles.contacts, profiles.matching-profiles).
DisplayName = Annotated[str, Field(description="The name the person goes by, to address them with")]
TIMEZONE = "The person's IANA time zone (e.g. America/Chicago), to state times in"
BIO_FOR_PARTNER = "What the person wrote about themselves, for a matched partner; null when they wrote nothing"
SPECIALTIES = "The specialties the person is interested in (a mentee) or practises (a mentor)"
LANGUAGES = "The languages the person speaks, as they wrote them"
REGION = "Where the person is, in their words (at most 100 characters); null when not said"
MODALITIES = "How the person can meet: in_person, virtual, or both"
IDENTITY_REQUESTS = ("A mentee's wishes for a mentor who shares an attribute: a preference weighs in the ranking, a "
                     "requirement must be met")

# The facts of one enrollment, as its examples give them: a second-year medical student seeking a clinical mentor.
_MENTEE_ENROLLMENT: dict[str, object] = {
    "enrollment_id": ids.MENTEE_ENROLLMENT, "person_id": ids.MENTEE, "program_id": ids.PROGRAM,
    "chapter_id": ids.CHAPTER, "role": "mentee", "stage": "medical_student_2",
}
# A resident mentoring in the same program, up to two mentees at once.
_MENTOR_ENROLLMENT: dict[str, object] = {
    "enrollment_id": ids.MENTOR_ENROLLMENT, "person_id": ids.MENTOR, "program_id": ids.PROGRAM,
    "chapter_id": ids.CHAPTER,
}


class _ProfilesEvent(IntegrationEvent):
    producer: str = "profiles"


@register
class ChapterDefined(_ProfilesEvent):
    """A chapter (a school or a region) was created or renamed."""

    topic = CHAPTERS
    key_field = "chapter_id"
    event_type: Literal["profiles.chapter_defined"] = "profiles.chapter_defined"
    schema_version: Literal[1] = 1

    chapter_id: UUID = Field(description="The chapter's id")
    name: str = Field(description="The chapter's name: a school or a region")
    timezone: str = Field(default="UTC", description="The chapter's IANA time zone (e.g. America/Chicago), its "
                                                     "members' unless they choose another")

    example = {"chapter_id": ids.CHAPTER, "name": "Riverside School of Medicine", "timezone": "America/Chicago"}


@register
class ChapterDefinedV2(ChapterDefined):
    """A chapter (a school or a region) was created or renamed.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class ProgramDefined(_ProfilesEvent):
    """A program was created or its rules changed; the whole definition travels each time."""

    topic = PROGRAMS
    key_field = "program_id"
    event_type: Literal["profiles.program_defined"] = "profiles.program_defined"
    schema_version: Literal[1] = 1

    program_id: UUID = Field(description="The program's id")
    chapter_id: UUID | None = Field(
        description="The chapter that runs the program, whose members alone may join it; null for a national "
                    "program, open to everyone")
    name: str = Field(description="The program's name")
    mentee_stages: list[TrainingStage] = Field(description="The training stages that may enroll as mentees")
    mentor_stages: list[TrainingStage] = Field(description="The training stages that may enroll as mentors")
    term_months: int = Field(default=12, description="How long a mentorship lasts from its confirmation, in months "
                                                     "(1 to 60), before it is renewed or completed")
    cadence_min_days: int = Field(default=30, description="The fewest days the program asks between a pair's "
                                                          "meetings (1 to 365)")
    cadence_max_days: int = Field(
        default=60, description="The most days between a pair's meetings (1 to 365): an active pairing with no "
                                "meeting logged for longer is overdue (matching.meeting_overdue)")
    format: ProgramFormat = Field(
        default="one_to_one", description="one_to_one: a mentor and a mentee; group: a mentor with a group of mentees")
    group_size: int | None = Field(
        default=None, description="A group program's mentees per mentor (2 to 50), in place of each mentor's "
                                  "capacity; null for one_to_one")
    pairing_mode: PairingMode = Field(
        default="on_registration",
        description="How pairs form: on_registration, automatically as people enroll; rounds, in matching rounds "
                    "coordinators run and review; mentee_choice, each mentee asks a mentor from suggestions")
    both_must_accept: bool = Field(
        default=False, description="True: a proposal is confirmed only once mentee and mentor both accept it; "
                                   "false: pairs made on enrollment are confirmed at once, others once their mentee "
                                   "accepts (a mentor's acceptance alone confirms nothing)")
    pair_cap: int | None = Field(
        default=None, description="The most pairings the program holds at once, proposed or active (1 to 100,000); "
                                  "null for no cap")
    mentor_approval_required: bool = Field(
        default=False, description="Whether a coordinator must approve each mentor (profiles.mentor_approved) "
                                   "before they are proposed mentees")
    minimum_score: int = Field(
        default=0, description="The lowest fit a mentor and a mentee may be paired at, on the 0 to 100 scale of a "
                               "pairing's score; 0 admits any fit")

    example = {
        "program_id": ids.PROGRAM, "chapter_id": ids.CHAPTER, "name": "Clinical Mentorship 2027",
        "mentee_stages": ["medical_student_1", "medical_student_2"], "mentor_stages": ["resident", "fellow"],
        "term_months": 12, "cadence_min_days": 14, "cadence_max_days": 45, "format": "one_to_one", "group_size": None,
        "pairing_mode": "on_registration", "both_must_accept": True, "pair_cap": 200,
        "mentor_approval_required": True, "minimum_score": 40,
    }


@register
class ProgramDefinedV2(ProgramDefined):
    """Version 2 adds the kinds of pairing the program offers. Published instead of version 1 since
    2026-11; consumers apply both (a version-1 program offers `general` only). No longer published itself: profiles
    publishes version 5 instead, since 2026-12-05 (the package README, "Produced now")."""

    schema_version: Literal[2] = 2

    pairing_kinds: list[PairingKind] = Field(
        default_factory=lambda: [PairingKind.GENERAL], min_length=1,
        description="The kinds of pairing the program offers; a mentee may hold one pairing of each kind at once")

    example = {**ProgramDefined.example, "pairing_kinds": ["clinical", "research"]}


@register
class ProgramDefinedV3(ProgramDefinedV2):
    """A program was created or its rules changed; the whole definition travels each time.

    Version 3: version 2 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[3] = 3


@register
class ProgramDefinedV4(ProgramDefinedV3):
    """A program was created or its rules changed; the whole definition travels each time.

    Version 4 adds how long a proposal or a request may wait for an answer in the program before it lapses
    (`answer_within_days`; null: the platform's default, 14 days unless its matching service is set otherwise)."""

    schema_version: Literal[4] = 4

    answer_within_days: int | None = Field(
        default=None, ge=1, le=365,
        description="Days a proposal or a mentee's request may wait for an answer before it lapses; null for the "
                    "platform's default")

    example = {**ProgramDefinedV3.example, "answer_within_days": 10}


@register
class ProgramDefinedV5(ProgramDefinedV4):
    """A program was created or its rules changed; the whole definition travels each time.

    Version 5 adds `members_public`: whether other teams may see who takes part. False (the default, and every
    program defined before 2026-12-05): its enrollments, invitations, pairings and waitlist places go to our own
    services alone, as private twins on restricted topics; taking part in an LGBTQ+ or another affinity program says
    something about someone that is theirs to tell. A program's coordinators may change it only while nobody has
    enrolled."""

    schema_version: Literal[5] = 5

    members_public: bool = Field(
        default=False,
        description="Whether its enrollments, pairings and waitlist go on the public topics; otherwise only their "
                    "private twins, on restricted ones")

    example = {**ProgramDefinedV4.example, "members_public": True}


@register
class PersonRegistered(_ProfilesEvent):
    """A person signed up: their training stage and chapter, never who they are (no name, no contact, no
    identity attribute)."""

    topic = PEOPLE
    key_field = "person_id"
    event_type: Literal["profiles.person_registered"] = "profiles.person_registered"
    schema_version: Literal[1] = 1

    person_id: PersonId
    chapter_id: PersonChapter
    stage: PersonStage
    is_alumni: IsAlumni = False

    example = {"person_id": ids.MENTEE, "chapter_id": ids.CHAPTER, "stage": "medical_student_2", "is_alumni": False}


@register
class PersonRegisteredV2(PersonRegistered):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class PersonUpdated(_ProfilesEvent):
    """A person changed their stage, chapter or alumni status; `changed_fields` names which."""

    topic = PEOPLE
    key_field = "person_id"
    event_type: Literal["profiles.person_updated"] = "profiles.person_updated"
    schema_version: Literal[1] = 1

    person_id: PersonId
    chapter_id: PersonChapter
    stage: PersonStage
    is_alumni: IsAlumni = False
    changed_fields: list[str] = Field(
        default_factory=list, description="Names of the public fields that changed (stage, chapter_id, is_alumni), "
                                          "never their old values")

    example = {"person_id": ids.MENTEE, "chapter_id": ids.CHAPTER, "stage": "medical_student_3", "is_alumni": False,
               "changed_fields": ["stage"]}


@register
class PersonUpdatedV2(PersonUpdated):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class PersonErased(_ProfilesEvent):
    """The person asked to be forgotten: every service deletes what it holds about them."""

    topic = PEOPLE
    key_field = "person_id"
    event_type: Literal["profiles.person_erased"] = "profiles.person_erased"
    schema_version: Literal[1] = 1

    person_id: UUID = Field(description="The erased person's id: delete all you hold of them, and keep the id alone "
                                        "to drop what still arrives about them")

    example = {"person_id": ids.MENTEE}


@register
class PersonErasedV2(PersonErased):
    """The person asked to be forgotten: every service deletes what it holds about them.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class EnrollmentCreated(_ProfilesEvent):
    """A person joined a program as a mentee or a mentor (a mentor's enrollment may await approval)."""

    topic = ENROLLMENTS
    key_field = "enrollment_id"
    event_type: Literal["profiles.enrollment_created"] = "profiles.enrollment_created"
    schema_version: Literal[1] = 1

    enrollment_id: EnrollmentId
    person_id: EnrolledPerson
    program_id: ProgramId
    chapter_id: ProgramChapter
    role: EnrollmentRole
    stage: EnrollmentStage
    capacity: MentorCapacity = 1
    mentee_stages_welcome: StagesWelcome = Field(default_factory=list)
    approval: Approval = "approved"

    example = {**_MENTEE_ENROLLMENT, "capacity": 1, "mentee_stages_welcome": [], "approval": "approved"}


@register
class EnrollmentChanged(_ProfilesEvent):
    """An enrollment's settings changed (a mentor's number of mentees, the stages they welcome, its approval);
    `changed_fields` names which."""

    topic = ENROLLMENTS
    key_field = "enrollment_id"
    event_type: Literal["profiles.enrollment_changed"] = "profiles.enrollment_changed"
    schema_version: Literal[1] = 1

    enrollment_id: EnrollmentId
    person_id: EnrolledPerson
    program_id: ProgramId
    chapter_id: ProgramChapter
    role: EnrollmentRole
    stage: EnrollmentStage
    capacity: MentorCapacity = 1
    mentee_stages_welcome: StagesWelcome = Field(default_factory=list)
    approval: Approval = "approved"
    changed_fields: EnrollmentChangedFields = Field(default_factory=list)

    example = {**_MENTOR_ENROLLMENT, "role": "mentor", "stage": "resident", "capacity": 2,
               "mentee_stages_welcome": ["medical_student_2"], "approval": "approved", "changed_fields": ["capacity"]}


@register
class EnrollmentCreatedV2(EnrollmentCreated):
    """Version 2 adds the kind of pairing sought (a mentee) or offered (a mentor); version 1 means `general`."""

    schema_version: Literal[2] = 2

    pairing_kind: SoughtKind = PairingKind.GENERAL

    example = {**EnrollmentCreated.example, "pairing_kind": "clinical"}


@register
class EnrollmentCreatedV3(EnrollmentCreatedV2):
    """An enrollment in a program, as a mentee seeking or a mentor offering one kind of pairing.

    Version 3: version 2 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[3] = 3


@register
class EnrollmentChangedV2(EnrollmentChanged):
    """Version 2 adds the kind of pairing sought or offered; version 1 means `general`."""

    schema_version: Literal[2] = 2

    pairing_kind: SoughtKind = PairingKind.GENERAL

    example = {**EnrollmentChanged.example, "pairing_kind": "clinical"}


@register
class EnrollmentChangedV3(EnrollmentChangedV2):
    """An enrollment changed; `changed_fields` names what.

    Version 3: version 2 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[3] = 3


@register
class EnrollmentWithdrawn(_ProfilesEvent):
    """A person left a program: their enrollment in it is over."""

    topic = ENROLLMENTS
    key_field = "enrollment_id"
    event_type: Literal["profiles.enrollment_withdrawn"] = "profiles.enrollment_withdrawn"
    schema_version: Literal[1] = 1

    enrollment_id: EnrollmentId
    person_id: EnrolledPerson
    program_id: ProgramId
    chapter_id: ProgramChapter
    role: EnrollmentRole

    example = {name: _MENTEE_ENROLLMENT[name] for name in ("enrollment_id", "person_id", "program_id", "chapter_id",
                                                           "role")}


@register
class EnrollmentWithdrawnV2(EnrollmentWithdrawn):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class MentorApproved(_ProfilesEvent):
    """A coordinator approved a mentor in a program that reviews its mentors: they may now be proposed to
    mentees."""

    topic = ENROLLMENTS
    key_field = "enrollment_id"
    event_type: Literal["profiles.mentor_approved"] = "profiles.mentor_approved"
    schema_version: Literal[1] = 1

    enrollment_id: EnrollmentId
    person_id: Annotated[UUID, Field(description="The mentor's id")]
    program_id: ProgramId
    chapter_id: ProgramChapter

    example = _MENTOR_ENROLLMENT


@register
class MentorApprovedV2(MentorApproved):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class MentorSuspended(_ProfilesEvent):
    """A coordinator suspended (or declined) a mentor in a program: they are proposed to nobody there until
    approved again."""

    topic = ENROLLMENTS
    key_field = "enrollment_id"
    event_type: Literal["profiles.mentor_suspended"] = "profiles.mentor_suspended"
    schema_version: Literal[1] = 1

    enrollment_id: EnrollmentId
    person_id: Annotated[UUID, Field(description="The mentor's id")]
    program_id: ProgramId
    chapter_id: ProgramChapter

    example = _MENTOR_ENROLLMENT


@register
class MentorSuspendedV2(MentorSuspended):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class MentorSuspendedV3(MentorSuspendedV2):
    """A coordinator suspended a mentor's enrollment: they are proposed no mentee in that program until approved again.

    Version 3 adds `was_approved`: false when they had never been approved there (their offer to mentor was
    declined), true when approved before (what `mentor_approved` said already)."""

    schema_version: Literal[3] = 3

    was_approved: bool = Field(description="True when the mentor had been approved in the program before; false "
                                           "when never (their offer to mentor was declined)")

    example = {**MentorSuspendedV2.example, "was_approved": True}


@register
class ContactDetailsChanged(_ProfilesEvent):
    """Restricted: how to reach a person, and what they agreed to show a matched partner."""

    topic = CONTACTS
    key_field = "person_id"
    event_type: Literal["profiles.contact_details_changed"] = "profiles.contact_details_changed"
    schema_version: Literal[1] = 1

    person_id: PersonId
    chapter_id: PersonChapter
    display_name: DisplayName
    email: str = Field(description="The address the person is written to")
    timezone: str = Field(default="UTC", description=TIMEZONE)
    pronouns_for_partner: str | None = Field(default=None, description="Only when the person chose to show them")
    bio_for_partner: str | None = Field(default=None, description=BIO_FOR_PARTNER)
    identity_for_partner: dict[str, str] = Field(default_factory=dict, description="Only attributes consented for showing to a partner")


@register
class ContactDetailsChangedV2(ContactDetailsChanged):
    """Restricted: how to reach a person, and what they agreed to show a matched partner.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class ContactDetailsChangedV3(ContactDetailsChangedV2):
    """Restricted: how to reach a person, and what they agreed to show a matched partner.

    Version 3 adds the language the person prefers to be written to in (null: they have not said)."""

    closed_schema = True
    schema_version: Literal[3] = 3

    preferred_language: PreferredLanguage | None = Field(
        default=None, description="`en` or `es`: the language of the emails they receive; null when not said")


@register
class EmailChangeRequested(_ProfilesEvent):
    """Restricted: a person asked to change their email address to `new_email`, which takes effect only once
    confirmed from it. Send `new_email` (and no other address) an email with the link: the web app's URL followed
    by `confirmation_path`. The link is a secret good once, until `expires_at`: keep it out of logs, the inbox and
    any store. A later request replaces an earlier one (its link stops working). Once confirmed, a
    `contact_details_changed` carries the new address."""

    topic = CONTACTS
    key_field = "person_id"
    closed_schema = True
    event_type: Literal["profiles.email_change_requested"] = "profiles.email_change_requested"
    schema_version: Literal[1] = 1

    person_id: PersonId
    chapter_id: PersonChapter
    display_name: DisplayName
    new_email: str = Field(description="The address to confirm: the only one the email goes to")
    confirmation_path: str = Field(
        description=f"Path and query of the web app's confirmation page ({EMAIL_CONFIRMATION_PAGE}?token=...), "
                    "to append to the web app's URL")
    expires_at: AwareDatetime = Field(description="When the link stops working")
    timezone: str = Field(default="UTC", description="The person's time zone, to state `expires_at` in")
    preferred_language: PreferredLanguage | None = Field(
        default=None, description="`en` or `es`: the language to write in; null when not said")


class IdentityRequest(BaseModel):
    """A mentee's wish for a mentor who shares one of their attributes."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    attribute: str = Field(description="The identity attribute the mentor should share (its name)")
    strength: Literal["preference", "requirement"] = Field(
        description="preference: it counts in the ranking; requirement: the mentee waits for a mentor who shares it")


@register
class MatchingProfileChanged(_ProfilesEvent):
    """Restricted to matching: what the pairing engine may use, consented identity data included."""

    topic = MATCHING_PROFILES
    key_field = "person_id"
    event_type: Literal["profiles.matching_profile_changed"] = "profiles.matching_profile_changed"
    schema_version: Literal[1] = 1

    person_id: PersonId
    chapter_id: PersonChapter
    stage: PersonStage
    specialties: list[Specialty] = Field(default_factory=list, description=SPECIALTIES)
    support_areas: list[SupportArea] = Field(default_factory=list, description="Wanted as a mentee, offered as a mentor")
    languages: list[str] = Field(default_factory=list, description=LANGUAGES)
    timezone: str = Field(default="UTC", description=TIMEZONE)
    region: str | None = Field(default=None, description=REGION)
    modalities: list[Modality] = Field(default_factory=lambda: list[Modality](["virtual"]), description=MODALITIES)
    identity_for_matching: dict[str, str] = Field(default_factory=dict, description="Only attributes consented for use in matching")
    identity_requests: list[IdentityRequest] = Field(default_factory=list, description=IDENTITY_REQUESTS)


@register
class MatchingProfileChangedV2(MatchingProfileChanged):
    """Restricted to matching: what the pairing engine may use, consented identity data included.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class ConsentChanged(_ProfilesEvent):
    """Restricted to matching: consent to use an identity attribute in matching was given or withdrawn.

    A withdrawal takes effect at once: matching forgets the attribute. The attribute's value never travels here.
    """

    topic = MATCHING_PROFILES
    key_field = "person_id"
    event_type: Literal["profiles.consent_changed"] = "profiles.consent_changed"
    schema_version: Literal[1] = 1

    person_id: PersonId
    attribute: str = Field(description="The identity attribute the consent is about (its name, never its value)")
    purpose: Literal["matching", "partner"] = Field(
        description="matching: to use it in matching; partner: to show it to a matched partner")
    granted: bool = Field(description="True: consent given; false: withdrawn, which takes effect at once")


@register
class ConsentChangedV2(ConsentChanged):
    """Restricted to matching: consent to use an identity attribute in matching was given or withdrawn.

    A withdrawal takes effect at once: matching forgets the attribute. The attribute's value never travels here.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class EnrollmentChangedV4(EnrollmentChangedV3):
    """An enrollment changed; `changed_fields` names what.

    Version 4 adds `paused`: a mentor who paused takes no new mentee in this enrollment, and a mentee who paused is
    proposed to no mentor, until they resume (their places are not free meanwhile). Version 3 and before mean not
    paused."""

    closed_schema = True
    schema_version: Literal[4] = 4

    paused: Paused = False
    changed_fields: list[str] = Field(
        default_factory=list,
        description="Names of what changed, never their old values: fields of this event (capacity, approval, "
                    "paused, ...), and some it does not carry: goals (a mentee's, kept from other teams), "
                    "paused_because (why a paused enrollment is paused) and review_reason (held for, or released from, "
                    "a coordinator's review). Skip a name you do not know.")

    example = {**EnrollmentChangedV3.example, "changed_fields": ["paused"], "paused": True}


@register
class StaffRolesChanged(_ProfilesEvent):
    """A person's staff roles (national administrator, coordinator of chapters) were granted or revoked. This version
    does not say which: the platform's own web app, which keeps them in its sessions, reads them again from profiles
    (an API other teams cannot call). Version 2 says which role, whether granted or revoked, and of which chapter."""

    closed_schema = True
    topic = PEOPLE
    key_field = "person_id"
    event_type: Literal["profiles.staff_roles_changed"] = "profiles.staff_roles_changed"
    schema_version: Literal[1] = 1

    person_id: Annotated[UUID, Field(description="The id of the person whose staff roles changed")]

    example = {"person_id": ids.MENTOR}


@register
class StaffRolesChangedV2(StaffRolesChanged):
    """A person's staff roles were granted or revoked (the platform's own web app, which keeps them in its sessions,
    reads them again from profiles, through an API other teams cannot call).

    Version 2 says which change it was, one role at a time, so that the person is told (notifications): being made a
    chapter's coordinator opens the console to them, and a staff role taken away is a change to their account they
    should hear of."""

    schema_version: Literal[2] = 2

    role: Literal["administrator", "coordinator"] = Field(
        description="A national administrator, or a coordinator of `chapter_id`")
    granted: bool = Field(description="True: the role was granted just now; false: revoked")
    chapter_id: UUID | None = Field(description="The chapter they coordinate, or no longer do; null for administrator")

    example = {"person_id": ids.MENTOR, "role": "coordinator", "granted": True, "chapter_id": ids.CHAPTER}


@register
class PersonSuspended(_ProfilesEvent):
    """A coordinator or an administrator suspended the person's account: they are proposed to nobody and may not
    sign in until reinstated."""

    closed_schema = True
    topic = PEOPLE
    key_field = "person_id"
    event_type: Literal["profiles.person_suspended"] = "profiles.person_suspended"
    schema_version: Literal[1] = 1

    person_id: Annotated[UUID, Field(description="The id of the person suspended")]

    example = {"person_id": ids.MENTOR}


@register
class PersonReinstated(_ProfilesEvent):
    """The person's account, suspended, is theirs again."""

    closed_schema = True
    topic = PEOPLE
    key_field = "person_id"
    event_type: Literal["profiles.person_reinstated"] = "profiles.person_reinstated"
    schema_version: Literal[1] = 1

    person_id: Annotated[UUID, Field(description="The id of the person reinstated")]

    example = {"person_id": ids.MENTOR}


@register
class ReviewAsked(_ProfilesEvent):
    """Restricted: a member of staff is asked to look into an enrollment waiting on staff in a program they run:
    someone reported for a problem of conduct by the other side of their mentorship (a mentee is paused until a
    coordinator resumes them; a mentor goes back to vetting), or a mentor who joined a program that vets its mentors
    and waits to be approved. One event to each coordinator of the chapter that runs the program, or, for a national
    program or a chapter with none, to each national administrator; never to the one it is about.

    It names nobody else: it travels to the staff member's mailbox, and the console, behind their sign-in, shows
    whom."""

    closed_schema = True
    topic = CONTACTS
    key_field = "person_id"
    event_type: Literal["profiles.review_asked"] = "profiles.review_asked"
    schema_version: Literal[1] = 1

    person_id: Annotated[UUID, Field(description="The id of the member of staff asked to look into it")]
    program_id: ProgramId
    chapter_id: ProgramChapter
    role: Annotated[Role, Field(description="The role of the one it is about in the program: a mentee (paused) or a "
                                            "mentor (in the vetting queue)")]
    review_reason: Literal["conduct_reported", "approval_awaited"] = Field(
        description="Why: `conduct_reported`, the other side of a pairing ended it for a problem of conduct; "
                    "`approval_awaited`, a mentor joined the program and waits to be approved: asked as they join, "
                    "and again once a week while one has waited three days or more (a coordinator may be told of "
                    "those once a day at most)")

    example = {"person_id": ids.MENTOR, "program_id": ids.PROGRAM, "chapter_id": ids.CHAPTER, "role": "mentee",
               "review_reason": "conduct_reported"}


# Restated: what profiles holds now, not something that happened. An operator restates a topic
# (`python -m profiles restate people|enrollments|contacts|matching-profiles`) for a consumer whose read model lacks
# history the topic no longer keeps: one built after the topic's retention, or restored from an older backup. A
# consumer that kept up may ignore them; one that applies them overwrites what it holds with them.


@register
class PersonRestated(_ProfilesEvent):
    """A person as profiles holds them now: the public facts of `profiles.person_registered` and whether their account
    is suspended. Nothing happened to them: the platform's operator restates people for consumers whose read model
    lacks history the topic no longer keeps (one built after its retention, or restored from an older backup). A
    consumer that kept up may ignore it; one that applies it overwrites what it holds of the person with it. Erased
    people are not restated: they are gone."""

    closed_schema = True
    topic = PEOPLE
    key_field = "person_id"
    event_type: Literal["profiles.person_restated"] = "profiles.person_restated"
    schema_version: Literal[1] = 1

    person_id: PersonId
    chapter_id: PersonChapter
    stage: PersonStage
    is_alumni: IsAlumni
    suspended: bool = Field(description="Whether their account is suspended now (as profiles.person_suspended said): "
                                        "propose nothing to them")

    example = {**PersonRegistered.example, "suspended": False}


@register
class EnrollmentRestated(_ProfilesEvent):
    """An enrollment as profiles holds it now: the facts of `profiles.enrollment_changed` (version 4), and whether it
    is still active (`false`: withdrawn). Nothing happened to it: the platform's operator restates enrollments for
    consumers whose read model lacks history the topic no longer keeps (one built after its retention, or restored
    from an older backup). A consumer that kept up may ignore it; one that applies it overwrites what it holds of the
    enrollment with it."""

    closed_schema = True
    topic = ENROLLMENTS
    key_field = "enrollment_id"
    event_type: Literal["profiles.enrollment_restated"] = "profiles.enrollment_restated"
    schema_version: Literal[1] = 1

    enrollment_id: EnrollmentId
    person_id: EnrolledPerson
    program_id: ProgramId
    chapter_id: ProgramChapter
    role: EnrollmentRole
    stage: EnrollmentStage
    capacity: MentorCapacity
    mentee_stages_welcome: StagesWelcome
    approval: Approval
    pairing_kind: SoughtKind
    paused: Paused
    active: bool = Field(description="False once the enrollment was withdrawn (as profiles.enrollment_withdrawn said)")

    example = {**EnrollmentCreatedV2.example, "paused": False, "active": True}


@register
class EnrollmentRestatedV2(EnrollmentRestated):
    """An enrollment as profiles holds it now, and since when: a restatement, for consumers whose read model lacks
    history the topic no longer keeps (nothing happened to it; one that kept up may ignore it).

    Version 2 adds `enrolled_at`: a restatement's own time is not when the person enrolled, so a read model that
    learns of the enrollment from it places them by this (a mentee waits from then, before those who enrolled later,
    as they would have). Enrollments made before 2026-12-04 say that day, when profiles began to keep it."""

    schema_version: Literal[2] = 2

    enrolled_at: AwareDatetime = Field(description="When the person enrolled")

    example = {**EnrollmentRestated.example, "enrolled_at": "2026-09-14T16:05:12Z"}


@register
class ContactDetailsRestated(_ProfilesEvent):
    """Restricted: how to reach a person, and what they agreed to show a matched partner, as profiles holds it now
    (the facts of `profiles.contact_details_changed` version 3). Nothing happened to them: a restatement, for a
    consumer whose read model lacks history the topic no longer keeps (one that kept up may ignore it). Published
    sealed: version 2."""

    closed_schema = True
    topic = CONTACTS
    key_field = "person_id"
    event_type: Literal["profiles.contact_details_restated"] = "profiles.contact_details_restated"
    schema_version: Literal[1] = 1

    person_id: PersonId
    chapter_id: PersonChapter
    display_name: DisplayName
    email: str = Field(description="The address the person is written to")
    timezone: str = Field(description=TIMEZONE)
    pronouns_for_partner: str | None = Field(description="Only when the person chose to show them")
    bio_for_partner: str | None = Field(description=BIO_FOR_PARTNER)
    identity_for_partner: dict[str, str] = Field(description="Only attributes consented for showing to a partner")
    preferred_language: PreferredLanguage | None = Field(
        description="`en` or `es`: the language of the emails they receive; null when not said")


@register
class MatchingProfileRestated(_ProfilesEvent):
    """Restricted to matching: a person's matching profile as profiles holds it now (the facts of
    `profiles.matching_profile_changed`), and the identity attributes they agreed to show a matched partner (names
    only: the value of each travels in `identity_for_matching` if, and only if, it may be used in matching). Nothing
    happened to them: a restatement, for a consumer whose read model lacks history the topic no longer keeps (one
    that kept up may ignore it). Published sealed: version 2."""

    closed_schema = True
    topic = MATCHING_PROFILES
    key_field = "person_id"
    event_type: Literal["profiles.matching_profile_restated"] = "profiles.matching_profile_restated"
    schema_version: Literal[1] = 1

    person_id: PersonId
    chapter_id: PersonChapter
    stage: PersonStage
    specialties: list[Specialty] = Field(description=SPECIALTIES)
    support_areas: list[SupportArea] = Field(description="Wanted as a mentee, offered as a mentor")
    languages: list[str] = Field(description=LANGUAGES)
    timezone: str = Field(description=TIMEZONE)
    region: str | None = Field(description=REGION)
    modalities: list[Modality] = Field(description=MODALITIES)
    identity_for_matching: dict[str, str] = Field(description="Only attributes consented for use in matching")
    identity_requests: list[IdentityRequest] = Field(description=IDENTITY_REQUESTS)
    shown_to_partner: list[str] = Field(description="The identity attributes a matched partner may see")


@register
class PersonInvited(_ProfilesEvent):
    """A coordinator invited the person to join a program in a role (once per person, program and role); the web
    app sends the invitation email. Ids only: how to reach them travels on `profiles.contacts`."""

    closed_schema = True
    topic = PEOPLE
    key_field = "person_id"
    event_type: Literal["profiles.person_invited"] = "profiles.person_invited"
    schema_version: Literal[1] = 1

    invitation_id: UUID = Field(description="The invitation's id: one per person, program and role")
    person_id: Annotated[UUID, Field(description="The invited person's id")]
    program_id: ProgramId
    chapter_id: ProgramChapter
    role: Annotated[Role, Field(description="The role they are invited to take: mentee or mentor")]

    example = {"invitation_id": ids.INVITATION, "person_id": ids.MENTOR, "program_id": ids.PROGRAM,
               "chapter_id": ids.CHAPTER, "role": "mentor"}


# Enrollments and invitations in a program that keeps who takes part from other teams (`members_public` false in
# `program_defined` v5, the default): each goes, instead of its public version, as its private twin with the same
# fields: an enrollment's on the restricted `profiles.private-enrollments` (keyed by enrollment too), an
# invitation's on `profiles.contacts` (keyed by person too).
PrivateEnrollmentCreated = private_twin(EnrollmentCreatedV3, PRIVATE_ENROLLMENTS, 1)
PrivateEnrollmentChanged = private_twin(EnrollmentChangedV4, PRIVATE_ENROLLMENTS, 1)
PrivateEnrollmentWithdrawn = private_twin(EnrollmentWithdrawnV2, PRIVATE_ENROLLMENTS, 1)
PrivateMentorApproved = private_twin(MentorApprovedV2, PRIVATE_ENROLLMENTS, 1)
PrivateMentorSuspended = private_twin(MentorSuspendedV3, PRIVATE_ENROLLMENTS, 1)
PrivateEnrollmentRestated = private_twin(EnrollmentRestatedV2, PRIVATE_ENROLLMENTS, 1)
PrivatePersonInvited = private_twin(PersonInvited, CONTACTS, 1)


# Sealed versions (see `sealed.py`): the personal fields travel encrypted under the person's data key, which their
# erasure destroys. Producers publish these instead of the clear versions; consumers open them into the clear ones.


@register
class ContactDetailsChangedV4(_ProfilesEvent, SealedEvent):
    """Restricted: how to reach a person, and what they agreed to show a matched partner.

    Version 4: version 3 with its personal fields (name, email, time zone, what a partner sees, language) sealed
    under the person's data key; it opens into version 3."""

    clear_model = ContactDetailsChangedV3
    closed_schema = True
    topic = CONTACTS
    key_field = "person_id"
    event_type: Literal["profiles.contact_details_changed"] = "profiles.contact_details_changed"
    schema_version: Literal[4] = 4

    chapter_id: PersonChapter


@register
class EmailChangeRequestedV2(_ProfilesEvent, SealedEvent):
    """Restricted: a person asked to change their email address (see version 1).

    Version 2: version 1 with its personal fields (name, new address, the confirmation link, time zone, language)
    sealed under the person's data key; it opens into version 1."""

    clear_model = EmailChangeRequested
    closed_schema = True
    topic = CONTACTS
    key_field = "person_id"
    event_type: Literal["profiles.email_change_requested"] = "profiles.email_change_requested"
    schema_version: Literal[2] = 2

    chapter_id: PersonChapter
    expires_at: AwareDatetime = Field(description="When the link stops working")


@register
class ConsentChangedV3(_ProfilesEvent, SealedEvent):
    """Restricted to matching: consent to use an identity attribute in matching, or to show it to a partner, was
    given or withdrawn.

    Version 3: version 2 with which attribute, for which purpose and which way sealed under the person's data key
    (no value ever travels here, but that a person recorded, say, a sexual orientation is theirs too, and unreadable
    once they are erased); it opens into version 2."""

    clear_model = ConsentChangedV2
    closed_schema = True
    topic = MATCHING_PROFILES
    key_field = "person_id"
    event_type: Literal["profiles.consent_changed"] = "profiles.consent_changed"
    schema_version: Literal[3] = 3


@register
class MatchingProfileChangedV3(_ProfilesEvent, SealedEvent):
    """Restricted to matching: what the pairing engine may use, consented identity data included.

    Version 3: version 2 with everything that describes the person (specialties, support areas, languages, time
    zone, region, modalities, identity for matching and requests) sealed under the person's data key; it opens
    into version 2."""

    clear_model = MatchingProfileChangedV2
    closed_schema = True
    topic = MATCHING_PROFILES
    key_field = "person_id"
    event_type: Literal["profiles.matching_profile_changed"] = "profiles.matching_profile_changed"
    schema_version: Literal[3] = 3

    chapter_id: PersonChapter
    stage: PersonStage


@register
class MatchingProfileRestatedV2(_ProfilesEvent, SealedEvent):
    """Restricted to matching: a person's matching profile as profiles holds it now.

    Version 2: version 1 with everything that describes the person sealed under the person's data key (as version 3
    of `profiles.matching_profile_changed`); it opens into version 1."""

    clear_model = MatchingProfileRestated
    closed_schema = True
    topic = MATCHING_PROFILES
    key_field = "person_id"
    event_type: Literal["profiles.matching_profile_restated"] = "profiles.matching_profile_restated"
    schema_version: Literal[2] = 2

    chapter_id: PersonChapter
    stage: PersonStage


@register
class ContactDetailsRestatedV2(_ProfilesEvent, SealedEvent):
    """Restricted: how to reach a person, as profiles holds it now.

    Version 2: version 1 with its personal fields sealed under the person's data key (as version 4 of
    `profiles.contact_details_changed`); it opens into version 1."""

    clear_model = ContactDetailsRestated
    closed_schema = True
    topic = CONTACTS
    key_field = "person_id"
    event_type: Literal["profiles.contact_details_restated"] = "profiles.contact_details_restated"
    schema_version: Literal[2] = 2

    chapter_id: PersonChapter
