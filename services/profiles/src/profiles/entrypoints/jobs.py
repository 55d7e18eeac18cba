"""Background jobs of profiles, in every instance (each step is one statement, safe to run concurrently)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from plumbing.jobs import every
from plumbing.runtime import BackgroundJob

from ..service_layer import handlers
from ..service_layer.ports import ProfilesUnitOfWorkPort

HOUR = 3600.0


def forget_expired_email_changes(new_unit_of_work: Callable[[], ProfilesUnitOfWorkPort]) -> BackgroundJob:
    """An email change not confirmed in time holds an address nobody confirmed: it goes."""
    return every(HOUR, lambda: handlers.forget_expired_email_changes(datetime.now(UTC), new_unit_of_work()),
                 name="forget_expired_email_changes")


def remind_staff_of_waiting_mentors(new_unit_of_work: Callable[[], ProfilesUnitOfWorkPort]) -> BackgroundJob:
    """Mentors left waiting for approval: their program's staff are asked again."""
    return every(HOUR, lambda: handlers.remind_staff_of_waiting_mentors(datetime.now(UTC), new_unit_of_work()),
                 name="remind_staff_of_waiting_mentors")
