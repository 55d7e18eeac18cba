"""Domain objects → the integration events other services read (contracts). Only here does personal
data meet an event, and only on the restricted topics meant for it."""

from mentorship_contracts import profiles as contract

from ..domain.model import Enrollment, Person, Program


def program_defined(program: Program) -> contract.ProgramDefined:
    return contract.ProgramDefined(
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
    )


def person_registered(person: Person) -> list:
    """Public ids and stage; contact details to notifications; matching attributes to matching."""
    return [
        contract.PersonRegistered(
            person_id=person.id, chapter_id=person.chapter_id, stage=person.stage, is_alumni=person.is_alumni
        ),
        contract.ContactDetailsChanged(
            person_id=person.id,
            chapter_id=person.chapter_id,
            display_name=person.display_name,
            email=person.email,
            timezone=person.timezone,
            pronouns_for_partner=person.pronouns,
            bio_for_partner=person.bio,
        ),
        contract.MatchingProfileChanged(
            person_id=person.id,
            chapter_id=person.chapter_id,
            stage=person.stage,
            specialties=person.specialties,
            support_areas=person.support_areas,
            languages=person.languages,
            timezone=person.timezone,
            region=person.region,
            modalities=person.modalities,
        ),
    ]


def enrollment_created(enrollment: Enrollment, person: Person) -> contract.EnrollmentCreated:
    return contract.EnrollmentCreated(
        enrollment_id=enrollment.id,
        person_id=enrollment.person_id,
        program_id=enrollment.program_id,
        chapter_id=enrollment.chapter_id,
        role=enrollment.role,
        stage=person.stage,
        capacity=enrollment.capacity,
        mentee_stages_welcome=enrollment.mentee_stages_welcome,
        approval=enrollment.approval,
    )
