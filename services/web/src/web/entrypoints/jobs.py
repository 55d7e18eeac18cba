"""Background jobs of the web app, in every instance (each step is a few deletes, safe to run concurrently)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from plumbing.jobs import every
from plumbing.runtime import BackgroundJob

from ..service_layer import sign_in
from ..service_layer.ports import WebUnitOfWorkPort


def forget_expired(new_unit_of_work: Callable[[], WebUnitOfWorkPort]) -> BackgroundJob:
    """Expired links (and the addresses they held), old rate-limit entries and idle sessions go."""
    return every(300.0, lambda: sign_in.forget_expired(datetime.now(UTC), new_unit_of_work()), name="forget_expired")
