"""Which profiles events matching applies, and with which handler (bootstrap runs each in the consumer's inbox
transaction). A handler applies the later versions of its event too (each subclasses the one before).

An enrollment in a program that keeps who takes part from other teams comes as its private twin, on the restricted
`profiles.private-enrollments`: the same facts, applied by the same handler. A twin subclasses its public event, so
it would be applied as a later version anyway; it is named here so that what matching reads says so."""

from collections.abc import Awaitable, Callable
from typing import Any

from mentorship_contracts import IntegrationEvent
from mentorship_contracts import profiles as source

from ..service_layer import projections

HANDLERS: dict[type[IntegrationEvent], Callable[[Any, Any], Awaitable[None]]] = {
    source.ProgramDefined: projections.program_defined,
    source.MatchingProfileChanged: projections.matching_profile_changed,
    source.MatchingProfileRestated: projections.matching_profile_changed,
    source.ConsentChanged: projections.consent_changed,
    source.EnrollmentCreated: projections.enrollment_created,
    source.EnrollmentChanged: projections.enrollment_changed,
    source.EnrollmentWithdrawn: projections.enrollment_withdrawn,
    source.EnrollmentRestated: projections.enrollment_restated,
    source.MentorApproved: projections.mentor_approved,
    source.MentorSuspended: projections.mentor_suspended,
    source.PrivateEnrollmentCreated: projections.enrollment_created,
    source.PrivateEnrollmentChanged: projections.enrollment_changed,
    source.PrivateEnrollmentWithdrawn: projections.enrollment_withdrawn,
    source.PrivateEnrollmentRestated: projections.enrollment_restated,
    source.PrivateMentorApproved: projections.mentor_approved,
    source.PrivateMentorSuspended: projections.mentor_suspended,
    source.PersonErased: projections.person_erased,
    source.PersonSuspended: projections.person_suspended,
    source.PersonReinstated: projections.person_reinstated,
    source.PersonRestated: projections.person_restated,
}
# Each batch takes the locks its events need before applying the first (one transaction holds them all).
PREPARE = projections.lock_before_applying
