"""Errors told without the values they were about, for what is kept or pasted: log lines (a traceback) and dead
letters (kept two weeks, out of reach of a person's erasure).

An exception's message may quote anything it met: pydantic's `input_value=` (a name, an address, an identity
attribute), PostgreSQL's `DETAIL: Key (lower(email))=(...)` or `invalid input syntax ...: "..."`, a handler's own
f-string. So an error is told by its structure alone:

- its type; for a validation error (pydantic's, FastAPI's) each problem's location and kind (`string_type`,
  `missing`) and pydantic's wording of it, unless that wording may quote the input (a validator's own message);
- for a database error its SQLSTATE and the schema's names it gives (table, column, constraint, type);
- for a domain error (`plumbing.errors`) its code and field;
- for any other, its type only; a traceback keeps its frames (file, line, function, source line), never messages,
  arguments or notes.

    describe(error)         # one line: a dead letter's `x-dead-letter-error`
    traceback_text(error)   # a traceback, chained as Python chains them: a log line's `exc`
"""

from __future__ import annotations

import json
import re
import traceback
import typing
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any

import asyncpg
from fastapi.exceptions import ValidationException
from pydantic import ValidationError
from pydantic_core.core_schema import ErrorType

from .errors import DomainError

# pydantic's kinds of problem whose wording is made from the schema (its limits, its choices) alone. The others may
# quote the input: a validator's own message (`value_error`, `assertion_error`), the tag a union found, a custom kind.
_WORDED_BY_THE_SCHEMA = frozenset(typing.get_args(ErrorType)) - {
    "value_error", "assertion_error", "union_tag_invalid", "model_type", "dataclass_type"}
_PROBLEMS_TOLD = 10  # a message with more problems says how many more
_NAMES_OF_THE_SCHEMA = ("table_name", "column_name", "constraint_name", "data_type_name")
_SQLSTATE = re.compile(r"^[0-9A-Z]{5}$")
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$.\-\[\]]{0,80}$")  # a field's or a schema's name, never free text


def describe(error: BaseException, *, where: bool = False, causes: bool = True) -> str:
    """One line naming the error without any value it was about; `where`: with the frame it was raised in;
    `causes`: with the errors it was raised from (`raise ... from`) or while handling, by the same rules."""
    told = _summary(error)
    if where and (frame := _innermost_frame(error.__traceback__)) is not None:
        told += f" (at {frame})"
    if causes:
        for link, earlier in _chain(error):
            told += f"; {'from' if link == 'cause' else 'while handling'} {_summary(earlier)}"
    return told


def traceback_text(error: BaseException) -> str:
    """The error's traceback as Python writes it (its chain, each one's frames), each exception's line `describe`d:
    no message, argument or note."""
    return "\n".join(_traceback_lines(error, set())).rstrip("\n")


def _summary(error: BaseException) -> str:
    return type(error).__name__ + _detail(error)


def _detail(error: BaseException) -> str:
    """What follows the error's type: ": ..." of what may be told, or nothing."""
    if isinstance(error, ValidationError):
        return f" for {_plain(error.title)}: {_problems(error.errors(include_input=False, include_url=False))}"
    if isinstance(error, ValidationException):
        endpoint = f" at {_plain(str(error.endpoint_path))}" if error.endpoint_path else ""
        return f"{endpoint}: {_problems(error.errors())}"
    if isinstance(error, asyncpg.PostgresError):
        state = str(error.sqlstate)
        said = [f"sqlstate {state if _SQLSTATE.match(state) else '…'}"]
        said += [f"{name.removesuffix('_name')} {_plain(str(value))}" for name in _NAMES_OF_THE_SCHEMA
                 if (value := getattr(error, name, None))]
        return f": {', '.join(said)}"
    if isinstance(error, DomainError):
        return f": code {error.code}" + (f", field {_plain(error.field)}" if error.field else "")
    if isinstance(error, json.JSONDecodeError):  # its message is one of the decoder's own phrases
        return f": {error.msg} at line {error.lineno} column {error.colno}"
    if isinstance(error, BaseExceptionGroup):
        inner = ", ".join(type(e).__name__ for e in error.exceptions[:_PROBLEMS_TOLD])
        more = len(error.exceptions) - _PROBLEMS_TOLD
        return f" of {len(error.exceptions)}: {inner}" + (f" and {more} more" if more > 0 else "")
    return ""


def _problems(errors: Iterable[Any]) -> str:
    found = list(errors)
    told = []
    for problem in found[:_PROBLEMS_TOLD]:
        if not isinstance(problem, dict):
            told.append("?")
            continue
        kind = str(problem.get("type", "?"))
        line = f"{_location(problem.get('loc', ()))}: {_plain(kind)}"
        if kind in _WORDED_BY_THE_SCHEMA and isinstance(problem.get("msg"), str):
            line += f" ({problem['msg']})"
        told.append(line)
    more = len(found) - _PROBLEMS_TOLD
    return f"{len(found)} problem{'s' if len(found) != 1 else ''}: " + "; ".join(told) + (
        f"; and {more} more" if more > 0 else "")


def _location(location: Any) -> str:
    parts = location if isinstance(location, list | tuple) else (location,)
    return ".".join(str(p) if isinstance(p, int) else _plain(str(p)) for p in parts) or "(whole)"


def _plain(name: str) -> str:
    """A name as it is when it is one (a field, a table); anything else, which could be a value, as `…`."""
    return name if _PLAIN_NAME.match(name) else "…"


def _innermost_frame(tb: TracebackType | None) -> str | None:
    """The innermost frame of our code (not a library's) the error passed through, else the innermost."""
    frames = traceback.extract_tb(tb) if tb is not None else []
    if not frames:
        return None
    ours = [f for f in frames if "site-packages" not in f.filename and "/lib/python3" not in f.filename]
    frame = (ours or frames)[-1]
    return f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} in {frame.name}"


def _chain(error: BaseException) -> Iterator[tuple[str, BaseException]]:
    """The errors this one was raised from or while handling, nearest first, as Python prints them."""
    seen = {id(error)}
    current: BaseException | None = error
    while current is not None:
        if current.__cause__ is not None:
            link, current = "cause", current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            link, current = "context", current.__context__
        else:
            return
        if id(current) in seen:
            return
        seen.add(id(current))
        yield link, current


_LINKS = {"cause": "\nThe above exception was the direct cause of the following exception:\n",
          "context": "\nDuring handling of the above exception, another exception occurred:\n"}


def _traceback_lines(error: BaseException, seen: set[int]) -> list[str]:
    seen.add(id(error))
    lines: list[str] = []
    link, earlier = next(_chain(error), (None, None))
    if earlier is not None and link is not None and id(earlier) not in seen:
        lines += [*_traceback_lines(earlier, seen), _LINKS[link]]
    if error.__traceback__ is not None:
        lines.append("Traceback (most recent call last):")
        lines += [frame.rstrip("\n") for frame in traceback.StackSummary.extract(traceback.walk_tb(
            error.__traceback__)).format()]
    module = type(error).__module__
    lines.append(("" if module == "builtins" else f"{module}.") + type(error).__qualname__ + _detail(error))
    if isinstance(error, BaseExceptionGroup):
        for number, inner in enumerate(error.exceptions[:_PROBLEMS_TOLD], 1):
            if id(inner) in seen:
                continue
            lines.append(f"  +---------------- {number} ----------------")
            lines += [f"  | {line}" for text in _traceback_lines(inner, seen) for line in text.split("\n")]
    return lines
