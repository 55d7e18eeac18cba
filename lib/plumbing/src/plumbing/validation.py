"""Input types every service's HTTP models use, so that no text, number or time a client sends can break a
service later: a NUL byte that PostgreSQL refuses, a line break that breaks an email header or an `.ics` line, a
lone surrogate that cannot be encoded, a 10 MB "topic", an offset past what a bigint holds, a date in year 9999.

    class MeetingIn(BaseModel):
        topic: Annotated[str, Text(200)]            # one line, at most 200 characters
        notes: Annotated[str, MultilineText(5000)]  # line breaks and tabs allowed, no other control characters
        met_at: Moment
    async def list_people(offset: Offset = 0, limit: Limit = 50): ...
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from uuid import UUID

from annotated_types import GroupedMetadata, MaxLen
from pydantic import AfterValidator, AwareDatetime, Field

from .errors import Invalid

# The span of dates the platform has any use for: wide enough for birthdays and terms, narrow enough that
# arithmetic on them (a term's end, a reminder's time) stays within what Python and PostgreSQL hold.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
_LINE_BREAKS = {"\n", "\t", "\r"}


def _refuse_control_characters(value: str, allowed: set[str]) -> str:
    for character in value:
        if character not in allowed and unicodedata.category(character) in ("Cc", "Cs", "Zl", "Zp"):
            raise ValueError(f"must not contain control characters (found U+{ord(character):04X})")
    return value


def _one_line(value: str) -> str:
    return _refuse_control_characters(value, set())


def _lines(value: str) -> str:
    return _refuse_control_characters(value, _LINE_BREAKS).replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Text(GroupedMetadata):
    """`Annotated[str, Text(200)]`: one line of at most 200 characters, without control characters. Other
    constraints (`Field(min_length=1)`) combine with it."""

    max_length: int

    def check(self, value: str) -> str:
        return _one_line(value)

    # What `check` refuses, stated in the OpenAPI document for clients and fuzzers (ECMA-262 syntax).
    json_pattern = "^[^\\u0000-\\u001f\\u007f\\u2028\\u2029]*$"

    def __iter__(self) -> Iterator[object]:
        yield MaxLen(self.max_length)
        yield AfterValidator(self.check)
        yield Field(json_schema_extra={"pattern": self.json_pattern})


@dataclass(frozen=True)
class MultilineText(Text):
    """`Annotated[str, MultilineText(5000)]`: lines and tabs allowed (line ends made `\\n`), no other control
    characters, at most 5000 characters."""

    json_pattern = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f\\u2028\\u2029]*$"

    def check(self, value: str) -> str:
        return _lines(value)


def _within_the_calendar(value: datetime) -> datetime:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_within_the_calendar)]
Offset = Annotated[int, Field(ge=0, le=10_000_000)]
Limit = Annotated[int, Field(ge=1, le=500)]


NUL = "\x00"  # the one character PostgreSQL's text (and jsonb) cannot hold
NUL_PATHS_AT_MOST = 20  # named of one body, which may hold a hundred thousand in its megabyte
_Place = tuple["_Place", str | int] | None  # where a value is: its parent's place and its name or index there


def nul_paths(value: object) -> list[tuple[str | int, ...]]:
    """Where a parsed JSON value holds a NUL, in the order it is written (the first `NUL_PATHS_AT_MOST`): the path
    of each string holding one (`("answers", 0, "value")`), and of each object with a member's name holding one,
    before its members (the name itself is no field a client could be told of). Walked without recursion, each
    place noting only its parent's: a body may be nested as deep as the JSON parser allows."""
    found: list[tuple[str | int, ...]] = []
    waiting: list[tuple[_Place, object]] = [(None, value)]
    while waiting and len(found) < NUL_PATHS_AT_MOST:
        place, value = waiting.pop()
        if isinstance(value, str):
            if NUL in value:
                found.append(_path(place))
        elif isinstance(value, list):
            waiting.extend(((place, index), value[index]) for index in reversed(range(len(value))))
        elif isinstance(value, dict):
            if any(NUL in name for name in value):
                found.append(_path(place))
            waiting.extend(((place, name), item) for name, item in reversed(value.items()))
    return found


def _path(place: _Place) -> tuple[str | int, ...]:
    names: list[str | int] = []
    while place is not None:
        place, name = place
        names.append(name)
    return tuple(reversed(names))


IDS_AT_ONCE = 200  # ids one query string names: a page of a list, well under what a URL holds (200 × 37 characters)


def comma_separated_ids(ids: str, field: str = "ids") -> list[UUID]:
    """The ids a query parameter names, comma-separated, each once in their order: 422 naming `field` for one that is
    not an id, or more than `IDS_AT_ONCE`."""
    try:
        wanted = list(dict.fromkeys(UUID(part.strip()) for part in ids.split(",") if part.strip()))
    except ValueError:
        raise Invalid("ids, comma-separated", field=field) from None
    if len(wanted) > IDS_AT_ONCE:
        raise Invalid(f"{IDS_AT_ONCE} ids at most", field=field)
    return wanted
