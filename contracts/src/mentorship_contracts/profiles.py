"""Integration events published by the profiles service."""

from typing import Literal
from urllib.parse import urlencode
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

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


class _ProfilesEvent(IntegrationEvent):
    producer: str = "profiles"


@register
class ChapterDefined(_ProfilesEvent):
    """A chapter (a school or a region) was created or renamed."""

    topic = CHAPTERS
    key_field = "chapter_id"
    event_type: Literal["profiles.chapter_defined"] = "profiles.chapter_defined"
    schema_version: Literal[1] = 1

    chapter_id: UUID
    name: str
    timezone: str = "UTC"


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

    program_id: UUID
    chapter_id: UUID | None = Field(description="None for a national program")
    name: str
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


@register
class ProgramDefinedV2(ProgramDefined):
    """Version 2 adds the kinds of pairing the program offers. Published instead of version 1 since
    2026-11; consumers apply both (a version-1 program offers `general` only)."""

    schema_version: Literal[2] = 2

    pairing_kinds: list[PairingKind] = Field(
        default_factory=lambda: [PairingKind.GENERAL], min_length=1,
        description="A mentee may hold one pairing of each kind at once")


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


@register
class PersonRegistered(_ProfilesEvent):
    topic = PEOPLE
    key_field = "person_id"
    event_type: Literal["profiles.person_registered"] = "profiles.person_registered"
    schema_version: Literal[1] = 1

    person_id: UUID
    chapter_id: UUID | None
    stage: TrainingStage
    is_alumni: bool = False


@register
class PersonRegisteredV2(PersonRegistered):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class PersonUpdated(_ProfilesEvent):
    topic = PEOPLE
    key_field = "person_id"
    event_type: Literal["profiles.person_updated"] = "profiles.person_updated"
    schema_version: Literal[1] = 1

    person_id: UUID
    chapter_id: UUID | None
    stage: TrainingStage
    is_alumni: bool = False
    changed_fields: list[str] = Field(default_factory=list, description="Names of what changed, never values")


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

    person_id: UUID


@register
class PersonErasedV2(PersonErased):
    """The person asked to be forgotten: every service deletes what it holds about them.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class EnrollmentCreated(_ProfilesEvent):
    topic = ENROLLMENTS
    key_field = "enrollment_id"
    event_type: Literal["profiles.enrollment_created"] = "profiles.enrollment_created"
    schema_version: Literal[1] = 1

    enrollment_id: UUID
    person_id: UUID
    program_id: UUID
    chapter_id: UUID | None
    role: Role
    stage: TrainingStage
    capacity: int = Field(default=1, description="Mentees at once, for a mentor")
    mentee_stages_welcome: list[TrainingStage] = Field(default_factory=list, description="Mentor: stages willing to mentor; empty means any eligible")
    approval: ApprovalState = "approved"


@register
class EnrollmentChanged(_ProfilesEvent):
    topic = ENROLLMENTS
    key_field = "enrollment_id"
    event_type: Literal["profiles.enrollment_changed"] = "profiles.enrollment_changed"
    schema_version: Literal[1] = 1

    enrollment_id: UUID
    person_id: UUID
    program_id: UUID
    chapter_id: UUID | None
    role: Role
    stage: TrainingStage
    capacity: int = 1
    mentee_stages_welcome: list[TrainingStage] = Field(default_factory=list)
    approval: ApprovalState = "approved"
    changed_fields: list[str] = Field(default_factory=list)


@register
class EnrollmentCreatedV2(EnrollmentCreated):
    """Version 2 adds the kind of pairing sought (a mentee) or offered (a mentor); version 1 means `general`."""

    schema_version: Literal[2] = 2

    pairing_kind: PairingKind = PairingKind.GENERAL


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

    pairing_kind: PairingKind = PairingKind.GENERAL


@register
class EnrollmentChangedV3(EnrollmentChangedV2):
    """An enrollment changed; `changed_fields` names what.

    Version 3: version 2 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[3] = 3


@register
class EnrollmentWithdrawn(_ProfilesEvent):
    topic = ENROLLMENTS
    key_field = "enrollment_id"
    event_type: Literal["profiles.enrollment_withdrawn"] = "profiles.enrollment_withdrawn"
    schema_version: Literal[1] = 1

    enrollment_id: UUID
    person_id: UUID
    program_id: UUID
    chapter_id: UUID | None
    role: Role


@register
class EnrollmentWithdrawnV2(EnrollmentWithdrawn):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class MentorApproved(_ProfilesEvent):
    topic = ENROLLMENTS
    key_field = "enrollment_id"
    event_type: Literal["profiles.mentor_approved"] = "profiles.mentor_approved"
    schema_version: Literal[1] = 1

    enrollment_id: UUID
    person_id: UUID
    program_id: UUID
    chapter_id: UUID | None


@register
class MentorApprovedV2(MentorApproved):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class MentorSuspended(_ProfilesEvent):
    topic = ENROLLMENTS
    key_field = "enrollment_id"
    event_type: Literal["profiles.mentor_suspended"] = "profiles.mentor_suspended"
    schema_version: Literal[1] = 1

    enrollment_id: UUID
    person_id: UUID
    program_id: UUID
    chapter_id: UUID | None


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

    was_approved: bool


@register
class ContactDetailsChanged(_ProfilesEvent):
    """Restricted: how to reach a person, and what they agreed to show a matched partner."""

    topic = CONTACTS
    key_field = "person_id"
    event_type: Literal["profiles.contact_details_changed"] = "profiles.contact_details_changed"
    schema_version: Literal[1] = 1

    person_id: UUID
    chapter_id: UUID | None
    display_name: str
    email: str
    timezone: str = "UTC"
    pronouns_for_partner: str | None = Field(default=None, description="Only when the person chose to show them")
    bio_for_partner: str | None = None
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

    person_id: UUID
    chapter_id: UUID | None
    display_name: str
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

    attribute: str
    strength: Literal["preference", "requirement"]


@register
class MatchingProfileChanged(_ProfilesEvent):
    """Restricted to matching: what the pairing engine may use, consented identity data included."""

    topic = MATCHING_PROFILES
    key_field = "person_id"
    event_type: Literal["profiles.matching_profile_changed"] = "profiles.matching_profile_changed"
    schema_version: Literal[1] = 1

    person_id: UUID
    chapter_id: UUID | None
    stage: TrainingStage
    specialties: list[Specialty] = Field(default_factory=list)
    support_areas: list[SupportArea] = Field(default_factory=list, description="Wanted as a mentee, offered as a mentor")
    languages: list[str] = Field(default_factory=list)
    timezone: str = "UTC"
    region: str | None = None
    modalities: list[Modality] = Field(default_factory=lambda: list[Modality](["virtual"]))
    identity_for_matching: dict[str, str] = Field(default_factory=dict, description="Only attributes consented for use in matching")
    identity_requests: list[IdentityRequest] = Field(default_factory=list)


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

    person_id: UUID
    attribute: str
    purpose: Literal["matching", "partner"]
    granted: bool


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

    Version 4 adds `paused`: a mentor who paused takes no new mentee in this enrollment until they resume (their
    places are not free meanwhile). Version 3 and before mean not paused."""

    closed_schema = True
    schema_version: Literal[4] = 4

    paused: bool = False


@register
class StaffRolesChanged(_ProfilesEvent):
    """A person's staff roles (national administrator, coordinator of chapters) were granted or revoked: whoever
    keeps them (the web app's sessions) reads them again from profiles (`GET /v1/people/{id}/roles`)."""

    closed_schema = True
    topic = PEOPLE
    key_field = "person_id"
    event_type: Literal["profiles.staff_roles_changed"] = "profiles.staff_roles_changed"
    schema_version: Literal[1] = 1

    person_id: UUID


@register
class StaffRolesChangedV2(StaffRolesChanged):
    """A person's staff roles were granted or revoked: whoever keeps them (the web app's sessions) reads them again
    from profiles (`GET /v1/people/{id}/roles`).

    Version 2 says which change it was, one role at a time, so that the person is told (notifications): being made a
    chapter's coordinator opens the console to them, and a staff role taken away is a change to their account they
    should hear of."""

    schema_version: Literal[2] = 2

    role: Literal["administrator", "coordinator"] = Field(
        description="A national administrator, or a coordinator of `chapter_id`")
    granted: bool = Field(description="True: the role was granted just now; false: revoked")
    chapter_id: UUID | None = Field(description="The chapter they coordinate, or no longer do; null for administrator")


@register
class PersonSuspended(_ProfilesEvent):
    """A coordinator or an administrator suspended the person's account: they are proposed to nobody and may not
    sign in until reinstated."""

    closed_schema = True
    topic = PEOPLE
    key_field = "person_id"
    event_type: Literal["profiles.person_suspended"] = "profiles.person_suspended"
    schema_version: Literal[1] = 1

    person_id: UUID


@register
class PersonReinstated(_ProfilesEvent):
    """The person's account, suspended, is theirs again."""

    closed_schema = True
    topic = PEOPLE
    key_field = "person_id"
    event_type: Literal["profiles.person_reinstated"] = "profiles.person_reinstated"
    schema_version: Literal[1] = 1

    person_id: UUID


# Restated: what profiles holds now, not something that happened. An operator restates a topic
# (`python -m profiles restate people|enrollments|contacts|matching-profiles`) for a consumer whose read model lacks
# history the topic no longer keeps: one built after the topic's retention, or restored from an older backup. A
# consumer that kept up may ignore them; one that applies them overwrites what it holds with them.


@register
class PersonRestated(_ProfilesEvent):
    """A person as profiles holds them now: the public facts of `profiles.person_registered` and whether their account
    is suspended. Nothing happened to them; see the note above. Erased people are not restated: they are gone."""

    closed_schema = True
    topic = PEOPLE
    key_field = "person_id"
    event_type: Literal["profiles.person_restated"] = "profiles.person_restated"
    schema_version: Literal[1] = 1

    person_id: UUID
    chapter_id: UUID | None
    stage: TrainingStage
    is_alumni: bool
    suspended: bool


@register
class EnrollmentRestated(_ProfilesEvent):
    """An enrollment as profiles holds it now: the facts of `profiles.enrollment_changed` (version 4), and whether it
    is still active (`false`: withdrawn). Nothing happened to it; see the note above."""

    closed_schema = True
    topic = ENROLLMENTS
    key_field = "enrollment_id"
    event_type: Literal["profiles.enrollment_restated"] = "profiles.enrollment_restated"
    schema_version: Literal[1] = 1

    enrollment_id: UUID
    person_id: UUID
    program_id: UUID
    chapter_id: UUID | None
    role: Role
    stage: TrainingStage
    capacity: int = Field(description="Mentees at once, for a mentor")
    mentee_stages_welcome: list[TrainingStage] = Field(description="Mentor: stages willing to mentor; empty means any")
    approval: ApprovalState
    pairing_kind: PairingKind
    paused: bool
    active: bool


@register
class EnrollmentRestatedV2(EnrollmentRestated):
    """An enrollment as profiles holds it now, and since when (see the note above).

    Version 2 adds `enrolled_at`: a restatement's own time is not when the person enrolled, so a read model that
    learns of the enrollment from it places them by this (a mentee waits from then, before those who enrolled later,
    as they would have). Enrollments made before 2026-12-04 say that day, when profiles began to keep it."""

    schema_version: Literal[2] = 2

    enrolled_at: AwareDatetime = Field(description="When the person enrolled")


@register
class ContactDetailsRestated(_ProfilesEvent):
    """Restricted: how to reach a person, and what they agreed to show a matched partner, as profiles holds it now
    (the facts of `profiles.contact_details_changed` version 3). Nothing happened to them; see the note above.
    Published sealed: version 2."""

    closed_schema = True
    topic = CONTACTS
    key_field = "person_id"
    event_type: Literal["profiles.contact_details_restated"] = "profiles.contact_details_restated"
    schema_version: Literal[1] = 1

    person_id: UUID
    chapter_id: UUID | None
    display_name: str
    email: str
    timezone: str
    pronouns_for_partner: str | None = Field(description="Only when the person chose to show them")
    bio_for_partner: str | None
    identity_for_partner: dict[str, str] = Field(description="Only attributes consented for showing to a partner")
    preferred_language: PreferredLanguage | None = Field(
        description="`en` or `es`: the language of the emails they receive; null when not said")


@register
class MatchingProfileRestated(_ProfilesEvent):
    """Restricted to matching: a person's matching profile as profiles holds it now (the facts of
    `profiles.matching_profile_changed`), and the identity attributes they agreed to show a matched partner (names
    only: the value of each travels in `identity_for_matching` if, and only if, it may be used in matching). Nothing
    happened to them; see the note above. Published sealed: version 2."""

    closed_schema = True
    topic = MATCHING_PROFILES
    key_field = "person_id"
    event_type: Literal["profiles.matching_profile_restated"] = "profiles.matching_profile_restated"
    schema_version: Literal[1] = 1

    person_id: UUID
    chapter_id: UUID | None
    stage: TrainingStage
    specialties: list[Specialty]
    support_areas: list[SupportArea] = Field(description="Wanted as a mentee, offered as a mentor")
    languages: list[str]
    timezone: str
    region: str | None
    modalities: list[Modality]
    identity_for_matching: dict[str, str] = Field(description="Only attributes consented for use in matching")
    identity_requests: list[IdentityRequest]
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

    invitation_id: UUID
    person_id: UUID
    program_id: UUID
    chapter_id: UUID | None
    role: Role


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

    chapter_id: UUID | None


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

    chapter_id: UUID | None
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

    chapter_id: UUID | None
    stage: TrainingStage


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

    chapter_id: UUID | None
    stage: TrainingStage


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

    chapter_id: UUID | None
