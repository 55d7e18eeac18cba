"""Which profiles events matching applies, each in the consumer's inbox transaction."""

from mentorship_contracts import profiles as source
from plumbing.consumer import in_unit_of_work

from ..service_layer import handlers
from ..service_layer.unit_of_work import MatchingUnitOfWork

HANDLERS = {
    event: in_unit_of_work(MatchingUnitOfWork, handler)
    for event, handler in {
        source.ProgramDefined: handlers.program_defined,
        source.ProgramDefinedV2: handlers.program_defined,
        source.MatchingProfileChanged: handlers.matching_profile_changed,
        source.ConsentChanged: handlers.consent_changed,
        source.EnrollmentCreated: handlers.enrollment_created,
        source.EnrollmentCreatedV2: handlers.enrollment_created,
        source.EnrollmentChanged: handlers.enrollment_changed,
        source.EnrollmentChangedV2: handlers.enrollment_changed,
        source.EnrollmentWithdrawn: handlers.enrollment_withdrawn,
        source.MentorApproved: handlers.mentor_approved,
        source.MentorSuspended: handlers.mentor_suspended,
        source.PersonErased: handlers.person_erased,
    }.items()
}
