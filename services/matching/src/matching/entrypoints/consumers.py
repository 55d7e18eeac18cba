"""Which profiles events matching applies, each in the consumer's inbox transaction."""

from mentorship_contracts import profiles as source
from plumbing.consumer import in_unit_of_work

from ..service_layer import handlers
from ..service_layer.unit_of_work import MatchingUnitOfWork

HANDLERS = {
    source.ProgramDefined: in_unit_of_work(MatchingUnitOfWork, handlers.program_defined),
    source.MatchingProfileChanged: in_unit_of_work(MatchingUnitOfWork, handlers.matching_profile_changed),
    source.EnrollmentCreated: in_unit_of_work(MatchingUnitOfWork, handlers.enrollment_created),
    source.PersonErased: in_unit_of_work(MatchingUnitOfWork, handlers.person_erased),
}
