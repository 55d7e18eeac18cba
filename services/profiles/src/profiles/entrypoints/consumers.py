"""Which events profiles applies, from matching's public topic: who is paired with whom, for the partner view, and
who stopped answering, whose enrollment is paused.
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
    matching.PairingEnded: handlers.pairing_over,
    matching.PairingCompleted: handlers.pairing_over,
    matching.PairingDeclined: handlers.pairing_over,
    matching.PairingLapsed: handlers.pairing_over,
    matching.StoppedAnswering: handlers.pause_who_stopped_answering,
}
