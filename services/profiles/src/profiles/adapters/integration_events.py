"""Domain objects → the integration events other services read (contracts). Only here does personal
data meet an event, and only on the restricted topics meant for it."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from mentorship_contracts import IntegrationEvent
from mentorship_contracts import profiles as contract
from mentorship_contracts.vocabulary import TrainingStage

from ..domain.console import Invitation
from ..domain.model import (
    CONTACT_FIELDS,
    MATCHING_FIELDS,
    PUBLIC_FIELDS,
    Chapter,
    ConsentChange,
    EmailChange,
    Enrollment,
    Person,
    Program,
    PublicStanding,
    Purpose,
)


def chapter_defined(chapter: Chapter) -> contract.ChapterDefinedV2:
    return contract.ChapterDefinedV2(chapter_id=chapter.id, name=chapter.name, timezone=chapter.timezone)


def program_defined(program: Program) -> contract.ProgramDefinedV5:
    return contract.ProgramDefinedV5(
        program_id=program.id,
        chapter_id=program.chapter_id,
        name=program.name,
        mentee_stages=program.mentee_stages,
        mentor_stages=program.mentor_stages,
        term_months=program.term_months,
        cadence_min_days=program.cadence_min_days,
        cadence_max_days=program.cadence_max_days,
        format=program.format,
        group_size=program.group_size,
        pairing_mode=program.pairing_mode,
        both_must_accept=program.both_must_accept,
        pair_cap=program.pair_cap,
        mentor_approval_required=program.mentor_approval_required,
        minimum_score=program.minimum_score,
        pairing_kinds=program.pairing_kinds,
        answer_within_days=program.answer_within_days,
        members_public=program.members_public,
    )


def person_registered(person: Person) -> list[IntegrationEvent]:
    """Public ids and stage; contact details to notifications; matching attributes to matching."""
    return [
        contract.PersonRegisteredV2(
            person_id=person.id, chapter_id=person.chapter_id, stage=person.stage, is_alumni=person.is_alumni
        ),
        contact_details(person),
        matching_profile(person),
    ]


def person_updated(person: Person, changed: set[str]) -> list[IntegrationEvent]:
    """Each audience hears of a change to what it holds, and only that. The public event names only public
    fields: that someone changed their pronouns is itself not for other teams."""
    events: list[IntegrationEvent] = []
    if public := sorted(changed & PUBLIC_FIELDS):
        events.append(contract.PersonUpdatedV2(
            person_id=person.id, chapter_id=person.chapter_id, stage=person.stage, is_alumni=person.is_alumni,
            changed_fields=public,
        ))
    if changed & CONTACT_FIELDS:
        events.append(contact_details(person))
    if changed & MATCHING_FIELDS:
        events.append(matching_profile(person))
    return events


def identity_declared(person: Person, consent_changes: list[ConsentChange]) -> list[IntegrationEvent]:
    """The restricted copies replaced whole, so that a withdrawn attribute is gone from them at once."""
    return [
        matching_profile(person),
        contact_details(person),
        *(contract.ConsentChangedV2(person_id=person.id, attribute=c.attribute, purpose=c.purpose, granted=c.granted)
          for c in consent_changes),
    ]


def person_erased(person_id: UUID) -> contract.PersonErasedV2:
    return contract.PersonErasedV2(person_id=person_id)


def contact_details(person: Person) -> contract.ContactDetailsChangedV3:
    """What a partner's emails may show is what the partner view shows: the person's choice, as it stands now."""
    partner_sees = person.as_seen_by_partner()
    return contract.ContactDetailsChangedV3(
        person_id=person.id,
        chapter_id=person.chapter_id,
        display_name=person.display_name,
        email=person.email,
        timezone=person.timezone,
        pronouns_for_partner=partner_sees.pronouns,
        bio_for_partner=partner_sees.bio,
        identity_for_partner=partner_sees.identity,
        preferred_language=person.preferred_language,
    )


def email_change_requested(person: Person, change: EmailChange, token: str) -> contract.EmailChangeRequested:
    """The one place the token leaves profiles: on the restricted topic, for the email to the new address."""
    return contract.EmailChangeRequested(
        person_id=person.id,
        chapter_id=person.chapter_id,
        display_name=person.display_name,
        new_email=change.new_email,
        confirmation_path=contract.email_confirmation_path(token),
        expires_at=change.expires_at,
        timezone=person.timezone,
        preferred_language=person.preferred_language,
    )


def matching_profile(person: Person) -> contract.MatchingProfileChangedV2:
    return contract.MatchingProfileChangedV2(
        person_id=person.id,
        chapter_id=person.chapter_id,
        stage=person.stage,
        specialties=person.specialties,
        support_areas=person.support_areas,
        languages=person.languages,
        timezone=person.timezone,
        region=person.region,
        modalities=person.modalities,
        identity_for_matching=person.identity.shown_for(Purpose.MATCHING),
        identity_requests=[contract.IdentityRequest(attribute=r.attribute, strength=r.strength)
                           for r in person.identity.requests],
    )


def contact_details_restated(person: Person) -> contract.ContactDetailsRestated:
    return contract.ContactDetailsRestated(**contact_details(person).model_dump(include=_CONTACT_FACTS))


def matching_profile_restated(person: Person) -> contract.MatchingProfileRestated:
    """The matching profile as it stands, and which attributes a partner may see (their names: a value travels only
    when it may be used in matching)."""
    return contract.MatchingProfileRestated(**matching_profile(person).model_dump(include=_PROFILE_FACTS),
                                            shown_to_partner=sorted(person.identity.shown_for(Purpose.PARTNER)))


# What a restatement says as the change does (the envelope aside: a restatement is an event of its own).
_CONTACT_FACTS = set(contract.ContactDetailsRestated.model_fields) - set(contract.IntegrationEvent.model_fields)
_PROFILE_FACTS = set(contract.MatchingProfileRestated.model_fields) - set(contract.IntegrationEvent.model_fields) - {
    "shown_to_partner"}


# An enrollment's events, and an invitation's, go as the public versions below: the unit of work publishes those of a
# program that keeps who takes part from other teams as their private twins (`service_layer.unit_of_work`).


def enrollment_created(enrollment: Enrollment, person: Person) -> contract.EnrollmentCreatedV3:
    return contract.EnrollmentCreatedV3(**_enrollment_facts(enrollment, person.stage))


# What of an enrollment is profiles' own, named by no event: the end of its person's own pause, when profiles resumes
# them (the resumption is announced as their resuming themselves is).
UNANNOUNCED_ENROLLMENT_FIELDS = frozenset({"paused_until"})


def announced(changed: set[str]) -> bool:
    """Whether a change of these fields of an enrollment is one to announce (`enrollment_changed`)."""
    return bool(changed - UNANNOUNCED_ENROLLMENT_FIELDS)


def enrollment_changed(enrollment: Enrollment, person: Person, changed: set[str]) -> contract.EnrollmentChangedV4:
    # A mentee's goals are their own words: the public event says that they changed, never what they say.
    return contract.EnrollmentChangedV4(**_enrollment_facts(enrollment, person.stage),
                                        changed_fields=sorted(changed - UNANNOUNCED_ENROLLMENT_FIELDS),
                                        paused=enrollment.paused)


def _enrollment_facts(enrollment: Enrollment, stage: TrainingStage) -> dict:
    return dict(
        enrollment_id=enrollment.id,
        person_id=enrollment.person_id,
        program_id=enrollment.program_id,
        chapter_id=enrollment.chapter_id,
        role=enrollment.role,
        stage=stage,
        capacity=enrollment.capacity,
        mentee_stages_welcome=enrollment.mentee_stages_welcome,
        approval=enrollment.approval,
        pairing_kind=enrollment.pairing_kind,
    )


def enrollment_restated(enrollment: Enrollment, stage: TrainingStage,
                        enrolled_at: datetime) -> contract.EnrollmentRestatedV2:
    return contract.EnrollmentRestatedV2(**_enrollment_facts(enrollment, stage), paused=enrollment.paused,
                                         active=enrollment.active, enrolled_at=enrolled_at)


def person_restated(standing: PublicStanding) -> contract.PersonRestated:
    return contract.PersonRestated(person_id=standing.person_id, chapter_id=standing.chapter_id, stage=standing.stage,
                                   is_alumni=standing.is_alumni, suspended=standing.suspended)


def enrollment_withdrawn(enrollment: Enrollment) -> contract.EnrollmentWithdrawnV2:
    return contract.EnrollmentWithdrawnV2(**_enrollment_ids(enrollment), role=enrollment.role)


def mentor_approved(enrollment: Enrollment) -> contract.MentorApprovedV2:
    return contract.MentorApprovedV2(**_enrollment_ids(enrollment))


def mentor_suspended(enrollment: Enrollment) -> contract.MentorSuspendedV3:
    return contract.MentorSuspendedV3(**_enrollment_ids(enrollment), was_approved=bool(enrollment.was_approved))


def _enrollment_ids(enrollment: Enrollment) -> dict:
    return dict(enrollment_id=enrollment.id, person_id=enrollment.person_id, program_id=enrollment.program_id,
                chapter_id=enrollment.chapter_id)


def staff_roles_changed(person_id: UUID, role: Literal["administrator", "coordinator"], granted: bool,
                        chapter_id: UUID | None) -> contract.StaffRolesChangedV2:
    return contract.StaffRolesChangedV2(person_id=person_id, role=role, granted=granted, chapter_id=chapter_id)


def review_asked(reviewer_id: UUID, about: Enrollment, reason: str) -> contract.ReviewAsked:
    return contract.ReviewAsked(person_id=reviewer_id, program_id=about.program_id, chapter_id=about.chapter_id,
                                role=about.role, review_reason=reason)


def person_suspended(person_id: UUID) -> contract.PersonSuspended:
    return contract.PersonSuspended(person_id=person_id)


def person_reinstated(person_id: UUID) -> contract.PersonReinstated:
    return contract.PersonReinstated(person_id=person_id)


def person_invited(invitation: Invitation) -> contract.PersonInvited:
    return contract.PersonInvited(invitation_id=invitation.id, person_id=invitation.person_id,
                                  program_id=invitation.program_id, chapter_id=invitation.chapter_id,
                                  role=invitation.role)
