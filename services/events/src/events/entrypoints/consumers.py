"""Which profiles events the events service applies: participants' stages, for the audience rule; erasure."""

from mentorship_contracts import profiles as source
from plumbing.consumer import in_unit_of_work

from ..service_layer import handlers
from ..service_layer.unit_of_work import EventsUnitOfWork

HANDLERS = {
    source.PersonRegistered: in_unit_of_work(EventsUnitOfWork, handlers.remember_participant),
    source.PersonUpdated: in_unit_of_work(EventsUnitOfWork, handlers.remember_participant),
    source.PersonErased: in_unit_of_work(EventsUnitOfWork, handlers.person_erased),
}
