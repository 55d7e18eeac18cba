"""Which events notifications applies, each in the consumer's inbox transaction."""

from mentorship_contracts import events, matching, profiles
from plumbing.consumer import in_unit_of_work

from ..service_layer import handlers
from ..service_layer.unit_of_work import NotificationsUnitOfWork

HANDLERS = {
    profiles.ContactDetailsChanged: in_unit_of_work(NotificationsUnitOfWork, handlers.contact_details_changed),
    profiles.PersonErased: in_unit_of_work(NotificationsUnitOfWork, handlers.person_erased),
    matching.PairingConfirmed: in_unit_of_work(NotificationsUnitOfWork, handlers.pairing_confirmed),
    events.EventPublished: in_unit_of_work(NotificationsUnitOfWork, handlers.event_published),
    events.RegistrationConfirmed: in_unit_of_work(NotificationsUnitOfWork, handlers.registration_confirmed),
}
