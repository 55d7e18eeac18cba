"""The one error model of every service: a domain rule said no, of a kind the HTTP layer maps to a status.

Pure (no web framework), so domain models raise these. Each error class names a stable snake_case `code` that
clients may rely on, and inherits its kind from one of the four bases; `field` names the input at fault.

    class StageNotEligible(Invalid, code="stage_not_eligible"): ...
"""

from __future__ import annotations

import re
from typing import ClassVar

_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


class DomainError(Exception):
    status: ClassVar[int] = 422
    code: ClassVar[str] = "invalid"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __init_subclass__(cls, *, code: str | None = None, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if code is None:
            # A code is part of the API: deriving it from a class name would let a rename change it.
            raise TypeError(f"{cls.__qualname__} must name its error code: class {cls.__name__}(..., code='...')")
        if not _SNAKE_CASE.match(code):
            raise TypeError(f"error code {code!r} of {cls.__qualname__} is not snake_case")
        cls.code = code


class Invalid(DomainError, code="invalid"):
    """The input breaks a rule that needs more than its own shape to check (another field, the program)."""

    status = 422


class NotFound(DomainError, code="not_found"):
    status = 404


class Conflict(DomainError, code="conflict"):
    """The request is well formed but clashes with the current state."""

    status = 409


class Forbidden(DomainError, code="forbidden"):
    """The caller may not do this to this thing (a rule of the domain, not a missing role)."""

    status = 403


KINDS: tuple[type[DomainError], ...] = (Invalid, NotFound, Conflict, Forbidden)
