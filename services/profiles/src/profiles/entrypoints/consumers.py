"""Which events profiles applies, from matching's pairings, public and private (those of a program that keeps who
takes part from other teams, on `matching.private-pairings`: each twin applied as its public version is): who is
paired with whom, for the partner view; who stopped answering, whose enrollment is paused; who was reported for
a problem of conduct, held for a coordinator's review; and whose mentorship ran its course (goals met, or its term
completed), resting until they ask for another mentor.
Bootstrap runs each handler in a unit of work joining the consumer's inbox transaction; later versions of an
event (each subclasses the one before) go to the same handler."""

from collections.abc import Awaitable, Callable
from typing import Any

from mentorship_contracts import IntegrationEvent, matching

from ..service_layer import handlers
from ..service_layer.ports import ProfilesUnitOfWorkPort

HANDLERS: dict[type[IntegrationEvent], Callable[[Any, ProfilesUnitOfWorkPort], Awaitable[None]]] = {
    matching.PairingProposed: handlers.pairing_proposed,
    matching.PairingConfirmed: handlers.pairing_active,
    # Signs of a pairing still on, for those confirmed before profiles listened (or beyond the topic's retention).
    matching.PairingRenewed: handlers.pairing_active,
    matching.RenewalDue: handlers.pairing_active,
    matching.MeetingOverdue: handlers.pairing_active,
    matching.PairingEnded: handlers.pairing_ended,  # for a problem of conduct, the one reported is held
    matching.PairingCompleted: handlers.pairing_completed,  # its mentee rests, as one whose goals were met
    matching.PairingDeclined: handlers.pairing_over,
    matching.PairingLapsed: handlers.pairing_over,
    matching.StoppedAnswering: handlers.pause_who_stopped_answering,
    # The same, in a program that keeps who takes part from other teams: a private pairing shares contact details
    # between its partners as a public one does.
    matching.PrivatePairingProposed: handlers.pairing_proposed,
    matching.PrivatePairingConfirmed: handlers.pairing_active,
    matching.PrivatePairingRenewed: handlers.pairing_active,
    matching.PrivateRenewalDue: handlers.pairing_active,
    matching.PrivateMeetingOverdue: handlers.pairing_active,
    matching.PrivatePairingEnded: handlers.pairing_ended,
    matching.PrivatePairingCompleted: handlers.pairing_completed,
    matching.PrivatePairingDeclined: handlers.pairing_over,
    matching.PrivatePairingLapsed: handlers.pairing_over,
    matching.PrivateStoppedAnswering: handlers.pause_who_stopped_answering,
}
