"""Who takes part in a program that keeps it from other teams is told to our own services alone.

Each event about an enrollment, an invitation, a pairing or a waitlist place in such a program goes to the outbox as
its private twin (`mentorship_contracts.envelope.private_twin`), on a restricted topic; a unit of work's
`as_published` asks its own store which programs those are.
"""

from collections.abc import Collection, Iterable
from uuid import UUID

from mentorship_contracts import IntegrationEvent
from mentorship_contracts.envelope import as_private, has_private_twin


def programs_to_ask(events: Iterable[IntegrationEvent]) -> set[UUID]:
    """The programs whose events these are, among those that would go public unless the program keeps them."""
    return {event.program_id for event in events if has_private_twin(event)}  # type: ignore[attr-defined]


def kept_private(events: Iterable[IntegrationEvent], private_programs: Collection[UUID]) -> list[IntegrationEvent]:
    """Each event of a program in `private_programs` as its private twin; the others as they are."""
    return [as_private(event) if has_private_twin(event) and event.program_id in private_programs  # type: ignore[attr-defined]
            else event for event in events]
