"""Background jobs of profiles, in every instance (each step is one statement, or claims its rows with SKIP LOCKED: safe
to run concurrently)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from plumbing.jobs import every
from plumbing.runtime import BackgroundJob

from ..service_layer import handlers
from ..service_layer.ports import ProfilesUnitOfWorkPort

HOUR = 3600.0
# How often pauses whose end has come are looked for: a person is resumed within five minutes of the end they gave.
PAUSES_ENDED_EVERY = 5 * 60.0


def forget_expired_email_changes(new_unit_of_work: Callable[[], ProfilesUnitOfWorkPort]) -> BackgroundJob:
    """An email change not confirmed in time holds an address nobody confirmed: it goes."""
    return every(HOUR, lambda: handlers.forget_expired_email_changes(datetime.now(UTC), new_unit_of_work()),
                 name="forget_expired_email_changes")


def remind_staff_of_waiting_mentors(new_unit_of_work: Callable[[], ProfilesUnitOfWorkPort]) -> BackgroundJob:
    """Mentors left waiting for approval: their program's staff are asked again."""
    return every(HOUR, lambda: handlers.remind_staff_of_waiting_mentors(datetime.now(UTC), new_unit_of_work()),
                 name="remind_staff_of_waiting_mentors")


def more_pauses_ended(resumed: object) -> bool:
    """Whether a pass resumed a whole batch: more may be waiting, so the next pass runs at once."""
    return isinstance(resumed, int) and resumed >= handlers.RESUMED_AT_ONCE


def resume_pauses_ended(new_unit_of_work: Callable[[], ProfilesUnitOfWorkPort]) -> BackgroundJob:
    """A person's own pause whose end (`paused_until`) has come: resumed, as their resuming it would."""
    return every(PAUSES_ENDED_EVERY, lambda: handlers.resume_pauses_ended(datetime.now(UTC), new_unit_of_work()),
                 name="resume_pauses_ended", again_at_once=more_pauses_ended)
