"""Which profiles events the events service applies: participants' stages, for the audience rule; who is a mentor,
for office hours; suspension and reinstatement of an account; erasure."""

from collections.abc import Awaitable, Callable

from mentorship_contracts import IntegrationEvent
from mentorship_contracts import profiles as source

from ..service_layer import handlers

HANDLERS: dict[type[IntegrationEvent], Callable[..., Awaitable[None]]] = {
    source.PersonRegistered: handlers.remember_participant,
    source.PersonUpdated: handlers.remember_participant,
    source.PersonRestated: handlers.remember_participant,
    source.PersonErased: handlers.person_erased,
    source.PersonSuspended: handlers.person_suspended,
    source.PersonReinstated: handlers.person_reinstated,
    source.EnrollmentCreated: handlers.mentor_enrollment_changed,
    source.EnrollmentChanged: handlers.mentor_enrollment_changed,
    source.MentorApproved: handlers.mentor_enrollment_changed,
    source.MentorSuspended: handlers.mentor_enrollment_changed,
    source.EnrollmentWithdrawn: handlers.mentor_enrollment_changed,
    source.EnrollmentRestated: handlers.mentor_enrollment_changed,
}
