"""The correlation id of the action being served: set from the HTTP request (or the event being applied), and
stamped on every integration event emitted meanwhile, so one person's action can be followed across services."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

HEADER = "x-correlation-id"
_current: ContextVar[str | None] = ContextVar("correlation_id", default=None)
# What a caller may hand us: short and plain, since it ends up in logs and on every event of the action.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def current() -> str | None:
    return _current.get()


def use(correlation_id: str | None):
    """Make `correlation_id` current; returns the token to `reset` with."""
    return _current.set(correlation_id)


def reset(token) -> None:
    _current.reset(token)


@contextmanager
def serving(correlation_id: str | None) -> Iterator[None]:
    """Make `correlation_id` current within the block (None: no action is being served)."""
    token = use(correlation_id)
    try:
        yield
    finally:
        reset(token)


def from_header(value: str | None) -> str:
    """The caller's id when it is acceptable, else a new one."""
    return value if value and _ACCEPTABLE.match(value) else str(uuid.uuid4())
