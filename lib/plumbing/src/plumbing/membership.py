"""Who takes part in a program that keeps it from other teams is told to our own services alone.

Each event about an enrollment, an invitation, a pairing, a waitlist place or a round in such a program goes to the
outbox as its private twin (`mentorship_contracts.envelope.private_twin`), on a restricted topic: a unit of work's
`as_published` passes its events through `published`, with its own store's answer to which programs those are.
Twins that keep an event's attendees private are not this module's: a registration has no program.
"""

from collections.abc import Awaitable, Callable, Collection
from uuid import UUID

from mentorship_contracts import IntegrationEvent
from mentorship_contracts.envelope import as_private, has_private_twin

# Given program ids, those that keep who takes part from other teams (a program the store does not know among them).
KeepingMembersPrivate = Callable[[set[UUID]], Awaitable[Collection[UUID]]]


async def published(events: list[IntegrationEvent], keeping_members_private: KeepingMembersPrivate
                    ) -> list[IntegrationEvent]:
    """Each event of a program that keeps who takes part private as its private twin; the others as they are. The
    store is asked once, and only when some event has a twin: a registration or a round commits many at a time."""
    asked = {event.program_id for event in events if _twinned(event)}  # type: ignore[attr-defined]
    if not asked:
        return events
    private = await keeping_members_private(asked)
    return [as_private(event) if _twinned(event) and event.program_id in private  # type: ignore[attr-defined]
            else event for event in events]


def _twinned(event: IntegrationEvent) -> bool:
    return has_private_twin(event, keeping="members")
